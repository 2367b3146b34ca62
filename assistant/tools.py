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

from assistant.answer import Evidence
from assistant.library import Library
from assistant.quotes import excerpt, is_verbatim, quote
from ingest.manifest import load_manifest
from ingest.model import FLAG_MESSAGES, Provision, fold
from law.annex_i import AnnexI, CodeNotFound
from law.annex_ii import EU004_EXCLUDES, PURPOSE_NAMES, PURPOSES, AnnexII, Basis, Route
from law.annex_iv import AnnexIV
from law.codes import normalize_code
from law.countries import (Country, get_country, in_eu_customs_territory, is_eu_member, resolve_country,
                           sanctions_for, sanctions_info, suggest_countries)

# the list in force is the source the manifest makes authoritative for Annex I; the superseded versions answer only
# when asked (as of a date, or to compare versions)
_MANIFEST = load_manifest()
ANNEX_I = _MANIFEST.authority_for("Annex I").id
ANNEX_I_SOURCES = tuple(s.id for s in _MANIFEST.sources
                        if s.id == ANNEX_I or (s.status == "superseded" and s.folder.startswith("annex-i")))
LIMITS = {"code": 40, "country": 100, "description": 5000, "term": 100, "locator": 200, "purpose": 40, "eu004_excluded": 40}

_ARTICLE = re.compile(r"art(?:icle)?\.?\s*(\d{1,2})\s*((?:\(\s*[0-9a-z]+\s*\)\s*)*)", re.I)


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
    purpose: str = "sale"                                    # sale | repair | exhibition | intra_group
    outcome: str = ""
    available: list[str] = field(default_factory=list)       # GEAs that can be used
    geas: list[dict] = field(default_factory=list)           # the finding for each of EU001-EU008
    other_purposes: list[dict] = field(default_factory=list) # GEAs another purpose would open: purpose, gea
    questions: list[str] = field(default_factory=list)       # needs_facts: what to ask
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


def _warnings(provisions) -> list[dict]:
    """The artefact flags of the passages a result rests on: one row per flag, with the sentence to show."""
    by_flag: dict[str, list[str]] = {}
    for p in provisions:
        for f in p.flags:
            by_flag.setdefault(f, [])
            if p.locator not in by_flag[f]:
                by_flag[f].append(p.locator)
    return [{"flag": f, "message": FLAG_MESSAGES.get(f, f), "locators": locs} for f, locs in by_flag.items()]


