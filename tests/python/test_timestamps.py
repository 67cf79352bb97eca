"""DuckDB reads the timestamp layouts exporters write most through a fast path
(`duckdb__parse_utc_timestamp_common_layouts`) before the general parser
(`duckdb__parse_utc_timestamp_any_layout`). The fast path may only ever be
faster: wherever it reads a text, it must read the same instant as the general
parser. This compares the two, compiled by dbt from the project's macros, on
mutations of well-formed timestamps (a changed, inserted or deleted character),
which is where two parsers' edge cases differ.

Texts with a UTC offset and stray blanks are read to the same instant by the
DuckDB parser and by the default (Spark) one, whose Spark functions are stood
in for by DuckDB macros here: what is compared is which branch reads a text.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from open_segments_lab.dbt_launcher import PROJECT_DIR, dbt_invocation

PROJECT_TIMEZONE = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"][
    "source_timezone"
]

TEMPLATES = (
    "2024-03-15T12:34:56.789Z",
    "2024-03-15T12:34:56Z",
    "1999-12-31T23:59:59Z",
    "2024-02-29T00:00:00.000Z",
    "2024-03-15 12:34:56",
    "2023-12-31 23:59:59",
)
ALPHABET = "0123456789-:.TZz +/"


def mutations(count_per_template: int, seed: int = 7) -> list[str]:
    """Each template unchanged, then with one to three random character edits."""
    rng = random.Random(seed)
    texts = list(TEMPLATES)
    for template in TEMPLATES:
        for _ in range(count_per_template):
            chars = list(template)
            for _ in range(rng.randint(1, 3)):
                position = rng.randrange(len(chars) + 1)
                edit = rng.random()
                if edit < 0.6 and position < len(chars):
                    chars[position] = rng.choice(ALPHABET)
                elif edit < 0.85:
                    chars.insert(position, rng.choice(ALPHABET))
                elif position < len(chars):
                    del chars[position]
            texts.append("".join(chars))
    return texts


def compiled_parsers(workdir: Path, source_timezone: str) -> str:
    """A select over column `x` of the DuckDB fast path, general parser and dispatched parser, and
    of the default (Spark) parser, as dbt compiles them for `source_timezone`."""
    inline = (
        "select x, {{ duckdb__parse_utc_timestamp_common_layouts('x') }} as fast, "
        "{{ duckdb__parse_utc_timestamp_any_layout('x') }} as general, "
        "{{ parse_utc_timestamp('x') }} as duckdb_parsed, "
        "{{ default__parse_utc_timestamp('x') }} as default_parsed from texts"
    )
    completed = dbt_invocation(
        workdir,
        ["compile", "--quiet", "--output", "json", "--inline", inline],
        raw_location=str(workdir / "unused" / "{source}_{table}.parquet"),
        # the project's own time zone passes no vars, so that dbt reads the parse the suite's
        # other runs saved (a compile under other vars parses the whole project)
        extra_vars=None
        if source_timezone == PROJECT_TIMEZONE
        else {"source_timezone": source_timezone},
    ).run()
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads(completed.stdout)["compiled"]


# Spark's functions that the default parser calls, as DuckDB macros with the session time zone
# pinned to UTC, as the Spark profile pins it.
SPARK_FUNCTIONS = (
    "set TimeZone = 'UTC'",
    "create macro timestamp_seconds(s) as make_timestamp(s * 1000000)",
    "create macro timestamp_millis(ms) as make_timestamp(ms * 1000)",
    "create macro try_to_timestamp(t) as timezone('UTC', try_cast(t as timestamptz))",
    "create macro to_utc_timestamp(ts, tz) as timezone('UTC', timezone(tz, ts))",
)


def connect_with_spark_functions(texts: list[str]) -> duckdb.DuckDBPyConnection:
    """A connection where `compiled_parsers`' select runs over `texts` (table `texts`, column
    `x`): it holds the default parser too."""
    con = duckdb.connect()
    for statement in SPARK_FUNCTIONS:
        con.execute(statement)
    # one list parameter, not a statement per text (120,000 inserts took 22 s)
    con.execute("create table texts as select unnest(cast(? as varchar[])) as x", [texts])
    return con


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """`compiled_parsers` once per source time zone for the module (a compile parses the
    project)."""
    selects: dict[str, str] = {}

    def compile_for(source_timezone: str) -> str:
        if source_timezone not in selects:
            workdir = tmp_path_factory.mktemp("compile")
            selects[source_timezone] = compiled_parsers(workdir, source_timezone)
        return selects[source_timezone]

    return compile_for


@pytest.mark.parametrize("source_timezone", ["UTC", "Australia/Sydney"])
def test_the_fast_path_reads_every_text_it_reads_as_the_general_parser_does(
    compiled: Callable[[str], str], source_timezone: str
):
    select = compiled(source_timezone)
    texts = mutations(20_000)
    con = connect_with_spark_functions(texts)
    read_fast, disagreements, naive_read_fast = con.execute(
        f"""
        select
            count(fast),
            count(*) filter (where fast is not null and fast is distinct from general),
            count(fast) filter (where x not like '%Z')
        from ({select}) as parsed
        """
    ).fetchone()
    examples = con.execute(
        f"select x, fast, general from ({select}) as parsed "
        "where fast is not null and fast is distinct from general limit 5"
    ).fetchall()

    assert disagreements == 0, examples
    # the comparison means something only if the fast path read many of the texts (most edits
    # break the layout; a digit changed into another digit keeps it)
    assert read_fast > 5_000
    if source_timezone == "UTC":
        assert naive_read_fast > 0
    else:
        # text without an offset is read in the source time zone: only the general parser does
        assert naive_read_fast == 0


# A blank after the offset, or before it, or both: the offset still applies.
OFFSET_TEXTS = {
    "2026-10-30 12:00:00 -05:00 ": datetime(2026, 10, 30, 17, 0),
    "2026-10-30T12:00:00-05:00 ": datetime(2026, 10, 30, 17, 0),
    " 2026-10-30T12:00:00 -0500  ": datetime(2026, 10, 30, 17, 0),
    "2026-10-30 12:00:00 +05:30 ": datetime(2026, 10, 30, 6, 30),
    "2026-10-30T12:00:00.5Z ": datetime(2026, 10, 30, 12, 0, 0, 500_000),
}


@pytest.mark.parametrize("source_timezone", ["UTC", "Australia/Sydney"])
def test_an_offset_followed_or_preceded_by_blanks_still_applies(
    compiled: Callable[[str], str], source_timezone: str
):
    select = compiled(source_timezone)
    con = connect_with_spark_functions(list(OFFSET_TEXTS))
    parsed = con.execute(f"select x, duckdb_parsed, default_parsed from ({select}) as p").fetchall()
    assert {x: (duck, default) for x, duck, default in parsed} == {
        x: (expected, expected) for x, expected in OFFSET_TEXTS.items()
    }
