"""PAGE XML (PRImA's format, any of its namespace versions; the subset Transkribus, eScriptorium
and OCR-D write) → sheets.

`Page` with `imageFilename`, `imageWidth`, `imageHeight`; `TextRegion`s (in `ReadingOrder` where
there is one) with `TextLine`s: `Coords` (a polygon), `Baseline` (a polyline), `TextEquiv/Unicode`;
`Word`s and `Glyph`s where the engine gives them (else the line's text is spread over its box);
`TextStyle` with `fontSize`, `bold`, `italic`, `superscript`. Units are the picture's pixels.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from generator.ingest.sheets import BadOCR, Box, Glyph, Sheet, TextLine, Word, local, xml_root


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element if local(e.tag) == name]


def _points(element: ET.Element, name: str) -> list[tuple[float, float]]:
    for child in _children(element, name):
        try:
            return [(float(x), float(y)) for x, y in (pair.split(",") for pair in child.get("points", "").split())]
        except ValueError:
            return []
    return []


def _box(element: ET.Element) -> Box | None:
    points = _points(element, "Coords")
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _text(element: ET.Element) -> tuple[str, float | None]:
    """The first TextEquiv's Unicode (the lowest `index`: the engine's first choice) and its conf."""
    equivs = _children(element, "TextEquiv")
    if not equivs:
        return "", None
    equivs.sort(key=lambda e: int(e.get("index", "1")) if e.get("index", "1").lstrip("-").isdigit() else 1)
    unicode = _children(equivs[0], "Unicode")
    conf = equivs[0].get("conf")
    try:
        confidence = float(conf) if conf else None
    except ValueError:
        confidence = None
    return (unicode[0].text or "") if unicode else "", confidence


def _style(element: ET.Element, inherited: tuple[float | None, frozenset[str]]) -> tuple[float | None, frozenset[str]]:
    size, styles = inherited
    for style in _children(element, "TextStyle"):
        try:
            size = float(style.get("fontSize", "")) or size
        except ValueError:
            pass
        styles = styles | {name for name in ("bold", "italic", "superscript", "subscript")
                           if style.get(name, "").lower() in ("true", "1")}
    return size, frozenset(styles)


def read_page_xml(path: Path, data: bytes | None = None) -> list[Sheet]:
    root = xml_root(path, data, "PAGE XML", "PcGts")
    engine = next((e.get("creator", "") or (e.text or "") for e in root.iter() if local(e.tag) == "Creator"), "")
    sheets: list[Sheet] = []
    for page in (e for e in root if local(e.tag) == "Page"):
        try:
            width, height = float(page.get("imageWidth", "0")), float(page.get("imageHeight", "0"))
        except ValueError:
            width = height = 0.0
        sheet = Sheet(path, len(sheets) + 1, width, height, [], named=page.get("imageFilename", ""), engine=engine.strip())
        for region in _regions(page):
            inherited = _style(region, (None, frozenset()))
            for line in _children(region, "TextLine"):
                read = _line(line, inherited)
                if read is not None:
                    sheet.lines.append(read)
        sheets.append(sheet)
    if not sheets:
        raise BadOCR("no <Page> in it")
    return sheets


def _regions(page: ET.Element) -> list[ET.Element]:
    """Text regions in the page's reading order (where it gives one), nested ones included."""
    regions = [e for e in page.iter() if local(e.tag) == "TextRegion"]
    order: list[str] = []
    for ordered in (e for e in page.iter() if local(e.tag) in ("OrderedGroup", "UnorderedGroup")):
        refs = [e for e in ordered if local(e.tag) in ("RegionRefIndexed", "RegionRef")]
        refs.sort(key=lambda e: int(e.get("index", "0")) if e.get("index", "0").isdigit() else 0)
        order += [e.get("regionRef", "") for e in refs]
        break
    if order:
        rank = {name: k for k, name in enumerate(order)}
        regions.sort(key=lambda e: rank.get(e.get("id", ""), len(rank)))
    return regions


def _line(element: ET.Element, inherited: tuple[float | None, frozenset[str]]) -> TextLine | None:
    box = _box(element)
    line_size, line_styles = _style(element, inherited)
    words: list[Word] = []
    for word in _children(element, "Word"):
        word_box = _box(word)
        text, conf = _text(word)
        if word_box is None or not text.strip():
            continue
        size, styles = _style(word, (line_size, line_styles))
        glyphs = []
        for glyph in _children(word, "Glyph"):
            glyph_box = _box(glyph)
            glyph_text, glyph_conf = _text(glyph)
            if glyph_box is not None and glyph_text:
                glyphs.append(Glyph(glyph_text, glyph_box, glyph_conf))
        if "".join(g.text for g in glyphs) != text:
            glyphs = []
        words.append(Word(text.strip(), word_box, conf, glyphs, styles, size))
    line_text, line_conf = _text(element)
    spread = False
    if not words and line_text.strip() and box is not None:
        words, spread = _spread(line_text, box, line_conf, line_size, line_styles), True
    if not words:
        return None
    if box is None:
        box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
               max(w.box[2] for w in words), max(w.box[3] for w in words))
    baseline = None
    points = _points(element, "Baseline")
    if len(points) >= 2:
        (x0, y0), (x1, y1) = points[0], points[-1]
        slope = (y1 - y0) / (x1 - x0) if x1 != x0 else 0.0
        baseline = (slope, y0 + slope * (box[0] - x0))
    return TextLine(words, box, baseline, spread=spread)


def _spread(text: str, box: Box, conf: float | None, size: float | None, styles: frozenset[str]) -> list[Word]:
    """A line known only by its text (Transkribus' usual export): words placed along the line's
    box in proportion to their letters, a space counted as one."""
    tokens = text.split()
    total = sum(len(t) for t in tokens) + len(tokens) - 1
    unit = (box[2] - box[0]) / max(total, 1)
    words = []
    x = box[0]
    for token in tokens:
        words.append(Word(token, (x, box[1], x + unit * len(token), box[3]), conf, [], styles, size))
        x += unit * (len(token) + 1)
    return words
