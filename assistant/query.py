"""Query understanding: what a question refers to (control codes, Articles, GEAs, annexes, countries, dates) and what
it asks (the intent), before any retrieval. Exact references go straight to their provisions; the rest is searched.

Pure functions over the question text; follow-ups take what they lack from the previous question."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from ingest.settings import Quoting
from law.countries import Country, find_countries, in_eu_customs_territory

from .phrases import PhraseTable
from .terms import term_asked

VOCABULARY = Path(__file__).resolve().parent / "data" / "vocabulary.toml"


@lru_cache(maxsize=1)
def _scope_phrases() -> PhraseTable:
    """vocabulary.toml [scope.*]: each scope check's phrases in every language, by check ("injection", ...)."""
    vocabulary = tomllib.loads(VOCABULARY.read_text(encoding="utf-8"))
    # a transfer within the Union: the words [activity.transfer] has for the case, but English (its pattern here)
    transfer = {lang: words for lang, words in vocabulary["activity"]["transfer"].items() if lang != "en"}
    scope = vocabulary["scope"] | {"transfer": transfer}
    return PhraseTable({name: [p for phrases in langs.values() for p in phrases] for name, langs in scope.items()})


@lru_cache(maxsize=512)
def _scope_matches(text: str) -> tuple:
    """Every scope phrase in `text` (one pass of the table for all the checks a question goes through)."""
    return tuple(_scope_phrases().find(text))


class ScopeWords:
    """A scope check in every language: its English pattern, or one of its phrases in vocabulary.toml
    [scope.<name>] (matched on words, as assistant/phrases.py does). `search` answers like a pattern's."""

    def __init__(self, name: str, english: re.Pattern):
        self.name, self.english = name, english

    def search(self, text: str):
        """The English pattern's match, else the first phrase found (a phrases.Match), else None."""
        return self.english.search(text) or next((m for m in _scope_matches(text) if m.concept == self.name), None)


MAX_QUESTION = Quoting().max_question     # the default of Settings.quoting.max_question; callers pass the configured one

# "5A002", "5a002.a.1", "5A002a1", "5A002.a.1.", "3b001f1b"
CODE = re.compile(r"(?<![\w.])([0-9])([A-Ea-e])([0-9]{3})((?:\.?[a-zA-Z](?![a-zA-Z])|\.?[0-9]{1,2}(?![0-9]))*)\.?(?![\w])")
GEA = re.compile(r"\bEU\s?-?\s?00?([1-8])\b", re.I)
ARTICLE = re.compile(
    # Article 12 / Art. 12 / art12, and the word in the six other languages (Artikel, articolo, artículo, artykuł)
    r"\b(?:art(?:icle|ikel|icolo|ículo|iculo|yku[łl]\w*)?s?\.?)\s*(\d{1,2})\b"
    r"((?:\s*\(\s*(?:\d{1,2}|[a-z]|[ivx]{1,4})\s*\))*)"                        # (3)(a)(ii)
    r"(?:\s*,?\s*(?:paragraph|para\.?|§|absatz|abs\.|paragraphe|paragrafo|apartado|lid|ust\.|ustęp\w*)"
    r"\s*(\d{1,2}))?"                                                          # paragraph 3, Absatz 3, lid 3
    r"(?:\s*,?\s*(?:point|subparagraph|sub-paragraph|letter)\s*\(?([a-z]|\d{1,2})\)?(?![\w]))?", re.I)
# Annex II, Part 1 / Section I, and their words in the six other languages ("Anhang II Abschnitt I", "annexe IV")
_SECTION_WORDS = ("section", "abschnitt", "sezione", "sección", "seccion", "afdeling", "sekcja")
ANNEX = re.compile(r"\b(?:annex|annexe|anhang|allegato|anexo|bijlage|za[łl][aą]cznik\w*)\s+(iv|vi|v|iii|ii|i|[1-6])\b"
                   rf"(?:\s*,?\s*(part|teil|partie|parte|deel|część|{'|'.join(_SECTION_WORDS)})\s+(ii|i|[12]))?",
                   re.I)
ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V", "6": "VI"}
DATE = re.compile(r"\b(?:as of|as at|on|in force on|valid on|at)\s+(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4})\b", re.I)

