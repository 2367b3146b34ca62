"""What the Streamlit app shows, with its labels in the page's language (`tr`; the language switch of the sidebar,
else the browser's language, `ui_lang`): text helpers (badge, helpdesk draft, transcripts), the answer with its
status line, sources, determination, checks and trace ("Why this answer"), the questions form, the case panel, and
renderers for tool results, Annex I entries and destination checks. No retrieval here: every renderer gets results
already computed.

Everything a user typed and everything the official texts say goes through `md` (interfaces/markdown.py), so it
shows as text: no link, image, HTML or formatting comes from either."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone

import streamlit as st

from assistant.answer import NOTICE, Answer, Citation, ToolCall
from assistant.drafting import CATEGORY_NAMES  # noqa: F401 (the app names categories through this module)
from assistant.messages import pick_language, question_text, t, version_label
from ingest.quantities import UNIT_SPELLINGS
from law.codes import normalize_code
from law.countries import resolve_country, suggest_countries

from .markdown import answer_body, answer_markdown, literal, plain
from .record import (PANEL_WORDS, RESULT_WORDS, SITUATION, STATUS_WORDS, fact_text, figure_text,  # noqa: F401
                     number, provenance, value_text)

md = literal
LANG_KEY = "ui_lang"        # session state: the language chosen with the sidebar's switch


def browser_language(locale: str | None, accept: str | None) -> str:
    """The app's default language: the browser's own (st.context.locale, navigator.language), then the languages of
    its Accept-Language header, the first with a catalogue; English when none has one."""
    return pick_language(",".join(p for p in (locale, accept) if p))


def ui_lang() -> str:
    """The language of the app's labels: the one chosen in the sidebar, else the browser's."""
    return st.session_state.get(LANG_KEY) or browser_language(st.context.locale,
                                                               st.context.headers.get("Accept-Language"))


def tr(msgid: str, **values) -> str:
    """One of the app's labels in the page's language (English when the catalogue has no translation)."""
    return t(msgid, ui_lang(), **values)


def joined(parts: list[str]) -> str:
    """'1', '1 and 2', '1, 2 and 3' in the page's language."""
    return tr("{first} and {last}", first=", ".join(parts[:-1]), last=parts[-1]) if len(parts) > 1 else "".join(parts)


GROUP_NAMES = {"A": "Systems, equipment and components", "B": "Test, inspection and production equipment",
               "C": "Materials", "D": "Software", "E": "Technology"}
OUTCOMES = {  # check_destination / licensing outcome -> (Streamlit alert, headline)
    "gea_available": ("success", "A Union general export authorisation can be used"),
    "needs_facts": ("info", "It depends on the sub-item"),
    "individual_licence_required": ("warning", "An individual or global export authorisation is needed"),
    "sanctions_review_required": ("error", "Sanctions review needed before any export"),
    "not_an_export": ("info", "Intra-EU transfer, not an export"),
}
RESULT_ICONS = {True: "✅ met", False: "❌ not met", None: "❔ unknown"}
CHANGE_BADGES = {"changed": ("orange", "changed since the 2023 version"),
                 "added": ("violet", "new since the 2023 version"),
                 "removed": ("red", "removed since the 2023 version"),
                 "unchanged": ("gray", "unchanged since 2023")}
PURPOSES = {"sale": "Sale (ordinary export)", "repair": "Export after repair or replacement",
            "exhibition": "Exhibition or fair (temporary)", "intra_group": "Intra-group (software, technology)"}
ACTIVITIES = {"export": "Export", "brokering": "Brokering", "transit": "Transit",
              "technical_assistance": "Technical assistance", "transfer": "Transfer within the EU"}
OTHER_FACTS = tuple((n, label) for n, label in SITUATION if n not in ("activity", "purpose", "destination"))
SHOWN_SOURCES = 3            # sources shown under an answer; the rest are collapsed
LONG_NOTE = 400              # a note longer than this is split per numbered note


# --- text -------------------------------------------------------------------------------------------------------

def badge_text(corpus_version: str, lang: str = "en") -> str:
    """'Annex I consolidated 2025-11-15; Articles … 2023-05-26' -> the same joined with ' · ', each label in `lang`."""
    return " · ".join(version_label(part.strip(), lang) for part in corpus_version.split(";") if part.strip())


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def tool_label(t: ToolCall) -> str:
    """'check_destination(2B001, Canada, sale)' as plain text (its arguments are the user's words: `md` it)."""
    return f"{t.name}(" + ", ".join(str(v) for v in t.args.values()) + ")"


