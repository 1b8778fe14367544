import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from dangol.voc import services
from dangol.voc.models import Case, CaseEvent, Handoff, PreventionAction
from dangol.voc.prevention import detect_recurrence
from dangol.voc.sla import sla_check
from dangol.voc.tests.conftest import at_seoul


def open_case(shop, voc, **kw):
    args = {
        "customer": shop["hong"],
        "kind": "complaint",
        "title": "택배가 이틀 늦게 왔어요",
        "channel": "phone",
        "category": voc["late"],
        "by": shop["agent"],
    }
    args.update(kw)
    return services.case_open(**args)


def walk_steps(case, user):
    services.case_record_step(case=case, step="apologise", by=user, note="불편을 드려 죄송합니다")
    services.case_record_step(
        case=case, step="listen", by=user, note="토요일에 받기로 했는데 월요일에 왔어요"
    )
    services.case_record_step(
        case=case, step="confirm", by=user, note="배송이 이틀 늦었다는 말씀이시죠? - 네"
    )


def test_case_is_routed_to_the_team_owning_the_process_with_business_hour_slas(shop, voc, now_frozen):
    case = open_case(shop, voc)
    assert case.team == voc["logistics"]  # inherited from the parent category 배송
    assert case.number.startswith("VOC-261124-")
    assert case.first_response_due == at_seoul(2026, 11, 24, 10, 30)  # category policy beats the priority one
    assert case.resolution_due == at_seoul(2026, 11, 24, 14, 0)
    assert case.events.get().kind == "opened"


def test_opened_friday_night_counts_from_monday_opening(shop, voc, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at_seoul(2026, 11, 27, 21, 0))
    case = open_case(shop, voc, category=voc["manner"])
    assert case.first_response_due == at_seoul(2026, 11, 30, 10, 0)
    assert case.resolution_due == at_seoul(2026, 11, 30, 17, 0)


def test_the_sla_clocks_and_priority_are_read_before_the_write_transaction(shop, voc, monkeypatch):
    """On SQLite the write transaction holds the one write lock that every survey answer waits for (issue 18): the
    business-hour clocks and the membership priority are worked out before it, the case and its events inside."""
    from django.db import connection

    depth: dict[str, int] = {}
    real_due, real_priority = services.due_times, services.customer_priority_service

    def due(**kw):
        depth["due_times"] = len(connection.atomic_blocks)
        return real_due(**kw)

    def priority(customer_id):
        depth["priority"] = len(connection.atomic_blocks)
        return real_priority(customer_id)

    monkeypatch.setattr(services, "due_times", due)
    monkeypatch.setattr(services, "customer_priority_service", priority)
    outside = len(connection.atomic_blocks)
    case = open_case(shop, voc)
    assert depth == {"due_times": outside, "priority": outside}
    assert case.first_response_due is not None and case.events.get().kind == "opened"


def test_same_source_opens_one_case(shop, voc):
    first = open_case(shop, voc, source_ref="survey-response:9")
    again = open_case(shop, voc, source_ref="survey-response:9")
    assert first.pk == again.pk and Case.objects.count() == 1


def test_steps_must_be_done_in_order_and_listen_needs_the_customers_words(shop, voc):
    case = open_case(shop, voc)
    with pytest.raises(ValidationError):
        services.case_record_step(case=case, step="listen", by=shop["agent"], note="")
    with pytest.raises(ValidationError, match="앞 단계"):
        services.case_record_step(case=case, step="confirm", by=shop["agent"], note="요약")
    services.case_record_step(case=case, step="apologise", by=shop["agent"])
    case.refresh_from_db()
    assert case.first_responded_at is not None and case.status == "open"
    with pytest.raises(ValidationError, match="이미"):
        services.case_record_step(case=case, step="apologise", by=shop["agent"])


def test_agent_cannot_resolve_with_a_required_step_skipped(shop, voc):
    case = open_case(shop, voc)
    services.case_record_step(case=case, step="apologise", by=shop["agent"])
    with pytest.raises(ValidationError, match="매니저"):
        services.case_resolve(case=case, by=shop["agent"], resolution_type="refund")
    case.refresh_from_db()
    assert case.status == "open"


