"""Each segment names the raw sources it needs in its YAML entry (config.meta.segment), and the
registry (macros/segments/registry.sql, read by dim_segments) refuses names it does not know: a
typo there would otherwise mark a segment computable (or not) for the wrong reason, silently."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from dbt_harness import PROJECT_DIR, run_dbt

REGISTRY = {
    model["name"].removeprefix("seg_"): model["config"]["meta"]["segment"]
    for path in sorted((PROJECT_DIR / "models" / "marts" / "segments").rglob("*.yml"))
    for model in (yaml.safe_load(path.read_text()) or {}).get("models", [])
    if "segment" in model.get("config", {}).get("meta", {})
}


def check_declaration(tmp_path, declared: dict):
    """The registry's check of one declaration (as segment_registry() checks each segment's)."""
    args = json.dumps({"segment_id": "lapsed", "declared": declared})
    return run_dbt(
        tmp_path,
        ["run-operation", "check_segment_declaration", "--args", args],
        str(tmp_path / "raw" / "{source}_{table}.parquet"),
    )


def test_every_segment_names_known_sources() -> None:
    """The registry as shipped: every entry has `requires`, and a source never in both lists."""
    assert "lapsed" in REGISTRY
    for segment_id, segment in REGISTRY.items():
        assert isinstance(segment["requires"], list), segment_id
        optional = segment.get("uses_if_present", [])
        assert not set(segment["requires"]) & set(optional), segment_id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requires": ["web_events"]}, "lapsed.requires names an unknown source 'web_events'"),
        ({"requires": "crm.orders"}, "lapsed.requires must be a list of source tables"),
        ({"uses_if_present": ["crm.orders"]}, "lists 'crm.orders' both in requires and in"),
    ],
)
def test_dim_segments_refuses_unknown_or_malformed_sources(tmp_path, change, message) -> None:
    declared = copy.deepcopy(REGISTRY["lapsed"])
    declared.update(change)
    run = check_declaration(tmp_path, declared)
    assert run.returncode != 0
    assert message in run.output, run.output[-2000:]


def test_dim_segments_needs_requires(tmp_path) -> None:
    declared = copy.deepcopy(REGISTRY["lapsed"])
    del declared["requires"]
    run = check_declaration(tmp_path, declared)
    assert run.returncode != 0
    assert "segment lapsed needs a requires" in run.output, run.output[-2000:]


def test_the_shipped_declaration_passes(tmp_path) -> None:
    """The same check accepts the declaration as shipped (so the failures above are the changes)."""
    run = check_declaration(tmp_path, REGISTRY["lapsed"])
    assert run.returncode == 0, run.output[-2000:]
    line = next(x for x in run.output.splitlines() if x.startswith('{"name"'))
    assert json.loads(line)["requires"] == ["crm.orders"]
