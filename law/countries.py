"""Countries: resolve what the user typed to an ISO country, find countries in a question, read the destinations
of Annex II (Union general export authorisations) and look up EU sanctions.

The ISO 3166 table comes from pycountry; data/countries.toml adds display names, aliases and the free-text rules;
data/sanctions.toml is project-maintained reference data (not part of the legal corpus).
"""
from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).resolve().parent / "data"

# ISO codes, so Greece is GR (the EU's own code is EL, accepted as an alias).
EU_MEMBER_STATES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())

# Territories with their own ISO code that are inside the customs territory of the Union although not member
# states in the ISO table: Åland (FI), the French outermost regions, and Monaco (Article 4 of the Union Customs Code).
# A shipment there leaves no customs territory, so it is not an export. Project's reading; cite the UCC if used.
EU_CUSTOMS_TERRITORY_EXTRA = frozenset({"AX", "GF", "GP", "MQ", "RE", "YT", "MF", "MC"})

# Annex II "French overseas territories", project's reading: the French overseas countries and territories
# (Annex II TFEU) that are outside the customs territory of the Union: French Polynesia, New Caledonia, Wallis and
# Futuna, Saint Pierre and Miquelon, Saint Barthélemy, French Southern and Antarctic Lands. The outermost regions
# (Guadeloupe, Martinique, French Guiana, Réunion, Mayotte, Saint-Martin) are part of the Union, not destinations.
FRENCH_OVERSEAS_TERRITORIES = frozenset({"PF", "NC", "WF", "PM", "BL", "TF"})


_WITH_ARTICLE = {"United", "Democratic", "Republic", "Central", "Holy", "British", "US"}


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    name: str                       # short English name shown to the user
    aliases: tuple[str, ...] = ()   # other names accepted (ISO names, official name, former names, abbreviations)

    def __str__(self) -> str:
        return self.name

    @property
    def in_sentence(self) -> str:
        """The name as it reads inside a sentence: "the United States", "the Netherlands", "Canada"."""
        return f"the {self.name}" if self.name.split()[0] in _WITH_ARTICLE or self.name.endswith(
            ("Islands", "Republic", "Kingdom", "States", "Emirates", "Netherlands", "Philippines", "Bahamas",
             "Maldives", "Gambia", "Seychelles", "Comoros")) else self.name


# ---------------------------------------------------------------------------------------------------- normalising

# A word, with inner dots and apostrophes kept together ("U.S.", "d'Ivoire") and a trailing dot ("St.").
_WORD = re.compile(r"\w+(?:[.'’]\w+)*\.?")


@dataclass(frozen=True)
class _Token:
    norm: str      # lower case, no accents, no dots or apostrophes
    raw: str       # as written, dots and apostrophes removed (to check capitals)
    start: int
    end: int


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _WORD.finditer(text):
        raw = re.sub(r"['’]s$", "", m.group().rstrip("."))   # possessive: "Brazil's"
        raw = re.sub(r"[.'’]", "", raw)
        norm = _fold(raw).lower()
        if norm == "st":                                      # "St Lucia" = "Saint Lucia"
            norm = "saint"
        out.append(_Token(norm, raw, m.start(), m.end()))
    return out


def _key(text: str) -> str:
    words = [t.norm for t in _tokens(text)]
    if len(words) > 1 and words[0] == "the":                  # "the Netherlands", "The Gambia"
        words = words[1:]
    return " ".join(words)


# ---------------------------------------------------------------------------------------------------- the tables

@lru_cache(maxsize=None)
def _config() -> dict:
    with open(DATA_DIR / "countries.toml", "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=None)
def _countries() -> dict[str, Country]:
    cfg = _config()
    rows = [(c.alpha_2, c.alpha_3, getattr(c, "common_name", None) or c.name,
             [c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)])
            for c in pycountry.countries]
    rows += [(iso2, x["iso3"], x["name"], []) for iso2, x in cfg.get("extra", {}).items()]
    out = {}
    for iso2, iso3, name, iso_names in rows:
        name = cfg["display"].get(iso2, name)
        seen, aliases = {name}, []
        for a in iso_names + cfg["aliases"].get(iso2, []):
            if a and a not in seen:
                seen.add(a)
                aliases.append(a)
        out[iso2] = Country(iso2, iso3, name, tuple(aliases))
    return out


