"""Data-subject requests for the demo: a couple of months of them, through the same services staff use, so the
queue has due dates (a few close, one overdue), an extension and a refusal with their notices, and answered
access, explanation and suspension requests; then the retention job runs once at the demo's end."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangol.lifecycle import selectors, services
from dangol.lifecycle.retention import destruction_run

# (days before the end, kind, channel, what the customer asked, what happens next)
_PLAN = [
    (55, "access", "portal", "제 개인정보를 모두 보여 주세요.", "done"),
    (48, "explanation", "email", "왜 제가 일반 등급인지 설명해 주세요.", "done"),
    (40, "suspension", "letter", "마케팅 분석에 제 정보를 쓰지 말아 주세요.", "done"),
    (33, "correction", "phone", "이사해서 주소를 바꾸고 싶어요.", "extend"),
    (26, "deletion", "phone", "탈퇴하고 주문 기록까지 다 지워 주세요.", "refuse"),
    (16, "access", "email", "상담 기록을 보고 싶습니다.", "open"),
    (8, "suspension", "portal", "광고 문자를 더는 받고 싶지 않아요.", "open"),
    (5, "explanation", "portal", "추천 상품이 어떻게 정해지는지 궁금해요.", "open"),
    (2, "access", "phone", "제 포인트 적립 내역 전체를 받고 싶어요.", "open"),
]


def generate_requests(context: Any) -> dict[str, int]:
    handlers = [u for u in context.staff if services.may_handle(u)]
    openers = [u for u in context.staff if u.has_perm(services.OPEN)] or handlers
    if not handlers or not context.customers:
        return {}
    manager = handlers[0]
    n = 0
    for i, (days, kind, channel, detail, fate) in enumerate(_PLAN):
        customer = context.customers[(i * 37 + 11) % len(context.customers)]
        at = context.end - dt.timedelta(days=days, hours=float(context.rng.uniform(0, 8)))
        by = None if channel == "portal" else openers[i % len(openers)]
        request = services.subject_request_open(
            customer=customer, kind=kind, channel=channel, detail=detail, by=by, now=at
        )
        n += 1
        later = at + dt.timedelta(days=2)
        if channel != "portal":
            services.subject_request_verify(request=request, method="phone_callback", by=manager, now=later)
        services.subject_request_assign(request=request, owner=manager, by=manager, now=later)
        if fate == "done":
            outcome = (
                selectors.explanation_draft(customer)
                if kind == "explanation"
                else "요청하신 대로 처리했습니다."
            )
            services.subject_request_complete(request=request, by=manager, outcome=outcome, now=later)
        elif fate == "extend":
            services.subject_request_extend(
                request=request,
                reason="새 주소 확인 서류를 받는 중이라 기한을 연장합니다.",
                by=manager,
                now=later,
            )
        elif fate == "refuse":
            services.subject_request_refuse(
                request=request,
                reason="주문·결제 기록은 전자상거래법에 따라 5년간 보관해야 해 삭제할 수 없습니다. 그 밖의 정보는 탈퇴 처리로 삭제됩니다.",
                by=manager,
                now=later,
            )
    destroyed = destruction_run(now=context.end)
    return {"정보주체 요구": n, "파기(보유기간 경과)": sum(destroyed.values())}
