"""A launch's set-based path (members read as ids, customers loaded with only the columns a draft reads, keys bound
as they are, the frequency cap asked per 5,000 ids) stores, for every treated member of a mixed audience, exactly
the message the one-at-a-time path (`message_draft`, what `message_queue` stores) makes for that customer: the
same consent, suspension, night-time, advertising-label and address rules, the same per-message record."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangol.campaigns import services as campaigns
from dangol.campaigns.models import Campaign, CampaignMember
from dangol.campaigns.services import campaign_create, campaign_launch, campaign_run, segment_create
from dangol.campaigns.tests.conftest import category, make_customer, order
from dangol.customers.models import Customer
from dangol.customers.services import consent_set
from dangol.loyalty.models import CustomerValue
from dangol.messaging import rules
from dangol.messaging import services as messaging
from dangol.messaging.models import Message, MessageEvent

pytestmark = pytest.mark.django_db

SEOUL = rules.SEOUL


def _night() -> dt.datetime:
    """22:00 in Seoul on today's Seoul date (within the 7-day cap window of the messages queued now)."""
    local = timezone.now().astimezone(SEOUL)
    return local.replace(hour=22, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


@pytest.fixture
def mixed(shop: dict[str, Any], promo: Any) -> dict[str, list[Customer]]:
    """Three of each: SMS consent with and without night-time consent, refused, never decided (one of them
    bought this month, so the 6-month exemption lets the advert go), suspended, capped, and no phone."""
    fresh = category("fresh", "신선식품")
    promo.goods_kind = "신선식품"
    promo.save(update_fields=["goods_kind"])
    groups: dict[str, list[Customer]] = {}

    def make(group: str, i: int, **kw: Any) -> Customer:
        c = make_customer(f"{group}{i}", value_tier="super" if i % 2 else "regular", clv=10_000, **kw)
        groups.setdefault(group, []).append(c)
        return c

    for i in range(3):
        make("consent_night", i, consent=True)
        consent_set(
            customer=groups["consent_night"][i], purpose="marketing_night", granted=True, source="테스트"
        )
        make("consent_day", i, consent=True)
        refused = make("refused", i)
        consent_set(customer=refused, purpose="marketing_sms", granted=False, source="테스트")
        undecided = make("undecided", i)
        if i == 0:
            order(undecided, at=timezone.now() - dt.timedelta(days=10), cat=fresh)
        suspended = make("suspended", i, consent=True)
        Customer.objects.filter(pk=suspended.pk).update(processing_suspended_at=timezone.now())
        capped = make("capped", i, consent=True)
        for k in range(2):  # two adverts this week: the cap (2 per 7 days) is reached
            messaging.message_queue(customer=capped, template=promo, purpose_ref=f"earlier:{capped.pk}:{k}")
        no_phone = make("no_phone", i, consent=True)
        Customer.objects.filter(pk=no_phone.pk).update(phone="", phone_last4="")
    return groups


def _launch(shop: dict[str, Any], promo: Any, *, name: str = "되찾기") -> Campaign:
    segment = segment_create(name=f"{name} 대상", definition=[{"field": "clv", "min": 1}], by=shop["manager"])
    campaign = campaign_create(
        name=name, goal="win_back", segment=segment, template=promo, control_share=0, by=shop["manager"]
    )
    campaign_launch(campaign=campaign, by=shop["manager"])
    return campaign


def _stored(campaign: Campaign) -> dict[int, Message]:
    return {m.customer_id: m for m in Message.objects.filter(purpose_ref__startswith=campaign.ref_prefix)}


def test_every_message_is_the_one_the_single_path_makes(
    shop: dict[str, Any], promo: Any, mixed: dict[str, list[Customer]], monkeypatch: Any
) -> None:
    monkeypatch.setattr(campaigns, "BATCH", 4)  # several batches, each resuming after the last member handled
    at = _night()
    campaign = _launch(shop, promo)
    done = campaign_run(campaign.pk, now=at)
    assert done.status == "done"
    stored = _stored(done)
    capped = {c.pk for c in mixed["capped"]}
    everyone = {c.pk for group in mixed.values() for c in group}
    members = set(CampaignMember.objects.filter(campaign=done).values_list("customer_id", flat=True))
    assert members == everyone - capped and set(stored) == members
    assert done.results["capped"] == 3 and done.progress_done == done.progress_total == len(members)
    promo.refresh_from_db()
    for pk, message in stored.items():
        expected = messaging.message_draft(
            customer=Customer.objects.get(pk=pk), template=promo, variables={}, now=at
        )
        got = (message.status, message.blocked_rule, message.channel, message.recipient, message.body)
        assert got == (
            expected.status,
            expected.blocked_rule,
            expected.channel,
            expected.recipient,
            expected.body,
        )
        assert message.not_before == expected.not_before and message.legal_basis == expected.legal_basis
    # the rules, group by group
    by_group = {
        group: Counter((stored[c.pk].status, stored[c.pk].blocked_rule) for c in people if c.pk in stored)
        for group, people in mixed.items()
    }
    assert by_group["consent_night"] == {("queued", ""): 3}
    assert by_group["consent_day"] == {("queued", ""): 3}
    assert by_group["refused"] == {("blocked", "ad_consent_withdrawn"): 3}
    assert by_group["undecided"] == {("queued", ""): 1, ("blocked", "ad_no_consent"): 2}
    assert by_group["suspended"] == {("blocked", rules.SUSPENDED_RULE): 3}
    assert by_group["no_phone"] == {("blocked", rules.NO_ADDRESS_RULE): 3}
    night_held = {pk for pk, m in stored.items() if m.not_before is not None}
    without_night_consent = {c.pk for c in mixed["consent_day"]} | {mixed["undecided"][0].pk}
    assert night_held == without_night_consent
    assert all(m.not_before.astimezone(SEOUL).hour == 8 for pk, m in stored.items() if pk in night_held)
    # the advertising label and the free opt-out number on every advert that goes
    for m in stored.values():
        if m.status == "queued":
            assert m.body.startswith("(광고)단골상점") and "080-123-4567" in m.body
    # one first event per message, and the campaign's report counts by rule what the rows say
    assert MessageEvent.objects.filter(message__in=list(stored.values())).count() == len(stored)
    report = done.results["messages"]
    assert report["blocked_by_rule"] == dict(
        Counter(m.blocked_rule for m in stored.values() if m.status == "blocked")
    )
    assert report["held_for_night"] == len(night_held)


def test_a_rerun_after_a_crash_queues_nothing_twice(
    shop: dict[str, Any], promo: Any, mixed: dict[str, list[Customer]], monkeypatch: Any
) -> None:
    monkeypatch.setattr(campaigns, "BATCH", 5)
    at = _night()
    campaign = _launch(shop, promo)
    campaign_run(campaign.pk, now=at)
    first = {pk: (m.pk, m.status, m.body) for pk, m in _stored(campaign).items()}
    # as if the worker died after the messages were stored but before the members were marked
    Campaign.objects.filter(pk=campaign.pk).update(status="running")
    CampaignMember.objects.filter(campaign=campaign).update(queued=False)
    again = campaign_run(campaign.pk, now=at)
    assert again.status == "done"
    assert {pk: (m.pk, m.status, m.body) for pk, m in _stored(campaign).items()} == first
    assert not CampaignMember.objects.filter(campaign=campaign, arm="treated", queued=False).exists()


def test_a_batch_costs_the_same_statements_for_3_customers_as_for_18(
    shop: dict[str, Any], promo: Any, mixed: dict[str, list[Customer]], monkeypatch: Any
) -> None:
    """Only the columns a draft reads are loaded, keys are bound in one statement: a column read later, or a
    look-up per customer, would add statements with every customer in the batch."""
    monkeypatch.setattr(campaigns, "BATCH", 50)
    three = [mixed["consent_night"][0], mixed["undecided"][1], mixed["suspended"][0]]  # each kind of question
    CustomerValue.objects.filter(customer__in=three).update(clv=20_000)
    counts = {}
    for name, definition in (
        ("셋", [{"field": "clv", "min": 15_000}]),
        ("모두", [{"field": "clv", "min": 1}]),
    ):
        segment = segment_create(name=name, definition=definition, by=shop["manager"])
        campaign = campaign_create(
            name=name, goal="win_back", segment=segment, template=promo, control_share=0, by=shop["manager"]
        )
        campaign_launch(campaign=campaign, by=shop["manager"])
        with CaptureQueriesContext(connection) as queries:
            done = campaign_run(campaign.pk, now=_night())
        counts[done.results["treated"]] = len(queries)
    assert set(counts) == {3, 18}
    assert counts[3] == counts[18]


def test_bulk_queue_with_partial_customers_matches_message_queue(
    shop: dict[str, Any], promo: Any, mixed: dict[str, list[Customer]]
) -> None:
    """messages_queue_bulk given customers loaded with DRAFT_CUSTOMER_FIELDS stores what message_queue stores."""
    at = _night()
    people = list(Customer.objects.filter(pk__in=[c.pk for group in mixed.values() for c in group]))
    partial = Customer.objects.only(*messaging.DRAFT_CUSTOMER_FIELDS).filter(pk__in=[c.pk for c in people])
    result = messaging.messages_queue_bulk(
        recipients=[messaging.BulkRecipient(customer=c, purpose_ref=f"bulk:{c.pk}") for c in partial],
        template=promo,
        now=at,
    )
    for c in people:
        messaging.message_queue(customer=c, template=promo, purpose_ref=f"single:{c.pk}", now=at)
    fields = (
        "customer_id",
        "status",
        "blocked_rule",
        "channel",
        "recipient",
        "body",
        "not_before",
        "legal_basis",
    )
    bulk = sorted(Message.objects.filter(purpose_ref__startswith="bulk:").values_list(*fields))
    single = sorted(Message.objects.filter(purpose_ref__startswith="single:").values_list(*fields))
    assert bulk == single and len(bulk) == result.stored == len(people)
    assert result.blocked_by_rule == dict(Counter(row[2] for row in bulk if row[1] == "blocked"))
