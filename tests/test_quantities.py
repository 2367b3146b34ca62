"""Quantities as Annex I and users write them (ingest/quantities.py): numbers, units, flattened exponents."""
import pytest

from ingest.quantities import (AMBIGUOUS, FLATTENED, LIST, USER, QuantityError, convert, find_quantities,
                               parse_number, same_dimension)

# (text, style, expected [(value, pint unit, characters read, flags)], why)
ROWS = [
    ("greater than 1,3 Giga Samples Per Second (GSPS);", LIST,
     [(1.3, "gigasample_per_second", "1,3 Giga Samples Per Second (GSPS)", ())],
     "decimal comma; the unit in words with its abbreviation in brackets (3A001.a.5.a.1)"),
    ('"sample rate" greater than 400 MSPS;', LIST, [(400, "megasample_per_second", "400 MSPS", ())],
     "MSPS: mega samples per second"),
    ("with 1 000  cm3/min of UF6", LIST, [(1000, "centimeter ** 3 / minute", "1 000  cm3/min", ())],
     "a space as thousands separator, two spaces before the unit, a flattened unit exponent (cm3)"),
    ('"Specific modulus" exceeding 12,7 × 106 m; and', LIST, [(12.7e6, "meter", "12,7 × 106 m", (FLATTENED,))],
     "the copy lost the superscript: × 106 is × 10^6, read so and flagged (1C010.a.1)"),
    ("3,18 × 106m", LIST, [(3.18e6, "meter", "3,18 × 106m", (FLATTENED,))],
     "the example the source notes give, unit joined to the number"),
    ("a 'C-NOT error' of less than or equal to 10-3;", LIST, [(1e-3, "", "10-3", (FLATTENED,))],
     "a bare 10-3 in the list is 10^-3 (4A506), flagged"),
    ("5 × 1013 n/cm2 or higher", LIST, [(5e13, "neutron / centimeter ** 2", "5 × 1013 n/cm2", (FLATTENED,))],
     "neutron fluence (3A001.a.1.c)"),
    ("above 398 K (125 °C);", LIST, [(398, "kelvin", "398 K", ()), (125, "degree_Celsius", "125 °C", ())],
     "kelvin with its Celsius equivalent read as two quantities"),
    ("218 K (-55 °C)", LIST, [(218, "kelvin", "218 K", ()), (-55, "degree_Celsius", "-55 °C", ())],
     "a negative temperature"),
    ("Total impulse capacity exceeding 1,1 MNs;", LIST, [(1.1, "meganewton * second", "1,1 MNs", ())],
     "MNs: meganewton seconds (9A007.a)"),
    ("exceeding 70 Weighted TeraFLOPS (WT);", LIST, [(70, "weighted_teraflops", "70 Weighted TeraFLOPS (WT)", ())],
     "Weighted TeraFLOPS (4A003.b)"),
    ("limited to 0,1W (20 dBm) or less", LIST,
     [(0.1, "watt", "0,1W", ()), (20, "decibel_milliwatt_level", "20 dBm", ())], "dBm is a level of its own"),
    ("of 500 Gb/s or greater", LIST, [(500, "gigabinary_digit / second", "500 Gb/s", ())],
     "Gb/s is gigabits per second, not pint's gilbert"),
    ("a pressure ratio of 10:1 or less", LIST, [(10, "", "10:1", ())], "a ratio written N:1"),
    ("exceeding 1,0 second of arc", LIST, [(1.0, "arcsecond", "1,0 second of arc", ())], "an angle in words"),
    ("specified in 3A001.a.5.", LIST, [], "an entry code is not a number"),
    ("12-bit ADCs sampling at 2.5 GSPS", USER,
     [(12, "binary_digit", "12-bit", ()), (2.5, "gigasample_per_second", "2.5 GSPS", ())],
     "a user's decimal point and a hyphenated unit"),
    ("sampling at 2,5 GS/s", USER, [(2.5, "gigasample_per_second", "2,5 GS/s", ())], "a user's decimal comma"),
    ("300 Msps", USER, [(300, "megasample_per_second", "300 Msps", ())], "lower-case sps"),
    ("30 fps", USER, [(30, "frame_per_second", "30 fps", ())], "fps is frames per second, not pint's feet/s"),
    ("1 000 000 frames per second", USER, [(1e6, "frame_per_second", "1 000 000 frames per second", ())],
     "frames per second in words"),
    ("2.5 × 10^9 S/s", USER, [(2.5e9, "sample_per_second", "2.5 × 10^9 S/s", ())], "a written exponent"),
    ("2.5e9 samples/s", USER, [(2.5e9, "sample_per_second", "2.5e9 samples/s", ())], "e notation"),
    ("10⁻³ Pa", USER, [(1e-3, "pascal", "10⁻³ Pa", ())], "superscript exponent"),
    ("1,000.5 kHz", USER, [(1000.5, "kilohertz", "1,000.5 kHz", ())], "comma thousands, point decimals"),
    ("1.000,5 kHz", USER, [(1000.5, "kilohertz", "1.000,5 kHz", ())], "point thousands, comma decimals"),
    ("1'000 W", USER, [(1000, "watt", "1'000 W", ())], "apostrophe thousands"),
    ("1,000 MHz", USER, [(1000, "megahertz", "1,000 MHz", (AMBIGUOUS,))],
     "a lone comma before three digits: thousands or decimals, kept both ways"),
    ("a 256-bit AES key", USER, [(256, "binary_digit", "256-bit", ())], "bits"),
    ("endurance of 45 minutes", USER, [(45, "minute", "45 minutes", ())], "minutes"),
    ("a specific modulus of 13 × 106 m", USER, [(13e6, "meter", "13 × 106 m", (FLATTENED,))],
     "a flattened exponent pasted from the list is flagged in user text too"),
    ("total impulse 1.2 MN·s", USER, [(1.2, "meganewton * second", "1.2 MN·s", ())], "N·s with a middle dot"),
    ("temperature -40 °C to +85 °C", USER,
     [(-40, "degree_Celsius", "-40 °C", ()), (85, "degree_Celsius", "+85 °C", ())], "signs"),
    ("density 1,8 g/cm3", USER, [(1.8, "gram / centimeter ** 3", "1,8 g/cm3", ())], "g/cm3"),
    ("a 1550 nm laser at 5 µm and 5 μm", USER,
     [(1550, "nanometer", "1550 nm", ()), (5, "micrometer", "5 µm", ()), (5, "micrometer", "5 μm", ())],
     "micro sign and Greek mu"),
    ("SFDR 70 dBc", USER, [(70, "decibel_carrier_level", "70 dBc", ())], "dBc"),
]


