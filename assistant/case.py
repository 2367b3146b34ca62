"""The case: the facts of the user's situation, built up turn by turn, each fact with the turn and the words it came
from. Items (what is exported, with its code, description and stated figures), the activity, the purpose, origin,
destination, transit place, end use and who the exporter is.

A turn updates the case by declared rules (TURN_RULES for the item, SITUATION_RULES for the rest), each named, so the
answer's trace can say which fired. Rule 3 of docs/ARCHITECTURE.md holds here: facts belong to their item, and an
earlier item is history, never the subject of a new question about another product."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from law.codes import entry_of, related, within
from law.countries import Country, get_country, in_eu_customs_territory
from law.figures import StatedFigure

from .gloss import stopwords
from .lexicon import COMPOUNDS
from .understand import ProductMention, Reading, Said, blanked, narrowed, read_turn


@dataclass
class Fact:
    value: Any
    words: str
    turn: int
    region: str | None = None         # a place in a region with its own sanctions status ("crimea")

    @classmethod
    def said(cls, s: Said, turn: int) -> "Fact":
        return cls(s.value, s.words, turn, s.region)

    def to_dict(self) -> dict:
        v = self.value
        value = {"name": v.name, "iso2": v.iso2} if isinstance(v, Country) else v
        return {"value": value, "words": self.words, "turn": self.turn, **({"region": self.region} if self.region else {})}

    @classmethod
    def from_dict(cls, d: dict | None) -> "Fact | None":
        if not d:
            return None
        v = d.get("value")
        if isinstance(v, dict) and "iso2" in v:
            v = get_country(v["iso2"])
        return cls(v, d.get("words", ""), int(d.get("turn", 0)), d.get("region"))


@dataclass
class Item:
    id: int
    turn: int                                          # the turn that opened it
    description: Fact | None = None
    code: Fact | None = None                           # an Annex I code the user gave (canonical)
    entries: Fact | None = None                        # entries the product words point to (a lead, not a finding)
    figures: list[Fact] = field(default_factory=list)  # stated technical parameters with units
    flags: dict[str, Fact] = field(default_factory=dict)   # yes/no facts release Notes turn on
    part_of: Fact | None = None                        # {"kind": "software", "of": ["2B001"]}: another item's

    @property
    def label(self) -> str:
        if self.code and self.description and self.code.value not in self.description.value:
            return f"{self.code.value} ({self.description.value})"
        if self.code:
            return self.code.value
        return self.description.value if self.description else f"item {self.id}"

    def to_dict(self) -> dict:
        return {"id": self.id, "turn": self.turn,
                "description": self.description.to_dict() if self.description else None,
                "code": self.code.to_dict() if self.code else None,
                "entries": self.entries.to_dict() if self.entries else None,
                "figures": [f.to_dict() for f in self.figures],
                "facts": {k: f.to_dict() for k, f in self.flags.items()},
                **({"part_of": self.part_of.to_dict()} if self.part_of else {})}

    @classmethod
    def from_dict(cls, d: dict) -> "Item":
        entries = Fact.from_dict(d.get("entries"))
        if entries is not None:
            entries.value = tuple(entries.value)
        return cls(d["id"], d.get("turn", 0), Fact.from_dict(d.get("description")), Fact.from_dict(d.get("code")),
                   entries, [Fact.from_dict(f) for f in d.get("figures", [])],
                   {k: Fact.from_dict(f) for k, f in (d.get("facts") or {}).items()}, Fact.from_dict(d.get("part_of")))

    def stated_figures(self) -> list[StatedFigure]:
        """The item's figures as the classifier reads them (a later figure of a parameter replaces an earlier one)."""
        out: dict = {}
        for f in self.figures:
            v = dict(f.value)
            v["flags"] = tuple(v.get("flags") or ())
            figure = StatedFigure(**v)
            out[figure.parameter or f"#{len(out)}"] = figure
        return list(out.values())

    def stated_flags(self) -> dict[str, bool]:
        """The yes/no facts stated for the item (a "don't know" is left out: unknown)."""
        return {name: f.value for name, f in self.flags.items() if isinstance(f.value, bool)}


SITUATION = ("activity", "purpose", "origin", "destination", "transit_via", "onward", "end_use", "exporter_state",
             "gea", "authorised", "eu004_excluded")


@dataclass
class Case:
    items: list[Item] = field(default_factory=list)
    current: int | None = None                         # id of the item the question is about
    activity: Fact | None = None                       # export | brokering | transit | technical_assistance | transfer
    purpose: Fact | None = None                        # sale | repair | exhibition | intra_group (None: a sale)
    origin: Fact | None = None
    destination: Fact | None = None
    transit_via: Fact | None = None
    onward: Fact | None = None                         # where the customer will re-export to
    end_use: Fact | None = None
    exporter_state: Fact | None = None
    gea: Fact | None = None                            # a general authorisation the user named
    authorised: Fact | None = None                     # the year the original export authorisation was granted
    eu004_excluded: Fact | None = None                 # what EU004 Part 3 excludes (a private demonstration, ...)
    turns: int = 0
    rules: list[str] = field(default_factory=list)     # the rules that fired on the last turn
    ask: str | None = None                             # what must be asked before answering ("which item")
    language: str = "en"
    pending: list[dict] = field(default_factory=list)  # the questions the last answer asked (parameter, unit)

    @property
    def item(self) -> Item | None:
        return next((i for i in self.items if i.id == self.current), None)

    @property
    def purpose_value(self) -> str:
        return self.purpose.value if self.purpose else "sale"

    @property
    def activity_value(self) -> str | None:
        return self.activity.value if self.activity else None

    def to_dict(self) -> dict:
        out = {"items": [i.to_dict() for i in self.items], "current_item": self.current}
        for name in SITUATION:
            f = getattr(self, name)
            out[name] = f.to_dict() if f else None
        out.update({"turns": self.turns, "rules": list(self.rules), "ask": self.ask, "language": self.language,
                    "pending": list(self.pending)})
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "Case":
        case = cls([Item.from_dict(i) for i in d.get("items", [])], d.get("current_item"))
        for name in SITUATION:
            setattr(case, name, Fact.from_dict(d.get(name)))
        case.turns, case.rules, case.ask = d.get("turns", 0), list(d.get("rules", [])), d.get("ask")
        case.language = d.get("language", "en")
        case.pending = [q for q in d.get("pending") or [] if isinstance(q, dict)]
        return case


