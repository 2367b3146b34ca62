"""The case and its turn update rules (assistant/case.py), and the reading of one turn (assistant/understand.py).

Every rule of TURN_RULES and SITUATION_RULES has at least one row here that makes it fire (checked at the end), and
the conversations of issue 9 that went wrong before are replayed turn by turn. Pure functions: no index needed."""
import pytest

from assistant.case import SITUATION_RULES, TURN_RULES, Case, from_history, update
from assistant.understand import read_turn

# --- reading one turn --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, origin, destination, via", [
    ("From the Netherlands to Iran: can we send 5A002?", "NL", "IR", None),      # the EU origin named first
    ("Can we ship 5A002 to Iran? We are in the Netherlands.", None, "IR", None),  # a location, not a destination
    ("We ship 7A003 from the US to Turkey via the Netherlands", "US", "TR", "NL"),  # a transit place
    ("Can we export a laser to Canada?", None, "CA", None),                       # one place, a destination
    ("Germany to Japan: 2B001?", "DE", "JP", None),                               # unmarked: EU first, then a third
    ("We ship 5A002 to our French subsidiary.", None, "FR", None),               # a party "to" qualifies: where
    ("Can a 2B001 machine go from our Spanish plant to Australia?", "ES", "AU", None),   # the site goods leave from
    ("Can we ship 1C233 lithium from our lab in France to a partner in Italy?", "FR", "IT", None),
])
def test_place_roles(text, origin, destination, via):
    r = read_turn(text)
    assert (r.origin and r.origin.value.iso2, r.destination and r.destination.value.iso2,
            r.transit_via and r.transit_via.value.iso2) == (origin, destination, via)


@pytest.mark.parametrize("text, activity, purpose, end_use", [
    ("A German company arranges the sale of 2B001 from China to Pakistan", "brokering", None, None),
    ("The machines are in transit through Rotterdam", "transit", None, None),
    ("Our engineer will train the staff of a customer in Iran", "technical_assistance", "sale", None),
    ("Notre ingénieur va former le personnel d'un client en Iran", "technical_assistance", "sale", None),
    ("Unser Techniker wird das Personal eines Kunden im Iran schulen", "technical_assistance", "sale", None),
    ("We send the repaired unit back to our customer after repair", None, "repair", None),
    ("We want to show it at a trade fair in Dubai", None, "exhibition", None),
    ("Source code for our subsidiary in India", None, "intra_group", None),
    ("It is for the army of the buyer", None, "sale", "military"),
    ("Is it for a nuclear weapons programme?", None, None, "wmd"),
    ("Please consult the Commission's guidance", None, None, None),            # "consult", "Commission": no activity
    ("What if we sell it there instead?", None, "sale", None),                 # the verb of a sale states it
    ("We sell ADCs and want to show one at a trade fair in Korea", None, "exhibition", None),   # a purpose named
    # a person who travels with an item is no service; travelling to service a machine is one
    ("Our sales engineer travels to China with her company laptop", None, "sale", None),
    ("Our engineer travels to Iran with his laptop to service the 2B001 machine", "technical_assistance", None, None),
    ("Our engineer travels to Iran to repair the customer's machine", "technical_assistance", "sale", None),
])
def test_activity_purpose_end_use(text, activity, purpose, end_use):
    r = read_turn(text)
    assert (r.activity and r.activity.value, r.purpose and r.purpose.value, r.end_use and r.end_use.value) == \
        (activity, purpose, end_use)


@pytest.mark.parametrize("text, codes, entries, description", [
    ("Can we ship a 2B001 machine tool to Canada?", ["2B001"], ("2B001", "2B201"), "2B001 machine tool"),
    ("What about our virus samples to the United States?", [], ("1C351",), "virus samples"),
    ("We are a Dutch company. Can we export a 10 Gbit/s network encryptor to Brazil?", [], ("5A002", "5D002"),
     "10 Gbit/s network encryptor"),
    ("We also sell a widget-maker 3000. Can it go to Chile?", [], (), "widget-maker 3000"),   # words the lexicon lacks
    ("Our journalist takes her body armour to Ukraine.", [], ("1A005",), "body armour"),   # from the nearest owner
    ("Our colleague ships uranium hexafluoride; EU001 too?", [], ("0B003", "0B002"), "uranium hexafluoride"),  # a verb
    ("Can we export our gizmos to Brazil?", [], (), "gizmos"),                   # the thing a verb of trade bears on
    ("and to India?", [], (), None),
    # described first, the place after: the description ends at the words that lead to the place
    ("Cotton T-shirts and hoodies, printed, for a retailer in Morocco - any dual-use licence?", [], (),
     "Cotton T-shirts and hoodies, printed"),
    ("Wooden garden furniture. Is it listed?", [], (), "Wooden garden furniture"),
    ("Annex IV items to Norway - licence needed?", [], (), None),                # the law named: not a product
    ("Export to China. Listed?", [], (), None),                                  # an activity: not a product
])
def test_items_named(text, codes, entries, description):
    r = read_turn(text)
    assert r.codes == codes
    assert next((p.entries for p in r.products if p.entries), ()) == entries
    assert (r.description.value if r.description else None) == description


@pytest.mark.parametrize("text, sub_item", [("a.1", "a.1"), ("It's the a.2 one", "a.2"), ("b", "b"),
                                            ("sub-item c.1", "c.1"), ("5A002.a.1", None)])
def test_sub_item_answers(text, sub_item):
    assert read_turn(text).sub_item == sub_item


# --- turn update rules: one row per rule ----------------------------------------------------------------------

def replay(*turns: str) -> Case:
    case = None
    for t in turns:
        case, _ = update(case, t)
    return case


