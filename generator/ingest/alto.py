"""ALTO (v2, v3, v4; any namespace version) → sheets.

Units as `MeasurementUnit` says: `pixel` (the picture's), `mm10` (tenths of a millimetre) or
`inch1200`. A line's `BASELINE` (a y value, or ALTO 4.2's points "x,y x,y"), a `HYP` at its
end, `SUBS_CONTENT` of a word broken over a line end, `TextStyle` sizes and styles
(`FONTSIZE` in points, `FONTSTYLE` bold/italics/superscript), a String's own `STYLE`, and
`Glyph`s where the engine gives them. Tesseract's ALTO has only word boxes and confidences.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from generator.ingest.sheets import BadOCR, Glyph, Sheet, TextLine, Word, local, xml_root

UNITS = {"mm10": 72 / 254, "inch1200": 72 / 1200}


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _box(element: ET.Element) -> tuple[float, float, float, float] | None:
    x, y, w, h = (_float(element.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
    if x is None or y is None or w is None or h is None:
        return None
    return (x, y, x + w, y + h)


def _styles(value: str) -> frozenset[str]:
    words = set(value.lower().replace(",", " ").split())
    found = {"bold"} & words | {"italic" for w in words if w.startswith("italic")}
    found |= {"superscript" for w in words if w.startswith("superscript")}
    found |= {"subscript" for w in words if w.startswith("subscript")}
    return frozenset(found)


def read_alto(path: Path, data: bytes | None = None) -> list[Sheet]:
    root = xml_root(path, data, "ALTO", "alto")
    unit = "pixel"
    named = ""
    engine = ""
    styles: dict[str, tuple[float | None, frozenset[str]]] = {}
    for element in root.iter():
        name = local(element.tag)
        if name == "MeasurementUnit" and element.text:
            unit = element.text.strip().lower()
        elif name == "fileName" and element.text and not named:
            named = element.text.strip()
        elif name == "softwareName" and element.text and not engine:
            engine = element.text.strip()
        elif name == "TextStyle" and element.get("ID"):
            styles[element.get("ID", "")] = (_float(element.get("FONTSIZE")), _styles(element.get("FONTSTYLE", "")))
    points = UNITS.get(unit)
    sheets: list[Sheet] = []
    for page in (e for e in root.iter() if local(e.tag) == "Page"):
        width, height = _float(page.get("WIDTH")) or 0.0, _float(page.get("HEIGHT")) or 0.0
        sheet = Sheet(path, len(sheets) + 1, width, height, [], named=named, points=points, engine=engine)
        for line in (e for e in page.iter() if local(e.tag) == "TextLine"):
            read = _line(line, styles)
            if read is not None:
                sheet.lines.append(read)
        sheets.append(sheet)
    if not sheets:
        raise BadOCR("no <Page> in it")
    return sheets


def _line(element: ET.Element, styles: dict[str, tuple[float | None, frozenset[str]]]) -> TextLine | None:
    box = _box(element)
    words: list[Word] = []
    hyphen = False
    line_style: tuple[float | None, frozenset[str]] = (None, frozenset())
    for ref in element.get("STYLEREFS", "").split():
        line_style = styles.get(ref, line_style)
    for child in element:
        name = local(child.tag)
        if name == "HYP":
            hyphen = True
        elif name == "String":
            word_box = _box(child)
            text = child.get("CONTENT", "")
            if word_box is None or not text.strip():
                continue
            size, style = line_style
            for ref in child.get("STYLEREFS", "").split():
                if ref in styles:
                    size, style = styles[ref][0] or size, style | styles[ref][1]
            style = style | _styles(child.get("STYLE", ""))
            glyphs = []
            for glyph in (g for g in child if local(g.tag) == "Glyph"):
                glyph_box = _box(glyph)
                if glyph_box is not None and glyph.get("CONTENT"):
                    glyphs.append(Glyph(glyph.get("CONTENT", ""), glyph_box, _float(glyph.get("GC"))))
            if "".join(g.text for g in glyphs) != text:
                glyphs = []
            if child.get("SUBS_TYPE") == "HypPart1" and not text.endswith(("-", "\u00ad", "¬")):
                hyphen = True   # the word goes on in the next line; the hyphen was not transcribed
            words.append(Word(text, word_box, _float(child.get("WC")), glyphs, style, size))
    if not words:
        return None
    if box is None:
        box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
               max(w.box[2] for w in words), max(w.box[3] for w in words))
    return TextLine(words, box, _baseline(element.get("BASELINE", ""), box), None, hyphen)


def _baseline(value: str, box: tuple[float, float, float, float]) -> tuple[float, float] | None:
    """ALTO's BASELINE: a y value (ALTO ≤ 4.1), or points "x,y x,y …" (4.2) → (slope, y at left)."""
    value = value.strip()
    if not value:
        return None
    if "," not in value and " " not in value:
        y = _float(value)
        return (0.0, y) if y is not None else None
    try:
        points = [tuple(float(n) for n in pair.split(",")) for pair in value.split()]
    except ValueError:
        return None
    if len(points) < 2 or any(len(p) != 2 for p in points):
        return None
    (x0, y0), (x1, y1) = points[0], points[-1]
    slope = (y1 - y0) / (x1 - x0) if x1 != x0 else 0.0
    return (slope, y0 + slope * (box[0] - x0))
