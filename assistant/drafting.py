"""What every composer needs: the services it draws on (`Services`), evidence quoted from a provision, tool calls
recorded on the draft, and small text helpers for sentences of our own (never for legal text, which is quoted)."""
from __future__ import annotations

import re
from typing import Protocol

from ingest.model import Provision
from ingest.settings import Settings
from ingest.store import Store

from .answer import Claim, Draft, Evidence, ToolCall
from .query import Query
from .quotes import is_verbatim, quote


class Services(Protocol):
    """What a composer may use of the assistant: the store, the tools, retrieval, settings and the lexicon."""
    store: Store
    settings: Settings
    corpus_version: str

    @property
    def tools(self): ...

    @property
    def library(self): ...

    def expand(self, text: str, language: str | None = None): ...


CATEGORY_NAMES = {
    "0": "Nuclear materials, facilities and equipment", "1": "Special materials and related equipment",
    "2": "Materials processing", "3": "Electronics", "4": "Computers",
    "5": "Telecommunications and \"information security\"", "6": "Sensors and lasers",
    "7": "Navigation and avionics", "8": "Marine", "9": "Aerospace and propulsion",
}
STOP = set("a an the of to for in on and or is are be do does can could i we you my our your it this that what which "
           "how when where who whether with under any need must should there their by as at from into about".split())


def cite(p: Provision, text: str | None = None, span=None, claim: str = "") -> Evidence:
    """Evidence quoting `text` from p when it is verbatim there, else the passage around `span`."""
    if text is None or not is_verbatim(p, text):
        text = quote(p, span)
    return Evidence(p.locator, p.source, p.version, text, claim)


def record(draft: Draft, name: str, args: dict, result) -> None:
    draft.tools.append(ToolCall(name, args, result.to_dict()))


def art3_claim(a: Services) -> Claim:
    p = a.store.get("Art. 3(1)")
    return Claim("Exporting a dual-use item listed in Annex I requires an authorisation.", [cite(p)])


def first_sentence(p: Provision) -> str:
    return first_sentence_of(p.text)


def first_sentence_of(text: str) -> str:
    """Up to the first full stop, semicolon or colon that ends a clause (not a label like '1.' or '(a)')."""
    m = re.search(r"^.{12,}?[.;:](?=\s|$)", text)
    return m.group(0) if m else text


# words that point at a text rather than say what is asked of it
_REFERENCE_WORDS = frozenset("article articles annex annexes section part point paragraph subparagraph note category "
                             "regulation".split())


def best_sentence(p: Provision, question: str) -> str:
    """The sentence of the provision sharing most words with the question (verbatim, within its break-free part); the
    first one when the question shares none but its references ("What does Article 4 say?" is not about the sentence
    that mentions "Article 23(6)")."""
    words = {w for w in re.findall(r"[a-z0-9]+", question.lower()) if w not in STOP and w not in _REFERENCE_WORDS
             and len(w) > 2 and not w.isdigit()}
    sentences = [s.strip() for s in re.split(r"(?<=[.;:])\s+(?=[A-Z(‘'\"0-9—])", p.text)
                 if len(s.strip()) > 12 and not re.fullmatch(r"\(?\w{1,4}[.)]", s.strip())]
    if not sentences:
        return p.text

    def shared(s: str) -> int:
        sw = set(re.findall(r"[a-z0-9]+", s.lower()))
        return sum(1 for w in words if w in sw or any(x.startswith(w[:5]) for x in sw if len(w) > 5))

    best = max(sentences, key=lambda s: shared(s) - len(s) / 2000)
    return best if shared(best) else sentences[0]


def fits(sentence: str) -> bool:
    return 0 < len(sentence) <= 600


def clip(text: str, limit: int = 140) -> str:
    """Shortened for a sentence of our own: cut at a word, no trailing colon or semicolon."""
    text = text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
    return text.rstrip(" :;,")


def annex_source(q: Query) -> str:
    """The Annex I version to answer from: the one the question's date selected, else the list in force."""
    from .tools import ANNEX_I
    return q.annex_source or ANNEX_I


# what a question about a GEA asks of it: its items (Part 1), destinations (Part 2) or conditions (Part 3), in the
# seven languages (stems: "Bedingung", "condizioni", "warunki")
PART_WORDS = {"1": r"\bitems?\b|\bcover|\bproducts?\b|\bgoods\b|\bsoftware\b|\btechnology\b|\bexclud|\bnever\b"
                   r"|\bgüter|\berfass|\bbiens\b|\bcouvr|\bbeni\b|\bcopr|\bbienes\b|\bcubr|\bgoederen|\bdekt"
                   r"|\bprodukt|\bobejm|\btowar",
              "2": r"\bcountr|\bdestination|\bwhere\b|\bwhich states\b|\bvalid for\b|\bbestimmungs|\bländer|\bpays\b"
                   r"|\bdestinazion|\bpaes|\bdestino|\bpaís|\bbestemming|\blanden\b|\bprzeznaczeni|\bkraj",
              "3": r"\bcondition|\bregist|\bnotif|\bdeclar|\bmust\b|\bbefore\b|\bafter\b|\breport|\brequire|\bfirst\b"
                   r"|\bend-user|\bfree zone|\bfree warehouse|\bre-?export|\bmilitary|\bguarantee|\bsubsidiar"
                   r"|\bbedingung|\bregistrier|\bmeld|\banmeld|\berklär|\bfreizone|\bwiederausf|\bmilitär|\btochter"
                   r"|\benregistr|\bdéclar|\bzone franche|\bréexport|\bmilitaire|\bfiliale"
                   r"|\bcondizion|\bregistra|\bnotific|\bdichiar|\bzona franca|\briesport|\bcontrollat"
                   r"|\bcondici|\bdeclara|\breexport|\bfilial"
                   r"|\bvoorwaarde|\baangifte|\bvrije zone|\bwederuitvoer|\bmilitair|\bdochter"
                   r"|\bwarun|\brejestr|\bzgłosz|\bpowiadom|\bwoln\w* obszar|\bwolnocł|\breeksport|\bwojskow"}


def conditions_asked(q: Query, a: Services) -> list[Claim]:
    """For a GEA named in a question that asks about its conditions (a free zone, re-export, registration…): the
    sentence of its Part 3 that speaks to it."""
    if not q.geas or not re.search(PART_WORDS["3"], q.text, re.I):
        return []
    out = []
    for gea in q.geas[:2]:
        part3 = a.store.get(f"Annex II {gea} Part 3")
        if part3:
            sentence = best_sentence(part3, q.text)
            out.append(Claim(f"{gea} Part 3 sets this condition.", [cite(part3, sentence if fits(sentence) else None)]))
    return out


def parts_asked(question: str) -> list[str]:
    """Parts 1-3 of a GEA, the ones the question asks about first (items, destinations, conditions); with no such
    words, the destinations first: 'can I ship X to Y' turns on Part 2."""
    hits = {n: len(re.findall(words, question, re.I)) for n, words in PART_WORDS.items()}
    return sorted(("2", "1", "3"), key=lambda n: -hits[n])
