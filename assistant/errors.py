"""Typed errors for bad arguments to the public API (`assistant.answer`, `Assistant.answer`), and the one function
that checks those arguments before any work is done.

Every error is an `InputError` (a ValueError) whose message is one line that starts with the argument's name:

    question: must be text (str), not int
    history[1]: role must be "user" or "assistant", not 'system'
    as_of: 'garbage' is not a date (YYYY-MM-DD)
    case: not a case dict (missing key 'id' in items[0])

Decisions:
- `question` must be a str. A very long question is not an error: it is cut to `MAX_INPUT` characters here (the
  reader then keeps its first 2,000 and says so in a caveat). Lone surrogates (text that cannot be encoded) are
  replaced by U+FFFD so every answer can be written as UTF-8.
- `history` must be a list (or None) of {"role": "user" | "assistant", "content": str} dicts. A None entry, another
  role or a non-text content is an error, not silently skipped: a dropped turn could change which item or destination
  the answer is about (facts belong to their item), so the caller must fix the conversation it sends.
- `as_of`: a date, a datetime (its date is used) or a "YYYY-MM-DD" string; anything else is an error.
- `case`: a `Case` or the dict of a previous answer's `case`; anything else, or a dict that does not read as one, is an
  error.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .case import Case

MAX_INPUT = 4_000          # characters of a question (or a history turn) kept before any reading: twice what the
                           # reader keeps (query.MAX_QUESTION, 2,000, said in a caveat), so nothing is read twice as long
ROLES = ("user", "assistant")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class InputError(ValueError):
    """A public API argument is malformed; `argument` names it ("question", "history[2]", "as_of", "case")."""

    def __init__(self, argument: str, problem: str):
        super().__init__(f"{argument}: {problem}")
        self.argument, self.problem = argument, problem


class QuestionError(InputError):
    pass


class HistoryError(InputError):
    pass


class DateError(InputError):
    pass


class CaseError(InputError):
    pass


def _type(value) -> str:
    return "None" if value is None else type(value).__name__


def _text(value: str) -> str:
    """The text cut to MAX_INPUT, with lone surrogates replaced (they cannot be written as UTF-8)."""
    value = value[:MAX_INPUT]
    return value.encode("utf-8", "replace").decode("utf-8") if any(0xD800 <= ord(c) <= 0xDFFF for c in value) else value


def check_question(question) -> str:
    if not isinstance(question, str):
        raise QuestionError("question", f"must be text (str), not {_type(question)}")
    return _text(question)


def check_history(history) -> list[dict]:
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise HistoryError("history", f"must be a list of {{\"role\", \"content\"}} dicts, not {_type(history)}")
    out = []
    for i, turn in enumerate(history):
        where = f"history[{i}]"
        if not isinstance(turn, dict):
            raise HistoryError(where, f"must be a {{\"role\", \"content\"}} dict, not {_type(turn)}")
        if turn.get("role") not in ROLES:
            raise HistoryError(where, f"role must be \"user\" or \"assistant\", not {turn.get('role')!r}")
        if not isinstance(turn.get("content"), str):
            raise HistoryError(where, f"content must be text (str), not {_type(turn.get('content'))}")
        out.append({**turn, "content": _text(turn["content"])})
    return out


def check_as_of(as_of) -> date | None:
    if as_of is None:
        return None
    if isinstance(as_of, datetime):
        return as_of.date()
    if isinstance(as_of, date):
        return as_of
    if isinstance(as_of, str) and _ISO_DAY.fullmatch(as_of.strip()):
        try:
            return date.fromisoformat(as_of.strip())
        except ValueError:
            pass
    shown = repr(as_of) if isinstance(as_of, str) and len(as_of) <= 40 else _type(as_of)
    raise DateError("as_of", f"{shown} is not a date (YYYY-MM-DD)")


def check_case(case) -> Case | None:
    from .case import Case          # here, so `import assistant` stays light
    if case is None or isinstance(case, Case):
        return case
    if not isinstance(case, dict):
        raise CaseError("case", f"must be a Case or the dict of a previous answer's case, not {_type(case)}")
    try:
        return Case.from_dict(case)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise CaseError("case", f"not a case dict ({type(e).__name__}: {e})") from None


def check_arguments(question, history=None, as_of=None, case=None) -> tuple[str, list[dict], date | None, Case | None]:
    """The arguments of `answer`, checked and normalised; InputError (one line naming the argument) when one is
    malformed."""
    return check_question(question), check_history(history), check_as_of(as_of), check_case(case)
