"""Parse the consolidated EUR-Lex text (a plain-text extraction of the HTML page) into provisions.

Layout of the extraction: paragraph and point numbers stand on their own line (` 1.  `, ` (a) `, ` — `), footnote
calls are split over three lines (`(`, ` 1`, ` )`), EUR-Lex amendment markers (`▼B`, `▼M2 —————`) have lines of
their own. Lines such as "Article 9(2), (3) and (4) shall apply…" are sentences, not headings: a heading is a line
that is exactly "Article N".

Provision text is the verbatim wording with layout whitespace collapsed. Two things are not wording and are handled
explicitly: amendment markers are dropped (the provision is flagged `amended` where a marker records a deletion),
and a footnote call is written "(N)". Both places are recorded in `data["breaks"]` as [start, end) spans of the
text, so that a quote never runs across them as if the text were continuous.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .manifest import Source, SourceError
from .model import Provision

MARKER = re.compile(r"^[▼►][A-Z]+\d*(\s+—+)?$")
ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
CODE_LINE = re.compile(r"^([0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*)\.?$")


@dataclass
class Line:
    text: str            # stripped
    start: int           # character offsets in the raw file
    end: int
    breaks: list = field(default_factory=list)   # [start, end) spans of non-wording inside `text`
    deletion: bool = False                        # an amendment marker recording a deletion precedes this line


def read_lines(path: Path) -> tuple[str, list[Line]]:
    """Non-blank lines with their offsets; markers dropped (noted on the next line); footnote calls joined."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise SourceError(path, f"not UTF-8 text ({e}); the file is corrupted") from None
    lines: list[Line] = []
    pending_deletion = False
    for m in re.finditer(r"[^\n]*", raw):
        text = m.group().strip()
        if not text:
            continue
        if MARKER.match(text):
            pending_deletion = pending_deletion or "—" in text
            continue
        line = Line(text, m.start(), m.end(), deletion=pending_deletion)
        pending_deletion = False
        # a footnote call: "…text (" / " 10" / " ), more text"
        if (len(lines) >= 2 and text.startswith(")") and re.fullmatch(r"\d{1,2}", lines[-1].text)
                and lines[-2].text.endswith("(")):
            number, before = lines.pop(), lines.pop()
            call = f"({number.text})"
            head, rest = before.text[:-1].rstrip(), text[1:].lstrip()
            if not head and rest[:1].isalnum():   # "(", "1", ") Commission Delegated…": a footnote's own text
                line = Line(f"{call} {rest}", before.start, m.end())
            else:
                if not head and lines:            # the "(" stood alone: the call belongs to the line before it
                    before = lines.pop()
                    head = before.text
                joined = f"{head} {call}" + ("" if rest[:1] in ",.;:)" else " ") + rest
                s = len(head) + 1
                line = Line(joined.strip(), before.start, m.end(), before.breaks + [[s, s + len(call)]],
                            before.deletion)
        lines.append(line)
    return raw, lines


class Builder:
    """Collects provisions for one source in document order."""

    def __init__(self, source: Source, file: Path, footnotes: dict[str, str] | None = None):
        self.source, self.file, self.footnotes = source, file, footnotes or {}
        self.out: list[Provision] = []

    def add(self, locator: str, kind: str, lines: list[Line], parent: str | None, title: str = "",
            data: dict | None = None, text: str | None = None) -> Provision:
        body, breaks = join(lines) if text is None else (text, [])
        data = dict(data or {})
        calls = re.findall(r"\((\d{1,2})\)", " ".join(body[s:e] for s, e in breaks))
        if calls:
            data["footnotes"] = {n: self.footnotes.get(n, "") for n in calls}
        if breaks:
            data["breaks"] = breaks
        flags = ("amended",) if any(l.deletion for l in lines[1:]) else ()
        origin = f"{self.file.name}@{lines[0].start}-{lines[-1].end}" if lines else self.file.name
        p = Provision(locator=locator, text=body, kind=kind, source=self.source.id, version=self.source.version,
                      valid_from=self.source.valid_from, parent=parent, title=title, flags=flags, origin=origin,
                      order=len(self.out), data=data)
        self.out.append(p)
        return p