# --- turn update rules -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    name: str
    says: str                                          # the rule in words (README table, trace)
    when: Callable[[Case, Reading], bool]
    then: Callable[[Case, Reading], None]


def _new_item(case: Case, r: Reading) -> None:
    item = Item(max((i.id for i in case.items), default=0) + 1, case.turns)
    _describe(item, r, case.turns)
    case.items.append(item)
    case.current = item.id


def _describe(item: Item, r: Reading, turn: int) -> None:
    """What this turn says of the item: its code (the one in the main clause), its CAS number, its product words,
    its description."""
    code = next((p for p in sorted(r.products, key=lambda p: p.aside) if p.code), None)
    if code is not None:
        item.code = Fact(code.code, code.words, turn)
    cas = next((p for p in r.products if p.cas), None)
    if cas is not None:
        item.flags["cas"] = Fact(cas.cas, cas.words, turn)
    named = next((p for p in r.products if p.entries), None)
    if named is not None:
        item.entries = Fact(named.entries, named.words, turn)
    if r.description is not None and (item.description is None or r.names_product or r.also_item or r.reset):
        item.description = Fact.said(r.description, turn)


def _entries_pointed(item: Item) -> set[str]:
    """The entries an item points to: its code's entry and the entries its product words point to."""
    return set(item.entries.value if item.entries else ()) | ({entry_of(item.code.value)} if item.code else set())


def _same_kind(item: Item, p: ProductMention) -> bool:
    """Does a product mention name the item's kind: the entries it points to, in the lexicon's order, are those the
    item's own words point to ("lathe" and "machine tool": 2B001, 2B201; "RF amplifiers": 3A001 alone, an ADC: 3A001,
    3A002, 3A101)?"""
    return bool(item.entries) and not p.code and tuple(p.entries) == tuple(item.entries.value)


def _points_to(item: Item, p: ProductMention) -> bool:
    """Does one product mention point where an item points (its CAS number; its code's entry, its entries)?"""
    if p.cas:
        return "cas" in item.flags and item.flags["cas"].value == p.cas
    return bool(_entries_pointed(item) & ({entry_of(p.code)} if p.code else set(p.entries)))


def _beside_current(case: Case, r: Reading) -> list[ProductMention]:
    """The products a turn names beside the current item, when it names the current item too ("thanks for the machine
    tool answer; now our infrared cameras"): the turn is about them. [] otherwise."""
    if case.item is None:
        return []
    others = [p for p in r.products if not _points_to(case.item, p)]
    mine = [p for p in r.products if p not in others]
    # "what if the lathe is for a nuclear plant?": where the item is used, not another product
    others = [p for p in others if not _USED_AT.search(r.text[:p.start])]
    if not others or not mine or any(_one_phrase(r.text, a, b) for a in mine for b in others):
        return []
    return others


_USED_AT = re.compile(r"\b(?:is|are|was|were|be|goes|go|going|used|use|intended|destined|meant|installed)\s+"
                      r"(?:for|in|at|by|to)(?:\s+use\s+(?:in|at|by))?\s+(?:(?:a|an|the|their|its|our)\s+)?$", re.I)


def _one_phrase(text: str, a: ProductMention, b: ProductMention) -> bool:
    """Two mentions in one noun phrase ("a 5-axis waterjet cutter"): at most a word between them, no punctuation."""
    gap = text[min(a.end, b.end):max(a.start, b.start)]
    return not re.search(r"[,;:.!?()]", gap) and len(gap.split()) <= 1


def _groups(r: Reading) -> list[list[ProductMention]]:
    """The products a turn names, the mentions of one noun phrase together ("5A002.a.2 routers")."""
    groups: list[list[ProductMention]] = []
    for p in r.products:
        if groups and not r.text[groups[-1][-1].end:p.start].strip(" -"):
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


# what joins the products of a list: "X and Y", "X, Y", "X or Y", in the seven languages; a noun before a code
# ("et des routeurs 5A002") only after a comma or a conjunction ("the router is 5A002.a.3" lists nothing)
_LIST_JOIN = re.compile(r"^\s*(?P<comma>,)?\s*(?:(?P<conjunction>and|or|as well as|plus|&|und|oder|sowie|et|ou|e|o|"
                        r"y|en|i|oraz|lub)\s+)?"
                        r"(?:(?:the|our|a|an|some|die|der|den|das|unsere?\w*|des|les|le|la|nos|i|gli|il|lo|"
                        r"nostr[oaie]|los|las|el|unos|unas|nuestr[oa]s|de|het|een|onze|nasz\w*)\s+)?"
                        r"(?P<noun>[^\W\d_][\w-]*\s+)?$", re.I)


def _a_list(r: Reading, groups: list[list[ProductMention]]) -> bool:
    """Are these products listed side by side ("thermal cameras and 5A002.a.2 routers"): joined by "and", "or" or a
    comma, none in brackets, each pointing to other entries than its neighbour?"""
    # a group's code decides where it points ("2B002 grinders"), else its product words
    entries = [{entry_of(p.code) for p in g if p.code} or {e for p in g for e in p.entries} for g in groups]
    return len(groups) >= 2 and not any(p.aside for g in groups for p in g) and all(
        (m := _LIST_JOIN.match(r.text[a[-1].end:b[0].start]))
        and (not m["noun"] or b[0].code and (m["comma"] or m["conjunction"])) and ea and eb
        and not ea & eb for a, b, ea, eb in zip(groups, groups[1:], entries, entries[1:]))


