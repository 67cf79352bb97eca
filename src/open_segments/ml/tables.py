"""Reading model inputs from DuckDB relations, deterministically and in batches.

Rows come out of the warehouse in no particular order. Samples are therefore
the rows with the smallest hash of their key (a fixed set whatever the scan
order, and chosen without sorting the whole table), then sorted by key; whole
tables are streamed as Arrow record batches and never held in memory at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from threadpoolctl import threadpool_limits

KEY = "profile_id"
BATCH_ROWS = 200_000


def sample(relation, columns: list[str], rows: int, where: str | None = None):
    """Up to ``rows`` rows (key, then ``columns``) as a pandas frame sorted by key.

    The key must be unique among the rows ``where`` selects (one snapshot, one target)."""
    selected = relation.filter(where) if where else relation
    # pick the keys first (a narrow top-n), then fetch their rows
    keys = selected.select(KEY).order(f"hash({KEY}), {KEY}").limit(rows).set_alias("picked")
    frame = selected.join(keys, KEY).select(", ".join([KEY, *columns])).df()
    return frame.sort_values(KEY, kind="stable").reset_index(drop=True)


def sample_counts(relation, label: str, rows: int, where: str | None = None) -> tuple[int, int]:
    """The rows ``sample`` would pick, counted in the warehouse: (rows, rows where ``label``)."""
    selected = relation.filter(where) if where else relation
    picked = selected.select(f"{KEY}, {label}").order(f"hash({KEY}), {KEY}").limit(rows)
    counted = picked.aggregate(f"count(*), count(case when {label} then 1 end)").fetchone()
    return int(counted[0]), int(counted[1])


def matrix(frame, columns: list[str]) -> np.ndarray:
    return frame[columns].to_numpy(dtype=np.float64)


def stream(
    relation,
    columns: list[str],
    score: Callable[[pa.RecordBatch], pa.RecordBatch],
    schema: pa.Schema,
    where: str | None = None,
) -> pa.RecordBatchReader:
    """Apply ``score`` to every batch of (key, ``columns``); the result is read lazily."""
    selected = relation.filter(where) if where else relation
    reader = selected.select(", ".join([KEY, *columns])).to_arrow_reader(BATCH_ROWS)

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in reader:
            if batch.num_rows:
                yield score(batch)

    return pa.RecordBatchReader.from_batches(schema, batches())


def batch_matrix(batch: pa.RecordBatch, columns: list[str]) -> np.ndarray:
    """The columns as float64, cast by Arrow (decimals and 128-bit integers included:
    converting those element by element in Python is an order of magnitude slower)."""
    return np.column_stack(
        [
            pc.cast(batch.column(name), pa.float64()).to_numpy(zero_copy_only=False)
            for name in columns
        ]
    )


THREADS_ENV = "SEGMENTS_ML_THREADS"


def available_cores() -> int:
    """The cores this process may run on (fewer than the machine's when it is pinned to some)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def library_threads(dbt_threads: int | str | None) -> int:
    """Threads for scikit-learn's native code in one of ``dbt_threads`` concurrent models.

    dbt runs Python models on threads of one process; each model's OpenMP and BLAS pools
    would otherwise take every core, and two models oversubscribe them (threads then wait
    for each other's cores, which costs more than the parallelism gains). Other work on the
    machine oversubscribes them the same way: SEGMENTS_ML_THREADS sets the number outright
    (a positive integer).
    """
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured:
        if not re.fullmatch(r"[0-9]+", configured) or int(configured) < 1:
            raise ValueError(f"{THREADS_ENV} must be a positive integer, got {configured!r}")
        return int(configured)
    return max(1, available_cores() // max(1, int(dbt_threads or 1)))


def limit_library_threads(dbt_threads: int | str | None) -> int:
    """Cap scikit-learn's native thread pools for the rest of the process; returns the cap.

    Process-wide on purpose: streamed scoring runs after the model function returns, and every
    ML model of a build asks for the same cap.
    """
    threads = library_threads(dbt_threads)
    threadpool_limits(limits=threads)
    return threads
