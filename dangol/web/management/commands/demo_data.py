import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.demo.generate import DEMO_PASSWORD, generate


class Command(BaseCommand):
    help = "한국어 데모 데이터를 만듭니다 (Faker ko_KR + BG/NBD 구매 과정). 같은 seed면 같은 데이터."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--customers", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--years", type=float, default=2.0)
        parser.add_argument("--if-empty", action="store_true", help="고객이 이미 있으면 아무것도 하지 않음")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["customers"] < 1:
            raise CommandError(_("--customers는 1 이상이어야 합니다."))
        if Customer.objects.exists():
            if options["if_empty"]:
                self.stdout.write("데모 데이터가 이미 있습니다.")
                return
            raise CommandError(_("데이터베이스에 이미 고객이 있습니다. 빈 데이터베이스에서 실행하세요."))
        started = time.monotonic()

        def progress(msg: str) -> None:
            sys.stderr.write(f"[{time.monotonic() - started:5.1f}s] {msg}\n")

        stats = generate(
            customers=options["customers"], seed=options["seed"], years=options["years"], progress=progress
        )
        self.stdout.write(
            f"고객 {stats.customers:,}명, 주문 {stats.orders:,}건(상품 {stats.order_lines:,}줄), "
            f"상호작용 {stats.interactions:,}건, 약속 {stats.promises:,}건"
            + "".join(f", {label} {count:,}건" for label, count in stats.extra.items())
            + f" ({time.monotonic() - started:.1f}s)"
        )
        self.stdout.write(f"로그인: admin / {DEMO_PASSWORD}  (상담원: agent / {DEMO_PASSWORD})")