def split_numbered(text: str, min_length: int = LONG_NOTE) -> list[str]:
    """A long note split before each of its numbered notes "1. ", "2. ", … (taken in sequence, so "5A002.a." or a
    "1." inside note 2 does not split it); a short text, or one with fewer than two numbered notes, stays whole."""
    if len(text) < min_length:
        return [text]
    parts, start, expect = [], 0, 1
    for m in re.finditer(r"(?:^|(?<=\s))(\d{1,2})\.\s+(?=[A-Z'‘\"“(])", text):
        if int(m.group(1)) != expect:
            continue
        parts.append(text[start:m.start()].strip())
        start, expect = m.start(), expect + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p] if expect > 2 else [text]


def note_markdown(text: str) -> str:
    """Official text as Markdown paragraphs, a long note one paragraph per numbered note."""
    return "\n\n".join(md(p) for p in split_numbered(text))


def quote_markdown(text: str) -> str:
    """A verbatim quote as a block quote in curly quotes, a long note one paragraph per numbered note."""
    return "> “" + "\n>\n> ".join(md(p) for p in split_numbered(text)) + "”"


def table_markdown(rows: list[dict]) -> str:
    """Rows (dicts with the same keys) as a Markdown table, every cell shown as text (a "|" in it escaped)."""
    def cell(v) -> str:
        return md("—" if v is None else str(v)).replace("\n", " ")
    columns = list(rows[0])
    return "\n".join(["| " + " | ".join(cell(c) for c in columns) + " |", "|" + " --- |" * len(columns)]
                     + ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in rows])


def table(rows: list[dict]) -> None:
    """Rows as a table that wraps its text to the page (Markdown: light to draw, nothing in it a link)."""
    if rows:
        st.markdown(table_markdown(rows))


# --- helpdesk draft and transcripts ---------------------------------------------------------------------------------

def draft_reply(answer: Answer) -> str:
    """A helpdesk reply to edit before sending: greeting, the answer without the assistant's internal lines (its
    caveats about the conversation, the search or the LLM; the trace), numbered sources with their quotes, links and
    warnings, the corpus version and the disclaimer."""
    lines = ["Dear colleague,", "", "Thank you for your question:", f"“{answer.question}”", "",
             plain("\n\n".join(answer_body(answer.text, answer.caveats))), ""]
    if answer.citations:
        lines.append("Sources (quoted verbatim from the official texts):")
        for c in answer.citations:
            lines += [f"[{c.n}] {c.locator} ({c.source}, version {c.version})", f"    “{c.quote}”", f"    {c.url}"]
            lines += [f"    Note: {w}" for w in c.warnings]
        lines.append("")
    lines += [f"Corpus version: {answer.corpus_version}", "", NOTICE, "",
              "Kind regards,", "", "Export-control helpdesk"]
    return "\n".join(lines)


def _turns(messages: list[dict]) -> list[dict]:
    return [m for m in messages if m["role"] == "assistant" and "answer" in m]


def answer_dict(answer: Answer) -> dict:
    """The answer as the record and the transcript keep it: its dict with the question."""
    return {"question": answer.question, **answer.to_dict()}


def transcript_markdown(messages: list[dict], corpus_version: str) -> str:
    out = ["# EU dual-use assistant — transcript", "",
           f"Exported {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · corpus: {md(corpus_version)}", ""]
    for i, m in enumerate(_turns(messages), 1):
        a = m["answer"]
        out += [f"## {i}. {md(a.question)}", "", answer_markdown(a.text), ""]
        out += [f"{c.n}. **{md(c.locator)}** ({md(c.version)}) — “{md(c.quote)}” {c.url}" for c in a.citations]
        out.append("")
    return "\n".join(out)


def transcript_json(messages: list[dict], corpus_version: str) -> str:
    turns = [{"answer_id": m["id"], **answer_dict(m["answer"])} for m in _turns(messages)]
    return json.dumps({"corpus_version": corpus_version, "exported": datetime.now(timezone.utc).isoformat(
        timespec="seconds"), "turns": turns}, ensure_ascii=False, indent=2)


# --- the answer -------------------------------------------------------------------------------------------------

def checked(cits: list[Citation]) -> tuple[list[Citation], list[Citation]]:
    """(citations checked against the official files, citations of documents without a pinned checksum)."""
    return [c for c in cits if "unverified" not in c.flags], [c for c in cits if "unverified" in c.flags]


def status_lines(answer: Answer, lang: str = "en") -> tuple[list[str], str]:
    """The lines of the chat's status box (tools run, citations checked) and its closing label, in `lang`."""
    official, unverified = checked(answer.citations)
    lines = [f"🔧 {md(tool_label(call))}" for call in answer.tools]
    n = len(official)
    lines.append("📄 " + t("{n} citation checked verbatim against the official files" if n == 1 else
                           "{n} citations checked verbatim against the official files", lang, n=n)
                 + (t("; {n} not verified (no pinned checksum)", lang, n=len(unverified)) if unverified else ""))
    head = t("Out of scope in {seconds} s" if answer.abstained else "Answered in {seconds} s", lang,
             seconds=f"{answer.seconds:.2f}")
    label = head + " · " + t("{n} source checked against the official files" if n == 1 else
                             "{n} sources checked against the official files", lang, n=n)
    return lines, label


