"""Cost of the match-alert job with thousands of saved searches (counts and CPU seconds).

    cp -r var/shots var/bench-watch   # a copy of a var dir with the demo data (it is written)
    JIELI_VAR_DIR=var/bench-watch .venv/bin/python bench/watch_alerts.py \\
        [--searches 3000] [--users 300] [--new 5]

Makes ``--users`` subscribers and ``--searches`` saved searches whose queries are drawn from the
demo's achievement and demand keywords (so many share a query, as real ones do, and many do
not), then times three runs of ``alerts_run``: nothing new; ``--new`` freshly published
achievements about batteries (they enter many results); the same number about an unrelated
subject (they enter few). Prints each run's counts (engine queries, per-subscriber searches,
notifications) and its CPU seconds (``time.process_time``: this process, so not skewed by the
other jobs on the machine the way wall time is). Word ranking only unless JIELI_DENSE_ENCODERS
says otherwise: with sentence encoders each distinct query also costs one encoding.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
os.environ.setdefault("JIELI_DENSE_ENCODERS", "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=3000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--new", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from jieli.achievements.models import Achievement
    from jieli.organisations.models import Organisation
    from jieli.watchlists.alerts import alerts_run
    from jieli.watchlists.models import Subscription

    rng = random.Random(7)
    words = sorted(
        {
            k
            for ks in Achievement.objects.filter(status="published").values_list(
                "keywords", flat=True
            )[:2000]
            for k in ks or []
            if len(k) >= 2
        }
    )
    users = [
        get_user_model().objects.get_or_create(username=f"bench-watch-{i}")[0]
        for i in range(args.users)
    ]
    Subscription.objects.filter(owner__username__startswith="bench-watch-").delete()
    Subscription.objects.bulk_create(
        [
            Subscription(
                owner=users[i % len(users)],
                type="search",
                name=f"bench {i}",
                q=" ".join(rng.sample(words, 2)) if i % 3 else rng.choice(words),
                kind=rng.choice(["", "achievement", "demand"]),
            )
            for i in range(args.searches)
        ],
        ignore_conflicts=True,
    )
    searches = Subscription.objects.filter(owner__username__startswith="bench-watch-")
    distinct = searches.values("q").distinct().count()
    print(f"{searches.count()} saved searches, {distinct} distinct queries, {len(users)} users")

    from jieli.matching.index import KindIndex

    searched = [0]
    original = KindIndex.search

    def counting(self, *a, **kw):  # type: ignore[no-untyped-def]
        searched[0] += 1
        return original(self, *a, **kw)

    KindIndex.search = counting  # type: ignore[method-assign]
    sent: list[object] = []

    def send(alert: object) -> int:
        sent.append(alert)
        return 1

    def run(label: str) -> None:
        sent.clear()
        searched[0] = 0
        cpu, wall = time.process_time(), time.perf_counter()
        counts = alerts_run(now=timezone.now() + timedelta(seconds=1), send=send)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{label}: {counts.as_dict()} engine searches {searched[0]} "
            f"cpu {cpu:.2f} s (wall {wall:.2f} s)"
        )

    alerts_run(now=timezone.now(), send=send)  # the cursor, and the index warmed
    Achievement.objects.filter(status="published")[:1].count()
    run("nothing new")
    owner = Organisation.objects.order_by("pk").first()

    def publish(title: str, summary: str, keywords: list[str]) -> None:
        now = timezone.now()
        for i in range(args.new):
            Achievement.objects.create(
                owner=owner,
                title=f"{title} {i}",
                summary=summary,
                keywords=keywords,
                status="published",
                visibility="public",
                price_negotiable=True,
                published_at=now,
                confirmed_at=now,
            )

    publish(
        "锂离子电池低温电解液添加剂",
        "提高锂电池低温容量保持率的电解液添加剂。",
        ["锂电池", "电解液"],
    )
    run(f"{args.new} new battery achievements")
    publish("奶牛乳房炎快速检测试纸", "牧场现场检测奶牛乳房炎。", ["奶牛", "乳房炎"])
    run(f"{args.new} new unrelated achievements")
    run("nothing new again")
    print(f"load average: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
