"""Markdown with the edition extensions: the parser source.py reads chapters with.

The base is markdown-it-py's CommonMark preset with raw HTML switched *off* (its default passes
`<script>` through; here a tag in a source is shown as text) and the footnote plugin of
mdit-py-plugins, whose labels we render as printed: markdown-it numbers footnotes 1, 2, 3 in order
of use, but an edition must keep the print's ⁸.

Edition markers, all written `{{name argument}}`:
  {{page 229}}     the print page 229 begins here (inline, or alone between paragraphs);
                   {{page XII}} a page of roman-numbered front matter
  {{page ?}}       a print page begins here whose number the sources do not give
  {{page 1 Titelei}} page 1 of a sequence numbered apart (a book whose numbering restarts: its
                   front matter numbered 1, 2, then the body from 1 again); the word names it
  {{gap}}          text is missing here; `{{gap: note}}` adds the editor's explanation
  {{add text}}     an editorial addition, shown in square brackets

Notes: `[^8]` refers to the print's note 8 (`[^8]: …`); `[^+quelle]` to an editor's note
(`[^+quelle]: …`), which never takes a print number.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.footnote import footnote_plugin

MARKER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
LITERAL = re.compile(r"([\\`*_\[\]<>{}|~#])")


def literal(text: str) -> str:
    """Text written into a source so that it reads as itself: no emphasis, links, HTML, ids or
    edition markers from a printed page (what ingest writes)."""
    return LITERAL.sub(r"\\\1", text)


def literal_start(text: str) -> str:
    """A paragraph's text that must not open a list, a quote, a heading or a rule ("6. Neue",
    "- Ende", "> x"): its first mark escaped."""
    text = re.sub(r"^(\d+)([.)])(?=\s|$)", r"\1\\\2", text)
    return re.sub(r"^([#>+=-])", r"\\\1", text)


# arabic, roman, or unknown; a known number may name the sequence it belongs to ("1 Titelei": a
# numbering that restarts is a sequence of its own, so that its "1" is not the body's "1")
PAGE_ARG = re.compile(r"(?:(\d{1,5}|[IVXLCDM]{1,12}|[ivxlcdm]{1,12})(?: ([^\W\d_][\w-]{0,39}))?|\?)")


def label_anchor(label: str) -> str:
    """An id-safe, stable form of a footnote label, one to one ("8" → "8", "*" → "_2a_", and
    "u2a" stays "u2a"): two labels never share an id."""
    return re.sub(r"[^0-9A-Za-z-]", lambda m: f"_{ord(m.group()):x}_", label)


def parse_marker(body: str) -> tuple[str, str] | None:
    """`page 229` → ("page", "229"); returns None for an unknown marker."""
    name, _, arg = body.partition(" ")
    name, arg = name.removesuffix(":"), arg.strip()
    if name == "gap":
        return ("gap", arg)
    if name == "page" and PAGE_ARG.fullmatch(arg):
        return ("page", arg)
    if name == "add" and arg:
        return ("add", arg)
    return None


def _marker_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("{{", state.pos):
        return False
    m = MARKER.match(state.src, state.pos)
    if not m:
        return False
    if not silent:
        token = state.push("edition_marker", "", 0)
        parsed = parse_marker(m.group(1))
        token.content = m.group(0)
        token.meta = {"kind": parsed[0], "arg": parsed[1]} if parsed else {"kind": "unknown", "arg": m.group(1)}
    state.pos = m.end()
    return True


# An editor's note: `[^+quelle]` in the text, `[^+quelle]: …` below. Its label never is a print
# number (ingest writes only printed marks, values.NOTE_LABEL, none of which begins with "+");
# the reader sees it as a letter (a, b, c … in each chapter, in the order of first reference),
# in a list of its own, with ids of its own ("ed-quelle", never "fn-…").
EDITORIAL = "+"


def is_editorial(label: str) -> bool:
    return label.startswith(EDITORIAL)


def note_kind(label: str) -> str:
    """The ids' prefix of a note: "fn" (the print's), "ed" (the editor's)."""
    return "ed" if is_editorial(label) else "fn"


def note_anchor(label: str) -> str:
    """The id-safe part of a note's ids: the print label's (`label_anchor`), or the editor's
    note's name ("+quelle" → "quelle"): with the kind before it, one to one."""
    return label_anchor(label[1:] if is_editorial(label) else label)


def note_id(label: str) -> str:
    """The id of a note in the notes list (and TEI's xml:id): "fn-8", "ed-quelle"."""
    return f"{note_kind(label)}-{note_anchor(label)}"


def popover_id(label: str) -> str:
    """The id of a note's popover: "fnpop-8", "edpop-quelle"."""
    return f"{note_kind(label)}pop-{note_anchor(label)}"


def ref_id(meta: dict[str, Any]) -> str:
    """Id of a footnote reference: `fnref-8`, and `fnref-8-2` for the note's second reference
    (an editor's note's: `edref-quelle`)."""
    label = meta["label"]
    return f"{note_kind(label)}ref-{note_anchor(label)}" + (f"-{meta['subId'] + 1}" if meta.get("subId") else "")


def editorial_mark(index: int) -> str:
    """The letter of a chapter's `index`-th editor's note (from 0): a … z, then aa, ab …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
LINK_SCHEMES = ("http:", "https:", "mailto:")


def is_safe_link(url: str) -> bool:
    """Links a reader may follow: the web, mail, and addresses inside the edition. Every other
    scheme (`javascript:`, `data:`, `file:`, `vbscript:`, our own placeholder) is shown as text."""
    address = url.strip().lower()
    return not SCHEME.match(address) or address.startswith(LINK_SCHEMES)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False}).enable("table")
    md.validateLink = is_safe_link  # type: ignore[method-assign] # markdown-it's own check lets `data:image/png` links through
    md.use(footnote_plugin)
    md.inline.ruler.before("text", "edition_marker", _marker_rule)
    md.core.ruler.before("text_join", "edition_dangling", _dangling_rule)
    return md


DANGLING_REF = re.compile(r"\[\^([^\]\s]+)\]")


def _dangling_rule(state: StateCore) -> None:
    """A `[^8]` the footnote rule left as text (no note `[^8]: …`) noted in `env["dangling"]`
    as (line from 1, label), looked for before escapes are joined to the text around them: the
    `\\[^…\\]` of a printed regular expression is text, as written."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "text" and (m := DANGLING_REF.search(child.content)):
                    state.env.setdefault("dangling", []).append(((token.map or [0])[0] + 1, m.group(1)))
