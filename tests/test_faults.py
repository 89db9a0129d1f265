"""Nothing lost: builds killed in every phase, failing, hanging and missing indexers, a full disk,
two builds at once, planted files. Real processes, real signals; after each fault the published
site is whole (the old one or the new one, never a mix) and the next build repairs everything."""
from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import EPOCH, ROOT, debris, run_cli
from sitecheck import tree_differences

sys.path.insert(0, str(ROOT / "bench"))
from corpus import write_corpus

PHASES_BEFORE = ["rendering", "rendered", "indexed", "commit"]  # the old site must stay
PHASES_AFTER = ["exchanged", "committed"]  # the new site is out; its state not yet remembered


def build(content: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli("build", "--content", str(content), "--out", str(out), *extra, env=env)


def start_build(content: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out),
                             *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})})


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def fake_pagefind(tmp_path: Path, body: str) -> dict[str, str]:
    """An indexer that misbehaves as `body` says; it records its pid first."""
    script = tmp_path / "fake-pagefind"
    script.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'indexer.pid'}\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return {"EDITION_PAGEFIND": str(script)}


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def gone_soon(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().split(")")[-1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


@pytest.fixture
def book(tmp_path):
    """A three-chapter book built once with search: (content, site, edited chapter)."""
    content, out = tmp_path / "content", tmp_path / "site"
    files = write_corpus(content, 3)
    assert build(content, out).returncode == 0
    return content, out, files[1]


def edit(chapter: Path, word: str) -> None:
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\nEin Nachtrag mit dem Wort {word}.\n", encoding="utf-8")


def full_build_of(content: Path, tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    assert build(content, out, "--full").returncode == 0
    return out


@pytest.fixture(scope="module")
def full_build_like(tmp_path_factory):
    """content → a full build of a copy of it (the same files, byte for byte), made once per
    module for each state of the book: the 12 kill tests compare with the one of the edited book."""
    made: dict[tuple, Path] = {}

    def get(content: Path) -> Path:
        key = tuple(snapshot(content).items())
        if key not in made:
            folder = tmp_path_factory.mktemp("reference")
            shutil.copytree(content, folder / "content")
            made[key] = full_build_of(folder / "content", folder, "site")
        return made[key]
    return get


@pytest.mark.parametrize("phase", PHASES_BEFORE + PHASES_AFTER)
@pytest.mark.parametrize("kind", ["incremental", "full"])
def test_sigkill_in_every_phase_leaves_a_whole_site_and_the_next_build_repairs_it(book, tmp_path, phase, kind,
                                                                                  full_build_like):
    from test_search import search

    content, out, chapter = book
    before = snapshot(out)
    edit(chapter, "Quittenbrot")
    killed = build(content, out, *(["--full"] if kind == "full" else []), env={"EDITION_FAULT": phase})
    assert killed.returncode == -signal.SIGKILL
    assert out.is_dir() and not any(p.name.endswith(".tmp") for p in out.rglob("*"))
    if phase in PHASES_BEFORE:
        assert snapshot(out) == before  # not one byte changed
    else:
        assert tree_differences(out, full_build_like(content)) == []

    again = build(content, out)
    assert again.returncode == 0, again.stderr
    assert tree_differences(out, full_build_like(content)) == []
    assert search(out, "Quittenbrot")["Quittenbrot"], "the index was not brought up to date"
    assert debris(tmp_path) == []


def test_sigkill_after_loading_planning_or_drawing_changes_nothing_published(tmp_path, monkeypatch):
    """The stages before the render's fault points: one small site without search, killed after
    each (a stage made or not), then one build that repairs. Cheap: the builds that are not
    killed run in this process, no index."""
    from generator import build as pipeline

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    content, out = tmp_path / "content", tmp_path / "site"
    files = write_corpus(content, 3)
    pipeline.build(content, out, search=False)
    before = snapshot(out)
    for number, phase in enumerate(["loaded", "planned", "drawn"]):
        edit(files[1], f"Quitte{number}")
        killed = build(content, out, "--no-search", *(["--full"] if phase == "drawn" else []),
                       env={"EDITION_FAULT": phase})
        assert killed.returncode == -signal.SIGKILL, (phase, killed.stderr)
        assert snapshot(out) == before, phase  # not one byte changed
    assert pipeline.build(content, out, search=False).rendered > 0
    assert any("Quitte2" in page.read_text(encoding="utf-8") for page in (out / files[1].stem).glob("*.html"))
    assert debris(tmp_path) == []


@pytest.mark.parametrize("fault", ["failing indexer", "killed after the commit"])
def test_an_undone_edit_after_a_failed_build_is_published_as_undone(book, tmp_path, fault, full_build_like):
    """The issue's silent loss: the edit's pages must not stay online after the editor undid it."""
    content, out, chapter = book
    original = chapter.read_text(encoding="utf-8")
    edit(chapter, "Irrtum")
    if fault == "failing indexer":
        failed = build(content, out, env=fake_pagefind(tmp_path, "exit 3"))
        assert failed.returncode == 1 and "Irrtum" not in "".join(p.read_text() for p in out.rglob("*.html"))
    else:
        assert build(content, out, env={"EDITION_FAULT": "committed"}).returncode == -signal.SIGKILL
        assert "Irrtum" in "".join(p.read_text() for p in out.rglob("*.html"))  # published, state not saved
    chapter.write_text(original, encoding="utf-8")  # undone
    assert build(content, out).returncode == 0
    assert "Irrtum" not in "".join(p.read_text() for p in out.rglob("*.html"))
    assert tree_differences(out, full_build_like(content)) == []


@pytest.mark.parametrize("body, message", [
    ("echo 'Error: could not read the site' >&2; exit 3", "Pagefind failed (exit code 3): Error: could not read the site"),
    ("exit 1", "Pagefind failed (exit code 1), and said nothing"),
    ("kill -9 $$", "Pagefind was killed by signal 9 (SIGKILL)"),
    ("exec sleep 600", "Pagefind did not finish within 2 s and was stopped"),
    ("echo '{}' > pagefind.json", "Pagefind wrote an unreadable index"),
])
def test_a_failing_killed_or_hanging_indexer_fails_the_build_with_one_clear_line(book, tmp_path, body, message):
    content, out, chapter = book
    before = snapshot(out)
    edit(chapter, "Quittenbrot")
    result = build(content, out, env={**fake_pagefind(tmp_path, body), "EDITION_PAGEFIND_TIMEOUT": "2"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"edition: error: {result.stderr.split('edition: error: ')[1].strip()}"]
    assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert gone_soon(int((tmp_path / "indexer.pid").read_text()))
    assert debris(tmp_path) == []


def test_a_missing_indexer_is_named(book, tmp_path):
    content, out, _ = book
    result = build(content, out, "--full", env={"EDITION_PAGEFIND": str(tmp_path / "no-such-pagefind")})
    assert result.returncode == 1 and "edition: error: cannot run Pagefind" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_killed_build_takes_its_indexer_along(book, tmp_path):
    content, out, chapter = book
    edit(chapter, "Quittenbrot")
    running = start_build(content, out, env=fake_pagefind(tmp_path, "exec sleep 600"))
    pid_file = tmp_path / "indexer.pid"
    deadline = time.monotonic() + 30
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    running.kill()
    running.wait()
    assert gone_soon(int(pid_file.read_text()))


def test_a_killed_build_takes_its_workers_along(tmp_path):
    content, out = tmp_path / "content", tmp_path / "site"
    write_corpus(content, 400)
    running = start_build(content, out, "--no-search", "--jobs", "2")
    deadline, workers = time.monotonic() + 60, []
    while not workers and time.monotonic() < deadline and running.poll() is None:
        workers = [pid for pid in children(running.pid) if "python" in Path(f"/proc/{pid}/exe").resolve().name]
        time.sleep(0.01)
    assert workers, "the build had no worker processes to watch"
    running.kill()
    running.wait()
    assert all(gone_soon(pid) for pid in workers)
    assert not out.exists()
    assert build(content, out, "--no-search").returncode == 0
    assert debris(tmp_path) == []


def test_ctrl_c_stops_a_build_with_one_line_and_no_tracebacks(tmp_path):
    content, out = tmp_path / "content", tmp_path / "site"
    write_corpus(content, 400)
    running = subprocess.Popen([sys.executable, "-m", "generator", "build", "--content", str(content), "--out", str(out),
                                "--no-search", "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not children(running.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(running.pid, signal.SIGINT)  # what Ctrl+C sends: to the whole process group
    _, stderr = running.communicate(timeout=60)
    assert running.returncode == 130
    assert stderr.strip() == "edition: interrupted (a build leaves the published site as it was)"
    assert not out.exists()


@pytest.mark.parametrize("free_kb", [1500, 300])  # room for the pages but not the index; for neither
def test_a_full_disk_fails_the_build_and_keeps_the_site(tmp_path, free_kb):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but a small tmpfs cannot be mounted: {mounted.stderr!r}")
        pytest.skip("mounting a small tmpfs needs root")
    try:
        content = tmp_path / "content"
        write_corpus(content, 2)
        out = disk / "site"
        assert build(content, out, "--no-search").returncode == 0
        before = snapshot(out)
        stat = os.statvfs(disk)
        (disk / "filler").write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - free_kb * 1024))
        write_corpus(content, 12)  # about 1.2 MB of pages and 0.7 MB of index
        result = build(content, out, "--full")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "No space left on device" in result.stderr or "disk full" in result.stderr, result.stderr
        assert snapshot(out) == before
        assert debris(disk) == []
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_two_builds_at_once_the_second_refuses_and_names_the_first(book, tmp_path):
    content, out, chapter = book
    edit(chapter, "Quittenbrot")
    first = start_build(content, out, env=fake_pagefind(tmp_path, "exec sleep 600"))
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "indexer.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = build(content, out)
        assert second.returncode == 1
        assert f"another `edition` process (pid {first.pid}) is building into this folder" in second.stderr
    finally:
        first.kill()
        first.wait()
    assert build(content, out).returncode == 0
    assert debris(tmp_path) == []


def test_readers_always_find_the_site_during_builds(tmp_path):
    content, out = tmp_path / "content", tmp_path / "site"
    write_corpus(content, 3)
    assert build(content, out, "--no-search").returncode == 0
    missing, stop = [], threading.Event()

    def poll():
        while not stop.is_set():
            if not (out / "index.html").is_file():
                missing.append(time.monotonic())

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        for _ in range(20):
            assert build(content, out, "--no-search", "--full").returncode == 0
    finally:
        stop.set()
        reader.join()
    assert missing == []


class _Payload:
    def __reduce__(self):
        return (os.system, (f"touch {Path(os.environ.get('PWNED', '/nonexistent')) }",))


def test_a_planted_state_runs_no_code_and_is_not_trusted(book, tmp_path, monkeypatch):
    content, out, _ = book
    pwned = tmp_path / "pwned"
    monkeypatch.setenv("PWNED", str(pwned))
    for name in (".site.edition-state.json", ".site.edition-cache"):
        (tmp_path / name).write_bytes(pickle.dumps(_Payload()))
    result = build(content, out)
    assert result.returncode == 0 and result.stdout.startswith("built"), result.stdout  # a full build
    assert not pwned.exists()


def test_a_file_put_into_the_site_stops_the_build_and_static_files_are_published(book, tmp_path):
    content, out, _ = book
    (out / "CNAME").write_text("edition.example.org\n")
    (out / "kapitel-00001" / "notes.txt").write_text("mine")
    result = build(content, out, "--full")
    assert result.returncode == 1
    assert f"{out / 'CNAME'}: error: not made by `edition build`: move it to static/" in result.stderr
    assert f"{out / 'kapitel-00001' / 'notes.txt'}: error" in result.stderr
    assert (out / "CNAME").read_text() == "edition.example.org\n"

    (content / "static" / ".well-known").mkdir(parents=True)
    shutil.move(out / "CNAME", content / "static" / "CNAME")
    (out / "kapitel-00001" / "notes.txt").unlink()
    (content / "static" / ".well-known" / "security.txt").write_text("Contact: mailto:x@example.org\n")
    (content / "static" / "README.md").write_text("# not a chapter\n")
    assert build(content, out).returncode == 0
    assert (out / "CNAME").read_text() == "edition.example.org\n"
    assert (out / ".well-known" / "security.txt").is_file() and (out / "README.md").is_file()
    edit(content / "kapitel-00002.md", "Quittenbrot")
    assert build(content, out).stdout.startswith("updated")
    assert (out / "CNAME").is_file()  # kept by incremental builds too
    (content / "static" / "index.html").write_text("mine")
    clash = build(content, out)
    assert clash.returncode == 1 and "'index.html' is a file the build makes itself" in clash.stderr
