"""`dangol survey-invite`: invite the customers of recent interactions, orders and closed cases to the active
surveys whose trigger matches. Safe to run from cron or the job runner at any interval."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.surveys.models import Survey
from dangol.surveys.sending import invitations_after_events


class Command(BaseCommand):
    help = "최근 상호작용·주문·VOC 종결 고객에게 설문 초대를 만듭니다 (같은 고객은 한 달에 한 번)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hours", type=int, default=24, help="몇 시간 전 사건까지 볼지 (기본 24)")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"]
        if not 1 <= hours <= 24 * 90:
            raise CommandError(_("--hours는 1~2160 사이여야 합니다."))
        since = timezone.now() - dt.timedelta(hours=hours)
        for survey in Survey.objects.filter(status=Survey.Status.ACTIVE).exclude(
            trigger__in=[Survey.Trigger.MANUAL, Survey.Trigger.SEGMENT]
        ):
            counts = invitations_after_events(survey=survey, since=since)
            self.stdout.write(f"{survey.code}: 초대 {counts['invited']}건, 건너뜀 {counts['skipped']}건")
