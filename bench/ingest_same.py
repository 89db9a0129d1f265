"""Does a change to ingest keep its output byte for byte? Every corpus book ingested by the code
of a git revision (default `main`) and by this checkout, and the content folders compared.

    python bench/ingest_same.py                         # tuning books, PDF route
    python bench/ingest_same.py --page-text             # also their pdftotext -layout pages
    python bench/ingest_same.py --base daca633 --split heldout --only writer

Each book is read from the same place (the corpus) into `bench/out/same/<side>/<book>`, so the
report's paths agree; every file's bytes are compared and the first differing lines shown (not
the tool's own `.edition-ingest/`: its lock names the process). Page text is also read by
`edition clean`, whose text is compared too (ingesting a whole book's page text into one chapter
may fail, the same way on both sides). The
base revision's tree is exported with `git archive` (nothing of the checkout's is touched), and
both sides run as fresh `python -m generator ingest` processes with this venv's packages.
"""
from __future__ import annotations

import argparse
import difflib
import filecmp
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import testcorpus  # noqa: E402

RUN = ("import sys, runpy; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'edition'; "
       "runpy.run_module('generator', run_name='__main__')")


def export(revision: str, into: Path) -> Path:
    """The revision's tree, as files (its generator/ is what runs)."""
    archive = into / "base.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), revision, "generator"],
                   check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "base", filter="data")
    return into / "base"


def page_files(pdf: Path, folder: Path) -> list[Path]:
    """pdftotext -layout's pages, one file a page (as bench/ingest_score.py gives them)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for k, page in enumerate(text.split("\f"), 1):
        if page.strip():
            files.append(folder / f"p{k:04d}.txt")
            files[-1].write_text(page, encoding="utf-8")
    return files


def ingest(code: Path, inputs: list[Path], into: Path) -> str:
    """The code at `code` ingesting `inputs` into `into`: "" or the last line of its error."""
    shutil.rmtree(into, ignore_errors=True)
    into.parent.mkdir(parents=True, exist_ok=True)
    target = into if len(inputs) == 1 else into / "chapter.md"
    if len(inputs) > 1:
        into.mkdir()
    done = subprocess.run([sys.executable, "-c", RUN, str(code), "ingest", *map(str, inputs), "--into", str(target)],
                          capture_output=True, text=True, cwd=str(code), check=False, timeout=3600)
    return "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["exit " + str(done.returncode)])[-1]


def clean(code: Path, inputs: list[Path], into: Path) -> str:
    """`edition clean` by the code at `code`, its output kept in `into`: "" or its error."""
    done = subprocess.run([sys.executable, "-c", RUN, str(code), "clean", *map(str, inputs)],
                          capture_output=True, text=True, cwd=str(code), check=False, timeout=3600)
    into.mkdir(parents=True, exist_ok=True)
    (into / "clean.txt").write_text(done.stdout, encoding="utf-8")
    return "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["exit " + str(done.returncode)])[-1]


def compare(a: Path, b: Path) -> list[str]:
    """The files that differ (or are only on one side), each with its first differing lines; the
    tool's own folder (its lock holds the process id) is not compared."""
    out = []
    names = sorted({p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()} |
                   {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()})
    names = [name for name in names if not name.startswith(".edition-ingest/")]
    for name in names:
        x, y = a / name, b / name
        if not x.exists() or not y.exists():
            out.append(f"{name}: only in {'yours' if not x.exists() else 'base'}")
        elif not filecmp.cmp(x, y, shallow=False):
            diff = list(difflib.unified_diff(x.read_text(encoding="utf-8", errors="replace").splitlines(),
                                             y.read_text(encoding="utf-8", errors="replace").splitlines(),
                                             "base", "yours", n=0, lineterm=""))
            out.append(f"{name}: differs\n    " + "\n    ".join(diff[2:12]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="main", help="the git revision to compare with (default: main)")
    parser.add_argument("--split", choices=testcorpus.SPLITS, default="tuning")
    parser.add_argument("--only", default="", help="books whose name contains this")
    parser.add_argument("--page-text", action="store_true", help="also each book's pdftotext -layout pages")
    parser.add_argument("--no-pdf", action="store_true", help="only the page text")
    args = parser.parse_args()
    out = ROOT / "bench" / "out" / "same"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    names = [n for n in testcorpus.books(args.split) if args.only in n]
    same = differ = 0
    with tempfile.TemporaryDirectory(prefix="same-") as work:
        base = export(args.base, Path(work))
        for name in names:
            pdf = testcorpus.pdf(name)
            cases = [] if args.no_pdf else [("pdf", [pdf])]
            if args.page_text:
                cases.append(("page text", page_files(pdf, out / "pages" / name)))
            for kind, inputs in cases:
                seconds = {}
                failed = {}
                for side, code in (("base", base), ("yours", ROOT)):
                    start = time.perf_counter()
                    folder = out / side / kind.replace(" ", "-") / name
                    failed[side] = ingest(code, inputs, folder)
                    if kind == "page text":   # a chapter ingest may fail where the build refuses it: clean's text too
                        failed[side] += clean(code, inputs, folder / "clean")
                    seconds[side] = time.perf_counter() - start
                found = compare(out / "base" / kind.replace(" ", "-") / name, out / "yours" / kind.replace(" ", "-") / name)
                if failed["base"] != failed["yours"]:
                    found.insert(0, f"exit: base {failed['base']!r}, yours {failed['yours']!r}")
                verdict = "same" if not found else f"DIFFERENT ({len(found)})"
                same, differ = same + (not found), differ + bool(found)
                print(f"{name} ({kind}): {verdict}  [base {seconds['base']:.1f} s, yours {seconds['yours']:.1f} s wall"
                      + (f"; both failed: {failed['base']}" if failed["base"] and not found else "") + "]", flush=True)
                for line in found:
                    print("  " + line)
    print(f"{same} same, {differ} different (base {args.base})")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
