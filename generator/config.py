"""The edition's config file (`edition.toml`): one dataclass per table, read by schema.py.

Bibliographic fields the sources do not give stay empty: the templates leave them out rather
than invent an author, a publisher or a year.
"""
from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.diagnostics import Collector
from generator.files import read_regular
from generator.schema import Lines, internal, read_table, setting

CONFIG_NAME = "edition.toml"


def check_language(value: str) -> str | None:
    if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        return None
    return f"language {value!r} is not a BCP 47 tag like 'de'"


# An address a reader's browser and a reference manager take as it is: checked whole, not by
# its beginning ("https://example.org/\"><script>" begins like an address too).
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?")
_PATH = re.compile(r"(?:/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)*")


def _url(value: str) -> str | None:
    if not value:
        return None
    scheme, _, rest = value.partition("://")
    host, slash, path = rest.partition("/")
    if scheme in ("http", "https") and _HOST.fullmatch(host) and _PATH.fullmatch(slash + path):
        return None
    return (f"url {value!r} must be an absolute http(s) address of the published edition (a host, a path; "
            "no spaces, quotes, query or fragment)")


def _part_mb(value: float) -> str | None:
    return None if math.isfinite(value) and value > 0 else f"search.part_mb must be more than 0, not {value:g}"


def _inside(value: str) -> str | None:
    """A path the build reads from the content folder: relative, and never out of it."""
    if not value:
        return None
    parts = Path(value).parts
    if Path(value).is_absolute() or ".." in parts or "\\" in value:
        return f"{value!r} must be a path inside the content folder (relative, without '..')"
    return None


# IIIF's `rights` takes a Creative Commons license or public-domain tool, or a
# rightsstatements.org statement: the whole address, as those vocabularies write it.
_RIGHTS = re.compile(
    r"https?://creativecommons\.org/(?:licenses/(?:by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd|by-nd-nc|nc|nd|sa|nc-sa|nd-nc)"
    r"/(?:1\.0|2\.0|2\.1|2\.5|3\.0|4\.0)(?:/[a-z]{2,3}(?:-[a-z]{2})?)?|publicdomain/(?:zero|mark)/1\.0)/?"
    r"|https?://rightsstatements\.org/vocab/(?:InC|InC-OW-EU|InC-EDU|InC-NC|InC-RUU|NoC-CR|NoC-NC|NoC-OKLR|NoC-US"
    r"|CNE|UND|NKC)/1\.0/?")


def _rights(value: str) -> str | None:
    if not value or _RIGHTS.fullmatch(value):
        return None
    return (f"rights {value!r} must be the address of a Creative Commons license (e.g. "
            "http://creativecommons.org/licenses/by/4.0/) or a rightsstatements.org statement (e.g. "
            "http://rightsstatements.org/vocab/InC/1.0/), whole (IIIF allows only those)")


def _kind(value: str) -> str | None:
    if value in ("", "monograph", "edited"):
        return None
    return f"source.kind {value!r} must be \"monograph\" (one book by its authors) or \"edited\" (a volume of contributions)"


@dataclass(frozen=True)
class Source:
    """The printed book the edition reproduces."""
    authors: tuple[str, ...] = setting((), doc="the book's authors, each 'Family, Given'")
    book_title: str = setting("", doc="the printed book's title")
    editors: tuple[str, ...] = setting((), doc="the book's editors, each 'Family, Given'")
    as_written: tuple[str, ...] = setting((), doc="names in authors or editors that stay as written, not 'Family, "
                                                  "Given' (an institution: 'Deutsche Forschungsgemeinschaft')")
    publisher: str = setting("", doc="its publisher")
    place: str = setting("", doc="its place of publication")
    year: str = setting("", doc='its year, in quotes ("2004", "2004/05")')
    kind: str = setting("", check=_kind, doc='"monograph" (chapters cited as parts of the authors\' book) or "edited" '
                                             '(contributions cited "In: editors: book"); default: "edited" when it '
                                             'has editors, else "monograph"')
    first_page: str = setting("", doc="the first print page the edition covers")
    last_page: str = setting("", doc="the last print page the edition covers")
    pdf: str = setting("", check=_inside, doc="the book's PDF in the content folder: its pages are shown beside "
                                               "the text (the facsimile)")
    page_images: str = setting("", check=_inside, doc="or a folder of page images named by print page "
                                                       "(229.png, 230.jpg …)")


@dataclass(frozen=True)
class Content:
    order: tuple[str, ...] = setting((), doc="chapter files in reading order (others follow by path)")
    exclude: tuple[str, ...] = setting(("review/*",), doc="globs of files that are not chapters")


@dataclass(frozen=True)
class Search:
    part_mb: float = setting(4.0, check=_part_mb,
                             doc="megabytes of sources per part of the search index (Pagefind needs ~60x that)")