def _listed_products(r: Reading) -> list[list[ProductMention]]:
    """The products a turn lists (`_a_list`): each is classified and routed on its own. [] otherwise."""
    groups = _groups(r)
    return groups if _a_list(r, groups) else []


def _one_of(r: Reading, group: list[ProductMention]) -> Reading:
    """The reading of a turn about one of the products it lists, described by that product's own words."""
    out = narrowed(r, group)
    start, end = group[0].start, group[-1].end
    out.description = Said(r.text[start:end], r.text[start:end], start, end)
    return out


def _several_items(case: Case, r: Reading) -> None:
    for group in _listed_products(r):
        _new_item(case, _one_of(r, group))
    case.ask = "item"


def _asked_among_listed(r: Reading) -> tuple[list[list[ProductMention]], list[ProductMention]] | None:
    """A turn that lists products and then asks about one of them by its words ("We sell thermal cameras and 5A002.a.2
    routers. Can the routers go to Brazil?"): (the products listed beside it, the one asked about); None otherwise."""
    groups = _groups(r)
    if len(groups) < 3 or not _a_list(r, groups[:-1]) or not _DEFINITE.search(r.text[:groups[-1][0].start]):
        return None
    said = _words_of(" ".join(p.words for p in groups[-1]), shortest=3)
    named = [g for g in groups[:-1] if said & _words_of(" ".join(p.words for p in g), shortest=3)]
    if len(named) != 1:
        return None
    return [g for g in groups[:-1] if g is not named[0]], named[0] + groups[-1]


def _same_product(case: Case, r: Reading, item: Item | None = None) -> bool:
    """Do this turn's product words point where an item (the current one by default) already points (its code's
    entry, its entries)?"""
    item = item or case.item
    if item is None:
        return False
    cas = {p.cas for p in r.products if p.cas}
    if cas:                                            # chemicals: the CAS number is the identity
        return "cas" in item.flags and item.flags["cas"].value in cas
    mine = _entries_pointed(item)
    theirs = {entry_of(p.code) for p in r.products if p.code} | {e for p in r.products for e in p.entries}
    if mine & theirs:
        return True
    # the item's own words, where the lexicon points them elsewhere: "the router source code" after 5A002.a.2 VPN
    # routers ("router" points to 5A001)
    said = _words_of(" ".join(p.words for p in r.products if not p.code and not p.cas), shortest=3)
    return bool(said) and not any(p.code for p in r.products) and said <= _own_words(item)


# a turn that says more of the item discussed: its subject is the item ("it is", "they are", "the router has")
_DESCRIBES_ITEM = re.compile(r"^\W*(?:(?:yes|no|ok|okay|well|so)\W+)?(?:it|they|this|these|that|those|its|their|"
                             r"the\s+(?:item|device|product|unit|machine|system|equipment|router|one)s?)"
                             r"(?:'s|'re|\s+(?:is|are|has|have|uses?|does|do|can|works?|runs?|was|were|would|will|"
                             r"supports?|offers?|includes?|contains?|performs?|comes?|reaches?))\b", re.I)
# a turn that corrects what was said of the item ("sorry, I meant 5A002.a.1")
_CORRECTION = re.compile(r"\b(?:actually|sorry|correction|i meant|we meant|i mean|my mistake|my bad|wrong code|"
                         r"in fact|typo)\b", re.I)
# a product introduced as a new one: "now a dedicated network encryptor", "is a QKD system different?"
_ARTICLE = (r"(?:a|an|another|ein|eine[nmrs]?|noch\s+eine[nmrs]?|un|une|uno|una|unos|unas|un'|een|nog\s+een|"
            r"autre|altr[oa]|otr[oa]|andere[nmrs]?|ander)")       # the six languages' indefinite articles
# ... with the article on the product itself ("a definition of machine tools" introduces no machine tool): no
# preposition between the article and the product
_PREPOSITION = (r"of|for|about|with|on|in|to|from|von|für|mit|de|du|des|di|per|para|con|van|voor|met")
_A_NEW_ONE = re.compile(rf"\b{_ARTICLE}\s+(?:(?!(?:{_PREPOSITION})\b)[\w/.-]+\s+){{0,3}}$", re.I)
# another product of the kind discussed, named as such: "the second laser we sell", "another pump", "ein weiterer
# Laser" (no preposition between: "another licence for lasers" names no other laser)
_OTHER_OF_KIND = re.compile(
    r"\b(?:another|(?:a|our|the|my|their)\s+(?:second|third|fourth|other|next)|ein(?:e[nmrs]?)?\s+(?:zweite|dritte|"
    r"weitere|andere)[nmrs]?|unser(?:e[nmrs]?)?\s+(?:zweite|andere)[nmrs]?|une?\s+(?:autre|deuxième|second)e?|"
    r"notre\s+(?:autre|deuxième|second)e?|un\s+altro|un'altra|un\s+secondo|una\s+seconda|otr[oa]|un\s+segundo|"
    r"una\s+segunda|een\s+(?:andere|tweede)|onze\s+(?:andere|tweede)|nog\s+een|inn[yaeą]|drug[iaeą])\s+"
    rf"(?:(?!(?:{_PREPOSITION}|dla|na|do)\b)[\w/.-]+\s+){{0,2}}$", re.I)
# a turn that points back at the item ("the routers have IPsec; they also ..."): without such a word, product words
# sharing nothing with a coded item's description name another product ("An employee takes her company laptop")
_DEFINITE = re.compile(r"\bthe\s+(?:[\w/.-]+\s+){0,2}$", re.I)      # "strip the cryptanalysis module out": known
# ("same" alone asks whether the answer is the same: "Our satellite modems with encryption, same?")
_REFERS_TO_ITEM = re.compile(r"\b(?:it|its|it's|they|them|their|they're|this|these|those|latter|same\s+(?:one|ones|"
                             r"model|models|item|items|product|products|unit|units|device|devices|version))\b", re.I)
