"""The raw-data contract: output files, their columns and Arrow types.

Staging models depend on these names.  Raw columns are strings unless noted;
nulls are real nulls.  Truth tables use proper types (timestamps are naive
UTC).
"""

from __future__ import annotations

import pyarrow as pa


def _strings(*names: str) -> list[pa.Field]:
    return [pa.field(name, pa.string()) for name in names]


CRM_CUSTOMERS = pa.schema(
    _strings(
        "customer_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "date_of_birth",
        "gender",
        "street_number",
        "address_line_1",
        "address_line_2",
        "city",
        "postcode",
        "state",
        "country",
        "loyalty_id",
        "created_at",
        "updated_at",
    )
)

CRM_ORDERS = pa.schema(
    [
        *_strings("order_id", "customer_id", "ordered_at"),
        pa.field("amount", pa.float64()),
        *_strings("currency"),
        pa.field("quantity", pa.int64()),
        *_strings("status", "channel", "product_category"),
    ]
)

WEB_EVENTS = pa.schema(
    _strings(
        "event_id",
        "cookie_id",
        "user_id",
        "email",
        "event_type",
        "page_path",
        "product_category",
        "session_id",
        "device_type",
        "user_agent",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "event_at",
        "received_at",
    )
)

ESP_EMAIL_EVENTS = pa.schema(
    _strings(
        "event_id",
        "recipient_email",
        "campaign_id",
        "event_type",
        "occurred_at",
    )
)

THIRD_PARTY_DEMOGRAPHICS = pa.schema(
    _strings(
        "provider_record_id",
        "email",
        "email_sha256",
        "phone",
        "first_name",
        "last_name",
        "street_address",
        "city",
        "postcode",
        "state",
        "country",
        "age",
        "age_band",
        "income_band",
        "household_size",
        "interests",
        "delivered_at",
    )
)

THIRD_PARTY_DEMOGRAPHICS_WITH_BIRTH_DATE = THIRD_PARTY_DEMOGRAPHICS.insert(
    THIRD_PARTY_DEMOGRAPHICS.get_field_index("last_name") + 1,
    pa.field("date_of_birth", pa.string()),
)
"""The hard noise profile's third-party file: with the contract's optional ``date_of_birth``."""

PRIVACY_CONSENT_EVENTS = pa.schema(
    _strings(
        "consent_event_id",
        "subject_type",
        "subject_value",
        "purpose",
        "status",
        "occurred_at",
    )
)

PRIVACY_ERASURE_REQUESTS = pa.schema(
    _strings(
        "request_id",
        "subject_type",
        "subject_value",
        "requested_at",
    )
)

TRUTH_RECORDS = pa.schema(
    [
        pa.field("source_table", pa.string(), nullable=False),
        pa.field("record_key", pa.string(), nullable=False),
        pa.field("person_id", pa.int64(), nullable=False),
    ]
)

TRUTH_PERSONS = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("is_crm_customer", pa.bool_(), nullable=False),
        pa.field("archetype", pa.string(), nullable=False),
        pa.field("country", pa.string()),
        pa.field("n_customer_records", pa.int64()),
        pa.field("created_at", pa.timestamp("s")),
        pa.field("orders_per_day", pa.float64()),
        pa.field("order_trend_per_year", pa.float64()),
        pa.field("is_churned", pa.bool_()),
        pa.field("churned_at", pa.timestamp("s")),
        pa.field("expected_orders_30d", pa.float64()),
        pa.field("oracle_purchase_prob_30d", pa.float64()),
        pa.field("purchased_next_30d", pa.bool_()),
        pa.field("next_order_at", pa.timestamp("s")),
    ]
)

FILES: dict[str, pa.Schema] = {
    "crm_customers.parquet": CRM_CUSTOMERS,
    "crm_orders.parquet": CRM_ORDERS,
    "web_events.parquet": WEB_EVENTS,
    "esp_email_events.parquet": ESP_EMAIL_EVENTS,
    "third_party_demographics.parquet": THIRD_PARTY_DEMOGRAPHICS,
    "privacy_consent_events.parquet": PRIVACY_CONSENT_EVENTS,
    "privacy_erasure_requests.parquet": PRIVACY_ERASURE_REQUESTS,
    "truth/truth_records.parquet": TRUTH_RECORDS,
    "truth/truth_persons.parquet": TRUTH_PERSONS,
}
"""Every output file (relative to ``--out``) and its schema, in writing order."""


def files(noise: str = "default") -> dict[str, pa.Schema]:
    """:data:`FILES` of a noise profile (the hard profile's third-party file has a birth date)."""
    if noise == "hard":
        return {
            **FILES,
            "third_party_demographics.parquet": THIRD_PARTY_DEMOGRAPHICS_WITH_BIRTH_DATE,
        }
    return FILES


RAW_FILES = tuple(name for name in FILES if not name.startswith("truth/"))
SOURCE_OF_RAW_FILE: dict[str, str] = {
    "crm_customers.parquet": "crm",
    "crm_orders.parquet": "crm",
    "web_events.parquet": "web",
    "esp_email_events.parquet": "esp",
    "third_party_demographics.parquet": "third_party",
    "privacy_consent_events.parquet": "privacy",
    "privacy_erasure_requests.parquet": "privacy",
}
"""The dbt source of each raw file (files are named ``<source>_<table>``; a source name may itself
hold an underscore, so the name alone does not say where the source ends)."""
MANIFEST = "manifest.json"
