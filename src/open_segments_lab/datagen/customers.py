"""``crm_customers``: customer records with duplicates, variants, junk and errors.

About 10% of CRM persons hold 2-3 customer records (signed up again later),
written with nicknames, typos, swapped names, other email spellings or a
different address, and different phone/date formats.  On top of that:

* ~1% of records also appear as a *newer version* (same ``customer_id``,
  later ``updated_at``, one field changed) and ~0.5% of rows are written twice;
* ~1-2% carry a junk email/phone/name shared by many unrelated customers;
* ~0.5% each carry malformed emails, impossible or absurd birth dates,
  unparseable timestamps, emoji, and a handful carry 2,000+ character values.

The hard noise profile (``--noise hard``, :data:`HARD_RECORD_SHARES`) is shaped like the
duplicate files of record-linkage benchmarks: about 25% of persons hold 2-5 records, every
duplicate carries 1-5 corruptions (:mod:`corrupt`) in any of its names, date of birth, postcode,
street number, street and city, and shares no email, phone or loyalty id with the person's other
records, so that only names, birth dates and addresses link them.

Rendering is driven by a table of integer codes (:class:`_Spec`).  A newer
version re-renders an edited copy of a record's codes and takes only the
changed columns from it, so everything else stays byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from enum import IntEnum

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from open_segments_lab.datagen import corrupt, labels, mess
from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.behaviour import Archetype, Latent
from open_segments_lab.datagen.config import DAY, ChunkSpec, TimeWindow
from open_segments_lab.datagen.ids import block_ids, scramble
from open_segments_lab.datagen.mess import NameVariant
from open_segments_lab.datagen.persons import Emails, Persons, geography
from open_segments_lab.datagen.rng import bands, weighted
from open_segments_lab.datagen.textops import (
    choose,
    concat,
    digits,
    lower_where,
    null_where,
    repeat,
    scatter,
    take,
    upper_where,
    where,
)
from open_segments_lab.datagen.textops import vocab as to_vocab
from open_segments_lab.datagen.timefmt import format_seconds

MAX_RECORDS_PER_PERSON = 3
DUPLICATE_PERSON_SHARE = 0.10  # persons with 2+ records
TRIPLICATE_PERSON_SHARE = 0.025  # persons with 3 records
NEW_VERSION_SHARE = 0.01
EXACT_DUPLICATE_SHARE = 0.005
JUNK_EMAIL_SHARE = 0.010
JUNK_PHONE_SHARE = 0.008
JUNK_NAME_SHARE = 0.002
INVALID_SHARE = 0.005  # per kind of invalid value
LONG_VALUE_SHARE = 0.0005
EMOJI_SHARE = 0.003

# Hard noise profile
HARD_RECORD_SHARES = (0.25, 0.08, 0.03, 0.01)  # persons with 2+, 3+, 4+ and 5 records
HARD_CORRUPTIONS = (30, 30, 20, 12, 8)  # weights of 1, 2, 3, 4 and 5 corruptions per duplicate
HARD_ALT_EMAIL_SHARE = 0.5  # second records holding the person's other address (others: none)
HARD_NEW_PHONE_SHARE = 0.4  # duplicates with a phone number of their own (others: none)
HARD_DOB_MISSING_SHARE = 0.15  # date-of-birth corruptions that drop the date


class HardField(IntEnum):
    """Fields a hard-profile duplicate can be corrupted in (at most once each)."""

    FIRST_NAME = 0
    LAST_NAME = 1
    NAME_SWAP = 2
    DATE_OF_BIRTH = 3
    POSTCODE = 4
    STREET_NUMBER = 5
    STREET = 6
    CITY = 7


HARD_FIELD_WEIGHTS = (1.0, 1.0, 0.35, 1.0, 0.9, 0.7, 1.0, 0.5)


class EmailKind(IntEnum):
    VALID = 0
    ALT = 1  # the person's other address
    MISSING = 2
    JUNK = 3
    MALFORMED = 4


class PhoneKind(IntEnum):
    VALID = 0
    MISSING = 1
    JUNK = 2


class DobKind(IntEnum):
    """Codes 0-4 are ``mess.DOB_FORMATS``; the rest are problems."""

    MISSING = 5
    IMPOSSIBLE = 6
    FUTURE = 7
    YEAR_1800 = 8


class UnitStyle(IntEnum):
    SLASH = 0  # street_number "4/12"
    UNIT_SLASH = 1  # "Unit 4/12"
    SPACE = 2  # "4 12"
    LINE2_UNIT = 3  # street_number "12", address_line_2 "Unit 4"
    LINE2_APT = 4  # street_number "12", address_line_2 "Apt 4"


@dataclass(frozen=True)
class _Spec:
    """One output row per element: everything needed to render it."""

    record: np.ndarray  # index into CustomerRecords arrays
    person: np.ndarray  # index into Persons
    first_variant: np.ndarray
    last: np.ndarray
    last_variant: np.ndarray
    swap_names: np.ndarray
    junk_name: np.ndarray
    email_kind: np.ndarray
    email_variant: np.ndarray
    phone_kind: np.ndarray
    phone: np.ndarray
    dob_kind: np.ndarray
    gender: np.ndarray  # labels.GENDER code
    street_number: np.ndarray
    street_name: np.ndarray
    street_type: np.ndarray
    unit: np.ndarray
    unit_style: np.ndarray
    type_style: np.ndarray  # 0 full, 1 abbreviation, 2 abbreviation with dot
    address_case: np.ndarray  # 0 as is, 1 upper, 2 lower
    legacy_address: np.ndarray  # number folded into address_line_1
    city_case: np.ndarray
    postcode_style: np.ndarray
    has_loyalty: np.ndarray
    timestamp_style: np.ndarray  # 0 "YYYY-MM-DD HH:MM:SS", 1 ISO Z, 2 unparseable
    updated_at: np.ndarray
    emoji: np.ndarray  # 0 none, 1 in first name, 2 in address
    long_value: np.ndarray  # 0 none, 1 in last name, 2 in address

    def take(self, rows: np.ndarray) -> _Spec:
        return _Spec(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    @staticmethod
    def concat(*specs: _Spec) -> _Spec:
        return _Spec(
            **{f.name: np.concatenate([getattr(s, f.name) for s in specs]) for f in fields(_Spec)}
        )


@dataclass(frozen=True)
class CustomerRecords:
    """Distinct customer records of a chunk, grouped by person in creation order."""

    table: pa.Table  # the crm_customers rows to write
    person: np.ndarray  # index into Persons, per record
    customer_id: pa.Array
    created_at: np.ndarray  # int64 seconds
    email: pa.Array  # email as stored on the record (null when missing)
    email_usable: np.ndarray  # a real, well-formed address of the person
    phone: pa.Array  # phone as stored on the record (null when missing)
    first_record: np.ndarray  # per CRM person
    n_records: np.ndarray  # per CRM person
    corruptions: np.ndarray | None = None  # per record, hard noise profile only

    def __len__(self) -> int:
        return len(self.person)

    def latest_at(self, person: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Index of the newest record of ``person`` created at or before ``seconds``; -1 if none."""
        width = max(MAX_RECORDS_PER_PERSON, int(self.n_records.max(initial=1)))
        created = np.full((len(self.n_records), width), np.inf)
        rank = np.arange(len(self.person)) - self.first_record[self.person]
        created[self.person, rank] = self.created_at
        count = (np.asarray(seconds)[:, None] >= created[person]).sum(axis=1)
        return np.where(count > 0, self.first_record[person] + count - 1, -1)


