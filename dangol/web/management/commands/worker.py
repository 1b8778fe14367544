import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangol.web.schedule import start_scheduler


class Command(BaseCommand):
    help = "Run the background job worker (django-tasks database backend) with the job scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Only run jobs; do not enqueue timed jobs."
        )
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["no_scheduler"] and not options["batch"]:
            start_scheduler(stop)
        try:
            call_command(
                "db_worker",
                queue_name="*",
                interval=1,
                batch=options["batch"],
                reload=False,
                startup_delay=False,
                verbosity=options["verbosity"],
            )
        finally:
            stop.set()
