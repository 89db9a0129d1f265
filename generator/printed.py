"""The book as printed: its pages and lines as ingest recorded them (`review/*.lines.json`), and
where each block of the reading text stands in them.

The reading text differs from the print only by the repairs the review report lists: break
hyphens, spaces at hyphenation points, letter-spacing, running heads and folios taken off.
Compared without spaces and hyphens (a text's "skeleton"), a block of the reading text is
therefore a run of printed lines; where it is, its printed form (the diplomatic text) and its
line breaks (TEI's `<lb/>`) are known. A block edited by hand since ingest no longer matches:
it has no printed form, and the build says so. Nothing here writes files or knows HTML.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.characters import FORBIDDEN, describe
from generator.diagnostics import Collector, Diagnostic
from generator.files import Folder, Missing, Refused
from generator.model import (
    PRINTED_TEXT,
    Addition,
    Block,
    Chapter,
    Code,
    Gap,
    Image,
    Inline,
    LineBreak,
    Link,
    NoteRef,
    PageStart,
    Styled,
    Text,
)
from generator.render.zones import LINES_VERSION, Box, line_box

REVIEW = "review"
LINES_SUFFIX = ".lines.json"
# What a repair may add or take away: spaces, hyphens (soft, hard, non-breaking).
_IGNORED = frozenset(" \t\n\r\u00a0\u2009\u202f-\u00ad\u2010\u2011\u00ac\ufffe\x02")
_MARKS = str.maketrans("", "", "\ufffe\x02")  # PDFium's marks of a line-end hyphen: not characters of the text
# A block is looked for this far (skeleton characters, about two pages) after the one before:
# a short heading must not be found in a later chapter.
_WINDOW = 8000
_SAFE_NAME = re.compile(r"[0-9A-Za-z]{1,12}")
_APART = re.compile(r"([0-9A-Za-z]{1,12}) ([A-Za-z][0-9A-Za-z]{0,39})")   # a page of a numbering apart
_PICTURE = re.compile(r"[^/\\.\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]{0,254}")   # a file's name: no folder, not hidden
ROLES = ("body", "note", "head", "foot", "")
LIMIT = 256 * 2**20


@dataclass(frozen=True, slots=True)
class Line:
    number: int      # on its page, from the top (the report's page:line)
    text: str        # as printed
    role: str        # "body", "note", "head", "foot", "" (not read)
    box: Box | None = None  # its place on the page (fractions: render/zones.py), where known
    unsure: tuple[tuple[int, int], ...] = ()   # words the OCR engine was unsure of: [start, end) in `text`


@dataclass(frozen=True)
class Ingested:
    """One chapter file as ingest wrote it (lines.json version 2's `chapters`): its `text`,
    and the printed lines of its blocks by the block's line in that text: (page index, line)."""
    file: str
    text: str
    blocks: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    digest: str = ""  # of `text`, as a chapter's own digest is made: equal, the source is still this text


@dataclass(frozen=True, slots=True)
class PrintedPage:
    index: int       # in the book's order, from 0
    label: str       # the print page number as printed, "?" when unknown
    name: str        # the page's file name in the site (pages/<name>.html): unique, safe
    lines: tuple[Line, ...]
    pdf_page: int | None = None  # 1-based page of the PDF ingest read
    width: float = 0.0   # points, when read from a PDF
    height: float = 0.0
    picture: str = ""    # a scan's: the page's picture in the [source] page_images folder


@dataclass
class _Stream:
    """The printed lines of one role (body or notes) as one skeleton string."""
    lines: list[tuple[int, Line]] = field(default_factory=list)   # (page index, line)
    starts: list[int] = field(default_factory=list)                # skeleton offset of each line
    where: list[list[int]] = field(default_factory=list)           # per line: skeleton char → text index
    text: str = ""
    page_start: dict[int, int] = field(default_factory=dict)       # page index → offset of its first line


@dataclass(frozen=True)
class Printed:
    """The print as ingest recorded it, read once by `load()`: its pages, looked up by label and
    name, and its body and note lines as skeleton strings (what `align` searches)."""
    pages: tuple[PrintedPage, ...]
    digest: str       # of the files read: part of what the pages rendered from it depend on
    ingested: dict[str, Ingested] = field(default_factory=dict, compare=False, repr=False)  # by file name
    replaced: tuple[tuple[str, str, str], ...] = ()  # the editor's [[replace]] decisions: (raw, clean, page)
    by_label: dict[str, PrintedPage] = field(default_factory=dict, compare=False, repr=False)  # the first of each label
    by_name: dict[str, PrintedPage] = field(default_factory=dict, compare=False, repr=False)
    streams: dict[str, _Stream] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for page in self.pages:
            self.by_label.setdefault(page.label, page)
            self.by_name[page.name] = page
        for role in ("body", "note"):
            self.streams[role] = _stream(self.pages, role)

    def page(self, label: str) -> PrintedPage | None:
        return self.by_label.get(label)

    def holds(self, chapter: Chapter) -> bool:
        """Is this chapter from the recorded print (one of its print pages is)?"""
        return any(mark.known and mark.label in self.by_label for mark in chapter.page_breaks)


def review_folder(root: Folder) -> Folder | None:
    """The content folder's `review/`, reached without following a link; None if there is none."""
    try:
        return root.sub(REVIEW)
    except Missing:
        return None


def stamp(root: Folder) -> tuple[tuple[str, int, int, int], ...]:
    """What changes when a lines file does (cheap: no file is read). A link or a folder where
    review/ should be is `load`'s to report."""
    try:
        review = review_folder(root)
    except OSError:
        return (("?", 0, 0, 0),)
    if review is None:
        return ()
    with review:
        stamps = []
        for name in review.names():
            if name.endswith(LINES_SUFFIX):
                info = os.stat(name, dir_fd=review.fd, follow_symlinks=False)
                stamps.append((name, info.st_mtime_ns, info.st_size, info.st_ino))
        return tuple(stamps)


def load(root: Folder, problems: Collector) -> Printed | None:
    """The printed pages recorded by every ingest of this edition (`review/*.lines.json`, in
    name order), each file checked against the form ingest writes; or None. Every problem is
    reported with the file's path and where in it."""
    try:
        review = review_folder(root)
    except OSError as exc:
        problems.error(root.path / REVIEW, None, f"cannot be read: {exc}")
        return None
    if review is None:
        return None
    pages: list[PrintedPage] = []
    digest = hashlib.blake2b(digest_size=16)
    names: set[str] = set()
    ingested: dict[str, Ingested] = {}
    replaced: list[tuple[str, str, str]] = []
    with review:
        for name in review.names():
            if not name.endswith(LINES_SUFFIX):
                continue
            path = review.path / name
            try:
                data = review.read(name, limit=LIMIT)
            except Refused as exc:
                problems.error(path, None, f"{exc.reason} (a lines file is read only as a file of its own)")
                continue
            except OSError as exc:
                problems.error(path, None, f"cannot read: {exc.strerror or exc}")
                continue
            digest.update(name.encode() + b"\0" + data)
            found = Collector()
            recorded, chapters, decided = _pages(data, path, found)
            if found.items:
                problems.items += found.items
                continue
            first = len(pages)
            for page in recorded:
                label = page["label"]
                apart = _APART.fullmatch(label)   # "1 Titelei", a page numbered apart: pages/titelei-1.html
                wanted = f"{apart[2].lower()}-{apart[1].lower()}" if apart else label
                page_name = wanted if (apart or _SAFE_NAME.fullmatch(label)) and wanted not in names \
                    else f"p{len(pages) + 1}"
                names.add(page_name)
                pages.append(PrintedPage(len(pages), label, page_name, page["lines"], page["pdf_page"],
                                         page["width"], page["height"], page["picture"]))
            # a block's lines name their page as ingest read it (a PDF's page, else the n-th page)
            index = {page.pdf_page or number + 1: page.index for number, page in enumerate(pages[first:])}
            for chapter in chapters:
                blocks = {line: tuple((index[page], n) for page, n in where if page in index)
                          for line, where in chapter["blocks"].items()}
                ingested[chapter["file"]] = Ingested(chapter["file"], chapter["text"], blocks,
                                                     hashlib.blake2b(chapter["text"].encode("utf-8"),
                                                                     digest_size=16).hexdigest())
            replaced += decided
    return Printed(tuple(pages), digest.hexdigest(), ingested, tuple(replaced)) if pages else None


class _Wrong(Exception):
    """A value of a lines file that is not what ingest writes there."""


_AGAIN = "; ingest again, or delete the file"


def _pages(data: bytes, path: Path, problems: Collector) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                                                 list[tuple[str, str, str]]]:
    """The pages of one lines file, each value checked, the chapters as ingested and the
    editor's replacements (version 2); what is wrong is reported (at most a dozen problems per
    file, then how many more)."""
    try:
        recorded = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.error(path, None, f"not UTF-8 text (at byte {exc.start}){_AGAIN}")
        return [], [], []
    except RecursionError:
        problems.error(path, None, f"nested too deeply: not a lines file written by `edition ingest`{_AGAIN}")
        return [], [], []
    except json.JSONDecodeError as exc:
        problems.error(path, exc.lineno, f"not JSON ({exc.msg}, column {exc.colno}): not a lines file written by "
                                         f"`edition ingest`{_AGAIN}")
        return [], [], []
    if not isinstance(recorded, dict) or not isinstance(recorded.get("pages"), list):
        problems.error(path, None, f"not a lines file written by `edition ingest` (no list of \"pages\"){_AGAIN}")
        return [], [], []
    version = recorded.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= LINES_VERSION:
        problems.error(path, None, f"version {_shown(version)}: this build reads lines files of versions 1 to "
                                   f"{LINES_VERSION} (a newer `edition` wrote it? update, or ingest again)")
        return [], [], []
    pages: list[dict[str, Any]] = []
    wrong: list[str] = []
    for number, page in enumerate(recorded["pages"]):
        where = f"pages[{number}]"
        try:
            pages.append(_page(page, where))
        except _Wrong as exc:
            wrong.append(f"{where}{exc}")
    chapters, replaced = [], []
    try:
        chapters = _chapters(recorded.get("chapters", []))
        replaced = _replaced(recorded.get("replaced", []))
    except _Wrong as exc:
        wrong.append(str(exc))
    for message in wrong[:12]:
        problems.error(path, None, f"{message}{_AGAIN}")
    if len(wrong) > 12:
        problems.error(path, None, f"and {len(wrong) - 12} more pages like these{_AGAIN}")
    return pages, chapters, replaced


