"""A year of survey answers for the demo business (called from dangol.demo.generate inside its transaction).

Staff manner drives overall satisfaction more than the physical items (000 §4), a Kano study in two waves
shows same-day delivery drifting from attractive to must-be, and employee pulse answers per team."""

from __future__ import annotations

import bisect
import datetime as dt
import secrets
from typing import Any

import numpy as np

from dangol.imports.fastsql import db_datetime, insert_rows
from dangol.orders.models import Order
from dangol.surveys.models import Answer, Invitation, Question, Response, Survey
from dangol.surveys.services import question_add, survey_create, survey_set_status
from dangol.voc.business_time import BusinessCalendar, korean_public_holidays
from dangol.voc.models import Case
from dangol.voc.selectors import NO_WORDS

CUSTOMER_ITEMS = [
    # code, kind, text, aspect, dimension, stated importance
    ("overall", "csat", "오늘 경험에 전반적으로 얼마나 만족하셨나요?", "overall", "", None),
    ("recommend", "nps", "친구나 가족에게 단골마켓을 추천하시겠어요?", "overall", "", None),
    ("effort", "ces", "원하시는 일을 처리하기가 얼마나 힘드셨나요?", "overall", "", None),
    ("kindness", "csat", "직원이 친절하고 예의 바르게 응대했나요?", "people", "empathy", 4),
    ("knowledge", "csat", "직원이 궁금한 점을 정확히 안내했나요?", "people", "assurance", 4),
    ("responsive", "csat", "직원이 바로 도와주었나요?", "people", "responsiveness", 3),
    ("quality", "csat", "상품의 품질과 신선도에 만족하셨나요?", "physical", "reliability", 5),
    ("price", "csat", "가격이 적당했나요?", "physical", "tangibles", 5),
    ("place", "csat", "매장(화면)이 깨끗하고 찾기 쉬웠나요?", "physical", "tangibles", 3),
    ("wait", "gap", "기다린 시간 (기대 vs 실제)", "physical", "responsiveness", 4),
]
KANO_ATTRIBUTES = ["당일 배송", "포인트 적립", "무료 주차", "매장 내 카페", "개인 맞춤 추천"]
# (functional, dysfunctional) answers typical of each category
KANO_PAIRS = {
    "A": [(1, 3), (1, 4), (1, 3)],
    "O": [(1, 5)],
    "M": [(2, 5), (3, 5), (4, 5)],
    "I": [(3, 3), (4, 3), (3, 4)],
}
# category mix per attribute and wave: same-day delivery drifts A -> M as competitors catch up (동태적 관점)
KANO_MIX = {
    "당일 배송": ({"A": 0.55, "O": 0.2, "M": 0.1, "I": 0.15}, {"A": 0.15, "O": 0.25, "M": 0.5, "I": 0.1}),
    "포인트 적립": ({"A": 0.15, "O": 0.55, "M": 0.2, "I": 0.1}, {"A": 0.1, "O": 0.55, "M": 0.25, "I": 0.1}),
    "무료 주차": ({"A": 0.05, "O": 0.2, "M": 0.6, "I": 0.15}, {"A": 0.05, "O": 0.2, "M": 0.6, "I": 0.15}),
    "매장 내 카페": (
        {"A": 0.25, "O": 0.05, "M": 0.05, "I": 0.65},
        {"A": 0.25, "O": 0.05, "M": 0.05, "I": 0.65},
    ),
    "개인 맞춤 추천": (
        {"A": 0.5, "O": 0.15, "M": 0.05, "I": 0.3},
        {"A": 0.45, "O": 0.2, "M": 0.05, "I": 0.3},
    ),
}
PULSE_ITEMS = [
    ("training", "업무에 필요한 교육을 충분히 받고 있다", "training"),
    ("support", "고객 문제를 해결할 때 회사와 동료의 지원을 받는다", "support"),
    ("autonomy", "고객을 위해 스스로 판단해 처리할 재량이 있다", "autonomy"),
    ("reward", "일한 만큼 공정하게 보상받는다", "reward"),
    ("satisfaction", "전반적으로 지금 일에 만족한다", "satisfaction"),
]
# team code: (headcount that answers, employee satisfaction level 1-5)
PULSE_TEAMS = {
    "cs": (12, 3.9),
    "store-ops": (18, 3.2),
    "logistics": (8, 2.9),
    "product": (6, 3.6),
    "online": (4, 3.8),
    "marketing": (3, 3.5),
}
MAX_FOLLOWUPS = 60


