"""The assistant: a turn (+ the conversation so far, or its case) -> `Answer`. One entry point for the CLI, the app, the
API and the evals.

    turn ─► understand (Reading) ─► case.update (Case) ─► plan (named rules) ─► compose (Draft) ─► finalize (Answer)

Each turn's language is read once (Reading.language, assistant/language.py): it routes retrieval
(Library.in_language) and picks the catalogue of the fixed phrases (finalize). A turn in a language the assistant
does not support is answered in English with UNSUPPORTED_LANGUAGE and nothing else, and adds nothing to the case.

The case carries the situation from turn to turn; the answer carries the case, the determination and the trace of
the rules that fired, so the app can show "why this answer" and the next turn can start from it."""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date
from functools import cached_property

from ingest.settings import Settings
from law.annex_ii import purpose_for
from law.countries import Country

from .answer import Answer, Draft, finalize
from .case import Case, Fact, Item, from_history, update
from .compose import compose
from .errors import check_arguments
from .instructions import INSTRUCTIONS_IGNORED, split_instructions
from .language import warm_up_in_background
from .library import ROUTES, Library
from .messages import INTRA_GROUP_HARDWARE, MISSPELT_PLACE, MISSPELT_WORD, UNSUPPORTED_LANGUAGE
from .plan import Plan, make_plan
from .query import Query
from .understand import Reading

# the steps that answer about the item of the case (its determination goes on the answer)
ITEM_STEPS = ("licensing", "lookup", "controlled", "classification", "transfer", "brokering", "transit",
              "technical_assistance")


