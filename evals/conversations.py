"""The conversation suite: project-written multi-turn conversations fed to the assistant turn by turn, with named
checks per turn scored on the answer object (`Answer.to_dict()`, schema in docs/ARCHITECTURE.md).

    python -m evals.conversations                      # dev split, report in evals/reports/conversations/
    python -m evals.conversations --split heldout      # aggregates and case ids only, never text
    python -m evals.conversations --split all --out /tmp/convos

Each turn is sent as `assistant.answer(text, history)`, history being the earlier turns as
[{"role": "user"|"assistant", "content": ...}] (assistant content = the previous answer's text). A turn with an
`expect` block is scored; the data and how its expected values were derived are in evals/conversations/README.md.

Checks (each scored only on turns whose `expect` carries the key it reads):
  no_overgrant    no GEA outside `allowed_geas` is presented as usable: in determination.licensing.gea, by
                  licensing.outcome "gea_available" when none is allowed, or in a lead sentence ("Likely yes, under
                  ... EU001"); an answer without the `determination` key fails (it cannot be checked)
  right_item      the case's current item (else determination.item) has the expected code or a sub-item of it, and
                  no `must_not_mention` code is treated as the item (as the case's item, or named in the lead
                  other than as a sub-item of the answer's own entry)
  deciding_first  the first citation lies within one of the `deciding` locators (ingest.model.is_within)
  activity, purpose, destination, origin, end_use
                  the case fact (purpose null in a case = ordinary sale), else the licensing block
  outcome         determination.licensing.outcome is one of the expected values
  asks            a question back names the fact: determination/licensing questions, or a sentence with "?"
  release         the release Note is cited, ruled out or asked about
A field the check needs and the answer lacks is a failed check, never a pass.

Figures: share of conversations whose answers cite a deciding provision first (on every turn that carries
`deciding`), over-grants detected (must be 0), answers about a previous turn's item (must be 0), per-check pass
rates, per tag. Held-out conversations are reported as aggregates and case ids only.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import time
from pathlib import Path
from typing import Any

from ingest.manifest import PROJECT_ROOT
from ingest.model import is_within

SUITE = PROJECT_ROOT / "evals" / "conversations"
OUT = PROJECT_ROOT / "evals" / "reports" / "conversations"
SPLITS = ("dev", "heldout")
# The split (README, "Split"): conversations grouped by their first tag; within each group, in id order, a shuffle
# with this seed; the first ceil(HELDOUT_SHARE * n) are held out. Made once, before any tuning.
SPLIT_SEED = 20260821
HELDOUT_SHARE = 0.35
# Conversations added after the split carry a "batch"; each batch's split is recorded here and moves no earlier one.
# dev-typos-20261207: written while building the reading of misspelt words, and run during it: none can be held out.
BATCHES = {"dev-typos-20261207": "dev", "dev-followups-20261207": "dev", "dev-followups-20261207b": "dev",
           "dev-followups-20261207c": "dev"}
CHECKS = ("no_overgrant", "right_item", "deciding_first", "activity", "purpose", "destination", "origin", "end_use",
          "outcome", "asks", "release")
# The expect key each check reads (right_item also runs on must_not_mention alone).
CHECK_KEYS = {"no_overgrant": "allowed_geas", "right_item": "item", "deciding_first": "deciding",
              "activity": "activity", "purpose": "purpose", "destination": "destination", "origin": "origin",
              "end_use": "end_use", "outcome": "outcome", "asks": "must_ask", "release": "release"}

GEA_CODE = re.compile(r"\bEU00[1-8]\b")
# How a lead presents a GEA as usable (a heuristic next to the structured licensing.gea): a sentence that opens with
# "yes" grants the GEAs named before any "but"/"however"; elsewhere a clause grants a GEA it names when it says so
# positively and does not negate or condition it ("EU003 would apply only to a repair return" grants nothing).
YES = re.compile(r"^\W*(likely\s+|probably\s+)?yes\b", re.I)
TURN = re.compile(r"\bbut\b|\bhowever\b|;", re.I)
CLAUSE = re.compile(r"[,;:()\u2013\u2014]|\s-\s")
GRANTING = re.compile(r"\b(under|can use|may use|can be used|may be used|usable|available|applies|allows?|"
                      r"covered by)\b", re.I)
NOT_GRANTING = re.compile(r"\b(no|not|cannot|excluded|excludes|except|unless|only|would|neither|nor|instead)\b|"
                          r"n't\b", re.I)


# ---------------------------------------------------------------------------------------------------- data

def load(split: str = "all", folder: Path = SUITE) -> list[dict]:
    """The conversations of a split ("dev", "heldout" or "all"), each with its split recorded."""
    if split not in (*SPLITS, "all"):
        raise ValueError(f"unknown split {split!r}: use dev, heldout or all")
    cases = []
    for name in SPLITS if split == "all" else (split,):
        path = folder / f"{name}.jsonl"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    cases.append({**json.loads(line), "split": name})
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: not JSON ({e.msg})") from None
    return cases


def assign_split(cases: list[dict], seed: int = SPLIT_SEED) -> dict[str, str]:
    """{id: "dev" | "heldout"} by the rule above (stratified by first tag, seeded)."""
    rng = random.Random(seed)
    split = {c["id"]: BATCHES[c["batch"]] for c in cases if "batch" in c}
    original = [c for c in cases if "batch" not in c]
    for group in sorted({c["tags"][0] for c in original}):
        ids = sorted(c["id"] for c in original if c["tags"][0] == group)
        rng.shuffle(ids)
        held = math.ceil(HELDOUT_SHARE * len(ids))
        split.update({i: "heldout" if n < held else "dev" for n, i in enumerate(ids)})
    return split


# ---------------------------------------------------------------------------------------------------- reading an answer

def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def _licensing(answer: dict) -> dict | None:
    lic = _get(answer, "determination", "licensing")
    return lic if isinstance(lic, dict) else None


def _fact(answer: dict, name: str) -> Any:
    """The value of a case fact ({"value", "words", "turn"}), None when absent."""
    fact = _get(answer, "case", name)
    return fact.get("value") if isinstance(fact, dict) else fact


def _lead(answer: dict) -> str:
    """The lead paragraph: the direct answer and its first claims, up to the first blank line."""
    return re.split(r"\n\s*\n", (answer.get("text") or "").strip(), maxsplit=1)[0]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text.replace("**", "")) if s.strip()]


def _lead_grants(lead: str) -> set[str]:
    """GEAs a lead presents as usable, sentence by sentence (see GRANTING)."""
    out: set[str] = set()
    for sentence in _sentences(lead):
        if YES.search(sentence):
            out |= set(GEA_CODE.findall(TURN.split(sentence)[0]))
            continue
        for clause in CLAUSE.split(sentence):
            if GRANTING.search(clause) and not NOT_GRANTING.search(clause):
                out |= set(GEA_CODE.findall(clause))
    return out


def _norm_code(code: str) -> str:
    code = code.strip().rstrip(".")
    return code[:5].upper() + code[5:]


def _code_within(code: str, other: str) -> bool:
    return is_within(f"Annex I {_norm_code(code)}", f"Annex I {_norm_code(other)}")


def _mentions(text: str, code: str) -> bool:
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(_norm_code(code))}(?![0-9A-Za-z])", text, re.I) is not None


def _item_code(answer: dict) -> str | None:
    """The code of the item the answer is about: the code the user gave (a fact of the case: its value), else the
    sub-item the classification decided, else the entry the licensing route was checked for, else the first entry
    the item's product words point to."""
    case = answer.get("case") or {}
    current = case.get("current_item")
    item = next((i for i in case.get("items") or [] if isinstance(i, dict) and i.get("id") == current), None) or {}
    code = item.get("code")
    code = code.get("value") if isinstance(code, dict) else code
    deciding = _get(answer, "determination", "deciding")
    entries = item.get("entries")
    entries = entries.get("value") if isinstance(entries, dict) else entries
    return (code or (deciding.removeprefix("Annex I ") if isinstance(deciding, str) else None)
            or _get(answer, "determination", "licensing", "code") or _get(answer, "determination", "item", "code")
            or (entries[0] if entries else None))


