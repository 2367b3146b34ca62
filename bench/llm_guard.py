"""The LLM guard (assistant/llm.py `check`) against the whole generated family of fake-model replies.

    .venv/bin/python bench/llm_guard.py                                  # this tree's check
    git show main:assistant/llm.py > /tmp/llm_main.py
    .venv/bin/python bench/llm_guard.py --check-from /tmp/llm_main.py --out /tmp/llm_guard_main.json

Builds the fixture index in a temporary folder (as the tests do), answers the family's questions, and runs every
reply of tests/llm_family.py through `check`: the false statements (templates x outcomes x seven languages x six
placements; 0 may be accepted), the faithful rephrasings (the acceptance rate), the statements and rewrites written
apart from the templates, and replies in languages the check does not read. Writes bench/llm_guard.json.
tests/test_llm.py runs a rotating third of the family; this runs all of it.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
for name, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("ANONYMIZED_TELEMETRY", "False")):
    os.environ.setdefault(name, value)


def load_check(path: Path | None):
    if path is None:
        from assistant.llm import check
        return check
    spec = importlib.util.spec_from_file_location("assistant._llm_under_test", path)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "assistant"
    spec.loader.exec_module(module)
    return module.check


def tally(rows: list[dict], kept) -> dict:
    """Counts of the rows `kept` selects, overall and by language, placement and kind."""
    out = {"replies": len(rows), "count": sum(1 for r in rows if kept(r))}
    for key in ("language", "placement", "kind"):
        out[f"by_{key}"] = dict(sorted(Counter(r[key] for r in rows if kept(r)).items()))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check-from", type=Path, help="a file holding another version of assistant/llm.py")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "llm_guard.json")
    a = ap.parse_args()
    from assistant.core import Assistant
    from ingest.index import build_index
    from ingest.settings import Settings
    from tests import llm_family as family
    from tests.conftest import FIXTURE_SOURCES, fixture_manifest
    check = load_check(a.check_from)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), sources=FIXTURE_SOURCES)
        build_index(settings, fixture_manifest(), progress=False, log=lambda *x: None)
        assistant = Assistant(settings)
        questions = {c.question for c in family.CASES} | {q for q, _, _ in family.WRITTEN_FALSE} \
            | {q for q, _ in family.WRITTEN_FAITHFUL}
        answers = {q: assistant.answer(q) for q in questions}
        check(answers[family.CASES[0].question].text.split("\n\nSources:")[0], answers[family.CASES[0].question])
        start, checks = time.perf_counter(), 0
        false_rows, true_rows = [], []
        for case in family.CASES:
            answer = answers[case.question]
            for which, rows in (("false", false_rows), ("true", true_rows)):
                for r in family.replies(answer, case, which):
                    r["why"] = check(r["reply"], answer)
                    rows.append(r)
                    checks += 1
        written_false = [check(f"{s.rstrip('.')} [{answers[q].citations[-1].n}].", answers[q])
                         for q, s, _ in family.WRITTEN_FALSE]
        written_faithful = [check(family.with_numbers(r, answers[q]), answers[q]) for q, r in family.WRITTEN_FAITHFUL]
        canada = answers["Can I export 2B001 to Canada?"]
        unread = {lang: check(t.format(item="2B001") + f" [{canada.citations[-1].n}].", canada)
                  for lang, t in sorted(family.UNREAD.items())}
        checks += len(written_false) + len(written_faithful) + len(unread)
        seconds = time.perf_counter() - start
    false_family = tally(false_rows, lambda r: not r["why"])
    true_family = tally(true_rows, lambda r: r["why"] == "")
    report = {
        "check": str(a.check_from or "assistant/llm.py"),
        "false_family": {"replies": false_family["replies"], "accepted": false_family.pop("count"), **false_family},
        "faithful_family": {"replies": true_family["replies"], "accepted": true_family["count"],
                            "acceptance_rate": round(true_family.pop("count") / max(1, true_family["replies"]), 4),
                            **{k: v for k, v in true_family.items() if k != "replies"}},
        "written_false": {"statements": len(written_false), "accepted": sum(1 for w in written_false if not w)},
        "written_faithful": {"replies": len(written_faithful), "accepted": sum(1 for w in written_faithful if not w)},
        "unread_languages": {"replies": len(unread), "accepted": [k for k, v in unread.items() if not v]},
        "accepted_false_examples": [{k: r[k] for k in ("case", "kind", "language", "placement", "claim")}
                                    for r in false_rows if not r["why"]][:20],
        "rejected_faithful_examples": [{k: r[k] for k in ("case", "kind", "language", "placement", "claim", "why")}
                                       for r in true_rows if r["why"]][:20],
        "checks": checks, "seconds": round(seconds, 1), "ms_per_check": round(1000 * seconds / checks, 2),
    }
    a.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"false family: {report['false_family']['accepted']} of {report['false_family']['replies']} accepted; "
          f"faithful family: {report['faithful_family']['accepted']} of {report['faithful_family']['replies']} "
          f"accepted ({100 * report['faithful_family']['acceptance_rate']:.1f}%); written false: "
          f"{report['written_false']['accepted']} of {report['written_false']['statements']} accepted; written "
          f"faithful: {report['written_faithful']['accepted']} of {report['written_faithful']['replies']} accepted; "
          f"unread languages accepted: {report['unread_languages']['accepted']}; {report['checks']} checks in "
          f"{report['seconds']} s. Written to {a.out}")


if __name__ == "__main__":
    main()
