"""Splink 5 beside this project's identity resolution, on the same CRM customer records.

A peer check of the probabilistic matching in ``models/intermediate/identity/3_probabilistic``:
the same generated CRM customers are resolved twice, by this project's dbt models and by Splink 5
(its DuckDB backend), and both are scored against the generator's truth.

The data. ``python -m open_segments_lab.datagen`` writes raw files and the true person of every
record (``--noise`` passes a duplicate profile through, e.g. ``hard``). The web, email,
third-party and privacy sources are emptied (``raw_without_sources``: same columns, no rows), so
the build holds CRM customers (and their orders, which identity does not read) only.

Our side. ``dbt build`` of everything the identity stage reads (no tests), then ``dbt run`` of
the models tagged identity, timed as ``open_segments_lab.benchmark`` times its identity stage: dbt's
own elapsed seconds, start-up and parsing left out. The stage ends with the golden record and
the privacy maps, which Splink has no counterpart for; the seconds of the resolution models
alone (``int_identity__*``) go to the JSON beside it. Our side also links on shared identifiers
(email, phone, loyalty id) where records carry them; Splink is given none, only the fields below.

Splink's side. The CRM rows of our built ``int_identity__records``, normalized by our match
keys: ``match_first_name``, ``match_last_name``, ``date_of_birth``, ``match_address`` and
``postcode``, with ``record_id`` as the unique id. A dedupe model with five blocking rules on
name, date of birth and postcode, Jaro-Winkler name comparisons (term frequencies on exact
names), Splink's date-of-birth comparison, Jaro-Winkler on the address and exact postcode. u is
estimated from random pairs (fixed seed), the probability that two records match from
deterministic rules, m by expectation maximisation on two blocking rules; pairs are predicted
and clustered at a match probability of 0.5. Its seconds are the wall clock, in this process,
from creating the linker to the clusters (training, prediction and clustering); loading the
records into its DuckDB is left out, as staging is on our side.

The measures, per side, over the CRM records with a truth row. Pairwise precision, recall and F1
as in ``open_segments_lab.identity.accuracy`` (a record's person is its truth row's; pairs are
counted from cluster sizes, never materialized). Blocking recall: the share of true pairs the
blocking proposes as candidates, for Splink by evaluating its own blocking-rule SQL on every
true pair, for ours by finding the pair in ``int_identity__candidate_pairs`` (the probabilistic
path only: pairs our deterministic edges link are not counted unless blocking also proposes
them).

Run ``python -m open_segments_lab.identity.peer_comparison --customers 100000 [--noise hard]``;
the table is printed and written to ``<workdir>/peer_comparison.json``. Needs Splink:
``pip install -e '.[benchmark]'``.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import math
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sklearn.metrics.cluster import pair_confusion_matrix

from open_segments_lab.benchmark import (
    DBT_STAGES,
    IDENTITY_SCHEMA,
    IDENTITY_TAG,
    StageResult,
    evaluation_parser,
    identity_model_timings,
    prepare_evaluation,
    project_env,
    raw_without_sources,
    run_measured,
    stage_folder,
)
from open_segments_lab.dbt_launcher import dbt_command
from open_segments_lab.identity.accuracy import TRUTH_FILE, PairMetrics, _format_rows, _fraction

SPLINK_MISSING = "Splink is not installed: pip install -e '.[benchmark]'"
RESULT_FILE = "peer_comparison.json"
CRM_SOURCE = "crm_customers"
RECORDS_MODEL = "int_identity__records"
# Everything but the CRM is emptied: identity needs only CRM customers to build.
EMPTIED_SOURCES = frozenset({"web", "esp", "third_party", "privacy"})
# What the identity stage reads, built without tests; then the stage as the benchmark runs it.
INPUT_STAGE = (
    "identity inputs",
    "build",
    ["--select", f"+{IDENTITY_TAG}", "--exclude", f"{IDENTITY_TAG}+",
     "--exclude-resource-type", "test", "unit_test"],
)  # fmt: skip
IDENTITY_STAGE = next(stage for stage in DBT_STAGES if stage[0] == "identity")
# The columns Splink sees: our match keys, no identifier.
SPLINK_COLUMNS = (
    "record_id",
    "match_first_name",
    "match_last_name",
    "date_of_birth",
    "match_address",
    "postcode",
)
# Splink's blocking rules for prediction (SQL expressions on the columns above), chosen so that
# each rule survives typos in the fields the others compare.
SPLINK_BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("match_first_name", "match_last_name"),
    ("date_of_birth",),
    ("postcode", "match_last_name"),
    ("match_first_name", "date_of_birth"),
    ("substr(match_last_name, 1, 3)", "year(date_of_birth)"),
)
# Rules that admit almost no false match, and the share of true pairs they are taken to find:
# the estimate of the probability that two random records match.
SPLINK_DETERMINISTIC_RULES: tuple[tuple[str, ...], ...] = (
    ("match_first_name", "match_last_name", "date_of_birth"),
    ("match_last_name", "date_of_birth", "postcode"),
)
SPLINK_DETERMINISTIC_RECALL = 0.7
# EM sessions: between them every comparison is trained outside its own blocking rule.
SPLINK_EM_RULES: tuple[tuple[str, ...], ...] = (
    ("match_first_name", "match_last_name"),
    ("date_of_birth",),
)
SPLINK_THRESHOLD = 0.5
SPLINK_U_MAX_PAIRS = 5e6


@dataclass(frozen=True)
class SideResult:
    """One side's pairwise counts over the evaluated records, its blocking recall and seconds."""

    side: str
    pairs: PairMetrics
    blocking_recall: float
    seconds: float


