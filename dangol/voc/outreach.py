"""What a case says to its customer, and who on the staff hears of it (issue 14). Called by the services in
their own transaction, so a message or notice exists exactly when the event that caused it does (the outbox).

To the customer (dangol.messaging.services.message_queue), informational, by the channel they used:
- the acknowledgement with the case number when a case the customer raised is opened — also to the phone or
  e-mail typed into the public form, for a case not linked to a customer;
- the agent's reply from the case page;
- the follow-up satisfaction check when the case is resolved. There is no public page to answer it on, so the
  message asks for a reply (an e-mail reply threads back into the case, below; by phone the agent records it);
- the advance notice of a bad-customer exit, kept with the flag as evidence (dangol.voc.flags).

To staff (messaging.services.staff_notify): assigned to me, SLA warning and breach, hand-off received,
escalation, a customer replied, an exit awaiting my review.

Every customer message's purpose_ref starts with "case:<id>:", so the e-mail a customer sends back
(In-Reply-To / References: our Message-ID) finds its case again (`case_replied_to`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.customers.phone import InvalidPhone, normalize_phone
from dangol.messaging.models import Message, StaffNotice
from dangol.messaging.rules import MessagingError
from dangol.messaging.selectors import message_replied_to
from dangol.messaging.services import Contact, message_queue, staff_notify
from dangol.voc.models import Case, CustomerFlag, Handoff

logger = logging.getLogger(__name__)

RECEIVED = "voc_case_received"
REPLY = "voc_case_reply"
FOLLOW_UP = "voc_follow_up"
EXIT_NOTICE = "voc_exit_notice"

# Registered with messaging from VocConfig.ready(); a manager edits their text on the template page. Text
# channels first (SMS/LMS by length), e-mail when that is all the customer gave, or how they wrote to us.
TEMPLATES: list[dict[str, Any]] = [
    {
        "code": RECEIVED,
        "name": "VOC 접수 안내",
        "channels": ["sms", "email"],
        "subject": "말씀하신 내용이 접수되었습니다 (#{접수번호})",
        "body": "#{호칭}, 말씀하신 내용이 접수되었습니다. 접수번호 #{접수번호}",
    },
    {
        "code": REPLY,
        "name": "VOC 답변",
        "channels": ["sms", "email"],
        "subject": "[#{접수번호}] 문의하신 내용에 대한 답변입니다",
        "body": "#{호칭}, 접수번호 #{접수번호}에 대한 답변입니다.\n\n#{답변}",
    },
    {
        "code": FOLLOW_UP,
        "name": "VOC 처리 후 만족도 확인",
        "channels": ["sms", "email"],
        "subject": "[#{접수번호}] 처리 결과는 만족스러우셨나요?",
        "body": (
            "#{호칭}, 접수번호 #{접수번호} 건을 처리했습니다. 결과에 만족하시는지 1점(매우 불만)부터 "
            "5점(매우 만족)까지 이 메시지에 답장으로 알려 주세요. 불편이 남아 있다면 다시 살펴보겠습니다."
        ),
    },
    {
        "code": EXIT_NOTICE,
        "name": "거래 중단 검토 사전 안내",
        "channels": ["sms", "email"],
        "subject": "거래 중단 검토에 관한 사전 안내",
        "body": (
            "#{호칭}, 그동안의 이용 과정에서 있었던 일로 고객님과의 거래 중단을 검토하고 있어 미리 알려 "
            "드립니다. 결정 전에 고객님의 의견을 듣겠습니다. 전담 직원 #{전담자}에게 #{연락처}로 연락해 주세요."
        ),
    },
]


# ---------------------------------------------------------------- who the customer is and how they wrote


def _contact_parts(text: str) -> tuple[str, str]:
    """(phone, e-mail) typed as an unlinked case's contact ("010-1234-5678, a@b.kr", either alone, or free text)."""
    phone = email = ""
    for part in re.split(r"[,;/\s]+", text or ""):
        if not part:
            continue
        if "@" in part and not email:
            email = part.strip("<>()").lower()
            continue
        if not phone:
            try:
                phone = normalize_phone(part)
            except InvalidPhone:
                continue
    return phone, email


def _recipient(case: Case) -> tuple[Customer | None, Contact | None]:
    if case.customer_id and case.customer is not None:
        return case.customer, None
    phone, email = _contact_parts(case.contact_info)
    if not (phone or email):
        return None, None
    return None, Contact(name=case.contact_name, phone=phone, email=email)


