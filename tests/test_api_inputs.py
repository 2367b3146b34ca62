"""Malformed arguments to the public API are typed errors with one-line messages naming the argument
(assistant/errors.py), raised before any work; `dualuse ask --jsonl` writes an error record for a bad line and goes on.

Real components: the fixture index, `Assistant`, the `dualuse` command through click's runner."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from click.testing import CliRunner

import assistant
from assistant.case import Case
from assistant.core import Assistant
from assistant.errors import (MAX_INPUT, CaseError, DateError, HistoryError, InputError, QuestionError,
                              check_arguments)
from interfaces.cli import cli


@pytest.fixture(scope="module")
def helper(fixture_index) -> Assistant:
    return Assistant(fixture_index)


# (arguments, error class, the one-line message, why)
BAD = [
    (dict(question=None), QuestionError, "question: must be text (str), not None", "no question at all"),
    (dict(question=42), QuestionError, "question: must be text (str), not int", "a number is not a question"),
    (dict(question=b"5A002"), QuestionError, "question: must be text (str), not bytes", "bytes are not decoded"),
    (dict(question=["5A002"]), QuestionError, "question: must be text (str), not list", "a list of questions"),
    (dict(history=[None]), HistoryError, 'history[0]: must be a {"role", "content"} dict, not None',
     "a None turn is an error, not skipped"),
    (dict(history=[{"role": "user", "content": "hi"}, "hello"]), HistoryError,
     'history[1]: must be a {"role", "content"} dict, not str', "the bad turn is named by its index"),
    (dict(history=[{"role": "system", "content": "x"}]), HistoryError,
     "history[0]: role must be \"user\" or \"assistant\", not 'system'", "only user and assistant turns"),
    (dict(history=[{"content": "x"}]), HistoryError, "history[0]: role must be \"user\" or \"assistant\", not None",
     "a turn without a role"),
    (dict(history=[{"role": "user", "content": None}]), HistoryError,
     "history[0]: content must be text (str), not None", "a turn without text"),
    (dict(history=[{"role": "user", "content": 7}]), HistoryError, "history[0]: content must be text (str), not int",
     "a turn whose content is a number"),
    (dict(history="Can I export 2B001?"), HistoryError, 'history: must be a list of {"role", "content"} dicts, not str',
     "a string is not a conversation"),
    (dict(history={"role": "user", "content": "x"}), HistoryError,
     'history: must be a list of {"role", "content"} dicts, not dict', "one turn not in a list"),
    (dict(as_of="garbage"), DateError, "as_of: 'garbage' is not a date (YYYY-MM-DD)", "not a date"),
    (dict(as_of="2024-02-30"), DateError, "as_of: '2024-02-30' is not a date (YYYY-MM-DD)", "no 30 February"),
    (dict(as_of="01/02/2024"), DateError, "as_of: '01/02/2024' is not a date (YYYY-MM-DD)", "only the ISO form"),
    (dict(as_of="20240101"), DateError, "as_of: '20240101' is not a date (YYYY-MM-DD)", "no basic ISO form either"),
    (dict(as_of=20240101), DateError, "as_of: int is not a date (YYYY-MM-DD)", "a number is not a date"),
    (dict(as_of="x" * 500), DateError, "as_of: str is not a date (YYYY-MM-DD)", "a long value is not echoed"),
    (dict(case="previous"), CaseError, "case: must be a Case or the dict of a previous answer's case, not str",
     "a string is not a case"),
    (dict(case={"items": [{"description": None}]}), CaseError, "case: not a case dict (KeyError: 'id')",
     "an item without its id"),
    (dict(case={"destination": "Canada"}), CaseError,
     "case: not a case dict (AttributeError: 'str' object has no attribute 'get')", "a fact that is not a fact dict"),
]


@pytest.mark.parametrize("kwargs, error, message, why", BAD, ids=[row[3] for row in BAD])
def test_bad_arguments_are_typed_one_line_errors(helper, kwargs, error, message, why):
    args = {"question": "Can I export 2B001 to Canada?", **kwargs}
    with pytest.raises(error) as e:
        helper.answer(**args)
    assert str(e.value) == message and "\n" not in message
    assert isinstance(e.value, InputError) and isinstance(e.value, ValueError)
    assert message.startswith(e.value.argument + ":")


@pytest.mark.parametrize("kwargs, error, message, why", BAD[:3] + BAD[12:13], ids=["none", "int", "bytes", "date"])
def test_the_public_function_raises_before_opening_an_index(monkeypatch, kwargs, error, message, why):
    import assistant.core
    monkeypatch.setattr(assistant.core, "default_assistant", lambda: pytest.fail("an index was opened"))
    with pytest.raises(error, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        assistant.answer(**{"question": "x", **kwargs})


# (as_of as given, the date answered from)
GOOD_DATES = [(None, None), (date(2024, 3, 1), date(2024, 3, 1)), (datetime(2024, 3, 1, 12, 30), date(2024, 3, 1)),
              ("2024-03-01", date(2024, 3, 1)), (" 2024-03-01 ", date(2024, 3, 1))]


@pytest.mark.parametrize("given, expected", GOOD_DATES)
def test_accepted_dates(given, expected):
    assert check_arguments("q", as_of=given)[2] == expected


def test_a_long_question_is_cut_not_refused(helper):
    _, history, _, _ = check_arguments("x", [{"role": "user", "content": "y" * (MAX_INPUT + 5)}])
    assert len(history[0]["content"]) == MAX_INPUT
    # (an English padding: "very " * 30_000 reads as Polish to lingua, and the answer's caveat is then in Polish)
    a = helper.answer("Can I export 2B001 to Canada? " + "The machine is a five-axis milling centre for aluminium "
                      "parts. " * 500)
    assert not a.abstained and "only its first 2,000 characters were read" in a.text


def test_lone_surrogates_are_replaced_so_the_answer_can_be_written(helper):
    a = helper.answer("Is 2B001 controlled?\ud800")
    json.dumps(a.to_dict(), ensure_ascii=False).encode("utf-8")          # raises on a lone surrogate


def test_a_previous_answers_case_is_accepted_as_dict_or_case(helper):
    first = helper.answer("Can I export 2B001 to Canada?")
    for case in (first.case, Case.from_dict(first.case)):
        follow = helper.answer("and to Brazil?", case=case)
        assert follow.determination["licensing"]["destination"]["name"] == "Brazil"
        assert follow.determination["item"]["code"] == "2B001"


def test_a_good_history_still_works(helper):
    history = [{"role": "user", "content": "Can I export 2B001 to Canada?"}, {"role": "assistant", "content": "…"}]
    a = helper.answer("and to Brazil?", history)
    assert a.determination["item"]["code"] == "2B001"


# --- dualuse ask --jsonl -----------------------------------------------------------------------------------------

LINES = [  # (line, the error record expected, or None for an answer)
    ('{"q": "Can I export 2B001 to Canada?"}', None),
    ("this is not json", "not JSON (Expecting value at column 1)"),
    ('{"question": "no q key"}', 'line: must be a JSON object with a "q" key'),
    ('["q", "a list"]', 'line: must be a JSON object with a "q" key'),
    ('{"q": 5}', "question: must be text (str), not int"),
    ('{"q": "What does 2B001 cover?", "as_of": "garbage"}', "as_of: 'garbage' is not a date (YYYY-MM-DD)"),
    ('{"q": "and to Brazil?", "history": [null]}', 'history[0]: must be a {"role", "content"} dict, not None'),
    ("", "skipped"),
    ('{"q": "What does 2B001 cover?", "as_of": "2026-01-01"}', None),
]


def test_jsonl_writes_an_error_record_for_each_bad_line_and_goes_on(fixture_index, tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(line for line, _ in LINES) + "\n")
    result = CliRunner().invoke(cli, ["ask", "--jsonl", str(path)], env={"DUALUSE_DATA": str(fixture_index.data_dir)})
    records = [json.loads(line) for line in result.stdout.splitlines()]
    expected = [(n, err) for n, (_, err) in enumerate(LINES, 1) if err != "skipped"]
    assert len(records) == len(expected)                                  # one record per non-blank line, in order
    for record, (n, err) in zip(records, expected):
        if err is None:
            assert "error" not in record and record["citations"] and not record["abstained"]
        else:
            assert record == {"error": err, "line": n}
            assert f"Error: line {n}: {err}" in result.stderr
    assert result.exit_code == 1                                          # after every answer was written


def test_jsonl_of_good_lines_exits_0(fixture_index, tmp_path):
    path = tmp_path / "questions.jsonl"
    path.write_text('{"q": "What does 2B001 cover?"}\n{"q": "Can I export 2B001 to Canada?"}\n')
    result = CliRunner().invoke(cli, ["ask", "--jsonl", str(path)], env={"DUALUSE_DATA": str(fixture_index.data_dir)})
    assert result.exit_code == 0 and result.stderr == ""
    assert [("error" in json.loads(line)) for line in result.stdout.splitlines()] == [False, False]


def test_the_stable_interface_stays_a_function_after_the_answer_module_is_imported():
    """assistant/answer.py shares the function's name: importing it (as assistant.core does) must not replace
    `assistant.answer` by the module."""
    import assistant.core  # noqa: F401
    from assistant import answer
    from assistant.answer import Answer                                 # the module's names still import
    assert callable(answer) and answer.__module__ == "assistant" and Answer.__name__ == "Answer"
