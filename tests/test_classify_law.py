"""Classification against the real Annex I (law/classify.py): tables of (what the user says, expected finding, why).

Expected values are read from the texts of Annex I (2025) by hand; every check quotes its provision verbatim.
"""
import pytest

from ingest.criteria import Threshold
from ingest.manifest import load_manifest
from law.annex_i import names_entry
from law.classify import (MET, NOT_MET, UNKNOWN, all_of, any_of, classify, entries_from_provisions,
                          evaluate_threshold, rank_candidates)
from law.figures import StatedFigure, read_figures, read_flags
from tests.conftest import REAL_SOURCES

pytestmark = pytest.mark.real
REAL_JSON = REAL_SOURCES / "annex-i-2025" / "annex.json"


@pytest.fixture(scope="module")
def provisions():
    if not REAL_JSON.is_file():
        pytest.skip(f"official texts not found in {REAL_SOURCES}")
    from ingest.annex_json import parse_annex_json
    return parse_annex_json(REAL_JSON, load_manifest().get("annex-i-2025"))


@pytest.fixture(scope="module")
def by_locator(provisions):
    return {p.locator: p for p in provisions}


def run(provisions, text, codes, description="", flags=None):
    entries = entries_from_provisions(provisions, codes)
    figures = read_figures(text)
    return classify(entries, figures, read_flags(text) if flags is None else flags, description=description)


def node(result, locator):
    """(result, own checks) of one item in the first candidate entry."""
    return result.entries[0].nodes[f"Annex I {locator}"]


def check(result, locator, parameter):
    return next(c for c in node(result, locator)[1] if c.parameter == parameter)


# --- the ADC of the issue -------------------------------------------------------------------------------------------

def test_adc_12_bit_2_5_gsps_is_listed_under_3a001_a_5_a_3(provisions, by_locator):
    r = run(provisions, "Is a 12-bit analogue-to-digital converter with a sample rate of 2.5 GSPS controlled?",
            ["3A001"], "12-bit analogue-to-digital converter")
    assert (r.status, r.deciding) == ("listed", "Annex I 3A001.a.5.a.3")
    checks = {c.parameter: c for c in r.entries[0].checks if c.kind == "threshold"}
    assert (checks["resolution"].result, checks["resolution"].required) == (MET, "12 bit or more, but less than 14 bit")
    assert (checks["sample rate"].result, checks["sample rate"].required, checks["sample rate"].given) == (
        MET, "greater than 400 MSPS", "sample rate of 2.5 GSPS")
    for c in r.entries[0].checks:                                   # every step quoted verbatim
        assert by_locator[c.locator].contains_quote(c.quote)
    # the release Note of Category 3 that could apply to it (3A Note 2) is asked about, and does not release
    assert any(q["locator"] == "Annex I Category 3 3A Note 2" for q in r.questions)


def test_adc_at_300_msps_is_not_met_for_that_item(provisions):
    r = run(provisions, "a 12-bit ADC with a sample rate of 300 MSPS", ["3A001"], "12-bit ADC")
    assert node(r, "3A001.a.5.a.3")[0] is NOT_MET
    assert check(r, "3A001.a.5.a.3", "sample rate").result is NOT_MET
    # other items of 3A001 (temperature rating, radiation hardness, DACs …) are not decided: never "not listed"
    assert r.status == "needs_facts" and r.deciding is None


def test_adc_without_a_sample_rate_needs_it(provisions):
    r = run(provisions, "Is a 12-bit ADC controlled?", ["3A001"], "12-bit ADC")
    assert r.status == "needs_facts"
    q = r.questions[0]
    assert (q["parameter"], q["unit"], q["threshold"], q["locator"]) == (
        "sample rate", "MSPS", "greater than 400 MSPS", "Annex I 3A001.a.5.a.3")
    assert q["quote"] == '"sample rate" greater than 400 MSPS' and "400 MSPS" in q["text"]


