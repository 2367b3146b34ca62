"""How often the lexicon reads the translated DEV questions (evals/gold/translated, split "dev" only: held-out rows
are skipped unread), with and without per-language stem matching (issue 12), and what loading and matching cost.

    .venv/bin/python bench/lexicon_languages.py

Per language: questions where a product term is read, where any record is read, and where the terms read are
those read in the English original (of the originals that read a term). Stems are matched in the language that
assistant/language.py detects for the question, as read_turn does."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOLD = ROOT / "evals" / "gold" / "translated"
LANGS = ("de", "fr", "it", "es", "nl", "pl")


def dev_questions(lang: str) -> dict[str, str]:
    """id -> question of the dev rows only."""
    out = {}
    for line in (GOLD / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("split") == "dev":
            out[row["id"]] = row["q"]
    return out


def main() -> None:
    from assistant.language import detect
    from assistant.lexicon import Lexicon

    start = time.perf_counter()
    lex = Lexicon.load()
    load_s = time.perf_counter() - start
    english = dev_questions("en")

    def terms(question: str, language: str | None) -> set[str]:
        return {rec.key or rec.say[0] for _, rec, _ in lex.find(question, language=language) if rec.kind == "term"}

    def reads(question: str, language: str | None) -> bool:
        return bool(lex.find(question, language=language))

    print(f"lexicon load: {load_s * 1000:.0f} ms")
    print(f"{'lang':5} {'n':>3} {'terms before':>13} {'after':>6} {'any before':>11} {'after':>6} "
          f"{'as English before':>18} {'after':>6}")
    timings: list[float] = []
    for lang in LANGS:
        qs = dev_questions(lang)
        languages = {i: detect(q).code for i, q in qs.items()}
        base = {i: terms(q, None) for i, q in qs.items()}
        t0 = time.perf_counter()
        stem = {i: terms(q, languages[i]) for i, q in qs.items()}
        timings.append((time.perf_counter() - t0) / len(qs))
        with_terms = [i for i in qs if terms(english[i], None)]
        print(f"{lang:5} {len(qs):3} {sum(bool(v) for v in base.values()):13} {sum(bool(v) for v in stem.values()):6} "
              f"{sum(reads(q, None) for q in qs.values()):11} "
              f"{sum(reads(q, languages[i]) for i, q in qs.items()):6} "
              f"{sum(base[i] >= terms(english[i], None) for i in with_terms):>13}/{len(with_terms):<4} "
              f"{sum(stem[i] >= terms(english[i], None) for i in with_terms):6}")
    print(f"matching with stems: {max(timings) * 1000:.2f} ms per question at most (language mean)")


if __name__ == "__main__":
    main()