class Assistant:
    def __init__(self, settings: Settings | None = None, library: Library | None = None):
        self.settings = settings or Settings.from_env()
        self.library = library or Library(self.settings)
        self.store = self.library.store
        warm_up_in_background()            # lingua's models take 10-20 s to load: not on the first question

    def warm_up_in_background(self) -> None:
        """Build the keyword indexes the six other languages search (4-grams; the chunks written in each language
        whose route reads them: a few seconds of CPU each) on a daemon thread, so that the first question in another
        language does not wait for them. For a long-running server (the app); tests and the CLI build them on first
        use."""
        def warm() -> None:
            for system, language in [("grams", "de")] + [("translated", lang) for lang, route in ROUTES.items()
                                                          if "translated" in route]:
                self.library.keyword(system, "warm", k=1, language=language)
        threading.Thread(target=warm, name="keyword-warm-up", daemon=True).start()

    @cached_property
    def tools(self):
        from .tools import Toolbox
        return Toolbox(self.library)

    @cached_property
    def corpus_version(self) -> str:
        """The versions answers rest on: every source in force in this build, by its label."""
        labels = [s["version_label"] or s["id"] for s in self.store.sources.values()
                  if s["status"] == "in_force" and s.get("provisions")]
        return "; ".join(labels)

    @cached_property
    def fingerprint(self) -> str:
        """One fingerprint of everything that can change an answer (ingest/fingerprint.py)."""
        from ingest.fingerprint import fingerprint
        return fingerprint(self.settings, self.library.build_id)

    def reopen_if_rebuilt(self) -> None:
        """`dualuse ingest` switched in a new build: answer from it from now on (the caller keeps the conversation)."""
        library = self.library.current()
        if library is not self.library:
            self.library, self.store = library, library.store
            for cached in ("tools", "corpus_version", "fingerprint"):
                self.__dict__.pop(cached, None)

    def classify(self, description: str, facts: list[str] | tuple[str, ...] = ()) -> Answer:
        """Classify a product from its description and stated facts ("sample rate=2.5 GSPS", "accompanying_user=yes",
        "describes:Annex I 3A001.a.10=no"): figures are read as the user would type them, yes/no facts set the
        release-Note and kind facts the classifier asks about. The answer's `determination` holds the result."""
        figures = [f for f in facts if not _yes_no(f)]
        text = description.strip() + "".join(f". {f.replace('=', ' ')}" for f in figures)
        if not description.strip():
            raise ValueError("describe the product (e.g. \"12-bit ADC, sample rate 2.5 GSPS\")")
        case, _ = update(None, text, self.settings.quoting.max_question)
        if case.item is None:                # words the reading finds no product in: the user said it is one
            words = description.strip()[:200]
            case.items.append(Item(1, case.turns, description=Fact(words, words, case.turns)))
            case.current = 1
        for f in facts:
            if _yes_no(f):
                name, value = (x.strip() for x in f.rsplit("=", 1))
                case.item.flags[name] = Fact(value.lower() in ("yes", "true", "y", "1"), f, case.turns)
        return self.answer("Is it listed in Annex I?", case=case)

    def _code_from_cas(self, q: Query, case: Case) -> None:
        """A chemical named by its CAS number: the Annex I item that quotes that number is its code."""
        item = case.item
        cas = item.flags.get("cas") if item is not None else None
        if cas is None or q.codes or q.intent not in ITEM_STEPS:
            return
        code = self.tools.annex_i_tree().cas_numbers.get(cas.value)
        if code:
            q.codes = [code]
            item.code = Fact(code, cas.words, cas.turn)          # the code the CAS number stands for
            q.notes.append(f"CAS {cas.value} is named in Annex I {code}.")

    def expand(self, question: str, language: str | None = None):
        from .lexicon import expand
        return expand(question, language)

    def answer(self, question: str, history: list[dict] | None = None, as_of: date | str | None = None,
               case: Case | dict | None = None) -> Answer:
        """Answer `question`. The situation so far comes from `case` (the previous answer's `case`, as a Case or its
        dict) or, without one, from the user turns of `history` ([{"role": "user"|"assistant", "content": ...}]).
        `as_of`: a date (or ISO string) to answer from the Annex I version that applied then. A malformed argument
        raises `assistant.errors.InputError`, one line naming it."""
        question, history, as_of, case = check_arguments(question, history, as_of, case)
        start = time.perf_counter()
        self.reopen_if_rebuilt()
        # text addressed to the assistant is never followed: only the question proper is read (instructions.py)
        turn = split_instructions(question)
        history = [dict(h, content=split_instructions(h["content"]).question)
                   if isinstance(h, dict) and h.get("role") == "user" and isinstance(h.get("content"), str) else h
                   for h in history or []]
        before = Case.from_dict(case) if isinstance(case, dict) else case if case is not None else from_history(history)
        after, reading = update(before, turn.question, self.settings.quoting.max_question)
        if not reading.language.supported:
            return self._unsupported(question, before, reading, start)
        if turn.pure_injection:
            reading.query.intent = "injection"
        plan = make_plan(after, reading)
        q = query_for(after, reading, plan)
        self._code_from_cas(q, after)
        if as_of:
            q.as_of = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
        # degraded search, a fallback build: said on the answer; retrieval by the route of the turn's language
        with self.library.noting() as notices, self.library.in_language(after.language):
            draft = compose(q, self)
        draft.caveats += notices
        if plan.step in ITEM_STEPS and q.codes and after.purpose_value == "intra_group" and q.purpose == "sale":
            draft.caveats.append(INTRA_GROUP_HARDWARE.format(code=q.codes[0]))
        draft.caveats += [MISSPELT_PLACE.format(written=s.words, country=s.value.name) if isinstance(s.value, Country)
                          else MISSPELT_WORD.format(written=s.words, meant=s.value) for s in reading.misspelt]
        if plan.step in ITEM_STEPS + ("destination_geas",):
            draft.caveats += carried_over(after)
        if turn.removed and not turn.pure_injection:
            draft.caveats.append(INSTRUCTIONS_IGNORED)
        answer = finalize(draft, self.store, question, self.corpus_version, self.settings.hash, self.library.sources,
                          self.settings.quoting.min_fragment, lang=after.language)
        answer.fingerprint = self.fingerprint
        _attach(answer, draft, after, reading, plan)
        after.pending = pending_questions(draft)
        answer.case = after.to_dict()
        if self.settings.llm.provider != "none" and not answer.abstained:
            from .llm import rephrase
            answer = rephrase(answer, self.settings)
        answer.seconds = time.perf_counter() - start
        return answer

    def _unsupported(self, question: str, before: Case | None, reading: Reading, start: float) -> Answer:
        """A turn in a language the assistant does not read: said in English, nothing answered, the case unchanged."""
        draft = Draft("unsupported_language", UNSUPPORTED_LANGUAGE.format(language=reading.language.name),
                      abstained=True)
        answer = finalize(draft, self.store, question, self.corpus_version, self.settings.hash, self.library.sources)
        answer.case = (before or Case()).to_dict()
        answer.trace = {"facts": [], "rules": ["unsupported language"], "step": "abstain", "findings": [],
                        "ruled_out": [], "tools": [], "language": reading.language.code}
        answer.seconds = time.perf_counter() - start
        return answer


