"""The review report: every repair, every undecided case, everything recognised or removed.

Written as JSON (for tools) and Markdown (for the editor), beside the chapter source in
`review/`. Nothing the ingest changes is left out of it.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path


def build_report(result, files: list[Path], into: Path) -> dict:
    stale = result.decisions.stale()
    return {
        "chapter": str(into),
        "title": result.title,
        "inputs": [str(f) for f in files],
        "pages": [{"file": p.path.name, "form": p.form, "page": p.number, "running_title": p.running_title}
                  for p in result.pages],
        "repairs": [asdict(r) for r in result.repairs],
        "undecided": [asdict(u) for u in result.undecided],
        "events": result.events,
        "unknown_words": dict(sorted(result.unknown_words.items())),
        "decisions": {
            "file": str(result.decisions.path) if result.decisions.path else None,
            "applied": [asdict(d) for d in result.decisions.entries if d.used],
            "stale": [asdict(d) for d in stale],
        },
    }


def to_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def _cell(value) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", "⏎")


def _table(headers: list[str], rows: list[list], words: dict[str, str]) -> list[str]:
    if not rows:
        return [words["none"], ""]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def to_markdown(report: dict, words: dict[str, str]) -> str:
    """The report for the editor, in the edition's language (labels.py)."""
    w = words
    out = [f"# {w['report']}: {report['chapter']}", "", w["report_intro"], ""]
    out += [f"## {w['report_pages']}", ""] + _table(
        [w["file"], w["form"], w["page_column"], w["running_head"]],
        [[p["file"], p["form"], p["page"] or "?", p["running_title"]] for p in report["pages"]], w)
    out += [f"## {w['undecided']}", ""] + _table(
        [w["file_line"], w["page"], w["raw"], w["suggestion"], w["reason"]],
        [[f"{u['file']}:{u['line']}", u["page"], u["raw"], u["suggestion"], u["reason"]] for u in report["undecided"]], w)
    if report["undecided"]:
        out += [w["paste_decisions"], "", "```toml", *paste_lines(report["undecided"]), "```", ""]
    out += [f"## {w['repairs']} ({len(report['repairs'])})", ""] + _table(
        [w["file_line"], w["page"], w["raw"], w["clean"], w["rule"]],
        [[f"{r['file']}:{r['line']}", r["page"], r["raw"], r["clean"], ", ".join(r["rules"])] for r in report["repairs"]], w)
    out += [f"## {w['removed']}", ""] + _table(
        [w["file_line"], w["page"], w["kind"], w["text"]],
        [[f"{e['file']}:{e['line'] or ''}", e["page"], e["kind"], e["detail"]] for e in report["events"]], w)
    out += [f"## {w['unknown_words']}", ""] + _table(
        [w["word"], w["count"]], [[word, n] for word, n in report["unknown_words"].items()], w)
    decisions = report["decisions"]
    out += [f"## {w['decisions']}", ""] + _table(
        [w["kind"], w["raw"], w["clean"], w["matches"], w["remark"]],
        [[d["kind"], d["raw"], d["clean"], d["used"], d["note"]] for d in decisions["applied"]], w)
    if decisions["stale"]:
        out += [f"### {w['stale']}", ""] + _table(
            [w["line"], w["kind"], w["raw"]], [[d["line"], d["kind"], d["raw"]] for d in decisions["stale"]], w)
    return "\n".join(out)


def paste_lines(undecided: list[dict]) -> list[str]:
    """A ready-to-paste decisions.toml entry for each undecided case: join as suggested (change
    [[join]] to [[keep]] to keep the words apart)."""
    lines: list[str] = []
    for case in undecided:
        lines += [f"[[join]]  # {case['file']}:{case['line']}: {case['raw']!r} → {case['suggestion']!r}",
                  f"raw = {json.dumps(case['raw'], ensure_ascii=False)}"]
        if str(case["page"]).isdigit():
            lines.append(f"page = {case['page']}")
        lines.append("")
    return lines[:-1]


def summary(report: dict, into: Path, review: Path) -> str:
    lines = [f"wrote {into}: {len(report['pages'])} page(s), {len(report['repairs'])} repair(s), "
             f"{len(report['undecided'])} undecided, {len(report['unknown_words'])} word(s) in no dictionary",
             f"review report: {review / (into.stem + '.report.md')} (and .json)"]
    for undecided in report["undecided"]:
        lines.append(f"{undecided['file']}:{undecided['line']}: warning: undecided: "
                     f"'{undecided['raw']}' or '{undecided['suggestion']}'? ({undecided['reason']})")
    for event in report["events"]:
        if event["kind"] == "warning":
            lines.append(f"{event['file']}:{event['line']}: warning: {event['detail']}")
    for stale in report["decisions"]["stale"]:
        lines.append(f"{report['decisions']['file']}:{stale['line']}: warning: decision matches nothing: "
                     f"{stale['kind']} '{stale['raw']}'")
    return "\n".join(lines)
