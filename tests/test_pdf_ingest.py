"""PDF ingest: typeset test books (Typst, pdfLaTeX) → `edition ingest book.pdf` → an edition.

The books are typeset once per session from the model in books.py, with the gold text derived
from the same model. The held-out books (another sentence bank, other seeds and layouts) carry
the issue's targets.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import zlib
from pathlib import Path

import books
import endnote_books
import pytest
import testcorpus
from conftest import jing, run_cli, run_on_terminal

from generator.diagnostics import Collector
from generator.ingest.layout import build_book
from generator.ingest.model import Mark
from generator.ingest.pdf import read_pdf
from generator.ingest.proof import proofread
from generator.markup import literal


@pytest.fixture(scope="session")
def ingested(typeset):
    done: dict[str, object] = {}

    def get(name: str):
        if name not in done:
            pdf, _ = typeset(name)
            done[name] = build_book(read_pdf(pdf, None, None, Collector()))
        return done[name]
    return get


@pytest.mark.parametrize("name", list(books.BOOKS))
def test_book_meets_the_targets(name, typeset, ingested):
    _, gold = typeset(name)
    score = books.score_text(gold, books.tool_chapters(ingested(name)))
    assert score["headings_ratio"] == 1.0 and score["headings_false"] == 0, score
    assert score["notes"] >= 0.95 and score["refs"] >= 0.95, score
    assert score["break_recall"] >= 0.9 and score["break_precision"] >= 0.9, score
    assert score["word_accuracy"] >= 0.995, score
    assert score["extra_words"] <= score["words"] / 1000, score   # no running head, folio or note number left
    book = ingested(name)
    body = "\n".join(b["text"] for c in books.tool_chapters(book) for b in c["blocks"])
    removed = [e.detail for e in book.events if e.kind in ("running head removed", "running foot removed")]
    assert removed and not [r for r in removed if len(r.split()) > 1 and r in body]   # folios: extra_words above


@pytest.mark.parametrize("name", ["tuning-typst", "heldout-latex"])
def test_every_page_gets_its_print_number(name, typeset, ingested):
    _, gold = typeset(name)
    book = ingested(name)
    in_text = [m.label for c in book.chapters for b in c.blocks for m in b.inlines if isinstance(m, Mark)]
    marks = in_text + [m.label for c in book.chapters for n in c.notes for m in n.inlines if isinstance(m, Mark)]
    body_pages = [book.folios[p] for p in sorted({b.page for c in book.chapters for b in c.blocks})]
    assert "?" not in marks
    assert set(body_pages) <= set(marks)
    with_text = {book.folios[page] for (page, _), role in book.roles.items() if role in ("body", "note")}
    with_text -= {book.folios[b.page] for b in book.left_out[0].blocks} if book.left_out else set()
    assert sorted(in_text, key=_order) == in_text and len(set(in_text)) == len(in_text)
    assert set(marks) == with_text                            # every page with text, none twice, none invented
    arabic = sorted(int(m) for m in set(marks) if m.isdigit())
    assert arabic[0] == 1 and len(arabic) >= arabic[-1] - 2   # blank pages (before a chapter) need no marker
    if gold["layout"]["front"]:
        assert "i" in marks                                  # the preface's roman page


def _order(label: str) -> tuple[int, int]:
    return (1, int(label)) if label.isdigit() else (0, len(label))


def test_ingest_then_build_gives_the_edition(typeset, tmp_path):
    pdf, gold = typeset("heldout-typst")
    content = tmp_path / "content"
    result = run_cli("ingest", str(pdf), "--into", str(content))
    assert result.returncode == 0, result.stderr
    chapters = sorted(content.glob("*.md"))
    titles = [c["title"] for c in gold["chapters"]]
    # each chapter's title is its '# ' heading (its print pages are its page markers: no front matter)
    assert [f.read_text(encoding="utf-8").split("\n")[0] for f in chapters] == ["# " + literal(t) for t in titles]
    assert chapters[0].name == "001-vorwort.md" and chapters[1].name.startswith("002-")
    assert not any("inhalt" in f.name for f in chapters)                    # the contents page is left out
    report = json.loads((content / "review" / "heldout-typst.report.json").read_text(encoding="utf-8"))
    assert "Inhalt" in report["left_out"]
    summary = (content / "review" / "heldout-typst.report.md").read_text(encoding="utf-8")
    assert re.search(r"^\| \d+–\d+ \| 1–\d+ \|$", summary, re.M)     # pages in runs, not a row each
    # every printed line with its place and what it was taken for, the running heads too (the
    # text as printed, for a diplomatic view)
    geometry = json.loads((content / "review" / "heldout-typst.lines.json").read_text(encoding="utf-8"))
    assert [p["pdf_page"] for p in geometry["pages"]] == [p["pdf_page"] for p in report["pages"]]
    lines = [line for p in geometry["pages"] for line in p["lines"]]
    heads = {e["detail"] for e in report["events"] if e["kind"] == "running head removed"}
    assert heads and {line["text"] for line in lines if line["role"] == "head"} == heads
    assert {"body", "note"} <= {line["role"] for line in lines} and geometry["version"] == 2
    assert all(0 <= line["box"][0] < line["box"][2] <= 1 and 0 <= line["box"][1] < line["box"][3] <= 1 for line in lines)
    text = "".join(f.read_text(encoding="utf-8") for f in chapters)
    assert not re.search(r"[a-zäöüß]\{\{page [^}]+\}\}[a-zäöüß]", text)        # no word cut by a page marker
    assert re.search(r"^(\{\{page \d+\}\})?\{\{add Abbildung\}\} Abb\. 1:", text, re.M) and any(e["kind"] == "figure" for e in report["events"])
    config = (content / "edition.toml").read_text(encoding="utf-8")
    assert f'title = "{gold["title"]}"' in config and 'authors = ["Beispiel, Hanna"]' in config   # from the PDF's own facts
    site = tmp_path / "site"
    built = run_cli("build", "--content", str(content), "--out", str(site), "--no-search")
    assert built.returncode == 0, built.stderr
    page = (site / chapters[1].stem / "index.html").read_text(encoding="utf-8")
    assert "popover" in page and 'class="page' in page
    # its TEI is valid too: lists, quotes and figure placeholders from a real layout
    teis = sorted(site.rglob("*.tei.xml"))
    checked = jing(*teis)
    assert checked.returncode == 0, checked.stdout
    assert "<list" in "".join(t.read_text(encoding="utf-8") for t in teis)


def test_emphasis_comes_through_as_markdown(typeset, tmp_path):
    pdf, gold = typeset("tuning-typst")
    content = tmp_path / "content"
    assert run_cli("ingest", str(pdf), "--into", str(content)).returncode == 0
    text = " ".join(f.read_text(encoding="utf-8") for f in content.glob("*.md"))
    phrases = [e for c in gold["chapters"] for e in c["emphasis"]]
    assert phrases
    marker = {"em": "*", "spaced": "*", "strong": "**"}
    found = sum(f"{marker[e['kind']]}{e['text']}{marker[e['kind']]}" in text for e in phrases)
    assert found / len(phrases) >= 0.95, (found, len(phrases))


def test_true_hyphens_stay_and_breaks_go(typeset, ingested):
    book = ingested("tuning-latex")
    text = " ".join(books.tool_chapters(book)[i]["blocks"][j]["text"] for i in range(len(book.chapters))
                    for j in range(len(book.chapters[i].blocks)))
    assert "EU-Mitgliedstaaten" in text and "UNO-Friedensmissionen" in text and "In- und Ausland" in text
    joined = [c for c in book.changes if c.rule.startswith("line-end hyphen removed")]
    assert joined and all("-" not in c.clean for c in joined)


def test_reingest_keeps_names_and_the_editors_work(typeset, tmp_path):
    pdf, _ = typeset("tuning-typst")
    content = tmp_path / "content"
    assert run_cli("ingest", str(pdf), "--into", str(content)).returncode == 0
    edited = content / "002-einleitung-und-fragestellung.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nVom Herausgeber ergänzt.\n", encoding="utf-8")
    config = content / "edition.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('publisher = ""', 'publisher = "Musterverlag"'),
                      encoding="utf-8")
    again = run_cli("ingest", str(pdf), "--into", str(content))
    assert again.returncode == 0, again.stderr
    assert "Vom Herausgeber ergänzt." in edited.read_text(encoding="utf-8")
    assert "kept: edited by hand" in again.stdout
    assert 'publisher = "Musterverlag"' in config.read_text(encoding="utf-8")
    assert sorted(p.name for p in content.glob("*.md"))[0] == "001-vorwort.md"
    forced = run_cli("ingest", str(pdf), "--into", str(content), "--force")
    assert forced.returncode == 0 and "Vom Herausgeber" not in edited.read_text(encoding="utf-8")


def test_the_editors_decisions_apply_at_every_ingest(typeset, tmp_path):
    pdf, _ = typeset("tuning-typst")
    content = tmp_path / "content"
    assert run_cli("ingest", str(pdf), "--into", str(content)).returncode == 0
    assert "[[replace]]" in (content / "decisions.toml").read_text(encoding="utf-8")   # a template, explained
    (content / "decisions.toml").write_text('[[replace]]\nraw = "Großmächte"\nclean = "Grossmächte"\n'
                                            '[[replace]]\nraw = "Nirgendwo"\nclean = "Irgendwo"\n', encoding="utf-8")
    again = run_cli("ingest", str(pdf), "--into", str(content))
    assert again.returncode == 0, again.stderr
    text = "".join(f.read_text(encoding="utf-8") for f in content.glob("*.md"))
    assert "Grossmächte" in text and "Großmächte" not in text
    assert "decision matches nothing: replace 'Nirgendwo'" in again.stdout
    report = json.loads((content / "review" / "tuning-typst.report.json").read_text(encoding="utf-8"))
    assert any(c["rule"] == "editor's decision (decisions.toml)" for c in report["changes"])


def test_a_file_ingest_did_not_write_is_refused(typeset, tmp_path):
    pdf, _ = typeset("tuning-typst")
    content = tmp_path / "content"
    content.mkdir()
    mine = content / "001-vorwort.md"
    mine.write_text("# Mein Vorwort\n", encoding="utf-8")
    result = run_cli("ingest", str(pdf), "--into", str(content))
    assert result.returncode == 1
    assert f"{mine}: error: exists and was not written by ingest" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in content.iterdir()) == ["001-vorwort.md"]       # nothing half-written
    assert mine.read_text(encoding="utf-8") == "# Mein Vorwort\n"


def test_clean_prints_the_reading_text(typeset):
    pdf, gold = typeset("heldout-typst")
    result = run_cli("clean", str(pdf), "--pages", "3-6")
    assert result.returncode == 0, result.stderr
    first = gold["chapters"][1]
    assert result.stdout.startswith(first["title"] + "\n\n" + first["blocks"][0]["text"] + "\n\n")
    assert re.search(r"^¹ \S", result.stdout, re.M)                       # notes after the text, numbered as printed


# ---- bad input ----

def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _typst(tmp_path: Path, source: str, name: str) -> Path:
    import typst

    (tmp_path / f"{name}.typ").write_text(source, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(typst.compile(str(tmp_path / f"{name}.typ")))
    return pdf


def _refused(result, path: Path, message: str, content: Path) -> None:
    assert result.returncode == 1, result.stdout
    assert f"{path}: error: " in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not content.exists()


def test_a_scan_without_text_layer_asks_for_ocr(tmp_path):
    (tmp_path / "scan.png").write_bytes(_png(40, 60))
    pdf = _typst(tmp_path, '#set page(paper: "a6")\n#image("scan.png", width: 100%)\n#pagebreak()\n'
                           '#image("scan.png", width: 100%)\n', "scan")
    _refused(run_cli("ingest", str(pdf), "--into", str(tmp_path / "c")), pdf, "has no text layer", tmp_path / "c")


def test_a_blank_book_is_refused(tmp_path):
    pdf = _typst(tmp_path, '#set page(paper: "a6")\n#pagebreak()\n', "blank")
    _refused(run_cli("ingest", str(pdf), "--into", str(tmp_path / "c")), pdf, "no text on any page", tmp_path / "c")


def test_damaged_and_encrypted_pdfs_are_refused(typeset, tmp_path):
    pdf, _ = typeset("tuning-typst")
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    _refused(run_cli("ingest", str(damaged), "--into", str(tmp_path / "c")), damaged, "not a readable PDF", tmp_path / "c")
    pypdf = pytest.importorskip("pypdf") if not os.environ.get("CI") else __import__("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(pdf))
    writer.encrypt("geheim", algorithm="RC4-128")  # RC4: no cryptography package needed
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    _refused(run_cli("ingest", str(locked), "--into", str(tmp_path / "c")), locked, "encrypted", tmp_path / "c")


def test_pages_outside_the_book_are_refused(typeset, tmp_path):
    pdf, _ = typeset("tuning-typst")
    _refused(run_cli("ingest", str(pdf), "--pages", "30-900", "--into", str(tmp_path / "c")), pdf,
             "outside the book", tmp_path / "c")
    _refused(run_cli("ingest", str(pdf), "--pages", "zwei", "--into", str(tmp_path / "c")), pdf,
             "give PDF pages as A-B", tmp_path / "c")


def test_two_columns_are_refused_not_read_across(tmp_path):
    prose = " ".join((books.BANKS / "prose-heldout.txt").read_text(encoding="utf-8").split("\n")[:20])
    pdf = _typst(tmp_path, f'#set page(paper: "a4", columns: 2)\n#set text(lang: "de")\n= Kapitel\n{prose}\n\n{prose}\n',
                 "columns")
    _refused(run_cli("ingest", str(pdf), "--into", str(tmp_path / "c")), pdf, "two columns", tmp_path / "c")


def test_a_missing_decisions_file_is_an_error(typeset, tmp_path):
    pdf, _ = typeset("tuning-typst")
    missing = tmp_path / "nowhere.toml"
    _refused(run_cli("ingest", str(pdf), "--decisions", str(missing), "--into", str(tmp_path / "c")), missing,
             "no such decisions file", tmp_path / "c")


def test_typesetters_are_there_in_ci():
    if os.environ.get("CI"):
        assert shutil.which("pdflatex"), ".ci/run must install texlive"


def test_a_terminal_sees_the_pages_being_read_and_a_pipe_does_not(typeset, tmp_path):
    pdf, _ = typeset("tuning-typst")
    code, out, shown = run_on_terminal("clean", str(pdf))
    assert code == 0
    assert b"reading the PDF: page" in shown and shown.endswith(b"\r\x1b[K")   # the line is cleared at the end
    assert b"reading the PDF" not in out                                          # the text itself stays clean
    piped = run_cli("clean", str(pdf))
    assert "reading the PDF" not in piped.stderr


def test_a_chapter_opening_without_a_folio_is_numbered_from_its_neighbours(tmp_path):
    """Many books print no page number on a chapter's first page: it is counted from the pages
    around it, and the report says so."""
    prose = " ".join((books.BANKS / "prose-tuning.txt").read_text(encoding="utf-8").split("\n")[:30])
    chapters = "".join(f"= Kapitel {n}\n\n{prose}\n\n{prose}\n\n" for n in ("Eins", "Zwei", "Drei"))
    pdf = _typst(tmp_path, '#let opening() = query(heading.where(level: 1)).any(h => h.location().page() == here().page())\n'
                           '#set page(paper: "a6", margin: (top: 22mm), numbering: "1", footer: none, header: context {\n'
                           '  if not opening() { [Probe #h(1fr) #counter(page).display()] } })\n'
                           '#show heading.where(level: 1): it => { pagebreak(weak: true); text(size: 16pt, it.body) }\n'
                           '#set text(lang: "de")\n#set par(justify: true)\n' + chapters, "openings")
    book = build_book(read_pdf(pdf, None, None, Collector()))
    inferred = [e for e in book.events if e.kind == "page number inferred"]
    openings = [c.blocks[0].inlines[0] for c in book.chapters]
    assert len(inferred) == 3 and [m.label for m in openings if isinstance(m, Mark)] == [e.print_page for e in inferred]
    marks = [m.label for c in book.chapters for b in c.blocks for m in b.inlines if isinstance(m, Mark)]
    assert marks == [str(n) for n in range(1, len(marks) + 1)]      # every page, in order, none missing


def test_a_hyphen_the_book_prints_elsewhere_stays_at_a_line_end(tmp_path):
    """'historisch-' at a line end stays when the book prints 'historisch-kritischen' whole;
    'voraus-', which it never prints so, is the typesetter's and goes."""
    pdf = _typst(tmp_path, '#set page(paper: "a6")\n#set text(lang: "de")\n'
                           "Die historisch-kritischen Ausgaben und die historisch-kritischen Kommentare sind da.\n\n"
                           "Eine historisch-\\\nkritischen Arbeit ist voraus-\\\nsichtlich selten.\n", "hyphens")
    book = build_book(read_pdf(pdf, None, None, Collector()))
    text = " ".join(books.tool_chapters(book)[0]["blocks"][k]["text"] for k in range(len(book.chapters[0].blocks)))
    assert "Eine historisch-kritischen Arbeit ist voraussichtlich selten." in text


