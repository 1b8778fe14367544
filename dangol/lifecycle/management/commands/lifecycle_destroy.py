import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.lifecycle.retention import destruction_run


class Command(BaseCommand):
    help = (
        "보유기간이 지난 개인정보를 지금 파기(삭제·가명처리)하고 파기 기록을 남깁니다. "
        "--now 로 기준 시각을 정할 수 있습니다(예: 2031-01-01T00:00:00+09:00)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", help="기준 시각 (ISO 8601, 시간대 없으면 서울 시각)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options.get("now"):
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(
                    _("--now 형식이 올바르지 않습니다: %(value)s") % {"value": options["now"]}
                ) from exc
            if now.tzinfo is None:
                now = timezone.make_aware(now, timezone.get_current_timezone())
        result = destruction_run(now=now)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
