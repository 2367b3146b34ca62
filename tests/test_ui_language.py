"""The app's own labels in the page's language (issue 12): the browser's language picks the default, every label the
app and interfaces/ui.py draw is a msgid of the catalogue, and the pure text helpers write their words in the page's
language while the law's words, codes and the answer's own warnings keep theirs. The app itself, with the switch and
a browser locale, is tested through AppTest in tests/test_app.py."""
from __future__ import annotations

import ast

import pytest

from assistant.answer import Answer, Citation
from assistant.messages import UI_LANGUAGES, language_name, msgids
from ingest.model import FLAG_MESSAGES
from interfaces import ui
from interfaces.record import SITUATION, STATUS_WORDS, provenance
from tests.conftest import ROOT


@pytest.mark.parametrize("locale, accept, expected", [
    ("de-DE", "de-DE,de;q=0.9,en;q=0.8", "de"),        # a German browser
    ("fr-CH", None, "fr"),                             # st.context.locale alone (no header: AppTest, some proxies)
    (None, "nl-BE,nl;q=0.9", "nl"),                    # the header alone
    ("pt-BR", "pt-BR,pt;q=0.9,it;q=0.8", "it"),        # no catalogue for the browser's own: its next language
    ("pt-BR", "pt-BR,pt;q=0.9", "en"),                 # none with a catalogue: English
    ("en-GB", "en-GB,de;q=0.5", "en"),                 # English first: English, not the second language
    (None, None, "en"), ("", "", "en"),                # no browser language at all: English
])
def test_browser_language(locale, accept, expected):
    assert ui.browser_language(locale, accept) == expected


def test_the_switch_names_each_language_in_itself():
    assert [language_name(lang) for lang in UI_LANGUAGES] == [
        "English", "Deutsch", "Français", "Italiano", "Español", "Nederlands", "Polski"]


def _label_strings(path) -> set[str]:
    """The literal first arguments of every tr(...) / t(...) call in a module (both branches of a conditional)."""
    def strings(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.IfExp):
            yield from strings(node.body)
            yield from strings(node.orelse)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("tr", "t"):
                found |= set(strings(node.args[0]))
    return found


@pytest.mark.parametrize("module, at_least", [("app.py", 60), ("interfaces/ui.py", 60), ("interfaces/record.py", 4)])
def test_every_label_drawn_is_in_the_catalogue(module, at_least):
    # a label added without a msgid would show in English on every page; the catalogue test then asks for its
    # translation in every language
    labels = _label_strings(ROOT / module)
    assert len(labels) >= at_least
    assert sorted(labels - set(msgids())) == []


def test_the_label_tables_are_in_the_catalogue():
    # the tables whose English values the app translates as it draws them
    tables = [*(h for _, h in ui.OUTCOMES.values()), *ui.PURPOSES.values(), *ui.ACTIVITIES.values(),
              *ui.GROUP_NAMES.values(), *(label for _, label in ui.CHANGE_BADGES.values()),
              *(icon.split(" ", 1)[1] for icon in ui.RESULT_ICONS.values()), *STATUS_WORDS.values(),
              *(label for _, label in SITUATION), "Chat", "Control list", "Destination check", "Coverage",
              "yes", "no", "depends on the sub-item"]
    assert sorted(set(tables) - set(msgids())) == []


FLAGGED = Citation(1, "Annex I 3A001.a.5.a.3", "annex-i-2025", "02021R0821-20251115", '"sample rate" greater than 400',
                   "https://eur-lex.europa.eu/eli/reg/2021/821", flags=("flattened_table",))