def test_a_line_end_hyphen_is_kept_on_the_lines_own_evidence(tmp_path):
    """Issue 24, item 4: a true hyphen at a line end stays where the book never prints the word
    elsewhere: a compound of two dictionary words that is none joined ("historisch-|kritischen",
    "Debian-|spezifischen"), a name's part the book joins with a hyphen in other names ("apt-|cache"
    beside "apt-get", "no-|summary" beside "show-summary", a path's "/etc/dpkg-|www.conf" beside
    "dpkg-query"). A break goes where the joined form is a word ("Den-|noch" is no suspended
    compound: "dennoch"), and a noun's compound is one word ("Linux-|system" beside "Linux-Kernel")."""
    pdf = _typst(tmp_path, '#set page(paper: "a6")\n#set text(lang: "de")\n'
                           "Mit apt-get und show-summary und Linux-Kernel und dpkg-query arbeiten wir hier.\n\n"
                           "Eine historisch-\\\nkritischen Arbeit mit Debian-\\\nspezifischen Patches und apt-\\\n"
                           "cache und dem Wert no-\\\nsummary und dem Linux-\\\nsystem. Den-\\\nnoch geht es in "
                           "/etc/dpkg-\\\nwww.conf.\n",
                "true-hyphens")
    book = build_book(read_pdf(pdf, None, None, Collector()))
    text = " ".join(books.tool_chapters(book)[0]["blocks"][k]["text"] for k in range(len(book.chapters[0].blocks)))
    assert "Eine historisch-kritischen Arbeit mit Debian-spezifischen Patches und apt-cache und dem Wert " \
           "no-summary und dem Linuxsystem. Dennoch geht es in /etc/dpkg-www.conf." in text, text
    kept = {c.clean: c.evidence for c in book.changes if c.rule == "true hyphen kept"}
    assert "the book prints 'apt-' in other hyphenated words" in kept["apt-cache"]
    assert "(de_CH dictionary)" in kept["historisch-kritischen"]


