"""Annex II: the Union general export authorisations EU001-EU008 and Section I, as findings.

For an item (an Annex I code), a destination, a purpose and a stated end use, `AnnexII.route` decides which GEAs can
be used, GEA by GEA: Part 1 (items: all-except logic with Section I, Sections D/E and listed exclusions, or a listed
scope), Part 2 (destinations listed, or all except those excluded), the purpose the GEA is limited to (EU003 export
after repair or replacement, EU004 temporary export for an exhibition or fair, EU007 intra-group export of software
and technology), and the end uses Part 3 excludes. The outcome can never over-grant:
- a GEA is `available` only when every condition the texts let us check is met;
- a GEA that covers only some sub-items of the entry asked about makes the outcome `needs_facts` (which sub-item?)
  unless another GEA covers the whole item;
- a destination under EU restrictive measures or an arms embargo gives `sanctions_review_required`, whatever the
  text of Annex II alone would allow;
- otherwise `individual_licence_required`, with the GEAs another purpose would open.

Every finding carries its `Basis`: the provisions and the words in them that decide it, for the caller to quote."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.model import Provision
from ingest.store import Store

from .annex_i import AnnexI
from .annex_iv import AnnexIV
from .codes import within
from .countries import Country, SanctionsEntry, annex_ii_matches, sanctions_for

GEAS = tuple(f"EU00{n}" for n in range(1, 9))
PURPOSES = ("sale", "repair", "exhibition", "intra_group")
PURPOSE_NAMES = {"sale": "an ordinary sale", "repair": "an export after repair or replacement",
                 "exhibition": "a temporary export for an exhibition or fair",
                 "intra_group": "an intra-group export of software or technology"}
# GEAs usable only for one purpose, with the words of Annex II that say so (Part, needle)
PURPOSE_OF = {"EU003": ("repair", "1", "for the purpose of maintenance, repair or replacement"),
              "EU004": ("exhibition", "3", "temporary export for an exhibition or fair"),
              "EU007": ("intra_group", "3", "to a company wholly owned and controlled by the exporter (subsidiary)")}
GEA_SUBJECTS = {"EU003": "export after repair or replacement", "EU004": "temporary export for an exhibition or fair",
                "EU005": "telecommunications", "EU006": "chemicals",
                "EU007": "intra-group export of software and technology", "EU008": "encryption"}
SOFTWARE_AND_TECHNOLOGY = ("D", "E")      # the Annex I sections EU007 is for (the sub-category letter of a code)


def purpose_for(code: str | None, purpose: str) -> str:
    """The purpose an export of `code` can have: an intra-group export is EU007's purpose only for software and
    technology; the machine a subsidiary receives goes out as an ordinary export ("sale")."""
    if purpose == "intra_group" and code and len(code) > 1 and code[1] not in SOFTWARE_AND_TECHNOLOGY:
        return "sale"
    return purpose


# End uses a user may state that Part 3 of every GEA excludes when the exporter is aware of them (point (b)), or that
# the competent authority must weigh: no GEA is relied on with one of them.
CONCERNING_END_USES = ("wmd", "military", "police_security", "internal_repression", "cyber_surveillance")
OUTCOMES = ("gea_available", "needs_facts", "individual_licence_required", "sanctions_review_required",
            "not_an_export")


@dataclass(frozen=True)
class Basis:
    """What a finding rests on: a provision, the words in it to quote (needles; none = its opening words) and what
    the passage establishes, in a short plain sentence."""
    provision: Provision
    claim: str
    needles: tuple[str, ...] = ()
    lead: bool = True
    context: int = 0
    strict: bool = False      # the claim holds only where a needle is in the text: quote nothing rather than other words


@dataclass(frozen=True)
class SectionI:
    """Is a code in Annex II Section I: yes | partly | conditional | no, the codes or Annex IV locators that decide
    it, and whether it is through Section I's "all items specified in Annex IV"."""
    status: str
    codes: tuple[str, ...] = ()
    via_annex_iv: bool = False