def _chapters(chapters: object) -> list[dict[str, Any]]:
    """The chapters as ingested (version 2): file name, text, each block's printed lines."""
    if not isinstance(chapters, list):
        raise _Wrong(f"chapters must be a list (the chapter files as ingested), not {_shown(chapters)}")
    out = []
    for number, chapter in enumerate(chapters):
        where = f"chapters[{number}]"
        if not isinstance(chapter, dict) or not isinstance(chapter.get("file"), str) \
                or not isinstance(chapter.get("text"), str):
            raise _Wrong(f"{where} must be an object with the chapter's \"file\" and \"text\"")
        if found := FORBIDDEN.search(chapter["text"]):
            raise _Wrong(f"{where}.text holds {describe(found.group())}, which XML and HTML forbid")
        blocks: dict[int, list[tuple[int, int]]] = {}
        for entry in chapter.get("blocks", []) if isinstance(chapter.get("blocks", []), list) else [None]:
            line, lines = (entry.get("line"), entry.get("lines")) if isinstance(entry, dict) else (None, None)
            if not (_whole(line) and isinstance(lines, list) and all(
                    isinstance(pair, list) and len(pair) == 2 and all(_whole(v) for v in pair) for pair in lines)):
                raise _Wrong(f"{where}.blocks must be a list of {{\"line\": n, \"lines\": [[page, n], …]}}")
            assert isinstance(line, int) and isinstance(lines, list)
            blocks[line] = [(pair[0], pair[1]) for pair in lines]
        out.append({"file": chapter["file"], "text": chapter["text"], "blocks": blocks})
    return out


