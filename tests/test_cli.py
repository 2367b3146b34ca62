"""The `dualuse` command: thin over the library, one-line errors with exit code 1."""
from click.testing import CliRunner

from interfaces.cli import cli
from tests.conftest import FIXTURE_SOURCES


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {})


def test_sources_lists_every_manifest_source(fixture_index):
    result = run("sources", env={"DUALUSE_DATA": str(fixture_index.data_dir)})
    assert result.exit_code == 0
    for source in ("annex-i-2025", "reg-2021-821", "annex-i-2023", "rec-2024-2659", "recitals"):
        assert source in result.output
    assert "indexed:" in result.output and "not available" in result.output


def test_ingest_of_files_that_do_not_match_the_manifest(tmp_path):
    # the fixtures are not the official files the manifest pins: a clear error naming the file
    result = run("ingest", "--sources", str(FIXTURE_SOURCES), "--quiet", env={"DUALUSE_DATA": str(tmp_path)})
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "sha256" in result.output
    assert "annex.json" in result.output or ".txt" in result.output
    assert "previous index (if any) keeps serving" in result.output


def test_ingest_of_a_missing_folder(tmp_path):
    result = run("ingest", "--sources", str(tmp_path / "nowhere"), "--quiet", env={"DUALUSE_DATA": str(tmp_path)})
    assert result.exit_code == 1 and "not found in" in result.output and "dualuse fetch" in result.output


def test_classify_decides_with_the_figures_given(real_index):
    """`dualuse classify` on the real corpus: the ADC of the design walk-through, then the same without its sample
    rate (which is then asked for, with the threshold quoted)."""
    import json

    import pytest  # noqa: F401  (real_index skips without the official texts)
    env = {"DUALUSE_DATA": str(real_index.data_dir), "DUALUSE_SOURCES": str(real_index.sources)}
    result = run("classify", "12-bit analogue-to-digital converter", "--fact", "sample rate=2.5 GSPS", "--json", env=env)
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)["determination"]
    assert (d["status"], d["deciding"]) == ("listed", "Annex I 3A001.a.5.a.3")
    checks = [c for e in d["entries"] for c in e["checks"] if c["locator"] == "Annex I 3A001.a.5.a.3"]
    assert {c["result"] for c in checks} == {True} and any("400 MSPS" in c["quote"] for c in checks)
    result = run("classify", "12-bit analogue-to-digital converter", "--json", env=env)
    d = json.loads(result.output)["determination"]
    assert d["status"] == "needs_facts"
    assert any(q["parameter"] == "sample rate" and "400 MSPS" in q["quote"] for q in d["questions"])


def test_classify_needs_a_description(real_index):
    env = {"DUALUSE_DATA": str(real_index.data_dir), "DUALUSE_SOURCES": str(real_index.sources)}
    result = run("classify", "   ", env=env)
    assert result.exit_code == 1 and result.output.startswith("Error: describe the product")
