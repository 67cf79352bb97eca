"""The generator's vocabularies load from package data files, and every such file ships.

The name lists and place tables are files under ``open_segments_lab/datagen/vocabulary``; the
generator reads them with importlib.resources, so a wheel without them cannot generate.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from open_segments_lab.datagen import vocab as v

PROJECT_DIR = Path(__file__).resolve().parents[2]
PACKAGE = "open_segments_lab.datagen"
DATA_DIR = PROJECT_DIR / "src" / Path(*PACKAGE.split(".")) / "vocabulary"


def test_every_data_file_is_declared_as_package_data() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 on
    config = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"][PACKAGE]
    files = sorted(p.relative_to(DATA_DIR.parent).as_posix() for p in DATA_DIR.iterdir())
    assert files, DATA_DIR
    assert [f for f in files if not any(fnmatch.fnmatch(f, p) for p in patterns)] == []


def test_name_lists_are_clean_names() -> None:
    lists = {
        "female": v.FEMALE_FIRST_NAMES,
        "male": v.MALE_FIRST_NAMES,
        "unisex": v.UNISEX_FIRST_NAMES,
        "last": v.LAST_NAMES,
        "street": v.STREET_NAMES,
    }
    for label, names in lists.items():
        assert len(names) >= 20, label
        assert [n for n in names if not n or n != n.strip() or "\t" in n] == [], label
    assert all(nicks and all(nicks) for nicks in v.NICKNAMES.values())
    assert v.NICKNAMES["Robert"] == ("Bob", "Rob")


def test_places_refer_to_known_countries_and_states() -> None:
    states = {(s.country, s.code) for s in v.STATES}
    assert {country for country, _ in states} == set(v.COUNTRY_CODES)
    assert [c.name for c in v.CITIES if (c.country, c.state) not in states] == []
    assert all(c.weight > 0 and -720 <= c.standard_minutes <= 840 for c in v.CITIES)
    # text stays text: leading zeros of postcodes survive the CSV
    assert {c.name: c.postcode for c in v.CITIES}["Darwin"] == "0800"