@dataclass(frozen=True)
class Coverage:
    """What Part 1 of a GEA says of a code: full | partial | conditional | none."""
    status: str
    reason: str
    covered: tuple[str, ...] = ()        # partial: the sub-items covered
    excluded: tuple[str, ...] = ()       # partial: the sub-items left out
    needles: tuple[str, ...] = ()        # what to quote from Part 1
    section_i: tuple[str, ...] = ()      # what to quote from Section I


@dataclass(frozen=True)
class GeaFinding:
    gea: str
    title: str
    items: str                           # full | partial | conditional | none
    items_reason: str
    covered_items: tuple[str, ...]
    excluded_items: tuple[str, ...]
    destination: bool
    destination_reason: str
    purpose: str | None                  # the purpose the GEA is limited to (None: any purpose)
    purpose_ok: bool
    end_use_ok: bool
    available: bool                      # every checkable condition met for this item, destination, purpose, end use
    why: str                             # one line: why (not) available
    basis: tuple[Basis, ...] = ()
    telling: bool = False                # worth quoting: it applies, names this item or names this destination

    def to_dict(self) -> dict:
        return {"gea": self.gea, "title": self.title, "items": self.items, "items_reason": self.items_reason,
                "covered_items": list(self.covered_items), "excluded_items": list(self.excluded_items),
                "destination": self.destination, "destination_reason": self.destination_reason,
                "purpose": self.purpose, "purpose_ok": self.purpose_ok, "end_use_ok": self.end_use_ok,
                "available": self.available, "why": self.why}


@dataclass(frozen=True)
class Route:
    """The licensing route for exporting one item to one destination for one purpose."""
    code: str
    country: Country
    purpose: str
    end_use: str | None
    outcome: str                         # one of OUTCOMES (not_an_export is decided by the caller: Annex IV)
    geas: tuple[GeaFinding, ...]
    sanctions: SanctionsEntry | None
    other_purposes: tuple[tuple[str, str], ...] = ()     # (purpose, GEA) another purpose would open
    undecided: tuple[GeaFinding, ...] = ()               # GEAs that depend on which sub-item it is

    @property
    def available(self) -> list[str]:
        return [g.gea for g in self.geas if g.available]

    @property
    def sanctioned(self) -> bool:
        return is_sanctioned(self.sanctions)


def is_sanctioned(s: SanctionsEntry | None) -> bool:
    return bool(s and (s.arms_embargo or s.dual_use_restrictions))