_ASKS_ABOUT = re.compile(r"^\W*(?:and|what about|how about|same for|also|plus|now|next|then|und|auch|jetzt|et|"
                         r"aussi|e|anche|y|también|en|ook|a|też|także)\b", re.I)


def _other_words(case: Case, r: Reading) -> bool:
    """Do the turn's product words (no code, no CAS number) share no word with the current item's description?"""
    item = case.item
    if item is None or item.description is None or r.codes or any(p.cas for p in r.products):
        return False
    if r.follow_up is None and r.compared is None and not _ASKS_ABOUT.match(r.text) \
            and (_DESCRIBES_ITEM.match(r.text) or _REFERS_TO_ITEM.search(r.text)
                 or not r.set_aside and any(_DEFINITE.search(r.text[:p.start]) and _same_kind(item, p)
                                            for p in r.products)):
        return False      # "It's an HF radio ...", "They are switching modules", "the lathe" after a machine tool:
        # the item; but "Not the lathe, the grinding machine" names another product than the one set aside, and "the
        # RF amplifiers" after an ADC are another kind (both under 3A001)
    if item.code is not None and not _DESCRIBES_ITEM.match(r.text) and _A_NEW_ONE.search(r.text[:r.products[0].start]):
        return True             # "and a grinding machine?" after a 2B001 lathe: a new one, whatever words it shares
    said = _words_of(" ".join(p.words for p in r.products), shortest=3)      # "VPN" is a product word
    own = _words_of(item.description.value, shortest=3)
    # a coded item asked beside another kind of the same word ("what about high-speed cameras?" after 6A003 thermal
    # cameras): words that say which kind, none of the item's, name another product, which is classified, not
    # granted the item's authorisation
    return bool(said) and (not said & own or item.code is not None and bool(said - own - _POINTING))


_POINTING = frozenset("new old same other whole complete entire all both two three more some such latest current "
                       "previous spare demo".split())      # words that say which unit, not which kind
_ORDINAL = re.compile(r"\b(?:the\s+)?(?P<which>first|second|third|previous|earlier|other|former)(?:\s+"
                      r"(?:one|product|item|thing)\b|(?<=former)\b)", re.I)
_NOT_NAMES = frozenset("what about with from into also same that this there their they them then than what when "
                       "where which would could should export ship send sell need needs licence license customer "
                       "country destination".split())


def _stems(text: str, shortest: int = 4) -> set[str]:
    """The words of a text, lower-cased, a plural "s" dropped, the shortest ones left out."""
    return {w.lower().rstrip("s") for w in re.findall(rf"[^\W\d_]{{{shortest},}}", text)}


def _words_of(text: str, shortest: int = 4) -> set[str]:
    """The stems that can name an item: verbs, pronouns and words of the case left out."""
    return _stems(text, shortest) - _NOT_NAMES


def _own_words(item: Item) -> set[str]:
    """The words an item was described with, its code left out ("1C350 thiodiglycol": thiodiglycol)."""
    words = _words_of(item.description.value, shortest=3) if item.description else set()
    return words - {item.code.value.lower()} if item.code else words


def _earlier_item(case: Case, r: Reading) -> Item | None:
    """The earlier item (not the current one) a turn goes back to: by its order ("the first product", "the other
    one"), by product words that point where it points ("and the machine tool to India?"), or by a word of its own
    description that no other item has ("can the samples go to Norway?" after a lathe)."""
    if case.item is None or len(case.items) < 2 or r.codes or r.also_item or r.reset or r.related:
        return None
    others = [i for i in case.items if i.id != case.current]
    m = _ORDINAL.search(r.text)
    if m:
        which = m.group("which").lower()
        ordered = {"first": 0, "second": 1, "third": 2}
        if which in ordered:
            found = case.items[ordered[which]] if ordered[which] < len(case.items) else None
            return found if found is not None and found.id != case.current else None
        return others[-1] if len(others) == 1 or which in ("previous", "earlier", "former") else None
    if r.products:
        said = _words_of(" ".join(p.words for p in r.products), shortest=3)
        if _same_product(case, r):
            # "and the cameras?" after thermal cameras, then goggles of a neighbouring entry: the item whose own
            # words the turn repeats, when the current one's are not among them
            if not said or case.item.description is None or said & _words_of(case.item.description.value, 3):
                return None
            back = [i for i in others if i.description and said & _words_of(i.description.value, 3)
                    and _same_product(case, r, i)]
            return back[-1] if back else None
        # an earlier item of the same entry, or named by its own words (`_same_product`: "and the routers to
        # Argentina?" after 5A002.a.2 VPN routers, then chips), unless the turn names another product of it ("what
        # about potassium cyanide?" after thiodiglycol, both 1C350, is not the thiodiglycol)
        back = [i for i in others
                if _same_product(case, r, i) and not (said and _own_words(i) and not said & _own_words(i))]
        return back[-1] if back else None
    # "und die Kameras nach Indien?": the place names no item
    text = blanked(r.text, [(place.start, place.end) for _, place in r.places])
    said = _words_of(text) - stopwords(case.language or "en")
    mine = _words_of(case.item.description.value if case.item.description else "")
    if _named_in(said, mine, case.language):
        return None                                  # the turn names the current item too
    back = [i for i in others if i.description
            and _named_in(said, _words_of(i.description.value), case.language) - mine]
    return back[-1] if len(back) == 1 else None


def _named_in(said: set[str], words: set[str], language: str | None) -> set[str]:
    """The words of `said` that name one of `words`: the same word, or in German and Dutch, which write compounds as
    one word, its last part ("Kameras" after "Wärmebildkameras")."""
    if language not in COMPOUNDS:
        return said & words
    return {w for w in said if any(d == w or (len(w) >= 4 and d.endswith(w)) for d in words)}


def _back_to_earlier(case: Case, r: Reading) -> None:
    case.current = _earlier_item(case, r).id


