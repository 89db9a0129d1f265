"""The review report an editor reads first (issue 24, item 6): the Hinweise first, each with its
`page:line`, the printed and the reading form and the decisions.toml lines to paste; the routine
repairs counted by rule (every one of them in the JSON); one language, the edition's."""
from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import run_cli

from generator.ingest.decisions import Decisions
from generator.ingest.model import Book, Change, Chapter, Event
from generator.ingest.report import build_report, to_markdown
from generator.labels import GERMAN_TERMS, labels, terms

CORPUS = Path(__file__).parent / "fixtures" / "corpus" / "tuning"


def _book() -> Book:
    """A book with many routine repairs and removals and three Hinweise, the last one found."""
    book = Book(chapters=[], left_out=[], folios={p: str(p - 2) for p in range(3, 40)})
    for p in range(3, 33):
        for n in range(1, 11):
            book.changes.append(Change(p, n, str(p - 2), f"Wort{n}-|teil", f"Wort{n}teil", "line-end hyphen removed",
                                       evidence="the book prints it"))
        book.events.append(Event(p, 1, str(p - 2), "running head removed", "Kleine Staaten"))
    book.changes.append(Change(12, 4, "10", "In-|und", "In- und", "suspended compound kept"))
    book.events.append(Event(12, 7, "10", "warning", "a block: the reading text differs from the print, a character "
                             "lost: printed 'Staa ten', read 'Staten'", printed="Staa ten", reading="Staten",
                             check="difference",
                             decision='[[replace]]\nraw = "Staten"\nclean = "Staaten"\npage = 10'))
    book.events.append(Event(20, 3, "18", "warning", "note 7 in 'Eins': no reference to it in the text",
                             printed="7 Vgl. oben.", reading="[^-7]", check="note without reference"))
    book.events.append(Event(31, 30, "29", "warning", "a printed line that is in no block of the reading text",
                             printed="`code` | und mehr", reading="", check="line not carried over"))
    return book


def _markdown(book: Book, language: str = "de") -> str:
    report = build_report(book, "buch.pdf", "PDF", {}, Decisions(), [])
    return to_markdown(report, labels(language), terms(language), "buch.report.json")


def test_the_hinweise_come_first_each_with_its_place_forms_and_decision():
    lines = _markdown(_book()).split("\n")
    start = lines.index("## Hinweise (3)")
    assert start < 10
    entries = [k for k, line in enumerate(lines) if line.startswith("**") and ". " in line[:8]]
    assert len(entries) == 3 and all(start < k < 40 for k in entries)
    first = "\n".join(lines[entries[0]:entries[1]])
    assert first.startswith("**1. 12:7 (S. 10)** · Abweichung vom Druck")
    assert "- Druck: `Staa ten`" in first and "- Lesetext: `Staten`" in first
    # the decision, ready to paste: a TOML block that parses to the entry
    block = first.split("```toml\n", 1)[1].split("\n```", 1)[0]
    assert tomllib.loads(block) == {"replace": [{"raw": "Staten", "clean": "Staaten", "page": 10}]}
    second = "\n".join(lines[entries[1]:entries[2]])
    assert "Anmerkung ohne Verweis" in second and "Keine Entscheidung klärt das" in second
    third = "\n".join(lines[entries[2]:])
    assert "- Druck: `` `code` | und mehr ``" in third and "- Lesetext: –" in third   # its backticks inside the code


def test_routine_repairs_are_counted_by_rule_and_each_stays_in_the_json():
    book = _book()
    markdown = _markdown(book)
    assert len(markdown.split("\n")) < 120          # 301 repairs and 30 removals: a row per rule, not per repair
    assert "## Reparaturen nach Regeln (301)" in markdown
    rows = [line for line in markdown.split("\n") if line.startswith("| Trennstrich am Zeilenende entfernt |")]
    assert len(rows) == 1 and rows[0].split(" | ")[1] == "300" and "3:1 Wort1-\\|teil → Wort1teil" in rows[0]
    assert "| Ergänzungsstrich behalten | 1 |" in markdown
    assert "| Kolumnentitel entfernt | 30 |" in markdown
    report = build_report(book, "buch.pdf", "PDF", {}, Decisions(), [])
    assert len(report["changes"]) == 301 and report["changes"][0]["evidence"] == "the book prints it"


