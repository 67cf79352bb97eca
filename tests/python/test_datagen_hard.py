"""Tests of the generator's hard noise profile (``--noise hard``), at small scales.

Duplicates are compared with their person's first record after the format-level normalization a
matcher would do (case, accents, date layouts, postcode spellings, street-type abbreviations), so
what is counted below are the corruptions left for a matcher to get past.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from open_segments_lab.datagen import GeneratorConfig, corrupt, generate
from open_segments_lab.datagen import vocab as v
from open_segments_lab.datagen.__main__ import main
from open_segments_lab.datagen.rng import Stream
from open_segments_lab.datagen.schema import FILES, MANIFEST, RAW_FILES
from open_segments_lab.datagen.timefmt import civil_from_days
from test_datagen import CONTRACT

CUSTOMERS = 3_000
SEED = 11
CHUNK = 1_500  # two chunks

COMPARED = ("first", "last", "dob", "postcode", "street_number", "street", "city")
_TYPE = {text.lower(): i for i, pair in enumerate(v.STREET_TYPES) for text in pair}


def _run(out: Path, **kwargs: object) -> Path:
    options: dict[str, object] = {"customers": CUSTOMERS, "seed": SEED, "chunk_size": CHUNK}
    options.update(kwargs)
    generate(GeneratorConfig(out=out, progress=False, **options))  # type: ignore[arg-type]
    return out


def _digests(out: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in [*FILES, MANIFEST]
    }


def _fold(text: object) -> object:
    if not isinstance(text, str):
        return None
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)) or None


def _dates(values: pd.Series, us: pd.Series) -> pd.Series:
    """Birth dates in any of the generator's layouts (month first for US records)."""
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for layout in ("%Y-%m-%d", "%Y%m%d", "%d %b %Y"):
        parsed = parsed.fillna(pd.to_datetime(values, format=layout, errors="coerce"))
    slashed = np.where(us, "%m/%d/%Y", "%d/%m/%Y")
    for layout in ("%m/%d/%Y", "%d/%m/%Y"):
        mine = pd.Series(slashed == layout, index=values.index)
        parsed = parsed.fillna(pd.to_datetime(values.where(mine), format=layout, errors="coerce"))
    return parsed.dt.strftime("%Y-%m-%d")


def _postcode(values: pd.Series) -> pd.Series:
    compact = values.str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    compact = compact.where(~compact.str.fullmatch(r"\d{9}", na=False), compact.str[:5])
    return compact.where(~compact.str.fullmatch(r"\d{3}", na=False), "0" + compact)


def _street(line: object) -> object:
    """``(street name, street type)`` of an address line without its numbers."""
    folded = _fold(line)
    if folded is None:
        return None
    words = [w for w in re.split(r"\s+", folded) if not re.search(r"\d", w) and w != "unit"]
    if not words:
        return None
    kind = _TYPE.get(words[-1].rstrip("."), words[-1])
    return (" ".join(words[:-1]), kind)


def normalized_customers(out: Path) -> pd.DataFrame:
    """One row per customer record (first version), normalized, with its person and rank."""
    customers = pq.read_table(out / "crm_customers.parquet").to_pandas()
    truth = pq.read_table(out / "truth/truth_records.parquet").to_pandas()
    persons = pq.read_table(out / "truth/truth_persons.parquet").to_pandas()
    owner = truth[truth.source_table == "crm_customers"].set_index("record_key").person_id
    country = persons.set_index("person_id").country
    records = customers.drop_duplicates("customer_id").copy()
    records["person_id"] = records.customer_id.map(owner)
    records = records.sort_values(["person_id", "customer_id"])  # numbers grow with creation
    records["rank"] = records.groupby("person_id").cumcount()
    us = records.person_id.map(country).eq("US")
    number = records.street_number.fillna(
        records.address_line_1.str.extract(r"^\s*(?:[Uu]nit\s*)?(\S+)\s", expand=False)
    )
    return pd.DataFrame(
        {
            "person_id": records.person_id,
            "rank": records["rank"],
            "first": records.first_name.map(_fold),
            "last": records.last_name.map(_fold),
            "dob": _dates(records.date_of_birth, us),
            "postcode": _postcode(records.postcode),
            "street_number": number.str.extract(r"(\d+)\s*$", expand=False),
            "street": records.address_line_1.map(_street),
            "city": records.city.map(_fold),
        }
    )


