"""Letters of older prints in the reading text's form: long s, r rotunda, ligatures set as one
character, the e above a vowel (the Umlaut of Fraktur), the double hyphen. The recorded print
(and with it the diplomatic view and TEI's text as printed) keeps them as printed; the reading
text writes them as today, each word a repair the report lists.
"""
from __future__ import annotations

from generator.ingest.model import Book, Change, Text

HISTORICAL = {"ſ": "s", "ꝛ": "r", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
              "a\u0364": "ä", "o\u0364": "ö", "u\u0364": "ü", "A\u0364": "Ä", "O\u0364": "Ö", "U\u0364": "Ü", "⸗": "-"}
RULE = "historical letter in today's form (as printed in the diplomatic view)"


def normalise(book: Book) -> None:
    """ſ → s, ꝛ → r, ligatures written out, in the reading text and its notes; each word a repair."""
    for chapter in book.chapters:
        for inlines, page, line in ([(b.inlines, b.page, b.line) for b in chapter.blocks]
                                    + [(n.inlines, n.page, n.line) for n in chapter.notes]):
            for k, run in enumerate(inlines):
                if not isinstance(run, Text) or not any(old in run.text for old in HISTORICAL):
                    continue
                text = run.text
                for old, new in HISTORICAL.items():
                    text = text.replace(old, new)
                for raw, clean in zip(run.text.split(), text.split(), strict=False):
                    if raw != clean:
                        book.changes.append(Change(page, line, book.folios.get(page, "?"), raw, clean, RULE))
                inlines[k] = Text(text, run.style)
