"""The ingest test corpus: German test books from two independent generators, typeset by six
typesetters in several layouts, with gold derived by program (issue 24, item 8).

Layout of `tests/fixtures/corpus/`:

    tuning/tuning-<typesetter>-<generator>.pdf      books the ingest rules may be written on
    heldout/heldout-<typesetter>-<generator>.pdf    books nobody reads while writing rules
    */<name>.gold.json    structured gold: chapters (title as printed, running-head text), blocks
                          (heading with level, para, quote, item with ordered/marker, row, code),
                          notes with their print numbers, running heads, page labels, PDF metadata,
                          the title page's "∗" note
    */<name>.gold.txt     the same in `edition clean`'s form (one block a line, blank lines between,
                          headings as printed, references as superscripts, each chapter's notes after it)
    */sources/            the typesetter source each PDF was made from
    paketmanagement.json  generator B's text (CC BY-SA 4.0, see bank.py)

Generators (`generate.py`): A is the sentence-bank model of `tests/books.py`; B takes its prose,
titles, list items, code and addresses from the Debian book "Debian-Paketmanagement" (Axel
Beckert, Frank Hofmann; CC BY-SA 4.0) and makes its own structure. Typesetters (`typeset.py`):
Typst, pdfLaTeX, LuaLaTeX, LibreOffice Writer (flat ODF), WeasyPrint, groff -ms. `make.py`
lists every book (generator, text, seed, layout) and makes them again:

    python tests/testcorpus/make.py            # needs the typesetters; CI never runs it

The held-out rule: a held-out book's text, per-book scores and failures are not looked at while
rules are written; `bench/ingest_score.py` prints them only as aggregates. The gold's print
numbers for notes numbered per page are read from where the print put each note (`make.locate`):
the only gold not derived from the model alone.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .score import score

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
SPLITS = ("tuning", "heldout")


def books(split: str | None = None) -> list[str]:
    """The committed books' names, tuning first; `split` picks one part."""
    return [p.name.removesuffix(".pdf") for s in SPLITS if split in (None, s) for p in sorted((CORPUS / s).glob("*.pdf"))]


def split_of(name: str) -> str:
    split = name.split("-", 1)[0]
    if split not in SPLITS:
        raise ValueError(f"{name}: not a corpus book")
    return split


def pdf(name: str) -> Path:
    return CORPUS / split_of(name) / f"{name}.pdf"


def gold(name: str) -> dict:
    return json.loads((CORPUS / split_of(name) / f"{name}.gold.json").read_text(encoding="utf-8"))


def gold_text(name: str) -> str:
    return (CORPUS / split_of(name) / f"{name}.gold.txt").read_text(encoding="utf-8")


def clean(path: Path) -> str:
    """`edition clean PDF` as a user runs it (a fresh process); raises with its stderr on failure."""
    root = Path(__file__).resolve().parent.parent.parent
    done = subprocess.run([sys.executable, "-m", "generator", "clean", str(path)], capture_output=True, text=True,
                          cwd=root, timeout=600, env={**os.environ, "PYTHONPATH": str(root)})
    if done.returncode:
        raise RuntimeError(f"edition clean {path.name} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def score_book(name: str, text: str | None = None) -> dict:
    """Figures for one corpus book (see score.score); `text` defaults to `edition clean`'s output."""
    return score(gold(name), clean(pdf(name)) if text is None else text)


__all__ = ["CORPUS", "SPLITS", "books", "clean", "gold", "gold_text", "pdf", "score", "score_book", "split_of"]
