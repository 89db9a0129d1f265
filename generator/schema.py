"""One schema for every settings file: a dataclass says which keys exist, of what type, with
which default; `read_table` checks a parsed TOML table against it.

`edition.toml` (config.py), a chapter's front matter (source.py) and `decisions.toml`
(ingest/decisions.py) are each one dataclass and read by the same code, so every file reports
the same problems the same way: each unknown key and each wrong type at its line, all at once,
with the default kept so the rest of the edition is still checked. A field's metadata may add
a `check` (value → problem or None) and say it is `required`; fields marked `internal` are not
read from the file. No line break or control character is accepted in any text value: it
would break a line of BibTeX, RIS or an HTTP header.
"""
from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from generator.characters import FORBIDDEN, describe
from generator.diagnostics import Collector

T = TypeVar("T")
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
Check = Callable[[Any], "str | None"]


def setting(default: Any = dataclasses.MISSING, *, check: Check | None = None, required: bool = False,
            doc: str = "", factory: Callable[[], Any] | None = None, formerly: tuple[str, ...] = ()) -> Any:
    """A field read from a settings file; `formerly`: names it had in earlier versions (a file
    that still uses one is told the new name)."""
    metadata = {"check": check, "required": required, "doc": doc, "formerly": formerly}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def internal(default: Any = dataclasses.MISSING, factory: Callable[[], Any] | None = None) -> Any:
    """A field the program sets, never read from a file."""
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata={"internal": True})
    return dataclasses.field(default=default, metadata={"internal": True})


class Lines:
    """The line of each key of a TOML text (tomllib gives none): `(table, ..., key)` paths,
    array-of-tables entries counted (`("join", 0, "raw")`)."""

    def __init__(self, text: str, offset: int = 0):
        self.lines: dict[tuple[Any, ...], int] = {}
        table: tuple[Any, ...] = ()
        counts: dict[tuple[str, ...], int] = {}
        for number, line in enumerate(text.splitlines(), 1 + offset):
            if m := re.match(r"\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]\s*(#.*)?$", line):
                name = tuple(m.group(1).split("."))
                index = counts.get(name, -1) + 1
                counts[name] = index
                table = (*name, index)
                self.lines.setdefault(table, number)
            elif m := re.match(r"\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$", line):
                table = tuple(m.group(1).split("."))
                self.lines.setdefault(table, number)
            elif m := re.match(r"\s*(\"[^\"]*\"|[A-Za-z0-9_-]+)\s*=", line):
                self.lines.setdefault((*table, m.group(1).strip('"')), number)

    def of(self, path: tuple[Any, ...]) -> int | None:
        """The line of `path`, else of the nearest table that holds it."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def read_table(kind: type[T], data: dict[str, Any], file: Path, lines: Lines, problems: Collector,
               noun: str = "key", at: tuple[Any, ...] = ()) -> T:
    """`data` as a `kind`; every problem reported, a default kept for each bad value. `noun`
    names a key in messages ("config key", "front matter key")."""
    hints = typing.get_type_hints(kind)
    values: dict[str, Any] = {}
    fields = {f.name: f for f in dataclasses.fields(kind)  # type: ignore[arg-type]
              if not f.metadata.get("internal")}
    for key, value in data.items():
        name = _dotted((*at, key))
        if key not in fields:
            renamed = next((f for f in fields.values() if key in f.metadata.get("formerly", ())), None)
            if renamed is not None:
                problems.error(file, lines.of((*at, key)), f"{noun} '{name}' is called "
                               f"'{_dotted((*at, renamed.name))}'")
                continue
            known = ", ".join(sorted(fields)) or "none"
            problems.error(file, lines.of((*at, key)), f"unknown {noun} '{name}' (known keys here: {known})")
            continue
        converted = _convert(hints[key], value, file, lines, problems, noun, (*at, key))
        if converted is _BAD:
            continue
        check = fields[key].metadata.get("check")
        problem = check(converted) if check else None
        if problem:
            problems.error(file, lines.of((*at, key)), problem)
            continue
        values[key] = converted
    for key, field in fields.items():
        if field.metadata.get("required") and key not in values and key not in data:
            problems.error(file, lines.of(at) if at else None, f"missing key '{_dotted((*at, key))}'"
                           + (f": {field.metadata['doc']}" if field.metadata.get("doc") else ""))
    return _build(kind, values)


_BAD = object()


def _convert(hint: Any, value: Any, file: Path, lines: Lines, problems: Collector, noun: str,
             at: tuple[Any, ...]) -> Any:
    """`value` as type `hint`, or _BAD after reporting why not."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)

    def wrong(expected: str) -> object:
        problems.error(file, lines.of(at), f"{noun} '{_dotted(at)}' must be {expected}")
        return _BAD

    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            return wrong("a table")
        return read_table(hint, value, file, lines, problems, noun, at)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        if not isinstance(value, list):
            return wrong(_describe(hint))
        listed = [_convert(args[0], item, file, lines, problems, noun, (*at, index)) for index, item in enumerate(value)]
        return _BAD if any(item is _BAD for item in listed) else tuple(listed)
    if origin is dict:
        if not isinstance(value, dict):
            return wrong("a table")
        table = {k: _convert(args[1], v, file, lines, problems, noun, (*at, k)) for k, v in value.items()}
        return _BAD if any(item is _BAD for item in table.values()) else table
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            return _convert(options[0], value, file, lines, problems, noun, at)
    if hint is str:
        if not isinstance(value, str):
            return wrong("text in quotes")
        if CONTROL.search(value):
            return wrong("one line of text (no line breaks or control characters)")  # BibTeX, RIS, headers
        if found := FORBIDDEN.search(value):  # C1 controls, noncharacters: TEI would not be well-formed
            return wrong(f"text without {describe(found.group())}, which XML and HTML forbid")
        return value
    if hint is bool:
        return value if isinstance(value, bool) else wrong("true or false")
    if hint is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else wrong("a whole number")
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return wrong("a number")
        return float(value)
    raise TypeError(f"schema: no reader for {hint}")


def _describe(hint: Any) -> str:
    args = typing.get_args(hint)
    if args and args[0] is str:
        return "a list of texts in quotes"
    if args and isinstance(args[0], type) and dataclasses.is_dataclass(args[0]):
        return "a list of tables"
    return "a list"


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


def _build(kind: type[T], values: dict[str, Any]) -> T:
    """The dataclass with `values`, its defaults elsewhere (a required field missing: a blank)."""
    missing = {f.name: _blank(f.type) for f in dataclasses.fields(kind)  # type: ignore[arg-type]
               if f.name not in values and f.default is dataclasses.MISSING
               and f.default_factory is dataclasses.MISSING and not f.metadata.get("internal")}
    return kind(**values, **missing)


def _blank(hint: Any) -> Any:
    return {"str": "", "int": 0, "float": 0.0, "bool": False}.get(str(hint), None)


def documentation(kind: type, prefix: str = "") -> list[tuple[str, str, str]]:
    """(key, type, doc) of every key of a settings dataclass, nested tables included: for the
    README and for `edition new`'s commented config."""
    rows = []
    hints = typing.get_type_hints(kind)
    for field in dataclasses.fields(kind):
        if field.metadata.get("internal"):
            continue
        hint = hints[field.name]
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            rows += documentation(hint, f"{prefix}{field.name}.")
        else:
            rows.append((prefix + field.name, _describe(hint) if typing.get_origin(hint) is tuple
                         else getattr(hint, "__name__", str(hint)), field.metadata.get("doc", "")))
    return rows
