"""The passes of page text: raw pages → recognise structure, repair, join across pages → the book.

pages.py has read and normalised each page and taken off its running head; here the pages are
joined into one chapter (structure.py finds its blocks, gaps.py decides each gap between
words, decisions.py applies the editor's decisions), and `book_of` gives it as the model every
route produces (model.py), for the one writer.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.ingest.decisions import Decisions
from generator.ingest.gaps import Repair, Undecided, resolve, spaced_breaks, tokenize
from generator.ingest.lexicon import Lexicon, bare
from generator.ingest.model import Block as ModelBlock
from generator.ingest.model import Book, Change, Chapter, Event, Inline, Mark, Note, PrintedLine, PrintedPage, Ref, Text
from generator.ingest.model import Undecided as ModelUndecided
from generator.ingest.pages import RawPage, repeated_heads, take_footer
from generator.ingest.structure import REF_CLOSE, REF_OPEN, TO_SUPERSCRIPT, Block, blocks_of, mark_references
from generator.source import roman_value

PAGE_OPEN, PAGE_CLOSE = "\uE002", "\uE003"   # a page marker inside clean text
SENTENCE_END = re.compile(r"[.!?:»«“”\"…)]$")


@dataclass
class OutBlock:
    kind: str        # "heading", "para", "gap", "opening"
    text: str        # clean text with reference and page sentinels
    label: str = ""  # heading number
    anchor: str = ""


@dataclass
class Ingested:
    title: str
    blocks: list[OutBlock]
    notes: dict[str, str]                     # label → clean note text
    pages: list[RawPage]
    repairs: list[Repair] = field(default_factory=list)
    undecided: list[Undecided] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)   # footers, headings, notes, merges, gaps
    unknown_words: dict[str, int] = field(default_factory=dict)
    decisions: Decisions = field(default_factory=Decisions)
    roles: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, line) → "body"/"note"
    spaced: bool = True  # the extraction shows spaces at hyphenation points (gaps.spaced_breaks)


Progress = Callable[[str, int, int], None]  # (stage, done, total): a status line on a terminal


def run(pages: list[RawPage], decisions: Decisions, progress: Progress | None = None) -> Ingested:
    """The passes over pages read by pages.py, in order."""
    progress = progress or (lambda stage, done, total: None)
    result = Ingested(title="", blocks=[], notes={}, pages=pages, decisions=decisions)
    _learn_running_titles(pages, result)
    for page in pages:
        if page.number is None and page.path.name in decisions.pages:
            page.number = decisions.pages[page.path.name]
            result.events.append(_event(page, "page number", f"S. {page.number} (decisions.toml)"))
    pages = _merge_variants(pages, result)
    pages = _without_contents(pages, result)
    result.pages = pages
    result.spaced = spaced_breaks([text for page in pages for _, text in page.lines])
    lexicon = Lexicon(_vocabulary(pages))
    result.title = decisions.title or next((p.running_title for p in pages if p.running_title), "") or "Kapitel"

    paragraph_open = False
    previous: RawPage | None = None
    pending: list[tuple[Block, RawPage]] = []
    for page in pages:
        blocks = _recognise(page, lexicon, result)
        if previous is not None:
            contiguous = ((previous.number is not None and page.number is not None
                           and page.number == previous.number + 1)
                          or (bool(previous.roman and page.roman)
                              and roman_value(page.roman) == (roman_value(previous.roman) or 0) + 1))
            if not contiguous:
                pending.append((Block("gap", [], label=_page_label(previous)), page))
                result.events.append(_event(page, "gap", _gap_reason(previous, page)))
                paragraph_open = False
            elif paragraph_open and blocks and blocks[0].kind == "para" and \
                    (last := next((b for b, _ in reversed(pending) if b.kind != "note"), None)) is not None:
                body = blocks.pop(0)  # joins the page before's last paragraph (not the notes below it)
                last.starts[len(last.lines)] = (page.path.name, _page_label(page), _page_marker(page))
                last.lines = last.lines + body.lines
                result.events.append(_event(page, "paragraph continued", "across the page break"))
        first_body = True
        for block in blocks:
            if block.kind != "note" and first_body:
                block.starts = {0: (page.path.name, _page_label(page), _page_marker(page))}
                first_body = False
            pending.append((block, page))
        body_blocks = [b for b in blocks if b.kind != "note"]
        if body_blocks:
            last_line = body_blocks[-1].lines[-1][1].rstrip()
            paragraph_open = body_blocks[-1].kind == "para" and not SENTENCE_END.search(last_line)
        previous = page

    for done, (block, page) in enumerate(pending, 1):
        _resolve_block(block, page, lexicon, decisions, result)
        progress("deciding the words: block", done, len(pending))
    if result.blocks and result.blocks[0].kind != "heading":
        label = decisions.opening_label or "Anfang des Kapitels; Überschrift in den Quellen nicht überliefert"
        result.blocks.insert(0, OutBlock("opening", label, anchor=decisions.opening_id or "anfang"))
        result.events.append({"kind": "editorial heading", "detail": label, "file": "", "line": None, "page": ""})
    _unknown_words(result, lexicon)
    return result


def _recognise(page: RawPage, lexicon: Lexicon, result: Ingested) -> list[Block]:
    """The page's blocks, with headings, notes and footnote markers recorded for the report."""
    blocks = blocks_of(page, lexicon)
    labels = {b.label for b in blocks if b.kind == "note"}
    for block in blocks:
        for number, _ in block.lines:
            result.roles[(page.path.name, number)] = "note" if block.kind == "note" else "body"
        if block.kind in ("heading", "note"):
            detail = block.lines[0][1].strip() if block.kind == "heading" else block.label
            result.events.append(_event(page, "heading" if block.kind == "heading" else "footnote",
                                        detail, block.lines[0][0]))
        changes, warnings = mark_references(block, labels)
        for line, raw, clean in changes:
            result.repairs.append(Repair(page.path.name, line, _page_label(page), raw, clean,
                                         ["plain-digit footnote marker"]))
        for line, message in warnings:
            result.events.append(_event(page, "warning", message, line))
    return blocks


