"""What the print beside the text costs: TEI (chapter files and the corpus) at 1,000 chapters,
and the facsimile per print page.

    python bench/printed_bench.py                   # 1,000 chapters, medians of 5; a Typst test book
    python bench/printed_bench.py --chapters 200 --runs 3

In the same run, taking turns (these machines are noisy: compare ratios and medians):
  - a full `edition build` (with search) of the synthetic corpus (bench/corpus.py) as it is,
    and with the TEI files and the corpus left out (the baseline the 10 % budget is about);
    then one edit in a warm builder (what `edition serve` does on save), with and without;
  - a book typeset by Typst (tests/books.py) ingested from its PDF: a full build without a
    facsimile, with one drawn from nothing, and with the drawn pages cached; per print page:
    drawing time, bytes of pictures, bytes of its page view;
  - every test book: how much of its reading text is found in its printed lines.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from corpus import write_corpus  # noqa: E402

from generator.build import Builder, build  # noqa: E402
from generator.render import site as site_module  # noqa: E402
from generator.render import tei  # noqa: E402


@contextmanager
def without_tei():
    """The build as it was before TEI: no chapter TEI files, no corpus (forked workers inherit it)."""
    saved = site_module.chapter_files_text, tei.corpus, tei.chapter_tei, tei.member

    def no_tei(snapshot, text):
        files = saved[0](snapshot, text)
        return {path: content for path, content in files.items() if not path.endswith(".tei.xml")}
    site_module.chapter_files_text = no_tei
    tei.chapter_tei = lambda *args: ""
    tei.member = lambda *args: ""
    tei.corpus = lambda config, members: ""
    try:
        yield
    finally:
        site_module.chapter_files_text, tei.corpus, tei.chapter_tei, tei.member = saved


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def tei_budget(chapters: int, runs: int, scratch: Path) -> None:
    content = scratch / "corpus"
    write_corpus(content, chapters)
    times: dict[str, list[float]] = {"with TEI and corpus": [], "without TEI": []}
    for _ in range(runs):
        for name, values in times.items():
            out = scratch / f"site-{len(values)}-{name[:4]}"
            with without_tei() if name == "without TEI" else _nothing():
                values.append(timed(lambda out=out: build(content, out, full=True)))
            shutil.rmtree(out)
    base = statistics.median(times["without TEI"])
    print(f"\nFull build with search, {chapters} chapters, median of {runs}:")
    for name, values in times.items():
        print(f"  {name:22} {statistics.median(values):7.2f} s  ({statistics.median(values) / base:.3f}x)")
    # one edit in a warm builder: the chapter's pages, its TEI, and the corpus made again
    edits: dict[str, list[float]] = {"with TEI and corpus": [], "without TEI": []}
    target = sorted(content.glob("*.md"))[chapters // 2]
    original = target.read_text(encoding="utf-8")
    for name, values in edits.items():
        out = scratch / f"warm-{name[:4]}"
        with without_tei() if name == "without TEI" else _nothing():
            builder = Builder(content, out, search=False)
            builder.build()
            for run in range(runs):
                target.write_text(original + f"\nEin Nachtrag {run}.\n", encoding="utf-8")
                values.append(timed(builder.build))
        target.write_text(original, encoding="utf-8")
        shutil.rmtree(out)
    base = statistics.median(edits["without TEI"])
    print(f"One edit, warm builder (no search), median of {runs}:")
    for name, values in edits.items():
        print(f"  {name:22} {statistics.median(values) * 1000:7.0f} ms ({statistics.median(values) / base:.2f}x)")


@contextmanager
def _nothing():
    yield


def facsimile(runs: int, scratch: Path) -> None:
    import books

    from generator.cli import main as cli

    pdf, _ = books.typeset("heldout-typst", scratch)
    content = scratch / "book"
    if cli(["ingest", str(pdf), "--into", str(content)]) != 0:
        raise SystemExit("ingest failed")
    config = content / "edition.toml"
    with_pdf = config.read_text(encoding="utf-8")
    without_pdf = "\n".join(line for line in with_pdf.split("\n") if not line.startswith("pdf = "))
    cache = scratch / ".site.facsimile"
    times: dict[str, list[float]] = {"no facsimile": [], "facsimile, drawn": [], "facsimile, cached": []}
    pages = 0
    out = scratch / "site"
    for _ in range(runs):
        for name, values in times.items():
            config.write_text(without_pdf if name == "no facsimile" else with_pdf, encoding="utf-8")
            if name == "facsimile, drawn" and cache.exists():
                shutil.rmtree(cache)
            values.append(timed(lambda: build(content, out, full=True)))
            if name == "facsimile, cached":
                pictures = list((out / "pages" / "img").glob("*.webp"))
                pages = len(pictures) // 2
                picture_bytes = sum(p.stat().st_size for p in pictures)
                small = sum(p.stat().st_size for p in pictures if p.name.endswith("-800.webp"))
                view_bytes = sum(p.stat().st_size for p in (out / "pages").glob("*.html"))
                site_bytes = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    base = statistics.median(times["no facsimile"])
    print(f"\nA Typst book from its PDF ({pages} print pages), full build with search, median of {runs}:")
    for name, values in times.items():
        print(f"  {name:20} {statistics.median(values):6.2f} s  ({statistics.median(values) / base:.2f}x)")
    drawing = statistics.median(times["facsimile, drawn"]) - statistics.median(times["facsimile, cached"])
    print(f"  drawing: {drawing / pages * 1000:.0f} ms per page (all cores); pictures {picture_bytes / pages / 1024:.0f} KB "
          f"per page ({small / pages / 1024:.0f} KB at 800 px, the rest at 1600 px); page view "
          f"{view_bytes / pages / 1024:.1f} KB per page; whole site {site_bytes / 2**20:.1f} MB")


def coverage(scratch: Path) -> None:
    """How much of each test book's reading text is found in its printed lines (the rest gets
    no diplomatic form): blocks placed, body and note lines covered, break hyphens as <lb break="no"/>."""
    import books

    from generator import printed
    from generator.cli import main as cli
    from generator.diagnostics import Collector
    from generator.files import Folder
    from generator.source import load_chapter

    print("\nThe reading text found in the print (diplomatic view, TEI <lb/>), every test book:")
    print(f"  {'book':24} {'blocks placed':>14} {'body lines':>11} {'note lines':>11} {'joined breaks':>14}")
    for name in books.BOOKS:
        if not books.available(name):
            continue
        pdf, _ = books.typeset(name, scratch)
        content = scratch / f"cover-{name}"
        if cli(["ingest", str(pdf), "--into", str(content)]) != 0:
            raise SystemExit(f"ingest of {name} failed")
        record = printed.load(Folder(content), Collector())
        assert record is not None
        placed = total = joined = 0
        covered: set[tuple[int, int]] = set()
        for source in sorted(content.glob("*.md")):
            chapter, _ = load_chapter(source)
            assert chapter is not None
            alignment = printed.align(chapter, record)
            assert alignment is not None
            placed += len(alignment.placed)
            total += len(alignment.placed) + len(alignment.missing)
            for place in alignment.placed.values():
                covered |= {(piece.page, piece.line) for piece in place.pieces}
                joined += sum(1 for _, runs_on in place.breaks if runs_on)
        lines = {(page.index, line.number): line.role for page in record.pages for line in page.lines}
        share = {role: sum(1 for key, r in lines.items() if r == role and key in covered)
                 / max(1, sum(1 for r in lines.values() if r == role)) for role in ("body", "note")}
        print(f"  {name:24} {placed:>6}/{total:<6} {share['body']:>10.1%} {share['note']:>10.1%} {joined:>14}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--coverage-only", action="store_true", help="only how much of the test books is found in their print")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="printed-bench-") as scratch:
        if not args.coverage_only:
            tei_budget(args.chapters, args.runs, Path(scratch))
            facsimile(args.runs, Path(scratch))
        coverage(Path(scratch))


if __name__ == "__main__":
    main()
