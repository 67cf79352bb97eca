"""Fail when a compiled model or test has a window function that runs in one partition.

    python -m open_segments_lab.windows target/manifest.json

A window without `partition by` (`row_number() over (order by x)`, `count(*) over ()`), or
partitioned by constants or null tests only (`partition by x is null`), puts every row of its
input in one or two tasks: on Spark one executor core sorts the whole table, whatever the
cluster's size; on DuckDB part of the work is serial. Over a table that grows with customers that
is a stage that cannot scale out, so the project partitions such windows (by a bucket of the
ordered value, or of a hash) or replaces them with aggregates joined back.

A window over a table that does not grow with customers may stay unpartitioned when it says so
where a reviewer reads it:
- in its own parentheses, a comment that starts with `bounded:` and says why (for example
  `-- bounded: one row per value bucket, a few hundred at most`);
- for a window that a macro we do not own writes (dbt's `date_spine`), the model's
  `config.meta.windows_without_partition`, with the reason.

The check reads the compiled SQL of a manifest written by a run (`dbt build` or `dbt compile`), so
it sees what macros expand to on the engine that compiled it. String literals and comments are not
searched for windows. Exit status 1 and one line per finding when anything is found.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from open_segments_lab.portability import report

CHECKED_TYPES = ("model", "test", "snapshot")
META_KEY = "windows_without_partition"
WINDOW = re.compile(r"\bover\s*\(", re.IGNORECASE)
PARTITION_BY = re.compile(r"\bpartition\s+by\b", re.IGNORECASE)
BOUNDED = re.compile(r"(--|/\*)\s*bounded:\s*\S", re.IGNORECASE)
# a partition key that makes one or two partitions: a literal, or a null test
CONSTANT_KEY = re.compile(
    r"^\s*(?:-?\d+(?:\.\d+)?|'[^']*'|true|false|null|.+\bis\s+(?:not\s+)?null)\s*$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Finding:
    node: str
    line: int
    window: str

    def __str__(self) -> str:
        return (
            f"{self.node}:{self.line}: `over ({self.window})` is not partitioned (no partition "
            "by, or only by constants or null tests), so it runs in one or two partitions; "
            "partition it, or say why its input does not grow with customers "
            "(a `-- bounded: ...` comment in its parentheses)"
        )


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _without_strings(sql: str) -> str:
    """SQL with the contents of single-quoted literals blanked (positions and lines kept)."""
    return re.sub(r"'(?:[^']|'')*'", lambda m: "'" + _blank(m)[1:-1] + "'", sql)


def _without_comments(sql: str) -> str:
    sql = re.sub(r"/\*.*?\*/", _blank, sql, flags=re.DOTALL)
    return re.sub(r"--[^\n]*", _blank, sql)


def _closing(text: str, start: int) -> int:
    """The index of the parenthesis that closes the one opened just before `start`."""
    depth = 1
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    return len(text)


def _top_level_items(text: str) -> list[str]:
    """`text` split at the commas outside parentheses."""
    items, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(text[start:index])
            start = index + 1
    return [*items, text[start:]]


def _partitioned(body: str) -> bool:
    """Whether a window's parentheses partition it by something that varies: a `partition by`
    of constants or null tests only (`partition by x is null`) makes one or two partitions."""
    found = PARTITION_BY.search(body)
    if not found:
        return False
    keys = re.split(r"\b(?:order\s+by|rows|range|groups)\b", body[found.end() :], flags=re.I)[0]
    return not all(CONSTANT_KEY.match(key.strip().strip("()")) for key in _top_level_items(keys))


def find_in_sql(sql: str, node: str) -> list[Finding]:
    """The windows of one compiled SQL text that are not partitioned by something that varies
    and carry no `bounded:` note."""
    with_comments = _without_strings(sql)
    code = _without_comments(with_comments)
    findings = []
    for match in WINDOW.finditer(code):
        end = _closing(code, match.end())
        body = code[match.end() : end]
        if _partitioned(body) or BOUNDED.search(with_comments[match.end() : end]):
            continue
        line = code.count("\n", 0, match.start()) + 1
        findings.append(Finding(node, line, " ".join(body.split())))
    return findings


def find_in_manifest(manifest: dict) -> list[Finding]:
    """Findings in every compiled model, data test and snapshot of a manifest, except models whose
    `config.meta` names a reason under `windows_without_partition`."""
    findings = []
    for unique_id, node in sorted(manifest["nodes"].items()):
        if node.get("resource_type") not in CHECKED_TYPES or not node.get("compiled_code"):
            continue
        meta = (node.get("config") or {}).get("meta") or {}
        if str(meta.get(META_KEY) or "").strip():
            continue
        findings += find_in_sql(node["compiled_code"], unique_id)
    return findings


def compiled_nodes(manifest: dict) -> int:
    return sum(
        1
        for node in manifest["nodes"].values()
        if node.get("resource_type") in CHECKED_TYPES and node.get("compiled_code")
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else Path("target") / "manifest.json"
    manifest = json.loads(path.read_text())
    if compiled_nodes(manifest) == 0:
        print(f"{path}: no compiled SQL (run dbt build or dbt compile first)")
        return 1
    return report(
        find_in_manifest(manifest),
        "window(s) that run in one partition",
        f"windows: every window of {compiled_nodes(manifest)} compiled nodes is partitioned",
    )


if __name__ == "__main__":
    sys.exit(main())
