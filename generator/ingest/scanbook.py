"""A scanned book's ingest: OCR files (or OCR made here) → the same layout passes and writers
as a PDF's.

    scan = read_ocr(...)            scanned.py: hOCR / ALTO / PAGE → pages in points
    book = build_book(scan.pages)   layout.py: unchanged
    write_edition(book, ...)        writers.py: chapters, edition.toml, review/, the pictures

What the reader found on its own (numbers read from the notes' sequence, a resolution
estimated) joins the book's events; the engine's doubts get a report section of their own;
historical characters are normalised in the reading text, each a listed repair.
"""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from PIL import Image

from generator.diagnostics import Collector
from generator.files import read_regular, write_text_atomic
from generator.ingest.book import DECISIONS_TEMPLATE, Progress, apply_decisions
from generator.ingest.decisions import load_decisions
from generator.ingest.layout import Book, Change, Event, Text, build_book, measure, two_column_pages
from generator.ingest.scanned import DOUBT, Scan, read_ocr
from generator.ingest.writers import build_report, clean_text, plan_files, write_edition

# Letters of older prints the reading text writes in today's form (the diplomatic view keeps
# them as printed): long s, r rotunda, ligatures, the e above a vowel (Umlaut of Fraktur).
HISTORICAL = {"ſ": "s", "ꝛ": "r", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
              "aͤ": "ä", "oͤ": "ö", "uͤ": "ü", "Aͤ": "Ä", "Oͤ": "Ö", "Uͤ": "Ü", "⸗": "-"}
PICTURE_KINDS = (".png", ".jpg", ".jpeg", ".webp")   # what the build shows as they are


def read_scan(paths: list[Path], images: Path | None, progress: Progress | None = None) -> tuple[Scan, Book]:
    problems = Collector()
    if images is not None and not images.is_dir():
        problems.error(images, None, "--images is a folder of page pictures")
    problems.raise_if_errors()
    scan = read_ocr(paths, images, problems, progress)
    problems.raise_if_errors()
    metrics = measure(scan.pages)
    if columns := two_column_pages(scan.pages, metrics):
        shown = ", ".join(map(str, columns[:10])) + (" …" if len(columns) > 10 else "")
        problems.error(paths[0], None, f"page {shown} is set in two columns, which ingest cannot read in order yet")
    problems.raise_if_errors()
    book = build_book(scan.pages, metrics)
    for note in scan.notes:
        book.events.append(Event(note.page, note.line, book.folios.get(note.page, "?"), note.kind, note.detail))
    normalise(book)
    return scan, book


def normalise(book: Book) -> None:
    """ſ → s, ꝛ → r, ligatures written out, in the reading text (and its notes); each a repair."""
    for chapter in book.chapters:
        for inlines, page, line in ([(b.inlines, b.page, b.line) for b in chapter.blocks]
                                    + [(n.inlines, n.page, n.line) for n in chapter.notes]):
            for k, run in enumerate(inlines):
                if not isinstance(run, Text) or not any(old in run.text for old in HISTORICAL):
                    continue
                text = run.text
                for old, new in HISTORICAL.items():
                    text = text.replace(old, new)
                for raw, clean in zip(run.text.split(), text.split(), strict=False):
                    if raw != clean:
                        book.changes.append(Change(page, line, book.folios.get(page, "?"), raw, clean,
                                                   "historical letter in today's form (as printed in the diplomatic view)"))
                inlines[k] = Text(text, run.style)


def clean_scan(paths: list[Path], images: Path | None, progress: Progress | None = None) -> str:
    _, book = read_scan(paths, images, progress)
    return clean_text(book)


