"""The app's records: feedback on answers and the helpdesk audit log, in a database.

    sqlite:///<data>/records.sqlite      default (empty DUALUSE_RECORDS_URL): one file in the data folder, WAL mode
    postgresql://user:pw@host:5432/db    a helpdesk shared by several app servers

Every write is one transaction: a record is stored whole or not at all. When it cannot be stored (disk full, read-only
folder, server down) a `RecordsError` is raised whose message is one line naming the database and the cause; the app
shows it and keeps what the user typed. The schema is built by numbered steps (`MIGRATIONS`, applied in order, each
in a transaction, recorded in the table `schema_version`); the same SQL runs on SQLite and PostgreSQL.

Every record has a `key`. Records written by the app get a fresh one; records imported from the JSONL files of
earlier versions (<data>/feedback/feedback.jsonl, <data>/audit/audit.jsonl) get one derived from their content, and
exported records carry theirs, so importing the same file twice (or an export back into its database) adds nothing.
The JSONL files are imported once, the first time the app opens its records; a broken line is reported and skipped.
"""
from __future__ import annotations

import copy
import errno
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

from assistant.answer import Answer
from ingest.settings import Settings

log = logging.getLogger(__name__)

RATINGS = {0: "down", 1: "up"}          # st.feedback("thumbs") returns 0 (thumbs down) or 1 (thumbs up)
EVENTS = ("drafted", "downloaded", "determination_record")   # a helpdesk reply drafted or downloaded; a record made
CONNECT_TIMEOUT = 5                     # seconds before an unreachable PostgreSQL server counts as down

# The fields of each kind of record, in table order (besides `id` and `key`); JSON-encoded lists are marked.
FIELDS = {
    "feedback": ("time", "answer_id", "rating", "comment", "question", "answer", "citations", "abstained", "intent",
                 "corpus_version", "settings_hash", "fingerprint", "determination"),
    "audit": ("time", "event", "answer_id", "question", "sources", "corpus_version", "settings_hash", "abstained",
              "draft", "fingerprint", "determination"),
}
JSON_FIELDS = {"citations", "sources", "determination"}
REQUIRED = {"feedback": ("time", "answer_id", "question"), "audit": ("time", "answer_id", "question", "event")}
DEFAULTS = {"rating": None, "comment": "", "answer": "", "citations": [], "sources": [], "abstained": False,
            "intent": "", "corpus_version": "", "settings_hash": "", "draft": "",
            "fingerprint": "", "determination": {}}

