"""Hostile uploads: workbooks written by hand (zipfile + XML) and sent through the real upload pages.

Each one must get a Korean message naming what is wrong (or the limit it broke), never a 500, and leave
nothing behind: no rows, no stored file. A workbook that declares a huge sheet must cost only its real cells.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from conftest import login
from dangol.customers.models import Customer
from dangol.imports.models import ImportJob
from dangol.imports.readers import FileFormatError, iter_rows, read_table
from dangol.surveys.models import Response, Survey
from dangol.surveys.tests.conftest import build_customer_survey

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DAMAGED = "엑셀 파일의 내용을 읽을 수 없습니다"


def parts(sheet: str, shared: str | None = None) -> dict[str, str]:
    """The parts of a one-sheet workbook, as Excel lays them out."""
    book_rels = f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared is not None:
        book_rels += f'<Relationship Id="rId2" Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
    files = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}">{book_rels}</Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared is not None:
        files["xl/sharedStrings.xml"] = shared
    return files


def xlsx(sheet: str, shared: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts(sheet, shared).items():
            archive.writestr(name, text)
    return out.getvalue()


def sheet(rows: str, *, dimension: str = "A1:D2", prolog: str = "") -> str:
    return (
        f'{prolog}<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def row(number: int, *values: str) -> str:
    cells = "".join(
        f'<c r="{column}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for column, value in zip("ABCDEFGH"[: len(values)], values, strict=True)
    )
    return f'<row r="{number}">{cells}</row>'


def zip_by_hand(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip whose directory says what we like: (name, raw deflate data, crc32, declared size) per entry."""
    out, directory = bytearray(), bytearray()
    for name, data, crc, size in entries:
        offset, encoded = len(out), name.encode()
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
        )
        out += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    count = len(entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), len(out), 0)
    return bytes(out + directory + end)


def deflated(text: str) -> tuple[bytes, int, int]:
    raw = text.encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(raw) + packer.flush(), zlib.crc32(raw), len(raw)


