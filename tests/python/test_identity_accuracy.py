"""Unit tests of the identity accuracy measures on a hand-built warehouse.

Each test writes a few records, a profile map and a truth file whose pair counts can be worked
out by hand, so every expected precision and recall below is an exact fraction, not a tolerance
around a simulated result.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from open_segments_lab.benchmark import identity_model_timings
from open_segments_lab.identity.accuracy import (
    TRUTH_FILE,
    GraphFigures,
    IdentityReport,
    evaluate_resolution,
    graph_figures,
)

# record_id -> (has a name, has an identifier). Person 1 has three records, person 2 two,
# person 3 one: 3 + 1 = 4 true pairs.
RECORDS: dict[str, tuple[bool, bool]] = {
    "crm_customers:C1": (True, True),
    "web_cookies:K1": (False, True),
    "esp_recipients:ann@example.com": (False, True),
    "crm_customers:C2": (True, True),
    "third_party_demographics:T2": (True, False),
    "crm_customers:C3": (True, True),
}
# (source_table, record_key as the generator wrote it, person_id)
TRUTH: list[tuple[str, str, int]] = [
    ("crm_customers", "C1", 1),
    ("web_cookies", "K1", 1),
    ("esp_recipients", " Ann@Example.com", 1),
    ("crm_customers", "C2", 2),
    ("third_party_demographics", "T2", 2),
    ("crm_customers", "C3", 3),
    # not an identity source: ignored
    ("crm_orders", "O1", 1),
]
PERFECT: dict[str, str] = {
    "crm_customers:C1": "P1",
    "web_cookies:K1": "P1",
    "esp_recipients:ann@example.com": "P1",
    "crm_customers:C2": "P2",
    "third_party_demographics:T2": "P2",
    "crm_customers:C3": "P3",
}


EMPTY_GRAPH = GraphFigures(
    records_by_source={},
    comparable_records=0,
    candidate_pairs=0,
    rules=[],
    accepted_pairs=0,
    edges=[],
    identifiers=0,
    blocked_identifiers={},
    components=0,
    singleton_components=0,
    largest_component_sizes=[],
)


def build_warehouse(
    profile_of: dict[str, str], records: dict[str, tuple[bool, bool]] = RECORDS
) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the three tables the accuracy measure reads."""
    connection = duckdb.connect()
    connection.execute("create schema identity")
    connection.execute(
        "create table identity.int_identity__records "
        "(record_id varchar, record_source varchar, match_first_name varchar,"
        " match_last_name varchar)"
    )
    connection.execute(
        "create table identity.int_identity__identifiers "
        "(record_id varchar, identifier_type varchar, identifier_value varchar,"
        " guard_reason varchar)"
    )
    connection.execute(
        "create table identity.int_identity__profile_map (record_id varchar, profile_id varchar)"
    )
    for record_id, (has_name, has_identifier) in records.items():
        source = record_id.split(":", 1)[0]
        name = "ann" if has_name else None
        connection.execute(
            "insert into identity.int_identity__records values (?, ?, ?, ?)",
            [record_id, source, name, name],
        )
        if has_identifier:
            connection.execute(
                "insert into identity.int_identity__identifiers values (?, 'email', ?, null)",
                [record_id, record_id + "@example.com"],
            )
        connection.execute(
            "insert into identity.int_identity__profile_map values (?, ?)",
            [record_id, profile_of[record_id]],
        )
    return connection


def write_truth(folder: Path, rows: list[tuple[str, str, int]] = TRUTH) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    sources, keys, persons = zip(*rows, strict=True)
    pq.write_table(
        pa.table(
            {
                "source_table": list(sources),
                "record_key": list(keys),
                "person_id": pa.array(persons, pa.int64()),
            }
        ),
        folder / TRUTH_FILE,
    )
    return folder


def test_perfect_resolution_scores_one(tmp_path: Path) -> None:
    result = evaluate_resolution(build_warehouse(PERFECT), write_truth(tmp_path))

    pairs = result.all_records.pairs
    assert (pairs.predicted_pairs, pairs.true_pairs, pairs.correct_pairs) == (4, 4, 4)
    assert pairs.precision == pairs.recall == pairs.f1 == 1.0
    clusters = result.all_records.clusters
    assert (clusters.records, clusters.persons, clusters.profiles) == (6, 3, 3)
    assert clusters.exact_share == 1.0
    assert (clusters.split_persons, clusters.mixed_profiles, clusters.largest_profile) == (0, 0, 3)
    assert result.recall_ceiling == 1.0
    assert result.left_out == 0
    assert result.records_without_truth == 0


