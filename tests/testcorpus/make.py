"""Make the corpus: every book of `BOOKS` typeset into `fixtures/corpus/<split>/`, with its gold.

    python tests/testcorpus/make.py [--only NAME,...] [--out DIR]

Each book is `<split>-<typesetter>-<generator>.pdf` with `.gold.json` (structured gold) and
`.gold.txt` (the `edition clean` form) beside it. The split is part of the name and of the folder:
`tuning` books may be read while writing ingest rules; `heldout` books are made by the same code
with other seeds, texts (the Debian book's odd parts, the second sentence bank) and layouts, and are
only ever scored in aggregate. Needs the typesetters (see `typeset.py`); the committed PDFs mean
nobody else does.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "testcorpus"

from testcorpus.census import census
from testcorpus.generate import bank_doc, paket_doc
from testcorpus.model import Doc, Layout, chapter_notes, clean_form, gold, parts, plain
from testcorpus.typeset import tool_available, typeset

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"

L = Layout
# name → (generator, text, seed, layout, PDF metadata has a title)
BOOKS: dict[str, tuple[str, str, int, Layout, bool]] = {
    "tuning-typst-paket": ("paket", "tuning", 101, L("typst-a5-page", "typst", "a5", 10, True, "versorecto", "page", True), True),
    "tuning-typst-bank": ("bank", "tuning", 102, L("typst-b5-spaced", "typst", "b5", 10.5, False, "centered", "chapter", False), True),
    "heldout-typst-paket": ("paket", "heldout", 103, L("typst-a4-endnotes", "typst", "a4", 11, False, "centered", "endnotes", True), True),
    "heldout-typst-bank": ("bank", "heldout", 104, L("typst-letter-page", "typst", "letter", 11, True, "versorecto", "page", False), True),

    "tuning-pdflatex-paket": ("paket", "tuning", 201, L("pdflatex-a5", "pdflatex", "a5", 10, True, "versorecto", "chapter", True), True),
    "tuning-pdflatex-bank": ("bank", "tuning", 202, L("pdflatex-a4-endnotes", "pdflatex", "a4", 11, False, "centered", "endnotes", False), True),
    "heldout-pdflatex-paket": ("paket", "heldout", 203, L("pdflatex-b5-spaced", "pdflatex", "b5", 10, False, "centered", "chapter", True), False),
    "heldout-pdflatex-bank": ("bank", "heldout", 204, L("pdflatex-a5", "pdflatex", "a5", 10, True, "versorecto", "chapter", True), True),

    "tuning-lualatex-paket": ("paket", "tuning", 301, L("lualatex-b5", "lualatex", "b5", 10, True, "versorecto", "chapter", True), False),
    "tuning-lualatex-bank": ("bank", "tuning", 302, L("lualatex-a5-spaced", "lualatex", "a5", 10, False, "centered", "chapter", False), True),
    "heldout-lualatex-paket": ("paket", "heldout", 303, L("lualatex-a4-endnotes", "lualatex", "a4", 11, True, "versorecto", "endnotes", True), True),
    "heldout-lualatex-bank": ("bank", "heldout", 304, L("lualatex-b5-spaced", "lualatex", "b5", 10, False, "centered", "chapter", False), True),

    "tuning-writer-paket": ("paket", "tuning", 401, L("writer-a5-page", "writer", "a5", 10, True, "versorecto", "page", True), True),
    "tuning-writer-bank": ("bank", "tuning", 402, L("writer-a4-spaced", "writer", "a4", 11, False, "centered", "chapter", False), True),
    "heldout-writer-paket": ("paket", "heldout", 403, L("writer-b5-spaced", "writer", "b5", 10, False, "centered", "chapter", True), True),
    "heldout-writer-bank": ("bank", "heldout", 404, L("writer-a5-endnotes", "writer", "a5", 10, True, "versorecto", "endnotes", False), True),

    "tuning-weasyprint-paket": ("paket", "tuning", 501, L("weasyprint-a5", "weasyprint", "a5", 10, True, "versorecto", "chapter", True), True),
    "tuning-weasyprint-bank": ("bank", "tuning", 502, L("weasyprint-a4-endnotes", "weasyprint", "a4", 11, False, "centered", "endnotes", False), True),
    "heldout-weasyprint-paket": ("paket", "heldout", 503, L("weasyprint-b5", "weasyprint", "b5", 10.5, True, "centered", "chapter", True), True),
    "heldout-weasyprint-bank": ("bank", "heldout", 504, L("weasyprint-a5-spaced", "weasyprint", "a5", 10, False, "versorecto", "chapter", False), True),

    "tuning-groff-paket": ("paket", "tuning", 601, L("groff-a5", "groff", "a5", 10, True, "versorecto", "chapter", True), False),
    "tuning-groff-bank": ("bank", "tuning", 602, L("groff-a4-endnotes", "groff", "a4", 11, False, "centered", "endnotes", False), True),
    "heldout-groff-paket": ("paket", "heldout", 603, L("groff-b5-spaced", "groff", "b5", 10, False, "centered", "chapter", True), True),
    "heldout-groff-bank": ("bank", "heldout", 604, L("groff-a5", "groff", "a5", 10, True, "versorecto", "chapter", False), True),
}


def make_doc(name: str) -> tuple[Doc, Layout]:
    generator, text, seed, layout, pdf_title = BOOKS[name]
    if generator == "paket":
        return paket_doc(name, text, seed, chapters=2, pdf_title=pdf_title), layout
    return bank_doc(name, text, seed), layout


def _page_texts(pdf: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _letters(text: str) -> str:
    """Letters and digits only, references as the digits the page text has."""
    return re.sub(r"[^0-9a-zäöüß]", "", text.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")).lower())


def locate(pdf: Path, texts: list[str], missing_ok: bool = False) -> list[int]:
    """The 0-based page on which each of `texts` (in reading order) begins: found by their
    first letters in the pages' letters, each after the one before (the typesetter's breaks,
    hyphens and spaces do not matter); -1 for one the print does not have, with `missing_ok`."""
    pages = [_letters(t) for t in _page_texts(pdf)]
    stream = "".join(pages)
    starts, total = [], 0
    for page in pages:
        starts.append(total)
        total += len(page)
    found, at = [], 0
    for text in texts:
        # 80 letters tell "Zwei Fassungen liegen vor: 1. Online: …" notes apart; fewer find a note
        # whose first line is the last of its page (the folio and running head come between)
        for length in (80, 40, 20):
            key = _letters(text)[:length]
            where = stream.find(key, at)
            if where < 0 and found:     # notes set out of their calls' order (WeasyPrint): from the page before
                last = max((p for p in found if p >= 0), default=0)
                where = stream.find(key, starts[max(0, last - 1)])
            if where >= 0:
                break
        if where < 0 and missing_ok:
            found.append(-1)
            continue
        if not key or where < 0:
            raise ValueError(f"{pdf.name}: cannot find {text[:50]!r} in the print")
        found.append(max(i for i, s in enumerate(starts) if s <= where))
        at = where + len(key)
    return found


def note_pages(pdf: Path, doc: Doc, layout: Layout) -> list[list[int]]:
    """Per part (preface, chapters), the page each note begins on, -1 where the print lost it
    (WeasyPrint drops a note whose call is on a page's last lines when the note does not fit)."""
    per_chapter = [chapter_notes(c) for c in parts(doc, layout)]
    pages = locate(pdf, [plain(n) for notes in per_chapter for n in notes], missing_ok=True)
    out, i = [], 0
    for notes in per_chapter:
        out.append(pages[i:i + len(notes)])
        i += len(notes)
    return out


def note_numbers_per_page(pdf: Path, doc: Doc, layout: Layout) -> list[list[str]]:
    """Notes numbered per page: each note's number is its place among the notes that begin on
    its page, read from where the print put them."""
    per_chapter = [chapter_notes(c) for c in parts(doc, layout)]
    pages = [p for chapter in note_pages(pdf, doc, layout) for p in chapter]
    if -1 in pages:
        raise ValueError(f"{pdf.name}: a note numbered per page is missing from the print")
    numbers, seen = [], {}
    for page in pages:
        seen[page] = seen.get(page, 0) + 1
        numbers.append(str(seen[page]))
    out, i = [], 0
    for notes in per_chapter:
        out.append(numbers[i:i + len(notes)])
        i += len(notes)
    return out


def make(name: str, out: Path = CORPUS) -> Path:
    doc, layout = make_doc(name)
    folder = out / doc.split
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{name}.pdf"
    source = typeset(doc, layout, pdf)
    suffix = {"typst": ".typ", "pdflatex": ".tex", "lualatex": ".tex", "writer": ".fodt", "weasyprint": ".html", "groff": ".ms"}
    (folder / "sources").mkdir(exist_ok=True)
    (folder / "sources" / f"{name}{suffix[layout.typesetter]}").write_text(source, encoding="utf-8")
    numbers = note_numbers_per_page(pdf, doc, layout) if layout.notes == "page" else None
    answer = gold(doc, layout, numbers)
    for chapter, pages in zip(answer["chapters"], note_pages(pdf, doc, layout), strict=True):
        for note, page in zip(chapter["notes"], pages, strict=True):
            note["page"] = page + 1           # 1-based PDF page; 0: not printed (its reference is)
    texts = [c["blocks"][0]["text"] for c in answer["chapters"]]      # a chapter's first words (its title is in the contents too)
    pages = locate(pdf, texts)
    main = pages[1 if layout.front and doc.preface else 0]
    count = len(_page_texts(pdf))
    answer["pages"] = count
    answer["chapter_pages"] = [p + 1 for p in pages]                 # 1-based PDF pages where chapters open
    answer["page_labels"] = [page_label(layout.typesetter, i, main) for i in range(count)]
    answer["census"] = census(pdf, answer)
    (folder / f"{name}.gold.json").write_text(json.dumps(answer, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    (folder / f"{name}.gold.txt").write_text(clean_form(answer), encoding="utf-8")
    return pdf


def page_label(typesetter: str, index: int, main: int) -> str:
    """The folio of 0-based page `index` when the main matter begins on page `main`: roman
    before it and arabic from 1 (groff: arabic throughout, from 1 again at the main matter;
    WeasyPrint: arabic going on from the front matter's count)."""
    if index >= main:
        return str(index + 1 if typesetter == "weasyprint" else index + 1 - main)
    return str(index + 1) if typesetter == "groff" else _roman(index + 1)


def _roman(n: int) -> str:
    out = ""
    for value, letters in [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]:
        while n >= value:
            out, n = out + letters, n - value
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument("--census", action="store_true", help="only count the structures of the books made before")
    args = parser.parse_args()
    if args.census:
        for path in sorted(args.out.glob("*/*.gold.json")):
            answer = json.loads(path.read_text(encoding="utf-8"))
            answer["census"] = census(path.with_name(answer["name"] + ".pdf"), answer)
            path.write_text(json.dumps(answer, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
            print(answer["name"], answer["census"])
        return
    for name in [n for n in BOOKS if not args.only or n in args.only.split(",")]:
        typesetter = BOOKS[name][3].typesetter
        if not tool_available(typesetter):
            print(f"{name}: skipped ({typesetter} is not installed)")
            continue
        pdf = make(name, args.out)
        print(pdf, f"{pdf.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