INJECTION = ScopeWords("injection", re.compile(
    r"ignore (?:all |any |the )?(?:previous |prior |above |earlier |your |of your )*(?:citation |quote |safety )?(?:instructions|prompts?|rules|directions|guidelines)"
    r"|disregard (?:all |any |the |your )?(?:previous |prior |above )?(?:instructions|rules|guidelines)"
    r"|(?:reveal|print|show|repeat|output|tell me)\s+(?:me\s+)?(?:your|the)\s+(?:system|hidden|initial|original)\s+(?:prompt|instructions|message)"
    r"|system prompt|you are now\b|\bDAN\b|jailbreak|developer mode|pretend (?:to be|you are)|act as (?:an?|my)\b"
    r"|forget (?:everything|all|your)|new instructions|override (?:your|the) (?:rules|instructions)"
    r"|(?:disable|turn off|bypass|skip) (?:the |your |all )?(?:verbatim |quote |citation )*(?:check|citations?|quotes?|rules)"
    r"|(?:invent|make up|fabricate) (?:a |an |the )?(?:quote|citation|article|answer)|without (?:any )?citations?"
    r"|</?(?:question|admin|system|instructions?)>|as the (?:developer|admin\w*|owner) of this"
    r"|^\s*(?:system|assistant|developer|admin)\s*:|answer without (?:any )?(?:sources|quotes|references)"
    r"|just (?:answer|say) (?:yes|no|that)|say (?:that )?(?:everything|this item|it) is (?:not controlled|uncontrolled|fine|legal)"
    r"|answer ['\"‘“]no licen[cs]e needed", re.I))
GREETING = re.compile(r"^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks?(?: you)?|thank you|how are you"
                      r"|who are you|what can you do|bye|ok|okay)\b[\s!?.,]*(?:there|again)?[\s!?.]*$", re.I)
# Other regimes: out of scope whatever else the question says
FOREIGN_LAW = ScopeWords("foreign_law", re.compile(
    r"\b(?:ITAR|EAR\b|ECCNs?\b|OFAC|BIS licen[cs]e|BIS\b|Commerce Control List|US export (?:control|law|rule)s?"
    r"|U\.S\. export|American export|CCL\b|Brexit|UK(?:'s)? (?:own )?(?:export|dual-use) (?:control|rule|law)s?"
    r"|Export Control Order|(?:Regulation|Reg\.) (?:\(EU\) )?(?:No )?833/2014|Russia sanctions regulation|Annex VII of"
    r"|GDPR|REACH regulation|CE marking|medical device regulation|anti-dumping"
    r"|firearms?|258/2012|anti-torture|2019/125|torture regulation|Common Military List|ML\s?\d{1,2})\b"
    r"|\b[A-Z][a-z]+'s (?:own )?(?:[\w-]+ ){0,3}(?:law|laws|rules|regulations?|regime)\b", re.I))
# Off-topic words: out of scope only when nothing in the question is about export controls
OFF_TOPIC = ScopeWords("off_topic", re.compile(
    r"\b(?:data protection|VAT\b|value added tax|customs dut(?:y|ies)|import dut(?:y|ies)|income tax"
    r"|corporate tax|copyright|trademark|employment law|weather|recipe|football|movie"
    r"|capital of|exchange rate|stock price|world cup|speeding|register a company)\b", re.I))
# Requests that are not about what the law says, whatever words they use: creative writing, translation, advice on
# whom to hire
NOT_OUR_JOB = ScopeWords("not_our_job", re.compile(
    r"\b(?:poem|song|limerick|joke|short story|translat\w+|recommend (?:a |an |some )?(?:good )?"
    r"(?:[\w-]+ ){0,3}(?:vendor|provider|consultant|lawyer|law firm|tool|software))\b", re.I))
