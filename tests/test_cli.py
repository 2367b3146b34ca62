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
