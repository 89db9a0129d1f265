"""The reading text of a section page: numbered paragraphs, the section's notes, and the
popovers for notes and citations.

This markup is rendered by code, not by the page templates, for two reasons. Its ids
(`s6-1-p2`, `fn-8`, `cite-s6-1-p2`) are the edition's citation contract: a theme may restyle
them but must not be able to drop or rename one. And it is most of every page: rendered in
Jinja (an attribute lookup and an escape per value, seven values per paragraph, nine per
citation popover) it cost 60% of a large build; here it is a few string joins (bench/).
The templates keep everything around it: head, header, breadcrumb, pager, footer.
"""
from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from markupsafe import Markup, escape

from generator import compounds, printed
from generator.config import Config
from generator.labels import labels
from generator.model import (
    INTRO,
    PRINTED_TEXT,
    Block,
    Chapter,
    Gap,
    Inline,
    Link,
    Note,
    NoteRef,
    PageStart,
    Section,
    Styled,
    notes_shown,
)
from generator.render import citations, html


class Printed(NamedTuple):
    """The recorded print, where the chapter stands in it, and the zone of each printed line
    that has one on a page picture ((page index, line) → id: render/zones.py)."""
    record: printed.Printed
    alignment: printed.Alignment
    zones: dict[tuple[int, int], str]


Form = Printed | None


def section_markup(config: Config, chapter: Chapter, section: Section, page_path: str,
                   links: tuple[str, ...], form: Form = None, exports: dict[str, str] | None = None,
                   search: bool = True, cited: tuple[str, str] | None = None) -> tuple[Markup, Markup]:
    """The reading text, and the popovers that go at the end of the page. `links`: the
    chapter's internal link targets; `page_path` the page's site path; `form`: `printed_form`'s
    answer for the chapter (its text as printed beside the reading text); `exports`: the
    chapter's files for reference managers (site paths), linked from each citation; `search`:
    the site is indexed (compounds are marked for the index only); `cited`: the chapter's
    reference and the edition's note, where the caller has them (else made here)."""
    refs = section.note_refs  # each note referenced here → its first reference here
    notes = notes_shown(refs, chapter.notes)  # and the notes those notes refer to
    view = html.View(root="../" * page_path.count("/"), links=links, words=labels(config.language),
                     split=compounds.splitter(config.language) if search else None)
    return (_text(chapter, section, refs, notes, view, form),
            _popovers(config, chapter, section, notes, page_path, view, exports or {}, cited))


def printed_form(record: printed.Printed | None, alignment: printed.Alignment | None,
                 zones: dict[tuple[int, int], str] | None = None) -> Form:
    """The print and where the chapter's blocks stand in it (computed when the chapter was
    loaded); None for a chapter the record does not hold (its pages have no diplomatic view)."""
    if record is None or alignment is None or not alignment.placed:
        return None
    return Printed(record, alignment, zones or {})


def _text(chapter: Chapter, section: Section, refs: dict[str, str], notes: dict[str, str], view: html.View,
          form: Form) -> Markup:
    """The section's blocks in order, then its notes (each with a link back to its first reference)."""
    words = view.words
    # nothing to focus in the margin (its addresses are links for the mouse); not indexed either
    # (search finds the notes list)
    margin = replace(view, ids=False, links=None, notes=False, marks=False, split=None, focusable=False)
    out = [_sidenotes(block, chapter, margin) + _block(block, view, form) for block in section.blocks]
    printed_notes = {label: ref for label, ref in notes.items() if not chapter.notes[label].editorial}
    if printed_notes:
        heading = escape(words["notes"])
        out.append(f'<section class="notes" aria-label="{heading}">\n'
                   f'  <h2 class="notes-heading">{heading}</h2>\n  <ol class="notes-list">\n')
        printed_on = note_pages(section, chapter, printed_notes, form)
        shown = None
        for label, ref_id in printed_notes.items():
            note = chapter.notes[label]
            number, back = escape(note.number), escape(words["note_back"].format(label=note.number))
            page = printed_on.get(label, "")
            out.append(f'    <li id="{escape(note.id)}">{_note_page(note, page, page != shown, words)}'
                       f'<a class="fn-num" href="#{escape(ref_id)}" aria-label="{back}" data-pagefind-ignore>{number}</a> '
                       f'<span class="fn-text">{_with_printed(_note_text(note, view), _placed(note.content, form), form, words)}'
                       '</span></li>\n')
            shown = page or shown
        out.append("  </ol>\n</section>\n")
    editorial = {label: ref for label, ref in notes.items() if chapter.notes[label].editorial}
    if editorial:
        # The editor's own apparatus: lettered, never among the print's numbers (issue 26)
        heading = escape(words["editor_notes"])
        out.append(f'<section class="notes ed-notes" aria-label="{heading}">\n'
                   f'  <h2 class="notes-heading">{heading}</h2>\n  <ol class="notes-list">\n')
        for label, ref_id in sorted(editorial.items(), key=lambda item: _letter_order(chapter.notes[item[0]].mark)):
            note = chapter.notes[label]
            back = escape(words["editor_note_back"].format(label=note.mark))
            out.append(f'    <li id="{escape(note.id)}" class="ed-note">'
                       f'<a class="fn-num" href="#{escape(ref_id)}" aria-label="{back}" data-pagefind-ignore>'
                       f'{escape(note.mark)}</a> <span class="fn-text">{_note_text(note, view)}</span></li>\n')
        out.append("  </ol>\n</section>\n")
    out.append(_corrections(chapter, section, printed_notes, form, words))
    return Markup("".join(out))


