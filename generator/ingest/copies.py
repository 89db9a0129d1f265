"""What the content folder gets of the book's pages, as the facsimile the build shows: the
book's PDF (a typeset one, or one of page pictures), or a scan's page pictures.

    plan(source, root)     → a `Facsimile`: the edition.toml setting that names it, and the
                             files to copy into the content folder (nothing where they lie
                             inside it already)

A scan's pictures go into `<name>-pages/` beside the chapters (links are refused by the build,
so they are copied, not linked), each under its own file name: `[source] page_images` names the
folder and the recorded print names each page's picture in it, so a page whose print number is
unknown ("?") has its picture too, and the pictures' names need not be print page numbers.
Pictures in a kind the build does not show as they are (TIFF, BMP, JPEG 2000) are copied as PNG.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from generator.files import inside, read_regular
from generator.ingest.readers import Source
from generator.ingest.scanned import ScannedPage
from generator.ingest.values import file_name

SHOWN = (".png", ".jpg", ".jpeg", ".webp")   # what the build publishes as it is (generator/facsimile.py)
PICTURE_LIMIT = 512 * 2**20
PDF_LIMIT = 2**30


@dataclass
class Facsimile:
    key: str                                     # "pdf" or "page_images": the edition.toml setting
    value: str                                   # the PDF's, or the pictures' folder's, name in the content folder
    copies: dict[str, bytes] = field(default_factory=dict)   # name in the content folder → bytes to write there
    pictures: dict[int, str] = field(default_factory=dict)   # a scan's input page → its picture's name in the folder
    sources: dict[str, Path] = field(default_factory=dict)   # a copy's name → the file it is made from

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.copies.values())


def plan(source: Source, root: Path) -> Facsimile | None:
    """The facsimile of what was read (None for page text, or a scan without pictures)."""
    if not source.reader.facsimile:
        return None
    scanned = [page for page in source.pages if isinstance(page, ScannedPage) and page.picture is not None]
    if source.reader.whole_book:   # the PDF, typeset or of page pictures: the build draws its pages
        pdf = source.files[0]
        if (place := inside(root, pdf)) is not None:
            return Facsimile("pdf", place.as_posix())
        name = file_name(pdf.stem) + ".pdf"
        return Facsimile("pdf", name, {name: read_regular(pdf, limit=PDF_LIMIT)}, sources={name: pdf})
    if not scanned:
        return None
    places = [inside(root, page.picture) for page in scanned if page.picture is not None]
    folders = {place.parent.as_posix() for place in places if place is not None}
    if all(place is not None for place in places) and len(folders) == 1 and next(iter(folders)) != "." \
            and all(page.picture is not None and page.picture.suffix.lower() in SHOWN for page in scanned):
        inner = next(iter(folders))   # the pictures lie in a folder of the content folder: used where they are
        return Facsimile("page_images", inner,
                         pictures={page.index: page.picture.name for page in scanned if page.picture is not None})
    folder = file_name(source.given[0].stem if source.given else source.files[0].stem, "scan") + "-pages"
    out = Facsimile("page_images", folder)
    names: dict[Path, str] = {}
    for page in scanned:
        picture = page.picture
        assert picture is not None
        if picture not in names:
            kind = picture.suffix.lower() if picture.suffix.lower() in SHOWN else ".png"
            stem = file_name(picture.stem, "page")
            name, n = f"{stem}{kind}", 2
            while f"{folder}/{name}" in out.copies:
                name, n = f"{stem}-{n}{kind}", n + 1
            out.copies[f"{folder}/{name}"] = _bytes(picture, kind)
            out.sources[f"{folder}/{name}"] = picture
            names[picture] = name
        out.pictures[page.index] = names[picture]
    return out


def _bytes(picture: Path, kind: str) -> bytes:
    """The picture's bytes as they are, or converted to PNG (a TIFF: the build shows no TIFF)."""
    data = read_regular(picture, limit=PICTURE_LIMIT)
    if picture.suffix.lower() == kind:
        return data
    from PIL import Image  # noqa: PLC0415

    with Image.open(io.BytesIO(data)) as image:
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        return buffer.getvalue()
