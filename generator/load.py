"""Load: everything a build needs, read and checked once, handed on as one `Snapshot`.

The config, the chapters (outlines, in reading order, with their links resolved), the print
ingest recorded (`printed.py`), the facsimile's plan, the static files, the search parts and
every problem found: `load()` reads them all before anything is written, and render is a pure
function of what it returns (`edition check` is `load` alone). A chapter's text and where its
blocks stand in the print are computed once, when the chapter is parsed (`Text`).

A `Loader` is what load keeps warm between builds (the preview's builder holds one): each
source's stamp, outline and problems, the print and the facsimile plan with the stamps of the
files they came from. `load()` re-reads only what changed. No module keeps anything of an
edition between builds: what stays, stays here.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator import collation, facsimile, printed
from generator.config import Config, load_config
from generator.diagnostics import Collector, Diagnostic, EditionError
from generator.files import Folder
from generator.ingest.commit import wait_for_ingest
from generator.links import resolve_links
from generator.model import Chapter
from generator.render.site import TEMPLATES
from generator.render.zones import line_zones
from generator.search import SearchParts
from generator.source import chapter_files as chapter_sources
from generator.source import check_edition, load_chapter, slug_of, static_files
from generator.stamps import file_stamp, tree_stamp

Progress = Callable[[str, int, int], None]  # (stage, done, total)
PARALLEL_FROM = 64  # sources to parse: from this many, worker processes parse them


@dataclass(frozen=True)
class Text:
    """A chapter with its text, and where its blocks stand in the recorded print (None for a
    chapter the print does not hold): what render needs of one chapter."""
    chapter: Chapter
    alignment: printed.Alignment | None


@dataclass(frozen=True)
class Snapshot:
    """Everything a build renders from. Worker processes receive it once, as they start
    (before the chapters are known: they parse their own share)."""
    config: Config
    record: printed.Printed | None      # the print ingest recorded
    pictures: facsimile.Facsimile       # the facsimile's plan
    statics: dict[str, Path]            # content/static/: site path → file
    parts: SearchParts                  # how the search index is split
    search: tuple[str, ...] | None      # None: no search box; else the index parts it merges
    revision: str                       # a digest of all of the above the pages depend on
    chapters: tuple[Chapter, ...] = ()  # outlines (no text), in reading order
    links: dict[Path, tuple[str, ...]] = field(default_factory=dict)  # each chapter's internal links, resolved
    warnings: tuple[Diagnostic, ...] = ()
    zones: dict[tuple[int, int], str] = field(default_factory=dict)  # (page index, line) → its zone on a picture


@dataclass
class Entry:
    """What the loader remembers of one source file; `text` while it is useful."""
    stamp: tuple[int, ...]  # the file's, then those of the images it shows
    outline: Chapter | None
    diagnostics: list[Diagnostic]
    text: Text | None = None


def read_text(snapshot: Snapshot, path: Path) -> tuple[Text | None, list[Diagnostic]]:
    """Parse one chapter and place its blocks in the print (once: render uses what this found);
    its problems, with the blocks the print no longer holds."""
    chapter, diagnostics = load_chapter(path)
    if chapter is None:
        return None, diagnostics
    alignment = collation.place(chapter, snapshot.record, _name(snapshot.config, path))
    return Text(chapter, alignment), diagnostics + printed.warnings(chapter, alignment)


def _name(config: Config, path: Path) -> str:
    """A chapter's file as ingest names it: relative to the content folder, with "/"."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return path.name


