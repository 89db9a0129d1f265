"""The build pipeline, a transaction: named stages, run in order by one short loop.

    load → plan → render → draw → index → commit

`load` reads and checks everything and hands on one snapshot (load.py; `edition check` is this
stage alone); `plan` decides the site's pages and which of them this build renders; `render`
writes them into a *stage* beside the site (in worker processes for a full build), from the
snapshot alone; `draw` puts the facsimile's pictures there (drawn into their cache where it
lacks them); `index` runs the search indexer over the stage; `commit` exchanges the stage with
the published site in one atomic step (output.py). Nothing is visible before the commit: a
failed or killed build leaves the site as it was. The loop times each stage and offers one
fault point after it (`EDITION_FAULT=loaded|planned|rendered|drawn|indexed|committed`).

Two kinds of state. A `Run` is one build's own (its snapshot, pages, stage), gone when it ends.
The `Builder` remembers what the next build may trust: the committed site's pages and their
keys, and its loader's warm sources (the preview server holds one builder; `edition build`
carries it from one run to the next as `state.State`, written only after the commit). The
first build is a full one; later builds are incremental: only changed sources are parsed
again, and only pages whose inputs changed (their `Page.key`) are rendered, into a stage that
holds the rest of the site already.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from generator import facsimile
from generator import state as saved
from generator.diagnostics import Collector, Diagnostic, EditionError
from generator.files import Folder, Refused, read_regular
from generator.load import Entry, Loader, Progress, Snapshot
from generator.memory import fewer_collections, no_collections
from generator.model import Chapter
from generator.output import SEARCH_FOLDER, Marker, Site, Stage, fault, link_tree
from generator.render import tei
from generator.render.site import (
    STATIC_FILES,
    TEMPLATES,
    Page,
    add_printed_pages,
    chapter_files,
    chapter_files_text,
    environment,
    export_paths,
    plan,
    printed_pages,
    render_files,
    site_files,
)
from generator.search import SearchParts, index_site
from generator.source import STATIC_FOLDER

DONE = {"load": "loaded", "plan": "planned", "render": "rendered", "draw": "drawn", "index": "indexed",
        "commit": "committed"}  # the fault point after each stage


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
    tiled: int = 0  # pages whose IIIF tiles this build made (the others came from the cache)
    processes: int = 1  # processes that parsed and rendered
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass
class Run:
    """One build's own state, filled in stage by stage (what the next build trusts is the
    builder's, and `state.State`)."""
    result: BuildResult = field(default_factory=BuildResult)
    snapshot: Snapshot | None = None
    workers: Any = None             # the worker processes of a full build (workers.py)
    incremental: bool = False
    pages: list[Page] = field(default_factory=list)
    todo: list[Page] = field(default_factory=list)   # the pages this build renders
    exports: set[str] = field(default_factory=set)   # every chapter's citation files and images
    stage: Stage | None = None
    marker: Marker | None = None    # the committed site's
    members: dict[str, str] = field(default_factory=dict)  # slug → TEI corpus member, rendered now
    files: dict[str, str] = field(default_factory=dict)    # the site's own files → digest

    @property
    def edition(self) -> Snapshot:
        assert self.snapshot is not None, "the load stage comes first"
        return self.snapshot


def build(content: Path, out: Path, search: bool = True, strict: bool = False, jobs: int | None = None,
          progress: Progress | None = None, full: bool = False) -> BuildResult:
    """The `edition build` command: incremental when the last build's state still describes
    the site in `out`, else (or with `full`) a full build."""
    with Site(out) as site:  # one build at a time; a killed build's leftovers removed
        _refuse_foreign(site)
        builder = Builder(content, out, search=search, strict=strict, jobs=jobs, progress=progress, site=site)
        state_file = saved.state_path(out)
        builder.restore(_read_state(state_file, pictures_only=full), trust=not full)
        drawn = dict(builder.drawn)
        try:
            result = builder.build()
        except BaseException:
            if builder.drawn != drawn:  # pictures drawn before the build failed: not drawn again
                _write_state(site, state_file, builder)
            raise
        _write_state(site, state_file, builder)
    return result


