from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.expressions import ExpressionWrapper
from django.utils.translation import gettext as _

from dangol.analytics.segments import ladder_definitions
from dangol.customers.history import TimelineEntry, presence_sql
from dangol.customers.models import Customer
from dangol.loyalty.models import (
    ENGINE_TIERS,
    P_ALIVE_MIN_PURCHASES,
    RFM_SEGMENTS_KO,
    STAGE_ORDER,
    CustomerValue,
    LadderStage,
    ValueRun,
    ValueTier,
)

HIGH_TIERS = (ValueTier.SUPER, ValueTier.SUPERIOR)


@dataclass
class ValuePage:
    run: ValueRun | None
    tiers: list[tuple[str, str, int, int]]  # value, label, customers, clv
    stages: list[tuple[str, str, int]]
    segments: list[tuple[str, str, int]]
    clv_histogram: list[tuple[str, int]]
    moved_up: int
    moved_down: int
    movements: list[tuple[str, str, int]]
    top20_share_past: float | None
    top20_share_clv: float | None
    report: dict[str, Any]


def value_page() -> ValuePage:
    run = ValueRun.objects.filter(status=ValueRun.Status.DONE).first()
    tier_rows: dict[str, tuple[int, int]] = {
        tier: (n, int(clv or 0))
        for tier, n, clv in CustomerValue.objects.values_list("value_tier")
        .annotate(n=Count("customer_id"), clv=Sum("clv"))
        .order_by()
        .values_list("value_tier", "n", "clv")
    }
    tiers = [(v, str(label), *tier_rows.get(v, (0, 0))) for v, label in ValueTier.choices]
    stage_counts = dict(
        CustomerValue.objects.values_list("stage").annotate(n=Count("customer_id")).order_by()
    )
    stages = [(v, str(label), stage_counts.get(v, 0)) for v, label in LadderStage.choices]
    segments = sorted(
        (
            (s, RFM_SEGMENTS_KO.get(s, s), n)
            for s, n in CustomerValue.objects.exclude(rfm_segment="")
            .values_list("rfm_segment")
            .annotate(n=Count("customer_id"))
            .order_by()
        ),
        key=lambda t: -t[2],
    )
    bounds = [0, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000]
    histogram = []
    for lo, hi in zip(bounds, [*bounds[1:], None], strict=True):
        qs = CustomerValue.objects.filter(clv__gte=lo, frequency__gt=0)
        if hi is not None:
            qs = qs.filter(clv__lt=hi)
        label = f"₩{lo // 10_000:,}만+" if hi is None else f"₩{lo // 10_000:,}–{hi // 10_000:,}만"
        histogram.append((label, qs.count()))
    moved = CustomerValue.objects.exclude(previous_stage="").exclude(previous_stage=F("stage"))
    up = down = 0
    movement_counts: dict[tuple[str, str], int] = {}
    for prev, cur, n in (
        moved.values_list("previous_stage", "stage").annotate(n=Count("customer_id")).order_by()
    ):
        if prev in STAGE_ORDER and cur in STAGE_ORDER:
            if STAGE_ORDER.index(cur) > STAGE_ORDER.index(prev):
                up += n
            else:
                down += n
        movement_counts[(prev, cur)] = n
    labels = dict(LadderStage.choices)
    movements = sorted(
        (
            (
                f"{labels.get(p, p)} → {labels.get(c, c)}",
                "up" if STAGE_ORDER.index(c) > STAGE_ORDER.index(p) else "down",
                n,
            )
            for (p, c), n in movement_counts.items()
            if p in STAGE_ORDER and c in STAGE_ORDER
        ),
        key=lambda t: -t[2],
    )
    report = run.report if run else {}
    pareto = report.get("pareto") or {}
    return ValuePage(
        run=run,
        tiers=tiers,
        stages=stages,
        segments=segments,
        clv_histogram=histogram,
        moved_up=up,
        moved_down=down,
        movements=movements[:12],
        top20_share_past=_float(pareto.get("top20_revenue_share")),
        top20_share_clv=_float(pareto.get("top20_clv_share") or pareto.get("top20_share_by_clv")),
        report=report,
    )


@dataclass
class StageDefinition:
    stage: str
    label: str
    alternatives: list[str]  # any one of these holds; each is its conditions joined in plain Korean


def ladder_legend(report: dict[str, Any]) -> list[StageDefinition]:
    """The rules that assigned the stages, in the order they were tested (first match wins), as plain Korean.
    They come from the run's report (the engine's LadderRules), so the page prints what was computed; a
    report from before the rules were stored falls back to the engine's defaults."""
    rules = report.get("ladder")
    if not rules:
        rules = ladder_definitions()
    labels = dict(LadderStage.choices)
    return [
        StageDefinition(
            stage=rule["stage"],
            label=str(labels.get(rule["stage"], rule["stage"])),
            alternatives=[
                " · ".join(_condition_text(c) for c in conditions) for conditions in rule["any_of"]
            ],
        )
        for rule in rules
    ]


