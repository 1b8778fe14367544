from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

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