def source_line(n: int, locator: str, source: str, version: str, url: str, lang: str = "en") -> str:
    """'**[n] locator** · `source` · version V · [official text](url)' as safe Markdown, the words in `lang`."""
    link = f" · [{t('official text', lang)}]({url})" if url.startswith("https://") else ""
    return f"**[{n}] {md(locator)}** · `{md(source)}` · {t('version {version}', lang, version=md(version))}{link}"


def citation_markdown(c: Citation, lang: str = "en", answer_lang: str = "en") -> str:
    """One cited passage: [n] locator · source · version · link (in `lang`, the page's), the verbatim quote, any
    warning about the copy (in `answer_lang`, the answer's, as the answer's own text gives it)."""
    return "\n\n".join([source_line(c.n, c.locator, c.source, c.version, c.url, lang), quote_markdown(c.quote)]
                        + [f":gray[⚠️ {md(t(w, answer_lang))}]" for w in c.warnings])


def citations(cits: list[Citation], answer_lang: str = "en") -> None:
    """The cited passages under an answer: the first few shown, the rest collapsed (each group one element, so a
    long conversation stays light to draw)."""
    if not cits:
        return
    lang = ui_lang()
    heading = t("Sources · {n} passage quoted verbatim" if len(cits) == 1 else "Sources · {n} passages quoted verbatim",
                lang, n=len(cits))
    st.markdown("\n\n".join([f"**{heading}**"] + [citation_markdown(c, lang, answer_lang) for c in cits[:SHOWN_SOURCES]]))
    if len(cits) > SHOWN_SOURCES:
        rest = len(cits) - SHOWN_SOURCES
        more = t("{n} more source" if rest == 1 else "{n} more sources", lang, n=rest)
        with st.expander(f"{more} ([{SHOWN_SOURCES + 1}]–[{len(cits)}])"):
            st.markdown("\n\n".join(citation_markdown(c, lang, answer_lang) for c in cits[SHOWN_SOURCES:]))


def sources_line(cits: list[Citation], lang: str = "en") -> str:
    """'Sources: [1] Art. 3(1); [2] Annex II EU001 Part 2' (a compact answer's sources), as safe Markdown."""
    return md(t("Sources", lang) + ": " + "; ".join(f"[{c.n}] {c.locator}" for c in cits)) if cits else ""


def check_rows(det: dict, lang: str = "en") -> list[dict]:
    """The determination's checks, one row each: entry, parameter, what the law requires, what the user said, the
    result, and the quote with its locator (the column names and our words in `lang`; the law's words as they are)."""
    def result(value) -> str:
        icon, words = RESULT_ICONS.get(value, RESULT_ICONS[None]).split(" ", 1)
        return f"{icon} {t(words, lang)}"
    return [{t("Entry", lang): e["locator"].removeprefix("Annex I "), t("Parameter", lang): c["parameter"],
             t("The law requires", lang): c["required"], t("You said", lang): c.get("given") or t("not stated", lang),
             t("Result", lang): result(c["result"]), t("Quote", lang): f"“{c['quote']}” ({c['locator']})"}
            for e in det.get("entries", []) for c in e.get("checks", [])]


def determination(det: dict | None) -> None:
    """The item's determination under the answer: the classification outcome, the checks as a table, the entries
    ruled out, and the licensing outcome."""
    if not det:
        return
    lang = ui_lang()
    status = det.get("status")
    head = tr(STATUS_WORDS.get(status, str(status))) + (f": {det['deciding']}" if det.get("deciding") else "")
    item = det.get("item") or {}
    what = item.get("code") or item.get("description")
    title = tr("Determination for {item}", item=md(str(what))) if what else tr("Determination for the item")
    with st.container(border=True):
        st.markdown(f"**{title}** · :{_colour(status)}-badge[{md(head)}]")
        rows = check_rows(det, lang)
        if rows:
            table(rows)
        else:
            entries = ", ".join(f"{e['locator'].removeprefix('Annex I ')} ({tr(RESULT_WORDS[e.get('met')])})"
                                for e in det.get("entries", []))
            st.caption(md(tr("No criterion checked against stated figures. Entries considered: {entries}.",
                             entries=entries or tr("none"))))
        if det.get("ruled_out"):
            st.markdown(f"**{tr('Ruled out:')}** " + "; ".join(f"{md(r['locator'])}: {md(r['why'])}"
                                                               for r in det["ruled_out"]))
        lic = det.get("licensing")
        if lic:
            kind, headline = OUTCOMES.get(lic.get("outcome"), ("info", str(lic.get("outcome"))))
            dest = (lic.get("destination") or {}).get("name", "")
            purpose = tr(PURPOSES.get(lic.get("purpose"), str(lic.get("purpose"))))
            getattr(st, kind)(f"**{tr('Licensing, {destination}, {purpose}:', destination=md(dest), purpose=md(purpose))}"
                              f"** {md(tr(headline))}" + (f" — {md(', '.join(lic['gea']))}" if lic.get("gea") else "")
                              + ".")


