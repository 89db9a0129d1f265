"""Issue 24's speed promises, each beside the same command run by a base revision's code in the
same run (default `main`), fresh processes taking turns:

    python bench/ingest_speed.py                    # both: the big book and Writer's page text
    python bench/ingest_speed.py --runs 5 --base daca633
    python bench/ingest_speed.py --only big         # or: --only page-text
    python bench/ingest_speed.py --only big --stages   # also the CPU seconds of each pass, both sides

- `edition clean` of a 1,754-page Typst book (bench/ingest_score.py's `--big 1500`, made once
  into bench/out/): wall-clock pages/s, start-up included; CPU seconds (the process and its
  reading workers) beside it, and the start-up alone (a fresh process importing what `clean`
  imports). The promise: at least 100 pages/s.
- `edition clean` of LibreOffice Writer's page text (pdftotext -layout, one file a page) of the
  two Writer tuning books. The promise: 29 pages in at most 10 s.

`--stages` runs each side once more with the passes timed one by one (CPU seconds of this
process; the reading workers' apart): what to attack next, without a profiler's overhead.

Both trees are compiled to bytecode first, as an installed package is (pip compiles a wheel's
modules as it installs them): a process that may write no bytecode (PYTHONDONTWRITEBYTECODE, as
some sandboxes set it) would otherwise compile every module at every start (0.25 s of CPU of a
0.7 s start-up, measured), which no user's `edition clean` pays.

The machine may be shared: medians of `--runs`, and CPU seconds, which others' load touches
less than wall-clock time. The base's tree is exported with `git archive` and run with this
venv's packages (so a package this checkout added is there for both).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from ingest_same import RUN, export  # noqa: E402  # a revision's generator/, and how it runs

STARTUP = "import sys; sys.path.insert(0, sys.argv[1]); import generator.cli, generator.ingest.pipeline"


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and every child it waited for)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, timeout=3600)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def compare(label: str, sides: dict[str, Path], args: list[str], runs: int, count: int, unit: str) -> None:
    """Each side `runs` times, taking turns; medians and the ratio."""
    figures: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
    for _ in range(runs):
        for side, code in sides.items():
            figures[side].append(timed([sys.executable, "-c", RUN, str(code), *args], code))
    print(f"{label}:")
    walls = {}
    for side, found in figures.items():
        wall = statistics.median(w for w, _ in found)
        cpu = statistics.median(c for _, c in found)
        walls[side] = wall
        rate = f" = {count / wall:.0f} {unit}/s wall, {count / cpu:.0f} {unit}/s per CPU second" if unit else ""
        print(f"  {side:5s}: wall {wall:6.1f} s, CPU {cpu:6.1f} s (median of {runs}){rate}")
    base, yours = walls.get("base"), walls["yours"]
    if base:
        cpu_ratio = (statistics.median(c for _, c in figures["base"]) /
                     max(statistics.median(c for _, c in figures["yours"]), 1e-9))
        print(f"  ratio base/yours: wall {base / yours:.2f}x, CPU {cpu_ratio:.2f}x")


# Each pass the pipeline calls by name, timed where the pipeline module looks it up (a name a
# revision lacks is left out): CPU seconds of this process, and of the reading workers it waited for.
STAGES = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from generator.ingest import pipeline
from generator.ingest import pdf
spent = {}
def timed(module, name):
    function = getattr(module, name, None)
    if function is None:
        return
    def run(*args, **kwargs):
        cpu, workers = time.process_time(), os.times().children_user + os.times().children_system
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = (time.process_time() - cpu, os.times().children_user + os.times().children_system - workers)
    setattr(module, name, run)
timed(pdf, "read_pdf")
for name in ("measure", "two_column_pages", "build_book", "record", "proofread", "apply_decisions", "sanitise", "facts"):
    timed(pipeline, name)
start = time.process_time()
pipeline.clean([Path(p) for p in sys.argv[2:]])
total = time.process_time() - start
for name, (cpu, workers) in spent.items():
    print(f"    {name:17s} {cpu:6.2f} s" + (f" (+ {workers:.2f} s in the reading workers)" if workers else ""))
print(f"    {'the rest':17s} {total - sum(c for c, _ in spent.values()):6.2f} s")
"""


def stages(sides: dict[str, Path], inputs: list[str]) -> None:
    for side, code in sides.items():
        print(f"  {side} by pass (CPU, one run):")
        done = subprocess.run([sys.executable, "-c", STAGES, str(code), *inputs], cwd=code, capture_output=True,
                              text=True, check=False, timeout=3600)
        print(done.stdout.rstrip() or f"    failed: {done.stderr.strip().splitlines()[-1:]}")


def startup(sides: dict[str, Path], runs: int) -> None:
    figures = {side: [timed([sys.executable, "-c", STARTUP, str(code)], code) for _ in range(runs)]
               for side, code in sides.items()}
    print("start-up (a fresh process importing what `edition clean` imports):")
    for side, found in figures.items():
        print(f"  {side:5s}: wall {statistics.median(w for w, _ in found):.2f} s, "
              f"CPU {statistics.median(c for _, c in found):.2f} s (median of {runs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="main", help="the git revision to compare with (default: main)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("big", "page-text"), default=None)
    parser.add_argument("--stages", action="store_true", help="also each pass's CPU seconds, one run a side")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} core(s)")
    with tempfile.TemporaryDirectory(prefix="ingest-speed-") as work:
        sides = {"base": export(args.base, Path(work)), "yours": ROOT}
        for code in sides.values():   # see above: as installed
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "generator")], check=True,
                           stdout=subprocess.DEVNULL)
        if args.only in (None, "big"):
            from ingest_score import big_book, pages_of

            out = ROOT / "bench" / "out"
            out.mkdir(parents=True, exist_ok=True)
            pdf = big_book(1500, out)
            count = pages_of(pdf)
            startup(sides, args.runs)
            compare(f"edition clean {pdf.name} ({count} pages)", sides, ["clean", str(pdf)], args.runs, count, "pages")
            if args.stages:
                stages(sides, [str(pdf)])
        if args.only in (None, "page-text"):
            from ingest_same import page_files
            from testcorpus import pdf as corpus_pdf

            for name in ("tuning-writer-bank", "tuning-writer-paket"):
                files = page_files(corpus_pdf(name), Path(work) / "pages" / name)
                compare(f"edition clean of {name}'s page text (pdftotext -layout, {len(files)} pages)", sides,
                        ["clean", *map(str, files)], args.runs, len(files), "pages")
                if args.stages:
                    stages(sides, list(map(str, files)))


if __name__ == "__main__":
    main()
