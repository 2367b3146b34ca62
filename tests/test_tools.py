"""The deterministic tools on the fixture corpus (tests/fixtures/sources): every expected value below is read by hand
from the fixture texts. Entries 0C001, 1A005, 2B001, 5A002, 6A008, 9A012; GEAs EU001-EU008 with small destination
lists; Section I (0C001, 9A012, all of Annex IV); Annex IV Part I (1A005, 6A008.b), Part II (Category 0, 9A012)."""
import json

import pytest

from assistant.library import Library
from assistant.quotes import is_verbatim
from assistant.tools import Toolbox, as_langchain_tools, normalize_code


@pytest.fixture(scope="module")
def tools(fixture_index):
    return Toolbox(Library(fixture_index))


def sound(tools, result):
    """A result is JSON, and each evidence quote is verbatim in the provision (and version) it cites."""
    json.dumps(result.to_dict())
    for e in result.evidence:
        p = tools.store.get(e.locator, e.source)
        assert p is not None and p.version == e.version and is_verbatim(p, e.quote), e
        assert e.claim
    return result


# --- normalize_code ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("5A002", "5A002"),              # an entry code stays as it is
    ("5a002.a.1", "5A002.a.1"),      # lower-case sub-category letter
    ("5A002a1", "5A002.a.1"),        # contiguous sub-items get their dots
    ("5A002.a.1.", "5A002.a.1"),     # trailing dot, as Annex II prints codes
    ("3b001f1b", "3B001.f.1.b"),     # letters and numbers alternate
    (" 5A002.A.1 ", "5A002.a.1"),    # surrounding spaces, capital sub-item letter
    ("3A001.a.12", "3A001.a.12"),    # a two-digit level
    ("5A002 a 1", None),             # only contiguous forms
    ("5Z002", None),                 # Z is not a sub-category (A-E)
    ("5A02", None),                  # three digits needed
    ("ABC", None),                   # not a code at all
    ("5A002..a", None),              # an empty level
    ("", None),                      # nothing
])
def test_normalize_code(text, code):
    assert normalize_code(text) == code


# --- lookup_entry ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, locator, ancestors, items, notes, see_also, category_notes, terms, iv, sec", [
    # a sub-item: the entry and item above it, the Technical Notes of 5A002.a, the Cryptography Note
    ("5a002a1", "Annex I 5A002.a.1", ["Annex I 5A002", "Annex I 5A002.a"], [],
     {"Annex I 5A002.a Technical Notes": "ancestor"}, [], ["Annex I Category 5 Part 2 Note 3"],
     ["Information security"], "no", "no"),
    # an entry: its whole item tree, its N.B.s (see also 2B201, 2B002) and the notes of its sub-items
    ("2B001", "Annex I 2B001", [], ["Annex I 2B001.a", "Annex I 2B001.b", "Annex I 2B001.b.1", "Annex I 2B001.b.2"],
     {"Annex I 2B001 N.B.": "node", "Annex I 2B001 N.B. 2": "node", "Annex I 2B001.a Note 1": "descendant",
      "Annex I 2B001.b Technical Note": "descendant"}, ["2B201", "2B002"], [], ["Numerical control"], "no", "no"),
    # a deep item: notes of its ancestors apply, the sibling 2B001.a's note does not
    ("2B001.b.2", "Annex I 2B001.b.2", ["Annex I 2B001", "Annex I 2B001.b"], [],
     {"Annex I 2B001 N.B.": "ancestor", "Annex I 2B001 N.B. 2": "ancestor", "Annex I 2B001.b Technical Note": "ancestor"},
     ["2B201", "2B002"], [], ["Numerical control"], "no", "no"),
    # inside an Annex IV Part I entry, hence in Section I ("all items specified in Annex IV")
    ("1A005.b", "Annex I 1A005.b", ["Annex I 1A005"], [],
     {"Annex I 1A005 N.B.": "ancestor", "Annex I 1A005 Note 1": "ancestor", "Annex I 1A005 Note 2": "ancestor"},
     [], [], [], "yes", "yes"),
    # only its sub-item 6A008.b is in Annex IV: partly, in both
    ("6A008", "Annex I 6A008", [], ["Annex I 6A008.a", "Annex I 6A008.b"], {"Annex I 6A008 Note": "node"},
     [], [], [], "partly", "partly"),
    # "UAVs" is defined in the singular; 9A012 is in Section I and in Annex IV Part II
    ("9A012.a", "Annex I 9A012.a", ["Annex I 9A012"], [], {"Annex I 9A012 N.B. 1": "ancestor",
                                                           "Annex I 9A012 N.B. 2": "ancestor"},
     ["9A112", "9A004.h"], [], ["UAV"], "yes", "yes"),
    # Category 0 rule of Annex IV Part II leaves 0C001 out; Section I names it
    ("0C001", "Annex I 0C001", [], [], {"Annex I 0C001 Note": "node"}, [], [], [], "no", "yes"),
])
def test_lookup_entry(tools, code, locator, ancestors, items, notes, see_also, category_notes, terms, iv, sec):
    r = sound(tools, tools.lookup_entry(code))
    assert r.ok and r.locator == locator and r.source == "annex-i-2025"
    assert [a["locator"] for a in r.ancestors] == ancestors
    assert [i["locator"] for i in r.items] == items
    assert {n["locator"]: n["applies"] for n in r.notes} == notes
    assert r.see_also == see_also
    assert [c["locator"] for c in r.category_notes] == category_notes
    assert [t["term"] for t in r.terms] == terms
    assert r.annex_iv["status"] == iv and r.section_i["status"] == sec
    assert r.evidence[0].locator == locator


