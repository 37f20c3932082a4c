"""Login throttling, rate limits on the expensive endpoints, cached anonymous results, security
headers and the production deployment check."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jieli.achievements.tests.factories import AchievementFactory
from jieli.demands.tests.factories import PublishedDemandFactory
from jieli.organisations.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def throttled(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def _sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def test_wrong_passwords_lock_the_account_then_right_password_is_refused(throttled):
    user = UserFactory(username="victim")
    client = Client()
    for _ in range(4):
        assert _sign_in(client, "victim", "wrong-password").status_code == 200
    # The fifth failure locks the account: it, and then the right password, get the lock-out.
    assert _sign_in(client, "victim", "wrong-password").status_code == 429
    locked = _sign_in(client, "victim", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The message is translated (zh-hans by default).
    assert "登录失败次数过多" in locked.content.decode()
    # Per account: another address is refused too.
    other = Client()
    assert _sign_in(other, "victim", PASSWORD, ip="10.9.9.9").status_code == 429
    assert "_auth_user_id" not in other.session
    # After the cool-off the right password works again (and resets the count).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    fresh = Client()
    ok = _sign_in(fresh, "victim", PASSWORD, ip="10.9.9.9")
    assert ok.status_code == 302
    assert fresh.session["_auth_user_id"] == str(user.pk)
    assert not AccessAttempt.objects.filter(username="victim").exists()


def test_many_accounts_from_one_address_lock_the_address(throttled):
    for n in range(5):
        UserFactory(username=f"target{n}")
        _sign_in(Client(), f"target{n}", "wrong", ip="10.1.1.1")
    UserFactory(username="innocent")
    assert _sign_in(Client(), "innocent", PASSWORD, ip="10.1.1.1").status_code == 429
    # The same account from elsewhere is fine: the address is locked, not the account.
    assert _sign_in(Client(), "innocent", PASSWORD, ip="10.2.2.2").status_code == 302


def test_lockout_message_in_english(throttled):
    UserFactory(username="victim")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    with translation.override("en"):
        for _ in range(6):
            r = client.post(LOGIN, {"username": "victim", "password": "x"}, REMOTE_ADDR="10.0.0.3")
    assert r.status_code == 429
    assert "Too many failed sign-in attempts" in r.content.decode()


def test_admin_sign_in_is_throttled_too(throttled):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": "boss", "password": "nope"}, REMOTE_ADDR="10.0.0.4"
        )
    r = client.post(
        "/admin/login/", {"username": "boss", "password": PASSWORD}, REMOTE_ADDR="10.0.0.4"
    )
    assert r.status_code == 429 and "_auth_user_id" not in client.session


# --- rate limits ---------------------------------------------------------------------------


class _FrozenClock:
    """django-ratelimit counts in fixed windows; a test must not straddle a window's end."""

    @staticmethod
    def time() -> float:
        return 1_800_000_000.0


@pytest.fixture
def limits(settings, monkeypatch):
    monkeypatch.setattr("django_ratelimit.core.time", _FrozenClock)
    settings.JIELI_RATELIMIT_ENABLED = True
    settings.JIELI_RATELIMITS = {
        "anonymous": "3/m",
        "authenticated": "6/m",
        "export_anonymous": "2/m",
        "export_authenticated": "4/m",
    }


def test_api_search_is_rate_limited_with_429_in_the_error_shape(limits):
    client = Client(REMOTE_ADDR="10.5.0.1")
    for _ in range(3):
        assert client.get("/api/v1/matching/search?q=电池").status_code == 200
    r = client.get("/api/v1/matching/search?q=电池")
    assert r.status_code == 429
    body = r.json()
    assert body["code"] == "rate_limited" and body["message"] == "请求过于频繁，请稍后再试。"
    assert int(r["Retry-After"]) >= 1
    # Another address is not affected; cheap endpoints are not limited.
    assert Client(REMOTE_ADDR="10.5.0.2").get("/api/v1/matching/search?q=电池").status_code == 200
    assert client.get("/api/v1/achievements").status_code == 200


