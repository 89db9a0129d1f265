"""The editor's files: read only if regular and of a sane size; written whole or not at all.

A FIFO, a device or a link to one named like a source (`x.md` → `/dev/zero`) would make a
plain `read()` wait forever or fill the memory; such a file is refused with a message instead.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path


def read_regular(path: Path, limit: int = 256 * 2**20) -> bytes:
    """A regular file's bytes; a FIFO, a device or a file of more than `limit` bytes is refused
    (reading `/dev/zero` or a pipe nobody writes to would never end)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file")
        if info.st_size > limit:
            raise OSError(0, f"larger than {limit // 2**20} MB")
        with os.fdopen(fd, "rb", closefd=False) as file:
            return file.read(limit + 1)
    finally:
        os.close(fd)


def write_text_atomic(path: Path, text: str) -> None:
    """A file the editor keeps (a chapter ingest wrote, a report): written beside it, then put
    in its place in one rename, so a killed run leaves the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)
