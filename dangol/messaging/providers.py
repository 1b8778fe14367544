"""Facts messaging needs from apps above it, registered by those apps (they call messaging, never the reverse).

- `register_last_purchase(provider)`: the orders app answers "when did this customer last buy goods of this
  kind?" for the 6-month transaction exemption (정보통신망법 제50조 제1항 제1호). Without a provider the
  exemption never applies and adverts go only to customers with marketing consent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dangol.customers.models import Customer

# (customer, goods kind — "" when the advert names none) → the last purchase of that kind, or None.
LastPurchaseProvider = Callable[[Customer, str], dt.datetime | None]

_last_purchase: LastPurchaseProvider | None = None


def register_last_purchase(provider: LastPurchaseProvider | None) -> None:
    """Install (or, with None, remove) the one last-purchase provider; a second call replaces the first."""
    global _last_purchase
    _last_purchase = provider


def last_purchase_at(customer: Customer, goods_kind: str) -> dt.datetime | None:
    return _last_purchase(customer, goods_kind) if _last_purchase is not None else None
