"""Each printed line's place on its page picture: TEI's `<facsimile>` (a `<surface>` per print
page, a `<zone>` per printed line, the ids `<lb facs="#…">` points to), and the same boxes for
the page picture beside the text (templates/static/zoom.js lights them and reports a click).

A line's box is page-relative: fractions of the page's width and height from its top left
corner, `[left, top, right, bottom]`. That unit is shared by every route into an edition: a
PDF's points divided by the page size, a scan's pixels (hOCR `bbox`, ALTO, PAGE `Coords`)
divided by the picture's size, and it holds for every size the page is drawn at. `lines.json`
from version 2 on carries it as each line's `box`; a file from before (no `version`) has, from
a PDF, `left`, `right` (points from the left edge), `baseline` (from the top) and `size` (of
the type), from which the box is made: the type's ascent and descent about the baseline
(measured on the test books from Typst and pdfLaTeX: 99 % of a page's ink inside its lines'
boxes, no two neighbours overlapping).

Pure functions: nothing here reads files or knows the build.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from generator.facsimile import Facsimile, PageImage
    from generator.printed import Printed, PrintedPage

LINES_VERSION = 2   # of review/*.lines.json: 2 adds each line's `box`
ASCENT = 0.78       # of the type size above the baseline: capitals, ascenders, raised note numbers
DESCENT = 0.24      # below it: descenders
_DIGITS = 5         # decimals kept of a fraction: 0.06 px on a 6000 px scan


@dataclass(frozen=True, slots=True)
class Box:
    """A line's place on its page, as fractions of the page (0 to 1, from the top left)."""
    left: float
    top: float
    right: float
    bottom: float

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(ulx, uly, lrx, lry) on a picture of the whole page `width` × `height` pixels: the
        smallest pixel rectangle that holds the box."""
        return (math.floor(self.left * width + 1e-9), math.floor(self.top * height + 1e-9),
                math.ceil(self.right * width - 1e-9), math.ceil(self.bottom * height - 1e-9))

    def as_list(self) -> list[float]:
        """The form `lines.json` (version 2) stores: `[left, top, right, bottom]`."""
        return [round(value, _DIGITS) for value in (self.left, self.top, self.right, self.bottom)]


def line_box(line: Mapping, page_width: float = 0.0, page_height: float = 0.0) -> Box | None:
    """The box of one line as `lines.json` records it: its `box` (version 2), else made from a
    PDF's `left`/`right`/`baseline`/`size` in points on a page of `page_width` × `page_height`
    points (version 1); None for a line without a place (read from page text, or set wholly
    outside the page). Raises ValueError for a box that is not four numbers inside the page,
    left above right."""
    if "box" in line:
        value = line["box"]
        if not (isinstance(value, list | tuple) and len(value) == 4 and all(_number(v) for v in value)):
            raise ValueError(f"line {line.get('n', '?')}: box must be [left, top, right, bottom], got {value!r}")
        return _checked(Box(*(float(v) for v in value)), line)
    if all(_number(line.get(key)) for key in ("left", "right", "baseline", "size")) and page_width > 0 and page_height > 0:
        size, baseline = float(line["size"]), float(line["baseline"])
        box = _clamped(Box(float(line["left"]) / page_width, (baseline - ASCENT * size) / page_height,
                           float(line["right"]) / page_width, (baseline + DESCENT * size) / page_height))
        if box.left >= box.right or box.top >= box.bottom:
            return None  # set wholly outside the page (a table run off its foot): no place on it
        return _checked(box, line)
    return None


def page_boxes(page: Mapping) -> dict[int, Box]:
    """Line number → box of every line of one page of `lines.json` that has a place."""
    width, height = float(page.get("width") or 0), float(page.get("height") or 0)
    out = {}
    for line in page.get("lines", []):
        box = line_box(line, width, height)
        if box is not None:
            out[int(line["n"])] = box
    return out


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _clamped(box: Box) -> Box:
    """Inside the page: a descender below a page's last line may reach past its edge."""
    return Box(*(min(1.0, max(0.0, value)) for value in (box.left, box.top, box.right, box.bottom)))


def _checked(box: Box, line: Mapping) -> Box:
    if not (0 <= box.left < box.right <= 1 and 0 <= box.top < box.bottom <= 1):
        raise ValueError(f"line {line.get('n', '?')}: box {box.as_list()} is not inside the page")
    return box


# ---- ids ----

def surface_id(page: str) -> str:
    """The TEI id of a print page's surface; `page` is its name in the site (`229`, `p3`:
    letters and digits, printed.PrintedPage.name), so the id is an XML name."""
    return f"facs-{page}"


