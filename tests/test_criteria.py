"""The criteria grammar (ingest/criteria.py): Annex I wording -> machine-checkable criteria, as tables.

Part 1 reads item texts copied verbatim from Annex I (2025) with `read_item`, one row per comparator and combination
form. Part 2 reads 40 real items of all ten categories from the parsed corpus. Part 3 reads release Notes. Part 4
pins every reviewed override in corpus/criteria_overrides.toml to the text it was copied from.
"""
import dataclasses
import re

import pytest

from ingest.criteria import (ALL, ANY, Condition, Criteria, Group, Release, attach_criteria,
                             expand_range, load_overrides, read_codes, read_item, read_release)
from ingest.fingerprint import BUILD_CODE
from ingest.manifest import load_manifest
from ingest.model import Provision
from tests.conftest import REAL_SOURCES

M, MS, GS, BIT, K = "meter", "megasample_per_second", "gigasample_per_second", "binary_digit", "kelvin"


def thresholds(c: Criteria) -> list[tuple]:
    return [(t.parameter, t.low, t.low_inclusive, t.high, t.high_inclusive, t.unit) for t in c.thresholds]


def approx(rows: list[tuple]) -> list[tuple]:
    num = lambda x: None if x is None else pytest.approx(x)        # noqa: E731
    return [(n, num(lo), li, num(hi), hi_i, u) for n, lo, li, hi, hi_i, u in rows]


