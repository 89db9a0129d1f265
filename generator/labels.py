"""The words of the interface, one table per language: the site's pages, the citation texts,
the script's messages and the preview's error overlay all take theirs from here. An edition's
`language` picks the table by its primary tag and its region: German (`de`, `de-DE`: "Schließen"),
Swiss Standard German (`de-CH`, `de-LI`: ss for ß, "Schliessen"), Austrian (`de-AT`: "Jänner");
a language without a table gets the English one. The command line speaks English.

Templates read them as `t.name`; code as `labels(language)["name"]`. `{n}`, `{title}` and
`{label}` are filled in where they are used.
"""
from __future__ import annotations

import functools

GERMAN = {
    "skip": "Zum Text springen",
    "search_label": "Volltextsuche in der Edition",
    "search_needs_js": "Die Volltextsuche braucht JavaScript.",
    "search_needs_server": "Die Volltextsuche funktioniert nur, wenn die Edition über einen Webserver aufgerufen "
                           "wird (etwa mit »edition serve«), nicht als Datei.",
    "pager": "Blättern",
    "previous": "Zurück",
    "next": "Weiter",
    "breadcrumb": "Pfad",
    "chapter_sections": "Abschnitte dieses Kapitels",
    "footer_pages": "Seitenzahlen am Rand nach der Druckausgabe.",
    "state": "Stand",
    "contents": "Inhalt",
    "about": "Zur Edition",
    "about_text": "Der Text folgt der Druckausgabe; Silbentrennungen und Zeilenfall des Drucks sind aufgehoben. "
                  "Die Seitenzahlen der Druckausgabe stehen am rechten Rand ({example}) an der Stelle, an der die "
                  "Seite beginnt; ist eine Seitenzahl nicht überliefert, steht dort »S. ?«. Die Absätze sind je "
                  "Abschnitt am linken Rand gezählt und einzeln verlinkbar und zitierbar. Anmerkungen tragen die "
                  "Nummern des Drucks.",
    "about_additions": "Ergänzungen der Herausgabe stehen in eckigen Klammern; fehlender Text ist mit […] "
                       "bezeichnet und erläutert.",
    "authors": "Verfasser",
    "published_in": "Erschienen in",
    "editors_short": "Hrsg.",
    "publisher": "Verlag",
    "pages": "Seiten",
    "facts_missing": "Verfasser, Buchtitel, Verlag und Erscheinungsjahr der Druckvorlage sind in den Quellen "
                     "dieser Edition nicht überliefert und werden daher nicht angegeben.",
    "pages_present": "In dieser Edition enthaltene Druckseiten:",
    "page_unknown_note": "(»S. ?«: Seitenzahl nicht überliefert)",
    "cite": "Zitieren",
    "cite_title": "{title} zitieren",
    "copy_text": "Kopieren",
    "copied": "Kopiert",
    "accessed": "abgerufen am",
    "close": "Schließen",
    "downloads": "Für Literaturverwaltungen:",
    "section_link": "Link zu diesem Abschnitt",
    "notes": "Anmerkungen",
    "note": "Anmerkung {label}",
    "note_back": "Anmerkung {label}, zurück zum Text",
    "to_note": "zur Anmerkung",
    "note_short": "Anm.",
    "note_page": "Die Anmerkung steht im Druck auf dieser Seite",
    "paragraph": "Absatz {n}",
    "paragraph_link": "Link zu Absatz {n}",
    "paragraph_cite": "Absatz {n} zitieren",
    "page": "S.",
    "page_unknown": "Seitenzahl der Druckausgabe unbekannt",
    "page_start": "Beginn der Druckseite",
    "views": "Ansicht",
    "view_reading": "Lesetext",
    "view_printed": "Wie gedruckt",
    "view_both": "Beide",
    "printed_as": "Lesetext: {word}",
    "unprinted": "im Druck anders (nach der Erfassung bearbeitet)",
    "facsimile": "Faksimile",
    "facsimile_of": "Druckseite {label}",
    "facsimile_larger": "Größer",
    "page_view": "Druckseite {label} mit Faksimile und Text wie gedruckt",
    "printed_page": "Druckseite {label}",
    "printed_text": "Text wie gedruckt",
    "to_reading": "Im Lesetext",
    "previous_page": "Vorige Seite",
    "next_page": "Nächste Seite",
    "page_images": "Druckseiten",
    "page_images_more": "und die folgenden, wie gedruckt",
    "page_start_unknown": "Beginn einer Druckseite, Seitenzahl unbekannt",
    "addition": "Ergänzung der Herausgabe",
    "gap": "Textverlust",
    "gap_default": "Hier fehlt Text, der in den Quellen nicht überliefert ist.",
    "para_short": "Abs.",
    "here": "hier",
    "section": "Abschnitt",
    "in": "In",
    "editors_cite": "(Hrsg.)",
    "chapter_cite": "Kap.",
    "digital_edition": "Digitale Edition",
    "edited_by": "hg. von",
    "version_of": "Stand:",
    "quote_open": "„",
    "quote_close": "“",
    "months": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "date": "{day}. {month} {year}",
    "locale": "de",  # the script's dates (toLocaleDateString); the edition's own tag where it names a region
    "build_failed": "Die letzte Änderung ließ sich nicht bauen; dies ist der letzte gute Stand.",
    "not_found": "Seite nicht gefunden",
    "not_found_text": "Diese Adresse gibt es in der Edition nicht (mehr).",
    "moved": "Dieser Abschnitt steht jetzt hier:",
    # the review report of `edition ingest`
    "report": "Prüfbericht",
    "report_intro": "Jede Änderung am gedruckten Text, alles Erkannte und Entfernte. Zuerst prüfen: die Hinweise "
                    "und das Unentschiedene. Entscheidungen gehören in `decisions.toml`.",
    "warnings": "Hinweise",
    "where": "Ort",
    "chapters_table": "Kapitel",
    "title": "Titel",
    "sections": "Abschnitte",
    "paragraphs": "Absätze",
    "kept_by_hand": "Von Hand bearbeitet und daher nicht ersetzt",
    "left_out": "Weggelassen (Inhaltsverzeichnis, Register)",
    "input_pages": "Eingabe",
    "print_pages": "Druckseiten",
    "emphasis": "Hervorhebungen",
    "none": "(keine)",
    "report_pages": "Seiten",
    "file": "Datei",
    "form": "Form",
    "page_column": "Seite",
    "running_head": "Kolumnentitel",
    "undecided": "Unentschieden (bitte prüfen)",
    "paste_decisions": "Zum Einfügen in `decisions.toml` (je Fall: so lassen, um zu verbinden; `[[keep]]` statt "
                       "`[[join]]`, um getrennt zu lassen):",
    "file_line": "Datei:Zeile",
    "raw": "Rohtext",
    "suggestion": "Vorschlag",
    "reason": "Grund",
    "repairs": "Reparaturen",
    "clean": "Lesetext",
    "rule": "Regel",
    "removed": "Erkannt und entfernt",
    "kind": "Art",
    "text": "Text",
    "unknown_words": "Wörter in keinem Wörterbuch",
    "word": "Wort",
    "count": "Anzahl",
    "decisions": "Entscheidungen",
    "matches": "Treffer",
    "remark": "Notiz",
    "stale": "Entscheidungen ohne Treffer (veraltet?)",
    "line": "Zeile",
    "unsure": "Unsichere Wörter der Texterkennung",
    "unsure_intro": "Wörter, die die Texterkennung (OCR) selbst für unsicher hält (ihre Konfidenz unter {below}): am "
                    "Bild der Seite prüfen. Eine Korrektur gehört in `decisions.toml` (`[[replace]]`) oder in die "
                    "hOCR-Datei unter `review/ocr/`. Auf den Druckseiten der Edition sind sie markiert.",
    "words_confidence": "Wörter (Konfidenz)",
    "unsure_mark": "Texterkennung unsicher",
}

