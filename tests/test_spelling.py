"""Misspelt cue words (assistant/spelling.py) and the phrase tables reading through them."""
import pytest

from assistant.phrases import PhraseTable
from assistant.spelling import corrector

VOCABULARY = ["export", "transit*", "broker*", "exhibition", "repair", "technical assistance", "reparatur",
              "durchfuhr*", "vermittlung"]


@pytest.mark.parametrize("word, language, expected", [
    ("exprot", "en", "export"),                 # two letters swapped
    ("tranist", "en", "transit"),               # a prefix word, the whole word matched
    ("brokring", "en", "brokering"),            # a prefix word: the ending kept
    ("exhibtion", "en", "exhibition"),          # a letter dropped
    ("repaird", "en", "repair"),
    ("reperatur", "de", "reparatur"),           # a letter changed, German dictionary
    ("dirchfuhr", "de", "durchfuhr"),
    ("vermitlung", "de", "vermittlung"),
    ("expert", "en", None),                     # a word of English: never corrected
    ("broken", "en", None),
    ("export", "en", None),                     # the word itself
    ("sael", "en", None),                       # too short to tell from another word
    ("xylophone", "en", None),                  # nothing near
])
def test_corrector(word, language, expected):
    assert corrector(VOCABULARY, language)(word) == expected


@pytest.mark.parametrize("word", ["authorisation", "centred", "defence", "licences", "colour"])
def test_british_spellings_are_words(word):
    # the English word list is American; a British spelling is no typo of the American word
    assert corrector(["authorization", "centered", "defense", "licenses", "color"], "en")(word) is None


def test_names_and_polish_are_not_corrected():
    correct = corrector(["cyber"], "en")
    assert correct("kyber", "Kyber", True) is None                    # capitalised inside a sentence: a name
    assert correct("kyber", "kyber", False) == "cyber"
    assert corrector(["reparatur"], "de")("reperatur", "Reperatur", True) == "reparatur"   # German nouns
    assert corrector(["wymiana"], "pl")("wymiena") is None            # no Polish dictionary: nothing corrected


def test_tie_between_two_words_is_no_correction():
    assert corrector(["blast", "boast"], "en")("bloast") is None     # one letter off both


def test_phrase_table_reads_through_misspellings():
    table = PhraseTable({"activity.export": ["export"], "activity.technical_assistance": ["technical assistance"],
                         "purpose.exhibition": ["exhibition"]})
    correct = corrector(table.words, "en")
    found = table.find("temporary exprot for an exhibtion, with tehcnical asistance", correct)
    assert [(m.concept, m.words, m.read_as, m.corrected) for m in found] == [
        ("activity.export", "exprot", "export", True),
        ("purpose.exhibition", "exhibtion", "exhibition", True),
        ("activity.technical_assistance", "tehcnical asistance", "technical assistance", True)]
    # without a corrector only what is written is read; what is spelt right is never marked corrected
    assert table.find("temporary exprot for an exhibtion") == []
    assert [m.corrected for m in table.find("export for an exhibition", correct)] == [False, False]
