"""The optional LLM layer (assistant/llm.py): it may only rephrase an extractive answer over the passages already
cited, and anything it writes is checked before it replaces the extractive text; every failure keeps the
extractive answer, with a caveat saying why.

Real components throughout (the fixture index, `Assistant`, `ChatOpenAI`, `ChatOllama`); the only stand-ins are
langchain's own fake chat models and small HTTP servers on 127.0.0.1 speaking the OpenAI and Ollama APIs. No test
makes a network call beyond loopback.

Decision on a bad DUALUSE_LLM value: `chat_model` raises a ValueError with a clear message (for a caller that builds
the model itself), but `Assistant.answer` does not surface it: the extractive answer is complete on its own, so it
comes back with a caveat carrying the same message ("LLM layer not configured (...)"), as it does when the optional
connector is not installed. A typo in the setting must not take the assistant down. The value is read without regard
to case or surrounding spaces ("OpenAI", "None")."""
from __future__ import annotations

import dataclasses
import json
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import Field

from assistant import llm
from assistant.answer import NOTICE, Answer
from assistant.core import Assistant
from assistant.llm import NO_ANSWER, chat_model, check, rephrase
from ingest.settings import Settings, SettingsError

QUESTION = "Can I export 2B001 to Canada?"
# A faithful rewrite of the extractive answer to QUESTION, each passage cited by the number the answer gave it (the
# `numbers` fixture), quoting only passage words.
GOOD = ("**Likely yes, under Union general export authorisation EU001, if you meet its conditions.** "
        "Items listed in Annex I, such as 2B001, need an authorisation to be exported [{art3}][{entry}]. EU001 covers "
        "2B001 [{items}], and Canada is one of its destinations [{dest}]. You must declare “that the items are being "
        "exported under Union general export authorisation No EU001 in the customs declaration” [{cond}].")
PASSAGES = {"art3": "Art. 3(1)", "entry": "Annex I 2B001", "items": "Annex II EU001 Part 1",
            "dest": "Annex II EU001 Part 2", "cond": "Annex II EU001 Part 3"}


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Requests to 127.0.0.1 must never go through a proxy configured in the environment."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture(scope="module")
def base(fixture_index) -> Assistant:
    """The extractive assistant over the fixture index (its Library is shared by every variant below)."""
    assert fixture_index.llm.provider == "none"
    return Assistant(fixture_index)


@pytest.fixture(scope="module")
def extractive(base) -> Answer:
    a = base.answer(QUESTION)
    assert not a.abstained and sorted(c.locator for c in a.citations) == sorted(PASSAGES.values())
    assert "\n\nSources: " in a.text and NOTICE in a.text and not a.caveats
    return a


@pytest.fixture(scope="module")
def numbers(extractive) -> dict[str, int]:
    n = {c.locator: c.n for c in extractive.citations}
    return {key: n[locator] for key, locator in PASSAGES.items()}


@pytest.fixture(scope="module")
def good(numbers) -> str:
    return GOOD.format(**numbers)


def variant(base: Assistant, **changes) -> Assistant:
    """An Assistant with other LLM settings over the same index (Settings is frozen: Settings.replace)."""
    return Assistant(base.settings.replace(**changes), library=base.library)


def fake(*replies: str) -> FakeListChatModel:
    return FakeListChatModel(responses=list(replies))


def sources_line(answer: Answer) -> str:
    return next(p for p in answer.text.split("\n\n") if p.startswith("Sources: "))


def unavailable(answer: Answer) -> str:
    """The exception named by the single 'LLM layer unavailable (...)' caveat (openai's class names vary by version:
    APIConnectionError in 1.x, OpenAIConnectionError in 3.x), or '' when there is no such caveat."""
    (caveat,) = answer.caveats
    m = re.fullmatch(r"LLM layer unavailable \((\w+)\); extractive answer shown\.", caveat)
    return m.group(1) if m else ""


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --- 1. rephrase() with langchain's fake chat model on a real extractive answer -------------------------------------

def test_well_formed_reply_replaces_the_text(extractive, fixture_index, good):
    out = rephrase(extractive, fixture_index, model=fake(good))
    assert out.text.startswith(good)
    assert out.citations == extractive.citations                      # same passages, same numbers
    assert sources_line(out) == sources_line(extractive)              # the corpus versions line survives
    assert out.text.rstrip().endswith(f"*{NOTICE}*")                  # and so does the notice, last
    assert out.caveats == ["Rephrased by FakeListChatModel; citations checked."]
    assert out.question == extractive.question and out.tools == extractive.tools
    assert extractive.caveats == [] and extractive.text.startswith("**Likely yes")   # the original is untouched


