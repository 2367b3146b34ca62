"""The message catalogues: complete, placeholders intact, the fixed phrases of answers and the app covered."""
import re
import string

import pytest

from assistant.answer import CANNOT_ANSWER, NOTICE, SCOPE, WHO_TO_ASK
from assistant.messages import (CATALOGUE_LANGUAGES, SOURCES_IN_ENGLISH, UNSUPPORTED_LANGUAGE, WHAT_DECIDES, catalogue,
                                msgids, pick_language, t)


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("lang", CATALOGUE_LANGUAGES)
def test_every_msgid_translated_with_the_same_placeholders(lang):
    cat = catalogue(lang)
    missing = [m for m in msgids() if m not in cat]
    assert not missing, missing
    for msgid in msgids():
        assert _fields(cat[msgid]) == _fields(msgid), (lang, msgid)
        assert cat[msgid] != msgid or len(msgid) < 12, (lang, msgid)      # translated, not copied ("Chat" may stay)


@pytest.mark.parametrize("lang", CATALOGUE_LANGUAGES)
def test_codes_and_numbers_survive_translation(lang):
    # regulation numbers, GEA numbers and Article numbers are the same in every language
    for msgid in msgids():
        for token in re.findall(r"\b(?:2021/821|EU00\d(?:-EU00\d)?|11\(\d\))", msgid):
            plain = token.replace("(", " ").replace(")", "")
            assert token in catalogue(lang)[msgid] or plain.split()[0] in catalogue(lang)[msgid], (lang, token)


def test_the_fixed_phrases_are_in_the_catalogue():
    for phrase in (NOTICE, SCOPE, WHO_TO_ASK, CANNOT_ANSWER, WHAT_DECIDES,
                   SOURCES_IN_ENGLISH):
        assert phrase in msgids(), phrase


@pytest.mark.parametrize("msgid, lang, values, expected", [
    ("What decides it:", "de", {}, "Was den Ausschlag gibt:"),
    ("Open {code} in the control list", "fr", {"code": "5A002"}, "Ouvrir 5A002 dans la liste de contrôle"),
    ("What decides it:", "en", {}, "What decides it:"),                 # English: the msgid
    ("What decides it:", "pt", {}, "What decides it:"),                 # no catalogue: English
    ("What decides it:", None, {}, "What decides it:"),
    ("No such message {x}", "de", {"x": 1}, "No such message 1"),      # unknown msgid: itself, formatted
])
def test_t(msgid, lang, values, expected):
    assert t(msgid, lang, **values) == expected


def test_unsupported_message_is_english_and_names_the_language():
    text = UNSUPPORTED_LANGUAGE.format(language="Portuguese")
    assert "Portuguese" in text and "not answered" in text and "Polish" in text


@pytest.mark.parametrize("accept, expected", [
    ("de-AT,de;q=0.9,en;q=0.8", "de"),         # browser header
    ("pt-BR,pt;q=0.9,fr;q=0.8", "fr"),         # first language with a catalogue
    ("pl_PL", "pl"),                           # locale form
    ("ja", "en"), ("", "en"), (None, "en"),    # none: English
    ("en-GB,de;q=0.5", "en"),
])
def test_pick_language(accept, expected):
    assert pick_language(accept) == expected
