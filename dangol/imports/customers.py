"""Customer rows: validation (Korean messages, line numbers) and upsert by external id."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, MutableSequence, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils import dateparse, timezone

from dangol.common.keys import key_in
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
from dangol.imports import columnar as colcheck
from dangol.imports import fastsql
from dangol.imports.fastsql import converters, db_datetime, ids_by_key, insert_rows
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
_ROW_LISTS = ("line", "external_id", "name", "phone_last4", "birth_text", "joined_text")


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
        tags = _split_tags(raw["tags"]) if "tags" in raw else None
        return CleanCustomer(line, ext, out, tags, consents)


_STAGES: dict[tuple[tuple[str, bool], ...], str] = {}


def _stage_of(consents: dict[str, bool]) -> str:
    """The consent stage of a customer with only these consents (a file holds few distinct combinations)."""
    key = tuple(consents.items())
    stage = _STAGES.get(key)
    if stage is None:
        stage = _STAGES[key] = str(_consent_stage(dict(consents)))
    return stage


def _split_tags(text: str) -> list[str]:
    return sorted({t.strip()[:40] for t in text.replace("|", ";").replace(",", ";").split(";") if t.strip()})


@dataclass
class CustomerColumns:
    """Accepted customer rows as one list per field (the clean values CleanCustomer.fields holds)."""

    line: list[int]
    external_id: list[str]
    name: list[str]
    preferred_name: list[str]
    phone: list[str]
    email: list[str]
    birth_date: MutableSequence[dt.date | None]  # a colcheck.ArrowList from check_columns
    gender: list[str]
    address: list[str]
    joined_at: MutableSequence[dt.datetime | None]  # a colcheck.ArrowList from check_columns
    acquisition_channel: list[str]
    home_store_id: list[int | None]
    tags: list[Sequence[str]] | None  # rows with the same tags cell may share one tuple: never mutated
    consents: dict[str, list[bool]]
    # derived: phone_last4, and birth_date / joined_at as SQLite stores them (computed column-wise)
    phone_last4: list[str]
    birth_text: list[str | None]
    joined_text: list[str | None]

    def only(self, keep: list[int]) -> CustomerColumns:
        def pick(values: Any) -> Any:
            if isinstance(values, colcheck.ArrowList):
                return values.take(keep)
            return [values[i] for i in keep]

        return CustomerColumns(
            **{f: pick(getattr(self, f)) for f in (*_ROW_LISTS, *PROFILE_FIELDS[1:])},
            tags=None if self.tags is None else pick(self.tags),
            consents={k: pick(v) for k, v in self.consents.items()},
        )

    def append(self, row: CleanCustomer) -> None:
        self.line.append(row.line)
        self.external_id.append(row.external_id)
        for f in ("name", *PROFILE_FIELDS[1:]):
            getattr(self, f).append(row.fields[f])
        phone, birth, joined = row.fields["phone"], row.fields["birth_date"], row.fields["joined_at"]
        self.phone_last4.append(phone_last4(phone) if phone else "")
        self.birth_text.append(None if birth is None else birth.isoformat())
        self.joined_text.append(
            None if joined is None else str(joined.astimezone(dt.UTC).replace(tzinfo=None))
        )
        if self.tags is not None:
            self.tags.append(row.tags or [])
        for key, values in self.consents.items():
            values.append(row.consents[key])


def check_columns(
    cols: colcheck.Columns, validator: CustomerRowValidator
) -> tuple[CustomerColumns, list[CleanCustomer], list[tuple[int, list[tuple[str, str]]]]]:
    """Validate a whole file given as columns: (the rows that passed the column checks, as columns; the
    other rows the row validator accepted; [(line, [(column, message)])]).

    Cells are checked column-wise; a row whose every cell is in a form checked here is cleaned from the
    columns, any other row goes through `validator.clean`, which writes the Korean messages (rows with an
    external id that occurs twice always go there, so its "also on line N" message stays exact).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = cols.rows
    ok = colcheck.true_mask(n)
    lists: dict[str, Any] = {}

    def both(mask: Any) -> None:
        nonlocal ok
        ok = pc.and_(ok, mask)

    ext = cols.cells["external_id"]
    both(pc.and_(pc.greater(pc.utf8_length(ext), 0), colcheck.length_at_most(ext, 64)))
    counts = pc.value_counts(ext)
    repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if len(repeated):
        both(pc.invert(pc.is_in(ext, value_set=repeated)))
    name = cols.cells["name"]
    both(pc.and_(pc.greater(pc.utf8_length(name), 0), colcheck.length_at_most(name, 60)))
    for key, limit in (("preferred_name", 60), ("address", 200)):
        col = cols.get(key)
        if col is not None:
            both(colcheck.length_at_most(col, limit))
            lists[key] = col.to_pylist()
    if (col := cols.get("phone")) is not None:
        good, canonical = colcheck.mobile_phones(col)
        both(good)
        lists["phone"] = canonical.to_pylist()
        lists["phone_last4"] = pc.utf8_slice_codeunits(canonical, -4).to_pylist()
    if (col := cols.get("email")) is not None:
        both(
            pc.or_(
                colcheck.is_empty(col),
                colcheck.matches(col, r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"),
            )
        )
        lists["email"] = pc.utf8_lower(col).to_pylist()
    if (col := cols.get("birth_date")) is not None:
        good, dates = colcheck.iso_dates(col, today=validator.now.date())
        both(good)
        births = pc.if_else(colcheck.is_empty(col), pa.scalar(None, pa.date32()), dates)
        lists["birth_date"] = colcheck.ArrowList(births)
        lists["birth_text"] = pc.cast(births, pa.string()).to_pylist()
    if (col := cols.get("gender")) is not None:
        # each cell's position among the spellings, then that spelling's code (a dict lookup per row cost
        # about 0.5 s for 200,000 rows)
        spelling = pc.index_in(pc.utf8_lower(col), value_set=pa.array(list(_GENDER)))
        both(pc.or_(colcheck.is_empty(col), pc.is_valid(spelling)))
        lists["gender"] = pc.fill_null(pc.take(pa.array(list(_GENDER.values())), spelling), "").to_pylist()
    if (col := cols.get("joined_at")) is not None:
        good, stamps = colcheck.seoul_datetimes(col, latest=validator.now + dt.timedelta(days=1))
        both(good)
        joined = pc.if_else(colcheck.is_empty(col), pa.scalar(None, stamps.type), stamps)
        lists["joined_at"] = colcheck.ArrowList(joined)
        lists["joined_text"] = colcheck.utc_text(joined)
    if (col := cols.get("acquisition_channel")) is not None:
        known: dict[str, str] = {}
        for value in pc.unique(col).to_pylist():
            if not value:
                known[value] = str(Customer.Channel.OTHER)
            elif value.lower() in Customer.Channel.values:
                known[value] = value.lower()
            elif value in _CHANNEL_ALIASES:
                known[value] = _CHANNEL_ALIASES[value]
        both(pc.is_in(col, value_set=pa.array(list(known), pa.string())))
        lists["acquisition_channel"] = [known.get(v, "") for v in col.to_pylist()]
    if (col := cols.get("home_store")) is not None:
        stores: dict[str, int | None] = {}
        for value in pc.unique(col).to_pylist():
            store_id = validator.stores.get(value) or validator.store_names.get(value) if value else None
            if not value or store_id is not None:
                stores[value] = store_id
        both(pc.is_in(col, value_set=pa.array(list(stores), pa.string())))
        lists["home_store_id"] = [stores.get(v) for v in col.to_pylist()]
    consent_cols: list[tuple[str, list[Any]]] = []
    for key in CONSENT_KEYS:
        if (col := cols.get(key)) is not None:
            lower = pc.utf8_lower(col)
            both(pc.is_in(lower, value_set=pa.array(sorted(_YES | _NO))))
            consent_cols.append((key, pc.is_in(lower, value_set=pa.array(sorted(_YES))).to_pylist()))
    tag_list: list[Any] | None = None
    if (col := cols.get("tags")) is not None:
        # a file holds few distinct tag cells: rows with the same cell share one tuple
        cache: dict[str, tuple[str, ...]] = {}
        tag_list = []
        for text in col.to_pylist():
            tags = cache.get(text)
            if tags is None:
                tags = cache[text] = tuple(_split_tags(text))
            tag_list.append(tags)
    fast = ok.to_pylist()
    empty = [""] * n
    none = [None] * n
    rows = CustomerColumns(
        line=list(range(2, n + 2)),
        external_id=ext.to_pylist(),
        name=name.to_pylist(),
        preferred_name=lists.get("preferred_name", empty),
        phone=lists.get("phone", empty),
        email=lists.get("email", empty),
        birth_date=lists.get("birth_date", none),
        gender=lists.get("gender", empty),
        address=lists.get("address", empty),
        joined_at=lists.get("joined_at", none),
        acquisition_channel=lists.get("acquisition_channel", [str(Customer.Channel.OTHER)] * n),
        home_store_id=lists.get("home_store_id", none),
        tags=tag_list,
        consents=dict(consent_cols),
        phone_last4=lists.get("phone_last4", empty),
        birth_text=lists.get("birth_text", none),
        joined_text=lists.get("joined_text", none),
    )
    slow_rows = [i for i, good in enumerate(fast) if not good]
    if slow_rows:
        rows = rows.only([i for i, good in enumerate(fast) if good])
    raw_lists = {k: v.to_pylist() for k, v in cols.cells.items()} if slow_rows else {}
    slow: list[CleanCustomer] = []
    errors: list[tuple[int, list[tuple[str, str]]]] = []
    for i in slow_rows:
        line = i + 2
        try:
            slow.append(validator.clean(line, {k: v[i] for k, v in raw_lists.items()}))
        except RowErrors as exc:
            errors.append((line, exc.messages))
    return rows, slow, errors


def clean_columns(
    cols: colcheck.Columns, validator: CustomerRowValidator
) -> tuple[list[CleanCustomer], list[tuple[int, list[tuple[str, str]]]]]:
    """check_columns with every accepted row as a CleanCustomer, in line order (for comparing both paths)."""
    rows, slow, errors = check_columns(cols, validator)
    clean = [
        CleanCustomer(
            rows.line[i],
            rows.external_id[i],
            {f: getattr(rows, f)[i] for f in ("name", *PROFILE_FIELDS[1:])},
            None if rows.tags is None else list(rows.tags[i]),
            {key: values[i] for key, values in rows.consents.items()},
        )
        for i in range(len(rows.line))
    ]
    return sorted([*clean, *slow], key=lambda c: c.line), errors


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
        for c in key_in(Customer.objects.all(), "external_id", [r.external_id for r in batch]).values(
            "id", "external_id", "consent_stage", *PROFILE_FIELDS
        )
    }
    to_create: list[
        tuple[Any, ...]
    ] = []  # INSERT tuples: building Customer objects just to read them back is costly
    new_stages: dict[str, str] = {}
    to_db, to_db_date = converters()
    stamp = to_db(now)
    to_update: list[Customer] = []
    touched: list[tuple[CleanCustomer, int | None]] = []
    for row in batch:
        fields = dict(row.fields)
        fields["phone_last4"] = phone_last4(fields["phone"]) if fields["phone"] else ""
        old = existing.get(row.external_id)
        if old is None:
            # a new customer has no consent history: its stage follows from this row alone
            stage = _stage_of(row.consents) if row.consents else "none"
            new_stages[row.external_id] = stage
            f = fields
            to_create.append(
                (
                    f["name"],
                    f["preferred_name"],
                    f["phone"],
                    f["phone_last4"],
                    f["email"],
                    to_db_date(f["birth_date"]),
                    f["gender"],
                    f["address"],
                    row.external_id,
                    to_db(f["joined_at"] or now),
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
    _known_tags({t for r, _ in with_tags for t in (r.tags or [])}, tag_cache)
    through = Customer.tags.through
    ids = [pk for _, pk in with_tags]
    current: dict[int, set[int]] = {}
    for cid, tid in key_in(through.objects.all(), "customer_id", ids).values_list("customer_id", "tag_id"):
        current.setdefault(cid, set()).add(tid)
    _replace_tags([(pk, row.tags or []) for row, pk in with_tags], current, tag_cache)


def _known_tags(names: set[str], tag_cache: dict[str, int]) -> None:
    """Create the tags not seen yet and put every name's id into `tag_cache`."""
    missing = names - tag_cache.keys()
    if missing:
        Tag.objects.bulk_create([Tag(name=n) for n in missing], ignore_conflicts=True)
        tag_cache.update(dict(Tag.objects.filter(name__in=missing).values_list("name", "id")))


def _replace_tags(
    wanted: list[tuple[int, Sequence[str]]], current: dict[int, set[int]], tag_cache: dict[str, int]
) -> None:
    """Give each customer exactly its wanted tags: a customer whose tags differ from `current` loses them all
    and gets the wanted ones (set-based: deletes by chunks of ids, multi-row inserts). The link rows go in
    row order, each row's tags in the order of its tag-id set; the rows are spread with NumPy (a Python
    step per row cost about 0.5 s for 200,000 new customers, issue 18)."""
    if not wanted:
        return
    through = Customer.tags.through
    index: dict[tuple[str, ...], int] = {}  # few distinct tag lists: each one's tag ids worked out once
    codes = np.fromiter(
        (index.setdefault(tuple(names), len(index)) for _pk, names in wanted), np.int64, len(wanted)
    )
    sets = [{tag_cache[t] for t in names} for names in index]
    in_order = [tuple(tag_ids) for tag_ids in sets]
    lens = np.array([len(ids) for ids in in_order], dtype=np.int64)
    pks = np.fromiter((pk for pk, _names in wanted), np.int64, len(wanted))
    write = lens[codes] > 0  # a customer with no stored tags gets its tags, if it has any
    remove: list[int] = []
    if current:
        for i, (pk, code) in enumerate(zip(pks.tolist(), codes.tolist(), strict=True)):
            have = current.get(pk)
            if have is not None:
                write[i] = sets[code] != have
                if write[i] and have:
                    remove.append(pk)
    rows = np.flatnonzero(write)
    row_lens = lens[codes[rows]]
    starts = np.cumsum(lens) - lens
    flat = np.fromiter((t for ids in in_order for t in ids), np.int64, int(lens.sum()))
    within = np.arange(int(row_lens.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(row_lens) - row_lens, row_lens
    )
    add_customers = np.repeat(pks[rows], row_lens)
    add_tags = flat[np.repeat(starts[codes[rows]], row_lens) + within]
    for start in range(0, len(remove), 900):
        through.objects.filter(customer_id__in=remove[start : start + 900]).delete()
    fastsql.insert_columns(through, ("customer_id", "tag_id"), [add_customers.tolist(), add_tags.tolist()])


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
        for cid, purpose, granted in key_in(Consent.objects.all(), "customer_id", check).values_list(
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


def write_customer_columns(
    rows: CustomerColumns,
    *,
    source: str,
    counts: dict[str, int],
    tag_cache: dict[str, int],
) -> None:
    """Upsert all accepted rows at once, straight from their columns: one key lookup by a join against a
    temporary table, INSERT parameters zipped from the columns, consents and their history written by
    INSERT … SELECT from that table. Same outcome as write_customers; runs inside the caller's transaction."""
    sqlite = connection.vendor == "sqlite"
    now = timezone.now()
    to_db = converters()[0]
    stamp = to_db(now)
    n = len(rows.external_id)
    phones = rows.phone
    last4 = rows.phone_last4
    births = rows.birth_text if sqlite else rows.birth_date
    joined_param = rows.joined_text if sqlite else rows.joined_at
    keys = list(rows.consents)
    flags = [rows.consents[k] for k in keys]
    stages = _stages(keys, flags, n)
    table = connection.ops.quote_name(Customer._meta.db_table)
    spec = [
        ("pos", "INTEGER PRIMARY KEY"),
        ("ext", "TEXT"),
        ("customer_id", "INTEGER"),
        ("is_new", "BOOLEAN"),
    ]
    spec += [(f"c_{k}", "BOOLEAN") for k in keys]
    with fastsql.temp_table(
        "dangol_import_customers",
        spec,
        zip(range(n), rows.external_id, [None] * n, [True] * n, *flags, strict=True),
    ) as temp:
        # SQLite: birth date and join time read as the text they are stored as, and compared with the text
        # this import would write; only a row whose text differs is compared as objects (below), as before.
        # A re-run then makes no date or datetime object per row (issue 18: about 2 s of 200,000 rows).
        stored = [
            f"CAST(c.{f} AS TEXT)" if sqlite and f in ("birth_date", "joined_at") else f"c.{f}"
            for f in PROFILE_FIELDS
        ]
        existing = fastsql.fetch(
            f"SELECT t.pos, c.id, {', '.join(stored)} "  # noqa: S608
            f"FROM {temp} t JOIN {table} c ON c.external_id = t.ext"
        )
        changed: list[tuple[Any, ...]] = []
        if existing:
            changed = _changed_customers(
                rows, existing, sqlite=sqlite, births=births, joined_param=joined_param
            )
            counts["updated"] += len(changed)
            counts["unchanged"] += len(existing) - len(changed)
            for low, high in _runs(sorted(e[0] for e in existing)):
                fastsql.execute(
                    f"UPDATE {temp} SET is_new = %s WHERE pos BETWEEN %s AND %s",  # noqa: S608
                    [False, low, high],
                )
        known = {e[0] for e in existing}
        created = [p for p in range(n) if p not in known] if known else range(n)
        if created:
            insert_values: tuple[MutableSequence[Any], ...] = (
                rows.name,
                rows.preferred_name,
                phones,
                last4,
                rows.email,
                births,
                rows.gender,
                rows.address,
                rows.external_id,
                [stamp if j is None else j for j in joined_param],
                rows.acquisition_channel,
                rows.home_store_id,
                stages,
            )
            picked = [[col[p] for p in created] for col in insert_values] if known else list(insert_values)
            m = len(created)
            fastsql.insert_columns(
                Customer, _INSERT_COLUMNS, [*picked, ["active"] * m, [1] * m, [stamp] * m, [stamp] * m]
            )
            counts["created"] += m
        if changed:
            sets = ", ".join(f"{f} = %s" for f in (*PROFILE_FIELDS, "phone_last4"))
            fastsql.execute_many(f"UPDATE {table} SET {sets} WHERE id = %s", changed)  # noqa: S608
        fastsql.execute(
            f"UPDATE {temp} SET customer_id = (SELECT c.id FROM {table} c WHERE c.external_id = {temp}.ext)"  # noqa: S608
        )
        if rows.tags is not None:
            _write_tag_columns(temp, rows.tags, known, tag_cache)
        if keys:
            _write_consent_columns(temp, keys, source=source[:60], stamp=stamp)


def _changed_customers(
    rows: CustomerColumns,
    existing: list[tuple[Any, ...]],
    *,
    sqlite: bool,
    births: Sequence[Any],
    joined_param: Sequence[Any],
) -> list[tuple[Any, ...]]:
    """UPDATE parameters (profile fields, phone_last4, id) of the stored customers in `existing` ((pos, id,
    *stored profile fields)) whose profile differs from the file's row; an empty join time keeps the stored
    one. On SQLite the stored birth date and join time come as their text: a row whose texts all equal the
    ones this import writes is unchanged; any other row is compared as objects (the text parsed as Django's
    SQLite converters do), so another spelling of the same time still counts as unchanged."""
    columns = [getattr(rows, f) for f in PROFILE_FIELDS]
    ji, bi = PROFILE_FIELDS.index("joined_at"), PROFILE_FIELDS.index("birth_date")
    texts: list[tuple[Any, ...]] = []
    if sqlite:
        texts = list(
            zip(
                *(
                    rows.birth_text if i == bi else rows.joined_text if i == ji else col
                    for i, col in enumerate(columns)
                ),
                strict=True,
            )
        )

    def value(col: Any, pos: int) -> Any:
        return col.item(pos) if isinstance(col, colcheck.ArrowList) else col[pos]

    changed: list[tuple[Any, ...]] = []
    for row in existing:
        pos, pk, old = row[0], row[1], list(row[2:])
        if sqlite:
            text = texts[pos]
            if text == row[2:] or (
                text[ji] is None and text[:ji] == row[2 : 2 + ji] and text[ji + 1 :] == row[3 + ji :]
            ):
                continue
            old[bi] = None if old[bi] is None else dateparse.parse_date(old[bi])
            old[ji] = None if old[ji] is None else dateparse.parse_datetime(old[ji])
        new = [value(col, pos) for col in columns]
        if new[ji] is None:
            new[ji] = old[ji]
            param = old[ji] if not sqlite else to_db_naive(old[ji])
        else:
            if sqlite:
                new[ji] = new[ji].astimezone(dt.UTC).replace(tzinfo=None)
            param = joined_param[pos]
        if new != old:
            values = [value(col, pos) for col in columns]
            values[bi] = births[pos]
            values[ji] = param
            changed.append((*values, rows.phone_last4[pos], pk))
    return changed


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Sorted distinct positions as (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for pos in positions:
        if runs and pos == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], pos)
        else:
            runs.append((pos, pos))
    return runs


def _stages(keys: list[str], flags: list[list[bool]], n: int) -> list[str]:
    """The consent stage of each new customer from its row's consent columns: each distinct combination of
    the flags is worked out once (a Python call per row was about 1 s for 200,000 rows)."""
    if not keys:
        return ["none"] * n
    codes = np.zeros(n, dtype=np.int64)
    for bit, values in enumerate(flags):
        codes |= np.asarray(values, dtype=bool).astype(np.int64) << bit
    combos, which = np.unique(codes, return_inverse=True)
    names = np.empty(len(combos), dtype=object)
    for i, code in enumerate(combos.tolist()):
        names[i] = _stage_of({key: bool(code >> bit & 1) for bit, key in enumerate(keys)})
    return list(names[which.reshape(-1)].tolist())


def _write_tag_columns(
    temp: str, tags: list[Sequence[str]], known: set[int], tag_cache: dict[str, int]
) -> None:
    """Give each row's customer exactly the row's tags (rows of new customers without tags: nothing to do)."""
    rows = [(pos, wanted) for pos, wanted in enumerate(tags) if wanted or pos in known]
    if not rows:
        return
    _known_tags({t for _pos, wanted in rows for t in wanted}, tag_cache)
    through = Customer.tags.through
    ids = [cid for (cid,) in fastsql.fetch(f"SELECT customer_id FROM {temp} ORDER BY pos")]  # noqa: S608
    current: dict[int, set[int]] = {}
    if known:
        for cid, tid in fastsql.fetch(
            f"SELECT ct.customer_id, ct.tag_id FROM {temp} t "  # noqa: S608
            f"JOIN {through._meta.db_table} ct ON ct.customer_id = t.customer_id"
        ):
            current.setdefault(cid, set()).add(tid)
    _replace_tags([(ids[pos], wanted) for pos, wanted in rows], current, tag_cache)


def to_db_naive(value: dt.datetime | None) -> Any:
    """A naive UTC datetime read back from SQLite, as the column stores it."""
    return None if value is None else str(value)


def _write_consent_columns(temp: str, keys: list[str], *, source: str, stamp: Any) -> None:
    """Consents that differ from what is stored (or are new), their history, and the consent stage of the
    customers that already existed, as set operations on the import's temporary table."""
    consent = connection.ops.quote_name(Consent._meta.db_table)
    event = connection.ops.quote_name(ConsentEvent._meta.db_table)
    customer = connection.ops.quote_name(Customer._meta.db_table)
    with fastsql.temp_table(
        "dangol_import_consents",
        (
            ("customer_id", "INTEGER"),
            ("seq", "INTEGER"),
            ("purpose", "TEXT"),
            ("granted", "BOOLEAN"),
            ("is_new", "BOOLEAN"),
        ),
        [],
    ) as changes:
        # SQLite: the changes are stored sorted once, and both INSERTs read them in that (rowid) order;
        # sorting 600,000 changes for each INSERT cost about 0.2 s of CPU each (issue 18)
        sqlite = connection.vendor == "sqlite"
        in_order = "rowid" if sqlite else "customer_id, seq"
        params: list[Any] = []
        parts = []
        for seq, key in enumerate(keys):
            col = connection.ops.quote_name(f"c_{key}")
            parts.append(
                f"SELECT t.customer_id AS customer_id, %s AS seq, %s AS purpose, t.{col} AS granted, "  # noqa: S608
                f"t.is_new AS is_new FROM {temp} t "
                f"LEFT JOIN {consent} k ON k.customer_id = t.customer_id AND k.purpose = %s "
                f"WHERE k.id IS NULL OR k.granted <> t.{col}"
            )
            params += [seq, key, key]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {changes} (customer_id, seq, purpose, granted, is_new) "  # noqa: S608
                f"SELECT customer_id, seq, purpose, granted, is_new FROM ({' UNION ALL '.join(parts)}) AS c"
                + (" ORDER BY customer_id, seq" if sqlite else ""),
                params,
            )
            cursor.execute(
                f"INSERT INTO {consent} (customer_id, purpose, granted, changed_at, source, version) "  # noqa: S608
                f"SELECT customer_id, purpose, granted, %s, %s, '' FROM {changes} WHERE true "
                f"ORDER BY {in_order} "
                "ON CONFLICT (customer_id, purpose) DO UPDATE SET granted = EXCLUDED.granted, "
                "changed_at = EXCLUDED.changed_at, source = EXCLUDED.source",
                [stamp, source],
            )
            cursor.execute(
                f"INSERT INTO {event} (customer_id, purpose, granted, occurred_at, source, version) "  # noqa: S608
                f"SELECT customer_id, purpose, granted, %s, %s, '' FROM {changes} ORDER BY {in_order}",
                [stamp, source],
            )
            cursor.execute(
                f"SELECT k.customer_id, k.purpose, k.granted FROM {consent} k "  # noqa: S608
                f"WHERE k.customer_id IN (SELECT customer_id FROM {changes} WHERE NOT is_new)"
            )
            states: dict[int, dict[str, bool]] = {}
            for pk, purpose, granted in cursor.fetchall():
                states.setdefault(pk, {})[purpose] = bool(granted)
        if states:
            fastsql.execute_many(
                f"UPDATE {customer} SET consent_stage = %s WHERE id = %s",  # noqa: S608
                [(str(_consent_stage(state)), pk) for pk, state in states.items()],
            )
