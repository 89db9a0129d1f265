"""An editor's first hour (issue 28): the README's walkthrough followed as written, on a PDF
made here, every printed claim checked; progress lines on a terminal, nothing on a pipe."""
from __future__ import annotations

import os
import re
import select
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EPOCH, ROOT, page_words

# A small German book, typeset by Typst (the test extra): four A5 pages with running heads and
# folios (none on the chapter's first page), two numbered sections, 15 footnotes, justified and
# hyphenated lines, and a misprint the walkthrough corrects ("Verteidigungspolitk").
BOOK = r"""
#set document(title: "Kleine Staaten", author: "Muster, Erika")
#set page(paper: "a5", margin: (x: 2cm, y: 2.2cm),
  header: context { if counter(page).get().first() > 1 [#h(1fr) _Kleine Staaten_ #h(1fr)] },
  footer: context { if counter(page).get().first() > 1 [#h(1fr) #counter(page).display() #h(1fr)] })
#set text(lang: "de", size: 10pt)
#set par(justify: true, first-line-indent: 1em, spacing: 0.65em)
#show heading.where(level: 1): it => { pagebreak(weak: true); text(size: 16pt, weight: "bold", it.body); v(1em) }
#show heading.where(level: 2): it => { v(0.6em); text(size: 11pt, weight: "bold", it.body); v(0.3em) }

= Kleine Staaten im Wandel

== 1. Ein Rückblick

Die Frage nach der Sicherheit kleiner Staaten ist alt, die Antworten sind es nicht. Seit dem Ende des Kalten Krieges haben sich die Bedingungen der Verteidigungspolitk grundlegend verändert.#footnote[Vgl. Meier, Hans: Kleinstaaten im Wandel. Zürich 2004, S. 12.] Die Zusammenarbeit mit den Nachbarn ist heute die Regel.

#for i in range(14) [
Die Regierung des Landes hatte sich in den Jahren nach dem Krieg mehrfach mit der Frage befasst, wie weit eine Zusammenarbeit mit den Nachbarstaaten gehen könne, ohne die Unabhängigkeit des Landes zu gefährden. Die Antworten fielen je nach Lage verschieden aus.#footnote[Siehe dazu die Berichte des Bundesrates aus dem Jahr #(1990 + i).]

]

== 2. Kooperation

Kleine Staaten kooperieren, ohne beizutreten. Die sicherheitspolitische Zusammenarbeit ist ein Ergebnis langer Verhandlungen.

#for i in range(10) [
Die Verhandlungen über die Beteiligung an den Koordinationsinstanzverhandlungen und an gemeinsamen Übungen zogen sich über mehrere Jahre hin, weil die innenpolitische Debatte jeden Schritt begleitete und die Öffentlichkeit genau verfolgte, was geschah.

]
"""


@pytest.fixture(scope="module")
def book_pdf(tmp_path_factory) -> Path:
    import typst

    folder = tmp_path_factory.mktemp("book")
    (folder / "book.typ").write_text(BOOK, encoding="utf-8")
    pdf = folder / "book.pdf"
    pdf.write_bytes(typst.compile(str(folder / "book.typ")))
    return pdf