def _clip(value: Any, low: int, high: int) -> int:
    return int(min(max(round(float(value)), low), high))


def generate_surveys(context: Any) -> dict[str, int]:
    rng: np.random.Generator = context.rng
    end: dt.datetime = context.end
    start = end - dt.timedelta(days=365)
    teams = context.teams
    staff_by_username = {u.username: u for u in context.staff}
    survey = survey_create(
        code="visit-csat",
        title="단골마켓 고객 만족도 조사",
        title_en="Dangol Market satisfaction survey",
        intro="잠깐 시간을 내어 오늘 경험을 알려 주세요. 1분이면 충분합니다.",
        trigger=Survey.Trigger.INTERACTION,
        owner_team=teams.get("cs"),
        link_days=14,
    )
    Survey.objects.filter(pk=survey.pk).update(created_at=start)
    questions = {
        code: question_add(
            survey=survey,
            kind=kind,
            text=text,
            code=code,
            aspect=aspect,
            dimension=dim,
            stated_importance=imp,
        )
        for code, kind, text, aspect, dim, imp in CUSTOMER_ITEMS
    }
    question_add(
        survey=survey, kind="text", code="why", text="그렇게 답하신 이유를 알려 주세요.", required=False
    )
    survey_set_status(survey=survey, status=Survey.Status.ACTIVE)

    # where answers come from: stores (store staff), the call centre (agents), delivery, web and app
    places: list[tuple[Any, list[Any], Any]] = []
    store_staff = [staff_by_username[u] for u in ("store1", "store2") if u in staff_by_username]
    for store in context.stores:
        places.append((store, store_staff, teams.get("store-ops")))
    tp = context.touchpoints
    agents = [staff_by_username[u] for u in ("agent", "agent2") if u in staff_by_username]
    for code, people, team in (
        ("call-center", agents, teams.get("cs")),
        ("delivery", [staff_by_username.get("logistics")], teams.get("logistics")),
        ("web", [], teams.get("online")),
        ("app", [], teams.get("online")),
    ):
        if code in tp:
            places.append((tp[code], [p for p in people if p], team))
    # staff manner differs by person; the physical service differs by place, but matters less
    staff_effect = {u.pk: float(rng.normal(0, 0.45)) for u in context.staff}
    place_effect = {p[0].pk: float(rng.normal(0, 0.3)) for p in places}

    n = int(min(max(len(context.customers) * 1.2, 200), 6000))
    customers = context.customers
    picker = _CustomerPicker(rng, customers)
    seconds = rng.uniform(0, 365 * 86400, size=n)
    place_index = rng.choice(len(places), size=n, p=_place_weights(places))
    people_latent = rng.normal(0, 0.8, size=n)
    physical_latent = rng.normal(0, 0.8, size=n)
    invitations: list[tuple[Any, ...]] = []
    responses: list[dict[str, Any]] = []
    rows: list[dict[str, int]] = []
    for i in range(n):
        touchpoint, people, team = places[place_index[i]]
        staff = people[int(rng.integers(len(people)))] if people else None
        people_q = 3.7 + people_latent[i] + (staff_effect[staff.pk] if staff else 0.0)
        physical_q = 3.6 + physical_latent[i] + place_effect[touchpoint.pk]
        items = {
            "kindness": people_q + rng.normal(0, 0.45),
            "knowledge": people_q + rng.normal(0, 0.55),
            "responsive": people_q + rng.normal(0, 0.55),
            "quality": physical_q + rng.normal(0, 0.5),
            "price": physical_q - 0.3 + rng.normal(0, 0.6),
            "place": physical_q + 0.2 + rng.normal(0, 0.6),
        }
        scores = {k: _clip(v, 1, 5) for k, v in items.items()}
        overall = (
            0.62 * np.mean([scores["kindness"], scores["knowledge"], scores["responsive"]])
            + 0.3 * np.mean([scores["quality"], scores["price"], scores["place"]])
            + 0.3
            + rng.normal(0, 0.4)
        )
        scores["overall"] = _clip(overall, 1, 5)
        scores["recommend"] = _clip(2.3 * scores["overall"] - 1.2 + rng.normal(0, 1.2), 0, 10)
        scores["effort"] = _clip(6.2 - scores["overall"] + rng.normal(0, 0.9), 1, 7)
        scores["wait_expectation"] = _clip(5 + rng.normal(0, 0.8), 1, 7)
        scores["wait"] = _clip(physical_q + 0.5 + rng.normal(0, 1.0), 1, 7)
        at = start + dt.timedelta(seconds=float(seconds[i]))
        customer = picker.pick(at, want_repurchase=rng.random() < 0.2 + 0.13 * (scores["overall"] - 1))
        nonce = secrets.token_hex(16)
        invitations.append(
            (
                survey.pk,
                nonce,
                "sms",
                _pk(customer),
                touchpoint.pk,
                _pk(staff),
                _pk(team),
                db_datetime(at - dt.timedelta(hours=2)),
                db_datetime(at + dt.timedelta(days=14)),
                db_datetime(at - dt.timedelta(hours=2)),
                0,
                db_datetime(at),
            )
        )
        responses.append(
            {
                "nonce": nonce,
                "customer_id": _pk(customer),
                "touchpoint_id": touchpoint.pk,
                "staff_id": _pk(staff),
                "team_id": _pk(team),
                "answered_at": at,
                "csat": scores["overall"],
                "nps": scores["recommend"],
                "ces": scores["effort"],
            }
        )
        rows.append(scores)
    # people who got a link and did not answer (about a third): the response rate
    for at_seconds in rng.uniform(0, 365 * 86400, size=n // 2):
        at = start + dt.timedelta(seconds=float(at_seconds))
        customer = customers[int(rng.integers(len(customers)))] if customers else None
        invitations.append(
            (
                survey.pk,
                secrets.token_hex(16),
                "sms",
                _pk(customer),
                None,
                None,
                None,
                db_datetime(at),
                db_datetime(at + dt.timedelta(days=14)),
                db_datetime(at),
                0,
                None,
            )
        )
    insert_rows(
        Invitation,
        [
            "survey_id",
            "nonce",
            "channel",
            "customer_id",
            "touchpoint_id",
            "staff_id",
            "team_id",
            "created_at",
            "expires_at",
            "sent_at",
            "reminders",
            "used_at",
        ],
        invitations,
    )
    by_nonce = dict(
        Invitation.objects.filter(survey=survey, used_at__isnull=False).values_list("nonce", "pk")
    )
    for response in responses:
        response["invitation_id"] = by_nonce[response.pop("nonce")]
    answers: list[list[AnswerRow]] = []
    for scores in rows:
        answers.append(
            [
                (questions[code].pk, scores[code], None, None, None)
                for code in (
                    "overall",
                    "recommend",
                    "effort",
                    "kindness",
                    "knowledge",
                    "responsive",
                    "quality",
                    "price",
                    "place",
                )
            ]
            + [(questions["wait"].pk, scores["wait"], scores["wait_expectation"], None, None)]
        )
    ids = _write(survey, responses, answers)
    followups = _recent_followups(survey, responses, ids, end, rng)

    kano_n = _kano_study(rng, start, end)
    pulse_n = _pulse(rng, teams, start, end)
    return {
        "설문 응답": len(responses),
        "설문 초대": len(invitations),
        "설문 후속 VOC": followups,
        "Kano 응답": kano_n,
        "직원 펄스 응답": pulse_n,
    }


class _CustomerPicker:
    """Satisfied customers come back more often (001): pick, among a few random customers, one whose orders
    after the answer match the wanted repurchase, so the demo shows satisfaction → loyalty."""

    def __init__(self, rng: np.random.Generator, customers: list[Any]):
        self.rng, self.customers = rng, customers
        self.orders: dict[int, list[dt.datetime]] = {}
        ids = {c.pk for c in customers}
        for customer_id, at in Order.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "ordered_at"
        ):
            self.orders.setdefault(customer_id, []).append(at)
        for times in self.orders.values():
            times.sort()

    def _bought_within(self, customer_id: int, at: dt.datetime, days: int = 90) -> bool:
        times = self.orders.get(customer_id, [])
        i = bisect.bisect_right(times, at)
        return i < len(times) and times[i] <= at + dt.timedelta(days=days)

    def pick(self, at: dt.datetime, *, want_repurchase: bool) -> Any:
        if not self.customers:
            return None
        candidate = None
        for _ in range(6):
            candidate = self.customers[int(self.rng.integers(len(self.customers)))]
            if self._bought_within(candidate.pk, at) == want_repurchase:
                return candidate
        return candidate


