"""Beside the reading text: the text as printed (diplomatic view), a page of its own per print
page, the facsimile drawn from the book's PDF, the IIIF manifest, and TEI's line breaks.

The default edition has its print from its raw pages; a test book typeset by Typst (books.py)
is ingested from its PDF, with a facsimile, once per session.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CONTENT, NODE_MODULES, jing, require_tool, run_cli, serve_static

from generator.build import build

IIIF = Path(__file__).with_name("iiif.mjs")


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def fixes(page: str) -> dict[str, str]:
    """The words the diplomatic view marks as printed otherwise: printed form → reading form."""
    return {re.sub(r"\s+", " ", printed): reading for reading, printed in
            re.findall(r'<span class="dl-fix" title="[^:"]+: ([^"]+)">([^<]+)</span>', page)}


# ---- the default edition: its print from its raw pages ----

def test_every_repair_of_the_report_is_a_visible_difference(built_site):
    report = json.loads((CONTENT / "review" / "kleinstaaten.report.json").read_text(encoding="utf-8"))
    marked: dict[str, str] = {}
    for page in (built_site / "kleinstaaten").glob("*.html"):
        marked |= fixes(page.read_text(encoding="utf-8"))
    readings = set(marked.values())
    repairs = [r for r in report["changes"] if "hyphen" in r["rule"] or "space" in r["rule"]]
    assert repairs
    for repair in repairs:
        # each repaired word is marked in the text as printed and names its reading form
        assert any(repair["clean"].strip(".,;:") in reading for reading in readings), repair
    assert marked["Koordina -"] == marked["tions instanz"] == "Koordinationsinstanz"   # one mark per line
    page = read(built_site, "kleinstaaten/vor-6.html")
    # the printed lines as printed: the line break and the break hyphen are there
    assert '<span class="dl">etwa die NATO zu einer umfassenden sicherheitspolitischen <span class="dl-fix"' in page
    # a true hyphen is no repair
    assert "Unterstützungs-" in page and "Unterstützungs-" not in marked


def test_the_view_switch_is_on_every_section_page_the_print_holds(built_site):
    for name in ("vor-6", "s6", "s6-1", "s6-2"):
        page = read(built_site, f"kleinstaaten/{name}.html")
        assert 'data-view="printed"' in page and '<span class="dipl" data-pagefind-ignore>' in page, name


def test_search_finds_the_reading_text_not_the_printed_forms(built_site):
    from test_search import search

    hits = search(built_site, "barkeit", "Durchführbarkeit")
    assert hits["barkeit"] == []            # "führ barkeit" is printed so; the reading text has no such word
    assert hits["Durchführbarkeit"]


def test_each_print_page_has_a_page_of_its_own(built_site):
    page = read(built_site, "pages/229.html")
    assert "<h1>Druckseite 229</h1>" in page
    assert '<a href="../kleinstaaten/vor-6.html#seite-229">Im Lesetext' in page
    # every line as printed
    assert '<span class="dl dl-body" data-line="2">Bündnisse können jedoch, ergänzend zu ihrer verteidigungs po li ti -</span>' in page
    assert "data-pagefind-body" not in page                              # not searched: the reading text is
    assert '<a href="pages/229.html">Druckseite 229</a>' in read(built_site, "index.html")   # the home page leads there
    unknown = read(built_site, "pages/p2.html")                          # a page whose number is not known
    assert "Druckseite ?" in unknown and "aber die Hoffnung" in unknown
    # no facsimile: no pictures, no manifest
    assert not (built_site / "pages" / "img").exists() and not (built_site / "iiif").exists()
    assert 'class="facsimile"' not in read(built_site, "kleinstaaten/vor-6.html")


def test_a_paragraph_edited_after_ingest_keeps_its_print_with_the_editors_intervention(tmp_path):
    """The default edition's lines file records the text as ingested: a word the editor took
    out is the editor's intervention in the printed form, not a paragraph without one."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    source = content / "kleinstaaten.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Militärbündnisse können für Kleinstaaten", "Bündnisse können für Kleinstaaten"),
                      encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert result.returncode == 0, result.stderr
    assert "no longer match" not in result.stderr and "printed source" not in result.stderr
    page = read(tmp_path / "site", "kleinstaaten/vor-6.html")
    edited = re.search(r'<p class="para" id="vor-6-p2">(.*?)</p>', page, re.S)
    assert edited and '<span class="dl-corr" title="Eingriff des Herausgebers, Lesetext: Bündnisse">Militärbündnisse' \
        '</span>' in edited.group(1)
    assert "unprinted" not in page and "Koordina" in page   # no paragraph is shown as unprinted


