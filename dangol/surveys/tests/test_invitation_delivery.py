"""Invitations and reminders leave by message (issue 14): the customer's preferred consenting channel, chosen by
messaging's rules; a promotional survey without consent is blocked, kept with its rule and shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login
from dangol.customers.services import consent_set
from dangol.messaging.models import Message
from dangol.surveys import selectors, sending, services
from dangol.surveys.models import Invitation
from dangol.surveys.tests.conftest import build_customer_survey

pytestmark = pytest.mark.django_db


def sent(invitation: Invitation) -> Message:
    assert invitation.message is not None
    return invitation.message


@pytest.fixture(autouse=True)
def _messaging(settings: Any) -> None:
    settings.DANGOL_SMS_SENDERS = ["1588-0000"]
    settings.DANGOL_PUBLIC_URL = "https://dangol.example.com"


def test_an_invitation_goes_by_the_channel_asked_for_with_its_one_time_link(shop) -> None:
    survey = build_customer_survey(shop)
    invitation, token = services.invitation_create(survey=survey, customer=shop["kim"], channel="sms")
    message = sent(invitation)
    assert (message.customer, message.channel, message.recipient, message.kind) == (
        shop["kim"],
        "lms",
        "010-9876-5432",
        "informational",  # a satisfaction survey is information: no consent needed
    )
    assert f"https://dangol.example.com{reverse('surveys:answer', args=[token])}" in message.body
    assert "매장 방문 만족도" in message.body
    assert message.purpose_ref == f"survey:{survey.pk}:invitation:{invitation.pk}"
    assert invitation.sent_at is not None and invitation.channel == "sms"


def test_a_promotional_survey_goes_by_the_customers_consenting_channel(shop) -> None:
    survey = build_customer_survey(shop, code="promo", promotional=True)
    consent_set(customer=shop["kim"], purpose="marketing_email", granted=True, source="매장")
    by_text, _ = services.invitation_create(survey=survey, customer=shop["hong"], channel="sms")
    by_mail, _ = services.invitation_create(survey=survey, customer=shop["kim"], channel="sms")
    assert (sent(by_text).channel, sent(by_text).legal_basis) == ("lms", "consent")
    assert sent(by_text).body.startswith("(광고)")  # an advert: label, sender and a free opt-out
    # kim consented to e-mail only: the text message asked for gives way to her consenting channel.
    assert (sent(by_mail).channel, by_mail.channel) == ("email", "email")
    assert sent(by_mail).subject.startswith("(광고)") and "/messages/optout/" in sent(by_mail).body


def test_a_promotional_survey_without_consent_is_blocked_with_its_rule_and_shown(
    client: Client, shop
) -> None:
    survey = build_customer_survey(shop, code="promo", promotional=True)
    made, skipped = sending.invitations_for_customers(survey=survey, customers=[shop["hong"], shop["kim"]])
    assert [i.customer for i in made] == [shop["hong"]] and skipped == 1
    blocked = Invitation.objects.get(survey=survey, customer=shop["kim"])
    assert (sent(blocked).status, sent(blocked).blocked_rule) == ("blocked", "ad_no_consent")
    assert "마케팅 수신 동의가 없고" in sent(blocked).blocked_reason
    assert blocked.sent_at is None and blocked.expires_at <= timezone.now()  # its link went nowhere
    rate = selectors.response_rate(survey)
    assert (rate["invited"], rate["blocked"], rate["blocked_rules"]) == (1, 1, [("ad_no_consent", 1)])
    login(client, shop["manager"])
    page = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert 'id="invitations-blocked"' in page and "ad_no_consent 1" in page
    outbox = client.get("/messages/?status=blocked").content.decode()
    assert "ad_no_consent" in outbox or "마케팅 수신 동의가 없고" in outbox


def test_reminders_go_by_message_to_the_invitations_that_were_delivered(shop) -> None:
    survey = build_customer_survey(shop, code="promo", promotional=True)
    past = timezone.now() - dt.timedelta(days=4)
    sending.invitations_for_customers(survey=survey, customers=[shop["hong"], shop["kim"]], now=past)
    assert sending.invitations_remind(survey=survey) == 1  # kim's was blocked: never delivered, not reminded
    hong = Invitation.objects.get(survey=survey, customer=shop["hong"])
    reminder = Message.objects.get(purpose_ref=f"survey:{survey.pk}:invitation:{hong.pk}:reminder:1")
    assert (
        reminder.customer == shop["hong"] and "아직" in reminder.body and reminder.body.startswith("(광고)")
    )
    assert sending.invitations_remind(survey=survey) == 0  # one reminder at most
