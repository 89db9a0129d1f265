"""A tiny fixture edition built and compared whole with its expected output.

Refresh after an intended change with:  UPDATE_GOLDEN=1 pytest tests/test_golden.py
then read the diff (git diff tests/fixtures/golden) before committing it.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

GOLDEN = FIXTURES / "golden"


def normalised(site: Path) -> dict[str, str]:
    """Every output file except Pagefind's (not byte-stable) and the static assets."""
    files = {}
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if path.is_file() and not relative.startswith(("pagefind/", "static/")) and relative != ".edition-site":
            files[relative] = re.sub(r"[ \t]+\n", "\n", path.read_text(encoding="utf-8"))
    return files


@pytest.fixture(scope="module")
def golden_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("golden") / "site"
    result = run_cli("build", "--content", str(GOLDEN / "content"), "--out", str(site), "--no-search")
    assert result.returncode == 0, result.stderr
    return site


def test_golden_edition_output_is_unchanged(golden_site):
    actual = normalised(golden_site)
    expected_dir = GOLDEN / "expected"
    if os.environ.get("UPDATE_GOLDEN"):
        for old in expected_dir.rglob("*"):
            if old.is_file():
                old.unlink()
        for name, text in actual.items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_text(text, encoding="utf-8")
    expected = {p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(expected_dir.rglob("*")) if p.is_file()}
    assert sorted(actual) == sorted(expected)
    for name, text in expected.items():
        assert actual[name] == text, f"{name} differs; refresh with UPDATE_GOLDEN=1 if intended"


def test_golden_edition_keeps_print_numbers_and_escapes_hostile_input(golden_site):
    expected = golden_site / "probe"  # what the generator makes now, not the stored expectation
    section = (expected / "s1.html").read_text(encoding="utf-8")
    assert "<sup>3</sup>" in section and 'id="fn-3"' in section  # print number 3, not renumbered to 1
    assert "&lt;script&gt;" in section and "<script>alert" not in section
    assert 'href="javascript:' not in section
    assert 'id="seite-42"' in section and "S. 41–42, Abs. 2" in section
    sub = (expected / "eigene-id.html").read_text(encoding="utf-8")
    assert "<sup>a</sup>" in sub and '<span class="ed-add"' in sub and 'class="gap"' in sub
    chapter = (expected / "index.html").read_text(encoding="utf-8")
    assert '<meta name="citation_author" content="Muster, Erika">' in chapter
    assert '<meta name="citation_firstpage" content="41">' in chapter
    assert "Probe: Kleinstaaten &amp; &lt;Bündnisse&gt;" in chapter
    assert 'https://edition.example/probe/probe/s1.html#s1-p1' in section
