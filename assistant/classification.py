"""Is the user's item listed? The candidate entries (the code given, the lexicon's entries for the product words,
search on the description), ranked by how many of the stated figures their criteria test, then the three-valued
evaluation of law/classify.py: listed (with the deciding sub-item), not listed in the entries checked, the facts
that would decide, or an expert's call. Every check is quoted. Never "not controlled": an item the entries checked
do not catch can still need an authorisation under the catch-all provisions, which the answer quotes."""
from __future__ import annotations

import re
from functools import reduce

from law.classify import Classification, classify, load_entries, mentions_kind, names_kind, rank_candidates

from .answer import Claim, Draft
from .drafting import Services, annex_source, art3_claim, cite, clip, first_sentence, record
from .lexicon import lexicon
from .messages import question_text, t
from .query import Query
from .quotes import excerpt

CANDIDATES = 4                 # entries evaluated per item (the best by tested figures, then by search)
NOT_FREE = ("A missing match does not mean the item is free to export: ask your competent authority for a "
            "classification if unsure.")


def controlled(q: Query, a: Services) -> Draft:
    """'Is X controlled?' when nothing can be evaluated: the closest entries, what decides, the catch-all provisions."""
    draft = Draft("controlled", "")
    found = candidates(q, a, draft, k=5)
    if not found:
        draft.lead = t("I found no Annex I entry matching your description.", q.language)
    else:
        top = found[0]
        others = ", ".join(c["code"] for c in found[1:3])
        draft.lead = (t("Possibly listed: the closest Annex I entry is {code} ({entry}); also compare {others}.",
                        q.language, code=top["code"], entry=clip(top["entry"]), others=others) if others else
                      t("Possibly listed: the closest Annex I entry is {code} ({entry}).", q.language, code=top["code"],
                        entry=clip(top["entry"])))
        draft.claims += _closest(q, a, found)
        draft.claims.append(art3_claim(a))
    draft.claims += catch_all_claims(a, q)
    draft.decides = t("the technical parameters in the entry's items and any Note that releases your item; an item not "
                      "listed may still need an authorisation under the catch-all provisions quoted.", q.language) + \
        " " + t(NOT_FREE, q.language)
    return draft


def closest_claims(q: Query, a: Services, draft: Draft) -> list[Claim]:
    """The entries and items closest to the user's words (the candidates already searched for this draft)."""
    return _closest(q, a, draft.candidates or candidates(q, a, draft, k=3))


def _closest(q: Query, a: Services, found: list[dict]) -> list[Claim]:
    out = []
    top = found[0]
    entry = a.store.get(f"Annex I {top['code']}", annex_source(q))
    if entry:
        out.append(Claim(f"{top['code']} covers {clip(entry.text, 160)}", [cite(entry)]))
    best = a.store.get(top["locator"], annex_source(q))
    while best and len(best.text) < 40 and best.parent and best.parent not in (f"Annex I {top['code']}", "Annex I"):
        best = a.store.get(best.parent, annex_source(q))            # '"Laser";' says little on its own
    if best and best.locator != f"Annex I {top['code']}":
        out.append(Claim(f"The closest item is {best.locator.removeprefix('Annex I ')}", [cite(best, top["quote"])]))
    for c in found[1:3]:
        other = a.store.get(f"Annex I {c['code']}", annex_source(q))
        if other:
            out.append(Claim(f"Compare {c['code']}: {clip(other.text, 120)}", [cite(other)]))
    return out


def candidates(q: Query, a: Services, draft: Draft, k: int) -> list[dict]:
    """Entries for a product described in words: hybrid search on the question plus the lexicon's list words,
    with the entries the lexicon names for those everyday words put first."""
    said = f"{q.item_words} {q.text}".strip()              # the item's words when this turn only follows up
    expansion = a.expand(said, q.language)
    text = (said + " " + expansion.words).strip()
    r = a.tools.search_control_list(text, k=k, source=annex_source(q))
    record(draft, "search_control_list", {"text": text, "k": k, "source": annex_source(q)}, r)
    found = list(r.candidates) if r.ok else []
    named = list(dict.fromkeys(list(q.item_entries) + expansion.entries))
    listing = part_entries(q, a)
    if listing:                  # the software of a 2B001 machine is where Annex I lists it (2D001), not in 2B
        found, named = [c for c in found if c["code"] in listing], listing
    # the lexicon's entries and the search results are two rankings: fused, so neither always wins
    score: dict[str, float] = {}
    rrf = a.settings.retrieval.rrf_k
    for rank, c in enumerate(found, 1):
        score[c["code"]] = score.get(c["code"], 0) + 1 / (rrf + rank)
    for rank, code in enumerate(named, 1):
        score[code] = score.get(code, 0) + 1 / (rrf + rank)
    rows = {}
    for code in named:                  # on a tie the lexicon's entry goes first: it was written for these words
        hit = next((c for c in found if c["code"] == code), None)
        if hit is None and (p := a.store.get(f"Annex I {code}", annex_source(q))):
            hit = {"code": code, "entry": p.text, "locator": p.locator, "quote": p.text, "score": 0.0}
        if hit:
            rows[code] = hit
    rows.update({c["code"]: c for c in found if c["code"] not in rows})
    draft.candidates = [rows[c] for c in sorted(rows, key=lambda c: -score.get(c, 0))][:k]
    return draft.candidates


