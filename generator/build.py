"""The build pipeline: load → check → plan → render → write → index → swap.

Everything is loaded and checked before anything is written, so `check` is the first half of
`build`, and a failed build never leaves a half-written site: the last good one stays.

A `Builder` is the pipeline kept warm (the preview server holds one). Its first build is a
full one: chapters are parsed and rendered in parallel worker processes (`workers.py`), written
into a staged folder and swapped in. Later builds are incremental: only changed source files are
parsed again, and only pages whose inputs changed (their `Page.key`) are rendered and replaced.
"""
from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator import cache
from generator.config import Config, load_config
from generator.diagnostics import Collector, Diagnostic
from generator.model import Chapter
from generator.links import resolve_links
from generator.output import MARKER, StagedSite, update_in_place
from generator.render.site import (STATIC_FILES, TEMPLATES, Page, chapter_files_text, environment, export_paths,
                                   plan, render_page)
from generator.search import SearchParts, index_site
from generator.source import chapter_files, check_edition, load_chapter, slug_of
from generator.stamps import file_stamp, tree_stamp


@dataclass
class BuildResult:
    pages: int = 0            # HTML pages in the site
    rendered: int = 0         # pages rendered by this build (all, or the changed ones)
    files: int = 0
    incremental: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    search_summary: str = ""
    search_parts: set[int] | None = None  # the index parts whose pages changed (None: all)
    processes: int = 1  # processes that parsed and rendered
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass
class _Entry:
    """What the builder remembers of one source file."""
    stamp: tuple
    outline: Chapter | None
    diagnostics: list[Diagnostic]
    full: Chapter | None = None


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def build(content: Path, out: Path, search: bool = True, strict: bool = False, jobs: int | None = None,
          progress: Progress | None = None, full: bool = False) -> BuildResult:
    """The `edition build` command: incremental when the last build's state (cache.py) still
    describes the site in `out`, else (or with `full`) a full build."""
    builder = Builder(content, out, search=search, strict=strict, jobs=jobs, progress=progress)
    if not full:
        cache.restore(builder)
    result = builder.build()
    cache.save(builder)
    return result


def check(content: Path, strict: bool = False, jobs: int | None = None) -> tuple[list[Chapter], list[Diagnostic]]:
    """Load and validate the whole edition without writing; raise EditionError listing every problem."""
    builder = Builder(content, Path(os.devnull), strict=strict, jobs=jobs)
    config = builder.load_config()
    chapters, warnings, _ = builder.load(config, *builder.scan(config), search=None, keep_workers=False)
    return chapters, warnings


