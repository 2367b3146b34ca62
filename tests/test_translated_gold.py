"""The translated gold subset: the same questions, gold and split in every language, codes intact."""
import json
import re
from pathlib import Path

import pytest

GOLD = Path(__file__).resolve().parents[1] / "evals" / "gold"
LANGS = ("en", "de", "fr", "it", "es", "nl", "pl")
CODE = re.compile(r"\b\d[A-E]\d{3}(?:\.\w+)*|\bEU00\d\b|\b\d{3,4}/\d{3,4}\b")


def _rows(lang: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / "translated" / f"{lang}.jsonl").read_text().splitlines() if line]


def _originals() -> dict[str, dict]:
    out = {}
    for split in ("dev", "heldout"):
        for line in (GOLD / f"{split}.jsonl").read_text().splitlines():
            d = json.loads(line)
            out[d["id"]] = {**d, "split": split}
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_same_cases_as_the_originals(lang):
    rows, orig = _rows(lang), _originals()
    assert len(rows) >= 60 and len({r["id"] for r in rows}) == len(rows)
    assert [r["id"] for r in rows] == [r["id"] for r in _rows("en")]
    for r in rows:
        o = orig[r["id"]]
        assert (r["kind"], r["gold"], r["split"], r.get("abstain", False), r["lang"]) == \
               (o["kind"], o["gold"], o["split"], o.get("abstain", False), lang), r["id"]
        assert bool(r.get("history")) == bool(o.get("history")), r["id"]
        if lang == "en":
            assert r["q"] == o["q"]
        else:
            assert sorted(CODE.findall(r["q"])) == sorted(CODE.findall(o["q"])), r["id"]


def test_split_and_kinds():
    rows = _rows("en")
    assert sum(r["split"] == "heldout" for r in rows) >= 20
    assert {"product", "gea", "article", "definition", "lookup", "out_of_scope", "transfer", "authorisation",
            "catch_all", "followup", "injection"} <= {r["kind"] for r in rows}


@pytest.mark.parametrize("lang", LANGS[1:])
def test_translations_are_not_copies(lang):
    en = {r["id"]: r["q"] for r in _rows("en")}
    same = [r["id"] for r in _rows(lang) if r["q"] == en[r["id"]] and not CODE.fullmatch(r["q"])]
    assert not same
