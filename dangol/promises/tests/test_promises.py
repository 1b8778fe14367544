import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from dangol.promises.models import Promise
from dangol.promises.selectors import kept_rate_by_staff, kept_rate_by_team
from dangol.promises.services import promise_make, promise_resolve, promises_break_overdue


def make(shop, owner="agent", hours=24, text="콜백"):
    return promise_make(
        customer=shop["hong"],
        owner=shop[owner],
        text=text,
        due_at=timezone.now() + dt.timedelta(hours=hours),
        by=shop[owner],
    )


def test_promise_takes_the_owners_team(shop):
    assert make(shop).team == shop["cs"]
    assert make(shop, owner="clerk").team == shop["ops"]


def test_due_time_must_be_in_the_future(shop):
    with pytest.raises(ValidationError):
        make(shop, hours=-1)


def test_overdue_open_promises_become_broken_and_the_job_is_idempotent(shop):
    late = make(shop)
    future = make(shop, hours=48)
    later = timezone.now() + dt.timedelta(hours=25)
    assert promises_break_overdue(now=later) == 1
    assert promises_break_overdue(now=later) == 0
    late.refresh_from_db()
    future.refresh_from_db()
    assert late.status == Promise.Status.BROKEN and late.resolution_note
    assert future.status == Promise.Status.OPEN


def test_the_scheduled_task_and_command_break_overdue_promises(shop):
    from dangol.promises.tasks import break_overdue_promises

    p = make(shop)
    Promise.objects.filter(pk=p.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    break_overdue_promises.call()
    assert Promise.objects.get(pk=p.pk).status == Promise.Status.BROKEN
    q = make(shop)
    Promise.objects.filter(pk=q.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("break_overdue_promises")
    assert Promise.objects.get(pk=q.pk).status == Promise.Status.BROKEN


def test_scheduler_enqueues_timed_jobs_once_per_period(transactional_db, shop, settings):
    from django_tasks_db.models import DBTaskResult

    from dangol.web.schedule import enqueue_due

    settings.DANGOL_SCHEDULE_SECONDS = 300
    last: dict[str, float] = {}
    promises_job = "dangol.promises.tasks.break_overdue_promises"
    first = enqueue_due(last, 1000.0)
    assert promises_job in first and "dangol.voc.tasks.check_recurrence" in first  # everything runs at start
    assert promises_job not in enqueue_due(last, 1100.0)
    assert promises_job in enqueue_due(last, 1301.0)
    assert DBTaskResult.objects.filter(task_path=promises_job).count() == 2
    call_command("worker", "--batch", verbosity=0)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_resolving_twice_is_refused_and_late_kept_counts_as_broken(shop):
    p = make(shop)
    promise_resolve(promise=p, kept=True, by=shop["agent"])
    with pytest.raises(ValidationError):
        promise_resolve(promise=p, kept=False, by=shop["agent"])
    late = make(shop)
    Promise.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    late.refresh_from_db()
    assert promise_resolve(promise=late, kept=True, by=shop["agent"]).status == Promise.Status.BROKEN


def test_kept_rate_per_staff_and_team(shop, as_manager):
    for kept in (True, True, False):
        promise_resolve(promise=make(shop), kept=kept, by=shop["agent"])
    promise_resolve(promise=make(shop, owner="clerk"), kept=False, by=shop["clerk"])
    make(shop, owner="clerk")
    staff = {r.label: r for r in kept_rate_by_staff()}
    assert (staff["이상담"].kept, staff["이상담"].broken) == (2, 1)
    assert staff["이상담"].rate == pytest.approx(2 / 3)
    assert staff["최점원"].rate == 0 and staff["최점원"].open == 1
    teams = {r.label: r.rate for r in kept_rate_by_team()}
    assert teams == {"고객센터": pytest.approx(2 / 3), "매장운영팀": 0}
    page = as_manager.get("/promises/").content.decode()
    assert "66.7%" in page and "매장운영팀" in page


def test_resolve_from_the_360_page(as_agent, shop):
    p = make(shop)
    r = as_agent.post(f"/customers/promises/{p.pk}/resolve/", {"kept": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "약속 이행 여부를 기록했습니다" in r.content.decode()
    assert Promise.objects.get(pk=p.pk).status == Promise.Status.KEPT


def test_promise_text_and_resolution_note_are_stored_masked(as_agent, shop):
    pii = "010-1234-5678 로 연락, 주민번호 900101-1234567"
    r = as_agent.post(
        f"/customers/{shop['hong'].pk}/promises/",
        {"text": f"환불 후 {pii}", "due_at": "2099-01-01T10:00"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200, r.content.decode()
    promise = Promise.objects.get(customer=shop["hong"])
    promise_resolve(promise=promise, kept=True, by=shop["agent"], note=pii)
    promise.refresh_from_db()
    for stored in (promise.text, promise.resolution_note):
        assert "[전화번호]" in stored and "[주민번호]" in stored, stored
        assert "1234-5678" not in stored and "1234567" not in stored, stored
