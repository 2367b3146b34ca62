"""The classification bench: does the assistant say listed / not listed / needs facts / needs expert, for the right
entry and the exact deciding sub-item, fast enough?

    python -m evals.classify_bench                      # dev cases, report in evals/classify/report/
    python -m evals.classify_bench --split heldout      # the sealed third: aggregates and ids only
    python -m evals.classify_bench --split all --out /tmp/cls

Each case of `evals/classify/{dev,heldout}.jsonl` (schema in `evals/classify/README.md`) is sent to
`assistant.answer(q)`; its `to_dict()["determination"]` is scored with the checks below. A missing determination or
field fails every check that needs it: nothing missing ever counts as a pass.

- status_right          determination.status equals the expected status
- entry_right           listed: the entry of `deciding`; otherwise: the expected entry is among the entries checked
                        (entries[].locator, ruled_out[].locator, questions[].locator); n/a when no entry is expected
- item_exact            listed only: status "listed" and `deciding` is the expected item (or one of `also_exact`)
- listed_as_not_listed  a listed case answered "not_listed" (the figure that must stay 0)
- unsafe_not_listed     any case expected listed / needs_facts / needs_expert answered "not_listed"
- asks                  needs_facts only: every expected parameter is asked (questions[].parameter or .text)
- release_cited         release-Note cases: the Note's locator appears in the determination or the citations
- seconds               wall clock of answer(q), after one untimed warm-up question
- cited_first           informational only: the first Annex I entry among the citations is the expected entry
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ingest.manifest import PROJECT_ROOT
from ingest.model import entry_code_of, fold, is_within

CASES_DIR = PROJECT_ROOT / "evals" / "classify"
REPORT_DIR = CASES_DIR / "report"
SPLITS = ("dev", "heldout")
STATUSES = ("listed", "not_listed", "needs_facts", "needs_expert")
SPLIT_SEED = 821                 # the regulation's number; fixed before any tuning
HELDOUT_SHARE = 1 / 3
GOAL_SECONDS = 1.0
CHECKS = ("status_right", "entry_right", "item_exact", "asks", "release_cited")

Answer = Callable[[str], dict]


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Case:
    id: str
    q: str
    group: str
    expect: dict
    split: str
    pair: str | None = None
    side: str | None = None
    basis: str = ""
    note: str = ""

    @property
    def status(self) -> str:
        return self.expect["status"]


def load_cases(split: str = "all", folder: Path = CASES_DIR) -> list[Case]:
    """The cases of one split ('dev', 'heldout') or both ('all'), in file order."""
    if split not in (*SPLITS, "all"):
        raise BenchError(f"unknown split {split!r}: use dev, heldout or all")
    cases = []
    for name in SPLITS if split == "all" else (split,):
        path = folder / f"{name}.jsonl"
        if not path.is_file():
            raise BenchError(f"{path} is missing")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                cases.append(Case(d["id"], d["q"], d["group"], d["expect"], name, d.get("pair"), d.get("side"),
                                  d.get("basis", ""), d.get("note", "")))
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise BenchError(f"{path}:{n}: not a case ({e})") from None
    return cases


def split_rule(cases: list[dict], seed: int = SPLIT_SEED) -> dict[str, str]:
    """The written-down split: within each group, the two cases of a near-threshold pair form one unit and every
    other case is a unit of its own; the units (in id order) are shuffled with random.Random(f"{seed}:{group}") and
    taken in that order into held-out while they fit within round(n / 3) cases of the group. Returns id -> split."""
    out: dict[str, str] = {}
    groups: dict[str, list[dict]] = {}
    for c in sorted(cases, key=lambda c: c["id"]):
        groups.setdefault(c["group"], []).append(c)
    for group, members in sorted(groups.items()):
        units: dict[str, list[str]] = {}
        for c in members:
            units.setdefault(c.get("pair") or c["id"], []).append(c["id"])
        order = list(units.values())
        random.Random(f"{seed}:{group}").shuffle(order)
        room = round(len(members) * HELDOUT_SHARE)
        for unit in order:
            held = len(unit) <= room
            room -= len(unit) if held else 0
            out.update({i: "heldout" if held else "dev" for i in unit})
    return out


# --- scoring one answer --------------------------------------------------------------------------------------

def _words(text) -> str:
    return " ".join(fold(str(text or "")).replace("_", " ").replace("-", " ").split())


def _locators(items) -> list[str]:
    return [str(x["locator"]) for x in items or [] if isinstance(x, dict) and x.get("locator")]


def _checked_entries(det: dict) -> set[str]:
    """Entry codes of the entries the determination evaluated, ruled out or asks about."""
    locators = _locators(det.get("entries")) + _locators(det.get("ruled_out")) + _locators(det.get("questions"))
    return {code for code in map(entry_code_of, locators) if code}


def _all_locators(answer: dict, det: dict) -> list[str]:
    checks = [c for e in det.get("entries") or [] if isinstance(e, dict) for c in e.get("checks") or []]
    return (_locators(det.get("entries")) + _locators(checks) + _locators(det.get("ruled_out"))
            + _locators(answer.get("citations")))


def _asked(alternatives: str, questions: list[dict]) -> bool:
    wanted = [_words(a) for a in alternatives.split("|") if a.strip()]
    heard = [_words(q.get("parameter")) + " | " + _words(q.get("text")) for q in questions]
    return any(w and w in h for w in wanted for h in heard)


def score(case: Case, answer: dict | None, seconds: float | None = None, error: str | None = None) -> dict:
    """The checks for one case. `answer` is `Answer.to_dict()` (or None when answer() failed)."""
    exp = case.expect
    answer = answer if isinstance(answer, dict) else {}
    det = answer.get("determination")
    det = det if isinstance(det, dict) else None
    got = det.get("status") if det else None
    deciding = det.get("deciding") if det else None
    row = {"id": case.id, "group": case.group, "split": case.split, "pair": case.pair, "expected": exp["status"],
           "got": got if got in STATUSES else ("missing" if got is None else f"invalid:{got}"),
           "deciding": deciding, "seconds": seconds, "error": error,
           "status_right": got == exp["status"]}
    if exp.get("entry"):
        if exp["status"] == "listed":
            row["entry_right"] = isinstance(deciding, str) and entry_code_of(deciding) == exp["entry"]
        else:
            row["entry_right"] = bool(det) and exp["entry"] in _checked_entries(det)
    else:
        row["entry_right"] = None
    if exp["status"] == "listed":
        row["item_exact"] = (got == "listed" and isinstance(deciding, str)
                             and deciding in {exp.get("item"), *exp.get("also_exact", [])})
    else:
        row["item_exact"] = None
    row["listed_as_not_listed"] = exp["status"] == "listed" and got == "not_listed"
    row["unsafe_not_listed"] = exp["status"] != "not_listed" and got == "not_listed"
    if exp["status"] == "needs_facts":
        questions = [q for q in (det.get("questions") or []) if isinstance(q, dict)] if det else []
        row["asks"] = bool(questions) and all(_asked(a, questions) for a in exp.get("ask", []))
    else:
        row["asks"] = None
    if exp.get("release"):
        row["release_cited"] = bool(det) and any(is_within(l, exp["release"]) for l in _all_locators(answer, det))
    else:
        row["release_cited"] = None
    cited = [code for code in map(entry_code_of, _locators(answer.get("citations"))) if code]
    row["cited_first"] = (bool(cited) and cited[0] == exp["entry"]) if exp.get("entry") else None
    row["failed"] = [c for c in CHECKS if row[c] is False] + (["listed_as_not_listed"] if row["listed_as_not_listed"] else [])
    if det:
        row["answer"] = {"status": got, "deciding": deciding, "entries_checked": sorted(_checked_entries(det)),
                         "asked": [q.get("parameter") for q in det.get("questions") or [] if isinstance(q, dict)]}
    else:
        row["answer"] = {"status": None, "why": error or "no determination in the answer"}
    return row


def run(cases: list[Case], answer: Answer, progress: Callable[[str], None] | None = None) -> list[dict]:
    """Score every case; answer(q) -> Answer.to_dict(). An exception fails that case and the run goes on."""
    rows = []
    for i, case in enumerate(cases, 1):
        start = time.perf_counter()
        try:
            result, error = answer(case.q), None
        except Exception as e:                      # a crash on one case is a failed case, not a failed run
            result, error = None, f"{type(e).__name__}: {e}"
        rows.append(score(case, result, time.perf_counter() - start, error))
        if progress and i % 20 == 0:
            progress(f"  {i}/{len(cases)} cases")
    return rows


# --- aggregates ------------------------------------------------------------------------------------------------

def _rate(rows: list[dict], check: str) -> dict:
    scored = [r[check] for r in rows if r[check] is not None]
    return {"right": sum(scored), "n": len(scored), "rate": round(sum(scored) / len(scored), 4) if scored else None}


def _pct(values: list[float], q: float) -> float | None:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 3) if values else None


def summarize(rows: list[dict]) -> dict:
    """Aggregates over a set of scored rows."""
    secs = [r["seconds"] for r in rows if r["seconds"] is not None]
    confusion = {e: {g: 0 for g in (*STATUSES, "missing", "invalid")} for e in STATUSES}
    for r in rows:
        confusion[r["expected"]][r["got"] if r["got"] in confusion[r["expected"]] else "invalid"] += 1
    pairs: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("pair"):
            pairs.setdefault(r["pair"], []).append(r)
    whole = [p for p in pairs.values() if len(p) == 2]
    return {
        "n": len(rows),
        "by_status": {s: sum(r["expected"] == s for r in rows) for s in STATUSES},
        **{c: _rate(rows, c) for c in CHECKS},
        "cited_first": _rate(rows, "cited_first"),
        "listed_as_not_listed": sum(r["listed_as_not_listed"] for r in rows),
        "unsafe_not_listed": sum(r["unsafe_not_listed"] for r in rows),
        "errors": sum(bool(r["error"]) for r in rows),
        "pairs_both_right": {"right": sum(all(r["status_right"] and r["item_exact"] is not False for r in p) for p in whole),
                             "n": len(whole)},
        "confusion": confusion,
        "seconds": {"p50": _pct(secs, 0.5), "p95": _pct(secs, 0.95), "max": round(max(secs), 3) if secs else None,
                    "mean": round(statistics.fmean(secs), 3) if secs else None,
                    f"under_{GOAL_SECONDS:g}s": sum(s < GOAL_SECONDS for s in secs)},
    }


def report(rows: list[dict], cases: list[Case], meta: dict) -> dict:
    """The report: aggregates per split (and per group for dev), dev rows in full, held-out rows as ids and the
    names of the checks they failed (never question text, expected values or answers)."""
    by_id = {c.id: c for c in cases}
    splits = sorted({r["split"] for r in rows}, key=SPLITS.index)
    out = {**meta, "splits": {s: summarize([r for r in rows if r["split"] == s]) for s in splits}}
    dev = [r for r in rows if r["split"] == "dev"]
    out["dev_groups"] = {g: summarize([r for r in dev if r["group"] == g]) for g in sorted({r["group"] for r in dev})}
    out["rows"] = [dict(r, q=by_id[r["id"]].q, expect=by_id[r["id"]].expect) if r["split"] == "dev" else
                   {"id": r["id"], "split": r["split"], "failed": r["failed"], "seconds": r["seconds"],
                    "error": bool(r["error"])}
                   for r in rows]
    return out


# --- writing -------------------------------------------------------------------------------------------------

def _frac(block: dict) -> str:
    return f"{block['right']}/{block['n']}" + (f" ({block['rate']:.0%})" if block.get("rate") is not None else "") if block["n"] else "n/a"


def markdown(rep: dict) -> str:
    lines = ["# Classification bench report", "",
             f"{rep['created']} · corpus: {rep.get('corpus_version') or 'n/a'} · settings `{rep.get('settings_hash') or 'n/a'}`  ",
             f"Reproduce: `{rep['command']}`", "",
             "Cases and checks: `evals/classify/README.md`. Seconds are the wall clock of `answer(q)` after one untimed "
             f"warm-up question (goal < {GOAL_SECONDS:g} s per case, no LLM).", "",
             "| split | n | status right | entry right | deciding item exact | listed reported as not listed | "
             "any unsafe 'not listed' | needs_facts asks | release Note cited | pairs both right | p50 / p95 / max s | under 1 s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in rep["splits"].items():
        sec = s["seconds"]
        lines.append(f"| {name} | {s['n']} | {_frac(s['status_right'])} | {_frac(s['entry_right'])} | "
                     f"{_frac(s['item_exact'])} | {s['listed_as_not_listed']} | {s['unsafe_not_listed']} | "
                     f"{_frac(s['asks'])} | {_frac(s['release_cited'])} | {_frac(s['pairs_both_right'])} | "
                     f"{sec['p50']} / {sec['p95']} / {sec['max']} | {sec[f'under_{GOAL_SECONDS:g}s']}/{s['n']} |")
    lines += ["", "Informational, not a check: the first Annex I entry among the answer's citations is the expected "
              "entry in " + ", ".join(f"{_frac(s['cited_first'])} {name} cases" for name, s in rep["splits"].items())
              + " (the text answer, read without a determination)."]
    for name, s in rep["splits"].items():
        lines += ["", f"## Status confusion ({name}: expected by row, answered by column)", "",
                  "| expected \\ answered | " + " | ".join(s["confusion"]["listed"]) + " |",
                  "|---|" + "---|" * len(s["confusion"]["listed"])]
        lines += [f"| {e} ({s['by_status'][e]}) | " + " | ".join(str(v) for v in row.values()) + " |"
                  for e, row in s["confusion"].items()]
    if rep["dev_groups"]:
        lines += ["", "## Dev cases per group", "", "| group | n | status right | entry right | item exact | asks |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {g} | {s['n']} | {_frac(s['status_right'])} | {_frac(s['entry_right'])} | "
                  f"{_frac(s['item_exact'])} | {_frac(s['asks'])} |" for g, s in rep["dev_groups"].items()]
    dev_fail = [r for r in rep["rows"] if r["split"] == "dev" and r["failed"]]
    if dev_fail:
        lines += ["", "## Dev failures", ""]
        for r in dev_fail:
            exp, ans = r["expect"], r["answer"]
            want = exp["status"] + (f" {exp.get('item') or exp.get('entry') or ''}" if exp.get("entry") else "")
            got = f"{ans.get('status')} {ans.get('deciding') or ''}".strip() if ans.get("status") else f"nothing ({ans.get('why')})"
            q = r["q"] if len(r["q"]) <= 160 else r["q"][:157] + "…"
            lines.append(f"- **{r['id']}** ({r['group']}): {q}  \n  expected {want.strip()}; answered {got}; "
                         f"failed: {', '.join(r['failed'])}")
    held = [r for r in rep["rows"] if r["split"] == "heldout"]
    if held:
        lines += ["", "## Held-out (ids only)", ""]
        for check in (*CHECKS, "listed_as_not_listed"):
            ids = [r["id"] for r in held if check in r["failed"]]
            lines.append(f"- failed {check}: {', '.join(ids) or 'none'}")
    return "\n".join(lines) + "\n"


def write(rep: dict, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md"]
    paths[0].write_text(json.dumps(rep, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(rep), encoding="utf-8")
    return paths


# --- running against the real assistant ---------------------------------------------------------------------------

def real_answer(progress=print) -> tuple[Answer, dict]:
    """The assistant over the official texts (index built if needed) and the facts the report records."""
    from assistant.core import Assistant
    from ingest.index import build_index
    from ingest.manifest import SourceError
    from ingest.settings import Settings

    from .run import EvalError, require_real_corpus
    settings = Settings.from_env()
    try:
        require_real_corpus(settings)
        build_index(settings, progress=False, log=lambda *a: None)
    except (EvalError, SourceError) as e:
        raise BenchError(str(e)) from None
    assistant = Assistant(settings)
    assistant.answer("Is a laboratory centrifuge on the dual-use list?")   # untimed: loads models and lazy paths
    meta = {"corpus_version": assistant.corpus_version, "settings_hash": settings.hash}
    return (lambda q: assistant.answer(q).to_dict()), meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.classify_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="dev")
    parser.add_argument("--out", type=Path, default=REPORT_DIR, help=f"report folder (default {REPORT_DIR.relative_to(PROJECT_ROOT)})")
    args = parser.parse_args(argv)
    try:
        cases = load_cases(args.split)
        answer, meta = real_answer()
    except BenchError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    rows = run(cases, answer, progress=print)
    command = "python -m evals.classify_bench" + (f" --split {args.split}" if args.split != "dev" else "")
    rep = report(rows, cases, {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "command": command, **meta})
    for path in write(rep, args.out):
        print(path)
    for name, s in rep["splits"].items():
        print(f"{name}: {s['n']} cases, status {_frac(s['status_right'])}, item exact {_frac(s['item_exact'])}, "
              f"listed as not listed {s['listed_as_not_listed']}, p95 {s['seconds']['p95']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