@dataclass(frozen=True)
class SplinkRun:
    """Splink's clusters (record_id, cluster_id), its seconds, its blocking rules as SQL, the
    trained model and Splink's version."""

    clusters: pa.Table
    seconds: float
    blocking_rule_sql: list[str]
    settings: dict[str, Any]
    version: str


def pair_metrics(persons: Sequence[Any], clusters: Sequence[Any]) -> PairMetrics:
    """Pairwise counts of a clustering against the true persons, record by record (two label
    vectors of the same length). scikit-learn counts ordered pairs, each pair twice."""
    matrix = pair_confusion_matrix(persons, clusters)
    return PairMetrics(
        predicted_pairs=int(matrix[0, 1] + matrix[1, 1]) // 2,
        true_pairs=int(matrix[1, 0] + matrix[1, 1]) // 2,
        correct_pairs=int(matrix[1, 1]) // 2,
    )


def load_crm_records(
    connection: duckdb.DuckDBPyConnection,
    warehouse: Path,
    truth_dir: Path,
    schema: str = IDENTITY_SCHEMA,
) -> dict[str, int]:
    """Attach the built warehouse (read-only) as ``warehouse`` and create ``crm_records`` (the
    CRM rows of int_identity__records with their true person) and ``true_pairs`` (record_id_l <
    record_id_r, same person). A record's person is that of its truth row, keyed as accuracy.py
    keys CRM records (``crm_customers:<customer_id>``); the smallest when several share it.
    Returns counts: CRM records built, those without truth (left out) and true pairs."""
    connection.execute(f"attach '{warehouse}' as warehouse (read_only)")
    columns = ", ".join(f"records.{column}" for column in SPLINK_COLUMNS)
    connection.execute(
        f"""
        create table crm_records as
        with truth as (
            select $source || ':' || record_key as record_id, min(person_id) as person_id
            from read_parquet($truth_file)
            where source_table = $source
            group by 1
        )
        select {columns}, truth.person_id
        from warehouse."{schema}".int_identity__records as records
        left join truth on records.record_id = truth.record_id
        where records.record_source = $source
        """,
        {"source": CRM_SOURCE, "truth_file": str(truth_dir / TRUTH_FILE)},
    )
    without_truth = _count(connection, "select count(*) from crm_records where person_id is null")
    connection.execute("delete from crm_records where person_id is null")
    connection.execute(
        """
        create table true_pairs as
        select left_record.record_id as record_id_l, right_record.record_id as record_id_r
        from crm_records as left_record
        inner join crm_records as right_record
            on left_record.person_id = right_record.person_id
            and left_record.record_id < right_record.record_id
        """
    )
    return {
        "records": _count(connection, "select count(*) from crm_records"),
        "records_without_truth": without_truth,
        "true_pairs": _count(connection, "select count(*) from true_pairs"),
    }


