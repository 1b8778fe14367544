"""A year of realistic VOC for the demo business (called from dangol.demo.generate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangol.common.korean import josa
from dangol.voc.business_time import BusinessCalendar, korean_holidays
from dangol.voc.models import (
    BusinessHours,
    Case,
    CaseEvent,
    CaseStep,
    Category,
    CustomerFlag,
    Handoff,
    RootCause,
    SlaPolicy,
)
from dangol.voc.prevention import detect_recurrence

TREE = {
    # parent code: (name, owner team code, children {code: (name, weight, typical quote)})
    "delivery": (
        "배송",
        "logistics",
        {
            "delivery-late": ("지연", 0.17, "오늘 온다고 해서 하루 종일 기다렸는데 아직도 안 왔어요."),
            "delivery-damaged": ("파손", 0.07, "상자가 찌그러져서 왔고 안에 병이 깨져 있었어요."),
            "delivery-wrong": ("오배송", 0.05, "주문한 것과 다른 상품이 왔어요."),
        },
    ),
    "product": (
        "상품",
        "product",
        {
            "product-defect": ("불량", 0.10, "한 번 썼는데 전원이 안 들어와요."),
            "product-quality": ("품질/신선도", 0.08, "과일이 물러서 절반은 먹을 수가 없었어요."),
        },
    ),
    "staff": (
        "직원",
        "store-ops",
        {
            "staff-manner": ("태도", 0.08, "계산하던 직원이 반말하고 귀찮다는 듯이 대했어요."),
            "staff-info": ("안내 오류", 0.05, "직원이 교환된다고 해서 왔는데 안 된다고 하네요."),
        },
    ),
    "store": (
        "매장",
        "store-ops",
        {
            "store-wait": ("대기 시간", 0.07, "계산대 줄이 너무 길어서 20분 넘게 기다렸어요."),
            "store-clean": ("청결/시설", 0.03, "주차장 엘리베이터가 또 고장이에요."),
        },
    ),
    "payment": (
        "결제·환불",
        "cs",
        {
            "payment-refund": ("환불 지연", 0.09, "반품한 지 2주가 넘었는데 환불이 안 들어왔어요."),
            "payment-error": ("결제 오류", 0.04, "카드 결제가 두 번 됐어요."),
        },
    ),
    "online": (
        "온라인",
        "online",
        {
            "online-app": ("앱 오류", 0.07, "앱에서 쿠폰 적용 버튼을 누르면 계속 오류가 나요."),
            "online-web": ("웹사이트", 0.03, "주문 내역이 안 보여요."),
        },
    ),
    "praise": (
        "칭찬",
        "cs",
        {
            "praise-staff": (
                "직원 칭찬",
                0.05,
                "강남점 직원분이 정말 친절하게 도와주셨어요. 꼭 칭찬해 주세요.",
            ),
        },
    ),
    "suggestion": (
        "제안",
        "marketing",
        {
            "suggestion-product": ("상품 제안", 0.02, "비건 간편식도 좀 더 들여와 주세요."),
        },
    ),
}
ROOT_CAUSES = [
    ("carrier", "택배사 지연"),
    ("packing", "포장 불량"),
    ("stock", "재고 관리 오류"),
    ("training", "직원 교육 부족"),
    ("staffing", "인력 부족"),
    ("system", "시스템 오류"),
    ("supplier", "협력사 품질"),
    ("policy", "규정 안내 미흡"),
]
RESOLUTIONS = {
    "delivery": "replace",
    "product": "replace",
    "staff": "apology",
    "store": "apology",
    "payment": "refund",
    "online": "fix",
    "praise": "info",
    "suggestion": "info",
}


# Of the cases still open when the demo ends, about this share is past its resolution due time: a team that
# mostly keeps its service levels, with a few cases slipping (what a manager would believe on the board).
OVERDUE_SHARE_OF_OPEN = 0.10
OPEN_STATUSES = ("new", "open", "waiting")


def _plan_statuses(
    rng: Any, created: list[dt.datetime], due: list[dt.datetime], end: dt.datetime
) -> list[str]:
    """A status per case from its age against its SLA: a case not yet due is usually still being worked; a
    case past due was resolved (closed once the follow-up is over); then a few recent past-due cases stay
    open so that they make OVERDUE_SHARE_OF_OPEN of the open ones."""
    statuses = []
    for created_at, due_at in zip(created, due, strict=True):
        if due_at > end:
            statuses.append(
                str(rng.choice(["new", "open", "waiting", "resolved", "closed"], p=[0.2, 0.4, 0.1, 0.2, 0.1]))
            )
        elif (end - created_at).days > 10:
            statuses.append("closed")
        else:
            statuses.append(str(rng.choice(["resolved", "closed"], p=[0.4, 0.6])))
    n_open = sum(s in OPEN_STATUSES for s in statuses)
    slipping = round(n_open * OVERDUE_SHARE_OF_OPEN / (1 - OVERDUE_SHARE_OF_OPEN))
    recent_past_due = [
        i for i, (c, d) in enumerate(zip(created, due, strict=True)) if d <= end and (end - c).days <= 30
    ]
    if recent_past_due and slipping:
        chosen = rng.choice(len(recent_past_due), size=min(slipping, len(recent_past_due)), replace=False)
        for i in chosen:
            statuses[recent_past_due[int(i)]] = str(rng.choice(["open", "waiting"], p=[0.7, 0.3]))
    return statuses


def generate_cases(context: Any) -> dict[str, int]:
    rng = context.rng
    end: dt.datetime = context.end
    start = end - dt.timedelta(days=365)
    teams = context.teams
    BusinessHours.objects.get_or_create(pk=1, defaults={"opens": dt.time(9), "closes": dt.time(18)})
    causes = [RootCause.objects.create(code=c, name=n) for c, n in ROOT_CAUSES]
    leaves: list[tuple[Category, str, float, str]] = []
    for code, (name, team_code, children) in TREE.items():
        parent = Category.objects.create(
            code=code,
            name=name,
            owner_team=teams.get(team_code),
            internal_sla_hours=4 if code == "delivery" else 8,
        )
        for child_code, (child_name, weight, quote) in children.items():
            leaves.append(
                (
                    Category.objects.create(code=child_code, name=child_name, parent=parent),
                    code,
                    weight,
                    quote,
                )
            )
    for priority, first, resolve in (
        ("urgent", 60, 240),
        ("high", 120, 960),
        ("normal", 240, 1920),
        ("low", 480, 4800),
    ):
        SlaPolicy.objects.create(
            name=f"기본 {priority}",
            priority=priority,
            first_response_minutes=first,
            resolution_minutes=resolve,
        )
    calendar = BusinessCalendar(holidays=korean_holidays(range(start.year, end.year + 2)))
    weights = [w for *_, w, _q in leaves]
    total_weight = sum(weights)
    probabilities = [w / total_weight for w in weights]
    agents = [u for u in context.staff if u.staff.role in ("agent", "manager")]
    customers = context.customers
    stores = context.stores
    n_cases = max(len(customers) * 3 // 5, 30)
    cases: list[Case] = []
    plan: list[dict[str, Any]] = []
    days = rng.uniform(0, 365, size=n_cases)
    # A recent spike: delivery delays at one store this week, so the board shows a recurrence.
    spike_store = stores[0] if stores else None
    # First the when and how urgent of every case, then the statuses from their SLA (_plan_statuses).
    basics = []
    for k in range(n_cases):
        recent_spike = k < 12
        leaf_index = 0 if recent_spike else int(rng.choice(len(leaves), p=probabilities))
        if recent_spike:
            created = end - dt.timedelta(hours=float(rng.uniform(1, 60)))
        else:
            created = (start + dt.timedelta(days=float(days[k]))).replace(
                hour=int(rng.integers(8, 21)), minute=int(rng.integers(0, 60))
            )
            if created >= end:
                created -= dt.timedelta(days=1)
        priority = str(rng.choice(["low", "normal", "high", "urgent"], p=[0.15, 0.6, 0.2, 0.05]))
        first_min, resolve_min = {
            "urgent": (60, 240),
            "high": (120, 960),
            "normal": (240, 1920),
            "low": (480, 4800),
        }[priority]
        basics.append(
            (
                recent_spike,
                leaf_index,
                created,
                priority,
                calendar.add(created, dt.timedelta(minutes=first_min)),
                calendar.add(created, dt.timedelta(minutes=resolve_min)),
            )
        )
    statuses = _plan_statuses(rng, [b[2] for b in basics], [b[5] for b in basics], end)
    for k, (recent_spike, leaf_index, created, priority, first_due, resolution_due) in enumerate(basics):
        category, parent_code, _w, quote = leaves[leaf_index]
        kind = (
            "praise"
            if parent_code == "praise"
            else "suggestion"
            if parent_code == "suggestion"
            else ("inquiry" if rng.random() < 0.12 else "complaint")
        )
        status = statuses[k]
        # praise and suggestions wait for no one: no policy gives them targets (dangol.voc.sla.targets_for)
        has_targets = kind in ("complaint", "inquiry")
        # most resolutions land inside the SLA; about one in ten historical ones is late
        late = resolution_due <= end and rng.random() < 0.1
        resolved_at = None
        if status in ("resolved", "closed"):
            span = (resolution_due - created) * (1.6 if late else float(rng.uniform(0.2, 0.95)))
            resolved_at = min(created + span, end - dt.timedelta(minutes=5))
        first_responded_at = (
            None
            if status == "new"
            else min(
                created + (first_due - created) * float(rng.uniform(0.1, 1.1)),
                resolved_at or end - dt.timedelta(minutes=1),
            )
        )
        customer = customers[int(rng.integers(len(customers)))]
        touchpoint = (
            spike_store
            if recent_spike
            else (
                customer.home_store
                if parent_code in ("staff", "store")
                else context.touchpoints.get("delivery" if parent_code == "delivery" else "call-center")
            )
        )
        difficult = (
            str(
                rng.choice(
                    [
                        "angry",
                        "excessive",
                        "passive",
                        "vulgar",
                        "threatening",
                        "dishonest",
                        "arrogant",
                        "toying",
                    ],
                    p=[0.35, 0.2, 0.15, 0.1, 0.06, 0.06, 0.05, 0.03],
                )
            )
            if kind == "complaint" and rng.random() < 0.08
            else ""
        )
        team = category.owner()
        team_members = [u for u in agents if u.staff.team_id == (team.pk if team else None)] or agents
        assignee = None if status == "new" else team_members[int(rng.integers(len(team_members)))]
        score = None
        keep = None
        if status == "closed" and kind == "complaint" and rng.random() < 0.7:
            score = int(
                rng.choice(
                    [1, 2, 3, 4, 5],
                    p=[0.05, 0.08, 0.17, 0.35, 0.35] if not late else [0.2, 0.25, 0.25, 0.2, 0.1],
                )
            )
            keep = bool(score >= 3 or rng.random() < 0.3)
        resolution = RESOLUTIONS[parent_code] if resolved_at else ""
        cost = int(rng.choice([0, 3000, 5000, 10000, 30000])) if resolution in ("refund", "replace") else 0
        cases.append(
            Case(
                number=f"VOC-{created:%y%m%d}-D{k:05d}",
                kind=kind,
                status=status,
                priority=priority,
                channel=str(
                    rng.choice(["phone", "store", "web", "app", "sns"], p=[0.45, 0.2, 0.15, 0.15, 0.05])
                ),
                customer=customer,
                touchpoint=touchpoint,
                category=category,
                team=team,
                assignee=assignee,
                title=f"{category.parent.name if category.parent else ''} {category.name}: {quote[:30]}",
                body=quote,
                created_at=created,
                first_response_due=first_due if has_targets else None,
                resolution_due=resolution_due if has_targets else None,
                first_responded_at=first_responded_at,
                resolved_at=resolved_at,
                closed_at=min(resolved_at + dt.timedelta(days=2), end)
                if status == "closed" and resolved_at
                else None,
                resolution_breached_at=resolution_due if late and resolved_at and has_targets else None,
                difficult_type=difficult,
                resolution_type=resolution,
                resolution_cost=cost,
                compensation_points=int(rng.choice([0, 1000, 3000])) if resolution else 0,
                customer_reaction=(
                    "satisfied" if (score or 4) >= 4 else "neutral" if (score or 3) == 3 else "dissatisfied"
                )
                if resolution
                else "",
                root_cause=causes[int(rng.integers(len(causes)))]
                if resolution and kind == "complaint"
                else None,
                satisfaction_score=score,
                would_continue=keep,
            )
        )
        plan.append({"assignee": assignee})
    Case.objects.bulk_create(cases, batch_size=2000)
    saved = list(Case.objects.order_by("id"))
    events, steps, handoffs = [], [], []
    for case, extra in zip(saved, plan, strict=True):
        by = extra["assignee"]
        events.append(
            CaseEvent(
                case=case,
                at=case.created_at,
                kind="opened",
                message=f"{josa(str(case.get_channel_display()), '로/으로')} 접수",
                by=None,
            )
        )
        if case.first_responded_at and case.kind == "complaint":
            t = case.first_responded_at
            steps.append(
                CaseStep(case=case, step="apologise", note="불편을 드려 죄송합니다.", done_at=t, by=by)
            )
            steps.append(
                CaseStep(case=case, step="listen", note=case.body, done_at=t + dt.timedelta(minutes=3), by=by)
            )
            if case.resolved_at or rng.random() < 0.5:
                steps.append(
                    CaseStep(
                        case=case,
                        step="confirm",
                        note="말씀하신 내용이 맞는지 확인드렸고 동의하셨습니다.",
                        done_at=t + dt.timedelta(minutes=6),
                        by=by,
                    )
                )
        if case.resolved_at:
            steps.append(
                CaseStep(
                    case=case,
                    step="resolve",
                    note=case.get_resolution_type_display(),
                    done_at=case.resolved_at,
                    by=by,
                )
            )
            events.append(
                CaseEvent(
                    case=case,
                    at=case.resolved_at,
                    kind="resolved",
                    message=f"해결: {case.get_resolution_type_display()}",
                    by=by,
                )
            )
        if case.satisfaction_score and case.resolved_at:
            steps.append(
                CaseStep(
                    case=case,
                    step="follow_up",
                    note="",
                    done_at=case.resolved_at + dt.timedelta(days=1),
                    by=by,
                )
            )
        if case.resolution_breached_at and case.resolution_due:
            events.append(
                CaseEvent(
                    case=case,
                    at=case.resolution_due,
                    kind="escalated",
                    message="해결 기한을 넘겨 팀장에게 올렸습니다.",
                )
            )
        if case.difficult_type:
            events.append(
                CaseEvent(
                    case=case,
                    at=case.created_at + dt.timedelta(minutes=5),
                    kind="difficult",
                    message=f"까다로운 고객 유형: {case.get_difficult_type_display()}",
                    by=by,
                )
            )
        if (
            case.team
            and case.category
            and case.category.parent
            and case.category.parent.code == "staff"
            and rng.random() < 0.4
            and "cs" in teams
        ):
            at = case.created_at + dt.timedelta(minutes=20)
            due = calendar.add(at, dt.timedelta(hours=8))
            accepted = at + dt.timedelta(hours=float(rng.uniform(1, 30)))
            handoffs.append(
                Handoff(
                    case=case,
                    from_team=teams["cs"],
                    to_team=case.team,
                    reason="매장 응대 건 이관",
                    by=by,
                    at=at,
                    due_at=due,
                    accepted_at=min(accepted, context.end),
                    accepted_by=by,
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    CaseStep.objects.bulk_create(steps, batch_size=5000, ignore_conflicts=True)
    Handoff.objects.bulk_create(handoffs, batch_size=2000)
    flags = 0
    managers = [u for u in context.staff if u.staff.role == "manager"]
    for index, (type_, status) in enumerate(
        [
            ("thief", "exit_approved"),
            ("belligerent", "exit_proposed"),
            ("rule_breaker", "flagged"),
            ("credit_default", "reversed"),
        ]
    ):
        customer = customers[-(index + 1)]
        at = end - dt.timedelta(days=30 - index * 5)
        CustomerFlag.objects.create(
            customer=customer,
            type=type_,
            status=status,
            flagged_by=agents[0],
            flagged_at=at,
            evidence="반복된 사례와 관련 주문/VOC 건을 근거로 기록했습니다.",
            proposed_by=managers[0] if status != "flagged" else None,
            dedicated_handler=managers[0] if status != "flagged" else None,
            customer_notified_at=at + dt.timedelta(days=2) if status == "exit_approved" else None,
            reviewed_by=managers[-1] if status == "exit_approved" else None,
            history=[{"at": at.isoformat(), "by": agents[0].username, "action": "flagged", "note": ""}],
            reversed_reason="오해로 확인되어 해제" if status == "reversed" else "",
        )
        flags += 1
    prevention = len(detect_recurrence(now=end))
    return {"VOC": len(saved), "불량고객 기록": flags, "재발 방지 조치": prevention}