def zip_bomb(*, gigabytes: int = 2, declared: int | None = None) -> bytes:
    """A workbook whose sheet is a real deflate stream of `gigabytes` GiB of XML whitespace (~1 MB on disk).

    Each megabyte is one full-flush block, repeated; the CRC is not computed (a 2 GiB CRC takes seconds)
    because a reader that checks the directory first never inflates far enough to meet it.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    megabyte = packer.compress(b" " * (1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    head = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    start = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = (
        start.compress(head) + start.flush(zlib.Z_FULL_FLUSH) + megabyte * (gigabytes * 1024) + b"\x03\x00"
    )
    size = len(head) + gigabytes * (1 << 30)
    entries = [(name, *deflated(text)) for name, text in parts(sheet("")).items()]
    entries = [e for e in entries if e[0] != "xl/worksheets/sheet1.xml"]
    entries.append(("xl/worksheets/sheet1.xml", stream, 0, size if declared is None else declared))
    return zip_by_hand(entries)


def billion_laughs_prolog() -> str:
    """Each entity is ten of the one before, nine times over: 10^9 "lol"s from a 1 KB prolog."""
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'


LAUGHS = billion_laughs_prolog()
HEADER = row(1, "external_id", "name", "phone", "email")

# name: (file name, content, the Korean message the page must show)
HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "bad XML": ("bad.xlsx", lambda: xlsx(sheet(HEADER)[:-20]), DAMAGED),
    "an XML entity": (
        "entity.xlsx",
        lambda: xlsx(
            sheet(
                row(1, "&secret;", "name"),
                prolog='<?xml version="1.0"?><!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
            )
        ),
        DAMAGED,
    ),
    "billion laughs in the sheet": (
        "laughs.xlsx",
        lambda: xlsx(sheet(row(1, "&lol9;"), prolog=LAUGHS)),
        DAMAGED,
    ),
    "billion laughs in the shared strings": (
        "laughs2.xlsx",
        lambda: xlsx(
            sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
            shared=f'{LAUGHS}<sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>',
        ),
        DAMAGED,
    ),
    "a column past XFD (BDWGN)": (
        "wide.xlsx",
        lambda: xlsx(sheet(HEADER + '<row r="2"><c r="BDWGN2"><v>1</v></c></row>')),
        "열이 너무 많습니다(최대 500열)",
    ),
    "a row number past Excel's last row": (
        "tall.xlsx",
        lambda: xlsx(sheet(HEADER + row(1_048_577, "K1", "이름"))),
        DAMAGED,
    ),
    "a zip bomb (2 GiB of sheet)": ("bomb.xlsx", zip_bomb, "압축을 푼 크기가 너무 큽니다(최대 300MB)"),
    "not a zip at all": ("fake.xlsx", lambda: b"external_id,name\nK1,kim\n", "엑셀 파일을 열 수 없습니다"),
    "a truncated zip": ("cut.xlsx", lambda: xlsx(sheet(HEADER))[:300], "엑셀 파일을 열 수 없습니다"),
    "a CSV wider than the limit": (
        "wide.csv",
        lambda: ("a," * 600 + "\n").encode(),
        "열이 너무 많습니다(최대 500열)",
    ),
}


@pytest.fixture
def uploads(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path / "uploads"


def stored_files(uploads: Path) -> list[Path]:
    return list(uploads.iterdir()) if uploads.exists() else []


@pytest.mark.parametrize("case", list(HOSTILE))
def test_customer_import_refuses_a_hostile_file_with_a_korean_message(case, as_manager, shop, uploads):
    name, build, message = HOSTILE[case]
    customers = Customer.objects.count()
    response = as_manager.post(
        reverse("imports:upload"),
        {"kind": "customers", "on_error": "skip", "file": SimpleUploadedFile(name, build())},
        follow=True,
    )
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert Customer.objects.count() == customers
    assert not ImportJob.objects.exclude(status="failed").exists()
    assert stored_files(uploads) == []


@pytest.fixture
def survey(shop: dict[str, Any]) -> Survey:
    return build_customer_survey(shop)


def post_survey_file(client: Any, survey: Survey, name: str, content: bytes) -> Any:
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("surveys:import"), {"survey": survey.pk, "file": upload, "on_error": "skip"})


@pytest.mark.parametrize("case", list(HOSTILE))
def test_survey_import_refuses_a_hostile_file_with_a_korean_message(case, client, shop, survey, uploads):
    name, build, message = HOSTILE[case]
    login(client, shop["analyst"])
    response = post_survey_file(client, survey, name, build())
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert Response.objects.count() == 0 and ImportJob.objects.count() == 0
    assert stored_files(uploads) == []


SURVEY_HEADER = row(1, "overall", "recommend", "kindness", "price")


@pytest.mark.parametrize("dimension", ["A1:XFD8000", "A1:XFD1048576"])
def test_a_declared_huge_sheet_costs_only_its_real_cells(dimension, client, shop, survey, uploads, settings):
    content = xlsx(sheet(SURVEY_HEADER + row(1_048_576, "5", "9", "5", "4"), dimension=dimension))
    path = uploads.parent / "huge.xlsx"
    path.write_bytes(content)
    rows = list(iter_rows(path))
    assert [line for line, _ in rows] == [1, 1_048_576]
    assert sum(len(cells) for _, cells in rows) == 8
    # Through the page with room for 8 cells only: padding to the declared width or height would be refused.
    settings.DANGOL_IMPORT_MAX_CELLS = 8
    settings.DANGOL_IMPORT_MAX_ROWS = 2
    login(client, shop["analyst"])
    response = post_survey_file(client, survey, "huge.xlsx", content)
    assert response.status_code == 200 and "응답 1건을 가져왔습니다" in response.content.decode()
    assert Response.objects.count() == 1


def test_limits_are_named_in_the_message_and_nothing_is_kept(as_manager, shop, uploads, settings):
    good = "external_id,name\nK1,김하나\nK2,김두리\nK3,김세리\n"
    settings.DANGOL_IMPORT_MAX_BYTES = 50
    page = as_manager.post(
        reverse("imports:upload"),
        {"kind": "customers", "on_error": "abort", "file": SimpleUploadedFile("c.csv", good.encode())},
    )
    assert page.status_code == 400 and "파일이 너무 큽니다(최대 50B)" in page.content.decode()
    settings.DANGOL_IMPORT_MAX_BYTES = 1024
    settings.DANGOL_IMPORT_MAX_ROWS = 3
    page = as_manager.post(
        reverse("imports:upload"),
        {"kind": "customers", "on_error": "abort", "file": SimpleUploadedFile("c.csv", good.encode())},
        follow=True,
    )
    assert "행이 너무 많습니다(최대 3행)" in page.content.decode()
    assert not Customer.objects.filter(external_id__startswith="K").exists()
    assert stored_files(uploads) == []


def test_padding_up_to_a_far_cell_counts_against_the_cell_limit(tmp_path, settings):
    far = xlsx(sheet(row(1, "a") + '<row r="2"><c r="A2"><v>1</v></c><c r="OJ2"><v>2</v></c></row>'))
    path = tmp_path / "far.xlsx"
    path.write_bytes(far)
    assert [len(cells) for _, cells in iter_rows(path)] == [1, 400]  # OJ is column 400
    settings.DANGOL_IMPORT_MAX_CELLS = 100
    with pytest.raises(FileFormatError, match=r"칸이 너무 많습니다\(최대 100칸\)"):
        read_table(path)


def test_a_zip_directory_too_big_to_load_is_refused_before_zipfile_reads_it(tmp_path, monkeypatch):
    entries = [(f"xl/media/{i:05d}", b"\x03\x00", 0, 0) for i in range(25_000)]  # 1.4 MB of directory
    path = tmp_path / "crowd.xlsx"
    path.write_bytes(zip_by_hand(entries))

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("zipfile was asked to load the directory")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    with pytest.raises(FileFormatError, match=DAMAGED):
        read_table(path)


def test_csv_reader_refuses_an_endless_line_before_holding_it(tmp_path):
    path = tmp_path / "one-line.csv"
    path.write_text("external_id,name\n" + "a" * 1_000_001, encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"한 줄이 너무 깁니다\(최대 1,000,000자\)"):
        read_table(path)


def test_a_zip_that_understates_its_size_is_inflated_only_as_far_as_it_says(tmp_path):
    path = tmp_path / "liar.xlsx"
    path.write_bytes(zip_bomb(gigabytes=1, declared=4096))  # 1 GiB of stream, 4 KB declared
    with pytest.raises(FileFormatError, match=DAMAGED):
        read_table(path)


def test_reader_gives_the_values_openpyxl_gives(tmp_path):
    import datetime as dt

    from openpyxl import Workbook, load_workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from dangol.imports.readers import _cell

    book = Workbook()
    ws = book.active
    ws.append(["이름", "가입일", "동의", "금액", "시각"])
    ws.append(["홍길동", dt.datetime(2024, 5, 1, 10, 30), True, 1.5, dt.time(10, 30)])
    ws.append([None, dt.date(2024, 5, 2), False, 3.0, None])
    ws["B5"] = CellRichText(["굵", TextBlock(InlineFont(b=True), "게")])
    ws["C9"] = dt.timedelta(hours=25)
    ws.cell(row=20, column=3, value=" 멀리 ")
    path = tmp_path / "types.xlsx"
    book.save(path)
    theirs = []
    for line, values in enumerate(
        load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True), 1
    ):
        cells = [_cell(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            theirs.append((line, cells))
    assert list(iter_rows(path)) == theirs
    assert theirs[1] == (2, ["홍길동", "2024-05-01 10:30:00", "True", "1.5", "10:30:00"])


def test_openpyxl_parses_with_defusedxml():
    from defusedxml import EntitiesForbidden
    from openpyxl.xml import DEFUSEDXML
    from openpyxl.xml.functions import fromstring

    assert DEFUSEDXML
    with pytest.raises(EntitiesForbidden):
        fromstring(LAUGHS + "<a>&lol9;</a>")


def test_a_long_survey_file_runs_in_the_worker(transactional_db, client, shop, uploads, settings):
    survey = build_customer_survey(shop)
    settings.DANGOL_IMPORT_INLINE_ROWS = 0  # every file is long
    login(client, shop["analyst"])
    content = xlsx(sheet(SURVEY_HEADER + row(2, "5", "9", "5", "4") + row(3, "4", "8", "4", "4")))
    response = post_survey_file(client, survey, "field.xlsx", content)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.kind == "survey_responses" and job.status == "queued" and Response.objects.count() == 0
    call_command("worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 2 and Response.objects.count() == 2
    assert "응답 2건을 가져왔습니다" in client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert stored_files(uploads) == []