def _code_refines(case: Case, r: Reading) -> bool:
    """A code of the item's entry that lies within its code or around it (5A002 -> 5A002.a.1), or any code of that
    entry the turn gives as the item's own ("actually it is 5A002.a.1"); a sibling asked about ("and a 5A002.a.1
    one?" after a 5A002.a.2 router) is another product."""
    item = case.item
    return bool(item and item.code and r.codes and entry_of(r.codes[0]) == entry_of(item.code.value)
                and r.also_item is None
                and (related(r.codes[0], item.code.value) or _DESCRIBES_ITEM.match(r.text) is not None
                     or _CORRECTION.search(r.text) is not None))


def _related_to_its_code(case: Case, r: Reading) -> bool:
    """The related words come before every code of the turn, each the current item's own ("the control software
    for our 2B001 lathes"; "5D002 software for the 5A002 routers" names its own code and is a new code)."""
    item = case.item
    coded = [p for p in r.products if p.code]
    return bool(r.related and item and item.code and coded and r.also_item is None
                and all(p.start >= r.related.end and p.code == item.code.value for p in coded))


def _refine_code(case: Case, r: Reading) -> None:
    item = case.item
    code = next(p for p in sorted(r.products, key=lambda p: p.aside) if p.code)
    item.code = Fact(code.code, code.words, case.turns)


def _sub_item_answer(case: Case, r: Reading) -> bool:
    item = case.item
    return bool(r.sub_item and item and item.code and not r.products)


def _apply_sub_item(case: Case, r: Reading) -> None:
    item = case.item
    base = item.code.value
    candidate = f"{entry_of(base)}.{r.sub_item}"
    if not within(candidate, base):
        candidate = f"{base}.{r.sub_item}"
    item.code = Fact(candidate, r.text, case.turns)


def _other_sub_item(case: Case, r: Reading) -> bool:
    item = case.item
    return bool(r.other_sub_item and item and item.code
                and f"{entry_of(item.code.value)}.{r.other_sub_item.value}" != item.code.value)


def _new_sub_item(case: Case, r: Reading) -> None:
    """"What about the a.2 version?" after a 5A002.a.1 item: another model, a new item with that sub-item of the
    entry as its code."""
    old = case.item
    _new_item(case, r)
    code = f"{entry_of(old.code.value)}.{r.other_sub_item.value}"
    case.item.code = Fact(code, r.other_sub_item.words, case.turns)
    if old.description is not None:
        case.item.description = Fact(f"{old.description.value} ({r.other_sub_item.words})", r.other_sub_item.words,
                                     case.turns)


def _related_item(case: Case, r: Reading) -> None:
    """"And its source code?": the software, technology or parts of the current item are another item, in another
    entry (5D002 for 5A002 equipment): described by the words and the item they belong to (the latest item with a
    code: "and the technology for it?" after its source code is the equipment's), with no code."""
    old = next((i for i in reversed(case.items) if i.code), case.item)
    _new_item(case, r)
    case.item.code = None                       # "the software for the 2B001 machines" is not itself 2B001
    case.item.entries = None                    # the lathe's entries are not its software's
    parents = ([old.code.value] if old.code else list(old.entries.value) if old.entries else
               old.part_of.value["of"] if old.part_of else [])
    case.item.part_of = Fact({"kind": r.related.value, "of": parents}, r.related.words, case.turns)
    words = f"{r.related.words} for {old.label}"
    case.item.description = Fact(words, r.related.words, case.turns)


def _belongs_to_named(case: Case, r: Reading) -> bool:
    """"The control software for that lathe", "machine tool spare parts": every product named is the current item,
    after the related words or right before them ("Can the cameras travel with the machine manuals?" is about the
    cameras)."""
    return all(p.start >= r.related.end or not r.text[p.end:r.related.start].strip() for p in r.products) \
        and _same_product(case, r)


# more units of the item discussed: "2 more of those", "another three of them", "more of the same"
_MORE_OF_IT = re.compile(r"\bmore\s+of\s+(?:those|these|them|it|the\s+same)\b|\b(?:another|\d+|two|three|four|five|"
                         r"ten)\s+(?:more\s+)?of\s+(?:those|these|them)\b", re.I)


def _another_thing(case: Case, r: Reading, thing: Said | None = None) -> bool:
    """Is the thing a follow-up names ("and the spindles?") named by a head noun that is none of the current item's
    own words ("gas chromatographs" after "gas centrifuges": a word in common is not the same thing)? Not in a
    turn that asks for more of the item ("2 more of those for their plant in Mexico")."""
    thing = thing or r.other_thing
    if thing is None or case.item is None or _MORE_OF_IT.search(r.text):
        return False
    item = case.item
    own = " ".join(filter(None, [item.label, item.description.value if item.description else "",
                                 " ".join(item.entries.value) if item.entries else ""]))
    head = _stems(thing.value.split()[-1], shortest=1) if thing.value.split() else set()
    return bool(head) and not head & _stems(own, shortest=1)


def _beside_the_item(case: Case, r: Reading) -> bool:
    """Does the turn name the current item only beside a thing no lexicon phrase reads, whose head noun is none of
    the item's words ("Same customer as for the cameras: can we send them spectrometers?", "The cameras are fine.
    What about spectrometers?")? The thing is then what the turn asks about, the item words are set aside."""
    return r.beside_thing is not None and case.item is not None and not r.codes \
        and all(_points_to(case.item, p) for p in r.products) and _another_thing(case, r, r.beside_thing)


def _new_thing(case: Case, r: Reading) -> None:
    _new_item(case, r)
    if r.other_thing is not None:
        case.item.description = Fact.said(r.other_thing, case.turns)


# another model of the kind discussed, told by its figures: "a 14-bit one", "the 5-axis version with 1.5 µm", "our
# second ADC has 10 bits" (not "the same model")
_ANOTHER_MODEL = re.compile(r"\b(?:(?:a|an|the|our|another|other|second|third|next|new|bigger|smaller|larger)\s+"
                            r"(?:[\w.-]+\s+){0,2}(?:one|ones|version|versions|model|models|variant|variants|type|types)"
                            r"|(?:our|the)\s+(?:second|other|next|new)\s+[\w-]+)\b", re.I)