@pytest.mark.parametrize("lang, answer_lang, expected", [
    ("de", "en", "**[1] Annex I 3A001.a.5.a.3** · `annex-i-2025` · Fassung 02021R0821-20251115 · [amtlicher Text]("
                 "https://eur-lex.europa.eu/eli/reg/2021/821)\n\n> “\"sample rate\" greater than 400”\n\n"
                 ":gray[⚠️ " + ui.md(FLAG_MESSAGES["flattened_table"]) + "]"),
    # ^ the page in German, the answer (asked in English) keeps its warning in English; locator and quote verbatim
    ("en", "fr", "**[1] Annex I 3A001.a.5.a.3** · `annex-i-2025` · version 02021R0821-20251115 · [official text]("
                 "https://eur-lex.europa.eu/eli/reg/2021/821)\n\n> “\"sample rate\" greater than 400”\n\n"
                 ":gray[⚠️ " + ui.md("Un tableau est réduit à du texte dans cette copie : lisez-le dans le Journal officiel.")
                 + "]"),
    # ^ an answer asked in French: its warning in French, whatever the page's language
])
def test_citation_markdown_page_words_and_answer_warnings(lang, answer_lang, expected):
    assert ui.citation_markdown(FLAGGED, lang, answer_lang) == expected


def test_status_lines_in_the_page_language():
    answer = Answer(question="q", text="x", citations=[FLAGGED], tools=[], abstained=False, corpus_version="", seconds=0.5)
    assert ui.status_lines(answer, "pl") == (["📄 Cytaty sprawdzone dosłownie z plikami urzędowymi: 1"],
                                             "Odpowiedź w 0.50 s · Źródła sprawdzone z plikami urzędowymi: 1")
    assert ui.status_lines(answer)[1] == "Answered in 0.50 s · 1 source checked against the official files"


@pytest.mark.parametrize("fact, lang, expected", [
    ({"value": "BR", "words": "to Brazil", "turn": 2}, "de", " (Nachricht 2: „to Brazil“)"),   # the user's words kept
    ({"value": "BR", "words": "case panel: Brazil", "turn": 1}, "it",
     " (modificato nel pannello del caso dopo il messaggio 1)"),
    ({"value": "BR", "words": "case panel: Brazil", "turn": 1}, "en", " (edited in the case panel after turn 1)"),
    ({"value": "BR", "words": None, "turn": 3}, "es", " (mensaje 3)"),
])
def test_provenance_in_the_page_language(fact, lang, expected):
    assert provenance(fact, lang) == expected


@pytest.mark.parametrize("lang, expected", [
    ("de", "aus Nachricht 1: „Canada“"),
    ("en", "from turn 1: “Canada”"),
])
def test_came_from(lang, expected):
    assert ui.came_from({"value": {"name": "Canada"}, "words": "Canada", "turn": 1}, lang) == expected


def test_check_rows_columns_in_the_page_language_law_words_verbatim():
    det = {"entries": [{"locator": "Annex I 3A001.a.5.a.3", "checks": [
        {"parameter": "sample rate", "required": "greater than 400 MSPS", "given": None, "result": None,
         "locator": "Annex I 3A001.a.5.a.3", "quote": '"sample rate" greater than 400 MSPS'}]}]}
    assert ui.check_rows(det, "nl") == [{
        "Post": "3A001.a.5.a.3", "Parameter": "sample rate", "De wet vereist": "greater than 400 MSPS",
        "Uw opgave": "niet opgegeven", "Uitkomst": "❔ onbekend",
        "Citaat": '“"sample rate" greater than 400 MSPS” (Annex I 3A001.a.5.a.3)'}]


def test_the_questions_form_asks_in_the_answers_language():
    from law.classify import Check, _question
    rate = _question(Check("sample rate", "greater than 400 MSPS", None, None, "Annex I 3A001.a.5.a.3",
                           '"sample rate" greater than 400 MSPS', unit="MSPS"))
    [german] = ui.form_fields([rate], "de")
    assert german.label == ('Welchen Wert hat „sample rate“ (in MSPS)? Annex I 3A001.a.5.a.3 gilt für: „"sample rate" '
                            'greater than 400 MSPS“.')                  # the frame in German, the law's words verbatim
    assert german.parameter == "sample rate" and german.units[0] == "MSPS"   # the next turn names it as before
    assert ui.form_fields([rate])[0].label == rate["text"]
