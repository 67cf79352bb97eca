"""Independent, reproducible random streams.

Every (seed, chunk, stream) triple gets its own generator, so a chunk can be
produced in any process and in any order, and adding draws to one source never
shifts the random numbers seen by another.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stream(IntEnum):
    """Stream identifiers.  Values are part of the output contract: never reuse one."""

    PERSONS = 1
    BEHAVIOUR = 2
    CUSTOMERS = 3
    ORDERS = 4
    CONSENT = 5
    WEB = 6
    BOTS = 7
    ESP = 8
    THIRD_PARTY = 9
    ERASURE = 10
    OUTLOOK = 11
    HARD_CUSTOMERS = 12  # hard noise profile only
    HARD_THIRD_PARTY = 13  # hard noise profile only


def stream_rng(seed: int, chunk: int, stream: Stream) -> np.random.Generator:
    """Return the generator for ``stream`` of chunk ``chunk``."""
    return np.random.default_rng(np.random.SeedSequence([seed, chunk, int(stream)]))


def categorical(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one category per element of ``rows`` using row-specific probabilities.

    ``probs`` is a ``(groups, categories)`` matrix whose rows sum to one and
    ``rows`` holds the group of every draw.  Returns ``int64`` category codes.
    """
    cumulative = np.cumsum(probs, axis=1)
    cumulative[:, -1] = 1.0
    u = rng.random(len(rows))
    return (u[:, None] >= cumulative[rows]).sum(axis=1)


def weighted(rng: np.random.Generator, weights: np.ndarray | list[float], n: int) -> np.ndarray:
    """Draw ``n`` codes from unnormalised ``weights``."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum())


def bands(
    u: np.ndarray, default: int | np.ndarray, *options: tuple[int, np.ndarray | float]
) -> np.ndarray:
    """Map uniforms to codes by consecutive probability bands.

    ``bands(u, 0, (1, 0.2), (2, 0.1))`` gives code 1 where ``u < 0.2``, code 2
    where ``0.2 <= u < 0.3`` and ``default`` elsewhere.  Shares may be arrays
    (one per row).
    """
    codes = np.broadcast_to(np.asarray(default, dtype=np.int64), len(u)).copy()
    low = np.zeros(len(u))
    for code, share in options:
        high = low + share
        codes = np.where((u >= low) & (u < high), code, codes)
        low = high
    return codes
