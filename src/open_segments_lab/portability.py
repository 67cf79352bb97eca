"""Fail when SQL uses engine-specific syntax outside a dispatched macro.

    python -m open_segments_lab.portability [project_dir]

Models, tests, analyses, snapshots, unit-test SQL fixtures and macros must run unchanged on DuckDB
and Spark (and read as portable SQL to a reviewer). Engine differences live in dispatched macros:
a macro named `<adapter>__<name>` (`duckdb__`, `spark__`, `default__`, ...) may use its engine's
syntax; everything else may not. Each rule below names a construct that exists on one engine only
(or means different things on the two) and what to use instead. Comments and string literals are
not searched. Exit status 1 and one line per finding when anything is found.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

# (pattern, what to use instead). Patterns are case-insensitive.
RULES: list[tuple[str, str]] = [
    # DuckDB only
    (r"::", "cast(x as type) (the :: cast is DuckDB/Postgres syntax)"),
    (r"\bstruct_pack\s*\(", "named_struct() (macros/cross_db)"),
    (r"\blist_\w+\s*\(|\blist_value\s*\(|\barray_to_string\s*\(", "a dispatched array macro"),
    (r"\bstring_split\s*\(|\bstr_split\s*\(", "dbt.split_part() or a dispatched macro"),
    (r"\bstring_agg\s*\(", "dbt.listagg()"),
    (r"\bregexp_matches\s*\(|\bregexp_full_match\s*\(", "regexp_contains() (macros/cross_db)"),
    (r"\b(try_)?strptime\s*\(|\bstrftime\s*\(", "parse_date() / parse_utc_timestamp()"),
    (r"\bepoch(_ms|_us|_ns)?\s*\(|\bmake_timestamp\s*\(", "dbt.datediff() or a dispatched macro"),
    (r"\bdate_diff\s*\(|\bdatediff\s*\(", "dbt.datediff() (the engines' argument orders differ)"),
    (r"\bdate_add\s*\(|\bdateadd\s*\(|\bdate_sub\s*\(", "dbt.dateadd()"),
    (r"\binterval\b", "dbt.dateadd() (interval literals are written differently)"),
    (r"\bjaro(_winkler)?_similarity\s*\(", "string_similarity() (macros/cross_db)"),
    (r"\bsha256\s*\(", "sha256_hex() (macros/cross_db)"),
    (r"\bisfinite\s*\(|\bisinf\s*\(", "is_finite() (macros/cross_db)"),
    (r"\bstrip_accents\s*\(", "strip_accents() macro call (it is dispatched)"),
    (r"\bread_(parquet|csv|json)(_auto)?\s*\(", "source() (raw data: stage_raw_sources)"),
    (r"\bgetenv\s*\(", "environment_variable() (macros/cross_db)"),
    (r"\btimezone\s*\(", "parse_utc_timestamp() or a dispatched macro"),
    (r"\bunnest\s*\(|\bgenerate_series\s*\(", "a dispatched macro"),
    (r"\barg_(max|min)\s*\(", "max_by() / min_by()"),
    (r"\bquantile(_cont|_disc)?\s*\(", "percentile_cont(...) within group (order by ...)"),
    (r"\*\s*(exclude|replace)\s*\(", "list the columns"),
    (r"\b(group|order)\s+by\s+all\b", "list the columns"),
    (r"\bsuffix\s*\(|\bprefix\s*\(", "a comparison of substrings"),
    # Spark (Hive SQL) only
    (r"\brlike\b|\bregexp_like\s*\(", "regexp_contains() (macros/cross_db)"),
    (r"\bsha2\s*\(", "sha256_hex() (macros/cross_db)"),
    (r"\bnamed_struct\s*\(", "the named_struct() macro (macros/cross_db)"),
    (r"\bconv\s*\(", "hash_bucket() or a dispatched macro"),
    (r"\bmonotonically_increasing_id\s*\(", "unordered_row_number() (macros/cross_db)"),
    (r"\barray_join\s*\(|\bcollect_(list|set)\s*\(", "dbt.listagg() or a dispatched macro"),
    (r"\bsize\s*\(|\bsequence\s*\(|\baggregate\s*\(|\btransform\s*\(", "a dispatched macro"),
    (r"\bfilter\s*\(\s*(?!where\b)", "a dispatched macro (higher-order functions are Spark's)"),
    (r"\b(try_)?to_(date|timestamp)\s*\(|\bdate_format\s*\(", "parse_date() / cast()"),
    (r"\bfrom_unixtime\s*\(|\bunix_timestamp\s*\(", "a dispatched macro"),
    (r"\bnvl2?\s*\(", "coalesce()"),
    (r"`", "adapter.quote() (backtick quoting is Spark's)"),
    (r"\$\{", "environment_variable() (variable substitution is Spark's)"),
    # Both engines have these, but with other semantics; the macros make them agree.
    (r"\btry_cast\s*\(", "try_cast_as() (macros/cross_db)"),
    (r"\bregexp_replace\s*\(", "regexp_replace_all() (DuckDB replaces only the first match)"),
]
COMPILED = [(re.compile(pattern, re.IGNORECASE), advice) for pattern, advice in RULES]

DISPATCHED = re.compile(r"^\w+__\w+$")  # an adapter's implementation: duckdb__x, default__x
MACRO_BLOCK = re.compile(
    r"{%-?\s*macro\s+(\w+)\s*\(.*?%}(.*?){%-?\s*endmacro\s*-?%}", re.DOTALL | re.IGNORECASE
)
SEARCHED = ("models", "tests", "analyses", "snapshots", "macros")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    construct: str
    advice: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: `{self.construct}` is engine-specific; use {self.advice}"


def _blank(match: re.Match) -> str:
    """The match with everything but line breaks blanked, so line numbers stay right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def strip_comments_and_strings(sql: str) -> str:
    """SQL with comments, string literals and Jinja tags blanked out (line breaks kept). Jinja
    tags call macros (dbt.datediff, named_struct, ...): the SQL they emit is checked where the
    macro is defined."""
    sql = re.sub(r"{#.*?#}", _blank, sql, flags=re.DOTALL)
    sql = re.sub(r"{{.*?}}|{%.*?%}", _blank, sql, flags=re.DOTALL)
    sql = re.sub(r"/\*.*?\*/", _blank, sql, flags=re.DOTALL)
    sql = re.sub(r"--[^\n]*", _blank, sql)
    # single-quoted literals, '' as an escaped quote
    return re.sub(r"'(?:[^']|'')*'", lambda m: "'" + _blank(m)[1:-1] + "'", sql)


