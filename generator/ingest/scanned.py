"""OCR output (hOCR, ALTO, PAGE XML) → the reader's pages: the first pass of ingest for a scan.

The layout passes (layout.py) decide from geometry: baselines, type sizes, raised numbers. The
engines give that in their own ways or not at all, so this pass makes the `Page`s a PDF gives:

- units: points (the file's pixels scaled by the picture's resolution, or mm10/inch1200), with
  y growing downwards from the top of the page, as in pdf.py;
- the page's skew (a scan is never quite straight) taken out, from the baselines or the words;
- type sizes: the engine's font size where it gives one; else each line's x-height (hOCR
  `x_size`, or measured from its words' boxes by the letters they hold), clustered per book so
  that lines set in one size get one size (an OCR line's x-height varies by a pixel or two);
- raised characters (note numbers): from styles (superscript), from character boxes set above
  the baseline, or from the page picture (a mark at a word's end that stays above the
  x-height band: the engines read a raised 17 as ' ° ® or drop it); a mark read as digits is
  a reference, one that cannot be read is numbered from the notes' sequence on its page, and
  where that does not add up it is a Hinweis, never a silent plain digit;
- letters set apart (Sperrsatz) that the engine gave as one-letter words: one spaced word.

Each page is a `ScannedPage`: a `Page` as the PDF reader gives, with what a scan has beside
its lines (its picture, each OCR line's box on it, the words the engine was unsure of, what
this pass inferred). `annotate` hands those to the book once the passes have made it.
"""
from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Collector
from generator.ingest import pictures as looks
from generator.ingest.alto import read_alto
from generator.ingest.hocr import read_hocr
from generator.ingest.model import Book, Event, PrintedLine, Unsure
from generator.ingest.ocr import Recognised
from generator.ingest.pagexml import read_page_xml
from generator.ingest.pdf import SPACED, Char, Line, Page, Style
from generator.ingest.sheets import BadOCR, Box, Glyph, Sheet, TextLine, Word

UNSURE = 0.80                # a word the engine gives less confidence than this is listed for the editor
X_HEIGHT = 0.46              # x-height / type size of a book face (Times 0.45, Libertine 0.43, Latin Modern 0.43)
GARBLED = "'’‘\"”“°®©*^´`!|"  # what engines make of a raised number
PICTURES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".jp2", ".bmp")
ASCENDERS = set("bdfhklt0123456789ßäöüÄÖÜ!?/()[]{}'\"") | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DESCENDERS = set("gjpqyQ,;()[]{}/")
READERS: dict[str, Callable[[Path, bytes | None], list[Sheet]]] = {"hocr": read_hocr, "alto": read_alto,
                                                                    "page": read_page_xml}
Progress = Callable[[str, int, int], None]


@dataclass
class Found:
    """Something this pass found or inferred on a page, for the report (an `Event` once the
    line it stands on is numbered): `baseline` in points, None for the page as a whole."""
    baseline: float | None
    kind: str                # "warning" is a Hinweis
    detail: str


@dataclass
class Doubt:
    """A word the engine was unsure of: where it stands (its line's baseline, its left and
    right end, points) and the engine's confidence (0..1)."""
    baseline: float
    left: float
    right: float
    word: str
    confidence: float


@dataclass
class ScannedPage(Page):
    """A page read from OCR output: the `Page` the passes read, and what a scan has beside it."""
    picture: Path | None = None                  # the page's picture (the facsimile's page)
    source: Path | None = None                   # the OCR file it was read from
    units: tuple[float, float] = (0.0, 0.0)      # the page's width and height in the file's units
    scale: float = 1.0                           # points per unit
    slope: float = 0.0                           # the skew taken out (dy/dx)
    frames: list[tuple[float, Box]] = field(default_factory=list)   # each OCR line: baseline (points), box (units)
    doubts: list[Doubt] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    engine: str = ""
    recognised: Recognised | None = None         # the built-in OCR read it: the hOCR review/ocr/ keeps

    def frame(self, left: float, right: float, baseline: float, size: float) -> tuple[float, float, float, float]:
        """A line's box on the picture, as fractions of the page (zones.py's unit): the box the
        engine gave the OCR line standing there, else the line's extent turned back by the skew."""
        width, height = self.units
        near = [box for y, box in self.frames if abs(y - baseline) <= 0.35 * max(size, 1.0)
                and box[0] * self.scale < right + size and box[2] * self.scale > left - size]
        if near and width and height:
            box = (min(b[0] for b in near), min(b[1] for b in near), max(b[2] for b in near), max(b[3] for b in near))
        else:
            corners = [self._unit(x, y) for x in (left, right) for y in (baseline - 0.78 * size, baseline + 0.24 * size)]
            box = (min(c[0] for c in corners), min(c[1] for c in corners),
                   max(c[0] for c in corners), max(c[1] for c in corners))
        if not (width and height):
            return (0.0, 0.0, 1.0, 1.0)
        fractions = (box[0] / width, box[1] / height, box[2] / width, box[3] / height)
        left_f, top_f, right_f, bottom_f = (min(1.0, max(0.0, v)) for v in fractions)
        if right_f <= left_f or bottom_f <= top_f:
            return (0.0, 0.0, 1.0, 1.0)
        return (round(left_f, 5), round(top_f, 5), round(right_f, 5), round(bottom_f, 5))

    def _unit(self, x: float, y: float) -> tuple[float, float]:
        """A point of the straightened page (points) → where it is on the picture (file units)."""
        cx, cy = self.units[0] / 2, self.units[1] / 2
        big_x, big_y = x / self.scale - cx, y / self.scale - cy
        s = self.slope
        return cx + (big_x - s * big_y) / (1 + s * s), cy + (big_y + s * big_x) / (1 + s * s)


def read_sheets(files: list[tuple[Path, str, bytes | None]], problems: Collector) -> list[Sheet]:
    sheets: list[Sheet] = []
    for path, kind, data in files:
        try:
            sheets += READERS[kind](path, data)
        except BadOCR as exc:
            problems.error(path, None, str(exc))
        except OSError as exc:
            problems.error(path, None, f"cannot read: {exc.strerror or exc}")
    return sheets


def read_book(paths: list[Path], problems: Collector, progress: Progress | None, options: Any) -> list[Page]:
    """The OCR files of a book's pages (readers.py: hOCR, ALTO, PAGE XML) → its pages."""
    return list(read_ocr(paths, options.images, problems, progress))


def read_ocr(paths: list[Path], images: Path | None, problems: Collector, progress: Progress | None = None,
             data: dict[Path, bytes] | None = None, pictures: dict[Path, Path] | None = None) -> list[ScannedPage]:
    """OCR files → the book's pages in the order given. `images`: the folder of their pictures
    (--images); `data`: files already read (the built-in OCR's); `pictures`: each file's picture
    where it is known already (the built-in OCR read it)."""
    from generator.ingest.sheets import sniff  # noqa: PLC0415

    if images is not None and not images.is_dir():
        problems.error(images, None, "--images is a folder of page pictures")
        return []
    files = []
    for path in paths:
        kind = sniff(path) if data is None or path not in data else "hocr"
        if kind is None:
            problems.error(path, None, "not hOCR, ALTO or PAGE XML (recognised by content)")
            continue
        files.append((path, kind, (data or {}).get(path)))
    sheets = read_sheets(files, problems)
    if problems.errors:
        return []
    for sheet in sheets:
        sheet.picture = (pictures or {}).get(sheet.source) or find_picture(sheet, images)
        if sheet.picture is not None:
            for line in sheet.lines:
                if line.spread:
                    _place_words(line, sheet)
    return to_pages(sheets, problems, progress)


