"""Jobs for the worker (registered in dangol.web.schedule.SCHEDULE); each only calls a service and is safe to
run twice or in two workers at once (every ledger write is keyed, every state change conditional)."""

from __future__ import annotations

from django_tasks import task

from dangol.rewards.coupons import coupons_issue_birthday
from dangol.rewards.earning import points_sync_orders
from dangol.rewards.notify import points_notify_expiring
from dangol.rewards.services import points_confirm_due, points_expire_due, points_release_lapsed
from dangol.rewards.tiers import tiers_evaluate_monthly


@task()
def sync_order_points() -> dict[str, int]:
    """Earn for new orders and act on refunds (imports and the bulk API write orders without calling us)."""
    return points_sync_orders()


@task()
def confirm_pending_points() -> int:
    return points_confirm_due()


@task()
def release_lapsed_holds() -> int:
    return points_release_lapsed()


@task()
def expire_points() -> dict[str, int]:
    return {"expired": points_expire_due(), "notified": points_notify_expiring()}


@task()
def evaluate_tiers() -> dict[str, int] | None:
    return tiers_evaluate_monthly()


@task()
def issue_birthday_coupons() -> int:
    return coupons_issue_birthday()
