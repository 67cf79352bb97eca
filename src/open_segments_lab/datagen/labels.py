"""Categorical labels and the many ways source systems spell them.

A :class:`LabelSet` maps canonical codes to weighted spellings, e.g. order
status ``completed`` is written ``completed``, ``Complete`` or ``COMPLETED``.
Rendering is a single vectorised draw plus a ``take``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.textops import take
from open_segments_lab.datagen.textops import vocab as to_vocab

Spelling = tuple[str | None, float]


@dataclass(frozen=True)
class LabelSet:
    """Canonical labels (codes ``0..k-1``) with weighted spellings each."""

    canonical: tuple[str, ...]
    spellings: tuple[tuple[Spelling, ...], ...]
    _flat: pa.Array = field(init=False, repr=False, compare=False)
    _start: np.ndarray = field(init=False, repr=False, compare=False)
    _cumulative: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.canonical) != len(self.spellings):
            raise ValueError("one spelling list per canonical label")
        width = max(len(s) for s in self.spellings)
        cumulative = np.ones((len(self.spellings), width))
        start = np.zeros(len(self.spellings), dtype=np.int64)
        flat: list[str | None] = []
        for code, options in enumerate(self.spellings):
            start[code] = len(flat)
            weights = np.array([w for _, w in options], dtype=np.float64)
            cumulative[code, : len(options)] = np.cumsum(weights) / weights.sum()
            cumulative[code, len(options) - 1 :] = 1.0
            flat.extend(label for label, _ in options)
        object.__setattr__(self, "_flat", to_vocab(flat))
        object.__setattr__(self, "_start", start)
        object.__setattr__(self, "_cumulative", cumulative)

    @classmethod
    def of(cls, spec: Iterable[tuple[str, Sequence[Spelling]]]) -> LabelSet:
        spec = tuple(spec)
        return cls(tuple(c for c, _ in spec), tuple(tuple(s) for _, s in spec))

    def code(self, label: str) -> int:
        return self.canonical.index(label)

    def render(self, rng: np.random.Generator, codes: np.ndarray) -> pa.Array:
        """Spell every canonical code, drawing a spelling per row."""
        codes = np.asarray(codes, dtype=np.int64)
        u = rng.random(len(codes))
        choice = (u[:, None] >= self._cumulative[codes]).sum(axis=1)
        choice = np.minimum(choice, self._cumulative.shape[1] - 1)
        return take(self._flat, self._start[codes] + choice)

    def render_canonical(self, codes: np.ndarray) -> pa.Array:
        """The first (canonical) spelling of every code."""
        return take(self._flat, self._start[np.asarray(codes, dtype=np.int64)])


def _category_spellings(words: tuple[str, ...]) -> tuple[Spelling, ...]:
    if len(words) == 1:
        word = words[0]
        return ((word, 60), (word.lower(), 25), (word.upper(), 15))
    title = " & ".join(words)
    return (
        (title, 50),
        ("_".join(words).lower(), 20),
        (" AND ".join(words).upper(), 10),
        ("-".join(words).lower(), 10),
        (" and ".join(words), 10),
    )


CATEGORY = LabelSet(
    tuple(" & ".join(words) for words in v.PRODUCT_CATEGORIES),
    tuple(_category_spellings(words) for words in v.PRODUCT_CATEGORIES),
)
CATEGORY_SLUGS = to_vocab(["-".join(words).lower() for words in v.PRODUCT_CATEGORIES])

ORDER_STATUS = LabelSet.of(
    (
        ("completed", (("completed", 55), ("Complete", 20), ("COMPLETED", 15), ("fulfilled", 10))),
        ("shipped", (("shipped", 70), ("Shipped", 20), ("in_transit", 10))),
        ("processing", (("processing", 70), ("pending", 30))),
        ("cancelled", (("cancelled", 50), ("canceled", 30), ("CANCELLED", 20))),
        ("returned", (("returned", 70), ("Returned", 20), ("RETURNED", 10))),
        ("refunded", (("refunded", 70), ("Refunded", 20), ("refund", 10))),
    )
)
UNKNOWN_ORDER_STATUSES = to_vocab(["on_hold_7", "???", "status_99", "migrated", "TBD"])

CHANNEL = LabelSet.of(
    (
        ("web", (("web", 55), ("online", 30), ("Web", 10), ("website", 5))),
        ("app", (("app", 50), ("mobile app", 30), ("App", 10), ("ios", 5), ("android", 5))),
        ("store", (("store", 50), ("in-store", 30), ("retail", 10), ("Store", 10))),
        ("phone", (("phone", 70), ("call centre", 20), ("Phone", 10))),
    )
)

CURRENCY = LabelSet(
    tuple(c.currency for c in v.COUNTRIES),
    tuple(
        ((c.currency, 90), (c.currency.lower(), 8), (c.currency.title(), 2)) for c in v.COUNTRIES
    ),
)
UNKNOWN_CURRENCIES = to_vocab(["XXX", "bitcoin", "EURO", "$", "A$"])

GENDER = LabelSet.of(
    (
        ("female", (("F", 45), ("female", 20), ("Female", 20), ("f", 10), ("FEMALE", 5))),
        ("male", (("M", 45), ("male", 20), ("Male", 20), ("m", 10), ("MALE", 5))),
        ("other", (("x", 40), ("X", 30), ("non-binary", 20), ("other", 10))),
        ("unknown", (("", 30), ("unknown", 30), ("U", 15), (None, 25))),
    )
)


def _country_spellings(country: v.Country) -> tuple[Spelling, ...]:
    others = len(country.label_variants) - 1
    return tuple(
        (label, 50.0 if i == 0 else 50.0 / others) for i, label in enumerate(country.label_variants)
    )


COUNTRY = LabelSet(
    tuple(c.code for c in v.COUNTRIES),
    tuple(_country_spellings(c) for c in v.COUNTRIES),
)

STATE = LabelSet(
    tuple(s.code for s in v.STATES),
    tuple(
        ((s.name, 60), (s.name.upper(), 10), (None, 30))
        if s.country == "GB"
        else ((s.code, 60), (s.name, 25), (s.code.lower(), 10), (None, 5))
        for s in v.STATES
    ),
)

EVENT_TYPE = LabelSet.of(
    (
        ("page_view", (("page_view", 1),)),
        ("product_view", (("product_view", 1),)),
        ("add_to_cart", (("add_to_cart", 1),)),
        ("checkout", (("checkout", 1),)),
        ("purchase", (("purchase", 1),)),
        ("form_submit", (("form_submit", 1),)),
    )
)
"""Web event types as written by the current tracker (see ``LEGACY_EVENT_TYPE``)."""

LEGACY_EVENT_TYPE = LabelSet.of(
    (
        ("page_view", (("pageview", 1),)),
        ("product_view", (("productView", 1),)),
        ("add_to_cart", (("addToCart", 1),)),
        ("checkout", (("Checkout", 1),)),
        ("purchase", (("order_completed", 1),)),
        ("form_submit", (("formSubmit", 1),)),
    )
)
"""Spellings of the older tracker still running on part of the traffic."""

ESP_EVENT_TYPE = LabelSet.of(
    (name, ((name, 1),)) for name in ("send", "open", "click", "bounce", "unsubscribe")
)

CONSENT_PURPOSE = LabelSet.of(
    (
        (
            "email",
            (
                ("email", 45),
                ("Marketing Email", 20),
                ("marketing_email", 15),
                ("EMAIL", 10),
                ("e-mail", 10),
            ),
        ),
        (
            "ads",
            (
                ("ads", 45),
                ("advertising", 20),
                ("Personalised Ads", 15),
                ("ADS", 10),
                ("targeted_ads", 10),
            ),
        ),
        (
            "analytics",
            (("analytics", 50), ("Analytics", 25), ("ANALYTICS", 10), ("site_analytics", 15)),
        ),
    )
)

CONSENT_STATUS = LabelSet.of(
    (
        (
            "granted",
            (("granted", 50), ("Granted", 20), ("opt-in", 15), ("opt_in", 10), ("GRANTED", 5)),
        ),
        (
            "revoked",
            (("revoked", 50), ("REVOKED", 15), ("opt_out", 15), ("opt-out", 10), ("withdrawn", 10)),
        ),
    )
)

SUBJECT_TYPE = LabelSet.of(
    (
        ("email", (("email", 1),)),
        ("customer_id", (("customer_id", 1),)),
        ("phone", (("phone", 1),)),
    )
)
