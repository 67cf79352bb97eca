"""Tests of the Fellegi–Sunter weight estimation against a simulated linkage problem.

The simulation draws comparison levels from known m and u with conditional independence holding
exactly, so EM must give the truth back up to sampling noise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from open_segments.identity.fellegi_sunter import (
    M_FROM_ALL_PAIRS,
    M_FROM_SESSIONS,
    M_FROM_START,
    M_UNOBSERVED,
    NULL_LEVEL,
    OUTPUT_COLUMNS,
    PRIOR_COMPARISON,
    PRIOR_LABEL,
    ImplausibleSessionWarning,
    UntrainedComparisonWarning,
    estimate_match_weights,
    estimate_match_weights_by_blocking_rule,
    match_probability,
    monotone_m,
)

COMPARISONS: dict[str, list[str]] = {
    "first_name": ["different", "similar", "exact"],
    "last_name": ["different", "similar", "exact"],
    "date_of_birth": ["different", "one part differs", "exact"],
    "postcode": ["different", "exact"],
}
TRUE_M: dict[str, list[float]] = {
    "first_name": [0.05, 0.10, 0.85],
    "last_name": [0.03, 0.07, 0.90],
    "date_of_birth": [0.02, 0.08, 0.90],
    "postcode": [0.15, 0.85],
}
TRUE_U: dict[str, list[float]] = {
    "first_name": [0.90, 0.08, 0.02],
    "last_name": [0.94, 0.05, 0.01],
    "date_of_birth": [0.97, 0.025, 0.005],
    "postcode": [0.95, 0.05],
}
TRUE_PRIOR = 0.02
CANDIDATE_PAIRS = 200_000
RANDOM_PAIRS = 100_000
NULL_RATES = {"date_of_birth": 0.10, "postcode": 0.25}


@dataclass(frozen=True)
class Simulation:
    patterns: pd.DataFrame
    random_levels: pd.DataFrame


def draw_levels(
    rng: np.random.Generator, n: int, is_match: np.ndarray, null_rates: dict[str, float]
) -> np.ndarray:
    """Levels (pairs x comparisons) drawn from m for matches and u otherwise, nulls at random."""
    columns = []
    for name in COMPARISONS:
        size = len(COMPARISONS[name])
        from_m = rng.choice(size, size=n, p=TRUE_M[name])
        from_u = rng.choice(size, size=n, p=TRUE_U[name])
        levels = np.where(is_match, from_m, from_u)
        levels[rng.random(n) < null_rates.get(name, 0.0)] = NULL_LEVEL
        columns.append(levels)
    return np.column_stack(columns)


def simulate(seed: int, null_rates: dict[str, float] | None = None) -> Simulation:
    """Candidate pairs grouped into patterns, plus level counts of separate non-match pairs."""
    null_rates = null_rates or {}
    rng = np.random.default_rng(seed)
    is_match = rng.random(CANDIDATE_PAIRS) < TRUE_PRIOR
    candidates = draw_levels(rng, CANDIDATE_PAIRS, is_match, null_rates)
    vectors, counts = np.unique(candidates, axis=0, return_counts=True)
    patterns = pd.DataFrame(vectors, columns=list(COMPARISONS)).assign(pair_count=counts)

    random_pairs = draw_levels(rng, RANDOM_PAIRS, np.zeros(RANDOM_PAIRS, bool), null_rates)
    random_rows = []
    for index, name in enumerate(COMPARISONS):
        levels, level_counts = np.unique(random_pairs[:, index], return_counts=True)
        random_rows += [
            {"comparison": name, "level": int(level), "pair_count": int(count)}
            for level, count in zip(levels, level_counts, strict=True)
        ]
    return Simulation(patterns, pd.DataFrame(random_rows))


@pytest.fixture(scope="module")
def complete() -> Simulation:
    return simulate(seed=11)


@pytest.fixture(scope="module")
def complete_weights(complete: Simulation) -> pd.DataFrame:
    return estimate_match_weights(complete.patterns, complete.random_levels, COMPARISONS)


@pytest.fixture(scope="module")
def with_nulls() -> Simulation:
    return simulate(seed=12, null_rates=NULL_RATES)


def level_rows(weights: pd.DataFrame, name: str) -> pd.DataFrame:
    """The non-null level rows of one comparison, in level order."""
    rows = weights[(weights["comparison"] == name) & (weights["level"] >= 0)]
    return rows.sort_values("level")


def prior_row(weights: pd.DataFrame) -> pd.Series:
    return weights[weights["comparison"] == PRIOR_COMPARISON].iloc[0]


def assert_recovers_truth(weights: pd.DataFrame) -> None:
    for name in COMPARISONS:
        rows = level_rows(weights, name)
        np.testing.assert_allclose(rows["m_probability"], TRUE_M[name], atol=0.02, rtol=0)
        np.testing.assert_allclose(rows["u_probability"], TRUE_U[name], atol=0.005, rtol=0)
    assert abs(prior_row(weights)["m_probability"] - TRUE_PRIOR) < 0.005
    assert bool(weights["em_converged"].iloc[0])


def test_recovers_known_m_u_and_prior(complete_weights: pd.DataFrame) -> None:
    assert_recovers_truth(complete_weights)


def test_null_levels_have_zero_weight_and_m_is_still_recovered(with_nulls: Simulation) -> None:
    assert (with_nulls.patterns[list(NULL_RATES)] == NULL_LEVEL).any().all()
    weights = estimate_match_weights(with_nulls.patterns, with_nulls.random_levels, COMPARISONS)

    nulls = weights[weights["level"] == NULL_LEVEL]
    assert list(nulls["comparison"]) == list(COMPARISONS)
    assert (nulls["label"] == "null").all()
    assert (nulls["m_probability"] == 1.0).all()
    assert (nulls["u_probability"] == 1.0).all()
    assert (nulls["bayes_factor"] == 1.0).all()
    assert (nulls["match_weight"] == 0.0).all()
    assert_recovers_truth(weights)
    # Random pairs with a null still count towards the random-pair total.
    assert weights["random_pairs"].iloc[0] == RANDOM_PAIRS


def test_output_layout(complete: Simulation, complete_weights: pd.DataFrame) -> None:
    weights = complete_weights
    assert tuple(weights.columns) == OUTPUT_COLUMNS
    expected_keys = [(PRIOR_COMPARISON, 0)] + [
        (name, level) for name, labels in COMPARISONS.items() for level in range(-1, len(labels))
    ]
    assert list(zip(weights["comparison"], weights["level"], strict=True)) == expected_keys
    assert list(weights["label"]) == [PRIOR_LABEL] + [
        label for labels in COMPARISONS.values() for label in ["null", *labels]
    ]

    prior = prior_row(weights)
    assert prior["u_probability"] == pytest.approx(1.0 - prior["m_probability"])
    assert prior["bayes_factor"] == pytest.approx(prior["m_probability"] / prior["u_probability"])
    np.testing.assert_allclose(weights["match_weight"], np.log2(weights["bayes_factor"]))
    levels = weights[weights["level"] >= 0].iloc[1:]
    np.testing.assert_allclose(
        levels["bayes_factor"], levels["m_probability"] / levels["u_probability"]
    )
    for name in COMPARISONS:
        assert level_rows(weights, name)["m_probability"].sum() == pytest.approx(1.0)
        assert level_rows(weights, name)["u_probability"].sum() == pytest.approx(1.0)

    for column in OUTPUT_COLUMNS[7:]:
        assert weights[column].nunique() == 1, column
    assert weights["level"].dtype == np.int64
    assert weights["em_iterations"].dtype == np.int64
    assert weights["em_converged"].dtype == bool
    assert weights["candidate_pairs"].iloc[0] == CANDIDATE_PAIRS
    assert weights["candidate_pairs"].iloc[0] == complete.patterns["pair_count"].sum()
    assert weights["random_pairs"].iloc[0] == RANDOM_PAIRS
    assert 1 < weights["em_iterations"].iloc[0] <= 100
    assert 0 <= weights["em_max_change"].iloc[0] < 1e-6
    assert np.isfinite(weights["log_likelihood"].iloc[0])
    assert weights["log_likelihood"].iloc[0] < 0


def test_match_probability_separates_agreement_from_disagreement(
    complete_weights: pd.DataFrame,
) -> None:
    top = {name: len(labels) - 1 for name, labels in COMPARISONS.items()}
    extremes = pd.DataFrame([top, dict.fromkeys(COMPARISONS, 0)])
    exact, disagree = match_probability(complete_weights, extremes)
    assert exact > 0.99
    assert disagree < 0.01


def test_match_probability_adds_prior_and_level_weights(
    complete: Simulation, complete_weights: pd.DataFrame
) -> None:
    pattern = {"first_name": 2, "last_name": 0, "date_of_birth": 1, "postcode": NULL_LEVEL}
    weight_of = complete_weights.set_index(["comparison", "level"])["match_weight"]
    log2_odds = weight_of[(PRIOR_COMPARISON, 0)] + sum(
        weight_of[(name, level)] for name, level in pattern.items()
    )
    (probability,) = match_probability(complete_weights, pd.DataFrame([pattern]))
    assert probability == pytest.approx(1.0 / (1.0 + 2.0**-log2_odds))

    probabilities = match_probability(complete_weights, complete.patterns)
    assert probabilities.shape == (len(complete.patterns),)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    # The pair-weighted mean posterior is the prior that EM settled on.
    expected_matches = probabilities @ complete.patterns["pair_count"].to_numpy()
    assert expected_matches / CANDIDATE_PAIRS == pytest.approx(
        prior_row(complete_weights)["m_probability"], abs=1e-5
    )


def test_match_probability_rejects_uncovered_levels(complete_weights: pd.DataFrame) -> None:
    pattern = {"first_name": 3, "last_name": 0, "date_of_birth": 0, "postcode": 0}
    with pytest.raises(ValueError, match="do not cover"):
        match_probability(complete_weights, pd.DataFrame([pattern]))


def test_is_deterministic(complete: Simulation, complete_weights: pd.DataFrame) -> None:
    again = estimate_match_weights(complete.patterns, complete.random_levels, COMPARISONS)
    pd.testing.assert_frame_equal(again, complete_weights, check_exact=True)


def test_u_is_smoothed_share_of_non_null_random_pairs() -> None:
    patterns = pd.DataFrame({"a": [0, 1, 2, 0], "b": [0, 1, 1, -1], "pair_count": [50, 5, 10, 3]})
    random_levels = pd.DataFrame(
        {
            "comparison": ["a", "a", "a", "b", "b"],
            "level": [-1, 0, 1, 0, 1],
            "pair_count": [40, 90, 7, 96, 2],
        }
    )
    labels = {"a": ["different", "close", "exact"], "b": ["different", "exact"]}
    weights = estimate_match_weights(patterns, random_levels, labels)

    # a: 97 non-null random pairs, level 2 never seen -> (90+1, 7+1, 0+1) / (97+3).
    np.testing.assert_allclose(level_rows(weights, "a")["u_probability"], [0.91, 0.08, 0.01])
    np.testing.assert_allclose(level_rows(weights, "b")["u_probability"], [0.97, 0.03])
    assert weights["random_pairs"].iloc[0] == 137
    assert weights["candidate_pairs"].iloc[0] == 68


def test_log_likelihood_never_decreases_over_iterations(complete: Simulation) -> None:
    log_likelihoods = [
        estimate_match_weights(
            complete.patterns, complete.random_levels, COMPARISONS, max_iterations=iterations
        )["log_likelihood"].iloc[0]
        for iterations in range(1, 8)
    ]
    assert np.all(np.diff(log_likelihoods) >= -1e-6)
    assert log_likelihoods[-1] > log_likelihoods[0]


def test_single_iteration_is_not_converged(complete: Simulation) -> None:
    weights = estimate_match_weights(
        complete.patterns, complete.random_levels, COMPARISONS, max_iterations=1
    )
    assert not weights["em_converged"].iloc[0]
    assert weights["em_iterations"].iloc[0] == 1
    assert weights["em_max_change"].iloc[0] >= 1e-6
    assert np.isfinite(weights["match_weight"]).all()


def test_top_level_starts_near_ninety_percent() -> None:
    # With no data at all on a comparison (always null), m stays at its documented start.
    patterns = pd.DataFrame(
        {"a": [0, 1], "c": [-1, -1], "d": [0, 1], "e": [0, 1], "pair_count": [900, 100]}
    )
    random_levels = pd.DataFrame(
        {
            "comparison": ["a", "a", "c", "c", "d", "d", "e", "e"],
            "level": [0, 1, 0, 3, 0, 1, 0, 1],
            "pair_count": [95, 5, 90, 1, 95, 5, 95, 5],
        }
    )
    labels = {name: ["different", "exact"] for name in "ade"}
    labels["c"] = ["different", "close", "closer", "exact"]
    weights = estimate_match_weights(patterns, random_levels, labels)
    start = level_rows(weights, "c")["m_probability"].to_numpy()
    np.testing.assert_allclose(start, np.array([1, 9, 81, 729]) / 820)
    assert start[-1] == pytest.approx(0.889, abs=1e-3)


def small_inputs() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    patterns = pd.DataFrame({"a": [0, 1, -1], "b": [0, 1, 1], "pair_count": [80, 15, 5]})
    random_levels = pd.DataFrame(
        {"comparison": ["a", "a", "b", "b"], "level": [0, 1, 0, 1], "pair_count": [9, 1, 8, 2]}
    )
    return patterns, random_levels, {"a": ["different", "exact"], "b": ["different", "exact"]}


def test_small_inputs_are_valid() -> None:
    weights = estimate_match_weights(*small_inputs())
    assert len(weights) == 1 + 2 * 3


Inputs = tuple[pd.DataFrame, pd.DataFrame]


def _drop_comparison_column(patterns: pd.DataFrame, random_levels: pd.DataFrame) -> Inputs:
    return patterns.drop(columns="b"), random_levels


def _drop_pair_count(patterns: pd.DataFrame, random_levels: pd.DataFrame) -> Inputs:
    return patterns.drop(columns="pair_count"), random_levels


def _level_above_top(patterns: pd.DataFrame, random_levels: pd.DataFrame) -> Inputs:
    patterns.loc[0, "a"] = 2
    return patterns, random_levels


def _level_below_null(patterns: pd.DataFrame, random_levels: pd.DataFrame) -> Inputs:
    patterns.loc[0, "b"] = -2
    return patterns, random_levels


def _random_level_above_top(patterns: pd.DataFrame, random_levels: pd.DataFrame) -> Inputs:
    random_levels.loc[0, "level"] = 5
    return patterns, random_levels


def _negative_pattern_count(patterns: pd.DataFrame, random_levels: pd.DataFrame) -> Inputs:
    patterns.loc[1, "pair_count"] = -1
    return patterns, random_levels


def _negative_random_count(patterns: pd.DataFrame, random_levels: pd.DataFrame) -> Inputs:
    random_levels.loc[2, "pair_count"] = -3
    return patterns, random_levels


def _empty_patterns(patterns: pd.DataFrame, random_levels: pd.DataFrame) -> Inputs:
    return patterns.iloc[:0], random_levels


def _comparison_missing_from_random(patterns: pd.DataFrame, random_levels: pd.DataFrame) -> Inputs:
    return patterns, random_levels[random_levels["comparison"] != "b"]


@pytest.mark.parametrize(
    ("break_input", "message"),
    [
        (_drop_comparison_column, r"patterns is missing columns: \['b'\]"),
        (_drop_pair_count, r"patterns is missing columns: \['pair_count'\]"),
        (_level_above_top, r"patterns\.a holds levels \[2\] outside -1\.\.1"),
        (_level_below_null, r"patterns\.b holds levels \[-2\] outside -1\.\.1"),
        (_random_level_above_top, r"random_levels for 'a' holds levels \[5\]"),
        (_negative_pattern_count, "patterns.pair_count holds negative counts"),
        (_negative_random_count, "random_levels.pair_count holds negative counts"),
        (_empty_patterns, "patterns is empty"),
        (_comparison_missing_from_random, r"random_levels has no rows for comparisons: \['b'\]"),
    ],
)
def test_invalid_inputs_raise(
    break_input: Callable[[pd.DataFrame, pd.DataFrame], Inputs], message: str
) -> None:
    patterns, random_levels, comparisons = small_inputs()
    patterns, random_levels = break_input(patterns, random_levels)
    with pytest.raises(ValueError, match=message):
        estimate_match_weights(patterns, random_levels, comparisons)


def test_missing_level_values_raise() -> None:
    patterns, random_levels, comparisons = small_inputs()
    patterns["a"] = patterns["a"].astype("float64")
    patterns.loc[0, "a"] = math.nan
    with pytest.raises(ValueError, match="missing values"):
        estimate_match_weights(patterns, random_levels, comparisons)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_iterations": 0}, "max_iterations"),
        ({"tolerance": 0.0}, "tolerance"),
        ({"initial_prior": 1.0}, "initial_prior"),
    ],
)
def test_invalid_settings_raise(settings: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        estimate_match_weights(*small_inputs(), **settings)


def test_invalid_comparisons_raise() -> None:
    patterns, random_levels, _ = small_inputs()
    with pytest.raises(ValueError, match="comparisons is empty"):
        estimate_match_weights(patterns, random_levels, {})
    with pytest.raises(ValueError, match="at least two level labels"):
        estimate_match_weights(patterns, random_levels, {"a": ["only"], "b": ["no", "yes"]})
    with pytest.raises(ValueError, match="reserved"):
        estimate_match_weights(patterns, random_levels, {"prior": ["no", "yes"]})


def test_blocking_rule_estimation_builds_on_tiny_data() -> None:
    """No candidate pairs and a comparison nobody fills (a 3-row CRM without birth dates) still
    give a finite weights table: uniform u and the initial m for the empty comparison."""
    comparisons = {"first_name": ["different", "exact"], "date_of_birth": ["different", "exact"]}
    empty = pd.DataFrame(
        {
            "session": pd.Series([], dtype="int64"),
            "first_name": pd.Series([], dtype="int64"),
            "date_of_birth": pd.Series([], dtype="int64"),
            "pair_count": pd.Series([], dtype="int64"),
        }
    )
    random_levels = pd.DataFrame(
        {
            "comparison": ["first_name", "first_name", "date_of_birth"],
            "level": [0, 1, -1],
            "pair_count": [2, 0, 2],
        }
    )
    weights = estimate_match_weights_by_blocking_rule(
        empty, {}, empty.drop(columns="session"), random_levels, comparisons, comparable_pairs=3
    )
    dob = weights[(weights["comparison"] == "date_of_birth") & (weights["level"] >= 0)]
    assert dob["u_probability"].tolist() == [0.5, 0.5]
    assert np.isfinite(weights["match_weight"]).all()
    prior = weights[weights["comparison"] == "prior"]["m_probability"].iloc[0]
    assert 0 < prior < 1e-5


def test_monotone_m_pools_a_level_that_outweighs_the_level_above() -> None:
    """'similarity >= 0.9' weighing more than 'exact' (as address did on real files): the two
    levels are pooled into one Bayes factor, sum m / sum u, and the lower level is untouched."""
    m = np.array([0.1, 0.3, 0.6])
    u = np.array([0.98, 0.0027, 0.0173])
    assert m[1] / u[1] > m[2] / u[2]
    pooled = monotone_m(m, u)
    factors = pooled / u
    assert factors[0] == pytest.approx(m[0] / u[0])
    assert factors[1] == pytest.approx(0.9 / 0.02)
    assert factors[2] == pytest.approx(0.9 / 0.02)
    assert pooled.sum() == pytest.approx(1.0)


def test_monotone_m_keeps_ordered_levels_and_orders_any_input() -> None:
    rng = np.random.default_rng(5)
    ordered_m, ordered_u = np.array([0.05, 0.15, 0.8]), np.array([0.9, 0.08, 0.02])
    np.testing.assert_allclose(monotone_m(ordered_m, ordered_u), ordered_m)
    for _ in range(200):
        size = int(rng.integers(2, 7))
        m = rng.dirichlet(np.ones(size))
        u = rng.dirichlet(np.ones(size))
        result = monotone_m(m, u)
        assert np.all(np.diff(np.log2(result / u)) >= -1e-12)
        assert result.sum() == pytest.approx(1.0)
        assert (result > 0).all()


def test_estimated_weights_keep_level_order_when_truth_does_not() -> None:
    """A day/month transposition rarer among matches than a plain disagreement relative to u
    (m/u below 'different'): the estimate still never weighs a closer level less."""
    comparisons = {
        "date_of_birth": ["different", "one part differs", "transposed", "exact"],
        "last_name": ["different", "exact"],
    }
    rng = np.random.default_rng(3)
    n = 50_000
    is_match = rng.random(n) < 0.05
    dob_m, dob_u = [0.02, 0.07, 0.0002, 0.9098], [0.95, 0.04, 0.009, 0.001]
    name_m, name_u = [0.1, 0.9], [0.99, 0.01]
    dob = np.where(is_match, rng.choice(4, n, p=dob_m), rng.choice(4, n, p=dob_u))
    name = np.where(is_match, rng.choice(2, n, p=name_m), rng.choice(2, n, p=name_u))
    vectors, counts = np.unique(np.column_stack([dob, name]), axis=0, return_counts=True)
    patterns = pd.DataFrame(vectors, columns=list(comparisons)).assign(pair_count=counts)
    random_levels = pd.DataFrame(
        [
            {"comparison": c, "level": level, "pair_count": int(share * 100_000)}
            for c, shares in (("date_of_birth", dob_u), ("last_name", name_u))
            for level, share in enumerate(shares)
        ]
    )
    weights = estimate_match_weights(patterns, random_levels, comparisons)
    for name in comparisons:
        ordered = level_rows(weights, name)["match_weight"].to_numpy()
        assert np.all(np.diff(ordered) >= -1e-9), (name, ordered)


def _session_inputs(
    blocked_by_every_rule: bool,
) -> tuple[pd.DataFrame, dict[int, list[str]], pd.DataFrame, pd.DataFrame]:
    """Two sessions of a CRM linked to a third party without dates of birth: names and
    postcodes agree on the matches. Either both rules block on postcode, or one does not."""
    rows = [
        {"first_name": 1, "postcode": 1, "pair_count": 90},
        {"first_name": 0, "postcode": 1, "pair_count": 400},
        {"first_name": 1, "postcode": 0, "pair_count": 5},
        {"first_name": 0, "postcode": 0, "pair_count": 300},
    ]
    patterns = pd.DataFrame(rows)
    sessions = pd.concat(
        [patterns.assign(session=1), patterns.assign(session=2)], ignore_index=True
    )
    blocked = {1: ["postcode"], 2: ["postcode"] if blocked_by_every_rule else ["first_name"]}
    random_levels = pd.DataFrame(
        {
            "comparison": ["first_name", "first_name", "postcode", "postcode"],
            "level": [0, 1, 0, 1],
            "pair_count": [9_900, 100, 9_990, 10],
        }
    )
    return sessions, blocked, patterns, random_levels


def test_a_comparison_every_rule_blocks_on_falls_back_with_a_warning() -> None:
    """Every rule that proposed pairs blocks on postcode (the source mix that used to stop the
    build): the build goes on, postcode's m comes from all candidate pairs, and it says so."""
    sessions, blocked, patterns, random_levels = _session_inputs(blocked_by_every_rule=True)
    comparisons = {"first_name": ["different", "exact"], "postcode": ["different", "exact"]}
    with pytest.warns(UntrainedComparisonWarning, match=r"postcode \(all_candidate_pairs\)"):
        weights = estimate_match_weights_by_blocking_rule(
            sessions, blocked, patterns, random_levels, comparisons, comparable_pairs=10**6
        )
    source = weights.drop_duplicates("comparison").set_index("comparison")["m_source"]
    assert source["postcode"] == M_FROM_ALL_PAIRS
    assert source["first_name"] == M_FROM_SESSIONS
    postcode = level_rows(weights, "postcode")["match_weight"].to_numpy()
    assert np.isfinite(postcode).all() and postcode[1] > postcode[0]


