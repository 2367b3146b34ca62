"""The structured store (SQLite) of one index build: provisions, retrieval chunks, defined terms, sources.

The deterministic tools read it; it is written once per build by `ingest.index` and opened read-only after
(`immutable`: SQLite takes no locks and writes nothing, so a build can be served from a read-only folder).
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
import urllib.parse
from functools import cached_property
from pathlib import Path

from .model import Provision, fold

SCHEMA = """
CREATE TABLE provisions (
  id TEXT PRIMARY KEY, locator TEXT NOT NULL, source TEXT NOT NULL, version TEXT NOT NULL, valid_from TEXT,
  status TEXT NOT NULL, kind TEXT NOT NULL, parent TEXT, title TEXT, text TEXT NOT NULL, flags TEXT, origin TEXT,
  ord INTEGER, data TEXT, UNIQUE (source, locator));
CREATE INDEX provisions_locator ON provisions (locator);
CREATE INDEX provisions_parent ON provisions (source, parent);
CREATE TABLE chunks (n INTEGER PRIMARY KEY, id TEXT UNIQUE, provision_id TEXT NOT NULL, start INTEGER, end INTEGER,
  embed_text TEXT NOT NULL);
CREATE TABLE terms (term TEXT NOT NULL, folded TEXT NOT NULL, locator TEXT NOT NULL, source TEXT NOT NULL,
  text TEXT NOT NULL, categories TEXT);
CREATE INDEX terms_folded ON terms (folded);
CREATE TABLE sources (id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def write_store(path: Path, provisions: list[Provision], statuses: dict[str, str], chunks: list,
                sources: dict[str, dict], meta: dict[str, str]) -> None:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO provisions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        (p.id, p.locator, p.source, p.version, p.valid_from, statuses[p.source], p.kind, p.parent, p.title, p.text,
         json.dumps(list(p.flags)), p.origin, p.order, json.dumps(p.data, ensure_ascii=False)) for p in provisions])
    db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?)",
                   [(i, c.id, c.provision_id, c.start, c.end, c.embed_text) for i, c in enumerate(chunks)])
    db.executemany("INSERT INTO terms VALUES (?,?,?,?,?,?)", list(_terms(provisions)))
    db.executemany("INSERT INTO sources VALUES (?,?)", [(k, json.dumps(v)) for k, v in sources.items()])
    db.executemany("INSERT INTO meta VALUES (?,?)", list(meta.items()))
    db.commit()
    db.close()


def _terms(provisions: list[Provision]):
    """Defined terms: Art. 2 definitions ('‘export’ means…') and Annex I 'Definitions of terms' ("Laser" (…) means…)."""
    for p in provisions:
        if p.kind == "definition":
            m = re.match(r"^\(\d+\)\s*[‘']([^’']+)[’']", p.text)
            if m:
                yield m.group(1), fold(m.group(1)), p.locator, p.source, p.text, ""
        for t in p.data.get("terms", []) if isinstance(p.data.get("terms"), list) and p.kind == "general_note" else []:
            yield t["term"], fold(t["term"]), p.locator, p.source, t["text"], " ".join(t["categories"])


def _row_to_provision(row: sqlite3.Row) -> Provision:
    return Provision(locator=row["locator"], text=row["text"], kind=row["kind"], source=row["source"],
                     version=row["version"], valid_from=row["valid_from"] or "", parent=row["parent"],
                     title=row["title"] or "", flags=tuple(json.loads(row["flags"] or "[]")), origin=row["origin"] or "",
                     order=row["ord"] or 0, data=json.loads(row["data"] or "{}"))


class Store:
    """Read side. One connection per thread (Streamlit runs scripts in threads)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(self.path)
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        if not hasattr(self._local, "db"):
            uri = f"file:{urllib.parse.quote(str(self.path.resolve()))}?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            db.row_factory = sqlite3.Row
            self._local.db = db
        return self._local.db

    def meta(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @cached_property
    def sources(self) -> dict[str, dict]:
        return {k: json.loads(v) for k, v in self.db.execute("SELECT id, record FROM sources")}

    def get(self, locator: str, source: str | None = None) -> Provision | None:
        """A provision by canonical locator; without `source`, from the source in force (never a superseded one)."""
        if source:
            row = self.db.execute("SELECT * FROM provisions WHERE locator = ? AND source = ?", (locator, source)).fetchone()
        else:
            row = self.db.execute("SELECT * FROM provisions WHERE locator = ? AND status != 'superseded' "
                                  "ORDER BY status = 'in_force' DESC LIMIT 1", (locator,)).fetchone()
        return _row_to_provision(row) if row else None

    def by_id(self, pid: str) -> Provision | None:
        row = self.db.execute("SELECT * FROM provisions WHERE id = ?", (pid,)).fetchone()
        return _row_to_provision(row) if row else None

    def children(self, locator: str, source: str) -> list[Provision]:
        rows = self.db.execute("SELECT * FROM provisions WHERE parent = ? AND source = ? ORDER BY ord", (locator, source))
        return [_row_to_provision(r) for r in rows]

    def subtree(self, locator: str, source: str) -> list[Provision]:
        """The provision and everything inside it, in document order."""
        rows = self.db.execute(
            "SELECT * FROM provisions WHERE source = ? AND (locator = ? OR locator LIKE ? OR locator LIKE ? OR locator LIKE ?)"
            " ORDER BY ord", (source, locator, locator + ".%", locator + " %", locator + "(%"))
        return [_row_to_provision(r) for r in rows]

    def where(self, sql: str, params: tuple = ()) -> list[Provision]:
        return [_row_to_provision(r) for r in self.db.execute(f"SELECT * FROM provisions WHERE {sql} ORDER BY ord", params)]

    def locators(self, source: str | None = None) -> list[str]:
        if source:
            return [r[0] for r in self.db.execute("SELECT locator FROM provisions WHERE source = ? ORDER BY ord", (source,))]
        return [r[0] for r in self.db.execute("SELECT locator FROM provisions WHERE status != 'superseded' ORDER BY ord")]

    def terms(self, folded: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM terms WHERE folded = ?", (folded,)).fetchall()

    def all_terms(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM terms").fetchall()

    def chunk_rows(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT n, id, provision_id, start, end FROM chunks ORDER BY n").fetchall()