# --- judgements, releases, categories ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text,code,why", [
    ("a reflectometer for laser gyro mirrors with a measurement accuracy of 30 ppm", "7B102",
     "50 ppm or less is met; 'specially designed to characterise mirrors' is for an expert"),
    ("an engine for drones operating at altitudes of 20000 m", "9A012.b.4",
     "above 15240 metres is met; 'specially designed or modified to propel' is for an expert"),
])
def test_specially_designed_needs_an_expert(provisions, text, code, why):
    r = run(provisions, text, [code])
    assert r.status == "needs_expert" and r.questions == []
    assert any(c.kind == "judgement" and c.result is UNKNOWN for c in r.entries[0].checks)
    assert any(c.kind == "threshold" and c.result is MET for c in r.entries[0].checks)


def test_specially_designed_does_not_hide_a_threshold_that_is_not_met(provisions):
    r = run(provisions, "a reflectometer with a measurement accuracy of 80 ppm", ["7B102"])
    assert r.status == "not_listed" and r.ruled_out[0][0] == "Annex I 7B102"


# (text, flags stated, status, why)
BODY_ARMOUR = [
    ("soft body armour; I will take it with me for my own protection", None, "not_listed",
     "1A005 Note 1: both facts stated, the Note releases"),
    ("soft body armour; I will take it with me", None, "needs_facts",
     "only one of the two facts: the Note does not release, it is asked about"),
    ("soft body armour for a customer, shipped by courier", None, "needs_facts",
     "both facts denied: no release; which item of 1A005 it is remains to be said"),
]


@pytest.mark.parametrize("text,flags,status,why", BODY_ARMOUR, ids=[b[3][:40] for b in BODY_ARMOUR])
def test_body_armour_release(provisions, text, flags, status, why):
    r = run(provisions, text, ["1A005"], "body armour")
    assert r.status == status
    released = r.entries[0].released_by
    assert (released == ["Annex I 1A005 Note 1"]) is (status == "not_listed")
    if status == "not_listed":
        assert r.ruled_out == [("Annex I 1A005", "released by Annex I 1A005 Note 1")]
    else:
        asked = {(q["parameter"], q["locator"]) for q in r.questions}
        if "take it with me" in text:
            assert ("personal_use", "Annex I 1A005 Note 1") in asked


def test_category_note_reaches_the_entries_of_its_part(provisions):
    # Category 5, Part 2 Note 2 releases a 5A002 item accompanying its user for the user's personal use
    r = run(provisions, "a laptop with AES-256 disk encryption (256-bit key), accompanying its user for the "
                        "user's personal use", ["5A002"], "laptop")
    assert r.status == "not_listed" and r.entries[0].released_by == ["Annex I Category 5 Part 2 Note 2"]
    # without those facts the key length meets 5A002.a and the Note is asked about
    r = run(provisions, "a laptop with a 256-bit AES key", ["5A002"], "laptop")
    assert check(r, "5A002.a", "symmetric key length").result is MET
    assert r.status == "needs_facts"
    assert {"accompanying_user", "personal_use"} <= {q["parameter"] for q in r.questions}


def test_general_software_note_reaches_software_entries(provisions):
    r = run(provisions, "the software is in the public domain", ["3D001"], "software")
    assert r.status == "not_listed" and "Annex I GSN" in r.entries[0].released_by
    # GSN a. (sold from stock at retail) does not release Category 5, Part 2 software (5D002 is carved out)
    r = run(provisions, "the encryption software is sold from stock at retail and installed by the user",
            ["5D002"], "software")
    assert "Annex I GSN" not in r.entries[0].released_by


# --- near-threshold pairs: both sides of a limit ------------------------------------------------------------------------