# Questions the text of a regulation cannot answer, with the reason the answer gives
OUTSIDE_THE_LAW = [
    (re.compile(r"\b(?:your|you) (?:personal )?(?:opinion|view|think|feel|like|prefer)\b|what do you think", re.I),
     "I give no opinions: I quote what the regulation says."),
    # (not "statistics" alone: Article 26 provides for published data on authorisations)
    (re.compile(r"\bhow many\b.{0,40}\b(?:licen[cs]es|authori[sz]ations|exports|denials|cases)\b.{0,30}\b(?:granted|issued|"
                r"refused|denied|were|in 20\d\d)|\bnews\b|\bwhich companies\b|\b(?:companies|firms|who) "
                r"(?:were|was|have been|got) (?:fined|prosecuted|sanctioned)|\bcase law\b|\bcourt (?:case|ruling|judgment)", re.I),
     "The regulation contains no statistics, news or enforcement cases."),
    (re.compile(r"\b(?:will|going to|expected to)\b.{0,60}\b(?:next|future|upcoming|20(?:2[6-9]|3\d))\b|\bnext (?:annex i )?"
                r"(?:update|amendment|revision)\b", re.I),
     "I cannot say what future amendments will contain: the corpus holds the texts as consolidated up to 15.11.2025."),
    # (not "guarantee" alone: EU007 requires the parent company's binding guarantee)
    (re.compile(r"\b(?:can|could|will) you (?:guarantee|certify|confirm|promise)\b|\bguarantee (?:me|us) that\b", re.I),
     "I cannot guarantee that an export is lawful: only your competent authority decides."),
    (re.compile(r"\b(?:phone numbers?|telephone|e-?mail address|postal address|contact details|opening hours)\b", re.I),
     "The regulation does not list the competent authorities' contact details."),
]


def outside_the_law(text: str) -> str | None:
    """Why the regulation cannot answer this question, if it is one of those kinds."""
    return next((reason for pattern, reason in OUTSIDE_THE_LAW if pattern.search(text)), None)


# Words only export-control questions use: with one of them, an off-topic word does not make the question out of scope
CONTROL_VOCAB = ScopeWords("control", re.compile(
    r"\b(?:dual[- ]use|export control\w*|export licen[cs]\w*|export authori[sz]\w*|annex [iv]+|control list"
    r"|controlled|brokering|broker|transit|technical assistance|end[- ]use\w*|end[- ]user\w*|embargo\w*"
    r"|catch[- ]all|cyber[- ]surveillance|competent authorit\w*|general export authori[sz]ation|GEA)\b", re.I))
# Texts the manifest knows but the corpus does not hold: say so, with the source, instead of guessing
NOT_COVERED = {
    "recitals": re.compile(r"\b(?:recitals?|preamble|whereas clauses?)\b", re.I),
    "cn-correlation": re.compile(r"\b(?:CN|HS|TARIC|combined nomenclature|commodity|customs|tariff)[ /-]*(?:CN|HS)?\s*(?:code|codes|number|heading|classification)\b", re.I),
    "rec-2019-1318": re.compile(r"\b(?:Recommendation\s+(?:\(EU\)\s*)?)?2019/1318\b", re.I),
    "rec-2021-1700": re.compile(r"\b(?:Recommendation\s+(?:\(EU\)\s*)?)?2021/1700\b", re.I),
    "rec-2024-2659": re.compile(r"\b(?:Recommendation\s+(?:\(EU\)\s*)?)?2024/2659\b", re.I),
    "annex-i-2024": re.compile(r"\b(?:2024/2547|2024 (?:version|update|annex|list|control list)|(?:annex i|control list|list) (?:of|from|in force in) 2024)\b", re.I),
}
# Questions about the assistant's own corpus (not about how the law is kept up to date)
COVERAGE = ScopeWords("coverage", re.compile(
    r"\b(?:which|what) version\b.*\b(?:you|your|use|using)\b|\b(?:corpus|what do you cover|which "
    r"(?:texts?|sources?) do you)\b|\b(?:are you|is your|are your)\b.*\b(?:up to date|using|based on|"
    r"current|latest)\b|\byour (?:annex|list|version|data|sources?)\b", re.I))