def test_manager_override_needs_a_reason_and_is_recorded(shop, voc):
    case = open_case(shop, voc)
    with pytest.raises(ValidationError, match="사유"):
        services.case_resolve(case=case, by=shop["manager"], resolution_type="apology")
    services.case_resolve(
        case=case, by=shop["manager"], resolution_type="apology", override_reason="고객이 통화 거부"
    )
    assert case.events.filter(kind="override").exists()
    case = services.case_record_satisfaction(case=case, score=4, would_continue=True, by=shop["agent"])
    services.case_close(case=case, by=shop["agent"])
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_full_recovery_with_compensation_and_satisfied_follow_up(shop, voc):
    case = open_case(shop, voc)
    walk_steps(case, shop["agent"])
    case = services.case_resolve(
        case=case,
        by=shop["agent"],
        resolution_type="compensation",
        cost=5000,
        points=3000,
        reaction="satisfied",
        root_cause=voc["cause"],
        note="배송비 환불 + 포인트",
    )
    assert case.status == "resolved" and case.resolution_cost == 5000 and case.root_cause == voc["cause"]
    case = services.case_record_satisfaction(case=case, score=5, would_continue=True, by=shop["agent"])
    assert case.status == "resolved"
    services.case_close(case=case, by=shop["agent"])
    steps = set(case.steps.values_list("step", flat=True))
    assert steps == {"apologise", "listen", "confirm", "resolve", "follow_up"}
    kinds = list(case.events.order_by("at", "id").values_list("kind", flat=True))
    # the agent who worked the unassigned case took it (dangol/voc/tests/test_agent_day.py)
    assert kinds == ["opened", "assigned", "step", "step", "step", "resolved", "satisfaction", "closed"]


def test_dissatisfied_follow_up_reopens_the_case_to_the_team_lead(shop, voc):
    case = open_case(shop, voc)
    walk_steps(case, shop["agent"])
    services.case_resolve(case=case, by=shop["agent"], resolution_type="apology")
    case = services.case_record_satisfaction(case=case, score=4, would_continue=False, by=shop["agent"])
    assert case.status == "open" and case.assignee == shop["manager"] and case.reopened_count == 1
    assert case.events.filter(kind="reopened").exists()


def test_handoff_records_the_internal_service_level(shop, voc, now_frozen):
    case = open_case(shop, voc)
    case = services.case_handoff(
        case=case, to_team=shop["ops"], reason="매장 직원 응대 문제로 확인", by=shop["agent"]
    )
    handoff = Handoff.objects.get(case=case)
    assert case.team == shop["ops"] and handoff.from_team == voc["logistics"]
    assert handoff.due_at == at_seoul(
        2026, 11, 24, 18, 0
    )  # 8 business hours: due at closing, not next morning
    services.handoff_accept(handoff=handoff, by=shop["clerk"])
    handoff.refresh_from_db()
    assert handoff.met is True
    with pytest.raises(ValidationError):
        services.case_handoff(case=case, to_team=shop["ops"], reason="again", by=shop["agent"])


def test_recategorising_moves_the_case_to_the_new_owner(shop, voc):
    case = open_case(shop, voc)
    case = services.case_set_category(case=case, category=voc["manner"], by=shop["agent"])
    assert case.team == shop["ops"] and case.handoffs.count() == 1


def test_two_agents_saving_at_once_never_lose_an_update(shop, voc):
    case = open_case(shop, voc)
    first = Case.objects.get(pk=case.pk)
    second = Case.objects.get(pk=case.pk)
    services.case_assign(case=first, assignee=shop["agent"], by=shop["agent"], expected_version=first.version)
    with pytest.raises(services.CaseConflict, match="먼저"):
        services.case_assign(
            case=second, assignee=shop["clerk"], by=shop["clerk"], expected_version=second.version
        )
    assert Case.objects.get(pk=case.pk).assignee == shop["agent"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_threads_one_wins_one_gets_a_conflict(shop, voc):
    case = open_case(shop, voc)
    version = case.version
    results: list[str] = []

    def assign(user):
        from django.db import connection

        try:
            services.case_assign(
                case=Case.objects.get(pk=case.pk), assignee=user, by=user, expected_version=version
            )
            results.append("ok")
        except services.CaseConflict:
            results.append("conflict")
        except Exception as exc:  # surface anything else instead of losing it in the thread
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(shop[u],)) for u in ("agent", "clerk")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert Case.objects.get(pk=case.pk).version == version + 1


