"""What the build touches beside the site and outside it, tried as an attacker and as an editor
would: the facsimile cache, the lock, the state, the sources `[source]` names, the lines ingest
recorded; and exports well-formed for any input. Every attack of issue 23 is a test here, each
red before the fix. Real processes (`edition build`, `edition serve`), real links and files."""
from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CONTENT, EPOCH, ROOT, run_cli

CHAPTER = "# Kapitel\n\n## 1. Abschnitt\n\n{{page 1}}Erste Seite.\n\n{{page 2}}Zweite Seite.\n\n{{page 3}}Dritte Seite.\n"


def make_pdf(path: Path, sizes: list[tuple[float, float]]) -> Path:
    """A PDF of blank pages of these sizes (points), made with PDFium."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for width, height in sizes:
        document.new_page(width, height)
    document.save(str(path))
    document.close()
    return path


def pdf_edition(folder: Path, pages: int = 3, sizes: list[tuple[float, float]] | None = None,
                chapter: str = CHAPTER) -> Path:
    """A small edition whose facsimile is a PDF of blank A5 pages, numbered from 1."""
    content = folder / "content"
    content.mkdir(parents=True)
    (content / "edition.toml").write_text('title = "Probe"\n[source]\npdf = "book.pdf"\n', encoding="utf-8")
    (content / "kapitel.md").write_text(chapter, encoding="utf-8")
    make_pdf(content / "book.pdf", sizes or [(420, 595)] * pages)
    return content


def build(content: Path, out: Path, *extra: str, cwd: Path | None = None, env: dict | None = None,
          limit: int | None = None) -> subprocess.CompletedProcess:
    """`edition build --no-search` in a fresh process (`limit`: its address space in bytes)."""
    def bounded() -> None:
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return subprocess.run([sys.executable, "-m", "generator", "build", "--no-search", "--content", str(content),
                           "--out", str(out), *extra], capture_output=True, text=True, cwd=cwd or ROOT, timeout=300,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}, preexec_fn=bounded)


def links_in(folder: Path) -> list[str]:
    """Every symbolic link under `folder` (a published site must have none)."""
    return sorted(os.path.join(root, name) for root, folders, files in os.walk(folder)
                  for name in folders + files if os.path.islink(os.path.join(root, name)))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def book_folder(cache: Path) -> Path:
    (folder,) = [p for p in cache.iterdir() if p.is_dir()]
    return folder


@pytest.fixture
def drawn(tmp_path):
    """A PDF edition built once: (content, site, cache)."""
    content = pdf_edition(tmp_path)
    out = tmp_path / "site"
    first = build(content, out)
    assert first.returncode == 0, first.stderr
    return content, out, tmp_path / ".site.facsimile"


# ---- the facsimile cache -------------------------------------------------------------------------

def test_a_cache_picture_planted_as_a_link_is_refused_and_never_published(drawn):
    content, out, cache = drawn
    before = snapshot(out)
    picture = book_folder(cache) / "1-800.webp"
    picture.unlink()
    picture.symlink_to("/etc/passwd")
    result = build(content, out, "--full")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{picture}: error: a symbolic link the build did not make" in result.stderr
    assert snapshot(out) == before and links_in(out) == []
    assert picture.is_symlink()  # the editor's (or the attacker's) link stays: named, not deleted


def test_a_cache_picture_with_other_bytes_is_drawn_again_not_published(drawn):
    from PIL import Image

    content, out, cache = drawn
    picture = book_folder(cache) / "2-1600.webp"
    picture.write_bytes(b"not the picture that was drawn")
    result = build(content, out, "--full")
    assert result.returncode == 0, result.stderr
    assert f"{picture}: warning: not the picture drawn there (its bytes changed): drawn again" in result.stderr
    published = out / "pages" / "img" / "2-1600.webp"
    assert published.read_bytes() != b"not the picture that was drawn"
    with Image.open(published) as image:
        assert image.format == "WEBP" and image.width == 1600


def test_the_cache_as_a_link_to_an_editors_folder_is_refused_and_nothing_there_is_deleted(tmp_path):
    content = pdf_edition(tmp_path)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "brief.txt").write_text("Lieber Kollege", encoding="utf-8")
    (notes / "abc123").mkdir()
    (tmp_path / ".site.facsimile").symlink_to(notes)
    result = build(content, tmp_path / "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{tmp_path / '.site.facsimile'}: error: is a symbolic link, not a folder: refused" in result.stderr
    assert (notes / "brief.txt").read_text(encoding="utf-8") == "Lieber Kollege" and (notes / "abc123").is_dir()
    assert sorted(p.name for p in notes.iterdir()) == ["abc123", "brief.txt"]


def test_the_cache_as_a_file_is_an_error_naming_it(tmp_path):
    content = pdf_edition(tmp_path)
    (tmp_path / ".site.facsimile").write_text("mine", encoding="utf-8")
    result = build(content, tmp_path / "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{tmp_path / '.site.facsimile'}: error: is a file, not a folder: refused" in result.stderr
    assert (tmp_path / ".site.facsimile").read_text(encoding="utf-8") == "mine"


def test_a_file_planted_in_the_cache_is_named_and_kept(drawn):
    content, out, cache = drawn
    (cache / "notizen.txt").write_text("meine Notizen", encoding="utf-8")
    (book_folder(cache) / "extra.webp").write_bytes(b"x")
    result = build(content, out, "--full")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{cache / 'notizen.txt'}: error: a file the build did not make" in result.stderr
    assert f"{book_folder(cache) / 'extra.webp'}: error: a file the build did not make" in result.stderr
    assert (cache / "notizen.txt").read_text(encoding="utf-8") == "meine Notizen"


def test_the_books_folder_in_the_cache_as_a_link_draws_nothing_outside(tmp_path):
    content = pdf_edition(tmp_path)
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    cache = tmp_path / ".site.facsimile"
    book = book_folder(cache)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(book)
    book.symlink_to(elsewhere)
    result = build(content, out, "--full")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{book}: error: a symbolic link the build did not make" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_only_the_pictures_of_books_no_longer_named_and_dead_parts_are_removed(drawn):
    content, out, cache = drawn
    old = book_folder(cache)
    part = old / "999999999.abcdef.part"  # a process that is long gone
    part.write_bytes(b"half")
    assert build(content, out, "--full").returncode == 0
    assert not part.exists() and (old / "1-800.webp").is_file()
    make_pdf(content / "book.pdf", [(420, 595)] * 4)  # another book: the old one's pictures go
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    assert not old.exists() and sorted(p.name for p in cache.iterdir() if p.is_dir()) == [book_folder(cache).name]
    assert len(list(book_folder(cache).glob("*.webp"))) == 8


def test_each_drawn_picture_is_recorded_in_the_state_and_not_read_again_while_unchanged(tmp_path, monkeypatch):
    from generator import build as pipeline
    from generator import facsimile

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    content = pdf_edition(tmp_path)
    out = tmp_path / "site"
    assert pipeline.build(content, out, search=False).drawn == 3
    state = json.loads((tmp_path / ".site.edition-state.json").read_text(encoding="utf-8"))
    cache = tmp_path / ".site.facsimile"
    assert state["cache"] == str(cache)
    assert {name for name in state["pictures"]} == {f"{book_folder(cache).name}/{n}-{s}.webp" for n in (1, 2, 3)
                                                   for s in (800, 1600)}
    for name, (digest, *_) in state["pictures"].items():
        assert hashlib.sha256((cache / name).read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in cache.iterdir()) == [book_folder(cache).name, "lock"]  # no hashes in the cache

    reads = []
    real = facsimile.read_open
    monkeypatch.setattr(facsimile, "read_open", lambda fd, path, limit=0: reads.append(path) or real(fd, path, limit))
    again = pipeline.build(content, out, search=False, full=True)
    assert again.drawn == 0 and [p for p in reads if p.suffix == ".webp"] == []   # checked by their stamps only
    os.utime(book_folder(cache) / "1-800.webp", ns=(1, 1))  # the same bytes, another time: read and hashed once
    assert pipeline.build(content, out, search=False, full=True).drawn == 0
    assert [p.name for p in reads if p.suffix == ".webp"] == ["1-800.webp"]
    assert links_in(out) == []


def test_a_page_larger_than_a_book_is_refused_and_a_tall_one_drawn_within_bounds(tmp_path):
    """A 3 × 14,400 pt page would have been drawn at 1,600 × 7.7 million pixels: the build runs
    here with 2.5 GB of address space and must still succeed."""
    from PIL import Image

    content = pdf_edition(tmp_path, sizes=[(420, 595), (3, 14400), (595, 3000)])
    out = tmp_path / "site"
    result = build(content, out, "--jobs", "1", limit=2_500 * 2**20)
    assert result.returncode == 0, result.stderr
    assert "book.pdf: warning: page 2 is 3 × 14400 pt, no page of a printed book" in result.stderr
    assert sorted(p.name for p in (out / "pages" / "img").iterdir()) == [
        "1-1600.webp", "1-800.webp", "3-1600.webp", "3-800.webp"]
    with Image.open(out / "pages" / "img" / "3-1600.webp") as tall:
        assert tall.height == 4000 and tall.width == 794   # scaled to the bound (793.3 px: PDFium draws 794)
    assert 'width="1600" height="4000"' not in (out / "pages" / "3.html").read_text(encoding="utf-8")
    assert 'width="794" height="4000"' in (out / "pages" / "3.html").read_text(encoding="utf-8")
    assert 'id="seite-2"' in (out / "kapitel" / "s1.html").read_text(encoding="utf-8")  # its text is there, unpictured


# ---- the lock, the state, the spare --------------------------------------------------------------

def test_a_lock_planted_as_a_link_truncates_nothing(tmp_path):
    content = pdf_edition(tmp_path)
    precious = tmp_path / "kapitel-entwurf.md"
    precious.write_text("Ein Entwurf, der bleiben muss.\n", encoding="utf-8")
    (tmp_path / ".site.lock").symlink_to(precious)
    result = build(content, tmp_path / "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{tmp_path / '.site.lock'}: error: is a symbolic link: refused (the lock file)" in result.stderr
    assert precious.read_text(encoding="utf-8") == "Ein Entwurf, der bleiben muss.\n"


def test_the_state_and_the_spare_planted_as_links_are_refused(tmp_path):
    content = pdf_edition(tmp_path)
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    precious = tmp_path / "precious.json"
    precious.write_text("{}", encoding="utf-8")
    state = tmp_path / ".site.edition-state.json"
    state.unlink()
    state.symlink_to(precious)
    result = build(content, out)
    assert result.returncode == 1 and f"{state}: error: is a symbolic link: refused" in result.stderr
    assert precious.read_text(encoding="utf-8") == "{}"
    state.unlink()
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep", encoding="utf-8")
    spare = tmp_path / ".site.spare"
    if spare.exists():
        shutil.rmtree(spare)
    spare.symlink_to(folder)
    result = build(content, out)
    assert result.returncode == 1 and f"{spare}: error: is a symbolic link" in result.stderr
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "keep"


# ---- the sources [source] names ------------------------------------------------------------------

def _page_images(tmp_path: Path, value: str) -> Path:
    from PIL import Image

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    outside = tmp_path / "outside"
    outside.mkdir()
    Image.new("RGB", (60, 90), "white").save(outside / "229.png")
    config = content / "edition.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[source]\n", f'[source]\npage_images = "{value}"\n'),
                      encoding="utf-8")
    return content


@pytest.mark.parametrize("how", ["the folder", "a folder above it", "a picture in it"])
def test_page_images_reaching_outside_through_a_link_are_refused(tmp_path, how):
    if how == "the folder":
        content = _page_images(tmp_path, "scans")
        (content / "scans").symlink_to(tmp_path / "outside")
        named = content / "scans"
    elif how == "a folder above it":
        content = _page_images(tmp_path, "bilder/scans")
        (content / "bilder").symlink_to(tmp_path)
        (tmp_path / "scans").symlink_to(tmp_path / "outside")
        named = content / "bilder"
    else:
        content = _page_images(tmp_path, "scans")
        (content / "scans").mkdir()
        (content / "scans" / "229.png").symlink_to(tmp_path / "outside" / "229.png")
        named = content / "scans" / "229.png"
    out = tmp_path / "site"
    result = build(content, out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(rf"{re.escape(str(named))}:? .*symbolic link", result.stderr), result.stderr
    assert not out.exists()


def test_a_pdf_reached_through_a_link_is_refused(tmp_path):
    content = pdf_edition(tmp_path)
    outside = tmp_path / "outside.pdf"
    (content / "book.pdf").rename(outside)
    (content / "book.pdf").symlink_to(outside)
    result = build(content, tmp_path / "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"[source] pdf: {content / 'book.pdf'} is a symbolic link: refused" in result.stderr


# ---- a preview and a build share the cache -----------------------------------------------------

def test_a_preview_and_a_build_draw_into_one_cache_and_both_succeed(tmp_path):
    """`edition serve` draws one book's pages into the cache beside site/ while `edition build`
    of another book in the same folder draws its own (and would remove the first book's)."""
    first = pdf_edition(tmp_path / "a", pages=40)
    second = pdf_edition(tmp_path / "b", pages=3)
    work = tmp_path / "work"
    work.mkdir()
    preview = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--content", str(first), "--port", "0"],
                               cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)})
    try:
        cache = work / ".site.facsimile"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(cache.glob("*/*.webp")):
            time.sleep(0.02)
        assert list(cache.glob("*/*.webp")), "the preview did not start drawing"
        result = build(second, work / "site", cwd=work)  # meanwhile
        assert result.returncode == 0, result.stderr
        line = preview.stdout.readline() if preview.stdout else ""
        while line and not line.startswith(("preview:", "build failed")) and "error" not in line:
            line = preview.stdout.readline() if preview.stdout else ""
        assert line.startswith("preview:"), line
        port = int(line.split(":")[3].split("/")[0])
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for page in (1, 40):
            connection.request("GET", f"/pages/img/{page}-1600.webp", headers={"Host": f"127.0.0.1:{port}"})
            response = connection.getresponse()
            assert response.status == 200 and response.read()[:4] == b"RIFF"
        assert len(list((work / "site" / "pages" / "img").glob("*.webp"))) == 6
    finally:
        preview.terminate()
        preview.wait(timeout=30)


