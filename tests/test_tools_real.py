"""The deterministic tools on the real corpus (../shared/sources; skipped when absent). Expected values are read from
the consolidated texts: Annex I of 15.11.2025, Articles and Annexes II-IV of 26.05.2023."""
import statistics
import time

import pytest

from assistant.library import Library
from assistant.quotes import is_verbatim
from assistant.tools import Toolbox

from tests.test_tools import sound  # the same evidence check on the real texts

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def tools(real_index):
    return Toolbox(Library(real_index))



def entry_codes(tools):
    rows = tools.store.db.execute("SELECT locator FROM provisions WHERE source = 'annex-i-2025' AND kind = 'entry' "
                                  "ORDER BY ord")
    return [r[0].removeprefix("Annex I ") for r in rows]


# --- lookup_entry ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, locator, text", [
    ("5A002.a.1", "Annex I 5A002.a.1", 'Items having "information security" as a primary function;'),
    ("5a002a1", "Annex I 5A002.a.1", 'Items having "information security" as a primary function;'),
    ("1C351.d.4", "Annex I 1C351.d.4", "Ricin;"),
    ("7A117", "Annex I 7A117", '"Guidance sets", usable in "missiles" capable of achieving system accuracy of 3,33 % or '
                               "less of the range (e.g., a 'CEP' of 10 km or less at a range of 300 km)."),
])
def test_lookup_exact_text(tools, code, locator, text):
    r = sound(tools, tools.lookup_entry(code))
    assert r.ok and (r.locator, r.text, r.version) == (locator, text, "02021R0821-20251115")


def test_lookup_5a002(tools):
    r = sound(tools, tools.lookup_entry("5A002"))
    assert [i["locator"] for i in r.items][:4] == ["Annex I 5A002.a", "Annex I 5A002.a.1", "Annex I 5A002.a.2",
                                                   "Annex I 5A002.a.3"]
    # the Cryptography Note of Category 5 Part 2 names 5A002
    assert [c["locator"] for c in r.category_notes] == ["Annex I Category 5 Part 2 Note 3"]
    assert r.see_also[:3] == ["7A005", "7D005", "7E001"]
    assert "Information security" in [t["term"] for t in r.terms]
    definitions = tools.store.get("Annex I Definitions")
    assert all(is_verbatim(definitions, t["definition"]) for t in r.terms if t["locator"] == "Annex I Definitions")
    assert (r.annex_iv["status"], r.section_i["status"]) == ("no", "no")


@pytest.mark.parametrize("code, iv, sec", [
    ("1C351", "partly", "yes"),        # Section I names 1C351; Annex IV Part II lists 1C351.d.4 and .d.5
    ("1C450", "no", "partly"),         # Section I names 1C450.a.1 and 1C450.a.2 only
    ("7A117", "yes", "yes"),           # Annex IV Part I, hence Section I ("all items specified in Annex IV")
    ("0A001", "yes", "yes"),           # all of Category 0 is in Annex IV Part II
    ("0C001", "no", "yes"),            # except 0C001; Section I names it
])
def test_lookup_annex_iv_and_section_i(tools, code, iv, sec):
    r = sound(tools, tools.lookup_entry(code))
    assert (r.annex_iv["status"], r.section_i["status"]) == (iv, sec)
    assert r.section_i["excluded_from"] == ["EU001", "EU003", "EU004", "EU007"]


def test_lookup_superseded_version(tools):
    # 5A002.b got sub-items in the 2025 list; the 2023 list has none
    assert tools.lookup_entry("5A002.b.1").ok
    r = tools.lookup_entry("5A002.b.1", source="annex-i-2023")
    assert not r.ok and r.nearest == ["5A002.b"]
    r = sound(tools, tools.lookup_entry("5A002", source="annex-i-2023"))
    assert r.ok and r.version == "02021R0821-20230526" and "superseded" in r.message
    assert [w["flag"] for w in r.warnings] == ["superseded"]


