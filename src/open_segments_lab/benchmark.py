"""Benchmark: generate demo data at a chosen scale, build the project, report time and memory.

Every stage runs as its own process, so its wall time and peak resident memory are measured
separately. The peak is the kernel's maximum RSS over the stage's process and the processes it
waited for: the largest single process, not a sum (the generator's two workers and its parent
together use more). Per-model timings come from dbt's
target/run_results.json. This is a measurement script, not a test: at 1,000,000 customers it
prints each speed and memory budget the issues set (`TARGETS`) beside what was measured and
whether it is met, and the same goes to benchmark.json; no timed unit test asserts them.

The dbt build runs as stages, so that identity resolution (the models tagged `identity`), the
point-in-time features (`features`), the ML models (`ml`) and the segments (`segments`) are
timed on their own: everything they read (seeds, staging and their tests), then `dbt run` of
the identity models alone, their tests, `dbt run` of the features, of the rule segments, of the
ML models (which read the rule segments) and of the segments built on them, their tests, then
whatever else is built on top. Each timed stage reports the
process wall time, dbt's own elapsed time (the same minus start-up and parsing), peak memory
and its slowest models; the identity stage also the number of candidate pairs next to the
number of records that can be compared. Blocking is meant to keep pairs per record bounded,
so across runs at different scales the candidate pairs should grow linearly with the comparable
records; this is where that claim can be read off.

Each budget is set on a workload: identity resolution's on "1M CRM records plus their web
identities", the others on all the data. `--without-sources esp,third_party`
builds on the generated data with those raw sources emptied (same columns, no rows), which is the
identity budget's workload; a run checks only the budgets of its own workload and marks the
others "other workload". The identity stage is timed and reported on every run either way.

With `--target spark` the same stages run on a local Spark session (dbt-spark `session`; each
stage is a process, so each pays the JVM start). Spark does not run dbt Python models: the match
weights are first estimated on DuckDB (a measured stage) and frozen for the Spark stages, and
the ML stage runs only its SQL models.

With `--web-increment SHARE` it measures a daily run of the incremental web path instead
(`base_web__events` and the day facts over it): the path is built in full on the raw data
without the newest SHARE of web events by receipt time (which include late events: old event
times received late), then run incrementally on all of it, then rebuilt with `--full-refresh`
for comparison.

With `--daily-run SHARE` it measures the whole daily job instead: `dbt build --full-refresh` (every
model and data test) on the raw data without the newest SHARE of web events, then `dbt build` on
all of it, as a scheduler would run it the next day. Both are scheduled runs, so both leave out the
unit tests (`SCHEDULED_RUN_OPTIONS`): those read only their fixed fixtures, never the warehouse's
data, and give the same answer on every run of the same code, so they belong to CI (the README's
test command runs them all), not to the daily job. The daily run's share of the full build is the
figure the incremental design is judged by (the full build of day zero, on slightly less data, is
the denominator, which if anything overstates the share); its seconds by resource type and by
step of the flow beside the full build's (staging, events, identity, features, ML, marts: models
and data tests), the models it reused because their inputs had not changed, and its slowest nodes
show where it goes.

Usage:
    python -m open_segments_lab.benchmark --customers 1000000
    python -m open_segments_lab.benchmark --customers 1000000 --skip-generate --web-increment 0.01
    python -m open_segments_lab.benchmark --customers 1000000 --skip-generate --daily-run 0.01
    python -m open_segments_lab.benchmark --customers 1000000 --skip-generate   # reuse the data
    python -m open_segments_lab.benchmark --customers 1000000 --without-sources esp,third_party
    python -m open_segments_lab.benchmark --customers 100000 --target spark
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from open_segments.match_weights import export_match_weights
from open_segments_lab.datagen.schema import SOURCE_OF_RAW_FILE
from open_segments_lab.dbt_launcher import PROJECT_DIR, dbt_command, dbt_environment

# Models whose names start with these make up the identity stage (int_customer__unified_profiles
# is the end of it: survivorship over the resolved profiles).
IDENTITY_MODEL_PREFIXES = ("int_identity__", "int_customer__unified_profiles")
IDENTITY_SCHEMA = "identity"
IDENTITY_TAG = "tag:identity"
# Point-in-time features, the ML models on them, and the segments built on both.
FEATURE_TAG, ML_TAG, SEGMENT_TAG = "tag:features", "tag:ml", "tag:segments"
# A test stage runs the tests whose models exist by then: a relationships test from the features
# to the profiles belongs to the features' stage, not to identity's (dbt's default would pick it
# in both and fail in the first).
TESTS_OF_BUILT_MODELS = ["--indirect-selection", "buildable"]
# The dbt build in stages: (stage name, dbt command, selection arguments). The stages timed on
# their own are plain `dbt run`s; their tests follow as separate stages.
DBT_STAGES = (
    ("dbt build (staging)", "build", ["--exclude", f"{IDENTITY_TAG}+"]),
    ("identity", "run", ["--select", IDENTITY_TAG]),
    ("identity tests", "test", ["--select", IDENTITY_TAG, *TESTS_OF_BUILT_MODELS]),
    ("features", "run", ["--select", FEATURE_TAG]),
    # rule segments first: the ML models read them (lookalikes learn from a segment), and the
    # model segments and the membership read the ML models
    ("rule segments", "run", ["--select", SEGMENT_TAG, "--exclude", f"{ML_TAG}+"]),
    ("ml", "run", ["--select", ML_TAG]),
    ("model segments", "run", ["--select", f"{SEGMENT_TAG},{ML_TAG}+"]),
    (
        "feature ml segment tests",
        "test",
        ["--select", FEATURE_TAG, ML_TAG, SEGMENT_TAG, *TESTS_OF_BUILT_MODELS],
    ),
    (
        "dbt build (rest)",
        "build",
        [
            "--select",
            f"{IDENTITY_TAG}+",
            "--exclude",
            IDENTITY_TAG,
            FEATURE_TAG,
            ML_TAG,
            SEGMENT_TAG,
        ],
    ),
)
# Stages whose dbt elapsed time and slowest models are reported: (title, target folder).
TIMED_STAGES = (
    ("Identity stage (dbt run of tag:identity)", "identity"),
    ("Features (dbt run of tag:features)", "features"),
    ("ML models (dbt run of tag:ml)", "ml"),
    ("Rule segments (dbt run of tag:segments before the ML models)", "rule_segments"),
    ("Model segments and membership (dbt run of tag:segments after them)", "model_segments"),
)


def stage_folder(stage: str) -> str:
    """A stage's folder for its target path and log: `dbt build (staging)`, `dbt_build_staging`."""
    return stage.replace(" ", "_").replace("(", "").replace(")", "").replace(",", "")


