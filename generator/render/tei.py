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

import re
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from generator import printed
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
from generator.render import citations, zones

NS = "http://www.tei-c.org/ns/1.0"
REND = {"em": "italic", "strong": "bold"}
DIGITAL = ' role="digital"'   # the digital edition's editors, beside the printed book's


class _Writer:
    """One chapter's text: notes go inline at their first reference, each once. Where ingest
    recorded the print (`alignment`), each printed line of a block begins with `<lb/>` (its
    zone on the page picture in `facs`), `<lb break="no"/>` where a word runs on over the line
    end (a break hyphen repaired, or a hyphen kept); where the text reads otherwise than the
    print, `<choice>`: `<sic>`/`<corr resp>` for the editors' corrections, `<orig>`/`<reg>` for
    the tool's normalisations. `pictures`: print page → its picture's site path, or its surface
    (`#facs-229`), for `<pb facs>`; `zones`: (page index, line) → the zone's id."""

    def __init__(self, chapter: Chapter, alignment: printed.Alignment | None = None,
                 pictures: dict[str, str] | None = None, resp: str = "",
                 zones: dict[tuple[int, int], str] | None = None) -> None:
        self.chapter = chapter
        self.resp = resp       # pointers to the digital edition's editors: whose notes and corrections
        self.placed: set[str] = set()
        self.alignment = alignment
        self.pictures = pictures or {}
        self.zones = zones or {}
        self.offset = 0        # characters of the block's printed text written so far (printed.stream)
        self.breaks: list[tuple[int, bool, int, int]] = []  # its line beginnings still to write
        self.changes: list[printed.Intervention] = []       # its interventions still to write

    def inline(self, content: tuple[Inline, ...], key: str = "") -> str:
        """`key`: the block's (or the section's id, for its title), where the print is known."""
        place = self.alignment.of(key) if self.alignment else None
        if place is None:
            return "".join(self._node(node) for node in content)
        saved = self.offset, self.breaks, self.changes  # a note inside a paragraph has lines of its own
        self.offset, self.breaks = 0, list(place.breaks)
        self.changes = sorted(place.interventions, key=lambda change: (change.start, change.end))
        try:
            return "".join(self._node(node) for node in content)
        finally:
            self.offset, self.breaks, self.changes = saved

    def _text(self, text: str) -> str:
        """Text, with the line beginnings and the interventions that fall inside it (an
        intervention across emphasis or a note reference is left to the page's list)."""
        start = self.offset
        end = self.offset = start + len(text)
        breaks = []
        while self.breaks and self.breaks[0][0] < end:
            breaks.append(self.breaks.pop(0))
        changes = []
        while self.changes and (self.changes[0].start < end or self.changes[0].start == self.changes[0].end == end):
            change = self.changes.pop(0)
            if start <= change.start and change.end <= end:
                changes.append(change)
        out: list[str] = []
        at = start

        def plain(upto: int, before: bool) -> None:
            """text[at:upto], with the line beginnings before `upto` (and at it, if `before`)."""
            nonlocal at
            while breaks and (breaks[0][0] < upto or (before and breaks[0][0] == upto)):
                where, joined, page, line = breaks.pop(0)
                cut = max(where, at)
                out.append(escape(text[at - start:cut - start]) + self._lb(joined, page, line))
                at = cut
            out.append(escape(text[at - start:upto - start]))
            at = upto
        for change in changes:
            if change.start < at:
                continue  # overlapping one written already
            plain(change.start, before=True)
            inner: list[str] = []
            saved, out = out, inner
            plain(change.end, before=False)
            out = saved
            out.append(self._choice(change, "".join(inner)))
        plain(end, before=False)
        return "".join(out)

    def _lb(self, joined: bool, page: int, line: int) -> str:
        zone = self.zones.get((page, line))
        facs = f' facs="#{zone}"' if zone else ""
        return f'<lb break="no"{facs}/>' if joined else f"<lb{facs}/>"

    def _choice(self, change: printed.Intervention, reading: str) -> str:
        """The print's form beside the reading: the editors' correction, or the tool's
        normalisation of a letter."""
        was = escape(change.printed)
        if change.kind == "normal":
            return f"<choice><orig>{was}</orig><reg>{reading}</reg></choice>"
        resp = f" resp={quoteattr(self.resp)}" if self.resp else ""
        sic = f"<sic>{was}</sic>" if was else "<sic/>"
        corr = f"<corr{resp}>{reading}</corr>" if reading else f"<corr{resp}/>"
        return f"<choice>{sic}{corr}</choice>"

    def _node(self, node: Inline) -> str:
        if isinstance(node, Text):
            return self._text(node.text)
        if isinstance(node, Styled):
            return f'<hi rend="{REND.get(node.style, node.style)}">{self.inline(node.children)}</hi>'
        if isinstance(node, Code):
            return f"<code>{self._text(node.text)}</code>"
        if isinstance(node, LineBreak):
            self.offset += 1
            return "<lb/>"
        if isinstance(node, NoteRef):
            if not node.editorial and not node.silent:
                self.offset += len(node.number)  # printed as a raised number in the line
            return self._note(node.label)
        if isinstance(node, PageStart):
            page = node.page
            # its surface in the <facsimile>, else its picture (the chapter's TEI file lies one
            # folder down in the site: slug/slug.tei.xml)
            picture = self.pictures.get(page.label, "")
            facs = f" facs={quoteattr(picture if picture.startswith('#') else '../' + picture)}" if picture else ""
            return f"<pb n={quoteattr(page.printed)}{facs}/>" if page.printed else '<pb n="?"/>'
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
            return f'<ref target="#{escape(note.id)}" type="noteAnchor">{escape(note.shown)}</ref>'
        self.placed.add(label)
        body = "".join(self.block(b) for b in note.content)
        if note.editorial:  # the editor's, lettered: never one of the print's notes
            resp = f" resp={quoteattr(self.resp)}" if self.resp else ""
            return f'<note type="editorial"{resp} n={quoteattr(note.mark)} xml:id="{escape(note.id)}">{body}</note>'
        return f'<note n={quoteattr(note.number)} place="bottom" xml:id="{escape(note.id)}">{body}</note>'

    def block(self, block: Block) -> str:
        if block.kind == "paragraph":
            ident = f" n=\"{block.number}\" xml:id={quoteattr(block.anchor)}" if block.anchor and block.number else ""
            return f"<p{ident}>{self.inline(block.content, block.key)}</p>"
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
            inner = self.inline(block.content, block.key) + "".join(self.block(child) for child in block.children)
            return f"<item>{inner}</item>"
        if block.kind == "code":
            return f"<ab type=\"code\">{escape(block.text)}</ab>"
        if block.kind == "heading":
            return f"<label>{self.inline(block.content, block.key)}</label>"
        if block.kind == "table":
            return f"<table>{''.join(self.block(row) for row in block.children)}</table>"
        if block.kind in ("head", "row"):
            role = ' role="label"' if block.kind == "head" else ""
            return f"<row{role}>{''.join(self.block(cell) for cell in block.children)}</row>"
        if block.kind == "cell":
            rend = f" rend={quoteattr(block.align)}" if block.align else ""
            return f"<cell{rend}>{self.inline(block.content, block.key)}</cell>"
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
        yield f"<div{number} xml:id={quoteattr(section.id)}><head>{writer.inline(section.title, section.id)}</head>"
        yield from (writer.block(block) for block in section.blocks)
        open_levels.append(section.level)
    yield from ("</div>" for _ in open_levels)


