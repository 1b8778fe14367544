import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from conftest import login
from dangol.voc import flags, services
from dangol.voc.models import Case, CustomerFlag


def make_case(shop, voc, **kw):
    args = {
        "customer": shop["hong"],
        "kind": "complaint",
        "title": "배송 지연",
        "category": voc["late"],
        "by": shop["agent"],
    }
    args.update(kw)
    return services.case_open(**args)


def test_agent_handles_a_case_step_by_step_in_place(as_agent: Client, shop, voc):
    case = make_case(shop, voc)
    page = as_agent.get(f"/voc/{case.pk}/").content.decode()
    assert "응대 단계" in page and "사과" in page
    r = as_agent.post(
        f"/voc/{case.pk}/act/step/", {"step": "apologise", "note": "죄송합니다"}, HTTP_HX_REQUEST="true"
    )
    assert (
        r.status_code == 200
        and "단계를 기록했습니다" in r.content.decode()
        and "<html" not in r.content.decode()
    )
    r = as_agent.post(
        f"/voc/{case.pk}/act/resolve/", {"resolution_type": "refund", "version": "99"}, HTTP_HX_REQUEST="true"
    )
    assert r["HX-Retarget"] == "#case-errors" and "필수 단계" in r.content.decode()
    assert Case.objects.get(pk=case.pk).status == "open"


def test_stale_version_gets_a_clear_conflict_message(as_agent: Client, shop, voc):
    case = make_case(shop, voc)
    r = as_agent.post(
        f"/voc/{case.pk}/act/assign/",
        {"assignee": shop["agent"].pk, "version": case.version + 5},
        HTTP_HX_REQUEST="true",
    )
    assert r["HX-Retarget"] == "#case-errors" and "다른 직원이 먼저" in r.content.decode()


def test_agent_of_another_team_and_viewer_cannot_act(client: Client, shop, voc):
    case = make_case(shop, voc, by=shop["manager"])  # routed to logistics, not the clerk's store team
    login(client, shop["clerk"])
    r = client.post(f"/voc/{case.pk}/act/step/", {"step": "apologise"}, HTTP_HX_REQUEST="true")
    assert "권한" in r.content.decode() and not case.steps.exists()
    login(client, shop["viewer"])
    assert client.post(f"/voc/{case.pk}/act/step/", {"step": "apologise"}).status_code == 403
    assert client.get(f"/voc/{case.pk}/").status_code == 200


def test_difficult_type_shows_its_playbook(as_agent: Client, shop, voc):
    case = make_case(shop, voc)
    r = as_agent.post(
        f"/voc/{case.pk}/act/difficult/", {"difficult_type": "threatening"}, HTTP_HX_REQUEST="true"
    )
    body = r.content.decode()
    assert 'id="playbook"' in body and "법적 조치" in body and "전담자" in body


def test_queues_and_bulk_assign(as_manager: Client, shop, voc):
    a, b = make_case(shop, voc), make_case(shop, voc, title="두 번째")
    page = as_manager.get("/voc/queue/", {"queue": "unassigned"}).content.decode()
    assert a.number in page and b.number in page
    as_manager.post("/voc/queue/assign/", {"case": [a.pk, b.pk], "assignee": shop["agent"].pk})
    assert set(Case.objects.values_list("assignee_id", flat=True)) == {shop["agent"].pk}
    login(as_manager, shop["agent"])
    mine = as_manager.get("/voc/queue/", {"queue": "mine"}).content.decode()
    assert a.number in mine
    as_manager.post("/voc/queue/save/", {"name": "내 배송 건", "query": "queue=mine&kind=complaint"})
    assert "내 배송 건" in as_manager.get("/voc/queue/").content.decode()


def test_board_tells_the_story(as_manager: Client, shop, voc):
    case = make_case(shop, voc)
    Case.objects.filter(pk=case.pk).update(resolution_due=timezone.now() - dt.timedelta(hours=1))
    page = as_manager.get("/voc/").content.decode()
    assert "VOC 현황" in page and 'id="weekly-chart"' in page and "물류팀" in page


def test_new_case_from_the_360_page_for_a_known_customer(as_agent: Client, shop, voc):
    assert "VOC 접수" in as_agent.get(f"/customers/{shop['hong'].pk}/").content.decode()
    r = as_agent.post(
        f"/voc/new/?customer={shop['hong'].pk}",
        {
            "kind": "complaint",
            "title": "직원이 불친절했어요",
            "body": "계산대 직원이 반말을 했어요",
            "category": voc["manner"].pk,
            "priority": "high",
            "channel": "store",
            "customer": shop["hong"].pk,
        },
    )
    case = Case.objects.get()
    assert r["Location"] == f"/voc/{case.pk}/" and case.team == shop["ops"] and case.customer == shop["hong"]


def test_public_intake_form_creates_a_case_without_login(client: Client, shop, voc):
    r = client.post(
        "/voc/intake/",
        {
            "kind": "complaint",
            "category": voc["late"].pk,
            "name": "홍길동",
            "phone": "010-1234-5678",
            "title": "환불이 안 됐어요",
            "body": "지난주 반품했는데 환불이 아직입니다",
            "agree": "on",
        },
    )
    assert r.status_code == 200 and "접수되었습니다" in r.content.decode()
    case = Case.objects.get()
    # never linked by a phone anyone can type (dangol/voc/tests/test_public_abuse.py): the contact is kept
    assert case.customer is None and case.contact_info == "010-1234-5678" and case.channel == "web"
    r = client.post(
        "/voc/intake/",
        {
            "kind": "inquiry",
            "category": voc["late"].pk,
            "name": "익명",
            "title": "문의",
            "body": "내용",
            "agree": "on",
        },
    )
    assert "휴대전화나 이메일" in r.content.decode() and Case.objects.count() == 1


