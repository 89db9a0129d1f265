"""The review report, one for every route: every change to the printed text, every doubt,
everything recognised or removed, the editor's decisions and what they matched.

Written as JSON (for tools) and Markdown (for the editor, in the edition's language: labels.py)
into `review/` beside the chapters; `summary` is what the command prints. Nothing ingest
changes is left out of it. A location is `file:line` for page text and `page:line` (the
PDF's page) for a PDF.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict

from generator.diagnostics import Diagnostic
from generator.files import shown
from generator.ingest.decisions import Decisions
from generator.ingest.model import Book, Chapter, Text
from generator.ingest.scanned import UNSURE
from generator.ingest.values import toml_comment, toml_string
from generator.labels import term
from generator.markup import literal


def build_report(book: Book, source: str, reader: str, files: dict[str, Chapter], decisions: Decisions,
                 kept: list[str]) -> dict:
    return {
        "source": source,
        "reader": reader,
        "chapters": [{"file": name, "title": c.title, "pages": page_span(c.pages),
                      "sections": sum(b.kind == "heading" for b in c.blocks), "notes": len(c.notes),
                      "paragraphs": sum(b.kind == "para" for b in c.blocks)} for name, c in files.items()],
        "kept": kept,
        "pages": [{"page": p.page, "file": p.file, "pdf_page": p.pdf_page, "print_page": p.label} for p in book.recorded],
        "left_out": [c.title for c in book.left_out],
        "changes": [asdict(c) for c in book.changes],
        "undecided": [asdict(u) for u in book.undecided],
        "events": [asdict(e) for e in book.events],
        "emphasis": [{"page": b.page, "style": r.style, "text": r.text.strip()} for c in book.chapters
                     for b in c.blocks for r in b.inlines if isinstance(r, Text) and r.style],
        "unknown_words": dict(sorted(book.unknown_words.items())),
        "unsure": {"below": UNSURE, "words": [asdict(u) for u in book.unsure]} if book.unsure else None,
        "decisions": {
            "file": shown(decisions.path) if decisions.path else None,
            "applied": [asdict(d) for d in decisions.entries if d.used],
            "stale": [asdict(d) for d in decisions.stale()],
        },
    }


def to_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=1) + "\n"


def where(item: dict) -> str:
    """`file:line` (page text) or `page:line` (a PDF's page)."""
    place = item.get("file") or item.get("page") or ""
    return f"{place}:{item['line']}" if item.get("line") else str(place)


def _cell(value: object) -> str:
    return literal(shown(str(value if value is not None else ""))).replace("\\n", "⏎")


def _table(headers: list[str], rows: list[list], words: dict[str, str]) -> list[str]:
    if not rows:
        return [words["none"], ""]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


# Events whose detail is the printed text itself (a running head's words), shown as examples;
# the others' detail is an explanation in the command line's English, left to the JSON.
PRINTED_DETAIL = {"running head removed", "running foot removed", "header/footer removed", "contents page left out",
                  "heading", "footnote", "chapter label", "left out", "figure"}


def to_markdown(report: dict, words: dict[str, str], names: dict[str, str] | None = None,
                json_name: str = "") -> str:
    """The report for the editor, in the edition's language (`words`: labels.py's table; `names`:
    its names of rules, kinds and checks): what needs a look comes first, the Hinweise each with
    its place, the printed and the reading form and the decision to paste; then the undecided,
    the OCR's unsure words; the routine repairs and removals counted by rule with examples
    (every one is in the JSON, `json_name`)."""
    w, named = words, names or {}
    warnings = [e for e in report["events"] if e["kind"] == "warning"]
    removed = [e for e in report["events"] if e["kind"] != "warning"]
    json_name = json_name or "report.json"
    out = [f"# {w['report']}: {_cell(report['source'])}", "",
           w["report_overview"].format(warnings=len(warnings), undecided=len(report["undecided"]),
                                       repairs=len(report["changes"]), rules=len({c["rule"] for c in report["changes"]}),
                                       removed=len(removed), chapters=len(report["chapters"]),
                                       pages=len(report["pages"]), reader=report["reader"]), "",
           w["report_first"].format(json=json_name), "",
           f"## {w['warnings']} ({len(warnings)})", ""]
    out += hinweise(warnings, w, named) if warnings else [w["none"], ""]
    out += [f"## {w['undecided']} ({len(report['undecided'])})", ""] + _table(
        [w["where"], w["page_column"], w["raw"], w["suggestion"], w["reason"]],
        [[where(u), u["print_page"], u["raw"], u["suggestion"], term(u["reason"], named)] for u in report["undecided"]], w)
    if report["undecided"]:
        out += [w["paste_decisions"], "", "```toml", *paste_lines(report["undecided"]), "```", ""]
    if report.get("unsure"):   # a scan's: apart from the Hinweise, which thousands of them would bury
        out += unsure_section(report["unsure"], w)
    out += [f"## {w['chapters_table']}", ""] + _table(
        [w["file"], w["title"], w["pages"], w["sections"], w["paragraphs"], w["notes"]],
        [[c["file"], c["title"], c["pages"], c["sections"], c["paragraphs"], c["notes"]] for c in report["chapters"]], w)
    if report["kept"]:
        out += [w["kept_by_hand"] + ": " + ", ".join(_cell(name) for name in report["kept"]), ""]
    if report["left_out"]:
        out += [w["left_out"] + ": " + ", ".join(_cell(title) for title in report["left_out"]), ""]
    out += [f"## {w['report_pages']}", ""] + _table([w["input_pages"], w["print_pages"]], page_runs(report["pages"]), w)
    out += [f"## {w['repairs']} {w['by_rule']} ({len(report['changes'])})", "",
            w["all_in_json"].format(json=json_name), ""]
    out += _table([w["rule"], w["count"], w["examples"]],
                  by_rule(report["changes"], "rule", named,
                          lambda c: f"{where(c)} " + " → ".join(changed_part(str(c["raw"]), str(c["clean"])))), w)
    out += [f"## {w['removed']} ({len(removed)})", ""]
    out += _table([w["kind"], w["count"], w["examples"]],
                  by_rule(removed, "kind", named, lambda e: f"{where(e)} {shown_change(e['detail'])}"
                          if e["kind"] in PRINTED_DETAIL else where(e)), w)
    if report["emphasis"]:
        out += [f"## {w['emphasis']} ({len(report['emphasis'])})", ""] + _table(
            [w["kind"], w["count"], w["examples"]],
            by_rule(report["emphasis"], "style", named, lambda e: f"{e['page']} {shown_change(e['text'])}"), w)
    out += [f"## {w['unknown_words']} ({len(report['unknown_words'])})", ""] + _table(
        [w["word"], w["count"]], [[word, n] for word, n in report["unknown_words"].items()], w)
    decisions = report["decisions"]
    out += [f"## {w['decisions']}", ""] + _table(
        [w["kind"], w["raw"], w["clean"], w["matches"], w["remark"]],
        [[d["kind"], d["raw"], d["clean"], d["used"], d["note"]] for d in decisions["applied"]], w)
    if decisions["stale"]:
        out += [f"### {w['stale']}", ""] + _table(
            [w["line"], w["kind"], w["raw"]], [[d["line"], d["kind"], d["raw"]] for d in decisions["stale"]], w)
    return "\n".join(out)


def hinweise(warnings: list[dict], words: dict[str, str], names: dict[str, str]) -> list[str]:
    """Each Hinweis as a short entry: its place and kind, the printed and the reading form, the
    decisions.toml lines that settle it (or that none does). What a Hinweis says in English (the
    command line's words) stands here only where it has no kind of its own."""
    out: list[str] = []
    for k, event in enumerate(warnings, 1):
        place = where(event) or "–"
        page = f" ({words['page']} {event['print_page']})" if event.get("print_page") else ""
        what = term(event["check"], names) if event.get("check") else _cell(event["detail"])
        out += [f"**{k}. {place}{page}** · {what}", ""]
        if event.get("printed") and event.get("printed") == event.get("reading"):
            out += [f"- {words['printed']}: {_code(event['printed'])} ({words['same_in_reading']})", ""]
        elif event.get("printed") or event.get("reading"):
            out += [f"- {words['printed']}: {_code(event.get('printed', ''))}",
                    f"- {words['clean']}: {_code(event.get('reading', ''))}", ""]
        if event.get("decision"):
            out += [words["decision_paste"], "", "```toml", *event["decision"].rstrip("\n").split("\n"), "```", ""]
        elif event.get("check"):
            out += [words["no_decision"], ""]
    return out


def by_rule(items: list[dict], key: str, names: dict[str, str], example: Callable[[dict], str],
            shown_examples: int = 3) -> list[list]:
    """One row per rule (kind, style), the most frequent first: its name in the report's
    language, how often, and its first few cases."""
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(item[key], []).append(item)
    return [[term(name, names) or "–", len(group), " · ".join(example(item) for item in group[:shown_examples])
             + (" …" if len(group) > shown_examples else "")]
            for name, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))]


