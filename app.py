"""Streamlit app: chat with the EU dual-use regulation, browse the control list, check a destination, see what the
corpus covers. Rendering only: answers come from `Assistant.answer`, tool results from `Assistant.tools`, and what
they show is drawn by `interfaces.ui`.

The app's own labels are in the browser's language when a catalogue exists for it (assistant/locale), else English;
the sidebar's language switch overrides that for the session (`ui.ui_lang`). An answer keeps the language of its
question, and quotes, locators and codes stay as the official texts have them."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import uuid

import pandas as pd
import streamlit as st

from interfaces import ui
from assistant.answer import NOTICE
from assistant.messages import UI_LANGUAGES, language_name, t
from interfaces.record import font_files, record_json, record_markdown, record_pdf
from interfaces.records import RecordsError, record_audit, save_feedback, store_for
from ingest.index import IndexDamaged, IndexMissing, current_build
from ingest.settings import Settings, SettingsError

lang = ui.ui_lang()          # this run's language: the sidebar's switch, else the browser's


def tr(msgid: str, **values) -> str:
    """A label in this run's language (also inside the format functions widgets keep between runs)."""
    return t(msgid, lang, **values)


st.set_page_config(page_title=tr("EU dual-use assistant"), page_icon="🛂", layout="wide")

EXAMPLES = [
    "Can we ship a 2B001 machine tool to Canada under a general authorisation?",
    "Can I export 5A002 to Brazil?",
    "Do I need an authorisation to transfer 1C351 to Germany?",
    "What does 'technical assistance' mean?",
    "How long must records of exports be kept?",
    "What changed in 3B001 since the 2023 version?",
]
KEEP = "page"        # widgets keep their values while another view is shown
FULL_ANSWERS = 2     # answers drawn whole; earlier ones compact (text and the list of sources)
VIEWS = {"Chat": "💬", "Control list": "📚", "Destination check": "🌍", "Coverage": "📋"}   # ?view=<name> -> icon


@st.cache_resource(show_spinner=False, max_entries=2)
def load_assistant(data_dir: str, build: str, settings_hash: str):
    """One Assistant per index build and settings: a build switched in by `dualuse ingest` is picked up on the next
    run, without a reload and without losing the conversation (it lives in the session)."""
    from assistant.core import Assistant
    assistant = Assistant(Settings.from_env())
    assistant.warm_up_in_background()        # the other languages' keyword indexes, before their first question
    return assistant


@st.cache_resource(show_spinner=False)
def annex_i_tree(_assistant, build: str) -> dict:
    """Category -> product group (A-E) -> [(code, heading)] of the Annex I in force."""
    from assistant.tools import ANNEX_I
    tree: dict = {}
    for p in _assistant.store.where("source = ? AND kind = 'entry'", (ANNEX_I,)):
        code = p.data["entry"]
        tree.setdefault(code[0], {}).setdefault(code[1], []).append((code, p.text))
    return tree


@st.cache_resource(show_spinner=False)
def changes(_assistant, build: str) -> dict | None:
    """Entry code -> changed | added | removed since the 2023 version (None when the corpus holds one version)."""
    from assistant.versions import list_diff
    try:
        return {e.code: e.status for e in list_diff(_assistant.store).entries if e.status != "unchanged"}
    except ValueError:
        return None


try:
    settings = Settings.from_env()
except SettingsError as e:                  # one "Settings error: ..." line per problem, no traceback
    st.title("🛂 " + tr("EU dual-use assistant"))
    st.error(ui.md(str(e)).replace("\n", "  \n"))
    st.stop()
build = current_build(settings.index_dir) or ""
if asked := st.session_state.get("asked_without_index"):       # answered as soon as an index serves
    st.session_state["example"] = asked
try:
    with st.spinner(tr("Opening the index…")):
        assistant = load_assistant(str(settings.data_dir), build, settings.hash)
