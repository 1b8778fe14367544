"""`dangol campaigns-demo`: two finished campaigns over the demo data (run after `dangol demo-data`).

A separate command rather than a step of demo-data: launching goes through the real services (one coupon or
points credit per treated customer, each under the ledger's lock), about 30 s on the demo's 5,000 customers,
which would double the demo's own run."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.campaigns.demo import generate_campaigns
from dangol.campaigns.models import Campaign
from dangol.interactions.models import Touchpoint
from dangol.orders.models import Order, Product


class Command(BaseCommand):
    help = "데모 데이터 위에 끝난 캠페인 두 개를 만듭니다 (dangol demo-data 다음에 실행)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        if Campaign.objects.exists():
            self.stdout.write(_("캠페인이 이미 있습니다."))
            return
        products = list(Product.objects.filter(price__gt=0))
        stores = list(Touchpoint.objects.filter(kind="physical", channel="store"))
        if not products or not stores or not Order.objects.exists():
            raise CommandError(_("데모 데이터가 없습니다. 먼저 dangol demo-data를 실행하세요."))
        started = time.monotonic()
        context = SimpleNamespace(
            rng=np.random.default_rng(options["seed"]),
            products=products,
            stores=stores,
            staff=list(User.objects.select_related("staff")),
            end=Order.objects.aggregate(last=Max("ordered_at"))["last"] or timezone.now(),
        )
        with transaction.atomic():
            counts = generate_campaigns(context)
        self.stdout.write(
            ", ".join(f"{label} {n:,}" for label, n in counts.items())
            + f" ({time.monotonic() - started:.1f}s)"
        )
