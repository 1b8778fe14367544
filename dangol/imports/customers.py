"""Customer rows: validation (Korean messages, line numbers) and upsert by external id."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from dangol.customers.models import (
    MARKETING_PURPOSES,
    REQUIRED_PURPOSES,
    Consent,
    ConsentEvent,
    Customer,
    Tag,
)
from dangol.customers.phone import InvalidPhone, normalize_phone, phone_last4
from dangol.customers.services import _consent_stage
from dangol.imports.fastsql import db_date, db_datetime, ids_by_key, insert_rows
from dangol.imports.readers import parse_date, parse_datetime
from dangol.interactions.models import Touchpoint

COLUMNS = {
    "external_id": "external_id",
    "고객번호": "external_id",
    "외부id": "external_id",
    "회원번호": "external_id",
    "name": "name",
    "이름": "name",
    "고객명": "name",
    "성명": "name",
    "preferred_name": "preferred_name",
    "호칭": "preferred_name",
    "phone": "phone",
    "전화번호": "phone",
    "휴대폰": "phone",
    "연락처": "phone",
    "email": "email",
    "이메일": "email",
    "birth_date": "birth_date",
    "생년월일": "birth_date",
    "gender": "gender",
    "성별": "gender",
    "address": "address",
    "주소": "address",
    "joined_at": "joined_at",
    "가입일": "joined_at",
    "가입일시": "joined_at",
    "acquisition_channel": "acquisition_channel",
    "유입경로": "acquisition_channel",
    "home_store": "home_store",
    "주이용매장": "home_store",
    "매장": "home_store",
    "tags": "tags",
    "태그": "tags",
    "consent_terms": "terms",
    "이용약관동의": "terms",
    "consent_privacy": "privacy",
    "개인정보동의": "privacy",
    "marketing_sms": "marketing_sms",
    "문자수신": "marketing_sms",
    "marketing_email": "marketing_email",
    "이메일수신": "marketing_email",
    "marketing_push": "marketing_push",
    "푸시수신": "marketing_push",
    "marketing_kakao": "marketing_kakao",
    "카카오톡수신": "marketing_kakao",
}
REQUIRED = ("external_id", "name")
LABELS = {
    "external_id": "고객번호(external_id)",
    "name": "이름(name)",
    "phone": "전화번호(phone)",
    "email": "이메일(email)",
    "birth_date": "생년월일(birth_date)",
    "gender": "성별(gender)",
    "joined_at": "가입일(joined_at)",
    "acquisition_channel": "유입경로(acquisition_channel)",
    "home_store": "주이용매장(home_store)",
}
_GENDER = {
    "f": "F",
    "여": "F",
    "여성": "F",
    "female": "F",
    "m": "M",
    "남": "M",
    "남성": "M",
    "male": "M",
    "o": "O",
    "기타": "O",
}
_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}")
_YES = {"y", "yes", "true", "1", "동의", "o", "예"}
_NO = {"n", "no", "false", "0", "미동의", "x", "아니오", "거부", ""}
_CHANNEL_ALIASES: dict[str, str] = {str(label): str(value) for value, label in Customer.Channel.choices}
_INSERT_COLUMNS = (
    "name",
    "preferred_name",
    "phone",
    "phone_last4",
    "email",
    "birth_date",
    "gender",
    "address",
    "external_id",
    "joined_at",
    "acquisition_channel",
    "home_store_id",
    "consent_stage",
    "status",
    "version",
    "created_at",
    "updated_at",
)
PROFILE_FIELDS = (
    "name",
    "preferred_name",
    "phone",
    "email",
    "birth_date",
    "gender",
    "address",
    "joined_at",
    "acquisition_channel",
    "home_store_id",
)
CONSENT_KEYS = (*REQUIRED_PURPOSES, *MARKETING_PURPOSES)


@dataclass
class CleanCustomer:
    line: int
    external_id: str
    fields: dict[str, Any]
    tags: list[str] | None
    consents: dict[str, bool] = field(default_factory=dict)


class RowErrors(Exception):
    def __init__(self, messages: list[tuple[str, str]]):
        super().__init__(messages)
        self.messages = messages


class CustomerRowValidator:
    def __init__(self) -> None:
        self.stores = {t.code: t.pk for t in Touchpoint.objects.all()}
        self.store_names = {t.name: t.pk for t in Touchpoint.objects.all()}
        self.seen: dict[str, int] = {}
        self.now = timezone.now()

    def clean(self, line: int, raw: dict[str, str]) -> CleanCustomer:
        errors: list[tuple[str, str]] = []
        out: dict[str, Any] = {}
        ext = raw.get("external_id", "").strip()
        name = raw.get("name", "").strip()
        if not ext:
            errors.append(("external_id", "고객번호(external_id)가 비어 있습니다."))
        elif len(ext) > 64:
            errors.append(("external_id", "고객번호는 64자까지입니다."))
        elif ext in self.seen:
            errors.append(
                ("external_id", f"고객번호 '{ext}'가 {self.seen[ext]}행에도 있습니다(파일 안 중복).")
            )
        if not name:
            errors.append(("name", "이름이 비어 있습니다."))
        elif len(name) > 60:
            errors.append(("name", "이름은 60자까지입니다."))
        out["name"] = name
        out["preferred_name"] = raw.get("preferred_name", "").strip()[:60]
        phone = raw.get("phone", "").strip()
        out["phone"] = ""
        if phone:
            try:
                out["phone"] = normalize_phone(phone)
            except InvalidPhone as exc:
                errors.append(("phone", str(exc)))
        email = raw.get("email", "").strip().lower()
        if email and not _EMAIL.fullmatch(email):
            try:  # the strict validator only for what the quick pattern does not accept
                validate_email(email)
            except ValidationError:
                errors.append(("email", f"이메일 형식이 올바르지 않습니다: '{email}'"))
        out["email"] = email
        out["birth_date"] = None
        if raw.get("birth_date", "").strip():
            try:
                birth = parse_date(raw["birth_date"])
                if birth > self.now.date() or birth.year < 1900:
                    errors.append(("birth_date", f"생년월일이 올바르지 않습니다: '{raw['birth_date']}'"))
                out["birth_date"] = birth
            except ValueError as exc:
                errors.append(("birth_date", str(exc)))
        gender = raw.get("gender", "").strip().lower()
        out["gender"] = ""
        if gender:
            if gender not in _GENDER:
                errors.append(("gender", f"성별은 F/M/O 또는 여/남/기타여야 합니다: '{raw['gender']}'"))
            else:
                out["gender"] = _GENDER[gender]
        out["address"] = raw.get("address", "").strip()[:200]
        joined = raw.get("joined_at", "").strip()
        out["joined_at"] = None
        if joined:
            try:
                out["joined_at"] = parse_datetime(joined)
                if out["joined_at"] > self.now + dt.timedelta(days=1):
                    errors.append(("joined_at", f"가입일이 미래입니다: '{joined}'"))
            except ValueError as exc:
                errors.append(("joined_at", str(exc)))
        channel = raw.get("acquisition_channel", "").strip()
        out["acquisition_channel"] = Customer.Channel.OTHER
        if channel:
            value = (
                channel.lower()
                if channel.lower() in Customer.Channel.values
                else _CHANNEL_ALIASES.get(channel)
            )
            if value is None:
                errors.append(("acquisition_channel", f"알 수 없는 유입경로입니다: '{channel}'"))
            else:
                out["acquisition_channel"] = value
        store = raw.get("home_store", "").strip()
        out["home_store_id"] = None
        if store:
            store_id = self.stores.get(store) or self.store_names.get(store)
            if store_id is None:
                errors.append(("home_store", f"등록되지 않은 매장입니다: '{store}'"))
            out["home_store_id"] = store_id
        consents: dict[str, bool] = {}
        for key in CONSENT_KEYS:
            if key in raw:
                value = raw[key].strip().lower()
                if value in _YES:
                    consents[key] = True
                elif value in _NO:
                    consents[key] = False
                else:
                    errors.append((key, f"동의 여부는 Y 또는 N이어야 합니다: '{raw[key]}'"))
        if errors:
            raise RowErrors(errors)
        if ext:
            self.seen[ext] = line
        tags = None
        if "tags" in raw:
            tags = sorted(
                {
                    t.strip()[:40]
                    for t in raw["tags"].replace("|", ";").replace(",", ";").split(";")
                    if t.strip()
                }
            )
        return CleanCustomer(line, ext, out, tags, consents)


def write_customers(
    batch: list[CleanCustomer],
    *,
    source: str,
    counts: dict[str, int],
    tag_cache: dict[str, int],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Upsert one batch of clean rows. Runs inside the caller's transaction."""
    now = timezone.now()
    existing = {
        c["external_id"]: c
        for c in Customer.objects.filter(external_id__in=[r.external_id for r in batch]).values(
            "id", "external_id", "consent_stage", *PROFILE_FIELDS
        )
    }
    to_create: list[
        tuple[Any, ...]
    ] = []  # INSERT tuples: building Customer objects just to read them back is costly
    new_stages: dict[str, str] = {}
    stamp = db_datetime(now)
    to_update: list[Customer] = []
    touched: list[tuple[CleanCustomer, int | None]] = []
    for row in batch:
        fields = dict(row.fields)
        fields["phone_last4"] = phone_last4(fields["phone"]) if fields["phone"] else ""
        old = existing.get(row.external_id)
        if old is None:
            # a new customer has no consent history: its stage follows from this row alone
            stage = str(_consent_stage(dict(row.consents))) if row.consents else "none"
            new_stages[row.external_id] = stage
            f = fields
            to_create.append(
                (
                    f["name"],
                    f["preferred_name"],
                    f["phone"],
                    f["phone_last4"],
                    f["email"],
                    db_date(f["birth_date"]),
                    f["gender"],
                    f["address"],
                    row.external_id,
                    db_datetime(f["joined_at"] or now),
                    f["acquisition_channel"],
                    f["home_store_id"],
                    stage,
                    "active",
                    1,
                    stamp,
                    stamp,
                )
            )
            touched.append((row, None))
            continue
        if fields["joined_at"] is None:
            fields["joined_at"] = old["joined_at"]
        changed = any(old[k] != fields[k] for k in PROFILE_FIELDS)
        if changed:
            to_update.append(Customer(id=old["id"], **fields))
        touched.append((row, old["id"]))
        counts["updated" if changed else "unchanged"] += 1
    if to_create:
        insert_rows(Customer, _INSERT_COLUMNS, to_create)
        counts["created"] += len(to_create)
        ids = ids_by_key(Customer, "external_id", list(new_stages))
    else:
        ids = {}
    if to_update:
        Customer.objects.bulk_update(to_update, [*PROFILE_FIELDS, "phone_last4"], batch_size=500)
    resolved = [(row, pk if pk is not None else ids[row.external_id]) for row, pk in touched]
    _write_tags(resolved, tag_cache)
    _write_consents(
        resolved,
        source=source,
        now=now,
        counts=counts,
        existing_ids={v["id"] for v in existing.values()},
        staged={ids[x] for x in new_stages},
    )
    if progress:
        progress(len(batch))