def _as_list(v) -> list:
    return v if isinstance(v, list) else [v]


def _questions(answer: dict) -> list[str]:
    """Every question the answer asks back, as text to search."""
    out = []
    for q in (_get(answer, "determination", "questions") or []) + ((_licensing(answer) or {}).get("questions") or []):
        out.append(" ".join(str(q.get(k) or "") for k in ("parameter", "text", "locator")) if isinstance(q, dict)
                   else str(q))
    out += [s for s in _sentences(answer.get("text") or "") if "?" in s]
    return out


# ---------------------------------------------------------------------------------------------------- checks

def score(expect: dict, answer: dict) -> dict:
    """Named checks of one answer against one turn's expectations: {"checks": {name: bool}, "why": {name: str},
    "overgrant": bool, "previous_item": bool, "unstructured": bool}."""
    checks: dict[str, bool] = {}
    why: dict[str, str] = {}
    flags = {"overgrant": False, "previous_item": False, "unstructured": "determination" not in answer}

    def put(name: str, ok: bool, reason: str) -> None:
        checks[name] = bool(ok)
        if not ok:
            why[name] = reason

    lic = _licensing(answer)
    lead = _lead(answer)
    if "allowed_geas" in expect:
        allowed = set(expect["allowed_geas"])
        bad = set((lic or {}).get("gea") or []) - allowed | _lead_grants(lead) - allowed
        if (lic or {}).get("outcome") == "gea_available" and not allowed:
            bad.add("outcome gea_available")
        flags["overgrant"] = bool(bad)
        if bad:
            put("no_overgrant", False, f"presented as usable: {sorted(bad)}; allowed {sorted(allowed)}")
        else:
            put("no_overgrant", not flags["unstructured"], "the answer has no `determination` to check")

    if "item" in expect or "must_not_mention" in expect:
        code = _item_code(answer)
        # a lead naming a sub-item of the answer's own entry (the sub-items a GEA covers, listed to ask which one)
        # is not about the previous item; naming any other previous item is
        previous = [m for m in expect.get("must_not_mention", [])
                    if (code and _code_within(code, m))
                    or (_mentions(lead, m) and not (code and _code_within(m, code)))]
        flags["previous_item"] = bool(previous)
        if previous:
            put("right_item", False, f"about a previous item {previous} (item {code!r})")
        elif "case" not in answer:
            put("right_item", False, "the answer has no `case`")
        elif "item" in expect:
            want = expect["item"]
            ok = code is None if want is None else bool(code) and any(_code_within(code, w) for w in _as_list(want))
            put("right_item", ok, f"item {code!r}, expected {want!r}")
        else:
            put("right_item", True, "")

    if "deciding" in expect:
        cites = sorted(answer.get("citations") or [], key=lambda c: c.get("n") or 0)
        first = cites[0].get("locator", "") if cites else ""
        put("deciding_first", bool(first) and any(is_within(first, loc) for loc in expect["deciding"]),
            f"first citation {first or 'none'}; expected within {expect['deciding']}")

    for name in ("activity", "purpose", "end_use"):
        if name in expect:
            value = _fact(answer, name) or (lic or {}).get(name)
            if value is None and name == "purpose" and isinstance(answer.get("case"), dict):
                value = "sale"                      # ARCHITECTURE: purpose null = ordinary sale assumed
            if value is None and name == "activity":
                value = _get(answer, "activity", "activity")
            put(name, value in _as_list(expect[name]), f"{name} {value!r}, expected {expect[name]!r}")

    for name in ("destination", "origin"):
        if name in expect:
            value = _get(_fact(answer, name), "iso2") or (_get(lic, name, "iso2") if name == "destination" else None)
            put(name, value in _as_list(expect[name]), f"{name} {value!r}, expected {expect[name]!r}")

    if "outcome" in expect:
        value = (lic or {}).get("outcome")
        put("outcome", value in _as_list(expect["outcome"]), f"outcome {value!r}, expected {expect['outcome']!r}")

    if "must_ask" in expect:
        wanted = [w.casefold() for w in _as_list(expect["must_ask"])]
        asked = [q.casefold() for q in _questions(answer)]
        put("asks", any(w in q for w in wanted for q in asked), f"no question back naming any of {wanted}")

    if "release" in expect:
        det = answer.get("determination") or {}
        seen = [c.get("locator", "") for c in answer.get("citations") or []]
        for key in ("ruled_out", "entries", "questions"):
            seen += [x.get("locator", "") for x in det.get(key) or [] if isinstance(x, dict)]
        seen += [c.get("locator", "") for e in det.get("entries") or [] if isinstance(e, dict)
                 for c in e.get("checks") or [] if isinstance(c, dict)]
        put("release", any(is_within(s, r) for s in seen if s for r in _as_list(expect["release"])),
            f"release Note {expect['release']} neither applied nor asked about")
    return {"checks": checks, "why": why, **flags}


