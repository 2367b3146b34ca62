"""What a sentence states about an export, read by meaning rather than by fixed strings, in English, German, French,
Italian, Spanish, Dutch and Polish. Used by the optional LLM layer (assistant/llm.py) to compare a model's rewording
with the extractive answer; never used to write an answer.

A statement is one of these kinds, with a polarity:

    authorisation   an authorisation is needed (+) / is not needed (-)
    individual      an individual or global licence is needed (+) / is not needed (-)
    gea             a general export authorisation (EU001..EU008, or any) can be used (+) / cannot be used (-)
    destination_of  a country is a destination of a GEA (+) / is not, or is excluded (-)
    listed          the item is listed in Annex I, controlled (+) / is not (-)
    export          the export (to a country) is allowed (+) / is prohibited (-)
    sanctions       sanctions or an embargo apply (to a country) (+) / do not (-)

How a sentence is read (the words are in data/statements.toml):
- The sentence is cut into clauses at punctuation and at contrast or consequence words ("but", "so", "aber",
  "mais"...). A statement is read inside its clause: a concept word ("licence", "EU001", "controlled") and a predicate
  ("needed", "can be used", "allowed") or a word that is a statement on its own ("freely", "genehmigungsfrei").
  A clause that is only a subject ("Licence: not required") is read with the clause after it.
- Negation: one negation in the clause flips the polarity; in the languages with negative concord an n-word with
  another negation does not negate again ("no se necesita ninguna licencia", "żadne ... nie może" negate once). Words
  that end a measure ("lifted", "aufgehoben") and "outside" negate too. "Without" + a licence word says no licence is
  needed, and flips back under another negation ("you cannot export without a licence"). Two or more independent
  negations are read both ways: the caller rejects what it cannot read for sure.
- A short negative clause with no concept word of its own ("..., but not for Canada") is read as negating the clause
  before it, so its statement is read both ways.
- A one-word verdict opening the sentence ("Yes, ...", "Nein: ...") is a statement on the export.
- Flags of the whole sentence: hedged ("possibly", "may"), conditional ("if", "unless", "wenn", "si"...), the topic of a
  condition (a Part 3 / Article 4 matter: informed, aware, military end use, embargo...), the purposes named (repair,
  exhibition, intra-group) and the codes, GEAs and countries named (places through law.countries.find_places).
- Unsure is a flag too: a clause that holds a negation, or a permission or a GEA with a country, but gives no
  statement is `unread`, and the caller rejects the sentence.
"""
from __future__ import annotations

import bisect
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from law.codes import CODE, normalize_code
from law.countries import find_places

from .phrases import Match

DATA = Path(__file__).resolve().parent / "data" / "statements.toml"
GEA_NAME = re.compile(r"\bEU\s?-?\s?00?([1-8])\b", re.I)
MARKER = re.compile(r"\[\s*\d+\s*\]")
# the order decides between concepts that share a word (the first listed wins on phrases of equal length)
MAIN = ("only_needs", "auth_free", "auth_required", "auth_unneeded", "unlisted", "gea_noun", "individual", "auth_noun",
        "auth_verb", "destination", "excluded", "listed", "elsewhere", "export_prohibited", "export_allowed",
        "export_verb", "gea_under", "gea_cover", "gea_use", "auth_need", "sanctions", "without", "negation", "boundary")
FLAGS = ("hedge", "condition", "condition_topic", "purpose_repair", "purpose_exhibition", "purpose_intra_group")
PURPOSES = {"purpose_repair": "repair", "purpose_exhibition": "exhibition", "purpose_intra_group": "intra_group"}
# punctuation that ends a clause: ; : ( ) [ ] dashes, a comma before a space, a line break
CLAUSE_END = re.compile(r"[;:()\[\]—–]|,(?=\s)|\s-\s|\n")
OUTSIDE_THE_UNION = re.compile(r"(?i)\b(?:outside|au[sß]erhalb|hors|en dehors|al di fuori|fuori|fuera|buiten|poza)"
                               r"(?:\s+\S+){0,3}?\s+(?:union|eu|ue|unii|unie|unione|uni[oó]n|customs territory|zollgebiet\w*"
                               r"|territoire douanier|territorio doganale|territorio aduanero|douanegebied|obszar\w* celn\w*)\b")
