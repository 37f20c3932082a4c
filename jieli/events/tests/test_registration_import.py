"""The organiser's registration import: all rows or none, a per-row report for bad files."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jieli.core.errors import InvalidInput, NotFound
from jieli.core.models import ChangeRecord
from jieli.events import registration_import
from jieli.events.models import Registration
from jieli.events.registration_import import RegistrationImportRefused, registrations_import
from jieli.organisations.tests.factories import OrganisationFactory, member_of, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


HEADER = "organisation,person,sessions,role,booth,offers,needs\n"


def upload(text: str, name: str = "regs.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def good_rows(roles, listings) -> str:
    offer, need = listings
    roles.owner_member.email = "owner@example.cn"
    roles.owner_member.save()
    return (
        HEADER
        + f"{roles.owner_org.name},owner@example.cn,上午;下午,exhibitor,A1,{offer.pk},\n"
        + f"{roles.other_org.name},other_member,2,,,,{need.pk}\n"
    )


def run(roles, fair, text: str, name: str = "regs.csv", user=None) -> int:
    return registrations_import(
        viewer=viewer_of(user or roles.secretariat), event_id=fair.pk, upload=upload(text, name)
    )


def test_imports_every_row_confirmed_with_history(roles, fair, listings):
    offer, need = listings
    assert run(roles, fair, good_rows(roles, listings)) == 2
    a = Registration.objects.get(event=fair, user=roles.owner_member)
    b = Registration.objects.get(event=fair, user=roles.other_member)
    assert a.status == b.status == "confirmed"
    assert a.role == "exhibitor" and a.booth == "A1"
    assert list(a.offers.all()) == [offer] and list(b.needs.all()) == [need]
    assert a.sessions.count() == 2 and [s.name for s in b.sessions.all()] == ["下午"]
    assert ChangeRecord.objects.filter(action="registration_import").count() == 2


def test_xlsx_with_chinese_headers_and_credit_code(roles, fair, listings):
    import openpyxl

    org = OrganisationFactory(name="同名机构", credit_code="91370100MA3C5XXX1X")
    OrganisationFactory(name="同名机构")
    person = member_of(org, username="dup_person")
    book = openpyxl.Workbook()
    book.active.append(["组织", "人员", "场次"])
    book.active.append(["91370100MA3C5XXX1X", "dup_person", "上午"])
    out = io.BytesIO()
    book.save(out)
    up = SimpleUploadedFile("报名.xlsx", out.getvalue())
    assert registrations_import(viewer=viewer_of(roles.secretariat), event_id=fair.pk, upload=up)
    assert Registration.objects.get(event=fair, user=person).organisation == org


def test_over_capacity_goes_to_the_waiting_list(roles, fair, listings):
    fair.capacity = 1
    fair.save()
    run(roles, fair, good_rows(roles, listings))
    statuses = sorted(Registration.objects.filter(event=fair).values_list("status", flat=True))
    assert statuses == ["confirmed", "waiting"]


BAD_ROWS = [
    ("未知机构,other_member,上午,,,,\n", "No organisation is named"),
    ("{other},nobody,上午,,,,\n", "No person has"),
    ("{other},owner_member,上午,,,,\n", "not a member of that organisation"),
    ("{other},other_member,晚上,,,,\n", "Unknown session"),
    ("{other},other_member,9,,,,\n", "Unknown session"),
    ("{other},other_member,,,,,\n", "Name at least one session"),
    ("{other},other_member,上午,speaker,,,\n", "visitor or exhibitor"),
    ("{other},other_member,上午,exhibitor,,,\n", "Exhibitors book a booth"),
    ("{other},other_member,上午,,,abc,\n", "listing numbers"),
    ("{other},other_member,上午,,,²,\n", "listing numbers"),  # "²".isdigit() was a 500
    ("{other},other_member,上午,,,99999999999999999999999,\n", "listing numbers"),
    ("{other},other_member,上午,,,{offer},\n", "published achievements"),
    ("{other},other_member,上午,,,,999999\n", "published demands"),
]


@pytest.mark.parametrize("row,problem", BAD_ROWS)
def test_one_bad_row_refuses_the_file_with_its_number(roles, fair, listings, row, problem):
    offer, _need = listings
    text = good_rows(roles, listings).splitlines(keepends=True)[:2]  # header + a good row
    bad = row.format(other=roles.other_org.name, offer=offer.pk)
    with pytest.raises(RegistrationImportRefused) as info:
        run(roles, fair, "".join(text) + bad)
    assert info.value.rows and info.value.rows[0][0] == 3
    assert problem in info.value.rows[0][1]
    assert any("Row 3" in line for line in info.value.fields["file"])
    assert not Registration.objects.filter(event=fair).exists()  # the good row was not saved


def test_duplicate_person_and_already_registered(roles, fair, listings):
    text = good_rows(roles, listings)
    dup = text + f"{roles.other_org.name},other_member,上午,,,,\n"
    with pytest.raises(RegistrationImportRefused) as info:
        run(roles, fair, dup)
    assert "earlier row" in info.value.rows[0][1]
    run(roles, fair, text)
    with pytest.raises(RegistrationImportRefused) as info:
        run(roles, fair, text)
    assert {n for n, _m in info.value.rows} == {2, 3}
    assert Registration.objects.filter(event=fair).count() == 2


@pytest.mark.parametrize(
    "text,name,problem",
    [
        ("name,email\nx,y\n", "regs.csv", "Unknown columns"),
        ("organisation,person\nx,y\n", "regs.csv", "Missing columns: sessions"),
        (HEADER, "regs.csv", "no data rows"),
        ("", "regs.csv", "empty"),
        ("%PDF-1.4 \x00\x01\x02 binary", "regs.csv", "binary"),
        ("not a zip", "regs.xlsx", "not a valid XLSX"),
        ("organisation,person,sessions\n", "regs.pdf", "Unsupported file type"),
    ],
)
def test_garbage_files_refused(roles, fair, listings, text, name, problem):
    with pytest.raises(InvalidInput) as info:
        run(roles, fair, text, name)
    assert problem in " ".join(info.value.fields["file"])
    assert not Registration.objects.filter(event=fair).exists()


def test_row_count_and_size_bounded(roles, fair, listings, monkeypatch):
    monkeypatch.setattr(registration_import, "MAX_ROWS", 3)
    text = HEADER + "x,y,上午,,,,\n" * 5
    with pytest.raises(InvalidInput) as info:
        run(roles, fair, text)
    assert "more than 3 data rows" in info.value.message
    monkeypatch.setattr(registration_import, "MAX_BYTES", 100)
    with pytest.raises(InvalidInput) as info:
        run(roles, fair, HEADER + "x" * 200)
    assert "too large" in info.value.message


def test_xlsx_bomb_refused_before_reading(roles, fair, listings, monkeypatch):
    import openpyxl

    monkeypatch.setattr(registration_import, "MAX_ROWS", 3)
    book = openpyxl.Workbook()
    book.active.append(["organisation", "person", "sessions"])
    for i in range(10):
        book.active.append([f"org{i}", f"p{i}", "上午"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InvalidInput) as info:
        registrations_import(
            viewer=viewer_of(roles.secretariat),
            event_id=fair.pk,
            upload=SimpleUploadedFile("big.xlsx", out.getvalue()),
        )
    assert "more than 3 data rows" in info.value.message


def test_report_in_chinese(roles, fair, listings):
    with translation.override("zh-hans"), pytest.raises(RegistrationImportRefused) as info:
        run(roles, fair, HEADER + "未知机构,x,上午,,,,\n")
    assert "第 2 行" in info.value.fields["file"][0]
    assert "没有" in info.value.rows[0][1]


@pytest.mark.parametrize("who", ["registered", "other_member", "owner_admin", "owner_member"])
def test_only_the_organiser_imports(roles, fair, listings, who):
    with pytest.raises(NotFound):
        run(roles, fair, good_rows(roles, listings), user=getattr(roles, who))
    assert not Registration.objects.filter(event=fair).exists()


def test_page_shows_the_report_and_imports(client, roles, fair, listings):
    client.force_login(roles.secretariat)
    url = f"/events/{fair.pk}/registrations/import/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"file": upload(HEADER + "未知机构,x,上午,,,,\n")})
    assert bad.status_code == 400
    assert "import-report" in bad.content.decode()
    ok = client.post(url, {"file": upload(good_rows(roles, listings))})
    assert ok.status_code == 302
    assert Registration.objects.filter(event=fair).count() == 2
    client.force_login(roles.other_member)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "who,status",
    [(None, 401), ("registered", 404), ("other_member", 404), ("secretariat", 201)],
)
def test_api(client, roles, fair, listings, who, status):
    if who:
        client.force_login(getattr(roles, who))
    url = f"/api/v1/events/{fair.pk}/registrations/import"
    response = client.post(url, {"file": upload(good_rows(roles, listings))})
    assert response.status_code == status, response.content
    assert Registration.objects.filter(event=fair).count() == (2 if status == 201 else 0)
    if status == 201:
        assert response.json() == {"imported": 2}
        refused = client.post(url, {"file": upload(HEADER + "未知机构,x,上午,,,,\n")})
        assert refused.status_code == 422
        assert "未知机构" in refused.json()["fields"]["file"][0]  # row 2, in the default zh-hans
