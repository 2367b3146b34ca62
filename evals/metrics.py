"""Evaluators: matching rules, and small named checks over one gold case and the assistant's answer to it.

Matching is **strict** by default, exactly as evals/gold/README.md defines it: a citation counts for a gold locator
when it is that provision or lies inside it (`ingest.model.is_within`: "Annex I 1A005.a" for gold "Annex I 1A005");
a broader citation does not ("Annex I 6A003" does not satisfy gold "Annex I 6A003.b.4"). The **lenient** rule the
reports used before also accepted the entry a gold Annex I sub-item belongs to; it is computed beside the strict one,
labelled, for comparison only.

Each check is a function (case, outcome) -> Check, or None when it does not apply to the case, so a report can say
which check failed for which case: citation_valid, gold_at_k, abstained_correctly, tool_exact, no_leak,
determination_status.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.model import entry_code_of, fold, is_within

KS = (1, 3, 5, 10)
K = 5                       # gold_at_k: the gold must be among the first K citations


@dataclass
class Case:
    id: str
    q: str
    kind: str
    gold: list[str]
    split: str
    abstain: bool = False
    history: list[dict] = field(default_factory=list)
    tool: dict | None = None
    must_not: list[str] = field(default_factory=list)
    determination: dict | None = None          # {"status": "listed|not_listed|needs_facts|needs_expert", ...}


def load_cases(folder: Path) -> list[Case]:
    cases = []
    for split in ("dev", "heldout"):
        for line in (folder / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                cases.append(Case(d["id"], d["q"], d["kind"], d.get("gold", []), split, bool(d.get("abstain")),
                                  d.get("history") or [], d.get("tool"), d.get("must_not") or [],
                                  d.get("determination")))
    return cases


def matches(cited: str, gold: str, strict: bool = True) -> bool:
    """Strict: `cited` is the gold provision or inside it. Lenient also: the entry of a gold Annex I sub-item."""
    if is_within(cited, gold):
        return True
    return not strict and gold.startswith("Annex I ") and cited == f"Annex I {entry_code_of(gold)}"


def first_hit(ranked: list[str], gold: list[str], strict: bool = True) -> int | None:
    """1-based rank of the first locator matching any gold locator."""
    for i, loc in enumerate(ranked, 1):
        if any(matches(loc, g, strict) for g in gold):
            return i
    return None


def citation_precision(cited: list[str], gold: list[str]) -> float | None:
    """Share of citations that are gold, inside gold, or an ancestor of gold (context the answer needs)."""
    if not cited or not gold:
        return None
    good = sum(any(is_within(c, g) or is_within(g, c) for g in gold) for c in cited)
    return good / len(cited)


# --- checks ---------------------------------------------------------------------------------------------------------

@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Outcome:
    """What the checks look at in one answer."""
    cited: list[str]
    invalid: list[str]                      # citations whose provision is missing or whose quote is not verbatim
    abstained: bool
    text: str
    tool: dict | None = None                # the deterministic tool's result, when the case names one
    determination: dict | None = None       # Answer.to_dict()["determination"], once answers carry one


def citation_valid(case: Case, out: Outcome) -> Check | None:
    if not out.cited:
        return None
    return Check("citation_valid", not out.invalid, f"invalid: {out.invalid}" if out.invalid else "")


def gold_at_k(case: Case, out: Outcome) -> Check | None:
    if not case.gold:
        return None
    rank = first_hit(out.cited, case.gold)
    return Check("gold_at_k", rank is not None and rank <= K,
                 f"gold {case.gold} at rank {rank}" if rank else f"gold {case.gold} not cited; cited {out.cited[:K]}")


def abstained_correctly(case: Case, out: Outcome) -> Check:
    ok = out.abstained == case.abstain
    return Check("abstained_correctly", ok, "" if ok else ("abstained" if out.abstained else "did not abstain"))


def tool_exact(case: Case, out: Outcome) -> Check | None:
    if not case.tool:
        return None
    view = tool_view(case.tool["name"], out.tool or {})
    wrong = {k: (v, view.get(k)) for k, v in case.tool["expect"].items() if view.get(k) != v}
    return Check("tool_exact", not wrong, f"{case.tool['name']}: expected/got {wrong}" if wrong else "")


def no_leak(case: Case, out: Outcome) -> Check | None:
    if not case.must_not:
        return None
    leaked = [s for s in case.must_not if s.lower() in out.text.lower()]
    return Check("no_leak", not leaked, f"contains {leaked}" if leaked else "")


def determination_status(case: Case, out: Outcome) -> Check | None:
    if not case.determination:
        return None
    want = case.determination["status"]
    got = (out.determination or {}).get("status")
    return Check("determination_status", got == want, "" if got == want else f"expected {want}, got {got}")


CHECKS = (citation_valid, gold_at_k, abstained_correctly, tool_exact, no_leak, determination_status)
CHECK_NAMES = tuple(c.__name__ for c in CHECKS)


def run_checks(case: Case, out: Outcome) -> dict[str, dict]:
    """{check name: {"ok", "detail"}} for the checks that apply to this case."""
    return {c.name: {"ok": c.ok, "detail": c.detail} for check in CHECKS if (c := check(case, out)) is not None}


class RawTexts:
    """The official files as they lie on disk, folded: an independent check that a quote is verbatim (our parsers
    are not involved). JSON files contribute their verbatim_text lines without the producer's dotted prefixes."""

    def __init__(self, folders: list[Path]):
        self.haystacks = []
        for folder in folders:
            for f in sorted(Path(folder).iterdir()):
                if f.suffix == ".txt":
                    self.haystacks.append(fold(f.read_text(encoding="utf-8")))
                elif f.suffix == ".json":
                    d = json.loads(f.read_text(encoding="utf-8"))
                    lines = [l for x in d.get("entries", []) + d.get("docs", []) for l in x["verbatim_text"].split("\n")]
                    self.haystacks.append(fold("\n".join(re.sub(r"^[0-9][A-E][0-9]{3}\S*\s", "", l) for l in lines)))

    def contains(self, quote: str) -> bool:
        parts = [p for p in re.split(r"\s*(?:…|\.\.\.)\s*", fold(quote)) if len(p) >= 12]
        return bool(parts) and all(any(p in h for h in self.haystacks) for p in parts)


def tool_view(name: str, result: dict) -> dict:
    """The tool result with the derived fields the gold set names ('in_annex_iv', 'part')."""
    view = dict(result)
    if name == "annex_iv":
        view["in_annex_iv"] = {"yes": True, "no": False}.get(result.get("status"), result.get("status"))
        parts = result.get("parts") or []
        view["part"] = parts[0] if len(parts) == 1 else parts
    return view
