"""edition: a static-site generator for digital scholarly editions of printed books.

The pipeline (see build.py): load config → parse chapter sources into a model → render pages
→ write them into a stage → index them with Pagefind → commit. Raw PDF text enters through ingest/.
"""
__version__ = "0.4.0"
DISTRIBUTION = "druckedition"  # the name on PyPI ("edition" is taken); the command is `edition`
