"""Who may import: the upload page, the job pages and the API, role by role."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jieli.achievements.models import Achievement
from jieli.imports.models import ImportJob
from jieli.imports.tests.helpers import HEADER, achievement_rows, write_csv
from jieli.organisations.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "registered", "other_member", "owner_member", "owner_admin", "secretariat"]


def _file(tmp_path, name="a.csv", rows=None):
    path = write_csv(tmp_path / name, HEADER, rows or achievement_rows(2))
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def _login(client, user):
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("registered", 403),
        ("other_member", 403),
        ("owner_member", 403),
        ("owner_admin", 200),
        ("secretariat", 200),
    ],
)
def test_upload_page_get(client, roles, role, expected):
    _login(client, roles.by_role()[role])
    assert client.get(reverse("imports:upload")).status_code == expected


@pytest.mark.parametrize(
    ("role", "own_expected", "other_expected"),
    [
        ("anonymous", 302, 302),
        ("registered", 403, 403),
        ("other_member", 403, 403),
        ("owner_member", 403, 403),
        ("owner_admin", 302, 400),
        ("secretariat", 302, 302),
    ],
)
def test_upload_page_post_into_own_and_other_organisation(
    client, roles, media, tmp_path, role, own_expected, other_expected
):
    _login(client, roles.by_role()[role])
    for org, expected in ((roles.owner_org, own_expected), (roles.other_org, other_expected)):
        response = client.post(
            reverse("imports:upload"),
            {
                "kind": "achievements",
                "mode": "all-or-nothing",
                "owner": str(org.pk),
                "source": f"s{org.pk}",
                "file": _file(tmp_path),
            },
        )
        assert response.status_code == expected, (org.name, response.content[:300])
    owners = set(Achievement.objects.values_list("owner_id", flat=True))
    if role == "owner_admin":
        assert owners == {roles.owner_org.pk}  # the other organisation is not even offered
    elif role == "secretariat":
        assert owners == {roles.owner_org.pk, roles.other_org.pk}
    else:
        assert owners == set()


def test_upload_page_runs_the_job_and_shows_the_report(client, roles, media, tmp_path):
    client.force_login(roles.owner_admin)
    rows = achievement_rows(3)
    rows[1][3] = "无此地区"
    response = client.post(
        reverse("imports:upload"),
        {
            "kind": "achievements",
            "mode": "valid-rows",
            "owner": str(roles.owner_org.pk),
            "source": "web",
            "file": _file(tmp_path, rows=rows),
        },
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("imports:job", args=[job.pk])
    assert (job.status, job.progress, job.created_count, job.rejected_count) == ("done", 100, 2, 1)
    page = client.get(response.url)
    assert page.status_code == 200 and "无此地区" in page.content.decode()
    status = client.get(reverse("imports:job_status", args=[job.pk])).json()
    assert status["finished"] and status["rejected"] == 1
    rejected = client.get(reverse("imports:rejected", args=[job.pk]))
    assert rejected.status_code == 200
    assert "无此地区".encode() in b"".join(rejected.streaming_content)


def test_organisation_admin_cannot_import_organisations_or_experts(client, roles, media, tmp_path):
    client.force_login(roles.owner_admin)
    response = client.post(
        reverse("imports:upload"),
        {
            "kind": "organisations",
            "mode": "all-or-nothing",
            "owner": str(roles.owner_org.pk),
            "file": _file(tmp_path),
        },
    )
    assert response.status_code == 400  # not a choice offered to them
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 404),
        ("registered", 404),
        ("other_member", 404),
        ("owner_member", 404),
        ("owner_admin", 200),
        ("secretariat", 200),
    ],
)
def test_job_pages_only_for_the_importer_and_the_secretariat(
    client, roles, media, tmp_path, role, expected
):
    job = ImportJob.objects.create(
        user=roles.owner_admin, kind="achievements", file_name="a.csv", status="done"
    )
    _login(client, roles.by_role()[role])
    for name in ("imports:job", "imports:job_status"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == (302 if role == "anonymous" else expected)


# --- API -------------------------------------------------------------------------------------


def _api_post(client, tmp_path, **data):
    payload = {
        "kind": "achievements",
        "mode": "all-or-nothing",
        "dry_run": "false",
        "file": _file(tmp_path),
    }
    payload.update(data)
    return client.post("/api/v1/imports", payload)


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("anonymous", 401, 401),
        ("registered", 403, 403),
        ("other_member", 403, 403),
        ("owner_member", 403, 403),
        ("owner_admin", 202, 403),
        ("secretariat", 202, 202),
    ],
)
def test_api_upload_matrix(roles, media, tmp_path, role, own, other):
    from django.test import Client

    client = Client(enforce_csrf_checks=False)
    _login(client, roles.by_role()[role])
    assert (
        _api_post(client, tmp_path, owner=str(roles.owner_org.pk), source="own").status_code == own
    )
    assert (
        _api_post(client, tmp_path, owner=str(roles.other_org.pk), source="other").status_code
        == other
    )


def test_api_job_status_own_jobs_only(client, roles, media, tmp_path):
    client.force_login(roles.owner_admin)
    response = _api_post(client, tmp_path, owner=str(roles.owner_org.pk), dry_run="true")
    assert response.status_code == 202
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/imports/{job_id}").json()
    assert (body["status"], body["created"], body["dry_run"]) == ("done", 2, True)
    assert Achievement.objects.count() == 0
    client.force_login(roles.other_member)
    assert client.get(f"/api/v1/imports/{job_id}").status_code == 404
    client.force_login(roles.secretariat)
    assert client.get(f"/api/v1/imports/{job_id}").status_code == 200
    client.logout()
    assert client.get(f"/api/v1/imports/{job_id}").status_code == 401


def test_api_rejects_bad_requests_clearly(client, roles, media, tmp_path, settings):
    client.force_login(roles.secretariat)
    assert _api_post(client, tmp_path, kind="patents").json()["code"] == "invalid"
    assert _api_post(client, tmp_path, mode="sometimes").status_code == 400
    settings.JIELI_IMPORT_MAX_BYTES = 10
    response = _api_post(client, tmp_path)
    assert response.status_code == 400 and "too large" in response.json()["message"]
    assert ImportJob.objects.count() == 0


def test_api_bad_file_fails_the_job_without_writing(client, roles, media):
    client.force_login(roles.secretariat)
    upload = SimpleUploadedFile("a.csv", b"\x00\x01binary" * 50, content_type="text/csv")
    response = client.post(
        "/api/v1/imports",
        {"kind": "achievements", "file": upload, "owner": str(roles.owner_org.pk)},
    )
    assert response.status_code == 202
    body = client.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert body["status"] == "failed" and "binary" in body["error"]
    assert Achievement.objects.count() == 0


def test_password_login_works_for_the_upload_page(client, roles):
    # Login throttling (django-axes) needs the request to know the caller's address.
    from django.http import HttpRequest

    assert client.login(request=HttpRequest(), username="owner_admin", password=PASSWORD)
    assert client.get(reverse("imports:upload")).status_code == 200