@pytest.mark.parametrize("turns, rule, item, code", [
    # a reset starts a new item whatever it names
    (["Can we ship 2B001 to Canada?", "Different product now: a hybrid rocket propulsion system"], "different product",
     2, None),
    # a bare sub-item refines the code of the current item
    (["Can we export 5A002 to Brazil?", "It's the a.1 one"], "sub-item answer", 1, "5A002.a.1"),
    # a finer code of the same entry is the same item
    (["Can we export 5A002 to Brazil?", "Is 5A002.a.2 covered?"], "same entry, finer code", 1, "5A002.a.2"),
    # products of different entries listed side by side: an item each, the last one current until asked which
    (["Can we export thermal cameras and 5A002.a.2 routers to Brazil?"], "several products listed", 2, "5A002.a.2"),
    (["Can we export thermal cameras and 5A002.a.2 routers to Brazil?", "And the cameras?"], "back to an earlier item",
     1, None),
    # ... and when the turn then asks about one of them, that one is the item ("can the routers go ...")
    (["We sell 6A003 cameras and 5A002.a.2 routers. Can the routers go to Brazil?"], "new code", 2, "5A002.a.2"),
    # a code the turn gives an item described without one is its code
    (["Can we export our encryptors to Brazil?", "They are 5A002.a.2."], "the item's code", 1, "5A002.a.2"),
    # a code of another entry starts a new item
    (["Can we export 5A002 to Brazil?", "And 2B001?"], "new code", 2, "2B001"),
    # another chemical, by its CAS number, is another item
    (["We export triethanolamine (CAS 102-71-6) to Turkey.", "And dipropylamine, CAS 142-84-7?"], "new chemical",
     2, None),
    # "we also sell" an item of the same entry is still another item (an ADC after an FPGA, both 3A001)
    (["Can 3A001.a.7 FPGAs go to South Korea?", "We also sell a 12-bit ADC with a 1.5 GSPS sample rate."],
     "another of our products", 2, None),
    # "what about our X" starts a new item
    (["Can we ship a 2B001 machine tool to Canada?", "What about our virus samples to the United States?"],
     "another of our products", 2, None),
    # "we also have X" names another product, not words of the procedure or a party
    (["Can we ship our 2B001 machine tool to Canada?", "We also have a cryogenic pump. Can it go to the same customer?"],
     "another of our products", 2, None),
    (["Can we ship our 2B001 machine tool to Canada?", "We also have a subsidiary in India. Can we send it there?"],
     "keeps the item", 1, "2B001"),
    # a turn that names an earlier item goes back to it
    (["Our 1C351 samples go to Canada. OK?", "And our 2B001 lathe?", "Can the samples go to Norway?"],
     "back to an earlier item", 1, "1C351"),                         # a word of its own description
    (["Can we ship our 2B001 machine tool to Canada?", "We also sell 1C351 virus samples.", "And the first product?"],
     "back to an earlier item", 1, "2B001"),                         # by its order
    (["Can we ship 2B001 machine tools to Canada?", "And 1C350 chemicals to Canada?", "What about the former to "
      "India?"], "back to an earlier item", 1, "2B001"),             # "the former": the one before
    (["Can we ship 2B001 machine tools to Canada?", "And 1C350 chemicals to Canada?", "And the latter to India?"],
     "keeps the item", 2, "1C350"),                                  # "the latter": the one discussed
    (["Can we ship our 2B001 machine tool to Canada?", "We also sell 1C351 virus samples.",
      "And the machine tool to India?"], "back to an earlier item", 1, "2B001"),   # product words pointing to it
    (["Our 6A003.b.4 thermal cameras go to India.", "We also make night vision goggles.", "And the cameras?"],
     "back to an earlier item", 1, "6A003.b.4"),     # its own words, though the goggles point to a neighbouring entry
    (["Can we ship our 2B001 machine tool to Canada?", "What about our thermal cameras?",
      "Can the cameras travel with the machine manuals?"], "same product words", 2, None),  # the current item named
    # one more item added to the shipment, even of the same entry
    (["Can we ship our 2B001 machine tool to Canada?", "Also a coordinate grinder."], "another of our products", 2, None),
    (["Can we ship our 2B001 machine tool to Canada?", "And if we add the CNC controller?"], "another of our products",
     2, None),
    (["Can we ship our 2B001 machine tool to Canada?", "Does Annex I include a definition of machine tools?"],
     "same product words", 1, "2B001"),                               # "include" in a question about the texts
    # product words pointing elsewhere start a new item
    (["Can we ship a 2B001 machine tool to Canada?", "Can we ship body armour to Canada?"], "new product words",
     2, None),
    # product words of the same entry but other words than the item's, in a follow-up: another product
    (["Can we ship our 5A002.a.2 router to Japan?", "And the VPN gateway?"], "other words, same entry", 2, None),
    (["Can we ship our 5A002.a.2 router to Japan?", "Can the router go to Brazil?"], "same product words", 1,
     "5A002.a.2"),                                                     # its own word: the same router
    # the same product words keep the item
    (["Is a thermal camera controlled?", "Can we ship the thermal camera to Japan?"], "same product words", 1, None),
    # the software or technology of the item is another item, with no code of its own yet
    (["Can we export a 5A002.a.2 router to Brazil?", "And its source code?"], "its software or technology", 2, None),
    # said to be for the item's own code: still its software, not the item again, and with no code of its own
    (["Can we export 2B001 machine tools to Canada?",
      "The customer also wants the CNC software for the 2B001 machines."], "software or technology of the coded item",
     2, None),
    (["Can we export 2B001 machine tools to Canada?", "Can we also send the 2D001 software for the 2B001 machines?"],
     "new code", 2, "2D001"),
    (["Can we export 2B001 machine tools to Canada?", "Can we send the 2B001 machine with its software?"],
     "same entry, finer code", 1, "2B001"),
    # a sibling sub-item asked about is another product; given as the item's own (a correction), it replaces the code
    (["Can we sell a 5A002.a.2 router to Brazil?", "And a 5A002.a.1 one?"], "new code", 2, "5A002.a.1"),
    (["Can we sell a 5A002.a.2 router to Brazil?", "Sorry, it is 5A002.a.1."], "same entry, finer code", 1,
     "5A002.a.1"),
    (["Can we sell a 5A002.a.2 router to Brazil?", "The router is 5A002.a.3, I made a mistake."],
     "same entry, finer code", 1, "5A002.a.3"),
    (["Can we sell a 5A002 router to Brazil?", "And a 5A002.a.1 one?"], "same entry, finer code", 1, "5A002.a.1"),
    (["Can we ship a 2B001 machine tool to Canada?", "What about the software that controls it?"],
     "its software or technology", 2, None),
    # a thing no lexicon phrase reads, sharing no word with the item, is another item
    (["Can we ship a 2B001 machine tool to Canada?", "Is it the same for the milling spindles?"],
     "another thing named", 2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "Same for our gearboxes?"], "another thing named", 2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "Is the same true of spectrometers?"], "another thing named", 2,
     None),
    (["Can we ship a 2B001 machine tool to Canada?", "How are spectrometers handled?"], "another thing named", 2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "How does it look for spectrometers?"], "another thing named", 2,
     None),
    (["Can we ship a 2B001 machine tool to Canada?", "In the same shipment: hydraulic presses."], "another thing named",
     2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "And if it's a spectrometer?"], "another thing named", 2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "What about model QX-9?"], "another thing named", 2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "Moreover, spectrometers to Japan?"], "another thing named", 2,
     None),
    (["Can we ship a 2B001 machine tool to Canada?", "Thanks. Can spectrometers go there too?"], "another thing named",
     2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "Who do we notify of the first use?"], "keeps the item", 1,
     "2B001"),                                                       # a step of the procedure, not a thing
    (["Can we ship a 2B001 machine tool to Canada?", "And what is the procedure for renewal?"], "keeps the item", 1,
     "2B001"),
    (["Can we ship a 2B001 machine tool to Canada?", "What if it's used for research?"], "keeps the item", 1,
     "2B001"),                                                       # a use, not a thing
    (["Can we ship a 2B001 machine tool to Canada?", "What if it's a prototype?"], "keeps the item", 1, "2B001"),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Und für unsere Getriebe?"],
     "another thing named", 2, None),                                  # the follow-up cue and determiner in German
    (["Can we ship our 2B001 machine tool to Canada?", "We would like to exhibit our new gearbox at a fair in Brazil."],
     "another thing named", 2, None),                                  # the thing a verb of showing bears on
    (["Can we ship our 2B001 machine tool to Canada?", "We want to send an engineer to Iran"], "keeps the item", 1,
     "2B001"),                                                         # people are no product
    (["Can we ship our 2B001 machine tool to Canada?", "Can we send them the drawings?"], "its software or technology",
     2, None),                                                         # drawings are its technology, another entry
    (["Can we ship a 2B001 machine tool to Canada?", "What about the control software for that lathe?"],
     "its software or technology", 2, None),                          # the item named after the software words
    (["Wir liefern eine 2B001 Drehmaschine nach Kanada.", "Und die Software für die Drehmaschine?"],
     "its software or technology", 2, None),
    # a product set beside the item ("is it different for ...?") is another product, even of the same entry
    (["Can we ship a 2B001 machine tool to Canada?", "Is it different for a 5-axis waterjet cutter?"],
     "other words, same entry", 2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "It is a 5-axis waterjet cutter."], "same product words", 1,
     "2B001"),                                                         # words about the item itself keep it
    (["Can we ship a 2B001 machine tool to Canada?", "And a grinding machine?"], "other words, same entry", 2,
     None),                                                            # "a": a new one, though both are machines
    # product words sharing nothing with a coded item, with no word pointing back at it, are another product
    (["We export 5A002.a.2 routers to Brazil.", "Our laptops with full-disk encryption go there too."],
     "other words, same entry", 2, None),
    (["We export 5A002.a.2 routers to Brazil.", "An employee takes her company laptop to Brazil on a business trip."],
     "another thing named", 2, None),                                   # the head decides: a laptop, not a company
    (["We export 5A002.a.2 routers to Brazil.", "They also have MACsec encryption."], "same product words", 1,
     "5A002.a.2"),                                                      # "they": the routers
    # another chemical of the same entry is not the earlier item of that entry
    (["Can we export 1C350 thiodiglycol to Turkey?", "And methylphosphonic dichloride?", "What about potassium cyanide?"],
     "new product words", 3, None),
    (["Japanese-made 6A005 lasers pass through Hamburg in a sealed container.",
      "Can the German authorities stop the container?"], "keeps the item", 1, "6A005"),   # a sentence, not a thing
    (["Können wir eine 2B001-Werkzeugmaschine nach Kanada liefern?", "Und eine Schleifmaschine?"],
     "other words, same entry", 2, None),                              # the article of any of the seven languages
    (["Peut-on exporter une machine-outil 2B001 vers le Canada ?", "Et une rectifieuse ?"], "other words, same entry",
     2, None),
    (["Our 6A003.b.4 thermal cameras go to India.", "Now our infrared detectors."], "other words, same entry", 2,
     None),                                                            # "now our X": another product
    # a product set aside is not named: "a thermal imager, not a machine tool" is a new item
    (["Can we ship our 2B001 machine tool to Canada?", "Scratch that - it's a thermal imager, not a machine tool."],
     "different product", 2, None),
    (["Can we ship our 2B001 machine tool to Canada?", "Forget the machine; we want to ship gas centrifuges."],
     "new product words", 2, None),                                    # and "forget the machine" is no instruction
    (["Can we ship a 2B001 machine tool to Canada?", "Besides the lathe, we would send a vibration test system."],
     "new product words", 2, None),                                    # "besides the lathe" names no item of the turn
    (["Wir liefern eine 2B001 Werkzeugmaschine nach Kanada.", "Neben der Werkzeugmaschine liefern wir Wärmebildkameras."],
     "new product words", 2, None),
    # a turn that names the current item and another product is about the other one
    (["Can we ship a 2B001 machine tool to Canada?", "Thanks for the machine tool answer. Now our infrared cameras, "
      "same destination."], "new product words", 2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "And a robot that loads the machine tool?"], "new product words",
     2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "Unlike the lathe, our spectrometer has no code."],
     "the item set aside", 2, None),
    (["Can we ship a 2B001 machine tool to Canada?", "The shipment also contains a spectrometer."],
     "another of our products", 2, None),
    (["Eksportujemy obrabiarkę 2B001 do Kanady.", "A nasze kamery termowizyjne?"], "another of our products", 2, None),
    # the first product starts the first item
    (["Can we export thermal cameras to China?"], "first item", 1, None),
    (["Can we export our encryptors to Brazil?"], "first item", 1, None),       # a thing no lexicon phrase reads
    # a turn naming no product keeps the item
    (["Can we ship 2B001 to Canada?", "and to India?"], "keeps the item", 1, "2B001"),
    (["Possiamo esportare la nostra telecamera termica 6A003 in India?",
      "Il cliente torna a chiederci se va bene anche per il Brasile."], "keeps the item", 1, "6A003"),  # no lathe
    # ...and so does a thing that is the item itself, a purpose or a procedure
    (["Can we ship a 2B001 machine tool to Canada?", "And for the machine tools?"], "same product words", 1,
     "2B001"),
    (["Can we ship a 2B001 machine tool to Canada?", "And for the exhibition?"], "keeps the item", 1, "2B001"),
    (["Can we ship a 2B001 machine tool to Canada?", "And the conditions?"], "keeps the item", 1, "2B001"),
    (["Can we ship a 2B001 machine tool to Canada?", "and what about the purpose?"], "keeps the item", 1, "2B001"),
    (["Can we ship a 2B001 machine tool to Canada?", "What about the customer?"], "keeps the item", 1, "2B001"),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Und für den Kunden?"], "keeps the item", 1,
     "2B001"),
])
def test_turn_rules(turns, rule, item, code):
    case = replay(*turns)
    assert case.rules[0] == rule
    assert case.current == item
    assert (case.item.code.value if case.item.code else None) == code


