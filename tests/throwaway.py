"""Throwaway servers and disks for the records tests and bench: a PostgreSQL server from Debian's package on loopback,
on a free port, in a temporary folder (PostgreSQL refuses to run as root, so as root it runs as the `postgres` user
through `runuser`), a small tmpfs to fill up or make read-only (root only), and writers that stress a records store
(until the disk is full, from threads, from separate processes)."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from interfaces.records import RecordsError, now


def postgres_bin() -> Path | None:
    """The folder of initdb/pg_ctl of the newest installed PostgreSQL, or None when it is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).resolve().parent if pg_ctl else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """`start()`, `url(database)`, `create_database(name)`, `stop()`, `remove()`; user `dualuse`, no password."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="dualuse-pg-"))
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.folder / "data"), "-A", "trust", "-U", "dualuse", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> str:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode:
            log = self.folder / "log"
            raise RuntimeError(f"{tool} failed: {done.stderr.strip()}" + (f"\n{log.read_text()[-800:]}" if log.is_file() else ""))
        return done.stdout

    def start(self) -> "PostgresServer":
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-l", str(self.folder / "log"), "-w", "start", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=on")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def version(self) -> str:
        return self._run("postgres", "--version").strip()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://dualuse@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE DATABASE, CREATE TABLESPACE)."""
        import psycopg
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str, tablespace: str | None = None) -> str:
        self.execute(f"CREATE DATABASE {name}" + (f" TABLESPACE {tablespace}" if tablespace else ""))
        return self.url(name)

    def remove(self) -> None:
        try:                        # immediate: the folder is thrown away, so no checkpoint is owed
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        except RuntimeError:
            pass                    # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def tmpfs(size: str, owner: str | None = None) -> Iterator[Path]:
    """A fresh tmpfs of `size` (e.g. "2m"), mounted on a temporary folder; needs root. Raises PermissionError when
    this machine does not allow the mount."""
    folder = Path(tempfile.mkdtemp(prefix="dualuse-tmpfs-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True,
                          text=True)
    if done.returncode:
        folder.rmdir()
        raise PermissionError(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        if owner:
            shutil.chown(folder, owner)
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)
        shutil.rmtree(folder, ignore_errors=True)


def remount(folder: Path, mode: str) -> None:
    """Make a tmpfs from `tmpfs()` read-only ("ro"), writable again ("rw") or larger ("size=20m")."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True, capture_output=True)


# --- writing records under stress (shared by tests/test_records.py and bench/records_faults.py) ---------------------

ROOT = Path(__file__).resolve().parents[1]
WRITER = """import sys
from interfaces.records import RecordsStore
from tests.throwaway import audit_record
store, tag, n = RecordsStore(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for i in range(n):
    store.add("audit", audit_record(f"{tag}-{i}"))
"""


def audit_record(answer_id: str, draft: str = "") -> dict:
    return {"time": now(), "event": "drafted", "answer_id": answer_id, "question": f"question of {answer_id}",
            "sources": [{"n": 1, "locator": "Annex I 5A002.a"}], "draft": draft or f"reply to {answer_id}"}


@contextmanager
def sqlite_page_limit(path: Path, extra_pages: int) -> Iterator[None]:
    """While inside, every SQLite connection may grow the database at `path` only `extra_pages` pages beyond its size
    now (`PRAGMA max_page_count`), so the engine itself raises SQLITE_FULL."""
    with sqlite3.connect(path) as conn:
        limit = conn.execute("PRAGMA page_count").fetchone()[0] + extra_pages
    connect = sqlite3.connect

    def small_disk(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {limit}")
        return conn

    sqlite3.connect = small_disk
    try:
        yield
    finally:
        sqlite3.connect = connect


def fill_until_full(store, tag: str, draft_bytes: int, limit: int = 100_000):
    """Write audit records with drafts of `draft_bytes` until a write fails: (records written, the error)."""
    written = []
    for i in range(limit):
        try:
            written.append(store.add("audit", audit_record(f"{tag}-{i}", os.urandom(draft_bytes // 2).hex())))
        except RecordsError as e:
            return written, e
    raise AssertionError(f"{limit} records written and the disk is still not full")


def write_from_threads(store, threads: int, each: int) -> list[str]:
    """`threads` threads sharing one store each write `each` audit records; the answer ids written."""
    def work(t: int) -> list[str]:
        return [store.add("audit", audit_record(f"t{t}-{i}"))["answer_id"] for i in range(each)]

    with ThreadPoolExecutor(threads) as pool:
        return [a for ids in pool.map(work, range(threads)) for a in ids]


def write_from_processes(url: str, processes: int, each: int) -> list[str]:
    """`processes` app servers (separate Python processes, one store each) write `each` audit records at once."""
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, f"p{p}", str(each)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for p in range(processes)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        if proc.returncode:
            raise RuntimeError(f"writer process failed: {err.strip()[-800:]}")
    return [f"p{p}-{i}" for p in range(processes) for i in range(each)]
