"""The build pipeline, a transaction: load → plan → render into a stage → index → commit.

Everything is loaded and checked before anything is written (`check` is the load step alone);
pages are written into a stage beside the site, indexed there, and the stage replaces the site
in one atomic exchange (output.py). A failed or killed build leaves the published site as it
was, and the state the next build trusts (state.py) is written only after the commit.

A `Builder` is the pipeline kept warm (the preview server holds one). Its first build is a
full one: chapters are parsed and rendered in parallel worker processes (`workers.py`). Later
builds are incremental: only changed source files are parsed again, and only pages whose inputs
changed (their `Page.key`) are rendered into a stage that holds the rest of the site already.
"""
from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from generator import facsimile, printed
from generator import state as saved
from generator.config import Config, load_config
from generator.diagnostics import Collector, Diagnostic, EditionError
from generator.ingest.commit import wait_for_ingest
from generator.links import resolve_links
from generator.model import Chapter
from generator.output import SEARCH_FOLDER, Site, Stage, fault, link_tree
from generator.render import tei
from generator.render.site import (
    STATIC_FILES,
    TEMPLATES,
    Page,
    add_printed_pages,
    chapter_files,
    environment,
    export_paths,
    plan,
    printed_pages,
    render_files,
    site_files,
)
from generator.search import SearchParts, index_site
from generator.source import STATIC_FOLDER, check_edition, load_chapter, read_chapter, slug_of, static_files
from generator.source import chapter_files as chapter_sources
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
    drawn: int = 0  # facsimile pages drawn by this build (the others came from the cache)
    processes: int = 1  # processes that parsed and rendered
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass
class _Entry:
    """What the builder remembers of one source file; `full` keeps its text while useful."""
    stamp: tuple[int, ...]  # the file's, then those of the images it shows
    outline: Chapter | None
    diagnostics: list[Diagnostic]
    full: Chapter | None = None


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def build(content: Path, out: Path, search: bool = True, strict: bool = False, jobs: int | None = None,
          progress: Progress | None = None, full: bool = False) -> BuildResult:
    """The `edition build` command: incremental when the last build's state still describes
    the site in `out`, else (or with `full`) a full build."""
    with Site(out) as site:  # one build at a time; a killed build's leftovers removed
        _refuse_foreign(site)
        builder = Builder(content, out, search=search, strict=strict, jobs=jobs, progress=progress, site=site)
        state_file = saved.state_path(out)
        if not full:
            builder.restore(saved.read(state_file))
        result = builder.build()
        fault("committed")
        saved.write(state_file, builder.remember())
    return result


def check(content: Path, strict: bool = False, jobs: int | None = None) -> tuple[list[Chapter], list[Diagnostic]]:
    """Load and validate the whole edition without writing; raise EditionError listing every problem."""
    builder = Builder(content, Path(os.devnull), strict=strict, jobs=jobs)
    config = builder.load_config()
    facsimile.plan(config, printed.cached(config.root, builder.config_problems), builder.config_problems)
    chapters, warnings, _ = builder.load(config, *builder.scan(config), search=None, keep_workers=False)
    return chapters, warnings


def _refuse_foreign(site: Site) -> None:
    """A file the editor put into the site folder would vanish with the next commit: stop."""
    foreign = site.foreign_files()
    if foreign:
        raise EditionError([Diagnostic(str(site.out / path), None, "error",
                                       f"not made by `edition build`: move it to {STATIC_FOLDER}/ in the content "
                                       "folder to publish it with the site, or delete it") for path in foreign])


