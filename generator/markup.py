"""Markdown with the edition extensions: the parser source.py reads chapters with.

The base is markdown-it-py's CommonMark preset with raw HTML switched *off* (its default passes
`<script>` through; here a tag in a source is shown as text) and the footnote plugin of
mdit-py-plugins, whose labels we render as printed: markdown-it numbers footnotes 1, 2, 3 in order
of use, but an edition must keep the print's ⁸.

Edition markers, all written `{{name argument}}`:
  {{page 229}}     the print page 229 begins here (inline, or alone between paragraphs);
                   {{page XII}} a page of roman-numbered front matter
  {{page ?}}       a print page begins here whose number the sources do not give
  {{gap}}          text is missing here; `{{gap: note}}` adds the editor's explanation
  {{add text}}     an editorial addition, shown in square brackets
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
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


PAGE_ARG = re.compile(r"(\d{1,5}|[IVXLCDM]{1,12}|[ivxlcdm]{1,12}|\?)")  # arabic, roman, or unknown


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


def ref_id(meta: dict[str, Any]) -> str:
    """Id of a footnote reference: `fnref-8`, and `fnref-8-2` for the note's second reference."""
    anchor = label_anchor(meta["label"])
    return f"fnref-{anchor}" + (f"-{meta['subId'] + 1}" if meta.get("subId") else "")


SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
LINK_SCHEMES = ("http:", "https:", "mailto:")


def is_safe_link(url: str) -> bool:
    """Links a reader may follow: the web, mail, and addresses inside the edition. Every other
    scheme (`javascript:`, `data:`, `file:`, `vbscript:`, our own placeholder) is shown as text."""
    address = url.strip().lower()
    return not SCHEME.match(address) or address.startswith(LINK_SCHEMES)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})
    md.validateLink = is_safe_link  # type: ignore[method-assign] # markdown-it's own check lets `data:image/png` links through
    md.use(footnote_plugin)
    md.inline.ruler.before("text", "edition_marker", _marker_rule)
    return md