def test_an_option_the_book_prints_once_is_joined_to_its_dash(tmp_path):
    """A '-' after a space at a line end begins an option or a suffix ("dpkg -|ihv", "Suffixe
    -|common") in a book that prints options and never a hyphen between words; where the book
    sets a dash as '-' between words, "Sie -|he" keeps its space."""
    options = "Mit -f und --purge geht es.\n\nDie Suffixe -\\\ncommon und -data und dpkg -\\\nihv hier.\n"
    pdf = _typst(tmp_path, '#set page(paper: "a6")\n#set text(lang: "de")\n' + options, "options")
    book = build_book(read_pdf(pdf, None, None, Collector()))
    text = " ".join(books.tool_chapters(book)[0]["blocks"][k]["text"] for k in range(len(book.chapters[0].blocks)))
    assert "Die Suffixe -common und -data und dpkg -ihv hier." in text, text
    dash = _typst(tmp_path, '#set page(paper: "a6")\n#set text(lang: "de")\n' + options.replace("geht es", "geht - es"),
                  "dash")
    book = build_book(read_pdf(dash, None, None, Collector()))
    text = " ".join(books.tool_chapters(book)[0]["blocks"][k]["text"] for k in range(len(book.chapters[0].blocks)))
    assert "Die Suffixe - common und -data und dpkg - ihv hier." in text, text


