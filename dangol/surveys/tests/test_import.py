from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login
from dangol.surveys.importing import responses_import
from dangol.surveys.models import Response
from dangol.voc.models import Case

HEADER = (
    "ref,응답일시,customer,touchpoint,staff,overall,recommend,kindness,price,wait__expectation,wait,why\n"
)


def test_field_survey_csv_in_cp949_is_imported_and_reimport_is_idempotent(tmp_path, shop, survey):
    f = tmp_path / "field.csv"
    f.write_bytes(
        (
            HEADER + "p1,2026-11-01 10:00,C0001,store-gangnam,clerk,5,9,5,4,5,6,좋았어요\n"
            "p2,2026-11-02,,store-gangnam,,4,8,4,4,,,\n"
        ).encode("cp949")
    )
    result = responses_import(survey=survey, path=f)
    assert result.written and result.created == 2, result.as_dict()
    first = Response.objects.get(source_ref=f"import:{survey.pk}:p1")
    assert first.customer == shop["hong"] and first.staff == shop["clerk"] and first.source == "import"
    again = responses_import(survey=survey, path=f)
    assert again.created == 0 and again.unchanged == 2 and Response.objects.count() == 2


def test_row_errors_abort_the_whole_file_or_skip_the_bad_rows(tmp_path, shop, survey):
    f = tmp_path / "field.csv"
    f.write_text(
        HEADER + "a,2026-11-01,C9999,store-gangnam,,5,9,5,4,,,\n"
        "b,어제,,nowhere,ghost,7,11,5,4,,,\n"
        "c,2026-11-03,,,,1,2,1,1,,,\n",
        encoding="utf-8",
    )
    aborted = responses_import(survey=survey, path=f)
    assert not aborted.written and aborted.error_rows == 2 and Response.objects.count() == 0
    columns = {(e.line, e.column) for e in aborted.errors}
    assert {
        (2, "customer"),
        (3, "answered_at"),
        (3, "touchpoint"),
        (3, "staff"),
        (3, "overall"),
        (3, "recommend"),
    } <= columns
    skipped = responses_import(survey=survey, path=f, on_error="skip")
    assert skipped.written and skipped.created == 1
    assert Case.objects.count() == 0  # a field answer from weeks ago is history, not a follow-up


def test_excel_files_and_bad_files(tmp_path, shop, survey):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["overall", "recommend", "kindness", "price"])
    sheet.append([1, 0, 1, 2])
    path = tmp_path / "field.xlsx"
    book.save(path)
    result = responses_import(survey=survey, path=path)
    assert result.created == 1 and Case.objects.count() == 1  # answered now (no date): a follow-up opens
    junk = tmp_path / "junk.csv"
    junk.write_text("name,phone\n홍길동,010\n", encoding="utf-8")
    assert "문항 열이 없습니다" in responses_import(survey=survey, path=junk).message
    odd = tmp_path / "x.pdf"
    odd.write_bytes(b"%PDF")
    assert "CSV" in responses_import(survey=survey, path=odd).message


def test_import_page(client, shop, survey):
    login(client, shop["manager"])
    upload = SimpleUploadedFile("f.csv", (HEADER + "z,2026-11-01,,,,5,9,5,4,,,\n").encode())
    page = client.post(reverse("surveys:import"), {"survey": survey.pk, "file": upload, "on_error": "abort"})
    assert page.status_code == 200 and "응답 1건을 가져왔습니다" in page.content.decode()
    missing = client.post(reverse("surveys:import"), {"survey": "", "on_error": "abort"})
    assert missing.status_code == 400 and "설문을 고르세요" in missing.content.decode()
    login(client, shop["agent"])
    assert client.get(reverse("surveys:import")).status_code == 403
