"""Helpers for the index lifecycle, integrity and degraded-mode tests: a built fixture index to copy, the real CLI in
a subprocess, file snapshots, read-only folders and a small disk, a Chroma server that can be stopped and started
again, and a verbatim check of quotes against the raw source files that shares no code with the product."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.request
from pathlib import Path

import pytest

from ingest.index import build_index
from ingest.manifest import load_manifest, sha256_of
from ingest.settings import Settings
from tests.conftest import FIXTURE_SOURCES, ROOT

SHIP = "Can we ship a 2B001 machine tool to Canada under a general authorisation?"
IS_ROOT = os.geteuid() == 0


def quiet_build(settings: Settings, **kw):
    return build_index(settings, progress=False, log=lambda *a: None, **kw)


def write_fixture_manifest(path: Path, sources: Path, unpinned: tuple[str, ...] = ()) -> Path:
    """corpus/manifest.toml with the checksums of the files in `sources` pinned (none for the sources `unpinned`)
    and the real corpus' provision counts left out, for `DUALUSE_MANIFEST`."""
    text = (ROOT / "corpus" / "manifest.toml").read_text(encoding="utf-8")
    text = re.sub(r"^expect = .*$", "", text, flags=re.M)
    for source in load_manifest(ROOT / "corpus" / "manifest.toml").sources:
        for f in source.files:
            here = sources / source.folder / f.name
            if not here.is_file():
                continue
            pin = "" if source.id in unpinned else f'sha256 = "{sha256_of(here)}"'
            if f.sha256:
                text = text.replace(f'sha256 = "{f.sha256}"', pin)
            else:
                text = text.replace(f'name = "{f.name}"', f'name = "{f.name}"\n  {pin}', 1)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def base_index(tmp_path_factory, fixture_index) -> Settings:
    """A fixture-corpus index built once from a manifest file (so the CLI in a subprocess builds the same key)."""
    root = tmp_path_factory.mktemp("lifecycle")
    shutil.copytree(FIXTURE_SOURCES, root / "sources")
    settings = Settings(data_dir=root / "data", sources=root / "sources", embed_cache=fixture_index.cache_dir,
                        manifest=write_fixture_manifest(root / "manifest.toml", root / "sources"))
    quiet_build(settings)
    return settings


def clone(base: Settings, where: Path, **changes) -> Settings:
    """A private copy of the base index (and of its sources and manifest), sharing the embedding cache."""
    shutil.copytree(base.data_dir, where / "data", symlinks=True)
    shutil.copytree(base.sources, where / "sources")
    shutil.copyfile(base.manifest, where / "manifest.toml")
    return base.replace(data_dir=where / "data", sources=where / "sources", manifest=where / "manifest.toml",
                        **changes)


def edit_source(settings: Settings, folder: str, name: str, old: str, new: str) -> None:
    """Change a source file and pin the new text in the settings' manifest (a new version of the sources)."""
    path = settings.sources / folder / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    write_fixture_manifest(settings.manifest, settings.sources)


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUALUSE_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
               DUALUSE_DATA=str(settings.data_dir), DUALUSE_SOURCES=str(settings.sources),
               DUALUSE_MANIFEST=str(settings.manifest), DUALUSE_EMBED_CACHE=str(settings.cache_dir))
    if settings.chroma_host:
        env.update(DUALUSE_CHROMA_HOST=settings.chroma_host, DUALUSE_CHROMA_PORT=str(settings.chroma_port))
    env.update(extra)
    return env


