"""Load on the app and on `Assistant.answer`, on loopback only, bounded in count and time.

    .venv/bin/python bench/load.py                       # 8 browser sessions (burst, then think), 16 threads
    .venv/bin/python bench/load.py --sessions 2 --threads 0 --modes think     # a quick look

1. Reference: one conversation (QUESTIONS, each turn answered with the case the previous answer left, as the app
   does) answered once, alone, in this process.
2. Threads: M threads share one Assistant (as the app's sessions share its cached one) and each answers the same
   conversation `--rounds` times. Every answer is compared with the reference (`Answer.to_dict()` whole).
3. Browser sessions: `streamlit run app.py` on a free 127.0.0.1 port; N Chromium contexts (N sessions: own cookies,
   own websocket) each open the app, one after another (a page load costs 3-4 s of Chromium CPU: reported apart,
   as `page_load`), then type the same conversation. Two modes, both reported:
   - burst (the stress figure): every session asks at once and the next question as soon as its answer is drawn;
   - think (the goal's figure): each session starts at a random moment within the longest think time and waits a
     think time drawn uniformly from `--think` (default 3-10 s: a person reading the answer) before its next
     question; seeded (`--seed`), so every run asks at the same moments.
   Two latencies per answer, from pressing Enter: "drawn", to the answer drawn whole and the app idle (text,
   determination, sources, the case panel), and "server", the wall time of the script run that answered, timed
   inside the Streamlit server (which runs the app unchanged, with its ScriptRunner timed). The CPU seconds the
   server and the Chromium processes spent during the conversations are reported per answer (in the think mode
   they include the open tabs idling while their people read, about 0.03 s a second each): here all the browsers
   run on the same two cores as the server (a user's browser runs on the user's machine). An answer differs when
   the reference answer's text is not what the page shows. A warm-up session runs first (the first answer loads the
   query encoder). Any request to a host other than 127.0.0.1 is aborted and counted as an error.
   Chromium runs headless with the flags in ARGS (no GPU, QUIC, sync or background networking); nothing that
   changes what is drawn. Emulating prefers-reduced-motion would not help: the animations seen while an answer is
   computed (Streamlit fading the previous run's elements, its spinners) do not follow it.

Errors: exceptions, timeouts, Streamlit exception boxes, requests off loopback. Memory: peak resident set (VmHWM)
of this process after the threads, and of the Streamlit server and the Chromium processes after the sessions.
Writes bench/load.json and prints a summary, one line per mode. Goal (issue 11): 0 errors, 0 differing answers,
drawn p95 <= 1 s per answer with 8 sessions on 2 cores, in the think mode; the burst figure is printed beside it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

QUESTIONS = [
    "Can we ship a 2B001 machine tool to Canada under a general authorisation?",
    "and to Brazil?",
    "We make 12-bit ADCs sampling at 2.5 GSPS. Can we sell them to a lab in Brazil?",
    "How long must records of exports be kept?",
    "What does 'technical assistance' mean?",
    "Do I need an authorisation to transfer 1C351 to Germany?",
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ANSWER_TIMEOUT_MS = 60_000
ZWSP = "\u200b"
# the app's script is not running (Streamlit marks its root element)
IDLE = "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
# ... and the n-th chat message (the answer to the n/2-th question) is drawn whole: its feedback box is there
# (the cheap test first: while the script runs, a poll reads one attribute)
DONE = (f"n => {{ if (!({IDLE})()) return false; const m = document.querySelectorAll('[data-testid=stChatMessage]'); "
        "return m.length >= n && m[n - 1].querySelector(\"input[placeholder^='Optional comment']\") !== null; }")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 3) if values else float("nan")


def vm_hwm_mb(pid: int | str = "self") -> float:
    """Peak resident set of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            kids = [int(k) for t in Path(f"/proc/{p}/task").iterdir()
                    for k in (t / "children").read_text().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def comparable(d: dict) -> str:
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


# --- 1 and 2: the reference and the threads ----------------------------------------------------------------------

def conversation(assistant) -> list[tuple[dict, float]]:
    """The conversation answered turn by turn with the previous answer's case: [(answer dict, seconds)]."""
    out, case = [], None
    for q in QUESTIONS:
        start = time.perf_counter()
        a = assistant.answer(q, case=case)
        out.append((a.to_dict(), time.perf_counter() - start))
        case = a.case
    return out


def threads_phase(assistant, reference: list[dict], threads: int, rounds: int) -> dict:
    errors, differ, latencies = [], [], []
    lock = threading.Lock()

    def worker(n: int) -> None:
        for _ in range(rounds):
            try:
                answers = conversation(assistant)
            except Exception as e:                        # noqa: BLE001 (counted and reported, the run goes on)
                with lock:
                    errors.append(f"thread {n}: {type(e).__name__}: {e}")
                continue
            with lock:
                for i, (d, seconds) in enumerate(answers):
                    latencies.append(seconds)
                    if comparable(d) != comparable(reference[i]):
                        differ.append({"thread": n, "turn": i + 1})

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    return {"threads": threads, "rounds": rounds, "answers": len(latencies), "errors": len(errors),
            "error_samples": errors[:5], "differing": len(differ), "differing_samples": differ[:5],
            "p50_s": pct(latencies, 0.5), "p95_s": pct(latencies, 0.95), "max_s": round(max(latencies, default=0), 3),
            "wall_s": round(time.perf_counter() - start, 1), "peak_rss_mb": vm_hwm_mb()}


# --- 3: browser sessions ------------------------------------------------------------------------------------------

def serve(port: int, runs_log: Path) -> None:
    """`streamlit run app.py` in this process, each script run that answers a chat question timed (wall seconds,
    in the server) into `runs_log`, one number a line. The app is not changed."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli
    run = script_runner.ScriptRunner._run_script

    def timed(self, rerun_data):
        asked = any(w.WhichOneof("value") == "chat_input_value" and w.chat_input_value.data
                    for w in (rerun_data.widget_states.widgets if rerun_data.widget_states else []))
        start = time.perf_counter()
        try:
            return run(self, rerun_data)
        finally:
            if asked:
                with runs_log.open("a") as f:
                    f.write(f"{time.perf_counter() - start:.4f}\n")

    script_runner.ScriptRunner._run_script = timed
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    cli.main()


def start_app(port: int, runs_log: Path | None = None) -> subprocess.Popen:
    command = ([sys.executable, __file__, "--serve", str(port), "--runs-log", str(runs_log)] if runs_log else
               [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
                "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"])
    proc = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    end = time.monotonic() + 90
    while time.monotonic() < end:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise TimeoutError("the app did not answer /_stcore/health within 90 s")


def shown_text(answer_text: str) -> str:
    """What the page shows of an answer's text: no Markdown markers, whitespace folded."""
    return " ".join(re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", answer_text).split())


async def open_session(browser, url: str, report: dict, name: str):
    """A person's browser tab on the app, the chat box ready: (context, page, chat box)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})

    async def guard(route):
        if urlparse(route.request.url).hostname == "127.0.0.1" or route.request.url.startswith(("data:", "blob:")):
            await route.continue_()
        else:
            report["errors"].append(f"{name}: request off loopback: {route.request.url}")
            await route.abort()

    await context.route("**/*", guard)
    page = await context.new_page()
    await page.goto(url)
    box = page.get_by_placeholder("Ask about Regulation")
    await box.wait_for(timeout=ANSWER_TIMEOUT_MS)
    await page.wait_for_function(IDLE, timeout=ANSWER_TIMEOUT_MS, polling=25)
    return context, page, box


async def converse(page, box, expected: list[str], report: dict, name: str, pauses: list[float] | None = None) -> None:
    """The conversation in an open tab, waiting `pauses[i]` seconds before question i (the first pause is when the
    person starts; the others are the time spent reading the previous answer)."""
    pauses = pauses or [0.0] * len(expected)
    try:
        for i, question in enumerate(QUESTIONS[:len(expected)]):
            await asyncio.sleep(pauses[i])
            await page.wait_for_function(IDLE, timeout=ANSWER_TIMEOUT_MS, polling=25)
            await box.fill(question)
            start = time.perf_counter()
            await box.press("Enter")
            await page.wait_for_function(DONE, arg=2 * (i + 1), timeout=ANSWER_TIMEOUT_MS, polling=25)
            report["latencies"].append(time.perf_counter() - start)
            if await page.get_by_test_id("stException").count():
                report["errors"].append(f"{name}: turn {i + 1}: exception box on the page")
            text = await page.get_by_test_id("stChatMessageContent").last.inner_text()
            if expected[i] not in " ".join(text.replace(ZWSP, "").split()):
                report["differing"].append({"session": name, "turn": i + 1})
    except Exception as e:                                 # noqa: BLE001 (a timeout is an error of the run)
        report["errors"].append(f"{name}: {type(e).__name__}: {str(e).splitlines()[0]}")


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(*pids: int) -> float:
    """User + system CPU seconds of processes (and their waited-for children)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / TICK
        except OSError:
            pass
    return total


def chromium_pids() -> list[int]:
    return [pid for pid in descendants(os.getpid()) if "chrom" in _name(pid)]


def niced_chromium(folder: Path) -> str:
    """A chromium that runs at the lowest CPU priority, so the server is served first (users' browsers run on their
    own machines, not on the server's cores)."""
    wrapper = folder / "chromium-nice"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n 19 {shutil.which("chromium")} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def pauses(sessions: int, turns: int, think: tuple[float, float], seed: int) -> list[list[float]]:
    """Per session, the seconds before each question: a start in [0, longest think) and then a think time drawn
    uniformly from `think` before each next question (seeded: every run the same)."""
    rng = random.Random(seed)
    return [[rng.uniform(0, think[1])] + [rng.uniform(*think) for _ in range(turns - 1)] for _ in range(sessions)]


async def sessions_phase(browser, url: str, expected: list[str], sessions: int, server_pid: int, runs_log: Path,
                         waits: list[list[float]] | None) -> dict:
    """N tabs opened one after another, then their conversations at once, each with its own pauses (None: no pause),
    measured together from the moment every tab is open: a page load (3-4 s of Chromium CPU, the Streamlit bundle)
    is reported apart, not spread over the answers."""
    report = {"latencies": [], "errors": [], "differing": []}
    tabs, loads = [], []
    try:
        for n in range(sessions):
            before, start = cpu_seconds(*chromium_pids()), time.perf_counter()
            tabs.append(await open_session(browser, url, report, f"s{n}"))
            loads.append((time.perf_counter() - start, cpu_seconds(*chromium_pids()) - before))
        cpu_before = cpu_seconds(server_pid), cpu_seconds(*chromium_pids())
        runs_before = len(runs_log.read_text().split()) if runs_log.exists() else 0
        start = time.perf_counter()
        await asyncio.gather(*(converse(page, box, expected, report, f"s{n}", waits[n] if waits else None)
                               for n, (_, page, box) in enumerate(tabs)))
        wall = time.perf_counter() - start
        cpu_server = cpu_seconds(server_pid) - cpu_before[0]
        cpu_chromium = cpu_seconds(*chromium_pids()) - cpu_before[1]
        chromium_mb = sum(rss_mb(pid) for pid in chromium_pids())
    finally:
        for context, _, _ in tabs:
            await context.close()
    lat, server = report["latencies"], [float(x) for x in runs_log.read_text().split()[runs_before:]]
    n = max(len(lat), 1)
    return {"sessions": sessions, "answers": len(lat), "errors": len(report["errors"]),
            "error_samples": report["errors"][:5], "differing": len(report["differing"]),
            "differing_samples": report["differing"][:5],
            "drawn_p50_s": pct(lat, 0.5), "drawn_p95_s": pct(lat, 0.95), "drawn_max_s": round(max(lat, default=0), 3),
            "server_p50_s": pct(server, 0.5), "server_p95_s": pct(server, 0.95),
            "server_max_s": round(max(server, default=0), 3), "wall_s": round(wall, 1),
            "cpu_s_per_answer": {"streamlit_server": round(cpu_server / n, 3), "chromium": round(cpu_chromium / n, 3)},
            "page_load": {"p50_s": pct([w for w, _ in loads], 0.5),
                          "chromium_cpu_s": pct([c for _, c in loads], 0.5)},
            "chromium_rss_mb_at_end": round(chromium_mb)}


async def browser_phase(url: str, expected: list[str], sessions: int, server_pid: int, chromium: str,
                        runs_log: Path, modes: list[str], think: tuple[float, float], seed: int) -> dict:
    """A warm-up tab, then each mode: "burst" (every session at once, no think time: the stress figure) and
    "think" (staggered starts, a think time before each next question: people reading their answers)."""
    from playwright.async_api import async_playwright
    out = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        warm = {"latencies": [], "errors": [], "differing": []}
        context, page, box = await open_session(browser, url, warm, "warm-up")
        await converse(page, box, expected[:3], warm, "warm-up")
        await context.close()
        out["warm_up"] = {"seconds": [round(x, 2) for x in warm["latencies"]], "errors": warm["errors"]}
        for mode in modes:
            waits = pauses(sessions, len(expected), think, seed) if mode == "think" else None
            out[mode] = await sessions_phase(browser, url, expected, sessions, server_pid, runs_log, waits)
            out[mode]["mode"] = (f"think: starts spread over {think[1]:g} s, {think[0]:g}-{think[1]:g} s before each "
                                 f"next question (seed {seed})" if mode == "think" else
                                 "burst: every session at once, no think time")
        await browser.close()
    return out


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=8, help="browser sessions at once (default 8)")
    ap.add_argument("--threads", type=int, default=16, help="threads calling answer() at once (default 16)")
    ap.add_argument("--rounds", type=int, default=3, help="conversations per thread (default 3)")
    ap.add_argument("--nice-browsers", action="store_true",
                    help="run Chromium at the lowest CPU priority (nice 19), so the server gets the cores first")
    ap.add_argument("--modes", default="burst,think",
                    help="browser modes, comma-separated: burst (all at once, no think time: the stress figure) and "
                         "think (staggered, a think time before each next question: the goal's figure); default both")
    ap.add_argument("--think", type=think_range, default=(3.0, 10.0), metavar="MIN-MAX",
                    help="seconds a person reads an answer before the next question, drawn uniformly (default 3-10)")
    ap.add_argument("--seed", type=int, default=11, help="seed of the think times and starts (default 11)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "load.json")
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)          # internal: the timed app server
    ap.add_argument("--runs-log", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.runs_log)
        return 0
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - {"burst", "think"}:
        ap.error(f"--modes {args.modes!r}: give burst, think or burst,think")
    if not shutil.which("chromium"):
        print("chromium not found: apt-get install -y chromium fonts-noto-color-emoji", file=sys.stderr)
        return 2

    load_at_start = os.getloadavg()[0]                      # other work on the machine, before this run adds its own
    from assistant.core import Assistant
    assistant = Assistant()
    answers = conversation(assistant)                      # warm: the query encoder is loaded
    reference = [d for d, _ in conversation(assistant)]
    alone = [s for _, s in conversation(assistant)]
    print(f"reference: {len(reference)} turns, alone p50 {pct(alone, 0.5)} s, max {max(alone):.3f} s")
    threads = threads_phase(assistant, reference, args.threads, args.rounds) if args.threads else {}
    print(f"threads: {threads}")

    from tests.throwaway import free_port
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        runs_log = Path(tmp) / "runs.txt"
        app = start_app(port, runs_log)
        try:
            expected = [shown_text(d["text"]) for d in reference]
            chromium = niced_chromium(Path(tmp)) if args.nice_browsers else shutil.which("chromium")
            browser = asyncio.run(browser_phase(f"http://127.0.0.1:{port}", expected, args.sessions, app.pid,
                                                chromium, runs_log, modes, args.think, args.seed))
            browser["chromium_niced"] = args.nice_browsers
            browser["app_peak_rss_mb"] = vm_hwm_mb(app.pid)
        finally:
            app.terminate()
            app.wait(timeout=30)
    print(f"browser: {browser}")

    goal = "think" if "think" in modes else modes[0]
    result = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "machine": f"{os.cpu_count()} cores, {platform.machine()}, load {load_at_start:.1f} at start",
              "command": "python bench/load.py " + " ".join(sys.argv[1:]), "questions": QUESTIONS,
              "alone": {"p50_s": pct(alone, 0.5), "max_s": round(max(alone), 3), "first_run_s": [
                  round(s, 3) for _, s in answers]},
              "threads": threads, "browser": browser,
              "goal": f"0 errors, 0 differing answers, drawn p95 <= 1 s per answer with 8 sessions on 2 cores, "
                      f"{browser[goal]['mode']}"}
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    runs = [browser[m] for m in modes]
    ok = (threads.get("errors", 0) == threads.get("differing", 0) == len(browser["warm_up"]["errors"]) == 0
          and all(r["errors"] == r["differing"] == 0 for r in runs))
    met = ok and browser[goal]["drawn_p95_s"] <= 1.0 and args.sessions >= 8
    lines = [f"threads {args.threads} x {args.rounds} conversations: {threads['answers']} answers, {threads['errors']} "
             f"errors, {threads['differing']} differing, p50 {threads['p50_s']} s, p95 {threads['p95_s']} s, peak "
             f"RSS {threads['peak_rss_mb']} MB" if threads else "threads: not run"]
    for m in modes:
        b = browser[m]
        lines.append(f"browser {args.sessions} sessions, {b['mode']}: {b['answers']} answers, {b['errors']} errors, "
                     f"{b['differing']} differing; drawn p50 {b['drawn_p50_s']} s, p95 {b['drawn_p95_s']} s; server "
                     f"p50 {b['server_p50_s']} s, p95 {b['server_p95_s']} s; CPU per answer: server "
                     f"{b['cpu_s_per_answer']['streamlit_server']} s, Chromium {b['cpu_s_per_answer']['chromium']} s")
    lines += [f"app peak RSS {browser['app_peak_rss_mb']} MB; Chromium niced: {args.nice_browsers}",
              f"goal ({result['goal']}): {'met' if met else 'NOT met'}", f"written to {args.out}"]
    print("\n" + "\n".join(lines))
    return 0 if ok else 1


def think_range(text: str) -> tuple[float, float]:
    """'3-10' -> (3.0, 10.0)."""
    try:
        low, high = (float(x) for x in text.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a range of seconds like 3-10") from None
    if not 0 <= low <= high:
        raise argparse.ArgumentTypeError(f"{text!r}: give MIN-MAX with 0 <= MIN <= MAX")
    return low, high


if __name__ == "__main__":
    sys.exit(main())