def part_entries(q: Query, a: Services) -> list[str]:
    """The entries that list the software or technology of the item this one belongs to (law/annex_i.py)."""
    part = q.item_part_of or {}
    return a.tools.annex_i_tree(annex_source(q)).referring_to(part.get("of") or [], part.get("kind", ""))


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


# --- classification --------------------------------------------------------------------------------------------------

def classify_item(q: Query, a: Services) -> Draft:
    """The item's classification, as an answer of its own ("Is my product controlled?")."""
    draft = Draft("classification", "")
    result = classification_of(q, a, draft)
    if result is None:                            # nothing to evaluate: the closest entries, as before
        return controlled(q, a)
    draft.lead = classification_lead(result, q)
    if result.status in ("needs_facts", "needs_expert"):
        draft.claims += closest_claims(q, a, draft)         # what the user's words point to, before the questions
    draft.claims += classification_claims(result, a)
    if result.status != "listed":
        draft.claims += catch_all_claims(a, q)
    else:
        draft.claims.append(art3_claim(a))
    draft.questions = [question_text(x, q.language) for x in result.questions]
    draft.determination["classification"] = result.to_dict()
    draft.caveats += result.caveats
    draft.decides = classification_decides(result, q.language)
    return draft


def classification_of(q: Query, a: Services, draft: Draft) -> Classification | None:
    """Classify the item of `q` against its candidate entries (the code given, else the closest entries)."""
    if q.codes:
        codes = [q.codes[0]]
    else:
        codes = [c["code"] for c in candidates(q, a, draft, k=6)]
    try:
        entries = load_entries(a.store, codes, annex_source(q))
    except KeyError:
        return None
    if not entries:
        return None
    said = f"{q.item_words} {q.text}".strip()
    description = described_kind(said)
    kept: set[str] = set()
    if not q.codes:
        # entries whose headings name the kind of item described are the candidates, when any does: an entry about
        # other kinds of item cannot decide this one. The user's own words first (the list wording a product word
        # expands to shares adjectives with other kinds: "Analogue-to-Digital Converter" and "Analogue computers");
        # the entries the lexicon gives for the product's words are never dropped: they were written for them.
        kept = set(a.expand(said, q.language).entries) | set(q.item_entries) | set(part_entries(q, a))
        naming = ([e for e in entries if names_kind(e, said)] or [e for e in entries if names_kind(e, description)])
        # the item's own words tell its kind, not the rest of the question ("for a retailer" is not a kind)
        if not naming and not kept and not any(mentions_kind(e, q.item_description or said) for e in entries):
            return _kind_unnamed(entries, q, said)
        entries = [e for e in entries if e in naming or e.code in kept] if naming else entries
    ranked = [e for e, _ in rank_candidates(entries, q.figures)]
    ranked = ranked[:CANDIDATES] + [e for e in ranked[CANDIDATES:] if e.code in kept]
    result = classify(ranked, q.figures, q.flags, description=description, code=q.codes[0] if q.codes else None,
                      said=said)
    record(draft, "classify", {"candidates": [e.code for e in ranked], "figures": [f.words for f in q.figures],
                               "facts": q.flags}, _Recorded(result))
    return result


KIND_QUESTION = ("What is the item, in the control list's terms: what does it do, and what are its main technical "
                 "figures (or its Annex I code, if your supplier gave one)?")


def _kind_unnamed(entries, q: Query, said: str) -> Classification:
    """No candidate entry is about the kind of item described (cotton T-shirts against detonator firing sets), and the
    lexicon knows none for its words: evaluating those entries would ask about other kinds of item. What the list
    holds for this item cannot be read from the words alone, so the item's nature is asked; nothing is ruled out
    and nothing is granted."""
    others = [(e.locator, f"about another kind of item: {clip(e.root.text, 90)}") for e in entries[:3]]
    question = {"parameter": "describes:kind", "unit": None, "threshold": None, "locator": "", "quote": "",
                "text": KIND_QUESTION}
    return Classification("needs_facts", None, [], others, [question],
                          item={"description": said, "code": None, "kind_named": False})


def described_kind(said: str) -> str:
    """The words that say what kind of item it is: the user's, plus the list's wording of the product words the
    lexicon knows ("thermal camera" -> "thermal imaging cameras"). Topic words ("dual use" -> "civil military
    purposes") name no kind of item, so they are left out: they would make an entry about other kinds look like it
    names this one."""
    terms = [rec.list_words for _, rec, _ in lexicon().find(said) if rec.kind == "term"]
    return " ".join([said, *dict.fromkeys(terms)]).strip()


class _Recorded:
    """A classification as a tool call's result (the answer lists the tools that ran)."""

    def __init__(self, result: Classification):
        self.result = result

    def to_dict(self) -> dict:
        return {"ok": True, "status": self.result.status, "deciding": self.result.deciding,
                "entries": [e.locator for e in self.result.entries]}


