"""Scanned test books: the test PDFs (books.py) drawn as page pictures, clean or degraded, and
read by Debian's Tesseract into hOCR (with and without character boxes) and ALTO; PAGE XML and
an ALTO 4 with baselines, font sizes, superscripts and HYP written here by program. The gold
is the books' own (books.py), since the pictures are the same pages.

    python tests/scans.py OUT [BOOK ...] [--dpi 300] [--degrade] [--pages A-B]

writes OUT/<book>-<dpi>[-degraded]/ with p-1.png …, p-1.hocr (character boxes), p-1.words.hocr
(none), p-1.xml (Tesseract's ALTO 3), p-1.page.xml (PAGE, from the hOCR), p-1.alto4.xml (ALTO 4
in mm10 from the PDF's own geometry: what an engine like ABBYY gives), and the PDF and gold.
The committed fixtures (tests/fixtures/scans/) are a few pages made so.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def draw(pdf: Path, index: int, dpi: int):
    """Page `index` (1-based) of the PDF as a gray picture at `dpi`."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return document[index - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def degrade(picture, seed: int):
    """A worn scan: turned by 0.5–1°, blurred, noisy, with specks; saved later as JPEG q50."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    rng = random.Random(seed)
    angle = rng.choice([-1, 1]) * rng.uniform(0.5, 1.0)
    turned = picture.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    blurred = turned.filter(ImageFilter.GaussianBlur(0.8))
    noise = Image.effect_noise(blurred.size, 14)
    noisy = ImageChops.add(blurred, noise, 1.0, -128)
    pixels = noisy.load()
    width, height = noisy.size
    for _ in range(width * height // 40):   # salt noise: paper grain
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = max(0, pixels[x, y] - rng.randint(30, 90))
    marks = ImageDraw.Draw(noisy)
    for _ in range(rng.randint(15, 40)):   # specks of dirt
        x, y, r = rng.randrange(width), rng.randrange(height), rng.uniform(0.8, 2.5)
        marks.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(40, 120))
    return noisy


LANGUAGE = os.environ.get("SCANS_LANGUAGE", "deu")   # Tesseract's model (frk for the Fraktur book)


def tesseract(picture: Path, out_stem: Path, language: str = "") -> None:
    """Tesseract's hOCR with character boxes, hOCR without, and ALTO for one picture."""
    language = language or LANGUAGE
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    run = lambda *extra: subprocess.run(["tesseract", str(picture), *extra], capture_output=True, check=True,  # noqa: E731
                                        env=environment)
    run(str(out_stem), "-l", language, "-c", "hocr_char_boxes=1", "hocr", "alto")
    run(str(out_stem) + ".words", "-l", language, "hocr")


def page_xml(hocr: Path, out: Path) -> None:
    """PAGE XML (2019 schema; the subset Transkribus and eScriptorium export: regions, lines
    with Coords, Baseline and TextEquiv, no words) from an hOCR file's lines."""
    from generator.ingest.hocr import read_hocr

    sheet = read_hocr(hocr)[0]
    lines = []
    for k, line in enumerate(sheet.lines, 1):
        x0, y0, x1, y1 = (int(v) for v in line.box)
        slope, left = line.baseline or (0.0, y1)
        text = " ".join(w.text for w in line.words)
        conf = min((w.conf for w in line.words if w.conf is not None), default=1.0)
        lines.append(f"""   <TextRegion id="r{k}"><Coords points="{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"/>
    <TextLine id="r{k}l1"><Coords points="{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"/>
     <Baseline points="{x0},{round(left)} {x1},{round(left + slope * (x1 - x0))}"/>
     <TextEquiv conf="{conf:.2f}"><Unicode>{_escape(text)}</Unicode></TextEquiv></TextLine></TextRegion>""")
    order = "\n".join(f'     <RegionRefIndexed index="{k}" regionRef="r{k + 1}"/>' for k in range(len(lines)))
    out.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
 <Metadata><Creator>druckedition tests/scans.py (from Tesseract hOCR)</Creator><Created>2026-12-01T00:00:00</Created><LastChange>2026-12-01T00:00:00</LastChange></Metadata>
 <Page imageFilename={quoteattr(sheet.named)} imageWidth="{int(sheet.width)}" imageHeight="{int(sheet.height)}">
  <ReadingOrder><OrderedGroup id="ro1">
{order}
  </OrderedGroup></ReadingOrder>
{chr(10).join(lines)}
 </Page>
