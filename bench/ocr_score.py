"""Issue 27's scoring: a test book drawn as scans (tests/scans.py: 300 dpi, 200 dpi, worn 300
and 200 dpi), read through every route as a user runs it — `edition ingest` into a content
folder, then `edition build` of it — and the chapter sources ingest wrote scored against the
book's gold (tests/testcorpus/score.py), beside two baselines, in one run.

    python bench/ocr_score.py [--data DIR] [--book tuning-typst] [--variants 300,300-degraded,200-degraded]
                              [--all] [--builtin] [--image-pdf] [--ocrmypdf PATH] [--skip ROUTE,...]
                              [--folders DIR,...] [--ocr-model frk] [--clean] [--examples 3]

Routes: Tesseract's hOCR with character boxes, its hOCR without, its ALTO, PAGE XML written by
program from the hOCR (lines only, as Transkribus exports), ALTO 4 with baselines, sizes and
superscripts (from the PDF's own geometry: what a layout-aware engine gives); with --builtin the
built-in OCR (the `ocr` extra) of the folder of pictures; with --image-pdf the built-in OCR of the
same pictures as an image-only PDF (img2pdf where it is installed: the pictures as they are,
else Pillow's JPEG); with --ocrmypdf PATH, OCRmyPDF's text layer on that PDF through `edition
ingest` (a comparison: the tool never depends on OCRmyPDF). --all is all three. Baselines:
Tesseract's own text of the same pictures (the words hOCR's lines, its paragraphs as blocks),
lines joined and a line-end hyphen before a small letter deleted — what a one-line script does;
and OCRmyPDF + edition ingest. Columns: body words, notes and references found (of the gold's),
headings exact, paragraph breaks (recall, precision), running heads and folios left in the text,
`built` (the build of what ingest wrote succeeded; the report's Hinweise and unsure words), CPU
seconds per page of ingest + build (children's user + system; OCRmyPDF's own OCR included in its
row). --clean scores `edition clean`'s text instead (quicker, no build). The data (pictures,
Tesseract's files) is made once into --data.
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


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def sources_text(content: Path) -> str:
    """The chapter sources ingest wrote, as `edition clean`'s text (what the scorer reads): a
    block per paragraph, headings and list items as plain blocks, references as raised digits,
    each note a block after its chapter's text, "¹⁷ text"; page marks and escapes taken out."""
    out: list[str] = []
    for chapter in sorted(content.glob("*.md")):
        body, notes = [], []
        text = chapter.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            text = text.split("\n---\n", 1)[-1]
        for piece in re.split(r"\n\s*\n", text):
            block = " ".join(piece.split())
            if not block:
                continue
            # a label "17~9" is note 17 of print page 9 (a number the chapter's notes repeat)
            note = re.match(r"\[\^-?(\d+)(?:~[^\]]*)?\]:\s*(.*)", block)
            block = re.sub(r"\{\{[^}]*\}\}", "", note.group(2) if note else block)
            block = re.sub(r"\[\^(\d+)(?:~[^\]]*)?\]", lambda m: m.group(1).translate(SUPERSCRIPT), block)
            block = re.sub(r"\[\^-\d+(?:~[^\]]*)?\]", "", block)   # a note whose reference was not read
            block = re.sub(r"^(?:(?:>|#{1,6}|[-*+]|\d+[.)])\s+)+", "", block)   # quotes, headings, list items
            block = re.sub(r"(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1", r"\2", block)   # emphasis (ALTO 4's styles)
            block = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", block).strip()
            if note:
                notes.append(note.group(1).translate(SUPERSCRIPT) + " " + block)
            elif block:
                body.append(block)
        out += body + notes
    return "\n\n".join(out) + "\n"


def ingest_and_build(inputs: list[Path], work: Path) -> tuple[str, str, float]:
    """`edition ingest` of the inputs into a content folder, then `edition build` of it, as a user
    runs them: the chapter sources' text ("" where a command failed), what happened (the report's
    Hinweise and unsure words, or the first error), and the CPU seconds both took."""
    content, site = work / "content", work / "site"
    before = _cpu()
    said = ""
    for command in (["ingest", *MODEL, *map(str, inputs), "--into", str(content)],
                    ["build", "--content", str(content), "--out", str(site)]):
        done = subprocess.run([sys.executable, "-m", "generator", *command], capture_output=True, text=True, cwd=ROOT,
                              check=False)
        if done.returncode:
            errors = [line for line in done.stderr.splitlines() if "error" in line] or done.stderr.splitlines()[-1:]
            return "", f"no ({command[0]}: {(errors or ['exit ' + str(done.returncode)])[0][-70:]})", _cpu() - before
        if command[0] == "ingest":
            report = next((content / "review").glob("*.report.json"), None)
            if report is not None:
                data = json.loads(report.read_text(encoding="utf-8"))
                hinweise = sum(1 for e in data.get("events", []) if e.get("kind") == "warning")
                said = f"yes H{hinweise} U{len((data.get('unsure') or {}).get('words', []))}"
    return sources_text(content), said or "yes", _cpu() - before


