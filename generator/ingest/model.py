"""The book as ingest knows it: one model for every route (a PDF, page text, OCR output).

The readers give pages at their level, the passes make this model of them, and one writer
(writers.py) turns it into the edition's files. Inline text (words, emphasis, note references,
page markers) is data (`Text`, `Ref`, `Mark`), never characters hidden in a string; every
decision that changes the printed text is a `Change` for the review report.

A scan (OCR output, or OCR made here) gives the same model: its pages are the input's pages,
its lines are placed on the page's picture (`PrintedLine.frame`), and the words the engine was
unsure of are `Unsure`, a list of their own beside the Hinweise.

Where something stands in the input is `page` (the input's page: a PDF's page number, or the
n-th page text file in reading order) with `file` (that page's file name, for page text) and
`line` (on that page, from the top); `print_page` is the page number as printed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.ingest.pdf import Line

if TYPE_CHECKING:
    from generator.ingest.joins import Words


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    style: str = ""          # "", "em", "strong", "spaced"


@dataclass(frozen=True, slots=True)
class Ref:
    label: str               # a note reference: the note's label (its number as printed, see generator.model)
    page: int = 0            # the input page it is printed on (0: not known)


@dataclass(frozen=True, slots=True)
class Mark:
    label: str               # a print page begins here ("?" if its number is unknown)


Inline = Text | Ref | Mark


@dataclass
class Block:
    kind: str                # "heading", "para", "quote", "item", "figure", "code", "table"; "gap" (text lost: its
                             # inlines the editor's note), "opening" (an editorial heading where the
                             # pages begin inside a section: its inlines the heading's text)
    inlines: list[Inline]
    level: int = 0           # headings: 1 chapter, 2 section, …
    page: int = 0            # the input page it starts on
    line: int = 0            # its first line on that page (1-based)
    anchor: str = ""         # a heading's id, where the book gives one ("6.1" → s6-1)
    lines: list[tuple[int, int]] = field(default_factory=list)   # the printed lines it came from: (page, line)
    rows: list[str] = field(default_factory=list)   # "code", "table": its lines as printed (inlines: its page marks)
    cells: list[list[str]] = field(default_factory=list)   # "table": each row's cells as printed, one per column
    head: bool = False       # "table": its first row is its header (set apart in bold)
    marker: str = ""         # an item: the bullet or dash printed before it, which the source writes as "- "
    depth: int = 0           # an item: its list's nesting (0 a list of its own, 1 a list inside the item before, …)


@dataclass
class Note:
    label: str
    inlines: list[Inline]
    page: int = 0
    line: int = 0
    lines: list[tuple[int, int]] = field(default_factory=list)   # the printed lines it came from: (page, line)


@dataclass
class Chapter:
    title: str
    blocks: list[Block]
    notes: list[Note]
    pages: list[str] = field(default_factory=list)      # the print pages it covers, in order
    printed_title: bool = True   # its title stands printed as its heading (not known from a running head)
    heading: list[Inline] = field(default_factory=list)   # the title as printed, with its note references
    lines: list[tuple[int, int]] = field(default_factory=list)   # the printed lines of its title: (page, line)
    front: bool = False   # the text before the book's first chapter heading, with chapters after it (the front matter)


@dataclass
class Change:
    """One repair of the printed text, for the report."""
    page: int                # the input page
    line: int
    print_page: str
    raw: str
    clean: str
    rule: str
    file: str = ""           # the page's file (page text)
    evidence: str = ""       # what decided it ("the book prints 'Staaten' 4×", "PDF hyphen mark")


@dataclass
class Event:
    """Something recognised or removed that the editor may want to see. A *Hinweis* (kind
    "warning") is what the editor must look at: where (`page`:`line`), what the print has
    (`printed`) and what the reading text has (`reading`), and a `decision`: the lines to paste
    into decisions.toml that settle it (empty where none can)."""
    page: int
    line: int | None
    print_page: str
    kind: str                # "warning" for what the editor must look at; else what was done
    detail: str
    file: str = ""
    printed: str = ""        # a Hinweis: the printed form (the line, or the words, as printed)
    reading: str = ""        # a Hinweis: the reading text's form of it
    decision: str = ""       # a Hinweis: decisions.toml lines that settle it, ready to paste
    check: str = ""          # a Hinweis: what kind ("difference", "heading split", "note without reference", …)


@dataclass
class Undecided:
    """A doubt ingest does not decide alone ("in dem" or "indem"?): the report asks the editor."""
    page: int
    line: int
    print_page: str
    raw: str
    suggestion: str
    reason: str
    file: str = ""


@dataclass
class Unsure:
    """A word the OCR engine was unsure of (its confidence below the report's threshold): the
    editor checks it against the page's picture."""
    page: int
    line: int
    print_page: str
    word: str
    confidence: float        # the engine's own, 0..1


@dataclass
class PrintedLine:
    """A line as printed, for the diplomatic view and the facsimile (review/*.lines.json)."""
    n: int                   # on its page, from the top
    text: str
    role: str                # "body", "note", "head", "foot", ""
    box: tuple[float, float, float, float] | None = None   # left, right, baseline, size (points)
    hyphen: bool = False     # a break hyphen ends it
    frame: tuple[float, float, float, float] | None = None   # its place on the page's picture: left, top,
                             # right, bottom as fractions of the page (render/zones.py; a scan's, from the OCR)
    unsure: tuple[tuple[int, int], ...] = ()   # the words the OCR engine was unsure of: offsets in `text`


@dataclass
class PrintedPage:
    page: int                # the input page
    label: str               # its print page number, "?" when unknown
    lines: list[PrintedLine]
    file: str = ""           # page text: the page's file
    pdf_page: int | None = None   # read from a PDF (or a scan's page): its page there and its size
    size: tuple[float, float] | None = None
    picture: str = ""        # a scan: the page's picture in the [source] page_images folder


@dataclass
class Book:
    chapters: list[Chapter]
    left_out: list[Chapter]                  # contents, index
    folios: dict[int, str]                   # PDF page → print page label
    changes: list[Change] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    roles: dict[tuple[int, int], str] = field(default_factory=dict)   # (page, line) → head/foot/body/note/…
    printed: dict[int, list[Line]] = field(default_factory=dict)     # PDF page → every line on it, heads too
    undecided: list[Undecided] = field(default_factory=list)
    unknown_words: dict[str, int] = field(default_factory=dict)    # words in no dictionary → count
    recorded: list[PrintedPage] = field(default_factory=list)       # the print, line by line
    facts: dict[str, str] = field(default_factory=dict)            # the book's own "title", "author" (as the PDF says)
    authors: list[str] = field(default_factory=list)              # its authors, each "Family, Given" (titles.py)
    accounted: set[tuple[int, int]] = field(default_factory=set)   # (page, line) the structure took: a heading
                                                                    # "Anmerkungen", a label "Kapitel 1" above a title
    unsure: list[Unsure] = field(default_factory=list)             # a scan: the OCR engine's doubts
    words: Words | None = None    # the words of every printed line, heads too (joins.book_words): proof.py's evidence
