"""Publishing under faults: only a whole, tested build is published, and no file on disk outlives
an erasure.

One warehouse goes through the story a hostile tester told: a build that leaves out the data tests,
a `--select` build, run results of another invocation, an erasure build killed half-way, then the
erasure build run to the end and published under each retention. Each step's outcome is recorded
by the module fixture, and the tests below judge them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, dbt_invocation, run_dbt
from open_segments import publish as publishing
from open_segments_lab.datagen.__main__ import main as generate

CUSTOMERS = 400


def _ask_erasure(raw: Path, changed: Path, email: str) -> None:
    """Copy the raw data from `raw` to `changed`, with one more erasure request, for `email`."""
    shutil.copytree(raw, changed)
    requests = "privacy_erasure_requests.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_parquet('{raw / requests}') union all by name "
            "select 'DSR-PUBLISH-1' as request_id, 'email' as subject_type, "
            "? as subject_value, '2026-11-20T10:00:00Z' as requested_at) "
            f"to '{changed / requests}' (format parquet)",
            [email],
        )


def _rows(path: Path) -> int:
    with duckdb.connect() as con:
        return con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]


def _cli(*args: str) -> tuple[int, str]:
    """`python -m open_segments.publish <args>`, in this process: its exit code and output."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = publishing.main(list(args))
    return code, output.getvalue()


def _holding(folder: Path, values: set[str]) -> dict[str, int]:
    """Per Parquet or CSV file under `folder`, the rows with one of `values` in a text column."""
    found = {}
    con = duckdb.connect()
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".parquet":
            relation = f"read_parquet('{path}')"
        elif path.suffix == ".csv":
            relation = f"read_csv('{path}', header = true, all_varchar = true)"
        else:
            continue
        columns = con.execute(f"describe select * from {relation}").fetchall()
        texts = [column for column, kind, *_ in columns if kind == "VARCHAR"]
        if not texts:
            continue
        placeholders = ", ".join("?" for _ in values)
        where = " or ".join(f'"{c}" in ({placeholders})' for c in texts)
        (rows,) = con.execute(
            f"select count(*) from {relation} where {where}", list(values) * len(texts)
        ).fetchone()
        if rows:
            found[str(path.relative_to(folder))] = rows
    con.close()
    return found


def _kill_after_first_model(command: list[str], env: dict[str, str]) -> list[str]:
    """Start `dbt build`, SIGKILL it once its build-log hook passed and a model was rewritten
    (the erasure's staging, here); returns the lines it printed."""
    process = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    started = False
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        started = started or bool(re.search(r"OK hook: open_segments\.on-run-start\.1\b", line))
        # a table rewritten, not one reused because its inputs did not change
        if started and "OK created" in line and "REUSED" not in line:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    process.stdout.close()
    return lines


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("publish")
    raw, changed = folder / "raw", folder / "raw_changed"
    args = ["--customers", str(CUSTOMERS), "--seed", "31", "--out", str(raw), "--no-progress"]
    assert generate(args) == 0
    pattern, changed_pattern = (str(r / "{source}_{table}.parquet") for r in (raw, changed))
    work = folder / "dbt"
    target = work / "target"
    out = folder / "published"
    warehouse = work / "warehouse.duckdb"
    where = ["--warehouse", str(warehouse), "--out", str(out)]
    results = ["--run-results", str(target / "run_results.json")]
    told: dict = {}

    # 1. Tables only: the data tests left out.
    tables_only = run_dbt(work, ["build", "--exclude-resource-type", "test", "unit_test"], pattern)
    assert tables_only.returncode == 0, tables_only.output[-4000:]
    told["tests_excluded"] = _cli(*where, *results)
    shutil.copy(target / "run_results.json", folder / "tables_only_run_results.json")
    # A publication of that build (made directly, as an older release would have been): it holds
    # the person who asks to be erased below.
    older = publishing.publish(warehouse, out)
    con = duckdb.connect(str(warehouse), read_only=True)
    person = con.execute(
        """
        select p.profile_id, c.customer_key, p.customer_id, p.email, p.phone_e164
        from identity.int_customer__unified_profiles as p
        inner join marts.dim_customers as c on p.profile_id = c.profile_id
        where p.email is not null and p.customer_id is not null and p.crm_customers_records > 0
            and c.customer_key in (select extern_id from activation.export_ads_custom_audience)
            and c.customer_key in (select external_id from activation.export_email_audience)
        order by p.profile_id
        limit 1
        """
    ).fetchone()
    con.close()
    assert person, "the generated data has nobody in both exports to erase"
    profile_id, customer_key, customer_id, email, phone = person
    told["person"] = {profile_id, customer_key, customer_id, email} | ({phone} if phone else set())
    told["person"].add(hashlib.sha256(email.strip().lower().encode()).hexdigest())
    told["older_held"] = _holding(older, told["person"])
    told["older_rows"] = _rows(older / "dim_customers.parquet")

    # 2. A --select build, then run results of another invocation than the warehouse's last build.
    selected = run_dbt(work, ["build", "--select", "dim_segments"], pattern)
    assert selected.returncode == 0, selected.output[-4000:]
    told["selected"] = _cli(*where, *results)
    told["other_invocation"] = _cli(
        *where, "--run-results", str(folder / "tables_only_run_results.json")
    )

    # 3. The person asks to be erased; the build that applies it is killed half-way.
    _ask_erasure(raw, changed, email)
    command, env = dbt_invocation(
        work, ["build", "--exclude-resource-type", "unit_test"], changed_pattern
    )
    told["killed_output"] = _kill_after_first_model(command, env)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        told["log_after_kill"] = con.execute(
            "select invocation_id, event, status from meta.build_log order by recorded_at"
        ).fetchall()
    told["killed"] = _cli(*where, *results)

    # 4. The erasure build run to the end, published under each retention.
    rerun = run_dbt(work, ["build"], changed_pattern)
    assert rerun.returncode == 0, rerun.output[-4000:]
    told["build_id"] = json.loads((target / "run_results.json").read_text())["metadata"][
        "invocation_id"
    ]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (told["as_of"],) = con.execute("select max(as_of_date) from marts.dim_customers").fetchone()
    kept_aside = shutil.copytree(older, folder / "older_copy")
    told["clean"] = _cli(*where, *results)
    told["after_clean"] = sorted(p.name for p in out.iterdir())
    told["older_after_clean"] = older.exists()
    told["held_after_clean"] = _holding(out, told["person"])
    shutil.copytree(kept_aside, older)
    told["rewrite"] = _cli(*where, *results, "--retention", "rewrite")
    told["held_after_rewrite"] = _holding(out, told["person"])
    told["older_after_rewrite"] = older.exists()
    if older.exists():
        told["older_rows_after_rewrite"] = _rows(older / "dim_customers.parquet")
        told["older_info"] = json.loads((older / "publication.json").read_text())
    told["current_info"] = json.loads((out / "current" / "publication.json").read_text())
    told["latest"] = _cli(*where, *results, "--retention", "latest")
    told["after_latest"] = sorted(p.name for p in out.iterdir())
    told["current"] = (out / "current").resolve().name
    told["warehouse"], told["manifest"] = warehouse, target / "manifest.json"
    return told


