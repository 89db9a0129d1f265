"""The build pipeline in one function: load → parse → render → write → index → swap.

Everything is loaded and checked before anything is written, so `check` is the first half of
`build`, and a failed build can never leave a half-written site.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator.config import load_config
from generator.diagnostics import Collector, Diagnostic, EditionError
from generator.model import Edition
from generator.output import StagedSite
from generator.render.site import STATIC_FILES, TEMPLATES, environment, plan, render_page
from generator.search import index_site
from generator.source import load_edition


@dataclass
class BuildResult:
    pages: int = 0
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    search_summary: str = ""
    warnings: list[Diagnostic] = field(default_factory=list)


def check(content: Path, strict: bool = False) -> tuple[Edition, list[Diagnostic]]:
    """Load and validate the whole edition; raise EditionError listing every problem."""
    problems = Collector()
    config = load_config(content, problems)
    problems.raise_if_errors()
    edition = load_edition(config, problems)
    problems.raise_if_errors(strict)
    return edition, problems.warnings


def build(content: Path, out: Path, search: bool = True, strict: bool = False) -> BuildResult:
    result = BuildResult()
    with _timed(result.timings, "load"):
        edition, result.warnings = check(content, strict)
    with _timed(result.timings, "render"):
        pages, files = plan(edition)
        env = environment()
        html = {page.path: _render(env, page, edition, search) for page in pages}
    with StagedSite(out) as staged:
        with _timed(result.timings, "write"):
            for path, text in (html | files).items():
                staged.write(path, text)
            for name in STATIC_FILES:
                staged.copy(TEMPLATES / "static" / name, f"static/{name}")
        if search:
            with _timed(result.timings, "search"):
                result.search_summary = index_site(staged.root)
        staged.commit()
    result.pages, result.files = len(html), len(files)
    return result


def _render(env: jinja2.Environment, page, edition: Edition, search: bool) -> str:
    try:
        return render_page(env, page, edition, search)
    except jinja2.TemplateError as exc:
        raise EditionError([_template_diagnostic(exc)]) from exc


def _template_diagnostic(exc: jinja2.TemplateError) -> Diagnostic:
    """Point at the template line: a syntax error knows it, an undefined variable is in the traceback."""
    path, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if path is None:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".xml")):  # Jinja maps template frames to their files
                path, line = frame.filename, frame.lineno
                break
    return Diagnostic(str(path or TEMPLATES), line, "error", f"template: {exc.message or exc}")


@contextmanager
def _timed(timings: dict[str, float], name: str):
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start
