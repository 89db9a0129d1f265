"""The editor's hand beside the print (issue 26): the editor's own notes apart from the print's,
and their TEI. (The editor's corrections, the printed lines on the page picture and the zoom are
tested on an edited ingested book in test_beside_print.py.)"""
from __future__ import annotations

import re
from pathlib import Path

from conftest import jing, page_words, run_cli
from sitecheck import check_site

CONFIG = 'title = "Probe"\neditors = ["Muster, Erika", "Beispiel, Hans"]\n'

EDITORS_NOTES = """# Kapitel

## 1. Erster Abschnitt

{{page 10}}Ein Absatz mit Anmerkung des Drucks[^8][^+quelle] und einer des Herausgebers.[^+datum]

Noch einmal[^+quelle] die Quelle, und Anmerkung 9.[^9]

[^8]: Die Anmerkung des Drucks.[^+innen]
[^9]: Die neunte.
[^+quelle]: Die Quelle nennt der Druck nicht; sie ist: Archiv X.
[^+datum]: Das Datum ist erschlossen.
[^+innen]: Zur Anmerkung 8.
"""


def _edition(tmp_path: Path, text: str, config: str = CONFIG) -> Path:
    content = tmp_path / "content"
    content.mkdir(parents=True)
    (content / "edition.toml").write_text(config, encoding="utf-8")
    (content / "kapitel.md").write_text(text, encoding="utf-8")
    return content


def _build(content: Path, out: Path):
    return run_cli("build", "--content", str(content), "--out", str(out), "--no-search")


def test_an_editors_note_is_lettered_apart_from_the_prints_numbers(tmp_path):
    content = _edition(tmp_path, EDITORS_NOTES)
    out = tmp_path / "site"
    result = _build(content, out)
    assert result.returncode == 0, result.stderr
    page = page_words(out / "kapitel" / "s1.html")
    refs = re.findall(r'<button type="button" class="(fnref[^"]*)"[^>]*popovertarget="([^"]+)" aria-label="([^"]+)"'
                      r'[^>]*><sup>([^<]+)</sup></button>', page)
    # the print's 8 and 9 keep their numbers; the editor's notes are a, b, c in the order of
    # first reference (the one referred to from a note last), never numbered among the print's
    assert [(kind, target, shown) for kind, target, _, shown in refs[:5]] == [
        ("fnref", "fnpop-8", "8"), ("fnref edref", "edpop-quelle", "a"), ("fnref edref", "edpop-datum", "b"),
        ("fnref edref", "edpop-quelle", "a"), ("fnref", "fnpop-9", "9")]
    assert ("fnref edref", "edpop-innen", "Anmerkung des Herausgebers c", "c") in refs
    # two references side by side are visibly apart ("8,a"), the comma not read aloud
    assert re.search(r'<sup>8</sup></button><span class="fnsep" aria-hidden="true">,</span><button[^>]+edref', page)
    # the print's notes in their list, the editor's in a list of their own after it
    notes = page.index('<h2 class="notes-heading">Anmerkungen</h2>')
    editors = page.index('<h2 class="notes-heading">Anmerkungen des Herausgebers</h2>')
    assert notes < editors
    assert re.findall(r'<li id="(fn-\d)"', page) == ["fn-8", "fn-9"]
    assert re.findall(r'<li id="(ed-\w+)" class="ed-note"><a class="fn-num" href="#(edref-\w+)"[^>]*>(\w)</a>',
                      page[editors:]) == [("ed-quelle", "edref-quelle", "a"), ("ed-datum", "edref-datum", "b"),
                                          ("ed-innen", "edref-innen", "c")]
    assert '<div popover id="edpop-quelle" class="fn-popover ed-popover" role="note" ' \
           'aria-label="Anmerkung des Herausgebers a">' in page
    assert '<p class="sidenote ed-sidenote"><span class="fn-num">a</span> Die Quelle nennt' in page
    assert check_site(out) == []   # every popover and link target exists, no id twice
    # TEI: the editor's notes are editorial, lettered, the editors responsible for them
    tei = (out / "kapitel" / "kapitel.tei.xml").read_text(encoding="utf-8")
    assert '<editor role="digital" xml:id="hrsg-1">Muster, Erika</editor>' in tei
    assert '<note type="editorial" resp="#hrsg-1 #hrsg-2" n="a" xml:id="ed-quelle">' in tei
    assert '<note n="8" place="bottom" xml:id="fn-8">' in tei and 'n="c" xml:id="ed-innen"' in tei
    assert '<ref target="#ed-quelle" type="noteAnchor">a</ref>' in tei
    corpus = (out / "edition.tei.xml").read_text(encoding="utf-8")
    # in the corpus every id and every pointer to one carries the chapter's prefix
    assert 'resp="#kapitel.hrsg-1 #kapitel.hrsg-2"' in corpus and 'xml:id="kapitel.hrsg-1"' in corpus
    checked = jing(out / "kapitel" / "kapitel.tei.xml", out / "edition.tei.xml")
    assert checked.returncode == 0, checked.stdout


def test_the_editors_notes_are_no_part_of_the_print(tmp_path):
    """An editor's note in a paragraph found in the print does not stop it being found there."""
    content = _edition(tmp_path, "# Kapitel\n\n## 1. A\n\n{{page 10}}Ein ganz gedruckter Satz[^+x] steht da.\n\n"
                                 "[^+x]: Vom Herausgeber.\n")
    (content / "review").mkdir()
    (content / "review" / "probe.lines.json").write_text(
        '{"pages": [{"page": "10", "lines": [{"n": 1, "text": "1. A", "role": "body"}, '
        '{"n": 2, "text": "Ein ganz gedruckter Satz", "role": "body"}, {"n": 3, "text": "steht da.", "role": "body"}]}]}', encoding="utf-8")
    out = tmp_path / "site"
    result = _build(content, out)
    assert result.returncode == 0 and "no longer match" not in result.stderr, result.stderr
    page = page_words(out / "kapitel" / "s1.html")
    assert '<span class="dl">Ein ganz gedruckter Satz</span><span class="dl">steht da.</span>' in page


def test_an_editors_note_without_a_name_or_with_a_page_mark_is_refused(tmp_path):
    content = _edition(tmp_path, "# Kapitel\n\n## 1. A\n\n{{page 10}}Text[^+] und[^+y].\n\n[^+]: Ohne Namen.\n"
                                 "[^+y]: Mit {{page 11}}Seite.\n")
    result = _build(content, tmp_path / "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "kapitel.md:5: error: an editor's note needs a name after the '+' ([^+quelle]), not [^+]" in result.stderr
    assert re.search(r"kapitel\.md:8: error: \{\{page 11\}\} in an editor's note: it is not printed", result.stderr)
    clash = _edition(tmp_path / "2", "# Kapitel\n\n## Quelle {#ed-quelle}\n\nText[^+quelle].\n\n[^+quelle]: Note.\n")
    result = _build(clash, tmp_path / "2" / "site")
    assert result.returncode == 1 and "duplicate id 'ed-quelle' (first used on line 3)" in result.stderr
