"""Lead sentences in the user's language (assistant/leads.py): English as the composer writes it today, the other
languages from the catalogues, filled with codes, GEA numbers, CLDR country names and catalogue phrases only."""
import re

import pytest

from assistant import leads as L
from assistant.messages import CATALOGUE_LANGUAGES, msgids
from law.countries import get_country

CN, US, CH = get_country("CN"), get_country("US"), get_country("CH")


@pytest.mark.parametrize("lead, expected, why", [
    (lambda: L.licence_available(["EU001"], "sale", "en"),
     "Likely yes, under Union general export authorisation EU001, if you meet its conditions.", "a sale"),
    (lambda: L.licence_available(["EU003", "EU004"], "repair", "en"),
     "Likely yes for an export after repair or replacement, under Union general export authorisation EU003 (export "
     "after repair or replacement) or EU004 (temporary export for an exhibition or fair), if you meet its conditions.",
     "a purpose, GEAs named with their subjects"),
    (lambda: L.individual_licence("2B001", L.country_name(CN), "sale", [("EU003", "repair")], "en"),
     "No Union general export authorisation covers 2B001 to China for an ordinary sale: you need an individual or "
     "global authorisation from the competent authority of the Member State where you are established. Another "
     "purpose would open one: EU003 for an export after repair or replacement.", "situation._licensing_lead"),
    (lambda: L.end_use_excludes_geas("1C351", L.country_name(US), "wmd", "en"),
     "Do not rely on a general authorisation: you state a wmd end use, and Part 3 of each Union general export "
     "authorisation excludes exports the exporter knows are intended for the uses it lists; ask the competent "
     "authority of your Member State for an individual authorisation for 1C351 to the United States.",
     "English keeps 'the United States'"),
    (lambda: L.licence_depends_on_sub_item("5A002", [L.which_sub_item("5A002", "EU008", ["5A002.a"])], "en"),
     "It depends on which sub-item of 5A002 your item is: Which sub-item of 5A002 is your item? EU008 covers only "
     "5A002.a. For any other sub-item you need an individual or global authorisation.", "tools' question inside"),
    (lambda: L.brokering(False, L.route("5A002", L.country_name(US), L.country_name(CN)), None, "en"),
     "Only in some cases: brokering 5A002 from the United States to China needs an authorisation if your competent "
     "authority has informed you that the items are or may be intended for a use in Article 4(1); if you are aware "
     "of such a use, you must notify it. Your Member State may also require an authorisation in other cases.",
     "situation.brokering"),
    (lambda: L.transit(None, None, "en"),
     "Not by default: the transit of the item through the Union can be prohibited, or made subject to an "
     "authorisation, by the competent authority of the Member State where the items are, if they are or may be "
     "intended for a use in Article 4(1); a Member State may extend this to items not listed.", "no code, no place"),
    (lambda: L.technical_assistance("notify", "3A001", L.country_name(CN), "military", "en"),
     "Yes, you must act: technical assistance for 3A001 in China when you are aware of a use in Article 4(1) (you "
     "state a military end use) must be notified to the competent authority, which decides whether it needs an "
     "authorisation.", "situation.technical_assistance"),
    (lambda: L.classification_first("6A003", "Cameras", ["6A002"], L.could_then_be_used(["EU001"]), "en"),
     "First, the classification: the closest Annex I entry to your words is 6A003 (Cameras), then 6A002. Only if "
     "your item falls under 6A003: Union general export authorisation EU001 could then be used, if you meet its "
     "conditions.", "situation.licensing: after the colon 'Union' keeps its capital, as _lower_first does"),
    # the other languages
    (lambda: L.licence_available(["EU001"], "sale", "de"),
     "Wahrscheinlich ja, mit der allgemeinen Ausfuhrgenehmigung der Union EU001, sofern Sie deren Bedingungen "
     "erfüllen.", "German catalogue"),
    (lambda: L.individual_licence("2B001", L.country_name(CH, "fr"), "exhibition", [], "fr"),
     "Aucune autorisation générale d'exportation de l'Union ne couvre 2B001 vers la destination Suisse pour une "
     "exportation temporaire pour une exposition ou une foire : il vous faut une autorisation individuelle ou globale "
     "de l'autorité compétente de l'État membre où vous êtes établi.", "CLDR name, purpose from the catalogue"),
    (lambda: L.classification_first("6A003", "Cameras", [], L.could_then_be_used(["EU001"], "de"), "de"),
     "Zuerst die Einstufung: Der Eintrag in Anhang I, der Ihrer Beschreibung am nächsten kommt, ist 6A003 "
     "(„Cameras“). Nur wenn Ihr Gut unter 6A003 fällt: Dann käme die allgemeine Ausfuhrgenehmigung der Union EU001 "
     "in Betracht, sofern Sie deren Bedingungen erfüllen.", "the heading stays English, quoted; German keeps the capital"),
    (lambda: L.classification_first("6A003", "Cameras", [], L.could_then_be_used(["EU001"], "fr"), "fr"),
     "D'abord le classement : la rubrique de l'annexe I la plus proche de votre description est 6A003 "
     "(« Cameras »). Seulement si votre bien relève de 6A003 : l'autorisation générale d'exportation de l'Union "
     "EU001 pourrait alors être utilisée, si vous en remplissez les conditions.", "French: lower case after the colon"),
    (lambda: L.route("5A002", L.country_name(US, "pl"), L.country_name(CN, "pl"), "pl"),
     "5A002 (kraj pochodzenia: Stany Zjednoczone, kraj przeznaczenia: Chiny)", "no case endings on CLDR names"),
    (lambda: L.either(["EU001", "EU002", "EU003"], "nl"), "EU001, EU002 of EU003", "a list"),
    (lambda: L.abstention("injection", "it"),
     "Non posso seguire istruzioni che cambiano il mio funzionamento: cito soltanto il regolamento (UE) 2021/821.",
     "the catalogue's abstention leads"),
])
def test_leads(lead, expected, why):
    assert lead() == expected, why