except IndexMissing as e:
    st.title("🛂 " + tr("EU dual-use assistant"))
    if isinstance(e, IndexDamaged):
        st.error(ui.md(tr("The search index cannot be served: {error}", error=e)))
    else:
        st.error(ui.md(tr("The search index is not built yet ({error}).", error=e)))
    st.markdown(tr("Build it with") + "\n\n    .venv/bin/dualuse ingest\n\n" +
                tr("or start the app with `scripts/app`, which builds the index when it is missing or stale. The "
                   "official texts are read from `$DUALUSE_SOURCES` or `../shared/sources`. No reload is needed: ask "
                   "your question below, it is answered as soon as the index is ready."))
    if "example" in st.session_state:
        st.info(ui.md(tr("Waiting for the index to answer: {question}", question=st.session_state["example"])))
    st.chat_input(tr("Ask about Regulation (EU) 2021/821"), key="asked_without_index")
    st.stop()

state = st.session_state
state.setdefault("messages", [])
state.setdefault("audited", set())          # answer ids whose helpdesk draft is in the audit log
state.setdefault("recorded", set())         # answer ids whose determination record is in the audit log
state.setdefault("case", None)              # the case after the latest answer, with the user's edits
state.setdefault("case_rev", 0)             # bumped when the case is replaced, so the panel's widgets start afresh
state.setdefault(ui.LANG_KEY, lang)         # the browser's language until the sidebar's switch says otherwise


# --- callbacks: state changes only, never retrieval ---------------------------------------------------------------

def open_code(code: str) -> None:
    """Show an Annex I entry or item in the control-list browser."""
    code = code.strip().rstrip(".")
    if code[:5] not in dict(annex_i_tree(assistant, build).get(code[:1], {}).get(code[1:2], [])):
        state.toast = (tr("{code} is not an entry of the Annex I in force.", code=code), "⚠️")
        return
    state.update(view="Control list", cat=code[0], grp=code[1], entry=code[:5], item=code)


def on_feedback(msg: dict) -> None:
    rating, comment = state.get(f"fb-{msg['id']}"), state.get(f"fbc-{msg['id']}", "")
    if rating is not None or comment.strip():
        try:
            save_feedback(settings, msg["id"], msg["answer"], rating, comment)
        except RecordsError as e:        # shown at the top of the page; the rating and comment stay in their widgets
            state.records_error = f"{e} " + tr("Your rating and comment are still on the page: send them again later.")
            return
        state.toast = (tr("Thank you: feedback saved in {where}", where=store_for(settings).where), "✅")


def on_download_reply(msg: dict) -> None:
    try:
        record_audit(settings, msg["id"], msg["answer"], state[f"draft-{msg['id']}"], event="downloaded")
    except RecordsError as e:
        state.records_error = f"{e} " + tr("The download was not recorded; the reply stays in the draft box.")


def set_case(case: dict | None) -> None:
    """Replace the case (a new answer, a new item, a new conversation): the panel's form starts from it."""
    state.case = case
    state.case_rev += 1


def update_case(rev: int, shown: dict, figure_base: list[dict] | None) -> None:
    """The case panel's form was sent: the fields changed there go into the case the next question is answered
    with. A value that cannot be taken (a country or code not recognised) changes nothing and is said; the typed
    values stay in the form."""
    values = {name: state[f"case-{name}-{rev}"] for name in shown}
    rows = ui.apply_edits(figure_base, state.get(f"case-figures-{rev}")) if figure_base is not None else None
    try:
        state.case = ui.edit_panel(state.case, shown, values, rows)
    except ui.EditError as e:
        state.case_error = str(e)


def switch_item(item_id: int) -> None:
    set_case(dict(state.case, current_item=item_id))


def new_conversation() -> None:
    state.messages = []
    set_case(None)


def ask_next(text: str) -> None:
    """The questions form was sent: its answers are the next user turn."""
    state.example = text


# --- layout -------------------------------------------------------------------------------------------------------