def test_a_break_hyphen_set_apart_is_taken_out_by_the_words_evidence(tmp_path):
    """A hyphen a space apart at a line end that the geometry did not tell for a break ("be
    -|rücksichtigt"): the word before it and the next line's make a word, which the reading text
    has whole, and the report lists the repair; a dash before a word that makes none stays."""
    pdf = _typst(tmp_path, '#set page(paper: "a6")\n#set text(lang: "de")\n'
                           "Das wird be -\\\nrücksichtigt und Sie -\\\nhe oben, er kam -\\\nund ging.\n", "apart")
    book = build_book(read_pdf(pdf, None, None, Collector()))
    text = books.tool_chapters(book)[0]["blocks"][0]["text"]
    assert text == "Das wird berücksichtigt und Siehe oben, er kam - und ging.", text
    repair = next(c for c in book.changes if c.raw == "be -|rücksichtigt")
    assert (repair.clean, repair.rule) == ("berücksichtigt", "line-end hyphen removed")


def test_a_zero_width_space_is_no_space_in_the_reading_text(tmp_path):
    """Typst may break a line at a zero-width space inside a word: the word reads whole, not
    "…schiffahrts gesellschafts…"; the invisible character is left out of the text (search finds
    "Beispiel"), and the join is a repair the report lists, no Hinweis."""
    pdf = _typst(tmp_path, '#set page(width: 6cm, height: auto, margin: 5mm)\n#set text(lang: "de", hyphenate: false)\n'
                           "Ein Bei\u200bspiel und Donau\u200bdampfschiffahrts\u200bgesellschafts\u200bkapitän"
                           "\u200bsmütze im Paket libqwertz\u200bzuiopasdfgh\u200bjklyxcvbnm hier.\n", "zerowidth")
    book = build_book(read_pdf(pdf, None, None, Collector()))
    proofread(book)
    text = books.tool_chapters(book)[0]["blocks"][0]["text"]
    assert text == "Ein Beispiel und Donaudampfschiffahrtsgesellschaftskapitänsmütze im Paket " \
                   "libqwertzzuiopasdfghjklyxcvbnm hier."
    assert {c.rule for c in book.changes} == {"joined at a zero-width space"}
    assert not [e for e in book.events if e.kind == "warning"]


def test_a_letter_spaced_word_after_a_plain_one_keeps_the_space_between_them(ingested):
    """Where a line's word space is as wide as the tracking, the letter before a letter-spaced
    word ends a plain word ("Auf i h n e n" is "Auf *ihnen*", not "Aufihnen")."""
    book = ingested("unseen-typst")
    text = " ".join(books.tool_chapters(book)[k]["blocks"][n]["text"] for k in range(len(book.chapters))
                    for n in range(len(book.chapters[k].blocks)))
    assert "Aufihnen" not in text and text.count("Auf ihnen") >= 1
    # and a letter-spaced word the geometry split is the word the book prints elsewhere
    assert "Gewässer verschmutzung" not in text and "Gewässerverschmutzung" in text