def _condition_text(condition: dict[str, Any]) -> str:
    feature, op, value = condition["feature"], condition["op"], condition["value"]
    if feature == "purchases":
        if op == "==" and value == 0:
            return _("구매 기록 없음")
        if op == "==" or (op == "<" and value == 2):  # < 2 after "no purchase" was tested: exactly one
            return _("구매 %(n)d회") % {"n": value if op == "==" else 1}
        if op == "<":
            return _("구매 %(n)d회 미만") % {"n": value}
        if op == ">=":
            return _("구매 %(n)d회 이상") % {"n": value}
    if feature == "days_since_last" and op == ">":
        return _("마지막 구매 후 %(days)d일 넘게 구매 없음") % {"days": value}
    if feature == "p_alive" and op == "<":
        return _("활동 확률 %(p)s 미만") % {"p": f"{value:.0%}"}
    if feature == "promoter":
        return _("최근 1년 추천 의향 9–10점(NPS 추천 고객)")
    if feature == "partner_flag":
        return _("동반자로 지정됨")
    if feature == "tier" and op == "in":
        names = [str(ENGINE_TIERS[t].label) if t in ENGINE_TIERS else str(t) for t in value]
        return _("가치 등급 %(tiers)s") % {"tiers": "·".join(names)}
    return f"{feature} {op} {value}"


def latest_retention(report: dict[str, Any]) -> dict[str, Any] | None:
    """The last month-to-month retention figure of the run (complete months only), with its months."""
    rows = (report.get("three_r") or {}).get("retention") or []
    return rows[-1] if rows else None


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def silent_defection(*, threshold: float = 0.5, limit: int = 100) -> list[CustomerValue]:
    """High-tier customers whose probability of still being active fell below the threshold, by value at risk."""
    return list(
        CustomerValue.objects.filter(value_tier__in=HIGH_TIERS, probability_alive__lt=threshold)
        .filter(
            Q(previous_probability_alive__isnull=True)
            | Q(previous_probability_alive__gte=threshold)
            | Q(previous_tier__in=HIGH_TIERS)
        )
        .select_related("customer")
        .order_by("-clv")[:limit]
    )


def customer_value(customer_id: int) -> CustomerValue | None:
    return CustomerValue.objects.filter(customer_id=customer_id).first()


def pareto_curves(report: dict[str, Any]) -> dict[str, list[list[float]]]:
    """The 2:8 concentration curves (share of customers → share of revenue / of predicted CLV)."""
    pareto = report.get("pareto") or {}
    return {"revenue": pareto.get("curve_revenue") or [], "clv": pareto.get("curve_clv") or []}


def rfm_grid(report: dict[str, Any]) -> list[tuple[int, list[tuple[str, int, float]]]]:
    """Rows R5 → R1 of (segment in Korean, customers, shade 0–1) for FM1 → FM5."""
    grid = report.get("rfm_grid") or {}
    counts = grid.get("counts") or []
    top = max((c for row in counts for c in row), default=0) or 1
    return [
        (
            r,
            [
                (RFM_SEGMENTS_KO.get(seg, seg), c, round(0.1 + 0.8 * c / top, 2))
                for c, seg in zip(row, segs, strict=True)
            ],
        )
        for r, row, segs in zip(grid.get("r", []), counts, grid.get("segments", []), strict=True)
    ]


def cohort_rows(report: dict[str, Any], *, last: int = 12) -> dict[str, Any]:
    """The last `last` first-purchase cohorts: month, size, share still buying k months later."""
    cohorts = report.get("cohorts") or {}
    months = cohorts.get("months") or []
    sizes = cohorts.get("sizes") or [None] * len(months)
    matrix = cohorts.get("retention") or []
    rows = list(zip(months, sizes, matrix, strict=False))[-last:]
    width = max((len(m) for _, _, m in rows), default=0)
    return {
        "complete_through": cohorts.get("complete_through"),
        "offsets": list(range(width)),
        "rows": [
            (month, size, [(v, round(min((v or 0) * 1.6, 1), 2)) for v in row]) for month, size, row in rows
        ],
    }


# Best first: a move towards the front of the list is a rise.
_TIER_ORDER = [ValueTier.SUPER, ValueTier.SUPERIOR, ValueTier.REGULAR, ValueTier.CARE]


def value_timeline_presence() -> str:
    """One placeholder (the customer's id): a row `value_timeline_entries` may show. The 360 page probes it."""
    return presence_sql(CustomerValue)