def _resolve_block(block: Block, page: RawPage, lexicon: Lexicon, decisions: Decisions, result: Ingested) -> None:
    if block.kind == "gap":  # block.label: the print page before the gap
        note = decisions.gap_notes.get(f"after-{block.label}", "")
        result.blocks.append(OutBlock("gap", note or _default_gap_note(block.label, page)))
        return
    block.lines = [(number, _close_letter_spacing(text, number, page, result)) for number, text in block.lines]
    tokens, gaps = tokenize(block.lines, page.form == "flattened", page.path.name, _page_label(page), block.starts)
    decisions.lock_gaps(tokens, gaps)
    resolution = resolve(tokens, gaps, lexicon, spaced=result.spaced)
    result.repairs.extend(resolution.repairs)
    result.undecided.extend(resolution.undecided)
    text = decisions.apply_replacements(resolution.text, _page_label(page))
    if block.kind == "note":
        body = re.sub(r"^\S+\s+", "", _strip_marks(text))
        result.notes[block.label] = body
    elif block.kind == "heading":
        result.blocks.append(OutBlock("heading", text, block.label, "s" + block.label.replace(".", "-")))
    else:
        result.blocks.append(OutBlock("para", text))


# Three letters or more, each alone between single spaces: a word set letter-spaced (Sperrsatz,
# German print's emphasis), which extractors give letter by letter ("F r ü h l i n g").
LETTER_SPACED = re.compile(r"(?<!\S)((?:[^\W\d_] ){2,}[^\W\d_])(?=[\s.,;:!?»«“”)]|$)")


def _close_letter_spacing(text: str, number: int, page: RawPage, result: Ingested) -> str:
    def close(match: re.Match) -> str:
        word = match.group(1).replace(" ", "")
        result.repairs.append(Repair(page.path.name, number, _page_label(page), match.group(1), word,
                                     ["letter-spaced word (Sperrsatz, emphasis in print) closed"]))
        return word
    return LETTER_SPACED.sub(close, text)


def _learn_running_titles(pages: list[RawPage], result: Ingested) -> None:
    """Pass one: running titles found on some pages help find them on the others."""
    titles = tuple(sorted({p.running_title for p in pages if p.running_title} | repeated_heads(pages),
                          key=len, reverse=True))
    seen: dict[str, int] = {}  # a running head alone on its line → the last page it headed
    stray = [(title, re.compile(rf"(?<=[^\W\d][a-zäöüß,]) {re.escape(title)}\s*$"))
             for title in titles if len(title.split()) >= 3]
    for index, page in enumerate(pages):
        lines = [text.strip() for _, text in page.lines if text.strip()]
        first = lines[0] if lines else ""
        known = titles
        if first in titles:
            # The first page of a run may open the chapter: its title there is the heading, unless
            # the book prints that heading with its number elsewhere, or a sentence runs on under it.
            opens = (index - seen.get(first, -9) > 2 and not _numbered_heading(pages, first)
                     and len(lines) > 1 and lines[1][:1].isupper())
            if opens:
                known = tuple(t for t in titles if t != first)
            seen[first] = index
        if titles and page.removed_also_line is None:
            take_footer(page, known)
        _take_stray_heads(page, stray, result)
        for removed, line in ((page.removed_also, page.removed_also_line), (page.removed, page.removed_line)):
            if removed:
                result.events.append(_event(page, "header/footer removed", removed, line))