def check(content: Path, strict: bool = False, jobs: int | None = None) -> tuple[list[Chapter], list[Diagnostic]]:
    """`edition check`: the load stage alone, writing nothing; raises EditionError listing every problem."""
    snapshot, _ = Loader(content, jobs or os.cpu_count() or 1, lambda stage, done, total: None).load(False, strict)
    return list(snapshot.chapters), list(snapshot.warnings)


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
        self.loader = Loader(content, self.jobs, self.progress)
        # What the committed site holds: its generation, the revision and key of its pages.
        self.generation = ""
        self.revision = ""
        self.commits = 0  # the builds this builder committed
        self.written: dict[str, str] = {}
        self.exports: set[str] = set()  # the citation files in the site
        self.files: dict[str, str] = {}  # the site's own files (404.html, the TEI corpus …) → digest
        self.members: dict[str, tuple[str, bytes]] = {}  # slug → (chapter digest, its TEI corpus member)
        self.drawn: dict[str, facsimile.Drawn] = {}  # the pictures in the facsimile cache, as drawn
        self.plans: dict = {}  # plan()'s memo of each chapter's pages
        self.env: Environment | None = None  # compiled templates, kept while they do not change
        self.parts = SearchParts({}, 1)  # how the search index is split (search.py)

    @property
    def start(self) -> str:
        """How worker processes start (workers.py): "fork", or "forkserver" once threads run."""
        return self.loader.start

    @start.setter
    def start(self, method: str) -> None:
        self.loader.start = method

    @property
    def language(self) -> str:
        return self.loader.language

    def build(self) -> BuildResult:
        # An update (this builder committed a site, or trusts the state of the build that did)
        # runs without the collector: it allocates little, but a collection of the million
        # objects the preview keeps warm landed now and then in a one-edit rebuild (a third of
        # a second, measured). A full build runs with fewer collections: without any, one at
        # 1,000 chapters peaked at twice the memory.
        with no_collections() if self.revision else fewer_collections():
            return self._build()

    def _build(self) -> BuildResult:
        run = Run()
        stages: list[tuple[str, Callable[[Run], None]]] = [
            ("load", self._load), ("plan", self._plan), ("render", self._render),
            ("draw", self._draw), ("index", self._index), ("commit", self._commit)]
        try:
            for name, stage in stages:
                with _timed(run.result.timings, name):
                    stage(run)
                fault(DONE[name])
        except BaseException:
            if run.stage is not None and run.marker is None:
                self.site.discard(run.stage.root)
            raise
        finally:
            if run.workers is not None:
                run.workers.close()
        return run.result

    # ---- the stages ------------------------------------------------------------------------

    def _load(self, run: Run) -> None:
        live = self.site.live()
        built = self.revision if live is not None and live.generation == self.generation else None
        run.snapshot, run.workers = self.loader.load(self.search, self.strict, built, keep_workers=True)
        run.incremental = run.edition.revision == built
        if run.incremental:
            run.workers.close()  # an update renders in this process
        if not run.incremental or self.env is None:
            self.env = environment()
        self.parts = run.edition.parts  # the edition is valid: this is how its index is split
        run.result.warnings = list(run.edition.warnings)
        run.result.processes = 1 + len(run.workers.workers)

    def _plan(self, run: Run) -> None:
        edition = run.edition
        run.pages = plan(edition.config.title, list(edition.chapters), edition.links, self.plans)
        add_printed_pages(run.pages, printed_pages(edition.config, edition.record, edition.pictures, list(edition.chapters)),
                          manifest=bool(edition.config.url and edition.pictures.pages))
        run.exports = {path for chapter in edition.chapters for path in chapter_files(chapter)}
        pictures = {path for page in edition.pictures.pages for path in page.files.values()}
        _check_static(edition.statics, run.pages, run.exports | pictures,
                      facsimile.TILES_FOLDER if edition.config.facsimile.tiles and edition.pictures.pages else "")
        run.todo = [page for page in run.pages if not run.incremental or self.written.get(page.path) != page.key]

    def _render(self, run: Run) -> None:
        edition, env, result = run.edition, self.env, run.result
        assert env is not None
        stage = run.stage = self.site.stage(full=not run.incremental)
        owner = {} if run.incremental else run.workers.owner
        if not run.incremental:
            run.workers.render(run.pages, stage.root)  # pages of chapters a worker parsed, rendered there
        mine = [page for page in run.todo if page.chapter is None or page.chapter.path not in owner]
        texts = ((page, self.loader.text(edition, page.chapter) if page.chapter else None) for page in mine)
        pages = files = 0
        for path, content in render_files(env, edition, texts, run.members):
            stage.write(path, content)
            pages += path.endswith(".html")
            files += not path.endswith(".html")
            self.progress("rendered", pages + (run.workers.rendered if owner else 0), len(run.todo))
            if pages == len(mine) // 2:
                fault("rendering")
        if run.incremental:
            removed = (set(self.written) - {page.path for page in run.pages}) | (self.exports - run.exports)
            for path in removed:
                stage.remove(path)
            # Only chapter pages are searchable; each chapter's pages are in one part of the index.
            slugs = {page.chapter.slug for page in run.todo if page.chapter} | {path.split("/")[0] for path in removed}
            result.search_parts = {self.parts.of(slug) for slug in slugs} & set(self.parts.numbers)
        else:
            for path in run.workers.finish(run.members):
                stage.wrote(path)
            for name in STATIC_FILES:
                stage.copy(TEMPLATES / "static" / name, f"static/{name}")
            for path, source in edition.statics.items():
                stage.copy(source, path, follow=False)
            self.loader.let_go()  # a full build need not keep the texts: memory stays flat
            files = sum(len(export_paths(chapter)) for chapter in edition.chapters)
        self._site_files(run)
        result.rendered, result.files = len(run.todo), files

    def _draw(self, run: Run) -> None:
        """The facsimile's pictures into a full stage (an incremental one has them)."""
        edition = run.edition
        if not edition.pictures.pages or run.incremental:
            return
        assert run.stage is not None
        with Folder(edition.config.root) as root:
            run.result.drawn = facsimile.publish(edition.pictures, root, self.pictures, self.drawn, run.stage,
                                                 self.jobs, self.start, warn=run.result.warnings.append,
                                                 progress=self.progress)
            settings = edition.config.facsimile
            if settings.tiles:
                run.result.tiled = facsimile.publish_tiles(
                    edition.pictures, root, self.pictures, self.drawn, run.stage,
                    base=f"{edition.config.url}{facsimile.TILES_FOLDER}/", budget=int(settings.tiles_mb * 2**20),
                    jobs=self.jobs, start=self.start)

    def _index(self, run: Run) -> None:
        """Index the stage's pages: all parts after a full build, the changed ones after an update."""
        stage, result = run.stage, run.result
        assert stage is not None
        if not (self.search and self.index) or result.search_parts == set():
            if self.search and not self.index and stage.full and (self.out / SEARCH_FOLDER).is_dir():
                # The preview indexes in the background; meanwhile the previous index serves.
                link_tree(self.out / SEARCH_FOLDER, stage.root / SEARCH_FOLDER)
            return
        self.progress("indexing", 0, len(self.parts.numbers) if result.search_parts is None else len(result.search_parts))
        result.search_summary, replaced = index_site(
            stage.root, self.parts, self.site.scratch(), only=result.search_parts, jobs=self.jobs,
            progress=lambda done, total: self.progress("indexing", done, total))
        stage.changed |= replaced

    def _commit(self, run: Run) -> None:
        assert run.stage is not None
        run.marker = self.site.commit(run.stage)
        self.commits += 1
        edition = run.edition
        self.revision, self.generation = edition.revision, run.marker.generation
        self.written = {page.path: page.key for page in run.pages}
        self.exports, self.files = run.exports, run.files
        run.result.pages, run.result.incremental = len(run.pages), run.incremental

    # ---- the site's own files ----------------------------------------------------------------

    def _site_files(self, run: Run) -> None:
        """.nojekyll, 404.html, sitemap.xml, robots.txt, the IIIF manifest and the TEI corpus:
        those content/static/ does not give, written again only when they changed (an
        incremental stage has them already)."""
        edition, stage = run.edition, run.stage
        assert stage is not None
        files: dict[str, str | Callable[[], list[bytes]]] = dict(site_files(edition.config, run.pages, edition.pictures))
        files[tei.CORPUS] = lambda: tei.corpus(edition.config, self._members(run))
        # The corpus holds every chapter (tens of MB in a large book): known unchanged from what
        # it is made of (the revision, each chapter's digest) without making and hashing it.
        corpus_key = _digest_of(repr((edition.revision, [(c.slug, c.digest) for c in edition.chapters])))
        for path, made in files.items():
            if path in edition.statics:
                continue
            if path == tei.CORPUS:
                digest = corpus_key
            else:
                assert isinstance(made, str)
                digest = _digest_of(made)
            run.files[path] = digest
            if not stage.full and path in stage.files and self.files.get(path) == digest:
                continue
            stage.write(path, made if isinstance(made, str) else made())

    def _members(self, run: Run) -> list[bytes]:
        """Each chapter's TEI as a member of the corpus, in reading order, as UTF-8: rendered by
        this build, else remembered from the last one (the preview's builder keeps them; a new
        process takes them from the corpus the last commit published, once), else made now."""
        edition, published = run.edition, None
        members = []
        for chapter in edition.chapters:
            made = run.members.get(chapter.slug)
            member = made.encode() if made is not None else None
            if member is None and self.members.get(chapter.slug, ("",))[0] == chapter.digest:
                member = self.members[chapter.slug][1]
            if member is None and run.incremental:
                if published is None:
                    published = _published_members(self.out)
                member = published.get(chapter.slug)
            if member is None:
                text = self.loader.text(edition, chapter)
                member = tei.member(chapter.slug, chapter_files_text(edition, text)[export_paths(chapter)["tei"]]).encode()
            members.append(member)
        self.members = {chapter.slug: (chapter.digest, member) for chapter, member in zip(edition.chapters, members,
                                                                                           strict=True)}
        return members

    # ---- the state between runs ------------------------------------------------------------

    def remember(self) -> saved.State:
        """What the next `edition build` may trust (written once the commit is done)."""
        sources = {str(path): saved.Source(entry.stamp, entry.outline, entry.diagnostics)
                   for path, entry in self.loader.sources.items()}
        return saved.State(**saved.identity(self.content, self.out, self.search), generation=self.generation,
                           revision=self.revision, sources=sources, written=self.written,
                           exports=sorted(self.exports), files=self.files, cache=str(self.pictures),
                           pictures=dict(self.drawn))

    def restore(self, state: saved.State | None, trust: bool = True) -> bool:
        """Take the last build's state: the pictures it drew into this builder's cache, and,
        with `trust`, if it describes this edition, the site it committed (`_load` uses it only
        while its generation is the site's)."""
        if state is None:
            return False
        if state.cache == str(self.pictures):
            self.drawn = {key: facsimile.recorded(value) for key, value in state.pictures.items()}
        identity = saved.identity(self.content, self.out, self.search)  # digests the code: once
        if not trust or {key: getattr(state, key) for key in identity} != identity:
            return False
        self.generation, self.revision, self.written = state.generation, state.revision, state.written
        self.exports, self.files = set(state.exports), dict(state.files)
        self.loader.revision = state.revision
        self.loader.sources = {Path(path): Entry(source.stamp, source.outline, source.diagnostics)
                               for path, source in state.sources.items()}
        return True