def _channel(case: Case, customer: Customer | None, contact: Contact | None) -> str | None:
    """E-mail when the customer wrote to us by e-mail (or gave nothing else); otherwise the template's order,
    text first. None with no address at all: messaging stores the message blocked, naming the rule."""
    who = customer if customer is not None else contact
    email, phone = (who.email, who.phone) if who is not None else ("", "")
    if email and (case.channel == Case.Channel.EMAIL or not phone):
        return "email"
    return None


def _queue(case: Case, *, ref: str, template: str, variables: dict[str, object], by: User | None) -> Message:
    customer, contact = _recipient(case)
    return message_queue(
        customer=customer,
        contact=contact,
        template_code=template,
        variables={"접수번호": case.number, **variables},
        channel=_channel(case, customer, contact),
        purpose_ref=f"case:{case.pk}:{ref}",
        by=by,
    )


def _reachable(case: Case) -> bool:
    customer, contact = _recipient(case)
    return customer is not None or contact is not None


# ---------------------------------------------------------------- messages to the customer


def case_received_queue(case: Case, *, by: User | None = None) -> Message | None:
    """The acknowledgement with the case number, for a case the customer raised (not one the system opened on
    their behalf). The case stands even when no message can be made (a template edited badly): that is logged."""
    if case.origin != Case.Origin.CUSTOMER or not _reachable(case):
        return None
    try:
        return _queue(case, ref="received", template=RECEIVED, variables={}, by=by)
    except MessagingError as exc:
        logger.error("case %s: acknowledgement not queued: %s", case.number, exc.messages[0])
        return None


def case_reply_queue(case: Case, *, ref: str, text: str, by: User) -> Message:
    """The agent's reply, to the customer. ValidationError (Korean) when it cannot go — no address, a character
    a phone cannot show — so that the caller's transaction records nothing."""
    if not _reachable(case):
        raise ValidationError(
            _("이 건에는 고객 연락처가 없어 답변을 보낼 수 없습니다. 고객을 연결하거나 연락처를 입력하세요.")
        )
    message = _queue(case, ref=ref, template=REPLY, variables={"답변": text}, by=by)
    if message.status == Message.Status.BLOCKED:
        raise ValidationError(
            _("답변을 보낼 수 없습니다: %(blocked_reason)s") % {"blocked_reason": message.blocked_reason}
        )
    return message


def case_follow_up_queue(case: Case, *, by: User | None = None) -> Message | None:
    """The satisfaction check after a resolution (once per resolution: a reopened case asks again)."""
    if case.kind == Case.Kind.PRAISE or not _reachable(case):
        return None
    try:
        return _queue(case, ref=f"follow-up:{case.reopened_count}", template=FOLLOW_UP, variables={}, by=by)
    except MessagingError as exc:
        logger.error("case %s: follow-up check not queued: %s", case.number, exc.messages[0])
        return None


def exit_notice_queue(flag: CustomerFlag, *, by: User, handler_name: str, contact: str) -> Message:
    """The advance notice of an exit review, to the flagged customer; ValidationError when it cannot go."""
    message = message_queue(
        customer=flag.customer,
        template_code=EXIT_NOTICE,
        variables={"전담자": handler_name, "연락처": contact},
        purpose_ref=f"flag:{flag.pk}:exit-notice",
        by=by,
    )
    if message.status == Message.Status.BLOCKED:
        raise ValidationError(
            _("안내문을 보낼 수 없습니다: %(blocked_reason)s") % {"blocked_reason": message.blocked_reason}
        )
    return message


def case_replied_to(*headers: str) -> Case | None:
    """The case an e-mail answers, from its In-Reply-To / References headers (our Message-IDs)."""
    message = message_replied_to(*headers)
    match = re.match(r"case:(\d+):", message.purpose_ref) if message is not None else None
    return Case.objects.filter(pk=int(match.group(1))).first() if match else None


# ---------------------------------------------------------------- notices to staff

OWNER_ROLES = ("agent", "manager", "admin")


def _link(case: Case) -> str:
    return reverse("voc:case", args=[case.pk])


def _notify(users: Iterable[User | None], *, kind: str, text: str, link: str, ref: str) -> int:
    sent = 0
    for user in dict.fromkeys(u for u in users if u is not None and u.is_active):
        staff_notify(user=user, kind=kind, text=text, link=link, ref=ref)
        sent += 1
    return sent


