"""Citations follow the kind of book: a contribution to an edited volume is cited "In: editors:
book", a chapter of its authors' own book as a part of that book; the heading's number is not
part of the cited title; every page links the chapter's files for reference managers."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli

CHAPTER = ("# 1 Einleitung\n\n{{page 3}}Am Anfang.\n\n## 1.1 Quellen\n\n{{page 4}}Die Akten.[^1]\n\n"
           "## 1.2 Methode\n\n{{page 5}}Das Vorgehen.\n\n[^1]: Bundesarchiv.\n")
MONOGRAPH = ('title = "Kleine Staaten"\nlanguage = "de"\n[source]\nauthors = ["Meier, Hans"]\n'
             'book_title = "Kleine Staaten, große Fragen"\npublisher = "Chronos"\nplace = "Zürich"\nyear = "2004"\n')
EDITED = MONOGRAPH.replace('authors = ["Meier, Hans"]', 'authors = ["Meier, Hans"]\neditors = ["Huber, Anna"]')


def build(tmp_path: Path, config: str) -> Path:
    content = tmp_path / "content"
    content.mkdir(parents=True)
    (content / "edition.toml").write_text(config, encoding="utf-8")
    (content / "kapitel.md").write_text(CHAPTER, encoding="utf-8")
    site = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(site), "--no-search")
    assert result.returncode == 0, result.stderr
    return site


def citation(site: Path, page: str) -> str:
    html = (site / "kapitel" / page).read_text(encoding="utf-8")
    return re.search(r'<span class="cite-body">([^<]*)</span>', html).group(1).replace("&#34;", '"')


def test_a_chapter_of_the_authors_own_book_is_cited_as_a_part_of_it(tmp_path):
    site = build(tmp_path, MONOGRAPH)
    assert citation(site, "index.html").startswith(
        "Meier, Hans: Kleine Staaten, große Fragen. Zürich: Chronos 2004, Kap. 1 „Einleitung“, S. 3–5. Digitale Edition")
    assert citation(site, "s1-1.html").startswith(
        "Meier, Hans: Kleine Staaten, große Fragen. Zürich: Chronos 2004, Kap. 1 „Einleitung“, S. 3–5, "
        "hier: Abschnitt 1.1 „Quellen“, S. 4.")
    chapter = (site / "kapitel" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="citation_title" content="Einleitung">' in chapter and "In:" not in chapter
    bib = (site / "kapitel" / "kapitel.bib").read_text(encoding="utf-8")
    assert bib.startswith("@inbook{kapitel,\n  title = {Einleitung},\n  chapter = {1},")
    assert "booktitle = {Kleine Staaten, große Fragen}" in bib
    csl = json.loads((site / "kapitel" / "kapitel.json").read_text(encoding="utf-8"))[0]
    assert csl["container-author"] == csl["author"] == [{"family": "Meier", "given": "Hans"}]
    assert csl["title"] == "Einleitung" and csl["chapter-number"] == "1"


def test_a_contribution_to_an_edited_volume_is_cited_in_it(tmp_path):
    site = build(tmp_path, EDITED)
    assert citation(site, "index.html").startswith(
        "Meier, Hans: Einleitung. In: Huber, Anna (Hrsg.): Kleine Staaten, große Fragen. Zürich: Chronos 2004, S. 3–5.")
    assert (site / "kapitel" / "kapitel.bib").read_text(encoding="utf-8").startswith("@incollection{kapitel,")
    assert "container-author" not in (site / "kapitel" / "kapitel.json").read_text(encoding="utf-8")



def test_the_home_page_of_a_whole_book_names_it_its_print_not_where_it_appeared(tmp_path):
    # An edition of a whole book (its title the book's, as ingest writes it) said on its home
    # page that the book "appeared in" itself ("Erschienen in: Software verteilen"); its chapters
    # did appear in it.
    whole = build(tmp_path / "whole", MONOGRAPH.replace('title = "Kleine Staaten"', 'title = "Kleine Staaten, große Fragen"'))
    home = (whole / "index.html").read_text(encoding="utf-8")
    assert "<dt>Druckausgabe</dt><dd>Kleine Staaten, große Fragen</dd>" in home and "Erschienen in" not in home
    assert "<dt>Erschienen in</dt>" in (whole / "kapitel" / "index.html").read_text(encoding="utf-8")
    part = build(tmp_path / "part", EDITED)   # an edition of one contribution: its home page too
    assert "<dt>Erschienen in</dt><dd>Huber, Anna (Hrsg.): Kleine Staaten" in (part / "index.html").read_text(encoding="utf-8")

@pytest.mark.parametrize("kind, expected", [
    ("edited", "Meier, Hans: Einleitung. In: Kleine Staaten, große Fragen. Zürich: Chronos 2004, S. 3–5."),
    ("monograph", "Meier, Hans: Kleine Staaten, große Fragen. Hg. von Huber, Anna. Zürich: Chronos 2004, Kap. 1"),
])
def test_the_config_says_otherwise(tmp_path, kind, expected):
    config = (MONOGRAPH if kind == "edited" else EDITED) + f'kind = "{kind}"\n'
    assert citation(build(tmp_path, config), "index.html").startswith(expected)


def test_an_unknown_kind_of_book_is_an_error_with_its_line(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "edition.toml").write_text(MONOGRAPH + 'kind = "sammelband"\n', encoding="utf-8")
    (content / "kapitel.md").write_text(CHAPTER, encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"edition\.toml:9: error: .*'sammelband' must be \"monograph\"", result.stderr), result.stderr


def test_a_number_that_is_part_of_the_title_stays(tmp_path):
    """"1. Mai 1945" is a title, not a chapter number: its sections are not numbered under it."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "edition.toml").write_text(MONOGRAPH, encoding="utf-8")
    (content / "kapitel.md").write_text("# 1. Mai 1945\n\n## Der Tag\n\n{{page 3}}Text.\n", encoding="utf-8")
    site = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(site), "--no-search").returncode == 0
    assert "Kap. „1. Mai 1945“" in citation(site, "index.html")


