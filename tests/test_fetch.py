"""fetch_sources against a real HTTP server on 127.0.0.1 (no mocks): slicing, verification, resume, errors, and the
bounds on what a download may do (size cap, redirects to the manifest's hosts only, files inside the cache)."""
from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest import fetch
from ingest.fetch import FetchError, fetch_sources
from ingest.manifest import SourceError, load_manifest, locate, verify

OFFICIAL = "https://example.invalid"
# Multi-byte characters before the cut: a byte range would cut elsewhere (or inside "▼"), and the pins would not match.
DOC = ("▼B\nArticle 1\n‘dual-use items’ means items, including software and technology, which can be used for both "
       "civil and military purposes — the exporter’s duty.\n") * 40
CUT = 700                        # characters
JSON_DOC = json.dumps({"entries": [{"code": "0A001", "text": "‘Nuclear reactors’ ▼M1"}] * 50}).encode()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Server:
    """Serves `files` by path with Range support; `rules[path]` makes it misbehave (see Handler.do_GET)."""

    def __init__(self):
        self.files = {"/doc.txt": DOC.encode(), "/annex.json": JSON_DOC, "/guide.pdf": PDF}
        self.rules: dict[str, dict] = {}
        self.requests: list[tuple[str, str | None]] = []      # (path, Range header)
        self.release = threading.Event()                       # wakes sleeping handlers at teardown
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Range")))
                rule = server.rules.get(self.path, {})
                if "sleep" in rule:
                    server.release.wait(rule["sleep"])
                if "status" in rule:
                    self.send_error(rule["status"])
                    return
                if "redirect" in rule:
                    self.send_response(302)
                    self.send_header("Location", rule["redirect"])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if "endless" in rule:                          # no Content-Length, a body that never ends
                    self.send_response(200)
                    self.end_headers()
                    try:
                        while not server.release.is_set():
                            self.wfile.write(b"x" * 65536)
                    except OSError:                             # the client hung up, as it should
                        pass
                    self.close_connection = True
                    return
                body = server.files[self.path]
                start = 0
                if self.headers.get("Range") and not rule.get("ignore_range"):
                    start = int(self.headers["Range"].removeprefix("bytes=").rstrip("-"))
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                cut = rule.pop("cut_after", None)              # first request only
                if cut is not None:
                    self.wfile.write(body[start:start + cut])
                    self.close_connection = True                # drop the connection mid-body
                    return
                self.wfile.write(body[start:])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True)
        self.thread.start()

    def url_map(self, url: str) -> str:
        return url.replace(OFFICIAL, self.base)

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(fetch, "BACKOFF_SECONDS", 0.0)


def write_manifest(tmp_path: Path, *, annex_sha: str | None = None, doc_shas: tuple[str, str] | None = None,
                   annex_bytes: int | None = None):
    text = DOC
    part1, part2 = doc_shas or (sha(text[:CUT].encode()), sha(text[CUT:].encode()))
    toml = f"""
[[source]]
id = "reg"
folder = "reg"
title = "Regulation, two character ranges of one document"
status = "in_force"
  [[source.files]]
  name = "articles.txt"
  sha256 = "{part1}"
  [[source.files]]
  name = "annexes.txt"
  sha256 = "{part2}"
  [[source.download]]
  file = "articles.txt"
  url = "{OFFICIAL}/doc.txt"
  chars = [0, {CUT}]
  [[source.download]]
  file = "annexes.txt"
  url = "{OFFICIAL}/doc.txt"
  chars = [{CUT}, {len(text)}]

[[source]]
id = "annex"
title = "Annex I, whole file"
status = "in_force"
  [[source.files]]
  name = "annex.json"
  sha256 = "{annex_sha or sha(JSON_DOC)}"
  [[source.download]]
  file = "annex.json"
  url = "{OFFICIAL}/annex.json"
  {f"bytes = {annex_bytes}" if annex_bytes is not None else ""}

[[source]]
id = "guide"
title = "A guidance PDF without a pinned sha256"
status = "guidance"
format = "pdf"
  [[source.download]]
  file = "guide.pdf"
  url = "{OFFICIAL}/guide.pdf"

[[source]]
id = "absent"
title = "Known, not downloadable"
status = "not_available"
"""
    path = tmp_path / "manifest.toml"
    path.write_text(toml, encoding="utf-8")
    return load_manifest(path)


