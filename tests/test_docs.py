"""The README documents every command and every setting, and the scripts it names exist and are what CI runs."""
import re

from click.testing import CliRunner

from interfaces.cli import cli
from ingest.settings import Settings, _leaves, markdown_table
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_every_setting_is_in_the_readme_table_and_back():
    rows = {m[0]: m[1:] for m in re.findall(r"^\| `(DUALUSE_[A-Z_]+)` \| `([a-z_.]+)` \| .*? \| (.+) \|$", README, re.M)}
    declared = {f.json_schema_extra["env"]: (path, f.description) for path, f in _leaves(Settings)}
    assert set(rows) == set(declared), set(rows) ^ set(declared)
    for env, (path, description) in declared.items():
        assert description, f"{path} has no description"
        assert rows[env] == (path, description), env


def test_the_readme_table_is_the_generated_one():
    assert markdown_table() in README, "run: python -m ingest.settings --markdown"


def test_every_command_is_documented_and_has_help():
    for name, command in cli.commands.items():
        assert f"`dualuse {name}" in README, name
        assert command.help and len(command.help) > 20, name
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_ci_runs_the_readme_test_command():
    assert "    scripts/test\n" in README and "    scripts/app\n" in README
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_readme_lists_the_turn_and_plan_rules():
    """The README's rule tables are the code's rules, in order (regenerate with assistant.case/plan rules_markdown)."""
    from assistant.case import rules_markdown as case_rules
    from assistant.plan import rules_markdown as plan_rules
    assert case_rules() in README and plan_rules() in README
