"""Parse the superseded Annex I (annex-i-2023), a plain-text extraction of the EUR-Lex consolidated page.

It yields the same provisions and locators as `annex_json` does for the 2025 JSON, so that the two versions can be
compared (`ingest.diff`). Layout (see SOURCE.md): an entry code is joined to its heading (` 0A001"Nuclear…`), item
letters and numbers stand on their own line (` a. `) with the item's wording on the next line at column 0, and Note
labels, their wording and the points inside a Note are indented by one space. The depth of an item is lost, and so
is the node a Note belongs to; both are inferred (`_item_paths`, `_note_node`).

Text is verbatim with layout whitespace collapsed; item text leaves out the item's own label, like `annex_json`.
Footnote calls split over three lines are joined by `eurlex_text.read_lines` and recorded in `data["breaks"]`.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from .annex_json import DEFINED_TERM, KIND_OF_LABEL, SEE_CODES, SPECIAL_NOTE_TITLES
from .eurlex_text import Line, join, read_lines
from .manifest import Source, SourceError
from .model import Provision, annex_i_locator, normalize_space

PART_I = {
    "GENERAL NOTES TO ANNEX I": "General Notes",
    "NUCLEAR TECHNOLOGY NOTE (NTN)": "NTN",
    "GENERAL TECHNOLOGY NOTE (GTN)": "GTN",
    "NUCLEAR SOFTWARE NOTE (NSN)": "NSN",
    "GENERAL SOFTWARE NOTE (GSN)": "GSN",
    'GENERAL "INFORMATION SECURITY" NOTE (GISN)': "GISN",
    "EDITORIAL PRACTICES IN THE OFFICIAL JOURNAL OF THE EUROPEAN UNION": "Editorial Practices",
    "ACRONYMS AND ABBREVIATIONS USED IN THIS ANNEX": "Acronyms",
    "DEFINITIONS OF TERMS USED IN THIS ANNEX": "Definitions",
}
CAT = r"(?:\d|GTN|NTN|GSN|NSN|GISN|All)"            # a category reference of a defined term
PARTS = ("PART II", "PART III", "PART IV", "PART V", "PART VI", "PART VII", "PART VIII", "PART IX", "PART X", "PART XI")
SUBCATEGORY = re.compile(r"^([0-9][A-E][12]?)(Systems, Equipment and Components|Test, Inspection and Production "
                         r"Equipment|Materials|Software|Technology)$")
ENTRY = re.compile(r"^([0-9][A-E][0-9]{3})(?![\s.,])(.*)$")       # code joined to its heading, or alone
ITEM = re.compile(r"^([a-z]{1,2}|[0-9]{1,2})\.?$")                    # 1C351.c.12 has lost its dot
NOTE = re.compile(r"^(Technical [Nn]otes?|Notes?|N\.B\.)\s?(\d+)?\.?\s*:?$")          # 6A001: "Technical note"
# a Note that names its own node: "0A001.i. does not control…", "In 0A001.h. …", "For the purposes of 5A002.a., …"
NAMES_NODE = re.compile(r"^(?:In |For the purposes? of )?([0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*)\.?(?=[\s,:;]|$)")


def parse_annex_text(path: Path, source: Source, *, min_entries: int = 350) -> list[Provision]:
    """Provisions of the 2023 Annex I text. Raises SourceError when the file is not that text, or is truncated or
    garbled: fewer than `min_entries` entries (the text has 368; test fixtures hold a few), a Part or Category
    missing, item labels that form no list."""
    path = Path(path)
    raw, lines = read_lines(path)
    texts = [l.text for l in lines]
    if "ANNEX I" not in texts or "PART I" not in texts:
        raise SourceError(path, "no 'ANNEX I' / 'PART I' heading: not the text of Annex I of Regulation (EU) 2021/821")
    parts = [texts.index(p) if p in texts else -1 for p in PARTS]
    if -1 in parts or parts != sorted(parts):
        missing = [p for p, i in zip(PARTS, parts) if i < 0]
        raise SourceError(path, f"Parts II to XI (Categories 0 to 9) not all present in order (missing {missing}): "
                                "the file is truncated or not this text")
    col0 = [raw[l.start] not in " \t" for l in lines]
    for line in lines:
        # a footnote call that opens a line ("(", "9", ") or national equivalents…" in 2B201): read_lines takes it
        # for a footnote's own text and records no break
        if not line.breaks and re.match(r"\s*\(\n", raw[line.start:line.end]):
            line.breaks.append([0, line.text.index(")") + 1])
        if re.search(r"\s\s", line.text):         # "1 000  m": layout spaces inside a line collapse too
            squeeze = lambda i, text=line.text: len(re.sub(r"\s+", " ", text[:i]))
            line.breaks = [[squeeze(s), squeeze(e)] for s, e in line.breaks]
            line.text = normalize_space(line.text)
    mentioned = {m[:i] for m in re.findall(r"[0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)+", raw)
                 for i in range(len(m) + 1) if m[i:i + 1] in (".", "")}
    out = _Out(source, path, mentioned)
    top, contents = texts.index("ANNEX I"), texts.index("CONTENTS") if "CONTENTS" in texts else texts.index("PART I")
    out.add("Annex I", "annex", lines[top + 1:contents], None, title="ANNEX I — LIST OF DUAL-USE ITEMS")
    first = texts.index("PART I") + 1
    _part_i(lines[first:parts[0]], col0[first:parts[0]], out)
    for n, (start, end) in enumerate(zip(parts, parts[1:] + [len(lines)])):
        _category(str(n), lines[start + 1:end], col0[start + 1:end], out)
    entries = sum(p.kind == "entry" for p in out.items)
    if entries < min_entries:
        raise SourceError(path, f"only {entries} entries, the text has 368: the file is truncated or garbled")
    return out.items


class _Out:
    """Provisions in document order, each stamped with the source and its place in the raw file."""

    def __init__(self, source: Source, path: Path, mentioned: set[str]):
        self.source, self.path, self.items = source, path, []
        self.mentioned = mentioned          # every item path the Annex cites, and their ancestors

    def add(self, locator: str, kind: str, lines: list[Line], parent: str | None, title: str = "",
            data: dict | None = None) -> Provision:
        text, breaks = join(lines)
        data = dict(data or {})
        if breaks:
            data["breaks"] = breaks
        p = Provision(locator=locator, text=text, kind=kind, source=self.source.id, version=self.source.version,
                      valid_from=self.source.valid_from, parent=parent, title=title,
                      origin=f"{self.path.name}@{lines[0].start}-{lines[-1].end}", order=len(self.items), data=data)
        self.items.append(p)
        return p


def _part_i(lines: list[Line], col0: list[bool], out: _Out) -> None:
    heads = [i for i, l in enumerate(lines) if l.text in PART_I]
    found = [lines[i].text for i in heads]
    if found != list(PART_I):
        raise SourceError(out.path, f"Part I should hold {list(PART_I.values())}, found {found}")
    for i, j in zip(heads, heads[1:] + [len(lines)]):
        name = PART_I[lines[i].text]
        data = {"terms": _annex_terms(lines[i + 1:j], col0[i + 1:j])} if name == "Definitions" else {}
        out.add(f"Annex I {name}", "general_note", lines[i + 1:j], "Annex I", title=lines[i].text, data=data)


def _annex_terms(lines: list[Line], col0: list[bool]) -> list[dict]:
    """Defined terms: '"Laser" (1 2 3 …) means …' at column 0, with the lines that follow it (points, Notes, N.B.s).
    The categories are the first bracket of category references: '"Bias" (accelerometer) (7)' -> ['7']."""
    terms: list[dict] = []
    for line, first in zip(lines, col0):
        m = re.match(r'^"([^"]+)"(?=[\s(])', line.text)        # not a point such as '"Tapes", fabrics…'
        if m and first:
            cats = re.search(rf"\(({CAT}(?: {CAT})*)\)", line.text[:len(m[0]) + 40])
            terms.append({"term": m.group(1), "categories": cats.group(1).split() if cats else [], "text": line.text})
        elif terms:
            terms[-1]["text"] += " " + line.text
    return terms


# --- a category: its notes and entries ---------------------------------------------------------------------------

def _category(cat: str, lines: list[Line], col0: list[bool], out: _Out) -> None:
    """Split a category into blocks at its headings (category, part, sub-category, entry, special texts)."""
    if not lines or lines[0].text != f"Category {cat}":
        raise SourceError(out.path, f"Category {cat} does not start with its heading 'Category {cat}'")
    blocks: list[tuple[str, str, str, int]] = []          # (kind, locator suffix or code, heading, first line)
    seen: set[str] = set()
    sub = sub_heading = ""
    for i, line in enumerate(lines[1:], 1):
        t = line.text
        if col0[i]:
            continue                                      # every heading is indented; column 0 is item wording
        m = ENTRY.match(t)
        if re.match(rf"^CATEGORY {cat}\s*[-–]", t):
            blocks.append(("note", f"Category {cat} Notes", t, i))
        elif cat == "5" and re.match(r"^Part [12] - ", t):
            blocks.append(("note", f"Category 5 {t[:6]} Notes", t, i))
        elif SUBCATEGORY.match(t):
            sub = SUBCATEGORY.match(t).group(1)
            sub_heading = f"{sub} {t[len(sub):]}"
            blocks.append(("note", f"Category {cat} {sub} Notes", sub_heading, i))
        elif t == "Table":
            # the 2E deposition table stands after 2E301; the 2025 JSON files it as the 2E notes
            blocks.append(("note", f"Category {cat} {sub} Notes", sub_heading, i))
        elif t in SPECIAL_NOTE_TITLES:
            blocks.append(("note", f"Category {cat} {SPECIAL_NOTE_TITLES[t]}", t, i))
        elif m and m.group(1)[0] == cat and m.group(1) not in seen:
            # a code seen before opens a Note ("1C111a.2.a. and 1C111a.2.b. controls…"), not an entry
            seen.add(m.group(1))
            blocks.append(("entry", m.group(1), "", i))
    for (kind, name, heading, i), (*_, j) in zip(blocks, blocks[1:] + [("", "", "", len(lines))]):
        if kind == "entry":
            _entry(name, lines[i:j], col0[i:j], out)
        else:
            _category_note(cat, name, heading, lines[i + 1:j], out)


def _category_note(cat: str, suffix: str, heading: str, lines: list[Line], out: _Out) -> None:
    if not lines or [l.text for l in lines] in (["None"], ["None."]):
        return                 # no notes: "None." stands under the sub-categories that have no entries (4B, 4C, 5C1…)
    locator, title, data = f"Annex I {suffix}", f"Category {cat} — {heading} — notes", {"category": cat}
    out.add(locator, "category_note", lines, "Annex I", title=title, data=data)
    # numbered notes are cited on their own ("Annex I Category 5 Part 2 Note 3"); each runs to the next one
    starts = [i for i, l in enumerate(lines) if re.fullmatch(r"Note \d+\s*:?", l.text)]
    for i, j in zip(starts, starts[1:] + [len(lines)]):
        number = re.search(r"\d+", lines[i].text).group()
        out.add(f"{locator.removesuffix(' Notes')} Note {number}", "category_note", lines[i:j], locator,
                title=title, data=data)


def _entry(code: str, lines: list[Line], col0: list[bool], out: _Out) -> None:
    """One entry: its heading, its items and its Notes, in document order."""
    head = lines[0]
    heading = [Line(head.text[5:], head.start, head.end, [[s - 5, e - 5] for s, e in head.breaks])]
    i = 1
    if not heading[0].text and len(lines) > 1 and not col0[1] and not ITEM.match(lines[1].text) \
            and not NOTE.match(lines[1].text):
        heading, i = [lines[1]], 2                      # the code stands alone; its heading is the next line
    entry = {"kind": "entry", "path": code, "lines": heading}
    records, item, note = [entry], entry, None
    inline = None                                       # the next point label expected in a wordless item
    points: list[str] = []                              # open point lists of the Notes since the last item
    while i < len(lines):
        line = lines[i]
        im, nm = ITEM.match(line.text), NOTE.match(line.text)
        label = im.group(1) if im and not col0[i] and i + 1 < len(lines) else None
        if label and label == inline and col0[i + 1]:
            item["lines"] += lines[i:i + 2]              # a point of a wordless item: part of its text
            inline = _next(label)
            i += 2
            continue
        inline = None
        wordless = (label and i + 2 < len(lines) and ITEM.match(lines[i + 1].text) and col0[i + 2]
                    and lines[i + 1].text[0] in "a1")
        if label and note and not col0[i + 1] and not wordless and not _ends_note(note, label, points):
            note["lines"] += lines[i:i + 2]              # a point of the Note: its wording is indented
            points = _advance(points, label)
            i += 2
            continue
        if label:
            # an item: its wording starts at column 0 (a Note's points are indented), or the Note before it is
            # over. A wordless item ("3A201.a.1" = sets of conditions a., b., …) takes its points as its text,
            # as the 2025 JSON does.
            item, note, points = {"kind": "item", "label": label, "lines": [] if wordless else [lines[i + 1]]}, None, []
            inline = lines[i + 1].text[0] if wordless else None
            records.append(item)
            i += 1 if wordless else 2
            continue
        if nm:
            name = nm.group(1).replace("note", "Note")
            label = name + (f" {nm.group(2)}" if nm.group(2) else "")
            note = {"kind": KIND_OF_LABEL[name], "label": label, "lines": [line], "after": item}
            records.append(note)
        else:
            (note or item)["lines"].append(line)
        i += 1
    following = None
    for r in reversed(records):                         # each Note learns which item comes after it
        if r["kind"] == "item":
            following = r
        elif "label" in r:
            r["before"] = following
    items = [r for r in records if r["kind"] == "item"]
    for r, path in zip(items, _item_paths(code, items, out.mentioned, out.path)):
        r["path"] = ".".join([code, *path])
    _emit(code, records, out)


def _ends_note(note: dict, label: str, points: list[str]) -> bool:
    """An indented point after a Note whose last sentence is finished is the next item, unless it continues the
    points of the Notes since the last item: after "…the measuring probe and the measured object." 2B206.c goes on
    with 1., but after the Technical Note on 0B006 Note e. the Note goes on with f."""
    return note["lines"][-1].text.endswith(".") and label not in [_next(p) for p in points]


def _advance(points: list[str], label: str) -> list[str]:
    """The open point lists after `label`: it continues the deepest list it can, or opens one."""
    for k in range(len(points) - 1, -1, -1):
        if _next(points[k]) == label:
            return points[:k] + [label]
    return points + [label]


def _item_paths(code: str, items: list[dict], mentioned: set[str], path: Path) -> list[list[str]]:
    """Item paths from their labels alone, the indentation that showed the depth being lost.

    Letters and numbers alternate level by level: 'a'/'1' opens a list one level down, any other label continues
    an open list. When more than one open list could take a label ('c' after 0B001.b.14.b: b.14.c or c?), the
    choices are tried in this order: a path the Annex cites somewhere ("0B001.c.3." is cited, so c); a list its
    items do not show complete (an item ending in "and"/"or" comes second to last, so the one after it closed the
    list); the deepest. A choice that leaves a later label continuing no list is undone."""
    ends = [bool(re.search(r"\b(and|or)$", join(r["lines"])[0])) for r in items]
    words = [join(r["lines"])[0].split() for r in items]
    failed: set[tuple[int, tuple]] = set()

    def options(stack: tuple, n: int) -> list[tuple]:
        label, digit = items[n]["label"], items[n]["label"].isdigit()
        if label in ("a", "1"):
            k = len(stack)
            while k and stack[k - 1][0].isdigit() == digit:
                k -= 1
            return [stack[:k] + ((label, n, -1),)]
        fits = [k for k in range(len(stack) - 1, -1, -1)
                if stack[k][0].isdigit() == digit and _next(stack[k][0]) == label]
        complete = {k for k in fits if stack[k][2] >= 0 and ends[stack[k][2]] and not ends[stack[k][1]]}
        cited = {k for k in fits if ".".join([code, *(s[0] for s in stack[:k]), label]) in mentioned}
        like = {k: difflib.SequenceMatcher(None, words[n], words[stack[k][1]]).ratio() for k in fits}
        fits.sort(key=lambda k: (k not in cited, k in complete, -like[k]))       # stable: deepest first within a rank
        return [stack[:k] + ((label, n, stack[k][1]),) for k in fits]

    def solve(n: int, stack: tuple) -> list | None:          # (label, item index, previous sibling index) per level
        if n == len(items):
            return []
        if (n, stack) in failed:
            return None
        for option in options(stack, n):
            rest = solve(n + 1, option)
            if rest is not None:
                return [[label for label, _, _ in option]] + rest
        failed.add((n, stack))
        return None

    paths = solve(0, ())
    if paths is None:
        raise SourceError(path, f"{code}: the item labels do not form a list "
                                f"({' '.join(r['label'] for r in items)}): the text is garbled")
    return paths


def _emit(code: str, records: list[dict], out: _Out) -> None:
    known = {r["path"] for r in records if "path" in r}
    used: set[str] = set()
    previous = None
    for r in records:
        if "path" in r:
            locator, kind = annex_i_locator(r["path"]), r["kind"]
            parent = "Annex I" if kind == "entry" else annex_i_locator(r["path"].rsplit(".", 1)[0])
            title = join(r["lines"])[0] if kind == "entry" else ""
        else:
            r["node"], previous = _note_node(code, r, previous, known), r
            label, n = r["label"], 1
            while (locator := annex_i_locator(r["node"], label)) in used:     # a second "N.B." on a node: "N.B. 2"
                n += 1
                label = f"{r['label']} {n}"
            kind, title, parent = r["kind"], label, annex_i_locator(r["node"])
        if locator in used:
            raise SourceError(out.path, f"{code}: {locator} appears twice")
        used.add(locator)
        text = join(r["lines"])[0]
        data = {"entry": code, "category": code[0]}
        refs = sorted({ref.rstrip(".") for ref in SEE_CODES.findall(text)} - {code})
        if refs:
            data["refs"] = refs
        terms = sorted(set(DEFINED_TERM.findall(text)))
        if terms:
            data["terms"] = terms
        if kind == "nb":
            data["see_also"] = refs
        out.add(locator, kind, r["lines"], parent, title=title, data=data)


def _note_node(code: str, note: dict, previous: dict | None, known: set[str]) -> str:
    """The node a Note qualifies, the indentation that showed it being lost. In order:
    1. for "Note 2", "Note 3"…, the node of the Note numbered just before it, when no item stands between them;
    2. the node its wording names at the start ("0A001.i. does not control…", "In 0A001.h. …", "For the purposes
       of 5A002.a., …"), or that node's nearest listed ancestor;
    3. the node whose list the next item continues: a Note ends the node it qualifies, so after 0B001.j.5.d and
       before 0B001.j.6 it is j.5's, before 0B001.k it would be j's, after the last item it is the entry's, and
       between an item's wording and its own points (0A001.i, then 0A001.i.1) it is that item's.
    Measured on the notes whose wording is the same in the 2025 JSON, this agrees with its nodes for 92 % of them."""
    base, _, number = note["label"].rpartition(" ")
    if (number.isdigit() and previous and previous["after"] is note["after"]
            and previous["label"] == f"{base} {int(number) - 1}"):
        return previous["node"]
    body = " ".join(l.text for l in note["lines"][1:]).lstrip(": ")
    m = NAMES_NODE.match(body)
    if m and m.group(1).split(".")[0] == code:
        path = m.group(1)
        while path not in known:
            path = path.rsplit(".", 1)[0]
        return path
    if note["before"] is None:
        return code
    return ".".join(note["after"]["path"].split(".")[:note["before"]["path"].count(".") + 1])


def _next(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label[-1]) + 1)
