"""What the Streamlit app shows: text helpers (badge, streaming, helpdesk draft, transcripts) and renderers for
answers, citations, tool results, Annex I entries and destination checks. No retrieval here: every renderer gets
results already computed."""
from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone

import streamlit as st

from assistant.answer import NOTICE, Answer, Citation, ToolCall
from assistant.drafting import CATEGORY_NAMES  # noqa: F401 (the app names categories through this module)

GROUP_NAMES = {"A": "Systems, equipment and components", "B": "Test, inspection and production equipment",
               "C": "Materials", "D": "Software", "E": "Technology"}
OUTCOMES = {  # check_destination outcome -> (Streamlit alert, headline)
    "gea_available": ("success", "A Union general export authorisation can be used"),
    "individual_licence_required": ("warning", "An individual or global export authorisation is needed"),
    "sanctions_review_required": ("error", "Sanctions review needed before any export"),
    "not_an_export": ("info", "Intra-EU transfer, not an export"),
}
CHANGE_BADGES = {"changed": ("orange", "changed since the 2023 version"),
                 "added": ("violet", "new since the 2023 version"),
                 "removed": ("red", "removed since the 2023 version"),
                 "unchanged": ("gray", "unchanged since 2023")}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#~|$])")


# --- text -------------------------------------------------------------------------------------------------------

