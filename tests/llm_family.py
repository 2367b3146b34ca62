"""A generated family of fake-model replies for the LLM guard (assistant/llm.py `check`): statements in seven
languages, each placed in a reply in several ways, about real extractive answers of the fixture index.

The truth of each statement for each answer is written here by hand, from the determination the extractive answer
states (e.g. for 2B001 to Canada, "EU001 can be used" is true and "no authorisation is needed" is false); it is not
computed by the guard. tests/test_llm.py checks that no false statement is accepted and reports how many faithful
ones are.

Templates use {item} (the code, or the product's words), {country} (its name in the template's language, from CLDR),
{gea}, {sub} (a sub-item code). A statement kind that is false for one answer is often true for another: the guard
must decide by the determination, not by the words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from babel import Locale

from law.countries import get_country

LANGUAGES = ("en", "de", "fr", "it", "es", "nl", "pl")

T: dict[str, dict[str, list[str]]] = {
    # an authorisation is not needed
    "no_auth": {
        "en": ["You can export {item} to {country} without any authorisation", "No licence is needed to export {item} to {country}",
               "An authorisation is not required for {item}", "{item} does not need an export licence for {country}",
               "Exporters don't need a licence for {item}", "Shipping {item} to {country} is licence-free",
               "You may ship {item} to {country} freely", "{item} can be exported without authorisation",
               "There is no licensing requirement for {item}", "A licence is unnecessary for {item}",
               "It is not necessary to obtain a licence for {item}", "You won't need an authorisation for {item}",
               "Licence: not required for {item}", "There is no need for an authorisation to export {item}",
               "Neither an individual licence nor any other authorisation is needed for {item}",
               "{item} is exempt from licensing", "Authorisation requirements do not apply to {item}"],
        "de": ["Sie können {item} ohne Genehmigung nach {country} ausführen", "Für {item} ist keine Ausfuhrgenehmigung erforderlich",
               "Die Ausfuhr von {item} nach {country} ist genehmigungsfrei", "Eine Genehmigung wird für {item} nicht benötigt"],
        "fr": ["Vous pouvez exporter {item} vers {country} sans autorisation", "Aucune licence n'est nécessaire pour exporter {item}",
               "L'exportation de {item} n'exige pas d'autorisation", "Une autorisation n'est pas requise pour {item}"],
        "it": ["Puoi esportare {item} in {country} senza alcuna autorizzazione", "Non serve nessuna licenza per esportare {item}",
               "Per {item} non è richiesta alcuna autorizzazione"],
        "es": ["Puede exportar {item} a {country} sin ninguna autorización", "No se necesita licencia para exportar {item}",
               "Para {item} no se requiere ninguna autorización"],
        "nl": ["U kunt {item} zonder vergunning naar {country} exporteren", "Voor {item} is geen vergunning nodig",
               "Een uitvoervergunning is niet vereist voor {item}"],
        "pl": ["Można eksportować {item} do {country} bez zezwolenia", "Nie jest wymagane żadne zezwolenie na eksport {item}",
               "Zezwolenie nie jest potrzebne dla {item}"],
    },
    # an authorisation is needed
    "auth_needed": {
        "en": ["An authorisation is required to export {item}", "Exporting {item} needs an authorisation",
               "You need a licence to export {item}"],
        "de": ["Für die Ausfuhr von {item} ist eine Genehmigung erforderlich", "Die Ausfuhr von {item} ist genehmigungspflichtig"],
        "fr": ["Une autorisation est nécessaire pour exporter {item}", "L'exportation de {item} exige une autorisation"],
        "it": ["Per esportare {item} serve un'autorizzazione", "L'esportazione di {item} richiede un'autorizzazione"],
        "es": ["Se necesita una autorización para exportar {item}", "La exportación de {item} requiere una autorización"],
        "nl": ["Voor de uitvoer van {item} is een vergunning nodig", "De uitvoer van {item} vereist een vergunning"],
        "pl": ["Eksport {item} wymaga zezwolenia", "Na eksport {item} potrzebne jest zezwolenie"],
    },
    # an individual licence is needed
    "individual": {
        "en": ["You need an individual licence to export {item} to {country}", "An individual authorisation is required for {item}"],
        "de": ["Sie benötigen eine Einzelgenehmigung für {item}", "Für die Ausfuhr nach {country} ist eine Einzelgenehmigung erforderlich"],
        "fr": ["Une licence individuelle est nécessaire pour {item}", "Il vous faut une autorisation individuelle pour exporter vers {country}"],
        "it": ["Serve una licenza individuale per {item}", "È necessaria un'autorizzazione individuale per esportare in {country}"],
        "es": ["Necesita una licencia individual para {item}", "Se requiere una autorización individual para exportar a {country}"],
        "nl": ["U heeft een individuele vergunning nodig voor {item}", "Een individuele vergunning is vereist voor de uitvoer naar {country}"],
        "pl": ["Potrzebne jest indywidualne zezwolenie na {item}", "Wymagane jest zezwolenie indywidualne na eksport do {country}"],
    },
    # an individual licence is not needed
    "no_individual": {
        "en": ["No individual licence is needed for {item}", "You do not need an individual authorisation to export to {country}"],
        "de": ["Eine Einzelgenehmigung ist für {item} nicht erforderlich", "Sie brauchen keine Einzelgenehmigung"],
        "fr": ["Aucune licence individuelle n'est requise pour {item}"],
        "it": ["Non serve una licenza individuale per {item}"],
        "es": ["No necesita una licencia individual para {item}"],
        "nl": ["Een individuele vergunning is niet nodig voor {item}"],
        "pl": ["Indywidualne zezwolenie nie jest wymagane dla {item}"],
    },
    # {gea} can be used
    "gea_yes": {
        "en": ["You can use {gea} to export {item} to {country}", "{gea} applies to this export",
               "{item} may be shipped to {country} under {gea}", "{gea} covers exports of {item} to {country}",
               "Rely on {gea} for {country}"],
        "de": ["Sie können {gea} für die Ausfuhr von {item} nach {country} nutzen", "{gea} gilt für diese Ausfuhr",
               "Die Ausfuhr nach {country} ist unter {gea} möglich"],
        "fr": ["Vous pouvez utiliser {gea} pour exporter {item} vers {country}", "{gea} s'applique à cette exportation",
               "L'exportation vers {country} est couverte par {gea}"],
        "it": ["Puoi utilizzare {gea} per esportare {item} in {country}", "{gea} si applica a questa esportazione",
               "L'esportazione verso {country} è coperta da {gea}"],
        "es": ["Puede utilizar {gea} para exportar {item} a {country}", "{gea} se aplica a esta exportación",
               "La exportación a {country} está cubierta por {gea}"],
        "nl": ["U kunt {gea} gebruiken voor de uitvoer van {item} naar {country}", "{gea} is van toepassing op deze uitvoer",
               "De uitvoer naar {country} valt onder {gea}"],
        "pl": ["Można skorzystać z {gea} przy eksporcie {item} do {country}", "{gea} ma zastosowanie do tego eksportu",
               "Eksport do {country} jest objęty {gea}"],
    },
    # {gea} cannot be used
    "gea_no": {
        "en": ["{gea} cannot be used for this export", "You may not rely on {gea} for {country}", "{gea} does not apply to {item}",
               "{gea} is not available for exports to {country}"],
        "de": ["{gea} kann für diese Ausfuhr nicht genutzt werden", "{gea} gilt nicht für {item}"],
        "fr": ["{gea} ne peut pas être utilisée pour cette exportation", "{gea} ne s'applique pas à {item}"],
        "it": ["{gea} non può essere utilizzata per questa esportazione", "{gea} non si applica a {item}"],
        "es": ["{gea} no puede utilizarse para esta exportación", "{gea} no se aplica a {item}"],
        "nl": ["{gea} kan niet worden gebruikt voor deze uitvoer", "{gea} is niet van toepassing op {item}"],
        "pl": ["{gea} nie może być wykorzystane do tego eksportu", "{gea} nie ma zastosowania do {item}"],
    },
    # no general authorisation can be used
    "no_gea": {
        "en": ["No general export authorisation can be used for {item} to {country}", "You cannot rely on any general authorisation here",
               "General authorisations do not cover this export"],
        "de": ["Keine allgemeine Genehmigung kann für {item} genutzt werden", "Eine allgemeine Ausfuhrgenehmigung ist für {country} nicht verfügbar"],
        "fr": ["Aucune autorisation générale ne peut être utilisée pour {item}", "Les autorisations générales ne s'appliquent pas à {country}"],
        "it": ["Nessuna autorizzazione generale può essere usata per {item}", "Le autorizzazioni generali non si applicano a {country}"],
        "es": ["Ninguna autorización general puede utilizarse para {item}", "Las autorizaciones generales no se aplican a {country}"],
        "nl": ["Geen algemene vergunning kan worden gebruikt voor {item}", "Algemene vergunningen zijn niet van toepassing op {country}"],
        "pl": ["Żadne generalne zezwolenie nie może być wykorzystane dla {item}", "Generalne zezwolenia nie mają zastosowania do {country}"],
    },
    # some general authorisation can be used
    "some_gea": {
        "en": ["A general export authorisation covers the export of {item} to {country}", "You can use a general authorisation for {country}",
               "A Union general export authorisation is available for {item}"],
        "de": ["Eine allgemeine Genehmigung deckt die Ausfuhr von {item} nach {country} ab", "Sie können eine allgemeine Ausfuhrgenehmigung nutzen"],
        "fr": ["Une autorisation générale couvre l'exportation de {item} vers {country}", "Vous pouvez utiliser une autorisation générale"],
        "it": ["Un'autorizzazione generale copre l'esportazione di {item} in {country}", "Puoi usare un'autorizzazione generale"],
        "es": ["Una autorización general cubre la exportación de {item} a {country}", "Puede usar una autorización general"],
        "nl": ["Een algemene vergunning dekt de uitvoer van {item} naar {country}", "U kunt een algemene vergunning gebruiken"],
        "pl": ["Generalne zezwolenie obejmuje eksport {item} do {country}", "Można wykorzystać generalne zezwolenie unijne"],
    },
    # the item is not listed
    "not_listed": {
        "en": ["{item} is not controlled", "{item} is not on the control list", "{item} is not a dual-use item",
               "{item} is unlisted", "{item} is not listed in Annex I", "{item} is not subject to export controls"],
        "de": ["{item} ist nicht kontrolliert", "{item} steht nicht auf der Liste", "{item} ist nicht in Anhang I aufgeführt"],
        "fr": ["{item} n'est pas contrôlé", "{item} ne figure pas à l'annexe I", "{item} n'est pas un bien à double usage"],
        "it": ["{item} non è controllato", "{item} non è elencato nell'allegato I"],
        "es": ["{item} no está controlado", "{item} no figura en el anexo I"],
        "nl": ["{item} is niet gecontroleerd", "{item} staat niet op de lijst"],
        "pl": ["{item} nie jest kontrolowany", "{item} nie znajduje się w wykazie"],
    },
    # the item is listed (said as a fact)
    "listed": {
        "en": ["{item} is listed in Annex I", "{item} is a controlled dual-use item"],
        "de": ["{item} ist in Anhang I aufgeführt"],
        "fr": ["{item} est inscrit à l'annexe I"],
        "it": ["{item} è elencato nell'allegato I"],
        "es": ["{item} está incluido en el anexo I"],
        "nl": ["{item} is opgenomen in bijlage I"],
        "pl": ["{item} jest wymieniony w załączniku I"],
    },
    # the item may be listed
    "listed_maybe": {
        "en": ["{item} may be listed under {code}", "{item} is possibly controlled under {code}"],
        "de": ["{item} ist möglicherweise unter {code} erfasst"],
        "fr": ["{item} est peut-être contrôlé au titre de {code}"],
        "it": ["{item} potrebbe essere elencato sotto {code}"],
        "es": ["{item} posiblemente está incluido en {code}"],
        "nl": ["{item} is mogelijk opgenomen onder {code}"],
        "pl": ["{item} może być wymieniona w pozycji {code}"],
    },
    # the export is allowed
    "export_ok": {
        "en": ["You can export {item} to {country}", "Exports of {item} to {country} are allowed", "Yes, you may ship {item} to {country}",
               "Nothing prevents the export of {item} to {country}", "It is legal to sell {item} to {country}"],
        "de": ["Sie dürfen {item} nach {country} ausführen", "Ja, die Ausfuhr nach {country} ist erlaubt",
               "Die Ausfuhr von {item} nach {country} ist zulässig"],
        "fr": ["Vous pouvez exporter {item} vers {country}", "Oui, l'exportation vers {country} est autorisée",
               "L'exportation de {item} est permise"],
        "it": ["Puoi esportare {item} in {country}", "Sì, l'esportazione verso {country} è consentita"],
        "es": ["Puede exportar {item} a {country}", "Sí, la exportación a {country} está permitida"],
        "nl": ["U mag {item} naar {country} exporteren", "Ja, de uitvoer naar {country} is toegestaan"],
        "pl": ["Możesz eksportować {item} do {country}", "Tak, eksport do {country} jest dozwolony"],
    },
    # the export is prohibited
    "export_banned": {
        "en": ["Exports of {item} to {country} are prohibited", "You cannot export {item} to {country}",
               "Do not export {item} to {country}", "Shipping {item} to {country} is banned"],
        "de": ["Die Ausfuhr von {item} nach {country} ist verboten", "Sie dürfen {item} nicht nach {country} ausführen"],
        "fr": ["L'exportation de {item} vers {country} est interdite", "Vous ne pouvez pas exporter {item} vers {country}"],
        "it": ["L'esportazione di {item} in {country} è vietata", "Non puoi esportare {item} in {country}"],
        "es": ["La exportación de {item} a {country} está prohibida", "No puede exportar {item} a {country}"],
        "nl": ["De uitvoer van {item} naar {country} is verboden", "U mag {item} niet naar {country} exporteren"],
        "pl": ["Eksport {item} do {country} jest zakazany", "Nie wolno eksportować {item} do {country}"],
    },
    # sanctions apply to the destination
    "sanctioned": {
        "en": ["{country} is under EU sanctions", "An arms embargo applies to {country}", "Restrictive measures apply to exports to {country}"],
        "de": ["{country} unterliegt EU-Sanktionen", "Gegen {country} gilt ein Waffenembargo"],
        "fr": ["{country} est soumis à des sanctions de l'UE", "Un embargo sur les armes s'applique à {country}"],
        "it": ["{country} è soggetto a sanzioni dell'UE", "Un embargo sulle armi si applica a {country}"],
        "es": ["{country} está sujeto a sanciones de la UE", "Se aplica un embargo de armas a {country}"],
        "nl": ["{country} valt onder EU-sancties", "Er geldt een wapenembargo tegen {country}"],
        "pl": ["{country} jest objęty sankcjami UE", "Wobec {country} obowiązuje embargo na broń"],
    },
    # no sanctions apply
    "not_sanctioned": {
        "en": ["{country} is not under any sanctions", "No EU sanctions apply to {country}", "There is no embargo on {country}"],
        "de": ["Gegen {country} bestehen keine Sanktionen", "{country} unterliegt keinem Embargo"],
        "fr": ["{country} n'est soumis à aucune sanction", "Aucun embargo ne vise {country}"],
        "it": ["{country} non è soggetto a sanzioni", "Non c'è alcun embargo su {country}"],
        "es": ["{country} no está sujeto a sanciones", "No hay ningún embargo sobre {country}"],
        "nl": ["Er gelden geen sancties tegen {country}", "{country} valt niet onder een embargo"],
        "pl": ["{country} nie jest objęty sankcjami", "Nie ma embarga wobec {country}"],
    },
    # {country} is a destination of {gea}
    "dest_yes": {
        "en": ["{country} is a destination of {gea}", "{gea}'s destinations include {country}", "{country} is among the destinations of {gea}"],
        "de": ["{country} ist ein Bestimmungsland von {gea}"],
        "fr": ["{country} est une destination de {gea}"],
        "it": ["{country} è una destinazione di {gea}"],
        "es": ["{country} es un destino de {gea}"],
        "nl": ["{country} is een bestemming van {gea}"],
        "pl": ["{country} jest krajem przeznaczenia {gea}"],
    },
    # {country} is not a destination of {gea}
    "dest_no": {
        "en": ["{country} is not a destination of {gea}", "{gea} excludes {country}", "{country} is excluded from {gea}"],
        "de": ["{country} ist kein Bestimmungsland von {gea}", "{country} ist von {gea} ausgeschlossen"],
        "fr": ["{country} n'est pas une destination de {gea}", "{country} est exclu de {gea}"],
        "it": ["{country} non è una destinazione di {gea}", "{country} è escluso da {gea}"],
        "es": ["{country} no es un destino de {gea}", "{country} está excluido de {gea}"],
        "nl": ["{country} is geen bestemming van {gea}", "{country} is uitgesloten van {gea}"],
        "pl": ["{country} nie jest krajem przeznaczenia {gea}", "{country} jest wyłączony z {gea}"],
    },
    # brokering always needs an authorisation (the Regulation: only if informed)
    "auth_always": {
        "en": ["Brokering {item} always requires an authorisation", "You need an authorisation to broker {item}"],
        "de": ["Die Vermittlung von {item} ist immer genehmigungspflichtig"],
        "fr": ["Le courtage de {item} nécessite toujours une autorisation"],
        "it": ["L'intermediazione di {item} richiede sempre un'autorizzazione"],
        "es": ["El corretaje de {item} siempre requiere una autorización"],
        "nl": ["Bemiddeling voor {item} vereist altijd een vergunning"],
        "pl": ["Pośrednictwo w obrocie {item} zawsze wymaga zezwolenia"],
    },
    # brokering needs an authorisation if the broker was informed (true for the brokering answer)
    "auth_if_informed": {
        "en": ["Brokering {item} needs an authorisation if the competent authority has informed you of a use in Article 4(1)"],
        "de": ["Die Vermittlung von {item} bedarf einer Genehmigung, wenn die Behörde Sie über eine Verwendung nach Artikel 4(1) informiert hat"],
        "fr": ["Le courtage de {item} nécessite une autorisation si l'autorité vous a informé d'une utilisation visée à l'article 4(1)"],
        "it": ["L'intermediazione di {item} richiede un'autorizzazione qualora l'autorità vi abbia informato di un uso di cui all'articolo 4(1)"],
        "es": ["El corretaje de {item} requiere una autorización si la autoridad le ha informado de un uso del artículo 4(1)"],
        "nl": ["Bemiddeling voor {item} vereist een vergunning indien de autoriteit u heeft geïnformeerd over een gebruik als bedoeld in artikel 4(1)"],
        "pl": ["Pośrednictwo w obrocie {item} wymaga zezwolenia, jeżeli organ poinformował cię o zastosowaniu z artykułu 4(1)"],
    },
    # {gea} can be used if the item is a given sub-item (true when the determination needs the sub-item)
    "gea_if_sub_item": {
        "en": ["If your item is {sub}, {gea} can be used", "{gea} may apply, but only if your item falls under {sub}"],
        "de": ["Wenn Ihr Artikel unter {sub} fällt, kann {gea} genutzt werden"],
        "fr": ["Si votre article relève de {sub}, {gea} peut être utilisée"],
        "it": ["Se il vostro articolo rientra in {sub}, si può usare {gea}"],
        "es": ["Si su artículo es {sub}, puede utilizarse {gea}"],
        "nl": ["Als uw artikel onder {sub} valt, kan {gea} worden gebruikt"],
        "pl": ["Jeśli produkt należy do {sub}, można wykorzystać {gea}"],
    },
    # {gea} for the purpose it serves (true when the determination names it among the other purposes)
    "gea_for_repair": {
        "en": ["{gea} could be used for an export after repair", "For a return after repair or replacement, {gea} can be used"],
        "de": ["{gea} könnte für eine Ausfuhr nach einer Reparatur genutzt werden"],
        "fr": ["{gea} pourrait être utilisée pour une exportation après réparation"],
        "it": ["{gea} potrebbe essere usata per un'esportazione dopo una riparazione"],
        "es": ["{gea} podría utilizarse para una exportación tras una reparación"],
        "nl": ["{gea} kan worden gebruikt voor uitvoer na reparatie"],
        "pl": ["{gea} można wykorzystać przy eksporcie po naprawie"],
    },
}

# the product's words for the answer about a product described in words
LATHE = {"en": "A lathe", "de": "Eine Drehmaschine", "fr": "Un tour", "it": "Un tornio", "es": "Un torno",
         "nl": "Een draaibank", "pl": "Tokarka"}


@dataclass(frozen=True)
class Case:
    """One extractive answer of the fixture index and the statements that are false or true for it."""
    name: str
    question: str
    item: str | dict                 # the code, or the product's words per language
    country: str = ""                # ISO2
    cite: str = "Art. 3(1)"          # the locator a statement cites by default
    false: tuple[tuple[str, dict], ...] = ()
    true: tuple[tuple[str, dict], ...] = ()


CASES = [
    Case("2B001 to Canada: EU001 usable", "Can I export 2B001 to Canada?", "2B001", "CA",
         false=(("no_auth", {}), ("individual", {}), ("gea_no", {"gea": "EU001"}), ("no_gea", {}), ("not_listed", {}),
                ("export_banned", {}), ("sanctioned", {}), ("dest_no", {"gea": "EU001"})),
         true=(("auth_needed", {}), ("gea_yes", {"gea": "EU001"}), ("some_gea", {}), ("listed", {}), ("export_ok", {}),
               ("dest_yes", {"gea": "EU001"}))),
    Case("5A002 to Iran: sanctions review", "Can I export 5A002 to Iran?", "5A002", "IR",
         false=(("no_auth", {}), ("no_individual", {}), ("gea_yes", {"gea": "EU008"}), ("some_gea", {}),
                ("not_listed", {}), ("export_ok", {}), ("not_sanctioned", {}), ("dest_yes", {"gea": "EU008"})),
         true=(("auth_needed", {}), ("no_gea", {}), ("gea_no", {"gea": "EU008"}), ("sanctioned", {}),
               ("dest_no", {"gea": "EU008"}), ("listed", {}))),
    Case("2B001 to Brazil: individual licence", "Can I export 2B001 to Brazil?", "2B001", "BR",
         false=(("no_auth", {}), ("no_individual", {}), ("gea_yes", {"gea": "EU003"}), ("gea_yes", {"gea": "EU004"}),
                ("some_gea", {}), ("not_listed", {}), ("export_ok", {}), ("sanctioned", {}),
                ("dest_no", {"gea": "EU003"})),
         true=(("auth_needed", {}), ("individual", {}), ("no_gea", {}), ("gea_no", {"gea": "EU003"}), ("listed", {}),
               ("dest_yes", {"gea": "EU003"}), ("gea_for_repair", {"gea": "EU003"}))),
    Case("5A002 to Brazil: needs the sub-item", "Can I export 5A002 to Brazil?", "5A002", "BR",
         false=(("no_auth", {}), ("gea_yes", {"gea": "EU008"}), ("some_gea", {}), ("not_listed", {}), ("export_ok", {}),
                ("export_banned", {}), ("sanctioned", {}), ("dest_no", {"gea": "EU008"})),
         true=(("auth_needed", {}), ("listed", {}), ("dest_yes", {"gea": "EU008"}),
               ("gea_if_sub_item", {"gea": "EU008", "sub": "5A002.a.2"}))),
    Case("a lathe: not classified", "Is a lathe controlled?", LATHE, cite="Art. 3(1)",
         false=(("not_listed", {}), ("listed", {}), ("no_auth", {}), ("export_ok", {})),
         true=(("listed_maybe", {"code": "2B001"}),)),
    Case("2B001 looked up: listed", "What does 2B001 cover?", "2B001",
         false=(("not_listed", {}), ("no_auth", {}), ("export_ok", {})),
         true=(("listed", {}), ("auth_needed", {}))),
    Case("brokering 2B001: only if informed", "Brokering 2B001 from China to India", "2B001", cite="Annex I 2B001",
         false=(("no_auth", {}), ("auth_always", {}), ("not_listed", {})),
         true=(("auth_if_informed", {}), ("listed", {}))),
]

PLACEMENTS = ("alone", "after_a_true_sentence", "bold_lead", "joined_to_a_true_sentence", "list_item", "after_a_quote")


def country_name(iso2: str, language: str) -> str:
    if language == "en":
        return get_country(iso2).name
    return Locale.parse(language).territories[iso2]


def statements(case: Case, kind: str, args: dict) -> list[tuple[str, str]]:
    """(language, sentence without its marker) for every template of a kind."""
    out = []
    for language in LANGUAGES:
        item = case.item[language] if isinstance(case.item, dict) else case.item
        values = {"item": item, "country": country_name(case.country, language) if case.country else "", **args}
        for template in T[kind][language]:
            if "{country}" in template and not case.country:
                continue
            text = template.format(**values)
            out.append((language, text[0].upper() + text[1:]))
    return out


def body_sentences(answer) -> list[str]:
    """The extractive answer's sentences after its lead, each with its markers."""
    from assistant.statements import sentences
    draft = answer.text.split("\n\nSources:")[0]
    paragraphs = draft.split("\n\n")
    lead_and_claims = paragraphs[0]
    lead_end = lead_and_claims.index("**", 2) + 2
    return sentences(lead_and_claims[lead_end:])


