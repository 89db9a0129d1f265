"""The readers: which one reads an input, told by its content (never its name), in one list.

A reader gives the pages at the level the passes need:

  "lines"  the pages as lines of characters with their geometry and fonts (`pdf.Page`, `Line`,
           `Char`, `Graphic`): what a PDF gives, and what OCR output (hOCR, ALTO, PAGE) will
           give; the layout passes (layout.py) read them. `read(path, first, last, problems,
           progress) -> list[pdf.Page]`, exactly as `pdf.read_pdf`.
  "text"   a page of text an extractor wrote (pages.py): the text passes (text.py) read them.
           `read(path, problems) -> RawPage | None`.

A new reader is one `Reader` in `READERS` (before page text, which takes any text). Each
input is looked at once, by its first bytes, and only if it is a regular file: a FIFO or a
device named as a book is refused, never opened for reading.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Collector
from generator.files import Refused, read_head, shown
from generator.ingest.pages import RawPage, read_page
from generator.ingest.pdf import Bookmark, Page, metadata, outline, read_pdf

Progress = Callable[[str, int, int], None]   # (what, done, total): the CLI's status line


@dataclass(frozen=True)
class Reader:
    name: str                                 # in messages: "PDF", "page text"
    level: str                                # "lines" or "text" (above)
    recognises: Callable[[bytes], bool]       # the input's first bytes
    read: Callable[..., Any]                  # (above)
    whole_book: bool = False                  # one file holds the whole book: never given with others
    facts: Callable[[Path, Collector], dict[str, str]] | None = None   # the book's own title and author
    facsimile: bool = False                   # its pages are the facsimile: copied into the content folder
    outline: Callable[[Path, Collector], list[Bookmark]] | None = None   # the book's bookmarks


PDF = Reader("PDF", "lines", lambda head: head.lstrip()[:5] == b"%PDF-", read_pdf, whole_book=True, facts=metadata,
             facsimile=True, outline=outline)
PAGE_TEXT = Reader("page text", "text", lambda head: True, read_page)
READERS: list[Reader] = [PDF, PAGE_TEXT]      # the first that recognises an input reads it


@dataclass
class Source:
    """What the readers gave: the pages at their level, and where they came from."""
    reader: Reader
    files: list[Path]                         # the inputs, as the user named them
    pages: list[Page] = field(default_factory=list)      # level "lines"
    raw: list[RawPage] = field(default_factory=list)     # level "text"
    facts: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)    # what the readers noticed (a broken title)
    outline: list[Bookmark] = field(default_factory=list)   # the PDF's bookmarks (level, title, PDF page)

    @property
    def name(self) -> str:
        """What the report and the summary call the input."""
        return ", ".join(shown(f) for f in self.files)


def page_range(text: str | None, source: Path, problems: Collector) -> tuple[int | None, int | None]:
    """`--pages A-B` (PDF pages, 1-based, inclusive, as pdftotext -f/-l), or `A`."""
    if not text:
        return None, None
    m = re.fullmatch(r"\s*(\d{1,7})\s*(?:[-–]\s*(\d{1,7})\s*)?", text)
    if not m:
        problems.error(source, None, f"--pages '{shown(text)}': give PDF pages as A-B, for example 5-32")
        return None, None
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first < 1 or last < first:
        problems.error(source, None, f"--pages {first}-{last}: pages count from 1, and the first comes before the last")
        return None, None
    return first, last


def recognise(files: list[Path], problems: Collector) -> Reader | None:
    """The one reader for all the inputs (each told by its content), or None with the problems."""
    found: dict[Path, Reader] = {}
    for file in files:
        try:
            head = read_head(file)
        except Refused as exc:
            problems.error(file, None, exc.reason)
            continue
        except OSError as exc:
            problems.error(file, None, f"cannot read: {exc.strerror or exc}")
            continue
        found[file] = next(reader for reader in READERS if reader.recognises(head))
    if problems.errors:
        return None
    readers = list(dict.fromkeys(found.values()))
    whole = [reader for reader in readers if reader.whole_book]
    if whole and len(files) > 1:
        first = next(f for f in files if found[f] is whole[0])
        problems.error(first, None, f"give one {whole[0].name} (a whole book, or --pages of it), not several files")
        return None
    if len(readers) > 1:
        problems.error(files[0], None, "the inputs are of different kinds (" + ", ".join(r.name for r in readers) +
                       "): ingest one kind at a time")
        return None
    return readers[0]


def read(reader: Reader, files: list[Path], pages_option: str | None, problems: Collector,
         progress: Progress | None = None) -> Source:
    """Every input read by `reader` (`recognise`); raises EditionError with every problem found."""
    source = Source(reader, files)
    if reader.level == "text":
        if pages_option:
            problems.error(files[0], None, "--pages counts the pages of a PDF; page text files are pages already")
            problems.raise_if_errors()
        for done, file in enumerate(files, 1):
            if (page := reader.read(file, problems)) is not None:
                source.raw.append(page)
            if progress:
                progress("reading pages", done, len(files))
    else:
        first, last = page_range(pages_option, files[0], problems)
        problems.raise_if_errors()
        for file in files:
            pages = reader.read(file, first, last, problems, progress)
            if len(files) > 1:   # a page per file (OCR output): the book's pages are counted across them
                for page in pages:
                    page.index = len(source.pages) + 1
                    source.pages.append(page)
            else:
                source.pages += pages
        if reader.facts and not problems.errors:
            found = Collector()
            source.facts = reader.facts(files[0], found)
            if reader.outline:
                source.outline = reader.outline(files[0], found)
            source.warnings += [d.message for d in found.items]
    problems.raise_if_errors()
    return source
