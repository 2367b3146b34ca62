"""What the corpus covers: each source of the manifest, its version, whether it is here and indexed, what is missing."""
from __future__ import annotations

from ingest.index import IndexMissing, open_serving
from ingest.manifest import Manifest, locate
from ingest.settings import Settings
from ingest.store import Store


def coverage_rows(settings: Settings, manifest: Manifest) -> list[dict]:
    try:
        indexed = Store(open_serving(settings.index_dir).dir / "store.sqlite").sources     # the build answers use
    except (IndexMissing, FileNotFoundError):
        indexed = {}
    rows = []
    for s in manifest.sources:
        count = indexed.get(s.id, {}).get("provisions", 0)
        if count:
            availability = f"indexed: {count} provisions"
        elif not s.files:
            availability = "not available"
        elif locate(s, settings.source_dirs()):
            availability = "here, not yet indexed (run `dualuse ingest`)"
        else:
            availability = "not here (run `dualuse fetch` on a machine with internet)"
        rows.append({"id": s.id, "title": s.title, "status": s.status, "version": s.version,
                     "version_label": s.version_label, "valid_from": s.valid_from, "official_url": s.official_url,
                     "celex": s.celex, "availability": availability, "provisions": count,
                     "coverage": s.coverage, "missing": s.missing})
    return rows