def _colour(status: str | None) -> str:
    return {"listed": "orange", "not_listed": "green", "needs_facts": "blue", "needs_expert": "red"}.get(status, "gray")


def why_this_answer(answer: Answer) -> None:
    """The trace: the case facts with the turn and words they came from, the rules that fired, the determinations and
    what was ruled out."""
    trace = answer.trace or {}
    if not trace:
        return
    parts = []
    facts = trace.get("facts", [])
    if facts:
        parts.append(f"**{tr('Facts of the case, and where each came from')}**\n\n" + "\n".join(
            f"- {md(f['fact'].replace('_', ' '))}: {md(fact_text({'value': f['value']}))} — "
            f"{md(provenance(f, ui_lang()).strip(' ()') or tr('not said'))}" for f in facts))
    if trace.get("rules"):
        parts.append(f"**{tr('Rules that fired:')}** " + " → ".join(md(r) for r in trace["rules"]))
    findings = trace.get("findings", [])
    if findings or answer.determination:
        shown = [f"{f['kind']}" + (f": {f['outcome']}" if f.get("outcome") else "") for f in findings]
        if answer.determination:
            shown.insert(0, f"classification: {answer.determination.get('status')}")
        parts.append(f"**{tr('Determinations:')}** " + "; ".join(md(s.replace("_", " ")) for s in shown))
    ruled = (answer.determination or {}).get("ruled_out", []) + trace.get("ruled_out", [])
    if ruled:
        parts.append(f"**{tr('Ruled out')}**\n\n" + "\n".join(
            f"- {md(r.get('locator') or r.get('gea') or '')}: {md(r['why'])}" for r in ruled))
    with st.expander("🧭 " + tr("Why this answer")):
        st.markdown("\n\n".join(parts))


# --- questions back: a small form whose answers become the next turn -------------------------------------------------

@dataclass(frozen=True)
class Field:
    kind: str              # number | yesno | text
    label: str
    parameter: str
    units: tuple[str, ...] = ()
    help: str = ""


_PREFIX = re.compile(r"^(femto|pico|nano|micro|milli|centi|kilo|mega|giga|tera)")


def unit_choices(label: str | None) -> tuple[str, ...]:
    """The units a figure may be given in: the question's unit first, then its scaled forms ("MSPS" -> MSPS, SPS,
    kSPS, GSPS)."""
    expr = UNIT_SPELLINGS.get(label or "")
    if expr is None:
        return (label,) if label else ()
    base, seen = _PREFIX.sub("", expr), {}
    for spelling, e in UNIT_SPELLINGS.items():
        if " " not in spelling and e not in seen.values() and _PREFIX.sub("", e) == base:
            seen[spelling] = e
    return (label,) + tuple(s for s in seen if s != label and seen[s] != expr)


def form_fields(questions: list[dict], lang: str = "en") -> list[Field]:
    """A field per question: a number with its unit for a threshold, yes/no for a described condition, text for the
    rest (which entry, which sub-item). Each question in `lang` (the answer's), as the answer's text asks it."""
    out = []
    for q in questions:
        text = question_text(q, lang) if q.get("text") else q.get("parameter", "")
        helptext = f"{q['locator']}: “{q['quote']}”" if q.get("quote") and q.get("locator") else ""
        if q.get("unit") or q.get("threshold"):
            out.append(Field("number", text, q["parameter"], unit_choices(q.get("unit")), helptext))
        elif q.get("quote"):
            out.append(Field("yesno", text, q["parameter"], (), helptext))
        else:
            out.append(Field("text", text, q.get("parameter", ""), (), helptext))
    return out


DONT_KNOW = "don't know"


def next_turn(fields: list[Field], values: list[tuple]) -> str:
    """The form's answers as the user's next turn in plain words: "sample rate 2.5 GSPS; resolution don't know".
    `values`: per field (value, unit, don't know). Fields left empty are left out."""
    parts = []
    for f, (value, unit, unknown) in zip(fields, values):
        if unknown:
            parts.append(f"{f.parameter} {DONT_KNOW}")
        elif f.kind == "number" and value is not None:
            parts.append(f"{f.parameter} {number(value)}" + (f" {unit}" if unit else ""))
        elif f.kind == "yesno" and value in ("yes", "no"):
            parts.append(f"{f.parameter}: {value}")
        elif f.kind == "text" and str(value or "").strip():
            parts.append(str(value).strip())
    return "; ".join(parts)


