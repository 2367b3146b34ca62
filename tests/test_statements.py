"""assistant/statements.py: what a sentence states about an export, read by meaning, row by row (sentence, the
statements expected as (kind, polarity, GEA, country), one-line reason). Pure functions: no index."""
from __future__ import annotations

import pytest

from assistant.statements import countries_in, read, sentences

A, I, G, D, L, E, S = "authorisation", "individual", "gea", "destination_of", "listed", "export", "sanctions"

ROWS = [
    # --- English: predicates and negation scope
    ("An authorisation is required to export 2B001.", {(A, True, "", "")}, "need predicate"),
    ("No licence is needed for 2B001.", {(A, False, "", "")}, "negation on the noun"),
    ("A licence is not required for 2B001.", {(A, False, "", "")}, "negation on the predicate"),
    ("Exporters don't need a licence.", {(A, False, "", "")}, "n't is spelled out"),
    ("You can export 5A002 to Iran without any authorisation.", {(A, False, "", ""), (E, True, "", "IR")},
     "'without' + licence: none needed; and the export is said to be allowed"),
    ("You cannot export 5A002 to Iran without an authorisation.", {(A, True, "", ""), (E, False, "", "IR")},
     "'without' under a negation flips back"),
    ("Without a licence, you cannot ship it.", {(A, True, "", ""), (E, False, "", "")},
     "an opening 'without' clause is read with the clause after it"),
    ("Licence: not required for 2B001.", {(A, False, "", "")}, "a subject-only clause is read with the next one"),
    ("It is not true that no licence is needed.", {(A, True, "", ""), (A, False, "", "")},
     "two independent negations: read both ways"),
    ("A licence is required for Brazil, but not for Canada.",
     {(A, True, "", "BR"), (A, False, "", "BR")} - {(A, True, "", "BR"), (A, False, "", "BR")} | {(A, True, "", ""), (A, False, "", "")},
     "an elliptic negative clause negates the clause before it"),
    ("2B001 is exempt from licensing.", {(A, False, "", "")}, "a word that is a statement on its own"),
    ("You need an individual licence.", {(I, True, "", "")}, "an individual licence, not any authorisation"),
    ("You can export 2B001 to Canada without an individual licence, under EU001.",
     {(I, False, "", ""), (E, True, "", "CA"), (G, True, "EU001", "")},
     "'without an individual licence' is no statement that no authorisation is needed"),
    ("No permit is required for Iran.", {(A, False, "", ""), (E, False, "", "IR")}, "'permit' as the noun"),
    ("Every brokering deal must be authorised.", {(A, True, "", "")}, "'authorised' with a need"),
    # --- GEAs: use, destinations, exclusions
    ("You can use EU001 for Canada.", {(G, True, "EU001", ""), (E, True, "", "CA")} - {(E, True, "", "CA")},
     "a GEA's use (the modal belongs to the GEA)"),
    ("EU001 covers 2B001.", set(), "item coverage is not a statement on the GEA's use"),
    ("EU001 covers exports of 2B001 to Canada.", {(G, True, "EU001", "")}, "coverage of the export is"),
    ("Do not rely on any general authorisation for Iran.", {(G, False, "", "")}, "a general authorisation, negated"),
    ("Canada is an EU001 destination.", {(D, True, "EU001", "CA")}, "a destination of a GEA"),
    ("EU001 covers 2B001, and Canada is one of its destinations.", {(D, True, "EU001", "CA")},
     "'its destinations': the GEA the sentence names"),
    ("Iran is excluded from EU008.", {(D, False, "EU008", "IR")}, "excluded: not a destination"),
    ("Brazil is not among the destinations excluded from EU008.", {(D, True, "EU008", "BR")},
     "not excluded: a destination"),
    ("You may export it under EU003.", {(G, True, "EU003", ""), (E, True, "", "")}, "'under' + a GEA"),
    # --- listed
    ("2B001 is not controlled.", {(L, False, "", "")}, "not controlled"),
    ("2B001 is uncontrolled.", {(L, False, "", "")}, "one word"),
    ("2B001 is listed in Annex I.", {(L, True, "", "")}, "listed"),
    ("Brazil is listed in Part 2 of EU003.", set(), "listed elsewhere than in Annex I"),
    ("2B001 is not in Section I.", set(), "about the list's structure"),
    ("Items not listed in Annex I can still need an authorisation.", {(A, True, "", "")},
     "'items not listed' is a kind of item, not a statement on this one"),
    ("A lathe is a 2B001 item.", {(L, True, "", "")}, "classified under a code"),
    # --- export, sanctions, verdicts
    ("Exports of 2B001 to Canada are prohibited.", {(E, False, "", "CA")}, "prohibited"),
    ("Nothing prevents the export of 2B001 to Canada.", {(E, True, "", "CA")}, "a negated obstacle"),
    ("Do not export 2B001 to Canada.", {(E, False, "", "CA")}, "imperative"),
    ("Exports to destinations outside the Union need an authorisation.", {(A, True, "", "")},
     "leaving the Union is what an export is, no negation"),
    ("Iran is under EU sanctions.", {(S, True, "", "IR")}, "sanctions"),
    ("The embargo on Iran was lifted.", {(S, False, "", "IR")}, "a word that ends a measure negates it"),
    ("Council Regulation (EU) No 267/2012 applies to Iran.", set(), "'No' before a number is no negation"),
    ("Non-proliferation measures apply.", set(), "'non-' in a compound is no negation"),
    ("Yes, you can.", {(E, True, "", "")}, "a verdict"),
    ("No.", {(E, False, "", "")}, "a verdict"),
    # --- the six other languages
    ("Für 2B001 ist keine Ausfuhrgenehmigung erforderlich.", {(A, False, "", "")}, "de: kein + erforderlich"),
    ("Die Ausfuhr von 2B001 nach Kanada ist genehmigungsfrei.", {(A, False, "", "")}, "de: compound"),
    ("Sie dürfen 2B001 nicht nach Kanada ausführen.", {(E, False, "", "CA")}, "de: nicht dürfen"),
    ("Aucune licence n'est nécessaire pour exporter 2B001.", {(A, False, "", "")}, "fr: aucune ... n'est"),
    ("Vous ne pouvez pas exporter sans autorisation.", {(A, True, "", ""), (E, False, "", "")}, "fr: ne pas ... sans"),
    ("Vous pouvez exporter sans aucune autorisation.", {(A, False, "", ""), (E, True, "", "")},
     "fr: sans aucune is one negation"),
    ("Non serve nessuna licenza per esportare 2B001.", {(A, False, "", "")}, "it: non + nessuna (concord)"),
    ("No se necesita ninguna licencia para exportar 2B001.", {(A, False, "", "")}, "es: no + ninguna (concord)"),
    ("Voor 2B001 is geen vergunning nodig.", {(A, False, "", "")}, "nl: geen"),
    ("Een uitvoervergunning is niet vereist voor 2B001.", {(A, False, "", "")}, "nl: compound noun"),
    ("Nie ma potrzeby uzyskania zezwolenia.", {(A, False, "", "")}, "pl: nie ma potrzeby"),
    ("Żadne generalne zezwolenie nie może być wykorzystane.", {(G, False, "", "")}, "pl: zadne + nie (concord)"),
    ("Iran nie jest objęty embargiem.", {(S, False, "", "IR")}, "pl: inflected 'embargo'"),
    ("Eksport do Kanady jest zakazany.", {(E, False, "", "CA")}, "pl: inflected country name"),
]


