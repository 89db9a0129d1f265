"""Each printed line's box (generator/render/zones.py): from the lines ingest records of a real
typeset PDF, boxes that hold the page's ink line by line; TEI `<facsimile>` with a surface per
page and a zone per line, every `<lb facs>` resolving to one, valid against tei_all (jing) in a
chapter that also carries the editor's interventions (`choice`, `sic`/`corr`, `orig`/`reg`,
an editorial note); and the same boxes as data for the page picture in the HTML."""
from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET

import pytest
from conftest import jing
from PIL import Image, ImageStat

from generator.render.zones import (
    LINES_VERSION,
    Box,
    Surface,
    block_zones,
    facsimile_tei,
    line_box,
    page_boxes,
    zone_id,
    zones_data,
)

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
PICTURE = 1600  # px wide: the facsimile's largest picture


@pytest.fixture(scope="module")
def recorded(typeset):
    """A Typst book's pages as `lines.json` records them (what `edition ingest` writes), and its PDF."""
    from generator.diagnostics import Collector
    from generator.ingest.layout import build_book, record
    from generator.ingest.pdf import read_pdf
    from generator.ingest.writers import lines_json

    pdf, _ = typeset("tuning-typst")
    pages = read_pdf(pdf, 1, 6, Collector())
    written = json.loads(lines_json(record(pages, build_book(pages))))
    assert written["version"] == LINES_VERSION
    return pdf, written["pages"]


def _ink(pdf, pdf_page: int, width: int):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    page = document[pdf_page - 1]
    picture = page.render(scale=width / page.get_width(), grayscale=True).to_pil().convert("L")
    document.close()
    return picture.point(lambda v: 255 if v < 140 else 0)  # the ink, white on black


def test_boxes_from_a_pdfs_lines_hold_the_pages_ink_line_by_line(recorded):
    pdf, pages = recorded
    checked = 0
    for page in pages[1:5]:
        boxes = page_boxes(page)
        assert len(boxes) == len(page["lines"]) > 3
        ink = _ink(pdf, page["pdf_page"], 1000)
        inside = Image.new("L", ink.size, 0)
        for box in boxes.values():
            ulx, uly, lrx, lry = box.pixels(*ink.size)
            inside.paste(ink.crop((ulx, uly, lrx, lry)), (ulx, uly))
        total, held = ImageStat.Stat(ink).sum[0], ImageStat.Stat(inside).sum[0]
        assert held / total > 0.98, (page["pdf_page"], held / total)  # the glyphs are in the boxes
        ordered = sorted(boxes.values(), key=lambda b: b.top)
        for upper, lower in itertools.pairwise(ordered):  # and no box covers its neighbour's line
            assert upper.bottom <= lower.top or upper.right <= lower.left or lower.right <= upper.left
        checked += 1
    assert checked == 4


def test_the_box_forms_of_lines_json():
    # version 2: the box as fractions, the same unit a scan's pixel boxes give
    assert line_box({"n": 3, "box": [0.1, 0.2, 0.9, 0.23]}) == Box(0.1, 0.2, 0.9, 0.23)
    # version 1, from a PDF: points on the page
    made = line_box({"n": 3, "left": 59.5, "right": 535.8, "baseline": 100.0, "size": 10.0}, 595.3, 841.9)
    assert made is not None
    assert made.left == pytest.approx(0.09995, abs=1e-5) and made.right == pytest.approx(0.90005, abs=1e-5)
    assert made.top == pytest.approx((100 - 7.8) / 841.9) and made.bottom == pytest.approx(102.4 / 841.9)
    assert line_box({"n": 1, "text": "aus Seitentext: kein Ort"}) is None
    assert line_box({"n": 1, "left": 1, "right": 2, "baseline": 3, "size": 4}) is None  # no page size: no box
    for bad in ([0.5, 0.2, 0.4, 0.3], [0.1, 0.2, 1.2, 0.3], [0.1, 0.2, 0.3], ["0", 0, 1, 1], [0.1, float("nan"), 0.2, 0.3], [True, 0, 1, 1]):
        with pytest.raises(ValueError, match="line 7"):
            line_box({"n": 7, "box": bad})
    assert Box(0.1, 0.2, 0.3, 0.4).as_list() == [0.1, 0.2, 0.3, 0.4]
    assert LINES_VERSION == 2


def test_pixels_hold_the_box_whatever_the_pictures_size():
    box = Box(0.1006, 0.5, 0.2, 0.50049)
    assert box.pixels(1000, 2000) == (100, 1000, 200, 1001)
    assert box.pixels(800, 1132) == (80, 566, 160, 567)   # never empty, never shrunk


def _surfaces(pages) -> list[Surface]:
    out = []
    for page in pages:
        name = str(page["page"]) if str(page["page"]).isalnum() else f"p{page['pdf_page']}"
        height = round(PICTURE * page["height"] / page["width"])
        out.append(Surface.of(name, str(page["page"]), f"../pages/img/{name}-{PICTURE}.webp", PICTURE, height, page_boxes(page)))
    return out


