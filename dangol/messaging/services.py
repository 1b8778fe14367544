"""Use cases that write messages, templates and staff notices. The worker side (sending, reports, crash
recovery) is in sending.py; the 2-year consent reminder in reminders.py. See dangol/messaging/__init__.py."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Iterable, Iterator, Mapping
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
from django.utils.translation import gettext as _

from dangol.common.keys import key_in
from dangol.customers.models import ADVERTISING_PURPOSES, ConsentPurpose, Customer
from dangol.customers.services import ConflictError, consent_set
from dangol.messaging import rules, selectors
from dangol.messaging.inserts import RowInserter, insert_first_events
from dangol.messaging.models import (
    Channel,
    Kind,
    Message,
    MessageEvent,
    MessageTemplate,
    StaffNotice,
    StaffNoticePreference,
)
from dangol.messaging.providers import last_purchase_at, last_purchases_at
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


@dataclass(frozen=True)
class Contact:
    """Someone who is not a customer record (yet), reached at the address they gave: the phone or e-mail typed
    into the public VOC form. Only informational messages go to a contact: there is no consent to read."""

    name: str = ""
    phone: str = ""
    email: str = ""


class Facts:
    """What the advertising rules ask about a customer: a channel's consent, night-time consent, the last
    purchase of a kind of goods. By default each question is one query; a campaign preloads a batch's consents
    (`preload`), so that message_queue and messages_queue_bulk run the very same rules on the same answers."""

    def __init__(self) -> None:
        self._consents: dict[tuple[int, str], rules.ConsentState] = {}
        self._customers: set[int] = set()
        self._purposes: set[str] = set()
        self._purchases: dict[tuple[int, str], dt.datetime | None] = {}

    def preload(self, customer_ids: list[int], purposes: list[str], *, goods_kind: str | None = None) -> None:
        """A batch's consents in one query; with `goods_kind`, the last purchases of those who never decided on
        a channel's consent (the only ones the exemption is asked for), in one more when orders can answer so."""
        self._consents = selectors.consent_states(customer_ids, purposes)
        self._customers, self._purposes = set(customer_ids), set(purposes)
        self._purchases = {}
        if goods_kind is None:
            return
        channel_purposes = [p for p in purposes if p != rules.NIGHT_CONSENT_PURPOSE]
        undecided = [
            pk for pk in customer_ids if any((pk, p) not in self._consents for p in channel_purposes)
        ]
        found = last_purchases_at(undecided, goods_kind) if undecided else {}
        if found is not None:
            self._purchases = {(pk, goods_kind): found.get(pk) for pk in undecided}

    def consent(self, customer: Customer, purpose: str) -> rules.ConsentState:
        if customer.pk in self._customers and purpose in self._purposes:
            return self._consents.get((customer.pk, purpose), _UNDECIDED)
        return selectors.consent_state(customer, purpose)

    def night_consent(self, customer: Customer) -> bool:
        return bool(self.consent(customer, rules.NIGHT_CONSENT_PURPOSE).granted)

    def last_purchase(self, customer: Customer, goods_kind: str) -> dt.datetime | None:
        key = (customer.pk, goods_kind)
        if key not in self._purchases:  # asked once per customer, though several channels may ask
            self._purchases[key] = last_purchase_at(customer, goods_kind)
        return self._purchases[key]


_UNDECIDED = rules.ConsentState(None)


