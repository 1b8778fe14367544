from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangol.customers.models import Customer
from dangol.rewards.models import PointBalance, PointEntry
from dangol.rewards.services import points_check, points_rebuild


class Command(BaseCommand):
    help = "포인트 원장과 잔액·적립 묶음이 맞는지 모든 고객을 검사합니다 (--repair: 원장으로 잔액 재계산)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repair", action="store_true", help="잔액을 원장 합계로 다시 계산")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = set(PointBalance.objects.values_list("pk", flat=True))
        ids |= set(PointEntry.objects.values_list("customer_id", flat=True).distinct())
        broken = 0
        for customer in Customer.objects.filter(pk__in=sorted(ids)).iterator(chunk_size=500):
            problems = points_check(customer)
            if problems:
                broken += 1
                self.stdout.write(f"고객 {customer.pk}: " + "; ".join(problems))
                if options["repair"]:
                    points_rebuild(customer)
        self.stdout.write(f"고객 {len(ids):,}명 검사, 불일치 {broken:,}명")
        if broken and not options["repair"]:
            raise CommandError(_("포인트 원장과 잔액이 맞지 않는 고객이 있습니다."))
