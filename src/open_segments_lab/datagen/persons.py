"""The true people behind every source record: identity attributes only.

A chunk holds ``spec.n_crm`` CRM customers followed by ``spec.n_web_only``
anonymous web visitors.  Every attribute here is the *truth*; the source
builders derive (messy) records from it.  Behaviour lives in :mod:`behaviour`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.config import DAY, ChunkSpec, TimeWindow
from open_segments_lab.datagen.mess import NameVariant, first_names, last_names
from open_segments_lab.datagen.rng import categorical, weighted
from open_segments_lab.datagen.textops import (
    choose,
    concat,
    digits,
    from_fixed_width,
    repeat,
    take,
)
from open_segments_lab.datagen.textops import vocab as to_vocab

_LETTERS = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_GB_INWARD_LETTERS = np.frombuffer(b"ABDEFGHJLNPQRSTUWXYZ", dtype=np.uint8)


@dataclass(frozen=True)
class Geography:
    """Array views of ``vocab.CITIES`` / ``vocab.STATES`` for vectorised lookups."""

    city_country: np.ndarray
    city_state: np.ndarray  # index into vocab.STATES
    city_zone_minutes: np.ndarray
    city_dst: np.ndarray
    city_names: pa.Array
    city_postcode_base: np.ndarray  # AU/NZ/US lowest postcode of the city's range (0 for GB)
    gb_outward: pa.Array  # all GB outward codes, flattened
    gb_outward_start: np.ndarray  # per city
    gb_outward_count: np.ndarray  # per city
    country_cities: tuple[tuple[np.ndarray, np.ndarray], ...]  # (city idx, weights) per country


@lru_cache(maxsize=1)
def geography() -> Geography:
    codes = [c.code for c in v.COUNTRIES]
    state_index = {(s.country, s.code): i for i, s in enumerate(v.STATES)}
    outward: list[str] = []
    start, count = [], []
    for city in v.CITIES:
        start.append(len(outward))
        parts = city.postcode.split() if city.country == "GB" else []
        outward.extend(parts)
        count.append(len(parts))
    country = np.array([codes.index(c.country) for c in v.CITIES])
    per_country = tuple(
        (np.flatnonzero(country == k), np.array([c.weight for c in v.CITIES if c.country == code]))
        for k, code in enumerate(codes)
    )
    return Geography(
        city_country=country,
        city_state=np.array([state_index[(c.country, c.state)] for c in v.CITIES]),
        city_zone_minutes=np.array([c.standard_minutes for c in v.CITIES]),
        city_dst=np.array([int(c.dst) for c in v.CITIES]),
        city_names=to_vocab([c.name for c in v.CITIES]),
        city_postcode_base=np.array(
            [0 if c.country == "GB" else int(c.postcode) for c in v.CITIES]
        ),
        gb_outward=to_vocab(outward),
        gb_outward_start=np.array(start),
        gb_outward_count=np.array(count),
        country_cities=per_country,
    )


@dataclass(frozen=True)
class Emails:
    """Email addresses kept as parts so that systems can spell them differently."""

    local: pa.Array
    domain: np.ndarray  # index into vocab.EMAIL_DOMAINS

    @property
    def domain_text(self) -> pa.Array:
        return take(to_vocab(v.EMAIL_DOMAINS), self.domain)

    @property
    def address(self) -> pa.Array:
        return concat(self.local, "@", self.domain_text)

    @property
    def is_gmail(self) -> np.ndarray:
        return self.domain == v.GMAIL

    def take(self, rows: np.ndarray) -> Emails:
        return Emails(self.local.take(pa.array(rows)), self.domain[rows])


@dataclass(frozen=True)
class Persons:
    """Identity of the people of one chunk; CRM customers come first."""

    person_id: np.ndarray  # int64, unique across the run
    is_crm: np.ndarray  # bool
    country: np.ndarray  # index into vocab.COUNTRIES
    gender: np.ndarray  # 0 female, 1 male, 2 other
    first: np.ndarray  # index into mess.first_names().book
    middle_initial: np.ndarray  # 0..25
    last: np.ndarray  # index into mess.last_names()
    birth_day: np.ndarray  # days since 1970-01-01
    city: np.ndarray  # index into vocab.CITIES
    street_number: np.ndarray
    street_name: np.ndarray  # index into vocab.STREET_NAMES
    street_type: np.ndarray  # index into vocab.STREET_TYPES
    unit: np.ndarray  # 0 = no unit
    postcode: pa.Array  # canonical postcode text
    zip4: np.ndarray  # US ZIP+4 extension (unused elsewhere)
    phone: np.ndarray  # national significant number, e.g. 412345678 for AU
    email: Emails  # primary address
    alt_email: Emails  # a second address (work / new provider)

    def __len__(self) -> int:
        return len(self.person_id)

    @property
    def state(self) -> np.ndarray:
        return geography().city_state[self.city]

    @property
    def zone_minutes(self) -> np.ndarray:
        return geography().city_zone_minutes[self.city]

    @property
    def zone_rule(self) -> np.ndarray:
        return geography().city_dst[self.city]

    def age_at(self, rows: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Whole years of age of persons ``rows`` at the given instants."""
        days = np.floor_divide(np.asarray(seconds, dtype=np.int64), DAY) - self.birth_day[rows]
        return (days / 365.2425).astype(np.int64)


