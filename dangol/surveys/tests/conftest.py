from __future__ import annotations

from typing import Any

import pytest

from dangol.surveys import services
from dangol.surveys.models import Survey


def build_customer_survey(
    shop: dict[str, Any], *, code: str = "after-visit", anonymous: bool = False, promotional: bool = False
) -> Survey:
    survey = services.survey_create(
        code=code,
        title="매장 방문 만족도",
        by=shop["manager"],
        touchpoint=shop["store"],
        owner_team=shop["ops"],
        anonymous=anonymous,
        promotional=promotional,
    )
    services.question_add(survey=survey, kind="csat", code="overall", text="전반적으로 만족하셨나요?")
    services.question_add(survey=survey, kind="nps", code="recommend", text="친구에게 추천하시겠어요?")
    services.question_add(
        survey=survey,
        kind="csat",
        code="kindness",
        text="직원이 친절했나요?",
        aspect="people",
        dimension="empathy",
    )
    services.question_add(
        survey=survey,
        kind="csat",
        code="price",
        text="가격이 적당했나요?",
        aspect="physical",
        dimension="tangibles",
    )
    services.question_add(
        survey=survey,
        kind="gap",
        code="wait",
        text="대기 시간",
        aspect="physical",
        dimension="responsiveness",
        required=False,
    )
    services.question_add(
        survey=survey, kind="text", code="why", text="그렇게 답하신 이유는?", required=False
    )
    services.survey_set_status(survey=survey, status="active")
    return survey


@pytest.fixture
def survey(shop: dict[str, Any]) -> Survey:
    return build_customer_survey(shop)


GOOD = {
    "overall": "5",
    "recommend": "10",
    "kindness": "5",
    "price": "4",
    "wait": "6",
    "wait__expectation": "5",
}
BAD = {"overall": "1", "recommend": "2", "kindness": "1", "price": "3", "why": "직원이 불친절했어요"}


def run_worker() -> None:
    """Run what the job worker has queued (the follow-up cases of web answers), as `dangol worker` does."""
    from django.core.management import call_command

    call_command("worker", "--batch", verbosity=0)
