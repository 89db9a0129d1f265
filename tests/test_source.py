"""The source format real books need: notes anywhere, roman pages and pages in notes, chapter
introductions, ids from words, links in headings, inline gaps with their notes."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import page_words, run_cli
from sitecheck import check_site


def edition(tmp_path: Path, chapters: dict[str, str], config: str = 'title = "Probe"\n') -> Path:
    content = tmp_path / "content"
    content.mkdir(parents=True)
    (content / "edition.toml").write_text(config, encoding="utf-8")
    for name, text in chapters.items():
        (content / name).write_text(text, encoding="utf-8")
    return content


def build(content: Path, out: Path):
    return run_cli("build", "--content", str(content), "--out", str(out), "--no-search")


NOTES_ANYWHERE = """# Kapitel

## 1. Erster Abschnitt[^h]

{{page 10}}Ein Absatz.[^1]

> Ein Zitat mit Anmerkung.[^2]

- ein Punkt mit Anmerkung[^3]
- zweiter Punkt

[^h]: Zur Überschrift.
[^1]: Erste, mit Verweis auf eine weitere.[^4]
[^2]: Zum Zitat.
[^3]: Zur Liste, die auf {{page 11}}der nächsten Seite weiterläuft.
[^4]: In der Anmerkung.
"""


def test_notes_from_quotes_lists_headings_and_other_notes_are_all_shown(tmp_path):
    content = edition(tmp_path, {"kapitel.md": NOTES_ANYWHERE})
    out = tmp_path / "site"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    page = page_words(out / "kapitel" / "s1.html")
    for label, text in (("h", "Zur Überschrift."), ("1", "Erste"), ("2", "Zum Zitat."), ("3", "Zur Liste"),
                        ("4", "In der Anmerkung.")):
        assert f'<div popover id="fnpop-{label}"' in page, label
        assert re.search(rf'<li id="fn-{label}">.*{re.escape(text)}', page), label
    assert "<blockquote>" in page and "<ul>" in page
    assert check_site(out) == []  # every popover target exists, no id twice


def test_a_page_break_inside_a_note_is_kept_with_an_id_of_its_own(tmp_path):
    content = edition(tmp_path, {"kapitel.md": NOTES_ANYWHERE})
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    page = (out / "kapitel" / "s1.html").read_text(encoding="utf-8")
    assert 'id="fn-3-seite-11"' in page and ">S. 11</span></a>" in page
    assert 'id=""' not in page and 'href="#"' not in page


def test_labels_that_look_alike_get_different_ids_and_page_ids_are_refused(tmp_path):
    chapter = "# K\n\n## 1. A\n\nText[^*] und[^u2a] und[^_2a_].\n\n[^*]: Stern.\n[^u2a]: Buchstaben.\n[^_2a_]: Unterstrich.\n"
    content = edition(tmp_path, {"kapitel.md": chapter})
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    assert check_site(out) == []
    bad = edition(tmp_path / "b", {"kapitel.md": "# K\n\n## Vorwort {#inhalt}\n\nText.\n"})
    result = run_cli("check", "--content", str(bad))
    assert result.returncode == 1 and "kapitel.md:3: error: id 'inhalt' is used by the page itself" in result.stderr


def test_links_in_headings_and_placeholder_like_links(tmp_path):
    chapter = "# K\n\n## 1. Zu [Teil 2](#s2)\n\nText [x](edition-link:0).\n\n## 2. Zwei\n\nMehr.\n"
    content = edition(tmp_path, {"kapitel.md": chapter})
    out = tmp_path / "site"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    section = (out / "kapitel" / "s1.html").read_text(encoding="utf-8")
    assert '<h1 id="s1" class="level-2">1. Zu <a href="../kapitel/s2.html#s2">Teil 2</a></h1>' in section
    assert "[x](edition-link:0)" in section and 'href="edition-link' not in section
    toc = (out / "index.html").read_text(encoding="utf-8")
    assert ">1. Zu Teil 2</a>" in toc  # no link inside the table of contents' link
    assert check_site(out) == []


def test_an_inline_gap_keeps_the_editors_note(tmp_path):
    chapter = "# K\n\n## 1. A\n\nDer Satz {{gap: Zeile unleserlich}} endet hier.\n"
    content = edition(tmp_path, {"kapitel.md": chapter})
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    page = (out / "kapitel" / "s1.html").read_text(encoding="utf-8")
    assert re.search(r'class="ed-gap"[^>]*>\[…<span class="ed-gap-note">: Zeile unleserlich</span>\]', page)


def test_roman_front_matter_pages_then_arabic_pages_in_order_across_chapters(tmp_path):
    chapters = {
        "01-vorwort.md": "# Vorwort\n\n## Vorwort {#vorwort}\n\n{{page IX}}Text. {{page X}}Mehr.\n",
        "02-kapitel.md": "# Eins\n\n## 1. A\n\n{{page 1}}Text.\n\n{{page 2}}Mehr.\n",
        "03-kapitel.md": "# Zwei\n\n## 1. B\n\n{{page 3}}Text.\n",
    }
    content = edition(tmp_path, chapters)
    out = tmp_path / "site"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    page = (out / "01-vorwort" / "vorwort.html").read_text(encoding="utf-8")
    assert 'id="seite-ix"' in page and ">S. IX</span></a>" in page and "S. IX–X, Abs. 1" in page
    (content / "03-kapitel.md").write_text("# Zwei\n\n## 1. B\n\n{{page 2}}Text.\n", encoding="utf-8")
    (content / "02-kapitel.md").write_text("# Eins\n\n## 1. A\n\n{{page 1}}Text.\n\n{{page 2}}Mehr.\n\n"
                                           "{{page III}}Roman nach arabisch.\n", encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert f"{content / '02-kapitel.md'}:9: error: page marker {{{{page III}}}} out of order (a roman page after page 2)" \
        in result.stderr
    assert f"{content / '03-kapitel.md'}:5: warning: page marker {{{{page 2}}}} out of order: after page 2 in " \
           "02-kapitel.md, the chapter before" in result.stderr


def test_a_numbering_that_begins_again_is_a_sequence_of_its_own(tmp_path):
    """Front matter numbered 1, 2 and the body from 1 again (groff's title pages): the front
    matter's markers name their sequence (`{{page 1 Titelei}}`), so the build accepts them without
    a warning (`--strict` passes), the margin keeps the print's "1" and every id, page view and
    citation tells the two pages 1 apart."""
    chapters = {
        "01-titelei.md": "# Titelei\n\n## Vorwort {#vorwort}\n\n{{page 1 Titelei}}Titel.\n\n{{page 2 Titelei}}Vorwort.\n",
        "02-kapitel.md": "# Eins\n\n## 1. A\n\n{{page 1}}Text.\n\n{{page 2}}Mehr.\n",
    }
    content = edition(tmp_path, chapters)
    out = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(out), "--no-search", "--strict")
    assert result.returncode == 0 and "out of order" not in result.stderr, result.stderr
    front = (out / "01-titelei" / "vorwort.html").read_text(encoding="utf-8")
    body = (out / "02-kapitel" / "s1.html").read_text(encoding="utf-8")
    assert 'id="seite-titelei-1"' in front and 'id="seite-1"' not in front and ">S. 1</span></a>" in front
    assert 'id="seite-1"' in body and ">S. 1</span></a>" in body
    assert "S. 1–2 (Titelei)" in front and "(Titelei)" not in body
    listed = (out / "01-titelei" / "index.html").read_text(encoding="utf-8").split('class="pages-present"')[1]
    assert ">S. 1 (Titelei)</a>, " in listed.split("</p>")[0], listed  # the chapter's pages: not "S. 1" twice in the book
    tei = (out / "01-titelei" / "01-titelei.tei.xml").read_text(encoding="utf-8")
    assert '<pb n="1"/>' in tei and '<pb n="2"/>' in tei
    # without the sequence's name the same numbering is out of order, as before
    (content / "01-titelei.md").write_text(chapters["01-titelei.md"].replace(" Titelei}}", "}}"), encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert "02-kapitel.md:5: warning: page marker {{page 1}} out of order: after page 2" in result.stderr
    (content / "02-kapitel.md").write_text("# Eins\n\n{{page 2 Titelei}}A.\n\n{{page 1 Titelei}}B.\n",
                                          encoding="utf-8")   # within a sequence, pages still rise
    result = run_cli("check", "--content", str(content))
    assert "02-kapitel.md:5: error: page marker {{page 1 Titelei}} out of order (after page 2 Titelei)" \
        in result.stderr


def test_text_before_the_first_heading_is_the_chapters_citable_introduction(tmp_path):
    chapters = {
        "kapitel.md": "# Kapitel\n\n{{page 5}}Eine Einleitung vor dem ersten Abschnitt.[^1]\n\nNoch ein Absatz.\n\n"
                      "## 1. Erster Abschnitt\n\nText.\n\n[^1]: Zur Einleitung.\n",
        "zweites.md": "# Zweites\n\n## 1. A\n\nSiehe [die Einleitung](kapitel.md#intro-p2).\n",
    }
    content = edition(tmp_path, chapters)
    out = tmp_path / "site"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    page = (out / "kapitel" / "index.html").read_text(encoding="utf-8")
    assert 'id="intro-p1"' in page and 'id="intro-p2"' in page and 'popovertarget="cite-intro-p2"' in page
    assert '<div popover id="fnpop-1"' in page and "S. 5, Abs. 2" in page
    assert 'href="../kapitel/index.html#intro-p2"' in (out / "zweites" / "s1.html").read_text(encoding="utf-8")
    assert check_site(out) == []


def test_an_unnumbered_heading_gets_an_id_from_its_words_with_a_warning(tmp_path):
    content = edition(tmp_path, {"Einführung.md": "# Einführung\n\n## Über Maß und Ziel\n\nText.\n"})
    out = tmp_path / "site"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    assert (out / "einfuehrung" / "ueber-mass-und-ziel.html").is_file()  # file names follow the same rule
    assert "Einführung.md:3: warning: heading 'Über Maß und Ziel' has no number: its id 'ueber-mass-und-ziel'" \
        in result.stderr


def test_a_very_long_heading_builds_and_a_too_long_id_is_refused_at_its_line(tmp_path):
    """A heading of forty words names its page by an id cut at a word (a file name has at most
    255 bytes: the build crashed with 'File name too long'); an explicit id that long is an error."""
    words = " ".join(["Verteidigungspolitische"] * 40)
    content = edition(tmp_path, {"k.md": f"# K\n\n## {words}\n\nText.\n"})
    out = tmp_path / "site"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    pages = [p.name for p in (out / "k").glob("verteidigungspolitische*.html")]
    assert len(pages) == 1 and len(pages[0]) <= 65, pages
    long_id = "a" * 150
    content = edition(tmp_path / "b", {"k.md": f"# K\n\n## Kurz {{#{long_id}}}\n\nText.\n"})
    result = build(content, tmp_path / "b" / "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{content / 'k.md'}:3: error: id '{{#{'a' * 40}…}}' is 150 characters long" in result.stderr


def png(width: int, height: int) -> bytes:
    """A valid PNG of the given size (one gray row, repeated)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


FIGURE = "# K\n\n## 1. A\n\n![Karte der Schweiz um 1900](bilder/karte.png \"Abb. 1: Die Schweiz\")\n\n" \
         "Text mit ![Signet](signet.png) im Satz.\n"


def test_figures_are_copied_with_their_size_description_and_caption(tmp_path):
    content = edition(tmp_path, {"kapitel.md": FIGURE})
    (content / "bilder").mkdir()
    (content / "bilder" / "karte.png").write_bytes(png(40, 30))
    (content / "signet.png").write_bytes(png(8, 8))
    out = tmp_path / "site"
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    page = (out / "kapitel" / "s1.html").read_text(encoding="utf-8")
    assert ('<figure class="figure"><img src="../media/kapitel/bilder/karte.png" alt="Karte der Schweiz um 1900" '
            'title="Abb. 1: Die Schweiz" width="40" height="30" loading="lazy"><figcaption>Abb. 1: Die Schweiz'
            '</figcaption></figure>') in page
    assert '<img src="../media/kapitel/signet.png" alt="Signet" width="8" height="8" loading="lazy">' in page
    assert (out / "media" / "kapitel" / "bilder" / "karte.png").read_bytes() == png(40, 30)
    assert check_site(out) == []
    (content / "bilder" / "karte.png").write_bytes(png(60, 45))  # replaced under the same name
    assert build(content, out).stdout.startswith("updated")
    assert 'width="60" height="45"' in (out / "kapitel" / "s1.html").read_text(encoding="utf-8")
    assert (out / "media" / "kapitel" / "bilder" / "karte.png").read_bytes() == png(60, 45)


def test_images_must_be_files_of_the_edition_with_a_description(tmp_path):
    chapter = ("# K\n\n## 1. A\n\n![](ohne.png)\n\n![Fehlt](fehlt.png)\n\n![Fremd](https://evil.example/x.png)\n\n"
               "![Oben](../geheim.png)\n\n![Text](text.png)\n")
    content = edition(tmp_path, {"kapitel.md": chapter})
    (content / "ohne.png").write_bytes(png(2, 2))
    (content / "text.png").write_text("kein Bild")
    result = run_cli("check", "--content", str(content))
    path = content / "kapitel.md"
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for line, message in ((5, "image 'ohne.png' has no description"), (7, "image 'fehlt.png' cannot be read"),
                          (9, "image 'https://evil.example/x.png' must be a file beside the chapter"),
                          (11, "image '../geheim.png' must be a file beside the chapter"),
                          (13, "image 'text.png' is not an image a browser shows")):
        assert f"{path}:{line}: error: {message}" in result.stderr, result.stderr


def test_an_english_edition_speaks_english_everywhere(tmp_path):
    chapter = "# Chapter\n\n## 1. First\n\n{{page 5}}Text with a note.[^1] {{add word}}\n\n{{gap}}\n\n[^1]: The note.\n"
    content = edition(tmp_path, {"chapter.md": chapter}, 'title = "Essays"\nlanguage = "en-GB"\n')
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    page = (out / "chapter" / "s1.html").read_text(encoding="utf-8")
    for english in ('lang="en-GB"', ">Notes</h2>", 'aria-label="Note 1"', ">p. 5</span></a>", "here: Section 1 “First”, p. 5, "
                    "para. 1. Digital edition, version of 21 November 2025", 'title="Editorial addition"', "Text is missing here", ">Cite</button>",
                    "Version of: <time", "21 November 2025"):
        assert english in page, english
    everything = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    for german in ("Anmerkung", "Zitieren", "Absatz", "Seitenzahl", "Inhalt<", "Stand:", "S. 5"):
        assert german not in everything, german


def test_the_readmes_edited_volume_builds_as_written(tmp_path):
    from conftest import ROOT

    readme = (ROOT / "docs" / "writing.md").read_text(encoding="utf-8")  # linked from the README
    example = readme.split("## Example: an edited volume", 1)[1].split("\n## Many chapters", 1)[0]
    files = re.findall(r'```\w+ title="([^"]+)"\n(.*?)```', example, re.S)
    assert len(files) == 5
    for name, text in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    result = build(tmp_path / "content", out)
    assert result.returncode == 0, result.stderr
    assert check_site(out) == []
    preface = (out / "00-vorwort" / "index.html").read_text(encoding="utf-8")
    assert 'id="intro-p1"' in preface and ">S. IX</span></a>" in preface
    first = (out / "01-neutralitaet" / "s1.html").read_text(encoding="utf-8")
    assert "<blockquote>" in first and '<div popover id="fnpop-1"' in first
    assert '<figure class="figure"><img src="../media/01-neutralitaet/karte.svg"' in first
    assert 'width="400" height="300"' in first and 'id="fn-2-seite-26"' in first
    chapter = (out / "01-neutralitaet" / "index.html").read_text(encoding="utf-8")
    assert 'citation_author" content="Eins, Anna"' in chapter and 'citation_firstpage" content="25"' in chapter
    second = (out / "02-buendnisse" / "index.html").read_text(encoding="utf-8")
    assert 'citation_author" content="Zwei, Zora"' in second and 'citation_lastpage" content="40"' in second


def test_the_remembered_state_keeps_every_kind_of_content():
    """What `edition build` stores between runs (state.py) reads back equal: inline content is a
    union of classes with like fields (Text, Code, Addition), told apart by their tag."""
    from conftest import CONTENT, FIXTURES

    from generator import state
    from generator.model import Chapter
    from generator.source import load_chapter

    for path in (CONTENT / "kleinstaaten.md", FIXTURES / "golden" / "content" / "zweites.md"):
        chapter, _ = load_chapter(path)
        assert chapter is not None
        outline = chapter.outline()
        assert state.decode(Chapter, state.encode(outline)) == outline


def test_a_soft_hyphen_in_the_source_stays_one(tmp_path):
    """The search's compound joints do not take the place of the editor's own soft hyphens; a
    site without search has no joints (they are for the index only)."""
    content = edition(tmp_path, {"kapitel.md": "# Kapitel\n\n## 1. Teil\n\n{{page 1}}Die Verteidigungs\u00adpolitik "
                                                "der Kleinstaaten.\n"})
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0   # with search
    page = (out / "kapitel" / "s1.html").read_text(encoding="utf-8")
    assert "Verteidigungs\u00adpolitik" in page                                   # as the editor wrote it
    assert "Klein<span hidden>^</span>staaten" in page                            # the search's joint elsewhere
    assert build(content, tmp_path / "plain").returncode == 0
    plain = (tmp_path / "plain" / "kapitel" / "s1.html").read_text(encoding="utf-8")
    assert "Verteidigungs\u00adpolitik" in plain and "<span hidden>^</span>" not in plain


def test_an_inline_note_is_refused_at_its_line_not_a_crash(tmp_path):
    """`^[…]` (the footnote plugin's inline note) has no print number: `check` ended with
    "edition: error: 'label'" (a KeyError), no path, no line."""
    content = edition(tmp_path, {"k.md": "# Kapitel\n\n## 1. A\n\nText^[eine Notiz] hier.\n"})
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert "k.md:5: error: an inline note '^[…]' has no print number" in result.stderr
    assert "Traceback" not in result.stderr and "'label'" not in result.stderr
