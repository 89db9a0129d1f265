"""The only code that writes into the output folder. Every build is a transaction.

A build writes into a *stage*, a folder beside the site, runs the search indexer there, and only
then exchanges the stage with the published folder in one atomic step (`exchange`: Linux's
`renameat2(RENAME_EXCHANGE)`, macOS's `renamex_np(RENAME_SWAP)`). Readers never see the site
absent or mixed, and a failed or killed build leaves the published site exactly as it was.

Staging costs what changed, not the size of the site. The folder that a commit replaced is kept
as the *spare* (`.site.spare` beside `site/`), and its marker records which paths the live site
has that it lacks. The next incremental build takes the spare as its stage, hard-links those
paths from the live site (files are never changed in place, so sharing them is safe), writes its
own changes and exchanges again. A full build stages into an empty folder.

The marker file (`.edition-site`) says the folder is ours and lists every file a build put there
(the search index aside): a file the editor dropped into `site/` (a CNAME, a favicon) is never
deleted silently: the build stops and names it (such files belong in `content/static/`).
One build at a time per output folder: a lock beside it, held while the build runs; leftovers of
a killed build are removed by the next one.
"""
from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.files import Folder, Refused, lock, lock_holder, read_regular

MARKER = ".edition-site"
SEARCH_FOLDER = "pagefind"  # wholly the indexer's: not listed in the marker, never foreign


class OutputError(Exception):
    pass


@dataclass
class Marker:
    """What the marker file of a site folder says: what a build put there and, in a spare, the
    live site it lags behind and the paths in which they differ. The site's *generation* is the
    marker file's identity (inode and time): every commit writes a new one, and the file's
    content stays the same for the same site, so two builds of the same sources are identical.
    One line per entry (site paths hold no line breaks): a large site's marker is read fast."""
    files: set[str]
    behind: str = ""
    differs: set[str] = field(default_factory=set)
    generation: str = ""

    HEADER = "made by `edition build`: this folder is replaced by every build"

    def dump(self) -> str:
        lines = [self.HEADER]
        if self.files:  # joined in one call: a large site lists ten thousand files
            lines.append("file " + "\nfile ".join(sorted(self.files)))
        if self.behind:
            lines.append(f"behind {self.behind}")
            if self.differs:
                lines.append("differs " + "\ndiffers ".join(sorted(self.differs)))
        return "\n".join(lines) + "\n"

    @classmethod
    def read(cls, folder: Path) -> Marker | None:
        """The folder's marker; None if it has none or one that is not ours in this form."""
        path = folder / MARKER
        try:
            generation = _generation(path)
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        if not lines or lines[0] != cls.HEADER:
            return None
        entries: dict[str, set[str]] = {"file": set(), "behind": set(), "differs": set()}
        for line in lines[1:]:
            kind, _, value = line.partition(" ")
            if kind not in entries or not value:
                return None
            entries[kind].add(value)
        if len(entries["behind"]) > 1:
            return None
        return cls(entries["file"], next(iter(entries["behind"]), ""), entries["differs"], generation)


def _generation(marker: Path) -> str:
    info = marker.stat()
    return f"{info.st_ino}-{info.st_mtime_ns}"


