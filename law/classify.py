"""Is an item listed? Walk Annex I entries' criteria with the figures and facts the user stated; every step quoted.

Entry points (pure; no LLM, no retrieval):

    from law.classify import load_entries, classify, rank_candidates
    from law.figures import read_figures, read_flags

    text = "Is a 12-bit ADC with a sample rate of 2.5 GSPS controlled?"
    entries = load_entries(store, ["3A001", "3A002"])       # ingest.store.Store of the serving build; a code may
                                                            # also name an item ("3A001.a.5")
    figures, flags = read_figures(text), read_flags(text)
    ranked = rank_candidates(entries, figures)              # [(Entry, parameters it tests), …], most tested first
    result = classify([e for e, _ in ranked], figures, flags, description="12-bit ADC")
    result.status      # "listed"; result.deciding == "Annex I 3A001.a.5.a.3"
    result.to_dict()   # the `determination` block of docs/ARCHITECTURE.md (status, item, deciding, entries,
                       # ruled_out, questions, licensing=None); result.caveats: sentences to show with it
    result.entries[0].nodes["Annex I 3A001.a.5.a.3"]     # every item: (met True/False/None, its checks)

`flags` is what `read_flags` returns, or a dict {name: bool} of facts the user answered in a later turn: a yes/no
question's `parameter` is the name to answer it with ("accompanying_user", "describes:Annex I 3A001.a.10",
"describes:Annex I 1A004 Note#b"). A figure answering a threshold question may be passed as a StatedFigure whose
`parameter` is the question's `parameter`.
In tests, build entries from parsed provisions: `entries_from_provisions(parse_annex_json(...), ["3A001"])`.

How it decides (three values throughout: met True, not met False, unknown None; unknown never counts as met or
as not met):
- A threshold is met when everything the user's words allow for the value lies inside the limits, not met when
  nothing does, unknown otherwise (no figure for that parameter, a figure in a unit of another dimension, "1,000"
  read two ways that decide differently). A fact is met when the user stated it (`read_flags`), a judgement
  ("specially designed", "required", a formula the copy garbled) is always unknown: an expert decides.
- An item's own tests combine as its text says (all, or any for "X or Y"); its sub-items as its heading says
  ("having any of the following:", "all of the following:", "as follows:") and the item holds when both do. The
  kind of item a heading names ("ADCs having …") is the context of the candidate entry, not a test; a leaf that
  only names a kind of item ("Neural network integrated circuits") is a fact to confirm.
- A release Note (the entry's own, and the category and General Notes that apply: "Category 5, Part 2", the
  Cryptography Note, GSN/GTN) releases the items in its scope only when its condition is met; unknown, it is asked
  about and the item stays listed.
- The kinds of item the headings name ("ADCs having …") are the candidate's context; but when the figures meet only
  items whose headings name nothing of the `description` ("a GaN amplifier" meeting 3A001.a.10.c, custom
  integrated circuits whose function is unknown), the kind is asked about instead of the item being called listed.
- Outcome: `listed` when some path of a candidate holds (deciding = the deepest item that holds); `not_listed`
  only when every path of every candidate entry is not met or released (for these entries only: never "not
  controlled"); `needs_facts` with the smallest set of questions that would decide the nearest paths; else
  `needs_expert` (a judgement or unreadable text stands in the way).
"""
from __future__ import annotations

import itertools
from functools import cached_property, lru_cache
import re
from dataclasses import dataclass, field
from typing import Iterable

from ingest.criteria import ANY, Condition, Criteria, Group, Release, Threshold, read_item
from ingest.model import FLAG_MESSAGES, Provision, fold, is_within
from ingest.quantities import FLATTENED, QuantityError, convert, same_dimension, unit_label

from .figures import StatedFigure, StatedFlag, canonical_parameter

MET, NOT_MET, UNKNOWN = True, False, None
MAX_ALTERNATIVES = 4000            # paths enumerated per entry for choosing questions (the largest entry has ~600)
MAX_QUESTIONS = 6
OTHER_DIMENSION = "stated in a unit that cannot be compared with the threshold's"


# ------------------------------------------------------------------------------------------------------ the tree