class Builder:
    """`search`: pages carry the search box; `index`: run Pagefind as part of the build (the
    preview runs it in the background instead, and keeps the previous index meanwhile)."""

    def __init__(self, content: Path, out: Path, search: bool = True, strict: bool = False,
                 jobs: int | None = None, progress: Progress | None = None, index: bool = True):
        self.content, self.out, self.search, self.strict, self.index = content, out, search, strict, index
        self.jobs = jobs or os.cpu_count() or 1
        self.progress = progress or (lambda stage, done, total: None)
        self.sources: dict[Path, _Entry] = {}
        self.written: dict[str, tuple] = {}   # page path → key of the page now in `out`
        self.revision: tuple | None = None    # config, search flag, templates of the pages in `out`
        self.links: dict[Path, tuple[str, ...]] = {}
        self.plans: dict = {}  # plan()'s memo of each chapter's pages
        self.link_memo: dict = {}  # resolve_links()'s memo
        self.env = None  # Jinja environment: compiled templates, kept while they do not change
        self.config_problems = Collector()  # reported together with the sources' problems
        self.exports: set[str] = set()  # the citation files now in `out`
        self.parts = SearchParts({}, 1)  # how the search index is split (search.py)
        self.start = "fork"  # how worker processes start (workers.py)

    def load_config(self) -> Config:
        """The config; its problems are raised now if it is unusable, else with the sources'."""
        self.config_problems = Collector()
        config = load_config(self.content, self.config_problems)
        if config is None:
            self.config_problems.raise_if_errors()
        return config

    def build(self) -> BuildResult:
        with _fewer_collections():
            return self._build()

    def _build(self) -> BuildResult:
        result = BuildResult()
        with _timed(result.timings, "load"):
            config = self.load_config()
            files, stamps = self.scan(config)
            parts = _search_parts(config, files, stamps)
            search = parts.merged if self.search else None  # the search box, and the parts it merges
            revision = (config, search, parts.key(), tree_stamp(TEMPLATES))
            incremental = revision == self.revision and (self.out / MARKER).is_file()
            if not incremental:
                self.sources = {}  # parse everything again, in parallel: it is all rendered anyway
            if not incremental or self.env is None:
                self.env = environment()
            chapters, result.warnings, workers = self.load(config, files, stamps, search, keep_workers=not incremental)
        self.parts = parts  # the edition is valid: this is how its index will be split
        result.processes = 1 + len(workers.workers)
        with workers:
            pages = plan(config.title, chapters, self.links, self.plans)
            exports = {path for chapter in chapters for path in export_paths(chapter).values()}
            if incremental:
                self._update(config, chapters, pages, exports, search, result)
            else:
                self._full(config, chapters, pages, workers, search, result)
                result.files = len(exports)
        self.revision = revision
        self.written = {page.path: page.key for page in pages}
        self.exports = exports
        result.pages, result.incremental = len(pages), incremental
        return result

    # ---- load ----------------------------------------------------------------------------

    def scan(self, config: Config) -> tuple[list[Path], dict[Path, tuple]]:
        """The chapter files in reading order, and a stamp of each (cheap change detection)."""
        files = chapter_files(config)
        return files, {path: file_stamp(path) for path in files}

    def load(self, config: Config, files: list[Path], stamps: dict[Path, tuple], search, keep_workers: bool):
        """Parse what changed since the last build (in workers when there is much), then check
        the whole. Returns the chapters' outlines, the warnings, and the workers (which keep
        the full chapters they parsed, to render them)."""
        from generator.workers import Workers  # noqa: PLC0415

        stale = [path for path in files if path not in self.sources or self.sources[path].stamp != stamps[path]]
        workers = Workers(stale if len(stale) >= 64 else [], self.jobs, config, search, self.progress, self.start)
        with _closing_on_error(workers):
            for done, path in enumerate(p for p in stale if p not in workers.owner):  # while workers parse theirs
                chapter, diagnostics = load_chapter(path)
                self.sources[path] = _Entry(stamps[path], chapter and chapter.outline(), diagnostics, chapter)
                self.progress("parsed", done + 1, len(stale))
            for path, outline, diagnostics in workers.load():
                self.sources[path] = _Entry(stamps[path], outline, diagnostics)
            for gone in set(self.sources) - set(files):
                del self.sources[gone]
            problems = Collector()
            problems.items += self.config_problems.items
            entries = [self.sources[path] for path in files]
            for entry in entries:
                problems.items += entry.diagnostics
            chapters = [entry.outline for entry in entries if entry.outline is not None]
            check_edition(config, chapters, problems)
            self.links = resolve_links(chapters, problems, self.link_memo)
            problems.raise_if_errors(self.strict)
        if not keep_workers:
            workers.close()
        return chapters, problems.warnings, workers

    def _full_chapter(self, chapter: Chapter) -> Chapter:
        entry = self.sources[chapter.path]
        if entry.full is None:  # parsed in a worker, or dropped after a full build
            entry.full, _ = load_chapter(chapter.path)
        return entry.full

    # ---- render and write ----------------------------------------------------------------

    def _full(self, config: Config, chapters: list[Chapter], pages: list[Page], workers, search,
              result: BuildResult) -> None:
        env = self.env
        with StagedSite(self.out) as staged:
            with _timed(result.timings, "render"):
                mine = [page for page in pages if page.chapter is None or page.chapter.path not in workers.owner]
                workers.render(pages, staged.root)  # pages of chapters a worker parsed, rendered there
                for done, page in enumerate(mine):
                    full = self._full_chapter(page.chapter) if page.chapter else None
                    staged.write(page.path, render_page(env, page, config, chapters, full, search))
                    self.progress("rendered", done + 1 + workers.rendered, len(pages))
                for chapter in (c for c in chapters if c.path not in workers.owner):  # workers write their own
                    for path, text in chapter_files_text(config, chapter).items():
                        staged.write(path, text)
                workers.finish()
                for name in STATIC_FILES:
                    staged.copy(TEMPLATES / "static" / name, f"static/{name}")
            if self.search and self.index:
                with _timed(result.timings, "search"):
                    self.progress("indexing", 0, len(self.parts.numbers))
                    result.search_summary = index_site(staged.root, self.parts, jobs=self.jobs,
                                                       progress=lambda done, total: self.progress("indexing", done, total))
            elif self.search and (self.out / "pagefind").is_dir():
                os.replace(self.out / "pagefind", staged.root / "pagefind")  # until the new index is ready
            staged.commit()
        for entry in self.sources.values():
            entry.full = None  # a full build need not keep the text: memory stays flat
        result.rendered = len(pages)

    def _update(self, config: Config, chapters: list[Chapter], pages: list[Page], exports: set[str], search,
                result: BuildResult) -> None:
        env = self.env
        with _timed(result.timings, "render"):
            todo = [page for page in pages if self.written.get(page.path) != page.key]
            changed: dict[str, str] = {}
            for page in todo:
                full = self._full_chapter(page.chapter) if page.chapter else None
                changed[page.path] = render_page(env, page, config, chapters, full, search)
            for chapter in {page.chapter.path: page.chapter for page in todo if page.chapter}.values():
                changed.update(chapter_files_text(config, self._full_chapter(chapter)))
            removed = (set(self.written) - {page.path for page in pages}) | (self.exports - exports)
        with _timed(result.timings, "write"):
            update_in_place(self.out, changed, removed)
        result.rendered, result.files = len(todo), len(changed) - len(todo)
        # Only chapter pages are searchable; each chapter's pages are in one part of the index.
        slugs = {page.chapter.slug for page in todo if page.chapter} | {path.split("/")[0] for path in removed}
        result.search_parts = {self.parts.of(slug) for slug in slugs} & set(self.parts.numbers)
        if self.search and self.index and result.search_parts:
            with _timed(result.timings, "search"):
                result.search_summary = index_site(self.out, self.parts, only=result.search_parts, jobs=self.jobs)


def _search_parts(config: Config, files: list[Path], stamps: dict[Path, tuple]) -> SearchParts:
    """The search index's parts, from the sources' file names and sizes: known before parsing."""
    return SearchParts({slug_of(path): stamps[path][1] for path in files}, int(config.search_part_mb * 2**20))


@contextmanager
def _fewer_collections():
    """A build allocates millions of short-lived objects and few cycles: Python's default
    collector thresholds made it spend ~10% of a large build scanning (measured)."""
    saved = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


@contextmanager
def _closing_on_error(workers):
    try:
        yield
    except BaseException:
        workers.close()
        raise


@contextmanager
def _timed(timings: dict[str, float], name: str):
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start
