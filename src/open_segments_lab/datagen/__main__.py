"""Command line: ``python -m open_segments_lab.datagen --customers 50000 --seed 42 --out data/raw``.

``--noise hard`` switches to the hard noise profile: record-linkage-benchmark-like duplicates
(about 25% of CRM persons with 2-5 records, each duplicate with 1-5 corruptions and no email,
phone or loyalty id of the original) and third-party rows that match on name, address and (on
60% of rows) date of birth only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from open_segments_lab.datagen.config import (
    CHUNK_SIZE,
    DEFAULT_END_DATE,
    DEFAULT_HISTORY_DAYS,
    NOISE_PROFILES,
    GeneratorConfig,
)
from open_segments_lab.datagen.pipeline import RunSummary, generate


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m open_segments_lab.datagen",
        description="Generate messy synthetic raw data (with ground truth) as Parquet.",
    )
    parser.add_argument(
        "--customers", type=int, required=True, help="number of true persons who are CRM customers"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    parser.add_argument(
        "--out", type=Path, default=Path("data/raw"), help="output directory (default: data/raw)"
    )
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=DEFAULT_END_DATE,
        help=f"last observed day, YYYY-MM-DD (default: {DEFAULT_END_DATE})",
    )
    parser.add_argument(
        "--history-days",
        type=int,
        default=DEFAULT_HISTORY_DAYS,
        help=f"days of history before the end date (default: {DEFAULT_HISTORY_DAYS})",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=CHUNK_SIZE,
        help=f"CRM persons per chunk; part of the output identity (default: {CHUNK_SIZE})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="worker processes; does not change the output (default: up to 2)",
    )
    parser.add_argument(
        "--noise",
        choices=NOISE_PROFILES,
        default="default",
        help=(
            "noise profile (default: default). 'hard' is shaped like record-linkage benchmark"
            " files: ~25%% of CRM persons have 2-5 records, each duplicate has 1-5 corruptions"
            " (typos, OCR, phonetic, nicknames, swapped names, nulls, birth date and postcode"
            " slips) and no email, phone or loyalty id of the original; third-party rows carry"
            " no email, hash or phone, a date of birth on 60%% of rows and 0-2 corruptions"
        ),
    )
    parser.add_argument("--no-progress", action="store_true", help="disable the progress bar")
    return parser


def _report(summary: RunSummary) -> str:
    width = max(len(name) for name in summary.rows)
    lines = [f"{'file':<{width}}  {'rows':>12}  {'MiB':>9}"]
    for name, rows in summary.rows.items():
        size = summary.bytes[name] / 2**20
        lines.append(f"{name:<{width}}  {rows:>12,}  {size:>9.1f}")
    lines.append(f"done in {summary.seconds:.1f} s")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        config = GeneratorConfig(
            customers=args.customers,
            seed=args.seed,
            out=args.out,
            end_date=args.end_date,
            history_days=args.history_days,
            chunk_size=args.chunk_size,
            workers=max(1, args.workers),
            progress=not args.no_progress,
            noise=args.noise,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(_report(generate(config)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
