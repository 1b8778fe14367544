"""The portal's messages to customers, registered with messaging as system templates (made after migrate when
missing; a manager may edit the text). Both are informational: a sign-in code and the result of a consent
change, which the law asks us to tell the customer (정보통신망법 제50조 제8항)."""

from __future__ import annotations

from typing import Any

from dangol.portal.auth import CODE_TEMPLATE
from dangol.portal.services import CONSENT_TEMPLATE

TEMPLATES: list[dict[str, Any]] = [
    {
        "code": CODE_TEMPLATE,
        "name": "셀프서비스 로그인 인증번호",
        # A text message; add AlimTalk in front once its template is approved.
        "channels": ["sms"],
        "subject": "인증번호",
        "body": "[단골] 인증번호 #{인증번호} (3분 안에 입력, 타인에게 알리지 마세요)",
    },
    {
        "code": CONSENT_TEMPLATE,
        "name": "수신 동의 변경 결과 안내",
        "channels": ["sms", "email"],
        "subject": "수신 동의 변경 결과 안내",
        "body": "#{항목} 수신 #{결과} 처리완료(#{처리일시}).",
    },
]
