"""Use cases that write messages, templates and staff notices. The worker side (sending, reports, crash
recovery) is in sending.py; the 2-year consent reminder in reminders.py. See dangol/messaging/__init__.py."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from dangol.customers.models import MARKETING_PURPOSES, ConsentPurpose, Customer
from dangol.customers.services import ConflictError, consent_set
from dangol.messaging import rules, selectors
from dangol.messaging.models import (
    Channel,
    Kind,
    Message,
    MessageEvent,
    MessageTemplate,
    StaffNotice,
    StaffNoticePreference,
)
from dangol.messaging.providers import last_purchase_at
from dangol.messaging.rules import MessagingError

logger = logging.getLogger(__name__)

_OPTOUT_SALT = "dangol.messaging.optout"
OPTOUT_TEMPLATE = "optout_done"
STAFF_NOTICE_TEMPLATE = "staff_notice"


@dataclass
class Draft:
    """A message as it would be stored and sent, before it is saved (the queue and the preview share it)."""

    channel: str
    kind: str
    recipient: str
    sender: str
    subject: str
    body: str
    template: MessageTemplate | None = None
    customer: Customer | None = None
    staff: User | None = None
    status: str = Message.Status.QUEUED
    blocked_rule: str = ""
    blocked_reason: str = ""
    legal_basis: str = ""
    not_before: dt.datetime | None = None
    provider_options: dict[str, Any] = field(default_factory=dict)

    @property
    def byte_count(self) -> int | None:
        """cp949 bytes of a text message (None for e-mail, or text that cannot be encoded)."""
        if self.channel == Channel.EMAIL:
            return None
        try:
            return rules.cp949_bytes(self.body)
        except UnicodeEncodeError:
            return None


# ---------------------------------------------------------------- queueing


@transaction.atomic
def message_queue(
    *,
    customer: Customer,
    purpose_ref: str,
    template_code: str | None = None,
    template: MessageTemplate | None = None,
    variables: Mapping[str, object] | None = None,
    channel: str | None = None,
    sender: str | None = None,
    by: User | None = None,
    now: dt.datetime | None = None,
) -> Message:
    """Render a template for a customer and store the message in the caller's transaction (the outbox); the
    worker sends it after commit. `purpose_ref` ("case:12:ack") names why it is sent and makes the call
    idempotent: a second call with the same ref returns the first message. Without `channel`, the template's
    first channel the customer can be reached on (and, for an advert, has consented to) is used.

    Raises MessagingError (Korean) for bad input, and nothing is stored. A message that a legal rule stops is
    stored as "blocked" with the rule and its reason."""
    existing = Message.objects.filter(purpose_ref=purpose_ref).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    draft = message_draft(
        customer=customer,
        template=_template(template, template_code),
        variables=variables or {},
        channel=channel,
        sender=sender,
        now=now,
    )
    return _message_save(draft, purpose_ref=purpose_ref, by=by, now=now)


def message_draft(
    *,
    customer: Customer,
    template: MessageTemplate,
    variables: Mapping[str, object],
    channel: str | None = None,
    sender: str | None = None,
    now: dt.datetime,
) -> Draft:
    """The message `message_queue` would store, without storing it (the template page's preview)."""
    customer = _survivor(customer)
    values = {**_customer_variables(customer), **{k: v for k, v in variables.items() if v not in (None, "")}}
    subject = rules.render(template.subject, values)
    body = rules.render(template.body, values)
    chosen, verdict, recipient = _choose_channel(customer, template, channel, now)
    draft = Draft(
        channel=chosen,
        kind=template.kind,
        recipient=recipient,
        sender="",
        subject=subject,
        body=body,
        template=template,
        customer=customer,
        legal_basis=verdict.basis,
    )
    if not verdict.allowed:
        draft.status, draft.blocked_rule, draft.blocked_reason = (
            Message.Status.BLOCKED,
            verdict.code,
            verdict.reason,
        )
    if template.kind == Kind.ADVERTISING:
        draft.provider_options["goods_kind"] = template.goods_kind
        purpose = rules.CONSENT_PURPOSE[chosen]
        url = optout_url(customer, purpose)
        draft.subject, draft.body = rules.ad_decorate(
            channel=chosen,
            subject=subject,
            body=body,
            sender_name=settings.DANGOL_MESSAGING_SENDER_NAME,
            sender_contact=settings.DANGOL_MESSAGING_SENDER_CONTACT,
            optout_phone=settings.DANGOL_SMS_OPTOUT_NUMBER,
            optout_url=url,
        )
        if chosen in (Channel.EMAIL, Channel.BRAND):
            draft.provider_options["optout_url"] = url
    _fit_channel(draft, template, values, sender)
    if draft.status == Message.Status.QUEUED:
        draft.not_before = rules.night_deferral(
            kind=template.kind, channel=chosen, night_consent=selectors.night_consent(customer), now=now
        )
    return draft


def _fit_channel(
    draft: Draft, template: MessageTemplate, values: Mapping[str, object], sender: str | None
) -> None:
    """Sender, type and lengths for the chosen channel; raises MessagingError when the text cannot go."""
    if draft.channel == Channel.EMAIL:
        draft.sender = sender or settings.DEFAULT_FROM_EMAIL
        return
    draft.sender = rules.sender_check(sender, settings.DANGOL_SMS_SENDERS)
    if draft.channel in (Channel.SMS, Channel.LMS):
        draft.channel = rules.text_channel(draft.body)
        draft.subject = rules.lms_subject(draft.subject) if draft.channel == Channel.LMS else ""
    elif draft.channel == Channel.ALIMTALK:
        rules.alimtalk_check(draft.body, fallback=template.alimtalk_fallback)
        draft.provider_options.update(
            template_id=template.alimtalk_template_id,
            variables={f"#{{{name}}}": str(values[name]) for name in rules.placeholders(template.body)},
            fallback=template.alimtalk_fallback,
        )
        draft.subject = ""
    else:  # brand message
        draft.subject = ""


def _choose_channel(
    customer: Customer, template: MessageTemplate, channel: str | None, now: dt.datetime
) -> tuple[str, rules.Verdict, str]:
    """(channel, verdict, recipient address): the first of the template's channels that reaches the customer
    and, for an advert, that a consent or the exemption allows; else the first one, blocked with its reason."""
    if channel:
        wanted = Channel.SMS.value if channel == Channel.LMS else channel
        if wanted not in template.channels:
            allowed = ", ".join(rules.channel_label(c) for c in template.channels)
            raise MessagingError(
                f"'{template.name}' 템플릿은 {rules.channel_label(wanted)}(으)로 보낼 수 없습니다 "
                f"(이 템플릿의 채널: {allowed}).",
                code="channel_not_in_template",
            )
        candidates = [wanted]
    else:
        candidates = list(template.channels)
    if not candidates:
        raise MessagingError(f"'{template.name}' 템플릿에 채널이 없습니다.", code="template_no_channel")
    first_block: tuple[str, rules.Verdict, str] | None = None
    for candidate in candidates:
        address = _address(customer, candidate)
        if not address:
            verdict = rules.Verdict(False, rules.NO_ADDRESS_RULE, rules.no_address_reason(candidate))
            first_block = first_block or (candidate, verdict, "")
            continue
        verdict = advertising_verdict(customer, template.kind, candidate, template.goods_kind, now)
        if verdict.allowed:
            return candidate, verdict, address
        # A consent block tells more than a missing address: it replaces one recorded earlier.
        if first_block is None or first_block[1].code == rules.NO_ADDRESS_RULE:
            first_block = (candidate, verdict, address)
    assert first_block is not None
    return first_block


def advertising_verdict(
    customer: Customer, kind: str, channel: str, goods_kind: str, now: dt.datetime
) -> rules.Verdict:
    if kind != Kind.ADVERTISING:
        return rules.Verdict(True)
    consent = selectors.consent_state(customer, rules.CONSENT_PURPOSE[channel])
    last = None if consent.granted is not None else last_purchase_at(customer, goods_kind)
    return rules.advertising_allowed(channel=channel, consent=consent, last_purchase_at=last, now=now)


def _address(customer: Customer, channel: str) -> str:
    return customer.email if channel == Channel.EMAIL else customer.phone


def _customer_variables(customer: Customer) -> dict[str, str]:
    return {"고객명": customer.name, "호칭": customer.address_as}


def _survivor(customer: Customer) -> Customer:
    """A merged record's messages go to the customer it was merged into."""
    for _hop in range(10):
        if customer.status != Customer.Status.MERGED or customer.merged_into_id is None:
            return customer
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


def _template(template: MessageTemplate | None, code: str | None) -> MessageTemplate:
    if template is None:
        template = MessageTemplate.objects.filter(code=code or "").first()
        if template is None:
            raise MessagingError(f"메시지 템플릿 '{code}'이(가) 없습니다.", code="template_missing")
    if not template.active:
        raise MessagingError(f"'{template.name}' 템플릿은 사용 중지 상태입니다.", code="template_inactive")
    return template


def _message_save(draft: Draft, *, purpose_ref: str, by: User | None, now: dt.datetime) -> Message:
    message = Message(
        customer=draft.customer,
        staff=draft.staff,
        template=draft.template if draft.template and draft.template.pk else None,
        template_version=draft.template.version if draft.template else None,
        purpose_ref=purpose_ref,
        channel=draft.channel,
        kind=draft.kind,
        recipient=draft.recipient,
        sender=draft.sender,
        subject=draft.subject,
        body=draft.body,
        provider_options=draft.provider_options,
        legal_basis=draft.legal_basis,
        status=draft.status,
        blocked_rule=draft.blocked_rule,
        blocked_reason=draft.blocked_reason,
        not_before=draft.not_before,
        next_attempt_at=(draft.not_before or now) if draft.status == Message.Status.QUEUED else None,
        finished_at=now if draft.status == Message.Status.BLOCKED else None,
        queued_by=by,
    )
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # the same purpose_ref queued concurrently: that one stands
        return Message.objects.get(purpose_ref=purpose_ref)
    MessageEvent.objects.create(message=message, at=now, status=message.status, detail=_queued_detail(draft))
    return message


def _queued_detail(draft: Draft) -> str:
    if draft.status == Message.Status.BLOCKED:
        return f"[{draft.blocked_rule}] {draft.blocked_reason}"
    parts = []
    if draft.legal_basis == rules.BASIS_TRANSACTION:
        parts.append("광고: 최근 6개월 거래 고객 예외로 보냄(동의 없음)")
    if draft.not_before:
        parts.append(f"{rules.NIGHT_RULE[1]} ({draft.not_before.astimezone(rules.SEOUL):%m-%d %H:%M})")
    return " · ".join(parts)


# ---------------------------------------------------------------- opt-out without login


def optout_token(customer: Customer, purpose: str) -> str:
    return signing.dumps({"c": customer.pk, "p": purpose}, salt=_OPTOUT_SALT, compress=True)


def optout_url(customer: Customer, purpose: str) -> str:
    path = reverse("messaging:optout", args=[optout_token(customer, purpose)])
    return f"{settings.DANGOL_PUBLIC_URL.rstrip('/')}{path}"


@dataclass(frozen=True)
class Optout:
    customer: Customer
    purpose: str
    already: bool  # the consent was already withdrawn (or never given): nothing changed
    confirmation: Message | None


ALL_MARKETING = "marketing_all"  # an opt-out link for every marketing purpose at once (the 2-year reminder)


def optout_purposes(purpose: str) -> list[str]:
    return list(MARKETING_PURPOSES) if purpose == ALL_MARKETING else [purpose]


def optout_label(purpose: str) -> str:
    return "마케팅 정보 전체" if purpose == ALL_MARKETING else str(ConsentPurpose(purpose).label)


def optout_read(token: str) -> tuple[Customer, str]:
    """The customer and consent purpose a signed opt-out link names; MessagingError for a bad link."""
    try:
        data = signing.loads(token, salt=_OPTOUT_SALT)
        customer = Customer.objects.get(pk=int(data["c"]))
        purpose = str(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, Customer.DoesNotExist):
        purpose = ""
    if purpose not in (*rules.CONSENT_PURPOSE.values(), ALL_MARKETING):
        raise MessagingError(
            "수신거부 링크가 올바르지 않습니다. 받으신 메시지의 링크를 그대로 여시거나 고객센터로 연락해 주세요.",
            code="optout_bad_link",
        )
    return _survivor(customer), purpose


_CONFIRM_CHANNEL = {
    "marketing_email": Channel.EMAIL,
    "marketing_sms": Channel.SMS,
    "marketing_kakao": Channel.SMS,
}


@transaction.atomic
def optout_apply(*, token: str, now: dt.datetime | None = None) -> Optout:
    """Withdraw the marketing consent a signed link names, at once, and queue the notice of the result to the
    customer (법 제50조 제8항: within 14 days; we send it now). A purpose never decided is recorded as refused,
    so the 6-month transaction exemption no longer applies either."""
    now = now or timezone.now()
    customer, purpose = optout_read(token)
    changed = [
        p for p in optout_purposes(purpose) if selectors.consent_state(customer, p).granted is not False
    ]
    if not changed:
        return Optout(customer, purpose, already=True, confirmation=None)
    for each in changed:
        consent_set(customer=customer, purpose=each, granted=False, source="수신거부 링크", at=now)
    preferred = _CONFIRM_CHANNEL.get(purpose)
    template = MessageTemplate.objects.filter(code=OPTOUT_TEMPLATE).first()
    try:  # the withdrawal stands even if the notice cannot be queued (a template edited badly)
        confirmation: Message | None = message_queue(
            customer=customer,
            template_code=OPTOUT_TEMPLATE,
            variables={
                "수신거부일": now.astimezone(rules.SEOUL).strftime("%Y-%m-%d %H:%M"),
                "항목": optout_label(purpose),
            },
            channel=preferred if template and preferred in template.channels else None,
            purpose_ref=f"optout:{customer.pk}:{purpose}:{now.timestamp():.0f}",
            now=now,
        )
    except MessagingError as exc:
        logger.error("opt-out notice for customer %s not queued: %s", customer.pk, exc.messages[0])
        confirmation = None
    return Optout(customer, purpose, already=False, confirmation=confirmation)


# ---------------------------------------------------------------- templates


TEMPLATE_FIELDS = (
    "code",
    "name",
    "channels",
    "kind",
    "goods_kind",
    "subject",
    "body",
    "alimtalk_template_id",
    "alimtalk_fallback",
    "active",
)


@transaction.atomic
def template_save(
    *,
    template: MessageTemplate | None,
    data: Mapping[str, Any],
    by: User | None,
    expected_version: int | None = None,
) -> MessageTemplate:
    """Create or change a template after the rules (rules.template_problems); the version goes up by one."""
    values = {key: data[key] for key in TEMPLATE_FIELDS if key in data}
    current = {key: getattr(template, key) for key in TEMPLATE_FIELDS} if template else {}
    merged = {**current, **values}
    problems = rules.template_problems(
        kind=merged.get("kind", Kind.INFORMATIONAL),
        channels=list(merged.get("channels") or []),
        subject=merged.get("subject", ""),
        body=merged.get("body", ""),
        alimtalk_template_id=merged.get("alimtalk_template_id", ""),
    )
    if template is not None and template.system and not merged.get("active", True):
        problems["active"] = "시스템 템플릿은 사용 중지할 수 없습니다."
    if problems:
        raise ValidationError(problems)
    if template is None:
        if MessageTemplate.objects.filter(code=values.get("code", "")).exists():
            raise ValidationError({"code": f"이미 있는 코드입니다: {values.get('code')}"})
        return MessageTemplate.objects.create(**values, updated_by=by)
    version = template.version if expected_version is None else expected_version
    values.pop("code", None)  # the code is how callers name a template: it never changes
    updated = MessageTemplate.objects.filter(pk=template.pk, version=version).update(
        **values, version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    if not updated:
        raise ConflictError("다른 사용자가 먼저 이 템플릿을 수정했습니다. 새로 고친 뒤 다시 시도하세요.")
    template.refresh_from_db()
    return template


# ---------------------------------------------------------------- staff notices


@transaction.atomic
def staff_notify(*, user: User, kind: str, text: str, link: str = "", ref: str = "") -> StaffNotice:
    """An in-app notice (the bell), and an e-mail too when the person asked for one. With `ref`, one notice
    per (user, ref): a second call returns the first."""
    if kind not in StaffNotice.Kind.values:
        raise ValueError(f"unknown notice kind: {kind}")
    if ref:
        existing = StaffNotice.objects.filter(user=user, ref=ref).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            notice = StaffNotice.objects.create(
                user=user, kind=kind, text=text[:300], link=link[:300], ref=ref
            )
    except IntegrityError:
        return StaffNotice.objects.get(user=user, ref=ref)
    wants_mail = StaffNoticePreference.objects.filter(user=user, email_too=True).exists()
    if wants_mail and user.email:
        try:  # the notice stands even if its e-mail cannot be made (a template edited badly)
            _staff_email(notice)
        except (MessagingError, MessageTemplate.DoesNotExist) as exc:
            logger.error("notice %s not e-mailed: %s", notice.pk, exc)
        else:
            StaffNotice.objects.filter(pk=notice.pk).update(emailed=True)
            notice.emailed = True
    return notice


def _staff_email(notice: StaffNotice) -> Message:
    template = _template(None, STAFF_NOTICE_TEMPLATE)
    link = (
        f"{settings.DANGOL_PUBLIC_URL.rstrip('/')}{notice.link}"
        if notice.link.startswith("/")
        else notice.link
    )
    values = {
        "알림": notice.text,
        "링크": link or settings.DANGOL_PUBLIC_URL,
        "종류": notice.get_kind_display(),
    }
    now = timezone.now()
    draft = Draft(
        channel=Channel.EMAIL,
        kind=Kind.INFORMATIONAL,
        recipient=notice.user.email,
        sender=settings.DEFAULT_FROM_EMAIL,
        subject=rules.render(template.subject, values),
        body=rules.render(template.body, values),
        template=template,
        staff=notice.user,
    )
    return _message_save(draft, purpose_ref=f"notice:{notice.pk}", by=None, now=now)


@transaction.atomic
def notice_preference_set(*, user: User, email_too: bool) -> StaffNoticePreference:
    preference, _created = StaffNoticePreference.objects.update_or_create(
        user=user, defaults={"email_too": email_too}
    )
    return preference


def notices_mark_read(*, user: User, ids: list[int] | None = None, now: dt.datetime | None = None) -> int:
    """Mark the user's notices read (all unread ones when `ids` is None); returns how many changed."""
    qs = StaffNotice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now or timezone.now())
