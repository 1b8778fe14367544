"""The campaign path (messages_queue_bulk) applies exactly the rules of message_queue: the same customers, the
same template and moment give the same stored messages, whichever path made them."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction

from dangol.customers.models import Customer
from dangol.customers.services import consent_set, customer_create, customers_merge
from dangol.messaging import providers, services
from dangol.messaging.models import Message
from dangol.messaging.rules import MessagingError
from dangol.messaging.services import BulkRecipient, messages_queue_bulk
from dangol.messaging.tests.conftest import kst

pytestmark = pytest.mark.django_db

COMPARED = (
    "customer_id",
    "staff_id",
    "template_id",
    "template_version",
    "channel",
    "kind",
    "recipient",
    "sender",
    "subject",
    "body",
    "provider_options",
    "legal_basis",
    "status",
    "blocked_rule",
    "blocked_reason",
    "not_before",
    "next_attempt_at",
    "finished_at",
)


def person(name: str, phone: str = "", email: str = "", **consents: bool) -> Customer:
    customer = customer_create(data={"name": name, "phone": phone, "email": email})
    for purpose, granted in consents.items():
        consent_set(customer=customer, purpose=purpose, granted=granted, source="가입")
    return customer


@pytest.fixture
def crowd(shop: dict[str, Any]) -> list[Customer]:
    """One customer for each way the rules can go."""
    merged = person("병합된 고객", "010-5555-0001")
    customers_merge(survivor=shop["hong"], merged=merged, by=shop["manager"])
    merged.refresh_from_db()
    refused = person("철회", "010-5555-0004", marketing_sms=False)
    return [
        shop["hong"],  # SMS consent
        shop["kim"],  # no decision; bought coffee 5 months ago (the exemption)
        person("이메일만", "010-5555-0002", "mail@example.com", marketing_sms=False, marketing_email=True),
        person("연락처 없음"),  # no address for any channel
        person("야간 동의", "010-5555-0003", marketing_sms=True, marketing_night=True),
        refused,  # withdrew: wins over a purchase
        person("미결정", "010-5555-0005"),  # no decision, no purchase
        merged,  # goes to the customer it was merged into
    ]


def both_ways(crowd: list[Customer], template: str, now: Any, variables: Any = None) -> None:
    for i, customer in enumerate(crowd):
        with contextlib.suppress(MessagingError):
            services.message_queue(
                customer=customer,
                template_code=template,
                variables=variables(i) if variables else {},
                purpose_ref=f"single:{i}",
                now=now,
            )
    messages_queue_bulk(
        template_code=template,
        recipients=[
            BulkRecipient(customer=c, purpose_ref=f"bulk:{i}", variables=variables(i) if variables else {})
            for i, c in enumerate(crowd)
        ],
        now=now,
        batch_size=3,  # several batches
    )


OPTOUT_LINK = re.compile(r"/messages/optout/([^/\s]+)/")


def _link_named(match: re.Match[str]) -> str:
    """An opt-out link by what it names: the signed token also carries the second it was made."""
    customer, purpose = services.optout_read(match.group(1))
    return f"/messages/optout/<{customer.pk}:{purpose}>/"


def stored(prefix: str, n: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        message = Message.objects.get(purpose_ref=f"{prefix}:{i}")
        row = {field: getattr(message, field) for field in COMPARED}
        row["body"] = OPTOUT_LINK.sub(_link_named, row["body"])
        options = dict(row["provider_options"])
        if "optout_url" in options:
            options["optout_url"] = OPTOUT_LINK.sub(_link_named, options["optout_url"])
        row["provider_options"] = options
        row["events"] = list(message.events.values_list("status", "detail"))
        rows.append(row)
    return rows


@pytest.fixture(params=["one at a time", "many at once"])
def purchases(crowd: list[Customer], request: Any) -> None:
    """The orders app's answer, with and without its many-customers form (a campaign asks once per batch): kim
    and the customer who refused bought coffee five months ago."""
    five_months = kst(2026, 12, 1, 10) - relativedelta(months=5)
    bought = {crowd[1].pk: five_months, crowd[5].pk: five_months}

    def last_purchase(customer: Customer, goods_kind: str) -> Any:
        return bought.get(customer.pk) if goods_kind == "커피" else None

    def last_purchases(customer_ids: Any, goods_kind: str) -> dict[int, Any]:
        return {pk: bought[pk] for pk in customer_ids if pk in bought and goods_kind == "커피"}

    many = last_purchases if request.param == "many at once" else None
    providers.register_last_purchase(last_purchase, many=many)


@pytest.mark.parametrize("hour", [10, 22], ids=["day", "night"])
def test_a_campaign_stores_what_one_at_a_time_would(shop, templates, crowd, purchases, hour) -> None:
    both_ways(crowd, "coffee_promo", kst(2026, 12, 1, hour))
    single, bulk = stored("single", len(crowd)), stored("bulk", len(crowd))
    assert single == bulk
    outcomes = [(row["status"], row["blocked_rule"], row["legal_basis"], row["channel"]) for row in single]
    assert outcomes == [
        ("queued", "", "consent", "sms"),
        ("queued", "", "transaction_6m", "sms"),
        ("queued", "", "consent", "email"),
        ("blocked", "no_address", "", "sms"),
        ("queued", "", "consent", "sms"),
        ("blocked", "ad_consent_withdrawn", "", "sms"),
        ("blocked", "ad_no_consent", "", "sms"),
        ("queued", "", "consent", "sms"),
    ]
    held = [row["not_before"] is not None for row in single]
    # At night the text adverts wait for 08:00, except with night consent; e-mail is outside the rule.
    assert held == ([True, True, False, False, False, False, False, True] if hour == 22 else [False] * 8)
    assert single[7]["customer_id"] == shop["hong"].pk


def test_bad_input_is_refused_for_that_recipient_only(shop, templates, crowd) -> None:
    result = messages_queue_bulk(
        template_code="free_text",
        recipients=[
            BulkRecipient(customer=shop["hong"], purpose_ref="t:1", variables={"내용": "안내드립니다"}),
            BulkRecipient(customer=shop["kim"], purpose_ref="t:2", variables={}),  # #{내용} missing
            BulkRecipient(
                customer=shop["kim"], purpose_ref="t:3", variables={"내용": "☕ 새 메뉴"}
            ),  # not cp949
        ],
    )
    assert result.stored == 1 and set(result.errors) == {"t:2", "t:3"}
    assert (
        result.errors["t:2"].rule == "template_variable_missing"
        and result.errors["t:3"].rule == "text_not_cp949"
    )
    with pytest.raises(MessagingError) as single:
        services.message_queue(customer=shop["kim"], template_code="free_text", purpose_ref="t:4")
    assert single.value.rule == result.errors["t:2"].rule


def test_a_campaign_is_idempotent_per_ref_and_part_of_the_callers_transaction(shop, templates, crowd) -> None:
    recipients = [BulkRecipient(customer=c, purpose_ref=f"c:{c.pk}") for c in crowd[:3]]
    first = messages_queue_bulk(template_code="coffee_promo", recipients=recipients)
    again = messages_queue_bulk(template_code="coffee_promo", recipients=[*recipients, recipients[0]])
    assert (first.stored, again.stored, again.existing) == (3, 0, 4)
    assert first.by_status == {"queued": 2, "blocked": 1} and first.blocked_by_rule == {"ad_no_consent": 1}
    with pytest.raises(RuntimeError), transaction.atomic():
        messages_queue_bulk(
            template_code="coffee_promo", recipients=[BulkRecipient(customer=crowd[4], purpose_ref="c:late")]
        )
        raise RuntimeError("the campaign was cancelled")
    assert not Message.objects.filter(purpose_ref="c:late").exists()