# --- 1. the grammar, one row per form -----------------------------------------------------------------------------
# (item text, has sub-items, [(parameter, low, low incl., high, high incl., unit)], own join, sub-items join, why)
FORMS = [
    ('A resolution of 12 bit or more, but less than 14 bit, with a "sample rate" greater than 400 MSPS;', False,
     [("resolution", 12, True, 14, False, BIT), ("sample rate", 400, False, None, False, MS)], ALL, None,
     "'X or more, but less than Y' is one range; 'with' joins a second test (3A001.a.5.a.3)"),
    ('A resolution of 8 bit or more, but less than 10 bit, with a "sample rate" greater than 1,3 Giga Samples Per '
     'Second (GSPS);', False,
     [("resolution", 8, True, 10, False, BIT), ("sample rate", 1.3, False, None, False, GS)], ALL, None,
     "a decimal comma and the unit spelled out (3A001.a.5.a.1)"),
    ("Total impulse capacity exceeding 1,1 MNs;", False,
     [("total impulse capacity", 1.1, False, None, False, "meganewton * second")], ALL, None,
     "'exceeding' is strictly greater (9A007.a)"),
    ("A maximum 'endurance' of 1 hour or greater;", False, [("endurance", 1, True, None, False, "hour")], ALL, None,
     "'or greater' after the value includes it; the quoted term names the parameter (9A012.a.2)"),
    ("A maximum 'endurance' greater than or equal to 30 minutes but less than 1 hour; and", False,
     [("endurance", 30, True, 60, False, "minute")], ALL, None,
     "'greater than or equal to … but less than' in two units: the upper limit is converted (9A012.a.1.a)"),
    ("Pumping speed equal to or greater than 15 m3/s; and", False,
     [("pumping speed", 15, True, None, False, "meter ** 3 / second")], ALL, None, "'equal to or greater than' (2B231.b)"),
    ("A thickness of 12 mm or less; and", False, [("thickness", None, False, 12, True, "millimeter")], ALL, None,
     "'or less' includes the value (1A202.b)"),
    ("Reflectometers specially designed to characterise mirrors, for \"laser\" gyros, having a measurement accuracy "
     "of 50 ppm or less (better).", False, [("measurement accuracy", None, False, 50, True, "ppm")], ALL, None,
     "'or less (better)'; 'specially designed' is a judgement (7B102)"),
    ("Rotary shaft seals for compressors or blowers specified in 0B001.c.3. and designed for a buffer gas in-leakage "
     "rate of less than 1000 cm3/min.;", False,
     [("buffer gas in-leakage rate", None, False, 1000, False, "centimeter ** 3 / minute")], ALL, None,
     "'less than' is strict; a code in the text is not a number (0B001.c.4)"),
    ("Rated for operation at an ambient temperature below 218 K (-55 °C); or", False,
     [("ambient temperature", None, False, 218, False, K)], ALL, None, "'below' (3A001.a.2.b)"),
    ("A 'C-NOT error' of less than or equal to 10-3;", False,
     [("c-not error", None, False, 0.001, True, "")], ALL, None,
     "'less than or equal to' and a flattened exponent 10-3 (4A506)"),
    ('A "unidirectional positioning repeatability" for jig boring machines, equal to or less (better) than 1,1 μm '
     "along one or more linear axis; or", False,
     [("unidirectional positioning repeatability", None, False, 1.1, True, "micrometer")], ALL, None,
     "'equal to or less (better) than'; the quoted term before a comma names the parameter (2B001.b.3)"),
    ("An 'adjusted update rate' exceeding 1250 MSPS but not exceeding 3500 MSPS, and having any of the following:",
     True, [("adjusted update rate", 1250, False, 3500, True, MS)], ALL, ANY,
     "'exceeding … but not exceeding' is one range; 'and having any of the following' joins sub-items (3A001.a.5.b.2.a)"),
    ("A peak saturated power output greater than 40 W (46 dBm) at any frequency exceeding 3,2 GHz up to and including "
     "3,7 GHz; or", False,
     [("peak saturated power output", 40, False, None, False, "watt"),
      ("frequency", 3.2, False, 3.7, True, "gigahertz")], ALL, None,
     "'up to and including' closes a range; the bracketed dBm is kept as an alternate (3A001.b.2.a.3)"),
    ("An outer ring outside diameter between 25 mm and 100 mm; and", False,
     [("outer ring outside diameter", 25, True, 100, True, "millimeter")], ALL, None, "'between X and Y' (2A101.b)"),
    ("Rated for operation over the entire ambient temperature range from 218 K (-55 °C) to 398 K (125 °C);", False,
     [("entire ambient temperature range", 218, True, 398, True, K)], ALL, None, "'from X to Y' (3A001.a.2.c)"),
    ("A water evaporation capacity of ≥ 0,4 kg/h and ≤ 400 kg/h;", False,
     [("water evaporation capacity", 0.4, True, 400, True, "kilogram / hour")], ALL, None,
     "the signs ≥ and ≤ (2B352.h.1)"),
    ("Integrated circuits having one or more digital processing units having a 'Total Processing Performance' "
     "('TPP') of 6000 or more.", False, [("total processing performance", 6000, True, None, False, "")], ALL, None,
     "a count; 'one or more' is not a threshold (3A501.a.16)"),
    ('"Digital computers" having an "Adjusted Peak Performance" ("APP") exceeding 70 Weighted TeraFLOPS (WT);', False,
     [("adjusted peak performance", 70, False, None, False, "weighted_teraflops")], ALL, None,
     "Weighted TeraFLOPS; the bracketed abbreviation is not the parameter (4A003.b)"),
    ("More than 1500 terminals;", False, [("terminals", 1500, False, None, False, "")], ALL, None,
     "a count whose noun follows the number (3A001.a.10.a)"),
    ("Five or more axes which can be coordinated simultaneously for \"contouring control\" having any of the "
     "following:", True, [("axes", 5, True, None, False, "")], ALL, ANY, "a count in words (2B001.c.2)"),
    ("Optical fibres of more than 500 m in length and specified by the manufacturer as being capable of withstanding "
     "a 'proof test' tensile stress of 2 × 109 N/m2 or more;", False,
     [("length", 500, False, None, False, M), ("proof test tensile stress", 2e9, True, None, False,
                                                  "newton / meter ** 2")], ALL, None,
     "'of more than 500 m in length' names its parameter after the unit; × 109 is flattened (5A001.c)"),
    ("Nozzles with thrust levels exceeding 45 kN or nozzle throat erosion rates of less than 0,075 mm/s;", False,
     [("thrust levels", 45, False, None, False, "kilonewton"),
      ("nozzle throat erosion rates", None, False, 0.075, False, "millimeter / second")], ANY, None,
     "'or' between two tests: either suffices (9A008.c)"),
    ("Rated for operation at an ambient temperature below 228 K (-45 °C) or above 358 K (85 °C); or", False,
     [("ambient temperature", None, False, 228, False, K), ("ambient temperature", 358, False, None, False, K)],
     ANY, None, "two limits on one parameter joined by 'or' (4A001.a.1)"),
    ("Capable of rates of 400 degrees/s or more, or 30 degrees/s or less; and", False,
     [("rates", 400, True, None, False, "degree / second"), ("rates", None, False, 30, True, "degree / second")],
     ANY, None, "the second limit inherits the parameter (2B120.c.1.a)"),
    ("Microwave power sources and antennae for producing or accelerating ions, with an output frequency greater than "
     "30 GHz and mean power output greater than 50 kW;", False,
     [("output frequency", 30, False, None, False, "gigahertz"), ("mean power output", 50, False, None, False,
                                                                   "kilowatt")], ALL, None,
     "'and' between two tests: both needed (0B001.i.1)"),
    ('A \'Spurious Free Dynamic Range\' (SFDR) greater than 68 dBc (carrier) when synthesising a full scale analogue '
     "signal of 100 MHz or the highest full scale analogue signal frequency specified below 100 MHz; or", False,
     [("spurious free dynamic range", 68, False, None, False, "decibel_carrier_level")], ALL, None,
     "a 'when …' clause states the test condition, not a criterion (3A001.a.5.b.2.a.2)"),
    ("Electro-optical and \"optical integrated circuits\", designed for \"signal processing\" and having all of the "
     "following:", True, [], ALL, ALL, "'having all of the following': every sub-item (3A001.a.6)"),
    ("ADCs having any of the following:", True, [], ALL, ANY, "'having any of the following': one sub-item (3A001.a.5.a)"),
    ("Crucibles having both of the following characteristics:", True, [], ALL, ALL, "'both of the following' (2B227.c)"),
    ("Electronic items as follows:", True, [], ALL, ANY, "'as follows': the sub-items are alternatives (3A001)"),
]


