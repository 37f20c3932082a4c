"""Roles × every page and API endpoint of the imports app: exact status AND side effect (jobs,
imported records and their history created, or not). Importing is for organisation
administrators (into their own organisation) and the secretariat; a job is its importer's and
the secretariat's, and hidden from everyone else (404)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jieli.achievements.models import Achievement
from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.tests.matrix import ROLES, check, history_entries, reads, writes
from jieli.imports.models import ImportJob
from jieli.imports.tests.helpers import HEADER, achievement_rows, write_csv
from jieli.organisations.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

API = "/api/v1/imports"
OWNER_SIDE = ("owner_member", "owner_admin", "secretariat")


def imports_state():
    """What an imports endpoint may change: the jobs and the records they import."""
    return (
        sorted(ImportJob.objects.values_list("pk", "user_id", "kind", "owner_id", "status")),
        sorted(Achievement.objects.values_list("pk", "owner_id", "title")),
    )


def _check(roles, role, matrix, call, **options):
    return check(roles, role, matrix, call, state=imports_state, **options)


def _file(tmp_path, name="a.csv", rows=None):
    path = write_csv(tmp_path / name, HEADER, rows or achievement_rows(2))
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


# --- the upload page -------------------------------------------------------------------------

UPLOAD_PAGE = reads(
    anonymous=302,
    registered=403,
    other_member=403,
    owner_member=403,
    owner_admin=200,
    secretariat=200,
)
UPLOAD_INTO_OWN = writes(
    anonymous=(302, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(302, True),
    secretariat=(302, True),
)
# An organisation administrator is not even offered another organisation (a form error, 400).
UPLOAD_INTO_OTHER = writes(
    anonymous=(302, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(400, False),
    secretariat=(302, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_upload_page(roles, media, tmp_path, role):
    url = reverse("imports:upload")
    _check(roles, role, UPLOAD_PAGE, lambda c: c.get(url))
    for org, matrix in ((roles.owner_org, UPLOAD_INTO_OWN), (roles.other_org, UPLOAD_INTO_OTHER)):
        form = {
            "kind": "achievements",
            "mode": "all-or-nothing",
            "owner": str(org.pk),
            "source": f"s{org.pk}",
            "file": _file(tmp_path),
        }
        _check(roles, role, matrix, lambda c, form=form: c.post(url, form))
    owners = set(Achievement.objects.values_list("owner_id", flat=True))
    expected = {
        "owner_admin": {roles.owner_org.pk},
        "secretariat": {roles.owner_org.pk, roles.other_org.pk},
    }
    assert owners == expected.get(role, set())


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
    before, history_before = imports_state(), history_entries()
    for kind in ("organisations", "experts"):
        response = client.post(
            reverse("imports:upload"),
            {
                "kind": kind,
                "mode": "all-or-nothing",
                "owner": str(roles.owner_org.pk),
                "file": _file(tmp_path),
            },
        )
        assert response.status_code == 400  # not a choice offered to them
    assert (imports_state(), history_entries()) == (before, history_before)


# --- the job pages ---------------------------------------------------------------------------

JOB_PAGES = reads(
    anonymous=302,
    registered=404,
    other_member=404,
    owner_member=404,
    owner_admin=200,
    secretariat=200,
)


@pytest.fixture
def job(roles, media):
    job = ImportJob.objects.create(
        user=roles.owner_admin, kind="achievements", file_name="a.csv", status="done"
    )
    job.rejected_file.save("rejected.csv", ContentFile("行,原因\n2,无此地区\n".encode()))
    return job


@pytest.mark.parametrize("role", ROLES)
def test_job_pages_only_for_the_importer_and_the_secretariat(roles, job, role):
    for name in ("imports:job", "imports:job_status", "imports:rejected"):
        url = reverse(name, args=[job.pk])
        _check(roles, role, JOB_PAGES, lambda c, url=url: c.get(url))


# --- API -------------------------------------------------------------------------------------


def _api_post(client, tmp_path, **data):
    payload = {
        "kind": "achievements",
        "mode": "all-or-nothing",
        "dry_run": "false",
        "file": _file(tmp_path),
    }
    payload.update(data)
    return client.post(API, payload)


API_UPLOAD_INTO_OWN = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(202, True),
    secretariat=(202, True),
)
API_UPLOAD_INTO_OTHER = writes(
    anonymous=(401, False),
    registered=(403, False),
    other_member=(403, False),
    owner_member=(403, False),
    owner_admin=(403, False),
    secretariat=(202, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_api_upload(roles, media, tmp_path, role):
    pairs = ((roles.owner_org, API_UPLOAD_INTO_OWN), (roles.other_org, API_UPLOAD_INTO_OTHER))
    for org, matrix in pairs:
        _check(
            roles,
            role,
            matrix,
            lambda c, org=org: _api_post(c, tmp_path, owner=str(org.pk), source=f"s{org.pk}"),
        )
        imported = Achievement.objects.filter(owner=org).count()
        assert imported == (2 if matrix[role].changes else 0)


API_JOB = reads(
    anonymous=401,
    registered=404,
    other_member=404,
    owner_member=404,
    owner_admin=200,
    secretariat=200,
)


@pytest.mark.parametrize("role", ROLES)
def test_api_job_status_own_jobs_only(roles, job, role):
    _check(roles, role, API_JOB, lambda c: c.get(f"{API}/{job.pk}"))


def test_api_dry_run_reports_without_writing(client, roles, media, tmp_path):
    client.force_login(roles.owner_admin)
    response = _api_post(client, tmp_path, owner=str(roles.owner_org.pk), dry_run="true")
    assert response.status_code == 202
    body = client.get(f"{API}/{response.json()['id']}").json()
    assert (body["status"], body["created"], body["dry_run"]) == ("done", 2, True)
    assert Achievement.objects.count() == 0


def test_api_rejects_bad_requests_clearly(client, roles, media, tmp_path, settings):
    client.force_login(roles.secretariat)
    assert _api_post(client, tmp_path, kind="patents").json()["code"] == "invalid"
    # Well-formed requests the import refuses: 422 (the API's input contract, core/api.py).
    assert _api_post(client, tmp_path, mode="sometimes").status_code == 422
    settings.JIELI_IMPORT_MAX_BYTES = 10
    response = _api_post(client, tmp_path)
    assert response.status_code == 422 and "too large" in response.json()["message"]
    assert ImportJob.objects.count() == 0


def test_api_bad_file_fails_the_job_without_writing(client, roles, media):
    client.force_login(roles.secretariat)
    upload = SimpleUploadedFile("a.csv", b"\x00\x01binary" * 50, content_type="text/csv")
    response = client.post(
        API,
        {"kind": "achievements", "file": upload, "owner": str(roles.owner_org.pk)},
    )
    assert response.status_code == 202
    body = client.get(f"{API}/{response.json()['id']}").json()
    assert body["status"] == "failed" and "binary" in body["error"]
    assert Achievement.objects.count() == 0


# --- exports: everyone may export what they may see ------------------------------------------

EXPORT = reads(**dict.fromkeys(ROLES, 200))


@pytest.mark.parametrize("role", ROLES)
def test_export(roles, role):
    AchievementFactory(owner=roles.owner_org, title="公开导出成果")
    AchievementFactory(owner=roles.owner_org, title="私有导出成果", visibility="private")
    url = reverse("imports:export", args=["achievements"])
    response = _check(roles, role, EXPORT, lambda c: c.get(url))
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    titles = {cell for row in csv.reader(io.StringIO(body)) for cell in row}
    assert "公开导出成果" in titles
    assert ("私有导出成果" in titles) is (role in OWNER_SIDE)


def test_password_login_works_for_the_upload_page(roles):
    # Login throttling (django-axes) needs the request to know the caller's address.
    from django.http import HttpRequest

    client = Client()
    assert client.login(request=HttpRequest(), username="owner_admin", password=PASSWORD)
    assert client.get(reverse("imports:upload")).status_code == 200
