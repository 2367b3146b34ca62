"""Run the gold set through the baselines and the full assistant; write the report (Markdown, JSON, PNG plots);
compare it, case by case, with the committed baseline report and with the previous run; as the CI gate, fail on
invalid citations, tool mismatches, leaks or a drop in strict recall@5.

    dualuse eval                       # or: python -m evals
    dualuse eval --gate                # exit 1 when a gate condition fails

Figures use strict matching (evals/gold/README.md); the lenient figure is kept beside it, labelled. Every report
carries the fingerprint of the run (ingest/fingerprint.py). Held-out cases are sealed in everything written: ids,
ranks and check names only (`seal`), never question text, gold locators or answers.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import time
from pathlib import Path

from ingest.fingerprint import components, of_components
from ingest.manifest import PROJECT_ROOT, SourceError, load_manifest, locate
from ingest.settings import Settings

from .metrics import CHECK_NAMES, KS, Case, Outcome, RawTexts, citation_precision, first_hit, load_cases, run_checks

GOLD = PROJECT_ROOT / "evals" / "gold"
REPORTS = PROJECT_ROOT / "evals" / "reports"
# The previous run on this machine (not committed: it is a local comparison point, and test-artifacts/ is ignored).
PREVIOUS = PROJECT_ROOT / "test-artifacts" / "eval" / "previous.json"
BASELINES = ("bm25", "dense", "hybrid", "hybrid+lexicon")
SYSTEMS = BASELINES + ("assistant",)
SPLITS = ("all", "dev", "heldout")
TOLERANCE = 0.02          # strict recall@5 may drop this much against the baseline before the gate fails


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
    parts = components(settings, assistant.library.build_id)
    report = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "build_id": assistant.library.build_id,
        "settings_hash": settings.hash, "fingerprint": of_components(parts), "fingerprint_components": parts,
        "matching": "strict", "corpus_version": assistant.corpus_version, "n": len(rows),
        "summary": summarize(rows), "rows": rows,
    }
    return report


def _ranks(ranked: list[str], gold: list[str]) -> dict:
    return {"rank": first_hit(ranked, gold), "rank_lenient": first_hit(ranked, gold, strict=False)}


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
        row[system] = {**_ranks(ranked, case.gold), "ranked": ranked[:10],
                       "latency_ms": round((time.perf_counter() - start) * 1000, 1)}
    answer = assistant.answer(case.q, case.history)
    cited = [c.locator for c in answer.citations]
    invalid = [c.locator for c in answer.citations
               if assistant.store.get(c.locator, c.source) is None or not raw.contains(c.quote)]
    row["assistant"] = {**_ranks(cited, case.gold), "ranked": cited[:10], "intent": answer.intent,
                        "abstained": answer.abstained, "citations": len(cited), "invalid": invalid,
                        "precision": citation_precision(cited, case.gold),
                        "latency_ms": round(answer.seconds * 1000, 1)}
    tool = getattr(assistant.tools, case.tool["name"])(**case.tool["args"]).to_dict() if case.tool else None
    determination = answer.to_dict().get("determination")
    row["checks"] = run_checks(case, Outcome(cited, invalid, answer.abstained, answer.text, tool, determination))
    return row


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.fmean(values), 4) if values else None


def _pct(values, q: float) -> float | None:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else None


def _recall(rows: list[dict], system: str, k: int, key: str = "rank") -> float | None:
    return _mean(float(r[system][key] is not None and r[system][key] <= k) for r in rows)


def _count(invalid: list | int) -> int:
    return invalid if isinstance(invalid, int) else len(invalid)          # a sealed row keeps only the count


def _block(subset: list[dict]) -> dict:
    answerable = [r for r in subset if r["gold"]]
    block = {"n": len(subset), "answerable": len(answerable)}
    for system in SYSTEMS:
        b = {f"recall@{k}": _recall(answerable, system, k) for k in KS}
        b["mrr"] = _mean(1.0 / r[system]["rank"] if r[system]["rank"] else 0.0 for r in answerable)
        b["recall@5_lenient"] = _recall(answerable, system, 5, "rank_lenient")
        b["mrr_lenient"] = _mean(1.0 / r[system]["rank_lenient"] if r[system]["rank_lenient"] else 0.0
                                 for r in answerable)
        block[system] = b
    a = [r["assistant"] for r in subset]
    cites = sum(x["citations"] for x in a)
    should = [r for r in subset if r["abstain"]]
    did = [r for r in subset if r["assistant"]["abstained"]]
    tools = [r["checks"]["tool_exact"]["ok"] for r in subset if "tool_exact" in r["checks"]]
    block["assistant"].update({
        "citations": cites,
        "citation_validity": round(1 - sum(_count(x["invalid"]) for x in a) / cites, 4) if cites else None,
        "citation_precision": _mean(x["precision"] for x in a),
        "abstention_precision": round(sum(r["abstain"] for r in did) / len(did), 4) if did else None,
        "abstention_recall": round(sum(r["assistant"]["abstained"] for r in should) / len(should), 4) if should else None,
        "leaks": sum(not r["checks"]["no_leak"]["ok"] for r in subset if "no_leak" in r["checks"]),
        "tool_exact": round(sum(tools) / len(tools), 4) if tools else None, "tool_cases": len(tools),
        "latency_p50_ms": _pct([x["latency_ms"] for x in a], 0.5),
        "latency_p95_ms": _pct([x["latency_ms"] for x in a], 0.95),
    })
    block["checks"] = {name: {"passed": sum(r["checks"][name]["ok"] for r in subset if name in r["checks"]),
                              "applicable": sum(name in r["checks"] for r in subset)} for name in CHECK_NAMES}
    return block


def summarize(rows: list[dict]) -> dict:
    """Per subset and system: strict recall@k and MRR over answerable questions (and the lenient recall@5 and MRR
    beside them); for the assistant also citation validity and precision, abstention precision and recall, tool
    exact-match, latency, and how many cases passed each check. Subsets: all, dev, heldout; each kind overall
    ("kind:X") and per split ("dev/kind:X", "heldout/kind:X")."""
    by_split = {"all": rows, "dev": [r for r in rows if r["split"] == "dev"],
                "heldout": [r for r in rows if r["split"] == "heldout"]}
    subsets = dict(by_split)
    for kind in sorted({r["kind"] for r in rows}):
        for split, part in by_split.items():
            name = f"kind:{kind}" if split == "all" else f"{split}/kind:{kind}"
            subsets[name] = [r for r in part if r["kind"] == kind]
    return {name: _block(subset) for name, subset in subsets.items()}


def gate(report: dict, baseline: dict | None) -> list[str]:
    """The CI gate on strict figures: what fails, in plain sentences (empty when all is well)."""
    s = report["summary"]["all"]["assistant"]
    problems = []
    if s["citation_validity"] is not None and s["citation_validity"] < 1.0:
        problems.append(f"citation validity {s['citation_validity']:.2%} < 100%")
    if s["tool_exact"] is not None and s["tool_exact"] < 1.0:
        problems.append(f"tool exact-match {s['tool_exact']:.2%} < 100%")
    if s["leaks"]:
        problems.append(f"{s['leaks']} injection answer(s) contain forbidden text")
    if baseline:
        # like with like: a baseline written before strict scoring is compared on the lenient figure
        strict = baseline.get("matching") == "strict"
        key, label = ("recall@5", "strict") if strict else ("recall@5_lenient", "lenient")
        was, now = baseline["summary"]["all"]["assistant"]["recall@5"], s[key]
        if now < was - TOLERANCE:
            problems.append(f"{label} recall@5 {now:.3f} fell below the baseline {was:.3f} - {TOLERANCE}")
    return problems


def case_changes(report: dict, other: dict | None) -> dict:
    """Per case, the checks that flipped against `other` (the baseline or the previous run), with its fingerprint."""
    if not other or not any("checks" in r for r in other["rows"]):
        why = "nothing to compare with" if not other else "it predates per-case checks"
        return {"fingerprint": _fingerprint_of(other), "created": (other or {}).get("created"),
                "not_compared": why, "now_failing": {}, "now_passing": {}, "new": [], "gone": []}
    before = {r["id"]: r for r in other["rows"]}
    now = {r["id"]: r for r in report["rows"]}
    failing, passing = {}, {}
    for cid in sorted(set(now) & set(before)):
        old, new = before[cid].get("checks", {}), now[cid]["checks"]
        fell = [c for c in new if not new[c]["ok"] and old.get(c, {}).get("ok", True)]
        rose = [c for c in new if new[c]["ok"] and c in old and not old[c]["ok"]]
        if fell:
            failing[cid] = fell
        if rose:
            passing[cid] = rose
    return {"fingerprint": _fingerprint_of(other), "created": other.get("created"), "now_failing": failing,
            "now_passing": passing, "new": sorted(set(now) - set(before)), "gone": sorted(set(before) - set(now))}


def _fingerprint_of(report: dict | None) -> str | None:
    if not report:
        return None
    return report.get("fingerprint") or f"none (written before fingerprints; settings hash {report.get('settings_hash')})"


SEALED_KEEP = {"id", "kind", "split", "abstain"}
SEALED_SYSTEM = {"rank", "rank_lenient", "latency_ms", "abstained", "citations", "precision"}


def seal(row: dict) -> dict:
    """A row as any written artefact shows it: dev rows whole; held-out rows as id, kind, ranks, latency and which
    checks passed (no question text, history, gold locators, citations, intents or check details)."""
    if row["split"] != "heldout":
        return row
    out = {k: v for k, v in row.items() if k in SEALED_KEEP}
    out["gold"] = bool(row["gold"])                      # answerable or not, so the summary can be recomputed
    for system in SYSTEMS:
        out[system] = {k: v for k, v in row[system].items() if k in SEALED_SYSTEM}
    out["assistant"]["invalid"] = _count(row["assistant"]["invalid"])
    out["checks"] = {name: {"ok": c["ok"]} for name, c in row["checks"].items()}
    return out


def committed_baseline(path: Path = REPORTS / "report.json") -> dict | None:
    """The report as committed (git HEAD), so a run that overwrote the file still compares with the commit."""
    try:
        rel = path.resolve().relative_to(PROJECT_ROOT)
        text = subprocess.run(["git", "show", f"HEAD:{rel.as_posix()}"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, check=True).stdout
        return json.loads(text)
    except (ValueError, subprocess.CalledProcessError, FileNotFoundError, json.JSONDecodeError):
        return json.loads(path.read_text()) if path.is_file() else None


def previous_run(path: Path = PREVIOUS) -> dict | None:
    return json.loads(path.read_text()) if path.is_file() else None

