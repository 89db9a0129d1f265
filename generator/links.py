"""Links inside the edition, resolved once every chapter is loaded.

A source links to what an editor knows: an anchor (`#s6-1`, `#seite-230`, `#s6-1-p2`) or another
chapter file (`other.md`, `other.md#s2`), never to a built page, so links survive a change of
the site's layout. Which page holds an anchor is known only here; a target that does not exist
is an error at the link's source line.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.diagnostics import Collector
from generator.model import Chapter, anchor_path


def resolve_links(chapters: list[Chapter], problems: Collector, memo: dict | None = None) -> dict[Path, tuple[str, ...]]:
    """For each chapter, the site path (with #anchor) of each of its internal links, in order.

    `memo` (kept between builds) remembers each chapter's result with what it depended on: its
    own source and the anchors of the chapters it links to. After an edit, only chapters whose
    dependencies changed are resolved again."""
    memo = memo if memo is not None else {}
    by_file = {os.path.normpath(chapter.path): chapter for chapter in chapters}
    resolved: dict[Path, tuple[str, ...]] = {}
    for chapter in chapters:
        if not chapter.links:
            continue
        known = memo.get(chapter.path)
        if known and known[0] == chapter.digest and all(
                (linked := by_file.get(file)) is not None and linked.anchors_digest == anchors
                for file, anchors in known[1]):
            resolved[chapter.path] = known[2]
            continue
        targets: list[str] = []
        depends: list[tuple[str, str]] = []
        broken = False
        for href, line in chapter.links:
            target, problem, file = _resolve(chapter, href, by_file)
            if problem:
                problems.error(chapter.path, line, f"broken link '{href}': {problem}")
                broken = True
            else:
                depends.append((file, by_file[file].anchors_digest))
            targets.append(target)
        resolved[chapter.path] = tuple(targets)
        if not broken:
            memo[chapter.path] = (chapter.digest, tuple(depends), resolved[chapter.path])
    return resolved


def _resolve(chapter: Chapter, href: str, by_file: dict[str, Chapter]) -> tuple[str, str, str]:
    """(site path#anchor, problem, chapter file linked to)."""
    parts = urlsplit(href)
    file = os.path.normpath(chapter.path)
    if parts.query:
        return "", "a link into the edition cannot carry a query ('?…')", file
    if parts.path:
        file = os.path.normpath(chapter.path.parent / unquote(parts.path))  # no disk access: fast
        if file not in by_file:
            return ("", f"no chapter file '{unquote(parts.path)}' in the edition "
                    "(link to chapter sources, e.g. 'kapitel-2.md#s1')", file)
    target = by_file[file]
    anchor = unquote(parts.fragment)
    if not anchor:
        return f"{target.slug}/index.html", "", file
    if anchor not in target.anchors:
        return "", f"no anchor '#{anchor}' in {target.path.name}", file
    return anchor_path(target, anchor), "", file
