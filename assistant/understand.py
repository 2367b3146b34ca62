"""Reading one turn: what it says about the user's situation, each fact with the words it came from.

`read_turn(text)` finds the items named (Annex I codes, product words the lexicon knows, a product phrase after
"our"/"we also sell"), the places and their roles (origin, destination, transit: by the word that governs each
mention, "from the Netherlands to Iran"), the activity (export, brokering, transit, technical assistance, transfer
within the Union), the purpose (sale, repair return, exhibition, intra-group), the end use, and the cues that start
a new item or follow up on the last one. It decides nothing: the case (assistant/case.py) keeps the facts across
turns and the plan (assistant/plan.py) decides what to determine. Pure functions of the text."""
from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from law.codes import CODE, normalize_code
from law.countries import Country, find_places, in_eu_customs_territory, unread_place
from law.figures import canonical_parameter, read_figures, read_flags

from .language import Language, detect
from .gloss import gloss as gloss_of, glossary, stopwords
from .lexicon import lexicon
from .phrases import Match, PhraseTable
from .spelling import corrector
from .query import CONTROL_VOCAB, Query, clean, parse

VOCABULARY = Path(__file__).resolve().parent / "data" / "vocabulary.toml"
ACTIVITIES = ("export", "brokering", "transit", "technical_assistance", "transfer")
ACTIVITY_PRIORITY = ("brokering", "transit", "technical_assistance", "transfer")
END_USES = ("wmd", "military", "police_security", "internal_repression", "cyber_surveillance", "civil")

# "re-export it to Iran": the customer's onward destination, not where the item goes now
_ONWARD = re.compile(r"\b(?:re-?export\w*|re-?sell\w*|onward|forward\w*)\s+(?:it\s+|them\s+|the\s+items?\s+)?(?:on\s+)?"
                     r"to\s+(?:the\s+)?$", re.I)
# "Dutch exporter", "a German company", "we are in France", "our company in Italy": who the exporter is
_EXPORTER = re.compile(r"\b(?:we are|we're|i am|i'm|our company is|our firm is|we're a|we are a)\s+(?:a\s+|an\s+)?"
                       r"(?:(?:company|firm|manufacturer|exporter)\s+)?(?:based\s+|located\s+|established\s+)?"
                       r"(?:in\s+)?(?:the\s+)?$", re.I)
# A product phrase: from a determiner to a word that ends it (a place, a clause); the lexicon or a code anchors it
_DETERMINER = re.compile(r"\b(?:a|an|our|my|the|some|their|these|those)\s+$", re.I)
_PHRASE_END = re.compile(r"^(?:to|for|from|into|in|at|on|via|through|with|which|that|and|or|can|could|do|does|is|are|"
                         r"was|were|under|by|using|as|if|when|because|so|but|back|after|before|now|then|too|also|"
                         r"nach|für|aus|über|mit|zu|und|vers|pour|avec|depuis|et|verso|per|con|hacia|para|desde|"
                         r"ins|zum|zur|au|aux|en|à|dans|negli|nel|nella|nei|nelle|al|alla|ai|agli|ad|"
                         r"naar|voor|met|uit|dla|przez|oraz|w|na|a|go|goes|be|need|needs|require|requires|listed|"
                         r"controlled|ships?|sends?|sells?|exports?|buys?|wants?|orders?|has|have|makes?|takes?|"
                         r"brings?|uses?|transits?|passes|travels?|arrives?|crosses|leaves|made|"
                         r"we|they|you)$", re.I)       # "the valves we sell": a clause begins
_QUESTION_FRAME = re.compile(r"\W*(?:(?:can|could|may|do|does|is|are|will|would)\s+(?:we|i|you|our|the|a|an|my)\s+"
                             r"(?:(?:also|still|now)\s+)?(?:(?:ship|send|export|sell|supply|deliver)\s+(?:our|the|a|an|"
                             r"some|my)?\s*)?|(?:we|i)\s+(?:also\s+)?(?:make|sell|produce|build|supply|ship|export)\s+|"
                             r"(?:is|are|was|were|will be|would be)\s+(?:(?:a|an|the|our|some|my)\s+)?|"
                             r"(?:our|the|a|an|some|my)\s+)", re.I)
_SUBJECT = re.compile(r"^(?:we|i|you|they|wir|ich|sie|nous|je|vous|noi|io|nosotros|yo|wij|we|ik|my|ja|"
                      r"eksportujemy|exportamos|esportiamo|exportons|exportieren|exporteren)$", re.I)
_TRADE_VERB = re.compile(r"\b(?:ship|export|send|sell|deliver|supply|transfer|make|produce|manufacture|build|"
                         r"develop|offer|move)\w*\s+(?:a|an|our|my|the|some)\s+", re.I)
_SUB_ITEM_ANSWER = re.compile(r"^\W*(?:(?:it(?:'s| is)|the|our|its|which is|that is|sub-?item|item|one|under)\s+)*"
                              r"(?P<path>\.?[a-z](?:\.?[0-9]{1,2}(?:\.?[a-z](?:\.?[0-9]{1,2})?)?)?)\.?"
                              r"(?:\s+(?:one|sub-?item|item))?\W*$", re.I)
# who the buyer or end user is: "the buyer is a defence ministry", "what if the customer were a paint factory"
_END_USER = re.compile(r"\b(?:buyer|customer|client|end[- ]?user|consignee|purchaser)\s+(?:is|was|were|would\s+be|"
                       r"will\s+be)\s+(?:now\s+)?(?P<who>(?:an?|the|our)\s+[\w -]{3,60}?)(?=\s+instead\b|[,.;?!]|$)", re.I)
# another model named by a sub-item of the item's entry, with a dot: "the a.2 version", "an a.1 one", "our b.3 models"
_OTHER_SUB_ITEM = re.compile(r"\b(?:the|an?|our|their)\s+(?P<path>[a-z]\.[0-9]{1,2}(?:\.[a-z](?:\.[0-9]{1,2})?)?)\s+"
                             r"(?:one|ones|version|versions|model|models|variant|variants|type|types|sub-?item)\b", re.I)
# a name two countries share, where the answer differs completely ("Korea": the Republic of Korea, or North Korea)
_TWO_COUNTRIES = re.compile(r"\b(?<!north )(?<!south )(?<!republic of )(?<!n\. )(?<!s\. )(?<!\bn )(?<!\bs )"
                            r"(?:korea|korean|corée|corea|korei|koreä)\b", re.I)
# when the original export was authorised (EU003 covers re-exports within 5 years of it)
_AUTHORISED = re.compile(r"\b(?:(?:licen[cs]e|authori[sz]ation|permit)s?\b[^.?!]{0,50}?\b(?:granted|issued|obtained|"
                         r"received|approved|given|dated)|(?:exported|shipped|sold|delivered)\b[^.?!]{0,40}?\b(?:in|back in))"
                         r"\b[^.?!]{0,25}?\b(?P<year>(?:19|20)\d\d)\b", re.I)
_PRONOUN = re.compile(r"\b(?:it|its|it's|them|they|this|that|these|those|same|latter|former|the item|the product|"
                      r"the machine|the device|the system|the software)\b", re.I)


@dataclass(frozen=True)
class Said:
    """A fact as the user said it: the value read, the words it came from and where they are in the turn."""
    value: Any
    words: str
    start: int = 0
    end: int = 0
    region: str | None = None         # a place in a region with its own sanctions status ("crimea")

    def to_dict(self) -> dict:
        v = self.value
        value = {"name": v.name, "iso2": v.iso2} if isinstance(v, Country) else v
        return {"value": value, "words": self.words}


@dataclass(frozen=True)
class ProductMention:
    """An item named in the turn: an Annex I code, a CAS number, words the lexicon maps to entries."""
    words: str
    start: int
    end: int
    code: str | None = None
    entries: tuple[str, ...] = ()
    cas: str | None = None            # a chemical's CAS registry number ("142-84-7"); Annex I items quote them
    aside: bool = False               # written in brackets after another noun: "our switches (5A002.a.2)"

    @property
    def key(self) -> tuple:
        return (self.code,) if self.code else (self.cas,) if self.cas else self.entries or (self.words.lower(),)


@dataclass
class Reading:
    text: str
    query: Query                                   # references and question kind (articles, GEAs, as-of date, ...)
    products: list[ProductMention] = field(default_factory=list)
    set_aside: list[ProductMention] = field(default_factory=list)   # "besides the lathe", "not a machine tool"
    description: Said | None = None               # the product as described in this turn
    places: list[tuple[str, Said]] = field(default_factory=list)     # (role, place) in order of appearance
    origin: Said | None = None
    destination: Said | None = None
    transit_via: Said | None = None
    exporter_state: Said | None = None
    activity: Said | None = None                  # stated in words (structure is read by the case)
    goods_sent: Said | None = None                # words of sending goods ("ship", "in his luggage"): an export
    purpose: Said | None = None
    end_use: Said | None = None
    end_user: Said | None = None                  # who the buyer or end user is said to be ("the buyer is a paint factory")
    reset: Said | None = None                     # "different product now"
    also_item: Said | None = None                 # "what about our X", "we also sell Y"
    related: Said | None = None                   # the item's software, technology or parts ("and its source code?")
    owner: ProductMention | None = None           # a product a thing is said to belong to ("the lathe's coolant pump")
    other_thing: Said | None = None               # a thing a follow-up names that no lexicon phrase reads ("and the spindles?")
    beside_thing: Said | None = None              # such a thing named beside the products the turn names ("same
                                                  # customer as for the cameras: can we send them spectrometers?")
    eu004_excluded: Said | None = None            # what Part 3 of EU004 excludes: demonstration, use, production,
                                                  # not_returned (modified, or back after more than 120 days)
    follow_up: Said | None = None                 # "and to India?"
    compared: Said | None = None                  # "is it different for a waterjet cutter?"
    several: Said | None = None                   # "can both go to Norway?": more than one item meant
    malformed_code: str | None = None             # "a 2B01 machine": written like a code, but no Annex I code
    pronoun: bool = False
    sub_item: str | None = None                   # a bare sub-item answer: "a.1", "it's the a.2 one"
    other_sub_item: Said | None = None            # another model named by its sub-item: "what about the a.2 version?"
    answer: str | None = None                     # yes | no | dont_know, for a short answer
    topics: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)   # lexicon topics found: (name, anchors)
    topic_spans: list[tuple[int, int]] = field(default_factory=list)          # where the topics' words are
    onward: Said | None = None                    # a place the customer will re-export to (not the destination)
    gea: Said | None = None                       # a general authorisation named ("under EU006")
    authorised: Said | None = None                # the year the original export authorisation was granted (EU003)
    ambiguous_place: str | None = None            # a name that could be two countries ("Korea"): to be asked
    unknown_place: str | None = None              # a fair's place not read as any country ("a fair in Zhukovsky")
    unread_place: str | None = None               # a name a place cue governs, not read ("and to Santiago?")
    misspelt: list[Said] = field(default_factory=list)   # words read as the name or word they misspell ("to
                                                  # Argentia", "exprot"): value the country or the word read
    figures: list = field(default_factory=list)   # law.figures.StatedFigure: numbers with units and their parameter
    flags: list = field(default_factory=list)     # law.figures.StatedFlag: yes/no facts release Notes turn on
    language: Language | None = None              # the turn's language (assistant/language.py), read once per turn

    @property
    def search_text(self) -> str:
        """The turn without the products it sets aside: what the item's entries are searched with."""
        return blanked(self.text, [(p.start, p.end) for p in self.set_aside])

    @property
    def codes(self) -> list[str]:
        """The codes named, the ones in the main clause first ("X (5A002.a.2) is 5D002.a.1 software": 5D002.a.1)."""
        return [p.code for p in sorted((p for p in self.products if p.code), key=lambda p: p.aside)]

    @property
    def names_product(self) -> bool:
        return bool(self.products)


