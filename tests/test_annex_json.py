"""The Annex I JSON parser, on the project's fixture file (same layout as annex-i-2025/annex.json)."""
import json

import pytest

from ingest.annex_json import parse_annex_json, split_merged_notes
from ingest.manifest import SourceError, load_manifest
from tests.conftest import FIXTURE_SOURCES, REAL_SOURCES

SOURCE = load_manifest().get("annex-i-2025")
FIXTURE = FIXTURE_SOURCES / "annex-i-2025" / "annex.json"


@pytest.fixture(scope="module")
def parsed():
    return {p.locator: p for p in parse_annex_json(FIXTURE, SOURCE)}


# (locator, kind, parent, exact text)
ROWS = [
    # an entry carries its heading only; its items are provisions of their own
    ("Annex I 1A005", "entry", "Annex I", "Body armour and components therefor, as follows:"),
    # an item: the dotted path becomes the locator, the text keeps no label
    ("Annex I 1A005.a", "item", "Annex I 1A005", "Soft body armour not made to military standards;"),
    # a numbered Note attached to the entry, label kept in the text
    ("Annex I 1A005 Note 2", "note", "Annex I 1A005",
     "Note 2: 1A005 does not control body armour designed only for frontal protection against non-military knives."),
    # an unnumbered N.B.
    ("Annex I 1A005 N.B.", "nb", "Annex I 1A005", "N.B. For helmets see the military lists."),
    # a second unnumbered N.B. on the same node gets a number
    ("Annex I 2B001 N.B. 2", "nb", "Annex I 2B001", "N.B. For optical finishing machines, see 2B002."),
    # "N.B.1." written without a space is numbered
    ("Annex I 9A012 N.B. 1", "nb", "Annex I 9A012", "N.B.1. SEE ALSO 9A112."),
    # a Note on a sub-item attaches to that sub-item
    ("Annex I 2B001.a Note 1", "note", "Annex I 2B001.a", "Note 1: 2B001.a. does not control turning machines for contact lenses."),
    # a Technical Note on a sub-item
    ("Annex I 2B001.b Technical Note", "technical_note", "Annex I 2B001.b",
     "Technical Note: For the purposes of 2B001.b., a 'rotary axis' means an axis that turns the workpiece."),
    # a third-level item
    ("Annex I 5A002.a.1", "item", "Annex I 5A002.a", 'Items having "information security" as a primary function;'),
    # a line repeating the previous node without a label continues the previous provision
    ("Annex I 6A008 Note", "note", "Annex I 6A008",
     "Note: 6A008 does not control marine radar used for navigation. where the navigation radar is a civil product."),
    # Part I texts come from `docs`
    ("Annex I General Notes", "general_note", "Annex I",
     "1 Goods designed for military use are covered by the military lists.\n2 Goods in this Annex include both new and used goods."),
    # numbered notes of a category note are citable on their own
    ("Annex I Category 5 Part 2 Note 3", "category_note", "Annex I Category 5 Part 2 Notes",
     "Note 3: Cryptography Note 5A002 does not control items sold from stock at retail selling points."),
]


@pytest.mark.parametrize("locator,kind,parent,text", ROWS, ids=[r[0] for r in ROWS])
def test_provisions(parsed, locator, kind, parent, text):
    p = parsed[locator]
    assert (p.kind, p.parent, p.text) == (kind, parent, text)
    assert p.version == "02021R0821-20251115" and p.source == "annex-i-2025"


def test_ignored_parts_are_not_parsed(parsed):
    # the JSON's Article 2 and Annex II are ignored: the consolidated text wins (manifest `ignore`)
    assert not any(l.startswith(("Art.", "Annex II")) for l in parsed)
    # "None." category notes make no provision
    assert "Annex I Category 2 2C Notes" not in parsed


