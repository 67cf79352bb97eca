"""Data-quality problems: spelling variants, typos, junk and invalid values.

Two techniques keep this fast:

* Variants of *vocabulary* values (typos, nicknames, case, accent folding) are
  precomputed once per vocabulary entry in :class:`NameBook`; a row then only
  needs an ``(entry, variant)`` index.
* Variants of per-person values (emails, phones, dates) are rendered with the
  vectorised builders of :mod:`textops` and :mod:`timefmt`.

The typo tables are derived with a fixed internal seed, so they are identical
for every run and every ``--seed``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.textops import (
    choose,
    concat,
    digit_matrix,
    digits,
    render_template,
    repeat,
    take,
)
from open_segments_lab.datagen.textops import vocab as to_vocab

_VOCAB_SEED = 20_260_101

# ----------------------------------------------------------------------------- names


class NameVariant(IntEnum):
    """Ways a vocabulary name can be written."""

    CANONICAL = 0
    UPPER = 1
    LOWER = 2
    ASCII = 3  # accents folded: "Zoë" -> "Zoe"
    TYPO_SWAP = 4  # two neighbouring letters swapped
    TYPO_DROP = 5  # one letter dropped
    NICK_A = 6  # first nickname (canonical if none)
    NICK_B = 7  # second nickname (first nickname or canonical if none)
    EMAIL = 8  # lower-case ASCII without spaces/apostrophes: for email local parts


_SPECIAL_FOLDS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "æ": "ae",
        "Æ": "AE",
    }
)


def fold_ascii(text: str) -> str:
    """Strip accents: ``"Nguyễn" -> "Nguyen"``, ``"Łukasz" -> "Lukasz"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def email_token(text: str) -> str:
    """Name as it appears in an email local part: ``"O'Brien" -> "obrien"``."""
    folded = fold_ascii(text).lower()
    return "".join(ch for ch in folded if ch.isalnum() or ch == "-")


def _typo_swap(text: str, rng: np.random.Generator) -> str:
    if len(text) < 3:
        return text + text[-1]
    candidates = [i for i in range(1, len(text) - 1) if text[i] != text[i + 1]]
    if not candidates:
        return text + text[-1]
    i = candidates[int(rng.integers(len(candidates)))]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _typo_drop(text: str, rng: np.random.Generator) -> str:
    if len(text) < 4:
        return text + text[-1]
    i = int(rng.integers(1, len(text) - 1))
    return text[:i] + text[i + 1 :]


@dataclass(frozen=True)
class NameBook:
    """A name vocabulary with every :class:`NameVariant` precomputed."""

    names: tuple[str, ...]
    table: pa.Array  # flattened (name, variant) -> string

    @classmethod
    def build(cls, names: tuple[str, ...], nicknames: dict[str, tuple[str, ...]]) -> NameBook:
        rng = np.random.default_rng(_VOCAB_SEED + len(names))
        rows: list[str] = []
        for name in names:
            nicks = nicknames.get(name, ())
            nick_a = nicks[0] if nicks else name
            nick_b = nicks[1] if len(nicks) > 1 else nick_a
            variants = {
                NameVariant.CANONICAL: name,
                NameVariant.UPPER: name.upper(),
                NameVariant.LOWER: name.lower(),
                NameVariant.ASCII: fold_ascii(name),
                NameVariant.TYPO_SWAP: _typo_swap(name, rng),
                NameVariant.TYPO_DROP: _typo_drop(name, rng),
                NameVariant.NICK_A: nick_a,
                NameVariant.NICK_B: nick_b,
                NameVariant.EMAIL: email_token(name),
            }
            rows.extend(variants[variant] for variant in NameVariant)
        return cls(names, to_vocab(rows))

    def __len__(self) -> int:
        return len(self.names)

    def render(self, index: np.ndarray, variant: np.ndarray | int) -> pa.Array:
        """Names ``index`` written as ``variant`` (scalar or per row)."""
        flat = np.asarray(index, dtype=np.int64) * len(NameVariant) + np.asarray(variant)
        return take(self.table, flat)


@dataclass(frozen=True)
class FirstNames:
    """First-name book plus per-gender index pools."""

    book: NameBook
    by_gender: tuple[np.ndarray, np.ndarray, np.ndarray]  # female, male, any


@lru_cache(maxsize=1)
def first_names() -> FirstNames:
    names = tuple(dict.fromkeys(v.FEMALE_FIRST_NAMES + v.MALE_FIRST_NAMES + v.UNISEX_FIRST_NAMES))
    position = {name: i for i, name in enumerate(names)}
    female = np.array([position[n] for n in v.FEMALE_FIRST_NAMES + v.UNISEX_FIRST_NAMES])
    male = np.array([position[n] for n in v.MALE_FIRST_NAMES + v.UNISEX_FIRST_NAMES])
    return FirstNames(NameBook.build(names, v.NICKNAMES), (female, male, np.arange(len(names))))


