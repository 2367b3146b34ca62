"""Phrase tables matched on words: case, accents and punctuation ignored, each word compared in its singular form,
a trailing `*` on a word of a phrase matching any word that starts with it ("broker*" = broker, brokers, brokering).
Where two phrases overlap the longer one wins. Matches carry the character span of the words they came from, so a
fact can say which words of the question it was read from."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from .lexicon import singular, word_spans


def fold_word(word: str) -> str:
    """Lower case, accents removed: 'Réparation' -> 'reparation'."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class Word:
    key: str          # folded singular form
    raw: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    return [Word(singular(w.lower()), w, start, end) for w, start, end in word_spans(text)]


@dataclass(frozen=True)
class Match:
    concept: str      # the table key the phrase belongs to ("activity.brokering")
    phrase: str       # the phrase as written in the table
    words: str        # the words of the text it matched, as written
    start: int
    end: int
    corrected: bool = False     # read through a misspelt word ("exprot"): the answer says so
    read_as: str = ""           # the words as compared, misspellings corrected ("export")


class PhraseTable:
    def __init__(self, phrases: dict[str, list[str]]):
        """`phrases`: concept -> phrases."""
        self.entries: list[tuple[tuple[str, ...], str, str]] = []      # (pattern words, concept, phrase)
        for concept, items in phrases.items():
            for phrase in items:
                pattern = tuple(w if w.endswith("*") else singular(w)
                                for w in (fold_word(x) for x in re.findall(r"[^\W_]+\*?", phrase)))
                if pattern:
                    self.entries.append((pattern, concept, phrase))
        self.entries.sort(key=lambda e: -len(e[0]))
        # the entries a word can start, by its first pattern word: exact words, and prefixes ("broker*") by letter
        self.by_first: dict[str, list[int]] = {}
        self.by_prefix: dict[str, list[tuple[str, int]]] = {}
        for n, (pattern, _, _) in enumerate(self.entries):
            first = pattern[0]
            if first.endswith("*"):
                self.by_prefix.setdefault(first[:1], []).append((first[:-1], n))
            else:
                self.by_first.setdefault(first, []).append(n)

    @property
    def words(self) -> set[str]:
        """The words the phrases are made of (prefixes with their `*`): what a misspelt word may be read as."""
        return {w for pattern, _, _ in self.entries for w in pattern}

    def find(self, text: str, correct: Callable[[str, str, bool], str | None] | None = None) -> list[Match]:
        """Every phrase found, longest first on overlaps, in text order. Only the entries a word can start are tried
        there; they are tried in the table's order (longest first), so the result is that of trying every entry at
        every word, in time that grows with the text, not with text times table. `correct` (assistant/spelling.py):
        the words no phrase took are tried again as the word they misspell; those matches are `corrected`."""
        ws = words(text)
        found, taken = self._matches(text, ws, set())
        if correct is not None:
            shouting = text.upper() == text
            fixed = [w if i in taken or not (key := correct(w.key, text[w.start:w.end],
                                                              _name_like(text, w) and not shouting))
                     else replace(w, key=key) for i, w in enumerate(ws)]
            if any(a is not b for a, b in zip(ws, fixed)):
                more, _ = self._matches(text, fixed, taken)
                found = sorted(found + [replace(m, corrected=True) for m in more], key=lambda m: m.start)
        return found

    def _matches(self, text: str, ws: list[Word], taken: set[int]) -> tuple[list[Match], set[int]]:
        tries = sorted((n, i) for i, w in enumerate(ws)
                       for n in self.by_first.get(w.key, []) + [n for prefix, n in self.by_prefix.get(w.key[:1], [])
                                                                if _starts(w, prefix)])
        taken = set(taken)
        found = []
        for n_entry, i in tries:
            pattern, concept, phrase = self.entries[n_entry]
            n = len(pattern)
            if i + n > len(ws) or any(j in taken for j in range(i, i + n)):
                continue
            if all(_word_matches(p, ws[i + k]) for k, p in enumerate(pattern)):
                taken.update(range(i, i + n))
                found.append(Match(concept, phrase, text[ws[i].start:ws[i + n - 1].end], ws[i].start,
                                   ws[i + n - 1].end, read_as=" ".join(w.key for w in ws[i:i + n])))
        return sorted(found, key=lambda m: m.start), taken


def _name_like(text: str, w: Word) -> bool:
    """Capitalised, not at the start of a sentence: a name, in most languages."""
    return text[w.start:w.start + 1].isupper() and bool(text[:w.start].strip()) \
        and not re.search(r"[.!?:;]\s*$", text[:w.start])


def _starts(word: Word, prefix: str) -> bool:
    """A prefix is compared with the word as written as well as with its singular form, which may have lost the
    prefix's end (Polish "oprogramowanie" reads "oprogramowany" in the singular rule for "walkie-talkie")."""
    return word.key.startswith(prefix) or fold_word(word.raw).startswith(prefix)


def _word_matches(pattern: str, word: Word) -> bool:
    return _starts(word, pattern[:-1]) if pattern.endswith("*") else word.key == pattern
