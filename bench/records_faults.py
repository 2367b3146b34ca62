"""The records fault-injection matrix: each fault injected for real, then every record the store confirmed is read
back and compared field by field.

    .venv/bin/python bench/records_faults.py            # SQLite always; PostgreSQL when its binaries are installed

Columns: writes the store confirmed, writes that failed (with the one-line message the user sees), confirmed records
lost or changed (must be 0), failed writes found in the database anyway (must be 0), and whether writing works again
once the fault is gone. Tmpfs faults (a real full disk, a read-only folder for root) need root."""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interfaces.records import RecordsError, RecordsStore                                  # noqa: E402
from tests.throwaway import (PostgresServer, audit_record, fill_until_full, postgres_bin, remount,   # noqa: E402
                             sqlite_page_limit, tmpfs, write_from_processes, write_from_threads)

ROWS: list[dict] = []


def check(fault: str, backend: str, store: RecordsStore, confirmed: list[dict], failed: list[str], message: str,
          seconds: float) -> None:
    """Compare what the store confirmed with what it holds; `failed` are the answer ids of the refused writes."""
    stored = {r["key"]: r for r in store.audit()}
    ROWS.append({"fault": fault, "backend": backend, "confirmed": len(confirmed), "failed": len(failed),
                 "lost": sum(1 for r in confirmed if stored.get(r["key"]) != r),
                 "phantom": sum(1 for r in stored.values() if r["answer_id"] in failed),
                 "recovered": True, "seconds": round(seconds, 2), "message": message})


def full_disk(fault: str, backend: str, store: RecordsStore, fill, free) -> None:
    """Fill the disk until a write fails, free space, write once more."""
    start = time.perf_counter()
    confirmed, error = fill()
    free()
    confirmed.append(store.add("audit", audit_record("after")))
    check(fault, backend, store, confirmed, [f"full-{len(confirmed) - 1}"], str(error), time.perf_counter() - start)


def one_failed_write(fault: str, backend: str, store: RecordsStore, break_it, mend) -> None:
    """Ten records, the fault, one write that must fail, the fault mended, one more write."""
    start = time.perf_counter()
    confirmed = [store.add("audit", audit_record(f"before-{i}")) for i in range(10)]
    break_it()
    try:
        RecordsStore(store.url).add("audit", audit_record("during"))
        message = "NOT REFUSED"
    except RecordsError as e:
        message = str(e)
    mend()
    confirmed.append(store.add("audit", audit_record("after")))
    check(fault, backend, store, confirmed, ["during"], message, time.perf_counter() - start)


def concurrent(fault: str, backend: str, url: str, write) -> None:
    start = time.perf_counter()
    ids = write()
    seconds = time.perf_counter() - start
    store = RecordsStore(url)
    got = sorted(r["answer_id"] for r in store.audit())
    ROWS.append({"fault": fault, "backend": backend, "confirmed": len(ids), "failed": 0,
                 "lost": len(set(ids) - set(got)), "phantom": len(got) - len(ids), "recovered": None,
                 "seconds": round(seconds, 2), "message": f"{len(ids) / seconds:.0f} writes/s"})


def sqlite_matrix(folder: Path) -> None:
    path = folder / "engine.sqlite"
    store = RecordsStore(f"sqlite:///{path}")
    store.migrate()
    limit = sqlite_page_limit(path, extra_pages=40)
    full_disk("disk full (SQLITE_FULL, max_page_count)", "sqlite", store,
              lambda: _inside(limit, lambda: fill_until_full(store, "full", 3000)), lambda: None)
    url = f"sqlite:///{folder / 'threads.sqlite'}"
    concurrent("4 threads x 200 writes", "sqlite", url, lambda: write_from_threads(RecordsStore(url), 4, 200))
    url = f"sqlite:///{folder / 'procs.sqlite'}"
    concurrent("2 app servers x 200 writes", "sqlite", url, lambda: write_from_processes(url, 2, 200))
    if os.geteuid() != 0:
        return
    with tmpfs("2m") as disk:
        (disk / "other-file").write_bytes(b"\0" * 1_000_000)
        store = RecordsStore(f"sqlite:///{disk / 'records.sqlite'}")
        full_disk("disk full (2 MB tmpfs, ENOSPC)", "sqlite", store,
                  lambda: fill_until_full(store, "full", 8000), lambda: (disk / "other-file").unlink())
    with tmpfs("4m") as disk:
        store = RecordsStore(f"sqlite:///{disk / 'records.sqlite'}")
        one_failed_write("read-only folder (tmpfs remounted ro)", "sqlite", store,
                         lambda: remount(disk, "ro"), lambda: remount(disk, "rw"))


def postgres_matrix(server: PostgresServer) -> None:
    def fresh() -> str:
        return server.create_database(f"b_{uuid.uuid4().hex[:12]}")

    one_failed_write("server down (pg_ctl stop, then start)", "postgresql", RecordsStore(fresh()),
                     server.stop, server.start)
    url = fresh()
    concurrent("4 threads x 200 writes", "postgresql", url, lambda: write_from_threads(RecordsStore(url), 4, 200))
    url = fresh()
    concurrent("2 app servers x 200 writes", "postgresql", url, lambda: write_from_processes(url, 2, 200))
    if os.geteuid() != 0:
        return
    with tmpfs("10m", owner="postgres") as disk:
        server.execute(f"CREATE TABLESPACE tiny LOCATION '{disk}'")
        store = RecordsStore(server.create_database("tiny_db", tablespace="tiny"))
        full_disk("disk full (10 MB tablespace tmpfs, 53100)", "postgresql", store,
                  lambda: fill_until_full(store, "full", 40_000),
                  lambda: remount(disk, "size=20m"))                # the admin adds space
        server.execute("DROP DATABASE tiny_db")
        server.execute("DROP TABLESPACE tiny")


def _inside(context, work):
    with context:
        return work()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="dualuse-faults-"))
    try:
        sqlite_matrix(folder)
        if bin_dir := postgres_bin():
            server = PostgresServer(bin_dir).start()
            try:
                postgres_matrix(server)
                version = server.version()
            finally:
                server.remove()
        else:
            version = "PostgreSQL not installed: its rows are missing"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"records fault-injection matrix ({version}; running as {'root' if os.geteuid() == 0 else 'a user'})\n")
    print("| fault | backend | confirmed | failed loudly | lost | failed but stored | works again | s | message |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in ROWS:
        works = {True: "yes", False: "NO", None: "—"}[r["recovered"]]
        print(f"| {r['fault']} | {r['backend']} | {r['confirmed']} | {r['failed']} | {r['lost']} | {r['phantom']} | "
              f"{works} | {r['seconds']} | {r['message']} |")
    if "--json" in sys.argv:
        print(json.dumps(ROWS, indent=2))
    if any(r["lost"] or r["phantom"] for r in ROWS):
        sys.exit(1)


if __name__ == "__main__":
    main()