def value_timeline_entries(
    customer: Customer, *, before: dt.datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """The customer's latest value-tier and ladder-stage change, dated by the run that saw it (one primary-key
    query). Loyalty keeps only the previous tier and stage beside the current ones, so the timeline shows the
    most recent movement, not every one."""
    value = CustomerValue.objects.filter(customer=customer).first()
    if value is None or (before and value.computed_at >= before):
        return []
    entries = []
    tier_labels, stage_labels = dict(ValueTier.choices), dict(LadderStage.choices)
    if value.previous_tier and value.value_tier and value.previous_tier != value.value_tier:
        up = _rank(_TIER_ORDER, value.value_tier) < _rank(_TIER_ORDER, value.previous_tier)
        entries.append(
            TimelineEntry(
                kind="value",
                at=value.computed_at,
                title=_("등급 변경 %(old)s → %(new)s")
                % {
                    "old": tier_labels.get(value.previous_tier, value.previous_tier),
                    "new": tier_labels.get(value.value_tier, value.value_tier),
                },
                type=_("고객 가치"),
                status=value.value_tier,
                status_label=_("상승") if up else _("하락"),
                tone="ok" if up else "warn",
            )
        )
    if value.previous_stage and value.stage and value.previous_stage != value.stage:
        up = _rank(STAGE_ORDER, value.stage) > _rank(STAGE_ORDER, value.previous_stage)
        entries.append(
            TimelineEntry(
                kind="value",
                at=value.computed_at,
                title=_("관계 단계 변경 %(old)s → %(new)s")
                % {
                    "old": stage_labels.get(value.previous_stage, value.previous_stage),
                    "new": stage_labels.get(value.stage, value.stage),
                },
                type=_("고객 가치"),
                status=value.stage,
                status_label=_("상승") if up else _("하락"),
                tone="ok" if up else "warn",
            )
        )
    return entries[:limit]


def _rank(order: list[Any], value: str) -> int:
    return order.index(value) if value in order else len(order)


# Customer ids by value (CLV, P(alive), tiers, ladder, RFM, purchase rhythm): the segment conditions of
# dangol.campaigns read loyalty through these querysets, never its tables.


def customer_ids_by_value(
    *,
    tiers: Sequence[str] | None = None,
    stages: Sequence[str] | None = None,
    rfm_segments: Sequence[str] | None = None,
    clv_min: float | None = None,
    clv_max: float | None = None,
    p_alive_min: float | None = None,
    p_alive_max: float | None = None,
) -> QuerySet[Any, Any]:
    """`customer_id` of the customers whose last computed value matches every given bound (None: any).
    A P(alive) bound only matches customers with enough history for P(alive) to mean something
    (P_ALIVE_MIN_PURCHASES distinct purchase days), as on the value page."""
    qs = CustomerValue.objects.all()
    if tiers is not None:
        qs = qs.filter(value_tier__in=list(tiers))
    if stages is not None:
        qs = qs.filter(stage__in=list(stages))
    if rfm_segments is not None:
        qs = qs.filter(rfm_segment__in=list(rfm_segments))
    if clv_min is not None:
        qs = qs.filter(clv__gte=clv_min)
    if clv_max is not None:
        qs = qs.filter(clv__lte=clv_max)
    if p_alive_min is not None or p_alive_max is not None:
        qs = qs.filter(frequency__gte=P_ALIVE_MIN_PURCHASES - 1, probability_alive__isnull=False)
        if p_alive_min is not None:
            qs = qs.filter(probability_alive__gte=p_alive_min)
        if p_alive_max is not None:
            qs = qs.filter(probability_alive__lte=p_alive_max)
    return qs.values("customer_id")


def customer_ids_overdue(*, factor: float = 1.0) -> QuerySet[Any, Any]:
    """Customers whose next purchase is overdue by their own rhythm: with at least one repeat purchase, the time
    since their last purchase (T − recency) exceeds `factor` × their mean inter-purchase time (recency / frequency),
    all as of the value run's end date (the BG/NBD summary loyalty stores; no per-customer forecast date is kept)."""
    gap = ExpressionWrapper((F("age") - F("recency")) * F("frequency"), output_field=FloatField())
    return (
        CustomerValue.objects.filter(frequency__gte=1, recency__gt=0)
        .alias(gap=gap)
        .filter(gap__gt=F("recency") * factor)
        .values("customer_id")
    )


def customer_ids_next_purchase(
    *, on_or_after: dt.date | None = None, on_or_before: dt.date | None = None
) -> QuerySet[Any, Any]:
    """`customer_id` of the customers whose expected next purchase (dangol.loyalty.rhythm, stored by the value run)
    falls within the given days (None: unbounded); customers without one never match."""
    qs = CustomerValue.objects.filter(expected_next_purchase__isnull=False)
    if on_or_after is not None:
        qs = qs.filter(expected_next_purchase__gte=on_or_after)
    if on_or_before is not None:
        qs = qs.filter(expected_next_purchase__lte=on_or_before)
    return qs.values("customer_id")


def value_tiers_of(customer_ids: Sequence[int]) -> dict[int, str]:
    """customer id → value tier ("" when unknown), for stratifying a control group."""
    found: dict[int, str] = {}
    ids = list(customer_ids)
    for start in range(0, len(ids), 900):
        found.update(
            CustomerValue.objects.filter(customer_id__in=ids[start : start + 900]).values_list(
                "customer_id", "value_tier"
            )
        )
    return found
