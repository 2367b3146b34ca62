"""The README documents every command and every setting, and the scripts it names exist and are what CI runs."""
import dataclasses
import re

from click.testing import CliRunner

from interfaces.cli import cli
from ingest.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_setting_is_in_the_readme_table_and_back():
    documented = set(re.findall(r"^\| `(DUALUSE_[A-Z_]+)` \|", README, re.M))
    declared = {f.metadata["env"] for f in dataclasses.fields(Settings)}
    assert documented == declared
    for f in dataclasses.fields(Settings):
        assert f.metadata["help"] in README, f.name


def test_every_command_is_documented_and_has_help():
    for name, command in cli.commands.items():
        assert f"`dualuse {name}" in README, name
        assert command.help and len(command.help) > 20, name
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_ci_runs_the_readme_test_command():
    assert "    scripts/test\n" in README and "    scripts/app\n" in README
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text()