def customer_record_block(chunk_size: int, max_records: int = MAX_RECORDS_PER_PERSON) -> int:
    """Size of the customer-number block owned by one chunk."""
    return (max_records + 1) * chunk_size


def build_customers(
    rng: np.random.Generator,
    persons: Persons,
    latent: Latent,
    spec: ChunkSpec,
    chunk_size: int,
    window: TimeWindow,
    noise_rng: np.random.Generator | None = None,
) -> CustomerRecords:
    """Generate the ``crm_customers`` rows of a chunk.

    ``noise_rng`` switches the hard noise profile on; the profile's own draws come from it, so
    the default profile's output never depends on it.
    """
    hard = noise_rng is not None
    shares = HARD_RECORD_SHARES if hard else (DUPLICATE_PERSON_SHARE, TRIPLICATE_PERSON_SHARE)
    max_records = len(shares) + 1
    u = rng.random(spec.n_crm)
    n_records = 1 + sum(u < share for share in shares)
    first_record = np.concatenate([[0], np.cumsum(n_records)[:-1]])
    person = np.repeat(np.arange(spec.n_crm), n_records)
    rank = np.arange(len(person)) - first_record[person]

    # Re-registrations happen some time after the previous record was created.
    created = latent.created_at[person].copy()
    for r in range(1, max_records):
        later = rank == r
        previous = created[np.flatnonzero(later) - 1]
        share = rng.uniform(0.05, 0.7, int(later.sum()))
        created[later] = previous + share * (window.end - previous)
    created = np.floor(created).astype(np.int64)

    # Customer numbers grow with creation time, as in a real CRM.
    number = np.empty(len(person), dtype=np.int64)
    number[np.argsort(created, kind="stable")] = 1 + block_ids(
        spec.index, customer_record_block(chunk_size, max_records), np.arange(len(person))
    )
    customer_id = concat("C", digits(number, 9))

    records = _record_specs(rng, persons, latent, person, rank, created, window)
    corruptions = None
    if noise_rng is not None:
        records = _hard_duplicate_specs(noise_rng, records, rank)
    table = pa.table(_render(rng, persons, records, customer_id, created))
    if noise_rng is not None:
        table, corruptions = _corrupt_duplicates(noise_rng, table, persons, records, rank, window)
    versions, versioned = _new_versions(rng, persons, records, table, customer_id, created, window)
    record_of_row = np.concatenate([records.record, versioned])
    table = pa.concat_tables([table, versions])
    if hard:
        table = _drop_shared_identifiers(table, person[record_of_row], rank[record_of_row])

    duplicates = np.flatnonzero(rng.random(table.num_rows) < EXACT_DUPLICATE_SHARE)
    rows = np.concatenate([np.arange(table.num_rows), duplicates])
    rows = rows[np.argsort(number[record_of_row[rows]], kind="stable")]

    n = len(person)
    email = table["email"].slice(0, n).combine_chunks()
    usable = np.isin(records.email_kind, [EmailKind.VALID, EmailKind.ALT]) & ~records.junk_name
    if hard:
        usable &= corrupt.is_valid(email)
    return CustomerRecords(
        table=table.take(pa.array(rows)),
        person=person,
        customer_id=customer_id,
        created_at=created,
        email=email,
        email_usable=usable,
        phone=table["phone"].slice(0, n).combine_chunks(),
        first_record=first_record,
        n_records=n_records,
        corruptions=corruptions,
    )