def test_every_page_of_a_chapter_links_its_files_for_reference_managers(tmp_path):
    site = build(tmp_path, MONOGRAPH)
    for page in sorted((site / "kapitel").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        for name in ("kapitel.bib", "kapitel.ris", "kapitel.json", "kapitel.tei.xml"):
            assert f'<a href="../kapitel/{name}" download>' in html, (page.name, name)


def test_the_home_page_and_each_print_page_cite_the_book_and_link_its_records(tmp_path, built_site):
    site = build(tmp_path, MONOGRAPH)
    home = (site / "index.html").read_text(encoding="utf-8")
    for name in ("edition.bib", "edition.ris", "edition.json", "edition.tei.xml"):
        assert f'<a href="{name}" download>' in home and (site / name).is_file(), name
    assert '<link rel="alternate" type="application/x-bibtex" href="edition.bib"' in home
    body = re.search(r'<span class="cite-body">([^<]*)</span>', home).group(1)
    assert body.startswith("Meier, Hans: Kleine Staaten, große Fragen. Zürich: Chronos 2004.")
    bib = (site / "edition.bib").read_text(encoding="utf-8")
    assert bib.startswith("@book{edition,") and "title = {Kleine Staaten, große Fragen}" in bib and "booktitle" not in bib
    assert b"TY  - BOOK\r\n" in (site / "edition.ris").read_bytes()
    csl = json.loads((site / "edition.json").read_text(encoding="utf-8"))
    assert csl[0]["type"] == "book" and csl[0]["author"] == [{"family": "Meier", "given": "Hans"}]
    # the print pages (the default edition's) cite the book at their page
    pages = sorted((built_site / "pages").glob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for name in ("edition.bib", "edition.ris", "edition.json", "edition.tei.xml"):
            assert f'<a href="../{name}" download>' in html, (page.name, name)
        body = re.search(r'<span class="cite-body">([^<]*)</span>', html).group(1)
        label = re.search(r"<h1>[^<]*? (\S+)</h1>", html).group(1)
        assert f". S. {label}. " in body if label != "?" else " S. " not in body, (body, label)


def test_check_warns_on_a_name_that_is_neither_family_given_nor_as_written(tmp_path):
    """Issue 24 (item 5): a person's name is "Family, Given"; a name that stays as written (an
    institution) is named in source.as_written and cited whole; any other name is a warning at
    its line, with the person's form where it looks like one."""
    config = MONOGRAPH.replace('authors = ["Meier, Hans"]',
                               'authors = ["Meier, Hans", "Jonas von Brand", "Deutsche Forschungsgemeinschaft", "Huber,"]\n'
                               'as_written = ["Deutsche Forschungsgemeinschaft"]')
    content = tmp_path / "content"
    content.mkdir()
    (content / "edition.toml").write_text(config, encoding="utf-8")
    (content / "kapitel.md").write_text(CHAPTER, encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if ": warning: source.authors:" in line]
    assert len(warned) == 2 and all(line.startswith(f"{content / 'edition.toml'}:4: ") for line in warned)
    assert "'Jonas von Brand' is neither \"Family, Given\" (a person: \"von Brand, Jonas\")" in warned[0]
    assert "'Huber,'" in warned[1] and "(a person" not in warned[1]
    assert "Meier" not in result.stderr and "Forschungsgemeinschaft" not in result.stderr
    assert run_cli("check", "--content", str(content), "--strict").returncode != 0
    site = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(site), "--no-search").returncode == 0
    bib = (site / "kapitel" / "kapitel.bib").read_text(encoding="utf-8")
    assert "author = {Meier, Hans and {Jonas von Brand} and {Deutsche Forschungsgemeinschaft} and Huber,}" in bib
    csl = json.loads((site / "kapitel" / "kapitel.json").read_text(encoding="utf-8"))[0]
    assert {"literal": "Deutsche Forschungsgemeinschaft"} in csl["author"]


def test_ingest_writes_persons_family_first_and_an_institution_as_written():
    import tomllib

    from generator.ingest.model import Book
    from generator.ingest.writers import edition_toml

    book = Book(chapters=[], left_out=[], folios={}, authors=["von Brand, Jonas", "Deutsche Forschungsgemeinschaft"])
    source = tomllib.loads(edition_toml(book, "edition ingest b.pdf", "B"))["source"]
    assert source["authors"] == ["von Brand, Jonas", "Deutsche Forschungsgemeinschaft"]
    assert source["as_written"] == ["Deutsche Forschungsgemeinschaft"]
    unsplit = Book(chapters=[], left_out=[], folios={}, facts={"author": "Lea Muster; Karl de Vries"})
    assert tomllib.loads(edition_toml(unsplit, "c", "B"))["source"]["authors"] == ["Muster, Lea", "de Vries, Karl"]
