from __future__ import annotations

import factory
from django.contrib.auth.models import AbstractUser

from jieli.experts.models import AffiliationRelation, Expert, ExpertAffiliation
from jieli.organisations.tests.factories import UserFactory


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"专家{n}")
    title = "教授"
    organisation_name = "山东大学"
    region_id = "3701"
    bio = "从事储能电池材料研究。"
    keywords = factory.LazyFunction(lambda: ["储能", "电池"])
    keywords_text = "储能 电池"
    willing_to_consult = True
    willing_to_evaluate = False
    email = factory.Sequence(lambda n: f"expert{n}@example.com")
    phone = "13800000000"
    is_public = True
    is_active = True


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertAffiliation

    expert = factory.SubFactory(ExpertFactory)
    organisation_name = "某某科技有限公司"
    relation = AffiliationRelation.SHAREHOLDING


def expert_user(username: str = "expert", **kwargs: object) -> AbstractUser:
    """A registered user with an active expert profile."""
    user = UserFactory(username=username)
    ExpertFactory(user=user, name=kwargs.pop("name", f"专家{username}"), **kwargs)
    return user


def profile_form_data(**overrides: object) -> dict[str, object]:
    """A complete, valid POST for the "my profile" page."""
    data: dict[str, object] = {
        "name": "专家本人",
        "title": "研究员",
        "industries": "38, 3841",
        "disciplines": "F01",
        "keywords": "储能, 电池",
        "region": "3701",
        "bio": "简介",
        "email": "me@example.com",
        "is_public": "on",
        "willing_to_consult": "on",
    }
    data.update(overrides)
    return data
