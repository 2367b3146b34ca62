"""Catchwords: short plain-language headnotes for the provisions of Regulation (EU) 2021/821 (`corpus/catchwords.toml`).

The Articles have no headings, so a question in everyday words ("how long is a licence valid?") does not meet the
words of the law ("shall be valid for up to two years"). A catchword line says what a provision regulates, in the
words an exporter or a helpdesk officer would use. It is added to the text that retrieval searches (BM25 and the
embedding, see `ingest.chunks.make_chunks`); it is never shown or quoted as law.
"""
from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from .manifest import PROJECT_ROOT

CATCHWORDS_PATH = PROJECT_ROOT / "corpus" / "catchwords.toml"
CATCHWORDS_SOURCE = "reg-2021-821"          # the source whose provisions the locators name
MIN_WORDS, MAX_WORDS = 8, 30


class CatchwordsError(ValueError):
    """The catchwords file is malformed: names the file and the record."""


def load_catchwords(path: Path | None = CATCHWORDS_PATH) -> dict[str, str]:
    """locator -> words. A missing file is an error; `path=None` means no catchwords (an empty dict)."""
    if path is None:
        return {}
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise CatchwordsError(f"{path}: {e}") from e
    records = data.get("catchwords", [])
    if not isinstance(records, list):
        raise CatchwordsError(f"{path}: [[catchwords]] must be an array of tables")
    out: dict[str, str] = {}
    for n, r in enumerate(records, 1):
        locator = str(r.get("locator", "")).strip() if isinstance(r, dict) else ""
        words = " ".join(str(r.get("words", "")).split()) if isinstance(r, dict) else ""
        if not locator:
            raise CatchwordsError(f"{path}: record {n} has no locator")
        if not words:
            raise CatchwordsError(f"{path}: {locator} has no words")
        if locator in out:
            raise CatchwordsError(f"{path}: {locator} appears twice")
        out[locator] = words
    return out


def catchwords_hash(path: Path | None = CATCHWORDS_PATH) -> str:
    """sha256 of the file (part of the index build id, so an edit rebuilds); '' when there are none."""
    if path is None:
        return ""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
