"""`edition new DIR`: a working edition to start from, as `mkdocs new` or `hugo new site` give.

It writes `content/edition.toml` with every key explained (from the schema, so it never lags
behind), two short chapters that show the source format, a picture, `.gitignore`, the pip
requirement the tool was installed from, and a CI workflow that publishes the site to GitHub
Pages (relative URLs: any sub-path works). It refuses a folder that has files in it (dotfiles
such as `.git` aside), so nothing of the user's is overwritten.
"""
from __future__ import annotations

import json
import re
import typing
from dataclasses import MISSING, dataclass, fields, is_dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from generator import DISTRIBUTION, __version__
from generator.config import Config
from generator.diagnostics import Diagnostic, EditionError

CHAPTERS = {
    "de": {
        "01-einleitung.md": """+++
authors = ["Muster, Erika"]
+++
# Einleitung

Text vor dem ersten Abschnitt ist die Einleitung des Kapitels: nummeriert und zitierbar.

## 1. Ein Abschnitt mit Druckseiten

{{page 1}}Jeder Absatz erhält eine Nummer und einen Anker. Eine Anmerkung behält die Nummer des
Drucks.[^1] Hier beginnt {{page 2}}mitten im Satz die zweite Druckseite.

Eine Lücke in der Vorlage: {{gap: eine Zeile unleserlich}}. Eine Ergänzung der Herausgabe: {{add sic}}.

![Ein graues Signet](bilder/signet.svg "Abb. 1: Ein Signet")

Weiter geht es im [zweiten Kapitel](02-kapitel.md#s1).

[^1]: Die Anmerkung steht am Ende des Abschnitts und öffnet sich über ihrer Nummer.
""",
        "02-kapitel.md": """# Zweites Kapitel

## 1. Ein nummerierter Abschnitt

{{page 3}}Der Abschnitt heißt `s1`, weil er die Nummer 1 trägt; die Überschrift darf sich ändern.

> Ein Zitat mit Anmerkung.[^2]

[^2]: Anmerkungen dürfen überall stehen: im Text, in Zitaten, Listen und Überschriften.
""",
    },
    "en": {
        "01-introduction.md": """+++
authors = ["Doe, Jane"]
+++
# Introduction

Text before the first section is the chapter's introduction: numbered and citable.

## 1. A section with printed pages

{{page 1}}Every paragraph gets a number and an anchor. A note keeps its printed number.[^1]
Here the second printed page begins {{page 2}}in the middle of a sentence.

A gap in the source: {{gap: one line illegible}}. An editorial addition: {{add sic}}.

![A grey emblem](images/emblem.svg "Fig. 1: An emblem")

It goes on in the [second chapter](02-chapter.md#s1).

[^1]: The note stands at the end of the section and opens above its number.
""",
        "02-chapter.md": """# Second chapter

## 1. A numbered section

{{page 3}}This section is `s1` because it carries the number 1; its heading may change.

> A quotation with a note.[^2]

[^2]: Notes may stand anywhere: in the text, in quotations, lists and headings.
""",
    },
}
PICTURE = {"de": "bilder/signet.svg", "en": "images/emblem.svg"}
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
       '<circle cx="60" cy="60" r="56" fill="#888"/></svg>\n')
TITLES = {"de": ("Meine Edition", "Digitale Edition nach dem Druck"),
          "en": ("My edition", "A digital edition of a printed book")}

GITIGNORE = """# Build output and the state `edition build` keeps beside it
/site/
/.site.*
.venv/
__pycache__/
"""