def test_one_wrong_merge_lowers_precision_only(tmp_path: Path) -> None:
    # C3 (person 3) joins person 2's profile: 2 wrong pairs (C3-C2, C3-T2) on top of the 4 right.
    result = evaluate_resolution(
        build_warehouse({**PERFECT, "crm_customers:C3": "P2"}), write_truth(tmp_path)
    )

    pairs = result.all_records.pairs
    assert (pairs.predicted_pairs, pairs.true_pairs, pairs.correct_pairs) == (6, 4, 4)
    assert pairs.precision == pytest.approx(4 / 6)
    assert pairs.recall == 1.0
    assert pairs.f1 == pytest.approx(2 * (4 / 6) / (4 / 6 + 1))
    clusters = result.all_records.clusters
    assert clusters.mixed_profiles == 1
    assert clusters.split_persons == 0
    assert clusters.largest_profile == 3
    # person 1 is still exact; persons 2 and 3 share a profile
    assert clusters.exact_persons == 1


def test_one_split_lowers_recall_only(tmp_path: Path) -> None:
    # The cookie of person 1 ends up alone: C1-K1 and K1-ann are missed, C1-ann is found.
    result = evaluate_resolution(
        build_warehouse({**PERFECT, "web_cookies:K1": "P9"}), write_truth(tmp_path)
    )

    pairs = result.all_records.pairs
    assert (pairs.predicted_pairs, pairs.true_pairs, pairs.correct_pairs) == (2, 4, 2)
    assert pairs.precision == 1.0
    assert pairs.recall == 0.5
    clusters = result.all_records.clusters
    assert clusters.split_persons == 1
    assert clusters.mixed_profiles == 0
    assert clusters.profiles == 4
    assert clusters.exact_persons == 2


def test_anonymous_cookie_counts_in_all_but_not_in_linkable(tmp_path: Path) -> None:
    # A second cookie of person 1 with no identifier and no name stays alone, as it must.
    records = {**RECORDS, "web_cookies:K9": (False, False)}
    truth = [*TRUTH, ("web_cookies", "K9", 1)]
    result = evaluate_resolution(
        build_warehouse({**PERFECT, "web_cookies:K9": "P8"}, records),
        write_truth(tmp_path, truth),
    )

    everything, linkable = result.all_records, result.linkable
    # person 1 now has 4 records (6 true pairs), person 2 has 2 (1 pair); 4 of 7 are found
    assert (everything.pairs.true_pairs, everything.pairs.correct_pairs) == (7, 4)
    assert everything.pairs.recall == pytest.approx(4 / 7)
    assert everything.clusters.records == 7
    assert everything.clusters.split_persons == 1
    # without the cookie the resolution is perfect
    assert (linkable.pairs.true_pairs, linkable.pairs.correct_pairs) == (4, 4)
    assert linkable.pairs.precision == linkable.pairs.recall == 1.0
    assert linkable.clusters.records == 6
    assert linkable.clusters.exact_share == 1.0
    # the ceiling explains the gap exactly: recall(all) = recall(linkable) x ceiling
    assert result.recall_ceiling == pytest.approx(4 / 7)
    assert everything.pairs.recall == pytest.approx(linkable.pairs.recall * result.recall_ceiling)


def test_name_alone_makes_a_record_linkable(tmp_path: Path) -> None:
    # T2 has a name but no identifier: it still counts as linkable.
    result = evaluate_resolution(build_warehouse(PERFECT), write_truth(tmp_path))

    assert result.linkable.clusters.records == 6


def test_esp_keys_are_case_folded_and_collapsed_keys_take_the_smallest_person(
    tmp_path: Path,
) -> None:
    # Two more spellings of Ann's address: one by person 1 again, one by person 5 (a shared
    # family mailbox). All three rows are the one staged recipient record, given person 1.
    truth = [
        *TRUTH,
        ("esp_recipients", "ANN@example.com ", 1),
        ("esp_recipients", "ann@EXAMPLE.com", 5),
        ("web_cookies", "BOT1", 7),  # a bot cookie: no identity record
    ]
    result = evaluate_resolution(build_warehouse(PERFECT), write_truth(tmp_path, truth))

    assert result.truth_rows == 9
    assert result.left_out_by_source == {"web_cookies": 1}
    assert result.collapsed_rows == 2
    assert result.all_records.clusters.records == 6
    assert result.all_records.clusters.persons == 3
    assert result.all_records.pairs.precision == result.all_records.pairs.recall == 1.0


def test_profile_map_records_missing_from_truth_are_counted_not_scored(tmp_path: Path) -> None:
    truth = [row for row in TRUTH if row[1] != "C3"]
    result = evaluate_resolution(build_warehouse(PERFECT), write_truth(tmp_path, truth))

    assert result.records_without_truth == 1
    assert result.all_records.clusters.records == 5


