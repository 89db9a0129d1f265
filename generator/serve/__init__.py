"""`edition serve`: the build pipeline kept warm, a watcher, and a small HTTP server.

    sources ──watch──▶ debounced rebuild (incremental Builder) ──▶ preview folder ──HTTP──▶ browser
                                        └─▶ Pagefind in the background         ▲ reload events

The preview folder is a temporary folder, never `site/`: the pages there are exactly what
`edition build` writes; the reload script and the error overlay are added while serving.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple

from generator import state as saved
from generator.build import Builder, BuildResult
from generator.diagnostics import EditionError
from generator.files import Folder, lock
from generator.labels import labels
from generator.model import Chapter
from generator.output import OutputError, Site, hold_lock
from generator.render.site import TEMPLATES
from generator.search import index_parts
from generator.serve.http import Handler, PreviewState, allowed_hosts
from generator.serve.watch import Debouncer, Watcher

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Preview:
    """Everything `edition serve` runs, started and stopped as one (tests drive it directly)."""

    def __init__(self, content: Path, host: str = "127.0.0.1", port: int = 8000, log=print):
        self.log = log
        _remove_abandoned_previews()
        self.workdir = Path(tempfile.mkdtemp(prefix=PREFIX))
        try:
            self.site = Site(self.workdir / "site").open()  # its lock also tells others this folder lives
            self._start(content, host, port)
        except BaseException:
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise

    def _start(self, content: Path, host: str, port: int) -> None:
        self.out = self.site.out
        # The preview draws the facsimile's pages into the cache `edition build` keeps beside
        # the default site folder (the cache's lock lets them share it), and knows the pictures
        # that build drew from its state: a preview does not draw a book's pages again.
        default = self.default = Path("site")
        self.builder = Builder(content, self.out, search=True, index=False, site=self.site,
                               pictures=Site(default).beside("facsimile"))
        try:
            self.builder.restore(saved.read(saved.state_path(default), pictures_only=True), trust=False)
        except OSError:
            pass  # not the build's own state there: the preview draws what it needs
        self.lock = threading.Lock()  # the site folder changes under one hand at a time
        handler: type[Handler] = type("BoundHandler", (Handler,), {})
        self.server = PreviewServer((host, port), handler)
        self.port = self.server.server_address[1]
        self.state = PreviewState(self.out, allowed_hosts(host, self.port), commits=lambda: self.builder.commits)
        handler.state = self.state
        self.url = f"http://{host if ':' not in host else f'[{host}]'}:{self.port}/"
        self.builds = 0
        self.seen: dict[str, Identity] = {}  # every section page built in this preview
        self.identities: dict[Path, tuple[Chapter, dict[str, Identity]]] = {}  # section_pages' memo
        self.last: BuildResult | None = None  # the last successful build
        self.stale_parts: set[int] | None = None  # search index parts to refresh (None: all)
        self.rebuild()  # the first build: parallel workers may fork before any thread exists
        # Later full rebuilds (a template changed) still run on all cores, but their workers start
        # from a fork server: forking this process once it has threads is unsafe.
        self.builder.start = "forkserver"
        multiprocessing.get_context("forkserver").set_forkserver_preload(["generator.workers"])
        self.indexer = Debouncer(self._index, quiet=0.2)
        self.indexer.poke()
        self.rebuilder = Debouncer(self.rebuild)
        self.watcher = Watcher([content, TEMPLATES], self.rebuilder.poke, outputs=(self.workdir,))
        self.thread = threading.Thread(target=self.server.serve_forever, name="edition-http", daemon=True)
        self.thread.start()

    def rebuild(self) -> None:
        start = time.perf_counter()
        try:
            with self.lock:
                drawn = dict(self.builder.drawn)
                try:
                    result = self.builder.build()
                finally:
                    self.state.words = labels(self.builder.language)
                    if self.builder.drawn != drawn:
                        self._share_pictures()
        except Exception as exc:  # noqa: BLE001 - the preview must survive anything a source does
            text = "\n".join(map(str, exc.diagnostics)) if isinstance(exc, EditionError) else f"edition: error: {exc}"
            self.log(f"{text}\nbuild failed: serving the last good version")
            self.state.publish(text)
            return
        self.builds += 1
        self.last = result
        self._follow_sections()
        if result.rendered or self.state.error or self.builds == 1:
            self.state.publish(None)
            for warning in result.warnings:
                self.log(str(warning))
            kind = "changed" if result.incremental else "all"
            self.log(f"built {result.rendered} page(s) ({kind}) in {(time.perf_counter() - start) * 1000:.0f} ms")
            if result.search_parts is None or self.stale_parts is None:
                self.stale_parts = None
            else:
                self.stale_parts |= result.search_parts
            if self.builds > 1 and self.stale_parts != set():
                self.indexer.poke()

    def _share_pictures(self) -> None:
        """Record what the preview drew where `edition build` keeps its record of the cache (its
        state beside the default site), so that build does not draw those pages again. Only the
        pictures are merged in: the rest of a state there stays as the build wrote it (a state
        the preview makes is one no site matches: the build trusts only its pictures). Skipped
        while a build holds that site's lock: it writes its own state when done."""
        site = Site(self.default)
        try:
            with Folder(site.out.parent) as folder:
                held = lock(folder, site.beside("lock").name)
                if held is None:
                    return
                try:
                    path = saved.state_path(self.default)
                    state = saved.read(path)
                    if state is None or state.cache != str(self.builder.pictures):
                        state = saved.State(**saved.identity(self.builder.content, self.default, True),
                                            generation="", revision="", sources={}, written={}, exports=[],
                                            files={}, cache=str(self.builder.pictures), pictures={})
                    state.pictures.update(self.builder.drawn)
                    scratch = site.scratch()
                    try:
                        saved.write(path, state, scratch)
                    finally:
                        shutil.rmtree(scratch, ignore_errors=True)
                finally:
                    if held >= 0:
                        os.close(held)
        except OSError as exc:  # a link or a foreign file there: the build will say so; the preview goes on
            self.log(f"{exc}: the pictures the preview drew are not recorded for `edition build`")

    def _follow_sections(self) -> None:
        """Remember where each section page seen in this preview stands now: a tab open on one
        whose id changed (a heading renumbered) gets the 404 page with a link to it."""
        now = section_pages(self.builder, self.identities)
        self.seen.update(now)
        self.state.moved = moved(self.seen, now)

    def _index(self) -> None:
        """Refresh the parts of the search index whose pages changed, beside the site, then move
        them in: search never stalls a reload."""
        with self.lock:
            if not (self.out / "index.html").is_file():
                return  # nothing built yet
            parts, only, self.stale_parts = self.builder.parts, self.stale_parts, set()
        try:
            with index_parts(self.out, parts, self.site.scratch(), only, gently=True) as fresh, self.lock:
                if parts.key() == self.builder.parts.key() and self.out.is_dir():
                    self._install(fresh)
                    return
            again = True  # the edition was split differently meanwhile
        except Exception as exc:  # noqa: BLE001 - search is a convenience in the preview
            self.log(f"search index not updated: {exc}")
            again = False  # the next rebuild tries again
        with self.lock:
            self.stale_parts = None
        if again:
            self.indexer.poke()

    def _install(self, fresh) -> None:
        """Commit the new index like a build: into a stage, then one exchange."""
        stage = self.site.stage(full=False)
        try:
            stage.changed |= fresh.install(stage.root)
            marker = self.site.commit(stage)
        except BaseException:
            self.site.discard(stage.root)
            raise
        self.builder.generation = marker.generation

    def close(self) -> None:
        self.watcher.stop()
        self.rebuilder.stop()
        self.indexer.stop()
        self.state.stop()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        self.site.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