# The speed and memory budgets the issues set at TARGET_CUSTOMERS customers on 2 cores.
TARGET_CUSTOMERS = 1_000_000


@dataclass(frozen=True)
class Target:
    """A budget for some timed stages: their dbt elapsed seconds added up, and each stage's peak.

    `without_sources` is the workload the budget is set on: the generated data with these raw
    sources emptied (`--without-sources`); empty, all of it.
    """

    name: str
    stages: tuple[str, ...]
    max_seconds: float
    max_rss_mib: float | None = None
    without_sources: frozenset[str] = frozenset()


# The identity budget is set on "1M CRM records plus their web identities": the CRM and
# web sources (and the consent and erasure records about those people), without the email
# platform's recipients and the third-party records. The other budgets are set on all the data.
IDENTITY_BUDGET_WITHOUT = frozenset({"esp", "third_party"})
TARGETS = (
    Target("identity resolution", ("identity",), 40.0, 8 * 1024.0, IDENTITY_BUDGET_WITHOUT),
    Target("features and rule segments", ("features", "rule_segments"), 30.0),
    Target("ML models", ("ml",), 90.0, 8 * 1024.0),
)


@dataclass(frozen=True)
class TargetCheck:
    """A target with what was measured against it; `met` is None when a stage did not run or
    when the run's data is not the target's workload (`applies` is then False)."""

    target: Target
    seconds: float | None
    peak_rss_mib: float | None
    met: bool | None
    applies: bool = True


def check_targets(
    stage_elapsed: dict[str, float],
    stage_rss: dict[str, float],
    targets: tuple[Target, ...] = TARGETS,
    without_sources: frozenset[str] = frozenset(),
) -> list[TargetCheck]:
    """Measure each target: the dbt elapsed seconds of its stages, their largest peak memory.

    `stage_elapsed` and `stage_rss` are keyed by the stage's target folder (`rule_segments`).
    Seconds are dbt's own (start-up and parsing left out, as in a single `dbt build`). A target
    is only checked on its own workload: a run whose `without_sources` differ gives it no verdict.
    """
    checks = []
    for target in targets:
        if target.without_sources != without_sources:
            checks.append(TargetCheck(target, None, None, None, applies=False))
            continue
        if not all(stage in stage_elapsed and stage in stage_rss for stage in target.stages):
            checks.append(TargetCheck(target, None, None, None))
            continue
        seconds = sum(stage_elapsed[stage] for stage in target.stages)
        peak = max(stage_rss[stage] for stage in target.stages)
        met = seconds < target.max_seconds and (
            target.max_rss_mib is None or peak < target.max_rss_mib
        )
        checks.append(TargetCheck(target, seconds, peak, met))
    return checks


