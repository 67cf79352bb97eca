"""Erasure and consent, end to end: a person present in every source asks to be erased, another
revokes advertising consent, and the next `dbt build` must honour both everywhere.

The first build is the baseline. The second build reads the same raw data plus one erasure request
and one consent revocation (spelled the messy way a real export spells them), into the same
warehouse, so the tables that carry history across builds are tested too. The same build carries
the consent and erasure rows other systems write that the project once quarantined in silence
(privacy_cases.py), each for a person of its own; a row nobody can understand fails a build of
its own, by row id.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dbt_harness import run_dbt
from open_segments_lab.datagen.__main__ import main as generate
from privacy_cases import ERASURES, ESP_UNSUBSCRIBE, REVOCATIONS, add_hostile_rows, append_rows

CUSTOMERS = 2_500
# A secret salt for the pseudonymous ids, which must never reach dbt's artifacts or logs.
SALT = "privacy-test-secret-3f9a1c"
# The models that may hold erased people, by their `meta.erasure`: the privacy bookkeeping, which
# must name them to erase them, and staging, the mirror of the raw sources (docs/privacy.md).
BOOKKEEPING = {
    "int_privacy__erasure_matches",
    "int_privacy__erased_profiles",
    "int_privacy__erased_keys",
    "int_privacy__erasure_sweep",
}
# Column names that hold a person's key somewhere in the project (the erasure test's list, spelled
# out again here: a column added under a new name must be added to both).
PERSON_KEY_COLUMNS = {
    "profile_id", "previous_profile_id", "customer_key", "extern_id", "external_id",
    "customer_id", "user_id", "cookie_id", "visitor_id", "email", "recipient_email", "phone",
    "phone_e164", "email_sha256", "phone_sha256", "record_id", "record_id_a", "record_id_b",
    "anchor_record_id", "component_id",
}  # fmt: skip


def _pattern(raw: Path) -> str:
    return str(raw / "{source}_{table}.parquet")


def _append_row(path: Path, row: dict[str, str]) -> None:
    table = pq.read_table(path)
    addition = pa.Table.from_pylist([row], schema=table.schema)
    pq.write_table(pa.concat_tables([table, addition]), path)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("privacy")
    raw = folder / "raw"
    args = ["--customers", str(CUSTOMERS), "--seed", "31", "--out", str(raw), "--no-progress"]
    assert generate(args) == 0
    dbt_folder = folder / "dbt"
    salted = {"SEGMENTS_PSEUDONYMISATION_SALT": SALT}
    # The baseline only sets the scene (people, their history); every dbt test runs on the build
    # after the erasure and the revocation, which is the one under test.
    tables_only = ["--exclude-resource-type", "test", "unit_test"]
    baseline = run_dbt(dbt_folder, ["build", *tables_only], _pattern(raw), extra_env=salted)
    assert baseline.returncode == 0, baseline.output[-4000:]

    con = baseline.connect()
    # People in every source, targeted in both the ads and the email export, with history.
    candidates = con.execute(
        """
        select p.profile_id, p.email, p.customer_id, c.customer_key
        from identity.int_customer__unified_profiles as p
        inner join marts.dim_customers as c on p.profile_id = c.profile_id
        where p.crm_customers_records > 0 and p.web_cookies_records > 0
            and p.esp_recipients_records > 0 and p.third_party_demographics_records > 0
            and p.email is not null and p.customer_id is not null
            and c.customer_key in (select extern_id from activation.export_ads_custom_audience)
            and c.customer_key in (select external_id from activation.export_email_audience)
            and p.profile_id in (select profile_id from marts.fct_segment_membership_history)
        order by p.profile_id
        limit 2
        """
    ).fetchall()
    assert len(candidates) == 2, "the generated data has no two people to test with"
    erased, revoking = candidates

    changed = folder / "raw_changed"
    shutil.copytree(raw, changed)
    people = add_hostile_rows(con, changed, exclude={erased[0], revoking[0]})
    con.close()
    _append_row(
        changed / "privacy_erasure_requests.parquet",
        {
            "request_id": "DSR-TEST-1",
            "subject_type": "E-mail",
            "subject_value": f"  {erased[1].upper()} ",
            "requested_at": "2026-11-20T10:00:00Z",
        },
    )
    _append_row(
        changed / "privacy_consent_events.parquet",
        {
            "consent_event_id": "consent-test-1",
            "subject_type": "customer_id",
            "subject_value": revoking[2],
            "purpose": "Advertising",
            "status": "Revoked",
            # after the as-of date: consent is current, whatever date is built
            "occurred_at": "2026-11-21T08:00:00Z",
        },
    )
    after = run_dbt(dbt_folder, ["build"], _pattern(changed), extra_env=salted)
    assert after.returncode == 0, after.output[-4000:]
    con = after.connect()
    yield con, erased, revoking, dbt_folder, people, changed
    con.close()


def _models(folder: Path) -> list[dict]:
    manifest = json.loads((folder / "target" / "manifest.json").read_text())
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]


def _text_columns(con: duckdb.DuckDBPyConnection, model: dict) -> list[str]:
    return [
        column
        for (column,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? and data_type = 'VARCHAR'",
            [model["schema"], model["alias"]],
        ).fetchall()
    ]


def test_erased_person_vanishes_from_every_downstream_model(builds) -> None:
    con, erased, _revoking, folder, *_cases = builds
    profile_id, email, customer_id, customer_key = erased
    (status,) = con.execute(
        "select match_status from privacy.int_privacy__erasure_matches "
        "where request_id = 'DSR-TEST-1' and profile_id = ?",
        [profile_id],
    ).fetchone()
    assert status == "erased"
    # What the test knows of the person on its own, and what the build lists as their keys.
    email_sha256 = hashlib.sha256(email.encode()).hexdigest()
    known = {
        "profile_id": profile_id,
        "customer_key": customer_key,
        "customer_id": customer_id,
        "email": email,
        "email_sha256": email_sha256,
    }
    listed = con.execute(
        "select key_type, key_value from privacy.int_privacy__erased_keys where profile_id = ?",
        [profile_id],
    ).fetchall()
    assert set(known.items()) <= set(listed)
    assert {"cookie_id", "phone", "phone_sha256"} <= {key_type for key_type, _ in listed}
    searched = {value for _, value in listed} | set(known.values())
    searched |= {f"crm_customers:{customer_id}", f"esp_recipients:{email}"}
    searched |= {f"web_cookies:{value}" for key_type, value in listed if key_type == "cookie_id"}

    # Every model of the manifest, in every text column (not only those named like keys).
    models = _models(folder)
    exempt = {m["name"]: m["config"]["meta"].get("erasure") for m in models}
    exempt = {name: why for name, why in exempt.items() if why}
    assert {name for name, why in exempt.items() if why == "bookkeeping"} == BOOKKEEPING
    staging = {m["name"] for m in models if m["fqn"][1] == "staging"}
    assert {name for name, why in exempt.items() if why == "mirrors_raw"} <= staging
    assert set(exempt.values()) == {"bookkeeping", "mirrors_raw"}
    # The privacy source's staging holds the requests and consent decisions, which name people to
    # act on them: raw's mirror like the rest of staging, in a text column not named like a key.
    requests = {m["name"] for m in models if m["fqn"][1:3] == ["staging", "privacy"]}
    placeholders = ", ".join("?" for _ in searched)
    checked, holding = set(), []
    for model in models:
        if model["name"] in exempt:
            continue
        if model["name"] in requests:
            assert not PERSON_KEY_COLUMNS & {c.lower() for c in _text_columns(con, model)}
            continue
        columns = _text_columns(con, model)
        if PERSON_KEY_COLUMNS & {column.lower() for column in columns}:
            checked.add(model["name"])
        for column in columns:
            (hits,) = con.execute(
                f'select count(*) from "{model["schema"]}"."{model["alias"]}" '
                f'where "{column}" in ({placeholders})',
                list(searched),
            ).fetchone()
            if hits:
                holding.append(f"{model['name']}.{column}")
    assert holding == []
    assert len(checked) > 40
    assert {
        "int_events__web_cookie_identities",
        "int_events__web_sessions",
        "int_identity__records",
        "int_identity__identifiers",
        "int_identity__profile_map",
        "int_customer__unified_profiles",
        "dim_customers",
        "export_ads_custom_audience",
    } <= checked
    # The person's web history was in the incremental event facts, and the sweep took it out.
    (removed,) = con.execute(
        "select rows_removed from privacy.int_privacy__erasure_sweep "
        "where swept_model = 'int_events__web_cookie_identities'"
    ).fetchone()
    assert removed > 0
    # The tables were not emptied: the scan looks at populated tables.
    (customers,) = con.execute("select count(*) from marts.dim_customers").fetchone()
    assert customers > CUSTOMERS // 2


def test_consent_revocation_leaves_only_that_purposes_export(builds) -> None:
    con, _erased, revoking, *_rest = builds
    profile_id, _email, _customer_id, customer_key = revoking
    ads, email, ads_flag, email_flag = con.execute(
        """
        select
            (select count(*) from activation.export_ads_custom_audience where extern_id = $1),
            (select count(*) from activation.export_email_audience where external_id = $1),
            (select has_ads_consent from marts.dim_customers where customer_key = $1),
            (select has_email_consent from marts.dim_customers where customer_key = $1)
        """,
        [customer_key],
    ).fetchone()
    assert ads == 0
    assert email > 0
    assert ads_flag is False and email_flag is True
    (member,) = con.execute(
        "select count(*) from marts.fct_segment_membership where profile_id = ?", [profile_id]
    ).fetchone()
    assert member > 0


def test_secret_salt_keys_the_ids_and_stays_out_of_dbt_artifacts(builds) -> None:
    con, _erased, _revoking, folder, *_cases = builds
    assert con.execute(
        "select salt, is_demo_salt from privacy.int_privacy__pseudonymisation_salt"
    ).fetchall() == [(SALT, False)]
    # Customer keys are the keyed hash of the profile id with that salt.
    profile_id, customer_key = con.execute(
        "select profile_id, customer_key from marts.dim_customers order by profile_id limit 1"
    ).fetchone()
    assert customer_key == hashlib.sha256(f"{SALT}|{profile_id}".encode()).hexdigest()
    # Compiled SQL, run results, manifests and logs of both builds never hold the salt.
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("warehouse.")]
    assert len(files) > 100
    leaking = [str(p) for p in files if SALT.encode() in p.read_bytes()]
    assert leaking == []


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
def test_each_revocation_leaves_its_exports(builds, case: str) -> None:
    con, _erased, _revoking, _folder, people, _changed = builds
    profile_id, _email, _customer_id, _phone, customer_key = people[f"revoke:{case}"]
    _purpose, _status, revoked = REVOCATIONS[case]
    # staged under its own id, not quarantined
    (staged,) = con.execute(
        "select count(*) from staging.stg_privacy__consent_events where consent_event_id = ?",
        [f"hostile-{case}"],
    ).fetchone()
    assert staged == 1
    holding = _exports_holding(con, customer_key)
    assert not holding & revoked, f"{case}: still in the {holding & revoked} export"
    # a revocation of one purpose leaves the others alone
    assert holding == {"ads", "email"} - revoked
    (in_dim,) = con.execute(
        "select count(*) from marts.dim_customers where profile_id = ?", [profile_id]
    ).fetchone()
    assert in_dim == 1


def test_revocations_read_as_meant(builds) -> None:
    con, *_rest = builds
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


def test_esp_unsubscribe_with_zone_abbreviation_leaves_the_email_export(builds) -> None:
    con, _erased, _revoking, _folder, people, _changed = builds
    customer_key = people[f"esp:{ESP_UNSUBSCRIBE}"][4]
    assert _exports_holding(con, customer_key) == {"ads"}


@pytest.mark.parametrize("case", ERASURES)
def test_each_erasure_reaches_its_person(builds, case: str) -> None:
    con, _erased, _revoking, _folder, people, _changed = builds
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


def test_a_privacy_row_nobody_can_understand_fails_the_build_by_row_id(builds) -> None:
    _con, _erased, _revoking, folder, _people, changed = builds
    unreadable = folder.parent / "raw_unreadable"
    shutil.copytree(changed, unreadable)
    secret_email = "jane.unreadable@example"  # no top-level domain: not an address
    append_rows(
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
    append_rows(
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
