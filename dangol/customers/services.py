"""Use cases that change customers. Each writes its history in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dangol.customers.models import (
    MARKETING_PURPOSES,
    REQUIRED_PURPOSES,
    Consent,
    ConsentEvent,
    ConsentPurpose,
    ConsentStage,
    Customer,
    CustomerMerge,
    Note,
    Preference,
    Tag,
)
from dangol.customers.phone import InvalidPhone, normalize_phone, phone_last4

EDITABLE_FIELDS = (
    "name",
    "preferred_name",
    "phone",
    "email",
    "birth_date",
    "gender",
    "address",
    "external_id",
    "joined_at",
    "acquisition_channel",
    "home_store_id",
)


class ConflictError(Exception):
    """The record changed since the caller read it (optimistic locking)."""


def clean_customer_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise profile fields; raise ValidationError with Korean messages."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in EDITABLE_FIELDS:
            continue
        out[key] = value.strip() if isinstance(value, str) else value
    if "name" in out and not out["name"]:
        errors["name"] = "이름은 비워 둘 수 없습니다."
    if out.get("phone"):
        try:
            out["phone"] = normalize_phone(out["phone"])
        except InvalidPhone as exc:
            errors["phone"] = str(exc)
    if out.get("email"):
        out["email"] = out["email"].lower()
        try:
            validate_email(out["email"])
        except ValidationError:
            errors["email"] = f"이메일 형식이 올바르지 않습니다: {out['email']}"
    if out.get("gender") and out["gender"] not in Customer.Gender.values:
        errors["gender"] = "성별은 F, M, O 중 하나여야 합니다."
    if out.get("acquisition_channel") and out["acquisition_channel"] not in Customer.Channel.values:
        errors["acquisition_channel"] = f"알 수 없는 유입 경로입니다: {out['acquisition_channel']}"
    if "external_id" in out and not out["external_id"]:
        out["external_id"] = None
    if errors:
        raise ValidationError(errors)
    if "phone" in out:
        out["phone_last4"] = phone_last4(out["phone"]) if out["phone"] else ""
    return out


@transaction.atomic
def customer_create(*, data: dict[str, Any], tags: list[str] | None = None) -> Customer:
    fields = clean_customer_fields(data)
    if not fields.get("joined_at"):
        fields["joined_at"] = timezone.now()
    if fields.get("external_id") and Customer.objects.filter(external_id=fields["external_id"]).exists():
        raise ValidationError({"external_id": f"이미 있는 외부 ID입니다: {fields['external_id']}"})
    customer = Customer.objects.create(**fields)
    if tags:
        customer.tags.set(tags_get_or_create(tags))
    return customer


@transaction.atomic
def customer_update(
    *, customer: Customer, data: dict[str, Any], expected_version: int | None = None
) -> Customer:
    fields = clean_customer_fields(data)
    if "external_id" in fields and fields["external_id"]:
        clash = Customer.objects.filter(external_id=fields["external_id"]).exclude(pk=customer.pk).exists()
        if clash:
            raise ValidationError({"external_id": f"이미 있는 외부 ID입니다: {fields['external_id']}"})
    version = customer.version if expected_version is None else expected_version
    updated = Customer.objects.filter(pk=customer.pk, version=version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ConflictError("다른 사용자가 먼저 이 고객 정보를 수정했습니다. 새로 고친 뒤 다시 시도하세요.")
    customer.refresh_from_db()
    return customer


def tags_get_or_create(names: list[str]) -> list[Tag]:
    clean = sorted({n.strip() for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    for name in clean:
        if name not in existing:
            existing[name] = Tag.objects.create(name=name[:40])
    return [existing[n] for n in clean]


def _consent_stage(granted: dict[str, bool]) -> str:
    if not all(granted.get(p, False) for p in REQUIRED_PURPOSES):
        return ConsentStage.NONE
    marketing = [granted.get(p, False) for p in MARKETING_PURPOSES]
    if all(marketing):
        return ConsentStage.MARKETING_ALL
    if any(marketing):
        return ConsentStage.MARKETING_PARTIAL
    return ConsentStage.REQUIRED


@transaction.atomic
def consent_set(
    *,
    customer: Customer,
    purpose: str,
    granted: bool,
    source: str,
    version: str = "",
    by: User | None = None,
    at: dt.datetime | None = None,
) -> Consent:
    """Grant or withdraw one consent; records the event and refreshes the customer's stage."""
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": f"알 수 없는 동의 항목입니다: {purpose}"})
    when = at or timezone.now()
    consent, _ = Consent.objects.update_or_create(
        customer=customer,
        purpose=purpose,
        defaults={"granted": granted, "changed_at": when, "source": source, "version": version},
    )
    ConsentEvent.objects.create(
        customer=customer,
        purpose=purpose,
        granted=granted,
        occurred_at=when,
        source=source,
        version=version,
        recorded_by=by,
    )
    state = dict(Consent.objects.filter(customer=customer).values_list("purpose", "granted"))
    stage = _consent_stage(state)
    Customer.objects.filter(pk=customer.pk).update(consent_stage=stage)
    customer.consent_stage = stage
    return consent


