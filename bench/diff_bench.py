"""What the character-level alignment of the three texts (print → ingested → current) costs on
a 300-page book, by generator/diffing.py and by the libraries one would use instead.

    python bench/diff_bench.py [--pages 300] [--runs 3]

The book: 300 pages of a real German book (after its contents) as pdftotext reads them (the KOMA-Script guide
Debian ships with texlive-latex-recommended; a synthetic corpus where it is missing), in
chapters of 20 pages. Per chapter: the print is its page text (line ends, break hyphens), the
ingested text that with break hyphens joined and lines made paragraphs, the current text that
with an editor's work planted (per 20 pages: 20 letters corrected, 7 words added, 7 removed,
2 paragraphs split, 2 joined). Timed per chapter (what the build does) and for the whole book
as one text, medians of --runs, taking turns. Beside them the present way (printed.py: each
block's skeleton found in the print's) as the baseline. "found": the planted edits that lie in
a change the alignment reports; "changed": characters it reports changed (fewer is tighter).
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import diffing  # noqa: E402

BOOK = Path("/usr/share/doc/texlive-doc/latex/koma-script/scrguide-de.pdf")


def pages(count: int) -> list[str]:
    if BOOK.exists() and shutil.which("pdftotext"):
        # from page 13 on: the contents before it (dot leaders) are no edition's text
        text = subprocess.run(["pdftotext", "-f", "13", "-l", str(12 + count), "-enc", "UTF-8", str(BOOK), "-"],
                              capture_output=True, text=True, check=True).stdout
        found = [page for page in text.split("\f") if page.strip()]
        print(f"book: {BOOK.name}, {len(found)} pages, {sum(map(len, found)) // 1000} k characters")
        return found[:count]
    sys.path.insert(0, str(ROOT / "bench"))
    import tempfile

    from corpus import write_corpus

    with tempfile.TemporaryDirectory() as folder:
        files = write_corpus(Path(folder), count // 2)
        text = "\n\n".join(re.sub(r"\{\{[^}]*\}\}|\[\^\d+\]:?", "", f.read_text(encoding="utf-8")) for f in files)
    lines = [text[i:i + 70] for i in range(0, len(text), 70)]
    print("book: synthetic (bench/corpus.py); the KOMA-Script guide is not installed")
    return ["\n".join(lines[i:i + 40]) for i in range(0, len(lines), 40)][:count]


def ingest(printed: str) -> str:
    """What a simple ingest makes of page text: break hyphens joined, lines run into paragraphs."""
    text = re.sub(r"(?<=[a-zäöüß])-\n(?=[a-zäöüß])", "", printed)
    text = re.sub(r"\n\s*\n+", "\u0000", text)
    text = re.sub(r"\s*\n\s*", " ", text)
    return re.sub(r" *\u0000 *", "\n\n", text).strip()


def edit(text: str, rng: random.Random) -> tuple[str, list[int]]:
    """The editor's work planted; returns the text and where each edit stands in it."""
    for _ in range(2):  # paragraphs split and joined (not counted: no text changes)
        dots = [m.end() for m in re.finditer(r"\. (?=[A-Z])", text)]
        if dots:
            at = rng.choice(dots)
            text = text[:at - 1] + "\n\n" + text[at:]
        breaks = [m.start() for m in re.finditer(r"\n\n", text)]
        if breaks:
            at = rng.choice(breaks)
            text = text[:at] + " " + text[at + 2:]
    words = list(re.finditer(r"[A-Za-zÄÖÜäöüß]{5,}", text))
    picked = sorted(rng.sample(range(len(words)), min(len(words), 34)), reverse=True)
    marks: list[int] = []
    for k, index in enumerate(picked):  # from the end: the offsets before stay valid
        word = words[index]
        if k % 34 < 20:    # a letter corrected
            at = word.start() + 2
            text = text[:at] + ("x" if text[at] != "x" else "y") + text[at + 1:]
            shift = 0
        elif k % 34 < 27:  # a word added after it
            at = word.end()
            text = text[:at] + " neues" + text[at:]
            shift = 6
        else:              # the word removed (with its space)
            at = word.start()
            text = text[:at] + text[word.end() + 1:]
            shift = -(word.end() + 1 - at)
        marks = [m + shift for m in marks] + [at]
    return text, marks


def difflib_tokens(a: str, b: str) -> list[diffing.Op]:
    """The first prototype: tokens aligned by difflib, replaced runs again by characters."""
    from difflib import SequenceMatcher

    def tokens(text):
        found = re.findall(r"\w+|\s+|[^\w\s]", text)
        starts, at = [], 0
        for token in found:
            starts.append(at)
            at += len(token)
        return found, starts + [at]
    ta, sa = tokens(a)
    tb, sb = tokens(b)
    out = []
    for tag, i0, i1, j0, j1 in SequenceMatcher(None, ta, tb, autojunk=True).get_opcodes():
        a0, a1, b0, b1 = sa[i0], sa[i1], sb[j0], sb[j1]
        if tag == "replace" and a1 - a0 < 4000 and b1 - b0 < 4000:
            for tag2, k0, k1, l0, l1 in SequenceMatcher(None, a[a0:a1], b[b0:b1], autojunk=False).get_opcodes():
                out.append(diffing.Op(tag2, a0 + k0, a0 + k1, b0 + l0, b0 + l1))
        else:
            out.append(diffing.Op(tag, a0, a1, b0, b1))
    return out


