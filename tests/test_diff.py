"""The Annex I diff: hand-written provision pairs, then the 2023 and 2025 texts when they are on this machine."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from ingest.annex_json import parse_annex_json
from ingest.annex_text import parse_annex_text
from ingest.diff import comparable, diff_entry, diff_list, word_ops
from ingest.manifest import load_manifest
from ingest.model import Provision

KINDS = {"Note": "note", "Technical": "technical_note", "N.B.": "nb"}


def prov(locator: str, text: str, version: str = "old", order: int = 0, **data) -> Provision:
    """A provision as the parsers make them: kind from the locator, entry and category in data."""
    path = locator.removeprefix("Annex I ")
    code, _, label = path.partition(" ")
    kind = KINDS[label.split()[0]] if label else "entry" if "." not in code else "item"
    return Provision(locator=locator, text=text, kind=kind, source=version, version=version, order=order,
                     data={"entry": code[:5], "category": code[0], **data})


def versions(old: dict[str, str], new: dict[str, str]) -> tuple[list[Provision], list[Provision]]:
    as_list = lambda texts, v: [prov(f"Annex I {loc}", text, v, n) for n, (loc, text) in enumerate(texts.items())]
    return as_list(old, "old"), as_list(new, "new")


def summary(d) -> list[tuple]:
    return [(c.status, c.old_locator, c.new_locator) for c in d.changes]


def test_unchanged():
    old, new = versions({"0A001": "Widgets as follows:", "0A001.a": "Frames;"},
                        {"0A001": "Widgets as follows:", "0A001.a": "Frames;"})
    d = diff_entry("0A001", old, new)
    assert (d.status, d.changes, d.unchanged) == ("unchanged", [], 2)


def test_wording_changed_word_level():
    old, new = versions({"1A202": "Tubes", "1A202.a": "An inside diameter of between 75 mm and 400 mm; and"},
                        {"1A202": "Tubes", "1A202.a": "An inside diameter of between 75 mm and 650 mm;"})
    d = diff_entry("1A202", old, new)
    assert d.status == "changed"
    assert summary(d) == [("changed", "Annex I 1A202.a", "Annex I 1A202.a")]
    assert d.changes[0].ops == [("equal", "An inside diameter of between 75 mm and"), ("delete", "400"),
                                ("insert", "650"), ("equal", "mm;"), ("delete", "and")]


def test_item_added_and_removed():
    old, new = versions({"0A001": "Widgets:", "0A001.a": "Frames;", "0A001.b": "Wheels made of wood."},
                        {"0A001": "Widgets:", "0A001.a": "Frames;", "0A001.c": "Motors of any kind."})
    d = diff_entry("0A001", old, new)
    assert d.status == "changed"
    assert summary(d) == [("added", None, "Annex I 0A001.c"), ("removed", "Annex I 0A001.b", None)]
    assert d.changes[0].text == "Motors of any kind."


def test_relettered_item_is_moved_not_removed_and_added():
    old, new = versions({"0A001": "Widgets:", "0A001.a": "Frames of any size;", "0A001.b": "Wheels made of wood."},
                        {"0A001": "Widgets:", "0A001.a": "Frames of any size;", "0A001.b": "Springs;",
                         "0A001.c": "Wheels made of wood."})
    d = diff_entry("0A001", old, new)
    assert d.status == "changed"
    assert summary(d) == [("added", None, "Annex I 0A001.b"), ("moved", "Annex I 0A001.b", "Annex I 0A001.c")]


def test_entry_added_and_removed():
    old, new = versions({"0A001": "Widgets."}, {"3B504": "Lithography tools:", "3B504.a": "Steppers;"})
    added, removed = diff_entry("3B504", old, new), diff_entry("0A001", old, new)
    assert (added.status, summary(added)) == ("added", [("added", None, "Annex I 3B504"),
                                                        ("added", None, "Annex I 3B504.a")])
    assert (removed.status, summary(removed)) == ("removed", [("removed", "Annex I 0A001", None)])
    with pytest.raises(ValueError):
        diff_entry("9E999", old, new)


def test_note_on_another_node_is_moved_and_keeps_the_entry_unchanged():
    old, new = versions({"0A001": "Widgets:", "0A001.a": "Frames;", "0A001.a.1": "Steel;",
                         "0A001.a.1 Note": "Note : Frames for toys are not included."},
                        {"0A001": "Widgets:", "0A001.a": "Frames;", "0A001.a.1": "Steel;",
                         "0A001.a Note": "Note: Frames for toys are not included."})
    d = diff_entry("0A001", old, new)
    assert (d.status, summary(d)) == ("unchanged", [("moved", "Annex I 0A001.a.1 Note", "Annex I 0A001.a Note")])


def test_note_moved_and_reworded_is_one_change():
    old, new = versions({"0A001": "Widgets:", "0A001.a": "Frames;",
                         "0A001 Technical Note": "Technical Note : 'Frame' means the rigid part of a widget."},
                        {"0A001": "Widgets:", "0A001.a": "Frames;",
                         "0A001.a Technical Note": "Technical Note: For the purposes of 0A001.a., 'frame' means "
                                                   "the rigid part of a widget."})
    d = diff_entry("0A001", old, new)
    assert summary(d) == [("changed", "Annex I 0A001 Technical Note", "Annex I 0A001.a Technical Note")]
    assert ("insert", "For the purposes of 0A001.a., 'frame'") in d.changes[0].ops


# (2023 extraction, 2025 JSON): the same wording, laid out differently
LAYOUT_ONLY = [
    ("Note : 0A001.a. does not control toys", "Note: 0A001.a. does not control toys"),       # split Note label
    ("Technical Notes : 1. \u2018Rim\u2019 is a part.", "Technical Notes: 1. 'Rim' is a part."),  # curly quotes
    ("N.B.1. See 0A002.", "N.B. 1 See 0A002."),                                              # N.B. numbering
    ("\u201cwidget\u201d frames", '"widget" frames'),                                        # curly double quotes
    ("lengths exceeding 1 000  m;", "lengths exceeding 1000 m;"),                            # thousands separator
    ("cooled to 153 K (\u2013 120 \u00b0C) or less;", "cooled to 153 K (-120 \u00b0C) or less;"),  # a sign set apart
    ("tilted by less than 0,5o;", "tilted by less than 0,5\u00b0;"),                          # "o" for a degree
    ("heated to 180oC", "heated to 180 \u00b0C"),                                            # "oC" for °C
    ("rated above 1 024 ;", "rated above 1024;"),                                           # space before ";"
    ("tested to ISO 9999:1988 (9) or national", "tested to ISO 9999:1988 (6) or national"),  # footnote numbering
    ("longer than 1,0 m;", "longer than 1,0m;"),                                             # a lost space
    ("kinds: \u2014 \"Round\"; \u2014 \"Square\".", 'kinds: "Round"; "Square".'),          # list dashes
    ("modi\ufb01ed frames", "modified frames"),                                             # a ligature
]


@pytest.mark.parametrize("old, new", LAYOUT_ONLY)
def test_layout_is_not_wording(old, new):
    a, b = versions({"0A001": "Widgets.", "0A001.a": old}, {"0A001": "Widgets.", "0A001.a": new})
    assert diff_entry("0A001", a, b).status == "unchanged"


# wording differences that a layout rule must not hide
WORDING = [
    ("SEE ALSO 0A002.", "See also 0A002."),                          # case
    ("'widget frame'", '"widget frame"'),                            # a local term became a defined term
    ("Compound X (CAS 123-45-6).", "Compound X (CAS 123-45-6);"),    # punctuation
    ("solid state frames", "solid-state frames"),                    # hyphenation
    ("10 200 m", "10 100 m"),                                        # a number
]


@pytest.mark.parametrize("old, new", WORDING)
def test_wording_differences_are_changes(old, new):
    a, b = versions({"0A001": "Widgets.", "0A001.a": old}, {"0A001": "Widgets.", "0A001.a": new})
    assert diff_entry("0A001", a, b).status == "changed"


def test_footnote_break_is_not_wording():
    old = [prov("Annex I 2B201", "Tools calibrated to (9) national standards.", breaks=[[20, 23]])]
    new = [prov("Annex I 2B201", "Tools calibrated to national standards.", "new")]
    assert comparable(old[0].text, old[0].data["breaks"]) == "Tools calibrated to national standards."
    assert diff_entry("2B201", old, new).status == "unchanged"


def test_word_ops_treat_moved_spaces_as_equal():
    assert word_ops("having all of".split(), "havingall of".split()) == [("equal", "havingall of")]


def test_diff_list_counts_and_json():
    old, new = versions({"0A001": "Widgets.", "0A002": "Gears.", "1A001": "Seals.", "1A002": "Old text."},
                        {"0A001": "Widgets.", "0A002": "Gears of steel.", "1A002": "Old text.", "3B504": "New."})
    d = diff_list(old, new)
    assert d.counts == {"0": {"unchanged": 1, "changed": 1, "added": 0, "removed": 0},
                        "1": {"unchanged": 1, "changed": 0, "added": 0, "removed": 1},
                        "3": {"unchanged": 0, "changed": 0, "added": 1, "removed": 0}}
    assert [e.code for e in d.changed] == ["0A002"]
    out = json.loads(json.dumps(d.to_dict()))
    assert (out["changed"], out["added"], out["removed"]) == (["0A002"], ["3B504"], ["1A001"])
    assert out["total"] == {"unchanged": 2, "changed": 1, "added": 1, "removed": 1}
    assert out["entries"][0]["changes"][0]["ops"] == [["delete", "Gears."], ["insert", "Gears of steel."]]


# --- the official texts --------------------------------------------------------------------------------------------

SOURCES = Path(os.environ.get("DUALUSE_SOURCES") or Path(__file__).resolve().parents[2] / "shared" / "sources")
REAL = [SOURCES / "annex-i-2023" / "02021R0821-20230526_EN_annex-I.txt", SOURCES / "annex-i-2025" / "annex.json"]
real = pytest.mark.skipif(not all(p.is_file() for p in REAL), reason=f"official texts not in {SOURCES}")


@pytest.fixture(scope="module")
def both():
    manifest = load_manifest()
    return (parse_annex_text(REAL[0], manifest.get("annex-i-2023")),
            parse_annex_json(REAL[1], manifest.get("annex-i-2025")))


@pytest.fixture(scope="module")
def whole(both):
    start = time.perf_counter()
    d = diff_list(*both)
    return d, time.perf_counter() - start


def changes_of(both, code: str) -> dict[str, object]:
    return {c.new_locator or c.old_locator: c for c in diff_entry(code, *both).changes}


@pytest.mark.real
@real
def test_real_whole_list(whole):
    d, seconds = whole
    assert seconds < 5
    total = d.to_dict()["total"]
    assert total["added"] == 16 and total["removed"] == 0
    assert sum(total.values()) == 384
    assert set(d.codes("added")) == {"1C513", "2B510", "2E503", "3A501", "3A502", "3A504", "3B501", "3B503", "3B504",
                                     "3C507", "3C508", "3C509", "3D507", "3E505", "4A506", "4A507"}
    json.dumps(d.to_dict())


@pytest.mark.real
@real
def test_real_3b504_added(both):
    assert diff_entry("3B504", *both).status == "added"


@pytest.mark.real
@real
def test_real_unchanged_entry(both):
    # 0A001 reads the same in both versions (checked by hand: items a. to k., the N.B. to f., the Technical Notes to
    # h. and k., the Note to i.); the 2023 copy splits "Note\n : " and uses curly quotes, the JSON straight ones
    d = diff_entry("0A001", *both)
    assert (d.status, d.changes, d.unchanged) == ("unchanged", [], 18)


@pytest.mark.real
@real
def test_real_changed_entries(both):
    # checked by hand against both texts
    c = changes_of(both, "4D001")             # the APP threshold rose from 15 to 24 WT; 4A507 and b.3 (4A506) added
    assert ("delete", "15") in c["Annex I 4D001.b.1"].ops and ("insert", "24") in c["Annex I 4D001.b.1"].ops
    assert c["Annex I 4D001.b.3"].status == "added"
    assert ("insert", "4A507") in c["Annex I 4D001.a"].ops
    c = changes_of(both, "1A202")             # thin-walled tubes, 400 -> 650 mm, a new b. (thickness), old b. now c.
    assert ("insert", "thin-walled") in c["Annex I 1A202"].ops
    assert ("delete", "400") in c["Annex I 1A202.a"].ops and ("insert", "650") in c["Annex I 1A202.a"].ops
    assert c["Annex I 1A202.b"].status == "added"
    assert (c["Annex I 1A202.c"].status, c["Annex I 1A202.c"].old_locator) == ("moved", "Annex I 1A202.b")
    c = changes_of(both, "1C351")             # botulinum "toxins" became "neurotoxins"; d.24 Neosaxitoxin added
    assert ("delete", "toxins;") in c["Annex I 1C351.d.1"].ops and ("insert", "neurotoxins;") in c[
        "Annex I 1C351.d.1"].ops
    assert c["Annex I 1C351.d.24"].status == "added"


@pytest.mark.real
@real
def test_real_layout_artefacts_are_not_changes(both, whole):
    d, _ = whole
    changed = {c.old_locator for e in d.entries for c in e.changes}
    # split "Note\n : " and curly quotes; "Technical Note:" on one line; "(– 120 °C)"; "1 000"; "0,02o"; "N.B.1.";
    # the footnote call "(9)" (2023) / "(6)" (2025); "1 000  m" with two spaces
    for locator in ["Annex I 0A001.h Technical Note", "Annex I 0A001.i Note", "Annex I 0A001.k Technical Note",
                    "Annex I 0B001.d.7.a", "Annex I 0B001.c.4", "Annex I 2B206.b.2", "Annex I 3A225 N.B. 1",
                    "Annex I 2B201.a.1", "Annex I 8A001.a"]:
        assert locator not in changed, locator