def place(answer, claim: str, n: int, placement: str) -> str:
    """A reply that carries `claim` (cited [n]) in a given position, the rest copied from the extractive answer."""
    draft = answer.text.split("\n\nSources:")[0]
    lead = draft[:draft.index("**", 2) + 2]
    body = body_sentences(answer)
    first = body[0] if body else lead
    said = f"{claim} [{n}]."
    if placement == "alone":
        return said
    if placement == "after_a_true_sentence":
        return f"{lead} {first} {said}"
    if placement == "bold_lead":
        return f"**{claim}** [{n}] " + " ".join(body)
    if placement == "joined_to_a_true_sentence":
        return f"{lead} {claim} [{n}], and {first[0].lower() + first[1:]}"
    if placement == "list_item":
        return f"{lead}\n\n- {first}\n- {said}"
    if placement == "after_a_quote":
        quote = next(c.quote for c in answer.citations if c.n == n)
        cut = re.sub(r"\s+\S*$", "", quote[:90]) if len(quote) > 90 else quote
        return f"{lead} The passage reads “{cut.rstrip(' ,;:.')}” [{n}]: {claim[0].lower() + claim[1:]} [{n}]."
    raise ValueError(placement)


def number(answer, locator: str) -> int:
    return next((c.n for c in answer.citations if c.locator == locator), answer.citations[0].n)


