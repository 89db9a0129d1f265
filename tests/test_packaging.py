"""An installed (not editable) copy of the tool works on its own: every module and template is in the wheel."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

from conftest import CONTENT, ROOT


def test_the_wheel_carries_every_module_and_template_and_builds_the_edition(tmp_path):
    source = tmp_path / "source"  # a copy: setuptools would reuse (and leave) a build/ folder in the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "site", "node_modules", "out", "*.egg-info", "__pycache__", ".*cache*"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("druckedition-*.whl"))  # "edition" on PyPI is someone else's
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "generator").rglob("*.py")}
    templates = {"generator/" + p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()}
    assert modules - names == set() and templates - names == set()

    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    work = tmp_path / "elsewhere"  # no checkout around: templates must come from the package
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--content", str(CONTENT), "--no-search"],
                            cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert 'id="s6-1-p1"' in (work / "site" / "kleinstaaten" / "s6-1.html").read_text(encoding="utf-8")
    probe = subprocess.run([sys.executable, "-c", "import generator.render.site as s; print(s.TEMPLATES)"],
                           cwd=work, env=env, capture_output=True, text=True)
    assert probe.stdout.strip() == str(installed / "generator" / "templates")

    # A new user: `edition new`, `cd`, `edition build`: a site with its search index, outside any checkout.
    assert subprocess.run([sys.executable, "-m", "generator", "new", "my-edition"], cwd=work, env=env,
                          capture_output=True).returncode == 0
    started = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=work / "my-edition", env=env,
                             capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    assert (work / "my-edition" / "site" / "pagefind" / "pagefind.js").is_file()
    assert '<meta name="generator" content="druckedition ' in (work / "my-edition" / "site" / "index.html").read_text()
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: GPL-3.0-or-later" in text and "Requires-Dist: spylls" in text
    assert any(n.endswith("licenses/LICENSE") for n in names) and "generator/py.typed" in names
