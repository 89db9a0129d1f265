"""The reading site on a real book's content, in Chromium at the widths readers use: a book
typeset by Typst whose notes cite long addresses, ingested from its PDF and built with its
facsimile (conftest's `url_book`). Each test is a finding of a reader's session (issue 25),
at the width where it was seen."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, page_words, run_cli

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def pages(site: Path, pattern: str = "0*/*.html") -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.glob(pattern))


def holding(site: Path, needle: str) -> str:
    """The first section page whose HTML holds `needle` (its words as a reader sees them)."""
    return next(path for path in pages(site) if needle in page_words(site / path))


def source_addresses(content: Path) -> list[str]:
    """Every address the chapter sources write out (http, https, mailto), as a reader would follow it."""
    found = re.findall(r"(?:https?://|mailto:)[^\s)]+", "\n".join(p.read_text(encoding="utf-8") for p in content.glob("*.md")))
    return [address.rstrip(".,;") for address in found]


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def test_the_book_has_what_a_reader_met(url_book):
    content, _ = url_book
    assert len(source_addresses(content)) >= 30
    assert any(len(address) > 100 for address in source_addresses(content))
    assert 'language = "de"' in (content / "edition.toml").read_text(encoding="utf-8")


def test_a_german_edition_speaks_german_not_swiss(browser, url_book, url_site):
    """`language = "de"` with ß in the text: "Schließen", `data-locale="de"`, Pagefind's "de"."""
    _, site = url_book
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(url_site + holding(site, "sipri.org"))
    tab.locator(".section-tools .cite-button").click()
    assert tab.locator(".cite-popover:popover-open .cite-close").inner_text() == "Schließen"
    assert tab.evaluate("[document.documentElement.lang, document.documentElement.dataset.locale]") == ["de", "de"]
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["de"]
    context.close()


# ---- phones (390 px) ------------------------------------------------------------------------------

def test_on_a_phone_notes_13_and_14_open_inside_the_screen(phone, url_book, url_site):
    _, site = url_book
    phone.goto(url_site + holding(site, 'id="fnref-14"'))
    for label in ("13", "14"):
        phone.locator(f"#fnref-{label}").tap()
        note = phone.locator(f"#fnpop-{label}")
        assert note.is_visible()
        box = note.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844, box
        phone.keyboard.press("Escape")


def test_on_a_phone_a_note_reference_never_opens_a_line(phone, url_book, url_site):
    """"Ungleichheit." at a line's end and "13" alone at the start of the next (seen at 390 px):
    a reference stands on the line of the word it follows."""
    _, site = url_book
    checked = 0
    for path in pages(site)[:6]:
        phone.goto(url_site + path)
        apart = phone.evaluate("""() => [...document.querySelectorAll('main .para .fnref')].filter(ref => {
            const before = ref.previousSibling || ref.parentElement.previousSibling;
            if (!before || before.nodeType !== Node.TEXT_NODE || !before.textContent.trim()) return false;
            const range = document.createRange();
            const text = before.textContent.trimEnd();
            range.setStart(before, text.length - 1); range.setEnd(before, text.length);
            return Math.abs(range.getBoundingClientRect().bottom - ref.getBoundingClientRect().bottom) > 6;
        }).map(ref => ref.id)""")
        checked += phone.locator("main .para .fnref").count()
        assert apart == [], (path, apart)
    assert checked >= 20