@pytest.mark.parametrize("sentence, expected, why", ROWS, ids=[r[2] for r in ROWS])
def test_read(sentence, expected, why):
    assert {(s.kind, s.positive, s.gea, s.place) for s in read(sentence).statements} == expected


@pytest.mark.parametrize("sentence, hedged, conditional, topic, why", [
    ("Possibly listed: the closest entry is 2B001.", True, False, False, "a hedge"),
    ("If you have been informed of a military end use, EU001 cannot be used.", False, True, True,
     "a condition on a Part 3 matter"),
    ("If you export to Canada, EU001 cannot be used.", False, True, False, "a condition on nothing of Part 3"),
    ("EU008 si applica a questa esportazione.", False, False, False, "Italian 'si' is a pronoun, not 'if'"),
    ("Si votre article relève de 5A002.a.2, EU008 peut être utilisée.", False, True, False, "French 'si' is 'if'"),
])
def test_flags(sentence, hedged, conditional, topic, why):
    r = read(sentence)
    assert (r.hedged, r.conditional, r.topic) == (hedged, conditional, topic)


@pytest.mark.parametrize("text, expected, why", [
    ("**Likely yes, under EU001.** Canada is an EU001 destination [1]. EU001 covers 2B001 [2].",
     ["**Likely yes, under EU001.**", "Canada is an EU001 destination [1].", "EU001 covers 2B001 [2]."], "a bold lead"),
    ("**No general authorisation** [3] Canada is listed [1].", ["**No general authorisation** [3]", "Canada is listed [1]."],
     "a marker after the bold lead stays with it"),
    ("Under Art. 3(1) an authorisation is required [5]. It reads “1. An authorisation shall be required” [5].",
     ["Under Art. 3(1) an authorisation is required [5].", "It reads “1. An authorisation shall be required” [5]."],
     "no cut after 'Art.' nor inside a quotation"),
    ("EU001 applies. [2]\n- a list item [3]", ["EU001 applies. [2]", "- a list item [3]"],
     "markers after the full stop stay with the sentence; a list item is a sentence"),
])
def test_sentences(text, expected, why):
    assert sentences(text) == expected


@pytest.mark.parametrize("text, expected, why", [
    ("exports to Canada", {"CA"}, "English"),
    ("Ausfuhr nach Kanada und in die Schweiz", {"CA", "CH"}, "German names"),
    ("Iranian end users", {"IR"}, "a demonym names its country"),
    ("eksport do Kanady i do Brazylii", {"CA", "BR"}, "Polish case forms after a cue word (law.countries.find_places)"),
    ("la exportación a Irán", {"IR"}, "Spanish with an accent"),
    ("a customs declaration", set(), "no country"),
])
def test_countries_in(text, expected, why):
    assert {iso2 for iso2, _, _ in countries_in(text)} == expected
