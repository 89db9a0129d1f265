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
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Collector, Diagnostic
from generator.files import read_regular
from generator.model import (
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

REVIEW = "review"
LINES_SUFFIX = ".lines.json"
# What a repair may add or take away: spaces, hyphens (soft, hard, non-breaking).
_IGNORED = frozenset(" \t\n\r\u00a0\u2009\u202f-\u00ad\u2010\u2011\u00ac\ufffe\x02")
# A block is looked for this far (skeleton characters, about two pages) after the one before:
# a short heading must not be found in a later chapter.
_WINDOW = 8000
_SAFE_NAME = re.compile(r"[0-9A-Za-z]{1,12}")


@dataclass(frozen=True, slots=True)
class Line:
    number: int      # on its page, from the top (the report's page:line)
    text: str        # as printed
    role: str        # "body", "note", "head", "foot", "" (not read)


@dataclass(frozen=True, slots=True)
class PrintedPage:
    index: int       # in the book's order, from 0
    label: str       # the print page number as printed, "?" when unknown
    name: str        # the page's file name in the site (pages/<name>.html): unique, safe
    lines: tuple[Line, ...]
    pdf_page: int | None = None  # 1-based page of the PDF ingest read
    width: float = 0.0   # points, when read from a PDF
    height: float = 0.0


@dataclass(frozen=True)
class Printed:
    pages: tuple[PrintedPage, ...]
    digest: str       # of the files read: part of what the pages rendered from it depend on
    by_label: dict[str, PrintedPage] = field(default_factory=dict, compare=False)  # the first page of each label
    by_name: dict[str, PrintedPage] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for page in self.pages:
            self.by_label.setdefault(page.label, page)
            self.by_name[page.name] = page

    def page(self, label: str) -> PrintedPage | None:
        return self.by_label.get(label)

    def holds(self, chapter: Chapter) -> bool:
        """Is this chapter from the recorded print (one of its print pages is)?"""
        return any(mark.known and mark.printed in self.by_label for mark in chapter.page_breaks)


def lines_files(root: Path) -> list[Path]:
    return sorted((root / REVIEW).glob(f"*{LINES_SUFFIX}")) if (root / REVIEW).is_dir() else []


def load(root: Path, problems: Collector) -> Printed | None:
    """The printed pages recorded by every ingest of this edition (in file name order), or None."""
    pages: list[PrintedPage] = []
    digest = hashlib.blake2b(digest_size=16)
    names: set[str] = set()
    for path in lines_files(root):
        try:
            data = read_regular(path, limit=256 * 2**20)
            digest.update(data)
            recorded = json.loads(data)
            for page in recorded["pages"]:
                label = str(page.get("page") or "?")
                name = label if _SAFE_NAME.fullmatch(label) and label not in names else f"p{len(pages) + 1}"
                names.add(name)
                lines = tuple(Line(int(line["n"]), str(line["text"]), str(line.get("role", "")))
                              for line in page["lines"])
                pages.append(PrintedPage(len(pages), label, name, lines, page.get("pdf_page"),
                                         float(page.get("width", 0)), float(page.get("height", 0))))
        except OSError as exc:
            problems.error(path, None, f"cannot read: {exc.strerror or exc}")
        except (ValueError, KeyError, TypeError) as exc:
            problems.error(path, None, f"not a lines file written by `edition ingest` ({exc}); "
                                       "ingest again or delete it")
    return Printed(tuple(pages), digest.hexdigest()) if pages else None


_CACHE: dict[Path, tuple[tuple, Printed | None, list[Diagnostic]]] = {}


def cached(root: Path, problems: Collector | None = None) -> Printed | None:
    """`load`, once per process while the lines files stay the same (a preview builds again
    and again, a worker process renders many chapters); `problems` hears of the files' problems."""
    files = lines_files(root)
    stamps = tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    if root not in _CACHE or _CACHE[root][0] != stamps:
        found = Collector()
        _CACHE[root] = (stamps, load(root, found), found.items)
    if problems is not None:
        problems.items += _CACHE[root][2]
    return _CACHE[root][1]


def warnings(chapter: Chapter, printed: Printed | None) -> list[Diagnostic]:
    """Blocks of a chapter the recorded print no longer holds (edited by hand since ingest):
    the diplomatic view leaves them out, and the editor hears of it once."""
    if printed is None or not printed.holds(chapter):
        return []  # a chapter not from the ingested book (or from pages ingest did not record)
    missing = align(chapter, printed).missing
    if not missing:
        return []
    lines = ", ".join(str(block.line) for block in missing[:8]) + (" …" if len(missing) > 8 else "")
    return [Diagnostic(str(chapter.path), missing[0].line or None, "warning",
                       f"{len(missing)} block(s) no longer match the printed lines ingest recorded (edited "
                       f"since?): the diplomatic view shows the reading text there (lines {lines})")]


# ---- where the reading text stands in the print ----

@dataclass(frozen=True, slots=True)
class Piece:
    """The part of one printed line that belongs to a block: `segments` are (text as printed,
    the reading text's word where it differs: a repair, else None)."""
    page: int
    line: int
    segments: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True, slots=True)
class Placed:
    """A block's printed form: its pieces of lines, and where its lines begin in the block's
    text (offsets in `stream`'s text) with whether a word runs on over the break (`<lb break="no"/>`)."""
    pieces: tuple[Piece, ...]
    breaks: tuple[tuple[int, bool], ...]


@dataclass
class Alignment:
    """Each block of a chapter that the print holds (by the identity of its content tuple, for
    the one render that asks), and the blocks it could not find."""
    placed: dict[int, tuple[tuple[Inline, ...], Placed]] = field(default_factory=dict)
    missing: list[Block] = field(default_factory=list)

    def of(self, content: tuple[Inline, ...]) -> Placed | None:
        found = self.placed.get(id(content))
        return found[1] if found and found[0] is content else None


