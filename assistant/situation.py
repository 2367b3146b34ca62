"""The composer for the user's situation: the licensing route of an export (item, destination, purpose, end use) and
the activities that are not exports (brokering, transit, technical assistance). Each handler turns a law-layer
finding into a Draft whose lead answers the question asked, for the activity asked, and never grants more than the
finding: "Likely yes" only for `gea_available`, and only for an item the user identified by its code."""
from __future__ import annotations

from law import activities
from law.annex_ii import is_sanctioned
from law.countries import SanctionsEntry, annex_ii_matches, sanctions_for

from . import leads
from .answer import Claim, Draft
from .classification import (candidates, catch_all_claims, classification_claims, classification_decides,
                             classification_lead, classification_of, controlled)
from .drafting import Services, art3_claim, cite, clip, conditions_asked, first_sentence, parts_asked, record
from .messages import localize, question_text, t
from .query import Query
from .quotes import excerpt

GEA_SUBJECTS = {"EU003": "export after repair or replacement", "EU004": "temporary export for an exhibition or fair",
                "EU005": "telecommunications", "EU006": "chemicals",
                "EU007": "intra-group export of software and technology", "EU008": "encryption"}
ACTIVITY_NAMES = {"brokering": "Brokering", "transit": "Transit", "technical_assistance": "Technical assistance"}


def sanctions_words(s: SanctionsEntry) -> str:
    """What the project's sanctions data says of a destination, in one line (reference data, not the corpus)."""
    summary = (s.summary or s.note.split(". ")[0]).rstrip(".")
    return f"{summary} (project reference data as of {s.as_of}, not part of the legal corpus)"


# --- export: the licensing route -------------------------------------------------------------------------------------

def licensing(q: Query, a: Services) -> Draft:
    """An item and a destination outside the Union. The item is classified first when the user described it (or gave
    figures or facts with its code): listed -> the route for the deciding sub-item; released or not caught by the
    entries checked -> no route, the catch-all provisions; undecided -> the route of the closest entry only as a
    condition ("if your item falls under 1C351 ..."), with the questions that would decide. Never a "yes" for an
    item that is not identified."""
    probe = Draft("licensing", "")
    result = classification_of(q, a, probe) if (not q.codes or q.figures or q.flags) else None
    if result is not None and result.status == "listed":
        code = result.deciding.removeprefix("Annex I ")
        draft = _route(q, a, code)
        draft.lead = leads.falls_under(code, draft.lead, q.language)
        return _with_classification(draft, probe, result, a, q.language)
    if result is not None and (result.status == "not_listed" or result.item.get("kind_named") is False):
        draft = Draft("licensing", classification_lead(result, q))
        draft.claims += classification_claims(result, a) + catch_all_claims(a, q)
        draft.decides = classification_decides(result, q.language)
        return _with_classification(draft, probe, result, a, q.language)
    if q.codes:
        draft = _route(q, a, q.codes[0])
        return _with_classification(draft, probe, result, a, q.language) if result is not None else draft
    found = candidates(q, a, probe, k=3)
    if not found:
        return controlled(q, a)
    top = found[0]["code"]
    draft = _route(q, a, top)
    route = draft.determination["licensing"]
    granted = route["outcome"] == "gea_available"
    if route["outcome"] not in ("sanctions_review_required",):
        route["outcome"] = "needs_facts"                  # the item is not classified yet: nothing is granted
        route["gea"] = []
        route["questions"] = [f"Is your item covered by {top} ({clip(found[0]['entry'], 80)})? Give its code or "
                              "its technical parameters."] + route["questions"]
    # "Likely yes" is said only of an identified item: here, a condition
    then = (leads.could_then_be_used([r["gea"] for r in route["geas"] if r["available"]], q.language) if granted
            else draft.lead)
    draft.lead = leads.classification_first(top, clip(found[0]["entry"], 90), [c["code"] for c in found[1:3]], then,
                                            q.language)
    draft.decides = t("whether your item is listed at all — {top} is only the closest entry to your words (look it up "
                      "to check its parameters, or give your product's figures); then {then}", q.language, top=top,
                      then=draft.decides)
    return _with_classification(draft, probe, result, a, q.language) if result is not None else \
        _with_tools(draft, probe)


def _with_tools(draft: Draft, probe: Draft) -> Draft:
    draft.tools = probe.tools + draft.tools
    return draft


def _with_classification(draft: Draft, probe: Draft, result, a: Services, lang: str) -> Draft:
    """The classification's checks and questions go with the licensing answer."""
    draft.determination["classification"] = result.to_dict()
    draft.questions = [question_text(x, lang) for x in result.questions] + draft.questions
    if result.status in ("needs_facts", "needs_expert", "listed"):
        draft.claims += classification_claims(result, a)       # after the route: Annex II decides a licensing answer
    draft.caveats += result.caveats
    return _with_tools(draft, probe)


