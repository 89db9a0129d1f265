"""Citations of the chapter, a section or a paragraph, and the files reference managers read.

Only facts from the config appear: an empty author, book title or year is left out, never
guessed. Print pages come from the page markers; an unknown page is said to be unknown.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.config import Config
from generator.labels import date
from generator.model import Block, Chapter, PageBreak, Section


def _shown(page: PageBreak) -> str:
    """A print page as a citation names it: "229", or "1 (Titelei)" for a page numbered apart."""
    return f"{page.printed} ({page.sequence})" if page.sequence else page.printed


def page_range(first: PageBreak | None, last: PageBreak | None, words: dict[str, str]) -> str:
    """A print-page reference: "S. 229", "S. 229–230", or a plain statement of ignorance."""
    page = words["page"]
    if first is None or not first.known:
        return words["page_unknown"]
    apart = f" ({first.sequence})" if first.sequence else ""   # a numbering apart: "S. 1–2 (Titelei)"
    if last is None or not last.known or last.label == first.label:
        return f"{page} {first.printed}{apart}" if last is None or last.known else f"{page} {first.printed}–?{apart}"
    if last.sequence != first.sequence:
        return f"{page} {first.printed}{apart}–{last.printed}{f' ({last.sequence})' if last.sequence else ''}"
    return f"{page} {first.printed}–{last.printed}{apart}"




@dataclass(frozen=True)
class Item:
    """A chapter as a reference manager sees it: its own facts (front matter) over the book's.
    Every citation and export is made from this one record."""
    title: str  # without the number the heading prints ("1. Einleitung" → "Einleitung"): `number`
    authors: tuple[str, ...]
    editors: tuple[str, ...]
    book_title: str
    publisher: str
    place: str
    year: str
    first_page: str  # print pages: the front matter's, else those the page markers cover
    last_page: str
    language: str
    doi: str = ""
    url: str = ""  # the chapter page's address, when the edition's is known
    kind: str = ""  # "edited": a contribution to an edited volume; "monograph": a part of the authors' book
    number: str = ""  # the chapter's number as its heading prints it ("1", "IV")


# A number the heading prints before the title: "1.", "1", "IV.", "Kapitel 3:".
HEADING_NUMBER = re.compile(r"^((?:Kapitel|Chapter|Kap\.)\s+)?(\d{1,3}|[IVX]{1,6})([.:]?)\s+(?=\S)")


def split_number(title: str, sections: tuple[str, ...] = ()) -> tuple[str, str]:
    """("1", "Einleitung") for "1. Einleitung"; ("", title) for a title without a number. A
    number counts as the chapter's only where the book says so: its sections are numbered
    under it ("1.1", "1.2"), or the heading says "Kapitel 3"; "1. Mai 1945", "100 Jahre" and
    "I. Kant" keep theirs."""
    match = HEADING_NUMBER.match(title)
    if not match:
        return "", title
    number = match.group(2)
    if match.group(1) or any(section.startswith(number + ".") for section in sections):
        return number, title[match.end():]
    return "", title


def book_kind(config: Config) -> str:
    """How the book's chapters are cited: as contributions to an edited volume (it has editors),
    as parts of the authors' monograph (it has authors or a title), or, knowing nothing, "".
    `[source] kind` says otherwise."""
    book = config.source
    return book.kind or ("edited" if book.editors else "monograph" if book.authors or book.book_title else "")


def item(config: Config, chapter: Chapter) -> Item:
    """The chapter's record. Its pages are never the book's: without front matter, they are
    the first and last print page its markers give, or unknown."""
    meta, book = chapter.meta, config.source
    first, last = meta.first_page, meta.last_page
    known = [page for page in chapter.page_breaks if page.known]
    if not (first or last) and known:   # a page of a numbering apart says which: "1–2 (Titelei)"
        start, end = known[0], known[-1]
        if start.label == end.label:
            first, last = _shown(start), ""
        else:
            first, last = start.printed if start.sequence == end.sequence else _shown(start), _shown(end)
    number, title = split_number(meta.title or chapter.title, tuple(section.number for section in chapter.sections))
    return Item(title=title, authors=meta.authors or book.authors, editors=book.editors,
                book_title=book.book_title, publisher=book.publisher, place=book.place, year=book.year,
                first_page=first, last_page=last, language=meta.language or config.language, doi=meta.doi,
                url=config.url + f"{chapter.slug}/index.html" if config.url else "", kind=book_kind(config),
                number=number)


def book_item(config: Config, page: str = "") -> Item:
    """The printed book as a whole (the home page's and the print pages' record); `page` a
    print page of it, when one page is cited."""
    book = config.source
    return Item(title=book.book_title or config.title, authors=book.authors, editors=book.editors, book_title="",
                publisher=book.publisher, place=book.place, year=book.year, first_page=page, last_page="",
                language=config.language, url=config.url + "index.html" if config.url else "",
                kind="book")


def _names(names: tuple[str, ...]) -> str:
    return " / ".join(names)


def chapter_reference(work: Item, words: dict[str, str]) -> str:
    """The chapter's reference, with unknown parts left out. A contribution to an edited volume:
    "Autor: Titel. In: Hrsg. (Hrsg.): Buch. Ort: Verlag Jahr, S. x–y"; a chapter of the authors'
    own book is a part of it: "Autor: Buch. Ort: Verlag Jahr, Kap. 1 „Titel“, S. x–y"."""
    parts = []
    place = f"{work.place}:" if work.place and work.publisher else work.place
    imprint = " ".join(x for x in (place, work.publisher, work.year) if x)
    pages = f"{words['page']} {_pages(work)}" if _pages(work) else ""
    if work.kind == "book":   # the book itself: "Autor: Buch. Hrsg. von …. Ort: Verlag Jahr, S. 5."
        parts.append((f"{_names(work.authors)}: {work.title}" if work.authors else work.title) + ".")
        if work.editors:
            parts.append(f"{words['edited_by'].capitalize()} {_names(work.editors)}.")
        tail = ", ".join(x for x in (imprint, pages) if x)
    elif work.kind == "monograph" and work.book_title:
        parts.append((f"{_names(work.authors)}: {work.book_title}" if work.authors else work.book_title) + ".")
        if work.editors:
            parts.append(f"{words['edited_by'].capitalize()} {_names(work.editors)}.")
        chapter = ""
        if work.title != work.book_title or work.number:
            number = f" {work.number}" if work.number else ""
            chapter = f"{words['chapter_cite']}{number} {words['quote_open']}{work.title}{words['quote_close']}"
        tail = ", ".join(x for x in (imprint, chapter, pages) if x)
    else:
        head = f"{_names(work.authors)}: {work.title}" if work.authors else work.title
        parts.append(head + ".")
        if work.book_title:
            editors = f"{_names(work.editors)} {words['editors_cite']}: " if work.editors else ""
            parts.append(f"{words['in']}: {editors}{work.book_title}.")
        tail = ", ".join(x for x in (imprint, pages) if x)
    if tail:
        parts.append(tail + ".")
    return " ".join(parts)


def _pages(work: Item) -> str:
    """The chapter's pages, "25–26" or "25" (or "" if unknown)."""
    first, last = work.first_page, work.last_page
    return f"{first}–{last}" if first and last else first or last