def test_structured_data(parsed):
    assert parsed["Annex I 2B001"].data["terms"] == ["numerical control"]
    assert parsed["Annex I 9A012 N.B. 2"].data["see_also"] == ["9A004.h"]
    terms = {t["term"]: t for t in parsed["Annex I Definitions"].data["terms"]}
    assert terms["Numerical control"]["categories"] == ["2"]
    assert terms["Numerical control"]["text"].endswith('N.B. See also "contouring control".')


def test_ids_are_stable(parsed):
    again = {p.locator: p.id for p in parse_annex_json(FIXTURE, SOURCE)}
    assert again == {l: p.id for l, p in parsed.items()}
    assert len(set(again.values())) == len(again)


@pytest.mark.parametrize("content,problem", [
    ('{"entries": [', "not valid JSON"),                                      # truncated
    ('{"docs": []}', "no 'entries' list"),                                    # another JSON
    ('{"entry_count": 2, "entries": []}', "declares 2 entries but holds 0"),  # incomplete
    ('{"entries": [{"entry_code": "1A005", "verbatim_text": "Body armour"}]}', "does not start with its entry code"),
])
def test_bad_input_names_the_file(tmp_path, content, problem):
    bad = tmp_path / "annex.json"
    bad.write_text(content)
    with pytest.raises(SourceError) as e:
        parse_annex_json(bad, SOURCE)
    assert str(bad) in str(e.value) and problem in str(e.value)


def test_binary_garbage(tmp_path):
    bad = tmp_path / "annex.json"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SourceError, match="annex.json"):
        parse_annex_json(bad, SOURCE)


def test_fixture_is_in_the_official_layout():
    # every entry line starts with a dotted path of its own entry code, as in the real file
    doc = json.loads(FIXTURE.read_text())
    for e in doc["entries"]:
        assert all(line.startswith(e["entry_code"]) for line in e["verbatim_text"].split("\n"))


# --- Notes the copy merged into the Note or Technical Note before them ---------------------------------------------

# (text of one JSON line after its dotted path, the pieces it splits into, why)
MERGED = [
    ("Technical Note: For the purposes of 1A004.d., 'trace detection' is defined as the capability to detect less "
     "than 1 ppm vapour, or 1 mg solid or liquid. Note 1: 1A004.d. does not control equipment specially designed for "
     "laboratory use. Note 2: 1A004.d. does not control non-contact walk-through security portals.",
     ["Technical Note: For the purposes of 1A004.d., 'trace detection' is defined as the capability to detect less "
      "than 1 ppm vapour, or 1 mg solid or liquid.",
      "Note 1: 1A004.d. does not control equipment specially designed for laboratory use.",
      "Note 2: 1A004.d. does not control non-contact walk-through security portals."],
     "a Note after a full stop starts a provision of its own"),
    ("Note: a. Plant; e. Holding vessels; Technical Note: Vessels may have features. f. Neutron measurement systems.",
     ["Note: a. Plant; e. Holding vessels; Technical Note: Vessels may have features. f. Neutron measurement systems."],
     "after ';' a Technical Note sits inside the Note's list (0B006), whose paragraphs go on after it"),
    ("Note 2: 5A002.a. does not control: a. Smart cards. 2. 'Readers/writers'. Technical Note: For the purposes of "
     "5A002.a. Note 2.a.2., 'readers/writers' include equipment. b. Not used;",
     ["Note 2: 5A002.a. does not control: a. Smart cards. 2. 'Readers/writers'. Technical Note: For the purposes of "
      "5A002.a. Note 2.a.2., 'readers/writers' include equipment. b. Not used;"],
     "a Technical Note on one paragraph of a Note stays inside that Note"),
    ("Note: 4A003.g. does not control internal interconnection equipment. Technical Notes: For the purposes of "
     "4A003.g. Note: 1. A 'network access controller' is a physical interface.",
     ["Note: 4A003.g. does not control internal interconnection equipment.",
      "Technical Notes: For the purposes of 4A003.g. Note: 1. A 'network access controller' is a physical interface."],
     "'For the purposes of 4A003.g. Note:' names a Note; it does not start one"),
    ("Note 2: The control status is determined provided: b. not a principal element; and N.B.1. The control status. "
     "N.B.2. For telecommunications, see Category 5. c. The technology is determined by 4E.",
     ["Note 2: The control status is determined provided: b. not a principal element; and N.B.1. The control status. "
      "N.B.2. For telecommunications, see Category 5. c. The technology is determined by 4E."],
     "N.B.s between the paragraphs of a Note (4A003 Note 2) stay in it"),
]


