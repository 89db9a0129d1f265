"""The edition as data: chapters, sections, blocks, notes and print pages.

Built by source.py from the chapter files, read by render/. HTML fragments appear only as
already-escaped `Markup` produced by markup.py; nothing here reads or writes files.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from markupsafe import Markup

from generator.config import Config, check_language
from generator.schema import setting

UNKNOWN = None  # a print page whose number the sources do not give


@dataclass(frozen=True)
class PageBreak:
    """Where a print page begins. `number` is None when the sources do not give it."""
    number: int | None
    anchor: str

    @property
    def label(self) -> str:
        return f"S. {self.number}" if self.number is not None else "S. ?"


@dataclass
class Block:
    """One top-level block of reading text.

    kind: "paragraph" (numbered, citable), "gap" (missing text, marked editorially),
    "pagebreak" (a page marker standing between paragraphs) or "other" (lists, quotes, code).
    """
    kind: str
    html: Markup
    line: int
    number: int | None = None
    anchor: str | None = None
    first_page: PageBreak | None = None  # the print page the block starts on
    last_page: PageBreak | None = None
    note_refs: tuple[tuple[str, str], ...] = ()  # (print label, id of the reference button)
    pages: tuple[PageBreak, ...] = ()  # the page markers inside the block


@dataclass
class Section:
    id: str
    number: str          # "6.1" as printed without the final dot; "" for unnumbered headings
    title_html: Markup   # the heading as printed, number included
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
        """Each note referenced in this section → its first reference here (for the back-link)."""
        first: dict[str, str] = {}
        for block in self.blocks:
            for label, ref_id in block.note_refs:
                first.setdefault(label, ref_id)
        return first


@dataclass(frozen=True)
class Note:
    label: str         # the print number, kept as printed ("8")
    anchor: str        # id-safe form of the label
    html: Markup
    text: str
    line: int


@dataclass(frozen=True)
class ChapterMeta:
    """A chapter's own facts, from its front matter (TOML between `+++` lines, as in Hugo and
    Zola): an edited volume's chapters have their own authors, titles and print pages."""
    title: str = setting("", doc="the title to cite (default: the text of the '# ' heading)")
    subtitle: str = setting("", doc="its subtitle")
    authors: tuple[str, ...] = setting((), doc="the chapter's authors, each 'Family, Given' (default: the book's)")
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
    title_html: Markup
    sections: list[Section]
    notes: dict[str, Note]
    page_breaks: list[PageBreak]
    digest: str = ""   # hash of the source file: a page rendered from an unchanged file is unchanged
    anchors: dict[str, str] = field(default_factory=dict)  # every id → the section page holding it
    links: list[tuple[str, int]] = field(default_factory=list)  # edition-internal link targets, line
    anchors_digest: str = ""  # changes when an anchor is added, removed or moves to another section
    meta: ChapterMeta = field(default_factory=ChapterMeta)

    def outline(self) -> Chapter:
        """The chapter without its text: what other pages (index, neighbours) may show of it."""
        return replace(self, notes={}, sections=[replace(s, blocks=[]) for s in self.sections])

    @property
    def known_pages(self) -> list[int]:
        return [p.number for p in self.page_breaks if p.number is not None]


@dataclass
class Edition:
    config: Config
    chapters: list[Chapter]