class Stage:
    """A folder being prepared to become the site. Records every path it writes or removes."""

    def __init__(self, root: Path, files: set[str], full: bool):
        self.root, self.files, self.full = root, files, full
        self.changed: set[str] = set()  # site paths written or removed here: how it will differ

    def write(self, path: str, content: Content) -> None:
        if self.full and path in self.changed:
            raise OutputError(f"{path}: error: two outputs write the same file")
        write_into(self.root, path, content)
        self.wrote(path)

    def copy(self, source: Path, path: str, follow: bool = True) -> None:
        """A file of the templates, or (`follow=False`) of content/static/: found by a walk that
        refused links, and read not through a link put there since. Only a regular file is read."""
        self.write(path, read_regular(source, follow=follow))

    def link_open(self, fd: int, path: str) -> None:
        """A large file that does not change (a facsimile picture), open at `fd` and checked
        through it: a hard link to that very file (Linux links an open file by its /proc name,
        so a link planted at its name meanwhile is not what is published), else a copy of it."""
        target = site_file(self.root, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.full and path in self.changed:
            raise OutputError(f"{path}: error: two outputs write the same file")
        target.unlink(missing_ok=True)
        try:
            os.link(f"/proc/self/fd/{fd}", target)  # follows the magic link to the open file itself
        except OSError:
            _copy_new(fd, target)
        self.wrote(path)

    def copy_open(self, fd: int, path: str) -> None:
        """A copy of the file open at `fd` (an editor's own picture: a link would publish
        their later edits, before any build), made by the kernel (a reflink where the file
        system shares blocks), never read into memory whole."""
        target = site_file(self.root, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.full and path in self.changed:
            raise OutputError(f"{path}: error: two outputs write the same file")
        target.unlink(missing_ok=True)
        _copy_new(fd, target)
        self.wrote(path)

    def wrote(self, path: str) -> None:
        """`path` was written into the stage (here, or by a worker process)."""
        self.changed.add(path)
        if not path.startswith(f"{SEARCH_FOLDER}/"):
            self.files.add(path)

    def remove(self, path: str) -> None:
        remove_from(self.root, path)
        self.changed.add(path)
        self.files.discard(path)


class Site:
    """The output folder and everything beside it that the tool keeps: the lock, the spare and
    the stages. `open()` takes the lock and clears a killed build's leftovers."""

    def __init__(self, out: Path):
        self.out = out.resolve()  # a link to a folder: the folder it names
        self.name = self.out.name
        self.lock_file: int | None = None
        self.known: dict[str, Marker] = {}  # markers read or written, by generation: parsed once

    def beside(self, suffix: str) -> Path:
        return self.out.parent / f".{self.name}.{suffix}"

    # ---- opening: ownership, lock, leftovers ------------------------------------------------

    def open(self) -> Site:
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"{self.out}: error: the output path is a file, not a folder")
        if self.out.exists() and not (self.out / MARKER).is_file() and any(self.out.iterdir()):
            raise OutputError(f"{self.out}: error: refusing to replace a folder not made by `edition build` "
                              f"(no {MARKER} file in it); choose an empty or new --out folder")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.lock_file = hold_lock(self.beside("lock"), self.out)
        try:
            self._check_beside()
            for kind in ("new-", "old-", "pagefind-"):  # a killed build's: under our lock, nobody's
                for leftover in self.out.parent.glob(f".{self.name}.{kind}*"):
                    self.discard(leftover)
        except BaseException:
            self.close()
            raise
        return self

    def _check_beside(self) -> None:
        """What the tool keeps beside the site (the spare, a killed build's stages) is a folder
        of its own: a link or a file at such a name is the editor's or planted, and is neither
        entered nor removed: the build stops and names it."""
        wrong = []
        for entry in os.scandir(self.out.parent):
            name = entry.name
            ours = name == f".{self.name}.spare" or any(name.startswith(f".{self.name}.{kind}")
                                                         for kind in ("new-", "old-", "pagefind-"))
            if ours and (entry.is_symlink() or not entry.is_dir(follow_symlinks=False)):
                wrong.append(f"{entry.path}: error: is {'a symbolic link' if entry.is_symlink() else 'not a folder'}, "
                             f"where `edition build` keeps a folder of its own: move it elsewhere")
        if wrong:
            raise OutputError("\n".join(wrong))

    def close(self) -> None:
        if self.lock_file is not None:
            os.close(self.lock_file)  # releases the lock
            self.lock_file = None

    def __enter__(self) -> Site:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def live(self) -> Marker | None:
        return self.marker(self.out)

    def marker(self, folder: Path) -> Marker | None:
        """A folder's marker, parsed once per generation (a copy: callers may change it)."""
        try:
            generation = _generation(folder / MARKER)
        except OSError:
            return None
        if generation not in self.known:
            marker = Marker.read(folder)
            if marker is None:
                return None
            self._remember(marker)
        known = self.known[generation]
        return Marker(set(known.files), known.behind, set(known.differs), known.generation)

    def _remember(self, marker: Marker) -> None:
        self.known = {k: v for k, v in list(self.known.items())[-2:]}  # the live site's and the spare's
        self.known[marker.generation] = marker

    def foreign_files(self) -> list[str]:
        """Files in the published folder that no build put there (the search index is all ours),
        and every symbolic link (a build writes none: one there would be published as it is)."""
        marker = self.live()
        if marker is None:
            return []
        found = []
        folders = [("", str(self.out))]
        while folders:
            prefix, folder = folders.pop()
            with os.scandir(folder) as entries:  # each entry's type without a system call per file
                for entry in entries:
                    path = prefix + entry.name
                    if entry.is_symlink():
                        found.append(path)
                    elif entry.is_dir(follow_symlinks=False):
                        if path != SEARCH_FOLDER:
                            folders.append((path + "/", entry.path))
                    elif path not in marker.files and path != MARKER:
                        found.append(path)
        return sorted(found)

    # ---- staging ------------------------------------------------------------------------------

    def stage(self, full: bool) -> Stage:
        """A stage: empty for a full build, else a copy of the live site (the spare brought up to
        date, or, when there is no usable spare, hard links to every file of the site)."""
        root = Path(tempfile.mkdtemp(prefix=f".{self.name}.new-", dir=self.out.parent))
        live = self.live()
        if full or live is None:
            return Stage(root, set(), full=True)
        spare = self.beside("spare")
        marker = self.marker(spare) if spare.is_dir() and not spare.is_symlink() else None
        if marker is not None and marker.behind == live.generation:
            os.rmdir(root)
            os.replace(spare, root)  # a killed build leaves it as a `new-` leftover: never trusted again
            for path in marker.differs:
                _sync(self.out, root, path)
        else:
            if spare.exists() or spare.is_symlink():
                self.discard(spare)
            link_tree(self.out, root)
        return Stage(root, set(live.files), full=False)

    def scratch(self) -> Path:
        """A new scratch folder beside the site (the indexer's), removed as a leftover if the
        build is killed."""
        return Path(tempfile.mkdtemp(prefix=f".{self.name}.pagefind-", dir=self.out.parent))

    def discard(self, folder: Path) -> None:
        """Delete a folder beside the site in the background (a replaced site, a failed stage):
        unlinking thousands of files would otherwise add a second to every build. Renamed
        first, so its name is free at once, and a later build removes it if this is cut short
        (a folder already doomed is removed again where it is: an earlier removal may still run)."""
        doomed = folder
        if not folder.name.startswith(f".{self.name}.old-"):
            doomed = Path(tempfile.mkdtemp(prefix=f".{self.name}.old-", dir=self.out.parent))
            try:
                os.replace(folder, doomed / "x")
            except FileNotFoundError:
                os.rmdir(doomed)
                return
        rm = shutil.which("rm")
        if rm is None:
            shutil.rmtree(doomed, ignore_errors=True)
            return
        subprocess.Popen([rm, "-rf", "--", str(doomed)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)

    def commit(self, stage: Stage) -> Marker:
        """Publish the stage: one atomic exchange with the live folder. The replaced folder
        becomes the spare, marked with how it differs from the new site."""
        marker = Marker(stage.files)
        _write_atomic(stage.root / MARKER, marker.dump())
        marker.generation = _generation(stage.root / MARKER)
        self._remember(marker)
        os.chmod(stage.root, 0o755)  # noqa: S103 - mkdtemp makes 0700; a web server needs to read it
        _sync_folder(stage.root)
        if not self.out.exists():
            os.replace(stage.root, self.out)
            _sync_folder(self.out.parent)
            return marker
        fault("commit")
        exchange(stage.root, self.out)
        _sync_folder(self.out.parent)
        fault("exchanged")
        old = stage.root  # now holds the replaced site
        if stage.full:
            self.discard(old)
            return marker
        replaced = self.marker(old) or Marker(set())
        replaced.behind, replaced.differs = marker.generation, stage.changed | {MARKER}
        _write_atomic(old / MARKER, replaced.dump())
        replaced.generation = _generation(old / MARKER)
        self._remember(replaced)
        os.replace(old, self.beside("spare"))
        return marker


# ---- files ----------------------------------------------------------------------------------

def site_file(root: Path, path: str) -> Path:
    """The file of a site folder that site path `path` names: never outside `root`. Site paths
    are plain relative posix paths; anything else is refused, without touching disk."""
    # checked as text: a path object per file took 14 µs, this 5 (a large site has 10,000 files);
    # an empty, "." or ".." part is refused, as are a leading slash and a backslash
    if not path or path[0] == "/" or "\\" in path or any(p in ("..", ".", "") for p in path.split("/")):
        raise OutputError(f"{path}: error: output path leaves the site folder")
    return root / path


Content = str | bytes | list[bytes] | Path  # a list: the file's pieces, in order


def write_into(root: Path, path: str, content: Content) -> None:
    """Write one file of a stage (also from worker processes); `content` a Path: a copy of that
    file (a chapter's picture; only a regular file is read). A new file every time, never an
    existing one rewritten: a stage shares its files with the live site through hard links."""
    target = site_file(root, path)
    if isinstance(content, Path):
        content = read_regular(content, limit=64 * 2**20)
    data = [content.encode("utf-8")] if isinstance(content, str) else [content] if isinstance(content, bytes) else content
    try:
        _write_new(target, data)
    except FileNotFoundError:  # first file of its folder: cheaper than a mkdir per file
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_new(target, data)
    except FileExistsError:
        target.unlink()
        _write_new(target, data)


def remove_from(root: Path, path: str) -> None:
    """Remove a file or folder of a stage, and the folders it leaves empty."""
    target = site_file(root, path)
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    parent = target.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _write_new(target: Path, data: bytes | list[bytes]) -> None:
    """A whole file in one system call: a large build writes ten thousand small files, and a
    buffered file object per file cost a quarter of the writing time (measured). `data` in
    pieces: written as they are (gathered by the kernel, never joined here)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        views = [memoryview(piece) for piece in ([data] if isinstance(data, bytes) else data) if piece]
        first = 0
        while first < len(views):
            written = os.writev(fd, views[first:first + 1024])  # at most IOV_MAX pieces a call
            while written and written >= len(views[first]):
                written -= len(views[first])
                first += 1
            if written:
                views[first] = views[first][written:]
    finally:
        os.close(fd)


def _copy_new(source: int, target: Path) -> None:
    """A new file `target` with the bytes of the file open at `source` (from its start)."""
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        offset = 0
        try:
            while copied := os.copy_file_range(source, out, 1 << 30, offset, offset):
                offset += copied
        except OSError:  # a system or file system without it: the rest read and written here
            pass
        while chunk := os.pread(source, 1 << 20, offset):
            done = 0
            while done < len(chunk):
                done += os.pwrite(out, memoryview(chunk)[done:], offset + done)
            offset += len(chunk)
    finally:
        os.close(out)


def _write_atomic(target: Path, text: str) -> None:
    temp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    _write_new(temp, text.encode("utf-8"))
    os.replace(temp, target)


def _sync(live: Path, stage: Path, path: str) -> None:
    """Make `path` in the stage what it is in the live site (hard links, no copying)."""
    remove_from(stage, path)
    source, target = site_file(live, path), site_file(stage, path)
    if source.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        link_tree(source, target)
    elif source.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target, follow_symlinks=False)


def link_tree(source: Path, target: Path) -> None:
    """`target` (a new or empty folder) gets hard links to every file under `source`."""
    for folder, _, files in os.walk(source):
        destination = Path(target, os.path.relpath(folder, source))
        destination.mkdir(exist_ok=True)
        for name in files:
            os.link(os.path.join(folder, name), destination / name, follow_symlinks=False)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk, so a crash after the commit keeps the commit."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every file system can
    finally:
        os.close(fd)


# ---- the atomic exchange --------------------------------------------------------------------

def exchange(a: Path, b: Path) -> None:
    """Swap two folders in one step: neither name is ever missing. Linux (3.15+) and macOS
    have a system call for it; elsewhere two renames leave a moment without `b` (documented)."""
    if _exchange_call(a, b):
        return
    aside = a.with_name(a.name + ".swap")
    os.replace(b, aside)
    os.replace(a, b)
    os.replace(aside, a)


def _exchange_call(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        rename_swap = 2
        result = libc.renamex_np(os.fsencode(a), os.fsencode(b), rename_swap)
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # the kernel or the file system cannot: fall back
    raise OSError(code, f"cannot exchange {a} and {b}: {os.strerror(code)}")


# ---- one build at a time --------------------------------------------------------------------

def hold_lock(path: Path, out: Path) -> int | None:
    """Hold an exclusive lock on `path` (released when the process ends, however it ends). A
    link or anything but a file there is refused, never opened (files.lock)."""
    folder = Folder(path.parent)
    try:
        held = lock(folder, path.name)
        if held is None:
            raise OutputError(f"{out}: error: another `edition` process (pid {lock_holder(folder, path.name)}) is "
                              "building into this folder; try again when it has finished")
    except Refused as exc:
        raise OutputError(f"{exc.path}: error: {exc.reason}: the lock beside the site is a file of the "
                          "build's own; move it elsewhere") from None
    finally:
        folder.close()
    return None if held < 0 else held


def fault(point: str) -> None:
    """For the fault-injection tests: `EDITION_FAULT=point` kills the build right here with
    SIGKILL, as a power cut or the OOM killer would (no clean-up code runs)."""
    if os.environ.get("EDITION_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


# ---- helpers die with the build -------------------------------------------------------------

def die_with_parent(parent: int | None) -> None:
    """Have the kernel kill this process when its parent ends (Linux), so a build killed with
    SIGKILL leaves no worker or indexer running. Call it in the child, first thing; `parent`:
    the pid it must have (None: not known, as for a worker forked by a fork server)."""
    if sys.platform.startswith("linux"):
        try:
            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if parent is not None and os.getppid() != parent:  # it died before the request took effect
        os._exit(1)
