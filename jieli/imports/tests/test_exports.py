"""Exports: only what the viewer may see, members-only columns hidden, formulas neutralised."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jieli.achievements.models import Achievement
from jieli.core.viewer import ANONYMOUS
from jieli.imports.exports import export_table
from jieli.organisations.tests.factories import OrganisationFactory, member_of, viewer_of

pytestmark = pytest.mark.django_db


def _achievement(owner, title, **kwargs):
    defaults = {
        "status": "published",
        "confirmed_at": timezone.now(),
        "published_at": timezone.now(),
        "price_negotiable": True,
        "detail": "仅会员可见的详情",
        "visibility": "public",
    }
    defaults.update(kwargs)
    return Achievement.objects.create(owner=owner, title=title, **defaults)


@pytest.fixture
def listings(db):
    owner = OrganisationFactory(name="甲单位")
    return {
        "public": _achievement(owner, '=HYPERLINK("http://evil")'),
        "members": _achievement(owner, "会员成果", visibility="members"),
        "draft": _achievement(
            owner, "草稿成果", status="draft", confirmed_at=None, published_at=None
        ),
        "owner": owner,
    }


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_anonymous_export_has_public_rows_only_and_no_member_columns(client, listings):
    response = client.get(reverse("imports:export", args=["achievements"]))
    assert response.status_code == 200
    table = _csv(response)
    titles = [row[2] for row in table[1:]]
    assert titles == ['\'=HYPERLINK("http://evil")']
    flat = "\n".join(",".join(r) for r in table)
    assert "仅会员可见的详情" not in flat
    assert "会员成果" not in flat and "草稿成果" not in flat


def test_member_export_includes_members_only_rows_and_detail(client, listings):
    member = member_of(OrganisationFactory(name="乙单位"))
    client.force_login(member)
    table = _csv(client.get(reverse("imports:export", args=["achievements"])))
    titles = {row[2] for row in table[1:]}
    assert titles == {'\'=HYPERLINK("http://evil")', "会员成果"}
    assert "仅会员可见的详情" in {cell for row in table for cell in row}


def test_export_headers_follow_the_language(client, listings):
    zh = _csv(
        client.get(
            reverse("imports:export", args=["achievements"]), headers={"accept-language": "zh-hans"}
        )
    )
    en = _csv(
        client.get(
            reverse("imports:export", args=["achievements"]), headers={"accept-language": "en"}
        )
    )
    assert "title" in en[0]
    assert zh[0][0] == en[0][0] == "ID"


def test_export_filters_are_those_of_the_list_page(client, listings):
    response = client.get(reverse("imports:export", args=["achievements"]), {"trl_min": "x"})
    assert response.status_code == 400
    response = client.get(reverse("imports:export", args=["achievements"]), {"q": "不存在"})
    assert len(_csv(response)) == 1


def test_xlsx_export_neutralises_formulas(client, listings, tmp_path):
    response = client.get(reverse("imports:export", args=["achievements"]), {"format": "xlsx"})
    assert response.status_code == 200
    path = tmp_path / "e.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert '\'=HYPERLINK("http://evil")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert sheet.cell(2, 3).data_type == "s"


def test_export_command_as_a_user_and_the_public(tmp_path, listings):
    admin = member_of(listings["owner"], role="admin", username="owner_admin_x")
    out = tmp_path / "mine.csv"
    call_command("jieli_export", "achievements", str(out), "--as", admin.username, "status=draft")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [r[2] for r in rows[1:]] == ["草稿成果"]
    public = tmp_path / "public.xlsx"
    call_command("jieli_export", "achievements", str(public))
    sheet = openpyxl.load_workbook(public).worksheets[0]
    assert sheet.max_row == 2


def test_demand_contacts_are_left_out_for_the_public(listings):
    from jieli.demands.models import Demand

    Demand.objects.create(
        owner=listings["owner"],
        title="求技术",
        problem="@problem",
        contact_phone="13800000000",
        status="published",
        confirmed_at=timezone.now(),
        published_at=timezone.now(),
    )
    _headers, rows = export_table(ANONYMOUS, "demands")
    flat = [cell for row in rows for cell in row]
    assert "13800000000" not in flat and "'@problem" in flat
    member = viewer_of(member_of(OrganisationFactory()))
    _headers, rows = export_table(member, "demands")
    assert "13800000000" in [cell for row in rows for cell in row]


def test_unknown_export_kind_is_404(client):
    assert client.get(reverse("imports:export", args=["patents"])).status_code == 404
