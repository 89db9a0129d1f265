"""The editor's hand beside the print (issue 26), on a book ingested from its PDF and then edited
(conftest's `edited_book`): the three texts kept apart, so that every block with a source line
keeps its printed form after corrections, words added and removed, paragraphs split and joined;
the corrections shown as the editor's interventions (a tool error undone is none); each page's
list of them; TEI with the page's zones and `choice`; the printed line linked to its place on
the page picture, and the picture's zoom, in Chromium."""
from __future__ import annotations

import itertools
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ADDED, CONTENT, EDITED, FIXTURES, jing, page_words, run_cli

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def _paragraphs(page: str) -> dict[str, str]:
    return {m.group(2): m.group(0) for m in re.finditer(r'<p class="(para[^"]*)"[^>]*id="([^"]+)".*?</p>\n', page, re.S)}


def _chapter_pages(site: Path) -> list[Path]:
    return sorted((site / EDITED.removesuffix(".md")).glob("*.html"))


def test_every_block_with_a_source_line_keeps_its_printed_form_after_the_editors_work(edited_book):
    _, site, result = edited_book
    warned = [str(w) for w in result.warnings if "printed source" in str(w) or "no longer match" in str(w)]
    assert len(warned) == 1 and "1 block(s) have no printed source" in warned[0], warned  # the added paragraph alone
    seen = 0
    for path in _chapter_pages(site):
        for anchor, paragraph in _paragraphs(page_words(path)).items():
            seen += 1
            if ADDED in paragraph:
                assert 'class="para unprinted" data-unprinted="nicht im Druck (vom Herausgeber hinzugefügt)"' in paragraph
                assert 'class="dipl"' not in paragraph
            else:  # the corrected, shortened, lengthened, split and joined ones too
                assert 'class="dipl"' in paragraph and "unprinted" not in paragraph, (path.name, anchor)
    assert seen > 10
    page = page_words(site / EDITED.removesuffix(".md") / "s1-1.html")
    paragraphs = list(_paragraphs(page).values())
    # split: both halves printed; joined: one paragraph with the lines of both
    assert any(p.count('<span class="dl"') > 4 and "Die Außenpolitik kleiner" in p and "Erst die Wirtschaftskrise" not in p
               for p in paragraphs)


def test_the_editors_corrections_are_marked_in_the_print_and_a_tool_error_undone_is_not(edited_book):
    _, site, _ = edited_book
    page = page_words(site / EDITED.removesuffix(".md") / "s1-1.html")
    dipl = "".join(re.findall(r'<span class="dipl"[^>]*>(.*?)</span></p>', page, re.S))
    # the word corrected: the print's "Wende", titled with the reading
    assert '<span class="dl-corr" title="Eingriff des Herausgebers, Lesetext: Wendung">Wende</span>' in dipl
    # the word added, where it stands; the one taken out, struck
    assert re.search(r'sehr <span class="dl-corr dl-add" title="vom Herausgeber ergänzt: ganz">‸</span>'
                     r'(<span class="dl-fix"[^>]*>)?unterschiedli', dipl)
    assert '<span class="dl-corr dl-del" title="vom Herausgeber getilgt">meist</span>' in dipl
    # the tool's "derNachkriegszeit" undone: as printed, no mark of anyone's
    line = next(line for line in re.findall(r'<span class="dl"[^>]*>(.*?)</span>(?=<span class="dl|</span>)', dipl)
                if "Nachkriegszeit" in line)
    assert re.search(r"der Nachkriegs", re.sub(r"<[^>]+>", "", line)) and "dl-corr" not in line and "der</span>" not in line
    # the repairs of the review report stay the tool's
    assert 'class="dl-fix"' in dipl
    # the page ends with its list of corrections: where in the print, what it says, what it reads
    listed = page[page.index('<section class="corrections"'):]
    items = re.findall(r'<li><a href="#([^"]+)">S\. (\d+), Z\. (\d+)</a>: (.*?)</li>', listed)
    said = [re.sub(r"<[^>]+>", "", text) for _, _, _, text in items]
    assert said == ["Wende → Wendung", "(ergänzt) → ganz", "meist → (getilgt)"], said
    assert all(anchor.startswith("s1-1-p") for anchor, _, _, _ in items)
    # nothing of the reading text is pink: the corrected paragraph reads as any other
    assert "unprinted" not in _paragraphs(page)[items[0][0]]