# "a 2B001 item", "under 2B001", "is (certainly) 2B001": the item classified under a code
ITEM_OF_CODE = re.compile(r"(?i)\b[0-9][A-E][0-9]{3}(?:\.\w+)*\s+(?:item|entry|good|product|gut|ware|article|bien"
                          r"|articolo|prodotto|bene|art[ií]culo|producto|artikel|product|produkt|towar)s?\b"
                          r"|\b(?:under|unter|sous|sotto|bajo|onder|w pozycji|pod)\s+(?:entry\s+|position\s+)?[0-9][A-E][0-9]{3}"
                          r"|\b(?:is|are|ist|sind|est|sont|è|sono|es|son|jest|s[aą])\s+(?:\w+\s+)?[0-9][A-E][0-9]{3}")
# "items not listed in Annex I can still need ...": a kind of item, not a statement on the user's item
GENERIC_UNLISTED = re.compile(r"(?i)\b(?:items?|goods|products?|dual-use items?)\s+(?:that are\s+|which are\s+)?not\s+"
                              r"(?:listed|controlled|in annex i)\b(?:\s+in\s+annex\s+i\b)?"
                              r"|\bnicht\s+gelistete\w*\s+(?:g[üu]ter|waren)\b")
ELLIPTIC_WORDS = 5          # a negative clause this short with no concept word of its own negates its neighbour


@dataclass(frozen=True)
class Statement:
    kind: str
    positive: bool
    gea: str = ""            # EU001..EU008 ("" = a general authorisation, any)
    place: str = ""          # ISO2 of the country it is about ("" = none named)
    code: str = ""           # the Annex I code it is about ("" = the item)
    hedged: bool = False
    conditional: bool = False


@dataclass(frozen=True)
class Reading:
    statements: tuple[Statement, ...]
    unread: bool = False                     # a clause says something on the export the reader cannot tell
    hedged: bool = False
    conditional: bool = False
    topic: bool = False                      # the condition is about a Part 3 / Article 4 matter
    purposes: frozenset[str] = frozenset()   # repair | exhibition | intra_group
    codes: tuple[str, ...] = ()
    geas: tuple[str, ...] = ()
    places: tuple[str, ...] = ()