def section_label(section: Section, words: dict[str, str]) -> str:
    title = _strip_number(section) if section.number else section.title_text
    number = f" {section.number}" if section.number else ""
    return f"{words['section'].capitalize()}{number} {words['quote_open']}{title}{words['quote_close']}"


def _strip_number(section: Section) -> str:
    return re.sub(r"^\d+(?:\.\d+)*\.?\s*", "", section.title_text)


def edition_note(config: Config, words: dict[str, str]) -> str:
    """What a citation says of the digital edition: its editors, its version ("Stand") and its
    DOI, as far as they are known: "Digitale Edition, hg. von …, Stand: 21. November 2025"."""
    parts = [words["digital_edition"]]
    if config.editors:
        parts.append(f"{words['edited_by']} {_names(config.editors)}")
    if config.date:
        parts.append(f"{words['version_of']} {date(config.date, config.language)}")
    if config.doi:
        parts.append(f"https://doi.org/{config.doi}")
    return ", ".join(parts)


def citation(reference: str, words: dict[str, str], section: Section | None = None, block: Block | None = None,
             edition: str = "") -> str:
    """The citation text of the chapter (its `chapter_reference`), a section or a paragraph,
    then the digital edition (`edition_note`), without the URL (the page adds it as a link)."""
    text = reference
    where = [section_label(section, words)] if section is not None else []
    if block is not None:
        where += [page_range(block.first_page, block.last_page, words), f"{words['para_short']} {block.number}"]
    elif section is not None:
        where.append(page_range(section.first_page, section.last_page, words))
    if where:
        text = text.removesuffix(".") + f", {words['here']}: " + ", ".join(where) + "."
    return f"{text} {edition or words['digital_edition']}"


# ---- files for reference managers (linked with <link rel="alternate"> on the chapter page) ----

