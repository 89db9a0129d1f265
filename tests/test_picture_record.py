"""The record of the pictures drawn into the facsimile cache (issue 23): a picture written in
place with its time set back is noticed, and what a preview drew an `edition build` does not
draw again. Small PDF editions (three blank pages), real files, the build run in-process."""
from __future__ import annotations

import os

import pytest
from conftest import EPOCH
from test_beside import book_folder, build, pdf_edition


def test_a_cache_picture_written_in_place_with_its_time_set_back_is_drawn_again(tmp_path):
    """Same inode, same size, same mtime: only the ctime tells (it cannot be set back)."""
    from PIL import Image

    content = pdf_edition(tmp_path)
    out = tmp_path / "site"
    assert build(content, out).returncode == 0
    picture = book_folder(tmp_path / ".site.facsimile") / "2-800.webp"
    before = os.stat(picture)
    with open(picture, "r+b") as file:  # in place: the inode stays
        file.write(bytes(before.st_size))
    os.utime(picture, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(picture)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    result = build(content, out, "--full")
    assert result.returncode == 0, result.stderr
    assert f"{picture}: warning: not the picture drawn there (its bytes changed): drawn again" in result.stderr
    published = out / "pages" / "img" / "2-800.webp"
    assert published.read_bytes() != bytes(before.st_size)
    with Image.open(published) as image:
        assert image.format == "WEBP" and image.width == 800


def test_the_pictures_a_preview_drew_are_not_drawn_again_by_the_next_build(tmp_path, monkeypatch):
    from generator import build as pipeline
    from generator.serve import Preview

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)  # the preview draws into the cache beside ./site, the default site folder
    content = pdf_edition(tmp_path)
    preview = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    try:
        assert preview.last is not None and preview.last.drawn == 3
    finally:
        preview.close()
    assert pipeline.build(content, tmp_path / "site", search=False).drawn == 0  # 3 before: drawn again
    # and a build's own state, once there, keeps what it knows beside what the preview adds
    state = tmp_path / ".site.edition-state.json"
    written = state.read_bytes()
    preview = Preview(content, "127.0.0.1", 0, log=lambda message: None)
    try:
        assert preview.last is not None and preview.last.drawn == 0
    finally:
        preview.close()
    assert state.read_bytes() == written  # nothing drawn: the build's state untouched
    incremental = pipeline.build(content, tmp_path / "site", search=False)
    assert incremental.incremental and incremental.drawn == 0


def test_a_state_written_before_ctimes_were_recorded_keeps_its_pictures(tmp_path):
    """Five values a record (no ctime): read, matched by no file, so each picture is hashed once."""
    from generator import facsimile
    from generator import state as saved

    state = saved.State(**saved.identity(tmp_path, tmp_path / "site", False), generation="", revision="", sources={},
                        written={}, exports=[], files={}, cache="c", pictures={"a/1-800.webp": ("ab", 1, 2, 3, 4)})
    path = tmp_path / ".site.edition-state.json"
    path.write_text(saved.dumps(state), encoding="utf-8")
    read = saved.read(path, pictures_only=True)
    assert read is not None and facsimile.recorded(read.pictures["a/1-800.webp"]) == ("ab", 1, 2, 3, 4, -1)


def scan_edition(folder, tiles: bool = False):
    """A one-chapter edition whose facsimile is a folder of the editor's own pictures (one page)."""
    from PIL import Image

    content = folder / "content"
    content.mkdir()
    (content / "edition.toml").write_text('title = "Probe"\nurl = "https://example.org/probe/"\n[source]\n'
                                          'page_images = "scans"\n' + ("[facsimile]\ntiles = true\n" if tiles else ""),
                                          encoding="utf-8")
    (content / "kapitel.md").write_text("# Kapitel\n\n{{page 1}}\n\nText der Seite.\n", encoding="utf-8")
    (content / "scans").mkdir()
    Image.new("RGB", (300, 420), "white").save(content / "scans" / "1.png", compress_level=0)  # stored: any colour, one size
    return content


def overwrite_in_place(scan, colour, folder) -> None:
    """Write another picture of the same size over `scan`: same inode, size and mtime (only the
    ctime tells)."""
    from PIL import Image

    before = os.stat(scan)
    other = folder / "other.png"
    Image.new("RGB", (300, 420), colour).save(other, compress_level=0)
    assert other.stat().st_size == before.st_size
    with open(scan, "r+b") as file:  # in place: the inode stays
        file.write(other.read_bytes())
    os.utime(scan, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(scan)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)


@pytest.mark.parametrize("how", ["--full", "update"])
def test_a_scan_written_over_in_place_with_its_time_set_back_is_published_and_tiled_again(tmp_path, how):
    """An editor's own page picture ([source] page_images) is what its IIIF tiles are made of:
    written over in place with its mtime set back, the next build, full or an update, publishes
    the new picture and tiles it, not the old one's tiles from the cache."""
    from PIL import Image

    content = scan_edition(tmp_path, tiles=True)
    scan = content / "scans" / "1.png"
    out = tmp_path / "site"
    assert (result := build(content, out)).returncode == 0, result.stderr
    tile = out / "iiif" / "tiles" / "1" / "full" / "max" / "0" / "default.jpg"
    with Image.open(tile) as image:
        assert image.convert("L").getpixel((5, 5)) > 200
    overwrite_in_place(scan, (20, 20, 20), tmp_path)
    assert (result := build(content, out, *([how] if how == "--full" else []))).returncode == 0, result.stderr
    with Image.open(tile) as image:
        assert image.convert("L").getpixel((5, 5)) < 60
    assert (out / "pages" / "img" / "1.png").read_bytes() == scan.read_bytes()


def test_a_scan_edited_in_place_after_a_build_does_not_change_the_published_site(tmp_path):
    content = scan_edition(tmp_path)
    scan = content / "scans" / "1.png"
    out = tmp_path / "site"
    assert (result := build(content, out)).returncode == 0, result.stderr
    published = out / "pages" / "img" / "1.png"
    before = published.read_bytes()
    overwrite_in_place(scan, (20, 20, 20), tmp_path)
    assert published.read_bytes() == before  # published by the next build, not by the editor's save


def test_the_published_site_holds_no_hard_link_to_a_file_of_the_content_folder(tmp_path):
    """After a full build and after an update (its stage made of links to the live site)."""
    content = scan_edition(tmp_path)
    out = tmp_path / "site"
    theirs = {(p.stat().st_dev, p.stat().st_ino) for p in content.rglob("*") if p.is_file()}
    for extra in (["--full"], []):
        assert (result := build(content, out, *extra)).returncode == 0, result.stderr
        published = [p for p in out.rglob("*") if p.is_file()]
        assert any(p.suffix == ".png" for p in published)
        assert [p for p in published if (p.stat().st_dev, p.stat().st_ino) in theirs] == []
    assert all(p.stat().st_nlink == 1 for p in content.rglob("*") if p.is_file())
