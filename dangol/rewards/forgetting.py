"""How the loyalty program's records forget a person (registered from RewardsConfig.ready;
dangol.customers.forgetting).

The ledger is append-only and the points are money-like records (kept like payment records): entries, lots,
holds, coupons, tiers and referrals stay linked to the pseudonymised customer with their numbers; the free-text
reasons staff wrote are removed."""

from __future__ import annotations

from dangol.customers.forgetting import FORGOTTEN_TEXT, blank_rule, forget_rule_register, keep_rule
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

_NUMBERS = "amounts, dates and status only; linked to the pseudonymised customer"


def register() -> None:
    forget_rule_register(blank_rule(PointEntry, values={"reason": ""}))
    forget_rule_register(
        blank_rule(AdjustmentRequest, values={"reason": FORGOTTEN_TEXT, "decision_note": ""})
    )
    forget_rule_register(blank_rule(TierChange, values={"reason": ""}))
    forget_rule_register(blank_rule(Referral, field="referrer", values={"reject_reason": ""}))
    forget_rule_register(blank_rule(Referral, field="referee", values={"reject_reason": ""}))
    for model in (PointBalance, PointLot, PointHold, Membership, CouponIssue):
        forget_rule_register(keep_rule(model, reason=_NUMBERS))
    forget_rule_register(keep_rule(ReferralCode, reason="a random code; nothing identifying"))