# ---------------------------------------------------------------------------------------------------- running

def _as_dict(answer: Any) -> dict:
    return answer.to_dict() if hasattr(answer, "to_dict") else dict(answer)


def converse(assistant, case: dict) -> dict:
    """One conversation, turn by turn; an exception in the assistant fails that turn's checks and the conversation
    goes on with an empty reply."""
    history: list[dict] = []
    turns = []
    for turn in case["turns"]:
        error = None
        try:
            answer = _as_dict(assistant.answer(turn["user"], list(history)))
        except Exception as e:                      # noqa: BLE001 - one failing turn must not stop the suite
            answer, error = {}, f"{type(e).__name__}: {e}"
        row = {"user": turn["user"], "text": answer.get("text") or "", "error": error,
               "corpus_version": answer.get("corpus_version"),
               "settings_hash": answer.get("fingerprint") or answer.get("settings_hash")}
        if "expect" in turn:
            row.update(score(turn["expect"], answer))
            if error:
                row["checks"] = dict.fromkeys(row["checks"], False)
                row["why"] = dict.fromkeys(row["checks"], error)
        turns.append(row)
        history += [{"role": "user", "content": turn["user"]}, {"role": "assistant", "content": row["text"]}]
    return {"id": case["id"], "split": case.get("split", ""), "tags": case.get("tags", []), "turns": turns}