def _route(q: Query, a: Services, code: str) -> Draft:
    where = q.region or q.country.name                  # "Crimea" keeps its own sanctions entry
    r = a.tools.check_destination(code, where, purpose=q.purpose, end_use=q.end_use,
                                  authorised_years_ago=q.authorised_years_ago, related_to=q.related_codes,
                                  eu004_excluded=q.eu004_excluded)
    draft = Draft("licensing", "")
    record(draft, "check_destination", {"code": code, "country": where, "purpose": q.purpose,
                                        **({"end_use": q.end_use} if q.end_use else {})}, r)
    if not r.ok:
        draft.lead = r.message
        return draft
    draft.lead = _licensing_lead(code, r, q)
    draft.questions += [localize(x, q.language) for x in r.questions]
    outcome, usable = r.outcome, list(r.available)
    # the customer's re-export to a sanctioned country, or a route through one: no general authorisation is relied
    # on before a sanctions review
    decides = None
    for place, lead, why in ((q.onward, leads.onward_sanctioned, ONWARD_DECIDES),
                             (q.transit_via, leads.route_sanctioned, ROUTE_DECIDES)):
        sanctions = sanctions_for(place) if place is not None else None
        if is_sanctioned(sanctions) and outcome != "sanctions_review_required":
            outcome, usable, decides = "sanctions_review_required", [], why
            draft.lead = lead(code, leads.country_name(place, q.language), sanctions_words(sanctions), q.language)
            break
    # the customer's re-export to a country the general authorisation does not cover: the country of final destination
    # is not one the authorisation names, so it is not relied on
    if outcome == "gea_available" and q.onward is not None:
        onward = a.tools.check_destination(code, q.onward.name, purpose=q.purpose)
        if onward.ok and not set(usable) & set(onward.available):
            draft.lead = leads.onward_outside(code, ", ".join(usable), leads.country_name(q.onward, q.language),
                                              q.language)
            outcome, usable, decides = "individual_licence_required", [], ONWARD_OUTSIDE_DECIDES
    draft.determination = {"licensing": {
        "activity": "export", "purpose": r.purpose, "destination": r.country, "outcome": outcome,
        "gea": usable, "geas": [_gea_row(g) for g in r.geas], "other_purposes": r.other_purposes,
        "questions": list(r.questions), "code": code,
        **({"onward": {"name": q.onward.name, "iso2": q.onward.iso2}} if q.onward is not None else {}),
        **({"via": {"name": q.transit_via.name, "iso2": q.transit_via.iso2}} if q.transit_via is not None else {})}}
    named = named_gea_claims(q, a, r)
    draft.claims += named + conditions_asked(q, a)
    if r.outcome == "sanctions_review_required":
        draft.claims += _sanctions_claims(a, r)
    # the check's evidence, but what a GEA named in the question has already said (the same Part, the same reason)
    said = {(c.evidence[0].locator, c.text.split(": ", 1)[-1].lower()) for c in named if c.evidence}
    draft.claims += [Claim(ev.claim, [ev]) for ev in destination_evidence(r, q.text)
                     if (ev.locator, ev.claim.split(": ", 1)[-1].lower()) not in said]
    if q.end_use and q.end_use != "civil":
        draft.claims += _end_use_claims(a)
    draft.caveats += r.notes
    draft.decides = _licensing_decides(code, r, q.language) if decides is None else t(decides, q.language)
    return draft


ONWARD_DECIDES = ("the EU sanctions on the country your customer re-exports to (not in this corpus), then an "
                  "authorisation under the Regulation.")
ONWARD_OUTSIDE_DECIDES = ("the country of final destination: your competent authority decides whether a general "
                          "authorisation can be used when your customer re-exports the item.")
ROUTE_DECIDES = ("the EU sanctions on the country the route passes through (not in this corpus), then an "
                 "authorisation under the Regulation.")


def _gea_row(g: dict) -> dict:
    return {"gea": g["gea"], "items": g["items"], "destination": g["destination"], "purpose": g["purpose"],
            "available": g["available"], "why": g["why"]}


