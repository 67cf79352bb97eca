"""Fellegi–Sunter match weights for probabilistic record linkage.

The SQL side of identity resolution compares candidate record pairs field by field and reduces
each pair to a comparison vector: one integer level per comparison (0 = disagree, higher =
stronger agreement, the top level = exact, -1 = at least one side null). It hands this module two
small aggregates instead of the pairs themselves, so the estimation stays cheap however many pairs
there are:

* ``patterns``: one row per distinct comparison vector among the candidate pairs, with its
  ``pair_count``;
* ``random_levels``: how often each level of each comparison occurs among random record pairs.

Model. A candidate pair is a match with prior probability lambda. Given its match status, the
comparison levels are independent (the conditional independence assumption of Fellegi and
Sunter): ``m[c][l] = P(level l on c | match)`` and ``u[c][l] = P(level l on c | non-match)``. A
null level (-1) says nothing about the match status, so it contributes no factor: it is treated as
missing at random, and m and u of the comparison are distributions over its non-null levels only.
The evidence of one level is its Bayes factor ``m / u`` and its match weight ``log2(m / u)``; a
pair's posterior log-odds are ``log2(lambda / (1 - lambda))`` plus the weights of its levels.

Estimation.

1. u from random pairs. Nearly every random pair is a non-match, so the share of each level among
   the non-null random pairs of a comparison estimates u. One pseudo-count is added to every level
   (additive smoothing) so that a level never seen among random pairs, typically an exact match on
   a rare value, gets a small but non-zero u and a finite weight.
2. m and lambda by expectation–maximisation on the pattern counts, with u held fixed. Fixing u
   from an independent sample keeps the mixture identifiable and stops EM from bending u to absorb
   dependence between comparisons.

   * Start: lambda = ``initial_prior``; every level of a comparison is nine times as likely among
     matches as the level below it, so the top (exact) level starts near 0.9 whatever the number
     of levels. Starting with m increasing in the level puts EM in the basin where "match" means
     "agrees", never in the label-swapped solution where the components trade places.
   * E-step: the posterior match probability of every pattern, computed in log space (a product
     of many small probabilities would underflow).
   * M-step: lambda is the pair-weighted mean posterior; ``m[c][l]`` is the posterior-weighted
     pair count with level l on c divided by the same over the patterns where c is not null. A
     floor of 1e-6 (then renormalised) keeps every m, and so every weight, finite; lambda is kept
     within [1e-6, 1 - 1e-6] for the same reason.
   * Stop when the largest absolute change of any m or of lambda is below ``tolerance``, or after
     ``max_iterations`` (then ``em_converged`` is False).

Order. Levels are ordered by closeness (different, then looser to closer similarity, then exact),
so a closer level must never weigh less than a farther one. Sampling noise, or a level the
training data hardly holds (a day/month transposition, a similarity band next to exact), can break
that order; the estimate is then made monotone by pooling adjacent levels (pool adjacent
violators on the Bayes factor m / u): the levels of a pool share the factor ``sum m / sum u``, and
each keeps its own u, its m rescaled to that factor. Pooling is the maximum-likelihood estimate of
m under the order constraint when u is fixed, and m still sums to 1.

Everything is vectorised over the patterns with numpy, and there is no randomness: the same input
always gives the same output. Scoring pairs in production happens in SQL from the weights table;
:func:`match_probability` scores patterns in Python for tests and reports.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

NULL_LEVEL = -1
NULL_LABEL = "null"
PRIOR_COMPARISON = "prior"
PRIOR_LABEL = "prior match probability among candidate pairs"
COUNT_COLUMN = "pair_count"

# Smallest probability EM may assign to a level (and to lambda or 1 - lambda): keeps log2 finite.
PROBABILITY_FLOOR = 1e-6
# Each level starts this many times as likely among matches as the level below it (top ≈ 0.9).
INITIAL_LEVEL_RATIO = 9.0

WEIGHT_COLUMNS = (
    "comparison",
    "level",
    "label",
    "m_probability",
    "u_probability",
    "bayes_factor",
    "match_weight",
)
DIAGNOSTIC_COLUMNS = (
    "em_iterations",
    "em_converged",
    "em_max_change",
    "candidate_pairs",
    "random_pairs",
    "log_likelihood",
)
OUTPUT_COLUMNS = WEIGHT_COLUMNS + DIAGNOSTIC_COLUMNS


@dataclass(frozen=True)
class EMResult:
    """Fitted m probabilities and prior, with the diagnostics reported next to the weights."""

    m: tuple[np.ndarray, ...]
    prior: float
    iterations: int
    converged: bool
    max_change: float
    log_likelihood: float


def estimate_match_weights(
    patterns: pd.DataFrame,
    random_levels: pd.DataFrame,
    comparisons: Mapping[str, Sequence[str]],
    *,
    max_iterations: int = 100,
    tolerance: float = 1e-6,
    initial_prior: float = 0.05,
) -> pd.DataFrame:
    """Estimate the Fellegi–Sunter m and u probabilities, match weights and prior.

    ``comparisons`` maps each comparison (a column of ``patterns``) to its level labels, indexed by
    level. Returns one row for the prior, then for every comparison in the given order one row per
    level from -1 (null, no evidence) to the top level; the EM diagnostics are repeated on every
    row so that the table alone documents how it was fitted. See the module docstring for the
    method.
    """
    _check_settings(comparisons, max_iterations, tolerance, initial_prior)
    names = list(comparisons)
    sizes = [len(comparisons[name]) for name in names]
    levels, counts = _pattern_arrays(patterns, names, sizes)
    u, random_pairs = _u_probabilities(random_levels, names, sizes)
    fit = _run_em(levels, counts, u, sizes, max_iterations, tolerance, initial_prior)

    prior_odds = fit.prior / (1.0 - fit.prior)
    rows: list[dict[str, object]] = [
        _weight_row(PRIOR_COMPARISON, 0, PRIOR_LABEL, fit.prior, 1.0 - fit.prior, prior_odds)
    ]
    for index, name in enumerate(names):
        rows.append(_weight_row(name, NULL_LEVEL, NULL_LABEL, 1.0, 1.0, 1.0))
        ordered = monotone_m(fit.m[index], u[index])
        for level, label in enumerate(comparisons[name]):
            m = float(ordered[level])
            u_level = float(u[index][level])
            rows.append(_weight_row(name, level, str(label), m, u_level, m / u_level))

    weights = pd.DataFrame(rows, columns=list(WEIGHT_COLUMNS))
    weights["level"] = weights["level"].astype("int64")
    weights["em_iterations"] = np.int64(fit.iterations)
    weights["em_converged"] = bool(fit.converged)
    weights["em_max_change"] = float(fit.max_change)
    weights["candidate_pairs"] = np.int64(counts.sum())
    weights["random_pairs"] = np.int64(random_pairs)
    weights["log_likelihood"] = float(fit.log_likelihood)
    return weights


def match_probability(weights: pd.DataFrame, patterns: pd.DataFrame) -> np.ndarray:
    """Posterior match probability of every row of ``patterns`` under a weights table.

    The posterior log2-odds are the prior weight plus the weight of each comparison's level, and
    the probability is ``1 / (1 + 2 ** -w)``. This mirrors the SQL scoring so that tests and the
    accuracy report can score patterns without a warehouse.
    """
    missing = [c for c in ("comparison", "level", "match_weight") if c not in weights.columns]
    if missing:
        raise ValueError(f"weights is missing columns: {missing}")
    is_prior = weights["comparison"] == PRIOR_COMPARISON
    if int(is_prior.sum()) != 1:
        raise ValueError(f"weights must hold exactly one {PRIOR_COMPARISON!r} row")
    log2_odds = np.full(len(patterns), float(weights.loc[is_prior, "match_weight"].iloc[0]))

    level_weights = weights.loc[~is_prior]
    for name in level_weights["comparison"].drop_duplicates():
        if name not in patterns.columns:
            raise ValueError(f"patterns is missing the comparison column {name!r}")
        rows = level_weights[level_weights["comparison"] == name]
        table_levels = rows["level"].to_numpy(dtype=np.int64)
        if table_levels.min() < NULL_LEVEL:
            raise ValueError(f"weights hold a level below {NULL_LEVEL} for {name!r}")
        # Look-up array indexed by level + 1, so the null level -1 sits at position 0.
        lookup = np.full(table_levels.max() + 2, np.nan)
        lookup[table_levels + 1] = rows["match_weight"].to_numpy(dtype=np.float64)
        column = _integer_values(patterns, name, "patterns")
        known = (column >= NULL_LEVEL) & (column + 1 < lookup.size)
        found = np.full(column.shape, np.nan)
        found[known] = lookup[column[known] + 1]
        if np.isnan(found).any():
            raise ValueError(f"patterns hold levels of {name!r} that the weights do not cover")
        log2_odds += found
    # 1 / (1 + 2^-w) written through logaddexp so that large |w| neither overflows nor warns.
    return np.exp(-np.logaddexp(0.0, -log2_odds * math.log(2.0)))


def monotone_m(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """m rescaled so that m / u never decreases from one level to the next (see module doc).

    Pools adjacent levels while an earlier pool has a larger Bayes factor than the next; every
    level of a pool gets the factor ``sum m / sum u`` of the pool.
    """
    m = np.asarray(m, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    if m.shape != u.shape or m.ndim != 1:
        raise ValueError("m and u must be vectors of the same length")
    if (u <= 0).any():
        raise ValueError("u must be positive on every level")
    # Each pool: [first level, last level, sum m, sum u].
    pools: list[list[float]] = []
    for level in range(m.size):
        pools.append([level, level, m[level], u[level]])
        while len(pools) > 1 and pools[-2][2] / pools[-2][3] > pools[-1][2] / pools[-1][3]:
            last = pools.pop()
            pools[-1][1] = last[1]
            pools[-1][2] += last[2]
            pools[-1][3] += last[3]
    result = np.empty_like(m)
    for first, last, m_sum, u_sum in pools:
        levels = slice(int(first), int(last) + 1)
        result[levels] = u[levels] * (m_sum / u_sum)
    return result


def _weight_row(
    comparison: str, level: int, label: str, m: float, u: float, bayes_factor: float
) -> dict[str, object]:
    """One row of the weights table; the weight is derived here so it always matches the factor."""
    return {
        "comparison": comparison,
        "level": level,
        "label": label,
        "m_probability": m,
        "u_probability": u,
        "bayes_factor": bayes_factor,
        "match_weight": math.log2(bayes_factor),
    }


def _check_settings(
    comparisons: Mapping[str, Sequence[str]],
    max_iterations: int,
    tolerance: float,
    initial_prior: float,
) -> None:
    """Reject settings that would make the model meaningless before touching any data."""
    if not comparisons:
        raise ValueError("comparisons is empty: at least one comparison is needed")
    for name, labels in comparisons.items():
        if name in (PRIOR_COMPARISON, COUNT_COLUMN):
            raise ValueError(f"{name!r} is reserved and cannot name a comparison")
        if isinstance(labels, str) or len(labels) < 2:
            raise ValueError(
                f"comparison {name!r} needs a sequence of at least two level labels "
                "(disagree and exact), one per level"
            )
    if max_iterations < 1:
        raise ValueError(f"max_iterations must be at least 1, got {max_iterations}")
    if not tolerance > 0:
        raise ValueError(f"tolerance must be positive, got {tolerance}")
    if not 0.0 < initial_prior < 1.0:
        raise ValueError(f"initial_prior must lie strictly between 0 and 1, got {initial_prior}")


def _integer_values(frame: pd.DataFrame, column: str, table: str) -> np.ndarray:
    """A column as int64, refusing missing or fractional values instead of silently rounding."""
    series = frame[column]
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise ValueError(f"{table}.{column} must be an integer column, got dtype {series.dtype}")
    if series.isna().any():
        raise ValueError(
            f"{table}.{column} has missing values (encode a null comparison as level -1)"
        )
    values = series.to_numpy(dtype=np.float64)
    if not np.array_equal(values, np.round(values)):
        raise ValueError(f"{table}.{column} must hold whole numbers")
    return values.astype(np.int64)


def _check_levels(values: np.ndarray, size: int, where: str) -> None:
    """Levels must be -1 (null) or 0..K-1; anything else means SQL and Python disagree on K."""
    outside = (values < NULL_LEVEL) | (values >= size)
    if outside.any():
        bad = sorted(set(values[outside].tolist()))
        raise ValueError(
            f"{where} holds levels {bad} outside {NULL_LEVEL}..{size - 1} "
            f"({size} labels are configured)"
        )


def _check_counts(counts: np.ndarray, table: str) -> None:
    """Pair counts are frequencies, so a negative one can only be a bug upstream."""
    if (counts < 0).any():
        raise ValueError(f"{table}.{COUNT_COLUMN} holds negative counts")


def _pattern_arrays(
    patterns: pd.DataFrame, names: list[str], sizes: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Validate ``patterns`` and return its levels (patterns x comparisons) and pair counts."""
    missing = [c for c in [*names, COUNT_COLUMN] if c not in patterns.columns]
    if missing:
        raise ValueError(f"patterns is missing columns: {missing}")
    if patterns.empty:
        raise ValueError("patterns is empty: there are no candidate pairs to learn m from")
    counts = _integer_values(patterns, COUNT_COLUMN, "patterns")
    _check_counts(counts, "patterns")
    if counts.sum() == 0:
        raise ValueError("patterns holds no candidate pairs (all pair counts are 0)")
    columns = []
    for name, size in zip(names, sizes, strict=True):
        values = _integer_values(patterns, name, "patterns")
        _check_levels(values, size, f"patterns.{name}")
        columns.append(values)
    return np.column_stack(columns), counts.astype(np.float64)


