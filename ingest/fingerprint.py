"""One fingerprint for everything that can change an answer.

    fingerprint = sha256 over {settings hash, sha256 of every answer-changing data file, parser version,
                               code version, build id, the versions of the FreeDict dictionaries}

The settings hash alone is not enough: the lexicon, the countries and sanctions data, the catchwords and criteria
overrides change answers without touching `Settings`. The data files are found by glob (DATA_GLOBS), so a new file in
one of those folders is covered the day it is added. The code version hashes the Python of `ingest/`, `law/` and
`assistant/`, so a rule change is a new fingerprint too. Two runs that can answer differently never share a
fingerprint; two runs with the same fingerprint answer alike (tests/test_fingerprint.py changes one lexicon line).

It goes on every answer (`Answer.to_dict()["fingerprint"]`), every index build (`build.json`), every eval report and
every determination record; `components()` is kept beside it so a change can be traced to its part.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .manifest import PROJECT_ROOT
from .settings import Settings

# Data files that change answers, relative to the project root. Globs, so that no new file is forgotten.
# corpus/*.toml: catchwords.toml, criteria_overrides.toml and manifest.toml; the message catalogues write the leads.
DATA_GLOBS = ("assistant/data/**/*", "law/data/**/*", "corpus/*.toml", "assistant/locale/**/*.po")
CODE_GLOBS = ("ingest/*.py", "law/**/*.py", "assistant/**/*.py")
# The FreeDict dictionaries that gloss questions in other languages (assistant/gloss.py), fetched by scripts/setup and
# not committed: the package versions they came from ("" when absent: the answers rest on the lexicon alone).
DICTIONARY_VERSIONS = "data/freedict/VERSIONS"

# A build depends on the code that parses and chunks: its hash is part of the build key, so a parser fix rebuilds.
BUILD_CODE = ("model.py", "annex_json.py", "eurlex_text.py", "annex_text.py", "pdf.py", "corpus.py", "chunks.py",
              "store.py", "index.py", "catchwords.py", "criteria.py", "quantities.py", "units.txt",
              "../corpus/criteria_overrides.toml")
PARSER_VERSION = hashlib.sha256(b"".join((Path(__file__).parent / f).read_bytes() for f in BUILD_CODE)).hexdigest()[:12]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_files(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Relative path -> sha256 of every answer-changing data file under `root`."""
    found = sorted({p for g in DATA_GLOBS for p in root.glob(g) if p.is_file()})
    return {p.relative_to(root).as_posix(): _sha256(p) for p in found}


def _code_version(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted({p for g in CODE_GLOBS for p in root.glob(g) if p.is_file()}):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def components(settings: Settings, build_id: str, root: Path = PROJECT_ROOT) -> dict:
    """What the fingerprint is made of, each part by name (for reports, and for finding what changed)."""
    versions = root / DICTIONARY_VERSIONS
    return {"settings": settings.hash, "data": data_files(root), "parser": PARSER_VERSION,
            "code": _code_version(root), "build": build_id,
            "dictionaries": versions.read_text(encoding="utf-8").strip() if versions.is_file() else ""}


def of_components(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def fingerprint(settings: Settings, build_id: str, root: Path = PROJECT_ROOT) -> str:
    """16 hex characters; equal only when settings, data files, parser, code and build are all equal."""
    return of_components(components(settings, build_id, root))


def changed(before: dict, after: dict) -> list[str]:
    """Names of the parts that differ between two `components()` ('data:assistant/data/lexicon.toml', 'settings')."""
    out = [k for k in ("settings", "parser", "code", "build", "dictionaries") if before.get(k) != after.get(k)]
    old, new = before.get("data", {}), after.get("data", {})
    out += [f"data:{f}" for f in sorted(set(old) | set(new)) if old.get(f) != new.get(f)]
    return out
