"""Parse a PDF (a Commission Recommendation from EUR-Lex, or a user's document) into page/section provisions.

Locators: `prefix` alone for the document (its text is the title printed at the top of page 1), then one provision
per section per page: "Rec. 2019/1318 p. 3" for the text at the top of page 3 before any heading on it (it continues
the previous page's section, recorded in data["section"] with data["continued"]), "Rec. 2019/1318 p. 3 §2.1" for a
numbered heading on page 3 and the text under it down to the next heading or the end of the page.

Text is pypdf's extraction with layout whitespace collapsed, heading lines included, so the provisions of a page
are the page, in order. Three things are changed, all on purpose:
  * running headers/footers are dropped: a line near the top or bottom of a page (first or last EDGE_LINES lines)
    whose words, with numbers masked, recur there on most pages ("L 205/20 EN Official Journal of the European
    Union 5.8.2019" and "5.8.2019 EN Official Journal of the European Union L 205/21" are one running line); they
    are listed in data["dropped_running_lines"] of the document provision;
  * a word broken at a line end is joined (`join_hyphenated`): "identi-" + newline + "fication" -> "identification"
    when the continuation starts lowercase (a capital or a digit after the break is a real hyphen: "EU-\nWide",
    "2021-\n2027"). The hyphen is kept when the hyphenated form is used elsewhere in the document and the joined
    form is not ("dual-\nuse" -> "dual-use"), and before "and"/"or" ("pre-\nand post-shipment");
  * nothing else: "§", "€" and ligatures such as "ﬁ" stay as extracted (`model.fold` does NFKC for comparisons).
Footnotes stay where pypdf puts them (usually at the end of the page's last section); a provision holding one
is flagged "footnote_inline" and lists the footnote numbers in data["footnotes"].
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from .manifest import Source, SourceError
from .model import Provision, normalize_space

EDGE_LINES = 3          # running headers/footers are looked for in this many lines at each end of a page
MAX_HEADING = 90        # a heading is a short line; a full line of body text in the OJ is longer

# Heading forms (see `heading`). A single number needs its dot ("1."), so "10 Member States…" is not a heading.
NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}\.)\s+(.+)$")
ROMAN = re.compile(r"^((?:X{0,3})(?:IX|IV|V?I{0,3}))\.\s+(.+)$")
SECTION = re.compile(r"^(Section|SECTION|Part|PART|Chapter|CHAPTER)\s+(\d{1,2}|[IVX]{1,5})\.?(?:\s+(.+))?$")
ANNEX = re.compile(r"^ANNEX(?:\s+([IVX]{1,5}|\d{1,2}))?$")
FOOTNOTE = re.compile(r"^\(\s?(\d{1,3})\s?\)\s")
BROKEN_WORD = re.compile(r"(\w+)([-\u00ad])\n(\w+)")


def heading(line: str) -> tuple[str, str] | None:
    """(section number, title) when `line` is a heading, else None.

    A heading is a short line (at most MAX_HEADING characters) starting with a number: "1.", "2.1", "2.1.",
    "2.1.1", a roman numeral with its dot ("IV."), "Section 3" / "Part 2" / "Chapter II", followed by a title that
    starts with a capital and does not end like a sentence or a list item (. , ; :). "ANNEX" or "ANNEX II" alone
    on a line is a heading with an empty title. Body sentences that start with a number ("1. Member States shall
    apply this Article.") fail on the final full stop or on length."""
    line = line.strip()
    if len(line) > MAX_HEADING:
        return None
    if m := ANNEX.match(line):
        return ("Annex " + m.group(1) if m.group(1) else "Annex"), ""
    if m := SECTION.match(line):
        number, title = f"{m.group(1).capitalize()} {m.group(2)}", m.group(3) or ""
        return (number, title) if not title or _title_like(title) else None
    for pattern in (NUMBERED, ROMAN):
        m = pattern.match(line)
        if m and m.group(1) and _title_like(m.group(2)):
            return m.group(1).rstrip("."), m.group(2)
    return None


def _title_like(title: str) -> bool:
    return title[0].isupper() and not title.endswith((".", ",", ";", ":"))


def join_hyphenated(text: str, known: str | None = None) -> str:
    """Join words broken at a line end (see the module docstring). `known` is the text whose vocabulary decides
    whether a hyphen is real (default: `text` itself)."""
    vocab = (known if known is not None else text).lower()
    hyphenated = set(re.findall(r"\w+(?:-\w+)+", vocab))
    plain = set(re.findall(r"\w+", vocab))

    def join(m: re.Match) -> str:
        head, mark, tail = m.groups()
        if not tail[0].islower():
            return m.group()                      # "EU-\nWide", "2021-\n2027": a real hyphen, keep the line break
        if mark == "\u00ad":
            return head + tail                    # a soft hyphen is always a typesetting artefact
        if tail in ("and", "or"):
            return f"{head}- {tail}"              # suspended hyphen: "pre- and post-shipment"
        if f"{head}-{tail}".lower() in hyphenated and f"{head}{tail}".lower() not in plain:
            return f"{head}-{tail}"               # the document writes "dual-use": keep its hyphen
        return head + tail

    return BROKEN_WORD.sub(join, text)


def read_pages(path: Path) -> list[str]:
    """Text of each page. Raises SourceError naming the file for anything that is not a readable, open PDF."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "file is missing")
    raw = path.read_bytes()
    if not raw:
        raise SourceError(path, "file is empty")
    if b"%PDF-" not in raw[:1024]:             # the header may follow a little junk, as readers allow
        raise SourceError(path, "not a PDF (no %PDF- header): the file is corrupted or in another format")
    if b"%%EOF" not in raw[-1024:]:
        # pypdf would try to rebuild a cut file and return part of it; a partial text must not pass for the whole
        raise SourceError(path, "PDF is truncated (no %%EOF marker at the end): re-download the file")
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")       # an owner password alone still lets anyone read the text
            except DependencyError:
                opened = 0
            if not opened:
                raise SourceError(path, "PDF is encrypted (password-protected): provide an unencrypted copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except SourceError:
        raise
    except Exception as e:                        # pypdf raises many types on broken files; report one clear line
        raise SourceError(path, f"PDF cannot be read ({type(e).__name__}: {e}): the file is corrupted") from None
    if not pages:
        raise SourceError(path, "PDF has no pages")
    if not any(p.strip() for p in pages):
        raise SourceError(path, "PDF has no extractable text (a scanned image?): run OCR on it first")
    return pages


def running_lines(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of pages that recur (numbers masked, word order ignored) on most pages."""
    def key(line: str) -> tuple[str, ...]:
        return tuple(sorted(re.sub(r"\d+", "#", line).split()))

    pages_with: dict[tuple[str, ...], set[int]] = {}
    for n, lines in enumerate(pages):
        for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:]:
            pages_with.setdefault(key(line), set()).add(n)
    recurring = {k for k, ns in pages_with.items() if len(ns) >= 2 and 2 * len(ns) > len(pages)}
    return {line for lines in pages for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:] if key(line) in recurring}