# Numbered schema steps. `{id}` is the only dialect difference: an auto-numbered primary key.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "feedback and audit tables", """
        CREATE TABLE feedback (
            id {id}, time TEXT NOT NULL, answer_id TEXT NOT NULL, rating TEXT, comment TEXT NOT NULL,
            question TEXT NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL, abstained BOOLEAN NOT NULL,
            intent TEXT NOT NULL, corpus_version TEXT NOT NULL, settings_hash TEXT NOT NULL);
        CREATE TABLE audit (
            id {id}, time TEXT NOT NULL, event TEXT NOT NULL, answer_id TEXT NOT NULL, question TEXT NOT NULL,
            sources TEXT NOT NULL, corpus_version TEXT NOT NULL, settings_hash TEXT NOT NULL,
            abstained BOOLEAN NOT NULL, draft TEXT NOT NULL)"""),
    (2, "record keys (imports and exports add nothing twice); indexes for newest-first lists", """
        ALTER TABLE feedback ADD COLUMN key TEXT;
        UPDATE feedback SET key = 'row-' || id;
        CREATE UNIQUE INDEX feedback_key ON feedback (key);
        CREATE INDEX feedback_time ON feedback (time, id);
        CREATE INDEX feedback_answer ON feedback (answer_id);
        ALTER TABLE audit ADD COLUMN key TEXT;
        UPDATE audit SET key = 'row-' || id;
        CREATE UNIQUE INDEX audit_key ON audit (key);
        CREATE INDEX audit_time ON audit (time, id);
        CREATE INDEX audit_answer ON audit (answer_id)"""),
    (3, "the answer's fingerprint and determination (what was decided, on which facts) on every record", """
        ALTER TABLE feedback ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
        ALTER TABLE feedback ADD COLUMN determination TEXT NOT NULL DEFAULT '{{}}';
        ALTER TABLE audit ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
        ALTER TABLE audit ADD COLUMN determination TEXT NOT NULL DEFAULT '{{}}'"""),
)
LATEST = MIGRATIONS[-1][0]


class RecordsError(Exception):
    """A records operation failed; the message is one line naming the database and the cause."""


class RecordsUnavailable(RecordsError):
    """The database cannot be opened or reached: server down, folder missing or read-only, not a database."""


class RecordWriteFailed(RecordsError):
    """A record was not stored (disk full, read-only database, locked too long); nothing partial is left behind."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def redact(url: str) -> str:
    """The URL without its password, for messages and reports."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


# --- backends: a transaction yields `execute(sql, params)`; SQL is written with `?` placeholders ---------------------

Execute = Callable[..., object]


class _SQLite:
    identity = "INTEGER PRIMARY KEY"
    migration_lock = ""                      # BEGIN IMMEDIATE already holds the write lock

    def __init__(self, url: str, busy_timeout: float):
        self.path = Path(url.removeprefix("sqlite:///")).expanduser()
        self.busy_timeout = busy_timeout
        self.errors = (sqlite3.Error, OSError)

    @contextmanager
    def transaction(self) -> Iterator[Execute]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            self._wal(conn)
            conn.execute("BEGIN IMMEDIATE")                      # take the write lock now, wait up to busy_timeout
            yield conn.execute
            conn.execute("COMMIT")
        finally:
            try:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            finally:
                conn.close()

    def _wal(self, conn: sqlite3.Connection) -> None:
        """WAL mode (persistent: readers never block the writer). Two processes opening a new database switch it at
        once, and SQLite answers one of them "locked" at once rather than wait (its deadlock rule): retried here up
        to busy_timeout."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def explain(self, e: Exception) -> tuple[type[RecordsError], str]:
        if isinstance(e, OSError):
            return RecordsUnavailable, _os_cause(e, self.path.parent)
        base = "_".join(getattr(e, "sqlite_errorname", "").split("_")[:2])
        if base == "SQLITE_CANTOPEN":
            return RecordsUnavailable, _folder_cause(self.path.parent)
        causes = {"SQLITE_FULL": "the disk is full", "SQLITE_READONLY": "the database file is read-only",
                  "SQLITE_IOERR": "disk I/O error (the disk may be full or failing)",
                  "SQLITE_BUSY": f"another writer held the database for more than {self.busy_timeout:g} s",
                  "SQLITE_LOCKED": f"another writer held the database for more than {self.busy_timeout:g} s"}
        if base in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
            return RecordsUnavailable, "the file is not an SQLite database or is damaged"
        return RecordWriteFailed, causes.get(base, _first_line(e))


class _Postgres:
    identity = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    migration_lock = "SELECT pg_advisory_xact_lock(7273001)"    # app servers starting together migrate one by one

    def __init__(self, url: str):
        import psycopg
        self.psycopg, self.url = psycopg, url
        self.errors = (psycopg.Error,)

    @contextmanager
    def transaction(self) -> Iterator[Execute]:
        # one connection per operation: cheap on a LAN, nothing to go stale, and a restarted server is picked up
        with self.psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT) as conn:
            with conn.cursor() as cur:      # the connection block commits on success and rolls back on an error
                yield lambda sql, params=(): cur.execute(sql.replace("?", "%s"), params)

    def explain(self, e: Exception) -> tuple[type[RecordsError], str]:
        state = getattr(e, "sqlstate", None) or ""
        text = _first_line(e)
        if state == "" and isinstance(e, self.psycopg.OperationalError):
            down = any(w in text.lower() for w in ("refused", "timeout", "timed out", "no such file", "could not connect"))
            return RecordsUnavailable, "the server is down or refuses connections" if down else text
        if state.startswith(("08", "57P")):
            return RecordsUnavailable, f"the server is down or restarting ({text})"
        if state.startswith("28") or state == "3D000":
            return RecordsUnavailable, text
        causes = {"53100": "the server's disk is full", "25006": "the database is read-only (a standby server?)",
                  "53300": "the server has too many connections"}
        return RecordWriteFailed, causes.get(state, text)


def _first_line(e: Exception) -> str:
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    return lines[0].removeprefix("connection failed: ") if lines else type(e).__name__


