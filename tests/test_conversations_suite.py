"""The conversation suite (evals/conversations): schema, split and coverage of the data; codes and locators checked
against the real corpus and the allowed GEAs against an independent reading of Annex II; and the harness
(evals/conversations.py) on hand-made answer dicts. Rules: evals/conversations/README.md."""
from __future__ import annotations

import json
import re
from collections import Counter

import pycountry
import pytest

from evals import conversations as harness
from ingest.model import is_within

SPLITS = {name: harness.load(name) for name in harness.SPLITS}
ALL = SPLITS["dev"] + SPLITS["heldout"]
TURNS = [(c, turn) for c in ALL for turn in c["turns"]]
EXPECTS = [(c, turn["expect"]) for c, turn in TURNS if "expect" in turn]

EXPECT_KEYS = {"item", "must_not_mention", "activity", "purpose", "destination", "origin", "outcome", "allowed_geas",
               "deciding", "must_ask", "release", "end_use"}
ACTIVITIES = {"export", "brokering", "transit", "technical_assistance", "transfer"}
PURPOSES = {"sale", "repair", "exhibition", "intra_group"}
END_USES = {"military", "wmd", "internal_repression", "cyber_surveillance", "civil"}
OUTCOMES = {"gea_available", "individual_licence_required", "sanctions_review_required", "not_an_export", "needs_facts"}
GEAS = {f"EU00{n}" for n in range(1, 9)}
CODE = re.compile(r"[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*")
LOCATOR = re.compile(
    r"Art\. \d+(\(\d+\))?(\([a-z]\))?(\([ivx]+\))?"
    r"|Annex I( [0-9][A-E][0-9]{3}(\.[a-z0-9]+)*( (Note|Notes|Technical Note|Technical Notes|N\.B\.)( \d+)?)?"
    r"| Category \d.*)?"
    r"|Annex II( EU00[1-8]( Part [123])?| Section I)?"
    r"|Annex IV( Part (I|II)( .+)?)?")
