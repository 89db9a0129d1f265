"""Ingest, the whole pipeline, one for every kind of input: read → passes → write.

    source = readers.read(...)     readers.py: each input by the reader its content calls for
    book = passes(source, ...)     layout.py (lines with their geometry) or text.py (page text):
                                   the one book model (model.py); values.py makes it writable
    write(book, source, ...)       writers.py and report.py give every file's text; commit.py
                                   checks, stages and commits them into the content folder

`clean` is the same reading and passes, printing the reading text instead of writing.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Collector, Diagnostic, EditionError
from generator.files import Folder, Refused, read_regular, shown
from generator.ingest import commit, copies, letters, parallel, readers, scanned, text
from generator.ingest.decisions import Decisions, load_decisions
from generator.ingest.layout import build_book, measure, record, two_column_pages
from generator.ingest.model import Book, Change, Event, Mark, Text
from generator.ingest.ocr import LEDGER, ledger_text
from generator.ingest.proof import proofread
from generator.ingest.readers import Progress, Reader, Source
from generator.ingest.report import build_report, to_json, to_markdown, warnings
from generator.ingest.scanned import ScannedPage
from generator.ingest.titles import facts
from generator.ingest.values import clean as clean_value
from generator.ingest.values import file_name, sanitise
from generator.ingest.writers import DECISIONS_TEMPLATE, chapter_markdown, clean_text, edition_toml, lines_json, plan_files
from generator.labels import labels, terms
from generator.memory import no_collections


def ingest(files: list[Path], into: Path | None, pages: str | None = None, force: bool = False,
           decisions_path: Path | None = None, title: str | None = None, progress: Progress | None = None,
           images: Path | None = None, ocr_model: str | None = None, tell: Callable[[str], None] | None = None) -> str:
    """`edition ingest`: the inputs → chapter sources, edition.toml, decisions.toml and review/
    in a content folder; returns the summary to print. `images`, `ocr_model`: a scan's (the
    folder of its pictures, the OCR model); `tell` hears what is said before it is done (the
    size of the pictures copied)."""
    problems = Collector()
    given = files
    files = readers.inputs(given, problems)
    reader = readers.recognise(files, problems)
    problems.raise_if_errors()
    assert reader is not None
    place = destination(reader, given, into, problems)
    decisions = _decisions(place.root, decisions_path, problems)
    problems.raise_if_errors()
    try:
        with commit.opened(place.root) as target, _scan_options(target, reader, images, ocr_model) as options:
            with no_collections(keep=True):   # see passes()
                source = readers.read(reader, files, pages, problems, progress, options, given)
                book = passes(source, decisions, title, progress)
            return write(book, source, target, place, decisions, force, decisions_path is None, tell)
    except Refused as exc:
        raise EditionError([Diagnostic(exc.path, None, "error", exc.reason)]) from None
    except OSError as exc:   # before the commit (commit.py words its own): a full disk, a folder not writable
        raise EditionError([Diagnostic(str(place.root), None, "error",
                                       f"cannot write ({exc.strerror or exc}): nothing was changed")]) from None


def clean(files: list[Path], pages: str | None = None, decisions_path: Path | None = None,
          progress: Progress | None = None, images: Path | None = None, ocr_model: str | None = None) -> str:
    """`edition clean`: the reading text, one paragraph a line, written nowhere."""
    return clean_text(read_book(files, pages, decisions_path, progress, images, ocr_model))


def read_book(files: list[Path], pages: str | None = None, decisions_path: Path | None = None,
              progress: Progress | None = None, images: Path | None = None, ocr_model: str | None = None) -> Book:
    """The inputs read and through the passes: the book, written nowhere (`clean`, benchmarks)."""
    problems = Collector()
    given = files
    files = readers.inputs(given, problems)
    reader = readers.recognise(files, problems)
    problems.raise_if_errors()
    assert reader is not None
    decisions = _decisions(None, decisions_path, problems)
    problems.raise_if_errors()
    options = readers.Options(images, ocr_model)
    with no_collections(keep=True):   # see passes()
        return passes(readers.read(reader, files, pages, problems, progress, options, given), decisions, None, progress)


@contextmanager
def _scan_options(target: commit.Target, reader: Reader, images: Path | None,
                  ocr_model: str | None) -> Iterator[readers.Options]:
    """What a scan's readers are given: the edition's language (the OCR model's default), the
    content folder's review/ (the hOCR kept there), and `.edition-ingest/ocr` (the OCR waiting
    for the commit: cleared by a commit; kept by a failure, which says so, for the next run,
    unless the run made the content folder: then nothing is left behind)."""
    if reader not in (readers.PICTURES, readers.PDF):
        yield readers.Options(images, ocr_model, target.language())
        return
    cache = target.own.sub(OCR_CACHE, create=True)
    review = target.folder.sub("review") if target.folder.kind("review") == "folder" else None
    try:
        yield readers.Options(images, ocr_model, target.language(), cache, review)
    except BaseException as exc:   # a failure, Ctrl+C: what was read is kept (and said), not read again
        # kept where the content folder was there before: a first ingest that fails leaves nothing
        kept = [name for name in cache.names() if name.endswith(".hocr")] if "" not in target.made else []
        if kept:
            target.keep.add(OCR_CACHE)
        if kept and isinstance(exc, EditionError):
            raise EditionError([*exc.diagnostics, Diagnostic(
                str(cache.path), None, "warning", f"the OCR of {len(kept)} page(s) is kept here, in the tool's own "
                                                  "folder, for the next ingest (nothing of the edition was written)")]) \
                from None
        raise
    else:
        target.own.remove_tree(OCR_CACHE)
    finally:
        cache.close()
        if review is not None:
            review.close()


OCR_CACHE = "ocr"   # in .edition-ingest/


# ---- where ----

@dataclass(frozen=True)
class Place:
    root: Path             # the content folder
    chapter: str | None    # page text into one file: its name there (else the names are planned)
    stem: str              # the review files' name: review/<stem>.report.md …


def destination(reader: Reader, files: list[Path], into: Path | None, problems: Collector) -> Place:
    """`--into` as given: a content folder (default `content`), or for page text a chapter file
    (default `content/chapter.md`). Nothing is made yet."""
    stem = file_name(files[0].stem)
    if into is None:
        into = Path("content") if reader.level == "lines" else Path("content/chapter.md")
    if into.is_dir():
        return Place(into, None, stem)
    if reader.level == "lines" or into.suffix != ".md":
        if into.exists() or into.is_symlink():
            problems.error(into, None, f"--into for {reader.name} is a content folder" +
                           (", not a file" if reader.level == "lines" else " or a chapter file (*.md)"))
        return Place(into, None, stem)
    if commit.name_kind(into.name) != "chapter":
        problems.error(into, None, "--into: not a plain chapter file name (a name ending in .md, not hidden, "
                                   "without control characters or a backslash)")
    return Place(into.parent, into.name, into.stem)


def _decisions(root: Path | None, given: Path | None, problems: Collector) -> Decisions:
    """The editor's decisions: the file given (it must exist), else the content folder's own
    `decisions.toml` if there is one (read without following a link)."""
    if given is not None:
        try:
            return load_decisions(given, problems, read_regular(given, limit=2**20))
        except FileNotFoundError:
            problems.error(given, None, "no such decisions file")
        except OSError as exc:
            problems.error(given, None, exc.reason if isinstance(exc, Refused) else f"cannot read: {exc.strerror or exc}")
        return Decisions()
    if root is None or not root.is_dir():
        return Decisions()
    try:
        with Folder(root) as folder:
            if folder.kind("decisions.toml") is None:
                return Decisions()
            return load_decisions(root / "decisions.toml", problems, folder.read("decisions.toml", limit=2**20))
    except Refused as exc:
        problems.error(exc.path, None, exc.reason)
        return Decisions()


# ---- the passes ----

def passes(source: Source, decisions: Decisions, title: str | None, progress: Progress | None = None) -> Book:
    """The pages → the book, by the passes of their level; the editor's decisions applied."""
    # the collector off while the passes run: a long book's pages are millions of characters and
    # lines that hold no cycles (the layout passes of a 1,754-page book: 8.4 s of CPU with it,
    # 5.3 s without, measured back to back; 6–8 % of all the passes on 600 pages). `ingest` and
    # `read_book` keep it off from the reading on, and the pages and the book frozen after
    # (memory.no_collections: its first collection would scan them all)
    with no_collections():
        try:
            return _passes(source, decisions, title, progress)
        except parallel.Failed as exc:   # a worker process of the passes killed, or a fault of theirs
            raise EditionError([Diagnostic(str(source.files[0]), None, "error", str(exc))]) from None


