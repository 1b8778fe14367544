"""Photos from customers: checked by content, not by name or declared type, then decoded and re-encoded.

Two gates. First the file's structure is walked without decoding (JPEG segments, PNG chunks with CRCs, WebP RIFF
chunks): anything else, or a file whose structure does not hold together (a text file renamed .jpg, a truncated
upload), is refused. Then Pillow decodes the pixels, after checking the declared dimensions against
MAX_PIXELS (a decompression bomb is refused before a single row is decoded), applies the EXIF orientation so a
phone photo stays upright, and encodes a new file of the same format from the pixels alone: no EXIF, XMP,
IPTC, comments, text chunks or colour profile survive, and nothing after the image's end (a JPEG+ZIP or
JPEG+HTML polyglot comes out as a plain image). Animated images keep their first frame.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 3
# 40 million pixels (e.g. 8000×5000) covers every phone camera's saved photo; decoded as RGB that is ~120 MB
# of memory, the most one upload may cost. Pillow's own guard (Image.MAX_IMAGE_PIXELS, ~89 MP) stays behind it.
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 90


class BadImage(ValueError):
    """A Korean message for the customer."""


@dataclass(frozen=True)
class CleanImage:
    content_type: str
    extension: str
    data: bytes


def upload_dir() -> Path:
    """Where the photos live: under the var directory, outside STATIC_ROOT and MEDIA_ROOT (neither serves it)."""
    return Path(settings.VAR_DIR) / "portal-uploads"


def clean_image(data: bytes) -> CleanImage:
    """The image without its metadata, or BadImage."""
    if len(data) > MAX_BYTES:
        raise BadImage(
            _("사진은 한 장에 %(mb)sMB까지 올릴 수 있습니다.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if not data:
        raise BadImage(_("빈 파일입니다."))
    try:  # first gate: the structure, without decoding anything
        if data.startswith(b"\xff\xd8\xff"):
            _jpeg_strip(data)
            return CleanImage("image/jpeg", "jpg", _reencode(data, "JPEG"))
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            _png_strip(data)
            return CleanImage("image/png", "png", _reencode(data, "PNG"))
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            _webp_strip(data)
            return CleanImage("image/webp", "webp", _reencode(data, "WEBP"))
    except BadImage:
        raise
    except (struct.error, IndexError, ValueError) as exc:
        raise BadImage(_("사진 파일이 손상되었거나 완전하지 않습니다.")) from exc
    raise BadImage(_("JPEG, PNG, WebP 사진만 올릴 수 있습니다. 파일 이름이 아니라 내용으로 확인합니다."))


def _too_large() -> BadImage:
    return BadImage(
        _("사진의 크기(가로×세로)가 너무 큽니다. 가로×세로 %(pixels)s 화소 이하의 사진을 올려 주세요.")
        % {"pixels": f"{MAX_PIXELS:,}"}
    )


def _reencode(data: bytes, image_format: str) -> bytes:
    """Second gate: decode with Pillow (only the format the structure named) and encode the pixels afresh."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data": the EXIF is dropped anyway
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as opened:
                width, height = opened.size
                if width < 1 or height < 1 or width * height > MAX_PIXELS:
                    raise _too_large()
                opened.seek(0)
                opened.load()
                upright = _upright(opened)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except BadImage:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, MemoryError) as exc:
        raise BadImage(_("사진 파일이 손상되었거나 완전하지 않습니다.")) from exc
    pixels = _plain_pixels(upright, image_format)
    out = io.BytesIO()
    if image_format == "JPEG":
        pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif image_format == "PNG":
        pixels.save(out, "PNG", optimize=False)
    else:
        pixels.save(out, "WEBP", quality=JPEG_QUALITY, method=4)
    return out.getvalue()


def _upright(image: Image.Image) -> Image.Image:
    """The orientation a phone wrote into the EXIF applied to the pixels, before the EXIF is dropped; an EXIF
    block too broken to read leaves the pixels as they are."""
    try:
        return ImageOps.exif_transpose(image)
    except (SyntaxError, ValueError, KeyError, TypeError, struct.error, OSError):
        return image.copy()


def _plain_pixels(image: Image.Image, image_format: str) -> Image.Image:
    """A copy carrying nothing but pixels: the info dict (ICC profile, comment, EXIF, text) is emptied, so
    the encoder has no metadata to write back."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image_format == "JPEG":
        target = "L" if image.mode in ("1", "L") else "RGB"
    elif image.mode in ("1", "L", "RGB", "RGBA", "LA") and "transparency" not in image.info:
        target = image.mode
    else:
        target = "RGBA" if has_alpha else "RGB"
    plain = image.convert(target) if image.mode != target else image.copy()
    plain.info = {}
    return plain


# ---------------------------------------------------------------- JPEG

_JPEG_KEEP_APP = {0xE0, 0xE2}  # JFIF and the ICC colour profile; every other APPn may hold EXIF/XMP/IPTC


def _jpeg_strip(data: bytes) -> bytes:
    out = bytearray(b"\xff\xd8")
    pos = 2
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise ValueError("bad JPEG segment")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            raise ValueError("unexpected JPEG marker")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise ValueError("bad JPEG length")
        segment = data[pos : pos + 2 + length]
        if marker == 0xDA:  # start of scan: the rest is image data up to EOI
            rest = data[pos:]
            if b"\xff\xd9" not in rest:
                raise ValueError("JPEG without end")
            out += rest[: rest.rindex(b"\xff\xd9") + 2]
            return bytes(out)
        is_app = 0xE0 <= marker <= 0xEF
        if not ((is_app and marker not in _JPEG_KEEP_APP) or marker == 0xFE):  # 0xFE: comment
            out += segment
        pos += 2 + length


# ---------------------------------------------------------------- PNG

_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def _png_strip(data: bytes) -> bytes:
    out = bytearray(data[:8])
    pos = 8
    seen_header = seen_end = False
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        crc = data[pos + 8 + length : pos + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            raise ValueError("bad PNG chunk")
        if not seen_header and kind != b"IHDR":
            raise ValueError("PNG without IHDR")
        seen_header = True
        if kind not in _PNG_DROP:
            out += data[pos : pos + 12 + length]
        pos += 12 + length
        if kind == b"IEND":
            seen_end = True
            break
    if not seen_end:
        raise ValueError("PNG without IEND")
    return bytes(out)


# ---------------------------------------------------------------- WebP

_WEBP_DROP = {b"EXIF", b"XMP "}


def _webp_strip(data: bytes) -> bytes:
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size + 8 > len(data) or riff_size < 12:
        raise ValueError("bad RIFF size")
    chunks = bytearray()
    pos = 12
    end = 8 + riff_size
    while pos < end:
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        padded = length + (length & 1)
        if pos + 8 + length > end:
            raise ValueError("bad WebP chunk")
        chunk = bytearray(data[pos : pos + 8 + padded])
        if kind == b"VP8X" and length >= 1:
            chunk[8] &= ~(0x08 | 0x04) & 0xFF  # clear the EXIF and XMP flags
        if kind not in _WEBP_DROP:
            chunks += chunk
        pos += 8 + padded
    if not chunks:
        raise ValueError("empty WebP")
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)
