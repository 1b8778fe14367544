"""Score roll-ups (issue 18): how many answers had each score, per survey × day (Seoul) × touchpoint × team ×
staff × wave (`ScoreRollup`), so the analysis pages read a few thousand rows instead of millions of answers;
and, counted in the same transaction, the key-driver moments (`DriverMoment`: Σ x_a·x_b of the overall CSAT
and the CSAT / CES / gap scores per survey × day × set of answered items), from which the driver regression
of any item set and period is exact; and the trend and group sums per survey × day × touchpoint × team × staff
(`ScoreDay`: one row per combination instead of one per metric × score, ~20x fewer rows to group). (The
loyalty roll-up, which depends on orders too, is `repurchase`.)

Writing. A response is counted once: `rollup_responses` claims it by setting `Response.rollup_batch` (a
conditional UPDATE: `… WHERE rollup_batch IS NULL`) and adds its counts with `INSERT … ON CONFLICT DO UPDATE
SET n = n + excluded.n`, both in one transaction, so a retried job, two workers or a crash between the two
steps never count a response twice or lose it. Who calls it:
- the worker's follow-up job (`followups.open_followup`) for the detractor it handles;
- the `rollup_answers` job every 15 s for every other answer (web, API, import, demo): batching 1,000 responses
  per transaction is far cheaper than a job per answer, and the answer POST writes nothing more;
- `dangol survey-rollups --rebuild` (everything again, in batches, with a progress bar) and `--check` (the
  table against a recount).

Reading. A figure = roll-ups of the counted responses + the not-yet-counted responses read live (a partial
index holds only those), so it is exact at any moment, not only after the job ran. A period that starts in the
middle of a Seoul day (the pages' "last N months" starts at now − 31·N days) takes that first day live from the
responses, and the roll-ups only from the next day on. `consistent` re-reads if a roll-up transaction
committed between the reads (a version row bumped by every write), so a response is never counted in both.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F, Sum

from dangol.surveys.models import (
    Answer,
    DriverMoment,
    Question,
    Response,
    RollupState,
    ScoreDay,
    ScoreRollup,
    Survey,
)

SEOUL = ZoneInfo("Asia/Seoul")
BATCH = 1000
HEADLINE = ("nps", "csat", "ces")
SCORED = {Question.Kind.CSAT, Question.Kind.NPS, Question.Kind.CES}
KEY_COLUMNS = (
    "survey_id",
    "day",
    "metric",
    "question_key",
    "touchpoint_key",
    "team_key",
    "staff_key",
    "wave",
    "value",
    "second",
)
UPSERT = (  # KEY_COLUMNS, then n
    'INSERT INTO "surveys_scorerollup" ("survey_id", "day", "metric", "question_key", "touchpoint_key", '
    '"team_key", "staff_key", "wave", "value", "second", "n") VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '
    '%s) ON CONFLICT ("survey_id", "day", "metric", "question_key", "touchpoint_key", "team_key", "staff_key", '
    '"wave", "value", "second") DO UPDATE SET "n" = "surveys_scorerollup"."n" + excluded."n"'
)
RESPONSE_FIELDS = (
    "pk",
    "survey_id",
    "answered_at",
    "touchpoint_id",
    "team_id",
    "staff_id",
    "wave",
    "nps",
    "csat",
    "ces",
)
MOMENT_UPSERT = (  # survey, day, items, a, b, total
    'INSERT INTO "surveys_drivermoment" ("survey_id", "day", "items", "a", "b", "total") VALUES (%s, %s, %s, '
    '%s, %s, %s) ON CONFLICT ("survey_id", "day", "items", "a", "b") DO UPDATE SET "total" = '
    '"surveys_drivermoment"."total" + excluded."total"'
)
# ScoreDay: the sums of the trend and group figures per survey × day × touchpoint × team × staff
DAY_KEY_COLUMNS = ("survey_id", "day", "touchpoint_key", "team_key", "staff_key")
DAY_SUMS = ("responses", "nps_n", "promoters", "detractors", "csat_n", "csat_sum", "csat_sq", "satisfied")
DAY_UPSERT = (  # DAY_KEY_COLUMNS, then DAY_SUMS
    'INSERT INTO "surveys_scoreday" ("survey_id", "day", "touchpoint_key", "team_key", "staff_key", "responses", '
    '"nps_n", "promoters", "detractors", "csat_n", "csat_sum", "csat_sq", "satisfied") VALUES (%s, %s, %s, %s, '
    '%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT ("survey_id", "day", "touchpoint_key", "team_key", '
    '"staff_key") DO UPDATE SET '
    '"responses" = "surveys_scoreday"."responses" + excluded."responses", '
    '"nps_n" = "surveys_scoreday"."nps_n" + excluded."nps_n", '
    '"promoters" = "surveys_scoreday"."promoters" + excluded."promoters", '
    '"detractors" = "surveys_scoreday"."detractors" + excluded."detractors", '
    '"csat_n" = "surveys_scoreday"."csat_n" + excluded."csat_n", '
    '"csat_sum" = "surveys_scoreday"."csat_sum" + excluded."csat_sum", '
    '"csat_sq" = "surveys_scoreday"."csat_sq" + excluded."csat_sq", '
    '"satisfied" = "surveys_scoreday"."satisfied" + excluded."satisfied"'
)
# the question kinds whose scores are driver items (`analysis.drivers`; the aspect is read at analysis time)
DRIVER_KINDS = {Question.Kind.CSAT, Question.Kind.CES, Question.Kind.GAP}
OVERALL = -1  # DriverMoment variable: the response's overall CSAT
ONE = 0  # DriverMoment variable: the constant 1
ANSWER_FIELDS = ("response_id", "question_id", "value", "expectation", "functional", "dysfunctional")

# (survey, day, metric, question, touchpoint, team, staff, wave, value, second)
Key = tuple[int, dt.date, str, int, int, int, int, str, int, int]
# (survey, day, items, a, b)
MomentKey = tuple[int, dt.date, str, int, int]
# (survey, day, touchpoint, team, staff)
DayKey = tuple[int, dt.date, int, int, int]
T = TypeVar("T")


def seoul_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SEOUL).date()


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=SEOUL)


def _int(value: int | None) -> int:
    return -1 if value is None else int(value)


def response_keys(row: tuple[Any, ...]) -> Iterator[Key]:
    """The headline keys of one response row (RESPONSE_FIELDS order)."""
    _pk, survey, answered_at, touchpoint, team, staff, wave, *scores = row
    day = seoul_day(answered_at)
    base = (survey, day)
    dims = (0, touchpoint or 0, team or 0, staff or 0, wave or "")
    yield (*base, "resp", *dims, 0, -1)
    for metric, value in zip(HEADLINE, scores, strict=True):
        if value is not None:
            yield (*base, metric, *dims, int(value), -1)


def day_sums(row: tuple[Any, ...]) -> tuple[DayKey, tuple[int, ...]]:
    """The ScoreDay key and sums (DAY_SUMS order) of one response row (RESPONSE_FIELDS order)."""
    _pk, survey, answered_at, touchpoint, team, staff, _wave, nps, csat, _ces = row
    key = (survey, seoul_day(answered_at), touchpoint or 0, team or 0, staff or 0)
    has_nps, has_csat = nps is not None, csat is not None
    return key, (
        1,
        int(has_nps),
        int(has_nps and nps >= 9),
        int(has_nps and nps <= 6),
        int(has_csat),
        int(csat) if has_csat else 0,
        int(csat) * int(csat) if has_csat else 0,
        int(has_csat and csat >= 4),
    )


def count_days(rows: Iterable[tuple[Any, ...]]) -> dict[DayKey, list[int]]:
    """ScoreDay sums of these response rows (RESPONSE_FIELDS), computed from scratch."""
    out: dict[DayKey, list[int]] = {}
    for row in rows:
        key, sums = day_sums(row)
        total = out.get(key)
        if total is None:
            out[key] = list(sums)
        else:
            for i, v in enumerate(sums):
                total[i] += v
    return out


def answer_key(survey: int, day: dt.date, wave: str, kind: str, row: tuple[Any, ...]) -> Key | None:
    """The key of one scored answer (ANSWER_FIELDS order), or None for an answer the pages do not count."""
    _rid, question, value, expectation, functional, dysfunctional = row
    if kind in SCORED:
        if value is None:
            return None
        return (survey, day, "q", question, 0, 0, 0, wave, int(value), -1)
    if kind == Question.Kind.GAP:
        if value is None and expectation is None:
            return None
        return (survey, day, "gap", question, 0, 0, 0, wave, _int(value), _int(expectation))
    if kind == Question.Kind.KANO:
        if functional is None and dysfunctional is None:
            return None
        return (survey, day, "kano", question, 0, 0, 0, wave, _int(functional), _int(dysfunctional))
    return None


def _question_kinds() -> dict[int, str]:
    return dict(
        Question.objects.filter(kind__in=[*SCORED, Question.Kind.GAP, Question.Kind.KANO]).values_list(
            "id", "kind"
        )
    )


def response_moments(
    moments: Counter[MomentKey], survey: int, day: dt.date, csat: int, scores: dict[int, int]
) -> None:
    """Add one response's Σ x_a·x_b (overall CSAT, 1, its driver-kind scores by question id) to `moments`."""
    items = ",".join(str(q) for q in sorted(scores))
    variables = [(OVERALL, int(csat)), (ONE, 1), *sorted(scores.items())]
    for i, (a, x) in enumerate(variables):
        for b, y in variables[i:]:
            moments[(survey, day, items, a, b)] += x * y