class Identity(NamedTuple):
    """What identifies a section page when its id changes: its chapter, its heading's words
    without the number, its place among the chapter's sections and how many there are."""
    chapter: str
    words: str
    place: int
    siblings: int
    title: str
    chapter_title: str


def section_pages(builder: Builder, memo: dict[Path, tuple[Chapter, dict[str, Identity]]]) -> dict[str, Identity]:
    """Each section page of the last good build (site path) and what identifies it. `memo`:
    each source's outline and its pages' identities, from the last call (a save changes one
    chapter's outline: the others' are taken as they were)."""
    pages: dict[str, Identity] = {}
    for path, entry in builder.loader.sources.items():
        chapter = entry.outline
        if chapter is None:
            continue
        known = memo.get(path)
        if known is None or known[0] is not chapter:
            known = memo[path] = (chapter, _identities(chapter))
        pages.update(known[1])
    for gone in set(memo) - set(builder.loader.sources) if len(memo) > len(builder.loader.sources) else ():
        del memo[gone]
    return pages


def _identities(chapter: Chapter) -> dict[str, Identity]:
    pages = {}
    for place, section in enumerate(chapter.sections):
        title = section.title_text
        words = title[len(section.number):].lstrip(". ") if section.number and title.startswith(section.number) else title
        pages[f"{chapter.slug}/{section.id}.html"] = Identity(chapter.slug, words, place, len(chapter.sections),
                                                               title, chapter.title)
    return pages


