"""Ingest never harms the editor's files (issue 22): planted links, a tampered manifest, FIFOs and
devices, SIGKILL at each file of a first ingest and of a re-ingest, a full disk, two ingests at
once, hostile names and metadata. Real files, real processes; after each attack `edition ingest`
then `edition build` works, or the folder is as it was.

A small book (three chapters, six pages, a note each) is typeset by Typst once per module, and a
"new printing" of it with other words; most attacks use it, a few a page of text.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import books
import pytest
from conftest import EPOCH, ROOT, run_cli, write_pdf

PROSE = (books.BANKS / "prose-tuning.txt").read_text(encoding="utf-8").split("\n")
SECRET = "echo 'the editor's own file'\n"


def typst_book(folder: Path, name: str, changed: str = "") -> Path:
    """Three chapters on six A6 pages, a running head with the folio, a note in each chapter."""
    import typst

    def chapter(title: str, k: int) -> str:
        first, second = " ".join(PROSE[k:k + 6]), " ".join(PROSE[k + 6:k + 12])
        return f"= {title}\n\n{first}#footnote[Vgl. dazu die Anmerkung {k}.]\n\n{second} {changed if k else ''}\n\n"
    source = ('#let opening() = query(heading.where(level: 1)).any(h => h.location().page() == here().page())\n'
              '#set page(paper: "a6", margin: (top: 22mm), numbering: "1", footer: none, header: context {\n'
              '  if not opening() { [Probe #h(1fr) #counter(page).display()] } })\n'
              '#show heading.where(level: 1): it => { pagebreak(weak: true); text(size: 16pt, it.body) }\n'
              '#set document(title: "Ein kleines Buch", author: "Beispiel, Hanna")\n'
              '#set text(lang: "de")\n#set par(justify: true)\n'
              + chapter("Erstes Kapitel", 0) + chapter("Zweites Kapitel", 12) + chapter("Drittes Kapitel", 24))
    (folder / f"{name}.typ").write_text(source, encoding="utf-8")
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(typst.compile(str(folder / f"{name}.typ")))
    return pdf


def ingest(*args: object, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli("ingest", *map(str, args), env=env)


def start(*args: object, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})})


def tree(folder: Path) -> dict[str, object]:
    """Everything in a folder but the tool's own `.edition-ingest/`: files by content, links by
    target, FIFOs and folders by kind."""
    out: dict[str, object] = {}
    if not folder.exists():
        return out
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative.split("/")[0] == ".edition-ingest":
            continue
        if path.is_symlink():
            out[relative] = ("link", os.readlink(path))
        elif path.is_fifo():
            out[relative] = "fifo"
        elif path.is_dir():
            out[relative] = "folder"
        else:
            out[relative] = path.read_bytes()
    return out


def stages(folder: Path) -> list[str]:
    own = folder / ".edition-ingest"
    return sorted(p.name for p in own.iterdir() if p.name.startswith("stage-")) if own.is_dir() else []


def shown(path: Path | str) -> str:
    """A name as messages must show it: a line break, a control character, a byte that is not
    UTF-8 escaped (written here again, apart from the code under test)."""
    def one(char: str) -> str:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            return f"\\x{code - 0xDC00:02x}"
        if char in "\n\r\t":
            return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[char]
        return f"\\x{code:02x}" if code < 32 or 127 <= code < 160 else char
    return "".join(one(c) for c in str(path))


def refused(result: subprocess.CompletedProcess, path: Path, *words: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert f"{shown(path)}: error: " in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The book, its new printing, and the folder a clean first ingest (then a re-ingest of the
    new printing with chapter 1 edited by hand) makes: what every attack is measured against."""
    folder = tmp_path_factory.mktemp("safety")
    (folder / "new").mkdir()
    pdf = typst_book(folder, "buch")
    printing = typst_book(folder / "new", "buch", changed="Ein neuer Satz der zweiten Auflage.")   # a new printing
    first = folder / "first"
    result = ingest(pdf, "--into", first)
    assert result.returncode == 0, result.stderr
    again = folder / "again-before"
    shutil.copytree(first, again, symlinks=True)
    edited = again / "001-erstes-kapitel.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nVom Herausgeber ergänzt.\n", encoding="utf-8")
    after = folder / "again-after"
    shutil.copytree(again, after, symlinks=True)
    reingested = ingest(printing, "--into", after)
    assert reingested.returncode == 0, reingested.stderr
    return {"pdf": pdf, "printing": printing, "first": first, "again": again, "after": after, "site": folder / "site",
            "folder": folder}