def duplicate_pairs(records: pd.DataFrame) -> pd.DataFrame:
    """Every later record of a person beside the person's first record (``_first`` suffix)."""
    first = records.loc[records["rank"] == 0, ["person_id", *COMPARED]]
    later = records[records["rank"] > 0]
    return later.merge(first, on="person_id", how="left", suffixes=("", "_first"))


def differs(pairs: pd.DataFrame, field: str) -> pd.Series:
    a, b = pairs[field], pairs[f"{field}_first"]
    return (a.isna() != b.isna()) | (a.notna() & b.notna() & (a.astype(str) != b.astype(str)))


def both_present_and_different(pairs: pd.DataFrame, field: str) -> pd.Series:
    a, b = pairs[field], pairs[f"{field}_first"]
    return a.notna() & b.notna() & (a.astype(str) != b.astype(str))


def swapped(pairs: pd.DataFrame) -> pd.Series:
    return pairs["first"].eq(pairs["last_first"]) & pairs["last"].eq(pairs["first_first"])


def identifier_keys(out: Path) -> pd.DataFrame:
    """Every (person, customer, identifier, loosely normalized value) of the CRM file."""
    customers = pq.read_table(out / "crm_customers.parquet").to_pandas()
    truth = pq.read_table(out / "truth/truth_records.parquet").to_pandas()
    owner = truth[truth.source_table == "crm_customers"].set_index("record_key").person_id
    keys = {
        "email": customers.email.str.strip().str.lower().str.replace(".", "", regex=False),
        "phone": customers.phone.str.replace(r"\D", "", regex=True).str[-9:],
        "loyalty_id": customers.loyalty_id,
    }
    frames = [
        pd.DataFrame(
            {
                "person_id": customers.customer_id.map(owner),
                "customer_id": customers.customer_id,
                "kind": kind,
                "value": value,
            }
        ).dropna(subset=["value"])
        for kind, value in keys.items()
    ]
    return pd.concat(frames).drop_duplicates()


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("hard"), noise="hard")


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("default"))


@pytest.fixture(scope="module")
def hard_pairs(hard: Path) -> pd.DataFrame:
    return duplicate_pairs(normalized_customers(hard))


@pytest.fixture(scope="module")
def default_pairs(default: Path) -> pd.DataFrame:
    return duplicate_pairs(normalized_customers(default))


# ----------------------------------------------------------------------------- the default profile


def test_default_profile_is_the_config_without_the_flag(default: Path, tmp_path: Path) -> None:
    explicit = _run(tmp_path / "explicit", noise="default")
    assert _digests(explicit) == _digests(default)
    assert "noise" not in json.loads((default / MANIFEST).read_text())


def test_default_profile_never_reaches_the_hard_noise_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the default profile used hard-noise code")

    import open_segments_lab.datagen.pipeline as pipeline

    real_stream_rng = pipeline.stream_rng

    def guarded(seed: int, chunk: int, stream: Stream) -> np.random.Generator:
        if stream in (Stream.HARD_CUSTOMERS, Stream.HARD_THIRD_PARTY):
            forbidden()
        return real_stream_rng(seed, chunk, stream)

    monkeypatch.setattr(pipeline, "stream_rng", guarded)
    monkeypatch.setattr(corrupt, "plan", forbidden)
    _run(tmp_path / "guarded", customers=400, chunk_size=200)
    with pytest.raises(AssertionError, match="hard-noise"):
        _run(tmp_path / "guarded_hard", customers=400, chunk_size=200, noise="hard")


def test_noise_profile_is_validated(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="noise"):
        GeneratorConfig(customers=10, noise="harder")
    with pytest.raises(SystemExit):
        main(["--customers", "10", "--noise", "harder", "--no-progress"])
    assert "--noise" in capsys.readouterr().err


# ----------------------------------------------------------------------------- the hard profile


def test_hard_profile_is_deterministic_by_seed(hard: Path, tmp_path: Path) -> None:
    again = _run(tmp_path / "again", noise="hard")
    assert _digests(again) == _digests(hard)
    assert json.loads((hard / MANIFEST).read_text())["noise"] == "hard"
    other = _digests(_run(tmp_path / "other", noise="hard", seed=SEED + 1))
    assert all(other[name] != _digests(hard)[name] for name in RAW_FILES)


# Optional contract columns no generator profile writes: a privacy subject's own country is for
# exports that write phones in another country's national form, which the generator reads as its
# CRM wrote them (test_privacy_inputs.py builds such rows).
NOT_GENERATED = {
    "privacy_consent_events.parquet": {"subject_country"},
    "privacy_erasure_requests.parquet": {"subject_country"},
}