def build_persons(rng: np.random.Generator, spec: ChunkSpec, window: TimeWindow) -> Persons:
    """Draw the people of chunk ``spec``."""
    n = spec.n_humans
    geo = geography()
    person_id = np.concatenate(
        [
            np.arange(spec.n_crm, dtype=np.int64) + spec.crm_person_offset + 1,
            np.arange(spec.n_web_only, dtype=np.int64) + spec.web_person_offset + 1,
        ]
    )
    country = weighted(rng, [c.weight for c in v.COUNTRIES], n)
    gender = weighted(rng, [49, 49, 2], n)

    names = first_names()
    first = np.empty(n, dtype=np.int64)
    for g, pool in enumerate(names.by_gender):
        rows = np.flatnonzero(gender == g)
        first[rows] = pool[_popular(rng, len(pool), len(rows))]
    last = _popular(rng, len(last_names()), n)

    age_years = 18 + 67 * rng.beta(2.0, 2.6, n)
    birth_day = window.end // DAY - np.round(age_years * 365.2425).astype(np.int64)

    city = np.empty(n, dtype=np.int64)
    for k, (cities, weights) in enumerate(geo.country_cities):
        rows = np.flatnonzero(country == k)
        city[rows] = cities[weighted(rng, weights, len(rows))]

    street_number = np.minimum(1 + rng.geometric(1 / 40, n), 999)
    has_unit = rng.random(n) < np.where(country == v.US, 0.15, 0.25)
    unit = np.where(has_unit, rng.integers(1, 40, n), 0)

    return Persons(
        person_id=person_id,
        is_crm=np.arange(n) < spec.n_crm,
        country=country,
        gender=gender,
        first=first,
        middle_initial=rng.integers(0, 26, n),
        last=last,
        birth_day=birth_day,
        city=city,
        street_number=street_number,
        street_name=rng.integers(0, len(v.STREET_NAMES), n),
        street_type=weighted(rng, v.STREET_TYPE_WEIGHTS, n),
        unit=unit,
        postcode=_postcodes(rng, country, city),
        zip4=rng.integers(1, 9999, n),
        phone=_phones(rng, country),
        email=_emails(rng, country, first, last, birth_day, alternative=False),
        alt_email=_emails(rng, country, first, last, birth_day, alternative=True),
    )


def _popular(rng: np.random.Generator, size: int, n: int) -> np.ndarray:
    """Vocabulary draws with a mild popularity skew (earlier entries more common)."""
    weights = 1.0 / np.sqrt(np.arange(size) + 15.0)
    return weighted(rng, weights, n)


POSTCODES_PER_CITY = 40


def _postcodes(rng: np.random.Generator, country: np.ndarray, city: np.ndarray) -> pa.Array:
    geo = geography()

    # A city spans a range of postcodes (one per suburb or ZIP area), so that a
    # postcode holds a suburb's worth of people rather than a whole city's.
    def numbered(width: int):
        def build(rows: np.ndarray) -> pa.Array:
            base = geo.city_postcode_base[city[rows]]
            return digits(base + rng.integers(0, POSTCODES_PER_CITY, len(rows)), width)

        return build

    au_nz, us = numbered(4), numbered(5)

    def gb(rows: np.ndarray) -> pa.Array:
        c = city[rows]
        draw = rng.integers(0, 1 << 30, len(rows))
        pick = geo.gb_outward_start[c] + draw % geo.gb_outward_count[c]
        inward = np.empty((len(rows), 4), dtype=np.uint8)
        inward[:, 0] = ord(" ")
        inward[:, 1] = ord("0") + rng.integers(0, 10, len(rows))
        inward[:, 2:] = _GB_INWARD_LETTERS[rng.integers(0, len(_GB_INWARD_LETTERS), (len(rows), 2))]
        return concat(take(geo.gb_outward, pick), from_fixed_width(inward))

    builders = {"AU": au_nz, "US": us, "GB": gb, "NZ": au_nz}
    return choose(country, [builders[c.code] for c in v.COUNTRIES])


