"""Identity resolution end to end on hand-built CRM files.

* Junk identifiers never merge people: 500 different customers who all typed test@test.com, the
  same placeholder phone and one shared loyalty card stay 500 profiles, while a true duplicate among
  them (same name, birth date and address) still merges.
* Profile ids are stable: a second run with new records keeps every existing id, a new duplicate
  joins its profile under the old id, and a record that bridges two profiles merges them under one
  of the two old ids.
* A CRM file with no emails, phones or ids at all is deduplicated from names, dates of birth and
  addresses alone (probabilistic matching), measured against the generator's ground truth.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dbt_harness import DbtRun, run_dbt
from open_segments_lab.datagen import schema
from open_segments_lab.datagen.__main__ import main as generate

IDENTITY = [
    "build",
    "--select",
    "+int_customer__unified_profiles",
    "--indirect-selection",
    "cautious",
]
FIRST = ["Olivia", "Noah", "Amelia", "Jack", "Isla", "Oliver", "Mia", "Leo", "Ava", "Henry"]
# fmt: off
LAST = [
    "Nguyen", "Smith", "Patel", "Kowalski", "Okafor", "Rossi", "Haddad", "Jensen", "Silva",
    "Tanaka", "Murphy", "Dubois", "Schmidt", "Garcia", "Kim", "Ivanova", "Cohen", "Mensah",
    "Larsen", "Novak", "Walsh", "Moreau", "Fischer", "Romero", "Park", "Sato", "Khan", "Berg",
    "Costa", "Lopez", "Hughes", "Weber", "Bianchi", "Yilmaz", "Chen", "Singh", "Evans", "Meyer",
    "Ali", "Fraser", "Quinn", "Vogel", "Marino", "Ortiz", "Lam", "Shah", "Price", "Koch", "Rizzo",
    "Vega",
]
# fmt: on
COLUMNS = schema.CRM_CUSTOMERS.names


def _customer(index: int, **changes: str | None) -> dict[str, str | None]:
    """A distinct, plausible customer per index, sharing only junk identifiers with the others."""
    row: dict[str, str | None] = {
        "customer_id": f"C{index:05d}",
        "first_name": FIRST[index % len(FIRST)],
        "last_name": LAST[index // len(FIRST) % len(LAST)],
        "email": "test@test.com",
        "phone": "0499 999 999",
        "date_of_birth": f"{1950 + index % 50}-{1 + index % 12:02d}-{1 + index % 28:02d}",
        "gender": "F" if index % 2 else "M",
        "street_number": str(1 + index),
        "address_line_1": f"{LAST[(index * 7) % len(LAST)]} Street",
        "address_line_2": None,
        "city": "Sydney",
        "postcode": "2000",
        "state": "NSW",
        "country": "AU",
        "loyalty_id": "LY00000000",
        "created_at": "2024-01-01 10:00:00",
        "updated_at": "2024-01-01 10:00:00",
    }
    row.update(changes)
    return row


def _write_customers(folder: Path, rows: list[dict[str, str | None]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table({column: [row[column] for row in rows] for column in COLUMNS})
    pq.write_table(table, folder / "crm_customers.parquet")


def _profiles(run: DbtRun) -> dict[str, str]:
    with run.connect() as con:
        rows = con.sql("select record_key, profile_id from identity.int_identity__profile_map")
        return dict(rows.fetchall())


@pytest.fixture(scope="module")
def junk_runs(tmp_path_factory: pytest.TempPathFactory):
    """Two runs on one warehouse: 500 junk-sharing customers, then new and bridging records."""
    folder = tmp_path_factory.mktemp("identity_junk")
    raw = folder / "raw"
    customers = [_customer(i) for i in range(500)]
    # Customers 10 and 11 have real, distinct emails and phones (bridged in the second run).
    # Customer 11 gave no date of birth: with both dates on file, the household guard would
    # refuse the shared line of the second run (identifiers_guards unit test).
    customers[10] = _customer(10, email="olivia.quinn10@mail.com", phone="0412 555 010")
    customers[11] = _customer(
        11, email="noah.quinn11@mail.com", phone="0412 555 011", date_of_birth=None
    )
    # A true duplicate of customer 0 registered again: same person, same junk identifiers.
    duplicate = _customer(0, customer_id="C90000", created_at="2025-03-01 09:00:00")
    _write_customers(raw, [*customers, duplicate])
    location = str(raw / "{source}_{table}.parquet")
    first = run_dbt(folder / "dbt", IDENTITY, location)
    first_profiles = _profiles(first) if first.returncode == 0 else {}

    later = [
        # customer 5 registers again
        _customer(5, customer_id="C90005", updated_at="2025-06-01 00:00:00"),
        # customer 10 registers again, giving customer 11's phone (a shared household line)
        _customer(10, customer_id="C90700", email="olivia.quinn10@mail.com", phone="0412 555 011"),
        # a new, unrelated customer
        _customer(701, customer_id="C90701", first_name="Zara", last_name="Whitfield"),
    ]
    _write_customers(raw, [*customers, duplicate, *later])
    second = run_dbt(folder / "dbt", IDENTITY, location)
    return first, first_profiles, second


def test_junk_identifiers_never_merge_people(junk_runs) -> None:
    first, profiles, _second = junk_runs
    assert first.returncode == 0, first.output[-4000:]
    assert len(profiles) == 501
    assert len(set(profiles.values())) == 500
    assert profiles["C00000"] == profiles["C90000"]
    with first.connect() as con:
        guards = dict(
            con.sql(
                "select identifier_type, min(guard_reason) from identity.int_identity__identifiers"
                " where identifier_value in ('test@test.com', '+61499999999', 'LY00000000')"
                " group by identifier_type"
            ).fetchall()
        )
    assert guards == {
        "email": "blocked_value",
        "phone": "blocked_pattern",
        "loyalty_id": "too_many_records",
    }


def test_profile_ids_survive_new_records_and_merges(junk_runs) -> None:
    _first, before, second = junk_runs
    assert second.returncode == 0, second.output[-4000:]
    after = _profiles(second)
    bridged = {"C00010", "C00011", "C90700"}
    untouched = [key for key in before if key not in bridged]
    assert all(after[key] == before[key] for key in untouched)
    assert after["C90005"] == before["C00005"]
    # The bridge merges customers 10 and 11 under one of their two earlier ids.
    merged = {after[key] for key in bridged}
    assert len(merged) == 1
    assert merged <= {before["C00010"], before["C00011"]}
    # A new, unrelated customer gets a new id of its own: 500 profiles, one merged away, one new.
    assert after["C90701"] not in before.values()
    assert len(set(after.values())) == 500


@pytest.fixture(scope="module")
def names_only_run(tmp_path_factory: pytest.TempPathFactory):
    """Generated CRM customers with every email, phone and loyalty id removed."""
    folder = tmp_path_factory.mktemp("identity_names_only")
    generated = folder / "generated"
    args = ["--customers", "4000", "--seed", "5", "--out", str(generated), "--no-progress"]
    assert generate(args) == 0
    customers = pq.read_table(generated / "crm_customers.parquet")
    for column in ("email", "phone", "loyalty_id"):
        index = customers.schema.get_field_index(column)
        customers = customers.set_column(
            index, column, pa.nulls(customers.num_rows, type=pa.string())
        )
    raw = folder / "raw"
    raw.mkdir()
    pq.write_table(customers, raw / "crm_customers.parquet")
    truth = pq.read_table(generated / "truth" / "truth_records.parquet")
    truth = truth.filter(pc.equal(truth["source_table"], "crm_customers"))
    pq.write_table(truth, folder / "truth.parquet")
    run = run_dbt(folder / "dbt", IDENTITY, str(raw / "{source}_{table}.parquet"))
    return run, folder / "truth.parquet"


def test_names_dates_and_addresses_alone_deduplicate_a_crm(names_only_run) -> None:
    run, truth = names_only_run
    assert run.returncode == 0, run.output[-4000:]
    with run.connect() as con:
        deterministic = con.sql("select count(*) from identity.int_identity__deterministic_edges")
        assert deterministic.fetchone() == (0,)
        pairs = con.sql(
            f"""
            with evaluated as (
                select map.profile_id, truth.person_id
                from identity.int_identity__profile_map as map
                inner join read_parquet('{truth}') as truth
                    on map.record_key = truth.record_key
            ),
            cells as (select count(*) as n from evaluated group by profile_id, person_id),
            predicted as (select count(*) as n from evaluated group by profile_id),
            actual as (select count(*) as n from evaluated group by person_id)
            select
                (select sum(n * (n - 1) / 2) from cells),
                (select sum(n * (n - 1) / 2) from predicted),
                (select sum(n * (n - 1) / 2) from actual)
            """
        ).fetchone()
    true_positives, predicted, actual = pairs
    assert actual > 300  # the generator plants ~10% duplicated customers
    precision, recall = true_positives / predicted, true_positives / actual
    assert precision >= 0.99, (precision, recall, pairs)
    assert recall >= 0.95, (precision, recall, pairs)
