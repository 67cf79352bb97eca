"""The segment report: one static HTML page drawn from the marts and the ML reports, for people
who do not open a BI tool.

It charts segment sizes over the recorded build dates, who entered and left at the latest build,
the behavioural clusters' centroids, propensity lift and calibration on the time-based holdout,
and how much segments overlap. The page is self-contained (inline SVG, no script, no network),
so it can be mailed or published as it is, and it holds aggregates only: no profile appears.
On thin data (no profiles, no orders, a single cluster) a chart that has nothing to show is left
out and the page says why; a warehouse without the marts gets a message, not a traceback.

Usage: python -m open_segments.segment_report [--warehouse PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import html
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from open_segments.report import add_build_arguments  # noqa: E402

# Same data, same bytes: SVG element ids from a fixed salt, no creation date.
matplotlib.rcParams["svg.hashsalt"] = "open-segments"
matplotlib.rcParams["font.size"] = 9

MARTS = "marts"
# How well the models did (cluster profiles, backtest metrics and deciles, serving gates): not
# for BI, so not in the marts schema.
ML_REPORTS = "ml_reports"


class MartsMissing(RuntimeError):
    """The warehouse holds no finished marts to report on."""


@dataclass(frozen=True)
class Figure:
    """One chart of the report: a title, what it shows, and the SVG."""

    title: str
    caption: str
    svg: str


def _svg(fig: plt.Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _read(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).fetchdf()


def sizes_over_time(summary: pd.DataFrame) -> Figure:
    dates = summary["as_of_date"].nunique()
    if dates == 1:
        # One build recorded so far: a line needs two points, bars show the sizes.
        latest = summary.sort_values("segment_id", ascending=False)
        fig, ax = plt.subplots(figsize=(8, 0.3 * len(latest) + 1))
        ax.barh(latest["segment_id"], latest["members"], color="#264653")
        ax.set_xlabel("members")
        caption = (
            "Members of every segment at the only recorded build; every later build adds a point "
            "per segment (segment_summary)."
        )
        return Figure("Segment sizes over time", caption, _svg(fig))
    fig, ax = plt.subplots(figsize=(8, 4))
    colours = plt.get_cmap("tab20").colors
    for i, (segment_id, rows) in enumerate(summary.groupby("segment_id", sort=True)):
        rows = rows.sort_values("as_of_date")
        ax.plot(
            rows["as_of_date"], rows["members"], marker="o", label=segment_id, color=colours[i % 20]
        )
    ax.set_ylabel("members")
    ax.set_xlabel("as-of date (one point per build)")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    return Figure(
        "Segment sizes over time",
        f"Members of every segment at each of the {dates} recorded builds (segment_summary).",
        _svg(fig),
    )


def flows(summary: pd.DataFrame) -> Figure:
    latest = summary[summary["as_of_date"] == summary["as_of_date"].max()]
    latest = latest.sort_values("segment_id", ascending=False)
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(latest) + 1))
    positions = np.arange(len(latest))
    ax.barh(positions, latest["entered"], color="#2a9d8f", label="entered")
    ax.barh(positions, -latest["exited"], color="#e76f51", label="exited")
    ax.set_yticks(positions, latest["segment_id"])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("profiles (exits to the left)")
    ax.legend(frameon=False)
    previous = latest["previous_as_of_date"].dropna()
    since = f"since the build of {previous.iloc[0]:%Y-%m-%d}" if len(previous) else "first build"
    return Figure(
        "Entered and exited at the latest build",
        f"Profiles entering and leaving each segment ({since}; on the first build everyone "
        "enters).",
        _svg(fig),
    )


def cluster_heat_map(profiles: pd.DataFrame) -> Figure:
    profiles = profiles.assign(
        cluster=profiles["cluster_number"].astype(str) + " " + profiles["cluster_label"]
    )
    grid = profiles.pivot_table(
        index="cluster", columns="feature_name", values="standardized_difference", aggfunc="first"
    ).sort_index()
    limit = float(np.nanmax(np.abs(grid.to_numpy()))) or 1.0
    fig, ax = plt.subplots(figsize=(1.1 * grid.shape[1] + 2, 0.5 * grid.shape[0] + 1.5))
    image = ax.imshow(grid.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=35, ha="right")
    ax.set_yticks(range(grid.shape[0]), grid.index)
    for (row, column), value in np.ndenumerate(grid.to_numpy()):
        colour = "white" if abs(value) > 0.6 * limit else "black"
        ax.text(column, row, f"{value:+.1f}", ha="center", va="center", fontsize=8, color=colour)
    fig.colorbar(image, ax=ax, label="standardised difference from all profiles")
    return Figure(
        "Behavioural cluster centroids",
        "How far each cluster's mean lies from the population's, in standard deviations "
        "(ml_cluster_profiles).",
        _svg(fig),
    )


def judged_deciles(deciles: pd.DataFrame) -> pd.DataFrame:
    """The deciles a lift can be drawn from: targets whose holdout has profiles and at least one
    observed positive (a base rate of zero has no lift)."""
    rows = deciles[(deciles["profiles"] > 0) & deciles["observed_rate"].notna()]
    positives = (rows["observed_rate"] * rows["profiles"]).groupby(rows["target"]).sum()
    return rows[rows["target"].isin(positives[positives > 0].index)]


def lift_and_calibration(deciles: pd.DataFrame) -> Figure:
    targets = sorted(deciles["target"].unique())
    fig, axes = plt.subplots(2, len(targets), figsize=(4 * len(targets), 6), squeeze=False)
    for column, target in enumerate(targets):
        rows = deciles[deciles["target"] == target].sort_values("decile")
        base_rate = np.average(rows["observed_rate"], weights=rows["profiles"])
        lift_ax, calibration_ax = axes[0][column], axes[1][column]
        lift_ax.bar(rows["decile"], rows["observed_rate"] / base_rate, color="#264653")
        lift_ax.axhline(1, color="grey", linestyle="--", linewidth=0.8)
        lift_ax.set_title(f"{target}: lift by score decile")
        lift_ax.set_xlabel("decile (10 = highest score)")
        lift_ax.set_ylabel("observed rate / base rate")
        top = max(rows["mean_probability"].max(), rows["observed_rate"].max(), 0.01)
        calibration_ax.plot([0, top], [0, top], color="grey", linestyle="--", linewidth=0.8)
        calibration_ax.plot(rows["mean_probability"], rows["observed_rate"], marker="o")
        calibration_ax.set_title(f"{target}: calibration")
        calibration_ax.set_xlabel("mean predicted probability")
        calibration_ax.set_ylabel("observed rate")
    fig.tight_layout()
    return Figure(
        "Propensity lift and calibration",
        "On the time-based holdout: how much more often each score decile bought (or churned) "
        "than average, and predicted against observed rates (ml_propensity_deciles). A target "
        "whose model is not served shows the candidate the gates turned down.",
        _svg(fig),
    )


def overlap_heat_map(overlap: pd.DataFrame) -> Figure:
    grid = overlap.pivot(index="segment_id", columns="other_segment_id", values="jaccard")
    grid = grid.sort_index().sort_index(axis=1)
    fig, ax = plt.subplots(figsize=(0.45 * len(grid) + 3, 0.45 * len(grid) + 2))
    image = ax.imshow(grid.to_numpy(), cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(len(grid.columns)), grid.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(grid.index)), grid.index)
    fig.colorbar(image, ax=ax, label="Jaccard index")
    return Figure(
        "Segment overlap",
        "Members shared by every two segments over members of either (segment_overlap).",
        _svg(fig),
    )


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
h1 { margin-bottom: 0.2rem; } .lead { color: #555; margin-top: 0; }
section { margin: 2rem 0; } figure { margin: 0; } figcaption { color: #555; }
svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }
"""


