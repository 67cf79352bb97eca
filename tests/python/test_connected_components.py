"""The connected_components materialization on small graphs whose components are known.

dbt unit tests cannot check it (they run the model's query, the graph, not the
materialization's rounds), so this builds a tiny dbt project that uses the project's macros
on DuckDB and compares the table with components found in Python.
"""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
from pathlib import Path

import duckdb

from open_segments_lab.dbt_launcher import PROJECT_DIR, WAREHOUSE_FILE, dbt_invocation

MACROS = [
    "macros/identity/connected_components.sql",
    "macros/materializations/connected_components.sql",
    "macros/cross_db/functions.sql",
]

GRAPH_MODEL = """
{{ config(materialized='connected_components', node_column='node_id',
          neighbour_column='linked_node_id', max_rounds=var('max_rounds', 50)) }}
select node_id, cast(null as varchar) as linked_node_id from {{ ref('nodes') }}
union all
select node_a as node_id, node_b as linked_node_id from {{ ref('links') }}
"""


def components(nodes: list[str], links: list[tuple[str, str]]) -> set[tuple[str, str, int]]:
    """(node, smallest node of its component, component size) by union-find."""
    parent = {node: node for node in nodes}
    for a, b in links:
        parent.setdefault(a, a)
        parent.setdefault(b, b)

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in links:
        ra, rb = root(a), root(b)
        parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for node in parent:
        members.setdefault(root(node), []).append(node)
    return {(node, min(members[root(node)]), len(members[root(node)])) for node in nodes}


def make_project(tmp_path: Path, nodes: list[str], links: list[tuple[str, str]]) -> Path:
    project = tmp_path / "project"
    for macro in MACROS:
        (project / macro).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_DIR / macro, project / macro)
    (project / "models").mkdir()
    (project / "models" / "graph_components.sql").write_text(GRAPH_MODEL)
    (project / "seeds").mkdir()
    (project / "seeds" / "nodes.csv").write_text("node_id\n" + "".join(f"{n}\n" for n in nodes))
    (project / "seeds" / "links.csv").write_text(
        "node_a,node_b\n" + "".join(f"{a},{b}\n" for a, b in links)
    )
    (project / "dbt_project.yml").write_text(
        "name: open_segments\nversion: '1.0'\nprofile: cc\n"
        "seeds:\n  open_segments:\n    +column_types: {node_id: varchar, node_a: varchar,"
        " node_b: varchar}\n"
    )
    (project / "profiles.yml").write_text(
        "cc:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n"
        f"      path: {WAREHOUSE_FILE}\n      threads: 1\n"
    )
    return project


def dbt(project: Path, *args: str) -> subprocess.CompletedProcess:
    """`dbt <args>` on the small project, its warehouse beside the project folder."""
    extra_env = {"DBT_PROFILES_DIR": str(project)}
    return dbt_invocation(
        project.parent, list(args), raw_location="", extra_env=extra_env, project_dir=project
    ).run()


def table(tmp_path: Path) -> set[tuple[str, str, int]]:
    with duckdb.connect(str(tmp_path / WAREHOUSE_FILE), read_only=True) as con:
        rows = con.execute(
            "select node_id, component_id, component_size from main.graph_components"
        ).fetchall()
        leftovers = con.execute(
            "select table_name from information_schema.tables "
            "where table_name like 'graph_components_%'"
        ).fetchall()
    assert leftovers == []  # work tables, __dbt_tmp and __dbt_backup are gone
    assert len(rows) == len(set(rows))
    return set(rows)


def test_components_of_chains_cycles_stars_and_singletons(tmp_path: Path) -> None:
    rng = random.Random(7)
    names = [f"n{i:04d}" for i in range(400)]
    rng.shuffle(names)  # ids in no order along the chains: labels need many rounds
    chain, cycle, star, rest = names[:150], names[150:170], names[170:200], names[200:]
    links = [(a, b) for a, b in itertools.pairwise(chain)]
    links += [(a, b) for a, b in itertools.pairwise([*cycle, cycle[0]])]
    links += [(star[0], leaf) for leaf in star[1:]]
    links += [(a, b) for a, b in zip(rest[:40:2], rest[1:40:2], strict=True)]  # pairs
    links += [(chain[3], chain[3]), (rest[50], "undeclared")]  # a loop; a node with no row
    nodes = names  # rest[40:] without a link other than rest[50]: singletons
    project = make_project(tmp_path, nodes, links)
    assert dbt(project, "seed").returncode == 0

    first = dbt(project, "run")
    assert first.returncode == 0, first.stdout
    assert table(tmp_path) == components(nodes, links)

    # again, over the table of the first run (the swap through __dbt_backup)
    again = dbt(project, "run", "--full-refresh")
    assert again.returncode == 0, again.stdout
    assert table(tmp_path) == components(nodes, links)


def test_the_rounds_stop_the_run_at_max_rounds_and_keep_the_old_table(tmp_path: Path) -> None:
    names = [f"n{i:03d}" for i in range(64)][::-1]  # the smallest id at the far end
    links = list(itertools.pairwise(names))
    project = make_project(tmp_path, names, links)
    assert dbt(project, "seed").returncode == 0
    assert dbt(project, "run").returncode == 0
    stopped = dbt(project, "run", "--vars", "{max_rounds: 1}")
    assert stopped.returncode != 0
    assert "still changing after 1 rounds" in stopped.stdout
    assert table(tmp_path) == components(names, links)


def test_compile_show_and_empty_run_no_rounds(tmp_path: Path) -> None:
    names = ["a", "b", "c"]
    project = make_project(tmp_path, names, [("a", "b")])
    assert dbt(project, "seed").returncode == 0
    shown = dbt(project, "show", "-s", "graph_components")
    assert shown.returncode == 0 and "linked_node_id" in shown.stdout  # the graph, not components
    empty = dbt(project, "run", "--empty", "--debug")
    assert empty.returncode == 0, empty.stdout
    assert "labels changed" not in empty.stdout and "__numbers" not in empty.stdout
    assert table(tmp_path) == set()
    full = dbt(project, "run", "--debug")
    assert "round 1," in full.stdout
    assert table(tmp_path) == {("a", "a", 2), ("b", "a", 2), ("c", "c", 1)}