def _corrections(chapter: Chapter, section: Section, notes: dict[str, str], form: Form, words: dict[str, str]) -> str:
    """The page's list of the editor's interventions, in the order of the text: where in the
    print ("S. 33, Z. 12"), what it says, what the text reads, each a link to its place. The
    tool's repairs are the review report's; a word restored to the print is none."""
    if form is None:
        return ""
    found: list[tuple[str, printed.Intervention]] = []  # (the anchor to go to, the intervention)

    def take(key: str, anchor: str) -> None:
        place = form.alignment.of(key)
        for change in place.interventions if place else ():
            if change.kind in ("edit", "decision"):
                found.append((anchor, change))

    def walk(blocks: list[Block] | tuple[Block, ...], anchor: str) -> None:
        for block in blocks:
            take(block.key, block.anchor or anchor)
            walk(block.children, block.anchor or anchor)
    if section.id != INTRO:
        take(section.id, section.id)
    walk(section.blocks, section.id if section.id != INTRO else "")
    for label in notes:
        note = chapter.notes[label]
        walk(note.content, note.id)
    if not found:
        return ""
    heading = escape(words["corrections"])
    items = []
    for anchor, change in found:
        page = form.record.pages[change.page]
        where = f'{words["page"]} {page.label}, {_line_label(page, change.line, words)}'
        was = f'<span class="corr-was">{escape(change.printed)}</span>' if change.printed else \
            f'<span class="corr-none">({escape(words["correction_added"])})</span>'
        now = f'<span class="corr-now">{escape(change.reading)}</span>' if change.reading else \
            f'<span class="corr-none">({escape(words["correction_deleted"])})</span>'
        target = f'<a href="#{escape(anchor)}">{escape(where)}</a>' if anchor else escape(where)
        items.append(f"    <li>{target}: {was} → {now}</li>\n")
    return (f'<section class="corrections" aria-label="{heading}" data-pagefind-ignore>\n'
            f'  <h2 class="notes-heading">{heading}</h2>\n  <p class="corrections-note">{escape(words["corrections_note"])}</p>\n'
            f'  <ol class="corrections-list">\n{"".join(items)}  </ol>\n</section>\n')


def _line_label(page: printed.PrintedPage, number: int, words: dict[str, str]) -> str:
    """"Z. 12": the line's place among the page's lines of text (running heads not counted); a
    note's line among the notes' ("Anm., Z. 2")."""
    line = next((line for line in page.lines if line.number == number), None)
    role = line.role if line else "body"
    count = sum(1 for other in page.lines if other.role == role and other.number <= number)
    prefix = f'{words["note_short"]}, ' if role == "note" else ""
    return f'{prefix}{words["correction_line"]} {count}'


def _letter_order(mark: str) -> tuple[int, str]:
    """a … z before aa: the letters' order is their notes'."""
    return len(mark), mark


def _note_page(note: Note, page: str, visible: bool, words: dict[str, str]) -> str:
    """The print page a note stands on, in the margin of the notes list where it changes (as
    the text's page marks): the search index's anchor for "Anm. 53, S. 25" (its id says the
    page; Pagefind records ids, not the ignored words), and an address of its own."""
    anchor = escape(f"{note.id}-seite-{page.lower()}")
    if not page or page == "?" or any(mark.page.anchor == anchor for mark in _marks(note.content)):
        return ""  # unknown, or a page mark of the note's own says it (a source that contradicts the print)
    if not visible:  # the page of the note before: an anchor only
        return f'<span class="fn-page" id="{anchor}"></span>'
    return (f'<a class="pb fn-page" id="{anchor}" href="#{anchor}" title="{escape(words["note_page"])}">'
            f'<span data-pagefind-ignore>{escape(words["page"])} {escape(page)}</span></a>')


