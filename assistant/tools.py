"""The deterministic tools: typed functions over the structured store that answer what an exporter asks of the
regulation (what does this entry say, which Union general export authorisation covers it for that destination, does
an intra-EU transfer need an authorisation, what does this term mean), each with the verbatim passages that establish
the answer.

Every result has `ok`, `message` (a sentence; for bad input or nothing found it says what is wrong) and `evidence`:
the provisions the result rests on, each quote verbatim (checked with `is_verbatim`) with a short `claim` of what the
passage establishes. The methods' docstrings are the tool descriptions given to an LLM (`as_langchain_tools`).

`check_destination` outcomes: "gea_available", "individual_licence_required", "sanctions_review_required", and
"not_an_export" for a destination inside the customs territory of the Union: that shipment is an intra-EU transfer,
which Article 11 and Annex IV govern (the result then carries the `annex_iv` answer).

Loose locators accepted by `get_provision` (case does not matter): canonical locators; "Article 12(3)", "art 12 (3)",
"Art. 4(1)(b)"; Annex I codes with or without "Annex I" ("5a002a1", "Annex I 1a005 note 1"); "EU001 Part 2" for
Annex II. Not accepted: unbracketed points such as "Art. 4 1 b".
"""
from __future__ import annotations

import difflib
import functools
import inspect
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import cached_property

from langchain_core.tools import StructuredTool

from law.countries import (Country, annex_ii_matches, get_country, in_eu_customs_territory, is_eu_member,
                                 resolve_country, sanctions_for, sanctions_info, suggest_countries)
from assistant.answer import Evidence
from assistant.library import Library
from assistant.quotes import MAX_QUOTE, excerpt, is_verbatim, quote
from ingest.manifest import load_manifest
from ingest.model import FLAG_MESSAGES, Provision, fold, is_within

# the list in force is the source the manifest makes authoritative for Annex I; the superseded versions answer only
# when asked (as of a date, or to compare versions)
_MANIFEST = load_manifest()
ANNEX_I = _MANIFEST.authority_for("Annex I").id
ANNEX_I_SOURCES = tuple(s.id for s in _MANIFEST.sources
                        if s.id == ANNEX_I or (s.status == "superseded" and s.folder.startswith("annex-i")))
GEAS = tuple(f"EU00{n}" for n in range(1, 9))
LIMITS = {"code": 40, "country": 100, "description": 500, "term": 100, "locator": 200}
NOTE_KINDS = ("note", "technical_note", "nb")

# What an exporter must do under Part 3 of every GEA (each quoted when its GEA's Part 3 says it) ...
CONDITIONS = (
    ("in the customs declaration", "The exporter must declare the use of {gea} in the customs declaration"),
    ("of the first use of this authorisation", "The exporter must notify the competent authority of the first use of {gea}"),
    ("shall register prior to the first use", "The exporter must register with the competent authority before using {gea}"),
    ("shall notify the first use", "The registered exporter must notify the first use of {gea} before the first export"),
)
# ... and the purposes EU003 and EU004 are limited to.
PURPOSES = {
    "EU003": ("can only be used", "EU003 can only be used to re-export items after maintenance, repair or replacement"),
    "EU004": ("exhibition", "EU004 covers only temporary export for an exhibition or fair"),
}

_CODE = re.compile(r"([0-9])([A-E])([0-9]{3})((?:\.?[A-Z0-9]+)*?)\.?", re.I)
_CODES_IN_TEXT = re.compile(r"\b[0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*")
# US Commerce Control List designations that are not EU entries: EAR99, x09x (3A090), 9xx (5A992), 500/600 series
_US_ECCN = re.compile(r"EAR99|[0-9][A-EX](?:0[89][0-9X]|[569][0-9X]{2})(?:\..*)?", re.I)
_ARTICLE = re.compile(r"art(?:icle)?\.?\s*(\d{1,2})\s*((?:\(\s*[0-9a-z]+\s*\)\s*)*)", re.I)


def normalize_code(text: str) -> str | None:
    """An Annex I code in canonical dotted form ("5a002a1" -> "5A002.a.1", "3b001f1b" -> "3B001.f.1.b"), or None when
    `text` is not one. Any case, dotted or contiguous sub-items and a trailing dot are accepted; inner spaces are not."""
    m = _CODE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not m:
        return None
    path = re.findall(r"[a-z]|[0-9]+", m.group(4).lower())
    return f"{m.group(1)}{m.group(2).upper()}{m.group(3)}" + "".join(f".{x}" for x in path)


_within = is_within       # codes nest as locators do: 5A002.a.1 lies within 5A002


def _related(a: str, b: str) -> bool:
    return _within(a, b) or _within(b, a)


def _unique(values) -> list:
    return list(dict.fromkeys(values))


# ------------------------------------------------------------------------------------------------------- results

@dataclass
class ToolResult:
    ok: bool = True
    message: str = ""
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class EntryResult(ToolResult):
    code: str = ""
    locator: str = ""
    source: str = ""
    version: str = ""
    valid_from: str = ""
    entry: str = ""                                          # the entry's heading
    text: str = ""                                           # the verbatim text of the entry or sub-item
    ancestors: list[dict] = field(default_factory=list)      # from the entry down: locator, text
    items: list[dict] = field(default_factory=list)          # the sub-items below it, in order: locator, text
    notes: list[dict] = field(default_factory=list)          # locator, kind, applies (node|ancestor|descendant), text
    see_also: list[str] = field(default_factory=list)
    category_notes: list[dict] = field(default_factory=list)
    terms: list[dict] = field(default_factory=list)          # term, locator, definition (verbatim)
    annex_iv: dict = field(default_factory=dict)
    section_i: dict = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)       # flag, message, locators
    nearest: list[str] = field(default_factory=list)


@dataclass
class SearchResult(ToolResult):
    query: str = ""
    category: str | None = None
    candidates: list[dict] = field(default_factory=list)     # code, entry, locator, quote, score


@dataclass
class DestinationResult(ToolResult):
    code: str = ""
    locator: str = ""
    country: dict = field(default_factory=dict)
    outcome: str = ""
    available: list[str] = field(default_factory=list)       # GEAs that can be used
    geas: list[dict] = field(default_factory=list)           # the finding for each of EU001-EU008
    sanctions: dict | None = None
    annex_iv: dict | None = None                             # for "not_an_export"
    notes: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    nearest: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