@lru_cache(maxsize=None)
def _name_index() -> dict[str, str]:
    """Normalised name -> ISO2; "" for place names that are not countries ("New Mexico")."""
    index: dict[str, str] = {}
    for c in _countries().values():
        for n in (c.name, *c.aliases):
            k = _key(n)
            if index.setdefault(k, c.iso2) != c.iso2:
                raise ValueError(f"countries.toml: {n!r} names both {index[k]} and {c.iso2}")
    for n in _config()["free_text"]["not_countries"]:
        index[_key(n)] = ""
    return index


@lru_cache(maxsize=None)
def _code_index() -> dict[str, str]:
    out = {}
    for c in _countries().values():
        out[c.iso2] = c.iso2
        out[c.iso3] = c.iso2
    return out


def all_countries() -> list[Country]:
    return sorted(_countries().values(), key=lambda c: c.name)


def get_country(iso2: str) -> Country | None:
    return _countries().get(iso2.upper())


# ---------------------------------------------------------------------------------------------------- resolving

def resolve_country(text: str) -> Country | None:
    """The country a whole input names: a name, alias or ISO alpha-2/alpha-3 code, in any case. Unknown -> None."""
    key = _key(text or "")
    if not key:
        return None
    iso2 = _name_index().get(key) or _code_index().get(key.upper())
    return _countries()[iso2] if iso2 else None


def suggest_countries(text: str, n: int = 3) -> list[Country]:
    """Nearest countries for a "did you mean ...?": names containing the input as a word ("Korea" -> North Korea,
    South Korea), then close spellings ("Brasil" -> Brazil)."""
    key = _key(text or "")
    if not key:
        return []
    index = {k: v for k, v in _name_index().items() if v}
    exact = resolve_country(text)
    hits = [exact.iso2] if exact else []
    hits += [v for k, v in index.items() if re.search(rf"\b{re.escape(key)}\b", k)] if len(key) > 3 else []
    hits += [index[k] for k in difflib.get_close_matches(key, list(index), n=4 * n, cutoff=0.6)]
    out = []
    for iso2 in hits:
        if iso2 not in out:
            out.append(iso2)
    return [_countries()[i] for i in out[:n]]


def _free_text_word_ok(tok: _Token, key: str) -> str | None:
    """ISO2 for a single short word in free text, or None. Words of three letters or fewer are abbreviations or
    codes and must be in capitals ("US", not "us"); a bare alpha-2 code must also not be a common word or acronym
    ("IN", "IT", "IR" = infrared); alpha-3 codes are not read in free text (ARM, CAN, MAC ...)."""
    if not tok.raw.isupper():
        return None
    if key in _name_index():
        return _name_index()[key] or None
    if len(key) == 2 and tok.raw not in _config()["free_text"]["code_stoplist"]:
        return _code_index().get(tok.raw)
    return None


def country_mentions(question: str) -> list[tuple[Country, int, int]]:
    """Every country named in free text with the character span of its name, in order of appearance. Longest names
    win and matches never overlap, so "Papua New Guinea" is not also Guinea and "South Sudan" not also Sudan;
    matches are whole words."""
    toks = _tokens(question or "")
    index = _name_index()
    longest = max(len(k.split()) for k in index)
    found = []                                       # (length, start token, iso2 or "" for a non-country)
    for i in range(len(toks)):
        for n in range(1, min(longest, len(toks) - i) + 1):
            key = " ".join(t.norm for t in toks[i:i + n])
            if n == 1 and len(key) <= 3:
                iso2 = _free_text_word_ok(toks[i], key)
            else:
                iso2 = index.get(key)
            if iso2 is not None:
                found.append((n, i, iso2))
    taken: set[int] = set()
    chosen = []
    for n, i, iso2 in sorted(found, key=lambda f: (-f[0], f[1])):
        span = set(range(i, i + n))
        if not span & taken:
            taken |= span
            chosen.append((i, n, iso2))
    out = []
    for i, n, iso2 in sorted(chosen):
        c = _countries().get(iso2)
        if c:
            out.append((c, toks[i].start, toks[i + n - 1].end))
    return out


