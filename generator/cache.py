"""What `edition build` remembers between runs: after one chapter changed, the next build
re-renders and re-indexes only what that change affects, as the warm preview does.

The memory is the builder's own state (each source's stamp and outline, each page's key, the
citation files, the revision the pages were made with), pickled beside the output folder (`.site.edition-cache` for `site/`), never inside
it: it would be published. It is used only when everything it describes is unchanged: its
format, the generator's code, the content folder, the output folder, and the very site it was
made with (the marker file a full build writes anew). Anything else, or `--full`, gives a full
build, exactly as without it. A cache that cannot be read is ignored, never an error.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

from generator.output import MARKER
from generator.stamps import tree_stamp

FORMAT = 1
# What a build cannot recompute. Not the links and search parts (every build derives them
# again), nor the plan and link memos (recomputing them is cheaper than reading them back).
STATE = ("sources", "written", "revision", "exports")
CODE = Path(__file__).resolve().parent


def cache_path(out: Path) -> Path:
    out = out.resolve()
    return out.parent / f".{out.name}.edition-cache"


def restore(builder) -> bool:
    """Give a fresh builder the state the last build left; False if there is none to trust."""
    try:
        with cache_path(builder.out).open("rb") as file:
            header, state = pickle.load(file)
    except Exception:  # noqa: BLE001 - missing, truncated, or from another version: build in full
        return False
    if header != _header(builder) or set(state) != set(STATE):
        return False
    for name in STATE:
        setattr(builder, name, state[name])
    return True


def save(builder) -> None:
    """Remember the state of a successful build (atomically: a torn cache is never read)."""
    for entry in builder.sources.values():
        entry.full = None  # the text is re-read when needed: the cache holds outlines only
    path = cache_path(builder.out)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with temp.open("wb") as file:
        pickle.dump((_header(builder), {name: getattr(builder, name) for name in STATE}), file,
                    protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temp, path)


def _header(builder) -> tuple:
    try:
        marker = (builder.out / MARKER).stat()
    except OSError:
        return ()  # no site to update: never matches
    return (FORMAT, tree_stamp(CODE, "*.py"), str(builder.content.resolve()), str(builder.out.resolve()),
            builder.search, marker.st_ino, marker.st_mtime_ns)
