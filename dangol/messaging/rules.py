"""Every rule a message must pass, in one place (정보통신망법 제50조, 시행령 제61조–제62조의3; 전기통신사업법
제84조의2). Each rule answers with a code and a Korean reason; the services apply them, the tests walk them
at their boundaries.

Three sorts of outcome:
- **Bad input** raises `MessagingError` (a ValidationError with a Korean message and a `code`); nothing is
  queued: a missing template variable, an unregistered sender number, text outside cp949 (an emoji) in a text
  message, more than 2,000 bytes for an LMS, an informational AlimTalk template with advertising words.
- **A legal block** is recorded on the message (status "blocked", `blocked_rule`, `blocked_reason`), so a
  manager sees which rule stopped it: no marketing consent for the channel and no exemption, a refusal or
  withdrawal (which always wins over the exemption), no address for the channel.
- **A deferral**: an advert (not e-mail) between 21:00 and 08:00 Asia/Seoul without night-time consent waits
  for 08:00 (`not_before`).

Advertising content heuristic (`advertising_words`): an informational template that goes by AlimTalk is
refused at save when its subject or body holds one of `AD_WORDS` (할인, 쿠폰, 이벤트, 특가, 광고, 프로모션,
…). It is a heuristic, not a classifier: it catches the usual promotional vocabulary that Kakao's template
review rejects; a manager who needs such a word in a truly informational notice sends it by another channel.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SEOUL = ZoneInfo("Asia/Seoul")
NIGHT_STARTS = dt.time(21, 0)
NIGHT_ENDS = dt.time(8, 0)
SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
LMS_SUBJECT_MAX_BYTES = 40
ALIMTALK_MAX_CHARS = 1000
EXEMPTION_MONTHS = 6
AD_LABEL = "(광고)"

AD_WORDS = (
    "할인",
    "쿠폰",
    "이벤트",
    "특가",
    "광고",
    "프로모션",
    "세일",
    "사은품",
    "증정",
    "기획전",
    "최저가",
    "적립금 지급",
    "무료 체험",
    "신상품",
)

# Channel → the marketing consent purpose that covers it (dangol.customers.models.ConsentPurpose values).
CONSENT_PURPOSE = {
    "email": "marketing_email",
    "sms": "marketing_sms",
    "lms": "marketing_sms",
    "alimtalk": "marketing_kakao",
    "brand": "marketing_kakao",
}
# Separate consent for adverts at night (시행령 제61조): customers' ConsentPurpose.MARKETING_NIGHT. Without it every
# night-time advert (other than e-mail) waits for 08:00.
NIGHT_CONSENT_PURPOSE = "marketing_night"
BASIS_CONSENT = "consent"
BASIS_TRANSACTION = "transaction_6m"

_PLACEHOLDER = re.compile(r"#\{([^{}\s]{1,40})\}")
# (광 고), (광/고), [광고], <광.고>…: a label written so that a filter misses it.
_LABEL_LIKE = re.compile(r"[\(\[<（【]\s*광\W{0,3}고\s*[\)\]>）】]")


class MessagingError(ValidationError):
    """Bad input: a Korean message for the person who asked, and a `code` naming the rule."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)
        self.rule = code


@dataclass(frozen=True)
class Verdict:
    """A rule's answer: allowed (with the legal basis for an advert) or stopped (code + Korean reason)."""

    allowed: bool
    code: str = ""
    reason: str = ""
    basis: str = ""


@dataclass(frozen=True)
class ConsentState:
    """One marketing consent as customers records it: granted True/False, or None when never decided."""

    granted: bool | None
    changed_at: dt.datetime | None = None


# ---------------------------------------------------------------- consent and the 6-month exemption


def advertising_allowed(
    *, channel: str, consent: ConsentState, last_purchase_at: dt.datetime | None, now: dt.datetime
) -> Verdict:
    """An advert needs marketing consent for its channel. Without it, a customer who bought the same kind of
    goods from us within the last 6 months may get it (the transaction exemption, 법 제50조 제1항 제1호), unless
    they refused or withdrew: a refusal always wins."""
    if consent.granted:
        return Verdict(True, basis=BASIS_CONSENT)
    label = channel_label(channel)
    if consent.granted is False:
        when = f" ({_date(consent.changed_at)})" if consent.changed_at else ""
        return Verdict(
            False,
            "ad_consent_withdrawn",
            f"광고성 메시지: 고객이 {label} 광고 수신을 거부했거나 동의를 철회했습니다{when}.",
        )
    if last_purchase_at is not None and last_purchase_at >= now - relativedelta(months=EXEMPTION_MONTHS):
        return Verdict(True, basis=BASIS_TRANSACTION)
    return Verdict(
        False,
        "ad_no_consent",
        f"광고성 메시지: {label} 마케팅 수신 동의가 없고, 최근 6개월 안에 같은 종류의 상품을 산 거래도 없습니다.",
    )