def _place_words(line: TextLine, sheet: Sheet) -> None:
    """A line the file gives only as text (PAGE XML as Transkribus exports it): its words
    found in the picture, as the runs of ink between the widest gaps in the line's box (as
    many gaps as the text has spaces), each word's box its ink's; left as guessed where the
    picture has fewer gaps than the text has words."""
    spans = looks.ink_runs(sheet.picture, sheet.width, line.box) if sheet.picture else None
    words = line.words
    if not spans or len(spans) < len(words):
        return
    gaps = sorted(range(len(spans) - 1), key=lambda k: spans[k + 1][0] - spans[k][2], reverse=True)[: len(words) - 1]
    cuts = sorted(gaps)
    groups, start = [], 0
    for cut in [*cuts, len(spans) - 1]:
        groups.append(spans[start:cut + 1])
        start = cut + 1
    line.words = [Word(word.text, (group[0][0], min(b[1] for b in group), group[-1][2], max(b[3] for b in group)),
                       word.conf, [], word.styles, word.size) for word, group in zip(words, groups, strict=True)]


def find_picture(sheet: Sheet, images: Path | None) -> Path | None:
    """The page picture the file names, looked for only in `images` (--images) and beside the
    file: by the name as given where it stays below that folder, else by its last part (an
    absolute path, as Tesseract writes the one it was given, or one with '..' is never followed
    there: a picture is published with the edition, so only the folders the editor named give
    one); a file that names none, by the file's own stem (p-9.hocr → p-9.png)."""
    named = sheet.named.replace("\\", "/")
    tries: list[str] = []
    if named:
        parts = [part for part in named.split("/") if part]
        if not named.startswith("/") and ".." not in parts and ":" not in named:
            tries.append("/".join(parts))
        if parts:
            tries.append(parts[-1])
    else:
        tries += [sheet.source.stem + ext for ext in PICTURES]
    for folder in ([images] if images else []) + [sheet.source.parent]:
        for name in tries:
            candidate = folder / name
            if candidate.is_file() and not candidate.is_symlink():   # read only, never written
                return candidate
    return None


# ---- sheets → pages ----

@dataclass
class _Line:
    """An OCR line on its way to a `Line`: in points, deskewed."""
    source: TextLine
    words: list[Word]
    x: Callable[[float, float], float]    # file units → points, deskewed
    y: Callable[[float, float], float]
    baseline: float                       # points
    x_height: float                       # points, measured
    scale: float                          # points per unit
    size: float = 0.0                     # points, after clustering
    engine_size: float | None = None
    slope: float = 0.0                    # the page's skew


def to_pages(sheets: list[Sheet], problems: Collector, progress: Progress | None = None) -> list[ScannedPage]:
    """The sheets as the book's pages (1-based, in the order given), measured as one book."""
    scales: dict[int, float] = {}
    unknown: list[int] = []
    for index, sheet in enumerate(sheets, 1):
        points = sheet.points or (looks.resolution(sheet.picture, sheet.width) if sheet.picture else None)
        if points is None:
            unknown.append(index)
        scales[index] = points or 1.0
    measured = {index: _measure(sheet, scales[index]) for index, sheet in enumerate(sheets, 1)}
    found: dict[int, list[Found]] = {index: [] for index in measured}
    if unknown:   # decided from the book's x-heights: the body text taken as 10 pt
        heights = [line.x_height for index in unknown for line in measured[index]]
        common = statistics.median(heights) if heights else 1.0
        for index in unknown:
            scales[index] = 10 * X_HEIGHT / common if common else 1.0
            measured[index] = _measure(sheets[index - 1], scales[index])
        found[unknown[0]].append(Found(None, "resolution estimated",
                                       f"{len(unknown)} page(s) name no resolution (and no picture gives one): sizes "
                                       "measured from the body text, taken as 10 pt"))
    every = [line for lines in measured.values() for line in lines]
    _cluster_sizes(every)
    for measured_lines in measured.values():
        _settle_short_lines(measured_lines)
    body = _body_size(every)
    for measured_lines in measured.values():
        _settle_runs(measured_lines, body)
    pages: list[ScannedPage] = []
    hyphens: list[float] = []   # the book's line-end hyphens as the pictures show them (typed x-heights)
    for index, sheet in enumerate(sheets, 1):
        scale = scales[index]
        hyphens += _hyphens(measured[index], sheet)
        hyphen = statistics.median(hyphens) if len(hyphens) >= 3 else None
        made = [(line, _to_line(line, sheet, body, found[index], hyphen)) for line in measured[index]]
        lines = [out for _, out in made if out is not None]
        page = ScannedPage(index, sheet.width * scale, sheet.height * scale, lines, picture=sheet.picture,
                           source=sheet.source, units=(sheet.width, sheet.height), scale=scale,
                           slope=measured[index][0].slope if measured[index] else 0.0, found=found[index],
                           engine=sheet.engine)
        page.frames = [(out.y, line.source.box) for line, out in made if out is not None]
        page.doubts = [Doubt(out.y, line.x(w.box[0], line.baseline / scale), line.x(w.box[2], line.baseline / scale),
                             w.text, round(w.conf, 2))
                       for line, out in made if out is not None for w in line.words
                       if w.conf is not None and w.conf < UNSURE]
        pages.append(page)
        if progress:
            progress("reading the OCR: page", index, len(sheets))
    _number_marks(pages, body)
    if not any(page.lines for page in pages):
        problems.error(sheets[0].source if sheets else "ocr", None, "no text on any page")
    return pages


def _measure(sheet: Sheet, points: float) -> list[_Line]:
    """The sheet's lines in points, deskewed, each with its baseline and x-height."""
    slope = _skew(sheet)
    cx, cy = sheet.width / 2, sheet.height / 2

    def x(u: float, v: float) -> float:
        return (cx + (u - cx) + slope * (v - cy)) * points

    def y(u: float, v: float) -> float:
        return (cy + (v - cy) - slope * (u - cx)) * points

    out = []
    for line in sheet.lines:
        words = [w for w in line.words if w.text.strip()]
        if not words:
            continue
        left = line.box[0]
        middle = (line.box[0] + line.box[2]) / 2
        if line.baseline is not None:
            base_slope, base_left = line.baseline
            baseline_units = base_left + base_slope * (middle - left)
        else:
            baseline_units = _baseline_of(words, slope, middle)
        height = _x_height(words, baseline_units) or line.x_height or 1.0
        sizes = [w.size for w in words if w.size]
        engine_size = statistics.mode(sizes) if sizes else None
        out.append(_Line(line, words, x, y, y(middle, baseline_units), height * points, points,
                         engine_size=engine_size, slope=slope))
    return out


def _skew(sheet: Sheet) -> float:
    """The page's skew (dy/dx of its lines): the median baseline slope the engine gives, else
    the median slope between the bottoms of words on one line (robust to descenders)."""
    given = [line.baseline[0] for line in sheet.lines if line.baseline and line.box[2] - line.box[0] > 0.3 * sheet.width]
    if len(given) >= 3:
        return statistics.median(given)
    slopes = []
    for line in sheet.lines:
        bottoms = [((w.box[0] + w.box[2]) / 2, w.box[3]) for w in line.words if not (set(w.text) & DESCENDERS)]
        for (x0, y0), (x1, y1) in itertools.combinations(bottoms, 2):
            if abs(x1 - x0) > 0.15 * sheet.width:
                slopes.append((y1 - y0) / (x1 - x0))
    return statistics.median(slopes) if len(slopes) >= 5 else 0.0


def _baseline_of(words: list[Word], slope: float = 0.0, centre: float = 0.0) -> float:
    """A line's baseline from its words' bottoms (the words without descenders), in file units;
    where every word has one, their bottoms less a descender's depth (about the x-height's half)."""
    def bottom(w: Word) -> float:   # at the line's centre, the skew taken out
        return w.box[3] - slope * ((w.box[0] + w.box[2]) / 2 - centre)

    plain = [bottom(w) for w in words if not (set(w.text) & DESCENDERS) and not _is_mark(w.text)]
    if plain:
        return statistics.median(plain)
    return statistics.median(bottom(w) for w in words) - 0.48 * (_x_height(words, 0.0) or 0.0)


