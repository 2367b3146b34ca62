"""The everyday-words lexicon (assistant/data/lexicon.toml, assistant/lexicon.py): matching rules, the lexicon's
integrity against the real index, and what it does for retrieval of plain-language product questions."""
from __future__ import annotations

import re
import time
from collections import defaultdict

import pytest

from assistant.lexicon import Lexicon, Record, expand, lexicon, phrase_key, singular
from ingest.model import entry_code_of, fold

# --------------------------------------------------------------------------------------------- matching (no index)

# question, entries expected among .entries, anchors expected among .anchors
ROWS = [
    # the brief's own examples reach the list's entries
    ("is a bulletproof vest controlled?", ["1A005"], []),             # "controlled" is a generic topic: background only
    # plural of the say phrase
    ("Do drones need a licence?", ["9A012"], []),                     # likewise "licence"
    # night vision -> image intensifier tubes
    ("night vision goggles for hunters", ["6A002", "6A003"], []),
    # software words beat the bare "software" topic
    ("encryption software", ["5D002", "5A002"], []),
    # hyphen = space, "mill" singular/plural
    ("5-axis CNC mills", ["2B001", "2B201"], []),
    # bare centrifuge: enrichment, test and biological centrifuges
    ("centrifuge", ["0B001", "2B122", "2B352"], []),
    # chemical weapons precursors
    ("nerve agent precursors", ["1C350"], []),
    # American spelling
    ("carbon fiber", ["1C010", "1C210"], []),
    # GPS jammer -> jamming equipment, not satellite navigation
    ("GPS jammer", ["5A001"], []),
    # thermal imaging
    ("thermal camera", ["6A003"], []),
    # satellite phone -> telecoms and information security
    ("satellite phone", ["5A001", "5A002"], []),
    # lathe -> machine tools for turning
    ("lathe", ["2B001"], []),
    # spy software -> intrusion software
    ("spy software", ["4A005", "4D004"], []),
    # quantum computers
    ("quantum computer", ["4A506"], []),
    # capitals and plural "s": FPGAs; longest phrase "individual licence" wins over "licence"
    ("Do I need an individual licence to export FPGAs to China?", ["3A001"], ["Art. 2(12)"]),
    # record keeping
    ("How long must I keep records?", [], ["Art. 27(1)", "Art. 27(3)"]),
    # GEA EU003 by purpose
    ("Can we send a repaired unit back to the customer in Chile?", [], ["Annex II EU003"]),
    # GEA EU004 by purpose
    ("We want to show a prototype at a trade fair in Dubai", [], ["Annex II EU004"]),
    # GEA EU007 by purpose
    ("Can our subsidiary in India receive the design files?", [], ["Annex II EU007"]),
    # GEA EU008 named
    ("Does the encryption general authorisation cover Brazil?", [], ["Annex II EU008"]),
    # catch-all
    ("Our item is not listed but the customer may be linked to a missile programme", [], ["Art. 4(1)", "Art. 4(2)"]),
    # brokering
    ("We act as a middleman between a seller in Korea and a buyer in Pakistan", [], ["Art. 2(7)", "Art. 6(1)"]),
    # technical assistance
    ("Can our engineers provide remote maintenance to a plant in Iran?", [], ["Art. 2(9)", "Art. 8(1)"]),
    # transit
    ("Goods from the US pass through Rotterdam in transit to Egypt", [], ["Art. 2(11)", "Art. 7(1)"]),
    # intra-EU transfer and Annex IV
    ("Do I need a licence for an intra-EU transfer to France?", [], ["Art. 11(1)", "Annex IV"]),
    # global licence + ICP
    ("Is an ICP mandatory when using a global licence?", [], ["Art. 2(21)", "Art. 12(4)", "Art. 2(13)"]),
    # large project
    ("We build a power plant abroad: is there a large project authorisation?", [], ["Art. 2(14)", "Art. 12(3)"]),
    # national general authorisation
    ("Can I use a national general licence from Germany?", [], ["Art. 2(16)", "Art. 12(6)"]),
    # cyber-surveillance
    ("Monitoring software sold to a regime that may use it for internal repression", [], ["Art. 2(20)", "Art. 5(1)"]),
    # consultation
    ("Goods are stored in another member state, who must be consulted?", [], ["Art. 14(1)"]),
    # denials
    ("What happens after my licence was refused?", [], ["Art. 16(1)"]),
    # list updates
    ("How is the control list updated by delegated act?", [], ["Art. 17(1)"]),
    # customs
    ("Customs held our shipment at the border", [], ["Art. 21(1)"]),
    # penalties
    ("What are the penalties for exporting without a licence?", [], ["Art. 25(1)"]),
    # annual report
    ("Where is the annual report with licensing statistics?", [], ["Art. 26(2)"]),
    # enforcement powers
    ("Can the authority audit us and enter the premises?", [], ["Art. 28"]),
    # Annex II Section I
    ("Which sensitive items are excluded from general authorisations?", [], ["Annex II Section I"]),
    # Annex III forms
    ("Is there a model application form?", [], ["Annex III Section A"]),
    # intangible transfers are exports
    ("Is uploading drawings to the cloud an export?", [], ["Art. 2(2)"]),
]


