"""The `edition` command: parse arguments, call one function, print diagnostics.

User errors come out as `path:line: error: message` with exit code 1 and no traceback
(`--debug` shows one). Heavy modules are imported inside the commands so `--help` is instant.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from generator import DISTRIBUTION, __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edition", description="Build digital scholarly editions of printed books.")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the edition into a static site")
    build.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    build.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("--jobs", type=int, help="worker processes for parsing and rendering (default: all cores)")
    build.add_argument("--full", action="store_true",
                       help="rebuild every page and the whole search index (default: only what changed since the last build)")

    check = commands.add_parser("check", help="validate the edition without writing anything")
    check.add_argument("--content", type=Path, default=Path("content"))
    check.add_argument("--strict", action="store_true", help="fail on warnings too")

    serve = commands.add_parser("serve", help="preview: build, serve on this computer, rebuild and reload on save")
    serve.add_argument("--content", type=Path, default=Path("content"))
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--open", action="store_true", help="open the preview in the browser")

    new = commands.add_parser("new", help="start a new edition in a folder: sample chapters, config, CI workflow")
    new.add_argument("folder", type=Path, metavar="DIR")
    new.add_argument("--language", default="de", choices=("de", "en"), help="language of the sample (default: de)")

    clean = commands.add_parser("clean", help="print the cleaned reading text of a book's PDF or of raw pages")
    clean.add_argument("files", nargs="+", type=Path, metavar="FILE", help="book.pdf, or page text files")
    clean.add_argument("--decisions", type=Path, help="editorial decisions file to apply (page text)")
    clean.add_argument("--pages", metavar="A-B", help="PDF pages to read, 1-based and inclusive (default: all)")
    _scan_options(clean)

    ingest = commands.add_parser("ingest", help="a book's PDF (or raw page text) → chapter sources + review report")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE", help="book.pdf, or page text files")
    ingest.add_argument("--into", type=Path,
                        help="content folder for a PDF (default: content); chapter source for page text "
                             "(default: content/chapter.md)")
    ingest.add_argument("--pages", metavar="A-B", help="PDF pages to read, 1-based and inclusive (default: all)")
    ingest.add_argument("--force", action="store_true", help="replace chapters edited by hand or not written by ingest")
    ingest.add_argument("--decisions", type=Path, help="editorial decisions (default: decisions.toml beside --into)")
    ingest.add_argument("--title", help="chapter title (default: the running title found in the pages)")
    _scan_options(ingest)

    args = parser.parse_args(argv)
    from generator.diagnostics import EditionError

    try:
        return COMMANDS[args.command](args)
    except EditionError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        errors = sum(d.level == "error" for d in exc.diagnostics)
        print(f"edition: {errors} error(s), {len(exc.diagnostics) - errors} warning(s); nothing written", file=sys.stderr)
        if args.debug:
            raise
        return 1
    except KeyboardInterrupt:  # Ctrl+C: the build stops; what is published stays as it was
        if args.debug:
            raise
        print("edition: interrupted (a build leaves the published site as it was)", file=sys.stderr)
        return 130
    except Exception as exc:  # output, search and I/O failures: one clear line
        if args.debug:
            raise
        message = str(exc)
        print(message if ": error: " in message else f"edition: error: {message}", file=sys.stderr)
        return 1


def _build(args) -> int:
    from generator.build import build

    progress = _Progress() if sys.stderr.isatty() else None
    try:
        result = build(args.content, args.out, search=not args.no_search, strict=args.strict,
                       jobs=args.jobs, progress=progress, full=args.full)
    finally:
        if progress:
            progress.clear()
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    seconds = sum(result.timings.values())
    stages = ", ".join(f"{name} {t:.2f}s" for name, t in result.timings.items())
    if result.incremental:
        print(f"updated {result.rendered} of {result.pages} pages and {result.files} citation files in {args.out} "
              f"in {seconds:.2f}s ({stages})")
    else:
        print(f"built {result.pages} pages and {result.files} citation files into {args.out} in {seconds:.2f}s ({stages})")
    if result.search_summary:
        print(f"search: {result.search_summary}")
    return 0


def _check(args) -> int:
    from generator.build import check

    chapters, warnings = check(args.content, strict=args.strict)
    for warning in warnings:
        print(warning, file=sys.stderr)
    sections = sum(len(c.sections) for c in chapters)
    print(f"{args.content}: ok: {len(chapters)} chapter(s), {sections} sections, {len(warnings)} warning(s)")
    return 0


def _serve(args) -> int:
    from generator.serve import serve

    return serve(args.content, args.host, args.port, args.open)


def _new(args) -> int:
    from generator.new import new_edition

    written = new_edition(args.folder, args.language)
    print(f"created an edition in {args.folder} ({len(written)} files). Next:\n"
          f"  cd {args.folder}\n  edition build     # the site, in site/\n  edition serve     # a live preview")
    return 0


def _scan_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--images", type=Path, metavar="DIR",
                         help="OCR files: the folder of the page pictures they name (default: beside each file)")
    command.add_argument("--ocr-model", metavar="MODEL",
                         help="built-in OCR (the ocr extra): deu, frk, Fraktur or a PATH.traineddata "
                              "(default: the edition's language)")


def _scan(args) -> list[Path] | None:
    """OCR files (hOCR, ALTO, PAGE XML: by content) or folders of them, if that is what the
    command was given."""
    from generator.ingest.sheets import sniff

    def is_ocr(path: Path) -> bool:
        if path.is_dir():
            return any(sniff(p) for p in path.iterdir() if p.is_file())
        return sniff(path) is not None

    if not args.files or not all(is_ocr(f) for f in args.files):
        return None
    if args.pages:
        from generator.diagnostics import Collector

        problems = Collector()
        problems.error(args.files[0], None, "--pages counts the pages of a PDF; OCR files are pages already")
        problems.raise_if_errors()
    return list(args.files)


def _pictures(args) -> tuple[Path, str] | None:
    """A scan for the built-in OCR: a folder of page pictures, or a PDF whose pages are
    pictures (or pictures under OCRmyPDF's GlyphLessFont layer): (the path, what it is)."""
    from generator.ingest import ocr

    if len(args.files) != 1:
        return None
    path = args.files[0]
    if path.is_dir() and ocr.folder_pictures(path):
        return path, "folder"
    if _is_pdf(path):
        try:
            kind = ocr.pdf_kind(path)
        except (OSError, ValueError, RuntimeError):  # a damaged PDF: the PDF route says what is wrong with it
            return None
        if kind != "text":
            return path, kind
    return None


def _ocr_first(args, into: Path, progress) -> tuple[list[Path], Path]:
    """The built-in OCR of a scan: its hOCR files (in `into`/review/ocr) and the scan's path."""
    from generator.config import CONFIG_NAME
    from generator.diagnostics import Collector
    from generator.ingest import ocr

    path, kind = args.scan
    problems = Collector()
    what = {"folder": "a folder of page pictures", "image": "a PDF of page pictures with no text layer",
            "layer": "a PDF of page pictures under an OCR layer in GlyphLessFont (OCRmyPDF's: no baselines, one "
                     "size per line, a space after every break hyphen: too little for notes and hyphenation)"}[kind]
    if not ocr.available():
        problems.error(path, None, f"{what}: reading it needs OCR: {ocr.ADVICE}")
        problems.raise_if_errors()
    language = "de"
    config = into / CONFIG_NAME
    if config.is_file():
        import re

        found = re.search(r'(?m)^language\s*=\s*"(\w+)"', config.read_text(encoding="utf-8", errors="replace"))
        language = found.group(1) if found else language
    chosen = ocr.model(args.ocr_model, language, problems, path)
    problems.raise_if_errors()
    assert chosen is not None
    work = into / "review" / "ocr"
    pictures = ocr.folder_pictures(path) if kind == "folder" else ocr.pdf_pictures(path, work / "pages", progress)
    return ocr.recognise(pictures, work, chosen[0], chosen[1], progress=progress), path


def _pdf(args) -> Path | None:
    """The book's PDF, if that is what the command was given (by its first bytes, not its name)."""
    from generator.diagnostics import Collector

    pdfs = [f for f in args.files if _is_pdf(f)]
    if not pdfs:
        if args.pages:
            problems = Collector()
            problems.error(args.files[0], None, "--pages counts the pages of a PDF; page text files are pages already")
            problems.raise_if_errors()
        return None
    problems = Collector()
    if len(args.files) > 1:
        problems.error(pdfs[0], None, "give one PDF (a whole book, or --pages of it), not several files")
    if args.decisions and not args.decisions.is_file():
        problems.error(args.decisions, None, "no such decisions file")
    problems.raise_if_errors()
    return pdfs[0]


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(1024).lstrip().startswith(b"%PDF-")
    except OSError:
        return False


def _clean(args) -> int:
    if not args.files:
        return 1
    args.scan = _pictures(args)
    if args.scan is not None:
        import tempfile

        from generator.ingest.scanbook import clean_scan

        progress = _Progress() if sys.stderr.isatty() else None
        try:
            with tempfile.TemporaryDirectory() as work:
                hocr, _ = _ocr_first(args, Path(work), progress)
                text = clean_scan(hocr, args.images, progress)
        finally:
            if progress:
                progress.clear()
        sys.stdout.write(text)
        return 0
    if (scans := _scan(args)) is not None:
        from generator.ingest.scanbook import clean_scan

        progress = _Progress() if sys.stderr.isatty() else None
        try:
            text = clean_scan(scans, args.images, progress)
        finally:
            if progress:
                progress.clear()
        sys.stdout.write(text)
        return 0
    if (pdf := _pdf(args)) is not None:
        from generator.ingest.book import clean_pdf

        progress = _Progress() if sys.stderr.isatty() else None
        try:
            text = clean_pdf(pdf, args.pages, progress)
        finally:
            if progress:
                progress.clear()
        sys.stdout.write(text)
        return 0
    from generator.ingest.pipeline import clean_text

    progress = _Progress() if sys.stderr.isatty() else None
    try:
        text = clean_text(args.files, args.decisions, progress)
    finally:
        if progress:
            progress.clear()
    sys.stdout.write(text)
    return 0


def _ingest(args) -> int:
    args.scan = _pictures(args)
    if args.scan is not None:
        from generator.ingest.scanbook import ingest_scan

        into = args.into or Path("content")
        progress = _Progress() if sys.stderr.isatty() else None
        try:
            hocr, source = _ocr_first(args, into, progress)
            summary = ingest_scan(hocr, None, into, args.force, args.decisions, progress, name=str(source))
        finally:
            if progress:
                progress.clear()
        print(summary)
        return 0
    if (scans := _scan(args)) is not None:
        from generator.ingest.scanbook import ingest_scan

        progress = _Progress() if sys.stderr.isatty() else None
        try:
            summary = ingest_scan(scans, args.images, args.into or Path("content"), args.force, args.decisions, progress)
        finally:
            if progress:
                progress.clear()
        print(summary)
        return 0
    if (pdf := _pdf(args)) is not None:
        from generator.ingest.book import ingest_pdf

        progress = _Progress() if sys.stderr.isatty() else None
        try:
            summary = ingest_pdf(pdf, args.pages, args.into or Path("content"), args.force, args.decisions, progress)
        finally:
            if progress:
                progress.clear()
        print(summary)
        return 0
    from generator.ingest.pipeline import ingest

    progress = _Progress() if sys.stderr.isatty() else None
    try:
        summary = ingest(args.files, args.into or Path("content/chapter.md"), args.decisions, args.title, progress)
    finally:
        if progress:
            progress.clear()
    print(summary)
    return 0


class _Progress:
    """One self-overwriting status line on a terminal; at most ten updates a second."""

    def __init__(self) -> None:
        self.shown = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown < 0.1 and done != total:
            return
        self.shown = now
        count = f"{done}/{total}" if total else f"{done}"
        if stage == "indexing":
            stage, count = "search index (Pagefind): parts", f"{done}/{total}" if total > 1 else "…"
        sys.stderr.write(f"\r\x1b[K{stage} {count}")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


COMMANDS = {"build": _build, "check": _check, "serve": _serve, "new": _new, "clean": _clean, "ingest": _ingest}