def run(manifest, cache, server, **kw):
    kw = {"timeout": 2, "retries": 0, "progress": False, "url_map": server.url_map} | kw
    return fetch_sources(manifest, cache, **kw)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith((".tmp", ".part"))]


def test_fetch_produces_verified_files_sliced_by_characters(tmp_path, server):
    manifest = write_manifest(tmp_path)
    cache = tmp_path / "cache"
    results = run(manifest, cache, server)

    assert [(r.source, r.file, r.status) for r in results] == [
        ("reg", "articles.txt", "fetched"), ("reg", "annexes.txt", "fetched"),
        ("annex", "annex.json", "fetched"), ("guide", "guide.pdf", "fetched")]
    assert sorted(server.paths()) == ["/annex.json", "/doc.txt", "/guide.pdf"]      # shared document: once
    articles, annexes = (cache / "reg" / "articles.txt"), (cache / "reg" / "annexes.txt")
    assert articles.read_text(encoding="utf-8") == DOC[:CUT]
    assert articles.read_bytes() + annexes.read_bytes() == DOC.encode()
    assert len(articles.read_bytes()) > CUT                                           # characters, not bytes
    for source_id in ("reg", "annex"):
        source = manifest.get(source_id)
        assert locate(source, [cache]) == cache / source.folder
        verify(source, cache / source.folder)
    assert (cache / "guide" / "guide.pdf").read_bytes() == PDF
    record = json.loads((cache / "guide" / "FETCHED.json").read_text())["guide.pdf"]
    assert record["sha256"] == sha(PDF) and record["bytes"] == len(PDF)
    assert record["url"] == f"{server.base}/guide.pdf" and record["fetched_at"]
    assert results[3].sha256 == sha(PDF) and results[3].bytes == len(PDF)
    assert not leftovers(cache) and not any((cache / ".downloads").iterdir())


def test_second_run_is_up_to_date_without_network(tmp_path, server):
    manifest = write_manifest(tmp_path)
    cache = tmp_path / "cache"
    run(manifest, cache, server)
    before = len(server.requests)
    again = run(manifest, cache, server)
    assert {r.status for r in again} == {"up_to_date"}
    assert len(server.requests) == before
    assert again[3].sha256 == sha(PDF)


def test_only_selects_sources(tmp_path, server):
    manifest = write_manifest(tmp_path)
    results = run(manifest, tmp_path / "cache", server, only=["annex", "absent"])
    assert [r.file for r in results] == ["annex.json"]
    assert server.paths() == ["/annex.json"]
    with pytest.raises(KeyError, match="nope"):
        run(manifest, tmp_path / "cache", server, only=["nope"])


def test_checksum_mismatch_names_the_file_and_leaves_nothing(tmp_path, server):
    manifest = write_manifest(tmp_path, annex_sha="ab" * 32)
    cache = tmp_path / "cache"
    with pytest.raises(FetchError) as info:
        run(manifest, cache, server)
    err = info.value
    assert isinstance(err, SourceError)
    assert err.file == str(cache / "annex" / "annex.json")
    assert "sha256 mismatch: expected abababababab" in str(err) and sha(JSON_DOC)[:12] in str(err)
    assert str(err).startswith(str(cache / "annex" / "annex.json"))
    assert not (cache / "annex" / "annex.json").exists() and not leftovers(cache)
    # the other sources were still produced, and every outcome is reported
    assert {r.file: r.status for r in err.results} == {
        "articles.txt": "fetched", "annexes.txt": "fetched", "annex.json": "failed", "guide.pdf": "fetched"}
    verify(manifest.get("reg"), cache / "reg")