@pytest.mark.parametrize("text,kids,expected,join,children,why", FORMS, ids=[f[5][:50] for f in FORMS])
def test_grammar_forms(text, kids, expected, join, children, why):
    c = read_item(text, has_children=kids)
    assert thresholds(c) == approx(expected)
    assert (c.join, c.children, c.unparsed) == (join, children, ())


@pytest.mark.parametrize("text,kind,name,why", [
    ("Protective suits, gloves and shoes, specially designed or modified for defence against any of the following:",
     "judgement", "specially designed or modified", "'specially designed … for' is an expert's judgement (1A004.b)"),
    ("Neural network integrated circuits;", "fact", "describes:", "a leaf that only names a kind of item (3A001.a.9)"),
])
def test_conditions(text, kind, name, why):
    c = read_item(text, has_children=text.endswith(":"))
    assert any(isinstance(t, Condition) and t.kind == kind and t.name.startswith(name) for t in c.tests)


@pytest.mark.parametrize("text,why", [
    ("Protective and detection equipment and components not specially designed for military use, as follows:",
     "'not specially designed' describes the entry; it is no judgement to make (1A004)"),
    ("Full face masks, filter canisters and decontamination equipment therefor, designed or modified for defence "
     "against any of the following, and specially designed components therefor:",
     "'and specially designed components therefor' adds a kind of item; it is no condition (1A004.a)"),
])
def test_no_judgement(text, why):
    assert not any(isinstance(t, Condition) for t in read_item(text, has_children=True).tests)


@pytest.mark.parametrize("text,unparsed,why", [
    ("Fast Fourier Transform (FFT) processors having a rated execution time for an N-point complex FFT of less than "
     "(N log2 N) /20480 ms, where N is the number of points;", "less than (N log2 N)", "a formula (3A001.a.12)"),
    ("Capable of producing an ultimate vacuum better than 13 mPa.", "better than 13 mPa",
     "'better than' gives no direction: an override decides (2B231.c)"),
    ("Hard body armour plates providing ballistic protection equal to or less than level IIIA (NIJ 0101.06, July "
     "2008), or \"equivalent standards\".", "equal to or less than level IIIA", "a protection level, not a number"),
])
def test_unreadable_wording_is_listed_not_guessed(text, unparsed, why):
    c = read_item(text, has_children=False)
    assert any(u.startswith(unparsed) for u in c.unparsed) and not c.machine_checkable


def test_spans_are_verbatim_and_flattened_exponents_flagged():
    text = 'A "specific modulus" exceeding 10,15 × 106 m; and'
    (t,) = read_item(text, has_children=False).thresholds
    assert text[t.start:t.end] == t.span == '"specific modulus" exceeding 10,15 × 106 m'
    assert t.required == "exceeding 10,15 × 106 m" and t.flags == ("flattened_exponent",)
    assert t.low == pytest.approx(10.15e6)


