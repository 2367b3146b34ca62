"""The determination record (interfaces/record.py): built from the answer dict alone, as JSON, Markdown and PDF. The
answers are the real assistant's on the fixture index; the classification part (checks with quotes, questions, ruled
out) is written here in the schema of docs/ARCHITECTURE.md, with quotes taken verbatim from the fixture's 2B001,
until the assistant fills it for described products."""
from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader

from assistant.answer import NOTICE
from interfaces.markdown import ZWSP
from interfaces.record import RecordError, record_data, record_json, record_markdown, record_pdf

TURNING = "We sell turning machines with three axes to Brazil"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
HOSTILE = "![x](http://127.0.0.1:9/pixel.png) <img src=x onerror=alert(1)> [click](javascript:alert(1)) www.evil.test"


def turning_determination(licensing: dict | None) -> dict:
    """A described turning machine: 2B001.a with one criterion met and one unknown, 2B001.b ruled out, two
    questions back; the licensing route as the assistant found it."""
    axes = "having two or more axes"
    repeatability = "with a positioning repeatability equal to or less than 0,9 μm"
    return {
        "status": "needs_facts", "item": {"description": "turning machines", "code": None}, "deciding": None,
        "entries": [
            {"locator": "Annex I 2B001.a", "met": None, "checks": [
                {"parameter": "axes", "required": "two or more axes", "given": "three axes", "result": True,
                 "locator": "Annex I 2B001.a", "quote": axes},
                {"parameter": "positioning repeatability", "required": "equal to or less than 0,9 μm", "given": None,
                 "result": None, "locator": "Annex I 2B001.a", "quote": repeatability}]},
            {"locator": "Annex I 2B001.b", "met": False, "checks": [
                {"parameter": "kind of machine", "required": "machine tools for milling", "given": "turning machines",
                 "result": False, "locator": "Annex I 2B001.b", "quote": "Machine tools for milling"}]}],
        "ruled_out": [{"locator": "Annex I 2B001.b", "why": "a turning machine is not a machine tool for milling"}],
        "questions": [
            {"parameter": "positioning repeatability", "unit": "μm", "threshold": "equal to or less than 0,9 μm",
             "locator": "Annex I 2B001.a", "quote": repeatability,
             "text": "What is the positioning repeatability (in μm)?"},
            {"parameter": "contact lenses", "unit": None, "threshold": None, "locator": "Annex I 2B001.a Note 1",
             "quote": "2B001.a. does not control turning machines for contact lenses",
             "text": "Is it a turning machine for contact lenses?"}],
        "licensing": licensing,
    }


def with_turning_determination(answer):
    """The assistant's answer to TURNING with the classification part above (its licensing route kept)."""
    answer.determination = turning_determination((answer.determination or {}).get("licensing"))
    return answer


@pytest.fixture(scope="module")
def assistant(fixture_index):
    from assistant.core import Assistant
    return Assistant(fixture_index)


@pytest.fixture(scope="module")
def turning(assistant) -> dict:
    a = with_turning_determination(assistant.answer(TURNING))
    return {"question": a.question, **a.to_dict()}


def quotes_of(answer: dict) -> list[str]:
    det = answer["determination"]
    return [c["quote"] for e in det["entries"] for c in e["checks"]]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_record_data_has_every_part(turning):
    data = record_data(turning, NOW)
    assert data["created"] == "2026-12-06T12:00:00+00:00" and data["question"] == TURNING
    assert data["product"]["description"] == "turning machines"
    described = data["product"]["facts"]["description"]               # the fact with where it came from
    assert described["turn"] == 1 and described["words"] in TURNING
    assert data["situation"]["destination"]["value"]["iso2"] == "BR" and data["situation"]["destination"]["turn"] == 1
    assert [c["quote"] for c in data["checks"]] == quotes_of(turning)
    assert {c["locator"] for c in data["checks"]} == {"Annex I 2B001.a", "Annex I 2B001.b"}
    assert data["outcome"] == {"status": "needs_facts", "deciding": None}
    assert data["ruled_out"] == [{"locator": "Annex I 2B001.b", "why": "a turning machine is not a machine tool for "
                                                                      "milling"}]
    assert data["licensing"]["destination"]["name"] == "Brazil" and data["licensing"]["outcome"]
    assert data["corpus_version"] == turning["corpus_version"] and data["disclaimer"] == NOTICE
    assert [s["quote"] for s in data["sources"]] == [c["quote"] for c in turning["citations"]]
    assert data["fingerprint"] == turning["fingerprint"] and len(data["fingerprint"]) == 16   # the answer's own
    assert record_data({**turning, "fingerprint": None}, NOW)["fingerprint"] is None      # none on it: none invented


def test_json_is_the_record_data(turning):
    assert json.loads(record_json(turning, NOW)) == json.loads(json.dumps(record_data(turning, NOW)))


def test_markdown_has_the_checks_quotes_and_outcome(turning):
    text = record_markdown(turning, NOW)
    shown = re.sub(r"\\(.)", r"\1", text).replace(ZWSP, "")             # as a Markdown reader shows it
    for quote in quotes_of(turning):
        assert f"“{quote}”" in shown
    assert "Annex I 2B001.b: a turning machine is not a machine tool for milling" in shown      # ruled out and why
    assert "Needs facts to decide" in shown and "Licensing route: Brazil, sale" in shown
    assert "What is the positioning repeatability (in μm)?" in shown                          # open questions
    assert "Destination:** Canada" not in shown and "**Destination:** Brazil (BR) (turn 1: “Brazil”)" in shown
    assert turning["corpus_version"] in shown and NOTICE in shown and "2026-12-06T12:00:00+00:00" in shown


def test_markdown_shows_hostile_text_as_text(turning):
    hostile = json.loads(json.dumps(turning))
    hostile["question"] = HOSTILE
    hostile["determination"]["item"]["description"] = HOSTILE
    text = record_markdown(hostile, NOW)
    assert not re.search(r"(?<!\\)(!\[|<img|\]\(|\[click)", text)          # no image, tag or link syntax left
    assert "http://127" not in text and "www.evil" not in text          # no bare address left for a linker
    assert r"!\[x\](http:" + ZWSP + "//127.0.0.1:9/pixel.png)" in text


def test_pdf_holds_the_checks_quotes_locators_and_outcome(turning):
    pdf = record_pdf(turning, NOW)
    assert pdf.startswith(b"%PDF")
    text = flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for quote in quotes_of(turning):
        assert f"“{quote}”" in text, quote                              # verbatim, μ and curly quotes kept
    for c in turning["citations"]:
        assert flat(c["quote"]) in text, c["locator"]
    assert "Annex I 2B001.a: unknown" in text and "Annex I 2B001.b: not met" in text
    assert "Classification: Needs facts to decide" in text and "Destination: Brazil (BR)" in text
    assert "Annex I 2B001.b: a turning machine is not a machine tool for milling" in text
    assert turning["corpus_version"] in text and flat(NOTICE) in text and "2026-12-06T12:00:00+00:00" in text


def test_a_user_given_code_is_recorded_without_checks(assistant):
    a = assistant.answer("Can I export 2B001 to Canada?")
    text = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(record_pdf(a.to_dict(), NOW))).pages))
    assert "Annex I code given: 2B001 (turn 1: “2B001”)" in text
    assert "No criterion was checked against stated figures: the code was given by the user." in text
    assert "EU001: can be used" in text


def test_no_determination_no_record(assistant):
    a = assistant.answer("How long must records of exports be kept?")
    assert a.determination is None
    with pytest.raises(RecordError, match="no determination"):
        record_data(a.to_dict())
