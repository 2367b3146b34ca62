"""Figures and yes/no facts read from what users write (law/figures.py)."""
import pytest

from law.figures import canonical_parameter, read_figures, read_flags

GS, MS, BIT = "gigasample_per_second", "megasample_per_second", "binary_digit"

# (sentence, [(parameter, value, unit, words)], why)
SENTENCES = [
    ("Is a 12-bit analogue-to-digital converter with a sample rate of 2.5 GSPS controlled?",
     [("resolution", 12, BIT, "12-bit"), ("sample rate", 2.5, GS, "sample rate of 2.5 GSPS")],
     "the issue's question: bits name a resolution, the words name the sample rate"),
    ("We make 12-bit ADCs sampling at 2.5 GSPS.",
     [("resolution", 12, BIT, "12-bit"), ("sample rate", 2.5, GS, "2.5 GSPS")], "GSPS alone names a sample rate"),
    ("sampling rate 300 Msps, resolution: 12 bits",
     [("sample rate", 300, MS, "sampling rate 300 Msps"), ("resolution", 12, BIT, "resolution: 12 bits")],
     "synonym 'sampling rate', lower-case Msps, 'resolution:'"),
    ("an ADC at 2,5 GS/s", [("sample rate", 2.5, GS, "2,5 GS/s")], "decimal comma and GS/s"),
    ("Thermal camera, 30 fps, 640x512", [("frame rate", 30, "frame_per_second", "30 fps")],
     "fps names a frame rate; '640x512' is no figure"),
    ("The camera runs at a frame rate of 9 Hz", [("frame rate", 9, "hertz", "frame rate of 9 Hz")],
     "a frame rate in Hz (6A003.b.4 Note 3 writes it so)"),
    ("high-speed camera recording 1 000 000 frames per second",
     [("frame rate", 1e6, "frame_per_second", "1 000 000 frames per second")], "frames per second in words"),
    ("Solid rocket motor with a total impulse of 1.2 MNs",
     [("total impulse", 1.2, "meganewton * second", "total impulse of 1.2 MNs")], "MNs"),
    ("a motor delivering 900 kN·s", [("total impulse", 900, "kilonewton * second", "900 kN·s")],
     "kN·s names a total impulse by its unit"),
    ("drone with a flight time of 45 minutes", [("endurance", 45, "minute", "flight time of 45 minutes")],
     "'flight time' is the list's 'endurance'"),
    ("carbon fibre, specific modulus 13 × 10^6 m",
     [("specific modulus", 13e6, "meter", "specific modulus 13 × 10^6 m")], "a written exponent"),
    ("AES with 256-bit keys", [("symmetric key length", 256, BIT, "256-bit")],
     "bits next to AES are a key length, not a resolution"),
    ("RSA 2048-bit keys", [("integer factorisation key length", 2048, BIT, "2048-bit")], "RSA keys"),
    ("a key length of 128 bits", [("symmetric key length", 128, BIT, "key length of 128 bits")], "named"),
    ("Operating temperature range: -40 °C to +85 °C",
     [("ambient temperature", -40, "degree_Celsius", "Operating temperature range: -40 °C to +85 °C")],
     "a range is one figure"),
    ("APP of 80 WT", [("adjusted peak performance", 80, "weighted_teraflops", "APP of 80 WT")], "APP in WT"),
    ("a chip with a TPP of 4800", [("total processing performance", 4800, "", "TPP of 4800")],
     "a count named by its parameter"),
    ("a measurement accuracy of 30 ppm", [("measurement accuracy", 30, "ppm", "measurement accuracy of 30 ppm")],
     "no known name: the words before it, as written"),
    ("we ship 300 units in 2024 at 12 EUR each", [], "quantities ordered, years and prices are no figures"),
    ("CW green laser, 532 nm, 60 W, made by doubling a 150 W ytterbium fibre laser",
     [("wavelength", 532, "nanometer", "532 nm"), ("output power", 60, "watt", "60 W"), (None, 150, "watt", "150 W")],
     "a CW laser's bare watts are its output power; '150 W ytterbium …' qualifies another thing (the pump)"),
    ("Multimode welding fibre laser, 1.5 kW CW at 1070 nm",
     [("output power", 1.5, "kilowatt", "1.5 kW"), ("wavelength", 1070, "nanometer", "1070 nm")], "'1.5 kW CW'"),
    ("a pulsed laser, 20 W", [(None, 20, "watt", "20 W")], "pulsed: average or peak, so the watts stay unnamed"),
    ("Our 16-bit 65 MSPS ADC, commercial grade",
     [("resolution", 16, BIT, "16-bit"), ("sample rate", 65, MS, "65 MSPS"),
      ("ambient temperature", 0, "degree_Celsius", "commercial grade")],
     "a converter's bits wherever the text names the converter; an IC temperature grade is its rated range"),
    ("a commercial grade drone", [], "a grade names a temperature range only for integrated circuits"),
    ("Quad ADC, 250 MSPS per channel, so 1 GSPS in total",
     [("sample rate", 250, MS, "250 MSPS"), (None, 1, GS, "1 GSPS")],
     "a sum over channels is not the sample rate (3A001.a.5.a Technical Note 3)"),
    ("GPU: 990 TFLOPS dense FP16, 1980 TFLOPS with sparsity",
     [("total processing performance", 990 * 16, "", "990 TFLOPS dense FP16")],
     "TPP = TOPS or FLOPS × bit length, dense (3A501.a.16 Technical Notes); the sparse figure is not used"),
    ("glass fibre: modulus 80 GPa, strength 4.0 GPa, density 2.55 g/cm3",
     [(None, 80, "gigapascal", "80 GPa"), ("specific modulus", 80e9 / (2550 * 9.80665), "meter",
                                           "80 GPa, density 2.55 g/cm3"),
      (None, 4, "gigapascal", "4.0 GPa"), ("specific tensile strength", 4e9 / (2550 * 9.80665), "meter",
                                           "4.0 GPa, density 2.55 g/cm3"),
      ("density", 2.55, "gram / centimeter ** 3", "density 2.55 g/cm3")],
     "specific modulus and strength: the pressure divided by the specific weight (Annex I Definitions)"),
]


