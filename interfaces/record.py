"""The determination record: what was decided about one item, on what facts and on which quoted provisions, as a
file to keep — Markdown, PDF (fpdf2) and JSON, all three built from the answer dict alone (`Answer.to_dict()`, plus
`question` when the caller has it), so the app, the CLI and an API give the same record.

    record_data(answer)      -> dict   (the JSON record: product, facts with provenance, checks with quotes and
                                         locators, outcome, ruled out, licensing route, sources, versions, date)
    record_markdown(answer)  -> str    (user and legal text escaped: nothing in it renders as a link or an image)
    record_pdf(answer)       -> bytes  (DejaVu Sans embedded, so quotes keep their ≥, µ, “ ” and ×)
    record_json(answer)      -> str

The Markdown and the PDF are drawn from one list of blocks (`blocks`), so they never say different things.
"""
from __future__ import annotations

import importlib.util
import json
from datetime import datetime, timezone
from pathlib import Path

from assistant.answer import NOTICE
from assistant.messages import t

from .markdown import answer_body, literal, plain

RECORD_VERSION = 1
STATUS_WORDS = {"listed": "Listed in Annex I", "not_listed": "Not listed in the entries checked",
                "needs_facts": "Needs facts to decide", "needs_expert": "An expert must decide"}
OUTCOME_WORDS = {"gea_available": "a Union general export authorisation can be used",
                 "individual_licence_required": "an individual or global export authorisation is needed",
                 "sanctions_review_required": "a sanctions review is needed before any export",
                 "not_an_export": "an intra-EU transfer, not an export", "needs_facts": "it depends on facts not given"}
RESULT_WORDS = {True: "met", False: "not met", None: "unknown"}
PANEL_WORDS = "case panel"   # the words of a fact the user set in the app's case panel: "case panel: Brazil"
SITUATION = (("activity", "Activity"), ("purpose", "Purpose"), ("origin", "Origin"), ("destination", "Destination"),
             ("transit_via", "Transit through"), ("onward", "Onward destination"), ("end_use", "End use"),
             ("end_user", "End user"), ("exporter_state", "Exporter established in"),
             ("gea", "Authorisation named"))


class RecordError(ValueError):
    """The record cannot be made (no determination in the answer, no Unicode font for the PDF)."""


# --- the record as data ------------------------------------------------------------------------------------------

