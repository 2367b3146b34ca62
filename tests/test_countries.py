"""Country resolution, free-text detection, Annex II destinations and the sanctions reference data."""
import pytest

from law.countries import (
    EU_MEMBER_STATES, FRENCH_OVERSEAS_TERRITORIES, _code_index, _key, _name_index, all_countries, all_sanctions,
    annex_ii_codes, annex_ii_matches, find_countries, get_country, in_eu_customs_territory, is_eu_member,
    resolve_country, sanctions_for, sanctions_info, suggest_countries,
)

# Destinations as written in Annex II (consolidated text).
EU001 = ["Australia", "Canada", "Iceland", "Japan", "New Zealand", "Norway", "Switzerland, including Liechtenstein",
         "United Kingdom", "United States"]
EU003 = ["Albania", "Argentina", "Bosnia and Herzegovina", "Brazil", "Chile", "China (including Hong Kong and Macao)",
         "French overseas territories", "India", "Kazakhstan", "Mexico", "Montenegro", "Morocco", "North Macedonia",
         "Serbia", "Singapore", "South Africa", "South Korea", "Tunisia", "Turkey", "Ukraine", "United Arab Emirates"]
EU007_EXTRA = ["Indonesia", "Israel", "Jordan", "Malaysia", "Philippines", "Thailand"]
EU008_EXCLUDED = (
    "Afghanistan, Armenia, Azerbaijan, Belarus, Cambodia, Central African Republic, Congo, Democratic Republic of the "
    "Congo, Egypt, Eritrea, Georgia, Iran, Iraq, Israel, Kazakhstan, Kyrgyzstan, Lebanon, Libya, Malaysia, Mali, "
    "Mauritius, Mongolia, Myanmar/Burma, North Korea, Oman, Pakistan, Qatar, Russia, Saudi Arabia, Somalia, "
    "South Sudan, Sudan, Syria, Tajikistan, Turkmenistan, United Arab Emirates, Uzbekistan, Venezuela, Yemen, "
    "Zimbabwe").split(", ") + ["China (including Hong Kong and Macao)"]
ALL_WRITTEN = sorted(set(EU001 + EU003 + EU007_EXTRA + EU008_EXCLUDED))