@pytest.mark.parametrize("text,pieces,why", MERGED, ids=[m[2][:40] for m in MERGED])
def test_split_merged_notes(text, pieces, why):
    assert split_merged_notes(text) == pieces


REAL_JSON = REAL_SOURCES / "annex-i-2025" / "annex.json"


@pytest.fixture(scope="module")
def real_parsed():
    if not REAL_JSON.is_file():
        pytest.skip(f"official texts not found in {REAL_SOURCES}")
    return {p.locator: p for p in parse_annex_json(REAL_JSON, SOURCE)}


# (locator, parent, how the text starts): each split Note is cited on its own, under the node its text names
REAL_SPLITS = [
    ("Annex I 1A004.d Note 1", "Annex I 1A004.d", "Note 1: 1A004.d. does not control equipment specially designed"),
    ("Annex I 1A004.d Note 2", "Annex I 1A004.d", "Note 2: 1A004.d. does not control non-contact walk-through"),
    ("Annex I 1A004 Note", "Annex I 1A004", "Note: 1A004 does not control: a. Personal radiation monitoring"),
    ("Annex I 1C353 Note 1", "Annex I 1C353", "Note 1: 1C353 does not control nucleic acid sequences"),
    ("Annex I 1C353 Note 2", "Annex I 1C353", 'Note 2: 1C353 does not control "vaccines".'),
    ("Annex I 5A002.a Technical Note", "Annex I 5A002.a", "Technical Note: An algorithm described by Technical Note"),
    ("Annex I 5A002.a Note 1", "Annex I 5A002.a", "Note 1: When necessary as determined by the appropriate"),
    ("Annex I 5A002.a Note 2", "Annex I 5A002.a", "Note 2: 5A002.a. does not control any of the following items"),
    ("Annex I 1C210 Note", "Annex I 1C210", "Note: In 1C210, 'fibrous or filamentary materials' is restricted"),
    ("Annex I 6A002.c Note", "Annex I 6A002.c", "Note: 6A002.c. does not control equipment as follows"),
    ("Annex I 6A005 Technical Note", "Annex I 6A005", "Technical Note: For the purposes of 6A005.a. and 6A005.b.,"),
    ("Annex I 9B005.a Technical Note", "Annex I 9B005.a", "Technical Note: For the purposes of 9B005.a. Note,"),
]


@pytest.mark.real
@pytest.mark.parametrize("locator,parent,start", REAL_SPLITS, ids=[r[0] for r in REAL_SPLITS])
def test_real_merged_notes_are_split(real_parsed, locator, parent, start):
    p = real_parsed[locator]
    assert p.parent == parent and p.text.startswith(start)


@pytest.mark.real
def test_real_split_keeps_every_word(real_parsed):
    # the pieces of a split line read, joined, exactly as the line did
    doc = json.loads(REAL_JSON.read_text())
    line = next(l for e in doc["entries"] if e["entry_code"] == "1C353" for l in e["verbatim_text"].split("\n")
                if l.startswith("1C353 Technical Notes"))
    pieces = [real_parsed[f"Annex I 1C353 {label}"].text for label in ("Technical Notes", "Note 1", "Note 2")]
    assert " ".join(pieces) == line.split(" ", 1)[1]
    assert real_parsed["Annex I 1C353 Technical Notes"].text.endswith("or detectability.")
