"""Record corruptions of the hard noise profile, shaped like record-linkage benchmark files.

FEBRL-style duplicate generators copy a record and modify the copy a few times, in any field:
keyboard typos (insert, delete, substitute, transpose), OCR confusions (``0``/``O``, ``rn``/``m``),
phonetic respellings (``ph``/``f``, ``Catherine``/``Katherine``, doubled letters), nicknames,
missing values and, for dates and numbers, single-digit slips and day/month swaps.  This module
holds those edits as vectorised functions over Arrow string columns; the source builders
(:mod:`customers`, :mod:`third_party`) decide which records get how many, with :func:`plan`.

Edits work on the UTF-8 bytes of a column (a ``uint8`` buffer plus offsets): a row's edit is a
splice ``value[:start] + insert + value[stop:]``, assembled for all rows with one gather.
Positions are only chosen at ASCII letters or digits (or at ASCII rule matches), so a multi-byte
character is never cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from open_segments_lab.datagen import mess
from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.rng import weighted
from open_segments_lab.datagen.textops import (
    choose,
    concat,
    lower_where,
    null_where,
    repeat,
    scatter,
    take,
    upper_where,
    where,
)
from open_segments_lab.datagen.textops import vocab as to_vocab
from open_segments_lab.datagen.timefmt import civil_from_days, days_from_civil


def _byte_set(chars: bytes) -> np.ndarray:
    """A 256-entry mask of the given ASCII characters."""
    return np.isin(np.arange(256), np.frombuffer(chars, dtype=np.uint8))


_UPPER = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
LETTERS = _UPPER | _byte_set(b"abcdefghijklmnopqrstuvwxyz")
DIGITS = _byte_set(b"0123456789")
_VOWELS = _byte_set(b"aeiouyAEIOUY")

_KEYBOARD = {
    "q": "wa",
    "w": "qes",
    "e": "wrds",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "ol",
    "a": "qsz",
    "s": "adwz",
    "d": "sfe",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "j": "hku",
    "k": "jli",
    "l": "kop",
    "z": "asx",
    "x": "zsc",
    "c": "xdv",
    "v": "cfb",
    "b": "vgn",
    "n": "bhm",
    "m": "njk",
}
"""QWERTY neighbours: the keys a finger slips to."""


def _neighbour_table() -> tuple[np.ndarray, np.ndarray]:
    """``(256, 9)`` replacement bytes per byte and how many of them are valid."""
    table = np.zeros((256, 9), dtype=np.uint8)
    count = np.zeros(256, dtype=np.int64)
    pairs = [(key, near) for key, near in _KEYBOARD.items()]
    pairs += [(key.upper(), near.upper()) for key, near in _KEYBOARD.items()]
    pairs += [(d, "0123456789".replace(d, "")) for d in "0123456789"]
    for key, near in pairs:
        table[ord(key), : len(near)] = np.frombuffer(near.encode("ascii"), dtype=np.uint8)
        count[ord(key)] = len(near)
    return table, count


_NEAR, _NEAR_COUNT = _neighbour_table()


# ----------------------------------------------------------------------------- byte-level edits


@dataclass(frozen=True)
class _Utf8:
    """A string column as bytes: ``data[offsets[i]:offsets[i + 1]]`` is row ``i``."""

    offsets: np.ndarray  # int64, rows + 1, starting at 0
    data: np.ndarray  # uint8
    valid: np.ndarray  # bool per row

    @classmethod
    def of(cls, values: pa.Array | pa.ChunkedArray) -> _Utf8:
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        values = values.cast(pa.string())
        n = len(values)
        if n == 0:
            return cls(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8), np.zeros(0, bool))
        valid = values.is_valid().to_numpy(zero_copy_only=False)
        filled = pc.fill_null(values, "")
        _, offsets, data = filled.buffers()
        raw = np.frombuffer(offsets, dtype=np.int32)[filled.offset : filled.offset + n + 1]
        raw = raw.astype(np.int64)
        body = np.zeros(0, np.uint8) if data is None else np.frombuffer(data, dtype=np.uint8)
        return cls(raw - raw[0], body[raw[0] : raw[-1]], valid)

    @classmethod
    def of_bytes(cls, matrix: np.ndarray, length: np.ndarray) -> _Utf8:
        """Rows made of the first ``length[i]`` bytes of ``matrix[i]``."""
        keep = np.arange(matrix.shape[1]) < np.asarray(length)[:, None]
        offsets = np.concatenate([[0], np.cumsum(length)]).astype(np.int64)
        return cls(offsets, matrix[keep].astype(np.uint8), np.ones(len(length), dtype=bool))

    @property
    def length(self) -> np.ndarray:
        return np.diff(self.offsets)

    def byte_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Row of every byte and the byte's position within its row."""
        row = np.repeat(np.arange(len(self.valid)), self.length)
        return row, np.arange(len(self.data)) - self.offsets[row]

    def byte_at(self, position: np.ndarray) -> np.ndarray:
        """Byte at ``position`` of every row; 0 where the row is shorter."""
        inside = (position >= 0) & (position < self.length)
        padded = np.append(self.data, np.uint8(0))
        index = np.where(inside, self.offsets[:-1] + position, len(self.data))
        return padded[index]

    def to_arrow(self) -> pa.Array:
        buffers = [
            None,
            pa.py_buffer(self.offsets.astype(np.int32)),
            pa.py_buffer(np.ascontiguousarray(self.data, dtype=np.uint8)),
        ]
        array = pa.Array.from_buffers(pa.string(), len(self.valid), buffers)
        return null_where(array, ~self.valid)