def test_hard_files_have_every_contract_column(hard: Path) -> None:
    for name, columns in CONTRACT.items():
        expected = [c for c in columns if c not in NOT_GENERATED.get(name, set())]
        assert pq.read_schema(hard / name).names == expected, name


def test_cli_hard_profile(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    args = ["--customers", "300", "--seed", "5", "--out", str(out), "--no-progress"]
    assert main([*args, "--noise", "hard", "--workers", "1"]) == 0
    assert json.loads((out / MANIFEST).read_text())["noise"] == "hard"


def test_more_persons_have_duplicates(hard: Path, default: Path) -> None:
    def records_per_person(out: Path) -> pd.Series:
        return normalized_customers(out).groupby("person_id").size()

    per_person = records_per_person(hard)
    assert len(per_person) == CUSTOMERS
    assert 0.20 <= (per_person >= 2).mean() <= 0.30
    assert (per_person >= 3).mean() >= 0.05
    assert per_person.max() == 5
    assert (records_per_person(default) >= 2).mean() < 0.15


def test_duplicates_are_corrupted_in_several_fields(
    hard_pairs: pd.DataFrame, default_pairs: pd.DataFrame
) -> None:
    def fields_differing(pairs: pd.DataFrame) -> pd.Series:
        return sum(differs(pairs, field).astype(int) for field in COMPARED)

    hard_count = fields_differing(hard_pairs)
    assert (hard_count >= 1).mean() > 0.97
    assert (hard_count >= 2).mean() > 0.60
    assert (hard_count >= 4).mean() > 0.10
    assert (fields_differing(default_pairs) >= 2).mean() < 0.45  # the default is milder
    for field in COMPARED:
        assert differs(hard_pairs, field).mean() > 0.10, field


def test_birth_date_and_postcode_are_corrupted_together(hard_pairs: pd.DataFrame) -> None:
    both = both_present_and_different(hard_pairs, "dob") & both_present_and_different(
        hard_pairs, "postcode"
    )
    assert both.mean() > 0.05


def test_names_are_swapped_in_some_duplicates(hard_pairs: pd.DataFrame) -> None:
    assert swapped(hard_pairs).mean() > 0.03


def test_duplicates_share_no_identifier(hard: Path) -> None:
    keys = identifier_keys(hard)
    holders = keys.groupby(["person_id", "kind", "value"]).customer_id.nunique()
    assert len(holders) > CUSTOMERS
    assert (holders > 1).sum() == 0


def test_default_duplicates_do_share_identifiers(default: Path) -> None:
    """The check above finds shared identifiers where there are some."""
    keys = identifier_keys(default)
    holders = keys.groupby(["person_id", "kind", "value"]).customer_id.nunique()
    assert (holders > 1).sum() > 20


def test_truth_covers_every_record(hard: Path) -> None:
    tables = {name: pq.read_table(hard / name).to_pandas() for name in FILES}
    truth = tables["truth/truth_records.parquet"]

    def keys(source: str) -> set[str]:
        return set(truth.loc[truth.source_table == source, "record_key"])

    assert set(tables["crm_customers.parquet"].customer_id) == keys("crm_customers")
    assert set(tables["third_party_demographics.parquet"].provider_record_id) == keys(
        "third_party_demographics"
    )
    assert set(tables["crm_orders.parquet"].order_id.dropna()) == keys("crm_orders")
    assert set(tables["web_events.parquet"].cookie_id) == keys("web_cookies")
    assert set(tables["esp_email_events.parquet"].recipient_email) == keys("esp_recipients")
    crm = truth[truth.source_table == "crm_customers"]
    assert crm.record_key.is_unique
    persons = tables["truth/truth_persons.parquet"]
    assert crm.person_id.isin(persons.loc[persons.is_crm_customer, "person_id"]).all()
    per_person = crm.groupby("person_id").size()
    recorded = persons.set_index("person_id").n_customer_records
    assert (recorded[per_person.index] == per_person).all()


def test_orders_point_at_customer_records(hard: Path) -> None:
    orders = pq.read_table(hard / "crm_orders.parquet").to_pandas()
    customers = pq.read_table(hard / "crm_customers.parquet").to_pandas()
    known = orders.customer_id.dropna().isin(customers.customer_id).mean()
    assert known > 0.95


def test_third_party_matches_on_name_address_and_birth_date(hard: Path) -> None:
    third = pq.read_table(hard / "third_party_demographics.parquet").to_pandas()
    for column in ("email", "email_sha256", "phone"):
        assert third[column].isna().all(), column
    truth = pq.read_table(hard / "truth/truth_records.parquet").to_pandas()
    owner = truth[truth.source_table == "third_party_demographics"].set_index("record_key")
    records = normalized_customers(hard)
    first = records[records["rank"] == 0].set_index("person_id")
    rows = third.assign(person_id=third.provider_record_id.map(owner.person_id))
    rows = rows[rows.person_id.isin(first.index)].reset_index(drop=True)
    assert len(rows) > CUSTOMERS / 3
    crm = first.loc[rows.person_id].reset_index(drop=True)
    last = rows.last_name.map(_fold) == crm["last"]
    postcode = _postcode(rows.postcode) == crm["postcode"]
    street = rows.street_address.map(_street) == crm["street"]
    intact = last & postcode & street
    # 0-2 corruptions over six fields leave about half the rows with these three intact
    # (the default profile: 97%).
    assert 0.40 < intact.mean() < 0.80

    persons = pq.read_table(hard / "truth/truth_persons.parquet").to_pandas()
    us = rows.person_id.map(persons.set_index("person_id").country).eq("US")
    birth = _dates(rows.date_of_birth, us)
    assert 0.5 < birth.notna().mean() < 0.7
    both = birth.notna() & crm["dob"].notna()
    assert 0.03 < (birth[both] != crm.loc[both, "dob"]).mean() < 0.3


# ----------------------------------------------------------------------------- the corruptions


def _damerau(a: str, b: str) -> int:
    d = np.zeros((len(a) + 1, len(b) + 1), dtype=int)
    d[:, 0], d[0, :] = np.arange(len(a) + 1), np.arange(len(b) + 1)
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = int(a[i - 1] != b[j - 1])
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i, j] = min(d[i, j], d[i - 2, j - 2] + 1)
    return int(d[-1, -1])


