"""The multilingual data: lexicon.<lang>.toml merged into the English records by key, and vocabulary.toml (activities,
purposes, end uses, conversation cues) complete in the seven languages."""
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from assistant.lexicon import LANGUAGES, LEXICON_PATH, Lexicon, Record, expand, lexicon, merge, phrase_key

DATA = Path(LEXICON_PATH).parent
ALL = ("en", "de", "fr", "it", "es", "nl", "pl")


@pytest.mark.parametrize("question, entries, why", [
    ("Brauche ich eine Ausfuhrgenehmigung für eine Wärmebildkamera nach China?", ["6A003"], "German product word"),
    ("Faut-il une licence pour exporter un fermenteur de 100 litres vers l'Inde ?", ["2B352"], "French"),
    ("Posso esportare una termocamera in Cina?", ["6A003"], "Italian"),
    ("¿Es un chaleco antibalas un producto controlado?", ["1A005"], "Spanish"),
    ("Valt een kogelvrij vest onder de controle?", ["1A005"], "Dutch"),
    ("Czy kamizelka kuloodporna wymaga zezwolenia?", ["1A005"], "Polish"),
    ("Exportamos una fresadora de 5 ejes", ["2B001"], "a longer phrase with a number"),
    ("Wir liefern Drohnen nach Indien", ["9A012"], "German plural"),
])
def test_foreign_phrases_point_to_the_english_records(question, entries, why):
    assert expand(question).entries[:len(entries)] == entries, why


def test_every_language_file_has_known_keys_and_no_new_homes():
    records = Lexicon.load(languages=()).records
    keys = {r.key for r in records if r.key}
    assert len(keys) >= 120 and len(keys) == len([r for r in records if r.key])      # keys are unique
    for lang in LANGUAGES:
        data = tomllib.loads((DATA / f"lexicon.{lang}.toml").read_text(encoding="utf-8"))
        used = [t["key"] for kind in ("term", "topic") for t in data.get(kind, [])]
        assert set(used) <= keys and len(used) >= 120, lang
        assert all(t["say"] for kind in ("term", "topic") for t in data.get(kind, [])), lang


def test_a_foreign_phrase_never_names_another_record():
    owners = defaultdict(set)
    for rec in lexicon().records:
        for phrase in rec.say:
            owners[phrase_key(phrase)].add(rec.key or rec.list_words)
    assert not {k: v for k, v in owners.items() if len(v) > 1}


def test_merge_rejects_an_unknown_key_and_skips_repeats():
    base = [Record("term", ("widget",), "foo", entries=("1A001",), key="widget")]
    merged = merge(base, {"term": [{"key": "widget", "say": ["Widget", "Dings", "dings"]}]})
    assert merged[0].say == ("widget", "Dings")
    with pytest.raises(ValueError, match="gadget"):
        merge(base, {"term": [{"key": "gadget", "say": ["x"]}]}, "lexicon.xx.toml")


def test_vocabulary_sections_have_every_language():
    vocab = tomllib.loads((DATA / "vocabulary.toml").read_text(encoding="utf-8"))
    sections = {f"{group}.{name}": langs for group, names in vocab.items() for name, langs in names.items()}
    assert {"activity.brokering", "activity.transit", "activity.technical_assistance", "activity.transfer",
            "purpose.repair", "purpose.exhibition", "purpose.intra_group", "end_use.military", "end_use.wmd",
            "end_use.internal_repression", "end_use.cyber_surveillance", "cue.reset", "cue.also_item",
            "cue.follow_up", "cue.compare", "related.software", "related.technology", "related.parts", "answer.yes", "answer.no", "answer.dont_know", "scope.injection", "scope.foreign_law",
            "scope.off_topic", "scope.not_our_job", "scope.control"} <= set(sections)
    for name, langs in sections.items():
        assert set(langs) == set(ALL) and all(langs[lang] for lang in ALL), name
    # within one language and one table (the turn's reading, assistant/understand.py; the scope checks,
    # assistant/query.py), a phrase belongs to one section only (else it could not decide anything)
    for table in ({n: v for n, v in sections.items() if not n.startswith("scope.")},
                  {n: v for n, v in sections.items() if n.startswith("scope.")}):
        for lang in ALL:
            seen = {}
            for name, langs in table.items():
                for phrase in langs[lang]:
                    key = phrase.lower()
                    assert seen.setdefault(key, name) == name, (lang, phrase, seen[key], name)