def start_ingest(settings: Settings, *args: str, **env: str) -> subprocess.Popen:
    """`python -m interfaces.cli ingest` as a real process (env: DUALUSE_INGEST_PAUSE, DUALUSE_INGEST_WAIT…)."""
    return subprocess.Popen([sys.executable, "-m", "interfaces.cli", "ingest", "--quiet", *args], cwd=ROOT,
                            env=cli_env(settings, **env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_paused(proc: subprocess.Popen, phase: str, timeout: float = 180) -> None:
    """Read the ingest's stderr until it says it paused at `phase` (the fault-injection hook)."""
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    seen = []
    try:
        for line in proc.stderr:
            seen.append(line)
            if f"ingest paused at {phase} " in line:
                return
    finally:
        watchdog.cancel()
    pytest.fail(f"ingest never paused at {phase} (exit {proc.wait()}): {''.join(seen)[-2000:]}")


def kill9(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """(mtime in ns, sha256) of every file under `folder`."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def current(settings: Settings) -> str:
    return (settings.index_dir / "CURRENT").read_text().strip()


def leftovers(settings: Settings) -> list[str]:
    return sorted(d.name for d in settings.index_dir.iterdir() if d.name.startswith(".building-"))


# --- quotes checked against the raw files, independently of ingest/model.py and assistant/quotes.py -------------

def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2013", "-"),
                 ("\u2014", "-"), ("\u00a0", " ")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().lower()


def raw_texts(sources: Path) -> list[str]:
    out = []
    for path in sorted(sources.rglob("*")):
        if path.suffix == ".txt":
            out.append(_norm(path.read_text(encoding="utf-8")))
        elif path.suffix == ".json":
            doc = json.loads(path.read_text(encoding="utf-8"))
            lines = "\n".join(r["verbatim_text"] for r in doc.get("entries", []) + doc.get("docs", []))
            out.append(_norm(re.sub(r"(?m)^[0-9][A-E][0-9]{3}\S*\s", "", lines)))
    return out


def verbatim_in(quote: str, texts: list[str]) -> bool:
    parts = [p for p in re.split(r"\s*(?:\u2026|\.\.\.)\s*", _norm(quote)) if len(p) >= 12]
    return bool(parts) and all(any(p in t for t in texts) for p in parts)


def assert_serves(settings: Settings, question: str = SHIP):
    """A real answer with citations, every quote verbatim in the official files; returns it."""
    from assistant.core import Assistant
    answer = Assistant(settings).answer(question)
    assert answer.citations and not answer.abstained, answer.text
    texts = raw_texts(settings.sources)
    assert all(verbatim_in(c.quote, texts) for c in answer.citations), [c.quote for c in answer.citations]
    return answer


def provision_count(build_dir: Path) -> int:
    from ingest.store import Store
    return Store(build_dir / "store.sqlite").db.execute("SELECT count(*) FROM provisions").fetchone()[0]


# --- folders that cannot be written ------------------------------------------------------------------------------

def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def can_mount() -> bool:
    """Root with the right to mount (a container may withhold it): a tmpfs can be mounted and unmounted."""
    if not IS_ROOT:
        return False
    probe = Path(tempfile.mkdtemp(prefix="dualuse-mount-"))
    try:
        _run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe))
        _run("umount", str(probe))
        return True
    except subprocess.CalledProcessError:
        return False
    finally:
        probe.rmdir()


@contextlib.contextmanager
def read_only(folder: Path):
    """`folder` read-only: chmod a-w, and a read-only bind mount as root (root ignores file modes)."""
    if IS_ROOT and not can_mount():
        pytest.skip("running as root without the right to mount: a folder cannot be made read-only for root")
    _run("chmod", "-R", "a-w", str(folder))
    mounted = False
    try:
        if IS_ROOT:
            _run("mount", "--bind", str(folder), str(folder))
            mounted = True
            _run("mount", "-o", "remount,bind,ro", str(folder))
        yield
    finally:
        if mounted:                # lazily: this process may still hold a file of it open
            _run("umount", "-l", str(folder))
        _run("chmod", "-R", "u+w", str(folder))


@contextlib.contextmanager
def small_disk(folder: Path, size: str):
    """A tmpfs of `size` mounted on `folder` (root only)."""
    folder.mkdir(parents=True, exist_ok=True)
    _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        _run("umount", "-l", str(folder))


# --- a Chroma server on loopback that can be stopped and started again --------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """`chroma run` on 127.0.0.1 with its data in `folder`; stop() kills it, start() brings it back on its port."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.proc = folder, free_port(), None

    def start(self, timeout: float = 60) -> "ChromaServer":
        exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
        assert exe, "the chroma CLI ships with the chromadb package"
        log = open(self.folder.parent / "chroma.log", "a")
        env = {"ANONYMIZED_TELEMETRY": "False", "RUST_LOG": "warn", "PATH": "/usr/bin:/bin"}
        deadline = time.time() + timeout
        while True:
            self.proc = subprocess.Popen([exe, "run", "--path", str(self.folder), "--host", "127.0.0.1",
                                          "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT, env=env)
            while self.proc.poll() is None and time.time() < deadline:
                if self.up():
                    return self
                time.sleep(0.1)
            if time.time() > deadline:                 # a port still held by the last run is retried until then
                self.stop()
                pytest.fail("chroma server did not start: " + (self.folder.parent / "chroma.log").read_text()[-500:])

    def up(self) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1)
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
