"""PDF ingest benchmark: the test books (tests/books.py), read by `edition ingest`, against
naive baselines on extracted text, all scored against the gold text in one run.

    python bench/pdf_bench.py [--out bench/out/books] [--repeat 5]

Per book: body word accuracy, headings, notes with their numbers, note references, paragraph
breaks (recall, precision), words left over (running heads, folios), pages per second (median of
--repeat runs). Baselines: `pdftotext` (poppler) text, lines joined, a line-end hyphen before a
lower-case letter deleted, blank lines as paragraph breaks; and the page-text route
(`edition clean` on pdftotext's pages). Held-out books are marked: the rules were not tuned on them.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import books  # noqa: E402

from generator.diagnostics import Collector  # noqa: E402
from generator.ingest.layout import build_book  # noqa: E402
from generator.ingest.pdf import read_pdf  # noqa: E402


def tool(pdf: Path, repeat: int) -> tuple[list[dict], str]:
    reading, whole = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        pages = read_pdf(pdf, None, None, Collector())
        read = time.perf_counter()
        book = build_book(pages)
        reading.append(read - start)
        whole.append(time.perf_counter() - start)
    return books.tool_chapters(book), (f"{len(pages) / statistics.median(reading):.0f} read, "
                                       f"{len(pages) / statistics.median(whole):.0f} all")


def naive(pdf: Path) -> list[dict]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"(\w)[-\u00ad]\n(?=[a-zäöüß])", r"\1", text)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [{"title": "", "blocks": [{"kind": "para", "text": p} for p in paragraphs], "notes": {}}]


def page_text_route(pdf: Path) -> list[dict]:
    from generator.ingest.pipeline import clean

    with tempfile.TemporaryDirectory() as folder:
        files = []
        count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                                 check=True).stdout).group(1))
        for n in range(1, count + 1):
            out = Path(folder) / f"p{n:03d}.txt"
            subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(n), "-l", str(n), str(pdf), str(out)], check=True)
            if out.read_text(encoding="utf-8").strip():
                files.append(out)
        try:
            text = clean(files)
        except Exception as exc:  # noqa: BLE001 - a baseline that fails scores zero
            print(f"  (page-text route failed: {str(exc)[:80]})")
            return [{"title": "", "blocks": [], "notes": {}}]
    return [{"title": "", "blocks": [{"kind": "para", "text": p} for p in text.split("\n\n")], "notes": {}}]


def row(name: str, method: str, s: dict, speed: str) -> str:
    return (f"| {name} | {method} | {s['word_accuracy']:.1%} | {s['headings']} (+{s['headings_false']}) | "
            f"{s['notes_count']} | {s['refs']:.0%} | {s['break_recall']:.0%} / {s['break_precision']:.0%} | "
            f"{s['extra_words']} | {speed} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "books")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("| book | method | body words | headings (false) | notes | refs | paragraph breaks R / P | "
          "extra words | pages/s (median) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in books.BOOKS:
        if not books.available(name):
            print(f"| {name} | (no pdflatex) | | | | | | | |")
            continue
        pdf, gold = books.typeset(name, args.out)
        label = name + (" (held out)" if name.startswith(("heldout", "unseen")) else "")
        chapters, speed = tool(pdf, args.repeat)
        print(row(label, "edition ingest (PDF)", books.score_text(gold, chapters), speed))
        if shutil.which("pdftotext"):
            print(row(label, "naive: pdftotext + dehyphenate", books.score_text(gold, naive(pdf)), ""))
            print(row(label, "page text: pdftotext → edition clean", books.score_text(gold, page_text_route(pdf)), ""))


if __name__ == "__main__":
    main()