with st.sidebar:
    st.markdown("## 🛂 " + tr("EU dual-use assistant"))
    st.caption(tr("Regulation (EU) 2021/821"))
    st.selectbox("🌐 " + tr("Language"), UI_LANGUAGES, key=ui.LANG_KEY, format_func=language_name,
                 help=tr("The language of the app's labels; at first the browser's. Answers are in the language of "
                         "the question."))
    view = st.radio(tr("View"), list(VIEWS), key="view", bind="query-params", format_func=tr)
    st.toggle(tr("Helpdesk mode"), key="helpdesk", help=tr("Turn the latest answer into an editable draft reply; each "
                                                           "draft and each determination record is recorded in the "
                                                           "audit log."))
    as_of = st.date_input(tr("Annex I as of"), value=None, key="as_of", format="YYYY-MM-DD",
                          help=tr("Answer from the Annex I that applied on this date (empty: the version in force). "
                                  "Every answer says which version it used."))

st.markdown(f"### {VIEWS[view]} {tr(view)}")
st.badge(ui.badge_text(assistant.corpus_version, lang), icon="📚", color="blue",
         help=tr("The consolidated versions every answer rests on (see Coverage)."))
st.caption(tr(NOTICE))
if toast := state.pop("toast", None):
    st.toast(ui.md(toast[0]), icon=toast[1])
if problem := state.pop("records_error", None):
    st.error(ui.md(problem), icon="🛑")


def show_answer(msg: dict, latest: bool = False, compact: bool = False) -> None:
    """An answer: its text, caveats, determination with its checks, the questions form (on the latest answer),
    sources, why this answer, tool results, the record downloads and feedback widgets. `compact` (an answer older
    than the last FULL_ANSWERS): its text, caveats and the list of its sources, so a long conversation stays quick
    to draw."""
    a = msg["answer"]
    st.markdown(ui.answer_markdown(a.text))
    for caveat in (c for c in a.caveats if c not in a.text):       # e.g. the LLM layer fell back to this answer
        st.caption(f"ℹ️ {ui.md(caveat)}")
    if compact:
        st.caption(ui.sources_line(a.citations, lang) + "  \n" + tr(
            "An earlier answer: the sources' quotes, the checks, why, the tool results and the record are shown on the "
            "last {n} answers; the transcript (sidebar) keeps everything.", n=FULL_ANSWERS))
        return
    ui.determination(a.determination)
    if latest and a.determination and a.determination.get("questions"):
        ui.questions_form(a.determination["questions"], f"ask-{msg['id']}", ask_next, a.language)
    ui.citations(a.citations, a.language)
    ui.why_this_answer(a)
    ui.tool_results(a.tools, key=f"tools-{msg['id']}")
    codes = [t.result["code"] for t in a.tools if t.name == "lookup_entry" and t.result.get("ok")]
    for code in codes[:3]:
        st.button(tr("Open {code} in the control list", code=code), key=f"open-{msg['id']}-{code}", on_click=open_code,
                  args=(code,), icon="📚")
    if a.determination:
        record_downloads(msg)
    left, right = st.columns([1, 6], vertical_alignment="center")
    with left:
        st.feedback("thumbs", key=f"fb-{msg['id']}", on_change=on_feedback, args=(msg,), persist_state=KEEP)
    with right:
        st.text_input(tr("Comment"), key=f"fbc-{msg['id']}", on_change=on_feedback, args=(msg,),
                      placeholder=tr("Optional comment on this answer (Enter to send)"), label_visibility="collapsed",
                      persist_state=KEEP)


