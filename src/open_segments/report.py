"""A short, readable summary of a build, printed after `make demo`.

Reads the DuckDB warehouse that `dbt build` wrote and prints, per raw source
table, how many raw rows arrived and where each went (staged, quarantined,
exact duplicate), followed by the most frequent quarantine reasons. The
numbers come from the models themselves, so the summary also shows at a
glance that nothing was lost. Thin data is said, not crashed on: a source
table that is mostly quarantined is named before anything else, empty
sources are listed, and a part of the build that is missing or had nothing
to work on says so.

Usage: python -m open_segments.report [--warehouse PATH]
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

# (source.table, staged model, base model) for every raw table of the contract.
STAGED_TABLES: tuple[tuple[str, str, str], ...] = (
    ("crm.customers", "stg_crm__customers", "base_crm__customers"),
    ("crm.orders", "stg_crm__orders", "base_crm__orders"),
    ("web.events", "stg_web__events", "base_web__events"),
    ("esp.email_events", "stg_esp__email_events", "base_esp__email_events"),
    ("third_party.demographics", "stg_third_party__demographics", "base_third_party__demographics"),
    ("privacy.consent_events", "stg_privacy__consent_events", "base_privacy__consent_events"),
    (
        "privacy.erasure_requests",
        "stg_privacy__erasure_requests",
        "base_privacy__erasure_requests",
    ),
    (
        "reference.currency_rates",
        "stg_reference__currency_rates",
        "base_reference__currency_rates",
    ),
)
# Quarantine reasons that are history, not defects (an older version of a record a newer delivery
# replaced): a source delivered with its full history is not broken.
HISTORY_REASONS = ("superseded_version",)
# Above this share of its raw rows quarantined for defects a source table is "mostly quarantined":
# the default of var quarantine_share_error, over which the build fails that table's staging.
MOSTLY_QUARANTINED = 0.5


@dataclass(frozen=True)
class SourceAccount:
    """Where the raw rows of one source table went."""

    source_table: str
    raw_rows: int
    staged_rows: int
    rejected_rows: int
    duplicates_removed: int
    # raw rows (exact copies counted) quarantined for a defect, history left out
    defect_raw_rows: int = 0

    @property
    def balanced(self) -> bool:
        return self.raw_rows == self.staged_rows + self.rejected_rows + self.duplicates_removed

    @property
    def quarantined_share(self) -> float | None:
        """Share of the raw rows quarantined for a defect; None when the table has no rows."""
        return self.defect_raw_rows / self.raw_rows if self.raw_rows else None

    @property
    def mostly_quarantined(self) -> bool:
        share = self.quarantined_share
        return share is not None and share > MOSTLY_QUARANTINED


def account_for_sources(
    con: duckdb.DuckDBPyConnection, schema: str = "staging", raw_schema: str = "raw_contract"
) -> list[SourceAccount]:
    """Count raw rows (read again from the raw data) and where they went, per source table."""
    accounts = []
    for source_table, _staged, base in STAGED_TABLES:
        raw_view = source_table.replace(".", "_")
        (raw,) = con.execute(f"select count(*) from {raw_schema}.{raw_view}").fetchone()
        history = ", ".join(f"'{reason}'" for reason in HISTORY_REASONS)
        staged, rejected, copies, defects = con.execute(
            f"""
            select
                count(*) filter (where rejection_reason is null),
                count(*) filter (where rejection_reason is not null),
                coalesce(sum(raw_copies - 1), 0),
                coalesce(sum(raw_copies) filter (
                    where rejection_reason is not null and rejection_reason not in ({history})
                ), 0)
            from {schema}.{base}
            """
        ).fetchone()
        accounts.append(
            SourceAccount(
                source_table, int(raw), int(staged), int(rejected), int(copies), int(defects)
            )
        )
    return accounts


def top_rejection_reasons(
    con: duckdb.DuckDBPyConnection, schema: str = "staging", limit: int = 8
) -> list[tuple[str, str, int]]:
    """The most frequent (source table, reason, raw rows) of the quarantine, from
    stg_quarantine_reasons: every reason of a row counts, not only its first."""
    return con.execute(
        f"""
        select source_table, rejection_reason, raw_rows as n
        from {schema}.stg_quarantine_reasons
        order by n desc, source_table, rejection_reason
        limit {int(limit)}
        """
    ).fetchall()


def render_orphan_orders(con: duckdb.DuckDBPyConnection, schema: str = "staging") -> str | None:
    """A line on the staged orders whose customer_id matches no staged CRM customer
    (stg_quarantine_summary), or None when there are none. They are staged, not quarantined."""
    orphans, staged = con.execute(
        f"select orphan_orders, staged_rows from {schema}.stg_quarantine_summary"
        " where source_table = 'crm.orders'"
    ).fetchone()
    if not orphans:
        return None
    return (
        f"Orphan orders: {orphans:,} of {staged:,} staged orders have a customer_id that no staged"
        " CRM customer has (kept: their customers may arrive later)"
    )


def render_money(con: duckdb.DuckDBPyConnection, schema: str = "staging") -> str | None:
    """A line on money: the reporting currency, where the rates come from, and how many orders
    had no currency and were read in the reporting currency (flag currency_defaulted)."""
    try:
        currency, supplied, first, last, fixed = con.execute(
            "select reporting_currency, supplied_rate_currencies, first_supplied_rate_date,"
            f" last_supplied_rate_date, fixed_rate_currencies from {schema}.stg_reference__money"
        ).fetchone()
    except duckdb.CatalogException:
        return None
    (defaulted,) = con.execute(
        f"select count(*) from {schema}.stg_crm__orders where dq_flags like '%currency_defaulted%'"
    ).fetchone()
    rates = (
        f"dated rates for {supplied} currencies ({first} to {last}), fixed seed rates for {fixed}"
        if supplied
        else "the seed's fixed indicative rates (supply reference.currency_rates for dated ones)"
    )
    line = f"Money: amounts reported in {currency} (var reporting_currency) at {rates}"
    if defaulted:
        line += (
            f"; {defaulted:,} orders had no currency and were read as {currency}"
            " (say otherwise with raw_mappings defaults)"
        )
    return line


RESOURCE_NAMES = {
    "model": "models",
    "seed": "seeds",
    "test": "data tests",
    "unit_test": "unit tests",
}


def summarize_run(run_results: Path) -> str:
    """One line on the last dbt invocation: what ran, how it ended, how long it took."""
    data = json.loads(run_results.read_text())
    results = [r for r in data["results"] if r["unique_id"].split(".")[0] in RESOURCE_NAMES]
    kinds = Counter(RESOURCE_NAMES[r["unique_id"].split(".")[0]] for r in results)
    problems = Counter(r["status"] for r in results if r["status"] not in ("success", "pass"))
    ran = ", ".join(f"{kinds[name]} {name}" for name in RESOURCE_NAMES.values() if kinds[name])
    ended = ", ".join(f"{n} {status}" for status, n in sorted(problems.items())) or "all passed"
    command = data["args"].get("which", "run")
    return f"dbt {command}: {ran}, {ended}, in {data['elapsed_time']:.1f} s"


def staging_headline(accounts: list[SourceAccount]) -> list[str]:
    """What a reader must see first: mostly quarantined sources, then whether the rows balance.
    Rows that balance over a source that was mostly thrown away are no good news."""
    mostly = [a for a in accounts if a.mostly_quarantined]
    lines = [
        f"{a.source_table}: {100 * a.quarantined_share:.0f} % quarantined"
        f" ({a.defect_raw_rows:,} of {a.raw_rows:,} raw rows; reasons below)"
        for a in mostly
    ]
    if not all(a.balanced for a in accounts):
        lines.append("Staging: raw rows unaccounted for (marked below)")
    elif all(a.raw_rows == 0 for a in accounts):
        lines.append("Staging: no raw rows in any source (empty or header-only files)")
    elif mostly:
        tables = "table is" if len(mostly) == 1 else "tables are"
        lines.append(f"Staging: rows balance, but {len(mostly)} source {tables} mostly quarantined")
    else:
        lines.append("Staging: every raw row accounted for")
    return lines


def render(accounts: list[SourceAccount], reasons: list[tuple[str, str, int]]) -> str:
    """Format the summary as a fixed-width text table."""
    header = f"{'source table':<28}{'raw':>12}{'staged':>12}{'quarantined':>13}{'duplicates':>12}"
    lines = [*staging_headline(accounts), header, "-" * len(header)]
    for a in accounts:
        mark = "" if a.balanced else "   <-- rows unaccounted for"
        lines.append(
            f"{a.source_table:<28}{a.raw_rows:>12,}{a.staged_rows:>12,}"
            f"{a.rejected_rows:>13,}{a.duplicates_removed:>12,}{mark}"
        )
    empty = [a.source_table for a in accounts if a.raw_rows == 0]
    if empty and len(empty) < len(accounts):
        lines.append("No rows: " + ", ".join(empty))
    if reasons:
        lines += ["", "Most frequent quarantine reasons"]
        lines += [f"  {n:>10,}  {table:<28}{reason}" for table, reason, n in reasons]
    return "\n".join(lines)


def render_identity(con: duckdb.DuckDBPyConnection) -> str:
    """A few lines on identity resolution: records, profiles, links and what the guards refused."""
    try:
        sources = con.sql(
            """
            select
                record_source,
                count(*) as records,
                count(distinct profile_id) as profiles
            from identity.int_identity__profile_map
            group by record_source
            order by records desc
            """
        ).fetchall()
    except duckdb.CatalogException:
        return "Identity: not built"
    if not sources:
        return (
            "Identity: no records to resolve"
            " (no customers, web visitors, email recipients or third-party records)"
        )
    profiles = con.sql(
        "select count(*), count(*) filter (where linked_records > 1)"
        " from identity.int_customer__unified_profiles"
    ).fetchone()
    edges = con.sql(
        "select edge_type, count(*) from identity.int_identity__edges group by 1 order by 1"
    ).fetchall()
    guards = con.sql(
        """
        select guard_reason, count(*)
        from identity.int_identity__identifiers
        where guard_reason is not null
        group by 1
        order by 2 desc
        """
    ).fetchall()
    records = sum(n for _source, n, _profiles in sources)
    lines = [
        f"Identity: {records:,} records resolved into {profiles[0]:,} profiles"
        f" ({profiles[1]:,} link several records)",
        f"{'source':<28}{'records':>12}{'profiles':>12}",
    ]
    lines += [f"{source:<28}{n:>12,}{p:>12,}" for source, n, p in sources]
    lines.append("links: " + (", ".join(f"{n:,} {kind}" for kind, n in edges) or "none"))
    if guards:
        lines.append("identifiers refused: " + ", ".join(f"{n:,} {why}" for why, n in guards))
    return "\n".join(lines)


def render_segments(con: duckdb.DuckDBPyConnection) -> str:
    """Segment sizes as of the as-of date: members and how many hold it as primary segment."""
    try:
        as_of, source = con.sql(
            "select cast(as_of_date as varchar), as_of_source from features.int_features__as_of"
        ).fetchone()
        profiles = con.sql("select count(*) from features.int_customer__features").fetchone()[0]
        sizes = con.sql(
            """
            select
                registry.segment_id,
                registry.segment_kind,
                count(membership.profile_id) as members,
                count(case when membership.is_primary then 1 end) as primary_members,
                count(distinct membership.segment_variant) as variants,
                -- the sources this build lacks for it (dim_segments.missing_sources)
                max(case when not registry.is_computable then registry.missing_sources end)
                    as missing
            from marts.dim_segments as registry
            left join marts.fct_segment_membership as membership
                on registry.segment_id = membership.segment_id
            group by registry.segment_id, registry.segment_kind, registry.segment_priority
            order by registry.segment_priority, registry.segment_id
            """
        ).fetchall()
    except duckdb.CatalogException:
        return "Segments: not built"
    if not profiles:
        return f"Segments as of {as_of} ({source}): no customer profiles, so every segment is empty"
    lines = [
        f"Segments as of {as_of} ({source}), over {profiles:,} profiles",
        f"{'segment':<22}{'kind':<8}{'members':>10}{'primary':>10}{'variants':>10}",
    ]
    lines += [
        f"{segment:<22}{kind:<8}{members:>10,}{primary:>10,}{variants or '':>10}"
        + (f"  cannot be computed: no {missing}" if missing else "")
        for segment, kind, members, primary, variants, missing in sizes
    ]
    return "\n".join(lines)


def render_ml(con: duckdb.DuckDBPyConnection) -> str:
    """Behavioural clusters (size and label), the propensity backtest's ranking quality, and
    which models score profiles and why the others do not."""
    try:
        chosen = con.sql(
            "select k, silhouette, stability_ari from ml.ml_cluster_selection where is_chosen"
        ).fetchone()
        clusters = con.sql(
            """
            select distinct cluster_number, cluster_label, cluster_profiles
            from ml_reports.ml_cluster_profiles
            order by cluster_number
            """
        ).fetchall()
        metrics = con.sql(
            """
            select target, model_name, roc_auc, top_decile_lift, is_served
            from ml_reports.ml_propensity_metrics
            order by target desc, model_name
            """
        ).fetchall()
    except duckdb.CatalogException:
        return "ML: not built"
    if chosen is None or not clusters:
        lines = ["Behaviour clusters: none (too few profiles with the clustering features)"]
    else:
        k, silhouette, stability = chosen
        lines = [f"Behaviour clusters: k = {k} ({_quality(silhouette, stability)})"]
        lines += [f"{number:>3}  {label:<44}{size:>10,}" for number, label, size in clusters]
    judged = [row for row in metrics if row[2] is not None]
    if not judged:
        lines.append(
            "Propensity: not judged (the time-based holdout has no orders or no profiles to score)"
        )
    else:
        lines.append(
            "Propensity, time-based holdout   ROC AUC   top-decile lift   (* scores profiles)"
        )
        lines += [
            f"{target:<9}{model:<23}{_number(auc, '9.3f')}{_number(lift, '18.2f')}"
            f"{'  *' if served else ''}"
            for target, model, auc, lift, served in metrics
        ]
    return "\n".join(lines + render_gates(con))


def render_gates(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Which models score profiles (ml_model_gates): the served ones with their margin, and
    every model that is not served with the reason, since its segment is empty."""
    try:
        gates = con.sql(
            """
            select model_name, is_served, reason, candidate_model, model_roc_auc,
                recency_roc_auc, roc_auc_gain, notes
            from ml_reports.ml_model_gates
            order by case model_name when 'purchase' then 1 when 'churn' then 2 else 3 end
            """
        ).fetchall()
    except duckdb.CatalogException:
        return []
    lines = []
    for model, served, reason, candidate, auc, recency, gain, notes in gates:
        if not served:
            lines.append(
                f"{model} model: not served -- {reason}. "
                "Its scores are null and its segment is empty."
            )
        elif recency is not None:
            lines.append(
                f"{model} model: served ({candidate.replace('_', ' ')}, ROC AUC {auc:.3f}, "
                f"recency alone {recency:.3f}, gain {gain:+.3f})"
            )
        else:
            lines.append(
                f"{model} model: served ({candidate.replace('_', ' ')}, holdout ROC AUC {auc:.3f})"
            )
        if notes:
            lines.append(f"  note: {notes}")
    return lines