# (text, candidate, item, expected result of that item, why)
PAIRS = [
    ("12-bit ADC, sample rate 400 MSPS", "3A001", "3A001.a.5.a.3", NOT_MET, "'greater than 400 MSPS' excludes 400"),
    ("12-bit ADC, sample rate 401 MSPS", "3A001", "3A001.a.5.a.3", MET, "401 is greater"),
    ("12-bit ADC, sample rate 0.4 GSPS", "3A001", "3A001.a.5.a.3", NOT_MET, "0.4 GSPS is 400 MSPS"),
    ("14-bit ADC, sample rate 2.5 GSPS", "3A001", "3A001.a.5.a.3", NOT_MET, "'less than 14 bit' excludes 14"),
    ("sample rate of 1,000 MSPS, 12-bit ADC", "3A001", "3A001.a.5.a.3", UNKNOWN,
     "'1,000' reads 1000 or 1,0: the two decide differently"),
    ("frame rates of 1000 fps", "6A004.f.1", "6A004.f.1", MET, "'equal to or more than 1 kHz' includes 1 kHz"),
    ("frame rates of 999 fps", "6A004.f.1", "6A004.f.1", NOT_MET, "999 fps is below 1 kHz"),
    ("a framing rate of 125 frames per second", "6A003.a.5.b", "6A003.a.5.b", NOT_MET,
     "'more than 125 full frames per second' excludes 125"),
    ("a framing rate of 126 frames per second", "6A003.a.5.b", "6A003.a.5.b", MET, "126 is more"),
    ("total impulse 1.1 MNs", "9A007", "9A007.a", NOT_MET, "'exceeding 1,1 MNs' excludes 1,1"),
    ("total impulse 1.11 MNs", "9A007", "9A007.a", MET, "1,11 exceeds"),
    ("total impulse 841 kNs", "9A107", "9A107", MET, "'equal to or greater than 0,841 MNs' includes it"),
    ("total impulse 840 kNs", "9A107", "9A107", NOT_MET, "below 0,841 MNs"),
    ("UAV, flight time 30 minutes", "9A012", "9A012.a.1.a", MET, "'greater than or equal to 30 minutes'"),
    ("UAV, flight time 29 minutes", "9A012", "9A012.a.1.a", NOT_MET, "below 30 minutes"),
    ("UAV, flight time 60 minutes", "9A012", "9A012.a.1.a", NOT_MET, "'less than 1 hour' excludes 60 minutes"),
    ("UAV, flight time 60 minutes", "9A012", "9A012.a.2", MET, "'1 hour or greater' includes it"),
    ("carbon fibre with a specific modulus of 12.7 × 10^6 m", "1C010", "1C010.a.1", NOT_MET,
     "'exceeding 12,7 × 106 m' (10^6 flattened in the copy) excludes 12,7 × 10^6"),
    ("carbon fibre with a specific modulus of 12.8 × 10^6 m", "1C010", "1C010.a.1", MET, "above it"),
    ("encryption with a key length of 56 bits", "5A002", "5A002.a", UNKNOWN,
     "56 bits is not 'in excess of 56 bits'; the asymmetric key lengths of the definition are not stated"),
    ("encryption with a key length of 57 bits", "5A002", "5A002.a", UNKNOWN,
     "the key length is met; 5A002.a's sub-items (what the item is) are not stated"),
    ("rated for operation at an ambient temperature of 125 °C", "3A001", "3A001.a.2.a", NOT_MET,
     "'above 398 K (125 °C)' compared in °C as the user wrote it: 125 °C is not above 125 °C"),
    ("rated for operation at an ambient temperature of 126 °C", "3A001", "3A001.a.2.a", MET, "126 °C is above"),
]


@pytest.mark.parametrize("text,code,item,expected,why", PAIRS, ids=[f"{p[2]}:{p[0][:30]}" for p in PAIRS])
def test_near_threshold_pairs(provisions, text, code, item, expected, why):
    r = run(provisions, text, [code])
    assert node(r, item)[0] is expected


@pytest.mark.parametrize("bits,result", [(56, NOT_MET), (57, MET), (128, MET)])
def test_key_length_check(provisions, bits, result):
    r = run(provisions, f"a key length of {bits} bits", ["5A002"])
    assert check(r, "5A002.a", "symmetric key length").result is result


