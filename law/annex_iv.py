"""Annex IV: which Annex I items need an authorisation for a transfer within the Union (Article 11(1)), in Part I (a
national general authorisation is possible) or Part II (never under a general authorisation), and Part II's own rule
for Category 0. An Annex IV entry's scope is the sub-items its own wording names ("5D002.c" covers only 5D002.c.3.a),
read at ingest into `data["scope"]`."""
from __future__ import annotations

from dataclasses import dataclass, field

from ingest.model import Provision
from ingest.store import Store

from .annex_i import AnnexI
from .codes import normalize_code, within

ALL_OF_CATEGORY_0 = "All Category 0 of Annex I is included in Annex IV"


@dataclass(frozen=True)
class AnnexIVMatch:
    """Is a code in Annex IV: status yes | partly | conditional | no, with the Annex IV provisions that decide it and
    how each meets the code: "listed" (the code lies within the entry), "contains" (a listed sub-item lies within the
    code), "heading" (an entry listed only through the sub-items after it) or Part II's Category 0 rule."""
    code: str
    status: str
    matches: tuple[tuple[Provision, str], ...] = ()

    @property
    def listed(self) -> bool:
        return self.status != "no"

    @property
    def parts(self) -> list[str]:
        return sorted({p.data["part"] for p, _ in self.matches}) if self.listed else []


@dataclass
class AnnexIV:
    annex_i: AnnexI
    entries: list[tuple[Provision, bool]] = field(default_factory=list)   # (entry, is only a heading)
    category0: Provision | None = None

    @classmethod
    def load(cls, store: Store, annex_i: AnnexI) -> "AnnexIV":
        rows = store.where("kind = 'list_entry' AND locator LIKE 'Annex IV %' AND status != 'superseded'")
        coded = [p for p in rows if normalize_code(p.data.get("code", ""))]      # not "MTCR Exemptions"
        entries = [(p, any(q is not p and q.data["part"] == p.data["part"] and q.data["code"] != p.data["code"]
                           and within(q.data["code"], p.data["code"]) for q in coded)) for p in coded]
        category0 = next((p for p in rows if p.locator.endswith("Category 0")), None)
        return cls(annex_i, entries, category0)

    def match(self, code: str) -> AnnexIVMatch:
        if code[0] == "0" and self.category0 is not None:
            rule = self.category0.data["category0"].get(code[:5])
            return AnnexIVMatch(code, category0_status(rule), ((self.category0, rule or ALL_OF_CATEGORY_0),))
        found = []
        for p, heading in self.entries:
            if heading:                      # "6A001 Acoustics, limited to the following:": only its sub-items count
                if within(p.data["code"], code):
                    found.append((p, "heading"))
                continue
            how = self._covers(code, p.data.get("scope") or [p.data["code"]])
            if how:
                found.append((p, how))
        if any(how == "listed" for _, how in found):
            return AnnexIVMatch(code, "yes", tuple((p, how) for p, how in found if how == "listed"))
        return AnnexIVMatch(code, "partly" if found else "no", tuple(found))

    def _covers(self, code: str, scope: list[str]) -> str | None:
        """"listed" when the code, or every Annex I sub-item of it, lies within the scope; "contains" when only some
        sub-items do; None when none do."""
        if any(within(code, s) for s in scope):
            return "listed"
        if not any(within(s, code) for s in scope):
            return None
        kids = self.annex_i.sub_codes(code)
        if kids and all(self._covers(k, scope) == "listed" for k in kids):
            return "listed"
        return "contains"


def category0_status(rule: str | None) -> str:
    """Part II of Annex IV: 'All Category 0 of Annex I is included in Annex IV, subject to the following: …'."""
    if rule is None:
        return "yes"
    if "not included" in rule:
        return "partly" if "with the exception" in rule else "no"
    return "conditional" if "only if" in rule else "partly"      # "included … except insofar as it relates to …"
