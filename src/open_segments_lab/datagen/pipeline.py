"""Orchestration: generate every chunk, stream it to Parquet, write the manifest.

A chunk is a pure function of ``(config, chunk index)``; chunks may therefore
be produced by worker processes and are always written in index order, which
keeps the output byte-for-byte reproducible for any ``workers`` value.
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from open_segments_lab.datagen import schema, truth
from open_segments_lab.datagen.behaviour import draw_latent, draw_outlook
from open_segments_lab.datagen.config import GeneratorConfig
from open_segments_lab.datagen.customers import build_customers
from open_segments_lab.datagen.esp import build_esp
from open_segments_lab.datagen.orders import build_orders
from open_segments_lab.datagen.persons import build_persons
from open_segments_lab.datagen.privacy import build_consent, build_erasure
from open_segments_lab.datagen.rng import Stream, stream_rng
from open_segments_lab.datagen.third_party import build_third_party
from open_segments_lab.datagen.web import build_web
from open_segments_lab.datagen.writer import ParquetSink, sha256_of, write_manifest

GENERATOR_VERSION = "1"

Chunk = dict[str, pa.Table]


def generate_chunk(config: GeneratorConfig, index: int) -> Chunk:
    """All output rows of chunk ``index``, keyed by file name."""
    spec = config.chunk(index)
    window = config.window

    def rng(stream: Stream) -> np.random.Generator:
        return stream_rng(config.seed, index, stream)

    def noise_rng(stream: Stream) -> np.random.Generator | None:
        """The hard noise profile's own stream; ``None`` (profile off) by default."""
        return rng(stream) if config.noise == "hard" else None

    persons = build_persons(rng(Stream.PERSONS), spec, window)
    latent = draw_latent(rng(Stream.BEHAVIOUR), persons, window)
    outlook = draw_outlook(rng(Stream.OUTLOOK), latent, window)

    customers = build_customers(
        rng(Stream.CUSTOMERS),
        persons,
        latent,
        spec,
        config.chunk_size,
        window,
        noise_rng(Stream.HARD_CUSTOMERS),
    )
    orders = build_orders(rng(Stream.ORDERS), persons, latent, customers, spec, window)
    consent = build_consent(rng(Stream.CONSENT), latent, customers, window)
    erasure = build_erasure(rng(Stream.ERASURE), latent, customers, spec, config.chunk_size, window)
    web = build_web(
        rng(Stream.WEB),
        rng(Stream.BOTS),
        persons,
        latent,
        customers,
        orders,
        spec,
        config.chunk_size,
        window,
    )
    esp = build_esp(rng(Stream.ESP), latent, customers, consent, window)
    third_party = build_third_party(
        rng(Stream.THIRD_PARTY),
        persons,
        latent,
        spec,
        config.chunk_size,
        window,
        noise_rng(Stream.HARD_THIRD_PARTY),
    )

    pid = persons.person_id
    n_orders = len(orders.person)
    truth_records = pa.concat_tables(
        [
            truth.records("crm_customers", customers.customer_id, pid[customers.person]),
            truth.records(
                "crm_orders",
                orders.table["order_id"].slice(0, n_orders).combine_chunks(),
                pid[orders.person],
            ),
            truth.records("web_cookies", web.cookie_id, web.cookie_person_id),
            truth.records("esp_recipients", esp.recipient_email, pid[esp.recipient_person]),
            truth.records(
                "third_party_demographics", third_party.record_id, pid[third_party.person]
            ),
            truth.records("privacy_consent_events", consent.event_id, pid[consent.event_person]),
            truth.records("privacy_erasure_requests", erasure.request_id, pid[erasure.person]),
        ]
    )
    return {
        "crm_customers.parquet": customers.table,
        "crm_orders.parquet": orders.table,
        "web_events.parquet": web.table,
        "esp_email_events.parquet": esp.table,
        "third_party_demographics.parquet": third_party.table,
        "privacy_consent_events.parquet": consent.table,
        "privacy_erasure_requests.parquet": erasure.table,
        "truth/truth_records.parquet": truth_records,
        "truth/truth_persons.parquet": truth.persons_table(
            persons, latent, outlook, customers, web.bot_person_id
        ),
    }


def _spill_chunk(config: GeneratorConfig, index: int, directory: Path) -> dict[str, Path]:
    """Worker side: generate a chunk and store it as uncompressed Arrow IPC files.

    Handing tables over through files (page cache) instead of pickling them
    through a pipe keeps the parent process cheap.
    """
    paths: dict[str, Path] = {}
    for position, (name, table) in enumerate(generate_chunk(config, index).items()):
        path = directory / f"{index:06d}-{position}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        paths[name] = path
    return paths


def _load_spilled(paths: dict[str, Path]) -> Chunk:
    tables: Chunk = {}
    for name, path in paths.items():
        with pa.memory_map(str(path)) as source:
            tables[name] = pa.ipc.open_file(source).read_all()
        path.unlink()
    return tables


def _chunks(config: GeneratorConfig) -> Iterator[Chunk]:
    """Chunks in index order; with ``workers > 1`` a bounded number are computed ahead."""
    if config.workers == 1 or config.n_chunks == 1:
        for index in range(config.n_chunks):
            yield generate_chunk(config, index)
        return
    context = multiprocessing.get_context("spawn")
    with (
        tempfile.TemporaryDirectory(prefix=".datagen-", dir=config.out) as spill,
        ProcessPoolExecutor(max_workers=config.workers, mp_context=context) as pool,
    ):
        pending: deque[Future[dict[str, Path]]] = deque()
        submitted = 0

        def refill() -> None:
            nonlocal submitted
            while submitted < config.n_chunks and len(pending) < config.workers:
                pending.append(pool.submit(_spill_chunk, config, submitted, Path(spill)))
                submitted += 1

        refill()
        while pending:
            done = pending.popleft().result()
            refill()  # keep every worker busy while this chunk is being written
            yield _load_spilled(done)


@dataclass(frozen=True)
class RunSummary:
    rows: dict[str, int]
    bytes: dict[str, int]
    seconds: float


def generate(config: GeneratorConfig) -> RunSummary:
    """Generate the whole dataset into ``config.out``."""
    started = time.perf_counter()
    config.out.mkdir(parents=True, exist_ok=True)
    show = config.progress and sys.stderr.isatty()
    with ParquetSink(config.out, schema.files(config.noise)) as sink:
        chunks = tqdm(
            _chunks(config), total=config.n_chunks, unit="chunk", disable=not show, desc="datagen"
        )
        for chunk in chunks:
            for name, table in chunk.items():
                sink.write(name, table)
    rows = dict(sink.rows)
    paths = {name: config.out / name for name in schema.FILES}
    write_manifest(
        config.out / schema.MANIFEST,
        {
            "generator": "open_segments_lab.datagen",
            "generator_version": GENERATOR_VERSION,
            "seed": config.seed,
            "customers": config.customers,
            "end_date": config.end_date.isoformat(),
            "history_days": config.history_days,
            "chunk_size": config.chunk_size,
            "n_chunks": config.n_chunks,
            # Only named when not the default, so default manifests stay as they were.
            **({"noise": config.noise} if config.noise != "default" else {}),
            "window": {
                "history_start_epoch": config.window.history_start,
                "end_epoch": config.window.end,
                "label_end_epoch": config.window.future_end,
            },
            "files": {
                name: {"rows": rows[name], "sha256": sha256_of(path)}
                for name, path in paths.items()
            },
        },
    )
    return RunSummary(
        rows=rows,
        bytes={name: path.stat().st_size for name, path in paths.items()},
        seconds=time.perf_counter() - started,
    )