# The item is said not to be listed, or the exporter suspects an end-use: the catch-all provisions answer, not the list
# (the other languages' words: vocabulary.toml [scope.catch_all])
CATCH_ALL = ScopeWords("catch_all", re.compile(
    r"\b(?:unlisted|not (?:on|in) (?:the |any )?(?:control |dual[- ]use |eu )?list|not listed|"
    r"isn't (?:on|in) the (?:control )?list|not in annex i|non[- ]listed|not covered by annex i)\b", re.I))
# "What is in Annex IV?", "show Annex III": the annex itself is asked for (not a topic that mentions it)
ANNEX_CONTENT = re.compile(r"^\W*(?:what(?:'s| is| does)?|show|read|quote|list|open)\b.{0,25}\bannex\b[^?]{0,30}\??\W*$"
                           r"|\b(?:what (?:is|does) (?:in|annex)|contents? of|contain|says?)\b", re.I)
SERVICES = re.compile(r"\b(?:technical assistance|brokering|broker|brokerage)\b", re.I)
FOLLOW_UP = re.compile(r"^\s*(?:and|what about|how about|same for|and for|and to|and if|what if|also)\b", re.I)
PRONOUN = re.compile(r"\b(?:it|its|it's|that|this|they|them|these|those|same)\b", re.I)

# Words that mark intents (checked in order in `classify`)
# "new" alone is not one: "New Zealand", "our new 2B001 lathe"
# (the other languages' words: vocabulary.toml [scope.diff]); "added", "removed" only of the list: "the cameras can
# be removed" is about the item; "cambió" kept here: the phrase table reads it without its accent, a noun
DIFF_WORDS = ScopeWords("diff", re.compile(
    r"\b(?:what changed|changed|change[sd]? (?:in|to|between)|difference|"
    r"(?:is|are) \S+ new\b|new (?:in|since|entry|entries|version|wording|text)|"
    r"newly|(?:added|introduced|removed|deleted)\s+(?:from|to|in|into|by)\s+(?:the\s+)?(?:\d{4}\s+)?(?:list|annex|"
    r"control list|regulation|version|update|amendment)|amended|update[ds]?|previous version|2023 version|"
    r"2024 update|2025 update|cambió)\b", re.I))
# "What does 6A003 say?", "Is 1C351 in Annex IV?": what a text says of a code, not the user's situation
# (the other languages' words: vocabulary.toml [scope.text_asked])
TEXT_ASKED = ScopeWords("text_asked", re.compile(
    r"\bwhat does\b[^?]{0,40}\b(?:say|cover|include|contain|read)\b|\b(?:quote|wording|text of|"
    r"show me|read me)\b|\bin annex (?:i|ii|iv)\b|\bannex (?:i|ii|iv)\b[^?]{0,20}\b(?:cover|list|include)", re.I))
# (the other languages' words: vocabulary.toml [activity.transfer])
TRANSFER_WORDS = ScopeWords("transfer", re.compile(
    r"\b(?:intra[- ]?(?:eu|union|community)|within the (?:eu|union)|transfer\w*|annex iv|"
    r"between (?:two )?(?:eu |member )?(?:countries|states|member states)|"
    r"to (?:another|a different|other) (?:eu )?(?:member state|eu country|country in the eu))\b", re.I))