@transaction.atomic
def message_queue(
    *,
    customer: Customer | None = None,
    purpose_ref: str,
    contact: Contact | None = None,
    template_code: str | None = None,
    template: MessageTemplate | None = None,
    variables: Mapping[str, object] | None = None,
    channel: str | None = None,
    prefer: str | None = None,
    sender: str | None = None,
    by: User | None = None,
    now: dt.datetime | None = None,
) -> Message:
    """Render a template for a customer and store the message in the caller's transaction (the outbox); the
    worker sends it after commit. `purpose_ref` ("case:12:ack") names why it is sent and makes the call
    idempotent: a second call with the same ref returns the first message. Without `channel`, the template's
    first channel the customer can be reached on (and, for an advert, has consented to) is used; `prefer` puts
    one of the template's channels first without excluding the others.

    `contact` instead of `customer`: an informational message to a bare phone number or e-mail address
    (someone who wrote to us and is not linked to a customer record).

    Raises MessagingError (Korean) for bad input, and nothing is stored. A message that a legal rule stops is
    stored as "blocked" with the rule and its reason."""
    existing = Message.objects.filter(purpose_ref=purpose_ref).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    draft = message_draft(
        customer=customer,
        contact=contact,
        template=_template(template, template_code),
        variables=variables or {},
        channel=channel,
        prefer=prefer,
        sender=sender,
        now=now,
    )
    return _message_save(draft, purpose_ref=purpose_ref, by=by, now=now)


def message_draft(
    *,
    customer: Customer | None = None,
    contact: Contact | None = None,
    template: MessageTemplate,
    variables: Mapping[str, object],
    channel: str | None = None,
    prefer: str | None = None,
    sender: str | None = None,
    now: dt.datetime,
    facts: Facts | None = None,
) -> Draft:
    """The message `message_queue` would store, without storing it (the template page's preview)."""
    facts = facts or Facts()
    if (customer is None) == (contact is None):
        raise ValueError("message_draft needs a customer or a contact, not both")
    if customer is not None:
        customer = _survivor(customer)
    elif template.kind == Kind.ADVERTISING:
        raise MessagingError(
            _(
                "'%(template)s'은(는) 광고성 템플릿입니다. 광고는 수신 동의를 확인할 수 있는 고객에게만 보냅니다."
            )
            % {"template": template.name},
            code="ad_needs_customer",
        )
    given = {k: v for k, v in variables.items() if v not in (None, "")}
    values = {**_recipient_variables(customer, contact), **given}
    subject = rules.render(template.subject, values)
    body = rules.render(template.body, values)
    chosen, verdict, recipient = _choose_channel(customer, contact, template, channel, prefer, now, facts)
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
    if contact is not None and contact.name:
        draft.provider_options["contact_name"] = contact.name  # the outbox masks it like a customer's name
    if not verdict.allowed:
        draft.status, draft.blocked_rule, draft.blocked_reason = (
            Message.Status.BLOCKED,
            verdict.code,
            verdict.reason,
        )
    if template.kind == Kind.ADVERTISING and customer is not None:
        draft.provider_options["goods_kind"] = template.goods_kind
        # A text message carries the 080 number; the other channels a link (made only for them: it is signed).
        url = (
            ""
            if chosen in (Channel.SMS, Channel.LMS)
            else optout_url(customer, rules.CONSENT_PURPOSE[chosen])
        )
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
    if draft.status == Message.Status.QUEUED and customer is not None:
        draft.not_before = rules.night_deferral(
            kind=template.kind, channel=chosen, night_consent=facts.night_consent(customer), now=now
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
    customer: Customer | None,
    contact: Contact | None,
    template: MessageTemplate,
    channel: str | None,
    prefer: str | None,
    now: dt.datetime,
    facts: Facts,
) -> tuple[str, rules.Verdict, str]:
    """(channel, verdict, recipient address): the first of the template's channels that reaches the customer
    and, for an advert, that a consent or the exemption allows; else the first one, blocked with its reason."""
    if channel:
        wanted = Channel.SMS.value if channel == Channel.LMS else channel
        if wanted not in template.channels:
            allowed = ", ".join(rules.channel_label(c) for c in template.channels)
            raise MessagingError(
                _(
                    "'%(template)s' 템플릿은 %(channel)s(으)로 보낼 수 없습니다 (이 템플릿의 채널: %(allowed)s)."
                )
                % {"template": template.name, "channel": rules.channel_label(wanted), "allowed": allowed},
                code="channel_not_in_template",
            )
        candidates = [wanted]
    else:
        candidates = list(template.channels)
        first = Channel.SMS.value if prefer == Channel.LMS else prefer
        if first in candidates:
            candidates.remove(first)
            candidates.insert(0, first)
    if not candidates:
        raise MessagingError(
            _("'%(template)s' 템플릿에 채널이 없습니다.") % {"template": template.name},
            code="template_no_channel",
        )
    first_block: tuple[str, rules.Verdict, str] | None = None
    for candidate in candidates:
        address = _address(customer, contact, candidate)
        if not address:
            verdict = rules.Verdict(False, rules.NO_ADDRESS_RULE, rules.no_address_reason(candidate))
            first_block = first_block or (candidate, verdict, "")
            continue
        if customer is None:  # a contact: informational only (checked by message_draft)
            return candidate, rules.Verdict(True), address
        verdict = advertising_verdict(
            customer, template.kind, candidate, template.goods_kind, now, facts=facts
        )
        if verdict.allowed:
            return candidate, verdict, address
        # A consent block tells more than a missing address: it replaces one recorded earlier.
        if first_block is None or first_block[1].code == rules.NO_ADDRESS_RULE:
            first_block = (candidate, verdict, address)
    assert first_block is not None
    return first_block


