"""Prepare an embedded instance: load the demo data set into an empty database, store the
demo's shipped sentence vectors, and write the search index snapshot the server starts from."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load demo data into an empty database (embedded mode only) and warm the index."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            self.stdout.write("Production mode: no demo data is loaded.")
            return
        from jieli.demo.loading import demo_load
        from jieli.demo.vectors import demo_vectors_load
        from jieli.matching.index import warm_indexes

        summary = demo_load(stdout=self.stdout)
        if summary.loaded:
            counts = demo_vectors_load()
            if any(counts.values()):
                self.stdout.write(f"Shipped demo vectors stored: {counts}")
        started = time.monotonic()
        # Tokenising thousands of listings takes a while once; the server then starts from
        # the snapshot in a second or two.
        warm_indexes(save=True, vectors=False)
        self.stdout.write(f"Search index snapshot written in {time.monotonic() - started:.1f} s")
