"""Dictionary glosses of questions in other languages (assistant/gloss.py): the real FreeDict dictionaries that
scripts/setup fetches into data/freedict, the lexicon hook that appends the English words, and what happens when the
dictionaries are missing."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant import gloss as gloss_module
from assistant.gloss import DICTIONARY_DIR, Glossary, english, gloss, senses, versions
from assistant.library import Library
from assistant.lexicon import expand, lexicon
from ingest.fingerprint import changed, components
from ingest.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
installed = pytest.mark.skipif(not versions(), reason=f"FreeDict dictionaries not in {DICTIONARY_DIR}: run scripts/setup")


# --------------------------------------------------------------------------------------- reading one dictd entry

@pytest.mark.parametrize("entry, expected", [
    # deu-eng: grammar in <...>, labels in [...], synonyms and cross-references indented or after a blank line
    ("Ausfuhr /ˈaʊsfˌuːɾ/ <fem, n, sg>\nexport <n>, exportation <n>\n   Synonyms: {Ausfuhren}\n\n see: {Exporte}\n",
     [["export", "exportation"]]),
    ("Drohne /dɾˈoːnə/ <fem, n, sg>\n [mil.] drone aircraft <n>, drone <n>\n         Note: unmanned\n",
     [["drone aircraft", "drone"]]),
    # numbered senses (fra-eng, nld-eng); a leading "to" of a verb goes
    ("vergunning /vɛrɤ°ɵniŋ/\n1. licence, license\n2. permit\n", [["licence", "license"], ["permit"]]),
    ("exporter /ɛkspɔʀte/\nto export\n", [["export"]]),
    # pol-eng: a definition in Polish in brackets is not a translation; a trailing sense number is dropped
    ("zezwolenie /x/ <n>\npermission, authorisation 2.\n(prawo) dokument poświadczający zgodę\n",
     [["permission", "authorisation"]]),
    # eng-pol: senses numbered within parts of speech numbered in Roman numerals
    ("export\nI.  <V> 1.  eksportować\n 2.  rozpowszechniać\nII.  <N> 1.  eksport\n",
     [["eksportować"], ["rozpowszechniać"], ["eksport"]]),
    # "sth." and "sb." are placeholders, not words
    ("lösen können /x/ <v>\nget off sth. <v>\n", [["get off"]]),
])
def test_the_senses_of_an_entry(entry, expected):
    assert senses(entry) == expected


# ------------------------------------------------------------------------------------- the real dictionaries

@installed
@pytest.mark.parametrize("language, words, expected", [
    ("de", "Ausfuhr", "export"),                                    # a word, its first sense
    ("de", "Wärmebildkamera", "thermal imaging camera"),            # a word, a later translation of the first sense
    ("de", "Warmebildkamera", "thermal imaging camera"),            # written without the umlaut: the folded key
    ("de", "Genehmigungen", "permits"),                             # a plural that is a headword of its own
    ("pl", "produktów", "product"),                                 # genitive plural: by the Polish stem
    ("pl", "zezwolenia", "permission"),                             # likewise
    ("es", "espina dorsal", "spine"),                               # a two-word phrase the dictionary has
    ("fr", "autorite", "authority"),                                # accent dropped by the writer
    ("nl", "vergunning", "licence"),
    ("it", "dogana", "customs"),
])
def test_a_word_or_phrase_is_looked_up(language, words, expected):
    assert expected in Glossary().lookup(language, words.split())


@installed
@pytest.mark.parametrize("language, word, parts", [
    ("de", "kampfdrohne", ("fight", "drone")),                      # not a headword: Kampf + Drohne
    ("de", "zentrifugenrotor", ("centrifuges", "rotor")),
    ("nl", "nachtkijker", ("night", "binoculars")),                 # Dutch compounds too
])
def test_a_compound_is_glossed_by_its_parts(language, word, parts):
    g = Glossary()
    assert g.lookup(language, [word]) == ()
    assert set(parts) <= set(g.compound(language, word))


@installed
def test_a_question_is_glossed_phrase_by_phrase_without_stop_words():
    said = gloss("Brauchen wir eine Genehmigung für die Ausfuhr von Xyzzyblubbs?", "de")
    assert [asked for asked, _ in said.found] == ["Brauchen", "Genehmigung", "Ausfuhr"]    # wir, eine, für... dropped
    assert said.unknown == ["Xyzzyblubbs"]                                                 # no dictionary knows it
    assert "permit" in said.words.split() and "export" in said.words.split()
    assert gloss("die der und wir", "de").words == ""                                     # stop words alone: nothing


@installed
@pytest.mark.parametrize("language", ["en", "pt", "xx"])
def test_nothing_is_glossed_from_english_or_a_language_without_a_dictionary(language):
    assert not gloss("Ausfuhr Genehmigung export licence", language)


# ---------------------------------------------------------- the English words BM25 reads; the search routes

@installed
@pytest.mark.parametrize("question, language, key", [
    # "Chiffrierung" is in no German lexicon phrase; the dictionary says "encryption", an English phrase
    ("Fällt unser Gerät zur Chiffrierung unter die Kontrolle?", "de", "encryption"),
    # "wirówki" (genitive of "wirówka") is in no Polish phrase; the dictionary's stem says "centrifuge"
    ("Czy wirówki laboratoryjne są kontrolowane?", "pl", "centrifuge"),
])
def test_a_question_gets_the_english_list_words_through_the_dictionary(question, language, key):
    record = next(r for r in lexicon().records if key in r.say)
    list_words = set(record.list_words.lower().split())
    assert not list_words <= set(expand(question).words.lower().split())       # the lexicon alone misses it
    words = set(english(question, language).lower().split())
    assert key in words and list_words <= words


@installed
def test_an_english_question_has_no_gloss():
    assert english("Do we need a licence for a thermal camera?", "en") == ""


@installed
def test_bm25_reads_the_gloss_of_a_question_in_another_language(fixture_index):
    """On the fixture corpus: a German question whose words the English BM25 cannot match finds the body-armour
    entry once its gloss ("bulletproof vest") is read; without the gloss BM25 finds nothing of it."""
    library = Library(fixture_index)
    question = "kugelsichere Weste"
    assert "bulletproof" in english(question, "de").split()
    plain = library.search(question, k=5, mode="bm25", language="de", gloss=False)
    glossed = library.search(question, k=5, mode="bm25", language="de")
    assert not any(h.locator.startswith("Annex I 1A005") for h in plain)
    assert any(h.locator.startswith("Annex I 1A005") for h in glossed)


# --------------------------------------------------------------- building the table; the dictionaries missing

def _copy_dictionary(directory: Path, name: str) -> None:
    for suffix in (".index", ".dict.dz"):
        shutil.copy(DICTIONARY_DIR / f"freedict-{name}{suffix}", directory / f"freedict-{name}{suffix}")


@installed
def test_the_table_is_built_on_first_use_and_again_when_the_dictionaries_change(tmp_path):
    _copy_dictionary(tmp_path, "ita-eng")
    (tmp_path / "VERSIONS").write_text("dict-freedict-ita-eng 1\n")
    assert Glossary(tmp_path).lookup("it", ["dogana"]) == ("customs",)
    assert Glossary(tmp_path).lookup("es", ["aduana"]) == ()                      # only the Italian one is there
    _copy_dictionary(tmp_path, "spa-eng")
    assert Glossary(tmp_path).lookup("es", ["aduana"]) == ()                      # same VERSIONS: the table stands
    (tmp_path / "VERSIONS").write_text("dict-freedict-ita-eng 1\ndict-freedict-spa-eng 1\n")
    assert Glossary(tmp_path).lookup("es", ["aduana"]) == ("customs",)            # new VERSIONS: rebuilt


def test_without_the_dictionaries_questions_use_the_lexicon_alone_and_one_notice_says_so(tmp_path, monkeypatch):
    missing = Glossary(tmp_path / "nowhere")
    monkeypatch.setattr(gloss_module, "glossary", lambda: missing)
    assert gloss("Brauchen wir eine Genehmigung für die Ausfuhr?", "de").words == ""
    assert english("Brauchen wir für die Ausfuhr eine Genehmigung?", "de") == ""      # BM25 reads the question alone
    assert expand("Ist eine schusssichere Weste genehmigungspflichtig?").entries == ["1A005"]   # the lexicon works
    assert gloss_module.notice().startswith("The FreeDict dictionaries are not installed (no ")
    assert "scripts/setup" in gloss_module.notice()


def test_the_dictionary_versions_are_part_of_the_fingerprint(tmp_path):
    before = components(Settings(), "b1", tmp_path)
    (tmp_path / "data" / "freedict").mkdir(parents=True)
    (tmp_path / "data" / "freedict" / "VERSIONS").write_text("dict-freedict-deu-eng 2022.04.21-1\n")
    assert changed(before, components(Settings(), "b1", tmp_path)) == ["dictionaries"]


def test_setup_without_apt_says_so_once_and_goes_on(tmp_path):
    """scripts/setup on a machine where apt-get cannot download: one notice, exit 0, nothing half-installed."""
    import hashlib
    stamp = ROOT / ".venv" / f".installed-{hashlib.sha256((ROOT / 'pyproject.toml').read_bytes()).hexdigest()[:16]}"
    if not stamp.exists():
        pytest.skip("the venv is not installed for this pyproject.toml: setup would install it")
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup", project / "scripts" / "setup")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    (project / ".venv").symlink_to((ROOT / ".venv").resolve())
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text("#!/bin/sh\necho 'E: no package lists' >&2\nexit 100\n")  # apt with no lists
    (bin_dir / "apt-get").chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    run = subprocess.run(["bash", "scripts/setup"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    notices = [line for line in run.stderr.splitlines() if "FreeDict" in line]
    assert len(notices) == 1 and "lexicon's words only" in notices[0]
    assert not (project / "data" / "freedict").exists()