@pytest.mark.parametrize(("name", "page", "printed"), [
    ("tuning-writer-bank", 11, "Bankgeheimnis be-"),        # Writer sets the break hyphen a space apart
    ("tuning-lualatex-bank", 6, "Manche se-"),              # a letter-spaced word broken, its hyphen spaced too
    ("tuning-weasyprint-bank", 16, "Die Ar\u2010"),         # the same with WeasyPrint's U+2010
    ("tuning-pdflatex-bank", 3, "Neuere Arbeiten fragen"),   # a kerned pair in letter-spaced text ("b|e")
    ("tuning-typst-bank", 2, "Banken, Versicherungen und"),  # a kerned pair PDFium left together ("Ve r s i …")
    ("tuning-typst-paket-endnotes", 15, "Hier sehen Sie obigen"),   # a word space only a little wider than the tracking
])
def test_letter_spaced_words_and_a_hyphen_set_apart_read_as_printed(name, page, printed):
    """Letter-spacing read from the geometry: a word's letters are one word however the tracking
    and the kerning set them; a hyphen at a line end as far from its letters as they are from
    each other (or nearer than a word space) ends the word, it is no dash. One page each."""
    path = endnote_books.pdf(name) if name in endnote_books.BOOKS else testcorpus.pdf(name)
    lines = [line.text for line in read_pdf(path, page, page, Collector(), jobs=1)[0].lines]
    assert any(printed in text for text in lines), [t for t in lines if printed.split()[0] in t]


def _prose() -> list[str]:
    return (books.BANKS / "prose-heldout.txt").read_text(encoding="utf-8").split("\n")


def _ingested(pdf: Path, content: Path) -> Path:
    """`edition ingest` of `pdf` into `content`, as a user runs it: it must succeed."""
    result = run_cli("ingest", str(pdf), "--into", str(content))
    assert result.returncode == 0, result.stderr
    return content


def _builds_strictly(content: Path) -> None:
    """What ingest wrote passes the publishing workflow's check (warnings are errors)."""
    checked = run_cli("check", "--content", str(content), "--strict")
    assert checked.returncode == 0, checked.stderr


def test_folios_with_the_books_page_count_and_a_table_run_off_the_page_ingest_and_build(tmp_path):
    # Two things DocBook's PDFs (Debian's manuals) do: a foot "Titel 240 / 248" (the page, then the
    # book's count: the count is no page number; taken for one, every page was "248" and the build
    # refused the book) and a table longer than its page, whose last rows stand below the page's
    # edge (ingest failed with "box … is not inside the page"). Those rows are in the PDF's text: kept,
    # with a Hinweis, as no reader of the print sees them.
    prose = " ".join(_prose()[:6])
    pdf = _typst(tmp_path, '#set document(title: "Paketbuch", author: "Muster, Maria")\n'
                           '#set page(paper: "a5", footer: context align(center)[Paketbuch #counter(page).display("1 / 1", '
                           'both: true)])\n#set text(lang: "de")\n= Erstes Kapitel\n'
                           f'{prose}\n#place(bottom + left, dy: 60pt)[Unsichtbare Tabellenzeile]\n#pagebreak()\n{prose}\n'
                           f'#pagebreak()\n{prose}\n', "docbook")
    content = _ingested(pdf, tmp_path / "c")
    chapter = next(content.glob("*.md")).read_text(encoding="utf-8")
    assert re.findall(r"\{\{page (\d+)\}\}", chapter) == ["1", "2", "3"]
    assert "/ 3" not in chapter and "Paketbuch" not in chapter
    assert "Unsichtbare Tabellenzeile" in chapter
    report = next((content / "review").glob("*.report.md")).read_text(encoding="utf-8")
    hinweise = report.split("## Hinweise", 1)[1].split("\n## ", 1)[0]
    assert "außerhalb der Seite gesetzt" in hinweise and "Unsichtbare Tabellenzeile" in hinweise
    _builds_strictly(content)


def test_front_matter_keeps_its_preface_and_parts_named_with_their_label_are_chapters(tmp_path):
    # DocBook's books (Debian's "Debian-Paketmanagement"): the outline names the parts "I Konzepte"
    # where the print sets "Teil I" above "Konzepte", and names nothing before them. The parts were
    # not matched (the whole book became one chapter "Ohne Überschrift"), and front matter holding
    # a contents was left out whole as "a table of contents", its preface with it, silently.
    prose = _prose()
    pdf = _typst(tmp_path, '#set document(title: "Das Paketbuch", author: "Muster, Maria")\n'
                           '#set page(paper: "a5", numbering: "1")\n#set text(lang: "de", size: 10pt)\n'
                           '#set heading(numbering: "I")\n'
                           '#show heading.where(level: 1): it => { pagebreak(weak: true); block(text(size: 16pt, '
                           'weight: "bold")[Teil #counter(heading).display("I")]); block(text(size: 16pt, weight: '
                           '"bold", it.body)) }\n'
                           '#align(center)[#text(size: 22pt)[Das Paketbuch] \\ #text(size: 12pt)[Maria Muster]]\n'
                           '#pagebreak()\n#heading(level: 2, numbering: none, outlined: false, bookmarked: false)'
                           '[Inhaltsverzeichnis]\n#outline(title: none)\n#pagebreak()\n'
                           '#heading(level: 2, numbering: none, outlined: false, bookmarked: false)[Über dieses Buch]\n'
                           f'{" ".join(prose[:8])}\n= Konzepte\n{" ".join(prose[8:14])}\n= Werkzeuge\n'
                           f'{" ".join(prose[14:20])}\n', "parts")
    content = _ingested(pdf, tmp_path / "c")
    titles = [path.read_text(encoding="utf-8").split("\n", 1)[0] for path in sorted(content.glob("*.md"))]
    assert titles == ["# Das Paketbuch", "# Konzepte", "# Werkzeuge"]
    front = next(content.glob("001-*.md")).read_text(encoding="utf-8")
    assert "Über dieses Buch" in front and prose[0].split()[0] in front   # the preface, whole
    assert "Inhaltsverzeichnis" not in front and ". . ." not in front   # the contents left out
    assert "{{page 2}}" not in front and "{{page 3}}" in front
    _builds_strictly(content)