def _chapter(facsimile: str, body: str) -> str:
    """A chapter's TEI as the build writes it, with the forms issue 26 adds: the facsimile, the
    print's lines pointing at their zones, the editor's interventions and note."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="de"><teiHeader><fileDesc><titleStmt><title>Kapitel</title>
<editor xml:id="ed-hanna" role="digital">Beispiel, Hanna</editor>
<respStmt xml:id="ingest"><resp>Texterfassung aus dem PDF, mit Prüfbericht</resp><name>edition ingest</name></respStmt>
</titleStmt><publicationStmt><publisher>Edition</publisher><date when="2025-11-21">2025-11-21</date></publicationStmt>
<sourceDesc><biblStruct><monogr><title level="m">Buch</title><imprint><date>2004</date></imprint></monogr></biblStruct></sourceDesc>
</fileDesc></teiHeader>{facsimile}<text><body><div type="chapter"><head>Kapitel</head>{body}</div></body></text></TEI>
"""


def test_tei_facsimile_with_a_zone_per_line_is_valid_and_every_lb_finds_its_zone(recorded, tmp_path):
    _, pages = recorded
    surfaces = _surfaces(pages)
    facsimile = facsimile_tei(surfaces)
    lines = []
    for surface, page in zip(surfaces, pages, strict=True):
        lines.append(f'<pb n="{surface.label}" facs="#facs-{surface.name}"/>')
        for line in page["lines"]:
            text = line["text"].replace("&", "&amp;").replace("<", "&lt;")
            lines.append(f'<lb facs="#{zone_id(surface.name, line["n"])}"/>{text}')
    body = "<p>" + "\n".join(lines) + "</p>"
    # the interventions the design (report, part 4) proposes, in the same chapter
    body += ('<p n="1" xml:id="s1-p1"><lb facs="#' + zone_id(surfaces[1].name, 2) + '"/>Sie nennen '
             '<choice><sic>einer-Untersuchung</sic><corr resp="#ingest" type="join">einer Untersuchung</corr></choice> und '
             '<choice><sic>Kulisse</sic><corr resp="#ed-hanna">Kulissen</corr></choice>, '
             '<choice><orig>daß</orig><reg resp="#ed-hanna">dass</reg></choice> es '
             'Stan<lb break="no" facs="#' + zone_id(surfaces[1].name, 3) + '"/>dard ist.'
             '<note type="editorial" resp="#ed-hanna" n="a" xml:id="ed-a"><p>Die Zahl fehlt im Druck.</p></note>'
             '<note n="8" place="bottom" xml:id="fn-8"><p>Vgl. Schäfer.</p></note></p>')
    path = tmp_path / "chapter.tei.xml"
    path.write_text(_chapter(facsimile, body), encoding="utf-8")
    result = jing(path)
    assert result.returncode == 0, result.stdout + result.stderr

    root = ET.parse(path).getroot()
    ids = {element.get(XML_ID) for element in root.iter() if element.get(XML_ID)}
    found = root.findall(f"{TEI}facsimile/{TEI}surface")
    assert len(found) == len(pages)
    for surface, element in zip(surfaces, found, strict=True):
        assert (element.get("lrx"), element.get("lry")) == (str(surface.width), str(surface.height))
        assert element.find(f"{TEI}graphic").get("url") == surface.url
        zones = element.findall(f"{TEI}zone")
        assert len(zones) == len(surface.boxes)
        for zone in zones:
            ulx, uly, lrx, lry = (int(zone.get(k)) for k in ("ulx", "uly", "lrx", "lry"))
            assert 0 <= ulx < lrx <= surface.width and 0 <= uly < lry <= surface.height  # on the picture
    pointers = [element.get(name) for element in root.iter() for name in ("facs", "resp") if element.get(name)]
    assert len(pointers) > 40
    assert all(pointer.startswith("#") and pointer[1:] in ids for pointer in pointers)  # nothing points nowhere
    assert facsimile_tei([]) == ""  # no pictures: no facsimile element at all (TEI wants one surface at least)


def test_the_same_boxes_for_the_page_beside_the_text(recorded):
    _, pages = recorded
    surface = _surfaces(pages)[2]
    data = zones_data(surface)
    json.dumps(data)
    assert [box["id"] for box in data["boxes"]] == [zone_id(surface.name, n) for n, _ in surface.boxes]
    for entry, (n, box) in zip(data["boxes"], surface.boxes, strict=True):
        assert entry["line"] == n
        assert entry["x"] == pytest.approx(box.left, abs=1e-5) and entry["w"] == pytest.approx(box.right - box.left, abs=2e-5)
        assert 0 <= entry["y"] and entry["y"] + entry["h"] <= 1 + 1e-9
    assert block_zones([("229", 2), ("229", 3), ("229", 3), ("230", 1)]) == ["z229-2", "z229-3", "z230-1"]
