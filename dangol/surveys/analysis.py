"""Analysis for the survey pages: trends with intervals, groups, gaps, drivers, importance–performance,
satisfaction → loyalty, Kano over waves, employee pulse. Aggregates feed `stats`; results live in the shared
cache for five minutes.

Trends, groups, gaps and Kano read the score roll-ups (`rollups`: a few rows per survey and day instead of
millions of answers — trends and groups the ScoreDay sums; exact, with the not-yet-counted answers read live),
so any filter is quick even cold.
Drivers read the driver moments (`rollups.moments`: Σ x·y per pair of items per survey and day) and loyalty the
loyalty roll-up (`repurchase`), exact in the same way. The `*_scan` functions are the computations from the
responses and answers, per response, as before the roll-ups (tests, bench)."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.core.cache import cache
from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dangol.accounts.models import Team
from dangol.interactions.models import Touchpoint
from dangol.surveys import kano, repurchase, rollups, stats
from dangol.surveys.models import Answer, Aspect, Dimension, Question, Response, Survey
from dangol.voc.models import Case

SEOUL = ZoneInfo("Asia/Seoul")
CACHE_SECONDS = 300
PULSE_MIN_N = 5  # employee results per team are shown only from five answers (anonymity)
GROUPS = {
    "touchpoint": ("touchpoint_id", "touchpoint__name"),
    "team": ("team_id", "team__name"),
    "staff": ("staff_id", "staff__staff__display_name"),
    "survey": ("survey_id", "survey__title"),
}


SNAPSHOT_SECONDS = (
    3 * CACHE_SECONDS
)  # outlives the refresh period, so a page never finds the default view cold
_refreshing = contextvars.ContextVar("surveys_analysis_refreshing", default=False)


def _cached(key: str, compute: Any) -> Any:
    full = f"surveys:analysis:{key}"
    if _refreshing.get():
        value = compute()
        cache.set(full, value, SNAPSHOT_SECONDS)
        return value
    return cache.get_or_set(full, compute, CACHE_SECONDS)


def refresh_snapshots() -> int:
    """Recompute what the analysis, Kano and pulse pages show by default (run by the worker). Returns the
    number of figures refreshed."""
    token = _refreshing.set(True)
    try:
        customer = list(
            Survey.objects.filter(kind=Survey.Kind.CUSTOMER).order_by("title").values_list("pk", flat=True)
        )
        trend(survey_id=None, months=12)
        for group in GROUPS:
            by_group(group=group, survey_id=None, months=12)
        gaps(survey_id=None)
        # every figure comes from the roll-ups now (a page view computes any filter cold in well under 2 s);
        # keeping the default ones warm still spares the first viewer that
        for pk in customer:
            drivers(survey_id=pk)
            loyalty(survey_id=pk)
        loyalty(survey_id=None)
        response_rates()
        studies = list(Survey.objects.filter(kind=Survey.Kind.KANO).values_list("pk", flat=True))
        for pk in studies:
            kano_study(survey_id=pk)
        pulse_by_team()
        return 5 + len(GROUPS) + len(studies) + 2 * len(customer)
    finally:
        _refreshing.reset(token)


def _base(survey_id: int | None, since: dt.datetime) -> Any:
    qs = Response.objects.filter(answered_at__gte=since, survey__kind=Survey.Kind.CUSTOMER)
    return qs.filter(survey_id=survey_id) if survey_id else qs


SCORE_AGGREGATES = {
    "nps_n": Count("nps"),
    "promoters": Count("id", filter=Q(nps__gte=9)),
    "detractors": Count("id", filter=Q(nps__lte=6)),
    "csat_n": Count("csat"),
    "csat_sum": Sum("csat"),
    "csat_sq": Sum(F("csat") * F("csat")),
    "satisfied": Count("id", filter=Q(csat__gte=4)),
}


def _score_row(histogram: rollups.Histogram) -> dict[str, Any]:
    """The SCORE_AGGREGATES of a headline histogram (metric → score → answers)."""
    nps, csat = histogram.get("nps", Counter()), histogram.get("csat", Counter())
    return {
        "nps_n": sum(nps.values()),
        "promoters": sum(n for v, n in nps.items() if v >= 9),
        "detractors": sum(n for v, n in nps.items() if v <= 6),
        "csat_n": sum(csat.values()),
        "csat_sum": sum(v * n for v, n in csat.items()),
        "csat_sq": sum(v * v * n for v, n in csat.items()),
        "satisfied": sum(n for v, n in csat.items() if v >= 4),
    }


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    nps_n, csat_n = row["nps_n"] or 0, row["csat_n"] or 0
    n_result = stats.nps(row["promoters"], nps_n - row["promoters"] - row["detractors"], row["detractors"])
    mean, low, high = stats.mean_interval(float(row["csat_sum"] or 0), float(row["csat_sq"] or 0), csat_n)
    sat_low, sat_high = stats.wilson(row["satisfied"], csat_n)
    return {
        "nps_n": nps_n,
        "nps": n_result.score if nps_n else None,
        "nps_low": n_result.low,
        "nps_high": n_result.high,
        "csat_n": csat_n,
        "csat_mean": round(mean, 2) if csat_n else None,
        "csat_low": round(low, 2),
        "csat_high": round(high, 2),
        "satisfied": row["satisfied"] / csat_n if csat_n else None,
        "satisfied_low": sat_low,
        "satisfied_high": sat_high,
        "few": max(nps_n, csat_n) < stats.MIN_TRUSTED_N,
    }


def _add_sums(total: dict[str, int], sums: dict[str, int]) -> None:
    for name in SCORE_AGGREGATES:
        total[name] = total.get(name, 0) + sums[name]


def trend(*, survey_id: int | None = None, months: int = 12) -> list[dict[str, Any]]:
    """NPS and CSAT per month (Seoul), with 95% intervals, from the roll-ups (`rollups.score_sums`)."""

    def compute() -> list[dict[str, Any]]:
        since = timezone.now() - dt.timedelta(days=31 * months)
        per_month: dict[str, dict[str, int]] = defaultdict(dict)
        for day, sums in rollups.score_sums(survey_id=survey_id, since=since, by="day").items():
            _add_sums(per_month[day.strftime("%Y-%m")], sums)
        return [{"month": m, **_figures(per_month[m])} for m in sorted(per_month)]

    return list(_cached(f"trend:{survey_id}:{months}", compute))


def trend_scan(*, survey_id: int | None = None, months: int = 12) -> list[dict[str, Any]]:
    """`trend` computed from the responses (the computation before the roll-ups; `--check`, tests, bench)."""
    since = timezone.now() - dt.timedelta(days=31 * months)
    rows = (
        _base(survey_id, since)
        .annotate(month=TruncMonth("answered_at", tzinfo=SEOUL))
        .values("month")
        .annotate(**SCORE_AGGREGATES)
        .order_by("month")
    )
    return [{"month": r["month"].strftime("%Y-%m"), **_figures(r)} for r in rows]


def _group_names(group: str, ids: list[int]) -> dict[int, str | None]:
    from django.contrib.auth.models import User

    if group == "touchpoint":
        return dict(Touchpoint.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group == "team":
        return dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group == "staff":
        return dict(User.objects.filter(pk__in=ids).values_list("pk", "staff__display_name"))
    return dict(Survey.objects.filter(pk__in=ids).values_list("pk", "title"))


def by_group(*, group: str, survey_id: int | None = None, months: int = 12) -> list[dict[str, Any]]:
    """NPS and CSAT per touchpoint, team, staff member or survey, with the 'too few answers' note (roll-ups)."""
    group = group if group in GROUPS else "touchpoint"

    def compute() -> list[dict[str, Any]]:
        since = timezone.now() - dt.timedelta(days=31 * months)
        found = rollups.score_sums(survey_id=survey_id, since=since, by=group)
        names = _group_names(group, [k for k in found if k is not None])
        merged: dict[int | None, dict[str, int]] = defaultdict(dict)
        for key, sums in found.items():
            key = key if key in names else None  # a staff account deleted since: its answers lost their staff
            _add_sums(merged[key], sums)
        out = [
            {"id": key, "name": names.get(key) or "–", **_figures(total)}  # type: ignore[arg-type]
            for key, total in merged.items()
        ]
        out.sort(key=lambda r: (r["name"], r["id"] or 0))
        out.sort(key=lambda r: (r["few"], -(r["csat_mean"] or 0)))
        return out

    return list(_cached(f"group:{group}:{survey_id}:{months}", compute))


def by_group_scan(*, group: str, survey_id: int | None = None, months: int = 12) -> list[dict[str, Any]]:
    """`by_group` computed from the responses (the computation before the roll-ups)."""
    key, label = GROUPS.get(group, GROUPS["touchpoint"])
    since = timezone.now() - dt.timedelta(days=31 * months)
    rows = _base(survey_id, since).values(key, label).annotate(**SCORE_AGGREGATES).order_by(label)
    out = [{"id": r[key], "name": r[label] or "–", **_figures(r)} for r in rows]
    out.sort(key=lambda r: (r["few"], -(r["csat_mean"] or 0)))
    return out


def _gap_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    labels = dict(Dimension.choices)
    out = [
        {
            "item": r["question__text"],
            "dimension": str(labels.get(r["question__dimension"], "")),
            "aspect": r["question__aspect"],
            "n": r["n"],
            "expectation": round(r["expectation"], 2),
            "perception": round(r["perception"], 2),
            "gap": round(r["perception"] - r["expectation"], 2),
            "few": r["n"] < stats.MIN_TRUSTED_N,
        }
        for r in rows
    ]
    out.sort(key=lambda r: r["gap"])
    return out


def gaps(*, survey_id: int | None = None) -> list[dict[str, Any]]:
    """Expectation vs perception per item (SERVQUAL gap = perception − expectation), from the roll-ups."""

    def compute() -> list[dict[str, Any]]:
        sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # answers, Σ expectation, Σ perception
        for (question, perception, expectation), n in rollups.answer_counts(
            metric="gap", survey_id=survey_id
        ).items():
            if perception < 0 or expectation < 0:
                continue
            total = sums[question]
            total[0] += n
            total[1] += expectation * n
            total[2] += perception * n
        questions = Question.objects.filter(pk__in=list(sums), kind=Question.Kind.GAP).order_by(
            "position", "pk"
        )
        rows = [
            {
                "question__text": q.text,
                "question__dimension": q.dimension,
                "question__aspect": q.aspect,
                "n": sums[q.pk][0],
                "expectation": sums[q.pk][1] / sums[q.pk][0],
                "perception": sums[q.pk][2] / sums[q.pk][0],
            }
            for q in questions
            if sums[q.pk][0]
        ]
        return _gap_rows(rows)

    return list(_cached(f"gaps:{survey_id}", compute))


def gaps_scan(*, survey_id: int | None = None) -> list[dict[str, Any]]:
    """`gaps` computed from the answers (the computation before the roll-ups)."""
    qs = Answer.objects.filter(
        question__kind=Question.Kind.GAP, value__isnull=False, expectation__isnull=False
    )
    if survey_id:
        qs = qs.filter(question__survey_id=survey_id)
    rows = (
        qs.values("question_id", "question__text", "question__dimension", "question__aspect")
        .annotate(n=Count("id"), expectation=Avg("expectation"), perception=Avg("value"))
        .order_by("question__position")
    )
    return _gap_rows(
        [{**r, "expectation": float(r["expectation"]), "perception": float(r["perception"])} for r in rows]
    )


@dataclass
class DriverItem:
    code: str
    text: str
    aspect: str
    n: int
    performance: float
    beta: float
    p_value: float
    relative_weight: float
    share: float
    stated_importance: int | None
    quadrant: str = ""
    quadrant_label: str = ""


def _driver_items(survey_id: int) -> list[Question] | dict[str, Any]:
    if not Survey.objects.filter(pk=survey_id).exists():
        return {"error": "설문을 찾을 수 없습니다."}
    items = list(
        Question.objects.filter(
            survey_id=survey_id, kind__in=["csat", "ces", "gap"], aspect__in=[Aspect.PEOPLE, Aspect.PHYSICAL]
        ).order_by("position", "pk")
    )
    if not items:
        return {"error": "사람/물리적 항목으로 구분된 점수 문항이 없어 동인 분석을 할 수 없습니다."}
    return items


def _drivers_result(
    items: list[Question], responses: int, complete: list[list[int]], per_item: list[tuple[int, int]]
) -> dict[str, Any]:
    """The drivers figures from integer sufficient statistics of the raw scores: `complete[i][j]` = Σ v_i·v_j
    over the responses that answered every item, v = (overall CSAT, 1, item_1 … item_k); `per_item[j]` =
    (responses that answered item j, Σ of its scores) over the `responses` with an overall CSAT."""
    if not responses:
        return {"error": "전반 만족도(CSAT) 응답이 없습니다."}
    k = len(items)
    # effort (CES): lower is better; flip (8 − x) so every item reads "higher = better", exactly: v' = A·v
    transform = [[int(i == j) for j in range(k + 2)] for i in range(k + 2)]
    for j, q in enumerate(items):
        if q.kind == "ces":
            transform[j + 2][j + 2], transform[j + 2][1] = -1, 8
    moments = [
        [
            sum(
                transform[i][p] * complete[p][q] * transform[j][q]
                for p in range(k + 2)
                for q in range(k + 2)
                if transform[i][p] and transform[j][q]
            )
            for j in range(k + 2)
        ]
        for i in range(k + 2)
    ]
    result = stats.drivers_from_moments([q.code for q in items], moments)
    if result is None:
        return {
            "error": f"완전한 응답이 {complete[1][1]}건뿐이라 회귀를 계산할 수 없습니다.",
            "n": complete[1][1],
        }
    total = sum(result.relative_weight) or 1.0
    out: list[DriverItem] = []
    for j, q in enumerate(items):
        low, high = Question.RANGES[q.kind]  # type: ignore[index]
        n, score_sum = per_item[j]
        if q.kind == "ces":
            low, high = 1, 7
            score_sum = 8 * n - score_sum
        mean = score_sum / n if n else 0.0
        out.append(
            DriverItem(
                code=q.code,
                text=q.text,
                aspect=q.aspect,
                n=n,
                performance=round(100 * (mean - low) / (high - low), 1),
                beta=result.beta[j],
                p_value=result.p_values[j],
                relative_weight=result.relative_weight[j],
                share=round(result.relative_weight[j] / total, 4),
                stated_importance=q.stated_importance,
            )
        )
    importance_cut = float(np.mean([d.share for d in out]))
    performance_cut = float(np.mean([d.performance for d in out]))
    for d in out:
        d.quadrant = stats.ipa_quadrant(d.share, d.performance, importance_cut, performance_cut)
        d.quadrant_label = stats.QUADRANT_LABELS[d.quadrant]
    by_aspect: dict[str, float] = defaultdict(float)
    for d in out:
        by_aspect[d.aspect] += d.share
    return {
        "n": result.n,
        "r_squared": result.r_squared,
        "warning": result.warning,
        "items": [asdict(d) for d in sorted(out, key=lambda d: -d.share)],
        "people_share": round(by_aspect.get(Aspect.PEOPLE, 0.0), 4),
        "physical_share": round(by_aspect.get(Aspect.PHYSICAL, 0.0), 4),
        "importance_cut": importance_cut,
        "performance_cut": performance_cut,
    }


def drivers(*, survey_id: int, months: int = 12) -> dict[str, Any]:
    """Which items explain overall satisfaction (OLS on standardized scores + Johnson's relative weights), the
    share of people vs physical items, and the importance–performance quadrants, over the responses of the
    last `months` with an overall CSAT. From the driver moments (`rollups.moments`): exact, any period."""

    def compute() -> dict[str, Any]:
        items = _driver_items(survey_id)
        if isinstance(items, dict):
            return items
        since = timezone.now() - dt.timedelta(days=31 * months)
        ids = [q.pk for q in items]
        variables = [rollups.OVERALL, rollups.ONE, *ids]
        found = rollups.moments(survey_id=survey_id, since=since, variables=variables)
        wanted = set(ids)
        complete = [[0] * len(variables) for _ in variables]
        per_item = [[0, 0] for _ in ids]
        responses = 0
        for items_key, sums in found.items():
            responses += sums.get((rollups.ONE, rollups.ONE), 0)
            answered = {int(q) for q in items_key.split(",") if q}
            if wanted <= answered:
                for i, a in enumerate(variables):
                    for j, b in enumerate(variables):
                        complete[i][j] += sums.get((min(a, b), max(a, b)), 0)
            for j, q in enumerate(ids):
                if q in answered:
                    per_item[j][0] += sums.get((rollups.ONE, rollups.ONE), 0)
                    per_item[j][1] += sums.get((rollups.ONE, q), 0)
        return _drivers_result(items, responses, complete, [(n, t) for n, t in per_item])

    return dict(_cached(f"drivers:{survey_id}:{months}", compute))


def drivers_scan(*, survey_id: int, months: int = 12) -> dict[str, Any]:
    """`drivers` computed from the responses and their answers (the per-response computation; tests, bench)."""
    items = _driver_items(survey_id)
    if isinstance(items, dict):
        return items
    since = timezone.now() - dt.timedelta(days=31 * months)
    overall = dict(
        Response.objects.filter(survey_id=survey_id, answered_at__gte=since, csat__isnull=False)
        .order_by()
        .values_list("id", "csat")
    )
    column = {q.pk: j for j, q in enumerate(items)}
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    ids = list(overall)
    for start in range(0, len(ids), 1000):
        for rid, qid, value in Answer.objects.filter(
            response_id__in=ids[start : start + 1000], question_id__in=list(column), value__isnull=False
        ).values_list("response_id", "question_id", "value"):
            scores[rid][column[qid]] = int(value)  # type: ignore[arg-type]
    k = len(items)
    complete = [[0] * (k + 2) for _ in range(k + 2)]
    per_item = [[0, 0] for _ in items]
    for rid, csat in overall.items():
        answered = scores.get(rid, {})
        for j, value in answered.items():
            per_item[j][0] += 1
            per_item[j][1] += value
        if len(answered) == k:
            v = [int(csat), 1, *(answered[j] for j in range(k))]  # type: ignore[arg-type]
            for i in range(k + 2):
                for j in range(k + 2):
                    complete[i][j] += v[i] * v[j]
    return _drivers_result(items, len(overall), complete, [(n, t) for n, t in per_item])


def _loyalty_bands(grouped: Counter[repurchase.Band]) -> dict[str, list[dict[str, Any]]]:
    def bands(position: int, band_of: Any, order: list[str]) -> list[dict[str, Any]]:
        counts: dict[str, list[int]] = {b: [0, 0] for b in order}
        for key, n in grouped.items():
            value, bought = key[position], key[2]
            if value < 0 or not n:
                continue
            band = band_of(value)
            counts[band][0] += n
            counts[band][1] += n if bought else 0
        out = []
        for band in order:
            n, yes = counts[band]
            low, high = stats.wilson(yes, n)
            out.append(
                {
                    "band": band,
                    "n": n,
                    "rate": yes / n if n else None,
                    "low": low,
                    "high": high,
                    "few": n < stats.MIN_TRUSTED_N,
                }
            )
        return out

    return {
        "csat": bands(0, lambda v: f"{v}점", [f"{v}점" for v in range(1, 6)]),
        "nps": bands(
            1,
            lambda v: "비추천(0–6)" if v <= 6 else ("중립(7–8)" if v <= 8 else "추천(9–10)"),
            ["비추천(0–6)", "중립(7–8)", "추천(9–10)"],
        ),
    }


def _loyalty_surveys(survey_id: int | None) -> set[int]:
    surveys = set(Survey.objects.filter(kind=Survey.Kind.CUSTOMER).values_list("pk", flat=True))
    return surveys & {survey_id} if survey_id else surveys


def loyalty(*, survey_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """Repurchase within 90 days after the answer, by CSAT score and NPS group (001: satisfaction → loyalty),
    over the answers of the last two years whose 90 days have passed. From the loyalty roll-up
    (`repurchase.counts`): exact, equal to `loyalty_scan`."""

    def compute() -> dict[str, list[dict[str, Any]]]:
        return _loyalty_bands(repurchase.counts(survey_ids=_loyalty_surveys(survey_id)))

    return dict(_cached(f"loyalty:{survey_id}", compute))


def loyalty_scan(*, survey_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """`loyalty` computed per response (an EXISTS on the customer's orders for each; tests, bench)."""
    now = timezone.now()
    qs = Response.objects.filter(
        customer__isnull=False,
        answered_at__lte=now - dt.timedelta(days=repurchase.WINDOW_DAYS),
        answered_at__gte=now - dt.timedelta(days=repurchase.HISTORY_DAYS),
        survey_id__in=_loyalty_surveys(survey_id),
    )
    return _loyalty_bands(repurchase.bands(repurchase.with_bought(qs)))


def response_rates() -> list[dict[str, Any]]:
    def compute() -> list[dict[str, Any]]:
        rows = (
            Survey.objects.annotate(
                invited=Count("invitations"),
                answered=Count("invitations", filter=Q(invitations__used_at__isnull=False)),
            )
            .filter(invited__gt=0)
            .values("pk", "title", "invited", "answered")
            .order_by("title")
        )
        out = []
        for r in rows:
            low, high = stats.wilson(r["answered"], r["invited"])
            out.append(
                {
                    **r,
                    "rate": r["answered"] / r["invited"],
                    "low": low,
                    "high": high,
                    "few": r["answered"] < stats.MIN_TRUSTED_N,
                }
            )
        return out

    return list(_cached("rates", compute))


def _kano_result(questions: list[Question], records: list[kano.KanoRow]) -> dict[str, Any]:
    order = {q.text: i for i, q in enumerate(questions)}
    records.sort(key=lambda r: (order.get(r.attribute, 0), r.wave))
    result = kano.analyse(records)
    waves = sorted({r.wave for r in records if r.wave})
    return {"attributes": result, "waves": waves}


def kano_study(*, survey_id: int) -> dict[str, Any]:
    """Kano classification of every attribute of a study, overall and per wave, with the drift (roll-ups)."""

    def compute() -> dict[str, Any]:
        questions = list(
            Question.objects.filter(survey_id=survey_id, kind=Question.Kind.KANO).order_by("position")
        )
        text = {q.pk: q.text for q in questions}
        counts = rollups.answer_counts(metric="kano", survey_id=survey_id, questions=list(text), by_wave=True)
        records = []
        for (question, wave, functional, dysfunctional), n in sorted(counts.items()):
            if functional >= 0 and dysfunctional >= 0:
                records.extend([kano.KanoRow(text[question], functional, dysfunctional, wave=wave or "")] * n)
        return _kano_result(questions, records)

    return dict(_cached(f"kano:{survey_id}", compute))


def kano_study_scan(*, survey_id: int) -> dict[str, Any]:
    """`kano_study` computed from the answers (the computation before the roll-ups)."""
    questions = list(
        Question.objects.filter(survey_id=survey_id, kind=Question.Kind.KANO).order_by("position")
    )
    rows = (
        Answer.objects.filter(question__in=questions, functional__isnull=False, dysfunctional__isnull=False)
        .values_list("question__text", "response__wave", "functional", "dysfunctional")
        .annotate(n=Count("id"))
    )
    records = []
    for text, wave, functional, dysfunctional, n in rows:
        records.extend([kano.KanoRow(text, functional, dysfunctional, wave=wave or "")] * n)
    return _kano_result(questions, records)


def pulse_by_team(*, months: int = 12, pulse_days: int = 92) -> list[dict[str, Any]]:
    """Employee pulse per team (the latest round: `pulse_days`) beside the team's customer CSAT and complaint
    recovery over `months` (002: service–profit chain). A team's employee figures stay hidden below five
    answers in the round, so nobody can be singled out."""

    def compute() -> list[dict[str, Any]]:
        since = timezone.now() - dt.timedelta(days=31 * months)
        pulse_since = timezone.now() - dt.timedelta(days=pulse_days)
        pulse = Answer.objects.filter(
            response__survey__kind=Survey.Kind.PULSE,
            response__answered_at__gte=pulse_since,
            value__isnull=False,
            response__team__isnull=False,
        )
        answers_per_team = dict(
            Response.objects.filter(
                survey__kind=Survey.Kind.PULSE, answered_at__gte=pulse_since, team__isnull=False
            )
            .values_list("team_id")
            .annotate(n=Count("id"))
        )
        dims: dict[int, dict[str, float]] = defaultdict(dict)
        for team_id, dimension, mean in pulse.values_list(
            "response__team_id", "question__dimension"
        ).annotate(mean=Avg("value")):
            dims[team_id][dimension or "other"] = round(mean, 2)
        customer = dict(
            Response.objects.filter(
                survey__kind=Survey.Kind.CUSTOMER,
                answered_at__gte=since,
                team__isnull=False,
                csat__isnull=False,
            )
            .values_list("team_id")
            .annotate(mean=Avg("csat"))
        )
        customer_n = dict(
            Response.objects.filter(
                survey__kind=Survey.Kind.CUSTOMER,
                answered_at__gte=since,
                team__isnull=False,
                csat__isnull=False,
            )
            .values_list("team_id")
            .annotate(n=Count("id"))
        )
        recovery = {
            r["team_id"]: r
            for r in Case.objects.filter(created_at__gte=since, team__isnull=False)
            .values("team_id")
            .annotate(
                cases=Count("id"),
                resolved=Count("id", filter=Q(resolved_at__isnull=False)),
                after=Avg("satisfaction_score"),
                stay=Count("id", filter=Q(would_continue=True)),
                asked=Count("id", filter=Q(would_continue__isnull=False)),
            )
        }
        out = []
        for team in Team.objects.order_by("name"):
            n = answers_per_team.get(team.pk, 0)
            rec = recovery.get(team.pk)
            if not n and team.pk not in customer and not rec:
                continue
            shown = n >= PULSE_MIN_N
            out.append(
                {
                    "team": team.name,
                    "team_id": team.pk,
                    "n": n,
                    "shown": shown,
                    "dimensions": dims.get(team.pk, {}) if shown else {},
                    "employee_satisfaction": dims.get(team.pk, {}).get("satisfaction") if shown else None,
                    "customer_csat": round(customer[team.pk], 2) if team.pk in customer else None,
                    "customer_n": customer_n.get(team.pk, 0),
                    "cases": rec["cases"] if rec else 0,
                    "resolved_rate": rec["resolved"] / rec["cases"] if rec and rec["cases"] else None,
                    "recovery_satisfaction": round(rec["after"], 2) if rec and rec["after"] else None,
                    "would_continue": rec["stay"] / rec["asked"] if rec and rec["asked"] else None,
                }
            )
        return out

    return list(_cached(f"pulse:{months}:{pulse_days}", compute))


PULSE_DIMENSIONS = [
    Dimension.TRAINING,
    Dimension.SUPPORT,
    Dimension.AUTONOMY,
    Dimension.REWARD,
    Dimension.SATISFACTION,
]
