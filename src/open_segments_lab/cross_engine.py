"""Build the project on Apache Spark and prove its tables equal DuckDB's.

    python -m open_segments_lab.cross_engine --raw-location 'data/raw/{source}_{table}.parquet' \\
        --duckdb warehouse/segments.duckdb --spark-dir warehouse/spark --out warehouse/spark_export

runs `dbt build` on the `spark` target (dbt-spark's local session: one Python process, so the JVM
starts once), writes every model and seed it built to Parquet from that same session, and
compares each with the relation of the same name in a DuckDB warehouse built from the same raw
data and vars. Rows are compared as multisets (no table promises an order); doubles
are compared to 9 significant digits, since sums over the same rows in another order differ in
their last bits. Relations only one engine has (Python-model outputs, work tables) are listed,
not compared. Exit status 0 when dbt passed and every shared relation is equal.

With --no-compare it only builds and exports (exit status 0 when dbt passed), so the DuckDB
warehouse can be built at the same time; --compare-only then compares the export with it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

SIGNIFICANT_DIGITS = 9


@dataclass
class Comparison:
    """One relation compared across the two engines."""

    relation: str
    duckdb_rows: int
    spark_rows: int
    only_in_duckdb: int
    only_in_spark: int
    example: str = ""

    @property
    def equal(self) -> bool:
        return self.only_in_duckdb == 0 and self.only_in_spark == 0


def _comparable(expression: str, data_type: str) -> str:
    """A column as it is compared: doubles to SIGNIFICANT_DIGITS, the rest exactly."""
    if data_type.upper() in ("DOUBLE", "FLOAT", "REAL"):
        digits = f"{SIGNIFICANT_DIGITS - 1} - floor(log10(abs({expression})))"
        return (
            f"case when {expression} is null or {expression} = 0 or not isfinite({expression}) "
            f"then {expression} else round({expression}, cast({digits} as integer)) end"
        )
    return expression


def compare_relations(
    connection: duckdb.DuckDBPyConnection, relation: str, duckdb_sql: str, spark_sql: str
) -> Comparison:
    """Compare two queries of the same columns as multisets, in DuckDB."""
    columns = connection.execute(f"describe {duckdb_sql}").fetchall()
    spark_columns = {name for name, *_ in connection.execute(f"describe {spark_sql}").fetchall()}
    missing = [name for name, *_ in columns if name not in spark_columns]
    if missing:
        return Comparison(relation, -1, -1, -1, -1, f"columns missing on Spark: {missing}")
    select_list = ", ".join(
        f"{_comparable(f'cast(t.{_quote(name)} as {data_type})', data_type)} as {_quote(name)}"
        for name, data_type, *_ in columns
    )
    left = f"select {select_list} from ({duckdb_sql}) as t"
    right = f"select {select_list} from ({spark_sql}) as t"
    counts = connection.execute(
        f"""
        select
            (select count(*) from ({duckdb_sql})),
            (select count(*) from ({spark_sql})),
            (select count(*) from ({left} except all {right})),
            (select count(*) from ({right} except all {left}))
        """
    ).fetchone()
    example = ""
    if counts[2] or counts[3]:
        rows = connection.execute(
            f"(select 'duckdb' as engine, * from ({left} except all {right}) limit 2) "
            f"union all (select 'spark', * from ({right} except all {left}) limit 2)"
        ).fetchall()
        example = "; ".join(str(row) for row in rows)
    return Comparison(relation, *counts, example)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def build_and_export_on_spark(
    dbt_args: list[str], out: Path, earlier_runs: list[tuple[str, list[str]]] = ()
) -> tuple[bool, list[str]]:
    """`dbt <dbt_args>` on the spark target in this process, then every model and seed it built
    written to `out/<schema>.<name>/` as Parquet by the same Spark session. Returns whether dbt
    succeeded and the relations written.

    `earlier_runs` are (raw location, dbt arguments) invocations made first, in order, on the
    same warehouse: earlier loads of the raw data, so that the last build runs incrementally."""
    os.environ["SEGMENTS_TARGET"] = "spark"
    from dbt.cli.main import dbtRunner
    from pyspark.sql import SparkSession

    runner = dbtRunner()
    raw_location = os.environ["SEGMENTS_RAW_LOCATION"]
    for earlier_location, earlier_args in earlier_runs:
        os.environ["SEGMENTS_RAW_LOCATION"] = earlier_location
        if not runner.invoke(earlier_args).success:
            return False, []
    os.environ["SEGMENTS_RAW_LOCATION"] = raw_location
    result = runner.invoke(dbt_args)
    built = sorted(
        {
            f"{r.node.schema}.{r.node.alias}"
            for r in (getattr(result.result, "results", None) or [])
            if r.node.resource_type in ("model", "seed") and str(r.status) == "success"
        }
    )
    if not built:
        return bool(result.success), []
    spark = SparkSession.builder.getOrCreate()  # the session dbt-spark started
    # Plain microsecond timestamps, which DuckDB reads back as the same UTC wall-clock times.
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    for relation in built:
        spark.table(relation).write.mode("overwrite").parquet(str(out / relation))
    return bool(result.success), built


def compare_exports(duckdb_path: Path, out: Path, relations: list[str]) -> list[Comparison]:
    """Compare every exported Spark relation with DuckDB's relation of the same name."""
    results = []
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        present = {
            f"{schema}.{name}"
            for schema, name in connection.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        for relation in sorted(relations):
            if relation not in present:
                continue
            spark_sql = f"select * from read_parquet('{out / relation}/*.parquet')"
            results.append(
                compare_relations(connection, relation, f"select * from {relation}", spark_sql)
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-location", required=True, help="{source}/{table} file pattern")
    parser.add_argument(
        "--duckdb", type=Path, help="DuckDB warehouse to compare (not with --no-compare)"
    )
    parser.add_argument("--spark-dir", type=Path, required=True, help="Spark metastore/tables")
    parser.add_argument("--out", type=Path, required=True, help="folder for the Parquet export")
    parser.add_argument("--vars", default="{}", help="dbt vars (JSON), as for the DuckDB build")
    parser.add_argument("--report", type=Path, help="write the comparison as JSON here")
    parser.add_argument(
        "--compare-only", action="store_true", help="no Spark build: compare an earlier export"
    )
    parser.add_argument(
        "--no-compare", action="store_true", help="build and export only (then --compare-only)"
    )
    parser.add_argument(
        "--earlier-runs",
        default="[]",
        help="JSON list of [raw location, dbt arguments] run first, in order (earlier loads)",
    )
    parser.add_argument("dbt_args", nargs="*", default=["build"], help="dbt command (build)")
    args = parser.parse_args(argv)
    if args.duckdb is None and not args.no_compare:
        parser.error("--duckdb is required, unless --no-compare")

    os.environ["SEGMENTS_RAW_LOCATION"] = args.raw_location
    os.environ["SEGMENTS_SPARK_DIR"] = str(args.spark_dir)
    dbt_args = [*(args.dbt_args or ["build"]), "--vars", args.vars]
    if args.compare_only:
        succeeded, relations = True, sorted(path.name for path in args.out.iterdir())
    else:
        earlier = [
            (location, [*arguments, "--vars", args.vars])
            for location, arguments in json.loads(args.earlier_runs)
        ]
        succeeded, relations = build_and_export_on_spark(dbt_args, args.out, earlier)
    if args.no_compare:
        print(f"dbt on Spark {'passed' if succeeded else 'FAILED'}; {len(relations)} exported")
        if args.report:
            report = {"dbt_succeeded": succeeded, "exported": relations, "comparisons": []}
            args.report.write_text(json.dumps(report, indent=2))
        return 0 if succeeded and relations else 1
    comparisons = compare_exports(args.duckdb, args.out, relations)
    unequal = [c for c in comparisons if not c.equal]
    for c in comparisons:
        status = "equal" if c.equal else "DIFFERENT"
        print(f"{c.relation:60} {c.duckdb_rows:>8} rows  {status}  {c.example}")
    print(
        f"dbt on Spark {'passed' if succeeded else 'FAILED'}; "
        f"{len(comparisons) - len(unequal)} of {len(comparisons)} relations equal to DuckDB's"
    )
    if args.report:
        args.report.write_text(
            json.dumps(
                {
                    "dbt_succeeded": succeeded,
                    "exported": relations,
                    "comparisons": [c.__dict__ | {"equal": c.equal} for c in comparisons],
                },
                indent=2,
            )
        )
    return 0 if succeeded and not unequal and comparisons else 1


if __name__ == "__main__":
    sys.exit(main())
