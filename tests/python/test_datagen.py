"""Tests of the synthetic raw-data generator (small scales, runs in seconds)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import yaml

from open_segments_lab.datagen import GeneratorConfig, generate
from open_segments_lab.datagen.__main__ import main
from open_segments_lab.datagen.schema import FILES, MANIFEST, RAW_FILES
from open_segments_lab.datagen.timefmt import format_seconds

CUSTOMERS = 2_000
SEED = 7

PROJECT_DIR = Path(__file__).resolve().parents[2]


def dbt_raw_contract() -> dict[str, list[str]]:
    """The raw data contract as the dbt sources YAML declares it: file name -> columns, in order.

    Reading it from the dbt project (not from the generator's own schema module) makes this test
    the check that the generator and the staging models agree.
    """
    contract = {}
    for path in sorted(PROJECT_DIR.glob("models/staging/*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text())["sources"]:
            if source["name"] == "reference":
                # reference data the user supplies (exchange rates): the generated shop books at
                # the seed's fixed rates, so there is no such file to write
                continue
            for table in source["tables"]:
                contract[f"{table['identifier']}.parquet"] = [c["name"] for c in table["columns"]]
    return contract


CONTRACT = dbt_raw_contract()
LEFT_OUT = {
    "third_party_demographics.parquet": {"date_of_birth"},
    "privacy_consent_events.parquet": {"subject_country"},
    "privacy_erasure_requests.parquet": {"subject_country"},
}
"""Optional contract columns a provider may leave out, and the default profile does (its output
predates them; the hard noise profile writes the date of birth; the privacy subjects' country is
for exports that write phones in another country's national form)."""
NON_STRING = {
    ("crm_orders.parquet", "amount"): pa.float64(),
    ("crm_orders.parquet", "quantity"): pa.int64(),
}
CRM_ARCHETYPES = {
    "loyal_high_value",
    "frequent_low_value",
    "occasional",
    "window_shopper",
    "lapsed",
    "new_customer",
}


def _run(out: Path, seed: int = SEED, customers: int = CUSTOMERS, **kwargs: object) -> Path:
    config = GeneratorConfig(customers=customers, seed=seed, out=out, progress=False, **kwargs)
    generate(config)
    return out


def _digests(out: Path) -> dict[str, str]:
    names = [*FILES, MANIFEST]
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in names}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("run_a"))


@pytest.fixture(scope="module")
def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pq.read_table(out / name).to_pandas() for name in FILES}