def test_bracketed_equivalents_are_kept():
    (t,) = read_item("Rated for operation at an ambient temperature above 398 K (125 °C);", has_children=False).thresholds
    assert (t.low, t.unit, t.alternates) == (398, K, ((125, None, "degree_Celsius"),))


def test_not_used_and_tails():
    assert read_item("Not used;", has_children=False).not_used
    assert read_item("Optical waveguides; or", has_children=False).tail == "or"
    assert read_item("One or more than one internal light detecting element; and", has_children=False).tail == "and"


def test_round_trip():
    c = read_item('A resolution of 12 bit or more, but less than 14 bit, with a "sample rate" greater than 400 MSPS;',
                  has_children=False)
    assert Criteria.from_dict(c.to_dict()) == c
    r = read_release("Note 1: 1A005 does not control body armour when accompanying its user for the user's own "
                     "personal protection.", heading="Body armour and components therefor")
    assert Release.from_dict(r.to_dict()) == r


@pytest.mark.parametrize("note, heading, asked", [
    # an object of defined terms only is what the Note releases: asked, not skipped as if it had no condition
    ('Note: 1C351 does not control "vaccines" or "immunotoxins".', 'Human and animal pathogens and "toxins", as follows:',
     '"vaccines" or "immunotoxins"'),
    # one that repeats the heading's words is no condition
    ('Note: 1A005 does not control "body armour".', "Body armour and components therefor, as follows:", None),
])
def test_a_release_of_defined_terms_describes_what_it_releases(note, heading, asked):
    r = read_release(note, node="X", heading=heading, provision="Annex I X Note")
    assert [t.span for t in r.condition.tests if t.name == "describes:Annex I X Note"] == ([asked] if asked else [])


def test_criteria_follow_the_text_and_the_build_follows_the_grammar():
    p = Provision(locator="Annex I 3A001.a.5.a.3", kind="item", source="s", version="v", parent="Annex I 3A001",
                  text='A resolution of 12 bit or more, but less than 14 bit, with a "sample rate" greater than 400 MSPS;')
    (before,) = attach_criteria([p], overrides={})
    changed = dataclasses.replace(p, text=p.text.replace("400", "500"))
    (after,) = attach_criteria([changed], overrides={})
    assert before.data["criteria"]["tests"][1]["low"] == 400 and after.data["criteria"]["tests"][1]["low"] == 500
    assert {"criteria.py", "quantities.py", "units.txt", "../corpus/criteria_overrides.toml"} <= set(BUILD_CODE)


@pytest.mark.parametrize("text,codes", [
    ("3A001.a.3. to 3A001.a.10., 3A001.a.12. to 3A001.a.14., 3A001.b.12. or 3A501.a.15.",
     ["3A001.a.3", "3A001.a.4", "3A001.a.5", "3A001.a.6", "3A001.a.7", "3A001.a.8", "3A001.a.9", "3A001.a.10",
      "3A001.a.12", "3A001.a.13", "3A001.a.14", "3A001.b.12", "3A501.a.15"]),
    ("5A002, 5D002.a.1., 5D002.b. and 5D002.c.1.", ["5A002", "5D002.a.1", "5D002.b", "5D002.c.1"]),
])
def test_read_codes_expands_ranges(text, codes):
    assert read_codes(text) == codes
    assert expand_range("6A002.a.3.a", "6A002.a.3.e")[-1] == "6A002.a.3.e"


# --- 2. real items of all ten categories (the corpus as parsed) --------------------------------------------------

REAL_JSON = REAL_SOURCES / "annex-i-2025" / "annex.json"


@pytest.fixture(scope="module")
def corpus():
    if not REAL_JSON.is_file():
        pytest.skip(f"official texts not found in {REAL_SOURCES}")
    from ingest.annex_json import parse_annex_json
    return {p.locator: p for p in parse_annex_json(REAL_JSON, load_manifest().get("annex-i-2025"))}


