"""TEI P5 of a chapter, from the same model as the HTML pages (render/html.py).

One TEI document per chapter (ids are unique within a chapter only: the HTML anchors `s6-1`,
`s6-1-p2`, `fn-8` are the TEI `xml:id`s, so a citation's anchor points into both). The text as
the edition reads it: print pages as `<pb n="229"/>`, notes where they are first referred to
(`<note n="8" place="bottom">`, later references as `<ref>`), gaps with the editor's note,
editorial additions as `<supplied>`, emphasis as `<hi>`. The header names the chapter in its
printed book (`biblStruct` with `biblScope unit="page"`), the digital edition as publisher, and
its date.
"""
from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from generator.config import Config
from generator.model import (
    INTRO,
    Addition,
    Block,
    Chapter,
    Code,
    Gap,
    Image,
    Inline,
    LineBreak,
    Link,
    NoteRef,
    PageStart,
    Section,
    Styled,
    Text,
)
from generator.render import citations

NS = "http://www.tei-c.org/ns/1.0"
REND = {"em": "italic", "strong": "bold"}
DIGITAL = ' role="digital"'   # the digital edition's editors, beside the printed book's


class _Writer:
    """One chapter's text: notes go inline at their first reference, each once."""

    def __init__(self, chapter: Chapter) -> None:
        self.chapter = chapter
        self.placed: set[str] = set()

    def inline(self, content: tuple[Inline, ...]) -> str:
        return "".join(self._node(node) for node in content)

    def _node(self, node: Inline) -> str:
        if isinstance(node, Text):
            return escape(node.text)
        if isinstance(node, Styled):
            return f'<hi rend="{REND.get(node.style, node.style)}">{self.inline(node.children)}</hi>'
        if isinstance(node, Code):
            return f"<code>{escape(node.text)}</code>"
        if isinstance(node, LineBreak):
            return "<lb/>"
        if isinstance(node, NoteRef):
            return self._note(node.label)
        if isinstance(node, PageStart):
            page = node.page
            return f"<pb n={quoteattr(page.printed)}/>" if page.printed else '<pb n="?"/>'
        if isinstance(node, Link):
            return f"<ref target={quoteattr(node.href)}>{self.inline(node.children)}</ref>" if node.internal is None \
                else self.inline(node.children)
        if isinstance(node, Addition):
            return f'<supplied reason="editorial">{escape(node.text)}</supplied>'
        if isinstance(node, Gap):
            note = f"<desc>{escape(node.note)}</desc>" if node.note else ""
            return f'<gap reason="lost">{note}</gap>'
        if isinstance(node, Image):
            return (f"<figure><graphic url={quoteattr(node.path)} width=\"{node.width}px\" height=\"{node.height}px\"/>"
                    f"<figDesc>{escape(node.alt)}</figDesc></figure>")
        raise TypeError(f"no TEI for {type(node).__name__}")  # every construct rendered whole or refused

    def _note(self, label: str) -> str:
        note = self.chapter.notes.get(label)
        if note is None:
            return ""
        if label in self.placed:  # the note stands at its first reference; later ones point there
            return f'<ref target="#fn-{escape(note.anchor)}" type="noteAnchor">{escape(label)}</ref>'
        self.placed.add(label)
        body = "".join(self.block(b) for b in note.content)
        return f'<note n={quoteattr(label)} place="bottom" xml:id="fn-{escape(note.anchor)}">{body}</note>'

    def block(self, block: Block) -> str:
        if block.kind == "paragraph":
            ident = f" n=\"{block.number}\" xml:id={quoteattr(block.anchor)}" if block.anchor and block.number else ""
            return f"<p{ident}>{self.inline(block.content)}</p>"
        if block.kind == "gap":
            return f"<p>{self.inline(block.content)}</p>" if block.content else '<gap reason="lost"/>'
        if block.kind == "pagebreak":
            return self.inline(block.content)
        if block.kind == "quote":
            return f"<quote>{''.join(self.block(child) for child in block.children)}</quote>"
        if block.kind == "list":
            rend = ' rend="numbered"' if block.start is not None else ' rend="bulleted"'
            return f"<list{rend}>{''.join(self.block(child) for child in block.children)}</list>"
        if block.kind == "item":
            inner = self.inline(block.content) + "".join(self.block(child) for child in block.children)
            return f"<item>{inner}</item>"
        if block.kind == "code":
            return f"<ab type=\"code\">{escape(block.text)}</ab>"
        if block.kind == "heading":
            return f"<label>{self.inline(block.content)}</label>"
        if block.kind == "rule":
            return '<milestone unit="section" rend="rule"/>'
        if block.kind == "figure":
            image = next((n for n in block.content if isinstance(n, Image)), None)
            graphic = (f"<graphic url={quoteattr(image.path)}/><figDesc>{escape(image.alt)}</figDesc>" if image else "")
            head = f"<head>{escape(block.text)}</head>" if block.text else ""
            return f"<figure>{head}{graphic}</figure>"
        raise ValueError(f"no TEI for a block of kind {block.kind!r}")