@pytest.mark.parametrize("reply, why", [
    # (b) a citation number that is not one of the retrieved passages
    (GOOD.replace("[{cond}]", "[77]"), "cites [77], which is not a retrieved passage"),
    # (c) words in quotation marks that no cited passage contains
    (GOOD.replace("“that the items", "“that no licence is needed once the items"),
     "quotes words that are not in the passages"),
    # (d) no citation at all
    ("**Likely yes.** EU001 covers 2B001 and Canada is one of its destinations.", "no citation"),
    # (e) a 'not controlled' conclusion the extractive answer never drew
    ("**2B001 is not controlled for Canada.** Canada is an EU001 destination [{dest}].",
     "declares an item not controlled"),
    # (f) the model says the passages do not answer
    (NO_ANSWER, "no answer"),
])
def test_bad_reply_keeps_the_extractive_answer(extractive, fixture_index, numbers, reply, why):
    out = rephrase(extractive, fixture_index, model=fake(reply.format(**numbers)))
    assert out.text == extractive.text
    assert out.citations == extractive.citations
    assert out.caveats == [f"LLM output rejected ({why}); extractive answer shown."]


def test_not_controlled_is_rejected_on_a_controlled_question(base, fixture_index):
    """On an 'Is X controlled?' answer, the model may not conclude that the item is not controlled."""
    a = base.answer("Is a lathe controlled?")
    assert a.intent in ("controlled", "classification") and a.citations and "not controlled" not in a.text.lower()
    out = rephrase(a, fixture_index, model=fake("**A lathe is not controlled.** The closest entry is 2B001 [2]."))
    assert out.text == a.text
    assert out.caveats[-1] == "LLM output rejected (declares an item not controlled); extractive answer shown."


def test_a_model_that_raises_keeps_the_extractive_answer(extractive, fixture_index):
    broken = FakeListChatModel(responses=[])                        # IndexError on the first call
    out = rephrase(extractive, fixture_index, model=broken)
    assert out.text == extractive.text
    assert out.caveats == ["LLM layer unavailable (IndexError); extractive answer shown."]


class _MustNotBeCalled(FakeListChatModel):
    def _call(self, *args, **kwargs):
        pytest.fail("an abstained or uncited answer was sent to the model")   # BaseException: escapes the fallback


def test_an_abstained_answer_is_never_sent(base, monkeypatch):
    built = []
    monkeypatch.setattr(llm, "chat_model", lambda settings: built.append(settings) or _MustNotBeCalled(responses=["unused"]))
    a = variant(base, llm="openai", llm_base_url=f"http://127.0.0.1:{closed_port()}/v1").answer(
        "What is the capital of France?")
    assert a.abstained and not a.citations and not a.caveats
    assert a.text == base.answer("What is the capital of France?").text
    assert built == []                                                # not even built


def test_rephrase_itself_refuses_abstained_or_uncited_answers(extractive, fixture_index):
    model = _MustNotBeCalled(responses=["unused"])
    abstained = dataclasses.replace(extractive, abstained=True)
    assert rephrase(abstained, fixture_index, model=model) is abstained
    uncited = dataclasses.replace(extractive, citations=[])
    assert rephrase(uncited, fixture_index, model=model) is uncited


class _Recording(FakeListChatModel):
    """FakeListChatModel that also keeps the messages it was sent."""
    seen: list = Field(default_factory=list)

    def _call(self, messages, *args, **kwargs):
        self.seen.append(messages)
        return super()._call(messages, *args, **kwargs)


def test_the_prompt_holds_the_question_draft_and_numbered_passages(extractive, fixture_index, good):
    model = _Recording(responses=[good])
    rephrase(extractive, fixture_index, model=model)
    (messages,) = model.seen
    system, human = messages
    assert (system.type, human.type) == ("system", "human")
    assert "ends with the number of the passage that supports it, like [1]" in system.content
    assert "never cite a number that is not listed" in system.content
    assert NO_ANSWER in system.content and "not controlled" in system.content
    assert f"Question: {QUESTION}" in human.content
    assert "Draft answer:\n**Likely yes" in human.content
    assert "Sources:" not in human.content and NOTICE not in human.content      # the draft stops before them
    for c in extractive.citations:
        assert f"[{c.n}] {c.locator}: “{c.quote}”" in human.content


