"""Six typesetters, each from a source written by program: Typst (the `typst` package),
pdfLaTeX and LuaLaTeX (Debian's TeX Live), LibreOffice Writer (a flat ODF `.fodt`, converted by
`soffice --headless`), WeasyPrint (HTML and CSS paged media) and groff (`-ms` with German
hyphenation, `tbl`, `gropdf`).

Each writer sets the same model: chapter openings on a new page, headings as the model prints
them, notes per chapter, per page or as endnotes under "Anmerkungen", running heads verso/recto
or centred, front matter (title page with its "∗" note, preface, contents) numbered in roman.
Where a typesetter cannot do something, the writer says so in a comment and the layouts avoid it.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .model import Block, Doc, Layout, Run, plain

PAPER_MM = {"a5": (148, 210), "a4": (210, 297), "b5": (176, 250), "letter": (216, 279)}
TYPESETTERS = ("typst", "pdflatex", "lualatex", "writer", "weasyprint", "groff")


def tool_available(typesetter: str) -> bool:
    needs = {"typst": None, "pdflatex": "pdflatex", "lualatex": "lualatex", "writer": "soffice", "weasyprint": None,
             "groff": "gropdf"}[typesetter]
    if typesetter == "typst":
        try:
            import typst  # noqa: F401
        except ImportError:
            return False
        return True
    if typesetter == "weasyprint":
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError):
            return False
        return True
    return shutil.which(needs or "") is not None


def typeset(doc: Doc, layout: Layout, pdf: Path) -> str:
    """Write `pdf`; returns the source it was made from."""
    writer = {"typst": _typst, "pdflatex": _latex, "lualatex": _latex, "writer": _fodt, "weasyprint": _html,
              "groff": _groff}[layout.typesetter]
    source = writer(doc, layout)
    with tempfile.TemporaryDirectory() as work:
        _compile(source, layout.typesetter, Path(work), pdf)
    return source


def _compile(source: str, typesetter: str, work: Path, pdf: Path) -> None:
    def run(command: list[str], **kwargs) -> None:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False, cwd=work,
                              timeout=600, **kwargs)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed:\n{(done.stdout + done.stderr)[-3000:]}")

    if typesetter == "typst":
        import typst

        (work / "book.typ").write_text(source, encoding="utf-8")
        pdf.write_bytes(typst.compile(str(work / "book.typ")))
    elif typesetter in ("pdflatex", "lualatex"):
        (work / "book.tex").write_text(source, encoding="utf-8")
        for _ in range(2):
            run([typesetter, "-interaction=nonstopmode", "-halt-on-error", "book.tex"])
        shutil.copy(work / "book.pdf", pdf)
    elif typesetter == "writer":
        (work / "book.fodt").write_text(source, encoding="utf-8")
        run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "pdf", "book.fodt"])
        shutil.copy(work / "book.pdf", pdf)
    elif typesetter == "weasyprint":
        import weasyprint

        weasyprint.HTML(string=source, base_url=str(work)).write_pdf(str(pdf))
    elif typesetter == "groff":
        (work / "book.ms").write_text(source, encoding="utf-8")
        paper = {"a5": "a5", "a4": "a4", "b5": "b5", "letter": "letter"}
        with (work / "book.pdf").open("wb") as out:
            done = subprocess.run(["groff", "-k", "-t", "-ms", "-mde", "-mpdf", "-Tpdf", f"-dpaper={paper[_paper(source)]}",
                                   f"-P-p{paper[_paper(source)]}", "book.ms"], stdout=out, stderr=subprocess.PIPE,
                                  cwd=work, check=False, timeout=120)
        if done.returncode:
            raise RuntimeError(f"groff failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
        shutil.copy(work / "book.pdf", pdf)


def _paper(groff_source: str) -> str:
    return re.search(r'^\.\\" paper: (\w+)', groff_source, flags=re.M).group(1)  # type: ignore[union-attr]


def _endnote_text(number: int, note: list[Run], render) -> str:
    return render([("text", f"{number}. "), *note])


# ---- Typst ----

def _str(value: object) -> str:
    """A Typst string (or array) literal: JSON's escapes but for \\u, which Typst writes \\u{…}."""
    if isinstance(value, list):
        return "(" + "".join(_str(v) + ", " for v in value) + ")"
    return json.dumps(value, ensure_ascii=False)


def _typst_escape(text: str) -> str:
    # ";" too: right after an embedded expression (`#link("…");`) Typst takes it as the end of
    # the expression and prints nothing, so a note's "Online: https://…; 2. Druck" lost its ";"
    return re.sub(r"([\\#*_$<>@\[\]`~/=+\-\"'.:;])", r"\\\1", text)


