"""How ingest writes into a content folder that is the editor's: nothing redirected, nothing of
the editor's replaced, never half done.

    lock      one ingest per content folder: `.edition-ingest/lock` (a build waits while it is held)
    manifest  `review/ingest.json`: every file ingest wrote, with its hash; each name checked
    check     an existing file is replaced only while it has the hash ingest gave it (else kept,
              or the run stops before anything is written, unless --force); a link, a FIFO or a
              folder where a file is to be written is an error naming it
    stage     every file written whole (O_CREAT|O_EXCL, fsync) into `.edition-ingest/stage-…/`,
              never under `review/`, never named `*.md`; then checked (`verify`)
    commit    renames only: first the manifest as a journal (every file still to come, with its
              old hash and its new), then each file, each followed by the journal's next version,
              staged beforehand too: a full disk cannot stop the commit half-way, and after a
              kill at any point every file is old or new and the manifest says which

The next ingest reads the journal, takes each file that is old or new as its own, and finishes
the job; `edition build` waits while an ingest holds the lock and refuses to build a folder
whose commit was cut off (`wait_for_ingest`, its one call).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Collector, Diagnostic, EditionError
from generator.files import Folder, Refused, lock, lock_holder, safe_name, shown

OWN = ".edition-ingest"          # the tool's own folder, directly under the content folder
LOCK = "lock"
MANIFEST = "review/ingest.json"
MANIFEST_LIMIT = 64 * 2**20
COMPARE_LIMIT = 2**30            # an existing file compared with what ingest would write
WAIT = 60.0                      # seconds a build waits for an ingest that writes into its folder

# What a manifest may name: a chapter or the PDF's copy at the top of the content folder, a
# scan's page picture in a `…-pages/` folder there, a review file in review/ (the OCR made
# here in review/ocr/); never edition.toml, decisions.toml, the manifest, a hidden name, '..'.
_NAMES = {
    "chapter": re.compile(r"[^/.][^/]*\.md"),
    "copy": re.compile(r"[^/.][^/]*\.pdf|[^/.][^/]*-pages/[^/.][^/]*\.(?:png|jpe?g|webp)"),
    "review": re.compile(r"review/[^/.][^/]*\.(?:report\.md|report\.json|lines\.json)"
                         r"|review/ocr/[^/.][^/]*\.hocr|review/ocr/ocr\.json"),
}
_DIGEST = re.compile(r"[0-9a-f]{64}")
# What is about to be written (name → its staged file), the content folder, the stage (a folder of
# ingest's own, removed after the run): read as the build reads it, before the commit.
Verify = Callable[[dict[str, Path], Path, Path], None]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fault(point: str) -> None:
    """For the fault-injection tests, as `generator.output.fault`: `EDITION_FAULT=point` kills
    ingest here with SIGKILL (no clean-up code runs); `point:stop` stops it (SIGSTOP), so that
    a test can act while it holds the lock or is half-way through its commit."""
    wanted = os.environ.get("EDITION_FAULT", "")
    if wanted == point:
        os.kill(os.getpid(), signal.SIGKILL)
    elif wanted == point + ":stop":
        os.kill(os.getpid(), signal.SIGSTOP)


def name_kind(name: str) -> str | None:
    """"chapter", "copy", "review", or None for a name no manifest may give."""
    try:
        safe_name(name)
    except Refused:
        return None
    return next((kind for kind, pattern in _NAMES.items() if pattern.fullmatch(name)), None)


# ---- the manifest ----

@dataclass
class Manifest:
    files: dict[str, str] = field(default_factory=dict)      # name → sha256 of what ingest wrote
    chapters: dict[str, str] = field(default_factory=dict)   # chapter title → its file (names kept on re-ingest)
    pending: dict[str, tuple[str | None, str]] = field(default_factory=dict)   # the journal: name → (old, new)

    def owns(self, name: str, found: str) -> bool:
        """Is `found` (a file's hash) what ingest wrote there, or, where a commit was cut off,
        what it was about to write?"""
        return found == self.files.get(name) or found in self.pending.get(name, ())

    def data(self, inputs: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"written_by": "edition ingest", "inputs": inputs, "files": dict(sorted(self.files.items())),
                               "chapters": self.chapters}
        if self.pending:
            out["commit"] = {name: {"old": old, "new": new} for name, (old, new) in self.pending.items()}
        return out


def read_manifest(folder: Folder, problems: Collector) -> Manifest:
    """The manifest, every name in it checked; a name that could make ingest write elsewhere
    (outside the folder, over edition.toml or decisions.toml) is an error, never followed."""
    path = folder.path / MANIFEST
    if folder.kind(MANIFEST) is None:
        return Manifest()
    try:
        data = json.loads(folder.read(MANIFEST, limit=MANIFEST_LIMIT))
    except Refused as exc:
        problems.error(exc.path, None, exc.reason)
        return Manifest()
    except (ValueError, UnicodeDecodeError) as exc:
        problems.error(path, None, f"not a manifest written by `edition ingest` ({exc}): delete it, then ingest with "
                                   "--force (which replaces the files it named)")
        return Manifest()
    manifest = Manifest()
    if not isinstance(data, dict):
        data = {"files": None}

    def bad(what: str) -> None:
        problems.error(path, None, f"{what}: refused (was the manifest edited? delete it, then ingest with --force)")

    def checked(name: object, kinds: tuple[str, ...]) -> str | None:
        if not isinstance(name, str) or name_kind(name) not in kinds:
            bad(f"names {shown(repr(name))}, which is no file ingest writes in this folder")
            return None
        return name

    files, chapters, pending = data.get("files", {}), data.get("chapters", {}), data.get("commit", {})
    if not (isinstance(files, dict) and isinstance(chapters, dict) and isinstance(pending, dict)):
        bad("not the manifest's form (files, chapters, commit)")
        return Manifest()
    for name, value in files.items():
        if checked(name, ("chapter", "copy", "review")) and isinstance(value, str) and _DIGEST.fullmatch(value):
            manifest.files[name] = value
        elif isinstance(name, str) and name_kind(name):
            bad(f"the hash of {shown(name)} is not a SHA-256")
    for title, name in chapters.items():
        if checked(name, ("chapter",)) and isinstance(title, str):
            manifest.chapters[title] = name
    for name, entry in pending.items():
        old, new = (entry.get("old"), entry.get("new")) if isinstance(entry, dict) else (None, None)
        if checked(name, ("chapter", "copy", "review")):
            if (old is None or (isinstance(old, str) and _DIGEST.fullmatch(old))) and isinstance(new, str) \
                    and _DIGEST.fullmatch(new):
                manifest.pending[name] = (old, new)
            else:
                bad(f"the journal's entry for {shown(name)} is not an old and a new SHA-256")
    return manifest


# ---- the content folder, held ----

@dataclass
class Found:
    status: str       # "absent", "ours" (replace), "same" (holds what would be written), "kept"
                      # (edited by hand: left alone), "forced", "exists" (a config: never replaced),
                      # "foreign" (a file ingest did not write: left alone, not used)
    digest: str | None = None


class Target:
    """The content folder ingest writes into, opened once (it may be a link: resolved here, and
    nothing below it is reached through a link), locked, its manifest read and its journal
    taken over. Folders this run makes are removed again if it fails before its commit."""

    def __init__(self, root: Path):
        self.root = root
        self.made: list[str] = []    # folders this run made ("" the content folder itself), innermost last
        self.keep: set[str] = set()  # what in the tool's own folder a failure keeps (the OCR read so far)
        parent = Folder(root.parent, create=True) if not root.exists() else None
        if parent is not None:
            with parent:
                parent.sub(root.name, create=True).close()
            self.made.append("")
        self.folder = Folder(root)
        try:
            if self.folder.kind(OWN) is None:
                self.made.append(OWN)
            self.own = self.folder.sub(OWN, create=True)
            if self.own.kind(".gitignore") is None:   # the tool's scratch: not the editor's to commit
                with suppress(Refused):
                    self.own.write_new(".gitignore", b"*\n")
            held = lock(self.own, LOCK)
            if held is None:
                pid = lock_holder(self.own, LOCK)
                raise EditionError([Diagnostic(str(root), None, "error", f"another `edition ingest` (pid {pid}) is writing "
                                                                        "into this folder; try again when it has finished")])
            self.lock = held
            fault("ingest-locked")
            for name in self.own.names():   # stages of runs killed before their commit
                if name.startswith("stage-"):
                    self.own.remove_tree(name)
            problems = Collector()
            self.manifest = read_manifest(self.folder, problems)
            problems.raise_if_errors()
            self._take_over_journal()
        except BaseException:
            self.close(failed=True)
            raise

    def _take_over_journal(self) -> None:
        """A commit cut off (killed, a failing disk): each file it listed is old or new; both
        are ingest's own. The next commit writes the manifest whole again."""
        for name, (old, new) in self.manifest.pending.items():
            found = self._digest(name)
            if found in (old, new) and found is not None:
                self.manifest.files[name] = found
            elif old is not None:
                self.manifest.files[name] = old
        self.interrupted = dict(self.manifest.pending)
        self.manifest.pending = {}

    def _digest(self, name: str) -> str | None:
        with suppress(Refused, OSError):
            if self.folder.kind(name) == "file":
                return digest(self.folder.read(name, limit=COMPARE_LIMIT))
        return None

    def close(self, failed: bool = False) -> None:
        """Let go of the folder; after a failure, remove the folders this run made (if empty:
        the stage is gone by then)."""
        if failed and hasattr(self, "lock"):   # (never another run's: only the lock's holder removes)
            for name in reversed(self.made):
                with suppress(OSError):
                    if name == OWN and not self.keep:
                        self.folder.remove_tree(OWN)
                    elif name:
                        os.rmdir(name, dir_fd=self.folder.fd)
        if hasattr(self, "lock"):
            os.close(self.lock)
            del self.lock
        for held in ("own", "folder"):
            if hasattr(self, held):
                getattr(self, held).close()
        if failed and "" in self.made:
            with suppress(OSError):
                self.root.rmdir()   # only if empty

    def config(self) -> dict[str, Any]:
        """The folder's edition.toml as TOML reads it ({} where there is none, or none readable:
        the build will say why)."""
        import tomllib  # noqa: PLC0415

        with suppress(Refused, OSError, ValueError):
            if self.folder.kind("edition.toml") == "file":
                return tomllib.loads(self.folder.read("edition.toml", limit=2**20).decode("utf-8-sig"))
        return {}

    def language(self) -> str:
        """The edition's language, for the report (German when there is no edition.toml yet)."""
        value = self.config().get("language")
        return value if isinstance(value, str) and value else "de"

    def read_decisions(self) -> bytes | None:
        """The folder's own decisions.toml (a link there is refused, not followed), if any."""
        if self.folder.kind("decisions.toml") is None:
            return None
        return self.folder.read("decisions.toml", limit=2**20)

    # ---- nothing of the editor's ----

    def check(self, planned: dict[str, tuple[str, str | None]], force: bool) -> dict[str, Found]:
        """What is at each name ingest is about to write (name → (role, hash of the new text, if
        known)), and whether it may be replaced. Every problem at once, before anything is
        written: a link, a FIFO or a folder there; a file ingest did not write, or a review file
        edited since (unless `force`). A chapter edited by hand is kept; a config is never replaced."""
        problems = Collector()
        found: dict[str, Found] = {}
        for name, (role, new) in planned.items():
            path = self.root / name
            try:
                kind = self.folder.kind(name)
                if kind is None:
                    found[name] = Found("absent")
                    continue
                if kind != "file":
                    problems.error(path, None, f"is {self.folder.describe(name)}: refused (ingest writes a file there; "
                                               "move it away first)")
                    continue
                if role == "config":
                    found[name] = Found("exists")
                    continue
                now = digest(self.folder.read(name, limit=COMPARE_LIMIT))
            except Refused as exc:
                problems.error(exc.path, None, exc.reason)
                continue
            if now == new:
                found[name] = Found("same", now)
            elif self.manifest.owns(name, now):
                found[name] = Found("ours", now)
            elif force:
                found[name] = Found("forced", now)
            elif role == "chapter" and name in self.manifest.files:
                found[name] = Found("kept", now)
            elif role == "copy":
                found[name] = Found("foreign", now)
            elif name in self.manifest.files:
                problems.error(path, None, "was edited since ingest wrote it: not replaced (move it away, or use --force)")
            else:
                problems.error(path, None, "exists and was not written by ingest: not replaced (move it, or use --force)")
        problems.raise_if_errors()
        return found

    # ---- stage and commit ----

    def commit(self, outputs: dict[str, tuple[bytes, str]], found: dict[str, Found], chapters: dict[str, str],
               inputs: list[str], verify: Verify | None = None) -> list[str]:
        """Write `outputs` (name → (text, role)) as `check` allowed; returns the names written.
        Before the first rename nothing has changed (a failure removes the stage); the commit is
        renames only, the journal updated after each."""
        todo = [name for name, (data, role) in outputs.items()
                if found.get(name, Found("absent")).status in ("absent", "ours", "forced")]
        new = {name: digest(data) for name, (data, role) in outputs.items() if role != "config"}
        files = dict(self.manifest.files)
        files.update({name: new[name] for name in new if found.get(name, Found("absent")).status == "same"})
        journal = [name for name in todo if name in new]   # the files the manifest keeps (configs are not)
        stage_name = f"stage-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            with self.own.sub(stage_name, create=True) as stage:
                if stage.names():
                    raise Refused(stage.path, "a stage that is not empty: refused")
                for k, name in enumerate(todo):
                    stage.write_new(f"f{k:04d}", outputs[name][0])
                # The journal's versions, staged now: after k renames the first k files are new.
                for k in range(len(todo) + 1):
                    done = set(todo[:k])
                    version = Manifest({**files, **{n: new[n] for n in journal if n in done}},
                                       {**self.manifest.chapters, **chapters},
                                       {n: (found.get(n, Found("absent")).digest, new[n]) for n in journal if n not in done})
                    stage.write_new(f"m{k:04d}", (json.dumps(version.data(inputs), ensure_ascii=False, indent=1)
                                                  + "\n").encode("utf-8"))
                if verify is not None:   # the staged files, read where they are (the stage is ours)
                    verify({name: stage.path / f"f{k:04d}" for k, name in enumerate(todo)}, self.root, stage.path)
                fault("ingest-staged")
                written = self._renames(stage, todo, found)
        except OSError as exc:
            raise EditionError([Diagnostic(str(exc.filename or self.root) if not isinstance(exc, Refused) else exc.path,
                                           None, "error", (exc.reason if isinstance(exc, Refused) else
                                                           f"cannot write: {exc.strerror or exc}") + self._stopped())]) from None
        finally:
            with suppress(OSError):
                self.own.remove_tree(stage_name)
        self.made = []   # the folders hold the edition now
        return written

    def _renames(self, stage: Folder, todo: list[str], found: dict[str, Found]) -> list[str]:
        self.total = len(todo)
        self.folder.move_in(stage, "m0000", MANIFEST)   # the journal: every file still old (review/ made if new)
        self.made = []   # from here on the folder has changed: nothing made is removed again
        self.renamed = 0
        fault("ingest-commit")
        for k, name in enumerate(todo, 1):
            if found.get(name, Found("absent")).status == "absent":
                self.folder.move_in_new(stage, f"f{k - 1:04d}", name)   # never over what appeared meanwhile
            else:
                self.folder.move_in(stage, f"f{k - 1:04d}", name)
            self.renamed = k
            fault(f"ingest-file-{k}")
            self.folder.move_in(stage, f"m{k:04d}", MANIFEST)
        fault("ingest-committed")
        return todo

    def _stopped(self) -> str:
        renamed = getattr(self, "renamed", None)
        if renamed is None:
            return ": nothing was changed"
        return (f"; ingest stopped after {renamed} of {self.total} file(s) (review/ingest.json says which): "
                "run it again to finish")




@contextmanager
def opened(root: Path) -> Iterator[Target]:
    target = Target(root)
    try:
        yield target
    except BaseException:
        target.close(failed=True)
        raise
    target.close()


# ---- the build's one call ----

def wait_for_ingest(content: Path, timeout: float = WAIT) -> None:
    """Before a build (or a preview's rebuild) reads a content folder: wait while an ingest
    writes into it; refuse a folder whose ingest was cut off half-way through its commit (some
    files new, some old: `edition ingest` again finishes it). Creates nothing; a folder no
    ingest ever wrote into costs two `stat`s."""
    try:
        folder = Folder(content)
    except OSError:
        return   # the build reports a missing content folder itself
    with folder:
        try:
            if folder.kind(f"{OWN}/{LOCK}") == "file":
                _wait_unlocked(folder, content, time.monotonic() + timeout)
            pending = json.loads(folder.read(MANIFEST, limit=MANIFEST_LIMIT)).get("commit") \
                if folder.kind(MANIFEST) == "file" else None
        except (OSError, ValueError, AttributeError):
            return   # a link planted there, a broken manifest: ingest refuses them; the build has nothing to wait for
        if pending:
            raise EditionError([Diagnostic(str(content / MANIFEST), None, "error",
                                           f"an `edition ingest` into this folder was cut off while writing ({len(pending)} "
                                           "file(s) not known to be written): run it again to finish, then build")])


def _wait_unlocked(folder: Folder, content: Path, deadline: float) -> None:
    try:
        import fcntl  # noqa: PLC0415 - POSIX only, like the lock
    except ImportError:
        return

    with folder.sub(OWN) as own:
        try:
            fd = os.open(LOCK, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=own.fd)
        except OSError:
            return
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        pid = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
                        raise EditionError([Diagnostic(str(content), None, "error", f"an `edition ingest` (pid {pid}) is "
                                                       "writing into this folder; build again when it has finished")]) from None
                    time.sleep(0.05)
        finally:
            os.close(fd)   # the shared lock goes with it: an ingest may start now