def test_sla_job_warns_then_escalates_once(shop, voc, now_frozen):
    case = open_case(shop, voc)  # resolution due 14:00
    assert sla_check(now=at_seoul(2026, 11, 24, 13, 30)) == {
        "warned": 1,
        "response_breached": 1,
        "resolution_breached": 0,
    }
    assert sla_check(now=at_seoul(2026, 11, 24, 13, 40))["warned"] == 0
    result = sla_check(now=at_seoul(2026, 11, 24, 14, 1))
    assert result["resolution_breached"] == 1
    case.refresh_from_db()
    assert case.assignee == shop["manager"] and case.escalated_at is not None  # the logistics team lead
    assert sla_check(now=at_seoul(2026, 11, 24, 15, 0))["resolution_breached"] == 0
    assert list(
        case.events.filter(kind__in=["sla_warning", "sla_breach", "escalated"]).values_list("kind", flat=True)
    )


def test_waiting_for_the_customer_stops_the_clock(shop, voc, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at_seoul(2026, 11, 24, 10, 0))
    case = open_case(shop, voc)
    services.case_pause(case=case, by=shop["agent"])
    monkeypatch.setattr(timezone, "now", lambda: at_seoul(2026, 11, 25, 10, 0))  # 8 business hours later
    case = services.case_resume(case=Case.objects.get(pk=case.pk), by=shop["agent"])
    assert case.resolution_due == at_seoul(2026, 11, 25, 14, 0)


def test_difficult_customer_warning_and_ending_an_abusive_contact(shop, voc):
    case = open_case(shop, voc)
    services.case_mark_difficult(case=case, difficult_type="vulgar", by=shop["agent"])
    services.case_polite_warning(
        case=case, by=shop["agent"], text="욕설을 계속하시면 상담을 이어가기 어렵습니다."
    )
    services.case_polite_warning(
        case=case, by=shop["agent"], text="한 번 더 욕설을 하시면 상담을 종료하겠습니다."
    )
    with pytest.raises(ValidationError):
        services.case_end_contact(case=case, by=shop["agent"], reason="계속된 욕설", handler=shop["agent"])
    case = services.case_end_contact(
        case=Case.objects.get(pk=case.pk), by=shop["agent"], reason="계속된 욕설", handler=shop["manager"]
    )
    assert case.dedicated_handler == shop["manager"] and case.assignee == shop["manager"]
    ended = case.events.get(kind="contact_ended")
    assert ended.by == shop["agent"] and ended.data["rest_minutes"] == 30
    assert case.events.filter(kind="warning").count() == 2


def test_recurrence_above_the_usual_weekly_level_raises_one_prevention_action(shop, voc, now_frozen):
    from django.utils import timezone

    for weeks_ago in range(1, 9):  # one 지연 complaint a week at 강남점 for 8 weeks
        c = open_case(shop, voc, touchpoint=shop["store"])
        Case.objects.filter(pk=c.pk).update(created_at=timezone.now() - dt.timedelta(weeks=weeks_ago))
    assert detect_recurrence() == []
    for _ in range(5):
        open_case(shop, voc, touchpoint=shop["store"])
    actions = detect_recurrence()
    assert len(actions) == 1
    action = actions[0]
    assert action.count == 5 and action.baseline == 1.0 and action.owner == shop["manager"]
    assert action.touchpoint == shop["store"] and "지연" in action.title
    assert detect_recurrence() == [] and PreventionAction.objects.count() == 1


def test_viewer_cannot_change_and_agents_work_on_their_teams_cases(shop, voc):
    case = open_case(shop, voc, by=shop["manager"])  # routed to logistics
    assert not services.can_work_on(shop["viewer"], case)
    assert not services.can_work_on(shop["clerk"], case)  # store ops, another team
    assert services.can_work_on(shop["manager"], case)
    with pytest.raises(PermissionDenied):
        services.require_work_on(shop["clerk"], case)
    services.case_assign(case=case, assignee=shop["clerk"], by=shop["manager"])
    assert services.can_work_on(shop["clerk"], Case.objects.get(pk=case.pk))


def test_scheduled_voc_jobs_run_through_the_worker(transactional_db, shop, voc):
    from dangol.voc.tasks import check_recurrence, check_slas

    open_case(shop, voc)
    check_slas.enqueue()
    check_recurrence.enqueue()
    call_command("worker", "--batch", verbosity=0)
    from django_tasks_db.models import DBTaskResult

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert CaseEvent.objects.filter(kind="opened").count() == 1
