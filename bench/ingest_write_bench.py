"""What writing safely costs ingest: the same book read and through the passes only (the baseline)
against a first ingest (stage, read back, journal, renames, fsync) and a re-ingest (every file
compared with what ingest wrote), and what the build's one call (`wait_for_ingest`) costs
against the build's load of the same folder. Medians of several runs in one process, side by side.

    python bench/ingest_write_bench.py [--runs 5] [--book heldout-typst]

The book is a test book typeset by tests/books.py (needs Typst or pdfLaTeX).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import books  # noqa: E402

from generator.build import check  # noqa: E402
from generator.ingest.commit import wait_for_ingest  # noqa: E402
from generator.ingest.pipeline import ingest, read_book  # noqa: E402


def timed(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--book", default="heldout-typst")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        pdf, _ = books.typeset(args.book, work / "books")
        read_book([pdf])   # warm: the modules, PDFium
        passes = timed(lambda: read_book([pdf]), args.runs)
        count = 0

        def first() -> None:
            nonlocal count
            count += 1
            ingest([pdf], work / f"first-{count}")
        fresh = timed(first, args.runs)
        again_folder = work / "again"
        ingest([pdf], again_folder)
        again = timed(lambda: ingest([pdf], again_folder), args.runs)
        pages = len(read_book([pdf]).recorded)
        print(f"{args.book}: {pages} pages, median of {args.runs} runs (in one process)")
        print(f"  read + passes only (baseline)   {passes * 1000:8.1f} ms")
        print(f"  first ingest (written safely)    {fresh * 1000:8.1f} ms   {fresh / passes:5.2f}x the baseline")
        print(f"  re-ingest (every file compared)  {again * 1000:8.1f} ms   {again / passes:5.2f}x the baseline")

        load = timed(lambda: check(again_folder, jobs=1), args.runs)
        calls = 200
        wait = timed(lambda: [wait_for_ingest(again_folder) for _ in range(calls)], args.runs) / calls
        print(f"  the build's load (edition check)  {load * 1000:8.1f} ms (with its wait_for_ingest)")
        print(f"  wait_for_ingest alone             {wait * 1000:8.3f} ms   {wait / load:5.2%} of it")
        shutil.rmtree(work / "books", ignore_errors=True)


if __name__ == "__main__":
    main()
