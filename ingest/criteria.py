"""Machine-checkable criteria read from the wording of Annex I: thresholds of items, and Notes that release.

An Annex I item says what it controls in words: 'A resolution of 12 bit or more, but less than 14 bit, with a
"sample rate" greater than 400 MSPS;'. This module reads such wording into `Threshold`s (parameter as written,
comparator, limits, unit, and the verbatim span each came from), `Condition`s (a yes/no fact the user can state,
or a judgement such as "specially designed" that only an expert can make) and how they combine: the item's own
tests (all, or any when the text says "or"), and its sub-items ("having any of the following:", "all of the
following:", "as follows:", else the "; and" / "; or" at the end of the sub-items).

Notes that take items out of control ("1A005 does not control body armour when accompanying its user for the user's
own personal protection.", the Cryptography Note, "… does not apply to …") become `Release`s: the items they apply
to (codes, ranges "3A001.a.3. to 3A001.a.10.", "Category 5, Part 2"), what they release, and the conditions that
must be met, as a tree of the same tests.

Everything is computed at ingest (`attach_criteria`) and stored with the provision: `Provision.data["criteria"]`
for entries and items, `data["release"]` for release Notes, so a change in the text or in this grammar rebuilds
them. What the grammar cannot read is listed in `Criteria.unparsed`, never guessed; the reviewed exceptions live
in corpus/criteria_overrides.toml, each pinned to the span it was copied from.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .manifest import PROJECT_ROOT
from .model import Provision, entry_code_of
from .quantities import FLATTENED, LIST, Reading, convert, find_quantities, same_dimension

OVERRIDES_PATH = PROJECT_ROOT / "corpus" / "criteria_overrides.toml"
ALL, ANY = "all", "any"

# Facts a release Note turns on, named after the Note's words; law/figures.py reads the same names from users.
FLAG_PHRASES = {
    "accompanying_user": r"accompanying (?:its|their|the) users?",
    "personal_use": r"for the user'?s (?:own )?personal (?:use|protection)",
    "public_domain": r"\"in the public domain\"",
    "basic_scientific_research": r"\"basic scientific research\"",
    "patent_application": r"minimum necessary information for patent applications",
}
# Facts an item's own wording tests beside its figures, named as law/figures.py reads them from users: (flag, words,
# negated). 6A005: "'Single transverse mode' output and output power exceeding 50 W" / "'Multiple transverse mode'
# output and output power exceeding 150 W" (multiple = not single).
ITEM_FACTS = (
    ("single_transverse_mode", re.compile(r"\bsingle[- ]transverse[- ]mode\b", re.I), False),
    ("single_transverse_mode", re.compile(r"\bmultiple[- ]transverse[- ]mode\b", re.I), True),
)


# ------------------------------------------------------------------------------------------------------ model

@dataclass(frozen=True)
class Threshold:
    """A numeric test: `parameter` compared with limits in `unit`. low/high None = unbounded."""
    parameter: str                  # as written, quotes and article dropped, lower case: "sample rate"
    comparator: str                 # the comparing words as written: "greater than", "or more … less than"
    low: float | None
    low_inclusive: bool
    high: float | None
    high_inclusive: bool
    unit: str                       # pint expression ("" = a count)
    span: str                       # verbatim words of the provision it was read from
    start: int = 0                  # [start, end) of span in the provision text
    end: int = 0
    flags: tuple[str, ...] = ()     # "flattened_exponent": the copy lost a superscript; check the OJ
    alternates: tuple[tuple, ...] = ()   # the same limits in the unit the text gives in brackets: (low, high, unit)
    provision: str = ""             # locator of the provision the span is in, when not the item's own (overrides)
    origin: str = "grammar"         # grammar | override
    required: str = ""              # the limit as the text words it ("greater than 400 MSPS", "12 bit or more, …")
    type: str = "threshold"


@dataclass(frozen=True)
class Condition:
    """A test that is not a number: a fact the user can state (yes/no), or a judgement for an expert."""
    kind: str                       # fact | judgement
    name: str                       # a flag (FLAG_PHRASES) for facts; for a described item, "describes:<locator>"
    span: str
    start: int = 0
    end: int = 0
    negated: bool = False           # "unless …": the release holds when the fact is NOT the case
    provision: str = ""
    type: str = "condition"


@dataclass(frozen=True)
class Group:
    """Tests that combine: all must be met, or any one."""
    join: str                       # all | any
    tests: tuple = ()               # Threshold | Condition | Group
    span: str = ""                  # the words of this group (a paragraph of a Note)
    label: str = ""                 # its paragraph letter or number in a Note ("a", "b.1")
    type: str = "group"


@dataclass(frozen=True)
class Criteria:
    """The machine-checkable reading of one entry or item (stored in `Provision.data["criteria"]`)."""
    tests: tuple = ()               # the item's own tests (Threshold | Condition)
    join: str = ALL                 # how its own tests combine
    children: str | None = None     # how its sub-items combine; None for a leaf
    children_words: str = ""        # the words that say so ("having any of the following:"), or "; or" of a sub-item
    tail: str = ""                  # "or" / "and" that ends this item's text ("…; or"): how it joins its next sibling
    unparsed: tuple[str, ...] = ()  # spans with a comparator the grammar could not read
    not_used: bool = False          # "Not used"
    origin: str = "grammar"

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        return tuple(t for t in self.tests if isinstance(t, Threshold))

    @property
    def machine_checkable(self) -> bool:
        return bool(self.thresholds) and not self.unparsed and all(t.parameter for t in self.thresholds)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Criteria":
        return cls(**{**d, "tests": tuple(test_from_dict(t) for t in d.get("tests", ())),
                      "unparsed": tuple(d.get("unparsed", ()))})


@dataclass(frozen=True)
class Release:
    """A Note that releases items from control (`Provision.data["release"]` is a list of them: a General Software
    Note releases in more than one way)."""
    scope: tuple[str, ...]          # item paths it applies to ("1A005", "5A002", "3A001.a.3", …)
    excluded: tuple[str, ...] = ()  # paths carved out of scope ("other than those described in …")
    effect: str = "release"         # release ("does not control / apply to / include") | status_elsewhere
    object: str = ""                # what it releases, as written ("body armour")
    condition: Group = Group(ALL)   # must be met for the release to hold
    span: str = ""                  # the words that say what and when
    unparsed: tuple[str, ...] = ()
    origin: str = "grammar"

    def applies_to(self, path: str) -> bool:
        # a scope is an item path ("5A002.a") or a sub-category ("1D": every software entry of Category 1)
        inside = lambda p, s: p == s or p.startswith(s + ".") or (len(s) == 2 and p.startswith(s))  # noqa: E731
        return any(inside(path, s) for s in self.scope) and not any(inside(path, e) for e in self.excluded)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Release":
        return cls(**{**d, "scope": tuple(d["scope"]), "excluded": tuple(d.get("excluded", ())),
                      "condition": test_from_dict(d["condition"]), "unparsed": tuple(d.get("unparsed", ()))})


def test_from_dict(d: dict):
    kind = d.get("type")
    if kind == "threshold":
        return Threshold(**{**d, "flags": tuple(d.get("flags", ())),
                            "alternates": tuple(tuple(a) for a in d.get("alternates", ()))})
    if kind == "condition":
        return Condition(**d)
    if kind == "group":
        return Group(**{**d, "tests": tuple(test_from_dict(t) for t in d.get("tests", ()))})
    raise ValueError(f"not a criterion: {d!r}")


# ------------------------------------------------------------------------------------------------- comparators

_THAN = r"(?: ?\((?:better|higher|lower|greater|less|more)\))? ?than"
# (regex, kind): kind gt/ge/lt/le. Longest forms first: "equal to or less (better) than" before "less than".
PREFIX = [
    (rf"equal to or (?:greater|more|higher|larger|longer){_THAN}|equal to or exceeding|"
     rf"(?:greater|more|higher|larger)(?: \(better\))? than or equal to|not less than|no less than|at least|"
     r"a minimum of|≥|>=", "ge"),
    (rf"equal to or (?:less|lower|smaller|fewer|shorter){_THAN}|(?:less|lower|smaller|fewer)(?: ?\(better\))? than "
     r"or equal to|better \((?:less|lower)\) than or equal to|not exceeding|not more than|not greater than|"
     r"no more than|up to and including|up to|within ±|at or below|a maximum of|≤|<=", "le"),
    (rf"(?:greater|more|higher|larger|longer){_THAN}|better \((?:greater|higher|more)\) than|exceeding|"
     r"in excess of|exceeds|above|>", "gt"),
    (rf"(?:less|lower|smaller|fewer|shorter){_THAN}|better \((?:less|lower)\) than|below|<", "lt"),
]
_PREFIX = [(re.compile(rf"(?:{rx})\s*(?:±\s?)?$", re.I), kind) for rx, kind in PREFIX]
# "below a temperature of 4,2 K": the parameter stands between the comparator and the number
_PREFIX_NAMED = [(re.compile(rf"(?:{rx})\s+(?:an?|the)\s+(?P<param>[\w' -]{{2,40}}?)\s+of\s*$", re.I), kind)
                 for rx, kind in PREFIX]
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "twelve": 12}
SUFFIX = re.compile(r"^(?:\s*\([^()]*\))?\s*,?\s*(?:or|and) (?P<w>more|greater|higher|larger|longer|above|less|lower|"
                    r"fewer|smaller|shorter|below)\b(?: \((?:better|lower|higher)\))?", re.I)
SUFFIX_KIND = {"more": "ge", "greater": "ge", "higher": "ge", "larger": "ge", "longer": "ge", "above": "ge",
               "less": "le", "lower": "le", "fewer": "le", "smaller": "le", "shorter": "le", "below": "le"}
# a comparator anywhere: what the grammar must account for (else the item is "unparsed")
_WORDS_ONLY = "|".join(rx for rx, _ in PREFIX).replace("|≥|>=", "").replace("|≤|<=", "").replace("|>", "")
ANY_COMPARATOR = re.compile(r"\b(?!at least one\b)(?:" + _WORDS_ONLY.replace("|<", "") +
                            r"|better than|between(?=[^;:]{0,30}\d))\b|[≥≤]", re.I)
# clauses that state test conditions, not criteria: "when synthesising … below 100 MHz", "where N is …"
CONDITION_CLAUSE = re.compile(r"\b(?:when|where \w+ is|measured)\b[^;]*", re.I)
JUDGEMENT = re.compile(r"(?<!not )\bspecially (?:designed|prepared)(?: or (?:modified|prepared))?"
                       r"(?= (?:for|to|as|and limited)\b)"
                       r"|\"equivalent standards\"|\"required\"|having the same functional characteristics", re.I)
QUOTED = re.compile(r"\"([^\"]{2,80})\"|'([^']{2,80})'|‘([^’]{2,80})’|“([^”]{2,80})”|″([^″]{2,80})″")
STOP = {"with", "having", "has", "have", "and", "or", "at", "which", "that", "where", "when", "for", "in", "on", "by",
        "to", "from", "whose", "containing", "contain", "providing", "capable", "designed", "rated", "operating",
        "using", "being", "is", "are", "be", "but", "as", "a", "an", "the", "any", "its", "their", "within", "than",
        "if", "while", "specified", "exhibiting", "incorporating", "employing", "allowing", "achieving", "utilising",
        "via", "per", "into", "over", "under", "between", "of", "one", "all", "either", "each", "such", "not"}
LEADING = {"a", "an", "the", "any", "maximum", "minimum"}


def _count_words(after: str) -> str:
    """A count's noun after the number ("1500 terminals;" -> "terminals")."""
    m = QUOTED.match(after.strip())
    if m:
        return next(g for g in m.groups() if g)
    words = []
    for w in re.findall(r"[\w/-]+|[;,:.()]", after)[:5]:
        if not re.match(r"[\w/-]+$", w) or w.lower() in STOP:
            break
        words.append(w)
    return " ".join(words)


