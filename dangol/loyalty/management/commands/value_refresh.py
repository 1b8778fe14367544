import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangol.loyalty.services import value_refresh


class Command(BaseCommand):
    help = "주문을 스냅숏으로 내보내 분석 엔진을 돌리고 고객별 가치(등급, 단계, CLV, RFM)를 저장합니다."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--end", help="기준일 YYYY-MM-DD (기본: 오늘)")

    def handle(self, *args: Any, **options: Any) -> None:
        end = None
        if options.get("end"):
            try:
                end = dt.date.fromisoformat(options["end"])
            except ValueError as exc:
                raise CommandError(
                    _("--end 날짜 형식이 올바르지 않습니다: %(value)s") % {"value": options["end"]}
                ) from exc
        run = value_refresh(end=end)
        self.stdout.write(f"고객 {run.n_customers:,}명의 가치를 저장했습니다 ({run.output_dir}).")
