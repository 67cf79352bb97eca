"""How well identity resolution finds the people behind the records, measured against truth.

The demo data generator knows which person is behind every record it writes
(``truth/truth_records.parquet``). This module compares that truth with the profiles the dbt
project built (``int_identity__profile_map``), and prints the figures of the graph in between
that explain the result: candidate pairs per blocking rule, accepted pairs, edges, blocked
identifiers and component sizes.

What is evaluated. The records of the four identity sources (CRM customers, web cookies, email
recipients, third-party records) that are both in the truth and in the profile map. Truth rows
with no record in the profile map are left out and counted: rows staging rejected, bot cookies
(bots are not people). The ESP keys its recipients by address as it stores it, with varying case;
staging normalizes addresses, so a truth key is matched as ``lower(trim(key))``, and when two
truth keys collapse into one record (or a family mailbox belongs to two people) the record is
given the smallest of their person ids.

Pairwise precision and recall. Every evaluated pair of records is either in the same profile
(predicted) or not, and either the same person (true) or not. Precision is correct pairs over
predicted pairs (how clean the merges are), recall correct pairs over true pairs (how much of
each person was brought together), F1 their harmonic mean. The counts are scikit-learn's
``pair_confusion_matrix`` of the person and profile labels, which counts them from the
contingency table of (person, profile) cells, so no pair is ever materialized. Pairwise
measures weigh a large person more than a small one (its pairs grow with the square of its
records); the cluster figures below complement them.

Two recalls, reported honestly.

* (a) All evaluated records. A cookie that never logged in and never had an address typed into a
  form carries nothing to link it by: no identifier, no name. No method could place it with its
  person, yet its true pairs count in (a)'s denominator. So (a)'s recall has a ceiling below 1:
  the share of all true pairs whose records are both linkable, printed next to it.
* (b) Linkable records: those with at least one row in ``int_identity__identifiers`` (including
  identifiers the guards then blocked: refusing to link through them is the method's choice, and
  its cost belongs in the measure) or a name (``match_first_name`` or ``match_last_name``). This
  is the fair measure of the method. With the current models a record that is not linkable
  cannot have an edge (deterministic edges need an identifier, candidate pairs a name), so it
  stays alone and predicts no pairs: then (a)'s precision equals (b)'s, and (a)'s recall is
  (b)'s times the ceiling. Should the two precisions ever differ, unlinkable records were
  linked by something new.

Cluster figures, per scope: persons, profiles, the share of persons whose records form exactly
one profile holding nothing else (exact clusters), persons split over several profiles, profiles
mixing several persons and the largest profile.

Run ``python -m open_segments_lab.identity.accuracy --customers 20000`` to generate data, build the
identity models with their upstream (timed, with peak memory) and print the report. Every file
(data, warehouse, dbt target and logs) goes under ``--workdir``.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
from sklearn.metrics.cluster import pair_confusion_matrix

from open_segments_lab.benchmark import (
    IDENTITY_SCHEMA,
    StageResult,
    candidate_pair_scale,
    evaluation_parser,
    identity_model_timings,
    prepare_evaluation,
    run_measured,
)
from open_segments_lab.dbt_launcher import dbt_command

IDENTITY_SOURCES = ("crm_customers", "web_cookies", "esp_recipients", "third_party_demographics")
TRUTH_FILE = "truth_records.parquet"
BUILD_SELECTOR = "+int_customer__unified_profiles"
# Temporary tables of one evaluation, dropped when it ends. Qualified with the temp catalog so
# that dropping them can never touch a warehouse table of the same name.
_TRUTH_TABLE = "temp.identity_accuracy_truth"
_EVALUATED_TABLE = "temp.identity_accuracy_evaluated"


@dataclass(frozen=True)
class PairMetrics:
    """Pairwise counts of one scope; precision, recall and F1 follow from them."""

    predicted_pairs: int
    true_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        """Correct over predicted pairs; NaN when nothing was merged (nothing to judge)."""
        return _ratio(self.correct_pairs, self.predicted_pairs)

    @property
    def recall(self) -> float:
        """Correct over true pairs; NaN when every person has a single record."""
        return _ratio(self.correct_pairs, self.true_pairs)

    @property
    def f1(self) -> float:
        precision, recall = self.precision, self.recall
        if math.isnan(precision) or math.isnan(recall):
            return math.nan
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class ClusterMetrics:
    """How profiles and persons line up in one scope."""

    records: int
    persons: int
    profiles: int
    exact_persons: int
    split_persons: int
    mixed_profiles: int
    largest_profile: int

    @property
    def exact_share(self) -> float:
        """Share of persons resolved into exactly one profile that holds nobody else."""
        return _ratio(self.exact_persons, self.persons)


@dataclass(frozen=True)
class ScopeAccuracy:
    """Pairwise and cluster measures over one set of records ("all" or "linkable")."""

    scope: str
    pairs: PairMetrics
    clusters: ClusterMetrics


@dataclass(frozen=True)
class ResolutionAccuracy:
    """Accuracy of the profile map against truth, over all and over linkable records."""

    truth_rows: int
    left_out_by_source: dict[str, int]
    records_without_truth: int
    all_records: ScopeAccuracy
    linkable: ScopeAccuracy

    @property
    def left_out(self) -> int:
        """Truth rows with no record in the profile map (rejected in staging, bot cookies)."""
        return sum(self.left_out_by_source.values())

    @property
    def collapsed_rows(self) -> int:
        """Truth rows sharing a record with another truth row (ESP address case variants, a
        mailbox two people share): evaluated once, as one record."""
        return self.truth_rows - self.left_out - self.all_records.clusters.records

    @property
    def recall_ceiling(self) -> float:
        """The best recall over all records any method could reach: true pairs among linkable
        records over all true pairs."""
        return _ratio(self.linkable.pairs.true_pairs, self.all_records.pairs.true_pairs)


@dataclass(frozen=True)
class RuleCounts:
    """Candidate pairs of one blocking rule (numbered as in var identity_blocking_rules)."""

    rule: int
    proposed: int
    first_proposed: int


@dataclass(frozen=True)
class GraphFigures:
    """The record graph between records and profiles: what was compared, linked and blocked."""

    records_by_source: dict[str, int]
    comparable_records: int
    candidate_pairs: int
    rules: list[RuleCounts]
    accepted_pairs: int
    edges: list[tuple[str, str, int]]
    identifiers: int
    blocked_identifiers: dict[str, int]
    components: int
    singleton_components: int
    largest_component_sizes: list[tuple[int, int]]

    @property
    def pairs_per_comparable_record(self) -> float:
        """Stays flat as the data grows when blocking does its job."""
        return _ratio(self.candidate_pairs, self.comparable_records)


@dataclass(frozen=True)
class IdentityReport:
    """Accuracy and graph figures of one built warehouse."""

    accuracy: ResolutionAccuracy
    graph: GraphFigures

    def render(self) -> str:
        """A short plain-text report with aligned columns."""
        return "\n".join([*_render_accuracy(self.accuracy), "", *_render_graph(self.graph)])


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else math.nan


def _table(schema: str, name: str) -> str:
    return f'"{schema}"."{name}"'


def evaluate_resolution(
    connection: duckdb.DuckDBPyConnection,
    truth_dir: Path,
    schema: str = IDENTITY_SCHEMA,
) -> ResolutionAccuracy:
    """Compare the profile map of a built warehouse with the generator's truth.

    Reads ``int_identity__profile_map``, ``int_identity__records`` and
    ``int_identity__identifiers`` of ``schema`` and ``truth_dir/truth_records.parquet``. Works
    on a read-only connection: the intermediate results are temporary tables, dropped at the end.
    """
    profile_map = _table(schema, "int_identity__profile_map")
    records = _table(schema, "int_identity__records")
    identifiers = _table(schema, "int_identity__identifiers")
    sources = ", ".join(f"'{source}'" for source in IDENTITY_SOURCES)
    try:
        connection.execute(
            f"""
            create or replace temp table {_TRUTH_TABLE} as
            select
                source_table,
                source_table || ':' || case
                    when source_table = 'esp_recipients' then lower(trim(record_key))
                    else record_key
                end as record_id,
                person_id
            from read_parquet($truth_file)
            where source_table in ({sources})
            """,
            {"truth_file": str(truth_dir / TRUTH_FILE)},
        )
        connection.execute(
            f"""
            create or replace temp table {_EVALUATED_TABLE} as
            with truth as (
                select record_id, min(person_id) as person_id
                from {_TRUTH_TABLE}
                group by record_id
            ),
            identified as (
                select distinct record_id from {identifiers}
            )
            select
                profile_map.record_id,
                profile_map.profile_id,
                truth.person_id,
                records.match_first_name is not null
                    or records.match_last_name is not null
                    or identified.record_id is not null as is_linkable
            from {profile_map} as profile_map
            inner join truth
                on profile_map.record_id = truth.record_id
            inner join {records} as records
                on profile_map.record_id = records.record_id
            left join identified
                on profile_map.record_id = identified.record_id
            """
        )
        truth_rows = _scalar(connection, f"select count(*) from {_TRUTH_TABLE}")
        left_out = connection.execute(
            f"""
            select source_table, count(*)
            from {_TRUTH_TABLE} as truth
            where not exists (
                select 1 from {profile_map} as profile_map
                where profile_map.record_id = truth.record_id
            )
            group by source_table
            order by source_table
            """
        ).fetchall()
        without_truth = _scalar(
            connection,
            f"""
            select count(*) from {profile_map} as profile_map
            where not exists (
                select 1 from {_TRUTH_TABLE} as truth
                where truth.record_id = profile_map.record_id
            )
            """,
        )
        return ResolutionAccuracy(
            truth_rows=truth_rows,
            left_out_by_source={source: int(count) for source, count in left_out},
            records_without_truth=without_truth,
            all_records=_scope_accuracy(connection, "all", linkable_only=False),
            linkable=_scope_accuracy(connection, "linkable", linkable_only=True),
        )
    finally:
        connection.execute(f"drop table if exists {_EVALUATED_TABLE}")
        connection.execute(f"drop table if exists {_TRUTH_TABLE}")


def _scope_accuracy(
    connection: duckdb.DuckDBPyConnection, scope: str, *, linkable_only: bool
) -> ScopeAccuracy:
    """Pair counts (``pair_counts``) and cluster counts of one scope; the cluster counts come
    from the (profile, person) cell sizes."""
    labels = connection.execute(
        f"""
        select person_id, profile_id
        from {_EVALUATED_TABLE}
        where is_linkable or not $linkable_only
        """,
        {"linkable_only": linkable_only},
    ).fetchnumpy()
    row = connection.execute(
        f"""
        with
        scoped as (
            select * from {_EVALUATED_TABLE} where is_linkable or not $linkable_only
        ),
        cells as (
            select profile_id, person_id, count(*) as n
            from scoped
            group by profile_id, person_id
        ),
        profiles as (
            select profile_id, sum(n) as n, count(*) as persons
            from cells
            group by profile_id
        ),
        persons as (
            select person_id, sum(n) as n, count(*) as profiles
            from cells
            group by person_id
        )
        select
            (select count(*) from scoped),
            (select count(*) from persons),
            (select count(*) from profiles),
            (
                select count(*)
                from cells
                inner join profiles on cells.profile_id = profiles.profile_id
                inner join persons on cells.person_id = persons.person_id
                where profiles.persons = 1 and persons.profiles = 1
            ),
            (select count(*) from persons where profiles > 1),
            (select count(*) from profiles where persons > 1),
            (select coalesce(max(n), 0) from profiles)
        """,
        {"linkable_only": linkable_only},
    ).fetchone()
    assert row is not None
    records, persons, profiles, exact, split, mixed, largest = (int(value) for value in row)
    return ScopeAccuracy(
        scope=scope,
        pairs=pair_counts(labels["person_id"], labels["profile_id"]),
        clusters=ClusterMetrics(records, persons, profiles, exact, split, mixed, largest),
    )


def pair_counts(persons: Sequence, profiles: Sequence) -> PairMetrics:
    """Predicted, true and correct pairs of records labelled by person (truth) and profile.

    scikit-learn's pair confusion matrix counts ordered pairs, so each of its cells holds every
    unordered pair twice: row 1 is the pairs of the same person, column 1 those of the same
    profile.
    """
    if len(persons) < 2:
        return PairMetrics(0, 0, 0)
    (_, same_profile_only), (same_person_only, both) = pair_confusion_matrix(persons, profiles)
    return PairMetrics(
        predicted_pairs=int(same_profile_only + both) // 2,
        true_pairs=int(same_person_only + both) // 2,
        correct_pairs=int(both) // 2,
    )


def graph_figures(
    connection: duckdb.DuckDBPyConnection, schema: str = IDENTITY_SCHEMA
) -> GraphFigures:
    """Counts of the record graph: records, candidate and accepted pairs, edges, guards and
    components. The blocking rules are found from the ``proposed_by_rule_<k>`` columns, so the
    figures follow var identity_blocking_rules without being told it."""
    records = _table(schema, "int_identity__records")
    candidate_pairs = _table(schema, "int_identity__candidate_pairs")
    rule_numbers = sorted(
        int(name.removeprefix("proposed_by_rule_"))
        for (name,) in connection.execute(
            """
            select column_name from information_schema.columns
            where table_schema = $schema
                and table_name = 'int_identity__candidate_pairs'
                and column_name like 'proposed_by_rule_%'
            """,
            {"schema": schema},
        ).fetchall()
    )
    rules: list[RuleCounts] = []
    if rule_numbers:
        counts = ", ".join(
            f"count(*) filter (where proposed_by_rule_{k}), "
            f"count(*) filter (where blocking_rule = {k})"
            for k in rule_numbers
        )
        row = connection.execute(f"select {counts} from {candidate_pairs}").fetchone()
        assert row is not None
        rules = [
            RuleCounts(k, int(row[2 * i]), int(row[2 * i + 1])) for i, k in enumerate(rule_numbers)
        ]
    pairs, comparable = candidate_pair_scale(connection, schema)
    edges = _table(schema, "int_identity__edges")
    identifiers = _table(schema, "int_identity__identifiers")
    components = _table(schema, "int_identity__components")
    return GraphFigures(
        records_by_source=dict(
            connection.execute(
                f"select record_source, count(*) from {records} group by 1 order by 1"
            ).fetchall()
        ),
        comparable_records=comparable,
        candidate_pairs=pairs,
        rules=rules,
        accepted_pairs=_scalar(
            connection,
            f"select count(*) from {_table(schema, 'int_identity__scored_pairs')} where is_match",
        ),
        edges=[
            (edge_type, matched_on, int(count))
            for edge_type, matched_on, count in connection.execute(
                f"""
                select edge_type, matched_on, count(*) as edge_count
                from {edges}
                group by edge_type, matched_on
                order by edge_type, edge_count desc, matched_on
                """
            ).fetchall()
        ],
        identifiers=_scalar(connection, f"select count(*) from {identifiers}"),
        blocked_identifiers=dict(
            connection.execute(
                f"""
                select guard_reason, count(*) as identifier_count
                from {identifiers}
                where guard_reason is not null
                group by guard_reason
                order by identifier_count desc, guard_reason
                """
            ).fetchall()
        ),
        components=_scalar(connection, f"select count(distinct component_id) from {components}"),
        singleton_components=_scalar(
            connection, f"select count(*) from {components} where component_size = 1"
        ),
        largest_component_sizes=[
            (int(size), int(count))
            for size, count in connection.execute(
                f"""
                select component_size, count(distinct component_id)
                from {components}
                group by component_size
                order by component_size desc
                limit 5
                """
            ).fetchall()
        ],
    )


def measure_identity(
    connection: duckdb.DuckDBPyConnection,
    truth_dir: Path,
    schema: str = IDENTITY_SCHEMA,
) -> IdentityReport:
    """Accuracy against truth and graph figures of one built warehouse."""
    return IdentityReport(
        evaluate_resolution(connection, truth_dir, schema), graph_figures(connection, schema)
    )


def _scalar(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = connection.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


# --- rendering ------------------------------------------------------------------------------


def _format_rows(
    header: Sequence[str], rows: Sequence[Sequence[str]], text_columns: int = 1
) -> list[str]:
    """Indented columns padded to their widest cell: the first `text_columns` left-aligned
    (labels), the others right-aligned (numbers), so digits line up."""
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for row in table:
        cells = [
            cell.ljust(width) if i < text_columns else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _number(value: int) -> str:
    return f"{value:,}"


def _fraction(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.4f}"


def _decimal(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def _percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1%}"


def _render_accuracy(accuracy: ResolutionAccuracy) -> list[str]:
    scopes = (accuracy.all_records, accuracy.linkable)
    left_out = ", ".join(f"{s} {_number(n)}" for s, n in accuracy.left_out_by_source.items() if n)
    lines = [
        "Identity resolution accuracy (against the generator's truth)",
        f"  truth rows of the identity sources   {_number(accuracy.truth_rows)}",
        f"  left out, not in the profile map     {_number(accuracy.left_out)}"
        + (f" ({left_out})" if left_out else ""),
        f"  sharing a record with another row    {_number(accuracy.collapsed_rows)}",
        f"  evaluated records                    {_number(accuracy.all_records.clusters.records)}",
        f"  profile map records without truth    {_number(accuracy.records_without_truth)}",
        "",
        "Pairwise",
    ]
    lines += _format_rows(
        ["scope", "records", "predicted", "true", "correct", "precision", "recall", "F1"],
        [
            [
                s.scope,
                _number(s.clusters.records),
                _number(s.pairs.predicted_pairs),
                _number(s.pairs.true_pairs),
                _number(s.pairs.correct_pairs),
                _fraction(s.pairs.precision),
                _fraction(s.pairs.recall),
                _fraction(s.pairs.f1),
            ]
            for s in scopes
        ],
    )
    lines += [
        f"  recall ceiling of 'all' (true pairs among linkable records / all true pairs): "
        f"{_fraction(accuracy.recall_ceiling)}",
        "",
        "Clusters",
    ]
    lines += _format_rows(
        ["scope", "persons", "profiles", "exact", "split persons", "mixed profiles", "largest"],
        [
            [
                s.scope,
                _number(s.clusters.persons),
                _number(s.clusters.profiles),
                _percent(s.clusters.exact_share),
                _number(s.clusters.split_persons),
                _number(s.clusters.mixed_profiles),
                _number(s.clusters.largest_profile),
            ]
            for s in scopes
        ],
    )
    return lines


def _render_graph(graph: GraphFigures) -> list[str]:
    lines = ["Records by source"]
    lines += _format_rows(
        ["source", "records"],
        [[source, _number(n)] for source, n in graph.records_by_source.items()],
    )
    lines += ["", "Candidate pairs (blocking rules numbered as in var identity_blocking_rules)"]
    lines += _format_rows(
        ["rule", "proposed", "first proposed"],
        [[f"rule {r.rule}", _number(r.proposed), _number(r.first_proposed)] for r in graph.rules]
        + [["total", _number(graph.candidate_pairs), _number(graph.candidate_pairs)]],
    )
    lines += [
        f"  comparable records (with a name) {_number(graph.comparable_records)}, "
        f"{_decimal(graph.pairs_per_comparable_record)} candidate pairs each",
        f"  accepted as matches (probabilistic) {_number(graph.accepted_pairs)}",
        "",
        "Edges",
    ]
    lines += _format_rows(
        ["edge type", "matched on", "edges"],
        [[edge_type, matched_on, _number(n)] for edge_type, matched_on, n in graph.edges],
        text_columns=2,
    )
    lines += ["", f"Identifiers {_number(graph.identifiers)}, blocked by guard"]
    lines += _format_rows(
        ["guard reason", "identifiers"],
        [[reason, _number(n)] for reason, n in graph.blocked_identifiers.items()]
        or [["(none)", "0"]],
    )
    lines += [
        "",
        f"Connected components {_number(graph.components)} "
        f"(singletons {_number(graph.singleton_components)}), largest sizes",
    ]
    lines += _format_rows(
        ["size", "components"],
        [[str(size), _number(n)] for size, n in graph.largest_component_sizes],
    )
    return lines


# --- command line ---------------------------------------------------------------------------


def _render_stages(stages: Sequence[StageResult], timings: Sequence[tuple[str, float]]) -> str:
    lines = ["Stages (max RSS: largest single process)"]
    lines += _format_rows(
        ["stage", "seconds", "max RSS MiB", "exit"],
        [[s.stage, f"{s.seconds:.1f}", f"{s.peak_rss_mib:.0f}", str(s.returncode)] for s in stages],
    )
    if timings:
        lines += ["", "Identity models (dbt execution seconds)"]
        lines += _format_rows(
            ["model", "seconds"],
            [[name, f"{seconds:.2f}"] for name, seconds in timings]
            + [["identity stage total", f"{sum(s for _n, s in timings):.2f}"]],
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = evaluation_parser(
        "Generate data, build identity resolution, measure it against truth.",
        name="identity",
        customers=100_000,
        seed=42,
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="override var identity_match_threshold for this build",
    )
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0.0 < args.threshold <= 1.0:
        parser.error("--threshold must be in (0, 1]")

    evaluation = prepare_evaluation(args, TRUTH_FILE)
    if isinstance(evaluation, int):
        return evaluation
    workdir, env, stages = evaluation.workdir, evaluation.env, evaluation.stages
    target_dir = workdir / "target"

    # Cautious indirect selection: a test runs only when every model it reads is built, so
    # tests that also read models outside the selection (the row-conservation tests read the
    # *_rejected staging models) are left out instead of failing on a missing table.
    threshold_var = None if args.threshold is None else {"identity_match_threshold": args.threshold}
    build = dbt_command(
        ["build", "--select", BUILD_SELECTOR, "--indirect-selection", "cautious"],
        target_dir=target_dir,
        log_dir=workdir / "logs",
        extra_vars=threshold_var,
    )
    stages.append(run_measured("dbt build", build, env, workdir / "dbt_build.log"))

    run_results = target_dir / "run_results.json"
    timings = identity_model_timings(run_results) if run_results.exists() else []
    threshold = "project default" if args.threshold is None else str(args.threshold)
    print(
        f"Identity accuracy at {args.customers:,} customers (seed {args.seed}), "
        f"match threshold {threshold}; files in {workdir}\n"
    )
    print(_render_stages(stages, timings))
    if stages[-1].returncode != 0:
        print("\ndbt build failed:", file=sys.stderr)
        print((workdir / "dbt_build.log").read_text()[-3000:], file=sys.stderr)
        return 1

    with duckdb.connect(str(evaluation.warehouse), read_only=True) as connection:
        report = measure_identity(connection, evaluation.truth_dir)
    print()
    print(report.render())
    (workdir / "identity_accuracy.json").write_text(
        json.dumps(
            {
                "customers": args.customers,
                "seed": args.seed,
                "threshold": args.threshold,
                "stages": [asdict(s) for s in stages],
                "identity_models": timings,
                "report": asdict(report),
                "scores": {
                    s.scope: {
                        "precision": s.pairs.precision,
                        "recall": s.pairs.recall,
                        "f1": s.pairs.f1,
                        "exact_share": s.clusters.exact_share,
                    }
                    for s in (report.accuracy.all_records, report.accuracy.linkable)
                },
                "recall_ceiling": report.accuracy.recall_ceiling,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
