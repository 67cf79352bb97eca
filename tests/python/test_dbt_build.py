"""End to end: generate a small demo dataset, run `dbt build` with every dbt test, and check the
staged data against the generator's ground truth."""

from __future__ import annotations

import pytest

from dbt_harness import run_dbt
from open_segments.datagen.__main__ import main as generate
from open_segments.identity.accuracy import evaluate_resolution
from open_segments.report import account_for_sources

CUSTOMERS = 3_000


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("demo")
    raw = folder / "raw"
    assert (
        generate(
            ["--customers", str(CUSTOMERS), "--seed", "11", "--out", str(raw), "--no-progress"]
        )
        == 0
    )
    run = run_dbt(folder / "dbt", ["build"], str(raw / "{source}_{table}.parquet"))
    con = run.connect() if run.returncode == 0 else None
    if con is not None:
        con.execute(
            "create temp view truth_records as "
            f"select * from read_parquet('{raw}/truth/truth_records.parquet')"
        )
    yield raw, run, con
    if con is not None:
        con.close()


def test_build_passes_every_dbt_test(demo_build) -> None:
    _raw, run, _con = demo_build
    assert run.returncode == 0, run.output[-4000:]
    results = run.results()
    failed = [r["unique_id"] for r in results if r["status"] not in ("success", "pass")]
    assert failed == []
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "seed", "test", "unit_test"} <= kinds


def test_every_source_is_staged_and_accounted_for(demo_build) -> None:
    _raw, _run, con = demo_build
    for account in account_for_sources(con):
        assert account.raw_rows > 0, account
        assert account.staged_rows > 0, account
        assert account.balanced, account


def test_planted_mess_reaches_the_quarantine(demo_build) -> None:
    _raw, _run, con = demo_build

    def reasons(model: str) -> set[str]:
        return {
            r
            for (r,) in con.execute(
                f"select distinct rejection_reason from staging.{model}"
            ).fetchall()
        }

    assert {"superseded_version"} <= reasons("stg_crm__customers_rejected")
    assert {
        "negative_amount",
        "invalid_amount",
        "unknown_currency",
        "unparseable_ordered_at",
    } <= reasons("stg_crm__orders_rejected")
    assert {"duplicate_event_id", "unparseable_event_at"} <= reasons("stg_web__events_rejected")


def test_valid_customers_are_all_staged(demo_build) -> None:
    """Every customer record the generator made with a usable id is staged, and nothing else is."""
    _raw, _run, con = demo_build
    staged_not_true, true_not_staged, true_total = con.execute(
        """
        with truth as (
            select trim(record_key) as customer_id from truth_records
            where source_table = 'crm_customers'
        ),
        staged as (select customer_id from staging.stg_crm__customers)
        select
            (select count(*) from staged anti join truth using (customer_id)),
            (select count(*) from truth anti join staged using (customer_id)),
            (select count(*) from truth)
        """
    ).fetchone()
    assert staged_not_true == 0
    assert true_not_staged <= 0.001 * true_total


def test_normalization_collapses_format_variants(demo_build) -> None:
    """Records of one person typed differently agree once normalized far more often than raw.

    Pairs of CRM records of the same true person: how often their raw phone (and email) strings
    are equal, and how often the normalized ones are. Only the normalized figures are what
    identity resolution will join on.
    """
    _raw, _run, con = demo_build
    row = con.execute(
        """
        with records as (
            select truth.person_id, base.*
            from staging.base_crm__customers as base
            inner join truth_records as truth
                on truth.source_table = 'crm_customers' and truth.record_key = base.customer_id
            where base.rejection_reason is null
        ),
        pairs as (
            select a.phone as raw_phone_a, b.phone as raw_phone_b,
                a.normalized_phone_e164 as phone_a, b.normalized_phone_e164 as phone_b,
                a.email as raw_email_a, b.email as raw_email_b,
                a.normalized_email as email_a, b.normalized_email as email_b
            from records as a
            inner join records as b on a.person_id = b.person_id and a.raw_row_id < b.raw_row_id
        )
        select
            avg(case when raw_phone_a = raw_phone_b then 1 else 0 end)
                filter (where phone_a is not null and phone_b is not null),
            avg(case when phone_a = phone_b then 1 else 0 end)
                filter (where phone_a is not null and phone_b is not null),
            avg(case when raw_email_a = raw_email_b then 1 else 0 end)
                filter (where email_a is not null and email_b is not null),
            avg(case when email_a = email_b then 1 else 0 end)
                filter (where email_a is not null and email_b is not null),
            count(*)
        from pairs
        """
    ).fetchone()
    raw_phone, phone, raw_email, email, pairs = row
    print(
        f"pairs={pairs} phone raw={raw_phone:.2f} normalized={phone:.2f} "
        f"email raw={raw_email:.2f} normalized={email:.2f}"
    )
    # Measured at this seed and scale: phones 0.22 raw -> 0.97 normalized, emails 0.37 -> 0.69
    # (the remaining email differences are different addresses and provider aliases, which
    # identity resolution handles, not staging).
    assert pairs >= 100
    assert phone >= 0.9 and phone > raw_phone + 0.5
    assert email > raw_email + 0.2


def test_identity_resolution_matches_ground_truth(demo_build) -> None:
    """Pairwise accuracy of identity resolution over the records that carry any evidence."""
    raw, run, con = demo_build
    assert run.returncode == 0, run.output[-4000:]
    accuracy = evaluate_resolution(con, raw / "truth")
    pairs = accuracy.linkable.pairs
    assert pairs.true_pairs > 1_000
    assert pairs.precision >= 0.99, pairs
    assert pairs.recall >= 0.98, pairs
