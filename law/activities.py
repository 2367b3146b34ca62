"""The activities other than an export: brokering (Art. 6), transit (Art. 7) and technical assistance (Art. 8), as
findings. Each says when the Regulation requires an authorisation (or lets the competent authority prohibit), which
facts of the case decide it (is the item listed in Annex I, is a use of Article 4(1) known, where the service goes)
and the passages that say so. None of them is an export authorisation: Annex II's general export authorisations do
not come into it."""
from __future__ import annotations

from dataclasses import dataclass

from ingest.store import Store

from .annex_ii import Basis
from .countries import Country, annex_ii_matches

# stated end uses that are uses of Article 4(1) or point towards them: the person is then "aware"
ART_4_USES = ("wmd", "military")
STATUSES = {
    "authorisation_if_informed": "an authorisation is required if the competent authority has informed you that the "
                                 "items are or may be intended for a use in Article 4(1)",
    "notify": "you are aware of a use in Article 4(1): you must notify the competent authority, which decides whether "
              "an authorisation is required",
    "not_applicable": "paragraphs 1 and 2 of Article 8 do not apply",
    "prohibition_possible": "the competent authority of the Member State where the items are may prohibit the transit, "
                            "or require an authorisation for it, if the items are or may be intended for a use in "
                            "Article 4(1)",
}


@dataclass(frozen=True)
class ActivityFinding:
    activity: str                     # brokering | transit | technical_assistance
    status: str                       # a key of STATUSES
    listed: bool | None               # is the item listed in Annex I (None: not known)
    says: str                         # STATUSES[status], the finding in words
    basis: tuple[Basis, ...]

    def to_dict(self) -> dict:
        return {"activity": self.activity, "status": self.status, "listed": self.listed, "says": self.says,
                "locators": list(dict.fromkeys(b.provision.locator for b in self.basis))}


def _basis(store: Store, locator: str, claim: str, *needles: str) -> list[Basis]:
    p = store.get(locator)
    return [Basis(p, claim, tuple(needles), lead=not needles, context=1 if needles else 0)] if p else []


def brokering(store: Store, listed: bool | None, end_use: str | None) -> ActivityFinding:
    """Brokering services (Art. 2(7)): an authorisation if the broker is informed of a use in Art. 4(1) (Art. 6(1)); a
    broker aware of such a use notifies (Art. 6(2)); Member States may extend both (Art. 6(3), 6(4))."""
    aware = end_use in ART_4_USES
    basis = _basis(store, "Art. 6(2)" if aware else "Art. 6(1)",
                   "A broker aware of a use in Article 4(1) must notify the competent authority, which decides" if aware
                   else "Brokering services for items listed in Annex I need an authorisation if the broker has been "
                        "informed of a use in Article 4(1)")
    basis += _basis(store, "Art. 6(1)" if aware else "Art. 6(2)",
                    "Brokering services for items listed in Annex I need an authorisation if the broker has been "
                    "informed of a use in Article 4(1)" if aware else
                    "A broker aware of a use in Article 4(1) must notify the competent authority, which decides")
    basis += _basis(store, "Art. 2(7)", "Brokering services are the negotiation or arrangement of transactions between "
                    "third countries, or selling or buying items located in third countries for transfer to another")
    if listed is False:
        basis = _basis(store, "Art. 6(3)", "A Member State may extend this to items not listed in Annex I") + basis
    else:
        basis += _basis(store, "Art. 6(3)", "A Member State may extend this to items not listed in Annex I")
    basis += _basis(store, "Art. 6(4)", "A Member State may require an authorisation where the broker has grounds for "
                    "suspecting a use in Article 4(1)")
    status = "notify" if aware else "authorisation_if_informed"
    return ActivityFinding("brokering", status, listed, STATUSES[status], tuple(basis))


def transit(store: Store, listed: bool | None, end_use: str | None) -> ActivityFinding:
    """Transit of non-Union items (Art. 2(11)): the competent authority may prohibit it, or impose an authorisation
    for it, if a use in Art. 4(1) is known or possible (Art. 7(1), 7(2)); Member States may extend it (Art. 7(3))."""
    basis = _basis(store, "Art. 7(1)", "The competent authority of the Member State where the items are may prohibit "
                   "the transit of listed items intended for a use in Article 4(1)")
    basis += _basis(store, "Art. 7(2)", "Before deciding, it may impose an authorisation requirement for the specific "
                    "transit")
    basis += _basis(store, "Art. 2(11)", "Transit is the transport of non-Union items passing through the customs "
                    "territory of the Union to a destination outside it")
    basis += _basis(store, "Art. 7(3)", "A Member State may extend this to items not listed in Annex I")
    return ActivityFinding("transit", "prohibition_possible", listed, STATUSES["prohibition_possible"], tuple(basis))


def technical_assistance(store: Store, listed: bool | None, end_use: str | None,
                         destination: Country | None) -> ActivityFinding:
    """Technical assistance (Art. 2(9)): an authorisation if the provider is informed of a use in Art. 4(1)
    (Art. 8(1)); a provider aware of one notifies (Art. 8(2)); neither applies to assistance provided within or into
    an EU001 country (Art. 8(3)(a)); Member States may extend both (Art. 8(4), 8(5))."""
    eu001 = store.get("Annex II EU001 Part 2")
    into_eu001 = bool(destination and eu001 and any(annex_ii_matches(destination, w)
                                                    for w in eu001.data.get("destinations", [])))
    aware = end_use in ART_4_USES
    if into_eu001:
        status = "not_applicable"
        basis = _basis(store, "Art. 8(3)", f"Paragraphs 1 and 2 do not apply to technical assistance provided within or "
                       f"into a country listed in Part 2 of Section A of Annex II, as {destination.name} is",
                       "(a) is provided within or into the territory of a country listed in Part 2 of Section A")
        basis += [Basis(eu001, f"{destination.name} is listed in Part 2 of Section A of Annex II (EU001)",
                        tuple(w for w in eu001.data["destinations"] if annex_ii_matches(destination, w)))]
    else:
        status = "notify" if aware else "authorisation_if_informed"
        basis = _basis(store, "Art. 8(2)" if aware else "Art. 8(1)",
                       "A provider aware of a use in Article 4(1) must notify the competent authority, which decides"
                       if aware else "Technical assistance related to items listed in Annex I needs an authorisation "
                                     "if the provider has been informed of a use in Article 4(1)")
        basis += _basis(store, "Art. 8(1)" if aware else "Art. 8(2)",
                        "Technical assistance related to items listed in Annex I needs an authorisation if the "
                        "provider has been informed of a use in Article 4(1)" if aware else
                        "A provider aware of a use in Article 4(1) must notify the competent authority, which decides")
        basis += _basis(store, "Art. 8(3)", "Paragraphs 1 and 2 do not apply in the cases Article 8(3) lists (e.g. "
                        "assistance into an EU001 country, public-domain information, the minimum necessary for an "
                        "authorised export)", "shall not apply if the technical assistance")
    basis += _basis(store, "Art. 2(9)", "Technical assistance is any technical support related to repairs, "
                    "development, manufacture, assembly, testing, maintenance or other technical services, including "
                    "instruction, advice, training and consulting")
    basis += _basis(store, "Art. 8(4)", "A Member State may extend this to items not listed in Annex I")
    basis += _basis(store, "Art. 8(5)", "A Member State may require an authorisation where the provider has grounds for "
                    "suspecting a use in Article 4(1)")
    return ActivityFinding("technical_assistance", status, listed, STATUSES[status], tuple(basis))
