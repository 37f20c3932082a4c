"""Locust users for the load test (run through bench/load/run.py, which bounds it).

Each user mixes what people do: the home page, the lists, a search, a demand's matches, the
API list, and now and then a draft written through the API (bearer token from run.py).
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

QUERIES = [
    "电池",
    "新材料",
    "人工智能",
    "海洋",
    "锂离子电池正极材料",
    "智能制造",
    "生物医药",
    "传感器",
]
TOKEN = os.environ.get("JIELI_LOAD_TOKEN", "")
OWNER = int(os.environ.get("JIELI_LOAD_OWNER", "0") or 0)


class Visitor(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.demands: list[int] = []
        with self.client.get("/api/v1/demands", name="api list", catch_response=True) as r:
            if r.status_code == 200:
                self.demands = [d["id"] for d in r.json().get("items", [])]

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(3)
    def lists(self) -> None:
        self.client.get(random.choice(["/achievements/", "/demands/", "/experts/"]), name="list")

    @task(3)
    def search(self) -> None:
        self.client.get("/search/", params={"q": random.choice(QUERIES)}, name="search")

    @task(2)
    def matches(self) -> None:
        if self.demands:
            self.client.get(f"/matching/demands/{random.choice(self.demands)}/", name="matches")

    @task(3)
    def api_list(self) -> None:
        self.client.get(
            "/api/v1/achievements", params={"page": random.randint(1, 3)}, name="api list"
        )

    @task(1)
    def draft_write(self) -> None:
        if not TOKEN or not OWNER:
            return
        self.client.post(
            "/api/v1/achievements",
            json={
                "owner_id": OWNER,
                "title": f"负载测试草稿 {random.randint(1, 10**9)}",
                "summary": "负载测试写入的草稿。",
                "price_negotiable": True,
            },
            headers={"Authorization": f"Bearer {TOKEN}"},
            name="draft write",
        )
