"""The scale-out path: the same ingest and retrieval through a Chroma server (`chroma run` on loopback, started and
stopped here) give the same results as the embedded store."""
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.embed import encode
from ingest.index import build_index, chroma_client, collection_name, current_build, serving_build
from tests.conftest import fixture_manifest, real_sources_present

pytestmark = pytest.mark.server
QUERIES = ["bulletproof vest", "encryption software for data confidentiality", "machine tools with five axes",
           "export authorisation to Canada", "unmanned aerial vehicles", "marine radar"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert exe, "the chroma CLI ships with the chromadb package"
    port = _free_port()
    log = open(tmp_path / "chroma.log", "w")
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env={"ANONYMIZED_TELEMETRY": "False", "RUST_LOG": "warn",
                                                                       "PATH": "/usr/bin:/bin"})
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("chroma server did not start: " + (tmp_path / "chroma.log").read_text()[-500:])
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def _top_locators(settings, copy_to, k=8):
    """Embedded: on a checked copy, since Chroma rewrites what it opens and the shared build must stay sealed."""
    build = serving_build(settings)
    if not settings.chroma_host:
        from ingest.builds import copy_checked, read_info
        copy_checked(build, read_info(build), "chroma/", copy_to / "chroma")
        build = copy_to
    client = chroma_client(settings, build)
    collection = client.get_collection(collection_name(current_build(settings.index_dir)))
    found = collection.query(query_embeddings=encode(QUERIES), n_results=k, include=["metadatas"])
    return [[m["locator"] for m in row] for row in found["metadatas"]]


def test_server_mode_gives_the_same_results(chroma_server, tmp_path, fixture_index, request):
    if real_sources_present():
        embedded = request.getfixturevalue("real_index")
        manifest = None
    else:
        embedded, manifest = fixture_index, fixture_manifest()
    server = embedded.replace(data_dir=tmp_path / "data", chroma_host="127.0.0.1",
                             chroma_port=chroma_server, embed_cache=embedded.cache_dir)
    report = build_index(server, manifest, progress=False, log=lambda *a: None)
    assert report.status == "built" and report.embedded == 0          # vectors came from the shared cache
    assert report.build_id == current_build(embedded.index_dir)
    assert not (serving_build(server) / "chroma").exists()            # the vectors live in the server
    assert _top_locators(server, tmp_path) == _top_locators(embedded, tmp_path / "embedded")
    # re-ingest against the server is idempotent too
    assert build_index(server, manifest, progress=False, log=lambda *a: None).status == "up_to_date"
