"""Build the indexes from the corpus: SQLite store, BM25 (bm25s) and Chroma, atomically and idempotently.

Layout under `<data>/index/`:
    CURRENT            id of the build that serves (switched with os.replace, so readers never see a half state)
    <build id>/        store.sqlite, bm25/, chroma/ (embedded mode), build.json (the report; written last)
A build id hashes everything the build depends on (parser version, manifest, source file hashes, embedding model,
chunking, corpus/catchwords.toml), so re-ingesting unchanged sources finds the build in place and does nothing. A
failed or interrupted build never touches CURRENT: the previous build keeps serving, and the half-built folder is
removed next time.
"""
from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .catchwords import CATCHWORDS_PATH, catchwords_hash, load_catchwords
from .chunks import WINDOW_WORDS, make_chunks
from .corpus import Corpus, load_corpus
from .manifest import Manifest, load_manifest
from .settings import Settings

# A build depends on the code that parses and chunks: its hash is part of the build id, so a parser fix rebuilds.
BUILD_CODE = ("model.py", "annex_json.py", "eurlex_text.py", "annex_text.py", "pdf.py", "corpus.py", "chunks.py",
              "store.py", "index.py", "catchwords.py", "criteria.py", "quantities.py", "units.txt",
              "../corpus/criteria_overrides.toml")
PARSER_VERSION = hashlib.sha256(b"".join((Path(__file__).parent / f).read_bytes() for f in BUILD_CODE)).hexdigest()[:12]
KEEP_BUILDS = 2                     # the serving build and the one before it