def test_bad_customer_exit_is_reviewed_announced_and_reversible(client: Client, shop, voc):
    hong = shop["hong"]
    flag = flags.customer_flag(
        customer=hong, type="thief", evidence="3회 연속 빈 상자 반품(주문 O-1, O-2, O-3)", by=shop["agent"]
    )
    login(client, shop["agent"])
    assert "불량고객: 도둑형" in client.get(f"/customers/{hong.pk}/").content.decode()
    case = make_case(shop, voc)
    assert 'id="flag-badge"' in client.get(f"/voc/{case.pk}/").content.decode()
    with pytest.raises(ValidationError):
        flags.exit_review(flag=flag, by=shop["agent"], approve=True, note="x")
    flag = flags.exit_propose(flag=flag, by=shop["manager"], handler=shop["manager"], note="반복된 허위 반품")
    with pytest.raises(ValidationError, match="다른 매니저"):
        flags.exit_review(flag=flag, by=shop["manager"], approve=True, note="승인")
    from dangol.accounts.models import Role
    from dangol.accounts.services import staff_create

    boss = staff_create(username="boss", password="pw-boss-123", role=Role.MANAGER)
    with pytest.raises(ValidationError, match="안내"):
        flags.exit_review(flag=flag, by=boss, approve=True, note="승인")
    flags.exit_notify_customer(flag=flag, by=shop["manager"], how="등기우편 발송")
    flag = flags.exit_review(flag=flag, by=boss, approve=True, note="근거 확인, 승인")
    assert flag.status == CustomerFlag.Status.EXIT_APPROVED and flag.dedicated_handler == shop["manager"]
    flag = flags.flag_reverse(flag=flag, by=shop["manager"], reason="법원 판결로 오해 확인")
    assert [h["action"] for h in flag.history] == [
        "flagged",
        "exit_proposed",
        "customer_notified",
        "exit_approved",
        "reversed",
    ]
    assert "불량고객" not in client.get(f"/customers/{hong.pk}/").content.decode().split("VOC")[0]


def test_silent_dissatisfied_lists_those_who_never_complained(as_manager: Client, shop, voc):
    from dangol.orders.models import Order
    from dangol.promises.models import Promise

    Promise.objects.create(
        customer=shop["kim"],
        owner=shop["agent"],
        text="콜백",
        status="broken",
        due_at=timezone.now() - dt.timedelta(days=3),
    )
    Order.objects.create(
        external_id="R1",
        customer=shop["hong"],
        ordered_at=timezone.now() - dt.timedelta(days=5),
        total_amount=10000,
        refunded_amount=10000,
        status="refunded",
    )
    make_case(shop, voc)  # hong complained
    page = as_manager.get("/voc/silent/").content.decode()
    assert f"/customers/{shop['kim'].pk}/" in page and "약속 불이행" in page
    assert f"/customers/{shop['hong'].pk}/" not in page


def test_board_reads_the_snapshot_the_job_refreshes(as_manager: Client, shop, voc):
    from dangol.voc.tasks import refresh_board

    make_case(shop, voc)
    first = as_manager.get("/voc/").content.decode()
    assert 'id="open-count">1<' in first
    make_case(shop, voc, title="두 번째")
    assert 'id="open-count">1<' in as_manager.get("/voc/").content.decode()  # the page does not recompute
    refresh_board.call()
    assert 'id="open-count">2<' in as_manager.get("/voc/").content.decode()


def test_case_from_an_interaction_a_promise_and_an_unknown_contact_linked_later(as_agent: Client, shop, voc):
    from dangol.interactions.services import interaction_log
    from dangol.privacy.models import AccessLog
    from dangol.promises.models import Promise

    interaction = interaction_log(
        customer=shop["hong"],
        touchpoint=shop["call"],
        type="complaint",
        summary="배송 지연 불만",
        body="이틀 늦음",
        staff=shop["agent"],
    )
    form = as_agent.get(f"/voc/new/?customer={shop['hong'].pk}&interaction={interaction.pk}").content.decode()
    assert 'value="배송 지연 불만"' in form
    as_agent.post(
        f"/voc/new/?customer={shop['hong'].pk}&interaction={interaction.pk}",
        {
            "kind": "complaint",
            "title": "배송 지연 불만",
            "priority": "normal",
            "channel": "phone",
            "customer": shop["hong"].pk,
            "interaction": interaction.pk,
        },
    )
    case = Case.objects.get()
    assert case.interaction == interaction
    r = as_agent.post(
        f"/voc/{case.pk}/act/promise/",
        {"text": "목요일까지 환불", "due_at": "2099-01-01T10:00"},
        HTTP_HX_REQUEST="true",
    )
    assert "약속을 등록했습니다" in r.content.decode()
    assert Promise.objects.get().customer == shop["hong"] and case.events.filter(kind="promise").exists()

    unknown = services.case_open(
        customer=None,
        kind="inquiry",
        title="전화 문의",
        contact_name="김영희",
        contact_info="010-9876-5432",
        by=shop["agent"],
    )
    r = as_agent.post(
        f"/voc/{unknown.pk}/act/link_customer/", {"phone": "01098765432"}, HTTP_HX_REQUEST="true"
    )
    assert "고객과 연결했습니다" in r.content.decode()
    assert Case.objects.get(pk=unknown.pk).customer == shop["kim"]
    evidence = as_agent.get(f"/voc/{case.pk}/evidence.csv").content.decode()
    assert "promise" in evidence and "목요일까지 환불" in evidence
    assert AccessLog.objects.filter(action="export", customer_id=shop["hong"].pk).exists()