def test_signed_in_users_get_a_higher_limit(limits):
    client = Client(REMOTE_ADDR="10.5.0.3")
    client.force_login(UserFactory())
    demand = PublishedDemandFactory()
    url = f"/api/v1/matching/demands/{demand.pk}/achievements"
    codes = [client.get(url).status_code for _ in range(7)]
    assert codes == [200] * 6 + [429]


def test_pages_are_rate_limited(limits):
    achievement = AchievementFactory()
    client = Client(REMOTE_ADDR="10.5.0.4")
    url = reverse("matching:achievement", args=[achievement.pk])
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get(url)
    assert "请求过于频繁" in r.content.decode()
    export = reverse("imports:export", args=["achievements"])
    codes = [Client(REMOTE_ADDR="10.5.0.5").get(export).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    search = [Client(REMOTE_ADDR="10.5.0.6").get("/search/?q=电池").status_code for _ in range(4)]
    assert search == [200, 200, 200, 429]


def test_anonymous_search_results_are_reused_but_never_across_visibility(settings):
    settings.JIELI_RESULT_CACHE_SECONDS = 60
    public = AchievementFactory(title="固态电池公开成果")
    members = AchievementFactory(title="固态电池会员成果", visibility="members")
    url = "/api/v1/matching/search?q=固态电池"
    first = {r["id"] for r in Client().get(url).json()}
    assert first == {public.pk}
    # A listing published after the first answer appears only when the cache expires ...
    later = AchievementFactory(title="固态电池新成果")
    assert {r["id"] for r in Client().get(url).json()} == {public.pk}
    # ... but one hidden since is dropped at once.
    public.status = "archived"
    public.save()
    assert Client().get(url).json() == []
    # A member never gets the anonymous answer, and anonymous never gets the member's.
    from jieli.organisations.tests.factories import OrganisationFactory, member_of

    member = Client()
    member.force_login(member_of(OrganisationFactory()))
    seen = {r["id"] for r in member.get(url).json()}
    assert {members.pk, later.pk} <= seen
    assert members.pk not in {r["id"] for r in Client().get(url).json()}


# --- headers and deployment ----------------------------------------------------------------


def test_pages_carry_an_enforced_content_security_policy():
    # Enforced in every mode (the tests run embedded), with no inline script or style at all.
    r = Client().get("/")
    assert "Content-Security-Policy-Report-Only" not in r
    header = r["Content-Security-Policy"]
    assert "default-src 'self'" in header and "script-src 'self'" in header
    assert "style-src 'self'" in header and "unsafe-" not in header
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIELI_")}
    env.update(
        JIELI_MODE="production",
        JIELI_SECRET_KEY=secrets.token_urlsafe(50),
        JIELI_ALLOWED_HOSTS="jieli.example.org",
        DATABASE_URL="postgres://jieli@127.0.0.1:5432/jieli_unused",
        DJANGO_SETTINGS_MODULE="jieli.settings",
        **extra,
    )
    return env


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _csp_header_of(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/accounts/login/');"
        "print(sorted(h for h in r.headers if h.startswith('Content-Security')))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_report_only_is_an_explicit_opt_out_and_the_old_switch_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIELI_")}
    env.update(DJANGO_SETTINGS_MODULE="jieli.settings", JIELI_VAR_DIR=str(tmp_path))
    result = _csp_header_of({**env, "JIELI_CSP_REPORT_ONLY": "1"})
    assert result.stdout.strip() == "['Content-Security-Policy-Report-Only']", result.stderr
    # A typo stops the start-up instead of silently choosing a mode.
    result = _csp_header_of({**env, "JIELI_CSP_REPORT_ONLY": "ture"})
    assert result.returncode != 0 and "JIELI_CSP_REPORT_ONLY" in result.stderr
    # The removed switch defaulted to report-only: a deployment still setting it is told.
    result = _csp_header_of({**env, "JIELI_CSP_ENFORCE": "0"})
    assert result.returncode != 0 and "JIELI_CSP_REPORT_ONLY=1" in result.stderr


def test_production_enforces_csp_hsts_and_https():
    code = (
        "import django; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, hasattr(s, 'CONTENT_SECURITY_POLICY'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True"], result.stderr
