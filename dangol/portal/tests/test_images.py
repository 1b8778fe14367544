"""Photos are decoded and re-encoded: no metadata, no trailing payload, upright, and never a decompression bomb.

Every image here is a real one (Pillow or a hand-built PNG with valid CRCs), checked again by decoding the result."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangol.portal.images import MAX_PIXELS, BadImage, clean_image, upload_dir
from dangol.portal.models import Photo
from dangol.portal.tests.helpers import GPS_MARK, gps_exif, jpeg, png, png_chunk, signed_in, webp
from dangol.voc import services as voc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_jpeg_with_gps_exif_comes_out_without_any_exif():
    data = jpeg(exif=True)
    assert _decoded(data).getexif().get_ifd(0x8825)  # the input really carries a GPS block
    clean = clean_image(data)
    assert clean.content_type == "image/jpeg"
    out = _decoded(clean.data)
    assert not out.getexif() and not out.getexif().get_ifd(0x8825)
    assert GPS_MARK not in clean.data and b"Exif" not in clean.data and b"xmpmeta" not in clean.data
    assert b"\xff\xfe" not in clean.data.split(b"\xff\xda")[0]  # no comment segment before the scan
    assert out.size == (16, 16) and out.getpixel((8, 8))[0] > 150  # still the red picture


def test_a_png_text_chunk_and_exif_chunk_are_gone_but_the_pixels_stay():
    data = png(4, 3, exif=True)
    assert b"tEXt" in data and b"eXIf" in data
    clean = clean_image(data)
    assert b"tEXt" not in clean.data and b"eXIf" not in clean.data and GPS_MARK not in clean.data
    out = _decoded(clean.data)
    assert out.format == "PNG" and out.size == (4, 3)
    assert out.convert("RGB").tobytes() == _decoded(png(4, 3)).convert("RGB").tobytes()


def test_a_webp_with_exif_and_xmp_comes_out_plain():
    data = webp(exif=True)
    assert GPS_MARK in data and b"EXIF" in data
    clean = clean_image(data)
    assert clean.content_type == "image/webp"
    assert GPS_MARK not in clean.data and b"EXIF" not in clean.data and b"XMP " not in clean.data
    assert _decoded(clean.data).size == (8, 8)


@pytest.mark.parametrize(
    "payload",
    [
        b"<html><script>alert(document.cookie)</script></html>",
        "zip",
    ],
)
def test_a_polyglot_loses_its_trailing_payload(payload):
    if payload == "zip":
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("evil.html", "<script>alert(1)</script>")
        payload = archive.getvalue()
    for image in (jpeg(), png(4, 4)):
        polyglot = image + payload
        if payload.startswith(b"PK"):
            assert zipfile.is_zipfile(io.BytesIO(polyglot))  # the input really is both
        clean = clean_image(polyglot)
        assert b"script" not in clean.data and b"PK\x03\x04" not in clean.data and b"evil" not in clean.data
        assert not zipfile.is_zipfile(io.BytesIO(clean.data))
        _decoded(clean.data)


def test_exif_orientation_is_applied_before_the_exif_is_dropped():
    # 64 wide × 32 high: left half red, right half blue; orientation 6 means "rotate 90° clockwise to view".
    picture = Image.new("RGB", (64, 32), (220, 0, 0))
    picture.paste((0, 0, 220), (32, 0, 64, 32))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95, exif=gps_exif(orientation=6))
    out = _decoded(clean_image(buffer.getvalue()).data)
    assert out.size == (32, 64)  # upright: now tall
    assert not out.getexif()  # so no viewer rotates it a second time
    top, bottom = out.getpixel((16, 8)), out.getpixel((16, 56))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]  # the left (red) half is now on top


def test_dimensions_above_the_cap_are_refused_in_korean_before_decoding():
    # A header claiming 20000×20000 with a one-row IDAT: the structure is valid, decoding it would cost 1.2 GB.
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0))
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + header
        + png_chunk(b"IDAT", b"x\x9c\x03\x00\x00\x00\x00\x01")
        + png_chunk(b"IEND", b"")
    )
    with pytest.raises(BadImage, match="사진의 크기\\(가로×세로\\)가 너무 큽니다"):
        clean_image(bomb)


def test_a_real_image_just_over_the_cap_is_refused_and_one_under_it_passes():
    side = int(MAX_PIXELS**0.5)
    over = io.BytesIO()
    Image.new("1", (side + 10, side + 10)).save(over, "PNG")  # 1-bit: a few KB on disk, 40+ MP decoded
    assert len(over.getvalue()) < 1024 * 1024
    with pytest.raises(BadImage, match="40,000,000 화소 이하"):
        clean_image(over.getvalue())
    under = io.BytesIO()
    Image.new("1", (2000, 1000)).save(under, "PNG")
    assert _decoded(clean_image(under.getvalue()).data).size == (2000, 1000)


def test_a_file_that_passes_the_structure_but_does_not_decode_is_refused():
    # Valid PNG chunks (CRCs right) around an IDAT that is not zlib data.
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
    broken = b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", b"not zlib at all") + png_chunk(b"IEND", b"")
    with pytest.raises(BadImage, match="손상"):
        clean_image(broken)


def test_the_portal_stores_the_reencoded_photo_and_refuses_a_bomb_in_korean(client, shop):
    case = voc.case_open(customer=shop["hong"], kind="inquiry", title="사진", body="사진", channel="web")
    me = signed_in(client, shop["hong"])
    polyglot = jpeg(exif=True) + b"PK\x03\x04" + b"<html>payload</html>"
    response = me.post(
        f"/my/cases/{case.pk}/message/",
        {"text": "사진입니다", "photos": SimpleUploadedFile("a.jpg", polyglot, content_type="image/jpeg")},
    )
    assert response.status_code == 302
    photo = Photo.objects.get(case=case)
    stored = (upload_dir() / photo.path).read_bytes()
    assert GPS_MARK not in stored and b"payload" not in stored and b"PK\x03\x04" not in stored
    assert photo.size == len(stored) and _decoded(stored).format == "JPEG"
    served = me.get(f"/my/photos/{photo.uid}/")
    assert b"".join(served.streaming_content if served.streaming else [served.content]) == stored

    big = io.BytesIO()
    Image.new("1", (9000, 9000)).save(big, "PNG")
    response = me.post(
        f"/my/cases/{case.pk}/message/",
        {
            "text": "큰 사진",
            "photos": SimpleUploadedFile("big.png", big.getvalue(), content_type="image/png"),
        },
    )
    assert response.status_code == 400
    assert "사진의 크기(가로×세로)가 너무 큽니다" in response.content.decode()
    assert Photo.objects.filter(case=case).count() == 1
