"""Index builds on the fixture corpus: real parsing, real embeddings, real Chroma. Idempotent, atomic, flagged."""
import json
import shutil

import pytest

from ingest import index as index_module
from ingest.index import build_index, current_build, serving_build
from ingest.manifest import SourceError
from ingest.settings import Settings
from ingest.store import Store
from tests.conftest import FIXTURE_SOURCES, fixture_manifest


def quiet_build(settings, manifest, **kw):
    return build_index(settings, manifest, progress=False, log=lambda *a: None, **kw)


@pytest.fixture
def own_copy(tmp_path, fixture_index):
    """A private copy of the fixture sources and a data folder with one good build, sharing the embedding cache."""
    shutil.copytree(FIXTURE_SOURCES, tmp_path / "sources")
    settings = Settings(data_dir=tmp_path / "data", sources=tmp_path / "sources", embed_cache=fixture_index.cache_dir)
    report = quiet_build(settings, fixture_manifest(tmp_path / "sources"))
    return settings, report


def test_build_report_and_store(fixture_index):
    store = Store(serving_build(fixture_index) / "store.sqlite")
    report = json.loads((serving_build(fixture_index) / "build.json").read_text())
    assert report["status"] == "built"
    assert report["provisions"]["annex-i-2025"]["entry"] == 6
    assert report["provisions"]["reg-2021-821"]["gea"] == 8
    assert report["chunks"] == len(store.chunk_rows()) > 100
    assert store.get("Annex I 1A005.a").text == "Soft body armour not made to military standards;"
    assert store.get("Art. 4(1)(b)(ii)").parent == "Art. 4(1)(b)"
    # the report shows provisions per source and kind, artefact flags, time and size
    assert report["flags"]["annex-i-2025"]["flattened_exponent"] == 1
    assert {"parse", "store", "bm25", "embed", "chroma", "total"} <= set(report["seconds"])
    assert report["size_bytes"] > 0 and report["peak_rss_mb"] > 0


def test_artefact_flags(fixture_index):
    store = Store(serving_build(fixture_index) / "store.sqlite")
    assert store.get("Annex I 6A008.b").flags == ("flattened_exponent",)
    assert set(store.get("Annex IV Part I 6A008.b").flags) == {"flattened_exponent", "currency_unverified", "emphasis_lost"}
    assert "flattened_exponent" not in store.get("Annex I 6A008.a").flags


def _client_on_a_copy(settings, tmp_path):
    """Chroma rewrites the files of what it opens: tests read a checked copy, as serving does, so that the shared
    fixture build stays sealed for the tests after them."""
    from ingest.builds import copy_checked, read_info
    build = serving_build(settings)
    copy_checked(build, read_info(build), "chroma/", tmp_path / "copy" / "chroma")
    return index_module.chroma_client(settings, tmp_path / "copy")


def test_chroma_holds_every_chunk_with_metadata(fixture_index, tmp_path):
    client = _client_on_a_copy(fixture_index, tmp_path)
    collection = client.get_collection(index_module.collection_name(current_build(fixture_index.index_dir)))
    store = Store(serving_build(fixture_index) / "store.sqlite")
    assert collection.count() == len(store.chunk_rows())
    got = collection.get(where={"locator": "Annex I 1A005.a"}, include=["metadatas"])
    assert got["metadatas"][0] | {"provision_id": ""} == {
        "provision_id": "", "locator": "Annex I 1A005.a", "source": "annex-i-2025", "version": "02021R0821-20251115",
        "status": "in_force", "kind": "item", "annex": "I", "category": "1"}


def test_dense_search_finds_plain_language(fixture_index, tmp_path):
    from ingest.embed import encode
    client = _client_on_a_copy(fixture_index, tmp_path)
    collection = client.get_collection(index_module.collection_name(current_build(fixture_index.index_dir)))
    hits = collection.query(query_embeddings=encode(["bulletproof vest"]), n_results=3, include=["metadatas"])
    assert "Annex I 1A005" in {m["locator"].split(".")[0] for m in hits["metadatas"][0]}


def test_reingest_of_unchanged_sources_does_nothing(own_copy):
    settings, first = own_copy
    second = quiet_build(settings, fixture_manifest(settings.sources))
    assert (first.status, second.status) == ("built", "up_to_date")
    assert second.build_id == first.build_id == current_build(settings.index_dir)