def _u_probabilities(
    random_levels: pd.DataFrame, names: list[str], sizes: list[int], *, strict: bool = True
) -> tuple[list[np.ndarray], int]:
    """Smoothed u per comparison, and the number of random pairs behind them.

    Rows for comparisons that are not being estimated are ignored, so one random-pairs table can
    serve several models.
    """
    missing = [c for c in ("comparison", "level", COUNT_COLUMN) if c not in random_levels.columns]
    if missing:
        raise ValueError(f"random_levels is missing columns: {missing}")
    absent = [name for name in names if not (random_levels["comparison"] == name).any()]
    if absent:
        raise ValueError(f"random_levels has no rows for comparisons: {absent}")
    comparison = random_levels["comparison"].to_numpy()
    levels = _integer_values(random_levels, "level", "random_levels")
    counts = _integer_values(random_levels, COUNT_COLUMN, "random_levels")
    _check_counts(counts, "random_levels")

    u = []
    random_pairs = 0
    for name, size in zip(names, sizes, strict=True):
        rows = comparison == name
        _check_levels(levels[rows], size, f"random_levels for {name!r}")
        random_pairs = max(random_pairs, int(counts[rows].sum()))
        non_null = rows & (levels >= 0)
        if counts[non_null].sum() == 0 and strict:
            raise ValueError(f"random_levels has no non-null random pairs for {name!r}")
        level_counts = np.bincount(levels[non_null], weights=counts[non_null], minlength=size)
        smoothed = level_counts + 1.0
        u.append(smoothed / smoothed.sum())
    return u, random_pairs


