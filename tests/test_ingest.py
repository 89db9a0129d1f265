"""Ingest: raw seed pages → the text an editor would publish, with every change reported."""
from __future__ import annotations

import json
import re

import pytest
from conftest import CONTENT, FIXTURES, SEEDS, run_cli

WRAPPED, FLATTENED, LATER = SEEDS / "229-wrapped.txt", SEEDS / "229-flattened.txt", SEEDS / "later-page.txt"
EXPECTED_229 = (FIXTURES / "page229.expected.txt").read_text(encoding="utf-8")
TRUE_HYPHENS = ["EU-Mitgliedstaaten", "NATO-Infrastruktur", "«Burden-Sharings»", "Unterstützungs- und",
                "Friedens- und", "verteidigungs- und"]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ingest")
    (folder / "decisions.toml").write_text((CONTENT / "decisions.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("ingest", str(WRAPPED), str(FLATTENED), str(LATER), "--into", str(folder / "kleinstaaten.md"))
    assert result.returncode == 0, result.stderr
    report = json.loads((folder / "review" / "kleinstaaten.report.json").read_text(encoding="utf-8"))
    return folder, result, report


def test_page_229_is_exactly_the_published_text():
    # Both extractions of page 229: the wrapped one gives the paragraphs, the flattened one
    # the footer with the page number, which the decision "in dem" → "indem" (page 229) needs.
    result = run_cli("clean", str(WRAPPED), str(FLATTENED), "--decisions", str(CONTENT / "decisions.toml"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED_229


def test_flattened_page_229_gives_the_same_words_and_headings():
    result = run_cli("clean", str(FLATTENED), "--decisions", str(CONTENT / "decisions.toml"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == EXPECTED_229.split()  # only the lost paragraph breaks differ
    lines = result.stdout.splitlines()
    assert "6. Neue verteidigungs- und sicherheitspolitische Optionen" in lines
    assert "6.1. Kooperative Verteidigungspolitik" in lines
    assert "229 Sicherheits-" not in result.stdout and "Kleinstaaten\n" not in result.stdout[-20:]


def test_true_hyphens_survive():
    for form in (WRAPPED, FLATTENED):
        text = run_cli("clean", str(form)).stdout
        for word in TRUE_HYPHENS:
            assert word in text, (form.name, word)


def test_in_dem_is_reported_not_decided_without_a_decision():
    result = run_cli("clean", str(WRAPPED))
    assert "in dem sie als Agenturen" in result.stdout


def test_clean_seed_000_passes_through_unchanged():
    result = run_cli("clean", str(LATER))
    assert result.stdout.split() == LATER.read_text(encoding="utf-8").split()
    assert result.stdout.strip() == LATER.read_text(encoding="utf-8").strip()


def test_report_lists_19_repaired_words_the_decision_the_footer_and_headings(ingested):
    _, result, report = ingested
    tool_repairs = [r for r in report["changes"] if "editor's decision (decisions.toml)" not in r["rule"]]
    assert len(tool_repairs) == 19
    assert {"raw": "Klein staaten,", "clean": "Kleinstaaten,"}.items() <= next(
        r for r in tool_repairs if r["raw"] == "Klein staaten,").items()
    decided = [r for r in report["changes"] if r["rule"] == "editor's decision (decisions.toml)"]
    assert [(d["raw"], d["clean"], d["print_page"], d["file"]) for d in decided] == [("in dem", "indem", "229", "229-wrapped.txt")]
    kinds = [(e["kind"], e["detail"]) for e in report["events"]]
    assert ("header/footer removed", "229 Sicherheits- und Verteidigungspolitik von Kleinstaaten") in kinds
    assert ("heading", "6. Neue verteidigungs- und sicherheitspolitische Optionen") in kinds
    assert ("heading", "6.1. Kooperative Verteidigungspolitik") in kinds
    assert report["unknown_words"] == {"Intergouvernementalität": 1, "Verregelung": 1,
                                       "Verteidigungsdispositive": 1, "friedensfördernder": 2}
    assert "warning: undecided: 'bei der' or 'beider'?" in result.stdout
    md = (ingested[0] / "review" / "kleinstaaten.report.md").read_text(encoding="utf-8")
    assert {"file": "229-wrapped.txt", "line": 2, "raw": "verteidigungs po li ti -⏎schen",
            "clean": "verteidigungspolitischen"}.items() <= next(
        r for r in report["changes"] if r["clean"] == "verteidigungspolitischen").items()   # each repair in the JSON
    assert re.search(r"^\| weiches Trennzeichen entfernt, falsches Leerzeichen[^|]* \| \d+ \| 229-wrapped.txt:", md, re.M)   # by rule in the report


def test_without_decision_in_dem_is_listed_as_undecided(tmp_path):
    assert run_cli("ingest", str(WRAPPED), "--into", str(tmp_path / "k.md")).returncode == 0
    report = json.loads((tmp_path / "review" / "k.report.json").read_text(encoding="utf-8"))
    assert ("in dem", "indem") in [(u["raw"], u["suggestion"]) for u in report["undecided"]]
    assert "in dem sie als" in (tmp_path / "k.md").read_text(encoding="utf-8")


def test_chapter_source_marks_pages_gap_headings_and_note(ingested):
    folder, _, _ = ingested
    source = (folder / "kleinstaaten.md").read_text(encoding="utf-8")
    assert source.count("{{page 229}}") == 1 and "{{page ?}}aber die Hoffnung" in source
    assert re.search(r"für den Fall\n\n\{\{gap: .+\}\}\n\n\{\{page \?\}\}aber", source)
    assert "## 6. Neue verteidigungs- und sicherheitspolitische Optionen {#s6}" in source
    assert "### 6.1. Kooperative Verteidigungspolitik {#s6-1}" in source
    assert "prägen wird.[^8]" in source and "\n[^8]: Müller-Brandeck-Bocquet" in source


def test_default_edition_source_is_what_ingest_produces(ingested):
    folder, _, _ = ingested
    assert (folder / "kleinstaaten.md").read_text(encoding="utf-8") == (CONTENT / "kleinstaaten.md").read_text(encoding="utf-8")


def test_stale_decision_is_reported(tmp_path):
    (tmp_path / "decisions.toml").write_text('[[join]]\nraw = "gibt es nicht"\n', encoding="utf-8")
    result = run_cli("ingest", str(WRAPPED), "--into", str(tmp_path / "k.md"))
    assert result.returncode == 0
    assert f"{tmp_path / 'decisions.toml'}:2: warning: decision matches nothing: join 'gibt es nicht'" in result.stdout


def test_plain_digit_marker_becomes_a_reference_only_with_its_note(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Das Prinzip wird die Zusammenarbeit prägen wird.8 Siehe S. 9 und Art. 5.\n\n"
                    "8 Müller, Das neue Entscheidungssystem, 2002.\n", encoding="utf-8")
    result = run_cli("clean", str(page))
    assert result.stdout.splitlines()[0] == "Das Prinzip wird die Zusammenarbeit prägen wird.⁸ Siehe S. 9 und Art. 5."
    assert "⁸ Müller, Das neue Entscheidungssystem, 2002." in result.stdout


def test_crlf_bom_and_no_break_spaces_are_normalised(tmp_path):
    page = tmp_path / "p.txt"
    raw = WRAPPED.read_text(encoding="utf-8").replace("\n", "\r\n").replace("Kalten Krieg", "Kalten\u00a0Krieg")
    page.write_bytes(b"\xef\xbb\xbf" + raw.encode("utf-8"))
    result = run_cli("clean", str(page), str(FLATTENED), "--decisions", str(CONTENT / "decisions.toml"))
    assert result.stdout == EXPECTED_229


@pytest.mark.parametrize("content, message", [
    (b"", ":1: error: empty page: no text to ingest"),
    (b"\x00\x01\x02binary", ": error: binary file"),
    ("Gr\u00fcsse aus Z\u00fcrich".encode("latin-1"), ":1: error: not UTF-8 text (tried encoding utf-8"),
])
def test_bad_pages_get_a_clear_error_and_nothing_is_written(tmp_path, content, message):
    page = tmp_path / "bad.txt"
    page.write_bytes(content)
    into = tmp_path / "k.md"
    result = run_cli("ingest", str(page), "--into", str(into))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{page}{message}" in result.stderr
    assert not into.exists()


def test_footnote_marker_without_footnote_is_named_with_file_and_line(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Erste Zeile ohne Marker.\nZweite Zeile mit Marker.⁹\n", encoding="utf-8")
    result = run_cli("ingest", str(page), "--into", str(tmp_path / "k.md"))
    assert result.returncode == 0
    assert "p.txt:2: warning: footnote marker ⁹ has no footnote on this page; kept as printed" in result.stdout
    assert "Marker.⁹" in (tmp_path / "k.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("raw", ["der NATO -\nInfrastruktur", "der NATO-\nInfrastruktur"])
def test_a_line_end_hyphen_before_a_capital_is_a_true_hyphen(tmp_path, raw):
    page = tmp_path / "p.txt"
    page.write_text(f"Die Zusammenarbeit in {raw} ist ein Teil der Verteidi -\ngungs politik.\n", encoding="utf-8")
    text = run_cli("clean", str(page)).stdout
    assert "in der NATO-Infrastruktur ist" in text and "Verteidigungspolitik" in text


def test_replace_keep_and_pages_decisions_are_applied(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Die Zusammenarbeit ist ein Teil der Verteidi -\ngungs politik.\n", encoding="utf-8")
    (tmp_path / "decisions.toml").write_text(
        '[[replace]]\nraw = "Teil der"\nclean = "Bestandteil der"\n\n'
        '[[keep]]\nraw = "Verteidi gungs"\n\n[pages]\n"p.txt" = 17\n', encoding="utf-8")
    result = run_cli("ingest", str(page), "--into", str(tmp_path / "k.md"))
    assert result.returncode == 0, result.stderr
    source = (tmp_path / "k.md").read_text(encoding="utf-8")
    assert "{{page 17}}Die Zusammenarbeit ist ein Bestandteil der Verteidi gungs" in source
    assert "Verteidigungs" not in source and " Teil der" not in source
    report = (tmp_path / "review" / "k.report.md").read_text(encoding="utf-8")
    assert "Bestandteil der" in report


def test_decisions_are_checked_by_the_same_schema_with_lines(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Ein Satz.\n", encoding="utf-8")
    (tmp_path / "decisions.toml").write_text(
        '[[join]]\nraw = "in dem"\nseite = 3\n\n[[replace]]\nraw = "a"\n\n[pages]\n"p.txt" = "zwölf"\n'
        '[opening]\nlabel = 3\n', encoding="utf-8")
    result = run_cli("ingest", str(page), "--into", str(tmp_path / "k.md"))
    decisions = tmp_path / "decisions.toml"
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for expected in (f"{decisions}:3: error: unknown decision key 'join.seite' (known keys here: note, page, raw)",
                     f"{decisions}:5: error: missing key 'replace.clean'",
                     f"{decisions}:9: error: decision key 'pages.p.txt' must be a whole number",
                     f"{decisions}:11: error: decision key 'opening.label' must be text in quotes"):
        assert expected in result.stderr, result.stderr
    assert not (tmp_path / "k.md").exists()


def test_hyphens_at_line_ends_from_other_typesetters_are_decided_by_the_words(tmp_path):
    """LaTeX prints its break hyphen as "-", Typst as a soft hyphen: joined where the joined form
    is a word; kept before a capital and where the book prints the hyphenated form."""
    page = tmp_path / "p1.txt"
    page.write_text("Die historisch-kritischen Ausgaben sind voraus-\n"
                    "sichtlich selten. Eine historisch-\n"
                    "kritischen Arbeit der EU-\n"
                    "Mitgliedstaaten bleibt Verteidigungs\u00ad\n"
                    "politik, die HTML\u00adSeiten auch.\n", encoding="utf-8")
    result = run_cli("clean", str(page))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "voraussichtlich" in text and "Verteidigungspolitik" in text
    assert text.count("historisch-kritischen") == 2 and "EU-Mitgliedstaaten" in text and "HTML-Seiten" in text


def test_the_lazily_read_dictionary_answers_as_the_whole_one():
    """The lexicon lets spylls read a stem's entries only when a lookup asks for it, and
    remembers each part it has checked: its answers must be spylls's own on the whole dictionary
    (words of the seeds and the test books, their halves, other cases, endings, and words joined
    by hyphens, whose parts spylls checks in every way they can be broken)."""
    from spylls.hunspell import Dictionary

    from generator.ingest import lexicon

    whole = Dictionary.from_files(str(lexicon._dictionary_path()))
    lazy = lexicon._hunspell()
    text = " ".join(p.read_text(encoding="utf-8") for p in (WRAPPED, LATER, FIXTURES / "books" / "prose-tuning.txt"))
    words = set(re.findall(r"[A-Za-zÄÖÜäöüß]+", text))
    asked = sorted({v for w in words for v in (w, w.lower(), w.upper(), w[: len(w) // 2], w[len(w) // 2:], w + "en")} - {""})
    asked = asked[::2]   # every other one, in order: halves, cases and endings still among them (a lookup is ~3 ms)
    assert len(asked) > 1000
    plain = sorted(words)[::40]
    asked += ["-".join(plain[k:k + n]) for n in (2, 3) for k in range(0, len(plain) - n, 7)]
    asked += ["https://debian-handbook.info/browse/stable/sect.setup-apt-package-repository.html", "Ost-West-Konflikt",
              "ost-west-konflikt", "EU-Mitgliedstaaten-", "-Sicherheit"]
    # words glued together (page text's joins): spylls searches their compounds, whose parts'
    # forms (at a compound's start, middle and end) and endings it remembers for the next word
    glued = ["".join(plain[k:k + n]) for n in (2, 3) for k in range(0, len(plain) - n, 9)]
    asked += [w for g in glued for w in (g, g.capitalize())] + ["Unterkommandopurge", "Unterkommandopurgenoch",
                                                                "Verteidigungspolitik", "Sicherheitspolitikbereich"]
    assert [w for w in asked if whole.lookup(w) != lazy.lookup(w)] == []


def ingest_page(tmp_path, text: str):
    """`edition ingest` on one page of text: (the command's result, the chapter file)."""
    page = tmp_path / "p1.txt"
    page.write_text(text, encoding="utf-8")
    into = tmp_path / "content" / "kapitel.md"
    return run_cli("ingest", str(page), "--into", str(into)), into


def test_the_report_gives_decisions_to_paste_and_they_match_before_punctuation(tmp_path):
    page = tmp_path / "p1.txt"
    # an extraction with spaces at hyphenation points (its sign: " -" at a line end), as the seeds'
    page.write_text("Sie handelten rasch, in dem sie sich einigten.\nSie handelten rasch, in dem, was sie taten.\n"
                    "Die Koordina -\ntion gelang.\n", encoding="utf-8")
    into = tmp_path / "content" / "kapitel.md"
    first = run_cli("ingest", str(page), "--into", str(into))
    assert first.returncode == 0, first.stderr
    report = (into.parent / "review" / "kapitel.report.md").read_text(encoding="utf-8")
    block = report.split("```toml\n", 1)[1].split("```", 1)[0]
    assert "[[join]]  # p1.txt:1: 'in dem' → 'indem'" in block and 'raw = "in dem"' in block
    # pasted as it is: both places are joined, the one before a comma too, and nothing is stale
    (into.parent / "decisions.toml").write_text('[[join]]\nraw = "in dem"\n', encoding="utf-8")
    again = run_cli("ingest", str(page), "--into", str(into))
    assert again.returncode == 0, again.stderr
    text = into.read_text(encoding="utf-8")
    assert "indem sie sich einigten" in text and "indem, was sie taten" in text
    assert "matches nothing" not in again.stdout


def test_text_without_spaces_at_hyphenation_points_asks_nothing_about_them(tmp_path):
    """An extractor that keeps spaces as printed (no " -" at any line end) gives no "in dem" or
    "indem" to doubt: the report asks only where the evidence is split."""
    result, into = ingest_page(tmp_path, "Sie handelten rasch, in dem sie sich einigten, und zu hören war nichts. "
                                         "Die Verhand-\nlungen dauerten an.\n")
    assert result.returncode == 0, result.stderr
    assert "undecided" not in result.stderr and "0 undecided" in result.stdout
    text = into.read_text(encoding="utf-8")
    assert "in dem sie sich einigten, und zu hören" in text and "Verhandlungen dauerten" in text


def test_a_word_broken_before_a_conjunction_or_a_blank_line_is_joined_and_a_suspended_compound_stays(tmp_path):
    # "Den-⏎noch" is one word though "noch" is a conjunction; "Unterstützungs-⏎und" stays
    # suspended; pdfminer.six cuts a text box at a break hyphen: a blank line inside "Sanitäts-⏎⏎personal"
    result, into = ingest_page(tmp_path, "Die Lage war ernst. Den-\nnoch gab es Unterstützungs-\nund "
                                         "Koordinationsaufgaben für Sanitäts-\n\npersonal und Experten.\n")
    assert result.returncode == 0
    text = into.read_text(encoding="utf-8")
    assert "Dennoch gab es Unterstützungs- und Koordinationsaufgaben für Sanitätspersonal und Experten." in text


def test_words_in_german_spelling_are_words(tmp_path):
    """The dictionary is Swiss (no ß): "Straße" is its "Strasse", not an unknown word."""
    result, into = ingest_page(tmp_path, "Die Straße war groß, und schließlich blieben die Maßnahmen aus. "
                                         "Ein Qwxzlk auch.\n")
    assert result.returncode == 0
    report = json.loads((into.parent / "review" / "kapitel.report.json").read_text(encoding="utf-8"))
    unknown = set(report["unknown_words"])  # word → how often
    assert not unknown & {"Straße", "groß", "schließlich", "Maßnahmen"} and "Qwxzlk" in unknown


def test_ligatures_addresses_and_spaced_dashes_in_extracted_text(tmp_path):
    """Text as pdftotext or pypdf give it (no spaces at hyphenation points): a ligature is its
    letters, an address broken at a "/" is one again, a dash set with spaces stays one."""
    result, into = ingest_page(tmp_path, "Die Of\ufb01ziere \ufb01nden es unter https://www.example.org/archiv/\n"
                                         "123/bericht.html, so Kapitel 2 -\nAnsätze und Verhand\u2010\nlungen.\n")  # U+2010
    assert result.returncode == 0
    text = into.read_text(encoding="utf-8")
    assert "Die Offiziere finden es unter https://www.example.org/archiv/123/bericht.html, so Kapitel 2 - Ansätze " \
           "und Verhandlungen." in text
    report = (into.parent / "review" / "kapitel.report.md").read_text(encoding="utf-8")
    assert "| Adresse über das Zeilenende verbunden | 1 |" in report   # the rule in the edition's language


def test_running_heads_are_learned_from_the_pages_and_found_wherever_the_extractor_put_them(tmp_path):
    """A head on its own line above the text, glued to the first line of text (pypdf), or set by
    the extractor at the end of a line mid-page (pdfminer.six); a roman folio at the foot."""
    head = "Kleine Staaten und große Fragen"
    texts = {"p1.txt": "Vorwort und Dank an alle.\n\nxii\n",
             "p2.txt": f"12 {head}\nDie Verhandlungen dauerten an, und die Löhne\nblieben knapp bemessen.\n",
             "p3.txt": f"13 {head} Der Fluss trat über die Ufer.\nDie Bauern hatten gelernt, ihre Höfe zu bauen.\n",
             "p4.txt": f"14 {head}\nAm Ende war aus der Auenlandschaft ein Kanal geworden, und die Löhne {head}\n\n"
                       "blieben knapp bemessen.\n"}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("clean", *(str(tmp_path / name) for name in texts))
    assert result.returncode == 0, result.stderr
    assert head not in result.stdout and not re.search(r"(?m)^\s*(xii|1[234])\s*$", result.stdout)
    assert "Der Fluss trat über die Ufer." in result.stdout
    assert "und die Löhne blieben knapp bemessen." in result.stdout.replace("\n\n", " ")


def test_a_chapter_opening_keeps_the_title_its_later_pages_carry_as_running_head(tmp_path):
    title = "Einleitung und Fragestellung"
    texts = {"p1.txt": f"{title}\n\nIm Frühling schwoll der Fluss an.\n\n1\n"}
    for n in range(2, 5):   # the same words head the next pages, above their folios at the foot
        texts[f"p{n}.txt"] = f"{title}\nDie Bauern bauten Höfe am Hang, Seite {n}.\n\n{n}\n"
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("clean", *(str(tmp_path / name) for name in texts))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(title) == 1 and result.stdout.index(title) < result.stdout.index("Frühling")


def test_headings_whose_ids_the_build_would_refuse_get_ids_of_their_own():
    """Debian's gerdoc.pdf and lualatex-doc-DE.pdf (issue 24, item 8): a heading
    'Inhaltsverzeichnis' (an id the page uses itself), two sections of one name or number in a
    chapter; ingest writes ids that the build accepts, and the first keeps the id of its words."""
    from pathlib import Path

    from generator.diagnostics import Collector
    from generator.ingest.model import Block, Chapter, Text
    from generator.ingest.writers import chapter_markdown
    from generator.source import parse_chapter

    def heading(text: str) -> Block:
        return Block("heading", [Text(text)], level=2)

    def para(text: str) -> Block:
        return Block("para", [Text(text)])

    chapter = Chapter("Kurzbeschreibung", [heading("Inhaltsverzeichnis"), para("Eins."), heading("Verwendungsbeispiele"),
                                           para("Zwei."), heading("Verwendungsbeispiele"), para("Drei."),
                                           heading("2.1 Pakete"), para("Vier."), heading("2.1 Pakete"), para("Fünf."),
                                           heading("Diese Trennmuster befinden sich im experimentellen Status, sie "
                                                   "können auf CTAN und in den TeX-Verteilungen " * 3), para("Sechs.")], [])
    source = chapter_markdown(chapter)
    problems = Collector()
    parsed = parse_chapter(Path("k.md"), source.encode("utf-8"), problems)
    assert not problems.errors, (problems.errors, source)
    ids = [s.id for s in parsed.sections]
    assert ids[1:5] == ["verwendungsbeispiele", "verwendungsbeispiele-2", "s2-1", "s2-1-2"] and len(set(ids)) == 6
    assert ids[5].startswith("diese-trennmuster-befinden") and len(ids[5]) <= 60   # a page is named by it
    assert "## Verwendungsbeispiele {#verwendungsbeispiele}\n" in source
    assert "## Verwendungsbeispiele {#verwendungsbeispiele-2}" in source
    # every id from words written out: the build need not warn (the publishing workflow is --strict)
    assert not problems.warnings, problems.warnings


def test_page_text_headings_by_their_number_on_a_line_of_their_own(tmp_path):
    """Issue 24 (item 7): Typst's page text (pdftotext -layout) sets a numbered heading on its
    own line with the text right under it, no blank line between, its number without a final
    point ("1.1 Vergleich …"); a heading's "1.1" is no reference to note 1 on the page."""
    body = ("Dieser Schritt markierte das Ende einer Epoche, in der die Vermittler noch wenig galten,\n"
            "und die Forschung hat diese Strategien erst spät als eigenes Politikfeld erkannt.\n")
    page = tmp_path / "p1.txt"
    page.write_text("Die Bevölkerung stand diesen Veränderungen zunächst skeptisch gegenüber.1\n\n"
                    "1.1 Vergleich mit den Nachbarn\n" + body + body +
                    "1.1.1 Akteure und Interessen\n" + body + body +
                    "\n\n   1 Vgl. Weiß, Kleinstaaten im Wandel, 1970, S. 252.\n", encoding="utf-8")
    result = run_cli("clean", str(page))
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("\n\n")
    assert "1.1 Vergleich mit den Nachbarn" in blocks and "1.1.1 Akteure und Interessen" in blocks, blocks
    assert "gegenüber.¹" in result.stdout and "1.¹" not in result.stdout


def test_an_address_broken_after_a_mark_it_cannot_end_with_goes_on_without_a_space():
    """'…milex?country=' at a line's end and 'CH&from=…' on the next are one address (the URL
    book's note: a space was put in because the next line begins with a capital); after a full
    stop a capital still begins a sentence."""
    from generator.ingest.joins import _plain, book_words

    words = book_words([])
    assert _plain("https://www.sipri.org/databases/milex?country=", "CH&from=1988", words).between == ""
    assert _plain("https://example.org/a?x=1&", "Y=2", words).between == ""
    assert _plain("https://example.org/bericht.html.", "Die", words).between == " "
