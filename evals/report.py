"""Write an eval run as Markdown (strict tables, the lenient figure once beside them, checks, per-case changes against
the committed baseline and the previous run, failures), JSON and PNG plots. Everything written is sealed: held-out
cases appear as ids and check names only (`run.seal`)."""
from __future__ import annotations

import json
from pathlib import Path

from .metrics import CHECK_NAMES, KS
from .run import PREVIOUS, SYSTEMS, case_changes, gate, seal


def write(report: dict, out: Path, baseline: dict | None, previous: dict | None = None,
          previous_path: Path | None = PREVIOUS) -> list[Path]:
    """Write report.json, report.md and the plots to `out`; keep this run (sealed) as the next run's previous."""
    out.mkdir(parents=True, exist_ok=True)
    rows = report["rows"]
    report = dict(report, gate=gate(report, baseline),
                  changes={"baseline": case_changes(report, baseline), "previous": case_changes(report, previous)})
    sealed = dict(report, rows=[seal(r) for r in rows])
    paths = [out / "report.json", out / "report.md", out / "recall_at_k.png", out / "latency.png"]
    paths[0].write_text(json.dumps(sealed, indent=1, ensure_ascii=False))
    paths[1].write_text(markdown(dict(report, rows=rows)))
    _plots(sealed, paths[2], paths[3])
    if previous_path:
        previous_path.parent.mkdir(parents=True, exist_ok=True)
        previous_path.write_text(json.dumps(sealed, ensure_ascii=False))
    return paths


def _f(v, pct=False) -> str:
    if v is None:
        return "—"
    return f"{v:.1%}" if pct else (f"{v:.3f}" if isinstance(v, float) else str(v))


def _code(fingerprint: str) -> str:
    return f"`{fingerprint}`" if fingerprint and " " not in fingerprint else fingerprint


def _fingerprint_line(report: dict) -> str:
    parts = report["fingerprint_components"]
    return (f"Fingerprint `{report['fingerprint']}` = settings `{parts['settings']}` + {len(parts['data'])} data files "
            f"({', '.join(f'`{name}`' for name in parts['data'])}) + parser `{parts['parser']}` + code "
            f"`{parts['code']}` + build `{parts['build']}`  ")