@lru_cache(maxsize=1)
def _vocabulary_data() -> dict[str, dict[str, dict[str, list[str]]]]:
    """data/vocabulary.toml as group -> concept -> language -> phrases, without the scope checks' words (those are
    assistant/query.py's)."""
    data = tomllib.loads(VOCABULARY.read_text(encoding="utf-8"))
    data.pop("scope", None)
    return data


@lru_cache(maxsize=1)
def vocabulary() -> PhraseTable:
    """The phrases of data/vocabulary.toml in every language it has, by concept ("activity.brokering")."""
    return PhraseTable({f"{group}.{concept}": [p for ps in by_language.values() for p in ps]
                        for group, concepts in _vocabulary_data().items() for concept, by_language in concepts.items()})


@lru_cache(maxsize=None)
def _spelling(language: str | None):
    """What a misspelt word of the turn may be read as: the vocabulary words of the turn's language only ("fibre" is
    one letter off Italian "fiere", and is no fair)."""
    lang = language or "en"
    words = PhraseTable({concept: by_language.get(lang, []) for concepts in _vocabulary_data().values()
                         for concept, by_language in concepts.items()}).words
    return corrector(words, language)


def read_turn(text: str, language_hint: str | None = None, limit: int | None = None) -> Reading:
    """What one turn says. `language_hint`: the conversation's language so far, which a short turn ("und nach
    Indien?") keeps; `limit`: characters read (Settings.quoting.max_question; longer input is cut)."""
    text, truncated = clean(text) if limit is None else clean(text, limit)
    q = parse(text)
    q.truncated = truncated
    r = Reading(text, q, language=detect(text, hint=language_hint))
    language = r.language.code if r.language else None
    mentions = _products(text, language)
    r.products = [p for p in mentions if not _SET_ASIDE.search(text[:p.start])]
    r.set_aside = [p for p in mentions if p not in r.products]
    matches = vocabulary().find(text, _spelling(language))
    r.misspelt += [Said(m.read_as, m.words, m.start, m.end) for m in matches if m.corrected]
    # when words of several activities occur, the narrower wins: brokering or transit over technical assistance
    # ("my consultancy negotiates a deal" is brokering), any of them over a transfer
    r.activity = next((a for name in ACTIVITY_PRIORITY if (a := _first(matches, f"activity.{name}"))), None)
    if r.activity and r.activity.value == "technical_assistance" and _TRAVELS_WITH.search(text) and all(
            _TRAVEL.search(m.words) for m in matches if m.concept == "activity.technical_assistance"):
        r.activity = None      # "our engineer travels to India with his laptop": an item with its user, no service
    r.goods_sent = _first(matches, "activity.export")
    # a repair return, a fair or an intra-group transfer is more than the sale words beside it ("one we sold them that
    # came back for a hull repair", "came back from a customer for repair")
    r.purpose = _first(matches, "purpose", exclude=("purpose.sale",)) or _first(matches, "purpose") \
        or _sale_by_verb(matches)
    stays = _first(matches, "stays") or _sold_there(text)
    if stays is not None and (r.purpose is None or r.purpose.value == "exhibition"):
        r.purpose = Said("sale", stays.words, stays.start, stays.end)     # not a temporary export: a sale
    r.end_use = _first(matches, "end_use")
    m = _END_USER.search(text)
    r.end_user = Said(m.group("who"), m.group(0), m.start(), m.end()) if m else None
    r.reset = _first(matches, "cue.reset")
    r.also_item = _first(matches, "cue.also_item") or _added(text)
    r.related = _with_noun(_first(matches, "related"), text)     # value: software, technology or parts
    _read_owner(r)
    _foreign_part(r)
    r.eu004_excluded = _first(matches, "eu004") or _long_stay(text)
    r.follow_up = _first(matches, "cue.follow_up", at_start=text)
    r.compared = _first(matches, "cue.compare")
    r.several = _first(matches, "cue.several_items")
    r.malformed_code = next((m.group(0) for m in _CODE_LIKE.finditer(text) if normalize_code(m.group(0)) is None), None)
    answer = _first(matches, "answer", at_start=text)
    r.answer = answer.value if answer and len(text.split()) <= 6 else None
    r.pronoun = bool(_PRONOUN.search(text))
    m = _SUB_ITEM_ANSWER.match(text)
    if m and not r.products:
        r.sub_item = ".".join(re.findall(r"[a-z]|[0-9]{1,2}", m.group("path").lower()))
    m = None if r.sub_item or r.products else _OTHER_SUB_ITEM.search(text)
    if m:
        r.other_sub_item = Said(m.group("path").lower(), m.group(0), m.start(), m.end())
    topics = [(rec, start, end) for rec, _, start, end in lexicon().mentions(text, language)
              if rec.kind == "topic" and not rec.generic]
    r.topics = [(rec.say[0], rec.anchors) for rec, _, _ in topics]
    r.topic_spans = [(start, end) for _, start, end in topics]
    if q.geas:
        r.gea = Said(q.geas[0], q.geas[0])
    r.figures = [f for f in read_figures(text) if not any(p.start <= f.start < p.end for p in r.products if p.code)]
    r.flags = read_flags(text)
    m = _AUTHORISED.search(text)
    if m:
        r.authorised = Said(int(m.group("year")), m.group(0), m.start(), m.end())
    _read_places(r)
    if r.activity is None and not any(s is not None and in_eu_customs_territory(s.value) != (role == "origin")
                                      for role, s in (("destination", r.destination), ("origin", r.origin))):
        r.activity = _we_export(text)           # not to a Member State, not from a third country: an export
    m = _TWO_COUNTRIES.search(text)
    if m and not any(s.value.iso2 in ("KR", "KP") for _, s in r.places):
        r.ambiguous_place = m.group(0)
    m = _FAIR_PLACE.search(text)
    if m and not any(s.start < m.end(1) and m.start(1) < s.end for _, s in r.places):
        r.unknown_place = m.group(1)            # asked, so that the previous destination does not stand for it
    elif r.destination is None and r.transit_via is None and r.ambiguous_place is None:
        lang = r.language.code if r.language else None
        name = unread_place(text, lang)
        # "in der Kontrollliste", "für Spektrometer": a word of the texts or of the product lexicon (in English or
        # the question's language) is no place, nor the first word of a product read ("switch to IMSI catchers")
        r.unread_place = None if name and (CONTROL_VOCAB.search(name) or lexicon().find(name)
                                           or lexicon().find(name, lang) or _common_noun(name, lang)
                                           or any(p.words.startswith(name) for p in r.products)) else name
    r.description = _description(r.search_text, r)
    r.other_thing = _other_thing(text, r, matches) or _verb_object(text, r)
    if r.other_thing is None and r.products and not any(p.code or p.cas for p in r.products):
        beside = _other_thing(blanked(text, [(p.start, p.end) for p in r.products]), replace(r, products=[]), matches)
        # not a word of a product's own phrase ("VPN gateway", "a dedicated network encryptor")
        r.beside_thing = beside if beside and not any(
            not text[min(p.end, beside.end):max(p.start, beside.start)].strip() for p in r.products) else None
    return r


# "and for the spindles?", "is it the same for our gearboxes?", "und für unsere Vakuumpumpen?": the thing a follow-up
# asks about, after a determiner, at the end of the turn (English forms inside a sentence; in every language after a
# follow-up cue that opens the turn)
_DETERMINERS = (r"(?:the|our|my|their|these|those|some|your|unser\w*|die|der|den|das|dem|nos|notre|les|le|la|l'|"
                r"il|lo|gli|i|nostr[oaie]|nuestr[oa]s?|los|las|el|onze|ons|het|nasz\w*|"
                r"a|an|des|du|un|une|uno|una|unos|unas|een|eine?[nmrs]?)")      # indefinite ones too
# the thing ends its clause: the turn's end, or a comma, dash or full stop before more ("what about the spectrometer
# line, same destination?", "and the spindles - same customer")
_CLAUSE = r"(?:that|which|who|we|they|you|it|made|built|produced|designed|developed|manufactured|based)"
_THING = (rf"(?P<thing>[^\W\d_][\w-]*(?:\s+(?!aus\s*[?.!]*\s*$)(?!{_CLAUSE}\b)[^\W\d_][\w-]*){{0,3}})"
          r"(?:\s*[?.!]*\s*$|(?=[,;]\s|\s[-\u2013\u2014]\s|[.!?]\s+\S)"
          r"|(?=\s+(?:for|to|in|at|from|with|on)\s+(?:[\w'-]+\s+){0,3}[\w'-]+\s*[?.!]*\s*$)"   # "for the customer?"
          rf"|(?=\s+{_CLAUSE}\s+\w)"    # "the spectrometer that came back with it", "the valves we sell with them",
          # "a vaccine made from it": the thing, not its clause
          r"|(?=\s+aus\s*[?.!]*\s*$))")     # "wie sieht es bei X aus?": a German verb's particle, not the thing
_OTHER_THING = re.compile(r"\b(?:same(?:\s+question)?\s+for|same\s+appl(?:y|ies)\s+to|appl(?:y|ies)\s+to|what about|"
                          rf"how about|and for|and)\s+(?:the|our|my|their|these|those|some|your)\s+{_THING}", re.I)
# ... or without a determiner at the turn's start: "And hydraulic presses to the same customer?"
_INTERJECTION = r"(?:hmm+|hm|ah|oh|ok|okay|right|alright|well|so|i\s+see|got\s+it|thanks|thank\s+you|great|fine)"
_AND_THING = re.compile(rf"^\W*(?:{_INTERJECTION}\W+)?and\s+"
                        rf"(?!(?:to|for|in|into|if|what|how|then|also|now|so|the|yes|no|thanks|one|"
                        rf"another|a|an)\b){_THING}", re.I)
_AFTER_CUE = re.compile(rf"[\s,:;\u2013-]*(?:but\s+)?(?:(?:for|to|with|bei|für|pour|per|para|voor|dla)\s+)?"
                        r"(?:(?:exporting|shipping|selling|sending|supplying|delivering)\s+)?"   # "how about exporting X?"
                        rf"(?:(?:{_DETERMINERS}|de)\s+)*{_THING}", re.I)        # "what about pumps?" needs none
