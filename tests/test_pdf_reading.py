"""Reading a PDF's pages (generator/ingest/pdf.py, issue 24): in parallel and alone alike, and what
real PDFs put in the way (characters beyond the BMP in halves, accents set as glyphs of their own,
TeX's logos, bookmarks, hyphens of every typesetter)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from generator.diagnostics import Collector
from generator.ingest import pdf
from generator.ingest.pdf import Page, read_pdf

sys.path.insert(0, str(Path(__file__).parent))
import testcorpus  # noqa: E402


def fingerprint(pages: list[Page]) -> list[tuple]:
    """Everything the reader gives, every field of every character."""
    out: list[tuple] = []
    for page in pages:
        out.append((page.index, page.width, page.height, [(g.kind, g.left, g.top, g.right, g.bottom) for g in page.graphics],
                    page.doubts))
        for line in page.lines:
            out.append((line.text, line.right, line.hyphen, line.y, line.size,
                        [(c.text, c.x, c.y, c.size, c.style, c.raised, c.index) for c in line.chars]))
    return out


@pytest.fixture
def small_shares(monkeypatch):
    """Shares small enough that a short book is read by several processes, a page at a time."""
    monkeypatch.setattr(pdf, "SHARE", 2)
    monkeypatch.setattr(pdf, "CHUNK", 1)


def test_pages_read_by_several_processes_are_the_pages_one_process_reads(small_shares):
    book = testcorpus.pdf("tuning-writer-bank")
    alone = read_pdf(book, None, None, Collector(), jobs=1)
    together = read_pdf(book, None, None, Collector(), jobs=3)
    assert [p.index for p in together] == list(range(1, len(alone) + 1))
    assert fingerprint(together) == fingerprint(alone)
    some = read_pdf(book, 4, 11, Collector(), jobs=2)
    assert fingerprint(some) == fingerprint(alone[3:11])


def test_a_reading_worker_that_dies_leaves_its_pages_to_the_parent(small_shares, monkeypatch):
    def dies(connection, data, chunks, counter, parent):   # noqa: ARG001 - the worker's arguments
        pdf._take(counter)     # it took a chunk, and is killed before it sends it
        os._exit(9)

    book = testcorpus.pdf("tuning-typst-bank")
    alone = read_pdf(book, None, None, Collector(), jobs=1)
    monkeypatch.setattr(pdf, "_read_chunks", dies)
    assert fingerprint(read_pdf(book, None, None, Collector(), jobs=2)) == fingerprint(alone)


def test_a_page_that_cannot_be_read_is_an_error_whichever_process_reads_it(small_shares, tmp_path):
    from test_ingest_safety import _hand_made_pdf

    broken = _hand_made_pdf(tmp_path / "loop.pdf", "3 0 R 2 0 R", b"<< /Title (Buch) >>")
    for jobs in (1, 2):
        problems = Collector()
        assert read_pdf(broken, None, None, problems, jobs=jobs) == []
        assert [d.message.split(" (")[0] for d in problems.errors] == ["page 2 cannot be read"]