@lru_cache(maxsize=1)
def last_names() -> NameBook:
    return NameBook.build(v.LAST_NAMES, {})


@lru_cache(maxsize=1)
def street_names() -> NameBook:
    return NameBook.build(v.STREET_NAMES, {})


# ----------------------------------------------------------------------------- emails

JUNK_EMAILS = to_vocab(
    [
        "test@test.com",
        "test@test.com",
        "test@test.com",
        "noemail@example.com",
        "noemail@example.com",
        "n/a",
        "none",
        "unknown",
        "no@email.com",
        "NA",
    ]
)
"""Placeholder emails typed by staff; repeated entries are more common."""


class MalformedEmail(IntEnum):
    NO_DOMAIN = 0  # "john.smith@"
    TINY = 1  # "a@b"
    SPACE = 2  # "john smith@gmail.com"
    DOUBLE_AT = 3  # "john.smith@@gmail.com"
    NO_TLD = 4  # "john.smith@gmail"
    NO_AT = 5  # "john.smithgmail.com"


def malformed_emails(rng: np.random.Generator, local: pa.Array, domain: pa.Array) -> pa.Array:
    """Broken versions of ``local@domain``, one random :class:`MalformedEmail` kind per row."""
    kinds = rng.integers(0, len(MalformedEmail), len(local))

    def parts(rows: np.ndarray) -> tuple[pa.Array, pa.Array]:
        index = pa.array(rows)
        return local.take(index), domain.take(index)

    def no_domain(rows: np.ndarray) -> pa.Array:
        name, _ = parts(rows)
        return concat(name, "@")

    def spaced(rows: np.ndarray) -> pa.Array:
        name, host = parts(rows)
        with_space = pc.replace_substring(name, ".", " ", max_replacements=1)
        had_no_dot = pc.equal(with_space, name)
        name = pc.if_else(had_no_dot, _insert_after_first(name, " "), with_space)
        return concat(name, "@", host)

    def double_at(rows: np.ndarray) -> pa.Array:
        name, host = parts(rows)
        return concat(name, "@@", host)

    def no_tld(rows: np.ndarray) -> pa.Array:
        name, host = parts(rows)
        return concat(name, "@", pc.replace_substring_regex(host, r"\.[a-z.]+$", ""))

    def no_at(rows: np.ndarray) -> pa.Array:
        name, host = parts(rows)
        return concat(name, host)

    return choose(
        kinds,
        [
            no_domain,
            lambda r: repeat("a@b", len(r)),
            spaced,
            double_at,
            no_tld,
            no_at,
        ],
    )


def _insert_after_first(values: pa.Array, text: str) -> pa.Array:
    """``"john" -> "j.ohn"`` for ``text="."``."""
    head = pc.utf8_slice_codeunits(values, 0, 1)
    return concat(head, text, pc.utf8_slice_codeunits(values, 1))


class EmailVariant(IntEnum):
    """How a (valid) email address is written by a given system or person."""

    CANONICAL = 0
    UPPER = 1  # "JOHN.SMITH@GMAIL.COM"
    CAPITALISED = 2  # "John.smith@gmail.com" (phone keyboards)
    PADDED = 3  # leading/trailing whitespace
    GMAIL_DOTS = 4  # dots added/removed in a gmail local part (same mailbox)


def email_variants(
    rng: np.random.Generator,
    variant: np.ndarray,
    local: pa.Array,
    domain: pa.Array,
    is_gmail: np.ndarray,
) -> pa.Array:
    """Render ``local@domain`` in the requested :class:`EmailVariant` per row.

    ``GMAIL_DOTS`` falls back to ``CANONICAL`` for non-gmail addresses.
    """
    variant = np.where((variant == EmailVariant.GMAIL_DOTS) & ~is_gmail, 0, variant)
    pads = to_vocab([" ", "  ", "\t", ""])

    def rows_of(array: pa.Array, rows: np.ndarray) -> pa.Array:
        return array.take(pa.array(rows))

    def full(rows: np.ndarray) -> pa.Array:
        return concat(rows_of(local, rows), "@", rows_of(domain, rows))

    def dotted(rows: np.ndarray) -> pa.Array:
        part = rows_of(local, rows)
        has_dot = pc.greater(pc.count_substring(part, "."), 0)
        undotted = pc.replace_substring(part, ".", "")
        dotted_part = _insert_after_first(part, ".")
        return concat(pc.if_else(has_dot, undotted, dotted_part), "@", rows_of(domain, rows))

    def padded(rows: np.ndarray) -> pa.Array:
        lead = take(pads, rng.integers(0, 4, len(rows)))
        trail = take(pads, rng.integers(0, 3, len(rows)))
        return concat(lead, full(rows), trail)

    return choose(
        variant,
        [
            full,
            lambda r: pc.utf8_upper(full(r)),
            lambda r: pc.utf8_capitalize(full(r)),
            padded,
            dotted,
        ],
    )


# ----------------------------------------------------------------------------- phones

