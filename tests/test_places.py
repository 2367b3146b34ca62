"""find_places: countries, cities, ports, regions, demonyms and codes in seven languages, with the role (cue) the
words before them give them. Each row: text, expected places as (iso2, kind, cue[, region]), one-line reason."""
import pytest

from law.countries import near_country, _name_index, find_countries, find_places, misspelt_country, sanctions_for, unread_place

D, O, T, L, N = "destination", "origin", "transit", "location", None


def _view(places):
    return [(p.country.iso2, p.kind, p.cue) + ((p.region,) if p.region else ()) for p in places]


ROWS = [
    # --- the defects of issue 9
    ("Can we ship 9A012 to Dubai?", [("AE", "city", D)]),                              # Dubai is the UAE
    ("a 20 W CW laser for cutting steel, to India", [("IN", "country", D)]),           # CW = continuous wave
    ("Our CW fibre laser goes to Japan", [("JP", "country", D)]),                      # CW in a product phrase
    ("PLEASE HELP US: CAN WE SHIP 9A012 TO INDIA?", [("IN", "country", D)]),           # US in capitals, ungoverned
    ("WE SHIP TO US", [("US", "country", D)]),                                           # ...but governed it is a place
    ("Can we deliver a generator to Crimea?", [("UA", "region", D, "crimea")]),        # a region with its own measures
    ("spare parts for a plant in Donetsk", [("UA", "region", L, "donetsk")]),          # location, region kept
    ("shipping to Luhansk via Rostov", [("UA", "region", D, "luhansk")]),              # Rostov is not in the table
    ("5A002 Brasil?", [("BR", "country", N)]),                                         # Spanish/Portuguese spelling
    ("nach Deutschland", [("DE", "country", D)]),                                      # German name
    ("transit through Rotterdam to Singapore", [("NL", "port", T), ("SG", "country", D)]),   # a port is its country
    # --- English
    ("from Germany to Brazil via Jebel Ali", [("DE", "country", O), ("BR", "country", D), ("AE", "port", T)]),
    ("to India and Pakistan", [("IN", "country", D), ("PK", "country", D)]),           # coordination keeps the role
    ("a German company exporting to Japan", [("DE", "demonym", N), ("JP", "country", D)]),   # demonym: no cue
    ("we polish lenses in Italy", [("IT", "country", L)]),                             # "polish" is not Polish
    ("a Polish distributor", [("PL", "demonym", N)]),                                  # ...but "Polish" is
    ("ship to the UAE and then to Kyiv", [("AE", "country", D), ("UA", "city", D)]),   # Kyiv: Ukraine, no region
    ("IN the list, IT says", []),                                                      # capital words, no cue
    ("laser operating in CW.", []),                                                    # "in" is too weak for a code
    ("a licence for CW?", []),                                                         # "for" is too weak for a code
    ("ship to US customers", [("US", "country", D)]),                                  # US written as an alias
    ("ship to CN and RU", [("CN", "code", D), ("RU", "code", D)]),                     # governed codes, coordinated
    ("to ME MY AM", []),                                                               # a word follows: not a code
    ("sales in Latin America", []),                                                    # a region containing a name
    # --- German
    # issue 12: "nach"
    ("Brauche ich eine Ausfuhrgenehmigung für eine Wärmebildkamera nach China?", [("CN", "country", D)]),
    ("Lieferung in die Schweiz über Hamburg", [("CH", "country", D), ("DE", "port", T)]),   # "in die" = to
    # "mit Sitz in" = based in
    ("ein deutsches Unternehmen mit Sitz in München", [("DE", "demonym", N), ("DE", "city", O)]),
    ("Ausfuhr aus Polen in den Iran", [("PL", "country", O), ("IR", "country", D)]),   # "aus" / "in den"
    # inflected adjectives
    ("Vermittlung von Lieferungen in die Vereinigten Arabischen Emirate", [("AE", "country", D)]),
    ("die Tochter in den Vereinigten Staaten", [("US", "country", L)]),                 # "in den" + dative: location
    # --- French
    # issue 12: "vers l'"
    ("Faut-il une licence pour exporter un fermenteur de 100 litres vers l'Inde ?", [("IN", "country", D)]),
    # feminine demonym, "au"
    ("une société française qui exporte au Brésil", [("FR", "demonym", N), ("BR", "country", D)]),
    ("expédier à Dubaï en passant par Anvers", [("AE", "city", D), ("BE", "port", T)]),   # French city names
    ("nous sommes établis en Belgique", [("BE", "country", L)]),                       # no sending verb: location
    ("réparation d'un appareil venu de Chine", [("CN", "country", O)]),   # "de" = from
    # --- Italian
    # "in" after a sending verb
    ("un'azienda italiana che esporta in Cina", [("IT", "demonym", N), ("CN", "country", D)]),
    ("spedire un drone a Mosca passando per Istanbul", [("RU", "city", D), ("TR", "city", T)]),   # CLDR's "Mosca"
    ("una fiera a Milano", [("IT", "city", L)]),   # no sending verb: location
    ("importato dalla Germania", [("DE", "country", O)]),   # "dalla" = from the
    # --- Spanish
    # "a la": cue, then article
    ("una empresa española vende a la India", [("ES", "demonym", N), ("IN", "country", D)]),
    ("exportar desde España hacia Marruecos por Algeciras", [("ES", "country", O), ("MA", "country", D),
                                                              ("ES", "city", T)]),
    ("una cuba de fermentación de 100 litros para Estados Unidos", [("US", "country", D)]),   # cuba = vat
    ("enviar a EEUU", [("US", "country", D)]),   # Spanish abbreviation
    # --- Dutch
    ("een Nederlands bedrijf levert naar de VS via Rotterdam", [("NL", "demonym", N), ("US", "country", D),
                                                                 ("NL", "port", T)]),
    ("uitvoer uit Nederland naar Turkije", [("NL", "country", O), ("TR", "country", D)]),   # "uit" / "naar"
    ("zwembaden en pools in Duitsland", [("DE", "country", L)]),                       # "pools" is not Polish
    # --- Polish
    ("polska firma eksportuje do Rosji przez Białoruś", [("PL", "country", N), ("RU", "country", D),
                                                        ("BY", "country", T)]),          # "polska" is Poland's name
    ("z Niemiec do Stanów Zjednoczonych", [("DE", "country", O), ("US", "country", D)]),   # genitives
    ("wysyłka do Zjednoczonych Emiratów Arabskich", [("AE", "country", D)]),   # genitive by the ending rule
    ("spółka w Wielkiej Brytanii", [("GB", "country", L)]),   # "w" = in
    ("dostawa na Krym", [("UA", "region", D, "crimea")]),
    ("niemiecka spółka", [("DE", "demonym", N)]),
    # --- capitals and fair cities a follow-up names (else the previous destination would stand)
    ("and to the fair in Buenos Aires?", [("AR", "city", L)]),
    ("shipping to Belgrade", [("RS", "city", D)]),
    ("Lieferung nach Belgrad", [("RS", "city", D)]),                                  # CLDR's German exemplar city
    ("una lima per metalli", []),                                                    # "lima" = a file, not Lima
    # --- "States" only after a cue: "the States" is the United States, "Member States" are no place
    ("Can we ship the lathe to the States?", [("US", "country", D)]),
    ("Which documents do the Member States require?", []),
    ("What must the States do under Article 9?", []),
]


