from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.history import TimelineEntry, presence_sql, staff_label
from dangol.customers.models import Customer
from dangol.promises.models import Promise


@dataclass(frozen=True)
class KeptRate:
    key: str
    label: str
    kept: int
    broken: int
    open: int

    @property
    def resolved(self) -> int:
        return self.kept + self.broken

    @property
    def rate(self) -> float | None:
        return self.kept / self.resolved if self.resolved else None


def _rates(group_field: str, label_field: str) -> list[KeptRate]:
    rows = (
        Promise.objects.values(group_field, label_field)
        .annotate(
            kept=Count("id", filter=Q(status=Promise.Status.KEPT)),
            broken=Count("id", filter=Q(status=Promise.Status.BROKEN)),
            open=Count("id", filter=Q(status=Promise.Status.OPEN)),
        )
        .order_by(label_field)
    )
    out = [
        KeptRate(str(r[group_field]), r[label_field] or "—", r["kept"], r["broken"], r["open"]) for r in rows
    ]
    return sorted(out, key=lambda k: (k.rate is None, -(k.rate or 0), k.label))


def kept_rate_by_staff() -> list[KeptRate]:
    return _rates("owner_id", "owner__staff__display_name")


def kept_rate_by_team() -> list[KeptRate]:
    return _rates("team_id", "team__name")


def promise_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `promise_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(Promise)


def promise_timeline_entries(
    customer: Customer, *, before: dt.datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """Promises made to the customer, by when they were made, newest first (one query)."""
    qs = Promise.objects.filter(customer=customer).select_related("owner__staff")
    if before:
        qs = qs.filter(created_at__lt=before)
    tones: dict[str, str] = {
        Promise.Status.KEPT: "ok",
        Promise.Status.BROKEN: "bad",
        Promise.Status.OPEN: "warn",
    }
    return [
        TimelineEntry(
            kind="promise",
            at=p.created_at,
            title=p.text,
            body=_("기한 %(due)s") % {"due": f"{timezone.localtime(p.due_at):%Y-%m-%d %H:%M}"},
            type=_("약속"),
            staff=staff_label(p.owner),
            status=p.status,
            status_label=p.get_status_display(),
            tone=tones.get(p.status, ""),
            ref_id=p.pk,
        )
        for p in qs.order_by("-created_at", "-id")[:limit]
    ]


# Words that make a promise a call back ("내일 오전에 다시 전화드리겠습니다"): promises carry no kind of their own.
CALLBACK_WORDS = ("전화", "연락", "회신", "콜백")


def _local_day_end(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)


def promises_due_today(owner: User, *, now: dt.datetime | None = None, limit: int = 8) -> list[Promise]:
    """The owner's open promises due before the end of today (Seoul), the overdue ones first."""
    moment = now or timezone.now()
    return list(
        Promise.objects.filter(owner=owner, status=Promise.Status.OPEN, due_at__lt=_local_day_end(moment))
        .select_related("customer")
        .order_by("due_at", "id")[:limit]
    )


def callback_promises(owner: User, *, limit: int = 5) -> list[Promise]:
    """The owner's open promises to call or get back to the customer, soonest first."""
    said = Q()
    for word in CALLBACK_WORDS:
        said |= Q(text__contains=word)
    return list(
        Promise.objects.filter(said, owner=owner, status=Promise.Status.OPEN)
        .select_related("customer")
        .order_by("due_at", "id")[:limit]
    )