def test_products_listed_keep_their_own_codes():
    case = replay("Can we export thermal cameras and 5A002.a.2 routers to Brazil?")
    assert [(i.code.value if i.code else None, i.description.value) for i in case.items] == \
        [(None, "thermal cameras"), ("5A002.a.2", "5A002.a.2 routers")]
    assert case.ask == "item"
    # one product described by words of one entry, or a code in brackets, is no list
    assert replay("Our routers have IPsec and MACsec.").ask is None
    assert len(replay("A radar-absorbing paint (1C001.a) for reducing the radar signature of aircraft").items) == 1


@pytest.mark.parametrize("text", ["Can we ship the goods to Brazil?", "Can we export the item to Brazil?",
                                  "Can we ship our products to India?"])
def test_words_for_the_item_itself_start_no_item(text):
    assert replay(text).item is None


def test_the_software_of_an_item_records_whose_it_is():
    case = replay("Can we ship a 2B001 machine tool to Canada?", "What about the control software for that lathe?")
    assert case.item.part_of.value == {"kind": "software", "of": ["2B001"]}
    assert case.item.entries is None                                   # not the lathe's 2B001 entries
    assert Case.from_dict(case.to_dict()).item.part_of.value == case.item.part_of.value


def test_the_technology_for_it_belongs_to_the_equipment():
    case = replay("Can we export a 5A002.a.2 router to Brazil?", "And its source code?", "And the technology for it?")
    assert [i.description.value for i in case.items] == ["5A002.a.2 router", "source code for 5A002.a.2",
                                                         "technology for 5A002.a.2"]


def test_another_thing_is_described_by_its_words_and_asked_about():
    case = replay("Can we ship a 2B001 machine tool to Canada?", "And for the spindles?")
    assert case.item.description.value == "spindles" and case.item.code is None
    assert case.destination.value.iso2 == "CA"                        # the place stays: only the item changed


