"""Annex I versions on the real corpus: `dualuse diff`, the chat's version intents, and answers "as of" a date."""
import json

import pytest
from click.testing import CliRunner

from interfaces.cli import cli
from assistant.core import Assistant
from assistant.versions import annex_i_versions, version_on

pytestmark = pytest.mark.real
ADDED_IN_2025 = ["1C513", "2B510", "2E503", "3A501", "3A502", "3A504", "3B501", "3B503", "3B504", "3C507", "3C508",
                 "3C509", "3D507", "3E505", "4A506", "4A507"]          # the 16 codes SOURCE.md lists


@pytest.fixture(scope="module")
def assistant(real_index):
    return Assistant(real_index)


def diff_cli(real_index, *args):
    env = {"DUALUSE_DATA": str(real_index.data_dir), "DUALUSE_SOURCES": str(real_index.sources)}
    return CliRunner().invoke(cli, ["diff", "2023", "2025", *args], env=env)


@pytest.mark.parametrize("code,status", [
    ("3B504", "added"),        # cryogenic wafer probing equipment, EU-autonomous, new in 2025
    ("0A001", "unchanged"),    # nuclear reactors: same wording (the 2023 copy differs in layout only)
    ("4D001", "changed"),      # b.1 threshold 15 -> 24 WT, new b.3 (checked by hand against both texts)
    ("1A202", "changed"),      # 400 mm -> 650 mm, a new b. (checked by hand)
    ("1C351", "changed"),      # "Botulinum toxins" -> "Botulinum neurotoxins", new d.24 (checked by hand)
])
def test_diff_entry_cli(real_index, code, status):
    result = diff_cli(real_index, "--entry", code, "--json")
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert d["status"] == status and d["code"] == code
    if status == "unchanged":
        assert d["changes"] == [] or all(c["status"] == "moved" for c in d["changes"])


def test_hand_checked_wording_changes(real_index):
    d = json.loads(diff_cli(real_index, "--entry", "4D001", "--json").output)
    inserted = " ".join(w for c in d["changes"] for op, w in c["ops"] if op == "insert")
    deleted = " ".join(w for c in d["changes"] for op, w in c["ops"] if op == "delete")
    assert "24" in inserted and "15" in deleted
    d = json.loads(diff_cli(real_index, "--entry", "1A202", "--json").output)
    assert any("650" in w for c in d["changes"] for op, w in c["ops"] if op == "insert")


def test_whole_list_summary(real_index):
    result = diff_cli(real_index, "--json")
    d = json.loads(result.output)
    assert sorted(d["added"]) == ADDED_IN_2025 and d["removed"] == []
    assert d["total"]["unchanged"] + d["total"]["changed"] + d["total"]["removed"] == 368
    assert sum(c["added"] for c in d["counts"].values()) == 16
    text = diff_cli(real_index).output
    assert "total" in text and "added: 1C513" in text


def test_bad_entry_code(real_index):
    result = diff_cli(real_index, "--entry", "9Z999")
    assert result.exit_code == 1 and "not an Annex I code" in result.output


@pytest.mark.parametrize("question,status_word", [
    ("What changed in 3B001?", "changed between"),
    ("Is 3A504 new?", "is new"),
    ("Was 5A002 affected by the 2025 update?", "5A002"),
])
def test_chat_version_intents_cite_both_versions(assistant, question, status_word):
    ans = assistant.answer(question)
    assert ans.intent == "diff" and status_word in ans.text.split("\n")[0]
    assert ans.tools[0].name == "diff_entry"
    versions = {c.version for c in ans.citations}
    if "changed" in ans.tools[0].result["status"]:
        assert versions == {"02021R0821-20230526", "02021R0821-20251115"}
    assert "2024/2547" in ans.text                 # the version in between is named as missing


def test_as_of_answers_from_the_version_then(assistant):
    old = assistant.answer("What is 3B001.a?", as_of="2024-01-01")
    assert {c.source for c in old.citations if c.locator.startswith("Annex I")} == {"annex-i-2023"}
    assert "As of 2024-01-01: Annex I consolidated 2023-05-26" in old.text
    gap = assistant.answer("What is 3B001.a?", as_of="2025-01-01")
    assert gap.abstained and "2024/2547" in gap.text
    now = assistant.answer("What is 3B001.a?")
    assert {c.source for c in now.citations if c.locator.startswith("Annex I")} == {"annex-i-2025"}
    # the Articles have not changed: an Article question as of an old date is answered, with a note
    art = assistant.answer("What does Article 12(3) say?", as_of="2024-01-01")
    assert not art.abstained and art.citations[0].locator == "Art. 12(3)"


def test_version_on(assistant):
    from datetime import date
    assert version_on(assistant.store, date(2026, 1, 1)).source == "annex-i-2025"
    assert version_on(assistant.store, date(2024, 6, 1)).source == "annex-i-2023"
    assert version_on(assistant.store, date(2025, 1, 1)).status == "not_available"
    assert version_on(assistant.store, date(2022, 1, 1)) is None
    assert [v.source for v in annex_i_versions(assistant.store)] == ["annex-i-2023", "annex-i-2024", "annex-i-2025"]