def _is_mark(text: str) -> bool:
    return bool(text) and all(c in GARBLED or c.isdigit() for c in text) and len(text) <= 3


X_LETTERS = set("acemnorsuvwxz")


def _x_height(words: list[Word], baseline: float) -> float | None:
    """A line's x-height: the median height of its x-height letters where the engine gives
    character boxes; else from its words' boxes: a word of x-height letters only is as tall as
    the x-height, one with ascenders (or capitals) or descenders taller by known shares of a
    book face (Libertine, Latin Modern, Times: ascender 1.55, descender 1.5, both 2.05).
    (Tesseract's own `x_size` is the row's height, and not even that reliably.)"""
    glyphs = [g.box[3] - g.box[1] for w in words for g in w.glyphs if g.text in X_LETTERS]
    # Tesseract's LSTM boxes drift from their letters now and then (an h's box given to the w
    # before it), so a short line's boxes mislead ("Handelns." as tall as a heading): the most
    # common height (within a pixel) of a long line's, the words' boxes for a short line's
    def near(v: float) -> list[float]:
        return [h for h in glyphs if abs(h - v) <= 1]

    if len(glyphs) >= 12:
        return statistics.median(near(max(sorted(glyphs), key=lambda v: len(near(v)))))
    estimates = []
    for word in words:
        letters = [c for c in word.text if c.isalnum()]
        if len(letters) < 2:
            continue
        chars = set(word.text)
        ascends, descends = bool(chars & ASCENDERS) or "i" in chars, bool(chars & DESCENDERS)
        factor = 2.05 if ascends and descends else 1.55 if ascends else 1.5 if descends else 1.0
        estimates.append((word.box[3] - word.box[1]) / factor)
    if not estimates:
        return statistics.median(near(max(sorted(glyphs), key=lambda v: len(near(v))))) if glyphs else None
    return statistics.median(estimates)


def _cluster_sizes(lines: list[_Line]) -> None:
    """One size per type size: the lines' x-heights (or the engine's sizes) grouped where they
    lie within 10 % of a group's most common value, the groups formed around the most frequent
    values first (body text, then notes, then headings)."""
    engine = [line for line in lines if line.engine_size]
    for line in engine:
        line.size = round(line.engine_size or 0.0, 1)
    measured = [line for line in lines if not line.engine_size]
    if not measured:
        return
    counts: dict[float, int] = {}
    for line in measured:
        key = round(line.x_height, 1)
        counts[key] = counts.get(key, 0) + sum(len(w.text) for w in line.words)
    centres: list[float] = []
    used: set[float] = set()
    for seed, _ in sorted(counts.items(), key=lambda item: -item[1]):
        if seed in used:
            continue
        # the seed's group: the values near it not yet in a group; its centre their weighted mean
        members = {v: n for v, n in counts.items() if v not in used and abs(v - seed) <= 0.1 * seed}
        used.update(members)
        centres.append(sum(v * n for v, n in members.items()) / sum(members.values()))
    for line in measured:
        centre = min(centres, key=lambda c: abs(c - line.x_height) / c)
        line.size = round(centre / X_HEIGHT, 1)


def _settle_short_lines(lines: list[_Line]) -> None:
    """A short line (a paragraph's or note's last, "Gewicht.", "2020).") has few letters to
    measure, and a worn scan's speck read as "." or ":" beside them moves its size into
    another group: one set at the pitch of the line above it (no space between them, as a
    heading has) takes that line's size."""
    ordered = sorted(lines, key=lambda line: line.baseline)
    for above, line in itertools.pairwise(ordered):
        letters = sum(c.isalpha() for w in line.words for c in w.text)
        if letters < 15 and line.size != above.size and 0 < line.baseline - above.baseline <= 1.45 * above.size:
            line.size = above.size


def _settle_runs(lines: list[_Line], body: float) -> None:
    """Lines set one under another at one pitch in a size smaller than the body's (notes) are
    set in one size (print changes the leading with the size): on a worn scan without
    character boxes one note line's x-height, measured from a few blurred word boxes, falls
    into the next size group (8 pt notes measured as 7.5, 8.6 and 10.1 pt on one page, all
    at a 10.3 pt pitch). Runs of three lines or more whose baseline gaps stay within a fifth
    of their median take the size most of their letters have, where a line's own lies within
    a quarter of it or above the run's pitch (no type is bigger than its leading); a heading
    or a note block stands apart by its spacing. (Body-size runs only by their pitch: a caption
    set at the body's pitch is smaller, and kept so; a body line the file gives as text only,
    its size guessed from its ink, measured 14.5-18.8 pt at the body's 13 pt pitch.)"""
    ordered = sorted((line for line in lines if not line.engine_size), key=lambda line: line.baseline)
    runs: list[list[_Line]] = []
    gaps: list[float] = []
    for line in ordered:
        if runs and len(runs[-1]) >= 1:
            gap = line.baseline - runs[-1][-1].baseline
            if len(runs[-1]) == 1 and 0 < gap <= 2.0 * max(line.size, runs[-1][-1].size):
                runs[-1].append(line)
                gaps = [gap]
                continue
            if len(runs[-1]) > 1 and abs(gap - statistics.median(gaps)) <= 0.2 * statistics.median(gaps):
                runs[-1].append(line)
                gaps.append(gap)
                continue
        runs.append([line])
        gaps = []
    for run in runs:
        if len(run) < 3:
            continue
        letters: dict[float, int] = {}
        for line in run:
            letters[line.size] = letters.get(line.size, 0) + sum(c.isalpha() for w in line.words for c in w.text)
        size = max(letters, key=lambda s: letters[s])
        pitch = statistics.median(b.baseline - a.baseline for a, b in itertools.pairwise(run))
        if size >= 0.93 * body:
            for line in run:   # (the body's own runs: only a size above the pitch is no size)
                if line.size > 1.05 * pitch:
                    line.size = size
            continue
        for line in run:
            # (a line the file gives as text only has its words' boxes guessed from the ink: its
            # measured size is a guess too, and its place in the run is the better evidence; nor
            # is a line set in a size above the run's pitch: no type is bigger than its leading,
            # and a worn note line read '"Online: https //www…', all ascenders and slashes,
            # measured 12.3 pt at a 10.6 pt pitch)
            if line.size != size and (abs(line.size - size) <= 0.25 * size or line.source.spread
                                      or line.size > 1.05 * pitch):
                line.size = size


def _body_size(lines: list[_Line]) -> float:
    counts: dict[float, int] = {}
    for line in lines:
        counts[line.size] = counts.get(line.size, 0) + sum(len(w.text) for w in line.words)
    return max(counts, key=lambda s: counts[s]) if counts else 10.0


PLAIN = Style("", False, False)


def _style(word: Word) -> Style:
    return Style("", "bold" in word.styles, "italic" in word.styles) if word.styles else PLAIN


def _typed(line: _Line) -> float:
    """The x-height of the line's type size (clustered per book, or the engine's), in the file's
    units: one measure for every line set in one size (a word box's height is the ink's for one
    engine and the type's em for another, and a blurred box is taller)."""
    return line.size * X_HEIGHT / line.scale if line.scale and line.size else line.x_height


def _hyphens(lines: list[_Line], sheet: Sheet) -> list[float]:
    """The lengths (in typed x-heights, `_typed`) of the line-end hyphens of a page's lines
    ("betrach-") as its picture shows them: what a hyphen measures in this book at this
    resolution and wear, to tell a dash standing alone or in a range from one."""
    if sheet.picture is None:
        return []
    out = []
    for line in lines:
        last = line.words[-1]
        if len(last.text) >= 4 and last.text[-1] == "-" and last.text[-2].isalpha():
            seen = looks.dash_length(sheet.picture, sheet.width, last.box, _units_baseline(line, last), _typed(line))
            if seen:
                out.append(seen)
    return out


