"""Consent and erasure rows written the way other systems write them are honoured, or fail the
build by row id; none is quarantined in silence while its person stays in the exports.

Each revocation and erasure below is one a real consent platform, email platform or data-subject
request form sends and the project once quarantined under a green build: statuses and purposes
it had no label for, a slashed day-first time, a time with a zone abbreviation, a phone in the
national form of another country than `default_country`, a hashed email, a customer id in lower
case, an email with a trailing dot, a revocation whose time or purpose cannot be read. One person
per case, so a case that is not honoured names itself.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dbt_harness import run_dbt
from open_segments.datagen.__main__ import main as generate

CUSTOMERS = 1_500

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


def _pattern(raw: Path) -> str:
    return str(raw / "{source}_{table}.parquet")


def _append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    table = pq.read_table(path)
    addition = pa.Table.from_pylist(rows, schema=table.schema)
    pq.write_table(pa.concat_tables([table, addition]), path)


def _national(phone_e164: str, calling_code: str) -> str:
    """'+447700900123' written the way a UK form takes it: '07700 900123'."""
    national = "0" + phone_e164.removeprefix("+" + calling_code)
    return f"{national[:5]} {national[5:]}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("privacy_inputs")
    raw = folder / "raw"
    args = ["--customers", str(CUSTOMERS), "--seed", "47", "--out", str(raw), "--no-progress"]
    assert generate(args) == 0
    dbt_folder = folder / "dbt"
    tables_only = ["--exclude-resource-type", "test", "unit_test"]
    baseline = run_dbt(dbt_folder, ["build", *tables_only], _pattern(raw))
    assert baseline.returncode == 0, baseline.output[-4000:]

    con = baseline.connect()
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
    con.close()
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

    changed = folder / "raw_changed"
    shutil.copytree(raw, changed)
    _append_rows(changed / "privacy_consent_events.parquet", consent_rows)
    _append_rows(changed / "privacy_erasure_requests.parquet", erasure_rows)
    _append_rows(changed / "esp_email_events.parquet", [esp_row])
    after = run_dbt(dbt_folder, ["build"], _pattern(changed))
    assert after.returncode == 0, after.output[-4000:]
    con = after.connect()
    yield con, people, dbt_folder, changed
    con.close()


def _exports_holding(con, customer_key: str) -> set[str]:
    ads, email = con.execute(
        """
        select
            (select count(*) from activation.export_ads_custom_audience where extern_id = $1),
            (select count(*) from activation.export_email_audience where external_id = $1)
        """,
        [customer_key],
    ).fetchone()
    return {name for name, rows in (("ads", ads), ("email", email)) if rows}


@pytest.mark.parametrize("case", sorted(REVOCATIONS))
def test_each_revocation_leaves_its_exports(hostile, case: str) -> None:
    con, people, _folder, _raw = hostile
    profile_id, _email, _customer_id, _phone, customer_key = people[f"revoke:{case}"]
    _purpose, _status, revoked = REVOCATIONS[case]
    # staged, not quarantined
    (staged,) = con.execute(
        "select count(*) from staging.stg_privacy__consent_events "
        "where consent_event_id = ? or consent_event_id like 'row-%'",
        [f"hostile-{case}"],
    ).fetchone()
    assert staged >= 1
    holding = _exports_holding(con, customer_key)
    assert not holding & revoked, f"{case}: still in the {holding & revoked} export"
    # a revocation of one purpose leaves the others alone
    assert holding == {"ads", "email"} - revoked
    (in_dim,) = con.execute(
        "select count(*) from marts.dim_customers where profile_id = ?", [profile_id]
    ).fetchone()
    assert in_dim == 1


def test_revocations_read_as_meant(hostile) -> None:
    con, _people, _folder, _raw = hostile
    staged = dict(
        con.execute(
            """
            select consent_event_id, struct_pack(purpose, occurred_at, dq_flags)
            from staging.stg_privacy__consent_events where consent_event_id like 'hostile-%'
            """
        ).fetchall()
    )
    assert staged["hostile-purpose_all"]["purpose"] == "all"
    assert staged["hostile-unknown_purpose"]["purpose"] == "all"
    assert staged["hostile-unknown_purpose"]["dq_flags"] == "purpose_unmapped_revokes_all"
    # 30 October, day first, in source_timezone (UTC)
    assert str(staged["hostile-slashed_day_first_time"]["occurred_at"]) == "2026-10-30 12:00:00"
    assert staged["hostile-unreadable_time"]["occurred_at"] is None
    assert staged["hostile-unreadable_time"]["dq_flags"] == (
        "occurred_at_unparseable_taken_as_latest"
    )
    (unsubscribed_at,) = con.execute(
        "select occurred_at from staging.stg_esp__email_events "
        "where event_id = 'hostile-esp-unsubscribe'"
    ).fetchone()
    assert str(unsubscribed_at) == "2026-11-20 23:30:00"  # 09:30 AEST is 23:30 UTC the day before


def test_esp_unsubscribe_with_zone_abbreviation_leaves_the_email_export(hostile) -> None:
    con, people, _folder, _raw = hostile
    customer_key = people[f"esp:{ESP_UNSUBSCRIBE}"][4]
    assert _exports_holding(con, customer_key) == {"ads"}


@pytest.mark.parametrize("case", ERASURES)
def test_each_erasure_reaches_its_person(hostile, case: str) -> None:
    con, people, _folder, _raw = hostile
    profile_id, email, customer_id, _phone, customer_key = people[f"erase:{case}"]
    statuses = con.execute(
        "select match_status, match_method from privacy.int_privacy__erasure_matches "
        "where request_id = ?",
        [f"DSR-hostile-{case}"],
    ).fetchall()
    assert statuses and all(status == "erased" for status, _method in statuses), statuses
    assert _exports_holding(con, customer_key) == set()
    for table, column, value in (
        ("marts.dim_customers", "customer_key", customer_key),
        ("marts.fct_segment_membership", "profile_id", profile_id),
        ("identity.int_customer__unified_profiles", "customer_id", customer_id),
        ("privacy.int_privacy__consent_flags", "profile_id", profile_id),
    ):
        query = f"select count(*) from {table} where {column} = ?"
        (rows,) = con.execute(query, [value]).fetchone()
        assert rows == 0, f"{case}: {table} still holds the person"
    (by_email,) = con.execute(
        "select count(*) from identity.int_customer__unified_profiles where email = ?", [email]
    ).fetchone()
    assert by_email == 0


def test_a_privacy_row_nobody_can_understand_fails_the_build_by_row_id(hostile) -> None:
    _con, _people, folder, changed = hostile
    unreadable = folder.parent / "raw_unreadable"
    shutil.copytree(changed, unreadable)
    secret_email = "jane.unreadable@example"  # no top-level domain: not an address
    _append_rows(
        unreadable / "privacy_consent_events.parquet",
        [
            {
                "consent_event_id": "unreadable-status",
                "subject_type": "customer_id",
                "subject_value": "C-UNREADABLE-1",
                "purpose": "email",
                "status": "pending review",
                "occurred_at": "2026-11-20T08:00:00Z",
            },
            {
                "consent_event_id": "unreadable-subject",
                "subject_type": "email",
                "subject_value": secret_email,
                "purpose": "email",
                "status": "revoked",
                "occurred_at": "2026-11-20T08:00:00Z",
            },
            {
                # a placeholder subject names nobody: quarantined, never fails the build
                "consent_event_id": "placeholder-subject",
                "subject_type": "phone",
                "subject_value": "000",
                "purpose": "ads",
                "status": "revoked",
                "occurred_at": "2026-11-20T08:00:00Z",
            },
        ],
    )
    _append_rows(
        unreadable / "privacy_erasure_requests.parquet",
        [
            {
                "request_id": "DSR-unreadable",
                "subject_type": "passport number",
                "subject_value": "PA1234567",
                "requested_at": "2026-11-20T10:00:00Z",
            }
        ],
    )
    # the privacy staging and what it reads, in a warehouse of its own (the fixture's is open)
    staging = [
        "build",
        "--select",
        "+stg_privacy__consent_events +stg_privacy__erasure_requests",
        "--exclude-resource-type",
        "test",
        "unit_test",
    ]
    workdir = folder.parent / "unreadable"
    failed = run_dbt(workdir, staging, _pattern(unreadable))
    assert failed.returncode != 0
    con = failed.connect()
    rows = dict(
        con.execute(
            """
            select consent_event_id, struct_pack(raw_row_id, rejection_reasons)
            from staging.base_privacy__consent_events
            where consent_event_id in ('unreadable-status', 'unreadable-subject',
                'placeholder-subject')
            union all
            select request_id, struct_pack(raw_row_id, rejection_reasons)
            from staging.base_privacy__erasure_requests where request_id = 'DSR-unreadable'
            """
        ).fetchall()
    )
    con.close()
    assert rows["placeholder-subject"]["rejection_reasons"] == "placeholder_subject_value"
    for name in ("unreadable-status", "unreadable-subject", "DSR-unreadable"):
        row = rows[name]
        assert f"{row['raw_row_id']} ({row['rejection_reasons']})" in failed.output, name
    assert rows["placeholder-subject"]["raw_row_id"] not in failed.output
    # row ids and reasons, never the values: they are personal data
    assert secret_email not in failed.output
    assert "PA1234567" not in failed.output

    # var privacy_unreadable_rows: warn builds on, still naming the rows
    warned = run_dbt(
        workdir, staging, _pattern(unreadable), extra_vars={"privacy_unreadable_rows": "warn"}
    )
    assert warned.returncode == 0, warned.output[-3000:]
    assert rows["DSR-unreadable"]["raw_row_id"] in warned.output
