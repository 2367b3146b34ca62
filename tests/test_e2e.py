"""The app in a real browser: `streamlit run app.py` on a free loopback port with the fixture index, driven by
Playwright in Debian's headless Chromium. A question typed in the chat gets a cited answer; no request leaves
127.0.0.1."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlparse

import pytest

from tests.conftest import FIXTURE_SOURCES, ROOT

NO_CHROMIUM = "chromium is not installed (apt-get install -y chromium fonts-noto-color-emoji)"
pytestmark = [pytest.mark.browser, pytest.mark.skipif(shutil.which("chromium") is None, reason=NO_CHROMIUM)]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
QUESTION = "Can we ship a 2B001 machine tool to Canada under a general authorisation?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def test_chat_in_the_browser(server, tmp_path_factory):
    from playwright.sync_api import sync_playwright
    artifacts = tmp_path_factory.mktemp("test-artifacts")
    outside = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None)
                    and not r.url.startswith(("data:", "blob:")) and outside.append(r.url))
            page.goto(server)
            box = page.get_by_placeholder("Ask about Regulation")
            box.wait_for(timeout=60_000)
            box.fill(QUESTION)
            box.press("Enter")
            answer = page.get_by_test_id("stChatMessageContent").filter(has_text="[1]").last
            answer.wait_for(timeout=90_000)
            page.get_by_text("Sources · ").first.wait_for(timeout=30_000)
            page.wait_for_timeout(1000)                        # the word-by-word stream has finished
            text = answer.inner_text()
            page.screenshot(path=str(artifacts / "chat.png"))
        finally:
            browser.close()
    assert "[1]" in text and "EU001" in text
    assert re.search(r"\[1\] (Art\. \d+|Annex I+ )", text), text[:2000]        # the first source, by its locator
    assert "Annex II EU001 Part 2" in text and "official text" in text
    assert (artifacts / "chat.png").stat().st_size > 10_000
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    print(f"screenshot: {artifacts / 'chat.png'}")