@dataclass(frozen=True)
class Node:
    """One entry or item of Annex I with its criteria and sub-items."""
    locator: str
    text: str
    criteria: Criteria
    children: tuple["Node", ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return self.locator.removeprefix("Annex I ")

    @cached_property
    def acronyms(self) -> dict[str, tuple[str, ...]]:
        """The acronyms this subtree defines (`_acronyms`), read once per tree: load_entries keeps the trees."""
        return _acronyms(self)

    def walk(self):
        """This node and every node below it (depth first, the last child first)."""
        stack = [self]
        while stack:
            n = stack.pop()
            stack.extend(n.children)
            yield n


@dataclass(frozen=True)
class ReleaseNote:
    locator: str
    text: str
    release: Release


@dataclass(frozen=True)
class Entry:
    """An Annex I entry ready to classify: its item tree and every release Note that applies to any of it."""
    root: Node
    releases: tuple[ReleaseNote, ...] = ()

    @property
    def locator(self) -> str:
        return self.root.locator

    @property
    def code(self) -> str:
        return self.root.path


def entries_from_provisions(provisions: Iterable[Provision], codes: Iterable[str]) -> list[Entry]:
    """Entries built from parsed provisions of one Annex I version (all of them, so category notes are found).
    A code may name an item ("3A001.a.5"): the candidate is then that item and what is below it."""
    provisions = list(provisions)
    kids: dict[str, list[Provision]] = {}
    for p in provisions:
        if p.kind == "item":
            kids.setdefault(p.parent, []).append(p)
    notes = [p for p in provisions if p.data.get("release")]
    by_locator = {p.locator: p for p in provisions if p.kind in ("entry", "item")}
    out = []
    for code in codes:
        p = by_locator.get(f"Annex I {code}")
        if p is None:
            raise KeyError(f"no Annex I entry or item {code} in these provisions")
        out.append(Entry(_node(p, kids), _releases_for(code, notes)))
    return out


def load_entries(store, codes: Iterable[str], source: str | None = None) -> list[Entry]:
    """Entries from the store of an index build (`ingest.store.Store`); `source` defaults to the Annex I in force."""
    if source is None:
        from ingest.manifest import load_manifest
        source = load_manifest().authority_for("Annex I").id
    notes = _release_notes(store, source)
    out = []
    for code in codes:
        key = (str(store.path), source, code)
        if key in _ENTRIES:
            out.append(_ENTRIES[key])
            continue
        tree = store.subtree(f"Annex I {code}", source)
        if not tree or tree[0].kind not in ("entry", "item"):
            raise KeyError(f"no Annex I entry or item {code} in {source}")
        provisions = [p for p in tree if p.kind in ("entry", "item")]
        kids: dict[str, list[Provision]] = {}
        for p in provisions:
            if p.kind == "item":
                kids.setdefault(p.parent, []).append(p)
        _ENTRIES[key] = Entry(_node(provisions[0], kids), _releases_for(code, notes))
        out.append(_ENTRIES[key])
    return out


# read once per store, source and code: a build never changes once written, and entries are frozen
_ENTRIES: dict[tuple[str, str, str], Entry] = {}
_RELEASE_NOTES: dict[tuple[str, str], list[Provision]] = {}


def _release_notes(store, source: str) -> list[Provision]:
    """The release Notes of a build (read once per store: a build never changes once written)."""
    key = (str(store.path), source)
    if key not in _RELEASE_NOTES:
        _RELEASE_NOTES[key] = store.where("source = ? AND data LIKE '%\"release\"%'", (source,))
    return _RELEASE_NOTES[key]


def _node(p: Provision, kids: dict[str, list[Provision]]) -> Node:
    children = tuple(_node(k, kids) for k in kids.get(p.locator, ()))
    c = p.data.get("criteria")
    criteria = Criteria.from_dict(c) if c else read_item(p.text, has_children=bool(children), provision=p.locator)
    if criteria.children is None and children:      # a version read without stored criteria: sub-items are options
        criteria = Criteria(**{**criteria.__dict__, "children": ANY})
    return Node(p.locator, p.text, criteria, children, p.flags)


def _releases_for(code: str, notes: list[Provision]) -> tuple[ReleaseNote, ...]:
    out = []
    for p in notes:
        for r in (p.data["release"] if isinstance(p.data["release"], list) else [p.data["release"]]):
            release = Release.from_dict(r)
            entry = code.split(".")[0]
            if any(s == entry[:2] if len(s) == 2 else s.split(".")[0] == entry for s in release.scope):
                out.append(ReleaseNote(p.locator, p.text, release))
    return tuple(out)


# --------------------------------------------------------------------------------------------------- findings

@dataclass(frozen=True)
class Check:
    """One test of the law against what the user said."""
    parameter: str                 # the parameter as the law names it, or the fact / judgement
    required: str                  # what the law requires, quoted ("greater than 400 MSPS")
    given: str | None              # what the user said, with the words ("2.5 GSPS"), or None
    result: bool | None
    locator: str                   # the provision the quote is from
    quote: str                     # verbatim span of that provision
    kind: str = "threshold"        # threshold | fact | judgement | unreadable | release
    unit: str = ""                 # the unit a question asks in
    note: str = ""                 # why it is unknown, or a warning about the copy

    def to_dict(self) -> dict:
        return {"parameter": self.parameter, "required": self.required, "given": self.given, "result": self.result,
                "locator": self.locator, "quote": self.quote}


@dataclass
class EntryResult:
    locator: str
    met: bool | None
    checks: list[Check]
    deciding: str | None = None            # the deepest item that holds (listed)
    released_by: list[str] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)
    nodes: dict[str, tuple[bool | None, list[Check]]] = field(default_factory=dict)   # every item: result, own checks
    why_not: str = ""                      # for a not-met entry: the nearest path and the check that fails it
    expert: list[Check] = field(default_factory=list)   # judgements standing in the way

    def to_dict(self) -> dict:
        return {"locator": self.locator, "met": self.met, "checks": [c.to_dict() for c in self.checks]}


@dataclass
class Classification:
    status: str                            # listed | not_listed | needs_facts | needs_expert
    deciding: str | None
    entries: list[EntryResult]
    ruled_out: list[tuple[str, str]]       # (locator, why)
    questions: list[dict]                  # {parameter, unit, threshold, locator, quote, text}
    caveats: list[str] = field(default_factory=list)
    item: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"status": self.status, "item": self.item or {"description": "", "code": None},
                "deciding": self.deciding, "entries": [e.to_dict() for e in self.entries],
                "ruled_out": [{"locator": l, "why": w} for l, w in self.ruled_out],
                "questions": self.questions, "licensing": None}


# ------------------------------------------------------------------------------------------------ three values

