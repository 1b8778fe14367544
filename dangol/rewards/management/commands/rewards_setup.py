import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dangol.rewards.demo import program_setup, program_simulate
from dangol.rewards.ledger import RewardsError


class Command(BaseCommand):
    help = "멤버십 기본 등급·쿠폰·리워드를 만듭니다 (--demo: 기존 주문으로 2년간의 포인트 프로그램을 재현)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--demo", action="store_true", help="데모 데이터: 적립·사용·소멸·등급·추천 2년치")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        result: dict[str, Any] = {"setup": program_setup()}
        if options["demo"]:
            try:
                result["demo"] = program_simulate(seed=options["seed"])
            except RewardsError as exc:
                raise CommandError(exc.message_ko) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))
