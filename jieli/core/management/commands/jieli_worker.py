"""Run a job queue's consumer (``--queue user|bulk``), or supervise both (``--all``).

A consumer first marks failed the jobs its dead predecessors left "running" (see
``jieli.core.jobs``), then serves its queue; the bulk consumer lowers its CPU priority so web
requests and user jobs come first.
"""

from __future__ import annotations

import logging
import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules


class Command(BaseCommand):
    help = "Run the consumer of one job queue, or supervise the consumers of all queues."

    def add_arguments(self, parser):
        parser.add_argument("--queue", choices=["user", "bulk"], default="user")
        parser.add_argument(
            "--all",
            dest="all_queues",
            action="store_true",
            help="Supervise one consumer per queue (restart them).",
        )
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args, queue: str, all_queues: bool, workers: int | None, **options):
        from jieli.core import jobs

        if all_queues:
            supervisor = jobs.Supervisor(
                jobs.worker_commands(sys.executable, str(settings.BASE_DIR / "manage.py"))
            )
            supervisor.run_forever()
            return
        huey = jobs.queue_huey(queue)
        if huey.immediate:
            raise CommandError("Jobs run inline (JIELI_JOBS_IMMEDIATE); no worker is needed.")
        if queue == "bulk" and settings.JIELI_BULK_NICE:
            os.nice(settings.JIELI_BULK_NICE)
        autodiscover_modules("tasks")
        moved = jobs.queue_upgrade(huey)
        if moved:
            self.stderr.write(f"moved {moved} queued job(s) into the priority queue")
        reaped = jobs.jobs_reap()
        if reaped:
            self.stderr.write(f"marked {len(reaped)} job(s) of dead workers as failed")
        from huey.consumer_options import ConsumerConfig

        options_ = jobs.consumer_options(queue)
        if workers:
            options_["workers"] = workers
        config = ConsumerConfig(**options_)
        config.validate()
        logger = logging.getLogger("huey")
        if not logger.handlers:
            config.setup_logger(logger)
            logger.propagate = False  # the root logger's console would print every line twice
        huey.create_consumer(**config.values).run()