@dataclass
class AnnexIVResult(ToolResult):
    code: str = ""
    status: str = ""                                         # yes | partly | conditional | no
    parts: list[str] = field(default_factory=list)           # "I", "II"
    general_authorisation: str = ""                          # possible (Part I) | excluded (Part II) | "" (not listed)
    entries: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    nearest: list[str] = field(default_factory=list)


@dataclass
class DefineResult(ToolResult):
    term: str = ""
    definitions: list[dict] = field(default_factory=list)    # term, locator, source, definition
    suggestions: list[str] = field(default_factory=list)


@dataclass
class ProvisionResult(ToolResult):
    locator: str = ""
    source: str = ""
    version: str = ""
    valid_from: str = ""
    kind: str = ""
    title: str = ""
    text: str = ""
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    nearest: list[str] = field(default_factory=list)


class _Refused(Exception):
    """Bad input or nothing found: the tool answers ok=False with this message and hints (nearest, suggestions)."""

    def __init__(self, message: str, **hints):
        super().__init__(message)
        self.message, self.hints = message, hints


def _tool(result_cls):
    """A tool method never raises on bad input: _Refused becomes an ok=False result."""
    def wrap(method):
        @functools.wraps(method)
        def run(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except _Refused as e:
                return result_cls(ok=False, message=e.message, **e.hints)
        return run
    return wrap


def _text(value, what: str) -> str:
    """An argument's text with whitespace collapsed, or _Refused saying what is wrong with it."""
    limit = LIMITS[what]
    if not isinstance(value, str):
        raise _Refused(f"The {what} must be text, not {type(value).__name__}.")
    if len(value) > 4 * limit:
        raise _Refused(f"The {what} is too long ({len(value)} characters; at most {limit}).")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value):
        raise _Refused(f"The {what} contains control characters; type it as plain text.")
    value = " ".join(value.split())
    if not value:
        raise _Refused(f"The {what} is empty.")
    if len(value) > limit:
        raise _Refused(f"The {what} is too long ({len(value)} characters; at most {limit}).")
    return value


def _us_designation(raw: str) -> str | None:
    if not _US_ECCN.fullmatch(raw):
        return None
    if raw.upper() == "EAR99":
        return ("EAR99 is a US designation (items subject to the US Export Administration Regulations but not on the "
                "Commerce Control List), not an entry of EU Annex I. Classify the item against Annex I: describe it "
                "to search_control_list.")
    return (f"{raw} looks like a US Export Control Classification Number (Commerce Control List), not an entry of EU "
            f"Annex I, which has no such entry. Classify the item against Annex I: describe it to search_control_list.")


def _warnings(provisions) -> list[dict]:
    """The artefact flags of the passages a result rests on: one row per flag, with the sentence to show."""
    by_flag: dict[str, list[str]] = {}
    for p in provisions:
        for f in p.flags:
            by_flag.setdefault(f, [])
            if p.locator not in by_flag[f]:
                by_flag[f].append(p.locator)
    return [{"flag": f, "message": FLAG_MESSAGES.get(f, f), "locators": locs} for f, locs in by_flag.items()]


def _category0_status(rule: str | None) -> str:
    """Part II of Annex IV: 'All Category 0 of Annex I is included in Annex IV, subject to the following: …'."""
    if rule is None:
        return "yes"
    if "not included" in rule:
        return "partly" if "with the exception" in rule else "no"
    return "conditional" if "only if" in rule else "partly"      # "included … except insofar as it relates to …"


@dataclass
class _AnnexIList:
    """One version of Annex I, read once: each entry's provisions in order, the item tree, the category notes."""
    entries: dict[str, list[Provision]]
    by_locator: dict[str, Provision]
    children: dict[str, list[Provision]]                       # parent locator -> its sub-items
    category_notes: list[tuple[Provision, list[str]]]          # with the codes each mentions


@dataclass
class _Coverage:
    """What Part 1 of a GEA says of a code."""
    status: str                      # full | partial | conditional | none
    reason: str
    covered: list[str] = field(default_factory=list)         # partial: the sub-items covered
    excluded: list[str] = field(default_factory=list)        # partial: the sub-items left out
    needles: list[str] = field(default_factory=list)         # what to quote from Part 1
    section_i: list[str] = field(default_factory=list)       # what to quote from Annex II Section I


# ------------------------------------------------------------------------------------------------------- tools

