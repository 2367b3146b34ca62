"""The corpus manifest (`corpus/manifest.toml`) and where each source's files are found on this machine."""
from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MANIFEST = PROJECT_ROOT / "corpus" / "manifest.toml"


class SourceError(Exception):
    """A source file is missing, truncated, corrupted or not in the expected format. Names the file."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True)
class SourceFile:
    name: str
    sha256: str | None = None
    role: str = ""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    status: str                          # in_force | superseded | guidance | not_available
    official_url: str = ""
    celex: str = ""
    eli: str = ""
    version: str = ""
    version_label: str = ""
    valid_from: str = ""
    valid_until: str = ""
    amending_act: str = ""
    format: str = ""
    folder: str = ""
    parts: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    coverage: str = ""
    missing: str = ""
    files: tuple[SourceFile, ...] = ()
    downloads: tuple[dict, ...] = ()
    artefacts: tuple[dict, ...] = ()
    expect: dict = field(default_factory=dict)

    def file(self, role: str) -> SourceFile:
        for f in self.files:
            if f.role == role or (not role and len(self.files) == 1):
                return f
        raise KeyError(f"{self.id} has no file with role {role!r}")


@dataclass(frozen=True)
class Manifest:
    sources: tuple[Source, ...]
    attribution: str = ""
    path: Path = DEFAULT_MANIFEST
    text_hash: str = ""

    def get(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"no source {source_id!r} in {self.path}")

    def authority_for(self, part: str) -> Source:
        """The source that wins for a part of the regulation ('Annex I', 'Articles', 'Annex II', ...)."""
        for s in self.sources:
            if part in s.parts:
                return s
        raise KeyError(f"no source in the manifest is authoritative for {part!r}")


def load_manifest(path: Path | str | None = None) -> Manifest:
    """The manifest at `path`, else at $DUALUSE_MANIFEST, else the project's corpus/manifest.toml."""
    path = Path(path or os.environ.get("DUALUSE_MANIFEST") or DEFAULT_MANIFEST)
    try:
        raw_bytes = path.read_bytes()
        raw = tomllib.loads(raw_bytes.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise SourceError(path, f"the corpus manifest cannot be read ({e})") from None
    sources = []
    for s in raw.get("source", []):
        files = tuple(SourceFile(f["name"], f.get("sha256"), f.get("role", "")) for f in s.get("files", []))
        sources.append(Source(
            id=s["id"], title=s["title"], status=s["status"], official_url=s.get("official_url", ""),
            celex=s.get("celex", ""), eli=s.get("eli", ""), version=s.get("version", ""),
            version_label=s.get("version_label", ""), valid_from=s.get("valid_from", ""),
            valid_until=s.get("valid_until", ""), amending_act=s.get("amending_act", ""), format=s.get("format", ""),
            folder=s.get("folder", s["id"]), parts=tuple(s.get("parts", ())), ignore=tuple(s.get("ignore", ())),
            coverage=s.get("coverage", "").strip(), missing=s.get("missing", ""), files=files, downloads=tuple(s.get("download", ())),
            artefacts=tuple(s.get("artefacts", ())), expect=dict(s.get("expect", {})),
        ))
    for source in sources:
        _check(source, path)
    return Manifest(tuple(sources), raw.get("attribution", ""), path, hashlib.sha256(raw_bytes).hexdigest())


OFFICIAL = ("in_force", "superseded")        # answers rest on these: their files must be pinned


def _check(source: Source, manifest_path: Path) -> None:
    """Names are plain file names (fetch writes and ingest reads `<folder>/<file>` inside its own folders, never
    beside them); an official source pins the sha256 of every file."""
    names = [source.folder] + [f.name for f in source.files] + [d.get("file", "") for d in source.downloads]
    for name in names:
        if not safe_name(name):
            raise SourceError(manifest_path, f"source {source.id!r}: {name!r} is not a plain file or folder name "
                                             "(no '/', '\\', '..' or leading '.')")
    for f in source.files:
        if source.status in OFFICIAL and not f.sha256:
            raise SourceError(manifest_path, f"source {source.id!r} is {source.status} but {f.name} has no sha256: "
                                             "every official text must be pinned")


def safe_name(name: str) -> bool:
    return bool(name) and not name.startswith(".") and "/" not in name and "\\" not in name


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def default_sources_dirs(data_dir: Path, explicit: Path | None = None) -> list[Path]:
    """Where to look for source folders: the folder named by --sources or $DUALUSE_SOURCES (else
    ../shared/sources beside the checkout), then the cache that `dualuse fetch` fills. A named folder is never
    silently replaced by another copy of the texts."""
    named = explicit or (Path(os.environ["DUALUSE_SOURCES"]) if os.environ.get("DUALUSE_SOURCES") else None)
    return [named or PROJECT_ROOT.parent / "shared" / "sources", data_dir / "sources"]


def locate(source: Source, search_dirs: list[Path]) -> Path | None:
    """The first folder holding all of the source's files, or None."""
    for base in search_dirs:
        folder = base / source.folder
        if source.files and all((folder / f.name).is_file() for f in source.files):
            return folder
    return None


def verify(source: Source, folder: Path) -> None:
    """Check every file of `source` in `folder` against its pinned sha256. Raises SourceError naming the file."""
    for f in source.files:
        path = folder / f.name
        if not path.is_file():
            raise SourceError(path, "file is missing")
        if path.stat().st_size == 0:
            raise SourceError(path, "file is empty")
        if f.sha256:
            got = sha256_of(path)
            if got != f.sha256:
                raise SourceError(path, f"sha256 is {got[:12]}…, the manifest pins {f.sha256[:12]}…: the file is "
                                        "truncated, corrupted or a different version (re-fetch it, or update the "
                                        "manifest if the change is intended)")
