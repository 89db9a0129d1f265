"""`edition serve`: path safety, host check, injection, overlay, watching, reload, clean stop."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT

from generator.serve import Preview
from generator.serve.http import PreviewState, allowed_hosts, respond
from generator.serve.paths import resolve_request
from generator.serve.watch import Debouncer, Watcher, is_source_event

# ---- the one path-resolving function, against a table of attacks ---------------------------

@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    (root / "index.html").write_text("home")
    (root / "a" / "b.html").write_text("page")
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "site-evil").mkdir()
    (tmp_path / "site-evil" / "x.html").write_text("evil")
    (root / "link-out").symlink_to(tmp_path / "secret.txt")
    (root / "dir-out").symlink_to(tmp_path / "site-evil", target_is_directory=True)
    return root


ATTACKS = [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt", "/a/..%2f..%2fsecret.txt",
    "/a/%2e%2e/%2e%2e/secret.txt", "/a\\..\\..\\secret.txt", "/%5c..%5csecret.txt", "//evil.example/x.html",
    "/../site-evil/x.html", "/a/../../site-evil/x.html", "/link-out", "/dir-out/x.html", "/%00", "/a/b.html%00.txt",
    "/%ff", "http://evil.example/a/b.html", "a/b.html", "/./a/b.html", "/a/./b.html", str(Path("/etc/passwd")),
]


@pytest.mark.parametrize("target", ATTACKS)
def test_path_attacks_are_refused(site, target):
    assert resolve_request(site, target) is None


@pytest.mark.parametrize("target, expected", [
    ("/", "index.html"), ("/a/b.html", "a/b.html"), ("/a/b.html?x=1#frag", "a/b.html"), ("/a/%62.html", "a/b.html"),
])
def test_site_paths_resolve(site, target, expected):
    assert resolve_request(site, target) == (site / expected).resolve()


# ---- responses, without a socket -------------------------------------------------------------

@pytest.fixture
def state(site):
    return PreviewState(site, allowed_hosts("127.0.0.1", 8000))


@pytest.mark.parametrize("host", ["evil.example:8000", "evil.example", "localhost.evil.example:8000", None, ""])
def test_foreign_host_header_is_refused(state, host):
    assert respond(state, "GET", "/a/b.html", host).status == 403


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "192.168.1.5:8000"])
def test_own_or_ip_host_is_served(state, host):
    assert respond(state, "GET", "/a/b.html", host).status == 200


def test_reload_script_added_to_html_only_in_the_response(state, site):
    (site / "a" / "b.html").write_text("<html><body><p>x</p></body></html>")
    (site / "style.css").write_text("p{}")
    page = respond(state, "GET", "/a/b.html", "localhost:8000")
    assert b"/__edition/events" in page.body and page.body.index(b"EventSource") < page.body.index(b"</body>")
    assert "__edition" not in (site / "a" / "b.html").read_text()  # the file itself is untouched
    assert b"__edition" not in respond(state, "GET", "/style.css", "localhost:8000").body
    assert not any(h.lower().startswith("access-control") for h in page.headers)


def test_error_overlay_is_escaped(state, site):
    (site / "a" / "b.html").write_text("<html><body><p>last good</p></body></html>")
    state.publish('kapitel.md:3: error: unknown marker "<script>alert(1)</script>"')
    body = respond(state, "GET", "/a/b.html", "localhost:8000").body.decode()
    assert "last good" in body and 'id="edition-error"' in body
    assert "kapitel.md:3: error: unknown marker &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in body
    assert "<script>alert(1)" not in body


def test_other_methods_and_folders(state, site):
    (site / "a" / "index.html").write_text("chapter")
    assert respond(state, "POST", "/a/b.html", "localhost:8000").status == 405
    moved = respond(state, "GET", "/a", "localhost:8000")
    assert moved.status == 301 and moved.headers["Location"] == "/a/"
    assert respond(state, "GET", "/nothing.html", "localhost:8000").status == 404


# ---- watching ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, counts", [
    ("kapitel.md", True), ("edition.toml", True), ("base.html", True), ("edition.css", True),
    (".kapitel.md.swp", False), (".kapitel.md.swx", False), ("kapitel.md~", False), ("4913", False),
    (".#kapitel.md", False), ("#kapitel.md#", False), ("kapitel.md.tmp", False),
])
def test_editor_temp_files_are_ignored(tmp_path, name, counts):
    assert is_source_event(str(tmp_path / "content" / name), outputs=(tmp_path / "out",)) is counts


def test_outputs_are_never_watched(tmp_path):
    assert not is_source_event(str(tmp_path / "out" / "kapitel" / "s1.html"), outputs=(tmp_path / "out",))


def test_a_burst_gives_one_rebuild_and_a_change_during_it_another():
    calls, started, release = [], threading.Event(), threading.Event()

    def action():
        calls.append(time.monotonic())
        started.set()
        if len(calls) == 1:
            release.wait(5)

    debouncer = Debouncer(action, quiet=0.05)
    try:
        for _ in range(20):
            debouncer.poke()
            time.sleep(0.002)
        assert started.wait(5)
        debouncer.poke()  # a save while the first rebuild runs
        release.set()
        deadline = time.monotonic() + 5
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)
        assert len(calls) == 2
    finally:
        debouncer.stop()


def _watch(folder: Path):
    events = []
    watcher = Watcher([folder], lambda: events.append(time.monotonic()), outputs=(folder / "out",))
    return watcher, events


def _settle(events, expect_some: bool, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not (expect_some and events):
        time.sleep(0.02)
    return events


def test_vim_style_save_is_seen(tmp_path):
    source = tmp_path / "kapitel.md"
    source.write_text("alt")
    watcher, events = _watch(tmp_path)
    try:
        (tmp_path / "4913").write_text("")  # vim probes the folder
        (tmp_path / "4913").unlink()
        source.rename(tmp_path / "kapitel.md~")  # backup by rename, then a new file
        source.write_text("neu")
        (tmp_path / "kapitel.md~").unlink()
        assert _settle(events, expect_some=True)
    finally:
        watcher.stop()


def test_atomic_rename_save_is_seen(tmp_path):
    (tmp_path / "kapitel.md").write_text("alt")
    watcher, events = _watch(tmp_path)
    try:
        temp = tmp_path / ".kapitel.md.tmp"
        temp.write_text("neu")
        temp.rename(tmp_path / "kapitel.md")
        assert _settle(events, expect_some=True)
    finally:
        watcher.stop()


def test_temp_files_and_outputs_alone_trigger_nothing(tmp_path):
    (tmp_path / "out").mkdir()
    watcher, events = _watch(tmp_path)
    try:
        (tmp_path / ".kapitel.md.swp").write_text("x")
        (tmp_path / "kapitel.md~").write_text("x")
        (tmp_path / "#kapitel.md#").write_text("x")
        (tmp_path / "out" / "s1.html").write_text("x")
        time.sleep(0.5)
        assert _settle(events, expect_some=False, timeout=0.3) == []
    finally:
        watcher.stop()


# ---- the whole preview, on a real socket ------------------------------------------------------

@pytest.fixture
def preview(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("raw", "review"))
    instance = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    yield instance, content
    instance.close()


def get(preview_instance, path: str, host: str | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", preview_instance.port, timeout=5)
    connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{preview_instance.port}"})
    response = connection.getresponse()
    body = response.read().decode("utf-8")
    connection.close()
    return response.status, body


def wait_for(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def editor_save(path: Path, text: str) -> None:
    """As most editors save: a temporary file renamed over the source."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_save_rebuilds_error_overlays_and_fix_recovers(preview):
    instance, content = preview
    source = content / "kleinstaaten.md"
    original = source.read_text(encoding="utf-8")
    status, page = get(instance, "/kleinstaaten/s6-1.html")
    assert status == 200 and "Kooperative Verteidigungspolitik" in page
    assert get(instance, "/kleinstaaten/s6-1.html", host="evil.example")[0] == 403

    editor_save(source, original.replace("Kooperative Verteidigungspolitik", "Kooperative Sicherheitspolitik"))
    assert wait_for(lambda: "6.1. Kooperative Sicherheitspolitik" in get(instance, "/kleinstaaten/s6-1.html")[1])

    editor_save(source, original + "\nText mit {{seite 3}}.\n")
    assert wait_for(lambda: 'id="edition-error"' in get(instance, "/kleinstaaten/s6-1.html")[1])
    page = get(instance, "/kleinstaaten/s6-1.html")[1]
    assert "unknown edition marker &#x27;{{seite 3}}&#x27;" in page and "kleinstaaten.md:" in page
    assert "Die letzte Änderung liess sich nicht bauen" in page  # in the edition's language
    assert "6.1. Kooperative Sicherheitspolitik" in page  # the last good page is still served

    editor_save(source, original)
    assert wait_for(lambda: 'id="edition-error"' not in get(instance, "/kleinstaaten/s6-1.html")[1])
    assert "6.1. Kooperative Verteidigungspolitik" in get(instance, "/kleinstaaten/s6-1.html")[1]