def _initial_m(size: int) -> np.ndarray:
    """Geometric start, each level ``INITIAL_LEVEL_RATIO`` times the one below (see module doc)."""
    m = INITIAL_LEVEL_RATIO ** np.arange(size, dtype=np.float64)
    return m / m.sum()


def _log_lookup(probabilities: np.ndarray) -> np.ndarray:
    """log probabilities indexed by level + 1, with 0 at position 0 so nulls add no factor."""
    return np.concatenate(([0.0], np.log(probabilities)))


def _e_step(
    levels: np.ndarray,
    counts: np.ndarray,
    log_u_sum: np.ndarray,
    m: Sequence[np.ndarray],
    prior: float,
) -> tuple[np.ndarray, float]:
    """Posterior match probability per pattern and the log-likelihood of the pattern counts."""
    log_m_sum = np.zeros(levels.shape[0])
    for index, probabilities in enumerate(m):
        log_m_sum += _log_lookup(probabilities)[levels[:, index] + 1]
    log_match = math.log(prior) + log_m_sum
    log_total = np.logaddexp(log_match, math.log1p(-prior) + log_u_sum)
    return np.exp(log_match - log_total), float(counts @ log_total)


def _m_step(
    levels: np.ndarray,
    counts: np.ndarray,
    posterior: np.ndarray,
    m: Sequence[np.ndarray],
    sizes: Sequence[int],
) -> tuple[tuple[np.ndarray, ...], float]:
    """Re-estimate m and lambda from the expected number of matches per pattern."""
    expected_matches = counts * posterior
    prior = float(expected_matches.sum() / counts.sum())
    prior = min(max(prior, PROBABILITY_FLOOR), 1.0 - PROBABILITY_FLOOR)
    new_m = []
    for index, size in enumerate(sizes):
        # bincount over level + 1 puts nulls in bin 0, which is dropped: they carry no evidence.
        per_level = np.bincount(levels[:, index] + 1, weights=expected_matches, minlength=size + 1)
        per_level = per_level[1:]
        total = per_level.sum()
        if total <= 0:
            # No expected match has this comparison observed: the data say nothing new about it.
            new_m.append(m[index])
            continue
        floored = np.maximum(per_level / total, PROBABILITY_FLOOR)
        new_m.append(floored / floored.sum())
    return tuple(new_m), prior


