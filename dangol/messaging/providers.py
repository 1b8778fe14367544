"""Facts messaging needs from apps above it, registered by those apps (they call messaging, never the reverse).

- `register_last_purchase(provider, many=None)`: the orders app answers "when did this customer last buy goods
  of this kind?" for the 6-month transaction exemption (정보통신망법 제50조 제1항 제1호), and, with `many`, the
  same for a campaign's batch of customers in one query. Without a provider the exemption never applies and
  adverts go only to customers with marketing consent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from dangol.customers.models import Customer

# (customer, goods kind — "" when the advert names none) → the last purchase of that kind, or None.
LastPurchaseProvider = Callable[[Customer, str], dt.datetime | None]

# (customer ids, goods kind) → {customer id: last purchase of that kind}; customers without one are left out.
LastPurchasesProvider = Callable[[Sequence[int], str], Mapping[int, dt.datetime]]

_last_purchase: LastPurchaseProvider | None = None
_last_purchases: LastPurchasesProvider | None = None


def register_last_purchase(
    provider: LastPurchaseProvider | None, *, many: LastPurchasesProvider | None = None
) -> None:
    """Install (or, with None, remove) the one last-purchase provider, and optionally its many-customers form
    (a campaign asks once per batch); a second call replaces the first."""
    global _last_purchase, _last_purchases
    _last_purchase, _last_purchases = provider, many if provider is not None else None


def last_purchase_at(customer: Customer, goods_kind: str) -> dt.datetime | None:
    return _last_purchase(customer, goods_kind) if _last_purchase is not None else None


def last_purchases_at(customer_ids: Sequence[int], goods_kind: str) -> Mapping[int, dt.datetime] | None:
    """The many-customers answer, or None when the provider has no such form (ask one at a time)."""
    return _last_purchases(customer_ids, goods_kind) if _last_purchases is not None else None
