"""Publish a whole, tested build for BI tools and activation, and keep no erased person.

A `dbt build` rewrites the marts one table at a time, and DuckDB lets no other process open the
file while dbt writes to it. So BI tools read a published copy instead, made only from a whole,
tested build:

    warehouse/published/<UTC time>_asof-<date>/   one Parquet file per mart table (for BI),
                                                  activation/: one CSV per audience per export
                                                  (for the sync jobs only: hashed identifiers),
                                                  publication.json: build id, as-of date, code
    warehouse/published/current                   a symbolic link to the newest of them

What "whole and tested" means: the warehouse's build log (`meta.build_log`, written by the
project's on-run-start and on-run-end hooks, macros/state/build_log.sql) shows a build that
finished successfully and no writing dbt command started since (a killed or failed build leaves
its start without a successful end); `run_results.json` is that build's (same invocation id); and
every enabled model, seed, snapshot and data test of its `manifest.json` ran in it and passed
(unit tests may be left out, but must pass if run). A `--select`ed, `--empty` or test-excluding
build is refused. Only the tables the manifest's models write to the marts schema are published:
a table an older version of the project left there (dbt never drops one) is named, not published.

The link is replaced atomically (a new link renamed over the old), so a reader sees the previous
complete build or the new complete build, never a mix. Older publications are kept (`--keep`)
only while they hold nobody erased since (`--retention`): the erased people's keys
(`privacy.int_privacy__erased_keys`) are looked for in every text column of every retained file,
which is then deleted (`clean`, the default) or rewritten without those rows (`rewrite`);
`latest` keeps only the new publication. A build of thin data is published as it is (empty marts,
no upload files) and the command says what is empty. Messages name nodes, files and counts,
never a row's values.

Usage: python -m open_segments.publish [--warehouse PATH] [--run-results PATH] [--out DIR]
           [--keep N] [--retention {clean,rewrite,latest}]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from open_segments.report import add_build_arguments

MARTS_SCHEMA = "marts"
# Activation exports, in their own schema (not for BI), written as one upload file per audience
# (without the audience column) for the sync jobs.
ACTIVATION_SCHEMA = "activation"
EXPORTS = ("export_ads_custom_audience", "export_email_audience")
BUILD_LOG = "meta.build_log"
# One row per (erased profile, key type, key value): every form in which an erased person can
# appear in a published file.
ERASED_KEYS = "privacy.int_privacy__erased_keys"
# dbt commands that can rewrite tables: the build log records each of them.
WRITERS = ("build", "run", "seed", "snapshot", "retry", "clone")
# Every enabled node of these types must have run in the published build, and passed.
REQUIRED = {"model": "models", "seed": "seeds", "snapshot": "snapshots", "test": "data tests"}
# Nodes that need not run, but must pass when they did (hooks are 'operation').
OPTIONAL = ("unit_test", "operation")
# A test at severity warn passes with a warning, as dbt's exit code says.
PASSED = ("success", "pass", "warn")
RETENTION = ("clean", "rewrite", "latest")
PUBLICATION_FILE = "publication.json"
# how an export's upload file is written, and read back when an older one is scanned
CSV_WRITE = "header, delimiter ','"
CSV_READ = "header = true, delim = ',', quote = '\"', escape = '\"', all_varchar = true"


class NotPublished(RuntimeError):
    """Publishing refused; the message says why, naming nodes, files and counts only."""


class UnfinishedBuild(NotPublished):
    """The warehouse does not hold a whole, tested build to publish."""


class ErasedDataFound(NotPublished):
    """The new publication would hold rows of erased people."""


def _sql_text(value: Path | str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _shown(ids: list[str], limit: int = 5) -> str:
    return ", ".join(ids[:limit]) + (" ..." if len(ids) > limit else "")


def _read_artifact(path: Path) -> dict:
    """A dbt artifact (run_results.json, manifest.json) with the keys publish reads."""
    if not path.exists():
        raise UnfinishedBuild(f"no {path}: run `dbt build` first")
    try:
        data = json.loads(path.read_text())
        whole = isinstance(data["metadata"]["invocation_id"], str)  # both artifacts have one
    except (ValueError, KeyError, TypeError):
        whole = False
    if not whole:
        raise UnfinishedBuild(f"{path} is not a whole dbt artifact: rerun `dbt build`")
    return data


def check_run_results(run_results: Path, manifest: Path | None = None) -> str:
    """Raise UnfinishedBuild unless `run_results` is a `dbt build` (not `--empty`, not leaving out
    data tests) in which every enabled model, seed, snapshot and data test of `manifest` (default:
    the manifest.json beside it, written by the same invocation) ran and passed. Returns the
    build's invocation id."""
    data = _read_artifact(run_results)
    args = data["args"]
    invocation = data["metadata"]["invocation_id"]
    if args.get("which") != "build":
        raise UnfinishedBuild(f"the last dbt command was `{args.get('which')}`, not build")
    if args.get("empty"):
        raise UnfinishedBuild("the last build was an --empty one: its tables hold no rows")
    left_out = "test" in (args.get("exclude_resource_types") or []) or (
        args.get("resource_types") and "test" not in args["resource_types"]
    )
    if left_out:
        raise UnfinishedBuild("the last build left out the data tests (its resource types)")
    manifest = manifest or run_results.with_name("manifest.json")
    graph = _read_artifact(manifest)
    if graph["metadata"]["invocation_id"] != invocation:
        raise UnfinishedBuild(
            f"{manifest} was written by another dbt command than the build {invocation}: "
            "rerun `dbt build`, then publish"
        )
    statuses = {r["unique_id"]: r["status"] for r in data["results"]}
    failed = [
        uid
        for uid, status in statuses.items()
        if uid.split(".")[0] in (*REQUIRED, *OPTIONAL) and status not in PASSED
    ]
    if failed:
        raise UnfinishedBuild(
            f"{len(failed)} nodes did not pass in the last build: {_shown(sorted(failed))}"
        )
    missing = sorted(
        uid
        for uid, node in graph["nodes"].items()
        if node["resource_type"] in REQUIRED and uid not in statuses
    )
    if missing:
        counts = Counter(REQUIRED[uid.split(".")[0]] for uid in missing)
        said = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        raise UnfinishedBuild(
            f"the last build was partial (--select, --exclude or a resource type left out): "
            f"{said} of the project did not run: {_shown(missing)}"
        )
    return invocation


