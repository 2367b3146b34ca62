"""The one data model that flows through the product: a `Provision`.

A provision is one citable unit of an official text (an Article paragraph, an Annex I item, a Note, a GEA part)
with its canonical locator, its verbatim text, and the version of the text it comes from. Parsers make them,
the indexes store them, the assistant quotes them, the app shows them and the evals score them.

Canonical locators (the eval suite and the UI rely on this grammar):
    Art. 12, Art. 12(3), Art. 4(1)(b), Art. 4(1)(b)(ii); definitions Art. 2(20)
    Annex I 5A002, Annex I 5A002.a.1, Annex I 5A002 Note 2, Annex I 5A002.a Technical Note, Annex I 2B001 N.B. 2
    Annex I General Notes | GTN | NTN | GSN | NSN | GISN | Definitions | Acronyms | Editorial Practices
    Annex I Category 5 Part 2 Note 3 (category and sub-category notes)
    Annex II, Annex II EU001, Annex II EU001 Part 2, Annex II Section I
    Annex III Section A, Annex IV, Annex IV Part I, Annex IV Part I 1C001, Annex IV Part II, Annex V, Annex VI
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

# Kinds of provision, from the largest container to the smallest unit.
KINDS = (
    "article", "paragraph", "point", "definition",            # Articles
    "annex", "annex_part", "general_note",                     # containers and Annex I Part I texts
    "entry", "item", "note", "technical_note", "nb",           # Annex I control list
    "category_note", "gea", "gea_part", "list_entry",          # Annex I category notes, Annex II, Annex IV entries
    "guidance", "page",                                         # PDF guidance and user documents
)

# Flags that tell a reader the text needs care. Each maps to the sentence shown next to the passage.
FLAG_MESSAGES = {
    "flattened_exponent": "Exponents are flattened in this copy (e.g. \"3,18 × 106m\" means 3,18 × 10⁶ m): "
                          "check numeric thresholds against the Official Journal.",
    "garbled_formula": "A formula in this passage is missing or garbled in this copy: read it in the Official Journal.",
    "flattened_table": "A table is flattened to text in this copy: read it in the Official Journal.",
    "footnote_inline": "Footnote text has been pulled into the running text in this copy.",
    "emphasis_lost": "Annex IV marks its differences from Annex I in bold italics; that emphasis is lost in this copy.",
    "currency_unverified": "Annex IV is cited from the consolidated text of 26.05.2023; whether the 2024/2025 updates "
                           "changed it has not been verified.",
    "amended": "The consolidated text marks an amendment here (e.g. a deletion by Delegated Regulation (EU) 2022/699).",
    "superseded": "This text is from a superseded version; it is not the list in force.",
    "unverified": "Not verified: this document has no pinned checksum in the corpus manifest, so it is not checked "
                  "against an official text. Do not rely on it as the official wording.",
}


def normalize_space(text: str) -> str:
    """Collapse layout whitespace (line breaks, indentation, runs of spaces) into single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Comparison form of a text: layout, quote marks, dashes and case folded, wording kept.

    The same folding an independent checker applies, so a quote that passes here is verbatim there too."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2033", '"'),
                 ("\u2013", "-"), ("\u2014", "-"), ("\u00a0", " ")):
        text = text.replace(a, b)
    return normalize_space(text).lower()


@dataclass(frozen=True)
class Provision:
    locator: str                      # canonical locator, unique within a version
    text: str                         # verbatim official wording, layout whitespace normalised
    kind: str                         # one of KINDS
    source: str                       # manifest source id, e.g. "annex-i-2025"
    version: str                      # consolidated version id, e.g. "02021R0821-20251115"
    valid_from: str = ""              # date of application of that version (ISO)
    parent: str | None = None         # locator of the enclosing provision
    title: str = ""                   # heading, where the text has one
    flags: tuple[str, ...] = ()       # keys of FLAG_MESSAGES
    origin: str = ""                  # where in the raw file: "file.txt@123-456" or "annex.json#/entries/17"
    order: int = 0                    # document order within its source
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # structured extras

    @property
    def id(self) -> str:
        """Stable id: the same locator in the same version always gets the same id (citation key, index id)."""
        return hashlib.sha1(f"{self.version}|{self.locator}".encode()).hexdigest()[:16]

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["flags"] = list(self.flags)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Provision":
        d = dict(d)
        d["flags"] = tuple(d.get("flags") or ())
        d["data"] = d.get("data") or {}
        return cls(**d)

    def contains_quote(self, quote: str) -> bool:
        """True when every part of `quote` (parts separated by an ellipsis) is verbatim in this provision."""
        parts = [p for p in re.split(r"\s*(?:\u2026|\.\.\.)\s*", fold(quote)) if p.strip(" ,;:.")]
        body = fold(self.text)
        return bool(parts) and all(p in body for p in parts)


# --- locator grammar -------------------------------------------------------------------------------------------

ANNEX_I_CODE = re.compile(r"^[0-9][A-E][0-9]{3}$")


def annex_i_locator(path: str, label: str = "") -> str:
    """'5A002.a.1' (+ 'Note 2') -> 'Annex I 5A002.a.1 Note 2'."""
    return f"Annex I {path}" + (f" {label}" if label else "")


def split_code(path: str) -> tuple[str, list[str]]:
    """'5A002.a.1' -> ('5A002', ['a', '1'])."""
    head, *rest = path.split(".")
    return head, rest


def entry_code_of(locator: str) -> str | None:
    """The five-character Annex I entry code a locator belongs to, if any."""
    m = re.search(r"\b([0-9][A-E][0-9]{3})\b", locator)
    return m.group(1) if m else None


def category_of(locator: str) -> str | None:
    code = entry_code_of(locator)
    if code and locator.startswith(("Annex I ", "Annex IV ")):
        return code[0]
    m = re.match(r"Annex I Category (\d)", locator)
    return m.group(1) if m else None


def annex_of(locator: str) -> str:
    """'Art' for Articles, else the Annex numeral ('I', 'II', 'IV', ...), or 'Rec' for guidance."""
    if locator.startswith("Art."):
        return "Art"
    m = re.match(r"Annex (I|II|III|IV|V|VI)\b", locator)
    if m:
        return m.group(1)
    return locator.split(" ")[0]


def is_within(locator: str, ancestor: str) -> bool:
    """True if `locator` is `ancestor` or lies inside it in the canonical grammar (prefix on a boundary)."""
    if locator == ancestor:
        return True
    if not locator.startswith(ancestor):
        return False
    return locator[len(ancestor)] in " .("