@pytest.mark.parametrize("text,expected,why", SENTENCES, ids=[s[2][:50] for s in SENTENCES])
def test_sentences(text, expected, why):
    got = [(f.parameter, pytest.approx(f.value), f.unit, f.words) for f in read_figures(text)]
    assert got == [(p, pytest.approx(v), u, w) for p, v, u, w in expected]


@pytest.mark.parametrize("text,low,high,why", [
    ("a sample rate of more than 400 MSPS", 400, None, "'more than': open above"),
    ("a sample rate of at least 3 GSPS", 3, None, "'at least'"),
    ("sample rate below 300 MSPS", None, 300, "'below': open below"),
    ("sample rate 2.5 GSPS", 2.5, 2.5, "a plain value"),
    ("sample rate between 1 and 2 GSPS", 1, 2, "a range"),
])
def test_what_the_words_say_about_the_value(text, low, high, why):
    (f,) = read_figures(text)
    assert (f.low, f.high) == (low, high)


def test_ambiguous_separator_is_kept_both_ways():
    (f,) = read_figures("a sample rate of 1,000 MSPS")
    assert (f.value, f.alternative, f.flags) == (1000, 1.0, ("ambiguous_separator",))


def test_flattened_exponent_pasted_from_the_list_is_flagged():
    (f,) = read_figures('specific modulus exceeding 12,7 × 106 m')
    assert f.value == pytest.approx(12.7e6) and f.flags == ("flattened_exponent",)


# A datasheet paragraph written for this test (not a real product), over 2,000 characters, figures spread to its end.
DATASHEET = (
    "Product overview. The XQ-4410 is a single-channel analogue-to-digital converter designed for direct RF sampling "
    "in test and measurement instruments, software-defined radio front ends and laboratory digitisers. The device "
    "integrates a wideband track-and-hold amplifier, an on-chip reference, a programmable digital down-converter and "
    "a high-speed serial interface compliant with JESD204C, so that a single part replaces a discrete chain of mixer, "
    "filter and converter on the receive path. Core performance: resolution: 12 bits; sample rate: 3.0 GSPS in "
    "single-channel mode, with the interleaving calibration running in the background and invisible to the host. "
    "Input characteristics: the full-power analogue input bandwidth reaches 6 GHz, which allows sampling in the "
    "second and third Nyquist zones; the differential input impedance is 100 ohm and the full-scale input range can "
    "be programmed from 0.8 to 1.2 V peak-to-peak in steps of 10 mV through the serial port. Dynamic performance, "
    "typical values measured at nominal supply and 25 degrees ambient: signal-to-noise ratio 56 dBFS with a 1 GHz "
    "input tone; SFDR 70 dBc at 1 GHz; noise spectral density better than the previous generation by 3 dB. The "
    "digital down-converter offers decimation by 2, 4, 8 and 16 with a 48-bit numerically controlled oscillator, and "
    "the serial interface runs up to 16 lanes. Power: the device takes its supplies from 1.0 V, 1.8 V and 2.5 V "
    "rails; total power dissipation is 3.2 W in full-rate mode and drops in the decimating modes; a power-down pin "
    "brings the part to a standby state within microseconds. Packaging and environment: the converter comes in a "
    "196-ball flip-chip BGA of 12 mm by 12 mm; it is rated for an operating temperature range of -40 °C to +85 °C "
    "(industrial grade), with a junction temperature limit of 125 °C; it is not radiation hardened and no "
    "space-qualified version is offered. Ordering: evaluation boards ship with a reference clock and a capture card; "
    "engineering samples are available now and volume production starts in the third quarter. Reliability "
    "qualification follows the usual industrial standards for humidity, temperature cycling and electrostatic "
    "discharge, and the full reports are available to customers under a non-disclosure agreement. For export "
    "purposes, please note the sample rate figure given above, and that the maximum sampling rate of the "
    "interleaved mode is 6 GSPS when both cores are combined into one channel.")


