import pytest
from django import forms

from jieli.regions.forms import DisciplineChoiceField, IndustryChoiceField, RegionChoiceField

pytestmark = pytest.mark.django_db


class PlaceForm(forms.Form):
    region = RegionChoiceField(label="Region")
    industry = IndustryChoiceField(label="Industry", required=False)
    field = IndustryChoiceField(label="Class", required=False, max_level=4)
    discipline = DisciplineChoiceField(label="Discipline", required=False)


def test_region_field_takes_the_deepest_select():
    form = PlaceForm(data={"region_1": "37", "region_2": "3710", "region_3": "371003"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == "371003"


def test_region_field_rejects_unknown_and_too_general_codes():
    form = PlaceForm(data={"region_1": "37", "region_2": "3799", "region_3": "379999"})
    assert not form.is_valid()
    assert "379999" in form.errors["region"][0]
    form = PlaceForm(data={"region_1": "37"})
    assert not form.is_valid() and form.errors["region"]


def test_industry_and_discipline_fields_accept_codes_and_names():
    form = PlaceForm(
        data={
            "region": "371003",
            "industry": "C38",
            "field": "电气机械",
            "discipline": "A0101 数论",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["industry"] == "38"
    assert form.cleaned_data["field"] == "38"
    assert form.cleaned_data["discipline"] == "A0101"


def test_unknown_industry_and_discipline_codes_are_rejected():
    form = PlaceForm(data={"region": "371003", "industry": "9999", "discipline": "Z99"})
    assert not form.is_valid()
    assert set(form.errors) == {"industry", "discipline"}


def test_widgets_render_current_value():
    html = str(PlaceForm(initial={"region": "371003", "industry": "38"}))
    assert 'name="region_3"' in html
    assert '<option value="371003" selected>' in html
    assert '<option value="38" selected>' in html
    assert "<datalist" in html


@pytest.mark.urls("jieli.regions.tests.urls")
def test_children_endpoint(client):
    body = client.get("/regions/children/", {"parent": "37"}).json()
    assert "3710" in {r["code"] for r in body["results"]}
    html = client.get("/regions/children/", {"parent": "3710", "format": "html"})
    assert b'value="371003"' in html.content
    bad = client.get("/regions/children/", {"kind": "planet"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert client.get("/regions/children/", {"parent": "99"}).status_code == 404


def test_picker_refuses_a_city_outside_the_chosen_province():
    from jieli.regions.forms import RegionChoiceField

    class F(forms.Form):
        region = RegionChoiceField(min_level=1)

    assert not F(data={"region_1": "11", "region_2": "3501"}).is_valid()
    ok = F(data={"region_1": "35", "region_2": "3501"})
    assert ok.is_valid() and ok.cleaned_data["region"] == "3501"


def test_a_code_select_is_rendered_once_and_follows_choice_language_and_reload():
    from django.utils import translation

    from jieli.regions import cache
    from jieli.regions.forms import IndustryChoiceField

    class Filter(forms.Form):
        industry = IndustryChoiceField(required=False, max_level=2)

    with translation.override("zh-hans"):
        plain = str(Filter()["industry"])
        assert str(Filter()["industry"]) == plain
        chosen = str(Filter({"industry": "C"})["industry"])
        assert chosen != plain and 'value="C" selected' in chosen
    with translation.override("en"):
        assert str(Filter()["industry"]) != plain
    memo = cache.memo("regions.code_select", 256)
    assert len(memo) >= 3
    cache.invalidate()
    assert cache.memo("regions.code_select", 256) == {}