def record_downloads(msg: dict) -> None:
    """The determination record as Markdown, PDF and JSON, made when clicked."""
    data, rid = ui.answer_dict(msg["answer"]), msg["id"]
    cols = st.columns(3)
    cols[0].download_button(tr("Record (Markdown)"), lambda: record_markdown(data), file_name=f"determination-{rid}.md",
                            mime="text/markdown", icon="🧾", key=f"rec-md-{rid}", on_click="ignore", width="stretch")
    if font_files():
        cols[1].download_button(tr("Record (PDF)"), lambda: record_pdf(data), file_name=f"determination-{rid}.pdf",
                                mime="application/pdf", icon="📑", key=f"rec-pdf-{rid}", on_click="ignore",
                                width="stretch")
    else:
        cols[1].caption(tr("No PDF: no Unicode font found (install fonts-dejavu-core)."))
    cols[2].download_button(tr("Record (JSON)"), lambda: record_json(data), file_name=f"determination-{rid}.json",
                            mime="application/json", icon="🧾", key=f"rec-json-{rid}", on_click="ignore",
                            width="stretch")


def ask(question: str) -> None:
    history = [{"role": m["role"], "content": m["content"]} for m in state.messages]
    state.messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        # st.spinner shows only when the answer takes longer than half a second, and takes no place on the page;
        # st.status (which this replaced) paused every answer 0.05 s when it opened and spun while the answer ran
        with st.spinner(tr("Reading the question, running the tools, retrieving passages…")):
            answer = assistant.answer(question, history, as_of=state.get("as_of"), case=state.case)
        lines, label = ui.status_lines(answer, lang)
        with st.expander(label, icon=":material/check:"):
            st.markdown("  \n".join(lines))
        msg = {"role": "assistant", "content": answer.text, "answer": answer, "id": uuid.uuid4().hex[:12]}
        state.messages.append(msg)          # kept even if a click interrupts the run while the answer is drawn
        set_case(answer.case)
        show_answer(msg, latest=True)


def helpdesk(msg: dict) -> None:
    """The latest answer as an editable reply; the draft, and the determination record when the answer has one, are
    recorded in the audit log once per answer."""
    draft = ui.draft_reply(msg["answer"])
    if msg["id"] not in state.audited:
        try:
            record_audit(settings, msg["id"], msg["answer"], draft)
            state.audited.add(msg["id"])
        except RecordsError as e:       # tried again on the next run; the draft is shown all the same
            st.error(ui.md(f"{e} " + tr("The draft below is not recorded yet; it will be on the next try.")), icon="🛑")
    if msg["answer"].determination and msg["id"] not in state.recorded:
        try:
            record_audit(settings, msg["id"], msg["answer"], record_markdown(ui.answer_dict(msg["answer"])),
                         event="determination_record")
            state.recorded.add(msg["id"])
        except RecordsError as e:
            st.error(ui.md(f"{e} " + tr("The determination record is not in the audit log yet; it will be on the "
                                        "next try.")), icon="🛑")
    with st.container(border=True):
        st.markdown("#### ✉️ " + tr("Draft reply"))
        text = st.text_area(tr("Edit before sending"), draft, key=f"draft-{msg['id']}", height=420, persist_state=KEEP)
        st.download_button(tr("Download the reply (.txt)"), text, file_name=f"reply-{msg['id']}.txt", mime="text/plain",
                           on_click=on_download_reply, args=(msg,), icon="⬇️")
        if msg["id"] in state.audited:
            st.caption(tr("Audit entries recorded in {where} (time, question, sources, corpus version): the draft and "
                          "the determination record." if msg["id"] in state.recorded else
                          "Audit entry recorded in {where} (time, question, sources, corpus version): the draft.",
                          where=ui.md(store_for(settings).where)))


