"""Configuration is type-checked before anything runs, and never pasted into SQL unchecked.

Each case is a value a user really typed (text where a number or boolean was meant, a date that
does not exist, SQL in a name), fed to the same check the `validate_vars` hook runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from dbt_harness import PROJECT_DIR, run_dbt

CUSTOMERS = {
    "customer_id": ["c1", "c2"],
    "first_name": ["Ann", "Bob"],
    "last_name": ["Lee", "Ng"],
    "email": ["ann@example.org", "bob@example.org"],
}

# [var, value, the words the problem must contain ('' when the value is fine)]
CASES = [
    ["identity_term_frequency_max_bonus", "-1 or true", "must be a number"],
    ["identity_term_frequency_max_bonus", 4, ""],
    ["identity_term_frequency_max_bonus", -1, "at least 0"],
    ["consent_default_granted", {"email": "false"}, "key 'email' must be true or false"],
    ["consent_default_granted", {"email": False, "ads": True}, ""],
    ["consent_default_granted", {"emial": False}, "unknown key 'emial'"],
    ["day_first_dates", "no", "must be true or false"],
    ["as_of_date", "2026-02-30", "must be a real date"],
    ["as_of_date", "2024-02-29", ""],
    ["as_of_date", "30/10/2026", "YYYY-MM-DD"],
    ["as_of_date", None, ""],
    ["reporting_currency", "usd", "ISO 4217"],
    ["reporting_currency", "USD", ""],
    ["default_country", "USA", "alpha-2"],
    ["source_timezone", "UTC'; drop table x; --", "IANA time zone"],
    ["source_timezone", "America/Argentina/Salta", ""],
    ["activation_experiment", "x'|y", "letters, digits"],
    ["activation_stratify_by", "segment", "one of primary_segment, cluster"],
    ["cluster_k_values", [3, 1], "item 1 must be at least 2"],
    ["lookalike_min_auc", 2, "at most 1"],
    ["propensity_horizon_days", 30.5, "whole number"],
    ["activation_holdout_share", True, "must be a number"],
    ["min_plausible_timestamp", "1990-01-01", ""],
    ["raw_contract_schema", "raw contract", "lowercase letters"],
    ["quarantine_share_error", 1.5, "at most 1"],
    # a rule proposes a pair through one bit of a 64-bit integer
    ["identity_blocking_rules", [["match_last_name", f"key_{i}"] for i in range(63)], "at most 62"],
    ["identity_blocking_rules", [["match_last_name", f"key_{i}"] for i in range(62)], ""],
    ["identity_blocking_rules", [["match_last_name"], []], "at least 1 item"],
    ["identity_blocking_rules", [["match_last_name", "Postcode"]], "lowercase letters"],
]


PROJECT_VARS = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> dict:
    """One run-operation checks every case (each dbt invocation with new vars re-parses the
    project, so the cases share one)."""
    workdir = tmp_path_factory.mktemp("config")
    defaults = [[name, value] for name, value in PROJECT_VARS.items()]
    run = run_dbt(
        workdir,
        [
            "run-operation",
            "check_var_values",
            "--args",
            json.dumps({"cases": [case[:2] for case in CASES] + defaults}, default=str),
        ],
        str(workdir / "raw" / "{source}_{table}.parquet"),
    )
    assert run.returncode == 0, run.output[-3000:]
    line = next(x for x in run.output.splitlines() if x.startswith('{"declared"'))
    return json.loads(line)


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c[0]}={c[1]!r}" for c in CASES])
def test_each_value_is_judged_as_its_type(checked, index: int) -> None:
    _name, _value, expected = CASES[index]
    problem = checked["problems"][index]
    if expected:
        assert expected in problem
    else:
        assert problem == ""


def test_every_project_var_has_a_declared_type(checked) -> None:
    """A var added to dbt_project.yml without a type would be used unchecked."""
    undeclared = sorted(set(PROJECT_VARS) - set(checked["declared"]))
    assert undeclared == [], f"declare them in var_types() (macros/config/): {undeclared}"


def test_the_shipped_defaults_pass_their_own_checks(checked) -> None:
    problems = dict(zip(PROJECT_VARS, checked["problems"][len(CASES) :], strict=True))
    assert {name: p for name, p in problems.items() if p} == {}


def test_a_string_consent_default_stops_the_build_naming_the_var(tmp_path: Path) -> None:
    """`{email: "false"}` used to grant consent to everyone with every test green."""
    raw = tmp_path / "raw"
    raw.mkdir()
    pq.write_table(pa.table(CUSTOMERS), raw / "crm_customers.parquet")
    run = run_dbt(
        tmp_path / "dbt",
        ["build", "--select", "stg_crm__customers"],
        str(raw / "{source}_{table}.parquet"),
        {"consent_default_granted": {"email": "false", "ads": False, "analytics": False}},
    )
    assert run.returncode != 0
    assert "var consent_default_granted key 'email' must be true or false" in run.output
    # nothing was built: the check runs before the raw data is even looked at
    if run.warehouse.exists():
        with duckdb.connect(str(run.warehouse), read_only=True) as con:
            schemas = con.execute("select table_schema from information_schema.tables").fetchall()
        assert ("staging",) not in schemas