def test_flattened_exponents_are_flagged_in_the_answer(provisions):
    r = run(provisions, "carbon fibre with a specific modulus of 12.8 × 10^6 m", ["1C010"])
    assert any("flattened" in c for c in r.caveats)
    assert any("Official Journal" in c.note for c in node(r, "1C010.a.1")[1])


def test_endurance_of_one_hour_is_listed_under_the_right_item(provisions):
    r = run(provisions, "a UAV, controlled flight out of the operator's natural vision, flight time 60 minutes",
            ["9A012"], "UAV")
    assert (r.status, r.deciding) == ("listed", "Annex I 9A012.a.2")


def test_not_listed_only_when_every_path_is_not_met(provisions):
    r = run(provisions, "solid rocket motor, total impulse 840 kNs", ["9A107"])
    assert r.status == "not_listed" and r.ruled_out[0][0] == "Annex I 9A107"
    assert "0,841 MNs" in r.ruled_out[0][1] and "840 kNs" in r.ruled_out[0][1]
    # one candidate undecided keeps the whole answer open
    r = run(provisions, "solid rocket motor, total impulse 840 kNs", ["9A107", "9A007"])
    assert r.status == "needs_facts"


# --- the answer shape and the ranking -------------------------------------------------------------------------------------

def test_determination_shape(provisions):
    d = run(provisions, "Is a 12-bit ADC controlled?", ["3A001"], "12-bit ADC").to_dict()
    assert set(d) == {"status", "item", "deciding", "entries", "ruled_out", "questions", "licensing"}
    assert set(d["entries"][0]) == {"locator", "met", "checks"}
    assert set(d["entries"][0]["checks"][0]) == {"parameter", "required", "given", "result", "locator", "quote"}
    assert set(d["questions"][0]) == {"parameter", "unit", "threshold", "locator", "quote", "text"}
    d = run(provisions, "solid rocket motor, total impulse 840 kNs", ["9A107"]).to_dict()
    assert set(d["ruled_out"][0]) == {"locator", "why"}


def test_rank_candidates_by_stated_parameters_they_test(provisions):
    entries = entries_from_provisions(provisions, ["1A005", "9A007", "3A001", "6A003"])
    figures = read_figures("12-bit ADC with a sample rate of 2.5 GSPS")
    ranked = rank_candidates(entries, figures)
    assert [e.code for e, _ in ranked][0] == "3A001"
    assert ranked[0][1] == ["resolution", "sample rate"]
    assert [n for _, n in ranked[1:]] == [[], [], []]


# --- three values -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("values,all_,any_", [
    ([True, True], True, True), ([True, None], None, True), ([True, False], False, True),
    ([None, None], None, None), ([False, None], False, None), ([False, False], False, False),
])
def test_three_valued_logic(values, all_, any_):
    assert (all_of(values), any_of(values)) == (all_, any_)


def test_a_figure_in_another_dimension_decides_nothing():
    t = Threshold("sample rate", "greater than", 400, False, None, False, "megasample_per_second", "x")
    f = StatedFigure("sample rate", 12, "binary_digit", "12 bits", 0, 7, 12, True, 12, True)
    assert evaluate_threshold(t, f)[0] is UNKNOWN


# --- the kind of item a heading names ---------------------------------------------------------------------------------

