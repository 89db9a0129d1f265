"""The editor's recorded decisions (`decisions.toml` beside the chapter source).

    title = "…"                      # the chapter title (default: the running title)
    [opening]                        # editorial heading for text before the first printed one
    label = "…"
    id = "…"
    [pages]                          # print page numbers the raw pages do not show
    "229-wrapped.txt" = 229
    [gaps]                           # the editor's note on a gap, by the page it follows
    after-229 = "…"
    [[join]]                         # close a gap the tool left open ("in dem" → "indem")
    raw = "in dem"
    page = 229                       # optional: only on this print page
    note = "why"
    [[keep]]                         # forbid a join the tool would make
    raw = "Kon kret"
    [[replace]]                      # correct the text ("Mueller" → "Müller")
    raw = "Mueller"
    clean = "Müller"

Re-running ingest applies them and reports every decision that no longer matches anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.config import read_text, read_toml
from generator.diagnostics import Collector
from generator.ingest.gaps import Gap, Token
from generator.schema import Lines, read_table, setting


@dataclass
class Decision:
    kind: str
    raw: str
    line: int
    clean: str = ""
    page: int | None = None
    note: str = ""
    used: int = 0


@dataclass
class Decisions:
    path: Path | None = None
    title: str = ""
    opening_label: str = ""
    opening_id: str = ""
    pages: dict[str, int] = field(default_factory=dict)
    gap_notes: dict[str, str] = field(default_factory=dict)
    entries: list[Decision] = field(default_factory=list)

    def lock_gaps(self, tokens: list[Token], gaps: list[Gap]) -> None:
        """Apply join/keep decisions to matching token runs before the tool decides."""
        for entry in self.entries:
            if entry.kind not in ("join", "keep"):
                continue
            words = entry.raw.split()
            for start in range(len(tokens) - len(words) + 1):
                if not _matches([t.text for t in tokens[start:start + len(words)]], words):
                    continue
                if entry.page is not None and tokens[start].page != str(entry.page):
                    continue
                entry.used += 1
                for gap in gaps[start:start + len(words) - 1]:
                    gap.locked = True
                    if entry.kind == "join":
                        gap.join, gap.rule = "", "editor's decision (decisions.toml)"
                    else:
                        gap.join, gap.rule = " ", ""

    def apply_replacements(self, text: str, page: str) -> str:
        for entry in self.entries:
            if entry.kind == "replace" and (entry.page is None or str(entry.page) == page) and entry.raw in text:
                entry.used += text.count(entry.raw)
                text = text.replace(entry.raw, entry.clean)
        return text

    def stale(self) -> list[Decision]:
        return [e for e in self.entries if e.used == 0]


EDGE_PUNCTUATION = "«»„“”‚‘’\"'()[].,;:!?…"


def _matches(texts: list[str], words: list[str]) -> bool:
    """The decision's words as the raw tokens have them, whatever punctuation stands before the
    first or after the last ("in dem" matches "in dem,"; never across a comma inside)."""
    if len(texts) != len(words):
        return False
    if texts == words:
        return True
    first, last = texts[0].lstrip(EDGE_PUNCTUATION), texts[-1].rstrip(EDGE_PUNCTUATION)
    if len(texts) == 1:
        return texts[0].strip(EDGE_PUNCTUATION) == words[0].strip(EDGE_PUNCTUATION)
    return first == words[0] and last == words[-1].rstrip(EDGE_PUNCTUATION) and texts[1:-1] == words[1:-1]


@dataclass(frozen=True)
class _Opening:
    label: str = setting("", doc="the editorial heading for text before the first printed one")
    id: str = setting("", doc="its id")


@dataclass(frozen=True)
class _Join:
    raw: str = setting(required=True, doc="the words as the raw pages have them")
    page: int | None = setting(None, doc="only on this print page")
    note: str = setting("", doc="why")


@dataclass(frozen=True)
class _Replace:
    raw: str = setting(required=True, doc="the text as the raw pages have it")
    clean: str = setting(required=True, doc="the text as it is to be read")
    page: int | None = setting(None, doc="only on this print page")
    note: str = setting("", doc="why")


@dataclass(frozen=True)
class _DecisionsFile:
    """The schema of `decisions.toml` (see the module's docstring)."""
    title: str = setting("", doc="the chapter title")
    opening: _Opening = setting(factory=_Opening)
    pages: dict[str, int] = setting(factory=dict, doc="raw page file → its print page number")
    gaps: dict[str, str] = setting(factory=dict, doc="the editor's note on a gap, by the page it follows")
    join: tuple[_Join, ...] = setting((), doc="close a gap the tool left open")
    keep: tuple[_Join, ...] = setting((), doc="forbid a join the tool would make")
    replace: tuple[_Replace, ...] = setting((), doc="correct the text")


def load_decisions(path: Path | None, problems: Collector, data: bytes | None = None) -> Decisions:
    """The decisions at `path`; `data`: its bytes, read already (from a content folder, where a
    link is not followed). A missing file is no decisions; its problems go to `problems`."""
    if path is None or (data is None and not path.is_file()):
        return Decisions(path=None)
    text = read_text(path, problems) if data is None else _decoded(path, data, problems)
    table = read_toml(path, text, problems) if text is not None else None
    if text is None or table is None:
        return Decisions(path=path)
    lines = Lines(text)
    read = read_table(_DecisionsFile, table, path, lines, problems, noun="decision key")
    decisions = Decisions(path=path, title=read.title, opening_label=read.opening.label, opening_id=read.opening.id,
                          pages=dict(read.pages), gap_notes=dict(read.gaps))
    entries: list[tuple[str, int, _Join | _Replace]] = [("join", i, e) for i, e in enumerate(read.join)]
    entries += [("keep", i, e) for i, e in enumerate(read.keep)] + [("replace", i, e) for i, e in enumerate(read.replace)]
    for kind, index, entry in entries:
        line = lines.of((kind, index, "raw")) or 0
        clean = entry.clean if isinstance(entry, _Replace) else ""
        decisions.entries.append(Decision(kind, entry.raw, line, clean, entry.page, entry.note))
    return decisions


def _decoded(path: Path, data: bytes, problems: Collector) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.error(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
