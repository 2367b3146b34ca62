"""Text shown through Markdown as text: what a user typed and what the official texts say never become a link, an
image, HTML, a heading, a list, LaTeX or a Streamlit directive in the app, the transcript or the determination record.

Two things make a Markdown renderer fetch or link: syntax (`![x](url)`, `[x](url)`, `<url>`, `<img src=…>`, a
reference definition `[1]: url`) and bare addresses, which GitHub-flavoured Markdown turns into links *after*
parsing (remark-gfm finds `http://…`, `www.…` and `name@host.tld` in the text itself, so a backslash does not stop
it). `literal` backslash-escapes the syntax characters (CommonMark shows an escaped ASCII punctuation character as
itself) and puts a zero-width space inside `://`, after `www` and after `@`, which the reader does not see and the
link finder does not match.
"""
from __future__ import annotations

import re

from assistant.answer import NOTICE
from assistant.messages import CATALOGUE_LANGUAGES, t

ZWSP = "\u200b"
_INLINE = re.compile(r"([\\`*_\[\]<>#~|$])")        # can open inline markup anywhere (links and images need "[")
_LINE_START = re.compile(r"^([ \t]*)(\d+(?=[.)])|[-+=])", re.M)    # lists, thematic breaks, setext underlines
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|xmpp):|\bwww(?=\.)|@(?=\w))")   # a ZWSP goes after each


def literal(text: str) -> str:
    """`text` as Markdown that renders as exactly these characters (plus invisible zero-width spaces that keep
    addresses from being linked)."""
    text = _AUTOLINK.sub(lambda m: m.group(1) + ZWSP, text)
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit()
                                                   else "\\" + m.group(2)), text)
    return text


def answer_markdown(text: str) -> str:
    """An answer's text (which carries the user's words, and an LLM's when one rephrases) as safe Markdown: every
    paragraph literal, except that the composer's bold lead (`**…**` opening the first paragraph) stays bold and a
    paragraph wholly in `*…*` (the notice) stays italic."""
    out = []
    for paragraph in text.split("\n\n"):
        bold = re.match(r"\*\*(.+?)\*\*(?=\s|$)", paragraph, re.S)
        if bold and not out:
            out.append(f"**{literal(bold.group(1))}**{literal(paragraph[bold.end():])}")
        elif re.fullmatch(r"\*[^*].*[^*]\*", paragraph, re.S):
            out.append(f"*{literal(paragraph[1:-1])}*")
        else:
            out.append(literal(paragraph))
    return "\n\n".join(out)


def plain(text: str) -> str:
    """Answer Markdown as plain text (an e-mail, a PDF): no bold or italics markers."""
    return re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", text)


def answer_body(text: str, leave_out: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The paragraphs of an answer's text without its closing 'Sources:' versions line, the notice and the
    paragraphs in `leave_out` (its caveats, for a reply that leaves the assistant's internal lines out)."""
    languages = ("en", *CATALOGUE_LANGUAGES)            # the answer's language is not in its text: any of them
    sources = tuple(f"{t('Sources', lang)}: " for lang in languages)
    notices = {t(NOTICE, lang) for lang in languages}
    return [p for p in text.split("\n\n")
            if p.strip() and not p.startswith(sources) and p.strip("*") not in notices and p not in leave_out]