# ---- the print ingest recorded -------------------------------------------------------------------

@pytest.mark.parametrize(("change", "message"), [
    (lambda data: data["pages"].__setitem__(0, "229"), 'pages[0] must be an object (a page), not "229" (text)'),
    (lambda data: data["pages"][0].__setitem__("pdf_page", "1"),
     'pages[0].pdf_page must be a whole number from 1 (a page of the PDF), not "1" (text)'),
    (lambda data: data["pages"][0].__setitem__("pdf_page", -7), "pages[0].pdf_page must be a whole number from 1"),
    (lambda data: data["pages"][0].__setitem__("pdf_page", 1.5), "pages[0].pdf_page must be a whole number from 1"),
    (lambda data: data["pages"][1]["lines"][0].__setitem__("n", "2"),
     'pages[1].lines[0].n must be the line\'s number on its page (a whole number), not "2" (text)'),
    (lambda data: data["pages"][0]["lines"][1].__setitem__("text", "Es\x1bwar"),
     "pages[0].lines[1].text holds U+001B (a control character), which XML and HTML forbid"),
])
def test_a_lines_file_of_the_wrong_form_is_an_error_naming_the_place(tmp_path, change, message):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    lines = content / "review" / "kleinstaaten.lines.json"
    data = json.loads(lines.read_text(encoding="utf-8"))
    change(data)
    lines.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{lines}: error: {message}" in result.stderr


