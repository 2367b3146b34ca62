"""The independent contract check (../shared/tools/check_answers.py) over every gold question: answer keys,
canonical locators, and every quote verbatim in the raw official files, through `dualuse ask --jsonl`."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REAL_SOURCES, ROOT

CHECKER = REAL_SOURCES.parent / "tools" / "check_answers.py"
pytestmark = pytest.mark.real


@pytest.mark.skipif(not CHECKER.is_file(), reason=f"{CHECKER} not found")
def test_gold_answers_pass_the_contract_check(real_index, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join((ROOT / "evals" / "gold" / f).read_text() for f in ("dev.jsonl", "heldout.jsonl")))
    cli = Path(sys.executable).parent / "dualuse"
    out = subprocess.run([sys.executable, str(CHECKER), str(questions), "--cli", str(cli), "--sources", str(REAL_SOURCES)],
                         capture_output=True, text=True, timeout=900, cwd=ROOT,
                         env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                              "DUALUSE_DATA": str(real_index.data_dir), "DUALUSE_SOURCES": str(REAL_SOURCES)})
    summary = out.stdout.strip().splitlines()[-1]
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert " 0 errors, 0 locator warnings" in summary, out.stdout[-3000:]