def test_a_heading_that_names_another_kind_is_not_this_item(provisions):
    text = "a GaN amplifier with a peak saturated power output of 50 W at 3.5 GHz"
    # 3.5 GHz meets the test of 3A001.a.10.c ("An operating frequency exceeding 3 GHz"), but its heading is about
    # custom integrated circuits; the amplifier headings (3A001.b.2, .b.4, .b.8) name what was described, so they
    # are the item's candidates and a.10.c is not this item; what the amplifier items need is asked
    r = run(provisions, text, ["3A001"], "GaN amplifier")
    assert node(r, "3A001.a.10.c")[0] is NOT_MET and r.status == "needs_facts"
    assert any(q["parameter"] == "fractional bandwidth" for q in r.questions)     # what 3A001.b.2.a needs
    assert not any(q["locator"].startswith("Annex I 3A001.a.10") for q in r.questions)
    # confirmed by the user: listed there
    confirmed = read_flags(text) + []
    r = classify(entries_from_provisions(provisions, ["3A001"]), read_figures(text),
                 {**{f.name: f for f in confirmed}, "describes:Annex I 3A001.a.10": True}, description="GaN amplifier")
    assert (r.status, r.deciding) == ("listed", "Annex I 3A001.a.10.c")
    # the MMIC amplifier item, once its fractional bandwidth is stated
    r = run(provisions, "a GaN MMIC amplifier with a peak saturated power output of 50 W at 3.5 GHz and a fractional "
                        "bandwidth of 20 %", ["3A001"], "GaN MMIC amplifier")
    assert (r.status, r.deciding) == ("listed", "Annex I 3A001.b.2.a.3")


@pytest.mark.parametrize("said, code, item, expected", [
    ("Triethanolamine, 200 kg", "1C350", "1C350.46", MET),                  # an item that only names a chemical
    ("gas masks against chemical warfare agents", "1A004", "1A004.a.3", MET),     # its name less "(CW)"
    # naming the kind of an item that says more than a name does not meet it: it stays a question
    ("quantum computers", "4A507", "4A507", UNKNOWN),       # "... containing ... ICs, specified by 3A501.a.16"
    ("tritium for luminous signs", "1C235", "1C235", UNKNOWN),  # "... in which the ratio ... exceeds 1 part in 1000"
])
def test_an_item_is_identified_by_name_only_when_it_is_only_a_name(provisions, said, code, item, expected):
    r = classify(entries_from_provisions(provisions, [code]), read_figures(said), read_flags(said), description=said)
    assert node(r, item)[0] is expected


def test_a_release_note_naming_the_item_by_a_defined_term_is_asked_first(provisions):
    """1C351 Note: "1C351 does not control "vaccines" or "immunotoxins"": an inactivated vaccine is asked about it
    before the pathogens' names."""
    said = "an inactivated vaccine made from Ebola virus"
    r = classify(entries_from_provisions(provisions, ["1C351"]), read_figures(said), read_flags(said), description=said)
    assert r.entries[0].questions[0]["locator"] == "Annex I 1C351 Note"


def test_a_kind_the_user_denies_is_not_met(provisions):
    r = classify(entries_from_provisions(provisions, ["3A001"]), read_figures("operating frequency 3.5 GHz"),
                 {"describes:Annex I 3A001.a.10": False})
    assert node(r, "3A001.a.10")[0] is NOT_MET


def test_from_the_store_of_a_build(real_index):
    from ingest.index import serving_build
    from ingest.store import Store
    from law.classify import load_entries
    store = Store(serving_build(real_index) / "store.sqlite")
    adc, armour = load_entries(store, ["3A001", "1A005"])
    text = "Is a 12-bit ADC with a sample rate of 2.5 GSPS controlled?"
    r = classify([adc], read_figures(text), read_flags(text), description="ADC")
    assert (r.status, r.deciding) == ("listed", "Annex I 3A001.a.5.a.3")
    text = "body armour, I will take it with me for my own protection"
    assert classify([armour], read_figures(text), read_flags(text)).status == "not_listed"
    with pytest.raises(KeyError, match="9Z999"):
        load_entries(store, ["9Z999"])