# what a term means, in the six other languages (vocabulary.toml [scope.define]; English: the patterns above)
DEFINE_ASKED = ScopeWords("define", re.compile(r"(?!x)x"))
GEA_WORDS = re.compile(r"\b(?:general (?:export )?authori[sz]ation|GEA|EU00[1-8]|union general)\b", re.I)
DEFINE_WORDS = re.compile(r"\b(?:what (?:is|are|does)|what's|define|definition|meaning|means?|stand for|considered)\b", re.I)
EXPORT_WORDS = re.compile(r"\b(?:export\w*|ship\w*|send\w*|sell\w*|deliver\w*|re-?export\w*|destination\w*|"
                          r"customer in|buyer in|client in|partner in)\b", re.I)
# "Is that an 'export'?", "who is the 'exporter'": a defined term asked about
DEFINITION_ASKED = re.compile(r"\b(?:is|does) (?:that|this|it|he|she|they) (?:legally |still |considered |really |actually "
                              r"|count as |qualify as )*(?:an?\s+|the\s+)?['‘\"“]?(?:export|exporter|transit|broker|"
                              r"brokering services|technical assistance|dual-use item|transfer|re-export)\b"
                              r"|\b(?:make|makes|making)\s+(?:us|me|them|him|her|it|our \w+)\s+(?:legally\s+)?(?:an?\s+|the\s+)"
                              r"['‘\"“]?(?:exporter|broker|provider of technical assistance|dual-use item)\b"
                              r"|\bis (?:that|this|it|he|she|they)\s+(?:legally\s+|still\s+|considered\s+|really\s+)?"
                              r"(?:an?\s+|the\s+)?['‘\"“]|\bwho is (?:the|a|an)\b|\bwhat (?:is|are) (?:an?|the) ['‘\"“]"
                              r"|\b(?:mean|means|meaning|definition|defined)\b", re.I)
CONTROLLED_WORDS = re.compile(r"\b(?:controlled|listed|licen[cs]e|authori[sz]ation|permit|restricted|dual[- ]use|"
                              r"classif\w*|need)\b", re.I)


@dataclass
class Query:
    text: str
    codes: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    geas: list[str] = field(default_factory=list)
    annexes: list[str] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    as_of: date | None = None
    intent: str = "general"
    truncated: bool = False
    inherited: list[str] = field(default_factory=list)      # what a follow-up took from the previous question
    annex_source: str = ""                                   # the Annex I version to answer from ("" = in force)
    notes: list[str] = field(default_factory=list)           # what the answer must say about how it was read
    # the user's situation, from the case (assistant/case.py); defaults for a question read on its own
    purpose: str = "sale"
    end_use: str | None = None
    activity: str | None = None
    origin: Country | None = None
    transit_via: Country | None = None
    region: str | None = None                                # the destination lies in a region with its own measures
    onward: Country | None = None                            # where the customer will re-export the item to
    language: str = "en"                                     # the language the answer is written in (Case.language)
    eu004_excluded: str | None = None                        # what EU004 Part 3 excludes, as the case states it
    unknown_place: str | None = None                         # a place named that no country, city or port matches
    authorised_years_ago: int | None = None                  # how long ago the original export was authorised
    related_codes: list[str] = field(default_factory=list)   # other codes the turn names (what the item is for)
    item_label: str = "the item"                             # how the answer names the item
    item_words: str = ""                                     # the item's description, for search when the turn lacks it
    item_description: str = ""                               # the item's description as the case holds it
    item_entries: tuple[str, ...] = ()                       # the entries the item's product words point to
    item_part_of: dict | None = None                         # {"kind": "software", "of": ["2B001"]}
    item_choices: tuple[str, ...] = ()                       # the case's items, when which one is meant is asked
    figures: list = field(default_factory=list)              # the item's stated figures (law.figures.StatedFigure)
    flags: dict = field(default_factory=dict)                # the item's yes/no facts (release Note conditions)

    @property
    def country(self) -> Country | None:
        return self.countries[0] if self.countries else None