# (path, [(parameter, low, low incl., high, high incl., unit)], why) — values read by hand from the text
REAL = [
    ("0B001.c.4", [("buffer gas in-leakage rate", None, False, 1000, False, "centimeter ** 3 / minute")],
     "in-leakage rate of less than 1000 cm3/min"),
    ("0B001.i.1", [("output frequency", 30, False, None, False, "gigahertz"),
                   ("mean power output", 50, False, None, False, "kilowatt")], "greater than 30 GHz and 50 kW"),
    ("0C004", [("density", 1.5, False, None, False, "gram / centimeter ** 3"),
               ("quantities", 1, False, None, False, "kilogram")],
     "density greater than 1,50 g/cm3, quantities exceeding 1 kg ('better than 5 parts per million' stays unread)"),
    ("1A002.b.1.a", [("specific modulus", 10.15e6, False, None, False, M)], "exceeding 10,15 × 106 m (flattened)"),
    ("1A008.a.1", [("net explosive quantity", 90, False, None, False, "gram")], "NEQ greater than 90 g"),
    ("1C004.a", [("density", 17.5, False, None, False, "gram / centimeter ** 3")], "density exceeding 17,5 g/cm3"),
    ("1C010.a.1", [("specific modulus", 12.7e6, False, None, False, M)], '"Specific modulus" exceeding 12,7 × 106 m'),
    ("1C210.a.1", [("specific modulus", 12.7e6, True, None, False, M)], "12,7 × 106 m or greater"),
    ("2A101.b", [("outer ring outside diameter", 25, True, 100, True, "millimeter")], "between 25 mm and 100 mm"),
    ("2B104.a", [("maximum working pressure", 69, True, None, False, "megapascal")], "69 MPa or greater"),
    ("2B231.b", [("pumping speed", 15, True, None, False, "meter ** 3 / second")], "equal to or greater than 15 m3/s"),
    ("3A001.a.3", [("clock frequency", 40, False, None, False, "megahertz")], "clock frequency exceeding 40 MHz"),
    ("3A001.a.2.a", [("ambient temperature", 398, False, None, False, K)], "above 398 K (125 °C)"),
    ("3A001.a.5.a.3", [("resolution", 12, True, 14, False, BIT), ("sample rate", 400, False, None, False, MS)],
     "the ADC of the issue"),
    ("3A001.a.14.a.3", [("resolution", 12, True, 14, False, BIT), ("sample rate", 1.0, False, None, False, GS)],
     "ICs containing ADCs: greater than 1,0 GSPS"),
    ("3A001.a.7.b", [("aggregate one-way peak serial transceiver data rate", 500, True, None, False,
                      "gigabinary_digit / second")], "500 Gb/s or greater"),
    ("3A501.a.16", [("total processing performance", 6000, True, None, False, "")], "TPP of 6000 or more"),
    ("4A003.b", [("adjusted peak performance", 70, False, None, False, "weighted_teraflops")], "APP exceeding 70 WT"),
    ("4A001.a.1", [("ambient temperature", None, False, 228, False, K),
                   ("ambient temperature", 358, False, None, False, K)], "below 228 K or above 358 K (any)"),
    ("5A001.c", [("length", 500, False, None, False, M),
                 ("proof test tensile stress", 2e9, True, None, False, "newton / meter ** 2")],
     "more than 500 m in length; 2 × 109 N/m2 or more"),
    ("5E001.d.6", [("peak saturated power output", 31.62, False, None, False, "milliwatt"),
                   ("frequency", 43.5, False, 75, True, "gigahertz"),
                   ("fractional bandwidth", 10, False, None, False, "percent")], "three tests joined by 'and with'"),
    ("6A003.a.4", [("speed", 1e6, False, None, False, "frame_per_second")], "exceeding 1000000 frames/s"),
    ("6A003.a.5.b", [("framing rate", 125, False, None, False, "frame_per_second")],
     "more than 125 full frames per second"),
    ("6A004.f.1", [("frame rates", 1, True, None, False, "kilohertz")], "'Frame rates' equal to or more than 1 kHz"),
    ("6A203.b.1", [("recording rates", 225000, False, None, False, "frame_per_second")],
     "greater than 225000 frames per second"),
    ("6A002.a.3.c", [("wavelength range", 1200, False, 30000, True, "nanometer")],
     "exceeding 1200 nm but not exceeding 30000 nm"),
    ("6A005.d.1.a.2", [("wavelength", 1570, False, None, False, "nanometer"),
                       ("cw output power", 500, False, None, False, "milliwatt")], "wavelength and power"),
    ("7B102", [("measurement accuracy", None, False, 50, True, "ppm")], "50 ppm or less (better)"),
    ("7A001.a.3", [("linear acceleration levels", 100, False, None, False, "standard_gravity")],
     "'exceeding 100 g': g is an acceleration here, not a gram"),
    ("7A002.a.1", [("angular rate range", None, False, 500, False, "degree / second")],
     "'less than 500 degrees per second'"),
    ("8A002.o.4", [("power output", 0.1, False, None, False, "megawatt")], "exceeding 0.1 MW (a decimal point)"),
    ("8A001.a", [("depths", 1000, False, None, False, M)], "'designed to operate at depths exceeding 1000 m'"),
    ("8A001.b.1.b", [("lifting capacity", 15, True, None, False, "kilonewton")],
     "'15 kN or more': the parameter is named by the heading above ('having a lifting capacity of all of …')"),
    ("9A007.a", [("total impulse capacity", 1.1, False, None, False, "meganewton * second")], "exceeding 1,1 MNs"),
    ("9A107", [("total impulse capacity", 0.841, True, None, False, "meganewton * second")],
     "equal to or greater than 0,841 MNs"),
    ("9A012.a.1.a", [("endurance", 30, True, 60, False, "minute")], "30 minutes or more, less than 1 hour"),
    ("9A012.a.2", [("endurance", 1, True, None, False, "hour")], "1 hour or greater"),
    ("9A008.c", [("thrust levels", 45, False, None, False, "kilonewton"),
                 ("nozzle throat erosion rates", None, False, 0.075, False, "millimeter / second")], "either"),
    ("9B008", [("test flow total temperature", 833, False, None, False, K)], "exceeding 833 K (560 °C)"),
    ("1C111.a.5.b", [("volume-based energy density", 37.5e9, True, None, False, "joule / meter ** 3")],
     "37,5 × 109 J/m3 or greater (flattened); 'measured at 20 °C' is a condition"),
    ("2B120.c.1.a", [("rates", 400, True, None, False, "degree / second"),
                     ("rates", None, False, 30, True, "degree / second")], "either rate"),
    ("0B001.j.5.d", [("voltage regulation", None, False, 0.01, False, "percent")], "override: better than 0,01 %"),
    ("5A002.a", [("symmetric key length", 56, False, None, False, BIT),
                 ("integer factorisation key length", 512, False, None, False, BIT),
                 ("finite field discrete logarithm key length", 512, False, None, False, BIT),
                 ("elliptic curve key length", 112, False, None, False, BIT)],
     "override: the key lengths of 5A002.a Technical Note 2"),
]