def _typst(doc: Doc, layout: Layout) -> str:
    small = layout.size * 0.85
    endnotes: list[list[Run]] = []
    preface = [False]            # the preface's notes are footnotes in every layout

    def runs(rs: list[Run]) -> str:
        out = []
        for kind, value in rs:
            if kind == "note":
                if layout.notes == "endnotes" and not preface[0]:
                    endnotes.append(value)  # type: ignore[arg-type]
                    out.append(f"#super[{len(endnotes)}]")
                else:
                    out.append(f"#footnote[{runs(value)}]")  # type: ignore[arg-type]
            elif kind == "br":
                out.append("#linebreak()")
            elif kind == "url":
                out.append(f"#link({_str(value)})")
            elif kind == "code":
                out.append(f"#raw({_str(value)})")
            else:
                t = _typst_escape(str(value))
                out.append({"em": f"#emph[{t}]", "strong": f"#strong[{t}]", "spaced": f"#text(tracking: 0.18em)[{t}]"}.get(kind, t))
        return "".join(out)

    head = (f"""context {{
    if opening() {{ return }}
    let n = counter(page).display()
    set text(size: {small}pt)
    if calc.even(here().page()) [#n #h(1fr) {_typst_escape(doc.title)}]
    else [#chapter-head() #h(1fr) #n]
  }}""" if layout.heads == "versorecto" else f"""context {{
    if opening() {{ return }}
    set text(size: {small}pt)
    align(center, chapter-head())
  }}""")
    if layout.notes == "page":   # numbers restart on every page
        head = "{ counter(footnote).update(0); " + head + " }"
    folio = f"align(center, text(size: {small}pt, counter(page).display()))"
    foot = f"context {{ if opening() {{ {folio} }} }}" if layout.heads == "versorecto" else f"context {folio}"
    out = [f"""#set document(title: {_str(doc.title) if doc.pdf_title else 'none'}, author: {_str(doc.pdf_authors)})
#let opening() = query(heading.where(level: 1)).any(h => h.location().page() == here().page())
#let chapter-head() = {{
  let hs = query(selector(<head>).before(here()))
  if hs.len() > 0 {{ hs.last().value }}
}}
#set text(lang: "de", region: "ch", size: {layout.size}pt, hyphenate: true)
#set par(justify: true, first-line-indent: {"1.2em" if layout.indent else "0pt"}, spacing: {"0.65em" if layout.indent else "1.1em"})
#set page(paper: "{ {'letter': 'us-letter', 'b5': 'iso-b5'}.get(layout.paper, layout.paper) }", margin: (inside: 22mm, outside: 16mm, top: 22mm, bottom: 22mm),
  numbering: "i", header: {head}, footer: {foot})
#show heading.where(level: 1): it => {{ pagebreak(weak: true); v(18mm); block(text(size: {layout.size * 1.6}pt, weight: "bold", it.body)); v(10mm) }}
#show heading.where(level: 2): it => block(above: 1.4em, below: 0.8em, text(size: {layout.size * 1.3}pt, weight: "bold", it.body))
#show heading.where(level: 3): it => block(above: 1.2em, below: 0.6em, text(size: {layout.size * 1.1}pt, weight: "bold", style: "italic", it.body))
#show raw.where(block: true): set text(size: {small}pt)
#set list(indent: 0.6em)
#set enum(indent: 0.6em)
"""]
    if layout.front:
        mark = "#footnote(numbering: \"*\")[" + _typst_escape(doc.title_note) + "]" if doc.title_note else ""
        out.append(f"""#page(header: none, footer: none)[
  #v(30mm)
  #align(center)[#text(size: {layout.size * 2}pt, weight: "bold")[{_typst_escape(doc.title)}{mark}]
  #v(6mm)
  #text(size: {layout.size * 1.2}pt)[{_typst_escape(doc.subtitle)}]
  #v(12mm)
  {" #linebreak() ".join(_typst_escape(a) for a in doc.authors)}]
]
#counter(footnote).update(0)
#heading(outlined: false)[Vorwort]
""")
        preface[0] = True
        out += [runs(b.runs) + "\n" for b in doc.preface]
        preface[0] = False
        out.append('#pagebreak()\n#outline(title: "Inhalt", depth: 1)\n')
    out.append("#pagebreak(weak: true)\n#set page(numbering: \"1\")\n#counter(page).update(1)\n")
    for chapter in doc.chapters:
        out.append(f"= {_typst_escape(chapter.title)}\n#metadata({_str(chapter.head)}) <head>\n#counter(footnote).update(0)\n")
        endnotes.clear()
        for block in chapter.blocks:
            out.append(_typst_block(block, runs, small) + "\n")
        if endnotes:
            out.append("== Anmerkungen\n")
            out += [f"#par(first-line-indent: 0pt)[#text(size: {small}pt)[{_endnote_text(n, t, runs)}]]\n"
                    for n, t in enumerate(endnotes, 1)]
    return "\n".join(out)


def _typst_block(block: Block, runs, small: float) -> str:
    if block.kind == "heading":
        return "=" * block.level + " " + runs(block.runs)
    if block.kind == "para":
        return runs(block.runs)
    if block.kind == "quote":
        return f"#pad(left: 2em, right: 2em, text(size: {small}pt)[{runs(block.runs)}])"
    if block.kind in ("ol", "ul"):
        return "\n".join(("+ " if block.kind == "ol" else "- ") + runs(item) for item in block.items)
    if block.kind == "table":
        cells = ", ".join(f"[{_typst_escape(c)}]" for row in block.rows for c in row)
        return f"#align(center, text(size: {small}pt, table(columns: {len(block.rows[0])}, {cells})))"
    if block.kind == "code":
        return f"#raw(block: true, {_str(chr(10).join(block.lines))})"
    raise ValueError(block.kind)


# ---- LaTeX (pdfLaTeX and LuaLaTeX) ----

LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                 "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "|": r"\textbar{}",
                 "<": r"\textless{}", ">": r"\textgreater{}", "„": r"\glqq{}", "“": r"\grqq{}"}