def copy_of(book: dict, which: str, tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(book[which], content, symlinks=True)
    return content


def builds(book: dict, content: Path) -> None:
    """`edition build` of the folder works (one site folder for the module: the facsimile's
    pages are drawn once)."""
    result = run_cli("build", "--content", str(content), "--out", str(book["site"]), "--no-search")
    assert result.returncode == 0, result.stderr


def accepted(content: Path) -> None:
    """What the build reads of the folder, it accepts (`edition check`: the build's load and
    checks, without drawing the facsimile again)."""
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0, result.stderr


def same_as(content: Path, expected: Path) -> None:
    got, want = tree(content), tree(expected)
    assert sorted(got) == sorted(want)
    for name in want:
        if name.endswith(".report.json"):
            continue   # names the decisions file, if there was one when it was written
        if name == "review/ingest.json":
            mine, theirs = json.loads(got[name]), json.loads(want[name])
            for manifest in (mine, theirs):
                del manifest["files"]["review/buch.report.json"]
            assert mine == theirs
            continue
        assert got[name] == want[name], name


# ---- planted links ----

CHAPTER = "001-erstes-kapitel.md"
WRITTEN = [CHAPTER, "buch.pdf", "edition.toml", "decisions.toml", "review/buch.report.md", "review/buch.report.json",
           "review/buch.lines.json", "review/ingest.json"]


PLANTED = [(name, "first ingest") for name in [*WRITTEN, "review", ".edition-ingest", ".edition-ingest/lock"]]
PLANTED += [(name, "re-ingest") for name in [CHAPTER, "buch.pdf", "review/buch.lines.json", "review/ingest.json"]]


@pytest.mark.parametrize("name, when", PLANTED)
def test_a_link_where_ingest_writes_is_refused_and_named(book, tmp_path, name, when):
    victim = tmp_path / "victim"
    victim.write_text(SECRET)
    outside = tmp_path / "outside"
    outside.mkdir()
    content = copy_of(book, "first", tmp_path) if when == "re-ingest" else tmp_path / "content"
    content.mkdir(exist_ok=True)
    planted = content / name
    planted.parent.mkdir(parents=True, exist_ok=True)
    if planted.exists() and planted.is_dir() and not planted.is_symlink():
        shutil.rmtree(planted)
    elif planted.exists() or planted.is_symlink():
        planted.unlink()
    planted.symlink_to(outside if name in ("review", ".edition-ingest") else victim)
    before = tree(content)
    refused(ingest(book["pdf"], "--into", content), planted, "symbolic link")
    assert victim.read_text() == SECRET and list(outside.iterdir()) == []
    assert tree(content) == before


def test_links_at_temporary_names_of_old_are_never_written_through(book, tmp_path):
    """The fixed names ingest once wrote through (`.book.pdf.part`, `.NNN-chapter.md.tmp`): a link
    planted there is not followed; ingest stages in its own folder and works."""
    victim = tmp_path / "victim"
    victim.write_text(SECRET)
    content = tmp_path / "content"
    (content / "review").mkdir(parents=True)
    for name in (".buch.pdf.part", f".{CHAPTER}.tmp", ".edition.toml.tmp", ".decisions.toml.tmp",
                 "review/.buch.report.md.tmp", "review/.buch.lines.json.tmp", "review/.ingest.json.tmp"):
        (content / name).symlink_to(victim)
    result = ingest(book["pdf"], "--into", content)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == SECRET
    assert (content / CHAPTER).read_bytes() == (book["first"] / CHAPTER).read_bytes()


# ---- a tampered manifest ----

def _tamper(manifest: dict, how: str, content: Path) -> dict:
    if how == "a chapter outside":
        manifest["chapters"]["Erstes Kapitel"] = "../outside.md"
    elif how == "decisions.toml with its hash":
        digest = hashlib.sha256((content / "decisions.toml").read_bytes()).hexdigest()
        manifest["chapters"]["Erstes Kapitel"] = "decisions.toml"
        manifest["files"]["decisions.toml"] = digest
    elif how == "an absolute path":
        manifest["files"]["/etc/passwd"] = "0" * 64
    elif how == "a review file as a chapter":
        manifest["chapters"]["Erstes Kapitel"] = "review/buch.report.md"
    elif how == "a journal entry outside":
        manifest["commit"] = {"../../outside.md": {"old": None, "new": "0" * 64}}
    return manifest


@pytest.mark.parametrize("how", ["a chapter outside", "decisions.toml with its hash", "an absolute path",
                                 "a review file as a chapter", "a journal entry outside", "broken"])
def test_a_tampered_manifest_names_nothing_ingest_writes(book, tmp_path, how):
    content = copy_of(book, "first", tmp_path)
    manifest = content / "review" / "ingest.json"
    if how == "broken":
        manifest.write_text("{ not json")
    else:
        manifest.write_text(json.dumps(_tamper(json.loads(manifest.read_text()), how, content)))
    before = tree(content)
    refused(ingest(book["printing"], "--into", content), manifest)
    assert tree(content) == before and not (tmp_path / "outside.md").exists()
    if how == "broken":   # the way out the message gives: delete it, ingest with --force
        manifest.unlink()
        assert ingest(book["printing"], "--into", content, "--force").returncode == 0
        accepted(content)


# ---- FIFOs and devices ----

@pytest.mark.parametrize("command", ["ingest", "clean"])
@pytest.mark.parametrize("kind", ["FIFO", "/dev/zero"])
def test_an_input_that_is_no_regular_file_is_refused_unread(tmp_path, command, kind):
    source = tmp_path / "book.pdf"
    if kind == "FIFO":
        os.mkfifo(source)
    else:
        source.symlink_to("/dev/zero")
    args = ["--into", str(tmp_path / "content")] if command == "ingest" else []
    result = run_cli(command, str(source), *args)   # a hang fails the test (run_cli's timeout)
    refused(result, source, "FIFO" if kind == "FIFO" else "device")
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("name", [CHAPTER, "buch.pdf", "review/buch.report.md"])
@pytest.mark.parametrize("kind", ["FIFO", "/dev/zero"])
def test_a_file_compared_on_re_ingest_that_is_no_regular_file_is_refused(book, tmp_path, name, kind):
    content = copy_of(book, "first", tmp_path)
    (content / name).unlink()
    if kind == "FIFO":
        os.mkfifo(content / name)
    else:
        (content / name).symlink_to("/dev/zero")
    before = tree(content)
    started = time.monotonic()
    refused(ingest(book["printing"], "--into", content), content / name, "FIFO" if kind == "FIFO" else "symbolic link")
    assert time.monotonic() - started < 60
    assert tree(content) == before


# ---- SIGKILL at each file ----

def _points(files: int) -> list[str]:
    return ["ingest-locked", "ingest-staged", "ingest-commit", *(f"ingest-file-{k}" for k in range(1, files + 1)),
            "ingest-committed"]


def _kill_and_finish(book: dict, base: str | None, pdf: Path, expected: Path, work: Path, point: str) -> None:
    content = work / "content"
    if base:
        shutil.copytree(book[base], content, symlinks=True)
    before = tree(content)
    killed = ingest(pdf, "--into", content, env={"EDITION_FAULT": point})
    assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
    now, new = tree(content), tree(expected)
    for name, value in now.items():   # every file old or new, nothing else
        if name in ("review/ingest.json", "review") or name.endswith(".report.json"):   # (see same_as)
            continue
        assert value in (before.get(name), new.get(name)), (point, name)
    manifest = content / "review" / "ingest.json"
    if manifest.exists():
        recorded = json.loads(manifest.read_text())
        journal = recorded.get("commit", {})
        # the journal is updated with each file: of the files it still lists, only the one
        # renamed just before the kill can be new; each new file it no longer lists is recorded
        assert sum(now.get(name) == new.get(name) != before.get(name) for name in journal) <= 1, point
        for name, value in recorded["files"].items():
            if name not in journal and isinstance(now.get(name), bytes) and now[name] != before.get(name):
                assert hashlib.sha256(now[name]).hexdigest() == value, (point, name)
        for name, entry in journal.items():   # the journal names each file still to come, with both hashes
            assert name in new, (point, name)
            if not name.endswith(".report.json"):   # (that one names the decisions file of its folder)
                assert entry["new"] == hashlib.sha256(new[name]).hexdigest(), (point, name)
            assert entry["old"] == (hashlib.sha256(before[name]).hexdigest() if name in before else None), (point, name)
    again = ingest(pdf, "--into", content)
    assert again.returncode == 0, (point, again.stderr)
    same_as(content, expected)
    assert stages(content) == []


def test_sigkill_at_each_file_of_a_first_ingest_then_ingest_finishes_it(book, tmp_path):
    written = len([n for n, v in tree(book["first"]).items() if isinstance(v, bytes)]) - 1   # all but the manifest
    points = _points(written)
    with ThreadPoolExecutor(2) as pool:
        for done in pool.map(lambda p: _kill_and_finish(book, None, book["pdf"], book["first"], tmp_path / p, p), points):
            assert done is None
    # a build refuses a folder whose commit was cut off, and builds it once ingest has finished it
    content = tmp_path / "cut"
    assert ingest(book["pdf"], "--into", content, env={"EDITION_FAULT": "ingest-file-2"}).returncode == -signal.SIGKILL
    check = run_cli("build", "--content", str(content), "--out", str(book["site"]), "--no-search")
    assert check.returncode == 1 and "was cut off while writing" in check.stderr and "Traceback" not in check.stderr
    assert ingest(book["pdf"], "--into", content).returncode == 0
    accepted(content)   # (the result is the clean ingest's, which a hostile-name test builds whole)


def test_sigkill_at_each_file_of_a_re_ingest_keeps_the_editors_chapter_and_updates_the_rest(book, tmp_path):
    before, after = tree(book["again"]), tree(book["after"])
    written = sum(1 for n, v in after.items() if isinstance(v, bytes) and v != before.get(n)) - 1
    assert written >= 5
    points = [f"ingest-file-{k}" for k in range(1, written + 1)]   # (before and after the renames: as above)
    with ThreadPoolExecutor(2) as pool:
        for done in pool.map(lambda p: _kill_and_finish(book, "again", book["printing"], book["after"], tmp_path / p, p),
                             points):
            assert done is None
    assert b"Vom Herausgeber" in after[CHAPTER] and b"zweiten Auflage" in after["002-zweites-kapitel.md"]


def test_a_run_killed_before_its_commit_changed_nothing(book, tmp_path):
    content = copy_of(book, "again", tmp_path)
    before = tree(content)
    assert ingest(book["printing"], "--into", content, env={"EDITION_FAULT": "ingest-staged"}).returncode == -signal.SIGKILL
    assert tree(content) == before and stages(content)          # its stage is the tool's own, in its own folder
    accepted(content)                                           # the old edition builds as it was


# ---- a full disk ----

@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but a small tmpfs cannot be mounted: {mounted.stderr!r}")
        pytest.skip("mounting a small tmpfs needs root")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave_kb: int) -> Path:
    stat = os.statvfs(disk)
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave_kb * 1024))
    return filler


