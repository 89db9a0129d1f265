"""The edition's config file (`edition.toml`), typed; unknown keys and wrong types are errors.

Bibliographic fields the sources do not give stay empty: the templates leave them out rather
than invent an author, a publisher or a year.
"""
from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.diagnostics import Collector
from generator.files import read_regular

CONFIG_NAME = "edition.toml"
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")  # would break a line of BibTeX, RIS or a header

# table → key → expected type. One schema, read by both the loader and the README.
SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "": {"title": str, "subtitle": str, "language": str, "url": str},
    "source": {
        "authors": list, "book_title": str, "editors": list, "publisher": str,
        "place": str, "year": str, "first_page": str, "last_page": str,
    },
    "content": {"order": list, "exclude": list},
    "search": {"part_mb": (int, float)},
}


@dataclass(frozen=True)
class Source:
    """The printed book the edition reproduces."""
    authors: tuple[str, ...] = ()
    book_title: str = ""
    editors: tuple[str, ...] = ()
    publisher: str = ""
    place: str = ""
    year: str = ""
    first_page: str = ""
    last_page: str = ""


@dataclass(frozen=True)
class Config:
    root: Path
    title: str
    language: str = "de"
    subtitle: str = ""
    url: str = ""  # canonical address of the published site; empty: citations use relative links
    source: Source = field(default_factory=Source)
    order: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ("review/*",)
    date: str = ""  # the edition's date (ISO): SOURCE_DATE_EPOCH if set, for reproducible builds; else today
    search_part_mb: float = 4  # megabytes of sources per search index part (search.py: Pagefind needs ~60×)

    @property
    def path(self) -> Path:
        return self.root / CONFIG_NAME


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """Line of each `key =` per table, so errors can point at the key (tomllib gives no lines)."""
    lines: dict[tuple[str, str], int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        if m := re.match(r"\s*\[([^\[\]]+)\]\s*(#.*)?$", line):
            table = m.group(1).strip()
            lines[(table, "")] = number
        elif m := re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line):
            lines.setdefault((table, m.group(1)), number)
    return lines


def read_text(path: Path, problems: Collector) -> str | None:
    """A small UTF-8 text file (a byte-order mark is allowed); its problem reported, else None."""
    try:
        return read_regular(path, limit=2**20).decode("utf-8-sig")
    except OSError as exc:
        problems.error(path, None, f"cannot read: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        problems.error(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    return None


def read_toml(path: Path, text: str, problems: Collector) -> dict | None:
    """Parse TOML; a syntax error becomes `path:line: error:` (tomllib only says the line in prose)."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        problems.error(path, None, "invalid TOML: nested too deeply")
        return None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        problems.error(path, int(m.group(1)) if m else None, f"invalid TOML: {exc}")
        return None


def load_config(root: Path, problems: Collector) -> Config | None:
    """Read and check `root/edition.toml`; report every problem. Returns None only if there is no
    config to read; a wrong value is reported and replaced by its default, so that the sources
    are still checked and every problem of the edition is listed at once (the build then fails)."""
    path = root / CONFIG_NAME
    if not root.is_dir():
        problems.error(root, None, "content folder not found")
        return None
    if not path.is_file():
        problems.error(path, None, f"config file missing: every edition needs {CONFIG_NAME}")
        return None
    text = read_text(path, problems)
    data = read_toml(path, text, problems) if text is not None else None
    if text is None or data is None:
        return None

    lines = _key_lines(text)
    values: dict[str, dict[str, object]] = {table: {} for table in SCHEMA}
    for key, value in data.items():
        if isinstance(value, dict) and key in SCHEMA and key != "":
            for sub, subvalue in value.items():
                _check(path, lines, key, sub, subvalue, values, problems)
        else:
            _check(path, lines, "", key, value, values, problems)

    top = values[""]
    if not top.get("title"):
        problems.error(path, None, "missing key 'title': the edition needs a title")
    language = top.get("language", "de")
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", str(language)):
        problems.error(path, lines.get(("", "language")), f"language {language!r} is not a BCP 47 tag like 'de'")
        language = Config.language
    url = str(top.get("url", ""))
    if url and not re.match(r"https?://[^/\s]+(/\S*)?$", url):
        problems.error(path, lines.get(("", "url")), f"url {url!r} must be an absolute http(s) address")
        url = ""
    date = _edition_date(problems)
    part_mb: float = values["search"].get("part_mb", Config.search_part_mb)  # type: ignore[assignment]
    if not math.isfinite(part_mb) or part_mb <= 0:
        problems.error(path, lines.get(("search", "part_mb")), f"search.part_mb must be more than 0, not {part_mb}")
        part_mb = Config.search_part_mb
    source: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in values["source"].items()}
    content: dict[str, Any] = values["content"]
    return Config(
        root=root,
        title=str(top.get("title", "")),
        subtitle=str(top.get("subtitle", "")),
        language=str(language),
        url=url.rstrip("/") + "/" if url else "",
        source=Source(**source),
        order=tuple(content.get("order", ())),
        exclude=tuple(content.get("exclude", Config.exclude)),
        date=date,
        search_part_mb=float(part_mb),
    )


def _edition_date(problems: Collector) -> str:
    """The date printed as the edition's state. Reproducible builds set SOURCE_DATE_EPOCH
    (reproducible-builds.org); without it, the day of the build (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.now(UTC).date().isoformat()
    if not epoch.strip().isdigit():
        problems.error("SOURCE_DATE_EPOCH", None, f"must be a number of seconds since 1970, not {epoch!r}")
        return ""
    return datetime.fromtimestamp(int(epoch), UTC).date().isoformat()


def _check(path: Path, lines: dict[tuple[str, str], int], table: str, key: str, value: Any,
           values: dict[str, dict[str, object]], problems: Collector) -> None:
    line = lines.get((table, key))
    name = f"{table}.{key}" if table else key
    expected = SCHEMA.get(table, {}).get(key)
    if expected is None:
        known = ", ".join(sorted(SCHEMA.get(table, {}))) or "none"
        problems.error(path, line, f"unknown config key '{name}' (known keys here: {known})")
    elif (not isinstance(value, expected) or isinstance(value, bool)
          or (expected is list and not all(isinstance(v, str) for v in value))):  # type: ignore[attr-defined]
        kind = {list: "a list of strings", (int, float): "a number"}.get(expected, "a string")
        problems.error(path, line, f"config key '{name}' must be {kind}")
    elif any(CONTROL.search(v) for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)):
        problems.error(path, line, f"config key '{name}' must be one line of text (no line breaks or control characters)")
    else:
        values[table][key] = value
