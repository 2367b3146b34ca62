"""Annex I as a tree, one per version: entries, their items, the Notes that qualify an item, the category notes
that name it. Built once from the store's provisions; every function is a pure lookup over that tree."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.model import Provision, is_within
from ingest.store import Store

from .codes import normalize_code, related, us_designation

NOTE_KINDS = ("note", "technical_note", "nb")
_CODES_IN_TEXT = re.compile(r"\b[0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*")
_RANGE_IN_TEXT = re.compile(r"\b([0-9][A-E][0-9]{3})(?:\.[a-z0-9.]+)?\s*(?:to|-|–)\s*([0-9][A-E][0-9]{3})\b")
# where Annex I lists the software and the technology of an item: sub-categories D and E of its category
SUB_CATEGORY_OF = {"software": "D", "technology": "E"}
_CAS_IN_TEXT = re.compile(r"\bCAS\s*(?:No\.?\s*)?(\d{2,7}-\d{2}-\d)\b")


class CodeNotFound(LookupError):
    """A code that is not (or not validly) in this version of Annex I, with the nearest valid codes."""

    def __init__(self, message: str, nearest: list[str] | None = None):
        super().__init__(message)
        self.message, self.nearest = message, nearest or []


@dataclass
class AnnexI:
    """One version of Annex I (a source id such as "annex-i-2025")."""
    source: str
    entries: dict[str, list[Provision]] = field(default_factory=dict)      # entry code -> its provisions, in order
    by_locator: dict[str, Provision] = field(default_factory=dict)
    children: dict[str, list[Provision]] = field(default_factory=dict)     # parent locator -> its sub-items
    category_notes: list[tuple[Provision, list[str]]] = field(default_factory=list)   # with the codes each names
    _cas: dict[str, str] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, store: Store, source: str) -> "AnnexI":
        tree = cls(source)
        for p in store.where("source = ? AND locator LIKE 'Annex I %'", (source,)):
            tree.by_locator[p.locator] = p
            if "entry" in p.data:
                tree.entries.setdefault(p.data["entry"], []).append(p)
            if p.kind == "item":
                tree.children.setdefault(p.parent, []).append(p)
            if p.kind == "category_note":
                codes = dict.fromkeys(normalize_code(c) for c in _CODES_IN_TEXT.findall(p.text))
                tree.category_notes.append((p, [c for c in codes if c]))
        return tree

    # --- nodes ---------------------------------------------------------------------------------------------------

    def node(self, code: str) -> Provision | None:
        """The entry or item a canonical code names (None for Notes or unknown codes)."""
        p = self.by_locator.get(f"Annex I {code}")
        return p if p is not None and p.kind in ("entry", "item") else None

    def find(self, raw: str) -> tuple[str, Provision]:
        """(canonical code, its provision) for any written form of a code; CodeNotFound says why not."""
        norm = normalize_code(raw)
        p = self.node(norm) if norm else None
        if p is not None:
            return norm, p
        us = us_designation(raw)
        if us:
            raise CodeNotFound(us)
        if norm is None:
            raise CodeNotFound(f"{raw!r} is not an Annex I code: a code is a category digit 0-9, a letter A-E, three "
                               f"digits and optional sub-items, e.g. 5A002 or 5A002.a.1.")
        nearest = self.nearest(norm)
        hint = f" Nearest codes: {', '.join(nearest)}." if nearest else ""
        raise CodeNotFound(f"{norm} is not in Annex I ({self.source}).{hint}", nearest)

    def nearest(self, code: str) -> list[str]:
        """The sub-items under the deepest existing part of `code`; else entries of its category closest in number."""
        entry = code[:5]
        if entry in self.entries:
            node = code
            while f"Annex I {node}" not in self.by_locator:
                node = node.rsplit(".", 1)[0]
            under = [p.locator.removeprefix("Annex I ") for p in self.children.get(f"Annex I {node}", [])]
            return under or [node]
        same = [c for c in self.entries if c[0] == entry[0]]
        return sorted(same, key=lambda c: (c[1] != entry[1], abs(int(c[2:]) - int(entry[2:]))))[:5]

    @property
    def cas_numbers(self) -> dict[str, str]:
        """CAS registry number -> the item that names it ("142-84-7" -> "1C350.90"; "Dipropylamine (CAS 142-84-7)")."""
        if self._cas is None:
            self._cas = {}
            for p in self.by_locator.values():
                if p.kind == "item":
                    for cas in _CAS_IN_TEXT.findall(p.text):
                        self._cas.setdefault(cas, p.locator.removeprefix("Annex I "))
        return self._cas

    def heading(self, code: str) -> str:
        """The verbatim heading of the entry a code belongs to."""
        return self.entries[code[:5]][0].text

    def ancestors(self, node: Provision) -> list[Provision]:
        """From the entry down to the node's parent."""
        out, p = [], node
        while p.parent in self.by_locator:
            p = self.by_locator[p.parent]
            out.insert(0, p)
        return out

    def items_under(self, node: Provision) -> list[Provision]:
        """Every sub-item below a node, in document order."""
        family = self.entries[node.data["entry"]]
        return [q for q in family if q.kind == "item" and q is not node and is_within(q.locator, node.locator)]

    def sub_codes(self, code: str) -> list[str]:
        """The codes of the items directly under a code."""
        return [p.locator.removeprefix("Annex I ") for p in self.children.get(f"Annex I {code}", [])]

    def largest_outside(self, code: str, excluded: list[str]) -> list[str]:
        """The largest sub-items of `code` that no excluded code touches (what a GEA still covers)."""
        out = []
        for c in self.sub_codes(code):
            if any(is_within(c, x) for x in excluded):
                continue
            out += self.largest_outside(c, excluded) if any(is_within(x, c) for x in excluded) else [c]
        return out

    def referring_to(self, parents: list[str], kind: str) -> list[str]:
        """The entries that list the software or technology ("kind") of items of the parent entries: those of the
        parents' categories, in the sub-category of that kind, whose text names a parent, alone or inside a range
        ("equipment specified by 2B001 to 2B009"). In document order; [] for another kind."""
        group = SUB_CATEGORY_OF.get(kind)
        parents = [p[:5] for p in parents]
        if group is None or not parents:
            return []
        out = []
        for code, family in self.entries.items():
            if any(code[0] == p[0] for p in parents) and code[1] == group \
                    and any(names_entry(q.text, p) for q in family for p in parents):
                out.append(code)
        return out

    # --- notes ---------------------------------------------------------------------------------------------------

    def notes(self, node: Provision) -> list[tuple[Provision, str]]:
        """Notes, Technical Notes and N.B.s of the node's entry that concern the node: (note, "node" | "ancestor"
        (attached above it, so it qualifies it) | "descendant" (attached below it))."""
        out = []
        for q in self.entries[node.data["entry"]]:
            if q.kind in NOTE_KINDS:
                where = _applies(q.parent, node.locator)
                if where:
                    out.append((q, where))
        return out

    def category_notes_for(self, code: str) -> list[Provision]:
        """The category notes that name the code (the numbered Note, not also its sub-parts)."""
        matched = [q for q, codes in self.category_notes if any(related(c, code) for c in codes)]
        return [q for q in matched if not any(r.parent == q.locator for r in matched)]


def _applies(note_parent: str, node: str) -> str | None:
    if note_parent == node:
        return "node"
    if is_within(node, note_parent):
        return "ancestor"
    return "descendant" if is_within(note_parent, node) else None


def names_entry(text: str, entry: str) -> bool:
    """Does a text name an entry (5 characters, "2B001"): itself, one of its items, its whole sub-category
    ("specified by 2A, 2B or 2D"), or a range of entries of that sub-category ("2B001 to 2B009")?"""
    if re.search(rf"\b{entry}(?![0-9])", text) or re.search(rf"\b{entry[:2]}\b", text):   # or its sub-category
        return True
    return any(lo[:2] == entry[:2] == hi[:2] and lo <= entry <= hi for lo, hi in _RANGE_IN_TEXT.findall(text))
