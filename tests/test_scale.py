"""Books of many chapters: order, navigation across chapters, incremental = full build."""
from __future__ import annotations

import re
import sys

from conftest import ROOT, run_cli
from sitecheck import tree_differences

sys.path.insert(0, str(ROOT / "bench"))
from corpus import write_corpus  # noqa: E402
from generator.build import Builder  # noqa: E402


def test_chapters_in_path_order_or_config_order_with_neighbours_across_chapters(tmp_path):
    content = tmp_path / "content"
    write_corpus(content, 3)
    out = tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("kapitel-00001/index.html") < index.index("kapitel-00002/index.html") < index.index("kapitel-00003/index.html")
    last_of_first = sorted((out / "kapitel-00001").glob("s*.html"), key=lambda p: [int(x) for x in p.stem[1:].split("-")])[-1]
    assert 'rel="next" href="../kapitel-00002/index.html"' in last_of_first.read_text(encoding="utf-8")
    assert f'rel="prev" href="../kapitel-00001/{last_of_first.name}"' in (out / "kapitel-00002" / "index.html").read_text(encoding="utf-8")

    (content / "edition.toml").write_text((content / "edition.toml").read_text() + '[content]\norder = ["kapitel-00003.md"]\n')
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("kapitel-00003/index.html") < index.index("kapitel-00001/index.html")


def test_incremental_rebuild_equals_full_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    content = tmp_path / "content"
    files = write_corpus(content, 12)
    builder = Builder(content, tmp_path / "warm", search=False, jobs=2)
    assert not builder.build().incremental

    edits = [
        (files[5], lambda t: t.replace("\n\n", " Nachtrag.\n\n", 3)),              # text (and the title line)
        (files[6], lambda t: t.replace("# 7.", "# 7. Neu:", 1)),                   # a title: index + neighbours
        (files[2], lambda t: t + "\n## 9. Angefügt\n\nNeuer Abschnitt.\n"),         # a new section page
    ]
    for path, edit in edits:
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        result = builder.build()
        assert result.incremental and 0 < result.rendered < result.pages
        full = tmp_path / f"full-{path.stem}"
        assert Builder(content, full, search=False, jobs=1).build().rendered == result.pages
        assert tree_differences(tmp_path / "warm", full) == []

    gone = files[8]
    for other in files:  # first the links to it go, then the chapter: its pages go, neighbours link past it
        text = other.read_text(encoding="utf-8")
        other.write_text(re.sub(rf" Siehe \[Kapitel \d+\]\({gone.name}#s1\)\.", "", text), encoding="utf-8")
    gone.unlink()
    builder.build()
    full = tmp_path / "full-removed"
    Builder(content, full, search=False, jobs=1).build()
    assert tree_differences(tmp_path / "warm", full) == []
    assert not any((tmp_path / "warm" / gone.stem).glob("*.html"))
