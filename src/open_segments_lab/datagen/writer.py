"""Streaming Parquet output: one writer per file, one row group per chunk.

Files are written under a ``.partial`` name and renamed when complete, so a
crashed run never leaves a truncated file that looks finished.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 1


class ParquetSink:
    """Append tables to a fixed set of Parquet files."""

    def __init__(self, out: Path, schemas: dict[str, pa.Schema]) -> None:
        self.out = out
        self.schemas = schemas
        self.rows = dict.fromkeys(schemas, 0)
        self._writers: dict[str, pq.ParquetWriter] = {}

    def __enter__(self) -> ParquetSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
        else:
            self.abort()

    def _partial(self, name: str) -> Path:
        return self.out / f"{name}.partial"

    def write(self, name: str, table: pa.Table) -> None:
        """Append ``table`` (columns in any order) to file ``name`` as one row group."""
        target = self.schemas[name]
        table = table.select(target.names).cast(target)
        writer = self._writers.get(name)
        if writer is None:
            path = self._partial(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(
                path, target, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL
            )
            self._writers[name] = writer
        if table.num_rows:
            writer.write_table(table, row_group_size=max(table.num_rows, 1))
        self.rows[name] += table.num_rows

    def close(self) -> None:
        """Finish every file (empty files get a valid schema-only Parquet file)."""
        for name, target in self.schemas.items():
            if name not in self._writers:
                self.write(name, target.empty_table())
            self._writers.pop(name).close()
            self._partial(name).replace(self.out / name)

    def abort(self) -> None:
        for name, writer in self._writers.items():
            writer.close()
            self._partial(name).unlink(missing_ok=True)
        self._writers.clear()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
