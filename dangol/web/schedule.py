"""Jobs the worker enqueues on a timer. Each task is idempotent, so a late or double run is harmless."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# (dotted path of a django-tasks task, seconds between runs; None = DANGOL_SCHEDULE_SECONDS)
SCHEDULE: list[tuple[str, int | None]] = [
    ("dangol.promises.tasks.break_overdue_promises", None),
    ("dangol.promises.tasks.notify_promises_due", 300),
    ("dangol.voc.tasks.check_slas", 60),
    ("dangol.voc.tasks.refresh_board", 60),
    ("dangol.voc.tasks.check_recurrence", 3600),
    ("dangol.loyalty.tasks.refresh_customer_value", 86400),
    ("dangol.surveys.tasks.invite_after_events", 3600),
    ("dangol.surveys.tasks.refresh_analysis", 300),
    ("dangol.surveys.tasks.rollup_answers", 15),
    ("dangol.surveys.tasks.open_missing_followups", 60),
    ("dangol.messaging.tasks.send_due_messages", 15),
    ("dangol.messaging.tasks.reconcile_messages", 300),
    ("dangol.messaging.tasks.send_consent_reminders", 86400),
    ("dangol.rewards.tasks.sync_order_points", 300),
    ("dangol.rewards.tasks.confirm_pending_points", 3600),
    ("dangol.rewards.tasks.release_lapsed_holds", 300),
    ("dangol.rewards.tasks.expire_points", 3600),
    ("dangol.rewards.tasks.evaluate_tiers", 86400),
    ("dangol.rewards.tasks.issue_birthday_coupons", 3600),
    ("dangol.lifecycle.tasks.destroy_expired_personal_data", 86400),
    ("dangol.journeys.tasks.run_journeys", 3600),
    ("dangol.campaigns.tasks.refresh_crosssell_picks", 86400),
    ("dangol.campaigns.tasks.refresh_segment_snapshot", 3600),
]


def enqueue_due(last_run: dict[str, float], now: float) -> list[str]:
    enqueued = []
    for path, every in SCHEDULE:
        period = every or settings.DANGOL_SCHEDULE_SECONDS
        if now - last_run.get(path, float("-inf")) >= period:
            import_string(path).enqueue()
            last_run[path] = now
            enqueued.append(path)
    return enqueued


def start_scheduler(stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        last_run: dict[str, float] = {}
        while not stop.is_set():
            try:
                close_old_connections()
                enqueue_due(last_run, time.monotonic())
            except Exception:  # keep the scheduler alive; the next tick retries
                logger.exception("scheduler tick failed")
            stop.wait(5)

    thread = threading.Thread(target=loop, name="dangol-scheduler", daemon=True)
    thread.start()
    return thread