def _place_weights(places: list[tuple[Any, list[Any], Any]]) -> np.ndarray:
    weights = np.array([3.0 if tp.channel == "store" else 2.0 for tp, _, _ in places])
    return weights / weights.sum()


def _recent_followups(
    survey: Survey,
    responses: list[dict[str, Any]],
    ids: list[int],
    end: dt.datetime,
    rng: np.random.Generator,
) -> int:
    """The closed loop for the last month's detractors: one follow-up case each, resolved unless recent.

    Written as rows, as VOC's own demo does: `followup_open` would load the Korean text model (seconds)."""
    picked = [
        (r, pk)
        for r, pk in zip(responses, ids, strict=True)
        if ((r["nps"] is not None and r["nps"] <= 6) or (r["csat"] is not None and r["csat"] <= 2))
        and r["customer_id"]
        and r["answered_at"] >= end - dt.timedelta(days=30)
    ]
    picked.sort(key=lambda item: item[0]["answered_at"], reverse=True)
    picked = picked[:MAX_FOLLOWUPS]

    calendar = BusinessCalendar(public_holidays=korean_public_holidays)
    cases = []
    for k, (r, pk) in enumerate(picked, start=1):
        at = r["answered_at"]
        first_due = calendar.add(at, dt.timedelta(hours=4))
        due = calendar.add(at, dt.timedelta(hours=16))  # two business days, like a normal-priority case
        done = due <= end  # the follow-up team keeps its service level; the ones not yet due are open
        resolved_at = at + (due - at) * float(rng.uniform(0.2, 0.9)) if done else None
        score = int(rng.choice([2, 3, 4, 5], p=[0.15, 0.25, 0.35, 0.25])) if done else None
        cases.append(
            Case(
                number=f"VOC-{at:%y%m%d}-S{k:05d}",
                kind="complaint",
                status="closed" if done else "new",
                priority="high" if (r["nps"] or 10) <= 3 else "normal",
                channel="survey",
                origin=Case.Origin.SYSTEM,
                customer_id=r["customer_id"],
                touchpoint_id=r["touchpoint_id"],
                team_id=r["team_id"],
                title=f"설문 불만족 응답 후속 조치: {survey.title} (NPS {r['nps']}, 만족도 {r['csat']}/5)",
                body=NO_WORDS,
                source_ref=f"survey-response:{pk}",
                created_at=at,
                first_response_due=first_due,
                resolution_due=due,
                first_responded_at=min(at + dt.timedelta(hours=1), resolved_at) if resolved_at else None,
                resolved_at=resolved_at,
                closed_at=min(resolved_at + dt.timedelta(days=1), end) if resolved_at else None,
                resolution_type=str(rng.choice(["apology", "compensation", "info"])) if done else "",
                resolution_note="전화로 사과드리고 불편하셨던 점을 확인했습니다." if done else "",
                customer_reaction=("satisfied" if (score or 0) >= 4 else "neutral") if done else "",
                satisfaction_score=score,
                would_continue=bool(score and score >= 3) if done else None,
            )
        )
    Case.objects.bulk_create(cases)
    case_ids = dict(
        Case.objects.filter(source_ref__in=[c.source_ref for c in cases]).values_list("source_ref", "pk")
    )
    for _, pk in picked:
        Response.objects.filter(pk=pk).update(followup_case_id=case_ids[f"survey-response:{pk}"])
    return len(picked)