def _numbered_heading(pages: list[RawPage], title: str) -> bool:
    heading = re.compile(rf"\s*(?:Kapitel\s+|Chapter\s+)?\d{{1,2}}\.?\s+{re.escape(title)}\s*")
    return any(heading.fullmatch(text) for page in pages for _, text in page.lines)


def _take_stray_heads(page: RawPage, stray: list[tuple[str, re.Pattern]], result: Ingested) -> None:
    """A running head an extractor put into the middle of the page, at the end of a line of
    running text ("… die Löhne Netzwerke, Märkte und Verträge⏎knapp bemessen", pdfminer.six):
    after a word that ends no sentence, a known title of three words or more is no text.
    `stray`: each such title with the pattern that finds it at a line's end."""
    for title, pattern in stray:
        for index, (number, text) in enumerate(page.lines):
            if (m := pattern.search(text)) and not re.search(r"[.!?:]$", text[:m.start()]):
                page.lines[index] = (number, text[:m.start()])
                result.events.append(_event(page, "header/footer removed", title + " (inside the text)", number))


# A line of a table of contents: a title, dot leaders, a page number ("Einleitung . . . . 12").
CONTENTS_LINE = re.compile(r"(?:\.\s?){4,}[\s\u2060]*(\d{1,4}|[ivxlc]{1,7})\s*$")


def _without_contents(pages: list[RawPage], result: Ingested) -> list[RawPage]:
    """A contents page is the book's, not the text's: left out (and reported) as PDF ingest does."""
    kept = []
    for page in pages:
        lines = [text for _, text in page.lines if text.strip()]
        if sum(bool(CONTENTS_LINE.search(text)) for text in lines) >= max(3, len(lines) // 3):
            result.events.append(_event(page, "contents page left out", lines[0][:80] if lines else ""))
            continue
        kept.append(page)
    return kept or pages


def _merge_variants(pages: list[RawPage], result: Ingested) -> list[RawPage]:
    """Two extractions of one page in a row (wrapped and flattened): keep the one with paragraph
    breaks, take the page number and running title from whichever has them."""
    merged: list[RawPage] = []
    for page in pages:
        if merged and _letters(merged[-1]) == _letters(page):
            other = merged[-1]
            keep, spare = (other, page) if other.form == "wrapped" or page.form != "wrapped" else (page, other)
            keep.number = keep.number if keep.number is not None else spare.number
            keep.running_title = keep.running_title or spare.running_title
            merged[-1] = keep
            result.events.append(_event(keep, "same page twice",
                                        f"{spare.path.name} is another extraction of {keep.path.name}: "
                                        f"text from {keep.path.name} ({keep.form}), page number S. {keep.number}"))
            continue
        merged.append(page)
    return merged


def _letters(page: RawPage) -> str:
    return re.sub(r"[^A-Za-zÄÖÜäöüß]", "", " ".join(line for _, line in page.lines))


def _vocabulary(pages: list[RawPage]) -> set[str]:
    """Long words the book prints intact (not next to a break): "friedensfördernder", and
    hyphenated ones ("historisch-kritischen"), the evidence for a hyphen at a line end."""
    seen: set[str] = set()
    for page in pages:
        tokens, gaps = tokenize(page.lines, page.form == "flattened")
        for i, token in enumerate(tokens):
            word = bare(token.text)
            beside = [g for g in (gaps[i - 1] if i else None, gaps[i] if i < len(gaps) else None) if g]
            whole = word.isalpha() or bool(HYPHENATED.fullmatch(word))
            if len(word) >= 8 and whole and all(g.kind in ("space", "eol") for g in beside):
                seen.add(word)
    return seen


HYPHENATED = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)+")


def _unknown_words(result: Ingested, lexicon: Lexicon) -> None:
    for block in result.blocks:
        if block.kind not in ("para", "heading"):
            continue
        for token in _strip_marks(block.text).split():
            word = bare(token)
            if word.isalpha() and not lexicon.in_dictionary(word) and not lexicon.in_dictionary(word.lower()):
                result.unknown_words[word] = result.unknown_words.get(word, 0) + 1


def _page_label(page: RawPage) -> str:
    return str(page.number) if page.number is not None else page.roman or "?"


def _page_marker(page: RawPage) -> str:
    return f"{PAGE_OPEN}{_page_label(page)}{PAGE_CLOSE}"


def _gap_reason(previous: RawPage, page: RawPage) -> str:
    if previous.number is not None and page.number is not None:
        return f"pages {previous.number} and {page.number} are not contiguous: text is missing"
    return (f"{previous.path.name} and {page.path.name}: page numbers unknown, so the pages are not known to "
            "follow each other; marked as a gap, not joined (give the numbers in decisions.toml [pages])")