@pytest.mark.parametrize("turns, rule, field, value", [
    (["Can we ship 2B001 to Canada?"], "destination stated", "destination", "CA"),
    (["Can we ship our 2B001 lathe to Canada?", "Our engineer will train Indian staff on our encryption software."],
     "destination stated", "destination", "IN"),                       # the people served are in India
    (["Our Indian engineers travel to Canada with 2B001 manuals. Licence?"], "destination stated", "destination",
     "CA"),                                                            # our own engineers: not a party there
    (["From the Netherlands to Iran: can we send 5A002?"], "origin stated", "origin", "NL"),
    (["We ship 7A003 from the US to Turkey via the Netherlands"], "transit place stated", "transit_via", "NL"),
    (["We sell thiodiglycol to Turkey", "What if the customer plans to re-export it to Iran?"],
     "onward destination stated", "onward", "IR"),
    (["Can we send thiodiglycol to Turkey under EU006?"], "authorisation named", "gea", "EU006"),
    (["We are a company in the Netherlands. Can we ship 2B001 to Canada?"], "exporter stated", "exporter_state", "NL"),
    (["A German firm arranges the sale of 2B001 from China to Pakistan"], "activity stated", "activity", "brokering"),
    (["Can we transfer 1C351 to Germany?"], "activity from places", "activity", "transfer"),
    (["Our engineer will train the staff of a customer in India on our 2B001 machines.",
      "Now we also want to export the machine to India."], "activity stated", "activity", "export"),   # we export now
    (["Can we send 2B001 to India for a trade fair?"], "purpose stated", "purpose", "exhibition"),
    (["Can we show our 2B001 at a fair in Singapore?", "What if we sell it there instead?"], "purpose stated",
     "purpose", "sale"),                                               # a sale after a fair: the fair does not carry
    (["We want to exhibit a 9A012 drone at a fair in Dubai.", "They liked it, can we leave it with them?"],
     "purpose stated", "purpose", "sale"),                             # it stays abroad: not a temporary export
    (["We make a 2B001 milling machine.", "We'll exhibit it at a show in Abu Dhabi and then sell it there."],
     "purpose stated", "purpose", "sale"),                             # shown, then sold: the fair does not decide
    (["Can our 2B001 lathe go to a fair in Turkey and come back?", "And if the Turkish visitor wants to keep it?"],
     "purpose stated", "purpose", "sale"),                             # a visitor is a party: no origin, no brokering
    (["We show a 2B001 lathe at a fair in Canada and bring it back.", "And if a visitor buys it?"],
     "purpose stated", "purpose", "sale"),                             # bought there: it does not come back
    (["We show a 2B001 lathe at a fair in Canada and bring it back.", "If we sell the demo unit at the fair, is that OK?"],
     "purpose stated", "purpose", "sale"),                             # the unit shown is sold
    (["Wir stellen eine 6A003 Wärmebildkamera auf einer Messe in der Türkei aus und bringen sie zurück.",
      "Und wenn ein Besucher sie dort kauft?"], "purpose stated", "purpose", "sale"),    # the same in German
    (["Our 2B001 was exported under a licence granted in March 2017; can we return it after repair to Brazil?"],
     "original authorisation dated", "authorised", 2017),
    (["A 2B001 machine came back from Brazil for repair. Can we return it under EU003?"], "repair return goes back",
     "destination", "BR"),
    (["Can we ship 2B001 to Egypt for their army?"], "end use stated", "end_use", "military"),
    (["We exhibit a 2B001 lathe at a fair in Brazil.", "They want a demo in their factory."], "fair condition broken",
     "eu004_excluded", "demonstration"),
    (["We exhibit a 2B001 lathe at a fair in Brazil.", "It comes back after 8 months."], "fair condition broken",
     "eu004_excluded", "not_returned"),                                # EU004 Part 3(1): back within 120 days
])
def test_situation_rules(turns, rule, field, value):
    case = replay(*turns)
    assert rule in case.rules
    fact = getattr(case, field)
    assert (fact.value.iso2 if hasattr(fact.value, "iso2") else fact.value) == value
    assert fact.words and fact.turn == len(turns)             # every fact remembers its words and turn


def test_every_rule_has_a_row():
    """Each declared rule appears in a row above (by name), so no rule is untested."""
    import inspect
    source = inspect.getsource(inspect.getmodule(test_every_rule_has_a_row))
    for rule in TURN_RULES + SITUATION_RULES:
        assert f'"{rule.name}"' in source, rule.name


# --- the conversations of issue 9 -------------------------------------------------------------------------------

def test_a_new_product_never_inherits_the_previous_item():
    turns = ["Can we ship a 2B001 machine tool to Canada?", "What about our virus samples to the United States?",
             "We also sell natural uranium concentrate. Can we ship it to Canada?",
             "Different product now: a hybrid rocket propulsion system with 2 MNs total impulse. Can we export it to "
             "Japan?"]
    case = None
    items = []
    for t in turns:
        case, _ = update(case, t)
        items.append((case.current, case.item.code.value if case.item.code else None,
                      case.item.entries.value if case.item.entries else ()))
    assert [i[0] for i in items] == [1, 2, 3, 4]                     # four items, each its own
    assert all(code is None for _, code, _ in items[1:])             # 2B001 never carried to another product
    assert items[1][2] == ("1C351",) and items[2][2] == ("0C001",) and "9A009" in items[3][2]
    assert case.destination.value.iso2 == "JP" and case.items[0].code.value == "2B001"   # history kept


def test_transfer_then_a_third_country_is_an_export():
    case = replay("Can we transfer 1C351 to Germany?", "and to India?")
    assert (case.activity.value, case.destination.value.iso2, case.item.code.value) == ("export", "IN", "1C351")


def test_brokering_stays_while_the_destination_changes():
    case = replay("A German company arranges the sale of 2B001 machines from China to Pakistan", "and to Iran?")
    assert case.activity.value == "brokering" and case.destination.value.iso2 == "IR"


def test_reset_forgets_purpose_and_end_use_but_keeps_the_destination():
    case = replay("Can we send 2B001 to India for a trade fair? It is for the army.", "Different product: a laser")
    assert case.purpose is None and case.end_use is None and case.destination.value.iso2 == "IN"


def test_case_round_trips_through_its_dict():
    case = replay("Can we ship a 2B001 machine tool to Canada?", "What about our virus samples to the US?")
    again = Case.from_dict(case.to_dict())
    assert again.to_dict() == case.to_dict()
    assert update(again, "and to India?")[0].to_dict() == update(case, "and to India?")[0].to_dict()


def test_history_replays_user_turns_only():
    history = [{"role": "user", "content": "Can we ship 2B001 to Canada?"},
               {"role": "assistant", "content": "Likely yes, under EU001 for 5A002."},   # assistant text is not read
               {"role": "user", "content": "and to India?"}, None, {"role": "user"}]
    case = from_history(history)
    assert case.turns == 2 and case.item.code.value == "2B001" and case.destination.value.iso2 == "IN"


def test_a_product_set_aside_is_left_out_of_the_search_text():
    r = read_turn("Besides the lathe, we would send a vibration test system.")
    assert [p.words for p in r.set_aside] == ["lathe"] and [p.words for p in r.products] == ["vibration test"]
    assert "lathe" not in r.search_text and len(r.search_text) == len(r.text)     # blanked: positions hold
    assert read_turn("We ship a lathe.").search_text == "We ship a lathe."


