"""Issue 27's scoring: a test book drawn as scans (tests/scans.py: 300 dpi, 200 dpi, a worn
300 dpi scan), read through every route into `edition clean`'s text and scored against the
book's gold (tests/testcorpus/score.py), beside plain Tesseract text with naive joining, in one
run.

    python bench/ocr_score.py [--data DIR] [--book tuning-typst] [--variants 300,200,300-degraded,200-degraded]
                              [--builtin] [--image-pdf] [--ocrmypdf PATH] [--skip ROUTE,...] [--examples 3]

Routes: Tesseract's hOCR with character boxes, its hOCR without, its ALTO, PAGE XML written by
program from the hOCR (lines only, as Transkribus exports), ALTO 4 with baselines, sizes and
superscripts (from the PDF's own geometry: what a layout-aware engine gives), and with
--builtin the built-in OCR (the `ocr` extra) on the folder of pictures, with its CPU seconds
per page; with --image-pdf the built-in OCR of the same pictures as an image-only PDF; with
--ocrmypdf an OCRmyPDF text layer on that PDF read by `edition clean` (a comparison: the tool
never depends on OCRmyPDF). The baseline is Tesseract's own text of the same pictures (the words hOCR's lines,
its paragraphs as blocks), lines joined and a line-end hyphen before a small letter deleted:
what a one-line script does. The data (pictures, Tesseract's files) is made once into --data.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from testcorpus.score import score  # noqa: E402

ROUTES = {"hOCR (char boxes)": ".hocr", "hOCR (words)": ".words.hocr", "ALTO (Tesseract)": ".xml",
          "PAGE (lines)": ".page.xml", "ALTO 4 (styles)": ".alto4.xml"}


def corpus_gold(books_gold: dict, pages: int) -> dict:
    """tests/books.py's gold in the corpus scorer's form."""
    chapters = []
    for chapter in books_gold["chapters"]:
        notes = [{"n": n, "text": text, "page": 1} for n, text in chapter["notes"].items()]
        chapters.append({"title": chapter["title"], "blocks": [{"kind": b["kind"], "text": b["text"]}
                                                              for b in chapter["blocks"]], "notes": notes})
    heads = [books_gold["title"]] + [c["title"] for c in books_gold["chapters"]]
    return {"chapters": chapters, "running_heads": heads, "page_labels": [], "pages": pages}


def folder_for(data: Path, book: str, variant: str) -> Path:
    dpi, _, worn = variant.partition("-")
    folder = data / f"{book}-{dpi}{'-degraded' if worn else ''}"
    if not (folder / "gold.json").exists():
        subprocess.run([sys.executable, str(ROOT / "tests" / "scans.py"), str(data), book, "--dpi", dpi,
                        *(["--degrade"] if worn else [])], check=True)
    return folder


MODEL: list[str] = []   # --ocr-model for the built-in OCR (the Fraktur book's frk)


def edition_clean(paths: list[Path]) -> tuple[str, float]:
    """`edition clean` of the inputs in a fresh process: its text, and its CPU seconds (children too)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "generator", "clean", *MODEL, *map(str, paths)], check=False,
                          capture_output=True,
                          text=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        return "", after.ru_utime - before.ru_utime
    return done.stdout, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def naive(folder: Path, count: int) -> str:
    """Tesseract's own text, per paragraph it found, lines joined (a break hyphen before a small
    letter deleted): the words hOCR's ocr_par blocks."""
    from html.parser import HTMLParser

    blocks: list[str] = []

    class Paragraphs(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth, self.lines, self.line = 0, [], []

        def handle_starttag(self, tag, attrs):
            kind = dict(attrs).get("class", "")
            if kind == "ocr_par":
                self.lines = []
            if kind == "ocr_line":
                self.line = []

        def handle_data(self, data):
            if data.strip():
                self.line.append(data.strip())

        def handle_endtag(self, tag):
            if tag == "span" and self.line:
                self.lines.append(" ".join(self.line))
                self.line = []
            if tag == "p" and self.lines:
                text = "\n".join(self.lines)
                text = re.sub(r"(\w)[-\u00ad]\n(?=[a-zäöüß])", r"\1", text)
                blocks.append(" ".join(text.split()))
                self.lines = []

    for n in range(1, count + 1):
        parser = Paragraphs()
        parser.feed((folder / f"p-{n}.words.hocr").read_text(encoding="utf-8"))
    return "\n\n".join(blocks) + "\n"


def image_pdf(folder: Path, count: int, out: Path) -> Path:
    """The pictures as an image-only PDF (a page per picture at its resolution): what a
    library's scan or a scanner gives."""
    from PIL import Image

    pictures = [Image.open(next(folder.glob(f"p-{n}.[pj][np]g"))).convert("L") for n in range(1, count + 1)]
    dpi = pictures[0].info.get("dpi", (300, 300))[0] or 300
    pictures[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=pictures[1:])
    return out


def row(name: str, figures: dict, cpu: float | None = None) -> str:
    notes, refs, heads = figures["notes"], figures["refs"], figures["headings"]
    return (f"{name:22s} {figures['body_words'] * 100:6.1f} {notes[0]:4d}/{notes[1]:<4d} {refs[0]:4d}/{refs[1]:<4d} "
            f"{heads[0]:3d}/{heads[1]:<3d} {figures['break_recall']:5.2f} {figures['break_precision']:5.2f} "
            f"{figures['heads_left']:5d} {figures['folios_left']:5d}" + (f" {cpu:7.2f}" if cpu is not None else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "edition-ocr-bench")
    parser.add_argument("--book", default="tuning-typst")
    parser.add_argument("--variants", default="300,200,300-degraded")
    parser.add_argument("--builtin", action="store_true", help="also the built-in OCR (the ocr extra) of the pictures")
    parser.add_argument("--image-pdf", action="store_true",
                        help="also the built-in OCR of an image-only PDF of the pictures (scan.pdf)")
    parser.add_argument("--ocrmypdf", type=Path, default=None,
                        help="an ocrmypdf command: its text layer on the image-only PDF, through `edition clean` "
                             "(a comparison only: the tool never needs it)")
    parser.add_argument("--folders", default="", help="data folders made by tests/scans.py (a corpus book's with "
                        "--pdf/--gold, the Fraktur book's with --fraktur), scored as they are, comma-separated")
    parser.add_argument("--ocr-model", default="", help="the built-in OCR's model (frk for the Fraktur book)")
    parser.add_argument("--skip", default="", help="routes left out, comma-separated (e.g. 'hOCR (words)')")
    parser.add_argument("--examples", type=int, default=0)
    args = parser.parse_args()
    print(f"{'route':22s} {'body%':>6s} {'notes':>9s} {'refs':>9s} {'heads':>7s} {'brk-r':>5s} {'brk-p':>5s} "
          f"{'head':>5s} {'folio':>5s} {'cpu s/p':>7s}")
    MODEL[:] = ["--ocr-model", args.ocr_model] if args.ocr_model else []
    folders = [(f"{args.book} at {variant}", folder_for(args.data, args.book, variant))
               for variant in args.variants.split(",") if variant]
    folders += [(Path(f).name, Path(f)) for f in args.folders.split(",") if f]
    for label, folder in folders:
        count = len(list(folder.glob("p-*.words.hocr")))
        if (folder / "corpus.json").exists():   # a corpus book's gold, as the corpus scorer takes it
            gold = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))
        else:
            gold = corpus_gold(json.loads((folder / "gold.json").read_text(encoding="utf-8")), count)
        print(f"-- {label} ({count} pages)")
        print(row("Tesseract text + naive", score(gold, naive(folder, count))))
        for name, suffix in ROUTES.items():
            if name in args.skip.split(","):
                continue
            with tempfile.TemporaryDirectory() as work:
                place = Path(work)
                for n in range(1, count + 1):
                    shutil.copy(folder / f"p-{n}{suffix}", place / f"p-{n}.ocr")
                    picture = next(folder.glob(f"p-{n}.[pj][np]g"))
                    shutil.copy(picture, place / picture.name)
                started = time.perf_counter()
                text, cpu = edition_clean([place / f"p-{n}.ocr" for n in range(1, count + 1)])
                figures = score(gold, text)
                print(row(name, figures, cpu / count) + f"  ({time.perf_counter() - started:.0f} s)")
                for kind, cases in list(figures["examples"].items())[: args.examples and 99]:
                    for printed, produced in cases[: args.examples]:
                        print(f"    {kind}: {printed!r} → {produced!r}")
        if args.builtin:
            with tempfile.TemporaryDirectory() as work:
                pictures = Path(work)
                for n in range(1, count + 1):
                    picture = next(folder.glob(f"p-{n}.[pj][np]g"))
                    shutil.copy(picture, pictures / picture.name)
                text, cpu = edition_clean([pictures])
                print(row("built-in OCR (folder)", score(gold, text), cpu / count))
        if args.image_pdf or args.ocrmypdf:
            with tempfile.TemporaryDirectory() as work:
                pdf = image_pdf(folder, count, Path(work) / "scan.pdf")
                if args.image_pdf:
                    text, cpu = edition_clean([pdf])
                    print(row("built-in OCR (image PDF)", score(gold, text), cpu / count))
                if args.ocrmypdf:
                    layered = Path(work) / "ocrmypdf.pdf"
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    subprocess.run([str(args.ocrmypdf), "--output-type", "pdf", "-l", "deu", "--jobs", "2", "--quiet",
                                    str(pdf), str(layered)], check=True)
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    ocr_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
                    text, cpu = edition_clean([layered])
                    print(row("OCRmyPDF + edition", score(gold, text), (ocr_cpu + cpu) / count))


if __name__ == "__main__":
    main()
