"""The built Pagefind index answers German queries with links to the section where the word stands."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

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