def test_lookup_every_entry(tools):
    for code in entry_codes(tools):
        r = sound(tools, tools.lookup_entry(code))
        assert r.ok and r.locator == f"Annex I {code}"


def test_lookup_latency(tools):
    codes = entry_codes(tools)
    assert len(codes) == 384
    for code in codes:                         # warm
        tools.lookup_entry(code)
    times = []
    for code in codes:
        start = time.perf_counter()
        tools.lookup_entry(code)
        times.append(time.perf_counter() - start)
    times.sort()
    p50, p95 = statistics.median(times), times[int(0.95 * len(times)) - 1]
    print(f"lookup_entry over {len(codes)} entries: p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms")
    assert p95 <= 0.010


# --- check_destination -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, country, outcome, available", [
    ("2B001", "Canada", "gea_available", ["EU001"]),                          # an EU001 destination
    ("2B001", "United States", "gea_available", ["EU001"]),                   # another one
    ("1C351", "Canada", "individual_licence_required", []),                   # Section I keeps EU001 out
    ("5A002", "Brazil", "needs_facts", []),              # EU008 covers only a.2, a.3 and b: the sub-item decides
    ("5A002.a.1", "Brazil", "individual_licence_required", []),   # a dedicated network encryptor: EU008 leaves a.1 out
    ("5A002.a.2", "Brazil", "gea_available", ["EU008"]),  # a sub-item EU008 lists
    ("1C350", "Turkey", "needs_facts", []),              # EU006 lists only some of the 1C350 chemicals
    ("1C350.1", "Turkey", "gea_available", ["EU006"]),    # one it lists; EU003/EU004 exclude 1C350 anyway
    ("5A001.c", "India", "gea_available", ["EU005"]),     # EU005 lists 5A001.c (telecoms); EU003/EU004 serve other purposes
    ("5D002", "India", "needs_facts", []),               # EU008 lists some 5D002 software; EU007 is intra-group only
    ("5A002", "Russia", "sanctions_review_required", []),                     # arms embargo, dual-use restrictions
    ("5A001.c", "Russia", "sanctions_review_required", []),                   # deleted from EU003-EU005 in 2022
    ("5A002", "Iraq", "sanctions_review_required", []),                       # partial sanctions: still a review
    ("5A002", "Ukraine", "needs_facts", []),             # no sanctions flag; EU008 covers only some sub-items
    ("5A002.a.2", "China", "individual_licence_required", []),   # EU008 excludes China by name; EU003/EU004 need a purpose
    ("1A005", "Germany", "not_an_export", []),                                # intra-EU transfer
])
def test_check_destination(tools, code, country, outcome, available):
    r = sound(tools, tools.check_destination(code, country))
    assert r.ok and (r.outcome, r.available) == (outcome, available)
    assert outcome == "not_an_export" or r.evidence[0].locator == "Art. 3(1)"


def test_canada_eu001_evidence(tools):
    r = tools.check_destination("2B001", "Canada")
    cited = {e.locator: e for e in r.evidence}
    assert "Canada" in cited["Annex II EU001 Part 2"].quote
    assert "except those listed in Section I" in cited["Annex II EU001 Part 1"].quote
    claims = [e.claim for e in r.evidence if e.locator == "Annex II EU001 Part 3"]
    assert claims == ["The exporter must declare the use of EU001 in the customs declaration",
                      "The exporter must notify the competent authority of the first use of EU001"]


def test_russia_never_eligible(tools):
    for code in ("2B001", "5A001.c", "5A002", "1C350"):
        r = tools.check_destination(code, "Russia")
        geas = {g["gea"]: g for g in r.geas}
        assert r.outcome == "sanctions_review_required" and not r.available
        assert not any(geas[g]["destination"] for g in ("EU003", "EU004", "EU005"))
        assert "sanctions review" in r.message