def _latex_escape(text: str) -> str:
    """Text as it is written: TeX would make "--" a dash ("-{}-" does not stop LuaTeX) and "'" a closing quote."""
    text = "".join(LATEX_SPECIAL.get(c, c) for c in text)
    return text.replace("--", "-\\kern0pt-").replace("--", "-\\kern0pt-").replace("'", r"\textquotesingle{}").replace("`", r"\textasciigrave{}")


def _latex(doc: Doc, layout: Layout) -> str:
    lua = layout.typesetter == "lualatex"
    endnotes: list[list[Run]] = []
    preface = [False]            # the preface's notes are footnotes in every layout

    def runs(rs: list[Run]) -> str:
        out = []
        for kind, value in rs:
            if kind == "note":
                if layout.notes == "endnotes" and not preface[0]:
                    endnotes.append(value)  # type: ignore[arg-type]
                    out.append(f"\\textsuperscript{{{len(endnotes)}}}")
                else:
                    out.append(f"\\footnote{{{runs(value)}}}")  # type: ignore[arg-type]
            elif kind == "br":
                out.append("\\newline ")
            elif kind == "url":
                out.append("\\url{" + str(value).replace("%", "\\%").replace("#", "\\#") + "}")
            elif kind == "logo":
                out.append({"TeX": "\\TeX{}", "LaTeX": "\\LaTeX{}"}[str(value)])
            else:
                t = _latex_escape(str(value))
                out.append({"em": f"\\emph{{{t}}}", "strong": f"\\textbf{{{t}}}", "spaced": f"\\textls[200]{{{t}}}",
                            "code": f"\\texttt{{{t}}}"}.get(kind, t))
        return "".join(out)

    paper = {"a5": "a5paper", "a4": "a4paper", "b5": "b5paper", "letter": "letterpaper"}[layout.paper]
    if layout.heads == "versorecto":
        heads = (r"\fancyhead[LE]{\thepage\quad " + _latex_escape(doc.title) + r"}\fancyhead[RO]{\leftmark\quad\thepage}"
                 r"\fancypagestyle{plain}{\fancyhf{}\fancyfoot[C]{\thepage}}")
    else:
        heads = r"\fancyhead[C]{\leftmark}\fancyfoot[C]{\thepage}\fancypagestyle{plain}{\fancyhf{}\fancyfoot[C]{\thepage}}"
    fonts = (r"\usepackage{fontspec}" if lua else
             "\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\usepackage{lmodern}")
    meta = ""
    if doc.pdf_title:
        meta = ("\\usepackage[hyphens]{url}\n\\usepackage[hidelinks]{hyperref}\n\\hypersetup{pdftitle={" + _latex_escape(doc.title) +
                "}, pdfauthor={" + "; ".join(doc.pdf_authors) + "}}")
    else:
        meta = "\\usepackage[hyphens]{url}"
    spacing = "" if layout.indent else r"\setlength{\parindent}{0pt}\setlength{\parskip}{6pt plus 2pt}"
    out = [rf"""\documentclass[{paper},{int(layout.size)}pt,twoside,openany]{{book}}
{fonts}
\usepackage[ngerman]{{babel}}
\usepackage{{microtype}}
\usepackage[top=20mm, bottom=22mm, inner=20mm, outer=16mm, headsep=5mm]{{geometry}}
\usepackage{{booktabs}}
{meta}
\usepackage{{fancyhdr}}
\pagestyle{{fancy}}\fancyhf{{}}\renewcommand{{\headrulewidth}}{{0pt}}
{heads}
{spacing}
\begin{{document}}
"""]
    if layout.front:
        note = f"\\thanks{{{_latex_escape(doc.title_note)}}}" if doc.title_note else ""
        authors = r" \and ".join(_latex_escape(a) for a in doc.authors)
        out.append(rf"\frontmatter\title{{{_latex_escape(doc.title)}{note}\\[2ex]\large {_latex_escape(doc.subtitle)}}}"
                   rf"\author{{{authors}}}\date{{}}\maketitle" + "\n")
        out.append(r"\chapter*{Vorwort}\markboth{Vorwort}{Vorwort}" + "\n")
        preface[0] = True
        out += [runs(b.runs) + "\n" for b in doc.preface]
        preface[0] = False
        out.append(r"\tableofcontents\mainmatter" + "\n")
    else:
        out.append(r"\mainmatter" + "\n")
    for chapter in doc.chapters:
        title = _latex_escape(chapter.title)
        out.append(rf"\chapter*{{{title}}}\addcontentsline{{toc}}{{chapter}}{{{title}}}"
                   rf"\markboth{{{_latex_escape(chapter.head)}}}{{}}\setcounter{{footnote}}{{0}}" + "\n")
        endnotes.clear()
        for block in chapter.blocks:
            out.append(_latex_block(block, runs) + "\n")
        if endnotes:
            out.append(r"\section*{Anmerkungen}{\small\setlength{\parindent}{0pt}" + "\n")
            out += [_endnote_text(n, t, runs) + "\n\n" for n, t in enumerate(endnotes, 1)]
            out.append("}\n")
    out.append(r"\end{document}" + "\n")
    return "\n".join(out)