def moved(seen: dict[str, Identity], now: dict[str, Identity]) -> dict[str, tuple[str, str]]:
    """Each page seen and gone → (the page it became, its title): in the same chapter, the
    section with the same words (renumbered), else the one in the same place (reworded, where
    the chapter still has as many sections), else the chapter's own page."""
    gone = {path: old for path, old in seen.items() if path not in now}
    if not gone:
        return {}
    affected = {old.chapter for old in gone.values()}  # only their chapters' pages can take their place
    near = {path: i for path, i in now.items() if i.chapter in affected}
    by_words = {(i.chapter, i.words): path for path, i in near.items()}
    by_place = {(i.chapter, i.place, i.siblings): path for path, i in near.items()}
    chapters = {i.chapter: i.chapter_title for i in near.values()}
    found = {}
    for path, old in gone.items():
        target = by_words.get((old.chapter, old.words)) or by_place.get((old.chapter, old.place, old.siblings))
        if target:
            found[path] = (target, now[target].title)
        elif old.chapter in chapters:
            found[path] = (f"{old.chapter}/index.html", chapters[old.chapter])
    return found


PREFIX = "edition-preview-"


def _remove_abandoned_previews() -> None:
    """Preview folders of previews that were killed (kill -9 cannot tidy up): a live preview
    holds the lock beside its site, so an unlocked one is abandoned."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            if time.time() - folder.stat().st_mtime < 60:
                continue  # perhaps a preview that is starting right now
            held = hold_lock(folder / ".site.lock", folder)
        except (OutputError, OSError):
            continue  # in use, or not ours to touch
        shutil.rmtree(folder, ignore_errors=True)
        if held is not None:
            os.close(held)


class PreviewServer(ThreadingHTTPServer):
    """Many tabs and their reload streams at once: a deep backlog (the default of 5 refused
    connections under 200 simultaneous requests), and a client that hangs up is no error."""
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(content: Path, host: str, port: int, open_browser: bool) -> int:
    if host not in LOOPBACK:
        print(f"notice: serving on {host}, not only on this computer: anyone who can reach this "
              "address can read the preview", file=sys.stderr)
    preview = Preview(content, host, port, log=lambda message: print(message, flush=True))
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl+C
    try:  # announced only inside: a Ctrl+C right after the announcement still stops cleanly
        print(f"preview: {preview.url}  (rebuilds on save; Ctrl+C stops)", flush=True)
        if open_browser:
            import webbrowser  # noqa: PLC0415

            webbrowser.open(preview.url)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
        print("preview stopped", flush=True)
    return 0
