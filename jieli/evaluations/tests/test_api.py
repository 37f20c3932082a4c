"""The API's own contract: strict bodies (400), rules (422), index trees, agency assignment,
and the page flow's bad input answered without a 500."""

from __future__ import annotations

import copy
import json

import pytest
from django.urls import reverse

from jieli.core.tests.matrix import client_for
from jieli.evaluations import indexes
from jieli.evaluations.models import Evaluation, IndexSystem
from jieli.evaluations.tests.factories import build
from jieli.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/evaluations"
JSON = "application/json"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type=JSON)


def test_request_through_the_api_and_its_refusals(roles, achievement):
    client = client_for(roles.owner_admin)
    body = {
        "achievement_id": achievement.pk,
        "purpose": "pledge",
        "deadline": "2099-01-01",
        "confidentiality": "members",
        "index_key": "patent",
    }
    r = post(client, URL, body)
    assert r.status_code == 201 and r.json()["stage"] == "staffing"
    assert post(client, URL, {**body, "purpose": 3}).status_code == 400
    assert post(client, URL, {**body, "surprise": 1}).status_code == 400
    r = post(client, URL, {**body, "deadline": "2001-01-01"})
    assert r.status_code == 422 and "deadline" in r.json()["fields"]
    assert Evaluation.objects.count() == 1


def test_valuation_refusals_are_422_with_the_field(roles, achievement):
    e = build(roles, achievement, upto="valuing").evaluation
    client = client_for(roles.secretariat)
    for inputs, field in (
        ({"revenue": 100, "years": 0, "discount_rate": 0.1}, "years"),
        ({"revenue": 100, "years": 5, "discount_rate": -1.2}, "discount_rate"),
        (
            {
                "revenue": 100,
                "years": 5,
                "discount_rate": 0.1,
                "ranges": {"revenue": [150, 100, 90]},
            },
            "ranges.revenue",
        ),
        ({"revenue": "abc", "years": 5, "discount_rate": 0.1}, "revenue"),
    ):
        r = post(client, f"{URL}/{e.pk}/valuations", {"method": "income", "inputs": inputs})
        assert r.status_code == 422, r.content
        assert field in r.json()["fields"]


def test_scores_outside_the_scale_are_422(roles, achievement):
    built = build(roles, achievement, upto="scoring")
    e = built.evaluation
    scores = {
        leaf["key"]: {"value": 50, "justification": "x"}
        for leaf in indexes.leaves(e.index_system.tree)
    }
    scores["trl"]["value"] = 5
    scores["advancement"]["value"] = 101
    r = post(client_for(built.experts[0]), f"{URL}/{e.pk}/scores", {"scores": scores})
    assert r.status_code == 422 and "score_advancement" in r.json()["fields"]


def test_index_systems_saved_by_the_secretariat_only(roles):
    body = {"key": "technology", "name_zh": "技术", "tree": copy.deepcopy(indexes.TECHNOLOGY_TREE)}
    assert post(client_for(roles.owner_admin), f"{URL}/index-systems", body).status_code == 403
    bad = copy.deepcopy(body)
    bad["tree"]["children"][0]["weight"] = 0.9
    r = post(client_for(roles.secretariat), f"{URL}/index-systems", bad)
    assert r.status_code == 422 and "tree" in r.json()["fields"]
    r = post(client_for(roles.secretariat), f"{URL}/index-systems", body)
    assert r.status_code == 200 and r.json()["version"] == 1  # unused yet: edited in place
    listing = client_for(roles.owner_admin).get(f"{URL}/index-systems").json()
    assert {row["key"] for row in listing["results"]} >= {"technology", "patent"}
    assert IndexSystem.objects.filter(key="technology").count() == 1


def test_agency_assignment_and_accreditation(roles, achievement):
    e = build(roles, achievement, upto="staffing").evaluation
    agency = OrganisationFactory(name="评估所")
    sec = client_for(roles.secretariat)
    r = post(sec, f"{URL}/{e.pk}/agency", {"agency_id": agency.pk})
    assert r.status_code == 422
    assert (
        post(
            client_for(roles.owner_admin), f"{URL}/accreditations", {"organisation_id": agency.pk}
        ).status_code
        == 403
    )
    assert post(sec, f"{URL}/accreditations", {"organisation_id": agency.pk}).status_code == 200
    r = post(sec, f"{URL}/{e.pk}/agency", {"agency_id": agency.pk})
    assert r.status_code == 200 and r.json()["agency_id"] == agency.pk


def test_pages_answer_bad_input_without_a_500(roles, achievement):
    e = build(roles, achievement, upto="valuing").evaluation
    client = client_for(roles.secretariat)
    r = client.post(
        reverse("evaluations:valuation", args=[e.pk, "income"]),
        {"income-basis": "profit", "income-revenue": "abc"},
    )
    assert r.status_code == 302
    r = client.post(reverse("evaluations:valuation", args=[e.pk, "nonsense"]), {})
    assert r.status_code == 404
    r = client.get(reverse("evaluations:detail", args=[e.pk]), follow=False)
    assert r.status_code == 200
    page = client.get(reverse("evaluations:detail", args=[e.pk]))
    assert "收益法" in page.content.decode()
    r = client.post(reverse("evaluations:move", args=[e.pk]), {"action": "fly"}, follow=True)
    assert r.status_code == 200 and "请从选项中选择" in r.content.decode()


def test_pdf_without_a_font_is_a_clear_503(roles, achievement, monkeypatch):
    from jieli.core import pdf
    from jieli.evaluations.models import EvaluationReport

    build(roles, achievement)
    monkeypatch.setattr(pdf, "_registered", None)
    monkeypatch.setenv("JIELI_PDF_FONT", "/nonexistent/font.ttf")
    r = client_for(roles.secretariat).get(
        reverse("evaluations:report_pdf", args=[EvaluationReport.objects.get().pk])
    )
    assert r.status_code == 503 and "字体" in r.content.decode()
