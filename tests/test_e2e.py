"""The app in a real browser: `streamlit run app.py` on a free loopback port with the fixture index, driven by
Playwright in Debian's headless Chromium. A question typed in the chat gets a cited answer and a determination whose
record downloads as a PDF holding the quotes; hostile Markdown typed in the question and in a case field renders as
text (no link, no image, no HTML) and makes no request: every request the page makes is recorded, a canary server on
another loopback port counts the fetches of the addresses in the hostile text, and any request to an address other
than 127.0.0.1 is aborted before it leaves (and fails the test)."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

from tests.conftest import FIXTURE_SOURCES, ROOT
from tests.throwaway import free_port

NO_CHROMIUM = "chromium is not installed (apt-get install -y chromium fonts-noto-color-emoji)"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(shutil.which("chromium") is None, reason=NO_CHROMIUM)]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
QUESTION = "Can we ship a 2B001 machine tool to Canada under a general authorisation?"
ZWSP = "\u200b"


@pytest.fixture
def server(fixture_index, tmp_path):
    port = free_port()
    env = dict(os.environ, DUALUSE_DATA=str(fixture_index.data_dir), DUALUSE_SOURCES=str(FIXTURE_SOURCES),
               DUALUSE_LLM="none", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start: {(tmp_path / 'streamlit.log').read_text()[-2000:]}")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def canary():
    """A server on another loopback port that counts every request: the addresses in the hostile text point here."""
    hits: list[str] = []

    class Count(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Count)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def browser_page(tmp_path_factory):
    """A Chromium page whose every request is recorded; one to any host but 127.0.0.1 is aborted. Its browser is
    English (navigator.language and Accept-Language en-US), whatever the machine's locale."""
    yield from chromium_page(tmp_path_factory, "en-US")


@pytest.fixture
def german_page(tmp_path_factory):
    """The same page in a browser set to German."""
    yield from chromium_page(tmp_path_factory, "de-DE")


def chromium_page(tmp_path_factory, locale: str):
    from playwright.sync_api import sync_playwright
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True,
                                          locale=locale)
            context.route("**/*", guard)
            page = context.new_page()
            page.requests = []
            page.on("request", lambda r: page.requests.append(r.url))
            yield page, outside, tmp_path_factory.mktemp("test-artifacts")
        finally:
            browser.close()


IDLE = "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"


def ask(page, question: str):
    """Type a question once the app is idle, and wait for its answer: the app idle again with one more answer drawn
    (its feedback box present)."""
    page.wait_for_function(IDLE, timeout=60_000)
    comments = page.get_by_placeholder("Optional comment on this answer")
    before = comments.count()
    box = page.get_by_placeholder("Ask about Regulation")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"n => ({IDLE})() && document.querySelectorAll("
                           "'input[placeholder^=\"Optional comment\"]').length > n", arg=before, timeout=90_000)
    return page.get_by_test_id("stChatMessageContent").last


def test_chat_in_the_browser_and_the_pdf_record(server, browser_page):
    from pypdf import PdfReader
    page, outside, artifacts = browser_page
    page.goto(server)
    page.get_by_placeholder("Ask about Regulation").wait_for(timeout=60_000)
    answer = ask(page, QUESTION)
    text = answer.inner_text()
    assert "[1]" in text and "EU001" in text
    assert re.search(r"\[1\] (Art\. \d+|Annex I+ )", text), text[:2000]        # the first source, by its locator
    assert "Annex II EU001 Part 2" in text and "official text" in text
    assert page.get_by_text("sources checked against the official files").count() == 1
    assert page.get_by_label("Annex I code").first.input_value() == "2B001"          # the case panel
    tools = page.get_by_test_id("stExpander").filter(has_text="Tool results")
    assert tools.count() == 1 and "Raw result" not in tools.text_content()  # drawn when opened, not before
    tools.get_by_text("Tool results").click()
    page.wait_for_function(IDLE, timeout=60_000)
    tools.get_by_text("Raw result").first.wait_for(timeout=60_000)
    assert "EU001" in tools.inner_text()                                     # the GEA table of check_destination
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Record (PDF)").click()
    path = artifacts / "record.pdf"
    download.value.save_as(path)
    pdf = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages))
    assert "Determination record" in pdf and "Listed in Annex I — Annex I 2B001" in pdf
    assert "“Part 1 – Items This authorisation covers all dual-use items specified in any entry in Annex I" in pdf
    page.screenshot(path=str(artifacts / "chat.png"))
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    print(f"screenshot: {artifacts / 'chat.png'}")


def test_hostile_markdown_renders_as_text_and_fetches_nothing(server, browser_page, canary):
    page, outside, artifacts = browser_page
    host, hits = canary
    hostile = (f"![pixel](http://{host}/img.png) <img src=\"http://{host}/tag.png\"> [link](http://{host}/link) "
               f"[js](javascript:alert(1)) <a href=\"http://{host}/a\">a</a> <script>fetch('http://{host}/js')</script> "
               f"http://{host}/bare www.example.invalid ![far](https://198.51.100.7/x.png) "
               f"<iframe src=\"http://{host}/frame\"></iframe>")
    page.goto(server)
    page.get_by_placeholder("Ask about Regulation").wait_for(timeout=60_000)
    ask(page, f"Can I export 2B001 {hostile} to Canada?")
    description = page.get_by_label("Item description").first         # and in a case field
    page.wait_for_function(IDLE, timeout=60_000)
    description.fill(hostile)
    page.get_by_role("button", name="Update the case").click()
    page.get_by_text("edited in the case panel").first.wait_for(timeout=30_000)
    ask(page, "and to Brazil?")                   # the answer names the edited item: hostile text in the answer
    page.wait_for_timeout(1500)                      # time for any image, frame or script to fetch
    page.screenshot(path=str(artifacts / "hostile.png"), full_page=True)

    assert hits == [], f"the page fetched addresses from the hostile text: {hits}"
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert not [u for u in page.requests if host in u]
    main = page.get_by_test_id("stMainBlockContainer")
    shown = main.inner_text().replace(ZWSP, "")
    assert f"![pixel](http://{host}/img.png)" in shown                 # the user's text, shown as they typed it
    assert f"Read with the earlier turns of this conversation: the item 2B001 (![pixel](http://{host}/img.png)" in shown
    links = main.locator("a").evaluate_all("els => els.map(e => e.href)")
    images = main.locator("img, iframe, script, object, embed").evaluate_all(
        "els => els.map(e => e.src || e.data || e.tagName)")
    assert [u for u in links if host in u or "javascript" in u or "example.invalid" in u] == [], links
    assert [u for u in images if host in u or "198.51.100" in u] == [], images


def test_a_german_browser_gets_german_labels_and_can_switch(server, german_page):
    page, outside, artifacts = german_page
    page.goto(server)
    page.get_by_placeholder("Fragen Sie zur Verordnung (EU) 2021/821").wait_for(timeout=60_000)   # the browser's
    sidebar = page.get_by_test_id("stSidebar")
    assert "Helpdesk-Modus" in sidebar.inner_text() and "Anhang I mit Stand vom" in sidebar.inner_text()
    page.screenshot(path=str(artifacts / "german.png"))
    sidebar.get_by_test_id("stSelectbox").first.click()          # the switch: English over the browser's German
    page.get_by_role("option", name="English").click()
    page.get_by_placeholder("Ask about Regulation").wait_for(timeout=60_000)
    assert "Helpdesk mode" in sidebar.inner_text()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