def parameter_phrase(window: str) -> str:
    """The parameter named in the words before a comparator: the nearest quoted term, else the noun phrase."""
    window = re.sub(r"\([^()]*\)", " ", window)
    quoted = list(QUOTED.finditer(window))
    if quoted:
        last = quoted[-1]
        rest = re.sub(r"\b(?:of|is|are|being|be|was)\b", " ", window[last.end():]).strip(" ,:")
        # '"sample rate" greater than', "'endurance' of", '"…repeatability" for jig boring machines, equal to…'
        term = next(g for g in last.groups() if g)
        if window.rstrip().endswith(","):
            return normalise_parameter(term)
        if len(rest.split()) <= 2 and not set(rest.lower().split()) & {"at", "with", "having", "in", "for", "on",
                                                                          "by", "to", "from", "and", "or"}:
            return normalise_parameter(f"{term} {rest}")    # '"laser" wavelength exceeding'

    words = re.findall(r"[\w/-]+|[;,:]|\.(?!\d)", window)
    while words and words[-1].lower() in {"of", "is", "are", "being", "be", "was", ","}:
        words.pop()
    phrase: list[str] = []
    for w in reversed(words):
        if not re.match(r"[\w/-]+$", w) or (w.lower() in STOP and phrase) or w.lower() in {"with", "having", "and",
                                                                                         "or", "at", "in", "for"}:
            break
        phrase.insert(0, w)
    while phrase and (phrase[0].lower() in STOP or re.fullmatch(r"[a-z]|\d+", phrase[0])):   # "2. Tensile …"
        phrase.pop(0)
    if not phrase and quoted:                   # "a 'turn-on time' from off to fully operational in less than …"
        return normalise_parameter(next(g for g in quoted[-1].groups() if g))
    return normalise_parameter(" ".join(phrase))


