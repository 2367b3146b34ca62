"""The lead sentences of answers in the user's language: one function per lead template.

Each template's English text is a msgid of the message catalogue (assistant/locale/dualuse.pot), translated in every
<lang>/LC_MESSAGES/dualuse.po by the project, never by a machine, and no stronger than the English. The placeholders
are filled only with control codes, GEA numbers, country names (CLDR, through babel, in the user's language) and
other catalogue phrases (purposes, GEA subjects, end uses); legal text is never translated: an Annex I heading that
a lead names stays in English, in quotation marks, and the sanctions summary is the project's English reference
data, labelled as such. In English every function returns what assistant/situation.py and compose.py write today.

    licence_available(["EU001"], "sale", "de")
    # "Wahrscheinlich ja, mit der allgemeinen Ausfuhrgenehmigung der Union EU001, sofern Sie deren Bedingungen erfüllen."
    individual_licence("2B001", get_country("CN"), "sale", [("EU003", "repair")], "fr")

The composer calls these with the case's language (`Case.language`; `q.language` once the query carries it).
"""
from __future__ import annotations

from functools import reduce

from law.annex_ii import GEA_SUBJECTS, PURPOSE_NAMES
from law.countries import Country

from .messages import t, territory_name

# The phrases the templates are filled with (msgids too, so each is translated once).
END_USES = {"military": "military", "wmd": "wmd", "police_security": "police security",
            "internal_repression": "internal repression", "cyber_surveillance": "cyber surveillance",
            "civil": "civil"}
THE_ITEM = "the item"
THE_UNION = "the Union"


# --- the filling: names in the user's language ---------------------------------------------------------------------

def country_name(country: Country | None, lang: str = "en", region: str | None = None) -> str:
    """A destination as it reads in a sentence: English keeps "the United States"; the other languages take CLDR's
    name ("Vereinigte Staaten"), which their templates set where no article or case ending is needed. A region with
    its own sanctions entry ("Crimea") is named as the project's data names it."""
    if region:
        return region
    if country is None:
        return ""
    if lang == "en":
        return country.in_sentence
    return territory_name(country.iso2, lang, country.name)


def gea_name(gea: str, lang: str = "en") -> str:
    """"EU003 (export after repair or replacement)": the number, and the subject of a GEA that has one."""
    return f"{gea} ({t(GEA_SUBJECTS[gea], lang)})" if gea in GEA_SUBJECTS else gea


def purpose_name(purpose: str, lang: str = "en") -> str:
    return t(PURPOSE_NAMES[purpose], lang)


def end_use_name(end_use: str, lang: str = "en") -> str:
    return t(END_USES.get(end_use, end_use.replace("_", " ")), lang)


def either(items: list[str], lang: str = "en") -> str:
    """"EU001", "EU001 or EU003", "EU001, EU002 or EU003"."""
    if len(items) < 2:
        return "".join(items)
    return t("{first} or {last}", lang, first=", ".join(items[:-1]), last=items[-1])


def item_name(item: str | None, lang: str = "en") -> str:
    """The item as the lead names it: its code (or the user's own words for it), else "the item"."""
    return item or t(THE_ITEM, lang)


# --- export: the licensing route --------------------------------------------------------------------------------------

def licence_available(geas: list[str], purpose: str, lang: str = "en", if_recent: bool = False) -> str:
    """outcome gea_available: the GEAs usable for this item, destination and purpose. `if_recent`: EU003 is among
    them and the original authorisation's date is not given, so its five-year window is a condition too."""
    named = either([gea_name(g, lang) for g in geas], lang)
    if purpose == "sale":
        template = ("Likely yes, under Union general export authorisation {gea}, if you meet its conditions and the "
                    "original export authorisation was granted less than 5 years ago." if if_recent else
                    "Likely yes, under Union general export authorisation {gea}, if you meet its conditions.")
        return t(template, lang, gea=named)
    template = ("Likely yes for {purpose}, under Union general export authorisation {gea}, if you meet its conditions "
                "and the original export authorisation was granted less than 5 years ago." if if_recent else
                "Likely yes for {purpose}, under Union general export authorisation {gea}, if you meet its conditions.")
    return t(template, lang, purpose=purpose_name(purpose, lang), gea=named)