def _splice(text: _Utf8, start: np.ndarray, stop: np.ndarray, insert: _Utf8) -> _Utf8:
    """``value[:start] + insert + value[stop:]`` per row (byte positions)."""
    length = text.length
    start = np.clip(start, 0, length)
    stop = np.clip(stop, start, length)
    insert_length = insert.length
    new_length = start + insert_length + length - stop
    offsets = np.concatenate([[0], np.cumsum(new_length)]).astype(np.int64)
    row = np.repeat(np.arange(len(length)), new_length)
    at = np.arange(offsets[-1]) - offsets[row]
    head = start[row]
    middle = head + insert_length[row]
    source = np.where(
        at < head,
        text.offsets[row] + at,
        np.where(
            at < middle,
            len(text.data) + insert.offsets[row] + at - head,
            text.offsets[row] + stop[row] + at - middle,
        ),
    )
    data = np.concatenate([text.data, insert.data])[source]
    return _Utf8(offsets, data, text.valid)


def splice(values: pa.Array, start: np.ndarray, stop: np.ndarray, insert: pa.Array) -> pa.Array:
    """``value[:start] + insert + value[stop:]`` per row, at byte positions; nulls stay null."""
    return _splice(_Utf8.of(values), start, stop, _Utf8.of(insert)).to_arrow()