@pytest.mark.parametrize("question,entries,anchors", ROWS)
def test_expansion_rows(question, entries, anchors):
    e = expand(question)
    assert e.matched, question
    assert set(entries) <= set(e.entries), (question, e.entries)
    assert set(anchors) <= set(e.anchors), (question, e.anchors)
    assert e.words


def test_generic_topics_are_background():
    e = expand("Do drones need a licence?")
    assert "Art. 3(1)" in e.background and "Art. 3(1)" not in e.anchors


def test_whole_words_only_and_nothing_on_plain_text():
    assert not expand("Please advise on the next steps")
    assert not expand("adrones and helicopterish words")          # no partial words
    assert expand("Hello").words == ""


def test_capitals_only_acronyms():
    assert "7A003" in expand("we sell INS and IMUs").entries
    assert not expand("the ins and outs of our app")               # "INS" and "APP" only in capitals
    assert expand("ICs for radios").entries[:1] == ["3A001"]       # "IC" + plural s


def test_longest_phrase_wins():
    e = expand("individual licence")
    assert e.matched == ["individual licence"] and "Art. 3(1)" not in e.anchors
    assert expand("uranium centrifuge").matched == ["uranium centrifuge"]
    assert expand("underwater camera").entries == ["8A002"]


def test_singular_forms():
    assert [singular(w) for w in ("drones", "batteries", "lenses", "glass", "gas", "UAVs", "axes", "vests")] == \
        ["drone", "battery", "lens", "glass", "gas", "uav", "axis", "vest"]
    assert phrase_key("walkie-talkies") == phrase_key("walkie talkie")
    assert phrase_key("Night-Vision Goggles") == phrase_key("night vision goggle")


def test_no_duplicate_say_phrases():
    owners = defaultdict(list)
    for rec in lexicon().records:
        for phrase in rec.say:
            owners[phrase_key(phrase)].append(phrase)
    assert not {k: v for k, v in owners.items() if len(v) > 1}


def test_shape_and_coverage():
    terms = [r for r in lexicon().records if r.kind == "term"]
    topics = [r for r in lexicon().records if r.kind == "topic"]
    assert len(terms) >= 150
    assert {e[0] for r in terms for e in r.entries} == set("0123456789")
    for r in lexicon().records:
        assert r.say and r.list_words.strip() and (r.entries or r.anchors), r
        assert all(re.fullmatch(r"[0-9][A-E][0-9]{3}", e) for e in r.entries), r
    anchors = {a for r in topics for a in r.anchors}
    assert {f"Art. 2({n})" for n in range(1, 23)} <= anchors                  # every definition
    assert {f"Annex II EU00{n}" for n in range(1, 9)} <= anchors              # every GEA
    for art in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 21, 23, 24, 25, 26, 27, 28, 29):
        assert any(a == f"Art. {art}" or a.startswith(f"Art. {art}(") for a in anchors), art


def test_fast():
    questions = [q for q, _, _ in ROWS]
    lexicon()
    start = time.perf_counter()
    for q in questions * 20:
        expand(q)
    assert (time.perf_counter() - start) / (len(questions) * 20) < 0.001


