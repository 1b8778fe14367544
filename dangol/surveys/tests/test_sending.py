from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from dangol.interactions.models import Interaction
from dangol.surveys import sending
from dangol.surveys.models import Invitation
from dangol.surveys.tests.conftest import build_customer_survey


def _visit(shop, customer, touchpoint, hours_ago):
    return Interaction.objects.create(
        customer=customer,
        touchpoint=touchpoint,
        staff=shop["clerk"],
        type="visit",
        summary="방문",
        occurred_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


def test_customers_of_recent_interactions_at_the_touchpoint_are_invited_once(shop):
    survey = build_customer_survey(shop)
    survey.trigger = "interaction"
    survey.save(update_fields=["trigger"])
    visit = _visit(shop, shop["hong"], shop["store"], 2)
    _visit(shop, shop["hong"], shop["store"], 1)  # same customer again: survey fatigue, skipped
    _visit(shop, shop["kim"], shop["web"], 1)  # another touchpoint: not this survey's
    _visit(shop, shop["kim"], shop["store"], 48)  # too old
    since = timezone.now() - dt.timedelta(hours=24)
    assert sending.invitations_after_events(survey=survey, since=since) == {"invited": 1, "skipped": 1}
    invitation = Invitation.objects.get()
    assert (invitation.interaction, invitation.customer, invitation.staff, invitation.team) == (
        visit,
        shop["hong"],
        shop["clerk"],
        shop["ops"],
    )
    assert sending.invitations_after_events(survey=survey, since=since)["invited"] == 0
    out = StringIO()
    call_command("survey_invite", "--hours", "72", stdout=out)
    assert "after-visit: 초대 1건" in out.getvalue()  # kim's visit two days ago


def test_manual_surveys_are_not_sent_automatically(shop, survey):
    _visit(shop, shop["hong"], shop["store"], 1)
    assert sending.invitations_after_events(survey=survey, since=timezone.now() - dt.timedelta(days=1)) == {
        "invited": 0,
        "skipped": 0,
    }
