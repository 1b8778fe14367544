"""Signing in to the portal with a mobile number and a one-time code, and the short session that follows.

- The code is 6 digits, stored as a keyed hash, valid 3 minutes, 5 tries; asking again makes a new one and
  the older codes for that number stop working.
- Requests are counted per number and per client IP (dangol.privacy.throttle, shared by every worker).
- The answer to "send me a code" is the same whether or not the number belongs to a customer: a code row is
  made either way, and a message goes out only to a customer.
- The session is a row keyed by a random value (hashed) that a signed cookie carries: 30 minutes idle, 8 hours
  at most, ended at once by signing out. It never logs anyone in as staff.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.customers.phone import InvalidPhone, normalize_phone
from dangol.messaging.rules import MessagingError
from dangol.messaging.services import message_queue
from dangol.portal.models import LoginCode, PortalSession
from dangol.privacy.throttle import Rule, hit

logger = logging.getLogger(__name__)

CODE_TEMPLATE = "portal_login_code"
CODE_TTL = dt.timedelta(minutes=3)
CODE_TRIES = 5
IDLE = dt.timedelta(minutes=30)
HARD_LIMIT = dt.timedelta(hours=8)
COOKIE = "dangol_my"
_COOKIE_SALT = "dangol.portal.session"

# How often a code may be asked for, per number and per client; and how often codes may be tried per client.
PER_PHONE = [Rule(3, 600), Rule(10, 86400)]
PER_CLIENT = [Rule(10, 600), Rule(30, 3600)]
VERIFY_PER_CLIENT = [Rule(20, 600)]


class SignInError(ValueError):
    """A Korean message for the customer."""


def _hash(kind: str, value: str) -> str:
    return salted_hmac(f"dangol.portal.{kind}", value).hexdigest()


def phone_clean(raw: str) -> str:
    try:
        phone = normalize_phone(raw or "")
    except InvalidPhone as exc:
        raise SignInError(_("휴대전화 번호를 010-1234-5678처럼 입력해 주세요.")) from exc
    if not phone.startswith("01"):
        raise SignInError(_("휴대전화 번호를 010-1234-5678처럼 입력해 주세요."))
    return phone


def customer_for_phone(phone: str) -> Customer | None:
    """The active customer with this mobile number; the longest-standing one if a duplicate was never merged."""
    return (
        Customer.objects.filter(phone=phone, status=Customer.Status.ACTIVE)
        .order_by("joined_at", "id")
        .first()
    )


@transaction.atomic
def code_request(*, phone: str, client: str, now: dt.datetime | None = None) -> LoginCode:
    """Make a code for `phone` (canonical) and send it if the number is a customer's. RateLimited when the
    number or the client asked too often. The caller answers the same in every other case."""
    hit("portal-code-client", client, PER_CLIENT, now=now)
    hit("portal-code-phone", phone, PER_PHONE, now=now)
    now = now or timezone.now()
    phone_hash = _hash("phone", phone)
    LoginCode.objects.filter(phone_hash=phone_hash, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = LoginCode.objects.create(
        phone_hash=phone_hash,
        code_hash=_hash("code", f"{phone}|{code}"),
        created_at=now,
        expires_at=now + CODE_TTL,
    )
    customer = customer_for_phone(phone)
    if customer is not None:
        try:
            message_queue(
                customer=customer,
                template_code=CODE_TEMPLATE,
                variables={"인증번호": code},
                channel="sms",
                purpose_ref=f"portal-code:{row.pk}",
                now=now,
            )
        except MessagingError as exc:  # logged; the customer sees the same page and may ask again
            logger.error("portal sign-in code %s not queued: %s", row.pk, exc.messages[0])
    return row


def code_verify(*, phone: str, code: str, client: str, now: dt.datetime | None = None) -> Customer:
    """The customer whose number and current code these are, the code used up; else SignInError (one message
    for a wrong, expired or used-up code, and for a number that is nobody's). Not one transaction: a wrong try
    must stay counted when the error is raised."""
    hit("portal-verify-client", client, VERIFY_PER_CLIENT, now=now)
    now = now or timezone.now()
    wrong = SignInError(_("인증번호가 맞지 않거나 만료되었습니다. 인증번호를 다시 받아 주세요."))
    row = (
        LoginCode.objects.filter(phone_hash=_hash("phone", phone), used_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.expires_at <= now or row.tries >= CODE_TRIES:
        raise wrong
    # Count the try first (conditional, so two tries at once cannot both be the fifth).
    counted = LoginCode.objects.filter(pk=row.pk, tries__lt=CODE_TRIES, used_at__isnull=True).update(
        tries=F("tries") + 1
    )
    given = "".join(ch for ch in (code or "") if ch.isdigit())[:6]
    if not counted or not constant_time_compare(row.code_hash, _hash("code", f"{phone}|{given}")):
        if row.tries + 1 >= CODE_TRIES:
            LoginCode.objects.filter(pk=row.pk).update(used_at=now)
        raise wrong
    customer = customer_for_phone(phone)
    if customer is None:
        raise wrong
    LoginCode.objects.filter(pk=row.pk).update(used_at=now)
    return customer


# ---------------------------------------------------------------- sessions


@dataclass(frozen=True)
class Started:
    session: PortalSession
    cookie_value: str


@transaction.atomic
def session_start(*, customer: Customer, now: dt.datetime | None = None) -> Started:
    now = now or timezone.now()
    key = secrets.token_urlsafe(32)
    session = PortalSession.objects.create(
        key_hash=_hash("session", key),
        customer=customer,
        created_at=now,
        last_seen_at=now,
        expires_at=now + HARD_LIMIT,
    )
    return Started(session, signing.dumps(key, salt=_COOKIE_SALT))


def _session_for(cookie_value: str | None) -> PortalSession | None:
    if not cookie_value:
        return None
    try:
        key = signing.loads(cookie_value, salt=_COOKIE_SALT, max_age=HARD_LIMIT)
    except signing.BadSignature:
        return None
    return (
        PortalSession.objects.select_related("customer")
        .filter(key_hash=_hash("session", str(key)), ended_at__isnull=True)
        .first()
    )


def session_customer(request: HttpRequest, *, now: dt.datetime | None = None) -> Customer | None:
    """The signed-in customer, the session kept alive; None when there is none or it has lapsed."""
    now = now or timezone.now()
    session = _session_for(request.COOKIES.get(COOKIE))
    if session is None:
        return None
    if session.expires_at <= now or session.last_seen_at + IDLE <= now:
        PortalSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=now)
        return None
    customer = session.customer
    if customer.status != Customer.Status.ACTIVE:
        return None
    if now - session.last_seen_at > dt.timedelta(minutes=1):  # one write a minute is enough
        PortalSession.objects.filter(pk=session.pk).update(last_seen_at=now)
    return customer


def session_end(request: HttpRequest, *, now: dt.datetime | None = None) -> bool:
    session = _session_for(request.COOKIES.get(COOKIE))
    if session is None:
        return False
    return bool(
        PortalSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
            ended_at=now or timezone.now()
        )
    )


def cookie_set(response: HttpResponseBase, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(HARD_LIMIT.total_seconds()),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
        path="/my/",
    )


def cookie_clear(response: HttpResponseBase) -> None:
    response.delete_cookie(COOKIE, path="/my/", samesite="Lax")
