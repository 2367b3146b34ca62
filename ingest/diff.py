"""Compare two versions of Annex I entry by entry: pure functions over the provisions of each version.

Texts are compared in a comparison form that undoes LAYOUT only, never wording: whitespace, quote marks (curly or
straight), spaces the extraction puts before punctuation (" : ", "1 024 ;") or after a sign ("– 70"), thousands
separators ("1 000" / "1000"), the split Note labels ("Note :", "N.B.1." / "N.B. 1"), list dashes, footnote calls,
ligatures and the "o" the 2023 extraction prints for a degree sign. A space lost or added ("1,0 m" / "1,0m") is
layout too: texts are equal when they are equal without spaces.
Case, numbers and words are kept: any difference there is a change of wording.

Items and Notes are paired in this order: same locator and same wording; same wording under another locator (a
relettered item, or a Note the 2023 parser attached to another node: "moved"); same locator; then the most similar
remaining text of the same kind ("changed" and "moved"). Whatever is left was removed or added.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from .model import Provision

STATUSES = ("unchanged", "changed", "added", "removed")
NOTE_KINDS = ("note", "technical_note", "nb")
SIMILAR = 0.6          # least word-level similarity for two unpaired texts to count as one text changed
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"',
                        "\u201e": '"', "\u2033": '"', "\u2013": "-", "\u00a0": " "})
LABEL = re.compile(r"^(Technical Notes?|Notes?|N\.B\.)\s*(\d+)?\s*\.?\s*:?\s*")
# the act's footnote calls after a standard ("ISO 230-2:1988 (9)"): 2023 and 2025 number the footnotes differently
FOOTNOTE_CALL = re.compile(r"(?<=:\d{4})\s*\(\d{1,2}\)")


def comparable(text: str, breaks: list | None = None) -> str:
    """The comparison form of a provision's text (see the module docstring). `breaks`: spans that are not wording."""
    for s, e in sorted(breaks or [], reverse=True):
        text = text[:s] + " " + text[e:]
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    text = FOOTNOTE_CALL.sub("", text)
    text = re.sub(r"(?<!\S)\u2014(?!\S)", " ", text)                  # a list dash on a line of its own
    text = re.sub(r"(\d) ?o(?=C\b|\W|$)", "\\1°", text)               # "360o", "± 20o", "40o/s2", "180oC"
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?<=\d) (?=\d{3}(?!\d))", "", text)           # thousands separator: "1 000" / "1000"
    text = re.sub(r"(?<=[(\s])([-+±]) (?=\d)", r"\1", text)         # a sign set apart: "(– 70 dBm)" / "(-70 dBm)"
    text = LABEL.sub(lambda m: f"{m.group(1)}{' ' + m.group(2) if m.group(2) else ''}: ", text)
    text = re.sub(r" ([,.;:)\]])", r"\1", text)
    return re.sub(r"([(\[]) ", r"\1", text).strip()


def words(p: Provision) -> list[str]:
    return comparable(p.text, p.data.get("breaks")).split()


@dataclass
class Change:
    """One item, note or heading that differs between the versions."""
    status: str                           # changed | added | removed | moved (same wording, another locator)
    kind: str
    old_locator: str | None
    new_locator: str | None
    ops: list[tuple[str, str]] = field(default_factory=list)   # ("equal"|"insert"|"delete", words) when changed
    text: str = ""                                              # the verbatim text, when added or removed

    def to_dict(self) -> dict:
        return {"status": self.status, "kind": self.kind, "old_locator": self.old_locator,
                "new_locator": self.new_locator, "ops": [list(op) for op in self.ops], "text": self.text}


@dataclass
class EntryDiff:
    code: str
    status: str                           # unchanged | changed | added | removed
    old_version: str = ""
    new_version: str = ""
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0                    # provisions whose wording and locator are the same

    @property
    def category(self) -> str:
        return self.code[0]

    def to_dict(self) -> dict:
        return {"code": self.code, "category": self.category, "status": self.status,
                "old_version": self.old_version, "new_version": self.new_version, "unchanged": self.unchanged,
                "changes": [c.to_dict() for c in self.changes]}


@dataclass
class ListDiff:
    old_version: str
    new_version: str
    counts: dict[str, dict[str, int]]     # category -> status -> number of entries
    entries: list[EntryDiff]              # entries changed, added, removed or with moved Notes, in code order

    def codes(self, status: str) -> list[str]:
        return [e.code for e in self.entries if e.status == status]

    @property
    def changed(self) -> list[EntryDiff]:
        return [e for e in self.entries if e.status == "changed"]

    def to_dict(self) -> dict:
        total = {s: sum(c[s] for c in self.counts.values()) for s in STATUSES}
        return {"old_version": self.old_version, "new_version": self.new_version, "counts": self.counts,
                "total": total, **{s: self.codes(s) for s in STATUSES[1:]},
                "entries": [e.to_dict() for e in self.entries]}


