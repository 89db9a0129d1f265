"""Read a PDF's pages into lines with their geometry: the first pass of PDF ingest.

PDFium (pypdfium2) gives every character with its origin, size and font, and marks a hyphen it
found at a line end (U+FFFE in its text). Lines are PDFium's own (it breaks them where the
baseline moves); a line keeps its characters' positions, so every later pass decides from the
layout, not from the text an extractor would flatten it into. Coordinates are PDF points with
y growing downwards from the top of the page, as a reader looks at it.
"""
from __future__ import annotations

import ctypes
import gc
import itertools
import math
import multiprocessing
import os
import re
import signal
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NamedTuple

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no stubs; this module is its only user
from pypdfium2 import raw

from generator.diagnostics import Collector
from generator.files import Refused, read_regular
from generator.ingest.parallel import can_fork, cores, take, widen
from generator.memory import no_collections
from generator.output import die_with_parent

HYPHEN_MARK = "\ufffe"       # PDFium's mark for a hyphen at a line end
IMAGE, PATH = 3, 2           # FPDF_PAGEOBJ_* types


@dataclass(frozen=True, slots=True)
class Style:
    font: str
    bold: bool
    italic: bool


@dataclass(slots=True)
class Char:
    text: str
    x: float           # origin (left end of the baseline)
    y: float           # baseline, from the top of the page
    size: float
    style: Style
    raised: bool = False   # a digit set above the baseline: a note number
    index: int = -1        # PDFium's index of the character on its page


@dataclass(slots=True)
class Line:
    chars: list[Char]
    right: float                  # right edge of the last character
    hyphen: bool = False          # PDFium found a hyphen at its end (taken out of `chars`)
    text: str = ""
    y: float = 0.0                # the baseline most characters stand on (a raised number does not move it)
    size: float = 0.0             # the size most of its letters are set in
    sign: str = ""                # the break hyphen's own character where it is not a plain one: WeasyPrint's
                                  # U+2010 (the book's break sign, which a URL's own hyphen is not); on a line
                                  # without a hyphen, ZERO_WIDTH_SPACE where the print broke it at one (Typst)

    def __post_init__(self) -> None:
        chars = self.chars
        self.text = "".join([c.text for c in chars])
        # the characters of one line share exact values: no rounding needed
        self.y = round(_most([c.y for c in chars]), 1)
        sizes = [c.size for c in chars]
        if sizes.count(sizes[0]) != len(sizes):   # most lines are set in one size (counted in C): that size, letters or none
            sizes = [c.size for c in chars if c.text.isalpha()]
        self.size = round(_most(sizes) if sizes else chars[0].size, 1)

    @property
    def left(self) -> float:
        return self.chars[0].x


def _most(values: list[float]) -> float:
    """The most frequent value, the first of equals (most lines: one value, found in C)."""
    first = values[0]
    if values.count(first) * 2 > len(values):
        return first
    return Counter(values).most_common(1)[0][0]


@dataclass
class Graphic:
    kind: str                     # "image" or "path"
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True, slots=True)
class Unread:
    """Something the reader could not read as printed, for the report's Hinweise."""
    line: int                     # on the page, from the top (1-based; 0: the page as a whole)
    detail: str
    printed: str = ""             # what the PDF has
    reading: str = ""             # what the reading text has instead


@dataclass(slots=True)
class Repair:
    """A repair the reader made to what the PDF gives, for the report (a Change)."""
    line: int                     # on the page, from the top (1-based)
    printed: str                  # the line as the PDF gives it
    reading: str                  # as read
    rule: str


@dataclass
class Page:
    index: int                    # 1-based PDF page
    width: float
    height: float
    lines: list[Line]
    graphics: list[Graphic] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)


PDF_LIMIT = 2**30    # a book's PDF is read whole into memory (once, and only if it is a regular file)
SHARE = 32           # pages per process at least: fewer are not worth a worker's start


def read_pdf(path: Path, first: int | None, last: int | None, problems: Collector,
             progress: Callable[[str, int, int], None] | None = None, jobs: int | None = None) -> list[Page]:
    """The PDF's pages first..last (1-based, inclusive); errors go to `problems`; `progress`
    hears of every page read (a status line on a terminal). `jobs`: processes that read (default:
    one per core); the pages come back in order, the same whichever process read them."""
    data = _data(path, problems)
    document = _document(data, path, problems) if data is not None else None
    if document is None:
        return []
    try:
        count = len(document)
        first, last = first or 1, last or count
        if not 1 <= first <= last <= count:
            problems.error(path, None, f"--pages {first}-{last} is outside the book: it has {count} page(s)")
            return []
        assert data is not None
        # A book's characters are millions of small objects that hold no cycles: the collector
        # would scan them all again and again while they are made (a quarter of the time).
        with no_collections():
            pages, failed = _read_pages(document, data, list(range(first, last + 1)), jobs, progress)
    finally:
        document.close()
    if failed:
        index, message = failed
        # a page tree that loops or points nowhere: PDFium counts pages it cannot load
        problems.error(path, None, f"page {index} cannot be read ({message.rstrip('.')}): the PDF's page "
                                   "tree is damaged; repair it first (for example with qpdf)")
        return []
    pictures = [p.index for p in pages if not p.lines and any(g.kind == "image" for g in p.graphics)]
    if not any(p.lines for p in pages) and not pictures:
        problems.error(path, None, "no text on any page")
    elif len(pictures) * 2 >= len(pages):  # a scan: a plate or two in a printed book is not
        shown = ", ".join(map(str, pictures[:10])) + (" …" if len(pictures) > 10 else "")
        problems.error(path, None, f"page {shown} has no text layer, only a picture: run OCR first (for example "
                                   "ocrmypdf), then ingest the result")
    return pages