def _csl(work: Item, key: str, note: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {"id": key, "type": "book" if work.kind == "book" else "chapter", "title": work.title,
                            "language": work.language}
    if work.authors:
        data["author"] = [_csl_name(n) for n in work.authors]
    if work.editors:
        data["editor"] = [_csl_name(n) for n in work.editors]
    if work.kind == "monograph" and work.authors:
        data["container-author"] = data["author"]  # the book is the chapter's authors' own
    if work.book_title:
        data["container-title"] = work.book_title
    if work.number:
        data["chapter-number"] = work.number
    if work.publisher:
        data["publisher"] = work.publisher
    if work.place:
        data["publisher-place"] = work.place
    if work.year.isdigit():
        data["issued"] = {"date-parts": [[int(work.year)]]}
    if pages := _pages(work):
        data["page"] = pages
    if work.doi:
        data["DOI"] = work.doi
    if work.url:
        data["URL"] = work.url
    if note:
        data["note"] = note
    return data


def _csl_name(name: str) -> dict[str, str]:
    if "," in name:
        family, given = (s.strip() for s in name.split(",", 1))
        return {"family": family, "given": given}
    return {"literal": name}


def csl_json(work: Item, key: str, note: str = "") -> str:
    return json.dumps([_csl(work, key, note)], ensure_ascii=False, indent=2) + "\n"


# BibTeX finds a field's end by counting braces, and counts every brace, also one after a
# backslash: "\\}" ends the field early (the rest of the entry is skipped). So braces become
# LaTeX's text commands, whose own braces balance; the other characters LaTeX reads as markup
# are escaped. Addresses are written as they are, their braces and backslashes percent-encoded.
_BIBTEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&", "%": r"\%",
           "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIBTEX_SPECIAL = re.compile("[" + re.escape("".join(_BIBTEX)) + "]")
_ADDRESS = {"{": "%7B", "}": "%7D", "\\": "%5C"}


def _bibtex_escape(value: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX[m.group()], value)


def _bibtex_address(value: str) -> str:
    return re.sub(r"[{}\\]", lambda m: _ADDRESS[m.group()], value)


def _bibtex_names(names: tuple[str, ...]) -> str:
    """Names for BibTeX, escaped: "Family, Given" as it is; a name without a comma (one that
    stays as written, an institution's) in braces, whole, or BibTeX takes its last word for a
    family name ("Forschungsgemeinschaft, Deutsche")."""
    return " and ".join(_bibtex_escape(n) if "," in n else "{" + _bibtex_escape(n) + "}" for n in names)


def bibtex(work: Item, key: str, note: str = "") -> str:
    fields = [("title", work.title), ("author", _bibtex_names(work.authors)), ("editor", _bibtex_names(work.editors)),
              ("booktitle", work.book_title), ("publisher", work.publisher), ("address", work.place),
              ("year", work.year), ("pages", _pages(work).replace("–", "--")),
              ("language", "german" if work.language == "de" else work.language), ("doi", work.doi), ("url", work.url),
              ("note", note)]
    if work.number:
        fields.insert(1, ("chapter", work.number))
    # the names are escaped already (an institution's braces are BibTeX's)
    escaped: dict[str, Callable[[str], str]] = {"doi": _bibtex_address, "url": _bibtex_address, "author": str, "editor": str}
    body = ",\n".join(f"  {k} = {{{escaped.get(k, _bibtex_escape)(v)}}}"
                      for k, v in fields if v)
    # the book, a part of the authors' own book, or a contribution to an edited volume
    kind = {"book": "book", "monograph": "inbook"}.get(work.kind, "incollection")
    return f"@{kind}{{{key},\n{body}\n}}\n"


def ris(work: Item, note: str = "") -> str:
    rows = [("TY", "BOOK" if work.kind == "book" else "CHAP"), ("TI", work.title)]
    rows += [("AU", a) for a in work.authors] + [("A2", e) for e in work.editors]
    rows += [("T2", work.book_title), ("PB", work.publisher), ("CY", work.place), ("PY", work.year),
             ("SP", work.first_page), ("EP", work.last_page), ("LA", work.language), ("DO", work.doi),
             ("UR", work.url), ("N1", note), ("ER", "")]
    # One line per field, whatever a value holds: a line break would start a record of its own.
    return "".join(f"{k}  - {' '.join(v.split())}\r\n" for k, v in rows if v or k == "ER")


def json_ld(work: Item, date: str) -> str:
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Chapter", "name": work.title,
                            "inLanguage": work.language}
    if work.authors:
        data["author"] = [{"@type": "Person", "name": a} for a in work.authors]
    if work.book_title:
        data["isPartOf"] = {"@type": "Book", "name": work.book_title}
    if work.first_page:
        data["pageStart"] = work.first_page
    if work.last_page:
        data["pageEnd"] = work.last_page
    if work.doi:
        data["sameAs"] = f"https://doi.org/{work.doi}"
    if work.url:
        data["url"] = work.url
    if date:
        data["dateModified"] = date
    # Inside <script>, no "<" may appear at all: a title "</script><script>…" must stay data.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
