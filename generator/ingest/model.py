"""The book as ingest knows it: one model for every route (a PDF, page text, OCR output).

The readers give pages at their level, the passes make this model of them, and one writer
turns it into the edition's files. Inline text (words, emphasis, note references, page
markers) is data (`Text`, `Ref`, `Mark`), never characters hidden in a string; every decision
that changes the printed text is a `Change` for the review report.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.ingest.pdf import Line


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    style: str = ""          # "", "em", "strong", "spaced"


@dataclass(frozen=True, slots=True)
class Ref:
    label: str               # a note reference, as printed


@dataclass(frozen=True, slots=True)
class Mark:
    label: str               # a print page begins here ("?" if its number is unknown)


Inline = Text | Ref | Mark


@dataclass
class Block:
    kind: str                # "heading", "para", "quote", "figure"
    inlines: list[Inline]
    level: int = 0           # headings: 1 chapter, 2 section, …
    page: int = 0            # the PDF page it starts on
    line: int = 0            # its first line on that page (1-based)


@dataclass
class Note:
    label: str
    inlines: list[Inline]
    page: int = 0
    line: int = 0


@dataclass
class Chapter:
    title: str
    blocks: list[Block]
    notes: list[Note]
    pages: list[str] = field(default_factory=list)      # the print pages it covers, in order


@dataclass
class Change:
    """One repair of the printed text, for the report."""
    page: int                # PDF page
    line: int
    print_page: str
    raw: str
    clean: str
    rule: str


@dataclass
class Event:
    """Something recognised or removed that the editor may want to see."""
    page: int
    line: int | None
    print_page: str
    kind: str
    detail: str


@dataclass
class Book:
    chapters: list[Chapter]
    left_out: list[Chapter]                  # contents, index
    folios: dict[int, str]                   # PDF page → print page label
    changes: list[Change] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    roles: dict[tuple[int, int], str] = field(default_factory=dict)   # (page, line) → head/foot/body/note/…
    printed: dict[int, list[Line]] = field(default_factory=dict)     # PDF page → every line on it, heads too
