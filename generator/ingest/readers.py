"""The readers: which one reads an input, told by its content (never its name), in one list.

A reader gives the pages at the level the passes need:

  "lines"  the pages as lines of characters with their geometry and fonts (`pdf.Page`, `Line`,
           `Char`, `Graphic`): what a PDF gives, and what OCR output (hOCR, ALTO, PAGE) and page
           pictures give (scanned.py: `ScannedPage`s); the layout passes (layout.py) read them.
           `read(path, first, last, problems, progress, options) -> list[pdf.Page]` for a
           whole book in one file; a reader whose files are one page each (`pages_per_file`)
           reads them all at once, `read(paths, problems, progress, options)`, since a scan's
           type sizes and note numbers are measured across its pages.
  "text"   a page of text an extractor wrote (pages.py): the text passes (text.py) read them.
           `read(path, problems) -> RawPage | None`.

A new reader is one `Reader` in `READERS` (before page text, which takes any text). Each
input is looked at once, by its first bytes, and only if it is a regular file: a FIFO or a
device named as a book is refused, never opened for reading. A folder given is its files in
natural name order (p-2 before p-10): its OCR files if it holds any (the pictures beside them
are theirs), else its page pictures.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Collector
from generator.files import Folder, Refused, read_head, shown
from generator.ingest import ocr, scanned
from generator.ingest.pages import RawPage, read_page
from generator.ingest.pdf import Bookmark, Page, metadata, outline
from generator.ingest.sheets import is_picture, kind_of, natural_key

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
    pages_per_file: bool = False              # one page a file, the files read together (a scan's)


@dataclass(frozen=True)
class Options:
    """What a scan's readers need beyond the files: `images` (--images: the folder of the
    pictures OCR files name), the OCR model (--ocr-model, else the edition's `language`'s), and
    where OCR made here waits and is kept: `cache` (.edition-ingest/ocr, the tool's own) and
    `review` (the content folder's review/, whose ocr/ the commit writes), both None for
    `clean`, which keeps nothing."""
    images: Path | None = None
    ocr_model: str | None = None
    language: str = "de"
    cache: Folder | None = None
    review: Folder | None = None


def _ocr(kind: str) -> Callable[[bytes], bool]:
    return lambda head: kind_of(head) == kind


PDF = Reader("PDF", "lines", lambda head: head.lstrip()[:5] == b"%PDF-", ocr.read_pdf_book, whole_book=True,
             facts=metadata, facsimile=True, outline=outline)
HOCR = Reader("hOCR", "lines", _ocr("hocr"), scanned.read_book, facsimile=True, pages_per_file=True)
ALTO = Reader("ALTO", "lines", _ocr("alto"), scanned.read_book, facsimile=True, pages_per_file=True)
PAGE_XML = Reader("PAGE XML", "lines", _ocr("page"), scanned.read_book, facsimile=True, pages_per_file=True)
PICTURES = Reader("page pictures", "lines", is_picture, ocr.read_pictures, facsimile=True, pages_per_file=True)
PAGE_TEXT = Reader("page text", "text", lambda head: True, read_page)
READERS: list[Reader] = [PDF, HOCR, ALTO, PAGE_XML, PICTURES, PAGE_TEXT]   # the first that recognises an input reads it
OCR_READERS = (HOCR, ALTO, PAGE_XML)


@dataclass
class Source:
    """What the readers gave: the pages at their level, and where they came from."""
    reader: Reader
    files: list[Path]                         # the inputs (a folder's files, in their order)
    pages: list[Page] = field(default_factory=list)      # level "lines"
    raw: list[RawPage] = field(default_factory=list)     # level "text"
    facts: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)    # what the readers noticed (a broken title)
    outline: list[Bookmark] = field(default_factory=list)   # the PDF's bookmarks (level, title, PDF page)

    given: list[Path] = field(default_factory=list)      # as the user named them (a folder)

    @property
    def name(self) -> str:
        """What the report and the summary call the input."""
        return ", ".join(shown(f) for f in self.given or self.files)


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


def inputs(given: list[Path], problems: Collector) -> list[Path]:
    """The files to read: each file given, and for a folder its files in natural name order
    (p-2 before p-10): its OCR files if it holds any (the pictures beside them are theirs),
    else its page pictures. Hidden files and links in a folder are passed over."""
    files: list[Path] = []
    for path in given:
        if not path.is_dir():
            files.append(path)
            continue
        entries = sorted((p for p in path.iterdir() if not p.name.startswith(".") and not p.is_symlink() and p.is_file()),
                         key=lambda p: natural_key(p.name))
        heads = {}
        for entry in entries:
            try:
                heads[entry] = read_head(entry, 8192)
            except OSError:
                continue
        ocr = [p for p, head in heads.items() if kind_of(head)]
        chosen = ocr or [p for p, head in heads.items() if is_picture(head)]
        if not chosen:
            problems.error(path, None, "holds no OCR file (hOCR, ALTO, PAGE XML) and no page picture")
        files += chosen
    return files


def recognise(files: list[Path], problems: Collector) -> Reader | None:
    """The one reader for all the inputs (each told by its content), or None with the problems."""
    found: dict[Path, Reader] = {}
    for file in files:
        try:
            head = read_head(file, 8192)
        except Refused as exc:
            problems.error(file, None, exc.reason)
            continue
        except OSError as exc:
            problems.error(file, None, f"cannot read: {exc.strerror or exc}")
            continue
        found[file] = next(reader for reader in READERS if reader.recognises(head))
    if problems.errors or not found:
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
         progress: Progress | None = None, options: Options | None = None, given: list[Path] | None = None) -> Source:
    """Every input read by `reader` (`recognise`); raises EditionError with every problem found."""
    source = Source(reader, files, given=given or [])
    options = options or Options()
    if reader.pages_per_file:
        if pages_option:
            problems.error(files[0], None, f"--pages counts the pages of a PDF; {reader.name} files are pages already")
            problems.raise_if_errors()
        source.pages = reader.read(files, problems, progress, options)
    elif reader.level == "text":
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
        source.pages = reader.read(files[0], first, last, problems, progress, options)
        if reader.facts and not problems.errors:
            found = Collector()
            source.facts = reader.facts(files[0], found)
            if reader.outline:
                source.outline = reader.outline(files[0], found)
            source.warnings += [d.message for d in found.items]
    problems.raise_if_errors()
    return source
