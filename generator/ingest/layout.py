"""The layout passes of PDF ingest: lines with their geometry → the book's structure.

Each pass is a plain function over typed data, runnable alone in a test:

    measure     body size, line pitch, each page's text frame
    furniture   running heads and feet off every page; folios → print page numbers
    regions     each page's body lines and footnote lines (below a rule, or smaller at the foot)
    blocks      body lines → headings, paragraphs, quotes, figures; note lines → notes
    flow        pages → one stream: paragraphs and notes continued across pages, page markers
    chapters    the stream cut at the top-level headings; contents and index pages left out

Inline text (words, emphasis, note references, page markers) is data (`Text`, `Ref`, `Mark`),
never characters hidden in a string. Every decision that changes the printed text is recorded
as a `Change` for the review report.
"""
from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from generator.ingest import parallel
from generator.ingest.joins import HYPHENS, Words, counted, join, words_of
from generator.ingest.lexicon import Lexicon
from generator.ingest.mending import mend
from generator.ingest.model import Block, Book, Change, Chapter, Event, Inline, Mark, Note, PrintedLine, PrintedPage, Ref, Text
from generator.ingest.pdf import SPACED, Char, Graphic, Line, Page
from generator.ingest.structure import TO_SUPERSCRIPT
from generator.render.zones import ASCENT, DESCENT
from generator.source import roman_value, to_roman

CONTENTS_TITLES = {"inhalt", "inhaltsverzeichnis", "inhaltsübersicht", "contents", "table of contents"}
ENDNOTE_TITLES = {"anmerkungen", "endnoten", "fußnoten", "fussnoten", "anmerkungen und belege", "belege", "notes",
                  "endnotes"}
INDEX_TITLES = {"register", "index", "personenregister", "sachregister", "namensregister", "ortsregister",
                "personen- und sachregister", "stichwortverzeichnis"}
SENTENCE_END = re.compile(r"[.!?:»«“”\"…)]$")


# ---- measure ----

@dataclass
class Metrics:
    body: float              # the body text size
    pitch: float             # baseline to baseline in the body
    frames: dict[int, tuple[float, float]]   # PDF page → (left, right) of the body text
    justified: bool
    raised_pitch: float = 0.0    # baseline to baseline above a line with a raised number, where the
                                 # typesetter makes room for it (WeasyPrint): 0 where it does not


def measure(pages: list[Page]) -> Metrics:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.chars)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    pitches: Counter[float] = Counter()
    raised_pitches: Counter[float] = Counter()
    lefts: dict[int, Counter[float]] = {0: Counter(), 1: Counter()}
    rights: dict[int, Counter[float]] = {0: Counter(), 1: Counter()}
    frames: dict[int, tuple[float, float]] = {}
    own: dict[int, tuple[float, float]] = {}
    for page in pages:
        body_lines = [line for line in page.lines if _near(line.size, body)]
        for a, b in itertools.pairwise(body_lines):
            if 0 < b.y - a.y < 3 * body:
                (raised_pitches if _raised_runs(b) and not _raised_runs(a) else pitches)[round(b.y - a.y, 1)] += 1
        page_lefts = Counter(round(line.left) for line in body_lines)
        page_rights = Counter(round(line.right) for line in body_lines)
        lefts[page.index % 2].update(page_lefts)
        rights[page.index % 2].update(page_rights)
        frequent_lefts = [x for x, n in page_lefts.items() if n >= 2]
        frequent_rights = [x for x, n in page_rights.items() if n >= 2]
        if frequent_lefts and frequent_rights:
            own[page.index] = (float(min(frequent_lefts)), float(max(frequent_rights)))
    # The text frame of verso and recto pages, from the whole book: one page of a list or a quote
    # (all its lines indented) would mislead a page's own count. A page whose text reaches further
    # out (a different layout) keeps its own.
    for page in pages:
        parity = page.index % 2
        left = float(lefts[parity].most_common(1)[0][0]) if lefts[parity] else 0.0
        right = float(rights[parity].most_common(1)[0][0]) if rights[parity] else page.width
        mine = own.get(page.index)
        frames[page.index] = mine if mine and (mine[0] < left - 3 or mine[1] > right + 3) else (left, right)
    pitch = pitches.most_common(1)[0][0] if pitches else body * 1.2
    raised_pitch = raised_pitches.most_common(1)[0][0] if raised_pitches else 0.0
    if not (1.1 * pitch < raised_pitch < 1.6 * pitch and raised_pitches[raised_pitch] >= 5):
        raised_pitch = 0.0
    full = sum(1 for page in pages for line in page.lines
               if _near(line.size, body) and abs(line.right - frames[page.index][1]) < 2.5)
    total = sum(1 for page in pages for line in page.lines if _near(line.size, body)) or 1
    return Metrics(body, pitch, frames, justified=full / total > 0.5, raised_pitch=raised_pitch)


def two_column_pages(pages: list[Page], metrics: Metrics) -> list[int]:
    """Pages set in two columns: most body lines end before the middle or begin after it."""
    found = []
    for page in pages:
        lines = [line for line in page.lines if _near(line.size, metrics.body)]
        middle = page.width / 2
        left = sum(line.right < middle for line in lines)
        right = sum(line.left > middle for line in lines)
        if len(lines) >= 10 and left >= 0.3 * len(lines) and right >= 0.3 * len(lines):
            found.append(page.index)
    return found


def _near(size: float, body: float) -> bool:
    return abs(size - body) < 0.06 * body


# ---- furniture: running heads and feet, folios ----

@dataclass
class Furniture:
    heads: dict[int, Line]           # PDF page → the running head taken off
    feet: dict[int, Line]
    folios: dict[int, str]           # PDF page → print page label ("?" unknown)
    inferred: set[int]               # pages whose number comes from their neighbours
    misread: dict[int, str] = field(default_factory=dict)   # of those, the folio read there that they contradict
    restarts: list[int] = field(default_factory=list)         # PDF pages where the print's numbering begins again


# A folio with the book's count of pages ("240 / 248", "Seite 3 von 10") at a line's end or start
# (spaced: "1990/1991" is a span of years)
OF_PAGES = re.compile(r"(?:^|(?<=\s))(\d{1,4}) (?:/|von|of) (\d{1,4})$|^(\d{1,4}) (?:/|von|of) (\d{1,4})(?=\s)")


def _folio_token(text: str) -> tuple[str, str] | None:
    """(folio, the rest) if the line begins or ends with a page number: arabic, or roman in
    lower case; a capital roman numeral only alone on its line ("XII", not the "I" of a title)."""
    words = text.split()
    if not words:
        return None
    counted = OF_PAGES.search(" ".join(words))   # "240 / 248", "Seite 3 von 10": the page, then the book's count
    if counted and int(counted.group(1) or counted.group(3)) <= int(counted.group(2) or counted.group(4)):
        line = counted.string
        return counted.group(1) or counted.group(3), (line[:counted.start()] + line[counted.end():]).strip()
    for word, rest in ((words[-1], words[:-1]), (words[0], words[1:])):
        token = word.strip("–-—·•")
        if re.fullmatch(r"\d{1,4}", token) or (roman_value(token) is not None and (token.islower() or not rest)):
            return token, " ".join(rest)
    return None


def _shape(text: str) -> str:
    """A head's text without its folio: what repeats from page to page."""
    found = _folio_token(text)
    rest = found[1] if found else text
    return re.sub(r"\d+", "#", rest).strip().lower()


def furniture(pages: list[Page], metrics: Metrics) -> Furniture:
    body, pitch = metrics.body, metrics.pitch
    tops: dict[int, Line] = {}
    bottoms: dict[int, Line] = {}
    for page in pages:
        # (a line set wholly outside the page, a table run off its foot, is not the page's foot)
        lines = sorted((line for line in page.lines if _on_page(line, page)), key=lambda line: line.y)
        if len(lines) >= 2:
            if lines[1].y - lines[0].y > 1.45 * pitch:
                tops[page.index] = lines[0]
            if lines[-1].y - lines[-2].y > 1.3 * pitch:
                bottoms[page.index] = lines[-1]
        elif lines:
            bottoms[page.index] = lines[0]
    # What repeats at the same place on several pages is furniture; a folio marks it by itself.
    shapes = Counter((_shape(line.text), round(line.y / 3)) for line in [*tops.values(), *bottoms.values()])

    def is_furniture(line: Line, top: bool) -> bool:
        if line.size > body * 1.05 or raised(line.chars[0], line):
            return False
        shape = _shape(line.text)
        needed = 2 if top else 3   # a last note line ("Ebd., S. 12.") may repeat twice
        repeated = bool(shape) and shapes[(shape, round(line.y / 3))] >= needed
        if _share(line, "bold") > 0.5:  # a bold head must repeat: a heading "3 Ergebnisse" on top of a page does not
            return repeated
        folio = _folio_token(line.text)
        # a head with its folio ("6 Kleine Staaten", each verso's title once in a few pages); at the
        # foot a folio alone ("12", "– 12 –"), or with words that repeat from page to page: not a
        # note's last line that happens to begin with its number ("1 Siehe https://…")
        return repeated or (folio is not None and (top or not folio[1].strip("–-—·• ")))

    heads = {i: line for i, line in tops.items() if is_furniture(line, top=True)}
    feet = {i: line for i, line in bottoms.items() if line is not heads.get(i) and is_furniture(line, top=False)}
    folios: dict[int, str] = {}
    for page in pages:
        for line in (heads.get(page.index), feet.get(page.index)):
            if line is not None and (found := _folio_token(line.text)):
                folios[page.index] = found[0]
    for page in pages:
        drop = {id(heads.get(page.index)), id(feet.get(page.index))}
        page.lines = [line for line in page.lines if id(line) not in drop]
    misread = _misread_folios(pages, folios)
    starts = _restarts(pages, folios)
    inferred: set[int] = set()
    for part in _parts(pages, starts):
        inferred |= _infer_folios(part, folios)
    _name_sequences(pages, folios, starts)
    return Furniture(heads, feet, folios, inferred | set(misread), misread, starts)


def _restarts(pages: list[Page], folios: dict[int, str]) -> list[int]:
    """The pages where the print's numbering begins again (a title and a foreword numbered 1, 2, then
    the body from 1): a folio no higher than the one before it, written the same way, that the next
    folio follows. Its first page is the earliest page without a folio the new numbering reaches."""
    known = [(p.index, _value(folios[p.index])) for p in pages if p.index in folios]
    starts = []
    for k in range(1, len(known)):
        (i0, (v0, s0)), (i, (v, s)) = known[k - 1], known[k]
        follows = k + 1 == len(known) or (known[k + 1][1][1] == s and known[k + 1][1][0] - v == known[k + 1][0] - i)
        if s0 == s and v <= v0 and follows:
            starts.append(max(i0 + 1, i - v + 1))
    return starts


def _parts(pages: list[Page], starts: list[int]) -> list[list[Page]]:
    """The pages cut where the numbering begins again."""
    parts: list[list[Page]] = [[]]
    for page in pages:
        if page.index in starts and parts[-1]:
            parts.append([])
        parts[-1].append(page)
    return parts


def _name_sequences(pages: list[Page], folios: dict[int, str], starts: list[int]) -> None:
    """The numberings before the last are named in their labels ("1 Titelei", as the source marker
    `{{page 1 Titelei}}` writes it): the body keeps its plain numbers, what comes before it (a front
    matter numbered apart) is told apart from it in every id, the page views and the facsimile."""
    for index, part in enumerate(_parts(pages, starts)[:-1]):
        name = "Titelei" if index == 0 else f"Folge{index + 1}"
        for page in part:
            if page.index in folios:
                folios[page.index] = f"{folios[page.index]} {name}"


