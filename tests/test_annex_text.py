"""The parser of the superseded Annex I text (annex-i-2023).

Fixture snippets are invented wording laid out like the EUR-Lex extraction (see SOURCE.md of annex-i-2023): code
joined to its heading, item labels on their own line with the wording at column 0, Note labels split over lines and
Note wording indented by one space. Tests marked `real` parse the official file when it is on this machine.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest

from ingest.annex_text import parse_annex_text
from ingest.manifest import Source, SourceError, load_manifest
from ingest.model import fold

SOURCE = Source(id="annex-i-2023", title="test", status="superseded", version="02021R0821-20230526",
                valid_from="2023-05-26")
NUMERALS = ("II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI")
PART_I = """PART I

 General Notes, Acronyms and Abbreviations, and Definitions

GENERAL NOTES TO ANNEX I

1. An invented general note about widgets.

NUCLEAR TECHNOLOGY NOTE (NTN)

An invented nuclear technology note.

GENERAL TECHNOLOGY NOTE (GTN)

An invented technology note.

 Note
 : 
 This does not release "gadgets".

NUCLEAR SOFTWARE NOTE (NSN)

An invented software note.

GENERAL SOFTWARE NOTE (GSN)

An invented general software note.

GENERAL "INFORMATION SECURITY" NOTE (GISN)

An invented security note.

EDITORIAL PRACTICES IN THE OFFICIAL JOURNAL OF THE EUROPEAN UNION

An invented editorial practice.

ACRONYMS AND ABBREVIATIONS USED IN THIS ANNEX

ABC

Any Big Contraption

DEFINITIONS OF TERMS USED IN THIS ANNEX

Definitions of terms between "double quotation marks" are as follows:

"Gadget" (GTN All) means an invented device.

"Widget" (gear or lever) (0 5) means another invented device, as follows:

 a. 

Wooden;

 N.B.

 "Gadget" is not a "widget".

"""


def annex_text(categories: dict[int, str]) -> str:
    """A whole file in the extraction's layout: the snippets go into their categories, other categories are empty."""
    text = ("\n \u25bcM4\n\nANNEX I\n\n LIST OF DUAL-USE ITEMS REFERRED TO IN ARTICLE 3 OF THIS REGULATION\n\n"
            "An invented introduction citing a group (\n 4\n ) and a regime.\n\n CONTENTS\n\nPart I\n\n" + PART_I)
    for n, numeral in enumerate(NUMERALS):
        body = categories.get(n, f" {n}ASystems, Equipment and Components\n\n")
        text += f"PART {numeral}\n\n Category {n}\n\n CATEGORY {n} - INVENTED\n\n{body}\n"
    return text


def parse(tmp_path: Path, categories: dict[int, str], **kw):
    path = tmp_path / "02021R0821-20230526_EN_annex-I.txt"
    path.write_text(annex_text(categories), encoding="utf-8")
    return parse_annex_text(path, SOURCE, min_entries=kw.pop("min_entries", 0), **kw), path


def entry_rows(provisions, code: str) -> list[tuple[str, str]]:
    return [(p.locator, p.text) for p in provisions if p.data.get("entry") == code]