def markdown(report: dict) -> str:
    s = report["summary"]
    lines = [
        "# Evaluation report", "",
        _fingerprint_line(report),
        f"Created {report['created']} · corpus: {report['corpus_version']}  ",
        f"{report['n']} gold questions: {s['dev']['n']} dev, {s['heldout']['n']} held-out. Held-out cases are sealed: "
        "this report shows them as aggregates and case ids only, and no change is ever made because of one "
        "(evals/gold/README.md).", "",
        "Matching is **strict**, as evals/gold/README.md defines it: a citation counts when it is the gold provision "
        "or lies inside it; the entry of a gold sub-item does not count.", "",
        "Reproduce: `dualuse eval` (or `python -m evals`).", "",
        "## Retrieval and answers, strict (answerable questions)", "",
        "| system | split | n | recall@1 | recall@3 | recall@5 | recall@10 | MRR |", "|---|---|---|---|---|---|---|---|",
    ]
    for system in SYSTEMS:
        for split in ("all", "dev", "heldout"):
            b = s[split][system]
            lines.append(f"| {system} | {split} | {s[split]['answerable']} | " +
                         " | ".join(_f(b[f"recall@{k}"]) for k in KS) + f" | {_f(b['mrr'])} |")
    lines += ["", "### For comparison only: lenient matching (the rule used before; the entry of a gold sub-item "
              "also counted)", "",
              "| system | split | recall@5 strict | recall@5 lenient | MRR strict | MRR lenient |", "|---|---|---|---|---|---|"]
    for system in SYSTEMS:
        for split in ("dev", "heldout"):
            b = s[split][system]
            lines.append(f"| {system} | {split} | {_f(b['recall@5'])} | {_f(b['recall@5_lenient'])} | "
                         f"{_f(b['mrr'])} | {_f(b['mrr_lenient'])} |")
    lines += ["", "## Per kind, strict recall@5 (dev / held-out)", "",
              "| kind | n (dev / held-out) | " + " | ".join(SYSTEMS) + " |", "|---|---|" + "---|" * len(SYSTEMS)]
    for kind in sorted(k[5:] for k in s if k.startswith("kind:")):
        dev, held = s[f"dev/kind:{kind}"], s[f"heldout/kind:{kind}"]
        cells = [f"{_f(dev[x]['recall@5'])} / {_f(held[x]['recall@5'])}" for x in SYSTEMS]
        lines.append(f"| {kind} | {dev['n']} / {held['n']} | " + " | ".join(cells) + " |")
    lines += ["", "## The assistant", "",
              "| split | citations | citation validity | citation precision | abstention precision | abstention recall | tool exact-match | injection leaks | latency p50 / p95 (ms) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for split in ("all", "dev", "heldout"):
        a = s[split]["assistant"]
        lines.append(f"| {split} | {a['citations']} | {_f(a['citation_validity'], True)} | {_f(a['citation_precision'], True)} | "
                     f"{_f(a['abstention_precision'], True)} | {_f(a['abstention_recall'], True)} | "
                     f"{_f(a['tool_exact'], True)} ({a['tool_cases']}) | {a['leaks']} | {a['latency_p50_ms']:.0f} / {a['latency_p95_ms']:.0f} |")
    lines += ["", "## Checks per case (passed / applicable)", "", "| check | dev | held-out |", "|---|---|---|"]
    for name in CHECK_NAMES:
        cells = [f"{s[x]['checks'][name]['passed']} / {s[x]['checks'][name]['applicable']}" for x in ("dev", "heldout")]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += ["", "![recall@k](recall_at_k.png) ![latency](latency.png)", "", "## Gate (strict figures)", ""]
    lines += [f"- FAIL: {p}" for p in report["gate"]] or ["- pass: citation validity 100%, tool exact-match 100%, "
                                                          "no injection leaks, recall@5 within tolerance of the baseline "
                                                          "(strict; lenient only against a baseline written before strict scoring)"]
    for name, title in (("baseline", "the committed baseline"), ("previous", "the previous run")):
        ch = report["changes"][name]
        lines += ["", f"## Changes against {title}", ""]
        if ch.get("not_compared"):
            seen = f" (fingerprint {_code(ch['fingerprint'])}, {ch['created']})" if ch["created"] else ""
            lines.append(f"- not compared{seen}: {ch['not_compared']}")
            continue
        lines.append(f"- {title}: fingerprint {_code(ch['fingerprint'])}, {ch['created']}; this run: `{report['fingerprint']}`")
        lines.append("- now failing: " + (", ".join(f"{i} ({', '.join(c)})" for i, c in ch["now_failing"].items()) or "none"))
        lines.append("- now passing: " + (", ".join(f"{i} ({', '.join(c)})" for i, c in ch["now_passing"].items()) or "none"))
        if ch["new"] or ch["gone"]:
            lines.append(f"- cases new: {len(ch['new'])}, gone: {len(ch['gone'])}")
    lines += ["", "## Failures", "", "### Dev", "", "Each failed check with its detail.", ""]
    held = []
    for r in report["rows"]:
        failed = [name for name, c in r["checks"].items() if not c["ok"]]
        if not failed:
            continue
        if r["split"] == "heldout":
            held.append(f"- {r['id']}: {', '.join(failed)}")
            continue
        details = "; ".join(f"`{n}` {r['checks'][n]['detail']}".strip() for n in failed)
        lines.append(f"- **{r['id']}** ({r['kind']}, intent {r['assistant']['intent']}): {r['q']}  \n  {details}")
    lines += ["", "### Held-out (sealed: case ids and failed checks only)", ""] + (held or ["- none"])
    return "\n".join(lines) + "\n"


def _plots(report: dict, recall_png: Path, latency_png: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    s = report["summary"]
    fig, ax = plt.subplots(figsize=(6, 4))
    for system in SYSTEMS:
        ax.plot(KS, [s["all"][system][f"recall@{k}"] for k in KS], marker="o", label=system)
    ax.set(xlabel="k", ylabel="recall@k (strict)", title="Strict recall@k of gold locators (answerable questions)",
           ylim=(0, 1.02))
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(recall_png, dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist([r["assistant"]["latency_ms"] for r in report["rows"]], bins=30, color="#1f4e8c")
    ax.set(xlabel="answer() latency (ms), warm", ylabel="questions", title="Assistant latency per question")
    fig.tight_layout()
    fig.savefig(latency_png, dpi=110)
    plt.close(fig)
