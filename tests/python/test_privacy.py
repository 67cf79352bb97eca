"""Erasure and consent, end to end: a person present in every source asks to be erased, another
revokes advertising consent, and the next `dbt build` must honour both everywhere.

The first build is the baseline. The second build reads the same raw data plus one erasure request
and one consent revocation (spelled the messy way a real export spells them), into the same
warehouse, so the tables that carry history across builds are tested too.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dbt_harness import run_dbt
from open_segments.datagen.__main__ import main as generate

CUSTOMERS = 2_500
# Schemas after identity resolution, where an erased profile may not appear.
DOWNSTREAM_SCHEMAS = ("features", "ml", "marts", "activation")
# A secret salt for the pseudonymous ids, which must never reach dbt's artifacts or logs.
SALT = "privacy-test-secret-3f9a1c"
# The privacy models that must hold the erased profile to erase it.
ERASURE_BOOKKEEPING = {"int_privacy__erasure_matches", "int_privacy__erased_profiles"}


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
    con.close()
    assert len(candidates) == 2, "the generated data has no two people to test with"
    erased, revoking = candidates

    changed = folder / "raw_changed"
    shutil.copytree(raw, changed)
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
    yield con, erased, revoking, dbt_folder
    con.close()


def _tables_holding(con: duckdb.DuckDBPyConnection, values: tuple[str, ...]) -> list[str]:
    """Every downstream table with a text column holding one of the values."""
    columns = con.execute(
        f"""
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_schema in {DOWNSTREAM_SCHEMAS + ("privacy",)}
            and data_type = 'VARCHAR'
        """
    ).fetchall()
    placeholders = ", ".join("?" for _ in values)
    holding = []
    for schema, table, column in columns:
        if table in ERASURE_BOOKKEEPING:
            continue
        (hits,) = con.execute(
            f'select count(*) from "{schema}"."{table}" where "{column}" in ({placeholders})',
            list(values),
        ).fetchone()
        if hits:
            holding.append(f"{schema}.{table}.{column}")
    return holding


def test_erased_person_vanishes_from_every_downstream_model(builds) -> None:
    con, erased, _revoking, _folder = builds
    profile_id, email, customer_id, customer_key = erased
    (status,) = con.execute(
        "select match_status from privacy.int_privacy__erasure_matches "
        "where request_id = 'DSR-TEST-1' and profile_id = ?",
        [profile_id],
    ).fetchone()
    assert status == "erased"
    # Every feature, ML, mart and export table, by any id the person has had, their customer id,
    # email or hashed email.
    earlier_ids = {
        previous
        for (previous,) in con.execute(
            "select distinct previous_profile_id from identity.int_identity__profile_map "
            "where profile_id = ? and previous_profile_id is not null",
            [profile_id],
        ).fetchall()
    }
    email_sha256 = hashlib.sha256(email.encode()).hexdigest()
    searched = (profile_id, customer_key, customer_id, email, email_sha256, *earlier_ids)
    assert _tables_holding(con, searched) == []
    (in_profile,) = con.execute(
        "select count(*) from identity.int_customer__unified_profiles where profile_id = ?",
        [profile_id],
    ).fetchone()
    assert in_profile == 0
    # The tables were not emptied: the scan looks at populated tables.
    (customers,) = con.execute("select count(*) from marts.dim_customers").fetchone()
    assert customers > CUSTOMERS // 2


def test_consent_revocation_leaves_only_that_purposes_export(builds) -> None:
    con, _erased, revoking, _folder = builds
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
    con, _erased, _revoking, folder = builds
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