def build_report(con: duckdb.DuckDBPyConnection) -> tuple[str, list[Figure]]:
    """The report's HTML and its figures, from the marts of a built warehouse. Raises
    MartsMissing when there are none."""
    try:
        summary = _read(con, f"select * from {MARTS}.segment_summary")
    except duckdb.CatalogException as missing:
        raise MartsMissing(
            "the marts are not built (the last `dbt build` stopped before them; its output says "
            "why)"
        ) from missing
    if summary.empty:
        raise MartsMissing("segment_summary holds no build yet: run `dbt build` first")
    as_of = summary["as_of_date"].max()
    segments = _read(
        con,
        f"""
        select s.segment_id, s.segment_kind as kind, m.members, s.segment_description as description
        from {MARTS}.dim_segments as s
        inner join {MARTS}.segment_summary as m
            on s.segment_id = m.segment_id and m.as_of_date = (
                select max(as_of_date) from {MARTS}.segment_summary)
        order by s.segment_priority
        """,
    )
    metrics = _read(
        con,
        f"""
        select target, model_name, is_served, round(roc_auc, 3) as roc_auc,
            round(top_decile_lift, 2) as top_decile_lift, round(brier, 4) as brier,
            round(base_rate, 4) as base_rate, test_snapshot_date
        from {ML_REPORTS}.ml_propensity_metrics order by target, roc_auc desc
        """,
    )
    gates = _read(
        con,
        f"""
        select model_name as model, is_served, reason, notes, candidate_model,
            round(model_roc_auc, 3) as roc_auc, round(recency_roc_auc, 3) as recency_roc_auc,
            round(roc_auc_gain, 3) as gain, train_rows, test_rows
        from {ML_REPORTS}.ml_model_gates order by model_name desc
        """,
    )
    figures = [sizes_over_time(summary), flows(summary)]
    # what a chart would need and the data lacks, said on the page
    missing = []
    cluster_profiles = _read(con, f"select * from {ML_REPORTS}.ml_cluster_profiles")
    if cluster_profiles.empty:
        missing.append("Behavioural cluster centroids: no clusters (too few profiles).")
    elif not cluster_profiles["standardized_difference"].notna().any():
        # one cluster is the population: there is no difference to draw
        missing.append("Behavioural cluster centroids: a single cluster, the population itself.")
    else:
        figures.append(cluster_heat_map(cluster_profiles))
    deciles = judged_deciles(_read(con, f"select * from {ML_REPORTS}.ml_propensity_deciles"))
    if deciles.empty:
        missing.append(
            "Propensity lift and calibration: the time-based holdout has no profiles or nobody "
            "who bought or churned in it."
        )
    else:
        figures.append(lift_and_calibration(deciles))
    overlap = _read(con, f"select * from {MARTS}.segment_overlap")
    if overlap.empty:
        missing.append("Segment overlap: no segment has members.")
    else:
        figures.append(overlap_heat_map(overlap))
    (profiles,) = con.execute(f"select count(*) from {MARTS}.dim_customers").fetchone()
    if not profiles:
        missing.insert(0, "No customer profiles: every segment is empty.")
    not_shown = (
        "<section><h2>Not shown</h2><ul>"
        + "".join(f"<li>{html.escape(line)}</li>" for line in missing)
        + "</ul></section>"
        if missing
        else ""
    )
    sections = "".join(
        f"<section><h2>{html.escape(f.title)}</h2><figure>{f.svg}"
        f"<figcaption>{html.escape(f.caption)}</figcaption></figure></section>"
        for f in figures
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Segment report, {as_of:%Y-%m-%d}</title><style>{STYLE}</style></head>
<body>
<h1>Segment report</h1>
<p class="lead">As of {as_of:%Y-%m-%d}: {profiles:,} customer profiles, {len(segments)} segments.
Aggregates only; built from the marts by open_segments.segment_report.</p>
<section><h2>Segments</h2>{_table(segments)}</section>
<section><h2>Propensity models on the time-based holdout</h2>{_table(metrics)}</section>
<section><h2>Which models score profiles</h2><p>A model that is not served (too little data,
or no better than recency alone) has null scores and an empty segment.</p>{_table(gates)}</section>
{sections}
{not_shown}
</body></html>
"""
    return page, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_build_arguments(parser, run_results=False)
    parser.add_argument("--out", default="warehouse/segment_report.html", help="HTML to write")
    args = parser.parse_args(argv)
    if not args.warehouse.exists():
        parser.error(f"no warehouse at {args.warehouse}: run `dbt build` first")
    con = duckdb.connect(str(args.warehouse), read_only=True)
    try:
        page, figures = build_report(con)
    except MartsMissing as missing:
        print(f"Segment report not written: {missing}")
        return 1
    finally:
        con.close()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(f"Segment report ({len(figures)} charts): {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
