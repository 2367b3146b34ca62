"""The frame of a non-English answer (issue 12): the lead, the caveats, the "Sources" label and version labels, the
sources heading and the sources' warnings are in the user's language, from the catalogue; every quote stays English,
verbatim, inside that frame. The claim sentences that carry a citation restate the law's words and stay English."""
import pytest

from assistant.core import Assistant


@pytest.fixture(scope="module")
def real_assistant(real_index):
    return Assistant(real_index)


def conversation(assistant: Assistant, *turns: str):
    """The answers to `turns`, each read with the case the previous answer left."""
    answers, case = [], None
    for turn in turns:
        answers.append(assistant.answer(turn, case=case))
        case = answers[-1].case
    return answers


def assert_quotes_verbatim(answer):
    shown = answer.markdown()
    assert answer.citations
    for c in answer.citations:
        assert f"“{c.quote}”" in shown, c.locator                # the English quote, character for character


# English frame words that must not be left in a German or Polish answer's frame (claims aside)
ENGLISH_FRAME = ("Read with the earlier turns", "(turn ", "Sanctions data for", "Project-maintained", "consolidated",
                 "Sources:", "**Sources**", "is listed in Annex I, Category", "Part of ", "is not in Annex IV",
                 "official text]")


@pytest.mark.real
def test_a_german_follow_up_answer_has_a_german_frame(real_assistant):
    _, russia = conversation(real_assistant, "Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?",
                             "Und nach Russland?")
    text, shown = russia.text, russia.markdown()
    assert russia.case["language"] == "de"
    assert text.startswith("**Verlassen Sie sich für das Bestimmungsland Russland auf keine allgemeine Genehmigung")
    # the caveats: what was carried over, and the sanctions note (the regimes are the project's English data)
    carried = "Aus früheren Nachrichten dieses Gesprächs übernommen: das Gut 2B001 (Nachricht 1), die Tätigkeit: " \
              "Ausfuhr (Nachricht 1)."
    assert carried in russia.caveats and carried in text
    sanctions = next(c for c in russia.caveats if c.startswith("Sanktionsdaten für Russland: EU arms embargo"))
    assert "(Vom Projekt gepflegte Referenzdaten auf Englisch, Stand " in sanctions and sanctions in text
    # the versions line and the sources heading
    assert "\n\nQuellen: Artikel und Anhänge II-VI, konsolidierte Fassung 2023-05-26; Anhang I, konsolidierte Fassung " \
           "2025-11-15.\n\n" in text
    assert "\n**Quellen**\n1. **" in shown
    for english in ENGLISH_FRAME:
        assert english not in shown, english
    assert_quotes_verbatim(russia)


@pytest.mark.real
def test_a_polish_transfer_answer_has_a_polish_frame(real_assistant):
    (answer,) = conversation(real_assistant, "Czy przemieszczenie 1C351 do Niemiec wymaga zezwolenia?")
    shown = answer.markdown()
    assert answer.case["language"] == "pl" and answer.intent == "transfer"
    assert answer.text.startswith("**Część pozycji 1C351 znajduje się w załączniku IV (część II): transfery "
                                  "wewnątrzunijne tych podpozycji wymagają zezwolenia.**")
    assert "\n\nŹródła: Artykuły i załączniki II-VI, wersja skonsolidowana 2023-05-26.\n\n" in answer.text
    assert "\n**Źródła**\n1. **Annex IV Part II 1C351.d.4**" in shown
    # each source's warnings about the copy, in Polish under the English quote
    assert "“1C351.d.4. Ricin”" in shown
    assert "   - ⚠ Załącznik IV jest cytowany według tekstu skonsolidowanego z 26.05.2023" in shown
    for english in ENGLISH_FRAME + ("is cited from the consolidated text", "emphasis is lost"):
        assert english not in shown, english
    assert_quotes_verbatim(answer)


@pytest.mark.real
def test_a_polish_lookup_keeps_the_lists_words_inside_a_polish_lead(real_assistant):
    lookup, transfer = conversation(real_assistant, "Czy 5A002 jest na liście?",
                                    "A czy przemieszczenie do Niemiec wymaga zezwolenia?")
    heading = next(c.quote for c in lookup.citations if c.locator == "Annex I 5A002")
    assert lookup.text.startswith('**5A002 figuruje w załączniku I, kategoria 5 (Telecommunications and "information '
                                  'security"): “' + heading.rstrip(":"))      # the heading, quoted as the list words it
    assert transfer.text.startswith("**5A002 nie znajduje się w załączniku IV")
    assert "Przejęte z wcześniejszych wiadomości tej rozmowy: produkt 5A002 (wiadomość 1)." in transfer.caveats
    for answer in (lookup, transfer):
        assert_quotes_verbatim(answer)
        assert not [e for e in ENGLISH_FRAME if e in answer.markdown()]


@pytest.mark.real
def test_the_same_conversation_in_english_keeps_its_english_frame(real_assistant):
    _, russia = conversation(real_assistant, "Can we ship a 2B001 machine tool to Canada?", "And to Russia?")
    assert "Read with the earlier turns of this conversation: the item 2B001 (turn 1), the activity export (turn 1)." \
        in russia.caveats
    assert "\n\nSources: Articles and Annexes II-VI consolidated 2023-05-26; Annex I consolidated 2025-11-15.\n\n" \
        in russia.text
    assert "\n**Sources**\n1. **" in russia.markdown()


def test_helpdesk_body_leaves_out_the_sources_line_and_notice_in_every_language():
    from assistant.answer import NOTICE
    from assistant.messages import t
    from interfaces.markdown import answer_body
    text = f"**Lead.**\n\n{t('Sources', 'de')}: Anhang I\n\n*{t(NOTICE, 'de')}*"
    assert answer_body(text) == ["**Lead.**"]


def test_a_german_diff_lead_is_in_german(real_assistant):
    a = real_assistant.answer("Was hat sich bei 3B001 geändert?")
    lead = a.text.split("**")[1]
    assert lead.startswith("3B001 hat sich zwischen Anhang I") and "Textstelle(n) umformuliert" in lead