def _to_line(line: _Line, sheet: Sheet, body: float, said: list[Found] | None = None,
             hyphen: float | None = None) -> Line | None:
    """An OCR line as the PDF reader's: characters placed along the deskewed baseline (by their
    boxes where the engine gives them, else in equal shares of the word's box)."""
    size = line.size
    x_height = line.x_height or size * X_HEIGHT
    chars: list[Char] = []
    words = _spaced(line.words)
    # an engine that marks superscripts marks them all: its file is trusted, the picture not searched
    styled = any("superscript" in w.styles for other in sheet.lines for w in other.words)
    scale = line.scale
    base_units = line.baseline / scale if scale else 0.0
    specks = [word for k, (word, _) in enumerate(words) if _is_speck(word, x_height / scale if scale else x_height)
              and not (k == 0 and _is_bullet(word, line, x_height / scale if scale else x_height))]
    if specks and len(specks) < len(words):
        words = [(word, joined) for word, joined in words if not any(word is speck for speck in specks)]
        for speck in specks:
            if said is not None:
                said.append(Found(line.baseline, "speck left out",
                                  f"{speck.text!r} standing alone, smaller than half the x-height: a speck on the "
                                  "scan the engine read as a mark"))
    for k, (word, joined) in enumerate(words):
        if k == 0 and _is_bullet(word, line, x_height / scale if scale else x_height):
            word = Word("•", word.box, word.conf, [], word.styles, word.size)  # noqa: PLW2901
        elif word.text in DASHES and (dash := _dash(word, x_height / scale if scale else x_height, line, sheet,
                                                    hyphen)) != word.text:
            word = Word(dash, word.box, word.conf, [], word.styles, word.size)  # noqa: PLW2901
        else:
            word = _reread(word, line, sheet, x_height / scale if scale else x_height, said,  # noqa: PLW2901
                           words[k - 1][0].text if k else "", words[k + 1][0].text if k + 1 < len(words) else "",
                           hyphen)
        # a superscript number the engine gave as a word of its own belongs to the word before it
        reference = "superscript" in word.styles and word.text.isdigit() and chars and chars[-1].text != " "
        if chars and not joined and not reference:
            chars.append(Char(" ", chars[-1].x, line.baseline, size, chars[-1].style))
        style = Style(SPACED, "bold" in word.styles, "italic" in word.styles) if joined is not None else _style(word)
        text = word.text
        mark: Box | None = None
        # A raised number at the word's end, as the engine gave it or as the picture shows it.
        trailing = _trailing_garble(text)
        following = words[k + 1][0].box[0] if k + 1 < len(words) else None
        first_raised = bool(word.glyphs) and _raised_box(word.glyphs[0].box, line, scale, x_height)
        if sheet.picture is not None and k == 0 and not styled and not first_raised and size < 0.93 * body:
            # a note's number before its text, as the engine misread it ("'Vgl.", "°Vgl."); only on
            # lines smaller than the body's (notes): a body line never opens with one, and the
            # top of its first capital (a W's arm) looks like one
            under = _units_baseline(line, word)
            found = looks.raised_mark(sheet.picture, sheet.width, word.box, None, under, x_height / scale, leading=True)
            xh_units = x_height / scale
            lead = LEAD.match(text)
            if found is None and lead is not None and not lead.group().isdigit() and re.match(r"[A-ZÄÖÜ]", text[lead.end():]):
                # the mark touches the capital after it (a V's serif; a worn scan's blur): where it
                # stands, by the engine's reading
                found = (word.box[0], under - 1.75 * xh_units, word.box[0] + 1.15 * xh_units, under - 0.5 * xh_units)
            if found is not None:
                text = text[lead.end():] if lead else text
                chars += _mark_chars(line.x(found[0], base_units), line, size, style, found, sheet)
                glyphs_left = [g for g in word.glyphs if g.box[0] >= found[2] - 0.5] if word.glyphs else []
                word = Word(text, (max(found[2], word.box[0]), *word.box[1:]), word.conf,  # noqa: PLW2901
                            glyphs_left if "".join(g.text for g in glyphs_left) == text else [], word.styles, word.size)
        # (never after a dash standing alone: a reference follows a word or its punctuation; a speck
        # above a dash is no mark)
        if sheet.picture is not None and not styled and not set(word.text) <= set(DASHES) and not (
                word.glyphs and _raised_box(word.glyphs[-1].box, line, scale, x_height)):
            found = looks.raised_mark(sheet.picture, sheet.width, word.box, following, _units_baseline(line, word),
                                      x_height / scale)
            if found is not None:
                mark = found
                if trailing:
                    text = text[: len(text) - len(trailing)]
        # character boxes only where there is one per character (an editor's correction may give two in one)
        glyphs = word.glyphs if word.glyphs and "".join(g.text for g in word.glyphs) == text \
            and all(len(g.text) == 1 for g in word.glyphs) and _in_order(word, x_height / scale if scale else 1.0) else []
        superscript = "superscript" in word.styles
        placed = _place(text, word, glyphs, line, scale)
        lifted = [superscript or (box is not None and _raised_box(box, line, scale, x_height)) for _, box in placed]
        # "Blockkonfrontation.?””", "überschätzen.'®", "Städten.7”": the engine's boxes are loose,
        # the characters between a full stop and a raised one are the mark's (no sentence ends ".?")
        stop = next((at for at in range(len(text) - 1, 0, -1) if text[at - 1] in ".,;:" and lifted[-1]
                     and all(c in GARBLED + "?0123456789" for c in text[at:])), None)
        if stop is not None:
            lifted[stop:] = [True] * (len(text) - stop)
        at = 0
        while at < len(text):
            x, glyph_box = placed[at]
            if lifted[at] and glyph_box is not None and not text[at].isdigit():
                # raised glyphs that are not all digits: a note number misread (”° for 25), or a
                # quote mark (shorter: about a third of the x-height); read as one mark
                end = at
                while end < len(text) and lifted[end] and placed[end][1] is not None:
                    end += 1
                boxes = [b for _, b in placed[at:end] if b is not None]
                union = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                         max(b[3] for b in boxes))
                if end == len(text) and sheet.picture is not None:
                    # at the word's end: the engine's character boxes are loose (LSTM), the picture
                    # shows where the mark's ink is
                    seen = looks.raised_mark(sheet.picture, sheet.width, word.box, following,
                                             _units_baseline(line, word), x_height / scale)
                    if seen is not None and seen[2] >= union[0]:
                        union = seen
                digits = looks.read_digits(sheet.picture, union, sheet.width) if sheet.picture is not None else None
                if digits or (union[3] - union[1] >= 0.55 * x_height / scale and not set(text[at:end]) & set("„‚«»")):
                    chars += _mark_chars(x, line, size, style, union, sheet, digits)
                    at = end
                    continue
                lifted[at] = False
            raised = lifted[at]
            y = line.baseline - 0.45 * size if raised else line.baseline
            chars.append(Char(text[at], x, y, size * (0.7 if raised else 1), style, raised and text[at].isdigit()))
            at += 1
        if mark is not None:
            chars += _mark_chars(line.x(mark[0], base_units), line, size, style, mark, sheet)
    if not chars:
        return None
    right = max(line.x(line.words[-1].box[2], base_units), *(c.x for c in chars))
    hyphen = line.source.hyphen
    if chars[-1].text in "¬⸗" and len(chars) > 1:   # the hyphens of old prints: a line-end break
        chars.pop()
        hyphen = True
    made = Line(chars, right, hyphen)
    made.y, made.size = round(line.baseline, 1), round(size, 1)
    return made


