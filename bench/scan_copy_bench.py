"""What publishing a folder of scans costs: copied (as `edition build` does) against hard-linked.

    python bench/scan_copy_bench.py                      # 600 scans of 1 MB, medians of 5
    python bench/scan_copy_bench.py --scans 600 --mb 4 --runs 5

Writes `--scans` files of `--mb` MB of random bytes (a scan's pixels do not compress) and puts
them into an empty stage folder, the ways a build can, taking turns, after `sync`:
  - hard link (what the build did before: the published site shared the editor's files);
  - read whole and written (the fallback where a system refuses the link: Stage.link_open's);
  - the kernel's copy (Stage.copy_open: `copy_file_range`, a reflink where the file system shares
    blocks, as Btrfs and XFS do).
Each by descriptor, as the build opens the scans. Machines here are noisy: read medians.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from generator.output import Stage, _write_new  # noqa: E402


def linked(fd: int, target: Path) -> None:
    os.link(f"/proc/self/fd/{fd}", target)


def read_written(fd: int, target: Path) -> None:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    _write_new(target, b"".join(chunks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scans", type=int, default=600)
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="scan-copy-bench-", dir=HERE))
    try:
        scans = scratch / "scans"
        scans.mkdir()
        for number in range(1, args.scans + 1):
            (scans / f"{number}.png").write_bytes(os.urandom(int(args.mb * 2**20)))
        try:
            probe = os.open(scans / "1.png", os.O_RDONLY)
            linked(probe, scratch / "probe")
            how = "hard link"
        except OSError:
            how = "hard link (refused here: by path)"
        finally:
            os.close(probe)
            (scratch / "probe").unlink(missing_ok=True)

        def link_by_path(fd: int, target: Path, name: str) -> None:
            os.link(scans / name, target)

        ways = {how: (lambda fd, target, name: linked(fd, target)) if how == "hard link" else link_by_path,
                "read whole, written": lambda fd, target, name: read_written(fd, target),
                "kernel copy (copy_open)": None}
        times: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(args.runs):
            for name, way in ways.items():
                stage_root = scratch / "stage"
                shutil.rmtree(stage_root, ignore_errors=True)
                stage_root.mkdir()
                os.sync()
                stage = Stage(stage_root, set(), full=True)
                start = time.perf_counter()
                for number in range(1, args.scans + 1):
                    fd = os.open(scans / f"{number}.png", os.O_RDONLY | os.O_NOFOLLOW)
                    try:
                        if way is None:
                            stage.copy_open(fd, f"pages/img/{number}.png")
                        else:
                            target = stage_root / "pages" / "img" / f"{number}.png"
                            target.parent.mkdir(parents=True, exist_ok=True)
                            way(fd, target, f"{number}.png")
                    finally:
                        os.close(fd)
                times[name].append(time.perf_counter() - start)
        print(f"{args.scans} scans of {args.mb:g} MB, medians of {args.runs} runs")
        base = statistics.median(times[how])
        for name, measured in times.items():
            seconds = statistics.median(measured)
            print(f"  {name:<36} {seconds:7.3f} s  {seconds / args.scans * 1000:7.3f} ms/scan  "
                  f"{seconds - base:+7.3f} s against the link")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
