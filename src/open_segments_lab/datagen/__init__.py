"""Synthetic, messy raw data with ground truth for open_segments.

Generates CRM customers and orders, web events, ESP email events, a
third-party demographic overlay and privacy (consent / erasure) events for a
population of true persons with planted behavioural archetypes, plus truth
tables linking every record to its person and a 30-day purchase label.

Usage::

    python -m open_segments_lab.datagen --customers 50000 --seed 42 --out data/raw
    python -m open_segments_lab.datagen --customers 50000 --seed 42 --out data/hard --noise hard

or from Python::

    from open_segments_lab.datagen import GeneratorConfig, generate
    generate(GeneratorConfig(customers=50_000, seed=42, out=Path("data/raw")))

Modules:

* ``config``, ``rng`` -- run configuration, chunking, independent random streams;
* ``persons``, ``behaviour`` -- the true people and their latent behaviour
  (archetypes, purchase process, churn, 30-day outlook);
* ``customers``, ``orders``, ``web``, ``esp``, ``third_party``, ``privacy`` --
  one module per source system;
* ``vocab``, ``labels``, ``mess`` -- vocabularies, label spellings and
  data-quality problems;
* ``corrupt`` -- the hard noise profile's record corruptions (``noise="hard"``):
  duplicates shaped like record-linkage benchmark files (FEBRL-style), with
  1-5 typos, OCR and phonetic errors, nicknames, swapped names, nulls and
  birth-date/postcode slips each, and no identifier shared with the original;
* ``textops``, ``timefmt``, ``ids`` -- vectorised string, timestamp and id builders;
* ``truth``, ``schema``, ``writer``, ``pipeline`` -- ground truth, the output
  contract, streaming Parquet output and orchestration.

Everything is generated in chunks of CRM persons; a chunk is a pure function
of ``(config, chunk index)``, so output is byte-identical for a given seed and
memory does not grow with the number of customers.
"""

from open_segments_lab.datagen.config import GeneratorConfig
from open_segments_lab.datagen.pipeline import RunSummary, generate, generate_chunk

__all__ = ["GeneratorConfig", "RunSummary", "generate", "generate_chunk"]