@pytest.mark.parametrize("text, expected", ROWS)
def test_find_places(text, expected):
    assert _view(find_places(text)) == expected


@pytest.mark.parametrize("text, language, expected", [
    ("een Turks bedrijf", "nl", [("TR", "demonym", N)]),                # Dutch demonym in a Dutch question
    ("een Turks bedrijf", "de", []),                                     # not read as Dutch in a German one
    ("Lieferung nach Chinas Süden", "de", [("CN", "country", D)]),      # German genitive, not Spanish "chinas"
])
def test_language_restricts_demonyms(text, language, expected):
    assert _view(find_places(text, language)) == expected


def test_place_fields():
    p = find_places("Lieferung nach Deutschland, dann über Rotterdam")
    assert [(x.words, x.start, x.end, x.language, x.cue_words) for x in p] == [
        ("Deutschland", 15, 26, "de", "nach"), ("Rotterdam", 38, 47, None, "uber")]


def test_whole_input_code():
    assert _view(find_places("CH")) == [("CH", "code", N)]           # a code alone is a place
    assert find_places("CW laser") == []                              # not with a word after it


def test_find_countries_keeps_order_and_skips_demonyms():
    assert [c.iso2 for c in find_countries("a French firm ships from Lyon to Dubai and Abu Dhabi")] == ["FR", "AE"]


def test_region_places_carry_sanctions():
    for text in ("Krim", "Crimée", "Sebastopoli", "Donbass", "Cherson", "Mariupol", "Melitopol"):
        (p,) = find_places(text)
        assert p.region and sanctions_for(p).regions, text


def test_every_cldr_name_is_found():
    # every country name in the index is found in free text as itself (nothing shadows it)
    for key, e in _name_index().items():
        if e.kind == "country" and e.iso2 and len(key) > 3 and not e.capitalised and not e.needs_cue:
            found = find_places(key.title())
            assert found and found[0].country.iso2 == e.iso2, key


