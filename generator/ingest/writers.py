"""The one writer: the book (model.py) → the text of every file ingest writes, for every route.

Chapter sources in the build's Markdown, a first `edition.toml` and `decisions.toml`, the
recorded print (`review/*.lines.json`), and the clean reading text `edition clean` prints. The
review report is report.py's; commit.py puts all of them in place. Every value goes into its
format through values.py (one escaping function per format), so what is written reads back as
itself: no emphasis, link, marker or configuration line from a printed page or a file name.
"""
from __future__ import annotations

import json
import re

from generator.ingest.model import Block, Book, Chapter, Inline, Mark, PrintedPage, Ref, Text
from generator.ingest.structure import TO_SUPERSCRIPT
from generator.ingest.titles import split_authors
from generator.ingest.values import (
    anchor,
    block_start,
    markdown,
    marker_argument,
    toml_comment,
    toml_string,
    toml_strings,
)
from generator.model import printed_number, unreferenced
from generator.render.zones import LINES_VERSION, line_box
from generator.source import NUMBER, RESERVED_IDS, slugify

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


ID_LIMIT = 60   # characters of an id made from a heading's words


def _anchor(block: Block, ids: set[str] | None = None) -> str:
    """A heading's explicit id: the book's (`{#s6-1}`), or, where the id the build would give it
    (from its number, else its words) is taken already in the chapter or by the page itself
    ("Inhaltsverzeichnis", a second "Verwendungsbeispiele"), the next free one ("…-2"), so that
    what ingest writes builds. `ids`: the chapter's so far, this one added."""
    given = anchor(block.anchor)
    if ids is None:
        return f" {{#{given}}}" if given else ""
    text = "".join(r.text for r in block.inlines if isinstance(r, Text)).strip()
    number = NUMBER.match(text + " ")
    wanted = given or ("s" + number.group(1).replace(".", "-") if number else slugify(text, prefix="abschnitt"))
    # an id from a long heading's words, cut at a word (the section's page is named by it:
    # a file name has at most 255 bytes; Debian's dehyph-exptl.pdf has a heading of 30 words)
    chosen, n = wanted if len(wanted) <= ID_LIMIT else wanted[:ID_LIMIT].rsplit("-", 1)[0], 1
    base = chosen
    while chosen in ids or chosen in RESERVED_IDS or not chosen:
        n += 1
        chosen = f"{base or 'abschnitt'}-{n}"
    ids.add(chosen)
    # an id from words is written out: the build warns on one it has to make (it would change with
    # the words, and the publishing workflow builds with --strict), and the editor's correction of
    # a heading's words should not move its address
    return f" {{#{chosen}}}" if given or chosen != wanted or not number else ""


def _heading(block: Block, ids: set[str] | None = None) -> list[str]:
    """A heading, with the page marks it carries (a page that begins with it) before it."""
    marks = [r for r in block.inlines if isinstance(r, Mark)]
    title = _inline([r for r in block.inlines if not isinstance(r, Mark)], start=False)
    level = "#" * min(max(block.level, 2), 6)   # Markdown has six levels; deeper ones are set as the sixth
    return ["".join("{{page " + m.label + "}}" for m in marks)] * bool(marks) + [f"{level} {title}{_anchor(block, ids)}"]


ORDERED = re.compile(r"^(\d{1,2})([.)]) ")


def _ordered(block: Block) -> tuple[int, str, list[Inline]] | None:
    """An item numbered as printed ("2. …"): its number, its delimiter and the text after it."""
    first = next((k for k, r in enumerate(block.inlines) if not isinstance(r, Mark)), len(block.inlines))
    run = block.inlines[first] if first < len(block.inlines) else None
    if block.kind != "item" or not isinstance(run, Text) or run.style or not (m := ORDERED.match(run.text)):
        return None
    rest = [*block.inlines[:first], Text(run.text[m.end():]), *block.inlines[first + 1:]]
    return int(m.group(1)), m.group(2), rest


