"""`edition new`: a working edition to start from, and nothing of the user's overwritten."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from conftest import ROOT, run_cli
from sitecheck import check_site

from generator import __version__


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
    assert "example.invalid" not in requirements
    named = re.findall(r"^druckedition(?: @ |==).+$", requirements, re.M)
    printed = run_cli("new", str(tmp_path / "f")).stdout
    if named:  # what CI installs, and `edition new` says so
        assert f"requirements.txt (what the publishing workflow installs): {named[0]}" in printed
    else:  # not known here (a checkout without a public remote): the file and the command say what to put there
        assert "# NOT KNOWN when this edition was made: " in requirements
        assert "requirements.txt must name the tool before the publishing workflow can run: " in printed
    ignored = (folder / ".gitignore").read_text(encoding="utf-8")
    assert "/site/" in ignored and "/.site.*" in ignored


def _git(*args: str, cwd) -> str:
    env = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@example.org", "HOME": str(cwd), "PATH": os.environ["PATH"]}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def tool_checkout(tmp_path):
    """A git checkout of the tool (its pyproject.toml and generator/), one commit."""
    if not shutil.which("git"):
        pytest.fail("git is needed") if os.environ.get("CI") else pytest.skip("no git")
    tool = tmp_path / "druckedition"
    (tool / "generator").mkdir(parents=True)
    (tool / "pyproject.toml").write_text('[project]\nname = "druckedition"\n')
    _git("init", "-q", "-b", "main", cwd=tool)
    _git("add", ".", cwd=tool)
    _git("commit", "-q", "-m", "tool", cwd=tool)
    return tool, _git("rev-parse", "HEAD", cwd=tool)


@pytest.mark.parametrize("remote, public", [
    ("https://editor:s3cret-token@github.com/ed/druckedition.git", "https://github.com/ed/druckedition.git"),
    ("git@codeberg.org:ed/druckedition.git", "https://codeberg.org/ed/druckedition.git"),
    ("ssh://git@gitlab.com/ed/druckedition", "https://gitlab.com/ed/druckedition"),
])
def test_requirements_name_the_checkout_the_tool_runs_from(tool_checkout, remote, public):
    from generator.new import requirement, requirements_text

    tool, commit = tool_checkout
    _git("remote", "add", "origin", remote, cwd=tool)
    found = requirement(tool / "generator", origin=None)
    assert found.line == f"druckedition @ git+{public}@{commit}"  # no password or token: the file is published
    assert "push that commit to origin" in found.said  # never fetched: git cannot know it is there
    # as fetched: the remote's branch is this commit (written as `git fetch` would, packed)
    (tool / ".git" / "packed-refs").write_text(f"# pack-refs with: peeled\n{commit} refs/remotes/origin/main\n")
    assert "push" not in requirement(tool / "generator", origin=None).said
    # a worktree of the checkout (.git is a file naming the repository's folder) reads the same remote
    _git("worktree", "add", "-q", "-b", "other", str(tool.parent / "wt"), cwd=tool)
    (tool.parent / "wt" / "generator").mkdir(exist_ok=True)
    assert requirement(tool.parent / "wt" / "generator", origin=None).line == found.line
    # installed (not editable) from the checkout: pip's record names the folder
    site = tool.parent / "venv" / "site-packages" / "generator"
    site.mkdir(parents=True)
    record = {"url": tool.as_uri(), "dir_info": {}}
    assert requirement(site, origin=record).line == found.line
    assert requirements_text(found).splitlines()[-1] == found.line


def test_requirements_say_what_to_put_there_when_the_source_is_unknown(tool_checkout, tmp_path):
    from generator.new import requirement, requirements_text

    tool, commit = tool_checkout
    alone = requirement(tool / "generator", origin=None)  # a checkout without a remote
    assert alone.line is None and f"druckedition @ git+ADDRESS@{commit}" in alone.said
    _git("remote", "add", "origin", str(tmp_path / "elsewhere"), cwd=tool)  # `git clone /some/folder`
    local = requirement(tool / "generator", origin=None)
    assert local.line is None and "a folder on this computer" in local.said and "CI" in local.said
    text = requirements_text(local)
    assert not [line for line in text.splitlines() if line and not line.startswith("#")]  # CI fails, never guesses
    assert "NOT KNOWN" in text and "example.invalid" not in text
    # a wheel or folder on this computer, no checkout: the wheel to commit is named
    wheel = requirement(tmp_path / "venv" / "generator", origin={"url": "file:///tmp/d.whl", "archive_info": {}})
    assert wheel.line is None and "./druckedition-" in wheel.said and "file:///tmp/d.whl" in wheel.said
    # a site-packages folder inside another repository (the edition's own, with its .venv) is not the tool's
    (tmp_path / "edition" / ".venv" / "generator").mkdir(parents=True)
    _git("init", "-q", cwd=tmp_path / "edition")
    assert requirement(tmp_path / "edition" / ".venv" / "generator", origin=None).line == f"druckedition=={__version__}"


def test_requirements_name_pips_own_record_of_a_git_install_or_a_web_wheel(tmp_path):
    from generator.new import requirement

    record = {"url": "https://user:pw@github.com/ed/druckedition", "vcs_info": {"vcs": "git", "commit_id": "a" * 40}}
    assert requirement(tmp_path, origin=record).line == f"druckedition @ git+https://github.com/ed/druckedition@{'a' * 40}"
    web = {"url": "https://example.org/druckedition-0.4.0-py3-none-any.whl", "archive_info": {}}
    assert requirement(tmp_path, origin=web).line == "druckedition @ https://example.org/druckedition-0.4.0-py3-none-any.whl"


def test_ingest_into_a_new_editions_content_says_what_it_shares_the_folder_with(tmp_path):
    # The README says to remove the sample content before ingest; an editor who did not got the
    # samples built into the book, and a facsimile that never showed (the edition.toml is theirs,
    # never rewritten, and named no PDF), without a word.
    assert run_cli("new", str(tmp_path / "ed")).returncode == 0
    book = ROOT / "tests" / "fixtures" / "corpus" / "tuning" / "tuning-typst-paket.pdf"
    done = run_cli("ingest", str(book), "--into", str(tmp_path / "ed" / "content"))
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr
    assert "01-einleitung.md, 02-kapitel.md: chapter source(s) ingest did not write" in said
    assert 'edition.toml: notice: the file is yours and stays as it is: to show the book\'s pages beside its text, set ' \
           'pdf = "tuning-typst-paket.pdf" under [source]' in said
    alone = run_cli("ingest", str(book), "--into", str(tmp_path / "book"))   # its own folder: nothing to say
    assert alone.returncode == 0 and "notice" not in alone.stdout + alone.stderr
