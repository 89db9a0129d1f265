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
from collections.abc import Callable
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
    # Each picture drawn into the cache: its sha256 and its file's device, inode, size, mtime and
    # ctime when drawn (checked before it is published; kept whether or not the rest of the state
    # is trusted). A state written before ctimes were recorded has five values: read too.
    pictures: dict[str, tuple[str, int, int, int, int, int] | tuple[str, int, int, int, int]]


def state_path(out: Path) -> Path:
    out = out.resolve()
    return out.parent / f".{out.name}.edition-state.json"


def identity(content: Path, out: Path, search: bool) -> dict[str, Any]:
    """The fields a state must match to be trusted, besides the site's generation."""
    return {"format": FORMAT, "version": __version__, "code": tree_stamp(CODE, "*.py"),
            "content": str(content.resolve()), "out": str(out.resolve()), "search": search}


def read(path: Path, pictures_only: bool = False) -> State | None:
    """The state stored at `path`, checked field by field; None if missing or not valid. A link
    or anything but a file there is refused (`Refused`): it is not the build's own.
    `pictures_only`: for a build that trusts nothing else of it (`--full`, the preview): the
    sources' outlines (most of a large book's state) are left out, not decoded."""
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
        fields = json.loads(data.decode("utf-8"))
        if pictures_only and isinstance(fields, dict):
            fields["sources"] = {}
        state: State = decode(State, fields)
        return state
    except (ValueError, TypeError, KeyError, RecursionError):
        return None


def write(path: Path, state: State, scratch: Path) -> None:
    """Atomically (written whole in `scratch`, a folder of the tool's own beside it, then renamed):
    a torn state is never read, and nothing planted at its name is written through."""
    with Folder(path.parent) as folder, Folder(scratch) as temporary:
        folder.replace(path.name, dumps(state).encode("utf-8"), temporary)


# ---- a strict codec between dataclasses and JSON ---------------------------------------------
# A large book's state holds thousands of outlines (a quarter of a million values at 1,000
# chapters): the codec is built once per call for the types it meets (a closure per type),
# not interpreted per value, and JSON's own encoder walks the values (measured: 6x faster).

TAG = "@"  # the class of a dataclass value: inline content is a union of classes with like fields


def dumps(value: Any) -> str:
    """`value` as JSON: a dataclass as an object tagged with its class, its fields in order;
    tuples, lists and sets as lists; paths as text."""
    names: dict[type, tuple[str, ...]] = {}  # each dataclass's field names, for this call only

    def plain(item: Any) -> Any:
        kind = type(item)
        fields = names.get(kind)
        if fields is None and dataclasses.is_dataclass(kind):
            fields = names[kind] = tuple(f.name for f in dataclasses.fields(kind))
        if fields is not None:
            return {TAG: kind.__name__} | {name: getattr(item, name) for name in fields}
        if isinstance(item, (set, frozenset)):
            return list(item)
        if isinstance(item, Path):
            return str(item)
        raise TypeError(f"cannot encode {kind.__name__}")

    return json.dumps(value, default=plain, separators=(",", ":"))  # ASCII: a path may hold surrogates


def encode(value: Any) -> Any:
    """`value` as the JSON data `dumps` writes."""
    return json.loads(dumps(value))


Decoder = Callable[[Any], Any]


def decode(kind: Any, data: Any) -> Any:
    """`data` (parsed JSON) as a value of type `kind`; TypeError if it does not fit exactly."""
    return decoder(kind, {})(data)


def decoder(kind: Any, made: dict[Any, Decoder]) -> Decoder:
    """The function that turns JSON data into a value of type `kind`, or raises TypeError if it
    does not fit exactly. `made`: the decoders made so far in this decoding (types nest and
    recur: a block holds blocks)."""
    if kind in made:
        return made[kind]
    late: list[Decoder] = []

    def forward(data: Any) -> Any:  # while `kind`'s own decoder is made: it may contain itself
        return late[0](data)
    made[kind] = forward
    function = _make(kind, made)
    late.append(function)
    made[kind] = function
    return function


def _make(kind: Any, made: dict[Any, Decoder]) -> Decoder:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return _union(args, made)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind, made)
    if origin is dict:
        key, value = decoder(args[0], made), decoder(args[1], made)

        def mapping(data: Any) -> Any:
            if not isinstance(data, dict):
                raise TypeError("not an object")
            return {key(k): value(v) for k, v in data.items()}
        return mapping
    if origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        item, make = decoder(args[0], made), origin

        def sequence(data: Any) -> Any:
            if not isinstance(data, list):
                raise TypeError("not a list")
            return make(item(v) for v in data) if make is tuple else [item(v) for v in data]
        return sequence
    if origin is tuple:
        items = [decoder(arg, made) for arg in args]

        def fixed(data: Any) -> Any:
            if not isinstance(data, list):
                raise TypeError("not a list")
            if len(items) != len(data):
                raise TypeError("wrong length")
            return tuple(item(v) for item, v in zip(items, data, strict=True))
        return fixed
    if kind in (Path, Markup):
        def text(data: Any) -> Any:
            if not isinstance(data, str):
                raise TypeError("not text")
            return kind(data)
        return text
    if kind is float:
        def number(data: Any) -> Any:
            if type(data) is int:
                return float(data)
            if type(data) is not float:
                raise TypeError(f"{data!r} is not float")
            return data
        return number
    if kind in (str, int, bool):
        def exact(data: Any) -> Any:
            if type(data) is not kind:
                raise TypeError(f"{data!r} is not {kind.__name__}")
            return data
        return exact
    if kind is typing.Any:
        return lambda data: data
    raise TypeError(f"cannot decode {kind}")


def _union(args: tuple[Any, ...], made: dict[Any, Decoder]) -> Decoder:
    optional = type(None) in args
    options = [(getattr(option, "__name__", ""), decoder(option, made)) for option in args if option is not type(None)]

    def union(data: Any) -> Any:
        if data is None and optional:
            return None
        named = isinstance(data, dict) and data.get(TAG)
        for name, option in options:
            if not named or name == named:
                try:
                    return option(data)
                except (TypeError, KeyError, ValueError):
                    continue
        raise TypeError(f"{data!r} fits none of {args}")
    return union


def _dataclass(kind: type, made: dict[Any, Decoder]) -> Decoder:
    hints = typing.get_type_hints(kind)
    fields = [(f.name, decoder(hints[f.name], made)) for f in dataclasses.fields(kind)]
    name, size = kind.__name__, len(fields) + 1

    def instance(data: Any) -> Any:
        if not isinstance(data, dict):
            raise TypeError(f"{name}: not an object")
        if data.get(TAG) != name or len(data) != size or not all(field in data for field, _ in fields):
            raise TypeError(f"{name}: fields {sorted(set(data) - {TAG})}")
        return kind(**{field: value(data[field]) for field, value in fields})
    return instance