ENGLISH = {
    "skip": "Skip to the text",
    "search_label": "Full-text search in the edition",
    "search_needs_js": "Full-text search needs JavaScript.",
    "search_needs_server": "Full-text search works only when the edition is opened through a web server "
                           "(for example with “edition serve”), not as a file.",
    "pager": "Pages",
    "previous": "Previous",
    "next": "Next",
    "breadcrumb": "Breadcrumb",
    "chapter_sections": "Sections of this chapter",
    "footer_pages": "Page numbers in the margin follow the printed edition.",
    "state": "Version of",
    "contents": "Contents",
    "about": "About this edition",
    "about_text": "The text follows the printed edition; its hyphenation and line breaks are removed. The printed "
                  "page numbers stand in the right margin ({example}) where each page begins; where a page "
                  "number is not known, it says “p. ?”. Paragraphs are numbered in the left margin, per "
                  "section, and each can be linked to and cited. Notes keep their printed numbers.",
    "about_additions": "Editorial additions stand in square brackets; missing text is marked […] and explained.",
    "authors": "Author",
    "published_in": "Published in",
    "editors_short": "ed.",
    "publisher": "Publisher",
    "pages": "Pages",
    "facts_missing": "Author, book title, publisher and year of the printed source are not known from the "
                     "sources of this edition and are therefore not given.",
    "pages_present": "Printed pages in this edition:",
    "page_unknown_note": "(“p. ?”: page number not known)",
    "cite": "Cite",
    "cite_title": "Cite {title}",
    "copy_text": "Copy",
    "copied": "Copied",
    "accessed": "accessed",
    "close": "Close",
    "downloads": "For reference managers:",
    "section_link": "Link to this section",
    "notes": "Notes",
    "note": "Note {label}",
    "note_back": "Note {label}, back to the text",
    "to_note": "to the note",
    "note_short": "n.",
    "note_page": "The note is printed on this page",
    "paragraph": "Paragraph {n}",
    "paragraph_link": "Link to paragraph {n}",
    "paragraph_cite": "Cite paragraph {n}",
    "page": "p.",
    "page_unknown": "printed page unknown",
    "page_start": "Start of a printed page",
    "views": "View",
    "view_reading": "Reading text",
    "view_printed": "As printed",
    "view_both": "Both",
    "printed_as": "Reading text: {word}",
    "unprinted": "differs from the print (edited after ingest)",
    "facsimile": "Facsimile",
    "facsimile_of": "Printed page {label}",
    "facsimile_larger": "Larger",
    "page_view": "Printed page {label} with facsimile and text as printed",
    "printed_page": "Printed page {label}",
    "printed_text": "Text as printed",
    "to_reading": "In the reading text",
    "previous_page": "Previous page",
    "next_page": "Next page",
    "page_images": "Printed pages",
    "page_images_more": "and those after it, as printed",
    "page_start_unknown": "Start of a printed page, number unknown",
    "addition": "Editorial addition",
    "gap": "Text lost",
    "gap_default": "Text is missing here that the sources do not give.",
    "para_short": "para.",
    "here": "here",
    "section": "section",
    "in": "In",
    "editors_cite": "(ed.)",
    "chapter_cite": "chap.",
    "digital_edition": "Digital edition",
    "edited_by": "ed. by",
    "version_of": "version of",
    "quote_open": "“",
    "quote_close": "”",
    "months": "January February March April May June July August September October November December",
    "date": "{day} {month} {year}",
    "locale": "en-GB",
    "build_failed": "The last change could not be built; this is the last good version.",
    "not_found": "Page not found",
    "not_found_text": "This address does not exist in the edition (any more).",
    "moved": "This section is now here:",
    "report": "Review report",
    "report_intro": "Every change to the printed text, everything recognised and removed. Check first: the notes "
                    "and the undecided cases. Decisions belong in `decisions.toml`.",
    "warnings": "To check",
    "where": "Where",
    "chapters_table": "Chapters",
    "title": "Title",
    "sections": "Sections",
    "paragraphs": "Paragraphs",
    "kept_by_hand": "Edited by hand and therefore not replaced",
    "left_out": "Left out (contents, index)",
    "input_pages": "Input",
    "print_pages": "Printed pages",
    "emphasis": "Emphasis",
    "none": "(none)",
    "report_pages": "Pages",
    "file": "File",
    "form": "Form",
    "page_column": "Page",
    "running_head": "Running head",
    "undecided": "Undecided (please check)",
    "paste_decisions": "To paste into `decisions.toml` (each case: as it is to join; `[[keep]]` instead of "
                       "`[[join]]` to keep apart):",
    "file_line": "File:line",
    "raw": "Raw text",
    "suggestion": "Suggestion",
    "reason": "Reason",
    "repairs": "Repairs",
    "clean": "Reading text",
    "rule": "Rule",
    "removed": "Recognised and removed",
    "kind": "Kind",
    "text": "Text",
    "unknown_words": "Words in no dictionary",
    "word": "Word",
    "count": "Count",
    "decisions": "Decisions",
    "matches": "Matches",
    "remark": "Note",
    "stale": "Decisions that match nothing (stale?)",
    "line": "Line",
    "unsure": "Words the OCR was unsure of",
    "unsure_intro": "Words the text recognition (OCR) itself was unsure of (its confidence below {below}): check them "
                    "against the page's picture. A correction belongs in `decisions.toml` (`[[replace]]`) or in the "
                    "hOCR file under `review/ocr/`. They are marked on the edition's printed pages.",
    "words_confidence": "Words (confidence)",
    "unsure_mark": "OCR unsure",
}

