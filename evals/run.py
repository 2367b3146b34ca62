"""Run the gold set through the baselines and the full assistant; write the report (Markdown, JSON, PNG plots);
compare with the committed baseline report and, as the CI gate, fail on invalid citations, tool mismatches or a
drop in recall@5.

    dualuse eval                       # or: python -m evals
    dualuse eval --gate                # exit 1 when a gate condition fails
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from ingest.manifest import PROJECT_ROOT, SourceError, load_manifest, locate
from ingest.settings import Settings

from .metrics import KS, Case, RawTexts, citation_precision, load_cases, retrieval_scores, tool_exact

GOLD = PROJECT_ROOT / "evals" / "gold"
REPORTS = PROJECT_ROOT / "evals" / "reports"
BASELINES = ("bm25", "dense", "hybrid", "hybrid+lexicon")
SYSTEMS = BASELINES + ("assistant",)
TOLERANCE = 0.02          # recall@5 may drop this much against the baseline before the gate fails


class EvalError(Exception):
    pass


def require_real_corpus(settings: Settings) -> None:
    """The eval runs on the official texts only; fail fast when they are not on this machine."""
    manifest = load_manifest()
    for source in manifest.sources:
        if source.status == "in_force" and source.files and locate(source, settings.source_dirs()) is None:
            raise EvalError(f"the official texts of {source.id} are not on this machine (looked in "
                            f"{', '.join(map(str, settings.source_dirs()))}): the eval runs on the real corpus only; "
                            "set DUALUSE_SOURCES to a folder laid out like ../shared/sources")


def run(settings: Settings, gold_dir: Path = GOLD, progress=print) -> dict:
    from assistant.core import Assistant
    from ingest.index import build_index
    require_real_corpus(settings)
    try:
        build_index(settings, progress=False, log=lambda *a: None)      # idempotent: the index of these texts
    except SourceError as e:
        raise EvalError(str(e)) from None
    assistant = Assistant(settings)
    folders = [Path(s["folder_used"]) for s in assistant.store.sources.values() if s.get("folder_used")]
    raw = RawTexts(folders)
    cases = load_cases(gold_dir)
    assistant.answer("warm-up: what is 5A002?")                      # load the model before timing anything
    rows = []
    for i, case in enumerate(cases, 1):
        rows.append(_evaluate(case, assistant, raw))
        if progress and i % 25 == 0:
            progress(f"  {i}/{len(cases)} questions")
    report = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "build_id": assistant.library.build_id,
        "settings_hash": settings.hash, "corpus_version": assistant.corpus_version, "n": len(rows),
        "summary": summarize(rows), "rows": rows,
    }
    return report


def _evaluate(case: Case, assistant, raw: RawTexts) -> dict:
    row = {"id": case.id, "kind": case.kind, "split": case.split, "q": case.q, "gold": case.gold, "abstain": case.abstain}
    query = " ".join([h["content"] for h in case.history if h.get("role") == "user"] + [case.q])
    for system in BASELINES:
        start = time.perf_counter()
        text = query
        if system == "hybrid+lexicon":
            text = f"{query} {assistant.expand(query).words}"
        hits = assistant.library.search(text, k=10, mode="hybrid" if system.startswith("hybrid") else system)
        ranked = [h.locator for h in hits]
        row[system] = {**retrieval_scores(ranked, case.gold), "ranked": ranked[:10],
                       "latency_ms": (time.perf_counter() - start) * 1000}
    answer = assistant.answer(case.q, case.history)
    cited = [c.locator for c in answer.citations]
    invalid = [c.locator for c in answer.citations
               if assistant.store.get(c.locator, c.source) is None or not raw.contains(c.quote)]
    row["assistant"] = {**retrieval_scores(cited, case.gold), "ranked": cited[:10], "intent": answer.intent,
                        "abstained": answer.abstained, "citations": len(cited), "invalid": invalid,
                        "precision": citation_precision(cited, case.gold), "latency_ms": answer.seconds * 1000,
                        "leaked": [s for s in case.must_not if s.lower() in answer.text.lower()]}
    if case.tool:
        result = getattr(assistant.tools, case.tool["name"])(**case.tool["args"]).to_dict()
        ok, wrong = tool_exact(case, result)
        row["tool"] = {"name": case.tool["name"], "ok": ok, "wrong": wrong}
    return row


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.fmean(values), 4) if values else None


def _pct(values, q: float) -> float | None:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else None


def summarize(rows: list[dict]) -> dict:
    """Per subset (all, dev, heldout, each kind) and system: recall@k and MRR over answerable questions; for the
    assistant also citation validity and precision, abstention precision and recall, tool exact-match, latency."""
    subsets = {"all": rows, "dev": [r for r in rows if r["split"] == "dev"],
               "heldout": [r for r in rows if r["split"] == "heldout"]}
    for kind in sorted({r["kind"] for r in rows}):
        subsets[f"kind:{kind}"] = [r for r in rows if r["kind"] == kind]
    out = {}
    for name, subset in subsets.items():
        answerable = [r for r in subset if r["gold"]]
        block = {"n": len(subset), "answerable": len(answerable)}
        for system in SYSTEMS:
            block[system] = {m: _mean(r[system][m] for r in answerable) for m in [f"recall@{k}" for k in KS] + ["mrr"]}
        a = [r["assistant"] for r in subset]
        cites = sum(x["citations"] for x in a)
        should = [r for r in subset if r["abstain"]]
        did = [r for r in subset if r["assistant"]["abstained"]]
        tools = [r["tool"]["ok"] for r in subset if "tool" in r]
        block["assistant"].update({
            "citations": cites,
            "citation_validity": round(1 - sum(len(x["invalid"]) for x in a) / cites, 4) if cites else None,
            "citation_precision": _mean(x["precision"] for x in a),
            "abstention_precision": round(sum(r["abstain"] for r in did) / len(did), 4) if did else None,
            "abstention_recall": round(sum(r["assistant"]["abstained"] for r in should) / len(should), 4) if should else None,
            "leaks": sum(bool(x["leaked"]) for x in a),
            "tool_exact": round(sum(tools) / len(tools), 4) if tools else None, "tool_cases": len(tools),
            "latency_p50_ms": _pct([x["latency_ms"] for x in a], 0.5),
            "latency_p95_ms": _pct([x["latency_ms"] for x in a], 0.95),
        })
        out[name] = block
    return out


def gate(report: dict, baseline: dict | None) -> list[str]:
    """The CI gate: what fails, in plain sentences (empty when all is well)."""
    s = report["summary"]["all"]["assistant"]
    problems = []
    if s["citation_validity"] is not None and s["citation_validity"] < 1.0:
        problems.append(f"citation validity {s['citation_validity']:.2%} < 100%")
    if s["tool_exact"] is not None and s["tool_exact"] < 1.0:
        problems.append(f"tool exact-match {s['tool_exact']:.2%} < 100%")
    if s["leaks"]:
        problems.append(f"{s['leaks']} injection answer(s) contain forbidden text")
    if baseline:
        was = baseline["summary"]["all"]["assistant"]["recall@5"]
        if s["recall@5"] < was - TOLERANCE:
            problems.append(f"recall@5 {s['recall@5']:.3f} fell below the baseline {was:.3f} - {TOLERANCE}")
    return problems


def case_changes(report: dict, baseline: dict | None) -> dict:
    """Per-case changes of the assistant's recall@5 against the baseline run."""
    if not baseline:
        return {"now_passing": [], "now_failing": []}
    before = {r["id"]: r["assistant"]["recall@5"] for r in baseline["rows"]}
    now = {r["id"]: r["assistant"]["recall@5"] for r in report["rows"]}
    return {"now_passing": sorted(i for i in now if now[i] > before.get(i, 0.0) and i in before),
            "now_failing": sorted(i for i in now if now[i] < before.get(i, 1.0) and i in before)}
