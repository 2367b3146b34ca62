"""Quantities as Annex I writes them and as users write them: numbers, units, flattened exponents (pint).

One pint `UnitRegistry` (pint's defaults plus the project's definitions in `units.txt`) does every conversion. This
module reads the written forms into it:

- numbers: the list's decimal comma and space thousands ("0,024", "1 000"); a user's "2.5", "2,5", "10,000.5",
  "10.000,5", "1'000", "1e6", "2.5 × 10^9", "10⁻³". A lone separator before exactly three digits ("1,000",
  "1.000") can be read two ways: the reading keeps both (`alternative`) and the flag `ambiguous_separator`.
- exponents the copy flattened ("3,18 × 106m" is 3,18 × 10^6 m, "10-3" is 10^-3): read as exponents, as the
  source notes say they are, and flagged `flattened_exponent` so every use can warn. Never read as "× 106".
- units: the spellings of the list and of datasheets ("GSPS", "Giga Samples Per Second", "Msps", "MS/s", "bit",
  "fps", "frames per second", "Weighted TeraFLOPS", "MNs", "N/m2", "g/cm3", "°C", "μm"/"µm", "dBm" ...) mapped to
  pint units. A parenthesised abbreviation of the same unit ("Giga Samples Per Second (GSPS)") is part of it.

`find_quantities(text, style)` returns every number in a text with its unit (if any) and its character span.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pint

UNITS_FILE = Path(__file__).with_name("units.txt")
LIST, USER = "list", "user"            # how numbers are written: the Official Journal's style, or anyone's

FLATTENED = "flattened_exponent"
AMBIGUOUS = "ambiguous_separator"


class QuantityError(ValueError):
    """A unit is unknown, or two quantities cannot be compared (different dimensions)."""


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(on_redefinition="raise")
    ureg.load_definitions(str(UNITS_FILE))
    return ureg


# ------------------------------------------------------------------------------------------------------ units

# Written spelling -> pint unit expression. Case matters ("MW" is not "mW"). Longest spellings win.
_PREFIXED = {
    # frequency, rates
    "Hz": "hertz", "kHz": "kilohertz", "MHz": "megahertz", "GHz": "gigahertz", "THz": "terahertz",
    "SPS": "sample_per_second", "kSPS": "kilosample_per_second", "MSPS": "megasample_per_second",
    "GSPS": "gigasample_per_second", "sps": "sample_per_second", "ksps": "kilosample_per_second",
    "Msps": "megasample_per_second", "Gsps": "gigasample_per_second", "S/s": "sample_per_second",
    "kS/s": "kilosample_per_second", "MS/s": "megasample_per_second", "GS/s": "gigasample_per_second",
    "Sa/s": "sample_per_second", "MSa/s": "megasample_per_second", "GSa/s": "gigasample_per_second",
    "Giga Samples Per Second": "gigasample_per_second", "Mega Samples Per Second": "megasample_per_second",
    "giga samples per second": "gigasample_per_second", "mega samples per second": "megasample_per_second",
    "gigasamples per second": "gigasample_per_second", "megasamples per second": "megasample_per_second",
    "samples per second": "sample_per_second", "samples/s": "sample_per_second",
    "fps": "frame_per_second", "frames per second": "frame_per_second", "full frames per second": "frame_per_second",
    "frames/s": "frame_per_second", "frame/s": "frame_per_second", "frames/second": "frame_per_second",
    "r.p.m.": "revolutions_per_minute", "rpm": "revolutions_per_minute",
    # information
    "bit": "binary_digit", "bits": "binary_digit", "Gb/s": "gigabinary_digit / second",
    "Gbit/s": "gigabinary_digit / second", "Gbps": "gigabinary_digit / second", "Mb/s": "megabinary_digit / second",
    "Mbit/s": "megabinary_digit / second", "Mbps": "megabinary_digit / second", "kbit/s": "kilobinary_digit / second",
    "bit/s": "binary_digit / second", "Tbit/s": "terabinary_digit / second", "Tb/s": "terabinary_digit / second",
    # computing performance
    "Weighted TeraFLOPS": "weighted_teraflops", "WT": "weighted_teraflops",
    # power, energy, impulse, force
    "nW": "nanowatt", "μW": "microwatt", "µW": "microwatt", "mW": "milliwatt", "W": "watt", "kW": "kilowatt",
    "MW": "megawatt", "GW": "gigawatt", "TW": "terawatt", "VA": "volt_ampere", "kVA": "kilovolt_ampere",
    "μJ": "microjoule", "µJ": "microjoule", "mJ": "millijoule", "J": "joule", "kJ": "kilojoule", "MJ": "megajoule",
    "Wh": "watt_hour", "kWh": "kilowatt_hour", "eV": "electronvolt", "keV": "kiloelectronvolt",
    "MeV": "megaelectronvolt", "GeV": "gigaelectronvolt",
    "N": "newton", "kN": "kilonewton", "MN": "meganewton",
    "Ns": "newton * second", "N·s": "newton * second", "N•s": "newton * second", "N s": "newton * second",
    "kNs": "kilonewton * second", "kN·s": "kilonewton * second", "kN s": "kilonewton * second",
    "MNs": "meganewton * second", "MN·s": "meganewton * second", "MN s": "meganewton * second",
    # pressure, stress
    "μPa": "micropascal", "µPa": "micropascal", "mPa": "millipascal", "Pa": "pascal", "kPa": "kilopascal",
    "MPa": "megapascal", "GPa": "gigapascal", "bar": "bar", "mbar": "millibar", "Torr": "torr",
    "mTorr": "millitorr", "psi": "psi", "N/m2": "newton / meter ** 2", "N/m²": "newton / meter ** 2",
    "N/mm2": "newton / millimeter ** 2", "N/mm²": "newton / millimeter ** 2",
    # temperature
    "K": "kelvin", "mK": "millikelvin", "°C": "degree_Celsius", "° C": "degree_Celsius", "oC": "degree_Celsius",
    "℃": "degree_Celsius", "°F": "degree_Fahrenheit",
    # length, area, volume
    "pm": "picometer", "nm": "nanometer", "μm": "micrometer", "µm": "micrometer", "mm": "millimeter",
    "cm": "centimeter", "m": "meter", "km": "kilometer", "metres": "meter", "meters": "meter", "metre": "meter",
    "meter": "meter", "feet": "foot", "ft": "foot", "nautical miles": "nautical_mile", "nmi": "nautical_mile",
    "mm2": "millimeter ** 2", "mm²": "millimeter ** 2", "cm2": "centimeter ** 2", "cm²": "centimeter ** 2",
    "m2": "meter ** 2", "m²": "meter ** 2", "mm3": "millimeter ** 3", "cm3": "centimeter ** 3",
    "cm³": "centimeter ** 3", "m3": "meter ** 3", "m³": "meter ** 3", "litres": "liter", "liters": "liter",
    "litre": "liter", "ml": "milliliter",
    # time
    "fs": "femtosecond", "ps": "picosecond", "ns": "nanosecond", "μs": "microsecond", "µs": "microsecond",
    "ms": "millisecond", "s": "second", "seconds": "second", "second": "second", "min": "minute",
    "minutes": "minute", "minute": "minute", "h": "hour", "hours": "hour", "hour": "hour", "hrs": "hour",
    "days": "day", "years": "year",
    # mass, density, flow
    "μg": "microgram", "µg": "microgram", "mg": "milligram", "g": "gram", "kg": "kilogram", "tonnes": "metric_ton",
    "g/cm3": "gram / centimeter ** 3", "g/cm³": "gram / centimeter ** 3", "kg/m3": "kilogram / meter ** 3",
    "g/ml": "gram / milliliter", "mg/m3": "milligram / meter ** 3", "kg/h": "kilogram / hour",
    "g/m": "gram / meter", "kg/m2": "kilogram / meter ** 2", "m3/h": "meter ** 3 / hour",
    "m3/hour": "meter ** 3 / hour", "m3/s": "meter ** 3 / second", "m3/min": "meter ** 3 / minute",
    "m3/minute": "meter ** 3 / minute", "cm3/min": "centimeter ** 3 / minute", "kg/kWh": "kilogram / kilowatt_hour",
    # angle, angular rate
    "degrees": "degree", "degree": "degree", "deg": "degree", "°": "degree", "rad": "radian",
    "mrad": "milliradian", "milliradians": "milliradian", "radians": "radian",
    "mm mrad": "millimeter * milliradian", "mm•mrad": "millimeter * milliradian",
    "mm·mrad": "millimeter * milliradian", "mm*mrad": "millimeter * milliradian", "mm-mrad": "millimeter * milliradian",
    "μrad": "microradian",
    "µrad": "microradian", "arc second": "arcsecond",
    "second of arc": "arcsecond", "seconds of arc": "arcsecond", "arcsec": "arcsecond",
    "degrees/s": "degree / second", "deg/s": "degree / second", "degrees/second": "degree / second",
    "°/s": "degree / second", "degrees/hour": "degree / hour", "deg/h": "degree / hour", "°/h": "degree / hour",
    "degrees per hour": "degree / hour", "degree per hour": "degree / hour", "degrees per second": "degree / second",
    "degree per second": "degree / second", "degree per square root hour": "degree / hour ** 0.5",
    "degrees per square root hour": "degree / hour ** 0.5", "nautical miles per hour": "nautical_mile / hour",
    "micro g": "micro_g", "μg (acceleration)": "micro_g", "°/hr": "degree / hour", "deg/hr": "degree / hour",
    # speed, acceleration
    "m/s": "meter / second", "km/s": "kilometer / second", "km/h": "kilometer / hour", "mm/s": "millimeter / second",
    "knots": "knot", "knot": "knot", "mm/year": "millimeter / year", "m/s2": "meter / second ** 2",
    "m/s²": "meter / second ** 2",
    # radiation, fields, electrical
    "Gy": "gray", "Gy (silicon)": "gray", "Gy(silicon)": "gray", "Gy (Si)": "gray", "Gy (silicon)/s": "gray / second",
    "Gy/s": "gray / second", "rad (Si)": "rad", "n/cm2": "neutron / centimeter ** 2", "GBq": "gigabecquerel",
    "TBq": "terabecquerel", "GBq/kg": "gigabecquerel / kilogram", "Ci/kg": "curie / kilogram",
    "J/kg": "joule / kilogram", "J/m3": "joule / meter ** 3", "W/kg": "watt / kilogram",
    "Wh/kg": "watt_hour / kilogram",
    "W/cm2": "watt / centimeter ** 2", "kW/cm2": "kilowatt / centimeter ** 2", "W/m2": "watt / meter ** 2",
    "kW/ cm2": "kilowatt / centimeter ** 2", "J/cm2": "joule / centimeter ** 2", "μA/lm": "microampere / lumen",
    "µA/lm": "microampere / lumen", "mm/μs": "millimeter / microsecond", "mm/µs": "millimeter / microsecond",
    "S/m": "siemens / meter", "ohms/square": "ohm", "litres per minute": "liter / minute",
    "mA/W": "milliampere / watt", "A/W": "ampere / watt", "A/cm2": "ampere / centimeter ** 2",
    "A/mm2": "ampere / millimeter ** 2", "A/μs": "ampere / microsecond", "A/µs": "ampere / microsecond",
    "V": "volt", "mV": "millivolt", "kV": "kilovolt", "MV": "megavolt", "A": "ampere", "mA": "milliampere",
    "kA": "kiloampere", "μF": "microfarad", "µF": "microfarad", "nF": "nanofarad", "nH": "nanohenry",
    "ohms": "ohm", "ohm": "ohm", "Ω": "ohm", "ohm-cm": "ohm * centimeter", "T": "tesla", "mT": "millitesla",
    "nT": "nanotesla", "pT": "picotesla", "nT/m": "nanotesla / meter", "mGal": "milligalileo", "cSt": "centistokes",
    # ratios, levels
    "%": "percent", "ppm": "ppm", "dB": "decibel_level", "dBm": "decibel_milliwatt_level",
    "dBc": "decibel_carrier_level", "dBi": "decibel_isotropic_level", "dBfs": "decibel_full_scale_level",
    "dBFS": "decibel_full_scale_level",
}
UNIT_SPELLINGS: dict[str, str] = dict(_PREFIXED)

# a unit ends where a word does; "/" and a digit would continue it ("N/m2"), so they end it only when not a unit
_UNIT = re.compile("(?:" + "|".join(re.escape(s) for s in sorted(UNIT_SPELLINGS, key=len, reverse=True)) +
                   r")(?![\w°µμ²³/])")


def parse_unit(text: str, pos: int = 0) -> tuple[str, int] | None:
    """(pint expression, end) of the unit written at `pos`, or None. Takes a following "(GSPS)" that names the
    same unit."""
    m = _UNIT.match(text, pos)
    if not m:
        return None
    unit, end = UNIT_SPELLINGS[m.group(0)], m.end()
    again = re.match(r"\s?\((" + "|".join(re.escape(s) for s in ("GSPS", "MSPS", "WT")) + r")\)", text[end:])
    if again and UNIT_SPELLINGS[again.group(1)] == unit:
        end += again.end()
    return unit, end


def unit_label(unit: str) -> str:
    """A short label for a pint unit expression, as the list writes it ("megasample_per_second" -> "MSPS")."""
    for spelling, expr in UNIT_SPELLINGS.items():
        if expr == unit and not re.search(r"\s", spelling) and spelling not in ("Gy (silicon)",):
            return spelling
    return unit


# ---------------------------------------------------------------------------------------------------- numbers

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MANTISSA = (r"\d{1,3}(?:[ \u00a0\u202f'’]\d{3})+(?:[.,]\d+)?"      # 1 000, 1 000,5, 1'000
             r"|\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:\.\d{3})+,\d+"     # 1,000.5 / 1.000,5
             r"|\d{1,3}(?:,\d{3}){2,}|\d{1,3}(?:\.\d{3}){2,}"        # 1,000,000 / 1.000.000
             r"|\d+(?:[.,]\d+)?")
_NUMBER = re.compile(
    r"(?<![\w.,])"
    r"(?P<sign>(?:(?<=[\s(±≤≥<>=~])|^)[-−–+] ?(?=\d))?"
    rf"(?P<m>{_MANTISSA})"
    r"(?:(?P<times>\s?[×x·*]\s?)10(?:(?P<caret>\^|\*\*)\s?(?P<exp>[-−–+]?\d{1,3})"
    r"|(?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|(?P<flat>[-−–]?\d{1,2})(?![\d,.]\d))"
    r"|[eE](?P<e>[-+]?\d{1,3})(?!\w))?")
_POWER_OF_TEN = re.compile(r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")     # "10⁻³" written alone


def parse_number(s: str, style: str = USER) -> tuple[float, float | None, tuple[str, ...]]:
    """(value, other reading or None, flags) of a written number without exponent ("1 000", "0,024", "1,000")."""
    s = re.sub(r"[ \u00a0\u202f'’]", "", s)
    if "," in s and "." in s:                     # both: the last one is the decimal separator
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        return float(s.replace("." if dec == "," else ",", "").replace(",", ".")), None, ()
    for sep in (",", "."):
        if s.count(sep) > 1:                      # 1,000,000 / 1.000.000: thousands
            return float(s.replace(sep, "")), None, ()
        if s.count(sep) == 1:
            whole, frac = s.split(sep)
            decimal = float(f"{whole}.{frac}")
            if style == LIST:                      # the OJ writes "0,5" (and once "0.1 MW"); thousands by spaces
                return decimal, None, ()
            if len(frac) == 3 and whole.strip("0"):  # "1,000" / "1.000": thousands or decimals?
                thousands = float(whole + frac)
                first = thousands if sep == "," else decimal
                return first, (decimal if first == thousands else thousands), (AMBIGUOUS,)
            return decimal, None, ()
    return float(s), None, ()


@dataclass(frozen=True)
class Reading:
    """One number found in a text, with its unit when one follows."""
    value: float                   # the number as read (exponent applied)
    unit: str                      # pint expression; "" for a plain number (a count)
    text: str                      # the characters it was read from, e.g. "2,5 GSPS"
    start: int
    end: int
    flags: tuple[str, ...] = ()    # FLATTENED, AMBIGUOUS
    alternative: float | None = None   # the other reading of an ambiguous separator
    number_end: int = 0            # where the number ends (before the unit)

    @property
    def unit_text(self) -> str:
        return self.text[self.number_end - self.start:].strip(" -")

    def quantity(self, value: float | None = None) -> pint.Quantity:
        return quantity(self.value if value is None else value, self.unit)


def quantity(value: float, unit: str) -> pint.Quantity:
    try:
        return registry().Quantity(value, unit or "dimensionless")
    except pint.errors.UndefinedUnitError as e:
        raise QuantityError(f"unknown unit {unit!r}") from e


def find_quantities(text: str, style: str = USER) -> list[Reading]:
    """Every number in `text` with the unit that follows it, in order. `style` LIST reads the Official Journal's
    conventions (decimal comma; "× 106" and "10-3" are flattened exponents); USER reads anyone's."""
    out: list[Reading] = []
    for m in _NUMBER.finditer(text):
        if out and m.start() < out[-1].end:       # inside the previous reading ("10-3", "1 000")
            continue
        value, alt, flags = parse_number(m.group("m"), style)
        exp = _exponent(m, style)
        end = m.end()
        if exp is not None:
            try:
                value, alt = value * 10 ** exp[0], (alt * 10 ** exp[0] if alt is not None else None)
            except OverflowError:                  # "4 x 10^352": no figure a float holds, so none is read
                continue
            flags += exp[1]
        elif m.group("m") == "10":
            sup = _POWER_OF_TEN.match(text, end)
            flat = re.match(r"[-–](\d{1,2})(?![\d,.]\d)", text[end:]) if style == LIST else None
            if sup:                                                  # "10⁻³"
                value, end = 10.0 ** int(sup.group(0).translate(_SUPERSCRIPTS)), sup.end()
            elif flat:                                               # "10-3": 10^-3, flattened in the copy
                value, end, flags = 10.0 ** -int(flat.group(1)), end + flat.end(), flags + (FLATTENED,)
        sign = m.group("sign")
        if sign and sign.strip() in "-−–":
            value, alt = -value, (-alt if alt is not None else None)
        ratio = re.match(r":1(?![\d,.])", text[end:])                 # "a pressure ratio of 10:1": 10
        if ratio:
            end += ratio.end()
        number_end = end
        unit = ""
        gap = re.match(r"(?:-| {0,2})", text[end:])                # "400 MSPS", "1 000  cm3", "12-bit"
        parsed = parse_unit(text, end + gap.end())
        if parsed:
            unit, end = parsed
        elif not ratio and re.match(r"[^\W\d_]", text[end:end + 1]):
            continue                                # "3A001", "2n": a code or a symbol, not a number
        out.append(Reading(value, unit, text[m.start():end], m.start(), end, tuple(flags), alt, number_end))
    return out


def _exponent(m: re.Match, style: str) -> tuple[int, tuple[str, ...]] | None:
    if m.group("exp"):
        return int(m.group("exp").replace("−", "-").replace("–", "-")), ()
    if m.group("e"):
        return int(m.group("e")), ()
    if m.group("sup"):
        return int(m.group("sup").translate(_SUPERSCRIPTS)), ()
    if m.group("flat"):                           # "× 106": the copy lost the superscript
        return int(m.group("flat").replace("−", "-").replace("–", "-")), (FLATTENED,)
    return None


# ---------------------------------------------------------------------------------------------------- compare

def convert(value: float, unit: str, to: str) -> float:
    """`value` in `unit`, expressed in `to` (temperatures included). QuantityError when the dimensions differ."""
    try:
        return quantity(value, unit).to(to or "dimensionless").magnitude
    except pint.errors.DimensionalityError as e:
        raise QuantityError(f"{unit or 'a plain number'} cannot be compared with {to or 'a plain number'}") from e


def same_dimension(a: str, b: str) -> bool:
    if not a or not b:
        return a == b                # a count compares only with a count (not with %, ppm or a level)
    try:
        return quantity(1, a).dimensionality == quantity(1, b).dimensionality
    except QuantityError:
        return False
