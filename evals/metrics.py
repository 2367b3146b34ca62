"""Evaluators: small functions over one gold case and one system's output, each returning a named check.

Locator matching is a prefix match on the canonical grammar: a citation counts for a gold locator when it is that
provision or lies inside it ("Annex I 1A005.a" for gold "Annex I 1A005"), and, for the Annex I control list, also
when it is the entry the gold item belongs to ("Annex I 5A002" for gold "Annex I 5A002.a.1").
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.model import entry_code_of, fold, is_within

KS = (1, 3, 5, 10)


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


def load_cases(folder: Path) -> list[Case]:
    cases = []
    for split in ("dev", "heldout"):
        for n, line in enumerate((folder / f"{split}.jsonl").read_text().splitlines(), 1):
            if line.strip():
                d = json.loads(line)
                cases.append(Case(d["id"], d["q"], d["kind"], d.get("gold", []), split, bool(d.get("abstain")),
                                  d.get("history") or [], d.get("tool"), d.get("must_not") or []))
    return cases


def matches(cited: str, gold: str) -> bool:
    if is_within(cited, gold):
        return True
    return gold.startswith("Annex I ") and cited == f"Annex I {entry_code_of(gold)}"


def first_hit(ranked: list[str], gold: list[str]) -> int | None:
    """1-based rank of the first locator matching any gold locator."""
    for i, loc in enumerate(ranked, 1):
        if any(matches(loc, g) for g in gold):
            return i
    return None


def retrieval_scores(ranked: list[str], gold: list[str]) -> dict:
    rank = first_hit(ranked, gold)
    out = {f"recall@{k}": float(rank is not None and rank <= k) for k in KS}
    out["mrr"] = 1.0 / rank if rank else 0.0
    return out


def citation_precision(cited: list[str], gold: list[str]) -> float | None:
    """Share of citations that are gold, or ancestors or descendants of gold."""
    if not cited or not gold:
        return None
    good = sum(any(matches(c, g) or is_within(g, c) for g in gold) for c in cited)
    return good / len(cited)


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


def tool_exact(case: Case, result: dict) -> tuple[bool, dict]:
    """Every expected field equals the tool's. Returns (ok, {field: (expected, got)} for the mismatches)."""
    view = tool_view(case.tool["name"], result)
    wrong = {k: (v, view.get(k)) for k, v in case.tool["expect"].items() if view.get(k) != v}
    return not wrong, wrong
