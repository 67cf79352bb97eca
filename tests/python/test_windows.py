"""The window check: a window without `partition by` over a table that grows with customers runs
in one partition, and fails the check unless it says why its input is bounded. The check is run on
the compiled SQL of real builds in test_dbt_build.py (DuckDB) and test_spark.py (Spark)."""

from __future__ import annotations

import json

from open_segments_lab.windows import find_in_manifest, find_in_sql, main


def windows(sql: str) -> list[tuple[int, str]]:
    return [(finding.line, finding.window) for finding in find_in_sql(sql, "model.m")]


def test_unpartitioned_windows_are_found_with_their_line():
    sql = """select
    percent_rank() over (order by revenue desc) as share,
    count(*) over () as total,
    row_number() over (partition by profile_id order by day) as nth,
    sum(x) OVER(
        ORDER BY day
        rows between unbounded preceding and current row
    ) as running
from t"""
    assert windows(sql) == [
        (2, "order by revenue desc"),
        (3, ""),
        (5, "ORDER BY day rows between unbounded preceding and current row"),
    ]


def test_a_bounded_note_in_the_window_allows_it_but_only_there():
    sql = """select
    sum(n) over (
        -- bounded: one row per value bucket
        order by bucket
    ) as below,
    -- bounded: this note is outside the window's parentheses
    count(*) over () as total
from buckets"""
    assert windows(sql) == [(7, "")]


def test_windows_in_comments_and_strings_and_nested_parentheses():
    sql = """-- count(*) over () in a comment
select
    'over (order by x)' as text,
    lag(x) over (partition by coalesce(a, (b)) order by (c + d)) as previous,
    max(x) over (order by coalesce(a, (b))) as biggest
from t"""
    assert windows(sql) == [(5, "order by coalesce(a, (b))")]


def test_a_partition_by_constants_or_null_tests_only_counts_as_none():
    sql = """select
    ntile(100) over (partition by similarity is null order by similarity) as a,
    row_number() over (partition by 1, 'x' order by day) as b,
    ntile(10) over (partition by target, probability is null order by probability) as c,
    sum(x) over (partition by coalesce(a, 0), b is not null) as d,
    lag(x) over (partition by (y is null) rows between 1 preceding and current row) as e
from t"""
    assert [line for line, _window in windows(sql)] == [2, 3, 6]


def test_the_manifest_check_reads_compiled_models_and_tests_and_honours_the_model_note(tmp_path):
    unpartitioned = "select row_number() over (order by 1) as n from t"
    nodes = {
        "model.p.spine": {
            "resource_type": "model",
            "compiled_code": unpartitioned,
            "config": {"meta": {"windows_without_partition": "the days of a span"}},
        },
        "model.p.ranked": {"resource_type": "model", "compiled_code": unpartitioned, "config": {}},
        "test.p.a_test": {"resource_type": "test", "compiled_code": unpartitioned, "config": {}},
        "model.p.not_compiled": {"resource_type": "model", "config": {}},
        "seed.p.s": {"resource_type": "seed", "compiled_code": unpartitioned, "config": {}},
    }
    findings = find_in_manifest({"nodes": nodes})
    assert [finding.node for finding in findings] == ["model.p.ranked", "test.p.a_test"]
    assert "partition it" in str(findings[0])

    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": nodes}))
    assert main([str(path)]) == 1
    del nodes["model.p.ranked"], nodes["test.p.a_test"]
    path.write_text(json.dumps({"nodes": nodes}))
    assert main([str(path)]) == 0
    # a manifest with no compiled SQL proves nothing: it fails
    path.write_text(json.dumps({"nodes": {"model.p.not_compiled": nodes["model.p.not_compiled"]}}))
    assert main([str(path)]) == 1