def test_the_text_before_the_first_chapter_is_the_books_titelei_and_a_book_without_headings_is_untitled(tmp_path):
    # A title page and an imprint stand before the first chapter heading; ingest named that chapter
    # "Ohne Überschrift" (file "001-kapitel.md"), as if a heading were lost. It is the front matter,
    # in German bibliography the "Titelei": named so, as the editor's title. A text with no heading
    # at all is no front matter: it stays untitled for the editor to name.
    prose = _prose()
    pdf = _typst(tmp_path, '#set document(title: "Das Buch", author: "Muster, Maria")\n'
                           '#set page(paper: "a5", numbering: "1")\n#set text(lang: "de", size: 10pt)\n'
                           '#show heading.where(level: 1): it => { pagebreak(weak: true); text(size: 16pt, it) }\n'
                           '#align(center)[#text(size: 22pt)[Das Buch] \\ #text(size: 12pt)[Maria Muster]]\n'
                           f'#pagebreak()\n{" ".join(prose[:3])}\n= Einleitung\n{" ".join(prose[3:8])}\n'
                           f'= Schluss\n{" ".join(prose[8:12])}\n', "titelei")
    content = _ingested(pdf, tmp_path / "c")
    files = sorted(path.name for path in content.glob("*.md"))
    assert files == ["001-titelei.md", "002-einleitung.md", "003-schluss.md"]
    front = (content / "001-titelei.md").read_text(encoding="utf-8")
    assert front.startswith("# {{add Titelei}}\n") and "Maria Muster" in front
    _builds_strictly(content)
    alone = _typst(tmp_path, '#set page(paper: "a5", numbering: "1")\n#set text(lang: "de", size: 10pt)\n'
                             f'{" ".join(prose[:6])}\n', "alone")
    single = _ingested(alone, tmp_path / "s")
    assert next(single.glob("*.md")).read_text(encoding="utf-8").startswith("# {{add Ohne Überschrift}}\n")



def test_a_title_pages_subtitle_and_names_are_its_lines_not_a_section_and_not_one_name(tmp_path):
    # A title page: the title, a subtitle in a display type of its own, the authors' names set
    # centred one under the other, place and year. The subtitle became a section heading of the
    # title page ("####" under "##": a section of the contents holding only the names), and the
    # names one paragraph, "Maria Muster Jonas von Brand Eva Sommer", read as one name.
    prose = _prose()
    LONG = "Mit einem Bericht über die Verhältnisse in den Tälern und einem Anhang der Quellen"
    # margins for binding: a verso's frame stands left of a recto's (a book's measure is either's)
    pdf = _typst(tmp_path, '#set document(title: "Das Buch", author: "Muster, Maria")\n'
                           '#set page(paper: "a5", numbering: "1", margin: (inside: 3cm, outside: 1.2cm))\n#set text(lang: "de", size: 10pt)\n'
                           '#show heading.where(level: 1): it => { pagebreak(weak: true); text(size: 16pt, it) }\n'
                           '#align(center)[#text(size: 22pt)[Das Buch] #v(1em) #text(size: 13pt)[Beobachtungen zum '
                           f'Gegenstand] #v(1em) #text(size: 12pt)[{LONG}] #v(2em) Maria Muster \\ Jonas von Brand \\ Eva Sommer #v(2em) '
                           'Berlin 2024]\n'
                           f'#pagebreak()\n{" ".join(prose[:4])}\n= Einleitung\n{" ".join(prose[4:30])}\n\n{" ".join(prose[30:60])}\n'
                           f'#align(center)[Ein Satz in der Mitte \\ und seine zweite Zeile]\n{" ".join(prose[9:12])}\n', "title")
    content = _ingested(pdf, tmp_path / "c")
    front = (content / "001-titelei.md").read_text(encoding="utf-8")
    assert [line for line in front.split("\n") if line.startswith("#")] == ["# {{add Titelei}}", "## Das Buch {#das-buch}"]
    blocks = front.split("\n\n")
    # a line of the page that did not fit its measure and went on in the next is not two
    for line in ("Beobachtungen zum Gegenstand", LONG, "Maria Muster", "Jonas von Brand", "Eva Sommer", "Berlin 2024"):
        assert line in blocks, front     # each a line of its own
    # the lines of a chapter's own are as they were: the rule is the title page's
    chapter = (content / "002-einleitung.md").read_text(encoding="utf-8")
    assert "Ein Satz in der Mitte und seine zweite Zeile" in chapter
    report = next((content / "review").glob("*.report.md")).read_text(encoding="utf-8")
    assert any(block.startswith("{{page 2}}") for block in blocks)   # not "Berlin 2024 {{page 2}}Der Fluss …"
    report = report.split("## Hinweise", 1)[1]
    assert "| Titelseite | 4 |" in report and "fortgesetzt" not in report
    _builds_strictly(content)