def shown_change(text: str, limit: int = 60) -> str:
    """A repair's raw or clean text in an example: a line break as ⏎, cut short."""
    text = str(text).replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def changed_part(raw: str, clean: str, context: int = 20) -> tuple[str, str]:
    """What a repair changed, in a few words around it: a decision that changed one word of a
    long paragraph shows that word ("… Verteidigungspolitk ist …"), not the paragraph's start."""
    start = 0
    while start < min(len(raw), len(clean)) and raw[start] == clean[start]:
        start += 1
    end = 0
    while end < min(len(raw), len(clean)) - start and raw[-1 - end] == clean[-1 - end]:
        end += 1
    before = max(0, start - context)
    while before > 0 and not raw[before - 1].isspace():   # from a word's start
        before -= 1
    after = end - context
    if after > 0:
        while after > 0 and not raw[len(raw) - after].isspace():   # to a word's end
            after -= 1
    after = max(after, 0)
    cut_raw, cut_clean = raw[before:len(raw) - after], clean[before:len(clean) - after]
    lead, tail = ("…" if before else ""), ("…" if after else "")
    return (lead + shown_change(cut_raw, 80) + tail, lead + shown_change(cut_clean, 80) + tail)


def _code(text: str) -> str:
    """`text` as a code span, whatever backticks it holds (a line break shown as ⏎)."""
    text = shown(str(text)).replace("\n", "⏎")
    if not text:
        return "–"
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def unsure_section(unsure: dict, words: dict[str, str]) -> list[str]:
    """The words the OCR engine was unsure of, a row per printed line (a long scan has thousands)."""
    rows: dict[tuple, list[str]] = {}
    for item in unsure["words"]:
        rows.setdefault((item["page"], item["line"], item["print_page"]), []).append(
            f"{item['word']} ({item['confidence']:.2f})")
    out = [f"## {words['unsure']} ({len(unsure['words'])})", "", words["unsure_intro"].format(below=f"{unsure['below']:.2f}"),
           ""]
    return out + _table([words["where"], words["page_column"], words["words_confidence"]],
                        [[f"{page}:{line}" if line else page, print_page, " · ".join(found)]
                         for (page, line, print_page), found in rows.items()], words)


