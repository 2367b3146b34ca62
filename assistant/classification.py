"""A product described in words, before it is classified: the closest Annex I entries to the user's words (search
plus the lexicon's everyday names), what decides, and the catch-all provisions. Never "not controlled"."""
from __future__ import annotations

import re

from .answer import Claim, Draft
from .drafting import Services, annex_source, art3_claim, cite, clip, first_sentence, record
from .query import Query


def controlled(q: Query, a: Services) -> Draft:
    """'Is X controlled?' without a code: the closest entries, what decides, and the catch-all provisions."""
    draft = Draft("controlled", "")
    found = candidates(q, a, draft, k=5)
    if not found:
        draft.lead = "I found no Annex I entry matching your description."
    else:
        top = found[0]
        others = ", ".join(c["code"] for c in found[1:3])
        draft.lead = (f"Possibly listed: the closest Annex I entry is {top['code']} ({clip(top['entry'])})"
                      + (f"; also compare {others}." if others else "."))
        entry = a.store.get(f"Annex I {top['code']}", annex_source(q))
        if entry:
            draft.claims.append(Claim(f"{top['code']} covers {clip(entry.text, 160)}", [cite(entry)]))
        best = a.store.get(top["locator"], annex_source(q))
        while best and len(best.text) < 40 and best.parent and best.parent not in (f"Annex I {top['code']}", "Annex I"):
            best = a.store.get(best.parent, annex_source(q))            # '"Laser";' says little on its own
        if best and best.locator != f"Annex I {top['code']}":
            draft.claims.append(Claim(f"The closest item is {best.locator.removeprefix('Annex I ')}", [cite(best, top["quote"])]))
        for c in found[1:3]:
            other = a.store.get(f"Annex I {c['code']}", annex_source(q))
            if other:
                draft.claims.append(Claim(f"Compare {c['code']}: {clip(other.text, 120)}", [cite(other)]))
        draft.claims.append(art3_claim(a))
    draft.claims += catch_all_claims(a, q)
    draft.decides = ("the technical parameters in the entry's items and any Note that releases your item; an item not "
                     "listed may still need an authorisation under the catch-all provisions quoted. A missing match "
                     "does not mean the item is free to export: ask your competent authority for a classification if unsure.")
    return draft


def candidates(q: Query, a: Services, draft: Draft, k: int) -> list[dict]:
    """Entries for a product described in words: hybrid search on the question plus the lexicon's list words,
    with the entries the lexicon names for those everyday words put first."""
    said = f"{q.item_words} {q.text}".strip()              # the item's words when this turn only follows up
    expansion = a.expand(said)
    text = (said + " " + expansion.words).strip()
    r = a.tools.search_control_list(text, k=k, source=annex_source(q))
    record(draft, "search_control_list", {"text": text, "k": k, "source": annex_source(q)}, r)
    found = list(r.candidates) if r.ok else []
    named = []
    for code in expansion.entries:
        hit = next((c for c in found if c["code"] == code), None)
        if hit is None:
            p = a.store.get(f"Annex I {code}", annex_source(q))
            hit = p and {"code": code, "entry": p.text, "locator": p.locator, "quote": p.text, "score": 0.0}
        if hit and hit not in named:
            named.append(hit)
    return (named + [c for c in found if c not in named])[:k]


def catch_all_claims(a: Services, q: Query) -> list[Claim]:
    out = []
    p = a.store.get("Art. 4(1)")
    if p:
        out.append(Claim("An item not listed in Annex I can still need an authorisation if the competent authority "
                         "informs the exporter of a sensitive end-use.", [cite(p, first_sentence(p))]))
    if re.search(r"surveil|intercept|monitor|spy|track|cyber|software|telecom|network|phone", q.text, re.I):
        p5 = a.store.get("Art. 5(1)")
        if p5:
            out.append(Claim("Cyber-surveillance items not listed in Annex I are subject to a similar catch-all.",
                             [cite(p5, first_sentence(p5))]))
    return out