def test_a_facsimile_source_outside_the_content_folder_is_refused(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    config = content / "edition.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[source]\n", '[source]\npdf = "../book.pdf"\n'),
                      encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"edition\.toml:\d+: error: .*'\.\./book\.pdf' must be a path inside the content folder", result.stderr)
    config.write_text(config.read_text(encoding="utf-8").replace('"../book.pdf"', '"book.pdf"'), encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert result.returncode == 1 and "[source] pdf: 'book.pdf' not found in the content folder" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_folder_of_page_pictures_is_the_facsimile(tmp_path):
    from PIL import Image

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "scans").mkdir()
    Image.new("RGB", (600, 900), "white").save(content / "scans" / "229.png")
    config = content / "edition.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[source]\n", '[source]\npage_images = "scans"\n'),
                      encoding="utf-8")
    site = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(site), "--no-search")
    assert result.returncode == 0, result.stderr
    assert (site / "pages" / "img" / "229.png").read_bytes() == (content / "scans" / "229.png").read_bytes()
    page = read(site, "kleinstaaten/vor-6.html")
    assert re.search(r'<figure class="facs-page" data-anchor="[^"]*" data-label="229"[^>]*>\s*<a href="../pages/229.html">'
                     r'<img src="../pages/img/229.png" width="600" height="900" loading="lazy"', page)
    assert '<img src="../pages/img/229.png" width="600" height="900"' in read(site, "pages/229.html")
    assert '<pb n="229" facs="../pages/img/229.png"/>' in read(site, "kleinstaaten/kleinstaaten.tei.xml")


# ---- a book from its PDF ----

@pytest.fixture(scope="session")
def pdf_edition(typeset, tmp_path_factory):
    """A Typst book ingested from its PDF (a copy of the PDF goes into the content folder: the
    facsimile), with an address and a license, built once; (content, site, first build's result)."""
    pdf, _ = typeset("heldout-typst")
    folder = tmp_path_factory.mktemp("pdf-edition")
    content = folder / "content"
    result = run_cli("ingest", str(pdf), "--into", str(content))
    assert result.returncode == 0, result.stderr
    config = content / "edition.toml"
    assert 'pdf = "heldout-typst.pdf"' in config.read_text(encoding="utf-8")
    config.write_text('url = "https://edition.example.org/fluss/"\nrights = "http://creativecommons.org/licenses/by/4.0/"\n'
                      + config.read_text(encoding="utf-8"), encoding="utf-8")
    site = folder / "site"
    return content, site, build(content, site)


def _sheets(content: Path) -> list[dict]:
    return json.loads((content / "review" / "heldout-typst.lines.json").read_text(encoding="utf-8"))["pages"]


def test_each_print_page_is_drawn_and_shown_beside_its_text(pdf_edition):
    from PIL import Image

    content, site, result = pdf_edition
    sheets = _sheets(content)
    assert result.drawn == len(sheets) > 20
    for sheet in sheets:
        label = str(sheet["page"])
        for width in (800, 1600):
            assert (site / "pages" / "img" / f"{label}-{width}.webp").stat().st_mode & 0o004   # a web server reads it
            with Image.open(site / "pages" / "img" / f"{label}-{width}.webp") as picture:
                assert picture.format == "WEBP" and picture.width == width
                assert abs(picture.height / picture.width - sheet["height"] / sheet["width"]) < 0.01
        view = read(site, f"pages/{label}.html")
        assert f'<img src="../pages/img/{label}-800.webp" srcset="../pages/img/{label}-800.webp 800w, ' \
               f'../pages/img/{label}-1600.webp 1600w"' in view
        heads = [line["text"] for line in sheet["lines"] if line["role"] in ("head", "foot")]
        assert all(f'title="Kolumnentitel">{text}</span>' in view.replace("&amp;", "&") for text in heads)   # the running head too
        body = [line["text"] for line in sheet["lines"] if line["role"] == "body"]
        assert all(f">{text}</span>" in view.replace("&amp;", "&") for text in body[:3])
    # a section page: a picture for each print page it stands on, each tied to its page mark
    chapter = sorted(p for p in site.iterdir() if p.name.startswith("002-"))[0]
    for page in chapter.glob("s*.html"):
        html = page.read_text(encoding="utf-8")
        anchors = re.findall(r'<figure class="facs-page" data-anchor="([^"]*)"', html)
        assert anchors, page.name
        assert all(not anchor or f'id="{anchor}"' in html for anchor in anchors)
    # a chapter's own page, for the text before its first section: the same switch and pictures
    opening = read(site, f"{chapter.name}/index.html")
    assert 'class="reading intro"' in opening and 'data-view="printed"' in opening and 'class="facs-page"' in opening
    # TEI: <pb facs> names the surface of its page, whose graphic is the page's picture, and
    # the text keeps its printed line breaks, each pointing at its line's zone
    tei = read(site, f"{chapter.name}/{chapter.name}.tei.xml")
    surfaces = dict(re.findall(r'<surface xml:id="(facs-[^"]+)"[^>]*><graphic url="\.\./(pages/img/[^"]+-1600\.webp)"', tei))
    pointed = re.findall(r'<pb n="[^"?]+" facs="#([^"]+)"/>', tei)
    assert pointed and all((site / surfaces[surface]).is_file() for surface in pointed)
    assert re.search(r'<lb break="no" facs="#z[^"]+"/>', tei) and re.search(r'<lb facs="#z[^"]+"/>', tei)
    checked = jing(*sorted(site.rglob("*.tei.xml")))
    assert checked.returncode == 0, checked.stdout


