"""The extractive composer: one function per intent turns tool results and retrieved provisions into a `Draft` —
a short lead, claims each resting on verbatim evidence, and what decides the question. It never declares an item
"not controlled": when nothing matches it shows the closest entries, what decides, and the catch-all provisions."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import reduce

from babel.numbers import format_decimal

from ingest.model import Provision, is_within

from law.countries import annex_ii_matches, misspelt_country, sanctions_for

from .answer import CANNOT_ANSWER, SCOPE, WHO_TO_ASK, Claim, Draft
from . import situation
from .classification import classify_item, controlled
from .leads import annex_iv_lead, country_name
from .messages import DID_YOU_MEAN, UNKNOWN_PLACE, WHICH_COUNTRY, t, version_label
from .drafting import (CATEGORY_NAMES, Services, annex_source, art3_claim, best_sentence, cite, clip, conditions_asked, first_sentence,
                       first_sentence_of, fits, parts_asked, record)
from .query import DEFINE_ASKED, Query
from .quotes import excerpt, quote
from .terms import QUOTED, term_asked

def compose(q: Query, a: Services) -> Draft:
    """The draft for a query whose `intent` is the plan's step (assistant/plan.py), or a question kind of
    query.classify for a question read on its own."""
    if q.as_of:
        gap = _as_of(q, a)
        if gap is not None:
            return gap
    draft = HANDLERS[q.intent](q, a)
    draft.caveats = q.notes + draft.caveats
    if q.truncated:
        draft.caveats.append(t("Your question was very long; only its first {n} characters were read.", q.language,
                               n=format_decimal(a.settings.quoting.max_question, locale=q.language or "en")))
    return draft


ANNEX_I_INTENTS = ("lookup", "controlled", "diff")


def _as_of(q: Query, a: Services) -> Draft | None:
    """'As of' a date: the Annex I version that applied then. A version the corpus does not hold is said plainly
    (and a list question is not answered from another version); the Articles are unchanged since 2021."""
    from .versions import version_on
    v = version_on(a.store, q.as_of)
    when = q.as_of.isoformat()
    lang = q.language
    if v is not None and v.status != "not_available":
        q.annex_source = v.source
        q.notes.append(t("As of {date}: {label} (the Annex I that applied on that date).", lang, date=when,
                         label=version_label(v.label, lang)))
        return None
    missing = (t("The Annex I that applied on {date} ({label}) is not in this corpus.", lang, date=when,
                 label=version_label(v.label or v.source, lang)) if v else
               t("No Annex I version in this corpus applied on {date}.", lang, date=when))
    if q.intent in ANNEX_I_INTENTS:
        return Draft(q.intent, missing + " " + t("I will not answer from another version.", lang),
                     [Claim(WHO_TO_ASK, needs_evidence=False)], abstained=True)
    q.notes.append(missing + " " + t("The answer below rests on the texts in force now.", lang))
    return None


# --- abstention ---------------------------------------------------------------------------------------------------

def _abstain(q: Query, a: Services) -> Draft:
    from .query import outside_the_law
    lead = {
        "empty": "Please ask a question about EU dual-use export controls.",
        "injection": "I can't follow instructions that change how I work: I only quote Regulation (EU) 2021/821.",
        "chitchat": "Hello — I am an assistant for the EU dual-use export-control regime.",
        "out_of_scope": outside_the_law(q.text) or CANNOT_ANSWER,
    }.get(q.intent, CANNOT_ANSWER)
    return Draft(q.intent, lead, [Claim(SCOPE, needs_evidence=False), Claim(WHO_TO_ASK, needs_evidence=False)],
                 abstained=True)


# --- control list ---------------------------------------------------------------------------------------------------

def _lookup(q: Query, a: Services) -> Draft:
    if q.inherited and re.search(r"\b(?:software|technology)\b", q.text, re.I):
        related = _software_or_technology(a, q.codes[0], q.text, annex_source(q))
        if related:
            q = replace(q, codes=related)
    draft = Draft("lookup", "")
    leads = []
    for code in q.codes[:3]:
        r = a.tools.lookup_entry(code, source=annex_source(q))
        record(draft, "lookup_entry", {"code": code, "source": annex_source(q)}, r)
        if not r.ok:
            leads.append(r.message + (" " + t("Nearest valid codes: {codes}.", q.language, codes=", ".join(r.nearest[:5]))
                                      if r.nearest and "Nearest" not in r.message else ""))
            continue
        own = f"“{clip(r.text, 160)}”" + (" " + t("under {entry} ({heading})", q.language, entry=code.split('.')[0],
                                                  heading=clip(r.entry, 100)) if "." in code else "")
        if r.text.startswith("Not used"):
            leads.append(t("{code} is marked “Not used” in Annex I: no item is listed under it.", q.language, code=code))
            continue
        leads.append(t("{code} is listed in Annex I, Category {category} ({name}): {text}", q.language, code=code,
                       category=code[0], name=CATEGORY_NAMES[code[0]], text=own))
        draft.claims += [Claim(ev.claim, [ev]) for ev in r.evidence[:8]]
    draft.lead = " ".join(leads) if leads else CANNOT_ANSWER
    if not any(t.result.get("ok") for t in draft.tools):
        draft.abstained = True                       # no such entry: nothing in the list to quote
        return draft
    draft.claims.append(art3_claim(a))
    draft.decides = t("whether your item meets the parameters of the entry or sub-item and is not released by a "
                      "Note; exports of listed items need an authorisation, which may be a Union general export "
                      "authorisation (ask about a destination).", q.language)
    return draft


def _software_or_technology(a: Services, code: str, text: str, source: str) -> list[str]:
    """'And the software for it?' after a question on 5A002: the Section D (software) or E (technology) entries of
    the same category that name the item."""
    section = "D" if re.search(r"\bsoftware\b", text, re.I) else "E"
    entry = code.split(".")[0]
    if entry[1] in "DE":
        return []
    rows = a.store.where("source = ? AND locator LIKE ? AND text LIKE ?",
                         (source, f"Annex I {entry[0]}{section}%", f"%{entry}%"))
    return list(dict.fromkeys(p.data["entry"] for p in rows if p.data.get("entry")))[:2]


# --- destinations and transfers -----------------------------------------------------------------------------------

def _geas_for_country(q: Query, a: Services) -> Draft:
    country = q.country
    draft = Draft("destination", "")
    sanctions = sanctions_for(country)
    if sanctions and (sanctions.arms_embargo or sanctions.dual_use_restrictions):
        draft.lead = t("Do not rely on a general authorisation for {destination}: it is under EU restrictive measures "
                       "or an arms embargo, so a sanctions review is needed before any export.", q.language,
                       destination=_named(country, q.language))
        draft.caveats.append(t("Sanctions data: {regimes} (project-maintained reference list, as of {as_of}; verify at "
                               "{url}).", q.language, regimes="; ".join(sanctions.regimes), as_of=sanctions.as_of,
                               url=sanctions.source_url))
        return draft
    listed = []
    asked = q.geas or [f"EU00{n}" for n in range(1, 9)]
    for gea in asked:
        part2 = a.store.get(f"Annex II {gea} Part 2")
        if part2 is None:
            continue
        data = part2.data
        if data.get("destinations_mode") == "listed":
            hit = next((d for d in data["destinations"] if annex_ii_matches(country, d)), None)
            if hit:
                listed.append(gea)
                draft.claims.append(Claim(f"{country.name} is a destination of {gea}.",
                                          [cite(part2, excerpt(part2, [hit]))]))
    for gea in q.geas:
        part2 = a.store.get(f"Annex II {gea} Part 2")
        if gea in listed or part2 is None:
            continue
        if part2.data.get("destinations_mode") == "listed":
            draft.claims.append(Claim(f"{gea}'s destinations do not include {country.name}.",
                                      [cite(part2, first_sentence(part2))]))
        else:
            hit = next((d for d in part2.data.get("excluded_destinations", []) if annex_ii_matches(country, d)), None)
            if hit:
                draft.claims.append(Claim(f"{gea} excludes {country.name}.", [cite(part2, excerpt(part2, [hit]))]))
            else:
                listed.append(gea)
                draft.claims.append(Claim(f"{gea} is valid for all destinations except those it excludes; "
                                          f"{country.name} is not named among them.", [cite(part2, first_sentence(part2))]))
    conditions = conditions_asked(q, a)
    draft.claims = (conditions + draft.claims) if parts_asked(q.text)[0] == "3" else (draft.claims + conditions)
    named = reduce(lambda x, y: t("{first} or {last}", q.language, first=x, last=y), q.geas) if q.geas else \
        "EU001-EU007"
    draft.lead = (t("{country} is a destination of {geas}; each covers only the items in its Part 1 and only under its "
                    "Part 3 conditions.", q.language, country=_named(country, q.language), geas=", ".join(listed))
                  if listed else t("{country} is not named as a destination of {geas}.", q.language,
                                    country=_named(country, q.language), geas=named))
    eu008 = a.store.get("Annex II EU008 Part 2")
    if eu008 and "EU008" in asked and "EU001" not in listed \
            and not any(annex_ii_matches(country, d) for d in eu008.data.get("excluded_destinations", [])):
        draft.claims.append(Claim(f"EU008 (encryption items) is valid for all destinations except those it excludes; "
                                  f"{country.name} is not among them.", [cite(eu008, first_sentence(eu008))]))
    draft.decides = t("which Annex I entry your item falls under (ask with its code, e.g. \"5A002 to {country}\").",
                      q.language, country=_named(country, q.language))
    return draft


def _named(country, lang: str) -> str:
    """A country as these answers name it: its short English name ("United States"), or CLDR's in the user's
    language."""
    return country.name if lang == "en" else country_name(country, lang)


TRANSFER_ANCHORS = ["Art. 11(1)", "Annex IV", "Art. 11(2)"]


def _transfer(q: Query, a: Services) -> Draft:
    draft = Draft("transfer", "")
    if not q.codes:
        # the rules of Article 11, and for a product the lexicon recognises, whether its closest entry is in Annex IV
        draft = _general(q, a, extra_anchors=TRANSFER_ANCHORS)
        entries = a.expand(f"{q.item_words} {q.text}", q.language).entries
        if entries and not draft.abstained:
            r = a.tools.annex_iv(entries[0])
            record(draft, "annex_iv", {"code": entries[0]}, r)
            draft.claims += [Claim(ev.claim, [ev]) for ev in r.evidence if ev.locator.startswith("Annex IV Part")][:2]
        draft.intent = "transfer"
        return draft
    code = q.codes[0]
    r = a.tools.annex_iv(code)
    record(draft, "annex_iv", {"code": code}, r)
    if not r.ok:
        draft.lead = r.message
        return draft
    draft.lead = annex_iv_lead(code, r.status, r.parts, q.language) or r.message
    ordered = sorted(r.evidence, key=lambda ev: (not ev.locator.startswith("Annex IV Part"), ev.locator.startswith("Art.")))
    draft.claims += [Claim(ev.claim, [ev]) for ev in ordered]
    draft.decides = t("whether your item falls under the Annex IV wording (which can be narrower than Annex I), and "
                      "whether the final destination is outside the Union (Article 11(2)).", q.language)
    return draft


def _gea(q: Query, a: Services) -> Draft:
    """Questions about a Union general export authorisation itself: what it covers, where, on what conditions."""
    if q.codes and q.countries:
        return situation.licensing(q, a)
    geas = q.geas or []
    draft = Draft("gea", "")
    if not geas and q.codes:
        return _lookup(q, a)
    for gea in geas[:2]:
        head = a.store.get(f"Annex II {gea}")
        if head is None:
            continue
        for n in parts_asked(q.text):
            part = a.store.get(f"Annex II {gea} Part {n}")
            if part is not None:
                body = re.sub(r"^Part \d\s*[–—-]\s*[\w ]+?(?=\s[A-Z0-9(])", "", part.text).strip()
                key = first_sentence_of(body)
                what = {"1": "Items", "2": "Destinations", "3": "Conditions"}[n]
                draft.claims.append(Claim(f"Part {n} ({what}): “{clip(key, 240)}”", [cite(part, key)]))
        draft.claims.append(Claim(f"{gea} is the Union general export authorisation for: {head.title.split(' — ', 1)[-1].capitalize()}.",
                                  [cite(head, first_sentence(head))]))
    draft.lead = (t("{geas}: Annex II of the regulation sets out its items, destinations and conditions.", q.language,
                    geas=reduce(lambda x, y: t("{first} and {last}", q.language, first=x, last=y), geas))
                  if draft.claims else CANNOT_ANSWER)
    if q.codes:
        r = a.tools.lookup_entry(q.codes[0])
        record(draft, "lookup_entry", {"code": q.codes[0]}, r)
        if r.ok and r.section_i.get("status") in ("yes", "partly"):
            draft.claims += [Claim(ev.claim, [ev]) for ev in r.evidence if ev.locator == "Annex II Section I"]
    draft.decides = t("whether your item is in Part 1, your destination in Part 2, and you meet every Part 3 condition.",
                      q.language)
    return draft


# --- Articles, definitions, anything else ----------------------------------------------------------------------------

def _article(q: Query, a: Services) -> Draft:
    from ingest.chunks import TITLES_ONLY
    draft = Draft(q.intent, "")
    wanted = []
    for locator in (q.articles or q.annexes)[:3]:
        # an annex that is only a title ("Annex II") is answered by what it contains (EU001-EU008, Section I)
        wanted += [c.locator for c in a.store.children(locator, a.store.get(locator).source)][:9] \
            if locator in TITLES_ONLY and a.store.get(locator) else [locator]
    for locator in wanted[:9]:
        r = a.tools.get_provision(locator)
        record(draft, "get_provision", {"locator": locator}, r)
        if not r.ok:
            draft.lead = r.message
            continue
        p = a.store.get(r.locator)
        draft.claims.append(Claim(f"{p.locator} is quoted below.", [cite(p, quote(p, limit=900))]))
    if not draft.lead:
        located = [t.result.get("locator") for t in draft.tools if t.result.get("ok")]
        first = a.store.get(located[0]) if located else None
        draft.lead = f"{first.locator}: “{clip(best_sentence(first, q.text), 260)}”" if first else CANNOT_ANSWER
    return draft


def _define(q: Query, a: Services) -> Draft:
    # an English question: its term, else the words it quotes ("Who is the 'exporter'?"); a short question in
    # another language may have been read as English ("Que signifie « technologie » ?"): its term is then looked up
    # in all six languages
    quoted = QUOTED.search(q.text) if q.language == "en" else None
    r = None
    for term in (_term_of(q.text) if q.language == "en" else None, quoted.group("term") if quoted else None,
                 _foreign_term(q.text, None if q.language == "en" else q.language)):
        r = a.tools.define(term) if term else None
        if r is not None and r.ok:
            break
    if r is None or not r.ok:
        return _general(q, a)
    first = r.evidence[0] if r.evidence else None
    lead = f"{first.locator}: “{clip(first.quote, 320)}”" if first else \
        t("“{term}” is a defined term of the regulation.", q.language, term=term)
    draft = Draft("define", lead)
    record(draft, "define", {"term": term}, r)
    draft.claims += [Claim(ev.claim, [ev]) for ev in r.evidence]
    return draft


def _foreign_term(text: str, language: str | None) -> str | None:
    """The English defined term a question in another language (any of the six when None) asks the meaning of, as
    data/terms.toml writes it in that language ("„weltraumgeeignet“" -> space-qualified)."""
    m = DEFINE_ASKED.search(text)
    found = term_asked(text, m.end if m else 0, language)
    return found[1] if found else None


def _term_of(text: str) -> str:
    t = re.sub(r"^(?:please\s+)?(?:what(?:'s| is| are| does)|define|definition of|meaning of|what is meant by|"
               r"who is|who are|what counts as|is)\s+", "", text.strip(), flags=re.I)
    t = re.sub(r"\b(?:mean|means|stand for)\b.*$", "", t, flags=re.I)
    t = re.sub(r"^(?:a|an|the)\s+", "", t.strip(" ?!.\"'‘’“”"), flags=re.I)
    t = re.sub(r"\s+(?:under|in|according to|as defined in)\s+(?:the\s+)?(?:regulation|annex|article|eu).*$", "", t, flags=re.I)
    return t.strip(" ?!.\"'‘’“”")


def _general(q: Query, a: Services, extra_anchors: list[str] | None = None,
             within: tuple[str, ...] = ()) -> Draft:
    """Anything else: hybrid retrieval (with the lexicon's list words and topic anchors), then the passages;
    `within`: only passages within these provisions, when any is retrieved."""
    expansion = a.expand(q.text, q.language)
    hits = a.library.search(q.text + " " + expansion.words, k=a.settings.top_k)
    inside = [h for h in hits if any(is_within(h.locator, w) for w in within)]
    hits = inside or hits
    anchors = list(dict.fromkeys((extra_anchors or []) + expansion.anchors))
    chosen = _fuse(a, hits, anchors, expansion.background)
    if not chosen or (not anchors and not _in_domain(q, hits, a)):
        return _abstain(Query(q.text, intent="out_of_scope"), a)
    if (not anchors and hits and hits[0].provision.source.startswith("annex-i") and len(q.text.split()) <= 6
            and not re.search(r"\b(?:how|what|who|when|why|where|which|can|do|does|is|are|must|should)\b", q.text, re.I)):
        return controlled(q, a)          # "rocket engines", "radar": a product named without a question
    draft = Draft("general", "")
    first, span = chosen[0]
    best = best_sentence(first, q.text + " " + expansion.words)
    draft.lead = f"{first.locator}: “{clip(best, 260)}”"
    draft.claims.append(Claim(f"{first.locator} is the closest provision.", [cite(first, best, span)]))
    for p, span in chosen[1:4]:
        sentence = best_sentence(p, q.text + " " + expansion.words)
        draft.claims.append(Claim(f"See also {p.locator}.", [cite(p, sentence if fits(sentence) else None, span)]))
    draft.decides = t("the full wording of the provisions quoted, read with the definitions of Article 2.", q.language)
    return draft


def _fuse(a: Services, hits, anchors: list[str], background: list[str], k: int = 4) -> list[tuple[Provision, tuple | None]]:
    """Reciprocal rank fusion of the retrieved provisions with the lexicon's topic anchors (a second ranked list;
    generic-topic anchors count half): a provision both retrieved and named by a topic comes first."""
    rrf = a.settings.retrieval.rrf_k
    scores: dict[str, float] = {}
    spans: dict[str, tuple | None] = {}
    provisions: dict[str, Provision] = {}
    for rank, h in enumerate(hits, 1):
        scores[h.locator] = scores.get(h.locator, 0) + 1 / (rrf + rank)
        spans[h.locator], provisions[h.locator] = h.span, h.provision
    for weight, names in ((a.settings.fusion.anchor_weight, anchors), (a.settings.fusion.background_weight, background)):
        for rank, loc in enumerate(names, 1):
            p = provisions.get(loc) or a.store.get(loc)
            if p is not None:
                provisions[loc] = p
                scores[loc] = scores.get(loc, 0) + weight / (rrf + rank)
    fused = sorted(scores, key=lambda loc: -scores[loc])
    # the best retrieved passage leads (measured on dev: anchors raise recall@5 but should not displace it)
    lead = [hits[0].locator] if hits else []
    best = (lead + [loc for loc in fused if loc not in lead])[:k]
    return [(provisions[loc], spans.get(loc)) for loc in best]


CATCH_ALL_ANCHORS = ["Art. 4(1)", "Art. 4(2)", "Art. 5(1)", "Art. 5(2)", "Art. 9(1)", "Art. 10(1)", "Art. 3(2)"]
CATCH_ALL_PROVISIONS = ("Art. 3(2)", "Art. 4", "Art. 5", "Art. 9", "Art. 10")


def _catch_all(q: Query, a: Services) -> Draft:
    """An item said not to be listed, or a suspected end-use: the catch-all provisions, retrieved among themselves
    (the GEAs' Part 3 repeat Art. 4(1)'s words, and a question in another language may rank them first)."""
    draft = _general(q, a, extra_anchors=CATCH_ALL_ANCHORS, within=CATCH_ALL_PROVISIONS)
    draft.intent = "catch_all"
    return draft


def _not_covered(q: Query, a: Services) -> Draft:
    from .query import not_covered
    source = a.store.sources.get(not_covered(q.text) or "", {})
    lead = (t("{title} is not in this corpus, so I cannot quote it.", q.language,
              title=source.get("title", t("That text", q.language)))
            + (" " + t("Official text: {url}", q.language, url=source["official_url"]) if source.get("official_url")
               else ""))
    return Draft("not_covered", lead, [Claim(SCOPE, needs_evidence=False), Claim(WHO_TO_ASK, needs_evidence=False)],
                 abstained=True, caveats=[source.get("coverage", "")] if source.get("coverage") else [])


def _coverage(q: Query, a: Services) -> Draft:
    """'Which version do you use?': the versions every answer rests on, and what the corpus lacks."""
    lang = q.language
    versions = "; ".join(version_label(label, lang) for label in a.corpus_version.split("; "))
    draft = Draft("coverage", t("Answers rest on: {versions}.", lang, versions=versions))
    annex = a.store.get("Annex I")
    if annex:           # a statement about the corpus, not about the law: nothing to quote
        draft.claims.append(Claim(t("The Annex I in force is the {version} consolidation (applicable from "
                                    "{valid_from}).", lang, version=annex.version, valid_from=annex.valid_from),
                                  needs_evidence=False))
    if re.search(r"\bannex iv\b", q.text, re.I) and (iv := a.store.get("Annex IV")):
        draft.claims.append(Claim("Annex IV is cited from the consolidated text of 26.05.2023; whether the 2024/2025 "
                                  "updates changed it has not been verified.", [cite(iv, first_sentence(iv))]))
    missing = [s["title"] for s in a.store.sources.values() if not s.get("provisions") and s["status"] != "superseded"]
    if missing:
        draft.claims.append(Claim(t("Not in the corpus: {titles}", lang, titles="; ".join(missing)),
                                  needs_evidence=False))
    draft.decides = t("whether a later delegated regulation has amended the list since: check the Official Journal.",
                      q.language)
    return draft


def _in_domain(q: Query, hits, a: Services) -> bool:
    """Is a question without references or lexicon hits about export controls at all? Its own control words say so;
    otherwise the closest passage must be close (calibrated on questions written for the purpose: in-domain
    questions score 0.44-0.88, off-topic ones 0.16-0.41)."""
    from .query import CONTROL_VOCAB
    if CONTROL_VOCAB.search(q.text):
        return True
    best = a.library.dense(q.text, 1)
    return bool(best) and best[0][1] >= a.settings.retrieval.min_similarity


def _diff(q: Query, a: Services) -> Draft:
    from .versions import diff_draft
    return diff_draft(q, a)


def _ask_place(q: Query, a: Services) -> Draft:
    """A destination two countries share a name for, or a place no country matches: ask which, and say why."""
    if q.unknown_place:
        draft = Draft("ask_place", t(UNKNOWN_PLACE, q.language, place=q.unknown_place))
        draft.questions = [t(WHICH_COUNTRY, q.language, place=q.unknown_place)]
        near = misspelt_country(q.unknown_place)
        if near is not None:                              # "Argentia": the question says which country it resembles
            draft.questions[0] += " " + t(DID_YOU_MEAN, q.language, country=country_name(near, q.language))
        return draft
    draft = Draft("ask_place", t("Which Korea do you mean: South Korea (the Republic of Korea) or North Korea (the "
                                 "Democratic People's Republic of Korea)? The answer differs completely: North Korea is "
                                 "under EU restrictive measures.", q.language))
    p = a.store.get("Annex II EU008 Part 2")
    if p is not None and "North Korea" in p.text:
        draft.claims.append(Claim("EU008, for one, excludes North Korea by name.",
                                  [cite(p, excerpt(p, ["North Korea"], lead=False))]))
    draft.questions = [t("Which country is the destination: South Korea or North Korea?", q.language)]
    return draft


def _ask_item(q: Query, a: Services) -> Draft:
    """Several items meant at once: each has its own entry and route, so which one is asked."""
    draft = Draft("ask_item", t("Which item do you mean? Each item is classified and routed on its own, so I answer "
                                "for one item at a time.", q.language))
    draft.questions = [t("Which item: {items}?", q.language, items=", ".join(f"“{x}”" for x in q.item_choices))]
    return draft


HANDLERS = {
    "empty": _abstain, "injection": _abstain, "chitchat": _abstain, "out_of_scope": _abstain,
    "lookup": _lookup, "licensing": situation.licensing, "transfer": _transfer, "gea": _gea,
    "brokering": situation.brokering, "transit": situation.transit,
    "technical_assistance": situation.technical_assistance, "destination_geas": _geas_for_country,
    "destination": situation.licensing, "article": _article, "annex": _article, "define": _define,
    "controlled": controlled, "classification": classify_item, "diff": _diff, "general": _general, "not_covered": _not_covered, "coverage": _coverage,
    "catch_all": _catch_all, "ask_place": _ask_place, "ask_item": _ask_item,
}