def _os_cause(e: OSError, folder: Path) -> str:
    causes = {errno.ENOSPC: "the disk is full", errno.EROFS: f"the folder {folder} is on a read-only file system",
              errno.EACCES: f"no permission to write in {folder}"}
    return causes.get(e.errno, f"{e.strerror or e} ({folder})")


def _folder_cause(folder: Path) -> str:
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} is read-only"
    return "the file cannot be opened"


# --- the store --------------------------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    kind: str
    path: str
    lines: int = 0                  # non-empty lines read
    imported: int = 0
    already: int = 0                # present from an earlier import or export
    broken: list[tuple[int, str]] = field(default_factory=list)     # (line number, why)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "path": self.path, "lines": self.lines, "imported": self.imported,
                "already": self.already, "broken": [{"line": n, "why": why} for n, why in self.broken]}


class RecordsStore:
    """Feedback and audit records in the database at `url` (sqlite:///path or postgresql://...). Thread-safe: every
    operation opens its own connection and transaction. The schema is created or upgraded on first use."""

    def __init__(self, url: str, busy_timeout: float = 10.0):
        """`busy_timeout`: how long an SQLite writer waits for another one before giving up."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "sqlite" and url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
            self.backend: _SQLite | _Postgres = _SQLite(url, busy_timeout)
        elif scheme in ("postgresql", "postgres"):
            self.backend = _Postgres(url)
        else:
            raise RecordsError(f"Unknown records database URL {redact(url)!r}: use sqlite:///path/records.sqlite "
                               "or postgresql://user:password@host:port/database.")
        self.url, self.where = url, redact(url)
        self._ready = False
        self._lock = threading.Lock()

    @contextmanager
    def _transaction(self, action: str, write: bool = True, migrate: bool = True) -> Iterator[Execute]:
        if migrate:
            self._ensure_schema()
        try:
            with self.backend.transaction() as execute:
                yield execute
        except self.backend.errors as e:
            kind, cause = self.backend.explain(e)
            if kind is RecordWriteFailed and not write:
                kind = RecordsError
            suffix = "; nothing was saved." if write and kind is RecordWriteFailed else "."
            verb = "Cannot open the records database" if kind is RecordsUnavailable else f"Could not {action} in"
            raise kind(f"{verb} {self.where}: {cause}{suffix}") from e

    # schema ------------------------------------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        if not self._ready:
            with self._lock:
                if not self._ready:
                    self.migrate()
                    self._ready = True

    def migrate(self, upto: int = LATEST) -> int:
        """Apply the schema steps not applied yet, up to `upto`, each in its own transaction; the version reached."""
        version = self.schema_version()
        for number, name, sql in MIGRATIONS:
            if version < number <= upto:
                with self._transaction(f"upgrade the schema to version {number}", migrate=False) as execute:
                    if self.backend.migration_lock:
                        execute(self.backend.migration_lock)
                    if _current_version(execute) >= number:      # another process applied it meanwhile
                        continue
                    for statement in sql.format(id=self.backend.identity).split(";"):
                        execute(statement.strip())
                    execute("INSERT INTO schema_version (version, name, applied) VALUES (?, ?, ?)",
                            (number, name, now()))
                version = number
        return version

    def schema_version(self) -> int:
        with self._transaction("create the table schema_version", migrate=False) as execute:
            if self.backend.migration_lock:
                execute(self.backend.migration_lock)
            execute("CREATE TABLE IF NOT EXISTS schema_version "
                    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)")
            version = _current_version(execute)
        if version > LATEST:
            raise RecordsError(f"{self.where} has schema version {version}, newer than this app knows ({LATEST}): "
                               "upgrade the app.")
        return version

    # writing -----------------------------------------------------------------------------------------------------

    def add(self, kind: str, record: dict) -> dict:
        """Store one record (the fields of FIELDS[kind]); returns it with its `id` and `key`."""
        record = {"key": record.get("key") or uuid.uuid4().hex, **_complete(kind, record)}
        with self._transaction(f"save the {kind} record") as execute:
            row = execute(_insert_sql(kind), _row(kind, record)).fetchone()
        return {"id": row[0], **record}

    def import_jsonl(self, kind: str, path: Path) -> ImportReport:
        """Import a JSONL file of `kind` records in one transaction. A line already imported (same key) is skipped;
        a broken line (not JSON, not a record) is reported and the good lines are kept. A failed append of earlier
        versions left a cut-off record with the next record glued to it on the same line: that next record is kept."""
        report = ImportReport(kind, str(path))
        seen: dict[str, int] = {}
        records: list[dict] = []
        for number, raw in enumerate(Path(path).read_bytes().split(b"\n"), 1):
            if not raw.strip():
                continue
            report.lines += 1
            try:
                record = _parse_line(kind, raw)
            except ValueError as e:           # JSONDecodeError and UnicodeDecodeError are ValueErrors
                record = _salvage(kind, raw)
                report.broken.append((number, _first_line(e)[:120] + ("; the record glued after it is kept"
                                                                      if record else "")))
                if record is None:
                    continue
            if not record.get("key"):         # same content, same key; a repeated line keeps its own copy
                content = json.dumps(record, sort_keys=True, ensure_ascii=False)
                seen[content] = seen.get(content, 0) + 1
                digest = hashlib.sha256(f"{kind}\n{content}\n{seen[content]}".encode()).hexdigest()[:32]
                record["key"] = f"jsonl-{digest}"
            records.append({"key": record["key"], **_complete(kind, record)})
        with self._transaction(f"import {Path(path).name}") as execute:
            for record in records:
                if execute(_insert_sql(kind, skip_known=True), _row(kind, record)).fetchone():
                    report.imported += 1
                else:
                    report.already += 1
        return report

    # reading -----------------------------------------------------------------------------------------------------

    def records(self, kind: str, *, answer_id: str | None = None, since: str | None = None,
                rating: str | None = None, event: str | None = None, limit: int | None = None,
                newest_first: bool = True) -> list[dict]:
        """Records of `kind`, newest first (or oldest first), filtered by answer, time (ISO, inclusive), rating
        ("up", "down") or event ("drafted", "downloaded")."""
        filters = {"answer_id": answer_id, "rating": rating if kind == "feedback" else None,
                   "event": event if kind == "audit" else None}
        where = [f"{name} = ?" for name, value in filters.items() if value is not None]
        params: list = [value for value in filters.values() if value is not None]
        if since:
            where.append("time >= ?")
            params.append(since)
        order = "DESC" if newest_first else "ASC"
        sql = (f"SELECT id, key, {', '.join(FIELDS[kind])} FROM {kind}" + (" WHERE " + " AND ".join(where) if where else "")
               + f" ORDER BY time {order}, id {order}" + (f" LIMIT {int(limit)}" if limit else ""))
        with self._transaction(f"read the {kind} records", write=False) as execute:
            rows = execute(sql, params).fetchall()
        return [_record(kind, row) for row in rows]

    def feedback(self, **filters) -> list[dict]:
        return self.records("feedback", **filters)

    def audit(self, **filters) -> list[dict]:
        return self.records("audit", **filters)

    def stats(self) -> dict:
        """Counts for `dualuse records stats`: per kind, per rating or event, and the newest time."""
        out: dict = {"database": self.where}
        with self._transaction("count the records", write=False) as execute:
            out["schema_version"] = _current_version(execute)
            for kind, column in (("feedback", "rating"), ("audit", "event")):
                rows = execute(f"SELECT {column}, COUNT(*), MAX(time) FROM {kind} GROUP BY {column}").fetchall()
                out[kind] = {"total": sum(r[1] for r in rows), "newest": max((r[2] for r in rows), default=None),
                             f"by_{column}": {str(r[0] or "withdrawn"): r[1] for r in rows}}
        return out


def _parse_line(kind: str, raw: bytes) -> dict:
    """One JSONL line as a record of `kind`; ValueError says what is wrong with it."""
    record = json.loads(raw.decode("utf-8"))
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    if missing := [name for name in REQUIRED[kind] if not record.get(name)]:
        raise ValueError("missing " + ", ".join(missing))
    if kind == "audit" and record["event"] not in EVENTS:
        raise ValueError(f"unknown event {record['event']!r}")
    if kind == "feedback" and record.get("rating") not in ("up", "down", None):
        raise ValueError(f"unknown rating {record['rating']!r}")
    return record


def _salvage(kind: str, raw: bytes) -> dict | None:
    """The whole record at the end of a broken line, if one starts there after the cut-off part."""
    text = raw.decode("utf-8", errors="replace").rstrip()
    start = text.find("{", 1)
    while start > 0:
        try:
            _, end = json.JSONDecoder().raw_decode(text, start)
            if end == len(text):
                return _parse_line(kind, text[start:].encode())
        except ValueError:
            pass
        start = text.find("{", start + 1)
    return None


def _current_version(execute: Execute) -> int:
    return execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]


def _complete(kind: str, record: dict) -> dict:
    """The record's fields of `kind`, missing ones filled with their defaults (fresh copies, never shared)."""
    return {name: record[name] if name in record else copy.copy(DEFAULTS.get(name)) for name in FIELDS[kind]}