@pytest.mark.parametrize("text, iso2", [
    ("Germany", "DE"),                              # plain name
    ("germany", "DE"),                              # any case
    ("  'Japan'. ", "JP"),                          # surrounding quotes and punctuation
    ("Brazil?", "BR"),                              # question mark
    ("the Netherlands", "NL"),                      # article
    ("Holland", "NL"),                              # other name
    ("USA", "US"), ("U.S.", "US"), ("United States of America", "US"), ("America", "US"),  # US forms
    ("us", "US"),                                   # whole input that is a code: case-insensitive
    ("UK", "GB"), ("Great Britain", "GB"), ("Britain", "GB"), ("England", "GB"),          # UK forms
    ("Republic of Korea", "KR"), ("South Korea", "KR"), ("Korea (South)", "KR"),          # KR forms
    ("DPRK", "KP"), ("North Korea", "KP"), ("Democratic People's Republic of Korea", "KP"),  # KP forms
    ("Türkiye", "TR"), ("Turkey", "TR"), ("Turkiye", "TR"),                                 # Türkiye with/without accent
    ("Burma", "MM"), ("Myanmar", "MM"), ("Myanmar/Burma", "MM"),                            # Annex II spelling too
    ("Russian Federation", "RU"), ("Russia", "RU"),
    ("Czechia", "CZ"), ("Czech Republic", "CZ"),
    ("Ivory Coast", "CI"), ("Côte d'Ivoire", "CI"), ("cote d'ivoire", "CI"),               # accent and apostrophe
    ("UAE", "AE"), ("Emirates", "AE"),
    ("Hong Kong", "HK"), ("Macao", "MO"), ("Macau", "MO"),
    ("Taiwan", "TW"), ("Vatican", "VA"), ("Holy See", "VA"),
    ("Kosovo", "XK"), ("XK", "XK"),                 # not in pycountry: added by countries.toml
    ("Congo", "CG"), ("Republic of the Congo", "CG"), ("Congo-Brazzaville", "CG"),           # Brazzaville
    ("DR Congo", "CD"), ("DRC", "CD"), ("Congo-Kinshasa", "CD"), ("Democratic Republic of the Congo", "CD"),  # Kinshasa
    ("Swaziland", "SZ"), ("Eswatini", "SZ"),
    ("Cape Verde", "CV"), ("Cabo Verde", "CV"),
    ("Macedonia", "MK"), ("North Macedonia", "MK"),
    ("St. Lucia", "LC"),                            # "St." reads as Saint
    ("The Gambia", "GM"),                           # article in the name itself
    ("fr", "FR"), ("FRA", "FR"), ("deu", "DE"),     # alpha-2 and alpha-3 codes
    ("EL", "GR"),                                   # the EU's code for Greece
    ("Brasil", "BR"), ("brasil", "BR"),             # Spanish (CLDR), any case
    ("Deutschland", "DE"), ("Allemagne", "DE"), ("Germania", "DE"), ("Alemania", "DE"), ("Duitsland", "DE"),
    ("Niemcy", "DE"),                               # Germany in the six other languages
    ("Inde", "IN"), ("Indien", "IN"), ("Indie", "IN"), ("Indii", "IN"),   # Polish genitive by the ending rule
    ("Rosji", "RU"), ("Chin", "CN"), ("Niemiec", "DE"),                   # Polish case forms (Niemiec by hand)
    ("Chinas", "CN"),                               # German genitive
    ("Stanów Zjednoczonych", "US"),                 # Polish genitive of a two-word name
    ("Vereinigten Arabischen Emiraten", "AE"),      # German dative of a three-word name
    ("EEUU", "US"), ("VAE", "AE"),                  # Spanish and German abbreviations
    ("Türkei", "TR"), ("Turquía", "TR"),            # accents folded
    ("Dubai", "AE"), ("Rotterdam", "NL"),           # a city or port resolves to its country
])
def test_resolve(text, iso2):
    assert resolve_country(text).iso2 == iso2


@pytest.mark.parametrize("text", [
    "Brazill",             # misspelt: suggestions only
    "Germeny",             # misspelt
    "Korea",               # ambiguous between KR and KP: never guessed
    "Atlantis",            # not a country
    "",                    # nothing
    "???",                 # punctuation only
    "New Mexico",          # place name containing a country name
    "ZZ",                  # not an assigned code
])
def test_unknown_is_none(text):
    assert resolve_country(text) is None


@pytest.mark.parametrize("text, first", [
    ("Brazill", "BR"),     # one letter off
    ("Germeny", "DE"),     # one letter off
    ("Swizerland", "CH"),  # letter missing
])
def test_suggestions(text, first):
    got = [c.iso2 for c in suggest_countries(text)]
    assert got and got[0] == first and len(got) <= 3


def test_korea_suggests_both():
    assert {"KR", "KP"} <= {c.iso2 for c in suggest_countries("Korea")}


