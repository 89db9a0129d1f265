"""Books of many chapters: order, navigation across chapters, incremental = full build."""
from __future__ import annotations

import json
import re
import shutil
import sys

from conftest import ROOT, run_cli
from sitecheck import tree_differences

sys.path.insert(0, str(ROOT / "bench"))
from corpus import write_corpus

from generator.build import Builder


def built_corpus(tmp_path, chapters: int) -> tuple:
    """A generated book of `chapters` chapters, built without search: (content, site, index page)."""
    content, out = tmp_path / "content", tmp_path / "site"
    write_corpus(content, chapters)
    assert run_cli("build", "--content", str(content), "--out", str(out), "--no-search").returncode == 0
    return content, out, (out / "index.html").read_text(encoding="utf-8")


def test_chapters_in_path_order_or_config_order_with_neighbours_across_chapters(tmp_path):
    content, out, index = built_corpus(tmp_path, 3)
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


def test_edition_build_after_one_edit_updates_that_chapter_and_its_search_part_only(tmp_path, monkeypatch):
    from test_search import merged_parts, parted_edition, search

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    content = parted_edition(tmp_path)
    out = tmp_path / "site"
    first = run_cli("build", "--content", str(content), "--out", str(out))
    assert first.returncode == 0 and first.stdout.startswith("built 218 pages"), first.stdout + first.stderr
    files = {p: p.stat().st_ino for p in out.rglob("*")
             if p.is_file() and "pagefind" not in p.parts and p.name != ".edition-site"}
    entries = {p: p.stat().st_ino for p in (out / "pagefind").rglob("pagefind-entry.json")}
    assert len(entries) == 1 + len(merged_parts(out))

    chapter = content / "kapitel-00007.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nEin Nachtragswort Quittenbrot.\n", encoding="utf-8")
    second = run_cli("build", "--content", str(content), "--out", str(out))
    assert second.returncode == 0 and second.stdout.startswith("updated 7 of 218 pages"), second.stdout
    replaced = sorted(p.relative_to(out).as_posix() for p, inode in files.items() if p.stat().st_ino != inode)
    # the chapter's files, and the TEI corpus that holds every chapter
    assert replaced and all(name.startswith("kapitel-00007/") or name == "edition.tei.xml" for name in replaced)
    assert sum(p.stat().st_ino != inode for p, inode in entries.items()) == 1  # one part indexed again
    assert [h["url"].split("/")[1] for h in search(out, "Quittenbrot")["Quittenbrot"]] == ["kapitel-00007"]

    full = tmp_path / "full"
    assert run_cli("build", "--full", "--content", str(content), "--out", str(full)).stdout.startswith("built 218")
    assert tree_differences(out, full) == []


def test_build_memory_is_used_only_while_it_describes_the_site(tmp_path):
    content = tmp_path / "content"
    write_corpus(content, 3)
    out = tmp_path / "site"

    def build(*extra: str, source=content) -> str:
        result = run_cli("build", "--content", str(source), "--out", str(out), *extra)
        assert result.returncode == 0 and not result.stderr, result.stderr
        return result.stdout.split(" ")[0]

    assert build("--no-search") == "built"
    assert build("--no-search") == "updated"
    assert build() == "built"  # the pages now carry the search box
    state = tmp_path / ".site.edition-state.json"
    state.write_bytes(b"not json")
    assert build() == "built"  # an unreadable memory is ignored
    assert build() == "updated"
    good = json.loads(state.read_text(encoding="utf-8"))
    state.write_text(json.dumps(good | {"written": {"index.html": 1}}), encoding="utf-8")
    assert build() == "built"  # a memory of the wrong shape too
    assert build() == "updated"
    good = json.loads(state.read_text(encoding="utf-8"))
    deep = json.loads(json.dumps(good))
    next(iter(deep["sources"].values()))["outline"]["sections"][0]["level"] = "2"
    state.write_text(json.dumps(deep), encoding="utf-8")
    assert build() == "built"  # and one wrong deep inside a chapter's outline
    deep = json.loads(json.dumps(good))
    next(iter(deep["sources"].values()))["outline"]["sections"][0]["title"][0]["@"] = "Chapter"
    state.write_text(json.dumps(deep), encoding="utf-8")
    assert build() == "built"  # or of a class that has no place there
    assert build() == "updated"
    assert build("--full") == "built"
    shutil.rmtree(out)
    assert build() == "built"
    other = tmp_path / "other"
    write_corpus(other, 2)
    assert build(source=other) == "built"  # another edition into the same folder
    assert not (out / "kapitel-00003").exists()


def test_index_of_a_large_book_lists_its_chapters_and_leaves_sections_to_chapter_pages(tmp_path):
    _, out, index = built_corpus(tmp_path, 101)
    chapter_links = re.findall(r'<li><a href="(kapitel-\d+)/index.html"', index)
    assert chapter_links == [f"kapitel-{n:05d}" for n in range(1, 102)]  # every chapter, in order
    assert not re.search(r'href="kapitel-\d+/s[\d-]+\.html"', index)  # no section of any chapter
    assert len(index) < 40_000
    assert 'href="../kapitel-00050/s1.html"' in (out / "kapitel-00050" / "index.html").read_text(encoding="utf-8")


def test_large_books_index_is_rendered_again_only_when_a_chapter_title_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")
    content = tmp_path / "content"
    files = write_corpus(content, 101)
    builder = Builder(content, tmp_path / "warm", search=False, jobs=2)
    builder.build()
    index = tmp_path / "warm" / "index.html"
    before = index.stat().st_ino

    files[40].write_text(files[40].read_text(encoding="utf-8").replace("\n## 1. ", "\n## 1. Neu: ", 1), encoding="utf-8")
    assert builder.build().incremental and index.stat().st_ino == before  # a section title: not on this index
    files[40].write_text(files[40].read_text(encoding="utf-8").replace("# 41.", "# 41. Neu:", 1), encoding="utf-8")
    assert builder.build().incremental and index.stat().st_ino != before
    assert "41. Neu:" in index.read_text(encoding="utf-8")
    full = tmp_path / "full"
    Builder(content, full, search=False, jobs=1).build()
    assert tree_differences(tmp_path / "warm", full) == []


def test_a_file_written_in_pieces_is_whole(tmp_path):
    """The TEI corpus is written in its members, as they are (one piece per chapter): more of
    them than one system call takes (1,024) still make the whole file, in order."""
    from generator.output import write_into

    pieces = [f"<TEI n=\"k{i}\">Kapitel {i}: Äußerung</TEI>".encode() * (i % 3) for i in range(3000)]
    write_into(tmp_path, "edition.tei.xml", pieces)
    assert (tmp_path / "edition.tei.xml").read_bytes() == b"".join(pieces)
