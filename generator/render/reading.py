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

from markupsafe import Markup, escape

from generator.config import Config
from generator.model import INTRO, Block, Chapter, Gap, Note, NoteRef, Section, note_refs
from generator.render import citations, html

GAP_DEFAULT = "Hier fehlt Text, der in den Quellen nicht überliefert ist."


def section_markup(config: Config, chapter: Chapter, section: Section, page_path: str,
                   links: tuple[str, ...]) -> tuple[Markup, Markup]:
    """The reading text, and the popovers that go at the end of the page. `links`: the
    chapter's internal link targets; `page_path` the page's site path."""
    refs = section.note_refs  # each note referenced here → its first reference here
    notes = _closure(refs, chapter)  # and the notes those notes refer to
    view = html.View(root="../" * page_path.count("/"), links=links)
    return _text(chapter, section, refs, notes, view), _popovers(config, chapter, section, notes, page_path, view)


def _closure(refs: dict[str, str], chapter: Chapter) -> dict[str, str]:
    """Each note to show → the id of its first reference (for a note in a note: in the other
    note's text in the list)."""
    shown = dict(refs)
    order = list(shown)
    for label in order:  # grows while it is read: a note in a note in a note
        note = chapter.notes.get(label)
        for block in note.content if note else ():
            for ref in _refs(block):
                if ref.label not in shown:
                    shown[ref.label] = ref.ref_id
                    order.append(ref.label)
    return {label: ref for label, ref in shown.items() if label in chapter.notes}


def _refs(block: Block) -> list[NoteRef]:
    found = note_refs(block.content)
    for child in block.children:
        found += _refs(child)
    return found


def _text(chapter: Chapter, section: Section, refs: dict[str, str], notes: dict[str, str], view: html.View) -> Markup:
    """The section's blocks in order, then its notes (each with a link back to its first reference)."""
    out = [_block(block, view) for block in section.blocks]
    if notes:
        out.append('<section class="notes" aria-label="Anmerkungen">\n'
                   '  <h2 class="notes-heading">Anmerkungen</h2>\n  <ol class="notes-list">\n')
        for label, ref_id in notes.items():
            note = chapter.notes[label]
            number = escape(note.label)
            out.append(f'    <li id="fn-{escape(note.anchor)}"><a class="fn-num" href="#{escape(ref_id)}" '
                       f'aria-label="Anmerkung {number}, zurück zum Text" data-pagefind-ignore>{number}</a> '
                       f'<span class="fn-text">{_note_text(note, view)}</span></li>\n')
        out.append("  </ol>\n</section>\n")
    return Markup("".join(out))


def _note_text(note: Note, view: html.View) -> str:
    """A note's paragraphs on lines of their own (a note is set as one block in print)."""
    parts = [html.inline(block.content, view) if block.kind in ("paragraph", "pagebreak", "gap")
             else html.block(block, view) for block in note.content]
    return "<br>".join(parts)


def _block(block: Block, view: html.View) -> str:
    if block.kind == "paragraph":
        anchor, number = escape(block.anchor), block.number
        return (f'<p class="para" id="{anchor}"><span class="para-tools" data-pagefind-ignore>'
                f'<a class="para-num" href="#{anchor}" title="Link zu Absatz {number}" aria-label="Absatz {number}">'
                f'{number}</a><button type="button" class="cite-button para-cite" popovertarget="cite-{anchor}" '
                f'aria-label="Absatz {number} zitieren">Zitieren</button></span>{html.inline(block.content, view)}</p>\n')
    if block.kind == "gap":
        gap = next((node for node in block.content if isinstance(node, Gap)), None)
        note = escape(gap.note) if gap and gap.note else GAP_DEFAULT
        return (f'<div class="gap" role="note"><span class="gap-mark" title="Textverlust">[…]</span> '
                f'<span class="gap-note">{note}</span></div>\n')
    if block.kind == "pagebreak":
        return f'<div class="pb-block">{html.inline(block.content, view)}</div>\n'
    return f'<div class="other-block">{html.block(block, view)}</div>\n'


def _popovers(config: Config, chapter: Chapter, section: Section, notes: dict[str, str], page_path: str,
              view: html.View) -> Markup:
    """A popover per note shown on the page, then a citation popover for the section and for
    each paragraph (their text is in the page, so citing works without JavaScript)."""
    out = []
    copy = replace(view, ids=False)  # the notes list holds the ids
    for label in notes:
        note = chapter.notes[label]
        anchor, number = escape(note.anchor), escape(note.label)
        out.append(f'<div popover id="fnpop-{anchor}" class="fn-popover" role="note" aria-label="Anmerkung {number}">\n'
                   f'  <span class="fn-num">{number}</span> {_note_text(note, copy)}\n'
                   f'  <a class="fn-more" href="#fn-{anchor}">zur Anmerkung</a>\n</div>\n')
    reference = citations.chapter_reference(citations.item(config, chapter))
    page_url = config.url + page_path
    if section.id != INTRO:
        out.append(_cite_popover(config, page_url, f"cite-{section.id}", f"{section.title_text} zitieren",
                                 citations.citation(reference, section), f"#{section.id}"))
    for block in section.paragraphs:
        out.append(_cite_popover(config, page_url, f"cite-{block.anchor}", f"Absatz {block.number} zitieren",
                                 citations.citation(reference, None if section.id == INTRO else section, block),
                                 f"#{block.anchor}"))
    return Markup("".join(out))


def _cite_popover(config: Config, page_url: str, popover_id: str, label: str, text: str, target: str) -> str:
    """The citation text and the URL to cite: absolute when the config knows the site's address,
    else the page's own path (JavaScript then makes it absolute from the reader's address)."""
    popover_id, label, full = escape(popover_id), escape(label), escape(page_url + target)
    return (f'<div popover id="{popover_id}" class="cite-popover" role="dialog" aria-label="{label}">\n'
            f'  <p class="cite-heading">{label}</p>\n'
            f'  <p class="cite-text"><span class="cite-body">{escape(text)}</span>, <a class="cite-url" '
            f'href="{escape(target)}" data-canonical="{full if config.url else ""}">{full}</a></p>\n'
            f'  <p class="cite-actions"><button type="button" class="cite-copy" hidden>Kopieren</button> '
            f'<button type="button" class="cite-close" popovertarget="{popover_id}" '
            f'popovertargetaction="hide">Schliessen</button></p>\n</div>\n')