def join(lines: list[Line]) -> tuple[str, list]:
    """Join lines with single spaces; carry each line's break spans (and a break where a deletion was) along."""
    parts, breaks, pos = [], [], 0
    for i, line in enumerate(lines):
        if i:
            pos += 1
        if line.deletion and i:
            breaks.append([pos - 1, pos - 1])
        breaks.extend([pos + s, pos + e] for s, e in line.breaks)
        parts.append(line.text)
        pos += len(line.text)
    return " ".join(parts), breaks


# --- points inside an article or a part ------------------------------------------------------------------------

LEVEL = {"paragraph": 1, "numpoint": 2, "letter": 3, "roman": 4}


def label_of(text: str) -> tuple[str, str, str] | None:
    """(type, label, inline text) for a numbering line: '1.', '1. Text', '(a)', '(iv)', '(12)'; else None."""
    m = re.fullmatch(r"(\d{1,2})\.(?:\s+(.*))?", text)
    if m:
        return "paragraph", m.group(1), m.group(2) or ""
    m = re.fullmatch(r"\((\d{1,2}|[a-z]{1,4})\)(?:\s+(.*))?", text)
    if m and (m.group(1).isdigit() or len(m.group(1)) == 1 or m.group(1) in ROMAN):
        kind = "numpoint" if m.group(1).isdigit() else "letter"
        return kind, m.group(1), m.group(2) or ""
    return None


@dataclass
class Block:
    type: str
    label: str
    locator: str
    first: int                     # index of its first line
    last: int = -1                 # index of its last line (inclusive)
    has_text: bool = False
    children: int = 0


def build_points(lines: list[Line], base: str, b: Builder, kinds: dict[str, str]) -> None:
    """Make provisions for the numbered paragraphs and points in `lines`, under the provision `base`.

    A point ends at the next label of its level or above, or at a plain sentence after its own text (that
    sentence is a subparagraph of the enclosing provision). A dash list belongs to the point it follows."""
    stack: list[Block] = []
    blocks: list[tuple[Block, str]] = []       # (block, parent locator) in document order
    after_dash = False
    for i, line in enumerate(lines):
        lab = label_of(line.text)
        if lab:
            typ, label, inline = lab
            if typ == "letter" and label in ROMAN:
                typ = _letter_or_roman(label, stack)
            level = LEVEL[typ]
            while stack and LEVEL[stack[-1].type] >= level:
                stack.pop()
            owner = stack[-1].locator if stack else base
            block = Block(typ, label, f"{owner}({label})", i, has_text=bool(inline))
            if stack:
                stack[-1].children += 1
            stack.append(block)
            blocks.append((block, stack[-2].locator if len(stack) > 1 else base))
            after_dash = False
        elif line.text == "—":
            after_dash = True
        else:
            if not after_dash:
                # a plain sentence after a finished leaf point belongs to the enclosing provision
                while stack and stack[-1].type != "paragraph" and stack[-1].has_text and not stack[-1].children:
                    stack.pop()
            if stack:
                stack[-1].has_text = True
            after_dash = False
        for blk in stack:
            blk.last = i
    for blk, owner in blocks:
        kind = kinds.get(blk.type, "point")
        b.add(blk.locator, kind, lines[blk.first:blk.last + 1], owner, title="")


def _letter_or_roman(label: str, stack: list[Block]) -> str:
    """'(i)' after '(h)' is a letter; inside a lettered point it starts roman numbering; '(v)' after '(iv)' is roman."""
    romans = [blk for blk in stack if blk.type == "roman"]
    if romans and ROMAN.index(romans[-1].label) + 1 < len(ROMAN) and ROMAN[ROMAN.index(romans[-1].label) + 1] == label:
        return "roman"
    letters = [blk for blk in stack if blk.type == "letter"]
    if letters:
        prev = letters[-1].label
        if len(prev) == 1 and chr(ord(prev) + 1) == label and not romans:
            return "letter"
        return "roman"
    return "letter"


# --- the two files of the consolidated text ----------------------------------------------------------------------

def parse_footnotes(lines: list[Line]) -> tuple[dict[str, str], int]:
    """The act's footnotes, the run of '(N) text' lines that ends the annexes file. Returns texts and first line."""
    first = len(lines)
    while first > 0 and re.match(r"^\(\d{1,2}\) \S", lines[first - 1].text):
        first -= 1
    notes = {}
    for line in lines[first:]:
        number, _, text = line.text.partition(" ")
        notes[number.strip("()")] = text
    return notes, first