SPECKS = ".,:;'\"°|\\“”‘’*`^´~"   # what engines make of a speck of dirt standing alone


def _is_speck(word: Word, x_height: float) -> bool:
    """A word that is one character, no bigger than half the x-height either way: a worn scan's
    speck the engine read as ':' ';' '.' '\\' '°', or as a digit or letter ("307. 5" from a
    speck of 2 pixels beside a note's end: no letter or digit is that small, a raised note
    number is taller; a full stop or comma is set against the word before it, never alone)."""
    left, top, right, bottom = word.box
    return (len(word.text) == 1 and not word.text.isspace() and x_height > 0
            and max(right - left, bottom - top) < 0.45 * x_height)


BULLET_READINGS = "«»·•*°o.,-~+®©\"'’”“"   # what engines make of a list's bullet (a dot at mid x-height)


def _is_bullet(word: Word, line: _Line, x_height: float) -> bool:
    """A line's first word that is a list's bullet, whatever the engine read (Tesseract's `deu`
    has no "•": it gives « . * + ®): one mark, a roughly square dot of about half the x-height,
    its middle at the middle of the x-height band (a full stop sits on the baseline, a hyphen or
    dash is flat, a raised note number stands higher and is taller; one smaller than half the
    x-height either way is a speck), a word after it."""
    if len(word.text) != 1 or word.text not in BULLET_READINGS or len(line.words) < 2 or x_height <= 0:
        return False
    left, top, right, bottom = word.box
    width, height = right - left, bottom - top
    middle = _units_baseline(line, word) - (top + bottom) / 2
    return (0.3 * x_height <= height <= 0.8 * x_height and 0.6 <= width / max(height, 1e-6) <= 1.6
            and 0.3 * x_height <= middle <= 0.7 * x_height and not _is_speck(word, x_height))


DASHES = "-–—‐"
# what an engine makes of a note's raised number before its text: marks, digits, or on a worn
# scan one or two letters before a capital ("sVgl.", "ıVgl.", "»Weiß": no word begins so), after
# the digits read right where there are ("3sVgl." for 35, "2>Die" for 25: all of it is the mark)
LEAD = re.compile(r"[" + re.escape(GARBLED) + r"?\d]{0,2}[a-zı»«>#:;]{1,2}(?=[A-ZÄÖÜ][a-zäöüß])|[" + re.escape(GARBLED)
                  + r"?\d]{1,3}(?!\d)")
# a dash's length in x-heights from which it is an en dash, as the picture shows it at half its
# darkness: a hyphen is 0.72-0.77, an en dash 1-1.2; a worn scan's x-height, measured from blurred
# boxes, comes out up to a tenth too big, so an en dash may measure 0.88 (a hyphen stays below)
SEEN_DASH = 0.85
DOLLAR_S = re.compile(r"\$(?:\.|[a-zäöüß]+[.,;:]?)")
# a page citation's "S." as small worn type reads it at 200 dpi: "5." or "S," (and "$,"), after a
# comma and before the page's number ("1978, 5. 190.", "2004, S, 182.", "5.328."): no date or
# count stands so (a day's "5." follows no comma, a volume's "5," is followed by "S.")
PAGE_S = re.compile(r"(?:5\.|[S$],)(\d+[.,;:]?)?")
PAGE_NUMBER = re.compile(r"\d{1,4}(?:[-–]\d{1,4})?[.,;:)]?")
# a page citation's "S. 328." that small worn type reads as one word ("S.328."): the space after
# the full stop is in the picture (`_space_after_stop`)
S_NUMBER = re.compile(r"S\.(\d+[.,;:]?)")
# the blank after a full stop, in typed x-heights, from which it is a space: a word space of 8 pt
# type at 200 dpi worn measures 0.7-1.0, the gap after a dot inside "1.3" or "4.2.1" 0.2-0.46
SPACE_AFTER_STOP = 0.6
# Vgl. (vergleiche) as a worn scan's V with its arms closed reads: no German word is "ygl"
YGL = re.compile(r"(?<![\wäöüß])[yY]gl\.$")
RANGE = re.compile(r"(\d+)-(\d+)([.,;:)]?)")
BRACKET_L = re.compile(r"(?<=[A-Za-zäöüß])(?:l\]|\]l?)(?=[a-zäöüß]*[.,;:]?$)")


def _reread(word: Word, line: _Line, sheet: Sheet, x_height: float, said: list[Found] | None,
            before: str = "", after: str = "", hyphen: float | None = None) -> Word:
    """Confusions of Tesseract's that the picture or the print's own rules undo: a word's last
    mark (. , : ;) as the picture shows it (`STOPS`), a range's en dash read as
    a hyphen ("192-195"; measured in the picture: a hyphen is shorter than SEEN_DASH), and
    an l read as "]" in a word that opens no bracket ("Vg]." for "Vgl."; said in the report)."""
    text = word.text
    glyphs = word.glyphs
    if len(text) >= 2 and text[-1] in STOPS and text[-2] not in STOPS and sheet.picture is not None:
        # the x-height of the line's type size (clustered per book, or the engine's): a word box's
        # height is the ink's for one engine and the type's em for another
        typed = _typed(line) if line.scale and line.size else x_height
        seen = looks.stop_mark(sheet.picture, sheet.width, word.box, _units_baseline(line, word), typed)
        if seen is not None and seen != text[-1]:
            if said is not None:
                said.append(Found(line.baseline, "letter read again",
                                  f"{text!r} read as {text[:-1] + seen!r}: the picture shows {STOPS[seen]}"))
            text = text[:-1] + seen
            if glyphs and glyphs[-1].text == word.text[-1]:
                glyphs = [*glyphs[:-1], Glyph(seen, glyphs[-1].box, glyphs[-1].conf)]
            word = Word(text, word.box, word.conf, glyphs, word.styles, word.size)
    if RANGE.fullmatch(text) and sheet.picture is not None:
        length = looks.dash_length(sheet.picture, sheet.width, word.box, _units_baseline(line, word), x_height)
        if length is not None and (length >= SEEN_DASH or _longer_than_hyphens(length * x_height, line, hyphen)):
            text = text.replace("-", "–", 1)
    if "]" in text and "[" not in text and BRACKET_L.search(text):
        fixed = BRACKET_L.sub("l", text)
        if said is not None:
            said.append(Found(line.baseline, "letter read again",
                               f"{text!r} read as {fixed!r}: a ']' that closes no bracket, between letters, is an l"))
        text = fixed
    if DOLLAR_S.fullmatch(text):   # "$." for "S." (a page): a worn S's gap closed
        fixed = "S" + text[1:]
        if said is not None:
            said.append(Found(line.baseline, "letter read again",
                               f"{text!r} read as {fixed!r}: a '$' before a full stop or small letters is an S"))
        text = fixed
    if (page := PAGE_S.fullmatch(text)) and before.endswith(",") and (
            page.group(1) is not None or PAGE_NUMBER.fullmatch(after)):
        fixed = "S." + (page.group(1) or "")
        if said is not None:
            said.append(Found(line.baseline, "letter read again",
                               f"{text!r} read as {fixed!r}: after a comma and before a page's number it is the "
                               "citation's S."))
        text = fixed
    if (cited := S_NUMBER.fullmatch(text)) and sheet.picture is not None and _space_after_stop(word, line, sheet):
        fixed = f"S. {cited.group(1)}"
        if said is not None:
            said.append(Found(line.baseline, "space read again",
                               f"{text!r} read as {fixed!r}: the picture shows a space after the full stop"))
        text = fixed
    if YGL.search(text):
        fixed = YGL.sub("Vgl.", text)
        if said is not None:
            said.append(Found(line.baseline, "letter read again", f"{text!r} read as {fixed!r}: no word is 'ygl'"))
        text = fixed
    if text == word.text:
        return word
    return Word(text, word.box, word.conf, [], word.styles, word.size)


