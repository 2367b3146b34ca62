"""The CI gate of the evaluation suite: the gold questions on the real corpus, scored strictly, against the committed
report; and the report itself keeps held-out cases sealed."""
import json

import pytest

from evals.report import write
from evals.run import committed_baseline, gate, run
from tests.conftest import ROOT

pytestmark = pytest.mark.real


def test_eval_gate(real_index):
    baseline = committed_baseline()
    report = run(real_index, progress=None)
    out = ROOT / "test-artifacts" / "eval"
    write(report, out, baseline, previous=None, previous_path=None)        # for a look after a failing run
    assert report["matching"] == "strict" and report["fingerprint"]
    assert gate(report, baseline) == []
    # nothing of a held-out case but its id, ranks and check names reaches what is written
    held = [r for r in report["rows"] if r["split"] == "heldout"]
    written = (out / "report.json").read_text() + (out / "report.md").read_text()
    assert held and not [r["id"] for r in held if r["q"] in written or json.dumps(r["q"])[1:-1] in written]