def test_lookup_entry_text_terms_and_warnings(tools):
    r = tools.lookup_entry("5A002.a.1")
    assert r.text == 'Items having "information security" as a primary function;'
    assert r.entry == '"Information security" systems, equipment and components, as follows:'
    assert r.terms == [{"term": "Information security", "locator": "Annex I Definitions",
                        "definition": '"Information security" (4 5) is all the means ensuring the confidentiality of '
                                      'information.'}]
    assert is_verbatim(tools.store.get("Annex I Definitions"), r.terms[0]["definition"])
    # the flattened exponent of 6A008.b is flagged when 6A008 is looked up
    r = tools.lookup_entry("6A008")
    assert [(w["flag"], w["locators"]) for w in r.warnings] == [("flattened_exponent", ["Annex I 6A008.b"])]


@pytest.mark.parametrize("code, says, nearest", [
    ("5A002.a.9", "5A002.a.9 is not in Annex I", ["5A002.a.1", "5A002.a.2"]),   # sub-items of the nearest node
    ("9A012.b", "9A012.b is not in Annex I", ["9A012.a"]),                      # same, one level up
    ("5A009", "5A009 is not in Annex I", ["5A002"]),                            # nearest entry of Category 5
    ("3A090", "US Export Control Classification Number", []),                  # US AI-chip ECCN
    ("5A992", "US Export Control Classification Number", []),                  # US anti-terrorism ECCN
    ("9A515", "US Export Control Classification Number", []),                  # US "500 series"
    ("EAR99", "EAR99 is a US designation", []),                                 # US catch-all designation
    ("5Z002", "is not an Annex I code", []),                                    # malformed
    ("", "The code is empty", []),                                              # empty
    ("5A002\x00", "control characters", []),                                    # control character
    ("5" * 100_000, "too long", []),                                            # a 100 kB string
    (None, "must be text", []),                                                 # not a string
])
def test_lookup_entry_refuses(tools, code, says, nearest):
    r = sound(tools, tools.lookup_entry(code))
    assert not r.ok and says in r.message and r.nearest == nearest and not r.evidence


def test_lookup_entry_unknown_version(tools):
    r = tools.lookup_entry("5A002", source="annex-i-1999")
    assert not r.ok and "Unknown Annex I version" in r.message


# --- search_control_list -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, category, top", [
    ("body armour", None, "1A005"),                    # words of 1A005's heading
    ("radar", None, "6A008"),                          # words of 6A008's heading
    ("unmanned aerial vehicles", "9", "9A012"),        # restricted to Category 9
])
def test_search_control_list(tools, text, category, top):
    r = sound(tools, tools.search_control_list(text, category=category, k=3))
    assert r.ok and r.candidates[0]["code"] == top and len(r.candidates) <= 3
    assert all(c["code"][0] == category for c in r.candidates) if category else True
    best = r.candidates[0]
    assert best["entry"] == tools.store.get(f"Annex I {top}").text and best["quote"] == r.evidence[0].quote


