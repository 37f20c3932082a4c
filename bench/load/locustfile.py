"""Locust users for the load test (run through bench/load/run.py, which bounds it).

Each user mixes what people do: the home page, the lists, a search, a demand's matches, the
API list, and now and then a draft written through the API (bearer token from run.py).

Pacing: the issue's targets ask 30 concurrent users for at least 30 requests/s, i.e. one
request per user per second including the server's answer, so each user is paced at
``JIELI_LOAD_RATE`` tasks per second (``constant_throughput``; 1.1 by default) rather than
given a human think time of seconds, which would cap the total below the target by design.

Addresses: every user is one client behind the reverse proxy (``X-Forwarded-For`` with its own
address, ``X-Forwarded-Proto: https`` as the TLS-terminating proxy sends it), so the server's
per-address rate limits and production's HTTPS redirect behave as they would for 30 people.
At 1.1 tasks/s a user makes about 22 search or matches requests a minute (at most 25: the mix
is dealt from a deck), under the anonymous limit of 30 a minute: the limiter runs on every
request but should not refuse any.

Who: two visitors in three are anonymous; one in three is a member's engineer with an account
of their own (run.py makes them; signed-in limits count per account), signed in through the
login page (whose searches no anonymous result cache serves). Everyone opens the matches of the
demands they can see.

Queries: half are popular ones that repeat (the anonymous result cache serves repeats, as it
does in life); half are two terms drawn from a wider vocabulary, mostly new to the server.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, constant_throughput, task

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
TERMS = [
    "电池",
    "正极",
    "电解液",
    "储能",
    "光伏",
    "氢能",
    "燃料电池",
    "风电",
    "电机",
    "变频",
    "传感器",
    "芯片",
    "半导体",
    "激光",
    "光纤",
    "雷达",
    "无人机",
    "机器人",
    "数控机床",
    "焊接",
    "涂层",
    "陶瓷",
    "复合材料",
    "高分子",
    "石墨烯",
    "合金",
    "催化剂",
    "膜分离",
    "污水处理",
    "土壤修复",
    "固废",
    "秸秆",
    "育种",
    "水稻",
    "小麦",
    "饲料",
    "疫苗",
    "中药",
    "医疗器械",
    "检测",
    "图像识别",
    "大数据",
    "区块链",
    "物联网",
    "边缘计算",
    "5G",
    "新能源汽车",
    "轨道交通",
    "桥梁",
    "隧道",
    "建筑材料",
    "节能",
    "余热",
    "海水淡化",
    "battery",
    "sensor",
    "laser",
    "robot",
    "coating",
    "water treatment",
]
TOKEN = os.environ.get("JIELI_LOAD_TOKEN", "")
# Signed-in users take one account each (comma-separated names, one shared password).
USERNAMES = [n for n in os.environ.get("JIELI_LOAD_USERNAME", "").split(",") if n]
PASSWORD = os.environ.get("JIELI_LOAD_PASSWORD", "")
OWNER = int(os.environ.get("JIELI_LOAD_OWNER", "0") or 0)


# home 3, lists 3, search 3, a demand's matches 2, API list 3, API draft write 1.
DECK = ["home"] * 3 + ["lists"] * 3 + ["search"] * 3 + ["matches"] * 2 + ["api_list"] * 3
DECK += ["draft_write"]
RATE = float(os.environ.get("JIELI_LOAD_RATE", "1.1"))
_next_address = iter(range(1, 1 << 24))
_next_account = iter(range(1 << 24))


class Visitor(HttpUser):
    weight = 2
    wait_time = constant_throughput(RATE)

    def on_start(self) -> None:
        n = next(_next_address)
        self.client.headers.update(
            {
                "X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
                "X-Forwarded-Proto": "https",
            }
        )
        self.demands: list[int] = []
        self.sign_in()
        headers = {"Authorization": f"Bearer {TOKEN}"} if self.signed_in and TOKEN else {}
        # Named apart from the mix's API list: all users start within a second, with the
        # members' sign-ins (Argon2, by design slow) in the same burst, so these waits say
        # how the start went, not how the mix is served.
        with self.client.get(
            "/api/v1/demands", name="api list (setup)", headers=headers, catch_response=True
        ) as r:
            if r.status_code == 200:
                self.demands = [d["id"] for d in r.json().get("results", [])]

    signed_in = False
    deck: list[str] = []

    @task
    def next_in_deck(self) -> None:
        """The mix dealt from a shuffled deck rather than drawn at random: every 15 tasks hold
        exactly the issue's proportions, so no user's minute happens to hold more searches and
        matches than the anonymous rate limit allows (a random draw exceeds it now and then)."""
        if not self.deck:
            self.deck = random.sample(DECK, len(DECK))
        getattr(self, self.deck.pop())()

    def sign_in(self) -> None:
        """Anonymous visitors stay anonymous (see Member)."""

    def home(self) -> None:
        self.client.get("/", name="home")

    def lists(self) -> None:
        self.client.get(random.choice(["/achievements/", "/demands/", "/experts/"]), name="list")

    def search(self) -> None:
        popular = random.random() < 0.5
        q = random.choice(QUERIES) if popular else " ".join(random.sample(TERMS, 2))
        self.client.get("/search/", params={"q": q}, name="search")

    def matches(self) -> None:
        if self.demands:
            self.client.get(f"/matching/demands/{random.choice(self.demands)}/", name="matches")

    def api_list(self) -> None:
        self.client.get(
            "/api/v1/achievements", params={"page": random.randint(1, 3)}, name="api list"
        )

    def draft_write(self) -> None:
        if not TOKEN or not OWNER:
            return
        # Drafts as varied as people's: a thousand identical drafts would each be a duplicate
        # suspect of all the others, a cost no real stream of drafts has.
        a, b, c = random.sample(TERMS, 3)
        self.client.post(
            "/api/v1/achievements",
            json={
                "owner_id": OWNER,
                "title": f"一种{a}与{b}结合的{c}技术（草稿{random.randint(1, 10**6)}）",
                "summary": f"本成果面向{a}领域，将{b}用于{c}，"
                f"第{random.randint(1, 999)}号试验线验证了{random.choice(TERMS)}的效果。",
                "price_negotiable": True,
            },
            headers={"Authorization": f"Bearer {TOKEN}"},
            name="draft write",
        )


class Member(Visitor):
    """A member organisation's engineer, signed in."""

    weight = 1

    def sign_in(self) -> None:
        if not USERNAMES:
            return
        username = USERNAMES[next(_next_account) % len(USERNAMES)]
        page = self.client.get("/accounts/login/", name="sign in (setup)")
        self.remember(page)
        token = self.cookies.get("csrftoken", "")
        answer = self.client.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            # The proxy's scheme: Django checks an HTTPS request's Referer against its origin.
            headers={"Referer": f"{self.host.replace('http:', 'https:', 1)}/accounts/login/"},
            name="sign in (setup)",
            allow_redirects=False,
        )
        self.remember(answer)
        self.signed_in = answer.status_code == 302

    def remember(self, response) -> None:  # type: ignore[no-untyped-def]
        """Keep the cookies by hand: the users speak plain HTTP to the server as the TLS proxy
        does, and requests would hold back production's Secure cookies (session, CSRF) from
        an http:// address; a browser on HTTPS sends them."""
        self.cookies = {**getattr(self, "cookies", {}), **response.cookies.get_dict()}
        self.client.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
