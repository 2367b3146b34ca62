"""Write an eval run as Markdown (tables, failures, changes against the baseline), JSON and PNG plots."""
from __future__ import annotations

import json
from pathlib import Path

from .metrics import KS
from .run import SYSTEMS, case_changes, gate


def write(report: dict, out: Path, baseline: dict | None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    report = dict(report, changes=case_changes(report, baseline), gate=gate(report, baseline))
    paths = [out / "report.json", out / "report.md", out / "recall_at_k.png", out / "latency.png"]
    paths[0].write_text(json.dumps(report, indent=1, ensure_ascii=False))
    paths[1].write_text(markdown(report, baseline))
    _plots(report, paths[2], paths[3])
    return paths


def _f(v, pct=False) -> str:
    if v is None:
        return "—"
    return f"{v:.1%}" if pct else (f"{v:.3f}" if isinstance(v, float) else str(v))


def markdown(report: dict, baseline: dict | None) -> str:
    s = report["summary"]
    lines = [
        "# Evaluation report", "",
        f"Build `{report['build_id']}` · settings `{report['settings_hash']}` · {report['created']}  ",
        f"Corpus: {report['corpus_version']}  ",
        f"{report['n']} gold questions ({s['dev']['n']} dev, {s['heldout']['n']} held-out, never used for tuning).",
        "", "Reproduce: `dualuse eval` (or `python -m evals`).", "",
        "## Retrieval and answers (answerable questions)", "",
        "| system | split | n | recall@1 | recall@3 | recall@5 | recall@10 | MRR |", "|---|---|---|---|---|---|---|---|",
    ]
    for system in SYSTEMS:
        for split in ("all", "dev", "heldout"):
            b = s[split][system]
            lines.append(f"| {system} | {split} | {s[split]['answerable']} | " +
                         " | ".join(_f(b[f"recall@{k}"]) for k in KS) + f" | {_f(b['mrr'])} |")
    lines += ["", "## The assistant", "",
              "| split | citations | citation validity | citation precision | abstention precision | abstention recall | tool exact-match | injection leaks | latency p50 / p95 (ms) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for split in ("all", "dev", "heldout"):
        a = s[split]["assistant"]
        lines.append(f"| {split} | {a['citations']} | {_f(a['citation_validity'], True)} | {_f(a['citation_precision'], True)} | "
                     f"{_f(a['abstention_precision'], True)} | {_f(a['abstention_recall'], True)} | "
                     f"{_f(a['tool_exact'], True)} ({a['tool_cases']}) | {a['leaks']} | {_f(a['latency_p50_ms'])} / {_f(a['latency_p95_ms'])} |")
    lines += ["", "## Per kind (recall@5 / MRR)", "",
              "| kind | n | " + " | ".join(SYSTEMS) + " |", "|---|---|" + "---|" * len(SYSTEMS)]
    for name, block in s.items():
        if name.startswith("kind:"):
            cells = [f"{_f(block[x]['recall@5'])} / {_f(block[x]['mrr'])}" for x in SYSTEMS]
            lines.append(f"| {name[5:]} | {block['n']} | " + " | ".join(cells) + " |")
    lines += ["", "![recall@k](recall_at_k.png) ![latency](latency.png)", "", "## Gate", ""]
    lines += [f"- FAIL: {p}" for p in report["gate"]] or ["- pass: citation validity 100%, tool exact-match 100%, "
                                                          "no injection leaks, recall@5 within tolerance of the baseline"]
    ch = report["changes"]
    lines += ["", "## Changes against the baseline", "",
              f"- now passing (recall@5): {', '.join(ch['now_passing']) or 'none'}",
              f"- now failing (recall@5): {', '.join(ch['now_failing']) or 'none'}"]
    if baseline:
        was, now = baseline["summary"]["all"]["assistant"]["recall@5"], s["all"]["assistant"]["recall@5"]
        lines.append(f"- assistant recall@5: {was:.3f} → {now:.3f}")
    lines += ["", "## Failures", "", "Questions where the assistant missed the gold in its first five citations, "
              "abstained wrongly, cited an invalid quote, leaked or got a tool result wrong.", ""]
    for r in report["rows"]:
        a = r["assistant"]
        why = []
        if r["gold"] and not a["recall@5"]:
            why.append("gold not in top 5")
        if r["abstain"] != a["abstained"]:
            why.append("abstained" if a["abstained"] else "did not abstain")
        if a["invalid"]:
            why.append(f"invalid citations {a['invalid']}")
        if a["leaked"]:
            why.append(f"leaked {a['leaked']}")
        if "tool" in r and not r["tool"]["ok"]:
            why.append(f"tool {r['tool']['name']} {r['tool']['wrong']}")
        if why:
            lines.append(f"- **{r['id']}** ({r['kind']}, {r['split']}, intent {a['intent']}): {r['q']}  \n"
                         f"  expected {r['gold'] or 'abstention'}; cited {a['ranked'][:5]} — {'; '.join(why)}")
    return "\n".join(lines) + "\n"


def _plots(report: dict, recall_png: Path, latency_png: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    s = report["summary"]["all"]
    fig, ax = plt.subplots(figsize=(6, 4))
    for system in SYSTEMS:
        ax.plot(KS, [s[system][f"recall@{k}"] for k in KS], marker="o", label=system)
    ax.set(xlabel="k", ylabel="recall@k", title="Recall@k of gold locators (all answerable questions)", ylim=(0, 1.02))
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
