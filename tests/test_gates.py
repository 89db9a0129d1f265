"""Quality gates on built sites: links, HTML validity, accessibility, determinism, hostile input,
and the exact list of problems `edition check` reports. Each gate also runs on a fixture made to
fail it, proving it can fail."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import CONTENT, FIXTURES, NODE_MODULES, ROOT, require_tool, run_cli
from sitecheck import check_site, tree_differences

sys.path.insert(0, str(ROOT / "bench"))
from corpus import write_corpus

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory) -> Path:
    """30 generated chapters that link to each other, built."""
    base = tmp_path_factory.mktemp("corpus")
    write_corpus(base / "content", 30)
    result = run_cli("build", "--content", str(base / "content"), "--out", str(base / "site"), "--no-search")
    assert result.returncode == 0, result.stderr
    return base / "site"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "site"
    result = run_cli("build", "--content", str(FIXTURES / "hostile" / "content"), "--out", str(out), "--no-search")
    assert result.returncode == 0, result.stderr
    return out


# ---- links ----------------------------------------------------------------------------------

def test_links_and_anchors_hold(built_site, corpus_site, hostile_site):
    assert check_site(built_site) == []
    assert check_site(corpus_site) == []
    assert check_site(hostile_site) == []


def test_link_gate_fails_on_broken_anchor_and_foreign_script(tmp_path):
    (tmp_path / "a.html").write_text('<p id="x"><a href="b.html#nope">b</a> <a href="#x">x</a></p>\n'
                                     '<script src="https://cdn.example/x.js"></script>')
    (tmp_path / "b.html").write_text('<h1 id="top">b</h1>')
    assert check_site(tmp_path) == ["a.html:1: broken anchor b.html#nope (no id 'nope' in b.html)",
                                    "a.html:2: <script src> loads from another host: https://cdn.example/x.js"]


def test_cross_chapter_links_point_at_the_right_page(corpus_site):
    pages = list(corpus_site.rglob("s*.html"))
    linked = [p for p in pages if "Siehe <a href=" in p.read_text(encoding="utf-8")]
    assert linked, "the corpus links between chapters"


# ---- the exact list of problems ----------------------------------------------------------------

def test_check_lists_every_problem_exactly():
    result = run_cli("check", "--content", str(Path("tests/fixtures/broken/content")))
    assert result.returncode == 1
    assert result.stderr == (FIXTURES / "broken" / "expected-check.txt").read_text(encoding="utf-8")


def test_default_and_fixture_editions_have_no_warnings(tmp_path):
    for content in (CONTENT, FIXTURES / "hostile" / "content", FIXTURES / "golden" / "content"):
        result = run_cli("check", "--strict", "--content", str(content))
        assert result.returncode == 0 and result.stderr == "", result.stderr


# ---- validity (Nu HTML Checker on the installed Java) ------------------------------------------

def _vnu(*folders: Path) -> list[dict]:
    jar = require_tool(VNU, "vnu-jar (npm)")
    require_tool(Path(shutil.which("java") or "/no/java"), "Java (apt-get install default-jre-headless)")
    result = subprocess.run(["java", "-jar", str(jar), "--skip-non-html", "--errors-only", "--format", "json",
                             *[str(f) for f in folders]], capture_output=True, text=True, timeout=300)
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def test_every_page_is_valid_html(built_site, corpus_site, hostile_site, url_book, tmp_path):
    sites = tmp_path / "sites"
    for name, site in (("default", built_site), ("corpus", corpus_site), ("hostile", hostile_site),
                       ("url-book", url_book[1])):
        shutil.copytree(site, sites / name, ignore=shutil.ignore_patterns("pagefind"))
    messages = _vnu(sites)
    assert [f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in messages] == []


def test_validator_fails_on_an_invalid_page(tmp_path):
    (tmp_path / "bad.html").write_text('<!doctype html><html lang="de"><title>x</title><p id="a">x</p><p id="a"><div></p>')
    assert len(_vnu(tmp_path)) >= 2


# ---- accessibility (axe-core in Chromium, light and dark) --------------------------------------

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
}"""


def _axe(browser, url: str, scheme: str) -> list[str]:
    page = browser.new_page(color_scheme=scheme)
    try:
        page.goto(url)
        page.add_script_tag(path=str(require_tool(AXE, "axe-core (npm)")))
        return page.evaluate(AXE_RUN)
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, served_site, built_site, scheme):
    found = {}
    for file in sorted(built_site.rglob("*.html")):
        rel = file.relative_to(built_site).as_posix()
        if not rel.startswith("pagefind/"):
            if violations := _axe(browser, served_site + rel, scheme):
                found[rel] = violations
    assert found == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_book_from_a_pdf_has_no_serious_accessibility_violations(browser, url_book, url_site, scheme):
    """A section page with the facsimile beside it, addresses in its notes and sidenotes, and a
    print page's view (a sample: the default edition's test above takes every page)."""
    site = url_book[1]
    chapter = sorted(site.glob("002-*"))[0].name
    sample = [f"{chapter}/s1-3.html", "pages/5.html"]
    found = {path: violations for path in sample if (violations := _axe(browser, url_site + path, scheme))}
    assert found == {}


