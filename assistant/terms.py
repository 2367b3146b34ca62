"""The regulation's defined terms as they are written in six other languages (data/terms.toml): which English term a
question in German, French, Italian, Spanish, Dutch or Polish asks the meaning of.

    english_term("weltraumgeeignet", "de")                   # 'Space-qualified'
    term_asked("Que signifie « technologie » ?", 12)          # ('technologie', 'Technology')

Words are compared whole, case and accents ignored, each word by its stem in the language (Snowball, so
"Vermittlungstätigkeiten" meets "Vermittlungstätigkeit"). A search aid, never quoted as law: the definition the answer
quotes is the English text's (assistant/tools.py `define`)."""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from .gloss import fold, stemmer, stopwords
from .lexicon import LANGUAGES

TERMS_PATH = Path(__file__).resolve().parent / "data" / "terms.toml"
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
# a term in quote marks of any of the seven languages ("…", „…“, « … », ‘…’): an apostrophe inside is
# no mark
QUOTED = re.compile(r"(?:(?<=[\s(])|^)[\"“„«‘‚']\s?(?P<term>[^\"“”„«»‘’‚]{2,60}?)\s?[\"”“»’'‘]"
                    r"(?=[\s.,;:?!)]|$)")


def _key(text: str, language: str) -> str:
    """Folded stems of the words of `text`, space-separated."""
    words = [fold(w) for w in _WORD.findall(text)]
    return " ".join(stemmer(language).stemWords(words)) if words else ""


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    """language -> stem key of a form -> the English term."""
    records = tomllib.loads(TERMS_PATH.read_text(encoding="utf-8"))["term"]
    return {lang: {_key(form, lang): r["en"] for r in records for form in r.get(lang, [])} for lang in LANGUAGES}


def english_term(words: str, language: str) -> str | None:
    """The English defined term `words` write in `language` (all of them, no more), or None."""
    return _table().get(language, {}).get(_key(words, language)) if language in LANGUAGES else None


def term_asked(text: str, after: int = 0, language: str | None = None) -> tuple[str, str] | None:
    """(the words, the English term) a question asks the meaning of, in `language` (any of the six when None): the
    words in quote marks, else all the words after position `after` (where "Was bedeutet" ends), its articles left
    out ("Was bedeutet die Ausfuhr?"). None when they are no defined term: "Was bedeutet das für unsere Ausfuhr?"
    asks about no term."""
    quoted = QUOTED.search(text)
    for lang in (language,) if language in LANGUAGES else LANGUAGES:
        if quoted:
            words = quoted.group("term")
        else:
            rest = [w for w in text[after:].strip(" ?!.¿¡:").split()]
            while rest and fold(rest[0]) in stopwords(lang):
                rest.pop(0)
            words = " ".join(rest)
        english = english_term(words, lang)
        if english:
            return words, english
    return None
