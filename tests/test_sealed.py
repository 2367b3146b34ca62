"""Held-out means sealed: the text of a held-out question (or of its conversation), in English or in a translation,
never appears in a committed file other than the gold data (evals/gold/heldout.jsonl, evals/gold/translated/*.jsonl).
A run of 8 consecutive words of it is enough to count as a leak, so a report that prints half a question fails too."""
import json
import re
import subprocess

import pytest

from tests.conftest import ROOT

HELDOUT = "evals/gold/heldout.jsonl"
TRANSLATED = "evals/gold/translated/"     # the translated subset holds its held-out questions too (sealed data)
RUN = 8              # words in a row that make a leak


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shingles(text: str) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + RUN]) for i in range(len(w) - RUN + 1)}


def heldout_shingles() -> dict[tuple[str, ...], str]:
    out = {}
    files = [ROOT / HELDOUT] + sorted((ROOT / TRANSLATED).glob("*.jsonl"))
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if path.name != "heldout.jsonl" and case.get("split") != "heldout":
                    continue
                texts = [case["q"]] + [t["content"] for t in case.get("history", []) if t["role"] == "user"]
                for text in texts:
                    out.update({s: case["id"] for s in shingles(text)})
    return out


def tracked_files() -> list[str]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip("not a git checkout")
    return [f for f in listed.decode().split("\0")
            if f and f != HELDOUT and not (f.startswith(TRANSLATED) and f.endswith(".jsonl"))]


def leaks(files: list[str], sealed: dict) -> list[tuple[str, str]]:
    found = []
    for name in files:
        path = ROOT / name
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue                                        # binary files (plots, screenshots) hold no text
        hits = {sealed[s] for s in shingles(text) if s in sealed}
        found += [(name, case_id) for case_id in sorted(hits)]
    return found


def test_no_committed_file_holds_heldout_text():
    assert not leaks(tracked_files(), heldout_shingles())


def test_the_scan_finds_a_leak(tmp_path, monkeypatch):
    # a report that prints a held-out question, even cut short and re-cased, is caught
    sealed = heldout_shingles()
    case = json.loads((ROOT / HELDOUT).read_text(encoding="utf-8").splitlines()[0])
    leaked = tmp_path / "report.md"
    leaked.write_text("- **" + case["id"] + "**: " + " ".join(words(case["q"])[:RUN]).upper() + " ...\n")
    monkeypatch.setattr("tests.test_sealed.ROOT", tmp_path)
    assert leaks(["report.md"], sealed) == [("report.md", case["id"])]