@pytest.mark.real
@pytest.mark.parametrize("path,expected,why", REAL, ids=[r[0] for r in REAL])
def test_real_items(corpus, path, expected, why):
    p = corpus[f"Annex I {path}"]
    c = Criteria.from_dict(p.data["criteria"])
    assert thresholds(c) == approx(expected)
    for t in c.thresholds:                        # every span is verbatim in the provision it names
        source = corpus[t.provision] if t.provision else p
        assert t.span in source.text


@pytest.mark.real
def test_real_rows_cover_all_ten_categories():
    assert {r[0][0] for r in REAL} == set("0123456789") and len(REAL) >= 30


@pytest.mark.real
def test_real_children_joins(corpus):
    c = lambda path: Criteria.from_dict(corpus[f"Annex I {path}"].data["criteria"])     # noqa: E731
    assert c("3A001").children == ANY and c("3A001.a.5.a").children == ANY
    assert c("3A001.a.6").children == ALL                      # "having all of the following"
    assert c("9A012.a.1").children == ALL                      # "Having all of the following:"
    assert c("3A001.a.5.b.2").children == ANY and c("3A001.a.5.b.2").thresholds[0].low == 12


# --- 3. release Notes ----------------------------------------------------------------------------------------------

def flat(g: Group) -> list:
    out = []
    for t in g.tests:
        out += flat(t) if isinstance(t, Group) else [t]
    return out


