"""Real headless Chromium: footnote popovers, citation popovers and search as a reader uses them."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, served_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(served_site + "kleinstaaten/s6-1.html")
    yield tab
    assert errors == []
    context.close()


def test_footnote_8_opens_with_enter_and_closes_with_escape_returning_focus(page):
    reference = page.locator("#fnref-8")
    note = page.locator("#fnpop-8")
    assert reference.inner_text() == "8"
    assert not note.is_visible()
    reference.focus()
    page.keyboard.press("Enter")
    assert note.is_visible()
    assert "Müller-Brandeck-Bocquet" in note.inner_text()
    box, anchor = note.bounding_box(), reference.bounding_box()
    assert abs(box["y"] - (anchor["y"] + anchor["height"])) < 40 or abs(anchor["y"] - (box["y"] + box["height"])) < 40
    page.keyboard.press("Escape")
    assert not note.is_visible()
    assert page.evaluate("document.activeElement.id") == "fnref-8"


def test_footnote_opens_by_click_and_closes_by_click_outside(page):
    page.locator("#fnref-8").click()
    assert page.locator("#fnpop-8").is_visible()
    page.mouse.click(5, 880)
    assert not page.locator("#fnpop-8").is_visible()


def test_footnote_opens_by_tap_on_a_touch_screen(browser, served_site):
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(served_site + "kleinstaaten/s6-1.html")
    tab.locator("#fnref-8").tap()
    note = tab.locator("#fnpop-8")
    assert note.is_visible()
    box = note.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits on the phone's screen
    tab.mouse.click(5, 5)
    assert not note.is_visible()
    context.close()


def test_paragraph_citation_has_absolute_url_and_exact_anchor(page):
    page.locator("#s6-1-p1").hover()
    page.locator('.para-cite[popovertarget="cite-s6-1-p1"]').click()
    citation = page.locator("#cite-s6-1-p1")
    assert citation.is_visible()
    text = citation.locator(".cite-text").inner_text()
    assert "Abschnitt 6.1 „Kooperative Verteidigungspolitik“, S. 229, Abs. 1" in text
    assert text.rstrip().endswith("/kleinstaaten/s6-1.html#s6-1-p1") and "http://127.0.0.1:" in text


def test_search_box_finds_a_word_and_links_to_its_section(page, served_site):
    page.locator(".search input").fill("Hoffnung")
    link = page.locator(".pagefind-ui__result-link").first
    link.wait_for(timeout=10000)
    # The site is served under a sub-path ("/site/"): result links must keep it.
    assert link.get_attribute("href").startswith("/site/kleinstaaten/s6-1.html?")
    link.click()
    page.wait_for_url(served_site + "kleinstaaten/s6-1.html*")
    assert page.locator("h1#s6-1").is_visible()


def test_a_search_hit_opens_its_paragraph_with_the_words_marked(page, served_site):
    page.locator(".search input").fill("Burden-Sharings")
    result = page.locator(".pagefind-ui__result").first
    result.wait_for(timeout=10000)
    result.locator(".pagefind-ui__result-link").first.wait_for(timeout=10000)  # loaded, not its placeholder ". . ."
    assert page.locator(".pagefind-ui__result").count() == 1                  # one entry per section
    assert result.locator(".pagefind-ui__result-title").first.inner_text().startswith("[Schluss eines")
    nested = result.locator(".pagefind-ui__result-nested")
    assert nested.count() == 1                                                # its title not repeated below it
    assert nested.locator(".pagefind-ui__result-title").inner_text() == "S. 229, Abs. 1"   # where the hit stands
    assert "<mark>" in nested.locator(".pagefind-ui__result-excerpt").inner_html()
    assert result.locator(".pagefind-ui__result-tag").count() == 0
    link = nested.locator(".pagefind-ui__result-link")
    assert link.get_attribute("href").endswith("#vor-6-p1")
    link.click()
    page.wait_for_url(served_site + "kleinstaaten/vor-6.html?*#vor-6-p1")
    marked = page.locator("#vor-6-p1 mark")
    marked.first.wait_for(timeout=10000)
    assert "Burden" in marked.first.inner_text()
    # a compound is marked whole, across the hidden joint of its parts
    page.goto(served_site + "kleinstaaten/vor-6.html?pagefind-highlight=koordinationsinstanz")
    page.locator("mark").first.wait_for(timeout=10000)
    assert "".join(page.locator("#vor-6-p1 mark").all_inner_texts()) == "Koordinationsinstanz"


def test_a_compounds_later_part_finds_it_and_the_page_reads_and_copies_it_whole(page):
    page.locator(".search input").fill("Politik")
    # a result shows ". . ." while its fragment loads: wait for its link
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=10000)
    shown = page.locator(".pagefind-ui__results").inner_text()
    assert "Verteidigungspolitik" in shown and "^" not in shown and "\u00ad" not in shown
    # On the page the word is whole: to the eye, in a copied selection, to find-in-page.
    title = page.locator("h1#s6-1")
    assert title.inner_text().endswith("Kooperative Verteidigungspolitik")
    copied = page.evaluate("""() => {
        const paragraph = [...document.querySelectorAll('.reading p:not(.sidenote)')].find(p => p.textContent.includes('Sicherheits'));
        const range = document.createRange(); range.selectNodeContents(paragraph);
        const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
        return selection.toString(); }""")
    assert "Sicherheitspolitik" in copied and "^" not in copied and "\u00ad" not in copied
    assert page.evaluate("() => window.find('Verteidigungspolitik')")


def test_search_box_merges_the_parts_of_a_large_editions_index(browser, tmp_path):
    from conftest import run_cli, serve_static
    from test_search import keyword, parted_edition

    from generator.search import SearchParts
    from generator.source import slug_of

    content = parted_edition(tmp_path)
    site = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(site)).returncode == 0
    files = sorted(content.glob("kapitel-*.md"))
    parts = SearchParts({slug_of(path): path.stat().st_size for path in files}, int(0.04 * 2**20))
    # A chapter whose pages are not in the main bundle: found only if the box merges the parts.
    number = next(n for n, path in enumerate(files) if parts.of(slug_of(path)) != parts.numbers[0])
    context = browser.new_context()
    tab = context.new_page()
    with serve_static(site) as url:
        tab.goto(url + "index.html")
        tab.locator(".search input").fill(keyword(number))
        link = tab.locator(".pagefind-ui__result-link").first
        link.wait_for(timeout=10000)
        assert link.get_attribute("href").startswith(f"/site/kapitel-{number + 1:05d}/s99.html")
    context.close()


def test_from_disk_notes_and_citations_work_and_search_says_it_needs_a_web_server(browser, built_site):
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto((built_site / "kleinstaaten" / "s6-1.html").as_uri())
    assert "nur, wenn die Edition über einen Webserver" in tab.locator(".search .search-note").inner_text()
    assert tab.locator(".search input").count() == 0  # no box that would search forever
    tab.locator("#fnref-8").click()
    assert "Müller-Brandeck-Bocquet" in tab.locator("#fnpop-8").inner_text()
    tab.keyboard.press("Escape")
    tab.locator('.para-cite[popovertarget="cite-s6-1-p1"]').click()
    assert tab.locator("#cite-s6-1-p1 .cite-url").inner_text().startswith("file:///")
    assert errors == []
    context.close()


def test_slash_goes_to_the_search_box(page):
    page.locator(".search input").wait_for(timeout=10000)
    page.locator("h1#s6-1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    assert page.evaluate("document.activeElement.closest('.search') !== null")
    assert page.locator(".search input").input_value() == ""  # the slash itself is not typed


@pytest.mark.parametrize("width, beside", [(1400, True), (390, False)])
def test_notes_stand_in_the_margin_beside_their_paragraph_on_wide_screens_only(browser, served_site, width, beside):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(served_site + "kleinstaaten/s6-1.html")
    sidenote = tab.locator(".sidenotes").first
    assert sidenote.is_visible() == beside
    if beside:
        paragraph, margin = tab.locator("#s6-1-p2").bounding_box(), sidenote.bounding_box()
        number = tab.locator("#seite-unbekannt-1").bounding_box()
        assert margin["x"] > number["x"] + number["width"]  # right of the column of page numbers
        assert abs(margin["y"] - paragraph["y"]) < 30  # level with its paragraph
        assert margin["x"] + margin["width"] <= width  # inside the window
        assert "Müller-Brandeck-Bocquet" in sidenote.inner_text()
    assert tab.locator("#fnref-8").is_visible()  # the popover stays for every screen
    context.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_the_chapters_sections_stand_beside_the_text_on_wide_screens(browser, served_site, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(served_site + "kleinstaaten/s6-1.html")
    navigation = tab.locator("nav.chapter-nav")
    assert navigation.is_visible() == (width >= 1376)
    if width >= 1376:
        current = navigation.locator("a[aria-current=page]")
        assert current.inner_text() == "6.1. Kooperative Verteidigungspolitik"
        assert navigation.locator("a").count() == 4  # this chapter's sections, not the book's
        side, text = navigation.bounding_box(), tab.locator("#s6-1-p1").bounding_box()
        assert side["x"] >= 0 and side["x"] + side["width"] < text["x"] - 16  # left of the paragraph numbers
    context.close()


def test_a_printed_section_looks_like_a_book_page(browser, served_site):
    context = browser.new_context(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    tab = context.new_page()
    tab.goto(served_site + "kleinstaaten/s6-1.html")
    tab.emulate_media(media="print")
    number, text = tab.locator("#s6-1-p2 .para-num").bounding_box(), tab.locator("#s6-1-p2").bounding_box()
    assert number["x"] + number["width"] <= text["x"]  # paragraph numbers in the left margin
    page_number = tab.locator("#seite-unbekannt-1").bounding_box()
    assert page_number["x"] >= text["x"] + text["width"]  # print pages in the right one
    assert tab.locator("#seite-unbekannt-1").evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    citation = tab.locator(".print-citation")
    assert citation.is_visible() and "Abschnitt 6.1" in citation.inner_text() and "s6-1.html" in citation.inner_text()
    for hidden in (".site-header", ".pager", ".para-cite", ".sidenotes", ".chapter-nav"):
        assert not tab.locator(hidden).first.is_visible(), hidden
    assert tab.locator("#fn-8").is_visible()  # the notes at the end
    assert tab.pdf(format="A4").startswith(b"%PDF")
    context.close()


def test_on_a_phone_notes_open_inside_the_screen_and_paragraphs_stay_quiet(browser, served_site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(served_site + "kleinstaaten/s6-1.html")
    reference = tab.locator("#fnref-8")
    size = reference.bounding_box()
    assert size["height"] < 20 and size["width"] < 16  # no gap after "wird.", the line not raised
    reference.tap()
    note = tab.locator("#fnpop-8").bounding_box()
    assert note["x"] >= 8 and note["x"] + note["width"] <= 390 - 8  # a margin on both sides
    assert tab.locator(".para-cite").first.evaluate("e => getComputedStyle(e).borderTopWidth") == "0px"
    context.close()


def test_going_to_the_note_closes_its_popover(page, served_site):
    page.locator("#fnref-8").click()
    page.locator("#fnpop-8 .fn-more").click()
    assert not page.locator("#fnpop-8").is_visible()
    assert page.evaluate("location.hash") == "#fn-8"


def test_at_1280_px_the_title_stays_on_one_line_beside_the_search_box(browser, served_site):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(served_site + "kleinstaaten/s6-1.html")
    title, search = tab.locator(".site-title").bounding_box(), tab.locator(".search").bounding_box()
    line = tab.locator(".site-title").evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert title["height"] < 1.5 * line  # one line
    assert search["y"] < title["y"] + title["height"] and title["y"] < search["y"] + search["height"]  # same row
    assert search["x"] > title["x"] + title["width"]
    context.close()


def test_a_page_number_never_breaks_across_lines(page, served_site):
    """"S. 229" stays on one line wherever the text wraps (the home page's example, the
    contents' page ranges): narrowed step by step, each keeps one line box."""
    page.goto(served_site + "index.html")
    broken = page.evaluate("""() => {
        const found = [];
        for (const element of document.querySelectorAll('.example-pb, .toc-page')) {
            const box = element.parentElement;
            for (let width = 420; width >= 60; width -= 3) {
                box.style.width = width + 'px';
                if (element.getClientRects().length > 1) { found.push(element.textContent + ' at ' + width); break; }
            }
            box.style.width = '';
        }
        return found; }""")
    assert broken == []
    assert page.locator(".example-pb").count() == 1 and page.locator(".toc-page").count() >= 1


def test_a_copied_paragraph_is_its_words_alone(page):
    """"1Zitieren\\nSie ist …13" was what a reader's copy gave: the paragraph's number, its
    "Zitieren" button, the print page mark and the note number are not part of the text."""
    copied = page.evaluate("""() => {
        const range = document.createRange(); range.selectNodeContents(document.getElementById('s6-1-p2'));
        const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
        return selection.toString(); }""")
    assert " ".join(copied.split()) == (
        "aber die Hoffnung aufkommen, dass mit der Zeit die Ansichten der Mitgliedstaaten zunehmend konvergieren "
        "werden, auch wenn weiterhin das Prinzip der Intergouvernementalität die Zusammenarbeit in diesem Bereich "
        "der Integration prägen wird.")


def test_the_interface_speaks_swiss_standard_german_for_a_swiss_edition(page, built_site):
    """The default edition is `de-CH`: "Schliessen", dates and Pagefind in its variety (the
    URL book, `de`, says "Schließen": test_reading.py)."""
    import json

    page.locator('.para-cite[popovertarget="cite-s6-1-p1"]').click()
    assert page.locator("#cite-s6-1-p1 .cite-close").inner_text() == "Schliessen"
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dataset.locale]") == ["de-CH", "de-CH"]
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["de-ch"]


HYPHENATES = """() => {
    const probe = document.createElement('div');
    probe.lang = document.documentElement.lang;
    probe.style.cssText = 'width:5em;font-size:16px;hyphens:auto;-webkit-hyphens:auto;overflow-wrap:normal;word-break:normal';
    probe.textContent = 'Verteidigungsbereitschaft';
    document.body.appendChild(probe);
    const broken = probe.scrollWidth <= probe.clientWidth + 1;
    probe.remove();
    return broken; }"""


def test_text_is_justified_only_where_the_browser_hyphenates_german(page):
    """Justified lines without hyphenation leave wide gaps ("schon  so,  wie  es"): ragged right
    unless this browser breaks a long German word; no soft hyphens are added to the text."""
    hyphenates = page.evaluate(HYPHENATES)
    align = page.locator("#s6-1-p1").evaluate("e => getComputedStyle(e).textAlign")
    assert align == ("justify" if hyphenates else "start"), (align, hyphenates)
    assert "\u00ad" not in page.content()
