"""Raw pages → clean chapter: read, recognise structure, repair, join across pages, write.

`clean_text` prints the reading text (the form accuracy is measured in); `ingest` writes the
chapter source in the build's Markdown and the review report, both atomically.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import CONFIG_NAME, load_config
from generator.diagnostics import Collector
from generator.files import write_text_atomic
from generator.ingest import report as report_module
from generator.ingest.decisions import Decisions, load_decisions
from generator.ingest.gaps import Repair, Undecided, resolve, spaced_breaks, tokenize
from generator.ingest.lexicon import Lexicon, bare
from generator.ingest.pages import RawPage, read_page, repeated_heads, take_footer
from generator.ingest.structure import REF_CLOSE, REF_OPEN, TO_SUPERSCRIPT, Block, blocks_of, mark_references
from generator.labels import labels
from generator.markup import literal, literal_start
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


def run(files: list[Path], decisions_path: Path | None, problems: Collector,
        progress: Progress | None = None) -> Ingested:
    progress = progress or (lambda stage, done, total: None)
    decisions = load_decisions(decisions_path, problems)
    pages = []
    for done, file in enumerate(files, 1):
        if (page := read_page(file, problems)) is not None:
            pages.append(page)
        progress("reading pages", done, len(files))
    problems.raise_if_errors()
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


# ---- writers ----

def to_clean_text(result: Ingested) -> str:
    """One paragraph per line, headings as printed, ⁸ references, notes at the end."""
    out = []
    for block in result.blocks:
        if block.kind == "heading":
            out.append(f"{block.label}. {_strip_marks(block.text).split(' ', 1)[-1]}")
        elif block.kind == "para":
            out.append(_strip_marks(block.text))
        elif block.kind == "gap":
            out.append("[…]")
    for label, text in result.notes.items():
        out.append(f"{label.translate(TO_SUPERSCRIPT)} {text}")
    return "\n\n".join(out) + "\n"


def _md_escape(text: str) -> str:
    return literal_start(literal(text))


def _md_inline(text: str) -> str:
    parts = re.split(f"({PAGE_OPEN}[^{PAGE_CLOSE}]*{PAGE_CLOSE}|{REF_OPEN}[^{REF_CLOSE}]*{REF_CLOSE})", text)
    out = []
    for part in parts:
        if part.startswith(PAGE_OPEN):
            out.append("{{page " + part[1:-1] + "}}")
        elif part.startswith(REF_OPEN):
            out.append(f"[^{part[1:-1]}]")
        else:
            out.append(_md_escape(part) if not out else literal(part))
    return "".join(out)


def to_markdown(result: Ingested) -> str:
    out = [f"# {_md_escape(result.title)}"]
    for block in result.blocks:
        if block.kind == "opening":
            out.append(f"## {{{{add {block.text}}}}} {{#{block.anchor}}}")
        elif block.kind == "heading":
            level = "#" * (block.label.count(".") + 2)
            marks = "".join(re.findall(f"{PAGE_OPEN}[^{PAGE_CLOSE}]*{PAGE_CLOSE}", block.text))
            if marks:  # a page that begins with a heading: the marker stands before it
                out.append(_md_inline(marks))
            heading = re.sub(f"{PAGE_OPEN}[^{PAGE_CLOSE}]*{PAGE_CLOSE}", "", block.text)
            title = literal(_strip_marks(heading))
            out.append(f"{level} {title} {{#{block.anchor}}}")
        elif block.kind == "para":
            out.append(_md_inline(block.text))
        elif block.kind == "gap":
            out.append("{{gap: " + block.text.replace("}", ")") + "}}")
    for label, text in result.notes.items():
        out.append(f"[^{label}]: {_md_inline(text)}")
    return "\n\n".join(out) + "\n"


def clean_text(files: list[Path], decisions_path: Path | None = None, progress: Progress | None = None) -> str:
    problems = Collector()
    result = run(files, decisions_path, problems, progress)
    problems.raise_if_errors()
    return to_clean_text(result)


def _report_words(into: Path) -> dict[str, str]:
    """The report speaks the edition's language (its edition.toml beside the chapter), German
    when there is none yet."""
    problems = Collector()
    config = load_config(into.parent, problems) if (into.parent / CONFIG_NAME).is_file() else None
    return labels(config.language if config else "de")


def printed_lines(result: Ingested) -> dict:
    """The pages as printed, line by line, in the form PDF ingest records them (printed.py reads
    both): the diplomatic view is made from it. The running head or folio line is there whole,
    as printed, with its role."""
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
                lines.append({"n": number, "text": text, "role": role})
        pages.append({"page": _page_label(page), "file": page.path.name,
                      "lines": lines})
    return {"pages": pages}


def ingest(files: list[Path], into: Path, decisions_path: Path | None, title: str | None,
           progress: Progress | None = None) -> str:
    problems = Collector()
    decisions_path = decisions_path or into.parent / "decisions.toml"
    result = run(files, decisions_path, problems, progress)
    problems.raise_if_errors()
    if title:
        result.title = title
    markdown = to_markdown(result)
    review = into.parent / "review"
    report = report_module.build_report(result, files, into)
    write_text_atomic(into, markdown)
    write_text_atomic(review / f"{into.stem}.report.json", report_module.to_json(report))
    write_text_atomic(review / f"{into.stem}.report.md", report_module.to_markdown(report, _report_words(into)))
    write_text_atomic(review / f"{into.stem}.lines.json", json.dumps(printed_lines(result), ensure_ascii=False) + "\n")
    return report_module.summary(report, into, review)



