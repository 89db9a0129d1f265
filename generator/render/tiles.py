"""A page picture as static IIIF Image API 3.0 tiles (level 0): plain files and an `info.json`
with which IIIF viewers (Mirador, the Universal Viewer, OpenSeadragon) deep-zoom a canvas
without an image server.

Level 0 means: only the requests the `info.json` announces are served, each one a file at the
path a client builds from it, in the canonical form of the spec (4.8): region `full` or
`x,y,w,h`, size `max` or `w,h`, rotation `0`, quality `default`. The files are

- every tile at every scale factor, region and size as the spec's implementation notes compute
  them (partial tiles on the right and lower edges: `ceil` of the scaled remainder);
- `full/{w},{h}/0/default.jpg` for each entry of `sizes`: the whole picture at the levels no
  wider than `SIZES_UP_TO` (thumbnails for a viewer's page strip);
- `full/max/0/default.jpg`, which level 0 requires (3.2: size `max`). It would be the whole
  picture at full size, as large again as all tiles of scale factor 1 together (measured: half
  the bytes of a 3200 px page's service), so the service declares `maxWidth`/`maxHeight` of its
  largest `sizes` entry and `max` is that one (5.2: "the full image will be available at the
  `max` size, which might be less than the width and height"; the tiles, 512 px, are within it).
  Viewers that tile never ask for `max` of a picture larger than one tile.

JPEG is the one format level 0 requires (compliance 3.5), so it is always written; WebP can
be added (`formats=("webp", "jpg")`): announced in `extraFormats` and first in
`preferredFormats`, which OpenSeadragon (under Mirador 4) follows when the browser decodes it.
Scale factors are consecutive powers of two from 1: OpenSeadragon derives its levels from the
largest one and assumes that.

A static host caps a site near 1 GB, so a page's tiles stay within `budget` bytes: a picture
whose tiles would need more is halved (the service then describes the smaller picture; the
canvas keeps its size, viewers scale) until they fit. Nothing here writes files.
"""
from __future__ import annotations

import io
import json
import math
import re
from dataclasses import dataclass

from PIL import Image, ImageChops

CONTEXT = "http://iiif.io/api/image/3/context.json"
PROTOCOL = "http://iiif.io/api/image"
TILE = 512                 # pixels square: OpenSeadragon's own preference, and few files per page
QUALITY = {"jpg": 75, "webp": 80}  # type on a gray page: artefacts at 1:1 barely seen, a third smaller than 90
BUDGET = 3 * 2**20         # bytes per page: a 300-page book's tiles then stay under 1 GB
SIZES_UP_TO = 1024         # `sizes` lists the whole picture at the levels no wider than this
_MEDIA = {"jpg": "JPEG", "webp": "WEBP"}
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # letters, digits, "_" (and "-"): nothing a client must encode (spec 9)


@dataclass(frozen=True)
class TileSet:
    """One picture's image service: `files` maps each path inside the service's folder
    (`info.json` first) to its bytes; `reduced` is how often the picture was halved to fit."""
    info: dict
    files: dict[str, bytes]
    reduced: int = 0

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.files.values())


def scale_factors(width: int, height: int, tile: int = TILE) -> list[int]:
    """1, 2, 4, … up to the first at which the whole picture is one tile."""
    factors = [1]
    while math.ceil(width / factors[-1]) > tile or math.ceil(height / factors[-1]) > tile:
        factors.append(factors[-1] * 2)
    return factors


def tile_set(picture: Image.Image | bytes, page: str, base: str, *, tile: int = TILE,
             formats: tuple[str, ...] = ("jpg",), budget: int = BUDGET, rights: str = "") -> TileSet:
    """The tiles and `info.json` of `picture` (a PIL image, or the bytes of a picture file) as
    the image service `base + page` (`base`: the absolute address of the folder of services,
    ending in "/"). Raises ValueError for a bad id, format or base, or a budget not even one
    tile fits in."""
    if not _ID.fullmatch(page):
        raise ValueError(f"image service id {page!r}: only letters, digits, '_' and '-'")
    if "jpg" not in formats or any(f not in _MEDIA for f in formats):
        raise ValueError(f"formats {formats!r}: 'jpg' (required at level 0) and optionally 'webp'")
    if not base.endswith("/"):
        raise ValueError(f"base {base!r} must end in '/'")
    image = Image.open(io.BytesIO(picture)) if isinstance(picture, bytes) else picture
    image = _flat(image)
    reduced = 0
    while True:
        made = _service(image, base + page, tile, formats, rights)
        if made.size <= budget:
            return TileSet(made.info, made.files, reduced)
        if image.width <= tile and image.height <= tile:
            raise ValueError(f"page {page}: {made.size} bytes of tiles exceed the budget of {budget} even as one tile")
        image = image.resize((math.ceil(image.width / 2), math.ceil(image.height / 2)), Image.Resampling.LANCZOS)
        reduced += 1