def blocking_recall(connection: duckdb.DuckDBPyConnection, rule_sql: Sequence[str]) -> float:
    """The share of ``true_pairs`` that at least one blocking rule proposes: rules are SQL
    conditions on the pair's records ``l`` and ``r`` of ``crm_records``, as Splink writes them."""
    proposed = " or ".join(f"({sql})" for sql in rule_sql) or "false"
    return _share(
        connection,
        f"""
        select count(*) filter (where {proposed}), count(*)
        from true_pairs
        inner join crm_records as l on true_pairs.record_id_l = l.record_id
        inner join crm_records as r on true_pairs.record_id_r = r.record_id
        """,
    )


def candidate_pair_recall(
    connection: duckdb.DuckDBPyConnection, schema: str = IDENTITY_SCHEMA
) -> float:
    """The share of ``true_pairs`` in our int_identity__candidate_pairs (record_id_a <
    record_id_b); NaN when the table is not there or no longer has those columns."""
    try:
        return _share(
            connection,
            f"""
            select count(candidates.record_id_a), count(*)
            from true_pairs
            left join warehouse."{schema}".int_identity__candidate_pairs as candidates
                on true_pairs.record_id_l = candidates.record_id_a
                and true_pairs.record_id_r = candidates.record_id_b
            """,
        )
    except (duckdb.CatalogException, duckdb.BinderException):
        return math.nan


def scored_clusters(
    connection: duckdb.DuckDBPyConnection, clusters_sql: str
) -> tuple[PairMetrics, int]:
    """Pairwise counts of a clustering of ``crm_records``: ``clusters_sql`` selects
    (record_id, cluster_id); a record it leaves out counts as a cluster of its own (the second
    value says how many)."""
    persons, clusters, missing = connection.execute(
        f"""
        select
            list(crm_records.person_id order by crm_records.record_id),
            list(coalesce(clusters.cluster_id, 'alone:' || crm_records.record_id)
                order by crm_records.record_id),
            count(*) filter (where clusters.cluster_id is null)
        from crm_records
        left join ({clusters_sql}) as clusters on crm_records.record_id = clusters.record_id
        """
    ).fetchone()
    return pair_metrics(persons or [], clusters or []), int(missing)


def run_splink(
    records: pa.Table, *, seed: int, u_max_pairs: float = SPLINK_U_MAX_PAIRS
) -> SplinkRun:
    """Train, predict and cluster with Splink 5 on its own in-memory DuckDB; see the module
    docstring for the model. ``records`` holds SPLINK_COLUMNS."""
    try:
        import splink.comparison_library as cl
        from splink import DuckDBAPI, Linker, SettingsCreator, __version__, block_on
    except ImportError as error:
        raise ImportError(SPLINK_MISSING) from error

    connection = duckdb.connect()
    connection.register("input_records", records)
    connection.execute("create table crm_records as select * from input_records")
    connection.unregister("input_records")
    db_api = DuckDBAPI(connection)
    prediction_rules = [block_on(*rule) for rule in SPLINK_BLOCKING_RULES]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("match_first_name"),
            cl.NameComparison("match_last_name"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=False),
            cl.JaroWinklerAtThresholds("match_address", [0.9, 0.7]),
            cl.ExactMatch("postcode"),
        ],
        blocking_rules_to_generate_predictions=prediction_rules,
        retain_intermediate_calculation_columns=False,
    )
    started = time.perf_counter()
    linker = Linker(db_api.register("crm_records"), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*rule) for rule in SPLINK_DETERMINISTIC_RULES],
        recall=SPLINK_DETERMINISTIC_RECALL,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    for rule in SPLINK_EM_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
    predictions = linker.inference.predict(threshold_match_probability=SPLINK_THRESHOLD)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=SPLINK_THRESHOLD
    )
    seconds = time.perf_counter() - started
    clusters = clustered.as_duckdbpyrelation().select("record_id, cluster_id").to_arrow_table()
    rule_sql = [rule.get_blocking_rule("duckdb").blocking_rule_sql for rule in prediction_rules]
    trained = linker.misc.save_model_to_json()
    connection.close()
    return SplinkRun(clusters, seconds, rule_sql, trained, __version__)


