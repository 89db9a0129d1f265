"""Raw page text extracted from a printed book → clean chapter source + a review report.

pages.py reads and normalises each raw page and takes off its running header/footer;
structure.py finds paragraphs, headings and footnotes; gaps.py decides, gap by gap, which
spaces and hyphens are print artifacts; lexicon.py answers the word questions (hunspell de_CH,
de_CH hyphenation points, the book's own vocabulary), cached; decisions.py applies the editor's
recorded decisions; report.py lists every change; pipeline.py runs them in order.
"""
