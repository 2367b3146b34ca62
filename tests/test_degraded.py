"""Degraded mode with real components: a Chroma server (`chroma run` on loopback) that goes down and comes back,
and a dozen ways an index build gets damaged on disk. Each gives one clear message naming the file and the command
to run, never a traceback; where the index can still answer (BM25 without Chroma, Chroma without BM25, another
intact build) it does, with a notice on the answer; `dualuse ingest` repairs it."""
from __future__ import annotations

import json
import os
import shutil
import time

import pytest
from click.testing import CliRunner

from assistant import library as library_module
from assistant.core import Assistant
from interfaces.cli import cli
from tests.indexes import (SHIP, ChromaServer, assert_serves, base_index, cli_env, clone, current,  # noqa: F401
                           quiet_build, raw_texts, snapshot, start_ingest, verbatim_in)

KEYWORD_ONLY = "Semantic search is unavailable ({}): this answer uses keyword search only."
SEARCHED = ["Which body armour is controlled?", "How can software be exported?", "bulletproof vest",
            "What is a military end-use?"]                       # answers that search (each asked once per test)


# --- a Chroma server that goes down ------------------------------------------------------------------------------

@pytest.fixture
def served(tmp_path, base_index, monkeypatch):
    """An index whose vectors live in a real Chroma server; the answering side retries it after 0.2 s."""
    monkeypatch.setattr(library_module, "RETRY_SECONDS", 0.2)
    server = ChromaServer(tmp_path / "server").start()
    settings = clone(base_index, tmp_path, chroma_host="127.0.0.1", chroma_port=server.port)
    quiet_build(settings, force=True)
    yield settings, server
    server.stop()


@pytest.mark.server
def test_chroma_server_down_answers_from_bm25_then_recovers(served):
    settings, server = served
    assistant = Assistant(settings)
    notice = KEYWORD_ONLY.format(f"Chroma server at 127.0.0.1:{server.port} unreachable")
    assert notice not in assistant.answer(SEARCHED[0]).caveats and assistant.library.dense("soft body armour", 3)

    server.stop()
    texts = raw_texts(settings.sources)
    for question in SEARCHED[1:3]:
        answer = assistant.answer(question)
        assert notice in answer.caveats and notice in answer.text, answer.text
        assert answer.citations and all(verbatim_in(c.quote, texts) for c in answer.citations)
    answer = assistant.answer(SHIP)                                  # the tools answer as before: no search in it
    assert answer.citations and all(verbatim_in(c.quote, texts) for c in answer.citations)

    # ingest stops before it touches anything: the local index keeps serving as it was
    index = snapshot(settings.index_dir)
    proc = start_ingest(settings, "--force")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1 and "Traceback" not in err
    assert f"Error: 127.0.0.1:{server.port}: the Chroma server is unreachable" in err
    assert snapshot(settings.index_dir) == index

    server.start()                                                   # back, on the same port and data
    time.sleep(library_module.RETRY_SECONDS)
    answer = assistant.answer(SEARCHED[3])                           # the same object: no restart
    assert notice not in answer.caveats and answer.citations
    assert assistant.library.dense("soft body armour", 3)


# --- damaged builds ----------------------------------------------------------------------------------------------

def _garble(path):
    path.write_bytes(os.urandom(max(path.stat().st_size, 64)))


def _truncate(path):
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _edit_json(path, change):
    info = json.loads(path.read_text())
    change(info)
    path.write_text(json.dumps(info))


def _segment(build):
    return next(d for d in (build / "chroma").iterdir() if d.is_dir())


