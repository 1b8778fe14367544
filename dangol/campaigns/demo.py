"""Two finished campaigns for the demo (`dangol campaigns-demo`, after `dangol demo-data`), so the report page has
content: a win-back with a coupon sent 45 days ago (to consenting lapsed customers) and a cross-sell with points
sent 20 days ago (to recent buyers; consent is left to messaging, so its report shows whom the rules stopped).

Both are launched through the real path (segment → holdout → messaging's rules → offer), dated in the past. The
demo's orders come from a purchase process that knows nothing of campaigns, so the effect a campaign is meant to
have is added on purpose and said so: a share of the treated customers whose message went buys once more within
the window (the win-back's buyers redeem the coupon). The control group gets nothing added, so the report
shows that simulated uplift with its interval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Max
from django.utils import timezone

from dangol.campaigns.conditions import customers_matching
from dangol.campaigns.models import Campaign, CampaignMember, Segment
from dangol.campaigns.services import campaign_create, campaign_run, segment_create
from dangol.messaging.models import Message, MessageTemplate
from dangol.messaging.selectors import statuses_of
from dangol.messaging.services import template_save
from dangol.orders.models import Order, OrderLine
from dangol.orders.selectors import STANDING
from dangol.rewards.models import CouponDefinition, CouponIssue

SEOUL = dt.timezone(dt.timedelta(hours=9))
LAPSING = "문자 동의 · 두 달 넘게 구매 없음(발송일 기준)"


def _template() -> MessageTemplate:
    found = MessageTemplate.objects.filter(code="demo_comeback").first()
    return found or template_save(
        template=None,
        data={
            "code": "demo_comeback",
            "name": "다시 찾아 주세요",
            "channels": ["sms"],
            "kind": "advertising",
            "subject": "",
            "body": "#{고객명}님, 요즘 뜸하셨네요. #{혜택} 드려요. 이번 주에 들러 주세요.",
            "active": True,
        },
        by=None,
    )


def _at_ten(day: dt.datetime) -> dt.datetime:
    """10:00 in Seoul that day: a campaign goes out in the morning, not at night."""
    local = day.astimezone(SEOUL)
    return local.replace(hour=10, minute=0, second=0, microsecond=0)


def _launch(campaign: Campaign, *, by: User | None, at: dt.datetime) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.QUEUED, launched_by=by, launched_at=at
    )
    return campaign_run(campaign.pk, now=at)


def _effect(campaign: Campaign, context: Any, *, share: float, redeem: bool) -> int:
    """A share of the treated whose message went buy within the window (the simulated effect); returns how many."""
    rng, products = context.rng, context.products
    refs = {
        m.customer_id: f"{campaign.ref_prefix}customer:{m.customer_id}"
        for m in CampaignMember.objects.filter(campaign=campaign, arm=CampaignMember.Arm.TREATED)
    }
    statuses = statuses_of(list(refs.values()))
    reached = [cid for cid, ref in refs.items() if statuses.get(ref) not in (None, Message.Status.BLOCKED)]
    buyers = [cid for cid in reached if rng.random() < share]
    start = campaign.sent_at
    assert start is not None
    latest = Order.objects.aggregate(last=Max("ordered_at"))["last"] or timezone.now()
    coupons = {
        c.customer_id: c for c in CouponIssue.objects.filter(source_ref__startswith=campaign.ref_prefix)
    }
    made = 0
    for cid in buyers:
        at = start + dt.timedelta(hours=float(rng.uniform(2, 24 * (campaign.window_days - 1))))
        if at > latest:
            continue
        product = products[int(rng.integers(0, len(products)))]
        quantity = int(rng.integers(1, 4))
        amount = int(product.price) * quantity
        order = Order.objects.create(
            external_id=f"CMP{campaign.pk}-{cid}",
            customer_id=cid,
            touchpoint=context.stores[int(rng.integers(0, len(context.stores)))],
            ordered_at=at,
            total_amount=amount,
        )
        OrderLine.objects.create(
            order=order,
            product=product,
            product_name=product.name,
            quantity=quantity,
            unit_price=product.price,
            amount=amount,
        )
        coupon = coupons.get(cid)
        if redeem and coupon is not None and amount >= coupon.definition.min_spend_won:
            CouponIssue.objects.filter(pk=coupon.pk).update(
                status=CouponIssue.Status.REDEEMED,
                redeemed_at=at,
                redeem_key=f"demo:{coupon.pk}",
                order_ref=order.external_id,
                order_amount=amount,
                discount_won=min(amount, coupon.definition.value),
            )
        made += 1
    return made


def _lapsing_as_of(at: dt.datetime, *, by: User | None) -> Segment:
    """Consenting customers with no purchase in the 60 days before `at`, frozen as they were at `at` (a dynamic
    segment evaluated today would leave out everyone who bought since, the control group's buyers included)."""
    found = Segment.objects.filter(name=LAPSING).first()
    if found is not None:
        return found
    cut = at - dt.timedelta(days=60)
    definition = [
        {"field": "consent", "purpose": "marketing_sms"},
        {"field": "last_purchase", "before": cut.date().isoformat()},
    ]
    consenting = customers_matching(definition[:1]).values("pk")
    ids = list(
        Order.objects.filter(customer_id__in=consenting, ordered_at__lt=at, status__in=STANDING)
        .values("customer_id")
        .annotate(last=Max("ordered_at"))
        .filter(last__lt=cut)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
    )
    return Segment.objects.create(
        name=LAPSING,
        description="되찾기 대상: 마케팅 문자에 동의했고 두 달 넘게 사지 않은 고객 (발송일 기준으로 고정)",
        kind=Segment.Kind.FROZEN,
        definition=definition,
        member_ids=ids,
        frozen_at=at,
        owner=by,
    )


def generate_campaigns(context: Any) -> dict[str, int]:
    end: dt.datetime = context.end
    manager = next(
        (u for u in context.staff if getattr(getattr(u, "staff", None), "role", "") == "manager"), None
    )
    template = _template()
    coupon, _ = CouponDefinition.objects.get_or_create(
        code="comeback-5000",
        defaults={
            "name": "다시 만나요 5,000원 할인",
            "value": 5000,
            "min_spend_won": 20_000,
            "valid_days": 30,
        },
    )
    winback_at = _at_ten(end - dt.timedelta(days=45))
    lapsing = _lapsing_as_of(winback_at, by=manager)
    recent = Segment.objects.filter(name="최근 넉 달 구매 고객").first() or segment_create(
        name="최근 넉 달 구매 고객",
        description="교차 판매 대상: 최근 넉 달 안에 산 고객 (수신 동의는 메시지 규칙이 가립니다)",
        definition=[{"field": "last_purchase", "after": (end - dt.timedelta(days=140)).date().isoformat()}],
        by=manager,
    )
    winback = campaign_create(
        name="가을 되찾기 쿠폰",
        goal=Campaign.Goal.WIN_BACK,
        segment=lapsing,
        template=template,
        offer=Campaign.Offer.COUPON,
        coupon=coupon,
        window_days=30,
        control_share=0.2,
        by=manager,
    )
    winback = _launch(winback, by=manager, at=winback_at)
    cross = campaign_create(
        name="함께 사면 좋은 상품 안내",
        goal=Campaign.Goal.CROSS_SELL,
        segment=recent,
        template=template,
        offer=Campaign.Offer.POINTS,
        points=1000,
        window_days=14,
        control_share=0.1,
        by=manager,
    )
    cross = _launch(cross, by=manager, at=_at_ten(end - dt.timedelta(days=20)))
    extra = _effect(winback, context, share=0.12, redeem=True) + _effect(
        cross, context, share=0.05, redeem=False
    )
    return {"캠페인": 2, "캠페인 대상": CampaignMember.objects.count(), "캠페인 추가 주문(시뮬레이션)": extra}
