"""How each app's records forget a person: destroyed, or kept with the person removed (issue 17, 제21조).

Mirrors merging.py. Every model with a foreign key or one-to-one link to Customer declares a ForgetRule, registered
from its app's AppConfig.ready(): a handler that deletes the customer's rows or pseudonymises them (free text
replaced, names/phones/e-mails blanked, the link kept to the customer row, which is itself pseudonymised), or
"keeps" with the reason the rows hold nothing identifying. `customer_forget` refuses to run while a relation has
no rule, and the system check customers.E002 fails, so a model added later cannot keep a forgotten person's data.
customers is the lowest app layer: it never imports the apps above it; they import this module and register.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangol.customers.merging import relations_to_customer
from dangol.customers.models import (
    Consent,
    ConsentEvent,
    ConsentStage,
    Customer,
    CustomerMerge,
    Note,
    Preference,
)

# What replaces free text written by or about a forgotten person.
FORGOTTEN_TEXT = "[파기됨]"
FORGOTTEN_NAME = "파기된 고객"


class ForgetHandler(Protocol):
    def __call__(self, *, customers: list[int], now: dt.datetime) -> int: ...


@dataclass(frozen=True)
class ForgetRule:
    """What forgetting does to the rows of `model` whose `field` points at one of `customers` (ids).

    `forget` deletes or pseudonymises them and returns how many rows it touched; `method` says which
    ("deleted" | "pseudonymised"). A rule without `forget` is a "keeps" rule and must say why the rows
    hold nothing that identifies the person once the customer row is pseudonymised.
    """

    model: type[models.Model]
    field: str
    label: str | Promise | None
    forget: ForgetHandler | None = None
    method: str = ""
    keeps: str = ""

    def __post_init__(self) -> None:
        if self.forget is None and not self.keeps:
            raise ValueError(f"{self.key}: a rule that keeps rows must say why (keeps=...)")
        if self.forget is not None and self.method not in ("deleted", "pseudonymised"):
            raise ValueError(f"{self.key}: method must be 'deleted' or 'pseudonymised'")

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


_RULES: dict[str, ForgetRule] = {}


def forget_rule_register(rule: ForgetRule) -> None:
    f = rule.model._meta.get_field(rule.field)
    if not f.is_relation or f.related_model is not Customer:
        raise ValueError(f"{rule.key} does not point at Customer")
    _RULES[rule.key] = rule  # re-registering (tests, autoreload) replaces


def forget_rule_unregister(key: str) -> None:
    _RULES.pop(key, None)


def forget_rules() -> list[ForgetRule]:
    return list(_RULES.values())


def relations_without_forget_rule() -> list[str]:
    keys = {f"{model._meta.label}.{name}" for model, name in relations_to_customer()}
    return sorted(keys - _RULES.keys())


# Generic rules.


def rows_of(model: type[models.Model], field: str, customers: list[int]) -> models.QuerySet[Any]:
    return model._default_manager.filter(**{f"{field}__in": customers})


def delete_rule(
    model: type[models.Model], *, field: str = "customer", label: str | Promise | None = None
) -> ForgetRule:
    """The rows are the person's and nothing else needs them: deleted."""

    def forget(*, customers: list[int], now: dt.datetime) -> int:
        deleted, _by_model = rows_of(model, field, customers).delete()
        return deleted

    return ForgetRule(model, field, label or model._meta.verbose_name_plural, forget=forget, method="deleted")


def blank_rule(
    model: type[models.Model],
    *,
    field: str = "customer",
    values: dict[str, Any] | Callable[[dt.datetime], dict[str, Any]],
    label: str | Promise | None = None,
    also: Callable[[list[int], dt.datetime], int] | None = None,
) -> ForgetRule:
    """The rows are kept (append-only or legally kept records) with the person removed: `values` replaces
    free text and blanks names, phones and e-mails. `also(customers, now)` scrubs dependent rows."""

    def forget(*, customers: list[int], now: dt.datetime) -> int:
        changes = values(now) if callable(values) else values
        n = rows_of(model, field, customers).update(**changes)
        if also is not None:
            also(customers, now)
        return n

    return ForgetRule(
        model, field, label or model._meta.verbose_name_plural, forget=forget, method="pseudonymised"
    )