def _record_specs(
    rng: np.random.Generator,
    persons: Persons,
    latent: Latent,
    person: np.ndarray,
    rank: np.ndarray,
    created: np.ndarray,
    window: TimeWindow,
) -> _Spec:
    """Decide how every record is written.  Re-registrations (rank > 0) vary more."""
    n = len(person)
    extra = rank > 0
    u = rng.random((9, n))

    first_variant = bands(
        u[0],
        NameVariant.CANONICAL,
        (NameVariant.NICK_A, 0.30 * extra),
        (NameVariant.NICK_B, 0.05 * extra),
    )
    first_variant = _sprinkle(first_variant, u[1], extra)
    last_variant = _sprinkle(np.full(n, int(NameVariant.CANONICAL)), u[2], extra)

    email_kind = bands(
        u[3],
        EmailKind.VALID,
        (EmailKind.ALT, 0.22 * extra),
        (EmailKind.MISSING, np.where(extra, 0.10, 0.06)),
    )
    email_kind = bands(
        u[4], email_kind, (EmailKind.JUNK, JUNK_EMAIL_SHARE), (EmailKind.MALFORMED, INVALID_SHARE)
    )
    email_variant = np.where(
        extra, weighted(rng, [45, 15, 15, 10, 15], n), weighted(rng, [80, 4, 5, 3, 8], n)
    )
    phone_kind = bands(
        u[5],
        PhoneKind.VALID,
        (PhoneKind.MISSING, np.where(extra, 0.15, 0.10)),
        (PhoneKind.JUNK, JUNK_PHONE_SHARE),
    )

    us = persons.country[person] == v.US
    dob_kind = np.where(
        us, weighted(rng, mess.US_DOB_FORMAT_WEIGHTS, n), weighted(rng, mess.DOB_FORMAT_WEIGHTS, n)
    )
    dob_kind = bands(
        u[6],
        dob_kind,
        (DobKind.MISSING, 0.10),
        (DobKind.IMPOSSIBLE, INVALID_SHARE),
        (DobKind.FUTURE, INVALID_SHARE / 2),
        (DobKind.YEAR_1800, INVALID_SHARE / 2),
    )

    # 0 "YYYY-MM-DD HH:MM:SS", 1 ISO with Z, 2 unparseable
    timestamp_style = bands(u[7], 0, (1, 0.15), (2, 0.6 * INVALID_SHARE))
    updated_at = np.where(
        rng.random(n) < 0.6, created + rng.random(n) * (window.end - created), created
    ).astype(np.int64)

    loyal = latent.archetype[person] == Archetype.LOYAL_HIGH_VALUE
    member = rng.random(int(person.max(initial=-1)) + 1)[person] < np.where(loyal, 0.85, 0.40)
    decoration = bands(u[8], 0, (1, EMOJI_SHARE), (2, LONG_VALUE_SHARE))
    decoration[np.argmax(u[8])] = 2  # so that every chunk has at least one very long value
    has_unit = persons.unit[person] > 0
    unit_style = np.where(us, UnitStyle.LINE2_APT, weighted(rng, [40, 15, 10, 30, 5], n))

    return _Spec(
        record=np.arange(n),
        person=person,
        first_variant=first_variant,
        last=persons.last[person],
        last_variant=last_variant,
        swap_names=rng.random(n) < np.where(extra, 0.05, 0.005),
        junk_name=rng.random(n) < JUNK_NAME_SHARE,
        email_kind=email_kind,
        email_variant=email_variant,
        phone_kind=phone_kind,
        phone=persons.phone[person],
        dob_kind=dob_kind,
        gender=np.where(
            rng.random(n) < 0.08, labels.GENDER.code("unknown"), persons.gender[person]
        ),
        street_number=persons.street_number[person],
        street_name=persons.street_name[person],
        street_type=persons.street_type[person],
        unit=persons.unit[person],
        unit_style=np.where(has_unit, unit_style, UnitStyle.SLASH),
        type_style=np.where(extra, weighted(rng, [45, 45, 10], n), weighted(rng, [70, 25, 5], n)),
        address_case=weighted(rng, [92, 5, 3], n),
        legacy_address=rng.random(n) < 0.05,
        city_case=weighted(rng, [93, 5, 2], n),
        postcode_style=weighted(rng, [85, 10, 5], n),
        has_loyalty=member & (rng.random(n) < np.where(extra, 0.6, 0.95)),
        timestamp_style=timestamp_style,
        updated_at=updated_at,
        emoji=(decoration == 1) * rng.integers(1, 3, n),
        long_value=(decoration == 2) * rng.integers(1, 3, n),
    )


