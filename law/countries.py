"""Countries and places: resolve what the user typed to an ISO country, find the places a question names (in
English, German, French, Italian, Spanish, Dutch or Polish) with the role the words before them give them, read the
destinations of Annex II (Union general export authorisations) and look up EU sanctions.

The ISO 3166 table comes from pycountry; country names in the seven languages from CLDR through babel
(`babel.Locale(lang).territories`); data/countries.toml adds display names, aliases and the free-text rules;
data/places.toml the cities, ports, regions, demonyms and cue words; data/sanctions.toml is project-maintained
reference data (not part of the legal corpus), per country and per sub-national region.

    find_places("Lieferung nach Dubai über Rotterdam")
    # [Place(AE, "Dubai", kind="city", cue="destination"), Place(NL, "Rotterdam", kind="port", cue="transit")]
    sanctions_for(find_places("to Crimea")[0]).summary     # the region's entry, not Ukraine's
"""
from __future__ import annotations

import difflib
import itertools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, replace
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


_WITH_ARTICLE = {"United", "Democratic", "Republic", "Central", "Holy", "British", "US"}


# ---------------------------------------------------------------------------------------------------- normalising

LANGUAGES = ("en", "de", "fr", "it", "es", "nl", "pl")     # the languages whose place names and cues are read

# A word, with inner dots kept together ("U.S.", "EE.UU.") and a trailing dot ("St."). Apostrophes and hyphens
# separate words, so "l'Inde" is "l" + "Inde" and "Côte d'Ivoire" is "cote d ivoire" in the text and in the tables.
_WORD = re.compile(r"\w+(?:\.\w+)*\.?")
# Letters NFKD does not decompose.
_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "đ": "d",
                          "Đ": "D", "ı": "i", "œ": "oe", "Œ": "OE"})


@dataclass(frozen=True)
class _Token:
    norm: str      # lower case, no accents, no dots
    raw: str       # as written, dots removed (to check capitals)
    start: int
    end: int


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).translate(_LETTERS)


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _WORD.finditer(text):
        raw = m.group().rstrip(".").replace(".", "")
        norm = _fold(raw).lower()
        if norm == "st":                                      # "St Lucia" = "Saint Lucia"
            norm = "saint"
        out.append(_Token(norm, raw, m.start(), m.end()))
    return out


def _key(text: str) -> str:
    words = [t.norm for t in _tokens(text)]
    if len(words) > 1 and words[0] in _articles():            # "the Netherlands", "la France", "die Schweiz"
        words = words[1:]
    return " ".join(words)


def _capitalised(tok: _Token) -> bool:
    return tok.raw[:1].isupper()


# ---------------------------------------------------------------------------------------------------- the tables

