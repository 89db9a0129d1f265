"""Line-end hyphens and page text from any extractor: `edition clean` on each extractor's page
files, against the naive baseline on the same files, scored against the gold text.

    python bench/hyphen_bench.py [--books heldout-typst,heldout-latex] [--out bench/out/books]

For each test book (tests/books.py: typeset by Typst or pdfLaTeX, gold text from the same
model) and each extractor (pdftotext, pdftotext -layout, pypdf, pdfminer.six; one text file per
page, as a user would save them), in one run:
  - naive baseline: the page files joined, a line-end "-" or soft hyphen before a lower-case
    letter deleted, blank lines as paragraph breaks (what a one-line script does);
  - `edition clean` on the same files;
and, from the PDF itself, `edition ingest`'s reader (PDFium).
Figures: body words found (difflib against the gold body text, note numbers stripped),
wrong joins (the gold has a hyphen or a space the output lost), missed joins (the output keeps a
break hyphen or a split the gold does not have), both per 10,000 gold words; running heads and
folios left in the body (their words); "undecided" cases the report asks about per 10,000 words;
pages per second of `edition clean` (after start-up) and its start-up.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import books  # noqa: E402

SUPERSCRIPTS = str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹")
HYPHENS = "\\-\u00ad\u2010"
EXAMPLES: dict[str, list[tuple[str, str]]] = {}  # the last scoring's errors (--examples)


# ---- extractors: one text file per page ----

def _count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def pdftotext(pdf: Path, page: int, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def extract(pdf: Path, extractor: str, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    count = _count(pdf)
    if extractor == "pypdf":
        from pypdf import PdfReader

        texts = [page.extract_text() or "" for page in PdfReader(pdf).pages]
    elif extractor == "pdfminer.six":
        from pdfminer.high_level import extract_text

        texts = [extract_text(str(pdf), page_numbers=[n]) for n in range(count)]
    else:
        texts = [pdftotext(pdf, n, layout=extractor.endswith("-layout")) for n in range(1, count + 1)]
    files = []
    for n, text in enumerate(texts, 1):
        if text.strip():
            path = folder / f"p{n:03d}.txt"
            path.write_text(text, encoding="utf-8")
            files.append(path)
    return files


# ---- the two ways to clean them ----

def naive(files: list[Path]) -> str:
    text = "\n".join(f.read_text(encoding="utf-8") for f in files)
    text = re.sub(r"(\w)[-\u00ad]\n(?=[a-zäöüß])", r"\1", text)
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def tool(files: list[Path]) -> tuple[str, int, float]:
    """`edition clean`'s text, its undecided cases, and its seconds (start-up excluded)."""
    from generator.ingest.pipeline import read_book
    from generator.ingest.writers import clean_text

    start = time.perf_counter()
    book = read_book(files)
    return clean_text(book), len(book.undecided), time.perf_counter() - start


# ---- scoring ----

def gold_body(gold: dict) -> list[str]:
    words: list[str] = []
    for chapter in gold["chapters"]:
        words += books._title(chapter["title"]).split()
        for block in chapter["blocks"]:
            words += block["text"].split()
    return [w.translate(SUPERSCRIPTS) for w in words]


def score(gold_words: list[str], text: str, furniture: set[str]) -> dict:
    """Body words found; joins wrong and missed; running-head words left."""
    words = [w.translate(SUPERSCRIPTS) for w in text.split()]
    words = [w for w in words if w]
    matcher = SequenceMatcher(None, gold_words, words, autojunk=False)
    found = wrong = missed = spaced = 0
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            found += a2 - a1
            continue
        gold_part, mine = " ".join(gold_words[a1:a2]), " ".join(words[b1:b2])
        if not gold_part or not mine:
            continue
        squash = lambda s: re.sub(rf"[\s{HYPHENS}]", "", s)  # noqa: E731
        if squash(gold_part) != squash(mine):
            continue  # not a hyphenation matter
        if re.fullmatch(r"\w( \w){2,}", mine) and " " not in gold_part:
            spaced += 1                           # letter-spaced (Sperrsatz) and not closed
            continue
        gold_breaks = len(re.findall(rf"[\s{HYPHENS}]", gold_part))
        my_breaks = len(re.findall(rf"[\s{HYPHENS}]", mine))
        if my_breaks < gold_breaks:
            wrong += gold_breaks - my_breaks      # a hyphen or a space the gold has is gone
            EXAMPLES.setdefault("wrong", []).append((gold_part, mine))
        elif my_breaks > gold_breaks:
            missed += my_breaks - gold_breaks     # a break hyphen or a split stayed
            EXAMPLES.setdefault("missed", []).append((gold_part, mine))
    left = sum(1 for w in words if w in furniture)
    return {"found": found / max(len(gold_words), 1), "wrong": wrong, "missed": missed, "furniture": left,
            "spaced": spaced}