# Destinations under comprehensive EU restrictive measures on dual-use items (the measures are outside the corpus;
# all five are excluded from EU008 by name, Annex II EU008 Part 2(b)).
SANCTIONED = {"RU", "BY", "IR", "KP", "SY"}
EU = set("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
REQUIRED_TAGS = {"product_switch", "followup", "pronoun", "question_back", "origin_first", "alias", "capitals", "typo",
                 "release_note", "sanctioned", "partial_gea", "section_i", "annex_iv", "end_use", "gea_condition",
                 "eu002", "eu005", "eu006", "eu007", "eu008", "eu003_excluded", "eu004_excluded", "eu007_excluded"}
# Turns that ask whether or how something may leave: they must say which GEAs an answer may present.
ASKS_ABOUT_EXPORT = {"destination", "activity", "purpose", "outcome"}


def codes(value) -> list[str]:
    return [v for v in (value if isinstance(value, list) else [value]) if v]


# ---------------------------------------------------------------------------------------------------- schema

@pytest.mark.parametrize("case", ALL, ids=[c["id"] for c in ALL])
def test_conversation_schema(case):
    assert set(case) - {"batch"} == {"id", "tags", "turns", "note", "split"}
    assert case.get("batch", "dev-typos-20261207") in harness.BATCHES     # a later batch's split is recorded
    assert re.fullmatch(r"conv-\d{3}", case["id"])
    assert case["tags"] and all(isinstance(t, str) and t for t in case["tags"])
    assert isinstance(case["note"], str) and len(case["note"]) > 30, "the note says why the expected values are right"
    assert 1 <= len(case["turns"]) <= 5
    assert any("expect" in t for t in case["turns"])
    for turn in case["turns"]:
        assert set(turn) <= {"user", "expect"} and isinstance(turn["user"], str) and turn["user"].strip()


@pytest.mark.parametrize("case,expect", EXPECTS, ids=[c["id"] for c, _ in EXPECTS])
def test_expectation_schema(case, expect):
    assert expect and set(expect) <= EXPECT_KEYS, set(expect) - EXPECT_KEYS
    if expect.get("item") is not None:
        assert all(CODE.fullmatch(c) for c in codes(expect["item"])), expect["item"]
    for c in expect.get("must_not_mention", []):
        assert CODE.fullmatch(c)
        for item in codes(expect.get("item")):
            assert not (is_within(f"Annex I {item}", f"Annex I {c}") or is_within(f"Annex I {c}", f"Annex I {item}")), \
                f"{c} overlaps the expected item {item}"
    for key, values in (("activity", ACTIVITIES), ("purpose", PURPOSES), ("end_use", END_USES), ("outcome", OUTCOMES)):
        if key in expect:
            assert set(codes(expect[key])) <= values, expect[key]
    if ASKS_ABOUT_EXPORT & set(expect):
        assert "allowed_geas" in expect, "a turn about sending something out says which GEAs may be presented"
    if "allowed_geas" in expect:
        geas = expect["allowed_geas"]
        assert set(geas) <= GEAS and len(set(geas)) == len(geas)
    for key in ("deciding", "release"):
        for loc in codes(expect.get(key)):
            assert LOCATOR.fullmatch(loc), f"non-canonical locator {loc!r}"
    for key in ("destination", "origin"):
        for iso in codes(expect.get(key)):
            assert pycountry.countries.get(alpha_2=iso) is not None, iso
    if "must_ask" in expect:
        assert all(isinstance(w, str) and w.strip() for w in codes(expect["must_ask"]))


def test_ids_unique_and_turns_not_repeated():
    ids = [c["id"] for c in ALL]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    firsts = [c["turns"][0]["user"].casefold() for c in ALL]
    assert len(firsts) == len(set(firsts)), "two conversations open with the same words"


# ---------------------------------------------------------------------------------------------------- what the law lets a GEA do

@pytest.mark.parametrize("case,expect", [(c, e) for c, e in EXPECTS if "allowed_geas" in e],
                         ids=[c["id"] for c, e in EXPECTS if "allowed_geas" in e])
def test_allowed_geas_follow_the_rules_of_annex_ii(case, expect):
    """Purpose-bound GEAs only for their purpose; none for sanctioned destinations, Member States, brokering, transit
    or technical assistance; none when the expected answer is not 'gea_available'."""
    geas = set(expect["allowed_geas"])
    purpose = expect.get("purpose", "sale")
    assert "EU003" not in geas or purpose == "repair", "EU003 is for exports after repair or replacement"
    assert "EU004" not in geas or purpose == "exhibition", "EU004 is for temporary exports to a fair"
    assert "EU007" not in geas or purpose == "intra_group", "EU007 is for intra-group software and technology"
    dest = set(codes(expect.get("destination")))
    if dest & (SANCTIONED | EU) or expect.get("activity", "export") != "export" or expect.get("release"):
        assert not geas
    outcome = set(codes(expect.get("outcome")))
    if outcome:
        assert bool(geas) == ("gea_available" in outcome), "GEAs allowed exactly when the outcome may be gea_available"
    if dest & SANCTIONED and outcome:
        assert "sanctions_review_required" in outcome


# ---------------------------------------------------------------------------------------------------- split and coverage

def test_size_and_heldout_share():
    assert len(ALL) >= 120
    held = len(SPLITS["heldout"])
    assert held >= 40 and held * 3 >= len(ALL)


def test_split_follows_the_written_rule():
    """README 'Split': stratified by first tag, seeded shuffle, ceil(35 %) held out; made before any tuning."""
    rule = harness.assign_split(ALL)
    assert {c["id"]: c["split"] for c in ALL} == rule
    for group in {c["tags"][0] for c in ALL}:
        assert {c["split"] for c in ALL if c["tags"][0] == group} == {"dev", "heldout"}, group


def test_mostly_multi_turn():
    multi = [c for c in ALL if 2 <= len(c["turns"]) <= 5]
    assert len(multi) >= 0.6 * len(ALL)


def test_every_activity_purpose_and_required_tag():
    tags = Counter(t for c in ALL for t in c["tags"])
    assert all(tags[f"activity:{a}"] >= 3 for a in ACTIVITIES), tags
    assert all(tags[f"purpose:{p}"] >= 3 for p in PURPOSES), tags
    missing = REQUIRED_TAGS - set(tags)
    assert not missing, missing
    assert {"end_use:wmd", "end_use:military", "end_use:cyber_surveillance"} <= set(tags)


@pytest.mark.parametrize("case", ALL, ids=[c["id"] for c in ALL])
def test_tags_agree_with_the_turns(case):
    expects = [t["expect"] for t in case["turns"] if "expect" in t]
    for e in expects:
        for key in ("activity", "purpose"):
            if key in e:
                assert f"{key}:{e[key]}" in case["tags"]
    if any(codes(e.get("outcome")) == ["sanctions_review_required"] for e in expects):
        assert "sanctioned" in case["tags"]
    if "product_switch" in case["tags"]:
        assert any("must_not_mention" in e for e in expects), "a product switch names the earlier item to avoid"
    if "question_back" in case["tags"]:
        assert "must_ask" in expects[0] or "must_ask" in (expects[1:2] or [{}])[0]


def test_sanctioned_destinations_and_occupied_regions():
    dests = {iso for _, e in EXPECTS for iso in codes(e.get("destination"))
             if "sanctions_review_required" in codes(e.get("outcome"))}
    assert SANCTIONED <= dests
    occupied = [t["user"] for c, t in TURNS if re.search(r"Crimea|Sevastopol|Donetsk|Luhansk", t["user"])]
    assert len(occupied) >= 3


def test_issue_examples_are_covered():
    """The situations issue 9 names, in the suite's own words."""
    text = " ".join(t["user"] for _, t in TURNS)
    for words in ("Rotterdam", "Dubai", "Iran", "CW", "HELP US", "Brasil", "Deutschland", "the States", "Holland",
                  "Hamburg", "Shanghai", "journalist", "laptop", "2 MNs", "uranium", "virus", "10 Gbit/s"):
        assert words in text, words


def test_readme_counts_match_the_data():
    """The README's table of groups per split is the data's."""
    readme = (harness.SUITE / "README.md").read_text(encoding="utf-8")
    rows = dict((g, (int(d), int(h))) for g, d, h in re.findall(r"^\| `(\w+)` \| (\d+) \| (\d+) \| \d+ \|$", readme, re.M)
                if g in {c["tags"][0] for c in ALL})
    groups = {c["tags"][0] for c in ALL}
    assert rows == {g: (sum(c["tags"][0] == g for c in SPLITS["dev"]), sum(c["tags"][0] == g for c in SPLITS["heldout"]))
                    for g in groups}
    assert f"| **all** | **{len(SPLITS['dev'])}** | **{len(SPLITS['heldout'])}** | **{len(ALL)}** |" in readme


# ---------------------------------------------------------------------------------------------------- against the real corpus

@pytest.fixture(scope="module")
def store(real_index):
    from ingest.index import serving_build
    from ingest.store import Store
    return Store(serving_build(real_index) / "store.sqlite")


@pytest.mark.real
def test_codes_exist_in_the_2025_annex_i(store):
    missing = [(c["id"], code) for c, e in EXPECTS
               for code in codes(e.get("item")) + e.get("must_not_mention", [])
               if store.get(f"Annex I {code}", "annex-i-2025") is None]
    assert not missing, missing


@pytest.mark.real
def test_locators_exist_in_the_store(store):
    missing = [(c["id"], loc) for c, e in EXPECTS for key in ("deciding", "release") for loc in codes(e.get(key))
               if store.get(loc) is None]
    assert not missing, missing


# Annex II names of the ISO codes the suite uses as export destinations.
ANNEX_II_NAME = {"AU": "Australia", "CA": "Canada", "IS": "Iceland", "JP": "Japan", "NZ": "New Zealand",
                 "NO": "Norway", "CH": "Switzerland", "LI": "Liechtenstein", "GB": "United Kingdom",
                 "US": "United States", "AR": "Argentina", "ZA": "South Africa", "KR": "South Korea", "TR": "Turkey",
                 "BR": "Brazil", "CL": "Chile", "CN": "China", "HK": "Hong Kong", "IN": "India", "KZ": "Kazakhstan",
                 "MX": "Mexico", "MA": "Morocco", "SG": "Singapore", "UA": "Ukraine", "AE": "United Arab Emirates",
                 "IL": "Israel", "ID": "Indonesia", "MY": "Malaysia", "TH": "Thailand", "VN": "Vietnam",
                 "PK": "Pakistan", "EG": "Egypt", "JO": "Jordan", "KE": "Kenya", "TW": "Taiwan", "VE": "Venezuela",
                 "MM": "Myanmar", "RU": "Russia", "BY": "Belarus", "IR": "Iran", "KP": "North Korea", "SY": "Syria"}
# GEAs whose Part 1 lists are read exactly by the reader below (EU005's 5B001/5D001/5E001.a, EU007 and EU008
# carry conditions on the item that the reader does not see, so only the permissive direction is checked for them).
EXACT = ("EU001", "EU002", "EU006")
# Turns whose item code is only partly in Annex IV, where the turn's facts place the item outside the Annex IV part
# (the reader sees the code, not the facts): (case id, code) -> why.
OUTSIDE_ANNEX_IV = {
    ("conv-039", "5E002.a"): "Annex IV Part I lists 5E002.a as 'Only technology for ... 5A004.a, 5D002.a.3. or "
                             "5D002.c.3.' (cryptanalysis); the turn's facts rule cryptanalysis out",
}


@pytest.fixture(scope="module")
def annex_ii(store):
    from tests.test_gold import AnnexII
    return AnnexII(store)


def _export_turns():
    """Export turns with an item and one destination outside the Union: (case, expect, item codes)."""
    for c, e in EXPECTS:
        if "allowed_geas" in e and e.get("activity") == "export" and codes(e.get("item")) \
                and isinstance(e.get("destination"), str) and e["destination"] not in EU:
            yield c, e, codes(e["item"])


@pytest.mark.real
def test_every_allowed_gea_covers_the_item_and_lists_the_destination(annex_ii):
    """The permissive direction: an allowed GEA covers the whole expected item (a GEA covering only some sub-items is
    'ambiguous' and fails) and lists the destination, read from Annex II Parts 1 and 2 and Section I."""
    from tests.test_gold import Ambiguous
    for c, e, items in _export_turns():
        for gea, item in ((g, i) for g in e["allowed_geas"] for i in items):     # every acceptable reading
            if (c["id"], item) in OUTSIDE_ANNEX_IV:
                continue
            try:
                covers = annex_ii.covers(gea, item)
            except Ambiguous as why:
                pytest.fail(f"{c['id']}: {gea} allowed although {why}")
            assert covers, f"{c['id']}: {gea} does not cover {item}"
            assert annex_ii.destination(gea, ANNEX_II_NAME[e["destination"]]), \
                f"{c['id']}: {gea} does not list {e['destination']}"


@pytest.mark.real
def test_no_usable_gea_is_withheld_on_a_plain_sale(annex_ii):
    """The restrictive direction, on plain sales (no end-use, no condition of Part 3 at stake): a GEA with an exact
    item list that covers the item and lists the destination is in allowed_geas."""
    from tests.test_gold import Ambiguous
    for c, e, items in _export_turns():
        if e.get("purpose", "sale") != "sale" or "end_use" in e or e["destination"] in SANCTIONED \
                or any(loc.endswith("Part 3") for loc in e.get("deciding", [])) or len(items) > 1:
            continue
        for gea in EXACT:
            try:
                usable = annex_ii.covers(gea, items[0]) and annex_ii.destination(gea, ANNEX_II_NAME[e["destination"]])
            except Ambiguous:
                continue
            assert not usable or gea in e["allowed_geas"], f"{c['id']}: {gea} covers {items[0]} for {e['destination']}"


# ---------------------------------------------------------------------------------------------------- the harness

def answer(text="**An individual authorisation is needed.**", *, gea=(), outcome="individual_licence_required",
           code="2B001", citations=("Art. 3(1)",), **case_facts) -> dict:
    """A hand-made answer dict in the shape of docs/ARCHITECTURE.md."""
    case = {"items": [{"id": "i1", "code": code}], "current_item": "i1", "purpose": None}
    case.update({k: {"value": v, "words": "", "turn": 1} for k, v in case_facts.items()})
    return {"text": text, "citations": [{"n": n, "locator": loc} for n, loc in enumerate(citations, 1)],
            "case": case,
            "determination": {"item": {"code": code}, "questions": [],
                              "licensing": {"gea": list(gea), "outcome": outcome, "questions": []}}}


CASES = [  # (answer, expect, check, passes, one-line reason)
    (answer(gea=["EU001"], outcome="gea_available"), {"allowed_geas": []}, "no_overgrant", False,
     "a GEA in licensing.gea that is not allowed"),
    (answer(outcome="gea_available"), {"allowed_geas": []}, "no_overgrant", False,
     "gea_available although no GEA may be granted"),
    (answer("**Likely yes, under Union general export authorisation EU008, if you meet its conditions.**"),
     {"allowed_geas": []}, "no_overgrant", False, "the lead grants EU008"),
    (answer("**An individual authorisation is needed.** EU003 would apply only to a repair return."),
     {"allowed_geas": []}, "no_overgrant", True, "a conditional mention is not a grant"),
    (answer(gea=["EU001"], outcome="gea_available"), {"allowed_geas": ["EU001"]}, "no_overgrant", True,
     "the allowed GEA"),
    ({"text": "**An individual authorisation is needed.**", "citations": []}, {"allowed_geas": []}, "no_overgrant",
     False, "no determination: cannot be checked, so it fails"),
    (answer(code="1C351.a.25"), {"item": "1C351"}, "right_item", True, "a sub-item of the expected entry"),
    (answer(code="5A002"), {"item": "5A002.a.1"}, "right_item", False, "the entry when the sub-item decides"),
    (answer(code="2B001"), {"item": "1C351", "must_not_mention": ["2B001"]}, "right_item", False,
     "the previous turn's item"),
    (answer("**No: 1C351 is in Annex II Section I.** EU001 covers 2B001, not pathogens.", code="1C351"),
     {"item": "1C351", "must_not_mention": ["2B001"]}, "right_item", False, "the lead names the previous item"),
    (answer("**It depends on the sub-item: EU008 covers 5A002.a.2 and 5A002.a.3 only.**", code="5A002"),
     {"must_not_mention": ["5A002.a.2"]}, "right_item", True, "the lead lists sub-items of its own entry"),
    ({"text": "**Yes.**", "citations": []}, {"item": "2B001"}, "right_item", False, "no case: fails"),
    (answer(code=None), {"item": None}, "right_item", True, "no Annex I item, as expected"),
    (answer(citations=("Annex II EU001 Part 2", "Art. 3(1)")), {"deciding": ["Annex II EU001 Part 2"]},
     "deciding_first", True, "the deciding provision first"),
    (answer(citations=("Art. 3(1)", "Annex II EU001 Part 2")), {"deciding": ["Annex II EU001 Part 2"]},
     "deciding_first", False, "cited, but not first"),
    (answer(citations=("Annex II Section I",)), {"deciding": ["Annex II"]}, "deciding_first", True,
     "within a broader locator"),
    (answer(citations=()), {"deciding": ["Art. 3(1)"]}, "deciding_first", False, "no citation"),
    (answer(), {"purpose": "sale"}, "purpose", True, "purpose null in a case = ordinary sale"),
    (answer(purpose="repair"), {"purpose": "exhibition"}, "purpose", False, "another purpose"),
    ({"text": ""}, {"purpose": "sale"}, "purpose", False, "no case: fails"),
    (answer(destination={"name": "United Arab Emirates", "iso2": "AE"}), {"destination": "AE"}, "destination", True,
     "Dubai read as the UAE"),
    (answer(destination={"name": "Curaçao", "iso2": "CW"}), {"destination": "MX"}, "destination", False,
     "'CW' read as Curaçao"),
    (answer(activity="brokering"), {"activity": "brokering"}, "activity", True, "the activity"),
    (answer(), {"activity": "transit"}, "activity", False, "no activity in the case"),
    (answer(origin={"name": "Netherlands", "iso2": "NL"}), {"origin": "NL"}, "origin", True, "origin named first"),
    (answer(end_use="wmd"), {"end_use": "wmd"}, "end_use", True, "the end use"),
    (answer(outcome="needs_facts"), {"outcome": ["needs_facts", "individual_licence_required"]}, "outcome", True,
     "one of the acceptable outcomes"),
    (answer(outcome="gea_available"), {"outcome": "individual_licence_required"}, "outcome", False, "wrong outcome"),
    (answer("**Which sub-item is it?** Is information security its primary function?"),
     {"must_ask": ["primary function"]}, "asks", True, "a question in the text"),
    (answer("**An individual authorisation is needed.** The sub-item decides."), {"must_ask": ["sub-item"]}, "asks",
     False, "names the fact but does not ask"),
    (answer(citations=("Annex I 1A005 Note 1",)), {"release": "Annex I 1A005 Note 1"}, "release", True,
     "the release Note is cited"),
    (answer(citations=("Annex I 1A005",)), {"release": "Annex I 1A005 Note 1"}, "release", False,
     "the entry without its Note"),
]


@pytest.mark.parametrize("ans,expect,check,passes,why", CASES, ids=[c[4] for c in CASES])
def test_checks(ans, expect, check, passes, why):
    result = harness.score(expect, ans)
    assert result["checks"][check] is passes, (why, result["why"])


def test_questions_in_the_determination_count():
    ans = answer()
    ans["determination"]["questions"] = [{"parameter": "total impulse", "text": "What is the total impulse?"}]
    assert harness.score({"must_ask": ["total impulse"]}, ans)["checks"]["asks"]


def test_overgrant_and_previous_item_flags():
    flags = harness.score({"allowed_geas": [], "item": "1C351", "must_not_mention": ["2B001"]},
                          answer("**Likely yes, under EU001.**", code="2B001"))
    assert flags["overgrant"] and flags["previous_item"] and not flags["unstructured"]
    flags = harness.score({"allowed_geas": []}, {"text": "**No general authorisation applies.**"})
    assert not flags["overgrant"] and flags["unstructured"] and not flags["checks"]["no_overgrant"]


class Scripted:
    """A stand-in assistant: replies from a script and records what it was sent."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.calls = []

    def answer(self, text, history):
        self.calls.append((text, history))
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def conversation(id_, split, *users, expect=None):
    turns = [{"user": u} for u in users]
    turns[-1]["expect"] = expect or {"allowed_geas": []}
    return {"id": id_, "split": split, "tags": ["product_switch"], "turns": turns, "note": "hand-made"}


def test_run_feeds_the_history_turn_by_turn():
    bot = Scripted([answer("**Reply one.**"), answer("**Reply two.**")])
    harness.run(bot, [conversation("c-1", "dev", "first question", "second question")])
    assert bot.calls[0] == ("first question", [])
    assert bot.calls[1] == ("second question", [{"role": "user", "content": "first question"},
                                                {"role": "assistant", "content": "**Reply one.**"}])


def test_an_exception_fails_the_turn_and_the_conversation_goes_on():
    bot = Scripted([RuntimeError("boom"), answer()])
    report = harness.run(bot, [conversation("c-1", "dev", "q1", expect={"allowed_geas": []}),
                               conversation("c-2", "dev", "q2")])
    first, second = report["rows"]
    assert first["turns"][0]["error"] and first["turns"][0]["checks"] == {"no_overgrant": False}
    assert second["turns"][0]["checks"] == {"no_overgrant": True}
    assert report["summary"]["all"]["errors"] == 1


def test_figures():
    bot = Scripted([answer("**Likely yes, under EU001.**", citations=("Annex II Section I",)),
                    answer(citations=("Art. 3(1)",)), answer(citations=("Art. 3(1)",))])
    expect = {"allowed_geas": [], "deciding": ["Annex II Section I"]}
    cases = [conversation("c-1", "dev", "q1", expect=expect), conversation("c-2", "heldout", "q2", expect=expect),
             conversation("c-3", "heldout", "q3", expect={"allowed_geas": []})]
    s = harness.run(bot, cases)["summary"]
    assert s["all"]["overgrants"] == 1 and s["all"]["deciding_first"] == {"conversations": 2, "passed": 1, "share": 0.5}
    assert s["dev"]["checks"]["no_overgrant"] == {"n": 1, "passed": 0, "rate": 0.0}
    assert s["heldout"]["conversations_all_passed"] == 1 and s["heldout"]["conversations"] == 2
    assert s["all"]["tags"]["product_switch"]["conversations"] == 3


def test_heldout_text_never_reaches_the_written_report(tmp_path):
    secret_q, secret_a = "Zanzibar quokka question 7f3a", "Zanzibar quokka answer 9c1e"
    bot = Scripted([answer("**Dev reply.**"), answer(f"**{secret_a}**", gea=["EU001"], outcome="gea_available")])
    report = harness.run(bot, [conversation("c-1", "dev", "dev question"),
                               conversation("c-2", "heldout", secret_q)])
    paths = harness.write(report, tmp_path)
    written = "".join(p.read_text() for p in paths)
    assert "Zanzibar" not in written and "quokka" not in written
    assert "dev question" in written and "c-2" in written           # dev failures show text; held-out, ids
    assert json.loads(paths[0].read_text())["summary"]["heldout"]["overgrants"] == 1


def test_split_rule_is_stratified_and_deterministic():
    cases = [{"id": f"x-{n:03d}", "tags": ["a" if n % 2 else "b"]} for n in range(20)]
    first, second = harness.assign_split(cases), harness.assign_split(list(reversed(cases)))
    assert first == second
    for group in "ab":
        held = [i for i, s in first.items() if s == "heldout" and cases[int(i[2:])]["tags"][0] == group]
        assert len(held) == 4                                        # ceil(0.35 * 10)


def test_load_names_the_bad_line(tmp_path):
    (tmp_path / "dev.jsonl").write_text('{"id": "c-1", "tags": ["x"], "turns": []}\n{broken\n')
    with pytest.raises(ValueError, match=r"dev\.jsonl:2"):
        harness.load("dev", tmp_path)
    with pytest.raises(ValueError, match="unknown split"):
        harness.load("test", tmp_path)
