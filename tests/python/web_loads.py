"""Raw web events as a collector delivers them over days, for the incremental tests.

`deliver_messily` copies generated raw data and makes the web events harder to load
incrementally: a few rows get an unreadable receipt time, and a few events are delivered again
twelve days later. `web_event_loads` cuts that history into three loads, each holding every row
received before its cut-off, except rows a loader delivers a load late.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

RECEIVED = "try_cast(received_at as timestamp)"


def _link_other_sources(source: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.parquet"):
        if path.name != "web_events.parquet":
            (folder / path.name).symlink_to(path)


def cutoffs(raw: Path) -> tuple[date, date]:
    """The cut-offs of the first two loads: 13 and 6 days before the last receipt day."""
    last = duckdb.sql(f"select max({RECEIVED}) from '{raw / 'web_events.parquet'}'").fetchone()[0]
    return last.date() - timedelta(days=13), last.date() - timedelta(days=6)


def deliver_messily(generated: Path, raw: Path) -> Path:
    """The generated data with messier web events (the generator always writes a readable
    receipt time and redelivers only within minutes)."""
    _link_other_sources(generated, raw)
    events = generated / "web_events.parquet"
    _first, second = cutoffs(generated)
    duckdb.sql(
        f"""
        copy (
            select * replace (
                case when hash(event_id) % 97 = 0 then 'not recorded' else received_at end
                    as received_at
            )
            from '{events}'
            union all
            select * replace (
                strftime({RECEIVED} + interval 12 day, '%Y-%m-%dT%H:%M:%S.%gZ') as received_at
            )
            from '{events}'
            where hash(event_id) % 13 = 0
                and {RECEIVED} >= date '{second}' - interval 12 day
                and {RECEIVED} < date '{second}' - interval 5 day
        ) to '{raw / "web_events.parquet"}'
        """
    )
    return raw


def web_event_loads(raw: Path, folder: Path) -> list[Path]:
    """Three raw folders: the loads at the two cut-offs, then `raw` itself (the last load).

    A load holds the rows received before its cut-off, except rows received two days before it
    whose event id hashes to 0 mod 5: the loader delivers those only with the next load (an
    incremental run's lookback of two days must pick them up). Rows with an unreadable receipt
    time arrive with the load their event time falls in."""
    loads = []
    for number, cutoff in enumerate(cutoffs(raw), start=1):
        load = folder / f"load_{number}"
        _link_other_sources(raw, load)
        held_back = (
            f"{RECEIVED} >= date '{cutoff}' - interval 2 day "
            f"and {RECEIVED} < date '{cutoff}' - interval 1 day and hash(event_id) % 5 = 0"
        )
        kept = (
            f"case when {RECEIVED} is null then try_cast(event_at as timestamp) < date '{cutoff}' "
            f"else {RECEIVED} < date '{cutoff}' and not ({held_back}) end"
        )
        duckdb.sql(
            f"copy (from '{raw / 'web_events.parquet'}' where {kept}) "
            f"to '{load / 'web_events.parquet'}'"
        )
        loads.append(load)
    return [*loads, raw]


def location(folder: Path) -> str:
    """The raw location pattern of a folder of raw files."""
    return str(folder / "{source}_{table}.parquet")
