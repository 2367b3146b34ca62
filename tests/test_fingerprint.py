"""The fingerprint: one value for everything that can change an answer. Two runs that can answer differently never
share one (one changed lexicon line is enough); the same inputs always give the same value."""
import shutil

import pytest

from ingest.fingerprint import DATA_GLOBS, changed, components, data_files, fingerprint, of_components
from ingest.manifest import PROJECT_ROOT
from ingest.settings import Settings

SETTINGS = Settings()


@pytest.fixture
def project(tmp_path):
    """A copy of the project's data files and code (the parts the fingerprint reads)."""
    for folder in ("assistant", "law", "ingest", "corpus"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_every_answer_changing_data_file_is_covered():
    files = data_files()
    for name in ("assistant/data/lexicon.toml", "law/data/countries.toml", "law/data/sanctions.toml",
                 "corpus/catchwords.toml"):
        assert name in files, name


def test_the_same_inputs_give_the_same_fingerprint(project):
    assert fingerprint(SETTINGS, "b1", project) == fingerprint(SETTINGS, "b1", project)
    assert fingerprint(SETTINGS, "b1", project) == fingerprint(Settings(data_dir=project), "b1", project)


def test_one_changed_lexicon_line_changes_the_fingerprint(project):
    before = components(SETTINGS, "b1", project)
    lexicon = project / "assistant" / "data" / "lexicon.toml"
    lines = lexicon.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if "=" in line and not line.lstrip().startswith("#"))
    lines[n] = lines[n].rstrip("\n") + "  # one more word\n"
    lexicon.write_text("".join(lines), encoding="utf-8")
    assert changed(before, components(SETTINGS, "b1", project)) == ["data:assistant/data/lexicon.toml"]
    assert fingerprint(SETTINGS, "b1", project) != of_components(before)


@pytest.mark.parametrize("edit, part", [
    (lambda root: (root / "law" / "data" / "sanctions.toml").write_text("# emptied\n"), "data:law/data/sanctions.toml"),
    (lambda root: (root / "law" / "data" / "new_rules.toml").write_text("x = 1\n"), "data:law/data/new_rules.toml"),
    (lambda root: (root / "corpus" / "criteria_overrides.toml").write_text("[x]\n"), "data:corpus/criteria_overrides.toml"),
    (lambda root: (root / "assistant" / "compose.py").write_text("# another rule\n"), "code"),
])
def test_any_data_file_or_code_counts_even_a_new_file(project, edit, part):
    before = components(SETTINGS, "b1", project)
    edit(project)
    assert changed(before, components(SETTINGS, "b1", project)) == [part]


def test_settings_and_build_are_parts_of_it(project):
    base = components(SETTINGS, "b1", project)
    assert changed(base, components(SETTINGS.replace(top_k=3), "b1", project)) == ["settings"]
    assert changed(base, components(SETTINGS, "b2", project)) == ["build"]
    assert changed(base, components(SETTINGS.replace(data_dir=project / "elsewhere"), "b1", project)) == []


def test_globs_are_relative_to_the_project():
    assert all(not g.startswith("/") for g in DATA_GLOBS)


def test_a_build_records_the_fingerprint_its_answers_carry(fixture_index):
    """build.json names the fingerprint of the build; an assistant serving that build with the same settings stamps
    the same one on its answers, so a record can be traced to the build it was answered from."""
    from assistant.core import Assistant
    from ingest.builds import current_build, read_info
    build_id = current_build(fixture_index.index_dir)
    info = read_info(fixture_index.index_dir / build_id)
    assert info["fingerprint"] == fingerprint(fixture_index, build_id)
    assert of_components(info["fingerprint_components"]) == info["fingerprint"]
    assert info["fingerprint_components"]["build"] == build_id
    assert Assistant(fixture_index).fingerprint == info["fingerprint"]
