"""One `Settings` object for ingest, retrieval, the LLM layer and the app; read from the environment.

Its hash is stored with every index build, every answer and every eval report, so results can be traced to the
settings that made them. README.md has the table of variables; tests/test_docs.py keeps the two in step.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .manifest import PROJECT_ROOT


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default=PROJECT_ROOT / "data", metadata={
        "env": "DUALUSE_DATA", "help": "Where the index, fetch cache, embedding cache, feedback and audit log live."})
    sources: Path | None = field(default=None, metadata={
        "env": "DUALUSE_SOURCES", "help": "A folder laid out like ../shared/sources, searched before the fetch cache (never silently replaced by another copy)."})
    manifest: Path | None = field(default=None, metadata={
        "env": "DUALUSE_MANIFEST", "help": "The corpus manifest to build from; default corpus/manifest.toml (a copy can pin other files, e.g. your own PDFs)."})
    chroma_host: str = field(default="", metadata={
        "env": "DUALUSE_CHROMA_HOST", "help": "Chroma server host; empty = embedded PersistentClient inside the index build."})
    chroma_port: int = field(default=8000, metadata={"env": "DUALUSE_CHROMA_PORT", "help": "Chroma server port."})
    embed_cache: Path | None = field(default=None, metadata={
        "env": "DUALUSE_EMBED_CACHE", "help": "Folder of the embedding cache; default <data>/cache. Shared caches make rebuilds cheap."})
    embed_batch_size: int = field(default=32, metadata={
        "env": "DUALUSE_EMBED_BATCH", "help": "Sentence-transformers batch size (16-32 is fastest on 2 CPU cores)."})
    top_k: int = field(default=8, metadata={"env": "DUALUSE_TOP_K", "help": "Passages retrieved per question."})
    llm: str = field(default="none", metadata={
        "env": "DUALUSE_LLM", "help": "none (extractive answers), ollama or openai (any OpenAI-compatible endpoint)."})
    llm_model: str = field(default="", metadata={"env": "DUALUSE_LLM_MODEL", "help": "Model name for the LLM layer."})
    llm_base_url: str = field(default="", metadata={
        "env": "DUALUSE_LLM_BASE_URL", "help": "Endpoint of the LLM server, e.g. http://127.0.0.1:11434 or http://127.0.0.1:8000/v1."})
    llm_api_key: str = field(default="", metadata={
        "env": "DUALUSE_LLM_API_KEY", "help": "API key for an OpenAI-compatible endpoint (never stored in reports)."})
    llm_timeout: float = field(default=30.0, metadata={"env": "DUALUSE_LLM_TIMEOUT", "help": "Seconds before the LLM layer gives up and the extractive answer is used."})
    ingest_wait: float = field(default=0.0, metadata={
        "env": "DUALUSE_INGEST_WAIT", "help": "Seconds a second `dualuse ingest` waits for one already running before it stops with a message."})
    index_grace: float = field(default=600.0, metadata={
        "env": "DUALUSE_INDEX_GRACE", "help": "Seconds a replaced index build is kept for app sessions still reading it before ingest removes it."})

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = {}
        for f in fields(cls):
            raw = _env(f.metadata["env"])
            if raw:
                values[f.name] = _convert(f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def index_dir(self) -> Path:
        return Path(self.data_dir) / "index"

    @property
    def cache_dir(self) -> Path:
        return Path(self.embed_cache) if self.embed_cache else Path(self.data_dir) / "cache"

    @property
    def fetch_dir(self) -> Path:
        return Path(self.data_dir) / "sources"

    def source_dirs(self) -> list[Path]:
        from .manifest import default_sources_dirs
        return default_sources_dirs(Path(self.data_dir), Path(self.sources) if self.sources else None)

    def public(self) -> dict:
        """Settings as shown in reports: paths as strings, secrets left out."""
        d = asdict(self)
        d.pop("llm_api_key")
        return {k: str(v) if isinstance(v, Path) else v for k, v in d.items()}

    @property
    def hash(self) -> str:
        relevant = {k: v for k, v in self.public().items() if k not in ("data_dir", "sources", "embed_cache", "manifest")}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:12]


def _convert(type_name, raw: str):
    t = str(type_name)
    if "int" in t:
        return int(raw)
    if "float" in t:
        return float(raw)
    if "Path" in t:
        return Path(raw).expanduser()
    return raw
