"""The Settings tree: environment names, validation at start with one clear line per problem, the secret that never
prints, and a hash that moves exactly with the fields that can change an answer."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.settings import Settings, SettingsError
from interfaces.cli import cli


@pytest.mark.parametrize("env, value, line", [
    ("DUALUSE_TOP_K", "abc", "Settings error: DUALUSE_TOP_K='abc' is not a whole number"),       # the example
    ("DUALUSE_TOP_K", "0", "Settings error: DUALUSE_TOP_K='0' must be at least 1"),               # no passages at all
    ("DUALUSE_LLM_TIMEOUT", "soon", "Settings error: DUALUSE_LLM_TIMEOUT='soon' is not a number"),
    ("DUALUSE_LLM", "olama", "Settings error: DUALUSE_LLM='olama' must be none, ollama or openai"),   # a typo
    ("DUALUSE_CHROMA_PORT", "70000", "Settings error: DUALUSE_CHROMA_PORT='70000' must be at most 65535"),
    ("DUALUSE_MIN_SIMILARITY", "1.5", "Settings error: DUALUSE_MIN_SIMILARITY='1.5' must be at most 1.0"),
])
def test_a_bad_value_is_one_clear_line(monkeypatch, env, value, line):
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError) as e:
        Settings.from_env()
    assert str(e.value) == line


def test_every_problem_is_reported_at_once(monkeypatch):
    monkeypatch.setenv("DUALUSE_TOP_K", "abc")
    monkeypatch.setenv("DUALUSE_LLM", "gpt4")
    with pytest.raises(SettingsError) as e:
        Settings.from_env()
    assert sorted(str(e.value).splitlines()) == ["Settings error: DUALUSE_LLM='gpt4' must be none, ollama or openai",
                                                  "Settings error: DUALUSE_TOP_K='abc' is not a whole number"]


def test_the_cli_shows_the_line_without_a_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["sources"], env={"DUALUSE_DATA": str(tmp_path), "DUALUSE_TOP_K": "abc"})
    assert result.exit_code == 1
    assert result.output.strip() == "Settings error: DUALUSE_TOP_K='abc' is not a whole number"


def test_environment_names_and_the_tree(monkeypatch, tmp_path):
    monkeypatch.delenv("DUALUSE_SOURCES", raising=False)
    monkeypatch.setenv("DUALUSE_DATA", str(tmp_path))
    monkeypatch.setenv("DUALUSE_TOP_K", "5")
    monkeypatch.setenv("DUALUSE_LLM", " OpenAI ")
    monkeypatch.setenv("DUALUSE_RECORDS_URL", "postgresql://127.0.0.1/records")
    s = Settings.from_env(top_k=3)                        # an override wins over the environment
    assert (s.paths.data_dir, s.retrieval.top_k, s.llm.provider) == (tmp_path, 3, "openai")
    assert s.records_url == "postgresql://127.0.0.1/records"
    assert (s.data_dir, s.top_k, s.index_dir) == (tmp_path, 3, tmp_path / "index")     # the flat names still read
    assert Settings.from_env(sources=None).paths.sources is None                          # None = not given


def test_the_api_key_never_prints(monkeypatch):
    monkeypatch.setenv("DUALUSE_LLM_API_KEY", "sk-very-secret")
    s = Settings.from_env()
    assert s.llm.api_key.get_secret_value() == "sk-very-secret"
    shown = [repr(s), str(s), str(s.public()), s.model_dump_json(), s.hash]
    assert not any("sk-very-secret" in x for x in shown)
    monkeypatch.setenv("DUALUSE_LLM_TIMEOUT", "x")
    with pytest.raises(SettingsError) as e:
        Settings.from_env()
    assert "sk-very-secret" not in str(e.value)


@pytest.mark.parametrize("change, moves", [
    ({"top_k": 5}, True),                                  # retrieval depth changes answers
    ({"retrieval": {"rrf_k": 30}}, True),
    ({"quoting": {"max_quote": 300}}, True),
    ({"chunking": {"window_words": 120}}, True),
    ({"fusion": {"background_weight": 0.25}}, True),
    ({"llm": "ollama"}, True),
    ({"data_dir": Path("/elsewhere")}, False),             # where the data lies does not change an answer
    ({"chroma_host": "127.0.0.1"}, False),                 # nor which server serves the same build
    ({"llm_api_key": "another"}, False),                   # secrets are never hashed
    ({"embed_batch_size": 16}, False),
])
def test_the_hash_moves_with_what_changes_answers(change, moves):
    base = Settings(data_dir=Path("/data"))
    assert (base.replace(**change).hash != base.hash) == moves


def test_replace_validates_like_construction():
    with pytest.raises(SettingsError, match="DUALUSE_TOP_K"):
        Settings().replace(top_k="many")