def normalise_parameter(words: str) -> str:
    words = re.sub(r"[\"'‘’“”″]", "", words).strip().lower()
    words = re.sub(r"\s+", " ", words)
    parts = words.split()
    while parts and parts[0] in LEADING - {"maximum", "minimum"}:
        parts.pop(0)
    return " ".join(parts)


# ----------------------------------------------------------------------------------------------- the grammar

@dataclass
class _Bound:
    kind: str              # gt ge lt le
    reading: Reading
    start: int             # where its words start (comparator or number)
    end: int               # after number, unit, brackets and suffix
    comparator: str
    window_end: int        # where the parameter words end (before the comparator)
    alternates: tuple = ()
    parameter: str = ""    # named between comparator and number ("below a temperature of 4,2 K")


def read_thresholds(text: str, *, provision: str = "") -> tuple[list[Threshold], list[str], str]:
    """Thresholds in `text`, the comparator spans it could not read, and how the thresholds join (all/any)."""
    ignored = [(m.start(), m.end()) for m in CONDITION_CLAUSE.finditer(text)]
    inside = lambda i: any(a <= i < b for a, b in ignored)        # noqa: E731
    readings = sorted((r for r in find_quantities(text, LIST) + _word_numbers(text) if not inside(r.start)),
                      key=lambda r: r.start)
    thresholds, joins = _named_thresholds(text, _bounds(text, readings), provision)
    for t in list(thresholds):
        after = text[t.end:t.end + 30]
        if not t.unit and t.parameter and t.span[-1:].isdigit() and UNKNOWN_UNIT.match(after):
            thresholds.remove(t)        # "less than 130 micro g": a unit the grammar does not know (left unparsed)
    covered = [(t.start, t.end) for t in thresholds]
    unparsed = [text[m.start():m.end() + 30].strip() for m in ANY_COMPARATOR.finditer(text)
                if not inside(m.start()) and not any(a <= m.start() < b for a, b in covered)]
    join = ANY if joins and all(j == "or" for j in joins) else ALL
    if "or" in joins and join == ALL:
        unparsed.append("mixed 'and' and 'or' between thresholds: " + text[:80])
    return thresholds, unparsed, join


# a word right after a count that is not a connector: the number had a unit the grammar does not know
UNKNOWN_UNIT = re.compile(r"\s+(?!or\b|and\b|but\b|per\b|in\b|of\b|at\b|for\b|with\b)[a-zμµ]")


