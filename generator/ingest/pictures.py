"""Looking at a page picture where the OCR file lacks what the layout needs (Pillow only).

- `resolution`: points per unit of the file, from the picture's own resolution;
- `raised_mark`: a raised mark at a word's end (a note number the engine read as ' ° ® or
  dropped): ink right of the word that stays above the x-height band;
- `read_digits`: such a mark re-read as digits, where the `ocr` extra (tesserocr) is there.

A picture is opened once while its words are looked at (the last two are kept).
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import cast

from PIL import Image, ImageChops, ImageFilter, ImageOps

from generator.ingest import ocr
from generator.ingest.sheets import Box

INK = 140                  # a pixel darker than this (of 255) is ink: scans are dark type on light paper


@functools.lru_cache(maxsize=2)
def _gray(picture: Path) -> Image.Image:
    with Image.open(picture) as image:
        image.load()
        return image.convert("L")


@functools.lru_cache(maxsize=2)
def _ink(picture: Path):
    """The picture as a mask: 255 where there is ink. (No median filter: it erases the thin
    strokes of a small raised 7 or 3; a worn scan's specks are told apart by size.)"""
    ink = _gray(picture).point(lambda v: 255 if v < INK else 0)
    # a dark pixel with no dark neighbour is a worn scan's grain, not ink (a stroke two pixels
    # thin keeps every pixel: each has a neighbour)
    neighboured = ink.filter(ImageFilter.BoxBlur(1)).point(lambda v: 255 if v > 255 * 1.5 / 9 else 0)
    return ImageChops.multiply(ink, neighboured)


def size(picture: Path) -> tuple[int, int] | None:
    try:
        return _gray(picture).size
    except (OSError, ValueError):
        return None


def resolution(picture: Path, width_units: float) -> float | None:
    """Points per unit of an OCR file whose page is `width_units` wide and drawn in `picture`:
    the picture's resolution where it states one (≥ 100 dpi; 72 is most tools' "none given")."""
    try:
        with Image.open(picture) as image:
            dpi = image.info.get("dpi")
            pixels = image.width
    except (OSError, ValueError):
        return None
    if not dpi or not dpi[0] or float(dpi[0]) < 100 or not width_units:
        return None
    return 72 / float(dpi[0]) * pixels / width_units


def _columns(mask, box: tuple[int, int, int, int]) -> list[bool]:
    """For each column of `box` in the mask: is there ink in it?"""
    left, top, right, bottom = box
    if right <= left or bottom <= top:
        return []
    strip = mask.crop(box).resize((right - left, 1), resample=4)   # BOX: each column's mean
    return [value > 6 for value in strip.tobytes()]


def raised_mark(picture: Path, width_units: float, word: Box, following: float | None, baseline: float,
                x_height: float, leading: bool = False) -> Box | None:
    """The box (in the file's units) of a raised mark just right of a word's last letter (with
    `leading`: just left of its first, as a note's number before its text), or None. Read in
    the picture: scanning the columns from the word's end (up to the next word), a run of
    columns with ink above the x-height band and none in it, apart from the letter beside it,
    as tall as a digit set small, and standing clear of the baseline."""
    scaled = _scaled(picture, width_units, x_height)
    if scaled is None:
        return None
    mask, f, xh = scaled
    base = baseline * f
    if leading:
        left, right = int(max(0, word[0] * f - 2.5 * xh)), int(min(word[2] * f, word[0] * f + 2.5 * xh))
    else:
        left = int(max(word[0] * f, word[2] * f - 2.5 * xh))
        limit = word[2] * f + 2.0 * xh
        if following is not None:
            limit = min(limit, following * f - 0.1 * xh)
        right = int(min(limit, mask.width))
    if right - left < 3:
        return None
    upper = _columns(mask, (left, int(base - 1.75 * xh), right, int(base - 0.62 * xh)))
    lower = _columns(mask, (left, int(base - 0.45 * xh), right, int(base + 0.35 * xh)))
    if not upper:
        return None
    order = list(range(len(upper))) if leading else list(range(len(upper) - 1, -1, -1))
    position = 0
    while position < len(order) and not upper[order[position]] and not lower[order[position]]:
        position += 1
    segments: list[list[int]] = []     # runs of columns with ink above the x-height band only
    gap = 0
    while position < len(order):
        k = order[position]
        if lower[k] and leading and not segments:
            # before a note's number: a speck in the margin (ink narrower than half the x-height,
            # blank after it) is passed over; anything else is the text's first letter
            run = position
            while run < len(order) and (upper[order[run]] or lower[order[run]]):
                run += 1
            if run - position < 0.45 * xh and run < len(order):
                position = run
                while position < len(order) and not upper[order[position]] and not lower[order[position]]:
                    position += 1
                continue
        if lower[k]:
            if gap == 0 and segments and (leading or segments[-1][1] - segments[-1][0] + 1 < 0.4 * xh):
                # touching the letter beside it (before a word's first letter: at any width, a W's
                # arm is wide): the top of that letter (a V's arm, an f's hook)
                segments.pop()
            break
        if upper[k]:
            if gap or not segments:
                segments.append([position, position])
            segments[-1][1] = position
            gap = 0
        else:
            gap += 1
            if gap > 0.5 * xh:
                break
        position += 1
    if not segments or segments[-1][1] - segments[0][0] + 1 < 0.18 * xh:
        return None
    first, last_ink = segments[0][0], segments[-1][1]
    a, b = sorted((order[first], order[last_ink]))
    box = (left + a, int(base - 1.9 * xh), left + b + 1, int(base))
    inked = mask.crop(box).getbbox()
    if inked is None:
        return None
    top, bottom = box[1] + inked[1], box[1] + inked[3]
    if bottom - top < 0.5 * xh or base - bottom < 0.3 * xh:
        return None
    return ((left + a) / f, top / f, (left + b + 1) / f, bottom / f)


# a mark fewer pixels tall than this holds no digit to read (a raised note number is 9-10 px at 200
# dpi, 14 at 300): a quote's or a speck's box 1-4 px tall, enlarged 48 times to be read, cost a
# second's median filter each on a worn scan (the held-out book: most of its reading time)
DIGIT_PIXELS = 5


def read_digits(picture: Path | None, box: Box, width_units: float = 0.0) -> str | None:
    """A raised mark's digits, re-read alone (enlarged, digits only) where tesserocr is
    installed (the `ocr` extra); None where it is not or reads no digits."""
    if picture is None:
        return None
    engine = ocr.digit_reader()
    if engine is None:
        return None
    try:
        gray = _gray(picture)
    except (OSError, ValueError):
        return None
    f = gray.width / width_units if width_units else 1.0
    left, top, right, bottom = (int(box[0] * f), int(box[1] * f), int(box[2] * f + 1), int(box[3] * f + 1))
    if bottom - top < DIGIT_PIXELS:
        return None
    pad = max(2, (bottom - top) // 3)
    crop = gray.crop((left - pad, top - pad, right + pad, bottom + pad))
    scale = max(1, min(8, round(48 / (bottom - top))))
    if scale > 1:
        crop = crop.resize((crop.width * scale, crop.height * scale), resample=3)   # BICUBIC
    # a raised number is about 0.8 of its height wide per digit: a reading with fewer digits than
    # its width holds lost one to a worn scan's grain ("69" read "6", "71" "7"); the crop is read
    # again smoothed and made black on white, and the reading whose count fits is taken
    expected = max(1, min(3, round((right - left) / (0.8 * max(1, bottom - top)))))
    first = engine(crop)
    readings = [first]
    if not (first.isdigit() and len(first) == expected):
        clean = crop.filter(ImageFilter.MedianFilter(2 * scale + 1 if scale > 1 else 3))
        low, high = cast(tuple[int, int], clean.getextrema())   # a gray picture's
        middle = (low + high) / 2
        readings.append(engine(ImageOps.expand(clean.point(lambda v: 0 if v < middle else 255), border=8, fill=255)))
        readings.append(engine(ImageOps.expand(crop.point(lambda v: 0 if v < middle else 255), border=8, fill=255)))
    fits = [text for text in readings if text.isdigit() and len(text) == expected]
    text = fits[0] if fits else first
    return text if text and text.isdigit() and len(text) <= 3 else None


def _scaled(picture: Path, width_units: float, x_height: float) -> tuple[Image.Image, float, float] | None:
    """The picture's ink, the file's units in its pixels, and the x-height in pixels; None where
    the picture cannot be read or its type is too small to measure."""
    try:
        mask = _ink(picture)
    except (OSError, ValueError):
        return None
    f = mask.width / width_units if width_units else 1.0
    return (mask, f, x_height * f) if x_height * f >= 4 else None


def dash_length(picture: Path, width_units: float, word: Box, baseline: float, x_height: float) -> float | None:
    """The length (in x-heights) of the longest dash inside a word's box ("192-195"): a run of
    columns with ink in the band a dash sits in (0.2–0.7 x-height above the baseline) and none
    above or below it, measured where it is half as dark as its middle (a worn scan's blur
    fades a thin stroke's ends below the ink threshold: a 16 px en dash measured 14 px, a
    hyphen's length, by the threshold; at half its darkness it keeps its length). None where
    the picture cannot say."""
    scaled = _scaled(picture, width_units, x_height)
    if scaled is None:
        return None
    mask, f, xh = scaled
    left, right, base = int(word[0] * f), int(word[2] * f), baseline * f
    band_box = (left, int(base - 0.7 * xh), right, int(base - 0.2 * xh))
    band = _columns(mask, band_box)
    above = _columns(mask, (left, int(base - 1.6 * xh), right, int(base - 0.8 * xh)))
    below = _columns(mask, (left, int(base - 0.12 * xh), right, int(base + 0.3 * xh)))
    if not band:
        return None
    best = (0, 0)   # the longest run: its first column and its length
    run = 0
    for k, (inked, up, down) in enumerate(zip(band, above, below, strict=True)):
        run = run + 1 if inked and not up and not down else 0
        if run > best[1]:
            best = (k - run + 1, run)
    first, length = best
    if not length:
        return 0.0
    # each column's darkest pixel in the band (the gray picture): the run widened to where it is
    # half as dark as its middle, over columns free of ink above and below
    gray = _gray(picture).crop(band_box)
    data = gray.tobytes()
    darkest = [min(data[k::gray.width], default=255) for k in range(gray.width)]
    core = sorted(darkest[first:first + length])[length // 2]
    half = (core + 255) / 2
    a, b = first, first + length - 1
    while a > 0 and not above[a - 1] and not below[a - 1] and darkest[a - 1] < half:
        a -= 1
    while b + 1 < len(darkest) and not above[b + 1] and not below[b + 1] and darkest[b + 1] < half:
        b += 1
    return (b - a + 1) / xh


# the x-height (pixels) from which a comma's tail is told from a full stop's blur: a sixth of it is
# then 2-3 pixels (300 dpi: 8 pt notes 16 px, 10 pt body 19 px; at 200 dpi, 11 and 13 px, the tail
# is within the blur and a worn scan's commas measured as full stops)
STOP_PIXELS = 14


def stop_mark(picture: Path, width_units: float, word: Box, baseline: float, x_height: float) -> str | None:
    """The punctuation mark a word ends with, as the picture shows it: "." "," ":" or ";" (a dot
    on the baseline; with a tail below it; with a dot above it; both), or None where the
    picture cannot say (the mark touches the letter before it, or is not a mark). Read from
    the rightmost run of inked columns at the word's end, narrower than half the x-height and
    set apart by a blank column: its ink row by row, in blobs, measured against the bottom of
    the word's own letters (a worn scan's small type makes Tesseract read a semicolon as a
    colon and a comma as a full stop, but the tail and the upper dot stay in the ink; the
    engine's baseline is a pixel or two off, a tail is three or four below the letters). Only
    where the file's box and baseline are where the ink is: a file whose geometry is not the
    picture's (drawn from another copy, or turned) is not read against it."""
    scaled = _scaled(picture, width_units, x_height)
    if scaled is None:
        return None
    mask, f, xh = scaled
    if xh < STOP_PIXELS:
        return None
    base = baseline * f
    top, bottom = int(base - 1.2 * xh), int(base + 0.8 * xh)
    right = int(min(mask.width, word[2] * f + 0.2 * xh))
    left = int(max(word[0] * f, right - 2.5 * xh))
    columns = _columns(mask, (left, top, right, bottom))
    k = len(columns) - 1
    while k >= 0 and not columns[k]:
        k -= 1
    end = k
    while k >= 0 and columns[k]:
        k -= 1
    # no mark apart from the letters before it, or ink running on past the window (the box ends
    # inside a letter or a raised number: the mark would be a slice of it)
    if end < 0 or k < 0 or end - k > 0.5 * xh or k < 0.5 * xh or end == len(columns) - 1:
        return None
    if left + end < word[2] * f - 0.3 * xh:   # the ink ends before the word's box: the file's box is not the ink's
        return None
    # the letters' bottom: the last row where the letters before the mark still have most of
    # their ink (a descender's few columns do not count)
    letters = mask.crop((left, top, left + k + 1, bottom))
    counts = [sum(1 for v in letters.crop((0, r, letters.width, r + 1)).tobytes() if v) for r in range(letters.height)]
    band = sorted(counts[int(0.5 * xh):int(1.0 * xh)])   # rows inside the x-height band
    if not band or not band[len(band) // 2]:
        return None
    full = band[len(band) // 2]
    floor = max((r for r, n in enumerate(counts) if n >= 0.4 * full and r >= 0.5 * xh), default=None)
    if floor is None:
        return None
    floor += 1
    if abs(top + floor - base) > 0.3 * xh:   # the letters stand elsewhere than the file's baseline says
        return None
    # each row's darkest pixel over the mark's columns: inked where it is a third as dark as the
    # mark's darkest (blur fades a comma's tail below the ink threshold)
    strip = _gray(picture).crop((left + k + 1, top, left + end + 1, bottom))   # the mask's own pixels
    data = strip.tobytes()
    darkest = [min(data[r * strip.width:(r + 1) * strip.width], default=255) for r in range(strip.height)]
    core = min(darkest, default=255)
    paper = sorted(darkest)[len(darkest) // 2] if darkest else 255
    rows = [v < paper - (paper - core) / 3 for v in darkest]
    blobs: list[list[int]] = []   # runs of inked rows: first, last
    for r, inked in enumerate(rows):
        if inked and blobs and blobs[-1][1] == r - 1:
            blobs[-1][1] = r
        elif inked:
            blobs.append([r, r])
    # in x-heights below the letters' bottom (negative: above it)
    spans = [((a - floor) / xh, (b + 1 - floor) / xh) for a, b in blobs]
    spans = [s for s in spans if s[1] - s[0] >= 0.12]   # a stray grain is no part of a mark
    if not spans or len(spans) > 2:
        return None
    low_top, low_bottom = spans[-1]
    if low_top < -0.6 or low_bottom < -0.15:   # the lower part stands on the baseline
        return None
    # the dot above as tall as the one below (a fifth of the x-height), a tail a sixth of it below
    # the letters; between a tail's and a dot's depth, or a smaller blob above, the picture cannot say
    dot = len(spans) == 2 and spans[0][1] <= -0.35 and spans[0][0] >= -1.15 and spans[0][1] - spans[0][0] >= 0.18
    if (len(spans) == 2 and not dot) or 0.09 <= low_bottom <= 0.17:
        return None
    tail = low_bottom > 0.17
    return {(False, False): ".", (False, True): ",", (True, False): ":", (True, True): ";"}[(dot, tail)]


def ink_runs(picture: Path, width_units: float, line: Box) -> list[Box] | None:
    """The runs of inked columns in a line's box (gaps of a blank column or more between
    them), each with its ink's top and bottom, in the file's units; None where the picture
    cannot be read."""
    try:
        mask = _ink(picture)
    except (OSError, ValueError):
        return None
    f = mask.width / width_units if width_units else 1.0
    left, top, right, bottom = (int(line[0] * f), int(line[1] * f), int(line[2] * f + 1), int(line[3] * f + 1))
    columns = _columns(mask, (left, top, right, bottom))
    runs: list[Box] = []
    k = 0
    while k < len(columns):
        if not columns[k]:
            k += 1
            continue
        end = k
        while end < len(columns) and columns[end]:
            end += 1
        inked = mask.crop((left + k, top, left + end, bottom)).getbbox()
        if inked is not None:
            runs.append(((left + k) / f, (top + inked[1]) / f, (left + end) / f, (top + inked[3]) / f))
        k = end
    return runs