def stream(content: tuple[Inline, ...]) -> str:
    """A block's printed characters in order: text, code and note numbers (printed raised in
    the line); editorial additions, gaps and page marks are not in the print."""
    out: list[str] = []
    for node in content:
        if isinstance(node, Text | Code):
            out.append(node.text)
        elif isinstance(node, NoteRef):
            out.append("" if node.silent else node.number)
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


@dataclass
class _Stream:
    """The printed lines of one role (body or notes) as one skeleton string."""
    lines: list[tuple[int, Line]] = field(default_factory=list)   # (page index, line)
    starts: list[int] = field(default_factory=list)                # skeleton offset of each line
    where: list[list[int]] = field(default_factory=list)           # per line: skeleton char → text index
    text: str = ""
    page_start: dict[int, int] = field(default_factory=dict)       # page index → offset of its first line


_STREAMS: dict[tuple[str, str], _Stream] = {}


def _stream_of(printed: Printed, role: str) -> _Stream:
    key = (printed.digest, role)
    if key not in _STREAMS:
        if len(_STREAMS) > 8:
            _STREAMS.clear()
        built, parts, offset = _Stream(), [], 0
        for page in printed.pages:
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
        _STREAMS[key] = built
    return _STREAMS[key]


def align(chapter: Chapter, printed: Printed) -> Alignment:
    """Find each block of `chapter` in the print, in reading order from the chapter's first page."""
    result = Alignment()
    body, notes = _stream_of(printed, "body"), _stream_of(printed, "note")
    first = next((p.printed for p in chapter.page_breaks if p.known), None)
    start_page = printed.page(first) if first else None
    body_start = body.page_start.get(start_page.index, 0) if start_page else 0
    note_start = notes.page_start.get(start_page.index, 0) if start_page else 0
    cursor = body_start
    for content, block in _units(chapter):
        cursor = _place(content, block, body, cursor, result, window=_WINDOW)
    for note in chapter.notes.values():
        for block in note.content:
            if block.kind == "paragraph":
                # A note is printed with its number first; notes are looked for independently of
                # each other (their order in the source need not be the print's): at the foot of
                # the pages, else among the body lines (endnotes under "Anmerkungen").
                opening = block is note.content[0]
                prefixes = [(Text(note.number),), (Text(note.number + "."),)] if opening else [()]  # "8 …", "8. …"
                tries = [(printed_notes, start, prefix) for printed_notes, start in ((notes, note_start), (body, body_start))
                         for prefix in prefixes]
                for number, (lines, start, prefix) in enumerate(tries, 1):
                    if _place(block.content, block, lines, start, result, window=len(lines.text), prefix=prefix,
                              report=number == len(tries)) >= 0:
                        break
    return result


_LAST: list[tuple[Chapter, str, Alignment]] = []


def aligned(chapter: Chapter, printed: Printed) -> Alignment:
    """`align`, kept for the chapter being rendered (its pages are rendered one after another)."""
    if not _LAST or _LAST[0][0] is not chapter or _LAST[0][1] != printed.digest:
        _LAST[:] = [(chapter, printed.digest, align(chapter, printed))]
    return _LAST[0][2]


def _units(chapter: Chapter):
    """(content, block) of every printed text in the chapter, in reading order: section
    titles, paragraphs, and the paragraphs inside quotes and lists."""
    def walk(blocks):
        for block in blocks:
            if block.kind in ("paragraph", "heading"):
                yield block.content, block
            yield from walk(block.children)
    for section in ([chapter.intro] if chapter.intro else []) + chapter.sections:
        yield section.title, Block("heading", section.title, line=section.line)
        yield from walk(section.blocks)


def _place(content: tuple[Inline, ...], block: Block, printed: _Stream, cursor: int, result: Alignment,
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
            result.missing.append(block)
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
            breaks.append((0, False))  # the block begins a printed line: TEI's <lb/> stands before it too
        if index > first:
            offset = where[line_start - at]  # the first character of this line in the block's text
            joined = offset > 0 and not full[offset - 1].isspace() and not full[offset - 1] == "\u00ad"
            if offset - shift >= 0:
                breaks.append((offset - shift, joined))
    result.placed[id(content)] = (content, Placed(tuple(pieces), tuple(breaks)))
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
              words: list[tuple[int, int, str]]) -> tuple[tuple[str, str | None], ...]:
    """The printed piece line[begin:finish] cut into words; a word printed otherwise than it
    reads (a break hyphen, a space at a hyphenation point, a ligature) carries its reading form.
    `base`: the skeleton offset of the line's start in the block."""
    skeleton_at = [-1] * (len(line) + 1)
    for k, position in enumerate(line_where):
        if skeleton_at[position] < 0:
            skeleton_at[position] = k + base
    starts = [word[0] for word in words]
    out: list[tuple[str, str | None]] = []
    for match in re.finditer(r"\s+|\S+", line[begin:finish]):
        token = match.group()
        if token.isspace():
            out.append((token, None))
            continue
        ks = [k for k in skeleton_at[begin + match.start():begin + match.end()] if k >= 0]
        if not ks:  # a hyphen on its own (" -" at a line end): part of the word before it
            before = next((reading for text, reading in reversed(out) if not text.isspace()), None)
            out.append((token, before))
            continue
        index = bisect_right(starts, ks[0]) - 1
        word = words[index] if index >= 0 and ks[0] < words[index][1] else None
        last = ks[-1] + _run(line_where, ks[-1] - base)
        same = word is not None and word[2] == token and word[0] == ks[0] and word[1] == last
        out.append((token, None if same or word is None else word[2]))
    return tuple(out)