def normalize_code(raw: str) -> str | None:
    """Any written form of an Annex I code -> canonical '5A002.a.1'; None if it is not one."""
    m = CODE.fullmatch(raw.strip().rstrip("."))
    if not m:
        return None
    tail = re.findall(r"[a-zA-Z]|[0-9]{1,2}", m.group(4))
    return f"{m.group(1)}{m.group(2).upper()}{m.group(3)}" + "".join(f".{t.lower()}" for t in tail)


def find_codes(text: str) -> list[str]:
    out = []
    for m in CODE.finditer(text):
        code = normalize_code(m.group(0))
        if code and code not in out:
            out.append(code)
    return out


def find_articles(text: str) -> list[str]:
    """'Article 12(3)', 'art. 4 (1)(b)', 'article 12 paragraph 3', 'Article 2 point 20' -> canonical locators."""
    out = []
    for m in ARTICLE.finditer(text):
        number = int(m.group(1))
        if not 1 <= number <= 32:
            continue
        parts = re.findall(r"\(\s*([0-9a-z]+)\s*\)", m.group(2) or "", re.I)
        if m.group(3):
            parts.append(m.group(3))
        if m.group(4):
            parts.append(m.group(4))
        loc = f"Art. {number}" + "".join(f"({p.lower()})" for p in parts)
        if loc not in out:
            out.append(loc)
    return out


def find_annexes(text: str) -> list[str]:
    out = []
    for m in ANNEX.finditer(text):
        numeral = ROMAN.get(m.group(1), m.group(1).upper())
        loc = f"Annex {numeral}"
        if m.group(2):
            part = ROMAN.get(m.group(3), m.group(3).upper())
            loc += f" Section {part}" if m.group(2).lower() in _SECTION_WORDS else f" Part {part}"
        out.append(loc)
    return out


def find_date(text: str) -> date | None:
    m = DATE.search(text)
    if not m:
        return None
    raw = m.group(1)
    try:
        if "-" in raw:
            return date.fromisoformat(raw)
        d, mth, y = re.split(r"[./]", raw)
        return date(int(y), int(mth), int(d))
    except ValueError:
        return None


# a code written apart ("2B 006", "2-B-006", "2 B 006"): one code, not a number and a letter
_CODE_APART = re.compile(r"(?<![\w.])([0-9])([ -]?)([A-E])([ -]?)([0-9]{3})(?![\w])")


