"""The fixed phrases of answers and the app's labels in the user's language, from gettext catalogues.

    t("What decides it:", "de")                                   # "Was den Ausschlag gibt:"
    t("Open {code} in the control list", "fr", code="5A002")     # "Ouvrir 5A002 dans la liste de contrôle"
    t("What decides it:", "pt")                                   # English: no catalogue for Portuguese

The English text is the msgid (assistant/answer.py NOTICE, SCOPE, ... and the app's labels); the catalogues are
assistant/locale/<lang>/LC_MESSAGES/dualuse.po, read with babel.messages (the template, dualuse.pot, lists every
msgid). Translations are the project's, checked to be no stronger than the English; legal text itself is never
translated: sources are quoted in English and the answer says so (SOURCES_IN_ENGLISH). Placeholders are
`str.format` fields ({code}, {destination}) and must be the same in every translation (tests/test_messages.py).

The questions back come from the law layer and the tools in English (law/classify.py `_question`: its `text` is the
JSON contract); `question_text` / `localize` match that text against its frame (QUESTION_FRAMES) and write the frame
in the user's language with the same fields, so the parameter name, the quote and the locator stay the law's words.
The caveats other modules write in English (what was carried over from earlier turns, the tools' sanctions and
customs-territory notes, the search and index notices) and the version labels of the "Sources" line are written the
same way when the answer is finalized (`caveat_text`, `version_label`); a line no frame fits stays English as written.
The claim sentences that carry a citation ("Canada is an EU001 destination [1]") restate the quoted provision and stay
in English, like the quote.
"""
from __future__ import annotations

import re
import string
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from law.annex_ii import PURPOSE_NAMES

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "dualuse"
CATALOGUE_LANGUAGES = ("de", "fr", "it", "es", "nl", "pl")     # English is the msgids themselves
UI_LANGUAGES = ("en", *CATALOGUE_LANGUAGES)                     # the app's language switch

SOURCES_IN_ENGLISH = "The sources are quoted in English, the language of this corpus."
WHAT_DECIDES = "What decides it:"
TO_DECIDE = "To decide, I need to know:"
UNKNOWN_PLACE = "I do not know which country {place} is in, and the answer depends on the destination country."
WHICH_COUNTRY = "Which country is {place} in?"
DID_YOU_MEAN = "Did you mean {country}?"
MISSPELT_PLACE = "I read \"{written}\" as {country}."        # a place name one letter off (law/countries.py near_country)
INTRA_GROUP_HARDWARE = ("EU007 is for software and technology only: an intra-group export of {code} is answered as an "
                        "ordinary export.")
MISSPELT_WORD = "I read \"{written}\" as \"{meant}\"."       # a cue word one letter off (assistant/spelling.py)

# Shown in English whatever the question's language, since the assistant cannot write that language: it says what
# was recognised and answers nothing it did not understand.
UNSUPPORTED_LANGUAGE = ("Your question seems to be in {language}, which I do not support yet. I understand English, "
                        "German, French, Italian, Spanish, Dutch and Polish; please ask in one of them. I have not "
                        "answered, so that nothing is answered that I did not understand.")


# The frames of the questions back as the law layer (law/classify.py) and the tools (assistant/tools.py) write them in
# English; `localize` puts each in the user's language. The fields are the law's words and stay as they are.
QUESTION_FRAMES = (
    "What is the {parameter} (in {unit})? {locator} applies to: \"{quote}\".",
    "What is the {parameter}? {locator} applies to: \"{quote}\".",
    "Does this describe the item: \"{quote}\"? ({locator})",
    "The stated figures meet {met}. Is the item one of these: \"{quote}\"? ({locator})",
    "Which sub-item of {code} is your item? {gea} covers only {covered}.",
    "Does your item fit what {gea} says of it? {reason}.",
)