def replies(answer, case: Case, which: str) -> list[dict]:
    """Every reply of the family for one answer: which = 'false' or 'true'."""
    n = number(answer, case.cite)
    out = []
    for kind, args in getattr(case, which):
        for language, claim in statements(case, kind, args):
            for placement in PLACEMENTS:
                out.append({"case": case.name, "kind": kind, "language": language, "placement": placement,
                            "claim": claim, "reply": place(answer, claim, n, placement)})
    return out


# replies in languages the guard does not read: it must reject them whatever they say
UNREAD = {
    "pt": "Você pode exportar {item} para o Canadá sem qualquer licença",
    "sv": "Du kan exportera {item} till Kanada utan någon licens",
    "ro": "Puteți exporta {item} în Canada fără nicio licență",
    "cs": "Můžete vyvážet {item} do Kanady bez jakékoli licence",
    "tr": "{item} ürününü Kanada'ya herhangi bir lisans olmadan ihraç edebilirsiniz",
    "da": "Du kan eksportere {item} til Canada uden nogen licens",
    "ru": "Вы можете экспортировать {item} в Канаду без какой-либо лицензии",
    "zh": "您可以在没有任何许可证的情况下将{item}出口到加拿大",
}


# Statements written apart from the templates, in three rounds, each run once before any change it led to; a miss
# was fixed by a general reading rule (a word class, a scope rule, "unsure means no"), never by adding the sentence.
# Each is false for the answer to its question. (question, statement, the locator it cites or "" for the last one)
WRITTEN_FALSE = [(q, s, loc) for q, block in [
    ("Can I export 5A002 to Iran?", """Shipping 5A002 to Iran is perfectly fine.
There's no obstacle to exporting 5A002 to Iran.
5A002 goes to Iran without paperwork.
Iran is an eligible destination for EU008.
EU008 lets you ship 5A002 to Iran.
The export to Iran is covered by a general licence.
No permit is required for Iran.
You are free to sell 5A002 in Iran.
Exporting to Iran requires nothing more than a customs declaration.
Iran is not subject to restrictive measures.
The embargo on Iran was lifted.
Sanctions on Iran no longer apply.
5A002 is outside the scope of the control list.
5A002 is not a listed item.
5A002 falls outside Annex I.
The regulation does not restrict exports of 5A002 to Iran.
You may proceed with the shipment to Iran.
Go ahead and export 5A002 to Iran.
An authorisation is optional for 5A002.
Authorisation is not mandatory for exports to Iran.
EU008 is valid for Iran.
A general authorisation is enough for Iran.
5A002 to Iran: allowed.
Export licence requirement: none.
Iran qualifies for EU008.
The answer is yes for Iran.
Yes — 5A002 can go to Iran.
It's OK to export 5A002 to Iran.
Licences are only needed for military items, not for 5A002.
5A002 is decontrolled.
Der Export nach Iran ist problemlos möglich.
Für Iran reicht eine allgemeine Genehmigung.
5A002 darf ohne weiteres nach Iran geliefert werden.
Es gibt keine Beschränkungen für Iran.
Rien n'empêche l'exportation vers l'Iran.
L'Iran n'est pas sous embargo.
5A002 peut être expédié librement en Iran.
Nulla vieta l'esportazione verso l'Iran.
L'Iran non è sotto embargo.
Nada impide exportar a Irán.
Irán no está bajo embargo.
Niets verhindert de uitvoer naar Iran.
Iran staat niet onder embargo.
Nic nie stoi na przeszkodzie eksportowi do Iranu.
Iran nie jest objęty embargiem.
Iran can be served under a Union general export authorisation.
EU008 remains open for shipments to Iran.
The Iranian market is accessible without an export licence.
Dual-use controls do not bite on 5A002.
5A002 escapes Annex I.
Iran is fine as a destination.
EU restrictive measures against Iran have ended.
Sie brauchen für Iran keinerlei Erlaubnis.
Pour l'Iran, l'exportation est libre de toute autorisation.
Per l'Iran non occorre alcun permesso.
Irán puede recibir 5A002 sin trámites.
Naar Iran mag 5A002 gewoon worden verstuurd.
Do Iranu można wysłać 5A002 bez pozwolenia."""),
    ("Can I export 2B001 to Canada?", """Canada is off-limits for 2B001.
Canada cannot receive 2B001 under EU001.
EU001 is unavailable for Canada.
EU001 does not extend to Canada.
You will have to apply for an individual licence for Canada.
2B001 is not a controlled good.
2B001 sits outside the dual-use list.
Exports of 2B001 to Canada are subject to an arms embargo.
Canada is sanctioned by the EU.
Kanada ist kein zulässiges Ziel für EU001.
2B001 ist kein Dual-Use-Gut.
Le Canada ne fait pas partie des destinations de EU001.
Il Canada è sottoposto a embargo.
Canadá está excluido de EU001.
2B001 valt niet onder de exportcontrole.
Kanada nie jest objęta EU001.
No authorisation of any kind is needed for 2B001 to Canada.
You can skip the licence for Canada.
A licence? Not for Canada.
A general authorisation is out of the question for Canada.
EU001 is closed to Canada.
Canada lies outside EU001.
An individual export licence is mandatory for Canada.
2B001 has been removed from the control list.
Exporting 2B001 to Canada is forbidden.
EU001 darf für Kanada nicht verwendet werden.
Le Canada n'est pas couvert par EU001.
Kanada valt buiten EU001."""),
    ("Can I export 2B001 to Brazil?", """Brazil is covered by EU001.
EU001 can be relied upon for Brazil.
EU003 is fine for an ordinary sale to Brazil.
For a normal sale to Brazil you may use EU004.
A general authorisation will do for Brazil.
You are good to go for Brazil.
There is nothing stopping a sale of 2B001 to Brazil.
Brazil does not require a licence.
No licence needed for Brazil.
Selling 2B001 to Brazil is unrestricted.
2B001 can leave for Brazil without formalities.
Brasilien ist durch EU001 abgedeckt.
Für Brasilien genügt EU004.
Le Brésil relève de EU001.
Il Brasile rientra in EU001.
Brasil está incluido en EU001.
Brazilië valt onder EU001.
Brazylia jest objęta EU001.
Exports to Brazil are unproblematic.
Brazil is an EU001 country.
EU003 applies to any sale to Brazil.
Brazil is open for 2B001 exports without an individual licence.
An ordinary sale to Brazil can rely on EU004.
No individual authorisation is required for Brazil.
Brazil is on the EU001 list.
Für Brasilien braucht es nur EU003.
Al Brasile si può vendere con EU004.
Brasil: sin licencia."""),
    ("Can I export 5A002 to Brazil?", """EU008 settles the matter for Brazil.
Your 5A002 item can go to Brazil under EU008.
EU008 covers your export to Brazil.
The export to Brazil falls under EU008.
No individual licence is needed for any 5A002 item.
Für jede 5A002-Ware genügt EU008.
EU008 couvre votre exportation vers le Brésil.
EU008 copre la vostra esportazione.
EU008 cubre su exportación a Brasil.
EU008 dekt uw uitvoer naar Brazilië.
EU008 obejmuje Twój eksport do Brazylii.
Any 5A002 item can go to Brazil under EU008.
EU008 applies whatever the sub-item.
The sub-item does not matter: EU008 applies.
5A002 needs no individual licence for Brazil.
Export to Brazil is not allowed."""),
    ("Is a lathe controlled?", """Lathes are free of export control.
A lathe needs no licence.
Lathes are not dual-use.
You can ship a lathe anywhere.
Lathes are exempt.
Lathes are definitely covered by 2B001.
A lathe is a 2B001 item.
Drehmaschinen sind nicht kontrolliert.
Les tours ne sont pas contrôlés.
I torni non sono soggetti a controllo.
Los tornos no están sujetos a control.
Draaibanken zijn niet gereguleerd.
Tokarki nie podlegają kontroli.
A lathe is not a regulated product.
Lathes fall outside the dual-use rules.
Lathes can be exported without formalities.
A lathe is certainly 2B001.
Eine Drehmaschine fällt nicht unter die Ausfuhrkontrolle.
Un tour n'est pas visé par le règlement."""),
    ("What does 2B001 cover?", """2B001 is not in the list any more.
2B001 machines can be exported freely.
No export authorisation applies to 2B001."""),
    ("Brokering 2B001 from China to India", """Brokering 2B001 needs no authorisation.
Brokering is outside the regulation.
You may broker 2B001 freely.
Brokers are never required to hold a licence.
Brokering 2B001 is always subject to authorisation.
Every brokering deal for 2B001 must be authorised.
Die Vermittlung von 2B001 ist genehmigungsfrei.
Le courtage de 2B001 est libre.
L'intermediazione di 2B001 è libera.
El corretaje de 2B001 es libre.
Bemiddeling voor 2B001 is vrij.
Pośrednictwo w obrocie 2B001 jest swobodne.
Brokers never need an authorisation.
Brokering services are unregulated.
An authorisation is always required for brokering 2B001.
Für die Vermittlung braucht man keine Genehmigung."""),
] for s in block.splitlines() for loc in [""]]

