"""Read a PDF's pages into lines with their geometry: the first pass of PDF ingest.

PDFium (pypdfium2) gives every character with its origin, size and font, and marks a hyphen it
found at a line end (U+FFFE in its text). Lines are PDFium's own (it breaks them where the
baseline moves); a line keeps its characters' positions, so every later pass decides from the
layout, not from the text an extractor would flatten it into. Coordinates are PDF points with
y growing downwards from the top of the page, as a reader looks at it.
"""
from __future__ import annotations

import ctypes
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no stubs; this module is its only user
from pypdfium2 import raw

from generator.diagnostics import Collector
from generator.files import Refused, read_regular

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


PDF_LIMIT = 2**30    # a book's PDF is read whole into memory (once, and only if it is a regular file)


def read_pdf(path: Path, first: int | None, last: int | None, problems: Collector,
             progress: Callable[[str, int, int], None] | None = None) -> list[Page]:
    """The PDF's pages first..last (1-based, inclusive); errors go to `problems`; `progress`
    hears of every page read (a status line on a terminal)."""
    document = _open(path, problems)
    if document is None:
        return []
    try:
        count = len(document)
        first, last = first or 1, last or count
        if not 1 <= first <= last <= count:
            problems.error(path, None, f"--pages {first}-{last} is outside the book: it has {count} page(s)")
            return []
        pages = []
        for index in range(first, last + 1):
            try:
                pages.append(_read_page(document, index))
            except pdfium.PdfiumError as exc:
                # a page tree that loops or points nowhere: PDFium counts pages it cannot load
                problems.error(path, None, f"page {index} cannot be read ({str(exc).rstrip('.')}): the PDF's page "
                                           "tree is damaged; repair it first (for example with qpdf)")
                return []
            if progress:
                progress("reading the PDF: page", index - first + 1, last - first + 1)
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


def _open(path: Path, problems: Collector) -> pdfium.PdfDocument | None:
    """The document, read from the file's bytes: only a regular file is read (a FIFO would make
    PDFium wait forever, `/dev/zero` fill the memory)."""
    try:
        data = read_regular(path, limit=PDF_LIMIT)
    except OSError as exc:
        problems.error(path, None, exc.reason if isinstance(exc, Refused) else f"cannot read: {exc.strerror or exc}")
        return None
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            problems.error(path, None, "the PDF is encrypted: remove its password first (for example with qpdf --decrypt)")
        else:
            problems.error(path, None, f"not a readable PDF ({message.rstrip('.')})")
        return None


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
        if ch in (HYPHEN_MARK, "\x02", "\u00ad"):  # a soft hyphen is visible only where a line breaks
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
        current.append(Char(ch, x.value, baseline, size, style, raised, i))
        if ch != " ":
            last_index = i
    close()
    for line in lines:
        if SPACED_HINT.search(line.text):
            _letter_spacing(line, handle)
    return _rejoin(lines)


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
                    joined.update(id(glyphs[k]) for k in range(start, end) if abs(gaps[k] - tracking) <= same or ligature[k]
                                  or (gaps[k] < tracking and (word_space is None or abs(gaps[k] - word_space) > same)))
                else:  # the line's word spaces are as wide as the tracking: PDFium's single letters tell
                    joined.update(_single_letters(line, {id(glyphs[k]) for k in range(j, end + 1)}))
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


def _single_letters(line: Line, among: set[int]) -> set[int]:
    """Letters standing alone between spaces, three or more in a row ("G e w e r k s c h a ft e n";
    a ligature's two letters count as one): all but the last of each row, to be joined."""
    tokens: list[list[Char]] = [[]]
    for c in line.chars:
        if c.text == " ":
            tokens.append([])
        else:
            tokens[-1].append(c)
    single = [bool(t) and id(t[0]) in among and (len(t) == 1 or "".join(c.text for c in t) in LIGATURES) for t in tokens]
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