def count_responses(
    rows: list[tuple[Any, ...]],
    kinds: dict[int, str] | None = None,
    moments: Counter[MomentKey] | None = None,
) -> Counter[Key]:
    """Roll-up counts of these response rows (RESPONSE_FIELDS) and their answers, computed from scratch; with
    `moments`, also their driver moments (responses with an overall CSAT only) added to it."""
    kinds = _question_kinds() if kinds is None else kinds
    counts: Counter[Key] = Counter()
    meta: dict[int, tuple[int, dt.date, str]] = {}
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        counts.update(response_keys(row))
        meta[row[0]] = (row[1], seoul_day(row[2]), row[6] or "")
    ids = list(meta)
    for start in range(0, len(ids), BATCH):
        for answer in Answer.objects.filter(response_id__in=ids[start : start + BATCH]).values_list(
            *ANSWER_FIELDS
        ):
            kind = kinds.get(answer[1])
            if kind is None:
                continue
            survey, day, wave = meta[answer[0]]
            key = answer_key(survey, day, wave, kind, answer)
            if key is not None:
                counts[key] += 1
            if moments is not None and kind in DRIVER_KINDS and answer[2] is not None:
                scores[answer[0]][answer[1]] = int(answer[2])
    if moments is not None:
        for row in rows:
            if row[8] is not None:  # the overall CSAT (RESPONSE_FIELDS)
                survey, day, _wave = meta[row[0]]
                response_moments(moments, survey, day, row[8], scores.get(row[0], {}))
    return counts