_SAME_MODEL = re.compile(r"\bsame\s+(?:one|model|version|type)\b", re.I)
# ... or told by a word that sets it apart, without figures: "the cheaper model for home users", "another variant";
# not the unit shown at a fair ("the demo model"), nor a version of the law ("the latest version", "the consolidated
# version of Annex I", "the 2021 version")
_OTHER_MODEL = re.compile(r"\b(?:another|other|second|third|next|(?:a|an|the|our)\s+(?!\d)(?P<word>[a-z][\w-]*))\s+"
                          r"(?P<noun>version|model|variant|edition)s?\b(?!\s+of\b)", re.I)
_NOT_ANOTHER_MODEL = frozenset("same demo demonstration display exhibition show sample test".split())
_LAW_VERSION = frozenset("latest current previous earlier old older new newest amended consolidated official english "
                         "final updated".split())
_THE_LAW = re.compile(r"\b(?:annex|regulation|list|text|wording|law|amendment|update|consolidated)\b", re.I)


def _other_model(text: str) -> bool:
    """Does the turn name another model of the item's kind by a word that sets it apart (see _OTHER_MODEL)?"""
    if _THE_LAW.search(text):
        return False
    for m in _OTHER_MODEL.finditer(text):
        word, noun = (m.group("word") or "").lower(), m.group("noun").lower()
        if word not in _NOT_ANOTHER_MODEL and not (noun in ("version", "edition") and word in _LAW_VERSION):
            return True
    return False


_MODEL_NOUN = re.compile(r"\b(?:version|model|variant|edition)s?\W*$", re.I)


def _model_only(r: Reading) -> bool:
    """Does the turn describe its product by a model word alone ("we also have a lite variant"), no product word?"""
    return not r.names_product and r.description is not None and bool(_MODEL_NOUN.search(r.description.words))


def _another_model(case: Case, r: Reading) -> None:
    """A new item of the current one's kind (its description and entries), with no code and none of its figures.
    A description that is only a model word keeps the kind's words beside it ("VPN routers (lite variant)")."""
    kind = case.item
    _new_item(case, r)
    if kind.description is not None and (case.item.description is None or _model_only(r)):
        case.item.description = (kind.description if case.item.description is None else
                                 Fact(f"{kind.description.value} ({case.item.description.value})",
                                      case.item.description.words, case.item.description.turn))
    if case.item.entries is None:
        case.item.entries = kind.entries or (Fact((entry_of(kind.code.value),), kind.code.words, kind.code.turn)
                                             if kind.code else None)


def _reset_situation(case: Case, r: Reading) -> None:
    case.purpose = case.end_use = case.eu004_excluded = None
    _new_item(case, r)


