"""ingest.pdf: page/section provisions from a Recommendation-like PDF built with reportlab at test time."""
from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.manifest import Source, SourceError
from ingest.model import fold
from ingest.pdf import heading, join_hyphenated, parse_pdf

SOURCE = Source(id="rec-2019-1318", title="Commission Recommendation (EU) 2019/1318", status="guidance",
                version="32019H1318", valid_from="2019-08-05")
PREFIX = "Rec. 2019/1318"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# Running headers alternate like the OJ's (page number left on even pages, right on odd ones).
HEADERS = ["L 205/20 EN Official Journal of the European Union 5.8.2019",
           "5.8.2019 EN Official Journal of the European Union L 205/21",
           "L 205/22 EN Official Journal of the European Union 5.8.2019"]
PAGES = [
    ["COMMISSION RECOMMENDATION (EU) 2019/1318",
     "of 30 July 2019",
     "on internal compliance programmes for dual-use trade controls",
     "THE EUROPEAN COMMISSION,",
     "Having regard to Regulation (EU) 2021/821 (1),",
     "1. Introduction",
     "Exporters of dual-use items pay fees of € 100 under § 3 of the",
     "national rules and keep records for the identi-",
     "fication of items."],
    ["Records are kept for five years.",
     "2. Core elements",
     "2.1 Top-level management commitment",
     "Management should commit to dual-",
     "use compliance."],
    ["Commitment is stated in writing.",
     "3. Final provisions",
     "Done at Brussels."],
]
FOOTNOTES = {1: "(1) OJ L 206, 11.6.2021, p. 1."}


def build(path: Path, pages: list[list[str]], headers: list[str] | None = None, footnotes: dict | None = None,
          font: str = "Helvetica", **kw) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, **kw)
    width, height = A4
    for n, lines in enumerate(pages, start=1):
        c.setFont(font, 8)
        if headers:
            c.drawString(50, height - 40, headers[n - 1])
        c.setFont(font, 10)
        for i, line in enumerate(lines):
            c.drawString(60, height - 80 - 14 * i, line)
        c.setFont(font, 8)
        if footnotes and n in footnotes:
            c.drawString(60, 60, footnotes[n])
        if headers:
            c.drawString(width / 2, 30, str(n))         # page number: a running footer too
        c.showPage()
    c.save()
    return path


@pytest.fixture
def rec_pdf(tmp_path: Path) -> Path:
    return build(tmp_path / "32019H1318.pdf", PAGES, HEADERS, FOOTNOTES)


@pytest.fixture
def provisions(rec_pdf: Path):
    return parse_pdf(rec_pdf, SOURCE, PREFIX)


# locator, title, page, section, text: written by hand from PAGES
EXPECTED = [
    (PREFIX, "COMMISSION RECOMMENDATION (EU) 2019/1318 of 30 July 2019 on internal compliance programmes for "
             "dual-use trade controls", 1, None,
     "COMMISSION RECOMMENDATION (EU) 2019/1318 of 30 July 2019 on internal compliance programmes for dual-use "
     "trade controls"),
    (f"{PREFIX} p. 1", "", 1, "",
     "THE EUROPEAN COMMISSION, Having regard to Regulation (EU) 2021/821 (1),"),
    (f"{PREFIX} p. 1 §1", "1. Introduction", 1, "1",
     "1. Introduction Exporters of dual-use items pay fees of € 100 under § 3 of the national rules and keep "
     "records for the identification of items. (1) OJ L 206, 11.6.2021, p. 1."),
    (f"{PREFIX} p. 2", "1. Introduction", 2, "1", "Records are kept for five years."),
    (f"{PREFIX} p. 2 §2", "2. Core elements", 2, "2", "2. Core elements"),
    (f"{PREFIX} p. 2 §2.1", "2.1 Top-level management commitment", 2, "2.1",
     "2.1 Top-level management commitment Management should commit to dual-use compliance."),
    (f"{PREFIX} p. 3", "2.1 Top-level management commitment", 3, "2.1", "Commitment is stated in writing."),
    (f"{PREFIX} p. 3 §3", "3. Final provisions", 3, "3", "3. Final provisions Done at Brussels."),
]


def test_locators_titles_pages_and_texts(provisions):
    got = [(p.locator, p.title, p.data["page"], p.data.get("section"), p.text) for p in provisions]
    assert got == EXPECTED


def test_running_header_and_page_numbers_dropped(provisions):
    assert provisions[0].data["dropped_running_lines"] == [HEADERS[0], "1", HEADERS[1], "2", HEADERS[2], "3"]
    assert not any("Official Journal" in p.text for p in provisions)


def test_common_fields(provisions, rec_pdf):
    assert [p.order for p in provisions] == list(range(len(provisions)))
    assert provisions[0].parent is None and all(p.parent == PREFIX for p in provisions[1:])
    for p in provisions:
        assert (p.kind, p.source, p.version, p.valid_from) == ("guidance", SOURCE.id, "32019H1318", "2019-08-05")
        assert p.origin == f"{rec_pdf.name}#page={p.data['page']}"
    assert len({p.locator for p in provisions}) == len(provisions)


def test_continuation_and_footnote_marked(provisions):
    by = {p.locator: p for p in provisions}
    assert by[f"{PREFIX} p. 2"].data["continued"] and by[f"{PREFIX} p. 3"].data["section"] == "2.1"
    assert by[f"{PREFIX} p. 1 §1"].flags == ("footnote_inline",)
    assert by[f"{PREFIX} p. 1 §1"].data["footnotes"] == ["1"]
    assert all(not p.flags for p in provisions if p.locator != f"{PREFIX} p. 1 §1")