def test_questions_are_answered_by_their_parameter(provisions):
    entries = entries_from_provisions(provisions, ["1A005"])
    r = classify(entries, [], [], description="body armour")
    asked = {q["parameter"] for q in r.questions}
    assert {"accompanying_user", "personal_use"} <= asked
    r = classify(entries, [], {"accompanying_user": True, "personal_use": True}, description="body armour")
    assert r.status == "not_listed"
    # a threshold question answered with a figure named by the question's parameter
    entries = entries_from_provisions(provisions, ["7B102"])
    (q,) = classify(entries, [], []).questions
    answer = StatedFigure(q["parameter"], 80, "ppm", "80 ppm", 0, 6, 80, True, 80, True)
    assert classify(entries, [answer], []).status == "not_listed"


# --- figures read from what datasheets state --------------------------------------------------------------------------

@pytest.mark.parametrize("text,code,item,expected,why", [
    ("operating temperature range -40 °C to +85 °C", "3A001", "3A001.a.2.c", NOT_MET,
     "'over the entire ambient temperature range from 218 K (-55 °C) to 398 K (125 °C)': an industrial range lies "
     "inside it but does not cover it"),
    ("operating temperature range -55 °C to +125 °C", "3A001", "3A001.a.2.c", MET, "covers the whole range"),
    ("operating temperature 85 °C", "3A001", "3A001.a.2.c", UNKNOWN, "one value says nothing of the whole range"),
    ("CW green laser, 532 nm, 60 W, single transverse mode", "6A005", "6A005.a.3.a", MET,
     "'Single transverse mode' output and output power exceeding 50 W"),
    ("CW green laser, 532 nm, 60 W, multimode", "6A005", "6A005.a.3.a", NOT_MET, "multimode is not single mode"),
    ("CW green laser, 532 nm, 60 W", "6A005", "6A005.a.3.a", UNKNOWN, "the mode is not stated: asked"),
    ("Triethanolamine 99 %, CAS 102-71-6, 200 kg drums", "1C350", "1C350.46", MET, "the item's CAS number"),
    ("Thiodiglycol 98 %, 25 kg", "1C350", "1C350.1", MET, "the item's full name"),
    ("Triethanolamine 99 %, CAS 102-71-6", "1C350", "1C350.1", UNKNOWN,
     "another chemical's item stays a question (a mixture may contain it)"),
    ("Purified ricin, 1 mg, as an analytical reference standard", "1C351", "1C351.d.4", MET, "'Ricin;' by name"),
    ("AI accelerator IC: 800 TOPS INT8 dense", "3A501", "3A501.a.16", MET, "TPP 6400: 'of 6000 or more'"),
    ("AI accelerator IC: 700 TOPS INT8 dense", "3A501", "3A501.a.16", UNKNOWN,
     "TPP at least 5600: a mode not stated could reach 6000"),
    ("glass fibre: modulus 80 GPa, strength 4.0 GPa, density 2.55 g/cm3", "1C210", "1C210.b", MET,
     "specific modulus 3,2 × 10^6 m and specific tensile strength 1,6 × 10^5 m"),
    ("glass fibre: modulus 76 GPa, strength 4.0 GPa, density 2.55 g/cm3", "1C210", "1C210.b", NOT_MET,
     "specific modulus 3,04 × 10^6 m is below 3,18 × 10^6 m"),
])
def test_figures_datasheets_state(provisions, text, code, item, expected, why):
    r = run(provisions, text, [code], description=text)
    assert node(r, item)[0] is expected


def test_a_sum_over_channels_does_not_list_an_adc(provisions):
    """3A001.a.5.a Technical Note 3: the sample rate of a multi-channel ADC is that of one channel."""
    text = "Quad 14-bit ADC, 250 MSPS per channel, no interleaving, so 1 GSPS in total across the package"
    r = run(provisions, text, ["3A001"], description=text)
    assert node(r, "3A001.a.5.a.4")[0] is NOT_MET and r.status != "listed"


def test_names_identify_items_only_from_the_users_words(provisions):
    """Search words added to the description never identify an item: only what the user wrote does."""
    entries = entries_from_provisions(provisions, ["1C351"])
    r = classify(entries, [], {}, description="a toxin sample. Ricin", said="a toxin sample")
    assert node(r, "1C351.d.4")[0] is UNKNOWN


