"""The assistant: question (+ conversation) -> `Answer`. One entry point for the CLI, the app and the evals."""
from __future__ import annotations

import threading
import time
from datetime import date
from functools import cached_property

from ingest.settings import Settings

from .answer import Answer, finalize
from .compose import compose
from .library import Library
from .query import Query, find_codes, follow_up, parse


class Assistant:
    def __init__(self, settings: Settings | None = None, library: Library | None = None):
        self.settings = settings or Settings.from_env()
        self.library = library or Library(self.settings)
        self.store = self.library.store

    @cached_property
    def tools(self):
        from .tools import Toolbox
        return Toolbox(self.library)

    @cached_property
    def corpus_version(self) -> str:
        """The versions answers rest on: every source in force in this build, by its label."""
        labels = [s["version_label"] or s["id"] for s in self.store.sources.values()
                  if s["status"] == "in_force" and s.get("provisions")]
        return "; ".join(labels)

    def reopen_if_rebuilt(self) -> None:
        """`dualuse ingest` switched in a new build: answer from it from now on (the caller keeps the conversation)."""
        library = self.library.current()
        if library is not self.library:
            self.library, self.store = library, library.store
            for cached in ("tools", "corpus_version"):
                self.__dict__.pop(cached, None)

    def expand(self, question: str):
        from .lexicon import expand
        return expand(question)

    def diff_draft(self, q: Query):
        from .versions import diff_draft
        return diff_draft(q, self)

    def answer(self, question: str, history: list[dict] | None = None, as_of: date | str | None = None) -> Answer:
        """Answer `question`; `history` is the conversation so far; `as_of` a date (or ISO string) to answer from the
        Annex I version that applied then (default: the texts in force)."""
        start = time.perf_counter()
        self.reopen_if_rebuilt()
        q = follow_up(parse(question), _previous_question(history))
        if as_of:
            q.as_of = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
        with self.library.noting() as notices:          # degraded search, a fallback build: said on the answer
            draft = compose(q, self)
        draft.caveats += notices
        answer = finalize(draft, self.store, question, self.corpus_version, self.settings.hash, self.library.sources)
        if self.settings.llm != "none" and not answer.abstained:
            from .llm import rephrase
            answer = rephrase(answer, self.settings)
        answer.seconds = time.perf_counter() - start
        return answer


def _previous_question(history: list[dict] | None) -> Query | None:
    """The last user turn of the conversation (itself read as a follow-up of the one before). A user turn that named
    no code takes the first code of the assistant's reply to it ("thiodiglycol" -> the reply's 1C350.1)."""
    previous = None
    turns = [h for h in history or [] if h.get("content")]
    for i, turn in enumerate(turns):
        if turn.get("role") != "user":
            continue
        q = follow_up(parse(turn["content"]), previous)
        reply = next((t["content"] for t in turns[i + 1:i + 2] if t.get("role") == "assistant"), "")
        if not q.codes and reply:
            q.codes = find_codes(reply)[:1]
        previous = q
    return previous


_default: Assistant | None = None
_lock = threading.Lock()


def default_assistant() -> Assistant:
    global _default
    with _lock:
        if _default is None:
            _default = Assistant()
        return _default