@pytest.mark.parametrize("text,style,expected,why", ROWS, ids=[r[3][:50] for r in ROWS])
def test_find_quantities(text, style, expected, why):
    got = [(pytest.approx(r.value), r.unit, r.text, r.flags) for r in find_quantities(text, style)]
    assert got == [(pytest.approx(v), u, t, f) for v, u, t, f in expected]


def test_ambiguous_separator_keeps_the_other_reading():
    (r,) = find_quantities("1,000 MHz", USER)
    assert (r.value, r.alternative) == (1000, 1.0)
    (r,) = find_quantities("1.000 MHz", USER)
    assert (r.value, r.alternative) == (1.0, 1000)
    # in the list's own style a comma is always a decimal comma
    assert parse_number("1,000", LIST) == (1.0, None, ())


@pytest.mark.parametrize("value,unit,to,expected", [
    (2.5, "gigasample_per_second", "megasample_per_second", 2500),
    (125, "degree_Celsius", "kelvin", 398.15),            # offset units
    (1.2, "meganewton * second", "kilonewton * second", 1200),
    (45, "minute", "hour", 0.75),
    (30, "frame_per_second", "hertz", 30),                # a frame rate is a frequency (6A004.f Technical Note)
    (50, "percent", "", 0.5),
])
def test_convert(value, unit, to, expected):
    assert convert(value, unit, to) == pytest.approx(expected)


@pytest.mark.parametrize("a,b,same", [
    ("binary_digit", "percent", False),        # 56 bits is not 56 %
    ("decibel_milliwatt_level", "watt", False),  # no logarithmic arithmetic: dBm compares with dBm
    ("", "percent", False),                    # a count compares only with a count
    ("", "", True),
    ("megasample_per_second", "hertz", True),
    ("weighted_teraflops", "", False),
])
def test_same_dimension(a, b, same):
    assert same_dimension(a, b) is same


def test_incompatible_units_raise_a_clear_error():
    with pytest.raises(QuantityError, match="cannot be compared"):
        convert(1, "binary_digit", "hertz")
    with pytest.raises(QuantityError, match="unknown unit"):
        convert(1, "furlongs_per_fortnight_x", "hertz")
