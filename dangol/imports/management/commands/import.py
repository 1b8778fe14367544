import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from dangol.imports.services import run_import


class Command(BaseCommand):
    help = "고객 또는 주문 파일(CSV/XLSX)을 가져옵니다: dangol import customers FILE [--on-error abort|skip]"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["customers", "orders"])
        parser.add_argument("file")
        parser.add_argument(
            "--on-error",
            choices=["abort", "skip"],
            default="abort",
            help="abort: 오류가 하나라도 있으면 아무것도 쓰지 않음(기본). skip: 오류 행만 건너뜀.",
        )
        parser.add_argument("--json", action="store_true", help="결과를 JSON으로 출력")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(_("파일이 없습니다: %(path)s") % {"path": path})
        bars: dict[str, tqdm] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if options["no_progress"]:
                return
            label = {"validate": "검사", "write": "저장"}[phase]
            bar = bars.get(phase)
            if bar is None:
                bar = bars[phase] = tqdm(total=total, desc=label, unit="행", file=sys.stderr, leave=True)
            bar.update(done - bar.n)

        result = run_import(kind=options["kind"], path=path, on_error=options["on_error"], progress=progress)
        for bar in bars.values():
            bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            for err in result.errors[:200]:
                column = f" [{err.column}]" if err.column else ""
                self.stdout.write(f"{err.line}행{column}: {err.message}")
            if len(result.errors) > 200:
                self.stdout.write(f"... 외 {len(result.errors) - 200}건")
            self.stdout.write(f"전체 {result.total_rows}행 — {result.message}")
        if not result.written:
            sys.exit(2)