@pytest.mark.parametrize("leave_kb", [8, 60])
def test_a_full_disk_fails_the_ingest_and_changes_nothing(book, small_disk, leave_kb):
    content = small_disk / "content"
    shutil.copytree(book["again"], content, symlinks=True)
    before = tree(content)
    filler = fill(small_disk, leave_kb)
    result = ingest(book["printing"], "--into", content, "--force")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "No space left on device" in result.stderr and "nothing was changed" in result.stderr, result.stderr
    assert tree(content) == before and stages(content) == []
    first = ingest(book["pdf"], "--into", small_disk / "new")        # a first ingest: no folder is left behind
    assert first.returncode == 1 and not (small_disk / "new").exists()
    filler.unlink()
    assert ingest(book["printing"], "--into", content).returncode == 0
    same_as(content, book["after"])


# ---- two at once ----

def stopped(process: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{process.pid}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            return False
        if state == "T":
            return True
        time.sleep(0.02)
    return False


def test_two_ingests_at_once_the_second_refuses_and_names_the_first(book, tmp_path):
    content = copy_of(book, "again", tmp_path)
    first = start("ingest", book["printing"], "--into", content, env={"EDITION_FAULT": "ingest-locked:stop"})
    try:
        assert stopped(first)
        second = ingest(book["pdf"], "--into", content, "--force")
        refused(second, content, f"another `edition ingest` (pid {first.pid}) is writing into this folder")
    finally:
        first.send_signal(signal.SIGCONT)
        first.communicate(timeout=120)
    assert first.returncode == 0
    same_as(content, book["after"])


def test_a_build_waits_while_an_ingest_commits(book, tmp_path):
    content = copy_of(book, "again", tmp_path)
    config = content / "edition.toml"   # (no facsimile: this build is about waiting, not drawing)
    config.write_text("\n".join(line for line in config.read_text().split("\n") if not line.startswith("pdf =")))
    writer = start("ingest", book["printing"], "--into", content, env={"EDITION_FAULT": "ingest-commit:stop"})
    try:
        assert stopped(writer)                   # its journal is in place, no file renamed yet
        reader = start("build", "--content", content, "--out", tmp_path / "site", "--no-search")
        time.sleep(1.5)
        assert reader.poll() is None             # waiting
    finally:
        writer.send_signal(signal.SIGCONT)
        writer.communicate(timeout=120)
    _, errors = reader.communicate(timeout=300)
    assert writer.returncode == 0 and reader.returncode == 0, errors
    page = (tmp_path / "site" / "002-zweites-kapitel" / "index.html").read_text(encoding="utf-8")
    assert "zweiten Auflage" in page            # it built what the ingest had finished


# ---- hostile names and metadata ----

def config_of(content: Path) -> dict:
    return tomllib.loads((content / "edition.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ['buch\neditors = ["Mallory, M"]\nabout = ["gekapert"]\n.pdf',
                                  os.fsdecode(b"buch-\xff\xfe.pdf"), "ein\\buch.pdf", "buch\x1b[31m.pdf"])
def test_a_hostile_file_name_is_escaped_and_copied_under_a_safe_name(book, tmp_path, name):
    source = tmp_path / name
    shutil.copyfile(book["pdf"], source)
    content = tmp_path / "content"
    result = ingest(source, "--into", content)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stdout and "\n.pdf" not in result.stdout
    config = config_of(content)
    assert "editors" not in config and "about" not in config                        # nothing became configuration
    copy = config["source"]["pdf"]
    assert copy.isascii() and copy.endswith(".pdf") and "\\" not in copy and "/" not in copy
    assert (content / copy).read_bytes() == book["pdf"].read_bytes()
    if "\n" in name:
        builds(book, content)   # the facsimile drawn from the copy (the same pages for every name)
    else:
        accepted(content)


def _with_metadata(book: dict, tmp_path: Path, **values: str) -> Path:
    pypdf = pytest.importorskip("pypdf") if not os.environ.get("CI") else __import__("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(book["pdf"]))
    writer.add_metadata({f"/{key}": value for key, value in values.items()})
    pdf = tmp_path / "meta.pdf"
    with pdf.open("wb") as handle:
        writer.write(handle)
    return pdf


def test_control_characters_and_a_2_mb_title_in_the_metadata_are_removed_cut_and_reported(book, tmp_path):
    pdf = _with_metadata(book, tmp_path, Title="Ein\x00 Buch\x7f mit Steuer\x08zeichen\x01" + "x" * 2_000_000,
                         Author="Beispiel,\x0b Hanna\x00")
    content = tmp_path / "content"
    result = ingest(pdf, "--into", content)
    assert result.returncode == 0, result.stderr
    assert "control character(s): removed" in result.stdout and "cut to 1000" in result.stdout
    config = config_of(content)
    assert config["title"].startswith("Ein Buch mit Steuerzeichenxxx") and len(config["title"]) <= 1000
    assert config["source"]["authors"] == ["Beispiel, Hanna"]
    accepted(content)


def test_control_characters_in_the_text_are_removed_and_reported(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("1. Eine Über\x1bschrift\n\nDer Text\x7f hat Steuer\x01zeichen und ein\x0c Ende.\n", encoding="utf-8")
    content = tmp_path / "content"
    result = ingest(page, "--into", content / "k.md")
    assert result.returncode == 0, result.stderr
    source = (content / "k.md").read_text(encoding="utf-8")
    assert "Überschrift" in source and "Der Text hat Steuerzeichen und ein Ende." in source
    assert not any((ord(c) < 32 and c != "\n") or ord(c) == 127 for c in source)
    report = json.loads((content / "review" / "k.report.json").read_text(encoding="utf-8"))
    assert any("control character" in c["rule"] for c in report["changes"])
    assert run_cli("check", "--content", str(content)).returncode == 0


def test_a_page_files_hostile_name_is_shown_escaped(tmp_path):
    page = tmp_path / os.fsdecode(b"seite\nurl = x-\xff.txt")
    page.write_text("Ein Satz mit einer Fußnote.⁹\n", encoding="utf-8")
    content = tmp_path / "content"
    result = ingest(page, "--into", content / "k.md")
    assert result.returncode == 0, result.stderr
    assert "seite\\nurl = x-\\xff.txt:1: warning: footnote marker" in result.stdout
    lines = json.loads((content / "review" / "k.lines.json").read_text(encoding="utf-8"))
    assert lines["pages"][0]["file"] == "seite\\nurl = x-\\xff.txt"
    assert run_cli("check", "--content", str(content)).returncode == 0


@pytest.mark.parametrize("name", ["a\nb.md", ".versteckt.md", "a\\b.md"])
def test_a_chapter_name_the_folder_may_not_carry_is_refused(tmp_path, name):
    page = tmp_path / "p.txt"
    page.write_text("Ein Satz.\n", encoding="utf-8")
    into = tmp_path / "content" / name
    refused(ingest(page, "--into", into), into, "not a plain chapter file name")
    assert not (tmp_path / "content").exists()


# ---- nothing of the editor's replaced ----

def test_an_editors_review_file_stops_a_first_ingest_unless_forced(book, tmp_path):
    content = tmp_path / "content"
    (content / "review").mkdir(parents=True)
    mine = content / "review" / "buch.report.md"
    mine.write_text("# Meine Notizen\n")
    refused(ingest(book["pdf"], "--into", content), mine, "was not written by ingest")
    assert tree(content) == {"review": "folder", "review/buch.report.md": b"# Meine Notizen\n"}
    assert ingest(book["pdf"], "--into", content, "--force").returncode == 0
    assert mine.read_text() != "# Meine Notizen\n"


def test_page_text_never_replaces_a_hand_written_chapter_unless_forced(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Ein Satz aus dem Buch.\n", encoding="utf-8")
    mine = tmp_path / "content" / "mine.md"
    mine.parent.mkdir()
    mine.write_text("# Von Hand\n\nMein Text.\n")
    refused(ingest(page, "--into", mine), mine, "was not written by ingest")
    assert sorted(p.name for p in mine.parent.iterdir()) == ["mine.md"] and mine.read_text() == "# Von Hand\n\nMein Text.\n"
    assert ingest(page, "--into", mine, "--force").returncode == 0
    assert "Ein Satz aus dem Buch." in mine.read_text()
    accepted(mine.parent)
    assert ingest(page, "--into", mine).returncode == 0          # now it is ingest's: replaced while unedited
    missing = tmp_path / "nowhere.toml"
    refused(ingest(page, "--into", mine, "--decisions", missing), missing, "no such decisions file")


def test_a_review_file_edited_since_ingest_stops_the_re_ingest(book, tmp_path):
    content = copy_of(book, "again", tmp_path)
    report = content / "review" / "buch.report.md"
    report.write_text(report.read_text() + "\nMeine Anmerkung.\n")
    before = tree(content)
    refused(ingest(book["printing"], "--into", content), report, "edited since ingest wrote it")
    assert tree(content) == before


# ---- errors: path: error: message, nothing written ----

def _hand_made_pdf(path: Path, kids: str, info: bytes) -> Path:
    """A one-page PDF written byte by byte: a page tree and metadata no typesetter would make."""
    stream = b"BT /F1 12 Tf 40 700 Td (Ein Satz aus einem kaputten Buch.) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count 2 >>".encode(),
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 800] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               info, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return write_pdf(path, objects, " /Info 5 0 R")


def test_a_page_tree_that_loops_is_an_error_with_its_path(tmp_path):
    pdf = _hand_made_pdf(tmp_path / "loop.pdf", "3 0 R 2 0 R", b"<< /Title (Buch) >>")
    for command in (["ingest", str(pdf), "--into", str(tmp_path / "c")], ["clean", str(pdf)]):
        refused(run_cli(*command), pdf, "page 2 cannot be read", "page tree is damaged")
    assert not (tmp_path / "c").exists()


def test_metadata_that_cannot_be_decoded_is_named_and_left_out(tmp_path):
    pdf = _hand_made_pdf(tmp_path / "meta.pdf", "3 0 R", b"<< /Title <FEFFD800> /Author <FEFF0041DC00> >>")
    pdf.write_bytes(pdf.read_bytes().replace(b"/Count 2", b"/Count 1"))
    content = tmp_path / "c"
    result = ingest(pdf, "--into", content)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert f"{pdf}: warning: the PDF's Title is not valid text (UTF-16)" in result.stdout
    config = config_of(content)
    assert config["title"] == "meta" and config["source"]["authors"] in ([], ["A"])
    assert run_cli("check", "--content", str(content)).returncode == 0


@pytest.mark.parametrize("pages, message", [("0-1", "pages count from 1"), ("5-3", "the first comes before the last"),
                                            ("2-99", "outside the book"), ("zwei", "give PDF pages as A-B")])
def test_pages_that_are_no_pages_of_the_book_are_refused(book, tmp_path, pages, message):
    refused(ingest(book["pdf"], "--pages", pages, "--into", tmp_path / "c"), book["pdf"], message)
    assert not (tmp_path / "c").exists()