def parse_articles(path: Path, source: Source, footnotes: dict[str, str]) -> list[Provision]:
    raw, lines = read_lines(path)
    b = Builder(source, Path(path), footnotes)
    starts = [i for i, l in enumerate(lines) if l.text == "CHAPTER I"]
    if not starts:
        raise SourceError(path, "no 'CHAPTER I' heading: not the consolidated text of Regulation (EU) 2021/821")
    chapter = ""
    article_lines: list[tuple[str, str, list[Line]]] = []     # (number, chapter, lines)
    i = starts[0]
    while i < len(lines):
        text = lines[i].text
        if re.fullmatch(r"CHAPTER [IVXL]+", text):
            chapter = f"{text} — {lines[i + 1].text}" if i + 1 < len(lines) else text
            i += 2
            continue
        m = re.fullmatch(r"Article (\d+)", text)
        if m:
            article_lines.append((m.group(1), chapter, [lines[i]]))
        elif article_lines:
            article_lines[-1][2].append(lines[i])
        i += 1
    numbers = [int(n) for n, _, _ in article_lines]
    if not numbers:
        raise SourceError(path, "no 'Article N' heading after CHAPTER I: the file is truncated")
    if numbers != list(range(1, len(numbers) + 1)):
        raise SourceError(path, f"articles are not numbered 1..n in order (found {numbers[:5]}…{numbers[-3:]})")
    for number, chap, alines in article_lines:
        base = f"Art. {number}"
        body = alines[1:]
        if not body:
            raise SourceError(path, f"Article {number} has no text; the file is truncated")
        b.add(base, "article", body, None, title=f"Article {number}", data={"chapter": chap})
        kinds = {"paragraph": "paragraph", "numpoint": "definition" if number == "2" else "point"}
        build_points(body, base, b, kinds)
    return b.out


def parse_annexes(path: Path, source: Source) -> tuple[list[Provision], dict[str, str]]:
    raw, lines = read_lines(path)
    footnotes, foot_start = parse_footnotes(lines)
    lines = lines[:foot_start]
    b = Builder(source, Path(path), footnotes)
    heads = [(i, l.text) for i, l in enumerate(lines) if re.fullmatch(r"ANNEX (II|III|IV|V|VI)", l.text)]
    found = [h for _, h in heads]
    if found != ["ANNEX II", "ANNEX III", "ANNEX IV", "ANNEX V", "ANNEX VI"]:
        raise SourceError(path, f"expected Annexes II to VI in order, found {found}: truncated or not this text")
    bounds = [i for i, _ in heads] + [len(lines)]
    for (start, head), end in zip(heads, bounds[1:]):
        numeral = head.split()[1]
        block = lines[start + 1:end]
        {"II": _annex_ii, "III": _annex_iii, "IV": _annex_iv}.get(numeral, _annex_whole)(numeral, block, b)
    return b.out, footnotes


def _annex_whole(numeral: str, block: list[Line], b: Builder) -> None:
    b.add(f"Annex {numeral}", "annex", block, None, title=f"ANNEX {numeral} — {block[0].text}")


def _annex_ii(numeral: str, block: list[Line], b: Builder) -> None:
    sections = [i for i, l in enumerate(block) if re.match(r"^[A-I]\.\s{2,}\S", l.text)]
    if len(sections) != 9:
        raise SourceError(b.file, f"Annex II should have Sections A to I, found {len(sections)}")
    b.add("Annex II", "annex", block[:sections[0]], None, title=f"ANNEX II — {block[0].text}")
    for s, e in zip(sections, sections[1:] + [len(block)]):
        section = block[s:e]
        letter = section[0].text[0]
        heading = re.sub(r"^[A-I]\.\s+", "", section[0].text)
        if letter == "I":
            codes = [_code(l.text) for l in section if _code(l.text)]
            b.add("Annex II Section I", "annex_part", section, "Annex II", title=f"I. {heading}",
                  data={"codes": codes, "all_annex_iv": any("all items specified in Annex IV" in l.text for l in section)})
            continue
        gea = next((re.search(r"No (EU00\d)", l.text).group(1) for l in section if re.search(r"No EU00\d$", l.text)), None)
        if not gea:
            raise SourceError(b.file, f"Annex II Section {letter} names no EU00x authorisation")
        locator = f"Annex II {gea}"
        b.add(locator, "gea", section, "Annex II", title=f"{gea} — {heading}", data={"gea": gea, "section": letter})
        parts = [i for i, l in enumerate(section) if re.match(r"^Part [123]\s*[–—-]", l.text)]
        if len(parts) != 3:
            raise SourceError(b.file, f"{gea} should have Parts 1 to 3, found {len(parts)}")
        for p, q in zip(parts, parts[1:] + [len(section)]):
            part = section[p:q]
            n = part[0].text.split()[1]
            data = {"gea": gea, "part": n}
            if n == "1":
                data.update(_gea_items(part))
            if n == "2":
                data.update(_gea_destinations(part))
            b.add(f"{locator} Part {n}", "gea_part", part, locator, title=f"{gea} {part[0].text}", data=data)


