"""Answers in the user's language (issue 12): the questions back and "What decides it" are written from the
catalogue in the question's language, and the law's words they carry (parameter names, quotes, locators) stay English,
verbatim; nothing of the English frame is left."""
import pytest

from assistant.core import Assistant
from assistant.messages import WHAT_DECIDES, question_text, t


@pytest.fixture(scope="module")
def real_assistant(real_index):
    return Assistant(real_index)


@pytest.mark.real
@pytest.mark.parametrize("question, lang, frame, decides", [
    ("Ist unser Analog-Digital-Wandler mit 12 Bit gelistet?", "de", "Welchen Wert hat „",
     "die oben erfragten Angaben; nennen Sie sie in Ihrer nächsten Nachricht"),
    ("Czy nasz przetwornik analogowo-cyfrowy 12-bitowy jest objęty kontrolą?", "pl", "Jaka jest wartość „",
     "informacje, o które pytam powyżej; proszę podać je w następnej wiadomości"),
])
def test_questions_back_and_what_decides_in_the_users_language(real_assistant, question, lang, frame, decides):
    ans = real_assistant.answer(question)
    d = ans.to_dict()
    asked = d["determination"]["questions"]
    assert d["case"]["language"] == lang and d["determination"]["status"] == "needs_facts" and asked
    assert f"{t(WHAT_DECIDES, lang)} {decides}" in ans.text
    assert frame in ans.text
    for q in asked:
        assert question_text(q, lang) in ans.text              # each question back, in the user's language ...
        assert q["quote"] in ans.text                           # ... quoting the list verbatim, in English
        assert q["text"] not in ans.text                        # the English frame is not shown
    for english in ("What is the ", "Does this describe", "To decide whether", "the facts asked for above",
                    "A missing match"):
        assert english not in ans.text, english


@pytest.mark.real
def test_licensing_what_decides_in_german(real_assistant):
    ans = real_assistant.answer("Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?")
    assert "Was den Ausschlag gibt: ob Ihr Gut die Parameter von 2B001 erfüllt" in ans.text
    assert "whether your item meets" not in ans.text


@pytest.mark.real
def test_english_answers_keep_the_law_layers_questions(real_assistant):
    ans = real_assistant.answer("Is our 12-bit analogue-to-digital converter listed?")
    asked = ans.to_dict()["determination"]["questions"]
    assert asked and all(q["text"] in ans.text for q in asked)
    assert "What decides it: the facts asked for above" in ans.text


@pytest.mark.real
def test_destination_lead_in_german(real_assistant):
    ans = real_assistant.answer("Welche allgemeinen Genehmigungen gelten für Norwegen?")
    assert ans.text.startswith("**Norwegen ist ein Bestimmungsland von EU001; jede erfasst nur die Güter ihres Teils 1")
    assert "unter welchen Eintrag des Anhangs I Ihr Gut fällt" in ans.text       # what decides it, with CLDR's name
    assert "„5A002 – Norwegen“" in ans.text


@pytest.mark.real
def test_the_tools_question_back_in_german(real_assistant):
    # check_destination asks in English; the answer asks in German, the codes as they are
    ans = real_assistant.answer("Können wir 5A002 nach Brasilien liefern?")
    assert ans.tools[0].result["outcome"] == "needs_facts"
    assert "(1) Unter welche Unternummer von 5A002 fällt Ihr Gut? EU008 erfasst nur 5A002.a.2, 5A002.a.3, 5A002.b." \
        in ans.text
    assert "Which sub-item" not in ans.text and "what exactly your" not in ans.text