@transaction.atomic
def note_add(*, customer: Customer, body: str, by: User, pinned: bool = False) -> Note:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "메모 내용을 입력하세요."})
    if len(body) > 5000:
        raise ValidationError({"body": "메모는 5,000자까지 입력할 수 있습니다."})
    from dangol.reading.text import mask_text

    return Note.objects.create(customer=customer, body=mask_text(body), author=by, pinned=pinned)


@transaction.atomic
def preference_set(*, customer: Customer, key: str, value: str, by: User | None) -> Preference:
    key, value = (key or "").strip(), (value or "").strip()
    if not key or not value:
        raise ValidationError({"key": "항목과 내용을 모두 입력하세요."})
    return Preference.objects.create(customer=customer, key=key[:60], value=value[:300], recorded_by=by)


def duplicates_of(customer: Customer) -> list[Customer]:
    """Other active customers sharing this one's phone or email."""
    from django.db.models import Q

    cond = Q()
    if customer.phone:
        cond |= Q(phone=customer.phone)
    if customer.email:
        cond |= Q(email=customer.email)
    if not cond:
        return []
    return list(
        Customer.objects.filter(cond, status=Customer.Status.ACTIVE)
        .exclude(pk=customer.pk)
        .order_by("joined_at")
    )


@transaction.atomic
def customers_merge(*, survivor: Customer, merged: Customer, by: User | None) -> CustomerMerge:
    """Move every record of `merged` onto `survivor`; `merged` stays as a pointer. History is kept."""
    from dangol.interactions.models import Interaction
    from dangol.orders.models import Order
    from dangol.promises.models import Promise

    if survivor.pk == merged.pk:
        raise ValidationError("같은 고객끼리는 병합할 수 없습니다.")
    if merged.status == Customer.Status.MERGED or survivor.status == Customer.Status.MERGED:
        raise ValidationError("이미 병합된 고객입니다.")
    moved: dict[str, int | str] = {
        "interactions": Interaction.objects.filter(customer=merged).update(customer=survivor),
        "orders": Order.objects.filter(customer=merged).update(customer=survivor),
        "promises": Promise.objects.filter(customer=merged).update(customer=survivor),
        "notes": Note.objects.filter(customer=merged).update(customer=survivor),
        "preferences": Preference.objects.filter(customer=merged).update(customer=survivor),
        "consent_events": ConsentEvent.objects.filter(customer=merged).update(customer=survivor),
    }
    # Current consents: the more recent decision per purpose wins.
    for consent in Consent.objects.filter(customer=merged):
        mine = Consent.objects.filter(customer=survivor, purpose=consent.purpose).first()
        if mine is None or consent.changed_at > mine.changed_at:
            Consent.objects.update_or_create(
                customer=survivor,
                purpose=consent.purpose,
                defaults={
                    "granted": consent.granted,
                    "changed_at": consent.changed_at,
                    "source": consent.source,
                    "version": consent.version,
                },
            )
    Consent.objects.filter(customer=merged).delete()
    state = dict(Consent.objects.filter(customer=survivor).values_list("purpose", "granted"))
    survivor.tags.add(*merged.tags.all())
    fill = {
        f: getattr(merged, f)
        for f in ("email", "phone", "birth_date", "gender", "address", "preferred_name")
        if not getattr(survivor, f) and getattr(merged, f)
    }
    if fill.get("phone"):
        fill["phone_last4"] = phone_last4(fill["phone"])
    Customer.objects.filter(pk=survivor.pk).update(
        consent_stage=_consent_stage(state),
        joined_at=min(survivor.joined_at, merged.joined_at),
        version=F("version") + 1,
        **fill,
    )
    external_id = merged.external_id
    Customer.objects.filter(pk=merged.pk).update(
        status=Customer.Status.MERGED, merged_into=survivor, external_id=None, version=F("version") + 1
    )
    moved["external_id"] = external_id or ""
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return CustomerMerge.objects.create(survivor=survivor, merged=merged, by=by, moved=moved)
