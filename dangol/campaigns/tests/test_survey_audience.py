"""A survey goes to a builder segment too (dangol.customers.segments): surveys sit below campaigns and pick the
segment through the registry, never by importing campaigns."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import login
from dangol.campaigns.services import segment_create, segment_freeze
from dangol.campaigns.tests.conftest import make_customer
from dangol.customers.segments import audience_choices
from dangol.loyalty.models import CustomerValue
from dangol.surveys import services as surveys
from dangol.surveys.models import Invitation
from dangol.surveys.tests.conftest import build_customer_survey

pytestmark = pytest.mark.django_db


def test_a_survey_is_sent_to_the_members_of_a_builder_segment(client: Any, shop: dict[str, Any]) -> None:
    top = make_customer("최우수", value_tier="super", clv=900_000)
    make_customer("일반고객", value_tier="regular", clv=50_000)
    segment = segment_create(
        name="초우량 고객", definition=[{"field": "value_tier", "values": ["super"]}], by=shop["analyst"]
    )
    survey = build_customer_survey(shop, code="vip-check")
    surveys.survey_set_status(survey=survey, status="active")
    groups = dict(audience_choices())
    assert (f"segment:{segment.pk}", "초우량 고객") in groups["세그먼트 빌더의 세그먼트"]
    login(client, shop["manager"])
    page = client.get(reverse("surveys:detail", args=[survey.pk]))
    assert "초우량 고객" in page.content.decode()
    client.post(
        reverse("surveys:segment", args=[survey.pk]), {"segment": f"segment:{segment.pk}", "channel": "sms"}
    )
    assert list(Invitation.objects.values_list("customer", flat=True)) == [top.pk]
    # a frozen segment sends to its stored members, even when someone no longer matches
    frozen = segment_freeze(segment=segment)
    CustomerValue.objects.filter(customer=top).update(value_tier="regular")
    Invitation.objects.all().delete()
    client.post(
        reverse("surveys:segment", args=[survey.pk]), {"segment": f"segment:{frozen.pk}", "channel": "sms"}
    )
    assert list(Invitation.objects.values_list("customer", flat=True)) == [top.pk]


def test_a_segment_deleted_meanwhile_gets_a_korean_message_and_sends_nothing(
    client: Any, shop: dict[str, Any]
) -> None:
    survey = build_customer_survey(shop, code="gone-check")
    surveys.survey_set_status(survey=survey, status="active")
    login(client, shop["manager"])
    r = client.post(
        reverse("surveys:segment", args=[survey.pk]),
        {"segment": "segment:999999", "channel": "sms"},
        follow=True,
    )
    assert r.status_code == 200 and not Invitation.objects.exists()
    assert "세그먼트" in r.content.decode()