def test_a_section_whose_id_changed_gets_the_sites_404_page_with_a_link_to_its_new_place(preview, browser):
    """A tab open on 6.1 while its heading is renumbered 6.3 reloads into the site's own 404
    page (not a bare "Not found"), which links to the section where it stands now, at the same
    paragraph."""
    instance, content = preview
    source = content / "kleinstaaten.md"
    tab = browser.new_page()
    try:
        tab.goto(f"{instance.url}kleinstaaten/s6-1.html#s6-1-p2")
        tab.wait_for_timeout(300)  # the event stream connects
        editor_save(source, source.read_text(encoding="utf-8").replace("### 6.1. Kooperative Verteidigungspolitik {#s6-1}",
                                                                       "### 6.3. Kooperative Verteidigungspolitik {#s6-3}"))
        tab.wait_for_selector("#edition-moved", timeout=10000)   # reloaded by itself
        status, body = get(instance, "/kleinstaaten/s6-1.html")
        assert status == 404 and "<h1>Seite nicht gefunden</h1>" in body and "/__edition/events" in body
        link = tab.locator("#edition-moved")
        assert link.inner_text() == "6.3. Kooperative Verteidigungspolitik"
        assert tab.locator(".moved").inner_text().startswith("Dieser Abschnitt steht jetzt hier:")
        link.click()
        tab.wait_for_url(f"{instance.url}kleinstaaten/s6-3.html#s6-3-p2")
        assert tab.locator("#s6-3-p2").is_visible()
        # any other unknown address: the site's 404 page, without a link
        status, body = get(instance, "/kleinstaaten/nirgends.html")
        assert status == 404 and "Seite nicht gefunden" in body and "edition-moved" not in body
    finally:
        tab.close()


