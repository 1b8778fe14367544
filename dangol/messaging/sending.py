"""The worker side: send what is due, record delivery reports, recover after a crash.

Crash safety (what happens when the process dies between the provider accepting a message and our commit):
1. A message is claimed with a conditional UPDATE queued → sending (one statement, committed before the
   network call), so two workers never both send it; the call to the provider runs outside any transaction.
2. Our uid travels with the message (SOLAPI `custom_fields.dangol_id`; e-mail `Message-ID: <uid@domain>`).
3. `messages_reconcile()` (every 5 minutes) takes messages left in "sending" for longer than
   DANGOL_MESSAGING_SENDING_TIMEOUT_SECONDS and asks the channel for our uid:
   - SOLAPI answers from its message list: found → "sent"/"delivered"/"failed" as the provider says, with its
     message id; not found → back to the queue (it never arrived), flagged to be looked up again before the
     next attempt. The provider unreachable → left as it is for the next run. Never lost, never sent twice.
   - SMTP (and anymail) cannot be asked: the message becomes "unknown" for a manager to check on the outbox
     page (resend or mark sent). We prefer at most once: a customer never gets the same mail twice.
   - The outbox channel never sent anything: back to the queue.
4. A read timeout is the same question asked early: for SOLAPI the message goes back to the queue flagged
   `check_before_send`, and the next attempt first looks it up by uid; for e-mail it becomes "unknown".
A delivery report that arrives before our own commit (the webhook racing the worker) wins: every status
change is a conditional UPDATE from the statuses it may follow, so a later "sent" never overwrites "delivered".
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dangol.messaging import rules, selectors
from dangol.messaging.channels import (
    Channel,
    LookupFailed,
    LookupUnsupported,
    ProviderRecord,
    SendResult,
    channel_for,
)
from dangol.messaging.models import Kind, Message, MessageEvent
from dangol.messaging.services import advertising_verdict

logger = logging.getLogger(__name__)
S = Message.Status


class RateLimiter:
    """At most `rate` messages per second per channel, spaced evenly (per worker process)."""

    def __init__(
        self,
        rates: Mapping[str, float],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rates, self.clock, self.sleep = rates, clock, sleep
        self._next: dict[str, float] = {}

    def wait(self, channel: str) -> None:
        rate = self.rates.get(channel)
        if not rate:
            return
        now = self.clock()
        slot = max(now, self._next.get(channel, now))
        if slot > now:
            self.sleep(slot - now)
        self._next[channel] = slot + 1.0 / rate


def _move(
    message: Message, *, from_: tuple[str, ...], to: str, detail: str, now: dt.datetime, **fields: Any
) -> bool:
    """Change the status only if it is still one of `from_`; the event is written in the same transaction."""
    with transaction.atomic():
        changed = Message.objects.filter(pk=message.pk, status__in=from_).update(status=to, **fields)
        if changed:
            MessageEvent.objects.create(message=message, at=now, status=to, detail=detail[:300])
    if changed:
        message.status = to
        for name, value in fields.items():
            if not hasattr(value, "resolve_expression"):
                setattr(message, name, value)
    return bool(changed)


def backoff(attempts: int) -> dt.timedelta:
    base = settings.DANGOL_MESSAGING_RETRY_BASE_SECONDS
    return dt.timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.DANGOL_MESSAGING_RETRY_MAX_SECONDS)
    )


# ---------------------------------------------------------------- the send loop


def message_send_due(
    *,
    now: dt.datetime | None = None,
    limit: int | None = None,
    max_seconds: float | None = None,
    limiter: RateLimiter | None = None,
    channels: Mapping[str, Channel] | None = None,
) -> dict[str, int]:
    """Send the messages that are due, one at a time, within the per-channel rate limit, until `limit`
    messages or `max_seconds` (settings by default). Returns counts per outcome. Safe to run in several
    workers at once. `now` fixes the clock (tests); by default each message is judged at its own moment."""
    limit = limit or settings.DANGOL_MESSAGING_SEND_BATCH
    deadline = time.monotonic() + (max_seconds or settings.DANGOL_MESSAGING_SEND_MAX_SECONDS)
    limiter = limiter or RateLimiter(settings.DANGOL_MESSAGING_RATES)
    ways: dict[str, Channel] = dict(channels or {})
    counts: dict[str, int] = {}
    due_at = now or timezone.now()
    ids = list(
        Message.objects.filter(status=S.QUEUED, next_attempt_at__lte=due_at)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        if time.monotonic() > deadline:
            break
        at = now or timezone.now()
        if not _claim(pk, at):
            continue  # another worker took it
        message = Message.objects.select_related("customer").get(pk=pk)
        way = ways.get(message.channel) or ways.setdefault(message.channel, channel_for(message.channel))
        try:
            outcome = _send_one(message, way, limiter, at, clock=now)
        except Exception:  # left in "sending": messages_reconcile() settles it
            logger.exception("sending message %s failed", message.uid)
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _claim(pk: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        claimed = Message.objects.filter(pk=pk, status=S.QUEUED, next_attempt_at__lte=now).update(
            status=S.SENDING, attempts=F("attempts") + 1, sending_started_at=now
        )
        if claimed:
            MessageEvent.objects.create(message_id=pk, at=now, status=S.SENDING)
    return bool(claimed)


def _send_one(
    message: Message, way: Channel, limiter: RateLimiter, at: dt.datetime, *, clock: dt.datetime | None
) -> str:
    stop = _rules_at_send(message, at)
    if stop is not None:
        return stop
    if message.check_before_send:
        try:
            record = way.lookup(message)
        except LookupUnsupported:
            _move(
                message, from_=(S.SENDING,), to=S.UNKNOWN, now=at, detail="이전 시도의 결과를 확인할 수 없음"
            )
            return "unknown"
        except LookupFailed as exc:
            return _retry_later(message, at, f"사업자 조회 실패: {exc}", count_attempt=False)
        if record is not None:
            _record_provider(message, record, at, detail="이전 시도가 접수되어 있음(재발송 안 함)")
            return record.status
    limiter.wait(message.channel)
    result = way.send(message)
    return _record_send(message, result, way, clock or timezone.now())


def _rules_at_send(message: Message, at: dt.datetime) -> str | None:
    """Consent and the night rule again, right before sending: a withdrawal after queueing stops the send."""
    if message.kind != Kind.ADVERTISING or message.customer is None:
        return None
    goods_kind = (message.provider_options or {}).get("goods_kind", "")
    verdict = advertising_verdict(message.customer, message.kind, message.channel, goods_kind, at)
    if not verdict.allowed:
        _move(
            message,
            from_=(S.SENDING,),
            to=S.BLOCKED,
            now=at,
            detail=f"[{verdict.code}] 발송 직전 확인: {verdict.reason}",
            blocked_rule=verdict.code,
            blocked_reason=verdict.reason,
            finished_at=at,
        )
        return "blocked"
    wait_until = rules.night_deferral(
        kind=message.kind,
        channel=message.channel,
        night_consent=selectors.night_consent(message.customer),
        now=at,
    )
    if wait_until is not None:
        _move(
            message,
            from_=(S.SENDING,),
            to=S.QUEUED,
            now=at,
            detail=rules.NIGHT_RULE[1],
            not_before=wait_until,
            next_attempt_at=wait_until,
            attempts=F("attempts") - 1,
        )
        return "deferred"
    return None


def _record_send(message: Message, result: SendResult, way: Channel, now: dt.datetime) -> str:
    if result.outcome == "sent":
        moved = _move(
            message,
            from_=(S.SENDING,),
            to=S.SENT,
            now=now,
            detail=f"{way.name} 접수 {result.provider_message_id}".strip(),
            sent_at=now,
            provider_message_id=result.provider_message_id,
            provider_status=result.status_code,
            check_before_send=False,
        )
        if not moved:  # a delivery report got here first: keep its status, add the provider's id
            Message.objects.filter(pk=message.pk, provider_message_id="").update(
                provider_message_id=result.provider_message_id, sent_at=now
            )
        return "sent"
    if result.outcome == "permanent":
        _fail(message, now, result.reason or "사업자가 거부함", status_code=result.status_code)
        return "failed"
    if result.outcome == "ambiguous":
        if not getattr(way, "can_lookup", False):
            _move(
                message,
                from_=(S.SENDING,),
                to=S.UNKNOWN,
                now=now,
                detail=f"전송 여부 확인 필요: {result.reason}",
                provider_reason=result.reason[:300],
            )
            return "unknown"
        return _retry_later(message, now, result.reason, check_before_send=True)
    return _retry_later(message, now, result.reason, status_code=result.status_code)


def _retry_later(
    message: Message,
    now: dt.datetime,
    reason: str,
    *,
    check_before_send: bool | None = None,
    count_attempt: bool = True,
    status_code: str = "",
) -> str:
    """Back to the queue after a back-off; after the last attempt, failed (or unknown when it may have gone)."""
    attempts = Message.objects.values_list("attempts", flat=True).get(pk=message.pk)
    if count_attempt and attempts >= settings.DANGOL_MESSAGING_MAX_ATTEMPTS:
        if check_before_send:  # the last attempt may have gone: a person decides, we do not guess
            _move(
                message,
                from_=(S.SENDING,),
                to=S.UNKNOWN,
                now=now,
                detail=f"{attempts}번 시도, 마지막 시도의 결과를 알 수 없음: {reason}",
                provider_reason=reason[:300],
            )
            return "unknown"
        _fail(message, now, f"{attempts}번 시도했지만 보내지 못했습니다: {reason}", status_code=status_code)
        return "failed"
    fields: dict[str, Any] = {
        "next_attempt_at": now + backoff(attempts),
        "provider_reason": reason[:300],
        "provider_status": status_code,
    }
    if check_before_send is not None:
        fields["check_before_send"] = check_before_send
    if not count_attempt:
        fields["attempts"] = F("attempts") - 1
    _move(message, from_=(S.SENDING,), to=S.QUEUED, now=now, detail=f"다시 시도 예정: {reason}", **fields)
    return "retry"


def _fail(message: Message, now: dt.datetime, reason: str, *, status_code: str = "") -> None:
    _move(
        message,
        from_=(S.SENDING, S.SENT, S.UNKNOWN, S.QUEUED),
        to=S.FAILED,
        now=now,
        detail=reason,
        provider_reason=reason[:300],
        provider_status=status_code,
        finished_at=now,
    )


def _record_provider(message: Message, record: ProviderRecord, now: dt.datetime, *, detail: str) -> None:
    """What the provider says about a message we were unsure of."""
    common = {"provider_message_id": record.provider_message_id, "check_before_send": False}
    if record.status == "failed":
        _move(
            message,
            from_=(S.SENDING, S.QUEUED, S.UNKNOWN),
            to=S.FAILED,
            now=now,
            detail=f"{detail}: 실패 {record.reason}",
            provider_reason=record.reason,
            provider_status=record.status_code,
            finished_at=now,
            **common,
        )
        return
    to = S.DELIVERED if record.status == "delivered" else S.SENT
    extra = {"delivered_at": now} if to == S.DELIVERED else {}
    _move(
        message,
        from_=(S.SENDING, S.QUEUED, S.UNKNOWN),
        to=to,
        now=now,
        detail=detail,
        sent_at=message.sending_started_at or now,
        provider_status=record.status_code,
        **common,
        **extra,
    )


# ---------------------------------------------------------------- crash recovery


def messages_reconcile(
    *, now: dt.datetime | None = None, timeout_seconds: int | None = None, limit: int = 500
) -> dict[str, int]:
    """Settle messages stuck in "sending" (the worker died mid-send): see the module docstring."""
    now = now or timezone.now()
    timeout = (
        settings.DANGOL_MESSAGING_SENDING_TIMEOUT_SECONDS if timeout_seconds is None else timeout_seconds
    )
    cutoff = now - dt.timedelta(seconds=timeout)
    counts: dict[str, int] = {}
    stuck = Message.objects.filter(status=S.SENDING, sending_started_at__lte=cutoff).order_by(
        "sending_started_at"
    )
    for message in stuck[:limit]:
        outcome = _reconcile_one(message, channel_for(message.channel), now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _reconcile_one(message: Message, way: Channel, now: dt.datetime) -> str:
    try:
        record = way.lookup(message)
    except LookupUnsupported:
        _move(
            message,
            from_=(S.SENDING,),
            to=S.UNKNOWN,
            now=now,
            detail="보내는 도중 중단됨: 이메일은 서버에 물어볼 수 없어 다시 보내지 않고 확인을 기다립니다",
            provider_reason="보내는 도중 작업이 중단되어 전송 여부를 알 수 없습니다.",
        )
        return "unknown"
    except LookupFailed as exc:
        logger.warning("reconcile: provider unreachable for %s: %s", message.uid, exc)
        return "later"
    if record is not None:
        _record_provider(message, record, now, detail="중단 후 확인: 사업자가 접수한 메시지")
        return "found"
    _move(
        message,
        from_=(S.SENDING,),
        to=S.QUEUED,
        now=now,
        detail="중단 후 확인: 사업자에 기록이 없어 다시 보냅니다",
        next_attempt_at=now,
        check_before_send=True,
    )
    return "requeued"


# ---------------------------------------------------------------- delivery reports


@transaction.atomic
def delivery_report_record(
    *,
    status: str,
    message_uid: str = "",
    provider_message_id: str = "",
    status_code: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> Message | None:
    """A provider's report ("delivered", "failed" or "sent" = still on its way) for our message, found by our
    uid or the provider's id. Reports may come twice, late or before our own record of the send: a final
    status is never replaced, and a report for a message we are still sending settles it."""
    now = at or timezone.now()
    try:
        message_uid = str(uuid.UUID(message_uid)) if message_uid else ""
    except ValueError:
        message_uid = ""
    qs = Message.objects.all()
    if message_uid:
        qs = qs.filter(uid=message_uid)
    elif provider_message_id:
        qs = qs.filter(provider_message_id=provider_message_id)
    else:
        return None
    message = qs.first()
    if message is None:
        return None
    open_statuses: tuple[str, ...] = (S.SENDING, S.SENT, S.UNKNOWN)
    if message.status == S.QUEUED and message.check_before_send:
        open_statuses = (*open_statuses, S.QUEUED)
    ids = {
        "provider_message_id": provider_message_id or message.provider_message_id,
        "provider_status": status_code,
    }
    if status == "delivered":
        _move(
            message,
            from_=open_statuses,
            to=S.DELIVERED,
            now=now,
            detail=f"도착 보고 {status_code}".strip(),
            delivered_at=now,
            check_before_send=False,
            **ids,
        )
    elif status == "failed":
        _move(
            message,
            from_=open_statuses,
            to=S.FAILED,
            now=now,
            detail=f"실패 보고 {status_code} {reason}".strip(),
            provider_reason=reason[:300],
            finished_at=now,
            check_before_send=False,
            **ids,
        )
    elif message.status in (S.SENDING, S.UNKNOWN) or (
        message.status == S.QUEUED and message.check_before_send
    ):
        _move(
            message,
            from_=(S.SENDING, S.UNKNOWN, S.QUEUED),
            to=S.SENT,
            now=now,
            detail=f"접수 보고 {status_code}".strip(),
            sent_at=now,
            check_before_send=False,
            **ids,
        )
    return message


# ---------------------------------------------------------------- a manager settles an "unknown" message


def message_unknown_settle(
    *, message: Message, resend: bool, by: Any, now: dt.datetime | None = None
) -> bool:
    """A manager checked an "unknown" message: send it again, or record that it did arrive."""
    now = now or timezone.now()
    who = getattr(by, "username", "")
    if resend:
        return _move(
            message,
            from_=(S.UNKNOWN,),
            to=S.QUEUED,
            now=now,
            detail=f"{who}: 다시 보내기",
            next_attempt_at=now,
            check_before_send=False,
        )
    return _move(
        message, from_=(S.UNKNOWN,), to=S.SENT, now=now, detail=f"{who}: 보낸 것으로 확인", sent_at=now
    )
