"""Shared fixtures: the project's own fixture corpus (same formats as the official sources), the real corpus in
../shared/sources when it exists, and a guard that Chroma's downloading default embedding function never runs."""
from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import dataclasses
from pathlib import Path

import pytest

from ingest.manifest import Manifest, load_manifest, sha256_of
from ingest.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_SOURCES = FIXTURES / "sources"
REAL_SOURCES = Path(os.environ.get("DUALUSE_SOURCES") or ROOT.parent / "shared" / "sources")


def real_sources_present() -> bool:
    return (REAL_SOURCES / "annex-i-2025" / "annex.json").is_file()


def pytest_collection_modifyitems(config, items):
    if real_sources_present():
        return
    skip = pytest.mark.skip(reason=f"official texts not found in {REAL_SOURCES}")
    for item in items:
        if "real" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _no_default_embedding_function():
    """Chroma's default EF downloads a model from the internet: make any call to it fail loudly."""
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2

    def refuse(*args, **kwargs):
        raise AssertionError("Chroma's default embedding function tried to download its model")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "_download_model_if_not_exists", refuse)
        yield


def fixture_manifest(sources: Path = FIXTURE_SOURCES) -> Manifest:
    """The project manifest, with checksums pinned to the fixture files and only the sources that have fixtures."""
    manifest = load_manifest()
    kept = []
    for s in manifest.sources:
        folder = sources / s.folder
        if not s.files or not all((folder / f.name).is_file() for f in s.files):
            kept.append(dataclasses.replace(s, files=()) if s.status != "in_force" else s)
            continue
        files = tuple(dataclasses.replace(f, sha256=sha256_of(folder / f.name)) for f in s.files)
        kept.append(dataclasses.replace(s, files=files, expect={}))
    return dataclasses.replace(manifest, sources=tuple(kept), text_hash=manifest.text_hash + "-fixtures")


@pytest.fixture(scope="session")
def fixture_settings(tmp_path_factory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"), sources=FIXTURE_SOURCES)


@pytest.fixture(scope="session")
def fixture_index(fixture_settings) -> Settings:
    """An index built once per session from the fixture corpus (real Chroma, real embeddings)."""
    from ingest.index import build_index
    build_index(fixture_settings, fixture_manifest(), progress=False, log=lambda *a: None)
    return fixture_settings


@pytest.fixture(scope="session")
def real_settings() -> Settings:
    if not real_sources_present():
        pytest.skip(f"official texts not found in {REAL_SOURCES}")
    return Settings.from_env(sources=REAL_SOURCES)


@pytest.fixture(scope="session")
def real_index(real_settings) -> Settings:
    """The index of the real corpus, in the project's data folder (idempotent: built once, then reused)."""
    from ingest.index import build_index
    build_index(real_settings, progress=False, log=lambda *a: None)
    return real_settings