@lru_cache(maxsize=None)
def _config() -> dict:
    with open(DATA_DIR / "countries.toml", "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=None)
def _places_config() -> dict:
    with open(DATA_DIR / "places.toml", "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=None)
def _articles() -> frozenset[str]:
    return frozenset(_fold(w).lower() for words in _places_config()["articles"].values() for w in words)


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


@dataclass(frozen=True)
class _Name:
    """What a folded name in the tables stands for."""
    iso2: str                       # "" for a place name that is not a country ("New Mexico")
    kind: str                       # country | city | port | region | demonym | misspelt
    region: str | None = None
    languages: frozenset[str] = frozenset()   # the languages it is a name in (empty: any)
    capitalised: bool = False       # only when written with a capital ("Cuba", not "cuba" the vat)
    needs_cue: bool = False         # short abbreviation that is also a word ("EL", "VS"): like a bare code


def _cldr_names(lang: str) -> dict[str, str]:
    """CLDR's territory names in `lang` (babel), for the codes of the country table."""
    from babel import Locale
    return {code: name for code, name in Locale(lang).territories.items() if code in _countries()}


@lru_cache(maxsize=None)
def _name_index() -> dict[str, _Name]:
    """Folded name -> what it names: country names (ISO, project aliases, CLDR in the seven languages), places
    (data/places.toml, CLDR exemplar cities), demonyms. A name that names two different things raises."""
    cfg, free = _config(), _config()["free_text"]
    caps = {_key(n) for n in free["capitalised_only"]}
    need_cue = {_key(n) for n in free["short_need_cue"]}
    index: dict[str, _Name] = {}

    def add(name: str, entry: _Name, source: str) -> None:
        k = _key(name)
        if not k:
            return
        entry = replace(entry, capitalised=k in caps, needs_cue=k in need_cue)
        old = index.get(k)
        if old is None:
            index[k] = entry
        elif (old.iso2, old.region) != (entry.iso2, entry.region):
            if old.kind == "country" and entry.kind == "demonym":      # "suisse", "polska": the name wins
                return
            raise ValueError(f"{source}: {name!r} names both {old.iso2 or 'a non-country'} "
                             f"{old.region or ''} and {entry.iso2} {entry.region or ''}".replace("  ", " "))
        elif entry.kind == old.kind:
            index[k] = replace(old, languages=old.languages | entry.languages)

    for c in _countries().values():
        for n in (c.name, *c.aliases):
            add(n, _Name(c.iso2, "country", languages=frozenset({"en"})), "countries.toml")
    for lang in LANGUAGES:
        for iso2, n in _cldr_names(lang).items():
            add(n, _Name(iso2, "country", languages=frozenset({lang})), f"CLDR {lang}")
        for iso2, names in cfg.get("names", {}).get(lang, {}).items():
            for n in names:
                add(n, _Name(iso2, "country", languages=frozenset({lang})), f"countries.toml [names.{lang}]")
    for n in free["not_countries"]:
        index[_key(n)] = _Name("", "country")
    for pid, p in _places_config()["place"].items():
        entry = _Name(p["iso2"], p["kind"], p.get("region"))
        for n, langs in _place_names(pid, p):
            if index.get(_key(n), entry).kind == "country" and index[_key(n)].iso2 == p["iso2"]:
                continue                                              # "Singapore", "Luxembourg": the country
            add(n, replace(entry, languages=langs), f"places.toml [place.{pid}]")
    for iso2, by_lang in _places_config()["demonym"].items():
        for lang, base in by_lang.items():
            for n, form in enumerate(_demonym_forms(lang, base)):
                if n == 0 or _key(form) not in index:           # a generated ending never displaces a name
                    add(form, _Name(iso2, "demonym", languages=frozenset({lang})), f"places.toml [demonym] {iso2}")
    # English and Dutch write demonyms with a capital ("Polish", "Pools"): not the verb "polish" or "pools".
    for k, e in index.items():
        if e.kind == "demonym" and e.languages & {"en", "nl"}:
            index[k] = replace(e, capitalised=True)
    return index


def _place_names(pid: str, p: dict) -> list[tuple[str, frozenset[str]]]:
    """The hand names of a place (no language) and, for a place with a `tz`, CLDR's exemplar city in each language."""
    from babel import Locale
    from babel.core import get_global
    out = [(n, frozenset()) for n in p.get("names", [])]
    tz = p.get("tz")
    if tz:
        where = get_global("zone_territories").get(tz)
        if where != p["iso2"]:
            raise ValueError(f"places.toml [place.{pid}]: CLDR puts {tz} in {where}, not {p['iso2']}")
        out.append((tz.rsplit("/", 1)[-1].replace("_", " "), frozenset({"en"})))
        for lang in LANGUAGES:
            city = Locale(lang).time_zones.get(tz, {}).get("city")
            if city:
                out.append((city, frozenset({lang})))
    return out


def _demonym_forms(lang: str, base: str) -> list[str]:
    """The citation form and its usual endings ("tedesco" -> tedesca, tedeschi ...; "niemiecki" -> niemiecka ...)."""
    rule = _places_config()["demonym_endings"].get(lang)
    if not rule:
        return [base]
    stem = base.rstrip(rule["strip"]) if rule["strip"] else base
    return [base] + [stem + e for e in rule["add"]]


# Case endings tried on a word of a Polish or German name when the word as written is not in the tables: the
# known name as a word prefix (a stem) with a common ending. Not a grammar: irregular forms are listed by hand in
# countries.toml [names.pl]. Only for words written with a capital.
_PL_ENDINGS = ("", "a", "e", "i", "u", "y", "ii", "ie", "ji", "iach", "em", "ach", "ami", "om", "owi", "ej", "iej",
               "ego", "iego", "ych", "ich", "ym", "im", "ow")


def _word_forms(word: str, lang: str) -> set[str]:
    if lang == "pl":
        stem = word.rstrip("aeiouy")
        return {stem + e for e in _PL_ENDINGS} if len(stem) >= 3 else set()
    if lang == "de":
        forms = {word + "s", word + "n", word + "en", word + "es"}
        if word.endswith(("es", "er", "em", "en")):
            forms |= {word[:-2] + e for e in ("e", "en", "er", "es", "em")}
        if word.endswith("e"):
            forms.add(word[:-1] + "en")
        return forms
    return set()


@lru_cache(maxsize=None)
def _inflections() -> dict[str, frozenset[str]]:
    """Inflected word -> the name words it may be a form of ("rosji" -> {"rosja"}, "chinas" -> {"china"})."""
    out: dict[str, set[str]] = {}
    for k, e in _name_index().items():
        for lang in e.languages & {"pl", "de"}:
            for word in k.split():
                for form in _word_forms(word, lang):
                    if len(form) >= 4 and form != word:
                        out.setdefault(form, set()).add(word)
    return {f: frozenset(ws) for f, ws in out.items()}


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

def _lookup(words: list[_Token], language: str | None = None, names_only: bool = False,
            inflected: bool | None = None) -> _Name | None:
    """The name these words spell, as written or as an inflected form (each word a case form of a name word).
    With a `language`, a demonym of another language does not count ("Chinas" in German is China's, not Spanish
    "chinas"); with `names_only`, no demonym does."""
    entry = _name_index().get(" ".join(t.norm for t in words))
    if entry and not (entry.kind == "demonym" and (names_only or language and not entry.languages & {language, "en"})):
        return entry
    if inflected is None:                # in running text, case forms only in the language they belong to: an
        inflected = language in ("pl", "de")          # English "Same customer" names no Samoa
    if not _capitalised(words[0]) or not inflected:
        return None
    options = [[t.norm, *sorted(_inflections().get(t.norm, ()))] for t in words]
    if all(len(o) == 1 for o in options):
        return None
    found = {_name_index().get(" ".join(c)) for c in itertools.product(*options)} - {None}
    found = {e for e in found if e.iso2 and e.kind != "demonym"}
    return found.pop() if len({(e.iso2, e.region) for e in found}) == 1 else None


def resolve_country(text: str) -> Country | None:
    """The country a whole input names: a name in any of the seven languages (as CLDR writes it, or a case form:
    "Rosji", "Chinas"), an alias, a city, port or region (-> its country), or an ISO alpha-2/alpha-3 code, in any
    case. Unknown -> None."""
    key = _key(text or "")
    if not key:
        return None
    entry = _lookup(_tokens(text)[-len(key.split()):], names_only=True, inflected=True)
    iso2 = entry.iso2 if entry else _code_index().get(key.upper())
    return _countries()[iso2] if iso2 else None


def suggest_countries(text: str, n: int = 3) -> list[Country]:
    """Nearest countries for a "did you mean ...?": names containing the input as a word ("Korea" -> North Korea,
    South Korea), then close spellings ("Germeny" -> Germany)."""
    key = _key(text or "")
    if not key:
        return []
    index = {k: e.iso2 for k, e in _name_index().items() if e.iso2 and e.kind == "country"}
    exact = resolve_country(text)
    hits = [exact.iso2] if exact else []
    hits += [v for k, v in index.items() if re.search(rf"\b{re.escape(key)}\b", k)] if len(key) > 3 else []
    hits += [index[k] for k in difflib.get_close_matches(key, list(index), n=4 * n, cutoff=0.6)]
    out = []
    for iso2 in hits:
        if iso2 not in out:
            out.append(iso2)
    return [_countries()[i] for i in out[:n]]


def misspelt_country(text: str) -> Country | None:
    """The country a name not read is a near spelling of ("Argentia" -> Argentina), for a "did you mean?"; None
    when no country name is that close."""
    if (text or "").isupper() and text in _code_index():
        return _countries()[_code_index()[text]]     # "HK": an ISO code with no cue word before it
    key = _key(text or "")
    index = {k: e.iso2 for k, e in _name_index().items() if e.iso2 and e.kind == "country"}
    close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.85) if len(key) > 3 else []
    return _countries()[index[close[0]]] if close else None


# ---------------------------------------------------------------------------------------------------- places in text

@dataclass(frozen=True)
class Place:
    """A place named in a text: the country it lies in, how it was named, and the role the words before it give it."""
    country: Country
    words: str                      # as written
    start: int                      # character span in the text
    end: int
    kind: str                       # country | city | port | region | demonym | code
    region: str | None = None       # sub-national region with its own sanctions status ("crimea", "donetsk")
    language: str | None = None     # the one language the name belongs to ("Deutschland" -> "de"); None if shared
    cue: str | None = None          # origin | destination | transit | location | None
    cue_words: str = ""             # the cue as written ("nach", "à destination de")


@dataclass(frozen=True)
class _Cues:
    roles: dict[str, tuple[str, bool]]        # folded cue phrase -> (role, strong enough to govern a bare code)
    longest: int
    conjunctions: frozenset[str]
    sending: tuple[str, ...]


@lru_cache(maxsize=None)
def _cues(language: str | None) -> _Cues:
    """Cue words of one language (and English), or of every language when `language` is None; where two languages
    give a word different roles, the question's language, then English, then the order of LANGUAGES wins."""
    cfg = _places_config()
    langs = [language, "en"] if language in LANGUAGES else ["en", *LANGUAGES[1:]]
    roles: dict[str, tuple[str, bool]] = {}
    for lang in dict.fromkeys(langs):
        for section, (role, strong) in {"destination": ("destination", True), "origin": ("origin", True),
                                         "transit": ("transit", True), "destination_weak": ("destination", False),
                                         "to_or_in": ("to_or_in", False)}.items():
            for phrase in cfg["cue"][section].get(lang, []):
                roles.setdefault(_key_words(phrase), (role, strong))
    conj = frozenset(_key_words(w) for w in cfg["conjunctions"]["all"])
    sending = tuple(_fold(v).lower() for lang in dict.fromkeys(langs) for v in cfg["sending_verbs"].get(lang, []))
    return _Cues(roles, max(len(k.split()) for k in roles), conj, sending)


def _key_words(phrase: str) -> str:
    return " ".join(t.norm for t in _tokens(phrase)) or phrase


def _cue(toks: list[_Token], i: int, cues: _Cues, demonym: bool = False) -> tuple[str, bool, str] | None:
    """(role, strong, words) of the cue just before token i, an article in between allowed ("vers l'Inde")."""
    def phrase_at(end: int):
        for n in range(min(cues.longest, end), 0, -1):
            k = " ".join(t.norm for t in toks[end - n:end])
            if k in cues.roles:
                return (*cues.roles[k], k)
        return None
    if i >= 1 and toks[i - 1].norm in _articles():
        outer = phrase_at(i - 1)
        if outer or demonym:            # "a German company": "a" is the article, not Italian "a" (to)
            return outer
    return phrase_at(i)


def _all_capitals(toks: list[_Token]) -> bool:
    letters = [t.raw for t in toks if t.raw.isalpha()]
    return len(letters) >= 3 and all(w.isupper() for w in letters)


@lru_cache(maxsize=1)
def _longest_name() -> int:
    """The most words a place name has (the names are read once)."""
    return max(len(k.split()) for k in _name_index())


def find_places(text: str, language: str | None = None) -> list[Place]:
    """Places named in a text, in order: countries in any of the seven languages (and their case forms), cities,
    ports, regions, demonyms ("a German company", "deutsches Unternehmen") and bare ISO codes, each with the role the
    words before it give it (cue). Longest names win and never overlap ("Papua New Guinea" is not also Guinea).

    A bare two- or three-letter code (and a short abbreviation that is also a word) is a place only when a strong
    cue governs it ("to US", "nach CH", "via AE", or "and RU" after such a place) and no word follows it, or when it
    is the whole input: "PLEASE HELP US", "a CW laser", "IR camera", "IN the list" name no place. Other short
    abbreviations (UAE, UK, USA) need capitals, and a cue too in a text written all in capitals. `language` (a
    code of LANGUAGES) restricts demonyms and cue words to that language and English."""
    toks = _tokens(text or "")
    if not toks:
        return []
    cues = _cues(language)
    shouting = _all_capitals(toks)
    whole = len(toks) == 1
    longest = _longest_name()
    found = []                                      # (length, start token, _Name or "code")
    for i in range(len(toks)):
        for n in range(min(longest, len(toks) - i), 0, -1):
            entry = _lookup(toks[i:i + n], language)
            if entry is None and language is None and _cue(toks, i, cues):
                # a case form ("do Rosji", "in den Vereinigten Staaten") when a cue word governs it: in a text of
                # unknown language, an ungoverned "Same customer" is not Samoa
                entry = _lookup(toks[i:i + n], language, inflected=True)
            if entry is None or (entry.capitalised and not _capitalised(toks[i])):
                continue
            if n == 1 and len(toks[i].norm) <= 3 and entry.iso2 and not toks[i].raw.isupper():
                continue                           # "us", "eau": short names are abbreviations, in capitals
            if _acronym(toks, i, n, entry, shouting):
                continue                           # "at LIMA in Langkawi": a show's acronym, not Peru's capital
            if entry.needs_cue and i and _capitalised(toks[i - 1]) and not shouting and not _cue(toks, i, cues) \
                    and toks[i - 1].norm not in cues.conjunctions:
                continue                           # "Member States", "the Untied States": part of another name
            found.append((n, i, entry))
            break
        else:
            raw = toks[i].raw
            if 2 <= len(raw) <= 3 and raw.isupper() and raw.isalpha() and raw in _code_index():
                found.append((1, i, "code"))
    taken: set[int] = set()
    chosen = []
    for n, i, entry in sorted(found, key=lambda f: (-f[0], f[1])):
        span = set(range(i, i + n))
        if not span & taken:
            taken |= span
            chosen.append((i, n, entry))
    chosen += _misspelt(text, toks, taken, cues)
    places: list[Place] = []
    last: tuple[int, str | None, bool] | None = None        # (end token, role, governed strongly) of the last place
    for i, n, entry in sorted(chosen, key=lambda c: c[0]):
        is_code = entry == "code"
        if not is_code and not entry.iso2:
            continue                                                # "New Mexico", "Latin America"
        cue = _cue(toks, i, cues, demonym=not is_code and entry.kind == "demonym")
        role, strong, cue_words = cue if cue else (None, False, "")
        if cue is None and last and _coordinated(text, toks, last[0], i, cues):
            role, strong = last[1], last[2]
        if role == "to_or_in":
            before = [t.norm for t in toks[:i]]
            role = "destination" if any(w.startswith(cues.sending) for w in before) else "location"
        if is_code or entry.needs_cue or (shouting and n == 1 and len(toks[i].norm) <= 3):
            followed = i + n < len(toks) and not _ends_mention(text, toks, i + n, cues)
            if not whole and (not strong or followed or _number_before(toks, i)):
                continue                                            # "HELP US", "CW laser", "for CW", "16 GB"
        langs = frozenset() if is_code else entry.languages
        places.append(Place(
            country=_countries()[_code_index()[toks[i].raw] if is_code else entry.iso2],
            words=text[toks[i].start:toks[i + n - 1].end], start=toks[i].start, end=toks[i + n - 1].end,
            kind="code" if is_code else entry.kind, region=None if is_code else entry.region,
            language=next(iter(langs)) if len(langs) == 1 else None, cue=role, cue_words=cue_words))
        last = (i + n, role, strong)
    return places


# A misspelt country name is read as the country only where a place cue governs it and only one country's name is that
# close: one letter off (added, dropped, changed or two swapped), two in a name of LONG_NAME letters or more.
MISSPELT_MIN = 4
LONG_NAME = 8


def _misspelt(text: str, toks: list[_Token], taken: set[int], cues: _Cues) -> list[tuple[int, int, _Name]]:
    """(start token, length, name) of the names a destination, transit or "to/in" cue governs that no table reads but
    that misspell exactly one country ("to Argentia", "nach Kanda", "to the Untied States"): the answer says how it
    was read (Place.kind "misspelt"). Months, languages and the texts' words are never taken for one."""
    out = []
    last = len(toks) - 1
    for i, tok in enumerate(toks):
        if i in taken or not tok.raw.isalpha() or not (_title_case(tok.raw) or tok.raw.isupper() or i == last):
            continue
        cue = _cue(toks, i, cues)
        if cue is None or cue[0] not in ("destination", "to_or_in", "transit") or tok.norm in _not_places() \
                or tok.norm in _COMMON_WORDS:
            continue
        for n in (2, 1):                              # "Untied States", "South Afrika" before one word
            span = range(i, i + n)
            if span[-1] > last or any(j in taken or not toks[j].raw.isalpha() for j in span):
                continue
            iso2 = near_country(" ".join(toks[j].norm for j in span))
            if iso2:
                out.append((i, n, _Name(iso2, "misspelt")))
                taken |= set(span)
                break
    return out


def near_country(key: str) -> str | None:
    """The ISO code of the one country whose name (in any of the seven languages) `key` misspells, or None: no name is
    that close, or two countries' names are equally close ("Irak": Iran or Iraq), or `key` is itself a name, or it is
    as close to a month, weekday or language name. The first letter must be right."""
    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein
    letters = key.replace(" ", "")
    if len(letters) < MISSPELT_MIN or not letters.isalpha():
        return None
    names = _country_keys()
    if key in names:
        return None
    limit = 1 if len(letters) < LONG_NAME else 2
    # "Marhc" is one letter off "Maroc" and off "March": a name that may be a month, weekday or language is none
    if process.extractOne(key, _long_not_places(), scorer=DamerauLevenshtein.distance, score_cutoff=limit):
        return None
    hits = process.extract(key, list(names), scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None)
    hits = [(k, d) for k, d, _ in hits if k[0] == key[0]]      # a first letter is seldom the one mistyped
    if not hits:
        return None
    best = min(d for _, d in hits)
    countries = {names[k] for k, d in hits if d == best}
    return countries.pop() if len(countries) == 1 else None


@lru_cache(maxsize=1)
def _long_not_places() -> list[str]:
    return [w for w in _not_places() if len(w) >= MISSPELT_MIN]          # not "jan", one letter off "Japn"


@lru_cache(maxsize=1)
def _country_keys() -> dict[str, str]:
    return {k: e.iso2 for k, e in _name_index().items() if e.iso2 and e.kind == "country" and len(k) >= MISSPELT_MIN}


def _acronym(toks: list[_Token], i: int, n: int, entry: _Name, shouting: bool) -> bool:
    """A city or port name written in capitals in a text that is not: the acronym of a show or a body (LIMA, SOFEX),
    not the city. Countries in capitals ("to CHINA") stay countries."""
    return (n == 1 and not shouting and entry.kind in ("city", "port") and len(toks[i].raw) > 3
            and toks[i].raw.isupper())


def unread_place(text: str, language: str | None = None) -> str | None:
    """A name a place cue governs ("and to Santiago?", "for the buyer in Bishkek", "at LIMA") that no country,
    city or port here matches: its country must be asked, or the previous destination would stand for it. Month,
    weekday and language names, the texts' own words (Annex, Article ...) and names followed by a number are no
    places; a cue of origin ("based in Lyon") governs none."""
    toks = _tokens(text or "")
    cues = _cues(language)
    read = {j for p in find_places(text, language) for j, t in enumerate(toks) if p.start <= t.start < p.end}
    short_end = len(toks) <= 6 and not re.search(r"\w", text[toks[-1].end:]) if toks else False
    for i, tok in enumerate(toks):
        last = short_end and i == len(toks) - 1      # "and to chinaa?", "what about HK?": the turn ends on the place
        if i in read or not (_title_case(tok.raw) or (tok.raw.isupper() and tok.raw.isalpha() and len(tok.raw) > 3)
                             or (last and tok.raw.isalpha() and (tok.raw.isupper() or len(tok.raw) >= 4)
                                 and tok.norm not in _COMMON_WORDS)):
            continue
        cue = _cue(toks, i, cues)
        if (cue is None or cue[0] not in ("destination", "to_or_in", "transit")) and not (
                last and i >= 1 and toks[i - 1].norm in ("about", "and") and toks[i].raw.isupper()):
            continue                                 # "what about HK?" names a place with no cue word
        if tok.raw.islower() and not (cue and cue[1]):
            continue                                 # lower case only after "to", "nach", "vers": "and for the spindles?"
        if tok.norm in _not_places() or (i + 1 < len(toks) and toks[i + 1].norm[:1].isdigit()):
            continue
        if i >= 1 and toks[i - 1].norm in _articles() - {"a", "de", "i"}:    # those are prepositions too
            continue                                 # "und für die Vakuumpumpen?": the countries that take an
                                                     # article ("die Schweiz") are read; a name after one is a noun
        j = i + 1                                    # "Santiago de Chile", "Ho Chi Minh City": up to three words
        while j < len(toks) and j - i < 3 and j not in read and _title_case(toks[j].raw) \
                and not re.search(r"[,;:?!()]", text[toks[j - 1].end:toks[j].start]):
            j += 1
        if language in ("de", None) and j < len(toks) and not _ends_mention(text, toks, j, cues):
            continue                                 # German capitalises nouns: "nach Ablauf der Frist", "in Betrieb"
        return text[tok.start:toks[j - 1].end]
    return None


# lower-case words that end a short follow-up without naming a place ("and to them?", "and to ours?")
_COMMON_WORDS = frozenset("them they there that this those these ours yours mine theirs else which where what same both "
                          "either here home export exports abroad customer customers client clients buyer buyers "
                          "everyone anyone someone people".split())


def _title_case(word: str) -> bool:
    return len(word) >= 3 and word.isalpha() and word[0].isupper() and word[1:].islower()


@lru_cache(maxsize=None)
def _not_places() -> frozenset[str]:
    """Capitalised words that follow "in" or "to" without naming a place: months, weekdays and languages in the seven
    languages (CLDR, through babel), and the texts' own words (places.toml [not_places])."""
    from babel import Locale
    words = {_fold(w).lower() for w in _places_config()["not_places"]["all"]}
    for lang in LANGUAGES:
        loc = Locale.parse(lang)
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                words |= {_fold(m).lower().rstrip(".") for m in loc.months[context][width].values()}
                words |= {_fold(d).lower().rstrip(".") for d in loc.days[context][width].values()}
        words |= {_fold(name).lower() for code in LANGUAGES for name in [Locale.parse(code).get_display_name(lang)]
                  if name}
    return frozenset(words)


def _coordinated(text: str, toks: list[_Token], prev_end: int, i: int, cues: _Cues) -> bool:
    """Only commas, conjunctions and articles between the previous place and this one: "to India and Pakistan"."""
    between = toks[prev_end:i]
    gap = text[toks[prev_end - 1].end:toks[i].start]
    return (len(between) <= 3 and not re.search(r"[.;:?!]", gap)
            and all(t.norm in cues.conjunctions or t.norm in _articles() for t in between))


def _ends_mention(text: str, toks: list[_Token], j: int, cues: _Cues) -> bool:
    """Does token j start something other than a word of a product phrase (a conjunction, a cue, after punctuation)?"""
    gap = text[toks[j - 1].end:toks[j].start]
    return bool(re.search(r"[,;:?!()/]", gap)) or toks[j].norm in cues.conjunctions or any(
        k.split()[0] == toks[j].norm for k in cues.roles)


def _number_before(toks: list[_Token], i: int) -> bool:
    return i > 0 and any(c.isdigit() for c in toks[i - 1].norm)


def find_countries(question: str, language: str | None = None) -> list[Country]:
    """Countries named in free text (by name, city, port, region or governed code; not demonyms), in order of
    appearance, each once."""
    out: list[Country] = []
    for p in find_places(question, language):
        if p.kind != "demonym" and p.country not in out:
            out.append(p.country)
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
    summary: str = ""               # one plain line of what the project's data says, shown verbatim as reference data
    regions: tuple[str, ...] = ()   # for a sub-national entry: the region ids (data/places.toml) it covers


@lru_cache(maxsize=None)
def _sanctions_file() -> dict:
    with open(DATA_DIR / "sanctions.toml", "rb") as f:
        return tomllib.load(f)


def sanctions_info() -> dict:
    """Header of data/sanctions.toml: as_of, source_url, disclaimer (show them with any answer using the data)."""
    return {k: v for k, v in _sanctions_file().items() if k not in ("destination", "region")}


def _entry(d: dict) -> SanctionsEntry:
    info = sanctions_info()
    return SanctionsEntry(
        iso2=d["iso2"], name=d["name"], regimes=list(d["regimes"]), note=d.get("note", ""),
        source_url=d.get("source_url", info["source_url"]), arms_embargo=d.get("arms_embargo", False),
        dual_use_restrictions=d.get("dual_use_restrictions", False), partial=d.get("partial", False),
        as_of=info["as_of"], summary=d["summary"], regions=tuple(d.get("regions", ())))


@lru_cache(maxsize=None)
def _sanctions() -> dict[str, SanctionsEntry]:
    return {d["iso2"]: _entry(d) for d in _sanctions_file()["destination"]}


@lru_cache(maxsize=None)
def _region_sanctions() -> dict[str, SanctionsEntry]:
    return {r: e for e in map(_entry, _sanctions_file().get("region", [])) for r in e.regions}


def all_sanctions() -> list[SanctionsEntry]:
    """Country entries, then region entries."""
    regions: list[SanctionsEntry] = []
    for e in _region_sanctions().values():
        if e not in regions:
            regions.append(e)
    return list(_sanctions().values()) + regions


def sanctions_for(where: Place | Country | str) -> SanctionsEntry | None:
    """The project's sanctions entry for a destination, or None: a Place in a region with its own measures (Crimea,
    Donetsk ...) gets the region's entry, any other Place, a Country, or anything resolve_country reads gets the
    country's. Reference data to verify on the EU Sanctions Map: see sanctions_info()."""
    if isinstance(where, Place):
        if where.region:
            return _region_sanctions().get(where.region) or _sanctions().get(where.country.iso2)
        where = where.country
    if isinstance(where, str):
        places = find_places(where)
        if len(places) == 1 and places[0].region:
            return sanctions_for(places[0])
        where = resolve_country(where)
    return _sanctions().get(where.iso2) if where else None