def test_brazil_5a002_partial(tools):
    geas = {g["gea"]: g for g in tools.check_destination("5A002", "Brazil").geas}
    assert (geas["EU008"]["items"], geas["EU008"]["covered_items"]) == ("partial", ["5A002.a.2", "5A002.a.3", "5A002.b"])
    for gea in ("EU003", "EU004"):
        assert geas[gea]["items"] == "partial"
        assert geas[gea]["excluded_items"] == ["5A002.c", "5A002.d", "5A002.e"]
        assert geas[gea]["covered_items"] == ["5A002.a", "5A002.b"]
    assert geas["EU001"]["available"] is False and geas["EU007"]["items"] == "none"


@pytest.mark.parametrize("code, country, purpose, outcome, available, opened", [
    # an ordinary sale to Brazil: EU003 and EU004 list Brazil but serve other purposes, which the result names
    ("2B001", "Brazil", "sale", "individual_licence_required", [], [("repair", "EU003"), ("exhibition", "EU004")]),
    ("2B001", "Brazil", "repair", "gea_available", ["EU003"], [("exhibition", "EU004")]),
    ("2B001", "Brazil", "exhibition", "gea_available", ["EU004"], [("repair", "EU003")]),
    ("2B001", "India", "intra_group", "individual_licence_required", [], [("repair", "EU003"), ("exhibition", "EU004")]),
    # intra-group source code to India: EU007 (software and technology only); EU008 lists 5D002.c.1 only as
    # "'Software' having the characteristics of ... equipment specified in 5A002.a.": that narrowing decides
    ("5D002.c.1", "India", "intra_group", "gea_available", ["EU007"], []),
    ("5D002.c.1", "India", "sale", "needs_facts", [], [("intra_group", "EU007")]),
    # a repair return authorised more than 5 years ago: EU003 covers re-exports within 5 years only
    # a repair return of a Section I item: EU003 excludes Section I
    ("1C351", "India", "repair", "individual_licence_required", [], []),
    # an exhibition of an item EU004 excludes by name (6A001): no GEA; a repair return is not offered either, because
    # 6A001.a.1.b is in Annex IV and so in Section I, which EU003 excludes: the sub-item would decide
    ("6A001.a.1", "India", "exhibition", "individual_licence_required", [], []),
    # EU001 serves every purpose
    ("2B001", "Japan", "exhibition", "gea_available", ["EU001"], []),
])
def test_check_destination_purpose(tools, code, country, purpose, outcome, available, opened):
    r = sound(tools, tools.check_destination(code, country, purpose=purpose))
    assert r.ok and (r.outcome, r.available) == (outcome, available), r.message
    assert [(o["purpose"], o["gea"]) for o in r.other_purposes] == opened
    if outcome == "individual_licence_required":
        assert "No Union general export authorisation" in r.message


def test_repair_window(tools):
    old = tools.check_destination("2B001", "Brazil", purpose="repair", authorised_years_ago=9)
    recent = tools.check_destination("2B001", "Brazil", purpose="repair", authorised_years_ago=2)
    assert (old.outcome, old.available) == ("individual_licence_required", [])
    assert (recent.outcome, recent.available) == ("gea_available", ["EU003"])
    eu003 = next(g for g in old.geas if g["gea"] == "EU003")
    assert "within 5 years" in eu003["why"]


def test_eu007_excludes_technology_for_an_excluded_item(tools):
    """EU007 Part 1 excludes "technology and software related to items under ... 5A001.f": technology for IMSI
    catchers (5A001.f.2) is not covered, while the same code with no such relation is."""
    related = tools.check_destination("5E001.a", "India", purpose="intra_group", related_to=["5A001.f.2"])
    eu007 = next(g for g in related.geas if g["gea"] == "EU007")
    assert eu007["items"] == "none" and "EU007" not in related.available and "5A001.f" in eu007["why"]
    plain = tools.check_destination("9E003", "India", purpose="intra_group")
    assert "EU007" in plain.available


