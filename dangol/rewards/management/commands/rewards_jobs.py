import json
from typing import Any

from django.core.management.base import BaseCommand

from dangol.rewards.coupons import coupons_issue_birthday
from dangol.rewards.earning import points_sync_orders
from dangol.rewards.notify import points_notify_expiring
from dangol.rewards.services import points_confirm_due, points_expire_due, points_release_lapsed
from dangol.rewards.tiers import tiers_evaluate


class Command(BaseCommand):
    help = "포인트 작업을 지금 한 번 실행합니다: 주문 적립·환불 반영, 적립 확정, 보류 해제, 소멸과 사전 안내, 등급 산정, 생일 쿠폰."

    def handle(self, *args: Any, **options: Any) -> None:
        result = {
            "orders": points_sync_orders(),
            "confirmed": points_confirm_due(),
            "released": points_release_lapsed(),
            "expired": points_expire_due(),
            "notified": points_notify_expiring(),
            "tiers": tiers_evaluate(),
            "birthday_coupons": coupons_issue_birthday(),
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))