@pytest.mark.parametrize("turns, rule, item", [
    (["Can we ship a 2B001 machine tool to Canada?", "What about pumps?"], "another thing named", 2),   # no determiner
    (["A 2B001 lathe came back from India for repair. Can we return it under EU003?",
      "And the spectrometer that came back with it?"], "another thing named", 2),   # the thing, not its clause
    (["Can we ship a 2B001 machine tool to Canada?", "How about spindles to Japan?"], "another thing named", 2),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Und was ist mit Getrieben?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "And machine tool spare parts?"], "its software or technology", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "What about now?"], "keeps the item", 1),         # a time
    # figures of another model of the kind discussed: a new item of that kind, none of the first one's figures
    (["We export an ADC with 12-bit resolution and 2 GSPS to China.", "And a 14-bit one at 3 GSPS?"], "another model", 2),
    (["We export an ADC with 12-bit resolution and 2 GSPS to China.", "Our second ADC has 10 bits at 500 MSPS."],
     "another model", 2),
    (["Our milling machine has a positioning accuracy of 8 µm.", "Sorry, it is 6 µm, the same model."], "keeps the item",
     1),
    # a thing said to belong to the item (a possessive, "that goes with"): a part of it, a new item; not a property
    (["Can we ship our 2B001 lathe to Canada?", "Is the lathe's coolant pump controlled?"], "a part of the item", 2),
    (["Can we ship our 2B001 lathe to Canada?", "And the measuring probe that goes with the lathe?"],
     "a part of the item", 2),
    (["Can we ship our 2B001 lathe to Canada?", "What is the lathe's positioning accuracy requirement?"],
     "same product words", 1),
    (["Can we ship our 2B001 lathe to Canada?", "Is the lathe's price relevant?"], "same product words", 1),
    # a thing after a verb of trade, after connectives, or followed by "as well": another thing, not the lathe
    (["Can we ship our 2B001 lathe to Canada?", "How about exporting flow meters?"], "another thing named", 2),
    (["Can we ship our 2B001 lathe to Canada?", "Now, flow meters: can they go to Japan?"], "another thing named", 2),
    (["Can we ship our 2B001 lathe to Canada?", "Torque wrenches as well?"], "another thing named", 2),
    (["Can we ship our 2B001 lathe to Canada?", "Also flow meters, to the same place?"], "another thing named", 2),
    # the item's own words where the lexicon points them elsewhere ("router": 5A001) keep pointing at the item
    (["Can we ship our 5A002.a.2 VPN routers to Brazil?", "Our subsidiary in India needs the router source code."],
     "its software or technology", 2),
    (["Can we ship our 5A002.a.2 VPN routers to Brazil?", "The routers transit through Rotterdam."],
     "same product words", 1),
    # what a service is about
    (["Can we ship our 2B001 lathe to Canada?", "Our engineer also trains Indian staff on our flow meters."],
     "another thing named", 2),
    (["Can we ship our 2B001 lathe to Canada?", "Our engineer also trains Indian staff on it."], "keeps the item", 1),
    # a product set against the item names another one; a description of the item set against another kind does not
    (["Can we ship our 2B001 lathe to Canada?", "Not the lathe, the grinding machine."], "other words, same entry", 2),
    (["Can we ship our 5A002.a.2 VPN routers to Brazil?", "Actually the product is a network switch, not a router."],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "It is a lathe, not a milling machine."], "same product words",
     1),
    # another product after "and" without a determiner, or after "they'd like"
    (["Can we ship our 5A002.a.2 VPN routers to Brazil?", "And hydraulic presses to the same customer?"],
     "another thing named", 2),
    (["Can we ship our 2B001 lathe to Canada?", "They'd like a gas chromatograph too."], "another thing named", 2),
    (["Can we ship our 2B001 lathe to Canada?", "And Brazil, for a fair?"], "keeps the item", 1),
    # "same?" asks whether the answer is the same, for another product; an end-use word inside a product's name
    (["Can we ship our 5A002.a.2 VPN routers to Brazil?", "Our satellite modems with encryption, same?"],
     "other words, same entry", 2),
    (["Can we ship 6A003.b.4.b thermal cameras to Japan?", "What about the thermal weapon sights?"],
     "another thing named", 2),
    # ... and in the other languages: a cue after "¿", an adverb after the verb, Dutch "de", "wie sieht es mit"
    (["Können wir unsere 2B001 Drehmaschine nach Kanada liefern?", "Wie sieht es mit Durchflussmesser aus?"],
     "another thing named", 2),
    (["Können wir unsere 2B001 Drehmaschine nach Kanada liefern?", "Durchflussmesser auch?"], "another thing named", 2),
    (["Possiamo esportare il nostro tornio 2B001 in Canada?", "Possiamo esportare anche i flussimetri?"],
     "another thing named", 2),
    (["Possiamo esportare il nostro tornio 2B001 in Canada?", "Che dire dei flussimetri?"], "another thing named", 2),
    (["¿Podemos exportar nuestro torno 2B001 a Canadá?", "¿Qué pasa con los caudalímetros?"], "another thing named", 2),
    (["¿Podemos exportar nuestro torno 2B001 a Canadá?", "¿Podemos exportar también caudalímetros?"],
     "another thing named", 2),
    (["Kunnen we onze 2B001 draaibank naar Canada exporteren?", "En voor de debietmeters?"], "another thing named", 2),
    (["Can we ship our 2B001 lathe to Canada?", "What about flow meters then?"], "another thing named", 2),
    # another model named by a sub-item of the entry: a new item with that code, not the one refined before
    (["Can we export 5A002 encryption modules to Brazil?", "It's the a.1 one.",
      "And what about the a.2 version to Brazil?"], "another sub-item", 2),
    (["Can we export 5A002.a.1 encryptors to Brazil?", "And the a.1 one to Chile?"], "keeps the item", 1),
    # the first thing no lexicon phrase reads is the first item; a thing before a clause opened by "it"
    (["We export gas chromatographs to China. Listed?"], "first thing named", 1),
    (["Our 3A001.a.5 ADC goes to Canada.", "What about the evaluation board it sits on?"], "another thing named", 2),
    # a thing "of" the item is a part of it, unless a property, a share or a text of it
    (["Can we ship our 2B001 lathe to Canada?", "Is the spindle of the lathe controlled?"], "a part of the item", 2),
    (["Can we ship our 2B001 lathe to Canada?", "And the housing of the machine?"], "a part of the item", 2),
    (["Can we ship our 2B001 lathe to Canada?", "Is the accuracy of the machine relevant?"], "keeps the item", 1),
    (["Can we ship our 2B001 lathes to Canada?", "Can the first of the lathes go to Japan?"], "same product words", 1),
    # going back to an earlier item by its own words, where the lexicon points them elsewhere ("router": 5A001)
    (["We want to export 5A002.a.2 VPN routers to Brazil.", "Can the same customer also get our 3A001.a.1 chips?",
      "And the routers to Argentina?"], "back to an earlier item", 1),
    # a correction names another thing, although a word is shared; a material stated is the item's, no other thing
    (["We sell gas centrifuges.", "Sorry, I meant gas chromatographs. To China?"], "another thing named", 2),
    (["We export pressure transducers to India.", "They measure up to 13 MPa and are made of Monel."],
     "keeps the item", 1),
    (["Can we ship our 2B001 lathe to Canada?", "Is the lathe's precision spindle controlled?"], "a part of the item",
     2),                                                        # a property word as a modifier leaves a part
    (["Can we ship our 2B001 lathe to Canada?", "Where is the lathe's datasheet?"], "same product words", 1),
    (["We want to export 5A002.a.2 VPN routers to Brazil.", "The router's power supply, is it controlled?"],
     "a part of the item", 2),                                  # "router" points to 5A001: its words are the item's
    (["We want to export 5A002.a.2 VPN routers to Brazil.", "Is the routers' firmware controlled on its own?"],
     "a part of the item", 2),                                  # a plural possessive
    (["Our 6A003 thermal cameras go to Brazil. OK?", "The camera's lens is made of germanium. Does that matter?"],
     "same product words", 1),                                  # said of the part: the item is described
    (["We want to export 5A002.a.2 VPN routers to Brazil.", "The router's power supply has 12 V output. Is it listed?"],
     "a part of the item", 2),                                  # ... unless the next sentence asks about the part
    (["Our 6A003 thermal cameras go to Brazil. OK?", "The cameras' housings are sold separately. Listed?"],
     "a part of the item", 2),
    (["Our 6A003 thermal cameras go to Brazil. OK?", "What about the camera housing?"], "a part of the item", 2),
    (["Can we ship our 2B001 lathe to Canada?", "Oh and they want 2 more of those for their plant in Mexico."],
     "keeps the item", 1),                                      # more units of it: "their plant" is no product
    # another model set apart by a word, without figures: a new item of the kind; not a demo unit or the law's version
    (["Can we ship our 2B001 lathe to Canada?", "And the bigger version, for Japan?"], "another model", 2),
    (["Can we ship our 5A002.a.2 VPN routers to Brazil?", "And the cheaper model for home users?"], "another model", 2),
    (["Can we ship our 2B001 lathe to Canada?", "Is that the same for the demo model?"], "keeps the item", 1),
    (["Can we ship our 2B001 lathe to Canada?", "What does the latest version say about lathes?"],
     "same product words", 1),
    # another product of the item's kind named as such, without figures: a new item, even of the same entry
    (["Is a 6A005 fibre laser with 1 kW output listed?", "The second laser we sell is a CO2 laser. Listed?"],
     "another of its kind", 2),
    (["Ist ein 6A005-Faserlaser mit 1 kW gelistet?", "Und ein zweiter Laser, ein CO2-Laser?"], "another of its kind", 2),
    (["Un laser à fibre 6A005 de 1 kW est-il listé ?", "Et un autre laser, un laser CO2 ?"], "another of its kind", 2),
    (["Is a 6A005 fibre laser with 1 kW output listed?", "Is there another licence for lasers?"],
     "same product words", 1),                                  # "another" of a licence, not of a laser
    # a thing followed by whom it is for, and beside a topic's words
    (["Our subsidiary in India needs our 5D002 source code.", "And the hardware tokens for the subsidiary?"],
     "another thing named", 2),
    # the thing after a cue of comparison, in any language
    (["Can we ship a 2B001 machine tool to Canada?", "Same question, hydraulic presses."], "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Does that also hold for hydraulic presses?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Would hydraulic presses need one as well?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Can we ship hydraulic presses on the same terms?"],
     "another thing named", 2),
    (["Können wir eine 2B001-Werkzeugmaschine nach Kanada liefern?", "Gilt das auch für hydraulische Pressen?"],
     "another thing named", 2),
    (["Possiamo esportare una macchina utensile 2B001 in Canada?", "Vale lo stesso per le presse idrauliche?"],
     "another thing named", 2),
    # a German noun after "für" is no place to ask about; "wie sieht es bei X aus" ends on a verb's particle
    (["Können wir eine 2B001-Werkzeugmaschine nach Kanada liefern?", "Gilt das Gleiche für Spektrometer?"],
     "another thing named", 2),
    (["Können wir eine 2B001-Werkzeugmaschine nach Kanada liefern?", "Wie sieht es bei Spektrometern aus?"],
     "another thing named", 2),
    (["Czy możemy wysłać obrabiarkę 2B001 do Kanady?", "A co z oscyloskopami?"], "new product words", 2),
    (["Peut-on exporter une machine-outil 2B001 vers le Canada ?", "Et pour des presses hydrauliques ?"],
     "another thing named", 2),
    (["Czy możemy wyeksportować obrabiarkę 2B001 do Kanady?", "Czy to samo dotyczy pras hydraulicznych?"],
     "another thing named", 2),
    # the thing ends its clause, not only the turn
    (["Can we ship a 2B001 machine tool to Canada?", "What about the spectrometer line, same destination?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "And for the spindles, do we need a licence?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "What about the machine, is it the same?"], "keeps the item", 1),
    (["Can we ship a 2B001 machine tool to Canada?", "Then there's our spectrometer line. Same destination."],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "There is a problem with the customs."], "keeps the item", 1),
    # a turn that is only a thing no lexicon phrase reads names it ("Load cells?")
    (["Can we ship a 2B001 machine tool to Canada?", "Load cells?"], "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "ok. load cells to canada"], "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Thanks!"], "keeps the item", 1),                # a courtesy
    (["Can we ship a 2B001 machine tool to Canada?", "Licence needed?"], "keeps the item", 1),        # the procedure
    (["Can we ship a 2B001 machine tool to Canada?", "They go to Australia."], "keeps the item", 1),  # a pronoun
    (["Can we ship a 2B001 machine tool to Canada?", "Section I?"], "keeps the item", 1),             # the texts
    # a thing no lexicon phrase reads, in the place a question puts its product, is another thing
    (["Can we ship a 2B001 machine tool to Canada?", "Are our torque sensors listed?"], "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Can I send torque sensors to the same customer?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Is the licence the same for torque sensors?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Our torque sensors: EU001 for Canada too?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Is the positioning accuracy controlled?"], "keeps the item",
     1),                                                               # an attribute of the item
    (["Can we ship a 2B001 machine tool to Canada?", "Are the axes simultaneously controlled?"], "keeps the item", 1),
    (["Can we ship a 2B001 machine tool to Canada?", "Can we ship twenty such machines to India?"],
     "keeps the item", 1),                                             # "such": the same kind
    (["Can we ship a 2B001 machine tool to Canada?", "Do they need an end-user certificate?"], "keeps the item", 1),
    (["Can we ship a 2B001 machine tool to Canada?", "They also asked about torque sensors."], "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "He is looking for a new supplier."], "keeps the item", 1),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Können wir auch Drehmomentsensoren liefern?"],
     "another thing named", 2),
    (["Possiamo esportare una macchina utensile 2B001 in Canada?", "Possiamo anche esportare sensori di coppia?"],
     "another thing named", 2),
    (["Czy możemy eksportować obrabiarkę 2B001 do Kanady?", "Czy możemy też eksportować czujniki momentu?"],
     "another thing named", 2),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Können wir die Maschine auch nach Japan liefern?"],
     "keeps the item", 1),                                             # the item itself
    (["Can we ship a 2B001 machine tool to Canada?", "What about a 2B01 machine?"], "a code not read", 2),
    # after a coded item, a product of the same entry introduced as a new one is another product
    (["We build enterprise routers (5A002.a.2) with IPsec. Can they go to Brazil under EU008?",
      "Now a dedicated network encryptor for the same buyer."], "other words, same entry", 2),
    (["We build enterprise routers (5A002.a.2) with IPsec. Can they go to Brazil under EU008?",
      "Our other device is a dedicated 10 Gbit/s network encryptor."], "another of our products", 2),
    (["We build enterprise routers (5A002.a.2) with IPsec. Can they go to Brazil under EU008?",
      "The second product is a standalone link encryptor."], "another of our products", 2),
    (["We build enterprise routers (5A002.a.2) with IPsec. Can they go to Brazil under EU008?",
      "They are enterprise routers with a network encryption feature."], "same product words", 1),   # the item
    # a change of subject starts a new item, described by what follows it
    (["Can we ship a 2B001 machine tool to Canada?", "Unrelated: pressure transmitters to Canada?"],
     "different product", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Another question: can our pressure transmitters go to Canada?"],
     "different product", 2),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Andere Frage: Kraftmessdosen nach Kanada?"],
     "different product", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Let's talk about our other line, load cells."],
     "another of our products", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "What about EU004?"], "keeps the item", 1),       # a reference
    (["Can we ship a 2B001 machine tool to Canada?", "and to Santiago?"], "keeps the item", 1),        # a place
    (["Können wir eine 2B001-Werkzeugmaschine nach Kanada liefern?", "Und für Santiago?"], "keeps the item", 1),
    # a cue opens its sentence, not only the turn; "we also do" names another product, a service none
    (["Can we ship a 2B001 machine tool to Canada?", "Moving on: what about triisopropanolamine?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "We also do vaccum pumps. Same?"], "another of our products", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "We also do repairs. Same?"], "keeps the item", 1),
    (["Can we ship a 2B001 machine tool to Canada?", "what abt our spectrometrs"], "another of our products", 2),
    (["Can we ship our 2B001 lathe to Canada?", "Last one: can we show it at a fair in Brazil, and also our "
      "spectrometers?"], "another of our products", 2),          # "and also our": no product word, still another
    (["Können wir unsere 2B001-Drehmaschine nach Kanada liefern?", "Und können wir sie in Kanada zeigen, und auch "
      "unsere Spektrometer?"], "another of our products", 2),
    # the place, its preposition and its article are blanked: the thing before them is read
    (["Können wir eine 2B001-Werkzeugmaschine nach Kanada liefern?", "Was ist mit Spektrometern in die USA?"],
     "another thing named", 2),
    (["Können wir eine 2B001-Werkzeugmaschine nach Kanada liefern?", "Was ist mit Virenproben in die USA?"],
     "new product words", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "And to a fab in Taiwan?"], "keeps the item", 1),  # a party
    # a thing "of" the item in the other languages: the owner in the genitive, a product or a word for any item
    (["Can we ship a 2B001 machine tool to Canada?", "Und die Spindel der Maschine?"], "a part of the item", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "¿Y el husillo de la máquina?"], "a part of the item", 2),
    (["Können wir eine 2B001 Drehmaschine nach Kanada liefern?", "Und das Gehäuse der Drehmaschine?"],
     "a part of the item", 2),
    (["Kunnen we een 2B001 werktuigmachine naar Canada leveren?", "En de spindel van de machine?"],
     "a part of the item", 2),
    (["Pouvons-nous expédier une machine-outil 2B001 au Canada ?", "Et la précision de la machine ?"],
     "keeps the item", 1),                                         # a property ("precisely", the dictionary says)
    # the software of the item in Polish ("oprogramowanie": a prefix compared with the word as written)
    (["Czy możemy wysłać obrabiarkę 2B001 do Kanady?", "A oprogramowanie maszyny?"], "its software or technology", 2),
    # another of our products in the other languages' words for "also"
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Wir verkaufen außerdem Gaschromatographen. "
      "Brauchen die eine Genehmigung?"], "another of our products", 2),
    # a label before a colon names no thing in any language; the turn's own stop words only ("par" is Spanish too)
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Nächste Frage: Drehmomentsensoren nach "
      "Norwegen."], "another thing named", 2),
    (["¿Podemos enviar una máquina herramienta 2B001 a Canadá?", "Siguiente pregunta: sensores de par a Noruega."],
     "another thing named", 2),
    # a thing after an interjection; a word for any item with words that say its kind; a GEA named is no thing
    (["Can we export 5A002.a.2 VPN routers to Brazil?", "Hmm, and industrial control systems?"],
     "another thing named", 2),
    (["Can we export 5A002.a.2 VPN routers to Brazil?", "Could EU008 be used for smart meters?"],
     "another thing named", 2),
    (["Can we export 5A002.a.2 VPN routers to Brazil?", "Is there a GEA for data diodes?"], "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "And the same machine?"], "keeps the item", 1),
    # another kind of the coded item's word is another product; the item's own word alone is the item
    (["We want to ship 6A003 thermal cameras to Norway.", "What about high-speed cameras?"],
     "other words, same entry", 2),
    (["We want to ship 6A003 thermal cameras to Norway.", "Then: the cameras to Japan."], "same product words", 1),
    # "same question for X" in the other languages
    (["Can we ship a 2B001 machine tool to Canada?", "Gleiche Frage für Hydraulikpressen."], "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Misma pregunta para prensas hidráulicas."],
     "another thing named", 2),
    # another kind under the same entry is another product, for an item classified from its words as for a coded one;
    # "the lathe" after a machine tool names the item's kind (the same entries, in the same order)
    (["We export a 12-bit analog-to-digital converter at 2.5 GSPS to Canada.", "RF amplifiers?"],
     "other words, same entry", 2),
    (["Can we ship a 3A001.a.5.a.3 ADC to Canada?", "The RF amplifiers - any issue?"], "other words, same entry", 2),
    (["We export thermal cameras to Norway.", "And the night vision goggles?"], "other words, same entry", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Can the lathe go to Japan?"], "same product words", 1),
    (["Can we ship a 2B001 machine tool to Canada?", "In addition, there are some frequency counters in the order."],
     "another thing named", 2),
    # another product named in a correction, a request or a set-aside, after a coded item with a GEA
    (["Can we export 6A003 thermal cameras to Norway?", "Oops, wrong product. Spectrometers."],
     "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "Let me rephrase: the product is a spectrometer."],
     "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "This time it's spectrometers for Japan."],
     "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "Could you check spectrometers as well?"],
     "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "Spectrometers - same answer?"], "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "Instead of the cameras, what about spectrometers?"],
     "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "Never mind the cameras; our spectrometers are the real "
      "question."], "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "Please repeat the check for spectrometers."],
     "another thing named", 2),
    # ... and in the other languages: "ich meinte X", "je voulais dire des X", "het gaat om X"; a courtesy is no thing
    (["Können wir 6A003 Wärmebildkameras nach Norwegen exportieren?", "Nein, ich meinte Spektrometer."],
     "another thing named", 2),
    (["Pouvons-nous exporter des caméras thermiques 6A003 vers la Norvège ?", "Pardon, je voulais dire des "
      "spectromètres."], "another thing named", 2),
    (["Kunnen we 6A003 warmtebeeldcamera's naar Noorwegen exporteren?", "Sorry, ik bedoelde spectrometers."],
     "another thing named", 2),
    # the item named only beside another thing: the thing is asked about (the item's words set aside), unless the
    # thing is a word of the product's own phrase or the item's word
    (["Can we export 6A003 thermal cameras to Norway?", "Same customer as for the cameras: can we send them "
      "spectrometers?"], "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "Like the cameras, are spectrometers listed?"],
     "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "Is it the same for spectrometers as for the cameras?"],
     "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "The cameras are fine. What about spectrometers?"],
     "another thing named", 2),
    (["Can we export 6A003 thermal cameras to Norway?", "Can the cameras be shipped in wooden crates?"],
     "same product words", 1),
    (["Can we export 6A003 thermal cameras to Norway?", "The cameras will be used by a university. OK?"],
     "same product words", 1),
    # ... in the other languages; a last sentence that is only a thing; a comparison is no thing
    (["Können wir 6A003 Wärmebildkameras nach Norwegen exportieren?", "Gleicher Kunde wie bei den Kameras: können "
      "wir ihm Spektrometer schicken?"], "another thing named", 2),
    (["Pouvons-nous exporter des caméras thermiques 6A003 vers la Norvège ?", "Les caméras, c'est bon. Et les "
      "spectromètres ?"], "another thing named", 2),
    (["Possiamo esportare telecamere termiche 6A003 in Norvegia?", "Come per le telecamere, gli spettrometri sono "
      "controllati?"], "another thing named", 2),
    (["¿Podemos exportar cámaras térmicas 6A003 a Noruega?", "Igual que las cámaras, ¿los espectrómetros están "
      "controlados?"], "another thing named", 2),
    (["Kunnen we 6A003 warmtebeeldcamera's naar Noorwegen exporteren?", "De camera's zijn duidelijk. En "
      "spectrometers?"], "another thing named", 2),
    # more places a product takes: after "on", a verb of trade in any form, "contains", "would also like", "then"
    (["Can we ship a 2B001 machine tool to Canada?", "Any restrictions on borescopes?"], "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "We're also considering exporting torque wrenches."],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Our next shipment will contain welding helmets."],
     "another thing named", 2),
    (["We want to export 5A002.a.2 VPN routers to Brazil.", "The customer would also like borescopes."],
     "another thing named", 2),
    (["Is EU001 OK for our 6A003 cameras going to Japan?", "Then gas chromatographs for the same customer."],
     "another thing named", 2),
    (["Is EU001 OK for our 6A003 cameras going to Japan?", "A colleague sells torque wrenches - same deal?"],
     "another thing named", 2),
    (["Can we ship a 2B001 machine tool to Canada?", "Is it on the control list?"], "keeps the item", 1),
    # ... and in the six other languages; words of the procedure, a purpose or the item itself keep the item
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Brauche ich eine Genehmigung für Endoskope?"],
     "another thing named", 2),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Der Kunde möchte auch Endoskope."],
     "another thing named", 2),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Wie werden Endoskope eingestuft?"],
     "another thing named", 2),
    (["Pouvons-nous expédier une machine-outil 2B001 au Canada ?", "Notre prochaine livraison contient des casques "
      "de soudage."], "another thing named", 2),
    (["¿Podemos enviar una máquina herramienta 2B001 a Canadá?", "Luego cromatógrafos para el mismo cliente."],
     "another thing named", 2),
    (["Czy możemy wysłać obrabiarkę 2B001 do Kanady?", "Czy potrzebuję zezwolenia na endoskopy?"],
     "another thing named", 2),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Brauche ich eine Genehmigung für die "
      "Maschine?"], "keeps the item", 1),
    (["Können wir eine 2B001 Werkzeugmaschine nach Kanada liefern?", "Brauche ich eine Genehmigung für den Export?"],
     "keeps the item", 1),
    (["Pouvons-nous expédier une machine-outil 2B001 au Canada ?", "Et pour un salon ?"], "keeps the item", 1),
    # a code written apart is that code
    (["Can we ship a 2B001 machine tool to Canada?", "Now 2 B 006 for the same destination."], "new code", 2),
])
def test_follow_up_things(turns, rule, item):
    case = replay(*turns)
    assert (case.rules[0], case.current) == (rule, item)


