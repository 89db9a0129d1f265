"""Full-text search: Pagefind's command line over the written HTML.

Its Python service API is not used: in pagefind 1.5 it sleeps 100 ms per message and hangs on
large indexes (shared/notes/pagefind.md). Pagefind never deletes old output, so the bundle
folder is removed first.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


class SearchError(Exception):
    pass


def index_site(site: Path, output: Path | None = None) -> str:
    """Index `site` into `site/pagefind` (or `output`); returns Pagefind's summary line."""
    output = output or site / "pagefind"
    shutil.rmtree(output, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "pagefind_bin", "--site", str(site), "--output-path", str(output)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SearchError("Pagefind failed: " + " | ".join(detail))
    summary = [line.strip() for line in result.stdout.splitlines() if "Indexed" in line]
    return "; ".join(summary)
