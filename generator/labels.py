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
    "print_edition": "Druckausgabe",
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
    "editor_notes": "Anmerkungen des Herausgebers",
    "editor_note": "Anmerkung des Herausgebers {label}",
    "editor_note_back": "Anmerkung des Herausgebers {label}, zurück zum Text",
    "editor_note_short": "Anm. d. Hrsg.",
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
    "unprinted_added": "nicht im Druck (vom Herausgeber hinzugefügt)",
    "editor_corrected": "Eingriff des Herausgebers, Lesetext: {word}",
    "editor_added": "vom Herausgeber ergänzt: {word}",
    "editor_deleted": "vom Herausgeber getilgt",
    "corrections": "Eingriffe des Herausgebers",
    "correction_line": "Z.",
    "correction_added": "ergänzt",
    "correction_deleted": "getilgt",
    "corrections_note": "Stellen, an denen der Lesetext vom Druck abweicht (Korrekturen des Herausgebers); "
                        "die Ansicht »Wie gedruckt« zeigt sie im Druckbild.",
    "facsimile": "Faksimile",
    "facsimile_of": "Druckseite {label}",
    "facsimile_larger": "Größer",
    "zoom_in": "Vergrößern",
    "zoom_out": "Verkleinern",
    "zoom_reset": "Ganze Seite",
    "zoom_label": "Seitenbild: mit + und − vergrößern und verkleinern, mit den Pfeiltasten verschieben, Esc zeigt die "
                  "ganze Seite; ein Klick auf eine Zeile führt zu ihr im Text",
    "printed_lines": "Zeilen wie gedruckt: mit den Pfeiltasten von Zeile zu Zeile, die Zeile leuchtet im Seitenbild auf",
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
    "report_overview": "{warnings} Hinweise · {undecided} unentschieden · {repairs} Reparaturen nach {rules} Regeln · "
                       "{removed} erkannt und entfernt · {chapters} Kapitel aus {pages} Seiten ({reader}).",
    "report_first": "Zuerst die Hinweise: was im Lesetext anders steht als im Druck, ohne dass eine Regel es erklärt, "
                    "oder was ingest nicht sicher lesen konnte. Jeder mit Ort (Seite:Zeile der Eingabe), Druckseite, "
                    "Druck und Lesetext und, wo eine Entscheidung ihn klärt, den Zeilen für `decisions.toml`. Die "
                    "Reparaturen folgen nach Regeln gezählt; jede einzelne steht in `{json}`.",
    "printed": "Druck",
    "same_in_reading": "im Lesetext ebenso",
    "decision_paste": "In `decisions.toml`:",
    "no_decision": "Keine Entscheidung klärt das: im Kapitel von Hand prüfen.",
    "by_rule": "nach Regeln",
    "examples": "Beispiele",
    "all_in_json": "Jede einzelne mit Ort, Roh- und Lesetext und Beleg in `{json}`.",
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
    "print_edition": "Print edition",
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
    "editor_notes": "Editor’s notes",
    "editor_note": "Editor’s note {label}",
    "editor_note_back": "Editor’s note {label}, back to the text",
    "editor_note_short": "ed. n.",
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
    "unprinted_added": "not in the print (added by the editor)",
    "editor_corrected": "the editor’s intervention; reading text: {word}",
    "editor_added": "added by the editor: {word}",
    "editor_deleted": "deleted by the editor",
    "corrections": "Editorial interventions",
    "correction_line": "l.",
    "correction_added": "added",
    "correction_deleted": "deleted",
    "corrections_note": "Where the reading text departs from the print (the editor’s corrections); the view "
                        "“As printed” shows them in the print.",
    "facsimile": "Facsimile",
    "facsimile_of": "Printed page {label}",
    "facsimile_larger": "Larger",
    "zoom_in": "Zoom in",
    "zoom_out": "Zoom out",
    "zoom_reset": "Whole page",
    "zoom_label": "Page picture: + and − zoom, the arrow keys move it, Escape shows the whole page; clicking a line "
                  "goes to it in the text",
    "printed_lines": "Lines as printed: the arrow keys go from line to line, the line lights up on the page picture",
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
    "report_overview": "{warnings} to check · {undecided} undecided · {repairs} repairs by {rules} rules · "
                       "{removed} recognised and removed · {chapters} chapters from {pages} pages ({reader}).",
    "report_first": "First what to check: where the reading text differs from the print and no rule explains it, or "
                    "what ingest could not read for sure. Each with its place (the input's page:line), the printed "
                    "page, the printed and the reading form and, where a decision settles it, the lines for "
                    "`decisions.toml`. The repairs follow, counted by rule; every one of them is in `{json}`.",
    "printed": "Printed",
    "same_in_reading": "the same in the reading text",
    "decision_paste": "In `decisions.toml`:",
    "no_decision": "No decision settles it: check it in the chapter by hand.",
    "by_rule": "by rule",
    "examples": "Examples",
    "all_in_json": "Every one with its place, raw and reading text and evidence in `{json}`.",
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