def _flat(image: Image.Image) -> Image.Image:
    """RGB, or one gray channel where the picture has no colour (a page of type: smaller files)."""
    if image.mode in ("RGBA", "LA", "P", "PA"):  # transparency over white, as a page is printed
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, "white")
        image = Image.alpha_composite(white, rgba)
    if image.mode == "L":
        return image
    rgb = image.convert("RGB")
    gray = rgb.convert("L")
    return gray if ImageChops.difference(rgb, gray.convert("RGB")).getbbox() is None else rgb


def _encode(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "jpg":
        image.save(out, "JPEG", quality=QUALITY["jpg"], optimize=True, progressive=image.width * image.height > 512 * 512)
        return out.getvalue()
    # Type at full size is smaller lossless (and sharp); scaled down, lossy is (generator/facsimile.py)
    image.save(out, "WEBP", lossless=True, quality=50, method=4)
    if out.tell() < 0.05 * image.width * image.height:
        return out.getvalue()
    lossy = io.BytesIO()
    image.save(lossy, "WEBP", quality=QUALITY["webp"], method=4)
    return min(out.getvalue(), lossy.getvalue(), key=len)


def _service(image: Image.Image, ident: str, tile: int, formats: tuple[str, ...], rights: str) -> TileSet:
    width, height = image.size
    factors = scale_factors(width, height, tile)
    files: dict[str, bytes] = {}
    sizes: list[dict[str, int]] = []
    level = image
    for s in factors:
        if s > 1:  # each level from the one before: ceil(ceil(w/a)/2) == ceil(w/2a), the sizes the spec names
            level = level.resize((math.ceil(level.width / 2), math.ceil(level.height / 2)), Image.Resampling.LANCZOS)
        assert level.size == (math.ceil(width / s), math.ceil(height / s))
        for m in range(math.ceil(height / (tile * s))):
            for n in range(math.ceil(width / (tile * s))):
                x, y = n * tile, m * tile  # in the level's pixels
                piece = level.crop((x, y, min(x + tile, level.width), min(y + tile, level.height)))
                region = _region(n * tile * s, m * tile * s, min(tile * s, width - n * tile * s),
                                 min(tile * s, height - m * tile * s), width, height)
                size = "max" if piece.size == (width, height) else f"{piece.width},{piece.height}"
                for kind in formats:
                    files[f"{region}/{size}/0/default.{kind}"] = _encode(piece, kind)
        if s > 1 and level.width <= SIZES_UP_TO:
            sizes.insert(0, {"width": level.width, "height": level.height})  # smallest first
            for kind in formats:
                key = f"full/{level.width},{level.height}/0/default.{kind}"
                if key not in files:
                    files[key] = _encode(level, kind)
    largest = {"width": width, "height": height}
    if sizes and width > SIZES_UP_TO and min(sizes[-1]["width"], sizes[-1]["height"]) >= tile:
        largest = sizes[-1]  # within it the tiles' own size, as the spec requires of every announced size
    for kind in formats:
        key = f"full/max/0/default.{kind}"
        if key not in files:  # the picture at the size of `largest`: the same bytes as its `sizes` file
            files[key] = files.get(f"full/{largest['width']},{largest['height']}/0/default.{kind}") or _encode(image, kind)
    info: dict = {
        "@context": CONTEXT, "id": ident, "type": "ImageService3", "protocol": PROTOCOL, "profile": "level0",
        "width": width, "height": height,
        **({"maxWidth": largest["width"], "maxHeight": largest["height"]} if largest["width"] < width else {}),
        **({"sizes": sizes} if sizes else {}),
        "tiles": [{"width": tile, "height": tile, "scaleFactors": factors}],
    }
    extra = [kind for kind in formats if kind != "jpg"]
    if extra:
        info["preferredFormats"] = extra + ["jpg"]
        info["extraFormats"] = extra
    if rights:
        info["rights"] = rights
    return TileSet(info, {"info.json": (json.dumps(info, indent=1) + "\n").encode(), **files})


def _region(x: int, y: int, w: int, h: int, width: int, height: int) -> str:
    """The canonical region: `full` where a tile is the whole picture."""
    return "full" if (x, y, w, h) == (0, 0, width, height) else f"{x},{y},{w},{h}"
