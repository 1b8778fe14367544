"""Free text in survey answers arrives by three doors (the respondent's page, the API, a field-survey import);
each stores it masked: the phone and resident registration numbers never land in the database."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login
from dangol.accounts.services import api_token_create
from dangol.surveys import services
from dangol.surveys.models import Answer, Response
from dangol.surveys.tests.conftest import BAD, GOOD, run_worker
from dangol.voc.models import Case

PII = "010-1234-5678 로 전화 주세요. 주민번호 900101-1234567"


def assert_masked(stored: str) -> None:
    assert "[전화번호]" in stored and "[주민번호]" in stored, stored
    for raw in ("010-1234-5678", "1234-5678", "900101-1234567", "1234567"):
        assert raw not in stored, stored


def assert_response_masked(response: Response) -> None:
    assert_masked(response.comment)
    assert_masked(Answer.objects.get(response=response, question__code="why").text)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_the_answer_page_stores_free_text_masked(client, shop, survey):
    _, token = services.invitation_create(survey=survey, customer=shop["hong"])
    page = client.post(reverse("surveys:answer", args=[token]), {**BAD, "why": PII, "comment": PII})
    assert page.status_code == 200, page.content.decode()
    run_worker()  # the job worker opens the follow-up case
    response = Response.objects.get()
    assert_response_masked(response)
    case = Case.objects.get(pk=response.followup_case_id)  # the follow-up case quotes the masked text
    assert_masked(case.body)


def test_the_api_stores_free_text_masked(client, shop, survey):
    token = api_token_create(user=shop["manager"], name="t", scopes=["surveys:write"])[1]
    r = client.post(
        f"/api/surveys/{survey.pk}/responses",
        json.dumps({"answers": {**GOOD, "why": PII}, "comment": PII, "customer_id": shop["kim"].pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 201, r.content
    assert_response_masked(Response.objects.get(pk=r.json()["id"]))


def test_the_import_stores_free_text_masked(client, shop, survey):
    login(client, shop["manager"])
    csv = f'ref,overall,recommend,kindness,price,why,comment\nm1,5,9,5,4,"{PII}","{PII}"\n'
    upload = SimpleUploadedFile("field.csv", csv.encode())
    page = client.post(reverse("surveys:import"), {"survey": survey.pk, "file": upload, "on_error": "abort"})
    assert "응답 1건을 가져왔습니다" in page.content.decode(), page.content.decode()
    assert_response_masked(Response.objects.get(source_ref=f"import:{survey.pk}:m1"))