def _replaced(replaced: object) -> list[tuple[str, str, str]]:
    if not isinstance(replaced, list) or not all(
            isinstance(entry, dict) and isinstance(entry.get("raw"), str) and isinstance(entry.get("clean"), str)
            and isinstance(entry.get("page", ""), str) for entry in replaced):
        raise _Wrong("replaced must be a list of {\"raw\", \"clean\", \"page\"} (the editor's decisions)")
    return [(entry["raw"], entry["clean"], entry.get("page", "")) for entry in replaced]


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _page(page: object, where: str) -> dict[str, Any]:
    if not isinstance(page, dict):
        raise _Wrong(f" must be an object (a page), not {_shown(page)}")
    label = page.get("page")
    if label is None:
        label = "?"
    elif isinstance(label, int) and not isinstance(label, bool) and label >= 0:
        label = str(label)
    elif not isinstance(label, str) or not label.strip() or FORBIDDEN.search(label) or len(label) > 64:
        raise _Wrong(f".page must be its print page number as printed (\"229\", \"XII\", \"?\"), not {_shown(label)}")
    pdf_page = page.get("pdf_page")
    if pdf_page is not None and (not isinstance(pdf_page, int) or isinstance(pdf_page, bool) or pdf_page < 1):
        raise _Wrong(f".pdf_page must be a whole number from 1 (a page of the PDF), not {_shown(pdf_page)}")
    sizes = []
    for key in ("width", "height"):
        value = page.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise _Wrong(f".{key} must be a size in points (a number from 0), not {_shown(value)}")
        sizes.append(float(value))
    lines = page.get("lines")
    if not isinstance(lines, list):
        raise _Wrong(f".lines must be a list of the page's lines, not {_shown(lines)}")
    picture = page.get("picture", "")
    if not isinstance(picture, str) or (picture and not _PICTURE.fullmatch(picture)):
        raise _Wrong(f".picture must be the name of the page's picture in the page_images folder (a file name, no "
                     f"folder), not {_shown(picture)}")
    return {"label": label.strip(), "pdf_page": pdf_page, "width": sizes[0], "height": sizes[1], "picture": picture,
            "lines": tuple(_line(line, f".lines[{index}]", *sizes) for index, line in enumerate(lines))}