def test_on_a_phone_no_page_scrolls_sideways_and_every_note_opens_inside_the_screen(phone, url_book, url_site):
    _, site = url_book
    wide = {}
    every = pages(site) + pages(site, "pages/*.html")
    for path in every:
        phone.goto(url_site + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
    assert wide == {}
    # the notes with the longest addresses, each opened: inside the screen, not wider than it
    phone.goto(url_site + holding(site, "sipri.org"))
    outside = phone.evaluate("""() => [...document.querySelectorAll('.fn-popover')].filter(note => {
        note.showPopover(); const box = note.getBoundingClientRect(); note.hidePopover();
        return box.left < 0 || box.top < 0 || box.right > innerWidth || box.bottom > innerHeight; }).map(n => n.id)""")
    assert outside == []


def test_on_a_phone_a_printed_pages_lines_stay_lines(phone, url_book, url_site):
    """The page view keeps each printed line one line, in type not smaller than 9 px (the
    longest line fills the column), and nothing reaches past the screen."""
    _, site = url_book
    for path in pages(site, "pages/*.html")[4:7]:
        phone.goto(url_site + path)
        found = phone.evaluate("""() => {
            const page = document.querySelector('.dipl-page'), room = page.getBoundingClientRect();
            const lines = [...page.querySelectorAll('.dl')].filter(line => line.textContent.trim());
            return { broken: lines.filter(line => line.getClientRects().length !== 1).length,
                     widest: Math.max(...lines.map(line => line.getBoundingClientRect().width)),
                     right: Math.max(...lines.map(line => line.getBoundingClientRect().right)),
                     room: room.width, edge: room.right, lines: lines.length,
                     size: parseFloat(getComputedStyle(lines[0]).fontSize),
                     fitted: page.classList.contains('dl-fit'),
                     document: document.documentElement.scrollWidth }; }""")
        assert found["lines"] > 20 and found["fitted"] and found["broken"] == 0, (path, found)
        assert found["document"] <= 390 and found["size"] >= 9, (path, found)
        assert found["right"] <= found["edge"] + 0.5 and found["widest"] >= 0.9 * found["room"], (path, found)


# ---- addresses ---------------------------------------------------------------------------------

def test_addresses_in_notes_are_links_wherever_a_note_is_shown(url_book):
    content, site = url_book
    html = {path: (site / path).read_text(encoding="utf-8") for path in pages(site)}
    everything = "\n".join(html.values())
    for address in source_addresses(content):
        linked = f'href="{address.replace("&", "&amp;")}"'
        assert linked in everything, address
    page = html[holding(site, "sipri.org")]
    notes_list = page[page.index('<ol class="notes-list">'):page.index("</ol>", page.index('<ol class="notes-list">'))]
    popovers = "".join(re.findall(r'<div popover id="fnpop-.*?</div>', page, re.S))
    sidenotes = "".join(re.findall(r'<aside class="sidenotes".*?</aside>', page, re.S))
    for part in (notes_list, popovers, sidenotes):
        assert part.count('class="url" href="https://') >= 1 and 'href="mailto:' in everything
    # the margin's copy is hidden from assistive tools: its links are not in the tab order
    assert all('tabindex="-1"' in link for link in re.findall(r"<a [^>]*>", sidenotes))
    assert 'href="javascript:' not in everything


def test_addresses_on_a_print_page_are_links_to_the_whole_address_also_where_the_print_broke_them(url_book):
    content, site = url_book
    addresses = {address.replace("&", "&amp;") for address in source_addresses(content)}
    broken = 0
    for view in sorted((site / "pages").glob("*.html")):
        html = view.read_text(encoding="utf-8")
        lines = re.findall(r'<span class="dl dl-\w+"[^>]*>(.*?)</span>\n', html, re.S)
        assert lines, view.name
        for line in lines:
            outside = re.sub(r'<a class="url" href="[^"]*">[^<]*</a>', "", line)
            assert "https://" not in outside and "http://" not in outside, (view.name, line)
        hrefs = re.findall(r'<a class="url" href="([^"]*)">([^<]*)</a>', html)
        for href, shown in hrefs:
            assert href in addresses, (view.name, href)
            broken += shown != href
    assert broken >= 4   # the book's long addresses break over lines: each part leads to the whole


@pytest.mark.parametrize("width", [1280, 1400, 1920])
def test_sidenotes_and_notes_with_long_addresses_stay_inside_the_window(browser, url_book, url_site, width):
    _, site = url_book
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(url_site + holding(site, "sipri.org"))
    tab.locator(".facs-toggle").click()  # the notes beside the text instead of the page picture
    found = tab.evaluate("""() => {
        const boxes = [...document.querySelectorAll('.sidenote')].map(note => note.getBoundingClientRect());
        const text = document.querySelector('.para').getBoundingClientRect();
        const popovers = [...document.querySelectorAll('.fn-popover')].filter(note => {
            note.showPopover(); const box = note.getBoundingClientRect(); note.hidePopover();
            return box.left < 0 || box.top < 0 || box.right > innerWidth || box.bottom > innerHeight; });
        return { count: boxes.length, right: Math.max(...boxes.map(b => b.right)), left: Math.min(...boxes.map(b => b.left)),
                 text: text.right, document: document.documentElement.scrollWidth, popovers: popovers.length }; }""")
    assert found["count"] >= 3 and found["document"] <= width, found
    assert found["right"] <= width and found["left"] > found["text"], found
    assert found["popovers"] == 0, found
    context.close()


# ---- laptops: facsimile, sidenotes and the chapter's sections beside the text ------------------

@pytest.mark.parametrize("width, height", [(1280, 800), (1366, 768), (1400, 900)])
def test_on_a_laptop_the_page_picture_the_notes_and_the_sections_stand_beside_the_text(browser, url_book, url_site,
                                                                                     width, height):
    _, site = url_book
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    tab.goto(url_site + holding(site, "sipri.org"))
    measure = """() => {
        const box = selector => { const e = document.querySelector(selector);
            if (!e || !e.checkVisibility()) return null;
            const r = e.getBoundingClientRect(); return r.width ? { x: r.left, right: r.right, y: r.top, bottom: r.bottom, width: r.width } : null; };
        return { text: box('.para'), number: box('.para-num'), page: box('.pb'), nav: box('.chapter-nav'),
                 picture: box('.facs-page.current img'), sidenote: box('.sidenote'), header: box('.site-header'),
                 pressed: document.querySelector('.facs-toggle').getAttribute('aria-pressed') }; }"""
    tab.wait_for_function("document.querySelector('.facs-page.current img').complete")
    on = tab.evaluate(measure)
    assert on["text"]["width"] >= 400 and on["picture"]["width"] >= 250, on
    assert on["picture"]["x"] >= on["page"]["right"] and on["picture"]["right"] <= width, on
    assert on["picture"]["bottom"] <= height and on["picture"]["y"] >= on["header"]["bottom"], on
    assert on["nav"] and on["nav"]["right"] <= on["number"]["x"], on
    assert on["pressed"] == "true" and on["sidenote"] is None
    tab.locator(".facs-toggle").click()
    off = tab.evaluate(measure)
    assert off["text"] == on["text"] and off["nav"] == on["nav"], (on, off)   # no column moves
    assert off["picture"] is None and off["sidenote"]["x"] >= on["page"]["right"] and off["sidenote"]["right"] <= width
    assert off["pressed"] == "false"
    tab.locator(".facs-toggle").click()
    assert tab.evaluate(measure)["text"] == on["text"]
    context.close()


def test_the_page_picture_never_covers_the_header_and_its_notices(browser, url_book):
    """Opened from disk the search box says it needs a web server: the picture stays clear of it."""
    _, site = url_book
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.goto((site / holding(site, "sipri.org")).as_uri())
    for scroll in (0, 400):
        tab.evaluate(f"window.scrollTo(0, {scroll})")
        overlap = tab.evaluate("""() => {
            const a = document.querySelector('.search-note').getBoundingClientRect();
            const b = document.querySelector('.facsimile').getBoundingClientRect();
            return !(b.left >= a.right || b.right <= a.left || b.top >= a.bottom || b.bottom <= a.top); }""")
        assert not overlap
    context.close()


def test_on_a_tablet_the_facsimile_switch_that_would_change_nothing_is_not_shown(browser, url_book, url_site):
    _, site = url_book
    context = browser.new_context(viewport={"width": 900, "height": 1100})
    tab = context.new_page()
    tab.goto(url_site + holding(site, "sipri.org"))
    assert not tab.locator(".facs-toggle").is_visible()
    assert tab.locator(".facsimile").is_visible()   # the pages, under the text
    context.close()


# ---- the text as printed ---------------------------------------------------------------------------

def test_as_printed_each_line_stays_one_line_at_1400_px(browser, url_book, url_site):
    _, site = url_book
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.goto(url_site + holding(site, "sipri.org"))
    tab.locator('button[data-view="printed"]').click()
    found = tab.evaluate("""() => {
        const blocks = [...document.querySelectorAll('.reading .dipl')].filter(b => b.offsetParent && !b.closest('.notes'));
        const lines = blocks.flatMap(b => [...b.querySelectorAll('.dl')].map(line => [b, line]));
        return { lines: lines.length,
                 broken: lines.filter(([b, line]) => line.getClientRects().length !== 1).length,
                 clipped: lines.filter(([b, line]) => line.getBoundingClientRect().right > b.getBoundingClientRect().right + 0.5).length,
                 fill: Math.max(...lines.map(([b, line]) => line.getBoundingClientRect().width / b.clientWidth)),
                 document: document.documentElement.scrollWidth }; }""")
    assert found["lines"] > 20 and found["broken"] == 0 and found["clipped"] == 0, found
    assert found["fill"] >= 0.9 and found["document"] <= 1400, found   # the longest line fills the column
    context.close()


# ---- copying ---------------------------------------------------------------------------------------

def test_a_copied_paragraph_gives_its_words_alone(browser, url_book, url_site):
    """A paragraph with note references and a print page beginning inside it: what the selection
    gives is the source's words, without its number, "Zitieren", note numbers or "S. 2"."""
    content, _ = url_book
    source = next(p for p in sorted(content.glob("002-*.md")))
    section, number, anchor = "index", 0, ""
    for line in source.read_text(encoding="utf-8").split("\n\n"):
        if line.startswith("## "):
            section, number = "s" + line.split()[1].replace(".", "-"), 0
        elif line and not line.startswith(("+++", "#", "[^")) and not re.fullmatch(r"(\{\{[^}]*\}\}\s*)+", line):
            number += 1
            if "[^" in line and re.search(r".\{\{page \d+\}\}", line):
                anchor, paragraph = f"{section if section != 'index' else 'intro'}-p{number}", line
                break
    words = " ".join(re.sub(r"\[\^\d+\]|\{\{page \w+\}\}|\*", "", paragraph).split())
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(f"{url_site}{source.stem}/{section}.html")
    copied = tab.evaluate("""(id) => {
        const range = document.createRange(); range.selectNodeContents(document.getElementById(id));
        const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
        return selection.toString(); }""", anchor)
    assert " ".join(copied.split()) == words
    context.close()


# ---- search: where a hit stands ------------------------------------------------------------------

def _results(tab, query: str) -> list[tuple[str, str]]:
    """(link, where it says the hit stands) of each result the search box shows for `query`,
    once all of them have loaded."""
    tab.locator(".search input").fill(query)
    tab.wait_for_function("""(query) => {
        const results = [...document.querySelectorAll('.pagefind-ui__result')];
        const links = [...document.querySelectorAll('.pagefind-ui__result-nested .pagefind-ui__result-link')];
        return results.length && links.length === results.length &&
            links.every(link => link.getAttribute('href').includes('pagefind-highlight=' + encodeURIComponent(query.toLowerCase())));
        }""", arg=query, timeout=10000)
    return tab.evaluate("""() => [...document.querySelectorAll('.pagefind-ui__result-nested')].map(n =>
        [n.querySelector('.pagefind-ui__result-link').getAttribute('href'), n.querySelector('.pagefind-ui__result-title').innerText])""")


def _file(site: Path, href: str) -> str:
    """The built page a result links to ("/site/002-…/?…#intro-p1" → its index.html)."""
    path = re.split(r"[?#]", href, maxsplit=1)[0].split("/", 2)[2]
    return (site / (path + "index.html" if path.endswith("/") or not path else path)).read_text(encoding="utf-8")


def test_a_search_hit_in_a_note_says_which_note_and_on_which_print_page(browser, url_book, url_site):
    content, site = url_book
    printed = json.loads(next((content / "review").glob("*.lines.json")).read_text(encoding="utf-8"))["pages"]

    def note_page(label: str, chapter_pages: set[str]) -> str:
        mark = label.translate(SUPERSCRIPT)
        return next(p["page"] for p in printed if p["page"] in chapter_pages
                    for line in p["lines"] if line["role"] == "note" and line["text"].startswith(mark))

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(url_site + "index.html")
    results = _results(tab, "vorstoesse")   # a word only the notes' addresses have
    assert results
    for href, label in results:
        match = re.fullmatch(r"Anm\. (\d+), S\. (\w+)", label)
        assert match, label
        assert href.split("#")[1] == f"fn-{match.group(1)}"
        page = _file(site, href)
        chapter = {m for m in re.findall(r'id="seite-(\w+)"', page)} | set(re.findall(r'first_page:(\w+)', page))
        assert match.group(2) == note_page(match.group(1), chapter | {str(int(p) - 1) for p in chapter if p.isdigit()})
    context.close()


def test_a_search_hit_says_the_print_page_of_its_paragraph_also_in_an_introduction(browser, url_book, url_site):
    _, site = url_book
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(url_site + "index.html")
    # "Genfer" stands in many sections; the rarest word of the first chapter's introduction
    # in it too (a chapter's own page)
    chapter = sorted(site.glob("002-*"))[0]
    opening = page_words(chapter / "index.html")
    intro = re.sub(r"<[^>]+>", " ", opening[opening.index('class="reading intro"'):opening.index('<section class="notes"')])
    everything = " ".join(page_words(site / path) for path in pages(site))
    rare = min((w for w in set(re.findall(r"\b[A-ZÄÖÜ][a-zäöüß]{6,}\b", intro))), key=lambda w: (everything.count(w), w))
    results = _results(tab, "Genfer") + _results(tab, rare)
    assert len(results) >= 4
    for href, label in results:
        match = re.fullmatch(r"S\. (\w+), Abs\. (\d+)", label)
        assert match, (href, label)
        anchor, html = href.split("#")[1], _file(site, href)
        start = re.search(rf'<p class="para"[^>]* id="{re.escape(anchor)}"', html).start()   # type: ignore[union-attr]
        end = html.index("</p>", start)
        before = re.findall(r'id="seite-(\w+)"', html[:start]) or re.findall(r"first_page:(\w+)", html)
        inside = re.findall(r'id="seite-(\w+)"', html[start:end])
        assert match.group(1) in {before[-1], *inside}, (href, label)
        assert anchor.endswith(f"-p{match.group(2)}")
    assert any("#intro-p" in href for href, _ in results)   # a chapter's introduction, with its page
    context.close()


# ---- dark mode ------------------------------------------------------------------------------------

def test_in_dark_mode_the_page_picture_is_dimmed(browser, url_book, url_site):
    from io import BytesIO

    from PIL import Image, ImageStat

    _, site = url_book
    brightness = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme=scheme)
        tab = context.new_page()
        tab.goto(url_site + holding(site, "sipri.org"))
        picture = tab.locator(".facs-page.current img")
        tab.wait_for_function("document.querySelector('.facs-page.current img').complete")
        tab.mouse.move(5, 5)  # not pointing at it (that shows it as scanned)
        shot = Image.open(BytesIO(picture.screenshot())).convert("L")
        brightness[scheme] = ImageStat.Stat(shot).mean[0]
        context.close()
    assert brightness["light"] > 200 and brightness["dark"] < 0.8 * brightness["light"], brightness