def _brackets(text: str, end: int, readings: list[Reading], k: int, used: set[int]) -> tuple[int, list[Reading]]:
    """The bracketed equivalents after a value ("398 K (125 °C)", "40 W (46 dBm)"): (new end, readings)."""
    found = []
    while k < len(readings):
        m = re.match(r"\s?\(", text[end:])
        r = readings[k]
        if not (m and r.start == end + m.end() and text[r.end:r.end + 1] == ")"):
            break
        found.append(r)
        used.add(k)
        end, k = r.end + 1, k + 1
    return end, found


def _bounds(text: str, readings: list[Reading]) -> list[_Bound]:
    """Each value with its comparator: before it ("greater than 400 MSPS"), after it ("12 bit or more"), or a range
    ("between X and Y", "from X to Y", "X to Y")."""
    bounds: list[_Bound] = []
    used: set[int] = set()
    for i, r in enumerate(readings):
        if i in used or (bounds and r.start < bounds[-1].end):
            continue
        before = text[max(0, r.start - 70):r.start]
        offset = r.start - len(before)
        end, alternates = _brackets(text, r.end, readings, i + 1, used)
        prefix = next(((m, kind) for rx, kind in _PREFIX for m in [rx.search(before)] if m), None)
        named = None if prefix else next(((m, kind) for rx, kind in _PREFIX_NAMED for m in [rx.search(before)] if m),
                                         None)
        suffix = SUFFIX.match(text[end:])
        if prefix or named:
            m, kind = prefix or named
            words = m.group(0).strip(" ±")
            b = _Bound(kind, r, offset + m.start(), end, words, offset + m.start(), tuple(alternates))
            if named:                           # "below a temperature of 4,2 K"
                b.comparator = words[:m.start("param") - m.start()].strip()
                b.parameter = normalise_parameter(m.group("param"))
            bounds.append(b)
        elif suffix:
            bounds.append(_Bound(SUFFIX_KIND[suffix.group("w").lower()], r, r.start, end + suffix.end(),
                                 suffix.group(0).strip(" ,"), r.start, tuple(alternates)))
        else:
            bounds += _range(text, before, offset, r, end, alternates, readings, i + 1 + len(alternates), used)
    return bounds


def _range(text, before, offset, r, end, alternates, readings, j, used) -> list[_Bound]:
    """"between X and Y", "from X to Y", "in the range X to Y", "X to Y": an inclusive range, as two bounds."""
    link = re.match(r"\s*(and|to)\s*", text[end:])
    between = re.search(r"\bbetween\s*$", before, re.I)
    ranged = re.search(r"(?:\bfrom|\brange(?: of)?|\bbetween)\s*$", before, re.I)
    if not (link and j < len(readings) and readings[j].start == end + link.end()
            and (link.group(1) == "to" or between)):
        return []
    hi = readings[j]
    unit = r.unit or hi.unit
    if not (hi.unit and same_dimension(unit, hi.unit) and (ranged or r.unit)):
        return []
    used.add(j)
    hend, halts = _brackets(text, hi.end, readings, j + 1, used)
    start = offset + (ranged.start() if ranged else len(before))
    word = (ranged.group(0).strip() + " … " if ranged else "") + link.group(1)
    return [_Bound("ge", replace(r, unit=unit), start, end, word, start, tuple(alternates)),
            _Bound("le", hi, end, hend, RANGE_END, end, tuple(halts))]


RANGE_END = "__range__"            # the upper bound of a range: its words belong to the lower one


def _named_thresholds(text: str, bounds: list[_Bound], provision: str) -> tuple[list[Threshold], list[str]]:
    """Pair lower and upper bounds into ranges ("X or more, but less than Y"), name each threshold's parameter, and
    note the word that joins it to the one before ("and", "or")."""
    thresholds: list[Threshold] = []
    joins: list[str] = []
    k, previous_end = 0, 0
    while k < len(bounds):
        b = bounds[k]
        nxt = bounds[k + 1] if k + 1 < len(bounds) else None
        pair = bool(nxt and b.kind in ("gt", "ge") and nxt.kind in ("lt", "le")
                    and same_dimension(b.reading.unit or nxt.reading.unit, nxt.reading.unit or b.reading.unit)
                    and (nxt.comparator == RANGE_END or re.fullmatch(r"\s*,?\s*(?:but|and)?\s*,?\s*",
                                                                       text[b.end:nxt.start])))
        last = nxt if pair else b
        window = re.split(r"[;:]", text[previous_end:b.window_end])[-1]
        dimension = re.match(r"\s*in (length|diameter|thickness|width|height|depth|size|volume|major axis length)\b",
                             text[last.end:])                                  # "more than 500 m in length"
        parameter = b.parameter or (dimension.group(1) if dimension else parameter_phrase(window))
        count_end = None
        if not parameter:                               # "More than 1500 terminals": the noun follows the number
            of = re.match(r"\s*of (?:the )?([\w -]+?)(?= being|[,;(]|$)", text[last.end:])
            noun = of.group(1) if of else _count_words(text[last.end:])
            parameter = normalise_parameter(noun)
            at = text.find(noun, last.end) if noun else -1
            count_end = at + len(noun) if at >= 0 else None
        connector = _connector(text[previous_end:b.window_end])
        if not parameter and thresholds and connector == "or":
            parameter = thresholds[-1].parameter         # "rates of 400 degrees/s or more, or 30 degrees/s or less"
        if thresholds:
            joins.append(connector)
        if pair:
            comparator = b.comparator + " … " + (nxt.comparator if nxt.comparator != RANGE_END else "")
            thresholds.append(_threshold(text, parameter, comparator.strip(" …"), b, nxt, b.reading.unit
                                         or nxt.reading.unit, provision, count_end))
        else:
            lower = b.kind in ("gt", "ge")
            thresholds.append(_threshold(text, parameter, b.comparator, b if lower else None, None if lower else b,
                                         b.reading.unit, provision, count_end))
        previous_end = last.end
        k += 2 if pair else 1
    return thresholds, joins