def _line(line: object, where: str, page_width: float = 0.0, page_height: float = 0.0) -> Line:
    if not isinstance(line, dict):
        raise _Wrong(f"{where} must be an object (a printed line), not {_shown(line)}")
    number, text, role = line.get("n"), line.get("text"), line.get("role", "")
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise _Wrong(f"{where}.n must be the line's number on its page (a whole number), not {_shown(number)}")
    if not isinstance(text, str):
        raise _Wrong(f"{where}.text must be the line's text, not {_shown(text)}")
    text = text.translate(_MARKS)
    if found := FORBIDDEN.search(text):
        raise _Wrong(f"{where}.text holds {describe(found.group())}, which XML and HTML forbid")
    if role not in ROLES:
        raise _Wrong(f"{where}.role must be one of {', '.join(repr(r) for r in ROLES)}, not {_shown(role)}")
    unsure = line.get("unsure", [])
    if not isinstance(unsure, list) or len(unsure) > len(text) or not all(
            isinstance(span, list) and len(span) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in span)
            and 0 <= span[0] < span[1] <= len(text) for span in unsure):
        raise _Wrong(f"{where}.unsure must be a list of [start, end] offsets of words in its text, not {_shown(unsure)}")
    try:
        box = line_box(line, page_width, page_height)
    except ValueError as exc:
        if "box" in line:
            raise _Wrong(f"{where}: {str(exc).split(': ', 1)[-1]}") from None
        box = None  # a version 1 file's geometry that makes no box: the line has no place (as before)
    return Line(number, text, role, box, tuple((span[0], span[1]) for span in unsure))