def _space_after_stop(word: Word, line: _Line, sheet: Sheet) -> bool:
    """Whether the picture shows a word space after the full stop of a word read as one ("S.328."):
    the word's ink in runs of columns, its letter's run, the stop's (narrow: under a third of the
    x-height), then a blank of SPACE_AFTER_STOP typed x-heights or more (the engine, at 200 dpi,
    drops a space a pixel or two narrower than it wants)."""
    typed = _typed(line)
    runs = looks.ink_runs(sheet.picture, sheet.width, word.box) if sheet.picture is not None and typed > 0 else None
    if not runs or len(runs) < 3:
        return False
    stop, after = runs[1], runs[2]
    return stop[2] - stop[0] < 0.35 * typed and after[0] - stop[2] >= SPACE_AFTER_STOP * typed


# a word's last mark as the picture shows it (pictures.stop_mark): Tesseract's German model reads a
# worn scan's small semicolon as a colon and a full stop as a comma
STOPS = {".": "a full stop (a dot on the baseline)", ",": "a comma (a dot with a tail below the baseline)",
         ":": "a colon (a dot above a dot)", ";": "a semicolon (a dot above a comma)"}


# a dash this many times as long as the book's line-end hyphens, measured alike, is an en dash
# (hyphens measure 0.45-0.6 typed x-heights at 300 and 200 dpi, clean and worn, en dashes 0.72-1.08)
LONGER_THAN_HYPHENS = 1.25


def _longer_than_hyphens(length: float, line: _Line, hyphen: float | None) -> bool:
    """Whether a dash `length` long (in the file's units) is longer than the book's line-end
    hyphens by LONGER_THAN_HYPHENS (`hyphen`: their median, in typed x-heights)."""
    typed = _typed(line)
    return bool(hyphen) and typed > 0 and length / typed >= LONGER_THAN_HYPHENS * (hyphen or 0.0)


def _dash(word: Word, x_height: float, line: _Line | None = None, sheet: Sheet | None = None,
          hyphen: float | None = None) -> str:
    """A dash standing alone between words, by its length (Tesseract reads a small en dash as a
    hyphen): a hyphen is about 0.75 x-height long, an en dash 1–1.2, an em dash twice that. The
    engine's box, or where the picture is there the dash's ink at half its darkness (a worn
    scan's box is the blurred ink's, shorter by its faded ends); and the book's own line-end
    hyphens measured alike (`hyphen`): a worn 200 dpi scan's x-height, measured from blurred
    boxes, makes an en dash 0.73-0.91 of it, a hyphen's length by that rule, but it stays a
    third longer than the book's hyphens."""
    length = (word.box[2] - word.box[0]) / x_height if x_height > 0 else 0.0
    seen = None
    if line is not None and sheet is not None and sheet.picture is not None:
        seen = looks.dash_length(sheet.picture, sheet.width, word.box, _units_baseline(line, word), x_height)
        length = max(length, (seen or 0.0) * 0.88 / SEEN_DASH)
    if length < 0.88:
        longer = line is not None and seen is not None and _longer_than_hyphens(seen * x_height, line, hyphen)
        return "–" if longer else word.text
    return "–" if length < 1.6 else "—"


def _units_baseline(line: _Line, word: Word) -> float:
    """The baseline under a word, in the file's units (as the picture has it: skewed)."""
    source = line.source
    middle = (word.box[0] + word.box[2]) / 2
    if source.baseline is not None:
        return source.baseline[1] + source.baseline[0] * (middle - source.box[0])
    centre = (source.box[0] + source.box[2]) / 2   # the words' baseline, along the page's skew
    return _baseline_of(line.words, line.slope, centre) + line.slope * (middle - centre)


def _trailing_garble(text: str) -> str:
    """What the engine made of a raised number at a word's end ("Migration.’", "hin.°"); after a
    full stop or comma a "?" is part of it ("Meinung.?", "Migration.?'": no sentence ends ".?"),
    after a letter it is the question mark the print has."""
    after_stop = re.search(r"(?<=[.,;:!)»«])[" + re.escape(GARBLED) + r"?\d]{1,3}$", text)
    if after_stop:
        return after_stop.group(0)
    m = re.search(r"(?<=[\w?])[" + re.escape(GARBLED) + r"\d]{1,3}$", text)
    return m.group(0) if m else ""


def _in_order(word: Word, x_height: float) -> bool:
    """Whether a word's character boxes stand inside its box, left to right: Tesseract's LSTM
    boxes drift now and then (on a Fraktur scan a word's first letter given a box half a page
    to its right, which made a line end before it began); a word whose boxes do not is placed
    by equal shares of its box."""
    tolerance = 0.5 * x_height
    lefts = [g.box[0] for g in word.glyphs]
    return (all(word.box[0] - tolerance <= g.box[0] and g.box[2] <= word.box[2] + tolerance for g in word.glyphs)
            and all(b >= a - tolerance for a, b in itertools.pairwise(lefts)))


def _place(text: str, word: Word, glyphs: list, line: _Line, scale: float) -> list[tuple[float, Box | None]]:
    """Each character's left edge in points, with its box where the engine gave one."""
    base_units = line.baseline / scale if scale else 0.0
    if glyphs:
        return [(line.x(g.box[0], base_units), g.box) for g in glyphs]
    x0, _, x1, _ = word.box
    share = (x1 - x0) / max(len(text), 1)
    return [(line.x(x0 + share * i, base_units), None) for i in range(len(text))]


def _raised_box(box: Box, line: _Line, scale: float, x_height: float) -> bool:
    """A glyph whose bottom stands well above the baseline (by 0.35 x-height): set raised."""
    bottom = box[3]
    base = _units_baseline(line, Word("", box))
    return base - bottom > 0.35 * (x_height / scale if scale else 1)


def _mark_chars(x: float, line: _Line, size: float, style: Style, box: Box, sheet: Sheet,
                digits: str | None = None) -> list[Char]:
    """A raised mark, a character per digit (as a PDF gives them): its digits where the picture
    can be re-read, else "?" for the notes' sequence to number (`_number_marks`)."""
    if digits is None and sheet.picture is not None:
        digits = looks.read_digits(sheet.picture, box, sheet.width)
    step = (box[2] - box[0]) * line.scale / max(len(digits or "?"), 1)
    return [Char(d, x + k * step, line.baseline - 0.45 * size, size * 0.7, style, True)
            for k, d in enumerate(digits or "?")]


def _spaced(words: list[Word]) -> list[tuple[Word, bool | None]]:
    """Words with whether each joins the one before it in a letter-spaced word: three or more
    one-letter words in a row (the engine's reading of Sperrsatz). None: an ordinary word."""
    out: list[tuple[Word, bool | None]] = []
    k = 0
    while k < len(words):
        end = k
        while end < len(words) and len(words[end].text) == 1 and words[end].text.isalpha():
            end += 1
        if end - k >= 3:
            out += [(w, j > 0) for j, w in enumerate(words[k:end])]
            k = end
        else:
            out.append((words[k], None))
            k += 1
    return out


# ---- note numbers ----

def _runs(line: Line, first_only: bool = False) -> list[list[Char]]:
    """The line's raised marks: runs of raised characters (a mark "25" is two), left to right;
    `first_only`: the one the line begins with (a note's number), if any."""
    runs: list[list[Char]] = []
    for k, c in enumerate(line.chars):
        if not c.raised:
            if first_only:
                break
            continue
        if runs and k > 0 and line.chars[k - 1].raised:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs[:1] if first_only else runs


def _set(line: Line, mark: list[Char], number: str) -> None:
    """A mark's characters in `line` made to say `number`, a character per digit, where the first stood."""
    first = mark[0]
    step = (mark[-1].x - first.x) / max(len(number) - 1, 1) if len(mark) > 1 else first.size * 0.5
    new = [Char(d, first.x + k * step, first.y, first.size, first.style, True) for k, d in enumerate(number)]
    at = next(k for k, c in enumerate(line.chars) if c is first)
    line.chars[at:at + len(mark)] = new
    mark[:] = new
    line.text = "".join(c.text for c in line.chars)


