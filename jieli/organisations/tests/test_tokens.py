"""Personal API tokens: scopes, expiry, list and revoke, password changes, no minting by token,
and a 401 for any bad bearer token, on public endpoints too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jieli.core.models import ApiToken
from jieli.organisations.models import MemberRole, Organisation
from jieli.organisations.tests.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    member_of,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _mint(user, **body) -> dict:
    r = _session(user).post("/api/v1/me/tokens", {"name": "脚本", **body}, content_type=JSON)
    assert r.status_code == 201, r.content
    return r.json()


def _bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_default_token_reads_only_and_expires_after_the_configured_days(settings):
    settings.JIELI_API_TOKEN_DAYS = 30
    user = member_of(OrganisationFactory(), role=MemberRole.ADMIN)
    made = _mint(user)
    token = ApiToken.objects.get(pk=made["id"])
    assert made["scope"] == token.scope == "read"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    client = _bearer(made["token"])
    assert client.get("/api/v1/me").json()["username"] == user.username
    r = client.post(
        "/api/v1/organisations", {"name": "新机构", "org_type": "university"}, content_type=JSON
    )
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert not Organisation.objects.filter(name="新机构").exists()


def test_write_token_writes_and_lifetime_is_bounded(settings):
    settings.JIELI_API_TOKEN_MAX_DAYS = 365
    user = UserFactory()
    made = _mint(user, scope="write", days=7)
    r = _bearer(made["token"]).post(
        "/api/v1/organisations", {"name": "令牌机构", "org_type": "university"}, content_type=JSON
    )
    assert r.status_code == 201 and Organisation.objects.filter(name="令牌机构").exists()
    too_long = _session(user).post(
        "/api/v1/me/tokens", {"name": "x", "days": 366}, content_type=JSON
    )
    assert too_long.status_code == 400 and "days" in too_long.json()["fields"]
    assert ApiToken.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/achievements", "/api/v1/regions/regions"])
def test_bad_expired_or_revoked_token_is_401_even_on_public_endpoints(path):
    user = UserFactory()
    assert _bearer("jl_nonsense").get(path).status_code == 401
    expired = _mint(user)
    ApiToken.objects.filter(pk=expired["id"]).update(expires_at=timezone.now())
    r = _bearer(expired["token"]).get(path)
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    revoked = _mint(user)
    assert _bearer(revoked["token"]).get(path).status_code == 200
    assert _session(user).delete(f"/api/v1/me/tokens/{revoked['id']}").status_code == 204
    assert _bearer(revoked["token"]).get(path).status_code == 401
    # Without any token the public endpoint still answers anonymously.
    assert Client().get(path).status_code == 200


def test_password_change_ends_every_token():
    user = UserFactory()
    made = _mint(user, scope="write")
    assert _bearer(made["token"]).get("/api/v1/me").status_code == 200
    client = _session(user)
    r = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase-77",
            "new_password2": "another-long-passphrase-77",
        },
    )
    assert r.status_code == 302
    assert _bearer(made["token"]).get("/api/v1/me").status_code == 401
    listed = client.get("/api/v1/me/tokens").json()
    assert [t["state"] for t in listed] == ["password_changed"]
    # Setting the same password again (a new salt) does not revive it.
    user.refresh_from_db()
    user.set_password(PASSWORD)
    user.save()
    assert _bearer(made["token"]).get("/api/v1/me").status_code == 401


def test_a_token_cannot_mint_tokens():
    user = UserFactory()
    made = _mint(user, scope="write")
    r = _bearer(made["token"]).post(
        "/api/v1/me/tokens", {"name": "子令牌", "scope": "write"}, content_type=JSON
    )
    assert r.status_code == 403
    assert ApiToken.objects.filter(user=user).count() == 1


def test_list_shows_own_tokens_only_and_revoking_another_users_is_404():
    alice, bob = UserFactory(), UserFactory()
    mine = _mint(alice)
    theirs = _mint(bob)
    listed = _session(alice).get("/api/v1/me/tokens").json()
    assert [t["id"] for t in listed] == [mine["id"]]
    assert "token" not in listed[0] and listed[0]["state"] == "active"
    r = _session(alice).delete(f"/api/v1/me/tokens/{theirs['id']}")
    assert r.status_code == 404
    assert ApiToken.objects.get(pk=theirs["id"]).revoked_at is None
    # A write token may revoke itself; a read token may not write at all.
    write = _mint(alice, scope="write")
    assert _bearer(write["token"]).delete(f"/api/v1/me/tokens/{write['id']}").status_code == 204
    assert ApiToken.objects.get(pk=write["id"]).revoked_at is not None


def test_last_used_at_is_written_at_most_once_a_minute(django_assert_num_queries):
    user = UserFactory()
    made = _mint(user)
    client = _bearer(made["token"])
    client.get("/api/v1/me")
    first = ApiToken.objects.get(pk=made["id"]).last_used_at
    assert first is not None
    for _ in range(3):
        client.get("/api/v1/me")
    assert ApiToken.objects.get(pk=made["id"]).last_used_at == first
    ApiToken.objects.filter(pk=made["id"]).update(last_used_at=first - timedelta(seconds=61))
    client.get("/api/v1/me")
    assert ApiToken.objects.get(pk=made["id"]).last_used_at > first


def test_a_busy_database_does_not_fail_a_token_call(monkeypatch):
    """If recording the use fails (SQLite locked by an import), the call still answers."""
    user = UserFactory()
    made = _mint(user)
    calls = []

    def locked(self, **kwargs):
        calls.append(kwargs)
        raise OperationalError("database is locked")

    monkeypatch.setattr("django.db.models.query.QuerySet.update", locked)
    r = _bearer(made["token"]).get("/api/v1/me")
    assert r.status_code == 200 and calls


def test_token_page_lists_creates_and_revokes():
    user = UserFactory()
    client = _session(user)
    page = client.get(reverse("organisations:tokens"))
    assert page.status_code == 200
    r = client.post(reverse("organisations:tokens"), {"name": "页面令牌", "scope": "write"})
    assert r.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.name == "页面令牌" and token.scope == "write"
    key = r.context["new_key"]
    assert key.startswith("jl_") and key.encode() in r.content
    r = client.post(reverse("organisations:token_revoke", args=[token.pk]))
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get(reverse("organisations:tokens")).status_code == 302