def _shown(value: object) -> str:
    """A wrong value as the message shows it: short, its type named."""
    kind = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "an object",
            type(None): "null"}.get(type(value), type(value).__name__)
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str | int | float | bool) or value is None else ""
    return f"{text} ({kind})" if text and len(text) <= 40 else kind


def align(chapter: Chapter, printed: Printed | None) -> Alignment | None:
    """Where each block of `chapter` stands in the print; None for a chapter the record does not
    hold (not from the ingested book, or from pages ingest did not record)."""
    if printed is None or not printed.holds(chapter):
        return None
    return _align(chapter, printed)


def warnings(chapter: Chapter, alignment: Alignment | None) -> list[Diagnostic]:
    """Blocks of a chapter the recorded print no longer holds (edited by hand since ingest):
    the diplomatic view leaves them out, and the editor hears of it once."""
    if alignment is None or not alignment.missing:
        return []
    missing = list(alignment.missing.values())
    lines = ", ".join(str(line) for line in missing[:8]) + (" …" if len(missing) > 8 else "")
    if alignment.collated:
        return [Diagnostic(str(chapter.path), missing[0] or None, "warning",
                           f"{len(missing)} block(s) have no printed source (added since ingest?): the text as "
                           f"printed has none for them, and the reading text says so (lines {lines})")]
    return [Diagnostic(str(chapter.path), missing[0] or None, "warning",
                       f"{len(missing)} block(s) no longer match the printed lines ingest recorded (edited "
                       f"since?): the diplomatic view shows the reading text there (lines {lines})")]


# ---- where the reading text stands in the print ----

# A printed word (or the space between words) as the diplomatic view shows it: (its text as
# printed, how it reads now where that differs, whose the difference is: TOOL for a repair of
# the review report, EDITOR for the editor's intervention, "" for none). The editor's addition
# is a segment with no printed text.
Segment = tuple[str, str | None, str]
TOOL, EDITOR = "tool", "editor"


@dataclass(frozen=True, slots=True)
class Piece:
    """The part of one printed line that belongs to a block: its words as `segments`."""
    page: int
    line: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Intervention:
    """What the print says and the text now reads at one place, and whose doing it is: `kind`
    "edit" (the editor's correction since ingest), "decision" (the editor's `[[replace]]` in
    decisions.toml), "normal" (the tool's normalisation of a character). `start`, `end`: in
    the block's text (`stream`); `page`, `line`: the printed line it stands on."""
    start: int
    end: int
    printed: str
    reading: str
    kind: str
    page: int
    line: int


@dataclass(frozen=True, slots=True)
class Placed:
    """A block's printed form: its pieces of lines; where its lines begin in the block's text
    (offsets in `stream`'s text), whether a word runs on over the break (`<lb break="no"/>`),
    and the line (page index, line number: its zone on the picture); the interventions."""
    pieces: tuple[Piece, ...]
    breaks: tuple[tuple[int, bool, int, int], ...]
    interventions: tuple[Intervention, ...] = ()


@dataclass(frozen=True)
class Alignment:
    """Where one chapter's blocks stand in the print: each block's printed form by its key
    (`Block.key`; a section's title by the section's id), and the blocks the print no longer
    holds (key → source line). Plain data, computed once when the chapter is loaded; how it was
    found is this module's business, and another source (the lines ingest took each block from,
    an editor's corrections) can give the same data instead."""
    placed: dict[str, Placed] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    collated: bool = False  # through the text as ingested (collation.py): a missing block has no printed source

    def of(self, key: str) -> Placed | None:
        return self.placed.get(key) if key else None


def stream(content: tuple[Inline, ...]) -> str:
    """A block's printed characters in order: text, code and note numbers (printed raised in
    the line); editorial additions, gaps and page marks are not in the print."""
    out: list[str] = []
    for node in content:
        if isinstance(node, Text | Code):
            out.append(node.text)
        elif isinstance(node, NoteRef):
            if not node.editorial and not node.silent:  # the editor's note is no part of the print
                out.append(node.number)
        elif isinstance(node, LineBreak):
            out.append(" ")
        elif isinstance(node, Styled | Link):
            out.append(stream(node.children))
        elif not isinstance(node, Addition | Gap | Image | PageStart):
            raise TypeError(f"no printed form for {node!r}")
    return "".join(out)


