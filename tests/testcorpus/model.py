"""The document model every generator writes and every typesetter reads, and the gold derived
from it.

A run of text is `(kind, value)`: "text", "em", "strong", "spaced" (letter-spaced, where the
typesetter can), "code" (monospace), "url" (an address the typesetter may break), "logo" ("TeX",
"LaTeX": the TeX logos where the typesetter has them, plain letters elsewhere), "br" (a forced line
break inside a note) or "note" (a footnote; its value is the note's own runs).
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
Run = tuple[str, object]


@dataclass
class Block:
    kind: str                                   # para, heading, quote, ol, ul, table, code
    runs: list[Run] = field(default_factory=list)
    level: int = 2                              # headings: 2 section, 3 subsection
    items: list[list[Run]] = field(default_factory=list)     # ol, ul
    rows: list[list[str]] = field(default_factory=list)      # table: the first row is the header
    lines: list[str] = field(default_factory=list)           # code


@dataclass
class Chapter:
    title: str                                  # as printed at the chapter's opening ("2. Werkzeuge")
    head: str                                   # as printed in the running head
    blocks: list[Block]


@dataclass
class Doc:
    name: str
    split: str                                  # "tuning" or "heldout"
    generator: str
    title: str
    subtitle: str
    authors: list[str]                          # as printed on the title page ("Jonas von Brand")
    chapters: list[Chapter]
    preface: list[Block] = field(default_factory=list)
    title_note: str = ""                        # the title page's "∗" note
    pdf_title: bool = True                      # whether the PDF's metadata names the title
    pdf_authors: list[str] = field(default_factory=list)     # the PDF's Author entry (as the metadata gives it)


@dataclass(frozen=True)
class Layout:
    name: str
    typesetter: str                             # typst, pdflatex, lualatex, writer, weasyprint, groff
    paper: str = "a5"                           # a5, a4, b5, letter
    size: float = 10
    indent: bool = True                         # first-line indent; else space between paragraphs
    heads: str = "versorecto"                   # versorecto ("12 Book" / "Chapter 13"), centered (head above, folio below)
    notes: str = "chapter"                      # chapter (numbers restart per chapter), page (per page), endnotes
    front: bool = True                          # title page, preface and contents, numbered in roman


def plain(runs: list[Run], notes: list[list[Run]] | None = None, numbers: list[str] | None = None) -> str:
    """The reading text of runs: references as superscript numbers (the next of `numbers`, or the
    running count of `notes`), a forced line break as a space."""
    out = []
    for kind, value in runs:
        if kind == "note":
            assert notes is not None
            notes.append(value)  # type: ignore[arg-type]
            label = numbers[len(notes) - 1] if numbers else str(len(notes))
            out.append(label.translate(SUPERSCRIPT))
        elif kind == "br":
            out.append(" ")
        else:
            out.append(str(value))
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def chapter_notes(chapter: Chapter) -> list[list[Run]]:
    notes: list[list[Run]] = []
    for block in chapter.blocks:
        for runs in [block.runs, *block.items]:
            plain(runs, notes)
    return notes


def parts(doc: Doc, layout: Layout) -> list[Chapter]:
    """The book's parts in reading order: the preface ("Vorwort", where the layout has front
    matter; its notes are footnotes in every layout) and the chapters."""
    front = [Chapter("Vorwort", "Vorwort", doc.preface)] if layout.front and doc.preface else []
    return front + doc.chapters


def gold(doc: Doc, layout: Layout, note_numbers: list[list[str]] | None = None) -> dict:
    """The structured gold: per chapter its blocks (headings with levels, paragraphs, list items
    with their printed markers, table rows, code lines) and notes with their print numbers.
    `note_numbers` (per chapter) gives the numbers where the print decides them (notes per page)."""
    chapters = []
    for c, chapter in enumerate(parts(doc, layout)):
        numbers = note_numbers[c] if note_numbers else None
        notes: list[list[Run]] = []
        blocks: list[dict] = []
        for block in chapter.blocks:
            if block.kind in ("para", "quote"):
                blocks.append({"kind": block.kind, "text": plain(block.runs, notes, numbers)})
            elif block.kind == "heading":
                blocks.append({"kind": "heading", "level": block.level, "text": plain(block.runs, notes, numbers)})
            elif block.kind in ("ol", "ul"):
                for i, item in enumerate(block.items, 1):
                    marker = f"{i}." if block.kind == "ol" else ""
                    text = plain(item, notes, numbers)
                    blocks.append({"kind": "item", "ordered": block.kind == "ol", "marker": marker,
                                   "text": f"{marker} {text}" if marker else text})
            elif block.kind == "table":
                blocks += [{"kind": "row", "header": i == 0, "text": " ".join(row)} for i, row in enumerate(block.rows)]
            elif block.kind == "code":
                blocks += [{"kind": "code", "text": line} for line in block.lines]
        labels = numbers or [str(i) for i in range(1, len(notes) + 1)]
        chapters.append({"title": chapter.title, "head": chapter.head, "blocks": blocks,
                         "notes": [{"n": labels[i], "text": plain(n)} for i, n in enumerate(notes)]})
    return {"name": doc.name, "split": doc.split, "generator": doc.generator, "typesetter": layout.typesetter,
            "layout": asdict(layout), "title": doc.title, "subtitle": doc.subtitle, "authors": doc.authors,
            "metadata": {"title": doc.title if doc.pdf_title else "", "authors": doc.pdf_authors},
            "title_note": doc.title_note, "chapters": chapters,
            "running_heads": sorted({doc.title} | {c.head for c in doc.chapters} | ({"Vorwort"} if layout.front and doc.preface else set())
                                    # Writer's chapter field shows the heading as printed, number included
                                    | ({c.title for c in doc.chapters} if layout.typesetter == "writer" else set()))}


def clean_form(answer: dict) -> str:
    """The gold in `edition clean`'s form: each chapter's title, one block a line (headings as
    printed, references as superscripts, list items with their printed number, a table row or a
    code line a block), the chapter's notes after it ("⁸ text"), blocks apart by a blank line."""
    out: list[str] = []
    for chapter in answer["chapters"]:
        out.append(chapter["title"])
        out += [b["text"] for b in chapter["blocks"]]
        out += [f"{n['n'].translate(SUPERSCRIPT)} {n['text']}" for n in chapter["notes"] if n.get("page", 1)]
    return "\n\n".join(out) + "\n"