class Builder:
    """`search`: pages carry the search box; `index`: run Pagefind as part of the build (the
    preview runs it in the background instead, and keeps the previous index meanwhile)."""

    def __init__(self, content: Path, out: Path, search: bool = True, strict: bool = False,
                 jobs: int | None = None, progress: Progress | None = None, index: bool = True,
                 site: Site | None = None, pictures: Path | None = None):
        self.content, self.out, self.search, self.strict, self.index = content, out, search, strict, index
        self.site = site or Site(out)
        # where the facsimile's drawn pages are kept between builds (beside the site by default)
        self.pictures = pictures or self.site.beside("facsimile")
        self.jobs = jobs or os.cpu_count() or 1
        self.progress = progress or (lambda stage, done, total: None)
        self.sources: dict[Path, _Entry] = {}
        # What the committed site holds: its generation, the revision and key of its pages.
        self.generation = ""
        self.revision = ""
        self.written: dict[str, str] = {}
        self.exports: set[str] = set()  # the citation files in the site
        self.links: dict[Path, tuple[str, ...]] = {}
        self.plans: dict = {}  # plan()'s memo of each chapter's pages
        self.link_memo: dict = {}  # resolve_links()'s memo
        self.env: Environment | None = None  # compiled templates, kept while they do not change
        self.config_problems = Collector()  # reported together with the sources' problems
        self.parts = SearchParts({}, 1)  # how the search index is split (search.py)
        self.start = "fork"  # how worker processes start (workers.py)
        self.language = "en"  # the edition's, once its config was read

    def load_config(self) -> Config:
        """The config; its problems are raised now if it is unusable, else with the sources'."""
        wait_for_ingest(self.content)  # never read a content folder while `edition ingest` writes into it
        self.config_problems = Collector()
        config = load_config(self.content, self.config_problems)
        if config is not None:
            self.language = config.language  # the preview speaks it too
        if config is None:
            self.config_problems.raise_if_errors()
            raise AssertionError("load_config returned no config and no error")
        return config

    def build(self) -> BuildResult:
        with _fewer_collections():
            return self._build()

    def _build(self) -> BuildResult:
        result = BuildResult()
        with _timed(result.timings, "load"):
            config = self.load_config()
            record = printed.cached(config.root, self.config_problems)  # its problems come with the sources'
            pictures = facsimile.plan(config, record, self.config_problems)
            files, stamps = self.scan(config)
            statics = static_files(config)
            parts = _search_parts(config, files, stamps)
            search = parts.merged if self.search else None  # the search box, and the parts it merges
            revision = _digest((config, search, parts.key(), tree_stamp(TEMPLATES), record and record.digest, pictures.digest,
                                sorted((path, file_stamp(source)) for path, source in statics.items())))
            live = self.site.live()
            incremental = bool(revision == self.revision and live and live.generation == self.generation)
            if not incremental:
                self.sources = {}  # parse everything again, in parallel: it is all rendered anyway
            if not incremental or self.env is None:
                self.env = environment()
            chapters, result.warnings, workers = self.load(config, files, stamps, search, keep_workers=not incremental)
        self.parts = parts  # the edition is valid: this is how its index is split
        result.processes = 1 + len(workers.workers)
        with workers:
            pages = plan(config.title, chapters, self.links, self.plans)
            add_printed_pages(pages, printed_pages(config, record, pictures, chapters),
                              manifest=bool(config.url and pictures.pages))
            exports = {path for chapter in chapters for path in chapter_files(chapter)}
            _check_static(config, statics, pages, exports | {path for page in pictures.pages for path in page.files.values()})
            stage = self.site.stage(full=not incremental)
            try:
                with _timed(result.timings, "render"):
                    if incremental:
                        self._update(config, chapters, pages, exports, search, statics, stage, result, pictures)
                    else:
                        self._full(config, chapters, pages, workers, search, statics, stage, result, pictures)
                if pictures.pages and not incremental:  # (an incremental stage has them)
                    with _timed(result.timings, "facsimile"):
                        # drawn once into a cache beside the site; a build links them in
                        drawn, result.drawn = facsimile.files(pictures, self.pictures, self.jobs)
                        for path, source in drawn.items():
                            stage.link(source, path)
                fault("rendered")
                self._index(stage, result)
                fault("indexed")
                with _timed(result.timings, "commit"):
                    marker = self.site.commit(stage)
            except BaseException:
                self.site.discard(stage.root)
                raise
        self.revision, self.generation = revision, marker.generation
        self.written = {page.path: page.key for page in pages}
        self.exports = exports
        result.pages, result.incremental = len(pages), incremental
        return result

    # ---- load ----------------------------------------------------------------------------

    def scan(self, config: Config) -> tuple[list[Path], dict[Path, tuple[int, ...]]]:
        """The chapter files in reading order, and a stamp of each (cheap change detection)."""
        files = chapter_sources(config)
        return files, {path: self._stamp(path) for path in files}

    def _stamp(self, path: Path, outline: Chapter | None = None) -> tuple[int, ...]:
        """A source's stamp, with those of the images it shows: an image replaced under the same
        name makes the chapter parsed (and its pages rendered) again."""
        entry = self.sources.get(path)
        outline = outline or (entry.outline if entry else None)
        stamp: tuple[int, ...] = file_stamp(path)
        for source in sorted(outline.images.values()) if outline else ():
            try:
                stamp += file_stamp(Path(source))
            except OSError:
                stamp += (0,)
        return stamp

    def load(self, config: Config, files: list[Path], stamps: dict[Path, tuple[int, ...]], search,
             keep_workers: bool):
        """Parse what changed since the last build (in workers when there is much), then check
        the whole. Returns the chapters' outlines, the warnings, and the workers (which keep
        the full chapters they parsed, to render them)."""
        from generator.workers import Workers  # noqa: PLC0415

        stale = [path for path in files if path not in self.sources or self.sources[path].stamp != stamps[path]]
        workers = Workers(stale if len(stale) >= 64 else [], self.jobs, config, search, self.progress, self.start)
        with _closing_on_error(workers):
            for done, path in enumerate(p for p in stale if p not in workers.owner):  # while workers parse theirs
                chapter, diagnostics = read_chapter(config, path)
                outline = chapter and chapter.outline()
                self.sources[path] = _Entry(self._stamp(path, outline), outline, diagnostics, chapter)
                self.progress("parsed", done + 1, len(stale))
            for path, outline, diagnostics in workers.load():
                self.sources[path] = _Entry(self._stamp(path, outline), outline, diagnostics)
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
            if entry.full is None or entry.full.digest != chapter.digest:
                raise EditionError([Diagnostic(str(chapter.path), None, "error",
                                               "the file changed during the build; build again")])
        return entry.full

    # ---- render into the stage -----------------------------------------------------------

    def _with_text(self, pages: list[Page]) -> Iterator[tuple[Page, Chapter | None]]:
        for page in pages:
            yield page, self._full_chapter(page.chapter) if page.chapter else None

    def _full(self, config: Config, chapters: list[Chapter], pages: list[Page], workers, search,
              statics: dict[str, Path], stage: Stage, result: BuildResult, pictures: facsimile.Facsimile) -> None:
        env = self.env
        assert env is not None
        mine = [page for page in pages if page.chapter is None or page.chapter.path not in workers.owner]
        workers.render(pages, stage.root)  # pages of chapters a worker parsed, rendered there
        done = 0
        for path, text in render_files(env, config, chapters, self._with_text(mine), search):
            stage.write(path, text)
            done += path.endswith(".html")
            self.progress("rendered", done + workers.rendered, len(pages))
            if done == len(mine) // 2:
                fault("rendering")
        for path in workers.finish():
            stage.wrote(path)
        for name in STATIC_FILES:
            stage.copy(TEMPLATES / "static" / name, f"static/{name}")
        for path, source in statics.items():
            stage.copy(source, path)
        self._site_files(config, pages, statics, stage, pictures)
        for entry in self.sources.values():
            entry.full = None  # a full build need not keep the text: memory stays flat
        result.rendered, result.files = len(pages), sum(len(export_paths(c)) for c in chapters)

    def _update(self, config: Config, chapters: list[Chapter], pages: list[Page], exports: set[str], search,
                statics: dict[str, Path], stage: Stage, result: BuildResult, pictures: facsimile.Facsimile) -> None:
        env = self.env
        assert env is not None
        todo = [page for page in pages if self.written.get(page.path) != page.key]
        files = 0
        for path, text in render_files(env, config, chapters, self._with_text(todo), search):
            stage.write(path, text)
            files += 1
            if files == len(todo) // 2:
                fault("rendering")
        self._site_files(config, pages, statics, stage, pictures)
        removed = (set(self.written) - {page.path for page in pages}) | (self.exports - exports)
        for path in removed:
            stage.remove(path)
        result.rendered, result.files = len(todo), files - len(todo)
        # Only chapter pages are searchable; each chapter's pages are in one part of the index.
        slugs = {page.chapter.slug for page in todo if page.chapter} | {path.split("/")[0] for path in removed}
        result.search_parts = {self.parts.of(slug) for slug in slugs} & set(self.parts.numbers)

    def _site_files(self, config: Config, pages: list[Page], statics: dict[str, Path], stage: Stage,
                    pictures: facsimile.Facsimile) -> None:
        """.nojekyll, 404.html, sitemap.xml, robots.txt, the IIIF manifest and the TEI corpus:
        those content/static/ does not give, written again only when they changed (an
        incremental stage has them already)."""
        files = site_files(config, pages, pictures)
        slugs = dict.fromkeys(page.chapter.slug for page in pages if page.chapter)
        files[tei.CORPUS] = tei.corpus(config, [(slug, stage.root / slug / f"{slug}.tei.xml") for slug in slugs])
        for path, text in files.items():
            if path in statics:
                continue
            if not stage.full and path in stage.files and (stage.root / path).read_text(encoding="utf-8") == text:
                continue
            stage.write(path, text)

    def _index(self, stage: Stage, result: BuildResult) -> None:
        """Index the stage's pages: all parts after a full build, the changed ones after an update."""
        if not (self.search and self.index) or result.search_parts == set():
            if self.search and not self.index and stage.full and (self.out / SEARCH_FOLDER).is_dir():
                # The preview indexes in the background; meanwhile the previous index serves.
                link_tree(self.out / SEARCH_FOLDER, stage.root / SEARCH_FOLDER)
            return
        with _timed(result.timings, "search"):
            self.progress("indexing", 0, len(self.parts.numbers))
            result.search_summary, replaced = index_site(
                stage.root, self.parts, self.site.scratch(), only=result.search_parts, jobs=self.jobs,
                progress=lambda done, total: self.progress("indexing", done, total))
            stage.changed |= replaced

    # ---- the state between runs ------------------------------------------------------------

    def remember(self) -> saved.State:
        """What the next `edition build` may trust (written once the commit is done)."""
        sources = {str(path): saved.Source(entry.stamp, entry.outline, entry.diagnostics)
                   for path, entry in self.sources.items()}
        return saved.State(**saved.identity(self.content, self.out, self.search), generation=self.generation,
                           revision=self.revision, sources=sources, written=self.written,
                           exports=sorted(self.exports))

    def restore(self, state: saved.State | None) -> bool:
        """Take the last build's state, if it describes this edition (`_build` uses it only while
        its generation is the site's)."""
        if state is None:
            return False
        identity = saved.identity(self.content, self.out, self.search)  # digests the code: once
        if {key: getattr(state, key) for key in identity} != identity:
            return False
        self.generation, self.revision, self.written = state.generation, state.revision, state.written
        self.exports = set(state.exports)
        self.sources = {Path(path): _Entry(source.stamp, source.outline, source.diagnostics)
                        for path, source in state.sources.items()}
        return True


def _check_static(config: Config, statics: dict[str, Path], pages: list[Page], exports: set[str]) -> None:
    """Files from content/static/ go to the site as they are, but never over a generated one."""
    generated = {page.path for page in pages} | exports | {f"static/{name}" for name in STATIC_FILES}
    # (exports: every chapter's citation files and images)
    problems = Collector()
    for path, source in statics.items():
        if path in generated or path.split("/")[0] == SEARCH_FOLDER:
            problems.error(source, None, f"'{path}' is a file the build makes itself; rename this file")
    problems.raise_if_errors()


def _search_parts(config: Config, files: list[Path], stamps: dict[Path, tuple[int, ...]]) -> SearchParts:
    """The search index's parts, from the sources' file names and sizes: known before parsing."""
    return SearchParts({slug_of(path): stamps[path][1] for path in files}, int(config.search.part_mb * 2**20))


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A build allocates millions of short-lived objects and few cycles: Python's default
    collector thresholds made it spend ~10% of a large build scanning (measured)."""
    saved_threshold = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*saved_threshold)


@contextmanager
def _closing_on_error(workers) -> Iterator[None]:
    try:
        yield
    except BaseException:
        workers.close()
        raise


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start
