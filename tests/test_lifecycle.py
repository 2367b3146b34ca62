"""The index lifecycle with real processes and real files (fixture corpus, real BM25, Chroma and embeddings): every
build is written aside and switched in atomically, so a `dualuse ingest` killed with SIGKILL at any phase, a second
ingest at the same time, a full disk or a read-only data folder never cost the build that serves; serving never
writes to a build; the assistant and the app notice a new build on the next question."""
from __future__ import annotations

import json
import shutil
import time

import pytest
from streamlit.testing.v1 import AppTest

from assistant.core import Assistant
from ingest.builds import BuildError, KEEP_BUILDS, prune
from tests.conftest import ROOT
from tests.indexes import (SHIP, assert_serves, base_index, can_mount, clone, current, edit_source,  # noqa: F401
                           kill9, leftovers, provision_count, quiet_build, read_only, small_disk, snapshot,
                           start_ingest, wait_paused)

# phase the build is killed in -> is the new build the one serving afterwards? is a folder left for the next ingest?
KILLS = [
    ("parse", False, False),          # reading the sources: nothing written yet
    ("store", False, True),           # the aside folder exists, the store is being written
    ("embed", False, True),           # store and BM25 written aside, vectors being computed
    ("chroma-write", False, True),    # the collection half written
    ("switch", False, False),         # sealed and renamed, CURRENT not yet replaced: a complete build nobody serves
    ("prune", True, False),           # switched in: the new build serves, the old one is kept for the grace period
]


@pytest.mark.parametrize("phase,switched,aside", KILLS)
def test_ingest_killed_at_each_phase_loses_nothing(phase, switched, aside, base_index, tmp_path):
    settings = clone(base_index, tmp_path)
    before = current(settings)
    serving = settings.index_dir / before
    files, provisions = snapshot(serving), provision_count(serving)

    proc = start_ingest(settings, "--force", DUALUSE_INGEST_PAUSE=phase)
    wait_paused(proc, phase)
    kill9(proc)

    assert (current(settings) != before) is switched
    assert bool(leftovers(settings)) is aside
    assert snapshot(serving) == files and provision_count(serving) == provisions      # nothing of it changed
    assert_serves(settings)
    # the next ingest cleans up after the killed one and finds an intact build that serves
    report = quiet_build(settings)
    assert report.status == "up_to_date" and not leftovers(settings)
    assert report.build_id == current(settings)
    assert_serves(settings)


def test_second_ingest_stops_with_a_message_while_one_runs(base_index, tmp_path):
    settings = clone(base_index, tmp_path)
    before = current(settings)
    first = start_ingest(settings, "--force", DUALUSE_INGEST_PAUSE="embed")
    try:
        wait_paused(first, "embed")
        second = start_ingest(settings, "--force")
        out, err = second.communicate(timeout=120)
        assert second.returncode == 1 and "Traceback" not in err
        assert f"another `dualuse ingest` (pid {first.pid}" in err and ".lock" in err
        assert "keeps serving" in err
        assert current(settings) == before
        assert_serves(settings)
    finally:
        kill9(first)
    third = start_ingest(settings)              # the lock died with its holder
    assert third.wait(timeout=180) == 0, third.stderr.read()
    assert current(settings) == before and not leftovers(settings)


def test_second_ingest_waits_for_the_first_when_asked(base_index, tmp_path):
    settings = clone(base_index, tmp_path)
    first = start_ingest(settings, "--force", DUALUSE_INGEST_PAUSE="embed:3")
    wait_paused(first, "embed")
    second = start_ingest(settings, DUALUSE_INGEST_WAIT="300")
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0), err1 + err2
    assert ": built" in out1.splitlines()[0] and ": up_to_date" in out2.splitlines()[0]    # the second found it done
    assert out1.split()[1] == out2.split()[1] == current(settings) + ":"
    assert_serves(settings)


def test_full_disk_keeps_the_previous_index(base_index, tmp_path, monkeypatch):
    if can_mount():                    # a real small disk: room for the index that serves, not for a second one
        with small_disk(tmp_path / "disk", "1800k") as disk:
            settings = clone(base_index, disk)
            before, files = current(settings), snapshot(settings.index_dir / current(settings))
            proc = start_ingest(settings, "--force")
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 1 and "Traceback" not in err, err
            assert "Error: " in err and "no space left on the device" in err and "keeps serving" in err
            assert current(settings) == before and snapshot(settings.index_dir / before) == files
            assert not leftovers(settings)
            assert_serves(settings)
    else:                              # a writer that fails as a full disk does
        settings = clone(base_index, tmp_path)
        before = current(settings)

        def full(*a, **kw):
            raise OSError(28, "No space left on device", str(settings.index_dir / "x"))

        monkeypatch.setattr("ingest.index.shutil.copyfile", full)
        with pytest.raises(BuildError, match="no space left on the device"):
            quiet_build(settings, force=True)
        assert current(settings) == before and not leftovers(settings)
        assert_serves(settings)


def test_read_only_data_folder_cannot_build_but_serves(base_index, tmp_path):
    settings = clone(base_index, tmp_path)
    before = current(settings)
    with read_only(settings.data_dir):
        proc = start_ingest(settings, "--force")
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 1 and "Traceback" not in err, err
        assert "cannot be written" in err and str(settings.index_dir) in err
        assert current(settings) == before
        assert_serves(settings)