# (snippet of Category 0, entry code, every provision of the entry in order as (locator, text))
ENTRY_CASES = [
    # code joined to its heading; items with their wording at column 0, nested a. -> 1.; no label in the item text
    (""" 0A001"Widgets" and specially designed components therefor, as follows:

 a. 

Widget frames;

 b. 

Widget motors having any of the following:

 1. 

A power exceeding 10 W; or

 2. 

A mass of less than 1 kg;
""", "0A001", [
        ("Annex I 0A001", '"Widgets" and specially designed components therefor, as follows:'),
        ("Annex I 0A001.a", "Widget frames;"),
        ("Annex I 0A001.b", "Widget motors having any of the following:"),
        ("Annex I 0A001.b.1", "A power exceeding 10 W; or"),
        ("Annex I 0A001.b.2", "A mass of less than 1 kg;")]),
    # the code stands alone on its line and the heading follows; an N.B. before any item belongs to the entry
    (""" 0A002
 \u2018Gizmos\u2019 designed for widgets.

 N.B.

 SEE ALSO 0A001.
""", "0A002", [
        ("Annex I 0A002", "\u2018Gizmos\u2019 designed for widgets."),
        ("Annex I 0A002 N.B.", "N.B. SEE ALSO 0A001.")]),
    # a split "Note\n : " label; the Note names its node, which is not the item just before it
    (""" 0A003Gears as follows:

 a. 

Spur gears;

 b. 

Helical gears:

 1. 

Single;

 2. 

Double;

 Note
 : 
 0A003.b.1. does not control gears for clocks.

 c. 

Worm gears.
""", "0A003", [
        ("Annex I 0A003", "Gears as follows:"),
        ("Annex I 0A003.a", "Spur gears;"),
        ("Annex I 0A003.b", "Helical gears:"),
        ("Annex I 0A003.b.1", "Single;"),
        ("Annex I 0A003.b.2", "Double;"),
        ("Annex I 0A003.b.1 Note", "Note : 0A003.b.1. does not control gears for clocks."),
        ("Annex I 0A003.c", "Worm gears.")]),
    # "Technical Notes" with numbered points stays one provision; after the last item it qualifies the entry
    (""" 0A004Racks as follows:

 a. 

Toothed racks;

 b. 

Smooth racks.

 Technical Notes
 :

 1.

 \u2018Pitch\u2019 is an invented distance.

 2.

 \u2018Lead\u2019 is another invented distance.
""", "0A004", [
        ("Annex I 0A004", "Racks as follows:"),
        ("Annex I 0A004.a", "Toothed racks;"),
        ("Annex I 0A004.b", "Smooth racks."),
        ("Annex I 0A004 Technical Notes", "Technical Notes : 1. \u2018Pitch\u2019 is an invented distance. 2. "
                                          "\u2018Lead\u2019 is another invented distance.")]),
    # two unnumbered N.B.s on one node: the second is "N.B. 2"; a one-line "Technical Note:" naming its item
    (""" 0A005Levers.

 N.B.

 SEE ALSO 0A009.

 N.B.

 For toy levers, see 0A010.

 a. 

Long levers;

 b. 

Short levers.

 Technical Note:

 In 0A005.a. \u2018long\u2019 means longer than 1 m.
""", "0A005", [
        ("Annex I 0A005", "Levers."),
        ("Annex I 0A005 N.B.", "N.B. SEE ALSO 0A009."),
        ("Annex I 0A005 N.B. 2", "N.B. For toy levers, see 0A010."),
        ("Annex I 0A005.a", "Long levers;"),
        ("Annex I 0A005.b", "Short levers."),
        ("Annex I 0A005.a Technical Note", "Technical Note: In 0A005.a. \u2018long\u2019 means longer than 1 m.")]),
    # an unnamed Note after the last point of a.'s list, before b., qualifies a. (the list it closes)
    (""" 0A006Springs as follows:

 a. 

Coil springs having all of the following:

 1. 

Steel wire; and

 2. 

A length exceeding 1 m;

 Note
 : 
 Springs for watches are not included.

 b. 

Leaf springs.
""", "0A006", [
        ("Annex I 0A006", "Springs as follows:"),
        ("Annex I 0A006.a", "Coil springs having all of the following:"),
        ("Annex I 0A006.a.1", "Steel wire; and"),
        ("Annex I 0A006.a.2", "A length exceeding 1 m;"),
        ("Annex I 0A006.a Note", "Note : Springs for watches are not included."),
        ("Annex I 0A006.b", "Leaf springs.")]),
    # Note 2 follows Note 1 onto the node Note 1 names; a Note's own points are indented and stay in its text
    (""" 0A007Bearings as follows:

 a. 

Ball bearings;

 b. 

Roller bearings.

 Note 1
 : 
 0A007.a. does not control bearings for toys.

 Note 2
 : 
 Bearings are assessed as follows:

 a. 

 By size; and

 b. 

 By mass.
""", "0A007", [
        ("Annex I 0A007", "Bearings as follows:"),
        ("Annex I 0A007.a", "Ball bearings;"),
        ("Annex I 0A007.b", "Roller bearings."),
        ("Annex I 0A007.a Note 1", "Note 1 : 0A007.a. does not control bearings for toys."),
        ("Annex I 0A007.a Note 2", "Note 2 : Bearings are assessed as follows: a. By size; and b. By mass.")]),
    # indented points after a finished Note are the next items (their wording lost its column 0)
    (""" 0A008Gauges as follows:

 a. 

Dial gauges;

 b. 

\u2018Linear\u2019 gauges having all of the following:

 Technical Note
 :

 For the purpose of 0A008.b. \u2018linear\u2019 means along one axis.

 1. 

 Containing a lamp; and

 2. 

 Reading to 1 \u03bcm.
""", "0A008", [
        ("Annex I 0A008", "Gauges as follows:"),
        ("Annex I 0A008.a", "Dial gauges;"),
        ("Annex I 0A008.b", "\u2018Linear\u2019 gauges having all of the following:"),
        ("Annex I 0A008.b Technical Note", "Technical Note : For the purpose of 0A008.b. \u2018linear\u2019 means "
                                           "along one axis."),
        ("Annex I 0A008.b.1", "Containing a lamp; and"),
        ("Annex I 0A008.b.2", "Reading to 1 \u03bcm.")]),
    # a wordless item holds sets of conditions: they are its text, with their labels, as in the 2025 JSON
    (""" 0A009Cells having either of the following sets of characteristics:

 a. 

 a. 

A voltage above 5 V; and

 b. 

A charge above 2 Ah; or

 b. 

A mass below 10 g.
""", "0A009", [
        ("Annex I 0A009", "Cells having either of the following sets of characteristics:"),
        ("Annex I 0A009.a", "a. A voltage above 5 V; and b. A charge above 2 Ah; or"),
        ("Annex I 0A009.b", "A mass below 10 g.")]),
    # after 0A010.b.2.b, 'c' could be b.2.c or c: the Annex cites 0A010.c.1, so c
    (""" 0A010Pumps as follows:

 a. 

Hand pumps;

 b. 

Motor pumps:

 1. 

Single stage;

 2. 

Multi stage:

 a. 

Two stages;

 b. 

Three stages;

 c. 

Pump housings:

 1. 

For pumps specified in 0A010.c.2.;

 2. 

Made of steel.
""", "0A010", [
        ("Annex I 0A010", "Pumps as follows:"),
        ("Annex I 0A010.a", "Hand pumps;"),
        ("Annex I 0A010.b", "Motor pumps:"),
        ("Annex I 0A010.b.1", "Single stage;"),
        ("Annex I 0A010.b.2", "Multi stage:"),
        ("Annex I 0A010.b.2.a", "Two stages;"),
        ("Annex I 0A010.b.2.b", "Three stages;"),
        ("Annex I 0A010.c", "Pump housings:"),
        ("Annex I 0A010.c.1", "For pumps specified in 0A010.c.2.;"),
        ("Annex I 0A010.c.2", "Made of steel.")]),
    # a footnote call split over three lines, opening a line: joined as "(9)" (data["breaks"]: see below)
    (""" 0A011Rigs calibrated according to ISO 9999:2001
  (
 9
 )
 or national equivalents.
""", "0A011", [
        ("Annex I 0A011", "Rigs calibrated according to ISO 9999:2001 (9) or national equivalents.")]),
    # a Note line that starts with a code already seen ("0A012a.1. and …") opens no entry
    (""" 0A012Valves as follows:

 a. 

Gate valves;

 b. 

Ball valves.

 Note
 : 
0A012a. and 0A012b. include valve parts.
""", "0A012", [
        ("Annex I 0A012", "Valves as follows:"),
        ("Annex I 0A012.a", "Gate valves;"),
        ("Annex I 0A012.b", "Ball valves."),
        ("Annex I 0A012 Note", "Note : 0A012a. and 0A012b. include valve parts.")]),
]


