"""The edition as data: chapters, sections, blocks, notes, print pages and inline content.

Built by source.py from the chapter files, read by render/. Content is data (text, emphasis,
note references, page starts, links, additions, gaps), never HTML: the HTML pages are one
renderer of it (render/html.py), TEI can be another. Nothing here reads or writes files.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.config import Config, check_language
from generator.markup import is_editorial, note_id, popover_id
from generator.schema import setting

UNKNOWN = None  # a print page whose number the sources do not give


@dataclass(frozen=True, slots=True)
class PageBreak:
    """Where a print page begins. `printed`: its number as printed ("229", "XII"; "" when the
    sources do not give it); `number` its value if arabic, `roman` its value if roman."""
    number: int | None
    anchor: str
    roman: int | None = None
    printed: str = ""
    line: int = 0
    sequence: str = ""   # the name of a numbering apart ("Titelei" of `{{page 1 Titelei}}`), "" for the book's

    @property
    def known(self) -> bool:
        return bool(self.printed)

    @property
    def label(self) -> str:
        """The page as the marker and the recorded print name it: "229", "1 Titelei" (unique in the
        book where "229" alone may not be: the front matter's 1 and the body's 1)."""
        return f"{self.printed} {self.sequence}" if self.sequence else self.printed


# ---- inline content: what a line of text holds, as data (HTML and TEI are renderers of it) ----

@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Styled:
    """Emphasis as printed: `style` "em" (italic, *…*) or "strong" (bold, **…**)."""
    style: str
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A forced line break (two spaces or a backslash at a line's end)."""
    hard: bool = True


def printed_number(label: str) -> str:
    """The number a note's label says is printed: the label itself ("8"), without the mark of a
    note printed without a reference ("-8") and without what keeps it unique ("1~229": note 1 of
    page 229, where notes are numbered per page)."""
    return label.removeprefix("-").split("~", 1)[0]