def licence_depends_on_the_item(code: str, geas: list[str], lang: str = "en") -> str:
    """outcome needs_facts: GEAs that cover only some items of the entry (the questions back say which)."""
    return t("It depends on what exactly your {code} item is: {geas} would cover only some items of it (the questions "
             "below say which). Otherwise you need an individual or global authorisation.", lang, code=code,
             geas=reduce(lambda a, b: t("{first} and {last}", lang, first=a, last=b), geas) if geas
             else t("a general authorisation", lang))


def falls_under(code: str, then: str, lang: str = "en") -> str:
    """The item classified under `code` on the user's facts, then the route's lead."""
    return t("Your item falls under {code} on what you told me.", lang, code=code) + " " + then


def onward_sanctioned(code: str, country: str, sanctions: str, lang: str = "en") -> str:
    """The customer will re-export to a sanctioned country: no general authorisation is relied on."""
    return t("Do not rely on a general authorisation: your customer will re-export to {country}, which is under EU "
             "restrictive measures — {sanctions}. A sanctions review is needed before any export of {code}.", lang,
             country=country, sanctions=sanctions, code=code)


def onward_outside(code: str, geas: str, country: str, lang: str = "en") -> str:
    """The customer will re-export to a country the usable general authorisation does not cover."""
    return t("Do not rely on {geas}: your customer will re-export to {country}, which {geas} does not cover. Ask your "
             "competent authority before any export of {code}.", lang, geas=geas, country=country, code=code)


def route_sanctioned(code: str, country: str, sanctions: str, lang: str = "en") -> str:
    """The item travels through a sanctioned country on its way: no general authorisation is relied on."""
    return t("Do not rely on a general authorisation: the route passes through {country}, which is under EU "
             "restrictive measures — {sanctions}. A sanctions review is needed before any export of {code}.", lang,
             country=country, sanctions=sanctions, code=code)


def which_sub_item(code: str, gea: str, covered: list[str], lang: str = "en") -> str:
    """The question back when a GEA covers only some sub-items of the entry."""
    return t("Which sub-item of {code} is your item? {gea} covers only {covered}.", lang, code=code, gea=gea,
             covered=", ".join(covered))


def licence_depends_on_sub_item(code: str, questions: list[str], lang: str = "en") -> str:
    """outcome needs_facts: `questions` from `which_sub_item`."""
    return t("It depends on which sub-item of {code} your item is: {questions} For any other sub-item you need an "
             "individual or global authorisation.", lang, code=code, questions=" ".join(questions))


def sanctions_data(summary: str, as_of: str, lang: str = "en") -> str:
    """What the project's sanctions data says of a destination (English reference data, not the corpus)."""
    return t("{summary} (project reference data as of {as_of}, not part of the legal corpus)", lang,
             summary=summary.rstrip("."), as_of=as_of)


def sanctions_review(code: str, destination: str, sanctions: str, lang: str = "en") -> str:
    """outcome sanctions_review_required. `destination` from `country_name`, `sanctions` from `sanctions_data`."""
    return t("Do not rely on any general authorisation for {destination}: it is under EU restrictive measures — "
             "{sanctions}. A sanctions review is needed before any export of {code}.", lang, destination=destination,
             sanctions=sanctions, code=code)


def end_use_excludes_geas(code: str, destination: str, end_use: str, lang: str = "en") -> str:
    """A stated military, WMD, repression or surveillance end use: no GEA to rely on."""
    return t("Do not rely on a general authorisation: you state a {end_use} end use, and Part 3 of each Union general "
             "export authorisation excludes exports the exporter knows are intended for the uses it lists; ask the "
             "competent authority of your Member State for an individual authorisation for {code} to {destination}.",
             lang, end_use=end_use_name(end_use, lang), code=code, destination=destination)


