"""TEI P5 from the same model as the pages: valid against tei_all (jing), and saying what the pages say."""
from __future__ import annotations

import re

import pytest
from conftest import FIXTURES, jing, run_cli


def _valid(site) -> list:
    files = sorted(site.rglob("*.tei.xml"))
    assert files
    result = jing(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    return files


def test_the_default_editions_tei_is_valid_and_matches_its_pages(built_site):
    corpus, tei = _valid(built_site)
    assert corpus.name == "edition.tei.xml"
    text = tei.read_text(encoding="utf-8")
    # print page, paragraph ids as in the HTML, the note where it is referred to, gap and addition
    assert '<p n="1" xml:id="vor-6-p1"><pb n="229"/><lb/>Bündnisse können jedoch' in text   # each printed line begins with <lb/>
    # the printed lines (ingest recorded them): a repaired break hyphen is a word over a line end
    assert "ergänzend zu ihrer verteidigungspoliti<lb break=\"no\"/>schen Kernfunktion" in text
    assert "So hat sich <lb/>etwa die NATO" in text
    # the corpus holds every chapter, its ids made unique in the whole
    whole = corpus.read_text(encoding="utf-8")
    assert "<teiCorpus" in whole and '<p n="1" xml:id="kleinstaaten.vor-6-p1">' in whole
    assert 'target="#kleinstaaten.fn-8"' in whole or 'xml:id="kleinstaaten.fn-8"' in whole
    assert re.search(r'<div n="6\.1" xml:id="s6-1"><head><lb/>6\.1\. Kooperative Verteidigungspolitik</head>', text)
    assert re.search(r'<note n="8" place="bottom" xml:id="fn-8"><p>(<lb/>)?Müller-Brandeck-Bocquet', text)
    assert '<gap reason="lost"><desc>Textverlust:' in text and '<pb n="?"/><lb/>aber die Hoffnung' in text
    assert '<supplied reason="editorial">Schluss eines vorangehenden Abschnitts' in text
    assert '<biblScope unit="page" from="229">229</biblScope>' in text
    assert "<span" not in text and "^" not in text                 # the search joints are the HTML's only
    page = (built_site / "kleinstaaten" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/tei+xml" href="../kleinstaaten/kleinstaaten.tei.xml" title="TEI P5">' in page


@pytest.mark.parametrize("fixture", ["golden", "hostile"])
def test_the_fixture_editions_tei_is_valid(fixture, tmp_path):
    site = tmp_path / "site"
    result = run_cli("build", "--content", str(FIXTURES / fixture / "content"), "--out", str(site), "--no-search")
    assert result.returncode == 0, result.stderr
    files = _valid(site)
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    if fixture == "hostile":
        assert "<script" not in text   # raw HTML in sources is text here too
