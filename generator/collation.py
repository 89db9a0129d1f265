"""The three texts of a chapter kept apart: the print, the text as ingested, the current text.

The print is the lines ingest recorded (printed.py); the text as ingested is the chapter source
ingest wrote, kept beside them (lines.json version 2); the current text is the source now, as
the editor left it. Each is one string of the chapter's printed units (section titles,
paragraphs, the paragraphs and headings of quotes and lists, then the print's notes, a note's
first paragraph after its number), units a blank line apart. diffing.py aligns print →
ingested (the tool's repairs) and ingested → current (the editor's work) by characters;
composed, every character of the current text knows the printed line it came from, whatever
the editor corrected, added, removed, split or joined since. Paragraph anchors are not the
key: a block is found by its characters.

From that alignment each current unit gets its printed form (`printed.Placed`): the pieces of
the lines it came from, each printed word that reads otherwise marked as the tool's repair or
the editor's intervention (a word restored to the print is neither); where its lines begin
(TEI's `<lb/>`, with the line's zone on the page picture); its interventions (TEI's
`<choice>`, the page's list of corrections). A unit with no printed character has no printed
source (`Alignment.missing`): the only text shown as such.

Pure functions of what printed.py loaded and source.py parsed: nothing here reads files.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

from generator import diffing
from generator.diagnostics import Collector
from generator.diffing import Op
from generator.model import PRINTED_TEXT, Block, Chapter, Inline
from generator.printed import (
    EDITOR,
    TOOL,
    Alignment,
    Ingested,
    Intervention,
    Piece,
    Placed,
    Printed,
    Segment,
    same_word,
    stream,
)
from generator.printed import align as printed_align

SEPARATOR = "\n\n"   # between two units, in the ingested and the current text
_TOKENS = re.compile(r"\s+|\S+")
_WORDS = re.compile(r"\S+")
_IGNORED = frozenset(" \t\n\r\u00a0\u2009\u202f-\u00ad\u2010\u2011\u00ac")


@dataclass(frozen=True, slots=True)
class Unit:
    """One printed text of a chapter: `key` (Block.key, a section's id), its characters
    (`text`: a note's first paragraph after its number and a space, `shift` long), the line of
    the source it begins on."""
    key: str
    text: str
    shift: int
    line: int


def units(chapter: Chapter) -> list[Unit]:
    """The chapter's printed texts in reading order: titles, paragraphs and the headings and
    paragraphs inside quotes and lists, then the print's notes (the editor's are not printed)."""
    out: list[Unit] = []

    def add(key: str, content: tuple[Inline, ...], line: int, prefix: str = "") -> None:
        text = stream(content)
        if prefix:
            text = f"{prefix} {text}"
        out.append(Unit(key, text, len(prefix) + 1 if prefix else 0, line))

    def walk(blocks: list[Block] | tuple[Block, ...]) -> None:
        for block in blocks:
            if block.kind in PRINTED_TEXT:
                add(block.key, block.content, block.line)
            walk(block.children)
    for section in ([chapter.intro] if chapter.intro else []) + chapter.sections:
        # the introduction's title is the chapter's `# ` title, on the source's first line
        add(section.id, section.title, 1 if section is chapter.intro else section.line)
        walk(section.blocks)
    for note in chapter.notes.values():
        if note.editorial:
            continue
        first = True
        for block in _flat(note.content):
            if block.kind in PRINTED_TEXT:
                add(block.key, block.content, block.line, note.label if first else "")
                first = False
    return [unit for unit in out if unit.text.strip()]


def _flat(blocks: tuple[Block, ...]) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        out += _flat(block.children)
    return out


@dataclass
class _Text:
    """Units joined into one string, and where each stands in it."""
    text: str
    spans: list[tuple[Unit, int, int]]


def _joined(found: list[Unit]) -> _Text:
    parts, spans, at = [], [], 0
    for unit in found:
        spans.append((unit, at, at + len(unit.text)))
        parts.append(unit.text)
        at += len(unit.text) + len(SEPARATOR)
    return _Text(SEPARATOR.join(parts), spans)


@dataclass
class _Print:
    """The printed lines a chapter stands on, one string (lines joined by line ends), in the
    order the ingested text has them: `lines` (page index, line number, text), `starts` the
    offset of each line in `text`."""
    text: str
    lines: list[tuple[int, int, str]]
    starts: list[int]

    def line_at(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)


def _print(record: Printed, chapter: Chapter, ingested: Ingested, found: list[Unit]) -> _Print:
    """The lines of the chapter's print: those ingest took each unit from, in the units' order,
    where it recorded them for every unit; else the pages the chapter's marks name (and the
    unnumbered ones between), their text's lines, then their notes' (as the source has them)."""
    taken: list[tuple[int, int]] = []
    if ingested.blocks and all(unit.line in ingested.blocks for unit in found):
        taken = list(dict.fromkeys(pair for unit in found for pair in ingested.blocks[unit.line]))
    lines: list[tuple[int, int, str]] = []
    if taken:
        by_place = {(page.index, line.number): line.text for page in record.pages for line in page.lines}
        lines = [(page, number, by_place[(page, number)]) for page, number in taken if (page, number) in by_place]
    if not lines:
        lo, hi = _stretch(record, chapter)
        for role in ("body", "note"):
            lines += [(page.index, line.number, line.text) for page in record.pages[lo:hi + 1]
                      for line in page.lines if line.role == role]
    starts, at = [], 0
    for _, _, text in lines:
        starts.append(at)
        at += len(text) + 1
    return _Print("\n".join(text for _, _, text in lines), lines, starts)


def _stretch(record: Printed, chapter: Chapter) -> tuple[int, int]:
    """The first and last page index a chapter stands on: from its first numbered page mark
    (less the unnumbered ones before it) to its last (and the unnumbered ones after it)."""
    marks = chapter.page_breaks
    known = [k for k, mark in enumerate(marks) if mark.known and record.page(mark.label) is not None]
    if not known:
        return 0, -1
    first, last = known[0], known[-1]
    start, end = record.page(marks[first].label), record.page(marks[last].label)
    assert start is not None and end is not None
    return max(0, start.index - first), min(len(record.pages) - 1, end.index + (len(marks) - 1 - last))


class _Map:
    """Offsets of one text (a) in another (b) through their alignment (diffing.Op), with a
    bisection over the operations (diffing.where and diffing.span scan them all)."""

    def __init__(self, ops: list[Op]):
        self.ops = ops
        self.starts = [op.a0 for op in ops]

    def at(self, offset: int) -> int:
        """b's offset of a's character at `offset` (the start of the change that took it)."""
        index = bisect_right(self.starts, offset) - 1
        if index < 0:
            return 0
        op = self.ops[index]
        if op.a0 == op.a1 and index + 1 < len(self.ops):
            op = self.ops[index + 1]
        return op.b0 + (offset - op.a0 if op.tag == "equal" else 0)

    def span(self, a0: int, a1: int) -> tuple[int, int]:
        """The stretch of b that a[a0:a1] became (diffing.span's rule)."""
        index = max(0, bisect_left(self.starts, a0) - 1)
        b0 = b1 = None
        while index < len(self.ops) and self.ops[index].a0 <= a1:
            op = self.ops[index]
            index += 1
            if not ((op.a0 < a1 and op.a1 > a0) or (op.a0 == op.a1 and a0 < op.a0 < a1)):
                continue
            lo = op.b0 + max(0, a0 - op.a0) if op.tag == "equal" else op.b0
            hi = op.b1 - max(0, op.a1 - a1) if op.tag == "equal" else op.b1
            b0 = lo if b0 is None else min(b0, lo)
            b1 = hi if b1 is None else max(b1, hi)
        if b0 is None or b1 is None:
            at = self.at(a0)
            return at, at
        return b0, b1


def _inverse(ops: list[Op]) -> list[Op]:
    flip = {"insert": "delete", "delete": "insert"}
    return [Op(flip.get(op.tag, op.tag), op.b0, op.b1, op.a0, op.a1) for op in ops]


def place(chapter: Chapter, record: Printed | None, name: str) -> Alignment | None:
    """Where each block of `chapter` (the source file `name`, relative to the content folder)
    stands in the recorded print: through the text as ingested where ingest kept it, else (a
    lines file from before, a chapter made by hand) found by its characters (printed.align).
    None for a chapter the record does not hold."""
    if record is None or not record.holds(chapter):
        return None
    ingested = record.ingested.get(name)
    found = align(chapter, record, ingested) if ingested is not None else None
    return found if found is not None else printed_align(chapter, record)


def align(chapter: Chapter, record: Printed, ingested: Ingested) -> Alignment | None:
    """Where each printed unit of `chapter` stands in the print, through the text as ingested;
    None where the ingested text no longer parses (the caller then searches the print)."""
    current = units(chapter)
    same = ingested.digest == chapter.digest  # the source is the text as ingested: nothing edited since
    source = chapter if same else _parse(chapter.path, ingested.text)
    if source is None:
        return None
    before = current if same else units(source)
    printed = _print(record, source, ingested, before)
    if not printed.lines:
        return None
    was, now = _joined(before), _joined(current)
    first = diffing.align(printed.text, was.text)
    second = [Op("equal", 0, len(was.text), 0, len(now.text))] if same else diffing.align(was.text, now.text)
    composed = first if same else diffing.compose(first, second)
    regions = diffing.three_way(printed.text, was.text, now.text, first=first, second=second)
    return _placed(record, printed, now, composed, regions)


def _parse(path: Path, text: str) -> Chapter | None:
    from generator.source import parse_chapter  # noqa: PLC0415 (source imports printed: load it when needed)

    return parse_chapter(path, text.encode("utf-8"), Collector())


def _placed(record: Printed, printed: _Print, now: _Text, composed: list[Op],
            regions: list[diffing.Region]) -> Alignment:
    """Each current unit's printed form from the composed alignment (print → current)."""
    result = Alignment(collated=True)
    forward, backward = _Map(composed), _Map(_inverse(composed))
    kinds = [(region, _whose(region, printed.text, now.text, record.replaced)) for region in regions]
    marked = [(region, kind) for region, kind in kinds if kind]
    starts = [region.p0 for region, _ in marked]
    words = [(m.start(), m.end()) for m in _WORDS.finditer(now.text)]
    word_starts = [start for start, _ in words]
    for unit, c0, c1 in now.spans:
        p0, p1 = backward.span(c0, c1)
        if not any(ch not in _IGNORED for ch in printed.text[p0:p1]) and (
                p0 == p1 or any(ch not in _IGNORED for ch in now.text[c0:c1])):   # a cell "-" is printed "-"
            result.missing[unit.key] = unit.line
            continue
        pieces: list[Piece] = []
        breaks: list[tuple[int, bool, int, int]] = []
        shown: set[int] = set()  # the additions already shown (at their first line)
        k = printed.line_at(p0)
        while k < len(printed.lines) and printed.starts[k] < p1:
            page, number, text = printed.lines[k]
            start = printed.starts[k]
            lo, hi = max(p0, start), min(p1, start + len(text))
            if hi > lo or (lo == start and text == ""):
                segments = _segments(printed.text, now.text, lo, hi, forward, marked, starts, words, word_starts,
                                     (c0, c1), shown)
                pieces.append(Piece(page, number, segments))
                if lo == start:  # the unit has this line's start: a line beginning in its text
                    at = 0 if k == printed.line_at(p0) and start <= p0 else forward.at(start) - c0 - unit.shift
                    joined = at > 0 and not now.text[c0 + unit.shift + at - 1].isspace()
                    if at >= 0:
                        breaks.append((at, joined, page, number))
            k += 1
        interventions = tuple(_interventions(unit, c0, c1, marked, printed))
        result.placed[unit.key] = Placed(tuple(pieces), tuple(breaks), interventions)
    return result


def _whose(region: diffing.Region, printed: str, current: str, replaced: tuple[tuple[str, str, str], ...]) -> str:
    """"edit" (the editor's since ingest), "decision" (the editor's decisions.toml), "normal"
    (the tool changed a letter), or "" (as printed, or a repair of spaces and hyphens only, or
    letters alike in their compatibility forms)."""
    if region.kind == "edit":
        return "edit"
    if region.kind != "repair":
        return ""
    was, now = printed[region.p0:region.p1], current[region.c0:region.c1]
    if _bare(was) == _bare(now):
        return ""
    left, right = _word(printed, region.p0, region.p1), _word(current, region.c0, region.c1)
    if any(raw in left and clean in right for raw, clean, _ in replaced):
        return "decision"
    return "normal"


def _bare(text: str) -> str:
    return unicodedata.normalize("NFKC", "".join(ch for ch in text if ch not in _IGNORED))


def _word(text: str, start: int, end: int) -> str:
    """The whole words around text[start:end]."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


def _segments(printed: str, current: str, lo: int, hi: int, forward: _Map, marked: list[tuple[diffing.Region, str]],
              starts: list[int], words: list[tuple[int, int]], word_starts: list[int], unit: tuple[int, int],
              shown: set[int]) -> tuple[Segment, ...]:
    """The printed line's piece printed[lo:hi] in words, each with how it reads now where that
    differs and whose the difference is; the editor's additions where they stand."""
    out: list[Segment] = []

    def additions(upto: int, inclusive: bool) -> None:
        index = bisect_left(starts, lo)
        while index < len(marked) and (marked[index][0].p0 < upto or (inclusive and marked[index][0].p0 == upto)):
            region, kind = marked[index]
            index += 1
            if region.p0 == region.p1 and id(region) not in shown and unit[0] <= region.c0 <= unit[1] \
                    and kind in ("edit", "decision"):
                shown.add(id(region))
                out.append(("", current[region.c0:region.c1].strip(), EDITOR))

    for match in _TOKENS.finditer(printed, lo, hi):
        token, a, b = match.group(), match.start(), match.end()
        additions(a, inclusive=True)
        if token.isspace():
            out.append((token, None, ""))
            continue
        c0, c1 = forward.span(a, b)
        reading = _reading(current, c0, c1, words, word_starts)
        edited = _touched(marked, starts, a, b)
        if edited:
            out.append((token, reading, EDITOR))
        elif token.strip("-\u00ad") == "":  # a hyphen on its own (" -" at a line end): the word before it's
            before = next((seg for seg in reversed(out) if seg[0].strip()), None)
            out.append((token, before[1], before[2]) if before and before[1] else (token, None, ""))
        elif same_word(reading, token):
            out.append((token, None, ""))
        else:
            out.append((token, reading, TOOL))
    additions(hi, inclusive=True)
    return tuple(out)


def _touched(marked: list[tuple[diffing.Region, str]], starts: list[int], a: int, b: int) -> bool:
    """Does the editor's intervention take in the printed text a:b?"""
    index = max(0, bisect_left(starts, a) - 1)
    while index < len(marked) and marked[index][0].p0 < b:
        region, kind = marked[index]
        index += 1
        if kind in ("edit", "decision") and region.p0 < b and region.p1 > a:
            return True
    return False


def _reading(current: str, c0: int, c1: int, words: list[tuple[int, int]], word_starts: list[int]) -> str:
    """The current text's whole words that current[c0:c1] is part of ("" where it has none:
    the editor took the word out)."""
    if c0 == c1 and not (0 < c0 < len(current) and not current[c0 - 1].isspace() and not current[c0].isspace()):
        return ""  # nothing of it is left, and it stood between words
    index = max(0, bisect_right(word_starts, c0) - 1)
    first = last = None
    while index < len(words) and words[index][0] <= max(c0, c1 - 1):
        start, end = words[index]
        if end > c0 and start < max(c1, c0 + 1):
            first = start if first is None else first
            last = end
        index += 1
    return current[first:last] if first is not None and last is not None else ""


def _as_read(printed: str) -> str:
    """Printed text on one line: a break hyphen's word whole ("Unter-⏎suchung" → "Unter-suchung"),
    other line ends a space."""
    return " ".join(printed.replace("-\n", "-").replace("\u00ad\n", "").split())


def _interventions(unit: Unit, c0: int, c1: int, marked: list[tuple[diffing.Region, str]],
                   printed: _Print) -> list[Intervention]:
    """The editor's and the tool's changes of letters in one unit: where in its text, what
    the print says, what it reads now, on which printed line."""
    out = []
    base = c0 + unit.shift
    for region, kind in marked:
        inside = c0 <= region.c0 <= c1 if region.c0 == region.c1 else region.c0 < c1 and region.c1 > c0
        start, end = max(region.c0, base), min(region.c1, c1)
        if not inside or end < start:
            continue  # another unit's, or in the note number before the text
        while start < end and unit.text[start - c0].isspace():  # the words alone: the spaces stay outside
            start += 1
        while end > start and unit.text[end - c0 - 1].isspace():
            end -= 1
        k = printed.line_at(region.p0 + len(printed.text[region.p0:region.p1]) - len(printed.text[region.p0:region.p1].lstrip()))
        page, number, _ = printed.lines[k]
        p0, p1 = region.p0, region.p1
        if kind == "decision" and start < end and p0 < p1:
            # a replacement is of words ("Legitimation" → "Legitimierung"), though the characters
            # differ in part ("ation" → "ierung"): the list and TEI name the words whole
            while start > base and not unit.text[start - c0 - 1].isspace():
                start -= 1
            while end < c1 and not unit.text[end - c0].isspace():
                end += 1
            while p0 < p1 and printed.text[p0].isspace():  # the line end a region may hold
                p0 += 1
            while p1 > p0 and printed.text[p1 - 1].isspace():
                p1 -= 1
            while p0 > 0 and not printed.text[p0 - 1].isspace():
                p0 -= 1
            while p1 < len(printed.text) and not printed.text[p1].isspace():
                p1 += 1
        out.append(Intervention(start - base, end - base, _as_read(printed.text[p0:p1]),
                                unit.text[start - c0:end - c0], kind, page, number))
    return out