def test_custom_lexicon():
    lex = Lexicon([Record("term", ("widget", "big widget"), "foo bar", entries=("1A001",)),
                   Record("topic", ("paperwork",), "bar baz", anchors=("Art. 1",))])
    e = lex.expand("Big widgets and paperwork")
    assert e.matched == ["big widget", "paperwork"]
    assert (e.words, e.entries, e.anchors) == ("foo bar baz", ["1A001"], ["Art. 1"])


# ------------------------------------------------------------------------------------------ against the real index

def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", fold(text)))


@pytest.fixture(scope="module")
def library(real_index):
    from assistant.library import Library
    return Library(real_index)


@pytest.mark.real
def test_entries_and_anchors_exist(library):
    missing = []
    for rec in lexicon().records:
        for code in rec.entries:
            p = library.store.get(f"Annex I {code}")
            if p is None or p.kind != "entry" or p.source != "annex-i-2025":
                missing.append(code)
        missing += [a for a in rec.anchors if library.store.get(a) is None]
    assert not missing


@pytest.mark.real
def test_list_words_are_the_lists_own_words(library):
    """Every list word occurs in the text of at least one of the record's entries (or their items) or anchors."""
    def text(locator):
        p = library.store.get(locator)
        return " ".join(x.text for x in library.store.subtree(locator, p.source))

    wrong = {}
    for rec in lexicon().records:
        locators = [f"Annex I {c}" for c in rec.entries] + list(rec.anchors)
        vocabulary = set().union(*(_words(text(loc)) for loc in locators))
        absent = _words(rec.list_words) - vocabulary
        if absent:
            wrong[rec.say[0]] = sorted(absent)
    assert not wrong


# 40 plain-language product questions, each a different everyday phrasing, and the entry (or entries) that answer it
PRODUCT_QUESTIONS = [
    ("We make stab-proof and bulletproof vests for private security guards, can we ship them to Kenya?", {"1A005"}),
    ("Is our hexacopter with 45 minutes of flight time subject to export controls?", {"9A012"}),
    ("A customer in Turkey wants gen 3 night vision binoculars, is that allowed?", {"6A002", "6A003"}),
    ("Does selling our VPN app to users in Brazil need an export licence?", {"5D002", "5A002"}),
    ("We sell five-axis machining centres to an aerospace supplier in India", {"2B001", "2B201"}),
    ("Spare rotors for gas centrifuges: which control entry applies?", {"0B001"}),
    ("Our plant ships thiodiglycol and thionyl chloride to Singapore", {"1C350"}),
    ("Spools of carbon fiber for a bicycle frame maker in Vietnam", {"1C010", "1C210"}),
    ("Can I export a GNSS jammer that we use for testing receivers?", {"5A001"}),
    ("Handheld thermal imagers for firefighters going to Serbia", {"6A003", "6A002"}),
    ("Can we send a CNC turning centre to a customer in Kazakhstan?", {"2B001", "2B201"}),
    ("We develop spyware that installs itself on phones remotely, do we need permission?", {"4A005", "4D004"}),
    ("Do quantum computing systems with 50 qubits fall under the controls?", {"4A506"}),
    ("Export of a remotely operated vehicle rated for 6000 m depth to Norway", {"8A001"}),
    ("Our fibre optic gyroscopes are used on ships, are they listed?", {"7A002"}),
    ("We sell inertial measurement units for agricultural robots", {"7A003", "7A103"}),
    ("Military-grade GPS receivers with anti-jam antennas for a customer in Qatar", {"7A005", "7A105"}),
    ("Small turbojet engines for large model aircraft", {"9A101", "9A001"}),
    ("A cubesat platform sold to a university in Chile", {"9A004"}),
    ("Solid rocket motors for an amateur rocketry club abroad", {"9A007", "9A107"}),
    ("Mercury cadmium telluride infrared focal plane arrays", {"6A002"}),
    ("Side-scan sonar for hydrographic survey boats", {"6A001"}),
    ("Selling a caesium atomic clock to a lab in Pakistan", {"3A002"}),
    ("High-speed analog-to-digital converter chips with 12 bit resolution", {"3A001"}),
    ("EUV lithography scanners for a chip factory", {"3B001", "3B501"}),
    ("A supercomputer for a research institute in Egypt", {"4A003"}),
    ("IMSI catchers for a police force overseas", {"5A001"}),
    ("Can we ship botulinum toxin samples for research?", {"1C351"}),
    ("Ebola virus cultures for a vaccine lab", {"1C351"}),
    ("Hot isostatic pressing equipment for turbine parts", {"2B004", "2B104", "2B204"}),
    ("Metal 3D printers using laser powder bed fusion sold to Turkey", {"2B510"}),
    ("Glove boxes and biosafety cabinets for a BSL-3 laboratory", {"2B352"}),
    ("Stainless steel fermenters of 50 litres for vaccine production", {"2B352"}),
    ("Industrial 10 kW fibre lasers for welding", {"6A005"}),
    ("Airborne lidar for topographic mapping", {"6A008"}),
    ("Fluxgate magnetometers for geophysical surveys", {"6A006"}),
    ("Maraging steel tubes for a customer in China", {"1C116", "1C216"}),
    ("Marine gas turbines for a frigate programme", {"9A002"}),
    ("Coolant pumps for a nuclear power station in Egypt", {"0A001"}),
    ("Heavy water in 25 kg drums for a research reactor", {"0C003", "0B004"}),
]


