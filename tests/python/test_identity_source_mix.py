"""Identity resolution on a source mix the generator does not make, shaped like real deliveries.

A CRM export with no duplicates of its own, plus a third-party file that carries no date of birth
at all (the column is absent), no email and no phone: its rows reach customers only by name and
address. Some deliveries misspell a name, write the address in one line with its street type
spelled out, leave out the last name, or type first and last name in each other's field. Two
customers share a common surname (Smith), a birth date and a postcode, and two others a rare one.

* The build succeeds with every test of the identity models (this source mix used to stop it:
  every blocking rule that proposed pairs blocked on postcode, so postcode's m could not be
  estimated), and at least 95 % of the true CRM <-> third-party pairs are linked, with no false
  link.
* The swapped delivery links; the two Smiths stay apart, and the surname's agreement was
  down-weighted as common.
* A user's own blocking rules and comparisons build with every project test passing (the unit
  tests pin the vars they test, so a project's settings cannot break them).
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from dbt_harness import PROJECT_DIR, DbtRun, run_dbt
from open_segments.match_weights import export_match_weights
from open_segments_lab.datagen import schema, vocab

IDENTITY = [
    "build",
    "--select",
    "+int_customer__unified_profiles",
    "int_identity__blocking_report",
    "--indirect-selection",
    "cautious",
]
# Names as skewed as real ones: the i-th most common weighs 1 / sqrt(i + 1), so the average
# surname agreement among random pairs is about 0.5 % and 'Smith' (planted 40 times in 900) is
# far commoner than that.
FIRST = [*vocab.FEMALE_FIRST_NAMES, *vocab.MALE_FIRST_NAMES]
LAST = list(vocab.LAST_NAMES)
FIRST_WEIGHTS = [1 / math.sqrt(i + 1) for i in range(len(FIRST))]
LAST_WEIGHTS = [1 / math.sqrt(i + 1) for i in range(len(LAST))]
STREETS = list(vocab.STREET_NAMES)
STREET_TYPES = [("St", "Street"), ("Rd", "Road"), ("Ave", "Avenue"), ("Dr", "Drive")]
CUSTOMERS = 900
DELIVERED = 450  # third-party rows of CRM customers
STRANGERS = 150  # third-party rows of people the CRM does not know
SMITHS = 40


def _typo(text: str, rng: random.Random) -> str:
    """One character of a name swapped with its neighbour (never the first)."""
    if len(text) < 4:
        return text + text[-1]
    position = rng.randrange(1, len(text) - 1)
    return text[:position] + text[position + 1] + text[position] + text[position + 2 :]


def _crm_row(index: int, rng: random.Random) -> dict[str, str | None]:
    street, (short, _long) = rng.choice(STREETS), rng.choice(STREET_TYPES)
    return {
        "customer_id": f"C{index:05d}",
        "first_name": rng.choices(FIRST, FIRST_WEIGHTS)[0],
        "last_name": rng.choices(LAST, LAST_WEIGHTS)[0],
        "email": None,
        "phone": None,
        "date_of_birth": f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-"
        f"{rng.randint(1, 28):02d}",
        "gender": None,
        "street_number": str(rng.randint(1, 400)),
        "address_line_1": f"{street} {short}",
        "address_line_2": None,
        "city": "Sydney",
        "postcode": str(2000 + rng.randint(0, 60)),
        "state": "NSW",
        "country": "AU",
        "loyalty_id": None,
        "created_at": "2024-01-01 10:00:00",
        "updated_at": "2024-01-01 10:00:00",
    }


def _crm(rng: random.Random) -> list[dict[str, str | None]]:
    rows = [_crm_row(i, rng) for i in range(CUSTOMERS)]
    # Many Smiths. Two different people share the surname, a birth date and a postcode (one
    # gave no first name); two others share a rare surname the same way.
    for offset in range(SMITHS):
        rows[offset].update(first_name="John", last_name="Smith")
    collision = {"date_of_birth": "1970-05-05", "postcode": "2010"}
    rows[0].update(collision, street_number="5", address_line_1="Bridge St")
    rows[1].update(collision, first_name=None, street_number="88", address_line_1="Railway Rd")
    rows[SMITHS].update(
        collision, last_name="Quaglieri", street_number="7", address_line_1="Mill Rd"
    )
    rows[SMITHS + 1].update(
        collision, first_name=None, last_name="Quaglieri", street_number="61",
        address_line_1="Ocean St",
    )  # fmt: skip
    return rows


def _third_party_row(key: str, crm: dict[str, str | None], rng: random.Random, kind: str) -> dict:
    short = crm["address_line_1"].rsplit(" ", 1)[1]
    long = dict(STREET_TYPES)[short]
    street = crm["address_line_1"].rsplit(" ", 1)[0]
    first, last = crm["first_name"], crm["last_name"]
    if kind == "typo":
        first = _typo(first, rng)
    elif kind == "no_last_name":
        last = None
    elif kind == "swapped":
        first, last = last, first
    return {
        "provider_record_id": key,
        "email": None,
        "email_sha256": None,
        "phone": None,
        "first_name": first,
        "last_name": last,
        "street_address": f"{crm['street_number']} {street} {long}",
        "city": crm["city"],
        "postcode": crm["postcode"],
        "state": crm["state"],
        "country": "Australia",
        "age": None,
        "age_band": None,
        "income_band": "50k-75k",
        "household_size": "2",
        "interests": None,
        "delivered_at": "2026-09-01T00:00:00Z",
    }


def _third_party(
    crm: list[dict[str, str | None]], rng: random.Random
) -> tuple[list[dict], dict[str, str]]:
    """Deliveries for customers SMITHS.. (not the Smiths), plus strangers; and the truth."""
    rows, truth = [], {}
    kinds = ["exact"] * 6 + ["typo"] * 2 + ["no_last_name", "swapped"]
    delivered = range(SMITHS + 2, SMITHS + 2 + DELIVERED)
    for number, index in enumerate(delivered):
        key = f"TP{number:05d}"
        rows.append(_third_party_row(key, crm[index], rng, kinds[number % len(kinds)]))
        truth[key] = crm[index]["customer_id"]
    for number in range(STRANGERS):
        stranger = _crm_row(10_000 + number, rng)
        rows.append(_third_party_row(f"TS{number:05d}", stranger, rng, "exact"))
    return rows, truth


def _write(folder: Path, name: str, table_schema: pa.Schema, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    columns = [c for c in table_schema.names if c != "date_of_birth" or name.startswith("crm")]
    table = pa.table({c: pa.array([row.get(c) for row in rows], pa.string()) for c in columns})
    pq.write_table(table, folder / f"{name}.parquet")


@pytest.fixture(scope="module")
def source_mix(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("identity_source_mix")
    rng = random.Random(7)
    crm = _crm(rng)
    third_party, truth = _third_party(crm, rng)
    raw = folder / "raw"
    _write(raw, "crm_customers", schema.CRM_CUSTOMERS, crm)
    _write(raw, "third_party_demographics", schema.THIRD_PARTY_DEMOGRAPHICS, third_party)
    assert "date_of_birth" not in pq.read_schema(raw / "third_party_demographics.parquet").names
    return raw, truth


@pytest.fixture(scope="module")
def default_run(source_mix, tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    raw, _truth = source_mix
    folder = tmp_path_factory.mktemp("identity_source_mix_default")
    return run_dbt(folder, IDENTITY, str(raw / "{source}_{table}.parquet"))


def _profile_of(run: DbtRun) -> dict[tuple[str, str], str]:
    with run.connect() as con:
        rows = con.sql(
            "select record_source, record_key, profile_id from identity.int_identity__profile_map"
        ).fetchall()
    return {(source, key): profile for source, key, profile in rows}


def test_crm_without_duplicates_and_third_party_without_birth_dates_link(
    default_run, source_mix
) -> None:
    assert default_run.returncode == 0, default_run.output[-4000:]
    _raw, truth = source_mix
    profiles = _profile_of(default_run)
    linked = sum(
        profiles[("third_party_demographics", key)] == profiles[("crm_customers", customer)]
        for key, customer in truth.items()
    )
    assert linked / len(truth) >= 0.95, f"{linked} of {len(truth)} true pairs linked"
    # No false link: every profile holds at most one CRM customer (the CRM has no duplicates),
    # and no stranger joins a customer.
    crm_per_profile: dict[str, int] = {}
    for (source, _key), profile in profiles.items():
        if source == "crm_customers":
            crm_per_profile[profile] = crm_per_profile.get(profile, 0) + 1
    assert max(crm_per_profile.values()) == 1
    strangers = [p for (s, k), p in profiles.items() if k.startswith("TS")]
    assert not set(strangers) & set(crm_per_profile)


def test_every_kind_of_delivery_is_staged_and_linked(default_run, source_mix) -> None:
    """Rows without a last name are staged (first name and address are match keys), and a
    delivery with first and last name swapped links through the swap-aware name levels."""
    assert default_run.returncode == 0, default_run.output[-4000:]
    _raw, truth = source_mix
    profiles = _profile_of(default_run)
    with default_run.connect() as con:
        rejected = con.sql(
            "select count(*) from staging.base_third_party__demographics"
            " where rejection_reason is not null"
        ).fetchone()[0]
        swapped = con.sql(
            "select first_name, last_name from identity.int_identity__candidate_pairs"
            " where record_id_a like 'crm_customers:%' and record_id_b like 'third_party%'"
            " and first_name = 3 and last_name = 3"
        ).fetchall()
    assert rejected == 0
    kinds = ["exact"] * 6 + ["typo"] * 2 + ["no_last_name", "swapped"]
    for kind in ("no_last_name", "swapped"):
        keys = [key for n, key in enumerate(sorted(truth)) if kinds[n % len(kinds)] == kind]
        linked = sum(
            profiles[("third_party_demographics", k)] == profiles[("crm_customers", truth[k])]
            for k in keys
        )
        assert linked >= 0.95 * len(keys), (kind, linked, len(keys))
    assert swapped, "no CRM <-> third-party pair took the transposed level on both names"


def test_a_common_surname_shared_birth_date_and_postcode_do_not_merge(default_run) -> None:
    """The Smiths' pair and the Quaglieris' pair compare alike on every field, but 'Smith' is
    common: its agreement weighs less, and the Smiths stay apart."""
    assert default_run.returncode == 0, default_run.output[-4000:]
    profiles = _profile_of(default_run)
    assert profiles[("crm_customers", "C00000")] != profiles[("crm_customers", "C00001")]
    with default_run.connect() as con:
        pairs = con.sql(
            "select record_id_a, first_name, last_name, date_of_birth, address, postcode,"
            " last_name_term_frequency_adjustment, match_weight"
            " from identity.int_identity__scored_pairs"
            " where (record_id_a, record_id_b) in ("
            "   ('crm_customers:C00000', 'crm_customers:C00001'),"
            "   ('crm_customers:C00040', 'crm_customers:C00041'))"
            " order by record_id_a"
        ).fetchall()
    assert len(pairs) == 2, "the pairs were not compared"
    smiths, quaglieris = pairs
    assert smiths[1:6] == quaglieris[1:6], "the two pairs should compare alike"
    assert smiths[6] < 0
    assert quaglieris[7] - smiths[7] == pytest.approx(quaglieris[6] - smiths[6])
    assert quaglieris[7] - smiths[7] > 1


def test_a_users_own_blocking_rules_and_comparisons_build(source_mix, tmp_path_factory) -> None:
    """Rules and comparisons unlike the defaults (rules on postcode alone and surname alone, no
    derived keys, a comparison on city): the build, its unit tests included, passes."""
    raw, _truth = source_mix
    folder = tmp_path_factory.mktemp("identity_source_mix_user_rules")
    user_vars = {
        "identity_blocking_rules": [["postcode"], ["match_last_name"]],
        "identity_comparisons": {
            "first_name": {"column": "match_first_name", "method": "similarity",
                           "thresholds": [0.9]},
            "last_name": {"column": "match_last_name", "method": "exact"},
            "street": {"column": "match_address", "method": "similarity", "thresholds": [0.85]},
            "city": {"column": "city", "method": "exact"},
            "postcode": {"column": "postcode", "method": "exact"},
        },
    }  # fmt: skip
    run = run_dbt(folder, IDENTITY, str(raw / "{source}_{table}.parquet"), extra_vars=user_vars)
    assert run.returncode == 0, run.output[-4000:]
    statuses = {r["status"] for r in run.results()}
    assert statuses <= {"success", "pass"}, statuses
    with run.connect() as con:
        described = con.sql("describe identity.int_identity__candidate_pairs").fetchall()
    columns = [column[0] for column in described]
    assert "city" in columns and "proposed_by_rule_2" in columns


def test_frozen_weights_of_other_comparisons_fail_the_build(
    default_run, source_mix, tmp_path_factory
) -> None:
    """Weights exported under the default comparisons, frozen into a build whose postcode compares
    exactly (two levels fewer): the weights no longer fit the levels, and the build fails on
    assert_match_weights_fit_the_comparisons instead of weighing a level by another's evidence."""
    assert default_run.returncode == 0, default_run.output[-4000:]
    raw, _truth = source_mix
    folder = tmp_path_factory.mktemp("identity_source_mix_stale_weights")
    weights = folder / "match_weights.parquet"
    export_match_weights(default_run.warehouse, weights)
    with duckdb.connect() as con:
        postcode_labels = con.execute(
            "select list(label order by level) from read_parquet(?) where comparison = 'postcode'",
            [str(weights)],
        ).fetchone()[0]
    assert postcode_labels == [
        "null",
        "different",
        "different, match_city exact",
        "similarity >= 0.8",
        "exact",
    ]
    comparisons = _default_comparisons()
    comparisons["postcode"] = {"column": "postcode", "method": "exact", "term_frequency": True}
    run = run_dbt(
        folder,
        IDENTITY,
        str(raw / "{source}_{table}.parquet"),
        extra_vars={"identity_match_weights": str(weights), "identity_comparisons": comparisons},
    )
    assert run.returncode != 0
    failed = {r["unique_id"].split(".")[2] for r in run.results() if r["status"] == "fail"}
    assert failed == {"assert_match_weights_fit_the_comparisons"}, failed


def _default_comparisons() -> dict:
    """The project's default identity_comparisons, read from dbt_project.yml."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return dict(project["vars"]["identity_comparisons"])


def test_the_blocking_report_accounts_for_every_candidate_pair(default_run) -> None:
    assert default_run.returncode == 0, default_run.output[-4000:]
    with default_run.connect() as con:
        rules, first, proposed, pairs = con.sql(
            "select count(*), sum(pairs_first_proposed), max(pairs_proposed),"
            " (select count(*) from identity.int_identity__candidate_pairs)"
            " from identity.int_identity__blocking_report"
        ).fetchone()
        first_rule = con.sql(
            "select rule_keys from identity.int_identity__blocking_report where blocking_rule = 1"
        ).fetchone()[0]
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    assert rules == len(project["vars"]["identity_blocking_rules"])
    assert first == pairs > 0
    assert proposed <= pairs
    assert first_rule == "match_name_pair"