def _marks(blocks: tuple[Block, ...] | list[Block]) -> list[PageStart]:
    """The page marks inside blocks (a note's), also inside emphasis, links and nested blocks."""
    def inside(content: tuple[Inline, ...]) -> list[PageStart]:
        found: list[PageStart] = []
        for node in content:
            if isinstance(node, PageStart):
                found.append(node)
            elif isinstance(node, Styled | Link):
                found += inside(node.children)
        return found
    return [mark for block in blocks for mark in inside(block.content) + _marks(block.children)]


def note_pages(section: Section, chapter: Chapter, notes: dict[str, str], form: Form) -> dict[str, str]:
    """The print page each note shown on the page stands on: where the recorded print has its
    first line, else the page of its first reference (a footnote is printed on that page; a note
    referred to in a note, on its note's)."""
    found: dict[str, str] = {}
    if form is not None:
        record = form.record
        for label in notes:
            placed = _placed(chapter.notes[label].content, form)
            if placed and placed[0].pieces:
                found[label] = record.pages[placed[0].pieces[0].page].label
    referred: dict[str, str] = {}

    def walk(content: tuple[Inline, ...], page: str) -> str:
        for node in content:
            if isinstance(node, PageStart):
                page = node.page.label
            elif isinstance(node, NoteRef):
                referred.setdefault(node.label, page)
            elif isinstance(node, Styled | Link):
                page = walk(node.children, page)
        return page

    def blocks(items: tuple[Block, ...] | list[Block], page: str) -> str:
        for block in items:
            page = block.first_page.label if block.first_page else page
            page = walk(block.content, page)
            page = blocks(block.children, page)
        return page

    start = section.first_page.label if section.first_page else ""
    walk(section.title, start)
    blocks(section.blocks, start)
    for label in notes:  # notes in notes, in the order they are shown
        if label in chapter.notes:
            blocks(chapter.notes[label].content, found.get(label) or referred.get(label, ""))
    return {label: found.get(label) or referred.get(label, "") for label in notes}


def _sidenotes(block: Block, chapter: Chapter, view: html.View) -> str:
    """The notes a block refers to, set beside it in the margin of a wide screen (CSS floats it
    there; elsewhere it is not shown). A copy for the eye only: the popover and the notes list
    carry the note for keyboards, screen readers, print and search."""
    labels = [label for label in dict.fromkeys(label for label, _ in block.note_refs) if label in chapter.notes]
    if not labels:
        return ""
    notes = "".join(f'<p class="sidenote{" ed-sidenote" if chapter.notes[label].editorial else ""}">'
                    f'<span class="fn-num">{escape(chapter.notes[label].shown)}</span> '
                    f'{_note_text(chapter.notes[label], view)}</p>' for label in labels)
    return f'<aside class="sidenotes" aria-hidden="true" data-pagefind-ignore>{notes}</aside>\n'


def _note_text(note: Note, view: html.View) -> str:
    """A note's paragraphs on lines of their own (a note is set as one block in print)."""
    parts = [html.inline(block.content, view) if block.kind in ("paragraph", "pagebreak", "gap")
             else html.block(block, view) for block in note.content]
    return "<br>".join(parts)


def _placed(blocks: tuple[Block, ...] | list[Block], form: Form) -> list[printed.Placed]:
    """The printed form of each text in `blocks` (a paragraph, a quote's, a list's, a note's)."""
    if form is None:
        return []
    found = []
    for block in blocks:
        if block.kind in PRINTED_TEXT and (place := form.alignment.of(block.key)):
            found.append(place)
        found += _placed(block.children, form)
    return found


def _with_printed(reading: str, placed: list[printed.Placed], form: Form, words: dict[str, str],
                  tag: str = "span") -> str:
    """The reading text and, beside it, the same text as printed: its lines, its break
    hyphens, its page breaks; each word printed otherwise than it reads (a repair of the
    review report) is marked with its reading form. The page's view switch shows one or both;
    search indexes only the reading text."""
    if not placed or form is None:
        return reading
    record = form.record
    out: list[str] = []
    page, line = None, None
    for place in placed:
        for piece in place.pieces:
            text = _marked(piece.segments, words, _unsure(piece, record))
            if (piece.page, piece.line) == (page, line):   # a table's cells: one printed line
                out[-1] = out[-1].removesuffix("</span>") + f" {text}</span>"
                continue
            if page is not None and piece.page != page:
                label = escape(words["page"] + " " + record.pages[piece.page].label)
                out.append(f'<span class="dl-pb">{label}</span>')
            page, line = piece.page, piece.line
            zone = form.zones.get((piece.page, piece.line))
            where = f' data-zone="{zone}"' if zone else ""
            out.append(f'<span class="dl"{where}>{text}</span>')
    return (f'<{tag} class="rt">{reading}</{tag}><{tag} class="dipl" data-pagefind-ignore>'
            f'{"".join(out)}</{tag}>')