def individual_licence(code: str, destination: str, purpose: str, other_purposes: list[tuple[str, str]],
                       lang: str = "en") -> str:
    """outcome individual_licence_required, and the GEAs another purpose would open ([(gea, purpose)])."""
    lead = t("No Union general export authorisation covers {code} to {destination} for {purpose}: you need an "
             "individual or global authorisation from the competent authority of the Member State where you are "
             "established.", lang, code=code, destination=destination, purpose=purpose_name(purpose, lang))
    if not other_purposes:
        return lead
    opened = "; ".join(t("{gea} for {purpose}", lang, gea=g, purpose=purpose_name(p, lang)) for g, p in other_purposes)
    return lead + " " + t("Another purpose would open one: {opened}.", lang, opened=opened)


def classification_first(code: str, entry: str, others: list[str], then: str, lang: str = "en") -> str:
    """A product described in words: the closest entry first, then the route only as a condition. `entry`: the
    entry's heading (Annex I wording, kept in English); `then`: the route's lead in the same language (use
    `could_then_be_used` instead of a "Likely yes")."""
    if others:
        first = t("First, the classification: the closest Annex I entry to your words is {code} ({entry}), then "
                  "{others}. Only if your item falls under {code}:", lang, code=code, entry=entry,
                  others=", ".join(others))
    else:
        first = t("First, the classification: the closest Annex I entry to your words is {code} ({entry}). Only if "
                  "your item falls under {code}:", lang, code=code, entry=entry)
    return f"{first} {_continue(then, lang)}"


def could_then_be_used(geas: list[str], lang: str = "en") -> str:
    return t("Union general export authorisation {gea} could then be used, if you meet its conditions.", lang,
             gea=either(geas, lang))


# --- the other activities ------------------------------------------------------------------------------------------

def route(item: str | None, origin: str, destination: str, lang: str = "en") -> str:
    """"5A002 from the United States to China" (origin and destination from `country_name`)."""
    return t("{item} from {origin} to {destination}", lang, item=item_name(item, lang), origin=origin,
             destination=destination)


def brokering(notify: bool, subject: str, end_use: str | None, lang: str = "en") -> str:
    """`subject`: `route(...)`, or `item_name(...)` when origin and destination are not both known."""
    if notify:
        return t("Yes, you must act: brokering {subject} when you are aware of a use in Article 4(1) (you state a "
                 "{end_use} end use) must be notified to the competent authority, which decides whether it needs an "
                 "authorisation.", lang, subject=subject, end_use=end_use_name(end_use or "", lang))
    return t("Only in some cases: brokering {subject} needs an authorisation if your competent authority has informed "
             "you that the items are or may be intended for a use in Article 4(1); if you are aware of such a use, "
             "you must notify it. Your Member State may also require an authorisation in other cases.", lang,
             subject=subject)


def transit(item: str | None, via: str | None, lang: str = "en") -> str:
    """`via`: the EU country the goods pass through (`country_name`), or None for the Union."""
    return t("Not by default: the transit of {item} through {via} can be prohibited, or made subject to an "
             "authorisation, by the competent authority of the Member State where the items are, if they are or may "
             "be intended for a use in Article 4(1); a Member State may extend this to items not listed.", lang,
             item=item_name(item, lang), via=via or t(THE_UNION, lang))


