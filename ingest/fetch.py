"""Download the corpus sources named in the manifest into a local cache (`dualuse fetch`).

The cache has the layout ingest reads (`<cache_dir>/<folder>/<file>`, see `manifest.locate`). Each distinct URL is
downloaded once into `<cache_dir>/.downloads/<sha1 of url>.part` (resumed with an HTTP Range request after an
interruption), renamed to a completed blob, then every file taken from it (whole, or a `chars` range of the decoded
text) is checked against its pinned sha256 before it is moved into place. Files without a pinned sha256 (guidance
PDFs) are trusted on first use: their sha256 is recorded in `<folder>/FETCHED.json` and a later change warns (ingest
flags their text "unverified" all the same).

What a download may do is bounded: a body larger than the download's `bytes` in the manifest (else MAX_BYTES) is
cut off and refused; redirects are followed only to hosts the manifest's addresses name; every file is written
inside the cache (a name that resolves outside it is refused).
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from .manifest import Manifest, Source, SourceError, sha256_of

USER_AGENT = "dualuse-fetch/0.1 (EU dual-use assistant; python-urllib)"
BACKOFF_SECONDS = 1.0      # first retry waits this long, then doubles
CHUNK = 1 << 16
RECORD = "FETCHED.json"
MAX_BYTES = 50 * 2 ** 20   # a download whose size the manifest does not give (the official PDFs are a few MB)


class FetchError(SourceError):
    """A file could not be fetched. Names the file (what the CLI shows), the URL and the reason."""

    def __init__(self, url: str, file: Path | str, reason: str):
        self.url = url
        self.file = str(file)
        self.reason = reason
        self.results: list[FetchResult] = []      # set when raised by fetch_sources: every file's outcome
        super().__init__(file, f"{reason} (from {url})" if url else reason)


class _Transient(Exception):
    """A failure worth retrying (connection reset, timeout, 5xx); carries the FetchError to raise if retries run out."""

    def __init__(self, error: FetchError):
        self.error = error


@dataclass
class FetchResult:
    source: str
    file: str
    path: Path
    status: str            # fetched | up_to_date | failed
    sha256: str = ""
    bytes: int = 0
    seconds: float = 0.0
    message: str = ""


@dataclass
class _Job:
    source: Source
    name: str
    url: str
    chars: tuple[int, int] | None
    pinned: str | None
    path: Path
    max_bytes: int = MAX_BYTES


class _OfficialRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a host the manifest's addresses name."""

    def __init__(self, hosts: set[str], file: Path):
        self.hosts, self.file = hosts, file

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urlsplit(newurl)
        if target.scheme not in ("http", "https") or target.netloc.lower() not in self.hosts:
            raise FetchError(req.full_url, self.file, f"redirected to {newurl}, which is not a host of the manifest "
                                                      f"({', '.join(sorted(self.hosts))}); refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_sources(manifest: Manifest, cache_dir: Path, *, only: list[str] | None = None, timeout: float = 30,
                  retries: int = 2, progress: bool = True,
                  url_map: Callable[[str], str] | None = None) -> list[FetchResult]:
    """Produce every downloadable file of the manifest (or of the sources `only`) in `cache_dir`.

    Files already present with the right sha256 are skipped without touching the network. Every file is attempted;
    if any failed, the first FetchError is raised after the others are done, with all outcomes in its `.results`.
    """
    cache_dir = Path(cache_dir)
    wanted = [manifest.get(i) for i in only] if only is not None else list(manifest.sources)
    mapped = url_map or (lambda u: u)
    hosts = {urllib.parse.urlsplit(mapped(u)).netloc.lower() for s in manifest.sources
             for u in [s.official_url] + [d["url"] for d in s.downloads] if u}
    jobs: list[_Job] = []
    extra: list[FetchResult] = []                      # manifest errors, reported first
    errors: list[FetchError] = []
    for source in wanted:
        if not source.downloads:
            continue
        pins = {f.name: f.sha256 for f in source.files}
        folder = cache_dir / source.folder
        for d in source.downloads:
            chars = tuple(d["chars"]) if "chars" in d else None
            try:
                path = _inside(cache_dir, source.folder, d["file"])
            except FetchError as e:
                errors.append(e)
                extra.append(FetchResult(source.id, d["file"], folder, "failed", message=str(e)))
                continue
            jobs.append(_Job(source, d["file"], d["url"], chars, pins.get(d["file"]), path,
                             int(d.get("bytes", MAX_BYTES))))
        for name in sorted(pins.keys() - {d["file"] for d in source.downloads}):
            errors.append(FetchError("", folder / name, "the manifest has no [[source.download]] record for it"))
            extra.append(FetchResult(source.id, name, folder / name, "failed", message=str(errors[-1])))

    results: list[FetchResult | None] = [None] * len(jobs)
    todo: dict[str, list[int]] = {}                    # url -> jobs, so a shared document is downloaded once
    for i, job in enumerate(jobs):
        if _up_to_date(job):
            results[i] = FetchResult(job.source.id, job.name, job.path, "up_to_date", _sha_seen(job),
                                     job.path.stat().st_size)
        else:
            todo.setdefault(job.url, []).append(i)

    def fail(i: int, error: FetchError) -> None:
        errors.append(error)
        results[i] = FetchResult(jobs[i].source.id, jobs[i].name, jobs[i].path, "failed", message=str(error))

    for url, group in todo.items():
        started = time.monotonic()
        real_url = mapped(url)
        try:
            blob = _download(real_url, cache_dir / ".downloads", jobs[group[0]].path, timeout=timeout,
                             retries=retries, progress=progress, max_bytes=max(jobs[i].max_bytes for i in group),
                             opener=urllib.request.build_opener(_OfficialRedirects(hosts, jobs[group[0]].path)))
        except FetchError as e:
            for i in group:
                fail(i, e if i == group[0] else FetchError(e.url, jobs[i].path, e.reason))
            continue
        data = blob.read_bytes()
        for i in group:
            try:
                sha, size, note = _produce(jobs[i], data, real_url)
                results[i] = FetchResult(jobs[i].source.id, jobs[i].name, jobs[i].path, "fetched", sha, size,
                                         time.monotonic() - started, note)
            except FetchError as e:
                fail(i, e)
        # The produced files are the cache; a blob that gave a bad file must not be reused either.
        blob.unlink(missing_ok=True)

    done = extra + [r for r in results if r is not None]
    if errors:
        errors[0].results = done
        raise errors[0]
    return done