def _number(value: float | None, spec: str) -> str:
    """A metric in its column, or a dash where it could not be computed (one class only)."""
    width = int(spec.split(".")[0])
    return f"{'-':>{width}}" if value is None else f"{value:{spec}}"


def _quality(silhouette: float | None, stability: float | None) -> str:
    if silhouette is None or stability is None:
        return "one cluster or too few profiles: no silhouette or stability"
    return f"silhouette {silhouette:.2f}, bootstrap ARI {stability:.2f}"


def render_activation(con: duckdb.DuckDBPyConnection) -> str:
    """Erasure and consent as honoured, and the rows of each activation export per audience."""
    try:
        requests = dict(
            con.sql(
                "select match_status, count(distinct raw_row_id) "
                "from privacy.int_privacy__erasure_matches group by match_status"
            ).fetchall()
        )
        (erased,) = con.sql("select count(*) from privacy.int_privacy__erased_profiles").fetchone()
        consent = con.sql(
            """
            select
                count(*),
                coalesce(sum(has_email_consent::int), 0),
                coalesce(sum(has_ads_consent::int), 0)
            from marts.dim_customers
            """
        ).fetchone()
        exports = con.sql(
            """
            select a.audience,
                count(*) filter (where a.experiment_arm = 'treatment'),
                count(*) filter (where a.experiment_arm = 'holdout'),
                (select count(*) from activation.export_ads_custom_audience as x
                    where x.audience = a.audience),
                (select count(*) from activation.export_email_audience as x
                    where x.audience = a.audience)
            from activation.activation_experiment_assignments as a
            group by a.audience
            order by a.audience
            """
        ).fetchall()
        (demo_salt,) = con.sql(
            "select bool_or(is_demo_salt) from privacy.int_privacy__pseudonymisation_salt"
        ).fetchone()
    except duckdb.CatalogException:
        return "Activation: not built"
    customers, email, ads = consent
    refused = ", ".join(
        f"{n:,} {status}" for status, n in sorted(requests.items()) if status != "erased"
    )
    lines = [
        f"Privacy: {sum(requests.values()):,} erasure requests erased {erased:,} profiles"
        + (f" ({refused})" if refused else ""),
        f"Consent among {customers:,} customers: email {email:,}, ads {ads:,}",
        f"{'audience':<18}{'treatment':>11}{'holdout':>9}{'ads file':>10}{'email file':>12}",
    ]
    lines += [
        f"{audience:<18}{treated:>11,}{held:>9,}{ads_rows:>10,}{email_rows:>12,}"
        for audience, treated, held, ads_rows, email_rows in exports
    ]
    if not exports:
        lines.append("(no audience has members: nothing to export)")
    if demo_salt:
        lines.append(
            "Note: SEGMENTS_PSEUDONYMISATION_SALT is not set; ids use the public demo salt "
            "(fine for the demo, not for real data)."
        )
    return "\n".join(lines)


