"""Values the build accepts: every text ingest writes into TOML or Markdown passes through here.

A PDF's metadata, its headings and text, a file's name: any of them may hold what the build
refuses (a control character, a line break where one line belongs, a lone surrogate from a
broken UTF-16 string) or be absurdly long (a 2 MB title makes `edition.toml` larger than the
build reads). `sanitise` is the pass that takes such characters out of the book and cuts
overlong facts, each change reported; `toml_string`, `toml_comment`, `markdown` and
`marker_argument` are the one way each value is written into its format; `file_name` makes a
name from a name the editor's files may not carry.
"""
from __future__ import annotations

import re
import unicodedata

from generator.files import shown
from generator.ingest.model import Block, Book, Change, Event, Inline, Mark, Note, PrintedPage, Text
from generator.markup import PAGE_ARG, literal, literal_start

# C0 and C1 controls, DEL, lone surrogates, Unicode's line and paragraph separators and the two
# noncharacters PDFium uses internally: no chapter or config value may hold them.
UNWANTED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
BREAKS = re.compile(" *[\t\n\x0b\x0c\r\u2028\u2029]+ *")    # whitespace that breaks a line: one space
FACT_LIMIT = 1000   # characters of a title or an author name (the build reads configs up to 1 MB)


def clean(text: str) -> tuple[str, int]:
    """`text` without the characters no edition file may hold, and how many were taken out
    (a line break or a tab becomes a space and is not counted)."""
    text = BREAKS.sub(" ", text)
    return UNWANTED.subn("", text)


def sanitise(book: Book) -> None:
    """The pass that makes the book's values writable: control characters out of every text
    (each block that had some reported as a change), the book's facts (from a PDF's metadata)
    one line each and no longer than FACT_LIMIT (reported as a warning)."""
    for chapter in [*book.chapters, *book.left_out]:
        title, removed = clean(chapter.title)
        if removed:
            book.changes.append(Change(0, 0, "", shown(chapter.title), title,
                                       f"{removed} control character(s) removed from a chapter title"))
            chapter.title = title
        places: list[Block | Note] = [*chapter.blocks, *chapter.notes]
        for block in chapter.blocks:
            rows = [clean(row)[0] for row in block.rows]
            if rows != block.rows:
                book.changes.append(Change(block.page, block.line, book.folios.get(block.page, "?"),
                                           shown(" ".join(block.rows))[:200], " ".join(rows)[:200],
                                           "control characters removed"))
                block.rows[:] = rows
        for where in places:
            inlines, removed = _clean_inlines(where.inlines)
            if removed:
                before = "".join(r.text for r in where.inlines if isinstance(r, Text))
                after = "".join(r.text for r in inlines if isinstance(r, Text))
                book.changes.append(Change(where.page, where.line, book.folios.get(where.page, "?"), shown(before)[:200],
                                           after[:200], f"{removed} control character(s) removed"))
                where.inlines[:] = inlines
    for key, value in list(book.facts.items()):
        text, removed = clean(value)
        text = " ".join(text.split())
        if removed:
            book.events.append(Event(0, None, "", "warning", f"the book's {key} ({shown(value)[:80]}) held {removed} "
                                                             "control character(s): removed"))
        if len(text) > FACT_LIMIT:
            book.events.append(Event(0, None, "", "warning", f"the book's {key} is {len(text):,} characters long: "
                                                             f"cut to {FACT_LIMIT}"))
            text = text[:FACT_LIMIT].rstrip()
        book.facts[key] = text
    # each author as the facts are (split from the PDF's Author entry before this pass)
    book.authors = [name for name in (" ".join(clean(a)[0].split())[:FACT_LIMIT].rstrip() for a in book.authors) if name]
    book.recorded[:] = [_clean_page(page) for page in book.recorded]
    for item in [*book.changes, *book.events, *book.undecided]:   # the report's: names and text shown escaped
        for name, value in vars(item).items():
            if isinstance(value, str):   # a decision to paste is TOML lines: each shown, its line breaks kept
                setattr(item, name, "\n".join(map(shown, value.split("\n"))) if name == "decision" else shown(value))


def _clean_inlines(inlines: list[Inline]) -> tuple[list[Inline], int]:
    out: list[Inline] = []
    total = 0
    for run in inlines:
        if isinstance(run, Text):
            text, removed = clean(run.text)
            total += removed
            if text:
                out.append(Text(text, run.style) if text != run.text else run)
        elif isinstance(run, Mark):
            out.append(run if PAGE_ARG.fullmatch(run.label) else Mark("?"))
        else:
            out.append(run if NOTE_LABEL.fullmatch(run.label) else Text(clean(run.label)[0]))
    return out, total


def _clean_page(page: PrintedPage) -> PrintedPage:
    for line in page.lines:
        line.text = clean(line.text)[0]
    page.file = shown(page.file)
    page.label = page.label if PAGE_ARG.fullmatch(page.label) else "?"
    return page


# ---- the formats ----

NOTE_LABEL = re.compile(r"-?[0-9A-Za-z*∗†‡§]{1,12}(?:~[0-9A-Za-z]{1,12})?")   # "8", "-8", "1~229"
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped. A lone
    surrogate cannot be written at all (TOML, like UTF-8, has none): `clean` first."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"a lone surrogate cannot be written into TOML: {shown(value)}")
        else:
            out.append(char)
    return "".join(out) + '"'


def toml_strings(values: list[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def toml_comment(text: str) -> str:
    """A comment's text: one line whatever it holds (a line break in a file name would start a
    line of configuration)."""
    return shown(text)


def markdown(text: str, start: bool = False) -> str:
    """Text in a chapter source that reads as itself (no emphasis, link, HTML or marker from a
    printed page); `start`: it opens a block, so "6. Neue" must not begin a list."""
    text = literal(text)
    return block_start(text) if start else text


def block_start(text: str) -> str:
    """Markdown that opens a block, its first mark escaped where it would begin a list, a quote,
    a heading or a rule."""
    return literal_start(text)


def marker_argument(text: str) -> str:
    """The text inside an edition marker (`{{gap: …}}`, `{{add …}}`): one line, and no brace,
    which would end the marker (there is no escape inside one)."""
    return " ".join(clean(text)[0].replace("{", "(").replace("}", ")").split())


def anchor(text: str) -> str:
    """An id the build accepts (`{#s6-1}`)."""
    return re.sub(r"[^0-9A-Za-z_-]+", "-", text).strip("-")


def file_name(name: str, fallback: str = "buch") -> str:
    """A file name the editor's folder may carry, made from any name (a PDF's, which may hold a
    line break, a backslash or bytes that are not UTF-8): letters, digits, `-`, `_` and `.`,
    never hidden, at most 80 characters."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[^\w.-]+", "-", name, flags=re.UNICODE)
    name = re.sub(r"-{2,}", "-", name).strip(".-")[:80].strip(".-")
    return name or fallback