@pytest.mark.parametrize("question, expected", [
    ("can I ship 5A002 to Brazil?", ["BR"]),                                 # plain
    ("export to the UAE", ["AE"]),                                           # abbreviation in capitals
    ("to South Korea and Japan", ["KR", "JP"]),                              # two, in order
    ("Japan first, then South Korea, then Japan again", ["JP", "KR"]),       # each once
    ("ship to the US and the UK", ["US", "GB"]),                             # US/UK in capitals
    ("from the U.S. to Canada", ["US", "CA"]),                               # dotted abbreviation
    ("tell us what you know", []),                                           # "us" the pronoun
    ("a woman from Chad", ["TD"]),                                           # "Oman" not inside "woman"
    ("Nigeria and Niger", ["NG", "NE"]),                                     # "Niger" not inside "Nigeria"
    ("Papua New Guinea", ["PG"]),                                            # not also Guinea
    ("Equatorial Guinea or Guinea-Bissau", ["GQ", "GW"]),                    # not also Guinea
    ("South Sudan", ["SS"]),                                                 # not also Sudan
    ("Congo and the Democratic Republic of the Congo", ["CG", "CD"]),        # two Congos
    ("Democratic People's Republic of Korea", ["KP"]),                       # not also "Republic of Korea"
    ("China (including Hong Kong and Macao)", ["CN", "HK", "MO"]),           # Annex II wording
    ("Brazil's customs office", ["BR"]),                                     # possessive
    ("ship to CN and RU", ["CN", "RU"]),                                     # capital codes
    ("IR camera with 16 GB memory to DE", ["DE"]),                           # IR = infrared, GB = gigabyte
    ("IR camera with 16 GB memory for DE", []),                              # "for" is too weak for a bare code
    ("Siemens AG in Germany", ["DE"]),                                       # company form, not Antigua
    ("an FM radio with an ARM chip", []),                                    # FM radio, ARM (alpha-3 codes not read)
    ("Saint Martin or Sint Maarten", ["MF", "SX"]),                          # the two halves of the island
    ("sales in Latin America and New Mexico", []),                           # regions that contain country names
    ("Türkiye or Turkey", ["TR"]),                                           # two names, one country
    ("is a bulletproof vest controlled?", []),                               # no country
    ("what is 5A002?", []),                                                  # no country
    ("IN the list", []),                                                     # stop-listed capital code
    ("it is", []),                                                           # lower-case codes ignored
    ("no", []),                                                              # lower-case code ignored
    ("IT AT BE TO ME MY AM IS OR NO", []),                                   # stop-listed words in capitals
])
def test_find_countries(question, expected):
    assert [c.iso2 for c in find_countries(question)] == expected


@pytest.mark.parametrize("written, right, wrong", [
    ("Switzerland, including Liechtenstein", ["CH", "LI"], ["AT", "DE"]),
    ("China (including Hong Kong and Macao)", ["CN", "HK", "MO"], ["TW"]),
    ("French overseas territories", ["PF", "NC", "WF", "PM", "BL", "TF"], ["FR", "RE", "GP", "MQ", "GF", "YT", "MF"]),
    ("Myanmar/Burma", ["MM"], []),
    ("Congo", ["CG"], ["CD"]),                            # Republic of the Congo only
    ("Democratic Republic of the Congo", ["CD"], ["CG"]),
    ("North Korea", ["KP"], ["KR"]),
    ("South Korea", ["KR"], ["KP"]),
    ("United Kingdom", ["GB"], ["IE", "US"]),
    ("United States", ["US"], ["GB", "UM"]),
    ("Turkey", ["TR"], ["GR"]),
    ("Australia", ["AU"], ["AT"]),
    ("Sudan", ["SD"], ["SS"]),                            # Sudan is not South Sudan
    ("South Sudan", ["SS"], ["SD"]),
    ("Bosnia and Herzegovina", ["BA"], []),
    ("United Arab Emirates", ["AE"], ["SA"]),
])
def test_annex_ii_matches(written, right, wrong):
    for iso2 in right:
        assert annex_ii_matches(get_country(iso2), written), iso2
    for iso2 in wrong:
        assert not annex_ii_matches(get_country(iso2), written), iso2


def test_switzerland_does_not_cover_liechtenstein_unless_written():
    assert not annex_ii_matches(get_country("LI"), "Switzerland")   # the "including" is what brings LI in
    assert not annex_ii_matches(get_country("HK"), "China")         # idem for Hong Kong


@pytest.mark.parametrize("written", ALL_WRITTEN)
def test_every_annex_ii_destination_resolves(written):
    assert annex_ii_codes(written)              # raises ValueError if unreadable