@dataclass
class BuildReport:
    build_id: str
    status: str                                   # built | up_to_date
    provisions: dict = field(default_factory=dict)     # source -> kind -> count
    flags: dict = field(default_factory=dict)          # source -> flag -> count
    skipped: dict = field(default_factory=dict)
    chunks: int = 0
    embedded: int = 0                             # vectors computed in this build (the rest came from the cache)
    seconds: dict = field(default_factory=dict)
    size_bytes: int = 0
    peak_rss_mb: float = 0.0
    chroma: str = ""
    settings_hash: str = ""

    def summary(self) -> str:
        lines = [f"build {self.build_id}: {self.status}"]
        for source, kinds in self.provisions.items():
            total = sum(kinds.values())
            lines.append(f"  {source}: {total} provisions (" + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ")")
            if self.flags.get(source):
                lines.append("    artefact flags: " + ", ".join(f"{k} {v}" for k, v in sorted(self.flags[source].items())))
        for source, why in self.skipped.items():
            lines.append(f"  {source}: skipped, {why}")
        if self.status == "built":
            lines.append(f"  {self.chunks} chunks, {self.embedded} embedded now (others from the cache)")
            lines.append("  time: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))
            lines.append(f"  index size {self.size_bytes / 1e6:.1f} MB, peak RSS {self.peak_rss_mb:.0f} MB, chroma {self.chroma}")
        return "\n".join(lines)


def compute_build_id(corpus: Corpus, manifest: Manifest, catchwords_path: Path | None = CATCHWORDS_PATH) -> str:
    from .embed import MODEL_ID
    key = json.dumps({"parser": PARSER_VERSION, "manifest": manifest.text_hash, "files": corpus.file_hashes,
                      "model": MODEL_ID, "window": WINDOW_WORDS, "catchwords": catchwords_hash(catchwords_path)},
                     sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def current_build(index_dir: Path) -> str | None:
    try:
        bid = (index_dir / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None
    return bid if (index_dir / bid / "build.json").is_file() else None


def collection_name(build_id: str) -> str:
    return f"dualuse-{build_id}"


def chroma_client(settings: Settings, build_dir: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    cs = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=cs)
    return chromadb.PersistentClient(path=str(build_dir / "chroma"), settings=cs)


def build_index(settings: Settings | None = None, manifest: Manifest | None = None, *, force: bool = False,
                progress: bool = True, log=print, catchwords_path: Path | None = CATCHWORDS_PATH) -> BuildReport:
    """Build (or find in place) the index of the corpus. `catchwords_path=None` builds without catchwords."""
    settings = settings or Settings.from_env()
    manifest = manifest or load_manifest()
    t0 = time.perf_counter()
    corpus = load_corpus(manifest, settings.source_dirs())
    bid = compute_build_id(corpus, manifest, catchwords_path)
    index_dir = settings.index_dir
    report = BuildReport(bid, "up_to_date", skipped=corpus.skipped, settings_hash=settings.hash,
                         chroma=f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "embedded")
    for p in corpus.provisions:
        report.provisions.setdefault(p.source, Counter())[p.kind] += 1
        for f in p.flags:
            report.flags.setdefault(p.source, Counter())[f] += 1
    report.provisions = {k: dict(v) for k, v in report.provisions.items()}
    report.flags = {k: dict(v) for k, v in report.flags.items()}
    _ensure_onnx(settings, log)                 # once per embedding cache, whether or not the index is rebuilt
    if current_build(index_dir) == bid and not force and _server_has(settings, bid):
        return report
    report.status = "built"
    report.seconds["parse"] = corpus.seconds
    build_dir = index_dir / bid
    if build_dir.exists():                      # left over from an interrupted or forced build
        shutil.rmtree(build_dir)
    build_dir.mkdir(parents=True)
    try:
        _build(corpus, manifest, settings, build_dir, report, progress, log, catchwords_path)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    report.seconds["total"] = time.perf_counter() - t0
    report.size_bytes = sum(f.stat().st_size for f in build_dir.rglob("*") if f.is_file())
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (build_dir / "build.json").write_text(json.dumps(asdict(report), indent=2))
    tmp = index_dir / "CURRENT.tmp"
    tmp.write_text(bid)
    os.replace(tmp, index_dir / "CURRENT")      # the switch: atomic on POSIX
    _prune(index_dir, settings, keep=bid)
    return report


def _build(corpus: Corpus, manifest: Manifest, settings: Settings, build_dir: Path, report: BuildReport,
           progress: bool, log, catchwords_path: Path | None = CATCHWORDS_PATH) -> None:
    import bm25s
    import Stemmer

    from .embed import EmbeddingCache, LocalMiniLM, embed_cached
    from .store import write_store

    statuses = {s.id: s.status for s in manifest.sources}
    t = time.perf_counter()
    chunks = make_chunks(corpus.provisions, load_catchwords(catchwords_path))
    report.chunks = len(chunks)
    sources = {s.id: {**asdict(s), "folder_used": str(corpus.folders.get(s.id, "")),
                      "provisions": sum(report.provisions.get(s.id, {}).values())} for s in manifest.sources}
    write_store(build_dir / "store.sqlite", corpus.provisions, statuses, chunks, sources,
                {"build_id": report.build_id, "parser_version": PARSER_VERSION, "settings_hash": settings.hash,
                 "manifest_hash": manifest.text_hash, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
    report.seconds["store"] = time.perf_counter() - t

    t = time.perf_counter()
    texts = [c.embed_text for c in chunks]
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False)
    bm25 = bm25s.BM25()
    bm25.index(tokens, show_progress=False)
    bm25.save(str(build_dir / "bm25"))
    report.seconds["bm25"] = time.perf_counter() - t

    t = time.perf_counter()
    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite")
    log(f"embedding {len(texts)} chunks (cached vectors are reused)…")
    vectors, report.embedded = embed_cached(texts, cache, settings.embed_batch_size, progress=progress)
    report.seconds["embed"] = time.perf_counter() - t

    t = time.perf_counter()
    client = chroma_client(settings, build_dir)
    name = collection_name(report.build_id)
    if name in [c.name for c in client.list_collections()]:
        client.delete_collection(name)
    collection = client.create_collection(name, embedding_function=LocalMiniLM(),
                                          configuration={"hnsw": {"space": "cosine"}},
                                          metadata={"build_id": report.build_id})
    by_id = {p.id: p for p in corpus.provisions}
    metas = [_metadata(c, by_id[c.provision_id], statuses) for c in chunks]
    step = 1000
    batches = range(0, len(chunks), step)
    if progress:
        from tqdm import tqdm
        batches = tqdm(batches, desc="chroma", unit="batch")
    for i in batches:
        collection.add(ids=[c.id for c in chunks[i:i + step]], embeddings=vectors[i:i + step],
                       metadatas=metas[i:i + step], documents=[c.embed_text for c in chunks[i:i + step]])
    report.seconds["chroma"] = time.perf_counter() - t


def _ensure_onnx(settings: Settings, log) -> None:
    """The ONNX export of the model that answering uses (made once per embedding cache)."""
    from .embed import ONNX_FILE, export_onnx
    if not (settings.cache_dir / ONNX_FILE).is_file():
        try:
            export_onnx(settings.cache_dir / ONNX_FILE)
        except Exception as e:       # answering falls back to sentence-transformers: slower to start, same vectors
            log(f"ONNX export skipped ({e}); queries will use sentence-transformers")


def _metadata(chunk, p, statuses: dict[str, str]) -> dict:
    from .model import annex_of, category_of
    return {"provision_id": p.id, "locator": p.locator, "source": p.source, "version": p.version,
            "status": statuses[p.source], "kind": p.kind, "annex": annex_of(p.locator),
            "category": category_of(p.locator) or ""}


def _server_has(settings: Settings, bid: str) -> bool:
    """In server mode the collection lives in the server: a build is only current if the server still has it."""
    if not settings.chroma_host:
        return True
    try:
        client = chroma_client(settings, Path("."))
        return collection_name(bid) in [c.name for c in client.list_collections()]
    except Exception:
        return False


def _prune(index_dir: Path, settings: Settings, keep: str) -> None:
    builds = sorted((d for d in index_dir.iterdir() if d.is_dir() and (d / "build.json").is_file()),
                    key=lambda d: d.stat().st_mtime, reverse=True)
    keep_ids = {keep} | {d.name for d in builds[:KEEP_BUILDS]}
    for d in index_dir.iterdir():
        if d.is_dir() and d.name not in keep_ids:
            shutil.rmtree(d, ignore_errors=True)
    if settings.chroma_host:
        client = chroma_client(settings, Path("."))
        for c in client.list_collections():
            if c.name.startswith("dualuse-") and c.name.removeprefix("dualuse-") not in keep_ids:
                client.delete_collection(c.name)


class IndexMissing(Exception):
    """No complete index build is serving."""


def serving_build(settings: Settings) -> Path:
    """Folder of the build that serves, or IndexMissing with the command that builds one."""
    bid = current_build(settings.index_dir)
    if not bid:
        raise IndexMissing(f"no index in {settings.index_dir}: build it with `dualuse ingest` "
                           "(reads ../shared/sources or $DUALUSE_SOURCES)")
    return settings.index_dir / bid
