"""Images: check that bytes are a real image, strip them, and encode renditions within a
box and a byte budget.  Knows no member and no device: callers say what they want.

Uploads are decoded with Pillow, turned upright by their EXIF orientation and re-encoded
with no metadata at all (EXIF with its GPS position, XMP, ICC profiles, comments).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP"}
#: The formats renditions are encoded in.
CONTENT_TYPES = {"jpeg": "image/jpeg", "gif": "image/gif", "png": "image/png"}
EXTENSIONS = {"jpeg": "jpg", "gif": "gif", "png": "png"}


class ImageRefused(ValueError):
    """Bytes that are not kept; ``code``: 'not_image' or 'too_many_pixels'."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Prepared:
    """A checked, stripped image, ready to be stored."""

    data: bytes  # JPEG
    width: int
    height: int


@dataclass(frozen=True)
class Spec:
    """A rendition: format, bounding box and (if any) a byte budget."""

    fmt: str
    width: int
    height: int
    max_bytes: int | None
    quality: int = 85


def strip(raw: bytes, max_pixels: int, max_side: int) -> Prepared:
    """``raw`` decoded, upright, without metadata, no larger than ``max_side``, as JPEG.

    Refused (ImageRefused) if it is not an image of an accepted format or claims more than
    ``max_pixels`` (checked before decoding: a tiny file can claim a huge image)."""
    if not raw:
        raise ImageRefused("not_image")
    try:
        with Image.open(io.BytesIO(raw)) as opened:
            if opened.format not in ACCEPTED_FORMATS:
                raise ImageRefused("not_image")
            width, height = opened.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise ImageRefused("too_many_pixels")
            opened.load()
            image = ImageOps.exif_transpose(opened)
            image = _flatten(image)
    except ImageRefused:
        raise
    except Image.DecompressionBombError:
        raise ImageRefused("too_many_pixels") from None
    except Exception:  # Pillow raises many kinds of error on hostile or broken files
        raise ImageRefused("not_image") from None
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return Prepared(_encode(image, "jpeg", 90), image.width, image.height)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (JPEG and old handsets know no alpha)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: str, quality: int = 85, colors: int = 256) -> bytes:
    image.info = {}  # never carry EXIF, XMP, ICC or comments into a file we write
    out = io.BytesIO()
    if fmt == "jpeg":
        image.save(out, "JPEG", quality=quality, optimize=True)  # baseline: old handsets know no progressive
    else:
        palette = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
        palette.info = {}
        palette.save(out, fmt.upper(), optimize=True)
    return out.getvalue()


def open_rgb(path: Path) -> Image.Image:
    """A stored image, decoded."""
    with Image.open(path) as original:
        original.load()
        return original.convert("RGB")


def fit(image: Image.Image, spec: Spec) -> bytes:
    """Encode ``image`` within the spec's box (never enlarged) and byte budget."""
    width, height = spec.width, spec.height
    smallest = b""
    for _ in range(10):
        scaled = image.copy()
        scaled.thumbnail((width, height), Image.Resampling.LANCZOS)
        if spec.max_bytes is None:
            return _encode(scaled, spec.fmt, spec.quality)
        if spec.fmt == "jpeg":
            tries = [dict(quality=q) for q in (spec.quality, 60, 45, 30)]
        else:
            tries = [dict(colors=c) for c in (256, 64, 16)]
        for options in tries:
            data = _encode(scaled.copy(), spec.fmt, **options)
            if len(data) <= spec.max_bytes:
                return data
            if not smallest or len(data) < len(smallest):
                smallest = data
        width, height = max(width * 4 // 5, 8), max(height * 4 // 5, 8)
    return smallest