def _latex_block(block: Block, runs) -> str:
    if block.kind == "heading":
        return rf"\{'section' if block.level == 2 else 'subsection'}*{{{runs(block.runs)}}}"
    if block.kind == "para":
        return runs(block.runs)
    if block.kind == "quote":
        return r"\begin{quote}\small " + runs(block.runs) + r"\end{quote}"
    if block.kind in ("ol", "ul"):
        env = "enumerate" if block.kind == "ol" else "itemize"
        return f"\\begin{{{env}}}\n" + "\n".join(r"\item " + runs(item) for item in block.items) + f"\n\\end{{{env}}}"
    if block.kind == "table":
        rows = [" & ".join(_latex_escape(c) for c in row) + r" \\" for row in block.rows]
        return ("\\begin{center}\\small\\begin{tabular}{" + "l" * len(block.rows[0]) + "}\\toprule\n" + rows[0] + "\\midrule\n"
                + "\n".join(rows[1:]) + "\\bottomrule\\end{tabular}\\end{center}")
    if block.kind == "code":
        return "\\begin{small}\\begin{verbatim}\n" + "\n".join(block.lines) + "\n\\end{verbatim}\\end{small}"
    raise ValueError(block.kind)


# ---- LibreOffice Writer: flat ODF ----

def _xml(text: str) -> str:
    return html.escape(text, quote=True)


