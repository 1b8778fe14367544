"""Recurrence detection (000 §2 prevention): the same category, for the same product or store, rising
above its usual weekly level raises a prevention action with an owner and a due date.

Rule: this week's count c against the previous 8 weeks' counts (mean m, standard deviation s):
c ≥ 3 and c > m + 2·max(s, 1). Idempotent per (category, product/store, week)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from dangol.voc.models import Case, CaseEvent, Category, PreventionAction

BASELINE_WEEKS = 8
MIN_COUNT = 3


def _week_start(moment: dt.datetime) -> dt.date:
    local = timezone.localtime(moment).date()
    return local - dt.timedelta(days=local.weekday())


def detect_recurrence(*, now: dt.datetime | None = None) -> list[PreventionAction]:
    moment = now or timezone.now()
    this_week = _week_start(moment)
    since = timezone.make_aware(
        dt.datetime.combine(this_week - dt.timedelta(weeks=BASELINE_WEEKS), dt.time.min)
    )
    counts: dict[tuple[int, str, int], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    rows = Case.objects.filter(
        created_at__gte=since, created_at__lte=moment, category__isnull=False, kind=Case.Kind.COMPLAINT
    ).values_list("category_id", "product_id", "touchpoint_id", "created_at")
    for category_id, product_id, touchpoint_id, created in rows:
        week = _week_start(created)
        if product_id:
            counts[(category_id, "product", product_id)][week] += 1
        if touchpoint_id:
            counts[(category_id, "touchpoint", touchpoint_id)][week] += 1
    created_actions: list[PreventionAction] = []
    for (category_id, dimension, target_id), weeks in counts.items():
        current = weeks.get(this_week, 0)
        history = [weeks.get(this_week - dt.timedelta(weeks=k), 0) for k in range(1, BASELINE_WEEKS + 1)]
        mean = statistics.fmean(history)
        spread = statistics.pstdev(history)
        if current < MIN_COUNT or current <= mean + 2 * max(spread, 1.0):
            continue
        action = _raise_action(category_id, dimension, target_id, this_week, current, mean)
        if action:
            created_actions.append(action)
    return created_actions


def _raise_action(
    category_id: int, dimension: str, target_id: int, week: dt.date, count: int, mean: float
) -> PreventionAction | None:
    key = f"{category_id}:{dimension}:{target_id}:{week.isoformat()}"
    category = Category.objects.select_related("owner_team__lead").get(pk=category_id)
    target = {"product_id": target_id} if dimension == "product" else {"touchpoint_id": target_id}
    team = category.owner()
    try:
        with transaction.atomic():
            action = PreventionAction.objects.create(
                key=key,
                category=category,
                week_start=week,
                count=count,
                baseline=round(mean, 2),
                title=f"[재발 방지] {category} 불만이 평소(주 {mean:.1f}건)보다 많습니다: 이번 주 {count}건",
                owner_team=team,
                owner=team.lead if team else None,
                due_at=timezone.now() + dt.timedelta(days=7),
                **target,
            )
    except IntegrityError:
        return None  # already raised this week
    for case in Case.objects.filter(category=category, created_at__date__gte=week, **target)[:50]:
        CaseEvent.objects.create(
            case=case,
            at=timezone.now(),
            kind="recurrence",
            message=f"재발 감지 → 예방 조치 #{action.pk}",
            data={"action": action.pk},
        )
    return action
