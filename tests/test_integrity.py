"""Integrity of what answers quote: each build records the sha256 of every file and keeps a copy of every pinned
source file; a store changed after the build refuses to serve (naming the file); citations are checked against the
pinned source text, not only the store; a document the manifest does not pin (a user's PDF, a guidance text not yet
pinned) is labelled "not verified" wherever it is quoted and never counted as official."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import sqlite3

import pytest

from assistant.core import Assistant
from ingest.index import IndexMissing, build_index, serving_build
from ingest.manifest import SourceError, load_manifest, sha256_of
from ingest.settings import Settings
from tests.conftest import FIXTURE_SOURCES, ROOT, fixture_manifest

SHIP = "Can we ship a 2B001 machine tool to Canada under a general authorisation?"
ART_3_1 = "An authorisation shall be required for the export of fixture items listed in Annex I."
FORGED = "No authorisation shall be required for the export of fixture items listed in Annex I."
ICP = "What must the top-level management commitment to compliance include?"
# A made-up guidance text, laid out like a Commission Recommendation: it is not official text.
PDF_LINES = ["COMMISSION RECOMMENDATION (EU) 2019/1318",
             "on internal compliance programmes for dual-use trade controls",
             "1. Top-level management commitment to compliance",
             "The top-level management commitment to compliance should include a written statement that the company "
             "complies with the dual-use export controls, and the resources needed to carry it out.",
             "2. Record keeping",
             "Exporters should keep records of their dual-use exports for at least one year."]


def build(sources, data, manifest, cache) -> Settings:
    settings = Settings(data_dir=data, sources=sources, embed_cache=cache)
    build_index(settings, manifest, progress=False, log=lambda *a: None)
    return settings


@pytest.fixture
def own(tmp_path, fixture_index) -> Settings:
    shutil.copytree(FIXTURE_SOURCES, tmp_path / "sources")
    return build(tmp_path / "sources", tmp_path / "data", fixture_manifest(tmp_path / "sources"),
                 fixture_index.cache_dir)


def forge_store(settings: Settings) -> None:
    """Edit Art. 3(1) in the store of the serving build, as a hand edit would."""
    db = sqlite3.connect(serving_build(settings) / "store.sqlite")
    db.execute("UPDATE provisions SET text = ? WHERE locator = 'Art. 3(1)'", (FORGED,))
    db.commit()
    db.close()


def test_build_records_every_file_and_copies_the_pinned_sources(own):
    build_dir = serving_build(own)
    info = json.loads((build_dir / "build.json").read_text())
    on_disk = {p.relative_to(build_dir).as_posix() for p in build_dir.rglob("*") if p.is_file()} - {"build.json"}
    assert set(info["files"]) == on_disk and "store.sqlite" in on_disk
    assert all(hashlib.sha256((build_dir / f).read_bytes()).hexdigest() == sha
               for f, sha in info["files"].items() if f != "chroma/chroma.sqlite3")     # Chroma writes it on open
    assert info["sources"]["annex-i-2025"] == {"verified": True, "files": {
        "annex.json": sha256_of(FIXTURE_SOURCES / "annex-i-2025" / "annex.json")}}
    assert (build_dir / "sources" / "annex-i-2025" / "annex.json").read_bytes() == \
        (FIXTURE_SOURCES / "annex-i-2025" / "annex.json").read_bytes()


def test_store_edited_after_the_build_refuses_to_serve(own):
    forge_store(own)
    with pytest.raises(IndexMissing, match=r"store\.sqlite: sha256 is .* the file was changed or damaged") as e:
        Assistant(own).answer(SHIP)
    assert "dualuse ingest" in str(e.value)
    build_index(own, fixture_manifest(own.sources), progress=False, log=lambda *a: None)     # ingest repairs it
    answer = Assistant(own).answer(SHIP)
    assert any(c.locator == "Art. 3(1)" and ART_3_1 in c.quote for c in answer.citations)
    assert FORGED not in answer.text


def test_store_edited_with_its_record_is_caught_by_the_pinned_source_text(own):
    """Even when build.json is edited to match, a quote the official file does not hold is never shown."""
    forge_store(own)
    info_path = serving_build(own) / "build.json"
    info = json.loads(info_path.read_text())
    if "files" in info:
        info["files"]["store.sqlite"] = sha256_of(serving_build(own) / "store.sqlite")
    info_path.write_text(json.dumps(info))
    answer = Assistant(own).answer(SHIP)
    assert FORGED not in answer.text and all(c.locator != "Art. 3(1)" for c in answer.citations)
    assert {"locator": "Art. 3(1)", "source": "reg-2021-821", "quote": FORGED,
            "why": "quote is not in the pinned source file"} in answer.dropped


def make_pdf(path) -> None:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in PDF_LINES:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def guidance_index(tmp_path, cache, pinned: bool) -> Settings:
    """The fixture corpus plus a generated PDF placed where Recommendation 2019/1318 would be."""
    shutil.copytree(FIXTURE_SOURCES, tmp_path / "sources")
    make_pdf(tmp_path / "sources" / "rec-2019-1318" / "32019H1318.pdf")
    manifest = fixture_manifest(tmp_path / "sources")
    if not pinned:
        sources = tuple(dataclasses.replace(s, files=tuple(dataclasses.replace(f, sha256=None) for f in s.files))
                        if s.id == "rec-2019-1318" else s for s in manifest.sources)
        manifest = dataclasses.replace(manifest, sources=sources)
    return build(tmp_path / "sources", tmp_path / "data", manifest, cache)


def test_unpinned_pdf_is_quoted_as_not_verified_and_never_as_official(tmp_path, fixture_index):
    settings = guidance_index(tmp_path, fixture_index.cache_dir, pinned=False)
    assistant = Assistant(settings)
    answer = assistant.answer(ICP)
    cited = [c for c in answer.citations if c.source == "rec-2019-1318"]
    assert cited, answer.text
    assert all("unverified" in c.flags for c in cited)
    assert any("Not verified" in w for c in cited for w in c.warnings)            # under the passage, in the app
    marks = ", ".join(f"[{c.n}]" for c in cited)
    assert f"Not verified: {marks} quote a document with no pinned checksum" in answer.text
    versions = [line for line in answer.text.split("\n\n") if line.startswith("Sources: ")]
    assert all("rec-2019-1318" not in line for line in versions)                  # not in the versions line
    assert "2019/1318" not in assistant.corpus_version
    store_flags = assistant.store.get(cited[0].locator, "rec-2019-1318").flags
    assert "unverified" in store_flags                                             # on the provision itself


def test_pinned_pdf_is_quoted_as_checked(tmp_path, fixture_index):
    settings = guidance_index(tmp_path, fixture_index.cache_dir, pinned=True)
    assistant = Assistant(settings)
    answer = assistant.answer(ICP)
    cited = [c for c in answer.citations if c.source == "rec-2019-1318"]
    assert cited and not any("unverified" in c.flags for c in cited)
    assert all(assistant.library.sources.verify(assistant.store.get(c.locator, c.source), c.quote) for c in cited)
    assert "Not verified" not in answer.text


# provision (locator, source) -> quote -> verified against the pinned file? (one-line reason)
VERIFY_ROWS = [
    ("Art. 3(1)", ART_3_1, True, "verbatim from its character span of the articles file"),
    ("Art. 3(1)", FORGED, False, "a changed word"),
    ("Art. 3(1)", "AN AUTHORISATION SHALL BE REQUIRED for the export", True, "case and layout are folded"),
    ("Art. 3(1)", "An authorisation shall be required … listed in Annex I.", True, "an ellipsis only shortens"),
    ("Art. 3(1)", "Pursuant to Article 4, an authorisation may also be required", False,
     "in the same file, but not where Art. 3(1) is: the check reads the provision's own span"),
    ("Annex I 1A005.a", "Soft body armour not made to military standards;", True,
     "from its JSON record, without the producer's dotted path"),
    ("Annex I 1A005.a", "1A005.a Soft body armour", False, "the dotted path is the producer's, not official text"),
    ("Annex I 1A005.a", "", False, "nothing to check"),
]


@pytest.mark.parametrize("locator,quote,expected,reason", VERIFY_ROWS, ids=[r[3] for r in VERIFY_ROWS])
def test_source_texts_verify(own, locator, quote, expected, reason):
    from assistant.library import Library
    library = Library(own)
    assert library.sources.verify(library.store.get(locator), quote) is expected


def test_official_sources_must_be_pinned(tmp_path):
    pin = load_manifest().get("annex-i-2025").files[0].sha256
    text = (ROOT / "corpus" / "manifest.toml").read_text(encoding="utf-8")
    (tmp_path / "m.toml").write_text(text.replace(f'sha256 = "{pin}"', ""))
    with pytest.raises(SourceError, match="'annex-i-2025' is in_force but annex.json has no sha256"):
        load_manifest(tmp_path / "m.toml")
    guidance = [s for s in load_manifest().sources if s.status == "guidance"]
    assert guidance and all(s.files and not s.files[0].sha256 for s in guidance)     # labelled "not verified"


@pytest.mark.real
def test_every_real_provision_is_in_its_pinned_file(real_index):
    """Parser fidelity on the official texts: each provision's own words are in the file it came from."""
    from assistant.library import Library
    from assistant.quotes import quote
    from ingest.store import _row_to_provision
    library = Library(real_index)
    missing = []
    for row in library.store.db.execute("SELECT * FROM provisions"):
        p = _row_to_provision(row)
        if quote(p) and not library.sources.verify(p, quote(p)):
            missing.append((p.source, p.locator))
    # the parser titles the root of the Annex I JSON, which holds no such line: it can never be cited as checked
    assert missing == [("annex-i-2025", "Annex I")]
