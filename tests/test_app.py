"""The Streamlit app through AppTest, with the real Assistant on the fixture index (real BM25, Chroma and embeddings):
chat with cited answers and follow-ups, abstention, feedback and helpdesk records in the records database (and a clear
message, with the user's text kept, when it cannot be written), the control-list browser,
the destination checker, the coverage page, and the message shown when no index is built."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from assistant.answer import CANNOT_ANSWER, NOTICE
from assistant.quotes import is_verbatim
from interfaces.records import store_for
from interfaces.ui import draft_reply, transcript_json, transcript_markdown
from ingest.index import serving_build
from ingest.store import Store
from tests.conftest import FIXTURE_SOURCES, ROOT

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


def rendered(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


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
    shown = "\n".join(m.value for m in chat.markdown)
    assert "[1]" in shown and f"**[1] {a.citations[0].locator}**" in shown and a.citations[0].version in shown
    assert app.status[-1].label.startswith("Answered")
    assert any(t.name == "check_destination" for t in a.tools)
    assert any(e.label.startswith("🔧 Tool results: check_destination") for e in app.expander)
    assert any("EU001" in str(df.value) for df in app.dataframe)          # the GEA table, not raw JSON only


def test_follow_up_keeps_the_item(app):
    ask(app, "Can I export 2B001 to Canada?")
    msg = ask(app, "and to Brazil?")
    calls = [t for t in msg["answer"].tools if t.name == "check_destination"]
    assert calls and calls[0].args == {"code": "2B001", "country": "Brazil", "purpose": "sale"}


def test_example_button_asks_it(app):
    app.button(key=f"ex-{SHIP}").click().run()
    assert not app.exception
    assert app.session_state["messages"][-1]["answer"].question == SHIP
    assert "[1]" in app.chat_message[-1].markdown[-1].value or "[1]" in rendered(app)


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
    audit = store_for(fixture_index).audit(answer_id=msg["id"])
    assert len(audit) == 1 and audit[0]["event"] == "drafted"
    assert audit[0]["question"] == SHIP and audit[0]["corpus_version"] == a.corpus_version
    assert [s["locator"] for s in audit[0]["sources"]] == [c.locator for c in a.citations]
    app.run()                                                 # a rerun does not audit the same draft twice
    assert len(store_for(fixture_index).audit(answer_id=msg["id"])) == 1


def test_records_database_down_shows_the_error_and_keeps_the_text(app, monkeypatch):
    from tests.throwaway import free_port
    monkeypatch.setenv("DUALUSE_RECORDS_URL", f"postgresql://helpdesk:pw@127.0.0.1:{free_port()}/helpdesk")
    app.run()
    msg = ask(app, SHIP)
    app.text_input(key=f"fbc-{msg['id']}").set_value("EU001 Part 3 conditions are missing").run()
    assert not app.exception
    shown = app.error[0].value
    assert shown.startswith("Cannot open the records database postgresql://helpdesk:***@127.0.0.1:")
    assert "the server is down" in shown and "still on the page" in shown and "pw@" not in shown
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
    assert [b.label for b in app.download_button][:2] == ["Transcript (Markdown)", "Transcript (JSON)"]


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
    table = app.dataframe[0].value
    assert table.set_index("GEA").loc["EU001", "Can be used"] == "yes"
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
