"""Tests of the Splink peer comparison: its measures on hand-made records whose pair counts can be
worked out by hand, and one small run of both sides end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest

from open_segments_lab.identity.accuracy import evaluate_resolution
from open_segments_lab.identity.peer_comparison import (
    RESULT_FILE,
    blocking_recall,
    candidate_pair_recall,
    load_crm_records,
    main,
    pair_metrics,
    scored_clusters,
)
from test_identity_accuracy import write_truth

# record_id -> (last name, postcode, profile); person from TRUTH. Person 1 has three CRM records,
# person 2 two, person 3 one: 3 + 1 = 4 true pairs.
RECORDS = {
    "crm_customers:C1": ("smith", "2000", "P1"),
    "crm_customers:C2": ("smith", "2000", "P1"),
    "crm_customers:C3": ("smyth", "2000", "P1"),
    "crm_customers:C4": ("jones", "3000", "P2"),
    "crm_customers:C5": ("jones", "3001", "P3"),
    "crm_customers:C6": ("brown", "4000", "P4"),
    # no truth row: left out
    "crm_customers:C7": ("brown", "4000", "P4"),
    # not a CRM record: never compared
    "third_party_demographics:T1": ("smith", "2000", "P1"),
}
TRUTH = [
    ("crm_customers", "C1", 1),
    ("crm_customers", "C2", 1),
    ("crm_customers", "C3", 1),
    ("crm_customers", "C4", 2),
    ("crm_customers", "C5", 2),
    ("crm_customers", "C6", 3),
    ("third_party_demographics", "T1", 1),
]
# Our blocking proposed C1-C2 and C4-C5 (and a wrong pair): 2 of the 4 true pairs.
CANDIDATE_PAIRS = [
    ("crm_customers:C1", "crm_customers:C2"),
    ("crm_customers:C4", "crm_customers:C5"),
    ("crm_customers:C5", "crm_customers:C6"),
]


def test_pair_metrics_count_pairs_from_cluster_sizes() -> None:
    # one profile holds person 1's three records and one of person 2's: 6 predicted pairs, of
    # which the 3 within person 1 are correct; person 2's pair is split: 4 true pairs
    metrics = pair_metrics([1, 1, 1, 2, 2, 3], ["a", "a", "a", "a", "b", "c"])

    assert (metrics.predicted_pairs, metrics.true_pairs, metrics.correct_pairs) == (6, 4, 3)
    assert metrics.precision == 0.5
    assert metrics.recall == 0.75
    assert metrics.f1 == pytest.approx(0.6)


def test_pair_metrics_of_singletons_predict_nothing() -> None:
    metrics = pair_metrics([1, 1, 2], ["a", "b", "c"])

    assert (metrics.predicted_pairs, metrics.true_pairs, metrics.correct_pairs) == (0, 1, 0)
    assert math.isnan(metrics.precision)
    assert metrics.recall == 0.0


@pytest.fixture()
def loaded(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A hand-made warehouse and truth, loaded as the comparison loads a built one."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as built:
        built.execute("create schema identity")
        built.execute(
            "create table identity.int_identity__records (record_id varchar, record_source"
            " varchar, match_first_name varchar, match_last_name varchar, date_of_birth date,"
            " match_address varchar, postcode varchar)"
        )
        built.execute(
            "create table identity.int_identity__profile_map"
            " (record_id varchar, profile_id varchar)"
        )
        built.execute(
            "create table identity.int_identity__candidate_pairs "
            "(record_id_a varchar, record_id_b varchar, blocking_rule integer)"
        )
        for record_id, (last_name, postcode, profile) in RECORDS.items():
            built.execute(
                "insert into identity.int_identity__records values "
                "(?, ?, 'ann', ?, date '1980-01-01', '1 high', ?)",
                [record_id, record_id.split(":")[0], last_name, postcode],
            )
            built.execute(
                "insert into identity.int_identity__profile_map values (?, ?)", [record_id, profile]
            )
        built.executemany(
            "insert into identity.int_identity__candidate_pairs values (?, ?, 1)", CANDIDATE_PAIRS
        )
    truth_dir = write_truth(tmp_path / "truth", TRUTH)
    connection = duckdb.connect()
    counts = load_crm_records(connection, warehouse, truth_dir)
    assert counts == {"records": 6, "records_without_truth": 1, "true_pairs": 4}
    return connection


def test_blocking_recall_is_the_share_of_true_pairs_a_rule_proposes(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    # same last name: C1-C2 and C4-C5 of the four true pairs (C3 is 'smyth')
    assert blocking_recall(loaded, ["l.match_last_name = r.match_last_name"]) == 0.5
    # or the same postcode: adds C1-C3 and C2-C3
    rules = ["l.match_last_name = r.match_last_name", "l.postcode = r.postcode"]
    assert blocking_recall(loaded, rules) == 1.0
    assert blocking_recall(loaded, []) == 0.0


def test_candidate_pair_recall_counts_true_pairs_in_our_candidates(
    loaded: duckdb.DuckDBPyConnection,
) -> None:
    assert candidate_pair_recall(loaded) == 0.5
    loaded.execute("detach warehouse")
    assert math.isnan(candidate_pair_recall(loaded))


def test_clusters_are_scored_on_crm_records_with_truth(loaded: duckdb.DuckDBPyConnection) -> None:
    profiles = (
        "select record_id, profile_id as cluster_id"
        " from warehouse.identity.int_identity__profile_map"
    )
    metrics, missing = scored_clusters(loaded, profiles)

    # P1 holds person 1 (3 pairs, all correct); person 2 is split over P2 and P3
    assert (metrics.predicted_pairs, metrics.true_pairs, metrics.correct_pairs) == (3, 4, 3)
    assert missing == 0
    # a record the clustering leaves out is a cluster of its own
    metrics, missing = scored_clusters(loaded, f"{profiles} where record_id <> 'crm_customers:C3'")
    assert (metrics.predicted_pairs, metrics.correct_pairs, missing) == (1, 1, 1)


def test_both_sides_run_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("splink")

    assert main(["--customers", "2000", "--workdir", str(tmp_path)]) == 0

    printed = capsys.readouterr().out
    assert "open_segments" in printed and "splink" in printed
    result = json.loads((tmp_path / RESULT_FILE).read_text())
    sides = {side["side"]: side for side in result["sides"]}
    assert set(sides) == {"open_segments", "splink"}
    for side in sides.values():
        for measure in ("precision", "recall", "f1", "blocking_recall"):
            assert 0.0 <= side[measure] <= 1.0, (side["side"], measure)
        assert side["seconds"] > 0
    assert result["records"] > 2000 and result["true_pairs"] > 0
    # our side is scored as accuracy.py scores the same build: only CRM records are in it
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        accuracy = evaluate_resolution(connection, tmp_path / "raw" / "truth")
    ours = sides["open_segments"]
    assert (ours["predicted_pairs"], ours["true_pairs"], ours["correct_pairs"]) == (
        accuracy.all_records.pairs.predicted_pairs,
        accuracy.all_records.pairs.true_pairs,
        accuracy.all_records.pairs.correct_pairs,
    )