def run(assistant, cases: list[dict], progress=None) -> dict:
    """Feed every conversation to `assistant` and score it: the report (summary per split and tag, and rows)."""
    rows = []
    for i, case in enumerate(cases, 1):
        rows.append(converse(assistant, case))
        if progress and i % 20 == 0:
            progress(f"  {i}/{len(cases)} conversations")
    first = next((t for r in rows for t in r["turns"] if t.get("corpus_version")), {})
    splits = sorted({r["split"] for r in rows})
    return {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "corpus_version": first.get("corpus_version"),
            "settings_hash": first.get("settings_hash"), "splits": splits,
            "summary": {"all": summarize(rows), **{s: summarize([r for r in rows if r["split"] == s]) for s in splits}},
            "rows": rows}


def _rate(passed: int, n: int) -> float | None:
    return round(passed / n, 4) if n else None


def summarize(rows: list[dict]) -> dict:
    """Figures of a set of conversations, with the same figures per tag."""
    scored = [t for r in rows for t in r["turns"] if "checks" in t]
    deciding = [r for r in rows if any("deciding_first" in t.get("checks", {}) for t in r["turns"])]
    deciding_ok = [r for r in deciding if all(t["checks"].get("deciding_first", True) for t in r["turns"] if "checks" in t)]
    tags = sorted({t for r in rows for t in r["tags"]})
    return {**_tally(rows), "turns": sum(len(r["turns"]) for r in rows), "scored_turns": len(scored),
            "deciding_first": {"conversations": len(deciding), "passed": len(deciding_ok),
                               "share": _rate(len(deciding_ok), len(deciding))},
            "overgrants": sum(t["overgrant"] for t in scored),
            "previous_item_answers": sum(t["previous_item"] for t in scored),
            "unstructured_answers": sum(t["unstructured"] for t in scored),
            "errors": sum(bool(t["error"]) for r in rows for t in r["turns"]),
            "tags": {tag: _tally([r for r in rows if tag in r["tags"]]) for tag in tags}}


def _tally(rows: list[dict]) -> dict:
    """Conversations where every check of every turn passed, and each check's pass count over the turns it ran on."""
    passed = [r for r in rows if all(all(t["checks"].values()) for t in r["turns"] if "checks" in t)]
    checks = {}
    for name in CHECKS:
        results = [t["checks"][name] for r in rows for t in r["turns"] if name in t.get("checks", {})]
        checks[name] = {"n": len(results), "passed": sum(results), "rate": _rate(sum(results), len(results))}
    return {"conversations": len(rows), "conversations_all_passed": len(passed),
            "conversation_pass_rate": _rate(len(passed), len(rows)), "checks": checks}


# ---------------------------------------------------------------------------------------------------- writing

def public_row(row: dict) -> dict:
    """A row as it may be written: dev rows with the answers' lead paragraphs; held-out rows keep their id, tags and
    per-check results, never text."""
    if row["split"] != "heldout":
        return {**row, "turns": [{**t, "text": _lead(t)[:1000]} for t in row["turns"]]}
    return {"id": row["id"], "split": row["split"], "tags": row["tags"],
            "turns": [{"checks": t.get("checks", {})} for t in row["turns"]]}