def advertising_verdict(
    customer: Customer,
    kind: str,
    channel: str,
    goods_kind: str,
    now: dt.datetime,
    *,
    facts: Facts | None = None,
) -> rules.Verdict:
    if kind != Kind.ADVERTISING:
        return rules.Verdict(True)
    if (
        customer.processing_suspended_at is not None
    ):  # 처리정지 (개인정보 보호법 제37조), set by dangol.lifecycle
        return rules.Verdict(False, rules.SUSPENDED_RULE, rules.suspended_reason())
    facts = facts or Facts()
    consent = facts.consent(customer, rules.CONSENT_PURPOSE[channel])
    last = None if consent.granted is not None else facts.last_purchase(customer, goods_kind)
    return rules.advertising_allowed(channel=channel, consent=consent, last_purchase_at=last, now=now)


def _address(customer: Customer | None, contact: Contact | None, channel: str) -> str:
    who: Customer | Contact | None = customer if customer is not None else contact
    if who is None:
        return ""
    return who.email if channel == Channel.EMAIL else who.phone


def _recipient_variables(customer: Customer | None, contact: Contact | None) -> dict[str, str]:
    """#{고객명} and #{호칭}, filled for every message."""
    if customer is not None:
        return {"고객명": customer.name, "호칭": customer.address_as}
    name = contact.name.strip() if contact is not None else ""
    return {"고객명": name or "고객", "호칭": f"{name} 고객님" if name else "고객님"}


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
            raise MessagingError(
                _("메시지 템플릿 '%(code)s'이(가) 없습니다.") % {"code": code}, code="template_missing"
            )
    if not template.active:
        raise MessagingError(
            _("'%(template)s' 템플릿은 사용 중지 상태입니다.") % {"template": template.name},
            code="template_inactive",
        )
    return template


def _message_save(draft: Draft, *, purpose_ref: str, by: User | None, now: dt.datetime) -> Message:
    message = _message_row(draft, purpose_ref=purpose_ref, by=by, now=now)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:  # the same purpose_ref queued concurrently: that one stands
        return Message.objects.get(purpose_ref=purpose_ref)
    MessageEvent.objects.create(message=message, at=now, status=message.status, detail=_queued_detail(draft))
    return message


def _message_row(draft: Draft, *, purpose_ref: str, by: User | None, now: dt.datetime) -> Message:
    return Message(**_message_values(draft, purpose_ref=purpose_ref, by=by, now=now))


