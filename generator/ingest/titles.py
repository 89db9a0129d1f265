"""The book's own facts: its title and its authors, from the PDF's metadata and its title page.

A PDF's Info dictionary may name the book (Title) and its authors (Author), in any form: one
name, "Family, Given", several joined by ";" or "und", or Writer's "Muster, Lea, de Vries, Karl"
(the families and given names of several people in one comma-separated list). Where it names
nothing, the title page does: the largest type on the first page is the title, and the short
lines of names below it (in smaller type) are the authors. Each author comes out as
"Family, Given", a particle such as "von" or "de" with the family name ("von Brand, Jonas");
anything that is not a person's name (an institution: one word, or more than five) stays as
written. What the title page gave, the report says (a Hinweis): the editor checks it.
"""
from __future__ import annotations

import re

from generator.ingest.model import Book, Event
from generator.ingest.pdf import Line

PARTICLES = {"von", "vom", "zu", "zur", "van", "de", "der", "den", "del", "della", "di", "da", "du", "des", "le", "la",
             "ten", "ter", "af", "av", "dos", "das", "y"}
NOTE_MARKS = "*∗†‡§¹²³"
JOINERS = re.compile(r"\s*;\s*|\s+(?:und|and|&|et)\s+")


def family_first(name: str) -> str:
    """"Jonas von Brand" → "von Brand, Jonas"; "Muster, Lea" stays; an institution (one word,
    more than five, or digits) stays as written."""
    name = " ".join(name.split()).strip(" ,")
    if "," in name:
        return name
    words = name.split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in name) or not all(w[:1].isupper() or w in PARTICLES
                                                                                 for w in words):
        return name
    start = next((k for k, w in enumerate(words[1:], 1) if w in PARTICLES), len(words) - 1)
    return f"{' '.join(words[start:])}, {' '.join(words[:start])}"


def split_authors(value: str) -> list[str]:
    """A PDF's Author entry → one name each ("Family, Given" where it is a person's)."""
    value = " ".join(value.split())
    if not value:
        return []
    parts = [p for p in JOINERS.split(value) if p.strip()]
    if len(parts) > 1:
        out: list[str] = []
        for part in parts:   # "Lea Muster, Karl de Vries und Eva Sommer": the commas join names too
            pieces = [p.strip() for p in part.split(",")]
            if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
                out += [family_first(p) for p in pieces]
            else:
                out.append(family_first(part))
        return out
    pieces = [p.strip() for p in value.split(",") if p.strip()]
    if len(pieces) == 2 and len(pieces[1].split()) <= 2:
        return [f"{pieces[0]}, {pieces[1]}"]                       # "Muster, Lea"
    if len(pieces) > 2 and len(pieces) % 2 == 0 and all(len(p.split()) <= 3 for p in pieces) \
            and all(len(p.split()) == 1 for p in pieces[1::2]):
        return [f"{f}, {g}" for f, g in zip(pieces[::2], pieces[1::2], strict=True)]   # "Muster, Lea, de Vries, Karl"
    if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
        return [family_first(p) for p in pieces]                   # "Lea Muster, Karl de Vries"
    return [family_first(value)]


def title_page(lines: list[Line]) -> tuple[str, list[str]]:
    """The title (the largest type, its lines joined, a note's sign after it taken off) and the
    names below it on a title page; ("", []) for a page that is not one (its largest type is
    the body's, or it holds more than a few lines of text)."""
    lines = sorted((line for line in lines if line.text.strip()), key=lambda line: line.y)
    if not lines or len(lines) > 14:
        return "", []
    largest = max(line.size for line in lines)
    titled = [line for line in lines if line.size >= largest - 0.2]
    if largest < 1.4 * min(line.size for line in lines):
        return "", []
    title = " ".join(_unmarked(line) for line in titled).strip()
    below = [line for line in lines if line.y > titled[-1].y and line.size < largest - 0.2]
    names: list[str] = []
    for line in below:
        found = [name for name in _pieces(line) if _a_name(name)]
        if found and len(found) == len(_pieces(line)):
            names += found
        elif names:
            break   # the names are together below the title (and its subtitle)
    return title, [family_first(name) for name in names]


def _unmarked(line: Line) -> str:
    """A title line's text without the note's sign or raised number after it."""
    chars = list(line.chars)
    while chars and (chars[-1].text in NOTE_MARKS or (chars[-1].text.isdigit() and line.y - chars[-1].y > 0.2 * chars[-1].size)
                     or chars[-1].text == " "):
        chars.pop()
    return "".join(c.text for c in chars).strip()


def _pieces(line: Line) -> list[str]:
    """A line's parts set apart by wide gaps (LaTeX sets its authors "A \\and B" on one line)."""
    parts: list[list[str]] = [[]]
    previous = None
    for c in line.chars:
        if previous is not None and c.text != " " and c.x - previous.x - 0.6 * previous.size > 1.2 * line.size:
            parts.append([])
        if c.text != " " or parts[-1]:
            parts[-1].append(c.text)
        if c.text != " ":
            previous = c
    return [_strip("".join(p)) for p in parts if "".join(p).strip()]


def _strip(text: str) -> str:
    return text.strip().rstrip(NOTE_MARKS + "0123456789").strip(" ,")


def _a_name(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() or w in PARTICLES for w in words) and not name.endswith((".", ":"))


def facts(book: Book, metadata: dict[str, str]) -> None:
    """The book's title and authors (book.facts["title"], book.authors) from the PDF's metadata,
    else from its title page (the first page with display type), with a Hinweis."""
    book.facts = dict(metadata)
    first = min(book.printed, default=0)
    title, names = title_page(book.printed.get(first, [])) if first else ("", [])
    if metadata.get("author"):
        book.authors = split_authors(metadata["author"])
    elif names:
        book.authors = names
        book.events.append(Event(first, None, book.folios.get(first, "?"), "warning",
                                 f"the PDF names no author: {'; '.join(names)} from the title page (check edition.toml)",
                                 printed="; ".join(names), reading="; ".join(names), check="authors"))
    if not metadata.get("title") and title:
        book.facts["title"] = title
        book.events.append(Event(first, None, book.folios.get(first, "?"), "warning",
                                 f"the PDF names no title: '{title}' from the title page (check edition.toml)",
                                 printed=title, reading=title, check="title"))
