"""The eval as a command: run the gold set, write the report against the committed baseline and the previous run,
and apply the gate. `python -m evals` and `dualuse eval` both call `evaluate`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ingest.settings import Settings

from .report import write
from .run import REPORTS, EvalError, committed_baseline, gate, previous_run, run


def evaluate(settings: Settings, out: Path | None = None, baseline: Path | None = None, progress=print
             ) -> tuple[dict, list[Path], list[str]]:
    """Run the gold set, write the report (against the committed baseline or `baseline`, and the previous run) and
    return (report, files written, gate problems)."""
    base = json.loads(Path(baseline).read_text()) if baseline else committed_baseline()
    previous = previous_run()
    report = run(settings, progress=progress)
    paths = write(report, out or REPORTS, base, previous)
    return report, paths, gate(report, base)


def summary_line(report: dict) -> str:
    a = report["summary"]["all"]["assistant"]
    return (f"fingerprint {report['fingerprint']}: strict recall@5 {a['recall@5']:.3f} (lenient "
            f"{a['recall@5_lenient']:.3f}), MRR {a['mrr']:.3f}, citation validity {a['citation_validity']:.2%}, "
            f"tool exact-match {a['tool_exact']:.2%}, abstention recall {a['abstention_recall']:.2%}")


def main(argv: list[str] | None = None) -> int:
    """python -m evals [--out DIR] [--baseline FILE] [--gate]: the same as `dualuse eval`."""
    import argparse
    ap = argparse.ArgumentParser(prog="python -m evals", description=main.__doc__)
    ap.add_argument("--out", type=Path, default=None, help="report folder (default evals/reports)")
    ap.add_argument("--baseline", type=Path, default=None, help="report to compare with (default: as committed)")
    ap.add_argument("--gate", action="store_true", help="exit 1 when a gate condition fails")
    args = ap.parse_args(argv)
    try:
        report, paths, problems = evaluate(Settings.from_env(), args.out, args.baseline,
                                           progress=lambda m: print(m, file=sys.stderr))
    except EvalError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    print(summary_line(report))
    print("wrote " + ", ".join(str(p) for p in paths))
    if args.gate and problems:
        print("Error: eval gate: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0