def _run_em(
    levels: np.ndarray,
    counts: np.ndarray,
    u: Sequence[np.ndarray],
    sizes: Sequence[int],
    max_iterations: int,
    tolerance: float,
    initial_prior: float,
) -> EMResult:
    """Fit m and lambda with u fixed; see the module docstring for the steps."""
    log_u_sum = np.zeros(levels.shape[0])
    for index, probabilities in enumerate(u):
        log_u_sum += _log_lookup(probabilities)[levels[:, index] + 1]

    m = tuple(_initial_m(size) for size in sizes)
    prior = initial_prior
    converged = False
    max_change = math.inf
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        posterior, _ = _e_step(levels, counts, log_u_sum, m, prior)
        new_m, new_prior = _m_step(levels, counts, posterior, m, sizes)
        max_change = max(
            abs(new_prior - prior),
            *(float(np.max(np.abs(new - old))) for new, old in zip(new_m, m, strict=True)),
        )
        m, prior = new_m, new_prior
        if max_change < tolerance:
            converged = True
            break

    _, log_likelihood = _e_step(levels, counts, log_u_sum, m, prior)
    return EMResult(m, prior, iterations, converged, max_change, log_likelihood)


GLOBAL_PRIOR_LABEL = "prior match probability of two comparable records"
# Where a comparison's m came from (column m_source of the weights).
M_FROM_SESSIONS = "blocking_rule_sessions"
M_FROM_ALL_PAIRS = "all_candidate_pairs"
M_FROM_START = "starting_values"
M_UNOBSERVED = "unobserved"  # starting values of a comparison no candidate pair fills
# A comparison's m is estimated from the sessions that leave it free only when at least this
# many of their expected matches, and this share of them, have it observed: otherwise the true
# matches mostly lack the field, and the estimate would come from look-alike non-matches.
MIN_EXPECTED_MATCHES = 10.0
MIN_OBSERVED_SHARE = 0.1