def _code(text: str) -> str | None:
    """The Annex I code a list line starts with: '1C003.b.,' -> '1C003.b'; '0C001 ‘Natural…' -> '0C001'."""
    m = re.match(r"^([0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*)\.?(?=[\s,.;:]|$)", text)
    return m.group(1) if m else None


def _gea_items(part: list[Line]) -> dict:
    """Part 1: which Annex I items the authorisation covers, and which it excludes. A code followed by a colon
    opens a numbered list ("1C350:" then " 1. Thiodiglycol…"): the items are then "1C350.1", "1C350.2", …"""
    text = " ".join(l.text for l in part)
    listed, numbered_list = [], None
    for l in part:
        m = re.fullmatch(r"([0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*)\.?:", l.text)
        if m:
            numbered_list = m.group(1)
            continue
        n = re.fullmatch(r"(\d{1,2})\.", l.text)
        if n and numbered_list:
            listed.append(f"{numbered_list}.{n.group(1)}")
            continue
        code = _code(l.text)
        if code:
            listed.append(code)
            numbered_list = None
    data: dict = {}
    if "all dual-use items specified in any entry in Annex I" in text or "all technology and software specified in Annex I" in text:
        data["covers"] = "all"
        data["excluded"] = listed + re.findall(r"items under ([0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*)", text)
        data["excluded_section_i"] = "Section I" in text
        sections = re.findall(r"Sections? ([DE])(?: and ([DE]))? of each [Cc]ategory", text)
        data["excluded_sections"] = sorted({x for pair in sections for x in pair if x})
        if "all technology and software" in text:
            data["only_sections"] = ["D", "E"]
            data["excluded"] = sorted(set(data["excluded"]) | set(re.findall(r"([0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*)", text)))
    else:
        data["covers"] = "listed"
        data["items"] = listed or sorted(set(re.findall(r"([0-9][A-E][0-9]{3}(?:\.[a-z0-9]+)*?)\.?(?=[\s,;:]|$)", text)))
    return data


def _gea_destinations(part: list[Line]) -> dict:
    """Part 2: the destinations as written (a list), or 'all destinations, excluding …' (EU008)."""
    text = " ".join(l.text for l in part)
    if "all destinations, excluding" in text:
        # the named destinations are the text of point (b): "(b)" on its own line, then the list
        listed = next((part[i + 1].text for i, l in enumerate(part[:-1]) if l.text == "(b)"), "")
        excluded = [c.strip().rstrip(";.") for c in listed.split(",") if c.strip()]
        return {"destinations_mode": "all_except", "excluded_destinations": excluded,
                "excludes_eu001_destinations": "Union general export authorisation No EU001" in text,
                "excludes_embargoed": "subject to an arms embargo" in text}
    names = []
    after_dash = False
    for l in part:
        if l.text == "—":
            after_dash = True
            continue
        if after_dash:
            names.append(re.sub(r"[,.;]$", "", l.text.split(" (without prejudice")[0]).strip())
        after_dash = False
    return {"destinations_mode": "listed", "destinations": names}


def _annex_iii(numeral: str, block: list[Line], b: Builder) -> None:
    sections = [i for i, l in enumerate(block) if re.match(r"^[A-C]\.\s{2,}\S", l.text)]
    b.add("Annex III", "annex", block, None, title=f"ANNEX III — {block[0].text}")
    for s, e in zip(sections, sections[1:] + [len(block)]):
        letter = block[s].text[0]
        b.add(f"Annex III Section {letter}", "annex_part", block[s:e], "Annex III", title=block[s].text)


