"""edition: a static-site generator for digital scholarly editions of printed books.

The pipeline (see build.py): load config → parse chapter sources into a model → render pages
→ write them atomically → index them with Pagefind. Raw PDF text enters through ingest/.
"""