@pytest.fixture(scope="module")
def truth(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return tables["truth/truth_records.parquet"]


@pytest.fixture(scope="module")
def persons(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return tables["truth/truth_persons.parquet"]


def _keys(truth: pd.DataFrame, source: str) -> set[str]:
    return set(truth.loc[truth.source_table == source, "record_key"])


# ----------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_bytes(out: Path, tmp_path: Path) -> None:
    again = _run(tmp_path / "run_b")
    assert _digests(out) == _digests(again)


def test_different_seed_gives_different_data(out: Path, tmp_path: Path) -> None:
    other = _digests(_run(tmp_path / "run_c", seed=SEED + 1))
    same = _digests(out)
    assert all(other[name] != same[name] for name in RAW_FILES)


def test_worker_processes_do_not_change_output(tmp_path: Path) -> None:
    serial = _run(tmp_path / "serial", customers=1_200, chunk_size=400)
    parallel = _run(tmp_path / "parallel", customers=1_200, chunk_size=400, workers=2)
    assert _digests(serial) == _digests(parallel)
    metadata = pq.ParquetFile(serial / "web_events.parquet").metadata
    assert metadata.num_row_groups == 3  # one row group per chunk


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--customers",
            "300",
            "--seed",
            "3",
            "--out",
            str(tmp_path / "cli"),
            "--end-date",
            "2025-06-30",
            "--history-days",
            "365",
            "--no-progress",
            "--workers",
            "1",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "crm_customers.parquet" in printed
    assert "done in" in printed
    manifest = json.loads((tmp_path / "cli" / MANIFEST).read_text())
    assert manifest["end_date"] == "2025-06-30"
    assert manifest["history_days"] == 365
    ordered = pd.to_datetime(
        pq.read_table(tmp_path / "cli" / "crm_orders.parquet")["ordered_at"].to_pandas(),
        format="%Y-%m-%d %H:%M:%S",
        errors="coerce",
    ).dropna()
    assert ordered.max() < pd.Timestamp("2025-07-01")
    assert ordered.min() >= pd.Timestamp("2024-07-01")


def test_cli_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--customers", "0", "--no-progress"]) == 2
    assert "customers" in capsys.readouterr().err


def test_fast_timestamp_formatting_matches_strftime() -> None:
    seconds = np.random.default_rng(0).integers(-2_000_000_000, 4_000_000_000, 5_000)
    for pattern in ("%Y-%m-%d %H:%M:%S", "%d/%m/%Y", "%Y%m%d", "%d %b %Y"):
        expected = pc.strftime(pa.array(seconds, pa.timestamp("s")), pattern)
        assert format_seconds(seconds, pattern).equals(expected), pattern


# ----------------------------------------------------------------------------- contract


def test_files_have_exactly_the_contract_columns(out: Path) -> None:
    assert sorted(CONTRACT) == sorted(RAW_FILES)
    for name, columns in CONTRACT.items():
        schema = pq.read_schema(out / name)
        assert schema.names == [c for c in columns if c not in LEFT_OUT.get(name, set())], name
        for field in schema:
            assert field.type == NON_STRING.get((name, field.name), pa.string()), (name, field)


def test_manifest_matches_files(out: Path) -> None:
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["seed"] == SEED
    assert manifest["customers"] == CUSTOMERS
    for name in FILES:
        entry = manifest["files"][name]
        assert entry["rows"] == pq.ParquetFile(out / name).metadata.num_rows
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    assert str(out) not in (out / MANIFEST).read_text()


def test_truth_covers_every_record_key(
    tables: dict[str, pd.DataFrame], truth: pd.DataFrame
) -> None:
    customers = tables["crm_customers.parquet"]
    assert set(customers.customer_id) == _keys(truth, "crm_customers")
    assert set(tables["web_events.parquet"].cookie_id) == _keys(truth, "web_cookies")
    assert set(tables["third_party_demographics.parquet"].provider_record_id) == _keys(
        truth, "third_party_demographics"
    )
    assert set(tables["privacy_consent_events.parquet"].consent_event_id) == _keys(
        truth, "privacy_consent_events"
    )
    assert set(tables["privacy_erasure_requests.parquet"].request_id) == _keys(
        truth, "privacy_erasure_requests"
    )
    assert set(tables["crm_orders.parquet"].order_id.dropna()) == _keys(truth, "crm_orders")
    assert set(tables["esp_email_events.parquet"].recipient_email) == _keys(truth, "esp_recipients")
    assert truth.person_id.isin(tables["truth/truth_persons.parquet"].person_id).all()


def test_truth_keys_identify_one_person(truth: pd.DataFrame) -> None:
    for source, group in truth.groupby("source_table"):
        duplicated = group.record_key.duplicated().mean()
        # A mailbox shared by two people (rare) maps to both of them.
        assert duplicated < (0.005 if source == "esp_recipients" else 1e-12), source


def test_customer_count_matches_argument(persons: pd.DataFrame, truth: pd.DataFrame) -> None:
    assert persons.is_crm_customer.sum() == CUSTOMERS
    assert truth.loc[truth.source_table == "crm_customers", "person_id"].nunique() == CUSTOMERS
    assert persons.person_id.is_unique


# ----------------------------------------------------------------------------- messiness


def test_duplicate_and_junk_records(tables: dict[str, pd.DataFrame], truth: pd.DataFrame) -> None:
    customers = tables["crm_customers.parquet"]
    test_ids = customers.loc[customers.email == "test@test.com", "customer_id"].nunique()
    assert test_ids >= 5
    junk_phone = customers.phone.isin(["0000000000", "1234567890", "0400000000"])
    assert customers.loc[junk_phone, "customer_id"].nunique() >= 5

    records_per_person = truth[truth.source_table == "crm_customers"].groupby("person_id").size()
    share = (records_per_person > 1).mean()
    assert 0.06 < share < 0.15
    assert customers.duplicated().sum() > 0  # exact duplicate rows
    versions = customers.groupby("customer_id").updated_at.nunique()
    assert (versions > 1).sum() > 0  # newer versions of a record
    assert customers.email.isna().any()
    assert customers.phone.isna().any()


def test_variants_and_invalid_values(tables: dict[str, pd.DataFrame]) -> None:
    customers = tables["crm_customers.parquet"]
    orders = tables["crm_orders.parquet"]
    malformed = customers.email.str.endswith("@", na=False) | (customers.email == "a@b")
    assert malformed.any()
    assert customers.date_of_birth.str.match(r"^\d{2}/\d{2}/\d{4}$", na=False).any()
    assert customers.date_of_birth.str.match(r"^\d{8}$", na=False).any()
    assert customers.country.isin(["AU", "Australia", "AUS"]).sum() > 0
    longest = max(customers.last_name.str.len().max(), customers.address_line_1.str.len().max())
    assert longest >= 2_000
    assert (orders.amount < 0).any()
    assert orders.amount.isna().any()
    assert orders.order_id.isna().any()
    assert orders.customer_id.isna().any()
    assert not orders.customer_id.dropna().isin(customers.customer_id).all()  # orphans
    assert orders.currency.isin(["XXX", "bitcoin"]).any()
    assert orders.status.isin(["cancelled", "canceled"]).any()
    assert orders.quantity.isna().any()


def test_web_events_shape(
    tables: dict[str, pd.DataFrame], persons: pd.DataFrame, truth: pd.DataFrame
) -> None:
    web = tables["web_events.parquet"]
    per_customer = len(web) / CUSTOMERS
    assert 10 < per_customer < 40
    assert 0.05 < web.session_id.isna().mean() < 0.30
    assert web.user_id.notna().mean() > 0.2
    assert web.event_id.duplicated().any()  # re-delivered events
    assert {"page_view", "pageview", "purchase", "add_to_cart"} <= set(web.event_type)
    assert web.event_at.str.contains(r"[+-]\d\d:\d\d$", regex=True).any()
    assert web.received_at.str.endswith("Z").all()
    bots = web.user_agent.str.contains("bot|crawler|HeadlessChrome", case=False, regex=True)
    assert bots.any()
    assert web.loc[bots, "user_id"].isna().all()
    bot_ids = set(persons.loc[persons.archetype == "bot", "person_id"])
    cookie_owner = truth[truth.source_table == "web_cookies"].set_index("record_key").person_id
    assert web.loc[bots, "cookie_id"].map(cookie_owner).isin(bot_ids).all()
    assert web.email.notna().any()
    assert web.email.isna().mean() > 0.95


def test_third_party_match_keys(tables: dict[str, pd.DataFrame]) -> None:
    third = tables["third_party_demographics.parquet"]
    only_hash = third.email.isna() & third.email_sha256.notna()
    neither = third.email.isna() & third.email_sha256.isna()
    assert 0.2 < only_hash.mean() < 0.4
    assert 0.3 < neither.mean() < 0.5
    both = third.dropna(subset=["email", "email_sha256"])
    expected = (
        both.email.str.strip().str.lower().map(lambda e: hashlib.sha256(e.encode()).hexdigest())
    )
    assert (expected == both.email_sha256).all()
    assert third.provider_record_id.duplicated().any()  # re-deliveries
    assert third.interests.str.contains("|", regex=False).any()


# ----------------------------------------------------------------------------- ground truth


def test_all_archetypes_present(persons: pd.DataFrame) -> None:
    crm = set(persons.loc[persons.is_crm_customer, "archetype"])
    assert crm == CRM_ARCHETYPES
    assert {"web_only", "bot"} <= set(persons.archetype)


def test_label_base_rate_and_oracle(persons: pd.DataFrame) -> None:
    crm = persons[persons.is_crm_customer]
    assert 0.05 < crm.purchased_next_30d.mean() < 0.60
    by_label = crm.groupby("purchased_next_30d").oracle_purchase_prob_30d.mean()
    assert by_label[True] > by_label[False] + 0.2
    assert crm.loc[crm.is_churned, "oracle_purchase_prob_30d"].eq(0).all()
    assert crm.loc[crm.purchased_next_30d, "next_order_at"].notna().all()


def test_behaviour_is_observable(
    tables: dict[str, pd.DataFrame], persons: pd.DataFrame, truth: pd.DataFrame
) -> None:
    """Order history separates archetypes, and recent buying predicts the label."""
    orders = tables["crm_orders.parquet"].drop_duplicates("order_id")
    owner = truth[truth.source_table == "crm_orders"].set_index("record_key").person_id
    orders = orders.assign(
        person_id=orders.order_id.map(owner),
        ordered=pd.to_datetime(orders.ordered_at, format="mixed", errors="coerce", utc=True),
    ).dropna(subset=["person_id", "ordered"])
    recent = orders.ordered >= pd.Timestamp("2026-11-01", tz="UTC") - pd.Timedelta(days=90)

    crm = persons[persons.is_crm_customer].set_index("person_id")
    crm["orders"] = orders.groupby("person_id").size().reindex(crm.index, fill_value=0)
    crm["recent"] = orders[recent].groupby("person_id").size().reindex(crm.index, fill_value=0)
    by_archetype = crm.groupby("archetype").orders.mean()
    assert by_archetype["frequent_low_value"] > 3 * by_archetype["occasional"]
    assert by_archetype["loyal_high_value"] > 3 * by_archetype["window_shopper"]
    assert crm.loc[crm.archetype == "lapsed", "recent"].eq(0).all()

    label = crm.purchased_next_30d.astype(bool)
    active = crm.recent > 0
    assert label[active].mean() > 2 * label[~active].mean()
    assert np.corrcoef(crm.recent, crm.oracle_purchase_prob_30d.astype(float))[0, 1] > 0.3
