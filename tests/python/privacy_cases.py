"""Consent and erasure rows written the way other systems write them, for test_privacy.py.

Each revocation and erasure below is one a real consent platform, email platform or data-subject
request form sends and the project once quarantined under a green build: statuses and purposes
it had no label for, a slashed day-first time, a time with a zone abbreviation, a phone in the
national form of another country than `default_country`, a hashed email, a customer id in lower
case, an email with a trailing dot, a revocation whose time or purpose cannot be read. One person
per case, so a case that is not honoured names itself.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

# revocations: case -> (purpose column as delivered, status, the exports it must leave)
REVOCATIONS = {
    "status_unsubscribed": ("Email", "unsubscribed", {"email"}),
    "purpose_all": ("all", "revoked", {"email", "ads"}),
    "slashed_day_first_time": ("ads", "Opt-Out", {"ads"}),
    "national_phone_other_country": ("advertising", "revoked", {"ads"}),
    "unreadable_time": ("email", "revoked", {"email"}),
    "unknown_purpose": ("SMS and e-mail marketing", "withdrawn", {"email", "ads"}),
}
ERASURES = (
    "sha256_of_email",
    "national_phone_other_country",
    "lower_case_customer_id",
    "email_trailing_dot",
)
ESP_UNSUBSCRIBE = "esp_unsubscribe_zone_abbreviation"


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    table = pq.read_table(path)
    addition = pa.Table.from_pylist(rows, schema=table.schema)
    pq.write_table(pa.concat_tables([table, addition]), path)


def _national(phone_e164: str, calling_code: str) -> str:
    """'+447700900123' written the way a UK form takes it: '07700 900123'."""
    national = "0" + phone_e164.removeprefix("+" + calling_code)
    return f"{national[:5]} {national[5:]}"


def add_hostile_rows(con: duckdb.DuckDBPyConnection, changed: Path, exclude: set[str]) -> dict:
    """Pick one person per case from a built warehouse (not the profiles in `exclude`), append
    their rows to the raw files in `changed`, and return the people by case."""
    # People in both exports, with a CRM email, customer id and phone, and no consent decision
    # after the earliest revocation time below (a later grant would rightly outrank it).
    candidates = con.execute(
        """
        select p.profile_id, p.email, p.customer_id, p.phone_e164, c.customer_key
        from identity.int_customer__unified_profiles as p
        inner join marts.dim_customers as c on p.profile_id = c.profile_id
        where p.crm_customers_records = 1 and p.email is not null and p.customer_id is not null
            and c.customer_key in (select extern_id from activation.export_ads_custom_audience)
            and c.customer_key in (select external_id from activation.export_email_audience)
            and p.profile_id not in (
                select profile_id from privacy.int_privacy__profile_consent
                where decided_at >= timestamp '2026-10-30 00:00:00'
            )
        order by p.profile_id
        """
    ).fetchall()
    candidates = [c for c in candidates if c[0] not in exclude]
    foreign = [c for c in candidates if c[3] and c[3].startswith("+44")]
    local = [c for c in candidates if c not in foreign]
    assert len(foreign) >= 2 and len(local) >= 9, "too few people to test with"
    people = {
        "revoke:national_phone_other_country": foreign[0],
        "erase:national_phone_other_country": foreign[1],
    }
    cases = [f"revoke:{c}" for c in REVOCATIONS if c != "national_phone_other_country"]
    cases += [f"erase:{c}" for c in ERASURES if c != "national_phone_other_country"]
    cases.append(f"esp:{ESP_UNSUBSCRIBE}")
    people.update(zip(cases, local, strict=False))
    assert len(people) == len(REVOCATIONS) + len(ERASURES) + 1

    consent_rows = []
    for case, (purpose, status, _exports) in REVOCATIONS.items():
        _profile, email, customer_id, phone, _key = people[f"revoke:{case}"]
        subject = ("customer_id", customer_id)
        occurred_at = "2026-11-20T08:00:00Z"
        if case == "status_unsubscribed":
            subject = ("E-mail", email)
        elif case == "slashed_day_first_time":
            occurred_at = "30/10/2026 12:00"
        elif case == "national_phone_other_country":
            subject = ("Mobile", _national(phone, "44"))
        elif case == "unreadable_time":
            occurred_at = "last Tuesday, after lunch"
        consent_rows.append(
            {
                "consent_event_id": f"hostile-{case}",
                "subject_type": subject[0],
                "subject_value": subject[1],
                "purpose": purpose,
                "status": status,
                "occurred_at": occurred_at,
            }
        )
    erasure_rows = []
    for case in ERASURES:
        _profile, email, customer_id, phone, _key = people[f"erase:{case}"]
        if case == "sha256_of_email":
            subject = ("hashed_email", hashlib.sha256(email.encode()).hexdigest())
        elif case == "national_phone_other_country":
            subject = ("phone", _national(phone, "44"))
        elif case == "lower_case_customer_id":
            subject = ("customer_id", customer_id.lower())
        else:
            subject = ("email", email + ".")
        erasure_rows.append(
            {
                "request_id": f"DSR-hostile-{case}",
                "subject_type": subject[0],
                "subject_value": subject[1],
                "requested_at": "2026-11-20T10:00:00Z",
            }
        )
    esp_email = people[f"esp:{ESP_UNSUBSCRIBE}"][1]
    esp_row = {
        "event_id": "hostile-esp-unsubscribe",
        "recipient_email": esp_email,
        "campaign_id": "cmp_hostile",
        "event_type": "Unsubscribed",
        "occurred_at": "2026-11-21 09:30:00 AEST",
    }

    append_rows(changed / "privacy_consent_events.parquet", consent_rows)
    append_rows(changed / "privacy_erasure_requests.parquet", erasure_rows)
    append_rows(changed / "esp_email_events.parquet", [esp_row])
    return people