# where a question puts its product ("Are our torque sensors listed?", "the same for strain gauges?"), in English
_X = r"(?:(?:a|an|the|our|some|these|those|any|my|his|her|their|your)\s+)?(?P<thing>[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*){0,3}?)"
_Y = (r"(?:(?:unsere?[nmrs]?|die|der|den|das|des|nos|notre|les|le|la|l'|i|gli|le|il|lo|nostr[oaie]|los|las|el|"
      r"nuestr[oa]s?|onze|ons|het|de|nasz\w*)\s+)?(?P<thing>[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*){0,3}?)")
_PRODUCT_SLOTS = tuple(re.compile(p, re.I) for p in (
    rf"(?:^|[,;:.!?]\s+)\W*(?:is|are)\s+{_X}\s+(?:controlled|listed|covered|dual-use|restricted|subject to|caught|"
    rf"in annex|on the)\b",                                  # "Like the cameras, are spectrometers listed?"
    rf"^\W*(?:is|are)\s+{_X}\s+(?:also|too|still|likewise|equally|then|fine|ok|okay|alright|allowed|permitted|"
    rf"exportable|included|affected|concerned|a problem|an issue)\b",                 # "Are the firewalls also fine?"
    rf"^\W*(?:do|does|would|will|could|might)\s+{_X}\s+(?:need|require|fall|count|come)\b",
    rf"(?:^|[.!?]\s+)\W*(?:can|could|may|would|will)\s+{_X}\s+(?:be|go|travel)\b",   # "Thanks. Can X go ...?"
    rf"\b(?:can|could|may)\s+(?:we|i)\s+(?:also\s+)?(?:ship|send|export|sell|supply|deliver|take)\s+{_X}"
    rf"(?=\s+(?:to|there|as well|too|also|abroad|on|under|with|in)\b|\s*[?.!,]|\s*$)",
    rf"\b(?:same|true|different|differently|apply|applies)\s+(?:for|to|of)\s+{_X}"
    rf"(?:\s*[?.!]*\s*$|(?=\s+as\s+(?:for|with)\b))",       # "the same for spectrometers as for the cameras?"
    rf"^\W*how\s+(?:are|is|would|will|should|do|does)\s+{_X}\s+(?:be\s+)?(?:handled|treated|controlled|classified|"
    rf"regulated|dealt\s+with)\b",
    rf"\b(?:is|are)\s+{_X}\s+(?:treated|handled|classified|controlled|regulated)\b",   # "and is a X treated ...?"
    rf"^\W*(?:for|regarding|concerning|as for)\s+{_X}\s*,",
    rf"\b(?:wants?|needs?|orders?|ordered|asks? for|asked for|buys?|bought|asked about|asks? about|interested in|"
    rf"(?:would|'d|’d)\s+(?:also\s+)?like|"
    rf"looking for|inquired about|enquired about)\s+{_X}(?=\s*[?.!,]|\s+(?:too|as well|also)\b|\s*$)",
    # a correction or a change of subject in the six other languages: "Nein, ich meinte Spektrometer.", "Pardon, je
    # voulais dire des spectromètres.", "Diesmal geht es um Spektrometer."
    rf"\b(?:ich\s+meinte|ich\s+meine|wir\s+meinten|es\s+geht\s+(?:eigentlich\s+)?um|geht\s+es\s+(?:eigentlich\s+)?um|"
    rf"je\s+voulais\s+dire|je\s+veux\s+dire|je\s+parlais|il\s+s['’]agit|intendevo|volevo\s+dire|si\s+tratta\s+di|"
    rf"parlavo\s+di|quería\s+decir|quise\s+decir|me\s+refería\s+a|se\s+trata\s+de|ik\s+bedoelde|ik\s+bedoel|"
    rf"het\s+gaat\s+(?:eigenlijk\s+)?om|chodziło\s+(?:mi\s+)?o|chodzi\s+(?:mi\s+)?o|miał[ae]m\s+na\s+myśli)\s+"
    rf"(?:(?:de|des|du|de\s+la|dei|degli|delle|los|las)\s+|d['’])?{_Y}(?=\s*[?.!,;]|\s*$)",
    rf"^\W*(?:(?:now|ok|okay|so|and|also|next|then|well)\W+)*{_X}\s*[:,]\s",   # "Now, flow meters: ...", "Also X, ..."
    rf"\b(?:i|we)\s+(?:mean[t]?|need|want)\s+(?:to\s+(?:export|ship|send|sell)\s+)?{_X}"
    rf"(?=\s*[?.!,;]|\s*$|\s+(?:not|instead|to|for)\b)",                   # a correction: "I meant X", "I need X"
    rf"\bthe\s+(?:product|item)\s+(?:is|was)\s+(?:actually\s+|really\s+|in\s+fact\s+)?{_X}\s*[?.!]*\s*$",
    rf"\b(?:this\s+time|now)\s+(?:(?:it'?s|it\s+is|we\s+have)\s+)?{_X}"
    rf"(?=\s+(?:for|to|please|instead|too|as\s+well)\b|\s*[?.!,]|\s*$)",       # "this time it's X for Japan"
    rf"\b(?:check|verify|classify|assess|look\s+(?:at|up|into))\s+(?!(?:again|for|with|if|whether|that|this|it)\b){_X}"
    rf"(?=\s+(?:as\s+well|too|also|for|to|please)\b|\s*[?.!,]|\s*$)",        # "could you check X as well?"
    rf"^\W*{_X}\s+[-\u2013\u2014]\s+(?:same|what|any|is|are|does|do|can|could|also|too|ok)\b",  # "X - same answer?"
    # a sentence about a product of ours: "Never mind the cameras; our spectrometers are the real question."
    r"(?:^|[.;:!?]\s+)\W*our\s+(?P<thing>[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*){0,2}?)\s+are\b"
    r"(?= (?!(?:in|at|based|located|established|registered|from)\b)\w)",   # "our plants are in Germany": a place
    # ... or "the product is X, not Y": "Actually the product is a network switch, not a router."
    rf"\b(?:the\s+(?:product|item)|it)(?:'s|\u2019s|\s+is)\s+(?:actually\s+|really\s+|in\s+fact\s+)?{_X}"
    rf"(?=\s*,?\s+not\b)",
    rf"\b(?:there|here)(?:'s|\u2019s|\s+is|\s+are)\s+(?:also\s+)?{_X}"
    rf"(?=\s*[?.!,;]|\s*$|\s+(?:too|as well|to|for|in|inside|with|among)\b)",      # "... some X in the order"
    rf"\b(?:(?:ship|send|export|sell|deliver|suppl(?:y|ie))(?:s|ing|ed)?|takes?|took|carr(?:y|ies)|brings?)\s+"
    rf"(?:them\s+|him\s+|her\s+)?{_X}(?=\s+to\b|\s{{2,}}|\s*[?.!,]|\s+[-\u2013\u2014]\s)",   # a place blanked
    rf"\b(?:contains?|containing|includes?|including|comprises?)\s+{_X}\s*[?.!]*\s*$",  # "the order includes X"
    rf"\b(?:restrictions?|rules?|requirements?|controls?|limits?|guidance)\s+on\s+{_X}\s*[?.!]*\s*$",
    rf"(?:^|[.!?]\s+)\W*(?:then|next)\s+{_X}(?=\s+(?:for|to|please|too|as\s+well)\b|\s*[?.!,]|\s*$)",
    rf"\b(?:we|i)\s+(?:also\s+)?(?:have|make|sell|produce|offer|build|supply)\s+{_X}"
    rf"(?=\s+(?:for|to|too|as well|also)\b|\s*[?.!,]|\s*$)",
    # the same question in the six other languages: "Können wir auch Drehmomentsensoren liefern?"
    rf"\b(?:können|dürfen)\s+wir\s+(?:(?:ihm|ihr|ihnen|dem\s+kunden)\s+)?(?:auch\s+)?{_Y}\s+"
    rf"(?:liefern|exportieren|ausführen|verkaufen|versenden|schicken)\b",
    # "are X listed?" in the six other languages: "gli spettrometri sono controllati?", "¿los espectrómetros están
    # controlados?", "sind Spektrometer gelistet?"
    rf"\b(?:sind|ist)\s+{_Y}\s+(?:auch\s+)?(?:kontrolliert|gelistet|erfasst|genehmigungspflichtig)\b",
    rf"(?:^|[,;:.!?¿]\s*){_Y}\s+(?:sont|est|sono|è|están|está|son|es|zijn|is|są|jest)(?:-(?:ils|elles|il|elle))?\s+"
    rf"(?:(?:aussi|anche|también|ook|też|również)\s+)?(?:contrôlée?s?|listée?s?|soumise?s?|controllat[oiae]|"
    rf"elencat[oiae]|soggett[oiae]|controlad[oa]s?|listad[oa]s?|sujet[oa]s?|gecontroleerd|vermeld|"
    rf"kontrolowan\w*|objęt\w*)\b",
    rf"\b(?:pouvons-nous|peut-on)\s+(?:aussi\s+|également\s+)?(?:exporter|livrer|vendre|envoyer|expédier)\s+"
    rf"(?:aussi\s+|également\s+)?{_Y}"
    rf"(?=\s+(?:vers|en|au|aux|à)\b|\s*[?.!,]|\s*$)",
    rf"\b(?:possiamo|si possono)\s+(?:anche\s+)?(?:esportare|spedire|vendere|consegnare|inviare)\s+(?:anche\s+)?{_Y}"
    rf"(?=\s+(?:in|verso|a)\b|\s*[?.!,]|\s*$)",
    rf"\b(?:podemos|se pueden)\s+(?:también\s+)?(?:exportar|enviar|vender|suministrar)\s+(?:también\s+)?{_Y}"
    rf"(?=\s+(?:a|hacia|en)\b|\s*[?.!,]|\s*$)",
    rf"\b(?:kunnen|mogen)\s+(?:we|wij)\s+(?:ook\s+)?{_Y}\s+(?:exporteren|leveren|verkopen|versturen|verzenden)\b",
    rf"\b(?:możemy|można)\s+(?:też\s+|również\s+)?(?:eksportować|wysłać|sprzedać|dostarczyć|wyeksportować)\s+"
    rf"(?:też\s+|również\s+)?{_Y}"
    rf"(?=\s+(?:do|na|w)\b|\s*[?.!,]|\s*$)",
    # ... and in the six other languages: what a customer wants, what comes next, what a delivery contains, what is
    # to be exported or classified ("Der Kunde möchte auch Endoskope.", "Ensuite des chromatographes pour le même
    # client.", "Nuestro próximo envío contiene cascos.", "Wie werden Endoskope eingestuft?")
    rf"\b(?:möchte|möchten|will|wollen|braucht|brauchen|bestellt|bestellen|voudrait|veut|souhaite|commande|quiere|"
    rf"quieren|necesita|pide|vorrebbe|vuole|chiede|ordina|wil|willen|bestelt|vraagt|chce|potrzebuje|zamawia)\s+"
    rf"(?!(?:decir|dire|sagen|zeggen|powiedzieć|mówić)\b)"                      # "¿qué quieren decir?": they mean
    rf"(?:(?:auch|aussi|également|también|anche|ook|też|również|noch)\s+)?"
    rf"(?:(?:des|de|degli|delle|dei|del)\s+|d['’])?{_Y}\s*[?.!]*\s*$",
    rf"(?:^|[.!?]\s+)\W*(?:dann|danach|ensuite|puis|luego|después|poi|quindi|daarna|dan|potem|następnie)\s+"
    rf"(?:(?:des|de|degli|delle|dei)\s+|d['’])?{_Y}(?=\s+(?:für|pour|para|per|voor|dla)\b|\s*[?.!,]|\s*$)",
    rf"\b(?:enthält|enthalten|umfasst|contient|comprend|contiene|comprende|incluye|include|bevat|omvat|zawiera|"
    rf"obejmuje)\s+(?:(?:auch|aussi|también|anche|ook|też|również)\s+)?(?:(?:des|de|degli|delle|dei)\s+|d['’])?"
    rf"{_Y}\s*[?.!]*\s*$",
    rf"{_Y}\s+zu\s+(?:exportieren|liefern|verkaufen|versenden|verschicken)\b",
    rf"\b(?:d['’]exporter|exporter|de\s+vendre|exportar|vender|esportare|vendere|exporteren|verkopen|eksportować|"
    rf"sprzedawać)\s+(?:(?:aussi|también|anche|ook|też)\s+)?(?:(?:des|de|degli|delle|dei)\s+|d['’])?{_Y}"
    rf"\s*[?.!]*\s*$",
    rf"\b(?:wie\s+werden|wie\s+wird|comment\s+(?:classer|sont\s+classés?|classe-t-on)|cómo\s+se\s+clasifica\w*|"
    rf"come\s+si\s+classifica\w*|hoe\s+(?:worden|wordt)|jak\s+klasyfikuje\s+się)\s+"
    rf"(?:(?:des|de|d['’]|les|los|las|gli|le|i)\s+)?{_Y}(?=\s+(?:eingestuft|klassifiziert|ingedeeld|geclassificeerd)\b"
    rf"|\s*[?.!]*\s*$)",
    # a thing that ends the turn after a preposition, as "for X?" in English: "Brauche ich eine Genehmigung für
    # Endoskope?", "Y a-t-il des restrictions sur les endoscopes ?", "¿Hay restricciones para endoscopios?"
    rf"\b(?:für|bei|über|pour|sur|para|sobre|per|su|voor|over|bij|dla|na|w\s+przypadku)\s+"
    rf"(?:(?:des|de|degli|delle|dei)\s+|d['’])?{_Y.replace('{0,3}?', '{0,1}?')}\s*[?.!]*\s*$",   # two words at most: a
    # Dutch or German clause ends on its verb ("... voor tweeërlei gebruik overtreedt?")
    # the last, loosest places: a thing that ends the turn after "for", "with", "about", "of", a verb of sending or a
    # colon ("how does it look for spectrometers?", "is that also the case with X?", "if we sent X?", "in the same
    # shipment: X"), or after "if it is" ("and if it's a X?")
    # ("made of Monel" is the item's material)
    rf"(?:\b(?:for|with|about|(?<!made\s)(?<!built\s)(?<!composed\s)(?<!consists\s)(?<!consist\s)of|sent|send|ship|"
    rf"shipped|export|exported|replaced\s+it\s+with)|:)\s+{_X}\s*[?.!]*\s*$",
    rf"\bif\s+(?:it|the\s+(?:product|item))(?:'s|\s+(?:is|was|were))\s+{_X}\s*[?.!]*\s*$",
    # what a service is about: "our engineer trains Indian staff on our flow meters"
    rf"\b(?:train\w*|instruct\w*|teach\w*|course|courses|workshops?|support\w*|maintain\w*|servic\w*)\b"
    rf"[^.?!]{{0,60}}?\b(?:on|with)\s+{_X}\s*[?.!]*\s*$",
))
_REFERENCE = re.compile(r"\b(?:EU\s?-?00?[1-8]|annex|article|art|section|part|gea)\b", re.I)   # the texts, not a thing
# written like an Annex I code (category digit, letter A-E, digits), whether or not it is one: "2B01", "5A0022"
_CODE_LIKE = re.compile(r"(?<![\w.])[0-9][A-Ea-e][0-9]{1,5}(?:\.?[a-z0-9]{1,2})*(?![\w])")
# what names an attribute of the item rather than a thing ("Is the accuracy controlled?")
_ATTRIBUTE = re.compile(r"(?:accuracy|speed|power|resolution|range|frequency|rate|bandwidth|weight|size|temperature|"
                        r"performance|capacity|output|input|version|model|type|kind|specs?|specifications?|parameters?|"
                        r"features?|functions?|price|value|figures?|numbers?|data|design|axes|axis|licen[cs]e)", re.I)


