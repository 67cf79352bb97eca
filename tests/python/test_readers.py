"""Raw file readers (macros/sources/raw_readers.sql): every value read as text, names that
collide stop the run, CSV read with a configured dialect, and reader errors that name file, line
and column but never a row's values.

Each test writes exports shaped like real ones into its own folder and runs the on-run-start hook
alone (`dbt run-operation stage_raw_sources`), then reads the contract views. The runs share one
warehouse, target folder and set of vars, so dbt parses the project once and every later run
reuses the parse; the folder of raw files is what changes (SEGMENTS_RAW_LOCATION).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dbt_harness import DbtRun, run_dbt

# Shared by every run of the module (a change of vars would make dbt parse the project again).
# crm.orders is read with semicolons; esp.email_events carries an invalid dialect, read only by
# the test of that error.
VARS = {
    "raw_csv_dialects": {
        "crm.orders": {"delimiter": ";"},
        "esp.email_events": {"delimiter": ";;"},
    }
}


ZULU, ZULU_MS = "2024-05-01T10:00:00Z", "2024-05-01T10:00:00.250Z"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("readers") / "dbt"


def stage(workdir: Path, pattern: str) -> DbtRun:
    """The contract views over the raw files `pattern` matches ({source}_{table} filled in)."""
    return run_dbt(workdir, ["run-operation", "stage_raw_sources"], pattern, VARS)


def dbt_log(workdir: Path) -> str:
    return (workdir / "logs" / "dbt.log").read_text()


def write_ndjson(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))


def test_ndjson_values_are_read_as_their_exact_text(workdir: Path, tmp_path: Path) -> None:
    """Mixed types in a key (a numeric id, an object-valued email) do not turn the column into
    JSON: ids keep no quotes, the object becomes its JSON text (staging quarantines it as an
    invalid email), integers beyond 2^64 keep every digit, and 'Z' times stay as written."""
    write_ndjson(
        tmp_path / "crm_customers.ndjson",
        [
            {"customer_id": 1001, "email": {"address": "ann@example.com"}, "created_at": ZULU},
            {"customer_id": "C-2", "email": "bob@example.com", "created_at": ZULU_MS},
            {"customer_id": 18446744073709551617, "email": None, "first_name": "Cy"},
            {"customer_id": 18446744073709551618, "email": "dee@example.com", "first_name": True},
        ],
    )  # fmt: skip
    write_ndjson(
        tmp_path / "crm_orders.ndjson",
        [
            {
                "order_id": 1,
                "customer_id": 1001,
                "ordered_at": "2024-05-02T09:30:00Z",
                "amount": 12.5,
            }
        ],
    )
    run = stage(workdir, str(tmp_path / "{source}_{table}.ndjson"))
    assert run.returncode == 0, run.output[-3000:]
    with run.connect() as con:
        customers = con.execute(
            "select customer_id, email, created_at, first_name from raw_contract.crm_customers"
        ).fetchall()
        orders = con.execute(
            "select order_id, customer_id, ordered_at, amount from raw_contract.crm_orders"
        ).fetchall()
    assert sorted(customers, key=str) == sorted(
        [
            ("1001", '{"address":"ann@example.com"}', ZULU, None),
            ("C-2", "bob@example.com", ZULU_MS, None),
            ("18446744073709551617", None, None, "Cy"),
            ("18446744073709551618", "dee@example.com", None, "true"),
        ],
        key=str,
    )
    assert orders == [("1", "1001", "2024-05-02T09:30:00Z", "12.5")]


def test_ndjson_keys_differing_only_in_case_are_an_error(workdir: Path, tmp_path: Path) -> None:
    """`Email` in some records and `email` in others: read case-insensitively, one spelling's
    values would be lost."""
    write_ndjson(
        tmp_path / "crm_customers.ndjson",
        [
            {"customer_id": "c1", "Email": "ann@example.com"},
            {"customer_id": "c2", "email": "bob@example.com"},
        ],
    )
    run = stage(workdir, str(tmp_path / "{source}_{table}.ndjson"))
    assert run.returncode != 0
    assert str(tmp_path / "crm_customers.ndjson") in run.output
    assert "'Email' and 'email'" in run.output or "'email' and 'Email'" in run.output


def test_csv_header_that_repeats_a_name_is_an_error(workdir: Path, tmp_path: Path) -> None:
    (tmp_path / "crm_customers.csv").write_text(
        "customer_id,first_name,email,last_name,email\n"
        "c1,Ann,ann@example.com,Lee,ann.lee@work.example\n"
    )
    run = stage(workdir, str(tmp_path / "{source}_{table}.csv"))
    assert run.returncode != 0
    assert str(tmp_path / "crm_customers.csv") in run.output
    assert "has the column 'email' twice in its header" in run.output


def test_parquet_columns_differing_only_in_case_are_an_error(workdir: Path, tmp_path: Path) -> None:
    pq.write_table(
        pa.table(
            {"customer_id": ["c1"], "Email": ["ANN@EXAMPLE.COM"], "email": ["ann@example.com"]}
        ),
        tmp_path / "crm_customers.parquet",
    )
    run = stage(workdir, str(tmp_path / "{source}_{table}.parquet"))
    assert run.returncode != 0
    assert str(tmp_path / "crm_customers.parquet") in run.output
    assert "'Email' and 'email'" in run.output


def test_csv_dialect_is_configured_not_sniffed_and_paths_with_quotes_work(
    workdir: Path, tmp_path: Path
) -> None:
    """Quoting first used after 30,000 rows is still quoting (a sniffer reading the first rows
    would split 'Doe, Jr' and shift the email); crm.orders is read with the semicolon its
    raw_csv_dialects entry sets; the folder's name holds a quote."""
    folder = tmp_path / "o'brien_exports"
    folder.mkdir()
    rows = [f"c{i},Ann{i},Lee,ann{i}@example.com" for i in range(30_000)]
    rows.append('c_late,Jane,"Doe, Jr",jane@example.com')
    (folder / "crm_customers.csv").write_text(
        "customer_id,first_name,last_name,email\n" + "\n".join(rows) + "\n"
    )
    (folder / "crm_orders.csv").write_text(
        "order_id;customer_id;ordered_at;amount\no1;c_late;2024-05-02 09:30:00;1,5\n"
    )
    run = stage(workdir, str(folder / "{source}_{table}.csv"))
    assert run.returncode == 0, run.output[-3000:]
    with run.connect() as con:
        late = con.execute(
            "select first_name, last_name, email from raw_contract.crm_customers"
            " where customer_id = 'c_late'"
        ).fetchall()
        customers = con.execute("select count(*) from raw_contract.crm_customers").fetchone()[0]
        orders = con.execute(
            "select order_id, customer_id, amount from raw_contract.crm_orders"
        ).fetchall()
    assert late == [("Jane", "Doe, Jr", "jane@example.com")]
    assert customers == 30_001
    assert orders == [("o1", "c_late", "1,5")]


