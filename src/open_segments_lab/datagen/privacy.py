"""Privacy sources: consent events and erasure (right-to-be-forgotten) requests.

Each CRM person may grant consent for ``email``, ``ads`` and ``analytics``
(mostly at sign-up) and later revoke it.  Subjects are identified by email,
customer id or phone exactly as the consent platform received them, and
purposes/statuses use several spellings.  The email-consent interval also
drives who the ESP may mail (see :mod:`esp`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from open_segments_lab.datagen import labels, mess
from open_segments_lab.datagen.behaviour import Archetype, Latent
from open_segments_lab.datagen.config import DAY, ChunkSpec, TimeWindow
from open_segments_lab.datagen.customers import CustomerRecords
from open_segments_lab.datagen.ids import block_ids
from open_segments_lab.datagen.rng import bands
from open_segments_lab.datagen.textops import choose, concat, digits, uuid4, where
from open_segments_lab.datagen.timefmt import format_seconds

PURPOSES = labels.CONSENT_PURPOSE.canonical  # ("email", "ads", "analytics")
GRANT_SHARE = np.array([0.70, 0.45, 0.75])
REVOKE_SHARE = np.array([0.15, 0.20, 0.05])
ERASURE_SHARE = 0.002
DUPLICATE_SHARE = 0.005
UNPARSEABLE_SHARE = 0.003
SUBJECT_EMAIL, SUBJECT_CUSTOMER_ID, SUBJECT_PHONE = range(3)


@dataclass(frozen=True)
class Consent:
    """Consent history of the CRM persons of a chunk and its event table."""

    granted_at: np.ndarray  # (n_crm, 3) seconds, nan = never granted
    revoked_at: np.ndarray  # (n_crm, 3) seconds, nan = never revoked
    table: pa.Table
    event_person: np.ndarray  # person of every distinct event
    event_id: pa.Array  # id of every distinct event

    def email_subscription(self) -> tuple[np.ndarray, np.ndarray]:
        """``[start, stop)`` of email consent per person (``start = nan`` if never)."""
        email = PURPOSES.index("email")
        stop = np.where(np.isnan(self.revoked_at[:, email]), np.inf, self.revoked_at[:, email])
        return self.granted_at[:, email], stop


def build_consent(
    rng: np.random.Generator,
    latent: Latent,
    customers: CustomerRecords,
    window: TimeWindow,
) -> Consent:
    """Draw consent grants and revocations and render ``privacy_consent_events``."""
    n = len(customers.n_records)
    created = latent.created_at[:n][:, None]
    later = rng.random((n, 3)) < 0.25
    granted = np.where(
        later,
        created + rng.random((n, 3)) * (window.end - created),
        created + rng.uniform(1, 300, (n, 3)),
    )
    grant_share = np.tile(GRANT_SHARE, (n, 1))
    grant_share[latent.archetype[:n] == Archetype.LOYAL_HIGH_VALUE, 0] = 0.9
    granted = np.where(rng.random((n, 3)) < grant_share, np.floor(granted), np.nan)

    revoke_share = np.tile(REVOKE_SHARE, (n, 1))
    revoke_share[latent.archetype[:n] == Archetype.LAPSED, 0] = 0.35
    revokes = ~np.isnan(granted) & (rng.random((n, 3)) < revoke_share)
    revoked = np.where(
        revokes, np.floor(granted + rng.random((n, 3)) * (window.end - granted)), np.nan
    )

    person_g, purpose_g = np.nonzero(~np.isnan(granted))
    person_r, purpose_r = np.nonzero(~np.isnan(revoked))
    person = np.concatenate([person_g, person_r])
    purpose = np.concatenate([purpose_g, purpose_r])
    status = np.concatenate([np.zeros(len(person_g), int), np.ones(len(person_r), int)])
    at = np.concatenate([granted[person_g, purpose_g], revoked[person_r, purpose_r]]).astype(
        np.int64
    )
    order = np.argsort(at, kind="stable")
    person, purpose, status, at = person[order], purpose[order], status[order], at[order]

    event_id = uuid4(rng, len(person))
    subject_type, subject_value = _subjects(rng, customers, person, at)
    table = pa.table(
        {
            "consent_event_id": event_id,
            "subject_type": labels.SUBJECT_TYPE.render(rng, subject_type),
            "subject_value": subject_value,
            "purpose": labels.CONSENT_PURPOSE.render(rng, purpose),
            "status": labels.CONSENT_STATUS.render(rng, status),
            "occurred_at": _timestamps(rng, at),
        }
    )
    duplicates = np.flatnonzero(rng.random(len(person)) < DUPLICATE_SHARE)
    table = pa.concat_tables([table, table.take(pa.array(duplicates))])
    return Consent(granted, revoked, table, person, event_id)


def _subjects(
    rng: np.random.Generator, customers: CustomerRecords, person: np.ndarray, at: np.ndarray
) -> tuple[np.ndarray, pa.Array]:
    """How the consent platform identified the person of each event."""
    record = customers.latest_at(person, at)
    record = np.where(record < 0, customers.first_record[person], record)
    has_email = customers.email_usable[record]
    has_phone = np.asarray(pc.is_valid(customers.phone.take(pa.array(record))))
    u = rng.random(len(person))
    kind = np.where(has_email & (u < 0.55), SUBJECT_EMAIL, SUBJECT_CUSTOMER_ID)
    kind = np.where(has_phone & (u > 0.9), SUBJECT_PHONE, kind)

    def email(r: np.ndarray) -> pa.Array:
        stored = customers.email.take(pa.array(record[r]))
        tidy = pc.utf8_lower(pc.utf8_trim_whitespace(stored))
        return where(rng.random(len(r)) < 0.5, tidy, stored)

    value = choose(
        kind,
        [
            email,
            lambda r: customers.customer_id.take(pa.array(record[r])),
            lambda r: customers.phone.take(pa.array(record[r])),
        ],
    )
    return kind, value


def _timestamps(rng: np.random.Generator, seconds: np.ndarray) -> pa.Array:
    """Mostly ISO with milliseconds; some plain, some epoch seconds, a few unparseable."""
    millis = rng.integers(0, 1000, len(seconds))
    style = bands(rng.random(len(seconds)), 0, (1, 0.25), (2, 0.05), (3, UNPARSEABLE_SHARE))
    return choose(
        style,
        [
            lambda r: format_seconds(seconds[r], "%Y-%m-%dT%H:%M:%S.%fZ", millis[r]),
            lambda r: format_seconds(seconds[r], "%Y-%m-%d %H:%M:%S"),
            lambda r: digits(seconds[r]),  # epoch seconds
            lambda r: mess.unparseable(rng, len(r)),
        ],
    )


@dataclass(frozen=True)
class Erasure:
    table: pa.Table
    person: np.ndarray
    request_id: pa.Array


def build_erasure(
    rng: np.random.Generator,
    latent: Latent,
    customers: CustomerRecords,
    spec: ChunkSpec,
    chunk_size: int,
    window: TimeWindow,
) -> Erasure:
    """``privacy_erasure_requests``: ~0.2% of CRM persons ask to be forgotten."""
    n = len(customers.n_records)
    person = np.flatnonzero(rng.random(n) < ERASURE_SHARE)
    earliest = np.maximum(latent.created_at[person], window.end - 365 * DAY)
    at = np.floor(earliest + rng.random(len(person)) * (window.end - earliest)).astype(np.int64)
    # Some people file a second request through another channel a few days later.
    again = rng.random(len(person)) < 0.1
    person = np.concatenate([person, person[again]])
    at = np.concatenate(
        [at, np.minimum(at[again] + rng.integers(DAY, 10 * DAY, int(again.sum())), window.end - 1)]
    )
    order = np.argsort(at, kind="stable")
    person, at = person[order], at[order]

    record = customers.latest_at(person, at)
    record = np.where(record < 0, customers.first_record[person], record)
    use_email = customers.email_usable[record] & (rng.random(len(person)) < 0.6)
    kind = np.where(use_email, SUBJECT_EMAIL, SUBJECT_CUSTOMER_ID)
    value = where(
        use_email,
        pc.utf8_trim_whitespace(customers.email.take(pa.array(record))),
        customers.customer_id.take(pa.array(record)),
    )
    number = 1 + block_ids(spec.index, chunk_size, np.arange(len(at)))
    request_id = concat("DSR-", digits(number, 10))
    table = pa.table(
        {
            "request_id": request_id,
            "subject_type": labels.SUBJECT_TYPE.render(rng, kind),
            "subject_value": value,
            "requested_at": format_seconds(at, "%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    return Erasure(table, person, request_id)