def portable_text(sql: str) -> str:
    """The parts of a file that must be portable: macro bodies of dispatched implementations
    (`<adapter>__<name>`) are blanked."""

    def blank_dispatched(match: re.Match) -> str:
        return _blank(match) if DISPATCHED.match(match.group(1)) else match.group(0)

    return MACRO_BLOCK.sub(blank_dispatched, sql)


def find_in_sql(sql: str, path: str, first_line: int = 1) -> list[Finding]:
    """Engine-specific constructs in one SQL (Jinja) text."""
    text = strip_comments_and_strings(portable_text(sql))
    findings = []
    for number, line in enumerate(text.splitlines(), start=first_line):
        for pattern, advice in COMPILED:
            for construct in dict.fromkeys(m.group(0).strip() for m in pattern.finditer(line)):
                findings.append(Finding(path, number, construct, advice))
    return findings


def _unit_test_fixtures(path: Path) -> list[str]:
    """The SQL-format fixtures (given and expect) of a YAML file's unit tests."""
    document = yaml.safe_load(path.read_text()) or {}
    fixtures = []
    for test in document.get("unit_tests") or []:
        for fixture in [*(test.get("given") or []), test.get("expect") or {}]:
            if fixture.get("format") == "sql" and isinstance(fixture.get("rows"), str):
                fixtures.append(fixture["rows"])
    return fixtures


def find_in_project(project_dir: Path) -> list[Finding]:
    findings = []
    for folder in SEARCHED:
        for path in sorted((project_dir / folder).rglob("*")):
            relative = str(path.relative_to(project_dir))
            if path.suffix == ".sql":
                findings += find_in_sql(path.read_text(), relative)
            elif path.suffix in (".yml", ".yaml") and folder == "models":
                for fixture in _unit_test_fixtures(path):
                    findings += [
                        Finding(relative, 0, f.construct, f.advice)
                        for f in find_in_sql(fixture, relative)
                    ]
    return findings


def report(findings: list, failed: str, passed: str) -> int:
    """Print each finding, then `failed` (after their count) or `passed`: a check's exit status."""
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} {failed}")
        return 1
    print(passed)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    project_dir = Path(argv[0]) if argv else Path.cwd()
    return report(
        find_in_project(project_dir),
        "engine-specific construct(s) outside dispatched macros",
        "portable: no engine-specific SQL outside dispatched macros",
    )


if __name__ == "__main__":
    sys.exit(main())