@pytest.mark.real
@pytest.mark.parametrize("locator,scope,excluded,facts,why", [
    ("Annex I 1A005 Note 1", ("1A005",), (), {"accompanying_user", "personal_use"},
     "'when accompanying its user for the user's own personal protection': two facts, both needed"),
    ("Annex I Category 5 Part 2 Note 2", ("5A002", "5A003", "5A004", "5B002", "5D002", "5E002"), (),
     {"accompanying_user", "personal_use"}, "'Category 5, Part 2' resolved to its entries"),
    ("Annex I Category 5 Part 2 Note 3", ("5A002", "5D002.a.1", "5D002.b", "5D002.c.1"), (), None,
     "the Cryptography Note: its paragraphs a. and b. are alternatives to confirm"),
    ("Annex I 1C353 Note 2", ("1C353",), (), None, "a split Note releases on its own"),
    ("Annex I Category 3 3A Note 1", ("3A001", "3A002", "3A501"),
     ("3A001.a.3", "3A001.a.4", "3A001.a.5", "3A001.a.6", "3A001.a.7", "3A001.a.8", "3A001.a.9", "3A001.a.10",
      "3A001.a.12", "3A001.a.13", "3A001.a.14", "3A001.b.12", "3A501.a.15"), None,
     "'other than those described in …' carves ranges out of the scope"),
])
def test_real_release_notes(corpus, locator, scope, excluded, facts, why):
    (r,) = [Release.from_dict(d) for d in corpus[locator].data["release"]]
    assert (r.scope, r.excluded) == (scope, excluded)
    if facts:
        assert {t.name for t in flat(r.condition) if isinstance(t, Condition)} == facts


@pytest.mark.real
def test_real_release_with_a_threshold(corpus):
    (r,) = [Release.from_dict(d) for d in corpus["Annex I 6A003.b.4 Note 3"].data["release"]]
    assert r.scope == ("6A003.b.4.b",)
    options = next(t for t in r.condition.tests if isinstance(t, Group))
    assert options.join == ANY and [g.label for g in options.tests] == ["a", "b"]
    (frame_rate,) = options.tests[0].tests                     # "a. A maximum frame rate equal to or less than 9 Hz"
    assert (frame_rate.parameter, frame_rate.high, frame_rate.high_inclusive, frame_rate.unit) == (
        "maximum frame rate", 9, True, "hertz")


@pytest.mark.real
def test_real_release_notes_share(corpus):
    # every Note that says "does not control / apply to / include" in an entry is read as a release
    notes = [p for p in corpus.values() if p.kind == "note" and re.search(r"\bdoes not (control|apply to)\b", p.text)]
    assert notes and all("release" in p.data for p in notes)


# --- 4. reviewed overrides, pinned to their text ---------------------------------------------------------------------

OVERRIDES = load_overrides()


def override_tests():
    for locator, record in OVERRIDES.items():
        groups = [record] if record.get("kind", "item") == "item" else record["release"]
        for g in groups:
            for t in g["tests"]:
                yield locator, t


@pytest.mark.real
@pytest.mark.parametrize("locator,test", list(override_tests()),
                         ids=[f"{l}:{t['span'][:30]}" for l, t in override_tests()])
def test_override_span_still_reads_so(corpus, locator, test):
    where = test.get("provision") or locator
    assert test["span"] in corpus[where].text, f"{where} no longer reads {test['span']!r}: review the override"
    for key in ("low", "high"):                  # values are copied from the span (decimal comma as in the text)
        if test.get(key) is not None:
            written = f"{test[key]:g}".replace(".", ",")
            assert written in test["span"] or f"{test[key]:g}" in test["span"]


def test_every_override_says_why():
    assert OVERRIDES and all(r.get("why") for r in OVERRIDES.values())


def test_a_moved_span_is_not_applied(tmp_path):
    bad = tmp_path / "overrides.toml"
    bad.write_text('[[override]]\nlocator = "Annex I 2B231.c"\nwhy = "x"\n[[override.tests]]\n'
                   'span = "ultimate vacuum better than 14 mPa"\nparameter = "ultimate vacuum"\n'
                   'comparator = "better than"\nhigh = 14.0\nunit = "millipascal"\n')
    p = Provision(locator="Annex I 2B231.c", kind="item", source="s", version="v", parent="Annex I 2B231",
                  text="Capable of producing an ultimate vacuum better than 13 mPa.")
    # values are never applied to a text they were not copied from: the item is left unread, for an expert
    (p,) = attach_criteria([p], overrides=load_overrides(bad))
    c = Criteria.from_dict(p.data["criteria"])
    assert not c.thresholds and not c.machine_checkable and any("no longer reads so" in u for u in c.unparsed)