# Faithful rewrites written apart from the templates (whole replies; {locator} stands for its passage's number).
WRITTEN_FAITHFUL = [
    ("Can I export 2B001 to Canada?", "**Probably yes: EU001 can be used for 2B001 to Canada, provided you meet its conditions** [{Annex II EU001 Part 2}]. Canada appears among the EU001 destinations [{Annex II EU001 Part 2}], and EU001 covers 2B001 [{Annex II EU001 Part 1}]. You have to declare EU001 in the customs declaration [{Annex II EU001 Part 3}]."),
    ("Can I export 2B001 to Canada?", "2B001 is a listed item, so exporting it needs an authorisation [{Art. 3(1)}]. For Canada that authorisation can be EU001 [{Annex II EU001 Part 2}]."),
    ("Can I export 2B001 to Canada?", "**Wahrscheinlich ja, mit der allgemeinen Genehmigung EU001, wenn Sie deren Bedingungen erfüllen** [{Annex II EU001 Part 2}]. Kanada ist ein Bestimmungsland von EU001 [{Annex II EU001 Part 2}]. Die Ausfuhr von 2B001 ist genehmigungspflichtig [{Art. 3(1)}]."),
    ("Can I export 2B001 to Canada?", "**Probablement oui, au titre de EU001, si vous en respectez les conditions** [{Annex II EU001 Part 2}]. Le Canada est une destination de EU001 [{Annex II EU001 Part 2}]."),
    ("Can I export 2B001 to Canada?", "**Probabilmente sì, con EU001, se ne rispettate le condizioni** [{Annex II EU001 Part 2}]. Il Canada è una destinazione di EU001 [{Annex II EU001 Part 2}]."),
    ("Can I export 2B001 to Canada?", "**Probablemente sí, al amparo de EU001, si cumple sus condiciones** [{Annex II EU001 Part 2}]. Canadá es un destino de EU001 [{Annex II EU001 Part 2}]."),
    ("Can I export 2B001 to Canada?", "**Waarschijnlijk wel, onder EU001, als u aan de voorwaarden voldoet** [{Annex II EU001 Part 2}]. Canada is een bestemming van EU001 [{Annex II EU001 Part 2}]."),
    ("Can I export 2B001 to Canada?", "**Prawdopodobnie tak, na podstawie EU001, jeśli spełnisz jego warunki** [{Annex II EU001 Part 2}]. Kanada jest krajem przeznaczenia EU001 [{Annex II EU001 Part 2}]."),
    ("Can I export 5A002 to Iran?", "**No general authorisation can be relied on for Iran, which is under EU restrictive measures; a sanctions review comes first** [{Annex II EU008 Part 2}]. EU008 names Iran among its excluded destinations [{Annex II EU008 Part 2}]. Exporting 5A002 needs an authorisation [{Art. 3(1)}]."),
    ("Can I export 5A002 to Iran?", "**Für Iran können Sie sich auf keine allgemeine Genehmigung stützen: Iran unterliegt restriktiven Maßnahmen der EU** [{Annex II EU008 Part 2}]. Iran ist von EU008 ausgeschlossen [{Annex II EU008 Part 2}]."),
    ("Can I export 5A002 to Iran?", "**Aucune autorisation générale n'est utilisable pour l'Iran, soumis à des mesures restrictives de l'UE** [{Annex II EU008 Part 2}]. L'Iran est exclu de EU008 [{Annex II EU008 Part 2}]."),
    ("Can I export 5A002 to Iran?", "**Per l'Iran non si può usare alcuna autorizzazione generale: l'Iran è soggetto a misure restrittive dell'UE** [{Annex II EU008 Part 2}]."),
    ("Can I export 5A002 to Iran?", "**Para Irán no puede utilizarse ninguna autorización general; Irán está sujeto a medidas restrictivas de la UE** [{Annex II EU008 Part 2}]."),
    ("Can I export 5A002 to Iran?", "**Voor Iran kan geen algemene vergunning worden gebruikt; er gelden beperkende maatregelen van de EU** [{Annex II EU008 Part 2}]."),
    ("Can I export 5A002 to Iran?", "**Dla Iranu nie można skorzystać z żadnego generalnego zezwolenia; Iran jest objęty środkami ograniczającymi UE** [{Annex II EU008 Part 2}]."),
    ("Can I export 2B001 to Brazil?", "**For an ordinary sale to Brazil no general export authorisation applies, so you need an individual or global authorisation** [{Art. 3(1)}]. If the export were a return after repair, EU003 could be used [{Annex II EU003 Part 2}]; for a trade fair, EU004 [{Annex II EU004 Part 2}]."),
    ("Can I export 2B001 to Brazil?", "**Für einen gewöhnlichen Verkauf nach Brasilien gilt keine allgemeine Genehmigung; Sie benötigen eine Einzel- oder Globalgenehmigung** [{Art. 3(1)}]. Brasilien ist ein Bestimmungsland von EU003 [{Annex II EU003 Part 2}]."),
    ("Can I export 2B001 to Brazil?", "**Pour une vente ordinaire au Brésil, aucune autorisation générale ne s'applique : il faut une autorisation individuelle ou globale** [{Art. 3(1)}]."),
    ("Can I export 2B001 to Brazil?", "**Per una vendita ordinaria in Brasile nessuna autorizzazione generale si applica: serve un'autorizzazione individuale o globale** [{Art. 3(1)}]."),
    ("Can I export 2B001 to Brazil?", "**Para una venta ordinaria a Brasil no se aplica ninguna autorización general: necesita una autorización individual o global** [{Art. 3(1)}]."),
    ("Can I export 2B001 to Brazil?", "**Voor een gewone verkoop naar Brazilië geldt geen algemene vergunning: u heeft een individuele of globale vergunning nodig** [{Art. 3(1)}]."),
    ("Can I export 2B001 to Brazil?", "**Przy zwykłej sprzedaży do Brazylii żadne generalne zezwolenie nie ma zastosowania: potrzebne jest zezwolenie indywidualne lub globalne** [{Art. 3(1)}]."),
    ("Can I export 5A002 to Brazil?", "**The answer depends on the sub-item of 5A002: only for 5A002.a.2 can EU008 be used** [{Annex II EU008 Part 1}]. For every other sub-item you need an individual or global authorisation [{Art. 3(1)}]."),
    ("Can I export 5A002 to Brazil?", "**Es hängt vom Unterpunkt ab: Wenn Ihr Gut unter 5A002.a.2 fällt, kann EU008 genutzt werden** [{Annex II EU008 Part 1}]. Brasilien ist ein Bestimmungsland von EU008 [{Annex II EU008 Part 2}]."),
    ("Is a lathe controlled?", "**A lathe may be listed: the closest entry is 2B001** [{Annex I 2B001}]. Whether it is depends on its technical parameters [{Annex I 2B001}]. An item not listed can still need an authorisation under the catch-all [{Art. 4(1)}]."),
    ("Is a lathe controlled?", "**Eine Drehmaschine ist möglicherweise unter 2B001 erfasst** [{Annex I 2B001}]."),
    ("What does 2B001 cover?", "**2B001 is an Annex I entry: machine tools for removing metals that can have numerical control** [{Annex I 2B001}]. Exporting it needs an authorisation [{Art. 3(1)}]."),
    ("What does 2B001 cover?", "**2B001 figura en el anexo I** [{Annex I 2B001}]. Su exportación requiere una autorización [{Art. 3(1)}]."),
    ("Brokering 2B001 from China to India", "**Only in some cases: brokering 2B001 needs an authorisation if the competent authority has informed you of a use in Article 4(1)** [{Annex I 2B001}]. 2B001 is listed in Annex I [{Annex I 2B001}]."),
    ("Brokering 2B001 from China to India", "**Nur in bestimmten Fällen: Die Vermittlung von 2B001 bedarf einer Genehmigung, wenn die Behörde Sie über eine Verwendung nach Artikel 4(1) unterrichtet hat** [{Annex I 2B001}]."),
]


def with_numbers(reply: str, answer) -> str:
    """'[{Art. 3(1)}]' -> '[5]', the number the answer gave that passage."""
    return re.sub(r"\{([^{}]+)\}", lambda m: str(number(answer, m.group(1))), reply)
