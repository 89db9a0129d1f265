"""Chapter sources (Markdown + edition markers) → the Edition model, with every problem listed.

A chapter file starts with `# Chapter title`; each `##`/`###` heading opens a section whose id
comes from its printed number ("6.1." → `s6-1`), never from its wording, so citations survive an
editor's correction of a heading. An unnumbered heading needs an explicit `{#id}`.
"""
from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from pathlib import Path

from markdown_it.token import Token
from markupsafe import Markup

from generator import markup
from generator.config import Config, read_toml
from generator.diagnostics import Collector, Diagnostic
from generator.files import read_regular
from generator.model import Block, Chapter, ChapterMeta, Note, PageBreak, Section
from generator.schema import Lines, read_table

EXPLICIT_ID = re.compile(r"\s*\{#([^{}\s]*)\}\s*$")
VALID_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
NUMBER = re.compile(r"(\d+(?:\.\d+)*)\.?(?=\s)")
NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
RESERVED_SLUGS = {"static", "pagefind"}
STATIC_FOLDER = "static"  # content/static/: files published as they are
DANGLING_REF = re.compile(r"\[\^([^\]\s]+)\]")


def chapter_files(config: Config) -> list[Path]:
    """Every *.md under the content folder (minus `exclude`), in `order` first, then by path.
    Hidden files and folders (editor backups, .git) are not chapters, nor is `static/`."""
    found = [path for path in _walk(config.root, skip=(STATIC_FOLDER,)) if path.endswith(".md")]
    excluded = set()
    for pattern in config.content.exclude:
        excluded.update(fnmatch.filter(found, pattern))
    rank = {name: i for i, name in enumerate(config.content.order)}
    chosen = sorted((name for name in found if name not in excluded), key=lambda n: (rank.get(n, len(rank)), n))
    return [config.root / name for name in chosen]


def static_files(config: Config) -> dict[str, Path]:
    """The files of `content/static/`, copied into the site as they are (a CNAME, a favicon,
    `.well-known/`, `.nojekyll`): site path → source file."""
    root = config.root / STATIC_FOLDER
    if not root.is_dir():
        return {}
    return {path: root / path for path in _walk(root, hidden=True)}


NEVER = {".git", ".hg", ".svn", ".DS_Store", "Thumbs.db"}  # version control and desktop litter


def _walk(root: Path, skip: tuple[str, ...] = (), hidden: bool = False) -> list[str]:
    """Regular files under `root` as posix paths relative to it, without `skip` (at the top)
    and hidden names (unless `hidden`). Linked folders are not entered (a link can loop), and
    anything but a regular file is left out (a FIFO or `/dev/zero` named *.md would hang a reader)."""
    def wanted(name: str) -> bool:
        return name not in NEVER and (hidden or not name.startswith("."))

    found: list[str] = []
    folders = [("", str(root))]
    while folders:  # scandir knows each entry's type without a system call per file
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not wanted(entry.name):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if not (not prefix and entry.name in skip):
                        folders.append((prefix + entry.name + "/", entry.path))
                elif _is_file(entry):
                    found.append(prefix + entry.name)
    return found


def _is_file(entry: os.DirEntry) -> bool:
    """A regular file, or a link to one (a link to anything else, or to itself, is not)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def check_edition(config: Config, chapters: list[Chapter], problems: Collector) -> None:
    """What no single chapter can know: the book has chapters, order names files, slugs are unique."""
    if not chapters and not problems.errors:
        problems.error(config.root, None, "no chapter files (*.md) in the content folder")
    for name in config.content.order:
        if not (config.root / name).is_file():
            problems.error(config.path, None, f"content.order names '{name}', which does not exist")
    slugs: dict[str, Path] = {}
    for chapter in chapters:
        if chapter.slug in RESERVED_SLUGS:
            problems.error(chapter.path, None, f"a chapter file may not be named '{chapter.slug}' "
                           f"(the site uses the folders {', '.join(sorted(RESERVED_SLUGS))})")
        if chapter.slug in slugs:
            problems.error(chapter.path, None, f"duplicate chapter slug '{chapter.slug}' (also {slugs[chapter.slug]})")
        slugs.setdefault(chapter.slug, chapter.path)


def slug_of(path: Path) -> str:
    """The chapter's folder in the site, from its file name alone ("Kapitel 1.md" → "kapitel-1")."""
    return re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "kapitel"


def load_chapter(path: Path) -> tuple[Chapter | None, list[Diagnostic]]:
    """One chapter file → its model and its own problems (cacheable: depends on the file alone)."""
    problems = Collector()
    try:
        data = read_regular(path)
    except OSError as exc:
        problems.error(path, None, f"cannot read: {exc.strerror or exc}")
        return None, problems.items
    return parse_chapter(path, data, problems), problems.items


