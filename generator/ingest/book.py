"""PDF ingest, the whole pipeline: read → layout passes → writers.

    pages = read_pdf(...)          pdf.py: characters with their geometry and fonts, per page
    book = build_book(pages)       layout.py: furniture, regions, blocks, flow, chapters
    write_edition(book, ...)       writers.py: chapters, edition.toml, review/
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from generator.diagnostics import Collector
from generator.files import write_text_atomic
from generator.ingest.decisions import Decisions, load_decisions
from generator.ingest.layout import build_book, measure, two_column_pages
from generator.ingest.model import Book, Change, Event, Mark, Text
from generator.ingest.pdf import Page, metadata, read_pdf
from generator.ingest.writers import build_report, clean_text, plan_files, write_edition


def page_range(text: str | None, source: Path, problems: Collector) -> tuple[int | None, int | None]:
    """`--pages A-B` (PDF pages, 1-based, inclusive, as pdftotext -f/-l), or `A`."""
    if not text:
        return None, None
    m = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", text)
    if not m:
        problems.error(source, None, f"--pages '{text}': give PDF pages as A-B, for example 5-32")
        return None, None
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def read_book(source: Path, pages_option: str | None, progress: Progress | None = None) -> tuple[list[Page], Book]:
    problems = Collector()
    first, last = page_range(pages_option, source, problems)
    problems.raise_if_errors()
    pages = read_pdf(source, first, last, problems, progress)
    problems.raise_if_errors()
    metrics = measure(pages)
    if columns := two_column_pages(pages, metrics):
        shown = ", ".join(map(str, columns[:10])) + (" …" if len(columns) > 10 else "")
        problems.error(source, None, f"page {shown} is set in two columns, which ingest cannot read in order yet: "
                                     "give --pages for the one-column part, or extract those pages' text another way")
    problems.raise_if_errors()
    return pages, build_book(pages, metrics)


def clean_pdf(source: Path, pages_option: str | None, progress: Progress | None = None) -> str:
    _, book = read_book(source, pages_option, progress)
    return clean_text(book)


Progress = Callable[[str, int, int], None]   # (what, done, total): the CLI's status line

DECISIONS_TEMPLATE = """# The editor's decisions for `edition ingest`: applied at every re-ingest, and every one that
# no longer matches anything is reported. For a PDF:
#
# [[replace]]                 # correct the text as printed ("Mueller" → "Müller")
# raw = "Mueller"
# clean = "Müller"
# page = 12                   # optional: only on this print page
# note = "Druckfehler"
"""


def apply_decisions(book: Book, decisions: Decisions) -> None:
    """The editor's `[[replace]]` decisions, in the text and the notes, each change reported."""
    for chapter in book.chapters:
        for inlines, page in [(b.inlines, b.page) for b in chapter.blocks] + [(n.inlines, n.page) for n in chapter.notes]:
            label = book.folios.get(page, "?")
            for k, run in enumerate(inlines):
                if isinstance(run, Mark):
                    label = run.label
                elif isinstance(run, Text):
                    clean = decisions.apply_replacements(run.text, label)
                    if clean != run.text:
                        book.changes.append(Change(page, 0, label, run.text.strip(), clean.strip(),
                                                   "editor's decision (decisions.toml)"))
                        inlines[k] = Text(clean, run.style)


def ingest_pdf(source: Path, pages_option: str | None, into: Path, force: bool, decisions_path: Path | None = None,
               progress: Progress | None = None) -> str:
    problems = Collector()
    if into.exists() and not into.is_dir():
        problems.error(into, None, "--into for a PDF is a content folder, not a file")
    decisions = load_decisions(decisions_path or into / "decisions.toml", problems)
    problems.raise_if_errors()
    pages, book = read_book(source, pages_option, progress)
    apply_decisions(book, decisions)
    for stale in decisions.stale():
        book.events.append(Event(0, None, "", "warning", f"{decisions.path}:{stale.line}: decision matches nothing: "
                                                         f"{stale.kind} '{stale.raw}'"))
    files = plan_files(book, into)
    report = build_report(book, source, pages, files)
    done = write_edition(book, pages, source, into, report, force, problems, metadata(source))
    if not (into / "decisions.toml").exists() and decisions_path is None:
        write_text_atomic(into / "decisions.toml", DECISIONS_TEMPLATE)
        done.append("decisions.toml")
    warnings = [e for e in book.events if e.kind == "warning"]
    notes = sum(len(c.notes) for c in book.chapters)
    lines = [f"{source}: {len(pages)} page(s) → {len(book.chapters)} chapter(s), {notes} note(s), "
             f"{len(book.changes)} repair(s); {len(book.left_out)} part(s) left out",
             *(f"  {into / name}" for name in done),
             f"review report: {into / 'review' / (source.stem + '.report.md')}"]
    lines += [f"{source}: warning: page {w.page} (S. {w.print_page}): {w.detail}" for w in warnings]
    return "\n".join(lines)