class Toolbox:
    def __init__(self, library: Library):
        self.library = library
        self.store = library.store
        self._lists: dict[str, AnnexI] = {}
        self._locators: dict[str | None, dict[str, str]] = {}

    # --- the law layer over this store ------------------------------------------------------------------------------

    def annex_i_tree(self, source: str = ANNEX_I) -> AnnexI:
        """One version of Annex I as a tree (read once)."""
        if source not in self._lists:
            self._lists[source] = AnnexI.load(self.store, source)
        return self._lists[source]

    @cached_property
    def annex_iv_scope(self) -> AnnexIV:
        return AnnexIV.load(self.store, self.annex_i_tree())

    @cached_property
    def annex_ii(self) -> AnnexII:
        return AnnexII.load(self.store, self.annex_i_tree(), self.annex_iv_scope)

    # --- lookup ---------------------------------------------------------------------------------------------------

    @_tool(EntryResult)
    def lookup_entry(self, code: str, source: str = ANNEX_I) -> EntryResult:
        """Look up an entry or sub-item of the EU control list (Annex I), e.g. "5A002.a.1": its verbatim text, the
        items under it, the Notes that apply, defined terms, and whether it is in Annex IV or Annex II Section I.
        `code`: an Annex I code in any common form ("5a002a1"); `source`: "annex-i-2025" (in force, the default) or
        "annex-i-2023" (superseded, only to compare versions)."""
        code, node = self._find(code, source)
        tree = self.annex_i_tree(source)
        ancestors = tree.ancestors(node)
        items = tree.items_under(node)
        notes = tree.notes(node)
        category_notes = tree.category_notes_for(code)
        terms = self._terms_used([*ancestors, node, *items, *(q for q, _ in notes)], source)
        iv = self.annex_iv_scope.match(code)
        iv_listed = list(iv.matches) if iv.listed else []      # 0C001: Part II's rule says "not included"
        sec = self.annex_ii.in_section_i(code)

        evidence = self._cite(node, f"{code} is listed in Annex I")
        for q, where in notes:
            if where != "descendant":    # notes on the node and above qualify it; those below are in `notes`
                evidence += self._cite(q, f"{q.locator.removeprefix('Annex I ')} applies to {code}")
        for q in category_notes:
            evidence += self._cite(q, f"{q.locator.removeprefix('Annex I ')} concerns {code}")
        evidence += self._iv_evidence(code, iv_listed)
        if sec.status != "no":
            evidence += self._basis(self.annex_ii.section_i_basis(code, sec))
        status = "in force" if source == ANNEX_I else "superseded"
        return EntryResult(
            message=f"Annex I {code}, {status} version {node.version} (valid from {node.valid_from}).",
            evidence=_unique_evidence(evidence), code=code, locator=node.locator, source=node.source,
            version=node.version, valid_from=node.valid_from, entry=tree.heading(code), text=node.text,
            ancestors=[{"locator": q.locator, "text": q.text} for q in ancestors],
            items=[{"locator": q.locator, "text": q.text} for q in items],
            notes=[{"locator": q.locator, "kind": q.kind, "applies": where, "text": q.text} for q, where in notes],
            see_also=_unique(c for q, _ in notes for c in q.data.get("see_also", [])),
            category_notes=[{"locator": q.locator, "text": q.text} for q in category_notes],
            terms=terms,
            annex_iv={"status": iv.status, "parts": iv.parts, "locators": [q.locator for q, _ in iv_listed]},
            section_i={"status": sec.status, "matched": list(sec.codes), "excluded_from": self.annex_ii.excluding_section_i},
            warnings=_warnings([*ancestors, node, *items, *(q for q, _ in notes), *category_notes]))

    def _find(self, code, source: str = ANNEX_I) -> tuple[str, Provision]:
        """The Annex I entry or sub-item `code` names, or _Refused saying why not, with the nearest valid codes."""
        raw = _text(code, "code")
        if source not in ANNEX_I_SOURCES:
            raise _Refused(f"Unknown Annex I version {source!r}: use {ANNEX_I!r} (in force) or "
                           f"{ANNEX_I_SOURCES[1]!r} (superseded).")
        try:
            return self.annex_i_tree(source).find(raw)
        except CodeNotFound as e:
            raise _Refused(e.message, **({"nearest": e.nearest} if e.nearest else {})) from None

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

    def _iv_evidence(self, code: str, matches: list[tuple[Provision, str]]) -> list[Evidence]:
        out = []
        for p, how in matches:
            part = f"Annex IV Part {p.data['part']}"
            if p is self.annex_iv_scope.category0:
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
        lst = self.annex_i_tree(source)
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
    def check_destination(self, code: str, country: str, purpose: str = "sale", end_use: str | None = None,
                          authorised_years_ago: int | None = None, related_to: list[str] | None = None,
                          eu004_excluded: str | None = None) -> DestinationResult:
        """Can an Annex I item be exported to a country under a Union general export authorisation (EU001-EU008), or
        is an individual licence or a sanctions review needed? `code`: the Annex I code, e.g. "5A002"; `country`:
        the destination as a name or ISO code; `purpose`: "sale" (default: an ordinary export), "repair" (export
        after repair or replacement, EU003), "exhibition" (temporary export for an exhibition or fair, EU004) or
        "intra_group" (software or technology to a subsidiary or sister company, EU007); `end_use`: a stated end use
        ("military", "wmd", ...) that Part 3 of every GEA can exclude; `authorised_years_ago`: for a repair return, how
        long ago the original export authorisation was granted (EU003: within 5 years); `related_to`: other Annex I
        codes the item is for (EU007 excludes software and technology related to some items); `eu004_excluded`: what
        the situation has that Part 3 of EU004 excludes ("demonstration", "use", "production", "not_returned").
        Outcome: gea_available,
        needs_facts (a GEA
        covers only some sub-items of the entry: say which sub-item), individual_licence_required,
        sanctions_review_required, or not_an_export (an EU destination: intra-EU transfer)."""
        code, node = self._find(code)
        name = _text(country, "country")
        purpose = _purpose(purpose)
        eu004_excluded = _eu004_excluded(eu004_excluded)
        c = resolve_country(name) or get_country(name)      # resolve_country reads the code "ST" as "Saint"
        if c is None:
            suggestions = [s.name for s in suggest_countries(name)]
            raise _Refused(f"{name!r} is not a country or territory I know." +
                           (f" Did you mean {', '.join(suggestions)}?" if suggestions else " Give its name or ISO code."),
                           code=code, suggestions=suggestions)
        region = sanctions_for(name)                 # a region with its own measures ("Crimea") replaces the country's
        region = region if region is not None and region.iso2 == c.iso2 and region.name != c.name else None
        result = DestinationResult(code=code, locator=node.locator, purpose=purpose,
                                   country={"name": c.name, "iso2": c.iso2, **({"region": region.name} if region else {})})
        if in_eu_customs_territory(c):
            return self._intra_eu(result, c)
        related = tuple(n for n in (normalize_code(x) for x in related_to or []) if n)
        route = self.annex_ii.route(code, c, purpose, end_use, sanctions=region,
                                    authorised_years_ago=authorised_years_ago, related_to=related,
                                    eu004_excluded=eu004_excluded)
        return self.destination_result(result, route, node)

    def destination_result(self, result: DestinationResult, route: Route, node: Provision) -> DestinationResult:
        """The tool result for a route: outcome, the finding per GEA, the words, and the passages that decide it."""
        code, c = route.code, route.country
        evidence = self._cite("Art. 3(1)", f"An authorisation is required to export {code}, an item listed in Annex I")
        evidence += self._cite(node, f"{code} is listed in Annex I")
        for g in route.geas:
            if g.telling:
                for b in g.basis:
                    evidence += self._basis(b)
        result.geas = [g.to_dict() for g in route.geas]
        result.available = route.available
        result.outcome = route.outcome
        result.other_purposes = [{"purpose": p, "gea": g} for p, g in route.other_purposes]
        s = route.sanctions
        if s:
            result.sanctions = {"name": s.name, "regimes": s.regimes, "arms_embargo": s.arms_embargo,
                                "dual_use_restrictions": s.dual_use_restrictions, "partial": s.partial, "note": s.note,
                                "summary": getattr(s, "summary", ""), "source_url": s.source_url, "as_of": s.as_of,
                                "disclaimer": sanctions_info()["disclaimer"]}
            result.notes.append(f"Sanctions data for {s.name}: {'; '.join(s.regimes)}. {s.note} (Project-maintained "
                                f"reference data as of {s.as_of}, not part of the legal corpus: verify on {s.source_url}.)")
        purpose_words = "" if route.purpose == "sale" else f" for {PURPOSE_NAMES[route.purpose]}"
        if route.outcome == "sanctions_review_required":
            on_text = [g.gea for g in route.geas if g.items != "none" and g.destination]
            why = (" The measures target only part of the country or listed persons (partial); the assistant still asks "
                   "for a review, because whether the end user is targeted cannot be checked here.") if s.partial else ""
            result.message = (f"{c.name} is subject to EU sanctions ({'; '.join(s.regimes)}): a sanctions review is "
                              f"needed before any export of {code}, and no Union general export authorisation may be "
                              f"relied on before it." + why +
                              (f" On the text of Annex II alone {', '.join(on_text)} would apply." if on_text else ""))
            evidence += self._cite("Annex II EU008 Part 2", "EU008 excludes destinations subject to an arms embargo or "
                                   "to restrictive measures of the Union applicable to dual-use items",
                                   ["(c) any destination"], lead=False, context=1)
        elif route.outcome == "gea_available":
            result.message = (f"{code} to {c.in_sentence}{purpose_words}: Union general export authorisation "
                              f"{', '.join(route.available)} can be used, if the exporter meets the conditions of its "
                              f"Part 3 (and of Part 1 where it sets any).")
        elif route.outcome == "needs_facts":
            for g in route.undecided:
                if g.items == "partial":
                    result.questions.append(f"Which sub-item of {code} is your item? {g.gea} covers only "
                                            f"{', '.join(g.covered_items)}.")
                else:
                    result.questions.append(f"Does your item fit what {g.gea} says of it? {g.items_reason}.")
            result.message = (f"{code} to {c.in_sentence}{purpose_words}: it depends on the sub-item or on what the "
                              f"authorisation says of it. " +
                              " ".join(result.questions) + " For any other sub-item an individual or global export "
                              "authorisation is needed.")
        else:
            opened = "; ".join(f"{g} for {PURPOSE_NAMES[p]}" for p, g in route.other_purposes)
            result.message = (f"No Union general export authorisation covers {code} to {c.in_sentence}{purpose_words}: an "
                              f"individual or global export authorisation is needed, granted by the competent "
                              f"authority of the Member State where the exporter is resident or established "
                              f"(Art. 12(2)). Check also any national general export authorisation of that Member "
                              f"State (Art. 12(1)(c))." + (f" Another purpose would open: {opened}." if opened else ""))
        if route.outcome in ("individual_licence_required", "needs_facts"):
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

    # --- Annex IV -------------------------------------------------------------------------------------------------

    @_tool(AnnexIVResult)
    def annex_iv(self, code: str) -> AnnexIVResult:
        """Does an intra-EU transfer (from one Member State to another) of an Annex I item need an authorisation, i.e.
        is the item in Annex IV (Part I: a national general authorisation is possible; Part II: never)? `code`: the
        Annex I code, e.g. "1C351.d.4"."""
        code, _ = self._find(code)
        iv = self.annex_iv_scope.match(code)
        status, matches, listed, parts = iv.status, list(iv.matches), iv.listed, iv.parts
        evidence = self._cite("Art. 11(1)", "An authorisation is required for intra-Union transfers of items listed in "
                              "Annex IV, and items of its Part 2 are not covered by a general authorisation")
        detail = ", ".join(p.data["code"] if p is not self.annex_iv_scope.category0 else how.rstrip(";:. ")
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
            quote(p, limit=len(p.text) if whole else self.library.settings.quoting.max_quote)
        if not is_verbatim(p, q):        # no needle found: quote the opening words rather than nothing
            q = quote(p)
        return [Evidence(p.locator, p.source, p.version, q, claim)]

    def _basis(self, b: Basis) -> list[Evidence]:
        """Evidence for a law-layer finding's basis (nothing for a strict basis whose words the text lacks)."""
        if b.strict and not any(fold(n) in fold(b.provision.text) for n in b.needles):
            return []
        return self._cite(b.provision, b.claim, list(b.needles), lead=b.lead, context=b.context)

    def _provisions_of(self, evidence: list[Evidence]) -> list[Provision]:
        return [p for e in evidence if (p := self.store.get(e.locator, e.source))]


def _purpose(value) -> str:
    """A purpose argument: one of PURPOSES (case and spaces/hyphens folded: "intra-group" = "intra_group")."""
    text = _text(value if value is not None else "sale", "purpose").lower().replace("-", "_").replace(" ", "_")
    if text not in PURPOSES:
        raise _Refused(f"The purpose must be one of {', '.join(PURPOSES)}, not {value!r}.")
    return text


def _eu004_excluded(value) -> str | None:
    """What EU004 Part 3 excludes: None, or one of law.annex_ii.EU004_EXCLUDES."""
    if value is None:
        return None
    text = _text(value, "eu004_excluded").lower()
    if text not in EU004_EXCLUDES:
        raise _Refused(f"eu004_excluded must be one of {', '.join(EU004_EXCLUDES)}, not {value!r}.")
    return text


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
