"""Lines as printed, where the PDF's order is not the print's: the layout pass before all others.

PDFium cuts a page's characters into lines in the order the PDF draws them. Some typesetters
draw a line in pieces: LibreOffice Writer sets a note reference that ends a line as a text
object of its own ("28" drawn after "Die Regie-" and before "rung …", a line of its own in
PDFium's order), WeasyPrint draws a list's markers ("1.", "•") after the item's first line. A
reader sees one line in each case; so does every later pass after this one:

    raised fragments   a line of small digits standing just above another line's baseline,
                       beside or at its end: that line's raised characters (a note reference)
    same baseline      pieces of one printed line (no overlap, the same baseline) joined in
                       their order on the page, left to right

Nothing is added or taken away: every character stays, in the printed order.
"""
from __future__ import annotations

import itertools

from generator.ingest.pdf import Char, Line, Page


def mend(pages: list[Page], body: float) -> None:
    """Every page's lines as printed (see the module's description); `body`: the body text size."""
    for page in pages:
        lines = _raised_fragments(page.lines, body)
        page.lines = _same_baseline(lines)


def _is_fragment(line: Line, body: float) -> bool:
    text = line.text.replace(",", "").replace(" ", "")
    return text.isdigit() and len(text) <= 4 and line.size < 0.8 * body


def _raised_fragments(lines: list[Line], body: float) -> list[Line]:
    fragments = [line for line in lines if _is_fragment(line, body)]
    if not fragments:
        return lines
    replaced: dict[int, Line] = {}
    dropped: set[int] = set()
    for fragment in fragments:
        hosts = [line for line in lines if line is not fragment and id(line) not in dropped and not _is_fragment(line, body)
                 and 0 < line.y - fragment.y < 0.8 * line.size
                 and line.left - line.size < fragment.left < line.right + 1.5 * line.size]
        if not hosts:
            continue
        host = min(hosts, key=lambda line: line.y - fragment.y)
        current = replaced.get(id(host), host)
        raised = [Char(c.text, c.x, c.y, c.size, c.style, True, c.index) for c in fragment.chars if c.text != " "]
        chars = sorted([*current.chars, *raised], key=lambda c: c.x)
        mended = Line(chars, max(current.right, fragment.right), current.hyphen if current.right >= fragment.right - 0.5
                      else False)
        mended.y, mended.size = current.y, current.size   # a raised number moves neither
        replaced[id(host)] = mended
        dropped.add(id(fragment))
    return [replaced.get(id(line), line) for line in lines if id(line) not in dropped]


def _same_baseline(lines: list[Line]) -> list[Line]:
    """Pieces of one printed line joined: the same baseline (within a fifth of the type size),
    no horizontal overlap, and nothing between them; a space between two that do not touch."""
    if len(lines) < 2:
        return lines
    out: list[Line] = []
    taken: set[int] = set()
    ordered = sorted(range(len(lines)), key=lambda k: (round(lines[k].y), lines[k].left))
    rows: list[list[Line]] = []
    for k in ordered:
        line = lines[k]
        if rows and abs(rows[-1][-1].y - line.y) < 0.2 * max(line.size, rows[-1][-1].size):
            rows[-1].append(line)
        else:
            rows.append([line])
    merged: dict[int, Line] = {}
    for row in rows:
        if len(row) < 2:
            continue
        row.sort(key=lambda line: line.left)
        if any(b.left < a.right - 0.5 for a, b in itertools.pairwise(row)):
            continue   # overlapping: not one line's pieces (a table's or a figure's text)
        if any(b.left - a.right > 6 * a.size for a, b in itertools.pairwise(row)):
            continue   # far apart: columns, a marginal note
        chars: list[Char] = []
        for piece in row:
            if chars and piece.left - chars[-1].x > 0.1 * piece.size and chars[-1].text != " ":
                chars.append(Char(" ", _right(chars), piece.chars[0].y, chars[-1].size, chars[-1].style))
            chars += piece.chars
        line = Line(chars, row[-1].right, row[-1].hyphen)
        merged[id(row[0])] = line
        taken.update(id(piece) for piece in row[1:])
    for line in lines:
        if id(line) in taken:
            continue
        out.append(merged.get(id(line), line))
    return out


def _right(chars: list[Char]) -> float:
    """Where the last character ends, near enough: its origin plus half its size."""
    return chars[-1].x + 0.5 * chars[-1].size