@pytest.mark.templates
def test_template_change_rebuilds_everything(preview, tmp_path):
    instance, _ = preview
    before = instance.builds
    template = ROOT / "templates" / "base.html"
    template.write_bytes(template.read_bytes())  # saved unchanged: a new stamp, every page re-rendered
    assert wait_for(lambda: instance.builds > before)
    assert instance.last.rendered == instance.last.pages and not instance.last.incremental


@pytest.mark.templates
def test_template_change_in_a_large_book_rebuilds_on_all_cores(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import write_corpus

    content = tmp_path / "content"
    write_corpus(content, 70)
    instance = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    try:
        instance.builder.jobs = 2
        before = instance.builds
        template = ROOT / "templates" / "base.html"
        template.write_bytes(template.read_bytes())
        assert wait_for(lambda: instance.builds > before, timeout=30)
        assert not instance.last.incremental and instance.last.rendered == instance.last.pages
        assert instance.last.processes == 2  # workers started from the fork server, not forked from threads
        status, page = get(instance, "/kapitel-00070/index.html")
        assert status == 200 and "70." in page
    finally:
        instance.close()


def test_event_stream_tells_only_a_counter(preview):
    instance, _ = preview
    connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=5)
    connection.request("GET", "/__edition/events", headers={"Host": f"localhost:{instance.port}"})
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
    assert response.getheader("Access-Control-Allow-Origin") is None
    assert re.fullmatch(rb"data: \d+\n", response.fp.readline())
    connection.close()


def test_search_index_refreshed_in_the_background(preview):
    instance, _ = preview
    assert wait_for(lambda: (instance.out / "pagefind" / "pagefind.js").is_file(), timeout=20)


def test_preview_reindexes_only_the_changed_chapters_part(tmp_path):
    from test_search import merged_parts, parted_edition, search

    content = parted_edition(tmp_path)
    instance = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    try:
        bundle = instance.out / "pagefind"
        entries = [bundle / part / "pagefind-entry.json" for part in ["", *merged_parts(instance.out)]]
        assert len(entries) >= 3 and wait_for(lambda: all(e.is_file() for e in entries), timeout=30)
        before = [entry.stat().st_ino for entry in entries]
        chapter = content / "kapitel-00007.md"
        editor_save(chapter, chapter.read_text(encoding="utf-8") + "\nEin Nachtragswort Quittenbrot.\n")

        def changed() -> list:
            return [e for e, inode in zip(entries, before, strict=True) if not e.is_file() or e.stat().st_ino != inode]

        assert wait_for(lambda: changed(), timeout=30)
        time.sleep(0.5)  # nothing else follows
        assert len(changed()) == 1
        assert [h["url"].split("/")[1] for h in search(instance.out, "Quittenbrot")["Quittenbrot"]] == ["kapitel-00007"]
    finally:
        instance.close()


