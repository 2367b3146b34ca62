"""Catchwords (corpus/catchwords.toml): well-formed, about provisions that exist, in the text retrieval searches, in
the build id, and useful: a set of plain-language questions finds the provision that answers them.

The retrieval check builds a second index of the real corpus without catchwords (a temp data dir sharing the
embedding cache, so only the chunks that differ are embedded) and runs the same questions on both indexes with the
Library's hybrid search (BM25 + MiniLM, reciprocal rank fusion). A question is answered when the expected provision,
or one of its points, is among the top-5 provisions. Both hit rates are printed (`pytest -s`) and the one with
catchwords must be at least 80 %.
"""
from __future__ import annotations

import re
import shutil

import pytest

from ingest.catchwords import (CATCHWORDS_PATH, CATCHWORDS_SOURCE, MAX_WORDS, MIN_WORDS, CatchwordsError,
                               catchwords_hash, load_catchwords)
from ingest.chunks import make_chunks
from ingest.model import Provision

LOCATOR = re.compile(r"^(Art\. \d+(\(\d+\))?(\([a-z]+\))?(\([ivx]+\))?|Annex (II|III|IV|V|VI)( (Section|Part) [A-Z]+)?)$")

# Questions written for this test (not from evals/), as a compliance officer or helpdesk would ask them,
# each with the provision that answers it.
QUESTIONS = [
    ("How long is an individual export licence valid?", "Art. 12(3)"),
    ("For how many years do we have to keep the records of our dual-use exports?", "Art. 27(3)"),
    ("Our company is based in Germany but the goods are stored in France: which authority issues the individual "
     "licence?", "Art. 12(2)"),
    ("Is sending controlled technology to a colleague in India by e-mail an export?", "Art. 2(2)"),
    ("Can customs stop a shipment from leaving the EU although we hold a valid export licence?", "Art. 21(3)"),
    ("What penalties apply when a company exports dual-use goods without authorisation?", "Art. 25(1)"),
    ("Are the national authorities allowed to come to our offices to check our export compliance?", "Art. 28"),
    ("We found out that an unlisted machine we sell may end up in a missile programme. Do we have to tell the "
     "authorities?", "Art. 4(2)"),
    ("Is a licence needed for arranging the sale of dual-use goods from China to Pakistan by an EU trader?", "Art. 6(1)"),
    ("Does training foreign engineers who visit our plant in Italy count as technical assistance?", "Art. 2(10)"),
    ("Which items can never be exported under a national general export authorisation?", "Art. 12(6)"),
    ("How many days do other Member States have to object when the goods are located on their territory?",
     "Art. 14(1)"),
    ("What does the authority take into account when deciding whether to grant an export licence?", "Art. 15(1)"),
    ("How often are licence denials reviewed, and can a denial be withdrawn?", "Art. 16(2)"),
    ("Do we need a permit to move Annex IV items from Belgium to the Netherlands?", "Art. 11(1)"),
    ("What must our invoices say when we ship controlled items to a customer in another EU country?", "Art. 11(9)"),
    ("What information must an application for an individual export authorisation contain?", "Art. 12(4)"),
    ("Is surveillance software that is not on the control list subject to a licence if the buyer's government "
     "represses its population?", "Art. 5(1)"),
    ("When did Regulation (EU) 2021/821 enter into force?", "Art. 32"),
    ("Does the old Regulation 428/2009 still apply to applications submitted before September 2021?", "Art. 31"),
    ("Can the authority withdraw our right to use the EU general export authorisations?", "Art. 12(7)"),
    ("What is an internal compliance programme?", "Art. 2(21)"),
    ("Can a Member State control exports of items not on the EU list for human rights reasons?", "Art. 9(1)"),
    ("I am flying to Dubai with a controlled sample in my suitcase. Am I the exporter?", "Art. 2(3)"),
    ("Is technical assistance to customers in the United States exempt from authorisation?", "Art. 8(3)"),
    ("When will the Commission evaluate the dual-use regulation?", "Art. 26(4)"),
    ("Goods from China pass through Rotterdam on their way to Iran: can the Netherlands stop them?", "Art. 7(1)"),
    ("Where do I find the list of competent authorities of each Member State?", "Art. 23(1)"),
    ("Can a Member State require that dual-use exports are declared only at certain customs offices?", "Art. 22(1)"),
    ("How are the lists of controlled dual-use items in Annex I updated?", "Art. 17(1)"),
]
TOP = 5
MIN_HIT_RATE = 0.80


# --- the file ---------------------------------------------------------------------------------------------------

def test_file_is_valid_and_words_are_within_bounds():
    catchwords = load_catchwords()
    assert len(catchwords) >= 150
    for locator, words in catchwords.items():
        assert LOCATOR.match(locator), locator
        assert MIN_WORDS <= len(words.split()) <= MAX_WORDS, (locator, len(words.split()))


def test_every_article_3_to_32_has_catchwords():
    articles = {re.match(r"Art\. (\d+)", loc).group(1) for loc in load_catchwords() if loc.startswith("Art.")}
    assert {str(n) for n in range(3, 33)} <= articles


def test_duplicates_and_empty_words_are_rejected(tmp_path):
    dup = tmp_path / "dup.toml"
    dup.write_text('[[catchwords]]\nlocator = "Art. 1"\nwords = "a b"\n[[catchwords]]\nlocator = "Art. 1"\nwords = "c"\n')
    with pytest.raises(CatchwordsError, match="twice"):
        load_catchwords(dup)
    empty = tmp_path / "empty.toml"
    empty.write_text('[[catchwords]]\nlocator = "Art. 1"\nwords = "  "\n')
    with pytest.raises(CatchwordsError, match="no words"):
        load_catchwords(empty)
    assert load_catchwords(None) == {}


