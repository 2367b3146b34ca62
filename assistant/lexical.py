"""Two keyword indexes over the English chunks for questions in other languages, built in memory from the chunk texts
of the serving store (assistant/library.py builds each on first use and searches them with BM25):

- `grams`: every word cut into character 4-grams, accents folded ("_cry", "cryp", ..., "phy_"). A question's words
  share many of them with their English cognates ("criptografía", "cryptographie", "kryptografia" / "cryptography";
  "fermentatore" / "fermenter"), whatever dictionary knows them.
- `translated` (document-side expansion): each chunk written word by word in the question's language from FreeDict's
  dictionaries (assistant/gloss.py `foreign`), stemmed as that language is, so a question is matched in its own words.

Built once per library and language: the 4-gram index in about 2 s, a language's translated index in 1-12 s (German's
dictionary is the largest), tens of MB each (`python -m assistant.lexical` measures them). Control codes ("5A002",
"EU001") are kept as they are in both.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .gloss import MIN_PART, STEMMERS, fold, foreign, stemmer, stopwords
from .lexicon import COMPOUNDS

GRAM = 4                                                  # characters of a gram
_WORD = re.compile(r"[^\W\d_]+")
_CODE = re.compile(r"\b(?:\d[A-E]\d{3}|EU00\d)\b", re.I)


def grams(text: str, language: str = "en") -> list[str]:
    """The 4-grams of each word of `text` but the stop words of `language` and of English (a question carries the
    lexicon's English words), padded with '_' and accents folded; a control code as one token."""
    stop = _folded_stopwords(language)
    out = [c.lower() for c in _CODE.findall(text)]
    for word in _WORD.findall(text):
        word = fold(word)
        if len(word) >= 3 and word not in stop:
            padded = f"_{word}_"
            out += [padded[i:i + GRAM] for i in range(len(padded) - GRAM + 1)]
    return out


@lru_cache(maxsize=None)
def _folded_stopwords(language: str) -> frozenset[str]:
    """The stop words of `language` and of English, accents folded (once: grams() runs for every chunk)."""
    return frozenset(fold(w) for w in stopwords(language) | stopwords("en"))


def words(text: str, language: str) -> list[str]:
    """The stems of the words of `text` in `language`, stop words left out; a control code as one token."""
    stop = stopwords(language)
    return [c.lower() for c in _CODE.findall(text)] + stemmer(language).stemWords(
        [w.lower() for w in _WORD.findall(text) if len(w) > 1 and w.lower() not in stop])


@dataclass
class Index:
    """BM25 over token lists, searched with the tokens it knows."""
    bm25: object
    tokens: Callable[[str, str], list[str]]       # (text, its language) -> tokens

    @classmethod
    def of(cls, documents: list[list[str]], tokens: Callable[[str, str], list[str]]) -> "Index":
        import bm25s
        bm25 = bm25s.BM25()
        bm25.index(documents, show_progress=False)
        return cls(bm25, tokens)

    def search(self, text: str, language: str, k: int, weights: np.ndarray) -> list[tuple[int, float]]:
        """(document number, score) for `text` in `language`, best first, documents weighted 0 left out; [] when no
        token of `text` is in the index."""
        vocab = self.bm25.vocab_dict
        known = [part for t in self.tokens(text, language)
                 for part in ([t] if t in vocab else _parts(t, vocab) if language in COMPOUNDS else [])]
        if not known:
            return []
        docs, scores = self.bm25.retrieve([known], k=min(k, len(weights)), show_progress=False, n_threads=1,
                                          weight_mask=weights)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]


def _parts(token: str, vocab, depth: int = 0) -> list[str]:
    """The known parts of a German or Dutch compound the index does not know as a whole ("ausfuhrsgenehmigung" ->
    "ausfuhr", "genehmigung"): the longest known last part, then the rest the same way (a linking s allowed), a
    head no part of which is known left out; [] when no last part is known."""
    for cut in range(MIN_PART, len(token) - MIN_PART + 1):
        if token[cut:] in vocab:
            head = token[:cut]
            if head in vocab:
                return [head, token[cut:]]
            rest = _parts(head, vocab, depth + 1) if depth < 2 else []
            if not rest and head.endswith("s") and head[:-1] in vocab:
                rest = [head[:-1]]
            return rest + [token[cut:]]
    return []


def gram_index(texts: list[str]) -> Index:
    """The 4-gram index of English `texts` (searched with a question in any language)."""
    return Index.of([grams(t) for t in texts], grams)


def translated_index(texts: list[str], language: str) -> Index | None:
    """English `texts` written in `language` word by word, indexed by that language's stems; None without a
    dictionary."""
    if language not in STEMMERS or language == "en":
        return None
    documents = [words(foreign(t, language), language) + [c.lower() for c in _CODE.findall(t)] for t in texts]
    if not any(documents):
        return None
    return Index.of(documents, words)


if __name__ == "__main__":                       # build time and size of each index on the current build
    import time

    from ingest.builds import open_serving
    from ingest.settings import Settings
    from ingest.store import Store

    store = Store(open_serving(Settings.from_env().index_dir).dir / "store.sqlite")
    texts = [r[0] for r in store.db.execute("SELECT embed_text FROM chunks ORDER BY n")]
    for name in ("grams", "de", "fr", "it", "es", "nl", "pl"):
        start = time.perf_counter()
        index = gram_index(texts) if name == "grams" else translated_index(texts, name)
        size = sum(a.nbytes for a in index.bm25.scores.values() if isinstance(a, np.ndarray))
        print(f"{name}: built in {time.perf_counter() - start:.1f} s, {len(index.bm25.vocab_dict)} tokens, "
              f"{size / 2**20:.1f} MB of scores")