def page_span(pages: list[str]) -> str:
    """A chapter's print pages as a reader writes them: "3–40", "i" for one page (not "i–i"),
    "1–2 Titelei" for pages of a numbering apart ("" for none)."""
    if not pages:
        return ""
    first, last = pages[0], pages[-1]
    if first == last:
        return first
    (a, _, apart), (b, _, other) = first.partition(" "), last.partition(" ")
    return f"{a}–{b} {apart}" if apart and apart == other else f"{first}–{last}"


def page_runs(pages: list[dict]) -> list[list[str]]:
    """Input pages and their print pages in runs ("3–40", "1–38"), not a row per page: a 600-page
    book's table stays short; a break in the numbering, or a page of another file, starts a new row."""
    runs: list[list[str]] = []
    start: dict | None = None
    previous: dict | None = None

    def name(page: dict) -> str:
        return str(page["file"] or page["pdf_page"] or page["page"])

    for page in [*pages, None]:
        follows = (page is not None and previous is not None and not page["file"]
                   and str(previous["print_page"]).isdigit() and str(page["print_page"]).isdigit()
                   and int(page["print_page"]) == int(previous["print_page"]) + 1)
        if start is not None and previous is not None and not follows:
            same = start is previous
            runs.append([name(start) if same else f"{name(start)}–{name(previous)}",
                         str(start["print_page"]) if same else f"{start['print_page']}–{previous['print_page']}"])
            start = None
        if page is not None and start is None:
            start = page
        previous = page
    return runs


def paste_lines(undecided: list[dict]) -> list[str]:
    """A ready-to-paste decisions.toml entry for each undecided case: join as suggested (change
    [[join]] to [[keep]] to keep the words apart)."""
    lines: list[str] = []
    for case in undecided:
        lines += [f"[[join]]  # {toml_comment(where(case))}: {toml_comment(repr(case['raw']))} → "
                  f"{toml_comment(repr(case['suggestion']))}",
                  f"raw = {toml_string(case['raw'])}"]
        if str(case["print_page"]).isdigit():
            lines.append(f"page = {case['print_page']}")
        lines.append("")
    return lines[:-1]


def warnings(report: dict) -> list[Diagnostic]:
    """What the editor must look at, as the command prints it: `file:line: warning: …`."""
    out: list[Diagnostic] = []
    for case in report["undecided"]:
        out.append(Diagnostic(case["file"] or report["source"], case["line"], "warning",
                              f"undecided: '{case['raw']}' or '{case['suggestion']}'? ({case['reason']})"))
    for event in report["events"]:
        if event["kind"] != "warning":
            continue
        if event["file"]:
            out.append(Diagnostic(event["file"], event["line"], "warning", event["detail"]))
        elif event["page"]:
            out.append(Diagnostic(report["source"], None, "warning",
                                  f"page {event['page']} (S. {event['print_page']}): {event['detail']}"))
        else:
            out.append(Diagnostic(report["source"], None, "warning", event["detail"]))
    decisions = report["decisions"]
    for stale in decisions["stale"]:
        out.append(Diagnostic(decisions["file"], stale["line"], "warning",
                              f"decision matches nothing: {stale['kind']} '{stale['raw']}'"))
    return out
