from typing import Any

from django.core.management.base import BaseCommand

from dangol.promises.services import promises_break_overdue


class Command(BaseCommand):
    help = "기한이 지난 진행 중 약속을 '못 지킴'으로 바꿉니다 (Mark past-due open promises as broken)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = promises_break_overdue()
        self.stdout.write(f"{count}건의 약속이 기한 경과로 '못 지킴' 처리되었습니다.")