def query_for(case: Case, r: Reading, plan: Plan) -> Query:
    """The query the composer answers: this turn's references, with the item, places, purpose and end use taken from
    the case when the step is about the user's situation."""
    q = replace(r.query, text=r.search_text, intent=r.query.intent if plan.step == "abstain" else plan.step,
                language=case.language or "en",
                unknown_place=r.unknown_place or (r.unread_place if plan.step == "ask_place" else None))
    if plan.step == "ask_item":
        named = [i for i in case.items if i.turn == case.turns]          # the ones this turn lists, if it does
        q.item_choices = tuple(i.label for i in (named if len(named) >= 2 else case.items))
    if plan.step not in ITEM_STEPS + ("destination_geas", "gea"):
        return q
    item = case.item
    if item is not None:
        q.codes = [item.code.value] if item.code else []
        q.inherited = ["item"] if item.turn < case.turns and not r.products else []
        q.item_label = item.label
        described = item.description.value if item.description else ""
        q.item_words = described if described and described.lower() not in r.text.lower() else ""
        q.item_description = described
        q.item_entries = tuple(item.entries.value) if item.entries else ()
        q.item_part_of = item.part_of.value if item.part_of else None
        q.figures = item.stated_figures()
        q.flags = item.stated_flags()
    q.countries = [case.destination.value] if case.destination else []
    q.region = case.destination.region if case.destination else None
    q.onward = case.onward.value if case.onward else None
    q.eu004_excluded = case.eu004_excluded.value if case.eu004_excluded else None
    q.purpose = purpose_for(q.codes[0] if q.codes else None, case.purpose_value)
    q.end_use = case.end_use.value if case.end_use else None
    q.activity = case.activity_value
    q.origin = case.origin.value if case.origin else None
    q.transit_via = case.transit_via.value if case.transit_via else None
    q.geas = q.geas or ([case.gea.value] if case.gea else [])
    q.authorised_years_ago = date.today().year - case.authorised.value if case.authorised else None
    q.related_codes = [c for c in r.codes if not q.codes or c != q.codes[0]]
    if plan.rules[0] == "a code not read":
        q.codes = [r.malformed_code]                # looked up as written: the tool says why it is no code
    return q


def _yes_no(fact: str) -> bool:
    """'accompanying_user=yes' (a yes/no fact) rather than 'sample rate=2.5 GSPS' (a figure)."""
    return "=" in fact and fact.rsplit("=", 1)[1].strip().lower() in ("yes", "no", "true", "false", "y", "n", "1", "0")


def carried_over(case: Case) -> list[str]:
    """One line naming the facts this answer takes from earlier turns (the item, the destination, the purpose), so the
    user sees what was carried over and can correct it."""
    earlier = []
    item = case.item
    if item is not None and item.turn < case.turns:
        earlier.append(f"the item {item.label} (turn {item.turn})")
    for name, label in (("destination", "the destination"), ("purpose", "the purpose"), ("activity", "the activity"),
                        ("gea", "the authorisation you named")):
        f = getattr(case, name)
        if f is not None and f.turn < case.turns:
            value = f.value.name if isinstance(f.value, Country) else str(f.value).replace("_", " ")
            earlier.append(f"{label} {value} (turn {f.turn})")
    return [f"Read with the earlier turns of this conversation: {', '.join(earlier)}."] if earlier else []