def _word_numbers(text: str) -> list[Reading]:
    """"more than four primary radars", "at least two rotary axes", "One or more": counts in words."""
    out = []
    for m in re.finditer(r"\b(" + "|".join(WORD_NUMBERS) + r")\b", text, re.I):
        before = text[max(0, m.start() - 40):m.start()]
        prefix = next((kind for rx, kind in _PREFIX if rx.search(before)), None)
        if m.group(1).lower() == "one" and (prefix not in ("gt", "lt") or re.search(r"at least\s*$", before, re.I)):
            continue            # "one or more X", "at least one X": that there is one, not a count to compare
        if prefix or SUFFIX.match(text[m.end():]):
            out.append(Reading(float(WORD_NUMBERS[m.group(1).lower()]), "", m.group(0), m.start(), m.end(),
                               number_end=m.end()))
    return out


def _threshold(text: str, parameter: str, comparator: str, lo: _Bound | None, hi: _Bound | None, unit: str,
               provision: str, count_end: int | None = None) -> Threshold:
    first, last = lo or hi, hi or lo
    start, end = min(first.start, first.window_end), count_end or last.end
    # the span starts at the parameter's words when they are just before the comparator
    pstart = text.lower().rfind(parameter.split(" ")[0], max(0, start - 80), start) if parameter else -1
    if pstart >= 0 and re.fullmatch(r"[\w\s\"'‘’“”()/,-]*", text[pstart:start]):
        start = pstart
    while start > 0 and text[start - 1] in "\"'‘“":
        start -= 1
    flags = tuple(sorted({f for b in (lo, hi) if b for f in b.reading.flags if f == FLATTENED}))
    alternates = []
    for b in (lo, hi):
        for a in (b.alternates if b else ()):
            alternates.append((a.value if b is lo else None, a.value if b is hi else None, a.unit))
    if lo and hi and len(alternates) == 2 and same_dimension(alternates[0][2], alternates[1][2]):
        a_high = convert(alternates[1][1], alternates[1][2], alternates[0][2])
        alternates = [(alternates[0][0], a_high, alternates[0][2])]
    if unit == "gram" and re.search(r"accelerat|shock|\bg-?force", parameter + " " + text[end:end + 40]):
        unit = "standard_gravity"                   # "linear acceleration levels exceeding 100 g" (7A001)
    high = hi.reading.value if hi else None
    if hi and lo and hi.reading.unit and hi.reading.unit not in (unit, "gram"):   # "30 minutes but less than 1 hour"
        high = convert(high, hi.reading.unit, unit)
    limit_start = min(first.start, first.reading.start)
    return Threshold(parameter=parameter, comparator=comparator,
                     low=lo.reading.value if lo else None, low_inclusive=bool(lo and lo.kind == "ge"),
                     high=high, high_inclusive=bool(hi and hi.kind == "le"),
                     unit=unit, span=text[start:end].strip(" ,;"), start=start, end=end, flags=flags,
                     alternates=tuple(alternates), provision=provision,
                     required=text[limit_start:last.end].strip(" ,;"))


def _connector(between: str) -> str:
    """How two thresholds join, from the first word between them: "or" -> any; "and", "with", "," -> all."""
    m = re.match(r"[\s,;]*(\w+)", between)
    word = m.group(1).lower() if m else ""
    return "or" if word == "or" else "and"


CHILDREN_ANY = re.compile(r"\b(?:any|either|one or more) of the following\b|\bas follows\b|\bthe following\b", re.I)
CHILDREN_ALL = re.compile(r"\b(?:all|both|each) of the following\b", re.I)
TAIL = re.compile(r"(?:[;,.]\s*|\s)(and|or|and/or)\s*:?\s*$", re.I)


def read_item(text: str, *, has_children: bool, provision: str = "") -> Criteria:
    """The criteria of one entry or item, from its own text (its sub-items are read on their own)."""
    if re.match(r"^\s*Not used\b", text, re.I):
        return Criteria(not_used=True)
    tail_m = TAIL.search(text)
    tail = tail_m.group(1).lower() if tail_m else ""
    body = text[:tail_m.start()] if tail_m else text
    thresholds, unparsed, join = read_thresholds(body, provision=provision)
    tests: list = list(thresholds)
    for m in JUDGEMENT.finditer(body):
        tests.append(Condition("judgement", normalise_parameter(m.group(0)), m.group(0), m.start(), m.end(),
                               provision=provision))
    for flag, rx, negated in ITEM_FACTS:
        for m in rx.finditer(body):
            tests.append(Condition("fact", flag, m.group(0), m.start(), m.end(), negated=negated, provision=provision))
    children = words = None
    if has_children:
        head = re.split(r";", body)[-1]
        if CHILDREN_ALL.search(head):
            children, words = ALL, CHILDREN_ALL.search(head).group(0)
        elif CHILDREN_ANY.search(head):
            children, words = ANY, CHILDREN_ANY.search(head).group(0)
    if not has_children and not thresholds:
        # a leaf that only describes a kind of item ("Neural network integrated circuits;"): is the item that?
        tests.append(Condition("fact", f"describes:{provision}", body.strip(" ;,"), 0, len(body.strip(" ;,")),
                               provision=provision))
    return Criteria(tests=tuple(tests), join=join if len(thresholds) > 1 else ALL, children=children,
                    children_words=words or "", tail=tail, unparsed=tuple(unparsed))