def _number_marks(pages: list[ScannedPage], body: float) -> None:
    """The raised marks of each page paired with its notes: a mark nothing could read ("?")
    numbered from the notes' sequence (a chapter's notes count on from the last number read or
    given); a note number that fits neither its page's references nor the sequence where one
    reference is left over that does (a touching letter read as a third digit: "221" for 22)
    takes that reference's number. Each is said; where the page's references and notes do not
    pair up, it is a Hinweis, never a silent plain digit."""
    last = 0
    last_note = 0              # the last note's number on the pages before (in the chapter)
    chapter = 0
    kept: list[tuple[ScannedPage, int, list[tuple[Line, list[Char]]], list[tuple[Line, list[Char]]]]] = []
    for page in pages:
        lines = sorted(page.lines, key=lambda line: line.y)
        foot = _foot(lines, body)
        starts = [line for line in foot if line.chars and (line.chars[0].raised or re.match(r"\d{1,3}\s", line.text))]
        in_foot = {id(line) for line in foot}
        marks = [(line, run) for line in lines if id(line) not in in_foot for run in _runs(line)]
        notes = [(line, run) for line in starts for run in _runs(line, first_only=True)]

        if any(line.size >= 1.3 * body for line in lines) and _opens(notes + marks, last_note, len(notes)):
            last = last_note = 0   # a chapter opens: its notes count from 1
            chapter += 1

        # a note number read wrong, where the page's references say what it is
        refs = [_number(run) for _, run in marks if _number(run).isdigit()]
        for at, (line, run) in enumerate(notes):
            read = _number(run)
            if not read.isdigit() or read in refs:
                continue
            previous = _number(notes[at - 1][1]) if at else str(last_note)
            if previous.isdigit() and int(read) == int(previous) + 1:
                continue   # it counts on from the note before: its reference was not read, not it
            left = [r for r in refs if r not in {_number(n) for _, n in notes}]
            if len(left) == 1 and int(left[0]) == max([last, *(int(_number(n)) for _, n in notes if _number(n).isdigit()
                                                                and int(_number(n)) < int(left[0]))]) + 1:
                page.found.append(Found(line.y, "note number from its reference",
                                        f"a note's number read as {read}; the page's references and the notes' sequence "
                                        f"give {left[0]}"))
                _set(line, run, left[0])
        # several read wrong ("555" and "5" for 55 and 56): the references left over, in order,
        # where that makes the page's notes count up
        wrong = [(line, run) for line, run in notes if _number(run).isdigit() and _number(run) not in refs]
        left = sorted({r for r in refs if r not in {_number(n) for _, n in notes}}, key=int)
        if len(wrong) >= 2 and len(wrong) == len(left):
            given = dict(zip((id(run) for _, run in wrong), left, strict=True))
            counted = [int(given.get(id(run), _number(run))) for _, run in notes if _number(run).isdigit()]
            if all(a < b for a, b in itertools.pairwise(counted)):
                for line, run in wrong:
                    page.found.append(Found(line.y, "note number from its reference",
                                            f"a note's number read as {_number(run)}; the page's references and the "
                                            f"notes' sequence give {given[id(run)]}"))
                    _set(line, run, given[id(run)])
        # one number between two that count on by two ("59, 6, 61": a digit lost; "59, 307, 61": a
        # speck read as one): the one between them, in the notes and in the text alike; the page's
        # first after the last number of the pages before ("47 | 38, 49": a 4 read as a 3)
        for sequence, what in ((notes, "a note's number"), (marks, "a raised number in the text")):
            values = [last_note or None] + [int(_number(run)) if _number(run).isdigit() else None for _, run in sequence]
            for k in range(1, len(values) - 1):
                before_k, here_k, after_k = values[k - 1], values[k], values[k + 1]
                if before_k is not None and after_k is not None and here_k is not None \
                        and after_k - before_k == 2 and here_k != before_k + 1:
                    line, run = sequence[k - 1]
                    page.found.append(Found(line.y, "note number from the sequence",
                                            f"{what} read as {here_k}, between {before_k} and {after_k}: "
                                            f"{before_k + 1}"))
                    _set(line, run, str(before_k + 1))
                    values[k] = before_k + 1
        _count_on(page, notes, marks, last_note)
        start = last + 1
        read_marks = [(k, int(_number(run))) for k, (_, run) in enumerate(marks) if _number(run).isdigit()]
        if read_marks:   # a number read on the page says where its sequence stands
            start = read_marks[0][1] - read_marks[0][0]
        agree = len(marks) == len(starts) or not starts
        place = {id(line): k for k, line in enumerate(starts)}
        for sequence in (marks, notes):
            for k, (line, run) in enumerate(sequence):
                if _number(run) != "?":
                    continue
                value = str(start + (place[id(line)] if sequence is notes else k))
                _set(line, run, value)
                what = "a note's number" if sequence is notes else "a raised mark in the text"
                if agree:
                    page.found.append(Found(line.y, "note number from the sequence",
                                            f"{what} the picture shows but nothing read: numbered {value} from the "
                                            "notes on the page"))
                else:
                    page.found.append(Found(line.y, "warning",
                                            f"{what} could not be read; numbered {value} from the sequence, but the page "
                                            f"has {len(marks)} reference(s) and {len(starts)} note(s): check it on the page"))
        kept.append((page, chapter, notes, marks))
        known = [int(_number(run)) for _, run in marks + notes if _number(run).isdigit()]
        known += [int(m.group(1)) for line in starts if (m := re.match(r"(\d{1,3})\s", line.text))]
        last = max(known, default=last)
        labels = [_number(run) for _, run in notes if _number(run).isdigit()]
        # (never back: a chapter's notes count up, and a last note read "4" for 41 is no place to
        # count from; nor further than the page's notes or references can reach: a last note read
        # "26" for 16, "73" for 39, would misnumber every page after it; then the highest number
        # among the page's notes and references that lies within reach. Where nothing was counted
        # yet, a page may begin anywhere: an excerpt, notes counted through the book)
        reach = last_note + max(len(notes), len(marks)) + 1 if last_note else 10**9
        if labels and last_note < int(labels[-1]) <= reach:
            last_note = int(labels[-1])
        elif labels:
            seen = [int(n) for n in labels + [_number(run) for _, run in marks] if n.isdigit()]
            last_note = max([last_note, *(n for n in seen if n <= reach)])

    _between(kept)
    # a note no raised number on its page (or the page before) calls: its reference was not
    # read (the layout keeps the note; the editor is shown where to look)
    before: set[str] = set()   # the raised numbers of the page before
    for page, _, notes, marks in kept:
        here = {_number(run) for _, run in marks}
        for line, run in notes:
            label = _number(run)
            if label.isdigit() and label not in here and label not in before:
                page.found.append(Found(line.y, "warning",
                                        f"note {label}: no reference to it was read on the page: the OCR may have "
                                        f"missed the raised {label} or read it as something else; look for it on the "
                                        f"page picture and write [^{label}] where it stands"))
        before = here


def _holds(values: list[int], run: list[int]) -> bool:
    """Whether `values` hold `run` one after another."""
    return bool(run) and any(values[k:k + len(run)] == run for k in range(len(values) - len(run) + 1))


