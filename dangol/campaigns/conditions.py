"""Segment definitions: a JSON list of conditions, all of which a customer must meet (AND).

    [{"field": "value_tier", "values": ["super", "superior"]},
     {"field": "p_alive", "max": 0.5},
     {"field": "consent", "purpose": "marketing_sms"},
     {"field": "voc_open", "exclude": true}]

Every condition may carry `"exclude": true` (customers who do NOT meet it). `validate` normalises a definition
or raises ValidationError in Korean naming the condition; `customers_matching` evaluates it as a queryset of
active customers, through each app's audience selectors (one SQL query, nothing loaded into Python).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangol.campaigns.snapshot import snapshot_info
from dangol.customers.models import ConsentPurpose, Customer
from dangol.customers.selectors import customer_ids_consenting
from dangol.loyalty.models import P_ALIVE_MIN_PURCHASES, RFM_SEGMENTS_KO, LadderStage, ValueTier
from dangol.loyalty.selectors import customer_ids_by_value, customer_ids_next_purchase, customer_ids_overdue
from dangol.orders.models import ProductCategory
from dangol.orders.selectors import category_ids_and_below, customer_ids_bought, customer_ids_last_purchase
from dangol.rewards.selectors import customer_ids_in_tiers
from dangol.surveys.selectors import customer_ids_by_last_score
from dangol.voc.selectors import customer_ids_flagged, customer_ids_recovered, customer_ids_with_open_case

MAX_CONDITIONS = 30
MAX_NEXT_PURCHASE_DAYS = 3650


@dataclass(frozen=True)
class Field:
    label: Any
    params: tuple[str, ...]  # the keys a condition of this field may hold besides field/exclude


FIELDS: dict[str, Field] = {
    "consent": Field(gettext_lazy("수신 동의"), ("purpose",)),
    "membership_tier": Field(gettext_lazy("멤버십 등급"), ("values",)),
    "value_tier": Field(gettext_lazy("가치 등급"), ("values",)),
    "clv": Field(gettext_lazy("예상 고객생애가치(원)"), ("min", "max")),
    "p_alive": Field(gettext_lazy("활동 확률 P(alive)"), ("min", "max")),
    "stage": Field(gettext_lazy("관계 단계"), ("values",)),
    "rfm_segment": Field(gettext_lazy("RFM 세그먼트"), ("values",)),
    "last_purchase": Field(gettext_lazy("마지막 구매일"), ("before", "after")),
    "overdue": Field(gettext_lazy("다음 구매 예상 시점 지남"), ("factor",)),
    "next_purchase": Field(gettext_lazy("다음 예상 구매일"), ("within", "past")),
    "bought": Field(gettext_lazy("구매한 카테고리"), ("values",)),
    "likely_to_buy": Field(gettext_lazy("구매 가능성이 높은 카테고리(교차 판매)"), ("values",)),
    "nps": Field(gettext_lazy("최근 NPS"), ("min", "max")),
    "csat": Field(gettext_lazy("최근 CSAT"), ("min", "max")),
    "voc_open": Field(gettext_lazy("처리 중인 VOC"), ()),
    "voc_recovered": Field(gettext_lazy("최근 해결된 VOC(회복)"), ("days",)),
    "flagged": Field(gettext_lazy("주의 고객 플래그"), ()),
}

# (lowest, highest) a numeric bound may take
BOUNDS: dict[str, tuple[float, float]] = {
    "clv": (0, 1e13),
    "p_alive": (0, 1),
    "nps": (0, 10),
    "csat": (1, 5),
}


def _fail(index: int, message: str) -> ValidationError:
    return ValidationError(
        _("조건 %(n)d: %(message)s") % {"n": index, "message": message}, code="invalid_condition"
    )


def _choices(field: str) -> list[str] | None:
    """The allowed values of a list field (None: checked against the database when evaluated)."""
    if field == "value_tier":
        return list(ValueTier.values)
    if field == "stage":
        return list(LadderStage.values)
    if field == "rfm_segment":
        return list(RFM_SEGMENTS_KO)
    return None


def _number(index: int, label: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(index, _("%(label)s 값은 숫자여야 합니다.") % {"label": label})
    try:
        number = float(value)
    except ValueError:
        raise _fail(index, _("%(label)s 값은 숫자여야 합니다.") % {"label": label}) from None
    if not low <= number <= high:
        raise _fail(
            index,
            _("%(label)s 값은 %(low)s 이상 %(high)s 이하여야 합니다.")
            % {"label": label, "low": f"{low:g}", "high": f"{high:g}"},
        )
    return int(number) if number.is_integer() else number


def _date(index: int, label: str, value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise _fail(index, _("%(label)s 날짜는 YYYY-MM-DD 형식이어야 합니다.") % {"label": label}) from None


def _validate_one(index: int, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _fail(index, _('조건은 {"field": …} 형태여야 합니다.'))
    name = raw.get("field")
    if name not in FIELDS:
        raise _fail(index, _("알 수 없는 조건 항목입니다: %(field)s") % {"field": str(name)[:40]})
    spec = FIELDS[name]
    label = str(spec.label)
    unknown = set(raw) - {"field", "exclude", *spec.params}
    if unknown:
        raise _fail(
            index,
            _("%(label)s 조건에 쓸 수 없는 키: %(keys)s")
            % {"label": label, "keys": ", ".join(sorted(unknown))},
        )
    out: dict[str, Any] = {"field": name}
    if "exclude" in raw:
        if not isinstance(raw["exclude"], bool):
            raise _fail(index, _("exclude 값은 true 또는 false여야 합니다."))
        if raw["exclude"]:
            out["exclude"] = True
    if "values" in spec.params:
        values = raw.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise _fail(index, _("%(label)s: 하나 이상 골라 주세요.") % {"label": label})
        allowed = _choices(name)
        wrong = [v for v in values if allowed is not None and v not in allowed]
        if wrong:
            raise _fail(
                index,
                _("%(label)s에 없는 값입니다: %(values)s")
                % {"label": label, "values": ", ".join(wrong)[:100]},
            )
        out["values"] = sorted(set(values))
    if "min" in spec.params:
        low, high = BOUNDS[name]
        for key in ("min", "max"):
            if raw.get(key) not in (None, ""):
                out[key] = _number(index, label, raw[key], low, high)
        if "min" not in out and "max" not in out:
            raise _fail(index, _("%(label)s: 최소값이나 최대값을 입력하세요.") % {"label": label})
        if "min" in out and "max" in out and out["min"] > out["max"]:
            raise _fail(index, _("%(label)s: 최소값이 최대값보다 큽니다.") % {"label": label})
    if name == "consent":
        purpose = raw.get("purpose")
        if purpose not in ConsentPurpose.values:
            raise _fail(index, _("알 수 없는 동의 항목입니다: %(purpose)s") % {"purpose": str(purpose)[:40]})
        out["purpose"] = purpose
    if name == "last_purchase":
        for key in ("before", "after"):
            if raw.get(key) not in (None, ""):
                out[key] = _date(index, label, raw[key])
        if "before" not in out and "after" not in out:
            raise _fail(index, _("마지막 구매일: 이전 날짜나 이후 날짜를 입력하세요."))
        if "before" in out and "after" in out and out["after"] >= out["before"]:
            raise _fail(index, _("마지막 구매일: 이후 날짜가 이전 날짜보다 앞서야 합니다."))
    if name == "overdue":
        out["factor"] = _number(index, _("배수"), raw.get("factor", 1), 0.5, 10)
    if name == "next_purchase":
        given = [key for key in ("within", "past") if raw.get(key) not in (None, "")]
        if len(given) != 1:
            raise _fail(index, _("다음 예상 구매일: ‘N일 이내’와 ‘N일 지남’ 중 하나에 일수를 입력하세요."))
        out[given[0]] = int(_number(index, _("일수"), raw[given[0]], 0, MAX_NEXT_PURCHASE_DAYS))
    if name == "voc_recovered":
        out["days"] = int(_number(index, _("기간(일)"), raw.get("days", 90), 1, 730))
    return out


def validate(definition: Any) -> list[dict[str, Any]]:
    """The definition normalised (sorted values, numbers as numbers), or ValidationError in Korean."""
    if definition in (None, ""):
        return []
    if not isinstance(definition, list):
        raise ValidationError(_("세그먼트 조건은 목록이어야 합니다."), code="invalid_definition")
    if len(definition) > MAX_CONDITIONS:
        raise ValidationError(
            _("조건은 %(n)d개까지 넣을 수 있습니다.") % {"n": MAX_CONDITIONS}, code="invalid_definition"
        )
    return [_validate_one(i, raw) for i, raw in enumerate(definition, start=1)]


def _start_of(day: str) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time.min, tzinfo=timezone.get_current_timezone()
    )


def _ids(condition: dict[str, Any], now: dt.datetime) -> QuerySet[Any]:
    name = condition["field"]
    values = condition.get("values")
    low, high = condition.get("min"), condition.get("max")
    handlers: dict[str, Callable[[], QuerySet[Any]]] = {
        "consent": lambda: customer_ids_consenting(condition["purpose"]),
        "membership_tier": lambda: customer_ids_in_tiers(values or []),
        "value_tier": lambda: customer_ids_by_value(tiers=values),
        "stage": lambda: customer_ids_by_value(stages=values),
        "rfm_segment": lambda: customer_ids_by_value(rfm_segments=values),
        "clv": lambda: customer_ids_by_value(clv_min=low, clv_max=high),
        "p_alive": lambda: customer_ids_by_value(p_alive_min=low, p_alive_max=high),
        "overdue": lambda: customer_ids_overdue(factor=float(condition["factor"])),
        "next_purchase": lambda: customer_ids_next_purchase(**_next_purchase_days(condition, now)),
        "last_purchase": lambda: customer_ids_last_purchase(
            before=_start_of(condition["before"]) if "before" in condition else None,
            after=_start_of(condition["after"]) if "after" in condition else None,
        ),
        "bought": lambda: customer_ids_bought(values or []),
        "likely_to_buy": lambda: customer_ids_likely_to_buy(values or []),
        "nps": lambda: customer_ids_by_last_score(score="nps", low=low, high=high),
        "csat": lambda: customer_ids_by_last_score(score="csat", low=low, high=high),
        "voc_open": customer_ids_with_open_case,
        "voc_recovered": lambda: customer_ids_recovered(since=now - dt.timedelta(days=condition["days"])),
        "flagged": customer_ids_flagged,
    }
    return handlers[name]()


def _next_purchase_days(condition: dict[str, Any], now: dt.datetime) -> dict[str, dt.date]:
    """The expected next purchase's bounds: within N days from today (today … today + N), or N days or more
    past (… today − N), today in the shop's time zone."""
    today = timezone.localdate(now)
    if "within" in condition:
        return {"on_or_after": today, "on_or_before": today + dt.timedelta(days=condition["within"])}
    return {"on_or_before": today - dt.timedelta(days=condition["past"])}