# ---- tables ------------------------------------------------------------------------------------

def test_a_tables_page_mark_stands_in_the_margin_and_a_wide_table_scrolls_in_its_frame(browser, tmp_path):
    # A page marker inside a table (or a list, a quote) was placed against no block of its own and
    # never shown: "S. 44" was missing from the margin. On a phone a table wider than the screen
    # must scroll inside its frame, never the page.
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "golden" / "content", content)
    wide = "| " + " | ".join(f"Spalte{k}" for k in range(12)) + " |\n|" + "---|" * 12 + "\n| " + \
        " | ".join(f"Bevölkerungsentwicklung{k}" for k in range(12)) + " |\n"
    probe = content / "probe.md"
    probe.write_text(probe.read_text(encoding="utf-8") + "\n" + wide, encoding="utf-8")
    site = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(site), "--no-search").returncode == 0
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        tab.goto((site / "probe" / "eigene-id.html").as_uri())
        found = tab.evaluate("""() => {
            const mark = document.querySelector('.table-wrap a.pb[id="seite-44"]').getBoundingClientRect();
            const table = document.querySelector('.table-wrap table').getBoundingClientRect();
            const frames = [...document.querySelectorAll('.table-wrap')].map(f => [f.scrollWidth, f.clientWidth]);
            return { mark: [mark.left, mark.width, mark.height], table: table.right,
                     page: document.documentElement.scrollWidth, frames }; }""")
        assert found["mark"][1] > 0 and found["mark"][2] > 0, found          # shown
        if width == 1280:
            assert found["mark"][0] >= found["table"], found                  # in the margin, beside its row
        assert found["page"] <= width, found                                   # the page never scrolls sideways
        assert any(scroll > client for scroll, client in found["frames"]), found   # the wide table in its frame
        context.close()
