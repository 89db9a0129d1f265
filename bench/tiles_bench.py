"""What static IIIF tiles cost per print page, beside the picture the site has without them.

    python bench/tiles_bench.py [--runs 5] [--pages 3]

A book typeset by Typst (tests/books.py) is drawn with PDFium as the facsimile draws it (gray,
LANCZOS), at 1600 px (the site's largest picture today) and at 3200 px (what deep zoom beyond
it needs). Per page and size, in the same run, taking turns (medians; compare ratios):
  - the untiled picture: the facsimile's WebP (generator/facsimile.py), time to encode, bytes;
  - tiles, JPEG only (level 0's one required format);
  - tiles, WebP preferred with the JPEG kept (what `preferredFormats` needs beside it).
And the printed lines as zones (generator/render/zones.py): time and bytes a page of the TEI
<facsimile> and of the HTML's boxes, beside the page's printed text.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import books  # noqa: E402

from generator.facsimile import _webp  # noqa: E402
from generator.render.tiles import tile_set  # noqa: E402

BASE = "https://example.org/edition/iiif/image/"


def draw(pdf: Path, pages: int, width: int) -> list:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    out = []
    for index in range(min(pages, len(document))):
        page = document[index + 1 if len(document) > pages else index]  # past the title page
        out.append(page.render(scale=width / page.get_width(), grayscale=True).to_pil().convert("L"))
    document.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        pdf, _ = books.typeset("heldout-typst", Path(scratch))
        print(f"book: heldout-typst ({pdf.stat().st_size // 1024} KB PDF), {args.pages} pages, medians of {args.runs}")
        print(f"{'picture':>8} {'what':<26} {'s/page':>8} {'KB/page':>8} {'files':>6} {'× bytes':>8} {'× time':>7}")
        for width in (1600, 3200):
            pictures = draw(pdf, args.pages, width)
            variants = {
                "untiled WebP (the site's)": lambda p: {"x": _webp(p)},
                "tiles, JPEG": lambda p: tile_set(p, "229", BASE, budget=2**40).files,
                "tiles, WebP + JPEG": lambda p: tile_set(p, "229", BASE, formats=("webp", "jpg"), budget=2**40).files,
            }
            times: dict[str, list[float]] = {name: [] for name in variants}
            sizes: dict[str, list[int]] = {name: [] for name in variants}
            counts: dict[str, int] = {}
            for _ in range(args.runs):
                for name, make in variants.items():  # taking turns: drift hits all alike
                    for picture in pictures:
                        start = time.perf_counter()
                        files = make(picture)
                        times[name].append(time.perf_counter() - start)
                        sizes[name].append(sum(len(data) for data in files.values()))
                        counts[name] = len(files)
            base_t, base_b = statistics.median(times["untiled WebP (the site's)"]), statistics.median(sizes["untiled WebP (the site's)"])
            for name in variants:
                t, b = statistics.median(times[name]), statistics.median(sizes[name])
                print(f"{width:>6}px {name:<26} {t:8.2f} {b / 1024:8.0f} {counts[name]:>6} {b / base_b:8.2f} {t / base_t:7.2f}")
        print("300 pages × the largest figure above is a book's tiles; static hosts cap a site near 1 GB.")
        zones(pdf, args.runs)


def zones(pdf: Path, runs: int) -> None:
    """The printed lines as zones: TEI <facsimile> and the HTML's data-zones, per page, beside the page's TEI without them."""
    import json

    from generator.diagnostics import Collector
    from generator.ingest.layout import build_book
    from generator.ingest.pdf import read_pdf
    from generator.ingest.writers import geometry
    from generator.render.zones import Surface, facsimile_tei, page_boxes, zones_data

    read = read_pdf(pdf, None, None, Collector())
    pages = geometry(read, build_book(read))["pages"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        surfaces = [Surface.of(str(i), str(page["page"]), f"../pages/img/{i}-1600.webp", 1600,
                               round(1600 * page["height"] / page["width"]), page_boxes(page)) for i, page in enumerate(pages)]
        tei, html = facsimile_tei(surfaces), [json.dumps(zones_data(s)) for s in surfaces]
        times.append(time.perf_counter() - start)
    lines = sum(len(page["lines"]) for page in pages)
    text = sum(len(line["text"].encode()) for page in pages for line in page["lines"])
    print(f"zones: {len(pages)} pages, {lines / len(pages):.0f} lines a page: {statistics.median(times) / len(pages) * 1e3:.2f} ms a page; "
          f"TEI <facsimile> {len(tei.encode()) / len(pages) / 1024:.1f} KB a page, HTML data-zones "
          f"{sum(len(h) for h in html) / len(pages) / 1024:.1f} KB a page (beside the page's printed text, {text / len(pages) / 1024:.1f} KB)")


if __name__ == "__main__":
    main()
