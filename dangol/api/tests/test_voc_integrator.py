"""What an integrator needs from the VOC API: cases keep the time they were received, close/reopen/timeline
through the API with scopes and version checks, and every enumerated field listed in the OpenAPI schema."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from dangol.accounts.services import api_token_create
from dangol.voc import services
from dangol.voc.models import Case, CaseEvent, Priority, Step
from dangol.voc.sla import business_calendar, policy_for, sla_check


def bearer(user, scopes):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t', scopes=scopes)[1]}"}


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def rw(shop):
    return bearer(shop["agent"], ["voc:read", "voc:write"])


def open_case(client, shop, headers, **extra):
    r = post(
        client, "/api/voc/cases", {"customer_id": shop["hong"].pk, "title": "배송 지연", **extra}, headers
    )
    assert r.status_code == 201, r.content
    return r.json()


def parse(value):
    return dt.datetime.fromisoformat(value)


# --- received_at -------------------------------------------------------------------------------------------


def test_received_at_drives_the_sla_due_times_not_the_entry_time(client: Client, shop, rw):
    # Ten days back: longer than any closed stretch (추석 next to a weekend), so the two due times differ.
    received = (timezone.now() - dt.timedelta(days=10)).replace(microsecond=0)
    late = open_case(client, shop, rw, received_at=received.isoformat())
    fresh = open_case(client, shop, rw)

    first_minutes, resolution_minutes, _ = policy_for(Priority.NORMAL, None)
    calendar = business_calendar()
    assert parse(late["created_at"]) == received
    assert parse(late["first_response_due"]) == calendar.add(received, dt.timedelta(minutes=first_minutes))
    assert parse(late["resolution_due"]) == calendar.add(received, dt.timedelta(minutes=resolution_minutes))
    assert parse(late["first_response_due"]) < parse(fresh["first_response_due"])
    assert parse(late["resolution_due"]) < parse(fresh["resolution_due"])
    assert parse(fresh["created_at"]) > received + dt.timedelta(days=9)
    opened = CaseEvent.objects.get(case_id=late["id"], kind="opened")
    assert opened.at == received


def test_a_case_received_long_ago_is_born_overdue_and_the_sla_job_escalates_it(client: Client, shop, rw):
    shop["cs"].lead = shop["manager"]
    shop["cs"].save()
    old = open_case(client, shop, rw, received_at=(timezone.now() - dt.timedelta(days=30)).isoformat())
    fresh = open_case(client, shop, rw)
    assert parse(old["resolution_due"]) < timezone.now()

    counts = sla_check()

    late, now_case = Case.objects.get(pk=old["id"]), Case.objects.get(pk=fresh["id"])
    assert counts["response_breached"] == 1 and counts["resolution_breached"] == 1
    assert late.response_breached_at and late.resolution_breached_at and late.escalated_at
    assert not (now_case.response_breached_at or now_case.resolution_breached_at)
    assert set(late.events.values_list("kind", flat=True)) >= {"opened", "sla_breach", "escalated"}
    assert sla_check() == {"warned": 0, "response_breached": 0, "resolution_breached": 0}


def test_received_at_within_a_minute_of_clock_skew_is_taken_as_now(client: Client, shop, rw):
    ahead = timezone.now() + dt.timedelta(seconds=30)
    case = open_case(client, shop, rw, received_at=ahead.isoformat())
    assert parse(case["created_at"]) <= timezone.now()


@pytest.mark.parametrize(
    ("received_at", "korean", "english"),
    [
        (lambda now: (now + dt.timedelta(minutes=10)).isoformat(), "미래", "in the future"),
        (lambda now: (now - dt.timedelta(days=400)).isoformat(), "1년", "more than a year ago"),
        (lambda now: now.replace(tzinfo=None).isoformat(), "시간대", "UTC offset"),
    ],
    ids=["future", "older-than-a-year", "naive"],
)
def test_a_future_old_or_naive_received_at_is_a_422_in_korean_and_english(
    client: Client, shop, rw, received_at, korean, english
):
    r = post(
        client,
        "/api/voc/cases",
        {"customer_id": shop["hong"].pk, "title": "x", "received_at": received_at(timezone.now())},
        rw,
    )
    body = r.json()
    assert r.status_code == 422 and body["code"] == "invalid_input"
    assert korean in body["message"] and english in body["message_en"]
    assert "received_at" in body["details"]
    assert not Case.objects.exists()


def test_inbound_email_counts_from_the_messages_own_date(client: Client, shop):
    h = bearer(shop["agent"], ["voc:write"])
    sent = timezone.localtime(timezone.now() - dt.timedelta(days=2)).replace(microsecond=0)
    mail = {
        "message_id": "<late@mail>",
        "sender": "gildong@example.com",
        "subject": "환불 문의",
        "date": sent.strftime("%a, %d %b %Y %H:%M:%S %z"),
    }
    r = post(client, "/api/voc/inbound-email", mail, h)
    assert r.status_code == 201, r.content
    assert parse(r.json()["created_at"]) == sent
    iso = post(
        client, "/api/voc/inbound-email", {**mail, "message_id": "<iso@mail>", "date": sent.isoformat()}, h
    )
    assert parse(iso.json()["created_at"]) == sent

    for date, english in (
        ("Tue, 3 Nov 2026 09:12:00 -0000", "UTC offset"),  # RFC 5322: -0000 means "zone unknown"
        ("어제 오후", "not readable"),
        ((timezone.now() + dt.timedelta(hours=1)).isoformat(), "in the future"),
    ):
        bad = post(
            client, "/api/voc/inbound-email", {**mail, "message_id": f"<{english}@mail>", "date": date}, h
        )
        assert bad.status_code == 422 and english in bad.json()["message_en"] and bad.json()["message"]
    assert Case.objects.count() == 2


# --- close, reopen, timeline -------------------------------------------------------------------------------


def resolved_case(client, shop, headers):
    case = open_case(client, shop, headers)
    for step, note in (("apologise", ""), ("listen", "이틀 늦었어요"), ("confirm", "이틀 늦은 게 맞죠? 네")):
        assert (
            post(
                client, f"/api/voc/cases/{case['id']}/steps", {"step": step, "note": note}, headers
            ).status_code
            == 201
        )
    r = post(client, f"/api/voc/cases/{case['id']}/resolution", {"resolution_type": "refund"}, headers)
    assert r.status_code == 200, r.content
    # a complaint closes once its follow-up is recorded (dangol/voc/tests/test_agent_day.py)
    follow_up = {"step": "follow_up", "note": "환불 확인했어요"}
    assert post(client, f"/api/voc/cases/{case['id']}/steps", follow_up, headers).status_code == 201
    return r.json()


def test_close_reopen_and_the_timeline_through_the_api(client: Client, shop, rw):
    case = resolved_case(client, shop, rw)
    url = f"/api/voc/cases/{case['id']}"
    read_only = bearer(shop["agent"], ["voc:read"])
    write_only = bearer(shop["agent"], ["voc:write"])

    assert post(client, f"{url}/close", {"version": case["version"]}, read_only).status_code == 403
    stale = post(client, f"{url}/close", {"version": case["version"] - 1}, rw)
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    closed = post(client, f"{url}/close", {"version": case["version"]}, rw)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["version"] == case["version"] + 1
    again = post(client, f"{url}/close", {}, rw)
    assert again.status_code == 422 and "종결" in again.json()["message"]

    version = closed.json()["version"]
    assert (
        post(client, f"{url}/reopen", {"reason": "또 늦음", "version": version}, read_only).status_code == 403
    )
    assert post(client, f"{url}/reopen", {"reason": "", "version": version}, rw).status_code == 422
    assert post(client, f"{url}/reopen", {"reason": "또 늦음", "version": version - 1}, rw).status_code == 409
    before = timezone.now()
    reopened = post(client, f"{url}/reopen", {"reason": "같은 주문이 또 늦게 왔어요", "version": version}, rw)
    assert reopened.status_code == 200, reopened.content
    body = reopened.json()
    assert body["status"] == "open" and body["resolved_at"] is None and body["version"] == version + 1
    assert parse(body["resolution_due"]) > before
    assert Case.objects.get(pk=case["id"]).reopened_count == 1
    not_closed = post(client, f"{url}/reopen", {"reason": "다시"}, rw)
    assert not_closed.status_code == 422 and "다시 열" in not_closed.json()["message"]

    assert client.get(f"{url}/events", **write_only).status_code == 403
    events = client.get(f"{url}/events", **read_only).json()
    assert [e["kind"] for e in events["items"]] == [
        "opened",
        "assigned",  # the agent who recorded the first step took the unassigned case
        "step",
        "step",
        "step",
        "resolved",
        "step",
        "closed",
        "reopened",
    ]
    assert events["next_cursor"] is None
    last = events["items"][-1]
    assert "같은 주문이 또 늦게 왔어요" in last["message"] and last["by"] == "agent"
    assert last["data"]["reason"] == "같은 주문이 또 늦게 왔어요"

    walked, cursor = [], None
    while True:
        page = client.get(
            f"{url}/events", {"limit": 3, **({"cursor": cursor} if cursor else {})}, **rw
        ).json()
        walked += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert walked == [e["id"] for e in events["items"]]
    assert client.get("/api/voc/cases/999999/events", **rw).status_code == 404


def test_only_someone_who_may_work_on_the_case_closes_or_reopens_it(client: Client, shop, rw):
    case = resolved_case(client, shop, rw)
    Case.objects.filter(pk=case["id"]).update(team=shop["ops"], created_by=None, assignee=None)
    clerk = bearer(shop["clerk"], ["voc:read", "voc:write"])
    url = f"/api/voc/cases/{case['id']}"
    assert post(client, f"{url}/close", {}, rw).status_code == 403
    assert post(client, f"{url}/close", {}, clerk).status_code == 200
    assert post(client, f"{url}/reopen", {"reason": "다시"}, rw).status_code == 403
    assert post(client, f"{url}/reopen", {"reason": "다시"}, clerk).status_code == 200


def test_reopen_is_a_conditional_update_a_stale_read_loses(shop):
    case = services.case_open(customer=shop["hong"], kind="inquiry", title="영업시간 문의", by=shop["agent"])
    case = services.case_resolve(case=case, by=shop["agent"], resolution_type="info")
    stale = Case.objects.get(pk=case.pk)
    services.case_reopen(case=Case.objects.get(pk=case.pk), by=shop["manager"], reason="답이 틀렸어요")
    with pytest.raises(services.CaseConflict):
        services.case_reopen(case=stale, by=shop["agent"], reason="다시")
    assert Case.objects.get(pk=case.pk).reopened_count == 1
    assert CaseEvent.objects.filter(case=case, kind="reopened").count() == 1


def test_reopen_restarts_the_resolution_clock_of_a_breached_case(client: Client, shop, rw):
    old = open_case(
        client, shop, rw, kind="inquiry", received_at=(timezone.now() - dt.timedelta(days=30)).isoformat()
    )
    sla_check()
    case = Case.objects.get(pk=old["id"])
    assert case.resolution_breached_at is not None
    case = services.case_resolve(case=case, by=shop["agent"], resolution_type="info")
    r = post(
        client, f"/api/voc/cases/{case.pk}/reopen", {"reason": "안내가 달랐어요", "version": case.version}, rw
    )
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.resolution_breached_at is None and case.warned_at is None
    assert case.resolution_due > timezone.now()
    assert sla_check()["resolution_breached"] == 0


# --- OpenAPI enums -----------------------------------------------------------------------------------------


def enum_of(schema, prop):
    """The allowed values of a property, through `anyOf: [..., null]` and `items`."""
    for option in prop.get("anyOf", [prop]):
        option = option.get("items", option)
        if "$ref" in option:
            option = schema["components"]["schemas"][option["$ref"].rsplit("/", 1)[1]]
        if "enum" in option:
            return option["enum"]
    raise AssertionError(f"no enum in {prop}")


def test_every_enumerated_field_is_an_enum_in_the_openapi_schema(client: Client, db):
    from dangol.customers.models import ConsentStage, Customer
    from dangol.interactions.models import Interaction
    from dangol.surveys.models import Aspect, Dimension, Invitation, Question, Survey

    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    blank = [""]
    expected = {
        ("CaseIn", "kind"): Case.Kind.values,
        ("CaseIn", "channel"): Case.Channel.values,
        ("CaseIn", "priority"): Priority.values,
        ("CasePatch", "priority"): Priority.values,
        ("StepIn", "step"): Step.values,
        ("ResolutionIn", "resolution_type"): Case.Resolution.values,
        ("ResolutionIn", "reaction"): blank + Case.Reaction.values,
        ("CaseOut", "kind"): Case.Kind.values,
        ("CaseOut", "status"): Case.Status.values,
        ("CaseOut", "channel"): Case.Channel.values,
        ("CaseOut", "priority"): Priority.values,
        ("CaseOut", "resolution_type"): blank + Case.Resolution.values,
        ("CaseOut", "steps"): Step.values,
        ("CustomerIn", "gender"): blank + Customer.Gender.values,
        ("CustomerIn", "acquisition_channel"): Customer.Channel.values,
        ("CustomerPatch", "gender"): blank + Customer.Gender.values,
        ("CustomerPatch", "acquisition_channel"): Customer.Channel.values,
        ("CustomerOut", "consent_stage"): ConsentStage.values,
        ("CustomerOut", "status"): Customer.Status.values,
        ("InteractionIn", "type"): Interaction.Type.values,
        ("InteractionOut", "type"): Interaction.Type.values,
        ("OrdersBulkIn", "on_error"): ["abort", "skip"],
        ("SurveyIn", "kind"): Survey.Kind.values,
        ("SurveyIn", "trigger"): Survey.Trigger.values,
        ("SurveyOut", "status"): Survey.Status.values,
        ("QuestionIn", "kind"): Question.Kind.values,
        ("QuestionIn", "aspect"): Aspect.values,
        ("QuestionIn", "dimension"): Dimension.values,
        ("InvitationIn", "channel"): Invitation.Channel.values,
        ("ResponseOut", "followup_status"): Case.Status.values,
    }
    for (name, field), values in expected.items():
        assert enum_of(schema, components[name]["properties"][field]) == values, (name, field)
    status_filter = next(
        p for p in schema["paths"]["/api/voc/cases"]["get"]["parameters"] if p["name"] == "status"
    )
    assert enum_of(schema, status_filter["schema"]) == blank + Case.Status.values


def test_a_value_outside_the_enum_is_a_422_before_anything_is_written(client: Client, shop, rw):
    r = post(client, "/api/voc/cases", {"customer_id": shop["hong"].pk, "title": "x", "kind": "rant"}, rw)
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    assert not Case.objects.exists()