# ------------------------------------------------------------------------------------------------- release Notes

RELEASE_VERB = re.compile(r"\b(?:does|do) not (?:control|apply to|include)\b|\b(?:is|are) not controlled\b|"
                          r"\bControls? (?:on \"technology\" transfers? )?do not apply to\b", re.I)
STATUS_ELSEWHERE = re.compile(r"\bcontrol status of\b.*?\bis determined by the control status of\b", re.I | re.S)
CODE = r"[0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*"
CODE_RANGE = re.compile(rf"({CODE})\.?\s+to\s+({CODE})\.?")
CODES = re.compile(rf"({CODE})\.?")
GENERIC_OBJECTS = {"products", "items", "goods", "equipment", "systems", "", "any of the following items",
                   "any of the following", "items as follows", "equipment as follows"}
LIST_MARK = re.compile(r"(?:(?<=[:;.]\s)|(?<=^)|(?<=\s-\s))(?P<m>[a-z]|\d{1,2})\.\s(?=\S)")


def expand_range(first: str, last: str) -> list[str]:
    """'3A001.a.3' .. '3A001.a.10' -> every sibling path between them (letters or numbers)."""
    a, b = first.split("."), last.split(".")
    if len(a) != len(b) or a[:-1] != b[:-1]:
        return [first, last]
    x, y = a[-1], b[-1]
    if x.isdigit() and y.isdigit():
        steps = [str(n) for n in range(int(x), int(y) + 1)]
    elif len(x) == len(y) == 1 and x.isalpha() and y.isalpha():
        steps = [chr(c) for c in range(ord(x), ord(y) + 1)]
    else:
        return [first, last]
    return [".".join(a[:-1] + [s]) for s in steps]


def read_codes(text: str) -> list[str]:
    """Item paths named in `text`, ranges expanded ("3A001.a.3. to 3A001.a.10., 3A001.b.12." -> …)."""
    out: list[str] = []
    pos = 0
    for m in CODE_RANGE.finditer(text):
        out += [c.rstrip(".") for c in CODES.findall(text[pos:m.start()])]
        out += expand_range(m.group(1).rstrip("."), m.group(2).rstrip("."))
        pos = m.end()
    out += [c.rstrip(".") for c in CODES.findall(text[pos:])]
    return list(dict.fromkeys(out))


def read_release(text: str, *, node: str = "", entries: tuple[str, ...] = (), heading: str = "",
                 provision: str = "") -> Release | None:
    """The release a Note states, or None when it states none. `node`: the path the Note is attached to (its scope
    when the text names none); `entries`: every entry code (to resolve "Category 5, Part 2"); `heading`: the text of
    the item(s) in scope (a released object that only repeats it, like "body armour", is not a condition)."""
    body = re.sub(r"^(?:Technical Notes?|Notes?|N\.B\.)\s*\d*\s*:?\s*", "", text.strip())
    elsewhere = STATUS_ELSEWHERE.search(body)
    verb = RELEASE_VERB.search(body)
    if re.match(r"^Nothing in\b", body) or not (verb or elsewhere):
        return None
    if elsewhere and (not verb or elsewhere.start() < verb.start()):
        subject, rest, effect = body[:elsewhere.end()], body[elsewhere.end():], "status_elsewhere"
    else:
        subject, rest, effect = body[:verb.start()], body[verb.end():], "release"
    scope_text, _, other = subject.partition("other than")
    scope = read_codes(scope_text)
    excluded = read_codes(other) if other else []
    category = re.search(r"Category (\d), Part (\d)", scope_text)
    if category and not scope:
        part = {"1": ("001", "101"), "2": ("002", "003", "004")}[category.group(2)]
        scope = [c for c in entries if c.startswith(category.group(1)) and c[2:] in part]
    if not scope and node:
        scope = [node]
    if not scope:
        return None
    qualifier = ""
    if effect == "status_elsewhere":              # "… which are specially designed for … other equipment"
        q = re.search(r"\b(?:which|that) (?:are|is|have|has)\b.*?(?=\bis determined\b)", subject, re.S)
        qualifier = q.group(0).strip() if q else ""
        rest = rest[rest.find("provided"):] if "provided" in rest else ""     # not "the other equipment. N.B. …"
    condition, unparsed, obj, span = _release_condition(rest, heading, provision, qualifier)
    return Release(scope=tuple(scope), excluded=tuple(excluded), effect=effect, object=obj, condition=condition,
                   span=span, unparsed=tuple(unparsed))