def test_texts_are_verbatim_in_the_extraction(provisions, rec_pdf):
    extraction = "\n".join(page.extract_text() for page in PdfReader(rec_pdf).pages)
    assert "identi-\nfication" in extraction          # the line-end break the parser joins
    body = fold(join_hyphenated(extraction))
    for p in provisions:
        assert fold(p.text) in body, p.locator


def test_user_document_kind_and_prefix(tmp_path):
    doc = build(tmp_path / "notes.pdf", [["Internal notes", "I. Scope", "Only licensed items."]])
    source = Source(id="notes", title="notes", status="user", version="upload-1")
    got = [(p.locator, p.kind, p.text) for p in parse_pdf(doc, source, "Doc notes")]
    assert got == [("Doc notes", "page", "Internal notes"),
                   ("Doc notes p. 1 §I", "page", "I. Scope Only licensed items.")]


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs a TrueType font with an fi ligature glyph")
def test_ligature_kept_as_extracted(tmp_path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    pdfmetrics.registerFont(TTFont("DejaVu", str(DEJAVU)))
    doc = build(tmp_path / "lig.pdf", [["Title", "The \ufb01le costs € 5 under § 2."]], font="DejaVu")
    assert parse_pdf(doc, SOURCE, "Doc lig")[0].text == "Title The \ufb01le costs € 5 under § 2."


# --- hyphenation -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("the identi-\nfication of", "the identification of"),          # typesetting break: joined
    ("dual-use items and dual-\nuse", "dual-use items and dual-use"),  # the document writes "dual-use": hyphen kept
    ("pre-\nand post-shipment", "pre- and post-shipment"),          # suspended hyphen before "and"
    ("the EU-\nWide list", "the EU-\nWide list"),                   # capital after the break: a real hyphen
    ("years 2021-\n2027", "years 2021-\n2027"),                     # digits: a range, untouched
    ("identi\u00ad\nfication", "identification"),                  # soft hyphen: always an artefact
])
def test_join_hyphenated(text, expected):
    assert join_hyphenated(text) == expected


# --- heading detection -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("1. Introduction", ("1", "Introduction")),                                  # top-level number with its dot
    ("2.1 Scope of the file", ("2.1", "Scope of the file")),                     # two levels, no final dot
    ("2.1. Top-level management commitment", ("2.1", "Top-level management commitment")),  # final dot dropped
    ("2.1.1 Record keeping", ("2.1.1", "Record keeping")),                       # three levels
    ("IV. DEFINITIONS", ("IV", "DEFINITIONS")),                                  # roman numeral with its dot
    ("Section 3 Screening", ("Section 3", "Screening")),                         # "Section N" with a title
    ("SECTION 2", ("Section 2", "")),                                            # "Section N" alone
    ("ANNEX", ("Annex", "")),                                                    # annex heading alone
    ("ANNEX II", ("Annex II", "")),                                              # numbered annex
    ("1. Member States shall apply this Article.", None),                        # a sentence: ends with a full stop
    ("2.1 of the guidance applies", None),                                       # lowercase after the number
    ("10 Member States have notified", None),                                    # single number without a dot
    ("5.8.2019 EN Official Journal of the European Union", None),                # a date, not a number
    ("(1) OJ L 206, 11.6.2021, p. 1.", None),                                    # a footnote
    ("3. Exporters should consider the guidance set out in the Annex to this Recommendation when they "
     "set up their programme", None),                                            # too long for a heading
    ("(a) Screening", None),                                                     # a list point, not a section
    ("IIV. Wrong", None),                                                        # not a roman numeral
    ("4. The following items:", None),                                           # ends like a list lead-in
])
def test_heading(line, expected):
    assert heading(line) == expected


# --- bad input ---------------------------------------------------------------------------------------------------

def _missing(tmp_path, good):
    return tmp_path / "absent.pdf"


def _empty(tmp_path, good):
    (tmp_path / "empty.pdf").write_bytes(b"")
    return tmp_path / "empty.pdf"


def _truncated(tmp_path, good):
    raw = good.read_bytes()
    (tmp_path / "cut.pdf").write_bytes(raw[: len(raw) // 2])
    return tmp_path / "cut.pdf"


def _random(tmp_path, good):
    (tmp_path / "noise.pdf").write_bytes(bytes(range(256)) * 16)
    return tmp_path / "noise.pdf"


def _encrypted(tmp_path, good):
    return build(tmp_path / "locked.pdf", PAGES, HEADERS, encrypt="pw")


def _scanned(tmp_path, good):
    c = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=A4)
    c.rect(50, 50, 400, 600, fill=1)                  # an image-like page with no text
    c.showPage()
    c.save()
    return tmp_path / "scan.pdf"


@pytest.mark.parametrize("make, reason", [
    (_missing, "missing"),
    (_empty, "empty"),
    (_truncated, "truncated"),
    (_random, "not a PDF"),
    (_encrypted, "encrypted"),
    (_scanned, "no extractable text"),
])
def test_bad_input_raises_source_error(tmp_path, rec_pdf, make, reason):
    path = make(tmp_path, rec_pdf)
    with pytest.raises(SourceError) as err:
        parse_pdf(path, SOURCE, PREFIX)
    assert path.name in str(err.value) and reason in err.value.problem
