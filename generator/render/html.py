"""Content (model.py's inline nodes and blocks) as HTML: one renderer of the edition's data.

Every piece of text is escaped here; nothing else in the model is trusted. Internal links are
resolved from the chapter's link targets (links.py), prefixed with the way up to the site root.
A `View` says where content is shown: the page's root, the chapter's link targets, and whether
ids may be written (the text of a note appears twice, in its popover and in the notes list, and
an id must stand once on a page).
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from markdown_it.common.utils import escapeHtml as esc

from generator.compounds import SOFT_HYPHEN
from generator.labels import GERMAN
from generator.markup import popover_id
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
    addresses: bool = True                # an address in the text ("https://…") is a link
    focusable: bool = True                # links reachable by keyboard (False in a copy hidden from assistive tools)


# Where a compound's parts meet, for the search index only: Pagefind splits a word at ASCII
# punctuation and indexes the parts and the whole ("Sicherheits^politik": sicherheits, politik,
# sicherheitspolitik). The element is `hidden`: not shown, not copied, not read aloud, and the
# line still breaks as the browser's hyphenation wants. (A soft hyphen, which Pagefind 1.5 does
# not split at, would be copied and would switch that hyphenation off.) The search script takes
# the "^" out of result excerpts.
COMPOUND_JOINT = '<span hidden>^</span>'


def text_only(words: dict[str, str]) -> View:
    """Titles in tables of contents: no links, no ids, no note references."""
    return View(links=None, ids=False, notes=False, words=words, addresses=False)


# An address written out in the text ("online: https://…", "mailto:…") is a link: a book's notes
# cite web pages as plain text, and the reader expects to follow them. Only the schemes a
# source's own links may have (markup.LINK_SCHEMES); anything else stays text.
ADDRESS = re.compile(r"(?<![\w/])(?:https?://[^\s<>\"\\^`{|}]+|mailto:[^\s<>\"\\^`{|}]+@[^\s<>\"\\^`{|}]+)",
                     re.IGNORECASE)
CLOSING = {")": "(", "]": "[", "}": "{"}
# Where a long address may break (after "//", before a slash, a dot, "?", "#", "&", "="): a
# `<wbr>` is no character, so a copied address stays whole.
BREAK_BEFORE = re.compile(r"(?<=[^/:])(?=[/.?#&=_~])|(?<=//)(?=.)")


def _trimmed(candidate: str) -> str:
    """An address without the punctuation that ends the sentence around it ("….html)." → "….html"),
    keeping a closing bracket the address opened itself (Wikipedia's "…_(Band)")."""
    while candidate and candidate[-1] in ".,;:!?'\"»«“”‘’„)]}":
        last = candidate[-1]
        if last in CLOSING and candidate.count(CLOSING[last]) >= candidate.count(last):
            break
        candidate = candidate[:-1]
    return candidate


def breakable(text: str) -> str:
    """An address, escaped, with break opportunities where a typesetter breaks one."""
    return "<wbr>".join(esc(part) for part in BREAK_BEFORE.split(text))


def printed_lines(lines: Sequence[tuple[str, str, tuple[tuple[int, int], ...]]], unsure: str) -> list[str]:
    """A page's printed lines, each `(text, role, unsure spans)`, as HTML: the words an OCR
    engine was unsure of marked (titled `unsure`), the addresses links. An address the print
    broke over lines links each of its parts to the whole: it goes on where it runs to its
    line's end and the next line of the same kind begins with what can only be more of it."""
    links: list[list[tuple[int, int, str]]] = [[] for _ in lines]
    for i, (text, role, _) in enumerate(lines):
        for match in ADDRESS.finditer(text):
            if any(start <= match.start() < end for start, end, _ in links[i]):
                continue   # the continuation of one from the line above
            parts, whole, j = [(i, match.start(), match.end())], match.group(), i
            while (parts[-1][2] == len(lines[j][0].rstrip()) and j + 1 < len(lines) and lines[j + 1][1] == role
                   and (piece := _continuation(whole, lines[j + 1][0]))):
                j += 1
                whole += piece
                parts.append((j, 0, len(piece)))
            address = _trimmed(whole)
            if "://" in address and not address.split("://", 1)[1]:
                continue
            cut = len(whole) - len(address)   # the sentence's punctuation after it, on its last line
            last = parts[-1]
            parts[-1] = (last[0], last[1], last[2] - cut)
            for k, start, end in parts:
                if end > start:
                    links[k].append((start, end, address))
    return [_printed_line(text, spans, links[i], unsure) for i, (text, _, spans) in enumerate(lines)]


# What a line must begin with to continue an address from the line above: characters an address
# has, no raised note number (a new note), and a sign that it is an address's part (a path, a
# query, a file name) unless the address above stops where it cannot end ("/", "?", "=", "-"…).
_PIECE = re.compile(r"[A-Za-z0-9\-._~/?#\[\]@!$&'()*+,;=%:]+")
_OPEN_END = tuple("/?&=-_.#%:")


def _continuation(address: str, line: str) -> str:
    piece = _PIECE.match(line)
    if piece is None:
        return ""
    text = piece.group()
    if address.endswith(_OPEN_END) or re.search(r"[/?=&#]|\.[A-Za-z]{2,5}\b", _trimmed(text)):
        return text
    return ""


def _printed_line(text: str, unsure: tuple[tuple[int, int], ...], links: list[tuple[int, int, str]], title: str) -> str:
    cuts = sorted({0, len(text), *(x for span in unsure for x in span), *(x for s, e, _ in links for x in (s, e))})
    out, open_href = [], None
    for start, end in itertools.pairwise(cuts):
        href = next((h for s, e, h in links if s <= start < e), None)
        if href != open_href:
            if open_href is not None:
                out.append("</a>")
            if href is not None:
                out.append(f'<a class="url" href="{esc(href)}">')
            open_href = href
        piece = esc(text[start:end])
        if any(s <= start < e for s, e in unsure):
            piece = f'<mark class="dl-unsure" title="{esc(title)}">{piece}</mark>'
        out.append(piece)
    if open_href is not None:
        out.append("</a>")
    return "".join(out)


def _text(text: str, view: View) -> str:
    """Text with the addresses in it as links (or, where there may be no link, breakable)."""
    if ":" not in text:  # every address has one (`https://`, `mailto:`): most text, at once
        return _words(text, view)
    out, at = [], 0
    for match in ADDRESS.finditer(text):
        address = _trimmed(match.group())
        if "://" in address and not address.split("://", 1)[1]:
            continue
        out.append(_words(text[at:match.start()], view))
        if view.addresses:
            focus = "" if view.focusable else ' tabindex="-1"'
            out.append(f'<a class="url" href="{esc(address)}"{focus}>{breakable(address)}</a>')
        else:
            out.append(f'<span class="url">{breakable(address)}</span>')
        at = match.start() + len(address)
    out.append(_words(text[at:], view))
    return "".join(out)


def _words(text: str, view: View) -> str:
    if not view.split:
        return esc(text)
    # the splitter marks boundaries with soft hyphens; a soft hyphen of the source's own stays one
    return SOFT_HYPHEN.join(esc(view.split(part)).replace(SOFT_HYPHEN, COMPOUND_JOINT)
                            for part in text.split(SOFT_HYPHEN))


# Between two note references with nothing between them ("⁸ᵃ", "7 8"): a separation the eye
# sees, and a screen reader need not say (each reference is a button with its name).
NOTE_SEPARATOR = '<span class="fnsep" aria-hidden="true">,</span>'

# A note reference stays on the line of the word it follows: a line must not begin with a lone
# "13" (seen on phones). The word and its references are kept together; a long word (an address)
# is left free to break, or it would run out of a narrow column.
_LAST_WORD = re.compile(r"\S{1,30}$")


def inline(content: tuple[Inline, ...], view: View) -> str:
    out: list[str] = []
    i = 0
    while i < len(content):
        node = content[i]
        following = i + 1 < len(content) and isinstance(content[i + 1], NoteRef) and view.notes
        last = _LAST_WORD.search(node.text) if following and isinstance(node, Text) else None
        if last is None or ADDRESS.search(last.group()) or ":" in last.group():
            if view.notes and isinstance(node, NoteRef) and i and isinstance(content[i - 1], NoteRef):
                out.append(NOTE_SEPARATOR)
            out.append(_node(node, view))
            i += 1
            continue
        assert isinstance(node, Text)
        out.append(_text(node.text[:last.start()], view))
        refs: list[str] = []
        i += 1
        while i < len(content) and isinstance(content[i], NoteRef):
            if refs:
                refs.append(NOTE_SEPARATOR)
            refs.append(_node(content[i], view))
            i += 1
        out.append(f'<span class="fnword">{_text(last.group(), view)}{"".join(refs)}</span>')
    return "".join(out)


def _node(node: Inline, view: View) -> str:
    if isinstance(node, Text):
        return _text(node.text, view)
    if isinstance(node, Styled):
        return f"<{node.style}>{inline(node.children, view)}</{node.style}>"
    if isinstance(node, Code):
        return f"<code>{esc(node.text)}</code>"
    if isinstance(node, LineBreak):
        return "<br />\n"
    if isinstance(node, NoteRef):
        if not view.notes:
            return ""
        own = f' id="{esc(node.ref_id)}"' if view.ids else ""
        if node.silent:   # the print shows no reference: only the place the notes list links back to
            return f'<span class="fnref-silent"{own}></span>' if own else ""
        kind = ' class="fnref edref"' if node.editorial else ' class="fnref"'
        name = esc(view.words["editor_note" if node.editorial else "note"].format(label=node.shown))
        return (f'<button type="button"{kind}{own} popovertarget="{popover_id(node.label)}" '
                f'aria-label="{name}" data-pagefind-ignore><sup>{esc(node.shown)}</sup></button>')
    if isinstance(node, PageStart):
        return page_mark(node.page, view)
    if isinstance(node, Link):
        if view.links is None:
            return inline(node.children, view)
        href = view.root + view.links[node.internal] if node.internal is not None else node.href
        title = f' title="{esc(node.title)}"' if node.title else ""
        focus = "" if view.focusable else ' tabindex="-1"'
        return f'<a href="{esc(href)}"{title}{focus}>{inline(node.children, replace(view, addresses=False))}</a>'
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
    """"S. 229", "S. XII", "S. ?" as the interface's language writes it: the margin's mark, the
    print's number alone."""
    return f"{words['page']} {page.printed or '?'}"


def sequence_apart(label: str) -> str:
    """A recorded page's label as a reader is shown it: "1 Titelei" as "1 (Titelei)"."""
    number, _, sequence = label.partition(" ")
    return f"{number} ({sequence})" if sequence else label


def page_name(page: PageBreak, words: dict[str, str]) -> str:
    """A page named where the book's pages are listed: "S. 1 (Titelei)" for a page of a
    numbering apart, which the margin gives as "S. 1" beside its pages."""
    return f"{words['page']} {sequence_apart(page.label)}" if page.printed else page_label(page, words)


def page_mark(page: PageBreak, view: View) -> str:
    title = view.words["page_start"] if page.known else view.words["page_start_unknown"]
    own = f' id="{page.anchor}"' if view.ids else ""
    if not view.marks:
        return f'<span class="pb-inline">|{esc(page_label(page, view.words))}|</span>'
    # The mark is an anchor of the search index (Pagefind records an id with its word position,
    # not inside an ignored element): a hit says on which print page it stands. Its words ("S.
    # 229") are not indexed.
    return (f'<span class="pb-mark"><span class="pb-bar" aria-hidden="true"></span>'
            f'<a class="pb"{own} href="#{page.anchor}" title="{esc(title)}">'
            f'<span data-pagefind-ignore>{esc(page_label(page, view.words))}</span></a></span>')


def blocks(content: tuple[Block, ...] | list[Block], view: View) -> str:
    """Blocks inside a quote, a list item or a note (the reading text's own paragraphs are
    wrapped with their numbers by reading.py)."""
    return "".join(block(b, view) for b in content)


def _row(row: Block, view: View) -> str:
    tag, scope = ("th", ' scope="col"') if row.kind == "head" else ("td", "")
    cells = "".join(f"<{tag}{scope}" + (f' class="align-{cell.align}"' if cell.align else "")
                    + f">{inline(cell.content, view)}</{tag}>" for cell in row.children)
    return f"<tr>{cells}</tr>\n"


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
    if item.kind == "table":
        head = "".join(_row(row, view) for row in item.children if row.kind == "head")
        body = "".join(_row(row, view) for row in item.children if row.kind == "row")
        # a wide table scrolls inside its frame on a narrow screen, the page does not (WCAG 1.4.10)
        return ('<div class="table-wrap" tabindex="0"><table>\n' + (f"<thead>\n{head}</thead>\n" if head else "")
                + (f"<tbody>\n{body}</tbody>\n" if body else "") + "</table></div>\n")
    if item.kind == "rule":
        return "<hr />\n"
    if item.kind == "figure":
        caption = f"<figcaption>{esc(item.text)}</figcaption>" if item.text else ""
        return f'<figure class="figure">{inline(item.content, view)}{caption}</figure>\n'
    raise TypeError(f"no HTML for a {item.kind!r} block")