</PcGts>
""", encoding="utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def alto4(pdf: Path, index: int, picture_name: str, out: Path) -> None:
    """ALTO 4 in mm10 from the PDF's own lines (pdf.py): what a layout-aware engine gives —
    BASELINE, a TextStyle per size with FONTSIZE and bold/italics, raised numbers as
    STYLE="superscript" words of their own, HYP at a line-end hyphen."""
    from generator.diagnostics import Collector
    from generator.ingest.pdf import read_pdf

    page = read_pdf(pdf, index, index, Collector())[0]
    mm10 = 254 / 72
    styles: dict[tuple[float, bool, bool], str] = {}
    body = []
    for k, line in enumerate(sorted(page.lines, key=lambda line: line.y), 1):
        words: list[list] = [[]]
        for c in line.chars:
            raised = c.raised and c.text.isdigit()
            if c.text == " ":
                words.append([])
            elif words[-1] and words[-1][-1].raised != raised:
                words.append([c])   # a raised number is a word of its own, as engines give it
            else:
                words[-1].append(c)
        strings = []
        for word in (w for w in words if w):
            first, last = word[0], word[-1]
            key = (round(first.size, 1), first.style.bold, first.style.italic)
            style = styles.setdefault(key, f"s{len(styles)}")
            right = last.x + 0.5 * last.size * max(1, len(last.text))
            top = line.y - (0.75 if not first.raised else 1.05) * line.size
            attributes = (f'HPOS="{first.x * mm10:.0f}" VPOS="{top * mm10:.0f}" WIDTH="{(right - first.x) * mm10:.0f}" '
                          f'HEIGHT="{line.size * 0.95 * mm10:.0f}"')
            sup = ' STYLE="superscript"' if first.raised else ""
            text = "".join(c.text for c in word)
            strings.append(f'<String ID="l{k}w{len(strings)}" {attributes} CONTENT={quoteattr(text)} STYLEREFS="{style}"{sup} WC="0.97"/>')
        if line.hyphen:
            strings.append('<HYP CONTENT="-"/>')
        body.append(f'<TextLine ID="l{k}" HPOS="{line.left * mm10:.0f}" VPOS="{(line.y - line.size) * mm10:.0f}" '
                    f'WIDTH="{(line.right - line.left) * mm10:.0f}" HEIGHT="{line.size * 1.2 * mm10:.0f}" '
                    f'BASELINE="{line.y * mm10:.0f}">' + "<SP/>".join(strings) + "</TextLine>")
    style_lines = "".join(f'<TextStyle ID="{name}" FONTFAMILY="serif" FONTSIZE="{size}"'
                          + (' FONTSTYLE="' + " ".join(s for s, on in (("bold", bold), ("italics", italic)) if on) + '"'
                             if bold or italic else "") + "/>"
                          for (size, bold, italic), name in styles.items())
    out.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">
<Description><MeasurementUnit>mm10</MeasurementUnit><sourceImageInformation><fileName>{_escape(picture_name)}</fileName></sourceImageInformation></Description>
<Styles>{style_lines}</Styles>
<Layout><Page ID="p{index}" PHYSICAL_IMG_NR="{index}" WIDTH="{page.width * mm10:.0f}" HEIGHT="{page.height * mm10:.0f}"><PrintSpace>
<TextBlock ID="b1">
{chr(10).join(body)}
</TextBlock></PrintSpace></Page></Layout>
</alto>
""", encoding="utf-8")