@pytest.mark.parametrize("text, kwargs, says", [
    ("", {}, "The description is empty"),                        # empty
    ("x" * 100_000, {}, "too long"),                             # a 100 kB string
    ("radar\x07", {}, "control characters"),                     # control character
    ("radar", {"category": "x"}, "one digit 0-9"),               # bad category
    ("radar", {"k": 0}, "from 1 to 25"),                         # bad k
])
def test_search_control_list_refuses(tools, text, kwargs, says):
    r = tools.search_control_list(text, **kwargs)
    assert not r.ok and says in r.message and not r.candidates


# --- check_destination -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, country, outcome, available, geas", [
    # EU001: all of Annex I except Section I, to Canada
    ("2B001", "Canada", "gea_available", ["EU001"], {"EU001": ("full", [])}),
    # an ISO code works as well as a name
    ("2B001", "CA", "gea_available", ["EU001"], {"EU001": ("full", [])}),
    # EU002 lists 2B001.a only: which sub-item it is decides, so no "yes" for the entry
    ("2B001", "Argentina", "needs_facts", [], {"EU002": ("partial", ["2B001.a"])}),
    # the listed sub-item itself: full coverage
    ("2B001.a", "Argentina", "gea_available", ["EU002"], {"EU002": ("full", [])}),
    # 6A008.b is in Annex IV, so in Section I: EU001 covers only 6A008.a, so the sub-item decides
    ("6A008", "Canada", "needs_facts", [], {"EU001": ("partial", ["6A008.a"])}),
    # EU003 excludes 5A002.a, EU004 only Section I, but both serve other purposes than a sale; EU008 lists 5A002.a.2
    ("5A002", "Brazil", "needs_facts", [],
     {"EU003": ("partial", ["5A002.b"]), "EU004": ("full", []), "EU008": ("partial", ["5A002.a.2"])}),
    # Section I lists 9A012: EU001 does not cover it
    ("9A012", "Canada", "individual_licence_required", [], {"EU001": ("none", [])}),
    # EU005 lists 6A008.a for India
    ("6A008.a", "India", "gea_available", ["EU005"], {"EU005": ("full", [])}),
    # EU006 lists 0C001: Section I binds only EU001, EU003, EU004 and EU007
    ("0C001", "Turkey", "gea_available", ["EU006"], {"EU006": ("full", [])}),
    # fixture EU001 lists three countries only; EU008 does not cover 2B001
    ("2B001", "Japan", "individual_licence_required", [], {"EU001": ("full", [])}),
    # Japan is no fixture EU001 destination, so EU008 applies to it
    ("5A002.a.2", "Japan", "gea_available", ["EU008"], {"EU008": ("full", [])}),
    # "China (including Hong Kong and Macao)" is excluded from EU008 by point (b)
    ("5A002.a.2", "Hong Kong", "individual_licence_required", [], {"EU008": ("full", [])}),
    # "Switzerland, including Liechtenstein"; EU008 point (a) excludes EU001 destinations
    ("5A002", "Liechtenstein", "gea_available", ["EU001"], {"EU001": ("full", []), "EU008": ("partial", ["5A002.a.2"])}),
    # arms embargo and dual-use restrictions: never a GEA
    ("5A002", "Russia", "sanctions_review_required", [], {"EU008": ("partial", ["5A002.a.2"])}),
    # a partial sanctions entry (non-state actors) still asks for a review
    ("5A002", "Iraq", "sanctions_review_required", [], {}),
    # Ukraine's entry has neither flag: EU008 could apply, but only to some sub-items of 5A002
    ("5A002", "Ukraine", "needs_facts", [], {}),
])
def test_check_destination(tools, code, country, outcome, available, geas):
    r = sound(tools, tools.check_destination(code, country))
    assert r.ok and r.outcome == outcome and r.available == available
    found = {g["gea"]: g for g in r.geas}
    for gea, (items, covered) in geas.items():
        assert (found[gea]["items"], found[gea]["covered_items"]) == (items, covered)
    assert r.evidence[0].locator == "Art. 3(1)"


def test_check_destination_evidence(tools):
    r = tools.check_destination("2B001", "Canada")
    quotes = {(e.locator, e.claim): e.quote for e in r.evidence}
    assert "Canada" in quotes[("Annex II EU001 Part 2", "Canada is an EU001 destination")]
    assert "in the customs declaration" in quotes[("Annex II EU001 Part 3", "The exporter must declare the use of EU001 "
                                                                          "in the customs declaration")]
    # a purpose claim is made only where the text says it: the fixture's EU003 lacks the words, so no such claim
    claims = [e.claim for e in tools.check_destination("5A002", "Brazil").evidence]
    assert "EU003 can be used only for an export after repair or replacement" not in claims
    # Section I is quoted when it keeps EU001 from a listed destination
    r = tools.check_destination("9A012", "Canada")
    assert any(e.locator == "Annex II Section I" and "9A012" in e.quote for e in r.evidence)