def record_data(answer: dict, now: datetime | None = None) -> dict:
    """The record of the answer's determination. RecordError when the answer has none (a question not about an
    item)."""
    det = answer.get("determination")
    if not det:
        raise RecordError("This answer has no determination (it is not about an item), so there is no record to make.")
    case = answer.get("case") or {}
    item = next((i for i in case.get("items", []) if i.get("id") == case.get("current_item")), None) or {}
    checks = [{"entry": e["locator"], "entry_met": e.get("met"), **c}
              for e in det.get("entries", []) for c in e.get("checks", [])]
    return {
        "record": "determination", "record_version": RECORD_VERSION,
        "created": (now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
        "question": answer.get("question"),
        "product": {"description": (det.get("item") or {}).get("description"),
                    "code": (det.get("item") or {}).get("code"),
                    "facts": {k: item[k] for k in ("description", "code") if item.get(k)},
                    "figures": item.get("figures", []), "flags": item.get("facts", {})},
        "situation": {name: case.get(name) for name, _ in SITUATION if case.get(name)},
        "outcome": {"status": det.get("status"), "deciding": det.get("deciding")},
        "entries": [{"locator": e["locator"], "met": e.get("met")} for e in det.get("entries", [])],
        "checks": checks,
        "ruled_out": det.get("ruled_out", []),
        "questions": det.get("questions", []),
        "licensing": det.get("licensing"),
        "sources": answer.get("citations", []),
        "answer": answer.get("text", ""),
        "corpus_version": answer.get("corpus_version", ""),
        "fingerprint": answer.get("fingerprint"),
        "settings_hash": answer.get("settings_hash", ""),
        "disclaimer": NOTICE,
    }


def record_json(answer: dict, now: datetime | None = None) -> str:
    return json.dumps(record_data(answer, now), ensure_ascii=False, indent=2)


# --- one list of blocks for Markdown and PDF ----------------------------------------------------------------------

def fact_text(fact: dict | None) -> str:
    """A case fact as 'value (turn N: “words”)'."""
    if not fact:
        return "not stated"
    return f"{value_text(fact.get('value'))}{provenance(fact)}"


def value_text(value) -> str:
    if isinstance(value, dict) and "name" in value:
        return value["name"] + (f" ({value['iso2']})" if value.get("iso2") else "")
    if isinstance(value, dict) and "parameter" in value:           # a figure whose value carries its parts
        return figure_text(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value).replace("_", " ") if value is not None else "—"


def provenance(fact: dict, lang: str = "en") -> str:
    """' (turn 2: “to Brazil”)', or ' (edited in the case panel after turn 2)' for a fact the user set there; the
    frame in `lang` (the app's page), the user's words as they were."""
    words, turn = fact.get("words"), fact.get("turn")
    if words is None and turn is None:
        return ""
    if str(words or "").startswith(PANEL_WORDS + ":"):
        return " (" + (t("edited in the case panel after turn {turn}", lang, turn=turn) if turn else
                       t("edited in the case panel", lang)) + ")"
    return " (" + (t("turn {turn}: “{words}”", lang, turn=turn, words=words) if words else
                   t("turn {turn}", lang, turn=turn)) + ")"


def number(v) -> str:
    """A figure's number as written back to the user: 2.5, 12, 1e-09 (no trailing zeros, no float noise)."""
    return f"{v:.12g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def figure_text(f: dict) -> str:
    """'sample rate 2.5 GSPS' of a figure {"parameter","value","unit"} (or its value dict)."""
    inner = f.get("value") if isinstance(f.get("value"), dict) else f
    parts = (inner.get("parameter") or "figure", number(inner.get("value")), inner.get("unit") or "")
    return " ".join(p for p in parts if p)


def blocks(data: dict) -> list[tuple]:
    """The record as blocks: ("title"|"heading"|"para"|"bullet"|"quote"|"note", text) or ("field", label, text)."""
    out: list[tuple] = [("title", "Determination record"),
                        ("field", "Date", data["created"]),
                        ("field", "Corpus", data["corpus_version"] or "—")]
    if data.get("fingerprint"):
        out.append(("field", "Fingerprint", data["fingerprint"]))
    if data.get("settings_hash"):
        out.append(("field", "Settings", data["settings_hash"]))
    if data.get("question"):
        out.append(("field", "Question", data["question"]))

    product = data["product"]
    out += [("heading", "Product"),
            ("field", "Description", fact_text(product["facts"].get("description")) if product["facts"].get(
                "description") else product.get("description") or "not stated"),
            ("field", "Annex I code given", fact_text(product["facts"].get("code")) if product["facts"].get("code")
             else "none")]
    if product["figures"]:
        out.append(("para", "Figures stated:"))
        out += [("bullet", figure_text(f) + provenance(f)) for f in product["figures"]]
    for name, fact in (product.get("flags") or {}).items():
        out.append(("bullet", f"{name.replace('_', ' ')}: {fact_text(fact)}"))

    out.append(("heading", "Situation"))
    situation = data["situation"]
    for name, label in SITUATION:
        if name in situation:
            out.append(("field", label, fact_text(situation[name])))
    if "purpose" not in situation:
        out.append(("field", "Purpose", "not stated: an ordinary sale is assumed"))

    outcome = data["outcome"]
    out += [("heading", "Outcome"),
            ("field", "Classification", STATUS_WORDS.get(outcome["status"], str(outcome["status"]))
             + (f" — {outcome['deciding']}" if outcome.get("deciding") else ""))]
    licensing = data.get("licensing")
    if licensing:
        out.append(("field", "Licensing", OUTCOME_WORDS.get(licensing.get("outcome"), str(licensing.get("outcome")))
                    + (f": {', '.join(licensing['gea'])}" if licensing.get("gea") else "")))

    out.append(("heading", "Checks"))
    if not data["checks"]:
        out.append(("para", "No criterion was checked against stated figures: "
                    + ("the code was given by the user." if product.get("code") else "no figures decided it.")))
    for entry in data["entries"]:
        out.append(("para", f"{entry['locator']}: {RESULT_WORDS[entry['met']]}"))
        for c in (c for c in data["checks"] if c["entry"] == entry["locator"]):
            out.append(("bullet", f"{c['parameter']}: the law requires {c['required']}; given "
                        f"{c['given'] if c.get('given') else 'nothing'} → {RESULT_WORDS.get(c['result'], 'unknown')}"
                        f" ({c['locator']})"))
            out.append(("quote", c["quote"]))

    if data["ruled_out"]:
        out.append(("heading", "Entries ruled out"))
        out += [("bullet", f"{r['locator']}: {r['why']}") for r in data["ruled_out"]]

    if data["questions"]:
        out.append(("heading", "Open questions"))
        out += [("bullet", q.get("text") or q.get("parameter", "")) for q in data["questions"]]

    if licensing:
        dest = (licensing.get("destination") or {}).get("name", "the destination")
        out += [("heading", f"Licensing route: {dest}, {str(licensing.get('purpose') or 'sale').replace('_', ' ')}"),
                ("para", f"Outcome: {OUTCOME_WORDS.get(licensing.get('outcome'), licensing.get('outcome'))}.")]
        out += [("bullet", f"{g['gea']}: {'can be used' if g.get('available') else 'cannot be used'} — {g['why']}")
                for g in licensing.get("geas", [])]
        out += [("bullet", f"Another purpose would open {p['gea']}: {p['purpose'].replace('_', ' ')}")
                for p in licensing.get("other_purposes", [])]

    if data["sources"]:
        out.append(("heading", "Sources (quoted verbatim)"))
        for c in data["sources"]:
            out.append(("para", f"[{c['n']}] {c['locator']} — {c['source']}, version {c['version']} — {c['url']}"))
            out.append(("quote", c["quote"]))
    out += [("heading", "The answer given")] + [("para", plain(p)) for p in answer_body(data["answer"])]
    out.append(("note", data["disclaimer"]))
    return out


# --- Markdown -----------------------------------------------------------------------------------------------------

def record_markdown(answer: dict, now: datetime | None = None) -> str:
    lines = []
    for block in blocks(record_data(answer, now)):
        kind, text = block[0], literal(block[-1])
        lines.append({"title": f"# {text}\n", "heading": f"\n## {text}\n", "para": f"\n{text}\n",
                      "bullet": f"- {text}", "quote": f"\n> “{text}”\n", "note": f"\n---\n\n*{text}*",
                      "field": f"**{literal(block[1])}:** {text}  "}[kind])
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


# --- PDF ----------------------------------------------------------------------------------------------------------

def font_files() -> dict[str, Path] | None:
    """DejaVu Sans (regular, bold, oblique): the copy matplotlib ships (a dependency), else Debian's
    fonts-dejavu-core. None when neither is there."""
    spec = importlib.util.find_spec("matplotlib")
    folders = [Path(p) / "mpl-data" / "fonts" / "ttf" for p in (spec.submodule_search_locations or [])] if spec else []
    folders.append(Path("/usr/share/fonts/truetype/dejavu"))
    for folder in folders:
        files = {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf",
                 "I": folder / "DejaVuSans-Oblique.ttf"}
        if all(p.is_file() for p in files.values()):
            return files
    return None


def record_pdf(answer: dict, now: datetime | None = None) -> bytes:
    from fpdf import FPDF

    fonts = font_files()
    if fonts is None:
        raise RecordError("No Unicode font for the PDF record: install matplotlib (a project dependency) or "
                          "fonts-dejavu-core.")
    data = record_data(answer, now)
    pdf = FPDF(format="A4")
    pdf.set_title("Determination record")
    pdf.set_creator("EU dual-use assistant")
    for style, path in fonts.items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, 16)
    pdf.add_page()
    width = pdf.epw

    def write(text: str, size: float = 10, style: str = "", indent: float = 0, gap: float = 1.2) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    for block in blocks(data):
        kind, text = block[0], block[-1]
        if kind == "title":
            write(text, 16, "B", gap=3)
        elif kind == "heading":
            pdf.ln(2)
            write(text, 12.5, "B", gap=1.5)
        elif kind == "field":                       # the label in bold, the value after it on the same line
            pdf.set_x(pdf.l_margin)
            pdf.set_font("DejaVu", "B", 10)
            pdf.write(5, f"{block[1]}: ")
            pdf.set_font("DejaVu", "", 10)
            pdf.write(5, text)
            pdf.ln(6.2)
        elif kind == "bullet":
            write(f"• {text}", indent=3)
        elif kind == "quote":
            write(f"“{text}”", 9.5, "I", indent=8, gap=2)
        elif kind == "note":
            pdf.ln(3)
            write(text, 9, "I")
        else:
            write(text)
    return bytes(pdf.output())
