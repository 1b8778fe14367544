import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def _refuse_a_taken_port(bind: str) -> None:
    """With SO_REUSEPORT a second server on the same port would start and share the connections with the first
    one; a plain bind (no SO_REUSEPORT) fails if anything listens there, so that case stops here instead."""
    if bind.startswith(("unix:", "fd://")) or ":" not in bind:
        return
    host, _, port = bind.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"  # noqa: S104 (only bound and closed again, to test the port)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            raise CommandError(f"{bind} is already in use ({exc.strerror}).") from exc


class Command(BaseCommand):
    help = "Serve Dangol: gunicorn (static files by WhiteNoise) and the job worker, together."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("DANGOL_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("DANGOL_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("DANGOL_WEB_THREADS", "4")))
        parser.add_argument("--no-migrate", action="store_true")
        parser.add_argument(
            "--no-reuse-port",
            dest="reuse_port",
            action="store_false",
            default=os.environ.get("DANGOL_WEB_REUSE_PORT", "1") != "0",
            help="one listening socket shared by the workers (default: one per worker, SO_REUSEPORT)",
        )
        parser.add_argument(
            "--no-access-log",
            dest="access_log",
            action="store_false",
            default=os.environ.get("DANGOL_ACCESS_LOG", "1") != "0",
            help="no gunicorn access log line per request on stdout",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["reuse_port"]:
            _refuse_a_taken_port(options["bind"])
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
                # Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new connections
                # over them. On one shared socket the first worker awake accepts a burst of connections alone,
                # and keep-alive connections stay where they were accepted: 16 respondents (or a proxy's
                # upstream connections) all on one worker, i.e. one core, its threads sharing one GIL, while
                # the other worker idles (issue 18: 15 or 16 of 16 connections on one worker in 5 runs of 5).
                *(["--reuse-port"] if options["reuse_port"] else []),
                *(["--access-logfile", "-"] if options["access_log"] else []),
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
