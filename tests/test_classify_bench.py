"""The classification bench: the case files (counts, pairs, split, locators and quotes against the official JSON)
and the harness (scoring hand-made answers, the report never showing held-out text)."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from evals.classify_bench import (STATUSES, Case, load_cases, markdown, report, run, score, split_rule, summarize,
                                  write)
from tests.conftest import REAL_SOURCES

CASES = load_cases("all")
REQUIRED_PAIR_KINDS = ("frame-rate", "sample-rate", "impulse", "endurance", "specific-modulus", "key-length")
QUOTE = re.compile(r"“([^”]*)”")


# --- the case files --------------------------------------------------------------------------------------------

def test_counts_per_status_and_split():
    by_status = Counter(c.status for c in CASES)
    assert len(CASES) >= 150
    assert by_status["listed"] >= 50 and by_status["not_listed"] >= 50
    assert by_status["needs_facts"] >= 15 and by_status["needs_expert"] >= 3
    assert sum("release" in c.expect for c in CASES) >= 10
    held = [c for c in CASES if c.split == "heldout"]
    assert len(held) >= 50 and 0.28 <= len(held) / len(CASES) <= 0.36
    assert set(by_status) == set(STATUSES)


def test_listed_cases_cover_all_ten_categories():
    assert {c.expect["entry"][0] for c in CASES if c.status == "listed"} == set("0123456789")


def test_ids_unique_and_every_case_well_formed():
    assert len({c.id for c in CASES}) == len(CASES)
    for c in CASES:
        exp = c.expect
        assert re.fullmatch(r"cls-\d{3}", c.id), c.id
        assert c.q.strip() and c.group and c.basis.strip(), c.id
        assert exp["status"] in STATUSES, c.id
        assert exp.get("entry") is None or re.fullmatch(r"[0-9][A-E][0-9]{3}", exp["entry"]), c.id
        if exp["status"] == "listed":
            assert exp["item"].startswith(f"Annex I {exp['entry']}"), c.id
        else:
            assert "item" not in exp and "also_exact" not in exp, c.id
        assert bool(exp.get("ask")) == (exp["status"] == "needs_facts"), c.id
        if exp["status"] != "not_listed":
            assert exp.get("entry"), f"{c.id}: only not_listed cases may leave the entry open"
        assert "release" not in exp or exp["status"] == "not_listed", c.id


def test_some_questions_are_pasted_datasheet_paragraphs():
    long = [c for c in CASES if len(c.q) >= 600]
    assert len(long) >= 15
    assert all(len(c.q) <= 2000 for c in CASES)


def test_near_threshold_pairs_come_in_twos_on_both_sides():
    pairs: dict[str, list[Case]] = {}
    for c in CASES:
        if c.pair:
            pairs.setdefault(c.pair, []).append(c)
    for name, members in pairs.items():
        assert len(members) == 2, name
        a, b = members
        assert {a.side, b.side} == {"over", "under"}, name
        assert a.group == b.group and a.split == b.split, f"{name}: a pair stays in one group and one split"
        outcome = lambda c: (c.status, c.expect.get("entry"), c.expect.get("item"))
        assert outcome(a) != outcome(b), f"{name}: the two sides must differ"
    kinds = Counter(name.split(":")[0] for name in pairs)
    for kind in REQUIRED_PAIR_KINDS:
        assert kinds[kind] >= 2, kind


def test_files_follow_the_written_split_rule():
    raw = [{"id": c.id, "group": c.group, "pair": c.pair} for c in CASES]
    assert split_rule(raw) == {c.id: c.split for c in CASES}


# --- against the official Annex I JSON (read directly, not through our parser) ----------------------------------

LINE = re.compile(r"^([0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*)\s(.*)$")
LABEL = re.compile(r"^(Technical Notes?|Notes?|N\.B\.)\s?(\d+)?\.?\s*(?::\s*|\s+|$)")


def _annex():
    """(locators, texts): every Annex I locator of annex.json (items, their Notes, Technical Notes and N.B.s, the
    numbered Category notes, Definitions) and the verbatim text of each entry / document they sit in."""
    d = json.loads((REAL_SOURCES / "annex-i-2025" / "annex.json").read_text(encoding="utf-8"))
    locators, texts = set(), {}
    for e in d["entries"]:
        seen: Counter = Counter()
        lines = [LINE.match(line) for line in e["verbatim_text"].split("\n")]
        for m in lines:
            node, label = m.group(1), LABEL.match(m.group(2))
            if label:
                name = label.group(1) + (f" {label.group(2)}" if label.group(2) else "")
                seen[(node, name)] += 1
                name += f" {seen[(node, name)]}" if seen[(node, name)] > 1 else ""
                locators.add(f"Annex I {node} {name}")
            else:
                locators.add(f"Annex I {node}")
        texts[e["entry_code"]] = " ".join(m.group(2) for m in lines)
    for doc in d["docs"]:
        category, _, name = doc["title"].partition(" — ")
        part = re.match(r"^(\d[A-E]|Part [12])\b", name)
        if doc["doc_type"] == "definitions_annex":
            locators.add("Annex I Definitions")
            texts["Definitions"] = doc["verbatim_text"]
        elif part:
            base = f"Annex I {category} {part.group(1)}"
            texts[base] = doc["verbatim_text"]
            locators |= {f"{base} Note {n}" for n in re.findall(r"^Note (\d+):", doc["verbatim_text"], re.M)}
    return locators, texts


def _fold(text: str) -> str:
    return " ".join(text.split())


def _text_of(locator: str, texts: dict) -> str:
    if locator == "Annex I Definitions":
        return texts["Definitions"]
    m = re.match(r"Annex I (Category \d (?:\d[A-E]|Part [12]))", locator)
    return texts[f"Annex I {m.group(1)}"] if m else texts[re.match(r"Annex I ([0-9][A-E][0-9]{3})", locator).group(1)]


@pytest.mark.real
def test_every_expected_locator_exists_in_the_2025_annex():
    locators, _ = _annex()
    missing = []
    for c in CASES:
        exp = c.expect
        wanted = [exp.get("item"), exp.get("release"), *exp.get("also_exact", []),
                  f"Annex I {exp['entry']}" if exp.get("entry") else None]
        missing += [(c.id, loc) for loc in wanted if loc and loc not in locators]
    assert not missing


@pytest.mark.real
def test_every_basis_quote_is_verbatim_in_the_cited_text():
    _, texts = _annex()
    wrong = []
    for c in CASES:
        for locator, quote in re.findall(r"(Annex I [^:“]+): “([^”]*)”", c.basis):
            body = _fold(_text_of(locator, texts))
            wrong += [(c.id, part) for part in re.split(r"\s*…\s*", _fold(quote)) if part and part not in body]
    assert not wrong


def test_listed_and_release_cases_quote_their_deciding_text():
    for c in CASES:
        cited = re.findall(r"(Annex I [^:“]+): “", c.basis)
        if c.status == "listed":
            assert any(loc.startswith(f"Annex I {c.expect['entry']}") for loc in cited), c.id
        if "release" in c.expect:
            assert c.expect["release"] in cited, c.id


# --- the harness, on hand-made answers ------------------------------------------------------------------------

ADC = Case("t-1", "12-bit ADC at 500 MSPS", "adc",
           {"status": "listed", "entry": "3A001", "item": "Annex I 3A001.a.5.a.3"}, "dev")
LAPTOP = Case("t-2", "retail laptop with BitLocker", "crypto",
              {"status": "not_listed", "entry": "5A002", "release": "Annex I Category 5 Part 2 Note 3"}, "dev")
ASK = Case("t-3", "12-bit ADC, rate unknown", "adc",
           {"status": "needs_facts", "entry": "3A001", "ask": ["sample rate|sampling rate"]}, "dev")
FIBRE = Case("t-4", "carbon tow 250 GPa", "fibre",
             {"status": "listed", "entry": "1C210", "item": "Annex I 1C210.a", "also_exact": ["Annex I 1C210.a.1"]}, "dev")


def det(status, deciding=None, entries=(), ruled_out=(), questions=(), citations=()):
    return {"determination": {"status": status, "deciding": deciding,
                              "entries": [{"locator": l, "met": None, "checks": []} for l in entries],
                              "ruled_out": [{"locator": l, "why": "x"} for l in ruled_out],
                              "questions": list(questions)},
            "citations": [{"locator": l} for l in citations]}


@pytest.mark.parametrize("case, answer, expected", [
    (ADC, det("listed", "Annex I 3A001.a.5.a.3", ["Annex I 3A001.a.5.a.3"]),
     {"status_right": True, "entry_right": True, "item_exact": True, "listed_as_not_listed": False, "failed": []}),
    (ADC, det("not_listed", None, ["Annex I 3A001"]),               # the worst failure is counted
     {"status_right": False, "item_exact": False, "listed_as_not_listed": True, "unsafe_not_listed": True}),
    (ADC, det("listed", "Annex I 3A001.a.5"),                        # right entry, not the deciding sub-item
     {"status_right": True, "entry_right": True, "item_exact": False}),
    (ADC, {"text": "Possibly listed under 3A001", "citations": []},  # no determination at all
     {"got": "missing", "status_right": False, "entry_right": False, "item_exact": False, "listed_as_not_listed": False}),
    (ADC, {"determination": None}, {"got": "missing", "status_right": False, "item_exact": False}),
    (ADC, {"determination": None, "citations": [{"locator": "Annex I 3A001.a.5"}, {"locator": "Annex I 3A002"}]},
     {"cited_first": True, "status_right": False}),                  # informational only: never a pass
    (ADC, {"citations": [{"locator": "Art. 3(1)"}, {"locator": "Annex I 3A002.a.6"}]}, {"cited_first": False}),
    (ADC, det("possibly_listed", "Annex I 3A001.a.5.a.3"),          # a status outside the schema is a failure
     {"got": "invalid:possibly_listed", "status_right": False, "item_exact": False}),
    (FIBRE, det("listed", "Annex I 1C210.a.1"), {"item_exact": True}),   # an accepted alternative leaf
    (FIBRE, det("listed", "Annex I 1C210.a.2"), {"item_exact": False}),  # not in also_exact
    (LAPTOP, det("not_listed", None, ["Annex I 5A002.a.3"], citations=["Annex I Category 5 Part 2 Note 3"]),
     {"status_right": True, "entry_right": True, "release_cited": True, "item_exact": None, "failed": []}),
    (LAPTOP, det("not_listed", None, ["Annex I 5A001"]),            # the expected entry was never checked
     {"status_right": True, "entry_right": False, "release_cited": False}),
    (LAPTOP, det("not_listed", None, ruled_out=["Annex I 5A002"]), {"entry_right": True}),
    (ASK, det("needs_facts", None, ["Annex I 3A001.a.5.a.3"],
              questions=[{"parameter": "sample_rate", "locator": "Annex I 3A001.a.5.a.3", "text": "What is it?"}]),
     {"status_right": True, "asks": True, "entry_right": True, "unsafe_not_listed": False}),
    (ASK, det("needs_facts", None, ["Annex I 3A001"], questions=[{"parameter": "resolution", "text": "How many bits?"}]),
     {"status_right": True, "asks": False}),
    (ASK, det("needs_facts", None, ["Annex I 3A001"]), {"asks": False}),   # asking nothing is not asking the right thing
    (ASK, det("not_listed", None, ["Annex I 3A001"]), {"unsafe_not_listed": True, "listed_as_not_listed": False}),
])
def test_score(case, answer, expected):
    row = score(case, answer, 0.1)
    assert {k: row[k] for k in expected} == expected


def test_an_answer_that_raises_fails_its_case_and_the_run_goes_on():
    def answer(q):
        if "ADC" in q:
            raise RuntimeError("boom")
        return det("not_listed", None, ["Annex I 5A002"])
    rows = run([ADC, LAPTOP], answer)
    assert rows[0]["error"] == "RuntimeError: boom" and not rows[0]["status_right"]
    assert rows[1]["status_right"] and rows[1]["seconds"] is not None
    assert summarize(rows)["errors"] == 1


def test_summary_counts_listed_reported_as_not_listed_and_confusion():
    rows = [score(ADC, det("not_listed"), 0.2), score(ADC, det("listed", "Annex I 3A001.a.5.a.3"), 1.5),
            score(LAPTOP, None, 0.3)]
    s = summarize(rows)
    assert s["listed_as_not_listed"] == 1
    assert s["status_right"] == {"right": 1, "n": 3, "rate": 0.3333}
    assert s["item_exact"] == {"right": 1, "n": 2, "rate": 0.5}
    assert s["confusion"]["listed"]["not_listed"] == 1 and s["confusion"]["not_listed"]["missing"] == 1
    assert s["seconds"]["under_1s"] == 2 and s["seconds"]["max"] == 1.5


def test_held_out_text_never_appears_in_the_written_report(tmp_path):
    secret = "SEALED-QUESTION-TEXT zirconium 8 kg"
    dev = Case("cls-901", "dev question: 16-bit ADC at 80 MSPS", "adc",
               {"status": "listed", "entry": "3A001", "item": "Annex I 3A001.a.5.a.5"}, "dev")
    held = Case("cls-902", secret, "nuclear", {"status": "not_listed", "entry": "0A001"}, "heldout")
    def echo(q):                                       # an answer that repeats the question everywhere it can
        deciding = "Annex I 0A001.f" if "SEALED" in q else "Annex I 3A001.a.5.a.5"
        return {"text": f"You asked: {q}", **det("listed", deciding, [f"{deciding} {q}"], citations=[q])}
    rep = report(run([dev, held], echo), [dev, held], {"created": "now", "command": "test"})
    paths = write(rep, tmp_path)
    written = "".join(p.read_text(encoding="utf-8") for p in paths)
    assert "SEALED" not in written and "zirconium" not in written and "0A001.f" not in written
    assert "cls-902" in written                        # held-out cases are reported by id
    assert "16-bit ADC at 80 MSPS" in written          # dev cases are shown in full
    assert "listed_as_not_listed" in markdown(rep)