def md(text: str) -> str:
    """Official text shown as Markdown literally (no emphasis, links, LaTeX or colour from its characters)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def badge_text(corpus_version: str) -> str:
    """'Annex I consolidated 2025-11-15; Articles … 2023-05-26' -> the same joined with ' · '."""
    return " · ".join(part.strip() for part in corpus_version.split(";") if part.strip())


def stream_words(text: str, seconds: float = 0.5):
    """The answer, word by word, in about `seconds` whatever its length (for st.write_stream)."""
    words = re.findall(r"\S+\s*", text)
    delay = min(0.02, seconds / max(len(words), 1))
    for w in words:
        yield w
        time.sleep(delay)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def tool_label(t: ToolCall) -> str:
    return f"{t.name}(" + ", ".join(str(v) for v in t.args.values()) + ")"


def plain(text: str) -> str:
    """Answer Markdown as plain text for an e-mail: no bold or italics markers."""
    return re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", text)


def answer_body(answer: Answer) -> str:
    """The answer without its closing 'Sources:' versions line and notice (the draft and transcripts add their own)."""
    parts = [p for p in answer.text.split("\n\n") if not p.startswith("Sources: ") and p.strip("*") != NOTICE]
    return "\n\n".join(parts)


def draft_reply(answer: Answer) -> str:
    """A helpdesk reply to edit before sending: greeting, the answer, numbered sources with their quotes and links,
    the corpus version and the disclaimer."""
    lines = ["Dear colleague,", "", "Thank you for your question:", f"“{answer.question}”", "",
             plain(answer_body(answer)), ""]
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


def transcript_markdown(messages: list[dict], corpus_version: str) -> str:
    out = ["# EU dual-use assistant — transcript", "",
           f"Exported {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC · corpus: {corpus_version}", ""]
    for i, m in enumerate(_turns(messages), 1):
        out += [f"## {i}. {m['answer'].question}", "", m["answer"].markdown(), ""]
    return "\n".join(out)


def transcript_json(messages: list[dict], corpus_version: str) -> str:
    turns = [{"answer_id": m["id"], "question": m["answer"].question, **m["answer"].to_dict()}
             for m in _turns(messages)]
    return json.dumps({"corpus_version": corpus_version, "exported": datetime.now(timezone.utc).isoformat(
        timespec="seconds"), "turns": turns}, ensure_ascii=False, indent=2)


# --- answers ----------------------------------------------------------------------------------------------------

def citations(cits: list[Citation]) -> None:
    """The cited passages under an answer: [n] locator · source · version · link, the verbatim quote, warnings."""
    if not cits:
        return
    with st.expander(f"Sources · {len(cits)} passage{'s' * (len(cits) > 1)} quoted verbatim", expanded=True):
        for c in cits:
            st.markdown(f"**[{c.n}] {md(c.locator)}** · `{c.source}` · version {c.version} · "
                        f"[official text]({c.url})\n\n> “{md(c.quote)}”")
            for w in c.warnings:
                st.caption(f"⚠️ {w}")


def tool_results(tools: list[ToolCall]) -> None:
    """The tool calls behind an answer as cards and tables; raw JSON at the bottom of each card."""
    if not tools:
        return
    with st.expander("🔧 Tool results: " + ", ".join(tool_label(t) for t in tools)):
        for t in tools:
            with st.container(border=True):
                st.markdown(f"**{tool_label(t)}**")
                r = t.result
                if r.get("ok") is False:
                    st.warning(r.get("message", "No result."))
                else:
                    CARDS.get(t.name, _message_card)(r)
                st.caption("Raw result")
                st.json(r, expanded=False)


def _message_card(r: dict) -> None:
    if r.get("message"):
        st.markdown(md(r["message"]))


def _entry_card(r: dict) -> None:
    st.markdown(f"**{r['code']}** — {md(r['entry'])}")
    st.markdown(f"Items below it: {len(r['items'])} · Notes that apply: {len(r['notes'])} · Annex IV: "
                f"{r['annex_iv'].get('status', '?')} · Annex II Section I: {r['section_i'].get('status', '?')}"
                + (f" · see also {', '.join(r['see_also'])}" if r["see_also"] else ""))


def _destination_card(r: dict) -> None:
    destination(r, with_evidence=False)


def _annex_iv_card(r: dict) -> None:
    st.markdown(md(r["message"]))
    if r.get("entries"):
        st.dataframe([{"Annex IV": e["locator"], "Part": e["part"], "How": e["how"]} for e in r["entries"]],
                     hide_index=True)


def _search_card(r: dict) -> None:
    st.markdown(md(r["message"]))
    st.dataframe([{"Entry": c["code"], "Heading": c["entry"], "Best passage": c["locator"].removeprefix("Annex I "),
                   "Quote": c["quote"]} for c in r["candidates"]], hide_index=True)


def _define_card(r: dict) -> None:
    for d in r["definitions"]:
        st.markdown(f"**{md(d['term'])}** ({d['locator']}): {md(d['definition'])}")


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
    st.markdown(f"{r['code']}: **{r['status']}** between {r['old_version']} and {r['new_version']}")
    for c in r["changes"]:
        where = c["new_locator"] or c["old_locator"]
        moved = f" (was {c['old_locator']})" if c["old_locator"] and c["new_locator"] and c["old_locator"] != c["new_locator"] else ""
        body = diff_markdown(c["ops"]) if c["ops"] else (
            f":green-background[{md(c['text'])}]" if c["status"] == "added" else
            f":red-background[~~{md(c['text'])}~~]" if c["status"] == "removed" else md(c["text"]))
        st.markdown(f"**{where}** — {c['status']}{moved}: {body}")


CARDS = {"lookup_entry": _entry_card, "check_destination": _destination_card, "annex_iv": _annex_iv_card,
         "search_control_list": _search_card, "define": _define_card, "diff_entry": _diff_card}


# --- tool views -------------------------------------------------------------------------------------------------

def evidence(items: list[dict], sources: dict) -> None:
    """A tool result's evidence (dicts: locator, source, version, quote, claim) as numbered citations."""
    for n, e in enumerate(items, 1):
        url = sources.get(e["source"], {}).get("official_url", "")
        link = f" · [official text]({url})" if url else ""
        st.markdown(f"**[{n}] {md(e['locator'])}** · `{e['source']}` · version {e['version']}{link}"
                    f"  \n{md(e['claim'])}\n\n> “{md(e['quote'])}”")


def warnings(rows: list[dict]) -> None:
    for w in rows:
        st.warning(f"{w['message']} ({', '.join(w['locators'])})", icon="⚠️")


