"""The printed pages as pictures (the facsimile): rendered from the book's PDF, or taken from a
folder of page images, for the page beside the text, each print page's own view and the IIIF
manifest.

Opt-in (`[source] pdf` or `[source] page_images` in edition.toml): an edition without them
builds as before, at no cost. Rendering is the slow part (PDFium draws, Pillow encodes WebP),
so each picture is made once: in a cache beside the site, named by the PDF's hash and the
sizes, and a later build only links the files into the site.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from generator.config import Config
from generator.diagnostics import Collector, Diagnostic, EditionError
from generator.files import read_regular
from generator.images import image_size
from generator.output import fault
from generator.printed import Printed

FOLDER = "pages"          # the page views: pages/229.html; their pictures: pages/img/
SIZES = (800, 1600)       # pixels wide: beside the text; the larger view (zoom, IIIF)
QUALITY = 80              # WebP, when lossy is the smaller
LOSSLESS_SURELY = 0.05    # bytes per pixel: a lossless picture this small is kept without trying lossy
IMAGE_KINDS = (".png", ".jpg", ".jpeg", ".webp")
_VERSION = "4"            # of the rendering: a change here renders every page again


@dataclass(frozen=True)
class PageImage:
    """One print page's picture: `files` width → site path (smallest first), the size of the
    largest; made from page `pdf_page` of the PDF, or the editor's own `picture`."""
    name: str
    label: str
    files: dict[int, str]
    width: int
    height: int
    pdf_page: int = 0
    picture: Path | None = None


@dataclass
class Facsimile:
    pages: list[PageImage] = field(default_factory=list)
    pdf: Path | None = None
    digest: str = ""     # what the pictures are made from: part of the build's revision
    _index: dict[str, dict[str, PageImage]] = field(default_factory=dict, repr=False, compare=False)

    def of(self, name: str) -> PageImage | None:
        return self._by("name").get(name)

    def by_label(self, label: str) -> PageImage | None:
        return self._by("label").get(label)

    def _by(self, key: str) -> dict[str, PageImage]:
        """The pages by name or label, made once (every section page looks its pages up)."""
        if key not in self._index:
            self._index[key] = {}
            for page in self.pages:
                self._index[key].setdefault(getattr(page, key), page)
        return self._index[key]


def source_of(config: Config, problems: Collector) -> Path | None:
    """The configured PDF or image folder, checked; None when the edition has no facsimile."""
    value = config.source.pdf or config.source.page_images
    if not value:
        return None
    path = config.root / value
    if config.source.pdf and config.source.page_images:
        problems.error(config.path, None, "give [source] pdf or [source] page_images, not both")
    elif config.source.pdf and not path.is_file():
        problems.error(config.path, None, f"[source] pdf: {value!r} not found in the content folder")
    elif config.source.page_images and not path.is_dir():
        problems.error(config.path, None, f"[source] page_images: folder {value!r} not found in the content folder")
    else:
        return path
    return None


_PLANS: dict[tuple, tuple[Facsimile, list[Diagnostic]]] = {}


def plan(config: Config, record: Printed | None, problems: Collector | None = None) -> Facsimile:
    """Which print pages have a picture, and their files in the site (nothing is drawn here).
    Once per process while the source and the record stay the same: a preview builds again and
    again, a worker renders many pages, and a PDF is read whole to know its hash."""
    found = Collector()
    source = source_of(config, found)
    try:
        stamp = (source, _stamp(source), record and record.digest) if source else None
    except OSError:
        source = stamp = None
    if source is None or stamp is None:
        facsimile = Facsimile()
    else:
        if stamp not in _PLANS:
            _PLANS.clear()
            made = Collector()
            _PLANS[stamp] = (_from_folder(source, record, made) if source.is_dir()
                             else _from_pdf(source, record, made), made.items)
        facsimile, found.items = _PLANS[stamp][0], found.items + _PLANS[stamp][1]
    if problems is not None:
        problems.items += found.items
    return facsimile


def _stamp(source: Path) -> tuple:
    """What changes when the source does: the PDF's, or every picture's in the folder."""
    if source.is_dir():
        return tuple((entry.name, entry.stat().st_mtime_ns, entry.stat().st_size) for entry in sorted(source.iterdir()))
    return (source.stat().st_mtime_ns, source.stat().st_size)


def _pairs(record: Printed | None, count: int) -> list[tuple[int, str, str]]:
    """(PDF page, label, name) of each print page: as ingest recorded them, else the PDF's
    pages numbered from 1 (a PDF that is the book's pages from the first)."""
    if record and all(page.pdf_page for page in record.pages):
        return [(page.pdf_page or 0, page.label, page.name) for page in record.pages if (page.pdf_page or 0) <= count]
    if record and len(record.pages) == count:
        return [(page.index + 1, page.label, page.name) for page in record.pages]
    return [(index, str(index), str(index)) for index in range(1, count + 1)]


def _from_pdf(path: Path, record: Printed | None, problems: Collector) -> Facsimile:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # noqa: PLC0415 (only a facsimile needs it)

    try:
        data = read_regular(path, limit=2**31)
    except OSError as exc:
        problems.error(path, None, f"cannot read: {exc.strerror or exc}")
        return Facsimile()
    digest = hashlib.blake2b(data + repr((SIZES, QUALITY, _VERSION)).encode(), digest_size=12).hexdigest()
    try:
        document = pdfium.PdfDocument(data)
        sizes = [document.get_page_size(index) for index in range(len(document))]
        document.close()
    except pdfium.PdfiumError as exc:
        problems.error(path, None, f"cannot read the PDF: {exc}")
        return Facsimile()
    result = Facsimile(pdf=path, digest=digest)
    for pdf_page, label, name in _pairs(record, len(sizes)):
        width, height = sizes[pdf_page - 1]
        files = {size: f"{FOLDER}/img/{name}-{size}.webp" for size in SIZES}
        result.pages.append(PageImage(name, label, files, SIZES[-1], round(SIZES[-1] * height / width), pdf_page))
    return result