WORKFLOW = """# Builds the edition and publishes it on GitHub Pages (Settings → Pages → Source: GitHub Actions).
# The site uses relative addresses only, so it works under any sub-path (user.github.io/repository/).
name: Publish the edition

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      # The tool comes from requirements.txt: where it was installed from when the edition was made.
      - run: python -m pip install -r requirements.txt
      - run: edition build --strict
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def new_edition(folder: Path, language: str = "de", tool: Requirement | None = None) -> list[Path]:
    """Write a new edition into `folder` (made if absent); returns the files written. `tool`:
    what requirements.txt names (default: where this copy of the tool came from)."""
    if language not in CHAPTERS:
        raise EditionError([Diagnostic(str(folder), None, "error", f"--language must be one of {', '.join(CHAPTERS)}")])
    if folder.exists() and (not folder.is_dir() or any(not p.name.startswith(".") for p in folder.iterdir())):
        raise EditionError([Diagnostic(str(folder), None, "error", "not an empty folder: `edition new` writes only "
                                       "into a new or empty one (dotfiles such as .git may be there)")])
    content = folder / "content"
    title, subtitle = TITLES[language]
    files: dict[Path, str] = {
        content / "edition.toml": commented_config(title, subtitle, language),
        content / PICTURE[language]: SVG,
        folder / ".gitignore": GITIGNORE,
        folder / "requirements.txt": requirements_text(tool or requirement()),
        folder / ".github" / "workflows" / "publish.yml": WORKFLOW,
    }
    files |= {content / name: text for name, text in CHAPTERS[language].items()}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:  # never over an existing file
            file.write(text)
    return sorted(files)


def commented_config(title: str, subtitle: str, language: str) -> str:
    """edition.toml with every key of the schema, explained; the optional ones commented out."""
    lines = ["# The edition's settings. Every key is listed; remove the '#' to set one.",
             f"title = {json.dumps(title, ensure_ascii=False)}",
             f"subtitle = {json.dumps(subtitle, ensure_ascii=False)}",
             f"language = {json.dumps(language)}"]
    lines += _keys(Config, done={"title", "subtitle", "language"})
    return "\n".join(lines) + "\n"


def _keys(kind: type, done: set[str], table: str = "") -> list[str]:
    lines: list[str] = []
    hints = typing.get_type_hints(kind)
    nested = []
    for field in fields(kind):
        if field.metadata.get("internal") or field.name in done:
            continue
        hint = hints[field.name]
        if isinstance(hint, type) and is_dataclass(hint):
            nested.append((field.name, hint))
            continue
        factory = field.default_factory
        default = field.default if field.default is not MISSING else factory() if callable(factory) else ""
        lines.append(f"# {field.name} = {_toml(default)}  # {field.metadata.get('doc', '')}".rstrip(" #"))
    for name, hint in nested:
        lines += ["", f"[{table + name}]"] + _keys(hint, set(), f"{table}{name}.")
    return lines


def _toml(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Requirement:
    """What requirements.txt names as the tool (`line`, None when it is not known) and what
    `edition new` tells the editor about it."""
    line: str | None
    said: str


def requirement(package: Path | None = None, origin: dict | bool | None = True) -> Requirement:
    """Where CI installs the tool from: where this copy came from, never a name on PyPI that
    someone else could own. In order: pip's record of a git URL (PEP 610: `pip install
    git+…`); the git checkout the package lies in, or was installed from (its remote's address
    and the commit checked out, read from `.git`: no git command, no network); a wheel from a
    web address; a copy installed from a package index (name and version). `package`: the
    `generator` package's folder; `origin`: the distribution's direct_url.json (True: read it)."""
    package = package or Path(__file__).resolve().parent
    if origin is True:
        origin = _direct_url()
    origin = origin if isinstance(origin, dict) else None
    vcs = (origin or {}).get("vcs_info")
    if vcs and origin:
        url = public_url(origin["url"])
        return Requirement(f"{DISTRIBUTION} @ {vcs['vcs']}+{url}@{vcs['commit_id']}", f"pip installed it from {url}")
    places = [package.parent]
    folder = (origin or {}).get("url", "")
    if "dir_info" in (origin or {}) and folder.startswith("file://"):
        places.append(Path(unquote(urlsplit(folder).path)))
    for place in places:
        # the tool's own source tree (a site-packages folder may lie in some other repository)
        checkout = git_checkout(place) if (place / "pyproject.toml").is_file() else None
        if checkout is None:
            continue
        remote, url, commit, pushed = checkout
        if not commit:
            continue
        if not url:
            return Requirement(None, f"its git checkout {place} has no remote: put the address where the tool's "
                                     f"repository is published there, as `{DISTRIBUTION} @ git+ADDRESS@{commit}`")
        if not re.match(r"(https?|ssh|git)://", url):
            return Requirement(None, f"its git checkout's remote {remote} is a folder on this computer ({url}), which CI "
                                     f"cannot reach: put the address where the tool's repository is published there, "
                                     f"as `{DISTRIBUTION} @ git+ADDRESS@{commit}`")
        said = f"the commit {commit[:12]} of {url}, the remote {remote} of the checkout it runs from"
        if not pushed:
            said += f" (push that commit to {remote} before CI runs)"
        return Requirement(f"{DISTRIBUTION} @ git+{url}@{commit}", said)
    archive = (origin or {}).get("url", "")
    if "archive_info" in (origin or {}) and archive.startswith("https://"):
        return Requirement(f"{DISTRIBUTION} @ {archive}", f"pip installed it from {archive}")
    if origin is None and _installed():
        return Requirement(f"{DISTRIBUTION}=={__version__}", "the package index pip installed it from (pass that index "
                                                               "to pip in the workflow if it is not PyPI)")
    return Requirement(None, f"it was installed from a folder or wheel on this computer ({folder or archive or package}), "
                             f"which CI cannot reach: put the tool's repository there, as `{DISTRIBUTION} @ "
                             f"git+https://…@COMMIT`, or commit its wheel beside requirements.txt and name it "
                             f"(`./{DISTRIBUTION}-{__version__}-py3-none-any.whl`)")


