"""Reads for dangol.campaigns: customers by membership tier, and what a campaign's offers cost."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from dangol.rewards.models import CouponIssue, Membership, PointEntry, Program, Tier


def tier_choices() -> list[tuple[str, str]]:
    return list(Tier.objects.order_by("rank").values_list("code", "name"))


def customer_ids_in_tiers(codes: Sequence[str]) -> QuerySet[Any, Any]:
    """`customer_id` of the members of these tiers (by code)."""
    return Membership.objects.filter(tier__code__in=list(codes)).values("customer_id")


def offer_costs(*, ref_prefix: str) -> dict[str, int]:
    """What the coupons and points issued under `ref_prefix` ("campaign:7:") cost: coupons issued and redeemed,
    the discount given on redeemed ones (won), points credited and their value (won, at today's point value)."""
    coupons = CouponIssue.objects.filter(source_ref__startswith=ref_prefix).aggregate(
        issued=Count("pk"),
        redeemed=Count("pk", filter=Q(status=CouponIssue.Status.REDEEMED)),
        discount=Sum("discount_won", filter=Q(status=CouponIssue.Status.REDEEMED)),
    )
    points = PointEntry.objects.filter(dedupe_key__startswith=ref_prefix).aggregate(
        n=Count("pk"), points=Sum("available_delta"), pending=Sum("pending_delta")
    )
    credited = int(points["points"] or 0) + int(points["pending"] or 0)
    value = Program.current().point_value_won
    return {
        "coupons_issued": int(coupons["issued"] or 0),
        "coupons_redeemed": int(coupons["redeemed"] or 0),
        "coupon_discount_won": int(coupons["discount"] or 0),
        "points_customers": int(points["n"] or 0),
        "points": credited,
        "points_won": int(Decimal(credited) * Decimal(value)),
    }