# --- 2. check(), row by row -------------------------------------------------------------------------------------------

def _stated(answer: Answer) -> Answer:
    return dataclasses.replace(answer, text="**2B001.x is not controlled.** " + answer.text)


CHECK_ROWS = [
    # an empty reply
    ("", None, "no answer"),
    # the refusal token, alone or inside other text
    (NO_ANSWER, None, "no answer"),
    (f"I am sorry. {NO_ANSWER}", None, "no answer"),
    # no [n] marker anywhere
    ("EU001 covers 2B001.", None, "no citation"),
    # markers in another style are not citations
    ("EU001 covers 2B001 (1).", None, "no citation"),
    # a number beyond the list
    ("EU001 covers 2B001 [60].", None, "cites [60], which is not a retrieved passage"),
    # [0] is not a passage either
    ("EU001 covers 2B001 [0].", None, "cites [0], which is not a retrieved passage"),
    # one good and one invented number: the invented one is named
    ("EU001 covers 2B001 [3][99].", None, "cites [99], which is not a retrieved passage"),
    # a verbatim quote in curly quotes
    ("Article 3 says “An authorisation shall be required for the export of fixture items listed in Annex I” [1].",
     None, ""),
    # a verbatim quote in straight quotes
    ('Article 3 says "An authorisation shall be required for the export of fixture items" [1].', None, ""),
    # case, spacing and dashes are folded before comparing
    ("The list reads “Part 2 — Destinations   this authorisation is VALID throughout the customs territory” [4].",
     None, ""),
    # straight quotes also mark defined terms: the text between two terms is not a quotation
    ('Machines with "CNC" controllers or with "numerical control" are covered [2].', None, ""),
    # a quote that is not in any passage
    ("Article 3 says “no authorisation is required for exports to Canada” [1].", None,
     "quotes words that are not in the passages"),
    # a quote assembled from pieces joined by an ellipsis: each piece is verbatim
    ("EU001 is “valid throughout the customs territory of the Union … for exports to the following destinations” [4].",
     None, ""),
    # ... but one invented piece is enough to reject it
    ("EU001 is “valid throughout the customs territory of the Union … and requires no declaration at all” [4].",
     None, "quotes words that are not in the passages"),
    # quotes shorter than 12 characters are not checked (a term, not a quotation of law)
    ("2B001 covers “CNC lathes” [2].", None, ""),
    # 'not controlled' when the extractive answer never said it
    ("2B001 is not controlled [2].", None, "declares an item not controlled"),
    # ... whatever the case
    ("2B001 is Not Controlled [2].", None, "declares an item not controlled"),
    # ... or the synonym
    ("2B001 machines are uncontrolled [2].", None, "declares an item not controlled"),
    # ... or 'not subject to (export) control(s)'
    ("2B001 is not subject to export controls [2].", None, "declares an item not controlled"),
    # 'not controlled' that the extractive answer itself states may be repeated
    ("2B001.x is not controlled [2].", _stated, ""),
]


def test_check_passes_the_good_rewrite(extractive, good):
    assert check(good, extractive) == ""


@pytest.mark.parametrize("text, adapt, why", CHECK_ROWS)
def test_check(extractive, text, adapt, why):
    assert check(text, adapt(extractive) if adapt else extractive) == why


WARNING = "A missing match does not mean the item is free to export: ask your competent authority for a classification if unsure."


@pytest.fixture(scope="module")
def lathe(base) -> Answer:
    a = base.answer("Is a lathe controlled?")
    assert a.intent in ("controlled", "classification") and a.citations and WARNING in a.text
    return a


@pytest.mark.parametrize("text, why", [
    # the extractive warning, repeated word for word, is fine
    (f"**Possibly listed: the closest entry is 2B001 [2].** {WARNING}", ""),
    # ... but the model may not conclude "not controlled"
    ("**A lathe is not controlled** [2].", "declares an item not controlled"),
    (f"**A lathe is not controlled** [2]. {WARNING}", "declares an item not controlled"),
    # ... nor a reworded warning that says it in the model's own words
    ('A lathe that matches no entry is "not controlled" [2].', "declares an item not controlled"),
])
def test_check_on_the_not_controlled_warning(lathe, text, why):
    assert check(text, lathe) == why