def _write_tags(rows: list[tuple[CleanCustomer, int]], tag_cache: dict[str, int]) -> None:
    with_tags = [(r, pk) for r, pk in rows if r.tags is not None]
    if not with_tags:
        return
    names = {t for r, _ in with_tags for t in (r.tags or [])} - tag_cache.keys()
    if names:
        Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
        tag_cache.update(dict(Tag.objects.filter(name__in=names).values_list("name", "id")))
    through = Customer.tags.through
    ids = [pk for _, pk in with_tags]
    current: dict[int, set[int]] = {}
    for cid, tid in through.objects.filter(customer_id__in=ids).values_list("customer_id", "tag_id"):
        current.setdefault(cid, set()).add(tid)
    remove: list[int] = []
    add: list[tuple[int, int]] = []
    for row, pk in with_tags:
        wanted = {tag_cache[t] for t in row.tags or []}
        have = current.get(pk, set())
        if wanted != have:
            if have:
                remove.append(pk)
            add.extend((pk, t) for t in wanted)
    for start in range(0, len(remove), 900):
        through.objects.filter(customer_id__in=remove[start : start + 900]).delete()
    if add:
        insert_rows(through, ("customer_id", "tag_id"), add)


def _write_consents(
    rows: list[tuple[CleanCustomer, int]],
    *,
    source: str,
    now: dt.datetime,
    counts: dict[str, int],
    existing_ids: set[int],
    staged: frozenset[int] | set[int] = frozenset(),
) -> None:
    """Upsert consents and their history; `staged` customers were inserted with their consent stage already."""
    with_consents = [(r, pk) for r, pk in rows if r.consents]
    if not with_consents:
        return
    current: dict[int, dict[str, bool]] = {}
    check = [pk for _, pk in with_consents if pk in existing_ids]
    if check:
        for cid, purpose, granted in Consent.objects.filter(customer_id__in=check).values_list(
            "customer_id", "purpose", "granted"
        ):
            current.setdefault(cid, {})[purpose] = granted
    upserts: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    stamp = db_datetime(now)
    stages: dict[int, str] = {}
    for row, pk in with_consents:
        state = dict(current.get(pk, {}))
        changed = False
        for purpose, granted in row.consents.items():
            if state.get(purpose) is granted:
                continue
            changed = True
            state[purpose] = granted
            upserts.append((pk, purpose, granted, stamp, source[:60], ""))
            events.append((pk, purpose, granted, stamp, source[:60], ""))
        if changed and pk not in staged:
            stages[pk] = _consent_stage(state)
    if upserts:
        columns = ("customer_id", "purpose", "granted", "changed_at", "source", "version")
        insert_rows(
            Consent,
            columns,
            upserts,
            conflict=("customer_id", "purpose"),
            update=("granted", "changed_at", "source"),
        )
        insert_rows(
            ConsentEvent, ("customer_id", "purpose", "granted", "occurred_at", "source", "version"), events
        )
    by_stage: dict[str, list[int]] = {}
    for pk, stage in stages.items():
        by_stage.setdefault(stage, []).append(pk)
    for stage, pks in by_stage.items():
        for start in range(0, len(pks), 900):
            Customer.objects.filter(pk__in=pks[start : start + 900]).update(consent_stage=stage)