def all_of(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    return False if False in values else (True if all(v is True for v in values) else None)


def any_of(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    return True if True in values else (False if all(v is False for v in values) else None)


def combine(join: str, values: Iterable[bool | None]) -> bool | None:
    return any_of(values) if join == ANY else all_of(values)


# ------------------------------------------------------------------------------------------------- one threshold

def _matches(t: Threshold, f: StatedFigure) -> bool:
    if f.parameter is None:
        return False
    named = f.parameter in (t.parameter, canonical_parameter(t.parameter))
    return named and (same_dimension(f.unit, t.unit) or any(same_dimension(f.unit, a[2]) for a in t.alternates))


def _limits(t: Threshold, unit: str) -> tuple[float | None, float | None, str]:
    """The threshold's limits in the unit to compare in: the bracketed equivalent when the user used its unit
    ("398 K (125 °C)" compared in °C for a figure in °C), else the threshold's own unit."""
    for low, high, alt in t.alternates:
        if alt == unit and (low is not None or t.low is None) and (high is not None or t.high is None):
            return low, high, alt
    return t.low, t.high, t.unit


def _inside(lo: float | None, lo_inc: bool, hi: float | None, hi_inc: bool, t_low, t_low_inc, t_high,
            t_high_inc) -> bool | None:
    """Is every value in [lo, hi] within the threshold (True), none (False), or some (None)?"""
    lo_v = float("-inf") if lo is None else lo
    hi_v = float("inf") if hi is None else hi
    above_low = lambda x, inc: t_low is None or x > t_low or (x == t_low and inc and t_low_inc)      # noqa: E731
    below_high = lambda x, inc: t_high is None or x < t_high or (x == t_high and inc and t_high_inc)  # noqa: E731
    all_in = above_low(lo_v, lo_inc) and below_high(hi_v, hi_inc)
    if all_in:
        return True
    none_in = (t_low is not None and (hi_v < t_low or (hi_v == t_low and not (hi_inc and t_low_inc)))) or \
              (t_high is not None and (lo_v > t_high or (lo_v == t_high and not (lo_inc and t_high_inc))))
    return False if none_in else None


def _covering(t: Threshold) -> bool:
    """A range the item must be rated over as a whole ("over the entire ambient temperature range from 218 K to
    398 K"): the stated range must cover it, not lie inside it."""
    return t.parameter.startswith("entire ") and t.low is not None and t.high is not None


def _covers(t: Threshold, f: StatedFigure) -> tuple[bool | None, str]:
    """A stated rating range ("-40 to 85 °C") against a range the item must cover: met when it covers it, not met
    when it stops short at either end; a single value or an open range says nothing about the whole range."""
    if f.low is None or f.high is None or f.low == f.high or f.alternative is not None:
        return None, f"'{f.words}' is not a stated range from one end to the other"
    t_low, t_high, t_unit = _limits(t, f.unit)
    try:
        lo, hi = convert(f.low, f.unit, t_unit), convert(f.high, f.unit, t_unit)
    except QuantityError as e:
        return None, str(e)
    if lo <= t_low and hi >= t_high:
        return True, ""
    return False, ""


def evaluate_threshold(t: Threshold, f: StatedFigure) -> tuple[bool | None, str]:
    """(result, note) of one threshold against one stated figure."""
    if _covering(t):
        return _covers(t, f)
    t_low, t_high, t_unit = _limits(t, f.unit)
    results = []
    for value in ([f.value] if f.alternative is None else [f.value, f.alternative]):
        scale = value / f.value if f.value else 1.0
        try:
            lo = None if f.low is None else convert(f.low * scale, f.unit, t_unit)
            hi = None if f.high is None else convert(f.high * scale, f.unit, t_unit)
        except QuantityError as e:
            return None, str(e)
        if lo is not None and hi is not None and lo > hi:       # a decreasing conversion cannot happen; keep order
            lo, hi = hi, lo
        results.append(_inside(lo, f.low_inclusive, hi, f.high_inclusive, t_low, t.low_inclusive, t_high,
                               t.high_inclusive))
    if len(set(results)) > 1:
        return None, f"'{f.words}' reads two ways ({f.value:g} or {f.alternative:g}) and they decide differently"
    return results[0], ""


def check_threshold(t: Threshold, locator: str, figures: list[StatedFigure]) -> Check:
    where = t.provision or locator
    matching = [f for f in figures if _matches(t, f)]
    note = FLAG_MESSAGES["flattened_exponent"] if FLATTENED in t.flags else ""
    if not matching:
        named = [f for f in figures if f.parameter in (t.parameter, canonical_parameter(t.parameter))]
        if named:          # stated, in a unit of another dimension: asking again would not help; an expert reads it
            return Check(t.parameter, t.required, "; ".join(f.words for f in named), None, where, t.span,
                         "threshold", t.unit, "; ".join(x for x in (note, OTHER_DIMENSION) if x))
        return Check(t.parameter, t.required, None, None, where, t.span, "threshold", t.unit, note)
    outcomes = [evaluate_threshold(t, f) for f in matching]
    results = {r for r, _ in outcomes}
    result = results.pop() if len(results) == 1 else None
    why = "; ".join(n for _, n in outcomes if n)
    if len({r for r, _ in outcomes}) > 1:
        why = "the figures stated for this parameter decide differently"
    given = "; ".join(f.words for f in matching)
    return Check(t.parameter, t.required, given, result, where, t.span, "threshold", t.unit,
                 "; ".join(x for x in (note, why) if x))


def _stated(flags: dict, name: str) -> bool | None:
    value = flags.get(name)
    return value.value if isinstance(value, StatedFlag) else value


def check_condition(c: Condition, locator: str, flags: dict[str, StatedFlag | bool]) -> Check:
    where = c.provision or locator
    if c.kind == "judgement":
        return Check(c.name, c.span, None, None, where, c.span, "judgement", "",
                     "a judgement for an expert (for \"specially designed\", see the Definitions of Annex I)")
    value = _stated(flags, c.name)
    if value is None:
        return Check(c.name, c.span, None, None, where, c.span, "fact")
    stated = flags[c.name]
    words = stated.words if isinstance(stated, StatedFlag) else ("yes" if value else "no")
    return Check(c.name, c.span, words, bool(value) != c.negated, where, c.span, "fact")


def _check(t: Threshold | Condition, locator: str, figures, flags) -> Check:
    return check_threshold(t, locator, figures) if isinstance(t, Threshold) else check_condition(t, locator, flags)


def evaluate_group(g: Group, locator: str, figures, flags) -> tuple[bool | None, list[Check]]:
    """A release condition (a tree of tests) -> (result, checks)."""
    results, checks = [], []
    for t in g.tests:
        if isinstance(t, Group):
            r, cs = evaluate_group(t, locator, figures, flags)
        else:
            c = _check(t, locator, figures, flags)
            r, cs = c.result, [c]
        results.append(r)
        checks += cs
    return combine(g.join, results) if results else None, checks


# ------------------------------------------------------------------------------------------------- one entry

@dataclass
class _Eval:
    node: Node
    result: bool | None
    own: list[Check]
    children: list["_Eval"]
    released: list[tuple[ReleaseNote, bool | None, list[Check]]]


def _evaluate(node: Node, figures, flags, releases: list[tuple[ReleaseNote, bool | None, list[Check]]],
              parent_path: str | None, scope: frozenset[str] = frozenset()) -> _Eval:
    c = node.criteria
    own = [_check(t, node.locator, figures, flags) for t in c.tests]
    for span in c.unparsed:
        own.append(Check("unreadable", span, None, None, node.locator, span, "unreadable",
                         note="the grammar cannot read this wording: an expert must"))
    if "garbled_formula" in node.flags:
        own.append(Check("garbled formula", node.text, None, None, node.locator, node.text, "unreadable",
                         note=FLAG_MESSAGES["garbled_formula"]))
    own_results = [x.result for x in own if x.kind in ("threshold", "fact")]
    other = [x.result for x in own if x.kind not in ("threshold", "fact")]
    own_result = all_of([combine(c.join, own_results) if own_results else True] + other)
    kids = [_evaluate(k, figures, flags, releases, node.path, scope) for k in node.children]
    kind = _stated(flags, f"describes:{node.locator}")
    if c.not_used or kind is False:                      # "Not used", or the user said the item is not of this kind
        result = NOT_MET
    elif kids:
        result = all_of([own_result, combine(c.children or ANY, [k.result for k in kids])])
    else:
        result = own_result if own else UNKNOWN
    mine = [(r, v, cs) for r, v, cs in releases
            if r.release.applies_to(node.path) and not (parent_path and r.release.applies_to(parent_path))]
    for r, value, _ in mine:
        if value is True and r.release.effect == "release":
            result = NOT_MET
        elif value is True:                              # "the control status … is determined by … other equipment"
            result = UNKNOWN if result is not NOT_MET else result
    if scope and not any(is_within(node.locator, s) or is_within(s, node.locator) for s in scope):
        # another kind of item than the one described ("DACs having ..." for an ADC): not this item
        own = own + [Check("kind of item", "the kind of item described", None, NOT_MET, node.locator, node.text,
                           "kind", note="not the kind of item described")]
        result = NOT_MET
    return _Eval(node, result, own, kids, mine)


def _holding(e: _Eval) -> list[list[_Eval]]:
    """Every way down to the deepest items that hold (following sub-items that hold while they are options)."""
    if e.children and (e.node.criteria.children or ANY) == ANY:
        ways = [[e] + w for k in e.children if k.result is True for w in _holding(k)]
        if ways:
            return ways
    return [[e]]


def _relevant(way: list[_Eval], desc: set[str], flags: dict) -> bool:
    """Does a way name the kind of item described (or has the user confirmed one of its kinds)? The entry's own
    heading is on every way and tells none apart, unless the entry evaluated is the item itself (1C350.1)."""
    return any(desc & (_words(e.node.text) - _UNIT_WORDS) or _stated(flags, f"describes:{e.node.locator}")
               for e in (way[1:] or way))


def _deciding(root: _Eval, desc: set[str]) -> list[_Eval]:
    """The way to the item that decides: of those that hold, the one with the most criteria met, then the one whose
    headings name the item described, then the first in the list."""
    def score(way):
        met = sum(c.result is True for e in way for c in e.own)
        return (-met, -sum(bool(desc & (_words(e.node.text) - _UNIT_WORDS)) for e in way[1:]))
    return min(_holding(root), key=score)


def _alternatives(e: _Eval) -> list[tuple[list[_Eval], list[Check]]]:
    """Ways the entry could hold: (the items on the way, the checks that must all be met), capped."""
    c = e.node.criteria
    tested = [x for x in e.own if x.kind in ("threshold", "fact")]
    blocking = [x for x in e.own if x.kind not in ("threshold", "fact")]
    owns = [[x] + blocking for x in tested] if (c.join == ANY and tested) else [tested + blocking]
    if c.not_used:
        return []
    if not e.children:
        return [([e], o) for o in owns]
    if (c.children or ANY) == ANY:
        subs = [alt for k in e.children for alt in _alternatives(k)]
    else:
        subs = []
        for combo in itertools.islice(itertools.product(*[_alternatives(k) for k in e.children]), MAX_ALTERNATIVES):
            subs.append(([n for nodes, _ in combo for n in nodes], [x for _, checks in combo for x in checks]))
    out = []
    for o in owns:
        for nodes, checks in subs:
            out.append(([e] + nodes, o + checks))
            if len(out) >= MAX_ALTERNATIVES:
                return out
    return out


@lru_cache(maxsize=16384)
def _words(text: str) -> frozenset[str]:
    # letters and the digits they run into: "CO2" is not "CO" (6A005.d.2 carbon monoxide, .d.3 carbon dioxide lasers)
    return frozenset(w.rstrip("s") for w in re.findall(r"[a-z][a-z0-9]*", fold(text)) if len(w) > 1)


def _question(check: Check) -> dict:
    if check.kind == "threshold":
        unit = unit_label(check.unit) if check.unit else ""
        text = (f"What is the {check.parameter}" + (f" (in {unit})" if unit else "") + f"? {check.locator} applies "
                f"to: \"{check.quote}\".")
        return {"parameter": check.parameter, "unit": unit or None, "threshold": check.required,
                "locator": check.locator, "quote": check.quote, "text": text}
    return {"parameter": check.parameter, "unit": None, "threshold": None, "locator": check.locator, "quote": check.quote,
            "text": f"Does this describe the item: \"{check.quote}\"? ({check.locator})"}


_CAS = re.compile(r"\b\d{2,7}-\d{2}-\d\b")
_NAME = re.compile(r"^(?:SEE MILITARY GOODS CONTROLS for\s+)?(?P<name>[^()\[\];:,]{4,60}?)\s*(?:[(\[;:,]|$)", re.I)


# what may follow an item's name for the item to be only that name: brackets (a CAS number, a formula), its other
# name after a colon ("Amiton: O,O-Diethyl ..."), the list's "; or" / "; and"
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_ONLY_A_NAME_AFTER = re.compile(r"\s*(?::.*|[;,.]?\s*(?:or|and)?\s*[;,.]?\s*)", re.S)


def _folded_words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold(text))) + " "