def test_a_location_cannot_inject_sql(workdir: Path, tmp_path: Path) -> None:
    pattern = (
        str(tmp_path / "{source}_{table}.csv")
        + "'); create or replace table main.pwned as select 1; --"
    )
    run = stage(workdir, pattern)
    with run.connect() as con:
        pwned = con.execute(
            "select count(*) from information_schema.tables where table_name = 'pwned'"
        ).fetchone()[0]
    assert pwned == 0
    # the location is a path like any other: crm.customers, required, is not found there
    assert run.returncode != 0
    assert "Raw table crm.customers is required" in run.output


def test_an_invalid_dialect_names_the_var(workdir: Path, tmp_path: Path) -> None:
    (tmp_path / "crm_customers.csv").write_text("customer_id\nc1\n")
    (tmp_path / "esp_email_events.csv").write_text("event_id;email\ne1;ann@example.com\n")
    run = stage(workdir, str(tmp_path / "{source}_{table}.csv"))
    assert run.returncode != 0
    assert "var raw_csv_dialects['esp.email_events'].delimiter must be one character" in run.output


def test_malformed_csv_rows_are_named_by_file_line_and_column_without_their_values(
    workdir: Path, tmp_path: Path
) -> None:
    """DuckDB's own error quotes the malformed row; the run's error and log must not."""
    pii = [
        "Zelda",
        "Quist",
        "zelda.quist@example.com",
        "1961-02-03",
        "Yorick",
        "Xena",
        "1955-05-05",
    ]
    (tmp_path / "crm_customers.csv").write_bytes(
        b"customer_id,first_name,last_name,email,date_of_birth\n"
        b"c1,Ann,Lee,ann@example.com,1980-01-01\n"
        b"c2,Zelda,Quist,zelda.quist@example.com,1961-02-03,extra\n"
        b"c3,Xena,Roe,xena\xff@example.com,1955-05-05\n"  # not UTF-8
        b'c4,"Yorick,Vane,yorick@example.com,1970-07-07\n'  # the quote runs to the end
    )
    run = stage(workdir, str(tmp_path / "{source}_{table}.csv"))
    assert run.returncode != 0
    file = str(tmp_path / "crm_customers.csv")
    assert f"{file} line 3, column 6: TOO MANY COLUMNS" in run.output
    assert f"{file} line 4, column email: INVALID ENCODING" in run.output
    assert f"{file} line 5, column first_name: UNQUOTED VALUE" in run.output
    log = dbt_log(workdir)
    assert "TOO MANY COLUMNS" in log  # the log holds this run's error ...
    for value in pii:  # ... and none of the rows' values
        assert value not in run.output
        assert value not in log


def test_a_header_that_is_not_utf8_is_named_without_the_rows(workdir: Path, tmp_path: Path) -> None:
    """An export saved in Windows-1252 ('Prénom'): the header cannot be read, and neither it nor
    the rows after it may be taken for the header (their values would become column names)."""
    (tmp_path / "crm_customers.csv").write_bytes(
        "customer_id,Prénom,email\nc1,Zoé,zoe.martin@example.com\nc2,Léa,lea@example.com\n".encode(
            "cp1252"
        )
    )
    run = stage(workdir, str(tmp_path / "{source}_{table}.csv"))
    assert run.returncode != 0
    assert f"Raw CSV file '{tmp_path / 'crm_customers.csv'}'" in run.output
    assert "its first line is not valid UTF-8" in run.output
    log = dbt_log(workdir)
    for value in ["zoe.martin@example.com", "lea@example.com", "Zo", "L\ufffda"]:
        assert value not in run.output
        assert value not in log