def _divs(writer: _Writer, sections: list[Section]) -> Iterator[str]:
    """Sections nested by level, as divs."""
    open_levels: list[int] = []
    for section in sections:
        while open_levels and open_levels[-1] >= section.level:
            open_levels.pop()
            yield "</div>"
        number = f" n={quoteattr(section.number)}" if section.number else ""
        yield f"<div{number} xml:id={quoteattr(section.id)}><head>{writer.inline(section.title)}</head>"
        yield from (writer.block(block) for block in section.blocks)
        open_levels.append(section.level)
    yield from ("</div>" for _ in open_levels)


def _names(tag: str, names: tuple[str, ...], extra: str = "") -> str:
    return "".join(f"<{tag}{extra}>{escape(name)}</{tag}>" for name in names)


def header(config: Config, chapter: Chapter) -> str:
    work = citations.item(config, chapter)
    book = config.source
    scope = ""
    if work.first_page:
        to = f" to={quoteattr(work.last_page)}" if work.last_page else ""
        scope = f'<biblScope unit="page" from={quoteattr(work.first_page)}{to}>{escape(work.first_page)}' + \
                (f"–{escape(work.last_page)}" if work.last_page else "") + "</biblScope>"
    imprint = (f"<imprint>{f'<pubPlace>{escape(book.place)}</pubPlace>' if book.place else ''}"
               f"{f'<publisher>{escape(book.publisher)}</publisher>' if book.publisher else ''}"
               f"<date>{escape(book.year)}</date>{scope}</imprint>")
    monogr_title = f'<title level="m">{escape(book.book_title)}</title>' if book.book_title else '<title level="m"/>'
    doi = f'<idno type="DOI">{escape(config.doi)}</idno>' if config.doi else ""
    url = f'<idno type="URL">{escape(config.url + chapter.slug + "/index.html")}</idno>' if config.url else ""
    digital = _names("editor", config.editors, DIGITAL)
    return (f"<teiHeader><fileDesc><titleStmt><title>{escape(work.title)}</title>{_names('author', work.authors)}"
            f"{digital}</titleStmt>"
            f"<publicationStmt><publisher>{escape(config.title)}</publisher>{doi}{url}"
            f"<date when={quoteattr(config.date)}>{escape(config.date)}</date></publicationStmt>"
            f"<sourceDesc><biblStruct><analytic><title level=\"a\">{escape(work.title)}</title>"
            f"{_names('author', work.authors)}</analytic><monogr>{monogr_title}{_names('editor', book.editors)}"
            f"{imprint}</monogr></biblStruct></sourceDesc></fileDesc></teiHeader>")


def chapter_body(config: Config, chapter: Chapter) -> str:
    writer = _Writer(chapter)
    parts = [f"<head>{writer.inline(chapter.heading)}</head>"]
    if chapter.intro:
        parts.append(f'<div xml:id="{INTRO}">' + "".join(writer.block(b) for b in chapter.intro.blocks) + "</div>")
    parts += _divs(writer, chapter.sections)
    unplaced = [label for label in chapter.notes if label not in writer.placed]
    if unplaced:  # a note no text refers to (the source check forbids it; kept whole regardless)
        parts.append('<div type="notes">' + "".join(writer._note(label) for label in unplaced) + "</div>")
    language = chapter.meta.language or config.language
    return (f"<TEI xmlns=\"{NS}\" xml:lang={quoteattr(language)}>{header(config, chapter)}"
            f"<text><body><div type=\"chapter\">{''.join(parts)}</div></body></text></TEI>")


def chapter_tei(config: Config, chapter: Chapter) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + chapter_body(config, chapter) + "\n"
