"""Scanned books: OCR output of any engine (hOCR, ALTO, PAGE XML) and the built-in OCR, read
into the same edition as a PDF.

The fixtures (tests/fixtures/scans/, made by tests/scans.py) are pages 8–10, 33 and 40 of the test book
"tuning-typst" drawn at 300 dpi and read by Debian's Tesseract 5.3, and the same book's page 9
worn (turned, blurred, noisy, JPEG q50) at 200 dpi and its page 8 worn at 300 dpi. The same pages through the PDF reader are
what the scans are compared with.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from generator.diagnostics import Collector, EditionError
from generator.ingest import ocr, readers
from generator.ingest.decisions import Decisions
from generator.ingest.layout import build_book
from generator.ingest.model import Ref
from generator.ingest.pdf import read_pdf
from generator.ingest.pipeline import passes
from generator.ingest.sheets import sniff

SCANS = FIXTURES / "scans" / "typst-300"
WORN = FIXTURES / "scans" / "typst-200-degraded"
KINDS = {"hocr": ".hocr", "hocr-words": ".words.hocr", "alto-tesseract": ".xml", "page": ".page.xml", "alto4": ".alto4.xml"}


def files(kind: str, folder: Path = SCANS, pages=(8, 9, 10)) -> list[Path]:
    return [folder / f"p-{n}{KINDS[kind]}" for n in pages]


def read_scan(paths: list[Path], images: Path | None = None):
    """The scanned pages as the reader gives them, and the book the passes make of them."""
    problems = Collector()
    files = readers.inputs(paths, problems)
    reader = readers.recognise(files, problems)
    problems.raise_if_errors()
    source = readers.read(reader, files, None, problems, None, readers.Options(images), paths)
    return source.pages, passes(source, Decisions(), None)


def facts(book) -> dict:
    return {"notes": [n.label for c in book.chapters for n in c.notes],
            "refs": [r.label for c in book.chapters for b in c.blocks for r in b.inlines if isinstance(r, Ref)],
            "titles": [c.title for c in book.chapters], "folios": sorted(set(book.folios.values()))}


# The tests that hold without tesserocr (what the reader does with no picture, or no reader;
# what ingest says without the extra): every other test here reads marks again in the picture
# with the extra, and would pass or fail by its absence, not by the code.
WITHOUT_THE_EXTRA = {"test_recognised_by_content_not_by_name", "test_pages_in_natural_order_and_numbers_never_from_names",
                     "test_unread_note_number_is_a_hinweis_never_a_plain_digit", "test_hostile_ocr_files_are_refused",
                     "test_without_the_extra_an_image_pdf_says_what_to_install"}


@pytest.fixture(autouse=True)
def _the_ocr_extra(request):
    """The scan tests need the ocr extra (tesserocr and its German model): in CI (which installs
    `.[test,ocr]`) its absence fails them; locally they are skipped, saying how to install it."""
    if request.node.originalname not in WITHOUT_THE_EXTRA:
        _need_ocr()


@pytest.fixture(scope="module")
def printed(typeset):
    pdf, _ = typeset("tuning-typst")
    return facts(build_book(read_pdf(pdf, 8, 10, Collector())))


def test_recognised_by_content_not_by_name(tmp_path):
    for kind, expected in (("hocr", "hocr"), ("alto-tesseract", "alto"), ("page", "page"), ("alto4", "alto")):
        renamed = tmp_path / f"{kind}.xml"
        shutil.copy(files(kind)[0], renamed)
        assert sniff(renamed) == expected
    (tmp_path / "other.xml").write_text("<root/>", encoding="utf-8")
    assert sniff(tmp_path / "other.xml") is None


@pytest.mark.parametrize("kind", ["hocr-words", "alto-tesseract", "alto4"])
def test_notes_and_references_as_printed(kind, printed):
    """Tesseract's ALTO turns raised note numbers into ' ° ® or drops them: the page picture
    finds them and they are re-read, or numbered from the notes' sequence."""
    _, book = read_scan(files(kind), None)
    found = facts(book)
    assert found["titles"] == printed["titles"] and found["folios"] == printed["folios"]
    right = set(found["notes"]) & set(printed["notes"])
    assert len(right) >= 0.85 * len(printed["notes"]), found
    assert len(set(found["refs"]) & set(printed["refs"])) >= 0.85 * len(printed["refs"]), found


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_route_gives_the_chapters_and_print_pages(kind, printed):
    _, book = read_scan(files(kind), None)
    found = facts(book)
    assert found["titles"] == printed["titles"]          # the chapter opening on page 9, its title whole
    assert found["folios"] == printed["folios"]          # print pages from the folios, not the file names
    body = " ".join(b.inlines[0].text for c in book.chapters for b in c.blocks
                    if b.inlines and hasattr(b.inlines[0], "text"))
    assert "Kleine Staaten, große Fragen" not in body    # the running head is off


def test_pages_in_natural_order_and_numbers_never_from_names(tmp_path):
    """A folder's files in natural order (scan-9 before scan-10, which text order puts first);
    a page's print number is its folio, whatever the file is called."""
    for n, name in ((8, "scan-9"), (9, "scan-10"), (10, "scan-11")):
        shutil.copy(SCANS / f"p-{n}.xml", tmp_path / f"{name}.xml")
        shutil.copy(SCANS / f"p-{n}.png", tmp_path / f"p-{n}.png")
    pages, book = read_scan([tmp_path], None)
    assert [p.source.name for p in pages] == ["scan-9.xml", "scan-10.xml", "scan-11.xml"]
    assert [book.folios[p.index] for p in pages] == ["6", "7", "8"]
    assert [p.picture.name for p in pages] == ["p-8.png", "p-9.png", "p-10.png"]   # each file's own, by its name


def test_a_worn_scan_is_straightened():
    """A page turned by about a degree: its lines' left ends line up again (a paragraph's lines
    would otherwise look indented and the paragraphs break)."""
    pages, _ = read_scan(files("hocr-words", WORN, (9,)), None)
    lefts = sorted(round(line.left) for line in pages[0].lines if line.size >= 9)
    common = max(set(lefts), key=lefts.count)
    assert sum(abs(x - common) <= 2 for x in lefts) >= 0.6 * len(lefts), lefts