def _passes(source: Source, decisions: Decisions, title: str | None, progress: Progress | None) -> Book:
    problems = Collector()
    if source.reader.level == "lines":
        if title:
            problems.error(source.files[0], None, f"--title names the chapter of page text; a {source.reader.name}'s "
                                                  "chapters are named by its headings")
        metrics = measure(source.pages)
        if columns := two_column_pages(source.pages, metrics):
            shown_pages = ", ".join(map(str, columns[:10])) + (" …" if len(columns) > 10 else "")
            problems.error(source.files[0], None, f"page {shown_pages} is set in two columns, which ingest cannot read in "
                                                  "order yet: give --pages for the one-column part, or extract those "
                                                  "pages' text another way")
        problems.raise_if_errors()
        book = build_book(source.pages, metrics, outline=[(b.level, b.title, b.page) for b in source.outline])
        _reading(source, book)
        book.recorded = record(source.pages, book)
        _outside_the_page(book)
        scanned.annotate(book, source.pages)   # a scan's: its lines on the pictures, the engine's doubts
        letters.normalise(book)
        apply_decisions(book, decisions)
        proofread(book)
    else:
        result = text.run(source.raw, decisions, progress)
        if title:
            result.title = title
        book = text.book_of(result, source.raw)
    if source.reader.level == "lines":
        facts(book, dict(source.facts))     # the PDF's metadata, else its title page
    else:
        book.facts = dict(source.facts)
    book.events += [Event(0, None, "", "warning", message) for message in source.warnings]
    sanitise(book)
    return book


