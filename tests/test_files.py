"""The one module that reaches the editor's files and the tool's own beside them: planted links,
FIFOs, devices and hostile names are refused, never followed (generator/files.py)."""
from __future__ import annotations

import os
import threading

import pytest

from generator.files import Folder, Refused, lock, read_regular, safe_name, write_text_atomic


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/../../x", "a//b", "./a", "a\\b", "a\nb", "a\x00b", "", "a/",
                                  "\u202ex"])
def test_hostile_names_are_refused(name):
    with pytest.raises(Refused):
        safe_name(name)


def test_plain_names_pass():
    assert str(safe_name("review/buch.report.md")) == "review/buch.report.md"
    assert str(safe_name("001-kapitel.md")) == "001-kapitel.md"


def test_a_link_where_a_file_is_written_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "bashrc"
    target.write_text("echo hello\n")
    root = tmp_path / "content"
    root.mkdir()
    (root / ".x.tmp").symlink_to(target)
    (root / "chapter.md").symlink_to(target)
    with Folder(root) as folder:
        with pytest.raises(Refused, match="symbolic link"):
            folder.replace("chapter.md", b"text", scratch=folder)
        with pytest.raises(Refused, match="exists"):
            folder.write_new(".x.tmp", b"text")
    assert target.read_text() == "echo hello\n"
    with pytest.raises(Refused):
        write_text_atomic(root / "chapter.md", "text")
    assert target.read_text() == "echo hello\n"


def test_a_link_on_the_way_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "content"
    root.mkdir()
    (root / "review").symlink_to(outside)
    with Folder(root) as folder:
        with pytest.raises(Refused, match="review"):
            folder.sub("review", create=True)
        with pytest.raises(Refused):
            folder.write_new("review/a.md", b"x")
        with pytest.raises(Refused):
            folder.read("review/a.md")
    assert list(outside.iterdir()) == []


def test_fifo_and_device_are_not_read(tmp_path):
    os.mkfifo(tmp_path / "book.pdf")
    (tmp_path / "zero").symlink_to("/dev/zero")
    with Folder(tmp_path) as folder:
        with pytest.raises(Refused, match="FIFO"):
            folder.read("book.pdf")
        with pytest.raises(Refused, match="link"):
            folder.read("zero")
    with pytest.raises(Refused, match="FIFO"):
        read_regular(tmp_path / "book.pdf")
    with pytest.raises(Refused, match="device"):
        read_regular(tmp_path / "zero")          # a link the user named is followed, but to a device: no
    with pytest.raises(Refused, match="link"):
        read_regular(tmp_path / "zero", follow=False)


def test_replace_is_whole_and_keeps_no_temporary(tmp_path):
    with Folder(tmp_path) as folder, folder.sub(".edition-ingest", create=True) as scratch:
        folder.replace("review/a.md", b"one", scratch)
        folder.replace("review/a.md", b"two", scratch)
        assert folder.read("review/a.md") == b"two"
        assert scratch.names() == []
    assert (tmp_path / "review" / "a.md").stat().st_mode & 0o777 == 0o644


def test_lock_refuses_a_planted_link_and_is_exclusive(tmp_path):
    victim = tmp_path / "notes.txt"
    victim.write_text("mine")
    (tmp_path / "a.lock").symlink_to(victim)
    with Folder(tmp_path) as folder:
        with pytest.raises(Refused, match="link"):
            lock(folder, "a.lock")
        assert victim.read_text() == "mine"
        fd = lock(folder, "b.lock")
        assert fd is not None
        other: list = []
        thread = threading.Thread(target=lambda: other.append(lock(Folder(tmp_path), "b.lock")))
        thread.start()
        thread.join()
        assert other == [None]   # flock is per open file: a second open of it is refused
        os.close(fd)
