"""Ingest: a printed book's pages → clean chapter sources, a review report and the recorded print.

pipeline.py is the whole of it in one short function: read → passes → write.

    readers.py     which reader reads an input, told by its content: pdf.py (a PDF's lines with
                   their geometry), pages.py (a page of text an extractor wrote); OCR formats join
    layout.py      the passes over lines with geometry (furniture, regions, blocks, flow, chapters)
    text.py        the passes over page text (structure.py, gaps.py, lexicon.py, decisions.py)
    model.py       the one book model both produce
    values.py      values the build accepts: control characters out, overlong facts cut, escaping
    writers.py     the one writer: chapter sources, edition.toml, decisions.toml, the recorded print
    report.py      the one review report
    commit.py      the one way into the content folder: lock, manifest, check, stage, commit
"""