def parse_pdf(path: Path, source: Source, prefix: str) -> list[Provision]:
    """Provisions of one PDF: the document (locator `prefix`), then one per section per page (module docstring)."""
    path = Path(path)
    raw_pages = [[ln.strip() for ln in text.splitlines() if ln.strip()] for text in read_pages(path)]
    running = running_lines(raw_pages)
    dropped: list[str] = []
    pages = []
    for lines in raw_pages:
        keep = []
        for i, ln in enumerate(lines):
            if (i < EDGE_LINES or i >= len(lines) - EDGE_LINES) and ln in running:
                dropped += [ln] if ln not in dropped else []
            else:
                keep.append(ln)
        pages.append(keep)
    whole = "\n".join("\n".join(p) for p in pages)
    pages = [join_hyphenated("\n".join(p), whole).split("\n") if p else [] for p in pages]

    kind = "guidance" if source.status == "guidance" else "page"
    out: list[Provision] = []

    def add(locator: str, lines: list[str], page: int, parent: str | None, title: str, data: dict,
            calls: set[str] = frozenset()) -> None:
        text = normalize_space(" ".join(lines))
        notes = [m.group(1) for ln in lines if (m := FOOTNOTE.match(ln)) and m.group(1) in calls]
        if notes:
            data["footnotes"] = notes
        out.append(Provision(locator=locator, text=text, kind=kind, source=source.id, version=source.version,
                             valid_from=source.valid_from, parent=parent, title=title,
                             flags=("footnote_inline",) if notes else (), origin=f"{path.name}#page={page}",
                             order=len(out), data=data))

    # The document title: the first lines of page 1, up to a heading or the first line ending in "," or ":"
    # ("THE EUROPEAN COMMISSION,"), at most four lines.
    first = pages[0]
    n_title = 0
    while n_title < min(4, len(first)) and not heading(first[n_title]) and not first[n_title].endswith((",", ":")):
        n_title += 1
    doc_title = normalize_space(" ".join(first[:n_title]))
    add(prefix, first[:n_title], 1, None, doc_title or source.title,
        {"page": 1, "pages": len(pages), "dropped_running_lines": dropped})
    pages[0] = first[n_title:]

    section, section_title = "", ""               # the open section, carried from page to page
    for page, lines in enumerate(pages, start=1):
        chunks: list[tuple[str, str, list[str], bool]] = [(section, section_title, [], True)]
        for line in lines:
            if h := heading(line):
                section, section_title = h[0], line
                chunks.append((section, section_title, [], False))
            chunks[-1][2].append(line)
        # footnote calls on this page: "(1)" after other text on a line; the footnote itself starts a line with it
        calls = {c for ln in lines for c in re.findall(r"\(\s?(\d{1,3})\s?\)", FOOTNOTE.sub("", ln, count=1))}
        seen: dict[str, int] = {}
        for number, title, body, continued in chunks:
            if not body:
                continue
            locator = f"{prefix} p. {page}" if continued else f"{prefix} p. {page} §{number}"
            seen[locator] = seen.get(locator, 0) + 1
            if seen[locator] > 1:                 # the same number twice on a page (body "1." and Annex "1.")
                locator += f" ({seen[locator]})"
            data = {"page": page, "section": number}
            if continued and number:
                data["continued"] = True
            add(locator, body, page, prefix, title, data, calls)
    return out
