"""Survey invitations and reminders delivered to the customer (issue 14), through messaging in the caller's
transaction (a transactional outbox: the message exists exactly when the invitation does).

- The channel: the one the sender asked for (문자, 이메일, 카카오톡) comes first, then the template's others;
  messaging takes the first the customer can be reached on and, for a promotional survey (an advert), has
  consented to — the customer's preferred consenting channel. Messaging's rules decide, not this module.
- A message a rule stops (no marketing consent for a promotional survey, no address) is stored "blocked" with
  the rule, and shown on the outbox page and the survey page. Its invitation was never delivered: it is closed
  at once (its link went nowhere) and left out of the response rate.
- Anonymous surveys are never sent by message: a link sent to a known customer would tie the answer to them.
  They go out as links and QR codes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dangol.messaging.models import Kind, Message
from dangol.messaging.selectors import messages_by_ref
from dangol.messaging.services import BulkRecipient, message_queue, messages_queue_bulk
from dangol.surveys.models import Invitation, Survey

logger = logging.getLogger(__name__)

INVITATION = "survey_invitation"
REMINDER = "survey_reminder"
INVITATION_AD = "survey_invitation_ad"
REMINDER_AD = "survey_reminder_ad"

_INVITE_BODY = "#{호칭}, '#{설문}'에 의견을 들려주세요. #{마감}까지 응답하실 수 있습니다.\n#{링크}"
_REMIND_BODY = "#{호칭}, 아직 '#{설문}'에 응답하지 않으셨다면 잠시 시간을 내 주세요(#{마감}까지).\n#{링크}"
# Registered with messaging from SurveysConfig.ready(); the promotional ones are adverts, so messaging adds the
# (광고) label, the sender and the free opt-out, and sends them only with consent.
TEMPLATES: list[dict[str, Any]] = [
    {
        "code": INVITATION,
        "name": "설문 참여 요청",
        "channels": ["sms", "email"],
        "subject": "'#{설문}' 설문 참여 요청",
        "body": _INVITE_BODY,
    },
    {
        "code": REMINDER,
        "name": "설문 참여 다시 알림",
        "channels": ["sms", "email"],
        "subject": "'#{설문}' 설문 참여를 다시 부탁드립니다",
        "body": _REMIND_BODY,
    },
    {
        "code": INVITATION_AD,
        "name": "설문 참여 요청(광고성 설문)",
        "kind": Kind.ADVERTISING,
        "channels": ["sms", "email"],
        "subject": "'#{설문}' 설문 참여 요청",
        "body": _INVITE_BODY,
    },
    {
        "code": REMINDER_AD,
        "name": "설문 참여 다시 알림(광고성 설문)",
        "kind": Kind.ADVERTISING,
        "channels": ["sms", "email"],
        "subject": "'#{설문}' 설문 참여를 다시 부탁드립니다",
        "body": _REMIND_BODY,
    },
]

# The invitation's channel → the messaging channel asked for first; and back, the channel it went by.
MESSAGE_CHANNELS = ("sms", "email", "kakao")
_PREFER = {"sms": "sms", "email": "email", "kakao": "alimtalk"}
_PREFER_AD = {"sms": "sms", "email": "email", "kakao": "brand"}
_WENT_BY = {"sms": "sms", "lms": "sms", "email": "email", "alimtalk": "kakao", "brand": "kakao"}


def deliverable(invitation: Invitation) -> bool:
    return invitation.customer_id is not None and invitation.channel in MESSAGE_CHANNELS


def _template(survey: Survey, *, reminder: bool) -> str:
    if survey.promotional:
        return REMINDER_AD if reminder else INVITATION_AD
    return REMINDER if reminder else INVITATION


def _prefer(survey: Survey, channel: str) -> str | None:
    return (_PREFER_AD if survey.promotional else _PREFER).get(channel)


def _variables(invitation: Invitation, token: str) -> dict[str, object]:
    path = reverse("surveys:answer", args=[token])
    return {
        "설문": invitation.survey.title,
        "링크": f"{settings.DANGOL_PUBLIC_URL.rstrip('/')}{path}",
        "마감": f"{timezone.localtime(invitation.expires_at):%m월 %d일}",
    }


def _ref(invitation: Invitation, reminder: int = 0) -> str:
    base = f"survey:{invitation.survey_id}:invitation:{invitation.pk}"
    return f"{base}:reminder:{reminder}" if reminder else base


def _record(invitation: Invitation, message: Message, now: dt.datetime) -> dict[str, Any]:
    """The invitation's fields after its message was queued: sent by the channel messaging chose, or — blocked —
    never delivered, so its link is closed at once."""
    if message.status == Message.Status.BLOCKED:
        return {"message": message, "sent_at": None, "expires_at": min(invitation.expires_at, now)}
    return {"message": message, "sent_at": now, "channel": _WENT_BY.get(message.channel, invitation.channel)}


def invitation_deliver(invitation: Invitation, *, token: str, now: dt.datetime) -> Message | None:
    """Queue the invitation's message and record it on the invitation; None when it is not sent by message.
    Raises MessagingError (Korean) for bad input (a template edited badly), and nothing is stored."""
    if not deliverable(invitation):
        return None
    survey = invitation.survey
    message = message_queue(
        customer=invitation.customer,
        template_code=_template(survey, reminder=False),
        variables=_variables(invitation, token),
        prefer=_prefer(survey, invitation.channel),
        purpose_ref=_ref(invitation),
        now=now,
    )
    fields = _record(invitation, message, now)
    Invitation.objects.filter(pk=invitation.pk).update(**fields)
    for name, value in fields.items():
        setattr(invitation, name, value)
    return message


def invitations_deliver(
    invitations: Sequence[Invitation],
    *,
    tokens: Mapping[int, str],
    now: dt.datetime,
    reminder: int = 0,
) -> dict[str, int]:
    """Many invitations of one survey at once (a segment send, the reminders) through messaging's bulk path, with
    the same rules as one at a time. Returns counts: queued, blocked, blocked:<rule>, failed (bad input, logged:
    nothing stored for it)."""
    counts: dict[str, int] = {"queued": 0, "blocked": 0, "failed": 0}
    todo = [i for i in invitations if deliverable(i)]
    for channel in dict.fromkeys(i.channel for i in todo):
        _deliver_group([i for i in todo if i.channel == channel], tokens, now, reminder, counts)
    return counts


def _deliver_group(
    group: list[Invitation],
    tokens: Mapping[int, str],
    now: dt.datetime,
    reminder: int,
    counts: dict[str, int],
) -> None:
    survey = group[0].survey
    by_ref = {_ref(i, reminder): i for i in group}
    result = messages_queue_bulk(
        template_code=_template(survey, reminder=bool(reminder)),
        recipients=[
            BulkRecipient(customer=i.customer, purpose_ref=ref, variables=_variables(i, tokens[i.pk]))
            for ref, i in by_ref.items()
            if i.customer is not None
        ],
        prefer=_prefer(survey, group[0].channel),
        now=now,
    )
    for ref, error in result.errors.items():
        logger.error("survey message %s not queued: %s", ref, error.messages[0])
    counts["failed"] += len(result.errors)
    for rule, n in result.blocked_by_rule.items():
        counts[f"blocked:{rule}"] = counts.get(f"blocked:{rule}", 0) + n
    changed = []
    for ref, message in messages_by_ref(list(by_ref)).items():
        invitation = by_ref[ref]
        counts["blocked" if message.status == Message.Status.BLOCKED else "queued"] += 1
        if reminder:
            continue  # a reminder changes nothing on the invitation but its counter (the caller's)
        for name, value in _record(invitation, message, now).items():
            setattr(invitation, name, value)
        changed.append(invitation)
    Invitation.objects.bulk_update(changed, ["message", "sent_at", "expires_at", "channel"], batch_size=1000)


def delivered(invitation: Invitation) -> bool:
    """Whether the invitation reached its customer's outbox (or needed no message: a QR code, a link)."""
    if not deliverable(invitation):
        return True
    message = invitation.message
    return message is not None and message.status != Message.Status.BLOCKED
