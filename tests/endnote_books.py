"""One more tuning book for the notes a chapter sets at its end ("Anmerkungen"), from the
corpus's generators (tests/testcorpus/): Typst, with front matter (a title
page, a preface, contents: text before the first chapter) and notes whose lines begin with
numbers of their own ("Zwei Fassungen liegen vor: 1. Online: …; 2. Druck: …"); and LibreOffice
Writer, whose notes pages hold no rule and no body type. Committed in
tests/fixtures/endnotes/ with their gold; made again by

    python tests/endnote_books.py [NAME …]   # needs typst (PyPI), soffice for the Writer book

It is a tuning book (rules may be written on it) outside the corpus's fixed list, so the
corpus's figures stay comparable from run to run.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from testcorpus import make
from testcorpus.model import Layout

FOLDER = Path(__file__).resolve().parent / "fixtures" / "endnotes"
BOOKS = {
    "tuning-typst-paket-endnotes": ("paket", "tuning", 902, Layout("typst-a5-endnotes", "typst", "a5", 10, True, "versorecto",
                                                         "endnotes", True), True),
    # Writer, notes at each chapter's end set in small type without a rule: a page of the notes read
    # as body lines above a foot of note lines ("11." … in the text, "22." … at the foot), and a
    # list item's short last line above a quote in smaller type
    "tuning-writer-bank-endnotes": ("bank", "tuning", 916, Layout("writer-a5-endnotes", "writer", "a5", 10, True,
                                                                  "versorecto", "endnotes", False), True),
}


def pdf(name: str) -> Path:
    return FOLDER / "tuning" / f"{name}.pdf"


def gold(name: str) -> dict:
    import json

    return json.loads((FOLDER / "tuning" / f"{name}.gold.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    make.BOOKS.update(BOOKS)
    for name in sys.argv[1:] or BOOKS:
        print(make.make(name, FOLDER))