def _read_state(path: Path, pictures_only: bool) -> saved.State | None:
    try:
        return saved.read(path, pictures_only)
    except Refused as exc:
        raise EditionError([Diagnostic(exc.path, None, "error", f"{exc.reason}: the build keeps its state there "
                                                                "(a file of its own); move it elsewhere")]) from None


def _write_state(site: Site, path: Path, builder: Builder) -> None:
    scratch = site.scratch()
    try:
        saved.write(path, builder.remember(), scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _published_members(out: Path) -> dict[str, bytes]:
    """The corpus members of the published site (this build's own output, of the generation the
    builder's state describes)."""
    try:
        return {slug: member.encode() for slug, member in
                tei.members_of(read_regular(out / tei.CORPUS, follow=False).decode("utf-8")).items()}
    except (OSError, UnicodeDecodeError):
        return {}


def _refuse_foreign(site: Site) -> None:
    """A file the editor put into the site folder would vanish with the next commit: stop."""
    foreign = site.foreign_files()
    if foreign:
        raise EditionError([Diagnostic(str(site.out / path), None, "error",
                                       f"not made by `edition build`: move it to {STATIC_FOLDER}/ in the content "
                                       "folder to publish it with the site, or delete it") for path in foreign])


def _check_static(statics: dict[str, Path], pages: list[Page], exports: set[str], tiles: str = "") -> None:
    """Files from content/static/ go to the site as they are, but never over a generated one."""
    if not statics:
        return
    generated = {page.path for page in pages} | exports | {f"static/{name}" for name in STATIC_FILES}
    # (exports: every chapter's citation files and images, and the facsimile's pictures)
    problems = Collector()
    for path, source in statics.items():
        if path in generated or path.split("/")[0] == SEARCH_FOLDER or (tiles and path.startswith(tiles + "/")):
            problems.error(source, None, f"'{path}' is a file the build makes itself; rename this file")
    problems.raise_if_errors()


def _digest_of(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = time.perf_counter() - start