def test_check_destination_sanctions(tools):
    r = tools.check_destination("5A002", "Russia")
    assert "sanctions review" in r.message and r.sanctions["arms_embargo"] and r.sanctions["source_url"]
    assert not any(g["available"] for g in r.geas)
    assert any(e.locator == "Annex II EU008 Part 2" and "(c) any destination" in e.quote for e in r.evidence)
    r = tools.check_destination("5A002", "Iraq")
    assert r.sanctions["partial"] and "partial" in r.message
    r = tools.check_destination("5A002", "Ukraine")
    assert any("occupied areas" in n for n in r.notes) and r.sanctions and not r.sanctions["arms_embargo"]


@pytest.mark.parametrize("code, country, status", [
    ("1A005", "France", "yes"),        # a Member State: an intra-EU transfer; 1A005 is in Annex IV Part I
    ("2B001", "DE", "no"),             # ISO code of a Member State; 2B001 is not in Annex IV
    ("1A005", "Réunion", "yes"),       # inside the customs territory of the Union, not a Member State in ISO terms
])
def test_check_destination_not_an_export(tools, code, country, status):
    r = sound(tools, tools.check_destination(code, country))
    assert r.ok and r.outcome == "not_an_export" and "not an export" in r.message
    assert r.annex_iv["status"] == status and not r.available


@pytest.mark.parametrize("code, country, says", [
    ("2B001", "Atlantis", "not a country or territory I know"),    # unknown country
    ("5Z002", "Canada", "is not an Annex I code"),                 # malformed code
    ("5A009", "Canada", "5A009 is not in Annex I"),                # unknown code
    ("2B001", "", "The country is empty"),                         # empty country
    ("2B001", "Can\x00ada", "control characters"),                 # control character
    ("2B001", "C" * 100_000, "too long"),                          # a 100 kB string
])
def test_check_destination_refuses(tools, code, country, says):
    r = tools.check_destination(code, country)
    assert not r.ok and says in r.message and not r.outcome and not r.evidence


# --- annex_iv ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, status, parts, general, locators", [
    ("1A005", "yes", ["I"], "possible", ["Annex IV Part I 1A005"]),            # a Part I entry
    ("1A005.a", "yes", ["I"], "possible", ["Annex IV Part I 1A005"]),          # inside a Part I entry
    ("6A008", "partly", ["I"], "possible", ["Annex IV Part I 6A008.b"]),       # one sub-item listed
    ("6A008.b", "yes", ["I"], "possible", ["Annex IV Part I 6A008.b"]),        # that sub-item
    ("9A012.a", "yes", ["II"], "excluded", ["Annex IV Part II 9A012"]),        # Part II: no general authorisation
    ("0C001", "no", [], "", ["Annex IV Part II Category 0"]),                  # Category 0 rule: not included
    ("2B001", "no", [], "", []),                                               # not listed at all
])
def test_annex_iv(tools, code, status, parts, general, locators):
    r = sound(tools, tools.annex_iv(code))
    assert r.ok and (r.status, r.parts, r.general_authorisation) == (status, parts, general)
    assert [e["locator"] for e in r.entries] == locators
    assert "currency_unverified" in [w["flag"] for w in r.warnings]       # Annex IV is the 2023 consolidation
    assert {e.locator for e in r.evidence} >= set(locators)


def test_annex_iv_refuses(tools):
    r = tools.annex_iv("5A002.z")
    assert not r.ok and "5A002.z is not in Annex I" in r.message and r.nearest


# --- define ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("term, found", [
    ("exporter", [("Art. 2(3)", "exporter")]),                            # an Art. 2 definition
    ("Exporters", [("Art. 2(3)", "exporter")]),                           # plural, capitalised
    ("‘export’", [("Art. 2(2)", "export")]),                              # with the Regulation's quote marks
    ("dual-use items", [("Art. 2(1)", "dual-use items")]),                # a phrase
    ('"numerical control"', [("Annex I Definitions", "Numerical control")]),  # an Annex I term in double quotes
    ("UAVs", [("Annex I Definitions", "UAV")]),                           # plural of an Annex I term
])
def test_define(tools, term, found):
    r = sound(tools, tools.define(term))
    assert r.ok and [(d["locator"], d["term"]) for d in r.definitions] == found
    assert [d["definition"] for d in r.definitions] == [e.quote for e in r.evidence]