def word_ops(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    """Word-level diff: equal / delete / insert runs (a replacement is a delete then an insert). A replacement that
    only moves spaces ("1,0 m" / "1,0m", "having all" / "havingall") is layout: it counts as equal."""
    ops: list[tuple[str, str]] = []

    def add(op: str, run: list[str]) -> None:
        if ops and ops[-1][0] == op:
            ops[-1] = (op, f"{ops[-1][1]} {' '.join(run)}")
        elif run:
            ops.append((op, " ".join(run)))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and "".join(old[i1:i2]) == "".join(new[j1:j2])):
            add("equal", new[j1:j2])
        else:
            add("delete", old[i1:i2])
            add("insert", new[j1:j2])
    return ops


def diff_entry(code: str, old: list[Provision], new: list[Provision]) -> EntryDiff:
    """Diff one entry. `old` and `new` may hold a whole version each: only the provisions of `code` are used."""
    old = [p for p in old if p.data.get("entry") == code]
    new = [p for p in new if p.data.get("entry") == code]
    if not old and not new:
        raise ValueError(f"{code} is in neither version")
    versions = dict(old_version=old[0].version if old else "", new_version=new[0].version if new else "")
    if not old or not new:
        status = "added" if new else "removed"
        changes = [Change(status, p.kind, None if new else p.locator, p.locator if new else None, text=p.text)
                   for p in new or old]
        return EntryDiff(code, status, changes=changes, **versions)
    changes, unchanged = _pair(old, new)
    # a Note moved to another node may only be how the 2023 parser attached it: wording decides the status
    wording = [c for c in changes if c.status != "moved" or c.kind in ("entry", "item")]
    return EntryDiff(code, "changed" if wording else "unchanged", changes=changes, unchanged=unchanged, **versions)


def _pair(old: list[Provision], new: list[Provision]) -> tuple[list[Change], int]:
    ow, nw = {p.locator: words(p) for p in old}, {p.locator: words(p) for p in new}
    squash = {("old", k): "".join(w) for k, w in ow.items()} | {("new", k): "".join(w) for k, w in nw.items()}
    left, right = {p.locator: p for p in old}, {p.locator: p for p in new}
    same = lambda a, b: squash["old", a.locator] == squash["new", b.locator]          # spaces are layout
    pairs: list[tuple[Provision, Provision]] = []

    def take(a: Provision, b: Provision) -> None:
        pairs.append((left.pop(a.locator), right.pop(b.locator)))

    for loc in [loc for loc in left if loc in right and same(left[loc], right[loc])]:
        take(left[loc], right[loc])
    # the same wording elsewhere; "Not used;" and other short texts repeat too often to say where they went
    by_text: dict[tuple, list] = {}
    for side, pool in (("old", left), ("new", right)):
        for p in pool.values():
            by_text.setdefault((p.kind in NOTE_KINDS, squash[side, p.locator]), [[], []])[side == "new"].append(p)
    for a, b in by_text.values():
        if len(a) == 1 and len(b) == 1 and len(ow[a[0].locator]) >= 4:
            take(a[0], b[0])
    for loc in [loc for loc in left if loc in right and left[loc].kind == right[loc].kind]:
        take(left[loc], right[loc])
    candidates = sorted(((difflib.SequenceMatcher(None, ow[a.locator], nw[b.locator], autojunk=False).ratio(), a, b)
                         for a in left.values() for b in right.values() if a.kind == b.kind),
                        key=lambda t: (-t[0], t[1].order, t[2].order))
    for ratio, a, b in candidates:
        if ratio >= SIMILAR and a.locator in left and b.locator in right:
            take(a, b)
    changes, unchanged = [], 0                        # in the new version's order, then what was removed
    for a, b in sorted(pairs + [(None, p) for p in right.values()], key=lambda ab: ab[1].order):
        if a is None:
            changes.append(Change("added", b.kind, None, b.locator, text=b.text))
        elif same(a, b) and a.locator == b.locator:
            unchanged += 1
        elif same(a, b):
            changes.append(Change("moved", b.kind, a.locator, b.locator))
        else:
            changes.append(Change("changed", b.kind, a.locator, b.locator, word_ops(ow[a.locator], nw[b.locator])))
    changes += [Change("removed", p.kind, p.locator, None, text=p.text) for p in left.values()]
    return changes, unchanged


def diff_list(old: list[Provision], new: list[Provision]) -> ListDiff:
    """Diff every entry of two versions of Annex I; counts per category of unchanged/changed/added/removed."""
    by_code: dict[str, tuple[list, list]] = {}
    for side, provisions in ((0, old), (1, new)):
        for p in provisions:
            code = p.data.get("entry")
            if code:
                by_code.setdefault(code, ([], []))[side].append(p)
    counts: dict[str, dict[str, int]] = {}
    entries = []
    for code in sorted(by_code):
        d = diff_entry(code, *by_code[code])
        counts.setdefault(code[0], dict.fromkeys(STATUSES, 0))[d.status] += 1
        if d.status != "unchanged" or d.changes:
            entries.append(d)
    version = lambda ps: ps[0].version if ps else ""
    return ListDiff(version(old), version(new), dict(sorted(counts.items())), entries)