def naive(folder: Path, count: int, files: list[Path] | None = None) -> str:
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
        text = ((files or [])[n - 1] if files else folder / f"p-{n}.words.hocr").read_text(encoding="utf-8")
        # a character box is a span of its own (hOCR with character boxes, as the built-in OCR
        # keeps it): only the line's span ends a line
        parser.feed(re.sub(r"\s*<span class='ocrx_cinfo'[^>]*>([^<]*)</span>\s*", r"\1", text))
    return "\n\n".join(blocks) + "\n"


BREAK = re.compile(r"(\w)[-\u00ad\u2010\u2e17¬=\x02]\s*\n\s*(?=[a-zäöüßſ])")
RAISED = re.compile(r"(?<=[^\W\d_]|[.,;:!?)»«])\d{1,3}(?=\s|$)")   # a note number stuck to its word


def engine_words(folder: Path, count: int, pdf: Path) -> float | None:
    """The engine's own word accuracy: of the words the PDF's text layer has on the pages (all
    text: heads, notes, folios; line-end breaks joined, note numbers taken off their words), the
    share Tesseract read exactly (its words hOCR, in order, aligned word by word). The floor a
    reader of its output stands on."""
    from html.parser import HTMLParser

    import pypdfium2 as pdfium

    if not pdf.exists():
        return None

    class Words(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[list[str]] = []

        def handle_starttag(self, tag, attrs):
            if dict(attrs).get("class", "") == "ocr_line":
                self.lines.append([])

        def handle_data(self, data):
            if data.strip() and self.lines:
                self.lines[-1].append(data.strip())

    def words(text: str) -> list[str]:   # pdfium gives a line-end soft hyphen as U+FFFE, no line break
        joined = BREAK.sub(r"\1", text.replace("\r", "").replace("\ufffe", ""))
        joined = re.sub(r"(?:\s*\.){3,}", " ", joined)   # a contents page's dot leaders
        # letters set apart (Sperrsatz: the text layer has a space between them) as one word
        joined = re.sub(r"\b(?:\w{1,2} ){2,}\w{1,2}\b", lambda m: m.group().replace(" ", "")
                        if sum(len(p) == 1 for p in m.group().split()) >= 3 else m.group(), joined)
        return [re.sub(r"^\d{1,3}(?=[A-ZÄÖÜ])", "", word) for word in RAISED.sub("", joined).split()]

    printed: list[str] = []
    read: list[str] = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for n in range(1, count + 1):
            printed += words(document[n - 1].get_textpage().get_text_range())
            parser = Words()
            parser.feed((folder / f"p-{n}.words.hocr").read_text(encoding="utf-8"))
            read += words("\n".join(" ".join(line) for line in parser.lines))
    finally:
        document.close()
    from difflib import SequenceMatcher

    garble = "[" + re.escape("’'°®”“\"*") + "]+"   # a raised number as the engine read it, before or after its word
    read = [RAISED.sub("", re.sub(f"{garble}$", "", re.sub(f"^{garble}(?=[A-ZÄÖÜ])", "", w))) or w for w in read]
    printed = [w for w in printed if w]
    matched = sum(b.size for b in SequenceMatcher(None, printed, read, autojunk=False).get_matching_blocks())
    return matched / max(len(printed), 1)


def image_pdf(folder: Path, count: int, out: Path, img2pdf: Path | None) -> Path:
    """The pictures as an image-only PDF (a page per picture at its resolution): what a
    library's scan or a scanner gives. img2pdf embeds them as they are; Pillow re-encodes a
    gray picture as JPEG."""
    pictures = [next(folder.glob(f"p-{n}.[pj][np]g")) for n in range(1, count + 1)]
    if img2pdf is not None:
        subprocess.run([str(img2pdf), *map(str, pictures), "-o", str(out)], check=True)
        return out
    from PIL import Image

    opened = [Image.open(p).convert("L") for p in pictures]
    dpi = opened[0].info.get("dpi", (300, 300))[0] or 300
    opened[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=opened[1:])
    return out


def heldout(data: Path, book: str) -> None:
    """A book the scan rules were not written on, scored once: its PDF (tests/books.py) drawn
    as worn 300 dpi pictures (tests/scans.py, no Tesseract files), read by the built-in OCR of
    the folder through ingest and build, beside Tesseract's own text of the same pictures (the
    hOCR the built-in OCR keeps in review/ocr) joined naively."""
    import books
    import pypdfium2 as pdfium
    import scans

    folder = data / f"{book}-300-degraded-pictures"
    folder.mkdir(parents=True, exist_ok=True)
    pdf, answer = books.typeset(book, data / "pdf")
    count = len(pdfium.PdfDocument(str(pdf)))
    for n in range(1, count + 1):
        if not (folder / f"p-{n}.jpg").exists():
            scans.degrade(scans.draw(pdf, n, 300), n).save(folder / f"p-{n}.jpg", "JPEG", quality=50, dpi=(300, 300))
    gold = corpus_gold(answer, count)
    print(f"-- held out: {book} at 300-degraded ({count} pages)", flush=True)
    with tempfile.TemporaryDirectory() as work:
        pictures = Path(work) / "scans"
        pictures.mkdir()
        for n in range(1, count + 1):
            shutil.copy(folder / f"p-{n}.jpg", pictures / f"p-{n}.jpg")
        text, built, cpu = ingest_and_build([pictures], Path(work))
        kept = [Path(work) / "content" / "review" / "ocr" / f"p-{n}.hocr" for n in range(1, count + 1)]
        for n, hocr in enumerate(kept, 1):   # kept beside the pictures: the baseline needs no OCR again
            if hocr.exists():
                shutil.copy(hocr, folder / f"p-{n}.builtin.hocr")
        ours = [folder / f"p-{n}.builtin.hocr" for n in range(1, count + 1)]
        if all(k.exists() for k in ours):
            print(row("Tesseract text + naive", score(gold, naive(folder, count, ours))), flush=True)
        print(row("built-in OCR (folder)", score(gold, text), cpu / count, built), flush=True)


def row(name: str, figures: dict, cpu: float | None = None, built: str = "") -> str:
    notes, refs, heads = figures["notes"], figures["refs"], figures["headings"]
    return (f"{name:26s} {figures['body_words'] * 100:6.1f} {notes[0]:4d}/{notes[1]:<4d} {refs[0]:4d}/{refs[1]:<4d} "
            f"{heads[0]:3d}/{heads[1]:<3d} {figures['break_recall']:5.2f} {figures['break_precision']:5.2f} "
            f"{figures['heads_left']:5d} {figures['folios_left']:5d} " + (f"{cpu:7.2f}" if cpu is not None else " " * 7)
            + f"  {built}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "edition-ocr-bench")
    parser.add_argument("--book", default="tuning-typst")
    parser.add_argument("--variants", default="300,300-degraded,200-degraded")
    parser.add_argument("--all", action="store_true", help="--builtin, --image-pdf and --ocrmypdf (found on PATH or "
                        "in /tmp/ocrmypdf-venv)")
    parser.add_argument("--builtin", action="store_true", help="also the built-in OCR (the ocr extra) of the pictures")
    parser.add_argument("--image-pdf", action="store_true",
                        help="also the built-in OCR of an image-only PDF of the pictures (scan.pdf)")
    parser.add_argument("--ocrmypdf", type=Path, default=None,
                        help="an ocrmypdf command: its text layer on the image-only PDF, through `edition ingest` "
                             "(a comparison only: the tool never needs it)")
    parser.add_argument("--folders", default="", help="data folders made by tests/scans.py (a corpus book's with "
                        "--pdf/--gold, the Fraktur book's with --fraktur), scored as they are, comma-separated")
    parser.add_argument("--ocr-model", default="", help="the built-in OCR's model (frk for the Fraktur book)")
    parser.add_argument("--skip", default="", help="routes left out, comma-separated (e.g. 'hOCR (words)')")
    parser.add_argument("--clean", action="store_true", help="score `edition clean`'s text (no ingest, no build)")
    parser.add_argument("--heldout", default="", help="a books.py book the rules were not written on (unseen-latex): "
                        "drawn worn at 300 dpi and read by the built-in OCR, once")
    parser.add_argument("--examples", type=int, default=0)
    args = parser.parse_args()
    if args.all:
        args.builtin = args.image_pdf = True
        found = shutil.which("ocrmypdf") or ("/tmp/ocrmypdf-venv/bin/ocrmypdf"
                                              if Path("/tmp/ocrmypdf-venv/bin/ocrmypdf").exists() else None)
        args.ocrmypdf = args.ocrmypdf or (Path(found) if found else None)
    img2pdf = shutil.which("img2pdf") or (str(args.ocrmypdf.parent / "img2pdf") if args.ocrmypdf
                                          and (args.ocrmypdf.parent / "img2pdf").exists() else None)
    print(f"{'route':26s} {'body%':>6s} {'notes':>9s} {'refs':>9s} {'heads':>7s} {'brk-r':>5s} {'brk-p':>5s} "
          f"{'head':>5s} {'folio':>5s} {'cpu s/p':>7s}  {'built' if not args.clean else ''}")
    MODEL[:] = ["--ocr-model", args.ocr_model] if args.ocr_model else []
    folders = [(f"{args.book} at {variant}", folder_for(args.data, args.book, variant))
               for variant in args.variants.split(",") if variant]
    folders += [(Path(f).name, Path(f)) for f in args.folders.split(",") if f]
    skip = set(args.skip.split(","))

    def run(name: str, inputs: list[Path], work: Path, pages: int, extra_cpu: float = 0.0) -> None:
        started = time.perf_counter()
        if args.clean:
            text, cpu = edition_clean(inputs)
            built = ""
        else:
            text, built, cpu = ingest_and_build(inputs, work)
        figures = score(gold, text)
        print(row(name, figures, (cpu + extra_cpu) / pages, built) + f"  ({time.perf_counter() - started:.0f} s)",
              flush=True)
        for kind, cases in list(figures["examples"].items())[: args.examples and 99]:
            for printed, produced in cases[: args.examples]:
                print(f"    {kind}: {printed!r} → {produced!r}")

    for label, folder in folders:
        count = len(list(folder.glob("p-*.words.hocr")))
        if (folder / "corpus.json").exists():   # a corpus book's gold, as the corpus scorer takes it
            gold = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))
        else:
            gold = corpus_gold(json.loads((folder / "gold.json").read_text(encoding="utf-8")), count)
        print(f"-- {label} ({count} pages)", flush=True)
        print(row("Tesseract text + naive", score(gold, naive(folder, count))), flush=True)
        stem = re.sub(r"-\d+(-degraded)?$", "", folder.name)
        accuracy = engine_words(folder, count, folder.parent / "pdf" / f"{stem}.pdf")
        if accuracy is not None:
            print(f"{'Tesseract words (all text)':26s} {accuracy * 100:6.1f}   (the engine's own word accuracy)", flush=True)
        for name, suffix in ROUTES.items():
            if name in skip:
                continue
            with tempfile.TemporaryDirectory() as work:
                place = Path(work) / "ocr"
                place.mkdir()
                for n in range(1, count + 1):
                    shutil.copy(folder / f"p-{n}{suffix}", place / f"p-{n}.ocr")
                    picture = next(folder.glob(f"p-{n}.[pj][np]g"))
                    shutil.copy(picture, place / picture.name)
                run(name, [place / f"p-{n}.ocr" for n in range(1, count + 1)], Path(work), count)
        if args.builtin and "built-in OCR (folder)" not in skip:
            with tempfile.TemporaryDirectory() as work:
                pictures = Path(work) / "scans"
                pictures.mkdir()
                for n in range(1, count + 1):
                    picture = next(folder.glob(f"p-{n}.[pj][np]g"))
                    shutil.copy(picture, pictures / picture.name)
                run("built-in OCR (folder)", [pictures], Path(work), count)
        if args.image_pdf or args.ocrmypdf:
            with tempfile.TemporaryDirectory() as work:
                pdf = image_pdf(folder, count, Path(work) / "scan.pdf", Path(img2pdf) if img2pdf else None)
                if args.image_pdf:
                    run("built-in OCR (image PDF)", [pdf], Path(work) / "own", count)
                if args.ocrmypdf:
                    layered = Path(work) / "ocrmypdf.pdf"
                    before = _cpu()
                    subprocess.run([str(args.ocrmypdf), "--output-type", "pdf", "-l", "deu", "--jobs", "2", "--quiet",
                                    str(pdf), str(layered)], check=True)
                    run("OCRmyPDF + edition ingest", [layered], Path(work) / "theirs", count, _cpu() - before)
    if args.heldout:
        heldout(args.data, args.heldout)


if __name__ == "__main__":
    main()
