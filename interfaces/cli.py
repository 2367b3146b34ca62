"""The `dualuse` command. Each command parses its arguments and calls one or two library functions; the
library raises named errors and this module turns them into a one-line `Error: …` and exit code 1."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ingest.manifest import SourceError, load_manifest
from ingest.settings import Settings, SettingsError


class Failure(click.ClickException):
    def show(self, file=None) -> None:
        click.echo(f"Error: {self.message}", err=True)


class BadSettings(Failure):
    def show(self, file=None) -> None:
        click.echo(self.message, err=True)          # already one "Settings error: ..." line per problem


def _settings(sources: str | None = None, chroma_host: str | None = None, chroma_port: int | None = None) -> Settings:
    try:
        return Settings.from_env(sources=Path(sources) if sources else None, chroma_host=chroma_host,
                                 chroma_port=chroma_port)
    except SettingsError as e:
        raise BadSettings(str(e)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dualuse")
def cli() -> None:
    """Assistant for the EU dual-use export-control regime (Regulation (EU) 2021/821).

    Answers quote the official texts verbatim, with canonical locators and the version they rest on.
    Not legal advice: only the Official Journal text is authentic; your competent authority decides."""


@cli.command()
@click.option("--sources", type=click.Path(file_okay=False), help="Folder laid out like ../shared/sources (default: $DUALUSE_SOURCES, ../shared/sources, then the fetch cache).")
@click.option("--force", is_flag=True, help="Rebuild even if an index of the same sources and parsers exists.")
@click.option("--chroma-host", help="Build the vector index in a Chroma server instead of the embedded store.")
@click.option("--chroma-port", type=int, help="Port of the Chroma server.")
@click.option("--fetch-missing", is_flag=True, help="First download sources in force that are not on this machine (needs internet).")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
def ingest(sources, force, chroma_host, chroma_port, fetch_missing, quiet, as_json) -> None:
    """Parse the official texts into provisions and build the indexes (SQLite, BM25, Chroma).

    Idempotent: unchanged sources find their build in place and nothing is done. Atomic: a failed or
    interrupted build leaves the previous index serving.

    \b
    Example:
      dualuse ingest --sources ../shared/sources
    """
    from dataclasses import asdict

    from ingest.index import build_index
    settings = _settings(sources, chroma_host, chroma_port)
    manifest = load_manifest()
    try:
        if fetch_missing:
            _fetch_missing(settings, manifest)
        report = build_index(settings, manifest, force=force, progress=not quiet,
                             log=(lambda *a: None) if quiet or as_json else (lambda m: click.echo(m, err=True)))
    except SourceError as e:
        raise Failure(f"{e} — the previous index (if any) keeps serving.") from None
    click.echo(json.dumps(asdict(report), indent=2) if as_json else report.summary())


def _fetch_missing(settings: Settings, manifest) -> None:
    from ingest.fetch import fetch_sources
    from ingest.manifest import locate
    missing = [s.id for s in manifest.sources
               if s.status == "in_force" and s.downloads and not locate(s, settings.source_dirs())]
    if missing:
        click.echo(f"official texts not found locally; downloading {', '.join(missing)}…", err=True)
        fetch_sources(manifest, settings.fetch_dir, only=missing)


@cli.command()
@click.option("--only", multiple=True, help="Source id to fetch (repeatable); default: every source with a download.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds before a stalled download fails.")
def fetch(only, timeout) -> None:
    """Download the official texts into the local cache (<data>/sources), resumable, checksum-verified.

    Needs internet. Ingest then finds the files there when no local source folder is given."""
    from ingest.fetch import FetchError, fetch_sources
    settings = _settings()
    manifest = load_manifest()
    try:
        results = fetch_sources(manifest, settings.fetch_dir, only=list(only) or None, timeout=timeout)
    except FetchError as e:
        for r in e.results:
            click.echo(f"{r.status:10} {r.source}/{r.file} {r.message}", err=True)
        raise Failure(str(e)) from None
    except KeyError as e:
        raise Failure(str(e).strip("'\"")) from None
    for r in results:
        click.echo(f"{r.status:10} {r.source}/{r.file} {r.bytes} bytes {r.message}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def sources(as_json) -> None:
    """Coverage table: each source, its version, whether it is available here and in the index, and what is missing."""
    from assistant.coverage import coverage_rows
    rows = coverage_rows(_settings(), load_manifest())
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:14} {r['status']:13} {r['version'] or '-':22} {r['availability']}")
        click.echo(f"{'':14} {r['title']}")
        if r["missing"]:
            click.echo(f"{'':14} not covered: {r['missing']}")


def _assistant():
    from assistant.core import Assistant
    from ingest.index import IndexMissing
    try:
        return Assistant(_settings())
    except IndexMissing as e:
        raise Failure(str(e)) from None


@cli.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer dict (text, citations, tools, abstained, corpus_version).")
@click.option("--jsonl", "jsonl", type=click.File("r"), help="Answer every {\"q\": …} line of this file (- for stdin); one answer dict per line out.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Answer from the Annex I version that applied on this date (YYYY-MM-DD).")
def ask(question, as_json, jsonl, as_of) -> None:
    """Answer a question with verbatim, numbered citations (or say the regulation does not answer it).

    \b
    Examples:
      dualuse ask "Can we ship a 2B001 machine tool to Canada under a general authorisation?"
      dualuse ask --jsonl questions.jsonl > answers.jsonl
    A line of the JSONL file may carry "history": [{"role": "user", "content": …}, …] for follow-ups
    and "as_of": "YYYY-MM-DD". A bad line (not JSON, no "q", a wrong type) gets {"error": …, "line": n} in
    its place and the batch goes on; the exit code is then 1."""
    assistant = _assistant()
    day = as_of.date() if as_of else None
    if jsonl:
        failed = 0
        for n, line in enumerate(jsonl, 1):
            if not line.strip():
                continue
            try:
                record = _answer_line(assistant, line, day)
            except Exception as e:                  # a bad line never stops the batch: its error record takes its place
                failed += 1
                record = {"error": _line_error(e), "line": n}
                click.echo(f"Error: line {n}: {record['error']}", err=True)
            click.echo(json.dumps(record, ensure_ascii=False))
        if failed:
            sys.exit(1)
        return
    if not question:
        raise Failure("give a question, or --jsonl FILE")
    result = assistant.answer(question, as_of=day)
    click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if as_json else result.markdown())


def _answer_line(assistant, line: str, day) -> dict:
    """One line of `ask --jsonl` answered: a JSON object with a "q"; its "history" and "as_of" are checked by
    `Assistant.answer` (InputError)."""
    from assistant.errors import InputError
    item = json.loads(line)
    if not isinstance(item, dict) or "q" not in item:
        raise InputError("line", 'must be a JSON object with a "q" key')
    return assistant.answer(item["q"], item.get("history"), item.get("as_of") or day).to_dict()


def _line_error(e: Exception) -> str:
    from assistant.errors import InputError
    if isinstance(e, InputError):
        return str(e)
    if isinstance(e, json.JSONDecodeError):
        return f"not JSON ({e.msg} at column {e.colno})"
    return f"internal error ({type(e).__name__}: {e})"


@cli.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
def lookup(code, as_json) -> None:
    """Look up an Annex I entry or sub-item: its verbatim text, items, Notes, defined terms, Annex IV and Section I status.

    \b
    Example:
      dualuse lookup 5A002.a.1"""
    r = _assistant().tools.lookup_entry(code)
    if as_json:
        click.echo(json.dumps(r.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(_render_tool(r, [f"{r.locator} — {r.text}"] + [f"  {i['locator']}: {i['text']}" for i in r.items]))
    if not r.ok:
        sys.exit(1)


@cli.command()
@click.argument("code")
@click.argument("country")
@click.option("--purpose", type=click.Choice(["sale", "repair", "exhibition", "intra-group"]), default="sale",
              show_default=True, help="Why the item leaves the Union: an ordinary sale; a re-export after repair or "
              "replacement (EU003); a temporary export for an exhibition or fair (EU004); software or technology to a "
              "subsidiary or sister company (EU007).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result; `outcome` is gea_available, needs_facts, individual_licence_required, sanctions_review_required or not_an_export.")
def gea(code, country, purpose, as_json) -> None:
    """Which Union general export authorisations (EU001-EU008) can apply to an item, a destination and a purpose.

    A GEA is named as usable only when its items (Part 1), destinations (Part 2) and purpose all fit; a GEA that
    covers only some sub-items of the entry gives `needs_facts` (say which sub-item).

    \b
    Examples:
      dualuse gea 5A002.a.2 Brazil
      dualuse gea 2B001 Brazil --purpose repair --json"""
    r = _assistant().tools.check_destination(code, country, purpose=purpose)
    if as_json:
        click.echo(json.dumps(r.to_dict(), indent=2, ensure_ascii=False))
    else:
        lines = [f"outcome: {r.outcome} (purpose: {r.purpose})"]
        lines += [f"  {g['gea']}: {'usable' if g['available'] else 'no'} — {g['why']}" for g in r.geas]
        click.echo(_render_tool(r, lines))
    if not r.ok:
        sys.exit(1)


@cli.command()
@click.argument("description")
@click.option("--fact", "facts", multiple=True, metavar="FACT",
              help='A stated figure ("sample rate=2.5 GSPS") or a yes/no fact a question asked for '
                   '("accompanying_user=yes", "describes:Annex I 3A001.a.10=no"); repeatable.')
@click.option("--json", "as_json", is_flag=True, help="Print the determination (status, deciding, entries with their checks, ruled_out, questions) as JSON.")
def classify(description, facts, as_json) -> None:
    """Is a product listed in Annex I? Its candidate entries evaluated on the figures and facts given, every check
    quoted: listed (with the deciding sub-item), not listed in the entries checked, the facts that would decide, or
    an expert's call. Never "not controlled": the catch-all provisions can still apply.

    \b
    Examples:
      dualuse classify "12-bit ADC" --fact "sample rate=2.5 GSPS"
      dualuse classify "body armour for a journalist" --fact accompanying_user=yes --fact personal_use=yes --json"""
    try:
        result = _assistant().classify(description, list(facts))
    except ValueError as e:
        raise Failure(str(e)) from None
    d = result.determination
    if as_json:
        click.echo(json.dumps({"determination": d, "text": result.text, "fingerprint": result.fingerprint,
                               "corpus_version": result.corpus_version}, indent=2, ensure_ascii=False))
        return
    if not d:
        click.echo(result.markdown())
        return
    click.echo(f"status: {d['status']}" + (f" ({d['deciding']})" if d.get("deciding") else ""))
    for e in d.get("entries", []):
        click.echo(f"  {e['locator']}: {'met' if e['met'] else 'not met' if e['met'] is False else 'unknown'}")
        for c in e.get("checks", []):
            if c["parameter"] == "kind of item":
                continue
            result_word = {True: "met", False: "not met", None: "unknown"}[c["result"]]
            click.echo(f"    - {c['parameter']}: requires {c['required']}; given {c['given'] or '-'} -> {result_word}"
                       f" ({c['locator']}: “{c['quote']}”)")
    for r in d.get("ruled_out", []):
        click.echo(f"  ruled out {r['locator']}: {r['why']}")
    for q in d.get("questions", []):
        click.echo(f"  ? {q['text']}")
    click.echo("")
    click.echo(result.markdown())


@cli.command()
@click.argument("old", default="2023")
@click.argument("new", default="2025")
@click.option("--entry", help="One entry (e.g. 3B001): its items and Notes added, removed or changed, word by word.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result (an entry's `status`: unchanged, changed, added or removed).")
def diff(old, new, entry, as_json) -> None:
    """What changed in Annex I between two versions: counts per category and the entries that changed, or one entry.

    \b
    Examples:
      dualuse diff 2023 2025
      dualuse diff 2023 2025 --entry 3B001 --json"""
    import time as _time

    from assistant.query import normalize_code
    from assistant.versions import entry_diff, list_diff
    store = _assistant().store
    start = _time.perf_counter()
    try:
        if entry:
            code = normalize_code(entry)
            if not code:
                raise ValueError(f"{entry!r} is not an Annex I code (like 3B001)")
            result = entry_diff(store, code, old, new)
        else:
            result = list_diff(store, old, new)
    except ValueError as e:
        raise Failure(str(e)) from None
    seconds = _time.perf_counter() - start
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{result.old_version} → {result.new_version}")
    if entry:
        click.echo(f"{result.code}: {result.status}")
        for c in result.changes:
            words = " ".join(f"[-{w}-]" if op == "delete" else f"{{+{w}+}}" if op == "insert" else w for op, w in c.ops)
            click.echo(f"  {c.status:8} {c.new_locator or c.old_locator}" + (f": {words}" if words else f": {c.text}"))
        return
    click.echo("category  changed  added  removed  unchanged")
    for cat, counts in sorted(result.counts.items()):
        click.echo(f"{cat:>8}  {counts['changed']:7}  {counts['added']:5}  {counts['removed']:7}  {counts['unchanged']:9}")
    total = result.to_dict()["total"]
    click.echo(f"{'total':>8}  {total['changed']:7}  {total['added']:5}  {total['removed']:7}  {total['unchanged']:9}")
    click.echo("changed: " + ", ".join(result.codes("changed")))
    click.echo("added: " + ", ".join(result.codes("added")))
    click.echo(f"({seconds:.2f} s)")


@cli.command("eval")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Report folder (default evals/reports).")
@click.option("--baseline", type=click.Path(dir_okay=False), default=None, help="Report to compare with (default: evals/reports/report.json as committed).")
@click.option("--gate", is_flag=True, help="Exit 1 when citation validity or tool exact-match is below 100%, an injection answer leaks, or strict recall@5 drops below the baseline.")
def eval_(out, baseline, gate) -> None:
    """Run the gold questions through the baselines (BM25, dense, hybrid, hybrid+lexicon) and the full assistant;
    write report.md, report.json and PNG plots with strict figures, per-case checks and the changes against the
    committed baseline and the previous run (held-out cases sealed). Runs on the real corpus only.

    \b
    Example:
      dualuse eval --gate"""
    from evals.command import evaluate, summary_line
    from evals.run import EvalError
    try:
        report, paths, problems = evaluate(_settings(), Path(out) if out else None,
                                           Path(baseline) if baseline else None,
                                           progress=lambda m: click.echo(m, err=True))
    except EvalError as e:
        raise Failure(str(e)) from None
    click.echo(summary_line(report))
    click.echo("wrote " + ", ".join(str(p) for p in paths))
    if gate and problems:
        raise Failure("eval gate: " + "; ".join(problems))


def _render_tool(r, lines: list[str]) -> str:
    if not r.ok:
        return f"{r.message}"
    out = [r.message, *lines, "", "Evidence:"]
    out += [f"  {e.locator} ({e.version}): “{e.quote}”" for e in r.evidence]
    return "\n".join(out)


@cli.group()
def records() -> None:
    """Feedback and helpdesk audit records: import the JSONL files of earlier versions, export, counts.

    The database is $DUALUSE_RECORDS_URL (sqlite:///path or postgresql://user:password@host:port/db), by default
    <data>/records.sqlite."""


def _records_store(url: str | None):
    from interfaces.records import RecordsStore, records_url
    return RecordsStore(url or records_url(_settings()))


@contextmanager
def _records_errors():
    from interfaces.records import RecordsError
    try:
        yield
    except RecordsError as e:
        raise Failure(str(e)) from None


_records_url = click.option("--url", help="Database URL (default: $DUALUSE_RECORDS_URL, else <data>/records.sqlite).")


@records.command("import")
@_records_url
@click.option("--feedback", "feedback_file", type=click.Path(dir_okay=False, exists=True), help="A JSONL file of feedback records (default: <data>/feedback/feedback.jsonl).")
@click.option("--audit", "audit_file", type=click.Path(dir_okay=False, exists=True), help="A JSONL file of audit records (default: <data>/audit/audit.jsonl).")
def records_import(url, feedback_file, audit_file) -> None:
    """Import JSONL records (the files of earlier versions, or an export). A record already in the database is
    skipped, so a re-run adds nothing twice; a broken line is reported and the other lines are kept.

    \b
    Example:
      dualuse records import
      dualuse records import --audit old/audit.jsonl --url postgresql://helpdesk@db.example/helpdesk"""
    from interfaces.records import legacy_files
    files = {kind: Path(f) for kind, f in (("feedback", feedback_file), ("audit", audit_file)) if f}
    if not files:
        files = {kind: path for kind, path in legacy_files(_settings()).items() if path.is_file()}
    if not files:
        raise Failure("no JSONL files to import: give --feedback FILE or --audit FILE")
    with _records_errors():
        store = _records_store(url)
        for kind, path in files.items():
            report = store.import_jsonl(kind, path)
            click.echo(f"{path}: {report.lines} lines, {report.imported} imported, {report.already} already there, "
                       f"{len(report.broken)} broken")
            for number, why in report.broken:
                click.echo(f"  line {number}: {why}")
    click.echo(f"into {store.where}")


@records.command("export")
@click.argument("kind", type=click.Choice(["feedback", "audit"]))
@_records_url
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file instead of standard output.")
@click.option("--answer-id", help="Only the records of this answer.")
@click.option("--since", help="Only records at or after this UTC time (ISO, e.g. 2026-01-31 or 2026-01-31T12:00).")
@click.option("--rating", type=click.Choice(["up", "down"]), help="Feedback only: this rating.")
@click.option("--event", type=click.Choice(["drafted", "downloaded"]), help="Audit only: this event.")
def records_export(kind, url, out, answer_id, since, rating, event) -> None:
    """Write feedback or audit records as JSON lines, oldest first. Each carries its key, so importing an export
    into the same database adds nothing, and into another one copies each record once.

    \b
    Example:
      dualuse records export audit --since 2026-01-01 --out audit-2026.jsonl"""
    if (rating and kind != "feedback") or (event and kind != "audit"):
        raise Failure("--rating applies to feedback, --event to audit")
    with _records_errors():
        rows = _records_store(url).records(kind, answer_id=answer_id, since=since, rating=rating, event=event,
                                           newest_first=False)
    lines = "".join(json.dumps({k: v for k, v in r.items() if k != "id"}, ensure_ascii=False) + "\n" for r in rows)
    if out:
        Path(out).write_text(lines, encoding="utf-8")
        click.echo(f"wrote {len(rows)} {kind} records to {out}", err=True)
    else:
        click.echo(lines, nl=False)


@records.command("stats")
@_records_url
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def records_stats(url, as_json) -> None:
    """Counts of feedback (by rating) and audit entries (by event), the newest of each, and the schema version.

    \b
    Example:
      dualuse records stats --json"""
    with _records_errors():
        stats = _records_store(url).stats()
    if as_json:
        click.echo(json.dumps(stats, indent=2))
        return
    click.echo(f"{stats['database']} (schema version {stats['schema_version']})")
    for kind, column in (("feedback", "rating"), ("audit", "event")):
        counts = ", ".join(f"{n} {name}" for name, n in sorted(stats[kind][f"by_{column}"].items()))
        click.echo(f"{kind}: {stats[kind]['total']} records" + (f" ({counts}), newest {stats[kind]['newest']}"
                                                                   if counts else ""))


def main() -> None:
    try:
        cli(standalone_mode=True)
    except SourceError as e:            # a manifest that cannot be read, outside any command's own handling
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted; the previous index keeps serving.", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
