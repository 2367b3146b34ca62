"""Figures and yes/no facts a user states about an item, read from a question, a later turn or a pasted datasheet.

    read_figures("We make 12-bit ADCs sampling at 2.5 GSPS")
      -> [StatedFigure(parameter="resolution", value=12, unit="binary_digit", words="12-bit", …),
          StatedFigure(parameter="sample rate", value=2.5, unit="gigasample_per_second", words="2.5 GSPS", …)]
    read_flags("the vest will accompany me for my own protection")
      -> [StatedFlag("personal_use", True, "for my own protection", …)]    (and accompanying_user when stated)

Numbers and units are read by `ingest.quantities` (pint); the parameter a number belongs to is named by the words
next to it (data/parameters.toml: "sampling rate", "Msps", "frames per second", "fps", …), else by a unit that
names one parameter only ("GSPS" is a sample rate). A number nothing names keeps `parameter=None`: it is shown,
never matched to a criterion. What the words say about the value ("more than 400 MSPS", "up to 2 GHz", "-40 to
85 °C") is kept as an interval, so a comparison with a threshold is met, not met, or unknown. Any length of text is
read (a datasheet paragraph is fine); every figure keeps the characters it came from.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from ingest.criteria import parameter_phrase
from ingest.quantities import USER, QuantityError, Reading, convert, find_quantities, same_dimension

PARAMETERS_FILE = Path(__file__).resolve().parent / "data" / "parameters.toml"

# words between a parameter's name and its number: "sample rate of up to 2.5 GSPS", "Resolution: 12 bits"
_FILLER = (r"(?:[:=(]|\b(?:of|is|are|was|were|be|at|about|approx\.?|approximately|around|~|up to|to|with|a|an|the|"
           r"max\.?|maximum|min\.?|minimum|rated|typical|typ\.?|nominal|over|under|than|more|less|greater|higher|"
           r"lower|exceeding|above|below|at least|beyond|reaching|reaches|reach|runs?|running|rate|value|spec)\b)")
# what the words before a number say about it
_BEFORE = [(re.compile(r"(?:more than|greater than|higher than|over|above|exceeding|in excess of|>)\s*$", re.I), "gt"),
           (re.compile(r"(?:at least|not less than|minimum of|min\.?|≥|>=)\s*$", re.I), "ge"),
           (re.compile(r"(?:less than|lower than|below|under|fewer than|<)\s*$", re.I), "lt"),
           (re.compile(r"(?:not more than|no more than|at most|not exceeding|≤|<=)\s*$", re.I), "le")]
_AFTER = [(re.compile(r"^\s*(?:or more|or greater|or higher|or above|\+)(?!\d)", re.I), "ge"),
          (re.compile(r"^\s*(?:or less|or lower|or below|or fewer)\b", re.I), "le")]
_SENTENCE_END = re.compile(r"[.;!?\n](?:\s|$)")
_AGGREGATE = re.compile(r"^\s*(?:in total|in aggregate|aggregated?|combined|summed|total(?: across| over| for)?)\b",
                        re.I)
NEGATION = re.compile(r"\b(?:not|no|never|isn't|aren't|won't|don't|doesn't|without)\s+(?:\w+\s+){0,2}$", re.I)


@dataclass(frozen=True)
class Parameter:
    name: str
    words: tuple[str, ...]
    unit: str
    implied_by_units: tuple[str, ...] = ()
    implied_when_followed_by: tuple[str, ...] = ()
    implied_when_preceded_by: tuple[str, ...] = ()
    implied_in_context: tuple[str, ...] = ()     # … or when the text says one of these words anywhere ("CW laser")


@dataclass(frozen=True)
class StatedFigure:
    """A number the user stated, with its unit and the parameter it is about."""
    parameter: str | None          # canonical name from parameters.toml; None when nothing names it
    value: float                   # the number as stated (the lower end of a stated range)
    unit: str                      # pint expression ("" for a count)
    words: str                     # the user's words it came from ("sampling at 2.5 GSPS")
    start: int
    end: int
    low: float | None = None       # what the words say: the value lies in [low, high] (None = open)
    low_inclusive: bool = True
    high: float | None = None
    high_inclusive: bool = True
    flags: tuple[str, ...] = ()    # ambiguous_separator, flattened_exponent
    alternative: float | None = None   # the other reading of "1,000" / "1.000"
    named_by: str = ""             # "words" (a name next to it) | "unit" (the unit names one parameter) |
                                   # "phrase" (no known name: the words before it, as written) | ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class StatedFlag:
    """A yes/no fact the user stated, named after the release Note condition it decides."""
    name: str
    value: bool
    words: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads(PARAMETERS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def parameters() -> dict[str, Parameter]:
    return {name: Parameter(name, tuple(p["words"]), p.get("unit", ""), tuple(p.get("implied_by_units", ())),
                            tuple(p.get("implied_when_followed_by", ())), tuple(p.get("implied_when_preceded_by", ())),
                            tuple(p.get("implied_in_context", ())))
            for name, p in _data()["parameter"].items()}


@lru_cache(maxsize=1)
def _word_index() -> list[tuple[str, str]]:
    """(word, parameter) pairs, longest words first."""
    pairs = [(w.lower(), p.name) for p in parameters().values() for w in (p.words + (p.name,))]
    return sorted(set(pairs), key=lambda x: -len(x[0]))


@lru_cache(maxsize=4096)
def canonical_parameter(phrase: str) -> str | None:
    """The parameter an Annex I wording (or a user's words) names: equal to one of its words, else ending with the
    longest one ("maximum frame rate" -> "frame rate"; "dac clock frequency" -> "clock frequency")."""
    phrase = re.sub(r"\s+", " ", phrase.lower().strip(" \"'‘’“”"))
    if not phrase:
        return None
    for word, name in _word_index():
        if phrase == word:
            return name
    for word, name in _word_index():
        if len(word) > 3 and re.search(rf"(?:^|\s){re.escape(word)}$", phrase):
            return name
    return None


@lru_cache(maxsize=1)
def _name_pattern() -> re.Pattern:
    words = sorted({w for w, _ in _word_index()}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.I)


def read_figures(text: str) -> list[StatedFigure]:
    """Every figure in `text` (a question, a later turn, a pasted datasheet), in order."""
    readings = find_quantities(text, USER)
    out: list[StatedFigure] = []
    i = 0
    while i < len(readings):
        r = readings[i]
        hi = _range_end(text, r, readings[i + 1] if i + 1 < len(readings) else None)
        unit = r.unit or (hi.unit if hi else "")
        if not unit and not hi:
            i += 1
            if not _named_count(text, r):
                continue                    # a bare number with no name: a year, an item number, a quantity ordered
            unit = ""
        else:
            i += 2 if hi else 1
        start, end = r.start, (hi.end if hi else r.end)
        name, named_by, wstart, wend = _name_of(text, start, end, unit)
        low, low_inc, high, high_inc = r.value, True, r.value, True
        if hi:
            high = hi.value
        else:
            kind = _bound(text, r)
            if kind in ("gt", "ge"):
                high, high_inc, low_inc = None, True, kind == "ge"
            elif kind in ("lt", "le"):
                low, high_inc = None, kind == "le"
        flags = tuple(dict.fromkeys(r.flags + (hi.flags if hi else ())))
        if name and _AGGREGATE.search(text[end:end + 30]) and not re.search(r"aggregate|total", name):
            # "250 MSPS per channel, so 1 GSPS in total": a sum over channels is not the per-item figure the list
            # tests (3A001.a.5.a Technical Note 3: the sample rate "is not aggregated"); shown, never matched
            name, named_by, flags = None, "", flags + ("aggregate",)
        out.append(StatedFigure(parameter=name, value=r.value, unit=unit, words=text[wstart:wend].strip(),
                                start=wstart, end=wend, low=low, low_inclusive=low_inc, high=high,
                                high_inclusive=high_inc, flags=flags, alternative=r.alternative, named_by=named_by))
    if not any(f.parameter == "total processing performance" for f in out):
        out += _processing_performance(text)
    out += _specific_figures(text, out)
    return sorted(out + _ratings(text, out), key=lambda f: f.start)


# "990 TFLOPS dense FP16", "800 TOPS INT8": a throughput at a bit length, the terms of 3A501.a.16 Technical Notes
_THROUGHPUT = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)\s*([PTG])(?:FLOPS|OPS)\b(?P<rest>[^,;()]{0,40})", re.I)
_PRECISION = re.compile(r"\b(?:(?:FP|INT|BF|TF)(\d{1,2})|(\d{1,2})-bit)\b", re.I)
_SPARSE = re.compile(r"\bsparse|\bsparsity\b", re.I)
_TERA = {"p": 1000.0, "t": 1.0, "g": 0.001}


def _processing_performance(text: str) -> list[StatedFigure]:
    """'Total Processing Performance' from datasheet throughputs (3A501.a.16 Technical Notes: "2 × 'MacTOPS' may
    correspond to the reported TOPS or FLOPS", times "the largest bit-length of the inputs", dense matrices, the
    highest value over bit lengths). The stated throughputs need not be all the modes the chip has, so the figure
    is a lower bound ("at least"): it can show the threshold met, never that it is not."""
    best = None
    for m in _THROUGHPUT.finditer(text):
        precision = _PRECISION.search(m.group("rest")) or _PRECISION.search(text[max(0, m.start() - 12):m.start()])
        if not precision or (_SPARSE.search(m.group("rest")) and not re.search(r"\bdense\b|without sparsity",
                                                                               m.group("rest"), re.I)):
            continue
        bits = int(precision.group(1) or precision.group(2))
        bits = 19 if precision.group(0).lower() == "tf32" else bits        # TF32 multiplies 19-bit inputs
        tpp = float(m.group(1).replace(",", ".")) * _TERA[m.group(2).lower()] * bits
        if best is None or tpp > best[0]:
            best = (tpp, m)
    if best is None:
        return []
    tpp, m = best
    return [StatedFigure(parameter="total processing performance", value=tpp, unit="", words=m.group(0).strip(),
                         start=m.start(), end=m.end(), low=tpp, high=None, named_by="words",
                         flags=("derived",))]


# Annex I Definitions: '"Specific modulus" means Young's modulus in pascals … divided by specific weight in N/m3',
# '"Specific tensile strength" means ultimate tensile strength in pascals … divided by specific weight in N/m3':
# a length in metres, from the modulus or strength and the density a fibre datasheet states
_SPECIFIC = {"specific modulus": re.compile(r"\b(?:tensile |young'?s |elastic )?modulus\W*$", re.I),
             "specific tensile strength": re.compile(r"\b(?:ultimate )?(?:tensile )?strength\W*$", re.I)}
STANDARD_GRAVITY = 9.80665          # m/s2: specific weight = density × g


def _specific_figures(text: str, stated: list[StatedFigure]) -> list[StatedFigure]:
    """Specific modulus and specific tensile strength computed from a stated modulus or strength (a pressure named
    by the word just before it) and the one density stated; nothing when either is missing or unclear."""
    densities = [f for f in stated if f.parameter == "density" and f.low == f.high and f.alternative is None]
    if len(densities) != 1:
        return []
    try:
        rho = convert(densities[0].value, densities[0].unit, "kilogram / meter ** 3")
    except QuantityError:
        return []
    out = []
    for name, before in _SPECIFIC.items():
        if any(f.parameter == name for f in stated):
            continue
        found = [f for f in stated if f.parameter is None and f.low == f.high and f.alternative is None
                 and same_dimension(f.unit, "pascal") and before.search(text[max(0, f.start - 30):f.start])]
        if len(found) == 1:
            f = found[0]
            value = convert(f.value, f.unit, "pascal") / (rho * STANDARD_GRAVITY)
            out.append(StatedFigure(parameter=name, value=value, unit="meter", words=f"{f.words}, {densities[0].words}",
                                    start=f.start, end=f.end, low=value, high=value, named_by="words",
                                    flags=("derived",)))
    return out


def _has_word(text: str, words) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.I) for w in words)


def _ratings(text: str, stated: list[StatedFigure]) -> list[StatedFigure]:
    """Ratings named rather than numbered ("commercial grade": 0 to 70 °C), where the text names the kind of part
    the name is used for and states no figure of that parameter itself (data/parameters.toml [rating])."""
    out = []
    for spec in _data().get("rating", {}).values():
        if any(f.parameter == spec["parameter"] for f in stated) or not _has_word(text, spec["context"]):
            continue
        for phrase in spec["words"]:
            m = re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text, re.I)
            if m and not NEGATION.search(text[max(0, m.start() - 30):m.start()]):
                out.append(StatedFigure(parameter=spec["parameter"], value=float(spec["low"]), unit=spec["unit"],
                                        words=m.group(0), start=m.start(), end=m.end(), low=float(spec["low"]),
                                        high=float(spec["high"]), named_by="words"))
                break
    return out


def _named_count(text: str, r: Reading) -> bool:
    """A plain number is a figure only when a count parameter names it ("TPP of 4800", "700 user I/Os")."""
    name, _, _, _ = _name_of(text, r.start, r.end, "")
    return name is not None and parameters()[name].unit == ""


def _range_end(text: str, r: Reading, nxt: Reading | None) -> Reading | None:
    """The second number of "-40 °C to +85 °C", "10-20 GHz", "between 2 and 3 GSPS"."""
    if nxt is None:
        return None
    link = text[r.end:nxt.start]
    if not re.fullmatch(r"\s*(?:to|–|-|—|and|\.\.)\s*", link):
        return None
    if link.strip() == "and" and not re.search(r"between\s*$", text[max(0, r.start - 12):r.start], re.I):
        return None
    if r.unit and nxt.unit and not same_dimension(r.unit, nxt.unit):
        return None
    return nxt if (nxt.unit or r.unit) else None


def _bound(text: str, r: Reading) -> str:
    before = text[max(0, r.start - 25):r.start]
    for rx, kind in _BEFORE:
        if rx.search(before):
            return kind
    for rx, kind in _AFTER:
        if rx.match(text[r.end:]):
            return kind
    return ""


def _name_of(text: str, start: int, end: int, unit: str) -> tuple[str | None, str, int, int]:
    """(parameter, how it was named, words start, words end) for the number at [start, end)."""
    sentence_start = max([m.end() for m in _SENTENCE_END.finditer(text, 0, start)] or [0])
    sentence_end = (_SENTENCE_END.search(text, end).start() if _SENTENCE_END.search(text, end) else len(text))
    fits = lambda name: (not unit and parameters()[name].unit == "") or (           # noqa: E731
        unit and parameters()[name].unit and same_dimension(unit, parameters()[name].unit))
    before = text[sentence_start:start]
    best = None
    for m in _name_pattern().finditer(before):
        rest = before[m.end():]
        if re.fullmatch(rf"\s*(?:{_FILLER}\s*)*", rest, re.I):
            name = canonical_parameter(m.group(1))
            if name and fits(name):
                best = (name, sentence_start + m.start())
    if best:
        return best[0], "words", best[1], end
    after = re.match(r"\s*(?:-\s*)?(?:of\s+)?", text[end:sentence_end])
    m = _name_pattern().match(text, end + after.end()) if after else None
    if m and m.end() <= sentence_end:
        name = canonical_parameter(m.group(1))
        if name and fits(name):
            return name, "words", start, m.end()
    if unit:
        context = text[sentence_start:sentence_end].lower()
        following = re.match(r"[\s-]*([\w-]+)", text[end:sentence_end])
        preceding = re.search(r"(\S+)\s*$", text[sentence_start:start])
        implied = [p.name for p in parameters().values()
                   if any(unit.endswith(u) or unit == u for u in p.implied_by_units)
                   and _implied_here(p, following.group(1).lower() if following else "",
                                     preceding.group(1).lower() if preceding else "", text)]
        crypto = re.search(r"\b(?:aes|rsa|ecc|ecdsa|ecdh|encrypt\w*|cipher\w*|crypto\w*|keys?)\b", context)
        if unit == "binary_digit" and crypto:          # "AES with 256-bit keys": a key length, not a resolution
            implied = ["integer factorisation key length"] if "rsa" in context else ["symmetric key length"]
        if len(implied) == 1:
            return implied[0], "unit", start, end
    # no known name: the words just before it, as written ("a measurement accuracy of 30 ppm"), which match an item
    # that names its parameter the same way
    raw = re.search(r"([A-Za-z][\w' /-]{2,60}?)\s*(?:[:=]|\bof\b|\bis\b)\s*$", before)
    if raw and unit:
        phrase = parameter_phrase(raw.group(1) + " of")
        if phrase and len(phrase.split()) <= 5 and not _name_pattern().search(phrase):
            return phrase, "phrase", sentence_start + raw.start(1) + raw.group(1).lower().find(phrase.split()[0]), end
    return None, "", start, end


def _implied_here(p: Parameter, following: str, preceding: str, text: str) -> bool:
    """Does a number in one of p's units name p here: always, when p sets no condition; else when the words next to
    it say so (both the next and the previous word, where both are set), or when the text uses one of its context
    words ("60 W" in a text about a CW laser is its output power)."""
    placed = p.implied_when_followed_by or p.implied_when_preceded_by
    if not placed and not p.implied_in_context:
        return True
    if placed and (not p.implied_when_followed_by or following in p.implied_when_followed_by) and \
            (not p.implied_when_preceded_by or preceding in p.implied_when_preceded_by):
        return True
    # "60 W, single mode" or "1.5 kW CW" in a CW laser text, not "a 150 W ytterbium fibre laser" (another thing's
    # figure) nor "a 48-bit numerically controlled oscillator" in an ADC datasheet
    qualifies_next = re.match(r"[a-z]", following) and following not in {w.split()[0] for w in p.implied_in_context}
    return not qualifies_next and _has_word(text, p.implied_in_context)


def read_flags(text: str) -> list[StatedFlag]:
    """Yes/no facts the release Notes turn on ("accompanying their user", "for the user's personal use"), stated
    or denied in `text`. A "yes" phrase after a negation ("not for my own use") counts as no."""
    out: list[StatedFlag] = []
    for name, spec in _data().get("flag", {}).items():
        found: list[StatedFlag] = []
        for value, key in ((False, "no"), (True, "yes")):
            patterns = [rf"(?<![\w-]){re.escape(p)}(?![\w-])" for p in sorted(spec.get(key, ()), key=len, reverse=True)]
            patterns += spec.get(f"{key}_patterns", [])       # phrases with a gap: "travels to China with her laptop"
            for pattern in patterns:
                for m in re.finditer(pattern, text, re.I):
                    if any(f.start <= m.start() < f.end for f in found):
                        continue
                    negated = NEGATION.search(text[max(0, m.start() - 30):m.start()])
                    found.append(StatedFlag(name, value != bool(negated), m.group(0), m.start(), m.end()))
        if len({f.value for f in found}) > 1:
            continue            # "single-mode and multimode versions": the text says both, so it decides nothing
        out += sorted(found, key=lambda f: f.start)
    return sorted(out, key=lambda f: f.start)