def make_page(pdf: Path, index: int, dpi: int, degraded: bool, folder: Path, jpeg: bool) -> None:
    picture = draw(pdf, index, dpi)
    if degraded:
        picture = degrade(picture, index)
    name = f"p-{index}.{'jpg' if jpeg else 'png'}"
    if jpeg:
        picture.save(folder / name, "JPEG", quality=50, dpi=(dpi, dpi))
    else:
        picture.save(folder / name, "PNG", optimize=True, dpi=(dpi, dpi))
    tesseract(folder / name, folder / f"p-{index}")
    page_xml(folder / f"p-{index}.hocr", folder / f"p-{index}.page.xml")
    alto4(pdf, index, name, folder / f"p-{index}.alto4.xml")


FRAKTUR = "Blankenburg_UNZ1A"   # Debian's fonts-blankenburg


def typeset_fraktur(book: str, out: Path) -> Path:
    """A books.py book set in a Fraktur face (Typst, Debian's fonts-blankenburg): the same text
    and gold, another script for the OCR."""
    import books
    import typst

    made, layout = books.make_book(book)
    out.mkdir(parents=True, exist_ok=True)
    # Blankenburg has no superscript figures and Typst's own raise of them draws nothing: the
    # note numbers were missing from the print; raised and shrunk normal figures, as a press set them
    source = books.typst_source(made, layout).replace(
        '#set text(lang: "de"', '#set super(typographic: false, baseline: -0.45em, size: 0.65em)\n'
        f'#set text(font: "{FRAKTUR}", lang: "de"', 1)
    assert FRAKTUR in source
    (out / f"{book}-fraktur.typ").write_text(source, encoding="utf-8")
    pdf = out / f"{book}-fraktur.pdf"
    pdf.write_bytes(typst.compile(str(out / f"{book}-fraktur.typ"), font_paths=["/usr/share/fonts/truetype/blankenburg"]))
    books.typeset(book, out)   # the gold
    return pdf


def make(book: str, out: Path, dpi: int = 300, degraded: bool = False, pages: tuple[int, int] | None = None,
         jobs: int | None = None, pdf: Path | None = None, gold: Path | None = None, fraktur: bool = False) -> Path:
    """`pdf` and `gold`: a corpus book (tests/testcorpus) instead of a books.py one, its gold in
    the corpus scorer's form (corpus.json)."""
    import books
    import pypdfium2 as pdfium

    name = pdf.stem if pdf is not None else f"{book}-fraktur" if fraktur else book
    folder = out / f"{name}-{dpi}{'-degraded' if degraded else ''}"
    folder.mkdir(parents=True, exist_ok=True)
    if pdf is not None and gold is not None:
        shutil.copy(gold, folder / "corpus.json")
    elif fraktur:
        pdf = typeset_fraktur(book, out / "pdf")
        shutil.copy(out / "pdf" / f"{book}.gold.json", folder / "gold.json")
    else:
        pdf, _ = books.typeset(book, out / "pdf")
        shutil.copy(out / "pdf" / f"{book}.gold.json", folder / "gold.json")
    count = len(pdfium.PdfDocument(str(pdf)))
    first, last = pages or (1, count)
    with ProcessPoolExecutor(jobs or os.cpu_count()) as pool:
        list(pool.map(make_page, [pdf] * (last - first + 1), range(first, last + 1), [dpi] * (last - first + 1),
                      [degraded] * (last - first + 1), [folder] * (last - first + 1), [degraded] * (last - first + 1)))
    return folder


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("books", nargs="*", default=["tuning-typst"])
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--degrade", action="store_true")
    parser.add_argument("--pages")
    parser.add_argument("--pdf", type=Path, help="a corpus book's PDF (with --gold: its gold.json)")
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--fraktur", action="store_true", help="the book set in Fraktur (read with SCANS_LANGUAGE=frk)")
    args = parser.parse_args()
    span = tuple(int(p) for p in args.pages.split("-")) if args.pages else None
    if args.pdf:
        print(make("", args.out, args.dpi, args.degrade, span, pdf=args.pdf, gold=args.gold))  # type: ignore[arg-type]
    for name in [] if args.pdf else args.books:
        print(make(name, args.out, args.dpi, args.degrade, span, fraktur=args.fraktur))  # type: ignore[arg-type]
