"""The CI gate of the evaluation suite: the gold questions on the real corpus, against the committed report."""
import json

import pytest

from evals.report import write
from evals.run import REPORTS, gate, run
from tests.conftest import ROOT

pytestmark = pytest.mark.real


def test_eval_gate(real_index):
    baseline = json.loads((REPORTS / "report.json").read_text())
    report = run(real_index, progress=None)
    write(report, ROOT / "test-artifacts" / "eval", baseline)        # for a look after a failing run
    assert gate(report, baseline) == []
    assert report["summary"]["heldout"]["n"] >= 0.25 * report["n"]