def questions_form(questions: list[dict], key: str, on_submit, answer_lang: str = "en") -> None:
    """The questions an answer asks (in the answer's language), as a form; `on_submit(text)` gets the next turn."""
    fields = form_fields(questions, answer_lang)
    if not fields:
        return

    def submit() -> None:
        state = st.session_state
        values = [(state.get(f"{key}-{i}-v"), state.get(f"{key}-{i}-u"), state.get(f"{key}-{i}-dk", False))
                  for i in range(len(fields))]
        text = next_turn(fields, values)
        if text:
            on_submit(text)

    with st.form(key, border=True):
        st.markdown(f"**{tr('The facts that decide it')}**")
        for i, f in enumerate(fields):
            if f.kind == "number":
                left, mid, right = st.columns([3, 1.3, 1.2], vertical_alignment="bottom")
                left.number_input(md(f.label), value=None, key=f"{key}-{i}-v", format="%g", help=md(f.help) or None)
                if f.units:
                    mid.selectbox(tr("Unit"), f.units, key=f"{key}-{i}-u")
                right.checkbox(tr("Don't know"), key=f"{key}-{i}-dk")
            elif f.kind == "yesno":
                left, right = st.columns([4.3, 1.2], vertical_alignment="bottom")
                left.radio(md(f.label), ["yes", "no"], index=None, horizontal=True, key=f"{key}-{i}-v",
                           format_func=lambda v, lang=ui_lang(): t(v, lang), help=md(f.help) or None)
                right.checkbox(tr("Don't know"), key=f"{key}-{i}-dk")
            else:
                st.text_input(md(f.label), key=f"{key}-{i}-v", help=md(f.help) or None)
        st.form_submit_button(tr("Answer these"), icon="↩️", on_click=submit)


# --- the case panel: pure edits of the case dict -----------------------------------------------------------------

SITUATION_FIELDS = ("activity", "purpose", "origin", "destination", "transit_via", "onward", "end_use", "end_user",
                    "exporter_state", "gea")


def empty_case() -> dict:
    return {"items": [], "current_item": None, **{name: None for name in SITUATION_FIELDS}, "turns": 0,
            "rules": [], "ask": None, "language": "en"}


def current_item(case: dict | None) -> dict | None:
    if not case:
        return None
    return next((i for i in case.get("items", []) if i.get("id") == case.get("current_item")), None)


def came_from(fact: dict, lang: str = "en") -> str:
    """'from turn 1: “Canada”', or 'edited in the case panel after turn 1' (the case panel's captions), in `lang`."""
    where = provenance(fact, lang).strip(" ()")
    return where if str(fact.get("words") or "").startswith(PANEL_WORDS + ":") else t("from {where}", lang, where=where)


def shown_value(fact: dict | None) -> str:
    """A fact's value as the case panel shows it in a text field ("Brazil (BR)", "2B001")."""
    return fact_text(fact).split(" (turn")[0].split(" (edited")[0] if fact else ""


def item_label(item: dict) -> str:
    return shown_value(item.get("code") or item.get("description")) or f"item {item['id']}"


def _fact(case: dict, value, typed: str) -> dict:
    return {"value": value, "words": f"{PANEL_WORDS}: {typed}", "turn": case.get("turns", 0)}


class EditError(ValueError):
    """An edit the case cannot take (a country or an Annex I code not recognised); the message says what to give."""


def with_situation(case: dict | None, name: str, typed: str | None) -> dict:
    """The case with a situation fact set from the panel (None or "" clears it). A destination or origin is read as
    a country (name or ISO code); an activity or purpose is one of ACTIVITIES / PURPOSES."""
    case = json.loads(json.dumps(case)) if case else empty_case()
    typed = (typed or "").strip()
    if not typed:
        case[name] = None
        return case
    if name in ("destination", "origin", "transit_via", "onward", "exporter_state"):
        country = resolve_country(typed)
        if country is None:
            near = ", ".join(c.name for c in suggest_countries(typed))
            raise EditError(f"{typed!r} is not a country or territory I know." + (f" Did you mean {near}?" if near
                                                                                  else " Give its name or ISO code."))
        case[name] = _fact(case, {"name": country.name, "iso2": country.iso2}, typed)
    else:
        case[name] = _fact(case, typed, typed)
    return case


def with_item(case: dict | None, name: str, typed: str | None) -> dict:
    """The case with the current item's description or Annex I code set from the panel; with no current item, a new
    item is opened for it."""
    case = json.loads(json.dumps(case)) if case else empty_case()
    typed = (typed or "").strip()
    value = typed
    if name == "code" and typed:
        value = normalize_code(typed)
        if value is None:
            raise EditError(f"{typed!r} is not an Annex I code (e.g. 3A001 or 3A001.a.5.a).")
    item = current_item(case)
    if item is None:
        if not typed:
            return case
        item = {"id": max((i["id"] for i in case["items"]), default=0) + 1, "turn": case.get("turns", 0),
                "description": None, "code": None, "entries": None, "figures": [], "facts": {}}
        case["items"].append(item)
        case["current_item"] = item["id"]
    item[name] = _fact(case, value, typed) if typed else None
    return case