def unreferenced(label: str) -> bool:
    """A note the print gives no reference to ("[^-8]"): its reference in the source only says
    where it belongs, and is shown as nothing."""
    return label.startswith("-")


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A reference to note `label` (its print number, or "+name" for an editor's note);
    `ref_id` is this reference's own id; `mark` an editor's note's letter ("a")."""
    label: str
    ref_id: str
    mark: str = ""

    @property
    def shown(self) -> str:
        """What the reader sees: the print number, or the editor's note's letter."""
        return self.mark or printed_number(self.label)

    @property
    def editorial(self) -> bool:
        return is_editorial(self.label)

    @property
    def number(self) -> str:
        return printed_number(self.label)

    @property
    def silent(self) -> bool:
        return unreferenced(self.label)


@dataclass(frozen=True, slots=True)
class PageStart:
    page: PageBreak


@dataclass(frozen=True, slots=True)
class Link:
    """A link: to another site (`href`), or into the edition (`internal`: the index of its
    target in the chapter's `links`, resolved to a page once every chapter is loaded)."""
    href: str
    children: tuple[Inline, ...]
    internal: int | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class Addition:
    """An editorial addition ({{add …}}), shown in square brackets."""
    text: str


@dataclass(frozen=True, slots=True)
class Gap:
    """Missing text ({{gap}}, {{gap: note}}), with the editor's note."""
    note: str


@dataclass(frozen=True, slots=True)
class Image:
    """A picture of the book: `path` its site path (media/…), `alt` what it shows, in words."""
    path: str
    alt: str
    title: str
    width: int
    height: int


Inline = Text | Styled | Code | LineBreak | NoteRef | PageStart | Link | Addition | Gap | Image


def plain(content: tuple[Inline, ...]) -> str:
    """The words of inline content, for titles, citations and metadata."""
    parts: list[str] = []
    for node in content:
        if isinstance(node, Text | Code):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        elif isinstance(node, Styled | Link):
            parts.append(plain(node.children))
        elif isinstance(node, Addition):
            parts.append(f"[{node.text}]")
        elif isinstance(node, Gap):
            parts.append("[…]")
        elif isinstance(node, Image):
            parts.append(node.alt)
    return " ".join("".join(parts).split())


def note_refs(content: tuple[Inline, ...]) -> list[NoteRef]:
    """The note references in inline content, in order, also inside emphasis and links."""
    found: list[NoteRef] = []
    for node in content:
        if isinstance(node, NoteRef):
            found.append(node)
        elif isinstance(node, Styled | Link):
            found += note_refs(node.children)
    return found


# The blocks whose own text is printed text, found in the print one by one (printed.py) and
# collated (collation.py): the others hold such blocks (a quote, a list, a table's rows) or no print.
PRINTED_TEXT = ("paragraph", "heading", "cell")


@dataclass(slots=True)
class Block:
    """One block of reading text.

    kind: "paragraph" (numbered, citable), "gap" (missing text, marked editorially),
    "pagebreak" (page markers standing between paragraphs), "quote" (its `children` blocks),
    "list" (`children`: one "item" block per entry; `start` for a numbered list), "code"
    (`text`, `info` its language), "heading" (a heading inside a quote or a list), "rule",
    "figure" (a paragraph that is one image: `content` the image, `text` its caption),
    "table" (`children`: its rows, "head" ones first, then "row" ones; a row's `children` its
    "cell" blocks, each with its text as `content` and its column's `align`).
    """
    kind: str
    content: tuple[Inline, ...] = ()
    line: int = 0
    number: int | None = None
    anchor: str | None = None
    first_page: PageBreak | None = None  # the print page the block starts on
    last_page: PageBreak | None = None
    note_refs: tuple[tuple[str, str], ...] = ()  # (print label, id of the reference button), nested ones too
    pages: tuple[PageBreak, ...] = ()  # the page markers inside the block
    children: tuple[Block, ...] = ()
    text: str = ""
    info: str = ""
    start: int | None = None  # a numbered list's first number
    tight: bool = True  # a list whose items are single lines (no paragraphs inside)
    level: int = 0  # a heading's level
    align: str = ""  # a table cell's: "left", "center", "right" or "" (the reader's default)
    key: str = ""  # where it stands: "s6-1/3" (its section, its place), "fn-8/0" (a note's): unique in its chapter


@dataclass(slots=True)
class Section:
    id: str
    number: str          # "6.1" as printed without the final dot; "" for unnumbered headings
    title: tuple[Inline, ...]  # the heading as printed, number included
    title_text: str
    level: int           # 2 for "6.", 3 for "6.1.", …
    line: int
    blocks: list[Block] = field(default_factory=list)
    first_page: PageBreak | None = None  # set by `seal()` once all blocks are in
    last_page: PageBreak | None = None

    def seal(self) -> None:
        self.first_page = next((b.first_page for b in self.blocks if b.first_page), None)
        self.last_page = next((b.last_page for b in reversed(self.blocks) if b.last_page), None)

    @property
    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "paragraph"]

    @property
    def note_refs(self) -> dict[str, str]:
        """Each note referenced in this section → its first reference here (for the back-link):
        in the heading, the text, quotes and lists."""
        first: dict[str, str] = {}
        for ref in note_refs(self.title):
            first.setdefault(ref.label, ref.ref_id)
        for block in self.blocks:
            for label, ref_id in block.note_refs:
                first.setdefault(label, ref_id)
        return first


@dataclass(frozen=True, slots=True)
class Note:
    label: str         # the print number ("8"; "1~229", "-8": see printed_number); an editor's note's "+name"
    anchor: str        # id-safe form of the label (markup.note_anchor)
    content: tuple[Block, ...]  # its paragraphs
    text: str
    line: int
    mark: str = ""     # an editor's note's letter in its chapter ("a", "b" …, by first reference)

    @property
    def editorial(self) -> bool:
        """An editor's note (`[^+name]`): not the print's, in a list of its own."""
        return is_editorial(self.label)

    @property
    def shown(self) -> str:
        return self.mark or printed_number(self.label)

    @property
    def id(self) -> str:
        """Its id in the notes list and in TEI: "fn-8", "ed-quelle"."""
        return note_id(self.label)

    @property
    def popover(self) -> str:
        return popover_id(self.label)

    @property
    def number(self) -> str:
        """The note's number as printed."""
        return printed_number(self.label)