def _on_page(line: Line, page: Page) -> bool:
    """Some of the line stands on the page (a PDF may set text beyond its edges)."""
    return (line.y - ASCENT * line.size < (page.height or math.inf) and line.y + DESCENT * line.size > 0
            and line.left < (page.width or math.inf) and line.right > 0)


def _misread_folios(pages: list[Page], folios: dict[int, str]) -> dict[int, str]:
    """A folio that the pages before and after it contradict (a worn scan's speck read as a digit:
    "933" between 32 and 34) is no page number: taken out, for `_infer_folios` to number the page
    from its neighbours (said as inferred). Only where both neighbours agree with each other."""
    known = [(p.index, _value(folios[p.index])) for p in pages if p.index in folios]
    wrong = {}
    for k in range(1, len(known) - 1):
        (i0, (v0, s0)), (i, (v, s)), (i1, (v1, s1)) = known[k - 1], known[k], known[k + 1]
        if s0 == s == s1 and v1 - v0 == i1 - i0 and v != v0 + (i - i0):
            wrong[i] = folios[i]
    for index in wrong:
        del folios[index]
    return wrong


def _infer_folios(pages: list[Page], folios: dict[int, str]) -> set[int]:
    """Pages without a folio (blank pages, openings without one) numbered from their neighbours,
    where the pages before and after agree on the numbering."""
    inferred: set[int] = set()
    known = [(p.index, _value(folios[p.index])) for p in pages if p.index in folios]
    for page in pages:
        if page.index in folios:
            continue
        before = next(((i, v) for i, v in reversed(known) if i < page.index), None)
        after = next(((i, v) for i, v in known if i > page.index), None)
        guess = None
        if before and after and before[1][1] == after[1][1] and after[1][0] - before[1][0] == after[0] - before[0]:
            guess = (before[1][0] + page.index - before[0], before[1][1])
        elif before and not after:
            guess = (before[1][0] + page.index - before[0], before[1][1])
        elif after and not before and after[1][0] - (after[0] - page.index) >= 1:
            guess = (after[1][0] - (after[0] - page.index), after[1][1])
        if guess:
            folios[page.index] = _label(*guess)
            inferred.add(page.index)
    return inferred


def _value(label: str) -> tuple[int, str]:
    """A folio's value and how it is written: "12" (arabic), "xii" (roman), "XII" (roman-upper)."""
    if label.isdigit():
        return int(label), "arabic"
    return roman_value(label) or 0, "roman-upper" if label.isupper() else "roman"


def _label(value: int, kind: str) -> str:
    if kind == "arabic":
        return str(value)
    return to_roman(value).upper() if kind == "roman-upper" else to_roman(value)


def _share(line: Line, style: str) -> float:
    """How much of a line's letters are set bold (or italic)."""
    letters = [c for c in line.chars if c.text.isalpha()]
    return sum(getattr(c.style, style) for c in letters) / len(letters) if letters else 0.0


# ---- regions: body and footnotes ----

@dataclass
class Regions:
    body: list[Line]
    notes: list[Line]


def regions(page: Page, metrics: Metrics) -> Regions:
    lines = sorted(page.lines, key=lambda line: line.y)
    left, right = metrics.frames[page.index]
    width = right - left
    body_lines = [line for line in lines if line.size >= metrics.body * 0.95]
    lowest_body = max((line.y for line in body_lines), default=0.0)
    rules = [g for g in page.graphics if g.kind == "path" and g.bottom - g.top < 1.5
             and 0.1 * width < g.right - g.left < 0.7 * width and g.top > lowest_body and abs(g.left - left) < 0.05 * width + 3]
    if rules:
        rule = min(rules, key=lambda g: g.top)
        notes = [line for line in lines if line.y > rule.bottom and line.size < metrics.body * 0.95]
    else:
        notes = []
        for line in reversed(lines):
            small = line.size < metrics.body * 0.93
            flush = line.left < left + 2.5 * line.size and (line.right > right - 2 or line.left < left + 0.5 or
                                                            _note_start(line) is not None)
            if not (small and flush) or line.y < lowest_body:
                break
            notes.insert(0, line)
        if notes and all(_monospace(line) and _note_start(line) is None for line in notes):
            notes = []   # code set small at the page's foot (DocBook's), no note's number: the body's
    chosen = {id(line) for line in notes}
    return Regions([line for line in lines if id(line) not in chosen], notes)


def raised(char: Char, line: Line) -> bool:
    return char.text.isdigit() and (char.raised or line.y - char.y > 0.2 * char.size)


DIGIT_AFTER = re.compile(r"\D\d")


def unraised(line: Line) -> str:
    """A line's text without its raised numbers (references): the words as the book prints them,
    "full-upgrade" and not "full-upgrade.1"."""
    if not DIGIT_AFTER.search(line.text):
        return line.text
    return "".join([c.text for c in line.chars if not raised(c, line)])


def _raised_runs(line: Line) -> list[list[Char]]:
    """The runs of raised digits inside a line (not at its start: a note's own number)."""
    runs: list[list[Char]] = []
    if not any(map(str.isdigit, line.text)):   # most lines have no digit: looked for in C
        return runs
    for k, c in enumerate(line.chars):
        if k and raised(c, line):
            if runs and runs[-1][-1] is line.chars[k - 1]:
                runs[-1].append(c)
            else:
                runs.append([c])
    return runs


def _note_start(line: Line) -> str | None:
    """The note number a footnote line may begin with: raised digits, or digits and a space."""
    found = note_number(line)
    return found[0] if found else None


NOTE_SIGNS = "*∗†‡§"   # notes marked with a sign, not a number (a title page's "∗")


def note_number(line: Line) -> tuple[str, str] | None:
    """(number, form) if the line begins with a number as notes are numbered: raised digits
    ("raised"), or digits and a space ("space"), a full stop ("dot") or a parenthesis ("paren");
    or with a sign notes are marked with ("∗ Überarbeitete Fassung …": "sign")."""
    if (line.text[:1] in NOTE_SIGNS and line.text[1:2].strip(" ").isalpha()) or line.text[:2] in {s + " " for s in NOTE_SIGNS}:
        return line.text[0], "sign"
    digits = ""
    for c in line.chars:
        if c.text.isdigit() and raised(c, line):
            digits += c.text
        else:
            break
    if digits:
        return digits, "raised"
    m = re.match(r"^(\d{1,3})([.)]?)\s+\S", line.text)
    if not m:
        return None
    return m.group(1), {"": "space", ".": "dot", ")": "paren"}[m.group(2)]


@dataclass
class Numbering:
    """How the book numbers its notes, and the number reached: a footnote line that begins with
    a number opens a new note only where the numbering says so ("1. Online: …" inside note 3
    goes on with note 3). `form` is how the book writes a note's number (raised, "3 ", "3."),
    `indent` where a note's first line begins against its other lines (points from the frame's
    left; None where they begin alike), both learned from the book (`Numbering.of`)."""
    form: str = ""
    indent: tuple[float, float] | None = None     # (first lines, other lines)
    last: int | None = None

    @classmethod
    def of(cls, pages: list[tuple[list[Line], float]]) -> Numbering:
        """Learned from every page's footnote lines (with the frame's left) read in order by the
        plain rule: the next number, or 1 on a page's first line."""
        forms: Counter[str] = Counter()
        starts: Counter[float] = Counter()
        others: Counter[float] = Counter()
        last: int | None = None
        for lines, left in pages:
            for k, line in enumerate(lines):
                found = note_number(line)
                if found and found[1] == "sign":
                    continue
                if found and (last is None or (int(found[0]) in (last + 1, 1) and (k == 0 or int(found[0]) == last + 1))):
                    last = int(found[0])
                    forms[found[1]] += 1
                    starts[round(line.left - left)] += 1
                elif not found:
                    others[round(line.left - left)] += 1
        form = forms.most_common(1)[0][0] if forms else ""
        if forms.get("raised", 0) and forms["raised"] >= 0.3 * sum(forms.values()):
            form = "raised"   # raised numbers are the print's own (a plain one may be a continuation)
        indent = None
        if starts and others:
            first, other = starts.most_common(1)[0][0], others.most_common(1)[0][0]
            if abs(first - other) >= 2 and starts[first] >= 0.6 * sum(starts.values()):
                indent = (first, other)
        return cls(form, indent)

    def opens(self, line: Line, left: float, first_on_page: bool, restart: bool, called: set[str]) -> str | None:
        """The number of the note `line` opens, or None if it goes on with the note before.
        `first_on_page`: the page's first footnote line; `restart`: a chapter may begin on the
        page (its numbering may start again at 1); `called`: the raised numbers of the page's text."""
        found = note_number(line)
        if found is None:
            return None
        label, form = found
        if form == "sign":
            return label
        number = int(label)
        if form != "raised":
            if self.form and form != self.form:
                return None
            if self.indent and abs(line.left - left - self.indent[1]) < 1.5 and abs(line.left - left - self.indent[0]) >= 2:
                return None   # set as the note's other lines are, not as its first
        if self.last is None or number == self.last + 1 or form == "raised" or label in called:
            return label
        if number == 1 and (first_on_page or restart):
            return label   # numbered per page, or a new chapter's first note
        if first_on_page and self.last < number <= self.last + 3:
            return label   # notes skipped (lost, or set on a page not read)
        return None


# ---- blocks ----

@dataclass
class RawBlock:
    kind: str                    # "heading", "para", "quote", "item", "figure", "code", "table", "note"
    lines: list[Line]
    page: int
    indented: bool = False       # its first line is indented (a new paragraph)
    label: str = ""              # note number
    style: tuple[float, bool, bool] = (0.0, False, False)   # heading: size, bold, italic
    hang: float = 0.0            # an item: where its text begins (its other lines hang there)
    head: bool = False           # a table: its first row is set apart as its header (bold, or a rule under it)


MARKER = re.compile(r"^(?:[•◦▪‣·∙●○■□]|[–—-]|\(?\d{1,2}[.)]|[a-z]\))(?= )")
SYMBOLS = "•◦▪‣·∙●○■□"
MONOSPACE = re.compile(r"mono|courier|typewriter|consol|menlo|inconsolata|code|(?:^|[^a-z])(?:lm|cm|ec|t1x)tt", re.I)


def _marker(line: Line) -> float | None:
    """Where the text of a list item begins, if the line begins with a list marker ("•", "–",
    "2.", "a)") and a space: the x its other lines hang at."""
    m = MARKER.match(line.text)
    if not m:
        return None
    k = m.end()
    while k < len(line.chars) and line.chars[k].text == " ":
        k += 1
    return line.chars[k].x if k < len(line.chars) else None


def _monospace(line: Line) -> bool:
    """A line of code: (almost) all its characters in a monospaced font."""
    fonts = Counter(c.style.font for c in line.chars if c.text != " ")   # a line has a font or two: one search each
    return bool(fonts) and sum(n for font, n in fonts.items() if MONOSPACE.search(font)) >= 0.9 * fonts.total()


def _cells(line: Line) -> list[float]:
    """Where each cell of a table row begins: the line's start, and every word after a gap wider
    than the type size (a word space is a third of it, a justified one rarely twice that)."""
    starts = [line.left]
    previous: Char | None = None
    for c in line.chars:
        if c.text == " ":
            continue
        if previous is not None and c.x - previous.x - 0.6 * previous.size > 1.2 * line.size:
            starts.append(c.x)
        previous = c
    return starts


