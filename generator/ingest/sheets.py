"""OCR output as the engines give it: one `Sheet` per page picture, its lines, words and (where
the engine gives them) glyphs, with boxes in the file's own units.

hocr.py, alto.py and pagexml.py read their formats into this; scanned.py turns sheets into the
reader's `Page`s (points, baselines, sizes, raised characters), so that every layout pass works
on a scan as on a PDF. Boxes are (left, top, right, bottom) with y growing downwards, as in
every one of these formats.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
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
    spread: bool = False                          # its words' boxes are guesses (a file with lines only)


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


class BadOCR(ValueError):
    """An OCR file that is not what it claims, or not safe to read."""


MAX_BYTES = 64 * 2**20


def checked_bytes(path: Path, data: bytes | None = None) -> bytes:
    """An OCR file's bytes (`data` where the caller read them already), refused when it
    declares entities (an entity expansion is a way to make a small file enormous; no OCR
    engine writes them)."""
    data = read_regular(path, limit=MAX_BYTES) if data is None else data
    if re.search(rb"<!ENTITY", data, re.IGNORECASE):
        raise BadOCR("declares XML entities: refused (no OCR engine writes them)")
    return data


def xml_root(path: Path, data: bytes | None, name: str, root_tag: str) -> ET.Element:
    """An OCR file's root element, checked to be `root_tag` (ALTO's `alto`, PAGE's `PcGts`)."""
    try:
        root = ET.fromstring(checked_bytes(path, data))  # noqa: S314  (entities refused by checked_bytes; expat fetches nothing)
    except ET.ParseError as exc:
        raise BadOCR(f"not well-formed XML ({exc})") from None
    if local(root.tag) != root_tag:
        raise BadOCR(f"not {name} (its root is not <{root_tag}>)")
    return root


def local(tag: str) -> str:
    """An element's name without its namespace: ALTO v2, v3, v4 and PAGE's versions alike."""
    return tag.rsplit("}", 1)[-1]


def kind_of(head: bytes) -> str | None:
    """"hocr", "alto" or "page" by a file's first bytes (engines name ALTO and PAGE `.xml`,
    hOCR `.hocr`, `.html` or `.xhtml`), else None."""
    text = head[:8192].decode("utf-8", "replace")
    if re.search(r"<(?:\w+:)?alto[\s>]", text):
        return "alto"
    if re.search(r"<(?:\w+:)?PcGts[\s>]", text):
        return "page"
    if re.search(r"class=['\"]ocr_page['\"]|ocr-capabilities|ocr-system", text):
        return "hocr"
    return None


def sniff(path: Path) -> str | None:
    """`kind_of` a file's first bytes; None for what cannot be read."""
    try:
        with path.open("rb") as handle:
            return kind_of(handle.read(8192))
    except OSError:
        return None


# A page picture, by its first bytes: PNG, JPEG, TIFF (both byte orders), WebP, BMP, JPEG 2000.
_PICTURE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM",
                  b"\x00\x00\x00\x0cjP  ")


def is_picture(head: bytes) -> bool:
    return head.startswith(_PICTURE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def natural_key(name: str) -> tuple:
    """p-2 before p-10: digits compared as numbers."""
    return tuple((0, int(part), part) if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", name) if part)