def running_words(gold: dict) -> set[str]:
    """Words only running heads and folios have (not in the body): left in, they are debris."""
    body = set(gold_body(gold))
    heads = {w for chapter in gold["chapters"] for w in books._title(chapter["title"]).split()}
    return {w for w in heads | {gold.get("title", "")} if w and w not in body}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", default="tuning-typst,tuning-latex,heldout-typst,heldout-latex,unseen-typst,unseen-latex")
    parser.add_argument("--extractors", default="pdftotext,pdftotext-layout,pypdf,pdfminer.six")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "books")
    args = parser.parse_args()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from generator.ingest.pipeline import read_book; "
                    "from generator.ingest.lexicon import Lexicon; Lexicon(set()).is_word('Haus')"], check=True)
    startup = time.perf_counter() - start
    print(f"start-up (a fresh process: import, lexicon ready, one lookup): {startup:.2f} s\n")
    print("| book | extractor | method | body words | wrong joins /10k | missed joins /10k | letter-spaced words left "
          "| head/folio words left | undecided /10k | pages/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in args.books.split(","):
        if not books.available(name):
            continue
        pdf, gold = books.typeset(name, args.out)
        words = gold_body(gold)
        per = 10_000 / len(words)
        heads = running_words(gold)
        label = name + (" (held out)" if name.startswith(("heldout", "unseen")) else "")
        from generator.diagnostics import Collector
        from generator.ingest.layout import build_book
        from generator.ingest.pdf import read_pdf

        chapters = books.tool_chapters(build_book(read_pdf(pdf, None, None, Collector())))
        text = "\n\n".join("\n\n".join([c["title"], *(b["text"] for b in c["blocks"])]) for c in chapters)
        s = score(words, text, heads)
        print(f"| {label} | (PDF) | edition ingest | {s['found']:.2%} | {s['wrong'] * per:.1f} | {s['missed'] * per:.1f} "
              f"| {s['spaced']} | {s['furniture']} | | |")
        for extractor in args.extractors.split(","):
            with tempfile.TemporaryDirectory() as folder:
                files = extract(pdf, extractor, Path(folder))
                base = score(words, naive(files), heads)
                print(f"| {label} | {extractor} | naive | {base['found']:.2%} | {base['wrong'] * per:.1f} | "
                      f"{base['missed'] * per:.1f} | {base['spaced']} | {base['furniture']} | | |")
                try:
                    cleaned, undecided, seconds = tool(files)
                except Exception as exc:  # noqa: BLE001 - a failure is a row, not the end of the bench
                    print(f"| {label} | {extractor} | edition clean | failed: {str(exc)[:60]} | | | | | | |")
                    continue
                mine = score(words, cleaned, heads)
                print(f"| {label} | {extractor} | edition clean | {mine['found']:.2%} | {mine['wrong'] * per:.1f} | "
                      f"{mine['missed'] * per:.1f} | {mine['spaced']} | {mine['furniture']} | {undecided * per:.1f} | "
                      f"{len(files) / seconds:.0f} |")
    throughput(list(books.BOOKS), args.out)


def throughput(names: list[str], out: Path) -> None:
    """Pages per second of `edition clean` on many pages at once (every book's pdftotext pages,
    one run after another in one process: a book of that many pages), after start-up."""
    with tempfile.TemporaryDirectory() as folder:
        files: list[Path] = []
        for name in names:
            if books.available(name):
                pdf, _ = books.typeset(name, out)
                files += extract(pdf, "pdftotext", Path(folder) / name)
        _, _, seconds = tool(files[:5])  # the lexicon's first lookups
        runs = []
        for _ in range(3):
            _, _, seconds = tool(files)
            runs.append(seconds)
        runs.sort()
        print(f"\nthroughput: {len(files)} pages of pdftotext text in one run: {runs[1]:.2f} s, "
              f"{len(files) / runs[1]:.0f} pages/s (median of 3, one process, after start-up)")


if __name__ == "__main__":
    main()
