"""The services the self-service portal calls for the customer: a message on the case, a reopen in the window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangol.messaging.models import StaffNotice
from dangol.voc import services
from dangol.voc.models import Case

pytestmark = pytest.mark.django_db


def _case(shop):  # type: ignore[no-untyped-def]
    case = services.case_open(customer=shop["hong"], kind="inquiry", title="교환 문의", body="사이즈 교환")
    return services.case_assign(case=case, assignee=shop["agent"], by=shop["manager"])


def test_a_customer_message_restarts_a_waiting_case_and_tells_the_owner(shop):
    case = services.case_pause(case=_case(shop), by=shop["agent"])
    event = services.case_customer_message(
        case=case, text="010-1234-5678로 연락 주세요", photos=2, photo_links=["/x/1/", "/x/2/"]
    )
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.paused_at is None
    assert "010-1234-5678" not in event.message and "[사진 2장]" in event.message  # masked, photos counted
    assert event.data["photo_links"] == ["/x/1/", "/x/2/"]
    assert StaffNotice.objects.filter(user=shop["agent"], kind="customer_replied").count() == 1


def test_a_customer_message_needs_words_or_photos_and_an_unclosed_case(shop):
    case = _case(shop)
    with pytest.raises(ValidationError, match="내용을 입력하거나"):
        services.case_customer_message(case=case, text="  ")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="종결된 건입니다"):
        services.case_customer_message(case=case, text="더 할 말")


def test_the_customer_reopens_within_the_window_only(shop):
    case = services.case_resolve(case=_case(shop), by=shop["agent"], resolution_type="info")
    with pytest.raises(ValidationError):
        services.case_customer_reopen(case=case, reason="")
    reopened = services.case_customer_reopen(case=case, reason="아직 교환이 안 됐어요")
    assert reopened.status == Case.Status.OPEN and reopened.reopened_count == 1
    assert reopened.resolution_due is not None and reopened.resolution_due > timezone.now()
    with pytest.raises(ValidationError, match="해결되었거나 종결된 건만"):
        services.case_customer_reopen(case=reopened, reason="또")
    late = services.case_resolve(case=reopened, by=shop["agent"], resolution_type="info")
    later = timezone.now() + dt.timedelta(days=services.CUSTOMER_REOPEN_DAYS, minutes=1)
    with pytest.raises(ValidationError, match="다시 열 수 없습니다"):
        services.case_customer_reopen(case=late, reason="한참 뒤에", now=later)


def test_a_stale_copy_of_the_case_cannot_reopen_it_twice(shop):
    case = services.case_resolve(case=_case(shop), by=shop["agent"], resolution_type="info")
    stale = Case.objects.get(pk=case.pk)
    services.case_customer_reopen(case=case, reason="첫 번째")
    services.case_resolve(case=Case.objects.get(pk=case.pk), by=shop["agent"], resolution_type="info")
    with pytest.raises(services.CaseConflict):
        services.case_customer_reopen(case=stale, reason="오래된 화면에서")