def files(facsimile: Facsimile, cache: Path, jobs: int) -> tuple[dict[str, Path], int]:
    """Each picture's site path → its file, drawn now where the cache lacks it; and how many
    pages had to be drawn (the rest came from the cache)."""
    out: dict[str, Path] = {}
    todo: list[int] = []
    folder = cache / facsimile.digest
    for page in facsimile.pages:
        if page.picture is not None:
            out[page.files[page.width]] = page.picture
            continue
        for size, site in page.files.items():
            out[site] = folder / f"{page.pdf_page}-{size}.webp"
        if not all(out[site].is_file() for site in page.files.values()):
            todo.append(page.pdf_page)
    if todo and facsimile.pdf is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for old in cache.iterdir():  # pictures of an earlier PDF, a killed build's parts: one book's kept
            if old != folder:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        for part in folder.glob("*.part"):  # a killed build's; not one another build (a preview) is writing
            with contextlib.suppress(OSError):
                if time.time() - part.stat().st_mtime > 600:
                    part.unlink()
        chunks = [todo[i::jobs] for i in range(max(1, min(jobs, len(todo))))]
        try:
            if len(chunks) == 1:
                _render(facsimile.pdf, chunks[0], folder)
            else:
                with ProcessPoolExecutor(len(chunks), mp_context=get_context("fork")) as pool:
                    list(pool.map(_render, [facsimile.pdf] * len(chunks), chunks, [folder] * len(chunks)))
        except (BrokenProcessPool, OSError, ValueError, RuntimeError) as exc:  # PdfiumError is a RuntimeError
            raise EditionError([Diagnostic(str(facsimile.pdf), None, "error",
                                           f"drawing its pages for the facsimile failed: {exc or type(exc).__name__}")]) from exc
    return out, len(todo)


def _render(path: Path, pages: list[int], folder: Path) -> int:
    """Draw PDF pages at each size and write them as WebP, each file whole or not at all."""
    import pypdfium2 as pdfium  # noqa: PLC0415
    from PIL import ImageChops  # noqa: PLC0415

    document = pdfium.PdfDocument(path)
    try:
        for pdf_page in pages:
            page = document[pdf_page - 1]
            # A page without colour (most of a book) is drawn in gray by PDFium itself: one
            # channel, and fewer shades at the edges of the type than a conversion leaves.
            glance = page.render(scale=200 / page.get_width()).to_pil().convert("RGB")
            gray = ImageChops.difference(glance, glance.convert("L").convert("RGB")).getbbox() is None
            large = page.render(scale=SIZES[-1] / page.get_width(), grayscale=gray).to_pil()
            for size in SIZES:
                picture = large if size == SIZES[-1] else large.resize(
                    (size, round(large.height * size / large.width)), resample=1)  # LANCZOS
                handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
                os.fchmod(handle, 0o644)  # published: readable by the web server (mkstemp makes 0600)
                with os.fdopen(handle, "wb") as out:
                    out.write(_webp(picture))
                os.replace(temporary, folder / f"{pdf_page}-{size}.webp")
                fault("drawing")
            page.close()
    finally:
        document.close()
    return len(pages)


def _webp(picture) -> bytes:
    """The smaller of lossless and lossy WebP: a page of type drawn at 1600 px is smaller
    lossless, and sharp (measured: 119 KB against 304 KB lossy); scaled down to 800 px, or a
    photograph, it is smaller lossy (126 KB against 166 KB)."""
    lossless = io.BytesIO()
    picture.save(lossless, "WEBP", lossless=True, quality=50, method=4)
    if lossless.tell() < LOSSLESS_SURELY * picture.width * picture.height:
        return lossless.getvalue()  # type at full size: lossy would be larger (and take as long again)
    lossy = io.BytesIO()
    picture.save(lossy, "WEBP", quality=QUALITY, method=4)
    return min(lossless.getvalue(), lossy.getvalue(), key=len)


def _from_folder(folder: Path, record: Printed | None, problems: Collector) -> Facsimile:
    """Pictures the editor made (a scan): used as they are, one size, named by print page."""
    found = {file.stem: file for file in sorted(folder.iterdir())
             if file.suffix.lower() in IMAGE_KINDS and file.is_file() and not file.is_symlink()}
    if record:
        pairs = [(page.label, page.name) for page in record.pages if page.label in found]
    else:
        pairs = [(label, label) for label in sorted(found, key=lambda x: (len(x), x))
                 if re.fullmatch(r"[0-9A-Za-z]{1,12}", label)]
    result = Facsimile()
    digest = hashlib.blake2b(digest_size=12)
    for label, name in pairs:
        file = found[label]
        data = read_regular(file, limit=64 * 2**20)
        digest.update(data)
        size = image_size(data)
        if size is None:
            problems.error(file, None, "not a PNG, JPEG or WebP picture")
            continue
        site = f"{FOLDER}/img/{name}{file.suffix.lower()}"
        result.pages.append(PageImage(name, label, {size[0]: site}, size[0], size[1], picture=file))
    result.digest = digest.hexdigest()
    return result
