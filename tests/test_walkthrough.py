"""An editor's first hour (issue 28): the README's walkthrough followed as written, on a PDF
made here, every printed claim checked; progress lines on a terminal, nothing on a pipe."""
from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EPOCH

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
