"""EU dual-use assistant. Stable interface:

    from assistant import answer
    answer("Can we ship a 2B001 machine tool to Canada?").to_dict()
    # {"text", "citations": [{"n", "locator", "source", "version", "quote", "url"}], "tools": [{"name", "args",
    #  "result"}], "abstained", "corpus_version", ...}
"""
from __future__ import annotations


def answer(question: str, history: list[dict] | None = None, as_of=None):
    """Answer a question (with the conversation so far: [{"role": "user"|"assistant", "content": ...}]); `as_of`: a
    date (or "YYYY-MM-DD") to answer from the Annex I version that applied then."""
    from .core import default_assistant
    return default_assistant().answer(question, history, as_of)


__all__ = ["answer"]