def case_panel() -> None:
    """The case beside the chat: the item (description, code, figures), activity, purpose and destination, each with
    the turn and words it came from. Edited in a form (sent with "Update the case", so nothing half-typed is taken),
    the next question is answered with the case as edited here."""
    case, rev = state.case, state.case_rev
    item = ui.current_item(case)
    items = (case or {}).get("items", [])
    st.markdown("#### 🗂️ " + tr("The case"))
    cols = st.columns(max(2, len(items) + 1))
    cols[0].button(tr("New item"), icon="➕", key="case-new-item",
                   on_click=lambda: set_case(ui.with_new_item(state.case)),
                   help=tr("The next product you describe (in the chat or below) starts a new item; the current one is "
                           "kept as history."), width="stretch")
    for col, other in zip(cols[1:], (i for i in items if i is not item)):
        col.button(ui.md(ui.item_label(other)), key=f"case-switch-{other['id']}", on_click=switch_item,
                   args=(other["id"],), icon="↩️", help=tr("Work on this item again"), width="stretch")
    shown = {"description": ui.shown_value((item or {}).get("description")),
             "code": ui.shown_value((item or {}).get("code")),
             "activity": ((case or {}).get("activity") or {}).get("value"),
             "purpose": ((case or {}).get("purpose") or {}).get("value"),
             "destination": ui.shown_value((case or {}).get("destination"))}
    editing = item is not None and st.toggle(tr("Edit the figures"), key="case-edit-figures",
                                             help=tr("A table of the item's figures to correct, add or delete."))
    base = ui.figure_rows(item) if editing else None
    with st.form(f"case-{rev}", border=True):
        st.text_input(tr("Item description"), shown["description"], key=f"case-description-{rev}",
                      placeholder=tr("e.g. 12-bit ADC"))
        came_from((item or {}).get("description"))
        st.text_input(tr("Annex I code"), shown["code"], key=f"case-code-{rev}", placeholder=tr("e.g. 3A001.a.5.a"))
        came_from((item or {}).get("code"))
        if base is not None:
            st.caption(tr("Figures: one row per stated parameter (edit, add or delete rows)"))
            st.data_editor(pd.DataFrame(base, columns=["parameter", "value", "unit", "from"]),
                           key=f"case-figures-{rev}", num_rows="dynamic", hide_index=True, width="stretch",
                           column_config={"parameter": st.column_config.TextColumn(tr("Parameter"), width="medium"),
                                          "value": st.column_config.NumberColumn(tr("Value"), format="%g",
                                                                                 width="small"),
                                          "unit": st.column_config.TextColumn(tr("Unit"), width="small"),
                                          "from": st.column_config.TextColumn(tr("From"), disabled=True,
                                                                              width="small")})
        elif item is not None:
            st.markdown(f"**{tr('Figures:')}** " + ("; ".join(ui.md(ui.figure_text(f) + ui.provenance(f, lang))
                                                             for f in item["figures"]) or tr("none stated")))
        for name, options in (("activity", ui.ACTIVITIES), ("purpose", ui.PURPOSES)):
            choices = [None] + list(options)
            st.selectbox(tr(dict(ui.SITUATION)[name]), choices,
                         index=choices.index(shown[name] if shown[name] in options else None),
                         key=f"case-{name}-{rev}", format_func=lambda v, o=options, n=name: tr(o[v]) if v else tr(
                             "not stated: an ordinary sale" if n == "purpose" else "not stated"))
            came_from((case or {}).get(name))
        st.text_input(tr("Destination"), shown["destination"], key=f"case-destination-{rev}",
                      placeholder=tr("e.g. Brazil"))
        came_from((case or {}).get("destination"))
        st.form_submit_button(tr("Update the case"), icon="✏️", on_click=update_case, args=(rev, shown, base))
    others = [(label, case[name]) for name, label in ui.OTHER_FACTS if case and case.get(name)]
    if others:
        st.markdown("\n".join(f"- **{tr(label)}:** {ui.md(ui.value_text(fact.get('value')) + ui.provenance(fact, lang))}"
                              for label, fact in others))
    if problem := state.pop("case_error", None):
        st.warning(ui.md(problem), icon="⚠️")
    if not items:
        st.caption(tr("No item yet: describe your product, its figures and where it goes, in the chat or here."))


def came_from(fact: dict | None) -> None:
    if fact:
        st.caption(ui.md(ui.came_from(fact, lang)))


