"""How much of Annex I the criteria grammar reads, and how fast a classification runs.

    .venv/bin/python bench/criteria_coverage.py            # prints Markdown tables, writes bench/criteria_coverage.json

Coverage is measured against the Annex I JSON's own helper lines (`parameters`: the producer marked 976 item lines of
173 entries as having a numeric threshold; derived data, not official text): an item counts as machine-checkable when
the grammar (or a reviewed override) read at least one threshold from it, named every parameter, and left no
comparator unread. Goal: 80 % or more. Release Notes: every Note that says "does not control / apply to / include",
"are not controlled", "Controls do not apply to" or "the control status … is determined by …", and the share read
as a release with its scope. Timing: classifications of a set of questions (the project's own wording), after the
corpus is parsed; goal well under a second each.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.annex_json import parse_annex_json                            # noqa: E402
from ingest.criteria import Condition, Criteria, Group, Release, RELEASE_VERB, STATUS_ELSEWHERE  # noqa: E402
from ingest.manifest import load_manifest, locate                         # noqa: E402
from ingest.settings import Settings                                      # noqa: E402

OUT = ROOT / "bench" / "criteria_coverage.json"

# (question, candidate entries): written for this bench from the list's own wording and common datasheet phrasing
INPUTS = [
    ("Is a 12-bit analogue-to-digital converter with a sample rate of 2.5 GSPS controlled?", ["3A001", "3A002"]),
    ("Is a 12-bit ADC with a sample rate of 300 MSPS controlled?", ["3A001"]),
    ("Is a 14-bit ADC controlled?", ["3A001", "3A002"]),
    ("a 16-bit DAC with an adjusted update rate of 4000 MSPS", ["3A001"]),
    ("an FPGA with 800 user I/Os and an aggregate transceiver data rate of 600 Gb/s", ["3A001"]),
    ("soft body armour, I will take it with me for my own protection", ["1A005"]),
    ("solid rocket motor with a total impulse of 1.2 MNs", ["9A007", "9A107"]),
    ("a drone with a flight time of 45 minutes, flying beyond the operator's natural vision", ["9A012"]),
    ("carbon fibre with a specific modulus of 13 × 10^6 m and a specific tensile strength of 25 × 10^4 m",
     ["1C010", "1C210"]),
    ("a thermal camera with a frame rate of 9 Hz", ["6A003"]),
    ("a high-speed camera at 2 000 000 frames per second", ["6A003", "6A203"]),
    ("a fibre laser with an average output power of 2 kW at 1070 nm", ["6A005"]),
    ("a computer with an APP of 80 WT", ["4A003"]),
    ("a chip with a TPP of 4800", ["3A501", "3A001"]),
    ("a laptop with AES-256 encryption, accompanying its user for the user's personal use", ["5A002"]),
    ("a router using a 128-bit key", ["5A002", "5A001"]),
    ("a GaN amplifier with a peak saturated power output of 50 W at 3.5 GHz", ["3A001"]),
    ("an underwater vehicle designed to operate at depths of 1500 m", ["8A001", "8A002"]),
    ("a reflectometer with a measurement accuracy of 30 ppm", ["7B102"]),
    ("a gyro with an angle random walk of 0.002 degree per square root hour", ["7A002", "7A001"]),
]


def coverage(provisions, json_path: Path) -> dict:
    by_locator = {p.locator: p for p in provisions}
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    total, checkable, overridden = Counter(), Counter(), Counter()
    unread: list[str] = []
    for entry in doc["entries"]:
        for line in entry.get("parameters") or []:
            path = line.split(" ", 1)[0]
            c = Criteria.from_dict(by_locator[f"Annex I {path}"].data["criteria"])
            cat = entry["category"]
            total[cat] += 1
            if c.machine_checkable:
                checkable[cat] += 1
                overridden[cat] += c.origin == "override"
            else:
                unread.append(path)
    return {"per_category": {cat: {"items": total[cat], "machine_checkable": checkable[cat],
                                   "by_override": overridden[cat],
                                   "share": round(checkable[cat] / total[cat], 3)} for cat in sorted(total)},
            "items": sum(total.values()), "machine_checkable": sum(checkable.values()),
            "share": round(sum(checkable.values()) / sum(total.values()), 3), "not_read": unread}


def _conditions(g: Group):
    for t in g.tests:
        if isinstance(t, Group):
            yield from _conditions(t)
        else:
            yield t


def releases(provisions) -> dict:
    containers = {p.parent for p in provisions if p.kind == "category_note"}
    notes = [p for p in provisions if p.kind in ("note", "technical_note", "category_note", "general_note")
             and p.locator not in containers and (RELEASE_VERB.search(p.text) or STATUS_ELSEWHERE.search(p.text))]
    read = [p for p in notes if p.data.get("release")]
    named = described = 0
    for p in read:
        tests = [t for r in p.data["release"] for t in _conditions(Release.from_dict(r).condition)]
        if any(isinstance(t, Condition) and t.name.startswith("describes:") for t in tests):
            described += 1
        else:
            named += 1
    return {"release_notes": len(notes), "read_as_release": len(read), "share": round(len(read) / len(notes), 3),
            "conditions_all_named_facts_or_thresholds": named, "with_a_described_kind_to_confirm": described,
            "not_read": [p.locator for p in notes if not p.data.get("release")]}


def timing(provisions, store=None) -> dict:
    """Per classification: building the candidate entries (from the parsed corpus, or from the store of a built
    index as in production), reading the figures and facts, ranking and classifying."""
    from law.classify import classify, entries_from_provisions, load_entries, rank_candidates
    from law.figures import read_figures, read_flags
    times = []
    statuses = Counter()
    for _ in range(3):
        for text, codes in INPUTS:
            start = time.perf_counter()
            entries = load_entries(store, codes) if store else entries_from_provisions(provisions, codes)
            figures = read_figures(text)
            result = classify([e for e, _ in rank_candidates(entries, figures)], figures, read_flags(text))
            times.append((time.perf_counter() - start) * 1000)
            statuses[result.status] += 1
    times.sort()
    return {"classifications": len(times), "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * len(times)) - 1], 1), "max_ms": round(times[-1], 1),
            "statuses": {k: v // 3 for k, v in statuses.items()}}


def main() -> None:
    settings = Settings.from_env()
    manifest = load_manifest()
    source = manifest.authority_for("Annex I")
    folder = locate(source, settings.source_dirs())
    if folder is None:
        sys.exit(f"Error: {source.id} not found in " + ", ".join(map(str, settings.source_dirs())) +
                 " (set DUALUSE_SOURCES)")
    json_path = folder / source.files[0].name
    start = time.perf_counter()
    provisions = parse_annex_json(json_path, source)
    parse_s = time.perf_counter() - start
    result = {"source": source.id, "parse_with_criteria_s": round(parse_s, 2),
              "coverage": coverage(provisions, json_path), "releases": releases(provisions),
              "timing": timing(provisions)}
    try:                                     # as in production: entries read from the store of the serving build
        from ingest.index import serving_build
        from ingest.store import Store
        result["timing_from_store"] = timing(provisions, Store(serving_build(settings) / "store.sqlite"))
    except Exception as e:                   # no index built here: say so, the parsed-corpus timing stands
        result["timing_from_store"] = {"skipped": f"{type(e).__name__}: {e}"}
    OUT.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    cov, rel, t = result["coverage"], result["releases"], result["timing"]
    print("| category | items with a threshold | machine-checkable | of which by override | share |")
    print("|---|---:|---:|---:|---:|")
    for cat, row in cov["per_category"].items():
        print(f"| {cat} | {row['items']} | {row['machine_checkable']} | {row['by_override']} | {row['share']:.0%} |")
    print(f"| all | {cov['items']} | {cov['machine_checkable']} | "
          f"{sum(r['by_override'] for r in cov['per_category'].values())} | {cov['share']:.1%} |")
    print()
    print(f"Release Notes: {rel['read_as_release']} of {rel['release_notes']} read as releases ({rel['share']:.0%}); "
          f"{rel['conditions_all_named_facts_or_thresholds']} turn only on named facts or thresholds, "
          f"{rel['with_a_described_kind_to_confirm']} also on a described kind of item (asked as yes/no).")
    print(f"Classification: {t['classifications']} runs, median {t['median_ms']} ms, p95 {t['p95_ms']} ms, "
          f"max {t['max_ms']} ms (parse with criteria {result['parse_with_criteria_s']} s, once per build).")
    ts = result["timing_from_store"]
    if "median_ms" in ts:
        print(f"From the store of the serving build: median {ts['median_ms']} ms, p95 {ts['p95_ms']} ms, "
              f"max {ts['max_ms']} ms.")
    else:
        print(f"From the store: skipped ({ts['skipped']}).")
    print(f"Outcomes: {t['statuses']}")


if __name__ == "__main__":
    main()