@pytest.mark.parametrize("snippet, code, expected", ENTRY_CASES, ids=[c[1] for c in ENTRY_CASES])
def test_entry_layouts(tmp_path, snippet, code, expected):
    provisions, _ = parse(tmp_path, {0: " 0ASystems, Equipment and Components\n\n" + snippet})
    assert entry_rows(provisions, code) == expected


def test_footnote_call_is_a_break(tmp_path):
    provisions, _ = parse(tmp_path, {0: ENTRY_CASES[10][0]})
    entry = next(p for p in provisions if p.locator == "Annex I 0A011")
    assert [entry.text[s:e] for s, e in entry.data["breaks"]] == ["(9)"]


def test_provision_fields(tmp_path):
    provisions, path = parse(tmp_path, {0: " 0ASystems, Equipment and Components\n\n" + ENTRY_CASES[2][0]})
    raw = path.read_text(encoding="utf-8")
    by = {p.locator: p for p in provisions}
    item, note, entry = by["Annex I 0A003.b.1"], by["Annex I 0A003.b.1 Note"], by["Annex I 0A003"]
    assert (entry.kind, entry.parent, entry.title) == ("entry", "Annex I", "Gears as follows:")
    assert (item.kind, item.parent, item.data) == ("item", "Annex I 0A003.b", {"entry": "0A003", "category": "0"})
    assert (note.kind, note.parent, note.title) == ("note", "Annex I 0A003.b.1", "Note")
    assert note.data["refs"] == ["0A003.b.1"]
    for p in provisions:
        assert (p.source, p.version, p.valid_from) == (SOURCE.id, SOURCE.version, SOURCE.valid_from)
        file, _, span = p.origin.partition("@")
        start, end = map(int, span.split("-"))
        assert file == path.name and p.text.split()[0] in raw[start:end]
    assert [p.order for p in provisions] == list(range(len(provisions)))


