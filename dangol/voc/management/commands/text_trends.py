import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangol.reading.text import textmining_available
from dangol.voc.selectors import rising_issues


class Command(BaseCommand):
    help = "이번 주 VOC에서 평소보다 늘어난 이슈(단어)를 보여 줍니다: dangol text trends"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--weeks", type=int, default=8)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not textmining_available():
            raise CommandError(_("dangol.textmining 라이브러리가 없습니다."))
        rows = rising_issues(weeks=options["weeks"], limit=30)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, default=str, indent=2))
            return
        if not rows:
            self.stdout.write("평소보다 늘어난 이슈가 없습니다.")
        for row in rows:
            self.stdout.write(str(row))