def test_axe_fails_on_low_contrast(browser, tmp_path):
    page_file = tmp_path / "grey.html"
    page_file.write_text('<!doctype html><html lang="de"><title>x</title><main><p style="color:#bbb;background:#fff">'
                         'Kaum lesbar</p></main></html>')
    assert any(v.startswith("color-contrast") for v in _axe(browser, page_file.as_uri(), "light"))


def test_keyboard_walk(browser, served_site):
    page = browser.new_page()
    try:
        page.goto(served_site + "index.html")
        for _ in range(40):  # Tab until a table-of-contents link has focus
            page.keyboard.press("Tab")
            if page.evaluate("!!document.activeElement.closest('.contents')"):
                break
        assert page.evaluate("!!document.activeElement.closest('.contents')")
        outline = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                                " return s.outlineStyle + ' ' + s.outlineWidth; })()")
        assert not outline.startswith("none") and not outline.endswith(" 0px"), outline
        page.goto(served_site + "kleinstaaten/s6-1.html")
        page.focus("button.fnref")
        page.keyboard.press("Enter")
        assert page.evaluate("document.querySelector('.fn-popover:popover-open') !== null")
        page.keyboard.press("Escape")
        assert page.evaluate("document.querySelector('.fn-popover:popover-open') === null")
        page.focus(".section-tools .cite-button")
        page.keyboard.press("Enter")
        assert page.evaluate("document.querySelector('.cite-popover:popover-open') !== null")
        page.keyboard.press("Escape")
        page.focus(".search input")
        page.keyboard.type("Kleinstaat")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=10000)
    finally:
        page.close()


# ---- determinism ------------------------------------------------------------------------------

def test_two_builds_are_identical_outside_pagefind(tmp_path):
    for name in ("one", "two"):
        assert run_cli("build", "--content", str(CONTENT), "--out", str(tmp_path / name)).returncode == 0
    assert tree_differences(tmp_path / "one", tmp_path / "two") == []
    assert '<time datetime="2025-11-21">21. November 2025</time>' in (tmp_path / "one" / "index.html").read_text()


def test_determinism_gate_fails_on_a_changing_value(tmp_path):
    assert run_cli("build", "--content", str(CONTENT), "--out", str(tmp_path / "one"), "--no-search").returncode == 0
    assert run_cli("build", "--content", str(CONTENT), "--out", str(tmp_path / "two"), "--no-search",
                   env={"SOURCE_DATE_EPOCH": "1700000000"}).returncode == 0
    assert "index.html" in tree_differences(tmp_path / "one", tmp_path / "two")


# ---- hostile input ----------------------------------------------------------------------------

def test_hostile_input_is_shown_as_text(hostile_site):
    pages = {p.relative_to(hostile_site).as_posix(): p.read_text(encoding="utf-8") for p in hostile_site.rglob("*.html")}
    everything = "\n".join(pages.values())
    assert "<script>alert" not in everything and "<iframe" not in everything and "<img" not in everything
    assert _elements(everything) & {"b", "sic", "iframe", "img", "object", "embed", "inline script"} == set()
    assert _event_handlers(everything) == []
    for scheme in ("javascript:", "JAVASCRIPT:", "data:", "vbscript:"):
        assert f'href="{scheme}' not in everything
    section = pages["angriff/s1.html"]
    assert "&lt;script&gt;alert(&#x27;p&#x27;)&lt;/script&gt;" in section or "&lt;script&gt;alert('p')&lt;/script&gt;" in section
    assert "&lt;sic&gt;Pseudo-Tag&lt;/sic&gt;" in section  # an editorial pseudo-tag stays visible
    assert '<a href="https://example.org/?a=1&amp;b=2">extern</a>' in section
    assert "Edition &lt;script&gt;" in pages["index.html"]


def _elements(html: str) -> set[str]:
    found = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.add(tag)
            values = dict(attrs)
            if tag == "script" and not values.get("src") and values.get("type") != "application/ld+json":
                found.add("inline script")

    Tags().feed(html)
    return found


def _event_handlers(html: str) -> list[str]:
    found = []

    class Handlers(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(f"{tag} {name}" for name, _ in attrs if name.startswith("on"))

    Handlers().feed(html)
    return found


def test_obfuscated_scheme_and_dotdot_links_are_refused(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "edition.toml").write_text('title = "T"\n')
    (content / "k.md").write_text("# K\n\n## 1. A\n\n[a](jav&#x09;ascript:alert(1)) [b](../../etc/passwd)\n")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert "k.md:5: error: broken link 'jav%09ascript:alert(1)'" in result.stderr
    assert "k.md:5: error: broken link '../../etc/passwd': no chapter file" in result.stderr


def test_templates_autoescape_and_fail_on_undefined(tmp_path):
    from generator.render.site import environment

    env = environment()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ missing }}").render()
