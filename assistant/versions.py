"""Annex I versions: which version applies on a date, and what changed in an entry between two versions.

The corpus holds Annex I as consolidated on 26.05.2023 (superseded) and on 15.11.2025 (in force); the version in
force between them (Delegated Regulation (EU) 2024/2547) is known but not in the corpus, and answers say so."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ingest.diff import EntryDiff, ListDiff, diff_entry, diff_list
from ingest.model import Provision
from ingest.store import Store

from .answer import Claim, Draft, ToolCall
from .drafting import Services, cite
from .messages import t, version_label
from .query import Query
from .quotes import quote



@dataclass(frozen=True)
class AnnexVersion:
    source: str
    label: str
    valid_from: str
    valid_until: str
    status: str                 # in_force | superseded | not_available
    official_url: str

    @property
    def year(self) -> str:
        return self.valid_from[:4]


def annex_i_versions(store: Store) -> list[AnnexVersion]:
    """Every Annex I version the manifest knows, oldest first (including those not in the corpus)."""
    out = []
    for s in store.sources.values():
        if s["id"].startswith("annex-i-"):
            out.append(AnnexVersion(s["id"], s["version_label"] or s["title"], s["valid_from"], s.get("valid_until", ""),
                                    s["status"] if s.get("provisions") or s["status"] == "not_available" else "not_available",
                                    s["official_url"]))
    return sorted(out, key=lambda v: v.valid_from)


def version_on(store: Store, day: date) -> AnnexVersion | None:
    """The Annex I version that applied on `day` (None before the first one the manifest knows)."""
    iso = day.isoformat()
    applicable = [v for v in annex_i_versions(store) if v.valid_from <= iso and (not v.valid_until or iso <= v.valid_until)]
    return applicable[-1] if applicable else None


def resolve_version(store: Store, name: str) -> AnnexVersion:
    """'2023', '2025', 'annex-i-2023', 'current' -> the version; ValueError with the choices otherwise."""
    versions = annex_i_versions(store)
    name = name.strip().lower()
    for v in versions:
        if name in (v.source, v.year, v.valid_from) or (name in ("current", "in_force", "now") and v.status == "in_force"):
            if v.status == "not_available":
                raise ValueError(f"{v.label or v.source} is not in the corpus")
            return v
    raise ValueError(f"unknown Annex I version {name!r}; available: " +
                     ", ".join(v.year for v in versions if v.status != "not_available"))


@lru_cache(maxsize=8)
def _provisions(store: Store, source: str) -> tuple[Provision, ...]:
    return tuple(store.where("source = ? AND (kind IN ('entry','item','note','technical_note','nb'))", (source,)))


def entry_diff(store: Store, code: str, old: str = "2023", new: str = "2025") -> EntryDiff:
    a, b = resolve_version(store, old), resolve_version(store, new)
    d = diff_entry(code.split(".")[0], list(_provisions(store, a.source)), list(_provisions(store, b.source)))
    d.old_version, d.new_version = a.label, b.label
    return d


def list_diff(store: Store, old: str = "2023", new: str = "2025") -> ListDiff:
    a, b = resolve_version(store, old), resolve_version(store, new)
    d = diff_list(list(_provisions(store, a.source)), list(_provisions(store, b.source)))
    d.old_version, d.new_version = a.label, b.label
    return d


def diff_draft(q: Query, a: Services) -> Draft:
    """'What changed in 3B001?', 'is 3A504 new?': the entry diff, citing both versions."""
    code = q.codes[0].split(".")[0]
    draft = Draft("diff", "")
    versions = annex_i_versions(a.store)
    old_v = next((v for v in versions if v.status == "superseded"), None)
    new_v = next((v for v in versions if v.status == "in_force"), None)
    lang = q.language
    if not old_v or not new_v:
        draft.lead = t("Only one Annex I version is in the corpus, so there is nothing to compare.", lang)
        return draft
    try:
        d = entry_diff(a.store, code, old_v.year, new_v.year)
    except ValueError:
        draft.lead = t("{code} is in neither version of Annex I held in the corpus.", lang, code=code)
        return draft
    draft.tools.append(ToolCall("diff_entry", {"code": code, "from_version": old_v.year, "to_version": new_v.year},
                                d.to_dict()))
    changed = [c for c in d.changes if c.status != "moved"]
    versions_named = {"code": code, "old": version_label(old_v.label, lang), "new": version_label(new_v.label, lang)}
    lead = {
        "unchanged": "{code} reads the same in both versions (layout aside): {old} and {new}.",
        "added": "{code} is new: it is in {new} but not in {old}.",
        "removed": "{code} was removed: it is in {old} but not in {new}.",
        "changed": "{code} changed between {old} and {new}: {changed} passage(s) reworded, {added} added, "
                   "{removed} removed.",
    }[d.status]
    draft.lead = t(lead, lang, **versions_named, changed=sum(c.status == "changed" for c in changed),
                   added=sum(c.status == "added" for c in changed), removed=sum(c.status == "removed" for c in changed))
    for c in (changed or [])[:5]:
        claim_evidence = []
        if c.old_locator:
            p = a.store.get(c.old_locator, old_v.source)
            if p:
                claim_evidence.append(cite(p, quote(p)))
        if c.new_locator:
            p = a.store.get(c.new_locator, new_v.source)
            if p:
                claim_evidence.append(cite(p, quote(p)))
        what = {"changed": "was reworded", "added": "was added", "removed": "was removed"}.get(c.status, c.status)
        loc = c.new_locator or c.old_locator
        words = "; ".join(f"{'−' if op == 'delete' else '+'} “{w}”" for op, w in c.ops if op != "equal")[:300]
        draft.claims.append(Claim(f"{loc} {what}" + (f" ({words})" if words else "") + ".", claim_evidence))
    if d.status == "unchanged":
        p = a.store.get(f"Annex I {code}", new_v.source)
        if p:
            draft.claims.append(Claim(f"Annex I {code} in {new_v.label}.", [cite(p, quote(p))]))
    gap = [v for v in versions if v.status == "not_available" and old_v.valid_from < v.valid_from < new_v.valid_from]
    if gap:
        draft.caveats.append(f"The version in force in between ({gap[0].label or gap[0].source}, from {gap[0].valid_from}) "
                             "is not in the corpus: a change may date from either update.")
    draft.decides = t("the full wording in force, quoted from the current version; earlier wording matters only for past "
                      "exports.", q.language)
    return draft