def dmp_raw(a: str, b: str) -> list[diffing.Op]:
    """diff-match-patch on the texts themselves (no skeleton), as its own documentation uses it."""
    from diff_match_patch import diff_match_patch

    engine = diff_match_patch()
    engine.Diff_Timeout = 3600
    out, i, j = [], 0, 0
    for op, text in engine.diff_main(a, b, True):
        n = len(text)
        out.append(diffing.Op("equal" if op == 0 else "insert" if op > 0 else "delete", i, i + (n if op <= 0 else 0),
                              j, j + (n if op >= 0 else 0)))
        i += n if op <= 0 else 0
        j += n if op >= 0 else 0
    return out


def skeleton_baseline(printed: str, current: str) -> int:
    """printed.py's way: each block of the current text looked for, without spaces and hyphens, in the print."""
    strip = re.compile(r"[\s\-\u00ad]")
    whole = strip.sub("", printed)
    found, cursor = 0, 0
    for block in current.split("\n\n"):
        key = strip.sub("", block)
        at = whole.find(key, cursor, cursor + len(key) + 8000)
        if at >= 0:
            found += 1
            cursor = at + len(key)
    return found


def rapidfuzz_ops(a: str, b: str) -> list[diffing.Op]:
    from rapidfuzz.distance import Indel

    return [diffing.Op(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Indel.opcodes(a, b)]


def cydifflib_ops(a: str, b: str):
    import cydifflib

    tokens = re.compile(r"\w+|\s+|[^\w\s]")
    return cydifflib.SequenceMatcher(None, tokens.findall(a), tokens.findall(b), autojunk=True).get_opcodes()


def quality(ops: list[diffing.Op], marks: list[int]) -> tuple[float, int]:
    changes = [op for op in ops if op.tag != "equal"]
    starts = [op.b0 for op in changes]
    import bisect

    found = 0
    for mark in marks:
        k = bisect.bisect_right(starts, mark + 1) - 1  # an added word's space may go either side of it
        if any(0 <= n < len(changes) and changes[n].b0 - 1 <= mark <= changes[n].b1 + 1 for n in (k - 1, k)):
            found += 1
    return (found / len(marks) if marks else 1.0), sum(max(op.a1 - op.a0, op.b1 - op.b0) for op in changes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(26)
    book = pages(args.pages)
    chapters = []
    for start in range(0, len(book), 20):
        printed = "\n".join(book[start:start + 20])
        ingested = ingest(printed)
        current, marks = edit(ingested, rng)
        chapters.append((printed, ingested, current, marks))
    whole = tuple("\n\n".join(part[i] for part in chapters) for i in range(3))
    print(f"{len(chapters)} chapters; ingested {len(whole[1]) // 1000} k characters, edits planted {sum(len(c[3]) for c in chapters)}")

    # each: (name, print → ingested and ingested → current as one call, the alignment to score or None)
    methods: dict[str, Callable] = {
        "baseline: skeleton find (printed.py)": lambda p, i, c: skeleton_baseline(p, c),
        "diffing.align: skeleton + diff-match-patch": lambda p, i, c: (diffing.align(p, i), diffing.align(i, c))[1],
        "difflib: tokens, then characters": lambda p, i, c: (difflib_tokens(p, i), difflib_tokens(i, c))[1],
        "cydifflib: tokens (C difflib)": lambda p, i, c: (cydifflib_ops(p, i), cydifflib_ops(i, c)) and None,
        "diff-match-patch on the texts": lambda p, i, c: (dmp_raw(p, i), dmp_raw(i, c))[1],
        "RapidFuzz Indel.opcodes (C++)": lambda p, i, c: (rapidfuzz_ops(p, i), rapidfuzz_ops(i, c))[1],
    }
    available = {}
    for name, method in methods.items():
        try:
            method("a b", "a b", "a c")
            available[name] = method
        except ImportError:
            print(f"  ({name}: not installed, pip install it to compare)")
    print("both alignments (print → ingested, ingested → current), seconds:")
    print(f"{'':44} {'per chapter (sum)':>17} {'whole book':>11} {'× base':>7} {'found':>6} {'changed':>8}")
    timing: dict[str, list[float]] = {name: [] for name in available}
    book_timing: dict[str, list[float]] = {name: [] for name in available}
    scores: dict[str, tuple[float, int]] = {}
    for run in range(args.runs):
        for name, method in available.items():
            start = time.perf_counter()
            results = [method(*chapter[:3]) for chapter in chapters]
            timing[name].append(time.perf_counter() - start)
            if run == 0 and isinstance(results[0], list):
                found = [quality(ops, chapter[3]) for ops, chapter in zip(results, chapters, strict=True)]
                scores[name] = (sum(f[0] * len(c[3]) for f, c in zip(found, chapters, strict=True)) / sum(len(c[3]) for c in chapters),
                                sum(f[1] for f in found))
            if "RapidFuzz" in name or ("difflib" in name and run):
                continue  # O(n·m/64), or minutes: the whole book once at most
            start = time.perf_counter()
            method(*whole)
            book_timing[name].append(time.perf_counter() - start)
    base = statistics.median(timing["baseline: skeleton find (printed.py)"])
    for name in available:
        per = statistics.median(timing[name])
        all_ = statistics.median(book_timing[name]) if book_timing[name] else float("nan")
        found, changed = (f"{scores[name][0]:.0%}", str(scores[name][1])) if name in scores else ("", "")
        print(f"{name:44} {per:17.2f} {all_:11.2f} {per / base:7.1f} {found:>6} {changed:>8}")


if __name__ == "__main__":
    main()