def test_a_lines_file_nested_100000_deep_is_an_error(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    lines = content / "review" / "kleinstaaten.lines.json"
    lines.write_text('{"pages": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{lines}: error: nested too deeply: not a lines file written by `edition ingest`" in result.stderr


# ---- exports well-formed for any input -----------------------------------------------------------

def test_characters_xml_forbids_are_refused_at_their_line(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "edition.toml").write_text('title = "Probe"\nsubtitle = "Unter\ufffetitel"\n', encoding="utf-8")
    text = ("# Kapitel\n\n## 1. Abschnitt\n\nEin \x01 Zeichen.\n\nZwei \x08 und \x0b.\n\nEin Escape \x1b[31m.\n\n"
            "Form\x0cfeed.\n\nNicht\ufffe und \uffff.\n\nGut.\n")
    (content / "kapitel.md").write_text(text, encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    chapter = content / "kapitel.md"
    for line, found in [(5, "U+0001 (a control character)"), (7, "U+0008 (a control character), U+000B (a control character)"),
                        (9, "U+001B (a control character)"), (11, "U+000C (a control character)"),
                        (13, "U+FFFE (a noncharacter), U+FFFF (a noncharacter)")]:
        assert f"{chapter}:{line}: error: {found}: XML and HTML forbid it" in result.stderr
    assert re.search(r"edition\.toml:2: error: config key 'subtitle' must be text without U\+FFFE", result.stderr)
    assert not (tmp_path / "site").exists()


def test_a_brace_in_any_field_keeps_the_bibtex_entry_whole(tmp_path):
    """Read back by BibTeX itself: with "\\}" BibTeX ends the field there and skips the rest."""
    from conftest import require_tool

    bibtex = shutil.which("bibtex")
    require_tool(Path(bibtex or "/usr/bin/bibtex"), "bibtex (texlive-binaries)")
    content = tmp_path / "content"
    content.mkdir()
    (content / "edition.toml").write_text(
        'title = "Probe"\nurl = "https://example.org/ed/"\n[source]\nbook_title = "Mengen {A} und } B \\\\ C"\n'
        'publisher = "Verlag & Söhne 100% #1_x ~^"\n', encoding="utf-8")
    (content / "kapitel.md").write_text("# Ein } Titel { mit \\\\ Klammern\n\n## 1. Teil\n\n{{page 1}}Text.\n",
                                        encoding="utf-8")
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    entry = (out / "kapitel" / "kapitel.bib").read_text(encoding="utf-8")
    work = tmp_path / "bibtex"
    work.mkdir()
    (work / "t.bib").write_text(entry, encoding="utf-8")
    fields = ("title", "booktitle", "publisher", "url", "note")
    body = "{ " + " ".join(f'"@@{f}=" {f} * write$ newline$' for f in fields) + " }"
    # a chapter of the authors' own book is @inbook, one of an edited volume @incollection
    (work / "raw.bst").write_text("ENTRY { " + " ".join(fields) + " } {} {}\n"
                                  + "".join(f"FUNCTION {{{kind}}} {body}\n" for kind in ("inbook", "incollection"))
                                  + "READ\nITERATE {call.type$}\n", encoding="utf-8")
    (work / "t.aux").write_text("\\citation{*}\n\\bibstyle{raw}\n\\bibdata{t}\n", encoding="utf-8")
    read = subprocess.run([bibtex or "bibtex", "t"], cwd=work, capture_output=True, text=True, timeout=60)
    assert read.returncode == 0, read.stdout + (work / "t.blg").read_text()
    # BibTeX breaks its output lines at a space past 79 characters: joined again
    written = (work / "t.bbl").read_text(encoding="utf-8").replace("\n", " ")
    found = {name: " ".join(value.split()) for name, value in re.findall(r"@@(\w+)=(.*?)(?=@@|$)", written)}
    assert found["title"] == r"Ein \textbraceright{} Titel \textbraceleft{} mit \textbackslash{} Klammern"
    assert found["booktitle"] == r"Mengen \textbraceleft{}A\textbraceright{} und \textbraceright{} B \textbackslash{} C"
    assert found["publisher"] == r"Verlag \& Söhne 100\% \#1\_x \textasciitilde{}\textasciicircum{}"
    assert found["url"] == "https://example.org/ed/kapitel/index.html" and found["note"].startswith("Digitale Edition")


@pytest.mark.parametrize(("key", "value"), [
    ("rights", "http://creativecommons.org/licenses/by/4.0/junk"),
    ("rights", 'https://rightsstatements.org/vocab/InC/1.0/"><script>'),
    ("url", 'https://example.org/ed/"><script>alert(1)</script>'),
    ("url", "https://example.org/ed/?a=1"),
])
def test_rights_and_url_are_checked_whole(tmp_path, key, value):
    content = tmp_path / "content"
    content.mkdir()
    (content / "edition.toml").write_text(f'title = "Probe"\n{key} = {json.dumps(value)}\n', encoding="utf-8")
    (content / "kapitel.md").write_text(CHAPTER, encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1 and f"edition.toml:2: error: {key} {value!r} must be" in result.stderr
