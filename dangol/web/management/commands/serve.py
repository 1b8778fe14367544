import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Dangol: gunicorn (static files by WhiteNoise) and the job worker, together."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("DANGOL_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("DANGOL_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("DANGOL_WEB_THREADS", "4")))
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dangol.settings"}
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "dangol.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["workers"]),
                "--threads",
                str(options["threads"]),
                "--access-logfile",
                "-",
            ],
            env=env,
        )
        # The job worker yields the CPU to respondents (issue 18: follow-up cases, roll-ups and reports wait a
        # moment under a burst of answers; the answers do not wait for them).
        nice = int(os.environ.get("DANGOL_WORKER_NICE", "10"))
        worker = subprocess.Popen(
            [sys.executable, "-m", "dangol", "worker", "--verbosity", "0"],
            env=env,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,  # one thread here: preexec_fn is safe
        )
        self.stdout.write(f"Dangol: http://{options['bind']}/  (web pid {web.pid}, worker pid {worker.pid})")
        children = [web, worker]

        def stop(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop()
            for child in children:
                child.wait(timeout=20)