def compare(
    connection: duckdb.DuckDBPyConnection,
    warehouse: Path,
    truth_dir: Path,
    identity_seconds: float,
    *,
    seed: int,
    u_max_pairs: float = SPLINK_U_MAX_PAIRS,
) -> tuple[list[SideResult], dict[str, Any]]:
    """Both sides' results on the CRM records of a built warehouse, and the figures behind them
    (record counts, Splink's trained model)."""
    counts = load_crm_records(connection, warehouse, truth_dir)
    ours, ours_missing = scored_clusters(
        connection,
        f"select record_id, profile_id as cluster_id "
        f'from warehouse."{IDENTITY_SCHEMA}".int_identity__profile_map',
    )
    records = connection.execute(
        f"select {', '.join(SPLINK_COLUMNS)} from crm_records"
    ).to_arrow_table()
    splink = run_splink(records, seed=seed, u_max_pairs=u_max_pairs)
    connection.register("splink_clusters", splink.clusters)
    theirs, _ = scored_clusters(connection, "select record_id, cluster_id from splink_clusters")
    sides = [
        SideResult("open_segments", ours, candidate_pair_recall(connection), identity_seconds),
        SideResult(
            "splink", theirs, blocking_recall(connection, splink.blocking_rule_sql), splink.seconds
        ),
    ]
    details = {
        **counts,
        "records_missing_from_profile_map": ours_missing,
        "splink_version": splink.version,
        "splink_blocking_rules": splink.blocking_rule_sql,
        "splink_model": splink.settings,
    }
    return sides, details


def render(sides: Sequence[SideResult], title: str) -> str:
    """The comparison table: side | precision | recall | F1 | blocking recall | seconds."""
    header = [
        "side",
        "precision",
        "recall",
        "F1",
        "blocking recall",
        "seconds",
        "pairs (pred/true)",
    ]
    rows = [
        [
            side.side,
            _fraction(side.pairs.precision),
            _fraction(side.pairs.recall),
            _fraction(side.pairs.f1),
            _fraction(side.blocking_recall),
            f"{side.seconds:.1f}",
            f"{side.pairs.predicted_pairs:,}/{side.pairs.true_pairs:,}",
        ]
        for side in sides
    ]
    return "\n".join([title, *_format_rows(header, rows)])