def destination(r: dict, sources: dict | None = None, with_evidence: bool = True) -> None:
    """A check_destination result: the outcome, what it rests on per GEA, the notes, then the passages."""
    kind, headline = OUTCOMES.get(r["outcome"], ("info", r["outcome"]))
    getattr(st, kind)(f"**{headline}.** {md(r['message'])}")
    if r["geas"]:
        st.dataframe([{"GEA": g["gea"], "Authorisation": g["title"].split("—", 1)[-1].strip().title(),
                       "Items": g["items"] + (f": {', '.join(g['covered_items'])}" if g["covered_items"] else ""),
                       "Destination": ("✅ " if g["destination"] else "❌ ") + g["destination_reason"],
                       "Can be used": "yes" if g["available"] else "no", "Why (items)": g["items_reason"]}
                      for g in r["geas"]], hide_index=True)
    if r.get("annex_iv"):
        iv = r["annex_iv"]
        st.markdown(f"Annex IV: **{iv['status']}**" + (f", Part {' and '.join(iv['parts'])}" if iv["parts"] else "")
                    + (f" (national general authorisation {iv['general_authorisation']})"
                       if iv["general_authorisation"] else ""))
    for note in r.get("notes", []):
        st.markdown(f"- {md(note)}")
    if r.get("sanctions"):
        s = r["sanctions"]
        st.caption(f"Sanctions reference data as of {s['as_of']} ({s['disclaimer']}) — verify on {s['source_url']}")
    if with_evidence:
        warnings(r.get("warnings", []))
        st.markdown("**What this rests on**")
        evidence(r["evidence"], sources or {})


def entry(r: dict, change: str | None, diff: dict | None, sources: dict, open_code) -> None:
    """A lookup_entry result: heading and badges, the path down to it, its text, the items below it, the Notes,
    SEE ALSO buttons (`open_code(code)` opens one), defined terms, the changes since 2023 and the passages."""
    code = r["code"]
    st.subheader(f"{code.split('.')[0]} — {r['entry']}")
    badges = []
    if change in CHANGE_BADGES:
        color, label = CHANGE_BADGES[change]
        badges.append(f":{color}-badge[{label}]")
    iv = r["annex_iv"]
    if iv.get("status", "no") != "no":
        badges.append(f":red-badge[Annex IV {iv['status']}: Part {' and '.join(iv['parts']) or '?'}]")
    sec = r["section_i"]
    if sec.get("status", "no") != "no":
        badges.append(f":red-badge[Annex II Section I {sec['status']}: not under {', '.join(sec['excluded_from'])}]")
    badges.append(f":blue-badge[version {r['version']}, valid from {r['valid_from']}]")
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
        where = {"node": "", "ancestor": " (applies from above)", "descendant": " (on an item below)"}[n["applies"]]
        st.info(f"**{md(n['locator'].removeprefix('Annex I '))}**{where}: {md(n['text'])}")
    if r["see_also"]:
        st.markdown("**See also**")
        cols = st.columns(min(len(r["see_also"]), 6))
        for i, c in enumerate(r["see_also"]):
            cols[i % len(cols)].button(c, key=f"see-{code}-{c}", on_click=open_code, args=(c,))
    if r["terms"]:
        with st.expander(f"Defined terms ({len(r['terms'])})"):
            for t in r["terms"]:
                st.markdown(f"**{md(t['term'])}** ({t['locator']}): {md(t['definition'])}")
    if r["category_notes"]:
        with st.expander(f"Category notes ({len(r['category_notes'])})"):
            for n in r["category_notes"]:
                st.markdown(f"**{md(n['locator'].removeprefix('Annex I '))}**: {md(n['text'])}")
    if diff and diff["changes"]:
        with st.expander(f"What changed between {diff['old_version']} and {diff['new_version']} "
                         f"({len(diff['changes'])})"):
            _diff_card(diff)
    warnings(r["warnings"])
    with st.expander(f"Passages this rests on ({len(r['evidence'])})"):
        evidence(r["evidence"], sources)
    with st.expander("Raw result (JSON)"):
        st.json(r, expanded=False)
