"""CPU per request of each group of the load mix, in one process (no server, no network).

The load test (``run.py``) says how long requests wait on a saturated machine; this says where
a request's own CPU goes, which is what decides how many requests two cores can answer. Each
group is requested ``--repeat`` times in a warmed process (the index loaded, a first request
of each group made) with the same headers the load users send; CPU is the process's own
(user + system) time, so it does not depend on what else the machine is doing. ``--profile``
prints the top cumulative functions of one group. SQL/request counts the statements each
request sends (on PostgreSQL each is a round trip to another process).

    JIELI_VAR_DIR=var/bench/load-embedded .venv/bin/python bench/load/profile_pages.py
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import io
import itertools
import os
import pstats
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
os.environ.setdefault("JIELI_PROXY_COUNT", "1")
os.environ.setdefault("JIELI_LOG_LEVEL", "WARNING")

_addresses = itertools.count(1)


def _headers() -> dict[str, str]:
    n = next(_addresses)
    return {
        "HTTP_X_FORWARDED_FOR": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
        "HTTP_X_FORWARDED_PROTO": "https",
    }


def groups(member_token: str, owner: int) -> dict[str, object]:
    from django.test import Client

    # The load users' queries, read without importing locust (it monkey-patches threads).
    source = ast.parse((REPO / "bench" / "load" / "locustfile.py").read_text())
    consts = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in source.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in ("QUERIES", "TERMS")
    }
    queries, terms = consts["QUERIES"], consts["TERMS"]

    client = Client()
    demands = [
        d["id"] for d in client.get("/api/v1/demands", **_headers()).json().get("results", [])
    ]

    def home():
        return client.get("/", **_headers())

    def list_page():
        path = random.choice(["/achievements/", "/demands/", "/experts/"])
        return client.get(path, **_headers())

    def search():
        popular = random.random() < 0.5
        q = random.choice(queries) if popular else " ".join(random.sample(terms, 2))
        return client.get("/search/", {"q": q}, **_headers())

    def matches():
        return client.get(f"/matching/demands/{random.choice(demands)}/", **_headers())

    def api_list():
        return client.get("/api/v1/achievements", {"page": random.randint(1, 3)}, **_headers())

    def draft_write():
        a, b, c = random.sample(terms, 3)
        return client.post(
            "/api/v1/achievements",
            {
                "owner_id": owner,
                "title": f"一种{a}与{b}结合的{c}技术（草稿{random.randint(1, 10**6)}）",
                "summary": f"本成果面向{a}领域，将{b}用于{c}。",
                "price_negotiable": True,
            },
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {member_token}",
            **_headers(),
        )

    found = {
        "home": home,
        "list": list_page,
        "search": search,
        "matches": matches,
        "api list": api_list,
    }
    if member_token and owner:
        found["draft write"] = draft_write
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--profile", default="", help="a group to profile (cumulative top 30)")
    parser.add_argument("--token", default=os.environ.get("JIELI_LOAD_TOKEN", ""))
    parser.add_argument("--owner", type=int, default=int(os.environ.get("JIELI_LOAD_OWNER", 0)))
    args = parser.parse_args()
    import django

    django.setup()
    from jieli.matching.index import warm_indexes

    warm_indexes()
    random.seed(7)
    found = groups(args.token, args.owner)
    from django.db import connection

    queries = [0]

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries[0] += 1
        return execute(sql, params, many, context)

    print(f"{'group':<12} {'CPU ms/request':>15} {'SQL/request':>12} {'status':>8}")
    for name, call in found.items():
        statuses = {call().status_code}  # first request: caches, templates
        if args.profile == name:
            profiler = cProfile.Profile()
            profiler.enable()
        queries[0] = 0
        start = time.process_time()
        with connection.execute_wrapper(count):
            for _ in range(args.repeat):
                statuses.add(call().status_code)
        cpu = (time.process_time() - start) / args.repeat * 1000
        per_request = queries[0] / args.repeat
        if args.profile == name:
            profiler.disable()
            out = io.StringIO()
            order = os.environ.get("PROFILE_SORT", "cumulative")  # or tottime
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(45)
            print(out.getvalue())
        print(f"{name:<12} {cpu:>15.1f} {per_request:>12.1f} {sorted(statuses)!s:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
