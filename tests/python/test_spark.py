"""The SQL layer on Apache Spark: `dbt build` with every dbt test on a local Spark session, and its
tables equal DuckDB's on the same data.

The Spark warehouse first stages an earlier load of the web events (tests/python/web_loads.py),
so its build stages the last load incrementally, and is compared with DuckDB's full build: the
incremental models converge to the same tables on Spark too. One earlier load is enough to run
the incremental SQL on Spark (the last load brings late rows, redeliveries and rows held back a
load); a chain of several incremental loads is checked on DuckDB (test_incremental.py).

Both engines build with dbt Python models off (Spark's local session cannot run them), so the
project is configured identically on both: the match weights are estimated once by DuckDB's Python
model and frozen (var identity_match_weights), as the README tells Spark users to do. The Spark
build with its earlier load runs in one process (`python -m open_segments_lab.cross_engine
--no-compare`), so the JVM starts once; DuckDB builds meanwhile, and the export is compared after
(`--compare-only`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from dbt_harness import PROJECT_DIR, run_dbt
from open_segments.match_weights import export_match_weights
from open_segments_lab.datagen.__main__ import main as generate
from open_segments_lab.dbt_launcher import dbt_arguments
from open_segments_lab.windows import compiled_nodes, find_in_manifest
from web_loads import deliver_messily, location, web_event_loads

CUSTOMERS = 800
# Half a year of history: the incremental tables are partitioned by day, and a local Spark session
# spends seconds per query on hundreds of partitions (two years made this test 3 minutes slower).
HISTORY_DAYS = 180
MODELS_AND_SEEDS = ["--resource-type", "seed", "--resource-type", "model"]
SALT = "cross-engine-test-salt"

spark_available = (
    importlib.util.find_spec("pyspark") is not None
    and importlib.util.find_spec("dbt.adapters.spark") is not None
    and shutil.which("java") is not None
)
pytestmark = pytest.mark.skipif(
    not spark_available and os.environ.get("SEGMENTS_REQUIRE_SPARK") != "1",
    reason="pyspark, dbt-spark or Java is missing (make test installs the first two)",
)

# Spark compiles Java code for each query (whole-stage and expression code generation), which
# pays off on large data; on this module's 800 customers, with queries of 100 KB of SQL, the
# compiling is most of a query's run, and Spark's interpreted evaluation (the same results, by
# Spark's design) made the whole Spark build about a quarter faster (docs/measurements.md,
# session 33). The profile, and so a user's build, keeps Spark's defaults.
TINY_DATA_SPARK = (
    "--conf spark.sql.codegen.wholeStage=false "
    "--conf spark.sql.codegen.factoryMode=NO_CODEGEN pyspark-shell"
)

# The staging of the sources that do not change between loads (every base model but the web
# events'), as a selector.
REUSED_SELECTOR = ["+config.materialized:table_if_inputs_changed"]

# What the issue asks to be proven equal, at least: the identity map, the features, rule-segment
# membership and the marts.
MUST_BE_COMPARED = {
    "staging.base_crm__customers",
    "staging.base_esp__email_events",
    "staging.base_web__events",
    "events.int_events__web_sessions",
    "events.int_events__web_category_views",
    "events.int_events__web_cart_moments",
    "events.int_events__web_cookie_identities",
    "identity.int_identity__profile_map",
    "identity.int_customer__unified_profiles",
    "privacy.int_privacy__profile_map",
    "privacy.int_privacy__consent_flags",
    "features.int_customer__features",
    "marts.fct_segment_membership",
    "marts.fct_segment_membership_history",
    "marts.dim_customers",
    "marts.dim_segments",
    "marts.segment_summary",
    "marts.segment_overlap",
    "activation.export_ads_custom_audience",
    "activation.export_email_audience",
    "activation.activation_experiment_assignments",
}


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("engines")
    generated = folder / "generated"
    args = ["--customers", str(CUSTOMERS), "--seed", "5", "--history-days", str(HISTORY_DAYS),
            "--out", str(generated), "--no-progress"]  # fmt: skip
    generate(args)
    raw = deliver_messily(generated, folder / "raw")
    raw_location = location(raw)
    env = {"SEGMENTS_PSEUDONYMISATION_SALT": SALT}

    # The weights, estimated once by DuckDB's dbt Python model, then frozen.
    estimate = run_dbt(
        folder / "estimate",
        ["build", "--select", "+int_identity__match_weights", *MODELS_AND_SEEDS],
        raw_location,
        extra_env=env,
    )
    assert estimate.returncode == 0, estimate.output[-3000:]
    weights = folder / "match_weights.parquet"
    export_match_weights(estimate.warehouse, weights)
    # Spark's SQL cannot look for files: an optional source without data is declared absent.
    shared_vars = {
        "python_models_enabled": False,
        "identity_match_weights": str(weights),
        "raw_locations": {"reference.currency_rates": "absent"},
    }

    spark_dir = folder / "spark"
    export = folder / "export"
    report, build_report = folder / "report.json", folder / "build_report.json"
    paths = dbt_arguments([], target_dir=spark_dir / "target", log_dir=spark_dir / "logs")
    # The load of the web events six days before the last, staged in full before the build of
    # the last load. The other sources, staged with it, do not change: the last build reuses
    # their staging.
    _first, second, _last = web_event_loads(raw, folder / "loads")
    earlier_runs = [
        (location(second), ["build", "--select", "+tag:events", *REUSED_SELECTOR,
                            "--exclude-resource-type", "test", "unit_test", *paths]),
    ]  # fmt: skip
    cross_engine = [
        sys.executable, "-m", "open_segments_lab.cross_engine",
        "--raw-location", raw_location, "--spark-dir", str(spark_dir), "--out", str(export),
        "--vars", json.dumps(shared_vars),
    ]  # fmt: skip
    cross_env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "PYSPARK_SUBMIT_ARGS": TINY_DATA_SPARK,
        **env,
    }
    # Only the comparison needs DuckDB's build: it runs while Spark builds (--no-compare), which
    # takes it off this module's wall time, then the export is compared (--compare-only).
    with ThreadPoolExecutor(max_workers=1) as pool:
        building_duck = pool.submit(
            run_dbt, folder / "duckdb", ["build"], raw_location, shared_vars, env
        )
        spark = subprocess.run(
            [*cross_engine, "--report", str(build_report), "--no-compare",
             "--earlier-runs", json.dumps(earlier_runs), "--", "build", *paths],
            cwd=PROJECT_DIR, env=cross_env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        duck = building_duck.result()
    output = spark.stdout + spark.stderr
    returncode = spark.returncode
    if export.exists():
        compared = subprocess.run(
            [*cross_engine, "--duckdb", str(duck.warehouse), "--report", str(report),
             "--compare-only"],
            cwd=PROJECT_DIR, env=cross_env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        output += compared.stdout + compared.stderr
        returncode = returncode or compared.returncode
    return duck, returncode, output, build_report, report, spark_dir


def test_duckdb_builds_the_sql_layer_with_python_models_off(engines) -> None:
    duck, *_ = engines
    assert duck.returncode == 0, duck.output[-4000:]
    built = {r["unique_id"] for r in duck.results()}
    assert not any(node.startswith("model.open_segments.ml_") for node in built)
    assert "model.open_segments.int_identity__estimated_match_weights" not in built
    with duck.connect() as con:
        kinds = {
            kind
            for (kind,) in con.execute(
                "select distinct segment_kind from marts.dim_segments"
            ).fetchall()
        }
        members = con.execute("select count(*) from marts.fct_segment_membership").fetchone()[0]
    assert kinds == {"rule"}
    assert members > CUSTOMERS


def test_every_dbt_test_passes_on_spark(engines) -> None:
    _duck, _returncode, output, build_report, _report, spark_dir = engines
    assert build_report.exists(), output[-6000:]
    assert json.loads(build_report.read_text())["dbt_succeeded"], output[-6000:]
    results = json.loads((spark_dir / "target" / "run_results.json").read_text())["results"]
    built = [r for r in results if r["unique_id"].split(".")[0] not in ("saved_query", "exposure")]
    failed = [r["unique_id"] for r in built if r["status"] not in ("success", "pass")]
    assert failed == []
    kinds = {r["unique_id"].split(".")[0] for r in built}
    assert {"model", "seed", "test", "unit_test"} <= kinds
    assert sum(r["unique_id"].startswith("test.") for r in built) > 300
    assert "dbt Python models are disabled on this target (spark)" in output
    # the web events and sessions were built incrementally over the earlier load
    for model in ("base_web__events", "int_events__web_sessions", "int_events__web_cart_moments"):
        (compiled,) = [
            path
            for path in (spark_dir / "target" / "compiled").rglob(f"{model}.sql")
            if "unit_tests" not in path.parent.name
        ]
        assert "load_window" in compiled.read_text(), model
    # the staging of the unchanged sources was reused, not rebuilt
    reused = {
        r["unique_id"].split(".")[-1]
        for r in built
        if r["unique_id"].startswith("model.") and r["message"] == "REUSED: inputs unchanged"
    }
    assert {"base_crm__customers", "base_crm__orders", "base_esp__email_events"} <= reused
    assert "base_web__events" not in reused


def test_spark_tables_equal_duckdb_tables(engines) -> None:
    _duck, returncode, output, _build_report, report, _spark_dir = engines
    assert report.exists(), output[-6000:]
    comparisons = json.loads(report.read_text())["comparisons"]
    compared = {c["relation"] for c in comparisons}
    assert compared >= MUST_BE_COMPARED, MUST_BE_COMPARED - compared
    unequal = [f"{c['relation']}: {c['example']}" for c in comparisons if not c["equal"]]
    assert unequal == []
    rows = {c["relation"]: c["duckdb_rows"] for c in comparisons}
    assert rows["marts.fct_segment_membership"] > CUSTOMERS
    assert rows["identity.int_identity__profile_map"] > CUSTOMERS
    assert returncode == 0, output[-3000:]


def test_the_salt_reaches_spark_without_entering_its_artifacts(engines) -> None:
    *_, spark_dir = engines
    compiled = next((spark_dir / "target").rglob("int_privacy__pseudonymisation_salt.sql"))
    assert "${env:SEGMENTS_PSEUDONYMISATION_SALT}" in compiled.read_text()
    for path in [*(spark_dir / "target").rglob("*"), *(spark_dir / "logs").rglob("*")]:
        if path.is_file():
            assert SALT not in path.read_text(errors="ignore"), path


def test_no_compiled_window_runs_in_one_partition_on_spark(engines) -> None:
    """What the macros expand to on Spark (open_segments_lab.windows): no window without
    `partition by` unless its input is bounded and says so."""
    *_, spark_dir = engines
    manifest = json.loads((spark_dir / "target" / "manifest.json").read_text())
    assert compiled_nodes(manifest) > 300
    assert [str(finding) for finding in find_in_manifest(manifest)] == []
