"""The plan: which determination answers this turn, chosen from the case and the turn by a table of named rules.

The first rule whose condition holds decides the step the lead answers; `also` rules add checks that apply on top
(a sanctioned destination, a stated end use, release Notes). The names of the rules that fired go into the answer's
trace. A turn is about the user's situation when it names an item, a place, an activity, a purpose or an end use,
or follows up on the last turn ("and to India?", "it's the a.1 one"); otherwise it is a question about the texts
(an Article, a definition, a topic) and the case only stands by."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from law.annex_ii import is_sanctioned
from law.countries import in_eu_customs_territory, sanctions_for

from .case import Case
from .query import TEXT_ASKED
from .understand import Reading

# the kinds of question query.classify recognises that are not about the user's situation
NOT_A_QUESTION = ("empty", "chitchat")
# topics about the licensing route itself (authorisation types, Annex II, Annex IV) or about the list (software, a
# defined term): asked in a situation, the situation's own determination answers them; other topics (records,
# penalties, the competent authority ...) are answered from the texts
ROUTE_PROVISIONS = ("Art. 3(", "Art. 11(", "Art. 12(", "Annex II", "Annex IV")
TOPICAL = ("article", "annex", "define", "general", "coverage", "not_covered")


@dataclass(frozen=True)
class PlanRule:
    name: str
    says: str
    when: Callable[[Case, Reading], bool]
    step: str                        # the determination that answers: a composer handler name


@dataclass
class Plan:
    step: str
    rules: list[str] = field(default_factory=list)      # the rule that chose the step, then the `also` rules

    def to_dict(self) -> dict:
        return {"step": self.step, "rules": self.rules}


def names_situation(r: Reading) -> bool:
    """Does the turn itself name an item or a place (or start a new item)?"""
    return bool(r.products or r.places or r.reset or r.also_item or r.sub_item or r.description is not None
                or r.other_thing is not None or r.ambiguous_place or r.unknown_place)


def situational(r: Reading, c: Case | None = None) -> bool:
    """Is the turn about the user's situation? It is when it names an item or a place; when it only gives an
    activity, a purpose, an end use or a follow-up cue, it is when the case already holds an item or a destination,
    unless the turn (stating no end use) asks about a topic of the texts (the lexicon's topics: records, validity, competent authority
    ...), which the texts answer."""
    if names_situation(r) or (c is not None and c.item is not None and c.item.turn == c.turns):
        return True                # a turn that opened an item ("and the housing alone?") is about it
    if c is None or (c.item is None and c.destination is None):
        return bool(r.activity and (r.places or r.products))
    if r.end_use is not None:
        return True                # an end use stated of the case's item changes its route ("it may be for a WMD")
    anchors = [a for _, found in r.topics for a in found]
    if anchors and not any(a.startswith(ROUTE_PROVISIONS + ("Annex I ",)) for a in anchors):
        return False
    return bool(r.activity or r.purpose or r.end_use or r.follow_up or r.answer or r.exporter_state
                or (r.pronoun and len(r.text.split()) <= 14))


def _item(c: Case) -> bool:
    return c.item is not None


def _code(c: Case) -> bool:
    return c.item is not None and c.item.code is not None


def _stated(c: Case) -> bool:
    return bool(c.item.figures or c.item.flags)


def _destination(c: Case) -> bool:
    return c.destination is not None


def _activity(name: str):
    return lambda c, r: c.activity_value == name and situational(r, c)


def _intent(*names: str):
    return lambda c, r: r.query.intent in names


PLAN_RULES: tuple[PlanRule, ...] = (
    PlanRule("not a question", "an empty turn or a greeting", _intent(*NOT_A_QUESTION), "abstain"),
    PlanRule("instruction to the assistant", "an instruction that tries to change how the assistant works",
             _intent("injection"), "abstain"),
    PlanRule("outside the regulation", "another regime, another field of law, or what no regulation can say",
             _intent("out_of_scope"), "abstain"),
    PlanRule("text not in the corpus", "a text the manifest knows but the corpus does not hold",
             _intent("not_covered"), "not_covered"),
    PlanRule("about the corpus", "which versions the answers rest on", _intent("coverage"), "coverage"),
    PlanRule("what changed", "a code and a question about versions", _intent("diff"), "diff"),
    PlanRule("a code not read", "a code written wrongly (\"2B01\"): what an Annex I code looks like, and the nearest "
             "codes", lambda c, r: r.malformed_code is not None and not r.codes, "lookup"),
    PlanRule("an entry's text asked", "what an entry says (\"what does 6A003 say?\", \"is 1C351 in Annex IV?\"), "
             "when the turn names a code and no place, activity, purpose or end use: the entry, not the case's route",
             lambda c, r: bool(r.codes) and TEXT_ASKED.search(r.text) is not None
             and not (r.places or r.activity or r.purpose or r.end_use), "lookup"),
    PlanRule("an Article asked", "a reference to an Article (and no situation)",
             lambda c, r: r.query.intent == "article" and not (r.products or r.destination), "article"),
    PlanRule("an annex asked", "what an annex says", _intent("annex"), "annex"),
    PlanRule("a term asked", "what a term means (\"what is brokering?\", \"is that legally an export?\"), when the "
             "turn names no product", lambda c, r: r.query.intent == "define" and not (r.products or r.figures), "define"),
    PlanRule("a place two countries share", "\"Korea\": which one is asked before anything is answered, unless the "
             "turn names another destination (\"Korean chips for a buyer in Iran\") or the case's destination is "
             "already one of them (\"the Korean customer\" after South Korea)",
             lambda c, r: r.ambiguous_place is not None and r.destination is None
             and not (c.destination is not None and c.destination.value.iso2 in ("KR", "KP")), "ask_place"),
    PlanRule("a place not known", "a fair's place that is no country, city or port I know: its country is asked, "
             "so that the previous destination does not stand for it",
             lambda c, r: r.unknown_place is not None, "ask_place"),
    PlanRule("a place not read", "a name after \"to\" or \"in\" that no country, city or port matches (\"and to "
             "Santiago?\"), when the case holds an item or a destination: its country is asked, so that the previous "
             "destination does not stand for it",
             lambda c, r: r.unread_place is not None and (c.item is not None or c.destination is not None
                                                          or bool(r.products)), "ask_place"),
    PlanRule("several items meant", "\"can both go to Norway?\" when the case holds several items: which one is "
             "asked, since each is answered on its own", lambda c, r: r.several is not None and len(c.items) >= 2
             and not r.products, "ask_item"),
    PlanRule("several products named", "a turn that lists products of different entries (\"thermal cameras and "
             "5A002.a.2 routers\"): which one is asked, since each is answered on its own",
             lambda c, r: c.ask == "item", "ask_item"),
    PlanRule("brokering", "brokering services (Art. 6)", _activity("brokering"), "brokering"),
    PlanRule("transit", "transit of non-Union items (Art. 7)", _activity("transit"), "transit"),
    PlanRule("technical assistance", "technical assistance (Art. 8)", _activity("technical_assistance"),
             "technical_assistance"),
    PlanRule("transfer within the Union", "an item sent to another Member State (Art. 11, Annex IV)",
             lambda c, r: c.activity_value == "transfer" and (situational(r, c) or r.query.intent == "transfer"),
             "transfer"),
    PlanRule("export of an item to a destination", "an item and a destination outside the Union: the licensing route",
             lambda c, r: _item(c) and _destination(c) and situational(r, c)
             and not in_eu_customs_territory(c.destination.value), "licensing"),
    PlanRule("a GEA asked", "a Union general export authorisation named, without a situation to check",
             lambda c, r: bool(r.query.geas) and not _destination(c), "gea"),
    PlanRule("a destination without an item", "which general authorisations name a destination",
             lambda c, r: _destination(c) and not _item(c) and situational(r, c), "destination_geas"),
    PlanRule("an item said not to be listed", "the catch-all provisions (Art. 4, 5, 9, 10)",
             _intent("catch_all"), "catch_all"),
    PlanRule("an item by its code, with figures", "an Annex I code and figures or facts: are they caught by it?",
             lambda c, r: _code(c) and _stated(c) and situational(r, c), "classification"),
    PlanRule("an item by its code", "an Annex I code: what the entry says",
             lambda c, r: _code(c) and situational(r, c), "lookup"),
    PlanRule("a product described", "a product in words: its candidate entries evaluated on what the user said",
             lambda c, r: _item(c) and situational(r, c), "classification"),
    PlanRule("a question about the texts", "anything else: the passages that answer it", lambda c, r: True, "general"),
)

# checks added on top of the step that answers (each named in the trace when it applies)
ALSO_RULES: tuple[tuple[str, Callable[[Case, Reading, str], bool]], ...] = (
    ("sanctioned destination", lambda c, r, step: step in ("brokering", "transit", "technical_assistance", "licensing",
                                                             "destination_geas") and c.destination is not None
     and is_sanctioned(sanctions_for(c.destination.region or c.destination.value))),
    ("stated end use", lambda c, r, step: c.end_use is not None and step in ("licensing", "brokering", "transit",
                                                                             "technical_assistance", "classification")),
)


def make_plan(case: Case, r: Reading) -> Plan:
    rule = next(rule for rule in PLAN_RULES if rule.when(case, r))
    plan = Plan(rule.step, [rule.name])
    plan.rules += [name for name, when in ALSO_RULES if when(case, r, rule.step)]
    return plan


def rules_markdown() -> str:
    """The plan rules, in the order they are tried, as the README shows them (tests/test_docs.py checks it)."""
    rows = ["| rule | when | answered by |", "|---|---|---|"]
    rows += [f"| {r.name} | {r.says} | `{r.step}` |" for r in PLAN_RULES]
    return "\n".join(rows)

