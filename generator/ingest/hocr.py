"""hOCR (Tesseract's, and any engine's that follows the hOCR spec) → sheets.

Read with the standard library's HTML parser, so XHTML and plain HTML both do. From `title`
properties: a page's `bbox`, `image` and `scan_res`; a line's `bbox`, `baseline` and `x_size`;
a word's `bbox` and `x_wconf`; a character's `x_bboxes` and `x_conf` (Tesseract with
`-c hocr_char_boxes=1`). Units are the picture's pixels.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from generator.ingest.sheets import BadOCR, Glyph, Sheet, TextLine, Word, checked_bytes

LINES = {"ocr_line", "ocrx_line", "ocr_caption", "ocr_textfloat", "ocr_header"}


def properties(title: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in title.split(";"):
        key, _, value = part.strip().partition(" ")
        if key:
            out[key] = value.strip()
    return out


def _box(value: str | None) -> tuple[float, float, float, float] | None:
    numbers = (value or "").split()
    if len(numbers) < 4:
        return None
    try:
        x0, y0, x1, y1 = (float(n) for n in numbers[:4])
    except ValueError:
        return None
    return (x0, y0, x1, y1)


class _Parser(HTMLParser):
    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.sheets: list[Sheet] = []
        self.stack: list[str] = []          # what each open element is: "page", "line", "word", "char", ""
        self.line: TextLine | None = None
        self.word: Word | None = None
        self.glyph: Glyph | None = None
        self.text: list[str] = []
        self.styles: list[str] = []         # <strong>/<em> around a word's text
        self.engine = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        classes = set(attributes.get("class", "").split())
        if tag == "meta" and attributes.get("name") == "ocr-system":
            self.engine = attributes.get("content", "")
        title = properties(attributes.get("title", ""))
        kind = ""
        if "ocr_page" in classes:
            page_box = _box(title.get("bbox")) or (0.0, 0.0, 0.0, 0.0)
            named = title.get("image", "").strip().strip('"')
            resolution = title.get("scan_res", "").split()
            points = None
            if resolution and resolution[0].replace(".", "", 1).isdigit() and float(resolution[0]) >= 100:
                points = 72 / float(resolution[0])   # Tesseract writes 70 where the picture gave none: unknown
            self.sheets.append(Sheet(self.path, len(self.sheets) + 1, page_box[2], page_box[3], [], named=named,
                                     points=points, engine=self.engine))
            kind = "page"
        elif classes & LINES and self.sheets:
            box = _box(title.get("bbox"))
            if box:
                baseline = None
                numbers = title.get("baseline", "").split()
                if len(numbers) == 2:
                    try:   # hOCR: y = slope·(x − left) + offset, from the box's bottom left corner
                        baseline = (float(numbers[0]), box[3] + float(numbers[1]))
                    except ValueError:
                        baseline = None
                x_size = title.get("x_size", "").split()
                self.line = TextLine([], box, baseline, float(x_size[0]) if x_size and _number(x_size[0]) else None)
                self.sheets[-1].lines.append(self.line)
                kind = "line"
        elif "ocrx_word" in classes and self.line is not None:
            box = _box(title.get("bbox"))
            if box:
                confidence = title.get("x_wconf", "").split()
                self.word = Word("", box, float(confidence[0]) / 100 if confidence and _number(confidence[0]) else None)
                self.line.words.append(self.word)
                self.text = []
                self.styles = []
                kind = "word"
        elif "ocrx_cinfo" in classes and self.word is not None:
            box = _box(title.get("x_bboxes"))
            if box:
                confidence = title.get("x_conf", "").split()
                self.glyph = Glyph("", box, float(confidence[0]) / 100 if confidence and _number(confidence[0]) else None)
                self.word.glyphs.append(self.glyph)
                kind = "char"
        elif tag in ("strong", "b") and self.word is not None:
            self.styles.append("bold")
        elif tag in ("em", "i") and self.word is not None:
            self.styles.append("italic")
        elif tag == "sup" and self.word is not None:
            self.styles.append("superscript")
        if tag not in VOID:
            self.stack.append(kind)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.stack:
            return
        kind = self.stack.pop()
        if kind == "char":
            self.glyph = None
        elif kind == "word" and self.word is not None:
            self.word.text = "".join("".join(self.text).split())   # a word has no spaces: the rest is layout
            if self.styles:
                self.word.styles = frozenset(self.styles)
            self.word = None
        elif kind == "line":
            self.line = None

    def handle_data(self, data: str) -> None:
        if self.word is not None:
            self.text.append(data)
            if self.glyph is not None:
                self.glyph.text += data.strip()


VOID = {"meta", "br", "img", "link", "input", "hr"}


def _number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(?:\.\d+)?", text) is not None


def read_hocr(path: Path, data: bytes | None = None) -> list[Sheet]:
    """Every page of an hOCR file; its words without text (an empty box) are left out."""
    data = checked_bytes(path, data)
    parser = _Parser(path)
    parser.feed(data.decode("utf-8", "replace"))
    parser.close()
    if not parser.sheets:
        raise BadOCR("no ocr_page in it: not hOCR")
    for sheet in parser.sheets:
        for line in sheet.lines:
            line.words = [w for w in line.words if w.text.strip()]
            for word in line.words:
                if word.glyphs and "".join(g.text for g in word.glyphs) != word.text.replace(" ", ""):
                    word.glyphs = []   # character boxes that do not spell the word: not trusted
        sheet.lines = [line for line in sheet.lines if line.words]
    return parser.sheets