def test_a_repaired_item_going_back_abroad_goes_there():
    r = read_turn("We repaired a customer's 6A003 camera; it goes back to India.")
    assert r.destination is not None and r.destination.value.iso2 == "IN"
    assert read_turn("We show it in Brazil and it comes back to Germany afterwards.").destination.value.iso2 == "BR"


def test_a_product_after_a_place_cue_is_no_unknown_place():
    r = read_turn("Let's say we switch to IMSI catchers.")
    assert r.unread_place is None and r.products[0].words == "IMSI catchers"


@pytest.mark.parametrize("text, thing", [
    ("Instead of the cameras, what about spectrometers?", "spectrometers"),   # the thing after the second cue
    ("Please repeat the check for spectrometers.", "spectrometers"),           # not "for spectrometers"
    ("How about if we ship spectrometers instead?", "spectrometers"),          # not "if"
    ("Our plants are in Germany.", None),                                      # where we are, no product
    ("Faut-il une déclaration pour cela ?", None),                             # a pronoun
    ("¿Qué quieren decir exactamente?", None),                                 # "they mean", not "they want"
    ("Welke straffen gelden als een bedrijf de regels voor producten overtreedt?", None),   # a verb ends the clause
    ("Wat wordt bedoeld met een ‘uitvoeraangifte’ in de regels voor tweeërlei gebruik?", None),   # the regime's words
    ("And if we demonstrate it to visitors on site?", None),                  # where, no product
    ("Is it OK on a temporary basis?", None),
    ("Any restrictions on resale?", None),
    ("Pardon, je voulais dire des spectromètres.", "spectromètres"),           # not "Pardon", not "s spectromètres"
    ("Cette fois, il s'agit de spectromètres.", "spectromètres"),
])
def test_the_thing_a_turn_names(text, thing):
    said = read_turn(text).other_thing
    assert (said.value if said else None) == thing