def test_tei_has_the_pages_zones_every_line_pointing_at_its_own_and_the_corrections_as_choice(edited_book):
    _, site, _ = edited_book
    folder = site / EDITED.removesuffix(".md")
    path = next(folder.glob("*.tei.xml"))
    tei = path.read_text(encoding="utf-8")
    assert '<choice><sic>Wende</sic><corr resp="#hrsg-1">Wendung</corr></choice>' in tei
    assert '<choice><sic/><corr resp="#hrsg-1">ganz</corr></choice>' in tei
    assert '<choice><sic>meist</sic><corr resp="#hrsg-1"/></choice>' in tei
    assert "derNachkriegszeit" not in tei and "<sic>der" not in tei
    assert '<note type="editorial" resp="#hrsg-1" n="a" xml:id="ed-quelle">' in tei
    root = ET.fromstring(tei)
    surfaces = root.findall(f"{TEI}facsimile/{TEI}surface")
    assert surfaces and all(s.find(f"{TEI}graphic").get("url").startswith("../pages/img/") for s in surfaces)
    ids = {element.get(XML_ID) for element in root.iter() if element.get(XML_ID)}
    breaks = root.iter(f"{TEI}lb")
    pointed = [lb.get("facs") for lb in breaks]
    assert len(pointed) > 200 and all(p and p[1:] in ids and p.startswith("#z") for p in pointed)
    assert all(pb.get("facs", "#")[1:] in ids for pb in root.iter(f"{TEI}pb"))
    # the line beginnings are those of the print: the paragraph split by the editor begins mid-line
    checked = jing(path, site / "edition.tei.xml")
    assert checked.returncode == 0, checked.stdout[-3000:]
    corpus = (site / "edition.tei.xml").read_text(encoding="utf-8")
    prefix = "_" + EDITED.removesuffix(".md")  # an xml:id begins with a letter or "_"
    assert f'resp="#{prefix}.hrsg-1"' in corpus and f'facs="#{prefix}.z' in corpus