def test_no_warning_when_some_rule_leaves_each_comparison_free(recwarn) -> None:
    sessions, blocked, patterns, random_levels = _session_inputs(blocked_by_every_rule=False)
    comparisons = {"first_name": ["different", "exact"], "postcode": ["different", "exact"]}
    weights = estimate_match_weights_by_blocking_rule(
        sessions, blocked, patterns, random_levels, comparisons, comparable_pairs=10**6
    )
    assert not [w for w in recwarn if issubclass(w.category, UntrainedComparisonWarning)]
    assert set(weights["m_source"]) == {M_FROM_SESSIONS}


def test_a_comparison_no_pair_fills_keeps_its_starting_values() -> None:
    sessions, blocked, patterns, random_levels = _session_inputs(blocked_by_every_rule=False)
    comparisons = {
        "first_name": ["different", "exact"],
        "postcode": ["different", "exact"],
        "date_of_birth": ["different", "exact"],
    }
    sessions = sessions.assign(date_of_birth=NULL_LEVEL)
    patterns = patterns.assign(date_of_birth=NULL_LEVEL)
    random_levels = pd.concat(
        [
            random_levels,
            pd.DataFrame({"comparison": ["date_of_birth"], "level": [-1], "pair_count": [10_000]}),
        ],
        ignore_index=True,
    )
    weights = estimate_match_weights_by_blocking_rule(
        sessions, blocked, patterns, random_levels, comparisons, comparable_pairs=10**6
    )
    source = weights.drop_duplicates("comparison").set_index("comparison")["m_source"]
    assert source["date_of_birth"] == M_UNOBSERVED


