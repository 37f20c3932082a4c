import pytest
from django.test import Client
from django.urls import reverse

from jieli.experts.models import ExpertAffiliation
from jieli.experts.tests.factories import AffiliationFactory, ExpertFactory, profile_form_data

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_list_and_detail_pages_escape_names(roles):
    expert = ExpertFactory(name="<script>x</script>")
    for url in (reverse("experts:list"), reverse("experts:detail", args=[expert.pk])):
        html = client_for(None).get(url).content.decode()
        assert "<script>x</script>" not in html
        assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_list_rejects_bad_filters():
    assert client_for(None).get(reverse("experts:list"), {"industry": "Z9"}).status_code == 400


def test_detail_locks_contact_and_hides_affiliations(roles):
    expert = ExpertFactory()
    AffiliationFactory(expert=expert, organisation_name="秘密公司")
    url = reverse("experts:detail", args=[expert.pk])
    anon = client_for(None).get(url).content.decode()
    assert expert.email not in anon and 'class="locked"' in anon and "秘密公司" not in anon
    member = client_for(roles.other_member).get(url).content.decode()
    assert expert.email in member and "秘密公司" not in member
    assert "秘密公司" in client_for(roles.secretariat).get(url).content.decode()


def test_my_profile_page_edits_own_profile(expert):
    c = client_for(expert)
    assert c.get(reverse("experts:me")).status_code == 200
    assert c.post(reverse("experts:me"), profile_form_data()).status_code == 302
    profile = expert.expert_profile
    profile.refresh_from_db()
    assert profile.title == "研究员"
    assert sorted(profile.industries.values_list("code", flat=True)) == ["38", "3841"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"industries": "Z99"}, "industries"),
        ({"bio": "x" * 5001}, "bio"),
        ({"email": "bad"}, "email"),
        ({"region": "999999"}, "region"),
    ],
)
def test_my_profile_page_reports_errors(expert, overrides, field):
    response = client_for(expert).post(reverse("experts:me"), profile_form_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    profile = expert.expert_profile
    profile.refresh_from_db()
    assert profile.title == "教授"


def test_my_profile_affiliations(expert):
    c = client_for(expert)
    response = c.post(
        reverse("experts:me"),
        {"add_affiliation": "1", "organisation_name": "甲公司", "relation": "shareholding"},
    )
    assert response.status_code == 302
    affiliation = ExpertAffiliation.objects.get()
    foreign = AffiliationFactory()
    assert c.post(reverse("experts:me"), {"remove_affiliation": str(foreign.pk)}).status_code == 404
    c.post(reverse("experts:me"), {"remove_affiliation": str(affiliation.pk)})
    assert list(ExpertAffiliation.objects.all()) == [foreign]


def test_my_profile_without_expert_profile(roles):
    assert client_for(roles.registered).get(reverse("experts:me")).status_code == 404
    assert client_for(None).get(reverse("experts:me")).status_code == 302