def _data(path: Path, problems: Collector) -> bytes | None:
    """The file's bytes: only a regular file is read (a FIFO would make PDFium wait forever,
    `/dev/zero` fill the memory)."""
    try:
        return read_regular(path, limit=PDF_LIMIT)
    except OSError as exc:
        problems.error(path, None, exc.reason if isinstance(exc, Refused) else f"cannot read: {exc.strerror or exc}")
        return None


def _document(data: bytes, path: Path, problems: Collector) -> pdfium.PdfDocument | None:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            problems.error(path, None, "the PDF is encrypted: remove its password first (for example with qpdf --decrypt)")
        else:
            problems.error(path, None, f"not a readable PDF ({message.rstrip('.')})")
        return None


def _open(path: Path, problems: Collector) -> pdfium.PdfDocument | None:
    data = _data(path, problems)
    return _document(data, path, problems) if data is not None else None


def metadata(path: Path, problems: Collector) -> dict[str, str]:
    """The PDF's own title and author, if it names them (for a first edition.toml). A value
    that is not valid UTF-16 (a lone surrogate, an odd byte) keeps what can be read of it, and
    the editor hears of it."""
    document = _open(path, Collector())
    if document is None:
        return {}
    found: dict[str, str] = {}
    try:
        for key, name in (("Title", "title"), ("Author", "author")):
            size = raw.FPDF_GetMetaText(document.raw, (key + "\x00").encode("ascii"), None, 0)
            buffer = ctypes.create_string_buffer(size)
            raw.FPDF_GetMetaText(document.raw, (key + "\x00").encode("ascii"), buffer, size)
            data = bytes(buffer.raw[:max(size - 2, 0)])
            try:
                value = data.decode("utf-16-le")
            except UnicodeDecodeError:
                value = data[: len(data) // 2 * 2].decode("utf-16-le", "replace").replace("\ufffd", "")
                problems.warning(path, None, f"the PDF's {key} is not valid text (UTF-16): what could not be "
                                             "decoded is left out")
            if value.strip():
                found[name] = value
    finally:
        document.close()
    return found


class Bookmark(NamedTuple):
    """One entry of the PDF's outline (its bookmarks), in document order."""
    level: int                    # 1: top level
    title: str
    page: int | None              # the 1-based PDF page it leads to (None: nowhere, or not a page)


OUTLINE_LIMIT = 100_000           # entries read at most (a generated outline may loop through its siblings)
OUTLINE_DEPTH = 16


def outline(path: Path, problems: Collector) -> list[Bookmark]:
    """The PDF's bookmarks: what the typesetter knew of its chapters and sections. A tree that
    loops is read up to where it comes back; a title that is not valid UTF-16 keeps what can be read."""
    document = _open(path, Collector())
    if document is None:
        return []
    found: list[Bookmark] = []
    seen: set[int] = set()
    try:
        def walk(parent: Any, level: int) -> None:
            child = raw.FPDFBookmark_GetFirstChild(document.raw, parent)
            while child and len(found) < OUTLINE_LIMIT:
                address = ctypes.addressof(child.contents)
                if address in seen:
                    problems.warning(path, None, "the PDF's bookmarks loop: read up to where they come back")
                    return
                seen.add(address)
                found.append(Bookmark(level, _bookmark_title(child), _bookmark_page(document, child)))
                if level < OUTLINE_DEPTH:
                    walk(child, level + 1)
                child = raw.FPDFBookmark_GetNextSibling(document.raw, child)

        walk(None, 1)
    finally:
        document.close()
    return found


def _bookmark_title(bookmark: Any) -> str:
    size = raw.FPDFBookmark_GetTitle(bookmark, None, 0)
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFBookmark_GetTitle(bookmark, buffer, size)
    title = buffer.raw[:max(size - 2, 0)].decode("utf-16-le", "replace")
    return " ".join("".join(ch if ch.isprintable() else " " for ch in title).split())


def _bookmark_page(document: pdfium.PdfDocument, bookmark: Any) -> int | None:
    """Where a bookmark leads: its destination, or that of its GoTo action (hyperref's)."""
    destination = raw.FPDFBookmark_GetDest(document.raw, bookmark)
    if not destination:
        action = raw.FPDFBookmark_GetAction(bookmark)
        if action and raw.FPDFAction_GetType(action) == raw.PDFACTION_GOTO:
            destination = raw.FPDFAction_GetDest(document.raw, action)
    if not destination:
        return None
    index = raw.FPDFDest_GetDestPageIndex(document.raw, destination)
    return index + 1 if 0 <= index < len(document) else None


# ---- reading in parallel ----

def _read_pages(document: pdfium.PdfDocument, data: bytes, indices: list[int], jobs: int | None,
                progress: Callable[[str, int, int], None] | None) -> tuple[list[Page], tuple[int, str] | None]:
    """The pages, and the first that could not be read (its index and PDFium's words).

    A long book is read by one process per core: its characters are read one C call at a time,
    and PDFium is not thread-safe. Forked workers, each with its own copy of the document, and
    this process take the pages a few at a time from one shared counter (so a core that another
    program slows down takes fewer); the workers send theirs back packed, and this process puts
    all in order. A worker that dies leaves its pages to this process."""
    chunks = [indices[k:k + CHUNK] for k in range(0, len(indices), CHUNK)]
    jobs = min(jobs or cores(), max(1, len(indices) // SHARE))
    if jobs > 1 and not can_fork():
        jobs = 1
    counter = multiprocessing.get_context("fork").Value("i", 0) if jobs > 1 else None
    workers = [_Reader(data, chunks, counter) for _ in range(jobs - 1)] if counter is not None else []
    found: dict[int, Page] = {}
    failed: dict[int, str] = {}

    def collect(worker: _Reader) -> None:
        pages, failure = worker.receive()
        found.update((page.index, page) for page in pages)
        failed.update(failure)
        if progress and pages:
            progress("reading the PDF: page", len(found), len(indices))

    def read(index: int) -> None:
        try:
            found[index] = _read_page(document, index)
        except pdfium.PdfiumError as exc:
            failed[index] = str(exc)
        if progress:
            progress("reading the PDF: page", len(found), len(indices))

    alone = itertools.count()
    try:
        while (k := take(counter) if counter is not None else next(alone)) < len(chunks):
            for index in chunks[k]:
                read(index)
                for worker in workers:
                    while worker.ready():
                        collect(worker)
        for worker in workers:
            while not worker.done:
                collect(worker)
    finally:
        for worker in workers:
            worker.close()
    for index in indices:   # a dead worker's pages; after a page that failed, none is needed
        if failed and index > min(failed):
            break
        if index not in found and index not in failed:
            read(index)
    if failed:
        first = min(failed)
        return [found[i] for i in indices if i < first], (first, failed[first])
    return [found[i] for i in indices], None


CHUNK = 4            # pages a process takes at a time


class _Reader:
    """A forked process that reads pages, chunk by chunk as the counter hands them out."""

    def __init__(self, data: bytes, chunks: list[list[int]], counter: Any):
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe(duplex=False)
        widen(self.connection)
        self.done = False
        parent = os.getpid()
        # Ctrl+C reaches the whole process group: the child starts with SIGINT blocked and
        # ignores it, so that only the parent reports it.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.process = context.Process(target=_read_chunks, args=(child, data, chunks, counter, parent), daemon=True)
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()

    def ready(self) -> bool:
        return not self.done and self.connection.poll()

    def receive(self) -> tuple[list[Page], dict[int, str]]:
        """A chunk's pages (and those that failed); at the end (or the worker's death), none."""
        try:
            packed, failed = self.connection.recv()
        except (EOFError, OSError):
            self.done = True
            return [], {}
        if packed is None:
            self.done = True
            return [], {}
        return [_unpack(p) for p in packed], failed

    def close(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _read_chunks(connection: Connection, data: bytes, chunks: list[list[int]], counter: Any, parent: int) -> None:
    """The worker process: chunks taken from the counter, read from its own copy of the document."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    die_with_parent(parent)
    try:
        gc.disable()   # see read_pdf
        document = pdfium.PdfDocument(data)
        while (k := take(counter)) < len(chunks):
            packed, failed = [], {}
            for index in chunks[k]:
                try:
                    packed.append(_pack(_read_page(document, index)))
                except pdfium.PdfiumError as exc:
                    failed[index] = str(exc)
            connection.send((packed, failed))
        connection.send((None, {}))
    finally:
        connection.close()
        os._exit(0)   # nothing of the parent's (its document, its exit handlers) is run or closed here


def _pack(page: Page) -> tuple:
    """A page as plain values that pickle fast: per line its characters' fields as columns."""
    styles: dict[Style, int] = {}
    lines = []
    for line in page.lines:
        chars = line.chars
        lines.append((line.right, line.hyphen, line.sign, [c.text for c in chars], array("d", [c.x for c in chars]),
                      array("d", [c.y for c in chars]), array("d", [c.size for c in chars]),
                      array("H", [styles.setdefault(c.style, len(styles)) for c in chars]),
                      bytes(c.raised for c in chars), array("i", [c.index for c in chars])))
    graphics = [(g.kind, g.left, g.top, g.right, g.bottom) for g in page.graphics]
    return page.index, page.width, page.height, lines, graphics, list(styles), page.unread, page.repairs


def _unpack(packed: tuple) -> Page:
    index, width, height, lines, graphics, styles, doubts, repairs = packed
    return Page(index, width, height,
                [Line([Char(t, x, y, s, styles[k], r == 1, i) for t, x, y, s, k, r, i in zip(*columns, strict=True)],
                      right, hyphen, sign=sign) for right, hyphen, sign, *columns in lines],
                [Graphic(*g) for g in graphics], doubts, repairs)


# ---- one page ----

def _read_page(document: pdfium.PdfDocument, index: int) -> Page:
    page = document[index - 1]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            lines, doubts, repairs = _lines(textpage, height)
        finally:
            textpage.close()
        graphics = _graphics(page, height)
    finally:
        page.close()
    return Page(index, width, height, lines, graphics, doubts, repairs)


class _C:
    """PDFium's per-character functions called with plain ints: the binding's typed wrappers
    convert every argument, which costs more than the call (a book has millions of characters)."""

    def __init__(self) -> None:
        def entry(function: Any, result: Any, *arguments: Any) -> Callable[..., Any]:
            address = ctypes.cast(function, ctypes.c_void_p).value or 0
            return ctypes.CFUNCTYPE(result, *arguments)(address)

        def untyped(function: Any, result: Any) -> Callable[..., Any]:
            # called once or twice for every character: no argument converted by a type (a C
            # function called without argument types takes each as it comes: the pointers as
            # ctypes objects made once, the index as an int, a C int), which halves the call's
            # cost again (`edition clean` of a 1,754-page book: a third of the reading loop's CPU)
            return entry(function, result)

        pointer, number = ctypes.c_void_p, ctypes.c_int
        self.origin = untyped(raw.FPDFText_GetCharOrigin, number)          # (page, index, byref(x), byref(y))
        self.text_object = untyped(raw.FPDFText_GetTextObject, pointer)    # (page, index)
        self.box = entry(raw.FPDFText_GetCharBox, number, pointer, number, pointer, pointer, pointer, pointer)
        self.font = entry(raw.FPDFTextObj_GetFont, pointer, pointer)
        self.size = entry(raw.FPDFText_GetFontSize, ctypes.c_double, pointer, number)
        self.text = entry(raw.FPDFText_GetText, number, pointer, number, number, pointer)
        self.unicode = entry(raw.FPDFText_GetUnicode, ctypes.c_uint, pointer, number)


_FUNCTIONS: list[_C] = []


def _functions() -> _C:
    if not _FUNCTIONS:
        _FUNCTIONS.append(_C())
    return _FUNCTIONS[0]


SURROGATE = re.compile("[\ud800-\udfff]")
SKIP = "\x00"   # the second half of a surrogate pair: its character stands at the first half


def _characters(handle: int, count: int, c: _C) -> tuple[str | list[str], set[int]]:
    """The page's characters, one per PDFium index, and those PDFium maps to no character
    (a lone surrogate: LuaTeX writes some characters beyond the BMP as two halves, and a broken
    ToUnicode map can leave one alone). A pair becomes its character."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = c.text(handle, 0, count, ctypes.addressof(buffer))
    text = bytes(buffer)[:2 * count].decode("utf-16-le", "surrogatepass") if written == count + 1 else ""
    if len(text) == count and not SURROGATE.search(text):
        return text, set()
    units = [c.unicode(handle, i) for i in range(count)]   # PDFium's own index, one call each
    chars = [chr(u) if u < 0xD800 or 0xDFFF < u <= 0x10FFFF else "" for u in units]
    lost: set[int] = set()
    for i, u in enumerate(units):
        if 0xD800 <= u <= 0xDBFF and i + 1 < count and 0xDC00 <= units[i + 1] <= 0xDFFF:
            chars[i], chars[i + 1] = chr(0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)), SKIP
        elif chars[i] == "" and not (i and 0xD800 <= units[i - 1] <= 0xDBFF and 0xDC00 <= u <= 0xDFFF):
            chars[i] = "\ufffd"
            lost.add(i)
    return chars, lost


ACCENT_RULE = "accent set as a glyph of its own, composed with its letter"
QUOTE_RULE = "a closing quote set lowered read as the low opening quote"
LOGO_RULE = "TeX logo: a letter set lower or higher read as the logo's small letter"


def _lines(textpage: pdfium.PdfTextPage, height: float) -> tuple[list[Line], list[Unread], list[Repair]]:
    """PDFium's characters in its order, cut into lines where it puts a line break or where the
    baseline jumps; spaces as PDFium gives or generates them (one between words)."""
    c = _functions()
    handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value or 0
    count = textpage.count_chars()
    text, lost = _characters(handle, count, c) if count else ("", set())
    own = ctypes.c_void_p(handle)   # the page as the untyped calls take it
    x, y = ctypes.c_double(), ctypes.c_double()
    px, py = ctypes.byref(x), ctypes.byref(y)
    edges = (ctypes.c_double * 4)()
    e0, e1, e2, e3 = (ctypes.addressof(edges) + 8 * k for k in range(4))
    origin, text_object, box = c.origin, c.text_object, c.box
    fonts: dict[int | None, Style] = {}
    styles: dict[int | None, tuple[Style, float]] = {}
    lines: list[Line] = []
    current: list[Char] = []
    last_index = 0
    hyphen = False     # the line ends in a hyphen that breaks it
    unseen = False     # the last character read is a zero-width space: the line may break there, inside a word
    mark = -1          # where a hyphen mark stands that may end the line (known when the next character comes)
    last_key: int | None = -1
    style, size = Style("", False, False), 0.0

    def close() -> None:
        nonlocal current, hyphen, mark, unseen
        while current and current[-1].text == " ":
            current.pop()
            unseen = False   # a space after the zero-width one: the words are apart
        if current:
            # The right edge of its ink: the break hyphen's too (taken out of the characters);
            # an accent set last stands over a letter further left (dvips).
            last = mark if hyphen and mark > last_index else last_index
            if text[last] in ACCENTS:
                last = max((ch for ch in current if ch.index >= 0 and ch.text not in ACCENTS), key=lambda ch: ch.x,
                           default=current[-1]).index
            box(handle, last, e0, e1, e2, e3)
            sign = "\u2010" if hyphen and mark >= 0 and text[mark] == "\u2010" else ""
            lines.append(Line(current, max(edges[1], current[-1].x), hyphen,
                              sign=ZERO_WIDTH_SPACE if unseen and not hyphen else sign))
        current, hyphen, mark, unseen = [], False, -1, False

    last_y = None
    for i in range(count):
        ch = text[i]
        if ch in SPECIAL:   # a letter, digit or sign of the text goes on below (one test: most characters are)
            if ch in MARKS and current and current[-1].text == " ":
                ch = "-"   # a hyphen after a space breaks no word: an option's ("von -|force-help", "Schalter -|w")
            if ch == " ":
                if not current or current[-1].text == " ":
                    continue
                if current[-1].text == "-" and i + 1 < count and text[i + 1].isalpha() and _glyph_unread(handle, i, current):
                    box(handle, current[-1].index, e0, e1, e2, e3)
                    current.append(Char("-", edges[1], current[-1].y, current[-1].size, current[-1].style, False, -1))
                    continue
            elif ch in "\r\n":
                close()
                continue
            elif ch in HYPHENS and not (ch == "\u2010" and current and current[-1].text == " "):
                hyphen, mark = True, i   # a break hyphen, if the line ends here (a soft one is visible only there)
                continue
            elif ch == SKIP:
                continue
            elif ch in INVISIBLE:
                # printed as nothing: kept out of the text ("Bei\u200bspiel" is "Beispiel" to a reader and
                # to search); a zero-width space is where a line may break inside a word (Typst)
                unseen = ch == ZERO_WIDTH_SPACE
                continue
        unseen = False
        origin(own, i, px, py)
        key = text_object(own, i)
        if key != last_key:
            known = styles.get(key)
            if known is None:  # a text object's characters share one font and size
                font = c.font(key) if key else None
                if font not in fonts:
                    fonts[font] = _style(font)
                known = styles[key] = (fonts[font], c.size(handle, i) * _scale(key))
            style, size = known
            last_key = key
        baseline = height - y.value
        if baseline != last_y and current and ch != " " and abs(baseline - current[-1].y) > max(size, current[-1].size) * 0.6:
            close()  # the baseline jumped: a new line PDFium did not mark
        elif mark >= 0 and ch != " ":
            # The mark stands inside the line: it breaks nothing. A soft hyphen stays unseen; a
            # hyphen PDFium took for a break (its mark) or WeasyPrint's U+2010 is printed there.
            if text[mark] != "\u00ad":
                origin(own, mark, px, py)
                current.append(Char("\u2010" if text[mark] == "\u2010" else "-", x.value, height - y.value, size, style,
                                    False, mark))
                origin(own, i, px, py)
            hyphen, mark = False, -1
        last_y = baseline
        raised = False
        if ch.isdigit():  # a superscript glyph (Typst) floats above its baseline: its box tells
            box(handle, i, e0, e1, e2, e3)
            raised = edges[2] > y.value + 0.2 * size   # its bottom above the baseline
        current.append(Char(ch, x.value, baseline, size, style, raised, i))
        if ch != " ":
            last_index = i
    close()
    for line in lines:
        if SPACED_HINT.search(line.text):
            _letter_spacing(line, textpage.raw)
        if line.text.endswith(APART):
            _hyphen_apart(line, textpage.raw)
    lines = _rejoin(lines)
    mended: list[tuple[Line, str, str, str]] = []     # (the line as read, before, after, rule)
    for k, line in enumerate(lines):
        composed = _compose(line, handle, c)
        quoted = _low_quotes(composed)
        lines[k] = read = _tex_logos(quoted)
        for before, after, rule in ((line, composed, ACCENT_RULE), (composed, quoted, QUOTE_RULE), (quoted, read, LOGO_RULE)):
            if after is not before:
                mended.append((read, before.text, after.text, rule))
    numbers = {id(line): n for n, line in enumerate(sorted(lines, key=lambda line: line.y), 1)}
    repairs = [Repair(numbers[id(read)], before, after, rule) for read, before, after, rule in mended]
    doubts = [Unread(numbers[id(line)], "the PDF maps a character to no valid Unicode (half of a surrogate pair): "
                          "read as U+FFFD; the print shows what it is", printed=line.text, reading=line.text)
              for line in lines if lost and any(ch.index in lost for ch in line.chars)]
    return lines, doubts, repairs


# PDFium's mark for a hyphen it found at a line end, the soft hyphen (Typst's break), and U+2010,
# the hyphen WeasyPrint adds where it breaks a word (a typed hyphen is U+002D).
HYPHENS = (HYPHEN_MARK, "\x02", "\u00ad", "\u2010")
MARKS = (HYPHEN_MARK, "\x02")   # PDFium's marks of a hyphen it takes for a break
# Characters a PDF may carry that print as nothing: the zero-width space (a break opportunity), the
# word joiner and the byte-order mark (its old role). Joiners of scripts that need them (U+200C,
# U+200D) stay.
ZERO_WIDTH_SPACE = "\u200b"
INVISIBLE = (ZERO_WIDTH_SPACE, "\u2060", "\ufeff")
SPECIAL = frozenset((" ", "\r", "\n", SKIP, *HYPHENS, *MARKS, *INVISIBLE))   # what `_lines` looks at before it reads a character


def _glyph_unread(handle: int, space: int, current: list[Char]) -> bool:
    """A hyphen's second glyph that has no text (Typst's "--purge": PDFium gives one '-', then
    a space it generates for the gap): the gap after the hyphen is a hyphen's width again, and
    no space is there where this line's own spaces are characters (a typesetter that writes its
    spaces; TeX writes none, and PDFium generates them all)."""
    textpage = ctypes.cast(handle, raw.FPDF_TEXTPAGE)
    if raw.FPDFText_IsGenerated(textpage, space) != 1 or current[-1].index < 0:
        return False
    own = [c.index for c in current if c.text == " " and c.index >= 0][-3:]
    if not own or any(raw.FPDFText_IsGenerated(textpage, k) != 0 for k in own):
        return False
    boxes = []
    for k in (current[-1].index, space + 1):
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        raw.FPDFText_GetCharBox(textpage, k, left, right, bottom, top)
        boxes.append((left.value, right.value))
    width, gap = boxes[0][1] - boxes[0][0], boxes[1][0] - boxes[0][1]
    return width > 0 and 1.1 * width <= gap <= 2.2 * width


SPACED_HINT = re.compile(r"(?<!\S)\w{1,2} \w{1,2} \w{1,2}(?!\S)")   # PDFium puts spaces into letter-spaced words
SPACED = "#spaced"


def _letter_spacing(line: Line, handle: object) -> None:
    """Sperrsatz: letters set apart by tracking. A typesetter sets a line's word spaces all alike
    and its tracked letters all alike, to a hundredth of a point; in plain text neighbours touch.
    So: the gaps between letters that stand alone between touching neighbours are the line's
    word space; gaps wider than touching but unlike the word space, three letters or more in a
    row, are tracking. PDFium's spaces inside such a word go; the letters are styled "spaced"."""
    rect = raw.FS_RECTF()
    glyphs = [c for c in line.chars if c.text != " "]
    if len(glyphs) < 4:
        return
    gaps: list[float] = []
    for a, b in itertools.pairwise(glyphs):
        raw.FPDFText_GetLooseCharBox(handle, a.index, ctypes.byref(rect))
        gaps.append(b.x - rect.right)
    size = glyphs[0].size
    plain = sorted(gaps)[len(gaps) // 2]      # what touching neighbours leave between their loose boxes
    wide = [g - plain > 0.07 * size for g in gaps]
    for k in range(1, len(gaps) - 1):  # a kerned pair inside a spaced word ("f|s") is narrower, yet not touching
        wide[k] = wide[k] or (wide[k - 1] and wide[k + 1] and gaps[k] - plain > 0.03 * size)
    ligature = [g < -0.2 * size for g in gaps]   # a ligature's second letter starts inside the first one's box
    lone = [gaps[j] for j in range(len(gaps)) if wide[j] and not (j and wide[j - 1]) and not (j + 1 < len(gaps) and wide[j + 1])]
    word_space = sorted(lone)[len(lone) // 2] if lone else None
    same = 0.012 * size
    joined: set[int] = set()
    j = 0
    while j < len(gaps):
        end = j
        while end < len(gaps) and (wide[end] or (ligature[end] and end > j)):
            end += 1
        run = [gaps[k] for k in range(j, end) if wide[k]]
        # A run that begins right after a letter touching the one before it begins at a word
        # boundary: that letter ends a plain word ("Auf|i h n e n"), whatever the gap's width.
        start = j + 1 if j > 0 and not wide[j - 1] and not ligature[j - 1] and end - j >= 3 else j
        if len(run) >= 2:
            tracking = max(run, key=lambda g: (sum(abs(h - g) <= same for h in run), -g))   # most shared; the narrower
            if sum(abs(h - tracking) <= same for h in run) >= 2:
                if word_space is None or abs(tracking - word_space) > same:
                    # a gap narrower than the tracking and unlike the word space is a kerned pair ("f|s")
                    # a pair kerned apart ("b|e" in TeX's letter-spaced "Arbeiten") a little wider: a word
                    # space in letter-spaced text is the tracking and a whole word space more (nearer the
                    # line's word space than the tracking: a word's end)
                    joined.update(id(glyphs[k]) for k in range(start, end) if abs(gaps[k] - tracking) <= same or ligature[k]
                                  or (gaps[k] < tracking and (word_space is None or abs(gaps[k] - word_space) > same))
                                  or (0 < gaps[k] - tracking <= KERN * size
                                      and (word_space is None or gaps[k] - tracking < (word_space - tracking) / 2)))
                else:  # the line's word spaces are as wide as the tracking: PDFium's single letters tell
                    apart = {id(glyphs[k]) for k in range(len(gaps)) if wide[k]}
                    joined.update(_single_letters(line, {id(glyphs[k]) for k in range(j, end + 1)}, apart))
        j = max(end, j + 1)
    if not joined:
        return
    styled = joined | {id(glyphs[k + 1]) for k in range(len(gaps)) if id(glyphs[k]) in joined}
    rebuilt: list[Char] = []
    for c in line.chars:
        if c.text == " " and rebuilt and id(rebuilt[-1]) in joined:
            continue   # a space PDFium put between two letters of one spaced word
        if id(c) in styled and c.text.isalnum():
            c.style = Style(SPACED, c.style.bold, c.style.italic)
        rebuilt.append(c)
    line.chars[:] = rebuilt
    line.text = "".join(c.text for c in line.chars)


def _single_letters(line: Line, among: set[int], apart: set[int] | frozenset[int] = frozenset()) -> set[int]:
    """Letters standing alone between spaces, three or more in a row ("G e w e r k s c h a ft e n";
    a ligature's two letters count as one; so do letters PDFium left together that stand wide
    `apart`, the kerned "Ve" of "Ve r s i c h e r u n g e n"): all but the last of each row, to
    be joined."""
    tokens: list[list[Char]] = [[]]
    for c in line.chars:
        if c.text == " ":
            tokens.append([])
        else:
            tokens[-1].append(c)
    single = [bool(t) and id(t[0]) in among and (len(t) == 1 or "".join(c.text for c in t) in LIGATURES
                                                  or all(id(c) in apart for c in t[:-1])) for t in tokens]
    found: set[int] = set()
    k = 0
    while k < len(tokens):
        end = k
        while end < len(tokens) and single[end]:
            end += 1
        if end - k >= 3:
            found.update(id(c) for t in tokens[k:end - 1] for c in t)
            found.update(id(c) for c in tokens[end - 1][:-1])
        k = max(end, k + 1)
    return found


LIGATURES = {"ff", "fi", "fl", "ft", "ffi", "ffl", "st", "ck", "ch"}
KERN = 0.04      # em: how much wider than the tracking a kerned pair of a letter-spaced word stands
APART = (" -", " \u2010")   # a line's end: a hyphen after a space


def _hyphen_apart(line: Line, handle: object) -> None:
    """A word broken at the line's end whose hyphen PDFium set apart with a space ("be -",
    Writer; "s e -", "A r ‐": letter-spaced): the gap before the hyphen is narrower than the
    line's word spaces (a dash set as a hyphen stands a word space apart). The space goes, and
    so do those between the letters before it that stand as far apart (a letter-spaced word's,
    then styled "spaced"): the line ends in the word's first half and its hyphen, which the
    joins then decide."""
    chars = line.chars
    if len(chars) < 4 or not chars[-3].text.isalpha() or chars[-3].index < 0:
        return
    rect = raw.FS_RECTF()

    def gap(a: Char, b: Char) -> float:
        raw.FPDFText_GetLooseCharBox(handle, a.index, ctypes.byref(rect))
        return b.x - rect.right

    spaces = sorted(gap(chars[k - 1], chars[k + 1]) for k in range(1, len(chars) - 2)
                    if chars[k].text == " " and chars[k - 1].text != " " and chars[k - 1].index >= 0
                    and chars[k + 1].text != " ")
    if not spaces:
        return
    word_space, size = spaces[len(spaces) // 2], chars[-3].size
    last = gap(chars[-3], chars[-1])
    if not 0 <= last < 0.75 * word_space:
        return
    drop = {len(chars) - 2}
    k = len(chars) - 3
    while k >= 2 and chars[k - 1].text == " " and chars[k - 2].text.isalpha() and chars[k - 2].index >= 0 \
            and abs(gap(chars[k - 2], chars[k]) - last) <= KERN * size:
        drop.add(k - 1)
        k -= 2
    if len(drop) > 1:     # letter-spaced
        for c in chars[k:]:
            if c.text.isalpha():
                c.style = Style(SPACED, c.style.bold, c.style.italic)
    line.chars[:] = [c for n, c in enumerate(chars) if n not in drop]
    line.text = "".join(c.text for c in line.chars)


def _rejoin(lines: list[Line]) -> list[Line]:
    """One printed line that PDFium broke in pieces: joined again. A note's number set raised
    before its first line; the rest of a line after a raised note number; the letters of TeX's
    logos, set a little lower or higher ("T", "E" lowered, "X"); an accent set as a glyph of its
    own where it stands over its letter (dvips); a German low quote made of a lowered "”"."""
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if previous is None:
            out.append(line)
            continue
        size = max(previous.size, line.size)
        gap = _left_ink(line) - previous.right
        if (previous.text.isdigit() and previous.size < 0.8 * line.size
                and 0 < line.y - previous.y < line.size and -1 < gap < line.size):
            raised = [Char(c.text, c.x, c.y, c.size, c.style, True, c.index) for c in previous.chars]
            out[-1] = Line(raised + line.chars, line.right, line.hyphen, sign=line.sign)
        elif _accents_only(line) and abs(previous.y - line.y) < 0.6 * size and previous.left - size < line.left < previous.right:
            out[-1] = Line([*previous.chars, *line.chars], previous.right, previous.hyphen, sign=previous.sign)   # composed below
        elif _low_quote(line) and 0.3 * size < line.y - previous.y < 0.8 * size and -0.3 * size < gap < size:
            out[-1] = Line([*previous.chars, *_spaced(previous, gap, size), *line.chars], line.right, False)
        elif _low_quote(previous) and 0.3 * size < previous.y - line.y < 0.8 * size and -0.3 * size < gap < 0.3 * size:
            # the line's baseline: the most
            out[-1] = Line([*previous.chars, *line.chars], line.right, line.hyphen, sign=line.sign)
        elif not previous.hyphen and abs(previous.y - line.y) < 0.3 * size and gap > -0.5 * size:
            out[-1] = Line([*previous.chars, *_spaced(previous, gap, size), *line.chars], line.right, line.hyphen,
                           sign=line.sign)
        else:
            out.append(line)
    return out


def _left_ink(line: Line) -> float:
    """Where a line's letters begin: an accent set first may stand back over the piece before."""
    return next((c.x for c in line.chars if c.text not in ACCENTS and c.text != " "), line.left)


def _spaced(previous: Line, gap: float, size: float) -> list[Char]:
    """The space between two pieces of a line, if they do not touch (a logo's letters do)."""
    if gap < 0.12 * size:
        return []
    return [Char(" ", previous.right, previous.y, previous.chars[-1].size, previous.chars[-1].style)]


def _accents_only(line: Line) -> bool:
    return all(c.text in ACCENTS or c.text == " " for c in line.chars)


def _low_quote(line: Line) -> bool:
    return line.text in ("”", "’", "”", "’’")


# Spacing accents a typesetter sets as glyphs of their own over (or under) a letter, and the
# combining mark each stands for.
ACCENTS = {"¨": "\u0308", "´": "\u0301", "`": "\u0300", "ˆ": "\u0302", "^": "\u0302", "˜": "\u0303", "~": "\u0303",
           "¸": "\u0327", "˚": "\u030a", "ˇ": "\u030c", "˘": "\u0306", "¯": "\u0304", "˙": "\u0307", "˝": "\u030b",
           "˛": "\u0328"}
DOTLESS = {"ı": "i", "ȷ": "j"}      # TeX sets an accent over a dotless i
ACCENTED = re.compile("[" + re.escape("".join(ACCENTS)) + "]")


def _compose(line: Line, handle: int, c: _C) -> Line:
    """Accents set as glyphs of their own (dvips, Distiller: "fu¨r") composed with the letter
    they stand over, by the boxes' geometry: an accent whose middle lies inside a letter's box
    is that letter's; one that stands on its own (a backtick in code) stays."""
    if not ACCENTED.search(line.text):   # most lines: looked for in C
        return line
    edges = (ctypes.c_double * 4)()
    e0, e1, e2, e3 = (ctypes.addressof(edges) + 8 * k for k in range(4))
    loose = raw.FS_RECTF()

    def middle(ch: Char) -> float:
        c.box(handle, ch.index, e0, e1, e2, e3)
        return (edges[0] + edges[1]) / 2

    letters = [ch for ch in line.chars if ch.text.isalpha()]
    gone: set[int] = set()
    for accent in [ch for ch in line.chars if ch.text in ACCENTS and ch.index >= 0]:
        x = middle(accent)
        best = None
        for letter in letters:
            if id(letter) in gone or abs(letter.x - x) > 2 * letter.size or letter.index < 0:
                continue
            raw.FPDFText_GetLooseCharBox(ctypes.cast(handle, raw.FPDF_TEXTPAGE), letter.index, ctypes.byref(loose))
            if loose.left < x < loose.right:
                best = letter
                break
        if best is None:
            continue
        base = DOTLESS.get(best.text, best.text) if ACCENTS[accent.text] not in ("\u0327", "\u0328") else best.text
        best.text = unicodedata.normalize("NFC", base + ACCENTS[accent.text])
        gone.add(id(accent))
    if not gone:
        return line
    # PDFium puts a space where the pen jumps back for the accent and one where it jumps on
    # again: where the letters on either side touch, they are one word ("unterst ¨ utzt").
    kept = [ch for ch in line.chars if id(ch) not in gone]
    beside = {id(x) for k, ch in enumerate(line.chars) if id(ch) in gone
              for x in line.chars[max(k - 1, 0):k + 2] if x.text == " "}
    chars: list[Char] = []
    for k, ch in enumerate(kept):
        if ch.text == " " and (not chars or chars[-1].text == " "):
            continue
        if ch.text == " " and id(ch) in beside and chars[-1].index >= 0:
            after = next((x for x in kept[k + 1:] if x.text != " "), None)
            raw.FPDFText_GetLooseCharBox(ctypes.cast(handle, raw.FPDF_TEXTPAGE), chars[-1].index, ctypes.byref(loose))
            if after is not None and -0.3 * after.size < after.x - loose.right < 0.1 * after.size:
                continue
        chars.append(ch)
    while chars and chars[-1].text == " ":
        chars.pop()
    return Line(chars, line.right, line.hyphen, sign=line.sign)


def _low_quotes(line: Line) -> Line:
    """A closing quote set lowered to the baseline is the German opening quote made of it
    (OT1 fonts have no „): ” → „, ’ → ‚."""
    if "”" not in line.text and "’" not in line.text:   # most lines: looked for in C
        return line
    chars = line.chars
    found = [k for k, ch in enumerate(chars) if ch.text in LOWERED and 0.3 * line.size < ch.y - line.y < 0.8 * line.size]
    if not found:
        return line
    chars = list(chars)
    for k in found:
        ch = chars[k]
        chars[k] = Char(LOWERED[ch.text], ch.x, line.y, ch.size, ch.style, False, ch.index)
    return Line(chars, line.right, line.hyphen, sign=line.sign)


LOWERED = {"”": "„", "’": "‚"}
# two capitals side by side (what a logo's letters are as PDFium gives them): every capital
# of the Basic Multilingual Plane, as str.isupper knows them
CAPITALS = re.compile("[" + re.escape("".join(ch for ch in map(chr, range(0x10000)) if ch.isupper())) + "]{2}")


def _tex_logos(line: Line) -> Line:
    """TeX's logos: a capital set lower or higher than the capital before it in the same word
    (T·E·X, L·A·T·E·X, X·Ǝ·T·E·X) is the logo's small letter: "TeX", "LaTeX", "XeTeX"."""
    if not CAPITALS.search(line.text):   # a logo's letters are capitals side by side as PDFium gives them
        return line
    chars = line.chars
    shifted = [0.1 * line.size < abs(ch.y - line.y) < 0.5 * line.size for ch in chars]
    changed = False
    for k in range(1, len(chars)):
        ch, before = chars[k], chars[k - 1]
        if shifted[k] and ch.text.isupper() and before.text.isupper() and not shifted[k - 1]:
            chars[k] = Char("e" if ch.text == "Ǝ" else ch.text.lower(), ch.x, ch.y, ch.size, ch.style, ch.raised, ch.index)
            changed = True
    return Line(chars, line.right, line.hyphen, sign=line.sign) if changed else line


def _scale(text_object: int | None) -> float:
    """How much a text object's matrix enlarges its font: Distiller (and others) set every font
    at size 1 and scale the text matrix instead, so the size PDFium reports is 1 for all type."""
    if not text_object:
        return 1.0
    matrix = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(ctypes.cast(text_object, raw.FPDF_PAGEOBJECT), ctypes.byref(matrix)):
        return 1.0
    scale = math.hypot(matrix.c, matrix.d)   # what a glyph's height becomes (not its width: pdfTeX's font expansion)
    return scale if scale > 0 else 1.0


def _style(address: int | None) -> Style:
    """The style of a font (by its address: a page's text objects share a few fonts)."""
    if not address:
        return Style("", False, False)
    font = ctypes.cast(address, raw.FPDF_FONT)
    buffer = ctypes.create_string_buffer(256)
    raw.FPDFFont_GetBaseFontName(font, buffer, 256)
    name = buffer.value.decode("latin-1").split("+")[-1]
    angle = ctypes.c_int()
    raw.FPDFFont_GetItalicAngle(font, ctypes.byref(angle))
    lowered = name.lower()
    bold = (raw.FPDFFont_GetWeight(font) >= 600 or any(w in lowered for w in ("bold", "black", "heavy", "semibold"))
            or any(t in lowered for t in TEX_BOLD))
    italic = angle.value != 0 or any(w in lowered for w in ("italic", "oblique")) or any(t in lowered for t in TEX_ITALIC)
    return Style(name, bold, italic)


# TeX's font names say what their flags may not: lmbx10 (bold), lmri10 (italic), cmsl (slanted).
TEX_BOLD = ("lmbx", "cmbx", "lmb10", "cmb10")
TEX_ITALIC = ("lmri", "cmti", "lmti", "cmsl", "lmsl", "lmbxi", "cmbxti")


def _graphics(page: pdfium.PdfPage, height: float) -> list[Graphic]:
    found = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind not in (IMAGE, PATH):
            continue
        raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        found.append(Graphic("image" if kind == IMAGE else "path", left.value, height - top.value, right.value,
                             height - bottom.value))
    return found