def _sprinkle(variant: np.ndarray, u: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """Add case changes, accent folding and typos (three times as often on re-registrations)."""
    scale = np.where(extra, 3.0, 1.0)
    return bands(
        u,
        variant,
        (NameVariant.UPPER, 0.010 * scale),
        (NameVariant.LOWER, 0.008 * scale),
        (NameVariant.ASCII, 0.015 * scale),
        (NameVariant.TYPO_SWAP, 0.008 * scale),
        (NameVariant.TYPO_DROP, 0.008 * scale),
    )


def _hard_duplicate_specs(rng: np.random.Generator, records: _Spec, rank: np.ndarray) -> _Spec:
    """Hard profile: duplicates written plainly and without the identifiers of the original.

    Their names lose nicknames, typos and swaps (the corruptions of :func:`_corrupt_duplicates`
    are counted instead); a second record may hold the person's other email address, and a
    duplicate's phone is missing or a new number.  No duplicate holds a loyalty id.
    """
    n = len(rank)
    duplicate = rank > 0
    plain = [NameVariant.CANONICAL, NameVariant.UPPER, NameVariant.LOWER, NameVariant.ASCII]
    alternative = (rank == 1) & (rng.random(n) < HARD_ALT_EMAIL_SHARE)
    new_phone = duplicate & (rng.random(n) < HARD_NEW_PHONE_SHARE)
    tail = records.phone % 10**6
    other_phone = records.phone - tail + (tail + rng.integers(1, 10**6, n)) % 10**6
    return replace(
        records,
        first_variant=np.where(
            duplicate & ~np.isin(records.first_variant, plain),
            NameVariant.CANONICAL,
            records.first_variant,
        ),
        last_variant=np.where(
            duplicate & ~np.isin(records.last_variant, plain),
            NameVariant.CANONICAL,
            records.last_variant,
        ),
        swap_names=records.swap_names & ~duplicate,
        email_kind=np.where(
            duplicate,
            np.where(alternative, EmailKind.ALT, EmailKind.MISSING),
            records.email_kind,
        ),
        phone_kind=np.where(
            duplicate, np.where(new_phone, PhoneKind.VALID, PhoneKind.MISSING), records.phone_kind
        ),
        phone=np.where(new_phone, other_phone, records.phone),
        has_loyalty=records.has_loyalty & ~duplicate,
    )


def _corrupt_duplicates(
    rng: np.random.Generator,
    table: pa.Table,
    persons: Persons,
    records: _Spec,
    rank: np.ndarray,
    window: TimeWindow,
) -> tuple[pa.Table, np.ndarray]:
    """Hard profile: 1-5 corruptions in distinct fields of every duplicate record.

    Returns the table and the number of corruptions per record (0 for first records).
    """
    rows = np.flatnonzero(rank > 0)
    n = len(rows)
    columns = {
        name: table[name].combine_chunks().take(pa.array(rows)) for name in table.column_names
    }
    valid = {name: corrupt.is_valid(values) for name, values in columns.items()}
    dob_format = records.dob_kind[rows]
    applicable = np.column_stack(
        [
            valid["first_name"],
            valid["last_name"],
            valid["first_name"] & valid["last_name"],
            dob_format < len(mess.DOB_FORMATS),
            valid["postcode"],
            valid["street_number"],
            valid["address_line_1"],
            valid["city"],
        ]
    )
    counts = 1 + weighted(rng, HARD_CORRUPTIONS, n)
    chosen = corrupt.plan(rng, applicable, HARD_FIELD_WEIGHTS, counts)

    # Swap first, so that a name corruption lands on the name as it is finally written.
    swap = chosen[:, HardField.NAME_SWAP]
    first, last = columns["first_name"], columns["last_name"]
    columns["first_name"], columns["last_name"] = where(swap, last, first), where(swap, first, last)
    person = records.person[rows]
    birth_day = persons.birth_day[person]
    fields: list[tuple[str, corrupt.FieldNoise | None]] = [
        ("first_name", corrupt.first_name_field(rng, persons.first[person], swap)),
        ("last_name", corrupt.last_name_field(rng)),
        ("first_name", None),  # the swap, done above
        (
            "date_of_birth",
            lambda r, x: _birth_date_noise(rng, birth_day[r], dob_format[r], window.last_year),
        ),
        ("postcode", corrupt.postcode_field(rng)),
        (
            "street_number",
            lambda r, x: corrupt.code_noise(rng, x, corrupt.STREET_NUMBER_NOISE, extend=True),
        ),
        (
            "address_line_1",
            corrupt.street_field(rng, records.street_type[rows], corrupt.STREET_NOISE),
        ),
        ("city", corrupt.city_field(rng)),
    ]
    columns = corrupt.apply_plan(columns, chosen, fields)
    duplicate = rank > 0
    full = {
        name: scatter(table[name].combine_chunks(), duplicate, columns[name])
        for name in table.column_names
    }
    corruptions = np.zeros(len(rank), dtype=np.int64)
    corruptions[rows] = chosen.sum(axis=1)
    return pa.table(full), corruptions


def _birth_date_noise(
    rng: np.random.Generator, birth_day: np.ndarray, dob_format: np.ndarray, latest_year: int
) -> pa.Array:
    """A slipped birth date in the record's own format, or none at all."""
    days = corrupt.date_noise(rng, birth_day, latest_year)
    code = np.where(
        rng.random(len(days)) < HARD_DOB_MISSING_SHARE, len(mess.DOB_FORMATS), dob_format
    )
    return choose(
        code,
        [
            *((lambda r, fmt=fmt: format_seconds(days[r] * DAY, fmt)) for fmt in mess.DOB_FORMATS),
            lambda r: repeat(None, len(r)),
        ],
    )


_IDENTIFIER_KEYS: dict[str, Callable[[pa.Array], pa.Array]] = {
    # Dots dropped everywhere: gmail ignores them in the local part.
    "email": lambda x: pc.replace_substring(pc.utf8_lower(pc.utf8_trim_whitespace(x)), ".", ""),
    # The last nine digits: the same number in any national or international spelling.
    "phone": lambda x: pc.utf8_slice_codeunits(pc.replace_substring_regex(x, "[^0-9]", ""), -9),
    "loyalty_id": lambda x: x,
}


def _drop_shared_identifiers(table: pa.Table, person: np.ndarray, rank: np.ndarray) -> pa.Table:
    """Hard profile: null every identifier a record shares with an earlier record of its person.

    Values are compared loosely (:data:`_IDENTIFIER_KEYS`), so a new version of a record, a junk
    value or an alternative address that happens to equal the primary one is caught too.
    """
    columns = {name: table[name].combine_chunks() for name in table.column_names}
    owner = digits(person)
    for name, key in _IDENTIFIER_KEYS.items():
        indices = pc.dictionary_encode(concat(owner, "|", key(columns[name]))).indices
        code = pc.fill_null(indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        keyed = code >= 0
        if not keyed.any():
            continue
        first_rank = np.full(int(code.max(initial=-1)) + 1, np.iinfo(np.int64).max)
        np.minimum.at(first_rank, code[keyed], rank[keyed])
        shared = keyed & (rank > first_rank[np.maximum(code, 0)])
        columns[name] = null_where(columns[name], shared)
    return pa.table(columns)


_CHANGED_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("email",),
    ("phone",),
    ("first_name", "last_name"),
    ("street_number", "address_line_1", "address_line_2"),
)
"""What a newer version of a record changes: new email, new phone, new surname, moved."""


def _new_versions(
    rng: np.random.Generator,
    persons: Persons,
    records: _Spec,
    rendered: pa.Table,
    customer_id: pa.Array,
    created: np.ndarray,
    window: TimeWindow,
) -> tuple[pa.Table, np.ndarray]:
    """Later versions of ~1% of records, identical to the original except one attribute."""
    chosen = np.flatnonzero(rng.random(len(records.record)) < NEW_VERSION_SHARE)
    base = records.take(chosen)
    n = len(chosen)
    change = rng.integers(0, len(_CHANGED_COLUMNS), n)
    later = base.updated_at + 1 + rng.random(n) * (window.end - 1 - base.updated_at)
    moved = change == 3
    edited = replace(
        base,
        email_kind=np.where(
            change == 0,
            np.where(base.email_kind == EmailKind.ALT, EmailKind.VALID, EmailKind.ALT),
            base.email_kind,
        ),
        phone_kind=np.where(change == 1, PhoneKind.VALID, base.phone_kind),
        phone=np.where(
            change == 1, base.phone - base.phone % 10**6 + rng.integers(0, 10**6, n), base.phone
        ),
        last=np.where(change == 2, rng.integers(0, len(v.LAST_NAMES), n), base.last),
        street_number=np.where(moved, rng.integers(1, 300, n), base.street_number),
        street_name=np.where(moved, rng.integers(0, len(v.STREET_NAMES), n), base.street_name),
        street_type=np.where(moved, rng.integers(0, len(v.STREET_TYPES), n), base.street_type),
        unit=np.where(moved, 0, base.unit),
        updated_at=later.astype(np.int64),
    )
    fresh = _render(rng, persons, edited, customer_id, created)
    old = rendered.take(pa.array(chosen))
    columns: dict[str, pa.Array] = {}
    for name in old.column_names:
        replaced = np.zeros(n, dtype=bool)
        for kind, names in enumerate(_CHANGED_COLUMNS):
            replaced |= (change == kind) & (name in names)
        if name == "updated_at":
            replaced[:] = True
        columns[name] = where(replaced, fresh[name], old[name].combine_chunks())
    return pa.table(columns), chosen


def _render(
    rng: np.random.Generator,
    persons: Persons,
    rows: _Spec,
    customer_id: pa.Array,
    created: np.ndarray,
) -> dict[str, pa.Array]:
    n = len(rows.record)
    person = rows.person
    first_book, last_book = mess.first_names().book, mess.last_names()

    first = first_book.render(persons.first[person], rows.first_variant)
    last = last_book.render(rows.last, rows.last_variant)
    first, last = where(rows.swap_names, last, first), where(rows.swap_names, first, last)
    first = where(rows.junk_name, repeat("Test", n), first)
    last = where(rows.junk_name, repeat("Test", n), last)
    first = _decorate(rng, first, rows.emoji == 1, None)
    last = _decorate(rng, last, None, rows.long_value == 1)

    email = _emails(rng, persons, rows)
    phone = choose(
        rows.phone_kind,
        [
            lambda r: mess.phones(rng, persons.country[person[r]], rows.phone[r]),
            lambda r: repeat(None, len(r)),
            lambda r: take(mess.JUNK_PHONES, rng.integers(0, len(mess.JUNK_PHONES), len(r))),
        ],
    )
    street_number, line1, line2 = _addresses(rows)
    line1 = _decorate(rng, line1, rows.emoji == 2, rows.long_value == 2)

    city = take(geography().city_names, persons.city[person])
    city = upper_where(city, rows.city_case == 1)
    city = lower_where(city, rows.city_case == 2)

    loyalty_number = scramble(persons.person_id[person], 10**8, 7_654_321, 13_579)
    loyalty = null_where(concat("LY", digits(loyalty_number, 8)), ~rows.has_loyalty)

    record_created = created[rows.record]
    return {
        "customer_id": customer_id.take(pa.array(rows.record)),
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "date_of_birth": _birth_dates(rng, persons, rows),
        "gender": labels.GENDER.render(rng, rows.gender),
        "street_number": street_number,
        "address_line_1": line1,
        "address_line_2": line2,
        "city": null_where(city, rng.random(n) < 0.01),
        "postcode": null_where(_postcodes(persons, rows), rng.random(n) < 0.01),
        "state": labels.STATE.render(rng, persons.state[person]),
        "country": null_where(
            labels.COUNTRY.render(rng, persons.country[person]), rng.random(n) < 0.02
        ),
        "loyalty_id": loyalty,
        "created_at": _timestamps(rng, record_created, rows.timestamp_style),
        "updated_at": _timestamps(rng, rows.updated_at, rows.timestamp_style),
    }


def _decorate(
    rng: np.random.Generator,
    values: pa.Array,
    emoji: np.ndarray | None,
    long_value: np.ndarray | None,
) -> pa.Array:
    if emoji is not None and emoji.any():
        values = scatter(values, emoji, mess.with_emoji(rng, values.filter(pa.array(emoji))))
    if long_value is not None and long_value.any():
        values = scatter(values, long_value, mess.very_long(values.filter(pa.array(long_value))))
    return values


def _emails(rng: np.random.Generator, persons: Persons, rows: _Spec) -> pa.Array:
    person = rows.person
    primary, alternative = persons.email, persons.alt_email

    def valid(source: Emails) -> Callable[[np.ndarray], pa.Array]:
        def build(r: np.ndarray) -> pa.Array:
            emails = source.take(person[r])
            return mess.email_variants(
                rng, rows.email_variant[r], emails.local, emails.domain_text, emails.is_gmail
            )

        return build

    def junk(r: np.ndarray) -> pa.Array:
        test = np.where(rows.junk_name[r], 0, rng.integers(0, len(mess.JUNK_EMAILS), len(r)))
        return take(mess.JUNK_EMAILS, test)

    def malformed(r: np.ndarray) -> pa.Array:
        emails = primary.take(person[r])
        return mess.malformed_emails(rng, emails.local, emails.domain_text)

    kind = np.where(
        rows.junk_name & (rng.random(len(person)) < 0.7), EmailKind.JUNK, rows.email_kind
    )
    return choose(
        kind,
        [
            valid(primary),
            valid(alternative),
            lambda r: repeat(None, len(r)),
            junk,
            malformed,
        ],
    )


def _birth_dates(rng: np.random.Generator, persons: Persons, rows: _Spec) -> pa.Array:
    birth = persons.birth_day[rows.person] * DAY
    years = persons.birth_day[rows.person] // 365.2425 + 1970
    future = birth + 36_525 * DAY  # a century late: always after the end date
    year_1800 = birth - np.round((years - 1800) * 365.2425).astype(np.int64) * DAY
    return choose(
        rows.dob_kind,
        [
            *((lambda r, fmt=fmt: format_seconds(birth[r], fmt)) for fmt in mess.DOB_FORMATS),
            lambda r: repeat(None, len(r)),
            lambda r: mess.impossible_dates(rng, years[r].astype(np.int64)),
            lambda r: format_seconds(future[r], mess.DOB_FORMATS[0]),
            lambda r: format_seconds(year_1800[r], mess.DOB_FORMATS[0]),
        ],
    )


_TYPE_TEXT = to_vocab(
    [text for full, short in v.STREET_TYPES for text in (full, short, short + ".")]
)
_UNIT_PREFIX = to_vocab(["", "Unit ", "", "Unit ", "Apt "])
_UNIT_JOIN = to_vocab(["/", "/", " ", "", ""])


def _addresses(rows: _Spec) -> tuple[pa.Array, pa.Array, pa.Array]:
    """``street_number``, ``address_line_1`` and ``address_line_2`` of every row."""
    number = digits(rows.street_number)
    street = concat(
        mess.street_names().render(rows.street_name, NameVariant.CANONICAL),
        " ",
        take(_TYPE_TEXT, rows.street_type * 3 + rows.type_style),
    )
    has_unit = rows.unit > 0
    unit = digits(rows.unit)
    in_number = has_unit & (rows.unit_style <= UnitStyle.SPACE)
    in_line2 = has_unit & (rows.unit_style >= UnitStyle.LINE2_UNIT)
    style = rows.unit_style
    unit_number = concat(take(_UNIT_PREFIX, style), unit, take(_UNIT_JOIN, style), number)
    street_number = where(in_number, unit_number, number)
    line2 = null_where(concat(take(_UNIT_PREFIX, style), unit), ~in_line2)

    legacy = rows.legacy_address
    line1 = where(legacy, concat(street_number, " ", street), street)
    street_number = null_where(street_number, legacy)

    line1 = upper_where(line1, rows.address_case == 1)
    line1 = lower_where(line1, rows.address_case == 2)
    line2 = upper_where(line2, rows.address_case == 1)
    return street_number, line1, line2


def _postcodes(persons: Persons, rows: _Spec) -> pa.Array:
    postcode = persons.postcode.take(pa.array(rows.person))
    country = persons.country[rows.person]
    style = rows.postcode_style
    zip4 = concat(postcode, "-", digits(persons.zip4[rows.person], 4))
    postcode = where((country == v.US) & (style == 1), zip4, postcode)
    trimmed = pc.utf8_ltrim(postcode, "0")  # leading zero lost in a spreadsheet
    postcode = where(np.isin(country, [v.AU, v.US]) & (style == 2), trimmed, postcode)
    no_space = pc.replace_substring(postcode, " ", "")
    postcode = where((country == v.GB) & (style == 1), no_space, postcode)
    return lower_where(postcode, (country == v.GB) & (style == 2))


def _timestamps(rng: np.random.Generator, seconds: np.ndarray, style: np.ndarray) -> pa.Array:
    return choose(
        style,
        [
            lambda r: format_seconds(seconds[r], "%Y-%m-%d %H:%M:%S"),
            lambda r: format_seconds(seconds[r], "%Y-%m-%dT%H:%M:%SZ"),
            lambda r: mess.unparseable(rng, len(r)),
        ],
    )
