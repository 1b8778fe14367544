"""Photos from customers: checked by content, not by name or declared type, and stripped of metadata.

Pillow is not installed, so nothing is decoded: the file's structure is walked instead. JPEG (segments),
PNG (chunks with CRCs) and WebP (RIFF chunks) are the only formats accepted; anything else, or a file whose
structure does not hold together (a text file renamed .jpg, a truncated upload), is refused. Metadata that
can carry a location or a name is dropped: JPEG APP1..APP15 (EXIF, XMP, IPTC) and comments, PNG eXIf and the
text chunks, WebP EXIF and XMP. The pixels are kept as they are.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 3


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
    try:
        if data.startswith(b"\xff\xd8\xff"):
            return CleanImage("image/jpeg", "jpg", _jpeg_strip(data))
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return CleanImage("image/png", "png", _png_strip(data))
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return CleanImage("image/webp", "webp", _webp_strip(data))
    except (struct.error, IndexError, ValueError) as exc:
        raise BadImage(_("사진 파일이 손상되었거나 완전하지 않습니다.")) from exc
    raise BadImage(_("JPEG, PNG, WebP 사진만 올릴 수 있습니다. 파일 이름이 아니라 내용으로 확인합니다."))


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