def _message_values(draft: Draft, *, purpose_ref: str, by: User | None, now: dt.datetime) -> dict[str, Any]:
    """The columns a draft is stored with (one place for the single and the bulk path); the others default."""
    template = draft.template
    return {
        "customer_id": draft.customer.pk if draft.customer is not None else None,
        "staff_id": draft.staff.pk if draft.staff is not None else None,
        "template_id": template.pk if template is not None and template.pk else None,
        "template_version": template.version if template is not None else None,
        "purpose_ref": purpose_ref,
        "channel": draft.channel,
        "kind": draft.kind,
        "recipient": draft.recipient,
        "sender": draft.sender,
        "subject": draft.subject,
        "body": draft.body,
        "provider_options": draft.provider_options,
        "legal_basis": draft.legal_basis,
        "status": draft.status,
        "blocked_rule": draft.blocked_rule,
        "blocked_reason": draft.blocked_reason,
        "not_before": draft.not_before,
        "next_attempt_at": (draft.not_before or now) if draft.status == Message.Status.QUEUED else None,
        "finished_at": now if draft.status == Message.Status.BLOCKED else None,
        "queued_by_id": by.pk if by is not None else None,
    }


def _queued_detail(draft: Draft) -> str:
    if draft.status == Message.Status.BLOCKED:
        return f"[{draft.blocked_rule}] {draft.blocked_reason}"
    parts = []
    if draft.legal_basis == rules.BASIS_TRANSACTION:
        parts.append("광고: 최근 6개월 거래 고객 예외로 보냄(동의 없음)")
    if draft.not_before:
        parts.append(f"{rules.NIGHT_RULE[1]} ({draft.not_before.astimezone(rules.SEOUL):%m-%d %H:%M})")
    return " · ".join(parts)


# ---------------------------------------------------------------- a campaign: one template, many customers


# The Customer columns a draft reads (name, 호칭, addresses, merge and suspension state): a caller queueing many
# messages may load only these (`Customer.objects.only(*DRAFT_CUSTOMER_FIELDS)`); any other is read on access.
DRAFT_CUSTOMER_FIELDS = (
    "id",
    "name",
    "preferred_name",
    "phone",
    "email",
    "status",
    "merged_into_id",
    "processing_suspended_at",
)


@dataclass(frozen=True)
class BulkRecipient:
    customer: Customer
    purpose_ref: str  # unique per message, as for message_queue ("campaign:7:customer:42")
    variables: Mapping[str, object] = field(default_factory=dict)


@dataclass
class BulkResult:
    """What a campaign queued: counts by status, the rules that blocked, and each recipient refused as bad input
    (purpose_ref → the Korean error; nothing stored for it)."""

    stored: int = 0
    existing: int = 0  # a purpose_ref queued before: left as it was (message_queue would return it)
    by_status: dict[str, int] = field(default_factory=dict)
    blocked_by_rule: dict[str, int] = field(default_factory=dict)
    held_for_night: int = 0
    errors: dict[str, MessagingError] = field(default_factory=dict)


BULK_BATCH = 1000