def last_build(con: duckdb.DuckDBPyConnection, database: str = "wh") -> str:
    """The invocation id of the warehouse's last build, from its build log. Raise UnfinishedBuild
    if no build finished successfully, or if a writing dbt command started since the last one
    that did (killed, failed or still running)."""
    try:
        rows = con.execute(
            f"select invocation_id, event, command, status, recorded_at "
            f"from {database}.{BUILD_LOG} "
            f"where command in ({', '.join('?' for _ in WRITERS)}) "
            "order by recorded_at, event desc",
            list(WRITERS),
        ).fetchall()
    except duckdb.CatalogException:
        raise UnfinishedBuild(
            f"the warehouse has no build log ({BUILD_LOG}): run `dbt build` with this version of "
            "the project"
        ) from None
    finished = [r for r in rows if r[1] == "finished" and r[3] == "success"]
    if not finished:
        raise UnfinishedBuild("no build has finished successfully on this warehouse")
    build = finished[-1][0]
    started = min(r[4] for r in rows if r[0] == build)
    since = [r for r in rows if r[0] != build and r[4] >= started]
    if since:
        other, _event, command, _status, at = since[-1]
        raise UnfinishedBuild(
            f"dbt {command} {other} started at {at:%Y-%m-%d %H:%M:%S} UTC, after the last "
            f"successful build {build}, and did not finish successfully (killed, failed or still "
            "running): run `dbt build` to the end, then publish"
        )
    return build


