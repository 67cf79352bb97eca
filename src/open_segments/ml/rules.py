"""Rule suggestions: a shallow decision tree, read back as SQL a reviewer can promote.

A depth-limited tree is fitted to a binary target (e.g. purchase within the horizon). Every
leaf is a conjunction of thresholds on the features -- the path from the root -- with its
support (share of rows), its rate of the target and its lift over the base rate. Leaves that
lift the target enough become suggestions: a ``where`` clause on int_customer__features and a
complete rule-segment file in the project's style, ready to be reviewed in a pull request.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.tree import DecisionTreeClassifier


@dataclass(frozen=True)
class RuleConfig:
    max_depth: int = 3
    min_leaf_share: float = 0.01  # a leaf holds at least this share of the rows
    min_lift: float = 1.5
    seed: int = 42


@dataclass(frozen=True)
class Suggestion:
    conditions: tuple[tuple[str, str, float], ...]  # (column, '<=' or '>', threshold)
    rows: int
    support: float
    target_rate: float
    lift: float

    def predicate(self, expressions: dict[str, str] | None = None) -> str:
        """The leaf as SQL: one condition per line, joined by ``and``."""
        expressions = expressions or {}
        return "\n    and ".join(
            f"{expressions.get(column, column)} {operator} {_number(threshold)}"
            for column, operator, threshold in self.conditions
        )


def _number(value: float) -> str:
    """Thresholds halfway between observed values, rounded for reading (2 decimals)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def suggest(
    features: np.ndarray, labels: np.ndarray, columns: list[str], config: RuleConfig
) -> list[Suggestion]:
    """Leaves of a shallow tree that lift the target, best lift first."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) == 0 or labels.min() == labels.max():
        return []
    tree = DecisionTreeClassifier(
        max_depth=config.max_depth,
        min_samples_leaf=max(1, int(np.ceil(config.min_leaf_share * len(labels)))),
        random_state=config.seed,
    ).fit(features, labels)
    structure = tree.tree_
    base_rate = labels.mean()
    leaf_of_row = tree.apply(features)
    suggestions = []

    def walk(node: int, path: tuple[tuple[str, str, float], ...]) -> None:
        left, right = structure.children_left[node], structure.children_right[node]
        if left == right:  # a leaf
            members = leaf_of_row == node
            rate = float(labels[members].mean())
            lift = rate / base_rate
            if lift >= config.min_lift:
                suggestions.append(
                    Suggestion(_simplify(path), int(members.sum()),
                               float(members.mean()), rate, float(lift))
                )  # fmt: skip
            return
        column, threshold = columns[structure.feature[node]], float(structure.threshold[node])
        walk(left, (*path, (column, "<=", threshold)))
        walk(right, (*path, (column, ">", threshold)))

    walk(0, ())
    return sorted(suggestions, key=lambda s: (-s.lift, -s.support, s.conditions))


def _simplify(path: tuple[tuple[str, str, float], ...]) -> tuple[tuple[str, str, float], ...]:
    """Keep the tightest bound per column and direction (a path may split a column twice)."""
    tightest: dict[tuple[str, str], float] = {}
    for column, operator, threshold in path:
        key = (column, operator)
        if key not in tightest:
            tightest[key] = threshold
        elif operator == "<=":
            tightest[key] = min(tightest[key], threshold)
        else:
            tightest[key] = max(tightest[key], threshold)
    return tuple((column, operator, t) for (column, operator), t in tightest.items())


def segment_file(name: str, description: str, predicate: str, columns: list[str]) -> str:
    """A rule-segment model (models/marts/segments/rules/seg_<name>.sql) for a suggestion."""
    selected = ",\n        ".join(["profile_id", *columns])
    return (
        f"-- {description}\n"
        "with\n\n"
        "features as (\n"
        "    select * from {{ ref('int_customer__features') }}\n"
        "),\n\n"
        "final as (\n"
        "    select\n"
        f"        {selected}\n"
        "    from features\n"
        "    where\n"
        f"        {predicate.replace(chr(10) + '    ', chr(10) + '        ')}\n"
        ")\n\n"
        "select * from final\n"
    )