# ---------------------------------------------------------------- night time (21:00–08:00 Asia/Seoul)


def is_night(when: dt.datetime) -> bool:
    local = when.astimezone(SEOUL).time()
    return local >= NIGHT_STARTS or local < NIGHT_ENDS


def night_ends(when: dt.datetime) -> dt.datetime:
    """The 08:00 (Asia/Seoul) that ends the night `when` falls in."""
    local = when.astimezone(SEOUL)
    day = local.date() + dt.timedelta(days=1) if local.time() >= NIGHT_STARTS else local.date()
    return dt.datetime.combine(day, NIGHT_ENDS, tzinfo=SEOUL)


def night_deferral(*, kind: str, channel: str, night_consent: bool, now: dt.datetime) -> dt.datetime | None:
    """When an advert sent at `now` must wait for, or None. E-mail is outside the night rule (시행령 제61조)."""
    if kind != "advertising" or channel == "email" or night_consent or not is_night(now):
        return None
    return night_ends(now)


NIGHT_RULE = ("night_time", "야간(21시~08시) 광고는 별도 동의가 필요해 08시까지 보류합니다.")


# ---------------------------------------------------------------- the advert's label, sender and opt-out


def ad_decorate(
    *,
    channel: str,
    subject: str,
    body: str,
    sender_name: str,
    sender_contact: str,
    optout_phone: str,
    optout_url: str,
) -> tuple[str, str]:
    """(subject, body) of an advert as the law wants it: `(광고)` first, the sender's name and contact, and a
    free way to refuse last (an 080 number in a text message, a link in an e-mail or a Kakao message)."""
    text = _without_label(body)
    who = " ".join(part for part in (sender_name, sender_contact) if part)
    if channel == "email":
        footer = f"보낸 곳: {who}\n수신을 원하지 않으시면 무료로 거부하실 수 있습니다: {optout_url}"
        return f"{AD_LABEL} {_without_label(subject)}".strip(), f"{text}\n\n{footer}"
    if channel in ("sms", "lms"):
        return _without_label(subject), f"{AD_LABEL}{who}\n{text}\n무료거부 {optout_phone}"
    return _without_label(subject), f"{AD_LABEL}{who}\n{text}\n수신거부: {optout_url}"


def _without_label(text: str) -> str:
    stripped = text.lstrip()
    return stripped[len(AD_LABEL) :].lstrip() if stripped.startswith(AD_LABEL) else text


def disguised_label(text: str) -> str | None:
    """A label like `(광 고)` or `(광/고)` that is not exactly `(광고)`, which the law forbids."""
    for match in _LABEL_LIKE.finditer(text):
        if match.group(0) != AD_LABEL:
            return match.group(0)
    return None


def advertising_words(text: str) -> list[str]:
    return [word for word in AD_WORDS if word in text]


# ---------------------------------------------------------------- text: variables, cp949, lengths, sender


def placeholders(text: str) -> list[str]:
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def render(text: str, variables: Mapping[str, object]) -> str:
    """`#{name}` replaced by its value; a variable without a value is an error naming it (nothing is sent)."""
    missing = [name for name in placeholders(text) if variables.get(name) in (None, "")]
    if missing:
        names = ", ".join(f"#{{{name}}}" for name in missing)
        raise MessagingError(
            _("템플릿 변수 %(names)s의 값이 없습니다.") % {"names": names}, code="template_variable_missing"
        )
    return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), text)


def cp949_bytes(text: str) -> int:
    """The length the carriers count (EUC-KR: Hangul 2 bytes, ASCII 1); cp949 is its superset."""
    return len(text.encode("cp949"))


def cp949_check(text: str, *, what: str = "") -> None:
    try:
        text.encode("cp949")
        return
    except UnicodeEncodeError:
        pass  # find the first character that cannot go, to name it
    for position, char in enumerate(text, start=1):
        try:
            char.encode("cp949")
        except UnicodeEncodeError:
            raise MessagingError(
                _(
                    "%(what)s에 보낼 수 없는 문자 '%(char)s'(U+%(codepoint)s, %(position)s번째 글자)가 있습니다. "
                    "이모지 등 완성형 한글(EUC-KR) 밖의 문자는 문자 메시지로 보낼 수 없습니다."
                )
                % {
                    "what": what or _("문자 메시지"),
                    "char": char,
                    "codepoint": f"{ord(char):04X}",
                    "position": position,
                },
                code="text_not_cp949",
            ) from None


def text_channel(body: str) -> str:
    """ "sms" up to 90 bytes, "lms" up to 2,000 bytes; longer, or a character outside cp949, is an error."""
    cp949_check(body)
    size = cp949_bytes(body)
    if size > LMS_MAX_BYTES:
        raise MessagingError(
            _(
                "문자 내용이 %(size)s바이트입니다. 장문 문자(LMS)는 %(limit)s바이트(한글 약 1,000자)까지 보낼 수 있습니다."
            )
            % {"size": f"{size:,}", "limit": f"{LMS_MAX_BYTES:,}"},
            code="text_too_long",
        )
    return "sms" if size <= SMS_MAX_BYTES else "lms"