def test_a_phrase_opened_by_a_preposition_is_no_thing():
    # "ship from our warehouse": where the goods leave from, no product
    assert read_turn("We are a German company but the goods ship from our warehouse in France. Which country's "
                     "authority issues the licence?").other_thing is None


def test_a_change_of_subject_describes_the_new_item():
    case = replay("Can we ship a 2B001 machine tool to Canada?", "Another question: can our pressure transmitters go "
                  "to Canada?")
    assert case.item.description.value == "pressure transmitters" and case.item.code is None


def test_where_the_item_is_used_is_no_product():
    # "for a nuclear plant" says where the lathe is used: the turn is about the lathe, not about a nuclear plant
    case = replay("Can we ship a 2B001 machine tool to Canada?", "What if the lathe is for a nuclear plant?")
    assert case.item.description.value == "lathe"
    case = replay("Can we ship a 2B001 machine tool to Canada?", "Thanks for the machine tool answer. Now our infrared cameras.")
    assert case.item.description.value == "infrared cameras"                   # beside the item: another product


def test_another_of_our_models_named_by_a_model_word_alone_keeps_the_kind():
    """"We also have a lite variant": a new item (no code) described with the kind it is a variant of, so that it is
    classified among the routers' entries, not answered as a kind no entry is about."""
    case = replay("Can we ship our 5A002.a.2 VPN routers to Brazil?", "We also have a lite variant. Same?")
    assert "another of our products" in case.rules and len(case.items) == 2 and case.item.code is None
    assert "VPN routers" in case.item.description.value and "lite variant" in case.item.description.value