def _default_gap_note(before: str, page: RawPage) -> str:
    after = f"S. {page.number}" if page.number is not None else "der nächsten überlieferten Seite"
    return f"Textverlust: Der Text zwischen S. {before} und {after} ist in den Quellen nicht überliefert."


def _event(page: RawPage, kind: str, detail: str, line: int | None = None) -> dict:
    return {"kind": kind, "detail": detail, "file": page.path.name, "line": line, "page": _page_label(page)}


def _strip_marks(text: str) -> str:
    text = re.sub(f"{PAGE_OPEN}[^{PAGE_CLOSE}]*{PAGE_CLOSE}", "", text)
    return re.sub(f"{REF_OPEN}([^{REF_CLOSE}]*){REF_CLOSE}", lambda m: m.group(1).translate(TO_SUPERSCRIPT), text)




# ---- the model every route produces ----

def book_of(result: Ingested, read: list[RawPage]) -> Book:
    """The chapter the passes made, as the book model (model.py) the one writer writes. `read`:
    the pages as read, in input order: a page's place there is its number as an input page."""
    index = {page.path.name: n for n, page in reversed(list(enumerate(read, 1)))}
    folios = {index[page.path.name]: _page_label(page) for page in result.pages}
    blocks: list[ModelBlock] = []
    for out in result.blocks:
        if out.kind == "opening":
            blocks.append(ModelBlock("opening", [Text(out.text)], level=2, anchor=out.anchor))
        elif out.kind == "heading":
            blocks.append(ModelBlock("heading", _inlines(out.text, heading=True), level=out.label.count(".") + 2,
                                     anchor=out.anchor))
        elif out.kind == "gap":
            blocks.append(ModelBlock("gap", [Text(out.text)]))
        else:
            blocks.append(ModelBlock(out.kind, _inlines(out.text)))
    notes = [Note(label, _inlines(text)) for label, text in result.notes.items()]
    chapter = Chapter(result.title, blocks, notes, printed_title=False)
    chapter.pages = [m.label for b in blocks for m in b.inlines if isinstance(m, Mark)]

    def where(file: str) -> int:
        return index.get(file, 0)

    changes = [Change(where(r.file), r.line, r.page, r.raw, r.clean, ", ".join(r.rules), r.file) for r in result.repairs]
    events = [Event(where(e["file"]), e["line"], e["page"], e["kind"], e["detail"], e["file"]) for e in result.events]
    undecided = [ModelUndecided(where(u.file), u.line, u.page, u.raw, u.suggestion, u.reason, u.file)
                 for u in result.undecided]
    return Book([chapter], [], folios, changes, events, undecided=undecided, unknown_words=dict(result.unknown_words),
                recorded=_recorded(result, index))


def _inlines(text: str, heading: bool = False) -> list[Inline]:
    """Clean text with its page and reference sentinels → inline runs. A heading keeps a note
    reference as the superscript it is printed as (a heading is no place for a note's link)."""
    out: list[Inline] = []
    for part in re.split(f"({PAGE_OPEN}[^{PAGE_CLOSE}]*{PAGE_CLOSE}|{REF_OPEN}[^{REF_CLOSE}]*{REF_CLOSE})", text):
        if part.startswith(PAGE_OPEN):
            out.append(Mark(part[1:-1]))
        elif part.startswith(REF_OPEN):
            out.append(Text(part[1:-1].translate(TO_SUPERSCRIPT)) if heading else Ref(part[1:-1]))
        elif part:
            out.append(Text(part))
    merged: list[Inline] = []
    for run in out:   # a heading's superscript joins the text around it
        last = merged[-1] if merged else None
        if isinstance(run, Text) and isinstance(last, Text):
            merged[-1] = Text(last.text + run.text)
        else:
            merged.append(run)
    return merged


def _recorded(result: Ingested, index: dict[str, int]) -> list[PrintedPage]:
    """The pages as printed, line by line, as PDF ingest records them (printed.py reads both):
    the diplomatic view is made from it. The running head or folio line is there whole, as
    printed, with its role."""
    pages = []
    for page in result.pages:
        furniture = {line: text for line, text in ((page.removed_line, page.removed),
                                                   (page.removed_also_line, page.removed_also)) if line}
        content = [i for i, text in page.lines if text.strip()] + list(furniture)
        lines = []
        for number, kept in page.lines:
            role = result.roles.get((page.path.name, number), "")
            text = kept.strip()
            if number in furniture:
                text = f"{text} {furniture[number]}".strip() if number == max(content) else \
                    f"{furniture[number]} {text}".strip()
                role = "foot" if number == max(content) else "head"
            if text:
                lines.append(PrintedLine(number, text, role))
        pages.append(PrintedPage(index[page.path.name], _page_label(page), lines, file=page.path.name))
    return pages
