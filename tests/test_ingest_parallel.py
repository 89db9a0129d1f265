"""The passes' work a page (or a block) at a time in forked worker processes (generator/ingest/
parallel.py, issue 24's speed): the same book as one process makes, and a worker that is killed
or fails stops the run with one error line, nothing written."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.ingest import parallel, pipeline

sys.path.insert(0, str(Path(__file__).parent))
import testcorpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def small_shares(monkeypatch):
    """Shares small enough that a few pages are shared among processes, two items at a time."""
    monkeypatch.setattr(parallel, "SHARE", 1)
    monkeypatch.setattr(parallel, "CHUNK", 2)
    # pytest-xdist's worker runs a thread of its own (execnet's), so `each` would not fork: the
    # children here take none of its locks (the CLI test below forks as a user's ingest does)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)


def test_the_passes_in_worker_processes_make_the_book_one_process_makes(small_shares, monkeypatch):
    book = testcorpus.pdf("tuning-pdflatex-paket")   # its tables' headers are ruled off: set apart in the worker
    others: dict[str, set[int]] = {}   # the work: the worker processes that did some of it
    real_each = parallel.each

    def watched(function, items, what, jobs=None):
        done = real_each(lambda item: (os.getpid(), function(item)), items, what, jobs=3)
        others.setdefault(what, set()).update({pid for pid, _ in done} - {os.getpid()})
        return [result for _, result in done]

    monkeypatch.setattr(parallel, "each", watched)
    together = pipeline.read_book([book], pages="1-12")
    assert list(others) == ["counting the book's words", "finding the pages' blocks", "reading the blocks' text", "recording the printed lines",
                            "proofreading the blocks"]
    assert any(others.values())
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    alone = pipeline.read_book([book], pages="1-12")
    assert together == alone     # every block, note, change, Hinweis and recorded line, in order
    assert any(block.kind == "table" and block.head for chapter in together.chapters for block in chapter.blocks)
    assert pipeline.clean_text(together) == pipeline.clean_text(alone)


def _in_a_worker(parent: int, then) -> None:
    if os.getpid() != parent:
        then()


def test_a_worker_killed_or_failing_stops_the_work_with_what_happened(small_shares):
    parent = os.getpid()
    items = list(range(40))
    assert parallel.each(lambda x: x * x, items, "squaring", jobs=2) == [x * x for x in items]

    def killed(x):
        _in_a_worker(parent, lambda: os.kill(os.getpid(), signal.SIGKILL))
        time.sleep(0.005)   # the parent too slow to take every chunk before the worker starts
        return x

    with pytest.raises(parallel.Failed, match="a worker process was killed by signal 9 while squaring: nothing was written"):
        parallel.each(killed, items, "squaring", jobs=2)

    def fails(x):
        _in_a_worker(parent, lambda: [][x])
        time.sleep(0.005)
        return x

    with pytest.raises(parallel.Failed, match=r"failed while squaring: IndexError: list index out of range \(at "
                                              r"test_ingest_parallel.py:\d+; a fault of ingest"):
        parallel.each(fails, items, "squaring", jobs=2)


DRIVER = ("import sys; from generator.ingest import parallel; parallel.SHARE = 1; parallel.CHUNK = 2; "
          "from generator.cli import main; sys.exit(main(sys.argv[1:]))")


def test_an_ingest_whose_worker_is_killed_writes_nothing_and_says_so_in_one_line(tmp_path):
    book = testcorpus.pdf("tuning-typst-bank")
    content = tmp_path / "content"
    done = subprocess.run([sys.executable, "-c", DRIVER, "ingest", str(book), "--into", str(content), "--pages", "1-6"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "EDITION_FAULT": "ingest-worker"})
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == (f"{book}: error: a worker process was killed by signal 9 while counting the "
                                           "book's words: nothing was written; run it again (a machine short of memory "
                                           "kills its largest processes: free memory, or give --pages)")
    assert "Traceback" not in done.stderr
    assert not content.exists()
