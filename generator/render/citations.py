"""Citations of the chapter, a section or a paragraph, and the files reference managers read.

Only facts from the config appear: an empty author, book title or year is left out, never
guessed. Print pages come from the page markers; an unknown page is said to be unknown.
"""
from __future__ import annotations

import json
import re

from generator.config import Config
from generator.model import Block, Chapter, PageBreak, Section


def page_range(first: PageBreak | None, last: PageBreak | None) -> str:
    """German print-page reference: "S. 229", "S. 229–230", or a plain statement of ignorance."""
    if first is None or first.number is None:
        return "Seitenzahl der Druckausgabe unbekannt"
    if last is None or last.number is None or last.number == first.number:
        return f"S. {first.number}" if last is None or last.number is not None else f"S. {first.number}–?"
    return f"S. {first.number}–{last.number}"


MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")


def german_date(iso: str) -> str:
    """"2026-11-21" → "21. November 2026"."""
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{day}. {MONTHS[month - 1]} {year}"


def _names(names: tuple[str, ...]) -> str:
    return " / ".join(names)


def chapter_reference(config: Config, chapter: Chapter) -> str:
    """"Autor: Titel. In: Hrsg. (Hrsg.): Buch. Ort: Verlag Jahr, S. x–y" with unknown parts left out."""
    src = config.source
    parts = []
    head = f"{_names(src.authors)}: {chapter.title}" if src.authors else chapter.title
    parts.append(head + ".")
    book = src.book_title
    if book:
        editors = f"{_names(src.editors)} (Hrsg.): " if src.editors else ""
        parts.append(f"In: {editors}{book}.")
    imprint = " ".join(x for x in (f"{src.place}:" if src.place and src.publisher else src.place, src.publisher, src.year) if x)
    pages = _chapter_pages(config)
    tail = ", ".join(x for x in (imprint, pages) if x)
    if tail:
        parts.append(tail + ".")
    return " ".join(parts)


def _chapter_pages(config: Config) -> str:
    first, last = config.source.first_page, config.source.last_page
    if first and last:
        return f"S. {first}–{last}"
    return f"S. {first or last}" if first or last else ""


def section_label(section: Section) -> str:
    return f"Abschnitt {section.number} „{_strip_number(section)}“" if section.number else f"Abschnitt „{section.title_text}“"


def _strip_number(section: Section) -> str:
    return re.sub(r"^\d+(?:\.\d+)*\.?\s*", "", section.title_text)


def citation(reference: str, section: Section | None = None, block: Block | None = None) -> str:
    """The German citation text of the chapter (its `chapter_reference`), a section or a
    paragraph, without the URL (the page adds it as a link)."""
    text = reference
    if section is not None:
        where = [section_label(section)]
        if block is not None:
            where += [page_range(block.first_page, block.last_page), f"Abs. {block.number}"]
        else:
            where.append(page_range(section.first_page, section.last_page))
        text = text.removesuffix(".") + ", hier: " + ", ".join(where) + "."
    return text + " Digitale Edition"


# ---- files for reference managers (linked with <link rel="alternate"> on the chapter page) ----

def _csl(config: Config, chapter: Chapter, url: str) -> dict:
    src = config.source
    item: dict = {"id": chapter.slug, "type": "chapter", "title": chapter.title, "language": config.language}
    if src.authors:
        item["author"] = [_csl_name(n) for n in src.authors]
    if src.editors:
        item["editor"] = [_csl_name(n) for n in src.editors]
    if src.book_title:
        item["container-title"] = src.book_title
    if src.publisher:
        item["publisher"] = src.publisher
    if src.place:
        item["publisher-place"] = src.place
    if src.year.isdigit():
        item["issued"] = {"date-parts": [[int(src.year)]]}
    if pages := _chapter_pages(config).removeprefix("S. "):
        item["page"] = pages
    if url:
        item["URL"] = url
    return item


def _csl_name(name: str) -> dict:
    if "," in name:
        family, given = (s.strip() for s in name.split(",", 1))
        return {"family": family, "given": given}
    return {"literal": name}


def csl_json(config: Config, chapter: Chapter, url: str) -> str:
    return json.dumps([_csl(config, chapter, url)], ensure_ascii=False, indent=2) + "\n"


def _bibtex_escape(value: str) -> str:
    return re.sub(r"([{}\\&%$#_])", r"\\\1", value)


def bibtex(config: Config, chapter: Chapter, url: str) -> str:
    src = config.source
    fields = [("title", chapter.title), ("author", " and ".join(src.authors)), ("editor", " and ".join(src.editors)),
              ("booktitle", src.book_title), ("publisher", src.publisher), ("address", src.place),
              ("year", src.year), ("pages", _chapter_pages(config).removeprefix("S. ").replace("–", "--")),
              ("language", "german" if config.language == "de" else config.language), ("url", url)]
    body = ",\n".join(f"  {k} = {{{_bibtex_escape(v)}}}" for k, v in fields if v)
    return f"@incollection{{{chapter.slug},\n{body}\n}}\n"


def ris(config: Config, chapter: Chapter, url: str) -> str:
    src = config.source
    first, last = src.first_page, src.last_page
    rows = [("TY", "CHAP"), ("TI", chapter.title)]
    rows += [("AU", a) for a in src.authors] + [("A2", e) for e in src.editors]
    rows += [("T2", src.book_title), ("PB", src.publisher), ("CY", src.place), ("PY", src.year),
             ("SP", first), ("EP", last), ("LA", config.language), ("UR", url), ("ER", "")]
    # One line per field, whatever a value holds: a line break would start a record of its own.
    return "".join(f"{k}  - {' '.join(v.split())}\r\n" for k, v in rows if v or k == "ER")


def json_ld(config: Config, chapter: Chapter, url: str) -> str:
    src = config.source
    data: dict = {"@context": "https://schema.org", "@type": "Chapter", "name": chapter.title,
                  "inLanguage": config.language}
    if src.authors:
        data["author"] = [{"@type": "Person", "name": a} for a in src.authors]
    if src.book_title:
        data["isPartOf"] = {"@type": "Book", "name": src.book_title}
    if src.first_page:
        data["pageStart"] = src.first_page
    if src.last_page:
        data["pageEnd"] = src.last_page
    if url:
        data["url"] = url
    if config.date:
        data["dateModified"] = config.date
    # Inside <script>, no "<" may appear at all: a title "</script><script>…" must stay data.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