def with_new_item(case: dict | None) -> dict:
    """The case ready for another product: the current item becomes history, and (as when a turn says it is about a
    different product) the purpose and the end use are cleared; places and activity stay."""
    case = json.loads(json.dumps(case)) if case else empty_case()
    case.update(current_item=None, purpose=None, end_use=None)
    return case


def figure_rows(item: dict | None) -> list[dict]:
    """The item's figures as editable rows: parameter, value, unit, and where each came from."""
    rows = []
    for f in (item or {}).get("figures", []):
        inner = f["value"] if isinstance(f.get("value"), dict) else f
        rows.append({"parameter": inner.get("parameter") or "", "value": inner.get("value"),
                     "unit": inner.get("unit") or "", "from": provenance(f).strip(" ()")})
    return rows


def apply_edits(rows: list[dict], edits: dict | None) -> list[dict]:
    """Rows after a st.data_editor edit state ({"edited_rows", "added_rows", "deleted_rows"})."""
    edits = edits or {}
    edited = {int(k): v for k, v in (edits.get("edited_rows") or {}).items()}
    deleted = {int(i) for i in edits.get("deleted_rows") or []}
    out = [{**r, **edited.get(i, {})} for i, r in enumerate(rows) if i not in deleted]
    return out + [dict(r) for r in edits.get("added_rows") or []]


def edit_panel(case: dict | None, shown: dict, values: dict, figures: list[dict] | None) -> dict:
    """The case after the panel's form was sent: each field whose value differs from what the panel showed is set
    (the description and code on the current item, opening one if there is none), and `figures` (rows) replace the
    item's figures. EditError, and nothing applied, when a value cannot be taken."""
    for name in ("description", "code"):
        if (values.get(name) or "") != (shown.get(name) or ""):
            case = with_item(case, name, values.get(name))
    if figures is not None and current_item(case) is not None:
        case = with_figures(case, figures)
    for name in ("activity", "purpose", "destination"):
        if (values.get(name) or "") != (shown.get(name) or ""):
            case = with_situation(case, name, values.get(name))
    return case if case is not None else empty_case()


def _cell(v) -> str:
    """A text cell of an edited table ("" for an empty one, which pandas gives as None or NaN)."""
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()


def with_figures(case: dict | None, rows: list[dict]) -> dict:
    """The case with the current item's figures replaced by `rows` (parameter, value, unit). A row as it was keeps
    its provenance; a changed or new one comes from the panel; a row without a parameter or a number is dropped."""
    case = json.loads(json.dumps(case)) if case else empty_case()
    item = current_item(case)
    if item is None:
        raise EditError("Describe the item first (its description or its Annex I code), then give its figures.")
    before = {(r["parameter"], r["value"], r["unit"]): f for r, f in zip(figure_rows(item), item.get("figures", []))}
    figures = []
    for r in rows:
        parameter, unit = _cell(r.get("parameter")), _cell(r.get("unit"))
        try:
            value = float(r.get("value"))
        except (TypeError, ValueError):
            continue
        if not parameter or math.isnan(value):          # a row being filled in: not a figure yet
            continue
        kept = before.get((parameter, r.get("value"), unit))
        figures.append(kept or {"parameter": parameter, "value": value, "unit": unit,
                                "words": f"{PANEL_WORDS}: {parameter} {number(value)} {unit}".strip(),
                                "turn": case.get("turns", 0)})
    item["figures"] = figures
    return case


# --- tool results -----------------------------------------------------------------------------------------------

def tool_results(tools: list[ToolCall], key: str | None = None) -> None:
    """The tool calls behind an answer as cards and tables; raw JSON at the bottom of each card. With a `key`, the
    cards are drawn only while the expander is open (opening it reruns the app): closed, it costs the page one label
    instead of a card, a table and a JSON viewer per tool."""
    if not tools:
        return
    box = st.expander("🔧 " + tr("Tool results:") + " " + md(", ".join(tool_label(t) for t in tools)), key=key,
                      on_change="rerun" if key else "ignore")
    if key and not box.open:
        return
    with box:
        for call in tools:
            with st.container(border=True):
                st.markdown(f"**{md(tool_label(call))}**")
                r = call.result
                if r.get("ok") is False:
                    st.warning(md(r.get("message", tr("No result."))))
                else:
                    CARDS.get(call.name, _message_card)(r)
                st.caption(tr("Raw result"))
                st.json(r, expanded=False)


def _message_card(r: dict) -> None:
    if r.get("message"):
        st.markdown(md(r["message"]))


