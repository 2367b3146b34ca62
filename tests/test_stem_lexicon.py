"""Inflected product words of the six other languages read by the lexicon on word stems (issue 12,
assistant/lexicon.py `stem`, `StemTable`): the word form a question uses -> the record it reaches, the guards against
false matches, English and calls without a language unchanged, and the turn's language threaded through read_turn."""
from __future__ import annotations

import pytest

from assistant.case import Case
from assistant.core import Assistant
from assistant.lexicon import lexicon, stem
from assistant.understand import read_turn


def keys(text: str, language: str | None) -> set[str]:
    return {rec.key for _, rec, _ in lexicon().find(text, language=language)}


# language, question, record read on stems (none before: the exact match alone misses it), reason
READ = [
    ("it", "E per le nostre telecamere termiche?", "thermal-camera", "plural of 'telecamera termica'"),
    ("it", "I chip convertitori analogico-digitali veloci", "adc", "plural of 'convertitore analogico-digitale'"),
    ("it", "motori a reazione", "jet-engine", "plural head of a three-word phrase"),
    ("pl", "kamery termowizyjne", "thermal-camera", "nominative plural of 'kamera termowizyjna'"),
    ("pl", "Jakiego zezwolenia potrzebuję na kamerę termowizyjną?", "thermal-camera", "accusative singular"),
    ("pl", "technologia gorącej części silników odrzutowych", "jet-engine", "genitive plural"),
    ("de", "Nachtsichtgeräten", "night-vision", "dative plural of 'Nachtsichtgerät'"),
    ("de", "einen emaillierten chemischen Reaktor", "chemical-reactor", "accusative of 'chemischer Reaktor'"),
    ("de", "ballistische Raketen", "missile", "plural; Snowball's 'rak' is too short, the stripped 'raket' joins"),
    ("fr", "Nous vendons des smartphones chiffrés", "encryption", "'chiffrés' shares the stem of 'chiffrement'"),
    ("fr", "des analyseurs de signaux", "spectrum-analyser", "-aux plural of 'analyseur de signal'"),
    ("es", "una fábrica de misiles", "missile", "plural of 'misil' (the English 's' rule leaves 'misile')"),
    ("es", "convertidores analógico-digitales rápidos", "adc", "plural of 'convertidor analógico-digital'"),
    ("nl", "technologie voor straalmotoren", "jet-engine", "plural of 'straalmotor'"),
    ("nl", "lithiumbatterijen", "battery", "plural of 'lithiumbatterij'"),
    ("de", "ein Restlichtnachtsichtgerät", "night-vision", "a compound that ends on 'Nachtsichtgerät'"),
    ("de", "Hochleistungsoszilloskope", "oscilloscope", "a compound that ends on the plural of 'Oszilloskop'"),
    ("it", "i torni CNC", "lathe", "plural of 'tornio CNC', though 'torna' is excluded"),
    ("de", "Und die Objektive dafür?", "optics", "plural of 'Objektiv', the English lexicon's 'lens'"),
    ("pl", "obiektywy do kamer", "optics", "plural of 'obiektyw'"),
    ("nl", "een mijnopruimingsrobot", "bomb-disposal", "a compound that ends on 'opruimingsrobot', not on "
                                                              "the industrial 'robot'"),
]


@pytest.mark.parametrize("language, question, key, reason", READ)
def test_an_inflected_product_word_is_read_in_its_language(language, question, key, reason):
    assert key in keys(question, language), reason
    assert key not in keys(question, None), "read only on stems: the exact match alone misses it"


# language, question, record that must not be read, reason
NOT_READ = [
    ("it", "I chip sono controllati?", "sonar", "'sono' and 'sonar' share the stem 'son': under MIN_STEM, exact only"),
    ("it", "I chip sono controllati?", "intra-group", "topics keep the exact match: 'controllati' is no subsidiary"),
    ("es", "¿Qué sanciones si una empresa incumple las normas?", "laser", "'las' and 'láser' share 'las'"),
    ("fr", "une cuvée de réaction", "chemical-reactor", "'cuvée' and 'cuve' share 'cuv': too short"),
    ("de", "Die Kunden drohen mit einer Klage", "drone", "'drohen' (threaten) is not 'Drohne'"),
    ("nl", "een houten bat", "battery", "'bat' and 'batterij' share 'bat': too short"),
    ("pl", "linia pomiarowa", "position-sensor", "'linia' (line) and 'liniał' (ruler) share 'lini': too short"),
    ("pl", "kamera", "thermal-camera", "a phrase of several words needs every word: 'kamera' alone is no thermal one"),
    ("de", "eine Feuerwerksrakete", "rocket", "a compound ends on a product word of MIN_TAIL letters, not 'Rakete'"),
    ("it", "un superoscilloscopio", "oscilloscope", "only German and Dutch write compounds as one word"),
    ("it", "Il cliente torna a chiederci", "lathe", "'torna' (returns) is in the file's not_stems: exact only"),
    ("it", "una razza di cani", "rocket", "'razza' (a breed) is no 'razzo'"),
]


@pytest.mark.parametrize("language, question, key, reason", NOT_READ)
def test_a_word_that_only_looks_alike_is_not_read(language, question, key, reason):
    assert key not in keys(question, language), reason


@pytest.mark.parametrize("question", ["Nachtsichtgeräten", "E per le nostre telecamere termiche?",
                                      "kamery termowizyjne"])
def test_stems_are_those_of_the_question_language_only(question):
    """Without a language, in English, or in another of the six languages, the stems of a language do not apply."""
    assert keys(question, None) == keys(question, "en") == keys(question, "nl") == set()


def test_english_questions_keep_the_exact_match():
    questions = ["Do drones need a licence?", "night vision goggles for hunters", "5-axis CNC mills",
                 "Do I need an individual licence to export FPGAs to China?", "thermal cameras to Brazil"]
    for q in questions:
        assert lexicon().find(q, language="en") == lexicon().find(q)


@pytest.mark.parametrize("word, language, expected", [
    ("telecamere", "it", ("telecam", "telecamer")),        # Snowball takes "-ere" for a verb ending
    ("telecamera", "it", ("telecamer", "telecamer")),      # ... so the stripped form joins the two
    ("Nachtsichtgeräten", "de", ("nachtsichtgerat", "nachtsichtgerat")),
    ("Kameras", "de", ("kameras", "kamer")),               # Snowball keeps the "s" after a vowel
    ("kamerę", "pl", ("kamer", "kamer")),
    ("der", "de", ("", "")),                               # too short to go by
])
def test_stem_keys(word, language, expected):
    assert stem(word, language) == expected


def test_read_turn_reads_the_product_in_the_turns_language():
    r = read_turn("E per le nostre telecamere termiche?")
    assert r.language.code == "it"
    assert [(p.words, "6A003" in p.entries) for p in r.products] == [("telecamere termiche", True)]


@pytest.mark.real
def test_inflected_italian_product_after_a_machine_tool_starts_a_new_item(real_index):
    """The brief's case: after a 2B001 question, 'our thermal cameras' in Italian plural is another product, the
    thermal cameras of 6A003, not a follow-up about the machine tool."""
    assistant = Assistant(real_index)
    first = assistant.answer("Can we ship a 2B001 machine tool to Canada?")
    then = Case.from_dict(assistant.answer("E per le nostre telecamere termiche?", case=first.case).case)
    assert then.current == 2 and then.item.code is None
    assert "6A003" in then.item.entries.value
    assert then.items[0].code.value == "2B001"