class Toolbox:
    def __init__(self, library: Library):
        self.library = library
        self.store = library.store
        self._lists: dict[str, _AnnexIList] = {}
        self._locators: dict[str | None, dict[str, str]] = {}

    # --- lookup ---------------------------------------------------------------------------------------------------

    @_tool(EntryResult)
    def lookup_entry(self, code: str, source: str = ANNEX_I) -> EntryResult:
        """Look up an entry or sub-item of the EU control list (Annex I), e.g. "5A002.a.1": its verbatim text, the
        items under it, the Notes that apply, defined terms, and whether it is in Annex IV or Annex II Section I.
        `code`: an Annex I code in any common form ("5a002a1"); `source`: "annex-i-2025" (in force, the default) or
        "annex-i-2023" (superseded, only to compare versions)."""
        code, node = self._find(code, source)
        lst = self._annex_i(source)
        ancestors, p = [], node
        while p.parent in lst.by_locator:
            p = lst.by_locator[p.parent]
            ancestors.insert(0, p)
        family = lst.entries[code[:5]]
        items = [q for q in family if q.kind == "item" and q is not node and is_within(q.locator, node.locator)]
        notes = [(q, self._applies(q.parent, node.locator)) for q in family if q.kind in NOTE_KINDS]
        notes = [(q, where) for q, where in notes if where]
        matched = [q for q, codes in lst.category_notes if any(_related(c, code) for c in codes)]
        category_notes = [q for q in matched if not any(r.parent == q.locator for r in matched)]  # the numbered Note
        terms = self._terms_used([*ancestors, node, *items, *(q for q, _ in notes)], source)
        iv_status, iv_matches = self._iv_match(code)
        iv_listed = iv_matches if iv_status != "no" else []      # 0C001: Part II's rule says "not included"
        sec_status, sec_matched, _ = self._section_i(code)

        evidence = self._cite(node, f"{code} is listed in Annex I")
        for q, where in notes:
            if where != "descendant":    # notes on the node and above qualify it; those below are in `notes`
                evidence += self._cite(q, f"{q.locator.removeprefix('Annex I ')} applies to {code}")
        for q in category_notes:
            evidence += self._cite(q, f"{q.locator.removeprefix('Annex I ')} concerns {code}")
        evidence += self._iv_evidence(code, iv_listed)
        if sec_status != "no":
            evidence += self._section_i_evidence(code, sec_matched, sec_status)
        status = "in force" if source == ANNEX_I else "superseded"
        return EntryResult(
            message=f"Annex I {code}, {status} version {node.version} (valid from {node.valid_from}).",
            evidence=_unique_evidence(evidence), code=code, locator=node.locator, source=node.source,
            version=node.version, valid_from=node.valid_from, entry=family[0].text, text=node.text,
            ancestors=[{"locator": q.locator, "text": q.text} for q in ancestors],
            items=[{"locator": q.locator, "text": q.text} for q in items],
            notes=[{"locator": q.locator, "kind": q.kind, "applies": where, "text": q.text} for q, where in notes],
            see_also=_unique(c for q, _ in notes for c in q.data.get("see_also", [])),
            category_notes=[{"locator": q.locator, "text": q.text} for q in category_notes],
            terms=terms,
            annex_iv={"status": iv_status, "parts": sorted({q.data["part"] for q, _ in iv_listed}),
                      "locators": [q.locator for q, _ in iv_listed]},
            section_i={"status": sec_status, "matched": sec_matched, "excluded_from": self._section_i_geas},
            warnings=_warnings([*ancestors, node, *items, *(q for q, _ in notes), *category_notes]))

    @staticmethod
    def _applies(note_parent: str, node: str) -> str | None:
        """How a note attached to `note_parent` relates to the looked-up node."""
        if note_parent == node:
            return "node"
        if is_within(node, note_parent):
            return "ancestor"
        return "descendant" if is_within(note_parent, node) else None

    def _find(self, code, source: str = ANNEX_I) -> tuple[str, Provision]:
        """The Annex I entry or sub-item `code` names, or _Refused saying why not, with the nearest valid codes."""
        raw = _text(code, "code")
        if source not in ANNEX_I_SOURCES:
            raise _Refused(f"Unknown Annex I version {source!r}: use {ANNEX_I!r} (in force) or "
                           f"{ANNEX_I_SOURCES[1]!r} (superseded).")
        norm = normalize_code(raw)
        lst = self._annex_i(source)
        p = lst.by_locator.get(f"Annex I {norm}") if norm else None
        if p is not None and p.kind in ("entry", "item"):
            return norm, p
        us = _us_designation(raw)
        if us:
            raise _Refused(us)
        if norm is None:
            raise _Refused(f"{raw!r} is not an Annex I code: a code is a category digit 0-9, a letter A-E, three digits "
                           f"and optional sub-items, e.g. 5A002 or 5A002.a.1.")
        nearest = self._nearest(norm, lst)
        hint = f" Nearest codes: {', '.join(nearest)}." if nearest else ""
        raise _Refused(f"{norm} is not in Annex I ({source}).{hint}", nearest=nearest)

    @staticmethod
    def _nearest(code: str, lst: _AnnexIList) -> list[str]:
        """The sub-items under the deepest existing part of `code`; else entries of its category closest in number."""
        entry = code[:5]
        if entry in lst.entries:
            node = code
            while f"Annex I {node}" not in lst.by_locator:
                node = node.rsplit(".", 1)[0]
            under = [p.locator.removeprefix("Annex I ") for p in lst.children.get(f"Annex I {node}", [])]
            return under or [node]
        same = [c for c in lst.entries if c[0] == entry[0]]
        return sorted(same, key=lambda c: (c[1] != entry[1], abs(int(c[2:]) - int(entry[2:]))))[:5]

    def _annex_i(self, source: str) -> _AnnexIList:
        if source not in self._lists:
            lst = _AnnexIList({}, {}, {}, [])
            for p in self.store.where("source = ? AND locator LIKE 'Annex I %'", (source,)):
                lst.by_locator[p.locator] = p
                if "entry" in p.data:
                    lst.entries.setdefault(p.data["entry"], []).append(p)
                if p.kind == "item":
                    lst.children.setdefault(p.parent, []).append(p)
                if p.kind == "category_note":
                    codes = _unique(normalize_code(c) for c in _CODES_IN_TEXT.findall(p.text))
                    lst.category_notes.append((p, [c for c in codes if c]))
            self._lists[source] = lst
        return self._lists[source]

    # --- terms ----------------------------------------------------------------------------------------------------

    @cached_property
    def _term_index(self) -> dict[str, list]:
        index: dict[str, list] = {}
        for row in self.store.all_terms():
            index.setdefault(row["folded"], []).append(row)
        return index

    def _term_rows(self, term: str, annex_source: str = ANNEX_I) -> list:
        """Definitions of a term (Art. 2 and the given Annex I version): exact, then without quote marks, then
        singular/plural variants."""
        key = fold(term)
        bare = key.strip("'\"` ")
        variants = [key, bare, bare[:-3] + "y" if bare.endswith("ies") else "", bare[:-2] if bare.endswith("es") else "",
                    bare[:-1] if bare.endswith("s") else "", bare + "s", bare + "es"]
        for v in _unique(v for v in variants if v):
            rows = [r for r in self._term_index.get(v, [])
                    if r["source"] == annex_source or r["locator"].startswith("Art. ")]
            if rows:
                return _unique_rows(rows)
        return []

    def _terms_used(self, provisions: list[Provision], source: str) -> list[dict]:
        used = _unique(fold(t) for p in provisions for t in p.data.get("terms", []))
        rows = [r for t in used for r in self._term_rows(t, source)]
        return [{"term": r["term"], "locator": r["locator"], "definition": r["text"]} for r in _unique_rows(rows)]

    # --- Annex IV and Annex II Section I ----------------------------------------------------------------------------

    @cached_property
    def _iv_entries(self) -> list[tuple[Provision, bool]]:
        """Annex IV's entries with a code, each with whether it is only a heading for sub-items listed after it
        ("6A001 Acoustics, limited to the following:" then 6A001.a.1.b …)."""
        rows = self.store.where("kind = 'list_entry' AND locator LIKE 'Annex IV %' AND status != 'superseded'")
        entries = [p for p in rows if normalize_code(p.data.get("code", ""))]      # not "MTCR Exemptions"
        return [(p, any(q is not p and q.data["part"] == p.data["part"] and q.data["code"] != p.data["code"]
                        and _within(q.data["code"], p.data["code"]) for q in entries)) for p in entries]

    @cached_property
    def _category0(self) -> Provision | None:
        return next(iter(self.store.where("kind = 'list_entry' AND locator LIKE 'Annex IV %Category 0' "
                                          "AND status != 'superseded'")), None)

    def _iv_match(self, code: str) -> tuple[str, list[tuple[Provision, str]]]:
        """Is `code` in Annex IV: (yes|partly|conditional|no, [(Annex IV provision, how)]); `how` is "listed" (the code
        lies within the entry), "contains" (a listed sub-item lies within the code), "heading" (an entry listed only
        through the sub-items after it) or Part II's Category 0 rule."""
        if code[0] == "0" and self._category0:
            rule = self._category0.data["category0"].get(code[:5])
            return _category0_status(rule), [(self._category0, rule or "All Category 0 of Annex I is included in Annex IV")]
        found = []
        for p, heading in self._iv_entries:
            if heading:                      # "6A001 Acoustics, limited to the following:": only its sub-items count
                if _within(p.data["code"], code):
                    found.append((p, "heading"))
                continue
            how = self._iv_covers(code, p.data.get("scope") or [p.data["code"]])
            if how:
                found.append((p, how))
        if any(how == "listed" for _, how in found):
            return "yes", [(p, how) for p, how in found if how == "listed"]
        return ("partly" if found else "no"), found

    def _iv_covers(self, code: str, scope: list[str]) -> str | None:
        """How an Annex IV entry's scope (the sub-items its own wording names: "5D002.c" covers only 5D002.c.3.a)
        meets `code`: "listed" when the code, or every Annex I sub-item of it, lies within the scope; "contains"
        when only some sub-items do; None when none do."""
        if any(_within(code, s) for s in scope):
            return "listed"
        if not any(_within(s, code) for s in scope):
            return None
        kids = [c.locator.removeprefix("Annex I ") for c in self._annex_i(ANNEX_I).children.get(f"Annex I {code}", [])]
        if kids and all(self._iv_covers(k, scope) == "listed" for k in kids):
            return "listed"
        return "contains"

    @cached_property
    def _section_i_provision(self) -> Provision | None:
        return self.store.get("Annex II Section I")

    @cached_property
    def _section_i_geas(self) -> list[str]:
        """The GEAs whose Part 1 excludes the items of Section I."""
        return [g for g in GEAS if (p := self.store.get(f"Annex II {g} Part 1")) and p.data.get("excluded_section_i")]

    def _section_i(self, code: str) -> tuple[str, list[str], bool]:
        """Does Annex II Section I list `code`: (yes|partly|conditional|no, the codes that decide it, through Annex IV?).
        Section I's own codes match by prefix both ways; "all items specified in Annex IV" brings in Annex IV's."""
        sec = self._section_i_provision
        if sec is None:
            return "no", [], False
        codes = sec.data.get("codes", [])
        hits = [c for c in codes if _within(code, c)]
        if hits:
            return "yes", hits, False
        inside = [c for c in codes if _within(c, code)]
        if sec.data.get("all_annex_iv"):
            iv, matches = self._iv_match(code)
            contained = [p.data["code"] for p, how in matches if how == "contains"]
            if iv == "yes" or (iv in ("partly", "conditional") and not contained):
                return ("yes" if iv == "yes" else "conditional"), [p.locator for p, _ in matches], True
            if contained:
                return "partly", inside + contained, True
        return ("partly" if inside else "no"), inside, False

    def _iv_evidence(self, code: str, matches: list[tuple[Provision, str]]) -> list[Evidence]:
        out = []
        for p, how in matches:
            part = f"Annex IV Part {p.data['part']}"
            if p is self._category0:
                needles = [how] if how in p.text else []
                out += self._cite(p, f"{part}, Category 0: {how}", needles, context=0)
            elif how == "listed":
                out += self._cite(p, f"{code} is listed in {part}" if p.data["code"] == code
                                  else f"{part} lists {p.data['code']}, which includes {code}")
            elif how == "heading":
                out += self._cite(p, f"{part} lists {p.data['code']} only through the sub-items that follow it")
            else:
                out += self._cite(p, f"{part} lists {p.data['code']}, a sub-item of {code}")
        return out

    def _section_i_evidence(self, code: str, decided_by: list[str], status: str) -> list[Evidence]:
        """Section I's heading (which GEAs it serves) and the lines that list the code, or its Annex IV line."""
        sec = self._section_i_provision
        needles = [c for c in decided_by if c in sec.text]
        if len(needles) < len(decided_by):       # decided through Annex IV entries
            needles.append("all items specified in Annex IV")
        claim = {"yes": f"{code} is in Annex II Section I, whose items {', '.join(self._section_i_geas)} do not cover",
                 "partly": f"Annex II Section I lists part of {code}: {', '.join(decided_by)}",
                 "conditional": f"Annex II Section I includes all Annex IV items, and {code} is in Annex IV in some cases"}
        return self._cite(sec, claim[status], ["LIST REFERRED TO", *needles], lead=False, context=1)

    # --- search ---------------------------------------------------------------------------------------------------

    @_tool(SearchResult)
    def search_control_list(self, text: str, category: str | None = None, k: int = 10,
                            source: str = ANNEX_I) -> SearchResult:
        """Find the Annex I entries that best match a plain-language description of an item, ranked, each with its
        best-matching passage quoted. `text`: the description (up to 500 characters); `category`: optional Annex I
        category "0"-"9" to search in; `k`: how many entries to return (1-25); `source`: the Annex I version
        ("annex-i-2025", in force, or the superseded "annex-i-2023")."""
        if source not in ANNEX_I_SOURCES:
            raise _Refused(f"Unknown Annex I version {source!r}: use {ANNEX_I!r} (in force) or 'annex-i-2023'.")
        query = _text(text, "description")
        if category is not None and not (isinstance(category, (str, int))
                                         and re.fullmatch(r"[0-9]", str(category).strip())):
            raise _Refused(f"The category must be one digit 0-9 (Annex I Categories 0 to 9), not {category!r}.")
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 25:
            raise _Refused(f"k must be a whole number from 1 to 25, not {k!r}.")
        cat = str(category).strip() if category is not None else None
        best: dict[str, object] = {}
        statuses = ("in_force", "superseded") if source != ANNEX_I else ("in_force",)
        for hit in self.library.search(query, k=max(40, 4 * k), statuses=statuses, sources=[source]):
            code = hit.provision.data.get("entry")
            if code and (cat is None or code[0] == cat) and code not in best:
                best[code] = hit          # hits come best first: keep each entry's best passage
        lst = self._annex_i(source)
        candidates, evidence = [], []
        for code, hit in list(best.items())[:k]:
            p = hit.provision
            ev = self._cite(p, f"{p.locator.removeprefix('Annex I ')} matches the description; check the full entry "
                               f"{code} before classifying")
            candidates.append({"code": code, "entry": lst.by_locator[f"Annex I {code}"].text, "locator": p.locator,
                               "quote": ev[0].quote, "score": round(hit.score, 5)})
            evidence += ev
        where = f" in Category {cat}" if cat else ""
        message = (f"{len(candidates)} candidate Annex I entries{where}, best first: "
                   + ", ".join(c["code"] for c in candidates) + ". A match is a lead, not a classification.") \
            if candidates else f"No Annex I entry{where} matches this description."
        return SearchResult(message=message, evidence=evidence, query=query, category=cat, candidates=candidates)

    # --- destinations ---------------------------------------------------------------------------------------------

    @_tool(DestinationResult)
    def check_destination(self, code: str, country: str) -> DestinationResult:
        """Can an Annex I item be exported to a country under a Union general export authorisation (EU001-EU008), or
        is an individual licence or a sanctions review needed? `code`: the Annex I code, e.g. "5A002"; `country`:
        the destination as a name or ISO code. Outcome: gea_available, individual_licence_required,
        sanctions_review_required, or not_an_export (an EU destination: intra-EU transfer)."""
        code, node = self._find(code)
        name = _text(country, "country")
        c = resolve_country(name) or get_country(name)      # resolve_country reads the code "ST" as "Saint"
        if c is None:
            suggestions = [s.name for s in suggest_countries(name)]
            raise _Refused(f"{name!r} is not a country or territory I know." +
                           (f" Did you mean {', '.join(suggestions)}?" if suggestions else " Give its name or ISO code."),
                           code=code, suggestions=suggestions)
        result = DestinationResult(code=code, locator=node.locator, country={"name": c.name, "iso2": c.iso2})
        if in_eu_customs_territory(c):
            return self._intra_eu(result, c)
        s = sanctions_for(c)
        sanctioned = bool(s and (s.arms_embargo or s.dual_use_restrictions))
        evidence = self._cite("Art. 3(1)", f"An authorisation is required to export {code}, an item listed in Annex I")
        evidence += self._cite(node, f"{code} is listed in Annex I")
        for gea in GEAS:
            if self.store.get(f"Annex II {gea} Part 1"):
                row, ev = self._gea(gea, code, c, sanctioned)
                result.geas.append(row)
                evidence += ev
        result.available = [r["gea"] for r in result.geas if r["available"]]
        partial = [f"{r['gea']} covers only part of {code}: "
                   + (", ".join(r["covered_items"]) if r["covered_items"] else r["items_reason"]) + "."
                   for r in result.geas if r["available"] and r["items"] != "full"]
        result.notes += partial
        if s:
            result.sanctions = {"name": s.name, "regimes": s.regimes, "arms_embargo": s.arms_embargo,
                                "dual_use_restrictions": s.dual_use_restrictions, "partial": s.partial, "note": s.note,
                                "source_url": s.source_url, "as_of": s.as_of, "disclaimer": sanctions_info()["disclaimer"]}
            result.notes.append(f"Sanctions data for {s.name}: {'; '.join(s.regimes)}. {s.note} (Project-maintained "
                                f"reference data as of {s.as_of}, not part of the legal corpus: verify on {s.source_url}.)")
        if sanctioned:
            result.outcome = "sanctions_review_required"
            on_text = [r["gea"] for r in result.geas if r["items"] != "none" and r["destination"]]
            why = (" The measures target only part of the country or listed persons (partial); the assistant still asks "
                   "for a review, because whether the end user is targeted cannot be checked here.") if s.partial else ""
            result.message = (f"{c.name} is subject to EU sanctions ({'; '.join(s.regimes)}): a sanctions review is "
                              f"needed before any export of {code}, and no Union general export authorisation may be "
                              f"relied on before it." + why +
                              (f" On the text of Annex II alone {', '.join(on_text)} would apply." if on_text else ""))
            evidence += self._cite("Annex II EU008 Part 2", "EU008 excludes destinations subject to an arms embargo or "
                                   "to restrictive measures of the Union applicable to dual-use items",
                                   ["(c) any destination"], lead=False, context=1)
        elif result.available:
            result.outcome = "gea_available"
            result.message = (f"{code} to {c.name}: Union general export authorisation {', '.join(result.available)} can "
                              f"be used, if the exporter meets the conditions of its Part 3 (and of Part 1 where it sets "
                              f"any)." + "".join(f" {n}" for n in partial) + (" The rest needs another authorisation."
                                                                            if partial else ""))
        else:
            result.outcome = "individual_licence_required"
            result.message = (f"No Union general export authorisation covers {code} to {c.name}: an individual or global "
                              f"export authorisation is needed, granted by the competent authority of the Member State "
                              f"where the exporter is resident or established (Art. 12(2)). Check also any national "
                              f"general export authorisation of that Member State (Art. 12(1)(c)).")
            evidence += self._cite("Art. 12(1)", "The Regulation provides individual, global, national general and Union "
                                   "general export authorisations", ["The following types of authorisations",
                                                                      "(a) individual export authorisations",
                                                                      "(b) global export authorisations",
                                                                      "(c) national general export authorisations"],
                                   lead=False, context=1)
            evidence += self._cite("Art. 12(2)", "Individual and global export authorisations are granted by the "
                                   "competent authority of the Member State where the exporter is resident or established",
                                   ["shall be granted by the competent authority"], lead=False, context=1)
        result.evidence = _unique_evidence(evidence)
        result.warnings = _warnings(self._provisions_of(result.evidence))
        return result

    def _intra_eu(self, result: DestinationResult, c: Country) -> DestinationResult:
        iv = self.annex_iv(result.code)
        where = "an EU Member State" if is_eu_member(c) else "inside the customs territory of the Union"
        result.outcome = "not_an_export"
        result.message = (f"{c.name} is {where}: shipping {result.code} there is an intra-EU transfer, not an export "
                          f"(Article 11, Annex IV). {iv.message}")
        if not is_eu_member(c):
            result.notes.append(f"{c.name} is treated as inside the customs territory of the Union (Article 4 of the "
                                f"Union Customs Code, project's reading): confirm with the competent authority.")
        result.annex_iv = {"status": iv.status, "parts": iv.parts, "general_authorisation": iv.general_authorisation}
        result.evidence, result.warnings = iv.evidence, iv.warnings
        return result

    def _gea(self, gea: str, code: str, c: Country, sanctioned: bool) -> tuple[dict, list[Evidence]]:
        """One GEA's finding for the item and destination, with the passages of Parts 1 to 3 that make it."""
        p1, p2, p3 = (self.store.get(f"Annex II {gea} Part {n}") for n in "123")
        cov = self._coverage(code, p1)
        dest, why, how = self._destination(c, p2, sanctioned)
        eligible = cov.status != "none" and dest
        row = {"gea": gea, "title": getattr(self.store.get(f"Annex II {gea}"), "title", gea), "items": cov.status,
               "covered_items": cov.covered, "excluded_items": cov.excluded, "items_reason": cov.reason,
               "destination": dest, "destination_reason": why, "available": eligible and not sanctioned}
        evidence: list[Evidence] = []
        # quote a GEA that applies, excludes this item explicitly for a listed destination, or excludes the destination
        if eligible or (dest and cov.needles) or (cov.status != "none" and how):
            claim = {"full": f"{gea} covers {code}",
                     "partial": f"{gea} covers only {', '.join(cov.covered)} of {code}",
                     "conditional": f"{gea} covers {code} only in part: {cov.reason}",
                     "none": f"{gea} does not cover {code}: {cov.reason}"}[cov.status]
            evidence += self._cite(p1, claim, ["This authorisation covers", *cov.needles], lead=False, context=1)
            if cov.section_i and self._section_i_provision:
                status = {"none": "yes", "partial": "partly"}.get(cov.status, cov.status)
                evidence += self._section_i_evidence(code, cov.section_i, status)
            if how:
                claim = (f"{c.name} is an {gea} destination" if p2.data.get("destinations_mode") == "listed"
                         else f"{c.name} is not among the destinations excluded from {gea}") if dest \
                    else f"{c.name} is excluded from {gea}: {why}"
                evidence += self._cite(p2, claim, **how)
        if eligible:
            evidence += self._conditions(gea, p3)
        return row, evidence

    def _coverage(self, code: str, part1: Provision) -> _Coverage:
        """Does Part 1 cover the code: all-except logic (Section I, Sections D/E, listed exclusions) or a listed scope,
        codes matched by prefix both ways; a sub-item of the code matched alone makes the coverage partial."""
        d = part1.data
        if d.get("covers") == "listed":
            items = d.get("items", [])
            hits = [i for i in items if _within(code, i)]
            if hits:
                return _Coverage("full", f"Part 1 lists {hits[0]}", needles=hits[:1])
            inside = [i for i in items if _within(i, code)]
            if inside:
                return _Coverage("partial", f"Part 1 lists only {', '.join(inside)} of {code}", covered=inside,
                                 needles=inside)
            return _Coverage("none", f"Part 1 does not list {code}")
        sub = code[1]                  # the sub-category letter: 5D002 -> D
        if d.get("only_sections") and sub not in d["only_sections"]:
            return _Coverage("none", "Part 1 covers only software and technology (Sections D and E of Annex I)")
        if sub in d.get("excluded_sections", []):
            m = re.search(rf"Sections? (?:[A-E] and )?{sub}\b", part1.text)
            return _Coverage("none", f"Part 1 excludes the items of Section {sub} of each Category",
                             needles=[m.group()] if m else [])
        excluded_inside, section_i = [], []
        if d.get("excluded_section_i"):
            status, codes, via_iv = self._section_i(code)
            if status == "yes":
                return _Coverage("none", f"{code} is in Annex II Section I" + (" (as an Annex IV item)" if via_iv else "")
                                 + ", which Part 1 excludes", needles=["Section I"], section_i=codes)
            if status == "conditional":
                return _Coverage("conditional", f"Part 1 excludes the Annex IV items listed in Annex II Section I, and "
                                 f"{code} is in Annex IV only in some cases", needles=["Section I"], section_i=codes)
            excluded_inside, section_i = codes, codes
        excluded = d.get("excluded", [])
        hits = [x for x in excluded if _within(code, x)]
        if hits:
            return _Coverage("none", f"Part 1 excludes {hits[0]}", needles=hits[:1])
        caveat = (f"; it also excludes software and technology related to items under {', '.join(excluded)}: check "
                  f"that {code} is not related to them") if d.get("only_sections") and excluded else ""
        listed_inside = [x for x in excluded if _within(x, code)]
        excluded_inside = excluded_inside + listed_inside
        if excluded_inside:
            covered = self._covered(code, excluded_inside)
            needles = ["Section I"] * bool(section_i) + listed_inside
            if not covered:
                return _Coverage("none", f"Part 1 excludes every sub-item of {code}", needles=needles, section_i=section_i)
            return _Coverage("partial", f"Part 1 excludes {', '.join(excluded_inside)}{caveat}", covered=covered,
                             excluded=excluded_inside, needles=needles, section_i=section_i)
        return _Coverage("full", f"Part 1 covers all items of Annex I not excluded, {code} among them{caveat}")

    def _covered(self, code: str, excluded: list[str]) -> list[str]:
        """The largest sub-items of `code` that no excluded code touches."""
        out = []
        for p in self._annex_i(ANNEX_I).children.get(f"Annex I {code}", []):
            c = p.locator.removeprefix("Annex I ")
            if any(_within(c, x) for x in excluded):
                continue
            out += self._covered(c, excluded) if any(_within(x, c) for x in excluded) else [c]
        return out

    def _destination(self, c: Country, part2: Provision, sanctioned: bool) -> tuple[bool, str, dict]:
        """Does Part 2 cover the country: (yes?, why, how to quote Part 2 for it; {} when nothing needs quoting)."""
        d = part2.data
        if d.get("destinations_mode") != "all_except":
            for written in d.get("destinations", []):
                if annex_ii_matches(c, written):
                    return True, f"Part 2 lists {written}", {"needles": [written]}
            return False, f"Part 2 does not list {c.name}", {}
        eu001 = self.store.get("Annex II EU001 Part 2")
        if d.get("excludes_eu001_destinations") and eu001 and \
                any(annex_ii_matches(c, w) for w in eu001.data["destinations"]):
            return False, f"point (a) of Part 2 excludes the EU001 destinations, {c.name} among them", \
                {"needles": ["(a) destinations eligible"], "lead": False, "context": 1}
        for written in d.get("excluded_destinations", []):
            if annex_ii_matches(c, written):
                return False, f"point (b) of Part 2 excludes {written}", {"needles": [written]}
        if d.get("excludes_embargoed") and sanctioned:
            return False, f"point (c) of Part 2 excludes destinations under an arms embargo or EU restrictive measures " \
                          f"on dual-use items, as {c.name} is", \
                {"needles": ["(c) any destination"], "lead": False, "context": 1}
        return True, f"{c.name} is not excluded by points (a) to (c) of Part 2", {"whole": True}

    def _conditions(self, gea: str, part3: Provision) -> list[Evidence]:
        """Part 3: the declaration, notification or registration, and the purpose EU003/EU004 are limited to."""
        wanted = [(n, claim.format(gea=gea)) for n, claim in CONDITIONS]
        wanted += [PURPOSES[gea]] if gea in PURPOSES else []
        out = []
        for needle, claim in wanted:
            if needle in part3.text:
                out += self._cite(part3, claim, [needle], lead=False, context=1)
        return out or self._cite(part3, f"Conditions and requirements for using {gea}")

    # --- Annex IV -------------------------------------------------------------------------------------------------

    @_tool(AnnexIVResult)
    def annex_iv(self, code: str) -> AnnexIVResult:
        """Does an intra-EU transfer (from one Member State to another) of an Annex I item need an authorisation, i.e.
        is the item in Annex IV (Part I: a national general authorisation is possible; Part II: never)? `code`: the
        Annex I code, e.g. "1C351.d.4"."""
        code, _ = self._find(code)
        status, matches = self._iv_match(code)
        listed = status != "no"
        parts = sorted({p.data["part"] for p, _ in matches}) if listed else []
        evidence = self._cite("Art. 11(1)", "An authorisation is required for intra-Union transfers of items listed in "
                              "Annex IV, and items of its Part 2 are not covered by a general authorisation")
        detail = ", ".join(p.data["code"] if p is not self._category0 else how.rstrip(";:. ")
                           for p, how in matches if how != "heading")
        if listed:
            evidence += self._iv_evidence(code, matches)
            for part in parts:
                meaning = "a national general authorisation for intra-Union trade is possible" if part == "I" else \
                    "no national general authorisation for intra-Union trade"
                p = self.store.get(f"Annex IV Part {part}")
                evidence += self._cite(p, f"Annex IV Part {part}: {meaning}", [p.title] if p else [], lead=False)
            evidence += self._cite("Annex IV", "Annex IV entries do not always give the complete description of the "
                                   "item: only Annex I does", ["The entries do not always cover the complete description "
                                                               "of the item", "Only Annex I provides for the complete "
                                                               "description of the item"], lead=False)
            general = "excluded" if "II" in parts else "possible"
            rule = (" Part II items are never covered by a general authorisation." if general == "excluded" else
                    " Part I items may be covered by a national general authorisation for intra-Union trade.")
            message = {"yes": f"{code} is listed in Annex IV Part {' and '.join(parts)}: an intra-Union transfer needs an "
                              f"authorisation (Art. 11(1)).{rule}",
                       "partly": f"Only part of {code} is in Annex IV ({detail}): transfers of that part need an "
                                 f"authorisation (Art. 11(1)).{rule}",
                       "conditional": f"{code} is in Annex IV only as follows: {detail}. Where it is, an intra-Union "
                                      f"transfer needs an authorisation (Art. 11(1)).{rule}"}[status]
        else:
            if matches:     # a Category 0 item that Part II leaves out
                evidence += self._iv_evidence(code, matches)
            evidence += self._cite("Art. 11(2)", "A Member State may still require an authorisation to transfer other "
                                   "dual-use items in the cases listed in Art. 11(2)",
                                   ["may impose an authorisation requirement"], lead=False, context=1)
            general = ""
            message = (f"{code} is not in Annex IV" + (f" ({detail})" if detail else "") + ": an intra-Union transfer "
                       "needs no authorisation under Art. 11(1), but a Member State may impose one in the cases of "
                       "Art. 11(2).")
        iv_root = self.store.get("Annex IV")
        if iv_root and "currency_unverified" in iv_root.flags:
            message += " Annex IV is cited from the consolidated text of 26.05.2023; later changes are not verified."
        evidence = _unique_evidence(evidence)
        return AnnexIVResult(message=message, evidence=evidence, code=code, status=status, parts=parts,
                             general_authorisation=general,
                             entries=[{"locator": p.locator, "part": p.data["part"], "group": p.data.get("group", ""),
                                       "how": how, "text": p.text} for p, how in matches],
                             warnings=_warnings([*([iv_root] if iv_root else []), *(p for p, _ in matches)]))

    # --- definitions ----------------------------------------------------------------------------------------------

    @_tool(DefineResult)
    def define(self, term: str) -> DefineResult:
        """The legal definition of a term: Article 2 of the Regulation (e.g. "exporter") and the defined terms of
        Annex I (e.g. "laser"), quoted verbatim. `term`: the word or phrase, singular or plural, with or without
        quote marks."""
        text = _text(term, "term")
        rows = self._term_rows(text)
        if not rows:
            known = {k: rs[0]["term"] for k, rs in self._term_index.items()
                     if any(r["source"] == ANNEX_I or r["locator"].startswith("Art. ") for r in rs)}
            suggestions = [known[k] for k in difflib.get_close_matches(fold(text), list(known), n=5, cutoff=0.75)]
            raise _Refused(f"No definition of {text!r} in Article 2 or in the Annex I definitions." +
                           (f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""), term=text,
                           suggestions=suggestions)
        definitions, evidence = [], []
        for r in rows:
            p = self.store.get(r["locator"], r["source"])
            # Art. 2: the whole point; Annex I: the term's line inside the Definitions provision
            if r["locator"].startswith("Art."):
                ev = self._cite(p, f"‘{r['term']}’ is defined in {r['locator']}", whole=True)
            else:
                ev = [Evidence(p.locator, p.source, p.version, r["text"], f"“{r['term']}” is defined in {p.locator}")]
            if not is_verbatim(p, ev[0].quote):
                ev = self._cite(p, ev[0].claim, [r["text"][:80]], lead=False, context=1)
            definitions.append({"term": r["term"], "locator": r["locator"], "source": r["source"],
                                "definition": ev[0].quote})
            evidence += ev
        return DefineResult(message=f"{text!r} is defined in " + ", ".join(_unique(r["locator"] for r in rows)) + ".",
                            evidence=evidence, term=text, definitions=definitions)

    # --- any provision --------------------------------------------------------------------------------------------

    @_tool(ProvisionResult)
    def get_provision(self, locator: str, source: str | None = None) -> ProvisionResult:
        """The verbatim text of any provision by its locator, e.g. "Art. 12(3)", "Annex I 1A005 Note 1", "Annex II EU001
        Part 2" (loose forms like "article 12 (3)" or "5a002a1" are understood), with its parent and children.
        `source`: optional source id to read another version, e.g. "annex-i-2023" (superseded)."""
        raw = _text(locator, "locator")
        if source is not None and source not in self.store.sources:
            raise _Refused(f"Unknown source {source!r}: use one of {', '.join(sorted(self.store.sources))}.")
        index = self._locator_index(source)
        loc = next((index[f.lower()] for f in _locator_forms(raw) if f.lower() in index), None)
        p = self.store.get(loc, source) if loc else None
        if p is None:
            nearest = [index[k] for k in difflib.get_close_matches(raw.lower(), list(index), n=5, cutoff=0.6)]
            hint = f" Nearest: {', '.join(nearest)}." if nearest else ""
            raise _Refused(f"No provision {raw!r} in the corpus.{hint}", nearest=nearest)
        return ProvisionResult(message=f"{p.locator}, version {p.version} (valid from {p.valid_from}).",
                               evidence=self._cite(p, f"Text of {p.locator}"), locator=p.locator, source=p.source,
                               version=p.version, valid_from=p.valid_from, kind=p.kind, title=p.title, text=p.text,
                               parent=p.parent, children=[q.locator for q in self.store.children(p.locator, p.source)],
                               warnings=_warnings([p]))

    def _locator_index(self, source: str | None) -> dict[str, str]:
        """Lower-cased locator -> locator, so "annex ii eu001 part 2" finds "Annex II EU001 Part 2"."""
        if source not in self._locators:
            self._locators[source] = {loc.lower(): loc for loc in self.store.locators(source)}
        return self._locators[source]

    # --- shared ---------------------------------------------------------------------------------------------------

    def _cite(self, p: Provision | str | None, claim: str, needles=(), *, lead: bool = True, context: int = 0,
              whole: bool = False) -> list[Evidence]:
        """Evidence from one provision (or an in-force locator; [] when the corpus lacks it, as the fixture corpus
        lacks Articles 11 and 12): the passages holding the needles, else its opening words; always verbatim."""
        if isinstance(p, str):
            p = self.store.get(p)
        if p is None:
            return []
        q = excerpt(p, list(needles), lead=lead, context=context) if needles else \
            quote(p, limit=len(p.text) if whole else MAX_QUOTE)
        if not is_verbatim(p, q):        # no needle found: quote the opening words rather than nothing
            q = quote(p)
        return [Evidence(p.locator, p.source, p.version, q, claim)]

    def _provisions_of(self, evidence: list[Evidence]) -> list[Provision]:
        return [p for e in evidence if (p := self.store.get(e.locator, e.source))]


