"""Index builds on disk: which build serves, whether it is intact, the switch, pruning and the ingest lock.

Layout under `<data>/index/`:
    CURRENT                 the name of the build that serves (replaced atomically: readers never see a half state)
    <name>/                 a complete build: store.sqlite, bm25/, chroma/ (embedded mode), sources/ (copies of the
                            pinned source files), build.json (the report and the sha256 of every other file; last)
    .building-<name>-<pid>/ a build being written (never served; removed by the next ingest if its writer died)
    .lock, .ingest.json     the ingest lock (filelock) and who holds it
A build's name is its key (the hash of everything it is built from), with "-2", "-3"… when a folder of that name is
already there (`--force`, or a repair of a damaged build): a build is never written into the folder that serves.
A replaced build stays for a grace period, so open app sessions finish their question before it goes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .manifest import SourceError

INFO = "build.json"
KEEP_BUILDS = 2                      # the serving build and the one before it (the fallback if the serving one breaks)
NAME = re.compile(r"^[0-9a-f]{16}(?:-[0-9]{1,4})?$")
ASIDE_PREFIX = ".building-"
TEXT_FILES = ("store.sqlite", "sources/")     # what answers quote: checked before a build serves
# Chroma writes a lock row into its database whenever a client opens it (it has no read-only mode), so that file
# cannot keep its sha256: ingest checks it by counting the vectors in a copy (index.vector_counts), serving by opening
# a copy (assistant/library.py).
UNSEALED = ("chroma/chroma.sqlite3",)


class IndexMissing(Exception):
    """No complete index build is serving."""


class IndexDamaged(IndexMissing):
    """A build cannot be served: a file is missing, damaged or changed since the build. Names the file."""

    def __init__(self, path: Path | str, problem: str):
        self.path, self.problem = str(path), problem
        super().__init__(f"{path}: {problem}. Run `dualuse ingest` to rebuild the index.")


class BuildError(SourceError):
    """A build could not be made (lock held, Chroma server down, disk full, folder not writable). Names the file or
    folder; a SourceError, so every front end reports it like a bad source, with the previous index still serving."""


@dataclass
class Serving:
    dir: Path
    info: dict
    notice: str = ""                 # set when the build CURRENT names could not be served and another one serves

    @property
    def name(self) -> str:
        return self.dir.name


# --- file records -----------------------------------------------------------------------------------------------

def sha256_file(path: Path, sync: bool = False) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
        if sync:
            os.fsync(f.fileno())
    return h.hexdigest()


def record_files(build_dir: Path) -> dict[str, str]:
    """sha256 of every file of a build (build.json aside), flushed to disk on the way."""
    return {p.relative_to(build_dir).as_posix(): sha256_file(p, sync=True)
            for p in sorted(build_dir.rglob("*")) if p.is_file() and p.name != INFO}


def verify_files(build_dir: Path, info: dict, prefixes: tuple[str, ...] = ("",)) -> None:
    """Check the build's files under `prefixes` against build.json. Raises IndexDamaged naming the first bad file."""
    for rel, expected in info["files"].items():
        if not rel.startswith(prefixes):
            continue
        path = build_dir / rel
        if not path.is_file():
            raise IndexDamaged(path, "file is missing")
        if rel in UNSEALED:
            continue
        got = sha256_file(path)
        if got != expected:
            raise _changed(build_dir, path, got, expected)


def copy_checked(build_dir: Path, info: dict, prefix: str, dst: Path) -> None:
    """Copy the build's files under `prefix` into `dst`, checking each against build.json on the way."""
    wanted = {rel: sha for rel, sha in info["files"].items() if rel.startswith(prefix)}
    if not wanted:
        raise IndexDamaged(build_dir / prefix, "is not part of this build")
    for rel, expected in wanted.items():
        src, out = build_dir / rel, dst / rel.removeprefix(prefix)
        out.parent.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        try:
            with open(src, "rb") as f, open(out, "wb") as o:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
                    o.write(block)
        except FileNotFoundError:
            raise IndexDamaged(src, "file is missing") from None
        if h.hexdigest() != expected and rel not in UNSEALED:
            raise _changed(build_dir, src, h.hexdigest(), expected)


def _changed(build_dir: Path, path: Path, got: str, expected: str) -> IndexDamaged:
    return IndexDamaged(path, f"sha256 is {got[:12]}…, {build_dir / INFO} records {expected[:12]}…: the file was "
                              "changed or damaged after the build")


def read_info(build_dir: Path) -> dict:
    """build.json of a complete build. Raises IndexDamaged when it is missing, unreadable or from an older version."""
    path = build_dir / INFO
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexDamaged(path, "file is missing: the build is incomplete") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise IndexDamaged(path, f"cannot be read ({e})") from None
    if not isinstance(info, dict) or not isinstance(info.get("files"), dict):
        raise IndexDamaged(path, "has no file records (built by an older version)")
    return info


def _created(build_dir: Path) -> float:
    try:
        return float(json.loads((build_dir / INFO).read_text(encoding="utf-8")).get("created_ts") or 0)
    except (OSError, ValueError, AttributeError):
        return 0.0


# --- which build serves -----------------------------------------------------------------------------------------

def complete_builds(index_dir: Path) -> list[Path]:
    """Builds with a readable build.json, newest first."""
    if not index_dir.is_dir():
        return []
    found = []
    for d in index_dir.iterdir():
        if d.is_dir() and NAME.match(d.name):
            try:
                read_info(d)
            except IndexDamaged:
                continue
            found.append(d)
    return sorted(found, key=_created, reverse=True)


