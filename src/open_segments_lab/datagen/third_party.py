"""``third_party_demographics``: a purchased demographic/interest overlay.

The provider covers about half of all people (customers and anonymous
visitors alike).  How a record can be joined back is planted explicitly:

* ~30% carry the plain email (case may differ), some with its hash too;
* ~30% carry only ``email_sha256`` = sha256 of the trimmed, lower-cased email;
* ~40% carry neither, leaving name + address matching (single-line street
  address with abbreviations, upper-case names, folded accents ...).

Attributes are noisy: exact age or only an age band (sometimes off by one),
income band correlated with the archetype, household size, interests.  About
10% of records are delivered again in a later monthly batch with updates.

In the hard noise profile (``--noise hard``) no delivery carries an email, hash or phone: rows
match CRM persons on name and address (and on the date of birth that 60% of rows carry in the
contract's optional ``date_of_birth`` column), and each row has 0-2 corruptions (typos, OCR and
phonetic errors, nicknames, street type variants, postcode, street number and birth date slips;
see :mod:`corrupt`).  The default profile leaves the optional column out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from open_segments_lab.datagen import corrupt, labels, mess
from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.behaviour import Archetype, Latent
from open_segments_lab.datagen.config import DAY, ChunkSpec, TimeWindow
from open_segments_lab.datagen.ids import block_ids, scramble
from open_segments_lab.datagen.mess import NameVariant
from open_segments_lab.datagen.persons import Persons, geography
from open_segments_lab.datagen.rng import weighted
from open_segments_lab.datagen.textops import (
    choose,
    concat,
    concat_skip_nulls,
    digits,
    from_fixed_width,
    hex_matrix,
    lower_where,
    null_where,
    scatter,
    take,
    upper_where,
    where,
)
from open_segments_lab.datagen.textops import vocab as to_vocab
from open_segments_lab.datagen.timefmt import civil_from_days, format_seconds

COVERAGE = {True: 0.55, False: 0.35}  # by is_crm
MATCH_EMAIL, MATCH_HASH, MATCH_NAME_ADDRESS = range(3)
MATCH_WEIGHTS = (30, 30, 40)
REDELIVERY_SHARE = 0.10
ID_MODULUS = 2**40
ID_MULTIPLIER = 2_097_143  # odd, so the id map is a bijection
INCOME_CENTRE = {
    Archetype.LOYAL_HIGH_VALUE: 2.8,
    Archetype.FREQUENT_LOW_VALUE: 1.4,
    Archetype.OCCASIONAL: 1.8,
    Archetype.WINDOW_SHOPPER: 2.0,
    Archetype.LAPSED: 1.7,
    Archetype.NEW_CUSTOMER: 1.8,
    Archetype.WEB_ONLY: 1.6,
}
_AGE_BANDS = to_vocab([band for band, _, _ in v.AGE_BANDS])
_AGE_BAND_LOW = np.array([low for _, low, _ in v.AGE_BANDS])
_HOUSEHOLD = to_vocab(["1", "2", "3", "4", "5", "6+"])
_BAD_AGES = to_vocab(["-1", "0", "150", "999", "unknown"])
INVALID_SHARE = 0.005
EMOJI_SHARE = 0.003
LONG_VALUE_SHARE = 0.0005
HARD_CORRUPTIONS = (40, 35, 25)  # hard noise: weights of 0, 1 and 2 corruptions per row
HARD_FIELDS = ("first_name", "last_name", "street_address", "city", "postcode", "date_of_birth")
HARD_FIELD_WEIGHTS = (1.0, 1.0, 1.0, 0.4, 0.6, 0.6)
HARD_BIRTH_DATE_SHARE = 0.6  # hard noise: rows with a date of birth (the column is optional)


@dataclass(frozen=True)
class ThirdParty:
    table: pa.Table
    record_id: pa.Array  # distinct provider records
    person: np.ndarray  # index into Persons per distinct record


def email_sha256(emails: pa.Array) -> pa.Array:
    """Hex sha256 of trimmed, lower-cased emails (hashes each distinct value once)."""
    normal = pc.utf8_lower(pc.utf8_trim_whitespace(emails))
    distinct = pc.unique(normal)
    digests = [
        None if e is None else hashlib.sha256(e.encode("utf-8")).hexdigest()
        for e in distinct.to_pylist()
    ]
    return take(
        pa.array(digests, type=pa.string()),
        pc.index_in(normal, distinct).to_numpy(zero_copy_only=False),
    )


def build_third_party(
    rng: np.random.Generator,
    persons: Persons,
    latent: Latent,
    spec: ChunkSpec,
    chunk_size: int,
    window: TimeWindow,
    noise_rng: np.random.Generator | None = None,
) -> ThirdParty:
    """Generate the ``third_party_demographics`` rows of a chunk.

    ``noise_rng`` switches the hard noise profile on (its draws only come from it).
    """
    coverage = np.where(persons.is_crm, COVERAGE[True], COVERAGE[False])
    person = np.flatnonzero(rng.random(len(persons)) < coverage)
    n = len(person)
    number = scramble(
        block_ids(spec.index, 2 * chunk_size, np.arange(n)), ID_MODULUS, ID_MULTIPLIER, 7
    )
    record_id = concat("TPD-", from_fixed_width(hex_matrix(number, 10)))

    months = _delivery_months(window)
    batch = rng.integers(0, len(months), n)
    delivered = months[batch]
    again = np.flatnonzero((rng.random(n) < REDELIVERY_SHARE) & (batch < len(months) - 1))
    later_batch = (
        batch[again] + 1 + rng.integers(0, 1 << 20, len(again)) % (len(months) - 1 - batch[again])
    )
    rows = np.concatenate([np.arange(n), again])
    delivered_at = np.concatenate([delivered, months[later_batch]])

    table = _render(
        rng,
        persons,
        latent,
        person[rows],
        record_id.take(pa.array(rows)),
        delivered_at,
        is_update=np.arange(len(rows)) >= n,
    )
    if noise_rng is not None:
        table = _hard_noise(noise_rng, table, persons, person[rows], window)
    order = np.lexsort((rng.random(len(rows)), delivered_at))  # batch order, shuffled within
    return ThirdParty(table=table.take(pa.array(order)), record_id=record_id, person=person)


def _delivery_months(window: TimeWindow) -> np.ndarray:
    """02:00 UTC on the first of every month inside the window."""
    days = np.arange(window.history_start // DAY, window.end // DAY)
    seconds = days * DAY
    _, _, day_of_month = civil_from_days(days)
    return seconds[day_of_month == 1] + 2 * 3600


def _render(
    rng: np.random.Generator,
    persons: Persons,
    latent: Latent,
    person: np.ndarray,
    record_id: pa.Array,
    delivered_at: np.ndarray,
    is_update: np.ndarray,
) -> pa.Table:
    n = len(person)
    match = weighted(rng, MATCH_WEIGHTS, n)
    emails = persons.email.take(person)
    canonical_email = emails.address
    typed = mess.email_variants(
        rng,
        weighted(rng, [75, 15, 5, 5, 0], n),
        emails.local,
        emails.domain_text,
        emails.is_gmail,
    )
    email = null_where(typed, match != MATCH_EMAIL)
    with_hash = (match == MATCH_HASH) | ((match == MATCH_EMAIL) & (rng.random(n) < 0.5))
    sha = null_where(email_sha256(canonical_email), ~with_hash)

    first_names, last_names = mess.first_names().book, mess.last_names()
    first_variant = np.array(
        [NameVariant.CANONICAL, NameVariant.UPPER, NameVariant.ASCII, NameVariant.NICK_A]
    )[weighted(rng, [60, 25, 10, 5], n)]
    last_variant = np.array([NameVariant.CANONICAL, NameVariant.UPPER, NameVariant.ASCII])[
        weighted(rng, [65, 25, 10], n)
    ]
    first = first_names.render(persons.first[person], first_variant)
    last = last_names.render(persons.last[person], last_variant)

    country = persons.country[person]
    age = persons.age_at(person, delivered_at)
    band = np.searchsorted(_AGE_BAND_LOW, age, side="right") - 1
    band = np.clip(
        band + np.where(rng.random(n) < 0.08, rng.choice([-1, 1], n), 0), 0, len(_AGE_BAND_LOW) - 1
    )
    centre = np.array([INCOME_CENTRE.get(Archetype(a), 1.8) for a in range(len(Archetype))])
    income = np.clip(
        np.round(rng.normal(centre[latent.archetype[person]], 0.9)), 0, len(v.INCOME_BANDS) - 1
    ).astype(np.int64)

    city = take(geography().city_names, persons.city[person])
    return pa.table(
        {
            "provider_record_id": record_id,
            "email": email,
            "email_sha256": sha,
            "phone": null_where(
                mess.phones(rng, country, persons.phone[person]), rng.random(n) >= 0.35
            ),
            "first_name": _sometimes(rng, first, lambda v: mess.with_emoji(rng, v), EMOJI_SHARE),
            "last_name": last,
            "street_address": _sometimes(
                rng, _street_address(rng, persons, person), mess.very_long, LONG_VALUE_SHARE
            ),
            "city": upper_where(city, rng.random(n) < 0.3),
            "postcode": persons.postcode.take(pa.array(person)),
            "state": labels.STATE.render_canonical(persons.state[person]),
            "country": labels.COUNTRY.render(rng, country),
            "age": _ages(rng, age),
            "age_band": null_where(take(_AGE_BANDS, band), rng.random(n) < 0.1),
            "income_band": null_where(
                take(to_vocab(list(v.INCOME_BANDS)), income), rng.random(n) < 0.15
            ),
            "household_size": take(_HOUSEHOLD, weighted(rng, [25, 34, 16, 15, 7, 3], n)),
            "interests": _interests(rng, latent.favourite_category[person], is_update),
            "delivered_at": format_seconds(delivered_at, "%Y-%m-%dT%H:%M:%SZ"),
        }
    )


def _hard_noise(
    rng: np.random.Generator,
    table: pa.Table,
    persons: Persons,
    person: np.ndarray,
    window: TimeWindow,
) -> pa.Table:
    """Hard profile: no email, hash or phone; a date of birth on most rows; 0-2 corruptions."""
    n = table.num_rows
    columns = {name: table[name].combine_chunks() for name in table.column_names}
    for name in ("email", "email_sha256", "phone"):
        columns[name] = pa.nulls(n, type=pa.string())
    has_birth_date = rng.random(n) < HARD_BIRTH_DATE_SHARE
    applicable = np.column_stack(
        [*(corrupt.is_valid(columns[name]) for name in HARD_FIELDS[:-1]), has_birth_date]
    )
    chosen = corrupt.plan(rng, applicable, HARD_FIELD_WEIGHTS, weighted(rng, HARD_CORRUPTIONS, n))

    birth_day = persons.birth_day[person].copy()
    slipped = chosen[:, HARD_FIELDS.index("date_of_birth")]
    birth_day[slipped] = corrupt.date_noise(rng, birth_day[slipped], window.last_year)
    layout = weighted(rng, [70, 20, 10], n)  # ISO, with slashes, compact
    layout = np.where((layout == 1) & (persons.country[person] == v.US), 3, layout)
    columns["date_of_birth"] = null_where(
        choose(
            layout,
            [
                lambda r, fmt=fmt: format_seconds(birth_day[r] * DAY, fmt)
                for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%m/%d/%Y")
            ],
        ),
        ~has_birth_date,
    )

    street_type = persons.street_type[person]
    fields: list[tuple[str, corrupt.FieldNoise | None]] = [
        ("first_name", corrupt.first_name_field(rng, persons.first[person])),
        ("last_name", corrupt.last_name_field(rng)),
        ("street_address", corrupt.street_field(rng, street_type, corrupt.STREET_LINE_NOISE)),
        ("city", corrupt.city_field(rng)),
        ("postcode", corrupt.postcode_field(rng)),
        ("date_of_birth", None),  # slipped above, before rendering
    ]
    return pa.table(corrupt.apply_plan(columns, chosen, fields))


def _sometimes(
    rng: np.random.Generator,
    values: pa.Array,
    damage: Callable[[pa.Array], pa.Array],
    share: float,
) -> pa.Array:
    """Apply ``damage`` to a random ``share`` of the rows."""
    hit = rng.random(len(values)) < share
    if not hit.any():
        return values
    return scatter(values, hit, damage(values.filter(pa.array(hit))))


def _ages(rng: np.random.Generator, age: np.ndarray) -> pa.Array:
    """Exact age for about half the records; a few impossible values."""
    text = null_where(digits(age), rng.random(len(age)) < 0.5)
    broken = rng.random(len(age)) < INVALID_SHARE
    if broken.any():
        text = scatter(
            text, broken, take(_BAD_AGES, rng.integers(0, len(_BAD_AGES), int(broken.sum())))
        )
    return text


def _street_address(rng: np.random.Generator, persons: Persons, person: np.ndarray) -> pa.Array:
    """Single-line street address, e.g. ``4/12 Smith St``."""
    n = len(person)
    type_text = to_vocab([text for pair in v.STREET_TYPES for text in pair])
    abbreviate = (rng.random(n) < 0.75).astype(np.int64)
    street = concat(
        mess.street_names().render(persons.street_name[person], NameVariant.CANONICAL),
        " ",
        take(type_text, persons.street_type[person] * 2 + abbreviate),
    )
    number = digits(persons.street_number[person])
    unit = persons.unit[person]
    numbered = where(unit > 0, concat(digits(unit), "/", number), number)
    line = concat(numbered, " ", street)
    case = weighted(rng, [75, 20, 5], n)
    return lower_where(upper_where(line, case == 1), case == 2)


def _interests(rng: np.random.Generator, category: np.ndarray, is_update: np.ndarray) -> pa.Array:
    """1-4 pipe-separated interests, usually led by the favourite category's interest."""
    n = len(category)
    keys = rng.random((n, len(v.INTERESTS)))
    favourite = np.asarray(v.CATEGORY_INTEREST)[category]
    leads = rng.random(n) < 0.7
    keys[np.flatnonzero(leads), favourite[leads]] = -1.0
    ranked = np.argsort(keys, axis=1)[:, :4]
    count = 1 + rng.binomial(3, np.where(is_update, 0.5, 0.4))
    names = to_vocab(list(v.INTERESTS))
    columns = [null_where(take(names, ranked[:, i]), count <= i) for i in range(4)]
    return concat_skip_nulls(*columns, sep="|")
