"""Retrieval units. A chunk is a verbatim span of one provision's own text, with the context it is searched by.

A provision's own text is its text minus the texts of its children (an Article's paragraphs, a paragraph's points),
so the same words are not indexed twice; the segments that remain (an intro, a trailing subparagraph) are each a
contiguous span of the provision and can be quoted as they are. Long segments are cut into windows at line or
sentence boundaries. What BM25 and the embedding see is the locator, the ancestors' headings, then the span: an
Annex I sub-item ("Items having … as a primary function;") is found by the words of its entry heading too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .catchwords import CATCHWORDS_SOURCE
from .model import Provision
from .settings import Chunking

TITLES_ONLY = ("Annex I", "Annex II")     # an annex's title and one sentence of introduction: nothing to cite
WINDOW_WORDS = Chunking().window_words    # the defaults live in Settings.chunking (see ingest/settings.py)
CONTEXT_CHARS = Chunking().context_chars


@dataclass(frozen=True)
class Chunk:
    id: str
    provision_id: str
    locator: str
    source: str
    start: int                # span in the provision's text
    end: int
    embed_text: str


def own_segments(p: Provision, children: list[Provision]) -> list[tuple[int, int]]:
    """Spans of `p.text` not covered by a child's text (children that are not substrings are ignored)."""
    cuts, pos = [], 0
    for c in children:
        at = p.text.find(c.text, pos)
        if at >= 0 and c.text:
            cuts.append((at, at + len(c.text)))
            pos = at + len(c.text)
    spans, pos = [], 0
    for s, e in cuts:
        if s > pos:
            spans.append((pos, s))
        pos = e
    if pos < len(p.text):
        spans.append((pos, len(p.text)))
    return [(s, e) for s, e in (_strip(p.text, s, e) for s, e in spans) if e - s >= 3]


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \n—;,":
        s += 1
    while e > s and text[e - 1] in " \n—":
        e -= 1
    return s, e


def windows(text: str, s: int, e: int, window_words: int = WINDOW_WORDS) -> list[tuple[int, int]]:
    """Cut [s, e) into windows of about `window_words` words, at line breaks, then sentence or clause ends."""
    if len(text[s:e].split()) <= window_words:
        return [(s, e)]
    bounds = [m.end() for m in re.finditer(r"\n|(?<=[.;:])\s", text[s:e])]
    out, start, words = [], s, 0
    last = s
    for b in bounds:
        seg_words = len(text[last:s + b].split())
        if words + seg_words > window_words and words:
            out.append(_strip(text, start, last))
            start, words = last, 0
        words += seg_words
        last = s + b
    out.append(_strip(text, start, e))
    # a window longer than the budget (no boundary inside) is kept whole: the embedding truncates, BM25 does not
    return [(a, b) for a, b in out if b > a]


def context_of(p: Provision, by_locator: dict[str, Provision], context_chars: int = CONTEXT_CHARS) -> str:
    """The outermost heading (entry heading, 'Article 4', the GEA's title) and the nearest parent's intro."""
    chain, parent = [], by_locator.get(p.parent) if p.parent else None
    while parent is not None and parent.locator != "Annex I":
        chain.append(parent)
        parent = by_locator.get(parent.parent) if parent.parent else None
    if not chain:
        return ""
    heads = [chain[-1]] + ([chain[0]] if len(chain) > 1 else [])
    return " > ".join(_short(_heading(h), context_chars // 2) for h in heads)


def _heading(p: Provision) -> str:
    """What a reader sees above a provision: an Article's number and chapter title, a GEA's or annex part's title,
    else the provision's own words (an entry heading, a paragraph's intro)."""
    if p.kind == "article":
        return f"{p.title} ({p.data['chapter'].split(' — ')[-1].capitalize()})" if p.data.get("chapter") else p.title
    return p.title if p.kind in ("gea", "annex", "annex_part") else p.text


def _short(text: str, limit: int = CONTEXT_CHARS // 2) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def make_chunks(provisions: list[Provision], catchwords: dict[str, str] | None = None,
                chunking: Chunking | None = None) -> list[Chunk]:
    """Chunks of every provision, cut as `chunking` (default: Settings' defaults) says. `catchwords` (locator -> plain-language headnote of a provision of Regulation
    2021/821, see ingest/catchwords.py) are appended to the embed text of that provision's chunks: searched, never
    quoted (the chunk's span stays a span of the verbatim text)."""
    catchwords = catchwords or {}
    chunking = chunking or Chunking()
    by_source: dict[str, dict[str, Provision]] = {}
    children: dict[tuple[str, str], list[Provision]] = {}
    for p in provisions:
        by_source.setdefault(p.source, {})[p.locator] = p
        if p.parent:
            children.setdefault((p.source, p.parent), []).append(p)
    chunks = []
    for p in provisions:
        if p.locator in TITLES_ONLY:
            continue
        context = _heading(p) if p.kind == "article" else context_of(p, by_source[p.source], chunking.context_chars)
        spans = [w for s, e in own_segments(p, children.get((p.source, p.locator), []))
                 for w in windows(p.text, s, e, chunking.window_words)]
        for n, (s, e) in enumerate(spans):
            title = f" ({p.title})" if p.kind in ("annex_part", "category_note") or p.kind == "gea_part" else ""
            embed = f"{p.locator}{title}: " + (f"{context} > " if context else "") + p.text[s:e]
            if p.source == CATCHWORDS_SOURCE and p.locator in catchwords:
                embed += " — " + catchwords[p.locator]
            chunks.append(Chunk(f"{p.id}:{n}", p.id, p.locator, p.source, s, e, embed))
    return chunks