def test_a_part_of_the_item_belongs_to_it_and_has_no_code():
    case = replay("Can we ship our 2B001 lathe to Canada?", "Is the lathe's coolant pump controlled?")
    part = case.item
    assert part.code is None and part.part_of.value == {"kind": "parts", "of": ["2B001"]}
    assert part.description.value.startswith("coolant pump for")


@pytest.mark.parametrize("text, words", [
    ("They also want us to send a spare controller board for it.", "spare controller board"),
    ("Are the spare parts controlled?", "spare parts"),            # no verb joins the part's words
    ("Can we send components for the lathe?", "components"),
])
def test_parts_named_by_a_qualifying_word_are_the_noun_it_qualifies(text, words):
    assert read_turn(text).related.words == words


def test_another_end_user_without_an_end_use_forgets_the_stated_one():
    case = replay("Can we ship 1C350 thiodiglycol to Canada?", "The buyer is a defence ministry.")
    assert case.end_use.value == "military"
    case = replay("Can we ship 1C350 thiodiglycol to Canada?", "The buyer is a defence ministry.",
                  "What if the buyer were a paint factory instead?")
    assert case.rules[-1] == "another end user" and case.end_use is None
    case = replay("Can we ship 1C350 thiodiglycol to Canada?", "The buyer is a defence ministry.",
                  "The end user is the navy of Canada.")                 # another end user, military again
    assert case.end_use.value == "military"


@pytest.mark.parametrize("text", [
    "Actually it's one we sold them under licence in 2022 that came back for a hull repair. Can we return it?",
    "Our 5A003.a cable system came back from a customer in Guadalajara for repair. Can it go back?",
])
def test_a_repair_return_is_more_than_the_sale_words_beside_it(text):
    assert read_turn(text).purpose.value == "repair"


def test_goods_sent_after_technical_assistance_are_exported():
    """Technical assistance stays while only the places change; goods the engineer takes along are an export."""
    case = replay("Our engineer will train staff in India on our 2B001 machines.", "And in Pakistan?")
    assert case.activity.value == "technical_assistance"
    case = replay("Our engineer will train staff in India on our 2B001 machines.",
                  "Also, he will bring a spare encoder in his luggage.")
    assert case.activity.value == "export" and case.item.description.value.startswith("spare encoder for")


@pytest.mark.parametrize("text, description", [
    ("A container of 6A003 cameras transits through Rotterdam to Turkey.", "cameras"),   # not "cameras transits"
    ("What about an inactivated vaccine made from it?", "inactivated vaccine"),
    ("¿Podemos exportar nuestro torno 2B001 a Canadá?", "torno 2B001"),
])
def test_a_description_ends_at_a_verb(text, description):
    """(and at a preposition of the other languages: "torno 2B001 a Canadá" is "torno 2B001")"""
    r = read_turn(text)
    assert (r.description or r.other_thing).value == description


def test_compiled_binaries_of_software_are_its_software():
    case = replay("Can we transfer 5D002 source code to our subsidiary in India?",
                  "And the compiled binaries of it to the same subsidiary?")
    assert case.rules[0] == "its software or technology" and case.item.part_of.value["of"] == ["5D002"]


def test_a_thing_ends_before_a_clause_without_that():
    assert read_turn("And the valves we sell with them?").description.value == "valves"


def test_a_spare_part_of_the_item_is_described_by_its_noun():
    case = replay("Can we ship a 2B001 machine tool to Canada?", "They also want us to send a spare controller board.")
    assert case.item.code is None and case.item.description.value.startswith("spare controller board for")


@pytest.mark.parametrize("text, owner", [
    ("Is the lathe's coolant pump controlled?", "lathe"),
    ("What about the camera housing?", "camera"),
    ("Are fast analog-to-digital converter chips controlled?", None),       # the chips are the ADCs themselves
    ("Do our laser modules need a licence?", None),
])
def test_a_part_is_read_only_from_nouns_that_cannot_be_the_product_itself(text, owner):
    r = read_turn(text)
    assert (r.owner.words if r.owner else None) == owner
