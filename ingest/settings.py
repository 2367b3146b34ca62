"""Every tunable of the product in one pydantic-settings tree, read from `DUALUSE_*` environment variables.

    Settings
    ├── paths       where the data, the official texts and the embedding cache are
    ├── chroma      an optional Chroma server
    ├── embedding   how passages are embedded
    ├── retrieval   how many passages, fusion constant, search depth, out-of-scope similarity
    ├── fusion      weights of the lexicon's topic anchors against retrieval
    ├── quoting     quote and question lengths
    ├── chunking    retrieval units
    ├── llm         the optional LLM layer (the API key is a SecretStr: never printed, never hashed)
    └── records_url where determination records are kept

Each leaf names its environment variable (`env`) and whether it can change an answer (`hashed`); `Settings.hash`
covers exactly the leaves that can. `python -m ingest.settings --markdown` prints the README table from the field
descriptions (tests/test_docs.py keeps the two in step). A bad value is a `SettingsError` with one line per problem
("Settings error: DUALUSE_TOP_K='abc' is not a whole number"), which the CLI and the app show as it is.

The fingerprint that goes with every answer, build and report adds the data files and code: `ingest/fingerprint.py`.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .manifest import PROJECT_ROOT


def _leaf(env: str, hashed: bool = True, shown: str | None = None) -> dict:
    """Field metadata: the environment variable, whether the value can change an answer, the default as the README
    shows it (when the real default is machine-specific)."""
    return {"env": env, "hashed": hashed, **({"shown": shown} if shown is not None else {})}


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Paths(Section):
    data_dir: Path = Field(PROJECT_ROOT / "data", json_schema_extra=_leaf("DUALUSE_DATA", False, "data"),
                           description="Where the index, fetch cache, embedding cache, feedback and audit log live.")
    sources: Path | None = Field(None, json_schema_extra=_leaf("DUALUSE_SOURCES", False, "../shared/sources"),
                                 description="A folder laid out like ../shared/sources, searched before the fetch "
                                             "cache (never silently replaced by another copy).")
    embed_cache: Path | None = Field(None, json_schema_extra=_leaf("DUALUSE_EMBED_CACHE", False, "data/cache"),
                                     description="Folder of the embedding cache; default <data>/cache. Shared caches "
                                                 "make rebuilds cheap.")
    manifest: Path | None = Field(None, json_schema_extra=_leaf("DUALUSE_MANIFEST", False, "corpus/manifest.toml"),
                                  description="The corpus manifest to build from (a copy can pin other files, e.g. "
                                              "your own PDFs).")


class Builds(Section):
    wait: float = Field(0.0, ge=0, json_schema_extra=_leaf("DUALUSE_INGEST_WAIT", False),
                        description="Seconds a second `dualuse ingest` waits for one already running before it stops "
                                    "with a message.")
    grace: float = Field(600.0, ge=0, json_schema_extra=_leaf("DUALUSE_INDEX_GRACE", False),
                         description="Seconds a replaced index build is kept for app sessions still reading it before "
                                     "ingest removes it.")


class Chroma(Section):
    host: str = Field("", json_schema_extra=_leaf("DUALUSE_CHROMA_HOST", False, "(embedded)"),
                      description="Chroma server host; empty = embedded PersistentClient inside the index build.")
    port: int = Field(8000, ge=1, le=65535, json_schema_extra=_leaf("DUALUSE_CHROMA_PORT", False),
                      description="Chroma server port.")


class Embedding(Section):
    batch_size: int = Field(32, ge=1, le=1024, json_schema_extra=_leaf("DUALUSE_EMBED_BATCH", False),
                            description="Sentence-transformers batch size (16-32 is fastest on 2 CPU cores).")


class Retrieval(Section):
    top_k: int = Field(8, ge=1, le=100, json_schema_extra=_leaf("DUALUSE_TOP_K"),
                       description="Passages retrieved per question.")
    rrf_k: int = Field(60, ge=1, json_schema_extra=_leaf("DUALUSE_RRF_K"),
                       description="Constant k of reciprocal rank fusion, 1/(k + rank): larger flattens the ranks.")
    search_depth: int = Field(30, ge=1, json_schema_extra=_leaf("DUALUSE_SEARCH_DEPTH"),
                              description="Chunks each of BM25 and dense search return before fusion (at least "
                                          "3 x the passages asked for).")
    min_similarity: float = Field(0.42, ge=0.0, le=1.0, json_schema_extra=_leaf("DUALUSE_MIN_SIMILARITY"),
                                  description="Top cosine similarity below which a question with no export-control "
                                              "words is out of scope.")


class Fusion(Section):
    anchor_weight: float = Field(1.0, ge=0.0, json_schema_extra=_leaf("DUALUSE_ANCHOR_WEIGHT"),
                                 description="Weight of the lexicon's topic anchors in the fusion with retrieval.")
    background_weight: float = Field(0.5, ge=0.0, json_schema_extra=_leaf("DUALUSE_BACKGROUND_WEIGHT"),
                                     description="Weight of the anchors of generic topics (background provisions).")


class Quoting(Section):
    max_quote: int = Field(420, ge=80, json_schema_extra=_leaf("DUALUSE_MAX_QUOTE"),
                           description="Longest quote, in characters, before it is cut at sentence boundaries.")
    min_fragment: int = Field(12, ge=1, json_schema_extra=_leaf("DUALUSE_MIN_FRAGMENT"),
                              description="Fewest characters a quote must carry in one piece to be checked as "
                                          "verbatim.")
    max_question: int = Field(2000, ge=100, json_schema_extra=_leaf("DUALUSE_MAX_QUESTION"),
                              description="Characters of a question that are read; longer input is cut, and the "
                                          "answer says so.")


class Chunking(Section):
    window_words: int = Field(160, ge=20, json_schema_extra=_leaf("DUALUSE_WINDOW_WORDS"),
                              description="Words per retrieval window (MiniLM reads 256 tokens; the context prefix "
                                          "takes the rest). Changes the index build.")
    context_chars: int = Field(320, ge=0, json_schema_extra=_leaf("DUALUSE_CONTEXT_CHARS"),
                               description="Characters of ancestor headings put before each chunk for search.")


class LLM(Section):
    provider: Literal["none", "ollama", "openai"] = Field(
        "none", json_schema_extra=_leaf("DUALUSE_LLM"),
        description="none (extractive answers), ollama or openai (any OpenAI-compatible endpoint).")
    model: str = Field("", json_schema_extra=_leaf("DUALUSE_LLM_MODEL"), description="Model name for the LLM layer.")
    base_url: str = Field("", json_schema_extra=_leaf("DUALUSE_LLM_BASE_URL"),
                          description="Endpoint of the LLM server, e.g. http://127.0.0.1:11434 or "
                                      "http://127.0.0.1:8000/v1.")
    api_key: SecretStr = Field(SecretStr(""), json_schema_extra=_leaf("DUALUSE_LLM_API_KEY", False),
                               description="API key for an OpenAI-compatible endpoint (never shown, stored or "
                                           "hashed).")
    timeout: float = Field(30.0, gt=0, json_schema_extra=_leaf("DUALUSE_LLM_TIMEOUT"),
                           description="Seconds before the LLM layer gives up and the extractive answer is used.")

    @field_validator("provider", mode="before")
    @classmethod
    def _case_insensitive(cls, v):
        return v.strip().lower() if isinstance(v, str) else v


SECTIONS = {"paths": Paths, "builds": Builds, "chroma": Chroma, "embedding": Embedding, "retrieval": Retrieval,
            "fusion": Fusion, "quoting": Quoting, "chunking": Chunking, "llm": LLM}

# The names of the flat settings object this tree replaced: still accepted as keywords (`Settings(data_dir=...)`)
# and readable as attributes (`settings.top_k`), so callers move to the tree at their own pace.
LEGACY = {"data_dir": "paths.data_dir", "sources": "paths.sources", "embed_cache": "paths.embed_cache",
          "manifest": "paths.manifest", "ingest_wait": "builds.wait", "index_grace": "builds.grace",
          "chroma_host": "chroma.host", "chroma_port": "chroma.port", "embed_batch_size": "embedding.batch_size",
          "top_k": "retrieval.top_k", "llm_model": "llm.model", "llm_base_url": "llm.base_url",
          "llm_api_key": "llm.api_key", "llm_timeout": "llm.timeout"}


class SettingsError(ValueError):
    """Bad settings: one line per problem, ready to show as it is."""


def _leaves(model: type[BaseModel], prefix: str = ""):
    """(dotted path, field) of every leaf below `model`."""
    for name, f in model.model_fields.items():
        sub = SECTIONS.get(name) if model is Settings else None
        if sub is not None:
            yield from _leaves(sub, f"{name}.")
        else:
            yield prefix + name, f


def _set(tree: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for p in parents:
        tree = tree.setdefault(p, {})
    tree[last] = value


class _EnvVars(PydanticBaseSettingsSource):
    """The DUALUSE_* variables each leaf names, as a nested dict (an empty variable counts as unset)."""

    def get_field_value(self, field, field_name):          # required by the base class; __call__ does the work
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        tree: dict = {}
        for path, f in _leaves(self.settings_cls):
            raw = os.environ.get(f.json_schema_extra["env"], "").strip()
            if raw:
                _set(tree, path, raw)
        return tree


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="forbid")

    paths: Paths = Field(default_factory=Paths, description="Where things are.")
    builds: Builds = Field(default_factory=Builds, description="Index builds: the lock and the grace period.")
    chroma: Chroma = Field(default_factory=Chroma, description="An optional Chroma server.")
    embedding: Embedding = Field(default_factory=Embedding, description="Embedding passages.")
    retrieval: Retrieval = Field(default_factory=Retrieval, description="Retrieval.")
    fusion: Fusion = Field(default_factory=Fusion, description="Fusion of retrieval with the lexicon's anchors.")
    quoting: Quoting = Field(default_factory=Quoting, description="Quotes and questions.")
    chunking: Chunking = Field(default_factory=Chunking, description="Retrieval units.")
    llm: LLM = Field(default_factory=LLM, description="The optional LLM layer.")
    records_url: str = Field("", json_schema_extra=_leaf("DUALUSE_RECORDS_URL", False, "(SQLite in the data folder)"),
                             description="Database of feedback, the helpdesk audit log and determination records: "
                                         "sqlite:///path or postgresql://user:password@host:port/db; empty = "
                                         "<data>/records.sqlite.")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return init_settings, _EnvVars(settings_cls)

    @model_validator(mode="before")
    @classmethod
    def _legacy_names(cls, data):
        """`Settings(data_dir=..., llm="openai", top_k=5)`: the flat names go to their place in the tree."""
        if not isinstance(data, dict):
            return data
        data = {k: (v.model_dump() if isinstance(v, BaseModel) else dict(v) if isinstance(v, dict) else v)
                for k, v in data.items()}
        if isinstance(data.get("llm"), str):
            data["llm"] = {"provider": data["llm"]}
        for flat, path in LEGACY.items():
            if flat in data:
                _set(data, path, data.pop(flat))
        return data

    def __init__(self, **values):
        try:
            super().__init__(**values)
        except ValidationError as e:
            raise SettingsError("\n".join(_explain(err) for err in e.errors())) from None

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """The environment, with `overrides` (flat or section names; None means "not given") on top."""
        return cls(**{k: v for k, v in overrides.items() if v is not None})

    def replace(self, **changes) -> "Settings":
        """A copy with `changes` (flat or section names) applied, validated like any other."""
        tree = self.model_dump()
        tree["llm"]["api_key"] = self.llm.api_key.get_secret_value()
        normalized = Settings._legacy_names(dict(changes))
        for key, value in normalized.items():
            if isinstance(value, dict):
                tree.setdefault(key, {}).update(value)
            else:
                tree[key] = value
        return Settings(**tree)

    def get(self, path: str):
        """A leaf by its dotted path ("retrieval.top_k")."""
        value = self
        for part in path.split("."):
            value = getattr(value, part)
        return value

    # --- where things live -------------------------------------------------------------------------------------

    @property
    def index_dir(self) -> Path:
        return Path(self.paths.data_dir) / "index"

    @property
    def cache_dir(self) -> Path:
        return Path(self.paths.embed_cache) if self.paths.embed_cache else Path(self.paths.data_dir) / "cache"

    @property
    def fetch_dir(self) -> Path:
        return Path(self.paths.data_dir) / "sources"

    def source_dirs(self) -> list[Path]:
        from .manifest import default_sources_dirs
        return default_sources_dirs(Path(self.paths.data_dir), Path(self.paths.sources) if self.paths.sources else None)

    # --- what reports show and what the hash covers ---------------------------------------------------------------

    def public(self) -> dict:
        """Every leaf by dotted path, as shown in reports: paths as strings, secrets left out (the API key, and the
        records URL, which can hold a database password)."""
        out = {}
        for path, f in _leaves(Settings):
            value = self.get(path)
            if isinstance(value, SecretStr) or path == "records_url":
                continue
            out[path] = str(value) if isinstance(value, Path) else value
        return out

    @property
    def hash(self) -> str:
        """sha256 (12 hex) of the leaves that can change an answer (not paths, servers, batch sizes or secrets)."""
        hashed = {path: self.get(path) for path, f in _leaves(Settings) if f.json_schema_extra["hashed"]}
        return hashlib.sha256(json.dumps(hashed, sort_keys=True).encode()).hexdigest()[:12]


for _flat, _path in LEGACY.items():           # settings.top_k == settings.retrieval.top_k (see LEGACY)
    setattr(Settings, _flat, property(lambda self, _p=_path: self.get(_p)))


# --- errors -----------------------------------------------------------------------------------------------------------

_ENV_OF = {path: f.json_schema_extra["env"] for path, f in _leaves(Settings)}
_WHY = {"int_parsing": "is not a whole number", "int_from_float": "is not a whole number",
        "float_parsing": "is not a number", "bool_parsing": "is not true or false", "path_type": "is not a path"}


def _explain(err: dict) -> str:
    path = ".".join(str(x) for x in err["loc"])
    name = _ENV_OF.get(path, path)
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind in _WHY:
        why = _WHY[kind]
    elif kind in ("greater_than_equal", "greater_than"):
        why = f"must be {'at least' if kind.endswith('equal') else 'more than'} {ctx.get('ge', ctx.get('gt'))}"
    elif kind in ("less_than_equal", "less_than"):
        why = f"must be {'at most' if kind.endswith('equal') else 'less than'} {ctx.get('le', ctx.get('lt'))}"
    elif kind == "literal_error":
        why = f"must be {ctx.get('expected', '').replace(chr(39), '')}"
    elif kind == "extra_forbidden":
        return f"Settings error: unknown setting {path!r}"
    else:
        why = err["msg"][0].lower() + err["msg"][1:]
    shown = "'***'" if path == "llm.api_key" else repr(err.get("input"))
    return f"Settings error: {name}={shown} {why}"


# --- the README table -------------------------------------------------------------------------------------------------

def _shown_default(f) -> str:
    extra = f.json_schema_extra
    if "shown" in extra:
        return extra["shown"] if extra["shown"].startswith("(") else f"`{extra['shown']}`"
    default = f.default.get_secret_value() if isinstance(f.default, SecretStr) else f.default
    return f"`{default}`" if default not in ("", None) else ""


def markdown_table() -> str:
    """The README's settings table, from the field descriptions."""
    lines = ["| variable | setting | default | meaning |", "|---|---|---|---|"]
    for path, f in _leaves(Settings):
        lines.append(f"| `{f.json_schema_extra['env']}` | `{path}` | {_shown_default(f)} | {f.description} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--markdown"]:
        print(markdown_table())
        return 0
    try:
        print(json.dumps({"hash": Settings.from_env().hash, **Settings.from_env().public()}, indent=1))
    except SettingsError as e:
        print(e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