def test_qualified_gea_items_are_never_granted_outright(tools):
    """EU008 lists 5D002.a.1 "only 'Software' specially designed or modified for the 'use' of ..." : the narrowing
    is asked about, quoted, and the GEA is not presented as usable before it is confirmed."""
    r = sound(tools, tools.check_destination("5D002.a.1", "Mexico"))
    assert (r.outcome, r.available) == ("needs_facts", [])
    assert any("only ‘Software’ specially designed or modified for the ‘use’" in q for q in r.questions)


def test_purpose_evidence_is_quoted(tools):
    cited = {e.claim: e for e in tools.check_destination("2B001", "Brazil").evidence}
    assert "for the purpose of maintenance, repair or replacement" in \
        cited["EU003 can be used only for an export after repair or replacement"].quote
    assert "temporary export for an exhibition or fair" in \
        cited["EU004 can be used only for a temporary export for an exhibition or fair"].quote


def test_bad_purpose_is_refused(tools):
    r = tools.check_destination("2B001", "Brazil", purpose="holiday")
    assert not r.ok and "purpose must be one of sale, repair, exhibition, intra_group" in r.message


GEAS = ("EU001", "EU002", "EU003", "EU004", "EU005", "EU006", "EU007", "EU008")
PURPOSES = ("sale", "repair", "exhibition", "intra_group")


def _destination_of(tools, gea):
    part2 = tools.store.get(f"Annex II {gea} Part 2")
    return part2.data["destinations"][0] if part2.data["destinations_mode"] == "listed" else "Brazil"


def _partly_covered(tools, gea):
    """An entry that this GEA covers only in part (some sub-items), found from Part 1's own lists."""
    for p in tools.store.where("source = 'annex-i-2025' AND kind = 'entry'"):
        code = p.locator.removeprefix("Annex I ")
        if tools.annex_ii.coverage(gea, code).status == "partial":
            return code
    raise AssertionError(f"no partly covered entry for {gea}")


@pytest.mark.parametrize("gea", GEAS)
@pytest.mark.parametrize("purpose", PURPOSES)
def test_no_gea_over_grants(tools, gea, purpose):
    """Every GEA x purpose: a Section I item, an entry the GEA covers only in part and a sanctioned destination never
    get that GEA, and a purpose GEA never serves another purpose."""
    dest = _destination_of(tools, gea)
    # a Section I item (1C351, human and animal pathogens) to one of this GEA's destinations
    r = tools.check_destination("1C351", dest, purpose=purpose)
    assert gea not in r.available and r.outcome != "gea_available", r.message
    # an entry this GEA covers only in part: never available until the sub-item is known
    code = _partly_covered(tools, gea)
    r = tools.check_destination(code, dest, purpose=purpose)
    finding = next(g for g in r.geas if g["gea"] == gea)
    assert finding["items"] == "partial" and not finding["available"] and gea not in r.available
    if r.outcome == "needs_facts":
        assert any(gea in q for q in r.questions) or finding["purpose_ok"] is False or not finding["destination"]
    # a sanctioned destination
    r = tools.check_destination("2B001", "Iran", purpose=purpose)
    assert (r.outcome, r.available) == ("sanctions_review_required", [])
    # the purpose GEAs only for their purpose
    limited = {"EU003": "repair", "EU004": "exhibition", "EU007": "intra_group"}.get(gea)
    r = tools.check_destination("2B001" if gea != "EU007" else "2E001", dest, purpose=purpose)
    if limited and purpose != limited:
        assert gea not in r.available
    # the outcome and the words always agree
    words = {"gea_available": "can be used", "individual_licence_required": "No Union general export authorisation",
             "sanctions_review_required": "sanctions review", "needs_facts": "depends on the sub-item"}
    assert words[r.outcome] in r.message