def _reading(source: Source, book: Book) -> None:
    """What the reader mended in the PDF's text (accents composed, TeX's logos) as repairs, and
    what it could not read as printed as Hinweise, at their page:line."""
    for page in source.pages:
        label = book.folios.get(page.index, "?")
        book.changes += [Change(page.index, r.line, label, r.printed, r.reading, r.rule) for r in page.repairs]
        book.events += [Event(page.index, d.line or None, label, "warning", d.detail, printed=d.printed, reading=d.reading,
                              check="reading") for d in page.unread]


def _outside_the_page(book: Book) -> None:
    """Lines the PDF sets wholly outside their page (a table run off the page's foot) are in the
    text, as the PDF holds them, but nobody sees them in print: a Hinweis a page, at the first."""
    for page in book.recorded:
        outside = [line for line in page.lines if line.box is not None and line.frame is None]
        if outside:
            count = f"{len(outside)} lines" if len(outside) > 1 else "this line"
            book.events.append(Event(page.page, outside[0].n, page.label, "warning",
                                     f"{count} from here set outside the page: the PDF holds them (so does the "
                                     "reading text), the printed page does not show them",
                                     printed=outside[0].text, reading=outside[0].text, check="outside the page"))


def apply_decisions(book: Book, decisions: Decisions) -> None:
    """The editor's `[[replace]]` decisions, in the text and the notes, each change reported
    (page text applies its decisions in its own passes)."""
    for chapter in book.chapters:
        for inlines, page in [(b.inlines, b.page) for b in chapter.blocks] + [(n.inlines, n.page) for n in chapter.notes]:
            label = book.folios.get(page, "?")
            for k, run in enumerate(inlines):
                if isinstance(run, Mark):
                    label = run.label
                elif isinstance(run, Text):
                    replaced = decisions.apply_replacements(run.text, label)
                    if replaced != run.text:
                        book.changes.append(Change(page, 0, label, run.text.strip(), replaced.strip(),
                                                   "editor's decision (decisions.toml)"))
                        inlines[k] = Text(replaced, run.style)


# ---- writing ----

REVIEW_FILES = (".report.json", ".report.md", ".lines.json")


