"""Serve the platform with gunicorn (both modes), and supervise the job workers.

* Web: gunicorn, ``--workers`` processes × ``--threads`` threads (gthread). The application and
  the search indexes are loaded once in the master before the workers fork (``preload``), so
  the workers share the index pages copy-on-write instead of each building its own, and the
  first request finds a warm index (see ``jieli.matching.index.warm_indexes``). The warm
  objects are then frozen out of the garbage collector (``gc.freeze``): a full collection
  walked the demo's ~300,000 warm objects in 0.14–0.3 s (``bench/gc_pause.py``), pausing every
  thread of the worker it ran in, and its reference-count writes turned shared index pages
  into copies.
* Jobs: unless ``--no-worker`` (production runs ``jieli_worker --all`` as its own service),
  one consumer per queue (user, bulk) runs as a child process and is restarted if it dies.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from jieli.core import registry


def warm_process() -> dict[str, float]:
    """Everything the first request would otherwise pay for: the URL configuration and the
    modules it imports (API schemas, the duplicate detector…), and the search indexes."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    from jieli.matching.index import warm_indexes

    started = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 - imports every view and API module
    for name in ("portal/home.html", "portal/search.html"):
        try:
            get_template(name)
        except Exception:  # noqa: S112 - a renamed template only loses the warm-up
            continue
    timings = {"modules": time.perf_counter() - started}
    timings.update(warm_indexes(save=True))
    started = time.perf_counter()
    _warm_pages()
    timings["pages"] = time.perf_counter() - started
    return timings


def _warm_pages() -> None:
    """Render the home and search pages once in each language, so that what they build on
    first use (code-list look-up tables, compiled templates, URL patterns, catalogues) is built
    in the master before the workers fork, not in each worker's first visitor's request
    (measured: 0.6-1 s for a worker's first search on the loaded host, 0.2 s after)."""
    from django.test import Client

    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
    client = Client(HTTP_HOST=host, REMOTE_ADDR="127.0.0.1")
    for language in ("zh-hans", "en"):
        for path in ("/", "/search/?q=%E9%A2%84%E7%83%AD"):  # 预热, "warm-up"
            try:
                client.get(path, secure=True, HTTP_ACCEPT_LANGUAGE=language)
            except Exception:  # noqa: S112 - a failing page only loses its warm-up
                continue


def _warm(stdout: Any) -> None:
    timings = warm_process()
    stdout.write(
        f"Search index ready in {timings['total']:.1f} s (modules {timings['modules']:.1f} s)"
    )


class JieliGunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from arguments instead of a file; loads and warms in the master."""

    def __init__(self, options: dict[str, Any], stdout: Any):
        self.options = options
        self.stdout = stdout
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        _warm(self.stdout)
        freeze_warm_objects()
        return application


def freeze_warm_objects() -> None:
    """Move every object alive now (modules, indexes, encoders) out of the collector's reach:
    they live as long as the process, so collections need never walk them again."""
    gc.collect()
    gc.freeze()


def post_fork(_server: Any, _worker: Any) -> None:
    """A worker must not reuse the master's database connections; it loads its own query
    encoders in the background (lexical results meanwhile)."""
    from django.db import connections

    from jieli.matching.index import warm_encoders_in_background

    for conn in connections.all(initialized_only=True):
        conn.close()
    loading = warm_encoders_in_background()

    def freeze_when_loaded() -> None:
        if loading is not None:
            loading.join()
        freeze_warm_objects()  # the encoders loaded in this worker (after the fork)

    threading.Thread(target=freeze_when_loaded, name="jieli-gc-freeze", daemon=True).start()


class Command(BaseCommand):
    help = "Run the web server (gunicorn) with supervised background job workers."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=settings.JIELI_WEB_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.JIELI_WEB_THREADS)
        parser.add_argument("--no-worker", action="store_true", help="Do not start job workers.")

    def handle(
        self, *args, host: str, port: int, workers: int, threads: int, no_worker: bool, **options
    ):
        from jieli.core.jobs import Supervisor, worker_commands

        started = time.monotonic()
        supervisor = None
        if not no_worker:
            supervisor = Supervisor(
                worker_commands(sys.executable, str(settings.BASE_DIR / "manage.py"))
            )
            supervisor.start()
            # Queue the jobs the apps registered (the first vectors and code-suggestion models,
            # bulk queue, low priority) now rather than at the next scheduled run.
            for job in registry.startup_jobs():
                job()
        options_ = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "preload_app": True,
            "timeout": 120,
            "graceful_timeout": 20,
            # A kept-alive connection stays with the worker that accepted it, and the workers
            # race to accept: under load one worker ended up answering nine requests in ten
            # (docs/benchmarks.md, "Load"). One request per connection lets each accept go to
            # whichever worker's accepting thread gets the CPU first, i.e. the less busy one;
            # the reverse proxy keeps the clients' connections alive.
            "keepalive": settings.JIELI_WEB_KEEPALIVE,
            "post_fork": post_fork,
            "accesslog": settings.JIELI_ACCESS_LOG or None,
            # The usual combined format, then the worker's process id and the milliseconds it
            # spent on the request (from the parsed request to the last byte; not the wait for
            # a thread).
            "access_log_format": (
                '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(M)s'
            ),
            "errorlog": "-",
            "loglevel": "warning",
            "forwarded_allow_ips": os.environ.get("JIELI_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            # Forget a worker's memory growth now and then (fragmentation, caches).
            "max_requests": 5000,
            "max_requests_jitter": 500,
        }
        app = JieliGunicorn(options_, self.stdout)

        def when_ready(_server: Any) -> None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Jieli is running on http://{host}:{port}/ "
                    f"(started in {time.monotonic() - started:.1f} s; "
                    f"{workers} web workers × {threads} threads)"
                )
            )
            self.stdout.write(f"API docs: http://{host}:{port}/api/docs")
            self.stdout.flush()

        app.cfg.set("when_ready", when_ready)
        try:
            app.run()
        finally:
            if supervisor is not None:
                supervisor.stop()