@dataclass
class AnnexII:
    parts: dict[str, dict[str, Provision]]              # GEA -> "1" | "2" | "3" -> provision
    titles: dict[str, str]
    section_i: Provision | None
    annex_i: AnnexI
    annex_iv: AnnexIV
    excluding_section_i: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, store: Store, annex_i: AnnexI, annex_iv: AnnexIV) -> "AnnexII":
        parts, titles = {}, {}
        for gea in GEAS:
            found = {n: p for n in "123" if (p := store.get(f"Annex II {gea} Part {n}")) is not None}
            if len(found) == 3:
                parts[gea] = found
                head = store.get(f"Annex II {gea}")
                titles[gea] = head.title if head else gea
        excluding = [g for g in parts if parts[g]["1"].data.get("excluded_section_i")]
        return cls(parts, titles, store.get("Annex II Section I"), annex_i, annex_iv, excluding)

    # --- Section I ----------------------------------------------------------------------------------------------

    def in_section_i(self, code: str) -> SectionI:
        """Section I's own codes match by prefix both ways; "all items specified in Annex IV" brings in Annex IV's."""
        sec = self.section_i
        if sec is None:
            return SectionI("no")
        codes = sec.data.get("codes", [])
        hits = tuple(c for c in codes if within(code, c))
        if hits:
            return SectionI("yes", hits)
        inside = [c for c in codes if within(c, code)]
        if sec.data.get("all_annex_iv"):
            iv = self.annex_iv.match(code)
            contained = [p.data["code"] for p, how in iv.matches if how == "contains"]
            if iv.status == "yes" or (iv.status in ("partly", "conditional") and not contained):
                return SectionI("yes" if iv.status == "yes" else "conditional",
                                tuple(p.locator for p, _ in iv.matches), True)
            if contained:
                return SectionI("partly", tuple(inside + contained), True)
        return SectionI("partly" if inside else "no", tuple(inside))

    # --- Part 1: items --------------------------------------------------------------------------------------------

    def coverage(self, gea: str, code: str, related_to: tuple[str, ...] = ()) -> Coverage:
        """Does Part 1 cover the code? Codes match by prefix both ways; a sub-item of the code matched alone makes the
        coverage partial. `related_to`: other items the user says the code is for ("technology for our 5A001.f.2
        IMSI catchers"), which EU007's exclusion of related software and technology turns on."""
        part1 = self.parts[gea]["1"]
        d = part1.data
        if d.get("covers") == "listed":
            items = d.get("items", [])
            hits = [i for i in items if within(code, i)]
            if hits:
                qualified = qualification(part1.text, hits[0])
                if qualified:      # "— 5D002.a.1., only 'Software' specially designed ...": only what it says
                    return Coverage("conditional", f"Part 1 lists {hits[0]} only as follows: “{qualified}”",
                                    needles=(qualified[:80],))
                return Coverage("full", f"Part 1 lists {hits[0]}", needles=(hits[0],))
            inside = tuple(i for i in items if within(i, code))
            if inside:
                return Coverage("partial", f"Part 1 lists only {', '.join(inside)} of {code}", covered=inside,
                                needles=inside)
            return Coverage("none", f"Part 1 does not list {code}")
        sub = code[1]                  # the sub-category letter: 5D002 -> D
        if d.get("only_sections") and sub not in d["only_sections"]:
            return Coverage("none", "Part 1 covers only software and technology (Sections D and E of Annex I)")
        if sub in d.get("excluded_sections", []):
            m = re.search(rf"Sections? (?:[A-E] and )?{sub}\b", part1.text)
            return Coverage("none", f"Part 1 excludes the items of Section {sub} of each Category",
                            needles=(m.group(),) if m else ())
        excluded_inside: list[str] = []
        section_i: tuple[str, ...] = ()
        if d.get("excluded_section_i"):
            sec = self.in_section_i(code)
            if sec.status == "yes":
                return Coverage("none", f"{code} is in Annex II Section I" + (" (as an Annex IV item)" if sec.via_annex_iv
                                else "") + ", which Part 1 excludes", needles=("Section I",), section_i=sec.codes)
            if sec.status == "conditional":
                return Coverage("conditional", f"Part 1 excludes the Annex IV items listed in Annex II Section I, and "
                                f"{code} is in Annex IV only in some cases", needles=("Section I",), section_i=sec.codes)
            excluded_inside, section_i = list(sec.codes), sec.codes
        excluded = d.get("excluded", [])
        hits = [x for x in excluded if within(code, x)]
        if hits:
            return Coverage("none", f"Part 1 excludes {hits[0]}", needles=(hits[0],))
        said = [x for x in excluded for r in related_to if within(r, x)] if d.get("only_sections") else []
        if said:           # "technology for our IMSI catchers (5A001.f.2)": related to an item Part 1 excludes
            return Coverage("none", f"Part 1 excludes software and technology related to items under {said[0]}, and "
                            f"{code} relates to {', '.join(related_to)}", needles=(said[0],))
        caveat = (f"; it also excludes software and technology related to items under {', '.join(excluded)}: check "
                  f"that {code} is not related to them") if d.get("only_sections") and excluded else ""
        listed_inside = [x for x in excluded if within(x, code)]
        excluded_inside = excluded_inside + listed_inside
        if excluded_inside:
            covered = tuple(self.annex_i.largest_outside(code, excluded_inside))
            needles = ("Section I",) * bool(section_i) + tuple(listed_inside)
            if not covered:
                return Coverage("none", f"Part 1 excludes every sub-item of {code}", needles=needles, section_i=section_i)
            return Coverage("partial", f"Part 1 excludes {', '.join(excluded_inside)}{caveat}", covered=covered,
                            excluded=tuple(excluded_inside), needles=needles, section_i=section_i)
        return Coverage("full", f"Part 1 covers all items of Annex I not excluded, {code} among them{caveat}")

    # --- Part 2: destinations -------------------------------------------------------------------------------------

    def destination(self, gea: str, c: Country, sanctioned: bool) -> tuple[bool, str, Basis | None]:
        """Does Part 2 cover the country: (yes?, why, what to quote; None when nothing needs quoting)."""
        part2 = self.parts[gea]["2"]
        d = part2.data
        if d.get("destinations_mode") != "all_except":
            for written in d.get("destinations", []):
                if annex_ii_matches(c, written):
                    return True, f"Part 2 lists {written}", Basis(part2, f"{c.name} is an {gea} destination", (written,))
            return False, f"Part 2 does not list {c.name}", None
        eu001 = self.parts.get("EU001", {}).get("2")
        if d.get("excludes_eu001_destinations") and eu001 and \
                any(annex_ii_matches(c, w) for w in eu001.data["destinations"]):
            return False, f"point (a) of Part 2 excludes the EU001 destinations, {c.name} among them", \
                Basis(part2, f"{c.name} is excluded from {gea}: point (a) of Part 2 excludes the EU001 destinations",
                      ("(a) destinations eligible",), lead=False, context=1)
        for written in d.get("excluded_destinations", []):
            if annex_ii_matches(c, written):
                return False, f"point (b) of Part 2 excludes {written}", \
                    Basis(part2, f"{c.name} is excluded from {gea}: point (b) of Part 2 names it", (written,))
        if d.get("excludes_embargoed") and sanctioned:
            return False, (f"point (c) of Part 2 excludes destinations under an arms embargo or EU restrictive measures "
                           f"on dual-use items, as {c.name} is"), \
                Basis(part2, f"{c.name} is excluded from {gea}: point (c) of Part 2 excludes destinations under an arms "
                      f"embargo or restrictive measures", ("(c) any destination",), lead=False, context=1)
        return True, f"{c.name} is not excluded by points (a) to (c) of Part 2", \
            Basis(part2, f"{c.name} is not among the destinations excluded from {gea}")

    # --- one GEA, then the route ----------------------------------------------------------------------------------

    def finding(self, gea: str, code: str, c: Country, purpose: str = "sale", end_use: str | None = None,
                sanctioned: bool = False, authorised_years_ago: int | None = None,
                related_to: tuple[str, ...] = (), eu004_excluded: str | None = None) -> GeaFinding:
        p1, p2, p3 = (self.parts[gea][n] for n in "123")
        cov = self.coverage(gea, code, related_to)
        dest, dest_why, dest_basis = self.destination(gea, c, sanctioned)
        limited = PURPOSE_OF.get(gea)
        purpose_ok = limited is None or limited[0] == purpose
        if gea == "EU003" and authorised_years_ago is not None and authorised_years_ago > REPAIR_WINDOW_YEARS:
            cov = Coverage("none", f"Part 1 covers re-exports within 5 years after the original export authorisation "
                                   f"was granted, and yours was granted {authorised_years_ago} years ago",
                           needles=("within a period of 5 years",))
        end_use_ok = end_use not in CONCERNING_END_USES
        excluded = EU004_EXCLUDES.get(eu004_excluded) if gea == "EU004" else None    # (why, words of Part 3)
        available = cov.status == "full" and dest and purpose_ok and end_use_ok and not sanctioned and not excluded
        basis: list[Basis] = []
        item_claim = {"full": f"{gea} covers {code}", "partial": f"{gea} covers only {', '.join(cov.covered)} of {code}",
                      "conditional": f"{gea} covers {code} only in part: {cov.reason}",
                      "none": f"{gea} does not cover {code}: {cov.reason}"}[cov.status]
        basis.append(Basis(p1, item_claim, ("This authorisation covers", *cov.needles), lead=False, context=1))
        if cov.section_i and self.section_i is not None:
            basis.append(self.section_i_basis(code, cov))
        if dest_basis is not None:
            basis.append(dest_basis)
        if limited:
            part = self.parts[gea][limited[1]]
            basis.append(Basis(part, f"{gea} can be used only for {PURPOSE_NAMES[limited[0]]}", (limited[2],),
                               lead=False, context=1, strict=True))
        if not end_use_ok:
            basis.append(Basis(p3, f"{gea} does not authorise an export the exporter knows is intended for a use that "
                               f"Part 3 excludes", ("the exporter is aware that the items in question are intended",),
                               lead=False, context=1, strict=True))
        if excluded:
            basis.append(Basis(p3, f"EU004 does not authorise this export: {excluded[0]}", (excluded[1],), lead=False,
                               context=1, strict=True))
        if available:
            basis += self.conditions(gea)
        why = excluded[0] if excluded and cov.status != "none" and dest and purpose_ok else \
            _why(gea, cov, dest, dest_why, limited, purpose_ok, end_use_ok, sanctioned)
        telling = (cov.status != "none" and dest) or (dest and bool(cov.needles)) or \
            (cov.status != "none" and dest_basis is not None)
        return GeaFinding(gea, self.titles[gea], cov.status, cov.reason, cov.covered, cov.excluded, dest, dest_why,
                          limited[0] if limited else None, purpose_ok, end_use_ok, available, why, tuple(basis),
                          bool(telling))

    def route(self, code: str, c: Country, purpose: str = "sale", end_use: str | None = None,
              sanctions: SanctionsEntry | None = None, authorised_years_ago: int | None = None,
              related_to: tuple[str, ...] = (), eu004_excluded: str | None = None) -> Route:
        """The route for `code` to `c`; `sanctions`: the entry of a region with its own measures (Crimea ...), which
        replaces the country's; `authorised_years_ago`: for a repair return, how long ago the original export
        authorisation was granted (EU003 covers re-exports within 5 years of it)."""
        if purpose not in PURPOSES:
            raise ValueError(f"purpose must be one of {', '.join(PURPOSES)}, not {purpose!r}")
        s = sanctions or sanctions_for(c)
        sanctioned = is_sanctioned(s)
        geas = tuple(self.finding(g, code, c, purpose, end_use, sanctioned, authorised_years_ago, related_to,
                                  eu004_excluded) for g in self.parts)
        ruled_out = {"EU004"} if eu004_excluded in EU004_EXCLUDES else set()     # by its Part 3, whatever the item
        undecided = tuple(g for g in geas if g.items in ("partial", "conditional") and g.destination and g.purpose_ok
                          and g.end_use_ok and g.gea not in ruled_out)
        others = tuple((g.purpose, g.gea) for g in geas if g.purpose and not g.purpose_ok and g.items == "full"
                       and g.destination and g.end_use_ok and g.gea not in ruled_out)
        if sanctioned:
            outcome = "sanctions_review_required"
        elif any(g.available for g in geas):
            outcome = "gea_available"
        elif undecided:
            outcome = "needs_facts"
        else:
            outcome = "individual_licence_required"
        return Route(code, c, purpose, end_use, outcome, geas, s, () if sanctioned else others, undecided)

    # --- Part 3 -----------------------------------------------------------------------------------------------------

    def conditions(self, gea: str) -> list[Basis]:
        """What an exporter must do under Part 3: declare, notify the first use, register (each quoted when its Part 3
        says it)."""
        part3 = self.parts[gea]["3"]
        out = [Basis(part3, claim.format(gea=gea), (needle,), lead=False, context=1)
               for needle, claim in CONDITIONS if needle in part3.text]
        return out or [Basis(part3, f"Conditions and requirements for using {gea}")]

    def section_i_basis(self, code: str, cov: Coverage | SectionI) -> Basis:
        """Section I's heading (which GEAs it serves) and the lines that list the code, or its Annex IV line."""
        sec = self.section_i
        decided_by = list(cov.section_i if isinstance(cov, Coverage) else cov.codes)
        status = cov.status if isinstance(cov, SectionI) else {"none": "yes", "partial": "partly"}.get(cov.status,
                                                                                                       cov.status)
        needles = [c for c in decided_by if c in sec.text]
        if len(needles) < len(decided_by):       # decided through Annex IV entries
            needles.append("all items specified in Annex IV")
        claim = {"yes": f"{code} is in Annex II Section I, whose items {', '.join(self.excluding_section_i)} do not "
                        f"cover",
                 "partly": f"Annex II Section I lists part of {code}: {', '.join(decided_by)}",
                 "conditional": f"Annex II Section I includes all Annex IV items, and {code} is in Annex IV in some "
                                f"cases"}[status]
        return Basis(sec, claim, ("LIST REFERRED TO", *needles), lead=False, context=1)


