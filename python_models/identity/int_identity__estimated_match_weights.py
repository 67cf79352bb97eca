"""Fellegi-Sunter match weights: m by expectation-maximisation, u from random pairs.

Reads the comparison patterns of the candidate pairs (overall and per blocking
rule) and the level counts of random pairs; the estimation lives in
``open_segments.identity.fellegi_sunter``.
"""

from open_segments.identity.fellegi_sunter import estimate_match_weights_by_blocking_rule


def _in_a_fixed_order(frame):
    """The rows sorted by every column: tables have no row order, and the estimation's sums
    would otherwise differ in their last bits from run to run."""
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


def model(dbt, session):
    dbt.config(materialized="table")
    patterns = _in_a_fixed_order(dbt.ref("int_identity__comparison_patterns").df())
    training = _in_a_fixed_order(dbt.ref("int_identity__training_patterns").df())
    random_levels = _in_a_fixed_order(dbt.ref("int_identity__random_pair_levels").df())

    # Comparisons in the order of the patterns' columns (the order of the var),
    # each with its level labels from level 0 up.
    comparisons = {}
    for name in (column for column in patterns.columns if column != "pair_count"):
        levels = random_levels[
            (random_levels["comparison"] == name) & (random_levels["level"] >= 0)
        ]
        comparisons[name] = list(levels.sort_values("level")["label"])

    blocked = {
        int(rule): [name for name in text.split(",") if name]
        for rule, text in training[["blocking_rule", "blocked_comparisons"]]
        .drop_duplicates()
        .itertuples(index=False)
    }
    records = int(random_levels["comparable_records"].iloc[0])
    return estimate_match_weights_by_blocking_rule(
        training.drop(columns=["blocked_comparisons"]).rename(columns={"blocking_rule": "session"}),
        blocked,
        patterns,
        random_levels[["comparison", "level", "pair_count"]],
        comparisons,
        comparable_pairs=records * (records - 1) // 2,
        max_iterations=int(dbt.config.get("em_max_iterations")),
    )
