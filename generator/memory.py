"""The cycle collector paused while a stage makes many objects that hold no cycles.

A book's characters and lines (ingest), a build's outlines kept warm (the preview): the
collector would scan them again and again while they are made, and reference counting frees
what the stage lets go. Each caller says what it measured."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_collections(keep: bool = False) -> Iterator[None]:
    """`keep`: what the stage made lives on till the command ends (a book read and through its
    passes): frozen (`gc.freeze`) as the collector comes back, so that it is never scanned either.
    Its first collection would otherwise scan every object made meanwhile, the next older ones
    again (`edition clean` of a 1,754-page book: 1.4–2.8 s of its 23–25 s of CPU, measured back
    to back). Frozen objects are still freed when nothing refers to them; only garbage in cycles
    made before stays (the command's own: it ends soon)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if keep:
                gc.freeze()
            gc.enable()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """A build allocates millions of short-lived objects and few cycles: Python's default
    thresholds made it spend ~10 % of a large build scanning (measured)."""
    saved = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*saved)
