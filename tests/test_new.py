"""`edition new`: a working edition to start from, and nothing of the user's overwritten."""
from __future__ import annotations

import re

import pytest
from conftest import run_cli
from sitecheck import check_site


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_new_edition_builds_at_once_and_shows_the_source_format(tmp_path, language):
    folder = tmp_path / "meine-edition"
    created = run_cli("new", str(folder), "--language", language)
    assert created.returncode == 0, created.stderr
    built = run_cli("build", cwd=folder)  # `cd DIR && edition build`
    assert built.returncode == 0 and not built.stderr, built.stderr
    site = folder / "site"
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / ".nojekyll").is_file()
    pages = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html") if "pagefind" not in p.parts)
    for construct in ('id="s1"', 'class="fnref"', 'class="pb"', 'class="ed-gap-note"', 'class="ed-add"',
                      '<figure class="figure">', 'id="intro-p1"', f'lang="{language}"'):
        assert construct in pages, construct
    assert re.search(r'href="\.\./02-[a-z]+/s1\.html#s1"', pages)  # the link to the other chapter
    assert check_site(site) == []
    config = (folder / "content" / "edition.toml").read_text(encoding="utf-8")
    for key in ("url", "authors", "book_title", "editors", "publisher", "place", "year", "first_page", "last_page",
                "order", "exclude", "part_mb"):
        assert re.search(rf"^# {key} = ", config, re.M), key


def test_new_refuses_a_folder_with_files_but_not_one_with_dotfiles(tmp_path):
    folder = tmp_path / "vorhanden"
    (folder / ".git").mkdir(parents=True)
    assert run_cli("new", str(folder)).returncode == 0  # a fresh repository is fine
    again = run_cli("new", str(folder))
    assert again.returncode == 1 and "not an empty folder" in again.stderr and "Traceback" not in again.stderr
    other = tmp_path / "andere"
    other.mkdir()
    (other / "notizen.txt").write_text("meins")
    assert run_cli("new", str(other)).returncode == 1
    assert (other / "notizen.txt").read_text() == "meins" and not (other / "content").exists()


def test_the_publishing_workflow_has_what_github_pages_needs(tmp_path):
    folder = tmp_path / "e"
    assert run_cli("new", str(folder)).returncode == 0
    workflow = (folder / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    for needed in ("on:\n  push:\n    branches: [main]", "pages: write", "id-token: write",
                   "uses: actions/checkout@v4", "uses: actions/setup-python@v5",
                   "run: python -m pip install -r requirements.txt", "run: edition build --strict",
                   "uses: actions/upload-pages-artifact@v3\n        with:\n          path: site",
                   "needs: build", "uses: actions/deploy-pages@v4", "url: ${{ steps.deployment.outputs.page_url }}"):
        assert needed in workflow, needed
    assert "\t" not in workflow  # YAML indents with spaces
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8")
    assert not re.search(r"^edition\b", requirements, re.M)  # never the name someone else owns on PyPI
    assert re.search(r"^druckedition @ ", requirements, re.M)
    ignored = (folder / ".gitignore").read_text(encoding="utf-8")
    assert "/site/" in ignored and "/.site.*" in ignored
