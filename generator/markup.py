"""Markdown with the edition extensions, rendered to escaped HTML fragments.

The base is markdown-it-py's CommonMark preset with raw HTML switched *off* (its default passes
`<script>` through; here a tag in a source is shown as text) and the footnote plugin of
mdit-py-plugins, whose labels we render as printed: markdown-it numbers footnotes 1, 2, 3 in order
of use, but an edition must keep the print's ⁸.

Edition markers, all written `{{name argument}}`:
  {{page 229}}     the print page 229 begins here (inline, or alone between paragraphs)
  {{page ?}}       a print page begins here whose number the sources do not give
  {{gap}}          text is missing here; `{{gap: note}}` adds the editor's explanation
  {{add text}}     an editorial addition, shown in square brackets
"""
from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.footnote import footnote_plugin

MARKER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
PAGE_ARG = re.compile(r"(\d{1,5}|\?)")


def label_anchor(label: str) -> str:
    """An id-safe, stable form of a footnote label ("8" → "8", "*" → "u2a")."""
    return re.sub(r"[^0-9A-Za-z_-]", lambda m: f"u{ord(m.group()):x}", label)


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


def _render_marker(self, tokens: list[Token], idx: int, options, env) -> str:
    meta = tokens[idx].meta
    kind, arg = meta["kind"], meta["arg"]
    if kind == "page":
        anchor = meta.get("anchor", "")
        label = f"S. {arg}"
        title = "Beginn der Druckseite" if arg != "?" else "Beginn einer Druckseite, Seitenzahl unbekannt"
        return (f'<span class="pb-mark" data-pagefind-ignore><span class="pb-bar" aria-hidden="true"></span>'
                f'<a class="pb" id="{anchor}" href="#{anchor}" title="{title}">{escape(label)}</a></span>')
    if kind == "add":
        return (f'<span class="ed-add" title="Ergänzung der Herausgabe">[{escape(arg)}]</span>')
    if kind == "gap":
        return '<span class="ed-gap" title="Textverlust">[…]</span>'
    return escape(tokens[idx].content)


def ref_id(meta: dict) -> str:
    """Id of a footnote reference: `fnref-8`, and `fnref-8-2` for the note's second reference."""
    anchor = label_anchor(meta["label"])
    return f"fnref-{anchor}" + (f"-{meta['subId'] + 1}" if meta.get("subId") else "")


def _render_footnote_ref(self, tokens: list[Token], idx: int, options, env) -> str:
    meta = tokens[idx].meta
    anchor = label_anchor(meta["label"])
    return (f'<button type="button" class="fnref" id="{ref_id(meta)}" popovertarget="fnpop-{anchor}" '
            f'aria-label="Anmerkung {escape(meta["label"])}" data-pagefind-ignore>'
            f'<sup>{escape(meta["label"])}</sup></button>')


SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
INTERNAL_PREFIX = "edition-link:"


def _render_link_open(self, tokens: list[Token], idx: int, options, env) -> str:
    """A link into the edition (`#s6-1`, `other.md#seite-230`) is recorded in `env["links"]`
    and written as a placeholder the page renderer resolves: which page holds an anchor is
    known only once every chapter is loaded. Links to other sites stay as written."""
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if not SCHEME.match(href) and not href.startswith("//"):
        links = env.setdefault("links", [])
        token.attrSet("href", f"{INTERNAL_PREFIX}{len(links)}")
        links.append((href, env.get("line", 0)))
    return self.renderToken(tokens, idx, options, env)


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
    # Images would load files the edition does not own, possibly from other hosts.
    md.disable("image")
    md.inline.ruler.before("text", "edition_marker", _marker_rule)
    md.add_render_rule("edition_marker", _render_marker)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    md.add_render_rule("link_open", _render_link_open)
    return md


def render_inline(children: list[Token], env: dict) -> Markup:
    md = parser()
    return Markup(md.renderer.renderInline(children, md.options, env))  # type: ignore[attr-defined]


def render_blocks(tokens: list[Token], env: dict) -> Markup:
    md = parser()
    return Markup(md.renderer.render(tokens, md.options, env))


def plain_text(children: list[Token]) -> str:
    """The reading text of inline tokens, for titles, citations and metadata."""
    parts = []
    for t in children:
        if t.type in ("text", "code_inline"):
            parts.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif t.type == "edition_marker" and t.meta["kind"] == "add":
            parts.append(f"[{t.meta['arg']}]")
        elif t.type == "edition_marker" and t.meta["kind"] == "gap":
            parts.append("[…]")
    return re.sub(r"\s+", " ", "".join(parts)).strip()