def test_section_i_means_individual_licence(tools):
    r = tools.check_destination("1C351", "Canada")
    eu001 = next(g for g in r.geas if g["gea"] == "EU001")
    assert (eu001["items"], eu001["destination"]) == ("none", True) and "Section I" in eu001["items_reason"]
    cited = [e.locator for e in r.evidence]
    assert {"Art. 3(1)", "Art. 12(1)", "Art. 12(2)", "Annex II Section I"} <= set(cited)
    art12_2 = next(e for e in r.evidence if e.locator == "Art. 12(2)")
    assert "competent authority of the Member State where the exporter is resident or established" in art12_2.quote


def test_ukraine_note_and_sanctions_data(tools):
    r = tools.check_destination("5A002", "UA")
    assert any("occupied areas" in n for n in r.notes)
    r = tools.check_destination("5A002", "Iraq")
    assert r.sanctions["partial"] and r.sanctions["as_of"] and "verify" in r.sanctions["disclaimer"].lower()


def test_check_destination_sweep(tools):
    for code in entry_codes(tools):
        r = sound(tools, tools.check_destination(code, "Brazil"))
        assert r.ok and r.outcome in ("gea_available", "individual_licence_required", "needs_facts")
        assert not (set(r.available) & {"EU003", "EU004", "EU007"})      # an ordinary sale: never a purpose GEA


# --- annex_iv ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, status, parts, general", [
    ("7A117", "yes", ["I"], "possible"),           # MTCR item, Part I
    ("1C001", "yes", ["I"], "possible"),           # stealth item, Part I
    ("1C351.d.4", "yes", ["II"], "excluded"),      # ricin, Part II
    ("3A228", "partly", ["II"], "excluded"),       # Annex IV names only a. and b. of 3A228 (Annex I has a. to c.)
    ("3A228.a", "yes", ["II"], "excluded"),        # cold-cathode tubes: named
    ("3A228.c", "no", [], ""),                     # fast switching modules: not named in Annex IV
    ("5D002.c.3.a", "yes", ["I"], "possible"),     # Annex IV's 5D002.c is worded down to software for 5A004.a
    ("5D002.c.1", "no", [], ""),                   # so other 5D002.c software is not in Annex IV
    ("1C012.a", "no", [], ""),                     # Annex IV's 1C012 names only b. (neptunium-237)
    ("1C351", "partly", ["II"], "excluded"),       # only .d.4 and .d.5
    ("6A001", "partly", ["I"], "possible"),        # "Acoustics, limited to the following"
    ("6A001.b", "no", [], ""),                     # not among those
    ("0A001", "yes", ["II"], "excluded"),          # all of Category 0 ...
    ("0C001", "no", [], ""),                       # ... except 0C001
    ("0C003", "conditional", ["II"], "excluded"),  # only if for use in a 'nuclear reactor'
    ("2B001", "no", [], ""),                       # not in Annex IV
])
def test_annex_iv(tools, code, status, parts, general):
    r = sound(tools, tools.annex_iv(code))
    assert r.ok and (r.status, r.parts, r.general_authorisation) == (status, parts, general)
    assert r.evidence[0].locator == "Art. 11(1)"
    assert "currency_unverified" in [w["flag"] for w in r.warnings] and "26.05.2023" in r.message
    if status == "no":
        assert "Art. 11(2)" in [e.locator for e in r.evidence]
    else:
        assert any(e.locator == f"Annex IV Part {parts[0]}" for e in r.evidence)


# --- define ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("term, locator, starts", [
    ("exporter", "Art. 2(3)", "(3) ‘exporter’ means:"),
    ("cyber-surveillance items", "Art. 2(20)", "(20) ‘cyber-surveillance items’"),
    ("laser", "Annex I Definitions", '"Laser" (0 1 2 3 5 6 7 8 9) is an item'),
    ("lasers", "Annex I Definitions", '"Laser"'),
])
def test_define(tools, term, locator, starts):
    r = sound(tools, tools.define(term))
    assert r.ok and r.definitions[0]["locator"] == locator and r.definitions[0]["definition"].startswith(starts)


# --- bad input never raises --------------------------------------------------------------------------------------

