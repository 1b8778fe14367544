"""The demo business has a believable request queue and a retention run."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dangol.lifecycle.models import SubjectRequest

END = dt.datetime(2026, 11, 20, 18, tzinfo=ZoneInfo("Asia/Seoul"))


@pytest.mark.slow
def test_demo_requests(db: Any) -> None:
    from dangol.demo.generate import generate

    stats = generate(customers=150, seed=7, end=END)
    assert stats.extra["정보주체 요구"] == 9
    by_status = {
        s: SubjectRequest.objects.filter(status=s).count() for s in ("open", "extended", "done", "refused")
    }
    assert by_status == {"open": 4, "extended": 1, "done": 3, "refused": 1}
    overdue = [r for r in SubjectRequest.objects.filter(status="open") if r.effective_due < END.date()]
    assert len(overdue) == 1  # the one received 16 days before the end
    assert all(r.identity_verified_at for r in SubjectRequest.objects.all())
