"""The default edition as a reader gets it, and the build's behaviour on bad input."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, debris, run_cli

SECTION_PAGES = ["vor-6", "s6", "s6-1", "s6-2"]


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_default_edition_has_index_chapter_and_one_page_per_section(built_site):
    assert (built_site / "index.html").is_file()
    assert (built_site / "kleinstaaten" / "index.html").is_file()
    for name in SECTION_PAGES:
        assert (built_site / "kleinstaaten" / f"{name}.html").is_file()
    index = read(built_site, "index.html")
    for number in ("6. Neue", "6.1. Kooperative", "6.2. Menschliche"):
        assert number in index  # table of contents down to 6.1/6.2
    assert '<html lang="de-CH"' in index  # Swiss Standard German (content/edition.toml)


def test_section_ids_come_from_numbers_and_have_permalinks(built_site):
    page = read(built_site, "kleinstaaten/s6-1.html")
    assert '<h1 id="s6-1"' in page
    assert 'class="permalink" href="#s6-1"' in page
    assert 'id="s6-1-p1"' in page and 'id="s6-1-p2"' in page
    assert 'href="#s6-1-p2"' in page  # the margin number is the paragraph's link


def test_print_page_229_begins_exactly_before_the_first_word(built_site):
    page = read(built_site, "kleinstaaten/vor-6.html")
    marker = re.search(r'<a class="pb" id="seite-229" href="#seite-229"[^>]*><span data-pagefind-ignore>S\. 229</span></a></span>(\w+)', page)
    assert marker and marker.group(1) == "Bündnisse"


def test_unknown_page_is_said_to_be_unknown(built_site):
    page = read(built_site, "kleinstaaten/s6-1.html")
    assert ">S. ?</span></a></span>aber die Hoffnung" in page
    assert "Seitenzahl unbekannt" in page
    assert "Seitenzahl der Druckausgabe unbekannt, Abs. 2" in page


def test_gap_is_marked_not_joined(built_site):
    page = read(built_site, "kleinstaaten/s6-1.html")
    assert "für den Fall aber" not in page
    # the paragraph ends there (its text as printed beside it, for the view switch)
    assert re.search(r"für den Fall(</span><span class=\"dipl\".*?</span>)?</p>\s*<div class=\"gap\"", page, re.S)


def test_footnote_8_keeps_its_print_number_with_popover_and_endnote(built_site):
    page = read(built_site, "kleinstaaten/s6-1.html")
    assert re.search(r'<button type="button" class="fnref" id="fnref-8" popovertarget="fnpop-8"[^>]*><sup>8</sup>', page)
    assert '<div popover id="fnpop-8"' in page
    assert re.search(r'<li id="fn-8"><a class="fn-num" href="#fnref-8"[^>]*>8</a>', page)
    assert "Müller-Brandeck-Bocquet" in page


def test_cite_this_for_chapter_section_and_paragraph_without_javascript(built_site):
    chapter = read(built_site, "kleinstaaten/index.html")
    assert "Zitieren" in chapter and "Sicherheits- und Verteidigungspolitik von Kleinstaaten." in chapter
    page = read(built_site, "kleinstaaten/vor-6.html")
    assert 'popovertarget="cite-vor-6-p1"' in page
    assert "S. 229, Abs. 1" in page
    assert "kleinstaaten/vor-6.html#vor-6-p1" in page


def test_citation_metadata_invents_nothing(built_site):
    chapter = read(built_site, "kleinstaaten/index.html")
    assert '<meta name="citation_title" content="Sicherheits- und Verteidigungspolitik von Kleinstaaten">' in chapter
    assert "citation_author" not in chapter and "citation_publisher" not in chapter
    assert 'type="application/x-bibtex"' in chapter and 'type="application/x-research-info-systems"' in chapter
    assert 'type="application/vnd.citationstyles.csl+json"' in chapter
    csl = json.loads(read(built_site, "kleinstaaten/kleinstaaten.json"))
    assert csl[0]["type"] == "chapter" and "author" not in csl[0]
    assert read(built_site, "kleinstaaten/kleinstaaten.bib").startswith("@incollection{kleinstaaten,")
    assert read(built_site, "kleinstaaten/kleinstaaten.ris").startswith("TY  - CHAP")
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', chapter, re.S)
    assert json.loads(ld.group(1))["@type"] == "Chapter"


def test_every_url_is_relative_and_nothing_comes_from_another_host(built_site):
    for page in built_site.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        html = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert not url.startswith(("/", "http:", "https:", "//")), (page, url)
            target = url.split("#")[0]
            if target:
                assert (page.parent / target).resolve().exists(), (page, url)


def test_previous_next_breadcrumb_and_skip_link(built_site):
    page = read(built_site, "kleinstaaten/s6-1.html")
    assert 'rel="prev" href="../kleinstaaten/s6.html"' in page and 'rel="next" href="../kleinstaaten/s6-2.html"' in page
    assert 'class="skip-link" href="#inhalt"' in page
    assert '<nav class="breadcrumb"' in page and 'href="../kleinstaaten/s6.html">6. Neue' in page


def test_search_index_is_built_and_ui_is_on_every_page(built_site):
    assert (built_site / "pagefind" / "pagefind.js").is_file()
    for page in built_site.rglob("*.html"):
        if "pagefind" not in page.parts and page.name != "404.html":  # the host's page for a wrong address
            assert 'class="search"' in page.read_text(encoding="utf-8")


# ---- bad input ----

def make_edition(tmp_path: Path, chapter: str, config: str | None = None) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    (content / "edition.toml").write_text(config or 'title = "Probe"\nlanguage = "de"\n', encoding="utf-8")
    (content / "kapitel.md").write_text(chapter, encoding="utf-8")
    return content


GOOD = "# Kapitel\n\n## 1. Erster Abschnitt\n\n{{page 10}}Text mit Anmerkung.[^1]\n\n[^1]: Die Anmerkung.\n"


def assert_clean_failure(result, *expected: str):
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for line in expected:
        assert line in result.stderr, result.stderr


def test_missing_content_folder(tmp_path):
    result = run_cli("build", "--content", str(tmp_path / "nope"), "--out", str(tmp_path / "site"))
    assert_clean_failure(result, f"{tmp_path / 'nope'}: error: content folder not found")


def test_unknown_config_key_points_at_its_line(tmp_path):
    content = make_edition(tmp_path, GOOD, 'title = "Probe"\n\n[source]\nauthor = "X"\n')
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"))
    assert_clean_failure(result, f"{content / 'edition.toml'}:4: error: unknown config key 'source.author'")


def test_every_source_problem_is_listed_before_failing(tmp_path):
    chapter = ("# Kapitel\n\n## 1. Eins\n\nText.[^2]\n\n## 1. Doppelt\n\n{{seite 4}} Text.\n\n"
               "[^3]: Nie verwendet.\n")
    content = make_edition(tmp_path, chapter)
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"))
    path = content / "kapitel.md"
    assert_clean_failure(result,
                         f"{path}:5: error: footnote reference [^2] has no note",
                         f"{path}:7: error: duplicate id 's1'",
                         f"{path}:9: error: unknown edition marker '{{{{seite 4}}}}'",
                         f"{path}:11: error: note [^3] is never referenced")
    assert not (tmp_path / "site").exists()


def test_an_escaped_bracket_is_text_not_a_reference_without_its_note(tmp_path):
    # A printed regular expression ("[^abc]": any character but a, b, c), written as ingest writes
    # it: the build had refused it as a reference to a note "abc" that does not exist.
    chapter = ("# Kapitel\n\n## 1. Eins\n\nDie Klasse \\[^abc…\\] findet ein Zeichen außer abc.[^1]\n\n"
               "[^1]: Ebenso \\[^x\\] in einer Anmerkung.\n")
    content = make_edition(tmp_path, chapter)
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "kapitel" / "s1.html").read_text(encoding="utf-8")
    assert "Die Klasse [^abc…] findet" in page and "Ebenso [^x] in einer" in page


def test_raw_html_is_shown_as_text_and_javascript_links_are_not_links(tmp_path):
    chapter = GOOD.replace("Text mit", "<script>alert(1)</script> [x](javascript:alert(1)) Text mit")
    content = make_edition(tmp_path, chapter)
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "kapitel" / "s1.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page


def test_failed_build_keeps_last_good_site(tmp_path):
    content = make_edition(tmp_path, GOOD)
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    before = (out / "kapitel" / "s1.html").read_text(encoding="utf-8")
    (content / "kapitel.md").write_text(GOOD + "\nText.[^9]\n", encoding="utf-8")
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 1
    assert (out / "kapitel" / "s1.html").read_text(encoding="utf-8") == before
    assert debris(tmp_path) == []


def test_refuses_to_replace_a_folder_it_did_not_create(tmp_path):
    content = make_edition(tmp_path, GOOD)
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    result = run_cli("build", "--content", str(content), "--out", str(precious), "--no-search")
    assert_clean_failure(result, "refusing to replace a folder not made by `edition build`")
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_undefined_template_variable_is_an_error(tmp_path, monkeypatch):
    from generator.build import build
    from generator.diagnostics import EditionError
    from generator.render import site

    templates = tmp_path / "templates"
    shutil.copytree(site.TEMPLATES, templates)
    index = templates / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace("{{ config.title }}</h1>", "{{ config.titel }}</h1>"))
    monkeypatch.setattr(site, "TEMPLATES", templates)
    monkeypatch.setattr("generator.build.environment", lambda: site.environment(templates))
    with pytest.raises(EditionError) as failure:
        build(make_edition(tmp_path, GOOD), tmp_path / "site", search=False)
    assert "titel" in str(failure.value) and "index.html" in str(failure.value)


def test_check_validates_without_writing(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    result = run_cli("check", "--content", str(content), cwd=tmp_path)
    assert result.returncode == 0 and "4 sections" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before  # not a file added or touched


def test_section_ids_come_from_printed_numbers_not_from_words(tmp_path):
    chapter = "# Kapitel\n\n## 6. Neue Optionen\n\nText.\n\n### 6.1. Kooperative Politik\n\nMehr Text.\n"
    content = make_edition(tmp_path, chapter)
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    page = read(out, "kapitel/s6-1.html")
    assert '<h1 id="s6-1"' in page and 'id="s6-1-p1"' in page
    (content / "kapitel.md").write_text(chapter.replace("Kooperative Politik", "Gemeinsame Politik"), encoding="utf-8")
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    assert "6.1. Gemeinsame Politik" in read(out, "kapitel/s6-1.html")  # reworded: same page, same id


def test_a_section_title_edit_reaches_the_index_in_an_incremental_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("raw", "review"))
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    source = content / "kleinstaaten.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Kooperative Verteidigungspolitik",
                                                                 "Kooperative Sicherheitspolitik"), encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(out), "--no-search")
    assert result.stdout.startswith("updated")
    assert "6.1. Kooperative Sicherheitspolitik" in read(out, "index.html")
    assert "Kooperative Verteidigungspolitik" not in read(out, "index.html")


@pytest.mark.parametrize("incremental", [False, True])
def test_a_render_error_publishes_nothing(tmp_path, monkeypatch, incremental):
    from generator import build as pipeline
    from generator.diagnostics import Diagnostic, EditionError
    from generator.render import site

    content = make_edition(tmp_path, GOOD)
    out = tmp_path / "site"
    builder = pipeline.Builder(content, out, search=False, jobs=1)
    builder.build()
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (content / "kapitel.md").write_text(GOOD.replace("Text mit", "Neuer Text mit"), encoding="utf-8")
    real = site.render_page

    def failing(env, page, *args):
        if page.path.endswith("s1.html"):
            raise EditionError([Diagnostic("templates/section.html", 3, "error", "template: boom")])
        return real(env, page, *args)

    monkeypatch.setattr(site, "render_page", failing)
    if not incremental:
        builder.revision = ""  # a full build
    with pytest.raises(EditionError):
        builder.build()
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert debris(tmp_path) == []
    monkeypatch.setattr(site, "render_page", real)
    assert builder.build().incremental == incremental
    assert "Neuer Text mit" in read(out, "kapitel/s1.html")


def test_config_and_source_problems_are_listed_together(tmp_path):
    content = make_edition(tmp_path, GOOD + "\nText.[^9]\n", 'language = "Deutsch"\nurl = "ftp://x"\n\n[search]\npart_mb = 0\n')
    result = run_cli("check", "--content", str(content))
    config = content / "edition.toml"
    assert_clean_failure(result,
                         f"{config}: error: missing key 'title': the edition needs a title",
                         f"{config}:1: error: language 'Deutsch' is not a BCP 47 tag like 'de'",
                         f"{config}:2: error: url 'ftp://x' must be an absolute http(s) address",
                         f"{config}:5: error: search.part_mb must be more than 0, not 0",
                         f"{content / 'kapitel.md'}:9: error: footnote reference [^9] has no note",
                         "edition: 5 error(s)")
    assert run_cli("build", "--content", str(content), "--out", str(tmp_path / "site")).returncode == 1
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("config, message", [
    ('title = "Probe"\n\n[search]\npart_mb = nan\n', ":4: error: search.part_mb must be more than 0, not nan"),
    ('title = "Probe"\n\n[search]\npart_mb = inf\n', ":4: error: search.part_mb must be more than 0, not inf"),
    ('title = "Gr\u00fcsse"\n'.encode("latin-1"), ": error: not UTF-8 text"),
    ("a = " + "[" * 5000 + "]" * 5000 + "\n", ": error: invalid TOML: nested too deeply"),
    ('title = "Probe"\n[source]\nauthors = ["Muster, Erika\\nTY  - JOUR"]\n', ":3: error: config key 'source.authors' must be one line"),
    ('title = "Probe\\u2028Zweite Zeile"\n', ":1: error: config key 'title' must be one line"),
])
def test_bad_config_values_are_errors_not_crashes(tmp_path, config, message):
    content = make_edition(tmp_path, GOOD)
    (content / "edition.toml").write_bytes(config if isinstance(config, bytes) else config.encode("utf-8"))
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"))
    assert_clean_failure(result, f"{content / 'edition.toml'}{message}")
    assert not (tmp_path / "site").exists()


def test_a_config_with_a_byte_order_mark_is_read(tmp_path):
    content = make_edition(tmp_path, GOOD)
    (content / "edition.toml").write_bytes(b"\xef\xbb\xbf" + b'title = "Probe"\n')
    assert run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search").returncode == 0


def test_fifos_devices_and_link_loops_are_refused_without_hanging_the_build(tmp_path):
    import os

    content = make_edition(tmp_path, GOOD)
    os.mkfifo(content / "fifo.md")
    (content / "zero.md").symlink_to("/dev/zero")
    (content / "loop").mkdir()
    (content / "loop" / "again").symlink_to(content / "loop")  # a folder linking to itself
    (content / "self.md").symlink_to(content / "self.md")
    (content / "notes.txt").symlink_to("/dev/zero")  # no chapter's name: not the build's business
    result = run_cli("check", "--content", str(content))
    assert_clean_failure(result, f"{content / 'fifo.md'}: error: is a FIFO: refused",
                         f"{content / 'zero.md'}: error: is a symbolic link: refused",
                         f"{content / 'loop' / 'again'}: error: is a symbolic link: refused",
                         f"{content / 'self.md'}: error: is a symbolic link: refused")
    assert "notes.txt" not in result.stderr


def test_links_where_the_build_finds_its_files_are_refused_and_nothing_is_published(tmp_path):
    """A chapter, a static file, a folder of chapters and the static folder reached through a
    link would publish what lies outside the content folder (a `static/` link to /etc)."""
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "fremd.md").write_text("# Fremd\n\nGeheim.\n", encoding="utf-8")
    content = make_edition(tmp_path, GOOD)
    (content / "fremd.md").symlink_to(secret / "fremd.md")
    (content / "band2").symlink_to(secret)
    (content / "static").mkdir()
    (content / "static" / "passwd.txt").symlink_to("/etc/passwd")
    (content / "static" / "css").symlink_to(secret)
    (content / ".backup.md").symlink_to(secret / "fremd.md")  # hidden: no chapter, left alone
    out = tmp_path / "site"
    result = run_cli("build", "--no-search", "--content", str(content), "--out", str(out))
    assert_clean_failure(result, *(f"{path}: error: is a symbolic link: refused" for path in (
        content / "fremd.md", content / "band2", content / "static" / "passwd.txt", content / "static" / "css")))
    assert ".backup.md" not in result.stderr and not out.exists()
    (content / "static" / "passwd.txt").unlink()
    (content / "static" / "css").unlink()
    (content / "static").rmdir()
    (content / "static").symlink_to(secret)  # the static folder itself
    result = run_cli("check", "--content", str(content))
    assert_clean_failure(result, f"{content / 'static'}: error: is a symbolic link: refused")


def test_a_chapter_or_static_file_swapped_for_a_link_after_the_walk_is_not_read(tmp_path):
    from generator.output import Stage
    from generator.source import load_chapter

    (tmp_path / "kapitel.md").symlink_to(tmp_path / "elsewhere.md")
    (tmp_path / "elsewhere.md").write_text(GOOD, encoding="utf-8")
    chapter, problems = load_chapter(tmp_path / "kapitel.md")
    assert chapter is None and "is a symbolic link: refused" in str(problems[0])
    (tmp_path / "stage").mkdir()
    with pytest.raises(OSError, match="symbolic link"):
        Stage(tmp_path / "stage", set(), full=True).copy(tmp_path / "kapitel.md", "favicon.ico", follow=False)
    assert not (tmp_path / "stage" / "favicon.ico").exists()


def test_a_non_regular_file_is_refused_when_named(tmp_path):
    from generator.source import load_chapter

    chapter, problems = load_chapter(Path("/dev/zero"))
    assert chapter is None and "only regular files are read" in str(problems[0])


def test_data_and_other_scheme_links_are_text_and_ris_stays_one_record_per_chapter(tmp_path):
    chapter = GOOD.replace("Text mit", "[Bild](data:image/png;base64,AAAA) [Datei](file:///etc/passwd) "
                                      "[Web](https://example.org) [Post](mailto:x@example.org) Text mit")
    content = make_edition(tmp_path, chapter, 'title = "Probe"\n[source]\nbook_title = "Buch   mit  Leerraum"\n')
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    page = read(out, "kapitel/s1.html")
    assert 'href="data:' not in page and 'href="file:' not in page and "[Bild](data:image/png" in page
    assert 'href="https://example.org"' in page and 'href="mailto:x@example.org"' in page
    ris = (out / "kapitel" / "kapitel.ris").read_bytes().decode("utf-8")
    assert ris.count("TY  - ") == 1 and ris.count("ER  - ") == 1


def test_a_huge_section_is_built_whole(tmp_path):
    """One section of 20,000 paragraphs, 8,000 of them opening a print page (such inputs once
    took quadratic time: bench/pathological_bench.py measures that the cost grows linearly; no
    test times anything): every paragraph numbered in order, every page mark where it was."""
    lines = ["# Kapitel", "", "## 1. Abschnitt", ""]
    lines += [f"{{{{page {n}}}}}Absatz {n}." if n <= 8_000 else f"Absatz {n}." for n in range(1, 20_001)]
    content = make_edition(tmp_path, "\n\n".join(lines) + "\n")
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--no-search")
    assert result.returncode == 0, result.stderr
    page = read(tmp_path / "site", "kapitel/s1.html")
    assert re.findall(r'<p class="para" id="s1-p(\d+)">', page) == [str(n) for n in range(1, 20_001)]
    assert re.findall(r'<a class="pb" id="seite-(\d+)"', page) == [str(n) for n in range(1, 8_001)]
    tei = read(tmp_path / "site", "kapitel/kapitel.tei.xml")
    assert tei.count("<pb ") == 8_000 and tei.count("<p n=") == 20_000


VOLUME_CONFIG = ('title = "Sammelband"\n[source]\nauthors = ["Buch, Bernd"]\neditors = ["Herausgeber, Hanna"]\n'
                 'book_title = "Kleinstaaten heute"\nyear = "2004"\nfirst_page = "1"\nlast_page = "300"\n')
FRONT = ('+++\ntitle = "Neutralität im Wandel"\nauthors = ["Eins, Anna", "Zwei, Zora"]\nfirst_page = "25"\n'
         'last_page = "26"\ndoi = "10.1000/xyz"\n+++\n# Neutralität im Wandel[^1]\n\n## 1. Anfang\n\n'
         '{{page 25}}Text.[^1]\n\n[^1]: Eine Anmerkung.\n')


def test_chapter_front_matter_gives_each_output_the_chapters_own_facts(tmp_path):
    content = make_edition(tmp_path, FRONT, VOLUME_CONFIG)
    (content / "zweites.md").write_text("# Zweites Kapitel\n\n## 1. Teil\n\n{{page 27}}Text.\n\n{{page 30}}Mehr.\n",
                                        encoding="utf-8")
    out = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(out), "--no-search")
    assert result.returncode == 0, result.stderr
    first = read(out, "kapitel/index.html")
    for tag in ('citation_title" content="Neutralität im Wandel"', 'citation_author" content="Eins, Anna"',
                'citation_author" content="Zwei, Zora"', 'citation_firstpage" content="25"',
                'citation_lastpage" content="26"', 'citation_doi" content="10.1000/xyz"',
                'citation_editor" content="Herausgeber, Hanna"'):
        assert tag in first
    assert "Buch, Bernd" not in first  # the book's author is not this chapter's
    assert "Eins, Anna / Zwei, Zora: Neutralität im Wandel. In: Herausgeber, Hanna (Hrsg.): Kleinstaaten heute. " \
           "2004, S. 25–26." in first
    bib = read(out, "kapitel/kapitel.bib")
    assert "author = {Eins, Anna and Zwei, Zora}" in bib and "pages = {25--26}" in bib and "doi = {10.1000/xyz}" in bib
    ris = (out / "kapitel" / "kapitel.ris").read_bytes().decode("utf-8")
    assert "AU  - Eins, Anna\r\nAU  - Zwei, Zora\r\n" in ris and "SP  - 25\r\nEP  - 26\r\n" in ris
    csl = json.loads(read(out, "kapitel/kapitel.json"))[0]
    assert csl["author"][0] == {"family": "Eins", "given": "Anna"} and csl["page"] == "25–26"
    assert '"pageStart": "25"' in first
    # Without front matter: the book's authors, the pages its own markers cover (never the book's 1–300).
    second = read(out, "zweites/index.html")
    assert 'citation_author" content="Buch, Bernd"' in second
    assert 'citation_firstpage" content="27"' in second and 'citation_lastpage" content="30"' in second
    assert "S. 1–300" not in second and "S. 27–30" in second
    assert "SP  - 27\r\nEP  - 30" in (out / "zweites" / "zweites.ris").read_bytes().decode("utf-8")


@pytest.mark.parametrize("chapter, expected", [
    ("+++\ntitel = \"x\"\n+++\n# K\n\n## 1. A\n\nText.\n", ":2: error: unknown front matter key 'titel'"),
    ("+++\nauthors = \"Eins, Anna\"\n+++\n# K\n\n## 1. A\n\nText.\n",
     ":2: error: front matter key 'authors' must be a list of texts in quotes"),
    ("+++\ntitle = \"x\"\n# K\n\n## 1. A\n\nText.\n", ":1: error: front matter not closed"),
    ("+++\nlanguage = \"Deutsch\"\n+++\n# K\n\n## 1. A\n\nText.\n", ":2: error: language 'Deutsch' is not a BCP 47 tag"),
    ("+++\ntitle = \"x\"\n+++\n# K\n\n## 1. A\n\nText.[^9]\n", ":8: error: footnote reference [^9] has no note"),
])
def test_front_matter_problems_name_their_line(tmp_path, chapter, expected):
    content = make_edition(tmp_path, chapter)
    result = run_cli("check", "--content", str(content))
    assert_clean_failure(result, f"{content / 'kapitel.md'}{expected}")


def test_the_readme_documents_every_settings_key():
    from generator.config import Config
    from generator.model import ChapterMeta
    from generator.schema import documentation

    # the README and the documentation it links to (docs/writing.md holds the keys' table)
    readme = "".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    for key, _, _ in documentation(Config) + documentation(ChapterMeta):
        assert key.split(".")[-1] in readme, key


def test_a_renamed_settings_key_names_its_new_name(tmp_path):
    from dataclasses import dataclass

    from generator.diagnostics import Collector
    from generator.schema import Lines, read_table, setting

    @dataclass(frozen=True)
    class Settings:
        part_mb: float = setting(4.0, formerly=("index_mb",))

    problems = Collector()
    text = "index_mb = 8\n"
    read_table(Settings, {"index_mb": 8}, Path("edition.toml"), Lines(text), problems, noun="config key")
    assert [str(d) for d in problems.items] == [
        "edition.toml:1: error: config key 'index_mb' is called 'part_mb'"]
    chapter = "+++\nauthor = [\"Eins, Anna\"]\n+++\n# K\n\n## 1. A\n\nText.\n"
    result = run_cli("check", "--content", str(make_edition(tmp_path, chapter)))
    assert "kapitel.md:2: error: front matter key 'author' is called 'authors'" in result.stderr


def test_section_pages_name_their_chapter_for_reference_managers_and_hosts_get_their_files(tmp_path):
    content = make_edition(tmp_path, GOOD, 'title = "Probe"\nurl = "https://example.org/ed/"\n'
                                             '[source]\nauthors = ["Muster, Erika"]\n')
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    section = read(out, "kapitel/s1.html")  # the page a reader is on when Zotero is asked
    assert '<meta name="citation_title" content="Kapitel">' in section
    assert '<meta name="citation_author" content="Muster, Erika">' in section
    assert '<meta name="citation_public_url" content="https://example.org/ed/kapitel/index.html">' in section
    assert 'type="application/x-research-info-systems" href="../kapitel/kapitel.ris"' in section
    assert "<loc>https://example.org/ed/kapitel/s1.html</loc>" in read(out, "sitemap.xml")
    assert "Sitemap: https://example.org/ed/sitemap.xml" in read(out, "robots.txt")
    assert (out / ".nojekyll").is_file()
    missing = read(out, "404.html")
    assert "Seite nicht gefunden" in missing and 'href="https://example.org/ed/index.html"' in missing
    assert "stylesheet" not in missing  # served at any depth: nothing relative to load
    (content / "static").mkdir()
    (content / "static" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    (content / "edition.toml").write_text('title = "Probe"\n', encoding="utf-8")  # no address known
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    assert read(out, "robots.txt") == "User-agent: *\nDisallow: /\n"  # the editor's own wins
    assert not (out / "sitemap.xml").exists()


def test_a_chapter_titled_like_the_edition_is_not_named_twice(built_site):
    chapter = read(built_site, "kleinstaaten/index.html")
    title = "Sicherheits- und Verteidigungspolitik von Kleinstaaten"
    assert f"<title>{title}</title>" in chapter  # not "X · X"
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', chapter, re.S).group(0)
    assert crumbs.count(title) == 1 and ">Inhalt</a>" in crumbs
    section = read(built_site, "kleinstaaten/s6-1.html")
    assert re.search(r'<nav class="breadcrumb".*?</nav>', section, re.S).group(0).count(title) == 1


def test_every_citation_names_the_digital_editions_editors_version_and_doi(tmp_path):
    config = 'title = "Probe"\neditors = ["Herausgeberin, Hanna", "Zweiter, Zeno"]\ndoi = "10.5281/zenodo.42"\n'
    content = make_edition(tmp_path, GOOD, config)
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    note = ("Digitale Edition, hg. von Herausgeberin, Hanna / Zweiter, Zeno, Stand: 21. November 2025, "
            "https://doi.org/10.5281/zenodo.42")
    section = read(out, "kapitel/s1.html")
    assert section.count(note) >= 3  # the section's and the paragraph's popovers, the printed citation
    assert note in read(out, "kapitel/index.html")
    assert f"note = {{{note}}}" in read(out, "kapitel/kapitel.bib")
    assert f"N1  - {note}" in (out / "kapitel" / "kapitel.ris").read_bytes().decode()
    assert json.loads(read(out, "kapitel/kapitel.json"))[0]["note"] == note


def test_the_home_pages_about_text_comes_from_the_edition(tmp_path):
    chapter = "# Kapitel\n\n## 1. Teil\n\n{{page 41}}Text.\n"
    content = make_edition(tmp_path, chapter)
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<span class="example-pb">S. 41</span>' in home and "229" not in home   # this edition's page, not another's
    config = content / "edition.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'title = ', 'about = ["Eine Edition für <Leser>.", "Zweiter Absatz."]\ntitle = ', 1), encoding="utf-8")
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<p>Eine Edition für &lt;Leser&gt;.</p>" in home and "<p>Zweiter Absatz.</p>" in home
    assert "example-pb" not in home


def test_a_chapter_rewritten_in_place_with_its_time_set_back_is_built_again(tmp_path):
    # A chapter's stamp was its mtime, size and inode: a tool that writes a file in place and
    # keeps its time (rsync -t, a restored backup, an editor told to keep times) left the old
    # text published by every build but a `--full` one. The build never links a source, so its
    # ctime is the change time the editor's tools cannot set back.
    content, site = tmp_path / "content", tmp_path / "site"
    content.mkdir()
    (content / "edition.toml").write_text('title = "Buch"\nlanguage = "de"\n', encoding="utf-8")
    chapter = content / "kapitel.md"
    chapter.write_text("# Kapitel\n\n{{page 1}}Der alte Wortlaut steht hier.\n", encoding="utf-8")
    assert run_cli("build", "--content", str(content), "--out", str(site), "--no-search").returncode == 0
    before = chapter.stat()
    with chapter.open("r+b") as file:   # the same file, the same size
        file.write(b"# Kapitel\n\n{{page 1}}Der neue Wortlaut steht hier.\n")
    os.utime(chapter, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert run_cli("build", "--content", str(content), "--out", str(site), "--no-search").returncode == 0
    page = (site / "kapitel" / "index.html").read_text(encoding="utf-8")
    assert "Der neue Wortlaut" in page and "Der alte Wortlaut" not in page
