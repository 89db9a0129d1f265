"""The printed pages as pictures (the facsimile): drawn from the book's PDF, or taken from a
folder of page images, for the page beside the text, each print page's own view and the IIIF
manifest.

Opt-in (`[source] pdf` or `[source] page_images` in edition.toml): an edition without them
builds as before, at no cost. `plan` (part of load) says which print pages have a picture and
where it goes in the site, reading the source once: the PDF for its hash and page sizes, each
picture's header for its size. `publish` (the build's draw stage) makes the pictures a site
gets: drawing is the slow part (PDFium draws, Pillow encodes WebP), so each picture is drawn
once, into a cache beside the site named by the PDF's hash, and later builds link it in.

Everything here is reached by descriptor without following a link (files.py): the source must
lie inside the content folder (a link on the way is refused, not followed), and the cache holds
only what this module put there: a lock, one folder per book, pictures and parts being drawn. A
link, a foreign file or a wrong type in it is an error naming it; nothing else is ever deleted
(only the pictures of books no longer named, and the parts of dead processes). Each picture's
hash is recorded when it is drawn (in the build's state, not in the cache) and checked before
it is published; a picture whose file has not changed since is not read again. The cache's
lock lets a preview and a build share it. A page is drawn within a fixed memory bound.
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import io
import math
import multiprocessing
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.diagnostics import Collector, Diagnostic, EditionError
from generator.files import Folder, Missing, Refused, lock, read_open
from generator.images import image_size
from generator.output import Stage, die_with_parent, fault
from generator.printed import Printed
from generator.progress import Progress, silent

TILES_FOLDER = "iiif/tiles"  # the pages' IIIF image services in the site: iiif/tiles/229/info.json
FOLDER = "pages"          # the page views: pages/229.html; their pictures: pages/img/
SIZES = (800, 1600)       # pixels wide: beside the text; the larger view (zoom, IIIF)
# The largest picture drawn: a page taller than 2.5 times its width is drawn less wide than
# 1,600 px, so that no picture has more than 1,600 × 4,000 pixels (25 MB while it is drawn).
MAX_HEIGHT = 4000
MAX_SIDES = 8             # a page whose one side is more than 8 times the other is no book's page
QUALITY = 80              # WebP, when lossy is the smaller
LOSSLESS_SURELY = 0.05    # bytes per pixel: a lossless picture this small is kept without trying lossy
IMAGE_KINDS = (".png", ".jpg", ".jpeg", ".webp")
HEADER = 256 * 2**10      # bytes of a picture read for its size (a JPEG's frame may follow long metadata)
PICTURE_LIMIT = 64 * 2**20
PDF_LIMIT = 2**31
_VERSION = "5"            # of the drawing: a change here draws every page again
LOCK = "lock"
_BOOK = re.compile(r"[0-9a-f]{24}")
_PICTURE = re.compile(r"([1-9][0-9]*)-([0-9]+)\.webp")
_TILE_SET = re.compile(r"[0-9a-f]{32}\.zip")  # one page's tiles (tiles.py), named by what they are made of
# a path inside a page's image service, as tiles.py names them: nothing else is taken from a cached set
_TILE_FILE = re.compile(r"info\.json|(?:full|[0-9]+,[0-9]+,[0-9]+,[0-9]+)/(?:max|[0-9]+,[0-9]+)/0/default\.(?:jpg|webp)")
TILES = "tiles"           # the cache's folder of tile sets
SCANS = "scans"           # `known`'s records of the editor's own pictures (their hashes, not in the cache)
_TILES_VERSION = "1"      # of the tiling: a change here tiles every page again
_PART = re.compile(r"(?:([0-9]+)\.[0-9a-f]+|tmp\w+)\.part")  # `pid.random.part`; mkstemp's of versions before 0.5

# A file as last seen (`Stamp`): device, inode, size, mtime and ctime. The ctime because a file
# can be written in place and its mtime set back (`touch -d`): the ctime cannot be set back. A
# drawn picture (`Drawn`): its sha256 and its file's stamp. Linking changes a file's ctime too: a
# cache picture (the build's own) is linked into the site where the system allows, and recorded
# anew after the link; an editor's own picture (a scan) is copied, never linked, so the build
# leaves its ctime alone, and an update notices a scan written over in place.
Stamp = tuple[int, int, int, int, int]
Drawn = tuple[str, int, int, int, int, int]


@dataclass(frozen=True)
class PageImage:
    """One print page's picture: `files` width → site path (smallest first), the size of the
    largest; drawn from page `pdf_page` of the PDF, or the editor's own `picture` (its name in
    the page_images folder)."""
    name: str
    label: str
    files: dict[int, str]
    width: int
    height: int
    pdf_page: int = 0
    picture: str = ""


@dataclass(frozen=True)
class Facsimile:
    """The plan: which pages have a picture, from what. `source` is the configured name in the
    content folder; `digest` names what the pictures are made from (the book's cache folder, and
    part of the build's revision); `stamps` each source file as the plan saw it."""
    pages: tuple[PageImage, ...] = ()
    source: str = ""
    kind: str = ""          # "pdf", "pictures", or "" (no facsimile)
    digest: str = ""
    stamps: dict[str, Stamp] = field(default_factory=dict)
    by_name: dict[str, PageImage] = field(default_factory=dict, compare=False, repr=False)
    by_labels: dict[str, PageImage] = field(default_factory=dict, compare=False, repr=False)
    largest: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # label → its largest picture

    def __post_init__(self) -> None:
        for page in self.pages:
            self.by_name.setdefault(page.name, page)
            if page.label not in self.by_labels:
                self.by_labels[page.label] = page
                self.largest[page.label] = page.files[max(page.files)]

    def of(self, name: str) -> PageImage | None:
        return self.by_name.get(name)

    def by_label(self, label: str) -> PageImage | None:
        return self.by_labels.get(label)


def _stamp(info: os.stat_result) -> Stamp:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def recorded(value: tuple[str, int, int, int, int] | Drawn) -> Drawn:
    """A record as a state file holds it: one written before ctimes were recorded has none (it
    matches no file, so the picture is hashed once, and recorded whole)."""
    return value if len(value) == 6 else (*value, -1)


def source_stamp(config: Config, root: Folder) -> tuple[Any, ...]:
    """What changes when the facsimile's source does (no file is read): `load` plans again
    only then. A folder of pictures is listed and each picture stat'ed, once per build."""
    name = config.source.pdf or config.source.page_images
    if not name:
        return ()
    try:
        if config.source.pdf:
            info = root.stat(name)
            return (name, info and (info.st_mode, *_stamp(info)))
        with root.sub(name) as folder:
            return (name, tuple((entry, os.stat(entry, dir_fd=folder.fd, follow_symlinks=False).st_mode,
                                 *_stamp(os.stat(entry, dir_fd=folder.fd, follow_symlinks=False)))
                                for entry in folder.names()))
    except OSError:
        return (name, "?")  # `plan` says what is wrong


def plan(config: Config, root: Folder, record: Printed | None, problems: Collector) -> Facsimile:
    """Which print pages have a picture, and their files in the site (nothing is drawn here)."""
    pdf, pictures = config.source.pdf, config.source.page_images
    if not (pdf or pictures):
        return Facsimile()
    if pdf and pictures:
        problems.error(config.path, None, "give [source] pdf or [source] page_images, not both")
        return Facsimile()
    try:
        if pdf:
            return _from_pdf(root, pdf, record, problems)
        return _from_folder(root, pictures, record, problems)
    except (Missing, FileNotFoundError):
        what = f"[source] pdf: {pdf!r} not found" if pdf else f"[source] page_images: folder {pictures!r} not found"
        problems.error(config.path, None, f"{what} in the content folder")
    except Refused as exc:
        key = "pdf" if pdf else "page_images"
        problems.error(config.path, None, f"[source] {key}: {exc.path} {exc.reason} (the facsimile is read "
                                          "from inside the content folder, through no link)")
    except OSError as exc:
        problems.error(root.path / (pdf or pictures), None, f"cannot read: {exc.strerror or exc}")
    return Facsimile()


def _pairs(record: Printed | None, count: int) -> list[tuple[int, str, str]]:
    """(PDF page, label, name) of each print page: as ingest recorded them, else the PDF's
    pages numbered from 1 (a PDF that is the book's pages from the first)."""
    if record and all(page.pdf_page for page in record.pages):
        return [(page.pdf_page or 0, page.label, page.name) for page in record.pages if (page.pdf_page or 0) <= count]
    if record and len(record.pages) == count:
        return [(page.index + 1, page.label, page.name) for page in record.pages]
    return [(index, str(index), str(index)) for index in range(1, count + 1)]


def drawn_size(width: float, height: float) -> tuple[float, int, int]:
    """(scale, width, height in pixels) of a page's largest picture: 1,600 px wide, or less for
    a page so tall that it would have more than MAX_HEIGHT pixels."""
    scale = min(SIZES[-1] / width, MAX_HEIGHT / height)
    # PDFium's bitmap has the next whole number of pixels (a hair less: 1,600.0000001 is 1,600)
    return scale, max(1, math.ceil(width * scale - 1e-6)), max(1, math.ceil(height * scale - 1e-6))


def _read_pdf(root: Folder, name: str) -> tuple[bytes, Stamp]:
    fd = root.open_file(name)
    info = os.fstat(fd)
    return read_open(fd, root.path / name, limit=PDF_LIMIT), _stamp(info)


def _pdf_digest(data: bytes) -> str:
    return hashlib.blake2b(data + repr((SIZES, QUALITY, MAX_HEIGHT, _VERSION)).encode(), digest_size=12).hexdigest()


def _from_pdf(root: Folder, name: str, record: Printed | None, problems: Collector) -> Facsimile:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # noqa: PLC0415 (only a facsimile needs it)

    path = root.path / name
    data, stamp = _read_pdf(root, name)
    try:
        document = pdfium.PdfDocument(data)
        sizes = [document.get_page_size(index) for index in range(len(document))]
        document.close()
    except pdfium.PdfiumError as exc:
        problems.error(path, None, f"cannot read the PDF: {exc}")
        return Facsimile()
    pages = []
    for pdf_page, label, page_name in _pairs(record, len(sizes)):
        width, height = sizes[pdf_page - 1]
        if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0) \
                or max(width, height) > MAX_SIDES * min(width, height):
            problems.warning(path, None, f"page {pdf_page} is {width:g} × {height:g} pt, no page of a printed book (one "
                                         f"side more than {MAX_SIDES} times the other): it is shown without its picture")
            continue
        _, large_width, large_height = drawn_size(width, height)
        files = {size: f"{FOLDER}/img/{page_name}-{size}.webp" for size in SIZES}
        pages.append(PageImage(page_name, label, files, large_width, large_height, pdf_page))
    return Facsimile(tuple(pages), name, "pdf", _pdf_digest(data), {name: stamp})


