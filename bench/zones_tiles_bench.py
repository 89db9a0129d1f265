"""What the printed lines' zones and the IIIF tiles cost per print page, beside the build
without them, in one run.

    python bench/zones_tiles_bench.py [--runs 3] [--book urls-typst]

A book typeset by Typst (tests/books.py) is ingested from its PDF and built once to draw its
facsimile (the pictures are the same in every variant: their cache is shared). Then full builds
(no search: Pagefind is the same in all), taking turns, each into a new folder:

  - no zones:       the same book, its lines.json without the lines' boxes (no <facsimile>,
                    no <lb facs>, no boxes on the page pictures): the baseline;
  - zones:          as ingested (what a build does by default);
  - zones + tiles:  `[facsimile] tiles = true`, the tile cache emptied first (a first build);
  - tiles, cached:  the same, its tiles kept from the build before (every rebuild).

Per variant: the build's time (median; and per print page beside the baseline), the site's
bytes per print page, the TEI's and the tiles' bytes per page. Ratios are what to compare:
these machines are shared and noisy.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import books  # noqa: E402

from generator import state as saved  # noqa: E402
from generator.build import Builder  # noqa: E402

URL = "https://edition.example.org/bench/"


def size(folder: Path, pattern: str = "*") -> int:
    return sum(path.stat().st_size for path in folder.rglob(pattern) if path.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--book", default="urls-typst")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        pdf, _ = books.typeset(args.book, work / "pdf")
        content = work / "zones"
        done = subprocess.run([sys.executable, "-m", "generator", "ingest", str(pdf), "--into", str(content)],
                              capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(done.stderr)
        config = content / "edition.toml"
        config.write_text(f'url = "{URL}"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")
        bare = work / "no-zones"
        shutil.copytree(content, bare)
        for lines_file in (bare / "review").glob("*.lines.json"):
            record = json.loads(lines_file.read_text(encoding="utf-8"))
            for page in record["pages"]:
                for line in page["lines"]:
                    line.pop("box", None)
            lines_file.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tiled = work / "tiles"
        shutil.copytree(content, tiled)
        (tiled / "edition.toml").write_text((tiled / "edition.toml").read_text(encoding="utf-8")
                                            + "\n[facsimile]\ntiles = true\n", encoding="utf-8")
        cache = work / "cache"
        first = Builder(content, work / "drawn", search=False, jobs=args.jobs, pictures=cache)
        drawn = first.build()
        pictures = dict(first.drawn)
        print(f"book: {args.book}, {drawn.drawn} print pages drawn once (shared by every variant); "
              f"full builds without search, jobs={args.jobs}, medians of {args.runs}")

        variants = {"no zones": bare, "zones": content, "zones + tiles": tiled, "tiles, cached": tiled}
        times: dict[str, list[float]] = {name: [] for name in variants}
        bytes_: dict[str, tuple[int, int, int]] = {}
        kept: dict[str, tuple] = {}
        n = 0
        for _ in range(args.runs):
            for name, folder in variants.items():  # taking turns: drift hits all alike
                n += 1
                out = work / f"site-{n}"
                known = dict(pictures)
                if name == "zones + tiles":
                    shutil.rmtree(cache / "tiles", ignore_errors=True)  # a first build: no tile kept
                elif name == "tiles, cached":
                    known.update(kept)
                builder = Builder(folder, out, search=False, jobs=args.jobs, pictures=cache)
                builder.drawn = known
                start = time.perf_counter()
                result = builder.build()
                times[name].append(time.perf_counter() - start)
                assert result.drawn == 0
                assert result.tiled == (drawn.drawn if name == "zones + tiles" else 0), (name, result.tiled)
                if name == "zones + tiles":
                    kept = {key: value for key, value in builder.drawn.items() if key.startswith("tiles/")}
                bytes_[name] = (size(out), size(out, "*.tei.xml"), size(out / "iiif" / "tiles"))
                saved.state_path(out).unlink(missing_ok=True)
                shutil.rmtree(out)
        pages = drawn.drawn
        base = statistics.median(times["no zones"])
        print(f"{'variant':<15} {'build s':>8} {'× base':>7} {'ms/page more':>13} {'site KB/page':>13} "
              f"{'TEI KB/page':>12} {'tiles KB/page':>14}")
        for name in variants:
            t = statistics.median(times[name])
            site, tei, tiles = bytes_[name]
            print(f"{name:<15} {t:8.2f} {t / base:7.2f} {(t - base) / pages * 1e3:13.1f} {site / pages / 1024:13.1f} "
                  f"{tei / pages / 1024:12.1f} {tiles / pages / 1024:14.1f}")


if __name__ == "__main__":
    main()
