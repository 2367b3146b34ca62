"""Everyday words -> the regulation's own wording: `expand(question)` finds the phrases of data/lexicon.toml in a
question and returns the list words to add to the search query, the Annex I entries and the Article/Annex locators
they suggest.

Matching is on words, not characters: case, accents and punctuation are ignored ("5-axis" = "5 axis"), each word
is compared in its singular form ("drones" = "drone", "batteries" = "battery"), and where two phrases overlap the
longer one wins ("individual licence" over "licence"). A phrase written in capitals in the TOML ("INS", "APP")
only matches when written in capitals in the question, so the word "ins" or "app" does not trigger it.

Other languages: data/lexicon.<lang>.toml (de, fr, it, es, nl, pl) give everyday phrases in that language for the
English records, by the record's stable `key` ("thermal-camera"). They are merged into the English record, so a
German "Wärmebildkamera" adds the same list words and entries as "thermal camera"; matching stays
language-agnostic (folded words, the same longest-phrase rule).

Inflected forms in those languages ("telecamere termiche" for "telecamera termica", "kamery termowizyjne",
"Nachtsichtgeräten") are matched on word stems when the caller says which language the question is in
(`find(question, language="it")`; assistant/understand.py passes the language the turn was read in). The product
phrases (terms) of lexicon.<lang>.toml are kept per language in a `StemTable`; a question is matched exact-first,
then word by word against that language's product phrases only: two words match when they are the same word, or
share their Snowball stem (PyStemmer, Polish included) or their ending-stripped form (`stem`). A key shorter than
MIN_STEM letters is too little to go by ("sono" is not "sonar", "las" is not "láser"): such a word only matches
itself; a phrase of several words needs every word to match. German and Dutch write compounds as one word: there a
word may also end on a one-word product phrase of at least MIN_TAIL letters ("Restlichtnachtsichtgerät" on
"Nachtsichtgerät", not "Feuerwerksrakete" on "Rakete"). A language file's `not_stems` lists its words that share a
stem with a product phrase but mean something else ("torna", returns, and "tornio", a lathe): they match exactly
only. Topics keep the exact match, English questions and calls without a language keep the exact matching alone.

The lexicon is a search aid maintained by the project, never quoted as law.
"""
from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import Stemmer

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "lexicon.toml"
LANGUAGES = ("de", "fr", "it", "es", "nl", "pl")        # data/lexicon.<lang>.toml merged into the English records

# Snowball stemmer of each language of the lexicon.<lang>.toml files; a stem shorter than MIN_STEM matches exactly
SNOWBALL = {"de": "german", "fr": "french", "it": "italian", "es": "spanish", "nl": "dutch", "pl": "polish"}
MIN_STEM = 4
COMPOUNDS = ("de", "nl")          # languages that write compounds as one word: a word may end on a product's word
MIN_TAIL = 6                      # ... of at least this many letters ("Kamera", not "Lager")

_TOKEN = re.compile(r"[^\W_]+")
_IRREGULAR = {"lenses": "lens", "lens": "lens", "axes": "axis", "axis": "axis", "gases": "gas", "series": "series"}


@dataclass(frozen=True)
class Record:
    kind: str                       # "term" (product words -> Annex I entries) or "topic" (-> Articles, Annexes)
    say: tuple[str, ...]            # everyday phrases
    list_words: str                 # the list's own words, added to the query
    entries: tuple[str, ...] = ()   # Annex I entry codes ("1A005")
    anchors: tuple[str, ...] = ()   # canonical locators ("Art. 27(1)")
    generic: bool = False           # words in almost every question ("licence", "dual-use"): anchors in the background
    key: str = ""                   # stable id that the other languages' files refer to ("thermal-camera")
    said_in: tuple[tuple[str, str], ...] = ()   # (language, phrase) of the other languages' files, for stem matching