def test_define_quotes_the_whole_definition(tools):
    r = tools.define("exporter")
    assert r.definitions[0]["definition"].startswith("(3) ‘exporter’ means: (a) any person holding the contract")
    # the footnote call "(1)" is not wording: the quote skips it
    assert r.definitions[0]["definition"].endswith("within the meaning of Delegated Regulation (EU) 2015/2446 … ;")
    r = tools.define("numerical control")
    assert r.definitions[0]["definition"] == ('"Numerical control" (2) means automatic control of a process by a device '
                                              'using numeric data. N.B. See also "contouring control".')


@pytest.mark.parametrize("term, says, suggestions", [
    ("informaton security", "No definition of 'informaton security'", ["Information security"]),  # a typo
    ("widget", "No definition of 'widget'", []),                          # nothing close
    ("", "The term is empty", []),                                        # empty
    ("t" * 100_000, "too long", []),                                      # a 100 kB string
])
def test_define_refuses(tools, term, says, suggestions):
    r = tools.define(term)
    assert not r.ok and says in r.message and r.suggestions == suggestions


# --- get_provision -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, locator", [
    ("Art. 3(1)", "Art. 3(1)"),                                  # canonical
    ("article 3(1)", "Art. 3(1)"),                               # "Article", lower case
    ("art 4 (1) (b)", "Art. 4(1)(b)"),                           # spaces before the points
    ("Article 4(1)(b)(ii)", "Art. 4(1)(b)(ii)"),                 # a roman point
    ("annex ii eu001 part 2", "Annex II EU001 Part 2"),          # lower case
    ("EU008 Part 2", "Annex II EU008 Part 2"),                   # a GEA without "Annex II"
    ("5a002a1", "Annex I 5A002.a.1"),                            # a bare, contiguous Annex I code
    ("Annex I 1a005 note 1", "Annex I 1A005 Note 1"),            # a note of an entry
    ("annex iv part i 6a008.b", "Annex IV Part I 6A008.b"),      # an Annex IV entry
    ("Annex I Definitions", "Annex I Definitions"),              # a Part I text of Annex I
])
def test_get_provision(tools, text, locator):
    r = sound(tools, tools.get_provision(text))
    assert r.ok and r.locator == locator and r.text == tools.store.get(locator).text


def test_get_provision_tree(tools):
    r = tools.get_provision("Art. 4(1)")
    assert r.parent == "Art. 4" and r.children == ["Art. 4(1)(a)", "Art. 4(1)(b)", "Art. 4(1)(c)"]
    assert r.version == "02021R0821-20230526"


@pytest.mark.parametrize("text, kwargs, says", [
    ("Art. 99", {}, "No provision 'Art. 99'"),                        # unknown
    ("Art. 4 1 b", {}, "No provision"),                               # unbracketed points are not read
    ("", {}, "The locator is empty"),                                 # empty
    ("Art. 3", {"source": "nowhere"}, "Unknown source 'nowhere'"),    # unknown source
])
def test_get_provision_refuses(tools, text, kwargs, says):
    r = tools.get_provision(text, **kwargs)
    assert not r.ok and says in r.message


def test_get_provision_nearest(tools):
    assert "Art. 3(1)" in tools.get_provision("Art. 3(9)").nearest


# --- langchain ---------------------------------------------------------------------------------------------------

def test_langchain_tools(tools):
    lc = {t.name: t for t in as_langchain_tools(tools)}
    assert set(lc) == {"lookup_entry", "search_control_list", "check_destination", "annex_iv", "define", "get_provision"}
    assert lc["check_destination"].description.startswith("Can an Annex I item be exported")
    assert set(lc["check_destination"].args) == {"code", "country", "purpose", "end_use", "authorised_years_ago",
                                                    "related_to", "eu004_excluded"}
    result = lc["check_destination"].invoke({"code": "2B001", "country": "Canada"})
    assert isinstance(result, dict) and result["outcome"] == "gea_available"
    json.dumps(result)
    assert lc["lookup_entry"].invoke({"code": "5Z002"})["ok"] is False
