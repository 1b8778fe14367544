"""`dangol campaigns-crosssell`: rebuild the cross-sell picks of the segment condition "likely to buy" from the
last value run's order snapshot (also a daily job of the worker)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from dangol.campaigns.crosssell import picks_refresh


class Command(BaseCommand):
    help = "마지막 고객 가치 계산의 주문 스냅숏으로 교차 판매 추천(세그먼트 조건)을 다시 계산합니다."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(picks_refresh()))
