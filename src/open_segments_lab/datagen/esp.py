"""``esp_email_events``: weekly campaigns sent by the email service provider.

The ESP's audience is every CRM customer record with a usable email while the
person's email consent is granted.  The ESP de-duplicates addresses the way it
stores them (trimmed, usually lower-cased), so a person with two records and
two addresses is two recipients.  Each campaign reaches a subset of the
audience; opens and clicks depend on the person's engagement, and fall away
after they silently churn.  Hard-bouncing addresses bounce once and are
suppressed; revoking consent yields an ``unsubscribe`` event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from open_segments_lab.datagen import labels
from open_segments_lab.datagen.behaviour import Latent, profile_array
from open_segments_lab.datagen.config import DAY, TimeWindow
from open_segments_lab.datagen.customers import CustomerRecords
from open_segments_lab.datagen.privacy import Consent
from open_segments_lab.datagen.textops import random_hex, where
from open_segments_lab.datagen.textops import vocab as to_vocab
from open_segments_lab.datagen.timefmt import format_seconds

SEND_SHARE = 0.20  # chance a recipient is in a given campaign's audience
HARD_BOUNCE_SHARE = 0.02  # recipients whose address no longer exists
SOFT_BOUNCE_SHARE = 0.01
CHURNED_OPEN_FACTOR = 0.08
REOPEN_SHARE = 0.15
SEND, OPEN, CLICK, BOUNCE, UNSUBSCRIBE = (
    labels.ESP_EVENT_TYPE.code(name) for name in ("send", "open", "click", "bounce", "unsubscribe")
)


@dataclass(frozen=True)
class Campaigns:
    """Campaign calendar of the run: a weekly newsletter plus a monthly promotion."""

    sent_at: np.ndarray  # int64 seconds, ascending
    campaign_id: pa.Array


@lru_cache(maxsize=4)
def campaigns(window: TimeWindow) -> Campaigns:
    start = dt.datetime.fromtimestamp(window.history_start, dt.timezone.utc)
    first_tuesday = start + dt.timedelta(days=(1 - start.weekday()) % 7, hours=22)
    times: list[int] = []
    ids: list[str] = []
    week = first_tuesday
    while week.timestamp() < window.end:
        times.append(int(week.timestamp()))
        ids.append(f"cmp_{week:%Y%m%d}_weekly")
        promo = week + dt.timedelta(days=3, hours=-12)
        if week.day <= 7 and promo.timestamp() < window.end:
            times.append(int(promo.timestamp()))
            ids.append(f"cmp_{promo:%Y%m%d}_promo")
        week += dt.timedelta(days=7)
    sent_at = np.array(times, dtype=np.int64)
    return Campaigns(sent_at=sent_at, campaign_id=to_vocab(ids))


@dataclass(frozen=True)
class EspEvents:
    table: pa.Table
    recipient_email: pa.Array  # distinct recipients
    recipient_person: np.ndarray  # index into Persons


def build_esp(
    rng: np.random.Generator,
    latent: Latent,
    customers: CustomerRecords,
    consent: Consent,
    window: TimeWindow,
) -> EspEvents:
    """Generate the ``esp_email_events`` rows of a chunk."""
    recipients, person, start, stop = _recipients(rng, customers, consent, window)
    calendar = campaigns(window)

    # Every (recipient, campaign) pair inside the subscription, kept with SEND_SHARE.
    first = np.searchsorted(calendar.sent_at, start, side="left")
    last = np.searchsorted(calendar.sent_at, stop, side="left")
    available = np.maximum(last - first, 0)
    pair_recipient = np.repeat(np.arange(len(person)), available)
    pair_start = np.concatenate([[0], np.cumsum(available)[:-1]])
    pair_campaign = (
        first[pair_recipient] + np.arange(len(pair_recipient)) - pair_start[pair_recipient]
    )
    sent = rng.random(len(pair_recipient)) < SEND_SHARE
    send_recipient, send_campaign = pair_recipient[sent], pair_campaign[sent]

    hard = rng.random(len(person)) < HARD_BOUNCE_SHARE
    rank = _rank_within(send_recipient)
    keep = ~hard[send_recipient] | (rank == 0)
    send_recipient, send_campaign = send_recipient[keep], send_campaign[keep]
    send_at = calendar.sent_at[send_campaign] + rng.integers(0, 3600, len(send_campaign))
    sp = person[send_recipient]

    bounced = hard[send_recipient] | (rng.random(len(sp)) < SOFT_BOUNCE_SHARE)
    active = send_at < latent.churn_at[sp]
    open_p = latent.open_rate[sp] * np.where(active, 1.0, CHURNED_OPEN_FACTOR)
    opened = ~bounced & (rng.random(len(sp)) < open_p)
    click_rate = profile_array("click_rate")[latent.archetype[sp]]
    clicked = opened & (rng.random(len(sp)) < click_rate)
    reopened = opened & (rng.random(len(sp)) < REOPEN_SHARE)

    open_at = send_at + np.round(rng.lognormal(np.log(3 * 3600), 1.2, len(sp))).astype(np.int64)
    reopen_at = open_at + rng.integers(600, 3 * DAY, len(sp))
    click_at = open_at + rng.integers(5, 600, len(sp))
    bounce_at = send_at + rng.integers(1, 120, len(sp))

    unsubscribed = np.isfinite(stop) & (stop < window.end) & (stop >= start)
    event_recipient = np.concatenate(
        [
            send_recipient,
            send_recipient[bounced],
            send_recipient[opened],
            send_recipient[reopened],
            send_recipient[clicked],
            np.flatnonzero(unsubscribed),
        ]
    )
    event_campaign = np.concatenate(
        [
            send_campaign,
            send_campaign[bounced],
            send_campaign[opened],
            send_campaign[reopened],
            send_campaign[clicked],
            _last_campaign_before(calendar, stop[unsubscribed]),
        ]
    )
    event_type = np.concatenate(
        [
            np.full(len(send_recipient), SEND),
            np.full(int(bounced.sum()), BOUNCE),
            np.full(int(opened.sum()), OPEN),
            np.full(int(reopened.sum()), OPEN),
            np.full(int(clicked.sum()), CLICK),
            np.full(int(unsubscribed.sum()), UNSUBSCRIBE),
        ]
    )
    event_at = np.concatenate(
        [
            send_at,
            bounce_at[bounced],
            open_at[opened],
            reopen_at[reopened],
            click_at[clicked],
            stop[unsubscribed].astype(np.int64),
        ]
    )
    # The export covers the observation window only.
    in_window = (event_at >= window.history_start) & (event_at < window.end)
    order = np.flatnonzero(in_window)[np.argsort(event_at[in_window], kind="stable")]

    table = pa.table(
        {
            "event_id": random_hex(rng, len(order), 24),
            "recipient_email": recipients.take(pa.array(event_recipient[order])),
            "campaign_id": calendar.campaign_id.take(pa.array(event_campaign[order])),
            "event_type": labels.ESP_EVENT_TYPE.render_canonical(event_type[order]),
            "occurred_at": format_seconds(event_at[order], "%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    appearing = np.unique(event_recipient[order])
    return EspEvents(
        table=table,
        recipient_email=recipients.take(pa.array(appearing)),
        recipient_person=person[appearing],
    )


def _recipients(
    rng: np.random.Generator,
    customers: CustomerRecords,
    consent: Consent,
    window: TimeWindow,
) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct stored addresses with their owner and subscription interval."""
    granted, revoked = consent.email_subscription()
    record = np.flatnonzero(customers.email_usable & ~np.isnan(granted[customers.person]))
    person = customers.person[record]
    stored = pc.utf8_trim_whitespace(customers.email.take(pa.array(record)))
    keep_case = rng.random(len(record)) < 0.1
    address = where(keep_case, stored, pc.utf8_lower(stored))
    start = np.maximum(granted[person], customers.created_at[record])
    stop = revoked[person]

    # One recipient per stored address.  The rare address shared by two people
    # (a family mailbox) is attributed to one of them.
    table = pa.table({"person": person, "address": address, "start": start, "stop": stop})
    grouped = table.group_by("address", use_threads=False).aggregate(
        [("person", "min"), ("start", "min"), ("stop", "max")]
    )
    grouped = grouped.sort_by([("person_min", "ascending"), ("address", "ascending")])
    return (
        grouped["address"].combine_chunks(),
        grouped["person_min"].to_numpy(),
        np.maximum(grouped["start_min"].to_numpy(), float(window.history_start)),
        grouped["stop_max"].to_numpy(),
    )


def _rank_within(group: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within runs of equal values (``group`` must be sorted)."""
    if not len(group):
        return np.zeros(0, dtype=np.int64)
    starts = np.concatenate([[True], group[1:] != group[:-1]])
    first = np.maximum.accumulate(np.where(starts, np.arange(len(group)), 0))
    return np.arange(len(group)) - first


def _last_campaign_before(calendar: Campaigns, seconds: np.ndarray) -> np.ndarray:
    return np.maximum(np.searchsorted(calendar.sent_at, seconds, side="right") - 1, 0)