def render_target_checks(checks: list[TargetCheck], customers: int) -> list[str]:
    """The report's lines for the targets; no verdict at a scale the budgets were not set for."""
    if customers != TARGET_CUSTOMERS:
        return [f"Targets are set at {TARGET_CUSTOMERS:,} customers: not checked at {customers:,}."]
    lines = [f"Targets at {TARGET_CUSTOMERS:,} customers (dbt elapsed seconds, peak RSS MiB)"]
    for check in checks:
        budget = f"< {check.target.max_seconds:.0f} s"
        if check.target.max_rss_mib is not None:
            budget += f", < {check.target.max_rss_mib:.0f} MiB"
        if not check.applies:
            measured, verdict = "other workload", without_sources_flag(check.target)
        elif check.met is None:
            measured, verdict = "not run", ""
        else:
            measured = f"{check.seconds:.1f} s, {check.peak_rss_mib:.0f} MiB"
            verdict = "met" if check.met else "NOT MET"
        lines.append(f"  {check.target.name:<28}{measured:>20}   {budget:<22}{verdict}")
    return lines


def without_sources_flag(target: Target) -> str:
    """The benchmark option that measures a target's workload: `--without-sources esp,...`."""
    if not target.without_sources:
        return "(all sources)"
    return f"(--without-sources {','.join(sorted(target.without_sources))})"


def raw_without_sources(raw_dir: Path, sources: frozenset[str], workdir: Path) -> Path:
    """A raw folder with the files of `raw_dir`, those of `sources` emptied: the same columns and
    no rows, so that the project builds unchanged on the rest. The others are linked, not
    copied."""
    unknown = sources - set(SOURCE_OF_RAW_FILE.values())
    if unknown:
        known = ", ".join(sorted(set(SOURCE_OF_RAW_FILE.values())))
        raise ValueError(f"unknown raw source(s) {sorted(unknown)}: the sources are {known}")
    trimmed = workdir / f"raw_without_{'_'.join(sorted(sources))}"
    shutil.rmtree(trimmed, ignore_errors=True)
    trimmed.mkdir(parents=True)
    for path in sorted(raw_dir.glob("*.parquet")):
        if SOURCE_OF_RAW_FILE.get(path.name) in sources:
            pq.write_table(pq.read_schema(path).empty_table(), trimmed / path.name)
        else:
            (trimmed / path.name).symlink_to(path.resolve())
    return trimmed


@dataclass(frozen=True)
class StageResult:
    """Wall time and peak memory of one benchmarked process."""

    stage: str
    seconds: float
    peak_rss_mib: float
    returncode: int


def run_measured(stage: str, command: list[str], env: dict[str, str], log: Path) -> StageResult:
    """Run a command as a child process; return its wall time and the largest RSS in its tree."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=out)
        _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux.
    return StageResult(stage, seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))


def project_env(raw_dir: Path, warehouse: Path) -> dict[str, str]:
    """Environment for dbt on generated data: this project's profile, the raw files, a warehouse."""
    return dbt_environment(warehouse, str(raw_dir / "{source}_{table}.parquet"))


def generate_data(
    customers: int, seed: int, raw_dir: Path, env: dict[str, str], workdir: Path
) -> StageResult:
    """Run the demo-data generator as a measured stage; print its log's tail when it fails."""
    command = [
        sys.executable, "-m", "open_segments_lab.datagen",
        "--customers", str(customers), "--seed", str(seed),
        "--out", str(raw_dir), "--no-progress",
    ]  # fmt: skip
    result = run_measured("generate", command, env, workdir / "generate.log")
    if result.returncode != 0:
        print((workdir / "generate.log").read_text()[-3000:], file=sys.stderr)
    return result


