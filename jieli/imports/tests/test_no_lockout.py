"""While a 3,000-row all-or-nothing import writes, people can still sign in and use the API.

Runs in a child process against a file-based SQLite database (the test database is in memory,
where there is no lock to contend for): one thread imports, the main thread signs in and calls
the API with a bearer token over and over until the import ends. Every answer must be the
normal one (302 for the sign-in, 200 for the API), and some must have come while the import was
half written — the old engine held the write lock for the whole second pass, and these calls
waited 20 s and answered 500 "database is locked".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = r"""
import csv, json, os, sys, threading, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "jieli.settings"
django.setup()
from django.conf import settings
# The password check is not what this test is about: a cheap hasher keeps sign-ins quick on a
# loaded host, so that they interleave with the import's batches.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
from jieli.achievements.models import Achievement
from jieli.core.middleware import viewer_for_user
from jieli.imports import engine
from jieli.imports.engine import Options, run_import

# A pause after each batch's transaction (outside it): the import now writes 3,000 rows in a
# few seconds, so without it a slow first sign-in could miss the import altogether.
_write_batch = engine.Run._write_batch
def _paced(self, *args, **kwargs):
    result = _write_batch(self, *args, **kwargs)
    time.sleep(0.3)
    return result
engine.Run._write_batch = _paced
from jieli.organisations.models import Organisation
from jieli.organisations.services import secretariat_group

path = sys.argv[1]
with open(path, "w", encoding="utf-8", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["外部编号", "成果名称", "成果简介", "所在地区", "转让价格"])
    for i in range(3000):
        w.writerow([f"L{i}", f"第{i}号成果：一种用于{i % 97}型设备的控制方法",
                    f"本成果编号{i}，涉及第{i * 7 % 1013}类工艺的改进与应用。" * 3,
                    "山东省威海市", "面议"])
staff = get_user_model().objects.create_user("importer", password="pw-importer-1")
staff.groups.add(secretariat_group())
reader = get_user_model().objects.create_user("reader", password="pw-reader-1")
org = Organisation.objects.create(name="锁测试机构", org_type="university",
                                  membership_status="member")
from jieli.core.services import api_token_create
_token, key = api_token_create(viewer=viewer_for_user(reader), name="t")

outcome = {}
def work():
    started = time.monotonic()
    result = run_import(viewer=viewer_for_user(staff), path=path, options=Options(
        kind="achievements", mode="all-or-nothing", owner_id=org.pk, source="lock",
        # The rows are one template, so every row would be a duplicate suspect of every other:
        # minutes of checking that runs outside the write transactions anyway. What this test
        # is about is the writing.
        check_duplicates=False))
    outcome.update(created=result.created, rejected=result.rejected,
                   seconds=time.monotonic() - started)

thread = threading.Thread(target=work)
thread.start()
calls = []
while thread.is_alive():
    for kind in ("login", "api"):
        client = Client(HTTP_HOST="127.0.0.1")
        t0 = time.monotonic()
        if kind == "login":
            status = client.post("/accounts/login/",
                                 {"username": "reader", "password": "pw-reader-1"}).status_code
        else:
            status = client.get("/api/v1/achievements",
                                HTTP_AUTHORIZATION="Bearer " + key).status_code
        written = Achievement.objects.filter(source="lock").count()
        calls.append({"kind": kind, "status": status, "seconds": time.monotonic() - t0,
                      "written": written})
    time.sleep(0.05)
thread.join()
print(json.dumps({"outcome": outcome, "calls": calls}))
"""


@pytest.mark.django_db
def test_sign_in_and_api_answer_while_an_all_or_nothing_import_writes(tmp_path):
    repo = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "JIELI_VAR_DIR": str(tmp_path),
        "JIELI_JOBS_IMMEDIATE": "1",
        "JIELI_DEBUG": "1",
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "lock.csv")],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["outcome"]["created"] == 3000
    calls = report["calls"]
    expected = {"login": 302, "api": 200}
    wrong = [c for c in calls if c["status"] != expected[c["kind"]]]
    assert not wrong, wrong[:5]
    # Some calls came while the import was half written (between its batches).
    during = [c for c in calls if 0 < c["written"] < 3000]
    assert len(during) >= 1, calls
    # A generous bound (the host may be shared): no call waited for the whole import. The
    # statuses above are the real check: a call that waited out SQLite's 20 s busy timeout
    # answered 500.
    assert max(c["seconds"] for c in calls) < 60, max(c["seconds"] for c in calls)
