"""What a signed-in customer does in the portal. Changes to cases go through dangol.voc.services, consents
through dangol.customers.services; this app only stores the customer's photos and sends the confirmations."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import ConsentPurpose, Customer
from dangol.customers.selectors import consent_now
from dangol.customers.services import consent_set
from dangol.interactions.models import Touchpoint
from dangol.messaging.rules import MessagingError
from dangol.messaging.services import message_queue
from dangol.orders.models import Order
from dangol.portal.images import MAX_BYTES, MAX_PHOTOS, BadImage, CleanImage, clean_image, upload_dir
from dangol.portal.models import Photo
from dangol.portal.selectors import awaiting_rating
from dangol.voc import services as voc
from dangol.voc.models import Case, CaseEvent, Category

logger = logging.getLogger(__name__)

CONSENT_TEMPLATE = "portal_consent_changed"
KINDS = (Case.Kind.INQUIRY, Case.Kind.COMPLAINT, Case.Kind.SUGGESTION, Case.Kind.PRAISE)
# What the customer may change here: the marketing consents. Terms and privacy are the contract itself.
CHANGEABLE = (
    ConsentPurpose.MARKETING_SMS,
    ConsentPurpose.MARKETING_EMAIL,
    ConsentPurpose.MARKETING_KAKAO,
    ConsentPurpose.MARKETING_PUSH,
    ConsentPurpose.MARKETING_NIGHT,
)
SOURCE = "셀프서비스 포털"


def photos_check(files: Sequence[UploadedFile]) -> list[CleanImage]:
    """The uploads as clean images (metadata removed), or ValidationError in Korean naming the file."""
    files = [f for f in files if f]
    if len(files) > MAX_PHOTOS:
        raise ValidationError({"photos": _("사진은 %(n)s장까지 올릴 수 있습니다.") % {"n": MAX_PHOTOS}})
    clean = []
    for upload in files:
        if (upload.size or 0) > MAX_BYTES:
            raise ValidationError(
                {"photos": _("%(name)s: 사진은 한 장에 5MB까지 올릴 수 있습니다.") % {"name": upload.name}}
            )
        try:
            clean.append(clean_image(upload.read(MAX_BYTES + 1)))
        except BadImage as exc:
            raise ValidationError({"photos": f"{upload.name}: {exc}"}) from exc
    return clean


def _photos_save(
    images: Sequence[CleanImage],
    *,
    uids: Sequence[uuid.UUID],
    customer: Customer,
    case: Case,
    event: CaseEvent | None,
    now: dt.datetime,
) -> list[Photo]:
    folder = upload_dir() / f"{now:%Y%m}"
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for image, uid in zip(images, uids, strict=True):
        relative = f"{now:%Y%m}/{uid.hex}.{image.extension}"
        (upload_dir() / relative).write_bytes(image.data)
        saved.append(
            Photo.objects.create(
                uid=uid,
                customer=customer,
                case=case,
                event=event,
                content_type=image.content_type,
                size=len(image.data),
                sha256=hashlib.sha256(image.data).hexdigest(),
                path=relative,
                created_at=now,
            )
        )
    return saved


def _with_photos(
    *, customer: Customer, case: Case, text: str, photos: Sequence[CleanImage], notify: bool, now: dt.datetime
) -> CaseEvent:
    """The customer's message on the case (voc's service) and its photos, which the case page links for staff."""
    uids = [uuid.uuid4() for _photo in photos]
    event = voc.case_customer_message(
        case=case,
        text=text,
        photos=len(photos),
        photo_links=[reverse("portal:staff_photo", args=[uid.hex]) for uid in uids],
        notify=notify,
        at=now,
    )
    _photos_save(photos, uids=uids, customer=customer, case=case, event=event, now=now)
    return event


def photo_bytes(photo: Photo) -> bytes:
    return (upload_dir() / photo.path).read_bytes()


@dataclass(frozen=True)
class NewInquiry:
    kind: str
    title: str
    body: str
    category: Category | None
    order: Order | None


def _with_order(body: str, order: Order | None) -> str:
    if order is None:
        return body
    day = timezone.localtime(order.ordered_at)
    return f"{body}\n\n[관련 주문] {order.external_id} ({day:%Y-%m-%d}, ₩{order.total_amount:,})"


def inquiry_file(*, customer: Customer, inquiry: NewInquiry, photos: Sequence[CleanImage]) -> Case:
    """A new case from the customer, routed by voc to the team that owns the category; the photos kept with it.
    The order must be the customer's own."""
    if inquiry.kind not in KINDS:
        raise ValidationError({"kind": _("문의 유형을 골라 주세요.")})
    if inquiry.order is not None and inquiry.order.customer_id != customer.pk:
        raise ValidationError({"order": _("고객님의 주문만 고를 수 있습니다.")})
    now = timezone.now()
    with transaction.atomic():
        case = voc.case_open(
            customer=customer,
            kind=inquiry.kind,
            title=inquiry.title,
            body=_with_order(inquiry.body, inquiry.order),
            channel=Case.Channel.WEB,
            category=inquiry.category,
            touchpoint=Touchpoint.objects.filter(channel=Touchpoint.Channel.WEBSITE).first(),
            opened_at=now,
        )
        if photos:
            _with_photos(customer=customer, case=case, text="", photos=photos, notify=False, now=now)
    return case