def _numbered(blocks: list[Block]) -> dict[int, tuple[str, list[Inline]]]:
    """The items written as an ordered list: runs of numbered items whose numbers rise by one
    (Markdown numbers a list from its first item on; a run that skips keeps its numbers as text)."""
    out: dict[int, tuple[str, list[Inline]]] = {}
    k = 0
    while k < len(blocks):
        first = _ordered(blocks[k])
        end = k + 1
        if first is not None:
            expected: int = first[0] + 1
            while end < len(blocks) and (found := _ordered(blocks[end])) and found[0] == expected and found[1] == first[1]:
                expected += 1
                end += 1
            for j in range(k, end):
                number, delimiter, rest = _ordered(blocks[j])  # type: ignore[misc]  # checked above
                out[j] = (f"{number}{delimiter} ", rest)
        k = end
    return out


def _fence(rows: list[str]) -> str:
    """A code fence longer than any run of backticks in the code."""
    longest = max((len(run) for row in rows for run in re.findall("`+", row)), default=0)
    return "`" * max(3, longest + 1)


def _table(block: Block) -> tuple[str, list[int]]:
    """A table as Markdown's pipe table: its header row (an empty one where the print sets none
    apart: the build shows none), the delimiter row, the rows; a cell's `|` escaped. And where
    each printed row stands in that text (lines from its first)."""
    columns = len(block.cells[0])
    rows = block.cells if block.head else [[""] * columns, *block.cells]
    lines = ["| " + " | ".join(markdown(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    at = [0, *range(2, len(rows) + 1)] if block.head else list(range(2, len(rows) + 1))
    return "\n".join([lines[0], "|" + "---|" * columns, *lines[1:]]), at


def chapter_markdown(chapter: Chapter) -> str:
    """The chapter source: its title as `# `, the blocks in order, its notes (print numbers)
    at the end. The print pages it covers are its page markers (the build reads them)."""
    return chapter_source(chapter)[0]


def chapter_source(chapter: Chapter) -> tuple[str, list[dict[str, object]]]:
    """The chapter source, and where each block and note with printed lines stands in it:
    `{"line": its line in the source, "lines": [[page, n], …]}` (the record of the text as
    ingested: the build links each block to its lines through it)."""
    if chapter.heading and any(isinstance(r, Ref) for r in chapter.heading):
        title = _inline(chapter.heading, start=False)
    else:
        title = markdown(chapter.title) if chapter.title.strip() else "{{add " + editors_title(chapter) + "}}"
    out = ["# " + title]
    starts: list[tuple[int, int, list[tuple[int, int]]]] = []  # (index in out, lines before it there, its lines)

    def placed(block_lines: list[tuple[int, int]], before: int = 0) -> None:
        if block_lines:  # `before`: the lines of its page marks, in a paragraph of their own before it
            starts.append((len(out) - 1, before, block_lines))
    placed(chapter.lines)   # the title's printed lines (a chapter's opening page)
    numbered = _numbered(chapter.blocks)
    ids: set[str] = set()   # the sections' ids, as the build gives them
    columns: list[int] = []   # the text column of the items open at each depth (a nested item is set there)
    for k, block in enumerate(chapter.blocks):
        before = 0
        if block.kind == "heading":
            out.append("\n\n".join(_heading(block, ids)))
            before = out[-1].count("\n")
        elif block.kind == "opening":   # an editorial heading: the pages begin inside a section
            text = marker_argument("".join(r.text for r in block.inlines if isinstance(r, Text)))
            out.append("#" * max(block.level, 2) + " {{add " + text + "}}" + _anchor(block, ids))
        elif block.kind == "gap":
            out.append("{{gap: " + marker_argument("".join(r.text for r in block.inlines if isinstance(r, Text))) + "}}")
        elif block.kind == "quote":
            out.append("> " + _inline(block.inlines))
        elif block.kind == "item":
            prefix, runs = numbered[k] if k in numbered else ("- ", block.inlines)
            indent = columns[block.depth - 1] if 0 < block.depth <= len(columns) else 0
            columns[block.depth:] = [indent + len(prefix)]   # where an item nested in this one is set
            out.append(" " * indent + prefix + _inline(runs))
        elif block.kind in ("code", "table"):
            marks = "".join("{{page " + r.label + "}}" for r in block.inlines if isinstance(r, Mark))
            if block.kind == "code":
                fence = _fence(block.rows)
                text = "\n".join([fence, *block.rows, fence])
            elif block.cells:
                text, rows_at = _table(block)
            else:   # no cells read: its rows as printed, each a line of one paragraph (hard line breaks)
                text = "\\\n".join(block_start(markdown(row)) for row in block.rows)
            out.append(marks + "\n\n" + text if marks else text)
            before = 2 if marks else 0
            if block.kind == "table" and block.cells:   # each row's printed line where the row stands
                for row, printed in zip(rows_at, block.lines, strict=True):
                    placed([printed], before + row)
                continue
        elif block.kind == "figure":   # the page's mark first: the picture stands on that page
            marks_first: list[Inline] = [r for r in block.inlines if isinstance(r, Mark)]
            rest: list[Inline] = [r for r in block.inlines if not isinstance(r, Mark)]
            out.append(_inline(marks_first) + "{{add Abbildung}} " + _inline(rest))
        else:
            out.append(_inline(block.inlines))
        placed(getattr(block, "lines", []), before)
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
FRONT_MATTER = "Titelei"        # the same before the book's first chapter, with chapters after it


def editors_title(chapter: Chapter) -> str:
    """The title ingest gives a chapter the print gives none (the editor may change it)."""
    return FRONT_MATTER if chapter.front else UNTITLED


# ---- the clean reading text ----

def _clean(inlines: list[Inline]) -> str:
    """The reading text: a reference as its printed number raised; one that shows nothing (a note
    printed without a reference) as nothing."""
    return "".join(r.text if isinstance(r, Text) else
                   printed_number(r.label).translate(TO_SUPERSCRIPT) if isinstance(r, Ref) and not unreferenced(r.label)
                   else "" for r in inlines).strip()


def clean_text(book: Book) -> str:
    """Headings as printed, one paragraph per line, references as superscripts, each chapter's
    notes after it ("⁸ text"); lost text as "[…]". What the editor added (a title known only from
    a running head, an editorial heading) is not the print's and is left out."""
    out: list[str] = []
    for chapter in book.chapters:
        if chapter.printed_title:
            out.append(_clean(chapter.heading) if chapter.heading else chapter.title)
        for block in chapter.blocks:
            if block.kind == "gap":
                out.append("[…]")
            elif block.kind in ("code", "table"):
                out.append("\n".join(block.rows))
            elif block.kind != "opening":
                out.append(_clean(block.inlines))
        out += [f"{printed_number(n.label).translate(TO_SUPERSCRIPT)} {_clean(n.inlines)}" for n in chapter.notes]
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
            title = chapter.title or (FRONT_MATTER if chapter.front else "")
            name = f"{number:03d}-{slug(title)}.md"
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
    authors = book.authors or (split_authors(book.facts["author"]) if book.facts.get("author") else [])
    as_written = [name for name in authors if "," not in name]   # an institution's: the check asks them named
    return (f"# Written by `{toml_comment(command)}`: check it and fill in what the book says.\n"
            f"title = {toml_string(book.facts.get('title') or title or 'Edition')}\nlanguage = \"de\"\n\n[source]\n"
            f"book_title = {toml_string(book.facts.get('title', ''))}\n"
            f"authors = {toml_strings(authors)}   # each \"Family, Given\"\n"
            + (f"as_written = {toml_strings(as_written)}   # not \"Family, Given\": names that stay as written\n"
               if as_written else "")
            + "publisher = \"\"\nplace = \"\"\nyear = \"\"\n"
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