class UntrainedComparisonWarning(UserWarning):
    """A comparison's m could not be trained by any blocking-rule session."""


class ImplausibleSessionWarning(UserWarning):
    """A blocking-rule session's EM converged on a class that is not the same people."""


def estimate_match_weights_by_blocking_rule(
    session_patterns: pd.DataFrame,
    blocked_comparisons: Mapping[int, Sequence[str]],
    patterns: pd.DataFrame,
    random_levels: pd.DataFrame,
    comparisons: Mapping[str, Sequence[str]],
    *,
    comparable_pairs: int,
    max_iterations: int = 100,
    tolerance: float = 1e-6,
    initial_prior: float = 0.05,
) -> pd.DataFrame:
    """Match weights trained once per blocking rule, as blocked candidate pairs require.

    Candidate pairs are not a random sample: the pairs proposed by a blocking rule agree on the
    rule's keys whether they match or not, so among them agreement on those keys is no evidence,
    and a single EM over all candidate pairs mistakes that agreement for matches (lambda runs to
    1). Each blocking rule is therefore one training session: EM runs over the pairs the rule
    proposed (``session_patterns``, column ``session`` = rule number) with the comparisons the
    rule blocks on (``blocked_comparisons[session]``) treated as null, and estimates m for the
    others. The m of a comparison is the mean over the sessions that estimated it, weighted by
    the expected matches each session observed it on; with fewer than ``MIN_EXPECTED_MATCHES``
    in all, it falls back (column ``m_source``, and an ``UntrainedComparisonWarning``).

    The prior then refers to all ``comparable_pairs`` record pairs, of which the candidate pairs
    are the only ones with a real chance of matching: lambda solves
    ``lambda = sum over candidate patterns of pair_count * posterior(lambda) / comparable_pairs``
    with m and u fixed (an EM over the prior alone, pairs outside the blocks counting as
    non-matches). Posterior odds of a pair are then the random-pair prior times the Bayes factors
    of its levels, exactly as the SQL scores them.
    """
    _check_settings(comparisons, max_iterations, tolerance, initial_prior)
    if "session" not in session_patterns.columns:
        raise ValueError("session_patterns is missing the column 'session'")
    names = list(comparisons)
    sizes = [len(comparisons[name]) for name in names]
    # Small or sparse data (a comparison nobody fills, no candidate pairs at all) must still
    # build: a comparison without observations gets uniform u and keeps the initial m, which no
    # pair ever uses because no pair has a non-null level for it.
    u, random_pairs = _u_probabilities(random_levels, names, sizes, strict=False)

    # Per comparison: each session's m and the expected matches it rests on (the posterior mass
    # of the session's pairs where the comparison is observed).
    estimates: list[list[np.ndarray]] = [[] for _ in names]
    evidence: list[list[float]] = [[] for _ in names]
    free_sessions = np.zeros(len(names), dtype=np.int64)
    # expected matches of the sessions that leave each comparison free, observed on it or not
    free_matches = np.zeros(len(names))
    iterations, converged, max_change = 0, True, 0.0
    implausible: dict[int, list[str]] = {}
    for session in sorted(session_patterns["session"].unique().tolist()):
        rows = session_patterns[session_patterns["session"] == session]
        blocked = set(blocked_comparisons.get(session, ()))
        unknown = blocked - set(names)
        if unknown:
            raise ValueError(f"session {session} blocks unknown comparisons: {sorted(unknown)}")
        if rows.empty or rows[COUNT_COLUMN].sum() == 0:
            continue
        levels, counts = _pattern_arrays(rows, names, sizes)
        for index, name in enumerate(names):
            if name in blocked:
                levels[:, index] = NULL_LEVEL
        fit = _run_em(levels, counts, u, sizes, max_iterations, tolerance, initial_prior)
        iterations = max(iterations, fit.iterations)
        converged = converged and fit.converged
        max_change = max(max_change, fit.max_change)
        contradicted = [
            name
            for index, name in enumerate(names)
            if name not in blocked
            and (levels[:, index] >= 0).any()
            and fit.m[index][-1] <= u[index][-1]
        ]
        if contradicted:
            # Exact agreement rarer among the "matches" than among random pairs: the session's
            # EM found some other class (neighbours on one street sharing a first name), not
            # the same people, and its estimates are left out.
            implausible[session] = contradicted
            continue
        posterior, _ = _e_step(levels, counts, _log_sum(levels, u), fit.m, fit.prior)
        expected_matches = counts * posterior
        for index, name in enumerate(names):
            observed = float(expected_matches[levels[:, index] >= 0].sum())
            free_sessions[index] += name not in blocked and bool((levels[:, index] >= 0).any())
            free_matches[index] += 0.0 if name in blocked else float(expected_matches.sum())
            if name not in blocked and observed > 0:
                estimates[index].append(fit.m[index])
                evidence[index].append(observed)
    if patterns.empty or patterns[COUNT_COLUMN].sum() == 0:
        levels = np.zeros((0, len(names)), dtype=np.int64)
        counts = np.zeros(0)
    else:
        levels, counts = _pattern_arrays(patterns, names, sizes)

    # A comparison's m is the mean of the sessions' estimates weighted by the expected matches
    # each rests on. Too few (fewer than MIN_EXPECTED_MATCHES, or under MIN_OBSERVED_SHARE of
    # those sessions' expected matches) must not stop the build, nor pass for an estimate.
    # When every rule that proposed pairs blocks on the comparison, m comes from one EM over
    # all candidate pairs (agreement on blocked keys overstates it). When rules left it free
    # but their likely matches seldom hold it, the true matches lack the field (a CRM without
    # duplicates meets a third party without dates of birth) and any estimate would be read
    # off look-alike non-matches: m keeps its starting values. Both are reported.
    pooled: EMResult | None = None
    pooled_evidence = np.zeros(len(names))
    if any(sum(found) < MIN_EXPECTED_MATCHES for found in evidence) and counts.sum() > 0:
        pooled = _run_em(levels, counts, u, sizes, max_iterations, tolerance, initial_prior)
        posterior, _ = _e_step(levels, counts, _log_sum(levels, u), pooled.m, pooled.prior)
        pooled_evidence = np.array(
            [float((counts * posterior)[levels[:, i] >= 0].sum()) for i in range(len(names))]
        )
    m_list: list[np.ndarray] = []
    m_sources: dict[str, str] = {}
    for index, (found, size) in enumerate(zip(estimates, sizes, strict=True)):
        name = names[index]
        if sum(evidence[index]) >= max(
            MIN_EXPECTED_MATCHES, MIN_OBSERVED_SHARE * free_matches[index]
        ):
            m_list.append(np.average(found, axis=0, weights=evidence[index]))
            m_sources[name] = M_FROM_SESSIONS
        elif (
            free_sessions[index] == 0
            and pooled is not None
            and pooled_evidence[index] >= MIN_EXPECTED_MATCHES
        ):
            m_list.append(pooled.m[index])
            m_sources[name] = M_FROM_ALL_PAIRS
        else:
            m_list.append(_initial_m(size))
            m_sources[name] = M_FROM_START
    # A comparison that no candidate pair fills keeps its starting values silently: no pair's
    # score uses them.
    for index, name in enumerate(names):
        if m_sources[name] == M_FROM_START and not (levels[:, index] >= 0).any():
            m_sources[name] = M_UNOBSERVED
    fallbacks = sorted(
        f"{name} ({source})"
        for name, source in m_sources.items()
        if source not in (M_FROM_SESSIONS, M_UNOBSERVED)
    )
    if fallbacks:
        warnings.warn(
            f"too few likely matches (under {MIN_EXPECTED_MATCHES:g}, or under "
            f"{MIN_OBSERVED_SHARE:.0%} of them) hold {fallbacks} in the "
            "pairs of the blocking rules that leave them free, so their m is not estimated from "
            "those rules: add a blocking rule that does not use them, give the matches the "
            "field, or freeze reviewed weights (identity_match_weights)",
            UntrainedComparisonWarning,
            stacklevel=2,
        )
    if implausible:
        warnings.warn(
            "the pairs of blocking rule(s) "
            + ", ".join(f"{session} ({', '.join(found)})" for session, found in implausible.items())
            + " fitted a class whose members agree exactly on the named comparisons less often "
            "than random pairs do: not the same people, so those rules train nothing. Their "
            "comparisons are estimated from the other rules, or keep their starting values",
            ImplausibleSessionWarning,
            stacklevel=2,
        )
    m = tuple(monotone_m(values, u[index]) for index, values in enumerate(m_list))

    comparable_pairs = max(comparable_pairs, 1)
    if comparable_pairs < counts.sum():
        raise ValueError(
            f"comparable_pairs ({comparable_pairs}) is smaller than the candidate pairs "
            f"({int(counts.sum())})"
        )
    prior = _global_prior(levels, counts, u, m, comparable_pairs, max_iterations, tolerance)
    log_u_sum = _log_sum(levels, u)
    _, log_likelihood = _e_step(levels, counts, log_u_sum, m, prior)

    rows_out: list[dict[str, object]] = [
        _weight_row(
            PRIOR_COMPARISON, 0, GLOBAL_PRIOR_LABEL, prior, 1.0 - prior, prior / (1.0 - prior)
        )
    ]
    for index, name in enumerate(names):
        rows_out.append(_weight_row(name, NULL_LEVEL, NULL_LABEL, 1.0, 1.0, 1.0))
        for level, label in enumerate(comparisons[name]):
            m_level, u_level = float(m[index][level]), float(u[index][level])
            rows_out.append(
                _weight_row(name, level, str(label), m_level, u_level, m_level / u_level)
            )
    weights = pd.DataFrame(rows_out, columns=list(WEIGHT_COLUMNS))
    weights["level"] = weights["level"].astype("int64")
    weights["em_iterations"] = np.int64(iterations)
    weights["em_converged"] = bool(converged)
    weights["em_max_change"] = float(max_change)
    weights["candidate_pairs"] = np.int64(counts.sum())
    weights["random_pairs"] = np.int64(random_pairs)
    weights["log_likelihood"] = float(log_likelihood)
    weights["m_source"] = [
        M_FROM_SESSIONS if name == PRIOR_COMPARISON else m_sources[name]
        for name in weights["comparison"]
    ]
    return weights


