"""Chapter sources (Markdown + edition markers) → the Edition model, with every problem listed.

A chapter file starts with `# Chapter title`; each `##`/`###` heading opens a section whose id
comes from its printed number ("6.1." → `s6-1`), never from its wording, so citations survive an
editor's correction of a heading. An unnumbered heading takes an explicit `{#id}`, or one made
from its words (with a warning: rewording changes it).
"""
from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from generator import markup
from generator.characters import forbidden_lines
from generator.config import Config, read_toml
from generator.diagnostics import Collector, Diagnostic
from generator.files import Refused, read_regular
from generator.images import KINDS, image_size
from generator.markup import SCHEME
from generator.model import (
    INTRO,
    Addition,
    Block,
    Chapter,
    ChapterMeta,
    Code,
    Gap,
    Image,
    Inline,
    LineBreak,
    Link,
    Note,
    NoteRef,
    PageBreak,
    PageStart,
    Section,
    Styled,
    Text,
    block_refs,
    note_refs,
    notes_shown,
    plain,
    printed_number,
    unreferenced,
)
from generator.schema import Lines, read_table

EXPLICIT_ID = re.compile(r"\s*\{#([^{}\s]*)\}\s*$")
VALID_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
NUMBER = re.compile(r"(\d+(?:\.\d+)*)\.?(?=\s)")
NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
MEDIA = "media"  # the site folder of the chapters' images
RESERVED_SLUGS = {"static", "pagefind", MEDIA}
# Ids the pages use themselves (templates/): an explicit id may not take one.
RESERVED_IDS = {"inhalt", "inhalt-kapitel", "inhaltsverzeichnis", "zitieren", "editionsprinzipien", "main",
                "suche", "anmerkungen"}
STATIC_FOLDER = "static"  # content/static/: files published as they are


def chapter_files(config: Config, known: dict[str, Path] | None = None,
                  problems: Collector | None = None) -> list[Path]:
    """Every *.md under the content folder (minus `exclude`), in `order` first, then by path.
    Hidden files and folders (editor backups, .git) are not chapters, nor is `static/`.
    `known`: the paths found before, by name, taken again (making a thousand paths anew cost
    more than listing the folder; the loader keeps them). A link on the way is an error in
    `problems` (see `_walk`)."""
    excluded = config.content.exclude

    def taken(name: str, folder: bool) -> bool:  # a folder: any chapter below it would be
        return (folder or name.endswith(".md")) and not any(
            fnmatch.fnmatch(name + "/" if folder else name, pattern) for pattern in excluded)

    found = [path for path in _walk(config.root, problems, taken, skip=(STATIC_FOLDER,)) if path.endswith(".md")]
    excluded_names = set()
    for pattern in excluded:
        excluded_names.update(fnmatch.filter(found, pattern))
    rank = {name: i for i, name in enumerate(config.content.order)}
    chosen = sorted((name for name in found if name not in excluded_names), key=lambda n: (rank.get(n, len(rank)), n))
    known = {} if known is None else known
    return [known.get(name) or known.setdefault(name, config.root / name) for name in chosen]


def static_files(config: Config, problems: Collector | None = None) -> dict[str, Path]:
    """The files of `content/static/`, copied into the site as they are (a CNAME, a favicon,
    `.well-known/`, `.nojekyll`): site path → source file. A link, there or on the way, is an
    error in `problems` (a link to a file outside would publish it)."""
    root = config.root / STATIC_FOLDER
    try:
        info = root.lstat()
    except FileNotFoundError:
        return {}
    if stat.S_ISLNK(info.st_mode):
        _refuse(problems, root, "a symbolic link")
        return {}
    if not stat.S_ISDIR(info.st_mode):
        return {}
    return {path: root / path for path in _walk(root, problems, lambda name, folder: True, hidden=True)}


NEVER = {".git", ".hg", ".svn", ".DS_Store", "Thumbs.db"}  # version control and desktop litter


