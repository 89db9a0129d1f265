"""The facsimile as a IIIF Presentation 3 manifest: IIIF viewers (Mirador, Universal Viewer)
open the printed book from it, one canvas per print page.

IIIF ids are absolute addresses, so the manifest exists only when the edition's `url` is
known. The pictures are plain files (no image server): a level-0 publication, each canvas
painted by its largest picture, the smaller one its thumbnail. With `[facsimile] tiles` each
picture also names its image service (static level-0 tiles, facsimile.publish_tiles): deep zoom
in Mirador and the Universal Viewer. Its id is absolute too (Presentation 3 ids are HTTP(S) URIs).
"""
from __future__ import annotations

import json

from generator.config import Config
from generator.facsimile import TILES_FOLDER, Facsimile

MANIFEST = "iiif/manifest.json"
_FORMATS = {"webp": "image/webp", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


def manifest(config: Config, pictures: Facsimile, words: dict[str, str],
             chapters: list[tuple[str, list[str]]] | None = None) -> str:
    """`chapters`: (title, print pages) of each chapter: the manifest's table of contents
    (`structures`), so a viewer lists the chapters beside the pages."""
    language = config.language.split("-")[0]
    base = config.url

    def text(value: str) -> dict[str, list[str]]:
        return {language: [value]}

    canvases = []
    for page in pictures.pages:
        canvas = f"{base}iiif/canvas/{page.name}"
        large, small = page.files[max(page.files)], page.files[min(page.files)]
        kind = _FORMATS[large.rsplit(".", 1)[-1]]
        canvases.append({
            "id": canvas, "type": "Canvas", "label": {"none": [words["page"] + " " + page.label]},
            "width": page.width, "height": page.height,
            "thumbnail": [{"id": base + small, "type": "Image", "format": kind, "width": min(page.files),
                           "height": round(page.height * min(page.files) / page.width)}],
            "rendering": [{"id": f"{base}pages/{page.name}.html", "type": "Text", "format": "text/html",
                           "label": text(words["page_view"].format(label=page.label))}],
            "items": [{"id": f"{canvas}/page", "type": "AnnotationPage", "items": [{
                "id": f"{canvas}/page/image", "type": "Annotation", "motivation": "painting",
                "body": {"id": base + large, "type": "Image", "format": kind,
                         "width": page.width, "height": page.height,
                         **({"service": [{"id": f"{base}{TILES_FOLDER}/{page.name}", "type": "ImageService3",
                                          "profile": "level0"}]} if config.facsimile.tiles else {})},
                "target": canvas}]}],
        })
    names = {page.label: page.name for page in pictures.pages}
    structures = []
    for number, (title, labels) in enumerate(chapters or [], 1):
        members = [{"id": f"{base}iiif/canvas/{names[label]}", "type": "Canvas"}
                   for label in dict.fromkeys(labels) if label in names]
        if members:
            structures.append({"id": f"{base}iiif/range/{number}", "type": "Range", "label": text(title),
                               "items": members})
    source = config.source
    metadata = [{"label": text(name), "value": text(value)} for name, value in (
        (words.get("book", "Book"), source.book_title), (words.get("authors", "Authors"), "; ".join(source.authors)),
        (words.get("year", "Year"), source.year)) if value]
    document = {
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": base + MANIFEST, "type": "Manifest",
        "label": text(config.title),
        **({"summary": text(config.subtitle)} if config.subtitle else {}),
        **({"metadata": metadata} if metadata else {}),
        **({"rights": config.rights} if config.rights else {}),
        "homepage": [{"id": base + "index.html", "type": "Text", "format": "text/html", "label": text(config.title)}],
        "viewingDirection": "left-to-right",
        "items": canvases,
        **({"structures": structures} if structures else {}),
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