def test_a_build_without_its_data_tests_is_refused(story: dict) -> None:
    code, output = story["tests_excluded"]
    assert code == 1
    assert "left out the data tests" in output


def test_a_selected_build_is_refused(story: dict) -> None:
    code, output = story["selected"]
    assert code == 1
    assert "partial" in output and "did not run" in output


def test_run_results_of_another_invocation_are_refused(story: dict) -> None:
    code, output = story["other_invocation"]
    assert code == 1
    assert "not from the warehouse's last build" in output


def test_a_killed_build_is_refused_until_a_rerun_finishes(story: dict) -> None:
    assert "OK created" in story["killed_output"][-1], "killed after a table was rewritten"
    *_, (invocation, event, _status) = story["log_after_kill"]
    assert event == "started", "the killed build left its start in the build log"
    code, output = story["killed"]
    assert code == 1
    assert f"{invocation} started" in output and "did not finish successfully" in output
    code, output = story["clean"]
    assert code == 0, output
    assert "Published" in output


def test_no_publication_holds_an_erased_person(story: dict) -> None:
    # the older publication held the person in the customers, the membership and the uploads
    held = story["older_held"]
    assert "dim_customers.parquet" in held
    assert any(name.startswith("fct_segment_membership") for name in held)
    assert any(name.startswith("activation/") for name in held)
    # clean (the default): the older publication is deleted; nothing on disk holds the person
    assert not story["older_after_clean"]
    assert story["held_after_clean"] == {}
    assert len([name for name in story["after_clean"] if name != "current"]) == 1


def test_rewrite_keeps_the_older_publication_without_the_person(story: dict) -> None:
    code, output = story["rewrite"]
    assert code == 0, output
    assert story["older_after_rewrite"]
    assert story["held_after_rewrite"] == {}
    assert story["older_rows_after_rewrite"] == story["older_rows"] - 1
    (rewrite,) = story["older_info"]["erasure_rewrites"]
    assert rewrite["build_id"] == story["build_id"] and rewrite["rows_removed"] >= 3


def test_latest_keeps_only_the_new_publication(story: dict) -> None:
    code, output = story["latest"]
    assert code == 0, output
    assert story["after_latest"] == sorted(["current", story["current"]])


def test_each_publication_names_its_build_as_of_date_and_code(story: dict) -> None:
    info = story["current_info"]
    assert info["build_id"] == story["build_id"]
    assert info["as_of_date"] == f"{story['as_of']:%Y-%m-%d}"
    assert info["code_version"]["package"]
    commit = info["code_version"]["git_commit"]
    assert commit is None or re.fullmatch("[0-9a-f]{40}", commit)


def test_messages_never_quote_a_value(story: dict) -> None:
    said = "".join(
        story[step][1]
        for step in ("tests_excluded", "selected", "other_invocation", "killed", "clean", "rewrite")
    )
    assert "removed" in said  # the retention said what it did
    assert not [value for value in story["person"] if value in said]


def test_a_mart_table_no_model_writes_is_named_not_published(story: dict, tmp_path: Path) -> None:
    # dbt never drops a relation: a table an older version of the project wrote to the marts
    # stays there, with its last rows, until someone drops it.
    warehouse = shutil.copy(story["warehouse"], tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table marts.ml_old_report as select * from marts.dim_customers")
    said: list[str] = []
    folder = publishing.publish(
        warehouse, tmp_path / "published", say=said.append, manifest=story["manifest"]
    )
    published = {path.stem for path in folder.glob("*.parquet")}
    assert "ml_old_report" not in published
    assert published == publishing.mart_tables(story["manifest"])
    assert any("ml_old_report" in message and "drop" in message for message in said), said