def test_long_datasheet_paragraph():
    assert len(DATASHEET) > 2000
    by_name = {}
    for f in read_figures(DATASHEET):
        by_name.setdefault(f.parameter, []).append(f)
    assert [(f.value, f.unit) for f in by_name["resolution"]] == [(12, BIT)]
    assert [(f.value, f.words) for f in by_name["sample rate"]] == [
        (3.0, "sample rate: 3.0 GSPS"), (6.0, "6 GSPS")]             # the second named by its unit
    (temperature,) = by_name["ambient temperature"]
    assert (temperature.low, temperature.high, temperature.unit) == (-40, 85, "degree_Celsius")
    assert DATASHEET[temperature.start:temperature.end] == temperature.words      # the characters it came from
    assert "symmetric key length" not in by_name            # "48-bit numerically controlled oscillator": no key
    assert [f.value for f in by_name.get(None, []) if f.unit == "binary_digit"] == [48]   # nor a resolution
    # a power dissipation is not an output power: it keeps its own words and matches no Annex I power criterion
    (power,) = [f for f in read_figures(DATASHEET) if f.unit == "watt"]
    assert power.parameter == "total power dissipation" and power.named_by == "phrase"


# (text, {flag: value}, why)
FLAGS = [
    ("body armour vest, I will take it with me for my own protection",
     {"accompanying_user": True, "personal_use": True}, "1A005 Note 1 in a traveller's words"),
    ("my laptop accompanies its user on a business trip, for the user's personal use",
     {"accompanying_user": True, "personal_use": True}, "the Note's own words"),
    ("the vest is not for my own use, we ship it to a customer by courier",
     {"personal_use": False, "accompanying_user": False}, "a negated yes phrase and a no phrase"),
    ("we sell these helmets", {"personal_use": False}, "selling is not personal use"),
    ("the source code is published in the public domain", {"public_domain": True}, "GSN b., GTN"),
    ("results of basic scientific research", {"basic_scientific_research": True}, "GTN"),
    ("a sample rate of 2.5 GSPS", {}, "no fact stated"),
]


@pytest.mark.parametrize("text,expected,why", FLAGS, ids=[f[2][:50] for f in FLAGS])
def test_flags(text, expected, why):
    got = {}
    for f in read_flags(text):
        got[f.name] = f.value
        assert text[f.start:f.end] == f.words
    assert got == expected


@pytest.mark.parametrize("phrase,name", [
    ("sample rate", "sample rate"), ('"sample rate"', "sample rate"), ("maximum frame rate", "frame rate"),
    ("framing rate", "frame rate"), ("total impulse capacity", "total impulse"), ("dac clock frequency",
                                                                                  "clock frequency"),
    ("specific modulus", "specific modulus"), ("symmetric key length", "symmetric key length"),
    ("peak saturated power output", "peak saturated power output"), ("unidirectional positioning repeatability",
                                                                     "unidirectional positioning repeatability"),
    ("measurement accuracy", None),
])
def test_canonical_parameter_of_the_lists_wording(phrase, name):
    assert canonical_parameter(phrase) == name


def test_processing_performance_is_a_lower_bound():
    """Stated throughputs need not cover every mode of the chip: the derived TPP can meet a threshold, never fail it."""
    f = next(f for f in read_figures("accelerator: 700 TOPS INT8 dense and 350 TFLOPS FP16 dense")
             if f.parameter == "total processing performance")
    assert (f.low, f.high, f.flags) == (5600, None, ("derived",))


@pytest.mark.parametrize("text,value,why", [
    ("single transverse mode output (M² < 1.1)", True, "as the list writes it"),
    ("Single-mode GaSb laser diode", True, "datasheet wording"),
    ("Multimode industrial welding fibre laser", False, "multimode is not single transverse mode"),
    ("CW laser, 60 W", None, "not stated"),
    ("CW laser, 60 W, single-mode and multimode versions", None, "both said: it decides nothing"),
])
def test_transverse_mode(text, value, why):
    got = [f.value for f in read_flags(text) if f.name == "single_transverse_mode"]
    assert got == ([] if value is None else [value])