_DESIGNATION = re.compile(r"[A-Z][A-Za-z]{0,4}-?\d{1,5}[A-Za-z]?")       # a model's name: "QX-9", "ZX-700", "M300"
_ANY_STOPWORDS = frozenset().union(*(stopwords(lang) for lang in ("de", "fr", "it", "es", "nl", "pl")))
_EN_STOPWORDS = stopwords("en")
# prepositions bm25s's short English list lacks: a phrase they open is no noun phrase
_EN_PREPOSITIONS = frozenset("from about over under via through within without between after before during since "
                             "until per than like near across along around behind beyond inside outside onto".split())


def _a_thing(phrase: str, whole_turn: bool = False, language: str | None = None) -> bool:
    """Can a phrase in a product's place name a thing? Not a pronoun, a courtesy, a verb, a word of the procedure, a
    party, an adverb, or an attribute of the item ("the positioning accuracy"). Its head decides (a "company laptop"
    is a laptop); a phrase that is the `whole_turn` must be a noun phrase throughout ("authorities stop the container"
    is a sentence). The stop words are those of the turn's `language` and English when it is known, else of every
    language (Spanish "sensores de par": "par" is French "by", not a Spanish word of grammar)."""
    words = phrase.split()
    grammar = (_ANY_STOPWORDS if language in (None, "en") else stopwords(language)) | _EN_STOPWORDS
    if words and (words[0].lower() in grammar | _EN_PREPOSITIONS or words[-1].lower() in grammar):
        return False          # "die Maschine auch", "(ship) from our warehouse": the phrase runs into the sentence
    if whole_turn and any(w.lower() in grammar or _NOT_A_PRODUCT.fullmatch(w) or re.fullmatch(_PARTY, w, re.I)
                          for w in words):
        return False
    if any(_DESIGNATION.fullmatch(w) and not _REFERENCE.search(w) for w in words):
        return True                                  # "model QX-9", "the ZX-700": a model's designation names one
    return bool(words) and not any(_NO_THING.fullmatch(w) or _SAYS_NOTHING.fullmatch(w)
                                   or w.lower().endswith("ly") for w in words) \
        and not (_NOT_A_PRODUCT.fullmatch(words[-1]) or re.fullmatch(_PARTY, words[-1], re.I)
                 or _ATTRIBUTE.fullmatch(words[-1])) \
        and canonical_parameter(phrase) is None          # the head decides: a "company laptop" is a laptop


# a turn that is only a noun phrase, after connectives and a count ("ok. 100 load cells?")
_BARE = re.compile(r"\W*(?:(?:and|so|ok|okay|also|then|well|but|now|moreover|furthermore|besides|next|finally|hmm+|ah|oh|"
                   r"und|et|e|y|en|a|i)\b\W*)*(?:\d+\s+)?"
                   rf"(?:(?:{_DETERMINERS}|de)\s+)?(?P<thing>[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*){{0,3}}?)"
                   r"(?:\s+(?:as\s+well|too|also|auch|aussi|anche|también|ook|też|również))?\W*",
                   re.I)                                   # "flow meters as well?", "Drehmomentschlüssel auch?"
# words of a short turn that is no thing: courtesies, answers, verbs and question words
_SAYS_NOTHING = re.compile(r"(?:thanks?|thank|sorry|apologies|oops|actually|correction|anyway|btw|great|good|fine|"
                           r"moreover|furthermore|however|besides|next|finally|lastly|meanwhile|otherwise|"
                           r"perfect|cool|nice|sure|really|understood|got|noted|"
                           r"hello|hi|hey|bye|please|yes|no|maybe|right|correct|wow|hmm|is|are|was|were|be|can|could|"
                           r"do|does|did|will|would|should|must|may|might|need|needs|has|have|had|not|any|some|every|"
                           r"listed|allowed|possible|needed|required|necessary|relevant|important|decisive|exempt|"
                           r"okay|ok|section|part|article|annex|"
                           r"note|category|chapter|danke|merci|grazie|gracias|dank|dzięki|bitte|prego|they|we|he|she|"
                           r"pardon|entschuldigung|désolée?|excusez-moi|scusi|scusa|perdón|perdone|disculpe|"
                           r"przepraszam|sorry|oeps|nein|non|nee|nie|no|"
                           r"i|go|goes|going|went|ship|ships|send|sends|export|exports|sell|sells|travel|travels|leave|"
                           r"leaves|arrive|arrives|stay|stays|come|comes|return|returns|work|works|help|see|mean|"
                           r"sie|wir|ils|elles|nous|loro|noi|ellos|nosotros|zij|wij|oni|my|such|similar|identical|"
                           r"same|more|other|another)", re.I)
# "and to a fab in Taiwan?": after a cue of place comes a place or a party, not a thing
_PLACE_CUE = re.compile(r"\b(?:to|in|into|nach|vers|au|en|verso|hacia|naar|do)$", re.I)
# what a follow-up can end on that names no thing: pronouns, times, question words ("what about now?")
# words that may end a noun phrase's span without belonging to it
_TRAILING = re.compile(r"(?:\s+(?:too|also|again|instead|as\s+well|there|here|now|then|today|anyway))+\s*$", re.I)
_NO_THING = re.compile(r"(?:it|its|them|that|this|these|those|him|her|us|me|you|our|my|your|their|his|one|ones|"
                       r"cela|ça|ceci|dies|dieses|esto|eso|ello|questo|quello|ciò|dit|dat|tego|tym|temu|"
                       r"former|latter|now|then|"
                       r"there|here|today|tomorrow|later|why|when|how|where|which|what|who|so|ok|okay|else|"
                       r"everything|anything|others?|rest|both|all|dual-use)", re.I)