def case_message(*, customer: Customer, case: Case, text: str, photos: Sequence[CleanImage]) -> CaseEvent:
    if case.customer_id != customer.pk:
        raise ValidationError(_("찾을 수 없는 문의입니다."))
    now = timezone.now()
    with transaction.atomic():
        return _with_photos(customer=customer, case=case, text=text, photos=photos, notify=True, now=now)


def case_rate(
    *, customer: Customer, case: Case, score: int, would_continue: bool | None, comment: str
) -> Case:
    """The customer's rating of the resolution: voc's follow-up check (a low score reopens it to the lead)."""
    if case.customer_id != customer.pk:
        raise ValidationError(_("찾을 수 없는 문의입니다."))
    if case.status in (Case.Status.RESOLVED, Case.Status.CLOSED) and not awaiting_rating(case):
        raise ValidationError(_("이미 만족도를 남기셨습니다. 고맙습니다."))
    return voc.case_record_satisfaction(
        case=case, score=score, would_continue=would_continue, comment=comment
    )


def case_reopen(*, customer: Customer, case: Case, reason: str) -> Case:
    if case.customer_id != customer.pk:
        raise ValidationError(_("찾을 수 없는 문의입니다."))
    return voc.case_customer_reopen(case=case, reason=reason)


@transaction.atomic
def consent_change(
    *, customer: Customer, purpose: str, granted: bool, now: dt.datetime | None = None
) -> bool:
    """Grant or withdraw one marketing consent at once, and queue the notice of the result to the customer
    (정보통신망법 제50조 제8항). False when nothing changed."""
    now = now or timezone.now()
    if purpose not in CHANGEABLE:
        raise ValidationError({"purpose": _("여기서 바꿀 수 없는 항목입니다.")})
    if consent_now(customer, purpose).granted is granted:
        return False
    consent_set(customer=customer, purpose=purpose, granted=granted, source=SOURCE, at=now)
    try:  # the change stands even if the notice cannot be queued (a template edited badly): logged
        message_queue(
            customer=customer,
            template_code=CONSENT_TEMPLATE,
            variables={
                "항목": str(ConsentPurpose(purpose).label),
                "결과": "동의" if granted else "철회",
                "처리일시": f"{timezone.localtime(now):%Y-%m-%d %H:%M}",
            },
            purpose_ref=f"portal-consent:{customer.pk}:{purpose}:{now.timestamp():.0f}",
            now=now,
        )
    except MessagingError as exc:
        logger.error("consent notice for customer %s not queued: %s", customer.pk, exc.messages[0])
    return True