def find_countries(question: str) -> list[Country]:
    """Countries named in free text, in order of appearance, each once (see `country_mentions`)."""
    out: list[Country] = []
    for c, _, _ in country_mentions(question):
        if c not in out:
            out.append(c)
    return out


# ---------------------------------------------------------------------------------------------------- Annex II

_INCLUDING = re.compile(r"(.+?),?\s*\(?\s*including\s+(.+?)\)?\s*", re.I)


@lru_cache(maxsize=None)
def annex_ii_codes(written: str) -> frozenset[str]:
    """ISO2 codes covered by a destination as written in Annex II. Raises ValueError for a string it cannot read,
    so a typo in the Annex II data is noticed rather than silently matching nothing."""
    if _key(written) == "french overseas territories":
        return FRENCH_OVERSEAS_TERRITORIES
    m = _INCLUDING.fullmatch(written.strip())
    # "Switzerland, including Liechtenstein"; "China (including Hong Kong and Macao)"
    parts = [m.group(1), *re.split(r",|\band\b", m.group(2))] if m else [written]
    codes = set()
    for part in parts:
        # "Myanmar/Burma": two names of one destination
        found = {resolve_country(alt) for alt in part.split("/") if alt.strip()}
        if len(found) != 1 or None in found:
            raise ValueError(f"unrecognised Annex II destination: {written!r}")
        codes.add(found.pop().iso2)
    return frozenset(codes)


def annex_ii_matches(country: Country, written: str) -> bool:
    """Does a destination as written in Annex II ("Switzerland, including Liechtenstein") cover this country?
    "Congo" is the Republic of the Congo (CG), never the Democratic Republic of the Congo (CD)."""
    return country.iso2 in annex_ii_codes(written)


# ---------------------------------------------------------------------------------------------------- EU

def is_eu_member(country: Country) -> bool:
    """One of the 27 member states: a shipment there is an intra-EU transfer (Article 11, Annex IV), not an export."""
    return country.iso2 in EU_MEMBER_STATES


def in_eu_customs_territory(country: Country) -> bool:
    """Member state, or a territory with its own ISO code inside the customs territory of the Union (Réunion,
    Monaco...): shipping there is not an export."""
    return is_eu_member(country) or country.iso2 in EU_CUSTOMS_TERRITORY_EXTRA


# ---------------------------------------------------------------------------------------------------- sanctions

@dataclass(frozen=True)
class SanctionsEntry:
    iso2: str
    name: str
    regimes: list[str]
    note: str
    source_url: str
    arms_embargo: bool = False
    dual_use_restrictions: bool = False
    partial: bool = False           # targets non-state actors, listed persons or part of the territory only
    as_of: str = ""


@lru_cache(maxsize=None)
def _sanctions_file() -> dict:
    with open(DATA_DIR / "sanctions.toml", "rb") as f:
        return tomllib.load(f)


def sanctions_info() -> dict:
    """Header of data/sanctions.toml: as_of, source_url, disclaimer (show them with any answer using the data)."""
    return {k: v for k, v in _sanctions_file().items() if k != "destination"}


@lru_cache(maxsize=None)
def _sanctions() -> dict[str, SanctionsEntry]:
    info = sanctions_info()
    return {d["iso2"]: SanctionsEntry(
        iso2=d["iso2"], name=d["name"], regimes=list(d["regimes"]), note=d.get("note", ""),
        source_url=d.get("source_url", info["source_url"]), arms_embargo=d.get("arms_embargo", False),
        dual_use_restrictions=d.get("dual_use_restrictions", False), partial=d.get("partial", False),
        as_of=info["as_of"]) for d in _sanctions_file()["destination"]}


def all_sanctions() -> list[SanctionsEntry]:
    return list(_sanctions().values())


def sanctions_for(country: Country | str) -> SanctionsEntry | None:
    """The project's sanctions entry for a destination (a Country, or anything resolve_country reads), or None.
    Reference data to verify on the EU Sanctions Map: see sanctions_info()."""
    if isinstance(country, str):
        country = resolve_country(country)
    return _sanctions().get(country.iso2) if country else None
