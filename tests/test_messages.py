"""The message catalogues: complete, placeholders intact, the fixed phrases of answers and the app covered."""
import re
import string

import pytest

from assistant.answer import CANNOT_ANSWER, NOTICE, SCOPE, WHO_TO_ASK
from assistant.messages import (CATALOGUE_LANGUAGES, QUESTION_FRAMES, SOURCES_IN_ENGLISH, UNSUPPORTED_LANGUAGE,
                                WHAT_DECIDES, catalogue, localize, msgids, pick_language, question_text, t)
from law.classify import Check, _question


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


# --- the questions back: the frame in the user's language, the law's words kept verbatim -----------------------------

RATE = _question(Check("sample rate", "greater than 400 MSPS", None, None, "Annex I 3A001.a.5.a.3",
                       '"sample rate" greater than 400 MSPS', unit="MSPS"))
NOTE = _question(Check("describes:Annex I 3A001.a.2 Note", "", None, None, "Annex I 3A001.a.2 Note",
                       "integrated circuits designed for civil automobiles or railway train applications", kind="fact"))
KIND = {"parameter": "describes:Annex I 3A001.a", "unit": None, "threshold": None, "locator": "Annex I 3A001.a",
        "quote": 'Integrated circuits "(a)"? (b)', "text": 'The stated figures meet Annex I 3A001.a.10.c. Is the item '
                                                             'one of these: "Integrated circuits "(a)"? (b)"? (Annex I 3A001.a)'}
KIND_ASKED = {"parameter": "describes:kind", "unit": None, "threshold": None, "locator": "", "quote": "",
              "text": "What is the item, in the control list's terms: what does it do, and what are its main technical "
                      "figures (or its Annex I code, if your supplier gave one)?"}
DRIFTED = {**NOTE, "text": 'Is this the item: "integrated circuits designed for civil automobiles"? (Annex I 3A001.a.2 Note)'}


@pytest.mark.parametrize("question, lang, expected", [
    (RATE, "de", 'Welchen Wert hat „sample rate“ (in MSPS)? Annex I 3A001.a.5.a.3 gilt für: „"sample rate" greater than '
                 '400 MSPS“.'),                                   # parameter, locator and quote stay English
    (RATE, "pl", 'Jaka jest wartość „sample rate” (w MSPS)? Annex I 3A001.a.5.a.3 dotyczy: „"sample rate" greater '
                 'than 400 MSPS”.'),
    (NOTE, "fr", "Ceci décrit-il votre bien : « integrated circuits designed for civil automobiles or railway train "
                 "applications » ? (Annex I 3A001.a.2 Note)"),
    (KIND, "it", 'I valori indicati soddisfano Annex I 3A001.a.10.c. Il prodotto rientra tra questi: «Integrated '
                 'circuits "(a)"? (b)»? (Annex I 3A001.a)'),       # a quote holding '"? (' is split at the pinned quote
    (KIND_ASKED, "es", "¿Qué es el producto, en los términos de la lista de control: qué hace y cuáles son sus "
                       "principales valores técnicos (o su código del anexo I, si su proveedor lo indicó)?"),   # no frame
    (RATE, "en", RATE["text"]),                                   # English: the law layer's text, byte for byte
    (RATE, "pt", RATE["text"]),                                   # no catalogue: English
    (DRIFTED, "de", DRIFTED["text"]),                             # a wording no frame knows stays English, never garbled
])
def test_question_text(question, lang, expected):
    assert question_text(question, lang) == expected


def test_law_questions_fit_their_frames():
    # the law layer's English is exactly a frame filled with the question's fields (a change there fails here first)
    assert RATE["text"] == QUESTION_FRAMES[0].format(**RATE)
    assert NOTE["text"] == QUESTION_FRAMES[2].format(**NOTE)
    assert all(frame in msgids() for frame in QUESTION_FRAMES)


@pytest.mark.parametrize("text, lang, expected", [
    ("Which sub-item of 1C350 is your item? EU002 covers only 1C350.1, 1C350.3.", "nl",
     "Onder welk subonderdeel van 1C350 valt uw product? EU002 dekt alleen 1C350.1, 1C350.3."),
    ("Does your item fit what EU002 says of it? Part 1 lists 1C351 only as follows: “x”.", "de",
     "Entspricht Ihr Gut dem, was EU002 dazu sagt? Part 1 lists 1C351 only as follows: “x”."),   # the finding: English
    ("Which country is the destination: South Korea or North Korea?", "pl",
     "Które państwo jest miejscem przeznaczenia: Korea Południowa czy Korea Północna?"),        # a whole msgid
])
def test_localize_tool_questions(text, lang, expected):
    assert localize(text, lang) == expected
