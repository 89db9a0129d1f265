"""This checkout against an earlier revision of itself, in the same run on the same machine.

    python bench/versus.py e8b92bc                  # 1,000 chapters, medians of 5
    python bench/versus.py HEAD~3 --chapters 100 --runs 9

The revision is checked out into a temporary git worktree (nothing is fetched). Both versions
build the same generated book (bench/corpus.py), taking turns, each into an empty folder:
  - `edition build --full --no-search` in a fresh process (all cores);
  - a one-chapter text edit rebuilt by a warm `Builder` (what the preview does on save), which
    runs in a process of its own for each version, importing that version's code.
Machines here are noisy: read the ratios of medians.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402

WARM = """
import statistics, sys, time
from pathlib import Path
from generator.build import Builder
corpus, out, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
builder = Builder(corpus, out, search=False)
builder.build()
target = sorted(corpus.glob("*.md"))[len(list(corpus.glob("*.md"))) // 2]
original = target.read_text(encoding="utf-8")
times = []
try:
    for run in range(runs + 1):
        target.write_text(original + f"\\nNachtrag {run}.\\n", encoding="utf-8")
        start = time.perf_counter()
        builder.build()
        times.append(time.perf_counter() - start)
finally:
    target.write_text(original, encoding="utf-8")
print(statistics.median(times[1:]))  # the first edit also builds the spare: a one-time cost
"""


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline", help="a git revision of this repository")
    parser.add_argument("--chapters", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="versus-"))
    old = scratch / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(old), args.baseline], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        corpus = scratch / "corpus"
        write_corpus(corpus, args.chapters)
        trees = {f"baseline ({args.baseline})": old, "this checkout": ROOT}
        full: dict[str, list[float]] = {name: [] for name in trees}
        for run in range(args.runs):
            for name, tree in trees.items():
                out = scratch / f"site-{run}-{len(full[name])}-{name.split()[0]}"
                os.sync()
                full[name].append(timed([sys.executable, "-m", "generator", "build", "--full", "--no-search",
                                         "--content", str(corpus), "--out", str(out)], tree))
                shutil.rmtree(out, ignore_errors=True)
        warm = {}
        for name, tree in trees.items():
            result = subprocess.run([sys.executable, "-c", WARM, str(corpus), str(scratch / f"warm-{name.split()[0]}"),
                                     str(args.runs)], cwd=tree, check=True, capture_output=True, text=True)
            warm[name] = float(result.stdout.strip().splitlines()[-1])
        print(f"{args.chapters} chapters, medians of {args.runs} runs, {os.cpu_count()} cores")
        print(f"{'':<28} {'full build --no-search':>24} {'warm one-chapter rebuild':>26}")
        for name in trees:
            print(f"{name:<28} {statistics.median(full[name]):>22.2f} s {warm[name] * 1000:>23.0f} ms")
        base, new = list(trees)
        print(f"{'ratio (this / baseline)':<28} {statistics.median(full[new]) / statistics.median(full[base]):>23.2f}x "
              f"{warm[new] / warm[base]:>25.2f}x")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, capture_output=True, check=False)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