def keep_rule(model: type[models.Model], *, field: str = "customer", reason: str) -> ForgetRule:
    return ForgetRule(model, field, model._meta.verbose_name_plural, keeps=reason)


# The person themself.


def merged_chain(customer: Customer) -> list[int]:
    """The customer and every record merged into it (they hold the same person's data)."""
    ids = [customer.pk]
    frontier = [customer.pk]
    while frontier:
        frontier = list(Customer.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        ids += [pk for pk in frontier if pk not in ids]
    return ids


def pseudonym(customer_id: int) -> str:
    return f"{FORGOTTEN_NAME} #{customer_id}"


@dataclass
class ForgetResult:
    customers: list[int]
    counts: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # key → (label, method, n)

    def rows(self) -> Iterator[tuple[str, str, str, int]]:
        for key, (label, method, n) in self.counts.items():
            yield key, label, method, n


@transaction.atomic
def customer_forget(customer: Customer, *, now: dt.datetime | None = None) -> ForgetResult:
    """Remove the person from every app: each registered rule runs, then the customer row (and the records
    merged into it) keep only non-identifying facts (join date, acquisition channel, home store). Idempotent:
    forgetting a forgotten customer changes nothing more. Raises ImproperlyConfigured while a relation has no rule."""
    missing = relations_without_forget_rule()
    if missing:
        raise ImproperlyConfigured(f"no forgetting rule for: {', '.join(missing)}")
    now = now or timezone.now()
    ids = merged_chain(customer)
    result = ForgetResult(customers=ids)
    for rule in _RULES.values():
        if rule.forget is None:
            continue
        n = rule.forget(customers=ids, now=now)
        result.counts[rule.key] = (
            str(rule.label or rule.model._meta.verbose_name_plural or rule.key),
            rule.method,
            n,
        )
    for pk in ids:
        Customer.objects.filter(pk=pk).update(
            name=pseudonym(pk),
            preferred_name="",
            phone="",
            phone_last4="",
            email="",
            birth_date=None,
            gender="",
            address="",
            external_id=None,
            consent_stage=ConsentStage.NONE,
            status=Customer.Status.FORGOTTEN if pk == customer.pk else Customer.Status.MERGED,
            forgotten_at=now,
            version=models.F("version") + 1,
        )
    Customer.tags.through.objects.filter(customer_id__in=ids).delete()
    result.counts["customers.Customer"] = (str(_("고객")), "pseudonymised", len(ids))
    return result


def _merge_records_scrub(customers: list[int], now: dt.datetime) -> int:
    """A merge record stores the merged person's field values for undo: after forgetting, only the counts stay."""
    n = 0
    for merge in CustomerMerge.objects.filter(Q(survivor__in=customers) | Q(merged__in=customers)):
        kept = {"counts": merge.moved.get("counts", {}), "forgotten": True}
        if merge.moved != kept:
            CustomerMerge.objects.filter(pk=merge.pk).update(moved=kept)
            n += 1
    return n


def register_customer_forget_rules() -> None:
    forget_rule_register(delete_rule(Note, label=_("메모")))
    forget_rule_register(delete_rule(Preference, label=_("선호/기억 사항")))
    forget_rule_register(delete_rule(Customer.tags.through, label=_("태그")))
    forget_rule_register(delete_rule(Consent, label=_("동의 상태")))
    forget_rule_register(
        keep_rule(
            ConsentEvent,
            reason="purpose, decision, time and version prove what was agreed; nothing identifies the person",
        )
    )
    forget_rule_register(
        ForgetRule(
            CustomerMerge,
            "survivor",
            _("병합 기록"),
            forget=lambda *, customers, now: _merge_records_scrub(customers, now),
            method="pseudonymised",
        )
    )
    forget_rule_register(
        keep_rule(CustomerMerge, field="merged", reason="scrubbed by the survivor rule (the same rows)")
    )
    forget_rule_register(
        keep_rule(
            Customer,
            field="merged_into",
            reason="records merged into a forgotten customer are forgotten with it (customer_forget follows the chain)",
        )
    )
