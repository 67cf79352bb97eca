"""Tiny raw data folders shaped like real exports, for tests that build a handful of rows."""

from __future__ import annotations

import csv
from pathlib import Path

from open_segments_lab.datagen import schema


def write_raw(folder: Path, rows: dict[str, list[dict[str, str]]]) -> str:
    """Every raw table of the contract as a CSV export with its contract columns (header only
    where `rows`, keyed by table name such as 'crm_orders', has none; a row's missing columns
    are empty), and the location pattern that reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in schema.RAW_FILES:
        table = name.removesuffix(".parquet")
        with (folder / f"{table}.csv").open("w", newline="") as f:
            writer = csv.DictWriter(f, schema.FILES[name].names)
            writer.writeheader()
            writer.writerows(rows.get(table, []))
    return str(folder / "{source}_{table}.csv")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """One CSV export with its own header, as a system other than ours names its columns."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