def _log_sum(levels: np.ndarray, probabilities: Sequence[np.ndarray]) -> np.ndarray:
    """Sum over comparisons of the log probability of each pattern's level (nulls add 0)."""
    total = np.zeros(levels.shape[0])
    for index, values in enumerate(probabilities):
        total += _log_lookup(values)[levels[:, index] + 1]
    return total


def _global_prior(
    levels: np.ndarray,
    counts: np.ndarray,
    u: Sequence[np.ndarray],
    m: Sequence[np.ndarray],
    comparable_pairs: int,
    max_iterations: int,
    tolerance: float,
) -> float:
    """Fixed point of lambda = expected matches among candidates / comparable pairs."""
    log_u_sum = _log_sum(levels, u)
    floor = PROBABILITY_FLOOR / comparable_pairs
    prior = min(max(float(counts.sum()) / comparable_pairs / 2.0, floor), 1.0 - PROBABILITY_FLOOR)
    for _ in range(max_iterations):
        posterior, _ = _e_step(levels, counts, log_u_sum, m, prior)
        new_prior = float(counts @ posterior) / comparable_pairs
        new_prior = min(max(new_prior, floor), 1.0 - PROBABILITY_FLOOR)
        if abs(math.log(new_prior) - math.log(prior)) < tolerance:
            return new_prior
        prior = new_prior
    return prior