@pytest.mark.parametrize("text, expected", [
    ("and to Santiago?", []),                                           # a capital not in the tables: no place
    ("We show it at LIMA in Langkawi", []),                             # a show's acronym is not Peru's capital
    ("WE SHIP TO LIMA", [("PE", "city", D)]),                           # ...but in a text all in capitals it is
    ("to Lima", [("PE", "city", D)]),                                   # written as a city name, it is the city
    ("SHIP IT TO CHINA please", [("CN", "country", D)]),                # a country in capitals stays a country
])
def test_city_acronyms(text, expected):
    assert _view(find_places(text)) == expected


@pytest.mark.parametrize("text, language, expected", [
    ("and to Santiago?", "en", "Santiago"),                             # a capital no table holds
    ("for the buyer in Bishkek", "en", "Bishkek"),                      # "in" after a party
    ("We show it at LIMA in Langkawi", "en", "LIMA"),                   # the acronym is asked about, not read as Peru
    ("to San Pedro Sula", "en", "San Pedro Sula"),                      # up to three capitalised words
    ("und nach Santiago?", "de", "Santiago"),                           # German cue
    ("e a Valparaíso?", "it", "Valparaíso"),                            # Italian cue, accented name
    ("to India", "en", None),                                           # read as a place: nothing unread
    ("we ship it in May", "en", None),                                  # a month (CLDR) is no place
    ("und im Oktober?", "de", None),                                    # ...in every language
    ("Can you answer in German?", "en", None),                          # a language name is no place
    ("What is in Annex I?", "en", None),                                # the texts' own words
    ("Is 5A002 in Category 5?", "en", None),
    ("we are based in Lyon", "en", None),                               # a cue of origin governs no destination
    ("nach Ablauf der Frist", "de", None),                              # German nouns are capitalised: "after expiry"
    ("und für die Vakuumpumpen?", "de", None),                          # a name after an article is a noun
    ("in Betrieb nehmen", "de", None),
    ("to the States", "en", None),                                      # "the States": left alone, not asked
    ("and to narnia?", "en", "narnia"),                                 # lower case, ending a short follow-up after "to"
    ("and to nigera?", "en", "nigera"),                                 # one letter off Niger and off Nigeria: asked
    ("what about HK?", "en", "HK"),                                     # a bare code ending "what about"
    ("and to them?", "en", None),                                       # a pronoun
    ("and for the spindles?", "en", None),                              # lower case after a weak cue: a thing, not a place
])
def test_unread_place(text, language, expected):
    assert unread_place(text, language) == expected


@pytest.mark.parametrize("text, expected", [
    ("Argentia", "AR"), ("Germeny", "DE"), ("chinaa", "CN"), ("HK", "HK"), ("Santiago", None), ("Bishkek", None),
    ("Lima", None)])
def test_misspelt_country(text, expected):
    found = misspelt_country(text)
    assert (found.iso2 if found else None) == expected


@pytest.mark.parametrize("text, expected", [
    ("Can we sell routers to Argentia?", ("Argentia", "AR", "destination")),
    ("and to chinaa?", ("chinaa", "CN", "destination")),               # the last word of a short follow-up
    ("ship it to Inida", ("Inida", "IN", "destination")),               # two letters swapped
    ("to the Untied States?", ("Untied States", "US", "destination")),  # two words
    ("Können wir nach Kanda liefern?", ("Kanda", "CA", "destination")), # any language's name, any cue
    ("a transit via Switzerlnd", ("Switzerlnd", "CH", "transit")),
])
def test_misspelt_place_governed_by_a_cue(text, expected):
    places = find_places(text)
    assert [(p.words, p.country.iso2, p.cue) for p in places] == [expected]
    assert places[0].kind == "misspelt"


@pytest.mark.parametrize("text", [
    "to Irak",                      # one letter off Iran and off Iraq (and a name of its own): never a guess
    "shipping to Nigera",           # one letter off Niger and Nigeria
    "We sell to Maine",             # not one letter off any country
    "delivery in Marhc",            # a cue of place, but no country one letter away
    "Argentia is our biggest market",    # no cue governs it
])
def test_misspelt_place_not_guessed(text):
    assert [p.kind for p in find_places(text) if p.kind == "misspelt"] == []


@pytest.mark.parametrize("key, expected", [
    ("argentia", "AR"), ("austrailia", "AU"), ("norwey", "NO"), ("untied states", "US"), ("japn", "JP"),
    ("irak", None), ("nigera", None), ("india", None), ("oman", None), ("peru", None), ("xyz", None)])
def test_near_country(key, expected):
    assert near_country(key) == expected
