"""Every free text a member of staff types on a case or a bad-customer flag is stored masked (PIPA §24-2: no
resident registration number without a legal basis; phone numbers belong in their own, access-logged field)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from conftest import login
from dangol.accounts.services import api_token_create
from dangol.voc import services
from dangol.voc.models import Case, CaseEvent, CaseStep, CustomerFlag, Handoff

PII = "010-1234-5678 로 전화 주세요. 주민번호 900101-1234567"


def assert_masked(stored: str) -> None:
    assert "[전화번호]" in stored and "[주민번호]" in stored, stored
    for raw in ("010-1234-5678", "1234-5678", "900101-1234567", "1234567"):
        assert raw not in stored, stored


def open_case(shop: dict[str, Any]) -> Case:
    return services.case_open(customer=shop["hong"], kind="complaint", title="배송 지연", by=shop["agent"])


def act(client: Client, case: Case, action: str, data: dict[str, Any]) -> None:
    case.refresh_from_db()
    r = client.post(
        f"/voc/{case.pk}/act/{action}/", {"version": case.version, **data}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and "HX-Retarget" not in r, r.content.decode()


def event(case: Case, kind: str) -> str:
    return CaseEvent.objects.filter(case=case, kind=kind).latest("id").message


def test_step_notes_resolution_and_follow_up_comment_are_stored_masked(as_agent: Client, shop, voc):
    case = open_case(shop)
    for step in ("apologise", "listen", "confirm"):
        act(as_agent, case, "step", {"step": step, "note": PII})
        assert_masked(CaseStep.objects.get(case=case, step=step).note)
    assert_masked(event(case, "step"))
    act(as_agent, case, "resolve", {"resolution_type": "refund", "note": PII, "root_cause_note": PII})
    case.refresh_from_db()
    assert_masked(case.resolution_note)
    assert_masked(case.root_cause_note)
    assert_masked(CaseStep.objects.get(case=case, step="resolve").note)
    act(as_agent, case, "satisfaction", {"score": "5", "would_continue": "yes", "comment": PII})
    assert_masked(CaseStep.objects.get(case=case, step="follow_up").note)
    assert_masked(event(case, "satisfaction"))


def test_a_managers_reason_for_skipping_steps_is_stored_masked(as_manager: Client, shop, voc):
    case = open_case(shop)
    act(as_manager, case, "resolve", {"resolution_type": "apology", "override_reason": PII})
    assert_masked(event(case, "override"))


def test_handoff_reason_polite_warning_and_end_contact_reason_are_stored_masked(as_agent: Client, shop, voc):
    case = open_case(shop)
    act(as_agent, case, "warning", {"text": PII})
    assert_masked(event(case, "warning"))
    act(as_agent, case, "end_contact", {"reason": PII, "handler": shop["manager"].pk})
    assert_masked(event(case, "contact_ended"))
    act(as_agent, case, "handoff", {"to_team": shop["ops"].pk, "reason": PII})
    assert_masked(Handoff.objects.get(case=case).reason)
    assert_masked(event(case, "handoff"))


def test_a_promise_made_on_the_case_is_stored_masked(as_agent: Client, shop, voc):
    from dangol.promises.models import Promise

    case = open_case(shop)
    act(as_agent, case, "promise", {"text": PII, "due_at": "2099-01-01T10:00"})
    assert_masked(Promise.objects.get(customer=shop["hong"]).text)
    assert_masked(event(case, "promise"))


def test_title_and_body_edited_through_the_api_are_stored_masked(client: Client, shop, voc):
    case = open_case(shop)
    token = api_token_create(user=shop["agent"], name="t", scopes=["voc:read", "voc:write"])[1]
    r = client.patch(
        f"/api/voc/cases/{case.pk}",
        json.dumps({"version": case.version, "title": PII, "body": PII}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert_masked(case.title)
    assert_masked(case.body)


def test_bad_customer_flag_evidence_and_every_note_are_stored_masked(client: Client, shop, voc):
    hong = shop["hong"]
    login(client, shop["agent"])
    client.post(f"/voc/flags/new/{hong.pk}/", {"type": "belligerent", "evidence": PII})
    flag = CustomerFlag.objects.get(customer=hong)
    assert_masked(flag.evidence)
    login(client, shop["manager"])
    client.post(f"/voc/flags/{flag.pk}/propose/", {"handler": shop["manager"].pk, "note": PII})
    client.post(f"/voc/flags/{flag.pk}/notify/", {"how": PII})
    login(client, shop["admin"])  # a manager other than the one who proposed reviews
    client.post(f"/voc/flags/{flag.pk}/approve/", {"note": PII})
    client.post(f"/voc/flags/{flag.pk}/reverse/", {"reason": PII})
    flag.refresh_from_db()
    assert flag.status == CustomerFlag.Status.REVERSED
    assert_masked(flag.review_note)
    assert_masked(flag.reversed_reason)
    assert [step["action"] for step in flag.history] == [
        "flagged",
        "exit_proposed",
        "customer_notified",
        "exit_approved",
        "reversed",
    ]
    for step in flag.history:
        assert_masked(step["note"])