def _bump() -> None:
    if not RollupState.objects.filter(pk=1).update(version=F("version") + 1):
        RollupState.objects.create(pk=1, version=1)


def version() -> int:
    return RollupState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def rollup_responses(ids: Iterable[int], *, kinds: dict[int, str] | None = None) -> int:
    """Count these responses into the roll-ups, each exactly once however often this runs. Returns how many
    were counted now (0 for a response counted before).

    The rows are read and counted before the write transaction (a stored response's scores never change), so
    the transaction holds only the claim and the upserts: SQLite's single writer lock stays short. Should
    another worker have claimed some of them meanwhile, the counts are redone for exactly ours."""
    wanted = set(ids)
    if not wanted:
        return 0
    rows = list(
        Response.objects.filter(pk__in=wanted, rollup_batch__isnull=True).values_list(*RESPONSE_FIELDS)
    )
    if not rows:
        return 0
    moments: Counter[MomentKey] = Counter()
    counts = count_responses(rows, kinds, moments)
    days = count_days(rows)
    batch = secrets.randbits(62) + 1
    with transaction.atomic():
        claimed = Response.objects.filter(pk__in=[r[0] for r in rows], rollup_batch__isnull=True).update(
            rollup_batch=batch
        )
        if not claimed:
            return 0
        if claimed != len(rows):
            mine = Response.objects.filter(pk__in=[r[0] for r in rows], rollup_batch=batch)
            rows = list(mine.values_list(*RESPONSE_FIELDS))
            moments = Counter()
            counts = count_responses(rows, kinds, moments)
            days = count_days(rows)
        adapt = connection.ops.adapt_datefield_value
        params = [(k[0], adapt(k[1]), *k[2:], n) for k, n in counts.items()]
        with connection.cursor() as cursor:
            cursor.executemany(UPSERT, params)
            cursor.executemany(MOMENT_UPSERT, [(k[0], adapt(k[1]), *k[2:], t) for k, t in moments.items()])
            cursor.executemany(DAY_UPSERT, [(k[0], adapt(k[1]), *k[2:], *v) for k, v in days.items()])
        _bump()
    return claimed