def lms_subject(subject: str) -> str:
    """An LMS subject: cp949 only, cut to 40 bytes (a template's e-mail subject may be longer)."""
    try:
        subject.encode("cp949")
    except UnicodeEncodeError:  # the label is translated only for the error (this runs for every LMS queued)
        cp949_check(subject, what=_("문자 제목"))
    while cp949_bytes(subject) > LMS_SUBJECT_MAX_BYTES:
        subject = subject[:-1]
    return subject


def alimtalk_check(body: str, *, fallback: bool) -> None:
    if len(body) > ALIMTALK_MAX_CHARS:
        raise MessagingError(
            _("알림톡은 %(limit)s자까지 보낼 수 있습니다(%(length)s자).")
            % {"limit": f"{ALIMTALK_MAX_CHARS:,}", "length": f"{len(body):,}"},
            code="alimtalk_too_long",
        )
    if fallback:  # the stand-in SMS/LMS must be sendable too
        text_channel(body)


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def sender_check(sender: str | None, registered: Iterable[str]) -> str:
    """The sender number to use: `sender` if it is registered (발신번호 사전등록), else the first registered."""
    numbers = [number for number in registered if digits(number)]
    if not numbers:
        raise MessagingError(
            _("등록된 발신번호가 없습니다. 사전 등록한 발신번호를 설정(DANGOL_SMS_SENDERS)에 넣으세요."),
            code="sender_missing",
        )
    if not sender:
        return numbers[0]
    for number in numbers:
        if digits(number) == digits(sender):
            return number
    raise MessagingError(
        _("등록되지 않은 발신번호입니다: %(sender)s. 사전 등록한 번호(%(numbers)s)로만 보낼 수 있습니다.")
        % {"sender": sender, "numbers": ", ".join(numbers)},
        code="sender_unregistered",
    )


# ---------------------------------------------------------------- templates, checked at save


def template_problems(
    *, kind: str, channels: list[str], subject: str, body: str, alimtalk_template_id: str
) -> dict[str, str]:
    """Field → Korean message for each reason a template cannot be saved."""
    problems: dict[str, str] = {}
    if not channels:
        problems["channels"] = "채널을 하나 이상 고르세요."
    unknown = [c for c in channels if c not in ("email", "sms", "alimtalk", "brand")]
    if unknown:
        problems["channels"] = f"알 수 없는 채널입니다: {', '.join(unknown)}"
    text = f"{subject}\n{body}"
    label = disguised_label(text)
    if label:
        problems["body"] = (
            f"'{label}'처럼 변형한 광고 표시는 쓸 수 없습니다. 광고성 템플릿에는 '(광고)'가 자동으로 붙습니다."
        )
    if "alimtalk" in channels:
        if kind == "advertising":
            problems["kind"] = (
                "알림톡은 정보성 메시지만 보낼 수 있습니다. 광고는 브랜드 메시지나 문자로 보내세요."
            )
        else:
            words = advertising_words(text)
            if words:
                problems["body"] = (
                    f"정보성 알림톡에 광고로 보이는 표현이 있습니다: {', '.join(words)}. 광고라면 종류를 "
                    "'광고성'으로 하고 알림톡 대신 브랜드 메시지나 문자로 보내세요."
                )
        if not alimtalk_template_id.strip():
            problems["alimtalk_template_id"] = (
                "알림톡은 카카오 승인을 받은 템플릿 ID가 있어야 보낼 수 있습니다."
            )
    if "sms" in channels and "body" not in problems:
        try:
            cp949_check(subject, what=_("문자 제목"))
            cp949_check(body)
        except MessagingError as exc:
            problems["body"] = exc.messages[0]
    return problems


# ---------------------------------------------------------------- labels


_CHANNEL_LABELS = {
    "email": "이메일",
    "sms": "문자",
    "lms": "문자",
    "alimtalk": "카카오톡",
    "brand": "카카오톡",
}


def channel_label(channel: str) -> str:
    return _CHANNEL_LABELS.get(channel, channel)


def _date(when: dt.datetime) -> str:
    return when.astimezone(SEOUL).strftime("%Y-%m-%d")


NO_ADDRESS_RULE = "no_address"
SUSPENDED_RULE = "processing_suspended"


def suspended_reason() -> str:
    return _(
        "광고성 메시지: 고객이 개인정보 처리정지를 요구해 광고를 보내지 않습니다(개인정보 보호법 제37조)."
    )


def no_address_reason(channel: str) -> str:
    what = "이메일 주소" if channel == "email" else "휴대전화 번호"
    return f"고객 정보에 {what}가 없어 {channel_label(channel)}(으)로 보낼 수 없습니다."