def test_a_rebuild_draws_no_page_again(pdf_edition):
    content, site, first = pdf_edition
    again = build(content, site, full=True)
    assert first.drawn > 0 and again.drawn == 0


def test_the_iiif_manifest_is_read_by_the_iiif_parser(pdf_edition):
    content, site, _ = pdf_edition
    node = shutil.which("node")
    assert node, "node ships with this machine image"
    require_tool(NODE_MODULES / "@iiif" / "parser" / "package.json", "@iiif/parser (npm)")
    result = subprocess.run([node, str(IIIF), str(site / "iiif" / "manifest.json")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["warnings"] == [] and found["type"] == "Manifest"
    assert found["rights"] == "http://creativecommons.org/licenses/by/4.0/"
    sheets = _sheets(content)
    assert [c["label"]["none"][0] for c in found["canvases"]] == [f"S. {s['page']}" for s in sheets]
    for canvas in found["canvases"]:
        local = site / canvas["image"].removeprefix("https://edition.example.org/fluss/")
        assert local.is_file() and canvas["format"] == "image/webp" and canvas["width"] == 1600
    assert 'href="../iiif/manifest.json"' in read(site, f"pages/{sheets[3]['page']}.html")
    # its table of contents: a range per chapter, the chapter's pages in order
    canvases = [c["id"] for c in found["canvases"]]
    titles = [re.sub(r"\\(.)", r"\1", f.read_text(encoding="utf-8").split("\n")[0].removeprefix("# "))
              for f in sorted(content.glob("*.md"))]   # each chapter's '# ' heading, its escapes read
    assert [r["label"]["de"][0] for r in found["ranges"]] == titles
    for chapter in found["ranges"]:
        positions = [canvases.index(c) for c in chapter["canvases"]]
        assert positions == sorted(positions) and positions == list(range(positions[0], positions[-1] + 1))


def test_a_damaged_pdf_fails_the_build_and_the_site_stays(pdf_edition, tmp_path):
    content, site, _ = pdf_edition
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    out = tmp_path / "site"
    shutil.copytree(site, out)   # the site published from these files (not built again: every page drawn once fewer)
    before = read(out, "index.html")
    (copy / "heldout-typst.pdf").write_bytes(b"%PDF-1.7\nnot a PDF at all\n")
    result = run_cli("build", "--content", str(copy), "--out", str(out), "--no-search")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "heldout-typst.pdf: error: cannot read the PDF" in result.stderr
    assert read(out, "index.html") == before and (out / "pages" / "img").is_dir()


def test_the_reader_follows_the_page_marks_and_switches_views(pdf_edition, browser):
    _, site, _ = pdf_edition
    chapter = sorted(p for p in site.iterdir() if p.name.startswith("002-"))[0]
    # the section that stands on the most print pages
    name = max(chapter.glob("s*.html"), key=lambda p: p.read_text(encoding="utf-8").count('class="facs-page"')).name
    with serve_static(site) as url:
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        page.goto(f"{url}{chapter.name}/{name}")
        current = 'document.querySelector(".facs-page.current")'
        labels = page.eval_on_selector_all(".facs-page", "els => els.map(e => e.dataset.label)")
        assert len(labels) >= 2
        assert page.evaluate(f"{current}.dataset.label") == labels[0]            # the page the section begins on
        assert page.is_visible(".facsimile img") and not page.is_visible(".sidenotes")
        # "S. n" in the margin brings page n, drawn and loaded
        anchor = page.eval_on_selector_all(".facs-page", "els => els[1].dataset.anchor")
        page.locator(f'a.pb[id="{anchor}"]').click()
        page.wait_for_function(f'{current} && {current}.dataset.label === "{labels[1]}"')
        page.wait_for_function(f'{current}.querySelector("img").naturalWidth > 0')
        # reading back up brings the first page again
        page.mouse.wheel(0, -20000)
        page.wait_for_function(f'{current}.dataset.label === "{labels[0]}"')
        # the text as printed instead of the reading text, kept on the next page
        assert page.is_visible(".para .rt") and not page.is_visible(".para .dipl")
        page.click('button[data-view="printed"]')
        assert not page.is_visible(".para .rt") and page.is_visible(".para .dipl")
        assert page.get_attribute('button[data-view="printed"]', "aria-pressed") == "true"
        page.reload()
        assert page.is_visible(".para .dipl") and not page.is_visible(".para .rt")
        # the facsimile switched off gives the margin back to the sidenotes
        page.click(".facs-toggle")
        assert not page.is_visible(".facsimile img") and page.is_visible(".sidenotes")
        page.close()
        # narrower (1400 px): the text moves aside and the page is still wide enough to read
        narrow = browser.new_page(viewport={"width": 1400, "height": 900})
        narrow.goto(f"{url}{chapter.name}/{name}")
        narrow.wait_for_function('document.querySelector(".facs-page.current img").naturalWidth > 0')
        width = narrow.evaluate('document.querySelector(".facs-page.current img").getBoundingClientRect().width')
        text = narrow.evaluate('document.querySelector(".reading").getBoundingClientRect().right')
        assert width > 450 and narrow.evaluate('document.querySelector(".facsimile").getBoundingClientRect().left') > text
        narrow.close()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_build_killed_while_drawing_pages_changes_nothing_and_the_next_draws_them(pdf_edition, tmp_path, jobs):
    """Killed with SIGKILL while it draws (one process: the build itself; several: a drawing
    process, which fails the build with one line): the site stays, the next build completes."""
    content, site, _ = pdf_edition
    out = tmp_path / "site"
    shutil.copytree(site, out)   # a published site, its pictures not in this folder's cache: nothing drawn yet
    before = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    killed = run_cli("build", "--content", str(content), "--out", str(out), "--no-search", "--full", "--jobs", jobs,
                     env={"EDITION_FAULT": "drawing"})
    if jobs == "1":
        assert killed.returncode == -9
    else:
        assert killed.returncode == 1 and "Traceback" not in killed.stderr
        assert "heldout-typst.pdf: error: drawing its pages for the facsimile failed" in killed.stderr
    assert {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()} == before
    again = run_cli("build", "--content", str(content), "--out", str(out), "--no-search", "--full")
    assert again.returncode == 0, again.stderr
    sheets = _sheets(content)
    assert len(list((out / "pages" / "img").glob("*.webp"))) == 2 * len(sheets)
    assert len(list((tmp_path / ".site.facsimile").rglob("*.part"))) <= int(jobs)   # at most one per killed drawer


def test_every_block_of_a_book_with_endnotes_is_found_in_its_print(typeset, tmp_path):
    """Endnotes stand among the body lines ("Anmerkungen", numbered "12."), not at the page foot."""
    from generator import printed
    from generator.diagnostics import Collector
    from generator.files import Folder
    from generator.source import load_chapter

    pdf, _ = typeset("tuning-endnotes")
    content = tmp_path / "content"
    assert run_cli("ingest", str(pdf), "--into", str(content)).returncode == 0
    record = printed.load(Folder(content), Collector())
    assert record is not None
    for source in sorted(content.glob("*.md")):
        chapter, _ = load_chapter(source)
        assert chapter is not None and chapter.notes
        alignment = printed.align(chapter, record)
        assert alignment is not None and alignment.missing == {} and len(alignment.placed) > len(chapter.notes), source.name
    built = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert built.returncode == 0 and "no longer match" not in built.stderr


def test_the_preview_shows_the_pages_edition_build_drew(pdf_edition, monkeypatch):
    """`edition serve` keeps its site in a temporary folder, yet draws nothing again: it uses the
    pictures `edition build` keeps beside the site folder of the place it runs from."""
    from generator.serve import Preview

    content, site, _ = pdf_edition
    monkeypatch.chdir(site.parent)   # where `edition build` put site/ and its pictures
    instance = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    try:
        assert instance.last is not None and instance.last.drawn == 0
        assert (instance.out / "pages" / "img").is_dir()
    finally:
        instance.close()


def test_a_hostile_lines_file_is_escaped_or_refused(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    lines = content / "review" / "kleinstaaten.lines.json"
    data = json.loads(lines.read_text(encoding="utf-8"))
    data["pages"][0]["lines"][0]["text"] = '<script>alert(1)</script> Bündnisse'
    data["pages"][0]["page"] = "../../etc"
    lines.write_text(json.dumps(data), encoding="utf-8")
    site = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(site), "--no-search").returncode == 0
    views = sorted(p.name for p in (site / "pages").iterdir())
    assert views == ["p1.html", "p2.html"]                     # an unsafe page label names no file
    page = read(site, "pages/p1.html")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Bündnisse" in page
    lines.write_text('{"pages": [{"lines": "nonsense"}]}', encoding="utf-8")
    broken = run_cli("build", "--content", str(content), "--out", str(site), "--no-search")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "kleinstaaten.lines.json: error: pages[0].lines must be a list of the page's lines, not \"nonsense\" (text)" \
        in broken.stderr
