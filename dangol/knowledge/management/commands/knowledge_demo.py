"""`dangol knowledge-demo`: create the Korean demo FAQ articles (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dangol.knowledge.demo import ARTICLES, demo_articles_ensure


class Command(BaseCommand):
    help = "FAQ 데모 문서 만들기 / create the demo FAQ articles"

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_articles_ensure()
        self.stdout.write(f"FAQ 문서 {created}건 생성 (전체 데모 {len(ARTICLES)}건)")
