import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangol.interactions.models import AppendOnlyError
from dangol.interactions.services import interaction_log
from dangol.orders.models import Order
from dangol.orders.services import order_refund
from dangol.web.customers.timeline import customer_summary


def test_refunds_add_up_to_the_total_and_never_past_it(shop):
    order = Order.objects.create(
        external_id="R-1", customer=shop["hong"], ordered_at=timezone.now(), total_amount=30000
    )
    order_refund(order=order, amount=10000, reason="부분 불량", by=shop["manager"])
    assert order.status == "partially_refunded" and order.refunded_amount == 10000
    assert customer_summary(shop["hong"]).lifetime_spend == 20000
    with pytest.raises(ValidationError):
        order_refund(order=order, amount=25000, reason="초과", by=shop["manager"])
    order_refund(order=order, amount=20000, reason="전체 반품", by=shop["manager"])
    order.refresh_from_db()
    assert order.status == "refunded" and order.refunds.count() == 2
    assert customer_summary(shop["hong"]).lifetime_spend == 0


def test_interactions_are_append_only(shop):
    i = interaction_log(customer=shop["hong"], touchpoint=shop["call"], type="call", summary="해피콜")
    i.summary = "고침"
    with pytest.raises(AppendOnlyError):
        i.save()
    with pytest.raises(AppendOnlyError):
        i.delete()


def test_dates_and_won_amounts_use_the_house_style(as_agent, shop):
    import datetime as dt
    from zoneinfo import ZoneInfo

    at = dt.datetime(2026, 11, 22, 5, 5, tzinfo=dt.UTC)  # 14:05 in Seoul
    Order.objects.create(external_id="W-1", customer=shop["hong"], ordered_at=at, total_amount=1234567)
    body = as_agent.get(f"/customers/{shop['hong'].pk}/").content.decode()
    assert "2026-11-22 14:05" in body and "₩1,234,567" in body
    assert at.astimezone(ZoneInfo("Asia/Seoul")).hour == 14
