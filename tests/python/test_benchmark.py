"""The benchmark's target checks: the issues' budgets against measured stages."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from open_segments_lab.benchmark import (
    DAILY_RUN,
    DBT_STAGES,
    FULL_BUILD,
    TARGET_CUSTOMERS,
    TARGETS,
    TIMED_STAGES,
    StageResult,
    Target,
    check_targets,
    daily_share,
    flow_step,
    raw_without_sources,
    render_flow_steps,
    render_increment,
    render_target_checks,
    reused_models,
    seconds_by_flow_step,
    seconds_by_resource_type,
    stage_folder,
)
from open_segments_lab.datagen.schema import RAW_FILES, SOURCE_OF_RAW_FILE

FEATURES = Target("features and rule segments", ("features", "rule_segments"), 30.0)
IDENTITY = Target("identity resolution", ("identity",), 40.0, 8192.0)


def test_a_target_adds_up_its_stages_and_takes_their_largest_peak():
    (check,) = check_targets(
        {"features": 19.4, "rule_segments": 0.7},
        {"features": 5679.0, "rule_segments": 191.0},
        targets=(FEATURES,),
    )
    assert check.seconds == 19.4 + 0.7
    assert check.peak_rss_mib == 5679.0
    assert check.met is True


def test_a_target_is_missed_on_time_or_on_memory_and_met_only_below_both():
    elapsed = {"identity": 39.9}
    assert check_targets(elapsed, {"identity": 8191.0}, targets=(IDENTITY,))[0].met is True
    assert check_targets(elapsed, {"identity": 8192.0}, targets=(IDENTITY,))[0].met is False
    (at_the_budget,) = check_targets({"identity": 40.0}, {"identity": 10.0}, targets=(IDENTITY,))
    assert at_the_budget.met is False


def test_a_stage_that_did_not_run_gives_no_verdict():
    # the features ran, the rule segments did not: their sum would flatter the target
    (check,) = check_targets({"features": 19.4}, {"features": 5679.0}, targets=(FEATURES,))
    assert (check.seconds, check.peak_rss_mib, check.met) == (None, None, None)


def test_the_report_gives_verdicts_only_at_the_scale_the_budgets_are_set_for():
    checks = check_targets(
        {"identity": 54.2, "features": 19.4, "rule_segments": 0.7},
        {"identity": 7338.0, "features": 5679.0, "rule_segments": 191.0},
        targets=(IDENTITY, FEATURES),
    )
    lines = render_target_checks(checks, TARGET_CUSTOMERS)
    assert "NOT MET" in lines[1] and lines[1].lstrip().startswith("identity resolution")
    assert lines[2].rstrip().endswith("met") and "NOT" not in lines[2]
    (line,) = render_target_checks(checks, 5_000)
    assert "not checked at 5,000" in line


def test_a_target_is_checked_only_on_its_own_workload():
    crm_and_web = Target("identity", ("identity",), 40.0, 8192.0, frozenset({"esp", "third_party"}))
    elapsed, rss = {"identity": 33.0}, {"identity": 4400.0}
    (on_all_data,) = check_targets(elapsed, rss, targets=(crm_and_web,))
    assert (on_all_data.applies, on_all_data.met, on_all_data.seconds) == (False, None, None)
    line = render_target_checks([on_all_data], TARGET_CUSTOMERS)[1]
    assert "other workload" in line and "--without-sources esp,third_party" in line
    (on_its_workload,) = check_targets(
        elapsed, rss, targets=(crm_and_web,), without_sources=frozenset({"third_party", "esp"})
    )
    assert (on_its_workload.applies, on_its_workload.met) == (True, True)
    # and a budget set on all the data gives no verdict on a trimmed run
    (features,) = check_targets(
        {"features": 19.4, "rule_segments": 0.7},
        {"features": 5679.0, "rule_segments": 191.0},
        targets=(FEATURES,),
        without_sources=frozenset({"esp"}),
    )
    assert (features.applies, features.met) == (False, None)


def test_the_identity_budget_is_set_on_crm_and_web_data():
    (identity,) = [target for target in TARGETS if target.stages == ("identity",)]
    assert identity.without_sources == {"esp", "third_party"}
    assert all(not t.without_sources for t in TARGETS if t is not identity)


def test_raw_without_sources_empties_those_sources_and_links_the_rest(tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    tables = {
        "crm_customers": pa.table({"customer_id": ["C1", "C2"]}),
        "esp_email_events": pa.table({"event_id": ["E1"], "occurred_at": ["2026-01-01"]}),
        "third_party_demographics": pa.table({"provider_record_id": ["T1"]}),
    }
    for name, table in tables.items():
        pq.write_table(table, raw / f"{name}.parquet")
    trimmed = raw_without_sources(raw, frozenset({"esp", "third_party"}), tmp_path)
    assert sorted(p.name for p in trimmed.iterdir()) == sorted(f"{n}.parquet" for n in tables)
    assert (trimmed / "crm_customers.parquet").resolve() == (raw / "crm_customers.parquet")
    assert pq.read_table(trimmed / "crm_customers.parquet").num_rows == 2
    for name in ("esp_email_events", "third_party_demographics"):
        emptied = pq.read_table(trimmed / f"{name}.parquet")
        assert emptied.num_rows == 0 and emptied.schema == tables[name].schema
    # a source is named whole: 'third' is not the start of 'third_party'
    with pytest.raises(ValueError, match="third"):
        raw_without_sources(raw, frozenset({"third"}), tmp_path)


def test_every_raw_file_has_its_source_and_is_named_after_it():
    assert sorted(SOURCE_OF_RAW_FILE) == sorted(RAW_FILES)
    assert all(name.startswith(f"{source}_") for name, source in SOURCE_OF_RAW_FILE.items())


def test_the_targets_name_stages_the_benchmark_times():
    timed = {folder for _title, folder in TIMED_STAGES}
    assert {stage for target in TARGETS for stage in target.stages} <= timed
    # and the stage processes the benchmark runs write to those folders
    assert timed <= {stage_folder(stage) for stage, _command, _selection in DBT_STAGES}
    assert stage_folder("rule segments") == "rule_segments"
    assert stage_folder("dbt build (staging)") == "dbt_build_staging"


def test_the_daily_share_is_the_daily_run_over_the_full_build_and_needs_both():
    assert daily_share({FULL_BUILD: 500.0, DAILY_RUN: 75.0}) == 0.15
    assert daily_share({FULL_BUILD: 500.0}) is None
    assert daily_share({DAILY_RUN: 75.0}) is None
    assert daily_share({FULL_BUILD: 0.0, DAILY_RUN: 75.0}) is None
    assert stage_folder(FULL_BUILD) == "full_build_day_zero"


def test_the_increment_report_says_what_the_increment_held_and_times_each_stage():
    stages = [
        StageResult("generate", 2.7, 592.0, 0),
        StageResult(FULL_BUILD, 49.3, 1335.0, 0),
        StageResult(DAILY_RUN, 41.2, 830.0, 0),
    ]
    report = render_increment(
        "Daily run",
        {"new_web_events": 5029, "late_web_events": 127},
        stages,
        {FULL_BUILD: 40.1, DAILY_RUN: 33.3},
        "dbt elapsed",
    ).splitlines()
    assert report[0] == "Daily run"
    assert "5,029" in report[1] and report[1].endswith(" 127")
    assert report[3].split()[-2:] == ["dbt", "elapsed"]
    # a stage without compared seconds (the generator) shows nan, not another stage's figure
    assert report[4].split()[-1] == "nan"
    assert report[5].split()[-1] == "40.1" and report[6].split()[-1] == "33.3"


def test_a_daily_run_is_summed_by_resource_type_and_lists_the_models_it_reused(tmp_path: Path):
    def result(unique_id: str, seconds: float, message: str) -> dict:
        return {"unique_id": unique_id, "execution_time": seconds, "message": message}

    run_results = tmp_path / "run_results.json"
    run_results.write_text(
        json.dumps(
            {
                "results": [
                    result("model.open_segments.base_crm__orders", 0.1, "REUSED: inputs unchanged"),
                    result("model.open_segments.base_web__events", 14.5, "OK"),
                    result(
                        "model.open_segments.base_esp__email_events",
                        0.2,
                        "REUSED: inputs unchanged",
                    ),
                    result("test.open_segments.unique_base_web__events_raw_row_id.1a", 3.0, "PASS"),
                    result("test.open_segments.assert_row_conservation__web__events", 5.0, "PASS"),
                    result("unit_test.open_segments.base_web__events.test_window", 0.2, "PASS"),
                ]
            }
        )
    )
    assert seconds_by_resource_type(run_results) == pytest.approx(
        {"model": 14.8, "test": 8.0, "unit_test": 0.2}
    )
    assert list(seconds_by_resource_type(run_results)) == ["model", "test", "unit_test"]
    assert reused_models(run_results) == ["base_crm__orders", "base_esp__email_events"]


def test_each_model_folder_belongs_to_a_step_of_the_flow():
    project = "open_segments"
    assert flow_step([project, "staging", "web", "base", "base_web__events"]) == "staging"
    assert flow_step([project, "intermediate", "profile", "int_customer__unified_profiles"]) == (
        "identity"
    )
    assert flow_step([project, "privacy", "int_privacy__salt_from_environment"]) == "identity"
    assert flow_step([project, "intermediate", "features", "int_customer__features"]) == "features"
    assert flow_step([project, "ml", "ml_propensity_scores"]) == "ml"
    assert flow_step([project, "marts", "ml", "fct_propensity_scores"]) == "marts"
    assert flow_step([project, "marts", "segments", "rules", "seg_rfm"]) == "marts"
    assert flow_step([project, "metricflow_time_spine"]) == "other"


def test_a_run_is_split_by_step_of_the_flow_with_each_test_under_the_latest_step_it_reads(
    tmp_path: Path,
):
    def model(name: str, *folders: str) -> tuple[str, dict]:
        return f"model.p.{name}", {"fqn": ["p", *folders, name]}

    def check(name: str, *parents: str) -> tuple[str, dict]:
        return f"test.p.{name}", {"depends_on": {"nodes": [f"model.p.{p}" for p in parents]}}

    nodes = dict(
        [
            model("base_web__events", "staging", "web", "base"),
            model("int_customer__features", "intermediate", "features"),
            model("dim_customers", "marts", "core"),
            check("unique_base_web__events_raw_row_id", "base_web__events"),
            check("assert_marts_match_features", "int_customer__features", "dim_customers"),
            ("test.p.assert_label_map_keys_unique", {"depends_on": {"nodes": ["seed.p.map"]}}),
        ]
    )
    seconds = {
        "model.p.base_web__events": 10.0,
        "model.p.int_customer__features": 4.0,
        "model.p.dim_customers": 2.0,
        "test.p.unique_base_web__events_raw_row_id": 3.0,
        "test.p.assert_marts_match_features": 1.5,
        "test.p.assert_label_map_keys_unique": 0.25,
        "seed.p.map": 0.5,
    }
    (tmp_path / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    (tmp_path / "run_results.json").write_text(
        json.dumps({"results": [{"unique_id": k, "execution_time": v} for k, v in seconds.items()]})
    )
    steps = seconds_by_flow_step(tmp_path)
    assert list(steps) == ["staging", "events", "identity", "features", "ml", "marts", "other"]
    assert steps["staging"] == {"model": 10.0, "test": 3.0}
    assert steps["features"] == {"model": 4.0, "test": 0.0}
    assert steps["marts"] == {"model": 2.0, "test": 1.5}
    # seeds are neither models nor data tests; a test of a seed alone is "other"
    assert steps["other"] == {"model": 0.0, "test": 0.25}

    daily = {
        step: {"model": kinds["model"] / 2, "test": kinds["test"]} for step, kinds in steps.items()
    }
    lines = render_flow_steps(steps, daily)
    staging = lines[1].split()
    # 13.0 s in the full build, 8.0 s in the daily run: 38.6% of the whole full build (20.75 s)
    assert staging == ["staging", "13.0", "3.0", "8.0", "3.0", "38.6%"]