def _walk(root: Path, problems: Collector | None, taken: Callable[[str, bool], bool], skip: tuple[str, ...] = (),
          hidden: bool = False) -> list[str]:
    """Regular files under `root` as posix paths relative to it, without `skip` (at the top)
    and hidden names (unless `hidden`). No link is followed: a link the build would take
    (`taken(path, is_folder)`: a chapter's name, a folder that may hold chapters) is an error
    naming it, as is a FIFO or a device it would read (`/dev/zero` named *.md would hang a
    reader); what it would not take is left alone."""
    def wanted(name: str) -> bool:
        return name not in NEVER and (hidden or not name.startswith("."))

    found: list[str] = []
    folders = [("", str(root))]
    while folders:  # scandir knows each entry's type without a system call per file
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not wanted(entry.name) or (not prefix and entry.name in skip):
                    continue
                path = prefix + entry.name
                if entry.is_symlink():
                    if taken(path, _points_to_folder(entry)):
                        _refuse(problems, root / path, "a symbolic link")
                elif entry.is_dir(follow_symlinks=False):
                    folders.append((path + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found.append(path)
                elif taken(path, False):
                    _refuse(problems, root / path, _kind_of(entry))
    return found


def _points_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False  # a link to itself, or to nothing


def _kind_of(entry: os.DirEntry) -> str:
    mode = entry.stat(follow_symlinks=False).st_mode
    return ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")


def _refuse(problems: Collector | None, path: Path, kind: str) -> None:
    if problems is not None:
        problems.error(path, None, f"is {kind}: refused (the build reads only regular files inside the content "
                                   "folder, through no link: copy it here instead)")


def check_edition(config: Config, chapters: list[Chapter], problems: Collector) -> None:
    """What no single chapter can know: the book has chapters, order names files, slugs are
    unique, and print pages run on from one chapter to the next."""
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
    last: dict[str, tuple[PageBreak, Path]] = {}   # by sequence: a numbering apart runs on among its own pages
    for chapter in chapters:
        known = [page for page in chapter.page_breaks if page.known]
        before = last.get(known[0].sequence) if known else None
        if known and before is not None and (problem := page_order(before[0], known[0].number, known[0].roman)):
            # A warning: an edition may order its chapters otherwise than the print (content.order).
            problems.warning(chapter.path, known[0].line, f"page marker {{{{page {known[0].label}}}}} out of "
                             f"order: {problem} in {before[1].name}, the chapter before")
        for sequence in dict.fromkeys(page.sequence for page in known):
            # the chapter's highest page of each sequence: its last arabic one, else its last roman one
            own = [page for page in known if page.sequence == sequence]
            arabic = [page for page in own if page.number is not None]
            last[sequence] = ((arabic or own)[-1], chapter.path)


def slug_of(path: Path) -> str:
    """The chapter's folder in the site, from its file name alone ("Kapitel 1.md" → "kapitel-1",
    "Einführung.md" → "einfuehrung": the same rule as ids from words)."""
    return slugify(path.stem) or "kapitel"


def load_chapter(path: Path) -> tuple[Chapter | None, list[Diagnostic]]:
    """One chapter file → its model and its own problems (cacheable: depends on the file alone)."""
    problems = Collector()
    try:
        data = read_regular(path, follow=False)  # a link put here after the walk found a file is refused
    except Refused as exc:
        problems.error(path, None, exc.reason)
        return None, problems.items
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
    for line, found in forbidden_lines(text):
        problems.error(path, line, f"{found}: XML and HTML forbid it (TEI and the pages would not be valid); delete it")
    slug = slug_of(path)
    meta, text = front_matter(path, text, problems)
    env: dict[str, Any] = {}
    tokens = markup.parser().parse(text, env)
    builder = _ChapterBuilder(path, problems, env)
    builder.walk(tokens)
    for line, label in env.get("dangling", []):
        problems.error(path, line, f"footnote reference [^{label}] has no note '[^{label}]: …'")
    notes = builder.notes(tokens)
    _check_note_use(path, text, notes, problems)
    if builder.title is None:
        problems.error(path, 1, "a chapter file must start with its title as '# Title'")
        return None
    sections, intro = builder.finish()
    anchors = _anchors(sections, intro, notes)
    return Chapter(slug=slug, path=path, title=plain(builder.title), heading=builder.title,
                   sections=sections, notes=notes, page_breaks=builder.page_breaks,
                   digest=hashlib.blake2b(data + "".join(env.get("image_digests", [])).encode(),
                                          digest_size=16).hexdigest(),  # an image replaced changes its pages
                   anchors=anchors, links=env.get("links", []), meta=meta, intro=intro,
                   images=env.get("images", {}),
                   anchors_digest=hashlib.blake2b(repr((slug, sorted(anchors.items()))).encode(),
                                                  digest_size=16).hexdigest())


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


def _anchors(sections: list[Section], intro: Section | None, notes: dict[str, Note]) -> dict[str, str]:
    """Every id a link may point at, and the section page it is on ("" for the chapter's page)."""
    found: dict[str, str] = {}
    for section in ([intro] if intro else []) + sections:
        page = section.id if section is not intro else ""
        if section is not intro:
            found.setdefault(section.id, page)
        for title_ref in note_refs(section.title):
            found.setdefault(title_ref.ref_id, page)
        for block in section.blocks:
            for anchor in (block.anchor, *(p.anchor for p in block.pages)):
                if anchor:
                    found.setdefault(anchor, page)
            for _, ref_id in block.note_refs:
                found.setdefault(ref_id, page)
        for label in notes_shown(section.note_refs, notes):
            found.setdefault(notes[label].id, page)
    return found


class _ChapterBuilder:
    """Walks the tokens once: headings open sections, blocks are numbered and paged, and every
    piece of inline text becomes model content (model.py)."""

    def __init__(self, path: Path, problems: Collector, env: dict[str, Any]):
        self.path, self.problems, self.env = path, problems, env
        self.title: tuple[Inline, ...] | None = None
        self.sections: list[Section] = []
        self.page_breaks: list[PageBreak] = []
        self.last_page: dict[str, PageBreak] = {}  # the last numbered print page so far, by sequence
        self.unknown_pages = 0  # page markers without a number so far
        self.paragraphs = 0  # paragraphs in the current section (counted: a book may have 100,000)
        self.current_page: PageBreak | None = None
        self.pending: list[Block] = []  # blocks before the first section heading
        self.ids: dict[str, int] = {}
        self.note: Note | None = None  # the note being read, if any
        self.marks: dict[str, str] = {}  # each editor's note → its letter, in the order of first reference

    def claim_id(self, anchor: str, line: int) -> None:
        if anchor in RESERVED_IDS:
            self.problems.error(self.path, line, f"id '{anchor}' is used by the page itself; choose another")
        elif anchor in self.ids:
            self.problems.error(self.path, line, f"duplicate id '{anchor}' (first used on line {self.ids[anchor]})")
        else:
            self.ids[anchor] = line

    # ---- the chapter's top-level blocks -----------------------------------------------------

    def walk(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "footnote_block_open":
                break  # notes are read by notes()
            end = _block_end(tokens, i)
            line = token.map[0] + 1 if token.map else 0
            if token.type == "heading_open":
                self.heading(token, tokens[i + 1], line)
            elif token.type == "paragraph_open":
                self.paragraph(tokens[i + 1], line)
            else:
                self.other(tokens[i:end + 1], line)
            i = end + 1

    def heading(self, open_token: Token, inline: Token, line: int) -> None:
        level = int(open_token.tag[1])
        children = inline.children or []
        explicit = None
        if children and children[-1].type == "text" and (m := EXPLICIT_ID.search(children[-1].content)):
            explicit = m.group(1)
            children[-1].content = children[-1].content[: m.start()]
        title = self.inlines(children, line, allowed={"add"})
        text = plain(title)
        if level == 1:
            if self.title is not None or self.sections:
                self.problems.error(self.path, line, "only one '# Title' per chapter; sections use '##' and deeper")
            self.title = title
            return
        number_match = NUMBER.match(text + " ")
        number = number_match.group(1) if number_match else ""
        anchor = explicit or ("s" + number.replace(".", "-") if number else "")
        if explicit is not None and not VALID_ID.fullmatch(explicit):
            self.problems.error(self.path, line,
                                f"invalid id '{{#{explicit}}}': use a letter, then letters, digits, '-' or '_'")
        elif explicit is not None and len(explicit) > MAX_ID:   # the section's page is named by it
            self.problems.error(self.path, line, f"id '{{#{explicit[:40]}…}}' is {len(explicit)} characters long: "
                                                 f"at most {MAX_ID} (it names the section's page)")
        if not anchor:   # from its words: one the page does not use itself, nor an earlier heading
            base = anchor = cut_id(slugify(text, prefix="abschnitt"))
            for k in range(2, 10_000):
                if anchor not in RESERVED_IDS and anchor not in self.ids:
                    break
                anchor = f"{base}-{k}"
            self.problems.warning(self.path, line, f"heading '{text}' has no number: its id '{anchor}' comes from its "
                                  f"words and changes when they do; to keep it, write '{{#{anchor}}}' after the heading")
        self.claim_id(anchor, line)
        self.start_section(Section(id=anchor, number=number, title=title, title_text=text, level=level, line=line))

    def start_section(self, section: Section) -> None:
        if not self.sections and self.pending and all(b.kind == "pagebreak" for b in self.pending):
            section.blocks, self.pending = self.pending, []  # page markers before it belong to it
        self.sections.append(section)
        self.paragraphs = 0

    def paragraph(self, inline: Token, line: int) -> None:
        first = self.current_page
        content = self.inlines(inline.children or [], line, allowed={"page", "add", "gap"})
        pages = tuple(node.page for node in content if isinstance(node, PageStart))
        seen_text = False
        for node in content:
            if isinstance(node, PageStart) and not seen_text:
                first = node.page  # the paragraph begins on the new page
            seen_text = seen_text or _is_reading_text(node)
        markers = [n for n in content if isinstance(n, PageStart | Gap | Addition)]
        words = [n for n in content if not (isinstance(n, Text) and not n.text.strip())]
        kind = "paragraph"
        if len(words) == 1 and isinstance(words[0], Image):  # a picture on its own: a figure
            self.add(Block("figure", (words[0],), line, first_page=first, last_page=self.current_page,
                           text=words[0].title))
            return
        if not seen_text and markers and all(isinstance(m, PageStart) for m in markers):
            kind = "pagebreak"
        elif not seen_text and len(markers) == 1 and isinstance(markers[0], Gap):
            kind = "gap"
        refs = tuple((ref.label, ref.ref_id) for ref in note_refs(content))
        self.add(Block(kind, content, line, first_page=first, last_page=self.current_page, note_refs=refs,
                       pages=pages))

    def other(self, tokens: list[Token], line: int) -> None:
        """A quote, a list, code or a rule: one block of the reading text, not numbered."""
        first = self.current_page
        before = len(self.page_breaks)
        (block,) = self.blocks(tokens) or (Block("rule", line=line),)
        block.line, block.first_page, block.last_page = line, first, self.current_page
        block.pages = tuple(self.page_breaks[before:])
        block.note_refs = tuple((ref.label, ref.ref_id) for ref in block_refs(block))
        self.add(block)

    def add(self, block: Block) -> None:
        if not self.sections:
            self.pending.append(block)
            if block.kind == "paragraph":
                self.number(block, INTRO)
            return
        if block.kind == "paragraph":
            self.number(block, self.sections[-1].id)
        self.sections[-1].blocks.append(block)

    def number(self, block: Block, section_id: str) -> None:
        self.paragraphs += 1
        block.number = self.paragraphs
        block.anchor = f"{section_id}-p{block.number}"
        self.claim_id(block.anchor, block.line)

    def finish(self) -> tuple[list[Section], Section | None]:
        """The sections, and the introduction (text before the first heading), sealed."""
        intro = None
        if self.pending:
            self.claim_id(INTRO, self.pending[0].line)
            intro = Section(id=INTRO, number="", title=self.title or (), title_text=plain(self.title or ()), level=1,
                            line=self.pending[0].line, blocks=self.pending)
        for section in ([intro] if intro else []) + self.sections:
            section.seal()
            key_blocks(section.blocks, section.id)
        return self.sections, intro

    # ---- nested blocks: quotes, lists, code, notes ------------------------------------------

    def blocks(self, tokens: list[Token]) -> list[Block]:
        """The blocks of a token range (inside a quote, a list item, a note)."""
        out: list[Block] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            end = _block_end(tokens, i)
            line = token.map[0] + 1 if token.map else 0
            inner = tokens[i + 1:end]
            if token.type == "paragraph_open":
                out.append(Block("paragraph", self.inlines(inner[0].children or [], line,
                                                           allowed={"page", "add", "gap"}), line))
            elif token.type == "heading_open":
                out.append(Block("heading", self.inlines(inner[0].children or [], line, allowed={"add"}), line,
                                 level=int(token.tag[1])))
            elif token.type == "blockquote_open":
                out.append(Block("quote", line=line, children=tuple(self.blocks(inner))))
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                items = []
                j = 0
                while j < len(inner):
                    close = _block_end(inner, j)
                    items.append(Block("item", line=line, children=tuple(self.blocks(inner[j + 1:close]))))
                    j = close + 1
                start = int(token.attrGet("start") or 1) if token.type == "ordered_list_open" else None
                tight = not any(t.type == "paragraph_open" and not t.hidden for t in inner)
                out.append(Block("list", line=line, children=tuple(items), start=start, tight=tight))
            elif token.type == "table_open":
                out.append(Block("table", line=line, children=tuple(self.rows(inner))))
            elif token.type in ("code_block", "fence"):
                out.append(Block("code", line=line, text=token.content, info=token.info.strip().split(" ")[0]))
            elif token.type == "hr":
                out.append(Block("rule", line=line))
            elif token.type not in ("footnote_anchor",):
                self.problems.error(self.path, line, f"'{token.type}' is not supported in an edition source")
            i = end + 1
        return out

    def rows(self, tokens: list[Token]) -> list[Block]:
        """A table's rows, the header's first ("head"; none where all its cells are empty), each
        of its cells ("cell": its text, how the source aligns its column)."""
        out: list[Block] = []
        kind = "head"
        for i, token in enumerate(tokens):
            if token.type in ("thead_open", "tbody_open"):
                kind = "head" if token.type == "thead_open" else "row"
            elif token.type == "tr_open":
                line = token.map[0] + 1 if token.map else 0
                out.append(Block(kind, line=line))
            elif token.type in ("th_open", "td_open"):
                inline = tokens[i + 1]
                align = ALIGN.get(str(token.attrGet("style") or ""), "")
                cell = Block("cell", self.inlines(inline.children or [], out[-1].line, allowed={"page", "add", "gap"}),
                             out[-1].line, align=align)
                out[-1].children += (cell,)
        # an empty header is Markdown's way to write a table the print sets without one
        return [row for row in out if row.kind == "row" or any(cell.content for cell in row.children)]

    def notes(self, tokens: list[Token]) -> dict[str, Note]:
        """The footnotes, keyed by their print label."""
        found: dict[str, Note] = {}
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type != "footnote_open":
                i += 1
                continue
            end = _block_end(tokens, i)
            label = token.meta.get("label")
            if label is None:  # an inline note `^[…]`: refused where it is referred to (inlines)
                i = end + 1
                continue
            where = tokens[i + 1].map
            line = where[0] + 1 if where else 0
            mark = self.mark(label, line) if markup.is_editorial(label) else ""
            self.claim_id(markup.note_id(label), line)  # an explicit id may not take a note's
            self.note = Note(label, markup.note_anchor(label), (), "", line, mark)
            content = tuple(self.blocks(tokens[i + 1:end]))
            key_blocks(content, markup.note_id(label))
            self.note = None
            text = " ".join(plain(b.content) for b in _flatten(content))
            found[label] = Note(label, markup.note_anchor(label), content, text, line, mark)
            i = end + 1
        return found

    # ---- inline content -------------------------------------------------------------------

    def inlines(self, children: list[Token], line: int, allowed: set[str]) -> tuple[Inline, ...]:
        """Inline tokens as model content (edition markers checked against `allowed`)."""
        stack: list[tuple[Token | None, list[Inline]]] = [(None, [])]
        for token in children:
            out = stack[-1][1]
            kind = token.type
            if kind == "text":
                _append_text(out, token.content)
            elif kind == "softbreak":
                _append_text(out, "\n")
            elif kind == "hardbreak":
                out.append(LineBreak())
            elif kind == "code_inline":
                out.append(Code(token.content))
            elif kind in ("em_open", "strong_open", "link_open"):
                stack.append((token, []))
            elif kind in ("em_close", "strong_close", "link_close") and len(stack) > 1:
                opener, inner = stack.pop()
                assert opener is not None
                stack[-1][1].append(self.close(opener, tuple(inner), line))
            elif kind == "footnote_ref" and "label" not in token.meta:
                self.problems.error(self.path, line, "an inline note '^[…]' has no print number: write the note as "
                                                     "'[^8]' in the text and '[^8]: …' on a line of its own")
            elif kind == "footnote_ref":
                label = token.meta["label"]
                mark = self.mark(label, line) if markup.is_editorial(label) else ""
                out.append(NoteRef(label, markup.ref_id(token.meta), mark))
            elif kind == "edition_marker":
                out.append(self.marker(token, line, allowed))
            elif kind == "image":
                out.append(self.image(token, line))
            elif kind == "footnote_anchor":
                continue
            else:
                self.problems.error(self.path, line, f"'{kind}' is not supported in an edition source")
        while len(stack) > 1:  # unbalanced (cannot happen with markdown-it): keep the text
            _, inner = stack.pop()
            stack[-1][1].extend(inner)
        return tuple(stack[0][1])

    def mark(self, label: str, line: int) -> str:
        """An editor's note's letter: the next one at its first reference (the text is read in
        order, the notes after it: a note referred to only from a note comes later)."""
        if label not in self.marks:
            if not markup.note_anchor(label):
                self.problems.error(self.path, line, f"an editor's note needs a name after the '+' ([^+quelle]), not "
                                                     f"[^{label}]")
            self.marks[label] = markup.editorial_mark(len(self.marks))
        return self.marks[label]

    def close(self, opener: Token, inner: tuple[Inline, ...], line: int) -> Inline:
        if opener.type == "em_open":
            return Styled("em", inner)
        if opener.type == "strong_open":
            return Styled("strong", inner)
        href = str(opener.attrGet("href") or "")
        title = str(opener.attrGet("title") or "")
        if SCHEME.match(href) or href.startswith("//"):
            return Link(href, inner, title=title)
        links = self.env.setdefault("links", [])
        links.append((href, line))
        return Link(href, inner, internal=len(links) - 1, title=title)

    def image(self, token: Token, line: int) -> Inline:
        """A picture: a file beside the chapter (or below it), described in words, published at
        media/<chapter>/<its path>, with its size so the page does not jump."""
        source = str(token.attrGet("src") or "")
        alt = plain(self.inlines(token.children or [], line, allowed=set()))
        parts = PurePosixPath(unquote(source)).parts
        problem = ""
        if SCHEME.match(source) or source.startswith(("/", "\\")) or not parts or ".." in parts:
            problem = "must be a file beside the chapter or in a folder below it (no addresses, no '..')"
        elif not alt:
            problem = "has no description: write what it shows between the brackets, ![…](…)"
        size = None
        file = self.path.parent.joinpath(*parts)
        if not problem:
            try:
                data = read_regular(file, limit=64 * 2**20)
                size = image_size(data)
                self.env.setdefault("image_digests", []).append(hashlib.blake2b(data, digest_size=16).hexdigest())
            except OSError as exc:
                problem = f"cannot be read ({exc.strerror or exc})"
            else:
                if size is None:
                    problem = f"is not an image a browser shows ({', '.join(KINDS)})"
        if problem or size is None:
            self.problems.error(self.path, line, f"image '{source}' {problem}")
            return Text(alt)
        site_path = f"{MEDIA}/{slug_of(self.path)}/{'/'.join(parts)}"
        self.env.setdefault("images", {})[site_path] = str(file)
        return Image(site_path, alt, str(token.attrGet("title") or ""), *size)

    def marker(self, token: Token, line: int, allowed: set[str]) -> Inline:
        kind, arg = token.meta["kind"], token.meta["arg"]
        if kind == "unknown":
            self.problems.error(self.path, line, f"unknown edition marker '{token.content}' "
                                "(known: {{page N}}, {{page XII}}, {{page ?}}, {{gap}}, {{gap: note}}, {{add text}})")
            return Text(token.content)
        if kind not in allowed:
            self.problems.error(self.path, line, f"'{token.content}' is not allowed here")
            return Text(token.content)
        if kind == "page":
            return PageStart(self.page_break(arg, line))
        if kind == "add":
            return Addition(arg)
        return Gap(arg)

    def page_break(self, printed: str, line: int) -> PageBreak:
        """A print page starting here. Pages run on: roman ones (front matter) first, then arabic
        ones; in a note (which may run onto the next page), the page is the note's own mark. A
        page of a numbering apart (`{{page 1 Titelei}}`: a numbering that restarts) runs on among
        its sequence's pages only, and its anchor names the sequence (`seite-titelei-1`)."""
        printed, _, sequence = printed.partition(" ")
        number = int(printed) if printed.isdigit() else None
        roman = roman_value(printed) if number is None and printed != "?" else None
        printed = "" if printed == "?" else printed
        own = f"{slugify(sequence)}-{printed.lower()}" if sequence else printed.lower()
        if self.note is not None and self.note.editorial:
            self.problems.error(self.path, line, f"{{{{page {printed or '?'}}}}} in an editor's note: it is not "
                                                 "printed, so no print page begins in it")
        if self.note is not None:
            anchor = f"{self.note.id}-seite-{own or 'unbekannt'}"
            self.claim_id(anchor, line)
            return PageBreak(number, anchor, roman, printed, line, sequence)
        last = self.last_page.get(sequence)
        problem = page_order(last, number, roman)
        if problem:  # reported; the pages after it are compared with the last page in order
            shown = f"{printed} {sequence}".strip()
            self.problems.error(self.path, line, f"page marker {{{{page {shown}}}}} out of order ({problem})")
        if number is None and roman is None:
            self.unknown_pages += 1
        anchor = f"seite-{own}" if printed else f"seite-unbekannt-{self.unknown_pages}"
        self.claim_id(anchor, line)
        page = PageBreak(number, anchor, roman, printed, line, sequence)
        if page.known and not problem:
            self.last_page[sequence] = page
        self.page_breaks.append(page)
        self.current_page = page
        return page


def page_order(last: PageBreak | None, number: int | None, roman: int | None) -> str:
    """Why a page cannot follow `last` ("" if it can): roman pages rise, arabic pages rise, and
    no roman page follows an arabic one."""
    if last is None or (number is None and roman is None):
        return ""
    if number is not None and last.number is not None and number <= last.number:
        return f"after page {last.label}"
    if roman is not None and last.roman is not None and roman <= last.roman:
        return f"after page {last.label}"
    if roman is not None and last.number is not None:
        return f"a roman page after page {last.label}"
    return ""


ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def roman_value(text: str) -> int | None:
    """XII → 12, xiv → 14; None unless `text` is a roman numeral written the usual way."""
    lower = text.lower()
    if not lower or any(c not in ROMAN for c in lower):
        return None
    total = 0
    for index, char in enumerate(lower):
        value = ROMAN[char]
        total += -value if index + 1 < len(lower) and ROMAN[lower[index + 1]] > value else value
    return total if to_roman(total) == lower else None


def to_roman(value: int) -> str:
    """12 → xii (lower case, as front matter prints it)."""
    out = ""
    for number, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                            (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while value >= number:
            out, value = out + letters, value - number
    return out


def slugify(text: str, prefix: str = "") -> str:
    """An id or a file name from words: lower case, ä→ae, ö→oe, ü→ue, ß→ss, other marks
    dropped, anything else a hyphen ("Vorwort zur 2. Auflage" → "vorwort-zur-2-auflage")."""
    text = text.lower().translate(TRANSLITERATE)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if prefix and not slug[:1].isalpha():
        slug = f"{prefix}-{slug}".strip("-")
    return slug


MAX_ID = 100    # a section's id names its page: file systems allow 255 bytes a name
WORD_ID = 60    # an id made from a heading's words is cut at a word to this length


def cut_id(slug: str, limit: int = WORD_ID) -> str:
    """An id from words cut at a word boundary ("a-long-heading" → "a-long")."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit + 1].rsplit("-", 1)[0]
    return cut if len(cut) >= limit // 2 else slug[:limit]


TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o"})


def _append_text(out: list[Inline], text: str) -> None:
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text + text)
    else:
        out.append(Text(text))


def _is_reading_text(node: Inline) -> bool:
    """Anything but an edition marker or blank space: a note reference counts as text."""
    if isinstance(node, PageStart | Gap):
        return False
    return not (isinstance(node, Text) and not node.text.strip())


def key_blocks(blocks: tuple[Block, ...] | list[Block], prefix: str) -> None:
    """Give each block its key: where it stands in its section or note ("s6-1/3", a quote's
    paragraph "s6-1/3/0", a note's "fn-8/0"). The print's alignment is keyed by it (printed.py)."""
    for index, block in enumerate(blocks):
        block.key = f"{prefix}/{index}"
        key_blocks(block.children, block.key)


ALIGN = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}  # markdown-it's


def _flatten(content: tuple[Block, ...]) -> list[Block]:
    out: list[Block] = []
    for block in content:
        out.append(block)
        out += _flatten(block.children)
    return out


def _block_end(tokens: list[Token], start: int) -> int:
    """Index of the token closing the block that starts at `start`."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _check_note_use(path: Path, text: str, notes: dict[str, Note], problems: Collector) -> None:
    defined: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if m := NOTE_DEF.match(line):
            if m.group(1) in defined:
                problems.error(path, number, f"note [^{m.group(1)}] defined twice (first on line {defined[m.group(1)]})")
            defined.setdefault(m.group(1), number)
    for label, number in defined.items():
        if label not in notes:
            problems.error(path, number, f"note [^{label}] is never referenced in the text" +
                           (f" (a note printed without a reference still needs its place: write [^{label}] where it "
                            "belongs, which shows nothing)" if unreferenced(label) else ""))
        elif unreferenced(label):
            problems.warning(path, number, f"note {printed_number(label)} ([^{label}]) is printed without a reference: "
                                           "it is listed with the notes where [^" + label + "] stands, and no reference "
                                           "is shown")
