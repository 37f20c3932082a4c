"""Prepare an embedded instance: load the demo data set into an empty database."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load demo data into an empty database (embedded mode only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            self.stdout.write("Production mode: no demo data is loaded.")
            return
        from jieli.demo.loading import demo_load

        demo_load(stdout=self.stdout)
