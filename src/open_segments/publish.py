"""Publish a finished build for BI tools and activation: never a half-built mart.

A `dbt build` rewrites the marts one table at a time, and DuckDB lets no other process open the
file while dbt writes to it. So BI tools read a published copy instead, made only after a build
whose every model and test passed:

    warehouse/published/<UTC time>_asof-<date>/   one Parquet file per mart table (for BI), and
                                                  activation/: one CSV per audience per export
                                                  (for the sync jobs only: hashed identifiers)
    warehouse/published/current                   a symbolic link to the newest of them

The link is replaced atomically (a new link renamed over the old), so a reader sees the previous
complete build or the new complete build, never a mix. Older publications are kept (`--keep`).
A build of thin data is published as it is (empty marts, no upload files) and the command says
what is empty.

Usage: python -m open_segments.publish [--warehouse PATH] [--run-results PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from open_segments.report import add_build_arguments

MARTS_SCHEMA = "marts"
# Activation exports, in their own schema (not for BI), written as one upload file per audience
# (without the audience column) for the sync jobs.
ACTIVATION_SCHEMA = "activation"
EXPORTS = ("export_ads_custom_audience", "export_email_audience")
BUILT = ("model", "seed", "snapshot", "test", "unit_test")


class UnfinishedBuild(RuntimeError):
    """The last dbt invocation did not build and test everything."""


def check_run_results(run_results: Path) -> None:
    """Raise UnfinishedBuild unless the last dbt run was a whole-project build (no --select or
    --exclude: a partial build would publish new marts beside stale ones) in which everything
    passed."""
    if not run_results.exists():
        raise UnfinishedBuild(f"no {run_results}: run `dbt build` first")
    data = json.loads(run_results.read_text())
    args = data["args"]
    if args.get("which") != "build":
        raise UnfinishedBuild(f"the last dbt command was `{args.get('which')}`, not build")
    if args.get("select") or args.get("exclude"):
        raise UnfinishedBuild("the last build was partial (--select or --exclude)")
    failed = [
        r["unique_id"]
        for r in data["results"]
        if r["unique_id"].split(".")[0] in BUILT and r["status"] not in ("success", "pass")
    ]
    if failed:
        shown = ", ".join(failed[:5]) + (" ..." if len(failed) > 5 else "")
        raise UnfinishedBuild(f"{len(failed)} nodes did not pass in the last build: {shown}")


def publish(warehouse: Path, out: Path, keep: int = 3) -> Path:
    """Write the marts of `warehouse` to a new folder under `out`, point `out/current` at it,
    and remove all but the `keep` newest publications. Returns the new folder."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        # without customers dim_customers has no row to date; the segment summary records every
        # build's as-of date
        as_of_sql = (
            f"select coalesce((select max(as_of_date) from {MARTS_SCHEMA}.dim_customers), "
            f"(select max(as_of_date) from {MARTS_SCHEMA}.segment_summary))"
        )
        (as_of,) = con.execute(as_of_sql).fetchone()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        # named by publication time first, so that names sort in publication order
        folder = out / f"{stamp}_asof-{as_of:%Y-%m-%d}"
        (folder / "activation").mkdir(parents=True)
        for table in tables:
            con.execute(
                f"copy {MARTS_SCHEMA}.{table} to '{folder / (table + '.parquet')}' (format parquet)"
            )
        for export in EXPORTS:
            audiences = con.execute(
                f"select distinct audience from {ACTIVATION_SCHEMA}.{export} order by audience"
            ).fetchall()
            for (audience,) in audiences:
                target = folder / "activation" / f"{export}__{audience}.csv"
                con.execute(
                    f"copy (select * exclude (audience) from {ACTIVATION_SCHEMA}.{export} "
                    "where audience = ? order by all) "
                    f"to '{target}' (header, delimiter ',')",
                    [audience],
                )
    finally:
        con.close()
    link = out / "current"
    staged = out / f".current-{stamp}"
    staged.symlink_to(folder.name)
    os.replace(staged, link)  # atomic: readers see the old or the new publication
    publications = sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    for old in publications[: -max(keep, 1)]:
        if old.resolve() != link.resolve():
            shutil.rmtree(old)
    return folder


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_build_arguments(parser)
    parser.add_argument("--out", type=Path, default=Path("warehouse/published"))
    parser.add_argument("--keep", type=int, default=3, help="publications to keep (default 3)")
    args = parser.parse_args(argv)
    try:
        check_run_results(args.run_results)
    except UnfinishedBuild as problem:
        print(f"Not published: {problem}")
        return 1
    folder = publish(args.warehouse, args.out, args.keep)
    print(f"Published {folder} (now {args.out / 'current'})")
    for note in thin_data_notes(args.warehouse):
        print(f"Note: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
