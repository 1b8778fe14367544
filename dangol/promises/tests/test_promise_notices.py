"""The owner of a promise hears when it falls due within the hour and when it is overdue, once each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dangol.messaging.models import StaffNotice
from dangol.promises.models import Promise
from dangol.promises.services import promise_make, promises_break_overdue, promises_notify_due
from dangol.promises.tasks import notify_promises_due


def promise(shop: dict[str, Any], minutes: int, text: str) -> Promise:
    return promise_make(
        customer=shop["hong"],
        owner=shop["agent"],
        text=text,
        due_at=timezone.now() + dt.timedelta(minutes=minutes),
        by=shop["agent"],
    )


def test_a_promise_due_within_the_hour_is_announced_to_its_owner_once(shop) -> None:
    soon = promise(shop, 40, "환불 결과 전화 드리기")
    promise(shop, 180, "교환 상품 발송")  # not yet
    now = timezone.now()
    assert promises_notify_due(now=now) == 1
    assert promises_notify_due(now=now + dt.timedelta(minutes=10)) == 1  # the next run: still one notice
    [notice] = StaffNotice.objects.filter(user=shop["agent"])
    assert notice.kind == "promise_due" and "환불 결과 전화 드리기" in notice.text
    assert notice.ref == f"promise:{soon.pk}:due" and notice.link == f"/customers/{shop['hong'].pk}/"
    notify_promises_due.call()  # the scheduled job is the same call
    assert StaffNotice.objects.filter(user=shop["agent"]).count() == 1


def test_an_overdue_promise_is_announced_when_it_breaks_and_only_then(shop) -> None:
    late = promise(shop, 30, "배송 일정 안내")
    later = timezone.now() + dt.timedelta(hours=1)
    assert promises_break_overdue(now=later) == 1
    assert promises_break_overdue(now=later) == 0
    [notice] = StaffNotice.objects.filter(user=shop["agent"], kind="promise_overdue")
    assert "배송 일정 안내" in notice.text and notice.ref == f"promise:{late.pk}:overdue"
    late.refresh_from_db()
    assert late.status == Promise.Status.BROKEN