def _names(tag: str, names: tuple[str, ...], extra: str = "") -> str:
    return "".join(f"<{tag}{extra}>{escape(name)}</{tag}>" for name in names)


def _editors(config: Config) -> str:
    """The digital edition's editors, each with the id that `resp` points to (their notes,
    their corrections)."""
    return "".join(f'<editor{DIGITAL} xml:id="{ident}">{escape(name)}</editor>'
                   for ident, name in zip(editor_ids(config), config.editors, strict=True))


def editor_ids(config: Config) -> list[str]:
    return [f"hrsg-{number}" for number in range(1, len(config.editors) + 1)]


def responsible(config: Config) -> str:
    """`resp` of what the digital edition's editors did: "#hrsg-1 #hrsg-2" ("" when none is named)."""
    return " ".join(f"#{ident}" for ident in editor_ids(config))


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
    digital = _editors(config)
    return (f"<teiHeader><fileDesc><titleStmt><title>{escape(work.title)}</title>{_names('author', work.authors)}"
            f"{digital}</titleStmt>"
            f"<publicationStmt><publisher>{escape(config.title)}</publisher>{doi}{url}"
            f"<date when={quoteattr(config.date)}>{escape(config.date)}</date></publicationStmt>"
            f"<sourceDesc><biblStruct><analytic><title level=\"a\">{escape(work.title)}</title>"
            f"{_names('author', work.authors)}</analytic><monogr>{monogr_title}{_names('editor', book.editors)}"
            f"{imprint}</monogr></biblStruct></sourceDesc></fileDesc></teiHeader>")


