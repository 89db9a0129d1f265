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

    clean = commands.add_parser("clean", help="print the cleaned reading text of a book's PDF, a scan or raw pages")
    clean.add_argument("files", nargs="+", type=Path, metavar="FILE",
                       help="book.pdf, OCR files (hOCR, ALTO, PAGE XML) or page pictures or a folder of them, "
                            "or page text files")
    clean.add_argument("--decisions", type=Path, help="editorial decisions file to apply (page text)")
    clean.add_argument("--pages", metavar="A-B", help="PDF pages to read, 1-based and inclusive (default: all)")
    _scan_options(clean)

    ingest = commands.add_parser("ingest", help="a book's PDF, a scan (or raw page text) → chapter sources + review "
                                                "report")
    ingest.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="book.pdf, OCR files (hOCR, ALTO, PAGE XML) or page pictures or a folder of them, "
                             "or page text files")
    ingest.add_argument("--into", type=Path,
                        help="content folder for a PDF or a scan (default: content); for page text a chapter source "
                             "(default: content/chapter.md) or a content folder")
    ingest.add_argument("--pages", metavar="A-B", help="PDF pages to read, 1-based and inclusive (default: all)")
    ingest.add_argument("--force", action="store_true",
                        help="replace chapters and review files edited by hand or not written by ingest")
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


def _clean(args) -> int:
    from generator.ingest.pipeline import clean

    progress = _Progress() if sys.stderr.isatty() else None
    try:
        text = clean(args.files, args.pages, args.decisions, progress, args.images, args.ocr_model)
    finally:
        if progress:
            progress.clear()
    sys.stdout.write(text)
    return 0


def _ingest(args) -> int:
    from generator.ingest.pipeline import ingest

    progress = _Progress() if sys.stderr.isatty() else None
    try:
        summary = ingest(args.files, args.into, args.pages, args.force, args.decisions, args.title, progress,
                         args.images, args.ocr_model, _tell(progress))
    finally:
        if progress:
            progress.clear()
    print(summary)
    return 0


def _tell(progress: _Progress | None):
    """A line said before it is done (on stderr: the summary is stdout's), clearing the status line."""
    def tell(message: str) -> None:
        if progress:
            progress.clear()
        print(message, file=sys.stderr, flush=True)
    return tell


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