PHONE_TEMPLATES: tuple[tuple[tuple[str, float], ...], ...] = (
    (
        ("0NNN NNN NNN", 35),
        ("+61NNNNNNNNN", 20),
        ("0061 NNN NNN NNN", 5),
        ("(0N) NNNN NNNN", 5),
        ("0NNNNNNNNN", 25),
        ("+61 NNN NNN NNN", 10),
    ),
    (
        ("(NNN) NNN-NNNN", 35),
        ("+1 NNN NNN NNNN", 15),
        ("NNN-NNN-NNNN", 25),
        ("NNNNNNNNNN", 10),
        ("+1NNNNNNNNNN", 10),
        ("1-NNN-NNN-NNNN", 5),
    ),
    (
        ("0NNNN NNNNNN", 40),
        ("+44 NNNN NNNNNN", 25),
        ("+44NNNNNNNNNN", 15),
        ("0NNNNNNNNNN", 15),
        ("(0NNNN) NNNNNN", 5),
    ),
    (("0NN NNN NNNN", 40), ("+64 NN NNN NNNN", 20), ("+64NNNNNNNNN", 15), ("0NNNNNNNNN", 25)),
)
"""Phone spellings per country (same order as ``vocab.COUNTRIES``); ``N`` = next digit."""

JUNK_PHONES = to_vocab(
    ["0000000000", "0000000000", "1234567890", "0400000000", "000", "9999999999"]
)


def phones(rng: np.random.Generator, country: np.ndarray, number: np.ndarray) -> pa.Array:
    """Format national numbers with a random country-appropriate spelling per row."""
    width = max(len(t) for t in PHONE_TEMPLATES)
    cumulative = np.ones((len(PHONE_TEMPLATES), width))
    for c, templates in enumerate(PHONE_TEMPLATES):
        weights = np.array([w for _, w in templates])
        cumulative[c, : len(templates)] = np.cumsum(weights) / weights.sum()
        cumulative[c, len(templates) - 1 :] = 1.0
    choice = (rng.random(len(country))[:, None] >= cumulative[country]).sum(axis=1)
    code = np.asarray(country, dtype=np.int64) * width + np.minimum(choice, width - 1)

    def builder(c: int, t: int) -> Callable[[np.ndarray], pa.Array]:
        template = PHONE_TEMPLATES[c][min(t, len(PHONE_TEMPLATES[c]) - 1)][0]
        n_digits = v.COUNTRIES[c].phone_digits
        return lambda rows: render_template(template, digit_matrix(number[rows], n_digits))

    return choose(code, [builder(c, t) for c in range(len(PHONE_TEMPLATES)) for t in range(width)])


# ----------------------------------------------------------------------------- dates

DOB_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d %b %Y", "%m/%d/%Y")
DOB_FORMAT_WEIGHTS = (45, 22, 12, 12, 0)
US_DOB_FORMAT_WEIGHTS = (45, 0, 12, 12, 22)

_IMPOSSIBLE_DATE = (("", "-02-30"), ("", "-02-31"), ("31/31/", ""), ("", "-13-01"), ("00/00/", ""))

UNPARSEABLE_TIMESTAMPS = to_vocab(
    [
        "yesterday",
        "",
        "N/A",
        "0000-00-00 00:00:00",
        "not available",
        "NULL",
        "TBC",
    ]
)


def impossible_dates(rng: np.random.Generator, years: np.ndarray) -> pa.Array:
    """Strings that look like dates but are not, e.g. ``2026-02-30`` or ``31/31/1990``."""
    kind = rng.integers(0, len(_IMPOSSIBLE_DATE), len(years))
    prefix = take(to_vocab([p for p, _ in _IMPOSSIBLE_DATE]), kind)
    suffix = take(to_vocab([s for _, s in _IMPOSSIBLE_DATE]), kind)
    return concat(prefix, digits(years, 4), suffix)


def unparseable(rng: np.random.Generator, n: int) -> pa.Array:
    """Timestamp fields that no parser accepts."""
    return take(UNPARSEABLE_TIMESTAMPS, rng.integers(0, len(UNPARSEABLE_TIMESTAMPS), n))


# ----------------------------------------------------------------------------- free text

EMOJI = to_vocab(["😀", "🙂", "🏠", "✨", "🌸", "🎉", "❤️", "👍", "🇦🇺", "™", "☕", "Ω"])


def with_emoji(rng: np.random.Generator, values: pa.Array) -> pa.Array:
    """Append an emoji or unusual symbol to each value."""
    return concat(values, " ", take(EMOJI, rng.integers(0, len(EMOJI), len(values))))


def very_long(values: pa.Array, min_chars: int = 2_100) -> pa.Array:
    """Repeat each value until it is at least ``min_chars`` characters long."""
    unit = concat(values, " ")
    length = pc.utf8_length(unit).to_numpy(zero_copy_only=False)
    repeats = min_chars // np.maximum(length, 1) + 1
    return pc.binary_repeat(unit, pa.array(repeats.astype(np.int64)))
