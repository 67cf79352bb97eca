"""Vectorised builders for Arrow string columns.

Nothing here loops over rows.  Strings are produced in three ways:

* ``take`` from a small vocabulary (names, labels, user agents, ...);
* fixed-width ASCII rendered into a ``uint8`` matrix and wrapped as an Arrow
  string array without copying (digits, hex ids, phone templates, timestamps);
* element-wise concatenation with ``pyarrow.compute``.

``choose`` assembles a column whose rows use different builders (for example
one phone format per row) by building each variant only for its own rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DIGIT = np.uint8(ord("0"))


def vocab(values: Sequence[str | None]) -> pa.Array:
    """A small vocabulary as an Arrow string array."""
    return pa.array(list(values), type=pa.string())


def take(values: pa.Array, index: np.ndarray) -> pa.Array:
    """``values[index]`` for an integer numpy index."""
    return values.take(pa.array(np.asarray(index, dtype=np.int64)))


def concat(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation; a null in any part gives a null row."""
    return pc.binary_join_element_wise(*parts, "")


def concat_skip_nulls(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    """Element-wise join of the non-null parts with ``sep``."""
    return pc.binary_join_element_wise(*parts, sep, null_handling="skip")


def repeat(value: str | None, n: int) -> pa.Array:
    """A constant string column (``None`` gives an all-null column)."""
    if value is None:
        return pa.nulls(n, type=pa.string())
    return pa.repeat(pa.scalar(value, type=pa.string()), n)


def from_fixed_width(matrix: np.ndarray) -> pa.Array:
    """Wrap a ``(rows, width)`` ``uint8`` matrix of ASCII bytes as a string array."""
    rows, width = matrix.shape
    data = np.ascontiguousarray(matrix, dtype=np.uint8)
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.string(), rows, buffers)


def digit_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers as ``(rows, width)`` ASCII."""
    v = np.asarray(values, dtype=np.int64)
    if len(v) and (int(v.min()) < 0 or int(v.max()) >= 10**width):
        raise ValueError(f"values must lie in [0, 10**{width})")
    out = np.empty((len(v), width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):
        v, digit = np.divmod(v, 10)
        out[:, position] = digit + _DIGIT
    return out


def digits(values: np.ndarray, width: int | None = None) -> pa.Array:
    """Decimal strings; zero-padded to ``width`` when given, else natural width."""
    if width is None:
        return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
    return from_fixed_width(digit_matrix(values, width))


def hex_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """Lower-case zero-padded hex digits of non-negative integers."""
    v = np.asarray(values, dtype=np.uint64)
    out = np.empty((len(v), width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):
        out[:, position] = _HEX[(v & np.uint64(15)).astype(np.intp)]
        v = v >> np.uint64(4)
    return out


def random_hex(rng: np.random.Generator, n: int, width: int) -> pa.Array:
    """``n`` random lower-case hex strings of ``width`` characters."""
    nibbles = rng.integers(0, 16, size=(n, width), dtype=np.uint8)
    return from_fixed_width(_HEX[nibbles])


def uuid4(rng: np.random.Generator, n: int) -> pa.Array:
    """``n`` random RFC 4122 version-4 UUID strings."""
    nibbles = rng.integers(0, 16, size=(n, 32), dtype=np.uint8)
    nibbles[:, 12] = 4
    nibbles[:, 16] = 8 + (nibbles[:, 16] & 3)
    chars = _HEX[nibbles]
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for src, dst, length in ((0, 0, 8), (8, 9, 4), (12, 14, 4), (16, 19, 4), (20, 24, 12)):
        out[:, dst : dst + length] = chars[:, src : src + length]
    return from_fixed_width(out)


def render_template(template: str, digit_chars: np.ndarray) -> pa.Array:
    """Fill every ``N`` of an ASCII template with the next column of ``digit_chars``.

    ``digit_chars`` is a ``(rows, k)`` ASCII matrix (see :func:`digit_matrix`);
    the template must contain exactly ``k`` ``N`` placeholders, e.g.
    ``"(NNN) NNN-NNNN"`` for a US phone number.
    """
    slots = [i for i, ch in enumerate(template) if ch == "N"]
    if len(slots) != digit_chars.shape[1]:
        raise ValueError(f"template {template!r} needs {digit_chars.shape[1]} placeholders")
    out = np.empty((digit_chars.shape[0], len(template)), dtype=np.uint8)
    out[:] = np.frombuffer(template.encode("ascii"), dtype=np.uint8)
    out[:, slots] = digit_chars
    return from_fixed_width(out)


def choose(codes: np.ndarray, builders: Sequence[Callable[[np.ndarray], pa.Array]]) -> pa.Array:
    """Build a column where row ``i`` comes from ``builders[codes[i]]``.

    Each builder receives the positions of its rows (ascending) and returns an
    array of that length; it is only called when it has at least one row.
    """
    codes = np.asarray(codes, dtype=np.int64)
    n = len(codes)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(builders))
    pieces: list[pa.Array] = []
    start = 0
    for code, count in enumerate(counts):
        if count:
            piece = builders[code](order[start : start + count])
            if len(piece) != count:
                raise ValueError(f"builder {code} returned {len(piece)} rows, expected {count}")
            pieces.append(piece.cast(pa.string()))
            start += count
    if not pieces:
        return pa.array([], type=pa.string())
    merged = pa.concat_arrays(pieces)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n, dtype=np.int64)
    return merged.take(pa.array(inverse))


def scatter(base: pa.Array, mask: np.ndarray, values: pa.Array) -> pa.Array:
    """Replace the rows of ``base`` where ``mask`` is true with ``values`` (in order)."""
    mask = np.asarray(mask, dtype=bool)
    if len(values) != int(mask.sum()):
        raise ValueError("values must have one element per true mask entry")
    if not len(values):
        return base
    position = np.arange(len(base), dtype=np.int64)
    position[mask] = len(base) + np.arange(len(values), dtype=np.int64)
    return pa.concat_arrays([base, values.cast(base.type)]).take(pa.array(position))


def null_where(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """Set rows to null where ``mask`` is true."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return values
    return pc.if_else(pa.array(mask), pa.scalar(None, type=values.type), values)


def where(mask: np.ndarray, if_true: pa.Array, if_false: pa.Array) -> pa.Array:
    """Row-wise ``if_true if mask else if_false``."""
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), if_true, if_false)


def upper_where(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """Upper-case the rows where ``mask`` is true."""
    return _transform_where(values, mask, pc.utf8_upper)


def lower_where(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """Lower-case the rows where ``mask`` is true."""
    return _transform_where(values, mask, pc.utf8_lower)


def _transform_where(
    values: pa.Array, mask: np.ndarray, transform: Callable[[pa.Array], pa.Array]
) -> pa.Array:
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return values
    selected = values.filter(pa.array(mask))
    return scatter(values, mask, transform(selected))