EVERY_LEAD = [
    lambda lang: L.licence_available(["EU001", "EU003"], "repair", lang),
    lambda lang: L.licence_depends_on_sub_item("5A002", [L.which_sub_item("5A002", "EU008", ["5A002.a"], lang)], lang),
    lambda lang: L.sanctions_review("5A002", L.country_name(get_country("IR"), lang),
                                    L.sanctions_data("Comprehensive EU restrictive measures", "2026-11-01", lang), lang),
    lambda lang: L.end_use_excludes_geas("5A002", L.country_name(CN, lang), "cyber_surveillance", lang),
    lambda lang: L.individual_licence("5A002", L.country_name(CN, lang), "sale", [("EU004", "exhibition")], lang),
    lambda lang: L.classification_first("5A002", "Information security", ["5A004"], L.could_then_be_used(["EU001"],
                                                                                                          lang), lang),
    lambda lang: L.brokering(True, L.route("5A002", L.country_name(US, lang), L.country_name(CN, lang), lang),
                             "military", lang),
    lambda lang: L.brokering(False, L.item_name("5A002", lang), None, lang),
    lambda lang: L.transit("5A002", L.country_name(get_country("NL"), lang), lang),
    lambda lang: L.technical_assistance("not_applicable", "5A002", L.country_name(US, lang), None, lang),
    lambda lang: L.technical_assistance("notify", "5A002", L.country_name(CN, lang), "wmd", lang),
    lambda lang: L.technical_assistance("informed", "5A002", None, None, lang),
    lambda lang: L.sanctions_first(L.country_name(get_country("RU"), lang), "sanctioned", L.transit("5A002", None,
                                                                                                   lang), lang),
    lambda lang: L.not_an_export(L.country_name(get_country("FR"), lang), lang),
    lambda lang: L.annex_iv_lead("5A002", "yes", ["I"], lang) + L.annex_iv_lead("5A002", "no", [], lang),
    lambda lang: L.annex_iv_lead("1C351", "partly", ["I", "II"], lang) + L.annex_iv_lead("0C001", "conditional",
                                                                                          ["II"], lang),
    lambda lang: L.closest_entry("5A002", lang) + L.no_entry_found(lang),
    lambda lang: L.onward_outside("5A002", "EU001", L.country_name(CN, lang), lang),
]


@pytest.mark.parametrize("lang", CATALOGUE_LANGUAGES)
@pytest.mark.parametrize("n", range(len(EVERY_LEAD)))
def test_every_lead_is_translated_and_filled(lang, n):
    text, english = EVERY_LEAD[n](lang), EVERY_LEAD[n]("en")
    assert text != english and "{" not in text and "5A002" in text or "5A002" not in english
    # no English sentence of the template is left (codes, names and quoted headings aside)
    assert not re.search(r"\b(?:authorisation|you need|the item|if you meet|must be notified|the competent)\b",
                         text), text


def test_every_phrase_a_lead_uses_is_a_msgid():
    ids = set(msgids())
    phrases = list(L.END_USES.values()) + [L.THE_ITEM, L.THE_UNION] + list(L.ABSTAIN.values())
    from law.annex_ii import GEA_SUBJECTS, PURPOSE_NAMES
    phrases += list(GEA_SUBJECTS.values()) + list(PURPOSE_NAMES.values())
    assert not [p for p in phrases if p not in ids]