# Swiss Standard German has no ß (Liechtenstein writes as Switzerland does); Austria writes
# "Jänner" for January.
SWISS = {key: value.replace("ß", "ss") for key, value in GERMAN.items()}
AUSTRIAN = GERMAN | {"months": GERMAN["months"].replace("Januar", "Jänner")}

TABLES = {"de": GERMAN, "en": ENGLISH}
VARIETIES = {"de-ch": SWISS, "de-li": SWISS, "de-at": AUSTRIAN}


@functools.cache
def labels(language: str) -> dict[str, str]:
    """The table for a BCP 47 tag: its language's, in its variety ("de-CH" → Swiss); English
    for any language without one. `locale` is the tag itself where the table is its language's
    ("de-CH"), else the table's own ("de", "en-GB": the dates the table writes)."""
    subtags = language.lower().split("-")
    region = next((tag for tag in subtags[1:] if len(tag) == 2 and tag.isalpha()), "")
    table = VARIETIES.get(f"{subtags[0]}-{region}") or TABLES.get(subtags[0])
    if table is None:
        return ENGLISH
    return table | {"locale": language} if region else table


def date(iso: str, language: str) -> str:
    """"2026-11-21" → "21. November 2026" (de), "21 November 2026" (en)."""
    words = labels(language)
    year, month, day = (int(x) for x in iso.split("-"))
    return words["date"].format(day=day, month=words["months"].split()[month - 1], year=year)