def pending_count() -> int:
    return Response.objects.filter(rollup_batch__isnull=True).count()


def catch_up(*, limit: int | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Count every response not counted yet, BATCH at a time (the `rollup_answers` job; the rebuild).
    Returns how many responses were counted."""
    kinds = _question_kinds()
    done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        ids = list(
            Response.objects.filter(rollup_batch__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            break
        counted = rollup_responses(ids, kinds=kinds)
        done += counted
        if progress is not None:
            progress(counted)
    return done


def reset() -> int:
    """Forget every count (the first step of a rebuild; `catch_up` then counts everything again). One short
    transaction; until the catch-up has run, the pages read the responses live: exact, only slower."""
    with transaction.atomic():
        ScoreRollup.objects.all().delete()
        DriverMoment.objects.all().delete()
        ScoreDay.objects.all().delete()
        cleared = Response.objects.filter(rollup_batch__isnull=False).update(rollup_batch=None)
        _bump()
    return cleared


@dataclass
class CheckResult:
    responses: int = 0
    rows: int = 0
    pending: int = 0
    # key (a ScoreRollup key, a DriverMoment key prefixed with "moment", or a ScoreDay key and sum prefixed with
    # "day"), in the table, recounted
    differences: list[tuple[Any, int, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def check(*, progress: Callable[[int], None] | None = None) -> CheckResult:
    """The roll-up table against a recount of the responses it claims to have counted. Read again if a roll-up
    transaction committed meanwhile (`consistent`), so a running worker does not make the check fail."""
    return consistent(lambda: _check(progress), attempts=3)


def _check(progress: Callable[[int], None] | None) -> CheckResult:
    kinds = _question_kinds()
    recount: Counter[Key] = Counter()
    moments: Counter[MomentKey] = Counter()
    days: Counter[tuple[Any, ...]] = Counter()  # (survey, day, touchpoint, team, staff, sum name) → value
    result = CheckResult()
    last = 0
    while True:
        rows = list(
            Response.objects.filter(rollup_batch__isnull=False, pk__gt=last)
            .order_by("pk")
            .values_list(*RESPONSE_FIELDS)[:BATCH]
        )
        if not rows:
            break
        last = rows[-1][0]
        recount.update(count_responses(rows, kinds, moments))
        for dkey, sums in count_days(rows).items():
            for name, value in zip(DAY_SUMS, sums, strict=True):
                days[(*dkey, name)] += value
        result.responses += len(rows)
        if progress is not None:
            progress(len(rows))
    table: Counter[Key] = Counter()
    for row in ScoreRollup.objects.values_list(*KEY_COLUMNS, "n").iterator(chunk_size=10000):
        key = (row[0], row[1], *row[2:-1])
        table[key] += row[-1]  # type: ignore[index]
        result.rows += 1
    for key in set(recount) | set(table):
        if recount.get(key, 0) != table.get(key, 0):
            result.differences.append((key, table.get(key, 0), recount.get(key, 0)))
    stored: Counter[MomentKey] = Counter()
    for survey, day, items, a, b, total in DriverMoment.objects.values_list(
        "survey_id", "day", "items", "a", "b", "total"
    ).iterator(chunk_size=10000):
        stored[(survey, day, items, a, b)] += total
        result.rows += 1
    for mkey in set(moments) | set(stored):
        if moments.get(mkey, 0) != stored.get(mkey, 0):
            result.differences.append((("moment", *mkey), stored.get(mkey, 0), moments.get(mkey, 0)))
    stored_days: Counter[tuple[Any, ...]] = Counter()
    width = len(DAY_KEY_COLUMNS)
    for row in ScoreDay.objects.values_list(*DAY_KEY_COLUMNS, *DAY_SUMS).iterator(chunk_size=10000):
        for name, value in zip(DAY_SUMS, row[width:], strict=True):
            stored_days[(*row[:width], name)] += value
        result.rows += 1
    for skey in set(days) | set(stored_days):
        if days.get(skey, 0) != stored_days.get(skey, 0):
            result.differences.append((("day", *skey), stored_days.get(skey, 0), days.get(skey, 0)))
    result.differences.sort(key=lambda d: str(d[0]))
    result.pending = pending_count()
    return result


# ---------------------------------------------------------------- reading


def consistent(read: Callable[[], T], *, attempts: int = 5) -> T:
    """Run `read` (roll-ups + pending responses, several statements) again if a roll-up transaction committed
    in between, which could have moved a response from "pending" to "counted" between two reads."""
    before = version()
    for _ in range(attempts):
        value = read()
        after = version()
        if after == before:
            return value
        before = after
    return value


Histogram = dict[str, Counter[int]]  # metric → score → answers


def _surveys_of(kind: str, survey_id: int | None) -> set[int]:
    """The ids of the surveys of `kind` (only `survey_id` among them, when given)."""
    surveys = set(Survey.objects.filter(kind=kind).values_list("pk", flat=True))
    return surveys & {survey_id} if survey_id else surveys


def _live_rows(surveys: set[int], *, since: dt.datetime, next_start: dt.datetime) -> list[tuple[Any, ...]]:
    """The response rows (RESPONSE_FIELDS) that the roll-ups from `next_start`'s day on do not hold: those
    answered from `since` to `next_start` (the first, partial day), and those from then on not counted yet."""
    first = Response.objects.filter(
        survey_id__in=surveys, answered_at__gte=since, answered_at__lt=next_start
    ).order_by()
    # only the partial index's condition, and no ordering: the planner then reads that small index alone
    pending = Response.objects.filter(rollup_batch__isnull=True).order_by().values_list(*RESPONSE_FIELDS)
    return [
        *first.values_list(*RESPONSE_FIELDS),
        *(r for r in pending if r[1] in surveys and r[2] >= next_start),
    ]


def headline(
    *, survey_id: int | None, since: dt.datetime, by: str, kind: str = Survey.Kind.CUSTOMER
) -> dict[Any, Histogram]:
    """Headline score histograms ("resp", "nps", "csat", "ces") of the surveys of `kind` answered since
    `since`, per `by`: "day" (Seoul), "touchpoint", "team", "staff" or "survey" (missing = None). The full
    histograms from ScoreRollup; the trend and group pages read the fewer ScoreDay rows (`score_sums`)."""
    column = {
        "day": "day",
        "touchpoint": "touchpoint_key",
        "team": "team_key",
        "staff": "staff_key",
        "survey": "survey_id",
    }[by]
    first_day = seoul_day(since)
    next_start = day_start(first_day + dt.timedelta(days=1))

    def read() -> dict[Any, Histogram]:
        out: dict[Any, Histogram] = defaultdict(lambda: defaultdict(Counter))
        surveys = _surveys_of(kind, survey_id)
        rolled = ScoreRollup.objects.filter(
            metric__in=["resp", *HEADLINE], day__gt=first_day, survey_id__in=surveys
        )
        for key, metric, value, n in (
            rolled.values_list(column, "metric", "value").annotate(total=Sum("n")).order_by()
        ):
            out[key or None][metric][value] += n
        index = KEY_COLUMNS.index(column)
        for row in _live_rows(surveys, since=since, next_start=next_start):
            for key in response_keys(row):
                out[key[index] or None][key[2]][key[8]] += 1
        return out

    return consistent(read)


ScoreSums = dict[str, int]  # DAY_SUMS name → value


def score_sums(
    *, survey_id: int | None, since: dt.datetime, by: str, kind: str = Survey.Kind.CUSTOMER
) -> dict[Any, ScoreSums]:
    """The trend and group sums (DAY_SUMS: responses, NPS answers, promoters, detractors, CSAT answers, Σ CSAT,
    Σ CSAT², satisfied) of the surveys of `kind` answered since `since`, per `by`: "day" (Seoul),
    "touchpoint", "team", "staff" or "survey" (missing = None). From ScoreDay (one row per survey × day ×
    touchpoint × team × staff) from the day after `since`, plus, live, that first (partial) day and the
    responses not counted yet; equal to `headline`'s histograms summed, in far fewer rows."""
    index = {"survey": 0, "day": 1, "touchpoint": 2, "team": 3, "staff": 4}[by]
    column = DAY_KEY_COLUMNS[index]
    first_day = seoul_day(since)
    next_start = day_start(first_day + dt.timedelta(days=1))

    def read() -> dict[Any, ScoreSums]:
        out: dict[Any, list[int]] = {}
        surveys = _surveys_of(kind, survey_id)
        rolled = ScoreDay.objects.filter(day__gt=first_day, survey_id__in=surveys)
        summed = rolled.values(column).annotate(**{f"total_{c}": Sum(c) for c in DAY_SUMS}).order_by()
        for key, *sums in summed.values_list(column, *(f"total_{c}" for c in DAY_SUMS)):
            out[key or None] = list(sums)
        for dkey, sums in count_days(_live_rows(surveys, since=since, next_start=next_start)).items():
            total = out.setdefault(dkey[index] or None, [0] * len(DAY_SUMS))
            for i, v in enumerate(sums):
                total[i] += v
        return {key: dict(zip(DAY_SUMS, sums, strict=True)) for key, sums in out.items()}

    return consistent(read)


def answer_counts(
    *, metric: str, survey_id: int | None = None, questions: list[int] | None = None, by_wave: bool = False
) -> dict[tuple[Any, ...], int]:
    """All-time answer counts of one question metric ("q", "gap", "kano"): (question, [wave,] value, second)
    → answers, from the roll-ups plus the responses not counted yet."""

    def read() -> dict[tuple[Any, ...], int]:
        out: Counter[tuple[Any, ...]] = Counter()
        rolled = ScoreRollup.objects.filter(metric=metric)
        if survey_id:
            rolled = rolled.filter(survey_id=survey_id)
        if questions is not None:
            rolled = rolled.filter(question_key__in=questions)
        names = ["question_key", *(["wave"] if by_wave else []), "value", "second"]
        for *key, n in rolled.values_list(*names).annotate(total=Sum("n")).order_by():
            out[tuple(key)] += n
        pending = Response.objects.filter(rollup_batch__isnull=True).order_by().values_list(*RESPONSE_FIELDS)
        rows = [r for r in pending if not survey_id or r[1] == survey_id]
        if rows:
            for key, n in count_responses(rows).items():
                if key[2] == metric and (questions is None or key[3] in questions):
                    out[(key[3], *((key[7],) if by_wave else ()), key[8], key[9])] += n
        return dict(out)

    return consistent(read)


Moments = dict[str, Counter[tuple[int, int]]]  # items → (a, b) → Σ x_a·x_b


def moments(*, survey_id: int, since: dt.datetime, variables: list[int]) -> Moments:
    """The driver moments (`DriverMoment`) of a survey's responses answered since `since`, per answered-item
    set, for the pairs of `variables` only: the roll-ups from the day after `since` plus, live, that first
    (partial) day and the responses not counted yet."""
    first_day = seoul_day(since)
    next_start = day_start(first_day + dt.timedelta(days=1))
    wanted = set(variables)

    def read() -> Moments:
        out: Moments = defaultdict(Counter)
        rolled = DriverMoment.objects.filter(
            survey_id=survey_id, day__gt=first_day, a__in=variables, b__in=variables
        )
        for items, a, b, total in rolled.values_list("items", "a", "b").annotate(t=Sum("total")).order_by():
            out[items][(a, b)] += total
        first = Response.objects.filter(
            survey_id=survey_id, answered_at__gte=since, answered_at__lt=next_start
        ).order_by()
        pending = Response.objects.filter(rollup_batch__isnull=True).order_by().values_list(*RESPONSE_FIELDS)
        rows = [
            *first.values_list(*RESPONSE_FIELDS),
            *(r for r in pending if r[1] == survey_id and r[2] >= next_start),
        ]
        if rows:
            live: Counter[MomentKey] = Counter()
            count_responses(rows, moments=live)
            for (_s, _d, items, a, b), total in live.items():
                if a in wanted and b in wanted:
                    out[items][(a, b)] += total
        return out

    return consistent(read)
