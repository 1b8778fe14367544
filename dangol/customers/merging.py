"""How each app's records follow a customer merge, and how they go back on undo.

Every model with a foreign key, one-to-one or many-to-many link to Customer declares a MergeRule,
registered from its app's AppConfig.ready(): either a handler pair that moves the rows and returns
what it moved (so the merge can be undone from the stored ids), or "stays" with the reason why.
customers_merge refuses to run while a relation has no rule, and a test walks the model registry,
so a model added later cannot silently leave its rows on the merged record. customers is the lowest
app layer: it never imports the apps above it; they import this module and register.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangol.customers.models import Consent, ConsentEvent, Customer, CustomerMerge, Note, Preference

# Rows updated per statement: keeps each UPDATE under every backend's parameter limit.
_CHUNK = 500


class MoveHandler(Protocol):
    def __call__(self, *, survivor: Customer, merged: Customer, by: User | None) -> list[Any]: ...


class UndoHandler(Protocol):
    def __call__(self, *, survivor: Customer, merged: Customer, by: User | None, moved: list[Any]) -> int: ...


@dataclass(frozen=True)
class MergeRule:
    """What a merge does to the rows of `model` whose `field` points at the merged customer.

    `move` returns one JSON-serialisable entry per row it moved or changed (normally the row's id);
    `undo` receives that list back and returns how many it put back. A rule without `move` is a
    "stays" rule and must say why.
    """

    model: type[models.Model]
    field: str
    label: str | Promise
    move: MoveHandler | None = None
    undo: UndoHandler | None = None
    stays: str = ""

    def __post_init__(self) -> None:
        if (self.move is None) != (self.undo is None):
            raise ValueError(f"{self.key}: a moving rule needs both move and undo")
        if self.move is None and not self.stays:
            raise ValueError(f"{self.key}: a rule that leaves rows behind must say why (stays=...)")

    @property
    def key(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


_RULES: dict[str, MergeRule] = {}


def merge_rule_register(rule: MergeRule) -> None:
    field = rule.model._meta.get_field(rule.field)
    if not field.is_relation or field.related_model is not Customer:
        raise ValueError(f"{rule.key} does not point at Customer")
    _RULES[rule.key] = rule  # re-registering (tests, autoreload) replaces


def merge_rules() -> list[MergeRule]:
    return list(_RULES.values())


def merge_rule(key: str) -> MergeRule | None:
    return _RULES.get(key)


def relations_to_customer() -> Iterator[tuple[type[models.Model], str]]:
    """Every (model, field) that points at Customer. Hidden relations are included: related_name="+"
    and the tables behind many-to-many links (to Customer or from it, like tags) hold a key too."""
    for rel in Customer._meta.get_fields(include_hidden=True):
        if isinstance(rel, models.ForeignObjectRel) and (rel.one_to_many or rel.one_to_one):
            yield rel.related_model, rel.field.name  # type: ignore[misc]


def relations_without_rule() -> list[str]:
    keys = {f"{model._meta.label}.{field}" for model, field in relations_to_customer()}
    return sorted(keys - _RULES.keys())


def moved_summary(moved: dict[str, Any]) -> list[tuple[str, int]]:
    """(label, count) per kind of record a merge moved, in registry order; [] for old-format records."""
    counts: dict[str, int] = moved.get("counts") or {}
    out = [(str(rule.label), counts[rule.key]) for rule in _RULES.values() if counts.get(rule.key)]
    known = {rule.key for rule in _RULES.values()}
    out += [(key, n) for key, n in counts.items() if key not in known and n]
    return out


# Generic helpers for rows where a plain foreign-key update is right.


def rows_move(
    model: type[models.Model], *, field: str, source: Customer, target: Customer, **also: Any
) -> list[int]:
    """Re-point every row of `model` from `source` to `target` (plus `also` fields); returns their ids."""
    ids = list(model._default_manager.filter(**{field: source}).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), _CHUNK):
        model._default_manager.filter(pk__in=ids[start : start + _CHUNK]).update(**{field: target}, **also)
    return ids


def rows_return(
    model: type[models.Model], *, field: str, ids: list[Any], source: Customer, target: Customer, **also: Any
) -> list[Any]:
    """Put back the rows `ids` that still point at `source`; returns the ids put back. A row that was
    re-assigned by hand since the merge is left where a person put it."""
    back = []
    for start in range(0, len(ids), _CHUNK):
        chunk = model._default_manager.filter(pk__in=ids[start : start + _CHUNK], **{field: source})
        found = list(chunk.values_list("pk", flat=True))
        model._default_manager.filter(pk__in=found).update(**{field: target}, **also)
        back += found
    return back


def fk_rule(
    model: type[models.Model], *, field: str = "customer", label: str | Promise | None = None
) -> MergeRule:
    """A rule that re-points every row at the survivor, and back by id on undo."""

    def move(*, survivor: Customer, merged: Customer, by: User | None) -> list[Any]:
        return rows_move(model, field=field, source=merged, target=survivor)

    def undo(*, survivor: Customer, merged: Customer, by: User | None, moved: list[Any]) -> int:
        return len(rows_return(model, field=field, ids=moved, source=survivor, target=merged))

    return MergeRule(model, field, label or str(model._meta.verbose_name_plural), move=move, undo=undo)


def stays_rule(model: type[models.Model], *, field: str, reason: str) -> MergeRule:
    return MergeRule(model, field, str(model._meta.verbose_name_plural), stays=reason)


# The customers app's own records.


def _consent_state(consent: Consent) -> dict[str, Any]:
    return {
        "granted": consent.granted,
        "changed_at": consent.changed_at.isoformat(),
        "source": consent.source,
        "version": consent.version,
    }


def _consents_move(*, survivor: Customer, merged: Customer, by: User | None) -> list[Any]:
    """The more recent decision per purpose wins. A purpose the survivor never decided moves as a row;
    a newer decision overwrites the survivor's row (the old state is kept for undo); an older one
    stays on the merged record, superseded (the full history moves with the consent events)."""
    entries: list[dict[str, Any]] = []
    mine = {c.purpose: c for c in Consent.objects.filter(customer=survivor)}
    for consent in Consent.objects.filter(customer=merged).order_by("pk"):
        current = mine.get(consent.purpose)
        if current is None:
            Consent.objects.filter(pk=consent.pk).update(customer=survivor)
            entries.append({"id": consent.pk, "changed_at": consent.changed_at.isoformat()})
        elif consent.changed_at > current.changed_at:
            state = _consent_state(consent)
            Consent.objects.filter(pk=current.pk).update(**{**state, "changed_at": consent.changed_at})
            entries.append(
                {"id": current.pk, "changed_at": state["changed_at"], "replaced": _consent_state(current)}
            )
    return entries


def _consents_undo(*, survivor: Customer, merged: Customer, by: User | None, moved: list[Any]) -> int:
    # A decision recorded on the survivor after the merge is newer than anything the merge brought,
    # so it is kept (the same "more recent wins" rule); only rows untouched since the merge go back.
    returned = 0
    for entry in moved:
        at_merge = dt.datetime.fromisoformat(entry["changed_at"])
        unchanged = Consent.objects.filter(pk=entry["id"], customer=survivor, changed_at=at_merge)
        if "replaced" in entry:
            before = entry["replaced"]
            returned += unchanged.update(
                **{**before, "changed_at": dt.datetime.fromisoformat(before["changed_at"])}
            )
        elif not Consent.objects.filter(customer=merged, purpose__in=unchanged.values("purpose")).exists():
            returned += unchanged.update(customer=merged)
    return returned


def _tags_move(*, survivor: Customer, merged: Customer, by: User | None) -> list[Any]:
    """Tags are labels, not records: the survivor gets the merged record's tags it lacks, and the
    merged record keeps its own. Returns the link rows created."""
    through = Customer.tags.through
    have = set(survivor.tags.values_list("pk", flat=True))
    new = [tag_id for tag_id in merged.tags.values_list("pk", flat=True) if tag_id not in have]
    survivor.tags.add(*new)
    return list(
        through.objects.filter(customer=survivor, tag_id__in=new).order_by("pk").values_list("pk", flat=True)
    )


def _tags_undo(*, survivor: Customer, merged: Customer, by: User | None, moved: list[Any]) -> int:
    removed, _by_model = Customer.tags.through.objects.filter(pk__in=moved, customer=survivor).delete()
    return removed


def register_customer_rules() -> None:
    merge_rule_register(fk_rule(Note, label=_("메모")))
    merge_rule_register(fk_rule(Preference, label=_("선호/기억 사항")))
    merge_rule_register(fk_rule(ConsentEvent, label=_("동의 이력")))
    merge_rule_register(
        MergeRule(Consent, "customer", _("동의 상태"), move=_consents_move, undo=_consents_undo)
    )
    merge_rule_register(
        MergeRule(Customer.tags.through, "customer", _("태그"), move=_tags_move, undo=_tags_undo)
    )
    for field in ("survivor", "merged"):
        merge_rule_register(
            stays_rule(
                CustomerMerge, field=field, reason="the merge record is the audit trail; undo reads it"
            )
        )
    merge_rule_register(
        stays_rule(
            Customer,
            field="merged_into",
            reason="a merged record points at the one it went into; pages follow the chain",
        )
    )