def chat_view() -> None:
    question = st.chat_input(tr("Ask about Regulation (EU) 2021/821, e.g. Can I export 5A002 to Brazil?")) \
        or state.pop("example", None)
    chat, side = st.columns([0.64, 0.36], gap="large")
    with chat:
        earlier, latest = st.container(), st.container()
    shown = list(state.messages)
    with latest:                # drawn first, below the earlier turns: a new answer does not wait for the history
        if question:
            ask(question)
        last = state.messages[-1] if state.messages else None
        if state.helpdesk and last and last["role"] == "assistant":
            helpdesk(last)
    with earlier:
        if not state.messages:
            with st.chat_message("assistant"):
                st.markdown(tr("Ask about the EU dual-use export-control regime: whether an item is listed in Annex "
                               "I, which Union general export authorisation covers a destination, intra-EU transfers "
                               "(Annex IV), definitions, record keeping. Every answer quotes the official texts with "
                               "numbered sources.") + " " +
                            tr("The case (your item, its figures, where it goes and why) builds up beside the chat, "
                               "where you can correct it."))
                st.markdown(f"**{tr('Try one of these:')}**")
                for q in EXAMPLES:
                    st.button(q, key=f"ex-{q}", on_click=state.update, kwargs={"example": q})
        answers = [m for m in shown if m["role"] == "assistant"]
        full = answers[-(FULL_ANSWERS - bool(question)):] if FULL_ANSWERS > bool(question) else []
        for m in shown:
            with st.chat_message(m["role"]):
                if m["role"] == "user":
                    st.text(m["content"])
                else:
                    show_answer(m, latest=not question and m is shown[-1], compact=not any(m is f for f in full))
    with side:
        case_panel()


def choose(label: str, options: list, key: str, fmt=str):
    """A selectbox whose kept value falls back to the first option when it is not among the options."""
    if state.get(key) not in options:
        state[key] = options[0]
    return st.selectbox(label, options, key=key, format_func=fmt, persist_state=KEEP)


def browse_view() -> None:
    tree, changed = annex_i_tree(assistant, build), changes(assistant, build)
    query = st.text_input(tr("Search the control list by description"), key="browse_q",
                          placeholder="e.g. night vision camera, machine tool for turning, encryption",
                          persist_state=KEEP)
    if query:
        with st.spinner(tr("Searching Annex I (the first search loads the language model)…")):
            found = assistant.tools.search_control_list(query, k=8)
        st.caption(ui.md(found.message))
        cols = st.columns(2)
        for i, c in enumerate(found.candidates):
            best = c["locator"].removeprefix("Annex I ").split(" ")[0]     # "5A002.a" of "Annex I 5A002.a Note"
            cols[i % 2].button(ui.md(f"{best} · {ui.clip(c['entry'], 60)}"), key=f"hit-{c['code']}",
                               on_click=open_code, args=(best,), width="stretch",
                               help=ui.md(f"{c['entry']}\n\nBest passage, {c['locator']}: {c['quote']}"))
        st.divider()

    def mark(code: str) -> str:
        return " ●" if changed and code in changed else ""

    c1, c2, c3, c4 = st.columns([3, 3, 4, 3])
    with c1:
        cat = choose(tr("Category"), sorted(tree), "cat", lambda c: f"{c} — {ui.CATEGORY_NAMES.get(c, '')}")
    with c2:
        grp = choose(tr("Product group"), sorted(tree[cat]), "grp", lambda g: f"{g} — {tr(ui.GROUP_NAMES.get(g, ''))}")
    entries = dict(tree[cat][grp])
    with c3:
        code = choose(tr("Entry"), list(entries), "entry", lambda c: f"{c}{mark(c)} — {entries[c][:60]}")
    top = assistant.tools.lookup_entry(code)
    items = [code] + [i["locator"].removeprefix("Annex I ") for i in top.items]
    with c4:
        item = choose(tr("Item"), items, "item", lambda c: c if c == code else "· " * c.count(".") + c)
    if changed is not None:
        st.caption("● " + tr("changed, added or removed since the 2023 version of Annex I"))
    result = top if item == code else assistant.tools.lookup_entry(item)
    if not result.ok:
        st.warning(ui.md(result.message))
        return
    diff = None
    if changed is not None:
        from assistant.versions import entry_diff
        diff = entry_diff(assistant.store, code).to_dict()
    ui.entry(result.to_dict(), diff["status"] if diff else None, diff, assistant.store.sources, open_code)


