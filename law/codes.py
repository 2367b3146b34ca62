"""The one grammar of Annex I codes: a category digit, a sub-category letter A-E, three digits, then sub-item levels
(a single letter or a one- or two-digit number each), dotted or not: "5A002", "5a002.a.1", "5A002a1", "3b001f1b".

`normalize_code` gives the canonical dotted form ("5A002.a.1"); `find_codes` finds codes in free text. Codes nest as
locators do (`ingest.model.is_within`): 5A002.a.1 lies within 5A002.a and 5A002."""
from __future__ import annotations

import re

from ingest.model import is_within

_LEVELS = r"((?:\.?[a-zA-Z](?![a-zA-Z])|\.?[0-9]{1,2}(?![0-9]))*)"
CODE = re.compile(r"(?<![\w.])([0-9])([A-Ea-e])([0-9]{3})" + _LEVELS + r"\.?(?![\w])")
# US Commerce Control List designations that are not EU entries: EAR99, x09x (3A090), 9xx (5A992), 500/600 series
US_ECCN = re.compile(r"EAR99|[0-9][A-EX](?:0[89][0-9X]|[569][0-9X]{2})(?:\..*)?", re.I)


def normalize_code(text: str) -> str | None:
    """Any written form of an Annex I code -> canonical '5A002.a.1'; None when `text` is not one (inner spaces, an
    empty level, a sub-category other than A-E, fewer than three digits)."""
    if not isinstance(text, str):
        return None
    m = CODE.fullmatch(text.strip().rstrip("."))
    if not m:
        return None
    levels = re.findall(r"[a-zA-Z]|[0-9]{1,2}", m.group(4))
    return f"{m.group(1)}{m.group(2).upper()}{m.group(3)}" + "".join(f".{x.lower()}" for x in levels)


def find_codes(text: str) -> list[str]:
    """The Annex I codes written in a text, canonical, each once, in order of appearance."""
    out: list[str] = []
    for m in CODE.finditer(text or ""):
        code = normalize_code(m.group(0))
        if code and code not in out:
            out.append(code)
    return out


def entry_of(code: str) -> str:
    """'5A002.a.1' -> '5A002'."""
    return code.split(".", 1)[0]


def within(code: str, ancestor: str) -> bool:
    """5A002.a.1 lies within 5A002.a and 5A002 (and within itself)."""
    return is_within(code, ancestor)


def related(a: str, b: str) -> bool:
    """One code lies within the other."""
    return within(a, b) or within(b, a)


def us_designation(raw: str) -> str | None:
    """Why a US Commerce Control List designation is not an EU code, or None when `raw` does not look like one."""
    raw = (raw or "").strip()
    if not US_ECCN.fullmatch(raw):
        return None
    if raw.upper() == "EAR99":
        return ("EAR99 is a US designation (items subject to the US Export Administration Regulations but not on the "
                "Commerce Control List), not an entry of EU Annex I. Classify the item against Annex I: describe it "
                "to search_control_list.")
    return (f"{raw} looks like a US Export Control Classification Number (Commerce Control List), not an entry of EU "
            f"Annex I, which has no such entry. Classify the item against Annex I: describe it to search_control_list.")