# "we'd like to exhibit our new gearbox at a fair", "we will take our prototype rotor to a show": the thing a verb of
# sending or showing bears on, when no lexicon phrase reads it
_VERB_OBJECT = re.compile(r"\b(?:exhibit|show|display|demonstrate|present|take|bring|lend|ship|export|send|deliver|"
                          r"supply)\s+(?:our|my|the|a|an|this|that|these|those)\s+(?:new\s+)?"
                          r"(?P<thing>[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*){0,2}?)"
                          r"(?=\s+(?:to|at|in|for|from|via|on|and|abroad|there)\b|\s*[,.;:?!]|\s*$)", re.I)


def _verb_object(text: str, r: Reading) -> Said | None:
    if r.products or r.related or r.reset or r.also_item:
        return None
    m = _VERB_OBJECT.search(text)
    if m is None or _ITEM_ITSELF.fullmatch(_head(m.group("thing"))) or _NOT_A_PRODUCT.fullmatch(_head(m.group("thing"))) \
            or re.fullmatch(r"it|them|one|ones|samples?|prototype", m.group("thing"), re.I) \
            or re.search(r"\b(?:a|an|the)\b", m.group("thing"), re.I):
        return None
    thing = _TRAILING.sub("", m.group("thing"))
    return Said(thing, thing, m.start("thing"), m.start("thing") + len(thing))


def _head(phrase: str) -> str:
    """The head noun of a noun phrase: its last word before a preposition ("question about records": question;
    "lab equipment": equipment)."""
    before = re.split(r"\s+(?:about|of|for|from|in|with|to|on|at)\s+", phrase.strip(), maxsplit=1, flags=re.I)[0]
    words = before.split()
    return words[-1].strip(".,;:?!\"'()") if words else ""


# a person who travels with an item ("travels to China with her company laptop"), and the words that say only that
# someone travels ("our engineer travels"), which alone name no technical assistance
_TRAVELS_WITH = re.compile(r"\btravel\w*\b[^.?!]{0,40}?\bwith\s+(?:his|her|their|its|our|a|an|the)\s", re.I)
_TRAVEL = re.compile(r"\btravel", re.I)
_PLACE_LEAD = re.compile(r"(?:\b\w{1,5}\s+)?(?:(?:the|die|den|der|dem|das|les?|la|l'|il|lo|gli|el|los|las|het)\s+)?$",
                         re.I)


# words that leave a word for any item meaning the item discussed ("the same machine", "the whole system")
_ONLY_POINTING = frozenset("same other whole complete entire new old first second third last this that these those "
                           "the our their my your two three both single such demo demonstration display exhibition "
                           "spare replacement current previous latest standard basic".split())


def _itself(thing: str) -> bool:
    """A word for any item, alone or after words that only point ("the same unit"), is the item discussed; with words
    that say which kind ("industrial control systems", "lab equipment") it is a thing of that kind, which the case
    compares with the item's own words."""
    before = thing.split()[:-1] if _head(thing) == thing.split()[-1] else []
    return bool(_ITEM_ITSELF.fullmatch(_head(thing))) and all(w.lower() in _ONLY_POINTING for w in before)


# words that open a clause or a comparison, in no noun phrase: "Igual que las cámaras, ¿los espectrómetros ...?"
_SUBORDINATOR = re.compile(r"\b(?:que|qui|como|come|comme|wie|als|dass|daß|like|than|zoals|jak|niż|che|cuando|quand|"
                           r"quando|wenn|wanneer|kiedy|because|weil|parce|perché|porque|omdat|bo)\b", re.I)


# German and Dutch conjunctions that open a clause ending on its verb
_VERB_LAST = re.compile(r"\b(?:als|dass|daß|wenn|weil|ob|obwohl|omdat|wanneer|indien|zodat|terwijl)\b", re.I)


def _names_none(thing: str) -> bool:
    """A phrase in a product's place that is the item itself ("the machines"), a word of the procedure, a pronoun or
    a text of the law ("Could EU008 be used for smart meters?": EU008 is no thing, smart meters are)."""
    return bool(_itself(thing) or _NOT_A_PRODUCT.fullmatch(_head(thing))
                or _NO_THING.fullmatch(thing.split()[0]) or _REFERENCE.search(thing))


_CORRECTION_LEAD = re.compile(r"^(?:\W*(?:oops|sorry|no|wait|hmm+|ah|oh|ok|okay|actually|correction|my\s+(?:mistake|bad)|"
                              r"wrong\s+(?:product|item|one|thing|code)|let\s+me\s+rephrase|i\s+misspoke|"
                              r"scratch\s+that|never\s*mind)\b[^\w]*)+", re.I)


def _no_product_in(phrase: str, language: str) -> bool:
    """A short phrase in another language with a word whose first dictionary sense names no product ("Nächste Frage",
    "Question suivante": question), the item itself ("die Maschine"), a party ("denselben Kunden") or an attribute,
    as the English lists say of English words. Longer phrases are left alone: a word of the kind inside a product's
    name ("sistema de transporte") must not hide the product."""
    words = phrase.split()
    return language != "en" and len(words) <= 2 and any(
        (said := glossary().lookup(language, [w])) and (_NOT_A_PRODUCT.fullmatch(said[0]) or _ITEM_ITSELF.fullmatch(
            said[0]) or re.fullmatch(_PARTY, said[0], re.I) or _ATTRIBUTE.fullmatch(said[0])) for w in words)


def _other_thing(text: str, r: Reading, matches: list[Match]) -> Said | None:
    """The thing a follow-up names ("and for the spindles?", "are our torque sensors listed?", "Load cells?") when
    nothing else in the turn reads it: no product of the lexicon, no place, no party, no purpose, activity or topic
    words, and no word that names the item itself ("and the machines?"). Whether it is the current item or another
    one is the case's to decide."""
    if r.products or r.related or r.reset or r.unread_place or r.unknown_place or r.ambiguous_place:
        return None
    # "how about spindles to Japan?", "was ist mit Virenproben in die USA?": the place, its preposition and article
    # are no thing
    text = blanked(text, [(_PLACE_LEAD.search(text[:place.start]).start(), place.end) for _, place in r.places])
    language = r.language.code if r.language else "en"

    def a_thing(phrase: str, whole_turn: bool = False) -> bool:
        phrase = _TRAILING.sub("", phrase)
        return _a_thing(phrase, whole_turn, language) and not _no_product_in(phrase, language) \
            and not _names_none(phrase) and not _SUBORDINATOR.search(phrase) and not CONTROL_VOCAB.search(phrase)

    def candidates():                  # (match, offset of the text it was matched in, whole turn), likeliest first
        m = _OTHER_THING.search(text)  # a follow-up that ends on a thing
        if m is None and (bare := _AND_THING.match(text)) and a_thing(bare.group("thing")):
            m = bare
        if m is not None:
            yield m, 0
        # "what about pumps?", "same question, hydraulic presses", "gilt das auch für"; "Instead of the cameras, what
        # about spectrometers?": after each cue
        for cue in (c for c in (r.follow_up, r.compared) if c is not None and not _PLACE_CUE.search(c.words)):
            m = _AFTER_CUE.match(text[cue.end:])
            if m is not None and a_thing(m.group("thing")):
                yield m, cue.end
        # a correction opening the turn says nothing of the thing: "Oops, wrong product. Spectrometers."
        skip = lead.end() if (lead := _CORRECTION_LEAD.match(text)) else 0
        for slot in _PRODUCT_SLOTS:    # "Are our torque sensors listed?": a thing in the place a product takes
            m = slot.search(text[skip:])
            if m is not None and a_thing(m.group("thing")):
                yield m, skip
        m = _BARE.fullmatch(text[skip:]) if r.answer is None else None     # "Load cells?": only a thing
        if m is not None and a_thing(m.group("thing"), whole_turn=True):
            yield m, skip
        # ... or a last sentence that is only a thing: "The cameras are fine. And spectrometers?"
        last = re.search(r"[.!?;:]\s+(?=\S)(?!.*[.!?;:]\s+\S)", text)
        m = _BARE.fullmatch(text[last.end():]) if last and r.answer is None else None
        if m is not None and a_thing(m.group("thing"), whole_turn=True):
            yield m, last.end()

    for m, offset in candidates():
        thing = _TRAILING.sub("", m.group("thing"))      # "our oscilloscopes there", "the spindles too"
        if _names_none(thing):
            continue
        start = offset + m.start("thing")
        if language in ("de", "nl") and _VERB_LAST.search(re.split(r"[.!?;:]\s", text[:start])[-1]):
            continue      # a German or Dutch subordinate clause ends on its verb: "als een bedrijf ... overtreedt"
        end = start + len(thing)
        head = end - len(thing.split()[-1])
        if any(x.start < end and x.end > head for x in matches + r.set_aside):
            continue      # "and for the exhibition?": a purpose, not a product ("thermal weapon sights" are a product)
        if any(s < end and e > start for s, e in r.topic_spans):
            continue                                     # "and the penalties?": a topic of the texts, not a product
        return Said(thing, thing, start, end)
    return None


_OPENING_WORDS = r"\b(?:and|so|ok|okay|but|then|also|well|und|dann|et|puis|e|poi|y|luego|en|dan|a|i|potem)\b"


def _last_sentence(text: str) -> str:
    """What follows the last full stop, colon or question mark: a cue opens its sentence ("Moving on: what about
    X?")."""
    return re.split(r"[.:;!?](?:\s+|$)", text)[-1]


def _first(matches: list[Match], group: str, exclude: tuple[str, ...] = (), at_start: str | None = None) -> Said | None:
    """The first phrase of a concept group ("activity") found, as Said(value = the concept's last part)."""
    for m in matches:
        if (m.concept == group or m.concept.startswith(group + ".")) and m.concept not in exclude:
            if at_start is not None and re.sub(_OPENING_WORDS, "", _last_sentence(at_start[:m.start]),
                                               flags=re.I).strip(" \t,.;:!?¿¡\"'“‘(-"):
                continue
            return Said(m.concept.split(".", 1)[1], m.words, m.start, m.end)
    return None


# how long the item stays abroad: "for 8 months", "after half a year", "6 Monate" (not "granted 7 years ago")
_DURATION = re.compile(r"\b(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half an?)\s+"
                       r"(days?|weeks?|months?|years?|tage?n?|wochen|monate?n?|jahre?n?|jours?|semaines?|mois|ans?|"
                       r"giorni|settimane|mesi|anni|d[ií]as|semanas|meses|años|dagen|weken|maanden|jaar|dni|tygodni|"
                       r"miesi[ęą]c[ey]?|lat)\b(?!\s+ago)", re.I)
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "half a": 0.5, "half an": 0.5}
EU004_DAYS = 120             # EU004 Part 3(1): reimported within 120 days after the initial export


# "a fair in <Place>": the place of a fair, in capitals, after the fair word (seven languages)
_FAIR_PLACE = re.compile(r"(?i:\b(?:fair|trade show|show|exhibition|expo|airshow|messe|salon|fiera|feria|beurs|"
                         r"tentoonstelling|targi|targach)\s+(?:in|at|à|a|en|w|na|op|de)\s+(?:the\s+)?)"
                         r"(?!Annex|Article|Art\.|Part\b|Section|Category|EU00)"
                         r"([A-ZÀ-Ý][\w'’.-]+(?:\s+[A-ZÀ-Ý][\w'’.-]+){0,2})")


