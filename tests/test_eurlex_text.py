"""The consolidated-text parser (Articles, Annexes II-VI), on fixtures in the layout of the EUR-Lex extraction."""
import shutil

import pytest

from ingest.eurlex_text import label_of, parse_regulation_text, read_lines
from ingest.manifest import SourceError, load_manifest
from ingest.model import fold
from tests.conftest import FIXTURE_SOURCES

SOURCE = load_manifest().get("reg-2021-821")
FOLDER = FIXTURE_SOURCES / "reg-2021-821"


@pytest.fixture(scope="module")
def parsed():
    return {p.locator: p for p in parse_regulation_text(FOLDER, SOURCE)}


# (locator, kind, parent, exact text)
ROWS = [
    # an article without paragraphs
    ("Art. 1", "article", None, "This fixture establishes a regime for the control of fixture items."),
    # a numbered paragraph: the number stands on its own line in the source, text on the next
    ("Art. 3(1)", "paragraph", "Art. 3", "1. An authorisation shall be required for the export of fixture items listed in Annex I."),
    # Article 2's numbered points are definitions
    ("Art. 2(1)", "definition", "Art. 2",
     "(1) ‘dual-use items’ means fixture items which can be used for both civil and military purposes;"),
    # a point inside a definition
    ("Art. 2(2)(b)", "point", "Art. 2(2)", "(b) transmission of software by electronic media to a destination outside the Union;"),
    # a plain sentence after a finished point belongs to the enclosing definition, not to the point
    ("Art. 2(3)(b)", "point", "Art. 2(3)", "(b) any person that decides to transmit software outside the Union."),
    # a footnote call split over three lines is written "(1)"
    ("Art. 2(3)(c)", "point", "Art. 2(3)",
     "(c) any natural person carrying the items in personal baggage within the meaning of Delegated Regulation (EU) 2015/2446 (1);"),
    # (i) inside a lettered point starts roman numbering
    ("Art. 4(1)(b)(i)", "point", "Art. 4(1)(b)", "(i) incorporation into military items;"),
    ("Art. 4(1)(b)(ii)", "point", "Art. 4(1)(b)", "(ii) use of production equipment for military items; or"),
    # after the roman points, (c) is the next lettered point of paragraph 1
    ("Art. 4(1)(c)", "point", "Art. 4(1)", "(c) for use as parts of military items exported without authorisation."),
    # "Article 9(2), (3) and (4) shall apply…" is a sentence of paragraph 2, not an article heading
    ("Art. 4(2)", "paragraph", "Art. 4", "2. Article 9(2), (3) and (4) shall apply to the national measures referred to in paragraph 1 of this Article."),
    # Annex II: one provision per authorisation and per Part
    ("Annex II EU002 Part 1", "gea_part", "Annex II EU002",
     "Part 1 — Items This authorisation covers the following dual-use items specified in Annex I: — 1A005, — 2B001.a."),
    # an amendment marker is dropped from the wording
    ("Annex II EU003 Part 2", "gea_part", "Annex II EU003",
     "Part 2 — Destinations This authorisation is valid throughout the customs territory of the Union for exports to the "
     "following destinations: — Brazil, — North Macedonia, — Serbia."),
    # Annex IV entries are listed by their Annex I code
    ("Annex IV Part I 6A008.b", "list_entry", "Annex IV Part I",
     "6A008.b. Radar of the fixture having a specific modulus exceeding 3,18 × 106m."),
]


@pytest.mark.parametrize("locator,kind,parent,text", ROWS, ids=[r[0] for r in ROWS])
def test_provisions(parsed, locator, kind, parent, text):
    p = parsed[locator]
    assert (p.kind, p.parent, p.text) == (kind, parent, text)


def test_trailing_subparagraph_goes_to_the_definition(parsed):
    assert parsed["Art. 2(3)"].text.endswith("(c) any natural person carrying the items in personal baggage within the "
                                             "meaning of Delegated Regulation (EU) 2015/2446 (1);")
    assert "Where the benefit of a right" in parsed["Art. 2(3)"].text
    assert "Where the benefit" not in parsed["Art. 2(3)(b)"].text


