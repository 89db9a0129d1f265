"""Read one raw page: decode, normalise, tell wrapped from flattened, take off header/footer.

A raw page is what a PDF text extractor gives for one printed page: either wrapped (one printed
line per line, blank lines between paragraphs) or flattened (the whole page on one line). The
running header or footer ("229 Sicherheits- und Verteidigungspolitik von Kleinstaaten") is
removed from the text; its page number and running title are kept for the page markers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Collector
from generator.files import Refused, read_regular
from generator.source import roman_value

# "229 Running Title" or "Running Title 229" at the very start or end of a page.
FOOTER_NUMBER_FIRST = re.compile(r"(?:^|\s)(\d{1,4})\s+([A-ZÄÖÜ][^.!?:;»«\d]{4,120}?)\s*$")
FOOTER_NUMBER_LAST = re.compile(r"^\s*([A-ZÄÖÜ][^.!?:;»«\d]{4,120}?)\s+(\d{1,4})\s*$")
LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}
LONE_NUMBER = re.compile(r"^\s*[-–]?\s*(\d{1,4})\s*[-–]?\s*$")
PAGE_LIMIT = 16 * 2**20   # a printed page is some kilobytes of text
LONE_ROMAN = re.compile(r"^\s*([ivxlc]{1,7}|[IVXLC]{1,7})\s*$")


@dataclass
class RawPage:
    path: Path
    lines: list[tuple[int, str]]     # (line number in the file, text), footer removed
    form: str                        # "wrapped" or "flattened"
    number: int | None = None        # print page number, from the footer or a decision
    roman: str = ""                  # a roman folio as printed ("xii"): front matter
    running_title: str = ""
    removed: str = ""                # the header/footer text taken off
    removed_line: int | None = None
    removed_also: str = ""           # a running head above a folio at the foot: both are taken off
    removed_also_line: int | None = None


def read_page(path: Path, problems: Collector, known_titles: tuple[str, ...] = ()) -> RawPage | None:
    try:
        data = read_regular(path, limit=PAGE_LIMIT)   # a FIFO or /dev/zero is refused, never read
    except OSError as exc:
        problems.error(path, None, exc.reason if isinstance(exc, Refused) else f"cannot read: {exc.strerror or exc}")
        return None
    if b"\x00" in data:
        problems.error(path, None, "binary file (contains NUL bytes), not page text")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(path, line, f"not UTF-8 text (tried encoding utf-8: invalid byte 0x{data[exc.start]:02x} "
                                   f"at offset {exc.start}); convert the file to UTF-8 first")
        return None
    text = normalise(text)
    if not text.strip():
        problems.error(path, 1, "empty page: no text to ingest")
        return None
    numbered = [(i, line) for i, line in enumerate(text.split("\n"), 1)]
    nonblank = [line for _, line in numbered if line.strip()]
    flattened = len(nonblank) <= 2 and max(len(line) for line in nonblank) > 400
    page = RawPage(path, numbered, "flattened" if flattened else "wrapped")
    take_footer(page, known_titles)
    if not any(line.strip() for _, line in page.lines):
        problems.error(path, 1, "page has no text besides its header/footer")
        return None
    return page


def normalise(text: str) -> str:
    """CRLF/CR → LF; no-break and other odd spaces → space; soft hyphens out; trailing blanks off."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A soft hyphen (U+00AD) is visible in print only where a line breaks: there it is a hyphen
    # at a line end, decided like any other (Typst's break hyphens come out so); inside a line
    # some extractors (pypdf, pdfminer) give a true hyphen so ("HTML\u00adSeiten").
    text = re.sub("\u00ad[ \t]*(?=\n|$)", "-", text).replace("\u00ad", "-")
    text = text.replace("\u2010", "-").replace("\u2011", "-")  # Unicode's hyphens: the hyphen
    # A ligature is one glyph for two or three letters ("ﬁ"): the text has the letters.
    text = text.translate(LIGATURES)
    text = re.sub(r"[\u00a0\u2007\u202f\u2009\u2002\u2003\t]", " ", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def take_footer(page: RawPage, known_titles: tuple[str, ...]) -> None:
    """Remove a running header/footer: first or last non-blank line, or the tail of a flat page;
    or, where an extractor glued it to the first line of text ("4 Title Der Text …", as pypdf
    does), that line's head."""
    content = [(i, line) for i, line in page.lines if line.strip()]
    if not content:
        return
    candidates = [(content[-1], False), (content[0], True)] if len(content) > 1 else [(content[0], True)]
    for (index, line), first in candidates:
        if index == page.removed_line:
            continue
        # A second running line (a head above a folio at the foot) only by a title known from other pages
        if m := _match_running_line(line, known_titles, whole_line=page.form == "wrapped", first=first,
                                    known_only=bool(page.removed)):
            number, title, start, end = m
            if isinstance(number, str):
                page.roman = number  # a roman folio: the front matter's
            elif number is not None:
                page.number = number
            page.running_title = page.running_title or title
            if page.removed:  # a head and a foot: both go, the report names both
                page.removed_also, page.removed_also_line = page.removed, page.removed_line
            page.removed, page.removed_line = line[start:end].strip(), index
            page.lines = [(i, (f"{text[:start].rstrip()} {text[end:].lstrip()}".strip() if i == index else text))
                          for i, text in page.lines]


def _match_running_line(line: str, known_titles: tuple[str, ...], whole_line: bool, first: bool = False,
                        known_only: bool = False):
    """(page number, running title, start, end) if `line` ends (or is) a running header/footer,
    or, on a page's first line, begins with one followed by text."""
    for title in known_titles:  # titles learned from other pages of the book are the surest cue
        for pattern in (rf"(?:^|\s)(\d{{1,4}})\s+({re.escape(title)})\s*$", rf"(?:^|\s)({re.escape(title)})\s+(\d{{1,4}})\s*$"):
            if m := re.search(pattern, line):
                number = m.group(1) if m.group(1).isdigit() else m.group(2)
                return int(number), title, (m.start() if m.start() == 0 else m.start() + 1), len(line)
        if first and re.fullmatch(rf"\s*{re.escape(title)}\s*", line):
            return None, title, 0, len(line)  # the running head alone; the folio is at the foot
        if first:
            for pattern in (rf"^\s*(\d{{1,4}})\s+({re.escape(title)})\s+(?=\S)",
                            rf"^\s*({re.escape(title)})\s+(\d{{1,4}})\s+(?=\S)"):
                if m := re.match(pattern, line):
                    number = m.group(1) if m.group(1).isdigit() else m.group(2)
                    return int(number), title, 0, m.end()
    if known_only:
        return None
    if whole_line:
        if m := LONE_NUMBER.match(line):
            return int(m.group(1)), "", 0, len(line)
        if (m := LONE_ROMAN.match(line)) and roman_value(m.group(1)):
            return m.group(1), "", 0, len(line)
        if m := FOOTER_NUMBER_LAST.match(line):
            return int(m.group(2)), m.group(1).strip(), 0, len(line)
        m = re.match(r"^\s*(\d{1,4})\s+([A-ZÄÖÜ][^.!?:;»«\d]{4,120}?)\s*$", line)
    else:
        m = FOOTER_NUMBER_FIRST.search(line)
    if m and _looks_like_title(m.group(2)):
        return int(m.group(1)), m.group(2).strip(), m.start(1), len(line)
    return None


def repeated_heads(pages: list[RawPage]) -> set[str]:
    """Running titles known by repetition: the words that follow (or precede) a page number at
    the start of the first line of three pages or more. An extractor that glues the running head
    to the text ("4 Kleine Staaten, große Fragen Debatte darüber …") leaves no line of its own."""
    counts: dict[str, int] = {}
    for page in pages:
        first = next((text for _, text in page.lines if text.strip()), "")
        found: set[str] = set()
        if m := re.match(r"^\s*\d{1,4}\s+(.+)$", first):
            words = m.group(1).split()
            found |= {" ".join(words[:k]) for k in range(2, min(len(words), 12) + 1)}
        if m := re.match(r"^\s*(\S.{3,120}?)\s+\d{1,4}(?:\s|$)", first):
            found.add(m.group(1).strip())
        if 1 < len(first.split()) <= 12 and not re.search(r"\d", first):
            found.add(first.strip())  # a running head alone on its line (the folio at the foot)
        for prefix in found:
            counts[prefix] = counts.get(prefix, 0) + 1
    often = {prefix for prefix, count in counts.items() if count >= max(3, len(pages) // 8)}
    # the longest: "Kleine Staaten, große Fragen" stands on every verso, not "Kleine Staaten,"
    return {prefix for prefix in often if not any(other != prefix and other.startswith(prefix + " ") and
                                                  counts[other] == counts[prefix] for other in often)}


TITLE_SMALL_WORDS = {"und", "von", "der", "die", "das", "des", "dem", "den", "im", "in", "für", "zur", "zum", "mit",
                     "am", "an", "auf", "aus", "bei", "nach", "über", "unter", "vor", "zwischen", "oder", "als", "ein", "eine"}


def _looks_like_title(text: str) -> bool:
    """A running title: capitalised words joined by small words ("Sicherheits- und … von Kleinstaaten").

    A page that ends in "seit 1990 Kleinstaaten wie die Schweiz" is not taken for a footer:
    "wie" is no title word.
    """
    words = text.split()
    return (2 <= len(words) <= 14 and words[-1][0].isupper() and not text.rstrip().endswith("-")
            and all(w[0].isupper() or w in TITLE_SMALL_WORDS for w in words))