def test_close_leaves_no_threads_or_folders(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("raw", "review"))
    before = {t.name for t in threading.enumerate()}
    instance = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    instance.close()
    time.sleep(0.2)
    assert {t.name for t in threading.enumerate() if t.is_alive()} - before == set()
    assert not instance.workdir.exists()


def start_serve(*extra: str) -> tuple[subprocess.Popen, str]:
    """`edition serve` in a process of its own; returns it with its "preview: URL" line."""
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--content", str(CONTENT), "--port", "0",
                                *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = ""
    while "preview:" not in line:
        line = process.stdout.readline()
        assert line or process.poll() is None, process.stderr.read()
    return process, line


def test_cli_serves_on_loopback_and_stops_on_ctrl_c(tmp_path):
    process, line = start_serve()
    try:
        assert re.search(r"preview: http://127\.0\.0\.1:\d+/", line)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
        assert process.returncode == 0 and "preview stopped" in out and "Traceback" not in err
    finally:
        if process.poll() is None:
            process.kill()


def test_cli_other_host_prints_a_notice(tmp_path):
    process, _ = start_serve("--host", "0.0.0.0")
    try:
        process.terminate()
        _, err = process.communicate(timeout=15)
        assert "notice: serving on 0.0.0.0" in err and process.returncode == 0
    finally:
        if process.poll() is None:
            process.kill()


# ---- an open page reloads by itself, at the same anchor ----------------------------------------

def test_open_page_reloads_after_save(browser, preview):
    instance, content = preview
    source = content / "kleinstaaten.md"
    page = browser.new_page()
    try:
        page.goto(f"{instance.url}kleinstaaten/s6-1.html#s6-1-p1")
        page.evaluate("window.__notReloaded = true")
        page.wait_for_timeout(300)  # the event stream connects
        editor_save(source, source.read_text(encoding="utf-8").replace("Kooperative Verteidigungspolitik",
                                                                       "Kooperative Friedenspolitik"))
        page.wait_for_function("document.querySelector('h1').innerText.includes('Friedenspolitik')", timeout=10000)
        assert page.evaluate("window.__notReloaded") is None  # a real reload, not a patch
        assert page.evaluate("location.hash") == "#s6-1-p1"
    finally:
        page.close()


# ---- the preview under abuse -------------------------------------------------------------------

