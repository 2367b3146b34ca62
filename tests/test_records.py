"""Feedback and audit records in a real database: the same contract on SQLite (WAL) and on a real PostgreSQL server
started here (Debian's package, on loopback): migrations, JSONL import once, concurrent writers, and the faults of the
reliability campaign (full disk, read-only folder, server down), each failing loudly with nothing lost."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from contextlib import ExitStack

import pytest
from click.testing import CliRunner

from interfaces import records
from interfaces.cli import cli
from interfaces.records import (LATEST, RecordsError, RecordsStore, RecordsUnavailable, RecordWriteFailed,
                                records_url, store_for)
from ingest.settings import Settings
from tests.throwaway import (PostgresServer, audit_record, fill_until_full, free_port, postgres_bin, remount,
                             sqlite_page_limit, tmpfs, write_from_processes, write_from_threads)

T1, T2, T3 = "2026-01-10T09:00:00+00:00", "2026-02-01T12:30:00+00:00", "2026-03-05T08:15:00+00:00"


# --- fixtures -----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres():
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (Debian package `postgresql`; scripts/test installs it as root)")
    server = PostgresServer(bin_dir).start()
    yield server
    server.remove()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.server)])
def url(request, tmp_path) -> str:
    """A fresh, empty records database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.sqlite'}"
    return request.getfixturevalue("postgres").create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def mount_tmpfs():
    """`mount_tmpfs(size, owner=None)` mounts a small tmpfs and returns its folder; unmounted after the test."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    with ExitStack() as mounted:
        def mount(size: str, owner: str | None = None):
            try:
                return mounted.enter_context(tmpfs(size, owner))
            except PermissionError as e:
                pytest.skip(str(e))
        yield mount


@pytest.fixture
def lockable(tmp_path, request):
    """A folder and a switch that makes it read-only or writable again: chmod for a normal user, a read-only remount
    of a tmpfs for root (root ignores permissions)."""
    if os.geteuid() != 0:
        folder = tmp_path / "data"
        folder.mkdir()
        yield folder, lambda read_only: folder.chmod(0o555 if read_only else 0o755)
        folder.chmod(0o755)
        return
    folder = request.getfixturevalue("mount_tmpfs")("4m")
    yield folder, lambda read_only: remount(folder, "ro" if read_only else "rw")


def feedback(answer_id: str, rating: str | None, time: str, comment: str = "") -> dict:
    return {"time": time, "answer_id": answer_id, "rating": rating, "comment": comment, "question": f"q {answer_id}",
            "answer": "The item is listed [1].", "citations": [{"n": 1, "locator": "Annex I 5A002.a", "quote": "…"}],
            "abstained": False, "intent": "classify", "corpus_version": "Annex I 2025-11-15", "settings_hash": "abc"}


def one_line_naming(error: Exception, where: str, cause: str) -> None:
    message = str(error)
    assert "\n" not in message and where in message and cause in message, message


# --- the contract, on both backends -------------------------------------------------------------------------------

def test_a_new_database_gets_every_migration_once(url):
    store = RecordsStore(url)
    assert store.migrate() == LATEST == 3
    assert RecordsStore(url).migrate() == LATEST                # a second app server finds it done
    with store.backend.transaction() as execute:
        assert [r[0] for r in execute("SELECT version FROM schema_version ORDER BY version").fetchall()] == [1, 2, 3]


def test_an_older_schema_is_upgraded_and_keeps_its_rows(url):
    assert RecordsStore(url).migrate(upto=1) == 1               # a database written by version 1 of the schema
    with RecordsStore(url).backend.transaction() as execute:
        execute("INSERT INTO feedback (time, answer_id, rating, comment, question, answer, citations, abstained, "
                "intent, corpus_version, settings_hash) VALUES (?, 'old', 'down', 'wrong GEA', 'q', 'a', '[]', ?, "
                "'', 'v1', 'h')", (T1, False))
    store = RecordsStore(url)
    rows = store.feedback()
    assert [(r["answer_id"], r["comment"], r["key"]) for r in rows] == [("old", "wrong GEA", "row-1")]
    assert (rows[0]["fingerprint"], rows[0]["determination"]) == ("", {})     # columns added after version 1
    assert store.schema_version() == LATEST
    store.add("feedback", feedback("new", "up", T2))             # the upgraded tables take new records
    assert [r["answer_id"] for r in store.feedback()] == ["new", "old"]


def test_an_answer_record_carries_its_fingerprint_and_determination(url, monkeypatch):
    """What was decided, on which facts, under which fingerprint: kept with the rating and with the helpdesk draft."""
    from assistant.answer import Answer
    monkeypatch.setenv("DUALUSE_RECORDS_URL", url)
    records._stores.clear()
    determination = {"outcome": "needs_facts", "code": "5A002.a", "facts": {"key length": "256 bits"}}
    answer = Answer(question="Is our encryptor listed?", text="It depends on one fact [1].", citations=[],
                    tools=[], abstained=False, corpus_version="Annex I 2025-11-15", fingerprint="0123456789abcdef", determination=determination)
    records.save_feedback(Settings(), "ans-1", answer, 0, "asked the wrong fact")
    records.record_audit(Settings(), "ans-1", answer, "Dear customer, …")
    store = RecordsStore(url)
    for row in (store.feedback()[0], store.audit()[0]):
        assert (row["fingerprint"], row["determination"]) == ("0123456789abcdef", determination)


def test_a_schema_newer_than_the_app_is_refused(url):
    store = RecordsStore(url)
    store.migrate()
    with store.backend.transaction() as execute:
        execute("INSERT INTO schema_version (version, name, applied) VALUES (99, 'future', ?)", (T1,))
    with pytest.raises(RecordsError, match="schema version 99, newer than this app knows"):
        RecordsStore(url).feedback()


FILTERS = [  # (filters, expected (answer_id, rating) newest first, why)
    ({}, [("a3", None), ("a1", "down"), ("a2", "down"), ("a1", "up")], "all, newest first; same second: later write first"),
    ({"answer_id": "a1"}, [("a1", "down"), ("a1", "up")], "one answer's history, its current state first"),
    ({"rating": "down"}, [("a1", "down"), ("a2", "down")], "thumbs down only"),
    ({"since": "2026-02-01"}, [("a3", None), ("a1", "down"), ("a2", "down")], "a date includes that whole day"),
    ({"limit": 1}, [("a3", None)], "the newest only"),
    ({"newest_first": False}, [("a1", "up"), ("a2", "down"), ("a1", "down"), ("a3", None)], "chronological, for export"),
]


def test_records_come_back_whole_newest_first_and_filtered(url):
    store = RecordsStore(url)
    written = [store.add("feedback", feedback(*row)) for row in
               [("a1", "up", T1), ("a2", "down", T2), ("a1", "down", T3, "EU001 Part 3 is missing"), ("a3", None, T3)]]
    assert store.feedback(newest_first=False) == written         # every field, lists and booleans included
    for filters, expected, why in FILTERS:
        assert [(r["answer_id"], r["rating"]) for r in store.feedback(**filters)] == expected, why
    store.add("audit", {**audit_record("a1"), "time": T1})
    store.add("audit", {**audit_record("a1"), "time": T2, "event": "downloaded", "draft": "edited reply"})
    assert [r["draft"] for r in store.audit(event="downloaded")] == ["edited reply"]
    assert store.stats()["feedback"] == {"total": 4, "newest": T3, "by_rating": {"up": 1, "down": 2, "withdrawn": 1}}


def test_jsonl_is_imported_once_and_a_broken_line_is_reported_not_fatal(url, tmp_path):
    good = [feedback("a1", "up", T1), feedback("a2", "down", T2), feedback("a2", "down", T2)]   # a repeated line too
    cut = json.dumps(feedback("a3", "up", T3))[:70]              # a failed append: a cut-off record ...
    lines = [json.dumps(good[0]), cut + json.dumps(good[1]),     # ... with the next record glued to it
             json.dumps(good[2]), "[1, 2]", '{"time": "2026-01-01", "rating": "up"}', b"\xff{not UTF-8", "",
             json.dumps({**good[0], "comment": "second thoughts"})]
    path = tmp_path / "feedback.jsonl"
    path.write_bytes(b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines))
    store = RecordsStore(url)
    report = store.import_jsonl("feedback", path)
    assert (report.lines, report.imported, report.already) == (7, 4, 0)
    assert [(n, why.split(":")[0].split(";")[0]) for n, why in report.broken] == [
        (2, "Expecting ',' delimiter"), (4, "not a JSON object"), (5, "missing answer_id, question"),
        (6, "'utf-8' codec can't decode byte 0xff in position 0")]
    assert "the record glued after it is kept" in report.broken[0][1]
    rows = store.feedback(newest_first=False)
    assert [(r["answer_id"], r["comment"]) for r in rows] == [("a1", ""), ("a1", "second thoughts"), ("a2", ""), ("a2", "")]
    again = store.import_jsonl("feedback", path)                 # a re-run imports nothing twice
    assert (again.imported, again.already) == (0, 4) and len(store.feedback()) == 4


def test_an_export_imported_again_adds_nothing_and_copies_once_elsewhere(url, tmp_path, monkeypatch):
    store = RecordsStore(url)
    for i in range(3):
        store.add("audit", audit_record(f"a{i}"))
    out = tmp_path / "audit-export.jsonl"
    result = CliRunner().invoke(cli, ["records", "export", "audit", "--url", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 3
    assert store.import_jsonl("audit", out).already == 3 and len(store.audit()) == 3
    other = RecordsStore(f"sqlite:///{tmp_path / 'other.sqlite'}")
    assert other.import_jsonl("audit", out).imported == 3 and other.import_jsonl("audit", out).imported == 0
    assert [r["key"] for r in other.audit()] == [r["key"] for r in store.audit()]


def test_four_threads_writing_at_once_lose_nothing(url):
    store = RecordsStore(url)
    ids = write_from_threads(store, threads=4, each=200)
    rows = store.audit()
    assert len(rows) == 800 and sorted(r["answer_id"] for r in rows) == sorted(ids)
    assert len({r["id"] for r in rows}) == len({r["key"] for r in rows}) == 800


def test_two_app_servers_writing_at_once_lose_nothing(url):
    ids = write_from_processes(url, processes=2, each=200)       # two processes, one store each, same database
    rows = RecordsStore(url).audit()
    assert sorted(r["answer_id"] for r in rows) == sorted(ids) and len(ids) == 400


def assert_full_disk_lost_nothing(store, written: list[dict], error: Exception, cause: str) -> None:
    assert isinstance(error, RecordWriteFailed) and len(written) > 5
    one_line_naming(error, store.where, cause)
    assert "nothing was saved" in str(error)
    assert store.audit(newest_first=False) == written           # every earlier record intact, the failed one absent


# --- SQLite -------------------------------------------------------------------------------------------------------

def test_sqlite_runs_in_wal_mode(tmp_path):
    store = RecordsStore(f"sqlite:///{tmp_path / 'records.sqlite'}")
    store.add("audit", audit_record("a"))
    with sqlite3.connect(tmp_path / "records.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_writer_waits_for_the_lock_then_gives_up_with_a_clear_message(tmp_path):
    path = tmp_path / "records.sqlite"
    RecordsStore(f"sqlite:///{path}").migrate()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")                            # another writer holds the lock ...
    threading.Timer(0.3, holder.execute, ("COMMIT",)).start()    # ... and lets go soon
    RecordsStore(f"sqlite:///{path}").add("audit", audit_record("waited"))
    holder.execute("BEGIN IMMEDIATE")                            # now it keeps the lock
    impatient = RecordsStore(f"sqlite:///{path}", busy_timeout=0.2)
    with pytest.raises(RecordWriteFailed) as caught:
        impatient.add("audit", audit_record("gave up"))
    one_line_naming(caught.value, str(path), "another writer held the database for more than 0.2 s")
    holder.execute("ROLLBACK")
    holder.close()
    assert [r["answer_id"] for r in impatient.audit()] == ["waited"]


def test_full_disk_in_the_engine_fails_loudly_and_loses_nothing(tmp_path):
    """SQLite itself reports SQLITE_FULL: the database may grow only 40 pages beyond its empty schema."""
    path = tmp_path / "records.sqlite"
    store = RecordsStore(f"sqlite:///{path}")
    store.migrate()
    with sqlite_page_limit(path, extra_pages=40):
        written, error = fill_until_full(store, "full", draft_bytes=3000)
    assert_full_disk_lost_nothing(store, written, error, "the disk is full")
    store.add("audit", audit_record("after"))                    # space freed: writing works again
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_full_disk_for_real_fails_loudly_and_loses_nothing(mount_tmpfs):
    """A 2 MB tmpfs, half taken by another file: the records fill the rest until the kernel says ENOSPC."""
    folder = mount_tmpfs("2m")
    (folder / "other-file").write_bytes(b"\0" * 1_000_000)
    store = RecordsStore(f"sqlite:///{folder / 'records.sqlite'}")
    written, error = fill_until_full(store, "full", draft_bytes=8000)
    assert_full_disk_lost_nothing(store, written, error, "the disk is full")
    (folder / "other-file").unlink()                             # space freed: writing works again
    store.add("audit", audit_record("after"))
    conn = sqlite3.connect(folder / "records.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_read_only_folder_is_a_clear_error_and_keeps_the_records(lockable):
    folder, read_only = lockable
    read_only(True)
    with pytest.raises(RecordsUnavailable) as caught:            # no database yet: it cannot be created
        RecordsStore(f"sqlite:///{folder / 'records.sqlite'}").add("audit", audit_record("a"))
    one_line_naming(caught.value, str(folder / "records.sqlite"), f"the folder {folder} is read-only")
    read_only(False)
    store = RecordsStore(f"sqlite:///{folder / 'records.sqlite'}")
    kept = store.add("audit", audit_record("kept"))
    read_only(True)                                              # a database that exists, in a folder made read-only
    with pytest.raises(RecordsError) as caught:
        RecordsStore(store.url).add("audit", audit_record("lost?"))
    one_line_naming(caught.value, store.where, "read-only")
    read_only(False)
    assert store.audit() == [kept]


def test_an_unknown_url_is_refused():
    with pytest.raises(RecordsError, match="Unknown records database URL 'mysql://h/db'"):
        RecordsStore("mysql://h/db")


# --- PostgreSQL ---------------------------------------------------------------------------------------------------

def test_a_server_that_is_down_is_unavailable_with_the_password_hidden():
    store = RecordsStore(f"postgresql://dualuse:s3cret@127.0.0.1:{free_port()}/helpdesk")
    with pytest.raises(RecordsUnavailable) as caught:
        store.add("feedback", feedback("a", "up", T1))
    one_line_naming(caught.value, "postgresql://dualuse:***@127.0.0.1:", "the server is down or refuses connections")
    assert "s3cret" not in str(caught.value)


@pytest.mark.server
def test_a_server_stopped_and_started_again(postgres):
    store = RecordsStore(postgres.create_database(f"t_{uuid.uuid4().hex[:12]}"))
    kept = store.add("feedback", feedback("before", "up", T1))
    postgres.stop()
    try:
        with pytest.raises(RecordsUnavailable) as caught:
            store.add("feedback", feedback("during", "down", T2))
        one_line_naming(caught.value, store.where, "the server is down")
    finally:
        postgres.start()
    store.add("feedback", feedback("after", "down", T3))         # the same store object picks the server up again
    assert [r["answer_id"] for r in store.feedback()] == ["after", "before"] and store.feedback()[-1] == kept


@pytest.mark.server
def test_a_full_server_disk_fails_loudly_and_loses_nothing(postgres, mount_tmpfs):
    """The database lives in a tablespace on a 10 MB tmpfs; PostgreSQL says "could not extend file" (53100)."""
    folder = mount_tmpfs("10m", owner="postgres")
    name = f"t_{uuid.uuid4().hex[:12]}"
    postgres.execute(f"CREATE TABLESPACE {name} LOCATION '{folder}'")
    try:
        store = RecordsStore(postgres.create_database(name, tablespace=name))
        written, error = fill_until_full(store, "full", draft_bytes=40_000)
        assert_full_disk_lost_nothing(store, written, error, "the server's disk is full")
        remount(folder, "size=20m")                              # the admin adds space: writing works again
        store.add("audit", audit_record("after"))
    finally:
        postgres.execute(f"DROP DATABASE IF EXISTS {name}")
        postgres.execute(f"DROP TABLESPACE {name}")


# --- the app's store, settings and CLI ----------------------------------------------------------------------------

def test_the_app_store_lives_in_the_data_folder_and_imports_old_files_once(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path)
    assert records_url(settings) == f"sqlite:///{tmp_path.resolve() / 'records.sqlite'}"
    (tmp_path / "feedback").mkdir()
    (tmp_path / "feedback" / "feedback.jsonl").write_text(json.dumps(feedback("old", "down", T1)) + "\n")
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "audit.jsonl").write_text(json.dumps({**audit_record("old"), "time": T1}) + "\n{cut off")
    monkeypatch.setattr(records, "_stores", {})
    store = store_for(settings)
    assert [r["answer_id"] for r in store.feedback()] == ["old"] and [r["answer_id"] for r in store.audit()] == ["old"]
    monkeypatch.setattr(records, "_stores", {})                  # the app started again
    assert len(store_for(settings).feedback()) == 1 and len(store_for(settings).audit()) == 1


def test_the_records_url_setting_is_read_and_never_reported(monkeypatch):
    monkeypatch.setenv("DUALUSE_RECORDS_URL", "postgresql://helpdesk:pw@db.example:5432/helpdesk")
    settings = Settings.from_env()
    assert records_url(settings) == "postgresql://helpdesk:pw@db.example:5432/helpdesk"
    assert "records_url" not in settings.public()
    monkeypatch.delenv("DUALUSE_RECORDS_URL")
    assert settings.hash == Settings.from_env().hash             # where records go does not change answers


def test_cli_imports_old_files_then_counts(tmp_path, monkeypatch):
    monkeypatch.setenv("DUALUSE_DATA", str(tmp_path))
    monkeypatch.delenv("DUALUSE_RECORDS_URL", raising=False)
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "audit.jsonl").write_text(
        "\n".join([json.dumps({**audit_record("a1"), "time": T1}), '{"time": "2026', json.dumps({**audit_record("a2"), "time": T2, "event": "downloaded"})]) + "\n")
    run = CliRunner().invoke(cli, ["records", "import"])
    assert run.exit_code == 0, run.output
    assert f"{tmp_path / 'audit' / 'audit.jsonl'}: 3 lines, 2 imported, 0 already there, 1 broken" in run.output
    assert "  line 2: " in run.output
    assert "2 imported" not in CliRunner().invoke(cli, ["records", "import"]).output
    stats = CliRunner().invoke(cli, ["records", "stats"])
    assert stats.exit_code == 0
    assert f"audit: 2 records (1 downloaded, 1 drafted), newest {T2}" in stats.output
    assert json.loads(CliRunner().invoke(cli, ["records", "stats", "--json"]).output)["audit"]["total"] == 2
    exported = CliRunner().invoke(cli, ["records", "export", "audit", "--event", "downloaded"]).output.splitlines()
    assert [json.loads(line)["answer_id"] for line in exported] == ["a2"]


def test_cli_errors_are_one_line(tmp_path):
    down = CliRunner().invoke(cli, ["records", "stats", "--url", f"postgresql://u:pw@127.0.0.1:{free_port()}/x"])
    assert down.exit_code == 1
    assert down.output.startswith("Error: Cannot open the records database postgresql://u:***@127.0.0.1:")
    wrong = CliRunner().invoke(cli, ["records", "export", "audit", "--rating", "up", "--url", f"sqlite:///{tmp_path}/r"])
    assert wrong.exit_code == 1 and "Error: --rating applies to feedback, --event to audit" in wrong.output
