"""Reading a PDF's pages (generator/ingest/pdf.py, issue 24): in parallel and alone alike, and what
real PDFs put in the way (characters beyond the BMP in halves, accents set as glyphs of their own,
TeX's logos, bookmarks, hyphens of every typesetter)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from generator.diagnostics import Collector
from generator.ingest import pdf
from generator.ingest.pdf import Page, read_pdf

sys.path.insert(0, str(Path(__file__).parent))
import testcorpus
from conftest import write_pdf


def fingerprint(pages: list[Page]) -> list[tuple]:
    """Everything the reader gives, every field of every character."""
    out: list[tuple] = []
    for page in pages:
        out.append((page.index, page.width, page.height, [(g.kind, g.left, g.top, g.right, g.bottom) for g in page.graphics],
                    page.unread))
        for line in page.lines:
            out.append((line.text, line.right, line.hyphen, line.y, line.size,
                        [(c.text, c.x, c.y, c.size, c.style, c.raised, c.index) for c in line.chars]))
    return out


@pytest.fixture
def small_shares(monkeypatch):
    """Shares small enough that a short book is read by several processes, a page at a time."""
    monkeypatch.setattr(pdf, "SHARE", 2)
    monkeypatch.setattr(pdf, "CHUNK", 1)
    # pytest-xdist's worker runs a thread of its own (execnet's): without this the book would be
    # read by one process and these tests would pass without a worker
    monkeypatch.setattr(pdf, "can_fork", lambda: True)


def test_pages_read_by_several_processes_are_the_pages_one_process_reads(small_shares):
    book = testcorpus.pdf("tuning-writer-bank")
    alone = read_pdf(book, None, None, Collector(), jobs=1)
    together = read_pdf(book, None, None, Collector(), jobs=3)
    assert [p.index for p in together] == list(range(1, len(alone) + 1))
    assert fingerprint(together) == fingerprint(alone)
    some = read_pdf(book, 4, 11, Collector(), jobs=2)
    assert fingerprint(some) == fingerprint(alone[3:11])


def test_a_reading_worker_that_dies_leaves_its_pages_to_the_parent(small_shares, monkeypatch):
    def dies(connection, data, chunks, counter, parent):
        pdf.take(counter)     # it took a chunk, and is killed before it sends it
        os._exit(9)

    book = testcorpus.pdf("tuning-typst-bank")
    alone = read_pdf(book, None, None, Collector(), jobs=1)
    monkeypatch.setattr(pdf, "_read_chunks", dies)
    assert fingerprint(read_pdf(book, None, None, Collector(), jobs=2)) == fingerprint(alone)


def test_a_page_that_cannot_be_read_is_an_error_whichever_process_reads_it(small_shares, tmp_path):
    from test_ingest_safety import _hand_made_pdf

    broken = _hand_made_pdf(tmp_path / "loop.pdf", "3 0 R 2 0 R", b"<< /Title (Buch) >>")
    for jobs in (1, 2):
        problems = Collector()
        assert read_pdf(broken, None, None, problems, jobs=jobs) == []
        assert [d.message.split(" (")[0] for d in problems.errors] == ["page 2 cannot be read"]


def typeset(tmp_path: Path, body: str, name: str = "book") -> Path:
    """A one-page PDF from Typst, the body as given (Typst markup)."""
    import typst

    source = tmp_path / f"{name}.typ"
    source.write_text('#set page(width: 300pt, height: 400pt, margin: 30pt)\n#set text(lang: "de", size: 10pt, '
                      'hyphenate: false)\n#set par(justify: true)\n' + body + "\n", encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(typst.compile(str(source)))
    return pdf


def test_a_soft_hyphen_inside_a_line_does_not_break_the_line_at_its_end(tmp_path):
    # Typst writes a word's soft hyphens into the text wherever they stand; only one at the
    # line's end breaks a word there (issue 24: "einer-Untersuchung", "hierbeiversucht")
    book = typeset(tmp_path, "Er sah die Un\\u{00AD}ter\\u{00AD}su\\u{00AD}chung und\\ weiter, dann sah er die\\ "
                             "Unter\\u{00AD}su\\u{00AD}chung und noch mehr Text bis zum Ende dieser Zeile da.")
    lines = read_pdf(book, None, None, Collector())[0].lines
    assert [(line.text, line.hyphen) for line in lines[:2]] == [("Er sah die Untersuchung und", False),
                                                                 ("weiter, dann sah er die", False)]
    assert "\u00ad" not in "".join(line.text for line in lines)


def test_weasyprints_hyphen_where_it_breaks_a_word_is_a_break_hyphen():
    pages = read_pdf(testcorpus.pdf("tuning-weasyprint-bank"), 1, 3, Collector())
    lines = [line for page in pages for line in page.lines]
    broken = [line for line in lines if line.hyphen]
    assert len(broken) > 10 and not any(line.text.endswith("\u2010") for line in lines)
    # the printed line reaches as far as its hyphen does
    full = max(line.right for line in lines if not line.hyphen)
    assert all(line.right > full - 2 for line in broken if line.size == 11.0)


# Helvetica's widths (per 1000) of the characters the hand-set lines below use
WIDTHS = {" ": 278, "M": 833, "i": 222, "t": 278, "T": 611, "E": 667, "X": 667, "u": 556, "n": 556, "d": 556, "L": 556,
          "A": 667, "s": 500, "g": 556, "e": 556, "r": 333, "m": 833, "a": 556, "f": 278, "l": 222, ".": 278,
          "\x93": 333, "\x94": 333, "\xa8": 333, "\xb4": 333}


def hand_set(path: Path, pieces: list[tuple[str, float, float, float]]) -> Path:
    """A one-page PDF whose text objects stand where `pieces` put them: (text, x, baseline, size),
    each set at font size 1 and scaled by its text matrix, as Distiller does. Text is WinAnsi."""
    stream = b"".join(b"BT /F1 1 Tf %.3f 0 0 %.3f %.3f %.3f Tm (%s) Tj ET\n" % (size, size, x, y, text.encode("latin-1"))
                      for text, x, y, size in pieces)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 800] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    return write_pdf(path, objects)


def tex_line(words: list[str], y: float = 700.0, size: float = 12.0) -> list[tuple[str, float, float, float]]:
    """A line as TeX sets it in an OT1 font: "TEX" with the E lowered and kerned in, "LATEX" with
    a small raised A, an umlaut as the letter and a dieresis over it ("f\\"ur"), the German low
    quote as a lowered ” (the typesetter's order: each word's letters, then what it set over them)."""
    pieces: list[tuple[str, float, float, float]] = []
    x = 40.0

    def put(text: str, dx: float = 0.0, dy: float = 0.0, scale: float = 1.0) -> float:
        nonlocal x
        x += dx * size
        pieces.append((text, x, y - dy * size, size * scale))
        x += WIDTHS[text] / 1000 * size * scale
        return x

    for word in words:
        if word == "TEX":
            put("T")
            put("E", -0.1667, 0.215)
            put("X", -0.125)
        elif word == "LATEX":
            put("L")
            put("A", -0.36, -0.2, 0.7)
            put("T", -0.15)
            put("E", -0.1667, 0.215)
            put("X", -0.125)
        elif word == "„german“":
            put("\x94", 0, 0.55)
            for letter in "german":
                put(letter)
            put("\x93")
        else:
            accents = []
            for letter in word:
                if letter in "üä":
                    start = x
                    put({"ü": "u", "ä": "a"}[letter])
                    accents.append(start + (WIDTHS["u"] - WIDTHS["\xa8"]) / 2000 * size)
                else:
                    put(letter)
            for where in accents:   # set after the word, as dvips does, back over the letter
                pieces.append(("\xa8", where, y + 0.05 * size, size))
        put(" ")
    return pieces


def test_tex_logos_accents_and_low_quotes_set_from_pieces_are_read_as_words(tmp_path):
    # an old dvips/Distiller PDF (gerdoc.pdf of Debian's texlive-lang-german): "fur¨", "T E X"
    # as lines of their own, „ as a lowered ”, every font at size 1 scaled by its matrix
    words = ["Mit", "TEX", "und", "LATEX", "sind", "„german“", "für", "alle", "Länder."]
    book = hand_set(tmp_path / "dvips.pdf", tex_line(words))
    page = read_pdf(book, None, None, Collector())[0]
    assert [line.text for line in page.lines] == ["Mit TeX und LaTeX sind „german“ für alle Länder."]
    assert page.lines[0].size == 12.0                  # the matrix's scale, not PDFium's size 1
    assert {r.rule for r in page.repairs} == {pdf.ACCENT_RULE, pdf.QUOTE_RULE, pdf.LOGO_RULE}
    assert all(r.line == 1 for r in page.repairs)
    assert page.repairs[0].printed.count("\xa8") == 2


def test_an_accent_that_stands_on_its_own_stays_a_character(tmp_path):
    # a backtick or a dieresis in code has its own place: nothing under it to compose with
    book = hand_set(tmp_path / "code.pdf", [("Mit \xa8 und \xb4 .", 40, 700, 12)])
    page = read_pdf(book, None, None, Collector())[0]
    assert [line.text for line in page.lines] == ["Mit \u00a8 und \u00b4 ."] and page.repairs == []


def test_a_character_beyond_the_bmp_in_two_halves_is_one_and_a_lone_half_a_hinweis(tmp_path):
    # LuaTeX writes some characters as UTF-16 pairs PDFium gives as two characters ("2\ud835\udf00",
    # dtk-bibliography.pdf); a half alone could not be written at all ("surrogates not allowed")
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def /CMapType 2 def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"3 beginbfchar\n<41> <0041>\n<42> <D835DF00>\n<43> <D835>\nendbfchar\nendcmap CMapName currentdict /CMap "
            b"defineresource pop end end")
    book = hand_set(tmp_path / "lua.pdf", [("ABA CA", 40, 700, 12)])
    data = book.read_bytes().replace(b"/Encoding /WinAnsiEncoding", b"/ToUnicode 6 0 R")
    data = data.replace(b"xref\n", b"6 0 obj\n<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream\nendobj\nxref\n")
    book.write_bytes(data)      # PDFium finds the object without the cross-reference table's help
    page = read_pdf(book, None, None, Collector())[0]
    assert [line.text for line in page.lines] == ["A\U0001d700A \ufffdA"]
    assert [(d.line, d.printed) for d in page.unread] == [(1, "A\U0001d700A \ufffdA")]
    "".join(line.text for line in page.lines).encode("utf-8")   # writable


def test_the_pdfs_bookmarks_are_read_with_their_levels_and_pages(tmp_path):
    book = typeset(tmp_path, "= Erstes Kapitel\nText.\n== Ein Abschnitt\nMehr.\n#pagebreak()\n= Zweites Kapitel\nEnde.")
    assert pdf.outline(book, Collector()) == [(1, "Erstes Kapitel", 1), (2, "Ein Abschnitt", 1), (1, "Zweites Kapitel", 2)]
    from generator.ingest import readers

    source = readers.read(readers.PDF, [book], None, Collector())
    assert [(b.level, b.title, b.page) for b in source.outline] == [(1, "Erstes Kapitel", 1), (2, "Ein Abschnitt", 1),
                                                                   (1, "Zweites Kapitel", 2)]


def test_bookmarks_that_loop_or_lead_nowhere_or_are_not_text_are_read_as_far_as_they_go(tmp_path):
    book = hand_set(tmp_path / "marks.pdf", [("Mit", 40, 700, 12)])
    data = book.read_bytes().replace(b"/Pages 2 0 R >>", b"/Pages 2 0 R /Outlines 7 0 R >>", 1)
    marks = [b"<< /Type /Outlines /First 8 0 R /Last 9 0 R >>",
             b"<< /Title <FEFF0045D800006E> /Parent 7 0 R /Next 9 0 R /Dest [3 0 R /XYZ 0 800 0] >>",   # a lone half
             b"<< /Title (Zwei) /Parent 7 0 R /Next 8 0 R /Dest [99 0 R /XYZ 0 800 0] >>"]           # loops, leads nowhere
    extra = b"".join(b"%d 0 obj\n%s\nendobj\n" % (number, body) for number, body in zip((7, 8, 9), marks, strict=True))
    book.write_bytes(data.replace(b"xref\n", extra + b"xref\n"))
    problems = Collector()
    assert pdf.outline(book, problems) == [(1, "E\ufffdn", 1), (1, "Zwei", None)]
    assert [d.message for d in problems.warnings] == ["the PDF's bookmarks loop: read up to where they come back"]


def test_an_options_hyphens_are_read_as_printed():
    """Typst's "--purge": PDFium gives one '-' and a space it makes up for the second glyph,
    which has no text (the gap is a hyphen's width, where Typst writes its spaces as characters);
    a hyphen after a space at a line's end breaks no word ("von --|force-help", "Schalter -|w"),
    though PDFium marks it as a break."""
    from generator.ingest.layout import build_book

    pages = read_pdf(testcorpus.pdf("tuning-typst-paket"), None, None, Collector())
    lines = {line.text for page in pages for line in page.lines}
    assert any("dpkg --purge" in text for text in lines) and not any("dpkg - purge" in text for text in lines)
    ends = [line for page in pages for line in page.lines if line.text.endswith((" von -", " Schalter -"))]
    assert len(ends) == 2 and not any(line.hyphen for line in ends)
    book = build_book(pages)
    text = "\n".join(r.text for c in book.chapters for b in c.blocks for r in b.inlines if hasattr(r, "text"))
    assert "mit Hilfe von -force-help" in text and "den Schalter -w (Langform" in text
    assert "vonforce-help" not in text and "Schalter-w" not in text
    # TeX writes no spaces: a hyphen and a generated space stay as they are there
    latex = read_pdf(testcorpus.pdf("tuning-pdflatex-paket"), None, None, Collector())
    gold = testcorpus.gold("tuning-pdflatex-paket")
    printed = " ".join(line.text for page in latex for line in page.lines)
    assert printed.count("---") == 0 and printed.count(" -- ") <= str(gold).count(" -- ")
