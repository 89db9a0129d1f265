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
import re

from generator.ingest.pdf import Char, Line, Page


def mend(pages: list[Page], body: float) -> None:
    """Every page's lines as printed (see the module's description); `body`: the body text size."""
    for page in pages:
        lines = _wrapped_references(_raised_fragments(page.lines, body), body)
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
        wrapped = None
        if not hosts:
            wrapped = _wrapped_host(fragment, [line for line in lines if id(line) not in dropped
                                               and not _is_fragment(line, body)], body)
            if wrapped is None:
                continue
        host = wrapped or min(hosts, key=lambda line: line.y - fragment.y)
        current = replaced.get(id(host), host)
        # a reference the typesetter wrapped to the next line's start stands after its word
        shift = (current.right + 0.1 - fragment.left) if wrapped else 0.0
        raised = [Char(c.text, c.x + shift, current.y - 0.3 * c.size if wrapped else c.y, c.size, c.style, True, c.index)
                  for c in fragment.chars if c.text != " "]
        chars = sorted([*current.chars, *raised], key=lambda c: c.x)
        keeps = current.right >= fragment.right - 0.5   # the break stays the line's end
        mended = Line(chars, max(current.right, fragment.right), current.hyphen and keeps, sign=current.sign if keeps else "")
        mended.y, mended.size = current.y, current.size   # a raised number moves neither
        replaced[id(host)] = mended
        dropped.add(id(fragment))
    return [replaced.get(id(line), line) for line in lines if id(line) not in dropped]


def _wrapped_host(fragment: Line, lines: list[Line], body: float) -> Line | None:
    """A reference alone at the start of a line, under a body line that ends in a word or its
    punctuation (WeasyPrint wraps a raised number that no longer fits after a paragraph's last
    word): the line it belongs to, else None. A folio stands further away; a note's line is set
    smaller than the body."""
    above = [line for line in lines if 0.6 * body < fragment.y - line.y < 1.7 * body]
    if not above:
        return None
    host = max(above, key=lambda line: line.y)
    end = host.text.rstrip()[-1:]
    if (host.size < 0.9 * body or host.hyphen or not (end.isalpha() or end in ".,;:!?)“”")
            or fragment.left > host.left + 2.5 * body or any(c.raised for c in host.chars[-3:])):
        return None
    return host


def _wrapped_references(lines: list[Line], body: float) -> list[Line]:
    """A raised number at the start of a body line, set apart from its first word (WeasyPrint
    wraps a reference that no longer fits after a paragraph's last word to the next line, before
    the next paragraph's indent): the reference of the full line above, which ends in its word."""
    if len(lines) < 2 or not any(line.chars and line.chars[0].text.isdigit() for line in lines):
        return lines
    out = sorted(lines, key=lambda line: line.y)
    full = max(line.right for line in lines)
    for k in range(1, len(out)):
        line, host = out[k], out[k - 1]
        chars = line.chars
        n = 0
        while n < len(chars) and chars[n].text.isdigit() and (chars[n].raised or line.y - chars[n].y > 0.2 * chars[n].size):
            n += 1
        rest = [c for c in chars[n:] if c.text != " "]
        if not n or n > 3 or not rest or line.size < 0.9 * body or host.size < 0.9 * body:
            continue
        end = host.text.rstrip()[-1:]
        if (rest[0].x - line.left < 0.8 * body or not 0.6 * body < line.y - host.y < 1.7 * body or host.hyphen
                or host.right < full - 1.5 * body   # the line above is full: the number did not fit there
                or not (end.isalpha() or end in ".,;:!?)“”") or any(c.raised for c in host.chars[-3:])):
            continue
        shift = host.right + 0.1 - chars[0].x
        moved = [Char(c.text, c.x + shift, host.y - 0.3 * c.size, c.size, c.style, True, c.index) for c in chars[:n]]
        mended = Line([*host.chars, *moved], host.right + (chars[n - 1].x - chars[0].x) + 0.6 * chars[0].size, False)
        mended.y, mended.size = host.y, host.size
        out[k - 1] = mended
        out[k] = Line(chars[n:] if chars[n].text != " " else [c for c in chars[n:] if c.x >= rest[0].x], line.right,
                      line.hyphen, sign=line.sign)
    return out


MARKER = re.compile(r"[•◦▪‣·∙●○■□–—-]|\d{1,2}[.)]|[a-z]\)")


def _marker(line: Line) -> bool:
    """A line that is a list's marker alone (WeasyPrint draws markers apart from their items)."""
    return bool(MARKER.fullmatch(line.text.strip()))


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
        near = 0.2
        if rows and (_marker(rows[-1][-1]) or _marker(line)):
            near = 0.45   # a list's marker set by the line box of an item whose line holds a raised number
        if rows and abs(rows[-1][-1].y - line.y) < near * max(line.size, rows[-1][-1].size):
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
        line = Line(chars, row[-1].right, row[-1].hyphen, sign=row[-1].sign)
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
    mended = Line(out, line.right, line.hyphen, sign=line.sign)
    mended.y, mended.size = line.y, line.size
    return mended