def technical_assistance(status: str, item: str | None, country: str | None, end_use: str | None,
                         lang: str = "en") -> str:
    """`status` of law.activities.technical_assistance: not_applicable, notify, or anything else (some cases)."""
    if status == "not_applicable":
        return t("Not under Article 8(1) and (2): they do not apply to technical assistance provided into {country}, "
                 "a country listed in Part 2 of Section A of Annex II; your Member State may still require an "
                 "authorisation (Art. 8(4), 8(5)).", lang, country=country)
    subject = item_name(item, lang)
    if country:
        subject = t("{item} in {country}", lang, item=subject, country=country)
    if status == "notify":
        return t("Yes, you must act: technical assistance for {subject} when you are aware of a use in Article 4(1) "
                 "(you state a {end_use} end use) must be notified to the competent authority, which decides whether "
                 "it needs an authorisation.", lang, subject=subject, end_use=end_use_name(end_use or "", lang))
    return t("Only in some cases: technical assistance for {subject} needs an authorisation if your competent "
             "authority has informed you that the items are or may be intended for a use in Article 4(1); if you are "
             "aware of such a use, you must notify it. Your Member State may require more.", lang, subject=subject)


def sanctions_first(country: str, sanctions: str, then: str, lang: str = "en") -> str:
    """An activity towards a sanctioned country: the sanctions first, then the Regulation's rule (`then`)."""
    first = t("First, EU sanctions on {country}: {sanctions}. Then, under Regulation (EU) 2021/821:", lang,
              country=country, sanctions=sanctions)
    return f"{first} {_continue(then, lang)}"


# --- the leads of the catalogue's other answers ----------------------------------------------------------------------

def not_an_export(destination: str, lang: str = "en") -> str:
    return t("{destination} is inside the EU customs territory: shipping there is an intra-EU transfer, not an export.",
             lang, destination=destination)


def no_entry_found(lang: str = "en") -> str:
    return t("I found no Annex I entry matching your description.", lang)


def closest_entry(code: str, lang: str = "en") -> str:
    return t("Possibly listed: the closest Annex I entry is {code}.", lang, code=code)


ANNEX_IV_LEADS = {
    "yes": "{code} is in Annex IV ({parts}): its transfer within the Union needs an authorisation.",
    "partly": "Part of {code} is in Annex IV ({parts}): transfers within the Union of those sub-items need an "
              "authorisation.",
    "conditional": "{code} is in Annex IV ({parts}) only in the cases it names: check them before a transfer within "
                   "the Union.",
    "no": "{code} is not in Annex IV: its transfer within the Union needs no authorisation under Article 11(1), though "
          "a Member State may impose one in the cases of Article 11(2).",
}


def annex_iv_lead(code: str, status: str, parts: list[str], lang: str = "en") -> str:
    """The lead of an intra-EU transfer answer for the `status` of the annex_iv tool ("" for a status it does not
    know). `parts`: the Annex IV Parts ("I", "II") the entry is in."""
    named = reduce(lambda a, b: t("{first} and {last}", lang, first=a, last=b),
                   [t("Part {part}", lang, part=p) for p in parts]) if parts else ""
    return t(ANNEX_IV_LEADS[status], lang, code=code, parts=named) if status in ANNEX_IV_LEADS else ""


ABSTAIN = {"empty": "Please ask a question about EU dual-use export controls.",
           "injection": "I can't follow instructions that change how I work: I only quote Regulation (EU) 2021/821.",
           "chitchat": "Hello — I am an assistant for the EU dual-use export-control regime."}


def abstention(kind: str, lang: str = "en") -> str:
    """The lead of an abstention (compose._abstain): empty input, an injection, chit-chat, else "not answered"."""
    from .answer import CANNOT_ANSWER
    return t(ABSTAIN.get(kind, CANNOT_ANSWER), lang)


def _continue(sentence: str, lang: str) -> str:
    """A sentence going on after a colon: lower case in English, French, Italian, Spanish, Dutch and Polish; German
    keeps its capital (a whole sentence after a colon starts with one). Codes and names keep theirs."""
    first = sentence.split(" ", 1)[0]
    capitals = first[:2].isalpha() and first[:2].isupper()           # "EU001", not "L'autorisation"
    if lang == "de" or capitals or any(ch.isdigit() for ch in first) or first in ("Crimea", "Union"):
        return sentence
    return sentence[:1].lower() + sentence[1:]