TURN_RULES: tuple[Rule, ...] = (
    Rule("different product", "a turn that says it is about a different product starts a new item, whatever it names",
         lambda c, r: r.reset is not None, _reset_situation),
    Rule("several products listed", "products listed side by side that point to different entries (\"thermal cameras "
         "and 5A002.a.2 routers\") start an item each, and which one is meant is asked: each is classified and routed "
         "on its own", lambda c, r: bool(_listed_products(r)), _several_items),
    Rule("sub-item answer", "a bare sub-item (\"a.1\", \"it's the a.2 one\") refines the current item's code",
         _sub_item_answer, _apply_sub_item),
    Rule("another sub-item", "another model named by a sub-item of the current item's entry (\"what about the a.2 "
         "version?\" after 5A002.a.1) is a new item with that sub-item's code", _other_sub_item, _new_sub_item),
    Rule("software or technology of the coded item", "software, technology or parts said to be for the current "
         "item's code (\"the CNC software for the 2B001 machines\") start a new item, described as belonging to it, "
         "with no code",
         lambda c, r: _related_to_its_code(c, r), _related_item),
    Rule("a part of the item", "a thing said to belong to the current item (\"the lathe's coolant pump\", \"the probe "
         "that goes with the lathe\") is another item, described as belonging to it, with no code",
         lambda c, r: r.owner is not None and c.item is not None and not r.codes and (
             _points_to(c.item, r.owner) or bool(_words_of(r.owner.words, 3) & _own_words(c.item))
             or not r.owner.entries and not r.owner.code),      # "the housing of the machine": a word for any item
         _related_item),
    Rule("same entry, finer code", "a code within the current item's code or around it refines that item (5A002 -> "
         "5A002.a.1), and so does a code of its entry given as the item's own (\"sorry, it is 5A002.a.1\"); a sibling "
         "asked about (\"and a 5A002.a.1 one?\" after a 5A002.a.2 router) is a new code",
         _code_refines, _refine_code),
    Rule("the item's code", "a code the turn gives the current item, which has none (\"they are 5A002.a.2\" after "
         "\"our encryptors\"), is that item's code", lambda c, r: bool(r.codes) and c.item is not None
         and c.item.code is None and _DESCRIBES_ITEM.match(r.text) is not None and r.also_item is None
         and r.reset is None, _refine_code),
    Rule("new code", "a code of another entry starts a new item",
         lambda c, r: bool(r.codes), _new_item),
    Rule("a code not read", "a code written wrongly (\"a 2B01 machine\") starts a new item with no code: it is not "
         "the item discussed", lambda c, r: r.malformed_code is not None and not r.codes, _new_item),
    Rule("new chemical", "a CAS number the current item does not have starts a new item",
         lambda c, r: any(p.cas for p in r.products) and not _same_product(c, r), _new_item),
    Rule("another of our products", "\"what about our X\", \"we also sell Y\" with a product starts a new item, even of "
         "the same entry (an ADC after an FPGA, both 3A001)",
         lambda c, r: r.also_item is not None and (r.names_product or r.description is not None),
         lambda c, r: (_another_model if c.item is not None and _model_only(r) else _new_item)(c, r)),
    Rule("another model", "figures said of another model of the item's kind (\"a 14-bit one\", \"the 5-axis version "
         "with 1.5 µm\", \"our second ADC has 10 bits\") start a new item of that kind, with no code and only those "
         "figures; or, without figures, a model set apart by a word (\"the cheaper model for home users\", \"another "
         "variant\")", lambda c, r: c.item is not None and not r.codes and not _SAME_MODEL.search(r.text) and (
             bool(r.figures) and _ANOTHER_MODEL.search(r.text) is not None
             or _other_model(r.text) and _earlier_item(c, r) is None), _another_model),
    Rule("back to an earlier item", "a turn that names an earlier item, by its order (\"the first product\"), by product "
         "words that point where it points, or by a word of its own description no other item has (\"can the samples "
         "go to Norway?\" after a lathe), goes back to it",
         lambda c, r: _earlier_item(c, r) is not None, _back_to_earlier),
    Rule("another of its kind", "product words after \"another\", \"the second\", \"our other\" (\"the second laser we "
         "sell is a CO2 laser\" after a fibre laser) name another product, even of the current item's entry and "
         "without figures: a new item", lambda c, r: c.item is not None and r.names_product and not r.codes
         and bool(r.products) and _OTHER_OF_KIND.search(r.text[:r.products[0].start]) is not None, _new_item),
    Rule("new product words", "product words that point to other entries than the current item's start a new item",
         lambda c, r: r.names_product and c.item is not None and not _same_product(c, r), _new_item),
    Rule("its software or technology", "the software, technology or parts of the current item (\"and its source "
         "code?\", \"the control software for that lathe\") start a new item, described as belonging to it, with no code",
         lambda c, r: r.related is not None and c.item is not None and not r.codes
         and (not r.names_product or _belongs_to_named(c, r)), _related_item),
    Rule("other words, same entry", "product words of the current item's entry that share no word with how the item "
         "was described, in a follow-up (\"and the VPN gateway?\" after a router) or in a turn with no word pointing "
         "back at a coded item (\"our laptops with disk encryption go there too\"), or that a coded item's follow-up "
         "introduces as a new one (\"and a grinding machine?\" after a 2B001 lathe), start a new item: another "
         "product, which may be another sub-item",
         lambda c, r: r.names_product and _same_product(c, r) and _other_words(c, r), _new_item),
    Rule("same product words", "product words that point where the current item points keep it",
         lambda c, r: r.names_product and _same_product(c, r),
         lambda c, r: _describe(c.item, r, c.turns)),
    Rule("another thing named", "a follow-up that ends on a thing no lexicon phrase reads and that shares no word with "
         "the current item (\"and for the spindles?\") starts a new item, described by those words, with no code",
         _another_thing, _new_thing),
    Rule("the item set aside", "a turn that sets the current item aside (\"unlike the lathe, our spectrometer ...\") "
         "and names no product the lexicon reads starts a new item, described by the thing it names if any",
         lambda c, r: c.item is not None and not r.products and any(_points_to(c.item, p) for p in r.set_aside),
         _new_thing),
    Rule("first item", "the first product named starts the first item",
         lambda c, r: c.item is None and (r.names_product or r.description is not None), _new_item),
    Rule("first thing named", "the first thing no lexicon phrase reads, in a turn about sending goods (\"we export "
         "gas chromatographs to China\"), starts the first item, described by those words, with no code",
         lambda c, r: c.item is None and r.other_thing is not None and r.goods_sent is not None, _new_thing),
    Rule("keeps the item", "a turn that names no product (\"and to India?\", \"what about exhibitions?\") keeps the "
         "current item", lambda c, r: True, lambda c, r: None),
)


def _forget(name: str):
    def then(case: Case, r: Reading) -> None:
        setattr(case, name, None)
    return then


def _set(name: str):
    def then(case: Case, r: Reading) -> None:
        setattr(case, name, Fact.said(getattr(r, name), case.turns))
    return then


def _activity_from_places(case: Case, r: Reading) -> None:
    """Without a word for the activity, the places decide: an EU destination is a transfer within the Union, goods
    passing through an EU place on their way between third countries are in transit, goods moving between two third
    countries are brokered, anything else leaving the Union is an export. A stated activity other than a transfer or
    an export stays while only the places change; technical assistance gives way to goods sent ("he will bring a
    spare encoder in his luggage": the encoder is exported)."""
    dest = case.destination.value if case.destination else None
    origin = case.origin.value if case.origin else None
    kept = case.activity_value in ("brokering", "transit") or (case.activity_value == "technical_assistance"
                                                                and r.goods_sent is None)
    if kept:
        return
    if dest is not None and in_eu_customs_territory(dest):
        value, words = "transfer", case.destination.words
    elif origin is not None and not in_eu_customs_territory(origin) and dest is not None:
        via = case.transit_via.value if case.transit_via else None
        if via is not None and in_eu_customs_territory(via):
            value, words = "transit", case.transit_via.words
        else:
            value, words = "brokering", f"{case.origin.words} … {case.destination.words}"
    elif dest is not None:
        value, words = "export", case.destination.words
    else:
        return
    if case.activity_value != value:
        case.activity = Fact(value, words, case.turns)


def _repair_return(case: Case, r: Reading) -> None:
    case.destination = Fact(case.origin.value, case.origin.words, case.turns, case.origin.region)
    case.origin = None
    case.activity = Fact("export", case.destination.words, case.turns)