def write(book: Book, source: Source, target: commit.Target, place: Place, decisions: Decisions, force: bool,
          template: bool, tell: Callable[[str], None] | None = None) -> str:
    """Every file's text from the book, then checked against what is in the folder and
    committed (commit.py); returns the summary."""
    chapters = plan_files(book, target.manifest.chapters, place.chapter)
    texts = {name: chapter_markdown(chapter).encode("utf-8") for name, chapter in chapters.items()}
    pictures = copies.plan(source, place.root)
    review = [f"review/{place.stem}{suffix}" for suffix in REVIEW_FILES]
    made = [page.recognised for page in source.pages if isinstance(page, ScannedPage) and page.recognised]
    ocr = {f"review/ocr/{r.name}": r.hocr for r in made if not r.kept}
    if made:
        ocr["review/ocr/" + LEDGER] = ledger_text(made)
    planned: dict[str, tuple[str, str | None]] = {name: ("chapter", commit.digest(t)) for name, t in texts.items()}
    planned.update({name: ("copy", commit.digest(data)) for name, data in (pictures.copies if pictures else {}).items()})
    planned.update({name: ("review", None) for name in [*review, *ocr]})
    planned["edition.toml"] = ("config", None)
    if template:
        planned["decisions.toml"] = ("config", None)
    found = target.check(planned, force)
    kept = [name for name in texts if found[name].status == "kept"]
    if pictures:
        _foreign_copies(book, pictures, found, place, source)
        for page in book.recorded:
            page.picture = pictures.pictures.get(page.page, "")
    report = build_report(book, source.name, source.reader.name, chapters, decisions, kept)
    outputs: dict[str, tuple[bytes, str]] = {name: (t, "chapter") for name, t in texts.items() if name not in kept}
    outputs.update({name: (data, "copy") for name, data in (pictures.copies if pictures else {}).items()})
    outputs[review[0]] = (to_json(report).encode("utf-8"), "review")
    language = target.language()
    outputs[review[1]] = (to_markdown(report, labels(language), terms(language), review[0].rsplit("/", 1)[-1]).encode("utf-8"),
                          "review")
    replaced = [(e.raw, e.clean, "" if e.page is None else str(e.page)) for e in decisions.entries
                if e.kind == "replace" and e.used]
    outputs[review[2]] = (lines_json(book.recorded, chapters, replaced).encode("utf-8"), "review")
    outputs.update({name: (data, "review") for name, data in ocr.items()})
    if found["edition.toml"].status == "absent":
        first = next(iter(chapters.values()), None)
        named = source.given or source.files
        title = (first.title if source.reader.level == "text" and first else
                 clean_value(named[0].stem.replace("_", " ").replace("-", " "))[0].strip())
        command = f"edition ingest {' '.join(f.name for f in named[:3])}" + (" …" if len(named) > 3 else "")
        setting = (pictures.key, pictures.value) if pictures else None
        outputs["edition.toml"] = (edition_toml(book, command, title, setting).encode("utf-8"), "config")
    if template and found["decisions.toml"].status == "absent":
        outputs["decisions.toml"] = (DECISIONS_TEMPLATE.encode("utf-8"), "config")
    copying = [name for name in (pictures.copies if pictures else {}) if name in outputs and found[name].status != "same"]
    if tell and copying and pictures:   # the size said before it is written
        size = sum(len(outputs[name][0]) for name in copying)
        what = "the PDF" if pictures.key == "pdf" else f"{len(copying)} page picture(s)"
        tell(f"{shown(place.root)}: copying {what} ({size / 2**20:.1f} MB) into {shown(place.root / pictures.value)}: "
             "the facsimile")
    notices = _beside(target, place, chapters, pictures, found["edition.toml"].status == "absent")
    written = target.commit(outputs, found, {c.title: name for name, c in chapters.items()},
                            [shown(f) for f in source.given or source.files], verify)
    return "\n".join([summary(book, source, place, report, chapters, written, kept, len(target.interrupted)),
                      *notices])


def _beside(target: commit.Target, place: Place, chapters: dict, pictures: copies.Facsimile | None,
            new_config: bool) -> list[str]:
    """What in the content folder the book now shares it with, said (never touched): chapter
    sources ingest did not write (the samples of `edition new`, where the folder was not emptied
    first: built with the book, silently), and an edition.toml of the editor's that does not
    name the facsimile ingest copied (the book's pages would not be shown beside its text)."""
    out = []
    others = sorted(name for name in target.folder.names() if name.endswith(".md") and name not in chapters
                    and name not in target.manifest.files and name not in target.manifest.chapters.values()
                    and target.folder.kind(name) == "file")
    if others:
        out.append(f"{shown(place.root)}: notice: {', '.join(others[:5])}{' …' if len(others) > 5 else ''}: chapter "
                   f"source(s) ingest did not write, built with the book (the samples of `edition new`? delete them "
                   "if they are not part of it)")
    if pictures and pictures.key and not new_config:
        source = target.config().get("source")
        named = source.get(pictures.key) if isinstance(source, dict) else None
        if named != pictures.value:
            out.append(f"{shown(place.root / 'edition.toml')}: notice: the file is yours and stays as it is: to show "
                       f"the book's pages beside its text, set {pictures.key} = \"{pictures.value}\" under [source]")
    return out


