"""`dangol kano FILE`: classify Kano attributes from a CSV and print JSON (per attribute, and per wave)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangol.surveys.kano import KanoInputError, analyse, decode, read_csv


class Command(BaseCommand):
    help = "Kano 분류: CSV(attribute,functional,dysfunctional[,respondent][,wave])를 읽어 속성별 결과를 JSON으로 출력합니다."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="CSV 파일 경로 (UTF-8 또는 CP949)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise CommandError(_("파일이 없습니다: %(path)s") % {"path": path}) from exc
        except (IsADirectoryError, PermissionError, OSError) as exc:
            raise CommandError(
                _("파일을 읽을 수 없습니다: %(path)s (%(error)s)")
                % {"path": path, "error": exc.strerror or exc}
            ) from exc
        try:
            rows = read_csv(decode(data))
            result = analyse(rows)
        except KanoInputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps({"attributes": result}, ensure_ascii=False, indent=2))
