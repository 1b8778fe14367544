from __future__ import annotations

from django_tasks import task

from dangol.loyalty.services import value_refresh


@task()
def refresh_customer_value() -> int:
    return value_refresh().pk