def test_a_field_the_matches_lack_is_not_estimated_from_look_alike_non_matches() -> None:
    """The third party has no dates of birth, so only CRM <-> CRM pairs (non-matches, a few of
    them look-alikes) have date_of_birth observed: a handful of expected matches is no estimate
    of its m, which keeps its starting values, with a warning, instead of a weight learnt from
    non-matches."""
    sessions, blocked, patterns, random_levels = _session_inputs(blocked_by_every_rule=False)
    comparisons = {
        "first_name": ["different", "exact"],
        "postcode": ["different", "exact"],
        "date_of_birth": ["different", "exact"],
    }
    look_alikes = pd.DataFrame(
        [
            {"first_name": 1, "postcode": 1, "date_of_birth": 1, "pair_count": 2},
            {"first_name": 1, "postcode": 1, "date_of_birth": 0, "pair_count": 3},
            {"first_name": 0, "postcode": 0, "date_of_birth": 0, "pair_count": 200},
        ]
    )
    patterns = pd.concat([patterns.assign(date_of_birth=NULL_LEVEL), look_alikes])
    sessions = pd.concat(
        [patterns.assign(session=1), patterns.assign(session=2)], ignore_index=True
    )
    random_levels = pd.concat(
        [
            random_levels,
            pd.DataFrame(
                {"comparison": ["date_of_birth"] * 2, "level": [0, 1], "pair_count": [9_990, 10]}
            ),
        ],
        ignore_index=True,
    )
    with pytest.warns(UntrainedComparisonWarning, match=r"date_of_birth \(starting_values\)"):
        weights = estimate_match_weights_by_blocking_rule(
            sessions, blocked, patterns, random_levels, comparisons, comparable_pairs=10**6
        )
    source = weights.drop_duplicates("comparison").set_index("comparison")["m_source"]
    assert source["date_of_birth"] == M_FROM_START
    assert source["first_name"] == M_FROM_SESSIONS