@dataclass(frozen=True)
class Expansion:
    words: str                      # list words to append to the query ("" when nothing matched)
    entries: list[str]              # Annex I entry codes, in the order the question mentions them
    anchors: list[str]              # locators suggested by topics, same order
    matched: list[str]              # the `say` phrases found, as written in the lexicon
    background: list[str] = field(default_factory=list)   # anchors of generic topics: relevant, never decisive

    def __bool__(self) -> bool:
        return bool(self.matched)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def singular(word: str) -> str:
    """Lower-case singular form used for comparison: 'Drones' -> 'drone', 'batteries' -> 'battery', 'ICs' -> 'ic'."""
    if len(word) >= 3 and word[-1] == "s" and word[:-1].isupper():       # "ICs", "UAVs", "FPGAs"
        return word[:-1].lower()
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("ie") and len(w) > 4:                                 # "walkie-talkie(s)": one form for both
        return w[:-2] + "y"
    if w.endswith("es") and w[:-2].endswith(("ss", "x", "ch", "sh")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def tokens(text: str) -> list[str]:
    """Words of a text, case kept, accents and punctuation dropped."""
    return [w for w, _, _ in word_spans(text)]


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Words of a text (case kept, accents dropped) with their character spans in the text as written."""
    return [(_fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text or "")]


def phrase_key(phrase: str) -> tuple[str, ...]:
    """Comparison key of a phrase: its words in singular lower-case form."""
    return tuple(singular(t) for t in tokens(phrase))


_stemmers = threading.local()          # a PyStemmer object is not thread-safe: one per thread and language
_VOWELS = "aeiouy"
_INFLECTION = re.compile(r"(?:'s|s|n)$")        # a final "'s", "s" or "n", before the final vowels go


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> tuple[str, str]:
    """Comparison keys of a word as written (accents kept: the stemmers know them) in `language`, each '' when
    shorter than MIN_STEM: its Snowball stem, and its ending-stripped form (folded, without a final "'s", "s" or
    "n", then without its final vowels), which joins the plural and gender forms Snowball keeps apart:
    'telecamere' -> ('telecam', 'telecamer'), 'telecamera' -> ('telecamer', 'telecamer'); 'Raketen' -> ('', 'raket')
    (Snowball's 'rak' is too short); 'Nachtsichtgeräten' -> ('nachtsichtgerat', 'nachtsichtgerat'); 'der' -> ('', '')."""
    by_language = _stemmers.__dict__
    if language not in by_language:
        by_language[language] = Stemmer.Stemmer(SNOWBALL[language])
    snowball = _fold(by_language[language].stemWord(word.lower())).lower()
    stripped = _INFLECTION.sub("", _fold(word).lower()).rstrip(_VOWELS)
    return tuple(k if len(k) >= MIN_STEM else "" for k in (snowball, stripped))


def same_stem(a: str, a_keys: tuple[str, str], b: str, b_keys: tuple[str, str]) -> bool:
    """Two words (exact singular forms `a`, `b`) match: the same word, or a key of at least MIN_STEM letters shared."""
    return a == b or any(x and x == y for x, y in zip(a_keys, b_keys))


Hit = tuple[Record, str, bool]      # a phrase found: its record, the phrase as written, whether capitals only


class StemTable:
    """Phrases of one language matched word by word on `stem` keys: every word of a phrase must match."""

    def __init__(self, language: str, not_stems: Iterable[str] = ()):
        self.language = language
        self.phrases: list[tuple[tuple[tuple[str, tuple[str, str]], ...], Hit]] = []     # (word keys, hit)
        self.by_start: dict[str, list[int]] = {}        # first three letters of a first word's keys -> phrases
        self.tails: dict[str, Hit] = {}                 # one-word phrases a compound can end on (German, Dutch)
        # words of the language matched exactly only, in the form `word` compares ("torna" is no "tornio")
        self.excluded = frozenset(singular(_fold(w)) for w in not_stems)

    def add(self, phrase: str, value: Hit) -> None:
        words = tuple(self.word(w) for w in _TOKEN.findall(phrase))
        if not words:
            return
        self.phrases.append((words, value))
        tail = words[0][1][1]
        if self.language in COMPOUNDS and len(words) == 1 and len(tail) >= MIN_TAIL:
            self.tails.setdefault(tail, value)
        for start in self._starts(words[0]):
            self.by_start.setdefault(start, []).append(len(self.phrases) - 1)

    def word(self, word: str) -> tuple[str, tuple[str, str]]:
        return singular(_fold(word)), stem(word, self.language)

    @staticmethod
    def _starts(word: tuple[str, tuple[str, str]]) -> set[str]:
        return {k[:3] for k in (word[0], *word[1]) if k}

    def at(self, words: list[tuple[str, tuple[str, str]]], i: int) -> dict[int, Hit]:
        """Length -> hit of the first phrase of that length whose words match `words` from position i."""
        found: dict[int, Hit] = {}
        for n in sorted({n for s in self._starts(words[i]) for n in self.by_start.get(s, [])}):
            keys, value = self.phrases[n]
            if len(keys) not in found and len(keys) <= len(words) - i and all(
                    k[0] == w[0] or w[0] not in self.excluded and same_stem(*k, *w)
                    for k, w in zip(keys, words[i:i + len(keys)])):
                found[len(keys)] = value
        if 1 not in found and self.tails and words[i][0] not in self.excluded:
            # "Restlichtnachtsichtgerät" ends on "Nachtsichtgerät"
            word = words[i][1][1]
            tails = [t for t in (word[j:] for j in range(3, len(word) - MIN_TAIL + 1)) if t in self.tails]
            if tails:
                found[1] = self.tails[tails[0]]         # the longest
        return found


def _caps_only(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


class Lexicon:
    def __init__(self, records: list[Record], not_stems: dict[str, tuple[str, ...]] | None = None):
        self.records = records
        # phrase key -> (record, phrase as written, capitals only); first record wins (tests forbid duplicates)
        self.table: dict[tuple[str, ...], Hit] = {}
        for rec in records:
            for phrase in rec.say:
                key = phrase_key(phrase)
                if key:
                    self.table.setdefault(key, (rec, phrase, _caps_only(phrase)))
        # language -> its file's product phrases, matched on stems: (record, phrase as written, capitals only).
        # Topics keep the exact match: their words are ordinary verbs and nouns, whose stems join other meanings
        # ('controllo' and 'controllata', a subsidiary; 'Ausfuhr' and 'Ausführer'); product words are nouns.
        self.stems: dict[str, StemTable] = {}
        for rec in records:
            for language, phrase in rec.said_in if rec.kind == "term" else ():
                if language not in self.stems:
                    self.stems[language] = StemTable(language, (not_stems or {}).get(language, ()))
                self.stems[language].add(phrase, (rec, phrase, _caps_only(phrase)))
        self.longest = max((len(k) for k in self.table), default=0)

    @classmethod
    def load(cls, path: Path = LEXICON_PATH, languages: tuple[str, ...] = LANGUAGES) -> "Lexicon":
        """The English lexicon at `path`, with the phrases of lexicon.<lang>.toml beside it merged in by key."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        records = [Record("term", tuple(r["say"]), r["list_words"], entries=tuple(r.get("entries", ())),
                          key=r.get("key", "")) for r in data.get("term", [])]
        records += [Record("topic", tuple(r["say"]), r["list_words"], anchors=tuple(r.get("anchors", ())),
                           generic=r.get("generic", False), key=r.get("key", "")) for r in data.get("topic", [])]
        not_stems: dict[str, tuple[str, ...]] = {}
        for lang in languages:
            other = path.with_name(f"{path.stem}.{lang}.toml")
            if other.exists():
                translations = tomllib.loads(other.read_text(encoding="utf-8"))
                records = merge(records, translations, other.name, lang)
                not_stems[lang] = tuple(translations.get("not_stems", ()))
        return cls(records, not_stems)

    def find(self, question: str, language: str | None = None) -> list[tuple[int, Record, str]]:
        """(word position, record, phrase) of every phrase found, longest first on overlaps, in question order.
        `language`: the question's language ("it"); its phrases are then also matched on word stems."""
        return [(i, rec, phrase) for i, rec, phrase, _, _ in self._matches(question, language)]

    def mentions(self, question: str, language: str | None = None) -> list[tuple[Record, str, int, int]]:
        """(record, phrase, start, end): every phrase found with the character span of the words it matched."""
        return [(rec, phrase, start, end) for _, rec, phrase, start, end in self._matches(question, language)]

    def _matches(self, question: str, language: str | None = None) -> list[tuple[int, Record, str, int, int]]:
        spans = word_spans(question)
        raw = [w for w, _, _ in spans]
        keys = [singular(t) for t in raw]
        stems = self.stems.get(language or "")
        stem_words = [stems.word(question[start:end]) for _, start, end in spans] if stems else []
        candidates = []
        for i in range(len(keys)):
            by_stem = stems.at(stem_words, i) if stems else {}
            for n in range(max(min(self.longest, len(keys) - i), *by_stem, 0), 0, -1):
                hit = self.table.get(tuple(keys[i:i + n])) or by_stem.get(n)       # exact first, then on stems
                if hit is None:
                    continue
                rec, phrase, caps = hit
                if caps and not all(t.rstrip("s").isupper() for t in raw[i:i + n]):
                    continue
                candidates.append((n, i, rec, phrase))
                break                                   # the longest phrase starting here
        taken: set[int] = set()
        found = []
        for n, i, rec, phrase in sorted(candidates, key=lambda c: (-c[0], c[1])):
            span = set(range(i, i + n))
            if span & taken:
                continue
            taken |= span
            found.append((i, rec, phrase, spans[i][1], spans[i + n - 1][2]))
        return sorted(found, key=lambda f: f[0])

    def expand(self, question: str, language: str | None = None) -> Expansion:
        words: list[str] = []
        seen_words: set[str] = set()
        entries: list[str] = []
        anchors: list[str] = []
        background: list[str] = []
        matched: list[str] = []
        for _, rec, phrase in self.find(question, language):
            matched.append(phrase)
            for w in rec.list_words.split():
                if w.lower() not in seen_words:
                    seen_words.add(w.lower())
                    words.append(w)
            entries += [e for e in rec.entries if e not in entries]
            target = background if rec.generic else anchors
            target += [a for a in rec.anchors if a not in target]
        return Expansion(" ".join(words), entries, anchors, matched, [a for a in background if a not in anchors])


def merge(records: list[Record], translations: dict, source: str = "", language: str = "") -> list[Record]:
    """Records with the `say` phrases of another language's file added to the English record of the same key.
    An unknown key raises; a phrase the record already has (same words) is not added twice. With the file's
    `language` (one of SNOWBALL), every phrase of the file is also kept in `said_in`, for stem matching."""
    by_key = {r.key: i for i, r in enumerate(records) if r.key}
    out = list(records)
    for kind in ("term", "topic"):
        for t in translations.get(kind, []):
            if t["key"] not in by_key:
                raise ValueError(f"{source}: no English {kind} with key {t['key']!r}")
            i = by_key[t["key"]]
            known = {phrase_key(p) for p in out[i].say}
            new = []
            for p in t["say"]:
                if phrase_key(p) not in known:
                    known.add(phrase_key(p))
                    new.append(p)
            said_in = tuple((language, p) for p in t["say"]) if language else ()
            out[i] = replace(out[i], say=out[i].say + tuple(new), said_in=out[i].said_in + said_in)
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The project lexicon, loaded once."""
    return Lexicon.load()


def expand(question: str, language: str | None = None) -> Expansion:
    """List words, Annex I entries and locators suggested by the everyday words of `question`, in `language`."""
    return lexicon().expand(question, language)
