"""Parse the structured Annex I JSON (annex-i-2025/annex.json) into provisions.

Each line of an entry's `verbatim_text` starts with the producer's dotted path ("5A002.a.1 Items having…",
"5A002 Note 2: …"). The path gives the item tree; a leading label (Note, Technical Note(s), N.B.) makes the line a
note attached to that node. A line that repeats the previous line's node without a label continues the previous
provision (flattened tables, a Technical Note split over two lines). Only Annex I is taken from this file: the
manifest says the consolidated text wins for the Articles and Annex II.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .criteria import attach_criteria
from .manifest import Source, SourceError
from .model import Provision, annex_i_locator

LINE = re.compile(r"^(?P<code>[0-9][A-E][0-9]{3})(?P<path>(?:\.[a-z0-9]+)*)\s(?P<rest>.*)$")
LABEL = re.compile(r"^(?P<label>Technical Notes?|Notes?|N\.B\.)\s?(?P<num>\d+)?\.?\s*(?::\s*|\s+|$)")
KIND_OF_LABEL = {"Note": "note", "Notes": "note", "Technical Note": "technical_note",
                 "Technical Notes": "technical_note", "N.B.": "nb"}
SEE_CODES = re.compile(r"\b([0-9][A-E][0-9]{3}(?:\.?[a-z0-9]+)*)")
DEFINED_TERM = re.compile(r"\"([^\"]{2,80})\"")

# Annex I Part I texts in the JSON's `docs`, by doc_type -> (locator suffix, title)
PART_I_DOCS = {
    "general_notes": "General Notes",
    "nuclear_technology_note": "NTN",
    "general_technology_note": "GTN",
    "nuclear_software_note": "NSN",
    "general_software_note": "GSN",
    "information_security_note": "GISN",
    "editorial_practices": "Editorial Practices",
    "acronyms": "Acronyms",
    "definitions_annex": "Definitions",
}
# docs the manifest tells us to ignore: the consolidated text of the Articles wins
IGNORED_DOCS = {"definitions", "article_4", "article_5"}
# category-note titles that do not follow the "<code> <name>" pattern
SPECIAL_NOTE_TITLES = {
    "TABLE - DEPOSITION TECHNIQUES - NOTES": "Table Deposition Techniques Notes",
    "TABLE - DEPOSITION TECHNIQUES - TECHNICAL NOTE": "Table Deposition Techniques Technical Note",
    "Abbreviations used in this Technical Note": "Abbreviations used in this Technical Note",
    'Outline of "APP" calculation method': "Outline of APP calculation method",
    'TECHNICAL NOTE ON "ADJUSTED PEAK PERFORMANCE" ("APP")': "Technical Note on APP",
}


def parse_annex_json(path: Path, source: Source) -> list[Provision]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SourceError(path, f"not valid JSON ({e}); the file is truncated or corrupted") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise SourceError(path, "no 'entries' list: not the Annex I JSON format")
    expected = doc.get("entry_count")
    if expected is not None and expected != len(doc["entries"]):
        raise SourceError(path, f"declares {expected} entries but holds {len(doc['entries'])}")

    out: list[Provision] = []

    def add(**kw) -> Provision:
        p = Provision(source=source.id, version=source.version, valid_from=source.valid_from,
                      order=len(out), **kw)
        out.append(p)
        return p

    add(locator="Annex I", kind="annex", title="ANNEX I — LIST OF DUAL-USE ITEMS",
        text="LIST OF DUAL-USE ITEMS REFERRED TO IN ARTICLE 3 OF THIS REGULATION", origin=f"{path.name}#/")
    for i, d in enumerate(doc.get("docs", [])):
        _parse_doc(d, i, path, add)
    for i, entry in enumerate(doc["entries"]):
        _parse_entry(entry, i, path, add)
    return attach_criteria(out)          # machine-checkable criteria and release Notes, read from the wording


def _parse_doc(d: dict, i: int, path: Path, add) -> None:
    kind, title, text = d.get("doc_type"), d.get("title", ""), (d.get("verbatim_text") or "").strip()
    origin = f"{path.name}#/docs/{i}"
    if kind in IGNORED_DOCS or not text or text.rstrip(".") == "None":
        return
    if kind in PART_I_DOCS:
        locator = f"Annex I {PART_I_DOCS[kind]}"
        data = {"terms": _annex_terms(text)} if kind == "definitions_annex" else {}
        add(locator=locator, kind="general_note", title=title, text=text, parent="Annex I", origin=origin, data=data)
        return
    if kind not in ("section_note", "category_note"):
        raise SourceError(path, f"docs[{i}] has an unknown doc_type {kind!r}")
    category, _, rest = title.partition(" — ")
    name = rest.removesuffix(" — notes")
    m = re.match(r"^(\d[A-E]\d?)\s", name)
    if m:
        suffix = f"{m.group(1)} Notes"
    elif re.match(r"^Part [12]\b", name):
        suffix = f"{name[:6]} Notes"
    elif name.upper().startswith("CATEGORY"):
        suffix = "Notes"
    else:
        suffix = SPECIAL_NOTE_TITLES.get(name, re.sub(r"[^\w ]+", "", name))
    locator = f"Annex I {category} {suffix}"
    add(locator=locator, kind="category_note", title=title, text=text, parent="Annex I", origin=origin,
        data={"category": category.split()[-1]})
    # numbered notes in a category note are cited on their own ("Annex I Category 5 Part 2 Note 3")
    for line in text.split("\n"):
        nm = re.match(r"^Note (\d+):", line)
        if nm:
            add(locator=f"{locator.removesuffix(' Notes')} Note {nm.group(1)}", kind="category_note",
                title=title, text=line.strip(), parent=locator, origin=origin, data={"category": category.split()[-1]})


def _annex_terms(text: str) -> list[dict]:
    """Defined terms of Annex I: '"Laser" (1 2 3 …) means …', with any N.B. lines that follow."""
    terms: list[dict] = []
    for line in text.split("\n"):
        m = re.match(r'^"([^"]+)"\s*(\(([\d ]+)\))?', line)
        if m:
            terms.append({"term": m.group(1), "categories": (m.group(3) or "").split(), "text": line.strip()})
        elif terms and line.startswith("N.B."):
            terms[-1]["text"] += " " + line.strip()
    return terms


def _parse_entry(entry: dict, i: int, path: Path, add) -> None:
    code = entry.get("entry_code", "")
    origin = f"{path.name}#/entries/{i}"
    lines = (entry.get("verbatim_text") or "").split("\n")
    if not re.fullmatch(r"[0-9][A-E][0-9]{3}", code) or not lines or not lines[0].startswith(code):
        raise SourceError(path, f"entries[{i}] ({code!r}) does not start with its entry code")
    texts: dict[str, list] = {}             # locator -> [kwargs, text lines] built before the provision is made
    order: list[str] = []
    label_count: dict[tuple[str, str], int] = {}
    previous = previous_node = None         # the provision and node of the previous line
    for n, line in enumerate(lines):
        m = LINE.match(line)
        if not m or m.group("code") != code:
            raise SourceError(path, f"entries[{i}] ({code}) line {n + 1} has no dotted path of {code}: {line[:60]!r}")
        line_node = code + m.group("path")
        for k, rest in enumerate(split_merged_notes(m.group("rest").strip())):
            node = line_node if k == 0 else _named_node(rest, line_node, code)
            lm = LABEL.match(rest)
            if lm:
                label = lm.group("label") + (f" {lm.group('num')}" if lm.group("num") else "")
                key = (node, label)
                label_count[key] = label_count.get(key, 0) + 1
                if label_count[key] > 1:               # a second unnumbered "N.B." on the same node
                    label = f"{label} {label_count[key]}"
                locator = annex_i_locator(node, label)
                if locator in texts:
                    raise SourceError(path, f"entries[{i}] ({code}): {locator} appears twice")
                parent = _nearest(node, texts, code)
                texts[locator] = [dict(kind=KIND_OF_LABEL[lm.group("label")], title=label, parent=parent), [rest]]
                order.append(locator)
                previous, previous_node = locator, line_node
            elif node == previous_node:
                texts[previous][1].append(rest)        # same node, no label: continues the previous provision
            else:
                locator = annex_i_locator(node)
                if locator in texts:
                    raise SourceError(path, f"entries[{i}] ({code}): item {node} appears twice")
                kind = "entry" if node == code else "item"
                parent = "Annex I" if node == code else _nearest(node.rsplit(".", 1)[0], texts, code)
                texts[locator] = [dict(kind=kind, title=rest if kind == "entry" else "", parent=parent), [rest]]
                order.append(locator)
                previous, previous_node = locator, node
    for locator in order:
        kw, body = texts[locator]
        text = " ".join(body)
        data = {"entry": code, "category": code[0]}
        refs = sorted({r.rstrip(".") for r in SEE_CODES.findall(text)} - {code})
        if refs:
            data["refs"] = refs
        terms = sorted(set(DEFINED_TERM.findall(text)))
        if terms:
            data["terms"] = terms
        if kw["kind"] == "nb":
            data["see_also"] = refs
        add(locator=locator, text=text, origin=origin, data=data, **kw)


# A Note or Technical Note that the copy ran into the text before it, after a full stop: "…or 1 mg solid or liquid.
# Note 1: 1A004.d. does not control…". Not after ";" (a Technical Note inside a Note's list, whose items go on after
# it), not a reference to a Note ("For the purposes of 4A003.g. Note: 1.", "… 1C001.a. Note: 1.c.1."), and not an
# N.B. (the N.B.s of 4A003 Note 2 stand between its paragraphs b. and c.).
MERGED_LABEL = re.compile(r"(?<=\. )(?=(?:Technical Notes?|Notes?)(?: \d+)?\s?:(?!\s?\d+\.[a-z]\.))")
REFERENCE_BEFORE = re.compile(r"purposes? of [0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*\.? $")
# a Technical Note on one paragraph of a Note ("For the purposes of 5A002.a. Note 2.a.2., …") sits inside that
# Note's list, which goes on after it: it stays with the Note
NOTE_PARAGRAPH_TN = re.compile(r"^Technical Notes?\s?:\s*(?:1\.\s*)?For the purposes? of \S+ Note \d+\.[a-z]")
PATH = r"[0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*"
NAMED_NODE = re.compile(r"^(?:Technical Notes?|Notes?|N\.B\.)[\s\d.]*:?\s*(?:In |For the purposes? of )?"
                        rf"(?P<path>{PATH})\.?(?:,? and (?P<other>{PATH}))?")


def split_merged_notes(text: str) -> list[str]:
    """The text of one JSON line cut where the copy merged a new Note into the one before it (verbatim pieces)."""
    cuts = [m.start() for m in MERGED_LABEL.finditer(text)
            if not NOTE_PARAGRAPH_TN.match(text[m.start():]) and not REFERENCE_BEFORE.search(text[:m.start()])]
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


def _named_node(text: str, line_node: str, code: str) -> str:
    """The node a split-off Note names at its start ("Note: 1A004 does not control" -> 1A004; "For the purposes of
    6A005.a. and 6A005.b." -> 6A005), else the node of the line it came from."""
    m = NAMED_NODE.match(text)
    if not m or not m.group("path").startswith(code):
        return line_node
    path = m.group("path")
    if m.group("other"):
        a, b = path.split("."), m.group("other").split(".")
        common = [x for x, y in zip(a, b) if x == y]
        path = ".".join(common) if common else code
    return path


def _nearest(node: str, known: dict, code: str) -> str:
    """Locator of `node`, or of its nearest ancestor that exists (a note may qualify a path never listed as item)."""
    while node != code and annex_i_locator(node) not in known:
        node = node.rsplit(".", 1)[0]
    return annex_i_locator(node)