def pending_questions(draft: Draft) -> list[dict]:
    """What this answer asks, for the next turn to answer ("yes", "2.5 GSPS"): parameter and unit of each question."""
    classification = draft.determination.get("classification") or {}
    return [{"parameter": q["parameter"], "unit": q.get("unit")} for q in classification.get("questions", [])]


def _attach(answer: Answer, draft: Draft, case: Case, r: Reading, plan: Plan) -> None:
    """The case, the determination and the trace on the answer."""
    answer.case = case.to_dict()
    answer.questions = list(draft.questions)
    answer.activity = draft.determination.get("activity")
    if plan.step in ITEM_STEPS and case.item is not None and not answer.abstained:
        answer.determination = determination(case, draft)
    answer.trace = {
        "facts": _facts(case),
        "rules": case.rules + plan.rules,
        "step": plan.step,
        "findings": [{"kind": k, **({"outcome": v.get("outcome")} if isinstance(v, dict) and "outcome" in v else {})}
                     for k, v in draft.determination.items()],
        "ruled_out": _ruled_out(draft),
        "tools": [t.name for t in draft.tools],
    }


def determination(case: Case, draft: Draft) -> dict:
    """The item's determination: how it is classified (a code the user gave, or the closest entries to their words),
    and the licensing route when a destination is known."""
    item = case.item
    found = draft.determination
    classification = found.get("classification")
    if classification is not None:
        classification = {k: v for k, v in classification.items() if k not in ("item", "licensing")}
    else:
        lookup = next((t.result for t in draft.tools if t.name == "lookup_entry" and t.result.get("ok")), None)
        code = item.code.value if item.code else None
        if code and (lookup or found.get("licensing")):
            classification = {"status": "listed", "deciding": f"Annex I {code}",
                              "entries": [{"locator": f"Annex I {code}", "met": True, "checks": []}],
                              "ruled_out": [], "questions": []}
        else:
            leads = [c["code"] for t in draft.tools if t.name == "search_control_list" for c in t.result.get("candidates", [])]
            classification = {"status": "needs_facts", "deciding": None,
                              "entries": [{"locator": f"Annex I {c}", "met": None, "checks": []}
                                          for c in dict.fromkeys(leads)][:5],
                              "ruled_out": [], "questions": [{"parameter": "classification", "text":
                                                              "Which Annex I entry and sub-item is your item? Give its "
                                                              "code, or its technical parameters."}]}
    return {"item": {"description": item.description.value if item.description else None,
                     "code": item.code.value if item.code else None},
            **classification, "licensing": found.get("licensing")}


def _facts(case: Case) -> list[dict]:
    out = []
    item = case.item
    if item is not None:
        for name in ("description", "code", "entries"):
            f = getattr(item, name)
            if f is not None:
                out.append({"fact": f"item.{name}", "value": f.value if not isinstance(f.value, tuple) else list(f.value),
                            "words": f.words, "turn": f.turn})
        out += [{"fact": "item.figure", "value": f.value, "words": f.words, "turn": f.turn} for f in item.figures]
    for name in ("activity", "purpose", "origin", "destination", "transit_via", "onward", "end_use", "exporter_state",
                 "gea"):
        f = getattr(case, name)
        if f is not None:
            value = f.value.name if isinstance(f.value, Country) else f.value
            out.append({"fact": name, "value": value, "words": f.words, "turn": f.turn})
    return out


def _ruled_out(draft: Draft) -> list[dict]:
    licensing = draft.determination.get("licensing") or {}
    return [{"gea": g["gea"], "why": g["why"]} for g in licensing.get("geas", []) if not g["available"]]


_default: Assistant | None = None
_lock = threading.Lock()


def default_assistant() -> Assistant:
    global _default
    with _lock:
        if _default is None:
            _default = Assistant()
        return _default