# what is damaged -> does the index still answer? -> what the message (error or notice) must say
DAMAGES = [
    ("store truncated", lambda b: _truncate(b / "store.sqlite"), False, ["store.sqlite: sha256 is", "dualuse ingest"]),
    ("store garbage", lambda b: _garble(b / "store.sqlite"), False, ["store.sqlite: sha256 is", "dualuse ingest"]),
    ("store missing", lambda b: (b / "store.sqlite").unlink(), False,
     ["store.sqlite: file is missing", "dualuse ingest"]),
    ("source copy edited", lambda b: (b / "sources/reg-2021-821/02021R0821-20230526_EN_articles-1-32.txt").write_text(
        "edited"), False, ["02021R0821-20230526_EN_articles-1-32.txt: sha256 is", "dualuse ingest"]),
    ("bm25 missing", lambda b: shutil.rmtree(b / "bm25"), True,
     ["Keyword search is unavailable (", "bm25/", "file is missing", "dualuse ingest"]),
    ("bm25 garbage", lambda b: _garble(b / "bm25" / "params.index.json"), True,
     ["Keyword search is unavailable (", "params.index.json: sha256 is", "dualuse ingest"]),
    ("chroma missing", lambda b: shutil.rmtree(b / "chroma"), True,
     ["Semantic search is unavailable (", "chroma/", "file is missing", "dualuse ingest"]),
    ("chroma garbage", lambda b: _garble(b / "chroma" / "chroma.sqlite3"), True,
     ["Semantic search is unavailable (", "chroma cannot be read", "dualuse ingest"]),
    ("chroma vectors missing", lambda b: shutil.rmtree(_segment(b)), True,
     ["Semantic search is unavailable (", "file is missing", "dualuse ingest"]),
    ("build.json missing", lambda b: (b / "build.json").unlink(), False,
     ["CURRENT: cannot be served", "build.json file is missing", "dualuse ingest"]),
    ("build.json garbage", lambda b: (b / "build.json").write_text("{not json"), False,
     ["CURRENT: cannot be served", "build.json cannot be read", "dualuse ingest"]),
    ("built by an older version", lambda b: _edit_json(b / "build.json", lambda i: i.pop("files")), False,
     ["build.json has no file records (built by an older version)", "dualuse ingest"]),
    ("CURRENT names no build", lambda b: (b.parent / "CURRENT").write_text("ffffffffffffffff"), True,
     ["CURRENT", "cannot be served", "answers come from build", "dualuse ingest"]),
    ("CURRENT garbage", lambda b: (b.parent / "CURRENT").write_bytes(b"\x00\xff../../etc"), True,
     ["CURRENT cannot be read", "answers come from build", "dualuse ingest"]),
    ("CURRENT names a path", lambda b: (b.parent / "CURRENT").write_text("../../etc"), True,
     ["CURRENT does not hold a build name", "answers come from build", "dualuse ingest"]),
    ("CURRENT missing", lambda b: (b.parent / "CURRENT").unlink(), True,
     ["CURRENT is missing", "answers come from build", "dualuse ingest"]),
]


def ask(settings, question=SEARCHED[0]):
    result = CliRunner().invoke(cli, ["ask", "--json", question], env=cli_env(settings))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("name,damage,serves,says", DAMAGES, ids=[d[0] for d in DAMAGES])
def test_damaged_index_says_what_to_run_and_serves_where_it_can(name, damage, serves, says, base_index, tmp_path):
    settings = clone(base_index, tmp_path)
    damage(settings.index_dir / current(settings))
    result = ask(settings)
    if serves:
        assert result.exit_code == 0, result.output
        answer = json.loads(result.stdout)
        notice = " ".join(answer["caveats"])
        assert all(s in notice for s in says), answer["caveats"]
        texts = raw_texts(settings.sources)
        assert answer["citations"] and all(verbatim_in(c["quote"], texts) for c in answer["citations"])
    else:
        assert result.exit_code == 1 and result.output.startswith("Error: "), result.output
        assert all(s in result.output for s in says), result.output
        assert len(result.output.strip().splitlines()) == 1
    # `dualuse ingest` repairs it: afterwards the answers carry no notice
    quiet_build(settings)
    answer = assert_serves(settings, SEARCHED[0])
    assert not [c for c in answer.caveats if "unavailable" in c or "CURRENT" in c], answer.caveats


def test_damaged_build_falls_back_to_the_previous_intact_one(base_index, tmp_path):
    settings = clone(base_index, tmp_path)
    previous = current(settings)
    newest = quiet_build(settings, force=True).build_id
    _truncate(settings.index_dir / newest / "store.sqlite")
    answer = json.loads(ask(settings).stdout)
    assert f"answers come from build {previous}" in " ".join(answer["caveats"])
    assert f"{newest}/store.sqlite: sha256 is" in " ".join(answer["caveats"])
    texts = raw_texts(settings.sources)
    assert answer["citations"] and all(verbatim_in(c["quote"], texts) for c in answer["citations"])