def _owner_or_lead(case: Case) -> list[User | None]:
    """Who answers for a case now: its assignee, else its team's lead."""
    if case.assignee_id:
        return [case.assignee]
    return [case.team.lead if case.team_id and case.team else None]


def notify_assigned(case: Case, *, assignee: User | None, by: User | None, ref: str) -> None:
    if assignee is None or (by is not None and assignee.pk == by.pk):
        return  # nobody to tell, or they did it themselves
    _notify(
        [assignee],
        kind=StaffNotice.Kind.CASE_ASSIGNED,
        text=f"{case.number} 건이 배정되었습니다: {case.title}",
        link=_link(case),
        ref=f"case:{case.pk}:{ref}",
    )


def notify_handoff(handoff: Handoff) -> None:
    """The receiving team's lead; a team without a lead hears it through its members who take cases."""
    case, team = handoff.case, handoff.to_team
    people: list[User | None] = [team.lead] if team.lead_id else []
    if not people:
        people = list(
            User.objects.filter(is_active=True, staff__team=team, staff__role__in=OWNER_ROLES).order_by("id")
        )
    _notify(
        [p for p in people if handoff.by_id is None or p is None or p.pk != handoff.by_id],
        kind=StaffNotice.Kind.HANDOFF,
        text=f"{case.number} 건이 {team.name}(으)로 이관되었습니다: {handoff.reason}",
        link=_link(case),
        ref=f"case:{case.pk}:handoff:{handoff.pk}",
    )


def notify_sla_warning(case: Case, *, minutes: int) -> None:
    due = case.resolution_due.isoformat() if case.resolution_due else ""
    _notify(
        _owner_or_lead(case),
        kind=StaffNotice.Kind.SLA_WARNING,
        text=f"{case.number} 건의 해결 기한이 {minutes}분 남았습니다: {case.title}",
        link=_link(case),
        ref=f"case:{case.pk}:sla-warning:{due}",
    )


def notify_response_breach(case: Case) -> None:
    _notify(
        _owner_or_lead(case),
        kind=StaffNotice.Kind.SLA_BREACH,
        text=f"{case.number} 건이 첫 응답 기한을 넘겼습니다: {case.title}",
        link=_link(case),
        ref=f"case:{case.pk}:response-breach",
    )


def notify_escalated(case: Case, *, lead: User | None, previous: User | None) -> None:
    """A resolution breach: the lead it went up to hears of the escalation; the agent who had it, of the breach."""
    due = case.resolution_due.isoformat() if case.resolution_due else ""
    _notify(
        [lead],
        kind=StaffNotice.Kind.ESCALATION,
        text=f"{case.number} 건이 해결 기한을 넘겨 팀장님께 올라왔습니다: {case.title}",
        link=_link(case),
        ref=f"case:{case.pk}:escalated:{due}",
    )
    _notify(
        [p for p in [previous] if lead is None or p is None or p.pk != lead.pk],
        kind=StaffNotice.Kind.SLA_BREACH,
        text=f"{case.number} 건이 해결 기한을 넘겼습니다: {case.title}",
        link=_link(case),
        ref=f"case:{case.pk}:resolution-breach:{due}",
    )


def notify_customer_replied(case: Case, *, ref: str) -> None:
    _notify(
        _owner_or_lead(case),
        kind=StaffNotice.Kind.CUSTOMER_REPLIED,
        text=f"{case.number} 건에 고객이 답장했습니다: {case.title}",
        link=_link(case),
        ref=f"case:{case.pk}:replied:{ref}"[:120],
    )


def notify_exit_review(flag: CustomerFlag) -> None:
    """The managers who may decide an exit, except the one who proposed it (a second pair of eyes)."""
    reviewers = (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(
                groups__permissions__codename="review_exit",
                groups__permissions__content_type__app_label="voc",
            )
            | Q(user_permissions__codename="review_exit", user_permissions__content_type__app_label="voc")
        )
        .exclude(pk=flag.proposed_by_id or 0)
        .distinct()
        .order_by("id")
    )
    _notify(
        reviewers,
        kind=StaffNotice.Kind.EXIT_REVIEW,
        text=f"고객 퇴출 제안이 검토를 기다립니다({flag.get_type_display()}). 고객에게 절차를 안내했습니다.",
        link=reverse("voc:flags") + f"#flag-{flag.pk}",
        ref=f"flag:{flag.pk}:exit-review",
    )