# Questions over the fixture corpus of every intent that cites passages.
FAITHFUL = [QUESTION, "Is a lathe controlled?", "Is encryption software controlled?", "Are drones controlled?",
            "What does 2B001 cover?", "What does Article 4 say?", "Is a toaster controlled?",
            "Our sales office signs the contract with the foreign customer but a freight forwarder files the customs "
            "paperwork. Who is the 'exporter'?", "Which countries does EU001 cover?"]


@pytest.mark.parametrize("question", FAITHFUL)
def test_a_model_that_returns_the_draft_unchanged_is_accepted(base, fixture_index, question):
    """The prompt asks the model to keep the bold first line, which often quotes the provision beyond its citation's
    (shortened) quote, and the Annex I wording is full of straight-quoted defined terms: a faithful reply must pass."""
    a = base.answer(question)
    assert a.citations and not a.abstained
    draft = a.text.split("\n\nSources:")[0]
    assert check(draft, a) == ""
    out = rephrase(a, fixture_index, model=fake(draft))
    assert out.text == a.text and out.caveats == a.caveats + ["Rephrased by FakeListChatModel; citations checked."]


# --- 3. an OpenAI-compatible server on loopback -----------------------------------------------------------------------

class FakeServer:
    """A chat server on 127.0.0.1 (port 0, own thread): mode 'ok' replies `reply`, '500' fails, 'slow' stalls until
    the test ends. Every request is recorded (path, headers, JSON body). `api` is 'openai' or 'ollama'."""

    def __init__(self, reply: str = "", mode: str = "ok", api: str = "openai"):
        self.mode, self.reply, self.api = mode, reply, api
        self.requests: list[dict] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                if server.mode == "slow":
                    server.release.wait(10)
                if server.mode == "500":
                    return self._send(500, {"error": {"message": "boom", "type": "server_error"}})
                if server.api == "ollama":
                    return self._ollama(body)
                self._send(200, {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": server.reply}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

            def _ollama(self, body):
                done = {"model": body.get("model"), "created_at": "2025-01-01T00:00:00Z", "done": True,
                        "done_reason": "stop", "message": {"role": "assistant", "content": server.reply}}
                if body.get("stream"):
                    lines = json.dumps(done) + "\n"
                    return self._send(200, lines.encode(), "application/x-ndjson")
                self._send(200, done)

            def _send(self, status, payload, ctype="application/json"):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:                              # the client gave up (timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}" + ("/v1" if self.api == "openai" else "")


def openai_settings(url: str, timeout: float = 10.0) -> dict:
    return dict(llm="openai", llm_base_url=url, llm_model="test-model", llm_api_key="x", llm_timeout=timeout)


def test_chat_model_builds_chat_openai():
    from langchain_openai import ChatOpenAI
    m = chat_model(Settings(llm="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="test-model",
                            llm_api_key="x", llm_timeout=3.0))
    assert isinstance(m, ChatOpenAI)
    assert (m.model_name, str(m.openai_api_base), m.request_timeout, m.max_retries) == (
        "test-model", "http://127.0.0.1:9/v1", 3.0, 0)
    assert m.openai_api_key.get_secret_value() == "x"


def test_full_path_through_an_openai_server(base, extractive, good):
    with FakeServer(good) as server:
        a = variant(base, **openai_settings(server.url)).answer(QUESTION)
    assert a.text.startswith(good) and a.text.endswith(f"*{NOTICE}*")
    assert sources_line(a) == sources_line(extractive)
    assert a.citations == extractive.citations
    assert a.caveats == ["Rephrased by ChatOpenAI test-model; citations checked."]
    (req,) = server.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"].get("authorization") == "Bearer x"
    body = req["body"]
    assert body["model"] == "test-model" and not body.get("stream")
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "ends with the number of the passage" in system["content"] and "never cite a number" in system["content"]
    assert f"Question: {QUESTION}" in user["content"]
    for c in extractive.citations:
        assert f"[{c.n}] {c.locator}: “{c.quote}”" in user["content"]


def test_full_path_rejects_an_invented_citation(base, extractive, numbers):
    with FakeServer(GOOD.format(**{**numbers, "dest": 42})) as server:
        a = variant(base, **openai_settings(server.url)).answer(QUESTION)
    assert len(server.requests) == 1
    assert a.text == extractive.text
    assert a.caveats == ["LLM output rejected (cites [42], which is not a retrieved passage); extractive answer shown."]


def test_server_error_falls_back_quickly(base, extractive):
    with FakeServer(mode="500") as server:
        a = variant(base, **openai_settings(server.url, timeout=10.0)).answer(QUESTION)
    assert len(server.requests) == 1                                  # max_retries=0: one attempt
    assert a.text == extractive.text
    assert unavailable(a) and "Timeout" not in unavailable(a) and "Connection" not in unavailable(a)
    assert a.seconds < 3


def test_no_server_falls_back_quickly(base, extractive):
    a = variant(base, **openai_settings(f"http://127.0.0.1:{closed_port()}/v1", timeout=10.0)).answer(QUESTION)
    assert a.text == extractive.text
    assert "ConnectionError" in unavailable(a)
    assert a.seconds < 3


def test_slow_server_times_out(base, extractive):
    with FakeServer(mode="slow") as server:
        a = variant(base, **openai_settings(server.url, timeout=1.0)).answer(QUESTION)
    assert len(server.requests) == 1
    assert a.text == extractive.text
    assert "TimeoutError" in unavailable(a)
    assert 1.0 <= a.seconds < 4


# --- 4. Ollama ------------------------------------------------------------------------------------------------------

def test_chat_model_builds_chat_ollama():
    from langchain_ollama import ChatOllama
    port = closed_port()
    m = chat_model(Settings(llm="ollama", llm_base_url=f"http://127.0.0.1:{port}", llm_timeout=2.5))
    assert isinstance(m, ChatOllama)
    assert (m.model, m.base_url) == ("llama3.1", f"http://127.0.0.1:{port}")
    assert m.client_kwargs == {"timeout": 2.5}


def test_ollama_not_running_falls_back(base, extractive):
    a = variant(base, llm="ollama", llm_base_url=f"http://127.0.0.1:{closed_port()}", llm_timeout=10.0).answer(QUESTION)
    assert a.text == extractive.text
    assert unavailable(a) == "ConnectError"
    assert a.seconds < 3


def test_full_path_through_an_ollama_server(base, extractive, good):
    with FakeServer(good, api="ollama") as server:
        a = variant(base, llm="ollama", llm_base_url=server.url, llm_model="tiny", llm_timeout=10.0).answer(QUESTION)
    assert a.text.startswith(good) and a.citations == extractive.citations
    assert a.caveats == ["Rephrased by ChatOllama tiny; citations checked."]
    (req,) = server.requests
    assert req["path"] == "/api/chat" and req["body"]["model"] == "tiny"
    assert f"Question: {QUESTION}" in req["body"]["messages"][1]["content"]


def test_slow_ollama_times_out(base, extractive):
    with FakeServer(mode="slow", api="ollama") as server:
        a = variant(base, llm="ollama", llm_base_url=server.url, llm_timeout=1.0).answer(QUESTION)
    assert a.text == extractive.text
    assert unavailable(a) == "ReadTimeout"
    assert 1.0 <= a.seconds < 4


# --- 5. a bad DUALUSE_LLM -----------------------------------------------------------------------------------------------

def test_bad_llm_setting_is_a_clear_error_at_start(monkeypatch):
    monkeypatch.setenv("DUALUSE_LLM", "olama")
    with pytest.raises(SettingsError) as e:
        Settings.from_env()
    assert str(e.value) == "Settings error: DUALUSE_LLM='olama' must be none, ollama or openai"
    with pytest.raises(SettingsError):
        Settings(llm="gpt4")


def test_a_missing_connector_falls_back_with_the_message(base, extractive, monkeypatch):
    monkeypatch.setitem(sys.modules, "langchain_ollama", None)          # as if the optional extra were not installed
    a = variant(base, llm="ollama", llm_base_url=f"http://127.0.0.1:{closed_port()}").answer(QUESTION)
    assert a.text == extractive.text
    (caveat,) = a.caveats
    assert caveat.startswith("LLM layer not configured (") and "langchain_ollama" in caveat


def test_llm_setting_is_read_case_insensitively(base, extractive):
    from langchain_openai import ChatOpenAI
    assert isinstance(chat_model(Settings(llm=" OpenAI ")), ChatOpenAI)
    a = variant(base, llm="None").answer(QUESTION)                     # means none: no caveat, nothing attempted
    assert a.text == extractive.text and a.caveats == []


# --- 6. the guard by meaning: a generated family of adversarial and faithful replies ------------------------------------
# tests/llm_family.py builds the replies (statement templates x outcomes x seven languages x placements) and says, by
# hand, which statements are false for which answer. Every statement runs in two of the six placements (rotating), so
# each placement meets every kind; bench/llm_guard.py runs all six and writes the figures.

from tests import llm_family as family                                        # noqa: E402


@pytest.fixture(scope="module")
def family_answers(base) -> dict[str, Answer]:
    return {q: base.answer(q) for q in {c.question for c in family.CASES} | {q for q, _, _ in family.WRITTEN_FALSE}
            | {q for q, _ in family.WRITTEN_FAITHFUL}}


def _sampled(replies: list[dict]) -> list[dict]:
    """Each statement in two of the six placements, rotating with the statement: every placement meets every kind."""
    n = len(family.PLACEMENTS)
    return [r for i, r in enumerate(replies) if (i // n + i % n) % 3 == 0]


def test_no_false_statement_of_the_family_is_accepted(family_answers):
    replies = [(r, family_answers[c.question]) for c in family.CASES
               for r in _sampled(family.replies(family_answers[c.question], c, "false"))]
    accepted = [(r["case"], r["language"], r["placement"], r["claim"]) for r, a in replies if not check(r["reply"], a)]
    assert len(replies) > 1500 and accepted == []
    assert {r["language"] for r, _ in replies} == set(family.LANGUAGES)
    assert {r["placement"] for r, _ in replies} == set(family.PLACEMENTS)


def test_faithful_rephrasings_of_the_family_are_accepted(family_answers):
    replies = [(r, family_answers[c.question]) for c in family.CASES
               for r in _sampled(family.replies(family_answers[c.question], c, "true"))]
    rejected = [(r["case"], r["language"], r["placement"], r["claim"], check(r["reply"], a))
                for r, a in replies if check(r["reply"], a)]
    assert len(replies) > 600 and rejected == []


@pytest.mark.parametrize("question, statement, _", family.WRITTEN_FALSE,
                         ids=[f"{q[:18]}|{s[:40]}" for q, s, _ in family.WRITTEN_FALSE])
def test_written_false_statements_are_rejected(family_answers, question, statement, _):
    a = family_answers[question]
    for reply in (f"{statement.rstrip('.')} [{a.citations[-1].n}].",
                  a.text.split("\n\n")[0].split("**")[1].join(["**", "** "]) + f"{statement.rstrip('.')} [{a.citations[0].n}]."):
        assert check(reply, a) != "", reply


@pytest.mark.parametrize("question, reply", family.WRITTEN_FAITHFUL,
                         ids=[f"{q[:18]}|{r[2:40]}" for q, r in family.WRITTEN_FAITHFUL])
def test_written_faithful_rewrites_are_accepted(family_answers, question, reply):
    a = family_answers[question]
    assert check(family.with_numbers(reply, a), a) == ""


@pytest.mark.parametrize("language", sorted(family.UNREAD))
def test_a_reply_in_a_language_the_check_does_not_read_is_rejected(family_answers, language):
    a = family_answers["Can I export 2B001 to Canada?"]
    reply = family.UNREAD[language].format(item="2B001") + f" [{a.citations[-1].n}]."
    assert re.fullmatch(r"a sentence is in [\w ]+, which the check does not read: .*", check(reply, a))


# The five statements of the issue's fake model, four of which main accepted (it only knew "not controlled").
ISSUE = ["You can export 5A002 to Iran without any authorisation [{n}].",
         "No licence is required to ship 5A002 to Iran [{n}].",
         "EU008 covers exports of 5A002 to Iran [{n}].",
         "Iran is not subject to any EU sanctions [{n}].",
         "5A002 is not controlled [{n}]."]


@pytest.mark.parametrize("statement", ISSUE)
def test_the_issues_false_statements_are_rejected(family_answers, fixture_index, statement):
    a = family_answers["Can I export 5A002 to Iran?"]
    reply = statement.format(n=a.citations[-1].n)
    out = rephrase(a, fixture_index, model=fake(reply))
    assert out.text == a.text and out.caveats[-1].startswith("LLM output rejected (")