def test_a_lines_file_from_before_still_builds_and_shows_the_print(tmp_path):
    """Version 1 (no version, no record of the ingested text, geometry as points): the
    blocks are found in the print by their characters, as before."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    old = FIXTURES / "lines-v1" / "kleinstaaten.lines.json"
    shutil.copy(old, content / "review" / "kleinstaaten.lines.json")
    site = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(site), "--no-search")
    assert result.returncode == 0, result.stderr
    new = tmp_path / "new"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(new), "--no-search")
    assert result.returncode == 0, result.stderr
    for name in ("vor-6", "s6", "s6-1", "s6-2"):
        before = re.findall(r'<span class="dipl".*?</span></p>', (site / "kleinstaaten" / f"{name}.html").read_text("utf-8"))
        after = re.findall(r'<span class="dipl".*?</span></p>', (new / "kleinstaaten" / f"{name}.html").read_text("utf-8"))
        assert before and len(before) == len(after), name
    # a newer version than this build reads is said so, not misread
    data = json.loads(old.read_text(encoding="utf-8"))
    data["version"] = 9
    (content / "review" / "kleinstaaten.lines.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(site), "--no-search")
    assert result.returncode == 1 and "version 9 (a number): this build reads lines files of versions 1 to 2" \
        in result.stderr


# ---- in Chromium: the printed line and its place on the page picture; the zoom ----


def _open(browser, url: str, width: int = 1400, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(url)
    tab.wait_for_function("document.querySelector('.facs-page.current img, .sheet-picture img') !== null")
    return context, tab, errors


def _lit(tab) -> list[str]:
    return tab.evaluate("Array.from(document.querySelectorAll('.zoom-box.is-lit')).map(b => b.dataset.id)")


@pytest.mark.browser
def test_pointing_at_a_paragraph_or_a_printed_line_lights_its_lines_on_the_page_beside(browser, edited_book, edited_site):
    context, tab, errors = _open(browser, edited_site + EDITED.removesuffix(".md") + "/s1-1.html")
    paragraph = tab.locator("p.para[data-lines]").nth(1)
    zones = paragraph.get_attribute("data-lines").split()
    paragraph.hover()
    lit = _lit(tab)
    assert lit and set(lit) <= set(zones) and len(lit) >= 3
    # the lit boxes stand over the printed lines: inside the picture, one under the other
    picture = tab.locator(".facs-page.current img").bounding_box()
    boxes = [tab.locator(f'.facs-page.current .zoom-box[data-id="{z}"]').bounding_box() for z in lit]
    assert all(picture["x"] <= b["x"] and b["x"] + b["width"] <= picture["x"] + picture["width"] + 1 for b in boxes)
    assert all(a["y"] < b["y"] for a, b in itertools.pairwise(boxes))
    # as printed: pointing at one line lights that line alone
    tab.get_by_role("button", name="Wie gedruckt").click()
    line = tab.locator(".dipl .dl[data-zone]").nth(5)
    line.hover()
    assert _lit(tab) == [line.get_attribute("data-zone")]
    # the keyboard: the printed lines are one stop, the arrows go from line to line and light it
    tab.locator(".dipl .dl[data-zone]").first.focus()
    first = tab.evaluate("document.activeElement.dataset.zone")
    tab.keyboard.press("ArrowDown")
    second = tab.evaluate("document.activeElement.dataset.zone")
    assert first != second and _lit(tab) == [second]
    assert tab.locator('.dipl .dl[tabindex="0"]').count() == tab.locator(".dipl").filter(
        has=tab.locator(".dl[data-zone]")).count()
    context.close()
    assert errors == []


@pytest.mark.browser
def test_clicking_a_line_on_the_picture_goes_to_it_in_the_text(browser, edited_book, edited_site):
    context = browser.new_context(viewport={"width": 1400, "height": 700})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(edited_site + EDITED.removesuffix(".md") + "/s1-1.html")
    tab.get_by_role("button", name="Wie gedruckt").click()
    lines = tab.locator(".dipl .dl[data-zone]")
    zones = lines.evaluate_all("lines => lines.map(l => l.dataset.zone)")
    page = zones[0].split("-")[0]
    on_page = [k for k, zone in enumerate(zones) if zone.startswith(page + "-")]
    # as printed, the picture beside the text is the page of the line being read
    lines.nth(on_page[0]).evaluate("line => window.scrollTo(0, line.getBoundingClientRect().top + scrollY - innerHeight * 0.3)")
    tab.wait_for_timeout(150)
    assert tab.locator(".facs-page.current").get_attribute("data-page") == page[1:]
    target = lines.nth(on_page[-1])
    zone = zones[on_page[-1]]
    assert target.bounding_box()["y"] > 700 - 10   # the page's last line below the window
    tab.locator(f'.facs-page.current .zoom-box[data-id="{zone}"]').click()
    assert tab.evaluate("document.activeElement.dataset.zone") == zone
    shown = target.bounding_box()
    assert 0 <= shown["y"] <= 700 - shown["height"]
    assert _lit(tab) == [zone]
    assert tab.locator(".facs-page.current").get_attribute("data-page") == page[1:]   # the picture stays
    # in the reading text the click goes to the paragraph the line belongs to
    tab.get_by_role("button", name="Lesetext").click()
    tab.evaluate("window.scrollTo(0, 0)")
    tab.wait_for_timeout(150)
    first = tab.locator(".facs-page.current").get_attribute("data-page")
    box = tab.locator(f'.facs-page.current .zoom-box[data-id="z{first}-{zones[0].split("-")[1]}"]')
    box.click()
    focused = tab.evaluate("document.activeElement.getAttribute('data-lines') || ''")
    assert zones[0] in focused.split()
    context.close()
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1400])
def test_the_page_picture_zooms_beside_the_text_and_in_the_page_view(browser, edited_book, edited_site, width):
    context, tab, errors = _open(browser, edited_site + "pages/3.html", width)
    picture = tab.locator(".sheet-picture img")
    start = picture.bounding_box()["width"]
    tab.locator(".sheet-picture .zoom-viewport").focus()
    for _ in range(3):
        tab.keyboard.press("+")
    assert picture.bounding_box()["width"] >= 2 * start - 1
    # the largest picture the cache holds is what the zoom shows
    tab.wait_for_function("document.querySelector('.sheet-picture img').currentSrc.endsWith('-1600.webp')")
    tab.keyboard.press("Escape")
    assert abs(picture.bounding_box()["width"] - start) < 1
    # a line of the picture goes to its line beside it
    line = tab.locator(".dipl-page .dl[data-zone]").nth(3)
    tab.locator(f'.sheet-picture .zoom-box[data-id="{line.get_attribute("data-zone")}"]').click()
    assert tab.evaluate("document.activeElement.dataset.zone") == line.get_attribute("data-zone")
    context.close()
    if width == 1400:  # beside the reading text, by pointer: Ctrl + wheel
        context, tab, errors2 = _open(browser, edited_site + EDITED.removesuffix(".md") + "/s1-1.html", width)
        beside = tab.locator(".facs-page.current img")
        before = beside.bounding_box()
        tab.mouse.move(before["x"] + before["width"] / 2, before["y"] + before["height"] / 3)
        tab.keyboard.down("Control")
        for _ in range(4):
            tab.mouse.wheel(0, -120)
        tab.keyboard.up("Control")
        assert beside.bounding_box()["width"] >= 2 * before["width"] - 1
        # the picture stays in its column: the viewer clips it
        viewport = tab.locator(".facs-page.current .zoom-viewport").bounding_box()
        assert viewport["width"] <= before["width"] + 1
        tab.locator(".facs-page.current .zoom-viewport").focus()
        tab.keyboard.press("Escape")
        after = beside.bounding_box()
        assert abs(after["width"] - before["width"]) < 1 and abs(after["height"] - before["height"]) < 1
        context.close()
        errors += errors2
    assert errors == []


@pytest.mark.browser
def test_without_javascript_the_pictures_lists_and_links_still_work(browser, edited_book, edited_site):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(edited_site + EDITED.removesuffix(".md") + "/s1-1.html")
    assert tab.locator(".zoom-viewport").count() == 0
    link = tab.locator(".facs-page a").first
    assert link.get_attribute("href").startswith("../pages/")
    assert tab.locator(".corrections-list li a").count() == 3
    assert tab.locator(".ed-notes li#ed-quelle").count() == 1
    tab.goto(edited_site + "pages/3.html")
    assert tab.locator(".sheet-picture a img").count() == 1
    context.close()