def _phones(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """Mobile numbers without trunk prefix (national significant numbers)."""
    n = len(country)
    au = 400_000_000 + rng.integers(1, 100_000_000, n)
    area = rng.integers(2, 10, n) * 100 + rng.integers(0, 9, n) * 10 + rng.integers(0, 10, n)
    us = area * 10_000_000 + rng.integers(200, 1000, n) * 10_000 + rng.integers(0, 10_000, n)
    gb = 7_000_000_000 + rng.integers(100_000_000, 1_000_000_000, n)
    nz = np.array([21, 22, 27])[rng.integers(0, 3, n)] * 10_000_000 + rng.integers(0, 10**7, n)
    by_country = {v.AU: au, v.US: us, v.GB: gb, v.NZ: nz}
    return np.choose(np.asarray(country), [by_country[k] for k in range(len(v.COUNTRIES))])


class _Pattern(NamedTuple):
    """An email local-part pattern and how often it is used."""

    name: str
    primary: float  # weight for primary addresses
    alternative: float  # weight for second addresses
    numbers: tuple[float, float, float, float]  # weights of: yy, yyyy, 1-99, 100-99999


# Common patterns with small numbers collide between people (think "charlie77");
# those get long numbers only, so shared addresses stay around 0.1% of people.
_PATTERNS = (
    _Pattern("first.last", 0.5, 0.0, (1, 0, 0, 0)),
    _Pattern("first.last+n", 34.0, 30.0, (10, 20, 20, 50)),
    _Pattern("f.last+n", 18.0, 20.0, (0, 0, 0, 1)),
    _Pattern("first+n", 10.0, 30.0, (0, 0, 0, 1)),
    _Pattern("last.first+n", 7.0, 10.0, (10, 0, 20, 70)),
    _Pattern("first.m.last", 8.0, 0.0, (1, 0, 0, 0)),
)
_SEPARATORS = to_vocab([".", "_", ""])


def _emails(
    rng: np.random.Generator,
    country: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    birth_day: np.ndarray,
    *,
    alternative: bool,
) -> Emails:
    """Plausible free-mail addresses built from the person's names.

    Digit-free addresses are rare (and mostly carry a middle initial) and
    collision-prone patterns get long numbers, so only ~0.1% of people share
    an address with someone else -- about as often as couples do in real CRMs.
    """
    n = len(country)
    domain = np.empty(n, dtype=np.int64)
    for k, c in enumerate(v.COUNTRIES):
        rows = np.flatnonzero(country == k)
        domain[rows] = weighted(rng, v.EMAIL_DOMAIN_WEIGHTS[c.code], len(rows))

    pattern = weighted(rng, [p.alternative if alternative else p.primary for p in _PATTERNS], n)
    sep = take(_SEPARATORS, weighted(rng, [55, 15, 30], n))
    first_token = first_names().book.render(first, NameVariant.EMAIL)
    last_token = last_names().render(last, NameVariant.EMAIL)
    initial = pc.utf8_slice_codeunits(first_token, 0, 1)
    middle = from_fixed_width(_LETTERS[rng.integers(0, 26, (n, 1))])

    year = (birth_day // 365.2425 + 1970).astype(np.int64)
    number_weights = np.array([p.numbers for p in _PATTERNS], dtype=np.float64)
    number_kind = categorical(
        rng, number_weights / number_weights.sum(axis=1, keepdims=True), pattern
    )
    number = choose(
        number_kind,
        [
            lambda r: digits(year[r] % 100, 2),
            lambda r: digits(year[r]),
            lambda r: digits(rng.integers(1, 100, len(r))),
            lambda r: digits(rng.integers(100, 100_000, len(r))),
        ],
    )
    empty = repeat("", n)
    local_parts = {
        "first.last": (first_token, sep, last_token, empty),
        "first.last+n": (first_token, sep, last_token, number),
        "f.last+n": (initial, sep, last_token, number),
        "first+n": (first_token, empty, empty, number),
        "last.first+n": (last_token, sep, first_token, number),
        "first.m.last": (first_token, sep, concat(middle, sep, last_token), empty),
    }

    def builder(name: str) -> Callable[[np.ndarray], pa.Array]:
        parts = local_parts[name]
        return lambda rows: concat(*(p.take(pa.array(rows)) for p in parts))

    local = choose(pattern, [builder(p.name) for p in _PATTERNS])
    return Emails(local=local, domain=domain)