def _opens(runs: list[tuple[Line, list[Char]]], last_note: int, count: int) -> bool:
    """Whether a page with a line in a heading's size opens a chapter whose notes count from 1,
    by its raised numbers (notes' and text's) as read: unless more of them count on from the
    page before's last note than from 1. A line's size can mislead: a scan's line the file
    gives as text only (PAGE XML lines only) has its size guessed from its ink, and on a worn
    200 dpi scan such lines came out at a heading's size on many pages of the 45-page book,
    each restarting the count mid-chapter (notes 77 -> 94 of 164 once they no longer did)."""
    read = [int(_number(run)) for _, run in runs if _number(run).isdigit()]
    on = sum(last_note < n <= last_note + count + 1 for n in read)
    anew = sum(1 <= n <= count + 1 for n in read)
    return not last_note or anew >= on


def _number(run: list[Char]) -> str:
    return "".join(c.text for c in run)


def _between(read: list[tuple[ScannedPage, int, list[tuple[Line, list[Char]]], list[tuple[Line, list[Char]]]]]) -> None:
    """A page's notes numbered from the pages on either side, where those leave it exactly as
    many numbers as it has notes: a chapter's footnotes count on one by one, so after a page
    whose last note is 38 and before one whose first is 43 a page with four notes holds 39-42,
    whatever a worn scan read there ("2 13 4 42": its small raised digits read wrong one in
    three). Either side is its notes' number where one was read, else its text's raised number
    (the text's are often read where the notes' are not); a chapter's first page counts from 0.
    The page's raised numbers in the text, where there are as many as notes, call them in order.
    Where no page with notes follows in the chapter (its last page), the page's own raised
    numbers in the text, reading the whole run the page before's last note leaves it ("5 6 69
    70 71 72" after note 68, for four notes), do as the other side.
    Each change is said; a page the sides leave more or fewer numbers than notes is left as read.
    Two sweeps: a page set right gives its neighbour a side."""
    def digits(runs: list[tuple[Line, list[Char]]]) -> list[int]:
        return [int(_number(run)) for _, run in runs if _number(run).isdigit()]

    with_notes = [k for k, (_, _, notes, _) in enumerate(read) if notes]
    for _ in range(2):
        for at, k in enumerate(with_notes):
            page, chapter, notes, marks = read[k]
            previous = with_notes[at - 1] if at else None
            following = with_notes[at + 1] if at + 1 < len(with_notes) else None
            if previous is None or read[previous][1] != chapter:
                lows = {0} if chapter else set()
            else:
                lows = {values[-1] for values in (digits(read[previous][2]), digits(read[previous][3])) if values}
            highs: set[int] = set()
            if following is not None and read[following][1] == chapter:
                highs = {values[0] for values in (digits(read[following][2]), digits(read[following][3])) if values}
            if highs:
                fits = sorted({low for low in lows for high in highs if high - low - 1 == len(notes)})
            else:
                fits = sorted(low for low in lows if _holds(digits(marks), list(range(low + 1, low + 1 + len(notes)))))
            if len(fits) != 1:
                continue
            expected = [str(fits[0] + 1 + n) for n in range(len(notes))]
            changes = [(notes, "a note's number read as {read}; the pages on either side leave the page "
                               f"{expected[0]}–{expected[-1]} for its {len(notes)} notes: {{want}}")]
            if len(marks) == len(notes):
                changes.append((marks, "a raised number in the text read as {read}; it calls the page's note {want}"))
            _renumber(page, changes, expected)


def _count_on(page: ScannedPage, notes: list[tuple[Line, list[Char]]], marks: list[tuple[Line, list[Char]]],
              last_note: int) -> None:
    """A page's notes numbered on from the page before's last note, where the page's readings
    say so: footnotes count on one by one through a chapter, and a worn 200 dpi scan's raised
    numbers are 9-10 px tall, read wrong one in three ("10" for 2, "23" for 4) or not at all.
    The evidence is what was read: the notes' numbers that fit their place in the sequence and
    the text's raised numbers that are among the page's; where it is at least half of all that
    was read (notes and text), each note that does not fit takes its place's number, said, and
    the text's raised numbers too where there are as many as notes (each calls its note, in
    order). Else nothing is changed (a chapter's first page read wrong, a note lost to the text
    above it: the readings are kept, and the layout says what does not pair up)."""
    if not notes:
        return
    expected = [str(last_note + 1 + k) for k in range(len(notes))]
    read_notes = [_number(run) for _, run in notes if _number(run).isdigit()]
    read_marks = [_number(run) for _, run in marks if _number(run).isdigit()]
    fits = sum(_number(run) == want for (_, run), want in zip(notes, expected, strict=True))
    if fits == len(notes):
        return
    evidence = fits + sum(mark in expected for mark in read_marks)
    if evidence == 0 or 2 * evidence < len(read_notes) + len(read_marks):
        return
    fixed = [(notes, "a note's number read as {read}; the page's notes count on from "
                     f"{last_note} on the page before, as its readings say: {{want}}")]
    if len(marks) == len(notes):
        fixed.append((marks, "a raised number in the text read as {read}; it calls the page's note {want}"))
    _renumber(page, fixed, expected)


def _renumber(page: ScannedPage, changes: list[tuple[list[tuple[Line, list[Char]]], str]], expected: list[str]) -> None:
    """Give each run of `changes` its number of `expected`, said where it was read otherwise
    (`said` a template: the number as read, the number given)."""
    for runs, said in changes:
        for (line, run), want in zip(runs, expected, strict=True):
            if _number(run) != want:
                page.found.append(Found(line.y, "note number from the sequence", said.format(read=_number(run), want=want)))
                _set(line, run, want)


def _foot(lines: list[Line], body: float) -> list[Line]:
    """The page's footnote lines: the smaller ones at its foot (below the last body line)."""
    foot: list[Line] = []
    for line in reversed(lines):
        if line.size >= body * 0.93:
            break
        foot.insert(0, line)
    if foot and len(foot) == len(lines):
        return []
    # a running foot (a folio) below the notes is not a note
    while foot and re.fullmatch(r"\W*\d{1,4}\W*|[ivxlc]+", foot[-1].text.strip()):
        foot.pop()
    return foot


# ---- what the book gets of a scan ----

def annotate(book: Book, pages: list[Page]) -> None:
    """What the scanned pages carry beside their lines, handed to the book once the passes
    have numbered the printed lines: each recorded line's box on the picture (`frame`, page
    fractions) and the words the engine was unsure of in it; the engine's doubts as the
    report's unsure words; what this pass inferred as events at page:line."""
    recorded = {page.page: page for page in book.recorded}
    for page in pages:
        if not isinstance(page, ScannedPage) or page.index not in recorded:
            continue
        printed = recorded[page.index]
        label = book.folios.get(page.index, "?")
        lines = sorted(book.printed.get(page.index, page.lines), key=lambda x: x.y)

        def nearest(baseline: float, among: list[PrintedLine] = printed.lines) -> PrintedLine | None:
            placed = [line for line in among if line.box is not None]
            best = min(placed, key=lambda line: abs((line.box or (0, 0, 0, 0))[2] - baseline), default=None)
            return best if best is not None and best.box and abs(best.box[2] - baseline) <= max(best.box[3], 4) else None

        for line in printed.lines:
            if line.box is not None:
                line.frame = page.frame(*line.box)
        for doubt in page.doubts:
            target = nearest(doubt.baseline)
            book.unsure.append(Unsure(page.index, target.n if target else 0, label, doubt.word, doubt.confidence))
            if target is not None and target.n <= len(lines):
                span = _span(lines[target.n - 1], doubt.left, doubt.right)
                if span:
                    target.unsure = (*target.unsure, span)
        for item in page.found:
            target = nearest(item.baseline) if item.baseline is not None else None
            book.events.append(Event(page.index, target.n if target else None, label, item.kind, item.detail))


def _span(line: Line, left: float, right: float) -> tuple[int, int] | None:
    """The characters of `line` between `left` and `right` (points): offsets in its text."""
    inside = [k for k, c in enumerate(line.chars) if left - 0.5 <= c.x < right - 0.1 and c.text.strip()]
    return (inside[0], inside[-1] + 1) if inside else None
