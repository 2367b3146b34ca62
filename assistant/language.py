"""Which language a question is written in, and whether the assistant supports it.

    detect("Brauche ich eine Ausfuhrgenehmigung für eine Wärmebildkamera nach China?")
    # Language(code="de", supported=True, confidence=1.0, name="German")
    detect("Preciso de licença para exportar para o Brasil?")
    # Language(code="pt", supported=False, ...): say so in English, answer nothing not understood

lingua decides, restricted to a set that makes an unsupported language recognisable as itself rather than forced
into one of ours: the seven supported languages, the other official languages of the EU, and a few languages of the
usual partner countries. Control codes, numbers and units are removed first ("5A002", "100 l", "2,5 GSPS"). Short
inputs are where lingua guesses: below SHORT_WORDS words a supported language needs a clear lead (or a place name
that only that language writes so: "Deutschland"), otherwise the answer falls back to English, which is also the
answer for an input with no words at all ("5A002?").
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

SUPPORTED = ("en", "de", "fr", "it", "es", "nl", "pl")
DEFAULT = "en"
SHORT_WORDS = 4           # fewer words than this: lingua's top guess needs CLEAR_LEAD to be believed
CLEAR_LEAD = 0.6
# A language we do not read is believed only when lingua is sure of it (real questions in Portuguese, Swedish,
# Czech, Russian, Turkish, Hungarian score 0.77-1.0; a Spanish question full of English names scored 0.21 "Czech"):
# below this, the best supported language in lingua's ranking is taken.
SURE_UNSUPPORTED = 0.5
# English, the corpus's language, wins a near tie: product names and codes pull English questions towards Dutch or
# German ("Is a VPN router controlled?": nl 0.176, en 0.176), while questions in the six other languages leave
# English at most 0.46 of their own language's confidence (translated dev questions).
ENGLISH_CLOSE = 0.75
# Misspelt words throw lingua's letter statistics ("can we exprot a lathe to Candada?": Spanish 0.18, English 0.13);
# the little words are rarely misspelt. Below CLEAR_LEAD, a supported language whose function words outnumber those
# of lingua's pick by FUNCTION_LEAD, with at least FUNCTION_MIN of them, is taken instead.
FUNCTION_LEAD = 2
FUNCTION_MIN = 3
# A short input whose top language lingua scores at least SHORT_LEAD, and English at most SHORT_ENGLISH of that, is
# in that language ("Que signifie technologie ?": French 0.45, English 0.19; "Wat betekent technologie?": Dutch 0.56);
# "Same for carbon fibre?" (French 0.17, English 0.11) stays English.
SHORT_LEAD = 0.4
SHORT_ENGLISH = 0.5

# the inverted question and exclamation marks: Spanish writes them, Portuguese does not ("¿Lo mismo para los llaves
# dinamométricas?" is Portuguese to lingua)
_SPANISH_MARKS = re.compile(r"[¿¡]")

# lingua's names for the languages it should tell apart (ISO 639-1 in the comments).
_CANDIDATES = (
    "ENGLISH GERMAN FRENCH ITALIAN SPANISH DUTCH POLISH "                          # en de fr it es nl pl: supported
    "PORTUGUESE SWEDISH DANISH FINNISH CZECH SLOVAK HUNGARIAN ROMANIAN BULGARIAN "  # other EU languages
    "CROATIAN SLOVENE ESTONIAN LATVIAN LITHUANIAN GREEK IRISH "                      # (lingua has no Maltese)
    "RUSSIAN UKRAINIAN TURKISH ARABIC CHINESE JAPANESE KOREAN HINDI PERSIAN"       # partners
).split()

# A word that carries no language: control codes (5A002, 9A012.a), numbers with units, ECCNs, GEA numbers.
_NOT_WORDS = re.compile(r"\b(?:\w*\d\w*(?:[.,/-]\w+)*)\b|https?://\S+")


@dataclass(frozen=True)
class Language:
    code: str                 # ISO 639-1, lower case ("de")
    supported: bool
    confidence: float         # lingua's relative confidence for this language (0..1); 0.0 for a fallback
    name: str = ""            # English name ("German"), for the unsupported-language message

    def __str__(self) -> str:
        return self.code


_lock = threading.Lock()


@lru_cache(maxsize=1)
def detector():
    """The lingua detector, built once. Its models load on first use (several seconds on 2 cores): call warm_up()
    from a background thread at start-up to take that off the first question."""
    from lingua import Language as L
    from lingua import LanguageDetectorBuilder
    return LanguageDetectorBuilder.from_languages(*(getattr(L, n) for n in _CANDIDATES)).build()


def warm_up() -> None:
    """Load the language models now (they load lazily on the first detection otherwise)."""
    detect("Brauche ich eine Genehmigung für die Ausfuhr?")
    detect("Faut-il une licence pour exporter ?")


_warming = threading.Event()


def warm_up_in_background() -> None:
    """warm_up() once per process, on a daemon thread: the first question finds the models loaded (or waits on the
    detection lock for the rest of the load, never loading them twice)."""
    if not _warming.is_set():
        _warming.set()
        threading.Thread(target=warm_up, name="lingua-warm-up", daemon=True).start()


def _words(text: str) -> str:
    return " ".join(w for w in re.findall(r"[^\W\d_]+", _NOT_WORDS.sub(" ", text or "")) if len(w) > 1 or w.isupper())


def detect(text: str, hint: str | None = None) -> Language:
    """The language of `text`. `hint` (a supported code, e.g. the browser's or the previous turn's language) breaks
    a tie on a short input. English when nothing can be told."""
    words = _words(text)
    if not words:
        return _fallback(hint)
    # a country's own name ("and Türkiye?", "to Monaco") is no evidence of the turn's language
    rest = _words(_without_places(text))
    if hint in SUPPORTED and len(rest.split()) <= 2:
        return _fallback(hint)                          # "A do Rosji?": too few words to overrule the conversation
    words = rest or words
    with _lock:                                         # lingua's lazy model loading is not for two threads at once
        values = detector().compute_language_confidence_values(words)
    ranked = [(v.language.iso_code_639_1.name.lower(), v.value, v.language.name.title()) for v in values]
    code, confidence, name = ranked[0]
    long = len(words.split()) >= SHORT_WORDS
    if long and code not in SUPPORTED and confidence < SURE_UNSUPPORTED:
        code, confidence, name = next((r for r in ranked if r[0] in SUPPORTED), ranked[0])
    if code not in SUPPORTED and _SPANISH_MARKS.search(text):
        code, confidence, name = "es", next((v for c, v, _ in ranked if c == "es"), 0.0), "Spanish"
    english = next((v for c, v, _ in ranked if c == "en"), 0.0)
    if code != "en" and english > 0 and english >= ENGLISH_CLOSE * confidence:
        code, confidence, name = "en", english, "English"
    counts = _function_word_counts(words)
    if code in SUPPORTED and confidence < CLEAR_LEAD:         # "can we exprot a lathe to Candada?" is English
        best = max(SUPPORTED, key=lambda c: counts[c])
        if best != code and counts[best] >= FUNCTION_MIN and counts[best] >= counts[code] + FUNCTION_LEAD:
            code, confidence, name = best, next((v for c, v, _ in ranked if c == best), 0.0), _NAMES[best]
    if long and code != "en" and confidence < CLEAR_LEAD and _english_words_only(words, code):
        code, confidence, name = "en", english, "English"      # "We sell gas centrifuges" (German 0.17, English 0.12)
    if hint in SUPPORTED and code != hint and code in SUPPORTED and confidence < CLEAR_LEAD \
            and len(words.split()) < 2 * SHORT_WORDS \
            and not (counts[code] >= FUNCTION_MIN and counts[code] >= counts[hint] + FUNCTION_LEAD):
        # the conversation's language stands unless lingua is clearly sure of another, or its function words are:
        # "Same for carbon fibre?" (French 0.17, English 0.11) is still English, "Et vers Bichkek ?" (German 0.18)
        # still French; "Et les oscilloscopes, il faut une licence ?" after English turns is French
        return Language(hint, True, round(next((v for c, v, _ in ranked if c == hint), 0.0), 3), _NAMES[hint])
    if long or confidence >= CLEAR_LEAD or (code in SUPPORTED and confidence >= SHORT_LEAD
                                            and english <= SHORT_ENGLISH * confidence):
        return Language(code, code in SUPPORTED, round(confidence, 3), name)
    evidence = _place_languages(text)
    if code in evidence or (hint in SUPPORTED and code == hint):
        return Language(code, True, round(confidence, 3), name)
    return _fallback(hint if hint in {c for c, _, _ in ranked[:3]} else None)


def _function_word_counts(words: str) -> dict[str, int]:
    """How many of the words are function words (stop words) of each supported language."""
    tokens = words.lower().split()
    return {code: sum(t in _function_words(code) for t in tokens) for code in SUPPORTED}


def _english_words_only(words: str, code: str) -> bool:
    """Are all the words English words, and some of them no word of `code` (or `code` has no word list)? Letter
    statistics guess on a few words; a sentence made of English words only is English."""
    from .spelling import in_word_list
    tokens = words.lower().split()
    return all(in_word_list(t, "en") for t in tokens) and not all(in_word_list(t, code) for t in tokens)


@lru_cache(maxsize=None)
def _function_words(code: str) -> frozenset[str]:
    import bm25s.stopwords as lists
    from .gloss import stopwords
    # bm25s's plain English list has 33 words (no "can", "we", "do"); its larger one matches the other languages' size
    return frozenset(lists.STOPWORDS_EN_PLUS) if code == "en" else stopwords(code)


def _fallback(hint: str | None) -> Language:
    code = hint if hint in SUPPORTED else DEFAULT
    return Language(code, True, 0.0, _NAMES[code])


def _without_places(text: str) -> str:
    from law.countries import find_places
    for p in reversed(find_places(text)):
        text = text[:p.start] + " " + text[p.end:]
    return text


def _place_languages(text: str) -> set[str]:
    """Languages that a place name in the text belongs to alone ("Deutschland" -> de; "India" -> none)."""
    from law.countries import find_places
    return {p.language for p in find_places(text) if p.language in SUPPORTED}


_NAMES = {"en": "English", "de": "German", "fr": "French", "it": "Italian", "es": "Spanish", "nl": "Dutch",
          "pl": "Polish"}
