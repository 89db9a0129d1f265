"""Content (model.py's inline nodes and blocks) as HTML: one renderer of the edition's data.

Every piece of text is escaped here; nothing else in the model is trusted. Internal links are
resolved from the chapter's link targets (links.py), prefixed with the way up to the site root.
A `View` says where content is shown: the page's root, the chapter's link targets, and whether
ids may be written (the text of a note appears twice, in its popover and in the notes list, and
an id must stand once on a page).
"""
from __future__ import annotations

from dataclasses import dataclass

from markdown_it.common.utils import escapeHtml as esc

from generator.markup import label_anchor
from generator.model import (
    Addition,
    Block,
    Code,
    Gap,
    Image,
    Inline,
    LineBreak,
    Link,
    NoteRef,
    PageBreak,
    PageStart,
    Styled,
    Text,
)


@dataclass(frozen=True)
class View:
    root: str = ""                        # the way up to the site root ("../")
    links: tuple[str, ...] | None = ()    # the chapter's internal link targets; None: links as text
    ids: bool = True                      # write ids (False in a second copy of the same text)
    notes: bool = True                    # note references (a title in a table of contents has none)


TEXT_ONLY = View(links=None, ids=False, notes=False)  # titles in tables of contents


def inline(content: tuple[Inline, ...], view: View) -> str:
    return "".join(_node(node, view) for node in content)


def _node(node: Inline, view: View) -> str:
    if isinstance(node, Text):
        return esc(node.text)
    if isinstance(node, Styled):
        return f"<{node.style}>{inline(node.children, view)}</{node.style}>"
    if isinstance(node, Code):
        return f"<code>{esc(node.text)}</code>"
    if isinstance(node, LineBreak):
        return "<br />\n"
    if isinstance(node, NoteRef):
        if not view.notes:
            return ""
        anchor, label = label_anchor(node.label), esc(node.label)
        own = f' id="{esc(node.ref_id)}"' if view.ids else ""
        return (f'<button type="button" class="fnref"{own} popovertarget="fnpop-{anchor}" '
                f'aria-label="Anmerkung {label}" data-pagefind-ignore><sup>{label}</sup></button>')
    if isinstance(node, PageStart):
        return page_mark(node.page, view)
    if isinstance(node, Link):
        if view.links is None:
            return inline(node.children, view)
        href = view.root + view.links[node.internal] if node.internal is not None else node.href
        title = f' title="{esc(node.title)}"' if node.title else ""
        return f'<a href="{esc(href)}"{title}>{inline(node.children, view)}</a>'
    if isinstance(node, Addition):
        return f'<span class="ed-add" title="Ergänzung der Herausgabe">[{esc(node.text)}]</span>'
    if isinstance(node, Image):
        title = f' title="{esc(node.title)}"' if node.title else ""
        return (f'<img src="{esc(view.root + node.path)}" alt="{esc(node.alt)}"{title} width="{node.width}" '
                f'height="{node.height}" loading="lazy">')
    if isinstance(node, Gap):
        if not node.note:
            return '<span class="ed-gap" title="Textverlust">[…]</span>'
        return (f'<span class="ed-gap" title="Textverlust">[…<span class="ed-gap-note">: {esc(node.note)}</span>]'
                '</span>')
    raise TypeError(f"no HTML for {node!r}")


def page_mark(page: PageBreak, view: View) -> str:
    title = "Beginn der Druckseite" if page.known else "Beginn einer Druckseite, Seitenzahl unbekannt"
    own = f' id="{page.anchor}"' if view.ids else ""
    return (f'<span class="pb-mark" data-pagefind-ignore><span class="pb-bar" aria-hidden="true"></span>'
            f'<a class="pb"{own} href="#{page.anchor}" title="{title}">{esc(page.label)}</a></span>')


def blocks(content: tuple[Block, ...] | list[Block], view: View) -> str:
    """Blocks inside a quote, a list item or a note (the reading text's own paragraphs are
    wrapped with their numbers by reading.py)."""
    return "".join(block(b, view) for b in content)


def block(item: Block, view: View, tight: bool = False) -> str:
    if item.kind in ("paragraph", "pagebreak", "gap"):
        text = inline(item.content, view)
        return text if tight else f"<p>{text}</p>\n"
    if item.kind == "heading":
        return f"<h{item.level}>{inline(item.content, view)}</h{item.level}>\n"
    if item.kind == "quote":
        return f"<blockquote>\n{blocks(item.children, view)}</blockquote>\n"
    if item.kind == "list":
        tag = "ol" if item.start is not None else "ul"
        start = f' start="{item.start}"' if item.start not in (None, 1) else ""
        entries = []
        for entry in item.children:
            if item.tight:
                inner = "".join(block(b, view, tight=b.kind in ("paragraph", "pagebreak", "gap")) for b in entry.children)
                entries.append(f"<li>{inner}</li>\n")
            else:
                entries.append(f"<li>\n{blocks(entry.children, view)}</li>\n")
        return f"<{tag}{start}>\n{''.join(entries)}</{tag}>\n"
    if item.kind == "code":
        language = f' class="language-{esc(item.info)}"' if item.info else ""
        return f"<pre><code{language}>{esc(item.text)}</code></pre>\n"
    if item.kind == "rule":
        return "<hr />\n"
    if item.kind == "figure":
        caption = f"<figcaption>{esc(item.text)}</figcaption>" if item.text else ""
        return f'<figure class="figure">{inline(item.content, view)}{caption}</figure>\n'
    raise TypeError(f"no HTML for a {item.kind!r} block")