def clean(text: str, limit: int = MAX_QUESTION) -> tuple[str, bool]:
    """Drop control characters, collapse whitespace, close up codes written apart, cut very long input (beyond
    `limit` characters)."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in (text or ""))
    text = re.sub(r"\s+", " ", text).strip()
    text = _CODE_APART.sub(lambda m: "".join(m.group(1, 3, 5)) if m.group(2) or m.group(4) else m.group(0), text)
    return (text[:limit], True) if len(text) > limit else (text, False)


def parse(question: str) -> Query:
    text, truncated = clean(question)
    q = Query(text=text, truncated=truncated)
    q.codes = find_codes(text)
    q.articles = find_articles(text)
    q.geas = [f"EU00{m}" for m in dict.fromkeys(GEA.findall(text))]
    q.annexes = find_annexes(text)
    q.countries = find_countries(text)
    q.as_of = find_date(text)
    q.intent = classify(q)
    return q


def classify(q: Query) -> str:
    """The intent, by rules in order. Exact references decide first; words decide the rest."""
    t = q.text
    if not t or not re.search(r"[A-Za-z0-9]", t):
        return "empty"
    if INJECTION.search(t):
        return "injection"
    if GREETING.match(t):
        return "chitchat"
    eu_code_asked = q.codes and re.search(r"\b(?:EU|Annex I|dual[- ]use list)\b", t, re.I)
    if (FOREIGN_LAW.search(t) and not eu_code_asked) or NOT_OUR_JOB.search(t) or outside_the_law(t):
        return "out_of_scope"
    explicit = q.codes or q.articles or q.geas or q.annexes
    if OFF_TOPIC.search(t) and not explicit and not CONTROL_VOCAB.search(t):
        return "out_of_scope"
    if not_covered(t):
        return "not_covered"
    if COVERAGE.search(t) and not q.codes:
        return "coverage"
    eu_country = q.country is not None and in_eu_customs_territory(q.country)
    if CATCH_ALL.search(t) and not q.codes:
        return "catch_all"
    if q.codes and DIFF_WORDS.search(t):
        return "diff"
    if q.codes and (TRANSFER_WORDS.search(t) or eu_country):
        return "transfer"
    if q.codes and q.countries:
        return "destination"
    if q.codes and (q.geas or GEA_WORDS.search(t)):
        return "gea"
    if q.codes:
        return "lookup"
    if q.geas and not q.countries:
        return "gea"
    if q.articles:
        return "article"
    if any(a.startswith(("Annex II", "Annex IV", "Annex III", "Annex V")) for a in q.annexes) and not q.countries \
            and ANNEX_CONTENT.search(t):
        return "annex"
    if DEFINITION_ASKED.search(t) and (re.search(r"['‘\"“]", t) or re.search(r"\b(?:is|does) (?:that|this|it)\b", t, re.I)):
        return "define"
    if (m := DEFINE_ASKED.search(t)) and term_asked(t, m.end):
        return "define"                  # "Was bedeutet „weltraumgeeignet“?", "Que signifie technologie ?"
    if SERVICES.search(t) and not q.geas:
        return "general"                 # brokering and technical assistance are not exports under a GEA
    if q.countries and all(in_eu_customs_territory(c) for c in q.countries) and (
            TRANSFER_WORDS.search(t) or EXPORT_WORDS.search(t)):
        return "transfer"                # Germany to France is a transfer, whatever word the question uses
    if q.countries and (EXPORT_WORDS.search(t) or GEA_WORDS.search(t) or q.geas):
        return "destination"
    if TRANSFER_WORDS.search(t) and not q.countries:
        return "transfer"
    if DEFINE_WORDS.search(t) and len(t.split()) <= 12:
        return "define"
    if CONTROLLED_WORDS.search(t) or EXPORT_WORDS.search(t):
        return "controlled"
    return "general"


def not_covered(text: str) -> str | None:
    """The manifest id of a text the question asks about that the corpus does not hold, if any."""
    return next((source for source, pattern in NOT_COVERED.items() if pattern.search(text)), None)


def follow_up(q: Query, previous: Query | None) -> Query:
    """'and to Brazil?', 'what about 5A002.a.1?': take the item, destination or intent the question leaves out."""
    if previous is None or q.intent in ("injection", "chitchat", "empty"):
        return q
    elliptic = bool(FOLLOW_UP.match(q.text)) or len(q.text.split()) <= 5 or (
        not q.codes and bool(PRONOUN.search(q.text)) and len(q.text.split()) <= 25)
    if not elliptic:
        return q
    inherited = []
    codes, countries = q.codes, q.countries
    if not codes and previous.codes and (countries or q.geas or FOLLOW_UP.match(q.text) or PRONOUN.search(q.text)):
        codes, inherited = previous.codes, inherited + ["item"]
    if not countries and previous.countries and codes and previous.intent in ("destination", "transfer"):
        countries, inherited = previous.countries, inherited + ["destination"]
    if not q.geas and previous.geas and not codes and (countries or PRONOUN.search(q.text)):
        inherited.append("authorisation")
    if not inherited:
        return q
    merged = replace(q, codes=codes, countries=countries, geas=q.geas or previous.geas, inherited=inherited)
    merged.intent = classify(merged)
    if merged.intent in ("general", "controlled", "lookup") and previous.intent in ("destination", "transfer", "gea"):
        merged.intent = previous.intent
    return merged
