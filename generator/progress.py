"""Progress of long work on a terminal: one line on stderr that overwrites itself
("drawing pages 12/240"), and nothing at all when stderr is a pipe or a file (a log, CI).

Each stage that knows its counts calls `progress(stage, done, total)` (the type `Progress`):
ingest per page read, the build per chapter parsed and page rendered, the facsimile per page
drawn, the search index per part. The callable is made once, by the command (`on_terminal`),
and handed down; the stages never ask whether anyone looks.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[str, int, int], None]  # (what, done, total); total 0: not known


def silent(stage: str, done: int, total: int) -> None:
    """The progress of a run nobody watches."""


class Line:
    """One self-overwriting status line; at most ten updates a second (the first and the last
    of a stage are always shown)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = 0.0
        self.stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown < 0.1 and done != total and stage == self.stage:
            return
        self.shown, self.stage = now, stage
        self.stream.write(f"\r\x1b[K{describe(stage, done, total)}")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def describe(stage: str, done: int, total: int) -> str:
    """The words of the line: "drawing pages 12/240"."""
    if stage == "indexing":  # Pagefind reports nothing while it runs: the parts are what can be counted
        return "search index (Pagefind): " + (f"part {done}/{total}" if total > 1 else "indexing …" if not done else "done")
    return f"{stage} {done}/{total}" if total else f"{stage} {done}"


def on_terminal(stream: TextIO | None = None) -> Line | None:
    """A status line if `stream` (default stderr) is a terminal, else None: nothing is shown."""
    stream = stream or sys.stderr
    return Line(stream) if stream.isatty() else None
