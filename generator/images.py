"""The pixel size of an image file, read from its header: the page writes `width` and `height`
so that it does not jump while images load. PNG, JPEG, GIF, WebP and SVG; nothing else is an
image an edition shows (a browser could not be relied on to display it)."""
from __future__ import annotations

import re
import struct

KINDS = ("PNG", "JPEG", "GIF", "WebP", "SVG")


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels, or None if `data` is none of the known kinds."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    head = data[:4096].decode("utf-8", "replace")
    if re.search(r"<svg[\s>]", head):
        return _svg(head)
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start-of-frame segment
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _svg(head: str) -> tuple[int, int] | None:
    tag = re.search(r"<svg\b[^>]*>", head, re.S)
    if not tag:
        return None
    attributes = dict(re.findall(r'\b(width|height|viewBox)\s*=\s*["\']([^"\']*)["\']', tag.group(0)))
    width, height = (_length(attributes.get(name, "")) for name in ("width", "height"))
    if width and height:
        return width, height
    box = attributes.get("viewBox", "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            return None
    return None


def _length(value: str) -> int | None:
    m = re.fullmatch(r"\s*([\d.]+)\s*(px)?\s*", value)
    return round(float(m.group(1))) if m else None