@lru_cache(maxsize=16384)
def _name(text: str) -> str | None:
    """The name of an item that only names what it is, brackets left out, of at most five words: "Chemical warfare
    (CW) agents; or" is "Chemical warfare agents", "Niobium (columbium) or niobium 'alloys';" is "Niobium or niobium
    'alloys'" (the material named alone is not the agitator made of it). None for an item that says more than a
    name: naming the kind of "Computers, "electronic assemblies", and components containing one or more integrated
    circuits, specified by 3A501.a.16." or of "Tritium, ... in which the ratio ... exceeds 1 part in 1000" does not
    meet it."""
    plain = re.sub(r"\s+", " ", _BRACKETS.sub(" ", text.strip()))
    name = _NAME.match(plain)
    if name is None or not _ONLY_A_NAME_AFTER.fullmatch(plain[name.end("name"):]):
        return None
    words = name.group("name").strip()
    return words if len(words.split()) <= 5 and re.search(r"[a-z]{4}", _folded_words(words)) else None


def identified(root: Node, said: str) -> dict[str, StatedFlag]:
    """Items that only name what they are ("Ricin;", "Bacillus anthracis;", "Triethanolamine (CAS 102-71-6);") and
    that the user's words name too, by the item's CAS number or its whole name (`_name`): the item is then
    that thing, or contains it. Identity read from the user's own words, never from search words; it only ever makes
    an item met: an item the words do not name stays a question."""
    numbers = set(_CAS.findall(said))
    folded = _folded_words(said)
    out = {}
    for n in root.walk():
        if n.children or not any(isinstance(t, Condition) and t.name == f"describes:{n.locator}"
                                 for t in n.criteria.tests):
            continue
        name = _name(n.text)
        found = next(iter(set(_CAS.findall(n.text)) & numbers), None) or (
            name if name and _folded_words(name) in folded else None)
        if found:
            out[f"describes:{n.locator}"] = StatedFlag(f"describes:{n.locator}", True, found, 0, 0)
    return out