def test_unreadable_annex_ii_destination_raises():
    with pytest.raises(ValueError):
        annex_ii_codes("Atlantis")


def test_french_territories_are_outside_the_eu():
    assert not any(is_eu_member(get_country(c)) or in_eu_customs_territory(get_country(c))
                   for c in FRENCH_OVERSEAS_TERRITORIES)


def test_eu_members():
    assert len(EU_MEMBER_STATES) == 27 and all(get_country(c) for c in EU_MEMBER_STATES)
    assert is_eu_member(resolve_country("Greece")) and is_eu_member(resolve_country("Czech Republic"))
    assert not is_eu_member(resolve_country("Norway")) and not is_eu_member(resolve_country("United Kingdom"))
    assert not is_eu_member(resolve_country("Réunion")) and in_eu_customs_territory(resolve_country("Réunion"))


def test_tables_are_consistent():
    # no alias names two countries (the index raises if so) and short aliases are not another country's code
    index = {k: e.iso2 for k, e in _name_index().items()}
    for key, iso2 in index.items():
        if iso2 and len(key) <= 3 and key.upper() in _code_index():
            assert _code_index()[key.upper()] == iso2, key
    assert len(all_countries()) == 250                       # 249 ISO + Kosovo
    assert not [c.name for c in all_countries() if c.name.endswith((" of", " of the", ", British", ", U.S."))]  # no index forms
    assert _key("The Netherlands") == _key("netherlands")


def test_sanctions_header():
    info = sanctions_info()
    assert info["as_of"] == "2026-11-28" and info["source_url"] == "https://www.sanctionsmap.eu/"
    assert "verify" in info["disclaimer"].lower()


@pytest.mark.parametrize("name", ["Russia", "Belarus", "Iran", "North Korea", "Syria", "Myanmar", "Venezuela",
                                  "Libya", "Somalia", "South Sudan", "Sudan", "Central African Republic",
                                  "Democratic Republic of the Congo", "Iraq", "Lebanon", "Yemen", "Afghanistan",
                                  "Haiti"])
def test_sanctioned(name):
    entry = sanctions_for(resolve_country(name))
    assert entry and entry.regimes and entry.as_of == "2026-11-28" and entry.source_url


@pytest.mark.parametrize("name, partial", [
    ("Russia", False), ("Iran", False), ("North Korea", False),               # whole country
    ("Iraq", True), ("Lebanon", True), ("Yemen", True), ("Afghanistan", True),  # non-state actors / listed persons
    ("Haiti", True), ("DRC", True), ("Central African Republic", True),
])
def test_partial(name, partial):
    assert sanctions_for(name).partial is partial


@pytest.mark.parametrize("name", ["Brazil", "Japan", "Congo", "Germany", "Zimbabwe"])
def test_not_sanctioned(name):
    assert sanctions_for(name) is None              # Congo (CG) is not the DRC


def test_sanctions_entries_are_valid_countries():
    for e in all_sanctions():
        assert get_country(e.iso2), e.iso2
        assert e.arms_embargo or e.dual_use_restrictions or e.partial, e.iso2
        assert e.summary.endswith(".") and "Sanctions Map" in e.summary and "\n" not in e.summary, e.name


@pytest.mark.parametrize("text, entry", [
    ("Crimea", "Crimea and Sevastopol"),                 # the region's own entry
    ("Sewastopol", "Crimea and Sevastopol"),             # German spelling
    ("Donetsk", "Non-government-controlled areas"),      # the four oblasts share one regime
    ("Zaporoże", "Non-government-controlled areas"),     # Polish spelling
    ("Kyiv", "Ukraine"),                                 # a Ukrainian city outside them: the country's entry
    ("Ukraine", "Ukraine"),
])
def test_region_sanctions(text, entry):
    assert sanctions_for(text).name.startswith(entry)
