"""The ways a message leaves (or, in the outbox, does not leave) the machine, behind one small interface.

A channel sends one message and answers with a `SendResult`:
- "sent": the provider accepted it (not yet delivered: that comes from a report);
- "temporary": it certainly did not go and may be tried again later (connection refused, HTTP 5xx, SMTP 4xx);
- "permanent": it will never go (a failed message in the provider's answer, HTTP 4xx, SMTP 5xx);
- "ambiguous": it may or may not have gone (a read timeout after the request left).

`lookup()` asks the provider whether it has a message with our id (its uid travels in `custom_fields`), for
crash recovery and for an ambiguous attempt. A channel that cannot be asked (SMTP) raises LookupUnsupported.

A second text provider is one more class here with `send` and `lookup`, named in channel_for().
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from dangol.messaging.models import Message


@dataclass(frozen=True)
class SendResult:
    outcome: str  # "sent" | "temporary" | "permanent" | "ambiguous"
    provider_message_id: str = ""
    status_code: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ProviderRecord:
    """What the provider knows of one of our messages."""

    provider_message_id: str
    status: str  # "sent" | "delivered" | "failed"
    status_code: str = ""
    reason: str = ""


class LookupUnsupported(Exception):
    """The channel cannot tell whether it has a message (SMTP keeps no record we can query)."""


class LookupFailed(Exception):
    """The provider could not be asked now (unreachable); try again later."""


class Channel(Protocol):
    name: str
    can_lookup: bool  # lookup() can tell whether the provider has our message

    def send(self, message: Message) -> SendResult: ...

    def lookup(self, message: Message) -> ProviderRecord | None: ...


def optout_headers(message: Message) -> dict[str, str]:
    url = (message.provider_options or {}).get("optout_url", "")
    if not url:
        return {}
    # RFC 8058 one-click: mail clients POST to the link; the page takes the POST without a login or CSRF token.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


class OutboxChannel:
    """The default: the message is rendered and stored exactly as it would go, and nothing leaves the machine
    (like Django's console e-mail backend: the real path minus the network)."""

    name = "outbox"
    can_lookup = True

    def send(self, message: Message) -> SendResult:
        return SendResult("sent", provider_message_id=f"outbox:{message.uid}")

    def lookup(self, message: Message) -> ProviderRecord | None:
        return None  # nothing ever left: a message stuck in "sending" was never sent


def message_id_header(message: Message) -> str:
    return f"<{message.uid}@{settings.DANGOL_EMAIL_MESSAGE_ID_DOMAIN}>"


class EmailChannel:
    """Django's e-mail framework (EMAIL_BACKEND: SMTP from DANGOL_EMAIL_URL, or an anymail ESP backend): an HTML
    and a text part, Message-ID = our uid, so replies and bounces can be matched to the message."""

    name = "email"
    can_lookup = False

    def send(self, message: Message) -> SendResult:
        mail = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            from_email=message.sender or settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": message_id_header(message), **optout_headers(message)},
        )
        html = render_to_string("messaging/email.html", {"subject": message.subject, "body": message.body})
        mail.attach_alternative(html, "text/html")
        mail.metadata = {"dangol_id": str(message.uid)}  # type: ignore[attr-defined]  # anymail's ESP metadata
        try:
            get_connection(fail_silently=False).send_messages([mail])
        except Exception as exc:  # classified below; nothing else is swallowed
            return _email_failure(exc)
        status = getattr(mail, "anymail_status", None)
        provider_id = getattr(status, "message_id", None) if status is not None else None
        return SendResult("sent", provider_message_id=str(provider_id or message_id_header(message)))

    def lookup(self, message: Message) -> ProviderRecord | None:
        raise LookupUnsupported("SMTP keeps no record to ask")