def evaluation_parser(
    description: str, *, name: str, customers: int, seed: int
) -> argparse.ArgumentParser:
    """The arguments of an accuracy report: ``--customers``, ``--seed``, ``--workdir`` (default
    ``<temp dir>/open_segments_<name>_<customers>``) and ``--skip-generate``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--customers", type=int, default=customers)
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help=f"default: <temp dir>/open_segments_{name}_<customers>",
    )
    parser.add_argument("--skip-generate", action="store_true", help="reuse data in the workdir")
    parser.set_defaults(report_name=name)
    return parser


@dataclass(frozen=True)
class Evaluation:
    """Where an accuracy report works: data under ``workdir/raw`` (truth in ``raw/truth``), its
    warehouse, the project environment for dbt, and the stages run so far."""

    workdir: Path
    warehouse: Path
    env: dict[str, str]
    stages: list[StageResult]

    @property
    def truth_dir(self) -> Path:
        return self.workdir / "raw" / "truth"


def prepare_evaluation(args: argparse.Namespace, truth_file: str) -> Evaluation | int:
    """The work folder, data and an empty warehouse of an accuracy report (``evaluation_parser``).

    Generates data into ``<workdir>/raw`` as a measured stage (with ``--skip-generate``, checks
    that ``raw/truth/<truth_file>`` is there instead) and removes the warehouse, whose profile
    map would otherwise carry ids over from an earlier build. Returns the report's exit code
    instead when there is no data: 2 when ``--skip-generate`` finds none (after saying so), 1 when
    generating it failed."""
    default = Path(tempfile.gettempdir()) / f"open_segments_{args.report_name}_{args.customers}"
    workdir = (args.workdir or default).resolve()
    raw_dir, warehouse = workdir / "raw", workdir / "warehouse.duckdb"
    evaluation = Evaluation(workdir, warehouse, project_env(raw_dir, warehouse), stages=[])
    workdir.mkdir(parents=True, exist_ok=True)
    if args.skip_generate:
        if not (evaluation.truth_dir / truth_file).exists():
            print(f"--skip-generate: no generated data in {raw_dir}", file=sys.stderr)
            return 2
    else:
        generated = generate_data(args.customers, args.seed, raw_dir, evaluation.env, workdir)
        evaluation.stages.append(generated)
        if generated.returncode != 0:
            return 1
    evaluation.warehouse.unlink(missing_ok=True)
    return evaluation


def raw_row_counts(raw_dir: Path) -> dict[str, int]:
    """Rows per raw Parquet file, read from the file footers."""
    return {
        path.stem: pq.read_metadata(path).num_rows for path in sorted(raw_dir.glob("*.parquet"))
    }


def slowest_models(run_results: Path, limit: int) -> list[tuple[str, float]]:
    """The models (and tests) with the longest execution times of a dbt run."""
    results = json.loads(run_results.read_text())["results"]
    timings = [(r["unique_id"].split(".")[-1], float(r["execution_time"])) for r in results]
    return sorted(timings, key=lambda item: (-item[1], item[0]))[:limit]


def seconds_by_resource_type(run_results: Path) -> dict[str, float]:
    """Execution seconds of a dbt run summed by resource type (model, test, unit_test, seed...):
    how much of a daily run is building and how much is checking."""
    totals: dict[str, float] = {}
    for result in json.loads(run_results.read_text())["results"]:
        kind = result["unique_id"].split(".")[0]
        totals[kind] = totals.get(kind, 0.0) + float(result["execution_time"])
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def reused_models(run_results: Path) -> list[str]:
    """The models a dbt run kept as they were because their inputs had not changed
    (materialization `table_if_inputs_changed`)."""
    return sorted(
        result["unique_id"].split(".")[-1]
        for result in json.loads(run_results.read_text())["results"]
        if result["unique_id"].startswith("model.")
        and str(result.get("message", "")).startswith("REUSED")
    )


# The steps of the flow (DESIGN.md, section 1) a build's seconds are split by, in order, and the
# folders (a node's fqn after the project name) whose models make each one; Python models sit in
# python_models/<folder>. Seeds, operations and tests of seeds alone fall under "other".
FLOW_STEPS = ("staging", "events", "identity", "features", "ml", "marts")
FLOW_STEP_OF_FOLDER = {
    ("staging",): "staging",
    ("intermediate", "events"): "events",
    ("intermediate", "identity"): "identity",
    ("intermediate", "profile"): "identity",
    ("intermediate", "privacy"): "identity",
    ("identity",): "identity",
    ("privacy",): "identity",
    ("intermediate", "features"): "features",
    ("intermediate", "ml"): "ml",
    ("ml",): "ml",
    ("marts",): "marts",
}


def flow_step(fqn: list[str]) -> str:
    """The step of the flow a model belongs to, from its fqn (project, folders..., name)."""
    folders = tuple(fqn[1:-1])
    for depth in (2, 1):
        step = FLOW_STEP_OF_FOLDER.get(folders[:depth])
        if step is not None:
            return step
    return "other"


def seconds_by_flow_step(target: Path) -> dict[str, dict[str, float]]:
    """Execution seconds of a dbt run by step of the flow, models and data tests apart: which
    part of a full build a daily run does again. A test counts with the latest step it reads
    (a cross-model check of the marts is the marts'). Read from the run's manifest.json and
    run_results.json in `target`."""
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    order = {step: rank for rank, step in enumerate(FLOW_STEPS)}

    def step_of(unique_id: str) -> str:
        node = nodes.get(unique_id, {})
        if unique_id.startswith("model."):
            return flow_step(node["fqn"])
        steps = [step_of(parent) for parent in node.get("depends_on", {}).get("nodes", [])]
        steps = [step for step in steps if step in order]
        return max(steps, key=order.__getitem__) if steps else "other"

    totals = {step: {"model": 0.0, "test": 0.0} for step in (*FLOW_STEPS, "other")}
    for result in json.loads((target / "run_results.json").read_text())["results"]:
        kind = result["unique_id"].split(".")[0]
        if kind in ("model", "test"):
            totals[step_of(result["unique_id"])][kind] += float(result["execution_time"])
    return totals


def render_flow_steps(
    full: dict[str, dict[str, float]], daily: dict[str, dict[str, float]]
) -> list[str]:
    """The daily run beside the full build, step by step of the flow: each step's model and
    test seconds in both, and the daily run's seconds as a share of the whole full build (the
    shares add up to the daily run's share)."""
    whole = sum(sum(kinds.values()) for kinds in full.values())
    lines = [
        f"{'step':<10}{'full build':>12}{'(tests)':>10}{'daily run':>12}{'(tests)':>10}"
        f"{'of full build':>15}"
    ]
    for step in full:
        lines.append(
            f"{step:<10}{sum(full[step].values()):>12.1f}{full[step]['test']:>10.1f}"
            f"{sum(daily[step].values()):>12.1f}{daily[step]['test']:>10.1f}"
            f"{sum(daily[step].values()) / whole if whole else 0.0:>15.1%}"
        )
    return lines


def model_timings(run_results: Path) -> list[tuple[str, float]]:
    """Execution seconds of each model of a dbt run (not its tests or seeds), in dbt's order."""
    results = json.loads(run_results.read_text())["results"]
    return [
        (result["unique_id"].split(".", 2)[2], float(result["execution_time"]))
        for result in results
        if result["unique_id"].startswith("model.")
    ]


def identity_model_timings(run_results: Path) -> list[tuple[str, float]]:
    """Execution seconds of every identity model of a dbt run, in the order dbt reported them.

    Only models count: the data tests on these models are checks of the result, not part of
    producing it, and `dbt build` would otherwise fold them into the stage.
    """
    timings = model_timings(run_results)
    return [
        (name, seconds) for name, seconds in timings if name.startswith(IDENTITY_MODEL_PREFIXES)
    ]


def candidate_pair_scale(
    connection: duckdb.DuckDBPyConnection, schema: str = IDENTITY_SCHEMA
) -> tuple[int, int]:
    """(candidate pairs, comparable records): records with a name are the only ones blocked."""
    records = f'"{schema}"."int_identity__records"'
    pairs = f'"{schema}"."int_identity__candidate_pairs"'
    row = connection.execute(
        f"""
        select
            (select count(*) from {pairs}),
            (select count(*) from {records}
             where match_first_name is not null or match_last_name is not null)
        """
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def identity_scale(warehouse: Path) -> tuple[int, int] | None:
    """Candidate pairs and comparable records of a warehouse; None if identity was not built."""
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            return candidate_pair_scale(connection)
    except duckdb.CatalogException:
        return None


def estimate_match_weights(env: dict[str, str], workdir: Path) -> StageResult:
    """Estimate the match weights on DuckDB (a dbt Python model) and freeze them to
    workdir/match_weights.parquet, for an engine that cannot run Python models."""
    target = workdir / "target" / "estimate_match_weights"
    run = dbt_command(
        ["build", "--select", "+int_identity__match_weights",
         "--resource-type", "seed", "--resource-type", "model"],
        target_dir=target, log_dir=workdir / "logs",
    )  # fmt: skip
    result = run_measured("match weights (DuckDB)", run, env, workdir / "estimate.log")
    if result.returncode != 0:
        print((workdir / "estimate.log").read_text()[-3000:], file=sys.stderr)
        return result
    export_match_weights(Path(env["SEGMENTS_DUCKDB_PATH"]), workdir / "match_weights.parquet")
    return result


# The incremental models of the web path: staging, then the day facts over it (tag events).
WEB_INCREMENTAL = [
    "base_web__events",
    "int_events__web_sessions",
    "int_events__web_category_views",
    "int_events__web_cart_moments",
    "int_events__web_cookie_identities",
]


def hold_back_newest_web_events(raw_dir: Path, share: float, day_zero: Path) -> dict[str, int]:
    """Day zero's raw data in `day_zero`: every raw file of `raw_dir` (linked), but the web events
    without the newest `share` of them by receipt time. Returns the counts of the increment."""
    shutil.rmtree(day_zero, ignore_errors=True)
    day_zero.mkdir(parents=True)
    for path in raw_dir.glob("*.parquet"):
        if path.name != "web_events.parquet":
            (day_zero / path.name).symlink_to(path)
    events = raw_dir / "web_events.parquet"
    received = "try_cast(received_at as timestamp)"
    with duckdb.connect() as con:
        (cutoff,) = con.execute(
            f"select quantile_disc({received}, {1 - share}) from '{events}'"
        ).fetchone()
        con.execute(
            f"copy (from '{events}' where not coalesce({received} >= ?, false)) "
            f"to '{day_zero / events.name}' (format parquet)",
            [cutoff],
        )
        new, late = con.execute(
            f"select count(*), count(*) filter (where try_cast(event_at as timestamp) < ?) "
            f"from '{events}' where {received} >= ?",
            [cutoff, cutoff],
        ).fetchone()
    return {"new_web_events": new, "late_web_events": late}


def web_increment_stages(
    raw_dir: Path, workdir: Path, share: float
) -> tuple[list[StageResult], dict[str, float], dict[str, int]]:
    """The daily-increment benchmark of the web path (see the module docstring)."""
    warehouse = workdir / "warehouse.duckdb"
    counts = hold_back_newest_web_events(raw_dir, share, workdir / "raw_day_zero")
    runs = (
        ("web path, day zero", workdir / "raw_day_zero", "build",
         ["--select", *(f"+{model}" for model in WEB_INCREMENTAL),
          "--exclude-resource-type", "test", "unit_test"]),
        ("web path, increment", raw_dir, "run", ["--select", *WEB_INCREMENTAL]),
        ("web path, full", raw_dir, "run", ["--select", *WEB_INCREMENTAL, "--full-refresh"]),
    )  # fmt: skip
    stages, elapsed = [], {}
    for stage, raw, command, selection in runs:
        slug = stage_folder(stage)
        target = workdir / "target" / slug
        run = dbt_command([command, *selection], target_dir=target, log_dir=workdir / "logs")
        env = project_env(raw, warehouse)
        stages.append(run_measured(stage, run, env, workdir / f"{slug}.log"))
        if stages[-1].returncode != 0:
            print((workdir / f"{slug}.log").read_text()[-3000:])
            break
        elapsed[stage] = sum(
            seconds
            for name, seconds in model_timings(target / "run_results.json")
            if name.split(".")[-1] in WEB_INCREMENTAL
        )
    return stages, elapsed, counts


FULL_BUILD, DAILY_RUN = "full build, day zero", "daily run"
# What a scheduler passes to every production `dbt build` (the README's "Daily incremental runs").
SCHEDULED_RUN_OPTIONS = ("--exclude-resource-type", "unit_test")


def daily_run_stages(
    raw_dir: Path, workdir: Path, share: float
) -> tuple[list[StageResult], dict[str, float], dict[str, int]]:
    """The whole-daily-run benchmark (see the module docstring): the stages, each stage's dbt
    elapsed seconds and the counts of the increment."""
    warehouse = workdir / "warehouse.duckdb"
    counts = hold_back_newest_web_events(raw_dir, share, workdir / "raw_day_zero")
    runs = (
        (FULL_BUILD, workdir / "raw_day_zero", ["--full-refresh"]),
        (DAILY_RUN, raw_dir, []),
    )
    stages, elapsed = [], {}
    for stage, raw, options in runs:
        target = workdir / "target" / stage_folder(stage)
        log = workdir / f"{stage_folder(stage)}.log"
        run = dbt_command(
            ["build", *SCHEDULED_RUN_OPTIONS, *options], target_dir=target, log_dir=workdir / "logs"
        )
        stages.append(run_measured(stage, run, project_env(raw, warehouse), log))
        if stages[-1].returncode != 0:
            print(log.read_text()[-3000:])
            break
        elapsed[stage] = float(
            json.loads((target / "run_results.json").read_text())["elapsed_time"]
        )
    return stages, elapsed, counts


def daily_share(elapsed: dict[str, float]) -> float | None:
    """The daily run's dbt elapsed seconds as a share of the full build's; None unless both ran."""
    if not elapsed.get(FULL_BUILD) or DAILY_RUN not in elapsed:
        return None
    return elapsed[DAILY_RUN] / elapsed[FULL_BUILD]


def render_increment(
    title: str,
    counts: dict[str, int],
    stages: list[StageResult],
    elapsed: dict[str, float],
    elapsed_label: str,
) -> str:
    """The head of both increment benchmarks' reports: what the increment held, then each stage's
    wall time, peak memory, exit code and the seconds they compare (`elapsed_label`)."""
    lines = [
        title,
        f"  new web events {counts['new_web_events']:,}, "
        f"of them late (event time before the increment) {counts['late_web_events']:,}",
        "",
        f"{'stage':<24}{'seconds':>10}{'max RSS MiB':>14}{'exit':>6}  {elapsed_label:>14}",
    ]
    lines += [
        f"{s.stage:<24}{s.seconds:>10.1f}{s.peak_rss_mib:>14.0f}{s.returncode:>6}  "
        f"{elapsed.get(s.stage, float('nan')):>14.1f}"
        for s in stages
    ]
    return "\n".join(lines)


def spark_env(env: dict[str, str], workdir: Path) -> dict[str, str]:
    """The environment of the Spark stages: the spark target, a fresh metastore and tables."""
    spark_dir = workdir / "spark"
    shutil.rmtree(spark_dir, ignore_errors=True)
    return {**env, "SEGMENTS_TARGET": "spark", "SEGMENTS_SPARK_DIR": str(spark_dir)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="default: benchmarks/results/<N>"
    )
    parser.add_argument("--skip-generate", action="store_true", help="reuse data in the workdir")
    parser.add_argument(
        "--select", default=None, help="dbt selection, e.g. 'staging' (default: all)"
    )
    parser.add_argument("--top", type=int, default=12, help="how many slowest nodes to list")
    parser.add_argument(
        "--target", choices=("duckdb", "spark"), default="duckdb", help="engine (profiles.yml)"
    )
    parser.add_argument(
        "--web-increment",
        type=float,
        metavar="SHARE",
        help="measure a daily run of the incremental web path with this share of new events",
    )
    parser.add_argument(
        "--daily-run",
        type=float,
        metavar="SHARE",
        help="measure the whole daily dbt build after a full build, with this share of new events",
    )
    parser.add_argument(
        "--without-sources",
        type=lambda value: frozenset(v.strip() for v in value.split(",") if v.strip()),
        default=frozenset(),
        metavar="SOURCE,...",
        help="empty these raw sources (e.g. esp,third_party) and build on the rest of the data",
    )
    args = parser.parse_args(argv)
    if args.web_increment and args.daily_run:
        parser.error("--web-increment and --daily-run are separate benchmarks: choose one")

    workdir = (
        args.workdir or PROJECT_DIR / "benchmarks" / "results" / str(args.customers)
    ).resolve()
    raw_dir = workdir / "raw"
    workdir.mkdir(parents=True, exist_ok=True)
    env = project_env(raw_dir, workdir / "warehouse.duckdb")
    stages: list[StageResult] = []

    if not args.skip_generate:
        stages.append(generate_data(args.customers, args.seed, raw_dir, env, workdir))
        if stages[-1].returncode != 0:
            return 1

    if args.without_sources:
        try:
            raw_dir = raw_without_sources(raw_dir, args.without_sources, workdir)
        except ValueError as error:
            parser.error(str(error))
        env = project_env(raw_dir, workdir / "warehouse.duckdb")
    Path(env["SEGMENTS_DUCKDB_PATH"]).unlink(missing_ok=True)
    if args.web_increment:
        web_stages, elapsed, counts = web_increment_stages(raw_dir, workdir, args.web_increment)
        stages += web_stages
        title = f"Daily web increment at {args.customers:,} customers (seed {args.seed})"
        print(render_increment(title, counts, stages, elapsed, "model seconds"))
        if len(elapsed) == 3:
            share = elapsed["web path, increment"] / elapsed["web path, full"]
            print(f"\nincrement / full refresh (model seconds): {share:.1%}")
        (workdir / "web_increment.json").write_text(
            json.dumps(
                {
                    "customers": args.customers,
                    "share": args.web_increment,
                    **counts,
                    "stages": [asdict(s) for s in stages],
                    "model_seconds": elapsed,
                },
                indent=2,
            )
        )
        return max(s.returncode for s in stages)
    if args.daily_run:
        daily_stages, elapsed, counts = daily_run_stages(raw_dir, workdir, args.daily_run)
        stages += daily_stages
        title = f"Daily run at {args.customers:,} customers (seed {args.seed})"
        print(render_increment(title, counts, stages, elapsed, "dbt elapsed"))
        share, by_step = daily_share(elapsed), None
        if share is not None:
            print(f"\ndaily run / full build (dbt elapsed seconds): {share:.1%}")
            target = workdir / "target" / stage_folder(DAILY_RUN)
            by_type = seconds_by_resource_type(target / "run_results.json")
            print(
                "daily run seconds by resource type: "
                + ", ".join(f"{kind} {seconds:.1f}" for kind, seconds in by_type.items())
            )
            by_step = {
                stage: seconds_by_flow_step(workdir / "target" / stage_folder(stage))
                for stage in (FULL_BUILD, DAILY_RUN)
            }
            print("\nSeconds by step of the flow (models and data tests; tests also apart)")
            print("\n".join(f"  {line}" for line in render_flow_steps(*by_step.values())))
            reused = reused_models(target / "run_results.json")
            print(f"reused, inputs unchanged ({len(reused)}): {', '.join(reused) or 'none'}")
            print(f"\nSlowest {args.top} nodes of the daily run (seconds)")
            for name, seconds in slowest_models(target / "run_results.json", args.top):
                print(f"  {name:<60}{seconds:>8.2f}")
        (workdir / "daily_run.json").write_text(
            json.dumps(
                {"customers": args.customers, "share": args.daily_run, **counts,
                 "stages": [asdict(s) for s in stages], "dbt_elapsed_seconds": elapsed,
                 "daily_share_of_full_build": share, "seconds_by_flow_step": by_step},
                indent=2,
            )
        )  # fmt: skip
        return max(s.returncode for s in stages)
    if args.select:
        stage_commands = [("dbt build", "build", ["--select", args.select])]
    else:
        stage_commands = list(DBT_STAGES)
    if args.target == "spark":
        stages.append(estimate_match_weights(env, workdir))
        if stages[-1].returncode != 0:
            return 1
        env = spark_env(env, workdir)
        frozen = json.dumps({"identity_match_weights": str(workdir / "match_weights.parquet")})
        stage_commands = [(s, c, [*sel, "--vars", frozen]) for s, c, sel in stage_commands]
    for stage, command, selection in stage_commands:
        slug = stage_folder(stage)
        target = workdir / "target" / slug
        run = dbt_command([command, *selection], target_dir=target, log_dir=workdir / "logs")
        stages.append(run_measured(stage, run, env, workdir / f"{slug}.log"))
        if stages[-1].returncode != 0:
            print((workdir / f"{slug}.log").read_text()[-3000:])
            break

    print(f"Benchmark at {args.customers:,} customers (seed {args.seed}), data in {raw_dir}")
    print("\nRaw rows")
    for name, rows in raw_row_counts(raw_dir).items():
        print(f"  {name:<30}{rows:>14,}")
    print(f"\n{'stage':<24}{'seconds':>10}{'max RSS MiB':>14}{'exit':>6}  (largest single process)")
    for s in stages:
        print(f"{s.stage:<24}{s.seconds:>10.1f}{s.peak_rss_mib:>14.0f}{s.returncode:>6}")

    # only this run's stages: the workdir keeps the target folders of earlier benchmarks
    this_run = [workdir / "target" / stage_folder(s.stage) / "run_results.json" for s in stages]
    slowest = sorted(
        (timing for target in this_run if target.exists()
         for timing in slowest_models(target, args.top)),
        key=lambda item: (-item[1], item[0]),
    )[: args.top]  # fmt: skip
    if slowest:
        print(f"\nSlowest {len(slowest)} dbt nodes (seconds)")
        for name, seconds in slowest:
            print(f"  {name:<60}{seconds:>8.2f}")

    stage_elapsed: dict[str, float] = {}
    stage_models: dict[str, list[tuple[str, float]]] = {}
    ran = {stage_folder(s.stage) for s in stages}
    for title, folder in TIMED_STAGES:
        run_results = workdir / "target" / folder / "run_results.json"
        if folder not in ran or not run_results.exists():
            continue
        stage_elapsed[folder] = float(json.loads(run_results.read_text())["elapsed_time"])
        stage_models[folder] = model_timings(run_results)
        print(f"\n{title}")
        print(f"  {'dbt elapsed seconds':<40}{stage_elapsed[folder]:>14.1f}")
        for name, seconds in sorted(stage_models[folder], key=lambda item: -item[1])[:5]:
            print(f"    {name:<38}{seconds:>14.1f}")
    stage_rss = {stage_folder(s.stage): s.peak_rss_mib for s in stages if s.returncode == 0}
    checks = check_targets(stage_elapsed, stage_rss, without_sources=args.without_sources)
    print()
    print("\n".join(render_target_checks(checks, args.customers)))
    scale = identity_scale(Path(env["SEGMENTS_DUCKDB_PATH"]))
    if scale is not None:
        pairs, comparable = scale
        per_record = pairs / comparable if comparable else 0.0
        print("\nCandidate pairs")
        print(f"  {'candidate pairs':<40}{pairs:>14,}")
        print(f"  {'comparable records (with a name)':<40}{comparable:>14,}")
        print(f"  {'candidate pairs per comparable record':<40}{per_record:>14.2f}")
    (workdir / "benchmark.json").write_text(
        json.dumps({"customers": args.customers, "seed": args.seed,
                    "without_sources": sorted(args.without_sources),
                    "stages": [asdict(s) for s in stages],
                    "raw_rows": raw_row_counts(raw_dir), "slowest": slowest,
                    "stage_elapsed_seconds": stage_elapsed,
                    "stage_models": stage_models,
                    "targets": [{"name": c.target.name, "stages": list(c.target.stages),
                                 "max_seconds": c.target.max_seconds,
                                 "max_rss_mib": c.target.max_rss_mib, "seconds": c.seconds,
                                 "without_sources": sorted(c.target.without_sources),
                                 "peak_rss_mib": c.peak_rss_mib, "met": c.met,
                                 "applies": c.applies}
                                for c in checks],
                    "candidate_pairs": scale[0] if scale else None,
                    "comparable_records": scale[1] if scale else None}, indent=2)
    )  # fmt: skip
    return max(s.returncode for s in stages)


if __name__ == "__main__":
    raise SystemExit(main())