SITUATION_RULES: tuple[Rule, ...] = (
    Rule("destination stated", "a place the turn sends the item to becomes the destination",
         lambda c, r: r.destination is not None, _set("destination")),
    Rule("origin stated", "a place the item leaves from becomes the origin",
         lambda c, r: r.origin is not None, _set("origin")),
    Rule("transit place stated", "a place the item passes through is recorded as the transit place",
         lambda c, r: r.transit_via is not None, _set("transit_via")),
    Rule("onward destination stated", "a place the customer will re-export to is recorded, not made the destination",
         lambda c, r: r.onward is not None, _set("onward")),
    Rule("authorisation named", "a general authorisation the user names (\"under EU006\") stays named",
         lambda c, r: r.gea is not None, _set("gea")),
    Rule("original authorisation dated", "the year the original export was authorised (\"licence granted in 2017\"), "
         "which EU003's five-year window turns on", lambda c, r: r.authorised is not None, _set("authorised")),
    Rule("exporter stated", "where the exporter is established (\"we are a Dutch company\")",
         lambda c, r: r.exporter_state is not None, _set("exporter_state")),
    Rule("activity stated", "words for brokering, transit, technical assistance or a transfer set the activity",
         lambda c, r: r.activity is not None, _set("activity")),
    Rule("activity from places", "without such words, the places decide the activity",
         lambda c, r: r.activity is None, _activity_from_places),
    Rule("purpose stated", "words for a repair return, an exhibition, an intra-group transfer or a sale set the "
         "purpose; words that the item stays abroad make an exhibition a sale",
         lambda c, r: r.purpose is not None, _set("purpose")),
    Rule("repair return goes back", "an item that came back for repair from a third country returns there (EU003: to "
         "the country of consignment) when no other destination is given",
         lambda c, r: c.purpose_value == "repair" and c.destination is None and c.origin is not None
         and not in_eu_customs_territory(c.origin.value), _repair_return),
    Rule("end use stated", "words for a military, WMD, police, repression or surveillance end use set the end use",
         lambda c, r: r.end_use is not None, _set("end_use")),
    Rule("another end user", "another buyer or end user named without words for an end use (\"what if the buyer were "
         "a paint factory instead?\" after a defence ministry) leaves the end use unknown again",
         lambda c, r: r.end_user is not None and r.end_use is None and c.end_use is not None, _forget("end_use")),
    Rule("fair condition broken", "a private demonstration, use of the item, production, modification or a stay over "
         "120 days: what Part 3 of EU004 excludes from a temporary export for a fair",
         lambda c, r: r.eu004_excluded is not None, _set("eu004_excluded")),
)


def _answers_pending(c: Case, r: Reading) -> bool:
    return c.item is not None and r.answer is not None and any(q.get("unit") is None for q in c.pending)


def _apply_answer(c: Case, r: Reading) -> None:
    """"yes" / "no" / "don't know" answers the first yes/no question the last answer asked."""
    q = next(q for q in c.pending if q.get("unit") is None)
    value = {"yes": True, "no": False}.get(r.answer)
    c.item.flags[q["parameter"]] = Fact(value, r.text, c.turns)


def _add_figures(c: Case, r: Reading) -> None:
    """Figures belong to the current item; a figure no word names answers the one figure question asked, if any."""
    asked = [q for q in c.pending if q.get("unit")]
    for f in r.figures:
        value = f.to_dict()
        if value["parameter"] is None and len(asked) == 1:
            value["parameter"] = asked[0]["parameter"]
        c.item.figures.append(Fact(value, f.words, c.turns))


def _add_flags(c: Case, r: Reading) -> None:
    for f in r.flags:
        c.item.flags[f.name] = Fact(f.value, f.words, c.turns)


ITEM_FACT_RULES: tuple[Rule, ...] = (
    Rule("figures stated", "numbers with units belong to the current item (a new product's figures to the new item)",
         lambda c, r: c.item is not None and bool(r.figures), _add_figures),
    Rule("facts stated", "yes/no facts a release Note turns on (\"accompanying their user\", \"for personal use\")",
         lambda c, r: c.item is not None and bool(r.flags), _add_flags),
    Rule("answer to a question", "\"yes\", \"no\" or \"don't know\" answers the yes/no question asked last",
         _answers_pending, _apply_answer),
)


def update(case: Case | None, text: str | Reading, limit: int | None = None) -> tuple[Case, Reading]:
    """The case after one more user turn (a new object: the old case is not changed); `limit`: characters of the
    turn that are read."""
    case = copy.deepcopy(case) if case is not None else Case()
    r = read_turn(text, case.language if case.turns else None, limit) if isinstance(text, str) else text
    if r.language is not None and r.language.supported:
        case.language = r.language.code           # the language answers are written in, from this turn on
    case.turns += 1
    case.rules = []
    case.ask = None
    listed = _asked_among_listed(r)
    if listed:                                         # the products listed beside the one asked about: history
        for group in listed[0]:
            _new_item(case, _one_of(r, group))
        r = narrowed(r, listed[1])
    beside = _beside_current(case, r)
    if beside:
        r = narrowed(r, beside)
    if _beside_the_item(case, r):   # "like the cameras, are spectrometers listed?": the thing is what is asked about
        r = replace(narrowed(r, []), other_thing=r.beside_thing)
    for rule in TURN_RULES:
        if rule.when(case, r):
            rule.then(case, r)
            case.rules.append(rule.name)
            break
    for rule in SITUATION_RULES + ITEM_FACT_RULES:
        if rule.when(case, r):
            rule.then(case, r)
            case.rules.append(rule.name)
    case.pending = []                                  # the answer to this turn sets what it asks
    return case, r


def from_history(history: list[dict] | None) -> Case | None:
    """The case the earlier user turns built (None when there are none)."""
    case = None
    for turn in history or []:
        if isinstance(turn, dict) and turn.get("role") == "user" and isinstance(turn.get("content"), str):
            case, _ = update(case, turn["content"])
    return case


def rules_markdown() -> str:
    """The turn update rules as the README shows them (tests/test_docs.py checks the README against this)."""
    rows = ["| rule | what it does |", "|---|---|"]
    rows += [f"| {r.name} | {r.says} |" for r in TURN_RULES + SITUATION_RULES + ITEM_FACT_RULES]
    return "\n".join(rows)