def _in(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    if not values:
        return "FALSE", []
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def _range(column: str, low: Any, high: Any) -> tuple[str, list[Any]]:
    parts, params = [f"{column} IS NOT NULL"], []
    if low is not None:
        parts.append(f"{column} >= ?")
        params.append(low)
    if high is not None:
        parts.append(f"{column} <= ?")
        params.append(high)
    return " AND ".join(parts), params


def _any_of(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """The list column holds one of the values: list_contains per value (measured 2-3x cheaper than
    list_has_any over a million rows)."""
    if not values:
        return "FALSE", []
    return " OR ".join([f"list_contains({column}, ?)"] * len(values)), list(values)


def _naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _sql(condition: dict[str, Any], now: dt.datetime) -> tuple[str, list[Any]]:
    """The condition as a DuckDB predicate over the segment snapshot (dangol.campaigns.snapshot), the same meaning
    as `_ids` over the live tables: each branch names the selector it mirrors."""
    name = condition["field"]
    values = condition.get("values") or []
    low, high = condition.get("min"), condition.get("max")
    if name == "consent":  # customers.selectors.customer_ids_consenting
        return f'"consent_{condition["purpose"]}"', []
    if name in ("membership_tier", "value_tier", "stage", "rfm_segment"):
        return _in(name, values)
    if name == "clv":  # loyalty.selectors.customer_ids_by_value
        return _range("clv", low, high)
    if name == "p_alive":  # only with enough history for P(alive) to mean something
        sql, params = _range("p_alive", low, high)
        return f"frequency >= {P_ALIVE_MIN_PURCHASES - 1} AND {sql}", params
    if name == "overdue":  # loyalty.selectors.customer_ids_overdue
        return "frequency >= 1 AND recency > 0 AND (age - recency) * frequency > recency * ?", [
            float(condition["factor"])
        ]
    if name == "next_purchase":  # loyalty.selectors.customer_ids_next_purchase
        bounds = _next_purchase_days(condition, now)
        parts, params = ["next_purchase_on IS NOT NULL"], []
        if "on_or_after" in bounds:
            parts.append("next_purchase_on >= ?")
            params.append(bounds["on_or_after"])
        parts.append("next_purchase_on <= ?")
        params.append(bounds["on_or_before"])
        return " AND ".join(parts), params
    if name == "last_purchase":  # orders.selectors.customer_ids_last_purchase
        parts, params = ["last_purchase_at IS NOT NULL"], []
        if "before" in condition:
            parts.append("last_purchase_at < ?")
            params.append(_naive_utc(_start_of(condition["before"])))
        if "after" in condition:
            parts.append("last_purchase_at >= ?")
            params.append(_naive_utc(_start_of(condition["after"])))
        return " AND ".join(parts), params
    if name == "bought":  # orders.selectors.customer_ids_bought (the category or any below it)
        return _any_of("categories", sorted(category_ids_and_below(values)))
    if name == "likely_to_buy":  # customer_ids_likely_to_buy: the picks hold the category's name
        return _any_of(
            "likely_to_buy",
            sorted(ProductCategory.objects.filter(code__in=values).values_list("name", flat=True)),
        )
    if name in ("nps", "csat"):  # surveys.selectors.customer_ids_by_last_score
        return _range(f"{name}_last", low, high)
    if name == "voc_open":  # voc.selectors.customer_ids_with_open_case
        return "voc_open", []
    if name == "voc_recovered":  # voc.selectors.customer_ids_recovered
        return "voc_recovered_at >= ?", [_naive_utc(now - dt.timedelta(days=condition["days"]))]
    if name == "flagged":  # voc.selectors.customer_ids_flagged
        return "flagged", []
    raise ValueError(f"no snapshot column for {name!r}")


def snapshot_where(
    definition: list[dict[str, Any]], *, now: dt.datetime | None = None
) -> tuple[str, list[Any]]:
    """A (validated) definition as one DuckDB WHERE clause over the segment snapshot, with its parameters. A
    missing value (no value row, never answered) meets no condition, so its exclusion holds the customer, as
    `exclude(pk__in=…)` does on the live tables. A met condition stays a bare predicate (NULL filters the row
    out as FALSE does), so DuckDB can push it into the Parquet scan."""
    now = now or timezone.now()
    parts, params = [], []
    for condition in validate(definition):
        sql, more = _sql(condition, now)
        parts.append(f"NOT COALESCE(({sql}), FALSE)" if condition.get("exclude") else f"({sql})")
        params += more
    return (" AND ".join(parts) or "TRUE"), params


def customer_ids_likely_to_buy(category_codes: list[str]) -> QuerySet[Any]:
    """`customer_id` of customers whose stored cross-sell picks (dangol.campaigns.crosssell, rebuilt after each
    value run) include one of these categories (by code; the picks hold the category name)."""
    pick = apps.get_model("campaigns", "CrossSellPick")  # models.py imports this module: no import cycle
    names = ProductCategory.objects.filter(code__in=category_codes).values("name")
    return pick.objects.filter(category__in=names).values("customer_id")


def eligible_customers() -> QuerySet[Customer]:
    """Everyone a segment can hold: active customer records (not merged away, not forgotten)."""
    return Customer.objects.filter(status=Customer.Status.ACTIVE, forgotten_at__isnull=True)


def customers_matching(
    definition: list[dict[str, Any]], *, now: dt.datetime | None = None
) -> QuerySet[Customer]:
    """The active customers meeting every condition of a (validated) definition."""
    now = now or timezone.now()
    qs = eligible_customers()
    for condition in validate(definition):
        ids = _ids(condition, now)
        qs = qs.exclude(pk__in=ids) if condition.get("exclude") else qs.filter(pk__in=ids)
    return qs


def describe(definition: list[dict[str, Any]]) -> list[str]:
    """Each condition in Korean, for the segment page."""
    consent_labels = dict(ConsentPurpose.choices)
    value_labels: dict[str, Any] = {**dict(ValueTier.choices), **dict(LadderStage.choices), **RFM_SEGMENTS_KO}
    if any(c["field"] in ("bought", "likely_to_buy") for c in definition):
        value_labels.update(ProductCategory.objects.values_list("code", "name"))
    lines = []
    for c in definition:
        label = str(FIELDS[c["field"]].label)
        parts: list[str] = []
        if "purpose" in c:
            parts.append(str(consent_labels.get(c["purpose"], c["purpose"])))
        if "values" in c:
            parts.append(", ".join(str(value_labels.get(v, v)) for v in c["values"]))
        if "min" in c:
            parts.append(_("%(v)s 이상") % {"v": f"{c['min']:,}" if c["field"] == "clv" else c["min"]})
        if "max" in c:
            parts.append(_("%(v)s 이하") % {"v": f"{c['max']:,}" if c["field"] == "clv" else c["max"]})
        if "after" in c:
            parts.append(_("%(d)s 이후") % {"d": c["after"]})
        if "before" in c:
            parts.append(_("%(d)s 이전") % {"d": c["before"]})
        if "factor" in c:
            parts.append(_("평소 구매 간격의 %(f)s배 넘게 지남") % {"f": c["factor"]})
        if "days" in c:
            parts.append(_("최근 %(d)s일") % {"d": c["days"]})
        if "within" in c:
            parts.append(_("오늘부터 %(d)s일 이내") % {"d": c["within"]})
        if "past" in c:
            parts.append(_("%(d)s일 이상 지남") % {"d": c["past"]})
        text = label + (": " + " · ".join(parts) if parts else "")
        lines.append(_("제외 — %(text)s") % {"text": text} if c.get("exclude") else text)
    return lines


# ---------------------------------------------------------------- on the segment snapshot


_duckdb = threading.local()


def _connection() -> Any:
    import duckdb

    con = getattr(_duckdb, "con", None)
    if con is None:  # one in-memory DuckDB per thread: opening one costs more than a count over the file
        con = _duckdb.con = duckdb.connect()
    return con


def _source(path: Path) -> str:
    return "read_parquet('" + str(path).replace("'", "''") + "')"


def _snapshot_select(
    select: str, definition: list[dict[str, Any]], path: Path, now: dt.datetime | None, tail: str = ""
) -> Any:
    """The rows of the snapshot meeting the definition, as an Arrow table of the `select` columns (`tail`: an
    ORDER BY / LIMIT of ours, never user input)."""
    where, params = snapshot_where(definition, now=now)
    # the columns and the file are ours; every value of the definition is a parameter
    sql = f"SELECT {select} FROM {_source(path)} WHERE {where} {tail}"  # noqa: S608
    return _connection().sql(sql, params=params).to_arrow_table()


def snapshot_count(definition: list[dict[str, Any]], *, path: Path, now: dt.datetime | None = None) -> int:
    """How many of the snapshot's customers meet the definition (one DuckDB scan)."""
    return int(_snapshot_select("count(*) AS n", definition, path, now).column("n")[0].as_py())


def snapshot_members(
    definition: list[dict[str, Any]], *, path: Path, now: dt.datetime | None = None
) -> tuple[list[int], list[str | None]]:
    """The snapshot's customers meeting the definition, in id order, with the value tier of each."""
    table = _snapshot_select("customer_id, value_tier", definition, path, now).sort_by("customer_id")
    return table.column("customer_id").to_pylist(), table.column("value_tier").to_pylist()


def snapshot_ids(
    definition: list[dict[str, Any]], *, path: Path, limit: int, now: dt.datetime | None = None
) -> list[int]:
    """The first `limit` ids (in id order) of the snapshot's customers meeting the definition."""
    table = _snapshot_select("customer_id", definition, path, now, f"ORDER BY customer_id LIMIT {int(limit)}")
    return [int(pk) for pk in table.column("customer_id").to_pylist()]


def snapshot_count_among(ids: list[int], *, path: Path) -> int:
    """How many of these ids (a frozen segment's members) the snapshot holds, i.e. were active customers when
    it was taken: one join in DuckDB instead of an IN list of a million ids on the live tables."""
    import pyarrow as pa

    con = _connection()
    con.register("frozen_members", pa.table({"customer_id": pa.array(ids, type=pa.int64())}))
    try:
        sql = (
            f"SELECT count(*) AS n FROM {_source(path)} "  # noqa: S608 (our file)
            "WHERE customer_id IN (SELECT customer_id FROM frozen_members)"
        )
        return int(con.sql(sql).to_arrow_table().column("n")[0].as_py())
    finally:
        con.unregister("frozen_members")


def count_now(
    definition: list[dict[str, Any]], *, now: dt.datetime | None = None
) -> tuple[int, dt.datetime | None]:
    """The builder's live count: on the segment snapshot when a usable one exists (with the time it was taken),
    on the live tables otherwise (None)."""
    info = snapshot_info()
    if info is not None:
        return snapshot_count(definition, path=info["path"], now=now), info["built_at"]
    return customers_matching(definition, now=now).count(), None