def _email_failure(exc: Exception) -> SendResult:
    reason = f"{type(exc).__name__}: {exc}"[:300]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        temporary = bool(codes) and all(400 <= code < 500 for code in codes)
        return SendResult(
            "temporary" if temporary else "permanent", status_code=str(codes[:1]), reason=reason
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        return SendResult(
            "temporary" if 400 <= code < 500 else "permanent", status_code=str(code), reason=reason
        )
    if isinstance(exc, smtplib.SMTPConnectError | ConnectionRefusedError | socket.gaierror | ssl.SSLError):
        return SendResult("temporary", reason=reason)  # the mail never left
    if isinstance(exc, smtplib.SMTPServerDisconnected | TimeoutError | ConnectionError):
        return SendResult("ambiguous", reason=reason)  # the server may have taken it before the line dropped
    if isinstance(exc, AnymailRecipientsRefused):
        return SendResult("permanent", reason=reason)
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        if status is None:
            return SendResult("ambiguous", reason=reason)
        return SendResult("temporary" if status >= 500 or status == 429 else "permanent", str(status), reason)
    return SendResult("permanent", reason=reason)


# ---------------------------------------------------------------- SOLAPI (SMS, LMS, AlimTalk, brand message)

# A lookup searches from a little before the first attempt (clocks differ).
_LOOKUP_MARGIN = dt.timedelta(minutes=5)
DELIVERED_CODE = "4000"  # 수신 완료
PENDING_CODES = {"2000", "3000"}  # 접수 완료, 이통사 전송 중


def solapi_status(status_code: str) -> str:
    """A SOLAPI status code as our status: delivered, still on its way (sent), or failed."""
    if status_code == DELIVERED_CODE:
        return "delivered"
    if status_code in PENDING_CODES or not status_code:
        return "sent"
    return "failed"


class SolapiChannel:
    """The `solapi` SDK (SOLAPI / CoolSMS). Our uid goes in custom_fields and comes back in reports and lookups.
    The SDK's HTTP timeout is httpx's default (5 s); a read timeout is "ambiguous" and the message is looked up
    by uid before any second attempt, so a slow provider never makes us send twice."""

    can_lookup = True

    def __init__(self, name: str = "solapi") -> None:
        from solapi import SolapiMessageService

        key, secret = settings.DANGOL_SOLAPI_API_KEY, settings.DANGOL_SOLAPI_API_SECRET
        if not key or not secret:
            raise ImproperlyConfigured("DANGOL_SOLAPI_API_KEY and DANGOL_SOLAPI_API_SECRET are required")
        self.name = name
        self.service = SolapiMessageService(key, secret)
        self.service.base_url = settings.DANGOL_SOLAPI_BASE_URL.rstrip("/")

    def request_message(self, message: Message) -> Any:
        from solapi.model import Bms, KakaoOption, MessageType, RequestMessage

        fields: dict[str, Any] = {
            "from_": message.sender,
            "to": message.recipient,
            "text": message.body,
            "custom_fields": {"dangol_id": str(message.uid)},
        }
        options = message.provider_options or {}
        if message.channel == "alimtalk":
            fields["type"] = MessageType.ATA
            fields["kakao_options"] = KakaoOption(
                pf_id=settings.DANGOL_KAKAO_PF_ID,
                template_id=options.get("template_id"),
                variables=options.get("variables") or None,
                disable_sms=not options.get("fallback", False),
            )
        elif message.channel == "brand":
            fields["type"] = MessageType.BMS_TEXT
            fields["kakao_options"] = KakaoOption(
                pf_id=settings.DANGOL_KAKAO_PF_ID,
                bms=Bms(targeting=settings.DANGOL_KAKAO_BMS_TARGETING, chat_bubble_type="TEXT"),
            )
        else:
            fields["type"] = MessageType.LMS if message.channel == "lms" else MessageType.SMS
            if message.channel == "lms" and message.subject:
                fields["subject"] = message.subject
        return RequestMessage(**fields)

    def send(self, message: Message) -> SendResult:
        import httpx
        from solapi.error.MessageNotReceiveError import MessageNotReceivedError
        from solapi.model import SendRequestConfig

        try:
            response = self.service.send(
                self.request_message(message), SendRequestConfig(show_message_list=True)
            )
        except MessageNotReceivedError as exc:
            failed = exc.failed_messages[0] if exc.failed_messages else None
            return SendResult(
                "permanent",
                status_code=getattr(failed, "status_code", ""),
                reason=(getattr(failed, "status_message", "") or "접수 실패")[:300],
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            return SendResult("temporary", reason=f"연결 실패: {exc}"[:300])
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            return SendResult("ambiguous", reason=f"응답 없음: {type(exc).__name__} {exc}"[:300])
        except Exception as exc:  # the SDK raises bare Exception(code, message) for HTTP 4xx and 5xx
            return _solapi_http_failure(exc)
        for failed in response.failed_message_list or []:
            if (failed.custom_fields or {}).get("dangol_id", str(message.uid)) == str(message.uid):
                return SendResult(
                    "permanent", status_code=failed.status_code, reason=failed.status_message[:300]
                )
        for item in response.message_list or []:
            if (item.custom_fields or {}).get("dangol_id", str(message.uid)) == str(message.uid):
                return SendResult("sent", provider_message_id=item.message_id, status_code=item.status_code)
        return SendResult("sent", provider_message_id="", reason="응답에 메시지 ID 없음")

    def lookup(self, message: Message) -> ProviderRecord | None:
        """Our message among the provider's messages to the same number since the first attempt began."""
        from solapi.lib.fetcher import RequestMethod, default_fetcher

        since = (message.sending_started_at or message.created_at) - _LOOKUP_MARGIN
        query = {
            "to": message.recipient.replace("-", ""),
            "startDate": since.replace(microsecond=0).isoformat(),
        }
        query["limit"] = "100"
        start_key = None
        for _page in range(10):
            params = {**query, **({"startKey": start_key} if start_key else {})}
            try:
                answer = default_fetcher(
                    self.service.auth_info,
                    request={
                        "method": RequestMethod.GET,
                        "url": f"{self.service.base_url}/messages/v4/list-old?{urlencode(params)}",
                    },
                )
            except Exception as exc:  # unreachable, 5xx, 4xx: ask again at the next reconcile
                raise LookupFailed(str(exc)) from exc
            for provider_id, item in (answer.get("messageList") or {}).items():
                if (item.get("customFields") or {}).get("dangol_id") == str(message.uid):
                    code = str(item.get("statusCode") or "")
                    return ProviderRecord(
                        provider_message_id=str(item.get("messageId") or provider_id),
                        status=solapi_status(code),
                        status_code=code,
                        reason=str(item.get("statusMessage") or "")[:300],
                    )
            start_key = answer.get("nextKey")
            if not start_key:
                return None
        raise LookupFailed("too many pages")


def _solapi_http_failure(exc: Exception) -> SendResult:
    code = str(exc.args[0]) if exc.args else type(exc).__name__
    detail = " ".join(str(arg) for arg in exc.args[1:])[:250] or str(exc)[:250]
    if code == "UnknownError":  # HTTP 5xx: the provider did not take it
        return SendResult("temporary", status_code="5xx", reason=f"사업자 서버 오류: {detail}"[:300])
    if any(word in code for word in ("TooMany", "RateLimit", "Throttl")):
        return SendResult("temporary", status_code=code, reason=detail)
    return SendResult("permanent", status_code=code[:40], reason=f"{code}: {detail}"[:300])


_OUTBOX = OutboxChannel()


def channel_for(channel: str) -> Channel:
    """The configured way out for a message channel (settings DANGOL_MESSAGING_EMAIL_VIA / _TEXT_VIA)."""
    if channel == "email":
        return EmailChannel() if settings.DANGOL_MESSAGING_EMAIL_VIA == "django" else _OUTBOX
    if settings.DANGOL_MESSAGING_TEXT_VIA == "solapi":
        return SolapiChannel()
    return _OUTBOX