def _licensing_lead(code: str, r, q: Query) -> str:
    lang = q.language
    dest = (_lower_first(r.country["region"]) if r.country.get("region")
            else leads.country_name(_country(r.country), lang))
    if r.outcome == "gea_available":
        return leads.licence_available(list(r.available), r.purpose, lang,
                                       if_recent="EU003" in r.available and q.authorised_years_ago is None)
    if r.outcome == "needs_facts":
        undecided = [g["gea"] for g in r.geas if g["available"] is False and g["items"] in ("partial", "conditional")
                     and g["destination"] and g["purpose_ok"] and g["end_use_ok"]]
        return leads.licence_depends_on_the_item(code, undecided, lang)
    if r.outcome == "sanctions_review_required":
        s = sanctions_for(q.region or _country(r.country))
        return leads.sanctions_review(code, dest, sanctions_words(s), lang)
    if q.end_use and q.end_use != "civil":
        return leads.end_use_excludes_geas(code, dest, q.end_use, lang)
    return leads.individual_licence(code, dest, r.purpose, [(o["gea"], o["purpose"]) for o in r.other_purposes], lang)


def _licensing_decides(code: str, r, lang: str) -> str:
    if r.outcome == "needs_facts":
        return t("what exactly your {code} item is (answer the questions above: a sub-item, or whether it fits what the "
                 "authorisation says of it), then the conditions in Part 3 of the authorisation.", lang, code=code)
    if r.outcome == "sanctions_review_required":
        return t("the EU sanctions on the destination (not in this corpus), then an authorisation under the Regulation.",
                 lang)
    return t("whether your item meets the {code} parameters, and whether you meet every condition in Part 3 of the "
             "authorisation (a Member State may also require registration before first use).", lang, code=code)


def _sanctions_claims(a: Services, r) -> list[Claim]:
    """The Annex II text that keeps a sanctioned destination out (EU008 names it or excludes embargoed ones), and the
    Article on sanctions obligations."""
    out = []
    part2 = a.store.get("Annex II EU008 Part 2")
    c = r.country
    if part2 is not None:
        named = next((w for w in part2.data.get("excluded_destinations", [])
                      if c.get("iso2") and annex_ii_matches(_country(c), w)), None)
        needles = [named] if named else ["(c) any destination"]
        claim = (f"EU008 excludes {c['name']} by name" if named else
                 "EU008 excludes destinations under an arms embargo or EU restrictive measures on dual-use items")
        out.append(Claim(claim + ".", [cite(part2, excerpt(part2, needles, lead=False, context=1))]))
    p15 = a.store.get("Art. 15(1)(b)")
    if p15:
        out.append(Claim("In deciding on an authorisation, Member States take into account their obligations under "
                         "sanctions adopted by the Council, the OSCE or the UN Security Council.", [cite(p15)]))
    return out


def _end_use_claims(a: Services) -> list[Claim]:
    p = a.store.get("Art. 4(1)")
    return [Claim("Even an item not listed needs an authorisation if the competent authority informs the exporter of a "
                  "use in Article 4(1).", [cite(p, first_sentence(p))])] if p else []


def _country(d: dict):
    from law.countries import get_country
    return get_country(d["iso2"])


def _lower_first(text: str) -> str:
    """'Likely yes ...' inside a sentence; names and codes ('Crimea', 'EU001', '5A002') keep their capitals."""
    first = text.split(" ", 1)[0]
    keep = first[:2].isupper() or any(ch.isdigit() for ch in first) or first in ("Crimea", "Union")
    return text if keep else text[:1].lower() + text[1:]


# --- the other activities ------------------------------------------------------------------------------------------

def brokering(q: Query, a: Services) -> Draft:
    finding = activities.brokering(a.store, _listed(q, a), q.end_use)
    lang, item = q.language, _item_named(q)
    subject = (leads.route(item, leads.country_name(q.origin, lang), leads.country_name(q.country, lang), lang)
               if q.origin and q.country else leads.item_name(item, lang))
    lead = leads.brokering(finding.status == "notify", subject, q.end_use, lang)
    return _activity_draft(q, a, finding, lead, t("whether you have been informed of, or are aware of, a use in "
                           "Article 4(1); whether your Member State has extended the rules (Art. 6(3), 6(4)); and "
                           "whether you are a broker in the sense of Article 2(8).", lang))


def transit(q: Query, a: Services) -> Draft:
    finding = activities.transit(a.store, _listed(q, a), q.end_use)
    via = leads.country_name(q.transit_via, q.language) if q.transit_via else None
    lead = leads.transit(_item_named(q), via, q.language)
    return _activity_draft(q, a, finding, lead, t("whether the items are or may be intended for a use in Article "
                           "4(1) and whether they only pass through the Union (Article 2(11)); if they are released "
                           "for free circulation or re-exported from the Union, the rules on exports apply instead.",
                           q.language))


