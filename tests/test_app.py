"""The Streamlit app through AppTest, with the real Assistant on the fixture index (real BM25, Chroma and embeddings):
chat with cited answers and follow-ups, abstention, feedback and helpdesk records in the records database (and a clear
message, with the user's text kept, when it cannot be written), the case panel (shown, edited, a new item), the
determination with its checks, the questions form, "Why this answer", the record downloads and their audit entry, the
control-list browser, the destination checker with its purposes, the coverage page, the message shown when no index is
built; and the pure helpers behind them (safe Markdown, numbered notes, the form's next turn, case edits)."""
from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from assistant.answer import CANNOT_ANSWER, NOTICE
from assistant.quotes import is_verbatim
from interfaces import ui
from interfaces.markdown import ZWSP, answer_markdown, literal
from interfaces.records import store_for
from interfaces.ui import draft_reply, transcript_json, transcript_markdown
from ingest.index import serving_build
from ingest.store import Store
from tests.conftest import FIXTURE_SOURCES, ROOT
from tests.test_record import HOSTILE, TURNING, with_turning_determination

APP = str(ROOT / "app.py")
SHIP = "Can we ship a 2B001 machine tool to Canada under a general authorisation?"


@pytest.fixture
def app(fixture_index, monkeypatch):
    monkeypatch.setenv("DUALUSE_DATA", str(fixture_index.data_dir))
    monkeypatch.setenv("DUALUSE_SOURCES", str(FIXTURE_SOURCES))
    monkeypatch.delenv("DUALUSE_LLM", raising=False)          # no LLM configured: the deterministic answer
    monkeypatch.delenv("DUALUSE_RECORDS_URL", raising=False)  # records in <data>/records.sqlite
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception and not at.error
    return at


@pytest.fixture(scope="module")
def store(fixture_index):
    return Store(serving_build(fixture_index) / "store.sqlite")


def ask(at: AppTest, question: str):
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    msg = at.session_state["messages"][-1]
    assert msg["role"] == "assistant" and msg["answer"].question == question
    return msg


def open_tool_results(at: AppTest, msg: dict) -> None:
    """Open an answer's tool results, as a click does (their cards are drawn only while it is open)."""
    at.session_state[f"tools-{msg['id']}"] = True
    at.run()
    assert not at.exception, at.exception


