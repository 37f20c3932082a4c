"""Bounded load test: 30 users for 60 s against a Jieli server on this machine.

    .venv/bin/python bench/load/run.py --make-token          # same env as the server
    .venv/bin/python bench/load/run.py --base-url http://127.0.0.1:8108 --token jl_… --owner 1

Loopback only (anything else is refused), bounded in users and seconds. Prints a table per
request group: requests, failures, p50, p95, and requests/s in all, against the targets
(0 errors, p95 search ≤ 1 s, matches ≤ 1.5 s, other pages ≤ 500 ms, ≥ 30 requests/s).
"""

from __future__ import annotations

import argparse
import csv
import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TARGETS_MS = {"search": 1000, "matches": 1500}
OTHER_MS = 500
MAX_USERS, MAX_SECONDS = 100, 600


def loopback_only(url: str) -> None:
    host = urlparse(url).hostname or ""
    for info in socket.getaddrinfo(host, None):
        if not ipaddress.ip_address(info[4][0]).is_loopback:
            raise SystemExit(f"refused: {url} is not a loopback address")


def make_token() -> None:
    """A user who belongs to the first organisation, and a token for it (prints JSON)."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from jieli.core.models import ApiToken
    from jieli.organisations.models import MemberRole, Membership, Organisation

    org = Organisation.objects.order_by("pk").first()
    if org is None:
        raise SystemExit("no organisation: load the demo data first (make run / jieli_demo)")
    user, _ = get_user_model().objects.get_or_create(username="loadtest")
    Membership.objects.get_or_create(
        user=user, organisation=org, defaults={"role": MemberRole.MEMBER}
    )
    key = ApiToken.new_key()
    ApiToken.objects.create(
        user=user, name="load test", prefix=key[:8], key_hash=ApiToken.hash_key(key)
    )
    print(json.dumps({"token": key, "owner": org.pk}))


def run(base_url: str, users: int, seconds: int, token: str, owner: int) -> list[dict]:
    loopback_only(base_url)
    users, seconds = min(users, MAX_USERS), min(seconds, MAX_SECONDS)
    with tempfile.TemporaryDirectory() as tmp:
        prefix = str(Path(tmp) / "load")
        env = {**os.environ, "JIELI_LOAD_TOKEN": token, "JIELI_LOAD_OWNER": str(owner)}
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--only-summary",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                base_url,
                "--csv",
                prefix,
            ],
            env=env,
            check=False,
            timeout=seconds + 120,
        )
        with open(prefix + "_stats.csv", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))


def table(rows: list[dict], seconds: int) -> str:
    out = [
        "| group | requests | failures | p50 ms | p95 ms | target p95 | met |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        name = r["Name"]
        if name == "Aggregated":
            continue
        target = TARGETS_MS.get(name, OTHER_MS)
        p95 = float(r["95%"] or 0)
        ok = p95 <= target and r["Failure Count"] == "0"
        out.append(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | {r['50%']} | {r['95%']} | "
            f"{target} | {'yes' if ok else 'no'} |"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    rps = float(total["Requests/s"])
    out.append(
        f"| **all** | {total['Request Count']} | {total['Failure Count']} | {total['50%']} | "
        f"{total['95%']} | ≥ 30 req/s | {rps:.1f} req/s, {'yes' if rps >= 30 else 'no'} |"
    )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8108")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--token", default="")
    parser.add_argument("--owner", type=int, default=0)
    parser.add_argument("--make-token", action="store_true")
    args = parser.parse_args()
    if args.make_token:
        make_token()
        return 0
    rows = run(args.base_url, args.users, args.seconds, args.token, args.owner)
    print(table(rows, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