def _top5_codes(library, query: str) -> set[str]:
    hits = library.search(query, k=5, sources=["annex-i-2025"])
    return {entry_code_of(h.locator) for h in hits}


@pytest.mark.real
def test_product_questions_recall(library):
    assert len(PRODUCT_QUESTIONS) == 40 and len({q for q, _ in PRODUCT_QUESTIONS}) == 40
    plain = expanded = 0
    misses = []
    for question, expected in PRODUCT_QUESTIONS:
        e = expand(question)
        assert e.matched, question                                     # every question has an everyday phrase
        assert expected & set(e.entries), (question, e.entries)        # and it points at the right entry
        plain += bool(expected & _top5_codes(library, question))
        found = bool(expected & _top5_codes(library, f"{question} {e.words}"))
        expanded += found
        if not found:
            misses.append(question)
    n = len(PRODUCT_QUESTIONS)
    print(f"\nlexicon recall@5 on {n} product questions: without expansion {plain}/{n} = {plain / n:.0%}, "
          f"with expansion {expanded}/{n} = {expanded / n:.0%}; misses with expansion: {misses}")
    assert expanded / n >= 0.9, misses
    assert expanded >= plain


@pytest.mark.parametrize("question,present,absent", [
    ("a 12-bit ADC at 2.5 GSPS", "Analogue-to-Digital", "Digital-to-Analogue"),
    ("a 10-bit DAC at 3 GSPS", "Digital-to-Analogue", "Analogue-to-Digital"),
])
def test_an_adc_is_not_a_dac(question, present, absent):
    """3A001.a.5.a is about ADCs and 3A001.a.5.b about DACs: one kind's words must not name the other (the
    classifier scopes an entry's items by the kind of item described)."""
    words = expand(question).words
    assert present in words and absent not in words


def test_ai_chips_point_to_3a501():
    assert expand("AI inference accelerator IC, 800 TOPS INT8").entries[:2] == ["3A501", "4A507"]


@pytest.mark.parametrize("question, language", [
    ("When did the regulation enter into force?", "en"),
    ("Wissen Sie, wann die Verordnung in Kraft trat?", "de"),
    ("Quand le règlement est-il entré en vigueur ?", "fr"),
    ("Quando è entrato in vigore il regolamento?", "it"),
    ("¿Cuándo entró en vigor el Reglamento?", "es"),
    ("Weet u wanneer de verordening in werking trad?", "nl"),
    ("Kiedy rozporządzenie weszło w życie?", "pl"),
])
def test_a_topic_is_read_in_the_verb_forms_of_its_idiom(question, language):
    """Topics match exactly (not on stems): the idiom's verb forms are listed beside its noun ("entrée en vigueur")."""
    assert "Art. 32" in expand(question, language).anchors