@pytest.mark.real
def test_every_locator_exists_in_the_real_store(real_index):
    from ingest.index import serving_build
    from ingest.store import Store
    store = Store(serving_build(real_index) / "store.sqlite")
    missing = [loc for loc in load_catchwords() if store.get(loc, CATCHWORDS_SOURCE) is None]
    assert not missing


@pytest.mark.real
def test_every_paragraph_and_definition_has_catchwords(real_index):
    from ingest.index import serving_build
    from ingest.store import Store
    store = Store(serving_build(real_index) / "store.sqlite")
    units = store.where(f"source='{CATCHWORDS_SOURCE}' AND kind IN ('paragraph','definition') AND locator LIKE 'Art.%'")
    catchwords = load_catchwords()
    assert units and not [p.locator for p in units if p.locator not in catchwords]


# --- chunks and build id ----------------------------------------------------------------------------------------

def _provisions(source: str = CATCHWORDS_SOURCE) -> list[Provision]:
    art = Provision("Art. 12", "3. Individual export authorisations shall be valid for up to two years.", "article",
                    source, "v1", title="Article 12")
    par = Provision("Art. 12(3)", "3. Individual export authorisations shall be valid for up to two years.",
                    "paragraph", source, "v1", parent="Art. 12")
    other = Provision("Art. 12(4)", "4. Exporters shall supply the competent authority with all relevant information.",
                      "paragraph", source, "v1", parent="Art. 12")
    return [art, par, other]


def test_catchwords_reach_the_embed_text_only():
    words = {"Art. 12(3)": "validity period of export licences: how long a licence is valid"}
    plain = {c.locator: c for c in make_chunks(_provisions())}
    chunks = {c.locator: c for c in make_chunks(_provisions(), words)}
    assert chunks["Art. 12(3)"].embed_text == plain["Art. 12(3)"].embed_text + " — " + words["Art. 12(3)"]
    assert (chunks["Art. 12(3)"].start, chunks["Art. 12(3)"].end) == (plain["Art. 12(3)"].start, plain["Art. 12(3)"].end)
    assert chunks["Art. 12(4)"].embed_text == plain["Art. 12(4)"].embed_text          # no catchwords, no suffix
    # the same locator in another source (e.g. a guidance document) is not the Regulation's provision
    assert all("how long" not in c.embed_text for c in make_chunks(_provisions("rec-2019-1318"), words))


def test_build_id_changes_with_the_catchwords(tmp_path):
    from ingest.corpus import Corpus
    from ingest.index import compute_build_id
    from ingest.manifest import load_manifest
    manifest, corpus = load_manifest(), Corpus(provisions=[], file_hashes={"reg-2021-821/x.txt": "0" * 64})
    copy = tmp_path / "catchwords.toml"
    shutil.copy(CATCHWORDS_PATH, copy)
    first = compute_build_id(corpus, manifest, copy)
    assert first == compute_build_id(corpus, manifest, copy) == compute_build_id(corpus, manifest)
    copy.write_text(copy.read_text().replace("up to two years", "at most two years"))
    assert catchwords_hash(copy) != catchwords_hash(CATCHWORDS_PATH)
    assert compute_build_id(corpus, manifest, copy) != first
    assert compute_build_id(corpus, manifest, None) != first


# --- retrieval ----------------------------------------------------------------------------------------------------

def _answered(hits, expected: str) -> bool:
    return any(h.locator == expected or h.locator.startswith(expected + "(") for h in hits)


def hit_rate(library, questions=QUESTIONS, k: int = TOP) -> tuple[float, list[tuple[str, str, list[str]]]]:
    misses = []
    for q, expected in questions:
        hits = library.search(q, k=k)
        if not _answered(hits, expected):
            misses.append((q, expected, [h.locator for h in hits]))
    return 1 - len(misses) / len(questions), misses


@pytest.fixture(scope="module")
def libraries(real_index, tmp_path_factory):
    """(with catchwords, without): the real index, and the same corpus indexed without catchwords."""
    from assistant.library import Library
    from ingest.index import build_index
    bare = real_index.replace(data_dir=tmp_path_factory.mktemp("bare-data"),
                              embed_cache=real_index.cache_dir)
    build_index(bare, progress=False, log=lambda *a: None, catchwords_path=None)
    return Library(real_index), Library(bare)


@pytest.mark.real
def test_questions_find_their_provision(libraries):
    assert len(QUESTIONS) == 30 and len({q for q, _ in QUESTIONS}) == 30
    catchwords = load_catchwords()
    assert all(loc in catchwords for _, loc in QUESTIONS)
    with_cw, without_cw = libraries
    rate, misses = hit_rate(with_cw)
    base, base_misses = hit_rate(without_cw)
    print(f"\nhybrid top-{TOP} hit rate on {len(QUESTIONS)} questions: with catchwords {rate:.0%}, "
          f"without {base:.0%}")
    for q, expected, got in misses:
        print(f"  miss (with): {expected} <- {q!r}: {got}")
    for q, expected, got in base_misses:
        print(f"  miss (without): {expected} <- {q!r}: {got}")
    assert rate >= MIN_HIT_RATE, misses
    assert rate >= base