def test_two_hundred_simultaneous_requests_are_all_answered(preview):
    instance, _ = preview
    start, statuses = threading.Barrier(200), []

    def one():
        start.wait()
        try:
            statuses.append(get(instance, "/kleinstaaten/s6-1.html")[0])
        except OSError as exc:
            statuses.append(repr(exc))

    threads = [threading.Thread(target=one) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 200


def test_the_reload_stream_refuses_a_foreign_host(preview):
    instance, _ = preview
    status, _ = get(instance, "/__edition/events", host="evil.example")
    assert status == 403


@pytest.mark.templates
def test_requests_during_full_rebuilds_always_find_their_page(preview):
    instance, _ = preview
    answers, stop = [], threading.Event()

    def poll():
        while not stop.is_set():
            answers.append(get(instance, "/index.html")[0])
            answers.append(get(instance, "/kleinstaaten/s6-1.html")[0])

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        template = ROOT / "templates" / "base.html"
        for _ in range(5):
            before = instance.builds
            template.write_bytes(template.read_bytes())  # every page rebuilt and swapped in
            assert wait_for(lambda before=before: instance.builds > before)
    finally:
        stop.set()
        reader.join()
    assert answers and set(answers) == {200}


def test_a_client_hanging_up_prints_no_traceback(tmp_path):
    import socket
    import struct

    process, line = start_serve()
    try:
        port = int(re.search(r":(\d+)/", line).group(1))
        for path in ["/kleinstaaten/s6-1.html", "/__edition/events", "/pagefind/pagefind.js"] * 10:
            client = socket.create_connection(("127.0.0.1", port))
            client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()  # a reset, as a closed tab sends
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
        assert "Traceback" not in err and "Exception" not in err, err
    finally:
        if process.poll() is None:
            process.kill()


def _a_failed_build(instance, content: Path) -> str:
    """Save a chapter the build refuses and wait until the page shows the error; the chapter's
    text before it."""
    source = content / "kleinstaaten.md"
    original = source.read_text(encoding="utf-8")
    editor_save(source, original + "\nText mit {{seite 3}}.\n")
    assert wait_for(lambda: 'id="edition-error"' in get(instance, "/kleinstaaten/s6-1.html")[1])
    return original


def test_a_content_folder_deleted_and_made_again_is_watched_again(preview, tmp_path):
    instance, content = preview
    original = _a_failed_build(instance, content)
    saved = tmp_path / "saved"
    shutil.move(content, saved)  # as `git stash` or a restored backup does
    time.sleep(0.3)
    shutil.copytree(saved, content)
    editor_save(content / "kleinstaaten.md", original.replace("Kooperative Verteidigungspolitik", "Kooperative Neufassung"))
    assert wait_for(lambda: "Kooperative Neufassung" in get(instance, "/kleinstaaten/s6-1.html")[1])
    # and no error shown: not the one of the build of the folder while it was gone (a page served
    # between the good build's commit and its news showed it: see the test below)
    assert wait_for(lambda: 'id="edition-error"' not in get(instance, "/kleinstaaten/s6-1.html")[1])


def test_a_good_build_after_a_failed_one_is_served_without_the_failed_ones_error(preview, monkeypatch):
    # The good build's pages are served from its commit on; the preview learns it succeeded a
    # little later (here a second). Meanwhile a reload got the new text under the error of the
    # build before: the error is the site's it was found on, not the newer one's.
    instance, content = preview
    original = _a_failed_build(instance, content)
    heard = instance._follow_sections

    def later() -> None:
        time.sleep(1.0)
        heard()
    monkeypatch.setattr(instance, "_follow_sections", later)
    editor_save(content / "kleinstaaten.md", original.replace("Kooperative Verteidigungspolitik", "Kooperative Neufassung"))
    served: list[str] = []
    assert wait_for(lambda: served.append(get(instance, "/kleinstaaten/s6-1.html")[1])
                    or "Kooperative Neufassung" in served[-1])
    assert 'id="edition-error"' not in served[-1]


def _preview_folders() -> set[Path]:
    import tempfile

    return set(Path(tempfile.gettempdir()).glob("edition-preview-*"))


def test_a_preview_killed_with_sigkill_leaves_a_folder_the_next_one_removes(tmp_path):
    before = _preview_folders()
    process, _ = start_serve()
    process.kill()
    process.wait()
    abandoned = _preview_folders() - before
    assert len(abandoned) == 1
    old = time.time() - 3600
    for folder in abandoned:
        os.utime(folder, (old, old))
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("raw", "review"))
    instance = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    try:
        assert not any(folder.exists() for folder in abandoned)
        assert instance.workdir.exists()
    finally:
        instance.close()


def test_a_preview_that_cannot_start_leaves_no_folder(tmp_path):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    before = _preview_folders()
    try:
        with pytest.raises(OSError):
            Preview(CONTENT, "127.0.0.1", taken.getsockname()[1], log=lambda message: None)
    finally:
        taken.close()
    assert _preview_folders() - before == set()


def test_the_previews_search_indexer_yields_the_processor_to_rebuilds(tmp_path, monkeypatch):
    """The preview indexes in the background, niced: a save's rebuild does not wait behind it for
    the processor. `edition build`'s own indexer runs at the build's priority (it is the build)."""
    record = tmp_path / "niceness"
    script = tmp_path / "fake-pagefind"
    script.write_text(f"#!/bin/sh\nnice >> {record}\nexit 1\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("EDITION_PAGEFIND", str(script))
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("raw", "review"))
    own = os.nice(0)
    instance = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    try:
        assert wait_for(lambda: record.is_file() and record.read_text(encoding="utf-8").strip(), timeout=30)
    finally:
        instance.close()
    assert int(record.read_text(encoding="utf-8").split()[0]) == min(own + 10, 19)
    record.unlink()
    build = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(content), "--out",
                            str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert build.returncode != 0 and int(record.read_text(encoding="utf-8").split()[0]) == own


def test_the_preview_pairs_a_saves_rename_without_watchdogs_half_second_wait():
    """A save by rename reaches the rebuild at once: the preview sets the pairing delay of the
    watchdog this project installs (no parameter for it; a watchdog that renamed it would bring
    back 0.5 s on every save, silently, so this test names the place)."""
    import importlib

    from generator.serve import watch
    watch._pair_moves_promptly()
    found = []
    for module, name in watch._GROUPERS:
        try:
            found.append(getattr(importlib.import_module(module), name).delay)
        except (ImportError, AttributeError):
            continue
    assert found == [watch.MOVE_PAIRING], found