def ingest_scan(paths: list[Path], images: Path | None, into: Path, force: bool, decisions_path: Path | None = None,
                progress: Progress | None = None, name: str | None = None) -> str:
    problems = Collector()
    if into.exists() and not into.is_dir():
        problems.error(into, None, "--into for a scanned book is a content folder, not a file")
    decisions = load_decisions(decisions_path or into / "decisions.toml", problems)
    problems.raise_if_errors()
    scan, book = read_scan(paths, images, progress)
    apply_decisions(book, decisions)
    for stale in decisions.stale():
        book.events.append(Event(0, None, "", "warning", f"{decisions.path}:{stale.line}: decision matches nothing: "
                                                         f"{stale.kind} '{stale.raw}'"))
    source = Path(name) if name else paths[0]
    files = plan_files(book, into)
    report = build_report(book, source, scan.pages, files)
    report["doubt_threshold"] = DOUBT
    report["doubts"] = [{"page": d.page, "line": d.line, "print_page": book.folios.get(d.page, "?"), "word": d.word,
                         "conf": d.conf} for d in scan.doubts]
    report["engines"] = sorted(scan.engines)
    pictures, copied = copy_pictures(scan, book, into, source.stem)
    facts = {"Title": ""}
    done = write_edition(book, scan.pages, source, into, report, force, problems, facts, pictures)
    if copied:
        done.insert(0, copied)
    if not (into / "decisions.toml").exists() and decisions_path is None:
        write_text_atomic(into / "decisions.toml", DECISIONS_TEMPLATE)
        done.append("decisions.toml")
    warnings = [e for e in book.events if e.kind == "warning"]
    notes = sum(len(c.notes) for c in book.chapters)
    lines = [f"{source}: {len(scan.pages)} scanned page(s) → {len(book.chapters)} chapter(s), {notes} note(s), "
             f"{len(book.changes)} repair(s); {len(book.left_out)} part(s) left out; "
             f"{len(scan.doubts)} word(s) the OCR was unsure of (below {DOUBT:.2f})",
             *(f"  {into / entry}" for entry in done),
             f"review report: {into / 'review' / (source.stem + '.report.md')}"]
    lines += [f"{source}: warning: page {w.page} (S. {w.print_page}): {w.detail}" for w in warnings]
    return "\n".join(lines)


def copy_pictures(scan: Scan, book: Book, into: Path, stem: str) -> tuple[dict[int, str], str]:
    """The page pictures into the content folder, named by print page as the build's
    `[source] page_images` wants them (`<stem>-pages/229.png`): each page index → its path
    there, and what was copied (its size said) or ''. A picture already inside the folder of
    that name is used where it is; a file of the name that differs is replaced only if ingest
    put it there (same bytes), else the page goes without. Pictures in a kind the build does
    not show (TIFF) are converted to PNG."""
    folder_name = f"{stem}-pages"
    folder = into / folder_name
    out: dict[int, str] = {}
    total = 0
    count = 0
    seen: set[str] = set()
    for index, picture in sorted(scan.pictures.items()):
        label = book.folios.get(index, "?")
        if label == "?" or label in seen or not label.isalnum():
            continue
        seen.add(label)
        kind = picture.suffix.lower() if picture.suffix.lower() in PICTURE_KINDS else ".png"
        target = folder / f"{label}{kind}"
        data = _picture_bytes(picture, kind)
        if data is None:
            continue
        if target.exists():
            if target.is_file() and not target.is_symlink() and hashlib.sha256(target.read_bytes()).digest() == \
                    hashlib.sha256(data).digest():
                out[index] = f"{folder_name}/{target.name}"
            continue
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / f".{target.name}.part"
        with open(part, "xb") as handle:
            handle.write(data)
        os.replace(part, target)
        out[index] = f"{folder_name}/{target.name}"
        total += len(data)
        count += 1
    said = f"{folder_name}/ ({count} page picture(s), {total / 2**20:.1f} MB, copied: the facsimile)" if count else ""
    return out, said


def _picture_bytes(picture: Path, kind: str) -> bytes | None:
    try:
        if picture.suffix.lower() == kind:
            return read_regular(picture, limit=256 * 2**20)
        with Image.open(picture) as image:
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
            return buffer.getvalue()
    except (OSError, ValueError):
        return None