def _skeleton(text: str) -> tuple[str, list[int]]:
    """The text without what repairs change, and each skeleton character's index in `text`."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in _IGNORED:
            continue
        for part in unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch:
            if part not in _IGNORED:
                chars.append(part)
                where.append(i)
    return "".join(chars), where


def _stream(pages: tuple[PrintedPage, ...], role: str) -> _Stream:
    built, parts, offset = _Stream(), [], 0
    for page in pages:
        built.page_start.setdefault(page.index, offset)
        for line in page.lines:
            if line.role != role:
                continue
            skeleton, where = _skeleton(line.text)
            built.lines.append((page.index, line))
            built.starts.append(offset)
            built.where.append(where)
            parts.append(skeleton)
            offset += len(skeleton)
    built.text = "".join(parts)
    return built


def _align(chapter: Chapter, printed: Printed) -> Alignment:
    """Find each block of `chapter` in the print, in reading order from the chapter's first page."""
    result = Alignment()
    body, notes = printed.streams["body"], printed.streams["note"]
    first = next((p.label for p in chapter.page_breaks if p.known), None)
    start_page = printed.page(first) if first else None
    body_start = body.page_start.get(start_page.index, 0) if start_page else 0
    note_start = notes.page_start.get(start_page.index, 0) if start_page else 0
    cursor = body_start
    for key, content, line in _units(chapter):
        cursor = _place(key, content, line, body, cursor, result, window=_WINDOW)
    for note in chapter.notes.values():
        if note.editorial:
            continue
        for index, block in enumerate(note.content):
            if block.kind == "paragraph":
                # A note is printed with its number first; notes are looked for independently of
                # each other (their order in the source need not be the print's): at the foot of
                # the pages, else among the body lines (endnotes under "Anmerkungen").
                prefixes = [(Text(note.number),), (Text(note.number + "."),)] if index == 0 else [()]  # "8 …", "8. …"
                tries = [(printed_notes, start, prefix) for printed_notes, start in ((notes, note_start), (body, body_start))
                         for prefix in prefixes]
                for number, (lines, start, prefix) in enumerate(tries, 1):
                    if _place(block.key, block.content, block.line, lines, start, result, window=len(lines.text),
                              prefix=prefix, report=number == len(tries)) >= 0:
                        break
    return result


def _units(chapter: Chapter) -> Iterator[tuple[str, tuple[Inline, ...], int]]:
    """(key, content, line) of every printed text in the chapter, in reading order: section
    titles (the introduction's is the chapter's), paragraphs, and the paragraphs and headings
    inside quotes and lists."""
    def walk(blocks: list[Block] | tuple[Block, ...]) -> Iterator[tuple[str, tuple[Inline, ...], int]]:
        for block in blocks:
            if block.kind in PRINTED_TEXT:
                yield block.key, block.content, block.line
            yield from walk(block.children)
    for section in ([chapter.intro] if chapter.intro else []) + chapter.sections:
        yield section.id, section.title, section.line
        yield from walk(section.blocks)


