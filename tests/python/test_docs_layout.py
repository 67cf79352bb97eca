"""The README is a user's guide: short, every link alive, no measurements or status reports.

Figures, design history and upgrade steps belong in docs/ and CHANGELOG.md, where they can be
dated; a README that quotes seconds goes stale with the next change and tells a new user nothing
about what they get.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbt_harness import PROJECT_DIR

README = PROJECT_DIR / "README.md"
MAX_README_LINES = 350
# A link target in Markdown: [text](target), skipping web addresses.
LINK = re.compile(r"\]\(([^)\s]+)\)")
# What a measurement or a status paragraph looks like: seconds, memory, "(not) met", a session.
MEASUREMENT = re.compile(
    r"\b\d+(?:\.\d+)?\s?(?:s|ms|GiB|MiB|GB|MB)\b(?![a-z])|\bnot met\b|\bsession \d+\b|> Status:",
    re.IGNORECASE,
)


def _markdown_pages() -> list[Path]:
    return [README, PROJECT_DIR / "CHANGELOG.md", *sorted((PROJECT_DIR / "docs").glob("*.md"))]


def test_readme_is_short() -> None:
    lines = README.read_text().count("\n")
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines (at most {MAX_README_LINES})"


def test_readme_quotes_no_measurement_or_status() -> None:
    found = [
        (number, line.strip())
        for number, line in enumerate(README.read_text().splitlines(), start=1)
        if MEASUREMENT.search(line)
    ]
    assert not found, f"README.md lines that belong in docs/: {found}"


def test_the_measurement_pattern_finds_what_it_is_for() -> None:
    for line in ("dbt build took 117.3 s", "peak 9.5 GiB", "the budget is not met", "> Status: x"):
        assert MEASUREMENT.search(line), line
    for line in ("`make demo` takes a few minutes", "3 or more emails in 90 days", "top 10%"):
        assert not MEASUREMENT.search(line), line


@pytest.mark.parametrize("page", _markdown_pages(), ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    text = page.read_text()
    anchors = {
        re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")
        for heading in re.findall(r"^#+ (.+)$", text, re.MULTILINE)
    }
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        missing = not (page.parent / path).exists() if path else anchor not in anchors
        if missing:
            broken.append(target)
    assert not broken, f"{page.name}: links to nothing: {broken}"


def test_license_and_changelog_are_present() -> None:
    license_text = (PROJECT_DIR / "LICENSE").read_text()
    assert "Apache License" in license_text and "Version 2.0" in license_text
    declared = re.search(r'^license = "(.+)"$', (PROJECT_DIR / "pyproject.toml").read_text(), re.M)
    assert declared and declared.group(1) == "Apache-2.0"
    assert (PROJECT_DIR / "CHANGELOG.md").read_text().startswith("# Changelog")


def test_the_docs_site_opens_on_the_projects_overview() -> None:
    overviews = [
        path
        for path in PROJECT_DIR.joinpath("models").rglob("*.md")
        if "{% docs __overview__ %}" in path.read_text()
    ]
    assert len(overviews) == 1, overviews
