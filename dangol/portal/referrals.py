"""The referral landing page's use cases (`/r/<code>/`): what the visitor is shown, and a referee who leaves a
name and a mobile number.

The answer never tells whether the number was already a customer's: a new number becomes a customer with the
consents given on the page; a known number is matched and only its referral is recorded (its name and consents
are left alone, since nobody proved they own the number); the page after either is the same. The referral goes
through rewards' referral service, so self-referral, the monthly cap, the first qualifying purchase and the
reversal on refund are rewards' rules, not this page's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import ConsentPurpose, Customer
from dangol.customers.services import consent_set, customer_create
from dangol.portal import auth
from dangol.privacy.masking import mask_name
from dangol.rewards.ledger import RewardsError
from dangol.rewards.models import Program, Referral, ReferralCode
from dangol.rewards.referrals import referral_register

SOURCE = "추천 링크"
CONSENT_VERSION = "referral-2026-12"  # Consent.version holds 20 characters
NAME_MAX = 60


@dataclass(frozen=True)
class Offer:
    code: str
    referrer_masked: str
    referee_points: int
    referrer_points: int
    min_order_won: int


def offer_for(code: str) -> Offer | None:
    """The landing page's content for `code`, or None for an unknown code (or a forgotten referrer)."""
    found = (
        ReferralCode.objects.filter(
            code=(code or "").strip().upper(), customer__status=Customer.Status.ACTIVE
        )
        .select_related("customer")
        .first()
    )
    if found is None:
        return None
    program = Program.current()
    return Offer(
        code=found.code,
        referrer_masked=mask_name(found.customer.name),
        referee_points=program.referral_referee_points,
        referrer_points=program.referral_referrer_points,
        min_order_won=program.referral_min_order_won,
    )


@dataclass(frozen=True)
class SignUp:
    """What happened, for tests and logs; the page shows none of it."""

    customer: Customer
    created: bool
    referral: Referral | None


def referee_sign_up(
    *,
    code: str,
    name: str,
    phone: str,
    terms: bool,
    privacy: bool,
    marketing: bool,
    now: dt.datetime | None = None,
) -> SignUp:
    """Record a referee from the landing page. ValidationError (Korean, per field) for bad input; otherwise
    the same outcome for the caller whether the number was known or not."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("이름을 입력해 주세요.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("이름은 %(n)s자까지 입력할 수 있습니다.") % {"n": NAME_MAX}
    try:
        phone = auth.phone_clean(phone)
    except auth.SignInError as exc:
        errors["phone"] = str(exc)
    if not (terms and privacy):
        errors["consent"] = _("이용약관과 개인정보 수집·이용(필수)에 동의해 주셔야 신청할 수 있습니다.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        found = ReferralCode.objects.filter(code=(code or "").strip().upper()).first()
        if found is None:
            raise ValidationError({"code": _("추천 링크가 올바르지 않습니다.")})
        customer = auth.customer_for_phone(phone)
        created = customer is None
        if customer is None:
            customer = customer_create(
                data={
                    "name": name,
                    "phone": phone,
                    "acquisition_channel": Customer.Channel.REFERRAL,
                    "joined_at": now,
                }
            )
            for purpose in (ConsentPurpose.TERMS, ConsentPurpose.PRIVACY):
                consent_set(
                    customer=customer,
                    purpose=purpose,
                    granted=True,
                    source=SOURCE,
                    version=CONSENT_VERSION,
                    at=now,
                )
            if marketing:
                consent_set(
                    customer=customer,
                    purpose=ConsentPurpose.MARKETING_SMS,
                    granted=True,
                    source=SOURCE,
                    version=CONSENT_VERSION,
                    at=now,
                )
        try:
            with transaction.atomic():
                referral: Referral | None = referral_register(code=found.code, referee=customer, now=now)
        except RewardsError:  # already somebody's referee: nothing more to record
            referral = None
    return SignUp(customer=customer, created=created, referral=referral)