def test_corrupted_source_keeps_previous_index(own_copy):
    settings, first = own_copy
    manifest = fixture_manifest(settings.sources)                  # checksums of the good files
    bad = settings.sources / "annex-i-2025" / "annex.json"
    bad.write_text(bad.read_text()[:500])                           # truncated after the manifest was pinned
    with pytest.raises(SourceError) as e:
        quiet_build(settings, manifest)
    assert str(bad) in str(e.value) and "sha256" in str(e.value)
    assert current_build(settings.index_dir) == first.build_id
    assert Store(serving_build(settings) / "store.sqlite").get("Annex I 1A005") is not None


def test_missing_source_names_the_file(own_copy):
    settings, first = own_copy
    (settings.sources / "reg-2021-821" / "02021R0821-20230526_EN_articles-1-32.txt").unlink()
    with pytest.raises(SourceError, match="02021R0821-20230526_EN_articles-1-32.txt"):
        quiet_build(settings, fixture_manifest(settings.sources))
    assert current_build(settings.index_dir) == first.build_id


def test_interrupted_build_keeps_previous_index(own_copy, monkeypatch):
    settings, first = own_copy
    f = settings.sources / "annex-i-2025" / "annex.json"
    f.write_text(f.read_text().replace("Soft body armour", "Soft body armor"))   # a new version: a new build id

    def interrupted(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr("ingest.embed.embed_cached", interrupted)
    with pytest.raises(KeyboardInterrupt):
        quiet_build(settings, fixture_manifest(settings.sources))
    assert current_build(settings.index_dir) == first.build_id
    assert Store(serving_build(settings) / "store.sqlite").get("Annex I 1A005.a").text.startswith("Soft body armour")
    assert [d.name for d in settings.index_dir.iterdir() if d.is_dir()] == [first.build_id]   # half build removed
    monkeypatch.undo()
    second = quiet_build(settings, fixture_manifest(settings.sources))
    assert second.status == "built" and second.build_id != first.build_id
    assert Store(serving_build(settings) / "store.sqlite").get("Annex I 1A005.a").text.startswith("Soft body armor")


def test_only_changed_text_is_embedded_again(own_copy):
    settings, first = own_copy
    f = settings.sources / "annex-i-2025" / "annex.json"
    f.write_text(f.read_text().replace("Hard body armour plates", "Hard body armour panels"))
    second = quiet_build(settings, fixture_manifest(settings.sources))
    assert second.status == "built"
    assert 0 < second.embedded <= 2          # the changed item, and nothing else


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(index_module.IndexMissing, match="dualuse ingest"):
        serving_build(Settings(data_dir=tmp_path))


def test_settings_hash_ignores_paths(tmp_path):
    a, b = Settings(data_dir=tmp_path / "a"), Settings(data_dir=tmp_path / "b")
    assert a.hash == b.hash != a.replace(top_k=3).hash


def test_onnx_export_gives_the_same_vectors(fixture_index):
    from ingest.embed import ONNX_FILE, OnnxEncoder, encode
    path = fixture_index.cache_dir / ONNX_FILE
    assert path.is_file()                                         # made by the build, once per embedding cache
    texts = ["bulletproof vest", "How long must records be kept? " * 30, "5A002.a.1"]
    import numpy as np
    assert float(np.abs(OnnxEncoder(path).encode(texts) - encode(texts)).max()) < 1e-5


def test_answering_needs_neither_torch_nor_sentence_transformers(fixture_index):
    """The serving path imports onnxruntime only: cold start in seconds, not the ~10 s of importing torch."""
    import os
    import subprocess
    import sys
    code = ("import sys; from assistant.library import Library; from ingest.settings import Settings; "
            "lib = Library(Settings.from_env()); hits = lib.search('body armour vest', 3); "
            "print(hits[0].locator, '|', 'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    env = dict(os.environ, DUALUSE_DATA=str(fixture_index.data_dir), DUALUSE_SOURCES=str(fixture_index.sources))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    locator, loaded = out.stdout.strip().split(" | ")
    assert locator.startswith("Annex I 1A005")
    assert loaded == "False False"