def classify_entry(entry: Entry, figures: list[StatedFigure], flags: dict, description: str = "",
                   said: str | None = None) -> EntryResult:
    """One candidate: every item evaluated (`nodes`), the outcome, the checks that explain it, the questions.
    `said`: the user's own words, which identify items by name (default: the description)."""
    flags = {**identified(entry.root, description if said is None else said), **flags}   # a later answer wins
    releases = [(r, *evaluate_group(r.release.condition, r.locator, figures, flags)) for r in entry.releases]
    # the user named a kind of item the entry distinguishes ("ADC"), or confirmed one: its other kinds are not this item
    confirmed = {k.removeprefix("describes:") for k, v in flags.items() if k.startswith("describes:Annex I ")
                 and _stated(flags, k) is True and is_within(k.removeprefix("describes:"), entry.locator)}
    scope = kind_scope(entry.root, description)
    scope = scope | confirmed if scope else frozenset()
    root = _evaluate(entry.root, figures, flags, releases, None, scope)
    every = list(_walk(root))
    result = EntryResult(entry.locator, root.result, [], nodes={e.node.locator: (e.result, e.own) for e in every})
    applied = list(dict.fromkeys((r, v, tuple(cs)) for e in every for r, v, cs in e.released))
    result.released_by = [r.locator for r, v, _ in applied if v is True and r.release.effect == "release"]
    desc = _words(description) - _UNIT_WORDS - _GENERIC_WORDS
    kinds = _kind_questions(root, desc, flags) if root.result is True and desc else []
    if kinds:
        result.met = None               # the figures meet an item of a kind nothing said names: ask the kind
    if result.met is True:
        _explain_listed(result, root, releases, desc)
        return result
    scored = _open_ways(root, desc)
    if result.met is False or not scored:
        _explain_not_met(result, root, every)
        if scope and result.why_not:
            result.why_not += f" (of {entry.locator}, only {', '.join(sorted(scope))} is the kind of item described)"
        if result.met is False:
            return result
    words = description if said is None else said
    _ask(result, scored, applied, kinds, _pairs(words) - _pairs(entry.root.text), _sequence(words),
         _defined_terms(entry.root.text))
    return result