def test_evaluation_leaves_no_tables_behind(tmp_path: Path) -> None:
    connection = build_warehouse(PERFECT)
    before = connection.execute("select count(*) from duckdb_tables()").fetchone()
    evaluate_resolution(connection, write_truth(tmp_path))

    assert connection.execute("select count(*) from duckdb_tables()").fetchone() == before


def test_graph_figures_count_rules_edges_guards_and_components() -> None:
    connection = build_warehouse(PERFECT)
    connection.execute(
        "insert into identity.int_identity__identifiers values "
        "('crm_customers:C2', 'phone', '+61400000000', 'blocked_pattern'),"
        "('crm_customers:C3', 'email', 'test@example.com', 'blocked_pattern'),"
        "('crm_customers:C3', 'phone', '+61411111111', 'too_many_records')"
    )
    connection.execute(
        """
        create table identity.int_identity__candidate_pairs as
        select * from (values
            ('crm_customers:C1', 'crm_customers:C2', 1, true, true),
            ('crm_customers:C2', 'third_party_demographics:T2', 1, true, false),
            ('crm_customers:C1', 'crm_customers:C3', 2, false, true)
        ) as pairs(record_id_a, record_id_b, blocking_rule, proposed_by_rule_1,
                   proposed_by_rule_2)
        """
    )
    connection.execute(
        "create table identity.int_identity__scored_pairs as select *, "
        "record_id_b like 'third_party%' as is_match from identity.int_identity__candidate_pairs"
    )
    connection.execute(
        """
        create table identity.int_identity__edges as
        select * from (values
            ('crm_customers:C1', 'web_cookies:K1', 'deterministic', 'customer_id'),
            ('crm_customers:C1', 'esp_recipients:ann@example.com', 'deterministic', 'email'),
            ('crm_customers:C2', 'third_party_demographics:T2', 'probabilistic',
             'fellegi_sunter')
        ) as edges(record_id_a, record_id_b, edge_type, matched_on)
        """
    )
    connection.execute(
        "create table identity.int_identity__components as select record_id, "
        "profile_id as component_id, count(*) over (partition by profile_id) as component_size "
        "from identity.int_identity__profile_map"
    )

    graph = graph_figures(connection)

    assert graph.records_by_source == {
        "crm_customers": 3,
        "esp_recipients": 1,
        "third_party_demographics": 1,
        "web_cookies": 1,
    }
    assert (graph.candidate_pairs, graph.comparable_records) == (3, 4)
    assert graph.pairs_per_comparable_record == 0.75
    assert [(r.rule, r.proposed, r.first_proposed) for r in graph.rules] == [
        (1, 2, 2),
        (2, 2, 1),
    ]
    assert graph.accepted_pairs == 1
    assert graph.edges == [
        ("deterministic", "customer_id", 1),
        ("deterministic", "email", 1),
        ("probabilistic", "fellegi_sunter", 1),
    ]
    assert graph.identifiers == 8
    assert graph.blocked_identifiers == {"blocked_pattern": 2, "too_many_records": 1}
    assert (graph.components, graph.singleton_components) == (3, 1)
    assert graph.largest_component_sizes == [(3, 1), (2, 1), (1, 1)]


def test_render_shows_the_scores(tmp_path: Path) -> None:
    connection = build_warehouse({**PERFECT, "crm_customers:C3": "P2"})
    accuracy = evaluate_resolution(connection, write_truth(tmp_path))
    # the graph figures are tested above; an empty graph must still render
    report = IdentityReport(accuracy, graph=EMPTY_GRAPH)

    text = report.render()

    assert "0.6667" in text  # precision of the wrong merge
    assert "recall ceiling" in text
    assert "n/a candidate pairs each" in text  # no comparable records: no ratio, no crash
    lines = text.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("scope") and "F1" in line)
    row = next(line for line in lines if line.lstrip().startswith("all") and "0.6667" in line)
    # columns line up: every value ends where its header does
    assert header.index("F1") + len("F1") == len(row)


def test_identity_model_timings_keep_identity_models_only(tmp_path: Path) -> None:
    run_results = tmp_path / "run_results.json"
    results = [
        ("model.open_segments.stg_crm__customers", 5.0),
        ("model.open_segments.int_identity__records", 1.5),
        ("test.open_segments.not_null_int_identity__records_record_id.abc", 9.0),
        ("model.open_segments.int_customer__unified_profiles", 0.5),
        ("seed.open_segments.blocked_identifier_values", 0.1),
    ]
    run_results.write_text(
        json.dumps({"results": [{"unique_id": u, "execution_time": t} for u, t in results]})
    )

    assert identity_model_timings(run_results) == [
        ("int_identity__records", 1.5),
        ("int_customer__unified_profiles", 0.5),
    ]
