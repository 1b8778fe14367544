"""Saved audiences, whichever app keeps their definition: the customer list's saved filters (here) and the
segment builder's segments (dangol.campaigns registers them from its AppConfig.ready). An app below campaigns
(surveys) sends to either through this registry without importing the app above it.

A key names one audience: "<kind>:<id>" ("list:3", "segment:7")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangol.customers.models import Customer, CustomerSegment
from dangol.customers.selectors import segment_customers


@dataclass(frozen=True)
class AudienceKind:
    code: str
    label: str | Promise  # the group heading in a picker
    choices: Callable[[], list[tuple[int, str]]]  # (id, name) of the saved ones, by name
    resolve: Callable[
        [int], tuple[str, QuerySet[Customer]]
    ]  # name and the customers it holds now; LookupError


_KINDS: dict[str, AudienceKind] = {}


def audience_kind_register(kind: AudienceKind) -> None:
    _KINDS[kind.code] = kind


def audience_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: one group per kind that has saved audiences."""
    groups = []
    for kind in _KINDS.values():
        saved = [(f"{kind.code}:{pk}", name) for pk, name in kind.choices()]
        if saved:
            groups.append((str(kind.label), saved))
    return groups


def audience_customers(key: str) -> tuple[str, QuerySet[Customer]]:
    """The audience's name and its customers now. LookupError for a key nobody registered or an id not saved."""
    code, _sep, raw = key.partition(":")
    kind = _KINDS.get(code)
    if kind is None or not raw.isdigit():
        raise LookupError(key)
    return kind.resolve(int(raw))


def _saved_filter(pk: int) -> tuple[str, QuerySet[Customer]]:
    segment = CustomerSegment.objects.filter(pk=pk).first()
    if segment is None:
        raise LookupError(pk)
    return segment.name, segment_customers(segment)


def register_saved_filters() -> None:
    audience_kind_register(
        AudienceKind(
            code="list",
            label=_("고객 목록에서 저장한 필터"),
            choices=lambda: list(CustomerSegment.objects.order_by("name").values_list("pk", "name")),
            resolve=_saved_filter,
        )
    )
