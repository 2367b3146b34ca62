"""The evaluators without an index: strict matching as the gold README states it, the named per-case checks, the seal
on held-out rows, per-case changes and the gate."""
import json

import pytest

from evals.metrics import Case, Outcome, first_hit, matches, run_checks
from evals.run import case_changes, gate, seal, summarize


@pytest.mark.parametrize("cited, gold, strict, lenient, why", [
    ("Annex I 6A003.b.4", "Annex I 6A003.b.4", True, True, "the gold provision itself"),
    ("Annex I 6A003.b.4.a", "Annex I 6A003.b.4", True, True, "inside the gold provision"),
    ("Annex I 6A003", "Annex I 6A003.b.4", False, True, "the gold README's example: a broader entry does not count"),
    ("Annex I 6A003.b", "Annex I 6A003.b.4", False, False, "an intermediate ancestor never counted"),
    ("Annex I 1A005 Note 1", "Annex I 1A005", True, True, "a note of the gold entry lies inside it"),
    ("Art. 2(10)", "Art. 2(1)", False, False, "a sibling whose number starts alike"),
    ("Art. 12(3)", "Art. 12", True, True, "a paragraph inside a gold Article"),
    ("Art. 12", "Art. 12(3)", False, False, "the Article is broader than a gold paragraph"),
])
def test_strict_and_lenient_matching(cited, gold, strict, lenient, why):
    assert (matches(cited, gold), matches(cited, gold, strict=False)) == (strict, lenient), why


def test_first_hit_is_strict_by_default():
    ranked = ["Art. 3(1)", "Annex I 6A003", "Annex I 6A003.b.4"]
    assert first_hit(ranked, ["Annex I 6A003.b.4"]) == 3
    assert first_hit(ranked, ["Annex I 6A003.b.4"], strict=False) == 2


CASE = Case("gea-900", "Can we ship 2B001 to Canada under EU001?", "gea", ["Annex II EU001 Part 2"], "dev",
            tool={"name": "check_destination", "args": {"code": "2B001", "country": "Canada"},
                  "expect": {"outcome": "gea_available"}}, must_not=["not controlled"])


@pytest.mark.parametrize("outcome, failed, why", [
    (Outcome(["Annex II EU001 Part 2"], [], False, "Likely yes.", {"outcome": "gea_available"}), [], "all good"),
    (Outcome(["Art. 3(1)"] * 5 + ["Annex II EU001 Part 2"], [], False, "x", {"outcome": "gea_available"}),
     ["gold_at_k"], "gold at rank 6 is outside the first five"),
    (Outcome(["Annex II EU001 Part 2"], ["Annex II EU001 Part 2"], False, "x", {"outcome": "gea_available"}),
     ["citation_valid"], "a quote that is not verbatim"),
    (Outcome([], [], True, "I cannot answer.", {"outcome": "gea_available"}),
     ["gold_at_k", "abstained_correctly"], "abstained on an answerable question"),
    (Outcome(["Annex II EU001 Part 2"], [], False, "x", {"outcome": "individual_licence_required"}),
     ["tool_exact"], "the deterministic tool disagrees with the texts"),
    (Outcome(["Annex II EU001 Part 2"], [], False, "2B001 is NOT CONTROLLED.", {"outcome": "gea_available"}),
     ["no_leak"], "the answer says what it must not"),
])
def test_each_check_names_what_failed(outcome, failed, why):
    checks = run_checks(CASE, outcome)
    assert sorted(n for n, c in checks.items() if not c["ok"]) == sorted(failed), why
    assert "determination_status" not in checks                 # the case expects no determination


def test_determination_status_when_the_case_expects_one():
    case = Case("prod-900", "12-bit ADC at 2.5 GSPS?", "product", ["Annex I 3A001.a.5.a.3"], "dev",
                determination={"status": "listed"})
    ok = run_checks(case, Outcome([], [], False, "", determination={"status": "listed"}))["determination_status"]
    missing = run_checks(case, Outcome([], [], False, ""))["determination_status"]
    assert ok["ok"] and not missing["ok"] and "got None" in missing["detail"]


def _row(cid, split, rank, checks, q="What is the text of this question?"):
    systems = {s: {"rank": rank, "rank_lenient": rank, "ranked": ["Art. 2(1)"], "latency_ms": 1.0}
               for s in ("bm25", "dense", "hybrid", "hybrid+lexicon")}
    return {"id": cid, "kind": "definition", "split": split, "q": q, "gold": ["Art. 2(1)"], "abstain": False,
            **systems, "assistant": {**systems["bm25"], "intent": "define", "abstained": False, "citations": 1,
                                     "invalid": [], "precision": 1.0},
            "checks": {name: {"ok": ok, "detail": "cited Art. 2(1)"} for name, ok in checks.items()}}


def test_a_sealed_row_keeps_ids_ranks_and_check_names_only():
    row = _row("def-900", "heldout", 2, {"gold_at_k": False})
    text = json.dumps(seal(row))
    assert "What is the text" not in text and "Art. 2(1)" not in text and "cited" not in text
    assert seal(row)["checks"] == {"gold_at_k": {"ok": False}} and seal(row)["assistant"]["rank"] == 2
    assert seal(_row("def-901", "dev", 1, {})) == _row("def-901", "dev", 1, {})        # dev rows are whole
    # a sealed report summarises to the same figures
    assert summarize([seal(row)]) == summarize([row])


def test_changes_name_the_case_and_the_check_that_flipped():
    before = {"fingerprint": "aaa", "created": "t0", "rows": [_row("a", "dev", 1, {"gold_at_k": True}),
                                                              _row("b", "dev", 9, {"gold_at_k": False})]}
    now = {"rows": [_row("a", "dev", 9, {"gold_at_k": False}), _row("b", "dev", 1, {"gold_at_k": True}),
                    _row("c", "dev", 1, {"gold_at_k": True})]}
    ch = case_changes(now, before)
    assert (ch["fingerprint"], ch["now_failing"], ch["now_passing"], ch["new"]) == ("aaa", {"a": ["gold_at_k"]},
                                                                                    {"b": ["gold_at_k"]}, ["c"])


def _report(recall5, matching="strict"):
    block = {"recall@5": recall5, "recall@5_lenient": recall5 + 0.05, "citation_validity": 1.0, "tool_exact": 1.0,
             "leaks": 0}
    return {"matching": matching, "summary": {"all": {"assistant": block}}}


@pytest.mark.parametrize("now, baseline, fails, why", [
    (_report(0.85), _report(0.86), False, "within the tolerance"),
    (_report(0.80), _report(0.86), True, "a strict drop beyond the tolerance"),
    (_report(0.80), _report(0.86, matching="lenient"), False, "an old lenient baseline is compared on the lenient figure"),
    (_report(0.80), _report(0.90, matching="lenient"), True, "and still fails when the lenient figure drops"),
])
def test_the_gate_on_strict_figures(now, baseline, fails, why):
    assert bool(gate(now, baseline)) == fails, why
