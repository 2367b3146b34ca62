"""EU dual-use assistant. Stable interface:

    from assistant import answer, InputError
    answer("Can we ship a 2B001 machine tool to Canada?").to_dict()
    # {"text", "citations": [{"n", "locator", "source", "version", "quote", "url"}], "tools": [{"name", "args",
    #  "result"}], "abstained", "corpus_version", ...}

Malformed arguments raise `InputError` (a ValueError) with a one-line message naming the argument, before any index
is opened (assistant/errors.py says what is accepted).
"""
from __future__ import annotations

# The submodule assistant/answer.py shares the name of the function below. Python sets a package attribute when a
# submodule is first imported, which would replace the function by the module once anything imported
# `assistant.answer` (e.g. `assistant.core`); importing it here first, before the function is defined, keeps
# `from assistant import answer` the function.
from . import answer as _answer_module  # noqa: F401
from .errors import InputError


def answer(question: str, history: list[dict] | None = None, as_of=None, case=None):
    """Answer a question (with the conversation so far: [{"role": "user"|"assistant", "content": ...}], or the
    previous answer's `case`); `as_of`: a date (or "YYYY-MM-DD") to answer from the Annex I version that applied
    then."""
    from .core import default_assistant
    from .errors import check_arguments
    question, history, as_of, case = check_arguments(question, history, as_of, case)
    return default_assistant().answer(question, history, as_of, case)


__all__ = ["answer", "InputError"]