def test_an_unnumbered_heading_in_a_numbered_book_stands_below_the_numbered_one_before_it(tmp_path):
    # DocBook's and KOMA's manuals (debian-reference: 399 headings "Anmerkung", "Tipp", "Warnung";
    # l2tabu's "Ersetze: … Durch: …") set a box's title as a small bold line of its own. Its level
    # came from its type's rank among all the book's types, a title page's display types too: it
    # was "######" under "### 1.1.1", a skip of levels no contents or screen reader can follow.
    prose = " ".join(_prose()[:3])
    pdf = _typst(tmp_path, '#set document(title: "Das Buch", author: "Muster, Maria")\n'
                           '#set page(paper: "a5", numbering: "1")\n#set text(lang: "de", size: 10pt)\n'
                           '#set heading(numbering: "1.1")\n'
                           '#show heading.where(level: 1): it => { pagebreak(weak: true); text(size: 16pt, it) }\n'
                           '#show heading.where(level: 2): set text(size: 13pt)\n'
                           '#show heading.where(level: 3): set text(size: 11pt)\n'
                           '#align(center)[#text(size: 24pt, weight: "bold")[Das Buch] \\ '
                           '#text(size: 18pt, weight: "bold")[Ein Untertitel]]\n#pagebreak()\n'
                           f'= Einleitung\n{prose}\n== Frage\n{prose}\n=== Teilfrage\n{prose}\n\n'
                           f'#block(text(size: 9pt, weight: "bold")[Anmerkung])\n{prose}\n'
                           f'== Antwort\n{prose}\n\n#block(text(size: 9pt, weight: "bold")[Tipp])\n{prose}\n', "levels")
    content = _ingested(pdf, tmp_path / "c")
    headings = [line for path in sorted(content.glob("*.md"))
                for line in path.read_text(encoding="utf-8").split("\n") if line.startswith("#")]
    assert [h.split(" {#")[0] for h in headings] == [
        "# {{add Titelei}}", "## Das Buch", "# 1 Einleitung", "## 1.1 Frage",
        "### 1.1.1 Teilfrage", "#### Anmerkung", "## 1.2 Antwort", "### Tipp"]
    _builds_strictly(content)


def test_a_table_is_written_as_a_table_with_its_cells_and_a_lone_row_in_columns_is_no_heading(tmp_path):
    # Tables were kept as their printed lines in one paragraph ("the build has no tables"): the
    # cells ran together ("apt 2.7 main Pakete holen"), and a table's header alone on its page, set
    # in bold, became a heading ("## Paket Version Bereich Zweck": a section, in the contents). A
    # cell that is a dash alone is printed so: it has a printed source (the build said it had none).
    # A header is one where the print sets it apart: in bold, or by a rule under it. A table whose
    # columns stand closer than the gaps between words allow for (Typst's centred table) was a paragraph.
    prose = " ".join(_prose()[:3])
    pdf = _typst(tmp_path, '#set document(title: "Das Buch", author: "Muster, Maria")\n'
                           '#set page(paper: "a5", numbering: "1")\n#set text(lang: "de", size: 10pt)\n'
                           f'= Einleitung\n{prose}\n#v(1em)\n'
                           '#grid(columns: (2.5cm, 2cm, 2cm, 3cm), row-gutter: 4pt, [*Paket*], [*Version*], [*Bereich*], '
                           '[*Zweck*], [apt], [2.7], [main], [Pakete holen], [dpkg], [1.21], [main], [Pakete setzen], '
                           '[reprepro], [-], [-], [Pakete liefern])\n'
                           f'#v(1em)\n{prose}\n#v(1em)\n'
                           '#grid(columns: (2.5cm, 2cm, 2cm, 3cm), [*Name*], [*Stand*], [*Ort*], [*Zweck*])\n'
                           f'#v(1em)\n{prose}\n#v(1em)\n'
                           '#table(columns: 3, stroke: none, align: center, [Gemeinde], [Einwohnerzahl], [Bezirk], '
                           'table.hline(), [Au], [812], [Ost], [Bergli], [95], [West])\n'
                           f'#v(1em)\n{prose}\n', "table")
    content = _ingested(pdf, tmp_path / "c")
    chapter = next(content.glob("*.md")).read_text(encoding="utf-8")
    assert ("| Paket | Version | Bereich | Zweck |\n|---|---|---|---|\n| apt | 2.7 | main | Pakete holen |\n"
            "| dpkg | 1.21 | main | Pakete setzen |\n| reprepro | - | - | Pakete liefern |\n") in chapter
    assert "#" not in chapter.split("\n", 1)[1] and "| Name | Stand | Ort | Zweck |" in chapter
    # a header ruled off, in no bold, its words wider than the column under them
    assert "| Gemeinde | Einwohnerzahl | Bezirk |\n|---|---|---|\n| Au | 812 | Ost |\n| Bergli | 95 | West |" in chapter
    _builds_strictly(content)
    site = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(site), "--no-search").returncode == 0
    page = next(site.glob("*/index.html")).read_text(encoding="utf-8")
    assert '<th scope="col">Version</th>' in page and "<td>Pakete holen</td>" in page
    # as printed: a row is one printed line, linked to its place on the page picture
    assert re.search(r'<span class="dl" data-zone="z1-\d+">apt 2\.7 main Pakete holen</span>', page)
    tei = next(site.glob("*/*.tei.xml")).read_text(encoding="utf-8")
    assert re.search(r'<row role="label"><cell><lb facs="#z1-\d+"/>Paket</cell><cell>Version</cell>', tei)


def test_a_table_ruled_on_every_row_has_no_header_unless_its_first_rule_is_heavier(tmp_path):
    """Typst's and Writer's grid tables rule every row: the rule under the first row sets nothing
    apart, so the Markdown table has an empty header (the build shows none); a heavier rule under
    the first row than between the others does set it apart."""
    pdf = _typst(tmp_path, '#set page(paper: "a5")\n#set text(lang: "de", size: 10pt)\n= Einleitung\n'
                           f'{_prose()[0]}\n\n'
                           "#table(columns: 3, [Gemeinde], [Einwohnerzahl], [Bezirk], [Au], [812], [Ost], [Bergli], [95], [West])\n\n"
                           f'{_prose()[1]}\n\n'
                           "#table(columns: 3, stroke: none, table.hline(stroke: 1pt), [Name], [Stand], [Ort], "
                           "table.hline(stroke: 1pt), [Au], [812], [Ost], table.hline(stroke: 0.4pt), [Bergli], [95], "
                           "[West], table.hline(stroke: 0.4pt))\n\n"
                           f'{_prose()[2]}\n', "grid")
    chapter = next(_ingested(pdf, tmp_path / "c").glob("*.md")).read_text(encoding="utf-8")
    assert "|  |  |  |\n|---|---|---|\n| Gemeinde | Einwohnerzahl | Bezirk |\n| Au | 812 | Ost |\n" in chapter, chapter
    assert "| Name | Stand | Ort |\n|---|---|---|\n| Au | 812 | Ost |\n| Bergli | 95 | West |" in chapter, chapter