def classification_lead(result: Classification, q: Query) -> str:
    """The lead of a classification, in the user's language; the list's words it names stay English, in quotes."""
    lang = q.language
    checked = ", ".join(e.locator.removeprefix("Annex I ") for e in result.entries)
    if result.status == "listed":
        code = result.deciding.removeprefix("Annex I ")
        met = [c for e in result.entries if e.met for c in e.checks if c.result is True and c.given]
        said = "; ".join(t("{given} against “{required}”", lang, given=c.given, required=clip(c.required, 60))
                         for c in met[:3])
        lead = (t("Listed: your item falls under {code} of Annex I ({figures}), so exporting it needs an "
                  "authorisation.", lang, code=code, figures=said) if said else
                t("Listed: your item falls under {code} of Annex I, so exporting it needs an authorisation.", lang,
                  code=code))
        return lead + (" " + t("Please confirm: {question}", lang, question=question_text(result.questions[0], lang))
                       if result.questions else "")
    if result.status == "not_listed":
        released = [r.removeprefix("Annex I ") for e in result.entries for r in e.released_by]
        if released:
            notes = reduce(lambda a, b: t("{first} and {last}", lang, first=a, last=b), released)
            return t("{notes} releases your item from {checked} on what you told me; the catch-all provisions can still "
                     "apply.", lang, notes=notes, checked=checked)
        return t("Not caught by the entries I checked ({checked}) on the figures you gave; that does not mean it is "
                 "free to export: the catch-all provisions (Art. 4, 5, 9, 10) can still apply.", lang, checked=checked)
    if result.item.get("kind_named") is False:
        closest = "; ".join(f"{loc.removeprefix('Annex I ')}: {why.split(': ', 1)[-1]}" for loc, why in result.ruled_out)
        return (t("No Annex I entry I found is about this kind of item: the closest to your words are about other "
                  "kinds ({closest}). That does not show that it is not listed.", lang, closest=closest) if closest else
                t("No Annex I entry I found is about this kind of item. That does not show that it is not listed.",
                  lang)) + " " + t(KIND_QUESTION, lang)
    if result.status == "needs_facts":
        asks = " ".join(question_text(x, lang) for x in result.questions[:3])
        return t("To decide whether your item is listed under {checked}, I need: {questions}", lang, checked=checked,
                 questions=asks)
    expert = [c for e in result.entries for c in e.expert][:1]
    why = f" ({expert[0].locator}: “{clip(expert[0].quote, 90)}”)" if expert else ""
    return t("An expert must decide whether your item falls under {checked}: the wording that decides needs a judgement "
             "the text alone cannot make{why}. Ask your competent authority for a classification.", lang,
             checked=checked, why=why)


def classification_claims(result: Classification, a: Services) -> list[Claim]:
    """Each check that decided, with its quote: met ones for a listed item, the failing one per entry ruled out,
    the thresholds asked about for missing facts."""
    out = []
    seen = set()

    def add(locator: str, quote: str, claim: str) -> None:
        p = a.store.get(locator)
        if p is None or (locator, quote) in seen or len(p.text) < 20:     # '"Laser";': too short to check as a quote
            return
        seen.add((locator, quote))
        out.append(Claim(claim, [cite(p, quote if quote in p.text else excerpt(p, [quote[:60]], lead=False))]))

    for e in result.entries:
        if result.status == "listed" and e.met:
            for c in e.checks:
                if c.result is True and c.kind != "kind":
                    add(c.locator, c.quote, f"{c.locator.removeprefix('Annex I ')} requires {clip(c.required, 80)}"
                        + (f"; you said {c.given}" if c.given else "") + ".")
        elif e.met is False:
            failing = [c for c in e.checks if c.result is False and c.kind != "kind"][:2]
            for c in failing:
                add(c.locator, c.quote, f"{c.locator.removeprefix('Annex I ')} requires {clip(c.required, 80)}"
                    + (f"; you said {c.given}" if c.given else "") + ".")
        for note in e.released_by:
            p = a.store.get(note)
            if p is not None:
                out.append(Claim(f"{note.removeprefix('Annex I ')} releases items in the case it describes.", [cite(p)]))
    for locator in dict.fromkeys(x["locator"] for x in result.questions[:3]):   # two facts of one Note: one claim
        x = next(x for x in result.questions if x["locator"] == locator)
        add(locator, x["quote"], f"{locator.removeprefix('Annex I ')} decides it.")
    return out


def classification_decides(result: Classification, lang: str = "en") -> str:
    if result.status == "listed":
        return t("whether every figure you gave holds for the item as exported, and whether a Note releases it; then "
                 "the authorisation route for its destination (ask with a destination).", lang)
    if result.status == "not_listed":
        decides = t("whether the figures you gave are right and complete; whether another entry than those checked "
                    "fits your item better; and whether an end use makes the catch-all provisions apply.", lang)
    elif result.status == "needs_facts":
        decides = t("the facts asked for above; give them in your next message and the answer will be updated.", lang)
    else:
        decides = t("a classification by your competent authority, which the text alone cannot replace.", lang)
    return decides + " " + t(NOT_FREE, lang)
