"""Watching the sources: which file events matter, and one rebuild per burst of them.

Editors save in many ways: vim renames the old file away and writes a new one (and probes the
folder with a file called `4913`), others write a temporary file and rename it over the source,
emacs leaves `.#name` locks and `#name#` autosaves. Every event on a real source counts (also
the source or destination of a rename); editor temp files, hidden files and the output folder
never do. A burst of events (one save is often three) gives one rebuild after a short quiet
period; an event during a rebuild gives another rebuild after it.
"""
from __future__ import annotations

import importlib
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# watchdog holds the first half of every rename (inotify's IN_MOVED_FROM) for half a second, to
# pair it with its second half: a save by rename (most editors) reached the rebuild 0.5 s late,
# most of the preview's save → served time (measured: bench/serve_bench.py). The preview needs
# no pairs (either half, alone, is an event on a source); the kernel hands both halves over in
# one read, so a few milliseconds pair them all the same.
MOVE_PAIRING = 0.005
_GROUPERS = (("watchdog.observers.inotify_move_event_grouper", "InotifyMoveEventGrouper"),  # watchdog 6+
             ("watchdog.observers.inotify_buffer", "InotifyBuffer"))                         # watchdog 4, 5

EDITOR_TEMP = re.compile(r"^\.|~$|^#.*#$|\.sw[a-p]x?$|^4913$|\.(tmp|bak|orig|part)$", re.IGNORECASE)
RELEVANT_EVENTS = {"created", "modified", "deleted", "moved", "closed"}


def is_source_event(path: str, outputs: tuple[Path, ...]) -> bool:
    """Does a change to `path` feed the build? (Not a temp file, not hidden, not an output.)"""
    if not path:
        return False
    file = Path(os.path.abspath(path))
    if any(file == out or out in file.parents for out in outputs):
        return False
    if any(part.startswith(".") for part in file.parts[-3:-1]):  # .git/, .cache/ near the file
        return False
    return not EDITOR_TEMP.search(file.name)


class Debouncer:
    """Calls `action` once after each burst of `poke()`s, never twice at a time."""

    def __init__(self, action: Callable[[], None], quiet: float = 0.03):
        self.action, self.quiet = action, quiet
        self._condition = threading.Condition()
        self._generation = 0       # pokes so far
        self._last_poke = 0.0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="edition-rebuild", daemon=True)
        self._thread.start()

    def poke(self) -> None:
        with self._condition:
            self._generation += 1
            self._last_poke = time.monotonic()
            self._condition.notify()

    def stop(self) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify()
        self._thread.join()

    def _run(self) -> None:
        done = 0
        while True:
            with self._condition:
                while self._generation == done and not self._stopping:
                    self._condition.wait()
                while not self._stopping and (wait := self._last_poke + self.quiet - time.monotonic()) > 0:
                    self._condition.wait(wait)  # more pokes may come: wait until it is quiet
                if self._stopping:
                    return
                done = self._generation
            self.action()  # pokes during the action raise the generation: another round follows


class _Events(FileSystemEventHandler):
    def __init__(self, on_change: Callable[[], None], outputs: tuple[Path, ...]):
        self.on_change, self.outputs = on_change, outputs

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in RELEVANT_EVENTS or (event.is_directory and event.event_type == "modified"):
            return
        paths = (event.src_path, getattr(event, "dest_path", ""))
        if any(is_source_event(os.fsdecode(p), self.outputs) for p in paths):
            self.on_change()


class _Reappearing(FileSystemEventHandler):
    """Events in a watched folder's parent: the folder deleted and made again (a `git checkout`,
    a restored backup) must be watched again, or its changes would never be seen."""

    def __init__(self, watcher: Watcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        for path in (event.src_path, getattr(event, "dest_path", "")):
            folder = Path(os.path.abspath(os.fsdecode(path))) if path else None
            if folder in self.watcher.watches:
                self.watcher.rewatch(folder)
                self.watcher.handler.on_change()
                # What was written into the new folder before its watch was in place made no
                # event (a copy of a whole folder, on a loaded machine): look once more when
                # it has settled (a rebuild that finds nothing changed costs a few ms).
                later = threading.Timer(1.0, self.watcher.handler.on_change)
                later.daemon = True
                later.start()


class Watcher:
    """Watches folders recursively with watchdog; calls `on_change` for every source event."""

    def __init__(self, folders: list[Path], on_change: Callable[[], None], outputs: tuple[Path, ...]):
        _pair_moves_promptly()
        self.observer = Observer()
        self.handler = _Events(on_change, tuple(Path(os.path.abspath(o)) for o in outputs))
        self.watches: dict[Path, object] = {}
        parents = _Reappearing(self)
        for folder in dict.fromkeys(Path(os.path.abspath(f)) for f in folders):
            self.watches[folder] = self.observer.schedule(self.handler, str(folder), recursive=True)
            self.observer.schedule(parents, str(folder.parent), recursive=False)
        self.observer.start()

    def rewatch(self, folder: Path) -> None:
        try:
            self.observer.unschedule(self.watches[folder])  # type: ignore[arg-type]
        except (KeyError, ValueError, OSError):
            pass
        if folder.is_dir():
            self.watches[folder] = self.observer.schedule(self.handler, str(folder), recursive=True)

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join()


def _pair_moves_promptly() -> None:
    """Set watchdog's pairing delay (MOVE_PAIRING). It has no parameter for it: the class
    attribute its queue reads when made (before the observer is); where it is not found (another
    platform or version), watchdog's own stays."""
    for module, name in _GROUPERS:
        try:
            grouper = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
        if isinstance(getattr(grouper, "delay", None), (int, float)):
            grouper.delay = MOVE_PAIRING
