"""The code's own gates: mypy and ruff as configured in pyproject.toml, clean."""
from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.parametrize("command", [
    ["mypy"],                                        # the package, as [tool.mypy] says
    ["ruff", "check", "generator", "tests", "bench"],
])
def test_code_passes_its_checkers(command):
    result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if "No module named" in result.stderr:
        pytest.fail(f"{command[0]} is missing: install the test extras (pip install -e '.[test]')")
    assert result.returncode == 0, result.stdout + result.stderr
