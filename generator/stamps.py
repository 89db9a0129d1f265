"""Cheap change detection by file metadata: an editor's save, an upgrade or a template edit
changes a file's size or modification time. Contents are never read."""
from __future__ import annotations

import hashlib
from pathlib import Path


def file_stamp(path: Path) -> tuple[int, int, int, int]:
    """(mtime, size, inode, ctime): ctime too, since a tool that writes a file in place may set
    its mtime back (rsync -t, a restored backup); the build only reads these files (a picture or
    static file is copied into the site, never linked), so nothing of ours moves their ctime."""
    info = path.stat()
    return info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns


def tree_stamp(folder: Path, pattern: str = "*") -> str:
    """One digest of the names, sizes and times of the files under `folder` matching `pattern`."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(folder.rglob(pattern)):
        if path.is_file():
            info = path.stat()
            digest.update(f"{path}:{info.st_mtime_ns}:{info.st_size}".encode())
    return digest.hexdigest()