def _long_stay(text: str) -> Said | None:
    """A stay abroad longer than EU004 allows, as the turn states it."""
    for m in _DURATION.finditer(text):
        n = _NUMBER_WORDS.get(m.group(1).lower()) or (float(m.group(1)) if m.group(1).isdigit() else 0)
        unit = m.group(2).lower()
        days = n * (1 if unit.startswith(("day", "tag", "jour", "giorn", "dí", "di", "dag", "dn")) else
                    7 if unit.startswith(("week", "woch", "semai", "settim", "seman", "wek", "tyg")) else
                    365 if unit.startswith(("year", "jahr", "an", "ann", "año", "jaar", "lat")) else 30)
        if days > EU004_DAYS:
            return Said("not_returned", m.group(0), m.start(), m.end())
    return None


# "Also a coordinate grinder.", "Plus some tungsten inserts?", "and if we add the CNC controller?": one more item
_ADDED = re.compile(r"^\W*(?:and\s+|ok\W*\s+)?(?:also|plus)\s+(?=(?:a|an|some)\s)|"
                    r"\bwe\s+(?:also\s+)?(?:add|include)\s+(?=(?:a|an|the|some|our)\s)", re.I)


def _added(text: str) -> Said | None:
    m = _ADDED.search(text)
    return Said("also_item", m.group(0).strip(), m.start(), m.end()) if m else None


# "if we sell the demo unit at the fair", "a visitor buys the camera": the item shown is sold, it does not come back
_SOLD = re.compile(r"\b(?:sell|sells|selling|sold|buy|buys|buying|bought|purchase[sd]?)\s+"
                   r"(?:it|them|(?:the|this|that|our)\s+(?:demo|demonstration|exhibit|display|show|fair)?\s*\w+)\b", re.I)


def _sold_there(text: str) -> Said | None:
    m = _SOLD.search(text)
    return Said("abroad", m.group(0), m.start(), m.end()) if m else None


# "now we also want to export the machine to India": the user exports, whatever the conversation was about before
# (brokering, technical assistance); sending people is technical assistance, and selling may be brokering
_WE_EXPORT = re.compile(r"\b(?:we|can we|could we|may we)\s+(?:also\s+|now\s+|then\s+)?(?:(?:want|plan|intend|need|"
                        r"would like|'d like|are going)\s+to\s+|will\s+|'ll\s+)?(?:also\s+)?(?:export|ship|"
                        r"deliver)\b(?!\s+(?:an?\s+|our\s+|the\s+)?(?:engineers?|staff|technicians?|experts?|people|"
                        r"trainers?|team))", re.I)


def _we_export(text: str) -> Said | None:
    m = _WE_EXPORT.search(text)
    return Said("export", m.group(0), m.start(), m.end()) if m else None


def _sale_by_verb(matches: list[Match]) -> Said | None:
    """"What if we sell it there instead?": the verb of a sale, which the vocabulary reads as an export, also states
    the purpose, so that a fair or a repair return named before does not carry over to a sale."""
    m = next((m for m in matches if m.concept == "activity.export" and m.words.lower().startswith("sell")), None)
    return Said("sale", m.words, m.start, m.end) if m else None


# --- items ---------------------------------------------------------------------------------------------------------

CAS = re.compile(r"\b(?:CAS(?:\s*(?:No\.?|number|#|RN))?\s*:?\s*)?(\d{2,7}-\d{2}-\d)\b", re.I)


# a product named only to be set aside: "it's a thermal imager, not a machine tool", "forget the machine"
_SET_ASIDE = re.compile(r"\b(?:not|no longer|instead of|rather than|forget|drop|scratch|except|apart from|besides|unlike|"
                        r"never\s+mind|ignore|leave\s+aside|enough\s+about|"
                        r"in addition to|other than|along with|alongside|außer|neben|zusätzlich zu|en plus d[eu]|"
                        r"outre|oltre a\w*|además de\w*|aparte de\w*|naast|behalve|oprócz|poza)\s+"
                        r"(?:(?:a|an|the|our|my|that|this|those|these)\s+)?(?:[\w-]+\s+){0,1}$", re.I)


