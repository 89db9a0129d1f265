"""Full-text search: Pagefind's command line over the written HTML, in parts for large editions.

Pagefind holds the whole index in memory while it builds it: about 60 times the size of the
chapter sources (measured: 7.5 MB of sources, 0.46 GB; 37 MB, 2.1 GB). So a large edition is
indexed in parts of at most `[search] part_mb` megabytes of sources each, one Pagefind run per
part, and the search box merges them in the browser (Pagefind's `mergeIndex`). A chapter's part
comes from a hash of its slug: adding or editing a chapter leaves every other chapter in its
part, so a rebuild re-indexes only the parts whose pages changed.

The first non-empty part is the main bundle in `pagefind/` (it also brings the search UI); the
others sit in `pagefind/part-N/`. A small edition is one part: plain `pagefind/`.

Pagefind's Python service API is not used: in pagefind 1.5 it sleeps 100 ms per message and
hangs on large indexes (shared/notes/pagefind.md). Pagefind never deletes old output, so each
part is written into a fresh folder and swapped in.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path

BUNDLE = "pagefind"


class SearchError(Exception):
    pass


class SearchParts:
    """Which part of the search index each chapter's pages belong to."""

    def __init__(self, sizes: dict[str, int], part_bytes: int):
        """`sizes`: each chapter slug → bytes of its source."""
        self.count = max(1, -(-sum(sizes.values()) // max(1, part_bytes)))
        self.slugs: dict[int, list[str]] = {}
        for slug in sizes:
            self.slugs.setdefault(self.of(slug), []).append(slug)
        self.numbers = sorted(self.slugs) or [0]

    def of(self, slug: str) -> int:
        if self.count == 1:
            return 0
        return int.from_bytes(hashlib.blake2b(slug.encode(), digest_size=8).digest(), "big") % self.count

    def folder(self, number: int) -> str:
        """The bundle's folder inside the main bundle's folder: "" for the main one."""
        return "" if number == self.numbers[0] else f"part-{number}"

    @property
    def merged(self) -> tuple[str, ...]:
        """The other parts' folders, relative to the main bundle: what the search box merges."""
        return tuple(self.folder(number) for number in self.numbers[1:])

    def key(self) -> tuple:
        return (self.count, tuple(self.numbers))


@contextmanager
def index_parts(site: Path, parts: SearchParts, only: set[int] | None = None, jobs: int = 1, progress=None):
    """Run Pagefind for the parts (`only`: just these), up to `jobs` at once, into a scratch
    folder beside the site; yields a `FreshIndex` to `install()`. The scratch folder goes at
    the end, whatever happens. `progress(done, total)` after each part."""
    numbers = [n for n in parts.numbers if only is None or n in only]
    scratch = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site.parent))
    try:
        def run(number: int) -> tuple[int, Path, int]:
            fresh = scratch / f"bundle-{number}"
            slugs = parts.slugs.get(number) if parts.count > 1 else None
            return number, fresh, _pagefind(site, fresh, slugs, scratch)

        bundles = []
        with ThreadPoolExecutor(max(1, min(jobs, len(numbers)))) as pool:
            for future in as_completed([pool.submit(run, number) for number in numbers]):
                bundles.append(future.result())
                if progress:
                    progress(len(bundles), len(numbers))
        yield FreshIndex(site, parts, sorted(bundles))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class FreshIndex:
    def __init__(self, site: Path, parts: SearchParts, bundles: list[tuple[int, Path, int]]):
        self.site, self.parts, self.bundles = site, parts, bundles
        pages = sum(count for _, _, count in bundles)
        self.summary = f"Indexed {pages} pages" + (f" in {len(bundles)} parts" if len(bundles) > 1 else "")

    def install(self) -> None:
        """Move the new bundles into `site/pagefind`, the main one first (the others live inside it)."""
        main = self.site / BUNDLE
        for number, fresh, _ in self.bundles:
            folder = self.parts.folder(number)
            _swap_in(fresh, main / folder if folder else main, keep=self.parts.merged if not folder else ())
        if main.is_dir():  # parts that no longer exist (the edition shrank) must not be served
            for stale in main.glob("part-*"):
                if stale.name not in self.parts.merged:
                    shutil.rmtree(stale, ignore_errors=True)


def index_site(site: Path, parts: SearchParts | None = None, only: set[int] | None = None, jobs: int = 1,
               progress=None) -> str:
    """Index the site and put the bundles in place; returns Pagefind's summary."""
    with index_parts(site, parts or SearchParts({}, 1), only, jobs, progress) as fresh:
        fresh.install()
    return fresh.summary


def _pagefind(site: Path, output: Path, slugs: list[str] | None, scratch: Path) -> int:
    """One Pagefind run; returns how many pages it indexed. Its settings go into a config file,
    not arguments: the glob of a part's chapter folders outgrows the 128 kB a single command-line
    argument may have."""
    settings = {"site": str(site.resolve()), "output_path": str(output.resolve())}
    if slugs is not None:
        settings["glob"] = "{" + ",".join(slugs) + "}/*.html"  # slugs are [a-z0-9-]: no glob syntax
    workdir = Path(tempfile.mkdtemp(dir=scratch))
    (workdir / "pagefind.json").write_text(json.dumps(settings), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pagefind_bin"], cwd=workdir, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SearchError("Pagefind failed: " + " | ".join(detail))
    counted = re.search(r"Indexed (\d+) pages?", result.stdout)
    return int(counted.group(1)) if counted else 0


def _swap_in(fresh: Path, target: Path, keep: tuple[str, ...]) -> None:
    """Replace `target` with `fresh`, carrying over the sub-bundles named in `keep`."""
    for name in keep:
        if (target / name).is_dir() and not (fresh / name).exists():
            os.replace(target / name, fresh / name)
    old = target.with_name(f".{target.name}.old")
    if target.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