def _unique_evidence(evidence: list[Evidence]) -> list[Evidence]:
    seen, out = set(), []
    for e in evidence:
        if (e.locator, e.quote) not in seen:
            seen.add((e.locator, e.quote))
            out.append(e)
    return out


def _unique_rows(rows) -> list:
    """Term rows without repeats (the store holds an Annex I term once per definition line)."""
    return list({(r["locator"], r["source"], fold(r["term"])): r for r in rows}.values())


def _locator_forms(text: str) -> list[str]:
    """The ways to read a loose locator: as typed; "Article 12 (3)" -> "Art. 12(3)"; an Annex I code, with or without
    "Annex I" and a note label after it; "EU001 Part 2" -> "Annex II EU001 Part 2"."""
    forms = [text]
    m = _ARTICLE.fullmatch(text)
    if m:
        points = re.findall(r"\(\s*(\w+)\s*\)", m.group(2).lower())
        forms.append(f"Art. {m.group(1)}" + "".join(f"({x})" for x in points))
    head, _, rest = re.sub(r"(?i)^annex i\s+", "", text).partition(" ")
    code = normalize_code(head)
    if code:
        forms.append(f"Annex I {code}" + (f" {rest}" if rest else ""))
    if re.match(r"(?i)eu00\d\b", text):
        forms.append(f"Annex II {text}")
    return forms


TOOL_NAMES = ("lookup_entry", "search_control_list", "check_destination", "annex_iv", "define", "get_provision")


def as_langchain_tools(toolbox: Toolbox) -> list[StructuredTool]:
    """The tools as langchain StructuredTools, each described by its method's docstring; calling one returns the
    result as a JSON-serialisable dict."""
    def as_dict(method):
        @functools.wraps(method)
        def run(*args, **kwargs):
            return method(*args, **kwargs).to_dict()
        return run

    return [StructuredTool.from_function(func=as_dict(getattr(toolbox, name)), name=name,
                                         description=inspect.cleandoc(getattr(toolbox, name).__doc__))
            for name in TOOL_NAMES]