def test_footnotes_and_breaks(parsed):
    p = parsed["Art. 2(3)(c)"]
    assert p.data["footnotes"] == {"1": "Commission Delegated Regulation (EU) 2015/2446 of the fixture."}
    (s, e), = p.data["breaks"]
    assert p.text[s:e] == "(1)"


def test_deletion_marker_flags_the_part(parsed):
    p = parsed["Annex II EU003 Part 2"]
    assert "amended" in p.flags
    assert p.data["destinations"] == ["Brazil", "North Macedonia", "Serbia"]


def test_structured_annex_ii(parsed):
    assert parsed["Annex II EU001 Part 2"].data["destinations"] == ["Australia", "Canada", "Switzerland, including Liechtenstein"]
    assert parsed["Annex II EU002 Part 1"].data == {"gea": "EU002", "part": "1", "covers": "listed", "items": ["1A005", "2B001.a"]}
    eu003 = parsed["Annex II EU003 Part 1"].data
    assert eu003["covers"] == "all" and eu003["excluded"] == ["5A002.a"] and eu003["excluded_sections"] == ["D", "E"]
    eu008 = parsed["Annex II EU008 Part 2"].data
    assert eu008["destinations_mode"] == "all_except" and "Russia" in eu008["excluded_destinations"]
    assert parsed["Annex II Section I"].data == {"codes": ["0C001", "9A012"], "all_annex_iv": True}
    assert parsed["Annex IV Part II Category 0"].data["category0"] == {"0C001": "0C001: this item is not included in Annex IV;"}


def test_text_is_verbatim(parsed):
    # every provision's text, cut at its breaks, is in the raw files after layout folding
    raw = fold((FOLDER / SOURCE.file("articles").name).read_text() + (FOLDER / SOURCE.file("annexes").name).read_text())
    for p in parsed.values():
        cuts = [0] + [x for span in p.data.get("breaks", []) for x in span] + [len(p.text)]
        for s, e in zip(cuts[::2], cuts[1::2]):
            assert fold(p.text[s:e]) in raw, p.locator


@pytest.mark.parametrize("line,expected", [
    ("1.", ("paragraph", "1", "")),              # paragraph number alone
    ("12. Text follows", ("paragraph", "12", "Text follows")),   # number and text on one line (Annex II)
    ("(a)", ("letter", "a", "")),                # lettered point
    ("(iv)", ("letter", "iv", "")),              # roman: decided later by context
    ("(12)", ("numpoint", "12", "")),            # Article 2 definition number
    ("(abcde)", None),                           # not a label
    ("Article 9(2), (3) and (4) shall apply", None),  # a sentence
    ("1,5 kg", None),                            # a number, not a label
])
def test_labels(line, expected):
    assert label_of(line) == expected


def test_footnote_call_is_joined(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("Regulation (EU) No 515/97 (\n 2\n ), and in particular\n")
    _, lines = read_lines(f)
    assert [l.text for l in lines] == ["Regulation (EU) No 515/97 (2), and in particular"]
    assert lines[0].breaks == [[26, 29]]


@pytest.mark.parametrize("cut,before,problem", [
    ("articles", "Article 1", "no 'Article N' heading"),   # the Articles file cut before its first article
    ("annexes", "ANNEX IV", "Annexes II to VI"),            # the Annexes file cut in the middle
])
def test_truncated_files_name_the_file(tmp_path, cut, before, problem):
    shutil.copytree(FOLDER, tmp_path / "reg")
    path = tmp_path / "reg" / SOURCE.file(cut).name
    text = path.read_text()
    path.write_text(text[:text.index(before)])
    with pytest.raises(SourceError) as e:
        parse_regulation_text(tmp_path / "reg", SOURCE)
    assert path.name in str(e.value) and problem in str(e.value)


def test_binary_file(tmp_path):
    shutil.copytree(FOLDER, tmp_path / "reg")
    path = tmp_path / "reg" / SOURCE.file("articles").name
    path.write_bytes(b"\x00\xff\xfe binary")
    with pytest.raises(SourceError, match="not UTF-8"):
        parse_regulation_text(tmp_path / "reg", SOURCE)