def test_part_i_and_category_notes(tmp_path):
    category5 = """ Part 1 - TELECOMMUNICATIONS

 Note 1
 : 
 An invented telecom note.

 5A1Systems, Equipment and Components

 5A001Radios.

 Part 2 - "INFORMATION SECURITY"

 Note 1
 : 
 Not used.

 Note 2
 : 

 Cryptography Note

 5A002 does not control invented items.

 N.B.

 An invented remark.

 5A2Systems, Equipment and Components

 5A002Ciphers.

 5B2Test, Inspection and Production Equipment

 5C2Materials

None.
"""
    provisions, _ = parse(tmp_path, {5: category5})
    by = {p.locator: p for p in provisions}
    assert by["Annex I"].text == ("LIST OF DUAL-USE ITEMS REFERRED TO IN ARTICLE 3 OF THIS REGULATION An invented "
                                  "introduction citing a group (4) and a regime.")
    assert [by["Annex I"].text[s:e] for s, e in by["Annex I"].data["breaks"]] == ["(4)"]
    assert by["Annex I GTN"].text == 'An invented technology note. Note : This does not release "gadgets".'
    assert by["Annex I Definitions"].data["terms"] == [
        {"term": "Gadget", "categories": ["GTN", "All"], "text": '"Gadget" (GTN All) means an invented device.'},
        {"term": "Widget", "categories": ["0", "5"], "text": '"Widget" (gear or lever) (0 5) means another invented '
                                                            'device, as follows: a. Wooden; N.B. "Gadget" is not a '
                                                            '"widget".'}]
    assert by["Annex I Category 5 Part 1 Notes"].text == "Note 1 : An invented telecom note."
    assert by["Annex I Category 5 Part 2 Note 2"].text == ("Note 2 : Cryptography Note 5A002 does not control "
                                                           "invented items. N.B. An invented remark.")
    assert by["Annex I Category 5 Part 2 Note 2"].parent == "Annex I Category 5 Part 2 Notes"
    assert not any("5C2" in p.locator for p in provisions)          # "None." makes no provision
    assert {"Annex I General Notes", "Annex I NTN", "Annex I NSN", "Annex I GSN", "Annex I GISN",
            "Annex I Editorial Practices", "Annex I Acronyms", "Annex I 5A001", "Annex I 5A002"} <= set(by)


