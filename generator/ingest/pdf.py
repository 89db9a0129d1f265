"""Read a PDF's pages into lines with their geometry: the first pass of PDF ingest.

PDFium (pypdfium2) gives every character with its origin, size and font, and marks a hyphen it
found at a line end (U+FFFE in its text). Lines are PDFium's own (it breaks them where the
baseline moves); a line keeps its characters' positions, so every later pass decides from the
layout, not from the text an extractor would flatten it into. Coordinates are PDF points with
y growing downwards from the top of the page, as a reader looks at it.
"""
from __future__ import annotations

import ctypes
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no stubs; this module is its only user
from pypdfium2 import raw

from generator.diagnostics import Collector

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


@dataclass(slots=True)
class Line:
    chars: list[Char]
    right: float                  # right edge of the last character
    hyphen: bool = False          # PDFium found a hyphen at its end (taken out of `chars`)
    text: str = ""
    y: float = 0.0                # the baseline most characters stand on (a raised number does not move it)
    size: float = 0.0             # the size most of its letters are set in

    def __post_init__(self) -> None:
        self.text = "".join(c.text for c in self.chars)
        baselines: dict[float, int] = {}
        sizes: dict[float, int] = {}
        for c in self.chars:  # the characters of one line share exact values: no rounding needed
            baselines[c.y] = baselines.get(c.y, 0) + 1
            if c.text.isalpha():
                sizes[c.size] = sizes.get(c.size, 0) + 1
        self.y = round(max(baselines.items(), key=lambda item: item[1])[0], 1)
        self.size = round(max(sizes.items(), key=lambda item: item[1])[0] if sizes else self.chars[0].size, 1)

    @property
    def left(self) -> float:
        return self.chars[0].x


@dataclass
class Graphic:
    kind: str                     # "image" or "path"
    left: float
    top: float
    right: float
    bottom: float


@dataclass
class Page:
    index: int                    # 1-based PDF page
    width: float
    height: float
    lines: list[Line]
    graphics: list[Graphic] = field(default_factory=list)


def read_pdf(path: Path, first: int | None, last: int | None, problems: Collector) -> list[Page]:
    """The PDF's pages first..last (1-based, inclusive); errors go to `problems`."""
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            problems.error(path, None, "the PDF is encrypted: remove its password first (for example with qpdf --decrypt)")
        else:
            problems.error(path, None, f"not a readable PDF ({message.rstrip('.')})")
        return []
    try:
        count = len(document)
        first, last = first or 1, last or count
        if not 1 <= first <= last <= count:
            problems.error(path, None, f"--pages {first}-{last} is outside the book: it has {count} page(s)")
            return []
        pages = [_read_page(document, index) for index in range(first, last + 1)]
    finally:
        document.close()
    pictures = [p.index for p in pages if not p.lines and any(g.kind == "image" for g in p.graphics)]
    if not any(p.lines for p in pages) and not pictures:
        problems.error(path, None, "no text on any page")
    elif len(pictures) * 2 >= len(pages):  # a scan: a plate or two in a printed book is not
        shown = ", ".join(map(str, pictures[:10])) + (" …" if len(pictures) > 10 else "")
        problems.error(path, None, f"page {shown} has no text layer, only a picture: run OCR first (for example "
                                   "ocrmypdf), then ingest the result")
    return pages


def _read_page(document: pdfium.PdfDocument, index: int) -> Page:
    page = document[index - 1]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            lines = _lines(textpage, height)
        finally:
            textpage.close()
        graphics = _graphics(page, height)
    finally:
        page.close()
    return Page(index, width, height, lines, graphics)


def _lines(textpage: pdfium.PdfTextPage, height: float) -> list[Line]:
    """PDFium's characters in its order, cut into lines where it puts a line break or where the
    baseline jumps; spaces as PDFium gives or generates them (one between words)."""
    handle = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range() if count else ""
    if len(text) != count:  # characters beyond the BMP: index by PDFium's own count
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i) or 0xFFFD) for i in range(count))
    x, y = ctypes.c_double(), ctypes.c_double()
    box = [ctypes.c_double() for _ in range(4)]
    origin, (text_object, page_handle) = raw.FPDFText_GetCharOrigin, _text_object(handle)
    styles: dict[int | None, tuple[Style, float]] = {}
    lines: list[Line] = []
    current: list[Char] = []
    last_index = 0
    hyphen = False

    def close() -> None:
        nonlocal current, hyphen
        while current and current[-1].text == " ":
            current.pop()
        if current:
            raw.FPDFText_GetCharBox(handle, last_index, *box)
            lines.append(Line(current, max(box[1].value, current[-1].x), hyphen))
        current, hyphen = [], False

    last_y = None
    for i in range(count):
        ch = text[i]
        if ch in "\r\n":
            close()
            continue
        if ch in (HYPHEN_MARK, "\x02"):
            hyphen = True
            continue
        if ch == " " and (not current or current[-1].text == " "):
            continue
        origin(handle, i, x, y)
        key = text_object(page_handle, i)
        known = styles.get(key)
        if known is None:  # a text object's characters share one font and size
            known = styles[key] = (_style(raw.FPDFText_GetTextObject(handle, i)), raw.FPDFText_GetFontSize(handle, i))
        style, size = known
        baseline = height - y.value
        if baseline != last_y and current and ch != " " and abs(baseline - current[-1].y) > max(size, current[-1].size) * 0.6:
            close()  # the baseline jumped: a new line PDFium did not mark
        last_y = baseline
        raised = False
        if ch.isdigit():  # a superscript glyph (Typst) floats above its baseline: its box tells
            raw.FPDFText_GetCharBox(handle, i, *box)
            raised = box[2].value > y.value + 0.2 * size
        current.append(Char(ch, x.value, baseline, size, style, raised))
        if ch != " ":
            last_index = i
    close()
    return _rejoin(lines)


def _rejoin(lines: list[Line]) -> list[Line]:
    """One printed line that PDFium broke in two: joined again. A note's number set raised
    before its first line, and the rest of a line after a raised note number."""
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if (previous is not None and previous.text.isdigit() and previous.size < 0.8 * line.size
                and 0 < line.y - previous.y < line.size and -1 < line.left - previous.right < line.size):
            raised = [Char(c.text, c.x, c.y, c.size, c.style, True) for c in previous.chars]
            out[-1] = Line(raised + line.chars, line.right, line.hyphen)
        elif (previous is not None and not previous.hyphen and abs(previous.y - line.y) < 0.3 * line.size
                and line.left > previous.right - 1):
            space = Char(" ", previous.right, previous.y, previous.chars[-1].size, previous.chars[-1].style)
            out[-1] = Line([*previous.chars, space, *line.chars], line.right, line.hyphen)
        else:
            out.append(line)
    return out


_TEXT_OBJECT: list[Callable[[ctypes.c_void_p, int], int | None]] = []


def _text_object(handle: ctypes.c_void_p) -> tuple[Callable[[ctypes.c_void_p, int], int | None], ctypes.c_void_p]:
    """FPDFText_GetTextObject answering a plain int, the object's address: a cache key (the
    binding's typed pointer costs a ctypes.cast per character, most of the reading time)."""
    if not _TEXT_OBJECT:
        address = ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value or 0
        _TEXT_OBJECT.append(ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(address))
    return _TEXT_OBJECT[0], ctypes.c_void_p(ctypes.cast(handle, ctypes.c_void_p).value)


def _style(obj: object) -> Style:
    if not obj:
        return Style("", False, False)
    font = raw.FPDFTextObj_GetFont(obj)
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
