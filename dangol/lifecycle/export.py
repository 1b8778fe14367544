"""Everything Dangol holds about a person, for an access request (열람, 개인정보 보호법 제35조).

Built by construction like the merge and forgetting registries: the customer row and every row of every model
that points at Customer (dangol.customers.merging.relations_to_customer), grouped by app, so a model added
later is in the export without anyone remembering to add it. Values are JSON-serialisable (dates ISO 8601,
decimals as strings, files by name, links by id). Staff accounts appear as ids only.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from dangol.customers.forgetting import merged_chain
from dangol.customers.merging import relations_to_customer
from dangol.customers.models import Customer

# Columns that are Dangol's own bookkeeping, not data about the person.
_SKIP = {"version", "password", "nonce", "token_hash", "code_hash", "key_hash", "secret"}


def _value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file field
        return value.name or ""
    return str(value)


def row_dict(obj: models.Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP:
            continue
        name = field.attname  # a link is exported as its id
        out[name] = _value(getattr(obj, name))
    return out


def customer_data_export(customer: Customer) -> dict[str, Any]:
    """{"customer": {...}, "apps": {app_label: {model_name: [rows]}}} for the customer and the records merged
    into it. Rows are in primary-key order."""
    ids = merged_chain(customer)
    apps: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for model, field in relations_to_customer():
        if model is Customer:
            continue  # the merged records are listed under "merged_records"
        rows = model._default_manager.filter(**{f"{field}__in": ids}).order_by("pk")
        exported = [row_dict(obj) for obj in rows]
        if not exported:
            continue
        per_app = apps.setdefault(model._meta.app_label, {})
        name = str(model._meta.model_name)
        key = name if field == "customer" else f"{name}.{field}"
        per_app.setdefault(key, []).extend(exported)
    tags = list(customer.tags.values_list("name", flat=True))
    main = row_dict(customer)
    main["tags"] = tags
    return {
        "customer": main,
        "merged_records": [row_dict(c) for c in Customer.objects.filter(pk__in=ids[1:]).order_by("pk")],
        "apps": apps,
    }