def _foreign_copies(book: Book, pictures: copies.Facsimile, found: dict[str, commit.Found], place: Place,
                    source: Source) -> None:
    """A file where a copy is to go that ingest did not put there: left alone, said, and its page
    goes without a picture (the PDF: the edition without a facsimile)."""
    foreign = [name for name in pictures.copies if found[name].status == "foreign"]
    if not foreign:
        return
    for name in foreign:
        del pictures.copies[name]
    if pictures.key == "pdf":
        pictures.key = ""
    else:
        gone = {name.rsplit("/", 1)[-1] for name in foreign}
        pictures.pictures = {page: name for page, name in pictures.pictures.items() if name not in gone}
    shown_names = ", ".join(shown(place.root / name) for name in foreign[:5]) + (" …" if len(foreign) > 5 else "")
    book.events.append(Event(0, None, "", "warning", f"{shown_names}: another file than "
                             f"{shown(pictures.sources[foreign[0]])} is there: not replaced, and "
                             + ("the edition gets no facsimile" if pictures.key == "" else
                                f"{len(foreign)} page(s) go without their picture") + " (move it away, or use --force)"))


def verify(staged: dict[str, Path], root: Path, stage: Path) -> None:
    """What ingest is about to write, loaded with the rest of the content folder as the build
    loads it (`edition check`: config, every chapter, the recorded print, the facsimile, links),
    before the commit: what ingest writes, the build accepts. Loaded from a mirror of the folder
    inside ingest's stage (its files hard-linked, or copied where the file system cannot link;
    the staged files in their places), so nothing in the content folder changes if it fails; a
    problem in a file ingest writes is ingest's fault and stops the run, one in an editor's own
    file is the build's to tell."""
    from generator.build import check  # noqa: PLC0415 - the build's loader, only needed here

    mirror = stage / "mirror"
    mirror.mkdir()
    _mirror(root, mirror, "")
    for name, path in staged.items():
        target = mirror / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        _place(path, target)
    try:
        check(mirror, jobs=1)
    except EditionError as exc:
        ours = []
        for d in exc.diagnostics:
            inside = _inside(d.path, mirror)
            if d.level == "error" and (inside is None or inside in staged):
                ours.append(Diagnostic(str(root / inside) if inside else d.path, d.line, "error",
                                       f"ingest would write what the build refuses (a fault of ingest: please report it): "
                                       f"{d.message.replace(str(mirror), str(root))}"))
        if ours:
            raise EditionError(ours) from None


def _inside(path: str, mirror: Path) -> str | None:
    try:
        return Path(path).relative_to(mirror).as_posix()
    except ValueError:
        return None


def _mirror(root: Path, mirror: Path, relative: str) -> None:
    """The content folder's regular files and folders (not hidden ones, nor links: the build
    reads neither) in `mirror`, each file hard-linked."""
    with os.scandir(root / relative) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_dir(follow_symlinks=False):
                (mirror / name).mkdir()
                _mirror(root, mirror, name)
            elif entry.is_file(follow_symlinks=False):
                _place(Path(entry.path), mirror / name)


def _place(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:   # a file system without hard links (or across devices): a copy
        target.write_bytes(read_regular(source, follow=False, limit=2**31))


def summary(book: Book, source: Source, place: Place, report: dict, chapters: dict, written: list[str],
            kept: list[str], finished: int = 0) -> str:
    notes = sum(len(c.notes) for c in book.chapters)
    pages = len(source.pages) if source.reader.level == "lines" else len(source.raw)
    lines = [f"{source.name}: {pages} page(s) → {len(book.chapters)} chapter(s), {notes} note(s), "
             f"{len(book.changes)} repair(s), {len(book.undecided)} undecided; {len(book.left_out)} part(s) left out"
             + (f"; {len(book.unsure)} word(s) the OCR was unsure of" if book.unsure else "")]
    for name in [*chapters, *(n for n in written if n not in chapters and not n.startswith("review/"))]:
        state = "" if name in written else " (kept: edited by hand)" if name in kept else " (unchanged)"
        lines.append(f"  {shown(place.root / name)}{state}")
    lines.append(f"review report: {shown(place.root / 'review' / (place.stem + '.report.md'))} (and .json)")
    if finished:
        lines.append(f"{shown(place.root)}: an ingest cut off while writing {finished} file(s) is finished")
    lines += [str(w) for w in warnings(report)]
    return "\n".join(lines)