def named_build(index_dir: Path) -> tuple[Path | None, str]:
    """The build CURRENT names, if it is complete; else (None, what is wrong, naming the file)."""
    path = index_dir / "CURRENT"
    try:
        name = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None, f"{path} is missing"
    except (OSError, UnicodeDecodeError) as e:
        return None, f"{path} cannot be read ({e})"
    if not NAME.match(name):
        return None, f"{path} does not hold a build name"
    try:
        read_info(index_dir / name)
    except IndexDamaged as e:
        return None, f"{e.path} {e.problem}"
    return index_dir / name, ""


def current_build(index_dir: Path) -> str | None:
    """Name of the build that serves: the one CURRENT names, else the newest complete build, else None. Cheap
    (a small read): the app and the assistant call it on every question to notice a new build."""
    named, _ = named_build(index_dir)
    if named:
        return named.name
    builds = complete_builds(index_dir)
    return builds[0].name if builds else None


def open_serving(index_dir: Path) -> Serving:
    """The build to serve, with its store and source copies checked against build.json. The build CURRENT names
    comes first; when it cannot be served the newest intact other build serves, with a notice saying why.
    Raises IndexMissing when there is no build, IndexDamaged (naming the file) when none is intact."""
    named, problem = named_build(index_dir)
    candidates = ([named] if named else []) + [d for d in complete_builds(index_dir) if d != named]
    errors: list[IndexDamaged] = []
    for d in candidates:
        try:
            info = read_info(d)
            verify_files(d, info, TEXT_FILES)
        except IndexDamaged as e:
            errors.append(e)
            continue
        if d == named:
            return Serving(d, info)
        why = problem or f"{errors[0].path}: {errors[0].problem}"
        return Serving(d, info, f"The index build named in CURRENT cannot be served ({why}); answers come from build "
                                f"{d.name}, the newest intact one. Run `dualuse ingest` to repair the index.")
    if errors:
        raise errors[0]
    if (index_dir / "CURRENT").exists():
        raise IndexDamaged(index_dir / "CURRENT", f"cannot be served ({problem}) and no other build is complete")
    raise IndexMissing(f"no index in {index_dir}: build it with `dualuse ingest` "
                       "(reads ../shared/sources or $DUALUSE_SOURCES)")


def serving_build(settings) -> Path:
    """Folder of the build that serves (current_build; unchecked: open_serving checks it), or IndexMissing with the
    command that builds one."""
    name = current_build(settings.index_dir)
    if name is None:
        return open_serving(settings.index_dir).dir          # raises, saying what is wrong
    return settings.index_dir / name


# --- writing ----------------------------------------------------------------------------------------------------

def new_name(index_dir: Path, key: str) -> str:
    """The key, or key-2, key-3…: never the name of a folder that is there (the serving one above all)."""
    name, n = key, 1
    while (index_dir / name).exists():
        n += 1
        name = f"{key}-{n}"
    return name


def aside_dir(index_dir: Path, name: str) -> Path:
    return index_dir / f"{ASIDE_PREFIX}{name}-{os.getpid()}"


def write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _sync_dir(path.parent)


def switch(index_dir: Path, name: str) -> None:
    """Make `name` the serving build: CURRENT is replaced by a rename, atomic on POSIX."""
    write_durably(index_dir / "CURRENT", name.encode())


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_leftovers(index_dir: Path) -> list[str]:
    """Folders of builds whose writer died before sealing them. Call with the ingest lock held."""
    removed = []
    for d in index_dir.iterdir():
        if d.is_dir() and d.name.startswith(ASIDE_PREFIX):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d.name)
    return removed


def prune(index_dir: Path, keep: str, grace: float, now: float | None = None) -> list[str]:
    """Remove builds replaced more than `grace` seconds ago, beyond the KEEP_BUILDS newest complete ones and `keep`.
    Call with the ingest lock held. Returns the names removed."""
    now = time.time() if now is None else now
    removed = []
    builds = sorted((d for d in index_dir.iterdir() if d.is_dir() and NAME.match(d.name)),
                    key=lambda d: _created(d) or d.stat().st_mtime, reverse=True)
    made = [_created(d) or d.stat().st_mtime for d in builds]
    kept = {keep} | {d.name for d in complete_builds(index_dir)[:KEEP_BUILDS]}
    for d, replaced_at in zip(builds[1:], made):        # a build was replaced when the next newer one was made
        if d.name not in kept and now - replaced_at >= grace:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d.name)
    return removed


@contextmanager
def build_lock(index_dir: Path, wait: float):
    """Hold the ingest lock of `index_dir`; wait up to `wait` seconds for another ingest, then stop with a message."""
    from filelock import FileLock, Timeout
    owner = index_dir / ".ingest.json"
    lock = FileLock(index_dir / ".lock", timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        try:
            who = json.loads(owner.read_text(encoding="utf-8"))
            holder = f" (pid {who['pid']}, started {who['started']})"
        except (OSError, ValueError, KeyError):
            holder = ""
        raise BuildError(index_dir / ".lock", f"another `dualuse ingest`{holder} is building this index; wait for it "
                                              "to finish, or set DUALUSE_INGEST_WAIT to the seconds to wait for "
                                              "it") from None
    try:
        owner.write_text(json.dumps({"pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}))
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()