def test_a_typo_is_one_edit() -> None:
    rng = np.random.default_rng(1)
    names = pa.array(["Katherine", "Zoë", "O'Brien", "Li", "Nguyễn", "SMITH", "a", "4/12", "2040"])
    values = pa.array(np.repeat(names.to_numpy(zero_copy_only=False), 50).tolist())
    for digits in (False, True):
        out = corrupt.typos(rng, values, digits=digits).to_pylist()
        distances = [_damerau(a, b) for a, b in zip(values.to_pylist(), out, strict=True)]
        assert set(distances) == {1}, digits
    assert pa.array(out).is_valid().to_numpy(zero_copy_only=False).all()


def test_rules_rewrite_in_the_case_of_the_value() -> None:
    rng = np.random.default_rng(2)
    rules = corrupt.Rules.of([("ph", "f"), ("c", "k")], ignore_case=True)
    out, applied = corrupt.rewrite(rng, pa.array(["Phillip", "PHILLIP", "Catherine", "Bob"]), rules)
    assert out.to_pylist() == ["Fillip", "FILLIP", "Katherine", "Bob"]
    assert applied.tolist() == [True, True, True, False]


def test_date_noise_gives_another_valid_date_one_slip_away() -> None:
    rng = np.random.default_rng(3)
    days = rng.integers(-25_000, 12_000, 5_000)
    slipped = corrupt.date_noise(rng, days, latest_year=2026)
    assert (slipped != days).all()
    before = np.column_stack(civil_from_days(days))
    after = np.column_stack(civil_from_days(slipped))
    assert (after[:, 0] >= 1900).all() and (after[:, 0] <= 2026).all()
    swapped_parts = (after[:, 1] == before[:, 2]) & (after[:, 2] == before[:, 1])
    one_part = (after != before).sum(axis=1) == 1
    assert (swapped_parts | one_part).all()
    assert swapped_parts.mean() > 0.1


def test_plan_picks_distinct_applicable_fields() -> None:
    rng = np.random.default_rng(4)
    applicable = rng.random((2_000, 8)) < 0.8
    counts = rng.integers(1, 6, 2_000)
    chosen = corrupt.plan(rng, applicable, [1.0] * 8, counts)
    assert not (chosen & ~applicable).any()
    assert (chosen.sum(axis=1) == np.minimum(counts, applicable.sum(axis=1))).all()