@lru_cache(maxsize=16384)
def _pairs(text: str) -> frozenset[tuple[str, str]]:
    """Two kind words in a row ("weather radar"): a name of a kind of item as precise as a text gives it."""
    kinds = _kind_words(text)
    seq = _sequence(text)
    return frozenset((a, b) for a, b in zip(seq, seq[1:]) if a in kinds and b in kinds)


@lru_cache(maxsize=16384)
def _defined_terms(text: str) -> frozenset[tuple[str, ...]]:
    """The terms a text writes in double quotation marks, the list's defined terms ("vaccines"), as word sequences."""
    return frozenset(seq for term in re.findall(r'"([^"]{3,60})"', text) if (seq := _sequence(term)))


def _walk(e: _Eval):
    yield e
    for k in e.children:
        yield from _walk(k)


def _kind_questions(root: _Eval, desc: set[str], flags: dict) -> list[dict]:
    """The kinds of item named on the way (the headings) are the candidate's context; when none of the ways that
    hold names what the user described, the kind is asked about rather than assumed ("a GaN amplifier" meeting
    3A001.a.10.c, which is about custom integrated circuits whose function is unknown)."""
    ways = _holding(root)
    if any(_relevant(w, desc, flags) for w in ways):
        return []
    questions = []
    for way in ways[:3]:
        kind = next((e for e in reversed(way[1:]) if e.children), way[-1]).node
        if all(q["locator"] != kind.locator for q in questions):
            questions.append({"parameter": f"describes:{kind.locator}", "unit": None, "threshold": None, "locator": kind.locator,
                              "quote": kind.text, "text": f"The stated figures meet {way[-1].node.locator}. Is the "
                                                          f"item one of these: \"{kind.text}\"? ({kind.locator})"})
    return questions


def _explain_listed(result: EntryResult, root: _Eval, releases, desc: set[str]) -> None:
    path = _deciding(root, desc)
    top = path[-1]
    result.deciding = top.node.locator
    result.checks = [x for e in path for x in e.own]
    result.checks += [x for e in list(_walk(top))[1:] for x in e.own]     # sub-items that must all hold, if any
    for r, v, cs in releases:                # a release Note that could still apply is asked about
        if v is None and r.release.applies_to(top.node.path):
            open_checks = [c for c in cs if c.result is None]
            result.checks += open_checks[:3]
            result.questions += [_question(replace_kind(c, "release")) for c in open_checks[:2]]


def _open_ways(root: _Eval, desc: set[str]) -> list[tuple]:
    """The ways the entry could still hold: (criteria met, relevance to the description, unknowns, order, nodes,
    checks), contradicted ways left out."""
    scored = []
    for n, (nodes, alt) in enumerate(_alternatives(root)):
        if any(x.result is False for x in alt) or any(e.result is False for e in nodes):
            continue
        relevance = sum(bool(desc & (_words(e.node.text) - _UNIT_WORDS)) for e in nodes[1:])
        scored.append((sum(x.result is True for x in alt), relevance, sum(x.result is None for x in alt), n,
                       nodes, alt))
    return scored


def _explain_not_met(result: EntryResult, root: _Eval, every: list[_Eval]) -> None:
    """The nearest way and the check that fails it (or the Note that releases)."""
    near = max(_alternatives(root), key=lambda a: (sum(x.result is True for x in a[1]), -len(a[1])), default=None)
    result.checks = near[1] if near else [x for e in every for x in e.own]
    if result.released_by:
        result.why_not = "released by " + ", ".join(result.released_by)
    elif near:
        failing = next((x for x in near[1] if x.result is False), None)
        where = near[0][-1].node.locator
        if failing is not None and failing.kind == "kind":
            result.why_not = f"{where} is about another kind of item than the one described"
        else:
            result.why_not = (f"{where}: {failing.parameter} {failing.required} — given {failing.given}" if failing
                              else f"{where} does not hold")