def test_a_parameter_stated_in_another_dimension_is_not_asked_again(provisions):
    """'frame rate 30 Gy' cannot be compared with a frame rate: the check stays unknown and is not asked again."""
    from law.figures import StatedFigure
    f = StatedFigure("frame rate", 30, "gray", "frame rate 30 Gy", 0, 16, 30, True, 30, True)
    r = classify(entries_from_provisions(provisions, ["6A004"]), [f], {})
    c = check(r, "6A004.f.1", "frame rates")
    assert c.result is UNKNOWN and c.given == "frame rate 30 Gy"
    assert not any(q["parameter"] in ("frame rates", "frame rate") for q in r.questions)


def test_an_item_evaluated_as_its_own_entry_is_not_asked_its_kind(provisions):
    """A code named by the user (or by a CAS number) is evaluated from that item down: identified by its CAS number,
    1C350.1 is listed, not asked 'Is the item one of these: Thiodiglycol'."""
    text = "Thiodiglycol 98 % (CAS 111-48-8), 25 kg"
    r = run(provisions, text, ["1C350.1"], description=text)
    assert r.status == "listed" and r.deciding == "Annex I 1C350.1"
    assert not any(q["parameter"] == "describes:Annex I 1C350.1" for q in r.questions)


def test_an_entry_whose_text_uses_the_kind_is_not_about_another_kind(provisions):
    """5A002's heading ("Information security" systems) does not name an encryptor, but its items speak of
    encryption: it may be about the item. No text of it speaks of T-shirts."""
    from law.classify import mentions_kind, names_kind
    (entry,) = entries_from_provisions(provisions, ["5A002"])
    assert not names_kind(entry, "Ethernet line encryptor") and mentions_kind(entry, "Ethernet line encryptor")
    assert not mentions_kind(entry, "Cotton T-shirts and hoodies, printed")
    assert mentions_kind(entry, "our new device")           # no word that tells a kind: not shown to be another


@pytest.mark.parametrize("text, entry, named, why", [
    ("equipment specified by 2B001", "2B001", True, "the entry itself"),
    ("controlled by 2B001.a.2", "2B001", True, "one of its items"),
    ("specified by 2B001 to 2B009", "2B004", True, "inside a range"),
    ("specified by 2B001 to 2B009", "2B010", False, "past the range's end"),
    ("specified by 2A, 2B or 2D", "2B204", True, "its whole sub-category"),
    ("specified by 2B0011", "2B001", False, "another number"),
    ("specified by 3B001", "2B001", False, "another category"),
])
def test_names_entry(text, entry, named, why):
    assert names_entry(text, entry) is named, why


@pytest.mark.parametrize("text, flags", [
    ("Our sales engineer travels to China with her company laptop", [("accompanying_user", True)]),
    ("She is travelling to Kyiv with her own body armour, for her own protection",
     [("accompanying_user", True), ("personal_use", True)]),
    ("Our engineer travels to Iran with a colleague", []),             # a person, not an item the user says is theirs
    ("We ship the laptops by courier; our staff travel later", [("accompanying_user", False)]),
])
def test_a_fact_stated_with_words_in_between(text, flags):
    """A person who travels somewhere with their item states that it accompanies its user (parameters.toml
    `yes_patterns`): the words of the place come between."""
    assert [(f.name, f.value) for f in read_flags(text)] == flags


@pytest.mark.parametrize("description, first", [
    ("weather radar", "Annex I 6A008 Note"),         # the Note names "Meteorological (weather) radar"
    ("marine radar", "Annex I 6A008.h.1"),           # a word the Note does not use: the items come first
])
def test_a_release_note_that_names_the_item_described_is_asked_first(provisions, description, first):
    r = run(provisions, f"a {description}", ["6A008"], description)
    assert r.status == "needs_facts"
    assert r.questions[0]["locator"] == first
    assert "Annex I 6A008 Note" in {q["locator"] for q in r.questions}