def _pk(obj: Any) -> int | None:
    return obj.pk if obj is not None else None


AnswerRow = tuple[int, int | None, int | None, int | None, int | None]
RESPONSE_COLUMNS = [
    "survey_id",
    "invitation_id",
    "customer_id",
    "touchpoint_id",
    "staff_id",
    "team_id",
    "answered_at",
    "source",
    "source_ref",
    "wave",
    "csat",
    "nps",
    "ces",
    "comment",
]
ANSWER_COLUMNS = ["response_id", "question_id", "value", "expectation", "functional", "dysfunctional", "text"]


def _write(survey: Survey, responses: list[dict[str, Any]], answers: list[list[AnswerRow]]) -> list[int]:
    """Responses and their answers as plain multi-row INSERTs (the ORM's bulk_create is 5× slower here)."""
    refs = [f"demo:{survey.code}:{i}" for i in range(len(responses))]
    insert_rows(
        Response,
        RESPONSE_COLUMNS,
        (
            (
                survey.pk,
                r.get("invitation_id"),
                r.get("customer_id"),
                r.get("touchpoint_id"),
                r.get("staff_id"),
                r.get("team_id"),
                db_datetime(r["answered_at"]),
                Response.Source.DEMO,
                ref,
                r.get("wave", ""),
                r.get("csat"),
                r.get("nps"),
                r.get("ces"),
                "",
            )
            for r, ref in zip(responses, refs, strict=True)
        ),
    )
    by_ref = dict(Response.objects.filter(survey=survey, source_ref__in=refs).values_list("source_ref", "pk"))
    ids = [by_ref[ref] for ref in refs]
    insert_rows(
        Answer,
        ANSWER_COLUMNS,
        (
            (pk, question_id, value, expectation, functional, dysfunctional, "")
            for pk, items in zip(ids, answers, strict=True)
            for question_id, value, expectation, functional, dysfunctional in items
        ),
    )
    return ids


