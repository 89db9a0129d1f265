"""OCR output as the engines give it: one `Sheet` per page picture, its lines, words and (where
the engine gives them) glyphs, with boxes in the file's own units.

hocr.py, alto.py and pagexml.py read their formats into this; scanned.py turns sheets into the
reader's `Page`s (points, baselines, sizes, raised characters), so that every layout pass works
on a scan as on a PDF. Boxes are (left, top, right, bottom) with y growing downwards, as in
every one of these formats.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.files import read_regular

Box = tuple[float, float, float, float]


@dataclass
class Glyph:
    text: str
    box: Box
    conf: float | None = None        # 0..1


@dataclass
class Word:
    text: str
    box: Box
    conf: float | None = None        # 0..1, the engine's own
    glyphs: list[Glyph] = field(default_factory=list)
    styles: frozenset[str] = frozenset()   # "bold", "italic", "superscript", "subscript"
    size: float | None = None        # points, where the engine says (ALTO FONTSIZE, PAGE fontSize)


@dataclass
class TextLine:
    words: list[Word]
    box: Box
    baseline: tuple[float, float] | None = None   # (slope, y at the line's left edge), the file's units
    x_height: float | None = None                 # the file's units (hOCR x_size)
    hyphen: bool = False                          # the engine marked a hyphen at its end (ALTO HYP)


@dataclass
class Sheet:
    source: Path                     # the OCR file
    number: int                      # the page within that file, from 1
    width: float
    height: float
    lines: list[TextLine]
    picture: Path | None = None      # the page picture the file names, resolved beside it
    named: str = ""                  # the name as the file gives it
    points: float | None = None      # points per unit, where the file says (mm10, a resolution)
    engine: str = ""


class Refused(ValueError):
    """An OCR file that is not what it claims, or not safe to read."""


MAX_BYTES = 64 * 2**20


def xml_bytes(path: Path) -> bytes:
    """An XML file's bytes, refused when it declares entities (an entity expansion is a way to
    make a small file enormous; no OCR engine writes them)."""
    data = read_regular(path, limit=MAX_BYTES)
    if b"<!ENTITY" in data[:65536] or b"<!entity" in data[:65536]:
        raise Refused("declares XML entities: refused (no OCR engine writes them)")
    return data


def local(tag: str) -> str:
    """An element's name without its namespace: ALTO v2, v3, v4 and PAGE's versions alike."""
    return tag.rsplit("}", 1)[-1]


def sniff(path: Path) -> str | None:
    """"hocr", "alto" or "page" by the file's content (engines name ALTO and PAGE `.xml`,
    hOCR `.hocr`, `.html` or `.xhtml`), else None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8192).decode("utf-8", "replace")
    except OSError:
        return None
    if re.search(r"<(?:\w+:)?alto[\s>]", head):
        return "alto"
    if re.search(r"<(?:\w+:)?PcGts[\s>]", head):
        return "page"
    if re.search(r"class=['\"]ocr_page['\"]|ocr-capabilities|ocr-system", head):
        return "hocr"
    return None


def natural_key(name: str) -> tuple:
    """p-2 before p-10: digits compared as numbers."""
    return tuple((0, int(part), part) if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", name) if part)
