"""The one function that turns a request path into a file of the preview site, or refuses.

Every way out of the site folder is refused: `..` (also encoded as `%2e%2e` or `..%2f`),
backslashes, absolute paths, `//host`, NUL bytes, and symlinks that point outside. Containment is
checked on the resolved path (`Path.is_relative_to`), never as a string prefix: a prefix check
lets `../site-evil/x.html` through when the site is `site/`.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


def resolve_request(root: Path, target: str) -> Path | None:
    """The file `target` (the raw request target, e.g. `/a/b.html?x#y`) names, or None."""
    path = urlsplit(target).path if target.startswith("/") else None
    if path is None or path.startswith("//") or "\\" in path:
        return None
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or "\x00" in decoded or decoded.startswith("//"):
        return None
    parts = decoded.split("/")[1:]
    if any(part in ("..", ".") for part in parts):
        return None
    base = root.resolve()
    candidate = base.joinpath(*[p for p in parts if p])
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return None
    if resolved != base and not resolved.is_relative_to(base):
        return None  # a symlink pointing out of the site
    if resolved.is_dir():
        if not decoded.endswith("/") and decoded != "":
            return None  # the caller redirects "/kapitel" to "/kapitel/"
        resolved = resolved / "index.html"
        if not resolved.is_file():
            return None
    return resolved if resolved.is_file() else None
