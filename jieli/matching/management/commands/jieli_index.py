"""``jieli index rebuild`` and ``jieli index vectors``."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm


class Command(BaseCommand):
    help = "Rebuild the search index (rebuild) or compute pending sentence vectors (vectors)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "vectors", "classifiers", "status"])
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, action: str, limit: int | None, **options):
        from jieli.matching import services
        from jieli.matching.models import ListingKind
        from jieli.matching.selectors import vector_status

        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        if action == "rebuild":
            bar = tqdm(total=3, desc="index", unit="kind", file=sys.stderr)

            def step(kind: str, count: int) -> None:
                bar.set_postfix_str(f"{kind}: {count}")
                bar.update(1)

            counts = services.index_rebuild(progress=step)
            bar.close()
            for kind, count in counts.items():
                self.stdout.write(f"{kind}: {count} listings indexed")
        elif action == "classifiers":
            from jieli.matching.classification import TARGETS, classifier_train

            for target in TARGETS:
                self.stdout.write(f"classifier {target}: {classifier_train(target)} examples")
        elif action == "vectors":
            for status in vector_status():
                bar = tqdm(
                    total=status.pending,
                    desc=f"{status.kind}/{status.encoder}",
                    unit="doc",
                    file=sys.stderr,
                )
                last = [0]

                def tick(done: int, total: int, bar=bar, last=last) -> None:
                    bar.update(done - last[0])
                    last[0] = done

                services.vectors_compute(
                    kind=ListingKind(status.kind),
                    encoder=status.encoder,
                    limit=limit,
                    progress=tick,
                )
                bar.close()
        for status in vector_status():
            self.stdout.write(
                f"vectors {status.kind}/{status.encoder}: {status.done}/{status.listings}"
            )