def parse_chapter(path: Path, data: bytes, problems: Collector) -> Chapter | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    slug = slug_of(path)
    meta, text = front_matter(path, text, problems)
    env: dict = {}
    tokens = markup.parser().parse(text, env)
    builder = _ChapterBuilder(path, slug, problems, env)
    builder.walk(tokens)
    notes = _notes(path, tokens, env, problems)
    _check_note_use(path, text, builder, notes, problems)
    if builder.title is None:
        problems.error(path, 1, "a chapter file must start with its title as '# Title'")
        return None
    for section in builder.sections:
        section.seal()
    anchors = _anchors(builder.sections, notes)
    return Chapter(slug=slug, path=path, title=builder.title[0], title_html=builder.title[1],
                   sections=builder.sections, notes=notes, page_breaks=builder.page_breaks,
                   digest=hashlib.blake2b(data, digest_size=16).hexdigest(),
                   anchors=anchors, links=env.get("links", []), meta=meta,
                   anchors_digest=hashlib.blake2b(repr((slug, sorted(anchors.items()))).encode(), digest_size=16).hexdigest())


FRONT_MATTER = "+++"


def front_matter(path: Path, text: str, problems: Collector) -> tuple[ChapterMeta, str]:
    """The chapter's front matter (TOML between two `+++` lines at the very top) and the text
    with it blanked out, so that every later line keeps its number."""
    lines = text.split("\n")
    if lines[0].rstrip() != FRONT_MATTER:
        return ChapterMeta(), text
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == FRONT_MATTER), None)
    if end is None:
        problems.error(path, 1, f"front matter not closed: a line '{FRONT_MATTER}' must end it")
        return ChapterMeta(), text
    toml = "\n".join(lines[1:end])
    data = read_toml(path, toml, problems, offset=1)
    meta = read_table(ChapterMeta, data, path, Lines(toml, offset=1), problems, noun="front matter key") \
        if data is not None else ChapterMeta()
    return meta, "\n" * (end + 1) + "\n".join(lines[end + 1:])


def _anchors(sections: list[Section], notes: dict[str, Note]) -> dict[str, str]:
    """Every id a link may point at, and the section page it is on."""
    found: dict[str, str] = {}
    for section in sections:
        found.setdefault(section.id, section.id)
        for block in section.blocks:
            for anchor in (block.anchor, *(p.anchor for p in block.pages)):
                if anchor:
                    found.setdefault(anchor, section.id)
            for label, ref in block.note_refs:
                found.setdefault(ref, section.id)
                if label in notes:
                    found.setdefault(f"fn-{notes[label].anchor}", section.id)
    return found