def zones_of(placed: list[printed.Placed], form: Form) -> list[str]:
    """The zones of the printed lines a block came from, in order: what pointing at it lights
    on the page picture."""
    if form is None:
        return []
    return list(dict.fromkeys(zone for place in placed for piece in place.pieces
                              if (zone := form.zones.get((piece.page, piece.line)))))


def _unsure(piece: printed.Piece, record: printed.Printed) -> frozenset[int]:
    """The segments of a piece that are words the OCR engine was unsure of (a scan's line
    records them as offsets in its text; the piece is a run of that text)."""
    page = record.pages[piece.page] if 0 <= piece.page < len(record.pages) else None
    line = next((x for x in page.lines if x.number == piece.line), None) if page else None
    if line is None or not line.unsure:
        return frozenset()
    at = line.text.find("".join(token for token, _, _ in piece.segments))
    if at < 0:
        return frozenset()
    out = set()
    for k, (token, _, _) in enumerate(piece.segments):
        if token and not token.isspace() and any(start < at + len(token) and at < end for start, end in line.unsure):
            out.add(k)
        at += len(token)
    return frozenset(out)


def _marked(segments: tuple[printed.Segment, ...], words: dict[str, str], unsure: frozenset[int] = frozenset()) -> str:
    """A printed line's words: the pieces of one repaired word ("Koordina -") in one mark that
    names its reading; the editor's interventions marked as such, titled with the reading (a
    word added, where it stands: ‸); a word the OCR engine was unsure of marked so."""
    out: list[str] = []
    index = 0
    while index < len(segments):
        token, word, whose = segments[index]
        if word is None and whose != printed.EDITOR:
            shown = str(escape(token))
            out.append(f'<mark class="dl-unsure" title="{escape(words["unsure_mark"])}">{shown}</mark>'
                       if index in unsure else shown)
            index += 1
            continue
        end = index + 1
        while end + 1 < len(segments) and segments[end][0].isspace() and segments[end + 1][1:] == (word, whose) \
                and segments[end + 1][0]:
            end += 2
        printed_text = "".join(token for token, _, _ in segments[index:end])
        if whose != printed.EDITOR:
            out.append(f'<span class="dl-fix" title="{escape(words["printed_as"].format(word=word))}">'
                       f'{escape(printed_text)}</span>')
        elif not printed_text:
            out.append(f'<span class="dl-corr dl-add" title="{escape(words["editor_added"].format(word=word))}">'
                       '‸</span>')
        elif not word:
            out.append(f'<span class="dl-corr dl-del" title="{escape(words["editor_deleted"])}">'
                       f'{escape(printed_text)}</span>')
        else:
            out.append(f'<span class="dl-corr" title="{escape(words["editor_corrected"].format(word=word))}">'
                       f'{escape(printed_text)}</span>')
        if unsure.intersection(range(index, end)):
            out[-1] = f'<mark class="dl-unsure" title="{escape(words["unsure_mark"])}">{out[-1]}</mark>'
        index = end
    return "".join(out)


