"""Integration tests on the official texts in ../shared/sources (skipped when the folder is absent)."""
import json
import re

import pytest

from ingest.annex_json import parse_annex_json
from ingest.corpus import flag_artefacts, load_corpus
from ingest.eurlex_text import parse_regulation_text
from ingest.index import serving_build
from ingest.manifest import load_manifest
from ingest.model import fold
from ingest.store import Store
from tests.conftest import REAL_SOURCES

pytestmark = pytest.mark.real
MANIFEST = load_manifest()


@pytest.fixture(scope="module")
def annex_i():
    source = MANIFEST.get("annex-i-2025")
    return {p.locator: p for p in flag_artefacts(parse_annex_json(REAL_SOURCES / "annex-i-2025" / "annex.json", source), source)}


@pytest.fixture(scope="module")
def regulation():
    source = MANIFEST.get("reg-2021-821")
    return {p.locator: p for p in flag_artefacts(parse_regulation_text(REAL_SOURCES / "reg-2021-821", source), source)}


def test_384_annex_i_entries(annex_i):
    entries = [p for p in annex_i.values() if p.kind == "entry"]
    assert len(entries) == 384
    per_category = {c: sum(p.data["category"] == c for p in entries) for c in "0123456789"}
    assert per_category == {"0": 15, "1": 93, "2": 55, "3": 51, "4": 13, "5": 13, "6": 36, "7": 37, "8": 8, "9": 63}
    assert annex_i["Annex I 5A002.a.1"].text == 'Items having "information security" as a primary function;'
    assert annex_i["Annex I 1A005"].text.startswith("Body armour")


def test_articles_1_to_32_and_every_definition(regulation):
    assert [f"Art. {n}" for n in range(1, 33)] == [l for l, p in regulation.items() if p.kind == "article"]
    for n in range(1, 23):
        p = regulation[f"Art. 2({n})"]
        assert p.kind == "definition" and p.text.startswith(f"({n}) ‘")
    assert regulation["Art. 2(20)"].text.startswith("(20) ‘cyber-surveillance items’")
    assert regulation["Art. 3(1)"].text == "1. An authorisation shall be required for the export of dual-use items listed in Annex I."
    assert regulation["Art. 4(1)(b)(ii)"].parent == "Art. 4(1)(b)"
    assert regulation["Art. 12(1)(d)"].text.startswith("(d) Union general export authorisation")


def test_gea_destinations(regulation):
    eu001 = regulation["Annex II EU001 Part 2"].data["destinations"]
    assert eu001 == ["Australia", "Canada", "Iceland", "Japan", "New Zealand", "Norway",
                     "Switzerland, including Liechtenstein", "United Kingdom", "United States"]
    for n in range(1, 9):
        data = regulation[f"Annex II EU00{n} Part 2"].data
        assert data.get("destinations") or data.get("excluded_destinations"), n
    for gea in ("EU003", "EU004", "EU005"):       # deleted by Delegated Regulation (EU) 2022/699
        assert "Russia" not in regulation[f"Annex II {gea} Part 2"].data["destinations"]
        assert "Russia" not in regulation[f"Annex II {gea} Part 2"].text
        assert "amended" in regulation[f"Annex II {gea} Part 2"].flags
    assert "Russia" in regulation["Annex II EU008 Part 2"].data["excluded_destinations"]
    section_i = regulation["Annex II Section I"].data
    assert section_i["all_annex_iv"] and {"0C001", "1C351", "9A117"} <= set(section_i["codes"])


def test_annex_iv_parts(regulation):
    part_i = {p.data["code"] for p in regulation.values() if p.locator.startswith("Annex IV Part I ") and "code" in p.data}
    part_ii = {p.data["code"] for p in regulation.values() if p.locator.startswith("Annex IV Part II ") and "code" in p.data}
    assert {"1C001", "5A004.a", "7A117", "9A004", "6A001.a.2.b"} <= part_i
    assert {"1C351.d.4", "1B226", "3A228", "6A226"} <= part_ii
    assert "Annex IV Part II Category 0" in regulation
    for p in regulation.values():
        if p.locator.startswith("Annex IV"):
            assert "currency_unverified" in p.flags


def _raw_folded(folder):
    return fold("".join(f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.txt"))))


def test_text_provisions_are_verbatim(regulation):
    raw = _raw_folded(REAL_SOURCES / "reg-2021-821")
    for p in regulation.values():
        cuts = [0] + [x for span in p.data.get("breaks", []) for x in span] + [len(p.text)]
        for s, e in zip(cuts[::2], cuts[1::2]):
            assert fold(p.text[s:e]) in raw, p.locator


def test_json_provisions_are_verbatim(annex_i):
    doc = json.loads((REAL_SOURCES / "annex-i-2025" / "annex.json").read_text())
    lines = [l for e in doc["entries"] for l in e["verbatim_text"].split("\n")] + \
            [l for d in doc["docs"] for l in d["verbatim_text"].split("\n")]
    raw = fold("\n".join(re.sub(r"^[0-9][A-E][0-9]{3}\S*\s", "", l) for l in lines))
    for p in annex_i.values():
        if p.locator != "Annex I":
            assert fold(p.text) in raw, p.locator


@pytest.mark.parametrize("locator,fragment", [
    ("Art. 12(1)(d)", "Union general export authorisation"),
    ("Annex II EU001 Part 1", "This authorisation covers all dual-use items specified in any entry in Annex I, except "
                              "those listed in Section I of this Annex."),
    ("Annex I 0B001.b Technical Note", "3,18 × 106m"),
])
def test_spot_checks_against_raw_files(regulation, annex_i, locator, fragment):
    p = regulation.get(locator) or annex_i[locator]
    assert fragment in p.text
    folder = REAL_SOURCES / p.source
    raw = "".join(f.read_text(encoding="utf-8") for f in folder.iterdir() if f.suffix in (".txt", ".json"))
    assert fragment in raw


def test_exponent_flags(real_index):
    store = Store(serving_build(real_index) / "store.sqlite")
    p = store.get("Annex I 0B001.b Technical Note")
    assert "flattened_exponent" in p.flags
    assert "garbled_formula" in store.get("Annex I 3B001.f.1.b Technical Note").flags


def test_superseded_annex_never_answers_as_in_force(real_index):
    store = Store(serving_build(real_index) / "store.sqlite")
    assert store.get("Annex I 5A002").source == "annex-i-2025"
    old = store.get("Annex I 5A002", source="annex-i-2023")
    if old is not None:                       # when the 2023 parser is part of the build
        assert "superseded" in old.flags
    assert store.get("Annex I 3B504") is not None and store.get("Annex I 3B504", source="annex-i-2023") is None


def test_full_corpus_loads_with_checksums():
    corpus = load_corpus(MANIFEST, [REAL_SOURCES])
    assert {"annex-i-2025", "reg-2021-821"} <= set(corpus.folders)
    assert all(len(h) == 64 for h in corpus.file_hashes.values())
