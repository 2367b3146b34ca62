"""Read every available source of the manifest into provisions: locate, verify, parse, flag artefacts, validate."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .manifest import Manifest, Source, SourceError, locate, sha256_of, verify
from .model import Provision, is_within

# Flattened exponents: "5,6 × 106 m", "5× 103 Gy", "units of 1012", "less than 10-14 J".
EXPONENT = re.compile(r"[×x]\s?10[-–]?\d{1,2}(?!\d)|units of 10\d{2}\b"
                      r"|\b10[-–]\d{1,2}\s?(?:Pa|s|m|Hz|g|W|A|V|Gy|rad|torr|mbar|kg|cm|mm|nm|μm|J)\b")


@dataclass
class Corpus:
    provisions: list[Provision]
    folders: dict[str, Path] = field(default_factory=dict)        # source id -> folder the files came from
    file_hashes: dict[str, str] = field(default_factory=dict)     # "source/file" -> sha256
    skipped: dict[str, str] = field(default_factory=dict)         # source id -> why it is not in this build
    seconds: float = 0.0


def parse_source(source: Source, folder: Path) -> list[Provision]:
    """Dispatch on the source's format. Raises SourceError naming the file on bad input."""
    if source.format == "json":
        from .annex_json import parse_annex_json
        return parse_annex_json(folder / source.file("").name, source)
    if source.format == "eurlex-text" and any(f.role == "annex-i" for f in source.files):
        from .annex_text import parse_annex_text
        return parse_annex_text(folder / source.file("annex-i").name, source)
    if source.format == "eurlex-text":
        from .eurlex_text import parse_regulation_text
        return parse_regulation_text(folder, source)
    if source.format == "pdf":
        from .pdf import parse_pdf
        prefix = "Rec. " + "/".join(source.id.split("-")[1:3]) if source.id.startswith("rec-") else f"Doc {source.id}"
        out = []
        for f in source.files:
            out += parse_pdf(folder / f.name, source, prefix)
        return out
    raise SourceError(source.id, f"unknown format {source.format!r} in the manifest")


def flag_artefacts(provisions: list[Provision], source: Source) -> list[Provision]:
    """Add the manifest's known-artefact flags to the provisions they touch (never alter the text); every provision of
    a source whose files the manifest does not pin (a user's PDF, guidance not yet pinned) is flagged "unverified"."""
    out = []
    for p in provisions:
        flags = list(p.flags)
        for rule in source.artefacts:
            hit = (rule.get("match") == "exponent" and EXPONENT.search(p.text)) or \
                  any(is_within(p.locator, loc) for loc in rule.get("locators", ()))
            if hit and rule["flag"] not in flags:
                flags.append(rule["flag"])
        if source.status == "superseded" and "superseded" not in flags:
            flags.append("superseded")
        if not all(f.sha256 for f in source.files) and "unverified" not in flags:
            flags.append("unverified")           # no pinned checksum: never shown or counted as official text
        out.append(replace(p, flags=tuple(flags)) if tuple(flags) != p.flags else p)
    return out


def validate(provisions: list[Provision], source: Source, folder: Path) -> None:
    """Locators unique within the source; every parent exists; the counts the manifest expects. A violation is a
    parser bug or a broken file."""
    for kind, expected in source.expect.items():
        found = sum(p.kind == kind for p in provisions)
        if found != expected:
            names = ", ".join(f.name for f in source.files)
            raise SourceError(folder / names, f"expected {expected} provisions of kind {kind!r}, parsed {found}: "
                                              "the file is truncated or not the version the manifest describes")
    seen: set[str] = set()
    for p in provisions:
        if p.locator in seen:
            raise SourceError(source.id, f"two provisions share the locator {p.locator!r}")
        seen.add(p.locator)
    for p in provisions:
        if p.parent and p.parent not in seen:
            raise SourceError(source.id, f"{p.locator!r} has a parent {p.parent!r} that does not exist")


def load_corpus(manifest: Manifest, search_dirs: list[Path], only: list[str] | None = None) -> Corpus:
    """All sources whose files are on this machine. A missing source in force is an error; a missing superseded or
    guidance source is reported as skipped."""
    start = time.perf_counter()
    corpus = Corpus([])
    for source in manifest.sources:
        if not source.files or (only and source.id not in only):
            continue                     # not_available sources: `dualuse sources` reports them
        folder = locate(source, search_dirs)
        if folder is None:
            if source.status == "in_force":
                names = ", ".join(f.name for f in source.files)
                raise SourceError(f"{source.folder}/{names}",
                                  "not found in " + ", ".join(str(d) for d in search_dirs) +
                                  " (set DUALUSE_SOURCES or run `dualuse fetch`)")
            corpus.skipped[source.id] = "files not present (run `dualuse fetch` on a machine with internet)"
            continue
        verify(source, folder)
        provisions = flag_artefacts(parse_source(source, folder), source)
        validate(provisions, source, folder)
        corpus.provisions.extend(provisions)
        corpus.folders[source.id] = folder
        for f in source.files:
            corpus.file_hashes[f"{source.id}/{f.name}"] = f.sha256 or sha256_of(folder / f.name)
    corpus.seconds = time.perf_counter() - start
    return corpus
