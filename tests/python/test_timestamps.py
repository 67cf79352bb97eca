"""DuckDB reads the timestamp layouts exporters write most through a fast path
(`duckdb__parse_utc_timestamp_common_layouts`) before the general parser
(`duckdb__parse_utc_timestamp_any_layout`). The fast path may only ever be
faster: wherever it reads a text, it must read the same instant as the general
parser. This compares the two, compiled by dbt from the project's macros, on
mutations of well-formed timestamps (a changed, inserted or deleted character),
which is where two parsers' edge cases differ.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import duckdb
import pytest

from dbt_harness import PROJECT_DIR, dbt_invocation

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
    """A select of both parsers over column `x`, as dbt compiles them for `source_timezone`."""
    inline = (
        "select x, {{ duckdb__parse_utc_timestamp_common_layouts('x') }} as fast, "
        "{{ duckdb__parse_utc_timestamp_any_layout('x') }} as general from texts"
    )
    command, env = dbt_invocation(
        workdir,
        ["compile", "--quiet", "--output", "json", "--inline", inline],
        raw_location=str(workdir / "unused" / "{source}_{table}.parquet"),
        extra_vars={"source_timezone": source_timezone},
    )
    completed = subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout)["compiled"]


@pytest.mark.parametrize("source_timezone", ["UTC", "Australia/Sydney"])
def test_the_fast_path_reads_every_text_it_reads_as_the_general_parser_does(
    tmp_path: Path, source_timezone: str
):
    select = compiled_parsers(tmp_path, source_timezone)
    texts = mutations(20_000)
    con = duckdb.connect()
    con.execute("create table texts (x varchar)")
    con.executemany("insert into texts values (?)", [(t,) for t in texts])
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