def _release_condition(rest: str, heading: str, provision: str,
                       qualifier: str = "") -> tuple[Group, list[str], str, str]:
    """What is released and when, from the words after the verb (and, for "the control status of … which are …
    is determined by …", the `qualifier` clause of the subject)."""
    span = rest.strip(" .:")
    m = re.search(r"\b(?P<w>when|if|where|unless|provided|having|that|which)\b|:|\bas follows\b", rest)
    obj = (rest[:m.start()] if m else rest).strip(" ,.:;")
    tail = rest[m.start():] if m else ""
    tests: list = []
    unparsed: list[str] = []
    heading_words = set(re.findall(r"[a-z]+", heading.lower()))
    def content(text: str) -> list[str]:
        return [w for w in re.findall(r"[a-z]+", text.lower())
                if w not in STOP and w not in {"following", "therefor", "components", "items", "including"}]
    # the words outside quotation marks; an object of defined terms only ("vaccines" or "immunotoxins") is its terms
    obj_words = content(re.sub(r"\"[^\"]*\"|'[^']*'", "", obj)) or content(obj)
    thresholds, bad, _ = read_thresholds(obj, provision=provision)
    tests += thresholds
    unparsed += bad
    if not qualifier and obj.lower() not in GENERIC_OBJECTS and obj_words and not all(
            w in heading_words or w.rstrip("s") in heading_words for w in obj_words):
        tests.append(Condition("fact", f"describes:{provision}", obj, provision=provision))
    if qualifier:
        tests += list(_option_group(qualifier, "", provision).tests)
    if tail:
        negated = bool(m and m.group("w") == "unless")
        options = _list_options(tail)
        if options:
            first = tail[:tail.find(options[0][1])] if options[0][1] in tail else tail
            join = ALL if CHILDREN_ALL.search(first) or re.search(r"\bprovided\b", first) else ANY
            alternatives = [_option_group(o, label, provision) for label, o in options]
            tests.append(Group(join, tuple(alternatives), span=tail.strip(" :")))
        elif tail.strip(" .:;"):
            tests += list(_option_group(tail, "", provision, negated=negated).tests)
    return Group(ALL, tuple(tests), span=span), unparsed, obj, span


def _list_options(text: str) -> list[tuple[str, str]]:
    """The top-level paragraphs "a. …; b. …; c. …" of a Note. Nested lists stay inside their paragraph: a marker
    continues the innermost open list whose next marker it is ("b." after "a." of a nested list), else an outer one;
    "a." or "1." opens a list inside the current paragraph."""
    marks = list(LIST_MARK.finditer(text))
    if not marks or marks[0].group("m") not in ("a", "1"):
        return []
    succ = lambda m: chr(ord(m) + 1) if m.isalpha() else str(int(m) + 1)      # noqa: E731
    levels: list[str] = [marks[0].group("m")]          # the last marker of each open list, outermost first
    top = [marks[0]]
    for m in marks[1:]:
        mark = m.group("m")
        depth = next((d for d in range(len(levels) - 1, -1, -1) if succ(levels[d]) == mark), None)
        if depth is not None:
            del levels[depth + 1:]
            levels[depth] = mark
            if depth == 0:
                top.append(m)
        elif mark in ("a", "1"):
            levels.append(mark)
    bounds = [m.start() for m in top] + [len(text)]
    return [(top[i].group("m"), text[top[i].end():bounds[i + 1]].strip(" ;,.")) for i in range(len(top))]


def _option_group(text: str, label: str, provision: str, *, negated: bool = False) -> Group:
    """One paragraph of a release Note: its flags, thresholds, and (when words remain) the described fact."""
    tests: list = []
    rest = text
    for flag, rx in FLAG_PHRASES.items():
        for m in re.finditer(rx, text, re.I):
            tests.append(Condition("fact", flag, m.group(0), negated=negated, provision=provision))
            rest = rest.replace(m.group(0), " ")
    thresholds, _, _ = read_thresholds(rest, provision=provision)
    tests += thresholds
    for t in thresholds:
        rest = rest.replace(t.span, " ")
    residue = [w for w in re.findall(r"[A-Za-z]+", rest) if w.lower() not in STOP | {"following", "when", "unless",
                                                                                    "provided", "own", "user", "s"}]
    if residue:
        tests.append(Condition("fact", f"describes:{provision}" + (f"#{label}" if label else ""), text.strip(" ;,."),
                               negated=negated, provision=provision))
    return Group(ALL, tuple(tests), span=text.strip(" ;,."), label=label)


# ------------------------------------------------------------------------------------------------------- ingest

def load_overrides(path: Path | None = OVERRIDES_PATH) -> dict[str, dict]:
    """locator -> reviewed override record (see corpus/criteria_overrides.toml)."""
    if path is None or not Path(path).is_file():
        return {}
    records = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("override", [])
    return {r["locator"]: r for r in records}


class StaleOverride(ValueError):
    """An override's span no longer reads so in the text (a new version of Annex I): it must be reviewed."""


def override_tests(record: dict, provisions: dict[str, Provision]) -> list:
    """The tests of an override record, each pinned to its span (StaleOverride names the record if a span moved)."""
    out = []
    for t in record.get("tests", ()):
        where = t.get("provision") or record["locator"]
        p = provisions.get(where)
        if p is None or t["span"] not in p.text:
            raise StaleOverride(f"criteria override {record['locator']}: the span {t['span']!r} no longer reads so "
                                f"in {where}; review corpus/criteria_overrides.toml")
        start = p.text.index(t["span"])
        if t.get("type", "threshold") == "threshold":
            at = t["span"].lower().find(t["comparator"].lower())
            out.append(Threshold(required=t.get("required") or (t["span"][at:] if at >= 0 else t["span"]),
                                 parameter=t["parameter"], comparator=t["comparator"], low=t.get("low"),
                                 low_inclusive=t.get("low_inclusive", False), high=t.get("high"),
                                 high_inclusive=t.get("high_inclusive", False), unit=t.get("unit", ""),
                                 span=t["span"], start=start, end=start + len(t["span"]),
                                 flags=tuple(t.get("flags", ())), provision=where if where != record["locator"] else "",
                                 origin="override"))
        else:
            out.append(Condition(t.get("kind", "fact"), t["name"], t["span"], start, start + len(t["span"]),
                                 negated=t.get("negated", False),
                                 provision=where if where != record["locator"] else ""))
    return out


