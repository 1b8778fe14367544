"""Use cases that change customers. Each writes its history in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.common.korean import particle
from dangol.customers import merging, selectors
from dangol.customers.models import (
    MARKETING_PURPOSES,
    REQUIRED_PURPOSES,
    Consent,
    ConsentEvent,
    ConsentPurpose,
    ConsentStage,
    Customer,
    CustomerMerge,
    CustomerSegment,
    Note,
    Preference,
    Tag,
)
from dangol.customers.phone import InvalidPhone, normalize_phone, phone_last4
from dangol.reading.text import mask_text

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
        errors["name"] = _("이름은 비워 둘 수 없습니다.")
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
            errors["email"] = _("이메일 형식이 올바르지 않습니다: %(email)s") % {"email": out["email"]}
    if out.get("gender") and out["gender"] not in Customer.Gender.values:
        errors["gender"] = _("성별은 F, M, O 중 하나여야 합니다.")
    if out.get("acquisition_channel") and out["acquisition_channel"] not in Customer.Channel.values:
        errors["acquisition_channel"] = _("알 수 없는 유입 경로입니다: %(channel)s") % {
            "channel": out["acquisition_channel"]
        }
    if "external_id" in out and not out["external_id"]:
        out["external_id"] = None
    if errors:
        raise ValidationError(errors)
    if "phone" in out:
        out["phone_last4"] = phone_last4(out["phone"]) if out["phone"] else ""
    return out


def _external_id_taken(external_id: str) -> str:
    return _("이미 있는 외부 ID입니다: %(external_id)s") % {"external_id": external_id}


@transaction.atomic
def customer_create(*, data: dict[str, Any], tags: list[str] | None = None) -> Customer:
    fields = clean_customer_fields(data)
    if not fields.get("joined_at"):
        fields["joined_at"] = timezone.now()
    if fields.get("external_id") and Customer.objects.filter(external_id=fields["external_id"]).exists():
        raise ValidationError({"external_id": _external_id_taken(fields["external_id"])})
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
            raise ValidationError({"external_id": _external_id_taken(fields["external_id"])})
    version = customer.version if expected_version is None else expected_version
    updated = Customer.objects.filter(pk=customer.pk, version=version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise ConflictError(
            _("다른 사용자가 먼저 이 고객 정보를 수정했습니다. 새로 고친 뒤 다시 시도하세요.")
        )
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
        raise ValidationError(
            {"purpose": _("알 수 없는 동의 항목입니다: %(purpose)s") % {"purpose": purpose}}
        )
    when = at or timezone.now()
    consent, _created = Consent.objects.update_or_create(
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
        raise ValidationError({"body": _("메모 내용을 입력하세요.")})
    if len(body) > 5000:
        raise ValidationError({"body": _("메모는 5,000자까지 입력할 수 있습니다.")})

    return Note.objects.create(customer=customer, body=mask_text(body), author=by, pinned=pinned)


@transaction.atomic
def preference_set(*, customer: Customer, key: str, value: str, by: User | None) -> Preference:
    key, value = mask_text((key or "").strip()), mask_text((value or "").strip())
    if not key or not value:
        raise ValidationError({"key": _("항목과 내용을 모두 입력하세요.")})
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


# Profile fields a merge copies onto the survivor when the survivor has none.
_FILLABLE = ("email", "phone", "birth_date", "gender", "address", "preferred_name")


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _from_json(field: str, value: Any) -> Any:
    model_field = Customer._meta.get_field(field)
    assert isinstance(model_field, models.Field)
    return model_field.to_python(value)


def _refresh_consent_stage(customer: Customer) -> None:
    state = dict(Consent.objects.filter(customer=customer).values_list("purpose", "granted"))
    Customer.objects.filter(pk=customer.pk).update(consent_stage=_consent_stage(state))


def _lock_pair(first: Customer, second: Customer) -> tuple[Customer, Customer]:
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[first.pk, second.pk])}
    return locked[first.pk], locked[second.pk]


@transaction.atomic
def customers_merge(*, survivor: Customer, merged: Customer, by: User | None) -> CustomerMerge:
    """Move every record of `merged` onto `survivor` by the registered merge rules (dangol.customers.merging);
    `merged` stays as a pointer. What moved is stored by id, so customers_unmerge can put it back."""
    if survivor.pk == merged.pk:
        raise ValidationError(_("같은 고객끼리는 병합할 수 없습니다."))
    missing = merging.relations_without_rule()
    if missing:  # a model added without a rule would silently stay behind on the merged record
        raise ImproperlyConfigured(f"No merge rule for: {', '.join(missing)}")
    survivor, merged = _lock_pair(survivor, merged)
    if merged.status == Customer.Status.MERGED or survivor.status == Customer.Status.MERGED:
        raise ValidationError(_("이미 병합된 고객입니다."))
    counts: dict[str, int] = {}
    ids: dict[str, list[Any]] = {}
    for rule in merging.merge_rules():
        if rule.move is None:
            continue
        entries = rule.move(survivor=survivor, merged=merged, by=by)
        if entries:
            counts[rule.key], ids[rule.key] = len(entries), entries
    fill = {f: getattr(merged, f) for f in _FILLABLE if not getattr(survivor, f) and getattr(merged, f)}
    if fill.get("phone"):
        fill["phone_last4"] = phone_last4(fill["phone"])
    if merged.joined_at < survivor.joined_at:
        fill["joined_at"] = merged.joined_at
    previous = {f: getattr(survivor, f) for f in fill}
    Customer.objects.filter(pk=survivor.pk).update(version=F("version") + 1, **fill)
    external_id = merged.external_id
    Customer.objects.filter(pk=merged.pk).update(
        status=Customer.Status.MERGED, merged_into=survivor, external_id=None, version=F("version") + 1
    )
    _refresh_consent_stage(survivor)
    _refresh_consent_stage(merged)
    survivor.refresh_from_db()
    merged.refresh_from_db()
    moved = {
        "counts": counts,
        "ids": ids,
        "filled": {f: _json(v) for f, v in fill.items()},
        "previous": {f: _json(v) for f, v in previous.items()},
        "external_id": external_id or "",
    }
    return CustomerMerge.objects.create(survivor=survivor, merged=merged, by=by, moved=moved)


@transaction.atomic
def customers_unmerge(*, merge: CustomerMerge, by: User | None) -> CustomerMerge:
    """Undo `merge`: the rows it moved go back by their stored ids, the merged record is active again
    with its external id, and the fields the merge filled on the survivor are emptied again (unless
    someone changed them since). The merge record stays, marked undone."""
    merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
    refusal = selectors.merge_undo_refusal(merge)
    if refusal:
        raise ValidationError(refusal)
    survivor, merged = _lock_pair(merge.survivor, merge.merged)
    if merged.status != Customer.Status.MERGED or merged.merged_into_id != survivor.pk:
        raise ValidationError(_("병합된 고객의 상태가 병합 기록과 달라 취소할 수 없습니다."))
    external_id = merge.moved.get("external_id") or None
    if external_id and Customer.objects.filter(external_id=external_id).exclude(pk=merged.pk).exists():
        raise ValidationError(
            _("외부 ID %(external_id)s%(eul)s 다른 고객이 쓰고 있어 취소할 수 없습니다.")
            % {"external_id": external_id, "eul": particle(external_id, "을/를")}
        )
    returned: dict[str, int] = {}
    for key, entries in merge.moved["ids"].items():
        rule = merging.merge_rule(key)
        if rule is None or rule.undo is None:
            raise ValidationError(
                _("되돌리는 방법이 등록되지 않은 기록이 있습니다: %(kind)s") % {"kind": key}
            )
        returned[key] = rule.undo(survivor=survivor, merged=merged, by=by, moved=entries)
    filled = {f: _from_json(f, v) for f, v in merge.moved.get("filled", {}).items()}
    previous = {f: _from_json(f, v) for f, v in merge.moved.get("previous", {}).items()}
    untouched = {f: previous[f] for f, v in filled.items() if getattr(survivor, f) == v and f in previous}
    Customer.objects.filter(pk=survivor.pk).update(version=F("version") + 1, **untouched)
    Customer.objects.filter(pk=merged.pk).update(
        status=Customer.Status.ACTIVE, merged_into=None, external_id=external_id, version=F("version") + 1
    )
    _refresh_consent_stage(survivor)
    _refresh_consent_stage(merged)
    # What actually went back: a row re-assigned by hand, or a consent decided since, stays where it is.
    record = {**merge.moved, "returned": {"counts": returned, "fields": sorted(untouched)}}
    if not CustomerMerge.objects.filter(pk=merge.pk, undone_at__isnull=True).update(
        undone_at=timezone.now(), undone_by=by, moved=record
    ):
        raise ValidationError(_("이미 취소된 병합입니다."))
    merge.refresh_from_db()
    return merge


def segment_save(
    *, name: str, query: str, filters: selectors.CustomerFilters, by: User | None
) -> CustomerSegment:
    """Save the current list filter under a new name (names are shared by the whole team)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("세그먼트 이름을 입력하세요.")})
    data = filters.to_json()
    data.pop("sort", None)  # who belongs, not in which order
    try:
        with transaction.atomic():
            return CustomerSegment.objects.create(name=name, query=query, filters=data, created_by=by)
    except IntegrityError:
        raise ValidationError({"name": _("같은 이름의 세그먼트가 이미 있습니다.")}) from None


def segment_delete(*, segment: CustomerSegment) -> None:
    CustomerSegment.objects.filter(pk=segment.pk).delete()