_LIMITING = re.compile(r"\b(?:only|where|in so far as|insofar as|limited to|provided that|intended for|concerned)\b",
                       re.I)


def qualification(part1_text: str, code: str) -> str:
    """The words that narrow a listed item in Part 1, or "" when the code stands alone: in a dashed list, what follows
    the code up to the next dash ("— 5D002.a.1., only 'Software' specially designed or modified for the 'use' of
    ..."); in running text, the clause naming the code when it limits it ("technology controlled by 5E001.a., where
    required for the installation ... and intended for the same end-user")."""
    m = re.search(rf"—\s*{re.escape(code)}\.?\s*,?\s*(.*?)(?=\s*—|\s+\d+\.\s+This authorisation|$)", part1_text,
                  re.S)
    if m:
        rest = m.group(1).strip(" ,;")
        return rest if len(rest) > 3 else ""
    at = part1_text.find(code)
    if at < 0:
        return ""
    start = max(part1_text.rfind(";", 0, at), part1_text.rfind(":", 0, at)) + 1
    ends = [i for i in (part1_text.find(";", at), part1_text.find(". ", at + len(code) + 1)) if i > 0]
    clause = part1_text[start:min(ends) if ends else len(part1_text)].strip(" ,;.")
    return clause if _LIMITING.search(clause) else ""