def _count(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = connection.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def _share(connection: duckdb.DuckDBPyConnection, sql: str) -> float:
    row = connection.execute(sql).fetchone()
    assert row is not None
    return row[0] / row[1] if row[1] else math.nan


def _build(env: dict[str, str], workdir: Path) -> tuple[list[StageResult], float | None]:
    """Build our side in two measured stages; the identity stage's dbt elapsed seconds, or None
    when a stage failed (its log's tail is printed)."""
    stages = []
    for stage, command, selection in (INPUT_STAGE, IDENTITY_STAGE):
        slug = stage_folder(stage)
        run = dbt_command(
            [command, *selection], target_dir=workdir / "target" / slug, log_dir=workdir / "logs"
        )
        stages.append(run_measured(stage, run, env, workdir / f"{slug}.log"))
        if stages[-1].returncode != 0:
            print((workdir / f"{slug}.log").read_text()[-3000:], file=sys.stderr)
            return stages, None
    run_results = workdir / "target" / stage_folder(IDENTITY_STAGE[0]) / "run_results.json"
    return stages, float(json.loads(run_results.read_text())["elapsed_time"])


def main(argv: list[str] | None = None) -> int:
    parser = evaluation_parser(
        "Splink 5 beside our identity resolution on the same CRM records.",
        name="peer_comparison",
        customers=100_000,
        seed=42,
    )
    parser.add_argument(
        "--noise",
        default=None,
        help="the generator's duplicate profile, e.g. 'hard' (default: its own)",
    )
    parser.add_argument("--u-max-pairs", type=float, default=SPLINK_U_MAX_PAIRS)
    args = parser.parse_args(argv)
    if importlib.util.find_spec("splink") is None:
        print(SPLINK_MISSING, file=sys.stderr)
        return 2
    if args.noise:
        # its own default folder, and data generated here: the benchmark's generator stage
        # knows no noise profile
        args.report_name = f"peer_comparison_{args.noise}"
        default = Path(tempfile.gettempdir()) / f"open_segments_{args.report_name}_{args.customers}"
        args.workdir = (args.workdir or default).resolve()
        if not args.skip_generate:
            from open_segments_lab.datagen.__main__ import main as generate

            raw = str(args.workdir / "raw")
            options = ["--seed", str(args.seed), "--noise", args.noise, "--no-progress"]
            if generate(["--customers", str(args.customers), "--out", raw, *options]) != 0:
                return 1
            args.skip_generate = True
    evaluation = prepare_evaluation(args, TRUTH_FILE)
    if isinstance(evaluation, int):
        return evaluation
    workdir = evaluation.workdir
    raw = raw_without_sources(workdir / "raw", EMPTIED_SOURCES, workdir)
    stages, identity_seconds = _build(project_env(raw, evaluation.warehouse), workdir)
    stages = [*evaluation.stages, *stages]
    if identity_seconds is None:
        return 1
    with duckdb.connect() as connection:
        sides, details = compare(
            connection,
            evaluation.warehouse,
            evaluation.truth_dir,
            identity_seconds,
            seed=args.seed,
            u_max_pairs=args.u_max_pairs,
        )
    title = (
        f"Identity resolution beside Splink {details['splink_version']} "
        f"at {args.customers:,} customers "
        f"(seed {args.seed}, noise {args.noise or 'default'}): {details['records']:,} CRM records, "
        f"{details['true_pairs']:,} true pairs; files in {workdir}"
    )
    print(render(sides, title))
    timings = identity_model_timings(
        workdir / "target" / stage_folder(IDENTITY_STAGE[0]) / "run_results.json"
    )
    seconds_of = dict(timings)
    print(
        f"  open_segments seconds: dbt elapsed of the identity stage; its identity models took "
        f"{sum(seconds_of.values()):.1f} s, of which int_identity__records (the match keys "
        f"Splink reads ready-made) {seconds_of.get(RECORDS_MODEL, math.nan):.1f} s"
    )
    (workdir / RESULT_FILE).write_text(
        json.dumps(
            {
                "customers": args.customers,
                "seed": args.seed,
                "noise": args.noise,
                "duckdb_version": duckdb.__version__,
                "sides": [
                    {
                        "side": side.side,
                        "precision": side.pairs.precision,
                        "recall": side.pairs.recall,
                        "f1": side.pairs.f1,
                        "blocking_recall": side.blocking_recall,
                        "seconds": side.seconds,
                        **asdict(side.pairs),
                    }
                    for side in sides
                ],
                "identity_model_seconds": seconds_of,
                "stages": [asdict(stage) for stage in stages],
                **details,
            },
            indent=2,
            default=str,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
