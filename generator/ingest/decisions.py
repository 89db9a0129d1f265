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

TOP = {"title": str, "opening": dict, "pages": dict, "gaps": dict, "join": list, "keep": list, "replace": list}
ENTRY_KEYS = {"join": {"raw", "page", "note"}, "keep": {"raw", "page", "note"}, "replace": {"raw", "clean", "page", "note"}}


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
                if [t.text for t in tokens[start:start + len(words)]] != words:
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


def load_decisions(path: Path | None, problems: Collector) -> Decisions:
    if path is None or not path.is_file():
        return Decisions(path=None)
    text = read_text(path, problems)
    data = read_toml(path, text, problems) if text is not None else None
    if text is None or data is None:
        return Decisions(path=path)
    lines = text.splitlines()

    def line_of(needle: str) -> int | None:
        return next((i for i, line in enumerate(lines, 1) if needle in line), None)

    decisions = Decisions(path=path)
    for key, value in data.items():
        if key not in TOP or not isinstance(value, TOP[key]):
            problems.error(path, line_of(key), f"unknown or mistyped decision '{key}' (known: {', '.join(TOP)})")
    decisions.title = data.get("title", "") if isinstance(data.get("title"), str) else ""
    opening = data.get("opening", {}) if isinstance(data.get("opening"), dict) else {}
    decisions.opening_label, decisions.opening_id = str(opening.get("label", "")), str(opening.get("id", ""))
    for name, number in (data.get("pages") or {}).items():
        if isinstance(number, int):
            decisions.pages[name] = number
        else:
            problems.error(path, line_of(name), f"pages.{name} must be a page number")
    decisions.gap_notes = {k: str(v) for k, v in (data.get("gaps") or {}).items()}
    raw_lines = [i for i, line in enumerate(lines, 1) if line.strip().startswith("raw")]
    for kind in ("join", "keep", "replace"):
        for entry in data.get(kind, []) if isinstance(data.get(kind), list) else []:
            line = line_of(f'"{entry.get("raw", "")}"') or (raw_lines[0] if raw_lines else None)
            extra = set(entry) - ENTRY_KEYS[kind]
            if extra or not isinstance(entry.get("raw"), str) or (kind == "replace" and "clean" not in entry):
                problems.error(path, line, f"[[{kind}]] entry needs 'raw'{' and clean' if kind == 'replace' else ''}"
                                           f"{'; unknown keys: ' + ', '.join(sorted(extra)) if extra else ''}")
                continue
            decisions.entries.append(Decision(kind, entry["raw"], line or 0, str(entry.get("clean", "")),
                                              entry.get("page"), str(entry.get("note", ""))))
    return decisions
