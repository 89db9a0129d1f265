"""The built Pagefind index answers German queries with links to the section where the word stands."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from generator.build import Builder

SEARCH = Path(__file__).with_name("search.mjs")


def search(site: Path, *queries: str) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run the Pagefind index (it ships with this machine image)")
    result = subprocess.run([node, str(SEARCH), str(site), *queries], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_german_queries_lead_to_section_anchors(built_site):
    hits = search(built_site, "Hoffnung", "Kleinstaat", "Neutralität", "Neutralitat", "Verregelung")
    assert [h["url"] for h in hits["Hoffnung"]] == ["/kleinstaaten/s6-1.html"]
    assert hits["Hoffnung"][0]["sub_results"][0]["url"] == "/kleinstaaten/s6-1.html#s6-1"
    # Stemming: "Kleinstaat" finds "Kleinstaaten" on every page where the word stands.
    assert {h["url"] for h in hits["Kleinstaat"]} >= {"/kleinstaaten/s6.html", "/kleinstaaten/s6-1.html",
                                                       "/kleinstaaten/s6-2.html", "/kleinstaaten/vor-6.html"}
    # Diacritics are optional: "Neutralitat" finds "Neutralität".
    assert {h["url"] for h in hits["Neutralitat"]} == {h["url"] for h in hits["Neutralität"]} != set()
    assert hits["Verregelung"][0]["sub_results"][0]["url"] == "/kleinstaaten/s6-2.html#s6-2"


def test_notes_are_indexed_but_page_and_note_numbers_are_not(built_site):
    hits = search(built_site, "Müller-Brandeck-Bocquet", "8", "Absatz")
    assert [h["url"] for h in hits["Müller-Brandeck-Bocquet"]] == ["/kleinstaaten/s6-1.html"]
    excerpts = " ".join(s["excerpt"] for h in hits["8"] for s in h["sub_results"])
    assert "<mark>8</mark>" not in excerpts  # the note number, the "S." markers and ¶ numbers are ignored
    assert hits["Absatz"] == []  # margin controls ("Absatz 1 zitieren") are not reading text


def test_a_later_part_of_a_compound_finds_it(built_site):
    """Pagefind matches words from their start: the build marks compound boundaries for it."""
    hits = search(built_site, "Politik", "Bündnisse", "Staaten", "tik", "Sicherheitspolitik", "Instanz")
    pages = {q: {h["url"] for h in found} for q, found in hits.items()}
    # "Verteidigungspolitik" (6.1), "Sicherheitspolitik" (6.2, before 6), "Militärbündnisse" (6)
    assert pages["Politik"] >= {"/kleinstaaten/s6-1.html", "/kleinstaaten/s6-2.html", "/kleinstaaten/vor-6.html"}
    assert "/kleinstaaten/s6.html" in pages["Bündnisse"]
    assert pages["Staaten"] >= {"/kleinstaaten/s6.html", "/kleinstaaten/s6-1.html"}     # "Kleinstaaten", "Mitgliedstaaten"
    assert pages["Instanz"] == {"/kleinstaaten/vor-6.html"}                          # "Koordinationsinstanz"
    assert pages["tik"] == set()                                                       # syllables are no words
    assert pages["Sicherheitspolitik"] >= pages["Politik"] - {"/kleinstaaten/s6-1.html"}  # the whole word still
    # the hit is on the word where it stands: its excerpt marks it whole
    excerpt = next(s["excerpt"] for h in hits["Politik"] for s in h["sub_results"] if h["url"].endswith("s6-1.html"))
    assert re.search(r"<mark>\w*\^?politik", excerpt, re.I)
    # the joint is for the index only: citations and exports carry the words whole
    for export in built_site.rglob("*"):
        if export.suffix in (".bib", ".ris", ".json") and export.parent.name != "pagefind":
            text = export.read_text(encoding="utf-8")
            assert "^" not in text and "\u00ad" not in text and "<span" not in text, export
    page = (built_site / "kleinstaaten" / "s6-1.html").read_text(encoding="utf-8")
    citation = re.search(r'<p class="print-citation">(.*?)</p>', page, re.S).group(1)
    assert "<span hidden>" not in citation and "Verteidigungspolitik" in citation


# ---- a large edition: the index in parts, searched as one --------------------------------------

LETTERS = "bdfgkpvwxz"  # no German suffix letters: the stemmer leaves these keywords whole


def keyword(number: int) -> str:
    return "Zettel" + LETTERS[number // 10 % 10] + LETTERS[number % 10]


def parted_edition(root: Path, chapters: int = 30) -> Path:
    """A corpus whose sources (~7.5 kB a chapter) exceed `part_mb` several times over; every
    chapter carries a word no other chapter has."""
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import write_corpus

    content = root / "content"
    for number, path in enumerate(write_corpus(content, chapters)):
        path.write_text(path.read_text(encoding="utf-8") + f"\n## 99. Zusatz\n\nDas Merkwort {keyword(number)}.\n",
                        encoding="utf-8")
    with (content / "edition.toml").open("a", encoding="utf-8") as config:
        config.write("\n[search]\npart_mb = 0.04\n")
    return content


def merged_parts(site: Path) -> list[str]:
    return re.search(r'data-merge="([^"]*)"', (site / "index.html").read_text(encoding="utf-8")).group(1).split()


def test_a_large_edition_is_indexed_in_parts_and_searched_as_one(tmp_path):
    content = parted_edition(tmp_path)
    site = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(site))
    assert result.returncode == 0, result.stderr
    parts = merged_parts(site)
    assert len(parts) >= 3  # 225 kB of sources in parts of 42 kB
    for part in parts:
        assert (site / "pagefind" / part / "pagefind-entry.json").is_file()
    # Every chapter's word is found, wherever its part, and leads into that chapter only.
    words = [keyword(n) for n in range(30)]
    hits = search(site, *words)
    for number, word in enumerate(words):
        assert {h["url"].split("/")[1] for h in hits[word]} == {f"kapitel-{number + 1:05d}"}, word
    # Each section page is in exactly one part: the parts' page counts add up to the pages.
    counted = sum(json.loads((site / "pagefind" / part / "pagefind-entry.json").read_text())["languages"]["de"]["page_count"]
                  for part in ["", *parts])
    assert counted == sum(1 for page in site.glob("kapitel-*/s*.html"))


def test_a_rebuild_reindexes_only_the_part_of_the_changed_chapter(tmp_path):
    content = parted_edition(tmp_path)
    site = tmp_path / "site"
    builder = Builder(content, site, jobs=2)
    builder.build()
    entries = {part: (site / "pagefind" / part / "pagefind-entry.json") for part in ["", *merged_parts(site)]}
    before = {part: entry.stat().st_ino for part, entry in entries.items()}
    chapter = content / "kapitel-00007.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nEin Nachtragswort Quittenbrot.\n", encoding="utf-8")

    result = builder.build()
    assert result.incremental and len(result.search_parts) == 1
    after = {part: entry.stat().st_ino for part, entry in entries.items()}
    changed = [part for part in entries if after[part] != before[part]]
    assert len(changed) == 1  # one Pagefind run, for the edited chapter's part; the others kept
    assert [h["url"].split("/")[1] for h in search(site, "Quittenbrot")["Quittenbrot"]] == ["kapitel-00007"]
    assert {h["url"].split("/")[1] for h in search(site, keyword(20))[keyword(20)]} == {"kapitel-00021"}


def test_part_size_must_be_a_positive_number(tmp_path):
    content = parted_edition(tmp_path, chapters=2)
    for value, message in (("0", "search.part_mb must be more than 0"), ('"gross"', "config key 'search.part_mb' must be a number")):
        config = (content / "edition.toml").read_text(encoding="utf-8")
        (content / "edition.toml").write_text(re.sub(r"part_mb = .*", f"part_mb = {value}", config), encoding="utf-8")
        result = run_cli("check", "--content", str(content))
        assert result.returncode == 1 and f"edition.toml:5: error: {message}" in result.stderr, result.stderr