def zone_id(page: str, line: int) -> str:
    """The id of a printed line's zone, in TEI (`<lb facs="#z229-12"/>`) and in the HTML (the
    boxes zoom.js draws, the `data-zones` of a line or paragraph): page names have no "-", so
    two lines never share one."""
    return f"z{page}-{line}"


# ---- the page as a surface ----

@dataclass(frozen=True)
class Surface:
    """One print page's picture and its lines' boxes: `name` and `label` as in printed.py,
    `url` the picture's address (relative to the document that names it), `width` × `height`
    its pixels, `boxes` line number → box, in line order."""
    name: str
    label: str
    url: str
    width: int
    height: int
    boxes: tuple[tuple[int, Box], ...]

    @classmethod
    def of(cls, name: str, label: str, url: str, width: int, height: int, boxes: Mapping[int, Box]) -> Surface:
        return cls(name, label, url, width, height, tuple(sorted(boxes.items())))


def facsimile_tei(surfaces: Iterable[Surface]) -> str:
    """TEI's `<facsimile>` (after `<teiHeader>`, before `<text>`): a `<surface>` per page in
    the picture's pixels, its `<graphic>`, a `<zone type="line">` per printed line. Empty
    when no page has a picture."""
    parts = []
    for surface in surfaces:
        zones = []
        for line, box in surface.boxes:
            ulx, uly, lrx, lry = box.pixels(surface.width, surface.height)
            zones.append(f'<zone xml:id="{zone_id(surface.name, line)}" type="line" n="{line}" '
                         f'ulx="{ulx}" uly="{uly}" lrx="{lrx}" lry="{lry}"/>')
        parts.append(f'<surface xml:id="{surface_id(surface.name)}" n={quoteattr(surface.label)} ulx="0" uly="0" '
                     f'lrx="{surface.width}" lry="{surface.height}">'
                     f'<graphic url={quoteattr(surface.url)} width="{surface.width}px" height="{surface.height}px"/>'
                     f"{''.join(zones)}</surface>")
    return f"<facsimile>{''.join(parts)}</facsimile>" if parts else ""


def zones_data(surface: Surface) -> dict:
    """The boxes for the page picture in the HTML (zoom.js `setBoxes`), as fractions of the
    picture: `{"boxes": [{"id", "line", "x", "y", "w", "h"}]}`. Written into the page as JSON
    (a `data-zones` attribute: the template escapes it)."""
    return {"boxes": [{"id": zone_id(surface.name, line), "line": line, "x": round(box.left, _DIGITS),
                       "y": round(box.top, _DIGITS), "w": round(box.right - box.left, _DIGITS),
                       "h": round(box.bottom - box.top, _DIGITS)}
                      for line, box in surface.boxes]}


def block_zones(pieces: Iterable[tuple[str, int]]) -> list[str]:
    """The zone ids of the printed lines a block came from, `pieces` (page name, line number)
    in order, each once: what a paragraph or a line of "Wie gedruckt" lights on the picture."""
    return list(dict.fromkeys(zone_id(page, line) for page, line in pieces))


# ---- the edition's pages as surfaces ----

def line_zones(record: Printed | None, pictures: Facsimile) -> dict[tuple[int, int], str]:
    """(page index, line number) → zone id of every printed line that has a box on a page that
    has a picture: what the text links to the picture by."""
    if record is None:
        return {}
    out = {}
    for page in record.pages:
        if pictures.of(page.name) is None:
            continue
        for line in page.lines:
            if line.box is not None:
                out[(page.index, line.number)] = zone_id(page.name, line.number)
    return out


def page_surface(page: PrintedPage, image: PageImage, url: str) -> Surface:
    """A print page's picture and its lines' boxes; `url` the picture's address from the
    document that names it."""
    return Surface.of(page.name, page.label, url, image.width, image.height,
                      {line.number: line.box for line in page.lines if line.box is not None})


def surfaces(record: Printed | None, pictures: Facsimile, pages: Iterable[int], up: str = "") -> list[Surface]:
    """The surfaces of the given pages (indexes into the record) that have a picture and boxes,
    in page order; `up` leads from the document to the site's root."""
    if record is None:
        return []
    out = []
    for index in sorted(set(pages)):
        page = record.pages[index]
        image = pictures.of(page.name)
        if image is not None and any(line.box is not None for line in page.lines):
            out.append(page_surface(page, image, up + image.files[max(image.files)]))
    return out
