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

import ctypes
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
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
def index_parts(site: Path, parts: SearchParts, scratch: Path, only: set[int] | None = None, jobs: int = 1,
                progress=None, gently: bool = False) -> Iterator[FreshIndex]:
    """Run Pagefind for the parts (`only`: just these), up to `jobs` at once, into `scratch`, a
    fresh folder removed at the end whatever happens; yields a `FreshIndex` to `install()`.
    `progress(done, total)` after each part. `gently`: at a lower priority (the preview indexes
    in the background: the next save's rebuild must not wait for the processor)."""
    numbers = [n for n in parts.numbers if only is None or n in only]
    try:
        def run(number: int) -> tuple[int, Path, int]:
            fresh = scratch / f"bundle-{number}"
            slugs = parts.slugs.get(number) if parts.count > 1 else None
            return number, fresh, _pagefind(site, fresh, slugs, scratch, gently)

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

    def install(self, site: Path | None = None) -> set[str]:
        """Move the new bundles into `site/pagefind` (`site`: a stage of the indexed site), the
        main one first (the others live inside it). Returns the site paths replaced."""
        main = (site or self.site) / BUNDLE
        replaced: set[str] = set()
        for number, fresh, _ in self.bundles:
            folder = self.parts.folder(number)
            if folder:
                replaced.add(f"{BUNDLE}/{folder}")
            else:
                replaced |= {f"{BUNDLE}/{p.name}" for p in (*fresh.iterdir(), *_entries(main))}
            _swap_in(fresh, main / folder if folder else main, keep=self.parts.merged if not folder else ())
        if main.is_dir():  # parts that no longer exist (the edition shrank) must not be served
            for stale in main.glob("part-*"):
                if stale.name not in self.parts.merged:
                    shutil.rmtree(stale, ignore_errors=True)
                    replaced.add(f"{BUNDLE}/{stale.name}")
        return replaced


def _entries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if not p.name.startswith("part-")] if folder.is_dir() else []


def index_site(site: Path, parts: SearchParts, scratch: Path, only: set[int] | None = None, jobs: int = 1,
               progress=None) -> tuple[str, set[str]]:
    """Index the site and put the bundles in place; returns Pagefind's summary and the site
    paths replaced."""
    with index_parts(site, parts, scratch, only, jobs, progress) as fresh:
        replaced = fresh.install()
    return fresh.summary, replaced


def pagefind_command() -> list[str]:
    """The Pagefind binary: `EDITION_PAGEFIND` if set (another build of Pagefind), else the one
    the pagefind-bin package carries, run directly (not through a Python wrapper)."""
    chosen = os.environ.get("EDITION_PAGEFIND")
    if chosen:
        return [chosen]
    try:
        import pagefind_bin  # noqa: PLC0415

        return [str(pagefind_bin.get_executable())]
    except (ImportError, FileNotFoundError) as exc:
        raise SearchError(f"Pagefind is not installed ({exc}): `pip install pagefind-bin`, or build with "
                          "--no-search") from None


def _pagefind(site: Path, output: Path, slugs: list[str] | None, scratch: Path, gently: bool = False) -> int:
    """One Pagefind run; returns how many pages it indexed. Its settings go into a config file,
    not arguments: the glob of a part's chapter folders outgrows the 128 kB a single command-line
    argument may have. A run that fails, is killed, hangs past `TIMEOUT` or leaves a broken
    bundle (a full disk: Pagefind then still exits 0) is an error naming the cause."""
    settings = {"site": str(site.resolve()), "output_path": str(output.resolve())}
    if slugs is not None:
        settings["glob"] = "{" + ",".join(slugs) + "}/*.html"  # slugs are [a-z0-9-]: no glob syntax
    workdir = Path(tempfile.mkdtemp(dir=scratch))
    (workdir / "pagefind.json").write_text(json.dumps(settings), encoding="utf-8")
    command = pagefind_command()
    timeout = float(os.environ.get("EDITION_PAGEFIND_TIMEOUT", TIMEOUT))
    try:
        process = subprocess.Popen(command, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, errors="replace",
                                   preexec_fn=_die_with_us_gently if gently else _die_with_us)  # noqa: PLW1509 - a ctypes call resolved before fork, a nice(2): no lock, no import
    except OSError as exc:
        raise SearchError(f"cannot run Pagefind ({command[0]}): {exc.strerror or exc}") from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise SearchError(f"Pagefind did not finish within {timeout:g} s and was stopped "
                          "(EDITION_PAGEFIND_TIMEOUT sets the limit)") from None
    except BaseException:
        process.kill()
        process.wait()
        raise
    if process.returncode < 0:
        raise SearchError(f"Pagefind was killed by signal {-process.returncode} ({_signal_name(-process.returncode)})")
    if process.returncode != 0:
        detail = [line for line in (stderr + stdout).strip().splitlines() if line.strip()][-5:]
        raise SearchError(f"Pagefind failed (exit code {process.returncode})"
                          + (": " + " | ".join(detail) if detail else ", and said nothing"))
    _verify_bundle(output)
    counted = re.search(r"Indexed (\d+) pages?", stdout)
    return int(counted.group(1)) if counted else 0


TIMEOUT = 1800  # seconds for one part: 10,000 pages take Pagefind under a minute (measured)


def _verify_bundle(bundle: Path) -> None:
    """A bundle a browser can load: its entry file names index files that exist, and no file
    is empty (what a full disk leaves behind)."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        metas = [bundle / f"pagefind.{language['hash']}.pf_meta" for language in entry["languages"].values()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SearchError(f"Pagefind wrote an unreadable index ({exc}); is the disk full?") from None
    empty = [p for p in bundle.rglob("*") if p.is_file() and p.stat().st_size == 0]
    missing = [p for p in (bundle / "pagefind.js", *metas) if not p.is_file()]
    if empty or missing:
        raise SearchError(f"Pagefind wrote an incomplete index ({(empty + missing)[0].name} "
                          f"{'empty' if empty else 'missing'}); is the disk full?")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"


try:  # resolved now: after fork, the child must not load or look anything up
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
except (OSError, AttributeError):
    _PRCTL = None


def _die_with_us() -> None:
    """In the Pagefind child before exec: killed when the build dies (Linux)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _die_with_us_gently() -> None:
    _die_with_us()
    os.nice(GENTLE)


GENTLE = 10  # how much nicer than the preview its indexer runs


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