def _inside(cache_dir: Path, folder: str, name: str) -> Path:
    """`<cache>/<folder>/<name>`, refused when it would land outside the cache (`..`, an absolute name, a link)."""
    path = cache_dir / folder / name
    root = cache_dir.resolve()
    if Path(folder).is_absolute() or Path(name).is_absolute() or ".." in Path(folder).parts + Path(name).parts \
            or not path.resolve().is_relative_to(root):
        raise FetchError("", path, f"the manifest names a file outside the cache {root}; refused")
    return path


def _up_to_date(job: _Job) -> bool:
    if not job.path.is_file():
        return False
    expected = job.pinned or _read_record(job.path.parent).get(job.name, {}).get("sha256")
    return expected is not None and sha256_of(job.path) == expected


def _sha_seen(job: _Job) -> str:
    return job.pinned or _read_record(job.path.parent)[job.name]["sha256"]


def _produce(job: _Job, data: bytes, url: str) -> tuple[str, int, str]:
    """Cut the job's file out of the downloaded bytes, check it, and move it into place."""
    if job.chars:
        start, end = job.chars
        try:
            text = data.decode("utf-8")     # no newline translation: offsets count the characters as served
        except UnicodeDecodeError as e:
            raise FetchError(url, job.path, f"the document is not UTF-8 text ({e.reason} at byte {e.start}), so "
                                            f"characters [{start}, {end}) cannot be taken from it") from None
        if not 0 <= start <= end <= len(text):
            raise FetchError(url, job.path, f"the document has {len(text)} characters, the manifest takes "
                                            f"[{start}, {end})")
        data = text[start:end].encode("utf-8")
    got = hashlib.sha256(data).hexdigest()
    if job.pinned and got != job.pinned:
        raise FetchError(url, job.path, f"sha256 mismatch: expected {job.pinned[:12]}…, got {got[:12]}… "
                                        "(a different version upstream, or a corrupted download)")
    note = ""
    if not job.pinned:
        record = _read_record(job.path.parent)
        before = record.get(job.name, {}).get("sha256")
        if before and before != got:
            note = f"sha256 changed since the last fetch: was {before[:12]}…, now {got[:12]}… (no pinned sha256)"
            warnings.warn(f"{job.path}: {note}", stacklevel=3)
        record[job.name] = {"url": url, "sha256": got, "bytes": len(data),
                            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        _write_atomic(job.path, data)
        _write_atomic(job.path.parent / RECORD, (json.dumps(record, indent=2, sort_keys=True) + "\n").encode())
    else:
        _write_atomic(job.path, data)
    return got, len(data), note


def _read_record(folder: Path) -> dict:
    try:
        return json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder, so a crash never leaves a half-written file under the real name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _download(url: str, downloads: Path, file: Path, *, timeout: float, retries: int, progress: bool,
              max_bytes: int = MAX_BYTES, opener=None) -> Path:
    """Download `url` into the downloads folder (resuming a partial download) and return the completed blob."""
    downloads.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(url.encode("utf-8")).hexdigest()
    blob, part = downloads / key, downloads / f"{key}.part"
    if blob.is_file() and blob.stat().st_size <= max_bytes:    # completed by a run that stopped before slicing
        return blob
    opener = opener or urllib.request.build_opener()
    for attempt in range(retries + 1):
        try:
            _get(url, part, file, timeout=timeout, progress=progress, max_bytes=max_bytes, opener=opener)
            os.replace(part, blob)
            return blob
        except _Transient as t:
            if attempt == retries:
                raise t.error from None
            time.sleep(BACKOFF_SECONDS * 2 ** attempt)
    raise AssertionError("unreachable")


def _get(url: str, part: Path, file: Path, *, timeout: float, progress: bool, max_bytes: int, opener) -> None:
    """One HTTP request: append to `part` if the server honours Range, else start it over. Never more than
    `max_bytes` in all: a longer body is refused and what came of it deleted."""
    have = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if have:
        request.add_header("Range", f"bytes={have}-")

    def too_big(size: int) -> FetchError:
        part.unlink(missing_ok=True)
        return FetchError(url, file, f"the download is larger than {max_bytes} bytes ({size} bytes or more), the most "
                                     "the manifest allows for it; refused")

    try:
        with opener.open(request, timeout=timeout) as response:
            resumed = response.status == 206
            if resumed and not (response.headers.get("Content-Range") or "").startswith(f"bytes {have}-"):
                part.unlink()              # the retry starts over rather than splice mismatched ranges
                raise _Transient(FetchError(url, file, "the server answered the Range request with another range"))
            if not resumed:
                have = 0                   # the server ignored Range: the body is the whole document
            length = response.headers.get("Content-Length")
            expected = int(length) if length is not None else None
            if expected is not None and have + expected > max_bytes:
                raise too_big(have + expected)
            got = 0
            with open(part, "ab" if resumed else "wb") as out, \
                    tqdm(total=None if expected is None else have + expected, initial=have, unit="B",
                         unit_scale=True, desc=file.name, disable=not progress, leave=False) as bar:
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    if have + got + len(chunk) > max_bytes:
                        raise too_big(have + got + len(chunk))
                    out.write(chunk)
                    got += len(chunk)
                    bar.update(len(chunk))
            # urllib returns a short body silently when the connection drops: check it, keep the part to resume.
            if expected is not None and got < expected:
                raise _Transient(FetchError(url, file, f"connection closed after {have + got} of "
                                                       f"{have + expected} bytes"))
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:         # the part is stale or already whole: start over
            part.unlink(missing_ok=True)
            return _get(url, part, file, timeout=timeout, progress=progress, max_bytes=max_bytes, opener=opener)
        error = FetchError(url, file, f"HTTP {e.code} {e.reason}")
        if e.code >= 500:
            raise _Transient(error) from None
        raise error from None
    except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException) as e:
        reason = e.reason if isinstance(e, urllib.error.URLError) else e
        if isinstance(reason, TimeoutError):
            raise _Transient(FetchError(url, file, f"timed out after {timeout:g} s")) from None
        if isinstance(reason, socket.gaierror):      # DNS failure: retrying will not help
            raise FetchError(url, file, f"cannot resolve the host ({reason}): no network?") from None
        if isinstance(reason, ConnectionRefusedError):
            raise _Transient(FetchError(url, file, f"connection refused ({reason}): no network?")) from None
        raise _Transient(FetchError(url, file, f"connection failed ({reason}): no network?")) from None