def _place(key: str, content: tuple[Inline, ...], line_number: int, printed: _Stream, cursor: int, result: Alignment,
           window: int, prefix: tuple[Inline, ...] = (), report: bool = True) -> int:
    """Find one block from `cursor` on; returns where its text ends in the print (the cursor
    unchanged for a block without printed text; -1 for one not found if not `report`ed)."""
    text = stream(content)
    full = stream(prefix) + text
    skeleton, where = _skeleton(full)
    if not skeleton:
        return cursor
    at = printed.text.find(skeleton, cursor, cursor + len(skeleton) + window)
    if at < 0:
        if not report:
            return -1
        if any(not isinstance(node, PageStart) for node in content):
            result.missing[key] = line_number
        return cursor
    end = at + len(skeleton)
    first, last = bisect_right(printed.starts, at) - 1, bisect_right(printed.starts, end - 1) - 1
    shift = len(full) - len(text)  # the note number is not in the note's own text
    words = _words(full, where)
    pieces, breaks = [], []
    for index in range(first, last + 1):
        page, line = printed.lines[index]
        line_start = printed.starts[index]
        line_where = printed.where[index]
        lo, hi = max(at, line_start) - line_start, min(end, line_start + len(line_where)) - line_start
        if hi <= lo:
            continue
        # The piece of the line: whole when the block covers the line's start or end
        begin = 0 if lo == 0 else line_where[lo]
        finish = len(line.text) if hi == len(line_where) else line_where[hi - 1] + 1
        pieces.append(Piece(page, line.number, _segments(line.text, begin, finish, line_where,
                                                         line_start - at, words)))
        if index == first and lo == 0:
            breaks.append((0, False, page, line.number))  # the block begins a printed line: TEI's <lb/> stands before it too
        if index > first:
            offset = where[line_start - at]  # the first character of this line in the block's text
            joined = offset > 0 and not full[offset - 1].isspace() and not full[offset - 1] == "\u00ad"
            if offset - shift >= 0:
                breaks.append((offset - shift, joined, page, line.number))
    result.placed[key] = Placed(tuple(pieces), tuple(breaks))
    return end


def _words(text: str, where: list[int]) -> list[tuple[int, int, str]]:
    """The reading text's words as (first, last+1 skeleton offset, word), in order."""
    skeleton_at = [-1] * (len(text) + 1)
    for k, position in enumerate(where):
        if skeleton_at[position] < 0:
            skeleton_at[position] = k
    out = []
    for match in re.finditer(r"\S+", text):
        ks = [k for k in skeleton_at[match.start():match.end()] if k >= 0]
        if ks:
            out.append((ks[0], ks[-1] + _run(where, ks[-1]), match.group()))
    return out


def _run(where: list[int], k: int) -> int:
    """How many skeleton characters text character where[k] gave (a ligature gives two)."""
    n = 1
    while k + n < len(where) and where[k + n] == where[k]:
        n += 1
    return n


def _segments(line: str, begin: int, finish: int, line_where: list[int], base: int,
              words: list[tuple[int, int, str]]) -> tuple[Segment, ...]:
    """The printed piece line[begin:finish] cut into words; a word printed otherwise than it
    reads (a break hyphen, a space at a hyphenation point, a ligature) carries its reading form.
    `base`: the skeleton offset of the line's start in the block."""
    skeleton_at = [-1] * (len(line) + 1)
    for k, position in enumerate(line_where):
        if skeleton_at[position] < 0:
            skeleton_at[position] = k + base
    starts = [word[0] for word in words]
    out: list[Segment] = []
    for match in re.finditer(r"\s+|\S+", line[begin:finish]):
        token = match.group()
        if token.isspace():
            out.append((token, None, ""))
            continue
        ks = [k for k in skeleton_at[begin + match.start():begin + match.end()] if k >= 0]
        if not ks:  # a hyphen on its own (" -" at a line end): part of the word before it
            before = next((reading for text, reading, _ in reversed(out) if not text.isspace()), None)
            out.append((token, before, TOOL if before else ""))
            continue
        index = bisect_right(starts, ks[0]) - 1
        word = words[index] if index >= 0 and ks[0] < words[index][1] else None
        last = ks[-1] + _run(line_where, ks[-1] - base)
        same = word is not None and same_word(word[2], token) and word[0] == ks[0] and word[1] == last
        out.append((token, None, "") if same or word is None else (token, word[2], TOOL))
    return tuple(out)


def same_word(reading: str, printed: str) -> bool:
    """Does a printed word read as the reading text's word? The same characters, in their
    compatibility forms (the print's raised "⁸" is the note number 8, its "ﬁ" the letters fi)."""
    return reading == printed or unicodedata.normalize("NFKC", reading) == unicodedata.normalize("NFKC", printed)