def _entry_card(r: dict) -> None:
    st.markdown(f"**{md(r['code'])}** — {md(r['entry'])}")
    st.markdown(md(tr("Items below it: {items} · Notes that apply: {notes} · Annex IV: {annex_iv} · Annex II Section I: "
                      "{section_i}", items=len(r["items"]), notes=len(r["notes"]),
                      annex_iv=r["annex_iv"].get("status", "?"), section_i=r["section_i"].get("status", "?"))
                   + (" · " + tr("see also {codes}", codes=", ".join(r["see_also"])) if r["see_also"] else "")))


def _destination_card(r: dict) -> None:
    destination(r, with_evidence=False)


def _annex_iv_card(r: dict) -> None:
    st.markdown(md(r["message"]))
    table([{"Annex IV": e["locator"], tr("Part"): e["part"], tr("How"): e["how"]} for e in r.get("entries", [])])


def _search_card(r: dict) -> None:
    st.markdown(md(r["message"]))
    table([{tr("Entry"): c["code"], tr("Heading"): c["entry"], tr("Best passage"): c["locator"].removeprefix("Annex I "),
            tr("Quote"): clip(c["quote"], 300)} for c in r["candidates"]])


def _define_card(r: dict) -> None:
    for d in r["definitions"]:
        st.markdown(f"**{md(d['term'])}** ({md(d['locator'])}): {note_markdown(d['definition'])}")


def diff_markdown(ops: list, context: int = 8) -> str:
    """Word-level diff as Markdown: deletions struck through on red, insertions on green, unchanged runs longer
    than 2 x `context` words shortened in the middle."""
    out = []
    for op, words in ops:
        if op == "equal":
            w = words.split()
            out.append(md(" ".join(w) if len(w) <= 2 * context else f"{' '.join(w[:context])} … {' '.join(w[-context:])}"))
        elif op == "delete":
            out.append(f":red-background[~~{md(words)}~~]")
        else:
            out.append(f":green-background[{md(words)}]")
    return " ".join(out)


def _diff_card(r: dict) -> None:
    st.markdown(f"{md(r['code'])}: **{r['status']}** " + tr("between {old} and {new}", old=r["old_version"],
                                                              new=r["new_version"]))
    for c in r["changes"]:
        where = c["new_locator"] or c["old_locator"]
        moved = " (" + tr("was {locator}", locator=c["old_locator"]) + ")" if c["old_locator"] and c["new_locator"] and c["old_locator"] != c["new_locator"] else ""
        body = diff_markdown(c["ops"]) if c["ops"] else (
            f":green-background[{md(c['text'])}]" if c["status"] == "added" else
            f":red-background[~~{md(c['text'])}~~]" if c["status"] == "removed" else md(c["text"]))
        st.markdown(f"**{md(where)}** — {c['status']}{md(moved)}: {body}")


CARDS = {"lookup_entry": _entry_card, "check_destination": _destination_card, "annex_iv": _annex_iv_card,
         "search_control_list": _search_card, "define": _define_card, "diff_entry": _diff_card}


# --- tool views -------------------------------------------------------------------------------------------------

def evidence(items: list[dict], sources: dict) -> None:
    """A tool result's evidence (dicts: locator, source, version, quote, claim) as numbered citations."""
    lang = ui_lang()
    for n, e in enumerate(items, 1):
        url = sources.get(e["source"], {}).get("official_url", "")
        st.markdown(f"{source_line(n, e['locator'], e['source'], e['version'], url, lang)}"
                    f"  \n{md(e['claim'])}\n\n{quote_markdown(e['quote'])}")


def warnings(rows: list[dict]) -> None:
    for w in rows:
        st.warning(md(f"{w['message']} ({', '.join(w['locators'])})"), icon="⚠️")


def destination(r: dict, sources: dict | None = None, with_evidence: bool = True) -> None:
    """A check_destination result: the outcome for the purpose checked (its message asks which sub-item when that
    decides, and names what another purpose would open), what it rests on per GEA, the notes, then the passages."""
    kind, headline = OUTCOMES.get(r["outcome"], ("info", r["outcome"]))
    getattr(st, kind)(f"**{md(tr(headline))}.** {md(r['message'])}")
    if r["geas"]:
        table([{"GEA": g["gea"], tr("Authorisation"): g["title"].split("—", 1)[-1].strip().title(),
                tr("Items"): g["items"] + (f": {', '.join(g['covered_items'])}" if g["covered_items"] else ""),
                tr("Destination"): ("✅ " if g["destination"] else "❌ ") + g["destination_reason"],
                tr("Purpose"): g.get("purpose") or tr("any"),
                tr("Can be used"): tr(usable(g, r["outcome"])), tr("Why"): g.get("why") or g["items_reason"]}
               for g in r["geas"]])
    if r.get("annex_iv"):
        iv = r["annex_iv"]
        st.markdown(md(f"Annex IV: {iv['status']}" + (", " + tr("Part {part}", part=joined(iv["parts"]))
                                                       if iv["parts"] else "")
                       + (" (" + tr("national general authorisation {name}", name=iv["general_authorisation"]) + ")"
                          if iv["general_authorisation"] else "")))
    for note in r.get("notes", []):
        st.markdown(f"- {md(note)}")
    if r.get("sanctions"):
        s = r["sanctions"]
        st.caption(md(tr("Sanctions reference data as of {as_of} ({disclaimer}) — verify on {url}", as_of=s["as_of"],
                         disclaimer=s["disclaimer"], url=s["source_url"])))
    if with_evidence:
        warnings(r.get("warnings", []))
        st.markdown(f"**{tr('What this rests on')}**")
        evidence(r["evidence"], sources or {})