def technical_assistance(q: Query, a: Services) -> Draft:
    finding = activities.technical_assistance(a.store, _listed(q, a), q.end_use, q.country)
    country = leads.country_name(q.country, q.language) if q.country else None
    lead = leads.technical_assistance(finding.status, _item_named(q), country, q.end_use, q.language)
    return _activity_draft(q, a, finding, lead, t("whether you have been informed of, or are aware of, a use in "
                           "Article 4(1); whether one of the exceptions of Article 8(3) applies; and whether your "
                           "Member State has extended the rules (Art. 8(4), 8(5)). Sending the items themselves is an "
                           "export.", q.language))


def _item_named(q: Query) -> str | None:
    """The item as the user named it (its code or words), or None for "the item" in the answer's language."""
    return q.item_label if q.item_label and q.item_label != leads.THE_ITEM else None


def _listed(q: Query, a: Services) -> bool | None:
    if not q.codes:
        return None
    return a.tools.lookup_entry(q.codes[0]).ok


def _activity_draft(q: Query, a: Services, finding: activities.ActivityFinding, lead: str, decides: str) -> Draft:
    draft = Draft(finding.activity, lead)
    s = sanctions_for(q.region or q.country) if q.country else None
    if is_sanctioned(s):
        draft.lead = leads.sanctions_first(leads.country_name(q.country, q.language, q.region), sanctions_words(s),
                                           lead, q.language)
    for b in finding.basis:
        needles = list(b.needles)
        draft.claims.append(Claim(b.claim + ".", [cite(b.provision, excerpt(b.provision, needles, lead=b.lead,
                                                                            context=b.context) if needles else None)]))
    if q.codes:
        r = a.tools.lookup_entry(q.codes[0])
        record(draft, "lookup_entry", {"code": q.codes[0]}, r)
        if r.ok:
            draft.claims.append(Claim(f"{q.codes[0]} is listed in Annex I.", [r.evidence[0]]))
    draft.determination = {"activity": finding.to_dict()}
    draft.decides = decides
    return draft


def export_note(a: Services) -> Claim:
    return art3_claim(a)


# --- which passages carry a licensing answer -------------------------------------------------------------------------

PURPOSE_GEAS = ("EU003", "EU004", "EU007")             # usable only for the purpose they name


def destination_evidence(r, question: str) -> list:
    """The passages that carry the answer, the deciding ones first: for each usable GEA its Parts in the order the
    question asks about them (destination, items, its two most telling conditions: purpose, then declaration or
    notification), then the entry, then Art. 3(1). Other findings stay in the tool result."""
    gea_parts = [ev for ev in r.evidence if ev.locator.startswith("Annex II")]
    first = gea_parts + [ev for ev in r.evidence if not ev.locator.startswith("Annex II") and ev.locator != "Art. 3(1)"]
    last = [ev for ev in r.evidence if ev.locator == "Art. 3(1)"]
    if r.outcome == "needs_facts":         # the GEAs the missing fact decides first, then the others
        open_ = [g["gea"] for g in r.geas if g["items"] in ("partial", "conditional") and g["destination"]
                 and g["purpose_ok"] and g["end_use_ok"]]
        deciding = [ev for ev in first if any(ev.locator.startswith(f"Annex II {g} ") for g in open_)]
        return deciding + [ev for ev in first if ev not in deciding] + last
    if r.outcome != "gea_available":
        return first + last
    usable = [g["gea"] for g in r.geas if g["available"]]
    order = sorted(usable, key=lambda g: (g in PURPOSE_GEAS, g))
    keep = [ev for ev in first if ev.locator.startswith("Annex II Section")]
    parts = parts_asked(question)
    for gea in order:
        mine = [ev for ev in r.evidence if ev.locator.startswith(f"Annex II {gea} ")]
        part3 = sorted((ev for ev in mine if ev.locator.endswith("Part 3")),
                       key=lambda ev: (" only" not in ev.claim, "declare" not in ev.claim))[:2]
        by_part = {n: [ev for ev in mine if ev.locator.endswith(f"Part {n}")] for n in ("1", "2")} | {"3": part3}
        keep += [ev for n in parts for ev in by_part[n]]
    entry = [ev for ev in first if not ev.locator.startswith("Annex II")]
    return keep + entry + last


def named_gea_claims(q: Query, a: Services, r) -> list[Claim]:
    """A GEA named in the question is answered on its own terms, even when it does not apply: its items or its
    destinations, quoted."""
    out = []
    for gea in q.geas:
        finding = next((g for g in r.geas if g["gea"] == gea), None)
        if finding is None or finding["available"]:
            continue
        part = "2" if finding["items"] != "none" and not finding["destination"] else "1"
        p = a.store.get(f"Annex II {gea} Part {part}")
        if p:
            reason = finding["destination_reason"] if part == "2" else finding["items_reason"]
            out.append(Claim(f"{gea} cannot be used here: {reason[0].lower() + reason[1:]}", [cite(p, first_sentence(p))]))
    return out