def _fodt(doc: Doc, layout: Layout) -> str:
    width, height = PAPER_MM[layout.paper]
    small = layout.size * 0.85
    endnotes: list[list[Run]] = []
    preface = [False]            # the preface's notes are footnotes in every layout
    count = [0]

    def runs(rs: list[Run]) -> str:
        out = []
        for kind, value in rs:
            if kind == "note":
                if layout.notes == "endnotes" and not preface[0]:
                    endnotes.append(value)  # type: ignore[arg-type]
                    out.append(f'<text:span text:style-name="Sup">{len(endnotes)}</text:span>')
                else:
                    count[0] += 1
                    out.append(f'<text:note text:id="n{count[0]}" text:note-class="footnote"><text:note-citation>{count[0]}'
                               f'</text:note-citation><text:note-body><text:p text:style-name="Footnote">{runs(value)}'  # type: ignore[arg-type]
                               "</text:p></text:note-body></text:note>")
            elif kind == "br":
                out.append("<text:line-break/>")
            else:
                style = {"em": "Em", "strong": "Strong", "spaced": "Spaced", "code": "Mono", "url": "Mono"}.get(kind)
                t = _xml(str(value))
                out.append(f'<text:span text:style-name="{style}">{t}</text:span>' if style else t)
        return "".join(out)

    body: list[str] = []
    if layout.front:
        note = ""
        if doc.title_note:
            note = ('<text:note text:id="title" text:note-class="footnote"><text:note-citation text:label="∗">∗</text:note-citation>'
                    f'<text:note-body><text:p text:style-name="Footnote">{_xml(doc.title_note)}</text:p></text:note-body></text:note>')
        body.append(f'<text:p text:style-name="TitlePage">{_xml(doc.title)}{note}</text:p>')
        body.append(f'<text:p text:style-name="Subtitle">{_xml(doc.subtitle)}</text:p>')
        body += [f'<text:p text:style-name="Author">{_xml(a)}</text:p>' for a in doc.authors]
        body.append('<text:h text:style-name="FrontHeading" text:outline-level="1">Vorwort</text:h>')
        preface[0] = True
        body += [f'<text:p text:style-name="Body">{runs(b.runs)}</text:p>' for b in doc.preface]
        preface[0] = False
    for c, chapter in enumerate(doc.chapters):
        style = "ChapterFirst" if c == 0 and layout.front else "Chapter"
        body.append(f'<text:h text:style-name="{style}" text:outline-level="1">{_xml(chapter.title)}</text:h>')
        endnotes.clear()
        if layout.notes == "chapter":
            count[0] = 0     # the citation text is ours; Writer numbers anyway (restart per chapter below)
        for block in chapter.blocks:
            body.append(_fodt_block(block, runs))
        if endnotes:
            body.append('<text:h text:style-name="H2" text:outline-level="2">Anmerkungen</text:h>')
            body += [f'<text:p text:style-name="Endnote">{_endnote_text(n, t, runs)}</text:p>' for n, t in enumerate(endnotes, 1)]
    restart = {"chapter": "chapter", "page": "page", "endnotes": "document"}[layout.notes]
    meta = f"<dc:title>{_xml(doc.title)}</dc:title>" if doc.pdf_title else ""
    meta += f"<meta:initial-creator>{_xml('; '.join(doc.pdf_authors))}</meta:initial-creator><dc:creator>{_xml('; '.join(doc.pdf_authors))}</dc:creator>"
    indent = "0.5cm" if layout.indent else "0cm"
    spacing = "0cm" if layout.indent else "0.2cm"
    vh = ('<style:header><text:p text:style-name="HeadRight"><text:chapter text:display="name" text:outline-level="1"/>'
          '<text:tab/><text:page-number text:select-page="current"/></text:p></style:header>'
          '<style:header-left><text:p text:style-name="HeadLeft"><text:page-number text:select-page="current"/><text:tab/>'
          f'{_xml(doc.title)}</text:p></style:header-left>'
          if layout.heads == "versorecto" else
          '<style:header><text:p text:style-name="HeadCenter"><text:chapter text:display="name" text:outline-level="1"/></text:p></style:header>')
    vf = "" if layout.heads == "versorecto" else \
        '<style:footer><text:p text:style-name="HeadCenter"><text:page-number text:select-page="current"/></text:p></style:footer>'
    tab = (width - 38) / 10
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta>{meta}</office:meta>
<office:font-face-decls>
 <style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'" style:font-family-generic="roman"/>
 <style:font-face style:name="Liberation Mono" svg:font-family="'Liberation Mono'" style:font-family-generic="modern"/>
 <style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'" style:font-family-generic="swiss"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:hyphenation-ladder-count="no-limit"/>
  <style:text-properties style:font-name="Liberation Serif" fo:font-size="{layout.size}pt" fo:language="de" fo:country="CH"
   fo:hyphenate="true" fo:hyphenation-remain-char-count="2" fo:hyphenation-push-char-count="2"/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph"/>
 <style:style style:name="Body" style:family="paragraph">
  <style:paragraph-properties fo:text-align="justify" fo:text-indent="{indent}" fo:margin-top="0cm" fo:margin-bottom="{spacing}"/>
 </style:style>
 <style:style style:name="Quote" style:family="paragraph" style:parent-style-name="Body">
  <style:paragraph-properties fo:margin-left="1cm" fo:margin-right="1cm" fo:text-indent="0cm" fo:margin-top="0.2cm" fo:margin-bottom="0.2cm"/>
  <style:text-properties fo:font-size="{small}pt"/>
 </style:style>
 <style:style style:name="ListBody" style:family="paragraph" style:parent-style-name="Body">
  <style:paragraph-properties fo:text-indent="0cm"/>
 </style:style>
 <style:style style:name="Code" style:family="paragraph">
  <style:paragraph-properties fo:margin-left="0.5cm"/>
  <style:text-properties style:font-name="Liberation Mono" fo:font-size="{small}pt" fo:hyphenate="false"/>
 </style:style>
 <style:style style:name="Cell" style:family="paragraph"><style:text-properties fo:font-size="{small}pt"/></style:style>
 <style:style style:name="Footnote" style:family="paragraph">
  <style:paragraph-properties fo:text-align="justify" fo:margin-left="0.4cm" fo:text-indent="-0.4cm"/>
  <style:text-properties fo:font-size="{small}pt"/>
 </style:style>
 <style:style style:name="Endnote" style:family="paragraph" style:parent-style-name="Footnote"/>
 <style:style style:name="Heading" style:family="paragraph">
  <style:paragraph-properties fo:keep-with-next="always" fo:margin-top="0.4cm" fo:margin-bottom="0.2cm"/>
  <style:text-properties fo:font-weight="bold" fo:hyphenate="true"/>
 </style:style>
 <style:style style:name="Chapter" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="1">
  <style:paragraph-properties fo:break-before="page" fo:margin-top="1.5cm" fo:margin-bottom="0.8cm"/>
  <style:text-properties fo:font-size="{layout.size * 1.6}pt"/>
 </style:style>
 <style:style style:name="ChapterFirst" style:family="paragraph" style:parent-style-name="Chapter" style:master-page-name="Main">
  <style:paragraph-properties style:page-number="1"/>
 </style:style>
 <style:style style:name="FrontHeading" style:family="paragraph" style:parent-style-name="Chapter" style:master-page-name="Front"/>
 <style:style style:name="H2" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="2">
  <style:text-properties fo:font-size="{layout.size * 1.3}pt"/>
 </style:style>
 <style:style style:name="H3" style:family="paragraph" style:parent-style-name="Heading" style:default-outline-level="3">
  <style:text-properties fo:font-size="{layout.size * 1.1}pt" fo:font-style="italic"/>
 </style:style>
 <style:style style:name="TitlePage" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center" fo:margin-top="3cm" fo:margin-bottom="0.5cm"/>
  <style:text-properties fo:font-size="{layout.size * 2}pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Subtitle" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="1cm"/>
  <style:text-properties fo:font-size="{layout.size * 1.2}pt"/>
 </style:style>
 <style:style style:name="Author" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/></style:style>
 <style:style style:name="HeadLeft" style:family="paragraph">
  <style:paragraph-properties><style:tab-stops><style:tab-stop style:position="{tab}cm" style:type="right"/></style:tab-stops></style:paragraph-properties>
  <style:text-properties fo:font-size="{small}pt"/>
 </style:style>
 <style:style style:name="HeadRight" style:family="paragraph" style:parent-style-name="HeadLeft"/>
 <style:style style:name="HeadCenter" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="{small}pt"/>
 </style:style>
 <style:style style:name="Em" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
 <style:style style:name="Strong" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="Spaced" style:family="text"><style:text-properties fo:letter-spacing="0.06cm"/></style:style>
 <style:style style:name="Mono" style:family="text"><style:text-properties style:font-name="Liberation Mono"/></style:style>
 <style:style style:name="Sup" style:family="text"><style:text-properties style:text-position="super 58%"/></style:style>
 <text:notes-configuration text:note-class="footnote" style:num-format="1" text:start-value="0"
  text:footnotes-position="page" text:start-numbering-at="{restart}"/>
 <text:list-style style:name="Numbered">
  <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1">
   <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
    <style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.8cm" fo:text-indent="-0.6cm" fo:margin-left="0.8cm"/>
   </style:list-level-properties>
  </text:list-level-style-number>
 </text:list-style>
 <text:list-style style:name="Bullets">
  <text:list-level-style-bullet text:level="1" text:bullet-char="•">
   <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
    <style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.6cm" fo:text-indent="-0.4cm" fo:margin-left="0.6cm"/>
   </style:list-level-properties>
  </text:list-level-style-bullet>
 </text:list-style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="PL" style:page-usage="mirrored">
  <style:page-layout-properties fo:page-width="{width}mm" fo:page-height="{height}mm" fo:margin-top="14mm" fo:margin-bottom="16mm"
   fo:margin-left="22mm" fo:margin-right="16mm" style:num-format="1"/>
  <style:header-style><style:header-footer-properties fo:min-height="0cm" fo:margin-bottom="4mm"/></style:header-style>
  <style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="4mm"/></style:footer-style>
 </style:page-layout>
 <style:page-layout style:name="PLroman" style:page-usage="mirrored">
  <style:page-layout-properties fo:page-width="{width}mm" fo:page-height="{height}mm" fo:margin-top="14mm" fo:margin-bottom="16mm"
   fo:margin-left="22mm" fo:margin-right="16mm" style:num-format="i"/>
  <style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="4mm"/></style:footer-style>
 </style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="PLroman"/>
 <style:master-page style:name="Front" style:page-layout-name="PLroman">
  <style:footer><text:p text:style-name="HeadCenter"><text:page-number text:select-page="current"/></text:p></style:footer>
 </style:master-page>
 <style:master-page style:name="Main" style:page-layout-name="PL">{vh}{vf}</style:master-page>
