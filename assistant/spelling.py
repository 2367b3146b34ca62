"""Misspelt cue words: "exprot", "tranist", "exhibtion", "Reperatur" read as the vocabulary word they miss by a letter.

    corrector(["export", "transit", "broker*"], "en")("tranist")     # 'transit'
    corrector(["export", "transit", "broker*"], "en")("expert")      # None: a word of English
    corrector(["export", "transit", "broker*"], "en")("brokring")    # 'brokering' (matches "broker*")

Only a word that no dictionary of the question's language (or of English) knows is corrected, and only towards the
one vocabulary word it misses by one letter (added, dropped, changed, or two swapped): "broken" stays broken. The
dictionaries are pyspellchecker's word lists; Polish, which it lacks, is not corrected at all (its many case endings
put real words one letter off vocabulary words: "wymienionych" is no "wymiana").
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

MIN_WORD = 5            # shorter words are too often another word one letter away ("sale", "same")
ENDING = 4              # a prefix word ("broker*") keeps at most this much of the word after it: "brokr|ing", not
                        # "kwant|umcomputing" read as "klant*" or "tri|ethanolamine" as "train*"


@lru_cache(maxsize=None)
def _dictionary(language: str):
    from spellchecker import SpellChecker
    return SpellChecker(language=language, distance=1) if language in SpellChecker.languages() else None


def known(word: str, language: str | None) -> bool:
    """Whether `word` (lower case) is a word of `language` or of English, British spellings included (the English
    list is American: "authorisation", "centre", "defence" are words, not typos)."""
    for code in dict.fromkeys((language or "en", "en")):
        d = _dictionary(code)
        forms = _american(word) if code == "en" else (word,)
        if d is not None and any(f in d.word_frequency.dictionary for f in forms):
            return True
    return False


def in_word_list(word: str, language: str) -> bool | None:
    """Whether `word` (lower case) is in pyspellchecker's list of `language` alone (British spellings count as
    English); None for a language without a list (Polish)."""
    d = _dictionary(language)
    if d is None:
        return None
    return any(f in d.word_frequency.dictionary for f in (_american(word) if language == "en" else (word,)))


# British -> American spellings, enough to find a British word in an American list
_BRITISH = ((r"is(e|ed|es|ing|ation|ations|er|ers)$", r"iz\1"), (r"isation", "ization"), (r"([^aeiou])re$", r"\1er"),
            (r"([^aeiou])re([sd])$", r"\1er\2"), (r"([^aeiou])red$", r"\1ered"),
            (r"ence(s)?$", r"ense\1"), (r"our(s|ed|ing|ful)?$", r"or\1"), (r"ll(ed|ing|er|ers)$", r"l\1"),
            (r"ogue(s)?$", r"og\1"), (r"ae", "e"), (r"oe", "e"))


def _american(word: str) -> tuple[str, ...]:
    return (word, *{re.sub(pattern, american, word) for pattern, american in _BRITISH} - {word})


def corrector(vocabulary: Iterable[str], language: str | None) -> Callable[[str, str, bool], str | None]:
    """A function from a word (lower case, as the phrase tables compare it) to the vocabulary word it misspells, or
    None. Vocabulary words ending in `*` are prefixes: the word's ending is kept ("brokring" -> "brokering")."""
    return _corrector(tuple(sorted(set(vocabulary))), language)


@lru_cache(maxsize=16)
def _corrector(vocabulary: tuple[str, ...], language: str | None) -> Callable[[str, str, bool], str | None]:
    from rapidfuzz.distance import DamerauLevenshtein
    whole = [w for w in vocabulary if not w.endswith("*") and len(w) >= MIN_WORD and w.isalpha()]
    prefixes = [w[:-1] for w in vocabulary if w.endswith("*") and len(w) > MIN_WORD and w[:-1].isalpha()]

    @lru_cache(maxsize=4096)
    def correct(word: str, written: str = "", name_like: bool = False) -> str | None:
        """`word` as the tables compare it (folded, singular); `written`: as in the text, for the dictionary;
        `name_like`: capitalised inside a sentence, a name ("Kyber" is no misspelt "cyber"), except in German."""
        if (_dictionary(language or "en") is None or len(word) < MIN_WORD or not word.isalpha()
                or (name_like and language != "de")
                or known(word, language) or known((written or word).lower(), language)):
            return None
        near: dict[str, tuple[int, bool]] = {}      # fix -> (distance, only a prefix of the word matched)
        for w in whole:
            d = DamerauLevenshtein.distance(word, w, score_cutoff=1)
            if d == 1:
                near[w] = (d, False)
        for p in prefixes:                  # "brokr|ing" is one letter off "broker|ing"
            cuts = range(len(p) - 1, min(len(p) + 1, len(word)) + 1)
            if not cuts:
                continue
            d, cut = min((DamerauLevenshtein.distance(word[:c], p), -c) for c in cuts)
            cut = -cut                      # the nearest cut, the longer of two equally near
            if d <= 1 and len(word) - cut <= ENDING and p + word[cut:] != word:
                fix = p + word[cut:]
                near[fix] = min((d, cut < len(word)), near.get(fix, (d, True)))
        if not near:
            return None
        best = min(near.values())
        fixes = sorted((w for w, rank in near.items() if rank == best), key=len)
        # "repaird": "repair" and "repaired" are one word; "tranist": "transit" whole beats "train|ist"
        return fixes[0] if fixes and all(f.startswith(fixes[0]) for f in fixes) else None
    return correct
