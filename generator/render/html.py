"""Content (model.py's inline nodes and blocks) as HTML: one renderer of the edition's data.

Every piece of text is escaped here; nothing else in the model is trusted. Internal links are
resolved from the chapter's link targets (links.py), prefixed with the way up to the site root.
A `View` says where content is shown: the page's root, the chapter's link targets, and whether
ids may be written (the text of a note appears twice, in its popover and in the notes list, and
an id must stand once on a page).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it.common.utils import escapeHtml as esc

from generator.compounds import SOFT_HYPHEN
from generator.labels import GERMAN
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
    marks: bool = True                    # page marks as links (a sidenote, hidden from assistive tools, has no links)
    words: dict[str, str] = field(default_factory=lambda: GERMAN)  # the interface's (labels.py)
    split: Callable[[str], str] | None = None  # marks compound boundaries for search (compounds.py)


# Where a compound's parts meet, for the search index only: Pagefind splits a word at ASCII
# punctuation and indexes the parts and the whole ("Sicherheits^politik": sicherheits, politik,
# sicherheitspolitik). The element is `hidden`: not shown, not copied, not read aloud, and the
# line still breaks as the browser's hyphenation wants. (A soft hyphen, which Pagefind 1.5 does
# not split at, would be copied and would switch that hyphenation off.) The search script takes
# the "^" out of result excerpts.
COMPOUND_JOINT = '<span hidden>^</span>'


def text_only(words: dict[str, str]) -> View:
    """Titles in tables of contents: no links, no ids, no note references."""
    return View(links=None, ids=False, notes=False, words=words)


def inline(content: tuple[Inline, ...], view: View) -> str:
    return "".join(_node(node, view) for node in content)


def _node(node: Inline, view: View) -> str:
    if isinstance(node, Text):
        if not view.split:
            return esc(node.text)
        # the splitter marks boundaries with soft hyphens; a soft hyphen of the source's own stays one
        return SOFT_HYPHEN.join(esc(view.split(part)).replace(SOFT_HYPHEN, COMPOUND_JOINT)
                                for part in node.text.split(SOFT_HYPHEN))
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
        name = esc(view.words["note"].format(label=node.label))
        return (f'<button type="button" class="fnref"{own} popovertarget="fnpop-{anchor}" '
                f'aria-label="{name}" data-pagefind-ignore><sup>{label}</sup></button>')
    if isinstance(node, PageStart):
        return page_mark(node.page, view)
    if isinstance(node, Link):
        if view.links is None:
            return inline(node.children, view)
        href = view.root + view.links[node.internal] if node.internal is not None else node.href
        title = f' title="{esc(node.title)}"' if node.title else ""
        return f'<a href="{esc(href)}"{title}>{inline(node.children, view)}</a>'
    if isinstance(node, Addition):
        return f'<span class="ed-add" title="{esc(view.words["addition"])}">[{esc(node.text)}]</span>'
    if isinstance(node, Image):
        title = f' title="{esc(node.title)}"' if node.title else ""
        return (f'<img src="{esc(view.root + node.path)}" alt="{esc(node.alt)}"{title} width="{node.width}" '
                f'height="{node.height}" loading="lazy">')
    if isinstance(node, Gap):
        lost = esc(view.words["gap"])
        if not node.note:
            return f'<span class="ed-gap" title="{lost}">[…]</span>'
        return f'<span class="ed-gap" title="{lost}">[…<span class="ed-gap-note">: {esc(node.note)}</span>]</span>'

    raise TypeError(f"no HTML for {node!r}")


def page_label(page: PageBreak, words: dict[str, str]) -> str:
    """"S. 229", "S. XII", "S. ?" as the interface's language writes it."""
    return f"{words['page']} {page.printed or '?'}"


def page_mark(page: PageBreak, view: View) -> str:
    title = view.words["page_start"] if page.known else view.words["page_start_unknown"]
    own = f' id="{page.anchor}"' if view.ids else ""
    if not view.marks:
        return f'<span class="pb-inline">|{esc(page_label(page, view.words))}|</span>'
    return (f'<span class="pb-mark" data-pagefind-ignore><span class="pb-bar" aria-hidden="true"></span>'
            f'<a class="pb"{own} href="#{page.anchor}" title="{esc(title)}">{esc(page_label(page, view.words))}</a></span>')


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
