"""`dangol segments-snapshot`: write the segment feature snapshot now (the worker also does it after each value
run), with a progress bar."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from dangol.campaigns.snapshot import snapshot_build


class Command(BaseCommand):
    help = "세그먼트 빌더가 읽는 고객 특성 스냅숏(Parquet)을 지금 만듭니다."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        bar = None if options["no_progress"] else tqdm(total=11, unit=_("단계"), file=sys.stderr)

        def progress(label: str, done: int, total: int) -> None:
            if bar is not None:
                bar.set_description(label)
                bar.update(done - bar.n)

        try:
            meta = snapshot_build(progress=progress)
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(
            _("고객 %(rows)s명의 스냅숏을 %(seconds)s초에 만들었습니다.")
            % {"rows": f"{meta['rows']:,}", "seconds": meta["seconds"]}
        )
