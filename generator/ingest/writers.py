"""The one writer: the book (model.py) → the text of every file ingest writes, for every route.

Chapter sources in the build's Markdown, a first `edition.toml` and `decisions.toml`, the
recorded print (`review/*.lines.json`), and the clean reading text `edition clean` prints. The
review report is report.py's; commit.py puts all of them in place. Every value goes into its
format through values.py (one escaping function per format), so what is written reads back as
itself: no emphasis, link, marker or configuration line from a printed page or a file name.
"""
from __future__ import annotations

import json

from generator.ingest.model import Block, Book, Chapter, Inline, Mark, PrintedPage, Ref, Text
from generator.ingest.structure import TO_SUPERSCRIPT
from generator.ingest.values import (
    anchor,
    block_start,
    markdown,
    marker_argument,
    toml_comment,
    toml_string,
    toml_strings,
)
from generator.render.zones import LINES_VERSION, line_box
from generator.source import slugify

# ---- chapter sources ----


def _inline(inlines: list[Inline], start: bool = True) -> str:
    """Inline runs as the source's Markdown; `start`: the text opens a paragraph (so "1990. Es"
    must not become a list)."""
    out: list[str] = []
    for run in inlines:
        if isinstance(run, Mark):
            out.append("{{page " + run.label + "}}")
        elif isinstance(run, Ref):
            out.append(f"[^{run.label}]")
        elif run.style:
            core = run.text.strip()
            lead, trail = run.text[: len(run.text) - len(run.text.lstrip())], run.text[len(run.text.rstrip()):]
            marker = "**" if run.style == "strong" else "*"
            out.append(f"{lead}{marker}{markdown(core)}{marker}{trail}" if core else run.text)
        else:
            out.append(markdown(run.text))
    text = "".join(out).strip()
    return block_start(text) if start else text


def _anchor(block: Block) -> str:
    return f" {{#{anchor(block.anchor)}}}" if anchor(block.anchor) else ""


def _heading(block: Block) -> list[str]:
    """A heading, with the page marks it carries (a page that begins with it) before it."""
    marks = [r for r in block.inlines if isinstance(r, Mark)]
    title = _inline([r for r in block.inlines if not isinstance(r, Mark)], start=False)
    level = "#" * max(block.level, 2)
    return ["".join("{{page " + m.label + "}}" for m in marks)] * bool(marks) + [f"{level} {title}{_anchor(block)}"]


def chapter_markdown(chapter: Chapter) -> str:
    """The chapter source: its title as `# `, the blocks in order, its notes (print numbers)
    at the end. The print pages it covers are its page markers (the build reads them)."""
    return chapter_source(chapter)[0]


def chapter_source(chapter: Chapter) -> tuple[str, list[dict[str, object]]]:
    """The chapter source, and where each block and note with printed lines stands in it:
    `{"line": its line in the source, "lines": [[page, n], …]}` (the record of the text as
    ingested: the build links each block to its lines through it)."""
    title = markdown(chapter.title) if chapter.title.strip() else "{{add " + UNTITLED + "}}"
    out = ["# " + title]
    starts: list[tuple[int, int, list[tuple[int, int]]]] = []  # (index in out, lines before it there, its lines)

    def placed(block_lines: list[tuple[int, int]], heading: bool = False) -> None:
        if block_lines:  # a heading's page marks stand in a paragraph of their own before it
            starts.append((len(out) - 1, out[-1].count("\n") if heading else 0, block_lines))
    for block in chapter.blocks:
        if block.kind == "heading":
            out.append("\n\n".join(_heading(block)))
        elif block.kind == "opening":   # an editorial heading: the pages begin inside a section
            text = marker_argument("".join(r.text for r in block.inlines if isinstance(r, Text)))
            out.append("#" * max(block.level, 2) + " {{add " + text + "}}" + _anchor(block))
        elif block.kind == "gap":
            out.append("{{gap: " + marker_argument("".join(r.text for r in block.inlines if isinstance(r, Text))) + "}}")
        elif block.kind == "quote":
            out.append("> " + _inline(block.inlines))
        elif block.kind == "item":
            out.append("- " + _inline(block.inlines))
        elif block.kind == "figure":   # the page's mark first: the picture stands on that page
            marks: list[Inline] = [r for r in block.inlines if isinstance(r, Mark)]
            rest: list[Inline] = [r for r in block.inlines if not isinstance(r, Mark)]
            out.append(_inline(marks) + "{{add Abbildung}} " + _inline(rest))
        else:
            out.append(_inline(block.inlines))
        placed(getattr(block, "lines", []), heading=block.kind == "heading")
    for note in chapter.notes:
        out.append(f"[^{note.label}]: " + _inline(note.inlines))
        placed(getattr(note, "lines", []))
    line, at, blocks = 1, [], []
    for part in out:
        at.append(line)
        line += part.count("\n") + 2
    for index, offset, block_lines in starts:
        blocks.append({"line": at[index] + offset, "lines": [list(pair) for pair in block_lines]})
    return "\n\n".join(out) + "\n", blocks


UNTITLED = "Ohne Überschrift"   # a chapter whose text stands before any heading: the title is the editor's


# ---- the clean reading text ----

def _clean(inlines: list[Inline]) -> str:
    return "".join(r.text if isinstance(r, Text) else r.label.translate(TO_SUPERSCRIPT) if isinstance(r, Ref) else ""
                   for r in inlines).strip()


