"""The cycle collector paused while a stage makes many objects that hold no cycles.

A book's characters and lines (ingest), a build's outlines kept warm (the preview): the
collector would scan them again and again while they are made, and reference counting frees
what the stage lets go. Each caller says what it measured."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_collections() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
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
