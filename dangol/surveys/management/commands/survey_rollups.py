import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from dangol.surveys import repurchase, rollups


class Command(BaseCommand):
    help = (
        "설문 분석 집계(roll-up)를 최신으로 맞춥니다: 아직 집계되지 않은 응답을 더합니다. "
        "(재구매 집계 포함) --rebuild: 처음부터 다시 집계, --check: 집계표를 응답 재집계와 비교"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rebuild", action="store_true", help="집계를 지우고 모든 응답을 다시 집계")
        parser.add_argument("--check", action="store_true", help="집계표가 응답을 다시 센 값과 같은지 확인")
        parser.add_argument("--no-progress", action="store_true")

    def _bar(self, total: int, label: str, hide: bool) -> Any:
        return tqdm(total=total, desc=label, unit="응답", file=sys.stderr, disable=hide, leave=True)

    def handle(self, *args: Any, **options: Any) -> None:
        hide = options["no_progress"]
        if options["rebuild"]:
            cleared = rollups.reset()
            repurchase.reset()
            self.stdout.write(_("집계를 지웠습니다(응답 %(n)s건을 다시 셉니다).") % {"n": f"{cleared:,}"})
        if options["rebuild"] or not options["check"]:
            with self._bar(rollups.pending_count(), _("집계"), hide) as bar:
                counted = rollups.catch_up(progress=bar.update)
            self.stdout.write(_("응답 %(n)s건을 집계했습니다.") % {"n": f"{counted:,}"})
            repurchase.refresh_changed()
            with self._bar(repurchase.pending_count(), _("재구매 집계"), hide) as bar:
                counted = repurchase.count_closed(progress=bar.update)
            self.stdout.write(
                _("재구매 기간(90일)이 끝난 고객 응답 %(n)s건을 집계했습니다.") % {"n": f"{counted:,}"}
            )
        if options["check"]:
            total = rollups.Response.objects.filter(rollup_batch__isnull=False).count()
            with self._bar(total, _("검사"), hide) as bar:
                result = rollups.check(progress=bar.update)
            loyalty = repurchase.check()
            result.differences.extend(loyalty.differences)
            result.rows += loyalty.rows
            for key, table, recount in result.differences[:50]:
                self.stdout.write(
                    _("다름: %(key)s 집계 %(table)s, 재집계 %(recount)s")
                    % {"key": key, "table": table, "recount": recount}
                )
            self.stdout.write(
                _(
                    "응답 %(responses)s건, 집계 행 %(rows)s개, 아직 집계되지 않은 응답 %(pending)s건, 차이 %(diff)s개"
                )
                % {
                    "responses": f"{result.responses:,}",
                    "rows": f"{result.rows:,}",
                    "pending": f"{result.pending:,}",
                    "diff": len(result.differences),
                }
            )
            if not result.ok:
                sys.exit(1)