BAD = ["", "   ", "5A002\x00", "\x1b[31m", "x" * 100_000, None, 42]


@pytest.mark.parametrize("value", BAD)
def test_bad_input_is_refused_clearly(tools, value):
    for result in (tools.lookup_entry(value), tools.annex_iv(value), tools.define(value), tools.get_provision(value),
                   tools.search_control_list(value), tools.check_destination(value, "Canada"),
                   tools.check_destination("2B001", value)):
        assert not result.ok and result.message.endswith((".", "?")) and not result.evidence


@pytest.mark.parametrize("call, says", [
    (lambda t: t.check_destination("2B001", "Atlantis"), "not a country or territory I know"),
    (lambda t: t.lookup_entry("5Z002"), "is not an Annex I code"),
    (lambda t: t.lookup_entry("4A090"), "US Export Control Classification Number"),
    (lambda t: t.lookup_entry("5D992"), "US Export Control Classification Number"),
    (lambda t: t.lookup_entry("EAR99"), "EAR99 is a US designation"),
    (lambda t: t.get_provision("Art. 33"), "No provision 'Art. 33'"),
])
def test_refusals(tools, call, says):
    r = call(tools)
    assert not r.ok and says in r.message


def test_get_provision_real(tools):
    r = sound(tools, tools.get_provision("article 12 (2)"))
    assert r.locator == "Art. 12(2)" and r.text.startswith("2. Individual and global export authorisations")
    r = tools.get_provision("Annex I 5A002", source="annex-i-2023")
    assert r.ok and r.version == "02021R0821-20230526" and [w["flag"] for w in r.warnings] == ["superseded"]


def test_search_real(tools):
    r = sound(tools, tools.search_control_list("body armour plates", category="1", k=5))
    assert r.ok and "1A005" in [c["code"] for c in r.candidates]


@pytest.mark.parametrize("excluded, words", [
    ("demonstration", "private presentation or demonstration"),
    ("use", "to be used for their intended purpose"),
    ("production", "merged into any production process"),
    ("not_returned", "within a period of 120 days after the initial export"),
])
def test_what_eu004_part_3_excludes_takes_eu004_away(tools, excluded, words):
    """A fair export is EU004's, unless the situation has what Part 3 excludes; the quote says which point."""
    fair = sound(tools, tools.check_destination("2B001", "Brazil", purpose="exhibition"))
    assert (fair.outcome, fair.available) == ("gea_available", ["EU004"])
    broken = sound(tools, tools.check_destination("2B001", "Brazil", purpose="exhibition", eu004_excluded=excluded))
    assert (broken.outcome, broken.available) == ("individual_licence_required", [])
    assert "EU004" not in {o["gea"] for o in broken.other_purposes}
    eu004 = next(g for g in broken.geas if g["gea"] == "EU004")
    assert not eu004["available"] and "Part 3" in eu004["why"]
    assert any(words in ev.quote and ev.locator == "Annex II EU004 Part 3" for ev in broken.evidence)


def test_an_unknown_eu004_exclusion_is_refused(tools):
    r = tools.check_destination("2B001", "Brazil", purpose="exhibition", eu004_excluded="party")
    assert not r.ok and "demonstration" in r.message


# --- where Annex I lists an item's software and technology ------------------------------------------------------

@pytest.mark.parametrize("parents, kind, expected", [
    (["2B001"], "software", ["2D001"]),                  # 2D001.a: software for equipment specified by 2B001
    (["5A002"], "software", ["5D002"]),
    (["5A002"], "technology", ["5E002"]),
    (["2B001"], "technology", ["2E001", "2E002", "2E201"]),   # 2E001/2E002 name the whole sub-category 2B
    (["2B001"], "parts", []),                            # parts are listed in no fixed sub-category
    ([], "software", []),
])
def test_entries_listing_the_software_or_technology_of_an_item(tools, parents, kind, expected):
    assert tools.annex_i_tree().referring_to(parents, kind) == expected
