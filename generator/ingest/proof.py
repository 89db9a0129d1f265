"""Ingest checks itself against the print: the last pass over a book read from a PDF.

Ingest holds every printed line and knows which lines each block of the reading text came
from (`Block.lines`). The reading text may differ from those lines only by the repairs the
passes listed (`Book.changes`, each with its page and line): a line end joined (a hyphen taken
out or kept, no space after a "/"), letter-spaced words divided, a character no file may hold
taken out, an editor's decision. This pass compares each block with its lines and tells, as a
*Hinweis* at `page:line` with the printed and the reading form, every other difference:

    difference           a character gained or lost, a space or a hyphen no rule put there
    unlisted join        two lines joined otherwise than with a space, and no rule says why
    broken at its end    a block that ends in a word's first half (a heading or a paragraph cut
                         where the word runs on)
    line not carried     a printed line of the text or its notes that is in no block (not a
      over               running head, foot or folio, nor a page left out as contents)

What the structure takes away is not a difference: a note's number (its label), an item's
bullet (Markdown's "- "), page marks. Nothing here changes the text: it only reports.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from generator.diffing import align
from generator.ingest.joins import HYPHENS
from generator.ingest.model import Book, Chapter, Event, Inline, Ref, Text
from generator.ingest.pdf import Line
from generator.model import printed_number, unreferenced

JOINS = {"line-end hyphen removed", "true hyphen kept", "hyphen in an address or a name kept", "suspended compound kept",
         "joined after '/'", "address joined", "joined after a dash", "option joined"}
SPACES = set(" -\u00ad\u2010\n")
NUMBER = re.compile(r"^(?:\d{1,3}[.)]?|[*∗†‡§])\s*")
WORD = re.compile(r"\S+")


def proofread(book: Book) -> None:
    """Every difference between the reading text and the printed lines that no listed repair
    explains, as a Hinweis in `book.events` (see the module's description)."""
    lines = {page: {n: line for n, line in enumerate(sorted(found, key=lambda x: x.y), 1)}
             for page, found in book.printed.items()}
    joined = {(c.page, c.line) for c in book.changes if c.rule in JOINS}
    repaired = {(c.page, c.line) for c in book.changes if c.rule not in JOINS}
    repaired_pages = {c.page for c in book.changes if c.rule not in JOINS and not c.line}
    used: set[tuple[int, int]] = set()
    for chapter in [*book.chapters, *book.left_out]:
        for unit, where, inlines, strip in _units(chapter):
            used.update(where)
            if chapter in book.left_out or not where:
                continue
            printed = [(page, n, _printed_text(lines[page][n])) for page, n in where if n in lines.get(page, {})]
            if not printed:
                continue
            if strip:   # a note's number, an item's bullet: the structure's, not the text's
                page, n, first = printed[0]
                printed[0] = (page, n, strip(first))
            reading = _reading(inlines)
            for event in _compare(printed, reading, joined, repaired, repaired_pages, book, unit):
                book.events.append(event)
            last_page, last_n, last_text = printed[-1]
            if last_text.endswith(HYPHENS) and reading.rstrip().endswith(HYPHENS) and unit not in ("table", "code"):
                book.events.append(Event(last_page, last_n, book.folios.get(last_page, "?"), "warning",
                                         f"{_name(unit)} ends in a word's first half ('{last_text.split()[-1]}'): the "
                                         "word runs on in the next block, which ingest did not join",
                                         printed=last_text, reading=reading.split()[-1], check="broken at its end"))
    for page, numbered in sorted(lines.items()):
        for n, line in numbered.items():
            role = book.roles.get((page, n), "")
            if role in ("head", "foot") or (page, n) in used or (page, n) in book.accounted or not line.text.strip():
                continue
            book.events.append(Event(page, n, book.folios.get(page, "?"), "warning",
                                     "a printed line that is in no block of the reading text: check what became of it",
                                     printed=line.text, reading="", check="line not carried over",
                                     decision=""))


Strip = Callable[[str], str] | None


def _units(chapter: Chapter) -> Iterator[tuple[str, list[tuple[int, int]], list[Inline], Strip]]:
    """(kind, printed lines, reading inlines, what the structure takes off the first line) of
    every part of a chapter: its title, blocks and notes."""
    if chapter.lines:
        yield "heading", chapter.lines, chapter.heading or [Text(chapter.title)], None
    for block in chapter.blocks:
        if block.kind in ("code", "table"):
            yield block.kind, block.lines, [Text(" ".join(block.rows))], None
        elif block.kind not in ("gap", "opening"):
            yield block.kind, block.lines, block.inlines, _without_marker if block.marker else None
    for note in chapter.notes:
        yield "note", note.lines, note.inlines, _without_number


def _without_marker(text: str) -> str:
    return text[1:].lstrip()


def _without_number(text: str) -> str:
    return NUMBER.sub("", text, count=1)


def _printed_text(line: Line) -> str:
    """A line's text as printed: raised numbers as digits, PDFium's hyphen mark put back."""
    return line.text + "-" if line.hyphen and not line.text.endswith(HYPHENS) else line.text


def _reading(inlines: list[Inline]) -> str:
    out = []
    for run in inlines:
        if isinstance(run, Text):
            out.append(run.text)
        elif isinstance(run, Ref) and not unreferenced(run.label):
            out.append(printed_number(run.label))
    return "".join(out).strip()


def _compare(printed: list[tuple[int, int, str]], reading: str, joined: set[tuple[int, int]],
             repaired: set[tuple[int, int]], repaired_pages: set[int], book: Book, unit: str) -> Iterator[Event]:
    """The differences between a block's printed lines and its reading text that no repair of
    theirs explains."""
    text = " ".join(line for _, _, line in printed)
    if text == reading:
        return
    starts: list[int] = []
    at = 0
    for _, _, line in printed:
        starts.append(at)
        at += len(line) + 1
    told: set[tuple[int, int]] = set()
    for op in align(text, reading):
        if op.tag == "equal":
            continue
        k = max(0, _line_at(starts, op.a0 if op.a1 > op.a0 else max(op.a0 - 1, 0)))
        page, n, line = printed[k]
        end = starts[k] + len(line)
        a, b = text[op.a0:op.a1], reading[op.b0:op.b1]
        spaces_only = set(a) <= SPACES and set(b) <= SPACES
        boundary = op.a0 <= end <= op.a1 or (op.a0 == op.a1 and end - 1 <= op.a0 <= end + 1)
        if boundary and spaces_only and k + 1 < len(printed) and (page, n) in joined:
            continue
        if (page, n) in repaired or page in repaired_pages or (boundary and k + 1 < len(printed)
                                                             and printed[k + 1][:2] in repaired):
            continue
        if (page, n) in told:
            continue
        told.add((page, n))
        shown_printed, shown_reading = _words(text, op.a0, op.a1), _words(reading, op.b0, op.b1)
        what = ("a join no rule made" if boundary and spaces_only else
                "a space or a hyphen no rule put there" if spaces_only else "characters gained or lost")
        label = book.folios.get(page, "?")
        decision = (f"[[replace]]\nraw = {_toml(shown_reading)}\nclean = {_toml(shown_printed)}"
                    + (f"\npage = {label}" if label.isdigit() else "")) if shown_reading else ""
        yield Event(page, n, label, "warning", f"{_name(unit)}: the reading text differs from the print, {what}: "
                    f"printed '{shown_printed}', read '{shown_reading}'", printed=shown_printed, reading=shown_reading,
                    check="difference", decision=decision)


def _line_at(starts: list[int], offset: int) -> int:
    k = 0
    while k + 1 < len(starts) and starts[k + 1] <= offset:
        k += 1
    return k


def _words(text: str, a: int, b: int) -> str:
    """The words around text[a:b], whole."""
    start = text.rfind(" ", 0, max(a, 0)) + 1
    end = text.find(" ", b)
    return text[start:end if end >= 0 else len(text)].strip()[:120]


def _toml(text: str) -> str:
    from generator.ingest.values import toml_string  # noqa: PLC0415 - values imports the model, not this

    return toml_string(text)


def _name(unit: str) -> str:
    return {"heading": "a heading", "para": "a paragraph", "quote": "a quotation", "item": "a list item",
            "note": "a note", "figure": "a caption", "code": "code", "table": "a table"}.get(unit, "a block")

