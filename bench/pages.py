"""Server-side page latency with the demo data, optionally grown to N listings.

    jieli bench pages [--listings 100000] [--requests 40] [--var DIR] [--vectors random|none]

Builds (or reuses, ``--var``) an embedded database under a scratch directory: the demo data,
plus synthetic achievements made by recombining the demo's real titles, keywords and summary
sentences until there are ``--listings`` achievements. Dense vectors for the synthetic and
demo listings are random unit vectors (``--vectors random``; encoding 100,000 texts would take
hours on two cores) with the right text hash, so the dense components are live and every query
is really encoded. The server is warmed the way ``jieli_serve`` warms it (modules, index), then
each page is requested ``--requests`` times in-process through Django's full middleware stack
(server-side time, no network). Prints p50/p95 per page against its budget (issue 7.5); the
last line is the slowest p95/budget ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

BUDGETS_MS = {
    "search page": 300,
    "demand matches page": 500,
    "achievement matches page": 300,
    "API search": 200,
}
SENT = re.compile(r"[^。！？!?；;.]+[。！？!?；;.]?")


def _setup(var: Path) -> None:
    os.environ["JIELI_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    # Server-side time is measured, not the per-visitor rate limit (which would answer 429
    # after 30 searches a minute from the one in-process "visitor").
    settings.JIELI_RATELIMIT_ENABLED = False
    # Nor results cached by an earlier run (anonymous searches are kept 60 s).
    from django.core.cache import cache

    cache.clear()


def _build(listings: int, seed: int) -> None:
    from django.core.management import call_command

    from jieli.achievements.models import Achievement
    from jieli.demo.loading import demo_load

    call_command("migrate", "--noinput", verbosity=0)
    demo_load()
    have = Achievement.objects.count()
    if listings <= have:
        return
    rng = random.Random(seed)
    templates = list(Achievement.objects.filter(status="published")[:2000])
    sentences = [s for a in templates for s in SENT.findall(a.summary or "") if len(s) > 6]
    titles = [a.title for a in templates]
    keywords = [k for a in templates for k in (a.keywords or [])]
    started = time.monotonic()
    batch = []
    for i in range(listings - have):
        base = rng.choice(templates)
        clone = Achievement(**{
            f.attname: getattr(base, f.attname)
            for f in Achievement._meta.concrete_fields
            if f.attname not in ("id", "created_at", "updated_at")
        })  # fmt: skip
        a, b = rng.sample(titles, 2)
        clone.title = (a[: len(a) // 2] + b[len(b) // 2 :])[:200]
        clone.summary = "".join(rng.sample(sentences, rng.randint(2, 6)))
        clone.keywords = rng.sample(keywords, min(len(keywords), rng.randint(2, 6)))
        clone.source, clone.external_id = "bench", f"synthetic-{i}"
        batch.append(clone)
        if len(batch) == 5000:
            Achievement.objects.bulk_create(batch)
            batch = []
    if batch:
        Achievement.objects.bulk_create(batch)
    print(
        f"# {listings - have} synthetic achievements in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )


def _random_vectors(seed: int) -> None:
    """Random unit vectors (float16) with the current text hash, for every listing lacking one."""
    import numpy as np
    from django.conf import settings
    from django.db import transaction

    from jieli.matching.documents import indexable, text_for, text_sha1
    from jieli.matching.engine.encoders import E5Encoder, USEEncoder
    from jieli.matching.models import ListingVector

    dims = {"use": USEEncoder.dim, "e5": E5Encoder.dim}
    rng = np.random.default_rng(seed)
    for encoder in settings.JIELI_DENSE_ENCODERS:
        for kind in ("achievement", "demand", "expert"):
            have = set(
                ListingVector.objects.filter(kind=kind, encoder=encoder).values_list(
                    "object_id", flat=True
                )
            )
            rows = []
            for row in indexable(kind).iterator(chunk_size=5000):
                if row.pk in have:
                    continue
                vec = rng.normal(size=dims[encoder]).astype(np.float32)
                vec /= np.linalg.norm(vec)
                rows.append(
                    ListingVector(
                        kind=kind, object_id=row.pk, encoder=encoder,
                        text_sha1=text_sha1(text_for(kind, row)), dim=dims[encoder],
                        vector=vec.astype("<f2").tobytes(),
                    )
                )  # fmt: skip
            with transaction.atomic():
                ListingVector.objects.bulk_create(rows, batch_size=2000)


def _queries(seed: int, n: int) -> list[str]:
    """Realistic queries: demand titles, achievement keywords and title fragments."""
    from jieli.achievements.models import Achievement
    from jieli.demands.models import Demand

    rng = random.Random(seed)
    titles = list(Achievement.objects.filter(source__in=["csl", "chinaxiv", "nasa"])
                  .values_list("title", flat=True)[:3000])  # fmt: skip
    demands = list(Demand.objects.values_list("title", flat=True))
    keywords = [
        k for ks in Achievement.objects.values_list("keywords", flat=True)[:3000] for k in ks or []
    ]
    out = []
    for i in range(n):
        pick = i % 3
        if pick == 0 and demands:
            out.append(rng.choice(demands))
        elif pick == 1 and keywords:
            out.append(" ".join(rng.sample(keywords, 2)))
        else:
            title = rng.choice(titles)
            out.append(title[: max(4, len(title) // 2)])
    return out


def _time(client, url: str, params: dict | None = None) -> float:
    started = time.perf_counter()
    response = client.get(url, params or {})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} {params}: HTTP {response.status_code}")
    return elapsed


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="jieli bench pages")
    ap.add_argument("--listings", type=int, default=0, help="grow to this many achievements")
    ap.add_argument("--requests", type=int, default=40, help="requests per page")
    ap.add_argument("--var", help="reuse this scratch directory (default: a new temp dir)")
    ap.add_argument("--vectors", choices=["random", "none"], default="random")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    var = Path(args.var) if args.var else Path(tempfile.mkdtemp(prefix="jieli-bench-pages-"))
    var.mkdir(parents=True, exist_ok=True)
    _setup(var)
    started = time.monotonic()
    _build(args.listings, args.seed)
    if args.vectors == "random":
        _random_vectors(args.seed)
    build_s = time.monotonic() - started

    from django.contrib.auth import get_user_model
    from django.test import Client

    from jieli.achievements.models import Achievement
    from jieli.demands.models import Demand
    from jieli.portal.management.commands.jieli_serve import warm_process

    started = time.monotonic()
    warm = warm_process()
    warm_s = time.monotonic() - started
    anon = Client()
    staff = Client()
    staff.force_login(get_user_model().objects.get(username="secretariat"))
    rng = random.Random(args.seed)
    # One more query than requests: the first-search figure must not warm a loop query.
    *queries, first_query = _queries(args.seed, args.requests + 1)
    demands = list(Demand.objects.filter(status="published").values_list("pk", flat=True))
    achievements = list(
        Achievement.objects.filter(status="published").values_list("pk", flat=True)[:5000]
    )
    first = _time(anon, "/search/", {"q": first_query})
    times: dict[str, list[float]] = {name: [] for name in BUDGETS_MS}
    for i in range(args.requests):
        q = queries[i]
        times["search page"].append(_time(anon, "/search/", {"q": q}))
        times["demand matches page"].append(
            _time(staff, f"/matching/demands/{rng.choice(demands)}/")
        )
        times["achievement matches page"].append(
            _time(staff, f"/matching/achievements/{rng.choice(achievements)}/")
        )
        times["API search"].append(
            _time(anon, "/api/v1/matching/search", {"q": q, "kind": "achievement", "k": 20})
        )
    total = Achievement.objects.count()
    print(
        f"# jieli bench pages: {total} achievements, {len(demands)} published demands, "
        f"vectors={args.vectors}, {args.requests} requests/page, {platform.machine()} "
        f"{os.cpu_count()} cpu, python {platform.python_version()}"
    )
    print(
        f"# build {build_s:.0f} s; warm-up {warm_s:.1f} s "
        f"(modules {warm['modules']:.1f} s, index {warm['total']:.1f} s); "
        f"first search after warm-up {first:.0f} ms"
    )
    print(f"{'page':<26}{'p50 ms':>9}{'p95 ms':>9}{'budget':>9}{'ratio':>8}")
    ratios = {}
    for name, values in times.items():
        p95 = _p95(values)
        ratios[name] = p95 / BUDGETS_MS[name]
        print(
            f"{name:<26}{statistics.median(values):>9.0f}{p95:>9.0f}"
            f"{BUDGETS_MS[name]:>9}{ratios[name]:>8.2f}"
        )
    worst = max(ratios, key=lambda k: ratios[k])
    print(f"slowest ratio to budget: {ratios[worst]:.2f} ({worst})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
