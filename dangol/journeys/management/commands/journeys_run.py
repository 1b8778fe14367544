import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.journeys.services import journeys_run


class Command(BaseCommand):
    help = "여정을 지금 한 번 실행합니다(대상 등록, 대조군 배정, 메시지 대기열). --now 로 시각을 지정할 수 있습니다."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="실행 시각(ISO 8601, 예: 2026-12-01T10:00+09:00). 시간대가 없으면 서울 시각"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(
                    _("--now 시각을 읽을 수 없습니다: %(value)s (예: 2026-12-01T10:00+09:00)")
                    % {"value": options["now"]}
                ) from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        self.stdout.write(json.dumps(journeys_run(now=now), ensure_ascii=False))
