"""The pinned source texts of a build, to check quotes against the official files rather than against the store.

Each build keeps a copy of every source file the manifest pins (`<build>/sources/<source id>/<file>`, sha256
recorded in build.json and checked before the build serves). `SourceTexts.verify(provision, quote)` is true when the
provision's source is pinned and every fragment of the quote (the parts an ellipsis separates) lies, folded the way
`model.fold` folds (layout, quote marks, dashes, case), in the raw text the provision came from: its character span
of a text file, its record of the Annex I JSON (the producer's dotted path prefixes left out, as the parser does),
its page of a PDF; the whole file when the origin does not say. A store edited after the build, or a parser that
invented wording, cannot pass. A provision of a source the manifest does not pin is never verified.
"""
from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from pathlib import Path

from .model import Provision, fold

ELLIPSIS = re.compile(r"\s*(?:\u2026|\.\.\.)\s*")


def fragments(quote: str) -> list[str]:
    """The folded pieces of a quote that must each be verbatim (the same split `assistant.quotes` makes)."""
    return [fold(f) for f in ELLIPSIS.split(quote) if f.strip(" ,;:.")]


class SourceTexts:
    def __init__(self, build_dir: Path, sources: dict[str, dict]):
        """`sources`: build.json's per-source records ({id: {"verified": bool, "files": {name: sha256}}})."""
        self.dir = Path(build_dir) / "sources"
        self.sources = sources
        self._texts: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def pinned(self, source_id: str) -> bool:
        return bool(self.sources.get(source_id, {}).get("verified"))

    def verify(self, provision: Provision, quote: str) -> bool:
        """True when the quote is verbatim in the pinned official file the provision comes from."""
        parts = fragments(quote)
        if not parts or not self.pinned(provision.source):
            return False
        key = (provision.source, provision.origin)
        with self._lock:
            if key not in self._texts:
                self._texts[key] = self._origin_text(*key)
        return all(p in self._texts[key] for p in parts)

    def _origin_text(self, source_id: str, origin: str) -> str:
        """Folded raw text at `origin` ("file.txt@123-456", "annex.json#/entries/17", "doc.pdf#page=3")."""
        m = re.match(r"^([^#@]+)([#@].*)?$", origin or "")
        name, span = (m.group(1), m.group(2)) if m else ("", None)
        files = self.sources[source_id]["files"]
        if name not in files:
            return "\n".join(self._origin_text(source_id, f) for f in files)        # the whole source
        path = self.dir / source_id / name
        if path.suffix == ".json":
            return fold(_json_text(path, span or ""))
        if path.suffix == ".pdf":
            pages = _pdf_pages(path)
            m = re.match(r"#page=(\d+)$", span or "")
            return fold(pages[int(m.group(1)) - 1] if m and int(m.group(1)) <= len(pages) else "\n".join(pages))
        raw = _read(path)
        m = re.match(r"@(\d+)-(\d+)$", span or "")
        return fold(raw[int(m.group(1)):int(m.group(2))] if m else raw)


@lru_cache(maxsize=8)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def _load_json(path: Path):
    return json.loads(_read(path))


def _json_text(path: Path, pointer: str) -> str:
    """The official wording of one record of the Annex I JSON (entries: each line without its dotted path), or of
    every entry and doc when the pointer names no record. The JSON's Annex II copy is never used (the manifest
    ignores it), so it is not part of the text either."""
    from .annex_json import LINE
    doc = _load_json(path)
    m = re.match(r"^#/(entries|docs)/(\d+)$", pointer)
    records = [(m.group(1), doc[m.group(1)][int(m.group(2))])] if m else \
        [("entries", r) for r in doc.get("entries", [])] + [("docs", r) for r in doc.get("docs", [])]
    out = []
    for kind, record in records:
        text = record.get("verbatim_text") or ""
        if kind == "entries":
            text = "\n".join(lm.group("rest") if (lm := LINE.match(line)) else line for line in text.split("\n"))
        out.append(text)
    return "\n".join(out)


@lru_cache(maxsize=4)
def _pdf_pages(path: Path) -> list[str]:
    """Page texts as the parser reads them (pypdf, words broken at line ends joined)."""
    from .pdf import join_hyphenated, read_pages
    pages = read_pages(path)
    whole = "\n".join(pages)
    return [join_hyphenated(p, whole) for p in pages]