def requirements_text(found: Requirement) -> str:
    lines = ["# The tool that builds this edition, for CI (.github/workflows/publish.yml): what"
             " `pip install -r requirements.txt` installs.",
             "# Never the bare name `edition` (someone else's project on PyPI)."]
    if found.line:
        return "\n".join(lines + [f"# From {found.said}.", found.line]) + "\n"
    return "\n".join(lines + [f"# NOT KNOWN when this edition was made: {found.said}.",
                              "# CI fails until a line here names the tool."]) + "\n"


def _direct_url() -> dict | None:
    try:
        return json.loads(metadata.distribution(DISTRIBUTION).read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        return None


def _installed() -> bool:
    try:
        metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return False
    return True


def public_url(url: str) -> str:
    """A remote's address as CI can fetch it, without credentials: `git@host:path` and
    `ssh://git@host/path` become `https://host/path` (public repositories are read over
    https), a user name and password in an address are dropped (requirements.txt is published
    with the edition)."""
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):(?!//)(.+)", url)
    if scp:
        return f"https://{scp.group(1)}/{scp.group(2)}"
    parts = urlsplit(url)
    if parts.scheme in ("ssh", "git", "git+ssh"):
        return f"https://{parts.hostname}{parts.path}"
    if parts.scheme in ("http", "https") and parts.hostname:
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit((parts.scheme, parts.hostname + port, parts.path, "", ""))
    return url


def git_checkout(place: Path) -> tuple[str, str, str, bool] | None:
    """The git checkout `place` lies in, read from its `.git` (a folder, or a worktree's file
    naming one): (remote name, its public address or "", the commit checked out, whether that
    commit is the tip of one of the remote's branches as last fetched). None outside one."""
    for folder in [place, *place.parents]:
        dot = folder / ".git"
        if dot.is_dir():
            gitdir = dot
        elif dot.is_file():
            match = re.match(r"gitdir: (.+)", dot.read_text(encoding="utf-8", errors="replace").strip())
            if not match:
                return None
            gitdir = (folder / match.group(1)).resolve()
        else:
            continue
        common = gitdir
        if (gitdir / "commondir").is_file():
            common = (gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()).resolve()
        return _read_git(gitdir, common)
    return None


def _read_git(gitdir: Path, common: Path) -> tuple[str, str, str, bool]:
    refs = _refs(common)
    head = _read(gitdir / "HEAD")
    branch = head[5:].strip() if head.startswith("ref: ") else ""
    commit = refs.get(branch, "") if branch else head
    config = _git_config(_read(common / "config"))
    remotes = [name for (section, name) in config if section == "remote" and name and "url" in config[(section, name)]]
    wanted = config.get(("branch", branch.removeprefix("refs/heads/")), {}).get("remote")
    remote = wanted if wanted in remotes else "origin" if "origin" in remotes else remotes[0] if remotes else ""
    url = public_url(config[("remote", remote)]["url"]) if remote else ""
    pushed = any(ref.startswith(f"refs/remotes/{remote}/") and sha == commit for ref, sha in refs.items())
    return remote, url, commit if re.fullmatch(r"[0-9a-f]{40}", commit) else "", pushed


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def _refs(common: Path) -> dict[str, str]:
    """Every ref → its commit: packed-refs, then the loose ones (which win)."""
    refs: dict[str, str] = {}
    for line in _read(common / "packed-refs").splitlines():
        sha, _, name = line.partition(" ")
        if re.fullmatch(r"[0-9a-f]{40}", sha) and name:
            refs[name] = sha
    base = common / "refs"
    if base.is_dir():
        for path in base.rglob("*"):
            if path.is_file() and not path.is_symlink():
                refs[path.relative_to(common).as_posix()] = _read(path)
    return refs


def _git_config(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """git's config file, as far as a remote and a branch go: (section, subsection) → keys."""
    config: dict[tuple[str, str], dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        header = re.match(r'\s*\[([\w.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\]', line)
        if header:
            current = config.setdefault((header.group(1).lower(), header.group(2) or ""), {})
            continue
        value = re.match(r"\s*([\w-]+)\s*=\s*(.*?)\s*$", line)
        if value:
            current.setdefault(value.group(1).lower(), value.group(2).strip('"'))
    return config