@transaction.atomic
def messages_queue_bulk(
    *,
    recipients: Iterable[BulkRecipient],
    template_code: str | None = None,
    template: MessageTemplate | None = None,
    channel: str | None = None,
    prefer: str | None = None,
    sender: str | None = None,
    by: User | None = None,
    now: dt.datetime | None = None,
    batch_size: int = BULK_BATCH,
) -> BulkResult:
    """message_queue for many customers at once (a campaign), in the caller's transaction: each message is made
    by the same `message_draft` — the same consent, exemption, night, label and length rules — with a batch's
    consents read in one query instead of one per customer, and stored with bulk inserts. A recipient whose
    message is bad input (a variable missing) is reported in `errors` instead of stopping the others."""
    now = now or timezone.now()
    template = _template(template, template_code)
    purposes = list(
        dict.fromkeys([*(rules.CONSENT_PURPOSE[c] for c in template.channels), rules.NIGHT_CONSENT_PURPOSE])
    )
    result, seen, facts = BulkResult(), set[str](), Facts()
    for batch in _batched(recipients, batch_size):
        refs = [item.purpose_ref for item in batch]
        earlier = set(
            key_in(Message.objects.all(), "purpose_ref", refs).values_list("purpose_ref", flat=True)
        )
        if template.kind == Kind.ADVERTISING:
            facts.preload([item.customer.pk for item in batch], purposes, goods_kind=template.goods_kind)
        drafts: list[tuple[str, Draft]] = []
        for item in batch:
            if item.purpose_ref in earlier or item.purpose_ref in seen:
                result.existing += 1
                continue
            seen.add(item.purpose_ref)
            try:
                draft = message_draft(
                    customer=item.customer,
                    template=template,
                    variables=item.variables,
                    channel=channel,
                    prefer=prefer,
                    sender=sender,
                    now=now,
                    facts=facts,
                )
            except MessagingError as exc:
                result.errors[item.purpose_ref] = exc
                continue
            drafts.append((item.purpose_ref, draft))
        for draft in _messages_save_bulk(drafts, by=by, now=now):
            result.stored += 1
            result.by_status[draft.status] = result.by_status.get(draft.status, 0) + 1
            if draft.blocked_rule:
                result.blocked_by_rule[draft.blocked_rule] = (
                    result.blocked_by_rule.get(draft.blocked_rule, 0) + 1
                )
            if draft.not_before:
                result.held_for_night += 1
    return result


def _batched(items: Iterable[BulkRecipient], size: int) -> Iterator[list[BulkRecipient]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _messages_save_bulk(drafts: list[tuple[str, Draft]], *, by: User | None, now: dt.datetime) -> list[Draft]:
    """Insert a batch of messages and their first events; the drafts stored now. If another process queued one
    of the refs meanwhile, the batch falls back to one insert at a time, where that one stands."""
    inserter = RowInserter(Message, now=timezone.now())
    rows = [
        inserter.complete(_message_values(draft, purpose_ref=ref, by=by, now=now)) for ref, draft in drafts
    ]
    try:
        with transaction.atomic():
            inserter.insert(rows)
    except IntegrityError:
        stored = []
        for ref, draft in drafts:
            if not Message.objects.filter(purpose_ref=ref).exists():
                _message_save(draft, purpose_ref=ref, by=by, now=now)
                stored.append(draft)
        return stored
    insert_first_events(
        message_model=Message,
        event_model=MessageEvent,
        events=(
            (row["uid"], now, row["status"], _queued_detail(draft))
            for row, (_ref, draft) in zip(rows, drafts, strict=True)
        ),
    )
    return [draft for _ref, draft in drafts]


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
    return list(ADVERTISING_PURPOSES) if purpose == ALL_MARKETING else [purpose]


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
            _(
                "수신거부 링크가 올바르지 않습니다. 받으신 메시지의 링크를 그대로 여시거나 고객센터로 연락해 주세요."
            ),
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
        problems["active"] = _("시스템 템플릿은 사용 중지할 수 없습니다.")
    if problems:
        raise ValidationError(problems)
    if template is None:
        if MessageTemplate.objects.filter(code=values.get("code", "")).exists():
            raise ValidationError(
                {"code": _("이미 있는 코드입니다: %(code)s") % {"code": values.get("code")}}
            )
        return MessageTemplate.objects.create(**values, updated_by=by)
    version = template.version if expected_version is None else expected_version
    values.pop("code", None)  # the code is how callers name a template: it never changes
    updated = MessageTemplate.objects.filter(pk=template.pk, version=version).update(
        **values, version=F("version") + 1, updated_by=by, updated_at=timezone.now()
    )
    if not updated:
        raise ConflictError(_("다른 사용자가 먼저 이 템플릿을 수정했습니다. 새로 고친 뒤 다시 시도하세요."))
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