@pytest.mark.parametrize("damage, message", [
    (lambda t: t.replace("ANNEX I\n", "ANNEX\n"), "no 'ANNEX I'"),                      # not this text
    (lambda t: t[:t.index("PART VII")], "not all present"),                            # truncated in Category 5
    (lambda t: t.replace(" Category 3\n", " Categry 3\n"), "Category 3"),               # a category heading lost
    (lambda t: t.replace(" b. \n\nWidget motors", " q. \n\nWidget motors"), "do not form a list"),  # garbled labels
])
def test_garbled_files_raise(tmp_path, damage, message):
    path = tmp_path / "annex.txt"
    path.write_text(damage(annex_text({0: ENTRY_CASES[0][0]})), encoding="utf-8")
    with pytest.raises(SourceError, match=message) as e:
        parse_annex_text(path, SOURCE, min_entries=0)
    assert e.value.path == str(path)


def test_too_few_entries_raise(tmp_path):
    with pytest.raises(SourceError, match="only 1 entries"):
        parse(tmp_path, {0: ENTRY_CASES[0][0]}, min_entries=350)


# --- the official file ---------------------------------------------------------------------------------------------

SOURCES = Path(os.environ.get("DUALUSE_SOURCES") or Path(__file__).resolve().parents[2] / "shared" / "sources")
REAL_2023 = SOURCES / "annex-i-2023" / "02021R0821-20230526_EN_annex-I.txt"
real = pytest.mark.skipif(not REAL_2023.is_file(), reason=f"official texts not in {SOURCES}")


@pytest.fixture(scope="module")
def annex_2023():
    return parse_annex_text(REAL_2023, load_manifest().get("annex-i-2023"))


@pytest.mark.real
@real
def test_real_entries_per_category(annex_2023):
    entries = [p for p in annex_2023 if p.kind == "entry"]
    assert len(entries) == len({p.locator for p in entries}) == 368
    assert Counter(p.data["category"] for p in entries) == {"0": 15, "1": 92, "2": 53, "3": 40, "4": 11, "5": 13,
                                                            "6": 36, "7": 37, "8": 8, "9": 63}
    assert len({p.locator for p in annex_2023}) == len(annex_2023)
    assert {"Annex I 0A001", "Annex I 1C351", "Annex I 3B001", "Annex I 5A002", "Annex I 9A012",
            "Annex I Category 5 Part 2 Note 3", "Annex I Definitions", "Annex I 2B001 N.B. 2"} <= {
        p.locator for p in annex_2023}


@pytest.mark.real
@real
def test_real_texts_are_verbatim(annex_2023):
    raw = fold(REAL_2023.read_text(encoding="utf-8"))
    for p in annex_2023:
        cuts = [0, *[x for span in p.data.get("breaks", []) for x in span], len(p.text)]
        for s, e in zip(cuts[::2], cuts[1::2]):
            assert fold(p.text[s:e]) in raw, p.locator
        assert re.sub(r"\s+", " ", p.text).strip() == p.text, p.locator


@pytest.mark.real
@real
def test_real_known_provisions(annex_2023):
    by = {p.locator: p for p in annex_2023}
    assert by["Annex I 0A001.i Note"].text.startswith("Note : 0A001.i. does not control heat exchangers")
    assert by["Annex I 0A001.i Note"].parent == "Annex I 0A001.i"
    assert by["Annex I 5A002.a.1"].text.startswith("Items having")          # no "1." label
    assert by["Annex I Category 5 Part 2 Note 3"].text.startswith("Note 3 : Cryptography Note 5A002, 5D002.a.1.")
    assert by["Annex I 2B201 Technical Note"].data["breaks"]                 # the footnote call "(9)"
    assert by["Annex I 4E001"].text == ""                                    # no heading in this version