def _kano_study(rng: np.random.Generator, start: dt.datetime, end: dt.datetime) -> int:
    survey = survey_create(code="kano-needs", title="고객 니즈 조사 (Kano)", kind=Survey.Kind.KANO)
    questions = [
        question_add(survey=survey, kind="kano", code=f"attr{i}", text=text)
        for i, text in enumerate(KANO_ATTRIBUTES, start=1)
    ]
    survey_set_status(survey=survey, status=Survey.Status.ACTIVE)
    waves = [("2025 하반기", start + dt.timedelta(days=20)), ("2026 하반기", end - dt.timedelta(days=40))]
    responses, pending = [], []
    for wave, around in waves:
        for _ in range(150):
            at = around + dt.timedelta(hours=float(rng.uniform(0, 24 * 14)))
            response = Response(survey=survey, answered_at=at, source=Response.Source.DEMO, wave=wave)
            responses.append(response)
            for question in questions:
                mix = KANO_MIX[question.text][0 if wave == waves[0][0] else 1]
                category = str(rng.choice(list(mix), p=list(mix.values())))
                if rng.random() < 0.04:
                    pair = (5, 1) if rng.random() < 0.5 else (1, 1)  # a few reverse / questionable answers
                else:
                    options = KANO_PAIRS[category]
                    pair = options[int(rng.integers(len(options)))]
                pending.append((response, question, pair))
    Survey.objects.filter(pk=survey.pk).update(current_wave=waves[-1][0])
    Response.objects.bulk_create(responses, batch_size=2000)
    Answer.objects.bulk_create(
        [Answer(response=r, question=q, functional=f, dysfunctional=d) for r, q, (f, d) in pending],
        batch_size=5000,
    )
    return len(responses)


def _pulse(rng: np.random.Generator, teams: dict[str, Any], start: dt.datetime, end: dt.datetime) -> int:
    survey = survey_create(code="pulse", title="직원 펄스 조사", kind=Survey.Kind.PULSE)
    questions: list[Question] = [
        question_add(survey=survey, kind="csat", code=code, text=text, dimension=dim)
        for code, text, dim in PULSE_ITEMS
    ]
    survey_set_status(survey=survey, status=Survey.Status.ACTIVE)
    responses, pending = [], []
    for code, (headcount, level) in PULSE_TEAMS.items():
        team = teams.get(code)
        if team is None:
            continue
        for quarter in range(2):
            for _ in range(headcount):
                at = end - dt.timedelta(days=float(180 * (1 - quarter) + rng.uniform(0, 10)))
                response = Response(
                    survey=survey, team=team, answered_at=max(at, start), source=Response.Source.DEMO
                )
                responses.append(response)
                person = level + rng.normal(0, 0.5)
                for question in questions:
                    shift = {"reward": -0.4, "training": 0.1}.get(question.code, 0.0)
                    value = _clip(person + shift + rng.normal(0, 0.5), 1, 5)
                    pending.append((response, question, value))
    Response.objects.bulk_create(responses, batch_size=2000)
    Answer.objects.bulk_create(
        [Answer(response=r, question=q, value=v) for r, q, v in pending], batch_size=5000
    )
    return len(responses)