def _env() -> dict:
    # `edition` as the editor's shell finds it: the entry point beside this Python
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def on_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run `edition ARGS` with its stderr on a pseudo-terminal (stdout a pipe, as `edition …
    > file` would): exit code, stdout, and everything the terminal received."""
    master, slave = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=cwd, env=_env(),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = bytearray()
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            if not select.select([master], [], [], 1)[0]:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every process holding the terminal has ended
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert process.stdout is not None
    out = process.stdout.read().decode("utf-8")
    return process.wait(timeout=60), out, seen.decode("utf-8", errors="replace").replace("\r\n", "\n")


def _shown(terminal: str, stage: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(rf"\r\x1b\[K{re.escape(stage)} (\d+)/(\d+)", terminal)]


def test_long_steps_show_their_progress_on_a_terminal(book_pdf, tmp_path):
    import shutil

    shutil.copy(book_pdf, tmp_path / "book.pdf")
    code, out, terminal = on_terminal(["ingest", "book.pdf"], tmp_path)
    assert code == 0, terminal
    assert _shown(terminal, "reading the PDF: page")[-1] == (4, 4)  # pages read, counted
    assert terminal.endswith("\r\x1b[K")  # the line is cleared when the work is done
    assert "4 page(s) → 1 chapter(s)" in out and "\x1b" not in out  # the summary, on stdout, untouched

    code, out, terminal = on_terminal(["build"], tmp_path)
    assert code == 0, terminal
    drawn = _shown(terminal, "drawing pages")  # the facsimile, page by page, from the drawing processes
    assert drawn[0] == (0, 4) and drawn[-1] == (4, 4) and [d for d, _ in drawn] == sorted(d for d, _ in drawn)
    assert "\r\x1b[Ksearch index (Pagefind): " in terminal
    assert _shown(terminal, "rendered")[-1][0] == _shown(terminal, "rendered")[-1][1]
    assert out.startswith("built 8 pages")
    # on a pipe, not one status line: the walkthrough's run (test_the_walkthrough_…) checks that


# ---- the README's walkthrough, as written ------------------------------------------------------

def walkthrough() -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The README's steps: (title, [(kind, info, text) of each fenced block]). `sh` blocks are
    run as written; `shell` blocks are not (the preview is run, and stopped; of the publishing
    commands only the local ones); a `text` block is what the block before it prints; a `toml`
    block with a title is added to that file."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme.split("\n## From a PDF to a published site\n", 1)[1].split("\n## ", 1)[0]
    return [(step.split("\n", 1)[0], re.findall(r"```(\w+)([^\n]*)\n(.*?)```", step, re.S))
            for step in part.split("\n### ")[1:]]


# What varies from run to run in what a command prints: durations, the preview's port, and what
# the README leaves open with "…".
VARIES = re.compile(r"…|\d+\.\d+s|\d+ ms|(?<=127\.0\.0\.1:)8000")


def _pattern(line: str) -> re.Pattern:
    out, last = [], 0
    for match in VARIES.finditer(line):
        out.append(re.escape(line[last:match.start()]))
        kind = match.group(0)
        out.append(".+" if kind == "…" else r"\d+\.\d+s" if kind.endswith("s") and "." in kind else r"\d+ ms"
                   if kind.endswith("ms") else r"\d+")
        last = match.end()
    return re.compile("".join(out) + re.escape(line[last:]))


UNKNOWN_TOOL = "requirements.txt must name the tool before the publishing workflow can run: "


def _compare(printed: str, expected: str, where: str) -> None:
    """Every line printed is one the README shows, and every line it shows is printed."""
    shown = [line for line in expected.splitlines() if line.strip()]
    lines = [line for line in printed.splitlines() if line.strip()]
    if any(line.startswith(UNKNOWN_TOOL) for line in lines):  # no public remote here: the README says what it then prints
        shown = [UNKNOWN_TOOL + "…" if s.startswith("requirements.txt (") else s for s in shown if not s.startswith("  from ")]
    patterns = [_pattern(s) for s in shown]
    for line in lines:
        assert any(p.fullmatch(line) for p in patterns), f"{where}: printed but not in the README: {line!r}"
    for s, p in zip(shown, patterns, strict=True):
        assert any(p.fullmatch(line) for line in lines), f"{where}: in the README but not printed: {s!r}\n{printed}"
    assert "\x1b" not in printed and "\r" not in printed  # no status line on a pipe


def _run(command: str, cwd: Path) -> str:
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{command}: {done.stderr}"
    return done.stderr + done.stdout


def _preview(command: str, cwd: Path) -> str:
    """`edition serve`, on a free port: what it prints until it serves, the page it serves; then Ctrl+C."""
    import signal
    import urllib.request

    process = subprocess.Popen([*shlex.split(command), "--port", "0"], cwd=cwd, env=_env(), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    printed = []
    try:
        for line in process.stdout:
            printed.append(line)
            if line.startswith("preview: "):
                url = line.split()[1]
                with urllib.request.urlopen(url, timeout=60) as response:
                    assert response.status == 200 and "Kleine Staaten" in response.read().decode("utf-8")
                break
    finally:
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=60)[0]
    assert "preview stopped" in rest
    return "".join(printed)


def test_the_walkthrough_from_a_pdf_to_a_published_site_as_written(book_pdf, tmp_path):
    import shutil

    steps = walkthrough()
    assert [title.split(" ", 1)[0] for title, _ in steps] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    cwd = tmp_path  # an empty folder, and the PDF
    printed = ""
    for title, blocks in steps:
        for kind, info, text in blocks:
            if kind == "text":
                _compare(printed, text, title)
                printed = ""
                continue
            if kind == "toml":
                name = re.fullmatch(r' title="([^"]+)"', info).group(1)
                with (cwd / name).open("a", encoding="utf-8") as file:
                    file.write("\n" + text)
                continue
            printed = ""
            for command in text.strip().splitlines():
                if command.startswith("cd "):
                    cwd = cwd / command[3:]
                elif command == "edition serve":
                    printed += _preview(command, cwd)
                elif kind == "sh" or command.startswith("git init"):
                    printed += _run(command, cwd)
                    if command.startswith("edition new "):  # "Then copy the book's PDF into the folder"
                        shutil.copy(book_pdf, cwd / command.split()[2] / "book.pdf")
        # what each step says it leaves
        if title.startswith("2."):
            assert {p.name for p in (cwd / "content").iterdir()} == {
                "001-kleine-staaten-im-wandel.md", "book.pdf", "edition.toml", "decisions.toml", "review", ".edition-ingest"}
            assert 'pdf = "book.pdf"' in (cwd / "content" / "edition.toml").read_text(encoding="utf-8")
        if title.startswith("3."):
            report = (cwd / "content" / "review" / "book.report.md").read_text(encoding="utf-8")
            for name in re.findall(r"^- \*\*(.+?)\*\*", text_of(title), re.M):
                if "Texterkennung" in name:  # scans only
                    from generator.labels import GERMAN

                    assert name == GERMAN["unsure"]
                else:
                    assert re.search(rf"^## {re.escape(name)}( \(\d+\))?$", report, re.M), name
        if title.startswith("4."):
            report = (cwd / "content" / "review" / "book.report.md").read_text(encoding="utf-8")
            # one repair more, counted under its rule, with the words it changed before and after
            assert re.search(r"^\| Entscheidung der Herausgabe \(decisions\.toml\) \| 1 \| [^|]*Verteidigungspolitk[^|]* → "
                             r"[^|]*Verteidigungspolitik[^|]*\|$", report, re.M), report
            assert "| replace | Verteidigungspolitk | Verteidigungspolitik | 1 | Druckfehler |" in report
            chapter = (cwd / "content" / "001-kleine-staaten-im-wandel.md").read_text(encoding="utf-8")
            assert "Verteidigungspolitik" in chapter and "Verteidigungspolitk" not in chapter
        if title.startswith("6."):
            site = cwd / "site"
            assert "Verteidigungspolitik" in page_words(site / "001-kleine-staaten-im-wandel" / "s1.html")
            assert len(list(site.rglob("*.webp"))) == 8  # each of the 4 print pages at 800 and 1600 px
            assert (site / "pagefind" / "pagefind.js").is_file() and (cwd / ".site.facsimile").is_dir()
        if title.startswith("7."):
            committed = _run("git ls-files", cwd).split()
            assert {"content/book.pdf", "requirements.txt", ".github/workflows/publish.yml"} <= set(committed)
            assert not [name for name in committed if name.startswith(("site/", ".site.", "content/.edition-ingest"))]
            workflow = (cwd / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
            assert "run: python -m pip install -r requirements.txt" in workflow and "edition build --strict" in workflow
            requirements = (cwd / "requirements.txt").read_text(encoding="utf-8")
            assert re.search(r"^druckedition @ git\+https://\S+@[0-9a-f]{40}$", requirements, re.M) or "NOT KNOWN" in requirements
    assert UNKNOWN_TOOL.strip(": ") in (ROOT / "README.md").read_text(encoding="utf-8").replace("\n", " ")


def text_of(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split(f"\n### {title}\n", 1)[1].split("\n### ", 1)[0]


def test_the_quickstart_is_two_commands_the_editors_install_first_and_the_readme_links_only_inside():
    """The quickstart (checked by hand from a fresh clone in a fresh virtual environment: the
    CHANGELOG has the figures) stays two commands, the first without the test tools; every
    file the README and docs/ link to is in the repository."""
    import tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first, second = re.search(r"```sh\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    assert re.fullmatch(r"python3 -m venv \.venv && \.venv/bin/pip install \. && \.venv/bin/edition build", first)
    extras = re.search(r"pip install -e '\.\[([\w,]+)\]' && \.venv/bin/python -m pytest$", second).group(1).split(",")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert set(extras) <= set(project["optional-dependencies"]) and "test" in extras
    assert project["requires-python"] == ">=3.11" and "Python **3.11 or newer**" in readme
    for document in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        prose = re.sub(r"```.*?```|`[^`]*`", "", document.read_text(encoding="utf-8"), flags=re.S)  # links, not examples
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", prose):
            if not re.match(r"[a-z]+:", target):
                assert (document.parent / target).resolve().is_relative_to(ROOT), (document.name, target)
                assert (document.parent / target).exists(), (document.name, target)
