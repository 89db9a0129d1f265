"""What `edition build` remembers between runs: after one chapter changed, the next build
re-renders and re-indexes only what that change affects, as the warm preview does.

The memory is one typed dataclass, `State`, stored as JSON beside the output folder
(`.site.edition-state.json` for `site/`), never inside it: it would be published. It is data
only: reading it runs no code (a pickle would run whatever whoever can write beside the site
put there), and every value is checked against the dataclass's types before it is used. It is
written only after a build was committed, and used only when it describes the site in the
folder: same tool version and code, content and output folder, search flag, and the very
generation of the site (the marker every commit writes anew). Anything else, or `--full`, gives
a full build, exactly as without it. A state that cannot be read is ignored, never an error;
a link or anything but a file at its name is (it is not the build's own: files.py).

It also records the hash of every picture drawn into the facsimile cache beside the site,
which a build trusts whatever else the state says (the pictures are checked against it before
they are published), and which a build that failed after drawing writes too.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator import __version__
from generator.diagnostics import Diagnostic
from generator.files import Folder, Missing, Refused
from generator.model import Chapter
from generator.stamps import tree_stamp

FORMAT = 4
CODE = Path(__file__).resolve().parent


@dataclasses.dataclass
class Source:
    """What a build knows of one source file without reading it again."""
    stamp: tuple[int, ...]
    outline: Chapter | None
    diagnostics: list[Diagnostic]


@dataclasses.dataclass
class State:
    format: int
    version: str
    code: str                      # digest of the generator's code
    content: str
    out: str
    search: bool
    generation: str                # the committed site it describes (output.Marker)
    revision: str                  # digest of config, search parts and templates of the pages
    sources: dict[str, Source]
    written: dict[str, str]        # page path → digest of the key it was rendered with
    exports: list[str]             # the citation files in the site
    files: dict[str, str]          # the site's own files (404.html, the TEI corpus …) → digest of their text
    cache: str                     # the facsimile cache beside the site that `pictures` describes
    # Each picture drawn into the cache: its sha256 and its file's device, inode, size and mtime when
    # drawn (checked before it is published; kept whether or not the rest of the state is trusted).
    pictures: dict[str, tuple[str, int, int, int, int]]


def state_path(out: Path) -> Path:
    out = out.resolve()
    return out.parent / f".{out.name}.edition-state.json"


def identity(content: Path, out: Path, search: bool) -> dict[str, Any]:
    """The fields a state must match to be trusted, besides the site's generation."""
    return {"format": FORMAT, "version": __version__, "code": tree_stamp(CODE, "*.py"),
            "content": str(content.resolve()), "out": str(out.resolve()), "search": search}


def read(path: Path) -> State | None:
    """The state stored at `path`, checked field by field; None if missing or not valid. A link
    or anything but a file there is refused (`Refused`): it is not the build's own."""
    try:
        with Folder(path.parent) as folder:
            data = folder.read(path.name, limit=2**30)
    except Refused as exc:
        if isinstance(exc, Missing):
            return None
        raise
    except OSError:
        return None
    try:
        state: State = decode(State, json.loads(data.decode("utf-8")))
        return state
    except (ValueError, TypeError, KeyError, RecursionError):
        return None


def write(path: Path, state: State, scratch: Path) -> None:
    """Atomically (written whole in `scratch`, a folder of the tool's own beside it, then renamed):
    a torn state is never read, and nothing planted at its name is written through."""
    with Folder(path.parent) as folder, Folder(scratch) as temporary:
        folder.replace(path.name, json.dumps(encode(state), separators=(",", ":")).encode("utf-8"), temporary)


# ---- a strict codec between dataclasses and JSON ---------------------------------------------

TAG = "@"  # the class of a dataclass value: inline content is a union of classes with like fields


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {TAG: type(value).__name__} | {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def decode(kind: Any, data: Any, hints: dict[type, dict[str, Any]] | None = None) -> Any:
    """`data` (parsed JSON) as a value of type `kind`; TypeError if it does not fit exactly.
    `hints`: each dataclass's field types, looked up once per decoding (not kept between them)."""
    hints = {} if hints is None else hints
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        named = isinstance(data, dict) and data.get(TAG)
        for option in args:
            if option is not type(None) and (not named or getattr(option, "__name__", "") == named):
                try:
                    return decode(option, data, hints)
                except (TypeError, KeyError, ValueError):
                    continue
        raise TypeError(f"{data!r} fits none of {kind}")
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(data, dict):
            raise TypeError(f"{kind.__name__}: not an object")
        types_of = hints.get(kind) or hints.setdefault(kind, typing.get_type_hints(kind))
        names = {f.name for f in dataclasses.fields(kind)}
        if data.get(TAG) != kind.__name__ or set(data) - {TAG} != names:
            raise TypeError(f"{kind.__name__}: fields {sorted((set(data) - {TAG}) ^ names)}")
        return kind(**{name: decode(types_of[name], data[name], hints) for name in names})
    if origin is dict:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        return {decode(args[0], k, hints): decode(args[1], v, hints) for k, v in data.items()}
    if origin in (list, tuple):
        if not isinstance(data, list):
            raise TypeError("not a list")
        if origin is list:
            return [decode(args[0], v, hints) for v in data]
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v, hints) for v in data)
        if len(args) != len(data):
            raise TypeError("wrong length")
        return tuple(decode(a, v, hints) for a, v in zip(args, data, strict=True))
    if kind is Path:
        if not isinstance(data, str):
            raise TypeError("not a path")
        return Path(data)
    if kind is Markup:
        if not isinstance(data, str):
            raise TypeError("not text")
        return Markup(data)
    if kind is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if kind in (str, int, bool, float):
        if type(data) is not kind:
            raise TypeError(f"{data!r} is not {kind.__name__}")
        return data
    if kind is typing.Any:
        return data
    raise TypeError(f"cannot decode {kind}")