def test_a_session_whose_matches_disagree_more_than_strangers_trains_nothing(
    complete: Simulation,
) -> None:
    """Rule 2 proposes mostly neighbours who share a first name and a postcode but no surname or
    birth date (the street of a test file, a household): its EM takes them for the matches, so its
    "matches" agree on the surname less often than random pairs do. That is another class, not
    the same people: rule 2 is left out, with a warning naming it, and the weights are those of
    rule 1 alone."""
    neighbours = pd.DataFrame(
        [
            {
                "first_name": 2,
                "last_name": 0,
                "date_of_birth": 0,
                "postcode": 1,
                "pair_count": 3000,
            },
            {
                "first_name": 0,
                "last_name": 0,
                "date_of_birth": 0,
                "postcode": 0,
                "pair_count": 50000,
            },
            {"first_name": 0, "last_name": 2, "date_of_birth": 0, "postcode": 0, "pair_count": 500},
        ]
    )
    good = complete.patterns.assign(session=1)
    both = pd.concat([good, neighbours.assign(session=2)], ignore_index=True)
    patterns = pd.concat([complete.patterns, neighbours], ignore_index=True)
    settings = {"comparable_pairs": 10**9, "max_iterations": 200}
    with pytest.warns(ImplausibleSessionWarning, match=r"2 \(last_name"):
        weights = estimate_match_weights_by_blocking_rule(
            both, {1: [], 2: []}, patterns, complete.random_levels, COMPARISONS, **settings
        )
    alone = estimate_match_weights_by_blocking_rule(
        good, {1: []}, patterns, complete.random_levels, COMPARISONS, **settings
    )
    pd.testing.assert_frame_equal(weights, alone)
    last_name = level_rows(weights, "last_name")["match_weight"].to_numpy()
    assert last_name[-1] > 0 > last_name[0]


def test_no_session_is_left_out_of_a_plausible_linkage(complete: Simulation, recwarn) -> None:
    sessions = pd.concat(
        [complete.patterns.assign(session=1), complete.patterns.assign(session=2)],
        ignore_index=True,
    )
    estimate_match_weights_by_blocking_rule(
        sessions,
        {1: ["postcode"], 2: ["first_name"]},
        complete.patterns,
        complete.random_levels,
        COMPARISONS,
        comparable_pairs=10**9,
    )
    assert not [w for w in recwarn if issubclass(w.category, ImplausibleSessionWarning)]