def clean_text(book: Book) -> str:
    """Headings as printed, one paragraph per line, references as superscripts, each chapter's
    notes after it ("⁸ text"); lost text as "[…]". What the editor added (a title known only from
    a running head, an editorial heading) is not the print's and is left out."""
    out: list[str] = []
    for chapter in book.chapters:
        if chapter.printed_title:
            out.append(chapter.title)
        for block in chapter.blocks:
            if block.kind == "gap":
                out.append("[…]")
            elif block.kind != "opening":
                out.append(_clean(block.inlines))
        out += [f"{n.label.translate(TO_SUPERSCRIPT)} {_clean(n.inlines)}" for n in chapter.notes]
    return "\n\n".join(out) + "\n"


# ---- names ----

def slug(title: str) -> str:
    return slugify(title)[:60].strip("-") or "kapitel"


def plan_files(book: Book, known: dict[str, str], named: str | None = None) -> dict[str, Chapter]:
    """File name → chapter: `named` for a one-chapter ingest into a given file; else `NNN-slug.md`
    in reading order, and the names a former ingest gave (`known`: title → name) kept."""
    if named is not None:
        return {named: book.chapters[0]} if book.chapters else {}
    used: set[str] = set()
    planned: dict[str, Chapter] = {}
    for number, chapter in enumerate(book.chapters, 1):
        name = known.get(chapter.title)
        if not name or name in used:
            name = f"{number:03d}-{slug(chapter.title)}.md"
        while name in used:
            name = name[:-3] + "-2.md"
        used.add(name)
        planned[name] = chapter
    return planned


# ---- the edition's first config and decisions ----

def edition_toml(book: Book, command: str, title: str, facsimile: tuple[str, str] | None = None) -> str:
    """A first edition.toml: the book's own title (or `title`); what the book does not say is
    left empty for the editor, never guessed. `facsimile`: ("pdf", the book's PDF) or
    ("page_images", a scan's pictures' folder) in the content folder, its pages shown beside
    the text. `command`: how it was made, for the comment that says so."""
    key, value = facsimile if facsimile and facsimile[0] else ("", "")
    what = {"pdf": "its pages are shown beside the text", "page_images": "the scan's pages, shown beside the text"}
    author = book.facts.get("author", "")
    return (f"# Written by `{toml_comment(command)}`: check it and fill in what the book says.\n"
            f"title = {toml_string(book.facts.get('title') or title or 'Edition')}\nlanguage = \"de\"\n\n[source]\n"
            f"book_title = {toml_string(book.facts.get('title', ''))}\n"
            f"authors = {toml_strings([author] if author else [])}   # each \"Family, Given\"\n"
            "publisher = \"\"\nplace = \"\"\nyear = \"\"\n"
            + (f"{key} = {toml_string(value)}   # {what[key]}\n" if key else "")
            + "\n[content]\nexclude = [\"review/*\"]\n")


DECISIONS_TEMPLATE = """# The editor's decisions for `edition ingest`: applied at every re-ingest, and every one that
# no longer matches anything is reported.
#
# [[replace]]                 # correct the text as printed ("Mueller" → "Müller")
# raw = "Mueller"
# clean = "Müller"
# page = 12                   # optional: only on this print page
# note = "Druckfehler"
#
# [[join]]                    # page text: close a space the tool left open ("in dem" → "indem")
# raw = "in dem"
# [[keep]]                    # page text: forbid a join the tool would make
# raw = "Kon kret"
# title = "…"                 # page text: the chapter's title (default: the running title)
# [pages]                     # page text: print page numbers the pages do not show
# "p017.txt" = 17
# [gaps]                      # page text: the note on lost text, by the page it follows
# after-17 = "…"
# [opening]                   # page text: the editorial heading of text before the first printed one
# label = "…"
# id = "…"
"""


# ---- the print as recorded ----

def lines_json(pages: list[PrintedPage], chapters: dict[str, Chapter] | None = None,
               replaced: list[tuple[str, str, str]] | None = None) -> str:
    """review/*.lines.json (version 2, generator/printed.py reads it): every printed line, its
    role and its place on the page (`box`: fractions of the page, render/zones.py); and the text
    of each chapter file as ingest wrote it (`chapters`, by file name) with the lines each block
    came from: the build tells the print, the tool's repairs and the editor's work apart by it.
    `replaced`: the editor's `[[replace]]` decisions that changed the text, (raw, clean, page or
    ""): the build gives them as the editor's corrections, not as the tool's repairs."""
    out = []
    for page in pages:
        record: dict[str, object] = {}
        if page.pdf_page is not None:
            record["pdf_page"] = page.pdf_page
        record["page"] = page.label
        if page.file:
            record["file"] = page.file
        if page.picture:
            record["picture"] = page.picture
        if page.size is not None:
            record["width"], record["height"] = page.size
        lines = []
        for line in page.lines:
            entry: dict[str, object] = {"n": line.n, "text": line.text}
            if line.box is not None and page.size is not None:
                left, right, baseline, size = line.box
                box = line_box({"n": line.n, "left": left, "right": right, "baseline": baseline, "size": size},
                               *page.size)
                if box is not None:
                    entry["box"] = box.as_list()
                entry["hyphen"] = line.hyphen
            if line.frame is not None:
                entry["box"] = list(line.frame)
            if line.unsure:
                entry["unsure"] = [list(span) for span in line.unsure]
            entry["role"] = line.role
            lines.append(entry)
        record["lines"] = lines
        out.append(record)
    texts = []
    for name, chapter in (chapters or {}).items():
        text, blocks = chapter_source(chapter)
        texts.append({"file": name, "text": text, **({"blocks": blocks} if blocks else {})})
    decided = [{"raw": raw, "clean": clean, **({"page": page} if page else {})} for raw, clean, page in replaced or []]
    return json.dumps({"version": LINES_VERSION, "pages": out, "chapters": texts,
                       **({"replaced": decided} if decided else {})}, ensure_ascii=False) + "\n"
