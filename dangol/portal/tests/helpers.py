"""Images built byte by byte (Pillow is not installed) and a signed-in client."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from django.test import Client

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


def jpeg(*, exif: bool = False) -> bytes:
    """A JPEG's structure (SOI, JFIF, tables, frame, scan, EOI); with `exif`, an APP1 Exif segment with GPS,
    an XMP segment and a comment."""
    parts = [b"\xff\xd8", _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")]
    if exif:
        parts.append(_segment(0xE1, b"Exif\x00\x00MM\x00*" + GPS_MARK))
        parts.append(
            _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + GPS_MARK + b"</x:xmpmeta>")
        )
        parts.append(_segment(0xFE, b"taken at " + GPS_MARK))
    parts.append(_segment(0xDB, b"\x00" + bytes(range(1, 65))))
    parts.append(_segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00"))
    parts.append(_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\x56")
    parts.append(b"\xff\xd9")
    return b"".join(parts)


def webp(*, exif: bool = False) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")

    flags = 0x08 if exif else 0
    body = chunk(b"VP8X", bytes([flags, 0, 0, 0]) + b"\x00\x00\x00\x00\x00\x00")
    body += chunk(b"VP8L", b"\x2f\x00\x00\x00\x00")
    if exif:
        body += chunk(b"EXIF", b"MM\x00*" + GPS_MARK)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def signed_in(client: Client, customer: Any) -> Client:
    started = auth.session_start(customer=customer)
    client.cookies[auth.COOKIE] = started.cookie_value
    return client