def test_http_404_is_a_clear_error(tmp_path, server):
    server.rules["/guide.pdf"] = {"status": 404}
    manifest = write_manifest(tmp_path)
    with pytest.raises(FetchError, match=r"guide\.pdf: HTTP 404 Not Found \(from http://127\.0\.0\.1"):
        run(manifest, tmp_path / "cache", server, only=["guide"], retries=2)
    assert server.paths() == ["/guide.pdf"]                                          # a 404 is not retried
    assert not (tmp_path / "cache" / "guide" / "guide.pdf").exists()


def test_http_500_is_retried_then_reported(tmp_path, server):
    server.rules["/annex.json"] = {"status": 500}
    manifest = write_manifest(tmp_path)
    with pytest.raises(FetchError, match="HTTP 500"):
        run(manifest, tmp_path / "cache", server, only=["annex"], retries=2)
    assert server.paths() == ["/annex.json"] * 3


def test_timeout_is_a_clear_error(tmp_path, server):
    server.rules["/annex.json"] = {"sleep": 3}
    manifest = write_manifest(tmp_path)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"annex\.json: timed out after 0\.2 s"):
        run(manifest, tmp_path / "cache", server, only=["annex"], timeout=0.2)
    assert time.monotonic() - started < 1.5


def test_connection_refused_suggests_no_network(tmp_path, server):
    with socket.socket() as s:                         # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    manifest = write_manifest(tmp_path)
    with pytest.raises(FetchError, match="no network"):
        fetch_sources(manifest, tmp_path / "cache", only=["annex"], timeout=1, retries=0, progress=False,
                      url_map=lambda u: u.replace(OFFICIAL, f"http://127.0.0.1:{port}"))


def test_dropped_connection_is_resumed_with_range(tmp_path, server):
    server.rules["/doc.txt"] = {"cut_after": 1000}
    manifest = write_manifest(tmp_path)
    cache = tmp_path / "cache"
    results = run(manifest, cache, server, only=["reg"], retries=1, progress=True)
    assert [r.status for r in results] == ["fetched", "fetched"]
    assert server.requests == [("/doc.txt", None), ("/doc.txt", "bytes=1000-")]
    assert (cache / "reg" / "articles.txt").read_bytes() + (cache / "reg" / "annexes.txt").read_bytes() \
        == DOC.encode()


def test_interrupted_run_resumes_on_the_next_run(tmp_path, server):
    server.rules["/annex.json"] = {"cut_after": 300}
    manifest = write_manifest(tmp_path)
    cache = tmp_path / "cache"
    with pytest.raises(FetchError, match=f"connection closed after 300 of {len(JSON_DOC)} bytes"):
        run(manifest, cache, server, only=["annex"])
    assert not (cache / "annex" / "annex.json").exists()
    assert [p.stat().st_size for p in (cache / ".downloads").glob("*.part")] == [300]
    run(manifest, cache, server, only=["annex"])
    assert server.requests[-1] == ("/annex.json", "bytes=300-")
    assert (cache / "annex" / "annex.json").read_bytes() == JSON_DOC


def test_server_ignoring_range_gets_a_full_download(tmp_path, server):
    server.rules["/annex.json"] = {"cut_after": 300, "ignore_range": True}
    manifest = write_manifest(tmp_path)
    cache = tmp_path / "cache"
    run(manifest, cache, server, only=["annex"], retries=1)
    assert server.requests[-1] == ("/annex.json", "bytes=300-")                      # asked, answered with 200
    assert (cache / "annex" / "annex.json").read_bytes() == JSON_DOC


def test_non_utf8_document_cannot_be_sliced(tmp_path, server):
    server.files["/doc.txt"] = b"\xff\xfe" + DOC.encode("utf-16-le")
    manifest = write_manifest(tmp_path)
    with pytest.raises(FetchError, match=r"articles\.txt: the document is not UTF-8 text"):
        run(manifest, tmp_path / "cache", server, only=["reg"])
    assert not (tmp_path / "cache" / "reg").exists()