def destination_view() -> None:
    st.markdown(tr("Which Union general export authorisation (EU001–EU008) may apply to an Annex I item, a destination "
                   "and a purpose, what to check, or why an individual authorisation or a sanctions review is needed."))
    c1, c2 = st.columns(2)
    code = c1.text_input(tr("Annex I entry or item"), key="dest_code", placeholder=tr("e.g. 5A002 or 2B001.a"),
                         persist_state=KEEP)
    country = c2.text_input(tr("Destination country"), key="dest_country", placeholder=tr("e.g. Brazil, JP, Germany"),
                            persist_state=KEEP)
    purpose = st.radio(tr("Purpose"), list(ui.PURPOSES), format_func=lambda p: tr(ui.PURPOSES[p]), horizontal=True,
                       key="dest_purpose", persist_state=KEEP,
                       help=tr("EU003 covers an export after repair or replacement, EU004 a temporary export for an "
                               "exhibition or fair, EU007 an intra-group transfer of software or technology; the "
                               "others an ordinary sale."))
    if not (code.strip() and country.strip()):
        st.caption(tr("Give both an entry code and a destination."))
        return
    r = assistant.tools.check_destination(code, country, purpose=purpose)
    if not r.ok:
        st.warning(ui.md(r.message))
        return
    ui.destination(r.to_dict(), assistant.store.sources)


def coverage_view() -> None:
    from assistant.coverage import coverage_rows
    from assistant.versions import annex_i_versions
    from ingest.manifest import load_manifest
    st.markdown(tr("Every source in the manifest: its version, whether it is indexed, what it covers and what is "
                   "missing."))
    for row in coverage_rows(settings, load_manifest()):
        with st.container(border=True):
            version = row["version_label"] or row["version"] or tr("no version")
            st.markdown(f"**{ui.md(row['title'])}**  \n`{ui.md(row['id'])}` · {ui.md(version)}"
                        f" · {tr('status')} **{ui.md(row['status'])}** · {ui.md(row['availability'])}"
                        + (f" · [{tr('official text')}]({row['official_url']})"
                           if row["official_url"].startswith("https://") else ""))
            if row["coverage"]:
                st.markdown(f"**{tr('Covers:')}** {ui.md(row['coverage'])}")
            if row["missing"]:
                st.markdown(f"**{tr('Missing:')}** {ui.md(row['missing'])}")
    st.markdown(f"**{tr('Annex I versions')}**")
    ui.table([{tr("Version"): v.label, tr("Valid from"): v.valid_from, tr("Valid until"): v.valid_until or "—",
               tr("In the corpus"): v.status} for v in annex_i_versions(assistant.store)])


VIEW_PAGES = {"Chat": chat_view, "Control list": browse_view, "Destination check": destination_view,
              "Coverage": coverage_view}
VIEW_PAGES[view]()

with st.sidebar:        # after the view, so a conversation started in this run is already in the transcript
    if state.messages:
        st.button(tr("New conversation"), on_click=new_conversation, icon="🧹")
        messages = list(state.messages)            # made when clicked: no cost on every run
        st.download_button(tr("Transcript (Markdown)"),
                           lambda: ui.transcript_markdown(messages, assistant.corpus_version),
                           file_name="transcript.md", mime="text/markdown", icon="📄", on_click="ignore")
        st.download_button(tr("Transcript (JSON)"), lambda: ui.transcript_json(messages, assistant.corpus_version),
                           file_name="transcript.json", mime="application/json", icon="🧾", on_click="ignore")
    st.divider()
    st.caption(f"*{tr(NOTICE)}*")