def test_serving_never_writes_to_the_build(base_index, tmp_path):
    """Answering (BM25, dense search through Chroma, the tools) from a read-only copy changes no file of it."""
    settings = clone(base_index, tmp_path)
    build = settings.index_dir / current(settings)
    before = snapshot(settings.data_dir / "index")
    with read_only(settings.data_dir):
        assistant = Assistant(settings)
        for question in (SHIP, "bulletproof vest", "What does 'export' mean?"):
            answer = assistant.answer(question)
            assert not [c for c in answer.caveats if "unavailable" in c], answer.caveats
        assert assistant.library.dense("soft body armour", 3)            # Chroma did run
        assert_serves(settings)
    assert snapshot(settings.data_dir / "index") == before
    assert (build / "chroma" / "chroma.sqlite3").is_file()


def test_assistant_answers_from_a_new_build_on_the_next_question(base_index, tmp_path):
    settings = clone(base_index, tmp_path)
    assistant = Assistant(settings)
    old = assistant.answer("What is 1A005.a?")
    assert any("Soft body armour" in c.quote for c in old.citations)
    old_build = current(settings)

    edit_source(settings, "annex-i-2025", "annex.json", "Soft body armour", "Soft body armor")
    report = quiet_build(settings)
    assert report.status == "built" and current(settings) == report.build_id != old_build

    history = [{"role": "user", "content": "What is 1A005.a?"}, {"role": "assistant", "content": old.text}]
    new = assistant.answer("What is 1A005.a?", history)                  # the same object, no restart
    assert assistant.library.build_id == report.build_id
    assert any("Soft body armor" in c.quote for c in new.citations)
    assert (settings.index_dir / old_build).is_dir()                      # kept for the grace period


def test_app_session_recovers_from_a_missing_index_without_reload(base_index, tmp_path, monkeypatch):
    data = tmp_path / "empty"
    monkeypatch.setenv("DUALUSE_DATA", str(data))
    monkeypatch.setenv("DUALUSE_SOURCES", str(base_index.sources))
    monkeypatch.setenv("DUALUSE_MANIFEST", str(base_index.manifest))
    monkeypatch.delenv("DUALUSE_LLM", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert "not built" in at.error[0].value
    at.chat_input(key="asked_without_index").set_value(SHIP).run()
    assert "not built" in at.error[0].value and SHIP in at.info[0].value       # kept until an index serves

    shutil.copytree(base_index.data_dir, data)                             # `dualuse ingest` finished meanwhile
    at.chat_input(key="asked_without_index").set_value("What is 1A005.a?").run()
    assert not at.exception and not at.error
    messages = at.session_state["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"] and messages[0]["content"] == "What is 1A005.a?"
    assert messages[1]["answer"].citations


def test_app_switches_to_a_new_build_and_keeps_the_conversation(base_index, tmp_path, monkeypatch):
    settings = clone(base_index, tmp_path)
    for name, value in (("DUALUSE_DATA", settings.data_dir), ("DUALUSE_SOURCES", settings.sources),
                        ("DUALUSE_MANIFEST", settings.manifest), ("DUALUSE_EMBED_CACHE", settings.cache_dir)):
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("DUALUSE_LLM", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.chat_input[0].set_value("What is 1A005.a?").run()
    assert any("Soft body armour" in c.quote for c in at.session_state["messages"][-1]["answer"].citations)

    edit_source(settings, "annex-i-2025", "annex.json", "Soft body armour", "Soft body armor")
    quiet_build(settings)

    at.chat_input[0].set_value("What is 1A005.a?").run()
    assert not at.exception
    messages = at.session_state["messages"]
    assert len(messages) == 4                                              # the conversation is still there
    assert any("Soft body armor" in c.quote for c in messages[-1]["answer"].citations)


def _fake_build(index_dir, name: str, created: float) -> None:
    (index_dir / name).mkdir(parents=True)
    (index_dir / name / "build.json").write_text(json.dumps({"created_ts": created, "files": {}}))


@pytest.mark.parametrize("ages,serving,grace,kept", [
    # minutes since each build was made (newest first), the serving one, grace (minutes) -> builds left
    ([0, 30, 60, 90], "b0", 10, {"b0", "b1"}),                  # the serving one and the one before it stay
    ([0, 5, 60, 90], "b0", 10, {"b0", "b1", "b2"}),             # b2 was replaced 5 minutes ago: still in its grace
    ([0, 30, 60], "b1", 10, {"b0", "b1"}),                      # CURRENT names an older build: never removed
    ([0, 30, 60, 90], "b0", 0, {"b0", "b1"}),                   # no grace: only the last KEEP_BUILDS
])
def test_prune_keeps_serving_previous_and_recent_builds(tmp_path, ages, serving, grace, kept):
    now = time.time()
    names = {f"b{i}": f"{i:016x}" for i in range(len(ages))}
    for i, age in enumerate(ages):
        _fake_build(tmp_path, names[f"b{i}"], now - age * 60)
    prune(tmp_path, names[serving], grace * 60, now=now)
    assert {d.name for d in tmp_path.iterdir()} == {names[k] for k in kept}
    assert KEEP_BUILDS == 2
