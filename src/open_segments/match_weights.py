"""Freeze the Fellegi-Sunter match weights of a build, for the var `identity_match_weights`.

`python -m open_segments.match_weights export --out weights.parquet` writes the weights the last
DuckDB build estimated (identity.int_identity__match_weights) to a Parquet file. Point the var
`identity_match_weights` at the file and later builds, on any engine, match with those weights
instead of estimating new ones: the way to run identity resolution where dbt Python models do not
run (Spark's local and thrift methods), and to pin weights a reviewer has approved.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from open_segments.report import add_build_arguments

WEIGHTS_TABLE = "identity.int_identity__match_weights"


def export_match_weights(warehouse: Path, out: Path) -> int:
    """Write the warehouse's match weights to `out` (Parquet); returns the number of rows."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(f"select count(*) from {WEIGHTS_TABLE}").fetchone()[0]
        if rows == 0:
            raise ValueError(f"{WEIGHTS_TABLE} in {warehouse} is empty: nothing to freeze")
        # A fixed row order: the same weights give the same file.
        connection.execute(
            f"copy (select * from {WEIGHTS_TABLE} order by comparison, level) "
            "to ? (format parquet)",
            [str(out)],
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write the last build's weights to Parquet")
    add_build_arguments(export, run_results=False)
    export.add_argument("--out", type=Path, required=True, help="Parquet file to write")
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        parser.error(f"no warehouse at {args.warehouse}: run `dbt build` first")
    rows = export_match_weights(args.warehouse, args.out)
    print(f"{rows} match weights written to {args.out}; set the var identity_match_weights to it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