def test_unpinned_file_that_changes_warns(tmp_path, server):
    manifest = write_manifest(tmp_path)
    cache = tmp_path / "cache"
    run(manifest, cache, server, only=["guide"])
    (cache / "guide" / "guide.pdf").unlink()
    server.files["/guide.pdf"] = PDF + b"% revised\n"
    with pytest.warns(UserWarning, match="sha256 changed since the last fetch"):
        results = run(manifest, cache, server, only=["guide"])
    assert results[0].status == "fetched" and "changed" in results[0].message
    assert json.loads((cache / "guide" / "FETCHED.json").read_text())["guide.pdf"]["sha256"] == sha(
        PDF + b"% revised\n")


# --- what a download may do ------------------------------------------------------------------------------------------

def test_body_larger_than_the_manifest_size_is_refused_before_it_is_read(tmp_path, server):
    manifest = write_manifest(tmp_path, annex_bytes=len(JSON_DOC) - 1)
    cache = tmp_path / "cache"
    with pytest.raises(FetchError, match=rf"annex\.json: the download is larger than {len(JSON_DOC) - 1} bytes"):
        run(manifest, cache, server, only=["annex"], retries=2)
    assert server.paths() == ["/annex.json"]                    # refused, not retried
    assert not (cache / "annex").exists() and not leftovers(cache)


def test_manifest_size_that_fits_is_fetched(tmp_path, server):
    manifest = write_manifest(tmp_path, annex_bytes=len(JSON_DOC))
    assert [r.status for r in run(manifest, tmp_path / "cache", server, only=["annex"])] == ["fetched"]


def test_endless_body_without_length_stops_at_the_default_cap(tmp_path, server, monkeypatch):
    monkeypatch.setattr(fetch, "MAX_BYTES", 1_000_000)         # the guide PDF has no size in the manifest
    server.rules["/guide.pdf"] = {"endless": True}
    cache = tmp_path / "cache"
    with pytest.raises(FetchError, match=r"guide\.pdf: the download is larger than 1000000 bytes"):
        run(write_manifest(tmp_path), cache, server, only=["guide"])
    assert not (cache / "guide").exists() and not leftovers(cache)
    assert not any((cache / ".downloads").iterdir())            # nothing of it kept


def test_redirect_within_the_manifest_hosts_is_followed(tmp_path, server):
    server.rules["/annex.json"] = {"redirect": f"{server.base}/moved.json"}
    server.files["/moved.json"] = JSON_DOC
    results = run(write_manifest(tmp_path), tmp_path / "cache", server, only=["annex"])
    assert [r.status for r in results] == ["fetched"] and server.paths() == ["/annex.json", "/moved.json"]


def test_redirect_to_another_host_is_refused(tmp_path, server):
    other = Server()                                           # another origin: a different host:port
    try:
        server.rules["/annex.json"] = {"redirect": f"{other.base}/annex.json"}
        cache = tmp_path / "cache"
        with pytest.raises(FetchError, match=rf"redirected to {other.base}/annex\.json, which is not a host of"):
            run(write_manifest(tmp_path), cache, server, only=["annex"], retries=2)
        assert other.requests == [] and server.paths() == ["/annex.json"]
        assert not (cache / "annex").exists()
    finally:
        other.close()


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/evil.txt", "sub/evil.txt", ".hidden"])
def test_manifest_file_names_must_be_plain(tmp_path, name):
    path = tmp_path / "manifest.toml"
    path.write_text(f"""
[[source]]
id = "guide"
title = "A guidance PDF"
status = "guidance"
  [[source.download]]
  file = "{name}"
  url = "{OFFICIAL}/guide.pdf"
""", encoding="utf-8")
    with pytest.raises(SourceError, match="is not a plain file or folder name"):
        load_manifest(path)


def test_file_that_resolves_outside_the_cache_is_refused(tmp_path, server):
    outside = tmp_path / "outside"
    outside.mkdir()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "annex").symlink_to(outside)                      # a link planted in the cache
    with pytest.raises(FetchError, match="outside the cache"):
        run(write_manifest(tmp_path), cache, server, only=["annex"])
    assert server.requests == [] and list(outside.iterdir()) == []
