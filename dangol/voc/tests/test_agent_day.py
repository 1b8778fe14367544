"""The front-line agent's day (issue 13): working a case owns it, a case from a logged call is drafted from the
customer's words, the follow-up can always be done, the suggested reply never echoes raw text, managers keep the
reply templates."""

from __future__ import annotations

import re

from django.test import Client

from conftest import login
from dangol.accounts.models import Team
from dangol.interactions.services import interaction_log
from dangol.voc import services
from dangol.voc.models import Case, CaseEvent, ReplyTemplate


def open_case(shop, voc, **kw):
    args = {
        "customer": shop["hong"],
        "kind": "complaint",
        "title": "택배가 이틀 늦게 왔어요",
        "channel": "phone",
        "category": voc["late"],
        "by": shop["manager"],
    }
    args.update(kw)
    return services.case_open(**args)


def act(client: Client, case: Case, action: str, **data) -> str:
    response = client.post(f"/voc/{case.pk}/act/{action}/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content
    return response.content.decode()


def walk_steps(client: Client, case: Case) -> None:
    act(client, case, "step", step="apologise", note="불편을 드려 죄송합니다")
    act(client, case, "step", step="listen", note="토요일에 받기로 했는데 월요일에 왔어요")
    act(client, case, "step", step="confirm", note="배송이 이틀 늦었다는 말씀이시죠? - 네")


# --- 2. whoever works a case owns it ------------------------------------------------------------------------


def test_recording_a_step_on_an_unassigned_case_assigns_it_to_that_agent(as_agent: Client, shop, voc):
    case = open_case(shop, voc, team=None, category=None)
    assert case.assignee is None
    page = act(as_agent, case, "step", step="apologise", note="기다리시게 해서 죄송합니다")
    case.refresh_from_db()
    assert case.assignee == shop["agent"] and case.status == "open"
    taken = case.events.get(kind="assigned")
    assert taken.message == "담당자 지정: 이상담(처리한 상담원)" and taken.by == shop["agent"]
    assert "담당자 지정: 이상담(처리한 상담원)" in page
    # the next step by someone else does not move it: the case has an owner now
    login(as_agent, shop["manager"])
    act(as_agent, case, "step", step="listen", note="토요일에 받기로 했어요")
    case.refresh_from_db()
    assert case.assignee == shop["agent"] and case.events.filter(kind="assigned").count() == 1


def test_two_agents_working_the_same_unassigned_case_only_one_takes_it(shop, voc):
    case = open_case(shop, voc)
    seen_by_first, seen_by_second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.case_record_step(case=seen_by_first, step="apologise", by=shop["agent"], note="죄송합니다")
    services.case_record_reply(case=seen_by_second, by=shop["manager"], text="확인해서 연락드리겠습니다")
    case.refresh_from_db()
    assert case.assignee == shop["agent"]
    assert list(case.events.filter(kind="assigned").values_list("data__assignee", flat=True)) == [
        shop["agent"].pk
    ]


def test_a_reply_or_a_resolution_on_an_unassigned_case_assigns_it_too(as_manager: Client, shop, voc):
    replied = open_case(shop, voc)
    act(as_manager, replied, "reply", text="많이 불편하셨겠습니다. 오늘 안에 확인해 드리겠습니다.")
    replied.refresh_from_db()
    assert replied.assignee == shop["manager"] and replied.first_responded_at is not None
    assert replied.events.filter(kind="reply", message__contains="오늘 안에").exists()

    resolved = open_case(shop, voc)
    act(
        as_manager,
        resolved,
        "resolve",
        resolution_type="apology",
        override_reason="고객이 통화를 원하지 않음",
    )
    resolved.refresh_from_db()
    assert resolved.status == "resolved" and resolved.assignee == shop["manager"]
    kinds = list(resolved.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["opened", "assigned", "override", "resolved"]


def test_dissatisfied_follow_up_really_assigns_the_case_to_the_team_lead(as_agent: Client, shop, voc):
    cs = shop["cs"]
    Team.objects.filter(pk=cs.pk).update(lead=shop["manager"])
    case = open_case(shop, voc, category=None, team=cs, by=shop["agent"])
    walk_steps(as_agent, case)
    act(as_agent, case, "resolve", resolution_type="apology")
    page = act(as_agent, case, "satisfaction", score="1", would_continue="no", comment="또 늦었어요")
    case.refresh_from_db()
    assert case.status == "open" and case.assignee == shop["manager"]
    assert "불만족 응답으로 재오픈되어 팀장 김팀장에게 배정되었습니다." in page


def test_without_a_team_lead_the_reopened_case_goes_up_then_to_a_manager_then_stays(shop, voc):
    department = Team.objects.create(code="customer-dept", name="고객부문", kind="department")
    store = Team.objects.create(code="store-team", name="매장팀", parent=department)
    case = open_case(shop, voc, category=None, team=store)
    assert services.reopen_owner(case) == (None, "")
    case.assignee = shop["clerk"]
    assert services.reopen_owner(case) == (shop["clerk"], "assignee")
    from dangol.accounts.services import staff_set_team

    staff_set_team(user=shop["manager"], team=store)
    assert services.reopen_owner(case) == (shop["manager"], "manager")
    department.lead = shop["admin"]
    department.save()
    case.team.refresh_from_db()
    assert services.reopen_owner(case) == (shop["admin"], "lead")


# --- 3. a case from a logged call is pre-filled -------------------------------------------------------------


def test_a_case_from_an_angry_call_is_drafted_as_a_high_priority_complaint(as_agent: Client, shop, voc):
    words = "배송이 일주일째 안 와요. 정말 화가 납니다! 지연되는 이유라도 알려 주세요"
    call = interaction_log(
        customer=shop["hong"],
        touchpoint=shop["call"],
        type="call",
        summary="배송 지연 항의 전화",
        body=words,
        staff=shop["agent"],
    )
    page = as_agent.get(f"/voc/new/?customer={shop['hong'].pk}&interaction={call.pk}").content.decode()
    assert '<option value="complaint" selected>' in page  # not 문의: the call was an angry complaint
    assert '<option value="high" selected>' in page  # strong anger raises the priority
    assert f'<option value="{voc["late"].pk}" selected>' in page  # 배송 > 지연, from the words
    assert '<option value="phone" selected>' in page
    assert words in page and 'id="draft-reading"' in page

    response = as_agent.post(
        "/voc/new/",
        {
            "customer": shop["hong"].pk,
            "interaction": call.pk,
            "kind": "complaint",
            "title": "배송 지연 항의 전화",
            "body": words,
            "category": voc["late"].pk,
            "priority": "high",
            "channel": "phone",
            "touchpoint": shop["call"].pk,
        },
    )
    case = Case.objects.get(interaction=call)
    assert response.status_code == 302 and case.kind == "complaint" and case.priority == "high"
    # the listen step starts with the customer's words, to confirm or edit — not to retype
    page = as_agent.get(f"/voc/{case.pk}/").content.decode()
    listen = re.search(r'<li class="" data-step="listen">.*?</li>', page, re.S)
    assert listen and f">{words}</textarea>" in listen.group(0)


# --- 4. the follow-up step can always be done ---------------------------------------------------------------


def test_closing_waits_for_the_follow_up_unless_a_manager_overrides_with_a_reason(client: Client, shop, voc):
    login(client, shop["agent"])
    case = open_case(shop, voc, by=shop["agent"])
    walk_steps(client, case)
    act(client, case, "resolve", resolution_type="apology")
    page = client.get(f"/voc/{case.pk}/").content.decode()
    assert 'id="satisfaction-form"' in page and 'id="close-waits"' in page

    refused = client.post(f"/voc/{case.pk}/act/close/", HTTP_HX_REQUEST="true").content.decode()
    assert "사후 확인(고객 만족도)을 기록한 뒤에 종결할 수 있습니다" in refused
    assert Case.objects.get(pk=case.pk).status == "resolved"

    login(client, shop["manager"])
    no_reason = client.post(f"/voc/{case.pk}/act/close/", HTTP_HX_REQUEST="true").content.decode()
    assert "사후 확인 없이 종결하는 사유를 입력하세요" in no_reason
    act(client, case, "close", override_reason="고객이 세 번 연락을 받지 않음")
    case.refresh_from_db()
    assert case.status == "closed"
    assert case.events.filter(
        kind="override", message="사후 확인 없이 종결 승인: 고객이 세 번 연락을 받지 않음"
    ).exists()

    # step 5 is still reachable on the closed case, and recording it completes the steps
    login(client, shop["agent"])
    page = client.get(f"/voc/{case.pk}/").content.decode()
    assert 'id="satisfaction-form"' in page
    act(client, case, "satisfaction", score="4", would_continue="yes", comment="다음에 늦지 않으면 돼요")
    case.refresh_from_db()
    assert case.status == "closed" and case.satisfaction_score == 4
    assert case.steps.filter(step="follow_up").exists()
    assert 'id="satisfaction-form"' not in client.get(f"/voc/{case.pk}/").content.decode()


def test_with_the_follow_up_recorded_the_agent_closes(as_agent: Client, shop, voc):
    case = open_case(shop, voc, by=shop["agent"])
    walk_steps(as_agent, case)
    act(as_agent, case, "resolve", resolution_type="apology")
    act(as_agent, case, "satisfaction", score="5", would_continue="yes")
    assert 'id="close-submit"' in as_agent.get(f"/voc/{case.pk}/").content.decode()
    assert "종결했습니다" in act(as_agent, case, "close")
    assert Case.objects.get(pk=case.pk).status == "closed"


# --- 5. the suggested reply never pastes raw customer text ---------------------------------------------------


def test_the_suggested_reply_is_built_from_the_reading_not_the_customers_markup(as_agent: Client, shop, voc):
    title = "<b>배송</b> 지연 <script>alert(1)</script> 정말 화가 납니다"
    case = open_case(shop, voc, title=title, category=None, by=shop["agent"])
    assert case.text_analysis["intent"] == "complaint" and case.text_analysis["emotion"] == "anger"
    reply = services.reply_suggestion(case)
    assert reply.startswith("많이 화가 나셨을 것 같습니다")
    assert "말씀하신 배송 지연 건은" in reply
    assert not re.search(r"[<>&]|script|alert", reply)

    page = as_agent.get(f"/voc/{case.pk}/").content.decode()
    shown = re.search(r'<p id="empathetic-reply">(.*?)</p>', page, re.S)
    assert shown and "&lt;" not in shown.group(1) and "script" not in shown.group(1)
    assert "<script>alert(1)" not in page  # the title itself is escaped where it is shown

    # a category names the matter when there is one (plain words, parent and child)
    with_category = open_case(shop, voc, title=title, by=shop["agent"])
    assert "말씀하신 배송 지연 건은" in services.reply_suggestion(with_category)


# --- 6. managers keep the reply templates on a page ----------------------------------------------------------


def test_managers_edit_add_and_stop_reply_templates_and_the_case_screen_uses_them(client: Client, shop, voc):
    login(client, shop["agent"])
    assert client.get("/voc/replies/").status_code == 403
    assert client.post("/voc/replies/new/", {"text": "x"}).status_code == 403

    login(client, shop["manager"])
    listing = client.get("/voc/replies/").content.decode()
    angry = ReplyTemplate.objects.get(intent="complaint", emotion="anger")
    assert "많이 화가 나셨을 것 같습니다" in listing and f'id="reply-{angry.pk}"' in listing

    text = "정말 화나셨겠습니다. {issue} 건은 제가 끝까지 맡아 오늘 안에 연락드리겠습니다."
    saved = client.post(
        f"/voc/replies/{angry.pk}/",
        {"intent": "complaint", "emotion": "anger", "text": text, "is_active": "on"},
    )
    assert saved.status_code == 302
    angry.refresh_from_db()
    assert angry.text == text and angry.updated_by == shop["manager"]

    case = open_case(shop, voc, title="배송이 너무 늦어서 정말 화가 납니다", by=shop["agent"])
    page = client.get(f"/voc/{case.pk}/").content.decode()
    assert (
        "정말 화나셨겠습니다. 배송 지연 건은 제가 끝까지 맡아" in page and 'id="reply-templates-link"' in page
    )

    # one template in use per intent and emotion
    duplicate = client.post(
        "/voc/replies/new/", {"intent": "complaint", "emotion": "anger", "text": "중복", "is_active": "on"}
    )
    assert duplicate.status_code == 200 and "이미 있습니다" in duplicate.content.decode()
    bad_brace = client.post(
        "/voc/replies/new/", {"intent": "renewal", "emotion": "anger", "text": "{title}님"}
    )
    assert "중괄호" in bad_brace.content.decode()

    # stopped: the case screen falls back to the complaint template for any emotion
    client.post(f"/voc/replies/{angry.pk}/toggle/")
    angry.refresh_from_db()
    assert angry.is_active is False
    page = client.get(f"/voc/{case.pk}/").content.decode()
    assert "정말 화나셨겠습니다" not in page and "불편을 드려 죄송합니다. 말씀하신 내용을 정확히" in page

    added = client.post(
        "/voc/replies/new/",
        {
            "intent": "complaint",
            "emotion": "anger",
            "text": "화나신 마음 충분히 이해합니다. {issue} 건 바로 확인하겠습니다.",
            "is_active": "on",
        },
    )
    assert added.status_code == 302
    assert "화나신 마음 충분히 이해합니다. 배송 지연 건" in client.get(f"/voc/{case.pk}/").content.decode()
    assert CaseEvent.objects.filter(case=case, kind="assigned").count() == 0  # reading the page takes nothing