def chapter_body(config: Config, chapter: Chapter, alignment: printed.Alignment | None = None,
                 pictures: dict[str, str] | None = None, surfaces: list[zones.Surface] | None = None,
                 record: printed.Printed | None = None) -> str:
    """`surfaces`: the print pages the chapter stands on that have a picture, with their
    lines' boxes: the `<facsimile>`, which `<pb>` and `<lb>` point into."""
    surfaces = surfaces or []
    if surfaces and record is not None:
        pictures = dict(pictures or {})
        pictures.update({surface.label: f"#{zones.surface_id(surface.name)}" for surface in surfaces})
        index = {page.name: page.index for page in record.pages}
        boxes = {(index[surface.name], line): zones.zone_id(surface.name, line)
                 for surface in surfaces for line, _ in surface.boxes}
    else:
        boxes = {}
    writer = _Writer(chapter, alignment, pictures, responsible(config), boxes)
    # the chapter's title is found in the print as its introduction's (printed.py)
    parts = [f"<head>{writer.inline(chapter.heading, INTRO if chapter.intro else '')}</head>"]
    if chapter.intro:
        parts.append(f'<div xml:id="{INTRO}">' + "".join(writer.block(b) for b in chapter.intro.blocks) + "</div>")
    parts += _divs(writer, chapter.sections)
    unplaced = [label for label in chapter.notes if label not in writer.placed]
    if unplaced:  # a note no text refers to (the source check forbids it; kept whole regardless)
        parts.append('<div type="notes">' + "".join(writer._note(label) for label in unplaced) + "</div>")
    language = chapter.meta.language or config.language
    return (f"<TEI xmlns=\"{NS}\" xml:lang={quoteattr(language)}>{header(config, chapter)}"
            f"{zones.facsimile_tei(surfaces)}"
            f"<text><body><div type=\"chapter\">{''.join(parts)}</div></body></text></TEI>")


def chapter_tei(config: Config, chapter: Chapter, alignment: printed.Alignment | None = None,
                pictures: dict[str, str] | None = None, surfaces: list[zones.Surface] | None = None,
                record: printed.Printed | None = None) -> str:
    """`alignment`: where the chapter stands in the print ingest recorded (its line breaks,
    the interventions); `pictures`: print page → the site path of its largest picture;
    `surfaces` (with `record`): the pages' pictures with their lines' zones."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + chapter_body(config, chapter, alignment, pictures, surfaces,
                                                                     record) + "\n"


CORPUS = "edition.tei.xml"
# The ids of a member, and every pointer to them (one or several, "#a #b"): prefixed together
_IDS = re.compile(r'\b(xml:id|target|facs|resp|corresp)="([^"]*)"')
_TAG = re.compile(r"<[^<>]+>")
_MEMBER = re.compile(r'<TEI n="([^"]+)"[ >].*?</TEI>', re.S)


def member(slug: str, chapter_tei: str) -> str:
    """A chapter's TEI document as a member of the corpus: its ids prefixed with its slug, so
    that they stay unique in the whole (`s6-1` → `kleinstaaten.s6-1`), named by its slug (`n`)."""
    prefix = slug if slug[:1].isalpha() else f"_{slug}"  # an xml:id starts with a letter or "_"
    body = chapter_tei.split("?>", 1)[1].strip() if chapter_tei.startswith("<?xml") else chapter_tei.strip()
    body = body.replace(f'<TEI xmlns="{NS}"', f"<TEI n={quoteattr(slug)}", 1)
    def prefixed(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        if name == "xml:id":
            return f'xml:id="{prefix}.{value}"'
        pointers = [f"#{prefix}.{part[1:]}" if part.startswith("#") else part for part in value.split(" ")]
        return f'{name}="{" ".join(pointers)}"'
    # inside tags only (text is escaped: a "<" in it is "&lt;"), so no word of the text changes
    return _TAG.sub(lambda tag: _IDS.sub(prefixed, tag.group()), body)


def members_of(corpus_text: str) -> dict[str, str]:
    """The members of a corpus this module wrote, by slug (a build that rendered only some
    chapters again takes the others from the corpus it published last)."""
    return {match.group(1): match.group(0) for match in _MEMBER.finditer(corpus_text)}


def corpus(config: Config, members: list[bytes]) -> list[bytes]:
    """The edition as one `teiCorpus`: each chapter's TEI document (`members`, made by `member`,
    in reading order, as UTF-8) under a header for the whole. Made in memory, from what render
    made, as the pieces of the file (a large book's corpus is tens of MB: it is written as it is,
    not joined and encoded again after each edit)."""
    book = config.source
    title = f'<title level="m">{escape(book.book_title)}</title>' if book.book_title else ""
    url = f'<idno type="URL">{escape(config.url)}</idno>' if config.url else ""
    doi = f'<idno type="DOI">{escape(config.doi)}</idno>' if config.doi else ""
    header = (f"<teiHeader><fileDesc><titleStmt><title>{escape(config.title)}</title>"
              f"{_names('editor', config.editors, DIGITAL)}</titleStmt>"
              f"<publicationStmt><publisher>{escape(config.title)}</publisher>{doi}{url}"
              f"<date when={quoteattr(config.date)}>{escape(config.date)}</date></publicationStmt>"
              f"<sourceDesc><bibl>{title}{_names('author', book.authors)}{_names('editor', book.editors)}"
              f"{f'<pubPlace>{escape(book.place)}</pubPlace>' if book.place else ''}"
              f"{f'<publisher>{escape(book.publisher)}</publisher>' if book.publisher else ''}"
              f"{f'<date>{escape(book.year)}</date>' if book.year else ''}</bibl></sourceDesc></fileDesc></teiHeader>")
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<teiCorpus xmlns="{NS}" xml:lang={quoteattr(config.language)}>'
    return [f"{head}{header}".encode(), *members, b"</teiCorpus>\n"]
