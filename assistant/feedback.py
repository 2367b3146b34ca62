"""Local records of the app: feedback on answers and the helpdesk audit log, one JSON object per line.

    <data_dir>/feedback/feedback.jsonl   a line per rating or comment (an answer's last line is its current state)
    <data_dir>/audit/audit.jsonl         a line per helpdesk draft made or downloaded: time, question, sources, version

Files are only ever appended to: safe to read while the app runs, and easy to hand to whoever reviews them."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path

from ingest.settings import Settings

from .answer import Answer

RATINGS = {0: "down", 1: "up"}          # st.feedback("thumbs") returns 0 (thumbs down) or 1 (thumbs up)
_lock = threading.Lock()


def feedback_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / "feedback" / "feedback.jsonl"


def audit_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / "audit" / "audit.jsonl"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _append(path: Path, record: dict) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record


def read(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _sources(answer: Answer) -> list[dict]:
    return [{"n": c.n, "locator": c.locator, "source": c.source, "version": c.version, "url": c.url}
            for c in answer.citations]


def save_feedback(settings: Settings, answer_id: str, answer: Answer, rating: int | None, comment: str = "") -> dict:
    """Store a rating (0 = thumbs down, 1 = thumbs up, None = withdrawn) and an optional comment on one answer, with
    the question, the answer text, its citations (quotes included) and the corpus version it rests on."""
    return _append(feedback_path(settings), {
        "time": now(), "answer_id": answer_id, "rating": RATINGS.get(rating) if rating is not None else None,
        "comment": comment.strip(), "question": answer.question, "answer": answer.text,
        "citations": [c.to_dict() for c in answer.citations], "abstained": answer.abstained,
        "intent": answer.intent, "corpus_version": answer.corpus_version, "settings_hash": answer.settings_hash})


def record_audit(settings: Settings, answer_id: str, answer: Answer, draft: str, event: str = "drafted") -> dict:
    """A helpdesk reply drafted from an answer (event "drafted") or downloaded after editing ("downloaded"): when, the
    question, the sources it cites, the corpus version, and the reply's text."""
    return _append(audit_path(settings), {
        "time": now(), "event": event, "answer_id": answer_id, "question": answer.question, "sources": _sources(answer),
        "corpus_version": answer.corpus_version, "settings_hash": answer.settings_hash, "abstained": answer.abstained,
        "draft": draft})