def attach_criteria(provisions: list[Provision], overrides: dict[str, dict] | None = None) -> list[Provision]:
    """Annex I provisions with `data["criteria"]` (entries, items) and `data["release"]` (release Notes)."""
    overrides = load_overrides() if overrides is None else overrides
    by_locator = {p.locator: p for p in provisions}
    parents_with_items = {p.parent for p in provisions if p.kind == "item"}
    entries = tuple(p.locator.split()[-1] for p in provisions if p.kind == "entry")
    containers = {p.parent for p in provisions if p.kind == "category_note"}
    out = []
    for p in provisions:
        data = p.data
        if p.kind in ("entry", "item"):
            c = read_item(p.text, has_children=p.locator in parents_with_items, provision=p.locator)
            record = overrides.get(p.locator)
            if record and record.get("kind", "item") == "item":
                try:
                    tests = override_tests(record, by_locator)
                    keep = [t for t in c.tests if isinstance(t, Condition) and t.kind == "judgement"]
                    c = replace(c, tests=tuple(keep + tests), join=record.get("join", c.join), unparsed=(),
                                origin="override")
                except StaleOverride as e:      # never apply values to a text they were not copied from
                    c = replace(c, unparsed=c.unparsed + (str(e),))
            data = {**data, "criteria": c.to_dict()}
        elif p.kind in ("note", "technical_note", "category_note", "general_note") and p.locator not in containers:
            releases = _releases_of(p, by_locator, entries, overrides.get(p.locator))
            if releases:
                data = {**data, "release": [r.to_dict() for r in releases]}
        out.append(replace(p, data=data) if data is not p.data else p)
    if out:
        _fill_children_from_tails(out)
        _inherit_parameters(out)
    return out


def _releases_of(p: Provision, by_locator: dict[str, Provision], entries: tuple[str, ...],
                 record: dict | None) -> list[Release]:
    if record and record.get("kind") == "release":
        out = []
        for r in record["release"]:
            try:
                tests = override_tests({"locator": record["locator"], "tests": r["tests"]}, by_locator)
            except StaleOverride:           # the Note changed: it releases nothing until the override is reviewed
                continue
            out.append(Release(scope=tuple(r["scope"]), excluded=tuple(r.get("excluded", ())),
                               effect=r.get("effect", "release"), object=r.get("object", ""),
                               condition=Group(r.get("join", ALL), tuple(tests), span=r.get("span", "")),
                               span=r.get("span", ""), origin="override"))
        return out
    if p.kind in ("general_note", "technical_note"):
        return []                     # Part I notes and Technical Notes define; releases among them are overrides
    code = entry_code_of(p.locator) if p.kind != "category_note" else None
    node = p.parent.removeprefix("Annex I ") if code and p.parent else ""
    r = read_release(p.text, node=node, entries=entries, provision=p.locator)
    if r is None:
        return []
    heading = " ".join(by_locator[f"Annex I {a}"].text for s in r.scope for a in _ancestors(s)
                       if f"Annex I {a}" in by_locator)
    return [read_release(p.text, node=node, entries=entries, heading=heading, provision=p.locator)]


HEADING_CUT = re.compile(r"\s*(?:,\s*)?(?:as specified by|being|of|having|meeting|with)?\s*(?:any|all|both|either)"
                         r" of the following.*$|\s*as follows.*$", re.I | re.S)


def _inherit_parameters(provisions: list[Provision]) -> None:
    """"Less than 143 ps;" under 'having a "frequency switching time" as specified by any of the following:': the
    parameter is named by the heading above."""
    by_locator = {p.locator: i for i, p in enumerate(provisions)}
    for i, p in enumerate(provisions):
        c = p.data.get("criteria")
        if not c or all(t.get("parameter") or t["type"] != "threshold" for t in c["tests"]):
            continue
        parent = provisions[by_locator[p.parent]] if p.parent in by_locator else None
        if parent is None or parent.kind not in ("entry", "item"):
            continue
        head = HEADING_CUT.sub("", parent.text)
        if head == parent.text:
            continue
        name = parameter_phrase(head)
        if not name:
            continue
        tests = [{**t, "parameter": name} if t["type"] == "threshold" and not t["parameter"] else t for t in c["tests"]]
        provisions[i] = replace(p, data={**p.data, "criteria": {**c, "tests": tests}})


def _ancestors(path: str) -> list[str]:
    """'6A003.b.4.b' -> ['6A003', '6A003.b', '6A003.b.4', '6A003.b.4.b']."""
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _fill_children_from_tails(provisions: list[Provision]) -> None:
    """Where a heading does not say how its sub-items combine, the "; and" / "; or" of its sub-items does."""
    kids: dict[str, list[int]] = {}
    for i, p in enumerate(provisions):
        if p.kind == "item" and "criteria" in p.data:
            kids.setdefault(p.parent, []).append(i)
    for i, p in enumerate(provisions):
        c = p.data.get("criteria")
        if not c or p.locator not in kids or c["children"]:
            continue
        tails = [provisions[k].data["criteria"]["tail"] for k in kids[p.locator]][:-1]
        tails = [t for t in tails if t]
        join = ALL if tails and tails[-1] == "and" else ANY
        words = f"; {tails[-1]}" if tails else ""
        provisions[i] = replace(p, data={**p.data, "criteria": {**c, "children": join, "children_words": words}})