# The report's names of rules, kinds and checks (`Change.rule`, `Event.kind`, `Event.check`,
# `Undecided.reason`): stable English names in the JSON and on the command line, shown in the
# edition's language in the Markdown report. A name without an entry is shown as it is.
GERMAN_TERMS = {
    # repairs (Change.rule)
    "line-end hyphen removed": "Trennstrich am Zeilenende entfernt",
    "line-end hyphen removed (the joined word is a word)": "Trennstrich am Zeilenende entfernt (das Wort ist belegt)",
    "true hyphen kept": "Bindestrich am Zeilenende behalten",
    "true hyphen at a line end, kept": "Bindestrich am Zeilenende behalten",
    "true hyphen at a break (capital follows)": "Bindestrich am Zeilenende behalten (Großbuchstabe folgt)",
    "suspended compound kept": "Ergänzungsstrich behalten",
    "hyphen in an address or a name kept": "Bindestrich in einer Adresse oder einem Namen behalten",
    "address joined": "Adresse über das Zeilenende verbunden",
    "address broken at a line end, rejoined": "Adresse über das Zeilenende verbunden",
    "joined after '/'": "nach »/« ohne Leerzeichen verbunden",
    "joined after a dash": "nach einem Strich verbunden",
    "joined at a zero-width space": "an einem unsichtbaren Umbruch (Leerzeichen ohne Breite) ohne Leerzeichen verbunden",
    "option joined": "Strich einer Option ohne Leerzeichen verbunden",
    "discretionary hyphen": "weiches Trennzeichen entfernt",
    "spurious space at a hyphenation point": "falsches Leerzeichen an einer Trennstelle entfernt",
    "editor's decision (decisions.toml)": "Entscheidung der Herausgabe (decisions.toml)",
    "letter-spaced words divided": "gesperrte Wörter getrennt",
    "accent set as a glyph of its own, composed with its letter": "Akzent als eigenes Zeichen gesetzt, mit seinem "
                                                                  "Buchstaben verbunden",
    "a closing quote set lowered read as the low opening quote": "tiefgestelltes Schlusszeichen als „ gelesen",
    "TeX logo: a letter set lower or higher read as the logo's small letter": "TeX-Logo: versetzter Buchstabe als "
                                                                               "Teil des Worts gelesen",
    "historical letter in today's form (as printed in the diplomatic view)": "historischer Buchstabe in heutiger "
                                                                              "Form (wie gedruckt in der "
                                                                              "diplomatischen Ansicht)",
    "control characters removed": "Steuerzeichen entfernt",
    # recognised and removed (Event.kind)
    "running head removed": "Kolumnentitel entfernt",
    "running foot removed": "Fußzeile entfernt",
    "header/footer removed": "Kopf- oder Fußzeile entfernt",
    "paragraph continued": "Absatz über den Seitenwechsel fortgesetzt",
    "note continued": "Anmerkung über den Seitenwechsel fortgesetzt",
    "blank page": "leere Seite",
    "no text on this page": "Seite ohne Text",
    "page number": "Seitenzahl",
    "page number inferred": "Seitenzahl erschlossen",
    "chapter label": "Kapitelbezeichnung",
    "title page": "Titelseite",
    "endnotes": "Endnoten",
    "figure": "Abbildung",
    "left out": "weggelassen",
    "contents page left out": "Inhaltsverzeichnis weggelassen",
    "same page twice": "dieselbe Seite zweimal",
    "gap": "Lücke",
    "heading": "Überschrift",
    "footnote": "Fußnote",
    "editorial heading": "Überschrift der Herausgabe",
    # Hinweise (Event.check)
    "difference": "Abweichung vom Druck",
    "broken at its end": "Wort am Ende getrennt, nicht verbunden",
    "line not carried over": "gedruckte Zeile fehlt im Lesetext",
    "line end": "Zeilenende zweifelhaft verbunden",
    "page numbering restarts": "Seitenzählung beginnt neu",
    "heading split": "Überschrift geteilt",
    "note without reference": "Anmerkung ohne Verweis",
    "reference without note": "Verweis ohne Anmerkung",
    "note number": "Anmerkung ohne Nummer",
    "table": "Tabelle: Zellen nach der Lage der Wörter",
    "table or code": "Tabelle oder Code als gedruckte Zeilen",
    "title": "Titel von der Titelseite",
    "authors": "Verfasser von der Titelseite",
    "reading": "im PDF nicht lesbar",
    "outside the page": "außerhalb der Seite gesetzt",
    # emphasis (Text.style)
    "em": "kursiv",
    "strong": "fett",
    "spaced": "gesperrt",
    # undecided (Undecided.reason)
    "both pieces are words; the joined form is a word too": "beide Teile sind Wörter, das verbundene Wort auch",
}

SWISS_TERMS = {key: value.replace("ß", "ss") for key, value in GERMAN_TERMS.items()}


def terms(language: str) -> dict[str, str]:
    """The report's names of rules, kinds and checks in `language` (empty: English, as named)."""
    subtags = language.lower().split("-")
    if subtags[0] != "de":
        return {}
    return SWISS_TERMS if {"ch", "li"} & set(subtags[1:]) else GERMAN_TERMS


def term(name: str, table: dict[str, str]) -> str:
    """A rule's (kind's, check's) name in the table's language; rules joined by ", " (page text
    gives a repair all the rules that made it) each by itself, the longest name first (a name
    may hold ", " itself)."""
    if name in table or not name or not table:
        return table.get(name, name)
    parts, out, i = name.split(", "), [], 0
    while i < len(parts):
        j = next((j for j in range(len(parts), i, -1) if ", ".join(parts[i:j]) in table), i + 1)
        out.append(table.get(", ".join(parts[i:j]), ", ".join(parts[i:j])))
        i = j
    return ", ".join(out)


def date(iso: str, language: str) -> str:
    """"2026-11-21" → "21. November 2026" (de), "21 November 2026" (en)."""
    words = labels(language)
    year, month, day = (int(x) for x in iso.split("-"))
    return words["date"].format(day=day, month=words["months"].split()[month - 1], year=year)