def _pick(text: _Utf8, eligible: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Per row, the position of a uniformly chosen byte where ``eligible`` holds; -1 if none."""
    n = len(text.valid)
    hits = np.flatnonzero(eligible)
    if not len(hits):
        return np.full(n, -1, dtype=np.int64)
    row = np.repeat(np.arange(n), text.length)[hits]
    count = np.bincount(row, minlength=n)
    first = np.cumsum(count) - count
    k = first + np.minimum((u * count).astype(np.int64), np.maximum(count - 1, 0))
    position = hits[np.minimum(k, len(hits) - 1)] - text.offsets[:-1]
    return np.where(count > 0, position, -1)


# ----------------------------------------------------------------------------- typos


class Typo(IntEnum):
    INSERT = 0
    DELETE = 1
    SUBSTITUTE = 2
    TRANSPOSE = 3


_TYPO_CUT = np.array([0, 1, 1, 2])  # bytes removed by each Typo
_TYPO_TYPED = np.array([1, 0, 1, 2])  # bytes typed by each Typo


def typos(
    rng: np.random.Generator,
    values: pa.Array,
    *,
    digits: bool = False,
    weights: Sequence[float] = (20, 25, 35, 20),
) -> pa.Array:
    """One keyboard slip per row (a :class:`Typo` drawn with ``weights``).

    Edits land on a letter (on a digit with ``digits``), never on the first letter of a word-like
    value, which people rarely mistype.  A transposition without two different neighbouring
    characters becomes a substitution, a deletion from a value of fewer than three characters
    (two digits) too, and a row with nothing to edit gets a character appended.
    """
    text = _Utf8.of(values)
    n = len(text.valid)
    kind = DIGITS if digits else LETTERS
    row, at = text.byte_rows()
    data = text.data
    length = text.length
    after = np.where(at < length[row] - 1, np.append(data[1:], np.uint8(0)), 0)
    eligible = kind[data] & ((at >= 1) | digits)
    swappable = eligible & kind[after] & (after != data)
    op = weighted(rng, weights, n)
    u = rng.random(n)
    anywhere = _pick(text, eligible, u)
    pair = _pick(text, swappable, u)
    op = np.where((op == Typo.TRANSPOSE) & (pair < 0), Typo.SUBSTITUTE, op)
    op = np.where((op == Typo.DELETE) & (length < (2 if digits else 3)), Typo.SUBSTITUTE, op)
    position = np.where(op == Typo.TRANSPOSE, pair, anywhere)
    op = np.where(position < 0, Typo.INSERT, op)
    position = np.where(position < 0, length, position)

    current = text.byte_at(position)
    reference = np.where(position < length, current, text.byte_at(position - 1))
    typed = _near(reference, rng.random(n), digits)
    typed = np.where(op == Typo.TRANSPOSE, text.byte_at(position + 1), typed)
    insert = _Utf8.of_bytes(np.column_stack([typed, current]), _TYPO_TYPED[op])
    return _splice(text, position, position + _TYPO_CUT[op], insert).to_arrow()


def _near(reference: np.ndarray, u: np.ndarray, digits: bool) -> np.ndarray:
    """A keyboard neighbour of each byte (another digit for digits), in the same case."""
    count = _NEAR_COUNT[reference]
    pick = np.minimum((u * np.maximum(count, 1)).astype(np.int64), 8)
    near = _NEAR[reference, pick]
    fallback = (ord("0") + (u * 10).astype(np.int64)) if digits else ord("e")
    return np.where(count > 0, near, fallback).astype(np.uint8)


# ----------------------------------------------------------------------------- rewrite rules


@dataclass(frozen=True)
class Rules:
    """Substring rewrites; a row gets one, at the first match of an applicable rule.

    With ``ignore_case`` patterns are lower case, matched case-insensitively, and the replacement
    takes the case of the match (``Ph`` -> ``F``, ``PH`` -> ``F`` in an upper-case value).
    """

    patterns: tuple[str, ...]
    replacements: tuple[str, ...]
    ignore_case: bool

    @classmethod
    def of(cls, pairs: Sequence[tuple[str, str]], *, ignore_case: bool) -> Rules:
        return cls(tuple(p for p, _ in pairs), tuple(r for _, r in pairs), ignore_case)


OCR = Rules.of(
    [
        ("0", "O"),
        ("O", "0"),
        ("o", "0"),
        ("1", "l"),
        ("l", "1"),
        ("1", "I"),
        ("I", "1"),
        ("I", "l"),
        ("l", "I"),
        ("i", "l"),
        ("5", "S"),
        ("S", "5"),
        ("s", "5"),
        ("8", "B"),
        ("B", "8"),
        ("2", "Z"),
        ("Z", "2"),
        ("6", "G"),
        ("G", "6"),
        ("b", "6"),
        ("9", "g"),
        ("g", "9"),
        ("q", "9"),
        ("rn", "m"),
        ("m", "rn"),
        ("cl", "d"),
        ("d", "cl"),
        ("vv", "w"),
        ("w", "vv"),
        ("li", "h"),
        ("h", "li"),
        ("ri", "n"),
        ("e", "c"),
        ("c", "e"),
        ("u", "v"),
    ],
    ignore_case=False,
)
"""Characters a scanner confuses (FEBRL's OCR table, extended)."""

PHONETIC = Rules.of(
    [
        ("ph", "f"),
        ("f", "ph"),
        ("ck", "k"),
        ("c", "k"),
        ("k", "c"),
        ("y", "i"),
        ("i", "y"),
        ("ie", "y"),
        ("y", "ie"),
        ("ee", "ea"),
        ("ea", "ee"),
        ("ou", "ow"),
        ("ow", "ou"),
        ("z", "s"),
        ("s", "z"),
        ("x", "ks"),
        ("th", "t"),
        ("gh", ""),
        ("qu", "kw"),
        ("mac", "mc"),
        ("mc", "mac"),
        ("son", "sen"),
        ("sen", "son"),
        ("ey", "y"),
        ("ai", "ay"),
        ("ay", "ai"),
        ("ei", "ie"),
        ("ie", "ei"),
        ("ae", "e"),
        ("sch", "sh"),
        ("sh", "sch"),
        ("v", "w"),
        ("w", "v"),
        ("ce", "se"),
        ("j", "g"),
        ("dt", "t"),
        ("er", "a"),
    ],
    ignore_case=True,
)
"""Same sound, other spelling (after FEBRL's phonetic table)."""


def rewrite(
    rng: np.random.Generator, values: pa.Array, rules: Rules
) -> tuple[pa.Array, np.ndarray]:
    """Apply one randomly chosen applicable rule per row; also returns which rows had one."""
    n = len(values)
    if n == 0:
        return values, np.zeros(0, dtype=bool)
    haystack = pc.ascii_lower(values) if rules.ignore_case else values
    found = np.column_stack(
        [
            pc.fill_null(pc.find_substring(haystack, pattern), -1).to_numpy(zero_copy_only=False)
            for pattern in rules.patterns
        ]
    )
    keys = np.where(found >= 0, rng.random(found.shape), -1.0)
    rule = keys.argmax(axis=1)
    applied = keys.max(axis=1) >= 0
    position = np.where(applied, found[np.arange(n), rule], 0)
    cut = np.array([len(p) for p in rules.patterns])[rule]

    text = _Utf8.of(values)
    if rules.ignore_case:
        forms = [f for r in rules.replacements for f in (r.lower(), r.capitalize(), r.upper())]
        all_upper = pc.fill_null(pc.utf8_is_upper(values), False).to_numpy(zero_copy_only=False)
        first_upper = _UPPER[text.byte_at(position)]
        case = np.where(all_upper, 2, np.where(first_upper, 1, 0))
        form = rule * 3 + case
    else:
        forms = list(rules.replacements)
        form = rule
    form = np.where(applied, form, len(forms))  # unapplied rows splice in ""
    insert = _Utf8.of(take(to_vocab([*forms, ""]), form))
    result = _splice(text, position, np.where(applied, position + cut, position), insert)
    return result.to_arrow(), applied


def _doubling(rng: np.random.Generator, values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Write a doubled letter once (``Phillip`` -> ``Philip``) or a consonant twice."""
    text = _Utf8.of(values)
    n = len(text.valid)
    row, at = text.byte_rows()
    data = text.data
    last = at == text.length[row] - 1
    after = np.where(last, 0, np.append(data[1:], np.uint8(0)))
    before = np.where(at == 0, 0, np.insert(data[:-1], 0, np.uint8(0)))
    doubled = LETTERS[data] & (after == data)
    single = LETTERS[data] & ~_VOWELS[data] & (at >= 1) & (before != data) & (after != data)
    u = rng.random(n)
    undouble = _pick(text, doubled, u)
    double = _pick(text, single, u)
    use_undouble = (undouble >= 0) & ((double < 0) | (rng.random(n) < 0.5))
    applied = (undouble >= 0) | (double >= 0)
    position = np.where(use_undouble, undouble, np.maximum(double, 0))
    typed = np.where(use_undouble | ~applied, 0, 1)
    insert = _Utf8.of_bytes(text.byte_at(position)[:, None], typed)
    cut = np.where(use_undouble, 1, 0)
    return _splice(text, position, position + cut, insert).to_arrow(), applied


def _or_else(
    result: tuple[pa.Array, np.ndarray],
    original: pa.Array,
    fallback: Callable[[pa.Array], pa.Array],
) -> pa.Array:
    """``result`` where it applied, ``fallback(original)`` in the other rows."""
    values, applied = result
    missing = ~applied
    if not missing.any():
        return values
    return scatter(values, missing, fallback(original.filter(pa.array(missing))))


def ocr(rng: np.random.Generator, values: pa.Array, *, digits: bool = False) -> pa.Array:
    """One OCR confusion per row; a typo where no rule applies."""
    return _or_else(rewrite(rng, values, OCR), values, lambda x: typos(rng, x, digits=digits))


def respell(rng: np.random.Generator, values: pa.Array) -> pa.Array:
    """One phonetic respelling per row (a rule, or a letter doubled / undoubled); else a typo."""
    use_rule = rng.random(len(values)) < 0.7

    def doubling_then_typo(x: pa.Array) -> pa.Array:
        return _or_else(_doubling(rng, x), x, lambda y: typos(rng, y))

    def rule_then_doubling(x: pa.Array) -> pa.Array:
        return _or_else(rewrite(rng, x, PHONETIC), x, doubling_then_typo)

    return choose(
        use_rule.astype(np.int64),
        [
            lambda r: doubling_then_typo(values.take(pa.array(r))),
            lambda r: rule_then_doubling(values.take(pa.array(r))),
        ],
    )


# ----------------------------------------------------------------------------- fields


class NameNoise(IntEnum):
    TYPO = 0
    OCR = 1
    PHONETIC = 2
    NICKNAME = 3
    MISSING = 4


FIRST_NAME_NOISE = (30, 8, 25, 25, 12)
LAST_NAME_NOISE = (40, 10, 38, 0, 12)
PLACE_NOISE = (45, 10, 33, 0, 12)  # city names


def name_noise(
    rng: np.random.Generator,
    values: pa.Array,
    weights: Sequence[float],
    nickname: pa.Array | None = None,
) -> pa.Array:
    """One :class:`NameNoise` corruption per row.

    ``nickname`` (per row, may be null) is the name's nickname; a row whose nickname is missing
    or is the name itself is respelled instead.
    """
    n = len(values)
    kind = weighted(rng, weights, n)

    def rows(r: np.ndarray) -> pa.Array:
        return values.take(pa.array(r))

    def nick(r: np.ndarray) -> pa.Array:
        original = rows(r)
        if nickname is None:
            return respell(rng, original)
        other = nickname.take(pa.array(r))
        differs = pc.not_equal(pc.utf8_lower(other), pc.utf8_lower(original))
        usable = pc.fill_null(differs, False).to_numpy(zero_copy_only=False)
        upper = pc.fill_null(pc.utf8_is_upper(original), False).to_numpy(zero_copy_only=False)
        return _or_else((upper_where(other, upper), usable), original, lambda x: respell(rng, x))

    return choose(
        kind,
        [
            lambda r: typos(rng, rows(r)),
            lambda r: ocr(rng, rows(r)),
            lambda r: respell(rng, rows(r)),
            nick,
            lambda r: repeat(None, len(r)),
        ],
    )


class DateNoise(IntEnum):
    SWAP_DAY_MONTH = 0  # 1985-03-07 -> 1985-07-03
    YEAR_DIGIT = 1  # 1985 -> 1986, 1975
    MONTH_DIGIT = 2  # 03 -> 08
    DAY_DIGIT = 3  # 07 -> 01, 17


DATE_NOISE = (30, 30, 15, 25)


def _one_digit_away(low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """For every value in ``[0, 31]``: the values in ``[low, high]`` that differ in one digit."""
    table = np.zeros((32, 18), dtype=np.int64)
    count = np.zeros(32, dtype=np.int64)
    for value in range(32):
        others = [
            other
            for other in range(low, high + 1)
            if sum(a != b for a, b in zip(f"{value:02d}", f"{other:02d}", strict=True)) == 1
        ]
        table[value, : len(others)] = others
        count[value] = len(others)
    return table, count


_MONTHS_AWAY = _one_digit_away(1, 12)
_DAYS_AWAY = _one_digit_away(1, 28)  # always a valid day of any month


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    following = days_from_civil(year + (month == 12), month % 12 + 1, np.ones_like(month))
    return following - days_from_civil(year, month, np.ones_like(month))


def _random_valid(rng: np.random.Generator, options: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """A uniformly chosen valid entry of every row of ``options`` (-1 where none is valid)."""
    keys = np.where(valid, rng.random(options.shape), -1.0)
    choice = options[np.arange(len(options)), keys.argmax(axis=1)]
    return np.where(valid.any(axis=1), choice, -1)


def date_noise(rng: np.random.Generator, days: np.ndarray, latest_year: int) -> np.ndarray:
    """One :class:`DateNoise` slip per date (days since 1970-01-01); always a valid, other date.

    A day/month swap needs a day of 12 or less that differs from the month, else a digit of the
    day changes.  Years stay in ``[1900, latest_year]``.
    """
    n = len(days)
    year, month, day = civil_from_days(days)
    kind = weighted(rng, DATE_NOISE, n)
    swappable = (day <= 12) & (day != month)
    kind = np.where((kind == DateNoise.SWAP_DAY_MONTH) & ~swappable, DateNoise.DAY_DIGIT, kind)

    last_digit = year - year % 10 + np.arange(10)[:, None]
    tens_digit = year - year % 100 + year % 10 + 10 * np.arange(10)[:, None]
    years = np.concatenate([last_digit, tens_digit]).T
    leap = _days_in_month(years.ravel(), 2).reshape(n, 20) == 29
    leap_ok = ((month != 2) | (day != 29))[:, None] | leap
    year_ok = (years != year[:, None]) & (years >= 1900) & (years <= latest_year) & leap_ok
    new_year = _random_valid(rng, years, year_ok)

    months = _MONTHS_AWAY[0][month]
    month_ok = (np.arange(18) < _MONTHS_AWAY[1][month][:, None]) & (
        day[:, None] <= _days_in_month(np.repeat(year, 18), months.ravel()).reshape(n, 18)
    )
    new_month = _random_valid(rng, months, month_ok)
    kind = np.where((kind == DateNoise.YEAR_DIGIT) & (new_year < 0), DateNoise.DAY_DIGIT, kind)
    kind = np.where((kind == DateNoise.MONTH_DIGIT) & (new_month < 0), DateNoise.DAY_DIGIT, kind)
    days_ok = np.arange(18) < _DAYS_AWAY[1][day][:, None]
    new_day = _random_valid(rng, _DAYS_AWAY[0][day], days_ok)

    out_year = np.where(kind == DateNoise.YEAR_DIGIT, new_year, year)
    out_month = np.select(
        [kind == DateNoise.SWAP_DAY_MONTH, kind == DateNoise.MONTH_DIGIT], [day, new_month], month
    )
    out_day = np.select(
        [kind == DateNoise.SWAP_DAY_MONTH, kind == DateNoise.DAY_DIGIT], [month, new_day], day
    )
    return days_from_civil(out_year, out_month, out_day)


class CodeNoise(IntEnum):
    """Corruptions of postcodes and street numbers."""

    DIGIT = 0  # one digit mistyped
    TRANSPOSE = 1  # two neighbouring digits swapped
    OCR = 2
    MISSING = 3


POSTCODE_NOISE = (55, 15, 15, 15)
STREET_NUMBER_NOISE = (60, 12, 13, 15)


def code_noise(
    rng: np.random.Generator, values: pa.Array, weights: Sequence[float], *, extend: bool = False
) -> pa.Array:
    """One :class:`CodeNoise` corruption per row; ``extend`` also lets a digit be added/dropped."""
    kind = weighted(rng, weights, len(values))
    digit_weights = (10, 10, 80, 0) if extend else (0, 0, 1, 0)

    def rows(r: np.ndarray) -> pa.Array:
        return values.take(pa.array(r))

    return choose(
        kind,
        [
            lambda r: typos(rng, rows(r), digits=True, weights=digit_weights),
            lambda r: typos(rng, rows(r), digits=True, weights=(0, 0, 0, 1)),
            lambda r: ocr(rng, rows(r), digits=True),
            lambda r: repeat(None, len(r)),
        ],
    )


class StreetNoise(IntEnum):
    TYPO = 0
    OCR = 1
    PHONETIC = 2
    STREET_TYPE = 3  # "Smith Street" -> "Smith Str", "Smith Road"
    NUMBER = 4  # a digit of a street number inside the line
    MISSING = 5


STREET_NOISE = (35, 8, 15, 30, 0, 12)
STREET_LINE_NOISE = (30, 8, 12, 25, 20, 5)  # single-line addresses that carry the number


def street_noise(
    rng: np.random.Generator, values: pa.Array, street_type: np.ndarray, weights: Sequence[float]
) -> pa.Array:
    """One :class:`StreetNoise` corruption per address line; ``street_type`` is the true type."""
    kind = weighted(rng, weights, len(values))

    def rows(r: np.ndarray) -> pa.Array:
        return values.take(pa.array(r))

    return choose(
        kind,
        [
            lambda r: typos(rng, rows(r)),
            lambda r: ocr(rng, rows(r)),
            lambda r: respell(rng, rows(r)),
            lambda r: street_type_variant(rng, rows(r), street_type[r]),
            lambda r: typos(rng, rows(r), digits=True, weights=(10, 10, 70, 10)),
            lambda r: repeat(None, len(r)),
        ],
    )


_MISSPELT = to_vocab([text for variants in v.STREET_TYPE_MISSPELLINGS for text in variants])
_MISSPELT_COUNT = np.array([len(variants) for variants in v.STREET_TYPE_MISSPELLINGS])
_MISSPELT_START = np.cumsum(_MISSPELT_COUNT) - _MISSPELT_COUNT
_TYPE_TEXT = to_vocab([text for pair in v.STREET_TYPES for text in pair])


def street_type_variant(
    rng: np.random.Generator, values: pa.Array, street_type: np.ndarray
) -> pa.Array:
    """Replace the street type (the last word) with a misspelling (3 in 4) or another type."""
    n = len(values)
    parts = pc.split_pattern(values, " ", max_splits=1, reverse=True)
    two = pc.fill_null(pc.equal(pc.list_value_length(parts), 2), False)
    has_type = two.to_numpy(zero_copy_only=False)
    u = rng.random(n)
    misspelt = take(
        _MISSPELT,
        _MISSPELT_START[street_type] + (u * _MISSPELT_COUNT[street_type]).astype(np.int64),
    )
    other = weighted(rng, v.STREET_TYPE_WEIGHTS, n)
    other = np.where(other == street_type, (other + 1) % len(v.STREET_TYPES), other)
    wrong = take(_TYPE_TEXT, other * 2 + rng.integers(0, 2, n))
    word = where(rng.random(n) < 0.75, misspelt, wrong)
    head = pc.list_element(pc.if_else(two, parts, pa.scalar([""], parts.type)), 0)
    line = concat(head, " ", word)
    upper = pc.fill_null(pc.utf8_is_upper(values), False).to_numpy(zero_copy_only=False)
    lower = pc.fill_null(pc.utf8_is_lower(values), False).to_numpy(zero_copy_only=False)
    line = lower_where(upper_where(line, upper), lower)
    return _or_else((line, has_type), values, lambda x: typos(rng, x))


# ----------------------------------------------------------------------------- planning


def plan(
    rng: np.random.Generator,
    applicable: np.ndarray,
    weights: Sequence[float],
    counts: np.ndarray,
) -> np.ndarray:
    """Which fields of each row to corrupt: ``counts[i]`` distinct applicable fields of row ``i``.

    ``applicable`` is a ``(rows, fields)`` boolean matrix; fields are drawn without replacement
    with probability proportional to ``weights`` (exponential keys), and a row with fewer
    applicable fields than its count gets all of them.
    """
    n, width = applicable.shape
    keys = np.where(applicable, rng.exponential(size=(n, width)) / np.asarray(weights), np.inf)
    order = np.argsort(keys, axis=1, kind="stable")
    count = np.minimum(counts, applicable.sum(axis=1))
    chosen = np.zeros((n, width), dtype=bool)
    np.put_along_axis(chosen, order, np.arange(width) < count[:, None], axis=1)
    return chosen


FieldNoise = Callable[[np.ndarray, pa.Array], pa.Array]
"""Corrupts the values of some rows: ``(row positions, their values) -> new values``."""


def first_name_field(
    rng: np.random.Generator, first: np.ndarray, swapped: np.ndarray | None = None
) -> FieldNoise:
    """Noise of a first-name column whose rows hold the names ``first`` (vocabulary indices).

    ``swapped`` rows hold the surname instead, so they get no nickname.
    """
    nick = np.where(rng.random(len(first)) < 0.8, mess.NameVariant.NICK_A, mess.NameVariant.NICK_B)
    nicknames = mess.first_names().book.render(first, nick)
    if swapped is not None:
        nicknames = null_where(nicknames, swapped)
    return lambda r, x: name_noise(rng, x, FIRST_NAME_NOISE, nicknames.take(pa.array(r)))


def last_name_field(rng: np.random.Generator) -> FieldNoise:
    return lambda r, x: name_noise(rng, x, LAST_NAME_NOISE)


def city_field(rng: np.random.Generator) -> FieldNoise:
    return lambda r, x: name_noise(rng, x, PLACE_NOISE)


def postcode_field(rng: np.random.Generator) -> FieldNoise:
    return lambda r, x: code_noise(rng, x, POSTCODE_NOISE)


def street_field(
    rng: np.random.Generator, street_type: np.ndarray, weights: Sequence[float]
) -> FieldNoise:
    """Noise of an address-line column whose rows' true street types are ``street_type``."""
    return lambda r, x: street_noise(rng, x, street_type[r], weights)


def apply_plan(
    columns: dict[str, pa.Array],
    chosen: np.ndarray,
    fields: Sequence[tuple[str, FieldNoise | None]],
) -> dict[str, pa.Array]:
    """Run every field's noise on the rows ``chosen`` for it (``None``: handled by the caller)."""
    out = dict(columns)
    for j, (name, noise) in enumerate(fields):
        mask = chosen[:, j]
        if noise is None or not mask.any():
            continue
        rows = np.flatnonzero(mask)
        out[name] = scatter(out[name], mask, noise(rows, out[name].take(pa.array(rows))))
    return out


def is_valid(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Non-null rows as a numpy mask."""
    return np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)