</office:master-styles>
<office:body><office:text>
{"".join(body) if layout.front else '<text:p text:style-name="Standard"/>' + "".join(body).replace('"Chapter"', '"ChapterFirst"', 1)}
</office:text></office:body></office:document>
"""


def _fodt_block(block: Block, runs) -> str:
    if block.kind == "heading":
        return f'<text:h text:style-name="H{block.level}" text:outline-level="{block.level}">{runs(block.runs)}</text:h>'
    if block.kind == "para":
        return f'<text:p text:style-name="Body">{runs(block.runs)}</text:p>'
    if block.kind == "quote":
        return f'<text:p text:style-name="Quote">{runs(block.runs)}</text:p>'
    if block.kind in ("ol", "ul"):
        style = "Numbered" if block.kind == "ol" else "Bullets"
        return (f'<text:list text:style-name="{style}">' + "".join(
            f'<text:list-item><text:p text:style-name="ListBody">{runs(item)}</text:p></text:list-item>' for item in block.items)
            + "</text:list>")
    if block.kind == "table":
        cols = len(block.rows[0])
        return (f'<table:table table:name="T{id(block)}"><table:table-column table:number-columns-repeated="{cols}"/>' + "".join(
            "<table:table-row>" + "".join(f'<table:table-cell><text:p text:style-name="Cell">{_xml(c)}</text:p></table:table-cell>'
                                          for c in row) + "</table:table-row>" for row in block.rows) + "</table:table>")
    if block.kind == "code":
        def spaces(line: str) -> str:
            return re.sub(r"  +", lambda m: f'<text:s text:c="{len(m.group())}"/>', _xml(line))
        return "".join(f'<text:p text:style-name="Code">{spaces(line)}</text:p>' for line in block.lines)
    raise ValueError(block.kind)


# ---- WeasyPrint: HTML and CSS paged media ----

def _html(doc: Doc, layout: Layout) -> str:
    """WeasyPrint: notes per chapter (a chapter's h1 resets the counter) or endnotes; it cannot
    number notes per page (`@page {counter-reset: footnote}` does nothing) nor restart the page
    numbers (the main matter goes on from the roman front matter: ii, 3, 4 …)."""
    if layout.notes == "page":
        raise ValueError("WeasyPrint cannot number notes per page")
    width, height = PAPER_MM[layout.paper]
    small = layout.size * 0.85
    endnotes: list[list[Run]] = []
    preface = [False]            # the preface's notes are footnotes in every layout

    def runs(rs: list[Run]) -> str:
        out = []
        for kind, value in rs:
            if kind == "note":
                if layout.notes == "endnotes" and not preface[0]:
                    endnotes.append(value)  # type: ignore[arg-type]
                    out.append(f"<sup>{len(endnotes)}</sup>")
                else:
                    out.append(f'<span class="fn">{runs(value)}</span>')  # type: ignore[arg-type]
            elif kind == "br":
                out.append("<br>")
            else:
                tag = {"em": "em", "strong": "strong", "spaced": "span class=\"spaced\"", "code": "code", "url": "code class=\"url\""}.get(kind)
                t = html.escape(str(value))
                out.append(f"<{tag}>{t}</{tag.split()[0]}>" if tag else t)
        return "".join(out)

    if layout.heads == "versorecto":
        margins = """@page main:left { @top-left { content: counter(page) "\\2003" string(book); } }
@page main:right { @top-right { content: string(chapter) "\\2003" counter(page); } }
@page main:first { @top-left { content: none; } @top-right { content: none; } @bottom-center { content: counter(page); } }"""
    else:
        margins = """@page main { @top-center { content: string(chapter); } @bottom-center { content: counter(page); } }
@page main:first { @top-center { content: none; } }"""
    css = f"""@page {{ size: {width}mm {height}mm; margin: 20mm 16mm 20mm 20mm; font-size: {small}pt; }}
@page front {{ @bottom-center {{ content: counter(page, lower-roman); }} }}
@page front:first {{ @bottom-center {{ content: none; }} }}
{margins}
html {{ font-family: "DejaVu Serif", serif; font-size: {layout.size}pt; line-height: 1.3; }}
body {{ margin: 0; string-set: book "{doc.title}"; }}
section.front {{ page: front; }}
section.chapter {{ page: main; break-before: page; }}
section.chapter.first {{ counter-reset: page 1; }}
h1 {{ font-size: 1.6em; margin: 12mm 0 8mm; counter-reset: footnote; }}
h1 + span.head {{ string-set: chapter content(); display: none; }}
h2 {{ font-size: 1.3em; margin: 1.2em 0 0.5em; break-after: avoid; }}
h3 {{ font-size: 1.1em; font-style: italic; margin: 1em 0 0.4em; break-after: avoid; }}
h1, h2, h3, p, li {{ hyphens: auto; }}
p, li {{ text-align: justify; margin: 0 0 {"0" if layout.indent else "0.6em"}; text-indent: {"1.2em" if layout.indent else "0"}; orphans: 2; widows: 2; }}
li p, li {{ text-indent: 0; }}
h1 + p, h2 + p, h3 + p {{ text-indent: 0; }}
blockquote {{ font-size: {small}pt; margin: 0.6em 2em; }}
pre {{ font-size: {small}pt; margin: 0.6em 1em; }}
table {{ font-size: {small}pt; border-collapse: collapse; margin: 0.6em auto; }}
th, td {{ border-bottom: 0.5pt solid #444; padding: 1pt 6pt; text-align: left; }}
.spaced {{ letter-spacing: 0.18em; }}
code.url {{ font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; overflow-wrap: anywhere; }}
.fn {{ float: footnote; font-size: {small}pt; text-align: justify; text-indent: 0; }}
::footnote-call {{ content: counter(footnote); vertical-align: super; font-size: 70%; line-height: 0; }}
::footnote-marker {{ content: counter(footnote) " "; }}
.titlepage {{ text-align: center; padding-top: 30mm; break-after: page; }}
.titlepage .title {{ font-size: 2em; font-weight: bold; }}
.titlepage .fn::footnote-call, .titlepage .fn::footnote-marker {{ content: "∗ "; }}
.titlenote {{ float: footnote; counter-increment: none; }}
.titlenote::footnote-call {{ content: "∗"; vertical-align: super; font-size: 70%; }}
.titlenote::footnote-marker {{ content: "∗ "; }}
.endnote {{ font-size: {small}pt; text-indent: 0; }}
"""
    body = []
    if layout.front:
        note = f'<span class="titlenote">{html.escape(doc.title_note)}</span>' if doc.title_note else ""
        preface[0] = True
        text = "".join(f"<p>{runs(b.runs)}</p>" for b in doc.preface)
        preface[0] = False
        body.append('<section class="front"><div class="titlepage">'
                    f'<p class="title">{html.escape(doc.title)}{note}</p><p>{html.escape(doc.subtitle)}</p>'
                    + "".join(f"<p>{html.escape(a)}</p>" for a in doc.authors) + "</div>"
                    "<h1>Vorwort</h1>" + text + "</section>")
    for c, chapter in enumerate(doc.chapters):
        endnotes.clear()
        parts = [f'<section class="chapter{" first" if c == 0 else ""}"><h1>{html.escape(chapter.title)}</h1>'
                 f'<span class="head">{html.escape(chapter.head)}</span>']
        parts += [_html_block(b, runs) for b in chapter.blocks]
        if endnotes:
            parts.append("<h2>Anmerkungen</h2>")
            parts += [f'<p class="endnote">{_endnote_text(n, t, runs)}</p>' for n, t in enumerate(endnotes, 1)]
        body.append("".join(parts) + "</section>")
    title = f"<title>{html.escape(doc.title)}</title>" if doc.pdf_title else ""
    authors = "".join(f'<meta name="author" content="{html.escape(a)}">' for a in doc.pdf_authors)
    return (f'<!DOCTYPE html><html lang="de-CH"><head><meta charset="utf-8">{title}{authors}<style>{css}</style></head>'
            f"<body>{''.join(body)}</body></html>")


def _html_block(block: Block, runs) -> str:
    if block.kind == "heading":
        return f"<h{block.level}>{runs(block.runs)}</h{block.level}>"
    if block.kind == "para":
        return f"<p>{runs(block.runs)}</p>"
    if block.kind == "quote":
        return f"<blockquote>{runs(block.runs)}</blockquote>"
    if block.kind in ("ol", "ul"):
        return f"<{block.kind}>" + "".join(f"<li>{runs(item)}</li>" for item in block.items) + f"</{block.kind}>"
    if block.kind == "table":
        head, *rows = block.rows
        return ("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head) + "</tr>"
                + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows) + "</table>")
    if block.kind == "code":
        return "<pre>" + html.escape("\n".join(block.lines)) + "</pre>"
    raise ValueError(block.kind)


# ---- groff -ms ----

def _roff(text: str) -> str:
    """Text as it is written: groff would set "'" and "`" as quotes, "~" and "^" as accents."""
    text = text.replace("\\", "\\e").replace("\n", " ")
    return text.replace("'", "\\(aq").replace("`", "\\(ga").replace("~", "\\(ti").replace("^", "\\(ha")


def _groff(doc: Doc, layout: Layout) -> str:
    """groff -ms: no letter-spacing (Sperrsatz is set in italics), no bookmarks, footnotes per
    chapter with our own marks, running heads on every page (also a chapter's first)."""
    endnotes: list[list[Run]] = []
    preface = [False]            # the preface's notes are footnotes in every layout
    counter = [0]
    after_note = [False]         # the text after a note's .FE starts a new input line: no leading space

    def runs(rs: list[Run], in_note: bool = False) -> str:
        out = []
        for kind, value in rs:
            if kind == "note":
                counter[0] += 1
                if layout.notes == "endnotes" and not preface[0]:
                    endnotes.append(value)  # type: ignore[arg-type]
                    out.append(f"\\*{{{counter[0]}\\*}}")
                else:   # the note after the input line that ends with its mark, as -ms wants it
                    out.append(f"\\*{{{counter[0]}\\*}}\n.FS {counter[0]}\n\\&{runs(value, True)}\n.FE\n\\&")  # type: ignore[arg-type]
                    after_note[0] = True
                continue
            elif kind == "br":
                out.append("\n.br\n\\&")
                continue
            if after_note[0]:
                value = str(value).lstrip()
                after_note[0] = False
            if kind == "url":
                out.append(re.sub(r"([/.])", r"\1\\:", _roff(str(value))))    # break points after / and . without a hyphen
            else:
                t = _roff(str(value))
                out.append({"em": f"\\fI{t}\\fP", "strong": f"\\fB{t}\\fP", "spaced": f"\\fI{t}\\fP", "code": f"\\f(CR{t}\\fP"}.get(kind, t))
        return "".join(out)

    def paragraph(macro: str, rs: list[Run]) -> str:
        after_note[0] = False
        return f"{macro}\n\\&{runs(rs)}".removesuffix("\n\\&")

    width, _height = PAPER_MM[layout.paper]
    out = [f""".\\" paper: {layout.paper}
.nr PS {layout.size}p
.nr VS {layout.size * 1.2}p
.nr FPS {layout.size * 0.85}p
.nr FVS {layout.size * 1.0}p
.nr PI {"1.2m" if layout.indent else "0"}
.nr PD {"0" if layout.indent else "0.5v"}
.nr LL {(width - 38) / 10}c
.nr PO 2c
.nr HM 1.8c
.nr FM 2c
.ll {(width - 38) / 10}c
.nr FL {(width - 38) / 10}c
.hla den
.hy 4
.ds chtitle
.ds bktitle {_roff(doc.title)}
"""]
    if doc.pdf_title:
        out.append(f".pdfinfo /Title {_roff(doc.title)}\n.pdfinfo /Author {_roff('; '.join(doc.pdf_authors))}\n")
    if layout.heads == "versorecto":
        out.append(".OH '''\\\\*[chtitle]\\0\\0%'\n.EH '%\\0\\0\\\\*[bktitle]'''\n.OF ''''\n.EF ''''\n")
    else:
        out.append(".OH ''\\\\*[chtitle]''\n.EH ''\\\\*[chtitle]''\n.OF ''%''\n.EF ''%''\n")
    if layout.front:
        star = "\\*{\\(**\\*}" if doc.title_note else ""
        names = "\n".join(_roff(a) + "\n.br" for a in doc.authors)
        out.append(f""".DS C
.sp 6
.ps +8
\\fB{_roff(doc.title)}\\fP{star}
.ps
.sp
{_roff(doc.subtitle)}
.sp 2
{names}
.DE
""")
        if doc.title_note:
            out.append(f".FS \\(**\n\\&{_roff(doc.title_note)}\n.FE\n")
        out.append(".bp\n.ds chtitle Vorwort\n.SH\n.ps +4\nVorwort\n.ps\n")
        preface[0] = True
        out += [paragraph(".PP", b.runs) + "\n" for b in doc.preface]
        preface[0] = False
    for c, chapter in enumerate(doc.chapters):
        counter[0] = 0
        endnotes.clear()
        first = ".bp 1\n" if c == 0 and layout.front else ".bp\n" if c else ""   # no roman folios: arabic from the title page
        out.append(f"{first}.ds chtitle {_roff(chapter.head)}\n.sp 2\n.SH\n.ps +5\n.vs +6\n{_roff(chapter.title)}\n.vs\n.ps\n.sp\n")
        for block in chapter.blocks:
            out.append(_groff_block(block, runs, paragraph) + "\n")
        if endnotes:
            out.append(".SH\n.ps +2\nAnmerkungen\n.ps\n.ps -1\n")
            out += [f".LP\n\\&{_endnote_text(n, t, runs)}\n" for n, t in enumerate(endnotes, 1)]
            out.append(".ps\n")
    return "\n".join(out)


def _groff_block(block: Block, runs, paragraph) -> str:
    if block.kind == "heading":
        bump = "+3" if block.level == 2 else "+1"
        return paragraph(f".SH\n.ps {bump}", block.runs) + "\n.ps\n.PP"
    if block.kind == "para":
        return paragraph(".PP", block.runs)
    if block.kind == "quote":
        return paragraph(".QP", block.runs)
    if block.kind in ("ol", "ul"):
        return "\n".join(paragraph(f'.IP "{i}." 4n' if block.kind == "ol" else ".IP \\(bu 3n", item)
                         for i, item in enumerate(block.items, 1)) + "\n.LP"
    if block.kind == "table":
        rows = ["\t".join(_roff(c) for c in row) for row in block.rows]
        return (".TS\ncenter tab(\t);\n" + " ".join(["lb"] * len(block.rows[0])) + "\n" + " ".join(["l"] * len(block.rows[0]))
                + ".\n" + "\n".join(rows) + "\n.TE")
    if block.kind == "code":
        return ".DS L\n.ft CR\n.ps -1\n" + "\n".join("\\&" + _roff(line) for line in block.lines) + "\n.ps\n.ft\n.DE"
    raise ValueError(block.kind)


__all__ = ["TYPESETTERS", "plain", "tool_available", "typeset"]