def shown(markdown: str) -> str:
    """Markdown as the reader sees it: escapes resolved, zero-width spaces gone."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(ZWSP, "")


def rendered(at) -> str:
    return shown("\n".join(m.value for m in at.markdown))


def tables(at) -> list[list[dict]]:
    """The Markdown tables on the page, as rows of {column: cell as shown}."""
    out = []
    for m in at.markdown:
        lines = m.value.splitlines()
        if len(lines) > 2 and lines[0].startswith("| ") and lines[1].startswith("| ---"):
            split = [[shown(c.strip()) for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]
            out.append([dict(zip(split[0], row)) for row in split[2:]])
    return out


def by(rows: list[dict], column: str) -> dict:
    return {r[column]: r for r in rows}


@pytest.fixture
def turning(monkeypatch):
    """The assistant answers TURNING with a determination that has checks and questions (tests/test_record.py)."""
    from assistant.core import Assistant
    real = Assistant.answer

    def answer(self, question, *args, **kwargs):
        a = real(self, question, *args, **kwargs)
        return with_turning_determination(a) if question == TURNING else a

    monkeypatch.setattr(Assistant, "answer", answer)


def test_first_screen_has_examples_badge_and_notice(app):
    labels = [b.label for b in app.button]
    assert SHIP in labels and len([b for b in app.button if b.key.startswith("ex-")]) >= 4
    assert ":blue-badge[📚 Annex I consolidated 2025-11-15 · Articles" in rendered(app)      # the corpus badge
    assert any(NOTICE in c.value for c in app.caption)


def test_question_gets_a_cited_answer_with_valid_citations(app, store):
    msg = ask(app, SHIP)
    a = msg["answer"]
    assert not a.abstained and a.citations and "[1]" in a.text
    for c in a.citations:             # every quote verbatim in the provision and version it cites, with a link
        p = store.get(c.locator, c.source)
        assert p is not None and p.version == c.version and is_verbatim(p, c.quote), c
        assert c.url.startswith("https://eur-lex.europa.eu/")
    assert "EU001" in a.text
    chat = app.chat_message[-1]
    text = shown("\n".join(m.value for m in chat.markdown))
    assert "[1]" in text and f"**[1] {a.citations[0].locator}**" in text and a.citations[0].version in text
    assert chat.expander[0].label == (f"Answered in {a.seconds:.2f} s · {len(a.citations)} sources checked against "
                                      "the official files")           # the closed status line, first in the answer
    assert any(t.name == "check_destination" for t in a.tools)
    assert any(shown(e.label).startswith("🔧 Tool results: check_destination") for e in app.expander)
    assert not any("GEA" in t[0] for t in tables(app))       # the tool results are drawn when opened, not before
    open_tool_results(app, msg)
    assert any("EU001" in by(t, "GEA") for t in tables(app) if "GEA" in t[0])   # the GEA table, not raw JSON only
    assert app.json and app.json[-1].value                                        # and the raw result under it


def test_follow_up_keeps_the_item(app):
    ask(app, "Can I export 2B001 to Canada?")
    msg = ask(app, "and to Brazil?")
    calls = [t for t in msg["answer"].tools if t.name == "check_destination"]
    assert calls and calls[0].args == {"code": "2B001", "country": "Brazil", "purpose": "sale"}


def test_example_button_asks_it(app):
    app.button(key=f"ex-{SHIP}").click().run()
    assert not app.exception
    assert app.session_state["messages"][-1]["answer"].question == SHIP
    assert "[1]" in rendered(app)


def test_unreachable_llm_falls_back_to_the_extractive_answer(fixture_index, monkeypatch):
    monkeypatch.setenv("DUALUSE_DATA", str(fixture_index.data_dir))
    monkeypatch.setenv("DUALUSE_LLM", "ollama")
    monkeypatch.setenv("DUALUSE_LLM_BASE_URL", "http://127.0.0.1:9")        # nothing listens there
    monkeypatch.setenv("DUALUSE_LLM_TIMEOUT", "5")
    at = AppTest.from_file(APP, default_timeout=60).run()
    msg = ask(at, SHIP)
    assert msg["answer"].citations and "[1]" in msg["answer"].text
    assert not at.error and not at.exception
    assert any("extractive answer shown" in c.value for c in at.caption)


def test_out_of_scope_question_abstains(app):
    msg = ask(app, "What is the capital of France?")
    a = msg["answer"]
    assert a.abstained and not a.citations and CANNOT_ANSWER in a.text
    assert not app.error


def test_feedback_is_stored_with_question_answer_citations_and_version(app, fixture_index):
    msg = ask(app, SHIP)
    app.feedback(key=f"fb-{msg['id']}").set_value(0).run()
    app.text_input(key=f"fbc-{msg['id']}").set_value("EU001 Part 3 conditions are missing").run()
    assert not app.exception
    rows = store_for(fixture_index).feedback(answer_id=msg["id"])          # newest first
    assert [r["rating"] for r in rows] == ["down", "down"]
    last = rows[0]
    assert "feedback saved in sqlite:///" in app.toast[0].value and not app.error
    assert last["comment"] == "EU001 Part 3 conditions are missing"
    assert last["question"] == SHIP and last["answer"] == msg["answer"].text
    assert last["citations"] == [c.to_dict() for c in msg["answer"].citations]
    assert last["corpus_version"] == msg["answer"].corpus_version and last["corpus_version"]


def test_helpdesk_draft_has_citations_and_version_and_is_audited(app, fixture_index):
    msg = ask(app, SHIP)
    app.toggle(key="helpdesk").set_value(True).run()
    assert not app.exception
    draft = app.text_area(key=f"draft-{msg['id']}").value
    a = msg["answer"]
    assert draft.startswith("Dear") and SHIP in draft and NOTICE in draft
    assert f"Corpus version: {a.corpus_version}" in draft
    for c in a.citations:
        assert f"[{c.n}] {c.locator}" in draft and c.quote in draft and c.url in draft
    audit = store_for(fixture_index).audit(answer_id=msg["id"], event="drafted")
    assert len(audit) == 1
    assert audit[0]["question"] == SHIP and audit[0]["corpus_version"] == a.corpus_version
    assert [s["locator"] for s in audit[0]["sources"]] == [c.locator for c in a.citations]
    app.run()                                                 # a rerun does not audit the same draft twice
    assert len(store_for(fixture_index).audit(answer_id=msg["id"], event="drafted")) == 1


def test_records_database_down_shows_the_error_and_keeps_the_text(app, monkeypatch):
    from tests.throwaway import free_port
    monkeypatch.setenv("DUALUSE_RECORDS_URL", f"postgresql://helpdesk:pw@127.0.0.1:{free_port()}/helpdesk")
    app.run()
    msg = ask(app, SHIP)
    app.text_input(key=f"fbc-{msg['id']}").set_value("EU001 Part 3 conditions are missing").run()
    assert not app.exception
    error = shown(app.error[0].value)
    assert error.startswith("Cannot open the records database postgresql://helpdesk:***@127.0.0.1:")
    assert "the server is down" in error and "still on the page" in error and "pw@" not in error
    assert app.text_input(key=f"fbc-{msg['id']}").value == "EU001 Part 3 conditions are missing"
    app.toggle(key="helpdesk").set_value(True).run()          # the draft is shown, its audit entry not recorded yet
    assert not app.exception and "The draft below is not recorded yet" in app.error[0].value
    assert app.text_area(key=f"draft-{msg['id']}").value.startswith("Dear")
    assert msg["id"] not in app.session_state["audited"]


def test_transcripts_and_draft_text(app):
    msg = ask(app, SHIP)
    messages = app.session_state["messages"]
    a = msg["answer"]
    data = json.loads(transcript_json(messages, a.corpus_version))
    assert data["turns"][0]["question"] == SHIP and data["turns"][0]["citations"][0]["quote"] == a.citations[0].quote
    md = transcript_markdown(messages, a.corpus_version)
    assert SHIP in md and a.citations[0].locator in md and a.corpus_version in md
    assert "**" not in draft_reply(a).split("Sources (quoted")[0]        # plain text for an e-mail
    assert [b.label for b in app.download_button if b.label.startswith("Transcript")] == [
        "Transcript (Markdown)", "Transcript (JSON)"]


def test_entry_browser(app):
    app.radio(key="view").set_value("Control list").run()
    assert not app.exception
    app.selectbox(key="cat").set_value("2").run()
    app.selectbox(key="grp").set_value("B").run()
    app.selectbox(key="entry").set_value("2B001").run()
    assert not app.exception
    assert app.subheader[0].value.startswith("2B001 — Machine tools")
    text = rendered(app)
    assert "**2B001.a**" in text and "**2B001.b.1**" in text and "2B001 N.B." in "\n".join(i.value for i in app.info)
    assert {"see-2B001-2B201", "see-2B001-2B002"} <= {b.key for b in app.button}
    terms = next(e for e in app.expander if e.label.startswith("Defined terms"))
    assert "Numerical control" in "\n".join(m.value for m in terms.markdown)
    app.button(key="see-2B001-2B201").click().run()            # not in the fixture's Annex I: says so, stays
    assert app.selectbox(key="entry").value == "2B001" and not app.exception
    assert "2B201 is not an entry" in app.toast[0].value
    app.selectbox(key="item").set_value("2B001.b.1").run()      # an item: the path down to it
    assert "↳ **2B001.b**" in rendered(app) and app.subheader[0].value.startswith("2B001 — ")
    app.text_input(key="browse_q").set_value("machine tools for turning").run()
    assert not app.exception
    app.button(key="hit-2B001").click().run()                  # a search hit opens its entry
    assert app.selectbox(key="entry").value == "2B001"


def test_views_keep_their_state(app):
    msg = ask(app, SHIP)
    app.feedback(key=f"fb-{msg['id']}").set_value(1).run()
    app.radio(key="view").set_value("Control list").run()
    app.selectbox(key="cat").set_value("5").run()
    app.radio(key="view").set_value("Chat").run()
    assert app.feedback(key=f"fb-{msg['id']}").value == 1 and len(app.session_state["messages"]) == 2
    app.radio(key="view").set_value("Control list").run()
    assert app.selectbox(key="cat").value == "5"


def test_answer_opens_its_entry_in_the_browser(app):
    msg = ask(app, "What is 5A002?")
    app.button(key=f"open-{msg['id']}-5A002").click().run()
    assert app.radio(key="view").value == "Control list"
    assert app.subheader[0].value.startswith("5A002 — ")


def test_destination_checker(app):
    app.radio(key="view").set_value("Destination check").run()
    app.text_input(key="dest_code").set_value("2B001")
    app.text_input(key="dest_country").set_value("Canada").run()
    assert not app.exception
    assert "EU001" in app.success[0].value
    assert by(tables(app)[0], "GEA")["EU001"]["Can be used"] == "yes"
    assert "Annex II EU001 Part 2" in rendered(app) and "Canada" in rendered(app)   # the passages, quoted
    app.text_input(key="dest_code").set_value("9A012")
    app.text_input(key="dest_country").set_value("Japan").run()
    assert app.warning or app.success or app.error                                # an outcome, whichever it is
    app.text_input(key="dest_country").set_value("Narnia").run()
    assert "not a country" in app.warning[0].value


def test_coverage_page_lists_every_source(app):
    from ingest.manifest import load_manifest
    app.radio(key="view").set_value("Coverage").run()
    assert not app.exception
    text = rendered(app)
    for s in load_manifest().sources:
        assert f"`{s.id}`" in text
    assert "**Missing:**" in text and "**Covers:**" in text


def test_missing_index_explains_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DUALUSE_DATA", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "not built" in at.error[0].value
    assert "dualuse ingest" in rendered(at) and "scripts/app" in rendered(at)


def test_as_of_date_selects_the_annex_i_version(app):
    # the fixture corpus holds only the 2025 Annex I: an earlier date must not be answered from it
    app.sidebar.date_input(key="as_of").set_value("2024-01-01").run()
    msg = ask(app, "What is 2B001?")
    assert msg["answer"].abstained and "not in this corpus" in msg["answer"].text
    app.sidebar.date_input(key="as_of").set_value(None).run()
    msg = ask(app, "What is 2B001?")
    assert not msg["answer"].abstained and msg["answer"].citations[0].version == "02021R0821-20251115"


@pytest.mark.parametrize("ops,expected", [
    # a deletion is struck through on red, an insertion on green
    ([["equal", "having"], ["delete", "400 mm"], ["insert", "650 mm"]], "having :red-background[~~400 mm~~] :green-background[650 mm]"),
    # Markdown characters of the official text are shown literally
    ([["insert", "*a* [b]"]], r":green-background[\*a\* \[b\]]"),
    # a long unchanged run is shortened in the middle
    ([["equal", " ".join(str(i) for i in range(30))]], "0 1 2 3 4 5 6 7 … 22 23 24 25 26 27 28 29"),
])
def test_diff_markdown(ops, expected):
    from interfaces.ui import diff_markdown
    assert diff_markdown(ops) == expected


# --- the case panel ---------------------------------------------------------------------------------------------

def panel(at: AppTest, name: str):
    """A case-panel widget of the current case revision."""
    key = f"case-{name}-{at.session_state['case_rev']}"
    for kind in ("text_input", "selectbox"):
        found = [w for w in getattr(at, kind) if w.key == key]
        if found:
            return found[0]
    raise KeyError(key)


def update_case(at: AppTest, **values) -> None:
    """Type into the case panel and send its form."""
    for name, value in values.items():
        panel(at, name).set_value(value)
    at.button(key=f"FormSubmitter:case-{at.session_state['case_rev']}-Update the case").click().run()
    assert not at.exception


def test_case_panel_shows_the_facts_with_where_they_came_from(app):
    ask(app, "Can I export 2B001 to Canada?")
    assert panel(app, "code").value == "2B001"
    assert panel(app, "destination").value == "Canada (CA)"
    assert panel(app, "activity").value == "export" and panel(app, "purpose").value is None
    captions = [shown(c.value) for c in app.caption]
    assert "from turn 1: “Canada”" in captions and "from turn 1: “2B001”" in captions


def test_an_edited_destination_is_the_case_of_the_next_question(app):
    ask(app, "Can I export 2B001 to Canada?")
    update_case(app, destination="Brazil")
    assert app.session_state["case"]["destination"]["value"] == {"name": "Brazil", "iso2": "BR"}
    assert "edited in the case panel after turn 1" in [shown(c.value) for c in app.caption]
    msg = ask(app, "and what about the purpose?")
    calls = [t.args for t in msg["answer"].tools if t.name == "check_destination"]
    assert calls == [{"code": "2B001", "country": "Brazil", "purpose": "sale"}]     # the edited case, not Canada
    assert msg["answer"].case["destination"]["words"] == "case panel: Brazil"
    update_case(app, purpose="repair")                                              # a purpose chosen in the panel
    msg = ask(app, "and to Brazil?")
    assert [t.args["purpose"] for t in msg["answer"].tools if t.name == "check_destination"] == ["repair"]
    update_case(app, destination="Narnia", code="2B002")                            # refused whole, typed text kept
    assert any("Narnia' is not a country" in shown(w.value) for w in app.warning)
    assert app.session_state["case"]["destination"]["value"]["iso2"] == "BR"
    assert ui.current_item(app.session_state["case"])["code"]["value"] == "2B001"
    assert panel(app, "destination").value == "Narnia"


def test_new_item_button_starts_another_item(app):
    ask(app, "Can I export 2B001 to Canada?")
    app.button(key="case-new-item").click().run()
    case = app.session_state["case"]
    assert case["current_item"] is None and len(case["items"]) == 1                 # the first item is history
    assert panel(app, "code").value == "" and panel(app, "destination").value == "Canada (CA)"
    update_case(app, description="encryption software")                            # typed in the panel
    case = app.session_state["case"]
    assert [i["id"] for i in case["items"]] == [1, 2] and case["current_item"] == 2
    assert case["items"][1]["description"]["words"] == "case panel: encryption software"
    app.button(key="case-switch-1").click().run()                                   # back to the first item
    assert app.session_state["case"]["current_item"] == 1 and panel(app, "code").value == "2B001"


def test_figures_edited_in_the_panel_go_into_the_case(app):
    ask(app, "Can I export 2B001 to Canada?")
    assert "**Figures:** none stated" in [m.value for m in app.markdown]
    app.toggle(key="case-edit-figures").set_value(True).run()                    # the table to edit them
    app.session_state[f"case-figures-{app.session_state['case_rev']}"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"parameter": "positioning repeatability", "value": 0.8, "unit": "μm"},
                       {"parameter": "axes"}]}                                      # a row still being filled in
    update_case(app)
    figures = app.session_state["case"]["items"][0]["figures"]
    assert figures == [{"parameter": "positioning repeatability", "value": 0.8, "unit": "μm",
                        "words": "case panel: positioning repeatability 0.8 μm", "turn": 1}]
    app.toggle(key="case-edit-figures").set_value(False).run()
    assert shown("\n".join(m.value for m in app.markdown)).count(
        "**Figures:** positioning repeatability 0.8 μm (edited in the case panel after turn 1)") == 1


# --- the answer: determination, checks, questions, sources, why, record ------------------------------------------

def test_determination_checks_are_a_table_under_the_answer(app, turning):
    ask(app, TURNING)
    checks = next(t for t in tables(app) if "The law requires" in t[0])
    assert [r["Parameter"] for r in checks] == ["axes", "positioning repeatability", "kind of machine"]
    assert [r["Result"] for r in checks] == ["✅ met", "❔ unknown", "❌ not met"]
    assert checks[1]["Quote"] == "“with a positioning repeatability equal to or less than 0,9 μm” (Annex I 2B001.a)"
    assert "**Ruled out:** Annex I 2B001.b: a turning machine is not a machine tool for milling" in rendered(app)


def test_questions_form_sends_its_answers_as_the_next_turn(app, turning):
    msg = ask(app, TURNING)
    form = f"ask-{msg['id']}"
    assert app.selectbox(key=f"{form}-0-u").options[:3] == ["μm", "pm", "nm"]        # the question's unit first
    app.number_input(key=f"{form}-0-v").set_value(0.8)
    app.checkbox(key=f"{form}-1-dk").check()
    app.button(key=f"FormSubmitter:{form}-Answer these").click().run()
    assert not app.exception
    turn = "positioning repeatability 0.8 μm; contact lenses don't know"
    messages = app.session_state["messages"]
    assert messages[-2] == {"role": "user", "content": turn} and messages[-1]["answer"].question == turn
    assert messages[-1]["answer"].case["turns"] == 2                               # the same case, one turn on


def test_sources_beyond_the_first_three_are_collapsed(app):
    msg = ask(app, SHIP)
    n = len(msg["answer"].citations)
    assert n > 3
    more = next(e for e in app.expander if shown(e.label).startswith(f"{n - 3} more sources"))
    inside = shown("\n".join(m.value for m in more.markdown))
    assert f"**[4] {msg['answer'].citations[3].locator}**" in inside and "**[3]" not in inside
    chat = shown("\n".join(m.value for m in app.chat_message[-1].markdown))
    assert "**[1]" in chat and "**[3]" in chat


def test_answers_before_the_last_two_are_compact(app):
    msgs = [ask(app, q) for q in ("What is 2B001?", "Can I export 2B001 to Canada?", "and to Brazil?")]
    assert {f.key for f in app.feedback} == {f"fb-{m['id']}" for m in msgs[1:]}     # the first answer drawn compact
    first = app.chat_message[1]
    assert len(app.chat_message) == 6 and "[1]" in shown(first.markdown[0].value)
    caption = shown(first.caption[0].value)
    assert caption.startswith("Sources: [1] " + msgs[0]["answer"].citations[0].locator) and "An earlier answer" in caption


def test_why_this_answer_shows_the_trace(app):
    msg = ask(app, "Can I export 2B001 to Canada?")
    why = next(e for e in app.expander if e.label.endswith("Why this answer"))
    text = shown("\n".join(m.value for m in why.markdown))
    assert "**Rules that fired:** " + " → ".join(msg["answer"].trace["rules"]) in text
    assert "classification: listed" in text and "licensing: gea available" in text
    for f in msg["answer"].trace["facts"]:                              # each fact with the turn and words it came from
        assert f"- {f['fact'].replace('_', ' ')}: " in text
    assert "- destination: Canada — turn 1: “Canada”" in text and "- item.code: 2B001 — turn 1: “2B001”" in text
    assert "- EU003: Part 2 does not list Canada" in text                 # ruled out, and why


def test_record_downloads_and_helpdesk_audit(app, turning, fixture_index):
    msg = ask(app, TURNING)
    assert {b.label for b in app.download_button} >= {"Record (Markdown)", "Record (PDF)", "Record (JSON)"}
    app.toggle(key="helpdesk").set_value(True).run()
    rows = store_for(fixture_index).audit(answer_id=msg["id"])
    assert sorted(r["event"] for r in rows) == ["determination_record", "drafted"]
    record = shown(next(r["draft"] for r in rows if r["event"] == "determination_record"))
    assert "# Determination record" in record and "“with a positioning repeatability equal to or less than 0,9 μm”" in record
    assert record.count("## Checks") == 1 and msg["answer"].corpus_version in record
    app.run()                                                          # recorded once per answer
    assert len(store_for(fixture_index).audit(answer_id=msg["id"])) == 2
    assert "the draft and the determination record" in "\n".join(c.value for c in app.caption)


def test_no_record_without_a_determination(app):
    ask(app, "How long must records of exports be kept?")
    assert not [b for b in app.download_button if b.label.startswith("Record")]


def test_helpdesk_draft_leaves_internal_lines_out(app):
    ask(app, "Can I export 2B001 to Canada?")
    msg = ask(app, "and to Brazil?")
    carried = [c for c in msg["answer"].caveats if c.startswith("Read with the earlier turns")]
    assert carried and carried[0] in msg["answer"].text                  # the chat shows it ...
    app.toggle(key="helpdesk").set_value(True).run()
    draft = app.text_area(key=f"draft-{msg['id']}").value
    assert "Read with the earlier turns" not in draft and "Rules that fired" not in draft       # ... the reply not
    assert msg["answer"].citations[0].quote in draft


def test_hostile_markdown_in_the_question_is_shown_as_text(app):
    msg = ask(app, f"Can I export 2B001 to {HOSTILE} Canada?")
    open_tool_results(app, msg)                      # the tool calls' arguments are the user's words
    assert app.chat_message[-2].text[0].value == msg["answer"].question            # the user's turn: plain text
    for m in list(app.markdown) + list(app.caption):
        assert not re.search(r"(?<!\\)(!\[|<img|\]\(javascript|\[click\])", m.value), m.value
        assert "http://127" not in m.value and "www.evil" not in m.value
    for e in app.expander:
        assert not re.search(r"(?<!\\)(!\[|<img|\[click\])", e.label), e.label


def test_status_line_counts_only_citations_checked_against_the_official_files():
    from assistant.answer import Answer, Citation
    cits = [Citation(1, "Art. 3(1)", "reg-2021-821", "v", "An authorisation shall be required", "https://x"),
            Citation(2, "Page 4", "guide", "v", "Some guidance text here", "", flags=("unverified",))]
    a = Answer("q", "text", cits, [], False, "corpus", seconds=0.25)
    lines, label = ui.status_lines(a)
    assert label == "Answered in 0.25 s · 1 source checked against the official files"
    assert lines[-1] == "📄 1 citation checked verbatim against the official files; 1 not verified (no pinned checksum)"


# --- the destination check -------------------------------------------------------------------------------------

def test_destination_check_purpose_selector_shows_every_outcome(app):
    app.radio(key="view").set_value("Destination check").run()
    app.text_input(key="dest_code").set_value("2B001")
    app.text_input(key="dest_country").set_value("Brazil").run()
    assert "individual or global export authorisation is needed" in app.warning[0].value
    assert "Another purpose would open: EU003 for an export after repair" in app.warning[0].value
    app.radio(key="dest_purpose").set_value("repair").run()
    assert "EU003" in app.success[0].value
    app.text_input(key="dest_code").set_value("6A008").run()            # EU003 covers only 6A008.a
    assert "It depends on the sub-item" in app.info[0].value
    assert "Which sub-item of 6A008 is your item? EU003 covers only 6A008.a." in app.info[0].value
    gea = by(tables(app)[0], "GEA")
    assert gea["EU003"]["Can be used"] == "depends on the sub-item" and gea["EU001"]["Can be used"] == "no"


# --- the helpers ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("![x](http://a.b/c.png)", "!\\[x\\](http:" + ZWSP + "//a.b/c.png)"),   # no image: brackets escaped, no bare URL
    ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),   # no HTML
    ("[a](javascript:alert(1))", "\\[a\\](javascript:alert(1))"),           # no link
    ("see www.evil.test or me@evil.test", "see www" + ZWSP + ".evil.test or me@" + ZWSP + "evil.test"),   # no autolink
    ("# Title\n- item\n1. first\n===", "\\# Title\n\\- item\n1\\. first\n\\==="),   # no heading, list, setext
    ("$x$ and *em* and :red[x]", "\\$x\\$ and \\*em\\* and :red\\[x\\]"),   # no LaTeX, emphasis, directive
    ("0,9 μm; 2.5 GSPS, 12-bit", "0,9 μm; 2.5 GSPS, 12-bit"),                 # ordinary text unchanged
])
def test_literal(text, expected):
    assert literal(text) == expected


def test_answer_markdown_keeps_the_lead_bold_and_the_notice_italic():
    text = f"**Likely yes ![x](u).** Body [1].\n\nWhat decides it: <b>x</b>\n\n*{NOTICE}*"
    assert answer_markdown(text) == (f"**Likely yes !\\[x\\](u).** Body \\[1\\].\n\nWhat decides it: "
                                     f"\\<b\\>x\\</b\\>\n\n*{NOTICE}*")


LONG_NOTE_TEXT = ("Technical Notes: For the purposes of 1C002: 1. 'Vacuum atomisation' is a process to reduce a molten "
                  "stream of metal to droplets of a diameter of 500 μm or less. 2. 'Gas atomisation' is a process to "
                  "reduce a molten stream of metal alloy to droplets of 500 μm diameter or less by a high pressure "
                  "gas stream (see 5A002.a. and 1. below). 3. 'Rotary atomisation' is a process to reduce a stream "
                  "or pool of molten metal to droplets of 500 μm or less by centrifugal force. 1. not a new note.")


@pytest.mark.parametrize("text,parts", [
    # a long note: split before 1., 2., 3. in sequence; "5A002.a." and the out-of-sequence "1." stay inside
    (LONG_NOTE_TEXT, ["Technical Notes: For the purposes of 1C002:", "1. 'Vacuum", "2. 'Gas", "3. 'Rotary"]),
    # a short note stays whole
    ("Technical Note: 1. One. 2. Two.", ["Technical Note: 1. One. 2. Two."]),
    # a long text with one numbered note only stays whole
    ("Note: 1. " + "word " * 100, ["Note: 1. " + "word " * 100]),
])
def test_split_numbered(text, parts):
    got = ui.split_numbered(text)
    assert [g[:len(p)] for g, p in zip(got, parts)] == parts and len(got) == len(parts)
    assert " ".join(got).split() == text.split()                        # nothing lost or reordered


def test_table_markdown_keeps_cells_as_text():
    text = ui.table_markdown([{"GEA": "EU001", "Why": "a | b ![x](http://e.test/x.png)"}, {"GEA": "EU002", "Why": None}])
    assert text.splitlines() == ["| GEA | Why |", "| --- | --- |",
                                 "| EU001 | a \\| b !\\[x\\](http:" + ZWSP + "//e.test/x.png) |", "| EU002 | — |"]


@pytest.mark.parametrize("label,expected", [
    ("MSPS", ("MSPS", "SPS", "kSPS", "GSPS")),            # the question's unit first, then its scaled forms
    ("bit", ("bit",)),                                    # a unit without scaled forms
    ("μm", ("μm", "pm", "nm", "mm", "cm", "m", "km")),
    ("furlongs", ("furlongs",)),                          # a unit we do not know is offered as it is
])
def test_unit_choices(label, expected):
    assert ui.unit_choices(label) == expected


def test_form_fields_and_next_turn():
    questions = [{"parameter": "sample rate", "unit": "MSPS", "threshold": "greater than 400 MSPS",
                  "locator": "Annex I 3A001.a.5.a.3", "quote": "a sample rate greater than 400 MSPS", "text": "Rate?"},
                 {"parameter": "resolution", "unit": "bit", "threshold": "12 bit or more", "locator": "L",
                  "quote": "q", "text": "Resolution?"},
                 {"parameter": "contact lenses", "unit": None, "threshold": None, "locator": "L", "quote": "q",
                  "text": "For contact lenses?"},
                 {"parameter": "classification", "text": "Which entry?"}]
    fields = ui.form_fields(questions)
    assert [f.kind for f in fields] == ["number", "number", "yesno", "text"]
    assert fields[0].help == "Annex I 3A001.a.5.a.3: “a sample rate greater than 400 MSPS”"
    values = [(2.5, "GSPS", False), (None, "bit", True), ("no", None, False), ("3A001.a.5", None, False)]
    assert ui.next_turn(fields, values) == "sample rate 2.5 GSPS; resolution don't know; contact lenses: no; 3A001.a.5"
    assert ui.next_turn(fields, [(None, "MSPS", False)] * 2 + [(None, None, False)] * 2) == ""      # nothing given


def test_case_edits():
    case = ui.with_situation(None, "destination", "japan")
    assert case["destination"] == {"value": {"name": "Japan", "iso2": "JP"}, "words": "case panel: japan", "turn": 0}
    with pytest.raises(ui.EditError, match="not a country"):
        ui.with_situation(case, "destination", "Narnia")
    case = ui.with_item(case, "code", "3a001.a.5.a")                       # a new item, the code made canonical
    assert ui.current_item(case)["code"]["value"] == "3A001.a.5.a"
    with pytest.raises(ui.EditError, match="not an Annex I code"):
        ui.with_item(case, "code", "3A1")
    case = ui.with_situation(case, "purpose", "repair")
    case = ui.with_figures(case, [{"parameter": "sample rate", "value": 2.5, "unit": "GSPS"}])
    kept = ui.with_figures(case, ui.figure_rows(ui.current_item(case)))   # unchanged rows keep their provenance
    assert ui.current_item(kept)["figures"] == ui.current_item(case)["figures"]
    renewed = ui.with_new_item(case)
    assert renewed["current_item"] is None and renewed["purpose"] is None and renewed["destination"]
    assert ui.with_situation(case, "destination", "")["destination"] is None


@pytest.mark.real
def test_long_technical_notes_are_split_per_numbered_note(real_index, monkeypatch):
    monkeypatch.setenv("DUALUSE_DATA", str(real_index.data_dir))
    monkeypatch.setenv("DUALUSE_SOURCES", str(real_index.sources))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.radio(key="view").set_value("Control list").run()
    at.selectbox(key="cat").set_value("1").run()
    at.selectbox(key="grp").set_value("C").run()
    at.selectbox(key="entry").set_value("1C002").run()
    assert not at.exception
    note = next(i.value for i in at.info if i.value.startswith("**1C002 Technical Notes**"))
    paragraphs = shown(note).split("\n\n")
    assert paragraphs[0].endswith("Technical Notes: For the purposes of 1C002:")
    numbered = [p.split(" ", 1)[0] for p in paragraphs[1:]]
    assert numbered[:9] == [f"{n}." for n in range(1, 10)]               # one paragraph per numbered note
    assert paragraphs[1].startswith("1. 'Vacuum atomisation' is a process")


# --- the app's own labels: the browser's language by default, the sidebar's switch over it (issue 12) -------------

def test_labels_are_english_when_the_browser_gives_no_language(app):
    assert app.sidebar.selectbox(key="ui_lang").value == "en"
    assert app.chat_input[0].placeholder == "Ask about Regulation (EU) 2021/821, e.g. Can I export 5A002 to Brazil?"
    assert app.sidebar.radio(key="view").label == "View" and app.sidebar.toggle(key="helpdesk").label == "Helpdesk mode"
    assert app.sidebar.selectbox(key="ui_lang").options == ["English", "Deutsch", "Français", "Italiano", "Español",
                                                            "Nederlands", "Polski"]


def test_the_browser_locale_picks_the_language_and_the_switch_overrides_it(fixture_index, monkeypatch):
    monkeypatch.setenv("DUALUSE_DATA", str(fixture_index.data_dir))
    monkeypatch.setenv("DUALUSE_SOURCES", str(FIXTURE_SOURCES))
    monkeypatch.delenv("DUALUSE_LLM", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.context = {"locale": "fr-FR"}                       # navigator.language of a French browser
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="ui_lang").value == "fr"
    assert at.sidebar.radio(key="view").label == "Vue"
    assert at.sidebar.radio(key="view").options == ["Discussion", "Liste de contrôle", "Vérifier une destination",
                                                    "Couverture"]
    assert at.chat_input[0].placeholder.startswith("Posez")
    at.sidebar.selectbox(key="ui_lang").set_value("en").run()      # the switch wins over the browser, and stays
    at.sidebar.radio(key="view").set_value("Coverage").run()
    assert at.sidebar.selectbox(key="ui_lang").value == "en" and at.sidebar.radio(key="view").label == "View"
    assert "**Annex I versions**" in [m.value for m in at.markdown]


def test_german_labels_around_an_english_answer(app):
    app.sidebar.selectbox(key="ui_lang").set_value("de").run()
    assert app.chat_input[0].placeholder == ("Fragen Sie zur Verordnung (EU) 2021/821, z. B. Darf ich 5A002 nach "
                                             "Brasilien ausführen?")
    assert app.sidebar.radio(key="view").label == "Ansicht"
    assert app.sidebar.radio(key="view").options == ["Chat", "Kontrollliste", "Bestimmungsland prüfen", "Abdeckung"]
    assert app.sidebar.toggle(key="helpdesk").label == "Helpdesk-Modus"
    assert app.sidebar.date_input(key="as_of").label == "Anhang I mit Stand vom"
    msg = ask(app, SHIP)
    a = msg["answer"]
    assert a.language == "en" and "Likely yes" in a.text           # the answer keeps the language of its question
    assert f"**Quellen · {len(a.citations)} Textstellen wörtlich zitiert**" in rendered(app)
    assert app.chat_message[-1].expander[0].label.startswith("Beantwortet in ")
    assert f"**[1] {a.citations[0].locator}** · `{a.citations[0].source}` · Fassung {a.citations[0].version}" in \
        rendered(app)                                              # the locator and version id as the texts have them
    assert "#### 🗂️ Der Fall" in [m.value for m in app.markdown]
    app.sidebar.radio(key="view").set_value("Destination check").run()     # the view's value stays ?view=<English>
    assert "### 🌍 Bestimmungsland prüfen" in [m.value for m in app.markdown]
    assert app.text_input(key="dest_country").label == "Bestimmungsland"


def test_a_german_question_on_an_english_page(app):
    msg = ask(app, "Darf ich 2B001 nach Kanada ausführen?")
    a = msg["answer"]
    assert a.language == "de" and a.citations
    assert f"**Sources · {len(a.citations)} passages quoted verbatim**" in rendered(app)    # the page stays English