def _annex_iv(numeral: str, block: list[Line], b: Builder) -> None:
    parts = [i for i, l in enumerate(block) if l.text in ("PART I", "PART II")]
    if len(parts) != 2:
        raise SourceError(b.file, f"Annex IV should have Parts I and II, found {len(parts)}")
    b.add("Annex IV", "annex", block[:parts[0]], None, title=f"ANNEX IV — {block[0].text}")
    for p, q, name in ((parts[0], parts[1], "I"), (parts[1], len(block), "II")):
        part = block[p:q]
        locator = f"Annex IV Part {name}"
        b.add(locator, "annex_part", part, "Annex IV", title=f"PART {name} {part[1].text}", data={"part": name})
        group = ""
        starts: list[tuple[int, str, str]] = []      # (line index, locator, group)
        for i, l in enumerate(part):
            if l.text.startswith("Items of"):
                group = l.text
            m = CODE_LINE.match(l.text)
            if m:
                starts.append((i, f"{locator} {m.group(1)}", group))
            elif l.text == "Exemptions:":
                starts.append((i, f"{locator} MTCR Exemptions", group))
            elif l.text.startswith("All Category 0 of Annex I is included in Annex IV"):
                starts.append((i, f"{locator} Category 0", group))
            elif l.text.startswith("Items of") and starts:
                starts.append((i, "", group))               # a group heading ends the previous entry
        for (i, loc, grp), (j, _, _) in zip(starts, starts[1:] + [(len(part), "", "")]):
            if not loc:
                continue
            lines = part[i:j]
            data = {"part": name, "group": grp}
            if loc.endswith("Category 0"):
                data["category0"] = _category0_rules(lines)
            elif CODE_LINE.match(lines[0].text):
                data["code"] = loc.rsplit(" ", 1)[1]
                data["scope"] = _scope(data["code"], lines[1:])
            b.add(loc, "list_entry", lines, locator, title=lines[0].text, data=data)


def _scope(code: str, lines: list[Line]) -> list[str]:
    """The sub-items an Annex IV entry covers, from the item labels in its own wording: "5D002.c. … 3. Equipment as
    follows: a. Equipment specified in 5A004.a." covers 5D002.c.3.a only. Labels after an "except" describe the
    exception, not the scope; a first label equal to the code's own last part is the code itself."""
    path = code.split(".")
    base = len(path)
    leaves: list[str] = []
    in_note_list = False
    for i, line in enumerate(lines):
        if line.text.startswith("except") or line.text.startswith("Exemptions"):
            break
        if line.text.startswith(("Note", "N.B.", "Technical Note")):
            # a Note that ends in a colon lists its own points ("1B226 includes separators: a. … b. …")
            following = lines[i + 1].text if i + 1 < len(lines) else ""
            in_note_list = following.endswith(":") or line.text.endswith(":") and len(line.text) > 15
            continue
        m = re.match(r"^([a-z]|\d{1,2})\.\s", line.text + " ")
        if not m or in_note_list:
            continue
        label = m.group(1)
        kind = label.isdigit()
        if len(path) == base and path[-1] == label:
            continue                                    # "9A105.a." then "a. Liquid propellant…": the code itself
        # item levels alternate letters and numbers: a label of the same type as a level already open is that
        # level's next item (a sibling or an uncle); otherwise it opens a level below
        same = [level for level in range(base, len(path)) if path[level].isdigit() == kind]
        if same:
            del path[same[-1] + 1:]
            path[-1] = label
        else:
            path.append(label)
        here = ".".join(path)
        leaves = [x for x in leaves if not here.startswith(x + ".")] + [here]
    return leaves or [code]


def _category0_rules(lines: list[Line]) -> dict[str, str]:
    """Part II's NSG block: 'All Category 0 … is included … subject to the following: 0C001: not included…'."""
    rules = {}
    for l in lines:
        m = re.match(r"^(0[A-E]\d{3})\b", l.text)
        if m:
            rules[m.group(1)] = l.text
    return rules


def parse_regulation_text(folder: Path, source: Source) -> list[Provision]:
    """Both files of the consolidated text: Articles 1-32, then Annexes II-VI (whose footnotes the Articles use)."""
    annexes, footnotes = parse_annexes(folder / source.file("annexes").name, source)
    articles = parse_articles(folder / source.file("articles").name, source, footnotes)
    out = articles + annexes
    return [p if p.order == i else _reorder(p, i) for i, p in enumerate(out)]


def _reorder(p: Provision, order: int) -> Provision:
    d = p.to_dict()
    d["order"] = order
    return Provision.from_dict(d)
