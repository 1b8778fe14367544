"""How the program's records follow a customer merge (registered from RewardsConfig.ready).

The ledger (entries, lots, holds) moves to the survivor row by row and both balances are then rebuilt from
their ledgers, so the survivor's balance is the sum of the two and the merged record's is zero; undo moves the
rows back by id and rebuilds again. The survivor keeps the higher membership tier of the two."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangol.customers.merging import MergeRule, fk_rule, merge_rule_register, rows_return
from dangol.customers.models import Customer
from dangol.rewards.models import (
    AdjustmentRequest,
    CouponIssue,
    Membership,
    PointBalance,
    PointEntry,
    PointHold,
    PointLot,
    Referral,
    ReferralCode,
    TierChange,
)
from dangol.rewards.services import points_rebuild


def _balances_rebuild(*, survivor: Customer, merged: Customer, by: User | None) -> list[Any]:
    if not PointBalance.objects.filter(pk__in=[survivor.pk, merged.pk]).exists():
        return []
    points_rebuild(survivor)
    points_rebuild(merged)
    return [merged.pk]


def _balances_rebuild_back(*, survivor: Customer, merged: Customer, by: User | None, moved: list[Any]) -> int:
    points_rebuild(survivor)
    points_rebuild(merged)
    return len(moved)


def _membership_move(*, survivor: Customer, merged: Customer, by: User | None) -> list[Any]:
    theirs = Membership.objects.filter(pk=merged.pk).select_related("tier").first()
    if theirs is None:
        return []
    mine = Membership.objects.filter(pk=survivor.pk).select_related("tier").first()
    if mine is None:  # the customer is the primary key: the row moves by changing its key
        Membership.objects.filter(pk=merged.pk).update(customer=survivor)
        return [{"moved": True}]
    if theirs.tier.rank <= mine.tier.rank:
        return []
    now = timezone.now()
    before = {
        "tier": mine.tier_id,
        "since": mine.since.isoformat(),
        "grace_until": mine.grace_until.isoformat() if mine.grace_until else None,
    }
    Membership.objects.filter(pk=survivor.pk).update(tier=theirs.tier, since=now, grace_until=None)
    TierChange.objects.create(
        customer=survivor,
        kind=TierChange.Kind.MERGE,
        from_tier=mine.tier,
        to_tier=theirs.tier,
        reason=f"고객 병합: 병합된 고객의 더 높은 등급 유지 (고객 {merged.pk})",
        at=now,
        by=by,
    )
    return [{"raised": before, "to": theirs.tier_id}]


def _membership_back(*, survivor: Customer, merged: Customer, by: User | None, moved: list[Any]) -> int:
    returned = 0
    for entry in moved:
        if entry.get("moved") and not Membership.objects.filter(pk=merged.pk).exists():
            returned += Membership.objects.filter(pk=survivor.pk).update(customer=merged)
        elif "raised" in entry:
            before = entry["raised"]
            grace = before["grace_until"]
            returned += Membership.objects.filter(pk=survivor.pk, tier_id=entry["to"]).update(
                tier_id=before["tier"],
                since=dt.datetime.fromisoformat(before["since"]),
                grace_until=dt.date.fromisoformat(grace) if grace else None,
            )
    return returned


def _referee_move(*, survivor: Customer, merged: Customer, by: User | None) -> list[Any]:
    """A person is somebody's referee once: the merged record's referral moves unless the survivor has one."""
    live = ~Q(status=Referral.Status.REJECTED)
    rows = Referral.objects.filter(referee=merged)
    if Referral.objects.filter(live, referee=survivor).exists():
        rows = rows.exclude(live)
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    Referral.objects.filter(pk__in=ids).update(referee=survivor)
    return ids


def _referee_back(*, survivor: Customer, merged: Customer, by: User | None, moved: list[Any]) -> int:
    return len(rows_return(Referral, field="referee", ids=moved, source=survivor, target=merged))


def register() -> None:
    merge_rule_register(fk_rule(PointEntry, label=_("포인트 내역")))
    merge_rule_register(fk_rule(PointLot, label=_("적립 포인트 묶음")))
    merge_rule_register(fk_rule(PointHold, label=_("포인트 사용")))
    # After the ledger rows: both balances are recomputed from the rows each now has.
    merge_rule_register(
        MergeRule(
            PointBalance, "customer", _("포인트 잔액"), move=_balances_rebuild, undo=_balances_rebuild_back
        )
    )
    merge_rule_register(fk_rule(AdjustmentRequest, label=_("포인트 조정 요청")))
    merge_rule_register(
        MergeRule(Membership, "customer", _("멤버십"), move=_membership_move, undo=_membership_back)
    )
    merge_rule_register(fk_rule(TierChange, label=_("등급 변경 이력")))
    merge_rule_register(fk_rule(ReferralCode, label=_("추천 코드")))
    merge_rule_register(fk_rule(Referral, field="referrer", label=_("추천한 고객")))
    merge_rule_register(
        MergeRule(Referral, "referee", _("추천받은 기록"), move=_referee_move, undo=_referee_back)
    )
    merge_rule_register(fk_rule(CouponIssue, label=_("쿠폰")))
