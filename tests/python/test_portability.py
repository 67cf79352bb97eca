"""The portability check: engine-specific SQL outside dispatched macros fails `make lint`."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from open_segments_lab.portability import find_in_project, find_in_sql

PROJECT_DIR = Path(__file__).resolve().parents[2]


def constructs(sql: str) -> list[str]:
    return [finding.construct for finding in find_in_sql(sql, "model.sql")]


def test_the_project_has_no_engine_specific_sql_outside_dispatched_macros():
    assert [str(finding) for finding in find_in_project(PROJECT_DIR)] == []


def test_engine_specific_constructs_in_a_model_are_found_with_their_line():
    sql = """select
    amount::double as amount,
    regexp_matches(email, '@') as has_at,
    sha2(email, 256) as email_hash,
    `weird name`
from {{ ref('orders') }}
where order_id rlike '^o'
"""
    findings = find_in_sql(sql, "models/x.sql")
    assert [(f.line, f.construct) for f in findings] == [
        (2, "::"),
        (3, "regexp_matches("),
        (4, "sha2("),
        (5, "`"),
        (7, "rlike"),
    ]
    assert "cast(x as type)" in str(findings[0])


def test_dispatched_implementations_comments_strings_and_macro_calls_are_not_searched():
    sql = """
{% macro duckdb__hash(expr) -%} sha256({{ expr }})::varchar {%- endmacro %}
{% macro spark__hash(expr) -%} sha2({{ expr }}, 256) {%- endmacro %}
-- a comment may say amount::double or rlike
{# so may a Jinja comment: `x` #}
select '::' as text, 'a `quote`' as other, {{ dbt.datediff('a', 'b', 'day') }} as days
"""
    assert constructs(sql) == []


def test_a_macro_that_is_not_a_dispatched_implementation_is_searched():
    sql = "{% macro helper(x) %} try_cast({{ x }} as int) {% endmacro %}"
    assert constructs(sql) == ["try_cast("]


def test_the_filter_clause_of_an_aggregate_is_portable_but_the_higher_order_function_is_not():
    assert constructs("select count(*) filter (where x > 1) from t") == []
    assert constructs("select filter(xs, x -> x > 1) from t") == ["filter("]


def _accent_table_from_macro() -> dict[str, str]:
    text = (PROJECT_DIR / "macros" / "cross_db" / "accents.sql").read_text()
    table = {}
    for name in ("accented", "plain", "marks"):
        block = re.search(rf"set {name} = \[(.*?)\]", text, re.DOTALL).group(1)
        table[name] = "".join(re.findall(r"'([^']*)'", block))
    return table


def test_accent_table_is_duckdbs():
    """Spark's strip_accents() is a translate() table taken from DuckDB's strip_accents(): the
    table must still be exactly what DuckDB does, or the engines' match keys drift apart."""
    table = _accent_table_from_macro()
    assert len(table["accented"]) == len(table["plain"]) > 400
    with duckdb.connect() as con:
        rows = con.execute(
            "select cp, strip_accents(chr(cast(cp as integer))) from range(128, 12288) as t(cp)"
        ).fetchall()
    accented, plain, marks = [], [], []
    for cp, stripped in rows:
        character = chr(cp)
        if stripped == character:
            continue
        if stripped == "":
            marks.append(character)
        elif stripped.isascii() and len(stripped) == 1:
            accented.append(character)
            plain.append(stripped)
    assert table == {
        "accented": "".join(accented),
        "plain": "".join(plain),
        "marks": "".join(marks),
    }
