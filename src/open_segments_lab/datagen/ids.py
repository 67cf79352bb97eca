"""Identifier schemes that are unique across chunks without shared state.

Each chunk owns a disjoint block of integers; a bijective affine map
("scramble") turns sequential numbers into random-looking ones while keeping
them unique.  Nothing depends on the number of chunks, so chunks can be
generated in parallel and in any order.
"""

from __future__ import annotations

import math

import numpy as np


def block_ids(chunk: int, block: int, local: np.ndarray) -> np.ndarray:
    """Global integers for chunk-local sequence numbers ``local`` (``0 <= local < block``)."""
    local = np.asarray(local, dtype=np.int64)
    if len(local) and int(local.max()) >= block:
        raise ValueError(f"chunk-local id {int(local.max())} does not fit a block of {block}")
    return chunk * block + local


def scramble(values: np.ndarray, modulus: int, multiplier: int, offset: int = 0) -> np.ndarray:
    """Bijection on ``[0, modulus)``: ``(values * multiplier + offset) % modulus``."""
    if math.gcd(multiplier, modulus) != 1:
        raise ValueError("multiplier must be coprime with modulus")
    if multiplier * modulus >= 2**62:
        raise ValueError("multiplier * modulus must fit in int64")
    x = np.asarray(values, dtype=np.int64) % modulus
    return (x * multiplier + offset) % modulus