def _tiles_mb(value: float) -> str | None:
    return None if math.isfinite(value) and 0.25 <= value <= 64 else \
        f"facsimile.tiles_mb must be between 0.25 and 64 (megabytes of tiles per page), not {value:g}"


@dataclass(frozen=True)
class Pictures:
    """The `[facsimile]` table: what the build publishes of the page pictures beyond the pictures."""
    tiles: bool = setting(False, doc="also publish each page picture as static IIIF Image API level-0 tiles with "
                                     "an info.json, named in the IIIF manifest (needs `url`)")
    tiles_mb: float = setting(3.0, check=_tiles_mb, doc="the most megabytes of tiles per page (a picture whose "
                                                        "tiles need more is published smaller)")


@dataclass(frozen=True)
class Config:
    title: str = setting(required=True, doc="the edition needs a title")
    subtitle: str = setting("", doc="the edition's subtitle")
    language: str = setting("de", check=check_language, doc="BCP 47 tag of the text and the interface")
    url: str = setting("", check=_url, doc="the published address; citations then carry absolute links")
    editors: tuple[str, ...] = setting((), doc="the digital edition's editors, each 'Family, Given' (named in every citation)")
    doi: str = setting("", doc="the digital edition's DOI, e.g. 10.5281/zenodo.123 (in every citation)")
    rights: str = setting("", check=_rights, doc="the license of the edition's page images and text: a Creative "
                                                 "Commons or rightsstatements.org address (in the IIIF manifest)")
    about: tuple[str, ...] = setting((), doc="the home page's 'About this edition', one string per paragraph "
                                             "(default: how the edition renders the print)")
    source: Source = setting(factory=Source)
    content: Content = setting(factory=Content)
    search: Search = setting(factory=Search)
    facsimile: Pictures = setting(factory=Pictures)
    root: Path = internal(Path())  # the content folder
    date: str = internal("")  # the edition's date (ISO): SOURCE_DATE_EPOCH if set, for reproducible builds

    @property
    def path(self) -> Path:
        return self.root / CONFIG_NAME


def read_text(path: Path, problems: Collector) -> str | None:
    """A small UTF-8 text file (a byte-order mark is allowed); its problem reported, else None."""
    try:
        return read_regular(path, limit=2**20).decode("utf-8-sig")
    except OSError as exc:
        problems.error(path, None, f"cannot read: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        problems.error(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    return None


def read_toml(path: Path, text: str, problems: Collector, offset: int = 0) -> dict[str, Any] | None:
    """Parse TOML; a syntax error becomes `path:line: error:` (tomllib only says the line in prose).
    `offset`: lines before the text in its file (a chapter's front matter)."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        problems.error(path, None, "invalid TOML: nested too deeply")
        return None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        problems.error(path, int(m.group(1)) + offset if m else None, f"invalid TOML: {exc}")
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
    lines = Lines(text)
    config = read_table(Config, data, path, lines, problems, noun="config key")
    _check_names(config, path, lines, problems)
    if config.facsimile.tiles and not config.url:  # IIIF ids are absolute addresses (Image API 3.0, 5.1)
        problems.error(path, lines.of(("facsimile", "tiles")), "facsimile.tiles needs `url`: a IIIF image service "
                                                                "is named by its absolute address")
    url = config.url.rstrip("/") + "/" if config.url else ""
    return replace(config, root=root, url=url, date=_edition_date(problems))


def _check_names(config: Config, path: Path, lines: Lines, problems: Collector) -> None:
    """A warning for each name the citations cannot read: a person's is "Family, Given" (the
    part before the comma is the family name, "von Brand, Jonas"), a name that stays as written
    (an institution) is listed in `source.as_written` (the citations keep it whole). A name
    written "Given Family" would be cited as an institution's."""
    kept = set(config.source.as_written)
    for key, names in (("source.authors", config.source.authors), ("source.editors", config.source.editors),
                       ("editors", config.editors)):
        for name in names:
            family, comma, given = name.partition(",")
            if name in kept or (comma and family.strip() and given.strip()):
                continue
            from generator.ingest.titles import family_first  # noqa: PLC0415 - the split ingest makes, rarely needed

            person = family_first(name)
            hint = f' (a person: "{person}")' if "," in person and not comma else ""
            problems.warning(path, lines.of(tuple(key.split("."))), f"{key}: '{name}' is neither \"Family, Given\"{hint} "
                             "nor named in source.as_written (a name that stays as written, such as an institution's)")
    for name in kept - {*config.source.authors, *config.source.editors, *config.editors}:
        problems.warning(path, lines.of(("source", "as_written")), f"source.as_written: '{name}' is no author's or "
                         "editor's name")


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
