"""Ingest benchmark: accuracy on a reproducible synthetic corpus, false joins on clean text, speed.

    python bench/ingest_bench.py [--words 10000] [--pages 300]

The corpus is made from the clean German reading text of the default edition (the published
text of page 229 and the later page): artifacts are injected at de_CH hyphenation points the way
the print shows them (spaces inside words, " -" at line ends, " - " when flattened), lines are
wrapped at 62 columns, footers and plain-digit footnote markers are added. The seed makes it
reproducible. Figures are medians where timed; a baseline (the same text with no repair, and
the plain line-unwrapping a naive tool does) is printed beside them.
"""
from __future__ import annotations

import argparse
import itertools
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.ingest import pipeline  # noqa: E402
from generator.ingest.lexicon import Lexicon, _hunspell  # noqa: E402
from generator.ingest.writers import chapter_markdown  # noqa: E402

TITLE = "Sicherheits- und Verteidigungspolitik von Kleinstaaten"
INJECTED = "\u2063"


def clean_words() -> list[str]:
    text = (ROOT / "tests" / "fixtures" / "page229.expected.txt").read_text(encoding="utf-8")
    text += " " + (ROOT / "content" / "raw" / "later-page.txt").read_text(encoding="utf-8").rsplit("\n\n", 1)[0]
    body = [line for line in text.splitlines() if line and not re.match(r"^\d+(\.\d+)*\. ", line)]
    return " ".join(body).replace("⁸", "").split()


def inject(words: list[str], rng: random.Random, lexicon: Lexicon, rate: float) -> list[str]:
    """Spaces at hyphenation points inside some words (as the typesetter's breaks came out)."""
    out = []
    for word in words:
        points = sorted(lexicon.hyphenation_points(word)) if word.isalpha() and len(word) > 6 else []
        if points and rng.random() < rate:
            chosen = sorted(rng.sample(points, k=min(len(points), rng.choice([1, 1, 2]))))
            pieces, last = [], 0
            for p in chosen:
                pieces.append(word[last:p])
                last = p
            pieces.append(word[last:])
            # Joined by an invisible mark while wrapping: the typesetter saw one word here, so a
            # line never ends at one of these spaces (it would end with " -").
            out.append(INJECTED.join(pieces))
        else:
            out.append(word)
    return out


def wrap(tokens: list[str], rng: random.Random, lexicon: Lexicon, width: int = 62) -> list[str]:
    """Wrap at `width`, breaking words at hyphenation points with " -" like the print."""
    lines, line = [], ""
    for token in " ".join(tokens).split(" "):
        if len(line) + 1 + len(token) <= width:
            line = f"{line} {token}".strip()
            continue
        points = [p for p in sorted(lexicon.hyphenation_points(token)) if p <= width - len(line) - 3] if token.isalpha() else []
        if points and token[0].islower() and rng.random() < 0.8:
            p = points[-1]
            lines.append(f"{line} {token[:p]} -".strip())
            line = token[p:]
        else:
            lines.append(line)
            line = token
    lines.append(line)
    return [line.replace(INJECTED, " ") for line in lines]


def make_pages(words: list[str], pages: int, rng: random.Random, lexicon: Lexicon, rate: float):
    """Yield (raw page text, expected clean words) for `pages` consecutive pages."""
    per_page = max(1, len(words) // pages)
    for index in range(pages):
        chunk = words[index * per_page:(index + 1) * per_page]
        raw_lines = wrap(inject(chunk, rng, lexicon, rate), rng, lexicon)
        number = 229 + index
        footer = f"{number} {TITLE}"
        if rng.random() < 0.3:  # some pages flattened
            raw = " ".join(line.replace(" -", " - ") if line.endswith(" -") else line for line in raw_lines) + " " + footer
        else:
            raw = "\n".join(raw_lines) + "\n\n" + footer
        yield raw, chunk


def accuracy(words: list[str], pages: int, rate: float, seed: int) -> tuple[float, int, int, float, float]:
    rng = random.Random(seed)
    lexicon = Lexicon()
    with tempfile.TemporaryDirectory() as tmp:
        files, expected = [], []
        for i, (raw, chunk) in enumerate(make_pages(words, pages, rng, lexicon, rate)):
            path = Path(tmp) / f"{i:04d}.txt"
            path.write_text(raw, encoding="utf-8")
            files.append(path)
            expected.append(chunk)
        start = time.perf_counter()
        book = pipeline.read_book(files)
        seconds = time.perf_counter() - start
        got = _words_by_page(chapter_markdown(book.chapters[0]))
        naive = [Path(f).read_text(encoding="utf-8").replace(" -\n", "").rsplit(" 2", 1)[0].split() for f in files]
    # Compared page by page: the corpus repeats its source text, which misleads a whole-text diff.
    matched = sum(_matches(e, g) for e, g in zip(expected, got, strict=False))
    naive_matched = sum(_matches(e, g) for e, g in zip(expected, naive, strict=False))
    total = sum(map(len, expected))
    wrong = sum(_wrong_joins(e, g) for e, g in zip(expected, got, strict=False))
    return matched / total, wrong, total, seconds, naive_matched / total


def _words_by_page(markdown: str) -> list[list[str]]:
    body = markdown.split("\n", 1)[1]
    body = re.sub(r"^##.*$", "", body, flags=re.M)
    pieces = re.split(r"\{\{page [^}]*\}\}", body)[1:]
    return [re.sub(r"\\(.)", r"\1", piece).split() for piece in pieces]


def _matches(expected: list[str], got: list[str]) -> int:
    import difflib

    matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _wrong_joins(expected: list[str], got: list[str]) -> int:
    """Output words that glue two or more expected words together (a false join)."""
    bigrams = {a + b for a, b in itertools.pairwise(expected)}
    vocabulary = set(expected)
    return sum(1 for word in got if word not in vocabulary and word in bigrams)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    _hunspell()
    startup = time.perf_counter() - start
    base = clean_words()
    words = (base * (args.words // len(base) + 1))[: args.words]

    print(f"start-up (load de_CH dictionary): {startup:.2f} s")
    acc, wrong, n, _, naive = accuracy(words, max(1, args.words // 350), rate=0.15, seed=1)
    print(f"synthetic corpus, artifacts injected: {n} words  accuracy {acc:.4f}  wrong joins {wrong}  "
          f"(baseline naive unwrap: {naive:.4f})")
    acc, wrong, n, _, _ = accuracy(words, max(1, args.words // 350), rate=0.0, seed=2)
    print(f"clean text, no injected spaces:    {n} words  accuracy {acc:.4f}  false joins {wrong} "
          f"({wrong / n * 10000:.1f} per 10,000 words)")
    page_words = (base * (args.pages * 350 // len(base) + 1))[: args.pages * 350]
    times = []
    for run in range(args.runs):
        *_, seconds, _ = accuracy(page_words, args.pages, rate=0.15, seed=10 + run)
        times.append(seconds)
    median = statistics.median(times)
    print(f"speed: {args.pages} pages in {median:.2f} s median of {args.runs} (after start-up) = "
          f"{args.pages / median:.1f} pages/s")


if __name__ == "__main__":
    main()
