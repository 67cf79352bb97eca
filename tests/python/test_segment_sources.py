"""Each segment names the raw sources it needs in var segment_registry, and dim_segments refuses
names it does not know: a typo there would otherwise mark a segment computable (or not) for the
wrong reason, silently."""

from __future__ import annotations

import copy

import pytest
import yaml

from dbt_harness import PROJECT_DIR, run_dbt

REGISTRY = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["segment_registry"]


def test_every_segment_names_known_sources() -> None:
    """The registry as shipped: every entry has `requires`, and a source never in both lists."""
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
    registry = copy.deepcopy(REGISTRY)
    registry["lapsed"].update(change)
    run = run_dbt(
        tmp_path,
        ["compile", "--select", "dim_segments"],
        str(tmp_path / "raw" / "{source}_{table}.parquet"),
        extra_vars={"segment_registry": registry},
    )
    assert run.returncode != 0
    assert message in run.output, run.output[-2000:]


def test_dim_segments_needs_requires(tmp_path) -> None:
    registry = copy.deepcopy(REGISTRY)
    del registry["lapsed"]["requires"]
    run = run_dbt(
        tmp_path,
        ["compile", "--select", "dim_segments"],
        str(tmp_path / "raw" / "{source}_{table}.parquet"),
        extra_vars={"segment_registry": registry},
    )
    assert run.returncode != 0
    assert "segment_registry.lapsed needs a requires" in run.output, run.output[-2000:]