def _inked(line: Line) -> list[tuple[float, float]]:
    """Where a line's letters stand: (left, right) of each, its right edge where the next
    character begins (PDFium gives no widths), the last's half its size on."""
    out = []
    for c, after in itertools.zip_longest(line.chars, line.chars[1:]):
        if c.text.strip():
            right = after.x if after is not None and c.x < after.x < c.x + c.size else c.x + 0.55 * c.size
            out.append((c.x, right))
    return out


def _columns(lines: list[Line]) -> list[list[float]]:
    """A table's columns, [left, right] each: where its rows' letters stand, parted by white
    stripes through all the rows at least 0.8 of the type size wide."""
    size = sorted(line.size for line in lines)[len(lines) // 2]
    spans: list[list[float]] = []
    for left, right in sorted(span for line in lines for span in _inked(line)):
        if spans and left < spans[-1][1] + 0.8 * size:
            spans[-1][1] = max(spans[-1][1], right)
        else:
            spans.append([left, right])
    return spans


def table_cells(lines: list[Line]) -> list[list[str]]:
    """The cells of a table's rows, one per column. The columns are parted where no row has a
    letter: a white stripe through all the rows at least 0.8 of the type size wide (a word space
    is a third of it, and the next row's letters cover it). A cell set over two columns joins
    them; a row's missing cell is empty (a cell's second line is a row of its own, as printed)."""
    spans = _columns(lines)
    out = []
    for line in lines:
        runs: list[list[str]] = [[] for _ in spans]
        for c in line.chars:
            column = next((k for k, (_, right) in enumerate(spans) if c.x < right), len(spans) - 1)
            runs[column].append(c.text.translate(TO_SUPERSCRIPT) if c.text.isdigit() and raised(c, line) else c.text)
        out.append([" ".join("".join(run).split()) for run in runs])
    return out


def _set_apart(rows: list[Line], graphics: list[Graphic]) -> bool:
    """Is a table's first row its header: set in bold over rows that are not, or ruled off from
    them (a rule under 3 pt thick between its baseline and the next row's letters, half the table
    wide or more)? Not where the rows under it are ruled as it is (a grid: Typst's and Writer's
    tables rule every row), unless its rule is the heavier."""
    first, second = rows[0], rows[1]
    if _share(first, "bold") > 0.5 > _share(second, "bold"):
        return True
    left, right = min(line.left for line in rows), max(line.right for line in rows)

    def rules(above: Line, below: Line) -> list[float]:   # the rules' weights between two rows
        return [g.bottom - g.top for g in graphics if g.kind == "path" and g.bottom - g.top < 3 and above.y - 0.5 < g.top
                and g.bottom < below.y - 0.6 * below.size and g.right - g.left >= 0.5 * (right - left)]

    under = rules(first, second)
    if not under:
        return False
    below = [w for above, line in itertools.pairwise(rows[1:]) for w in rules(above, line)]
    return not below or max(under) > max(below) + 0.2


def _table_rows(lines: list[Line], pitch: float, frame: tuple[float, float]) -> set[int]:
    """The lines (by index) that are rows of a table: two or more lines in a row, each of two
    or more cells, their cells starting at the same places (columns)."""
    rows: set[int] = set()
    k = 0
    while k < len(lines):
        columns = _cells(lines[k])
        if len(columns) < 2 or _monospace(lines[k]):
            k += 1
            continue
        end = k + 1
        while end < len(lines) and lines[end].y - lines[end - 1].y < 2.5 * pitch:
            cells = _cells(lines[end])
            shared = sum(any(abs(x - c) < 3 for c in columns) for x in cells)
            if len(cells) < 2 or shared < 2:
                break
            columns += [x for x in cells if not any(abs(x - c) < 3 for c in columns)]
            end += 1
        if end - k >= 2:
            start = k
            while start > 0 and lines[start].y - lines[start - 1].y < 2.5 * pitch and \
                    _in_columns(lines[start - 1], lines[start:end]):
                start -= 1   # a row whose cells the gaps between words do not part (a header over narrow columns)
            while end < len(lines) and lines[end].y - lines[end - 1].y < 2.5 * pitch and \
                    _in_columns(lines[end], lines[start:end]):
                end += 1
            rows.update(range(start, end))
        k = max(end, k + 1)
    return rows | _narrow_rows(lines, pitch, rows, frame)


def _narrow_rows(lines: list[Line], pitch: float, taken: set[int], frame: tuple[float, float]) -> set[int]:
    """Rows of tables whose gutters are too narrow for `_cells` (Typst's 10 pt, centred columns):
    two or more lines in a row, in one size, whose letters white stripes part into three or more
    columns that each line uses two of; three, so that a list (its markers, its text) is none. No
    line runs from the frame's left to its right: justified lines' wide spaces may stand one
    above the other by chance."""
    def free(line: Line) -> bool:   # a line a narrow table's row may be
        return not _monospace(line) and not (line.left < frame[0] + 0.5 * line.size and line.right > frame[1] - 0.5 * line.size)

    def stands(run: list[Line]) -> bool:
        return len(_columns(run)) >= 3 and all(_in_columns(line, run) for line in run)
    eligible = [k not in taken and free(line) for k, line in enumerate(lines)]   # each line looked at once
    rows: set[int] = set()
    k = 0
    while k < len(lines):
        stop = k + 1   # the run lines[k:stop], grown a line at a time while it stands in columns
        while stop < len(lines) and eligible[k] and eligible[stop] and lines[stop].y - lines[stop - 1].y < 2.5 * pitch \
                and abs(lines[stop].size - lines[k].size) < 0.5 and stands(lines[k:stop + 1]):
            stop += 1
        if stop - k >= 2:
            rows.update(range(k, stop))
            k = stop
        else:
            k += 1
    return rows


def _in_columns(line: Line, rows: list[Line]) -> bool:
    """Does a line stand in the columns of a table's rows: taken with them, are the columns as
    many, and do its letters stand in two or more of them?"""
    spans = _columns([*rows, line])
    if len(spans) != len(_columns(rows)):
        return False
    used = {next(k for k, (_, end) in enumerate(spans) if left <= end) for left, _ in _inked(line)}
    return len(used) >= 2


def blocks(page: Page, region: Regions, metrics: Metrics, numbering: Numbering | None = None) -> list[RawBlock]:
    """A page's blocks: its body's, then its notes' (`numbering` counts on from the pages before)."""
    return note_blocks_of(page, region, metrics, body_blocks(page, region, metrics), numbering)


def body_blocks(page: Page, region: Regions, metrics: Metrics) -> list[RawBlock]:
    """A page's body lines → its blocks, given the book's measures alone: the page's own work."""
    left, right = metrics.frames[page.index]
    pitch = metrics.pitch
    out: list[RawBlock] = []
    figures = [g for g in page.graphics if g.bottom - g.top > 1.5 * pitch and g.right - g.left > 0.15 * (right - left)]
    body = region.body
    rows = _table_rows(body, pitch, (left, right))
    hangs = [_marker(line) for line in body]
    inset = _insets(body, left, right, pitch)
    previous: Line | None = None
    for k, line in enumerate(body):
        kind = "row" if k in rows else "code" if _monospace(line) else _line_kind(line, metrics, left, right)
        if kind == "heading" and len(_cells(line)) >= 3:
            kind = "row"   # words set in columns: a table's row alone (its header, the rows on the next page), no heading
        if kind == "para" and k in inset:
            kind = "inset"
        if kind in ("para", "item") and hangs[k] is not None and _is_item(body, hangs, k, out, left, right):
            kind = "item"
        elif kind == "item":
            kind = "para"
        beside_figure = any(-0.5 * pitch < line.y - g.bottom < 2.5 * pitch or -2.5 * pitch < g.top - line.y < 0.5 * pitch
                            for g in figures)
        if kind == "small" and beside_figure:
            kind = "caption"
        elif kind == "small":
            kind = "quote"
        gap = line.y - previous.y if previous is not None else 0.0
        current = out[-1] if out else None
        indented = left + 0.4 * line.size < line.left < left + 5 * line.size
        if current is not None and previous is not None and _continues(current, kind, line, previous, gap, metrics,
                                                                       left, right, indented):
            current.lines.append(line)
        else:
            block_kind = {"caption": "figure", "small": "quote", "row": "table", "inset": "quote"}.get(kind, kind)
            style = (round(line.size, 1), _share(line, "bold") > 0.5, _share(line, "italic") > 0.5)
            out.append(RawBlock(block_kind, [line], page.index, indented, style=style,
                                hang=hangs[k] or 0.0 if kind == "item" else 0.0))
        previous = line
    for raw in out:
        if raw.kind == "table" and len(raw.lines) > 1:
            raw.head = _set_apart(raw.lines, page.graphics)
    return out


def note_blocks_of(page: Page, region: Regions, metrics: Metrics, body: list[RawBlock],
                   numbering: Numbering | None) -> list[RawBlock]:
    """The page's body blocks and after them its notes' (numbered on from the pages before)."""
    restart = any(b.kind == "heading" for b in body)
    called = {"".join(c.text for c in run) for line in region.body for run in _raised_runs(line)}
    return body + note_blocks(page, region.notes, numbering or Numbering(), metrics.frames[page.index][0], restart, called)


Placed = list[tuple[str, list[int], bool, tuple[float, bool, bool], float, bool]]   # a page's body blocks, by line position


def _placed(page: Page, region: Regions, metrics: Metrics) -> Placed:
    """`body_blocks` as plain values (what a worker process sends): each block's lines by their
    place in the region's body."""
    where = {id(line): k for k, line in enumerate(region.body)}
    return [(b.kind, [where[id(line)] for line in b.lines], b.indented, b.style, b.hang, b.head)
            for b in body_blocks(page, region, metrics)]


def _unplaced(placed: Placed, page: Page, region: Regions) -> list[RawBlock]:
    return [RawBlock(kind, [region.body[k] for k in lines], page.index, indented, style=style, hang=hang, head=head)
            for kind, lines, indented, style, hang, head in placed]


def _insets(body: list[Line], left: float, right: float, pitch: float) -> set[int]:
    """The lines (by index) of quotes set in the body's type: two or more lines in a row, in one
    size, that begin at one place set in from the text's left edge and end short of its right edge (the
    paragraph's first line may be set in further, its last end shorter)."""
    found: set[int] = set()
    k = 0
    while k < len(body):
        line = body[k]
        if not (line.left > left + 1.5 * line.size and line.right < right - 1.5 * line.size):
            k += 1
            continue
        end = k + 1
        while end < len(body) and body[end].y - body[end - 1].y < 1.6 * pitch and \
                abs(body[end].left - body[end - 1].left) < 1.5 * line.size and body[end].left > left + 1.5 * line.size \
                and body[end].right < right - 1.5 * line.size and abs(body[end].size - body[end - 1].size) < 0.5:
            end += 1   # one type: an item's short last line is no quote with the smaller quote below it
        if end - k >= 2:
            found.update(range(k, end))
        k = end
    return found


def _is_item(body: list[Line], hangs: list[float | None], k: int, out: list[RawBlock], left: float,
             right: float) -> bool:
    """Does line `k` (which begins with a list marker) open a list item? A bullet set in from the
    text's left edge does; a number or a dash ("2. Juni 1990 …", "– so …" may open or go on
    with a paragraph) where the item's evidence says so: its next line hangs under its text, the
    item before hangs there too, or the next line is an item of the same kind."""
    line, hang = body[k], hangs[k]
    assert hang is not None
    if line.text[0] in SYMBOLS and line.left > left + 0.3 * line.size:
        return True
    after = body[k + 1] if k + 1 < len(body) else None
    if after is not None and hangs[k + 1] is None and abs(after.left - hang) < 1.5 and after.left > line.left + 0.5 * line.size:
        return True
    if out and out[-1].kind == "item" and abs(out[-1].hang - hang) < 1.5:
        return True
    if (out and out[-1].kind == "item" and k and out[-1].lines[-1] is body[k - 1] and abs(line.left - out[-1].hang) < 1.5
            and body[k - 1].right < right - 3 * line.size):
        return True   # set under the text of an item whose last line ends short: an item nested in it
    following = hangs[k + 1] if after is not None else None
    if after is not None and following is not None and abs(following - hang) < 1.5:
        symbol = line.text[0] in SYMBOLS + "–—-"
        if (after.text[0] == line.text[0]) if symbol else (after.text[0].isdigit() == line.text[0].isdigit()):
            return True
    return line.text[0] in SYMBOLS


def _line_kind(line: Line, metrics: Metrics, left: float, right: float) -> str:
    body = metrics.body
    words = len(line.text.split())
    if line.size > body * 1.08 and words <= 25:
        return "heading"
    if _share(line, "bold") > 0.8 and words <= 16 and line.right < right - 2 * body:
        return "heading"
    if line.size < body * 0.95:
        return "small"
    if MARKER.match(line.text):
        return "item"     # if the evidence says so (_is_item)
    return "para"


def _continues(block: RawBlock, kind: str, line: Line, previous: Line, gap: float, metrics: Metrics,
               left: float, right: float, indented: bool) -> bool:
    """Does `line` go on the block that `previous` ended?"""
    pitch = metrics.pitch
    if block.kind in ("code", "table"):
        return kind == {"code": "code", "table": "row"}[block.kind] and gap < 2.5 * pitch
    if metrics.raised_pitch and abs(gap - metrics.raised_pitch) < 0.05 * pitch and _raised_runs(line):
        gap = pitch   # the room the typesetter made for a raised number is no paragraph's space
    if block.kind == "item":  # an item's lines hang under its text, right of the marker
        hanging = abs(line.left - block.hang) < 1.5 if block.hang else line.left > left + 0.5 * line.size
        return kind in ("para", "quote") and hanging and gap < 1.3 * pitch * max(1.0, line.size / metrics.body)
    if block.kind == "quote" and kind == "inset":   # a quote set in the body's type, inset on both sides
        short = previous.right < max(x.right for x in block.lines) - 1.5 * line.size
        return gap < 1.3 * pitch and not short
    expected = {"heading": "heading", "para": "para", "quote": "quote", "figure": "caption"}.get(block.kind)
    if kind != expected:
        return False
    if kind == "heading":
        same = (round(line.size, 1), _share(line, "bold") > 0.5, _share(line, "italic") > 0.5) == block.style
        return same and gap < 1.7 * line.size
    if kind == "caption":
        return gap < 1.6 * line.size
    small_pitch = pitch * line.size / metrics.body
    if gap > 1.3 * small_pitch:
        return False
    if kind == "quote":
        return not (previous.right < right - 3 * line.size and metrics.justified and line.left > previous.left + 0.3 * line.size)
    if indented and line.left > previous.left + 0.4 * line.size:   # a first-line indent: a new paragraph
        return False
    return not (metrics.justified and previous.right < right - 1.5 * line.size)


def note_blocks(page: Page, lines: list[Line], numbering: Numbering, left: float, restart: bool,
                called: set[str]) -> list[RawBlock]:
    """Footnote lines → one block per note; lines before the first number go on the page before's
    last note."""
    out: list[RawBlock] = []
    for k, line in enumerate(lines):
        label = numbering.opens(line, left, k == 0, restart, called)
        if label is not None:
            out.append(RawBlock("note", [line], page.index, label=label))
            numbering.last = int(label) if label.isdigit() else numbering.last
        elif out:
            out[-1].lines.append(line)
        else:
            out.append(RawBlock("note", [line], page.index, label=""))   # continued from the page before
    return out


# ---- inline text ----

Vocabulary = Words   # what the book prints (joins.py), the evidence for joins and letter-spacing


def inlines_of(lines: list[Line], vocabulary: Vocabulary, labels: set[str], base_style: str,
               changes: list[Change], where: tuple[int, int, str], skip_label: bool = False,
               numbers: list[int] | None = None) -> list[Inline]:
    """A block's lines → inline runs: lines joined (line-end hyphens decided), emphasis from the
    fonts, raised numbers that match a note on the page → references. `numbers`: each line's
    number on its page (else they count on from `where`'s)."""
    runs: list[Inline] = []
    page, first_line, print_page = where
    numbers = numbers or [first_line + n for n in range(len(lines))]
    for n, line in enumerate(lines):
        chars = list(line.chars)
        if skip_label and n == 0:  # the note's own number ("8", "8.", "8)") or sign ("∗") is its label
            if chars and chars[0].text in NOTE_SIGNS:
                chars.pop(0)
            while chars and chars[0].text.isdigit():
                chars.pop(0)
            if chars and chars[0].text in ".)":
                chars.pop(0)
            while chars and chars[0].text == " ":
                chars.pop(0)
        pieces = _pieces(chars, line, labels, base_style, page)
        if n > 0:
            _join(runs, pieces, lines[n - 1], vocabulary, changes, (page, numbers[n - 1], print_page))
        runs.extend(pieces)
    out: list[Inline] = []
    for run in _merge(runs):
        if isinstance(run, Text) and run.style == "spaced":
            respaced = _respaced(run, vocabulary)
            if respaced.text != run.text:
                first = run.text.split()[0] if run.text.split() else ""
                at = next((k for k, line in enumerate(lines) if first and first in line.text), 0)   # the run's line
                changes.append(Change(page, numbers[at], print_page, run.text.strip(), respaced.text.strip(),
                                      "letter-spaced words divided", evidence="the book's own words (the geometry "
                                      "cannot tell: the word space is as wide as the tracking)"))
            out.append(respaced)
        else:
            out.append(run)
    return out


def _respaced(run: Text, vocabulary: Vocabulary) -> Text:
    """Word boundaries inside letter-spaced text where the line's word space is as wide as its
    tracking (the geometry cannot tell): the book's own words decide. "Aufihnen", printed
    nowhere else, is "Auf ihnen"; "Gewässer verschmutzung" is the "Gewässerverschmutzung" the
    book prints elsewhere (a word is counted once by its own letter-spaced line)."""
    seen = vocabulary.words
    tokens: list[str] = []
    for token in run.text.split(" "):
        if tokens and token[:1].islower() and seen[(tokens[-1] + token).lower()] >= 2 and seen[token.lower()] <= 1:
            tokens[-1] += token
        else:
            tokens.append(token)
    out: list[str] = []
    for token in tokens:
        word = token.strip(".,;:!?«»„“”\"'()[]")
        # a word the dictionary has is one word, however its parts are printed elsewhere
        # ("Schnittstellenänderungen", not "Schnittstellen änderungen")
        split = next((k for k in range(2, len(word) - 1) if seen[word[:k].lower()] >= 2 and seen[word[k:].lower()] >= 2),
                     None) if len(word) > 4 and seen[word.lower()] <= 1 and not _in_dictionary(word) else None
        out += [token[:split], token[split:]] if split and token.startswith(word) else [token]
    text = " ".join(out)
    return run if text == run.text else Text(text, run.style)


def _in_dictionary(word: str) -> bool:
    return Lexicon.in_dictionary(word) or Lexicon.in_dictionary(word[:1].upper() + word[1:])


def _pieces(chars: list[Char], line: Line, labels: set[str], base_style: str, page: int = 0) -> list[Inline]:
    """A line's characters → runs of one style; raised numbers of notes on the page → references."""
    out: list[Inline] = []
    text: list[str] = []
    style = ""
    i = 0
    while i < len(chars):
        c = chars[i]
        if (c.text.isdigit() and raised(c, line)) or (c.text in NOTE_SIGNS and i > 0 and chars[i - 1].text != " "):
            j = i + 1
            while c.text.isdigit() and j < len(chars) and chars[j].text.isdigit() and raised(chars[j], line):
                j += 1
            label = "".join(ch.text for ch in chars[i:j])
            if label in labels and i > 0:
                if text:
                    out.append(Text("".join(text), style))
                    text = []
                out.append(Ref(label, page))
                i = j
                continue
        current = _char_style(c, base_style) if c.text != " " else style
        if current != style and text:
            out.append(Text("".join(text), style))
            text = []
        style = current
        text.append(c.text)
        i += 1
    if text:
        out.append(Text("".join(text), style))
    return out


def _char_style(c: Char, base: str) -> str:
    if c.style.font == SPACED:
        return "spaced"
    style = "strong" if c.style.bold else "em" if c.style.italic else ""
    return "" if style == base else style


def _join(runs: list[Inline], pieces: list[Inline], previous: Line, vocabulary: Vocabulary,
          changes: list[Change], where: tuple[int, int, str]) -> None:
    """Join the next line's pieces onto `runs` as joins.py decides (a space, nothing, a hyphen
    kept or taken out); every repair reported with its rule and evidence."""
    tail = _last_word(runs)
    head = _first_word(pieces)
    code = bool(previous.chars) and bool(MONOSPACE.search(previous.chars[-1].style.font))
    # the break's own sign where the print has one (WeasyPrint's U+2010, Typst's zero-width space), as
    # joins.py reads a line's end
    signed = tail + previous.sign if previous.sign and not tail.endswith(HYPHENS) else tail
    before = _word_before(runs) if tail == "-" else ""
    decided = join(signed, head, previous.hyphen, vocabulary, code, before)
    if decided.drop and tail.endswith(HYPHENS):
        _drop_last_char(runs)
        if tail == "-" and not decided.between and runs and isinstance(runs[-1], Text) and runs[-1].text.endswith(" "):
            _drop_last_char(runs)     # a break hyphen set apart: the word goes on ("be -|rücksichtigt")
    if decided.between:
        runs.append(Text(decided.between))
    if decided.rule:
        page, line, print_page = where
        stem = tail[:-1] if tail.endswith(HYPHENS) else tail
        printed, read = f"{stem}{'-' if decided.drop else ''}|{head}", f"{stem}{decided.between}{head}"
        if before and decided.drop and not decided.between:     # the hyphen and the space before it went
            printed, read = f"{before} -|{head}", f"{before}{head}"
        changes.append(Change(page, line, print_page, printed, read, decided.rule, evidence=decided.evidence))


def _last_word(runs: list[Inline]) -> str:
    return _text_at_end(runs, lambda run, text: " " in run).rsplit(" ", 1)[-1]


def _word_before(runs: list[Inline]) -> str:
    """The word before the last one ("be" of "… be -")."""
    words = _text_at_end(runs, lambda run, text: " " in text.strip()).split()
    return words[-2] if len(words) >= 2 else ""


def _text_at_end(runs: list[Inline], enough: Callable[[str, str], bool]) -> str:
    """The text the runs end with, run by run from the last, until `enough(run, text so far)`
    (or a run that is no text: a mark or a reference ends it)."""
    text = ""
    for run in reversed(runs):
        if not isinstance(run, Text):
            break
        text = run.text + text
        if enough(run.text, text):
            break
    return text


def _first_word(pieces: list[Inline]) -> str:
    text = ""
    for run in pieces:
        if not isinstance(run, Text):
            break
        text += run.text
        if " " in run.text:
            break
    return text.split(" ", 1)[0]


def _drop_last_char(runs: list[Inline]) -> None:
    last = runs[-1]
    assert isinstance(last, Text)
    if len(last.text) > 1:
        runs[-1] = Text(last.text[:-1], last.style)
    else:
        runs.pop()


def _merge(runs: list[Inline]) -> list[Inline]:
    """Neighbouring text of one style as one run; a space between two emphasised runs stays
    inside the emphasis."""
    out: list[Inline] = []
    for run in runs:
        if isinstance(run, Text) and out and isinstance(out[-1], Text):
            last = out[-1]
            if last.style == run.style or (run.text == " " and last.style):
                out[-1] = Text(last.text + run.text, last.style)
                continue
        out.append(run)
    # a trailing space inside an emphasis goes outside it
    fixed: list[Inline] = []
    for run in out:
        if isinstance(run, Text) and run.style and run.text != run.text.rstrip():
            fixed += [Text(run.text.rstrip(), run.style), Text(run.text[len(run.text.rstrip()):])]
        else:
            fixed.append(run)
    return _merge_plain(fixed)


def _merge_plain(runs: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for run in runs:
        if isinstance(run, Text) and not run.text:
            continue
        if isinstance(run, Text) and out and isinstance(out[-1], Text) and out[-1].style == run.style:
            out[-1] = Text(out[-1].text + run.text, run.style)
        else:
            out.append(run)
    return out


def plain(inlines: list[Inline]) -> str:
    return "".join(r.text if isinstance(r, Text) else "" for r in inlines)


# ---- flow: pages → one stream ----

@dataclass
class Flow:
    """A block of the book's text, possibly running over pages."""
    kind: str
    lines: list[Line]
    pages: list[int]                   # the PDF page of each line
    marks: dict[int, str]              # line index → print page beginning there
    label: str = ""
    level: int = 0
    style: tuple[float, bool, bool] = (0.0, False, False)
    head: bool = False                 # a table: its first row is its header


def number_lines(pages: list[Page]) -> dict[int, int]:
    """Each line's number on its page, from the top (1-based), by the line's identity: the
    page:line the report and the review geometry give."""
    return {id(line): n for page in pages for n, line in enumerate(sorted(page.lines, key=lambda x: x.y), 1)}


def flow(pages: list[Page], metrics: Metrics, folios: dict[int, str], roles: dict[tuple[int, int], str],
         events: list[Event], line_numbers: dict[int, int]) -> tuple[list[Flow], dict[int, set[str]]]:
    """Every page's blocks in reading order; a paragraph or note that runs on over a page break
    is one block with a page mark where the new page begins."""
    out: list[Flow] = []
    notes_on: dict[int, set[str]] = {}
    last_body: Flow | None = None
    last_note: Flow | None = None
    found = {page.index: regions(page, metrics) for page in pages}
    # the numbering is learned per region: a book's footnotes from its pages' feet, its notes at a
    # chapter's end apart (endnotes() reads those again by their own numbering): endnotes numbered
    # "1." must not teach the footnotes that a "1. Online:" line inside a footnote opens note 1
    numbering, apart, at_end = numberings(pages, found, metrics)
    # each page's body blocks, given the book's measures: a page at a time, in the worker
    # processes (parallel.py); the notes' blocks here, numbered on from page to page
    placed = parallel.each(lambda page: _placed(page, found[page.index], metrics), pages, "finding the pages' blocks")
    previous = -1   # the last page with text (a note goes on from it only)
    for page, body in zip(pages, placed, strict=True):
        region = found[page.index]
        for line in region.body:
            roles[(page.index, line_numbers[id(line)])] = "body"
        for line in region.notes:
            roles[(page.index, line_numbers[id(line)])] = "note"
        raws = note_blocks_of(page, region, metrics, _unplaced(body, page, region),
                              apart if page.index in at_end else numbering)
        notes_on[page.index] = {b.label for b in raws if b.kind == "note" and b.label}
        label = folios.get(page.index, "?")
        if not page.lines:
            events.append(Event(page.index, None, label, "blank page", "no text on this page"))
            continue
        last_page, previous = previous, page.index
        marked = False
        for raw in raws:
            if raw.kind == "note" and page.index in at_end:
                # a chapter's notes at its end: in the page's reading order (endnotes() reads their
                # numbers), never onto the page before's last note (which would put this page's foot
                # before its text)
                out.append(Flow("note", list(raw.lines), [page.index] * len(raw.lines), {} if marked else {0: label},
                                raw.label))
                marked = True
                continue
            if raw.kind == "note":
                if not raw.label and last_note is not None and last_note.pages[-1] == last_page:
                    # the rest of the page before's last note (never of a note pages before: that is a
                    # note whose number was not read, told as such)
                    last_note.marks[len(last_note.lines)] = label
                    last_note.lines += raw.lines
                    last_note.pages += [page.index] * len(raw.lines)
                    events.append(Event(page.index, line_numbers[id(raw.lines[0])], label, "note continued",
                                        f"note {last_note.label} runs on from the page before"))
                    continue
                # a footnote stands on its reference's page, marked in the text: it needs a mark only
                # where it runs onto the next page
                last_note = Flow("note", list(raw.lines), [page.index] * len(raw.lines), {}, raw.label)
                out.append(last_note)
                continue
            if not marked and last_body is not None and raw.kind in ("para", "quote") and _goes_on(last_body, raw, metrics):
                last_body.marks[len(last_body.lines)] = label
                last_body.lines += raw.lines
                last_body.pages += [page.index] * len(raw.lines)
                events.append(Event(page.index, line_numbers[id(raw.lines[0])], label, "paragraph continued",
                                    "across the page break"))
                marked = True
                continue
            block = Flow(raw.kind, list(raw.lines), [page.index] * len(raw.lines), {} if marked else {0: label},
                         style=raw.style, head=raw.head)
            marked = True
            out.append(block)
            last_body = block
    return out, notes_on


def numberings(pages: list[Page], found: dict[int, Regions], metrics: Metrics) -> tuple[Numbering, Numbering, set[int]]:
    """The footnotes' numbering (learned from the pages' feet), the one of the notes set at a
    chapter's end (learned from theirs), and the pages of the latter."""
    at_end = _endnote_pages(pages, found, metrics.body)
    learned = [Numbering.of([(found[page.index].notes, metrics.frames[page.index][0]) for page in pages
                             if (page.index in at_end) == end]) for end in (False, True)]
    return learned[0], learned[1], at_end


def _endnote_pages(pages: list[Page], found: dict[int, Regions], body: float) -> set[int]:
    """The pages whose small type at the foot is a chapter's notes set at its end, not footnotes:
    from a page whose text holds a heading "Anmerkungen" (ENDNOTE_TITLES) on, while the pages after
    it hold small type only (notes: however the regions took them, no line of the body's size)."""
    out: set[int] = set()
    inside = False
    for page in pages:
        region = found[page.index]
        if any(_endnote_title(line.text) for line in region.body):
            inside = True
        elif any(line.size >= 0.95 * body for line in region.body):
            inside = False
        if inside:
            out.add(page.index)
    return out


def _endnote_title(text: str) -> bool:
    return re.sub(r"^[\d.]+\s*", "", text).strip().lower() in ENDNOTE_TITLES


def _goes_on(last: Flow, raw: RawBlock, metrics: Metrics) -> bool:
    """Is a page's first block the rest of the page before's last one? A paragraph goes on where
    its new page starts without an indent, a list item where its line hangs under the item."""
    right = metrics.frames[last.pages[-1]][1]
    if not _runs_on(last.lines[-1], metrics, right):
        return False
    end = last.lines[-1]
    if (end.hyphen or end.text.rstrip().endswith("-")) and raw.kind == "para" and raw.lines[0].text[:1].islower():
        # a word broken over the page goes on, whatever the indent: an item's line hangs
        if last.kind == "para" and MARKER.match(last.lines[0].text) and raw.lines[0].left > last.lines[0].left + 0.5 * end.size:
            last.kind = "item"
        return last.kind in ("para", "quote", "item")
    if last.kind == "para":
        return raw.kind == "para" and not raw.indented
    if last.kind == "quote":
        return raw.kind == "quote"
    left = metrics.frames[raw.page][0]
    return last.kind == "item" and raw.kind == "para" and raw.lines[0].left > left + 0.5 * raw.lines[0].size


def _runs_on(last: Line, metrics: Metrics, right: float) -> bool:
    """Does the paragraph go on after this line, the last on its page?"""
    text = last.text.rstrip()
    if last.hyphen or text.endswith("-"):
        return True
    if metrics.justified:
        return last.right > right - 1.5 * last.size
    return not SENTENCE_END.search(text)


# ---- levels, chapters ----

CHAPTER_LABEL = re.compile(r"^(?:kapitel|chapter|teil|part|buch|book|abschnitt)\s+(?:\d+|[ivxlc]+|[a-z])\.?$", re.I)


def chapter_labels(stream: list[Flow], events: list[Event], folios: dict[int, str], numbers: dict[int, int],
                   accounted: set[tuple[int, int]]) -> list[Flow]:
    """"Kapitel 1" set on its own line above the chapter's title (LaTeX's \\chapter, many books):
    one heading, its title the title, opening the page as the label did."""
    out: list[Flow] = []
    for f in stream:
        previous = out[-1] if out else None
        if (f.kind == "heading" and previous is not None and previous.kind == "heading" and previous.pages[-1] == f.pages[0]
                and CHAPTER_LABEL.match(" ".join(line.text.strip() for line in previous.lines))):
            label = " ".join(line.text.strip() for line in previous.lines)
            f.marks = {**previous.marks, **f.marks}
            f.style = max(f.style, previous.style)
            out[-1] = f
            accounted.update((previous.pages[k], numbers[id(line)]) for k, line in enumerate(previous.lines))
            events.append(Event(f.pages[0], numbers[id(previous.lines[0])], folios.get(f.pages[0], "?"), "chapter label",
                                f"'{label}' above the title '{' '.join(line.text.strip() for line in f.lines)}': one heading"))
            continue
        out.append(f)
    return out


def title_page(stream: list[Flow], events: list[Event], folios: dict[int, str], numbers: dict[int, int],
               frames: dict[int, tuple[float, float]]) -> list[Flow]:
    """A title page before the first chapter: its largest type is the book's title (a heading),
    the other lines are not sections. A subtitle in a display type of its own is a line of the
    page, not a heading (it made a section of the title page, "####" under "##"); lines set
    centred one under the other (the authors' names, a place and year) are each a line of their
    own (joined, "Lea Muster Karl de Vries Eva Sommer" read as one name); and the page's text
    ends with it (its last line, "Berlin 2024", went on into the next page's first paragraph)."""
    first = next((i for i, f in enumerate(stream) if f.kind == "heading"), None)
    if first is None or stream[first].level == 1 or len(stream[first].lines) > 3:
        return stream
    page = stream[first].pages[0]
    # the book's measure on the pages of its side (a recto's frame stands right of a verso's in
    # a book bound with wider inner margins), not the title page's own: there it is its widest line
    side = [frame for p, frame in frames.items() if p != page and p % 2 == page % 2] or [frames[page]]
    left, right = Counter((round(a), round(b)) for a, b in side).most_common(1)[0][0]
    out = stream[:first + 1]
    for k in range(first + 1, len(stream)):
        f = stream[k]
        if f.pages[0] != page or (f.kind == "heading" and f.level == 1) or f.kind == "note":
            return out + stream[k:]
        where = (page, numbers[id(f.lines[0])], folios.get(page, "?"))
        if page != f.pages[-1] and f.kind in ("para", "quote"):
            cut = f.pages.index(next(p for p in f.pages if p != page))
            rest = Flow(f.kind, f.lines[cut:], f.pages[cut:], {i - cut: m for i, m in f.marks.items() if i >= cut},
                        style=f.style)
            f = Flow(f.kind, f.lines[:cut], f.pages[:cut], {i: m for i, m in f.marks.items() if i < cut}, style=f.style)
            stream = stream[:k] + [f, rest] + stream[k + 1:]
            at = (rest.pages[0], numbers[id(rest.lines[0])])
            events[:] = [e for e in events if (e.page, e.line, e.kind) != (*at, "paragraph continued")]
            events.append(Event(*at, folios.get(rest.pages[0], "?"), "title page", "the title page's text ends with "
                                "its page: the next page's first line begins a paragraph of its own"))
        if f.kind == "heading":
            f.kind = "para"
            events.append(Event(*where, "title page", f"'{' '.join(line.text.strip() for line in f.lines)}' is a line "
                                "of the title page in a display type, not a section's heading"))
        if f.kind in ("para", "quote") and len(f.lines) > 1 and all(_centred(line, left, right) for line in f.lines):
            events.append(Event(*where, "title page", f"{len(f.lines)} lines set centred one under the other: "
                                "each a line of its own"))
            out += [Flow("para", [line], [f.pages[n]], {0: f.marks[n]} if n in f.marks else {}, style=f.style)
                    for n, line in enumerate(f.lines)]
            continue
        out.append(f)
    return out


def _centred(line: Line, left: float, right: float) -> bool:
    """Set in the middle of the frame, clear of both its edges: a title page's line (a line that
    fills the measure is none: a long subtitle over two lines stays one)."""
    before, after = line.left - left, right - line.right
    return min(before, after) > 3 * line.size and abs(before - after) < 1.5 * line.size


HEADING_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?(?=\s)")
OUTLINE_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[A-Z](?:\.\d{1,3})*)\.?\s+")   # "1.2 ", "A "


def levels(stream: list[Flow], first_on_page: set[int], outline: list[tuple[int, str, int | None]] | None = None) -> None:
    """Heading levels: from the PDF's outline where it names the heading (its bookmarks' levels,
    1 the chapter); else from the printed number ("1.2.1" is two levels below its chapter "1."),
    else from the type: the largest style that opens pages is the chapter, the others in order of
    size and weight."""
    headings = [f for f in stream if f.kind == "heading"]
    openers = Counter(_titled(stream, i).style[0] for i, f in enumerate(stream) if f.kind == "heading" and i in first_on_page)
    recurring = [size for size, n in openers.items() if n >= 2]   # a title page's display type opens one page
    chapter_size = max(recurring or openers or [max((f.style[0] for f in headings), default=0.0)])
    others = sorted({f.style for f in headings if abs(f.style[0] - chapter_size) > 0.5},
                    key=lambda s: (-s[0], not s[1], s[2]))
    for f in headings:
        f.level = 1 if abs(f.style[0] - chapter_size) <= 0.5 else 2 + others.index(f.style)
    depths = {id(f): len(m.group(1).split(".")) for f in headings
              if (m := HEADING_NUMBER.match(" ".join(line.text.strip() for line in f.lines)))}
    chapters = [depths[id(f)] for f in headings if f.level == 1 and id(f) in depths]
    sections = [depths[id(f)] for f in headings if f.level > 1 and id(f) in depths]
    # numbered chapters ("1.") are the first level; else the sections' least depth is the second
    base = min(chapters) if chapters else min(sections, default=1) - 1
    for f in headings:
        depth = depths.get(id(f))
        if depth is None:
            continue
        if f.level == 1 and depth > base and chapters:
            f.level = depth - base + 1          # a section's number in a chapter's type: the number says
        elif f.level > 1:
            f.level = max(2, depth - base + 1)
    outlined: set[int] = set()   # the headings the outline names: their level is the outline's
    if outline:
        marks = [(level, _squeeze(title), page) for level, title, page in outline]
        label_before = _labels_before(stream)
        for f in headings:
            printed = " ".join(line.text.strip() for line in f.lines)
            text = _squeeze(printed)
            # the outline may name a chapter by its label's number too: "Teil I" / "Konzepte" in
            # the print is "I Konzepte" there; or without the printed number (LaTeX's bookmarks:
            # "Einleitung" for "1 Einleitung", "Anhang" for "A Anhang")
            named = {text, label_before.get(id(f), "") + text, _squeeze(OUTLINE_NUMBER.sub("", printed))}
            found = next((level for level, title, page in marks if title and title in named
                          and (page is None or abs(page - f.pages[0]) <= 1)), None)
            if found is not None:
                f.level = found
                outlined.add(id(f))
            elif f.level == 1 and any(level == 1 for level, _, _ in marks) and text not in {_squeeze(t) for t in CONTENTS_TITLES}:
                f.level = 2       # the outline names the chapters, and not this one (a contents is left out whole)
    if sections:
        _unnumbered_among_numbered([f for f in headings if id(f) not in outlined or id(f) in depths], depths)


def _unnumbered_among_numbered(headings: list[Flow], depths: dict[int, int]) -> None:
    """In a book that numbers its sections, an unnumbered heading set in a numbered one's type is
    at that one's level ("Literatur" in the type of "2.1"); one in a type of its own (a box's
    "Anmerkung", "Tipp") at most one level below the numbered heading before it: ranked by type
    among all the book's styles (a title page's display types too) it fell to "######" under "###"."""
    numbered: dict[tuple[float, bool, bool], Counter[int]] = {}
    for f in headings:
        if id(f) in depths and f.level > 1:
            numbered.setdefault(f.style, Counter())[f.level] += 1
    above: int | None = None    # the level of the last chapter or numbered heading
    for f in headings:
        if f.level == 1 or id(f) in depths:
            above = f.level
        elif above is None:
            continue            # front matter: a title page's types are no section's
        elif f.style in numbered:
            f.level = numbered[f.style].most_common(1)[0][0]
        else:
            f.level = min(f.level, above + 1)


def _labels_before(stream: list[Flow]) -> dict[int, str]:
    """id of a heading → the number of the label set above it on its page ("Teil I" → "i"):
    what `chapter_labels` will make one heading of."""
    out = {}
    for previous, f in itertools.pairwise(stream):
        if previous.kind == f.kind == "heading" and previous.pages[-1] == f.pages[0]:
            label = " ".join(line.text.strip() for line in previous.lines)
            if CHAPTER_LABEL.match(label):
                out[id(f)] = _squeeze(label.split()[-1])
    return out


def _titled(stream: list[Flow], i: int) -> Flow:
    """The heading that names the chapter a page opens with: the title under a label such as
    "Kapitel 1" set above it (the label's type is not the chapters' type: a preface without a
    label is set as the titles are)."""
    f = stream[i]
    after = stream[i + 1] if i + 1 < len(stream) else None
    if (after is not None and after.kind == "heading" and after.pages[0] == f.pages[-1]
            and CHAPTER_LABEL.match(" ".join(line.text.strip() for line in f.lines))):
        return after
    return f


def _squeeze(text: str) -> str:
    """A heading's letters and digits only, lower case: how an outline's title and the printed
    heading are compared (hyphens, spaces and punctuation as each sets them)."""
    return re.sub(r"[\W_]+", "", text.lower())


def build_book(pages: list[Page], metrics: Metrics | None = None, outline: list[tuple[int, str, int | None]] | None = None
               ) -> Book:
    """The passes in order; `metrics`: the pages' measures if the caller has them already;
    `outline`: the PDF's bookmarks (level, title, page), where it has them."""
    metrics = metrics or measure(pages)
    mend(pages, metrics.body)
    printed = {page.index: list(page.lines) for page in pages}   # before the furniture comes off
    numbers = number_lines(pages)   # page:line counts every printed line, a running head too
    found = furniture(pages, metrics)
    roles: dict[tuple[int, int], str] = {}
    events: list[Event] = []
    changes: list[Change] = []
    for role, removed in (("head", found.heads), ("foot", found.feet)):
        for index, line in removed.items():
            roles[(index, numbers[id(line)])] = role
            events.append(Event(index, numbers[id(line)], found.folios.get(index, "?"), f"running {role} removed",
                                line.text))
    for index in sorted(found.inferred):
        events.append(Event(index, None, found.folios[index], "page number inferred",
                            f"the folio read as {found.misread[index]!r} contradicts the pages around it: numbered "
                            "from them" if index in found.misread else "no folio printed: numbered from the pages around it"))
    for index in found.restarts:
        first = min((numbers[id(line)] for line in printed[index]), default=None)
        before = found.folios.get(max((i for i in found.folios if i < index), default=-1), "?")
        number, _, name = before.partition(" ")
        events.append(Event(index, first, found.folios.get(index, "?"), "warning",
                            f"the print numbers its pages anew here (after page {number}): the pages before are a "
                            f"numbering of their own, '{name}', written {{{{page {before}}}}} (a front matter's name: "
                            "rename it in their page markers if it is another part)",
                            printed=f"{before} | {found.folios.get(index, '?')}",
                            reading=f"{{{{page {before}}}}} | {{{{page {found.folios.get(index, '?')}}}}}",
                            check="page numbering restarts"))
    # the book's words (its heads and feet left out: what the joins are decided by) and every
    # printed line's (the self-check's evidence): a page's counted at a time, in the workers
    parts = parallel.each(lambda page: (counted(_texts(page.lines)), counted(_texts(printed[page.index]))), pages,
                          "counting the book's words")
    vocabulary, words = words_of([part for part, _ in parts]), words_of([part for _, part in parts])
    stream, notes_on = flow(pages, metrics, found.folios, roles, events, numbers)
    first_on_page = {i for i, f in enumerate(stream) if f.marks.get(0) is not None and f.kind != "note"}
    levels(stream, first_on_page, outline)
    accounted: set[tuple[int, int]] = set()
    stream = chapter_labels(stream, events, found.folios, numbers, accounted)
    stream = title_page(stream, events, found.folios, numbers, metrics.frames)
    stream, endnote_labels = endnotes(stream, events, found.folios, numbers, accounted)

    # each block's inline text, given the book's words and the notes on its pages: a block at a
    # time, in the worker processes (parallel.py); the block's repairs come back with it
    asked = []
    opened = 0     # chapter headings so far: endnotes() counts chapters so (text before the first is no chapter of its)
    for f in stream:
        opened += f.kind == "heading" and f.level == 1
        extra = endnote_labels.get(opened, set())
        asked.append((f, {page: labels | extra for page, labels in _labels(f, notes_on).items()}))

    def marked(ask: tuple[Flow, dict[int, set[str]]]) -> tuple[list[Inline], list[Change]]:
        f, labels_for = ask
        if f.kind in ("code", "table"):
            return [], []
        told: list[Change] = []
        base = ("strong" if f.style[1] else "em" if f.style[2] else "") if f.kind == "heading" else ""
        where = (f.pages[0], numbers[id(f.lines[0])], found.folios.get(f.pages[0], "?"))
        return _with_marks(f, vocabulary, labels_for, base, told, where, numbers, skip_label=f.kind == "note"), told

    runs = parallel.each(marked, asked, "reading the blocks' text")
    chapters: list[Chapter] = []
    current: Chapter | None = None
    pending: list[str] = []
    nesting: list[float] = []   # where the open lists' markers stand, from the frame's left (the outermost first)
    for f, (text, told) in zip(stream, runs, strict=True):
        changes += told
        inlines = text
        page = f.pages[0]
        depth = 0
        if f.kind == "item":
            depth = _depth(nesting, f.lines[0].left - metrics.frames[page][0], f.lines[0].size)
        elif f.kind != "note":   # a page's notes stand between a list's items on two pages
            nesting = []
        where = (page, numbers[id(f.lines[0])], found.folios.get(page, "?"))
        printed_lines = [(f.pages[k], numbers[id(line)]) for k, line in enumerate(f.lines)]
        if f.kind == "heading" and f.level == 1:
            inlines = [r for r in inlines if not isinstance(r, Mark)]
            current = Chapter(plain(inlines).strip(), [], [], heading=inlines, lines=printed_lines)
            chapters.append(current)
            pending = list(f.marks.values())
            continue
        if current is None:
            current = Chapter("", [], [])
            chapters.append(current)
        if f.kind == "note":
            current.notes.append(Note(f.label, inlines, page, where[1], lines=printed_lines))
            continue
        if f.kind in ("code", "table"):
            marks: list[Inline] = [*(Mark(p) for p in pending), *(Mark(f.marks[k]) for k in sorted(f.marks))]
            block = Block(f.kind, marks, 0, page,
                          where[1], lines=printed_lines, rows=[_as_printed(line) for line in f.lines])
            pending = []
            if f.kind == "table":
                block.cells = table_cells(f.lines)
                block.head = f.head
                columns = len(block.cells[0])
                events.append(Event(page, where[1], where[2], "warning",
                                    f"a table of {len(f.lines)} row{'s' * (len(f.lines) != 1)} in {columns} "
                                    f"column{'s' * (columns != 1)}, its cells read from where its words stand: check "
                                    "it", printed=block.rows[0], reading=" | ".join(block.cells[0]), check="table"))
            current.blocks.append(block)
            continue
        marker = ""
        if f.kind == "item" and f.lines[0].text[:1] in SYMBOLS + "–—-":
            marker = f.lines[0].text[:1]
            inlines = _without_bullet(inlines)
        if pending:
            inlines = [Mark(p) for p in pending] + inlines
            pending = []
        if f.kind == "figure":
            events.append(Event(page, where[1], where[2], "figure", "a picture, not carried over; its caption: "
                                + plain(inlines)))
        current.blocks.append(Block(f.kind, inlines, f.level, page, where[1], lines=printed_lines, marker=marker,
                                    depth=depth))
    book = Book([], [], found.folios, changes, events, roles, printed, accounted=accounted, words=words)
    for whole in chapters:
        listing, chapter = _listing_apart(whole)
        for part in (listing, chapter):
            if part is not None:
                part.pages = [m.label for b in part.blocks for m in b.inlines if isinstance(m, Mark)]
        if listing is not None:
            book.left_out.append(listing)
            first = listing.blocks[0].page if listing.blocks else 0
            events.append(Event(first, None, found.folios.get(first, "?"), "left out",
                                f"'{listing.title}': a table of contents or an index, not reading text"))
        if chapter is not None:
            book.chapters.append(chapter)
    if len(book.chapters) > 1 and not book.chapters[0].title:
        book.chapters[0].front = True   # title page, imprint, a preface set without a heading: the book's Titelei
    resolve_notes(book)
    return book


def _texts(lines: list[Line]) -> list[str]:
    """The lines' text as the book's words are counted from it: raised numbers out, break signs in."""
    return [unraised(line) + (line.sign if line.hyphen else "") for line in lines]


def endnotes(stream: list[Flow], events: list[Event], folios: dict[int, str], numbers: dict[int, int],
             accounted: set[tuple[int, int]]) -> tuple[list[Flow], dict[int, set[str]]]:
    """Notes set at a chapter's end under a heading such as "Anmerkungen": each numbered entry
    becomes a note of that chapter (a line that begins with a number opens an entry where the
    numbering says so, as at a page's foot); returns the stream without that section and, per
    chapter (counted from 1), the note numbers its text may call. The heading's lines go to
    `accounted` (taken by the structure, not lost)."""
    out: list[Flow] = []
    labels: dict[int, set[str]] = {}
    chapter = 0
    opened = 0
    i = 0
    while i < len(stream):
        f = stream[i]
        if f.kind == "heading" and f.level == 1:
            chapter += 1
            opened = len(out)
        title = re.sub(r"^[\d.]+\s*", "", " ".join(line.text for line in f.lines)).strip().lower()
        if f.kind != "heading" or f.level == 1 or title not in ENDNOTE_TITLES:
            out.append(f)
            i += 1
            continue
        end = i + 1
        while end < len(stream) and not (stream[end].kind == "heading" and stream[end].level <= f.level):
            end += 1
        section = [(g, k, line) for g in stream[i + 1:end] for k, line in enumerate(g.lines)]
        left = min((line.left for _, _, line in section), default=0.0)
        numbering = Numbering.of([([line for _, _, line in section], left)])
        called = {"".join(c.text for c in run) for g in out[opened:] for line in g.lines for run in _raised_runs(line)}
        accounted.update((f.pages[k], numbers[id(line)]) for k, line in enumerate(f.lines))
        pending = f.marks.get(0)   # the heading's page mark goes to the first entry
        entries: list[Flow] = []
        for g, k, line in section:
            # the chapter calls every number up to its last: only one not reached yet tells a new
            # entry ("1. Online: …" inside entry 3 goes on with it)
            ahead = {c for c in called if not (c.isdigit() and numbering.last is not None and int(c) <= numbering.last)}
            label = numbering.opens(line, left, False, False, ahead)
            mark = g.marks.get(k)
            if label is not None or not entries:
                entries.append(Flow("note", [line], [g.pages[k]], {}, label or ""))
                if label is not None and label.isdigit():
                    numbering.last = int(label)
                if pending:
                    entries[-1].marks[0], pending = pending, None
            else:
                entries[-1].lines.append(line)
                entries[-1].pages.append(g.pages[k])
            if mark:
                entries[-1].marks[len(entries[-1].lines) - 1] = mark
        out += entries
        labels.setdefault(chapter, set()).update(e.label for e in entries if e.label)
        events.append(Event(f.pages[0], numbers[id(f.lines[0])], folios.get(f.pages[0], "?"), "endnotes",
                            f"'{title}': {len(entries)} notes at the chapter's end, taken as its notes"))
        i = end
    return out, labels


def _depth(nesting: list[float], x: float, size: float) -> int:
    """An item's list nesting, from where its marker stands (`x`) against the open lists'
    (`nesting`, updated): set in from the item before, a list inside it; back out, the list
    whose marker stands there."""
    while nesting and x < nesting[-1] - 0.5 * size:
        nesting.pop()
    if not nesting or x > nesting[-1] + 0.5 * size:
        nesting.append(x)
    return len(nesting) - 1


def _without_bullet(inlines: list[Inline]) -> list[Inline]:
    """An item's text without its bullet: the source marks an item by its own syntax."""
    for k, run in enumerate(inlines):
        if isinstance(run, Text):
            text = run.text.lstrip()
            if text[:1] and text.rstrip() == text[:1] in SYMBOLS + "–—-":
                # the bullet a run of its own (DocBook sets a nested list's dash in bold): the
                # item's text begins with the next run
                del inlines[k]
                if k < len(inlines) and isinstance(after := inlines[k], Text):
                    inlines[k] = Text(after.text.lstrip(), after.style)
                break
            inlines[k] = Text(MARKER.sub("", text, count=1).lstrip() if text[:1] in SYMBOLS + "–—-" else run.text,
                              run.style)
            break
    return inlines


def _labels(f: Flow, notes_on: dict[int, set[str]]) -> dict[int, set[str]]:
    """The notes a raised number on a page may refer to: the page's own, and its neighbours'
    (a typesetter may set a note a page before or after the line that calls it)."""
    return {page: notes_on.get(page, set()) | notes_on.get(page - 1, set()) | notes_on.get(page + 1, set())
            for page in set(f.pages)}


def _with_marks(f: Flow, vocabulary: Vocabulary, labels_for: dict[int, set[str]], base: str, changes: list[Change],
                where: tuple[int, int, str], numbers: dict[int, int], skip_label: bool = False) -> list[Inline]:
    """A flow block's inline runs, with a page mark where each page begins (not before its first
    line: that mark is the block's own, given to it first). `numbers`: each line's number on its
    page, by the line's identity."""
    out: list[Inline] = []
    cuts = sorted(set(f.marks) | {0, len(f.lines)})
    label = where[2]
    for a, b in itertools.pairwise(cuts):
        page = f.pages[a]
        part = inlines_of(f.lines[a:b], vocabulary, labels_for.get(page, set()), base, changes,
                          (page, numbers[id(f.lines[a])], f.marks.get(a, label)), skip_label=skip_label and a == 0,
                          numbers=[numbers[id(line)] for line in f.lines[a:b]])
        before = (f.pages[a - 1], numbers[id(f.lines[a - 1])], label) if a else where
        if a and a in f.marks and _glued(out, part, f.lines[a - 1], vocabulary, changes, before):
            head, part = _split_first_word(part)
            out += head                                        # "Schließ-|lich" → "Schließlich {{page 9}}…"
            if part and isinstance(part[0], Text) and part[0].text.startswith(" "):
                out.append(Text(" "))
                part[0] = Text(part[0].text[1:], part[0].style)
        if a in f.marks:
            out.append(Mark(f.marks[a]))
            label = f.marks[a]
        out += part
    return _merge(out)


def _glued(out: list[Inline], part: list[Inline], previous: Line, vocabulary: Vocabulary,
           changes: list[Change], where: tuple[int, int, str]) -> bool:
    """Join over a page break; True if the two halves of a word were joined (no space)."""
    before = len(out)
    _join(out, part, previous, vocabulary, changes, where)
    if out[before:] == [Text(" ")]:
        del out[before:]        # the space goes after the page mark's word, as on any line
        out.append(Text(" "))
        return False
    return True


def _split_first_word(part: list[Inline]) -> tuple[list[Inline], list[Inline]]:
    head: list[Inline] = []
    for k, run in enumerate(part):
        if not isinstance(run, Text):
            head.append(run)
            continue
        if " " in run.text:
            cut = run.text.index(" ")
            return head + [Text(run.text[:cut], run.style)], [Text(run.text[cut:], run.style), *part[k + 1:]]
        head.append(run)
    return head, []


LEADER = re.compile(r"(\. ?){3,}\s*\w+$")   # a contents line: "Einleitung . . . . 7"
LEADERS = re.compile(r"(?:\. ?){3,}\s*(?:\d{1,4}|[ivxlc]{1,7})\b")
CONTENTS_KEYS = {_squeeze(title) for title in CONTENTS_TITLES | {
    "abbildungsverzeichnis", "tabellenverzeichnis", "list of figures", "list of tables"}}
CONTENTS_LINE = re.compile(r"\S\s+(\d{1,4}|[ivxlc]{1,7})$")   # … or its title and page: "Index 454"


def _is_listing(chapter: Chapter) -> bool:
    title = chapter.title.strip().lower()
    if title in CONTENTS_TITLES or title in INDEX_TITLES:
        return True
    texts = [plain(b.inlines) for b in chapter.blocks]
    leaders = sum(bool(LEADER.search(t)) for t in texts)
    return bool(texts) and leaders / len(texts) > 0.5


def _rows(block: Block) -> list[str]:
    """A block's printed lines (a table's, a code block's), else its text as one."""
    return block.rows or [plain(block.inlines)]


def _listing_apart(chapter: Chapter) -> tuple[Chapter | None, Chapter | None]:
    """(what is left out, what is kept) of a chapter. A contents or an index is left out whole;
    but where the chapter holds reading text around a contents (front matter before the first
    chapter the outline names: a title page, the contents under its heading, a preface), that text
    is kept as a chapter of its own, titled by its first heading: only the contents is left out."""
    whole = _is_listing(chapter)
    title = chapter.title.strip().lower()
    blocks = chapter.blocks
    if title in INDEX_TITLES:
        return chapter, None
    if title in CONTENTS_TITLES:
        first: int | None = 0   # the chapter is the contents, from its first line
    else:
        first = next((k for k, block in enumerate(blocks) if _listed_heading(block)), None)
        first = first if first is not None else next((k for k, block in enumerate(blocks) if _listed(block)), None)
        while first and _listed(blocks[first - 1]):
            first -= 1   # nor its first lines ("I Konzepte 1")
    if first is None:
        return (chapter, None) if whole else (None, chapter)
    end = first + 1
    while end < len(blocks) and _contents_goes_on(blocks, end):
        end += 1
    if not (whole or title in CONTENTS_TITLES or (_listed_heading(blocks[first]) and any(map(_listed, blocks[first:end])))):
        return None, chapter   # lines with leaders in the text ("Brot . . . 3"), under no contents heading
    before, rest = blocks[:first], blocks[end:]
    if sum(len(plain(block.inlines).strip()) + len(" ".join(block.rows)) for block in before + rest) < 100:
        return chapter, None   # nothing to read around the contents
    listing = replace(chapter, blocks=blocks[first:end], notes=[])
    if chapter.title and title not in CONTENTS_TITLES:
        return listing, replace(chapter, blocks=before + rest)   # a chapter whose text holds a contents
    return listing, _titled_by_first_heading(before + rest, chapter.notes)


def _titled_by_first_heading(blocks: list[Block], notes: list[Note]) -> Chapter:
    """A chapter of `blocks` that no chapter heading opens: titled by its first heading, whose
    page marks open the text then, as a chapter heading's do; else untitled."""
    if blocks[0].kind != "heading" or len(blocks) < 2:
        return Chapter("", blocks, notes)
    heading, body = blocks[0], blocks[1:]
    title: list[Inline] = [r for r in heading.inlines if not isinstance(r, Mark)]
    body[0].inlines[:0] = [r for r in heading.inlines if isinstance(r, Mark)]
    return Chapter(plain(title).strip(), body, notes, heading=title, lines=heading.lines)


def _contents_goes_on(blocks: list[Block], k: int) -> bool:
    """The contents goes on at block `k`: its lines, with leaders or without ("E Literaturverzeichnis
    437"), a page mark, an entry over two lines, the lists of figures and tables after it."""
    block = blocks[k]
    return (_listed(block) or _listed_heading(block) or not plain(block.inlines).strip()
            or (k + 1 < len(blocks) and len(plain(block.inlines)) < 120 and _listed(blocks[k + 1])))


def _listed_heading(block: Block) -> bool:
    """The contents' own title, set as a heading or as a line of its own ("INHALTSVERZEICHNIS")."""
    return block.kind in ("heading", "para") and _squeeze(plain(block.inlines)) in CONTENTS_KEYS


def _listed(block: Block) -> bool:
    """A contents' block: most of its lines end in a page number (behind leaders or not)."""
    if block.kind == "heading":
        return False
    rows = _rows(block)
    if len(LEADERS.findall(" ".join(rows))) >= 2:   # entries run together into one paragraph
        return True
    return sum(bool(LEADER.search(row) or CONTENTS_LINE.search(row)) for row in rows) * 2 > len(rows)


def resolve_notes(book: Book) -> None:
    """Each chapter's references joined to its notes, and labels the build accepts: a note's
    label is its printed number, made unique with its print page where the chapter numbers its
    notes per page ("1~229"); a reference goes to the note of its number on its own page, else
    the next page's or the page before's, else the chapter's (endnotes). What the evidence does
    not join is kept and told: a note no reference calls gets a reference that shows nothing
    ("-8", on the page the note is printed on); a raised number no note answers stays a number."""
    for chapter in book.chapters:
        _resolve_chapter(book, chapter)


def _resolve_chapter(book: Book, chapter: Chapter) -> None:
    notes = chapter.notes
    for k, note in enumerate(notes):   # a note whose number the print lost (a footnote line without one)
        if not note.label:
            note.label = f"0{k + 1}"
            book.events.append(Event(note.page, note.line, book.folios.get(note.page, "?"), "warning",
                                     f"a note printed without a number in '{chapter.title}': labelled {note.label}",
                                     printed=plain(note.inlines)[:80], reading=f"[^{note.label}]", check="note number"))
    per_page = len({n.label for n in notes}) < len(notes)
    counted = {id(note): note.page for note in notes}   # the page whose notes a note is counted with
    for k, note in enumerate(notes):
        if per_page and 0 < k and notes[k - 1].page == note.page and note.label == "1" \
                and notes[k - 1].label.split("~")[0].isdigit() and int(notes[k - 1].label.split("~")[0]) >= 1 \
                and (k + 1 == len(notes) or notes[k + 1].page != note.page):
            # (only a 1: the next page's count begins with it; another number read twice is a misreading)
            # numbered on from 1 again as the page's last note: set on the page before its reference's
            # (Typst lays a footnote out with its line, then moves the line on), counted with the next page's
            counted[id(note)] = note.page + 1
            book.events.append(Event(note.page, note.line, book.folios.get(note.page, "?"), "footnote",
                                     f"note {note.label} counts with the next page's notes (its number begins "
                                     "them again): its reference is on that page"))
        note.label = f"{note.label}~{_page_key(book, counted[id(note)])}" if per_page else note.label
    seen: set[str] = set()
    for k, note in enumerate(notes):   # one number twice on a page (a worn scan's misread digit): told, never written twice
        if note.label in seen:
            label = f"0{k + 1}"
            book.events.append(Event(note.page, note.line, book.folios.get(note.page, "?"), "warning",
                                     f"a second note numbered {note.label.split('~')[0]} on its page in "
                                     f"'{chapter.title}': labelled {label}", printed=plain(note.inlines)[:80],
                                     reading=f"[^{label}]", check="note number"))
            note.label = label
        seen.add(note.label)
    by_number: dict[str, list[Note]] = {}
    for note in notes:
        by_number.setdefault(note.label.split("~")[0], []).append(note)
    called: set[str] = set()

    def target(ref: Ref) -> Note | None:
        candidates = by_number.get(ref.label, [])
        for page in (ref.page, ref.page + 1, ref.page - 1):
            found = next((n for n in candidates if counted[id(n)] == page), None)
            if found is not None:
                return found
        return candidates[0] if candidates and not per_page else None

    for inlines, where in [(b.inlines, (b.page, b.line)) for b in chapter.blocks] + \
                          [(n.inlines, (n.page, n.line)) for n in notes] + [(chapter.heading, (0, 0))]:
        for k, run in enumerate(inlines):
            if not isinstance(run, Ref):
                continue
            answer = target(run)
            if answer is None:   # no note to answer it: the number as printed, and a Hinweis
                inlines[k] = Text(run.label)
                book.events.append(Event(run.page or where[0], where[1], book.folios.get(run.page or where[0], "?"),
                                         "warning", f"a raised {run.label} in '{chapter.title}' that no note answers: "
                                         "kept as a number", printed=run.label.translate(TO_SUPERSCRIPT),
                                         reading=run.label, check="reference without note"))
                continue
            inlines[k] = Ref(answer.label, run.page)
            called.add(answer.label)
    for note in notes:
        if note.label in called:
            continue
        label = note.label
        note.label = "-" + label
        _place_silent(book, chapter, note)
        book.events.append(Event(note.page, note.line, book.folios.get(note.page, "?"), "warning",
                                 f"note {label.split('~')[0]} in '{chapter.title}': no reference to it in the text; "
                                 "kept on its page with a reference that shows nothing",
                                 printed=f"{label.split('~')[0]} {plain(note.inlines)[:60]}", reading=f"[^{note.label}]",
                                 check="note without reference"))


def _page_key(book: Book, page: int) -> str:
    folio = book.folios.get(page, "?")
    return folio if re.fullmatch(r"[0-9A-Za-z]{1,8}", folio) else f"p{page}"


def _place_silent(book: Book, chapter: Chapter, note: Note) -> None:
    """A reference that shows nothing for a note no reference calls: at the end of the text of
    the last block printed on the note's page (before the next page's mark), else the chapter's
    last block, else its title."""
    printed_on = [b for b in chapter.blocks if any(page == note.page for page, _ in b.lines) and b.kind not in ("code", "table")]
    block = printed_on[-1] if printed_on else next((b for b in reversed(chapter.blocks)
                                                    if b.kind not in ("code", "table", "heading")), None)
    ref = Ref(note.label, note.page)
    if block is None:
        chapter.heading = [*(chapter.heading or [Text(chapter.title)]), ref]
        return
    next_folio = book.folios.get(note.page + 1)
    at = next((k for k, r in enumerate(block.inlines) if isinstance(r, Mark) and k and r.label == next_folio),
              len(block.inlines))
    block.inlines.insert(at, ref)


# ---- the print as recorded ----

def record(pages: list[Page], book: Book) -> list[PrintedPage]:
    """Each line's place on its page and what ingest took it for: what a facsimile view and a
    diplomatic transcription are built on (every line, running heads too)."""
    def recorded(page: Page) -> PrintedPage:
        lines = [PrintedLine(n, _as_printed(line), book.roles.get((page.index, n), ""),
                             (round(line.left, 1), round(line.right, 1), round(line.y, 1), line.size), line.hyphen,
                             frame=_box(line, page))
                 for n, line in enumerate(sorted(book.printed.get(page.index, page.lines), key=lambda x: x.y), 1)]
        return PrintedPage(page.index, book.folios.get(page.index, "?"), lines, pdf_page=page.index,
                           size=(round(page.width, 1), round(page.height, 1)))

    return parallel.each(recorded, pages, "recording the printed lines")   # a page at a time, in the workers


def _box(line: Line, page: Page) -> tuple[float, float, float, float] | None:
    """A line's place as fractions of its page, from the top left corner (`PrintedLine.frame`,
    lines.json's `box`): from its first character's origin to its right edge, and from the
    type's ascent above its highest character (a raised number reaches higher than the line's
    baseline and size say) to the descent below its lowest (render/zones.py's measure). None
    for a line set wholly outside the page (a table run off its foot): no place to show."""
    chars = line.chars or []
    top = min([c.y - ASCENT * c.size for c in chars], default=line.y - ASCENT * line.size)
    bottom = max([c.y + DESCENT * c.size for c in chars], default=line.y + DESCENT * line.size)
    if not _on_page(line, page):
        return None
    width, height = page.width or 1.0, page.height or 1.0
    left, right = max(0.0, line.left / width), min(1.0, line.right / width)
    top, bottom = max(0.0, top / height), min(1.0, bottom / height)
    return (round(left, 5), round(top, 5), round(max(right, left + 1e-5), 5), round(max(bottom, top + 1e-5), 5))


def _as_printed(line: Line) -> str:
    """A line's text as the reader of the page sees it: raised numbers raised (⁸), and the break
    hyphen PDFium takes out of the characters put back."""
    text = line.text
    if any(map(str.isdigit, text)):   # most lines have no digit: looked for in C
        text = "".join(c.text.translate(TO_SUPERSCRIPT) if raised(c, line) else c.text for c in line.chars)
    return text + (line.sign or "-") if line.hyphen and not text.endswith(("-", "\u00ad", "\u2010")) else text