class _Table:
    """Phrases found on words: case and accents folded, a trailing * matching any word that starts with it; where
    phrases overlap the longest wins, then the one listed first, then the leftmost. Unlike assistant/phrases.py no
    word is put in an English singular form (it would turn Polish "zezwolenie" into "zezwoleny"): the table writes
    out or wildcards the forms of each language. Phrases are indexed by their first word."""

    def __init__(self, phrases: dict[str, list[str]]):
        self.entries: list[tuple[tuple[str, ...], str, str]] = []      # (pattern words, concept, phrase)
        for concept, items in phrases.items():
            for phrase in items:
                pattern = tuple(_fold(w) for w in re.findall(r"[^\W_]+\*?", phrase))
                if pattern:
                    self.entries.append((pattern, concept, phrase))
        self.entries.sort(key=lambda e: -len(e[0]))
        self.exact: dict[str, list[int]] = {}
        self.prefixed: dict[str, list[int]] = {}
        for rank, (pattern, _, _) in enumerate(self.entries):
            index = self.prefixed if pattern[0].endswith("*") else self.exact
            index.setdefault(pattern[0].rstrip("*"), []).append(rank)
        self.lengths = sorted({len(p) for p in self.prefixed})

    def find(self, text: str) -> list[Match]:
        ws = [(_fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]
        candidates = []
        for i, (key, _, _) in enumerate(ws):
            for rank in self.exact.get(key, []) + [r for n in self.lengths for r in self.prefixed.get(key[:n], [])]:
                pattern = self.entries[rank][0]
                if i + len(pattern) <= len(ws) and all(
                        ws[i + k][0].startswith(p[:-1]) if p.endswith("*") else ws[i + k][0] == p
                        for k, p in enumerate(pattern)):
                    candidates.append((rank, i, len(pattern)))
        taken: set[int] = set()
        found = []
        for rank, i, n in sorted(candidates):
            if taken.isdisjoint(range(i, i + n)):
                taken.update(range(i, i + n))
                _, concept, phrase = self.entries[rank]
                found.append(Match(concept, phrase, text[ws[i][1]:ws[i + n - 1][2]], ws[i][1], ws[i + n - 1][2]))
        return sorted(found, key=lambda m: m.start)


_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=None)
def _words() -> dict:
    with open(DATA, "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=None)
def _tables() -> tuple[_Table, _Table]:
    cues = _words()["cue"]
    return _Table({name: cues[name] for name in MAIN}), _Table({name: cues[name] for name in FLAGS})


@lru_cache(maxsize=None)
def _concord() -> frozenset[str]:
    return frozenset(_words()["cue"]["concord"])


def prepare(text: str) -> str:
    """Markers, markdown and contractions out: 'You can't [2]' -> 'You can not'; 'No 267/2012' is a number and
    'non-proliferation' one word, not negations. Polish 'ł' is read as 'l'."""
    text = MARKER.sub(" ; ", text)                                          # a marker ends a clause
    text = re.sub(r"[*_`#>|]+", " ", text).replace("ł", "l").replace("Ł", "L").replace("’", "'")
    text = re.sub(r"(?i)\b(ca)n't\b|\bcannot\b", lambda m: "can not", text)
    text = re.sub(r"(?i)\bwon't\b", "will not", text)
    text = re.sub(r"(?i)n't\b", " not", text)
    text = re.sub(r"\b(?:No|Nr|n[or]?)\.?\s+(?=\d)", "number ", text)       # "Regulation No 267/2012" is no negation
    text = OUTSIDE_THE_UNION.sub(" abroad ", text)                         # leaving the Union is what an export is
    text = GENERIC_UNLISTED.sub(" unlisteditems ", text)
    text = re.sub(r"\bAnnex I (?=[0-9][A-E][0-9]{3})", "", text)                # a locator, not "listed in Annex I"
    text = re.sub(r"(?i)\bpeut-[eê]tre\b", "peutetre", text)                # "maybe"; "peut être" is "can be"
    return re.sub(r"(?i)\bnon-(?=[^\W\d_])", "non", text)                # "non-proliferation": one word


# --- words and places ------------------------------------------------------------------------------------------------

def _fold(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=4096)
def countries_in(text: str) -> tuple[tuple[str, int, int], ...]:
    """(ISO2, start, end) for every place named (law.countries.find_places: countries, cities, regions, demonyms and
    governed codes, in the seven languages and their case forms)."""
    return tuple((p.country.iso2, p.start, p.end) for p in find_places(text))


# --- reading ---------------------------------------------------------------------------------------------------------

@dataclass
class _Clause:
    start: int
    end: int
    cues: dict[str, list[Match]] = field(default_factory=dict)
    geas: list[tuple[str, int]] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    words: int = 0
    text: str = ""

    def has(self, *names: str) -> bool:
        return any(self.cues.get(n) for n in names)

    @property
    def negations(self) -> int:
        """Negations in the clause. The n-words of the concord languages ("aucun", "ningun", "zaden") negate only
        when nothing else does: with "nie", "no", "non", "pas" or "without" in the clause they add none."""
        found = self.cues.get("negation", [])
        primary = sum(m.phrase not in _concord() for m in found)
        concord = len(found) - primary
        return primary + (1 if concord and not primary and not self.cues.get("without") else 0)


def _clauses(text: str, matches: list[Match]) -> list[_Clause]:
    cuts = sorted({0, len(text)} | {m.start() for m in CLAUSE_END.finditer(text)}
                  | {m.start for m in matches if m.concept == "boundary"})
    clauses = [_Clause(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip(" ,;:()[]—–-\n")]
    starts = [c.start for c in clauses]

    def at(pos: int) -> _Clause | None:
        i = bisect.bisect_right(starts, pos) - 1
        return clauses[i] if i >= 0 else None

    for m in matches:
        c = at(m.start)
        if c is not None and m.concept != "boundary":
            c.cues.setdefault(m.concept, []).append(m)
    for g in GEA_NAME.finditer(text):
        if (c := at(g.start())) is not None:
            c.geas.append((f"EU00{g.group(1)}", g.start()))
    for iso2, start, _ in countries_in(text):
        if (c := at(start)) is not None and iso2 not in c.places:
            c.places.append(iso2)
    for m in CODE.finditer(text):
        code = normalize_code(m.group(0))
        if code and (c := at(m.start())) is not None:
            c.codes.append(code)
    for c in clauses:
        c.words = len(re.findall(r"\w+", text[c.start:c.end]))
        c.text = text[c.start:c.end]
    return _merge_open(clauses)


SUBJECTS = ("auth_noun", "individual", "gea_noun", "sanctions", "export_verb")
PREDICATES = ("auth_free", "auth_required", "auth_unneeded", "auth_need", "unlisted", "listed", "destination", "excluded",
              "export_prohibited", "export_allowed", "gea_under", "gea_cover", "gea_use", "negation")


def _merge_open(clauses: list[_Clause]) -> list[_Clause]:
    """A clause that is only a subject ("Licence: not required"; "Without a licence, you cannot export it") is read
    with the clause after it."""
    out: list[_Clause] = []
    for c in clauses:
        if out and _open(out[-1]):
            prev = out.pop()
            out.append(_Clause(prev.start, c.end, {k: prev.cues.get(k, []) + c.cues.get(k, [])
                                                   for k in set(prev.cues) | set(c.cues)},
                               prev.geas + c.geas, prev.places + [p for p in c.places if p not in prev.places],
                               prev.codes + c.codes, prev.words + c.words, prev.text + c.text))
        else:
            out.append(c)
    return out


def _open(c: _Clause) -> bool:
    if c.has("without"):
        first = min(m.start for ms in c.cues.values() for m in ms)
        return c.cues["without"][0].start == first and not c.has(*PREDICATES)
    return (c.has(*SUBJECTS) or bool(c.geas or c.places or c.codes)) and not c.has(*PREDICATES)


def _under_gea(c: _Clause) -> bool:
    """'under EU001', 'unter der allgemeinen Genehmigung': the preposition right before a GEA."""
    targets = [s for _, s in c.geas] + [m.start for m in c.cues.get("gea_noun", [])]
    return any(0 < t - m.end <= 30 for m in c.cues.get("gea_under", []) for t in targets)


def _read_clause(c: _Clause, others: list[str]) -> list[Statement]:
    """The statements of one clause; `others`: the GEAs the rest of the sentence names ("EU001 covers 2B001, and
    Canada is one of its destinations")."""
    neg = c.negations

    def both(base: bool) -> tuple[bool, ...]:
        return (True, False) if neg >= 2 else ((base,) if neg == 0 else (not base,))

    out: list[tuple[str, tuple[bool, ...], dict]] = []
    places = c.places or [""]
    # the need of an authorisation (an individual licence, when the clause says so)
    kind = "individual" if c.has("individual") else "authorisation"
    # "no permit is required", "must be authorised": the verb said of the need of an authorisation
    permit = (any(m.phrase in ("permit", "permits") for m in c.cues.get("export_allowed", [])) or c.has("auth_verb")) \
        and c.has("auth_need", "auth_unneeded", "without", "negation")
    if c.has("auth_free") or (c.has("only_needs") and c.has("auth_need", "export_verb")):
        out.append(("authorisation", both(False), {}))
    elif c.has("auth_unneeded") and c.has("auth_noun", "individual"):
        out.append((kind, both(False), {}))
    elif c.has("auth_required"):
        out.append((kind, both(True), {}))
    elif c.has("auth_noun", "individual") or permit:
        if c.has("without"):
            out.append((kind, both(False), {}))
        elif c.has("auth_need") or neg:
            out.append((kind, both(True), {}))
    # a general authorisation: a destination of it, or its use
    subjects = [g for g, _ in c.geas] or ([""] if c.has("gea_noun") else [])
    if not subjects and c.places and c.has("destination") and len(others) == 1:
        subjects = others                                   # "its destinations"
    if subjects:
        destination = bool(c.places) and c.has("destination", "excluded")
        if destination:
            base = not c.has("excluded")
            out += [("destination_of", both(base), {"gea": g, "place": p}) for g in subjects for p in c.places]
        used = c.has("gea_use", "export_allowed") or _under_gea(c) or (
            c.has("gea_cover") and (c.places or c.has("export_verb")) and not destination)
        if used or (neg and not destination):
            out += [("gea", both(True), {"gea": g}) for g in subjects]
    # the item listed in Annex I
    codes = c.codes or [""]
    if c.has("unlisted"):
        out += [("listed", both(False), {"code": k}) for k in codes]
    elif c.has("listed") and not (subjects or c.has("destination", "elsewhere")):      # not "listed in Part 2"
        out += [("listed", both(True), {"code": k}) for k in codes]
    elif c.codes and not subjects and (c.has("gea_cover") or ITEM_OF_CODE.search(c.text)):
        out += [("listed", both(True), {"code": k}) for k in c.codes]          # "covered by 2B001", "a 2B001 item"
    # the export allowed or prohibited ("5A002 to Iran: allowed" has no verb)
    allowed = c.has("export_allowed") or (c.has("auth_verb") and not permit)          # "the export is authorised"
    if c.has("export_verb") or (c.places and (allowed or c.has("export_prohibited")) and not subjects):
        if c.has("export_prohibited"):
            out += [("export", both(False), {"place": p}) for p in places]
        elif allowed and not (subjects and c.has("gea_use")):                    # "EU003 can be used": on the GEA
            out += [("export", both(True), {"place": p}) for p in places]
        elif neg and _right_before(c, "negation", "export_verb"):
            out += [("export", both(True), {"place": p}) for p in places]       # "Do not export it to Iran"
    elif c.has("export_prohibited"):
        out += [("export", both(False), {"place": p}) for p in places]
    # sanctions
    if c.has("sanctions"):
        out += [("sanctions", both(True), {"place": p}) for p in places]
    return [Statement(k, pol, **args) for k, pols, args in out for pol in pols]


def _right_before(c: _Clause, first: str, then: str) -> bool:
    """A `first` cue followed by a `then` cue with at most one word between ("do not export", "keine Ausfuhr")."""
    return any(0 <= b.start - a.end and len(re.findall(r"\w+", c.text[a.end - c.start:b.start - c.start])) <= 1
               for a in c.cues.get(first, []) for b in c.cues.get(then, []))


def _is_elliptic(c: _Clause) -> bool:
    concepts = ("auth_free", "auth_required", "auth_noun", "individual", "gea_noun", "listed", "unlisted",
                "export_verb", "export_allowed", "export_prohibited", "sanctions", "gea_use", "auth_need")
    return bool(c.cues.get("negation")) and not c.has(*concepts) and not c.geas and c.words <= ELLIPTIC_WORDS


def _says_something(c: _Clause) -> bool:
    """A clause read as no statement that still looks like one: any negation, or a permission or a GEA with a
    country about the item, a country, a GEA or a licence. Unsure means the caller rejects it."""
    if c.has("elsewhere"):                               # "2B001 is not in Section I": about the list's structure
        return False
    about = bool(c.places or c.codes or c.geas) or c.has(*SUBJECTS)
    return c.has("negation") or (about and (c.has("export_allowed") or bool(c.geas and c.places)))


def _verdict(text: str, places: tuple[str, ...]) -> list[Statement]:
    """'Yes, ...' / 'Nein: ...' opening the sentence: a statement on the export."""
    m = re.match(r"\W*(\w+(?: \w+)?)\s*[,.:;!—–-]", _fold(text))
    if not m:
        return []
    said = m.group(1)
    verdicts = _words()["verdict"]
    for positive, words in ((True, verdicts["yes"]), (False, verdicts["no"])):
        if said in words or said.split()[-1] in words and said.split()[0] in ("likely", "probably", "possibly"):
            return [Statement("export", positive, place=p) for p in places or ("",)]
    return []


def read(sentence: str) -> Reading:
    """The statements a sentence makes, with its flags (see the module docstring)."""
    return _read(" ".join(prepare(sentence).split()))


@lru_cache(maxsize=8192)
def _read(text: str) -> Reading:
    main, flags = _tables()
    matches = main.find(text)
    clauses = _clauses(text, matches)
    geas = list(dict.fromkeys(g for c in clauses for g, _ in c.geas))
    per_clause = [_read_clause(c, geas) for c in clauses]
    for i, c in enumerate(clauses):
        if _is_elliptic(c):
            target = i - 1 if i > 0 else i + 1
            if 0 <= target < len(clauses):
                per_clause[target] += [Statement(s.kind, not s.positive, s.gea, s.place, s.code)
                                       for s in per_clause[target]]
    found = flags.find(text)
    concepts = {m.concept for m in found}
    places = tuple(dict.fromkeys(p for c in clauses for p in c.places))
    statements = [s for ss in per_clause for s in ss] + _verdict(text, places)
    hedged, conditional = "hedge" in concepts, "condition" in concepts
    statements = [Statement(s.kind, s.positive, s.gea, s.place, s.code, hedged, conditional) for s in statements]
    unread = any(not ss and _says_something(c) for c, ss in zip(clauses, per_clause))
    return Reading(tuple(dict.fromkeys(statements)), unread, hedged, conditional, "condition_topic" in concepts,
                   frozenset(PURPOSES[c] for c in concepts if c in PURPOSES),
                   tuple(dict.fromkeys(k for c in clauses for k in c.codes)),
                   tuple(dict.fromkeys(g for c in clauses for g, _ in c.geas)), places)


# --- sentences -------------------------------------------------------------------------------------------------------

# words before a full stop that do not end a sentence ("Art. 3(1)", "No EU001", "e.g.", "Abs. 2", "ust. 1")
_ABBREVIATION = re.compile(r"(?:\b(?:Art|Arts|Nr|e\.g|i\.e|etc|cf|p|pp|para|paras|Reg|vs|ca|approx|incl|Abs|"
                           r"ust|pkt|lit|z\.B|d\.h|bzw|ggf|vgl|ex|al|Dz|n|nº)|\b[A-Z])\.$", re.I)
# a full stop (and the markdown or quote closing after it), space, then a capital, a digit or an opening mark; the
# close of a bold lead, or a citation marker, then a capital; a line break
_START = r"[\"“‘'(\[*_]*[^\W_a-z]"
_SENTENCE_END = re.compile(r"[.!?][*_”\"’)]*(\s+)(?=" + _START + r")|\*\*(\s+)(?=[*_]*[^\W_a-z\[])"
                           r"|\](\s+)(?=[*_]*[^\W_a-z\[])|(\n+)")
_QUOTED = re.compile(r"“[^”]*”")


def sentences(text: str) -> list[str]:
    """The sentences of a text (and its lines: a list item is a sentence); a run of markers alone ('[2].') stays
    with the sentence before it."""
    text, parts, last = text or "", [], 0
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    for m in _SENTENCE_END.finditer(text):
        gap = next(g for g in range(1, 5) if m.group(g) is not None)
        if any(a < m.start(gap) < b for a, b in quoted):
            continue                                    # "“1. An authorisation shall …”" is one quotation
        parts.append(text[last:m.start(gap)])
        last = m.end()
    out: list[str] = []
    for part in parts + [text[last:]]:
        part = part.strip()
        if not part:
            continue
        if out and (re.fullmatch(r"[\s\[\]\d.,;]*", part) or _ABBREVIATION.search(out[-1])):
            out[-1] += " " + part
        else:
            out.append(part)
    return out
