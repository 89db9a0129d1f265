"""Parallel parsing and rendering: each worker process owns a contiguous share of the chapters.

A worker receives the snapshot once, as it starts (everything `load()` read but the chapters),
parses its chapters (and places them in the print) and sends back their outlines (titles and
section headings, no text), waits for the plan, renders its chapters' pages straight into the
staged site folder and reports how many, with each chapter's TEI as a member of the corpus
(the one text that crosses: the corpus is made in memory). Otherwise only outlines and page
descriptions cross process boundaries, so parallelism costs little and no chapter is held
twice. Workers are forked, so they start in milliseconds with everything imported. The parent
process keeps the first share itself (one process per core, not one more); without fork (or
with one core) it does all the work.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from dataclasses import replace
from multiprocessing.connection import wait
from pathlib import Path

from jinja2 import TemplateError

from generator.load import Snapshot, read_text
from generator.output import die_with_parent, write_into
from generator.render.site import TEMPLATE_NAMES, Page, environment, render_files


class Workers:
    """`start`: how worker processes start. "fork" (instant, everything imported) is safe only
    while the process has no other threads; the preview, which has, uses "forkserver": workers
    forked from a clean single-threaded server process started once."""

    def __init__(self, files: list[Path], jobs: int, snapshot: Snapshot, progress, start: str = "fork"):
        self.owner: dict[Path, _Worker] = {}
        self.rendered = 0
        self.progress = progress
        self.workers: list[_Worker] = []
        if jobs < 2 or not files or start not in multiprocessing.get_all_start_methods():
            return
        size = -(-len(files) // jobs)
        for start_at in range(size, len(files), size):  # the first share stays with the parent
            share = files[start_at:start_at + size]
            worker = _Worker(share, snapshot, start)
            self.workers.append(worker)
            self.owner.update(dict.fromkeys(share, worker))

    def load(self):
        """(path, outline, diagnostics) for every file the workers parsed, in file order."""
        for worker in self.workers:
            yield from worker.receive("loaded")

    def render(self, pages: list[Page], root: Path) -> None:
        """Hand each worker the pages of its chapters (to render while the parent renders the rest)."""
        shares: dict[_Worker, list] = {worker: [] for worker in self.workers}
        for page in pages:
            if page.chapter is not None and page.chapter.path in self.owner:
                shares[self.owner[page.chapter.path]].append((page.chapter.path, replace(page, chapter=None)))
        for worker, share in shares.items():
            worker.connection.send((share, root))

    def finish(self, members: dict[str, str]) -> list[str]:
        """Wait until every worker has rendered its pages; the site paths they wrote (`members`
        gets their chapters' TEI members). Re-raises the first failure."""
        pending = {worker.connection: worker for worker in self.workers}
        written: list[str] = []
        while pending:
            for connection in wait(list(pending)):
                kind, value = _receive(connection)
                if kind == "progress":
                    self.rendered += value
                    self.progress("rendered", self.rendered, 0)
                elif kind == "done":
                    written += value[0]
                    members.update(value[1])
                    pending.pop(connection).process.join()  # type: ignore[call-overload]
                else:
                    raise value
        return written

    def close(self) -> None:
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.kill()
            worker.process.join()
            worker.connection.close()
        self.workers = []

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Worker:
    def __init__(self, files: list[Path], snapshot: Snapshot, start: str):
        context = multiprocessing.get_context(start)
        self.connection, child = context.Pipe()
        parent = os.getpid() if start == "fork" else None  # a fork server's children have another parent
        self.process = context.Process(  # type: ignore[attr-defined]
            target=_work, args=(child, files, snapshot, parent), daemon=True)
        # A Ctrl+C between the fork and the child's ignoring it would print the child's
        # traceback: the child starts with SIGINT blocked, and unblocks it once it ignores it.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()

    def receive(self, expected: str):
        kind, value = _receive(self.connection)
        if kind != expected:
            raise value
        return value


def _receive(connection):
    try:
        return connection.recv()
    except EOFError:
        return "error", RuntimeError("a build worker process died (out of memory?)")


def _work(connection, files: list[Path], snapshot: Snapshot, parent: int | None) -> None:
    """The worker process: parse, report outlines, render what the parent asks, report."""
    # Ctrl+C reaches the whole process group: the parent stops the build and ends the workers,
    # which must not print a traceback each. A parent killed outright takes them along.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    die_with_parent(parent)
    try:
        texts, outlines = {}, []
        for path in files:
            text, diagnostics = read_text(snapshot, path)
            texts[path] = text
            outlines.append((path, text and text.chapter.outline(), diagnostics))
        connection.send(("loaded", outlines))
        env = environment()
        try:
            for name in TEMPLATE_NAMES:  # compiled while the parent plans (it waits for every outline)
                env.get_template(name)
        except TemplateError:
            pass  # rendering reports it, at its line
        try:
            share, root = connection.recv()
        except EOFError:
            return  # `edition check`, or the parent found errors: nothing to render
        written, pages, members = [], 0, dict[str, str]()
        items = ((page, texts[file]) for file, page in share)
        for site_path, content in render_files(env, snapshot, items, members):
            write_into(root, site_path, content)
            written.append(site_path)
            pages += site_path.endswith(".html")
            if pages % 200 == 0 and site_path.endswith(".html"):
                connection.send(("progress", 200))
        connection.send(("progress", pages % 200))
        connection.send(("done", (written, members)))
    except Exception as exc:  # noqa: BLE001 - any failure travels to the parent, which reports it
        try:
            connection.send(("error", exc))
        except Exception:  # noqa: BLE001 - the exception itself would not pickle
            connection.send(("error", RuntimeError(repr(exc))))
