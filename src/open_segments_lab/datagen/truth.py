"""Ground truth: which person is behind every record, and each person's latent state.

``truth_records`` maps every record key of every source to its true person
(``web_cookies`` per cookie, ``esp_recipients`` per recipient address).  Keys
are unique per source, except that an email address shared by two people (a
family mailbox, ~0.02% of recipients) can map to both.  Rows with a null key
(invalid source rows) have no truth row.

``truth_persons`` holds archetypes, churn, the 30-day label and its oracle
probability.  Bots appear as pseudo-persons with archetype ``bot``; web-only
visitors as ``web_only``.  Timestamps are naive UTC.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from open_segments_lab.datagen import schema
from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.behaviour import Archetype, Latent, Outlook
from open_segments_lab.datagen.customers import CustomerRecords
from open_segments_lab.datagen.persons import Persons
from open_segments_lab.datagen.textops import repeat, take
from open_segments_lab.datagen.textops import vocab as to_vocab

_ARCHETYPES = to_vocab([a.label for a in Archetype])
_COUNTRIES = to_vocab([c.code for c in v.COUNTRIES])


def records(source_table: str, keys: pa.Array, person_id: np.ndarray) -> pa.Table:
    """Truth rows for one source; null keys (invalid rows) are left out."""
    valid = np.asarray(keys.is_valid())
    return pa.table(
        {
            "source_table": repeat(source_table, int(valid.sum())),
            "record_key": keys.filter(pa.array(valid)),
            "person_id": pa.array(np.asarray(person_id, dtype=np.int64)[valid]),
        },
        schema=schema.TRUTH_RECORDS,
    )


def persons_table(
    persons: Persons,
    latent: Latent,
    outlook: Outlook,
    customers: CustomerRecords,
    bot_person_id: np.ndarray,
) -> pa.Table:
    """One row per person of the chunk, then one per bot."""
    n, n_bots = len(persons), len(bot_person_id)
    crm = persons.is_crm
    churned = latent.is_churned
    n_records = np.zeros(n, dtype=np.int64)
    n_records[: len(customers.n_records)] = customers.n_records
    rate = np.where(churned, 0.0, latent.rate)

    def seconds(values: np.ndarray, valid: np.ndarray) -> pa.Array:
        clean = np.where(valid, values, 0).astype(np.int64)
        return pa.array(clean, type=pa.timestamp("s"), mask=~valid)

    def crm_only(values: np.ndarray, kind: pa.DataType) -> pa.Array:
        return pa.array(values, type=kind, mask=~crm)

    humans = pa.table(
        {
            "person_id": pa.array(persons.person_id),
            "is_crm_customer": pa.array(crm),
            "archetype": take(_ARCHETYPES, latent.archetype),
            "country": take(_COUNTRIES, persons.country),
            "n_customer_records": pa.array(n_records),
            "created_at": seconds(latent.created_at, crm),
            "orders_per_day": crm_only(rate, pa.float64()),
            "order_trend_per_year": crm_only(latent.trend * 365, pa.float64()),
            "is_churned": crm_only(churned, pa.bool_()),
            "churned_at": seconds(latent.churn_at, crm & churned),
            "expected_orders_30d": crm_only(outlook.expected_orders, pa.float64()),
            "oracle_purchase_prob_30d": crm_only(outlook.probability, pa.float64()),
            "purchased_next_30d": crm_only(outlook.purchased, pa.bool_()),
            "next_order_at": seconds(outlook.next_order_at, crm & outlook.purchased),
        },
        schema=schema.TRUTH_PERSONS,
    )
    bots = pa.table(
        {
            "person_id": pa.array(bot_person_id),
            "is_crm_customer": pa.array(np.zeros(n_bots, dtype=bool)),
            "archetype": repeat(Archetype.BOT.label, n_bots),
            **{
                f.name: pa.nulls(n_bots, type=f.type)
                for f in schema.TRUTH_PERSONS
                if f.name not in ("person_id", "is_crm_customer", "archetype")
            },
        },
        schema=schema.TRUTH_PERSONS,
    )
    return pa.concat_tables([humans, bots])