def usable(g: dict, outcome: str) -> str:
    """yes / no / "depends on the sub-item": only when the outcome is needs_facts and this GEA covers some sub-items
    and passes every other check (never for a sanctions review or any other outcome)."""
    if g["available"]:
        return "yes"
    open_ = (outcome == "needs_facts" and g["items"] == "partial" and g["destination"]
             and g.get("purpose_ok") is not False and g.get("end_use_ok") is not False)
    return "depends on the sub-item" if open_ else "no"


def entry(r: dict, change: str | None, diff: dict | None, sources: dict, open_code) -> None:
    """A lookup_entry result: heading and badges, the path down to it, its text, the items below it, the Notes
    (a long Technical Note split per numbered note), SEE ALSO buttons (`open_code(code)` opens one), defined terms,
    the changes since 2023 and the passages."""
    code = r["code"]
    st.subheader(f"{code.split('.')[0]} — {md(r['entry'])}")
    badges = []
    if change in CHANGE_BADGES:
        color, label = CHANGE_BADGES[change]
        badges.append(f":{color}-badge[{tr(label)}]")
    iv = r["annex_iv"]
    if iv.get("status", "no") != "no":
        badges.append(f":red-badge[Annex IV {iv['status']}: {tr('Part {part}', part=joined(iv['parts']) or '?')}]")
    sec = r["section_i"]
    if sec.get("status", "no") != "no":
        badges.append(f":red-badge[Annex II Section I {sec['status']}: "
                      f"{tr('not under {geas}', geas=', '.join(sec['excluded_from']))}]")
    badges.append(f":blue-badge[{tr('version {version}, valid from {date}', version=r['version'], date=r['valid_from'])}]")
    st.markdown(" ".join(badges))
    for a in r["ancestors"]:
        st.markdown(f"↳ **{a['locator'].removeprefix('Annex I ')}** {md(a['text'])}")
    if "." in code:
        st.markdown(f"**{code}** {md(r['text'])}")
    depth0 = code.count(".")
    if r["items"]:
        with st.container(height=min(420, 40 + 28 * len(r["items"])), border=True):
            st.markdown("\n".join("  " * (i["locator"].count(".") - depth0 - 1) +
                                   f"- **{i['locator'].removeprefix('Annex I ')}** {md(i['text'])}"
                                   for i in r["items"]))
    for n in r["notes"]:
        where = {"node": "", "ancestor": f" ({tr('applies from above')})",
                 "descendant": f" ({tr('on an item below')})"}[n["applies"]]
        st.info(f"**{md(n['locator'].removeprefix('Annex I '))}**{where}: {note_markdown(n['text'])}")
    if r["see_also"]:
        st.markdown(f"**{tr('See also')}**")
        cols = st.columns(min(len(r["see_also"]), 6))
        for i, c in enumerate(r["see_also"]):
            cols[i % len(cols)].button(md(c), key=f"see-{code}-{c}", on_click=open_code, args=(c,))
    if r["terms"]:
        with st.expander(tr("Defined terms ({n})", n=len(r["terms"]))):
            for term in r["terms"]:
                st.markdown(f"**{md(term['term'])}** ({md(term['locator'])}): {note_markdown(term['definition'])}")
    if r["category_notes"]:
        with st.expander(tr("Category notes ({n})", n=len(r["category_notes"]))):
            for n in r["category_notes"]:
                st.markdown(f"**{md(n['locator'].removeprefix('Annex I '))}**: {note_markdown(n['text'])}")
    if diff and diff["changes"]:
        with st.expander(tr("What changed between {old} and {new} ({n})", old=diff["old_version"],
                            new=diff["new_version"], n=len(diff["changes"]))):
            _diff_card(diff)
    warnings(r["warnings"])
    with st.expander(tr("Passages this rests on ({n})", n=len(r["evidence"]))):
        evidence(r["evidence"], sources)
    with st.expander(tr("Raw result (JSON)")):
        st.json(r, expanded=False)
