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
    references         a raised number stands against its word and apart from the next one, as
                       printed ("Ranges.¹ Die", not "Ranges.¹Die" or "Ranges. ¹")

Nothing is added or taken away: every character stays, in the printed order.
"""
from __future__ import annotations

import itertools

from generator.ingest.pdf import Char, Line, Page


def mend(pages: list[Page], body: float) -> None:
    """Every page's lines as printed (see the module's description); `body`: the body text size."""
    for page in pages:
        lines = _raised_fragments(page.lines, body)
        page.lines = [_around_raised(line) for line in _same_baseline(lines)]


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
        for before, piece in zip([None, *row], row, strict=False):
            first = piece.chars[0]
            # a space where the pieces do not touch; never before a raised number (a reference
            # stands against its word)
            if before is not None and piece.left - before.right > 0.15 * piece.size and chars[-1].text != " " \
                    and not (first.text.isdigit() and piece.y - first.y > 0.2 * first.size):
                chars.append(Char(" ", before.right, first.y, chars[-1].size, chars[-1].style))
            chars += piece.chars
        line = Line(chars, row[-1].right, row[-1].hyphen)
        merged[id(row[0])] = line
        taken.update(id(piece) for piece in row[1:])
    for line in lines:
        if id(line) in taken:
            continue
        out.append(merged.get(id(line), line))
    return out



def _around_raised(line: Line) -> Line:
    """A raised number against the word before it (a space narrower than a fifth of the type
    before it is a gap the PDF left, not a word space), and apart from the word after it where
    they stand apart (a reference's digits are about half their size wide)."""
    chars = line.chars

    def up(c: Char) -> bool:
        return c.text.isdigit() and (c.raised or line.y - c.y > 0.2 * c.size)

    if not any(map(str.isdigit, line.text)) or not any(up(c) for c in chars):   # most lines have no digit: looked for in C
        return line
    out: list[Char] = []
    for k, c in enumerate(chars):
        after = chars[k + 1] if k + 1 < len(chars) else None
        if c.text == " " and out and after is not None and up(after) and not up(out[-1]) and out[-1].text != " " \
                and after.x - c.x < 0.2 * line.size:
            continue
        out.append(c)
        if (after is not None and up(c) and after.text.isalnum() and not up(after)
                and after.x - (c.x + 0.55 * c.size) > 0.2 * after.size):
            out.append(Char(" ", c.x + 0.55 * c.size, line.y, after.size, after.style))
    if len(out) == len(chars):
        return line
    mended = Line(out, line.right, line.hyphen)
    mended.y, mended.size = line.y, line.size
    return mended
