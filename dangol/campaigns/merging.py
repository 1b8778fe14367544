"""How campaign members follow a customer merge and a forgotten person (registered from CampaignsConfig.ready).

A merged record's campaign memberships move to the survivor, except in a campaign the survivor is also a member
of (one row per customer and campaign: the survivor's own assignment stands, the other row stays behind)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from dangol.campaigns.models import CampaignMember, CrossSellPick
from dangol.customers.forgetting import delete_rule, forget_rule_register, keep_rule
from dangol.customers.merging import MergeRule, merge_rule_register, rows_return, stays_rule
from dangol.customers.models import Customer


def _members_move(*, survivor: Customer, merged: Customer, by: User | None) -> list[Any]:
    shared = CampaignMember.objects.filter(customer=survivor).values("campaign_id")
    ids = list(
        CampaignMember.objects.filter(customer=merged)
        .exclude(campaign_id__in=shared)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    CampaignMember.objects.filter(pk__in=ids).update(customer=survivor)
    return ids


def _members_back(*, survivor: Customer, merged: Customer, by: User | None, moved: list[Any]) -> int:
    return len(rows_return(CampaignMember, field="customer", ids=moved, source=survivor, target=merged))


def register() -> None:
    merge_rule_register(
        MergeRule(CampaignMember, "customer", _("캠페인 대상"), move=_members_move, undo=_members_back)
    )
    forget_rule_register(
        keep_rule(
            CampaignMember,
            reason="arm and stratum only (no personal data); linked to the pseudonymised customer",
        )
    )
    merge_rule_register(
        stays_rule(
            CrossSellPick,
            field="customer",
            reason="derived picks; the merged record is never in a segment, the next refresh picks for the survivor",
        )
    )
    forget_rule_register(delete_rule(CrossSellPick))
