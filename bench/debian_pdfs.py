"""German PDFs that Debian ships, read by `edition clean` and `edition ingest` + `edition build`:
crashes and damage, recorded (issue 24, items 6 and 8). Nothing of them is committed (licenses,
size): the packages are fetched with `apt-get download` into bench/out/debian/ and unpacked with
`dpkg -x`, never installed.

    python bench/debian_pdfs.py [--only gerdoc,lualatex-doc-DE] [--no-build]

There is no gold for these books, so the figures are symptoms that need none: the exit and the
first error; time and pages/s; accents left apart ("fur¨": a lone diacritic), U+FFFD and soft
hyphens in the text; break hyphens left ("Konfigu- ration"); note lines ("¹ …") and empty note
labels (`[^]:`); blocks of one number (folios); and from ingest: chapters (beside the PDF
outline's top level), headings deeper than Markdown's six levels, the report's Hinweise.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "debian"

# package → German PDFs inside it (path inside the package): manuals from pdfTeX, LuaTeX,
# xdvipdfmx (DBLaTeX) and an old Acrobat Distiller one (gerdoc).
PDFS = {
    "texlive-lang-german": [
        "usr/share/doc/texlive-doc/generic/german/gerdoc.pdf",                      # Acrobat Distiller 7 (dvips)
        "usr/share/doc/texlive-doc/latex/lualatex-doc-de/lualatex-doc-DE.pdf",      # LuaTeX 0.70
        "usr/share/doc/texlive-doc/latex/l2tabu/l2tabu.pdf",
        "usr/share/doc/texlive-doc/latex/lshort-german/l2kurz.pdf",
        "usr/share/doc/texlive-doc/texlive/texlive-de/texlive-de.pdf",
        "usr/share/doc/texlive-doc/latex/csquotes-de/csquotes-DE.pdf",
        "usr/share/doc/texlive-doc/generic/dehyph-exptl/dehyph-exptl.pdf",
        "usr/share/doc/texlive-doc/bibtex/dtk-bibliography/dtk-bibliography.pdf",   # LuaTeX 1.15
    ],
    "developers-reference-de": ["usr/share/developers-reference/de/developers-reference.pdf"],
    "debian-edu-doc-de": ["usr/share/doc/debian-edu-doc-de/debian-edu-bookworm-manual.pdf"],   # xdvipdfmx
    "debian-reference-de": ["usr/share/debian-reference/debian-reference.de.pdf"],
    "debian-paketmanagement-buch": ["usr/share/doc/debian-paketmanagement-buch/debian-paketmanagement.pdf"],
}


def fetch(package: str) -> Path:
    """The package unpacked under bench/out/debian/<package>/ (downloaded once)."""
    target = OUT / package
    if target.exists():
        return target
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as work:
        subprocess.run(["apt-get", "download", package], cwd=work, check=True, capture_output=True)
        deb = next(Path(work).glob("*.deb"))
        subprocess.run(["dpkg", "-x", str(deb), str(Path(work) / "x")], check=True)
        (Path(work) / "x").rename(target)
    return target


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def producer(pdf: Path) -> str:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Producer:\s+(.*)", info)
    return found.group(1).strip()[:30] if found else "?"


def outline_chapters(pdf: Path) -> int:
    from generator.diagnostics import Collector
    from generator.ingest.pdf import outline

    return sum(1 for bookmark in outline(pdf, Collector()) if bookmark.level == 1)


def edition(*args: str, timeout: int = 1800) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, check=False)
    return done, time.perf_counter() - start


def first_error(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    if "Traceback" in done.stderr:
        return "CRASH " + (lines[-1] if lines else "")
    chosen = [line for line in lines if "error" in line] or lines
    return (chosen[0] if chosen else f"exit {done.returncode}")[:200]


def symptoms(text: str) -> dict:
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    return {
        "lone accents": len(re.findall(r"(?<![\w])[¨´`ˆ˜¸˚]|[¨´ˆ˜¸˚](?![\w])", text)),
        "U+FFFD": text.count("\ufffd"),
        "soft hyphens": text.count("\u00ad"),
        "break hyphens left": len(re.findall(r"\b[a-zäöüß]{2,}- (?!und |oder |bzw\. |sowie )[a-zäöüß]{2,}", text)),
        "note lines": sum(1 for b in blocks if re.match(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+ ", b)),
        "number blocks": sum(1 for b in blocks if re.fullmatch(r"\s*[0-9ivxlc]+\s*", b)),
        "blocks": len(blocks),
    }


def one_column(done: subprocess.CompletedProcess, pages: int) -> list[str]:
    """`--pages 1-N` before the first page ingest refused as two columns (an index), else []."""
    found = re.search(r"error: page (\d+)[, ].*two columns", done.stderr)
    return ["--pages", f"1-{int(found.group(1)) - 1}"] if found and int(found.group(1)) > 1 else []


def ingest_and_build(pdf: Path, pages: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as work:
        content = Path(work) / "content"
        done, seconds = edition("ingest", str(pdf), *pages, "--into", str(content))
        result: dict = {"ingest": "ok" if done.returncode == 0 else first_error(done), "ingest s": seconds}
        if done.returncode:
            return result
        chapters = sorted(p for p in content.glob("*.md"))
        sources = "\n".join(p.read_text(encoding="utf-8") for p in chapters)
        result["chapters"] = len(chapters)
        result["deep headings"] = len(re.findall(r"^#{7,} ", sources, flags=re.M))
        result["empty note labels"] = len(re.findall(r"\[\^\]", sources))
        report = next((content / "review").glob("*.report.md"), None)
        hinweise = re.search(r"Hinweise \((\d+)\)", report.read_text(encoding="utf-8")) if report else None
        result["Hinweise"] = int(hinweise.group(1)) if hinweise else "?"
        done, seconds = edition("build", "--content", str(content), "--out", str(Path(work) / "site"), "--no-search")
        result["build"] = "ok" if done.returncode == 0 else first_error(done)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated PDF names without .pdf")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not shutil.which("apt-get"):
        sys.exit("needs apt-get and dpkg (Debian)")
    wanted = set(filter(None, args.only.split(",")))
    print("| PDF | producer | pages | outline chapters | clean | s | pages/s | lone accents | U+FFFD | soft hyphens | "
          "break hyphens left | note lines | number blocks | ingest | chapters | headings > 6 | [^] | Hinweise | build |")
    print("|" + "---|" * 19)
    for package, paths in PDFS.items():
        chosen = [p for p in paths if not wanted or Path(p).stem in wanted]
        if not chosen:
            continue
        root = fetch(package)
        for path in chosen:
            pdf = root / path
            pages = pages_of(pdf)
            done, seconds = edition("clean", str(pdf))
            clean = "ok" if done.returncode == 0 else first_error(done)
            part = one_column(done, pages)
            if part:      # the two-column index refused, as it should be: the pages before it
                done, seconds = edition("clean", str(pdf), *part)
                clean = (f"refused two columns; {part[1]}: " + ("ok" if done.returncode == 0 else first_error(done)))
                pages = int(part[1].split("-")[1])
            s = symptoms(done.stdout) if done.returncode == 0 else {}
            b = {} if args.no_build else ingest_and_build(pdf, part)
            cells = [pdf.name, producer(pdf), pages, outline_chapters(pdf), clean, f"{seconds:.1f}", f"{pages / seconds:.0f}",
                     *(s.get(k, "") for k in ("lone accents", "U+FFFD", "soft hyphens", "break hyphens left", "note lines",
                                              "number blocks")),
                     b.get("ingest", ""), b.get("chapters", ""), b.get("deep headings", ""), b.get("empty note labels", ""),
                     b.get("Hinweise", ""), b.get("build", "")]
            print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


if __name__ == "__main__":
    main()