def _ask(result: EntryResult, scored: list[tuple], applied, kinds: list[dict], named: frozenset = frozenset(),
         said: tuple[str, ...] = (), heading_terms: frozenset = frozenset()) -> None:
    """Questions for the nearest open ways: those with the most criteria already met, and, elsewhere in the entry,
    those whose headings name the item ("ADC" in 3A001.a.2 when 3A001.a.5 fails); then the release Notes on them.
    A release Note that names the item described as the entry's heading does not is about this very item: it is
    asked first. It names it by two kind words in a row (`named`: "weather radar" and 6A008 Note's "Meteorological
    (weather) radar"), or by a defined term the user's words (`said`) contain and the heading does not
    (`heading_terms`: "an inactivated vaccine" and 1C351 Note's "vaccines")."""
    def names_item(note: str) -> bool:
        return bool(named & _pairs(note)) or any(_contains(list(said), t) for t in _defined_terms(note) - heading_terms)

    ranked = sorted(scored, key=lambda s: (-s[0], -s[1], s[2], s[3]))
    top_met = ranked[0][0] if ranked else 0
    by_met = [s for s in ranked if s[0] == top_met][:3] if top_met else ranked[:2]
    branch = lambda s: s[4][min(2, len(s[4]) - 1)].node.locator                       # noqa: E731
    taken = {branch(s) for s in by_met}
    by_relevance = [s for s in sorted(scored, key=lambda s: (-s[1], -s[0], s[2], s[3]))
                    if s[1] and branch(s) not in taken][:2]
    best = by_met + by_relevance
    chosen: list[Check] = []
    for *_, nodes, alt in best:
        chosen += [x for x in alt if x.result is None and x not in chosen]
    if best:
        result.checks = list(best[0][5]) + [x for x in chosen if x not in best[0][5]]
    on_the_way = {e.node.path for *_, nodes, _ in best for e in nodes}
    pending = [(names_item(r.text), replace_kind(c, "release")) for r, v, cs in applied
               if v is None and any(r.release.applies_to(p) for p in on_the_way) for c in cs if c.result is None]
    askable, seen = [], set()
    for x in [c for first, c in pending if first] + \
            [x for x in chosen if x.kind in ("threshold", "fact") and OTHER_DIMENSION not in x.note] + \
            [c for first, c in pending if not first]:
        key = (x.kind, canonical_parameter(x.parameter) or x.parameter, x.locator if x.kind != "threshold" else "")
        if key not in seen:
            seen.add(key)
            askable.append(x)
    result.questions = (kinds + [_question(x) for x in askable])[:MAX_QUESTIONS]
    result.expert = [x for x in chosen if x.kind not in ("threshold", "fact") or OTHER_DIMENSION in x.note]


# --- the kind of item described --------------------------------------------------------------------------------------

# words of a heading that name no kind of item
_HEADING_WORDS = {"having", "any", "of", "the", "following", "as", "follow", "all", "or", "and", "a", "an", "specially",
                  "designed", "modified", "for", "other", "than", "those", "specified", "in", "by", "to", "with",
                  "which", "that", "is", "are", "be", "not", "used", "use", "using", "type", "one", "more", "no",
                  "either", "both", "capable", "being", "it", "its", "their", "such", "these", "on", "at", "from"}
_ACRONYM = re.compile(r"((?:[A-Za-z][\w-]*\s+){0,4}[A-Za-z][\w-]*)\s*\(\s*'?\"?([A-Z][A-Z0-9]{1,5})s?'?\"?\s*\)")


def _kind_words(text: str) -> set[str]:
    return {w for w in _words(text) if w not in _HEADING_WORDS and w not in _GENERIC_WORDS and w not in _UNIT_WORDS
            and not w.isdigit()}


@lru_cache(maxsize=16384)
def _sequence(text: str) -> tuple[str, ...]:
    return tuple(w.rstrip("s") for w in re.findall(r"[a-z][a-z0-9]*", fold(text)))


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i:i + n]) == phrase for i in range(len(words) - n + 1))


def _acronyms(root: Node) -> dict[str, tuple[str, ...]]:
    """Acronyms the entry defines in its headings ("Analogue-to-Digital Converter (ADC)"): acronym -> its long form,
    as the words in order ("analogue", "to", "digital", "converter"): the order tells ADC from DAC."""
    out: dict[str, tuple[str, ...]] = {}
    for n in root.walk():
        for m in _ACRONYM.finditer(n.text):
            acronym = m.group(2).lower()
            words = _sequence(m.group(1))
            content = [i for i, w in enumerate(words) if w not in ("to", "of", "and", "the")]
            first = content[-len(acronym)] if len(content) >= len(acronym) else 0
            out.setdefault(acronym, tuple(words[first:]))
    return out


@lru_cache(maxsize=1)
def _parameter_words() -> frozenset[str]:
    """The words that name figures, not kinds: the parameters' names ("sample rate") and the last word of each
    synonym ("adc resolution" -> "resolution", so "ADC" still names a kind)."""
    from .figures import parameters
    names = {w for p in parameters().values() for w in re.findall(r"[a-z]+", fold(p.name))}
    heads = {re.findall(r"[a-z]+", fold(phrase))[-1] for p in parameters().values() for phrase in p.words
             if re.findall(r"[a-z]+", fold(phrase))}
    return frozenset(w.rstrip("s") for w in names | heads)


def kind_scope(root: Node, description: str) -> frozenset[str]:
    """The items whose headings name the kind of item described, when the entry distinguishes kinds ("ADCs having
    ..." and "DACs having ..." under 3A001.a.5). A heading names it when it holds an acronym the description uses
    (or the acronym's long form, in order: "analogue-to-digital converter" is an ADC, not a DAC), or a word of the
    description that few headings of the entry use (not a parameter's name). The deepest such headings are the
    scope; empty when nothing names the kind."""
    seq = _sequence(description)
    desc = _kind_words(description) - _parameter_words()
    if not desc:
        return frozenset()
    acronyms = root.acronyms
    said = {a: long for a, long in acronyms.items() if a in desc or (len(long) > 1 and _contains(seq, long))}
    headings = [n for n in root.walk() if n.children and n is not root]
    counts: dict[str, int] = {}
    for n in headings:
        for w in _kind_words(n.text):
            counts[w] = counts.get(w, 0) + 1

    def names_it(n: Node) -> bool:
        words, seq_n = _kind_words(n.text), _sequence(n.text)
        if any(a in words or _contains(seq_n, long) for a, long in said.items()):
            return True
        return not said and any(counts.get(w, 0) <= 3 for w in words & desc)

    matched = [n for n in headings if names_it(n)]
    if not said:
        # a heading that shares only some of the words another shares is about another kind: "Carbon or aramid
        # 'fibrous or filamentary materials'" names an aramid yarn, "Glass 'fibrous or filamentary materials'" not
        shared = {n.locator: _kind_words(n.text) & desc for n in matched}
        matched = [n for n in matched if not any(shared[n.locator] < shared[o.locator] for o in matched)]
    deepest = [n for n in matched if not any(o is not n and is_within(o.locator, n.locator) for o in matched)]
    return frozenset(n.locator for n in deepest)


