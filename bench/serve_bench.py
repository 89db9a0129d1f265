"""Save → served: how long after an editor saves a chapter the preview serves the new text.

    python bench/serve_bench.py            # default edition and a 1,000-chapter corpus
    python bench/serve_bench.py --runs 21 --chapters 1000 --baseline main

Each run saves the way most editors do (write a temporary file, rename it over the source),
then polls the preview over HTTP every 2 ms until the page carries the new words. The figure
includes the file-watch delay, the debounce (30 ms of quiet), the incremental rebuild and the
HTTP round trip. `--baseline REV` runs the same script of an earlier revision (a temporary git
worktree, its own code) right after, for figures side by side. Reference points measured on
this kind of machine: Hugo's server 0.51 s,
Eleventy --incremental 0.47 s, `mkdocs serve` 16 s at 1,000 chapters.
"""
from __future__ import annotations

import argparse
import http.client
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
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402

OUT = HERE / "out"


def fetch(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
    body = connection.getresponse().read().decode("utf-8")
    connection.close()
    return body


def measure(content: Path, source: Path, page: str, runs: int) -> list[float]:
    from generator.serve import Preview  # this checkout's, or --code's

    preview = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    original = source.read_text(encoding="utf-8")
    times = []
    try:
        time.sleep(1.0)  # let the first background search index finish
        for run in range(runs):
            marker = f"Xq{run}zv"  # no compound the search's splitter would mark ("Messwort" was: it never showed)
            lines = original.splitlines()
            body = next(i for i, line in enumerate(lines) if line and not line.startswith(("#", "[^", "{{")))
            lines[body] += f" {marker}."
            temp = source.with_name(f".{source.name}.tmp")
            temp.write_text("\n".join(lines) + "\n", encoding="utf-8")
            start = time.perf_counter()
            os.replace(temp, source)
            while marker not in fetch(preview.port, page):
                time.sleep(0.002)
            times.append(time.perf_counter() - start)
            time.sleep(0.3)  # editors do not save ten times a second
    finally:
        source.write_text(original, encoding="utf-8")
        preview.close()
    return times


def report(name: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{name:<34} median {statistics.median(ms):6.0f} ms   min {ms[0]:5.0f}   max {ms[-1]:5.0f}   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--chapters", type=int, default=1000)
    parser.add_argument("--baseline", help="a git revision whose preview is measured after this checkout's")
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)  # measure the generator of this tree
    args = parser.parse_args()
    if args.code:
        sys.path.insert(0, str(args.code))
    work = OUT / "serve"
    shutil.rmtree(work, ignore_errors=True)
    default = work / "default"
    shutil.copytree(ROOT / "content", default, ignore=shutil.ignore_patterns("raw", "review"))
    report("default edition (1 chapter)", measure(default, default / "kleinstaaten.md", "/kleinstaaten/vor-6.html", args.runs))
    corpus = work / f"corpus-{args.chapters}"
    write_corpus(corpus, args.chapters)
    middle = args.chapters // 2
    report(f"{args.chapters}-chapter corpus", measure(corpus, corpus / f"kapitel-{middle:05d}.md",
                                                     f"/kapitel-{middle:05d}/s1.html", args.runs))
    shutil.rmtree(work, ignore_errors=True)
    if args.baseline:
        tree = Path(tempfile.mkdtemp(prefix="serve-baseline-")) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), args.baseline], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            print(f"baseline ({args.baseline}):", flush=True)
            subprocess.run([sys.executable, __file__, "--runs", str(args.runs), "--chapters", str(args.chapters),
                            "--code", str(tree)], cwd=tree, check=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True,
                           check=False)
            shutil.rmtree(tree.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
