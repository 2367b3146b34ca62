"""Cold start of the app on the real index: from starting `streamlit run app.py` to the first cited answer visible in
a headless Chromium (Playwright), for a question answered by the tools alone and for one that needs dense retrieval
(which loads the embedding model on first use). The browser is launched before the clock starts, as a user's browser
is already open. Also takes the README screenshots (chat and case panel, "Why this answer" and the questions form, destination check,
control list) with --screenshots docs.

    .venv/bin/python bench/app_cold_start.py                      # 3 runs of each question, real index in data/
    .venv/bin/python bench/app_cold_start.py --runs 0 --screenshots docs      # the README screenshots only
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
QUESTIONS = ["Can I export 5A002 to Brazil?", "How long must records of exports be kept?"]
PLACEHOLDER = "Ask about Regulation"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(ROOT / ".venv/bin/streamlit"), "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_health(port: int, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("the app did not answer /_stcore/health")


def ask(page, question: str, timeout: float = 120_000):
    box = page.get_by_placeholder(PLACEHOLDER)
    box.fill(question)
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessageContent").filter(has_text="[1]").last
    answer.wait_for(timeout=timeout)
    return answer


def one_run(browser, question: str, env: dict) -> dict:
    port = free_port()
    t0 = time.perf_counter()
    server = start_server(port, env)
    try:
        wait_health(port)
        t_health = time.perf_counter() - t0
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_placeholder(PLACEHOLDER).wait_for(timeout=60_000)
        t_page = time.perf_counter() - t0
        ask(page, question)
        t_answer = time.perf_counter() - t0
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {"health": t_health, "page": t_page, "answer": t_answer}


IDLE = "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"


def ask_and_wait(page, question: str) -> None:
    """Ask once the app is idle; return when the answer is drawn whole and the app idle again."""
    page.wait_for_function(IDLE, timeout=60_000)
    before = page.get_by_placeholder("Optional comment on this answer").count()
    box = page.get_by_placeholder(PLACEHOLDER)
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"n => ({IDLE})() && document.querySelectorAll("
                           "'input[placeholder^=\"Optional comment\"]').length > n", arg=before, timeout=120_000)


def top_of(page, locator) -> None:
    """Scroll `locator` to the top of the view, below Streamlit's toolbar, with no tooltip showing."""
    locator.evaluate("e => { e.style.scrollMarginTop = '60px'; e.scrollIntoView({block: 'start'}); }")
    page.mouse.move(5, 5)
    page.wait_for_timeout(600)


def screenshots(browser, out: Path, env: dict) -> None:
    """The README pictures: the chat with the case panel and a determination; an answer with "Why this answer" open
    and the questions form; the destination check with its purpose selector; the control-list browser."""
    port = free_port()
    server = start_server(port, env)
    try:
        wait_health(port)
        page = browser.new_page(viewport={"width": 1500, "height": 1350})
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_placeholder(PLACEHOLDER).wait_for(timeout=60_000)
        ask_and_wait(page, "Can we ship a 2B001 machine tool to Canada under a general authorisation?")
        page.set_viewport_size({"width": 1500, "height": 1750})          # the question, the answer and the case
        page.mouse.move(5, 5)
        page.wait_for_timeout(800)
        page.screenshot(path=str(out / "screenshot-chat.png"))
        page.set_viewport_size({"width": 1500, "height": 1350})
        ask_and_wait(page, "We make 12-bit ADCs sampling at 2.5 GSPS. Can we sell them to a lab in Brazil?")
        page.get_by_text("Why this answer").last.click()
        page.wait_for_function(IDLE)
        page.set_viewport_size({"width": 1500, "height": 1900})
        top_of(page, page.get_by_text("Determination for").last)
        page.screenshot(path=str(out / "screenshot-why.png"))
        page.set_viewport_size({"width": 1500, "height": 1350})
        page.goto(f"http://127.0.0.1:{port}/?view=Destination+check")
        page.get_by_label("Annex I entry or item").fill("6A002")
        page.get_by_label("Destination country").fill("Brazil")
        page.get_by_label("Destination country").press("Enter")
        page.get_by_text("Export after repair or replacement").click()
        page.get_by_text("It depends on the sub-item").first.wait_for(timeout=60_000)
        page.wait_for_function(IDLE)
        page.mouse.move(5, 5)
        page.wait_for_timeout(600)
        page.screenshot(path=str(out / "screenshot-destination.png"))
        page.goto(f"http://127.0.0.1:{port}/?view=Control+list")
        search = page.get_by_placeholder("e.g. night vision camera")
        search.fill("encryption software for data confidentiality")
        search.press("Enter")
        page.get_by_role("button", name="5A002").first.click(timeout=120_000)
        page.get_by_text("changed since the 2023 version").first.wait_for(timeout=30_000)
        page.wait_for_function(IDLE)
        page.mouse.move(5, 5)                             # no tooltip in the picture
        page.wait_for_timeout(1000)
        page.screenshot(path=str(out / "screenshot-browser.png"))
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--question", action="append", help="question to time (repeatable); default: two questions")
    ap.add_argument("--screenshots", type=Path, help="folder to write the README's screenshot-*.png")
    args = ap.parse_args()
    if not shutil.which("chromium"):
        print("chromium not found: apt-get install -y chromium fonts-noto-color-emoji", file=sys.stderr)
        return 2
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
            screenshots(browser, args.screenshots, env)
            print(f"screenshots written to {args.screenshots}/")
        for question in (args.question or QUESTIONS) if args.runs > 0 else []:
            runs = [one_run(browser, question, env) for _ in range(args.runs)]
            print(f"\n{question!r}: seconds from process start (runs: {args.runs})")
            for key in ("health", "page", "answer"):
                values = [r[key] for r in runs]
                runs_text = " ".join(f"{v:5.2f}" for v in values)
                print(f"  {key:<7} median {statistics.median(values):5.2f}   runs {runs_text}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
