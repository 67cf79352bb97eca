"""The one way the lab and the tests run dbt: in a work folder of its own, as a user would.

Every invocation gets its own warehouse file, target and log folders, so runs never share state
with each other or with a developer's `make demo`. The test harness runs `dbt` as a child process
(`DbtInvocation`); the benchmark and the accuracy reports measure child processes of their own,
made of `dbt_command` and `dbt_environment`; the cross-engine check runs dbt in its own process,
since dbt-spark's local session lives there, with `dbt_arguments`.

Parsing the project is most of a short dbt run; reading a saved parse takes a fraction of that
(docs/measurements.md). dbt reuses a saved parse (target/partial_parse.msgpack) only when its vars
and its profile, values included, are those it was saved with. So the warehouse is named by a path
relative to the work folder, which is the process's working directory: the profile is then the same
in every folder. When SEGMENTS_DBT_PARSE_CACHE names a folder (the test suite sets it), the first
parse under each set of vars is saved there and copied into the target folder of every later
invocation with those vars. dbt still checks every file's checksum and the state it was saved with,
and parses again whatever changed: the copy only saves work, it cannot make dbt trust a stale
parse.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")
WAREHOUSE_FILE = "warehouse.duckdb"
PARSE_CACHE_ENV = "SEGMENTS_DBT_PARSE_CACHE"
PARSE_FILE = "partial_parse.msgpack"


def dbt_arguments(
    args: list[str],
    *,
    target_dir: Path,
    log_dir: Path,
    project_dir: Path = PROJECT_DIR,
    extra_vars: dict | None = None,
) -> list[str]:
    """`args` (e.g. ["build", "--select", ...]) with the project, target and log folders, and
    the vars as JSON when there are any."""
    arguments = [
        *args,
        "--project-dir", str(project_dir),
        "--target-path", str(target_dir),
        "--log-path", str(log_dir),
    ]  # fmt: skip
    if extra_vars:
        arguments += ["--vars", json.dumps(extra_vars, sort_keys=True)]
    return arguments


def dbt_command(args: list[str], **folders_and_vars) -> list[str]:
    """The command line of `dbt <args>`: this environment's dbt, then `dbt_arguments`."""
    return [str(DBT), *dbt_arguments(args, **folders_and_vars)]


def dbt_environment(
    warehouse: Path | str, raw_location: str, extra_env: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of a dbt run: this repository's profile, the warehouse file (a path
    relative to the run's working directory, or absolute), the raw data's {source}/{table}
    pattern, no usage statistics; `extra_env` last."""
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "SEGMENTS_DUCKDB_PATH": str(warehouse),
        "SEGMENTS_RAW_LOCATION": raw_location,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(extra_env or {}),
    }


@dataclass(frozen=True)
class DbtInvocation:
    """`dbt <args>` on the warehouse `workdir/warehouse.duckdb`, ready to run."""

    command: list[str]
    env: dict[str, str]
    workdir: Path
    project_dir: Path
    extra_vars: dict = field(default_factory=dict)

    @property
    def warehouse(self) -> Path:
        return self.workdir / WAREHOUSE_FILE

    @property
    def target_dir(self) -> Path:
        return self.workdir / "target"

    def _cached_parse(self) -> Path | None:
        cache = self.env.get(PARSE_CACHE_ENV)
        if not cache:
            return None
        key = json.dumps(
            [str(self.project_dir), self.env.get("SEGMENTS_TARGET", ""), self.extra_vars],
            sort_keys=True,
        )
        return Path(cache) / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.msgpack"

    def prepare(self) -> None:
        """Make the work folder; seed its target folder with a saved parse, if there is one."""
        self.target_dir.mkdir(parents=True, exist_ok=True)
        cached = self._cached_parse()
        if cached is None:
            return
        hit = cached.exists()
        if hit:
            shutil.copyfile(cached, self.target_dir / PARSE_FILE)
        # One line per run, so the suite can say how many runs a saved parse served.
        cached.parent.mkdir(parents=True, exist_ok=True)
        with (cached.parent / "uses.log").open("a") as uses:
            uses.write(f"{'hit' if hit else 'miss'} {cached.stem}\n")

    def remember(self) -> None:
        """Save this invocation's parse for the next one with the same vars (first one wins)."""
        cached, parsed = self._cached_parse(), self.target_dir / PARSE_FILE
        if cached is None or cached.exists() or not parsed.exists():
            return
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Two test workers may save the same parse at once: each writes its own file, and the
        # rename is atomic.
        handle, partial = tempfile.mkstemp(dir=cached.parent, suffix=".part")
        os.close(handle)
        shutil.copyfile(parsed, partial)
        os.replace(partial, cached)

    def popen(self, **kwargs) -> subprocess.Popen:
        """Start dbt; the caller waits for it (and may call `remember`)."""
        self.prepare()
        return subprocess.Popen(self.command, cwd=self.workdir, env=self.env, **kwargs)

    def run(self) -> subprocess.CompletedProcess[str]:
        """Run dbt to its end, its output captured."""
        self.prepare()
        completed = subprocess.run(
            self.command,
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        self.remember()
        return completed


def dbt_invocation(
    workdir: Path,
    args: list[str],
    raw_location: str,
    extra_vars: dict | None = None,
    extra_env: dict[str, str] | None = None,
    project_dir: Path = PROJECT_DIR,
) -> DbtInvocation:
    """`dbt <args>` on the warehouse in `workdir`, raw data at `raw_location` (a
    {source}/{table} pattern), this repository's profile."""
    workdir = workdir.resolve()
    command = dbt_command(
        args,
        target_dir=workdir / "target",
        log_dir=workdir / "logs",
        project_dir=project_dir,
        extra_vars=extra_vars,
    )
    env = dbt_environment(WAREHOUSE_FILE, raw_location, extra_env)
    return DbtInvocation(command, env, workdir, project_dir, dict(extra_vars or {}))
