"""Serve the platform in embedded mode: the web server and the job worker in one process group.

The worker (huey, database-backed under var/) runs as a child process so background jobs such as
vector indexing and reminders work without Redis; it stops when the server stops.
"""

from __future__ import annotations

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from jieli.core import registry


class Command(BaseCommand):
    help = "Run the web server with a background job worker (embedded mode)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args, host: str, port: int, no_worker: bool, **options):
        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "run_huey", "--quiet"],
            )
            # Queue the jobs the apps registered (the first vectors and code-suggestion models)
            # now rather than at the next scheduled run, so a fresh demo has them within minutes.
            for job in registry.startup_jobs():
                job()
        self.stdout.write(self.style.SUCCESS(f"Jieli is running on http://{host}:{port}/"))
        self.stdout.write(f"API docs: http://{host}:{port}/api/docs")
        try:
            call_command("runserver", f"{host}:{port}", "--noreload", "--insecure")
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
