"""What a facsimile costs as it grows: per picture, and per page against the same book without one.

    python bench/facsimile_bench.py                          # 200 and 800 pictures, medians of 3
    python bench/facsimile_bench.py --pictures 200,800,1000 --baseline main --runs 3

For each size it writes a book (bench/corpus.py: about three print pages per chapter) with as
many print pages as pictures, and measures `edition build --full --no-search` in a fresh
process (all cores), the tools taking turns, each into an empty folder:
  - without a facsimile;
  - with `[source] page_images` (a folder of one small PNG per print page);
  - with `[source] pdf` (a PDF of as many pages), its pages drawn already (the cache beside
    the site kept between runs: what every build after the first costs).
(build with − build without) / pictures is the cost per picture, which must not grow with the
number of pictures. Then, in one process of the code measured, the chapter and section pages
of each book are rendered again one by one (median of 3 rounds): ms per page with its
pictures beside it against the same page without (the 1.3x budget). `--baseline REV` runs the
same builds with an earlier revision's code (a temporary git worktree), side by side.
Machines here are noisy: read medians and ratios.
"""
from __future__ import annotations

import argparse
import os
import re
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


def book(folder: Path, pictures: int) -> dict[str, Path]:
    """Three content folders of one book: no facsimile, page pictures, a PDF."""
    import pypdfium2 as pdfium
    from PIL import Image

    plain = folder / "plain"
    write_corpus(plain, max(1, pictures // 3 + 1))
    text = (plain / "edition.toml").read_text(encoding="utf-8")
    scans, pdf = folder / "scans", folder / "pdf"
    for target, source in ((scans, '[source]\npage_images = "bilder"\n'), (pdf, '[source]\npdf = "buch.pdf"\n')):
        shutil.copytree(plain, target)
        (target / "edition.toml").write_text(text + source, encoding="utf-8")
    (scans / "bilder").mkdir()
    picture = Image.new("L", (600, 900), 255)
    for page in range(1, pictures + 1):
        picture.save(scans / "bilder" / f"{page}.png")
    document = pdfium.PdfDocument.new()
    for _ in range(pictures):
        document.new_page(420, 595)
    document.save(str(pdf / "buch.pdf"))
    document.close()
    return {"no facsimile": plain, "page_images": scans, "pdf (drawn before)": pdf}


PAGES = """
import statistics, sys, time
from pathlib import Path
content = Path(sys.argv[1])
if Path("generator/load.py").is_file():  # this code's tree (an installed copy could shadow a missing module)
    from generator.load import Loader
    from generator.render.site import environment, plan, render_page
    loader = Loader(content, 1, lambda *a: None)
    snapshot, _ = loader.load(False, False)
    pages = [p for p in plan(snapshot.config.title, list(snapshot.chapters), snapshot.links, {}) if p.chapter]
    texts = {p.chapter.path: loader.text(snapshot, p.chapter) for p in pages}
    render = lambda env, page: render_page(env, page, snapshot, texts[page.chapter.path])
else:  # the code before load() (issue 23): render fetched the print itself
    from generator.build import Builder
    from generator.render.site import environment, plan, render_page
    from generator.source import load_chapter
    builder = Builder(content, Path("/dev/null"), jobs=1)
    config = builder.load_config()
    chapters, _, _ = builder.load(config, *builder.scan(config), search=None, keep_workers=False)
    pages = [p for p in plan(config.title, chapters, builder.links, {}) if p.chapter]
    texts = {p.chapter.path: load_chapter(p.chapter.path)[0] for p in pages}
    render = lambda env, page: render_page(env, page, config, chapters, texts[page.chapter.path], None)
env = environment()
rounds = []
for _ in range(3):
    start = time.perf_counter()
    for page in pages:
        render(env, page)
    rounds.append((time.perf_counter() - start) / len(pages))
print(statistics.median(rounds) * 1000)
"""


def page_ms(tree: Path, content: Path) -> float:
    done = subprocess.run([sys.executable, "-c", PAGES, str(content)], cwd=tree, capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"rendering the pages of {content} with {tree} failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def run_build(tree: Path, content: Path, out: Path) -> tuple[float, dict[str, float], int]:
    """Seconds, the stages' seconds as the build printed them, HTML pages."""
    shutil.rmtree(out, ignore_errors=True)
    os.sync()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--full", "--no-search", "--content",
                           str(content), "--out", str(out)], cwd=tree, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"build of {content} with {tree} failed:\n{done.stderr}")
    stages = {name: float(value) for name, value in re.findall(r"(\w+) ([\d.]+)s", done.stdout.split("(", 1)[-1])}
    pages = int(re.search(r"built (\d+) pages", done.stdout).group(1))
    return seconds, stages, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pictures", default="200,800")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", help="a git revision to measure beside this checkout")
    parser.add_argument("--baseline-runs", type=int, default=1, help="runs of the baseline (it may be slow)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="facsimile-bench-"))
    trees = {"this checkout": ROOT}
    if args.baseline:
        old = scratch / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(old), args.baseline], cwd=ROOT, check=True,
                       capture_output=True)
        trees = {f"baseline ({args.baseline})": old, "this checkout": ROOT}
    try:
        print(f"{os.cpu_count()} cores; medians of {args.runs} runs ({args.baseline_runs} for the baseline)")
        print(f"{'pictures':>8}  {'code':<20} {'book':<20} {'build s':>8} {'ms/picture':>11} {'pages':>6} "
              f"{'ms/page':>8} {'/ none':>7}")
        per_picture: dict[tuple[str, str], dict[int, float]] = {}
        for size in [int(s) for s in args.pictures.split(",")]:
            contents = book(scratch / f"book-{size}", size)
            for code, tree in trees.items():
                runs = args.runs if tree == ROOT else args.baseline_runs
                out = scratch / f"site-{size}-{len(per_picture)}"
                results: dict[str, list[tuple[float, dict[str, float], int]]] = {name: [] for name in contents}
                run_build(tree, contents["pdf (drawn before)"], out)  # draws the pages into the cache once
                for _ in range(runs):
                    for name, content in contents.items():
                        results[name].append(run_build(tree, content, out))
                plain = statistics.median(r[0] for r in results["no facsimile"])
                plain_page = page_ms(tree, contents["no facsimile"])
                for name, measured in results.items():
                    seconds = statistics.median(r[0] for r in measured)
                    pages = measured[0][2]
                    one = plain_page if name == "no facsimile" else page_ms(tree, contents[name])
                    extra = (seconds - plain) / size * 1000 if name != "no facsimile" else float("nan")
                    if name != "no facsimile":
                        per_picture.setdefault((code, name), {})[size] = extra
                    print(f"{size:>8}  {code:<20} {name:<20} {seconds:>8.2f} {extra:>11.2f} {pages:>6} "
                          f"{one:>8.2f} {one / plain_page:>6.2f}x")
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(scratch / f".{out.name}.facsimile", ignore_errors=True)
        sizes = sorted(int(s) for s in args.pictures.split(","))
        if len(sizes) > 1:
            print(f"\ncost per picture at {sizes[-1]} / at {sizes[0]} pictures (1.0: linear):")
            for (code, name), figures in per_picture.items():
                if figures.get(sizes[0]):
                    print(f"  {code:<20} {name:<20} {figures[sizes[-1]] / figures[sizes[0]]:.2f}x")
    finally:
        if args.baseline:
            subprocess.run(["git", "worktree", "remove", "--force", str(scratch / "baseline")], cwd=ROOT,
                           capture_output=True, check=False)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