# The lines other modules write in English for every answer (assistant/core.py `carried_over` and the CAS note, the
# tools' notes, the search and index notices of assistant/library.py and ingest/builds.py, assistant/versions.py);
# `caveat_text` writes each in the user's language when the answer is finalized. The reference data they carry (a
# sanctions regime, an error, a version label) stays as written; a country's name is CLDR's.
CAVEAT_FRAMES = (
    "Read with the earlier turns of this conversation: {earlier}.",
    "I read \"{written}\" as {country}.",
    "I read \"{written}\" as \"{meant}\".",
    "EU007 is for software and technology only: an intra-group export of {code} is answered as an ordinary export.",
    "CAS {cas} is named in Annex I {code}.",
    "Sanctions data for {country}: {regimes}. {note} (Project-maintained reference data as of {as_of}, not part of "
    "the legal corpus: verify on {url}.)",
    "{country} is treated as inside the customs territory of the Union (Article 4 of the Union Customs Code, project's "
    "reading): confirm with the competent authority.",
    "Semantic search is unavailable ({why}): this answer uses keyword search only.",
    "Keyword search is unavailable ({why}): this answer uses semantic search only.",
    "Multilingual search is unavailable ({why}): this answer uses the English search, which reads little of a question "
    "in another language.",
    "A newer index could not be opened ({why}); answers come from build {build}.",
    "The index build named in CURRENT cannot be served ({why}); answers come from build {build}, the newest intact "
    "one. Run `dualuse ingest` to repair the index.",
    "The version in force in between ({label}, from {valid_from}) is not in the corpus: a change may date from either "
    "update.",
)
# the facts `carried_over` names, joined by ", " in {earlier}
EARLIER_FRAMES = (
    "the item {item} (turn {turn})",
    "the destination {country} (turn {turn})",
    "the purpose {purpose} (turn {turn})",
    "the activity {activity} (turn {turn})",
    "the authorisation you named {gea} (turn {turn})",
)
# the version labels of the corpus manifest (corpus/manifest.toml version_label), as the "Sources:" line shows them
VERSION_FRAMES = (                          # the first that fits is taken: the longer frame first
    "Annex I consolidated {date} (superseded)",
    "Annex I consolidated {date}",
    "Articles and Annexes II-VI consolidated {date}",
    "Annex I as replaced by Delegated Regulation (EU) {number}",
)
# the activities as `carried_over` names them (Case values, "_" as a space); a purpose is named by PURPOSE_NAMES
ACTIVITIES = ("export", "brokering", "transit", "technical assistance", "transfer")


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translation for one language ({} for English or a language without a catalogue)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang not in CATALOGUE_LANGUAGES or not path.exists():
        return {}
    from babel.messages.pofile import read_po
    with open(path, "rb") as f:
        cat = read_po(f, locale=lang, domain=DOMAIN)
    return {m.id: m.string for m in cat if m.id and m.string and not m.fuzzy}


@lru_cache(maxsize=1)
def msgids() -> list[str]:
    """Every msgid of the template, in order."""
    from babel.messages.pofile import read_po
    with open(LOCALE_DIR / f"{DOMAIN}.pot", "rb") as f:
        return [m.id for m in read_po(f) if m.id]


def t(msgid: str, lang: str | None = "en", **values) -> str:
    """`msgid` in `lang`, English when there is no translation, with `values` filled in."""
    text = catalogue(lang or "en").get(msgid, msgid)
    return text.format(**values) if values else text


def pick_language(accept: str | None, default: str = "en") -> str:
    """The first language of a browser's Accept-Language / locale ("de-AT,de;q=0.9,en;q=0.8" -> "de") that has a
    catalogue, else English."""
    for part in (accept or "").replace("_", "-").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code == "en" or code in CATALOGUE_LANGUAGES:
            return code
    return default


def localize(text: str, lang: str | None, frames: tuple[str, ...] = QUESTION_FRAMES,
             fields: dict[str, Callable[[str, str], str]] | None = None, **known) -> str:
    """`text`, written in English in one of `frames`, in `lang`: the frame translated, its fields (parameter names,
    quotes, locators, codes: the law's words) kept verbatim. `known` pins fields the caller has (a question dict's
    quote and locator), so a quote holding '"? (' cannot split wrongly. `fields`: field name -> function(value, lang)
    for the fields that are words of ours rather than the law's (a country's English name, an activity). Text in no
    frame: its whole-string translation, or itself.

        localize('Does this describe the item: "Ricin;"? (Annex I 1C351.d.4)', "de")
        # 'Beschreibt dies Ihr Gut: „Ricin;“? (Annex I 1C351.d.4)'
    """
    if not lang or lang == "en" or not catalogue(lang):
        return text
    for frame in frames:
        match = _frame_pattern(frame, tuple(sorted((k, str(v)) for k, v in known.items() if v is not None)))
        found = match.fullmatch(text)
        if found and frame in catalogue(lang):
            values = {k: (fields[k](v, lang) if fields and k in fields else v) for k, v in found.groupdict().items()}
            return t(frame, lang, **values)
    return t(text, lang)