def test_chapters_come_from_bookmarks_that_leave_out_the_printed_number(tmp_path):
    # LaTeX's bookmarks (hyperref) name "1 Einleitung" as "Einleitung": the outline's chapters were
    # not matched, every heading was demoted below them, and a book became one chapter "Ohne
    # Überschrift" (Debian's texlive-de.pdf: 2 chapters for 10).
    pypdf = pytest.importorskip("pypdf") if not os.environ.get("CI") else __import__("pypdf")
    prose = _prose()
    plain = _typst(tmp_path, '#set document(title: "Das Buch", author: "Muster, Maria")\n'
                             '#set page(paper: "a5", numbering: "1")\n#set text(lang: "de", size: 10pt)\n'
                             '#set heading(numbering: "1.1", bookmarked: false)\n'
                             '#show heading.where(level: 1): it => { pagebreak(weak: true); text(size: 16pt, it) }\n'
                             f'= Einleitung\n{" ".join(prose[:4])}\n== Frage\n{" ".join(prose[4:8])}\n'
                             f'= Methode\n{" ".join(prose[8:12])}\n== Quellen\n{" ".join(prose[12:16])}\n', "plain")
    writer = pypdf.PdfWriter(clone_from=str(plain))
    for title, page in (("Einleitung", 0), ("Methode", 1)):
        writer.add_outline_item(title=title, page_number=page)
    pdf = tmp_path / "latex.pdf"
    with pdf.open("wb") as handle:
        writer.write(handle)
    content = _ingested(pdf, tmp_path / "c")
    chapters = {path.name: path.read_text(encoding="utf-8") for path in sorted(content.glob("*.md"))}
    assert [text.split("\n", 1)[0] for text in chapters.values()] == ["# 1 Einleitung", "# 2 Methode"]
    assert "## 1.1 Frage" in chapters["001-1-einleitung.md"]


def test_a_bullet_set_in_a_font_of_its_own_is_the_items_marker_not_its_text(tmp_path):
    # DocBook's PDFs (Debian's manuals) set a nested list's dash in bold: the dash, a run of its
    # own, stayed in the item's text ("- **–** doppelter Name"), and the self-check found the
    # reading longer than the print at every such item (146 Hinweise in debian-reference.de.pdf).
    # The list inside an item is written inside it (it was written flat).
    prose = _prose()
    pdf = _typst(tmp_path, '#set document(title: "Listen", author: "Muster, Maria")\n'
                           '#set page(paper: "a5", numbering: "1")\n#set text(lang: "de", size: 10pt)\n'
                           '#set list(marker: ([•], text(weight: "bold")[–]))\n= Verweise\n'
                           f'{" ".join(prose[:4])}\n\n- Harter Link\n  - doppelter Name für eine Datei\n'
                           '  - ein zweiter Name\n- Symbolischer Link\n  - eine Datei, die auf eine andere verweist\n\n'
                           f'{" ".join(prose[4:8])}\n', "bullets")
    content = _ingested(pdf, tmp_path / "c")
    chapter = next(content.glob("*.md")).read_text(encoding="utf-8")
    assert ("- Harter Link\n\n  - doppelter Name für eine Datei\n\n  - ein zweiter Name\n\n- Symbolischer Link\n\n"
            "  - eine Datei, die auf eine andere verweist\n") in chapter and "–" not in chapter, chapter   # nested as printed
    report = next((content / "review").glob("*.report.md")).read_text(encoding="utf-8")
    assert "gained or lost" not in report and "Abweichung" not in report, report
    _builds_strictly(content)


def test_code_set_small_at_a_pages_foot_is_the_pages_text_not_a_note(tmp_path):
    # DocBook's PDFs set a command in a smaller monospaced type; as a page's last line it stood
    # where footnotes stand, and became a note "printed without a number" (24 in
    # debian-reference.de.pdf), taken out of the text it belongs to.
    prose = _prose()
    pdf = _typst(tmp_path, '#set document(title: "Befehle", author: "Muster, Maria")\n'
                           '#set page(paper: "a5", numbering: "1")\n#set text(lang: "de", size: 10pt)\n= Befehle\n'
                           f'{" ".join(prose[:6])} Geben Sie Folgendes ein:\n\n```\n$ sensible-pager /etc/passwd\n```\n'
                           f'#pagebreak()\n{" ".join(prose[6:12])}\n', "code")
    content = _ingested(pdf, tmp_path / "c")
    chapter = next(content.glob("*.md")).read_text(encoding="utf-8")
    assert "Folgendes ein:\n\n```\n$ sensible-pager /etc/passwd\n```\n" in chapter, chapter
    assert "[^" not in chapter
    _builds_strictly(content)


def test_the_front_matters_own_numbering_is_named_where_pages_are_listed(tmp_path):
    # groff's "paket" book numbers its title pages 1–2 and its body from 1 again: the margin gives
    # the print's "S. 1" for both, but a list of pages and a page's own view name the sequence
    # ("S. 1, S. 2" on the front matter's chapter page read as the body's first pages).
    content = _ingested(testcorpus.pdf("tuning-groff-paket"), tmp_path / "c")
    config = content / "edition.toml"
    config.write_text(re.sub(r'(?m)^pdf = .*\n', "", config.read_text(encoding="utf-8")), encoding="utf-8")  # no drawing
    site = tmp_path / "site"
    assert (built := run_cli("build", "--content", str(content), "--out", str(site), "--no-search")).returncode == 0, \
        built.stderr
    front = next(site.glob("001-*/index.html")).read_text(encoding="utf-8")
    assert ">S. 1 (Titelei)</a>, " in front.split('class="pages-present"')[1].split("</p>")[0]
    assert "<title>Druckseite 1 (Titelei)" in (site / "pages" / "titelei-1.html").read_text(encoding="utf-8")
