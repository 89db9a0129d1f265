"""The editor's files, and every file the tool keeps beside them: reached without following a
link, read only if regular, written whole or not at all, never over a file of someone else's.

Every folder the tool writes into or reads from (the content folder, `review/`, the caches and
the lock beside `site/`) may hold files planted there: a symbolic link at a temporary name would
make a plain `open(path, "w")` write through it, a FIFO named like a source would make `read()`
wait forever, `/dev/zero` would fill the memory. So a `Folder` is opened once (the folder the
user named may itself be a link: it is resolved once, there) and everything below it is reached
by file descriptor, each step with `O_NOFOLLOW`: a link anywhere below is refused with a message
naming it, and a check cannot be raced by swapping a folder for a link after it.

Names that come from files (a manifest, a config) are checked by `safe_name` before they are
joined: relative, forward slashes, no `..`, no control characters.
"""
from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from pathlib import Path, PurePosixPath
from types import TracebackType

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
READ_LIMIT = 256 * 2**20


class Refused(OSError):
    """A path the tool will not read or write: a link, a FIFO, a device, a folder where a file
    belongs, a name that leaves its folder. `str()` is `path: reason`, ready for a diagnostic."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(0, reason)
        self.path, self.reason = str(path), reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class Missing(Refused):
    """No such folder (where one was to be opened, not made)."""


def safe_name(name: str) -> PurePosixPath:
    """A relative name read from a file (a manifest's chapter, a config's `pdf`), as a path
    below its folder; refused if it could leave it or is no plain name."""
    if not isinstance(name, str) or not name:
        raise Refused(repr(name), "not a file name")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in name) or "\\" in name:
        raise Refused(repr(name), "a file name with control characters or a backslash")
    path = PurePosixPath(name)
    if name.startswith("/") or any(part in ("..", ".", "") for part in name.split("/")):
        raise Refused(name, "a name that leaves its folder (absolute, or with '..')")
    return path


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode):
        return "a file"
    return "not a regular file"


class Folder:
    """A folder held open by descriptor; names below it never follow a link.

    `Folder(path)` opens `path` (following links there: the folder the user named), or creates
    it with `create=True`. `sub("review", create=True)` opens or makes a folder below it. All
    other methods take a name of one or more parts below the folder (posix form)."""

    def __init__(self, path: Path, create: bool = False, fd: int | None = None):
        self.path = Path(path)
        if fd is not None:
            self.fd = fd
            return
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
        try:
            self.fd = os.open(self.path, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        except NotADirectoryError:
            raise Refused(self.path, "not a folder") from None
        except FileNotFoundError:
            raise Missing(self.path, "no such folder") from None

    # ---- life ----

    def close(self) -> None:
        if getattr(self, "fd", -1) >= 0:   # (a folder that failed to open has none)
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except OSError:
            pass

    # ---- walking ----

    def _parent(self, name: str, create: bool = False) -> tuple[Folder, str]:
        """The folder holding `name` (itself, or one below reached without links) and its last part."""
        parts = safe_name(name).parts
        if len(parts) == 1:
            return self, parts[0]
        return self.sub("/".join(parts[:-1]), create=create), parts[-1]

    def sub(self, name: str, create: bool = False) -> Folder:
        """The folder `name` below this one; each step opened without following a link."""
        fd = os.dup(self.fd)
        path = self.path
        try:
            for part in safe_name(name).parts:
                path = path / part
                try:
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise Missing(path, "no such folder") from None
                    try:
                        os.mkdir(part, 0o755, dir_fd=fd)
                    except FileExistsError:
                        pass  # made meanwhile by another process: opened (and checked) below
                    child = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                        info = os.stat(part, dir_fd=fd, follow_symlinks=False)
                        raise Refused(path, f"is {_kind(info.st_mode)}, not a folder: refused") from None
                    raise
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return Folder(path, fd=fd)

    def kind(self, name: str) -> str | None:
        """"file", "folder", "link", "other", or None where nothing is (links not followed)."""
        try:
            parent, last = self._parent(name)
        except Missing:
            return None
        try:
            info = os.stat(last, dir_fd=parent.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        finally:
            if parent is not self:
                parent.close()
        if stat.S_ISREG(info.st_mode):
            return "file"
        if stat.S_ISDIR(info.st_mode):
            return "folder"
        return "link" if stat.S_ISLNK(info.st_mode) else "other"

    def describe(self, name: str) -> str:
        """What is at `name`, for a message: "a symbolic link", "a FIFO", "a folder" … (links not followed)."""
        parent, last = self._parent(name)
        try:
            return _kind(os.stat(last, dir_fd=parent.fd, follow_symlinks=False).st_mode)
        finally:
            if parent is not self:
                parent.close()

    def exists(self, name: str) -> bool:
        return self.kind(name) is not None

    def stat(self, name: str) -> os.stat_result | None:
        """The entry `name` itself (a link is not followed), or None where nothing is."""
        parent, last = self._parent(name)
        try:
            return os.stat(last, dir_fd=parent.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        finally:
            if parent is not self:
                parent.close()

    def open_file(self, name: str) -> int:
        """A descriptor for reading the regular file `name` (the caller closes it); a link,
        FIFO, device or folder there is refused. What is checked through it is what is read."""
        parent, last = self._parent(name)
        try:
            try:
                fd = os.open(last, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=parent.fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.EMLINK):
                    raise Refused(self.path / name, "is a symbolic link: refused") from None
                raise
        finally:
            if parent is not self:
                parent.close()
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise Refused(self.path / name, f"is {_kind(mode)}: only regular files are read")
        return fd

    def names(self) -> list[str]:
        """The entries of this folder (no `.`/`..`), sorted."""
        return sorted(os.listdir(self.fd))

    # ---- reading ----

    def read(self, name: str, limit: int = READ_LIMIT) -> bytes:
        """A regular file's bytes; a link, FIFO, device or folder there is refused, as is a
        file larger than `limit` (`/dev/zero` behind a link never reaches this)."""
        return _read_fd(self.open_file(name), self.path / name, limit)

    def digest_of(self, name: str, limit: int = READ_LIMIT) -> str | None:
        """The sha256 of a regular file, or None where there is none (anything else is refused)."""
        import hashlib  # noqa: PLC0415

        if self.kind(name) is None:
            return None
        return hashlib.sha256(self.read(name, limit)).hexdigest()

    # ---- writing ----

    def check_writable(self, name: str) -> None:
        """May `name` be written (created, or replaced as a regular file)? A link, a folder, a
        FIFO there, or a link on the way, is refused before anything is written."""
        try:
            parent, last = self._parent(name)
        except Missing:
            return  # a folder on the way is not there yet: nothing can be planted in it
        try:
            try:
                info = os.stat(last, dir_fd=parent.fd, follow_symlinks=False)
            except FileNotFoundError:
                return
            if not stat.S_ISREG(info.st_mode):
                raise Refused(self.path / name, f"is {_kind(info.st_mode)}: refused (a file is written there)")
        finally:
            if parent is not self:
                parent.close()

    def write_new(self, name: str, data: bytes, mode: int = 0o644) -> None:
        """Create `name` with `data`; an existing entry of any kind there (a planted link) is an
        error, never written through. Folders on the way are made."""
        parent, last = self._parent(name, create=True)
        try:
            try:
                fd = os.open(last, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode, dir_fd=parent.fd)
            except FileExistsError:
                raise Refused(self.path / name, "exists already: not replaced") from None
            try:
                _write_fd(fd, data)
                os.fsync(fd)
            except BaseException:
                os.close(fd)
                os.unlink(last, dir_fd=parent.fd)
                raise
            os.close(fd)
        finally:
            if parent is not self:
                parent.close()

    def replace(self, name: str, data: bytes, scratch: Folder, mode: int = 0o644) -> None:
        """Put `data` at `name` in one rename: written whole in `scratch` (a folder of the
        tool's own on the same file system) first, so a killed run leaves the old file or the
        new, never half. What is at `name` must be a regular file or nothing."""
        self.check_writable(name)
        temp = f"{os.getpid()}-{os.urandom(6).hex()}.tmp"
        scratch.write_new(temp, data, mode)
        parent, last = self._parent(name, create=True)
        try:
            self.check_writable(name)  # again: a link planted meanwhile is refused, not replaced unseen
            os.replace(temp, last, src_dir_fd=scratch.fd, dst_dir_fd=parent.fd)
            _sync(parent.fd)
        except BaseException:
            try:
                os.unlink(temp, dir_fd=scratch.fd)
            except OSError:
                pass
            raise
        finally:
            if parent is not self:
                parent.close()

    def move_in(self, scratch: Folder, temp: str, name: str) -> None:
        """Rename `temp` (a file the tool wrote in `scratch`) to `name` here."""
        self.check_writable(name)
        parent, last = self._parent(name, create=True)
        try:
            os.replace(temp, last, src_dir_fd=scratch.fd, dst_dir_fd=parent.fd)
            _sync(parent.fd)
        finally:
            if parent is not self:
                parent.close()

    def move_in_new(self, scratch: Folder, temp: str, name: str) -> None:
        """Give `temp` (a file the tool wrote in `scratch`) the name `name` here, which must be
        free: made by a hard link, which never replaces anything (a file or a link planted there
        meanwhile is an error, not overwritten), then the scratch name removed. Where the file
        system has no hard links, the name is checked and the file renamed."""
        parent, last = self._parent(name, create=True)
        try:
            try:
                os.link(temp, last, src_dir_fd=scratch.fd, dst_dir_fd=parent.fd, follow_symlinks=False)
            except FileExistsError:
                raise Refused(self.path / name, "exists already: not replaced") from None
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
                    raise
                if self.kind(name) is not None:
                    raise Refused(self.path / name, "exists already: not replaced") from None
                os.replace(temp, last, src_dir_fd=scratch.fd, dst_dir_fd=parent.fd)
            else:
                os.unlink(temp, dir_fd=scratch.fd)
            _sync(parent.fd)
        finally:
            if parent is not self:
                parent.close()

    def remove_tree(self, name: str) -> None:
        """Remove the folder `name` here with all it holds, no link followed (a link there, or
        in it, is removed itself); absent is fine."""
        import shutil  # noqa: PLC0415

        kind = self.kind(name)
        if kind is None:
            return
        if kind != "folder":
            self.remove(name)
            return
        parent, last = self._parent(name)
        try:
            shutil.rmtree(last, dir_fd=parent.fd)
        finally:
            if parent is not self:
                parent.close()

    def remove_folder(self, name: str) -> None:
        """Remove the empty folder `name` (a link there is refused, never followed)."""
        parent, last = self._parent(name)
        try:
            info = os.stat(last, dir_fd=parent.fd, follow_symlinks=False)
            if not stat.S_ISDIR(info.st_mode):
                raise Refused(self.path / name, f"is {_kind(info.st_mode)}, not a folder: not removed")
            os.rmdir(last, dir_fd=parent.fd)
        finally:
            if parent is not self:
                parent.close()

    def remove(self, name: str) -> None:
        """Remove a regular file or a link (never what a link points to); absent is fine."""
        parent, last = self._parent(name)
        try:
            try:
                info = os.stat(last, dir_fd=parent.fd, follow_symlinks=False)
            except FileNotFoundError:
                return
            if stat.S_ISDIR(info.st_mode):
                raise Refused(self.path / name, "is a folder: not removed")
            os.unlink(last, dir_fd=parent.fd)
        finally:
            if parent is not self:
                parent.close()


def _read_fd(fd: int, path: Path | str, limit: int) -> bytes:
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(path, f"is {_kind(info.st_mode)}: only regular files are read")
        if info.st_size > limit:
            raise Refused(path, f"larger than {limit // 2**20} MB: refused")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size) or 1):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while read
                raise Refused(path, f"larger than {limit // 2**20} MB: refused")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_open(fd: int, path: Path | str, limit: int = READ_LIMIT) -> bytes:
    """The bytes of the regular file open at `fd` (from `Folder.open_file`), which it closes."""
    return _read_fd(fd, path, limit)


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _sync(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every file system can sync a folder


def read_regular(path: Path, limit: int = READ_LIMIT, follow: bool = True) -> bytes:
    """A regular file's bytes; a FIFO, a device or a file of more than `limit` bytes is refused
    (reading `/dev/zero` or a pipe nobody writes to would never end). `follow=False`: a link at
    `path` itself is refused too (a file inside a folder the tool keeps)."""
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow and exc.errno in (errno.ELOOP, errno.EMLINK):
            raise Refused(path, "is a symbolic link: refused") from None
        raise
    return _read_fd(fd, path, limit)


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first `size` bytes of a regular file the user named (a link to one is followed):
    enough to tell what the file is by its content. A FIFO or a device is refused unread."""
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC)
    except IsADirectoryError:
        raise Refused(path, "is a folder, not a file") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(path, f"is {_kind(info.st_mode)}: only regular files are read")
        return os.pread(fd, size, 0)
    finally:
        os.close(fd)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")   # reorder what a terminal shows