def _insert_sql(kind: str, skip_known: bool = False) -> str:
    columns = ("key",) + FIELDS[kind]
    return (f"INSERT INTO {kind} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            + (" ON CONFLICT (key) DO NOTHING" if skip_known else "") + " RETURNING id")


def _row(kind: str, record: dict) -> tuple:
    values = [record["key"]]
    for name in FIELDS[kind]:
        value = record[name]
        values.append(json.dumps(value, ensure_ascii=False) if name in JSON_FIELDS
                      else bool(value) if name == "abstained" else value)
    return tuple(values)


def _record(kind: str, row: tuple) -> dict:
    record = {"id": row[0], "key": row[1]}
    for name, value in zip(FIELDS[kind], row[2:]):
        record[name] = json.loads(value) if name in JSON_FIELDS else bool(value) if name == "abstained" else value
    return record


# --- the app's records, from Settings -----------------------------------------------------------------------------

def records_url(settings: Settings) -> str:
    return settings.records_url or f"sqlite:///{Path(settings.data_dir).resolve() / 'records.sqlite'}"


def legacy_files(settings: Settings) -> dict[str, Path]:
    """The JSONL files earlier versions wrote, by kind."""
    data = Path(settings.data_dir)
    return {"feedback": data / "feedback" / "feedback.jsonl", "audit": data / "audit" / "audit.jsonl"}


_stores: dict[str, RecordsStore] = {}
_stores_lock = threading.Lock()


def store_for(settings: Settings) -> RecordsStore:
    """The process's store for these settings. The first time, JSONL files of earlier versions are imported (a re-run
    adds nothing twice); if that fails the error is raised and the next call tries again."""
    url = records_url(settings)
    with _stores_lock:
        if url in _stores:
            return _stores[url]
        store = RecordsStore(url)
        for kind, path in legacy_files(settings).items():
            if path.is_file():
                report = store.import_jsonl(kind, path)
                for number, why in report.broken:
                    log.warning("%s line %d not imported: %s", path, number, why)
        _stores[url] = store
        return store


def _sources(answer: Answer) -> list[dict]:
    return [{"n": c.n, "locator": c.locator, "source": c.source, "version": c.version, "url": c.url}
            for c in answer.citations]


def save_feedback(settings: Settings, answer_id: str, answer: Answer, rating: int | None, comment: str = "") -> dict:
    """Store a rating (0 = thumbs down, 1 = thumbs up, None = withdrawn) and an optional comment on one answer, with
    the question, the answer text, its citations (quotes included) and the corpus version it rests on. The newest
    record of an answer is its current state."""
    return store_for(settings).add("feedback", {
        "time": now(), "answer_id": answer_id, "rating": RATINGS.get(rating) if rating is not None else None,
        "comment": comment.strip(), "question": answer.question, "answer": answer.text,
        "citations": [c.to_dict() for c in answer.citations], "abstained": answer.abstained,
        "intent": answer.intent, "corpus_version": answer.corpus_version, "settings_hash": answer.settings_hash,
        "fingerprint": answer.fingerprint, "determination": answer.determination or {}})


def record_audit(settings: Settings, answer_id: str, answer: Answer, draft: str, event: str = "drafted") -> dict:
    """A helpdesk reply drafted from an answer (event "drafted") or downloaded after editing ("downloaded"), or the
    answer's determination record made (event "determination_record", `draft` = the record in Markdown): when, the
    question, the sources it cites, the corpus version, and the text."""
    return store_for(settings).add("audit", {
        "time": now(), "event": event, "answer_id": answer_id, "question": answer.question, "sources": _sources(answer),
        "corpus_version": answer.corpus_version, "settings_hash": answer.settings_hash, "abstained": answer.abstained,
        "draft": draft, "fingerprint": answer.fingerprint, "determination": answer.determination or {}})
