"""The one answer object: claims backed by numbered verbatim citations, the tool calls made, abstention, and the
corpus version it rests on. A composer writes a `Draft` (claims that point at evidence); `finalize` checks every
citation against the store (the locator exists in the pinned version, the quote is verbatim) and drops a citation
that fails together with the claims that rested on it, then numbers what is left."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ingest.model import FLAG_MESSAGES, Provision
from ingest.sourcetexts import SourceTexts
from ingest.settings import Quoting
from ingest.store import Store

from .messages import SOURCES_IN_ENGLISH, TO_DECIDE, WHAT_DECIDES, caveat_text, t, version_label
from .quotes import fragments, is_verbatim

NOTICE = "Not legal advice. Only the Official Journal text is authentic; your competent authority decides."
SCOPE = ("I answer questions on the EU dual-use export-control regime, Regulation (EU) 2021/821: the Annex I control "
         "list, the Articles (authorisations, catch-all controls, brokering, technical assistance, transit, intra-EU "
         "transfers), the Union general export authorisations EU001-EU008 and Annex IV.")
WHO_TO_ASK = "For anything else, ask the competent authority of the Member State where you are established."
CANNOT_ANSWER = "The regulation, as held in this corpus, does not answer this question."
# a quote must carry at least this many characters in one piece to be checkable at all (Settings.quoting.min_fragment
# is the configured value; finalize takes it)
MIN_FRAGMENT = Quoting().min_fragment
UNVERIFIED = ("Not verified: {refs} quote a document with no pinned checksum; it is not checked against an official "
              "text.")


@dataclass(frozen=True)
class Evidence:
    """A passage a claim rests on: a provision (by locator, in one source and version), a verbatim quote from it,
    and what the passage establishes in a short plain sentence."""
    locator: str
    source: str
    version: str
    quote: str
    claim: str = ""


@dataclass
class Claim:
    text: str
    evidence: list[Evidence] = field(default_factory=list)
    needs_evidence: bool = True      # False for guidance the assistant gives in its own words ("What decides it")


@dataclass
class Citation:
    n: int
    locator: str
    source: str
    version: str
    quote: str
    url: str
    title: str = ""
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"n": self.n, "locator": self.locator, "source": self.source, "version": self.version,
                "quote": self.quote, "url": self.url}

    @property
    def warnings(self) -> list[str]:
        return [FLAG_MESSAGES[f] for f in self.flags if f in FLAG_MESSAGES]


@dataclass
class ToolCall:
    name: str
    args: dict
    result: dict

    def to_dict(self) -> dict:
        return {"name": self.name, "args": self.args, "result": self.result}


@dataclass
class Draft:
    intent: str
    lead: str                                        # one line, no citation markers
    claims: list[Claim] = field(default_factory=list)
    decides: str = ""                                # "What decides it: …" in the assistant's words
    tools: list[ToolCall] = field(default_factory=list)
    abstained: bool = False
    caveats: list[str] = field(default_factory=list)
    determination: dict = field(default_factory=dict)   # findings the lead rests on: licensing, activity, classification
    questions: list[str] = field(default_factory=list)  # what the answer asks back
    candidates: list[dict] = field(default_factory=list)   # entries closest to the user's words, best first


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation]
    tools: list[ToolCall]
    abstained: bool
    corpus_version: str
    intent: str = ""
    caveats: list[str] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)    # citations that failed the check (audit only)
    settings_hash: str = ""
    seconds: float = 0.0
    fingerprint: str = ""                                # settings + data files + parser + code + build (ingest/fingerprint.py)
    case: dict | None = None                             # the situation after this turn (assistant/case.py)
    determination: dict | None = None                    # the item's classification and licensing route
    activity: dict | None = None                         # brokering, transit, technical assistance finding
    trace: dict = field(default_factory=dict)            # facts, rules that fired, findings, what was ruled out
    questions: list[str] = field(default_factory=list)   # what the answer asks back
    language: str = "en"                                 # the language of the fixed phrases (finalize's `lang`)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citations": [c.to_dict() for c in self.citations],
                "tools": [t.to_dict() for t in self.tools], "abstained": self.abstained,
                "corpus_version": self.corpus_version, "intent": self.intent, "caveats": self.caveats,
                "settings_hash": self.settings_hash, "fingerprint": self.fingerprint, "case": self.case, "determination": self.determination,
                "activity": self.activity, "questions": self.questions, "trace": self.trace}

    def markdown(self) -> str:
        """The full answer for a reader: text, then the numbered sources with their quotes and warnings."""
        out = [self.text]
        if self.citations:
            out.append(f"\n**{t('Sources', self.language)}**")
            for c in self.citations:
                link = f"[{_short_url(c.url, self.language)}]({c.url})"
                line = f"{c.n}. **{c.locator}** ({c.version}) — “{c.quote}” {link}"
                out.append(line + "".join(f"\n   - ⚠ {t(w, self.language)}" for w in c.warnings))
        return "\n".join(out)


def _short_url(url: str, lang: str = "en") -> str:
    m = re.search(r"CELEX:([\w-]+)", url)
    return f"EUR-Lex {m.group(1)}" if m else t("official text", lang)


def finalize(draft: Draft, store: Store, question: str, corpus_version: str, settings_hash: str = "",
             texts: SourceTexts | None = None, min_fragment: int = MIN_FRAGMENT, lang: str = "en") -> Answer:
    """`texts`: the pinned source files; a quote from a pinned source must be verbatim there too, not only in the
    store; a quote from an unpinned one is kept, flagged "unverified", and left out of the versions line.

    `lang`: the user's language. The fixed phrases (the disclaimer, "What decides it:", "Sources" and the version
    labels, the caveats, and any lead or uncited line that is a catalogue phrase word for word) come from its message
    catalogue (assistant/messages.py); a non-English answer says in one line that the sources are quoted in English.
    Quotes, locators and the claim sentences that carry a citation (they restate the law's words) are never
    translated, and text with no catalogue entry stays as the composer wrote it."""
    numbers: dict[tuple[str, str, str], int] = {}
    citations: list[Citation] = []
    dropped: list[dict] = []
    kept_claims: list[tuple[Claim, list[int]]] = []
    for claim in draft.claims:
        refs = []
        for ev in claim.evidence:
            key = (ev.source, ev.locator, ev.quote)
            if key not in numbers:
                p = store.get(ev.locator, ev.source)
                why = _problem(p, ev.quote, texts, min_fragment)
                if why:
                    dropped.append({"locator": ev.locator, "source": ev.source, "quote": ev.quote, "why": why})
                    numbers[key] = 0
                    continue
                numbers[key] = len(citations) + 1
                src = store.sources.get(p.source, {})
                citations.append(Citation(numbers[key], p.locator, p.source, p.version, ev.quote,
                                          src.get("official_url", ""), p.title, p.flags))
            if numbers[key]:
                refs.append(numbers[key])
        if refs or not claim.needs_evidence:      # a claim whose every citation failed is dropped with them
            kept_claims.append((claim, refs))
    body = " ".join(_with_markers(c.text, refs) if refs else _sentence(t(c.text, lang))
                    for c, refs in kept_claims)
    parts = [f"**{t(draft.lead, lang)}**" + (f" {body}" if body else "")]
    asked = [q for q in dict.fromkeys(draft.questions) if q not in draft.lead]
    if asked:
        parts.append(t(TO_DECIDE, lang) + " " + " ".join(f"({n}) {t(q, lang)}" for n, q in enumerate(asked, 1)))
    if lang != "en" and citations:
        parts.append(t(SOURCES_IN_ENGLISH, lang))
    if draft.decides:
        parts.append(f"{t(WHAT_DECIDES, lang)} {draft.decides}")
    unverified = [f"[{c.n}]" for c in citations if "unverified" in c.flags]
    caveats = [caveat_text(c, lang) for c in draft.caveats] + \
        ([t(UNVERIFIED, lang, refs=", ".join(unverified))] if unverified else [])
    parts += caveats
    official = [c for c in citations if "unverified" not in c.flags]
    if official:
        parts.append(f"{t('Sources', lang)}: " + _versions_line(official, store, lang))
    parts.append(f"*{t(NOTICE, lang)}*")
    return Answer(question, "\n\n".join(parts), citations, draft.tools, draft.abstained, corpus_version,
                  draft.intent, caveats, dropped, settings_hash, language=lang or "en")


def _valid(p: Provision | None, quote: str, min_fragment: int = MIN_FRAGMENT) -> bool:
    return (p is not None and is_verbatim(p, quote)
            and any(len(f) >= min_fragment for f in fragments(quote)))


def _problem(p: Provision | None, quote: str, texts: SourceTexts | None, min_fragment: int = MIN_FRAGMENT) -> str:
    """Why a citation cannot be shown ("" when it can)."""
    if p is None:
        return "no such provision"
    if not _valid(p, quote, min_fragment):
        return "quote is not verbatim"
    if texts is not None and texts.pinned(p.source) and not texts.verify(p, quote):
        return "quote is not in the pinned source file"
    return ""


def _with_markers(text: str, refs: list[int]) -> str:
    """'… needs an authorisation.' + [1] -> '… needs an authorisation [1].'"""
    if not refs:
        return text
    marks = "".join(f"[{n}]" for n in sorted(set(refs)))
    m = re.search(r"([.;:!?])\s*$", text)
    return f"{text[:m.start()]} {marks}{m.group(1)}" if m else f"{text} {marks}."


def _sentence(text: str) -> str:
    return text if re.search(r"[.;:!?”]\s*$", text) else text + "."


def _versions_line(citations: list[Citation], store: Store, lang: str = "en") -> str:
    labels = []
    for source in dict.fromkeys(c.source for c in citations):
        label = version_label(store.sources.get(source, {}).get("version_label") or source, lang)
        if label not in labels:
            labels.append(label)
    return "; ".join(labels) + "."
