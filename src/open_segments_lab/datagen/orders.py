"""``crm_orders``: purchases drawn from the latent process, plus sign-up orders.

Orders are attributed to the newest customer record that existed at the time
(re-registered people order under their new ``customer_id``).  Amounts follow
a per-person lognormal around the archetype's order value, in the person's
currency.  Invalid rows (~0.5% per kind) include negative and NaN amounts,
unknown currencies and statuses, null ids, orphan customer ids and broken
timestamps; ~0.3% of rows are exact duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from open_segments_lab.datagen import labels, mess
from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.behaviour import (
    Archetype,
    Latent,
    local_time_of_day,
    sample_arrivals,
    seasonality,
)
from open_segments_lab.datagen.config import DAY, ChunkSpec, TimeWindow
from open_segments_lab.datagen.customers import CustomerRecords
from open_segments_lab.datagen.ids import block_ids
from open_segments_lab.datagen.persons import Persons
from open_segments_lab.datagen.rng import weighted
from open_segments_lab.datagen.textops import choose, concat, digits, null_where, take
from open_segments_lab.datagen.timefmt import format_local, format_seconds, utc_offset_minutes

ORDER_BLOCK = 10**7  # order numbers owned by one chunk
SIGNUP_ORDER_SHARE = 0.55
INVALID_SHARE = 0.005
DUPLICATE_SHARE = 0.003

CHANNEL_WEB, CHANNEL_APP, CHANNEL_STORE, CHANNEL_PHONE = range(4)
STATUS = {name: labels.ORDER_STATUS.code(name) for name in labels.ORDER_STATUS.canonical}


@dataclass(frozen=True)
class Orders:
    """True orders of a chunk (before messy rendering), sorted by time."""

    person: np.ndarray
    record: np.ndarray  # index into CustomerRecords
    ordered_at: np.ndarray  # int64 seconds
    channel: np.ndarray  # CHANNEL_* code
    category: np.ndarray  # index into vocab.PRODUCT_CATEGORIES
    order_id: pa.Array
    table: pa.Table


def simulate_order_times(
    rng: np.random.Generator,
    persons: Persons,
    latent: Latent,
    window: TimeWindow,
) -> tuple[np.ndarray, np.ndarray]:
    """Process orders plus a first order at sign-up for some customers."""
    n_crm = int(persons.is_crm.sum())
    start, stop = latent.active_span(window)
    start, stop = start[:n_crm], stop[:n_crm]
    owner, seconds = sample_arrivals(
        rng,
        latent.rate[:n_crm],
        latent.trend[:n_crm],
        start,
        stop,
        float(window.end),
        seasonality(window),
    )
    offset = utc_offset_minutes(
        seconds.astype(np.int64), persons.zone_minutes[owner], persons.zone_rule[owner]
    )
    seconds = local_time_of_day(rng, seconds, offset, start[owner], stop[owner])

    created = latent.created_at[:n_crm]
    # most new customers buy as they sign up; window shoppers register without buying
    archetype = latent.archetype[:n_crm]
    share = np.where(archetype == Archetype.NEW_CUSTOMER, 0.9, SIGNUP_ORDER_SHARE)
    share = np.where(archetype == Archetype.WINDOW_SHOPPER, 0.0, share)
    signup = (created >= window.history_start) & (created < stop) & (rng.random(n_crm) < share)
    signup_person = np.flatnonzero(signup)
    signup_at = np.minimum(
        created[signup] + rng.uniform(60, 1800, len(signup_person)), window.end - 1
    )
    person = np.concatenate([owner, signup_person])
    at = np.floor(np.concatenate([seconds, signup_at])).astype(np.int64)
    order = np.lexsort((person, at))
    return person[order], at[order]


def build_orders(
    rng: np.random.Generator,
    persons: Persons,
    latent: Latent,
    customers: CustomerRecords,
    spec: ChunkSpec,
    window: TimeWindow,
) -> Orders:
    """Generate the ``crm_orders`` rows of a chunk."""
    person, at = simulate_order_times(rng, persons, latent, window)
    n = len(person)
    record = customers.latest_at(person, at)
    record = np.where(record < 0, customers.first_record[person], record)

    country = persons.country[person]
    per_aud = np.array([c.per_aud for c in v.COUNTRIES])[country]
    amount = np.round(latent.order_value[person] * per_aud * rng.lognormal(-0.1, 0.45, n), 2)
    quantity = 1 + rng.poisson(0.3 + amount / per_aud / 120)

    favourite = rng.random(n) < 0.55
    category = np.where(
        favourite, latent.favourite_category[person], weighted(rng, v.CATEGORY_WEIGHTS, n)
    )
    online = rng.random(n) < latent.online_share[person]
    channel = np.where(
        online,
        np.where(rng.random(n) < 0.6, CHANNEL_WEB, CHANNEL_APP),
        np.where(rng.random(n) < 0.85, CHANNEL_STORE, CHANNEL_PHONE),
    )

    # completed / shipped / processing / cancelled / returned / refunded
    status = weighted(rng, [88, 0, 0, 4, 4, 4], n)
    recent = at > window.end - 5 * DAY
    in_flight = np.where(rng.random(n) < 0.7, STATUS["shipped"], STATUS["processing"])
    status = np.where(recent & (status == STATUS["completed"]), in_flight, status)

    number = 1 + block_ids(spec.index, ORDER_BLOCK, np.arange(n))
    order_id = concat("ORD-", digits(number, 11))
    table = _render(
        rng,
        persons,
        customers,
        person,
        record,
        at,
        amount,
        quantity,
        category,
        channel,
        status,
        order_id,
    )
    return Orders(
        person=person,
        record=record,
        ordered_at=at,
        channel=channel,
        category=category,
        order_id=order_id,
        table=table,
    )


def _render(
    rng: np.random.Generator,
    persons: Persons,
    customers: CustomerRecords,
    person: np.ndarray,
    record: np.ndarray,
    at: np.ndarray,
    amount: np.ndarray,
    quantity: np.ndarray,
    category: np.ndarray,
    channel: np.ndarray,
    status: np.ndarray,
    order_id: pa.Array,
) -> pa.Table:
    n = len(person)
    problem = rng.random(n)
    kind = rng.integers(0, 9, n)  # which problem, for rows with problem < 9 * INVALID_SHARE
    bad = problem < 9 * INVALID_SHARE

    amount = amount.copy()
    amount[bad & (kind == 0)] *= -1
    amount[bad & (kind == 1)] = np.nan

    currency = labels.CURRENCY.render(rng, persons.country[person])
    unknown_currency = bad & (kind == 2)
    currency = choose(
        unknown_currency.astype(np.int64),
        [
            lambda r: currency.take(pa.array(r)),
            lambda r: take(
                labels.UNKNOWN_CURRENCIES, rng.integers(0, len(labels.UNKNOWN_CURRENCIES), len(r))
            ),
        ],
    )
    status_text = labels.ORDER_STATUS.render(rng, status)
    unknown_status = bad & (kind == 3)
    status_text = choose(
        unknown_status.astype(np.int64),
        [
            lambda r: status_text.take(pa.array(r)),
            lambda r: take(
                labels.UNKNOWN_ORDER_STATUSES,
                rng.integers(0, len(labels.UNKNOWN_ORDER_STATUSES), len(r)),
            ),
        ],
    )

    customer_id = customers.customer_id.take(pa.array(record))
    orphan = bad & (kind == 4)
    customer_id = choose(
        orphan.astype(np.int64),
        [
            lambda r: customer_id.take(pa.array(r)),
            lambda r: concat("C9", digits(rng.integers(0, 10**8, len(r)), 8)),
        ],
    )
    customer_id = null_where(customer_id, bad & (kind == 5))

    store = channel == CHANNEL_STORE
    offset = utc_offset_minutes(at, persons.zone_minutes[person], persons.zone_rule[person])
    style = np.where(rng.random(n) < 0.15, 1, 0)
    style = np.where(store & (rng.random(n) < 0.5), 2, style)
    style = np.where(bad & (kind == 6), 3, style)
    style = np.where(bad & (kind == 7), 4, style)
    ordered_at = choose(
        style,
        [
            lambda r: format_seconds(at[r], "%Y-%m-%d %H:%M:%S"),
            lambda r: format_seconds(at[r], "%Y-%m-%dT%H:%M:%SZ"),
            lambda r: format_local(at[r], offset[r]),
            lambda r: mess.unparseable(rng, len(r)),
            lambda r: mess.impossible_dates(rng, at[r] // (365 * DAY) + 1970),
        ],
    )

    table = pa.table(
        {
            "order_id": null_where(order_id, bad & (kind == 8)),
            "customer_id": customer_id,
            "ordered_at": ordered_at,
            "amount": pa.array(amount, type=pa.float64()),
            "currency": currency,
            "quantity": pa.array(quantity, mask=rng.random(n) < 0.02, type=pa.int64()),
            "status": status_text,
            "channel": labels.CHANNEL.render(rng, channel),
            "product_category": labels.CATEGORY.render(rng, category),
        }
    )
    duplicates = np.flatnonzero(rng.random(n) < DUPLICATE_SHARE)
    return pa.concat_tables([table, table.take(pa.array(duplicates))])
