"""German compound search: how well the split finds compounds, and what it costs.

    python bench/search_bench.py [--chapters 1000] [--repeat 3]

1. The split itself against the hand-marked list `tests/fixtures/compounds.txt` (boundary
   precision and recall; a wrong boundary makes a junk match).
2. Queries on built editions (the default one and a test book read from its PDF), searched in
   Node with the real Pagefind index, beside the same editions built without the split: for each
   compound's later part (from the list) that stands in an edition, the pages where a word has
   it as a part or begins with it are expected; recall and precision over all those queries.
3. The full build at --chapters chapters (bench/corpus.py) with and without the split, turn
   about, medians: the cost in build time (the target is at most 10 %).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import corpus  # noqa: E402

from generator import compounds  # noqa: E402
from generator.build import build  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "compounds.txt"
SEARCH = ROOT / "tests" / "search.mjs"
ORIGINAL = compounds.splitter


def gold() -> list[tuple[str, list[str]]]:
    lines = [line for line in GOLD.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [(line.replace("|", ""), line.split("|")) for line in lines]


def split_accuracy() -> str:
    right = wrong = missed = 0
    for word, parts in gold():
        cuts, at = set(), 0
        for part in parts[:-1]:
            at += len(part)
            cuts.add(at)
        found = set(compounds.boundaries(word))
        right, wrong, missed = right + len(found & cuts), wrong + len(found - cuts), missed + len(cuts - found)
    return (f"split: {right + missed} boundaries in {len(gold())} words: precision {right / max(right + wrong, 1):.1%}, "
            f"recall {right / max(right + missed, 1):.1%}")


def with_split(on: bool) -> None:
    compounds.splitter = ORIGINAL if on else (lambda language: None)  # type: ignore[assignment]


def built(content: Path, out: Path, on: bool) -> float:
    with_split(on)
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    build(content, out, search=True, full=True)
    return time.perf_counter() - start


def pages_text(site: Path) -> dict[str, str]:
    found = {}
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        body = re.search(r"data-pagefind-body>(.*?)</article>", html, re.S)
        if body:
            text = re.sub(r"<span hidden>\^</span>", "", body.group(1))
            found["/" + page.relative_to(site).as_posix()] = re.sub(r"<[^>]+>", " ", text)
    return found


def query_scores(site: Path, plain_site: Path) -> tuple[str, str]:
    texts = pages_text(plain_site)
    queries: dict[str, set[str]] = {}
    for word, parts in gold():
        for part in parts[1:]:
            if len(part) < 4:
                continue
            hits = {url for url, text in texts.items()
                    if re.search(rf"\b{re.escape(word)}", text) or re.search(rf"\b{re.escape(part)}", text, re.I)}
            if hits:
                queries.setdefault(part.capitalize(), set()).update(hits)
    rows = []
    for folder in (plain_site, site):
        result = subprocess.run(["node", str(SEARCH), str(folder), *queries], capture_output=True, text=True, check=True)
        answers = json.loads(result.stdout)
        found = expected = returned = 0
        for query, want in queries.items():
            got = {hit["url"] for hit in answers[query]}
            found += len(got & want)
            expected += len(want)
            returned += len(got)
        rows.append(f"recall {found / max(expected, 1):.1%}, precision {found / max(returned, 1):.1%}")
    return rows[0], rows[1] + f" ({len(queries)} queries)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chapters", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(split_accuracy())
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        editions = [("default edition", ROOT / "content")]
        book = work / "book"
        try:
            import books

            from generator.ingest.pipeline import ingest
            pdf, _ = books.typeset("heldout-typst", work / "books")
            ingest([pdf], book)
            editions.append(("heldout-typst (from its PDF)", book))
        except Exception as exc:  # noqa: BLE001 - the book needs typst: the default edition still runs
            print(f"(test book skipped: {exc})")
        for name, content in editions:
            built(content, work / "plain", on=False)
            built(content, work / "split", on=True)
            plain, split = query_scores(work / "split", work / "plain")
            print(f"{name}: without the split {plain}; with it {split}")
        big = work / "big"
        corpus.write_corpus(big, args.chapters)
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.repeat):
            for on in (False, True):
                times[on].append(built(big, work / "big-site", on))
        off, on_ = statistics.median(times[False]), statistics.median(times[True])
        print(f"full build of {args.chapters} chapters (search included), median of {args.repeat}: "
              f"without the split {off:.2f} s, with it {on_:.2f} s: {on_ / off - 1:+.1%}")
    with_split(True)


if __name__ == "__main__":
    main()