def block_refs(block: Block) -> list[NoteRef]:
    """The note references in a block and in the blocks inside it (quotes, lists), in order."""
    found = note_refs(block.content)
    for child in block.children:
        found += block_refs(child)
    return found


def notes_shown(refs: dict[str, str], notes: dict[str, Note]) -> dict[str, str]:
    """The notes a page shows: those its text refers to (`refs`: label → id of the first
    reference), then those these notes refer to (a note in a note), each once, each → the id of
    its first reference."""
    shown = dict(refs)
    order = list(shown)
    for label in order:  # grows while it is read: a note in a note in a note
        for block in notes[label].content if label in notes else ():
            for ref in block_refs(block):
                if ref.label not in shown:
                    shown[ref.label] = ref.ref_id
                    order.append(ref.label)
    return {label: ref_id for label, ref_id in shown.items() if label in notes}


INTRO = "intro"  # the id of a chapter's text before its first section heading (paragraphs intro-p1 …)


@dataclass(frozen=True)
class ChapterMeta:
    """A chapter's own facts, from its front matter (TOML between `+++` lines, as in Hugo and
    Zola): an edited volume's chapters have their own authors, titles and print pages."""
    title: str = setting("", doc="the title to cite (default: the text of the '# ' heading)")
    subtitle: str = setting("", doc="its subtitle")
    authors: tuple[str, ...] = setting((), doc="the chapter's authors, each 'Family, Given' (default: the book's)",
                                       formerly=("author",))
    first_page: str = setting("", doc="its first print page (default: the first its page markers give)")
    last_page: str = setting("", doc="its last print page (default: the last its page markers give)")
    language: str = setting("", check=lambda v: check_language(v) if v else None,
                            doc="BCP 47 tag, if not the edition's")
    doi: str = setting("", doc="the printed chapter's DOI, e.g. 10.1000/xyz123")


@dataclass
class Chapter:
    slug: str          # URL folder, from the file name
    path: Path
    title: str
    heading: tuple[Inline, ...]  # the '# ' heading as printed
    sections: list[Section]
    notes: dict[str, Note]
    page_breaks: list[PageBreak]
    digest: str = ""   # hash of the source file: a page rendered from an unchanged file is unchanged
    anchors: dict[str, str] = field(default_factory=dict)  # every id → the section page holding it
    links: list[tuple[str, int]] = field(default_factory=list)  # edition-internal link targets, line
    anchors_digest: str = ""  # changes when an anchor is added, removed or moves to another section
    meta: ChapterMeta = field(default_factory=ChapterMeta)
    intro: Section | None = None  # text before the first section heading, on the chapter's own page
    images: dict[str, str] = field(default_factory=dict)  # site path (media/…) → source file

    def outline(self) -> Chapter:
        """The chapter without its text: what other pages (index, neighbours) may show of it."""
        return replace(self, notes={}, sections=[replace(s, blocks=[]) for s in self.sections],
                       intro=replace(self.intro, blocks=[]) if self.intro else None)

    @property
    def known_pages(self) -> list[str]:
        """The print pages the chapter's markers name, as printed ("XII", "229")."""
        return [p.printed for p in self.page_breaks if p.known]


def anchor_path(chapter: Chapter, anchor: str) -> str:
    """The site path of an anchor of the chapter: on a section page, or on the chapter's own
    page (its introduction)."""
    return f"{chapter.slug}/{chapter.anchors.get(anchor) or 'index'}.html#{anchor}"


@dataclass
class Edition:
    config: Config
    chapters: list[Chapter]