def test_unread_note_number_is_a_hinweis_never_a_plain_digit(tmp_path):
    """Without its picture (and so nothing to look at) a mark the engine misread stays what it
    is; with the picture but no reader, marks are numbered from the sequence and said so."""
    shutil.copy(SCANS / "p-8.xml", tmp_path / "p-8.xml")
    pages, book = read_scan([tmp_path / "p-8.xml"], None)
    assert not any(p.picture for p in pages)
    text = " ".join(line.text for p in pages for line in p.lines)
    assert "überschätzen.²⁴" not in text
    import generator.ingest.pictures as looks

    saved = looks.read_digits
    looks.read_digits = lambda *a, **k: None   # no tesserocr: nothing re-reads a mark
    try:
        shutil.copy(SCANS / "p-8.png", tmp_path / "p-8.png")
        pages, book = read_scan([tmp_path / "p-8.xml"], None)
    finally:
        looks.read_digits = saved
    inferred = [e for e in book.events if e.kind in ("note number from the sequence", "warning") and "numbered" in e.detail]
    assert inferred, [e.kind for e in book.events]
    assert all(e.line for e in inferred)


def test_engine_doubts_are_listed_at_page_and_line(tmp_path):
    """Tesseract's ALTO and its pictures, outside the content folder: the pictures copied in
    (their size said first), each page's picture named in the recorded print with each line's
    box on it, the engine's unsure words in a section after the Hinweise and marked on the
    printed pages, and the edition builds with its facsimile."""
    content = tmp_path / "content"
    folder = tmp_path / "ocr"
    folder.mkdir()
    for n in (8, 9, 10):
        shutil.copy(SCANS / f"p-{n}.xml", folder / f"p-{n}.xml")
        shutil.copy(SCANS / f"p-{n}.png", folder / f"p-{n}.png")
    result = run_cli("ingest", str(folder), "--into", str(content))
    assert result.returncode == 0, result.stderr
    assert "copying 3 page picture(s) (0.4 MB)" in result.stderr
    report = json.loads((content / "review" / "ocr.report.json").read_text(encoding="utf-8"))
    unsure = report["unsure"]
    assert unsure["words"] and all(d["line"] > 0 and d["confidence"] < unsure["below"] for d in unsure["words"])
    markdown = (content / "review" / "ocr.report.md").read_text(encoding="utf-8")
    assert markdown.index("## Hinweise") < markdown.index("## Unsichere Wörter")
    lines = json.loads((content / "review" / "ocr.lines.json").read_text(encoding="utf-8"))
    assert lines["version"] == 2
    assert [p["page"] for p in lines["pages"]] == ["6", "7", "8"]
    assert [p["picture"] for p in lines["pages"]] == ["p-8.png", "p-9.png", "p-10.png"]
    boxes = [line["box"] for p in lines["pages"] for line in p["lines"]]
    assert boxes and all(0 <= b[0] < b[2] <= 1 and 0 <= b[1] < b[3] <= 1 for b in boxes)
    assert 'page_images = "ocr-pages"' in (content / "edition.toml").read_text(encoding="utf-8")
    assert sorted(p.name for p in (content / "ocr-pages").iterdir()) == ["p-10.png", "p-8.png", "p-9.png"]
    build = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "site" / "pages" / "7.html").read_text(encoding="utf-8")
    assert 'pages/img/7.png"' in page and 'class="dl-unsure"' in page
    # the diplomatic view beside the reading text marks them too (and only there: search reads the reading text)
    import re

    reading = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").glob("*/*.html")
                      if p.parent.name != "pages")
    diplomatic = "".join(re.findall(r'<span class="dipl" data-pagefind-ignore>.*?</p>', reading, re.S))
    marked = re.findall(r'<mark class="dl-unsure" title="[^"]+">(.*?)</mark>', diplomatic)
    assert marked and all(re.sub("<[^>]+>", "", m).strip() for m in marked), marked
    assert "dl-unsure" not in re.sub(r'<span class="dipl".*?</p>', "", reading, flags=re.S)


def test_historical_letters_kept_as_printed_and_normalised_as_repairs(tmp_path):
    page = (SCANS / "p-9.page.xml").read_text(encoding="utf-8")
    page = page.replace("Kleinstaaten", "Kleinſtaaten", 1)
    (tmp_path / "p-9.page.xml").write_text(page, encoding="utf-8")
    shutil.copy(SCANS / "p-9.png", tmp_path / "p-9.png")
    pages, book = read_scan([tmp_path / "p-9.page.xml"], None)
    assert any("ſ" in line.text for p in pages for line in p.lines)   # the print as recorded
    assert any(c.raw.startswith("Kleinſtaaten") and c.clean.startswith("Kleinstaaten") for c in book.changes)
    from generator.ingest.writers import clean_text

    assert "ſ" not in clean_text(book)


def test_hostile_ocr_files_are_refused(tmp_path):
    bomb = tmp_path / "p-1.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY a "aaaaaaaa">]><alto><Layout/></alto>',
                    encoding="utf-8")
    with pytest.raises(EditionError) as caught:
        read_scan([bomb], None)
    assert "entities" in str(caught.value)
    result = run_cli("clean", str(bomb))
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_without_the_extra_an_image_pdf_says_what_to_install(tmp_path):
    from PIL import Image

    picture = Image.open(SCANS / "p-9.png").convert("L")
    pdf = tmp_path / "scan.pdf"
    picture.save(pdf, "PDF", resolution=300)
    environment = {"PYTHONPATH": str(tmp_path / "blocked")}
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "tesserocr.py").write_text("raise ImportError('blocked for the test')\n", encoding="utf-8")
    result = run_cli("ingest", str(pdf), "--into", str(tmp_path / "content"), env=environment)
    assert result.returncode == 1
    assert "pip install 'druckedition[ocr]'" in result.stderr and "hOCR" in result.stderr
    assert not (tmp_path / "content").exists()


def _need_ocr() -> None:
    if not ocr.available() or ocr.tessdata() is None:
        if os.environ.get("CI"):
            pytest.fail("CI=true but the ocr extra is missing: .ci/run must install it")
        pytest.skip("the ocr extra is not installed (pip install -e '.[ocr]')")


def test_built_in_ocr_of_a_folder_of_pictures_and_its_reuse(tmp_path):
    """Two pages OCRed here (CI runs OCR on at most 3 pages): the hOCR is kept in review/ocr
    and reused while the pictures are the same; an edited hOCR survives a re-ingest."""
    _need_ocr()
    scans = tmp_path / "scans"
    scans.mkdir()
    for n in (9, 10):
        shutil.copy(SCANS / f"p-{n}.png", scans / f"p-{n}.png")
    content = tmp_path / "content"
    result = run_cli("ingest", str(scans), "--into", str(content))
    assert result.returncode == 0, result.stderr
    hocr = content / "review" / "ocr" / "p-10.hocr"
    assert hocr.exists() and "ocrx_cinfo" in hocr.read_text(encoding="utf-8")
    chapters = "".join(p.read_text(encoding="utf-8") for p in sorted(content.glob("*.md")))
    assert "# Spielräume & Grenzen" in chapters and "[^25]" in chapters and "[^25]:" in chapters
    assert not (content / ".edition-ingest" / "ocr").exists()   # the OCR waiting for the commit: cleared by it
    edited = hocr.read_text(encoding="utf-8").replace(">ä</span>", ">ae</span>", 1)   # the title's first ä
    assert edited != hocr.read_text(encoding="utf-8")
    hocr.write_text(edited, encoding="utf-8")
    again = run_cli("ingest", str(scans), "--into", str(content), "--force")
    assert again.returncode == 0, again.stderr
    assert hocr.read_text(encoding="utf-8") == edited        # not read again: the picture is the same
    chapters = "".join(p.read_text(encoding="utf-8") for p in sorted(content.glob("*.md")))
    assert "# Spielraeume & Grenzen" in chapters             # the editor's correction is what was read


def test_built_in_ocr_of_an_image_only_pdf(tmp_path):
    _need_ocr()
    from PIL import Image

    pdf = tmp_path / "scan.pdf"
    Image.open(SCANS / "p-10.png").convert("L").save(pdf, "PDF", resolution=300)
    result = run_cli("clean", str(pdf))
    assert result.returncode == 0, result.stderr
    assert "Spielräume & Grenzen" in result.stdout


def _starts(book) -> list[str]:
    """Each body block's first three words, in order (where the paragraphs break), and whether
    it is a list item. (A figure's caption is a quote on a scan: the picture is not found.)"""
    out = []
    for chapter in book.chapters:
        for block in chapter.blocks:
            text = "".join(getattr(i, "text", "") for i in block.inlines)
            out.append(f"{'item' if block.kind == 'item' else 'block'}: {' '.join(text.split()[:3])}")
    return out


@pytest.mark.parametrize("kind", ["hocr", "hocr-words", "alto-tesseract", "page"])
def test_paragraph_breaks_as_printed(kind, typeset):
    """The scan's paragraphs and list items break where the PDF's do (page 10 has a list whose
    bullets Tesseract reads as «), and no paragraph opens with a mark the picture made up; PAGE
    XML with lines only (no words) too: its words are found in the picture."""
    pdf, _ = typeset("tuning-typst")
    expected = _starts(build_book(read_pdf(pdf, 8, 10, Collector())))
    _, book = read_scan(files(kind), None)
    found = _starts(book)
    assert sum(s in found for s in expected) >= 0.9 * len(expected), (expected, found)
    assert sum(s in expected for s in found) >= 0.9 * len(found), (expected, found)


SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _differences(printed: list[str], read: list[str]) -> list[tuple[str, str]]:
    from difflib import SequenceMatcher

    matcher = SequenceMatcher(None, printed, read, autojunk=False)
    return [(" ".join(printed[a:b]), " ".join(read[c:d])) for op, a, b, c, d in matcher.get_opcodes() if op != "equal"]


@pytest.mark.parametrize("kind", ["hocr", "hocr-words", "alto-tesseract", "page"])
def test_referenced_words_and_notes_read_as_printed(kind, typeset):
    """Each word with its note reference, and the notes' words, as the PDF has them: what
    Tesseract makes of a raised number ("Migration.?'", "Meinung.?") is the number alone; a
    small en dash it reads as a hyphen is one again, by its length ("Brunner - mit", and
    "192-195" measured in the picture); "Vg]." is "Vgl." (said in the report)."""
    from generator.ingest.writers import clean_text

    pdf, _ = typeset("tuning-typst")
    printed = clean_text(build_book(read_pdf(pdf, 8, 10, Collector()))).split()
    _, book = read_scan(files(kind), None)
    read = clean_text(book).split()
    with_refs = [w for w in printed if set(w) & set(SUPERSCRIPT)]
    assert len(with_refs) >= 7 and all(w in read for w in with_refs), [w for w in read if set(w) & set(SUPERSCRIPT)]
    assert not any("Vg]" in got for _, got in _differences(printed, read))
    assert any(e.kind == "letter read again" and "Vgl.'" in e.detail for e in book.events)
    # page 33: notes with dashes ("Brunner – mit anderer Gewichtung – kommt … S. 192–195.")
    printed = clean_text(build_book(read_pdf(pdf, 33, 33, Collector()))).split()
    _, book = read_scan(files(kind, pages=(33,)), None)
    wrong = _differences(printed, clean_text(book).split())
    assert printed.count("–") >= 4 and sum("–" in w for w in printed if w != "–") >= 2
    assert not any("–" in want for want, _ in wrong), wrong


def test_note_numbers_read_wrong_take_the_references_left_over(monkeypatch):
    """Page 40: Tesseract reads the notes 55 and 56 as "555" and "5" (the mark 55 re-read from the
    picture gives "55" now that the search passes over the margin's specks: "555" is what its
    first reading gave, and is given here); the page's references (55, 56 read in the text)
    give their numbers, in order, and each is said."""
    from generator.ingest import pictures as looks

    real = looks.read_digits
    monkeypatch.setattr(looks, "read_digits", lambda *a, **k: "555" if (got := real(*a, **k)) == "55" and a[1][0] < 300
                        else got)
    _, book = read_scan([SCANS / "p-40.xml"], None)
    assert [n for n in facts(book)["notes"] if n and not n.startswith("-")] == ["53", "54", "55", "56"]
    _silent_notes_are_said(book)
    said = [e.detail for e in book.events if e.kind == "note number from its reference"]
    assert any("read as 555" in d and "give 55" in d for d in said) and any("read as 5;" in d and "give 56" in d for d in said)


def _unread_reference(folder: Path) -> Path:
    """Page 8 with its raised 21 gone from the picture and from Tesseract's ALTO (as when the
    engine and the picture search both miss it): its note 21 has no reference."""
    from PIL import Image, ImageDraw

    picture = Image.open(SCANS / "p-8.png").convert("L")
    ImageDraw.Draw(picture).rectangle((1076, 380, 1104, 402), fill=255)   # the "21" after "Migration."
    picture.save(folder / "p-8.png", dpi=(300, 300))
    alto = (SCANS / "p-8.xml").read_text(encoding="utf-8")
    assert 'CONTENT="Migration.?&#39;"' in alto
    (folder / "p-8.xml").write_text(alto.replace('CONTENT="Migration.?&#39;"', 'CONTENT="Migration."'), encoding="utf-8")
    return folder / "p-8.xml"


def test_a_note_whose_reference_was_not_read_is_a_hinweis_at_its_line(tmp_path):
    _, book = read_scan([_unread_reference(tmp_path)], None)
    said = [e for e in book.events if e.kind == "warning" and e.detail.startswith("note 21: no reference to it was read")]
    assert said and said[0].line and "page picture" in said[0].detail
    assert all("21" in e.detail for e in book.events if e.kind == "warning" and e.detail.startswith("note "))


def test_a_note_whose_reference_was_not_read_does_not_stop_ingest(tmp_path):
    """Ingest writes the note with a reference that shows nothing (the build's form for a note
    printed without one), says so, and the edition builds."""
    scan = _unread_reference(tmp_path)
    content = tmp_path / "content"
    result = run_cli("ingest", str(scan), "--into", str(content))
    assert result.returncode == 0, result.stderr
    chapters = "".join(p.read_text(encoding="utf-8") for p in sorted(content.glob("*.md")))
    assert "[^-21]:" in chapters and "no reference to it was read" in result.stdout + result.stderr
    build = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert build.returncode == 0, build.stderr


@pytest.mark.parametrize("misread", ["sVgl.", "2sVgl.", "2>Vgl.", "?sVgl."])
def test_a_note_number_read_as_letters_before_a_capital(tmp_path, misread):
    """On worn scans Tesseract reads a note's raised number as one or two letters stuck to its
    first word ("sVgl.", "ıVgl.", "»Weiß"), or its first digit right and the second as a letter
    ("3sVgl." for 35, "2>Die" for 25: seen at 300 dpi worn); no word begins so, so all of it is
    the mark, found where it stands and numbered, and the note's first word is as printed."""
    alto = (SCANS / "p-8.xml").read_text(encoding="utf-8")
    assert 'CONTENT="”Vg]."' in alto
    (tmp_path / "p-8.xml").write_text(alto.replace('CONTENT="”Vg]."', f'CONTENT="{misread}"'), encoding="utf-8")
    shutil.copy(SCANS / "p-8.png", tmp_path / "p-8.png")
    _, book = read_scan([tmp_path / "p-8.xml"], None)
    from generator.ingest.writers import clean_text

    notes = [line for line in clean_text(book).splitlines() if "Huber, Quellen" in line]
    assert notes == ["²² Vgl. Huber, Quellen zur Wirtschaftsgeschichte, 1999, S. 291."], notes


WORN_300 = FIXTURES / "scans" / "typst-300-degraded"


def _silent_notes_are_said(book) -> None:
    """A note no read reference calls (noise the engine took for one, or a reference it missed)
    is written as a note printed without a reference, never silently: a Hinweis names it."""
    silent = [n.label for c in book.chapters for n in c.notes if n.label.startswith("-")]
    said = " ".join(e.detail for e in book.events if e.kind == "warning")
    assert all(label[1:] in said for label in silent), (silent, said)


@pytest.mark.parametrize("kind", ["hocr-words", "alto-tesseract"])
def test_a_worn_scan_keeps_its_notes(kind):
    """Page 8 worn at 300 dpi (turned, blurred, grain, specks, JPEG q50): the grain's single dark
    pixels are no ink beside a raised number, and a note's short last line with a speck read as
    ':' ("2020). :") keeps its note's size, so the notes stay at the foot and every reference is found."""
    _, book = read_scan(files(kind, WORN_300, (8,)), None)
    found = facts(book)
    assert [r for r in found["refs"] if not r.startswith("-")] == ["21", "22", "23", "24"], found
    _silent_notes_are_said(book)
    assert {"21", "22", "23", "24"} <= set(found["notes"]), found


def test_a_worn_scans_grain_is_no_ink():
    """Page 4 worn at 300 dpi: "vorschlagen.⁴" comes out of Tesseract as "vorschlagen.‘"; the
    picture shows the raised 4 only once a dark pixel with no dark neighbour (the paper's grain)
    is no longer ink beside it."""
    _, book = read_scan([WORN_300 / "p-4.xml"], None)
    assert facts(book)["refs"] == ["4", "5", "6"]


def test_a_worn_scans_note_lines_keep_one_size():
    """Page 40 worn at 300 dpi, Tesseract's ALTO (word boxes only): its note lines' x-heights,
    measured from a few blurred boxes, come out as 7.5, 8.6 and 10.1 pt, and the notes were
    read as body text ("53Vgl. Weiß, … 54Vgl. Keller, …" one paragraph); set one under another
    at one pitch they are one size, and the notes are notes. Their dashes, blurred to a
    hyphen's length at the ink threshold, are en dashes again, measured at half their darkness."""
    from generator.ingest.writers import clean_text

    _, book = read_scan([WORN_300 / "p-40.xml"], None)
    assert [n for n in facts(book)["notes"] if not n.startswith("-")] == ["53", "54", "55", "56"]
    _silent_notes_are_said(book)
    text = clean_text(book)
    assert "⁵³ Vgl. Weiß, Wasserbau und Gemeinde, 1961, S. 64." in text.splitlines()
    assert "⁵⁶ Zürcher – mit anderer Gewichtung – kommt zum selben Schluss; siehe Aussenpolitik und " \
           "Öffentlichkeit, S. 281–284." in text.splitlines()


def test_a_speck_read_as_a_mark_is_left_out_and_said():
    """A speck of dirt the engine read as a mark of its own (page 40 worn: a '.' 4 px wide, at
    an x-height of 15 px) is no text; leaving it out is a repair the report lists."""
    _, book = read_scan([WORN_300 / "p-40.xml"], None)
    said = [e for e in book.events if e.kind == "speck left out"]
    assert said and all(e.line for e in said), [e.kind for e in book.events]


def test_a_raised_number_whose_digit_the_grain_hid_is_read_again():
    """A raised 69 on a worn scan (page 44, 300 dpi): Tesseract's digits-only reading of the
    enlarged mark gives "6"; the mark is two digits wide, so it is read again smoothed and black
    on white, and that reading's "69" is taken."""
    from generator.ingest import pictures as looks

    crop = WORN_300 / "mark-69.png"   # the mark with 20 px around it
    assert looks.read_digits(crop, (20, 20, 42, 34), 62) == "69"


def test_a_number_between_two_that_count_on_by_two_is_the_one_between(monkeypatch):
    """Page 8's notes 21–24: where the picture's mark 23 is read as "2" (a digit the grain hid)
    in the text and at the note, both sit between 22 and 24: they are 23, and it is said."""
    from generator.ingest import pictures as looks

    real = looks.read_digits
    monkeypatch.setattr(looks, "read_digits", lambda *a, **k: "2" if real(*a, **k) == "23" else real(*a, **k))
    _, book = read_scan(files("alto-tesseract", SCANS, (8,)), None)
    found = facts(book)
    assert [r for r in found["refs"] if not r.startswith("-")] == ["21", "22", "23", "24"], found
    assert [n for n in found["notes"] if not n.startswith("-")] == ["21", "22", "23", "24"], found
    said = [e.detail for e in book.events if e.kind == "note number from the sequence"]
    assert any("read as 2, between 22 and 24" in d for d in said), said


@pytest.mark.parametrize(("length", "dash"), [(16, True), (11, False)])
def test_a_blurred_dash_keeps_its_length(tmp_path, length, dash):
    """A dash 2 px thick at an x-height of 15 px, blurred and faded as a worn scan's: at the ink
    threshold a 16 px en dash measures 12 px, a hyphen's length; at half its darkness it keeps
    its own, and an 11 px hyphen stays a hyphen."""
    from PIL import Image, ImageDraw, ImageFilter

    from generator.ingest import pictures as looks
    from generator.ingest.scanned import SEEN_DASH

    picture = Image.new("L", (90, 50), 255)
    ImageDraw.Draw(picture).rectangle((30, 21, 29 + length, 22), fill=30)   # its middle 0.55 x-height up
    picture.filter(ImageFilter.GaussianBlur(0.8)).point(lambda v: min(255, v + 50)).save(tmp_path / "dash.png")
    measured = looks.dash_length(tmp_path / "dash.png", 90, (26, 10, 34 + length, 30), 30, 15)
    assert measured is not None and (measured >= SEEN_DASH) == dash, measured


def test_character_boxes_that_drift_out_of_their_word_are_not_followed(tmp_path):
    """Tesseract's LSTM character boxes drift now and then: on the Fraktur book one word's first
    letter had a box half a page to its right, the line's end came before its start and ingest
    wrote a box the build refuses. Such a word is placed by equal shares of its box."""
    hocr = (SCANS / "p-9.hocr").read_text(encoding="utf-8")
    given = "<span class='ocrx_cinfo' title='x_bboxes 262 324 277 342; x_conf 99.552895'>e</span>"   # "ebenfalls"
    assert given in hocr
    (tmp_path / "p-9.hocr").write_text(hocr.replace(given, given.replace("262 324 277", "1262 324 1277")), encoding="utf-8")
    shutil.copy(SCANS / "p-9.png", tmp_path / "p-9.png")
    pages, _ = read_scan([tmp_path / "p-9.hocr"], None)
    assert all(line.left < line.right for page in pages for line in page.lines)
    line = next(line for line in pages[0].lines if line.text.startswith("ebenfalls"))
    assert [c.x for c in line.chars[:9]] == sorted(c.x for c in line.chars[:9]), [round(c.x) for c in line.chars[:9]]


def test_a_folio_its_neighbours_contradict_is_numbered_from_them(tmp_path):
    """A worn scan's speck before a folio read as a digit ("97" on the page between 6 and 8: seen
    as "933" between 32 and 34, and ingest then refused to write, its page marks out of order):
    the page is numbered from the pages around it, and the report says what was read. (Pages
    8 and 9, and page 9 again as the page after, its folio 8.)"""
    folio = 'CONTENT="7"/>'
    for n in (8, 9):
        shutil.copy(SCANS / f"p-{n}.png", tmp_path / f"p-{n}.png")
    shutil.copy(SCANS / "p-8.xml", tmp_path / "p-8.xml")
    alto = (SCANS / "p-9.xml").read_text(encoding="utf-8")
    assert alto.count(folio) == 1
    (tmp_path / "p-9.xml").write_text(alto.replace(folio, 'CONTENT="97"/>'), encoding="utf-8")
    (tmp_path / "p-10.xml").write_text(alto.replace(folio, 'CONTENT="8"/>'), encoding="utf-8")
    _, book = read_scan([tmp_path / f"p-{n}.xml" for n in (8, 9, 10)], None)
    assert [book.folios[i] for i in sorted(book.folios)] == ["6", "7", "8"], book.folios
    said = [e.detail for e in book.events if e.kind == "page number inferred"]
    assert any("'97'" in d for d in said), said


def test_two_notes_read_with_one_number_on_a_page_are_never_written_twice(monkeypatch):
    """Page 8's last note 24 read as 23, in the text and at the note (a digit the grain changed;
    at 200 dpi worn ingest then wrote `[^10~3]:` twice, which the build refuses): the second is
    labelled apart and the report says so."""
    from generator.ingest import pictures as looks

    real = looks.read_digits
    monkeypatch.setattr(looks, "read_digits", lambda *a, **k: "23" if real(*a, **k) == "24" else real(*a, **k))
    _, book = read_scan(files("alto-tesseract", SCANS, (8,)), None)
    labels = [n.label for c in book.chapters for n in c.notes]
    assert len(labels) == len(set(labels)), labels
    said = [e.detail for e in book.events if e.kind == "warning" and "a second note numbered 23" in e.detail]
    assert said, [e.detail for e in book.events if e.kind == "warning"]


def test_a_semicolon_read_as_a_colon_is_read_again_in_the_picture():
    """Page 4 worn at 300 dpi: Tesseract reads note 5's "Schluss;" as "Schluss:" (a worn 8 pt
    semicolon's tail is faint); the picture shows a dot above a comma, so it is a semicolon,
    a repair the report lists. (On the clean and worn 45-page book no mark the engine read
    right is changed: tests/scans.py's data, bench/ocr_score.py.)"""
    from generator.ingest.writers import clean_text

    _, book = read_scan([WORN_300 / "p-4.xml"], None)
    text = clean_text(book)
    assert "kommt zum selben Schluss; siehe" in text and "Schluss:" not in text, text
    said = [e for e in book.events if e.kind == "letter read again" and "semicolon" in e.detail]
    assert said and all(e.line for e in said), [e.detail for e in book.events]


def _worn_page_8(folder: Path, hocr: str, speck: tuple[int, int, int, int] | None = None) -> Path:
    from PIL import Image, ImageDraw

    picture = Image.open(WORN_300 / "p-8.jpg").convert("L")
    if speck:
        ImageDraw.Draw(picture).ellipse(speck, fill=40)
    picture.save(folder / "p-8.png", dpi=(300, 300))
    (folder / "p-8.hocr").write_text(hocr.replace("p-8.jpg", "p-8.png"), encoding="utf-8")
    return folder / "p-8.hocr"


def test_a_speck_read_as_a_digit_is_no_text(tmp_path):
    """A worn scan's speck of 6 px (an x-height is 16) beside a note's last line, which the
    engine read as "5" (the 45-page book: "S. 307. 5", "2020). 2"): no digit is that small, so
    it is a speck, left out and said, and the note ends as printed."""
    from generator.ingest.writers import clean_text

    hocr = (WORN_300 / "p-8.words.hocr").read_text(encoding="utf-8")
    speck = "title='bbox 1113 1809 1119 1815; x_wconf 0'>:</span>"
    assert speck in hocr
    _, book = read_scan([_worn_page_8(tmp_path, hocr.replace(speck, speck.replace(">:<", ">5<")))], None)
    note = next(line for line in clean_text(book).splitlines() if "bericht-34.html" in line)
    assert note.endswith("2020)."), note
    assert any(e.kind == "speck left out" and "'5'" in e.detail for e in book.events)


def test_a_speck_before_a_notes_number_is_neither_bullet_nor_mark(tmp_path):
    """A speck in the margin before note 22's raised number (page 8 worn; as on the 45-page
    book's page 35, where note 29 was lost), read by the engine as "." before the note's first
    word: smaller than half the x-height it is a speck, no list's bullet, and the search for
    the note's number passes over it: note 22 is a note, its number found in the picture."""
    hocr = (WORN_300 / "p-8.words.hocr").read_text(encoding="utf-8")
    first = "<span class='ocrx_word' id='word_1_247' title='bbox 220 1813 294 1848; x_wconf 28'>Vgl.</span>"
    assert first in hocr
    dot = "<span class='ocrx_word' id='word_1_speck' title='bbox 196 1828 202 1834; x_wconf 20'>.</span>\n      "
    _, book = read_scan([_worn_page_8(tmp_path, hocr.replace(first, dot + first), (196, 1828, 202, 1834))], None)
    found = facts(book)
    assert "22" in found["notes"], found
    assert any(e.kind == "speck left out" for e in book.events)


def _numbered(*pages: tuple[list[str], list[str]]) -> list[list[str]]:
    """Pages of body lines and note lines ("^23" a raised number), as the reader gives them,
    numbered by scanned._number_marks: each page's notes' labels, and what was said."""
    import itertools
    import re

    from generator.ingest.pdf import Char, Line, Style
    from generator.ingest.scanned import ScannedPage, _number_marks

    plain = Style("", False, False)

    def line(y: float, size: float, text: str) -> Line:
        chars, x = [], 50.0
        for token in re.split(r"(\^[\d?]+)", text):
            raised = token.startswith("^")
            for c in token[1:] if raised else token:
                chars.append(Char(c, x, y - 4 if raised else y, size * 0.7 if raised else size, plain, raised))
                x += 5
        made = Line(chars, x)
        made.y, made.size = y, size
        return made

    made = [ScannedPage(k, 400, 600, [line(60 + 13 * i, 10, t) for i, t in enumerate(body)]
                        + [line(400 + 11 * i, 8, t) for i, t in enumerate(notes)])
            for k, (body, notes) in enumerate(pages, 1)]
    _number_marks(made, 10)
    return [["".join(c.text for c in itertools.takewhile(lambda c: c.raised, line.chars)) for line in page.lines
             if line.size == 8] for page in made]


def test_a_pages_first_note_number_counts_on_from_the_page_before():
    """Note 48 read as 38 at the top of a page's notes, its reference unread (the 45-page book
    worn, page 38), the page before ending with note 47 and the next note 49: the pages'
    sequence gives 48, as it does between two notes on one page."""
    labels = _numbered((["Text^46 mehr^47 Text"], ["^46Eine Anmerkung.", "^47Noch eine."]),
                       (["Text ohne Zahl und^49 mehr"], ["^38Die dritte.", "^49Die vierte."]))
    assert labels == [["46", "47"], ["48", "49"]], labels


def test_a_note_that_counts_on_keeps_its_number_when_its_reference_was_not_read():
    """A page with notes 42–47 and 48 read as 38, whose references were read but for 45's: the
    reference left over (48) is 38's, the note that does not count on; 45 counts on from 44
    and keeps its number (it was made 48, and 38 stayed)."""
    labels = _numbered((["Text^42 und^43 und^44 und^46 und^47 und^48 Text"],
                        ["^42A.", "^43B.", "^44C.", "^45D.", "^46E.", "^47F.", "^38G."]))
    assert labels == [["42", "43", "44", "45", "46", "47", "48"]], labels


def test_a_speck_above_a_dash_is_no_reference(tmp_path):
    """A speck just above a dash standing alone (page 40 worn: "Zürcher – mit", as on the
    45-page book's page 36, where "Frei –⁵ mit" came out): a reference follows a word or its
    punctuation, never a dash alone, so no raised mark is looked for after one."""
    from PIL import Image, ImageDraw

    from generator.ingest.writers import clean_text

    picture = Image.open(WORN_300 / "p-40.jpg").convert("L")
    ImageDraw.Draw(picture).ellipse((397, 2162, 401, 2166), fill=30)
    picture.save(tmp_path / "p-40.png", dpi=(300, 300))
    alto = (WORN_300 / "p-40.xml").read_text(encoding="utf-8")
    assert "p-40.jpg" in alto
    (tmp_path / "p-40.xml").write_text(alto.replace("p-40.jpg", "p-40.png"), encoding="utf-8")
    _, book = read_scan([tmp_path / "p-40.xml"], None)
    assert "⁵⁶ Zürcher – mit anderer Gewichtung" in clean_text(book), clean_text(book)


def test_a_pages_notes_count_on_where_its_readings_say_so():
    """A worn 200 dpi scan's raised numbers are 9-10 px tall and read wrong one in three: notes
    4-6 read "23", "?" and "?" under references read 4, 5, 6, after a page ending with note 3;
    the page's readings (the references) say the notes count on, so they do (each said). A
    page whose readings say otherwise (1-3 again after note 27, read so in notes and text: a
    chapter's start the layout did not see) is left as read."""
    labels = _numbered((["Text^1 mehr^2 Text^3"], ["^1A.", "^2B.", "^3C."]),
                       (["Text^4 mehr^5 und^6"], ["^23D.", "^?E.", "^?F."]))
    assert labels == [["1", "2", "3"], ["4", "5", "6"]], labels
    labels = _numbered((["Text^26 mehr^27"], ["^26A.", "^27B."]), (["Text^1 mehr^2 und^3"], ["^1C.", "^2D.", "^3E."]))
    assert labels == [["26", "27"], ["1", "2", "3"]], labels


def test_a_files_boxes_that_are_not_the_inks_change_no_mark():
    """An ALTO 4 whose boxes come from the print's own geometry, over a worn (turned) scan of
    it: a word's box ends inside the raised number after it, so the picture beside the box's
    end holds a slice of that number; the mark is read only where the ink ends inside the
    window looked at, and "Schluss;" stays as the file has it."""
    _, book = read_scan([WORN_300 / "p-4.alto4.xml"], None)
    assert not [e.detail for e in book.events if e.kind == "letter read again"]


def test_the_ocr_reads_a_worn_pages_paper_as_paper():
    """A worn scan's nearly blank page (the held-out book's page 2: a running head, and grain
    everywhere) put Tesseract's Otsu threshold inside the paper's grain, and its OCR ran for
    over 17 minutes; the built-in OCR gives such a page with its paper white (lighter than
    halfway between the paper and the ink), the ink and its blurred edges as they were; a page
    with text as it is."""
    from PIL import Image, ImageChops

    def page(lines: int) -> Image.Image:
        # paper with a worn scan's grain (tests/scans.py's noise), lines of ink with a blurred edge
        made = ImageChops.add(Image.new("L", (400, 400), 248), Image.effect_noise((400, 400), 14), 1.0, -128)
        for y in range(10, 10 + 12 * lines, 12):
            for x in range(20, 80 if lines == 1 else 380):
                made.putpixel((x, y), 30)
                made.putpixel((x, y + 1), 120)
        return made

    blank = page(1)
    white = ocr.paper_white(blank)
    grain = [(x, y) for x in range(400) for y in range(30, 400) if 200 <= blank.getpixel((x, y)) < 210][:20]
    assert grain and all(white.getpixel(p) == 255 for p in grain)
    assert white.getpixel((25, 10)) == 30 and white.getpixel((25, 11)) == 120
    text = page(30)
    assert ocr.paper_white(text).tobytes() == text.tobytes()


def test_a_text_only_lines_size_is_its_place_in_a_run_of_note_lines():
    """PAGE XML with lines only (Transkribus' export) of page 8 worn at 300 dpi: its words'
    boxes are found in the ink, and two note lines measured 11.8 and 12.8 pt among 8.5 pt ones
    (a mark and a word in one ink run), which broke the notes in three and lost their numbers;
    set one under another at the notes' pitch they are the notes' size, and notes 21-24 are
    notes with their references."""
    pages, book = read_scan([WORN_300 / "p-8.page.xml"], None)
    foot = [line.size for line in sorted(pages[0].lines, key=lambda line: line.y) if line.y > 415]
    assert len(set(foot)) == 1, foot
    found = facts(book)
    assert {"21", "22", "23", "24"} <= set(found["notes"]), found


@pytest.mark.parametrize(("printed", "misread"), [('"S."', '"5."'), ('"S."', '"S,"'), ('"Vgl."', '"ygl."')])
def test_a_page_citations_s_and_vgl_as_small_worn_type_reads_them(tmp_path, printed, misread):
    """At 200 dpi a worn 8 pt note's "S." reads "5." or "S," and its "Vgl." "ygl." (the S's
    gaps and the V's arms closed by the blur: a note of eight words with one wrong is a lost
    note); after a comma and before a page's number "5." is the citation's S., and no word is
    "ygl"; each repair is said. (No picture, nothing re-read: the engine's text alone.)"""
    alto = (SCANS / "p-8.xml").read_text(encoding="utf-8")
    assert alto.count(f"CONTENT={printed}") >= 1
    (tmp_path / "p-8.xml").write_text(alto.replace(f"CONTENT={printed}", f"CONTENT={misread}"), encoding="utf-8")
    _, book = read_scan([tmp_path / "p-8.xml"], None)
    from generator.ingest.writers import clean_text

    text = clean_text(book)
    assert misread.strip('"') + " " not in text
    assert "1999, S. 291." in text and "Vgl. Huber" in text, text
    assert any(misread.strip('"') in e.detail and e.kind == "letter read again" for e in book.events)


def _marked_page(index: int, marks: list[str], notes: list[str]):
    """A page as the reader gives it: a body line calling `marks` (raised), a note line at the
    foot for each of `notes` (its raised number first)."""
    from generator.ingest.pdf import Char, Line, Style
    from generator.ingest.scanned import ScannedPage

    plain = Style("serif", False, False)

    def line(y: float, size: float, parts: list[tuple[str, bool]]) -> Line:
        chars = []
        for text, raised in parts:
            for c in text:
                chars.append(Char(c, 10.0 + 5 * len(chars), y - (0.45 * size if raised else 0), size * (0.7 if raised else 1),
                                  plain, raised))
        return Line(chars, 10.0 + 5 * len(chars))

    body = line(100, 10, [p for m in marks for p in (("Wort", False), (m, True), (" ", False))])
    foot = [line(600 + 12 * k, 8, [(n, True), (" Vgl. Frei, Die Ordnung der Dinge, S. 3.", False)])
            for k, n in enumerate(notes)]
    return ScannedPage(index, 600.0, 800.0, [line(90, 10, [("Text der Seite", False)]), body, *foot])


def test_a_last_note_read_beyond_the_pages_reach_is_no_place_to_count_from():
    """A worn 200 dpi page after note 1 (note 2 lost), whose last note is read "17" where its
    five notes and references reach 7 at most (1 + 5 + 1: the page's own readings cannot put it
    higher), is no place for the next page to count on from: there, notes read 12, 9, 10, 11
    under references 8–11 count on from 7 (the highest the page reaches), and the note read 12
    is 8, said. (Counting on from 17, nothing fits: it stayed 12, a lost note.)"""
    from generator.ingest.scanned import _number_marks

    before = _marked_page(1, ["1"], ["1"])
    first = _marked_page(2, ["3", "4", "5", "6", "7"], ["3", "4", "5", "?", "17"])
    second = _marked_page(3, ["8", "9", "10", "11"], ["12", "9", "10", "11"])
    _number_marks([before, first, second], 10.0)
    notes = [line.text.split(" ")[0] for line in second.lines if line.size < 9]
    assert notes == ["8", "9", "10", "11"], notes
    assert any("read as 12" in f.detail for f in second.found), second.found


def test_a_note_line_measured_above_its_pitch_is_a_note():
    """The 45-page book's page 37 worn at 200 dpi, Tesseract's ALTO (word boxes only): of its
    note lines, set at a 10.6 pt pitch and measured 8.7 pt, one ('"Online: https //www.example.org/…',
    all ascenders and slashes) measured 12.3 pt, a size the book's headings have: a line of
    another size inside the notes, which cut them in two and left its six notes as two. No type
    is bigger than the pitch it is set at: the line takes the notes' size (the page's lines as
    the whole book measured them: the page read alone clusters otherwise). So does a body line
    measured 18.8 pt at the body's 13 pt pitch (PAGE lines only: its words' boxes guessed from
    the ink), which opened a chapter mid-page."""
    from generator.ingest.scanned import _Line, _settle_runs
    from generator.ingest.sheets import TextLine, Word

    def line(baseline: float, size: float, text: str) -> _Line:
        words = [Word(w, (0, 0, 1, 1)) for w in text.split()]
        made = _Line(TextLine(words, (0, 0, 1, 1)), words, lambda u, v: u, lambda u, v: v, baseline, 0.46 * size, 1.0)
        made.size = size
        return made

    body = [line(69.5 + 13 * k, 10.3, "Forschung hat diese Nischenstrategien erst spät als") for k in range(5)]
    body[2].size = 18.8   # a body line the file gives as text only (PAGE lines only), its size guessed from its ink
    foot = [line(451.0, 8.7, "Vgl. Keller, Neutralität als Praxis, 1966, S. 235."),
            line(461.6, 8.7, "Zürcher – mit anderer Gewichtung – kommt zum selben Schluss; siehe"),
            line(471.2, 8.7, "im Wandel, S. 248–251."),
            line(482.0, 8.7, "Online: https://www.example.org/archiv/455/bericht-153.html (abgerufen"),
            line(491.3, 8.7, "2020)."),
            line(502.5, 12.3, '"Online: https //www.example.org/archiv/354/bericht-170.html (abgerufen'),
            line(511.9, 8.7, "2020)."),
            line(522.7, 8.7, "Vgl. Huber, Neutralität als Praxis, 1960, S. 368,")]
    _settle_runs(body + foot, 10.3)
    assert [one.size for one in foot] == [8.7] * len(foot)
    assert {one.size for one in body} == {10.3}


def test_a_pages_notes_are_numbered_from_the_pages_on_either_side():
    """A worn 200 dpi page (the 45-page book's page 27) between a page ending with note 38 and
    one beginning with 43 reads its four notes "2 13 4 42" and their references "39 0 4 42": the
    pages on either side leave it 39-42, as many numbers as it has notes, so those are its
    notes' and references' numbers (each said). A page they leave more numbers than it has
    notes (a note lost to the one above it) is left as read."""
    labels = _numbered((["Text^37 mehr^38"], ["^37A.", "^38B."]),
                       (["Text^39 mehr^0 und^4 und^42"], ["^2C.", "^13D.", "^4E.", "^42F."]),
                       (["Text^43 mehr"], ["^43G."]))
    assert labels == [["37", "38"], ["39", "40", "41", "42"], ["43"]], labels
    labels = _numbered((["Text^37 mehr^38"], ["^37A.", "^38B."]),
                       (["Text^39 mehr^0 und^4 und^42"], ["^2C.", "^13D.", "^42F."]),
                       (["Text^44 mehr"], ["^44G."]))
    assert labels[1] == ["2", "13", "42"], labels


def test_a_dash_longer_than_the_books_hyphens_is_an_en_dash():
    """Page 6 worn at 200 dpi, Tesseract's ALTO: note 16's "Meier – mit anderer Gewichtung –
    kommt" reads both dashes as hyphens, and its second measures below 0.88 of the x-height
    measured from its blurred line, a hyphen's length by the rule for clean scans; the page's
    line-end hyphens ("vermit-"), measured alike, are about half the type's x-height (the
    book's: 0.45-0.6), and the dash over a quarter longer: an en dash, and the note is as printed."""
    from generator.ingest.writers import clean_text

    _, book = read_scan([WORN / "p-6.xml"], None)
    assert "¹⁶ Meier – mit anderer Gewichtung – kommt zum selben Schluss; siehe Wasserbau und Gemeinde, " \
           "S. 374–377." in clean_text(book).splitlines()


def test_a_line_in_a_headings_size_opens_no_chapter_whose_notes_count_on():
    """A page with a line measured in a heading's size (a worn 200 dpi scan's PAGE lines only:
    sizes guessed from the ink) after a page ending with note 2, whose notes read 3 and 4 and
    whose two raised marks in the text could not be read: its readings count on from 2, not
    from 1, so no chapter opens there, and the marks are 3 and 4, not 1 and 2. A page whose
    readings begin again at 1 opens one."""
    from generator.ingest.scanned import _number_marks, _runs

    def marks(page) -> list[str]:
        return ["".join(c.text for c in run) for line in page.lines if line.size > 9 for run in _runs(line)]

    first = _marked_page(1, ["1", "2"], ["1", "2"])
    second = _marked_page(2, ["?", "?"], ["3", "4"])
    second.lines[0].size = 14.5
    _number_marks([first, second], 10.0)
    assert marks(second) == ["3", "4"], marks(second)
    third = _marked_page(3, ["?", "?"], ["1", "2"])
    third.lines[0].size = 14.5
    _number_marks([_marked_page(1, ["1", "2"], ["1", "2"]), third], 10.0)
    assert marks(third) == ["1", "2"], marks(third)


def test_a_page_citations_space_the_engine_dropped_is_read_in_the_picture(tmp_path):
    """At 200 dpi worn Tesseract reads a page citation's "S. 136." now and then as one word,
    "S.136." (five notes of the 45-page book: a note with one wrong word is lost): the picture
    shows the space after the full stop (a blank of 0.7-1 x-height, where "1.3" has 0.2-0.46),
    so it is two words again, said; a word whose stop has no such blank stays one."""
    from generator.ingest.writers import clean_text

    alto = (WORN / "p-9.xml").read_text(encoding="utf-8")
    apart = ('<String ID="string_241" HPOS="804" VPOS="1462" WIDTH="14" HEIGHT="17" WC="0.82" CONTENT="S."/>'
             '<SP WIDTH="10" VPOS="1462" HPOS="818"/>\n\t\t\t\t\t\t\t<String ID="string_242" HPOS="828" VPOS="1463" '
             'WIDTH="34" HEIGHT="15" WC="0.95" CONTENT="136."/>')
    assert apart in alto
    one = '<String ID="string_241" HPOS="804" VPOS="1462" WIDTH="58" HEIGHT="17" WC="0.82" CONTENT="S.136."/>'
    (tmp_path / "p-9.xml").write_text(alto.replace(apart, one), encoding="utf-8")
    shutil.copy(WORN / "p-9.jpg", tmp_path / "p-9.jpg")
    _, book = read_scan([tmp_path / "p-9.xml"], None)
    assert any(line.endswith("1978, S. 136.") for line in clean_text(book).splitlines()), clean_text(book)
    assert any(e.kind == "space read again" for e in book.events)
    _, book = read_scan([WORN / "p-9.xml"], None)
    assert not any(e.kind == "space read again" for e in book.events)


def test_a_chapters_last_page_of_notes_is_numbered_by_its_own_run_of_references():
    """A chapter's last page with notes (no page after it to number it from) after a page
    ending with note 68, its four notes read "6 13 7 2" and its text's raised numbers
    "5 6 69 70 71 72" (two specks read as marks): the text holds the whole run 69-72 the page
    before leaves it, so its notes are 69-72 (said); the marks, more than its notes, are left."""
    labels = _numbered((["Text^67 mehr^68"], ["^67A.", "^68B."]),
                       (["Text^5 ein^6 mehr^69 und^70 und^71 und^72 Ende"], ["^6C.", "^13D.", "^7E.", "^2F."]))
    assert labels == [["67", "68"], ["69", "70", "71", "72"]], labels