def _from_folder(root: Folder, name: str, record: Printed | None, problems: Collector) -> Facsimile:
    """Pictures of the pages (a scan): used as they are, one size; each page's picture the one
    the recorded print names (a scan ingest read), else the one named by its print page
    (`229.png`). Only names with a picture's suffix are looked at (a README beside them is no page)."""
    with root.sub(name) as folder:
        found: dict[str, str] = {}
        for entry in folder.names():
            if os.path.splitext(entry)[1].lower() not in IMAGE_KINDS:
                continue
            info = os.stat(entry, dir_fd=folder.fd, follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a file"
                problems.error(folder.path / entry, None, f"is {kind}: refused (page pictures are published from the "
                                                          "content folder only, as files)")
                continue
            stem = os.path.splitext(entry)[0]
            if stem in found:
                problems.error(folder.path / entry, None, f"a second picture of print page {stem} ({found[stem]}): "
                                                          "keep one")
                continue
            found[stem] = entry
        entries = {entry: entry for entry in found.values()}
        if record and any(page.picture for page in record.pages):
            # a scan ingest read: each page names its picture (a page numbered "?" has one too)
            pairs = [(page.label, page.name, page.picture) for page in record.pages if page.picture in entries]
            missing = [page.picture for page in record.pages if page.picture and page.picture not in entries]
            if missing:
                problems.warning(folder.path, None, f"{len(missing)} page picture(s) the recorded print names are not "
                                                    f"here ({', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}): "
                                                    "those pages are shown without their picture")
        elif record:
            pairs = [(page.label, page.name, found.get(page.label) or found[page.name]) for page in record.pages
                     if page.label in found or page.name in found]   # a page numbered apart: titelei-1.png
        else:
            pairs = [(label, label, found[label]) for label in sorted(found, key=lambda x: (len(x), x))
                     if re.fullmatch(r"[0-9A-Za-z]{1,12}", label)]
        pages, stamps = [], {}
        for label, page_name, entry in pairs:
            fd = folder.open_file(entry)
            try:
                info = os.fstat(fd)
                head = os.pread(fd, HEADER, 0)
                size = image_size(head)
                if size is None and info.st_size > HEADER:
                    if info.st_size > PICTURE_LIMIT:
                        problems.error(folder.path / entry, None, f"larger than {PICTURE_LIMIT // 2**20} MB: refused")
                        continue
                    size = image_size(read_open(os.dup(fd), folder.path / entry, PICTURE_LIMIT))
            finally:
                os.close(fd)
            if size is None:
                problems.error(folder.path / entry, None, "not a PNG, JPEG or WebP picture")
                continue
            stamps[f"{name}/{entry}"] = _stamp(info)
            site = f"{FOLDER}/img/{page_name}{os.path.splitext(entry)[1].lower()}"
            pages.append(PageImage(page_name, label, {size[0]: site}, size[0], size[1], picture=entry))
    digest = hashlib.blake2b(repr(sorted(stamps.items())).encode(), digest_size=12).hexdigest()
    return Facsimile(tuple(pages), name, "pictures", digest, stamps)


# ---- the draw stage: pictures into the stage ---------------------------------------------------

@contextmanager
def _held_cache(cache: Path, made: str) -> Iterator[Folder]:
    """The facsimile cache beside the site, held: a preview and a build share it, one draws at a
    time. A link, a foreign file or a wrong type in it is an error naming it (`made`: what the
    build puts there, for the message)."""
    try:
        with Folder(cache.parent, create=True) as parent, parent.sub(cache.name, create=True) as folder:
            held = lock(folder, LOCK, wait=True)
            try:
                yield folder
            finally:
                if held is not None and held >= 0:
                    os.close(held)
    except Refused as exc:
        raise EditionError([Diagnostic(exc.path, None, "error", f"{exc.reason} (the facsimile cache holds only "
                                                                f"what `edition build` {made}; remove it)")]) from None


def publish(facsimile: Facsimile, root: Folder, cache: Path, known: dict[str, Drawn], stage: Stage, jobs: int,
            start: str = "fork", warn: Callable[[Diagnostic], None] | None = None,
            progress: Progress = silent) -> int:
    """Link every picture of the plan into the stage; pages the cache lacks are drawn first
    (`progress("drawing pages", done, total)` after each). `cache`: the cache folder beside the
    site; `known`: what was drawn there (name → Drawn), brought up to date here. Returns how
    many pages were drawn."""
    if facsimile.kind == "pictures":
        _publish_pictures(facsimile, root, stage)
        return 0
    if facsimile.kind != "pdf":
        return 0
    pdf_path = root.path / facsimile.source
    with _held_cache(cache, "drew") as folder, _tidy(folder, facsimile.digest, known) as book:
        todo = _stale(facsimile, book, known, warn or (lambda diagnostic: None))
        if todo:
            data, _ = _read_pdf(root, facsimile.source)
            if _pdf_digest(data) != facsimile.digest:
                raise EditionError([Diagnostic(str(pdf_path), None, "error",
                                               "the file changed during the build; build again")])
            known.update(_draw(data, todo, cache, facsimile.digest, jobs, start, pdf_path, progress))
        for page in facsimile.pages:
            for size, site in page.files.items():
                _link_checked(book, f"{facsimile.digest}/{page.pdf_page}-{size}.webp", known, stage, site)
        return len(todo)


def _publish_pictures(facsimile: Facsimile, root: Folder, stage: Stage) -> None:
    """The editor's own pictures, each the very file the plan looked at (checked by descriptor),
    copied, not linked: a scan edited in place must not change the published site before a
    build, and a link would change its ctime, which tells a scan written over in place."""
    try:
        with root.sub(facsimile.source) as folder:
            for page in facsimile.pages:
                fd = folder.open_file(page.picture)
                try:
                    planned = facsimile.stamps.get(f"{facsimile.source}/{page.picture}")
                    unchanged = _stamp(os.fstat(fd)) == planned
                    if unchanged:
                        stage.copy_open(fd, page.files[page.width])
                        unchanged = _stamp(os.fstat(fd)) == planned  # a write while it was copied: a new ctime
                    if not unchanged:
                        raise EditionError([Diagnostic(str(folder.path / page.picture), None, "error",
                                                       "the file changed during the build; build again")])
                finally:
                    os.close(fd)
    except Refused as exc:
        raise EditionError([Diagnostic(exc.path, None, "error", exc.reason)]) from None


def publish_tiles(facsimile: Facsimile, root: Folder, cache: Path, known: dict[str, Drawn], stage: Stage,
                  base: str, budget: int, jobs: int = 1, start: str = "fork") -> int:
    """Each page's largest picture as static IIIF tiles (render/tiles.py) into the stage, at
    `iiif/tiles/{page}/` (`base`: that folder's absolute address, the services' ids). A page's
    tiles are made once, kept in the cache's `tiles/` folder as one file named by what they are
    made of (the picture's hash, the address, the budget), recorded in `known` like a picture
    and checked before they are published. Runs after `publish` (the pictures are drawn).
    Tiling is the slow part (JPEG at every scale: ~1 s a page), so pages are tiled in up to
    `jobs` processes. Returns how many pages were tiled now."""

    made = 0
    with _held_cache(cache, "made") as folder, folder.sub(TILES, create=True) as shelf:
        problems = Collector()
        problems.items += _foreign(shelf, _TILE_SET)
        problems.raise_if_errors()
        for entry in shelf.names():
            match = _PART.fullmatch(entry)
            if match and not _alive(match.group(1)):
                shelf.remove(entry)  # a part a killed process left
        kept, todo = set(), []
        for page in facsimile.pages:
            source = _tile_source(facsimile, root, known, page)
            name = hashlib.blake2b(repr((source, base, page.name, budget, _TILES_VERSION)).encode(),
                                   digest_size=16).hexdigest() + ".zip"
            kept.add(name)
            cached = _cached_tiles(shelf, name, known)
            if cached is None:
                todo.append((page, name))
                continue
            for path, data in cached.items():
                stage.write(f"{TILES_FOLDER}/{page.name}/{path}", data)
        work = ((_tile_picture(facsimile, root, folder, known, page), page.name, base, budget)
                for page, _ in todo)
        for (page, name), made_now in zip(todo, _tiled(work, len(todo), jobs, start), strict=True):
            if isinstance(made_now, str):
                raise EditionError([Diagnostic(str(root.path / facsimile.source), None, "error",
                                               f"print page {page.label}: no IIIF tiles: {made_now}")])
            _shelve(shelf, name, made_now, known)
            made += 1
            for path, data in made_now.items():
                stage.write(f"{TILES_FOLDER}/{page.name}/{path}", data)
        for entry in shelf.names():  # the tiles of pages, pictures or addresses gone
            if _TILE_SET.fullmatch(entry) and entry not in kept:
                shelf.remove(entry)
                known.pop(f"{TILES}/{entry}", None)
        scans = {_scan_key(facsimile, page) for page in facsimile.pages}
        for key in [key for key in known if key.startswith(f"{SCANS}/") and key not in scans]:
            del known[key]  # the hash of a scan no longer tiled
    return made


def _tiled(work: Iterator[tuple[bytes, str, str, int]], count: int, jobs: int,
           start: str) -> Iterator[dict[str, bytes] | str]:
    """The tiles of each (picture, page, base, budget), in order; a problem as its message."""
    if count == 0:
        return
    if jobs <= 1 or count == 1:
        yield from map(_tile_one, work)
        return
    parent = os.getpid() if start == "fork" else None
    with concurrent.futures.ProcessPoolExecutor(min(jobs, count), mp_context=multiprocessing.get_context(start),
                                                initializer=die_with_parent, initargs=(parent,)) as pool:
        yield from pool.map(_tile_one, work)


def _tile_one(job: tuple[bytes, str, str, int]) -> dict[str, bytes] | str:
    from generator.render.tiles import tile_set  # noqa: PLC0415 (only tiles need it)

    picture, page, base, budget = job
    try:
        return tile_set(picture, page, base, budget=budget).files
    except ValueError as exc:
        return str(exc)


def _scan_key(facsimile: Facsimile, page: PageImage) -> str:
    """Where `known` records an editor's own picture (its hash, as its tiles were made of it)."""
    return f"{SCANS}/{facsimile.source}/{page.picture}"


def _tile_source(facsimile: Facsimile, root: Folder, known: dict[str, Drawn], page: PageImage) -> str:
    """What a page's tiles are made of: the drawn picture's hash, or the editor's picture's,
    read and hashed only when its file is not the one recorded (another inode, size, mtime or
    ctime: a scan written over in place with its mtime set back still has a new ctime)."""
    if facsimile.kind == "pdf":
        return known[f"{facsimile.digest}/{page.pdf_page}-{max(page.files)}.webp"][0]
    key = _scan_key(facsimile, page)
    with root.sub(facsimile.source) as folder:
        fd = folder.open_file(page.picture)
        try:
            info = os.fstat(fd)
            recorded = known.get(key)
            if recorded is None or recorded[1:] != _stamp(info):
                data = read_open(os.dup(fd), folder.path / page.picture, PICTURE_LIMIT)
                known[key] = (hashlib.sha256(data).hexdigest(), *_stamp(info))
            return known[key][0]
        finally:
            os.close(fd)


def _tile_picture(facsimile: Facsimile, root: Folder, cache: Folder, known: dict[str, Drawn], page: PageImage) -> bytes:
    """The bytes of a page's largest picture, checked to be the one `_tile_source` named."""
    if facsimile.kind == "pdf":
        name = f"{page.pdf_page}-{max(page.files)}.webp"
        key = f"{facsimile.digest}/{name}"
        with cache.sub(facsimile.digest) as book:
            fd = book.open_file(name)
            try:
                if not _matches(fd, book.path / name, key, known):
                    raise EditionError([Diagnostic(str(book.path / name), None, "error",
                                                   "changed while the build ran (not the picture drawn): build again")])
                return read_open(os.dup(fd), book.path / name, PICTURE_LIMIT)
            finally:
                os.close(fd)
    with root.sub(facsimile.source) as folder:
        fd = folder.open_file(page.picture)
        try:
            data = read_open(os.dup(fd), folder.path / page.picture, PICTURE_LIMIT)
        finally:
            os.close(fd)
    if hashlib.sha256(data).hexdigest() != known[_scan_key(facsimile, page)][0]:
        raise EditionError([Diagnostic(str(folder.path / page.picture), None, "error",
                                       "the file changed during the build; build again")])
    return data


def _cached_tiles(shelf: Folder, name: str, known: dict[str, Drawn]) -> dict[str, bytes] | None:
    """A page's tiles from the cache: the set recorded as made there, every path one tiles.py
    makes; else None (made again)."""
    if shelf.stat(name) is None:
        return None
    fd = shelf.open_file(name)
    try:
        if not _matches(fd, shelf.path / name, f"{TILES}/{name}", known):
            return None
        data = read_open(os.dup(fd), shelf.path / name, PICTURE_LIMIT)
    finally:
        os.close(fd)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {member: archive.read(member) for member in archive.namelist()}
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    if "info.json" not in files or not all(_TILE_FILE.fullmatch(path) for path in files):
        return None
    return files


def _shelve(shelf: Folder, name: str, files: dict[str, bytes], known: dict[str, Drawn]) -> None:
    """Keep a page's tiles in the cache, one file whole or not at all (stored: JPEG and WebP
    do not compress again)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), data)
    data = out.getvalue()
    part = f"{os.getpid()}.{os.urandom(6).hex()}.part"
    if shelf.stat(name) is not None:
        shelf.remove(name)  # a set that failed its check
    shelf.write_new(part, data)
    shelf.move_in(shelf, part, name)
    written = shelf.stat(name)
    assert written is not None
    known[f"{TILES}/{name}"] = (hashlib.sha256(data).hexdigest(), *_stamp(written))


def _tidy(cache: Folder, digest: str, known: dict[str, Drawn]) -> Folder:
    """Check the cache (under its lock), remove what may go, and open the book's folder. The
    cache root holds the lock and one folder per book; a book's folder its pictures and the
    parts being drawn. Anything else is an error naming it, all at once, and stays where it is."""
    problems = Collector()
    doomed: list[str] = []
    for name in cache.names():
        info = cache.stat(name)
        if info is None:
            continue
        if name == LOCK and stat.S_ISREG(info.st_mode):
            continue
        if name == TILES and stat.S_ISDIR(info.st_mode):
            with cache.sub(name) as tiles:
                problems.items += _foreign(tiles, _TILE_SET)
            continue
        if not (_BOOK.fullmatch(name) and stat.S_ISDIR(info.st_mode)):
            problems.error(cache.path / name, None, f"{_what(info)} the build did not make: the facsimile cache holds "
                                                    "only what `edition build` drew; move it elsewhere")
            continue
        with cache.sub(name) as book:
            foreign = _foreign(book)
            problems.items += foreign
            if not foreign and name != digest:
                doomed.append(name)
    problems.raise_if_errors()
    for name in doomed:  # the pictures of a book this edition no longer names
        with cache.sub(name) as book:
            for entry in book.names():
                book.remove(entry)
        cache.remove_folder(name)
        for key in [key for key in known if key.startswith(f"{name}/")]:
            del known[key]
    book = cache.sub(digest, create=True)
    for entry in book.names():
        match = _PART.fullmatch(entry)
        if match and not _alive(match.group(1)):
            book.remove(entry)  # a part a killed process left
    return book


def _foreign(book: Folder, kind: re.Pattern[str] | None = None) -> list[Diagnostic]:
    found = []
    for entry in book.names():
        info = book.stat(entry)
        if info is None:
            continue
        if not stat.S_ISREG(info.st_mode) or not ((kind or _PICTURE).fullmatch(entry) or _PART.fullmatch(entry)):
            found.append(Diagnostic(str(book.path / entry), None, "error",
                                    f"{_what(info)} the build did not make: the facsimile cache holds only what "
                                    "`edition build` drew; move it elsewhere"))
    return found


def _what(info: os.stat_result) -> str:
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link"
    return "a folder" if stat.S_ISDIR(info.st_mode) else "a file" if stat.S_ISREG(info.st_mode) else "something"


def _alive(pid: str | None) -> bool:
    if not pid:
        return False  # a part of an older version's: no drawing of it is running under this lock
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return int(pid) != os.getpid()


def _stale(facsimile: Facsimile, book: Folder, known: dict[str, Drawn], warn: Callable[[Diagnostic], None]) -> list[int]:
    """The PDF pages to draw: those with a picture missing, never recorded as drawn, or whose
    bytes are no longer what was drawn (then said, and drawn again)."""
    todo = []
    for page in facsimile.pages:
        for size in page.files:
            name = f"{page.pdf_page}-{size}.webp"
            key = f"{facsimile.digest}/{name}"
            if book.stat(name) is None or key not in known:
                todo.append(page.pdf_page)
                break
            if not _verified(book, name, key, known):
                warn(Diagnostic(str(book.path / name), None, "warning", "not the picture drawn there (its bytes "
                                                                        "changed): drawn again"))
                todo.append(page.pdf_page)
                break
    return todo


def _verified(book: Folder, name: str, key: str, known: dict[str, Drawn]) -> bool:
    fd = book.open_file(name)
    try:
        return _matches(fd, book.path / name, key, known)
    finally:
        os.close(fd)


def _matches(fd: int, path: Path, key: str, known: dict[str, Drawn]) -> bool:
    """Is the file open at `fd` the picture recorded as drawn? Read and hashed only if it is not
    the very file recorded (another inode, size, mtime or ctime)."""
    recorded = known.get(key)
    if recorded is None:
        return False
    info = os.fstat(fd)
    if _stamp(info) == recorded[1:]:
        return True
    if hashlib.sha256(read_open(os.dup(fd), path, PICTURE_LIMIT)).hexdigest() != recorded[0]:
        return False
    known[key] = (recorded[0], *_stamp(info))  # the same bytes (copied, touched, linked): not read again
    return True


def _link_checked(book: Folder, key: str, known: dict[str, Drawn], stage: Stage, site: str) -> None:
    """Link one cache picture into the stage: the file checked is the file linked (one descriptor)."""
    name = key.split("/", 1)[1]
    fd = book.open_file(name)
    try:
        if not _matches(fd, book.path / name, key, known):
            raise EditionError([Diagnostic(str(book.path / name), None, "error", "changed while the build ran "
                                                                                 "(not the picture drawn): build again")])
        stage.link_open(fd, site)
        # The link changed the file's ctime, not its bytes (checked through this descriptor just
        # now): recorded as it is, the next build does not hash it for this build's own link.
        known[key] = (known[key][0], *_stamp(os.fstat(fd)))
    finally:
        os.close(fd)


def _draw(data: bytes, pages: list[int], cache: Path, digest: str, jobs: int, start: str,
          pdf_path: Path, progress: Progress = silent) -> dict[str, Drawn]:
    """Draw `pages` of the PDF at each size, in up to `jobs` processes; what each wrote."""
    chunks = [pages[i::jobs] for i in range(max(1, min(jobs, len(pages))))]
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        progress("drawing pages", done, len(pages))

    progress("drawing pages", 0, len(pages))
    if len(chunks) == 1:
        return _render(data, chunks[0], cache, digest, tick)
    context = multiprocessing.get_context(start)
    running = []
    try:
        for chunk in chunks:
            receiver, sender = context.Pipe(duplex=False)
            parent = os.getpid() if start == "fork" else None
            process = context.Process(target=_drawer, args=(sender, data, chunk, cache, digest, parent), daemon=True)  # type: ignore[attr-defined]
            process.start()
            sender.close()
            running.append((process, receiver))
        drawn: dict[str, Drawn] = {}
        waiting = [receiver for _, receiver in running]
        while waiting:
            for ready in wait(waiting):
                assert isinstance(ready, Connection)
                try:
                    kind, value = ready.recv()
                except EOFError:
                    kind, value = "error", "a drawing process died"
                if kind == "page":
                    tick()
                    continue
                if kind != "done":
                    raise EditionError([Diagnostic(str(pdf_path), None, "error",
                                                   f"drawing its pages for the facsimile failed: {value}")])
                drawn.update(value)
                waiting.remove(ready)
        return drawn
    finally:
        for process, receiver in running:
            if process.is_alive():
                process.kill()
            process.join()
            receiver.close()


def _drawer(sender: Any, data: bytes, pages: list[int], cache: Path, digest: str, parent: int | None) -> None:
    die_with_parent(parent)
    try:
        sender.send(("done", _render(data, pages, cache, digest, lambda: sender.send(("page", 1)))))
    except Exception as exc:  # noqa: BLE001 - any failure travels to the build, which reports it
        sender.send(("error", f"{type(exc).__name__}: {exc}"))


def _render(data: bytes, pages: list[int], cache: Path, digest: str,
            tick: Callable[[], None] = lambda: None) -> dict[str, Drawn]:
    """Draw PDF pages at each size and write them as WebP into the book's cache folder, each
    file whole or not at all (a part, renamed); what was written, with its hash. `tick()`
    after each page."""
    import pypdfium2 as pdfium  # noqa: PLC0415
    from PIL import ImageChops  # noqa: PLC0415

    drawn: dict[str, Drawn] = {}
    with Folder(cache.parent) as parent, parent.sub(f"{cache.name}/{digest}") as book:
        document = pdfium.PdfDocument(data)
        try:
            for pdf_page in pages:
                page = document[pdf_page - 1]
                width, height = page.get_width(), page.get_height()
                # A page without colour (most of a book) is drawn in gray by PDFium itself: one
                # channel, and fewer shades at the edges of the type than a conversion leaves.
                glance = page.render(scale=200 / max(width, height)).to_pil().convert("RGB")
                gray = ImageChops.difference(glance, glance.convert("L").convert("RGB")).getbbox() is None
                scale, large_width, large_height = drawn_size(width, height)
                large = page.render(scale=scale, grayscale=gray).to_pil()
                if large.size != (large_width, large_height):  # a pixel more where scale × width is 1,600.0000001
                    large = large.resize((large_width, large_height), resample=1)
                for size in SIZES:
                    factor = size / SIZES[-1]
                    picture = large if size == SIZES[-1] else large.resize(
                        (max(1, round(large.width * factor)), max(1, round(large.height * factor))), resample=1)  # LANCZOS
                    encoded = _webp(picture)
                    name = f"{pdf_page}-{size}.webp"
                    part = f"{os.getpid()}.{os.urandom(6).hex()}.part"
                    book.write_new(part, encoded)  # 0644: published, read by a web server
                    book.move_in(book, part, name)
                    info = book.stat(name)
                    assert info is not None
                    drawn[f"{digest}/{name}"] = (hashlib.sha256(encoded).hexdigest(), *_stamp(info))
                    fault("drawing")
                page.close()
                tick()
        finally:
            document.close()
    return drawn


def _webp(picture: Any) -> bytes:
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