# a thing said to belong to a product: "the lathe's coolant pump" (a possessive), "the probe that goes with the lathe"
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])\s+(?P<thing>(?:(?!(?:is|are|was|were|be|a|an|the|for|to|in|on|and|or|of|"
                         r"with|under|from|by|at|as|into|over|per|than|relevant|important|needed|required|necessary|"
                         r"different|ok|okay|fine|legal|allowed|also|too|still|itself|controlled|listed|covered|subject|"
                         r"exempt|free|separate|separately|sold|made|used|updated|shipped|supplied|delivered|does|do|"
                         r"has|have|can|will|would|should|must|need|needs)\b)[a-z][\w-]*\s*){1,3})", re.I)
_GOES_WITH = re.compile(r"\b(?:the|our|a|an)\s+(?P<thing>(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)\s+(?:that|which)\s+"
                        r"(?:goes|go|comes|come|ships|ship|is\s+(?:sold|shipped|supplied|delivered)|are\s+(?:sold|"
                        r"shipped|supplied|delivered))\s+with\s+(?:the|our|this|that|these|those)\s+(?:[\w-]+\s+)?$",
                        re.I)
# ... or a component noun right after the product's word: "the camera housing", "the lathe spindle motor"; only
# nouns that cannot be the product's own form ("ADC chips", "laser modules", "FPGA boards" are the products)
_COMPONENT = re.compile(r"\s+(?P<thing>(?:spindle\s+)?(?:housings?|spindles?|motors?|lens(?:es)?|batter(?:y|ies)|"
                        r"power\s+suppl(?:y|ies)|firmware|cables?|covers?|mounts?|chassis|antennas?|probes?|"
                        r"accessor(?:y|ies)))\b", re.I)
# a possessive's head that names no part, beside what `_a_thing` refuses (attributes, papers, parties): "the lathe's
# precision", "the laser's datasheet"; as a modifier such a word leaves a part ("the lathe's precision spindle")
_NO_PART = frozenset("precision dimensions eccn name rating datasheet capability capabilities threshold limit market "
                     "sale sales order".split())


_TAKEN_OUT = re.compile(r"\b(?:strip\w*|remov\w*|take\w*\s+out|without|minus|drop\w*|exclud\w*|disabl\w*)\s+"
                        r"(?:(?:the|its|their|our|this|that)\s+)?$", re.I)


# a statement about the part, not a question about it: the item is described ("the routers' cases are aluminium")
_STATED_OF = re.compile(r"\s+(?:(?:is|are|was|were)(?!\s+(?:(?:also|only)\s+)?(?:sold|shipped|supplied|delivered|"
                        r"exported|sent|bought|ordered)\b)|has|have|uses?|contains?|weighs?|runs?|comes?)\b", re.I)

# ... unless the next sentence asks about it: "The router's power supply has 12 V output. Is it listed?" asks about
# the power supply, the subject of the statement ("Does that matter?" asks about the fact)
_ASKED_OF_IT = re.compile(r"[.!;:]\s+(?:(?:and|so|but)\s+)?(?:is|are|was|were|does|do|would|will|must|should)\s+"
                          r"(?:it|they)\b", re.I)


def _with_noun(related: Said | None, text: str) -> Said | None:
    """Parts named by a word that qualifies a noun ("a spare controller board") are that noun: the words run on to
    the longest noun phrase after them (up to three words), not "spare" alone."""
    if related is None or related.value != "parts":
        return related
    words = re.match(r"(?:\s+[^\W\d_][\w-]*){1,3}", text[related.end:])
    phrase = list(itertools.takewhile(lambda w: w.lower() not in _EN_STOPWORDS and not w.lower().endswith("ed"),
                                      words.group(0).split() if words else []))
    while phrase and not _a_thing(" ".join(phrase), whole_turn=True):
        phrase.pop()
    if not phrase:
        return related
    end = related.end + text[related.end:].index(phrase[-1]) + len(phrase[-1])
    return Said(related.value, text[related.start:end], related.start, end)


# ... or a thing "of" a product: "the spindle of the lathe", "the housing of the device" (English only: in the other
# languages the words for the product's properties are not known here, "le prix de la machine" is no part)
_A_THING_OF = r"\b(?:the|a|an|our|my|their|this|that)\s+(?P<thing>(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)\s+of\s+" \
              r"(?:(?:the|our|my|this|that|these|those|its|their)\s+)?"
_PART_OF = re.compile(rf"{_A_THING_OF}(?:[\w-]+\s+)?$", re.I)
_PART_OF_THE_ITEM = re.compile(rf"{_A_THING_OF}(?P<owner>machines?|devices?|systems?|units?|equipment|products?)\b",
                               re.I)
# words "of" a product that name no part of it: a share or an order of it, a text or a picture of it ("the first of
# the lathes", "a definition of machine tools")
_NOT_A_PART = frozenset("first second third last other others remaining rest most all both each either any none "
                        "half number lot lots batch definition description meaning explanation text wording list "
                        "copy picture photo image example type kind".split())


# ... and in five other languages, a thing followed by its owner in the genitive: "die Spindel der Maschine", "la
# broche de la machine", "il mandrino della macchina", "el husillo de la máquina", "de spindel van de machine" (Polish
# marks the genitive by the ending alone, which no pattern here reads)
_W = r"[^\W\d_][\w-]*"
_FOREIGN_PART_OF = {lang: re.compile(pattern, re.I) for lang, pattern in {
    "de": rf"\b(?:die|der|das|den|dem|ein|eine|einen|unser|unsere|unseren)\s+(?P<thing>{_W})\s+(?:der|des|dieser|"
          rf"dieses|unserer|unseres|vom|von\s+(?:der|dem|unserer|unserem))\s+(?P<owner>{_W})",
    "fr": rf"\b(?:le|la|les|un|une|notre|nos|l['’])\s*(?P<thing>{_W})\s+(?:de\s+la|du|des|de\s+(?:notre|nos|cette|"
          rf"ce|cet|ces)|de\s+l['’])\s*(?P<owner>{_W})",
    "it": rf"\b(?:il|lo|la|i|gli|le|un|una|uno|l['’])\s*(?:nostr[oaie]\s+)?(?P<thing>{_W})\s+(?:della|dello|del|dei|"
          rf"degli|delle|di\s+(?:questa|questo|quella|quello)|dell['’])\s*(?:nostr[oaie]\s+)?(?P<owner>{_W})",
    "es": rf"\b(?:el|la|los|las|un|una|nuestro|nuestra)\s+(?P<thing>{_W})\s+(?:de\s+la|del|de\s+los|de\s+las|"
          rf"de\s+(?:nuestra|nuestro|esta|este|esa|ese))\s+(?P<owner>{_W})",
    "nl": rf"\b(?:de|het|een|onze|ons)\s+(?P<thing>{_W})\s+van\s+(?:de|het|deze|dit|die|dat|onze|ons)\s+"
          rf"(?P<owner>{_W})",
}.items()}
# English words for any item, which a foreign owner's dictionary gloss may hold ("Gerät": apparatus, device)
_ANY_ITEM = frozenset("machine machinery device apparatus system unit equipment product installation instrument".split())


def _foreign_part(r: Reading) -> None:
    """A thing "of" an item in another language is a part of it, as "the spindle of the machine" is in English: the
    owner is a product the lexicon read or a word whose dictionary gloss is a word for any item. What the thing's
    gloss says is a property ("la précision de la machine": precisely) or a share stays with the item; a thing no
    dictionary knows is taken as a part, which asks for its classification rather than answering for the item."""
    language = r.language.code if r.language else "en"
    pattern = _FOREIGN_PART_OF.get(language)
    m = pattern.search(r.text) if pattern else None
    if m is None or r.related is not None or not _a_thing(m.group("thing")):
        return
    owner = next((p for p in r.products if p.start == m.start("owner")), None)
    if owner is None and (r.products or not set(" ".join(glossary().lookup(language, [m.group("owner")])).split())
                          & _ANY_ITEM):
        return
    glossed = " ".join(glossary().lookup(language, [m.group("thing")])).split()
    if any(_ATTRIBUTE.fullmatch(w) or _SAYS_NOTHING.fullmatch(w) or w.lower() in _NO_PART | _NOT_A_PART
           or w.lower().endswith("ly") for w in glossed):
        return
    r.owner = owner or ProductMention(m.group("owner"), m.start("owner"), m.end("owner"))
    r.products = [x for x in r.products if x is not owner]
    r.set_aside += [owner] if owner else []
    r.related = Said("parts", m.group("thing"), m.start("thing"), m.end("thing"))


def _read_owner(r: Reading) -> None:
    """A product named as the owner of a thing ("the lathe's coolant pump", "the measuring probe that goes with the
    lathe") is not what is asked about: it is set aside, and the thing is the item's part (`related`), unless the
    thing is one of the product's properties ("the lathe's accuracy")."""
    for p in r.products:
        if _TAKEN_OUT.search(r.text[:p.start]):
            continue                                   # "strip the cryptanalysis module out": the item, less a part
        m = _POSSESSIVE.match(r.text, p.end) or (None if p.code or r.related else _COMPONENT.match(r.text, p.end))
        if m:
            thing = (m.group("thing").strip(), m.start("thing"), m.start("thing") + len(m.group("thing").strip()))
        elif (m := _GOES_WITH.search(r.text[:p.start]) or (None if r.related else _PART_OF.search(r.text[:p.start]))):
            thing = (m.group("thing"), m.start("thing"), m.end("thing"))
        else:
            continue
        if _STATED_OF.match(r.text, thing[2]) and not _ASKED_OF_IT.search(r.text, thing[2]):
            continue                                   # "the camera's lens is made of germanium": said of the item
        head = thing[0].split()[-1].lower()
        if not _COMPONENT.match(" " + thing[0]) and (not _a_thing(thing[0]) or head in _NO_PART | _NOT_A_PART):
            return                                     # "the laser's output power": a property, asked of the item
        r.owner = p
        r.products = [x for x in r.products if x is not p]
        r.set_aside.append(p)
        if r.related is None:
            r.related = Said("parts", *thing)
        return
    m = None if r.products or r.related else _PART_OF_THE_ITEM.search(r.text)
    if m and _a_thing(m.group("thing")) and m.group("thing").split()[-1].lower() not in _NO_PART | _NOT_A_PART:
        # "the housing of the device": the item named by a word for any item
        r.owner = ProductMention(m.group("owner"), m.start("owner"), m.end("owner"))
        r.related = Said("parts", m.group("thing"), m.start("thing"), m.end("thing"))


def blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each (start, end) span replaced by spaces, so that every other position still holds."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def narrowed(r: Reading, keep: list[ProductMention]) -> Reading:
    """The reading of a turn about some of the products it names: the others are set aside ("same customer as for the
    machine tool: can we send them a vibration test system?" is about the vibration test system)."""
    out = replace(r, products=keep, set_aside=r.set_aside + [p for p in r.products if p not in keep])
    out.description = _description(out.search_text, out)
    return out


def _products(text: str, language: str | None = None) -> list[ProductMention]:
    """Codes first (exact), CAS numbers, then the lexicon's product words not inside a code mention, in order; in
    `language` (the turn's), the lexicon also matches that language's phrases on word stems."""
    out: list[ProductMention] = []
    for m in CODE.finditer(text):
        code = normalize_code(m.group(0))
        if code:
            aside = bool(re.search(r"\(\s*(?:[\w-]+\s+){0,2}$", text[:m.start()]))
            out.append(ProductMention(m.group(0), m.start(), m.end(), code=code, aside=aside))
    for m in CAS.finditer(text):
        out.append(ProductMention(m.group(0), m.start(), m.end(), cas=m.group(1)))
    for rec, phrase, start, end in lexicon().mentions(text, language):
        if rec.kind == "term" and not any(p.start <= start < p.end for p in out):
            out.append(ProductMention(text[start:end], start, end, entries=rec.entries))
    return sorted(out, key=lambda p: p.start)


_OWNER = r"(?:a|an|our|my|the|some|their|these|those|her|his|its|your)"      # what opens a product's noun phrase


def _common_noun(name: str, language: str | None) -> bool:
    """A name the language's dictionary translates only into lower-case English words is a thing, no place
    ("für Spektrometer" -> spectrometer; "für Santiago" -> Santiago, "nach Genf" -> Geneva stay places)."""
    if language in (None, "en"):
        return False
    said = gloss_of(name, language)
    return bool(said.found) and not said.unknown and all(
        t[:1].islower() for _, translations in said.found for t in translations)


def _description(text: str, r: Reading) -> Said | None:
    """The product as the user describes it in this turn: the words around the first product mention, back to its
    determiner ("a 10 Gbit/s network encryptor") and on to the word that ends the phrase ("... to Brazil"); without a
    mention, the phrase after a new-item cue or a verb of trade ("we also sell X", "what about our X")."""
    if r.products:
        start, end = r.products[0].start, r.products[0].end
        m = re.search(rf"\b{_OWNER}\s+((?:(?!{_OWNER}\s)\S+\s+){{0,4}})$", text[:start], re.I)    # the nearest
        if m and not any(_PHRASE_END.match(w) or w.lower() == "of" or w.lower() in _ANY_STOPWORDS
                         for w in m.group(1).split()):
            start = m.start(1)
        elif r.products[0].code:         # "Kameras 6A003 nach Japan?": the words a code opens the turn with
            lead = re.search(r"(?:^|[.!?:;]\s+)((?:[^\W\d_][\w-]*\s+){1,3})$", text[:start])
            if lead and not _QUESTION_START.match(lead.group(1)) \
                    and not any(_PHRASE_END.match(w) or _SUBJECT.match(w) for w in lead.group(1).split()):
                start = lead.start(1)
    else:
        cue = r.also_item or r.reset
        verb = _TRADE_VERB.search(text)
        if cue is None and verb is None:
            return _described_first(text, r)
        start = end = cue.end if cue is not None else verb.end()
        end = start = end + len(re.match(r"[\s:;,.!?-]*", text[end:]).group())    # "Unrelated: ..."
        frame = _QUESTION_FRAME.match(text, end)     # "another question: can our pressure transmitters go ..."
        if frame and cue is not None:
            start = end = frame.end()
    stop = end
    for n, w in enumerate(re.finditer(r"\S+", text[end:])):
        if n >= 6 or _PHRASE_END.match(w.group().strip(".,;:?!\"'()")):
            break
        stop = end + w.end()
        if re.search(r"[.,;:?!]$", w.group()):
            break
    words = re.sub(r"^(?:(?:now|then|also)\b\s*[:,-]?\s*)?(?:(?:a|an|the|our|some)\s+)?", "",
                   _TRAILING.sub("", text[start:stop].strip(" .,;:?!-")), flags=re.I)     # "... cameras instead?"
    if not r.products and (_NOT_A_PRODUCT.fullmatch(_head(words))
                           or cue is None and _ITEM_ITSELF.fullmatch(_head(words))):
        return None      # "we also have a subsidiary in India", "... a licence from 2019", "can we ship the goods"
    return Said(words, words, start, start + len(words)) if len(words) >= 2 else None


_QUESTION_START = re.compile(r"^\W*(?:do|does|did|can|could|may|might|must|shall|should|will|would|is|are|was|were|"
                             r"what|which|who|whom|whose|when|where|why|how|please|hello|hi|thanks?)\b", re.I)
_ASKS_STATUS = re.compile(r"\b(?:listed|controlled|dual[- ]use|licen[cs]e|authori[sz]ation|classif\w*|annex i|"
                          r"export control\w*|fall under)\b", re.I)


def _described_first(text: str, r: Reading) -> Said | None:
    """A product described first and asked about after ("10-bit ADC at 1 GSPS, single channel. Is it listed?",
    "Cotton T-shirts for a retailer in Morocco - any dual-use licence?"): the opening sentence (or the words before a
    dash) is the item's description when it states figures, or when what follows it is a short question about control
    status ("Listed?", "Dual-use?", "Do we need a licence?"); a place in it ends the description at the words that
    lead to the place (", for a retailer in"). A long question after a statement is a question about the texts, not
    about an item, and an opening that names the law ("Annex IV items") or an activity is not a product."""
    parts = re.split(r"(?<=[.?!:])\s+|\s+[-–—]\s+", text.strip(), maxsplit=1)
    first = parts[0].rstrip(" .?!:")
    rest = parts[1] if len(parts) > 1 else ""
    if len(first) < 3 or _QUESTION_START.match(first) or parts[0].endswith("?"):
        return None
    figures = any(f.parameter for f in r.figures)
    short_status = bool(rest) and len(rest.split()) <= 8 and _ASKS_STATUS.search(rest) and "?" in rest
    if not (figures or short_status):
        return None
    place = next((p.start for _, p in r.places if p.start < len(first)), None)
    if place is not None:
        if figures or r.activity is not None or _NAMES_LAW.search(first):
            return None
        comma = first.rfind(",", 0, place)
        lead = _TO_PLACE.search(first, comma + 1, place)
        if lead is None:
            return None
        first = first[:comma if comma >= 0 and not first[comma + 1:lead.start()].strip() else lead.start()]
    words = re.sub(r"^(?:(?:pasted|from our \w+(?: \w+)?)[^:]*:\s*['\"‘“]?)", "", first, flags=re.I).strip(" '\"‘“")
    return Said(words, words, text.find(words), text.find(words) + len(words)) if len(words) >= 3 else None


# the word that leads from a product to where it goes: "for (a retailer in)", "to", "in"
_TO_PLACE = re.compile(r"\s(?:for|to|into|towards|in|from|via|destined)\b", re.I)
_NAMES_LAW = re.compile(r"\b(?:annex|article|art\.|regulation|authori[sz]ation|licen[cs]e|EU00\d|GEA|export|"
                        r"ship\w*|transfer\w*|broker\w*|transit)\b", re.I)


# --- places --------------------------------------------------------------------------------------------------------

# who or what a place qualifies, read from the words around it
_PARTY = (r"(?:subsidiar\w*|sister compan\w*|customers?|clients?|buyers?|purchasers?|visitors?|end[- ]?users?|users?|"
          r"consignees?|distributors?|partners?|importers?|resellers?|dealers?|integrators?|operators?|owners?|"
          r"university|universities|institutes?|lab\w*|hospitals?|agency|agencies|ministry|army|police|navy|"
          r"government|authorit\w*|company|companies|firms?|trading company|group|airlines?|shipyards?)")
# words that name the item itself ("and the machines?"), not another product
_ITEM_ITSELF = re.compile(r"\b(?:same|other|one|ones|items?|products?|units?|goods|shipments?|orders?|consignments?|"
                          r"prototypes?|samples?|specimens?|"
                          r"deliver(?:y|ies)|versions?|models?|variants?|equipment|machines?|devices?|systems?|things?|"
                          r"stuff|rest|maschine\w*|gerät\w*|produkt\w*|artikel|ware\w*|produits?|appareils?|"
                          r"macchin\w*|prodott\w*|apparecch\w*|máquinas?|productos?|equipos?|aparatos?|producten|"
                          r"apparaten|maszyn\w*|urządze\w*|towar\w*)\b", re.I)
# words of the procedure, the places and the parties: no product at all ("we also have a licence", "the conditions")
_NOT_A_PRODUCT = re.compile(rf"\b(?:lists?|uses?|usage|resale|basis|pallets?|crates?|packaging|installation|"
                            r"commissioning|maintenance|training|services?|support|"
                            r"conditions?|requirements?|registration|declarations?|notifications?|documents?|certificates?|statements?|forms?|"
                            r"paperwork|deadlines?|licen[cs]es?|authori[sz]ations?|permits?|rules?|procedures?|fees?|"
                            r"costs?|prices?|destinations?|countr(?:y|ies)|places?|times?|years?|months?|weeks?|days?|"
                            r"answers?|questions?|cases?|end[- ]?uses?|problems?|issues?|concerns?|risks?|options?|"
                            r"purposes?|activit(?:y|ies)|routes?|origins?|sanctions?|classifications?|status|codes?|"
                            r"entr(?:y|ies)|notes?|outcomes?|quantit(?:y|ies)|values?|amounts?|volumes?|dates?|timing|"
                            r"transport|shipping|logistics|insurance|payments?|invoices?|contracts?|details|info|"
                            r"information|steps|process|reasons?|exporters?|brokers?|brokering|transit|engineers?|"
                            r"staff|technicians?|experts?|people|teams?|employees?|trainers?|personnel|quotes?|offers?|"
                            r"suppliers?|manufacturers?|vendors?|sellers?|producers?|forwarders?|carriers?|banks?|"
                            r"lawyers?|consultants?|agents?|"
                            r"e-?mails?|messages?|letters?|renewals?|uses?|usages?|demos?|help|advice|support|"
                            r"research|development|testing|tests?|evaluation|maintenance|production|manufacturing|"
                            r"packaging|labell?ing|storage|calibration|commissioning|repairs?|servicing|installations?|"
                            r"training|consulting|integration|"
                            r"kunde\w*|käufer\w*|clientes?|klant\w*|"
                            r"klient\w*|odbiorc\w*|genehmigung\w*|bedingung\w*|licenza|licencia|vergunning\w*|"
                            r"pozwoleni\w*|condizioni|condiciones|voorwaarden|warunk\w*|"
                            r"shipments?|deliver(?:y|ies)|consignments?|lieferung\w*|sendung\w*|livraisons?|envois?|"
                            r"spedizion[ei]|consegne|env[ií]os?|entregas?|leveringen|zendingen|dostaw\w*|"
                            rf"{_PARTY})\b", re.I)
_MADE = re.compile(r"^\s*-?\s*(?:made|built|manufactured|produced|origin)\b", re.I)
# people of a country who receive a service ("train Indian staff"): a party there, unless they are ours ("our Indian
# engineers travel to Canada")
_PEOPLE_AFTER = re.compile(r"^\s*(?:[\w-]+\s+)?(?:staff|employees?|engineers?|technicians?|personnel|workers?|"
                           r"students?|researchers?|scientists?|trainees?|nationals?|experts?|specialists?)\b", re.I)
_PARTY_AFTER = re.compile(rf"^\s*(?:[\w-]+\s+){{0,2}}{_PARTY}\b", re.I)
_PARTY_BEFORE = re.compile(rf"\b{_PARTY}\s+(?:(?:based|located|established|headquartered)\s+)?in\s+(?:the\s+)?$", re.I)
_LOCATED = re.compile(r"\b(?:warehouse|stored|located|sit|sits|sitting|stock|held|lying|lie|lies|kept|stockpiled)"
                      r"\s+(?:\w+\s+){0,2}in\s+(?:the\s+)?$", re.I)
_COMES_BACK = re.compile(r"\b(?:back to|comes? back to|returns? to|returned to|re-?import\w*\s+(?:in)?to|"
                         r"brought back to)\s+(?:the\s+)?$", re.I)
_TRANSIT_BEFORE = re.compile(r"\b(?:calls?|calling|stops?|stopping|stopover|put in|lands?|landing)\s+(?:over\s+)?(?:at|in)"
                             r"\s+(?:the\s+port\s+of\s+)?$|\b(?:temporary storage|storage|transhipped|trans-?shipped|"
                             r"reloaded|unloaded)\s+(?:\w+\s+){0,2}(?:at|in)\s+(?:the\s+)?$", re.I)
_THEY_SHIP = re.compile(r"\b(?:that|which|who|they)\s+(?:will|would|then|plans? to|intends? to)?\s*"
                        r"(?:ship|send|export|re-?export|sell|deliver|forward|resell)\w*\b[^.?!]{0,40}\bto\s+(?:the\s+)?$",
                        re.I)


# a site the goods leave from: "from our lab in France", "from our Spanish plant"
_FACILITY = r"(?:plants?|factor(?:y|ies)|warehouses?|sites?|facilit(?:y|ies)|depots?|lab\w*|premises|stock)"
_FROM_FACILITY = re.compile(rf"\bfrom\s+(?:our|the|a|an|their)\s+(?:[\w-]+\s+)?{_FACILITY}\s+in\s+(?:the\s+)?$", re.I)
_FACILITY_AFTER = re.compile(rf"^\s*{_FACILITY}\b", re.I)


def _role(text: str, p, eu: bool, r: Reading) -> str:
    """The role of one place mention: read from what it qualifies ("our Indian subsidiary", "Korean chips", "a
    warehouse in Singapore", "a customer in Vietnam"), then from the word that governs it ("from", "to", "via")."""
    before, after = text[max(0, p.start - 60):p.start], text[p.end:p.end + 40]
    if _MADE.match(after):
        return "origin"                               # "US-made", "Chinese-made": where the goods come from
    if _TRANSIT_BEFORE.search(before):
        return "transit"                              # "calls at Hamburg", "temporary storage in Antwerp"
    if _FROM_FACILITY.search(before) or p.kind == "demonym" and _FACILITY_AFTER.match(after) \
            and re.search(r"\bfrom\s+(?:our|the|a|an|their)\s+$", before, re.I):
        return "origin"                               # "from our lab in France", "from our Spanish plant"
    if p.kind == "demonym":
        if _PARTY_AFTER.match(after):                 # "our Indian subsidiary", "a Dutch trading company"
            if not eu or re.search(r"\b(?:to|for|with)\s+(?:a|an|our|the|their)\s+$", before, re.I):
                return "destination"                  # "we ship 5A002 to our French subsidiary"
            return "exporter"
        if _PEOPLE_AFTER.match(after) and not re.search(r"\b(?:our|my)\s+$", before, re.I):
            return "exporter" if eu else "destination"   # "train Indian staff": the service goes to India
        return "exporter" if eu else "origin"         # "Korean chips": goods of that country
    if _ONWARD.search(before) or _THEY_SHIP.search(before):
        return "onward"                               # where the customer will send them next
    if _COMES_BACK.search(before):                    # "it comes back to Germany afterwards": not a destination;
        return "return" if eu else "destination"     # "the repaired camera goes back to India": where it goes
    if eu and (_EXPORTER.search(before) or re.search(r"\b(?:our|we have a|a)\s+(?:company|firm|office|plant|"
                                                     r"factory|warehouse)?\s*in\s+(?:the\s+)?$", before, re.I)):
        return "exporter"
    if _PARTY_BEFORE.search(before):
        return "destination"                          # "a customer in Vietnam", "our subsidiary in India"
    if _LOCATED.search(before):
        return "origin"                               # "sitting in a warehouse in Singapore": where the goods are
    if p.cue in ("origin", "destination", "transit"):
        return p.cue
    if p.cue == "location" and eu and any(k == "destination" for k, _ in r.places):
        return "location"                             # "... to Iran, our plant is in Germany"
    return "unmarked"


def _read_places(r: Reading) -> None:
    """Each place gets a role (`_role`), then origin, destination, transit place, onward destination and where the
    exporter is established are chosen from them (`_assign_roles`)."""
    text = r.text
    # a turn read as another language takes that language's cue words (and English): Spanish "sensores de par a
    # Noruega" has no French "par" (via) in it; a turn read as English may still be a short foreign one
    language = r.language.code if r.language and r.language.code != "en" else None
    for p in find_places(text, language):
        eu = in_eu_customs_territory(p.country)
        said = Said(p.country, text[p.start:p.end].rstrip(".,;:"), p.start, p.end, p.region)
        r.places.append((_role(text, p, eu, r), said))
        if p.kind == "misspelt":
            r.misspelt.append(said)
    _assign_roles(r)


def _assign_roles(r: Reading) -> None:
    marked = {role: said for role, said in reversed(r.places) if role in ("origin", "destination", "transit", "onward")}
    # several destinations named: a third country one is where the item goes ("from Germany to the Netherlands" is a
    # transfer only when nothing outside the Union is named as the destination)
    r.origin, r.destination, r.transit_via = marked.get("origin"), marked.get("destination"), marked.get("transit")
    r.onward = marked.get("onward")
    for role, said in r.places:
        if role == "exporter" and r.exporter_state is None:
            r.exporter_state = said
    unmarked = [s for role, s in r.places if role in ("unmarked", "location")]
    for said in unmarked:
        eu = in_eu_customs_territory(said.value)
        if r.destination is None and not eu:
            r.destination = said
        elif r.origin is None and eu and said is not r.destination:
            r.origin = said
        elif r.destination is None:
            r.destination = said
    if r.origin is not None and r.exporter_state is None and in_eu_customs_territory(r.origin.value):
        r.exporter_state = r.origin