def add_build_arguments(parser: argparse.ArgumentParser, run_results: bool = True) -> None:
    """--warehouse (and --run-results), as every command that reads a finished build takes them."""
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("SEGMENTS_DUCKDB_PATH", "warehouse/segments.duckdb")),
        help="DuckDB file written by dbt build (default: $SEGMENTS_DUCKDB_PATH, else %(default)s)",
    )
    if not run_results:
        return
    parser.add_argument(
        "--run-results",
        type=Path,
        default=Path("target/run_results.json"),
        help="dbt's run results of the build (default: %(default)s)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_build_arguments(parser)
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        parser.error(f"no warehouse at {args.warehouse}: run `dbt build` first")
    if args.run_results.exists():
        print(summarize_run(args.run_results), end="\n\n")
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        try:
            accounts = account_for_sources(con)
            reasons = top_rejection_reasons(con)
            orphans = render_orphan_orders(con)
            money = render_money(con)
        except duckdb.CatalogException:
            print("Staging: not built (the build stopped before staging the raw sources)")
            return 1
        print(render(accounts, reasons))
        if orphans:
            print(orphans)
        if money:
            print(money)
        print()
        print(render_identity(con))
        print()
        print(render_segments(con))
        print()
        print(render_ml(con))
        print()
        print(render_activation(con))
    return 0 if all(a.balanced for a in accounts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