# What Part 3 of EU004 excludes from a temporary export for an exhibition or fair: (why, the words of Part 3 quoted)
EU004_EXCLUDES = {
    "demonstration": ("point 3(f) of Part 3 excludes items exported for a private presentation or demonstration",
                      "private presentation or demonstration"),
    "use": ("point 3(h) of Part 3 excludes items to be used for their intended purpose",
            "to be used for their intended purpose"),
    "production": ("point 3(g) of Part 3 excludes items to be merged into any production process",
                   "merged into any production process"),
    "not_returned": ("paragraph 1 of Part 3 requires the items back within 120 days, complete and without modification",
                     "within a period of 120 days after the initial export"),
}
REPAIR_WINDOW_YEARS = 5         # EU003 Part 1: "within a period of 5 years after the date when the original export
                                # authorisation has been granted"


# What an exporter must do under Part 3 of every GEA (each quoted when its GEA's Part 3 says it)
CONDITIONS = (
    ("in the customs declaration", "The exporter must declare the use of {gea} in the customs declaration"),
    ("of the first use of this authorisation", "The exporter must notify the competent authority of the first use of {gea}"),
    ("shall register prior to the first use", "The exporter must register with the competent authority before using {gea}"),
    ("shall notify the first use", "The registered exporter must notify the first use of {gea} before the first export"),
)


def _why(gea: str, cov: Coverage, dest: bool, dest_why: str, limited, purpose_ok: bool, end_use_ok: bool,
         sanctioned: bool) -> str:
    if cov.status == "none":
        return cov.reason
    if not dest:
        return dest_why
    if not purpose_ok:
        return f"{gea} can be used only for {PURPOSE_NAMES[limited[0]]}"
    if not end_use_ok:
        return f"Part 3 of {gea} excludes exports the exporter knows are intended for the uses it lists"
    if sanctioned:
        return "the destination is under EU restrictive measures or an arms embargo"
    if cov.status == "partial":
        return f"it covers only {', '.join(cov.covered)}: which sub-item is yours decides"
    if cov.status == "conditional":
        return cov.reason
    return f"{cov.reason}; {dest_why}"
