"""Sending a survey to a saved filter of the customer list (a segment), through the survey page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from conftest import login
from dangol.customers.models import CustomerSegment
from dangol.loyalty.models import CustomerValue
from dangol.surveys.models import Invitation
from dangol.surveys.tests.conftest import build_customer_survey


def _activate(survey):
    from dangol.surveys import services

    services.survey_set_status(survey=survey, status="active")
    return survey


def test_the_send_goes_to_whoever_matches_the_saved_filter_at_send_time(client, shop):
    survey = _activate(build_customer_survey(shop, code="care-check"))
    login(client, shop["analyst"])
    client.post("/customers/segments/", {"name": "관리 등급", "query": "tier=care"})
    segment = CustomerSegment.objects.get(name="관리 등급")
    CustomerValue.objects.create(customer=shop["kim"], value_tier="care", computed_at=timezone.now())
    login(client, shop["manager"])
    client.post(
        reverse("surveys:segment", args=[survey.pk]), {"segment": f"list:{segment.pk}", "channel": "sms"}
    )
    assert list(Invitation.objects.values_list("customer", flat=True)) == [shop["kim"].pk]


def test_without_saved_segments_the_page_points_to_the_customer_list(client, shop):
    survey = _activate(build_customer_survey(shop, code="no-segments"))
    login(client, shop["manager"])
    body = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert 'id="no-segments"' in body and 'href="/customers/"' in body and 'id="segment-send"' not in body


def test_a_segment_larger_than_the_limit_is_refused_not_cut_short(client, shop, monkeypatch):
    from dangol.surveys import sending

    monkeypatch.setattr(sending, "SEGMENT_SEND_LIMIT", 1)
    survey = _activate(build_customer_survey(shop, code="too-many"))
    everyone = CustomerSegment.objects.create(name="전체", filters={})
    login(client, shop["manager"])
    page = client.post(
        reverse("surveys:segment", args=[survey.pk]),
        {"segment": f"list:{everyone.pk}", "channel": "sms"},
        follow=True,
    )
    assert "세그먼트 고객이 1명을 넘습니다" in page.content.decode()
    assert not Invitation.objects.exists()


def test_agents_cannot_send_to_a_segment(client, shop):
    survey = _activate(build_customer_survey(shop, code="agent-no"))
    everyone = CustomerSegment.objects.create(name="전체", filters={})
    login(client, shop["agent"])
    response = client.post(
        reverse("surveys:segment", args=[survey.pk]), {"segment": f"list:{everyone.pk}", "channel": "sms"}
    )
    assert response.status_code == 403 and not Invitation.objects.exists()
