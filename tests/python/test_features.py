"""Point-in-time features and rule segments, end to end on small generated data.

* As of an earlier date, the features equal those of a build on the raw data cut at that date.
* Two builds of the same data and vars give identical features and membership.
* With only CRM customers and orders, the order features are right and the web and email
  segments are empty rather than broken.
* The propensity snapshots are the customer features at earlier dates: offset 0 equals
  int_customer__features, and offset o equals it built with as_of_date o days earlier.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from dbt_harness import PROJECT_DIR, dbt_invocation, mf_query, run_dbt
from open_segments.segment_report import build_report
from open_segments_lab.datagen.__main__ import main as generate

CUSTOMERS = 1_500
AS_OF = "2026-07-31"
CUTOFF = "2026-08-01"

# Raw tables and the staged timestamp that dates each row: rows at or after the
# cutoff do not exist yet on the as-of date.
DATED_TABLES = {
    "crm_customers": ("base_crm__customers", "normalized_created_at"),
    "crm_orders": ("base_crm__orders", "normalized_ordered_at"),
    "web_events": ("base_web__events", "normalized_event_at"),
    "esp_email_events": ("base_esp__email_events", "normalized_occurred_at"),
    "third_party_demographics": ("base_third_party__demographics", "normalized_delivered_at"),
}
UNDATED_TABLES = ("privacy_consent_events", "privacy_erasure_requests")
MEMBERS = (
    "select profile_id, segment_id, coalesce(segment_variant, '') from marts.fct_segment_membership"
)


def _pattern(raw: Path) -> str:
    return str(raw / "{source}_{table}.parquet")


# The full build and the CRM-only build run every dbt test; the other builds of this module
# rebuild the same project on the same kind of data to compare tables, so they skip the tests.
TABLES_ONLY = ["--exclude-resource-type", "test", "unit_test"]


def _build(folder: Path, raw: Path, as_of: str | None = AS_OF, tests: bool = True):
    run = run_dbt(
        folder,
        ["build", *([] if tests else TABLES_ONLY)],
        _pattern(raw),
        extra_vars={"as_of_date": as_of} if as_of else None,
    )
    assert run.returncode == 0, run.output[-4000:]
    return run


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("features") / "raw"
    args = ["--customers", str(CUSTOMERS), "--seed", "23", "--out", str(raw), "--no-progress"]
    assert generate(args) == 0
    return raw


@pytest.fixture(scope="module")
def full_build(generated: Path, tmp_path_factory: pytest.TempPathFactory):
    return _build(tmp_path_factory.mktemp("full"), generated)


@pytest.fixture(scope="module")
def cut_build(generated: Path, full_build, tmp_path_factory: pytest.TempPathFactory):
    """The raw data as it stood on the as-of date, built with the same as_of_date.

    Rows are cut by the timestamp staging parsed from them (the base tables keep every raw
    column and how many exact copies arrived), so messy formats and time zones are cut exactly
    where the features cut them. Rows with no usable timestamp are kept: they are quarantined
    either way.
    """
    folder = tmp_path_factory.mktemp("cut")
    raw = folder / "raw"
    raw.mkdir()
    con = duckdb.connect(str(full_build.warehouse), read_only=True)
    for table, (base, dated_by) in DATED_TABLES.items():
        columns = [
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw_contract' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
        ]
        select = ", ".join(f'"{c}"' for c in columns)
        con.execute(
            f"copy (select {select} from staging.{base} as base, range(base.raw_copies) "
            f"where {dated_by} is null or {dated_by} < timestamp '{CUTOFF}') "
            f"to '{raw / (table + '.parquet')}' (format parquet)"
        )
    con.close()
    for table in UNDATED_TABLES:
        (raw / f"{table}.parquet").write_bytes((generated / f"{table}.parquet").read_bytes())
    return _build(folder / "dbt", raw, tests=False)


def _profile_record_sets(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "select profile_id, string_agg(record_id, ',' order by record_id) "
        "from identity.int_identity__profile_map group by profile_id"
    ).fetchall()
    return {records: profile for profile, records in rows}


def _features(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Feature rows by profile, fractional columns rounded (sums of doubles may differ in the
    last bits with the order of aggregation)."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'features' and table_name = 'int_customer__features' "
        "and column_name <> 'profile_id' order by ordinal_position"
    ).fetchall()
    listed = ", ".join(
        f"round({name}, 6)" if data_type in ("DOUBLE", "FLOAT") else name
        for name, data_type in columns
    )
    rows = con.execute(f"select profile_id, {listed} from features.int_customer__features")
    return {row[0]: row[1:] for row in rows.fetchall()}


# int_ml__propensity_snapshots' columns that have no counterpart in int_customer__features: rates
# derived from compared columns, a 90-day session window and email open counts only the models read.
SNAPSHOT_ONLY = {
    "orders_per_year",
    "gaps_since_last_order",
    "sessions_per_year",
    "sessions_90d",
    "email_opens_90d",
}
SNAPSHOT_KEYS_AND_LABELS = {
    "snapshot_offset_days",
    "snapshot_date",
    "profile_id",
    "purchased_within_horizon",
    "churned_within_horizon",
    "is_active_customer",
}


def _snapshot_counterparts() -> dict[str, str]:
    """Snapshot columns whose int_customer__features counterpart has another name or form
    (the snapshot gives the whole tenure where the features have no date)."""
    vars_ = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    web = vars_["web_activity_window_days"]
    return {
        "days_since_last_order": "coalesce(days_since_last_order, tenure_days)",
        "days_since_first_order": (
            "coalesce(date_diff('day', cast(first_order_at as date), as_of_date), 0)"
        ),
        "days_since_last_visit": "coalesce(days_since_last_visit, tenure_days)",
        "days_since_last_open": (
            "coalesce(date_diff('day', cast(last_opened_at as date), as_of_date), tenure_days)"
        ),
        f"sessions_{web}d": "sessions_recent",
        f"carts_{web}d": "carts_recent",
    }


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def _rounded(row: tuple) -> tuple:
    """Numbers as floats rounded to 6 places: revenue is a decimal in the features and a double
    in the snapshots, and sums of doubles may differ in the last bits."""
    return tuple(
        round(float(v), 6)
        if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
        else v
        for v in row
    )


def _snapshot_comparison(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """The snapshot features compared with int_customer__features, and the features expression
    of each: every snapshot feature but SNAPSHOT_ONLY."""
    counterparts = _snapshot_counterparts()
    features = set(_columns(con, "features", "int_customer__features"))
    snapshot = _columns(con, "ml", "int_ml__propensity_snapshots")
    compared = [c for c in snapshot if c not in SNAPSHOT_KEYS_AND_LABELS | SNAPSHOT_ONLY]
    missing = [c for c in compared if c not in counterparts and c not in features]
    assert missing == [], f"snapshot features with no counterpart in the features: {missing}"
    return compared, [counterparts.get(c, c) for c in compared]


def _features_in_snapshot_terms(con, expressions: list[str]) -> dict[str, tuple]:
    """int_customer__features by profile, as the snapshot columns (profiles with a first-seen
    date: the snapshots leave out undated profiles, which have no activity)."""
    rows = con.execute(
        f"select profile_id, {', '.join(expressions)} from features.int_customer__features "
        "where tenure_days is not null"
    ).fetchall()
    return {row[0]: _rounded(row[1:]) for row in rows}


def _snapshot(con, offset: int, columns: list[str]) -> dict[str, tuple]:
    rows = con.execute(
        f"select profile_id, {', '.join(columns)} from ml.int_ml__propensity_snapshots "
        "where snapshot_offset_days = ?",
        [offset],
    ).fetchall()
    return {row[0]: _rounded(row[1:]) for row in rows}


def _differences(left: dict, right: dict, columns: list[str]) -> list:
    """Profiles in one only, then (profile, column, left, right) for the first differing rows."""
    found = [("only left", p) for p in left.keys() - right.keys()]
    found += [("only right", p) for p in right.keys() - left.keys()]
    for profile in sorted(left.keys() & right.keys()):
        for column, a, b in zip(columns, left[profile], right[profile], strict=True):
            if a != b:
                found.append((profile, column, a, b))
    return found[:10]


def test_offset_zero_snapshot_equals_the_customer_features(full_build) -> None:
    """One feature definition: the scored snapshot is int_customer__features, column for
    column."""
    con = full_build.connect()
    compared, expressions = _snapshot_comparison(con)
    # the order windows of var feature_order_windows_days, their revenue, sessions, carts, opens
    assert {"orders_lifetime", "orders_30d", "revenue_365d", "sessions_lifetime"} <= set(compared)
    features = _features_in_snapshot_terms(con, expressions)
    snapshot = _snapshot(con, 0, compared)
    assert len(snapshot) > 1000
    assert _differences(snapshot, features, compared) == []
    # a comparison that can fail: the features have buyers and visitors
    orders = compared.index("orders_lifetime")
    assert sum(1 for row in snapshot.values() if row[orders] > 1) > 100


def test_a_snapshot_equals_the_features_built_that_many_days_earlier(history) -> None:
    """Snapshot o of a build as of D equals int_customer__features of a build as of D - o on the
    same data (the history builds are HISTORY_OFFSET days apart, one of the snapshot offsets)."""
    compared, offsets, features_first, snapshot_second = (
        history.compared,
        history.offsets,
        history.features_first,
        history.snapshot_second,
    )
    assert HISTORY_OFFSET in offsets, offsets
    assert len(snapshot_second) > 1000
    assert _differences(snapshot_second, features_first, compared) == []
    # the later build's own features differ: the snapshot really is the earlier date
    assert history.features_second != features_first


def test_as_of_features_equal_features_on_data_cut_at_that_date(full_build, cut_build) -> None:
    full, cut = full_build.connect(), cut_build.connect()
    # Identity is resolved on all the data there is (a later record can merge two people), so the
    # comparison is over profiles made of exactly the same records in both builds.
    full_sets, cut_sets = _profile_record_sets(full), _profile_record_sets(cut)
    same_people = {
        cut_sets[records]: full_sets[records] for records in cut_sets.keys() & full_sets.keys()
    }
    full_features, cut_features = _features(full), _features(cut)
    compared = [p for p in same_people if p in cut_features]
    assert len(compared) >= 0.5 * len(cut_features), (len(compared), len(cut_features))
    differing = [p for p in compared if cut_features[p] != full_features[same_people[p]]]
    assert differing == [], differing[:5]
    # the cut really removed data: the full build sees later activity
    assert (
        full.execute("select max(event_at) from staging.stg_web__events").fetchone()[0]
        > (cut.execute("select max(event_at) from staging.stg_web__events").fetchone()[0])
    )
    for con in (full, cut):
        as_of = con.execute("select cast(as_of_date as varchar) from features.int_features__as_of")
        assert as_of.fetchone()[0] == AS_OF


def test_two_builds_give_identical_features_and_membership(full_build, history: History) -> None:
    """The history fixture's first build is a second build from scratch of the same data and
    vars as full_build (without the dbt tests, which change no table): a copy of its warehouse
    taken before the second as-of date is built on it."""
    con = duckdb.connect()
    con.execute(f"attach '{full_build.warehouse}' as first_build (read_only)")
    con.execute(f"attach '{history.again}' as second_build (read_only)")
    for table in (
        "features.int_customer__features",
        "marts.fct_segment_membership",
        "marts.fct_segment_membership_history",
        "ml.ml_cluster_selection",
        "ml.ml_clusters",
        "ml.ml_propensity_backtest",
        "marts.fct_propensity_scores",
        "ml_reports.ml_cluster_profiles",
    ):
        for left, right in (("first_build", "second_build"), ("second_build", "first_build")):
            only_left = con.execute(
                f"select count(*) from (select * from {left}.{table} "
                f"except all select * from {right}.{table})"
            ).fetchone()[0]
            assert only_left == 0, (table, left)
    members = con.execute("select count(*) from first_build.marts.fct_segment_membership")
    assert members.fetchone()[0] > 0


@pytest.fixture(scope="module")
def crm_only_build(generated: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("crm_only")
    raw = folder / "raw"
    raw.mkdir()
    for table in ("crm_customers", "crm_orders"):
        (raw / f"{table}.parquet").write_bytes((generated / f"{table}.parquet").read_bytes())
    return _build(folder / "dbt", raw, as_of=None)


def test_crm_only_builds_order_features_and_empty_web_segments(crm_only_build) -> None:
    con = crm_only_build.connect()
    counts = dict(
        con.execute(
            "select segment_id, count(*) from marts.fct_segment_membership group by segment_id"
        ).fetchall()
    )
    for needs_web_or_email in (
        "recent_visitors",
        "cart_abandoners",
        "casual_browsers",
        "category_interest",
        "email_engaged",
    ):
        assert counts.get(needs_web_or_email, 0) == 0, needs_web_or_email
    for needs_orders in ("rfm", "lapsed", "high_value"):
        assert counts.get(needs_orders, 0) > 0, needs_orders
    as_of = con.execute("select as_of_date, as_of_source from features.int_features__as_of")
    as_of_date, source = as_of.fetchone()
    assert source == "latest data"
    latest_order = con.execute("select max(ordered_at) from staging.stg_crm__orders").fetchone()[0]
    assert as_of_date >= latest_order.date()

    # Order features recomputed independently, in pandas, from the staged orders. Orders count
    # order days (var order_frequency_unit, default order_days): a profile's completed rows of
    # one day are one order; revenue sums every row.
    orders = con.execute(
        "select m.profile_id, o.status, o.amount_reporting, o.ordered_at "
        "from staging.stg_crm__orders o join identity.int_identity__profile_map m "
        "on m.record_source = 'crm_customers' and m.record_key = o.customer_id"
    ).df()
    completed = orders[orders.status == "completed"].assign(day=lambda o: o.ordered_at.dt.date)
    expected = completed.groupby("profile_id").agg(
        orders=("day", "nunique"),
        rows=("day", "size"),
        revenue=("amount_reporting", "sum"),
        last=("ordered_at", "max"),
    )
    # the data has same-day rows, so counting rows would fail this test
    assert (expected.rows > expected.orders).sum() > 0
    features = con.execute(
        "select profile_id, orders_lifetime, revenue_lifetime, days_since_last_order, "
        "sessions_lifetime, emails_sent from features.int_customer__features"
    ).df()
    features = features.set_index("profile_id")
    buyers = features[features.orders_lifetime > 0]
    assert set(buyers.index) == set(expected.index)
    joined = buyers.join(expected)
    assert (joined.orders_lifetime == joined.orders).all()
    assert (joined.revenue_lifetime - joined.revenue).abs().max() < 1e-6
    expected_days = (as_of_date - joined["last"].dt.date).map(lambda delta: delta.days)
    assert (joined.days_since_last_order == expected_days).all()
    assert (features.sessions_lifetime == 0).all()
    assert (features.emails_sent == 0).all()

    # The ML models still cluster and score on orders alone.
    scores = con.execute(
        "select target, count(*), min(probability), max(probability) "
        "from marts.fct_propensity_scores group by target"
    ).fetchall()
    assert {target for target, *_ in scores} == {"purchase", "churn"}
    for target, rows, lowest, highest in scores:
        assert rows > 0 and 0 <= lowest < highest <= 1, target
    statuses = con.execute(
        "select distinct model_status from ml_reports.ml_propensity_metrics "
        "where model_name = 'gradient_boosting'"
    ).fetchall()
    assert statuses == [("fitted",)]
    clusters = con.execute(
        "select count(distinct cluster_number), count(*) from ml.ml_clusters"
    ).fetchone()
    assert clusters[0] >= 3 and clusters[1] == len(features)


# Two as-of dates of the history builds, HISTORY_OFFSET days apart: a snapshot offset of the
# propensity snapshots with the default horizons (30 and 90 days, two pooled snapshots). The first
# is AS_OF, so the first history build is also the second from-scratch build that
# test_two_builds_give_identical_features_and_membership compares with full_build; the second
# falls two days before the generated data ends (2026-10-31).
HISTORY_OFFSET = 90
HISTORY_FIRST = AS_OF
HISTORY_SECOND = str(date.fromisoformat(AS_OF) + timedelta(days=HISTORY_OFFSET))
SEGMENTS_ONLY = ["build", "--select", "tag:features", "tag:ml", "tag:segments", *TABLES_ONLY]


@dataclass
class History:
    folder: Path
    again: Path  # a copy of the warehouse as the first build (as of AS_OF) left it
    run: object  # the second build
    members_first: set
    compared: list[str]
    features_first: dict[str, tuple]
    features_second: dict[str, tuple]
    snapshot_second: dict[str, tuple]
    offsets: list[int]


@pytest.fixture(scope="module")
def history(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> History:
    """A build as of HISTORY_FIRST, then the features, ML and segments again on the same warehouse
    as of HISTORY_SECOND; what the first build left is read, and its warehouse copied, before the
    second replaces it."""
    folder = tmp_path_factory.mktemp("history")
    _build(folder, generated, as_of=HISTORY_FIRST, tests=False)
    again = Path(shutil.copy(folder / "warehouse.duckdb", folder / "first_build.duckdb"))
    with duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True) as con:
        members_first = set(con.execute(MEMBERS).fetchall())
        compared, expressions = _snapshot_comparison(con)
        features_first = _features_in_snapshot_terms(con, expressions)
    run = run_dbt(
        folder, SEGMENTS_ONLY, _pattern(generated), extra_vars={"as_of_date": HISTORY_SECOND}
    )
    assert run.returncode == 0, run.output[-4000:]
    with run.connect() as con:
        offsets = [
            o
            for (o,) in con.execute(
                "select distinct snapshot_offset_days from ml.int_ml__propensity_snapshots "
                "order by 1"
            ).fetchall()
        ]
        features_second = _features_in_snapshot_terms(con, expressions)
        snapshot_second = _snapshot(con, HISTORY_OFFSET, compared)
    return History(
        folder,
        again,
        run,
        members_first,
        compared,
        features_first,
        features_second,
        snapshot_second,
        offsets,
    )


def test_membership_history_across_as_of_dates(generated: Path, history: History) -> None:
    """Build as of D1, then D2 on the same warehouse: the history answers "members on D" for both
    dates and lists who entered and left on D2; drift is measured against D1; going back to D1
    is refused."""
    folder, run, members_first = history.folder, history.run, history.members_first
    first, second = HISTORY_FIRST, HISTORY_SECOND
    segments_only = SEGMENTS_ONLY
    con = run.connect()
    members_second = set(con.execute(MEMBERS).fetchall())
    assert members_first and members_second and members_first != members_second

    def members_on(day: str) -> set[tuple]:
        return set(
            con.execute(
                "select profile_id, segment_id, coalesce(segment_variant, '') "
                "from marts.fct_segment_membership_history "
                "where valid_from <= cast(? as date) "
                "and (valid_to is null or valid_to > cast(? as date))",
                [day, day],
            ).fetchall()
        )

    def changes(change_type: str) -> set[tuple]:
        return set(
            con.execute(
                "select profile_id, segment_id, coalesce(segment_variant, '') "
                "from marts.fct_segment_changes where change_type = ? "
                "and changed_on between cast(? as date) and cast(? as date)",
                [change_type, str(date.fromisoformat(first) + timedelta(days=1)), second],
            ).fetchall()
        )

    assert members_on(first) == members_first
    assert members_on(second) == members_second
    assert changes("entered") == members_second - members_first
    assert changes("exited") == members_first - members_second

    # Drift monitoring compares the second build with the first.
    drift = con.execute(
        "select kind, variable, cast(reference_as_of_date as varchar), psi, ks from ml.ml_drift"
    ).fetchall()
    assert {kind for kind, *_ in drift} == {"feature", "score", "cluster"}
    for kind, variable, reference, psi, ks in drift:
        assert reference == first and psi is not None and psi >= 0, variable
        assert kind == "cluster" or 0 <= ks <= 1, variable
    recency = [psi for _, variable, _, psi, _ in drift if variable == "order_recency_days"]
    assert recency[0] > 0.01  # three months later most last orders are older: a visible shift

    # The daily summary holds both builds; the second counts entries and exits against the first.
    summary = {
        (str(day), segment): (members, entered, exited, previous)
        for day, segment, members, entered, exited, previous in con.execute(
            "select as_of_date, segment_id, members, entered, exited, previous_as_of_date "
            "from marts.segment_summary"
        ).fetchall()
    }
    first_by_segment = {(p, s) for p, s, _ in members_first}
    second_by_segment = {(p, s) for p, s, _ in members_second}
    for segment in {s for _, s in first_by_segment | second_by_segment}:
        now = {p for p, s in second_by_segment if s == segment}
        before = {p for p, s in first_by_segment if s == segment}
        members, entered, exited, previous = summary[(second, segment)]
        assert (members, entered, exited) == (len(now), len(now - before), len(before - now))
        assert str(previous) == first
        assert summary[(first, segment)][0] == len(before)
    # Segment size is a snapshot: over the year it is the latest build's, never the two summed.
    yearly = mf_query(run, folder / "mf", ["segment_size"], ["metric_time__year", "segment"])
    sizes = {row["segment"]: int(row["segment_size"]) for row in yearly}
    assert len(yearly) == len(sizes)  # one row per segment: both builds fall in 2026
    for (day, segment), (members, *_rest) in summary.items():
        if day == second:
            assert sizes[segment] == members, segment
    # The report draws the sizes as lines over the two builds.
    _page, figures = build_report(con)
    assert "at each of the 2 recorded builds" in figures[0].caption
    assert f"since the build of {first}" in figures[1].caption
    con.close()
    back = run_dbt(folder, segments_only, _pattern(generated), extra_vars={"as_of_date": first})
    assert back.returncode != 0
    assert "cannot go back to as_of_date" in back.output


# Tables that record when they were built or what a build did, not what was built: the erasure
# sweep counts the rows it removed, and the erased keys list the cookies the build could still
# find; both shrink once the incremental event tables have been swept by an earlier build
# (docs/privacy.md, "A cookie's link is forgotten once swept").
BUILD_TIME_TABLES = {
    "ml.ml_model_metadata",
    "privacy.int_privacy__erasure_sweep",
    "privacy.int_privacy__erased_keys",
}


def _checksums(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent digest of every table and view after identity
    resolution (the identity schema is bookkeeping that legitimately records the previous build,
    e.g. each record's previous profile id; the profile ids themselves are in every table
    checked)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_type in ('BASE TABLE', 'VIEW') "
            "and table_schema in ('privacy', 'features', 'ml', 'marts', 'segment_rules', "
            "'ml_reports', 'semantic', 'activation') "
            "and position('__dbt_' in table_name) = 0 order by 1"
        ).fetchall()
        sums = {}
        for (table,) in tables:
            if table in BUILD_TIME_TABLES:
                continue
            sums[table] = con.execute(
                f"select count(*), md5(coalesce(string_agg(h, '' order by h), '')) "
                f"from (select md5(cast(t as varchar)) as h from {table} as t)"
            ).fetchone()
    return sums


# a line dbt prints when a node finishes: "12 of 640 OK created ..." (the total is group 1);
# not the on-run-start hooks, which count on their own ("1 of 2 OK hook: ...")
NODE_FINISHED = re.compile(r"\b\d+ of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP|NO-OP) (?!hook:)")


def test_a_build_killed_midway_then_rerun_gives_the_same_tables(
    generated: Path, full_build, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Idempotency and crash safety. On a copy of a built warehouse, with no new data: a `dbt
    build` killed at a random point (SIGKILL, as a crashed machine), then a complete rerun, leave
    every table after identity resolution as the first build left it, bit for bit, the ones that
    carry state from build to build (membership history, segment summary, drift) included."""
    before = _checksums(full_build.warehouse)
    assert len(before) > 40
    folder = tmp_path_factory.mktemp("killed")
    shutil.copy(full_build.warehouse, folder / "warehouse.duckdb")
    # The data tests write no table: killed among the models and hooks only, the build is
    # stopped where a crash can leave something half-written.
    args = ["build", *TABLES_ONLY, "--vars", json.dumps({"as_of_date": AS_OF})]
    command, env = dbt_invocation(folder, args, _pattern(generated))
    # a random point inside the build: the moment a random share of its nodes has finished
    # (counted from dbt's progress lines, so the point does not depend on the machine's speed)
    share = random.Random(20261122).uniform(0.15, 0.8)
    build = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    finished, killed_after = 0, None
    for line in build.stdout:
        progress = NODE_FINISHED.search(line)
        if progress:
            finished += 1
            if finished >= share * int(progress.group(1)):
                os.killpg(build.pid, signal.SIGKILL)
                killed_after = f"{finished} of {progress.group(1)}"
                break
    build.stdout.close()
    build.wait()
    assert killed_after is not None and build.returncode != 0, "the build ended before the kill"
    print(f"killed after {killed_after} nodes")
    rerun = run_dbt(
        folder, ["build", *TABLES_ONLY], _pattern(generated), extra_vars={"as_of_date": AS_OF}
    )
    assert rerun.returncode == 0, rerun.output[-4000:]
    after = _checksums(rerun.warehouse)
    assert after == before