def _attach(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the warehouse attached read-only as `wh`."""
    if not warehouse.exists():
        raise UnfinishedBuild(f"no warehouse at {warehouse}: run `dbt build` first")
    con = duckdb.connect()
    con.execute(f"attach {_sql_text(warehouse)} as wh (read_only)")
    return con


def check_build(warehouse: Path, run_results: Path, manifest: Path | None = None) -> str:
    """Raise UnfinishedBuild unless the warehouse's last build finished successfully with nothing
    started since, `run_results` is that build's, and it built and tested the whole project.
    Returns the build id (dbt's invocation id)."""
    con = _attach(warehouse)
    try:
        build = last_build(con)
    finally:
        con.close()
    recorded = _read_artifact(run_results)["metadata"]["invocation_id"]
    if recorded != build:
        raise UnfinishedBuild(
            f"{run_results} is from dbt invocation {recorded}, not from the warehouse's last "
            f"build {build}: publish with that build's target folder, or rerun `dbt build`"
        )
    check_run_results(run_results, manifest)
    return build


def code_version() -> dict[str, str | bool | None]:
    """The package version, and the git commit of its source (with whether the tracked files
    differ from it) when it is a git checkout and git is installed; never fails."""
    try:
        package: str | None = importlib.metadata.version("open_segments")
    except importlib.metadata.PackageNotFoundError:
        package = None
    version: dict[str, str | bool | None] = {
        "package": package,
        "git_commit": None,
        "git_dirty": None,
    }
    source = str(Path(__file__).resolve().parent)
    try:
        head = subprocess.run(
            ["git", "-C", source, "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        if head.returncode == 0:
            version["git_commit"] = head.stdout.strip()
            status = subprocess.run(
                ["git", "-C", source, "status", "--porcelain", "--untracked-files=no"],
                capture_output=True, text=True, timeout=30, check=False,
            )  # fmt: skip
            if status.returncode == 0:
                version["git_dirty"] = bool(status.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return version


def _reader(path: Path) -> str:
    if path.suffix == ".csv":
        return f"read_csv({_sql_text(path)}, {CSV_READ})"
    return f"read_parquet({_sql_text(path)})"


def _erased_condition(con: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    """A condition true for the rows of `relation` with an erased key in any text column (None
    when it has no text column)."""
    columns = con.execute(f"describe select * from {relation}").fetchall()
    texts = [name for name, kind, *_ in columns if kind == "VARCHAR"]
    if not texts:
        return None
    quoted = ['"' + name.replace('"', '""') + '"' for name in texts]
    return " or ".join(
        f"coalesce({column} in (select key_value from erased_keys), false)" for column in quoted
    )


def _published_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".parquet", ".csv") and p.is_file())


def erased_rows(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[Path, int]:
    """Per file of a publication, the rows holding an erased person's key (files without any are
    left out). `con` holds the keys in a table erased_keys(key_value)."""
    found = {}
    for path in _published_files(folder):
        condition = _erased_condition(con, _reader(path))
        if condition is None:
            continue
        (rows,) = con.execute(f"select count(*) from {_reader(path)} where {condition}").fetchone()
        if rows:
            found[path] = rows
    return found


def _rewrite_without(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Replace `path` by a copy without its rows holding an erased key (atomic per file)."""
    condition = _erased_condition(con, _reader(path))
    staged = path.with_name(f".{path.name}.rewrite")
    options = CSV_WRITE if path.suffix == ".csv" else "format parquet"
    con.execute(
        f"copy (select * from {_reader(path)} where not ({condition})) "
        f"to {_sql_text(staged)} ({options})"
    )
    os.replace(staged, path)


def _record_rewrite(folder: Path, build: str, rows: int) -> None:
    info_path = folder / PUBLICATION_FILE
    info = json.loads(info_path.read_text()) if info_path.exists() else {}
    info.setdefault("erasure_rewrites", []).append(
        {
            "rewritten_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "build_id": build,
            "rows_removed": rows,
        }
    )
    info_path.write_text(json.dumps(info, indent=2) + "\n")


def mart_tables(manifest: Path) -> set[str]:
    """The tables the project's enabled models write to the marts schema, by the build's
    manifest: what a publication holds."""
    nodes = _read_artifact(manifest)["nodes"].values()
    return {
        node["alias"]
        for node in nodes
        if node["resource_type"] == "model"
        and node["config"].get("schema") == MARTS_SCHEMA
        and node["config"].get("materialized") != "view"
    }


def _write_publication(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    wanted: set[str] | None,
    say: Callable[[str], None],
) -> None:
    tables = [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'wh' "
            "and table_schema = ? and table_type = 'BASE TABLE' order by table_name",
            [MARTS_SCHEMA],
        ).fetchall()
    ]
    if wanted is not None:
        # Tables of an older version of the project stay in the schema until dropped (dbt never
        # drops a relation): they are left out, and named, instead of published stale.
        stale = [name for name in tables if name not in wanted]
        if stale:
            say(
                f"Left out {len(stale)} tables of schema {MARTS_SCHEMA} that no model of this "
                f"project writes (drop them): {_shown(stale)}"
            )
        tables = [name for name in tables if name in wanted]
    (folder / "activation").mkdir(parents=True)
    for table in tables:
        target = folder / f"{table}.parquet"
        con.execute(f"copy wh.{MARTS_SCHEMA}.{table} to {_sql_text(target)} (format parquet)")
    for export in EXPORTS:
        audiences = con.execute(
            f"select distinct audience from wh.{ACTIVATION_SCHEMA}.{export} order by audience"
        ).fetchall()
        for (audience,) in audiences:
            target = folder / "activation" / f"{export}__{audience}.csv"
            con.execute(
                f"copy (select * exclude (audience) from wh.{ACTIVATION_SCHEMA}.{export} "
                f"where audience = ? order by all) to {_sql_text(target)} ({CSV_WRITE})",
                [audience],
            )


def publish(
    warehouse: Path,
    out: Path,
    keep: int = 3,
    retention: str = "clean",
    say: Callable[[str], None] | None = None,
    manifest: Path | None = None,
) -> Path:
    """Write the marts of the warehouse's last finished build (see `last_build`) to a new folder
    under `out` with its publication.json, point `out/current` at it, and apply the retention
    to the older publications: at most `keep` publications in all, and none holding a person
    erased since (deleted under 'clean' and 'latest', rewritten under 'rewrite'). Raise
    ErasedDataFound (publishing nothing) if the new files hold an erased person. With the build's
    `manifest`, only the mart tables its models write are published (see `mart_tables`). Returns
    the new folder; `say` receives what was left out and what was done to the older ones."""
    say = say or (lambda _message: None)
    wanted = mart_tables(manifest) if manifest is not None else None
    if retention not in RETENTION:
        raise ValueError(f"retention must be one of {', '.join(RETENTION)}")
    con = _attach(warehouse)
    try:
        build = last_build(con)
        try:
            con.execute(
                f"create table erased_keys as select distinct key_value from wh.{ERASED_KEYS}"
            )
        except duckdb.CatalogException:
            raise UnfinishedBuild(
                f"the warehouse has no {ERASED_KEYS}: run `dbt build` with this version of the "
                "project"
            ) from None
        folder = _new_publication(con, out, build, wanted, say)
        staged = out / f".current-{folder.name}"
        staged.symlink_to(folder.name)
        os.replace(staged, out / "current")  # atomic: readers see the old or the new publication
        _apply_retention(con, out, folder, keep, retention, build, say)
    finally:
        con.close()
    return folder


def _new_publication(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    build: str,
    wanted: set[str] | None,
    say: Callable[[str], None],
) -> Path:
    """Write the build's publication, checked free of erased people, and return its folder."""
    # without customers dim_customers has no row to date; the segment summary records every
    # build's as-of date
    (as_of,) = con.execute(
        f"select coalesce((select max(as_of_date) from wh.{MARTS_SCHEMA}.dim_customers), "
        f"(select max(as_of_date) from wh.{MARTS_SCHEMA}.segment_summary))"
    ).fetchone()
    published_at = datetime.now(timezone.utc)
    # named by publication time first, so that names sort in publication order
    folder = out / f"{published_at:%Y%m%dT%H%M%S%fZ}_asof-{as_of:%Y-%m-%d}"
    # written under a hidden name and renamed when whole: a publish that dies half-way leaves no
    # folder that looks like a publication (and the next one removes the remains)
    for remains in out.glob(".staging-*") if out.exists() else []:
        shutil.rmtree(remains)
    staging = out / f".staging-{folder.name}"
    try:
        _write_publication(con, staging, wanted, say)
        leaks = erased_rows(con, staging)
        if leaks:
            files = sorted(path.name for path in leaks)
            raise ErasedDataFound(
                f"the build {build} still holds {sum(leaks.values())} rows of erased people, in "
                f"{len(files)} files ({_shown(files)}): nothing was published"
            )
        info = {
            "build_id": build,
            "as_of_date": f"{as_of:%Y-%m-%d}",
            "published_at": published_at.isoformat(timespec="seconds"),
            "code_version": code_version(),
        }
        (staging / PUBLICATION_FILE).write_text(json.dumps(info, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staging.rename(folder)
    return folder


def _apply_retention(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    folder: Path,
    keep: int,
    retention: str,
    build: str,
    say: Callable[[str], None],
) -> None:
    """Keep the `keep` - 1 newest publications older than `folder` (none under 'latest') that
    hold no erased person: delete the others, or rewrite them under 'rewrite'."""
    older = sorted(
        p
        for p in out.iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".") and p != folder
    )
    retained = 0 if retention == "latest" else max(keep - 1, 0)
    kept = older[max(len(older) - retained, 0) :] if retained else []
    for old in older:
        if old not in kept:
            shutil.rmtree(old)
            say(f"removed {old.name} (--keep {keep}, --retention {retention})")
            continue
        leaks = erased_rows(con, old)
        if not leaks:
            continue
        rows = sum(leaks.values())
        if retention == "clean":
            shutil.rmtree(old)
            say(f"removed {old.name}: {rows} rows of erased people in {len(leaks)} files")
        else:
            for path in leaks:
                _rewrite_without(con, path)
            _record_rewrite(old, build, rows)
            say(f"rewrote {old.name} without {rows} rows of erased people ({len(leaks)} files)")


def thin_data_notes(warehouse: Path) -> list[str]:
    """What a publication of `warehouse` lacks: profiles, audiences."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (profiles,) = con.execute(f"select count(*) from {MARTS_SCHEMA}.dim_customers").fetchone()
        uploads = sum(
            con.execute(f"select count(*) from {ACTIVATION_SCHEMA}.{export}").fetchone()[0]
            for export in EXPORTS
        )
    notes = []
    if not profiles:
        notes.append("no customer profiles: the customer, membership and score marts are empty")
    if not uploads:
        notes.append("no audience has members: no activation upload files")
    return notes


def _duckdb_problem(error: duckdb.Error) -> str:
    """A DuckDB error, said without the row values some of its messages quote."""
    if isinstance(error, duckdb.IOException) and "lock" in str(error).lower():
        return "the warehouse is open for writing by another process (a dbt build still running?)"
    if isinstance(error, (duckdb.CatalogException, duckdb.IOException)):
        return f"{type(error).__name__}: {error}"  # names objects and files, not values
    return f"{type(error).__name__} (its message is not shown: it may quote row values)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_build_arguments(parser)
    parser.add_argument("--out", type=Path, default=Path("warehouse/published"))
    parser.add_argument("--keep", type=int, default=3, help="publications to keep (default 3)")
    parser.add_argument(
        "--retention",
        choices=RETENTION,
        default="clean",
        help="older publications holding a person erased since are deleted (clean, the default)"
        " or rewritten without them (rewrite); latest keeps only the new publication",
    )
    args = parser.parse_args(argv)
    try:
        check_build(args.warehouse, args.run_results)
        notes = thin_data_notes(args.warehouse)
        manifest = args.run_results.with_name("manifest.json")
        folder = publish(
            args.warehouse, args.out, args.keep, args.retention, say=print, manifest=manifest
        )
    except NotPublished as problem:
        print(f"Not published: {problem}")
        return 1
    except duckdb.Error as error:
        print(f"Not published: {_duckdb_problem(error)}")
        return 1
    print(f"Published {folder} (now {args.out / 'current'})")
    for note in notes:
        print(f"Note: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
