"""The message catalogues: complete, placeholders intact, the fixed phrases of answers and the app covered."""
import re
import string

import pytest

from assistant.answer import CANNOT_ANSWER, NOTICE, SCOPE, WHO_TO_ASK
from assistant.messages import (ACTIVITIES, CATALOGUE_LANGUAGES, CAVEAT_FRAMES, EARLIER_FRAMES, QUESTION_FRAMES,
                                SOURCES_IN_ENGLISH, UNSUPPORTED_LANGUAGE, VERSION_FRAMES, WHAT_DECIDES, catalogue,
                                caveat_text, localize, msgids, pick_language, question_text, t, version_label)
from ingest.model import FLAG_MESSAGES
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


# --- the lines around the answer: caveats and version labels -----------------------------------------------------

EARLIER = ("Read with the earlier turns of this conversation: the item 2B001 (turn 1), the destination United States "
           "(turn 2), the purpose repair (turn 2), the activity technical assistance (turn 3), the authorisation you "
           "named EU003 (turn 3).")


@pytest.mark.parametrize("caveat, lang, expected", [
    (EARLIER, "de", "Aus früheren Nachrichten dieses Gesprächs übernommen: das Gut 2B001 (Nachricht 1), das "
                    "Bestimmungsland Vereinigte Staaten (Nachricht 2), der Zweck: für eine Ausfuhr nach Reparatur oder "
                    "Ersatz (Nachricht 2), die Tätigkeit: technische Unterstützung (Nachricht 3), die von Ihnen genannte "
                    "Genehmigung EU003 (Nachricht 3)."),          # every fact of ours in German, the codes as they are
    ("Read with the earlier turns of this conversation: the item gallium nitride, 5 mm wafers (turn 1), the "
     "destination Japan (turn 2).", "pl", "Przejęte z wcześniejszych wiadomości tej rozmowy: produkt gallium nitride, "
                                          "5 mm wafers (wiadomość 1), miejsce przeznaczenia Japonia (wiadomość 2)."),
    # ^ the user's words for the item stay as typed, a comma in them too
    ("Sanctions data for Crimea: EU restrictive measures. Import ban. (Project-maintained reference data as of "
     "2026-11-28, not part of the legal corpus: verify on https://www.sanctionsmap.eu/.)", "fr",
     "Données sur les sanctions pour Crimea : EU restrictive measures. Import ban. (Données de référence tenues à jour "
     "par le projet, en anglais, état au 2026-11-28, hors du corpus juridique : à vérifier sur "
     "https://www.sanctionsmap.eu/.)"),                          # a region keeps its name; the data stays English
    ("Monaco is treated as inside the customs territory of the Union (Article 4 of the Union Customs Code, project's "
     "reading): confirm with the competent authority.", "it",
     "Monaco è trattato come parte del territorio doganale dell'Unione (articolo 4 del codice doganale dell'Unione, "
     "lettura del progetto): lo faccia confermare dall'autorità competente."),
    (FLAG_MESSAGES["flattened_exponent"], "nl", "Exponenten zijn in deze kopie platgeslagen (bijv. \"3,18 × 106m\" "
     "betekent 3,18 × 10⁶ m): controleer numerieke drempels aan de hand van het Publicatieblad."),   # a whole line
    ("The version in force in between (Annex I as replaced by Delegated Regulation (EU) 2024/2547, from 2024-11-15) is "
     "not in the corpus: a change may date from either update.", "es",
     "La versión vigente entre ambas (Anexo I en la versión sustituida por el Reglamento Delegado (UE) 2024/2547, desde "
     "el 2024-11-15) no está en el corpus: un cambio puede proceder de cualquiera de las dos actualizaciones."),
    ("A caveat no frame knows.", "de", "A caveat no frame knows."),          # nothing invented: English as written
    (EARLIER, "en", EARLIER), (EARLIER, "pt", EARLIER),                        # English, or no catalogue: unchanged
])
def test_caveat_text(caveat, lang, expected):
    assert caveat_text(caveat, lang) == expected


@pytest.mark.parametrize("label, lang, expected", [
    ("Annex I consolidated 2025-11-15", "de", "Anhang I, konsolidierte Fassung 2025-11-15"),
    ("Annex I consolidated 2023-05-26 (superseded)", "pl", "Załącznik I, wersja skonsolidowana 2023-05-26 (zastąpiona)"),
    ("Articles and Annexes II-VI consolidated 2023-05-26", "fr", "Articles et annexes II-VI, version consolidée 2023-05-26"),
    ("annex-i-2025", "it", "annex-i-2025"),                    # a source without a label: its id, as it is
    ("Annex I consolidated 2025-11-15", "en", "Annex I consolidated 2025-11-15"),
])
def test_version_label(label, lang, expected):
    assert version_label(label, lang) == expected


def test_every_manifest_version_label_has_a_frame():
    # a label added to the manifest without a frame would show in English in every language's "Sources" line
    import tomllib
    from pathlib import Path
    manifest = tomllib.loads((Path(__file__).resolve().parents[1] / "corpus" / "manifest.toml").read_text())
    labels = [s["version_label"] for s in manifest["source"] if s.get("version_label")]
    assert labels and all(version_label(label, "de") != label for label in labels), labels


def test_the_english_lines_other_modules_write_have_their_frame_or_msgid():
    # the frames repeat the English of the modules that write these lines: a change there fails here first
    from assistant.instructions import INSTRUCTIONS_IGNORED
    from assistant.library import ENGLISH_ONLY, KEYWORD_ONLY, SEMANTIC_ONLY
    from assistant.query import OUTSIDE_THE_LAW
    assert {KEYWORD_ONLY, SEMANTIC_ONLY, ENGLISH_ONLY} <= set(CAVEAT_FRAMES)
    ids = set(msgids())
    whole = [INSTRUCTIONS_IGNORED, *FLAG_MESSAGES.values(), *(reason for _, reason in OUTSIDE_THE_LAW), *ACTIVITIES]
    assert [m for m in whole if m not in ids] == []
    assert [f for f in (*CAVEAT_FRAMES, *EARLIER_FRAMES, *VERSION_FRAMES) if f not in ids] == []