def test_the_report_speaks_the_editions_language_only():
    markdown = _markdown(_book())
    for english in ("line-end hyphen removed", "running head removed", "suspended compound kept", "difference",
                    "note without reference", "To check", "Repairs"):
        assert english not in markdown
    swiss = _markdown(_book(), "de-CH")
    assert "ß" not in swiss
    english = _markdown(_book(), "en")
    assert "## To check (3)" in english and "| line-end hyphen removed | 300 |" in english


@pytest.mark.parametrize("name", ["tuning-pdflatex-paket", "tuning-lualatex-bank"])
def test_a_corpus_books_report_begins_with_its_hinweise(name, tmp_path):
    """A book of 24–27 pages from the committed corpus, ingested: its report's Hinweise begin
    within its first 40 lines, and every rule, kind and check it names is in the edition's language."""
    pdf = tmp_path / f"{name}.pdf"
    shutil.copyfile(CORPUS / f"{name}.pdf", pdf)
    content = tmp_path / "content"
    result = run_cli("ingest", str(pdf), "--into", str(content))
    assert result.returncode == 0, result.stderr
    markdown = (content / "review" / f"{name}.report.md").read_text(encoding="utf-8")
    report = json.loads((content / "review" / f"{name}.report.json").read_text(encoding="utf-8"))
    lines = markdown.split("\n")
    start = next(k for k, line in enumerate(lines) if line.startswith("## Hinweise ("))
    assert start < 40
    warnings = [e for e in report["events"] if e["kind"] == "warning"]
    for k, event in enumerate(warnings[:5], 1):
        assert any(line.startswith(f"**{k}. {event['page']}:{event['line']}") if event["line"] else
                   line.startswith(f"**{k}. {event['page']}") for line in lines[start:])
    named = {c["rule"] for c in report["changes"]} | {e["kind"] for e in report["events"] if e["kind"] != "warning"}
    named |= {e["check"] for e in warnings if e["check"]}
    assert named and not named - set(GERMAN_TERMS), named - set(GERMAN_TERMS)
    assert len(lines) < 200 and len(report["changes"]) > 50
    assert not re.search(r"\| \d+:\d+ \| [^|]+ \| [^|]+ \| line-end", markdown)   # no row per repair
    # each Hinweis's decision pastes into decisions.toml as it stands (TOML lines, not one escaped line)
    pasted = re.findall(r"```toml\n(.*?)```", markdown, re.S)
    assert len(pasted) >= sum(bool(e["decision"]) for e in warnings)
    for block in pasted:
        assert all(entry["raw"] for entry in tomllib.loads(block).get("replace", [])), block


def test_a_chapters_pages_read_as_a_reader_writes_them():
    """The report's chapter table: a one-page chapter is on "i", not "i–i"; pages of a numbering
    apart (`{{page 1 Titelei}}`) say their sequence once ("1–2 Titelei")."""
    files = {"001-vorwort.md": Chapter("Vorwort", [], [], pages=["i"]),
             "002-titelei.md": Chapter("Titelei", [], [], pages=["1 Titelei", "2 Titelei"]),
             "003-eins.md": Chapter("Eins", [], [], pages=["1", "2", "3"])}
    report = build_report(_book(), "buch.pdf", "PDF", files, Decisions(), [])
    assert [c["pages"] for c in report["chapters"]] == ["i", "1–2 Titelei", "1–3"]
    markdown = to_markdown(report, labels("de"), terms("de"), "buch.report.json")
    assert "| 001-vorwort.md | Vorwort | i |" in markdown
