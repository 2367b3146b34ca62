"""Verbatim quotes from a provision. A quote is one or more fragments of the provision's text joined by " … ";
the ellipsis only shortens, and a fragment never runs across a break (a footnote call or an amendment marker that
is not wording). `is_verbatim` is the check every citation passes before it is shown."""
from __future__ import annotations

import re

from ingest.model import Provision, fold
from ingest.settings import Quoting

ELLIPSIS = "…"
MAX_QUOTE = Quoting().max_quote          # the default of Settings.quoting.max_quote; callers pass the configured one


def segments(p: Provision) -> list[tuple[int, int]]:
    """Spans of p.text free of breaks."""
    cuts = sorted(tuple(b) for b in p.data.get("breaks", []))
    out, pos = [], 0
    for s, e in cuts:
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < len(p.text):
        out.append((pos, len(p.text)))
    return out


def fragments(quote: str) -> list[str]:
    return [f for f in (x.strip() for x in re.split(r"\s*(?:…|\.\.\.)\s*", quote)) if f.strip(" ,;:.")]


def is_verbatim(p: Provision, quote: str) -> bool:
    """Every fragment of `quote` lies inside one break-free segment of the provision (layout and quote marks folded)."""
    parts = fragments(quote)
    if not parts:
        return False
    pieces = [fold(p.text[s:e]) for s, e in segments(p)]
    return all(any(fold(f) in piece for piece in pieces) for f in parts)


def _sentence_bounds(text: str, dashes: bool = True) -> list[int]:
    """Positions where a sentence or clause may start: after '. ', '; ', ': ', a line break, or a dash item."""
    pattern = r"(?<=[.;:])\s+(?=\S)|\n" + (r"|\s(?=— [A-Za-z0-9])" if dashes else "")
    return [0] + [m.end() for m in re.finditer(pattern, text)]


def quote(p: Provision, span: tuple[int, int] | None = None, limit: int = MAX_QUOTE) -> str:
    """The provision's words: all of it if short, else the sentences around `span` (a matched chunk), cut at
    sentence boundaries, with an ellipsis where text is left out."""
    text = p.text
    s, e = span or (0, len(text))
    if len(text) <= limit and not p.data.get("breaks"):
        return text
    bounds = _sentence_bounds(text)
    start = max([b for b in bounds if b <= s] or [0])
    end = min([b for b in bounds if b >= min(len(text), start + limit)] + [len(text)])
    if end - start > limit:                       # one long sentence: cut at a word
        end = text.rfind(" ", start, start + limit)
        end = end if end > start else start + limit
    return _join(p, [(start, end)])


def excerpt(p: Provision, needles: list[str], lead: bool = True, context: int = 0, limit: int = MAX_QUOTE) -> str:
    """Fragments of the provision that contain each needle (e.g. the destination 'Canada,'), after its first
    sentence when `lead`; joined with ellipses. Needles not found are skipped."""
    text = p.text
    spans = []
    if lead:
        first = _sentence_bounds(text, dashes=False)[1:2] or [len(text)]
        spans.append((0, min(first[0], limit)))
    for needle in needles:
        at = text.find(needle)
        if at < 0:
            at = fold(text).find(fold(needle)) if len(fold(text)) == len(text) else -1
        if at < 0:
            continue
        bounds = _sentence_bounds(text)
        s = max([b for b in bounds if b <= at] or [0]) if context else at
        e = min([b for b in bounds if b >= at + len(needle)] + [len(text)]) if context else at + len(needle)
        spans.append((s, e))
    return _join(p, sorted(set(spans)))


def _join(p: Provision, spans: list[tuple[int, int]]) -> str:
    """Join spans with ellipses, splitting any span at a break; mark cut edges with an ellipsis."""
    pieces: list[tuple[int, int]] = []
    for s, e in spans:
        for a, b in segments(p):
            lo, hi = max(s, a), min(e, b)
            if hi > lo:
                pieces.append((lo, hi))
    merged: list[list[int]] = []
    for s, e in sorted(pieces):
        if merged and s <= merged[-1][1] and not _break_between(p, merged[-1][1], s):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out = []
    for i, (s, e) in enumerate(merged):
        frag = p.text[s:e].strip()
        if i or s > 0:
            out.append(ELLIPSIS)
        out.append(frag)
    if merged and merged[-1][1] < len(p.text.rstrip()):
        out.append(ELLIPSIS)
    return " ".join(out).strip()


def _break_between(p: Provision, a: int, b: int) -> bool:
    return any(a <= s <= b for s, _ in p.data.get("breaks", []))