def _block(block: Block, view: html.View, form: Form = None) -> str:
    words = view.words
    if block.kind == "paragraph":
        anchor, number = escape(block.anchor), block.number
        link, name = escape(words["paragraph_link"].format(n=number)), escape(words["paragraph"].format(n=number))
        cite, button = escape(words["paragraph_cite"].format(n=number)), escape(words["cite"])
        placed = _placed([block], form)
        edited = ' class="para"'
        if form is not None and block.key in form.alignment.missing:
            said = words["unprinted_added" if form.alignment.collated else "unprinted"]
            edited = f' class="para unprinted" data-unprinted="{escape(said)}"'
        if zones := zones_of(placed, form):
            edited += f' data-lines="{" ".join(zones)}"'
        return (f'<p{edited} id="{anchor}"><span class="para-tools" data-pagefind-ignore>'
                f'<a class="para-num" href="#{anchor}" title="{link}" aria-label="{name}">'
                f'{number}</a><button type="button" class="cite-button para-cite" popovertarget="cite-{anchor}" '
                f'aria-label="{cite}">{button}</button></span>'
                f'{_with_printed(html.inline(block.content, view), placed, form, words)}</p>\n')
    if block.kind == "gap":
        gap = next((node for node in block.content if isinstance(node, Gap)), None)
        note = escape(gap.note if gap and gap.note else words["gap_default"])
        return (f'<div class="gap" role="note"><span class="gap-mark" title="{escape(words["gap"])}">[…]</span> '
                f'<span class="gap-note">{note}</span></div>\n')
    if block.kind == "pagebreak":
        return f'<div class="pb-block">{html.inline(block.content, view)}</div>\n'
    text = _with_printed(html.block(block, view), _placed([block], form), form, words, "div")
    return f'<div class="other-block">{text}</div>\n'


def _popovers(config: Config, chapter: Chapter, section: Section, notes: dict[str, str], page_path: str,
              view: html.View, exports: dict[str, str], cited: tuple[str, str] | None = None) -> Markup:
    """A popover per note shown on the page, then a citation popover for the section and for
    each paragraph (their text is in the page, so citing works without JavaScript)."""
    out = []
    words = view.words
    copy = replace(view, ids=False, split=None)  # the notes list holds the ids and is what search indexes
    for label in notes:
        note = chapter.notes[label]
        number = escape(note.shown)
        name = escape(words["editor_note" if note.editorial else "note"].format(label=note.shown))
        kind = "fn-popover ed-popover" if note.editorial else "fn-popover"
        out.append(f'<div popover id="{escape(note.popover)}" class="{kind}" role="note" aria-label="{name}">\n'
                   f'  <span class="fn-num">{number}</span> {_note_text(note, copy)}\n'
                   f'  <a class="fn-more" href="#{escape(note.id)}">{escape(words["to_note"])}</a>\n</div>\n')
    reference, edition = cited or (citations.chapter_reference(citations.item(config, chapter), words),
                                   citations.edition_note(config, words))
    page_url = config.url + page_path
    files = downloads(exports, view.root, words)
    if section.id != INTRO:
        out.append(_cite_popover(config, words, page_url, f"cite-{section.id}",
                                 words["cite_title"].format(title=section.title_text),
                                 citations.citation(reference, words, section, edition=edition), f"#{section.id}", files))
    for block in section.paragraphs:
        out.append(_cite_popover(config, words, page_url, f"cite-{block.anchor}",
                                 words["paragraph_cite"].format(n=block.number),
                                 citations.citation(reference, words, None if section.id == INTRO else section, block,
                                                    edition=edition),
                                 f"#{block.anchor}", files))
    return Markup("".join(out))


EXPORTS = (("bib", "BibTeX"), ("ris", "RIS"), ("csl", "CSL-JSON"), ("tei", "TEI P5"))


def downloads(exports: dict[str, str], root: str, words: dict[str, str]) -> str:
    """The chapter's files for reference managers, as links ("Für Literaturverwaltungen: BibTeX · RIS · …")."""
    if not exports:
        return ""
    links = " · ".join(f'<a href="{escape(root + exports[kind])}" download>{name}</a>' for kind, name in EXPORTS
                       if kind in exports)
    return f'  <p class="cite-downloads">{escape(words["downloads"])} {links}</p>\n'


def _cite_popover(config: Config, words: dict[str, str], page_url: str, popover_id: str, label: str, text: str,
                  target: str, files: str = "") -> str:
    """The citation text and the URL to cite: absolute when the config knows the site's address,
    else the page's own path (JavaScript then makes it absolute from the reader's address); the
    chapter's files for reference managers under it."""
    popover_id, label, full = escape(popover_id), escape(label), escape(page_url + target)
    return (f'<div popover id="{popover_id}" class="cite-popover" role="dialog" aria-label="{label}">\n'
            f'  <p class="cite-heading">{label}</p>\n'
            f'  <p class="cite-text"><span class="cite-body">{escape(text)}</span>, <a class="cite-url" '
            f'href="{escape(target)}" data-canonical="{full if config.url else ""}">{full}</a></p>\n'
            f'{files}'
            f'  <p class="cite-actions"><button type="button" class="cite-copy" hidden>{escape(words["copy_text"])}</button> '
            f'<button type="button" class="cite-close" popovertarget="{popover_id}" '
            f'popovertargetaction="hide">{escape(words["close"])}</button></p>\n</div>\n')