class _ChapterBuilder:
    """Walks the top-level tokens once: headings open sections, blocks are numbered and paged."""

    def __init__(self, path: Path, slug: str, problems: Collector, env: dict):
        self.path, self.slug, self.problems, self.env = path, slug, problems, env
        self.title: tuple[str, Markup] | None = None
        self.sections: list[Section] = []
        self.page_breaks: list[PageBreak] = []
        self.last_known: int | None = None  # the last numbered print page so far
        self.unknown_pages = 0  # page markers without a number so far
        self.paragraphs = 0  # paragraphs in the current section (counted: a book may have 100,000)
        self.current_page: PageBreak | None = None
        self.pending: list[Block] = []  # page markers standing before the first section
        self.ids: dict[str, int] = {}

    def claim_id(self, anchor: str, line: int) -> None:
        if anchor in self.ids:
            self.problems.error(self.path, line, f"duplicate id '{anchor}' (first used on line {self.ids[anchor]})")
        else:
            self.ids[anchor] = line

    def walk(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "footnote_block_open":
                break  # notes are read by _notes()
            end = _block_end(tokens, i)
            line = token.map[0] + 1 if token.map else 0
            self.env["line"] = line  # for links found while rendering this block
            if token.type == "heading_open":
                self.heading(token, tokens[i + 1], line)
            elif token.type == "paragraph_open" and token.level == 0:
                self.paragraph(tokens[i + 1], line)
            else:
                self.add(Block("other", markup.render_blocks(tokens[i:end + 1], self.env), line))
            i = end + 1

    def heading(self, open_token: Token, inline: Token, line: int) -> None:
        level = int(open_token.tag[1])
        children = inline.children or []
        explicit = None
        if children and children[-1].type == "text" and (m := EXPLICIT_ID.search(children[-1].content)):
            explicit = m.group(1)
            children[-1].content = children[-1].content[: m.start()]
        self.check_markers(children, line, allowed={"add"})
        text = markup.plain_text(children)
        html = markup.render_inline(children, self.env)
        if level == 1:
            if self.title is not None or self.sections:
                self.problems.error(self.path, line, "only one '# Title' per chapter; sections use '##' and deeper")
            self.title = (text, html)
            return
        number_match = NUMBER.match(text + " ")
        number = number_match.group(1) if number_match else ""
        anchor = explicit or ("s" + number.replace(".", "-") if number else "")
        if explicit is not None and not VALID_ID.fullmatch(explicit):
            self.problems.error(self.path, line, f"invalid id '{{#{explicit}}}': use a letter, then letters, digits, '-' or '_'")
        if not anchor:
            self.problems.error(self.path, line, f"heading '{text}' has no number: give it an explicit id, e.g. '{{#vorwort}}'")
            anchor = f"line-{line}"
        self.claim_id(anchor, line)
        self.sections.append(Section(id=anchor, number=number, title_html=html, title_text=text,
                                     level=level, line=line, blocks=self.pending))
        self.pending = []
        self.paragraphs = 0

    def paragraph(self, inline: Token, line: int) -> None:
        children = inline.children or []
        self.check_markers(children, line, allowed={"page", "add", "gap"})
        first = self.current_page
        seen_text = False
        pages = []
        for child in children:
            if child.type == "edition_marker" and child.meta["kind"] == "page":
                page = self.page_break(child, line)
                pages.append(page)
                if not seen_text:
                    first = page  # the paragraph begins on the new page
            seen_text = seen_text or _is_reading_text(child)
        markers = [c for c in children if c.type == "edition_marker"]
        notes = tuple((c.meta["label"], markup.ref_id(c.meta)) for c in children if c.type == "footnote_ref")
        html = markup.render_inline(children, self.env)
        kind = "paragraph"
        if not seen_text and markers and all(m.meta["kind"] == "page" for m in markers):
            kind = "pagebreak"
        elif not seen_text and len(markers) == 1 and markers[0].meta["kind"] == "gap":
            kind, html = "gap", Markup(markup.escape(markers[0].meta["arg"]))
        self.add(Block(kind, html, line, first_page=first, last_page=self.current_page, note_refs=notes,
                       pages=tuple(pages)))

    def page_break(self, marker: Token, line: int) -> PageBreak:
        arg = marker.meta["arg"]
        number = int(arg) if arg.isdigit() else None
        if number is not None and self.last_known is not None and number <= self.last_known:
            self.problems.error(self.path, line,
                                f"page marker {{{{page {number}}}}} out of order (after page {self.last_known})")
        if number is None:
            self.unknown_pages += 1
        else:
            self.last_known = number
        anchor = f"seite-{number}" if number is not None else f"seite-unbekannt-{self.unknown_pages}"
        self.claim_id(anchor, line)
        marker.meta["anchor"] = anchor
        page = PageBreak(number, anchor)
        self.page_breaks.append(page)
        self.current_page = page
        return page

    def check_markers(self, children: list[Token], line: int, allowed: set[str]) -> None:
        for child in children:
            if child.type != "edition_marker":
                continue
            kind = child.meta["kind"]
            if kind == "unknown":
                self.problems.error(self.path, line, f"unknown edition marker '{child.content}' "
                                    "(known: {{page N}}, {{page ?}}, {{gap}}, {{gap: note}}, {{add text}})")
            elif kind not in allowed:
                self.problems.error(self.path, line, f"'{child.content}' is not allowed here")
        for child in children:
            if child.type == "text" and (m := DANGLING_REF.search(child.content)):
                self.problems.error(self.path, line, f"footnote reference [^{m.group(1)}] has no note '[^{m.group(1)}]: …'")

    def add(self, block: Block) -> None:
        if not self.sections:
            if block.kind != "pagebreak":
                self.problems.error(self.path, block.line, "text before the first section heading: "
                                    "give it a heading (an editorial one if the print has none: '## {{add …}} {#id}')")
            self.pending.append(block)
            return
        section = self.sections[-1]
        if block.kind == "paragraph":
            self.paragraphs += 1
            block.number = self.paragraphs
            block.anchor = f"{section.id}-p{block.number}"
            self.claim_id(block.anchor, block.line)
        section.blocks.append(block)


def _is_reading_text(token: Token) -> bool:
    """Anything but an edition marker or blank space: a note reference counts as text."""
    if token.type == "edition_marker":
        return False
    return not (token.type in ("text", "softbreak") and not token.content.strip())


def _block_end(tokens: list[Token], start: int) -> int:
    """Index of the token closing the top-level block that starts at `start`."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _notes(path: Path, tokens: list[Token], env: dict, problems: Collector) -> dict[str, Note]:
    """The footnotes, keyed by their print label, rendered as inline HTML (one line per paragraph)."""
    notes: dict[str, Note] = {}
    label: str | None = None
    parts: list[Markup] = []
    texts: list[str] = []
    line = 0
    for token in tokens:
        if token.type == "footnote_open":
            label, parts, texts, line = token.meta["label"], [], [], 0
        elif token.type == "inline" and label is not None:
            line = line or (token.map[0] + 1 if token.map else 0)
            env["line"] = token.map[0] + 1 if token.map else line
            children = [c for c in token.children or [] if c.type != "footnote_anchor"]
            parts.append(markup.render_inline(children, env))
            texts.append(markup.plain_text(children))
        elif token.type == "footnote_close" and label is not None:
            notes[label] = Note(label, markup.label_anchor(label), Markup("<br>").join(parts), " ".join(texts), line)
            label = None
    return notes


def _check_note_use(path: Path, text: str, builder: _ChapterBuilder, notes: dict[str, Note], problems: Collector) -> None:
    defined: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if m := NOTE_DEF.match(line):
            if m.group(1) in defined:
                problems.error(path, number, f"note [^{m.group(1)}] defined twice (first on line {defined[m.group(1)]})")
            defined.setdefault(m.group(1), number)
    for label, number in defined.items():
        if label not in notes:
            problems.error(path, number, f"note [^{label}] is never referenced in the text")