# every character `shown` escapes: Unicode's Cc (C0, DEL, C1), Cs (surrogates), Zl, Zp, and _BIDI
_SHOWN_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(text: str | Path) -> str:
    """A name as a message or a report shows it: a line break, a control character or a byte
    that is not UTF-8 (Python keeps those as lone surrogates) written as an escape (`\\n`,
    `\\x1b`, `\\xff`), so no name can start a line of its own or garble a terminal."""
    text = str(text)
    if not _SHOWN_ESCAPED.search(text):   # most texts have nothing to escape: looked for in C
        return text
    out: list[str] = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:          # an undecodable byte, kept by surrogateescape
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in _BIDI:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def inside(root: Path, path: Path) -> PurePosixPath | None:
    """`path`'s name below `root` when it lies there, links resolved; else None."""
    try:
        return PurePosixPath(Path(path).resolve().relative_to(Path(root).resolve()).as_posix())
    except (ValueError, OSError):
        return None


def lock(folder: Folder, name: str, wait: bool = False) -> int | None:
    """Hold an exclusive lock on the file `name` in `folder` (released when the process ends,
    however it ends); None if another process holds it (with `wait`: once it has let go). The
    file is created if absent; a link or anything but a regular file there is refused, never
    opened (a planted link to a file of the editor's would otherwise be truncated). The
    holder's pid is written into it."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:
        return -1  # Windows: no lock (documented)
    parent, last = folder._parent(name, create=True)
    try:
        try:
            fd = os.open(last, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC, 0o644, dir_fd=parent.fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK):
                raise Refused(folder.path / name, "is a symbolic link: refused (the lock file)") from None
            raise
    finally:
        if parent is not folder:
            parent.close()
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
        os.close(fd)
        reason = "has other names (hard links)" if stat.S_ISREG(info.st_mode) else f"is {_kind(info.st_mode)}"
        raise Refused(folder.path / name, f"{reason}: refused (the lock file)")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:  # Ctrl+C while waiting
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def lock_holder(folder: Folder, name: str) -> str:
    """The pid written into a lock file, for the message that names who holds it."""
    try:
        return folder.read(name, limit=64).decode("ascii", "replace").strip() or "?"
    except OSError:
        return "?"


def write_text_atomic(path: Path, text: str) -> None:
    """A file the editor keeps (a chapter ingest wrote, a report): written beside it, then put
    in its place in one rename, so a killed run leaves the old file or the new, never half.
    A link or a non-regular file at `path`, or at the temporary name, is refused."""
    folder = Folder(path.parent, create=True)
    try:
        folder.replace(path.name, text.encode("utf-8"), scratch=folder)
    finally:
        folder.close()
