"""What a defined term means, asked in the six other languages (issue 12): data/terms.toml gives the English term the
question's words write, the answer quotes the English definition."""
import tomllib

import pytest

from assistant.core import Assistant
from assistant.query import DEFINE_ASKED, parse
from assistant.terms import LANGUAGES, TERMS_PATH, english_term, term_asked


def test_every_term_is_written_in_the_six_languages():
    records = tomllib.loads(TERMS_PATH.read_text(encoding="utf-8"))["term"]
    assert len(records) >= 190
    for r in records:
        assert all(1 <= len(r[lang]) <= 3 and all(w.strip() == w and w for w in r[lang]) for lang in LANGUAGES), r


@pytest.mark.parametrize("words, language, english", [
    ("weltraumgeeignet", "de", "Space-qualified"),
    ("Vermittlungstätigkeiten", "de", "brokering services"),          # a plural: compared by its stem
    ("Exportateur", "fr", "exporter"),                                 # case and accents ignored
    ("laser", "pl", "Laser"),
    ("weltraum", "de", None),                                          # a part of a term is no term
    ("technologie", "en", None),                                       # English is the corpus' own
])
def test_english_term(words, language, english):
    assert english_term(words, language) == english


@pytest.mark.parametrize("question, term", [
    ("In der Kontrollliste steht immer wieder „weltraumgeeignet“. Was bedeutet das?", "Space-qualified"),
    ("Que signifie « technologie » ?", "Technology"),
    ("¿Qué se entiende por intermediario?", "broker"),                  # no quote marks: the words after the question
    ("Was bedeutet das für unsere Ausfuhr nach China?", None),          # no term asked: "das für unsere Ausfuhr ..."
    ("Co oznacza „oprogramowanie typu intrusion”?", None),              # quoted words no term writes
])
def test_the_term_a_question_asks_about(question, term):
    asked = DEFINE_ASKED.search(question)
    found = term_asked(question, asked.end)
    assert (found[1] if found else None) == term


@pytest.mark.parametrize("question, intent", [
    ("Wat wordt verstaan onder doorvoer?", "define"),
    ("Cosa significa 'esportatore'?", "define"),
    ("Qu'est-ce que je dois faire pour exporter en Chine ?", "destination"),
])
def test_a_definition_asked_in_another_language_is_the_define_intent(question, intent):
    assert parse(question).intent == intent


@pytest.fixture(scope="module")
def real_assistant(real_index):
    return Assistant(real_index)


@pytest.mark.real
@pytest.mark.parametrize("question, locator", [
    ("In der Kontrollliste steht immer wieder „weltraumgeeignet“. Was bedeutet das?", "Annex I Definitions"),
    ("Que signifie « technologie » ?", "Annex I Definitions"),     # read as English (short): the term still found
    ("Wat wordt verstaan onder doorvoer?", "Art. 2(11)"),
    ("A forwarder files our customs declaration, we hold the contract. Who is the 'exporter'?", "Art. 2(3)"),  # not
    # French "exporter" (to export): an English question's quoted words are English first
])
def test_the_answer_quotes_the_english_definition(real_assistant, question, locator):
    ans = real_assistant.answer(question)
    assert [c.locator for c in ans.citations][:1] == [locator]
    assert ans.to_dict()["tools"][0]["name"] == "define"
