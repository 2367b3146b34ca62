"""The serving index, opened once: the SQLite store, the BM25 index and the Chroma collection (through
langchain's vector store), with lexical, dense and hybrid (reciprocal rank fusion) search over chunks.

Results are provisions with the span of their text that matched, the corpus version on every hit."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ingest.embed import ONNX_FILE, LangchainMiniLM
from ingest.index import chroma_client, collection_name, serving_build
from ingest.model import Provision
from ingest.settings import Settings
from ingest.store import Store

RRF_K = 60
DEFAULT_STATUSES = ("in_force", "guidance")      # superseded texts answer only when asked "as of" a date


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
        self.build_dir = serving_build(settings)
        self.build_id = self.build_dir.name
        self.store = Store(self.build_dir / "store.sqlite")
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

    # --- the two indexes ---------------------------------------------------------------------------------------

    @cached_property
    def bm25(self):
        import bm25s
        return bm25s.BM25.load(str(self.build_dir / "bm25"))

    @cached_property
    def stemmer(self):
        import Stemmer
        return Stemmer.Stemmer("english")

    @cached_property
    def vectorstore(self):
        from langchain_chroma import Chroma
        client = chroma_client(self.settings, self.build_dir)
        return Chroma(client=client, collection_name=collection_name(self.build_id),
                      embedding_function=LangchainMiniLM(onnx=self.settings.cache_dir / ONNX_FILE),
                      create_collection_if_not_exists=False)

    def provision(self, pid: str) -> Provision:
        if pid not in self._provisions:
            self._provisions[pid] = self.store.by_id(pid)
        return self._provisions[pid]

    def _allowed(self, statuses, sources) -> np.ndarray:
        ok = [(self._status[p] in statuses) and (not sources or self._source[p] in sources) for p in self.chunk_provision]
        return np.array(ok, dtype=np.float32)

    def lexical(self, query: str, k: int = 20, statuses=DEFAULT_STATUSES, sources=None) -> list[tuple[int, float]]:
        """BM25 over chunk texts: (chunk number, score), best first."""
        import bm25s
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=self.stemmer, show_progress=False)
        if not tokens.vocab:
            return []
        k = min(k, len(self.chunk_ids))
        with self._lock:      # bm25s keeps state while retrieving
            docs, scores = self.bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1,
                                              weight_mask=self._allowed(tuple(statuses), sources))
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def dense(self, query: str, k: int = 20, statuses=DEFAULT_STATUSES, sources=None) -> list[tuple[int, float]]:
        """MiniLM + Chroma: (chunk number, cosine similarity), best first."""
        where: dict = {"status": {"$in": list(statuses)}}
        if sources:
            where = {"$and": [where, {"source": {"$in": list(sources)}}]}
        found = self.vectorstore.similarity_search_with_score(query, k=k, filter=where)
        return [(self.chunk_index[doc.id], 1.0 - float(distance)) for doc, distance in found if doc.id in self.chunk_index]

    def search(self, query: str, k: int = 10, mode: str = "hybrid", statuses=DEFAULT_STATUSES, sources=None) -> list[Hit]:
        """Provisions for `query`. mode: 'bm25', 'dense' or 'hybrid' (reciprocal rank fusion of both)."""
        key = (query, k, mode, tuple(statuses), tuple(sources or ()))
        if key not in self._recent:
            if len(self._recent) > 256:
                self._recent.clear()
            self._recent[key] = self._search(query, k, mode, statuses, sources)
        return list(self._recent[key])

    def _search(self, query: str, k: int, mode: str, statuses, sources) -> list[Hit]:
        depth = max(30, 3 * k)
        systems = {}
        if mode in ("bm25", "hybrid"):
            systems["bm25"] = self.lexical(query, depth, statuses, sources)
        if mode in ("dense", "hybrid"):
            systems["dense"] = self.dense(query, depth, statuses, sources)
        fused: dict[int, float] = {}
        ranks: dict[int, dict] = {}
        for name, results in systems.items():
            for rank, (n, _) in enumerate(results, 1):
                fused[n] = fused.get(n, 0.0) + 1.0 / (RRF_K + rank)
                ranks.setdefault(n, {})[name] = rank
        best: dict[str, Hit] = {}
        for n, score in sorted(fused.items(), key=lambda x: -x[1]):
            pid = self.chunk_provision[n]
            if pid not in best:
                best[pid] = Hit(self.provision(pid), score, self.chunk_span[n], ranks[n])
        hits = sorted(best.values(), key=lambda h: -h.score)
        return hits[:k]

    def describe(self) -> dict:
        return {"build_id": self.build_id, **json.loads((self.build_dir / "build.json").read_text())}