def write(report: dict, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md"]
    public = {**report, "rows": [public_row(r) for r in report["rows"]]}
    paths[0].write_text(json.dumps(public, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(report), encoding="utf-8")
    return paths


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def markdown(report: dict) -> str:
    s = report["summary"]
    splits = report["splits"]
    lines = ["# Conversation suite report", "",
             f"{report['created']} · corpus {report.get('corpus_version') or '—'} · settings "
             f"`{report.get('settings_hash') or '—'}`" + (f" · build `{report['build_id']}`" if report.get("build_id") else ""),
             "", f"Reproduce: `python -m evals.conversations --split {report.get('split', 'all')}`. Data and rules: "
             "`evals/conversations/README.md`. Held-out conversations are shown as aggregates and ids only.", "",
             "## Figures", "",
             "| split | conversations | scored turns | deciding provision first (conversations) | over-grants | answers about a previous item | answers without `determination` | errors | all checks passed |",
             "|---|---|---|---|---|---|---|---|---|"]
    for split in splits:
        b = s[split]
        d = b["deciding_first"]
        lines.append(f"| {split} | {b['conversations']} | {b['scored_turns']} | {d['passed']}/{d['conversations']} "
                     f"({_pct(d['share'])}) | {b['overgrants']} | {b['previous_item_answers']} | "
                     f"{b['unstructured_answers']} | {b['errors']} | {b['conversations_all_passed']} "
                     f"({_pct(b['conversation_pass_rate'])}) |")
    lines += ["", "## Checks (pass rate over the turns that carry the expectation)", "",
              "| check | " + " | ".join(splits) + " |", "|---|" + "---|" * len(splits)]
    for name in CHECKS:
        cells = [f"{_pct(s[sp]['checks'][name]['rate'])} ({s[sp]['checks'][name]['passed']}/{s[sp]['checks'][name]['n']})"
                 for sp in splits]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for split in splits:
        lines += ["", f"## Per tag ({split})", "", "| tag | conversations | all passed | " + " | ".join(CHECKS) + " |",
                  "|---|---|---|" + "---|" * len(CHECKS)]
        for tag, b in s[split]["tags"].items():
            lines.append(f"| {tag} | {b['conversations']} | {b['conversations_all_passed']} | " +
                         " | ".join(_pct(b["checks"][c]["rate"]) for c in CHECKS) + " |")
    dev = [r for r in report["rows"] if r["split"] != "heldout"]
    if dev:
        lines += ["", "## Dev failures", ""]
        for r in dev:
            for i, t in enumerate(r["turns"], 1):
                if t.get("why"):
                    lead = _lead({"text": t["text"]}).replace("\n", " ")[:300]
                    lines.append(f"- **{r['id']}** turn {i}: {t['user']}  \n  answer: {lead or '(empty)'}  \n  " +
                                 "; ".join(f"`{k}` {v}" for k, v in t["why"].items()))
    held = [r for r in report["rows"] if r["split"] == "heldout"]
    if held:
        lines += ["", "## Held-out failures (case ids only)", ""]
        for name in CHECKS:
            ids = sorted({r["id"] for r in held for t in r["turns"] if t.get("checks", {}).get(name) is False})
            if ids:
                lines.append(f"- `{name}`: {', '.join(ids)}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.conversations", description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=(*SPLITS, "all"), default="dev")
    ap.add_argument("--out", type=Path, default=OUT, help=f"report folder (default {OUT.relative_to(PROJECT_ROOT)})")
    args = ap.parse_args(argv)
    from assistant.core import Assistant
    from ingest.index import build_index
    from ingest.settings import Settings

    from .run import require_real_corpus
    settings = Settings.from_env()
    require_real_corpus(settings)
    build_index(settings, progress=False, log=lambda *a: None)      # idempotent: the index of these texts
    assistant = Assistant(settings)
    cases = load(args.split)
    report = run(assistant, cases, progress=print)
    report.update(split=args.split, build_id=assistant.library.build_id)
    paths = write(report, args.out)
    for split in report["splits"]:
        b = report["summary"][split]
        d = b["deciding_first"]
        print(f"{split}: {b['conversations']} conversations; deciding provision first {d['passed']}/{d['conversations']}"
              f" ({_pct(d['share'])}); over-grants {b['overgrants']}; answers about a previous item "
              f"{b['previous_item_answers']}; answers without determination {b['unstructured_answers']}")
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
