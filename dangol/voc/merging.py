"""How VOC records follow a customer merge (registered from VocConfig.ready)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangol.customers.merging import MergeRule, merge_rule_register, rows_move, rows_return
from dangol.customers.models import Customer
from dangol.voc.flags import flags_follow_merge, flags_return_after_unmerge
from dangol.voc.models import Case, CaseEvent, CustomerFlag


def _timeline(case_ids: list[int], *, by: User | None, kind: str, message: str) -> None:
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_id=pk, at=now, by=by, kind=kind, message=message) for pk in case_ids], batch_size=500
    )


def cases_follow_merge(*, survivor: Customer, merged: Customer, by: User | None) -> list[int]:
    # The version moves too, so an edit form opened before the merge cannot put the old customer back.
    moved = rows_move(Case, field="customer", source=merged, target=survivor, version=F("version") + 1)
    _timeline(moved, by=by, kind="customer_merged", message=f"고객 병합: #{merged.pk} → #{survivor.pk}")
    return moved


def cases_return_after_unmerge(
    *, survivor: Customer, merged: Customer, by: User | None, moved: list[int]
) -> int:
    back = rows_return(
        Case, field="customer", ids=moved, source=survivor, target=merged, version=F("version") + 1
    )
    _timeline(back, by=by, kind="customer_unmerged", message=f"고객 병합 취소: #{survivor.pk} → #{merged.pk}")
    return len(back)


def register() -> None:
    merge_rule_register(
        MergeRule(Case, "customer", _("VOC 건"), move=cases_follow_merge, undo=cases_return_after_unmerge)
    )
    merge_rule_register(
        MergeRule(
            CustomerFlag,
            "customer",
            _("불량고객 기록"),
            move=flags_follow_merge,
            undo=flags_return_after_unmerge,
        )
    )