def names_kind(entry: Entry, description: str) -> bool:
    """Does the entry name the kind of item described: its own heading, or a heading inside it (kind_scope)?"""
    desc = _kind_words(description) - _parameter_words()
    return bool(desc & _kind_words(entry.root.text)) or bool(kind_scope(entry.root, description))


def mentions_kind(entry: Entry, description: str) -> bool:
    """Does any text of the entry (its heading, items, Notes) use a word of the description's kind, in any form
    ("encryptor" and "encryption" share their first six letters)? An entry whose heading does not name the kind can
    still be about it: only when no text of it uses such a word is it about another kind of item."""
    stems = {w[:6] for w in _kind_words(description) - _parameter_words() if len(w) >= 4}
    if not stems:
        return True                                   # nothing to tell kinds by: not shown to be another kind
    used = {w[:6] for n in entry.root.walk() for w in _words(n.text)} | {
        w[:6] for note in entry.releases for w in _words(note.text)}
    return bool(stems & used)


# words of a description that name no kind of item: generic nouns, and the words of the question around it ("is it
# controlled?" must not make "numerically controlled" machine tools the kind described); in _words' form (no final s)
_GENERIC_WORDS = {w.rstrip("s") for w in (
    "item", "product", "device", "equipment", "system", "unit", "component", "part", "with", "and", "for", "the", "our",
    "my", "new", "used", "is", "it", "we", "us", "do", "does", "need", "needs", "this", "one", "any", "what", "which",
    "how", "listed", "list", "controlled", "control", "dual", "use", "licence", "license", "export", "exported",
    "exporting", "annex", "entry", "fall", "falls", "status", "authorisation", "authorization", "classify",
    "classified", "classification", "pasted", "datasheet", "spec", "specification", "catalogue",
    "model", "sell", "sold", "ship", "customer", "customers", "made", "make", "from", "there", "can", "will")}
_UNIT_WORDS = {"bit", "bits", "gsp", "msp", "sp", "hz", "ghz", "mhz", "khz", "fp", "w", "mw", "kw", "nm", "mm", "m"}


def replace_kind(c: Check, kind: str) -> Check:
    return Check(c.parameter, c.required, c.given, c.result, c.locator, c.quote, kind, c.unit, c.note)


# ---------------------------------------------------------------------------------------------- the candidates

def classify(entries: list[Entry], figures: list[StatedFigure], flags: Iterable[StatedFlag] | dict = (),
             description: str = "", code: str | None = None, said: str | None = None) -> Classification:
    """Classify an item against candidate entries (best candidate first). See the module docstring. `said`: the
    user's own words, when `description` adds search words to them (items are identified by name in `said`)."""
    if isinstance(flags, dict):
        stated = dict(flags)
    else:
        stated = {}
        for f in flags:
            stated[f.name] = f                           # a later statement wins
    results = [classify_entry(e, figures, stated, description, said) for e in entries]
    caveats = sorted({c.note for r in results for c in r.checks if c.note and c.kind == "threshold"
                      and c.note == FLAG_MESSAGES["flattened_exponent"]})
    ruled_out = []
    for r in results:
        if r.met is False:
            ruled_out.append((r.locator, r.why_not or "no item of the entry holds for the stated figures"))
    listed = [r for r in results if r.met is True]
    item = {"description": description, "code": code}
    if listed:
        questions = [q for r in listed for q in r.questions]
        return Classification("listed", listed[0].deciding, results, ruled_out, questions, caveats, item)
    if results and all(r.met is False for r in results):
        return Classification("not_listed", None, results, ruled_out, [], caveats, item)
    questions = [q for r in results if r.met is None for q in r.questions][:MAX_QUESTIONS]
    status = "needs_facts" if questions else "needs_expert"
    return Classification(status, None, results, ruled_out, questions, caveats, item)


def tested_parameters(entry: Entry, figures: list[StatedFigure]) -> list[str]:
    """The stated parameters an entry's criteria test (its items and its release Notes)."""
    thresholds = [t for n in entry.root.walk() for t in n.criteria.thresholds]
    for r in entry.releases:
        stack = [r.release.condition]
        while stack:
            g = stack.pop()
            for t in g.tests:
                if isinstance(t, Group):
                    stack.append(t)
                elif isinstance(t, Threshold):
                    thresholds.append(t)
    return sorted({f.parameter for f in figures for t in thresholds if _matches(t, f)})


def rank_candidates(entries: list[Entry], figures: list[StatedFigure]) -> list[tuple[Entry, list[str]]]:
    """Candidates ordered by how many stated parameters their criteria test (ties keep the given order)."""
    scored = [(e, tested_parameters(e, figures)) for e in entries]
    return sorted(scored, key=lambda x: -len(x[1]))