@lru_cache(maxsize=256)
def _frame_pattern(frame: str, pinned: tuple[tuple[str, str], ...]) -> re.Pattern:
    """The frame as a regular expression: each field a named group, exactly its pinned value if given."""
    values = dict(pinned)
    parts = []
    for literal, field, _, _ in string.Formatter().parse(frame):
        parts.append(re.escape(literal))
        if field:
            parts.append(f"(?P<{field}>{re.escape(values[field]) if field in values else '.+?'})")
    return re.compile("".join(parts), re.S)


def question_text(question: dict, lang: str | None) -> str:
    """A question back of the law layer ({parameter, unit, threshold, locator, quote, text}) in `lang`."""
    known = {k: question.get(k) for k in ("parameter", "unit", "locator", "quote")}
    return localize(question["text"], lang, **known)


# --- the lines around the answer: caveats, version labels, names -------------------------------------------------

@lru_cache(maxsize=None)
def _territories(lang: str) -> dict[str, str]:
    from babel import Locale
    return dict(Locale(lang).territories)


def territory_name(iso2: str, lang: str, default: str = "") -> str:
    """CLDR's name of a country in `lang` ("DE", "fr" -> "Allemagne"), `default` when CLDR has none."""
    return _territories(lang).get(iso2, default)


def language_name(lang: str) -> str:
    """CLDR's name of a language in itself, capitalised as a menu entry shows it ("fr" -> "Français")."""
    from babel import Locale
    name = Locale(lang).get_display_name(lang)
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=1)
def _countries_by_name() -> dict[str, str]:
    from law.countries import all_countries
    return {c.name: c.iso2 for c in all_countries()}


def _country(name: str, lang: str) -> str:
    """A country's English name (as the tools and the case write it) in `lang`; a region or anything else that is not
    exactly a country's name ("Crimea") stays as written."""
    iso2 = _countries_by_name().get(name)
    return territory_name(iso2, lang, name) if iso2 else name


def _purpose(value: str, lang: str) -> str:
    """A purpose as `carried_over` writes it ("intra group") in `lang`, by its PURPOSE_NAMES phrase."""
    name = PURPOSE_NAMES.get(value.replace(" ", "_"))
    return t(name, lang) if name else value


def _earlier(text: str, lang: str) -> str:
    """The facts `carried_over` lists, each in `lang`: split where the next fact's frame begins (an item's own words
    may hold a comma)."""
    starts = "|".join(re.escape(frame.split(" {")[0]) for frame in EARLIER_FRAMES)
    parts = re.split(rf", (?=(?:{starts}) )", text)
    return ", ".join(localize(p, lang, EARLIER_FRAMES, _OUR_WORDS) for p in parts)


_OUR_WORDS: dict[str, Callable[[str, str], str]] = {
    "country": _country,
    "purpose": _purpose,
    "activity": lambda value, lang: t(value, lang) if value in ACTIVITIES else value,
    "earlier": _earlier,
    "label": lambda value, lang: version_label(value, lang),
}


def caveat_text(text: str, lang: str | None) -> str:
    """A caveat line in `lang`: its frame (CAVEAT_FRAMES) or the whole line (a FLAG_MESSAGES warning, a composer's
    caveat) from the catalogue, else as written.

        caveat_text("Read with the earlier turns of this conversation: the item 2B001 (turn 1), the destination "
                    "Russia (turn 2).", "de")
        # 'Aus früheren Nachrichten dieses Gesprächs übernommen: das Gut 2B001 (Nachricht 1), das Bestimmungsland
        #  Russland (Nachricht 2).'
    """
    return localize(text, lang, CAVEAT_FRAMES, _OUR_WORDS)


def version_label(label: str, lang: str | None) -> str:
    """A source's version label ("Annex I consolidated 2025-11-15") in `lang`; the date stays."""
    return localize(label, lang, VERSION_FRAMES)

