"""Real images (PNG built byte by byte, JPEG and WebP by Pillow) and a signed-in client."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from django.test import Client
from PIL import Image

from dangol.portal import auth

GPS_MARK = b"GPSLatitude37.5665N126.9780E"


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 2, height: int = 2, *, exif: bool = False) -> bytes:
    """A real, decodable RGB PNG; with `exif`, an eXIf chunk and a text chunk carrying a location."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    rows = b"".join(b"\x00" + b"\xd0\x30\x30" * width for _ in range(height))
    extra = (
        png_chunk(b"eXIf", b"MM\x00*" + GPS_MARK) + png_chunk(b"tEXt", b"Location\x00" + GPS_MARK)
        if exif
        else b""
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + header
        + extra
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def gps_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF with a GPS block (Seoul City Hall), the marker in the description, and optionally an orientation."""
    exif = Image.Exif()
    exif[0x010E] = GPS_MARK.decode()  # ImageDescription
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (37.0, 33.0, 59.4), 3: "E", 4: (126.0, 58.0, 40.8)})
    return exif


def jpeg(*, exif: bool = False, size: tuple[int, int] = (16, 16)) -> bytes:
    """A real JPEG encoded by Pillow; with `exif`, an APP1 Exif segment with GPS, an XMP segment and a comment."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(
        out, "JPEG", quality=95, **({"exif": gps_exif()} if exif else {})
    )
    data = out.getvalue()
    if not exif:
        return data
    extra = _segment(
        0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + GPS_MARK + b"</x:xmpmeta>"
    ) + _segment(0xFE, b"taken at " + GPS_MARK)
    return data[:2] + extra + data[2:]


def webp(*, exif: bool = False) -> bytes:
    """A real WebP encoded by Pillow; with `exif`, EXIF (GPS) and XMP chunks carrying a location."""
    out = io.BytesIO()
    options: dict[str, Any] = {"lossless": True}
    if exif:
        options |= {"exif": gps_exif(), "xmp": b"<x:xmpmeta>" + GPS_MARK + b"</x:xmpmeta>"}
    Image.new("RGB", (8, 8), (40, 40, 200)).save(out, "WEBP", **options)
    return out.getvalue()


def signed_in(client: Client, customer: Any) -> Client:
    started = auth.session_start(customer=customer)
    client.cookies[auth.COOKIE] = started.cookie_value
    return client
