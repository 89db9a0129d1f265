"""`edition new DIR`: a working edition to start from, as `mkdocs new` or `hugo new site` give.

It writes `content/edition.toml` with every key explained (from the schema, so it never lags
behind), two short chapters that show the source format, a picture, `.gitignore`, the pip
requirement the tool was installed from, and a CI workflow that publishes the site to GitHub
Pages (relative URLs: any sub-path works). It refuses a folder that has files in it (dotfiles
such as `.git` aside), so nothing of the user's is overwritten.
"""
from __future__ import annotations

import json
import typing
from dataclasses import MISSING, fields, is_dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

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


def new_edition(folder: Path, language: str = "de") -> list[Path]:
    """Write a new edition into `folder` (made if absent); returns the files written."""
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
        folder / "requirements.txt": requirement(),
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


def requirement() -> str:
    """How CI installs the tool: from where this copy came (PEP 610), never by a name on PyPI
    that someone else could own."""
    lines = ["# The tool that builds this edition, for CI (.github/workflows/publish.yml)."]
    try:
        origin = json.loads(metadata.distribution(DISTRIBUTION).read_text("direct_url.json") or "null")
    except metadata.PackageNotFoundError:
        origin = None
    vcs = (origin or {}).get("vcs_info")
    if vcs:
        lines.append(f"{DISTRIBUTION} @ {vcs['vcs']}+{origin['url']}@{vcs['commit_id']}")
    else:
        lines += [f"# {DISTRIBUTION} {__version__} was installed here from a local folder or wheel, which CI cannot",
                  "# reach: replace the line below by the tool's repository or by a wheel committed beside this file",
                  f"# (./{DISTRIBUTION}-{__version__}-py3-none-any.whl). Not by name: nobody here owns it on PyPI.",
                  f"{DISTRIBUTION} @ git+https://example.invalid/REPLACE-WITH-THE-TOOL-REPOSITORY"]
    return "\n".join(lines) + "\n"