class Loader:
    """The part of the pipeline kept warm: see the module's docstring."""

    def __init__(self, content: Path, jobs: int, progress: Progress, start: str = "fork"):
        self.content, self.jobs, self.progress, self.start = content, jobs, progress, start
        self.sources: dict[Path, Entry] = {}
        self.revision = ""  # what the remembered sources were parsed for (their print warnings, alignments)
        self.record: tuple[Any, printed.Printed | None, list[Diagnostic]] | None = None
        self.plan: tuple[Any, facsimile.Facsimile, list[Diagnostic]] | None = None
        self.link_memo: dict[Any, Any] = {}
        self.slugs: dict[Path, str] = {}  # each source's slug (from its name: computed once)
        self.paths: tuple[Path, dict[str, Path]] = (content, {})  # each source's path, by name under the root
        self.language = "en"  # the edition's, once its config was read (the preview speaks it)

    def load(self, search: bool, strict: bool, built: str | None = None, parse_all: bool = False,
             keep_workers: bool = False) -> tuple[Snapshot, Any]:
        """The snapshot, and the worker processes that parsed part of the chapters (they keep
        those chapters' texts, to render them; closed unless `keep_workers`). `built`: the
        revision of the site being updated, if it is the one this loader's sources were made for;
        a snapshot of another revision parses every chapter again (in parallel: all pages are
        rendered anyway), as does `parse_all`. Raises EditionError with every problem."""
        from generator.workers import Workers  # noqa: PLC0415 (workers import render)

        wait_for_ingest(self.content)  # never read a content folder while `edition ingest` writes into it
        problems = Collector()
        config = load_config(self.content, problems)
        if config is None:
            problems.raise_if_errors()
            raise AssertionError("load_config returned no config and no error")
        self.language = config.language
        root = Folder(config.root)
        try:
            record = self._record(root, problems)
            pictures = self._pictures(config, root, record, problems)
        finally:
            root.close()
        if self.paths[0] != config.root:
            self.paths = (config.root, {})
        files = chapter_sources(config, self.paths[1], problems)
        stamps = {path: self._stamp(path) for path in files}  # each file stat'ed once a build
        statics = static_files(config, problems)
        parts = SearchParts({self._slug(path): stamps[path][1] for path in files}, int(config.search.part_mb * 2**20))
        merged = parts.merged if search else None  # the search box, and the parts it merges
        revision = _digest((config, merged, parts.key(), tree_stamp(TEMPLATES), record and record.digest,
                            pictures.digest, sorted((path, file_stamp(source)) for path, source in statics.items())))
        base = Snapshot(config, record, pictures, statics, parts, merged, revision,
                        zones=line_zones(record, pictures))
        if parse_all or revision != built or revision != self.revision:
            self.sources = {}  # every page is rendered: every chapter parsed again, in parallel
        self.revision = revision
        stale = [path for path in files if path not in self.sources or self.sources[path].stamp != stamps[path]]
        workers = Workers(stale if len(stale) >= PARALLEL_FROM else [], self.jobs, base, self.progress, self.start)
        try:
            for done, path in enumerate(p for p in stale if p not in workers.owner):  # while workers parse theirs
                text, diagnostics = read_text(base, path)
                outline = text.chapter.outline() if text else None
                self.sources[path] = Entry(self._stamp(path, outline), outline, diagnostics, text)
                self.progress("parsed", done + 1, len(stale))
            for path, outline, diagnostics in workers.load():
                self.sources[path] = Entry(self._stamp(path, outline), outline, diagnostics)
            for gone in set(self.sources) - set(files):
                del self.sources[gone]
            entries = [self.sources[path] for path in files]
            for entry in entries:
                problems.items += entry.diagnostics
            chapters = [entry.outline for entry in entries if entry.outline is not None]
            check_edition(config, chapters, problems)
            links = resolve_links(chapters, problems, self.link_memo)
            problems.raise_if_errors(strict)
        except BaseException:
            workers.close()
            raise
        if not keep_workers:
            workers.close()
        return replace(base, chapters=tuple(chapters), links=links, warnings=tuple(problems.warnings)), workers

    def text(self, snapshot: Snapshot, outline: Chapter, keep: bool = False) -> Text:
        """The text of a chapter whose page is rendered: the one parsed by this load, else read
        again (a chapter parsed in a worker, or one whose text was let go), and checked against
        the outline the plan was made from."""
        entry = self.sources[outline.path]
        if entry.text is not None:
            return entry.text
        text, _ = read_text(snapshot, outline.path)
        if text is None or text.chapter.digest != outline.digest:
            raise EditionError([Diagnostic(str(outline.path), None, "error", "the file changed during the build; "
                                                                             "build again")])
        if keep:
            entry.text = text
        return text

    def let_go(self) -> None:
        """Forget the chapters' texts (after a full build: memory stays flat)."""
        for entry in self.sources.values():
            entry.text = None

    def _slug(self, path: Path) -> str:
        if path not in self.slugs:
            self.slugs[path] = slug_of(path)
        return self.slugs[path]

    def _stamp(self, path: Path, outline: Chapter | None = None) -> tuple[int, ...]:
        """A source's stamp, with those of the images it shows: an image replaced under the same
        name makes the chapter parsed (and its pages rendered) again."""
        entry = self.sources.get(path)
        outline = outline or (entry.outline if entry else None)
        stamp: tuple[int, ...] = file_stamp(path)
        for source in sorted(outline.images.values()) if outline and outline.images else ():
            try:
                stamp += file_stamp(Path(source))
            except OSError:
                stamp += (0,)
        return stamp

    def _record(self, root: Folder, problems: Collector) -> printed.Printed | None:
        """The recorded print, read again only when a lines file changed."""
        stamp = printed.stamp(root)
        if self.record is None or self.record[0] != stamp:
            found = Collector()
            self.record = (stamp, printed.load(root, found), found.items)
        problems.items += self.record[2]
        return self.record[1]

    def _pictures(self, config: Config, root: Folder, record: printed.Printed | None,
                  problems: Collector) -> facsimile.Facsimile:
        """The facsimile's plan, made again only when its source or the print changed."""
        key = (config.source.pdf, config.source.page_images, facsimile.source_stamp(config, root), record and record.digest)
        if self.plan is None or self.plan[0] != key:
            found = Collector()
            self.plan = (key, facsimile.plan(config, root, record, found), found.items)
        problems.items += self.plan[2]
        return self.plan[1]


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()
