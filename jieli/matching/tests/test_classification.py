import pytest
from django.test import Client

from jieli.achievements.tests.factories import AchievementFactory
from jieli.matching.classification import classifier_train, suggest_codes
from jieli.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

BATTERY = [
    "锂电池电解液添加剂",
    "固态锂电池隔膜",
    "锂离子电池正极材料",
    "动力电池管理系统",
    "电池低温容量保持",
]
FARMING = [
    "水稻高产栽培技术",
    "玉米抗旱品种选育",
    "小麦病虫害绿色防控",
    "节水灌溉种植模式",
    "果树嫁接栽培方法",
]


@pytest.fixture
def trained(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    owner = OrganisationFactory()
    for i in range(3):
        for title in BATTERY:
            AchievementFactory(owner=owner, title=f"{title}{i}", summary=title, industry_id="3841")
        for title in FARMING:
            AchievementFactory(owner=owner, title=f"{title}{i}", summary=title, industry_id="0111")
    assert classifier_train("section") == 30
    assert classifier_train("division") == 30


def test_suggests_the_section_and_division_from_text(trained):
    found = suggest_codes("一种锂电池电解液及其制备方法")
    assert found["section"][0].code == "C"
    assert found["division"][0].code == "38"
    assert found["division"][0].label  # a name to show, not just a code
    assert suggest_codes("水稻种植")["section"][0].code == "A"


def test_suggests_a_discipline_among_many(settings, tmp_path):
    """Disciplines have dozens of classes: an uncalibrated vote over that many is so flat
    that the display threshold hid every suggestion (the bug behind "no discipline")."""
    from jieli.regions.models import Discipline

    settings.VAR_DIR = tmp_path
    owner = OrganisationFactory()
    codes = list(
        Discipline.objects.filter(level=1, retired_in="")
        .order_by("code")
        .values_list("code", "name")
    )[:40]
    assert len(codes) == 40
    for code, name in codes:
        for i in range(3):
            AchievementFactory(
                owner=owner,
                title=f"{name}领域的关键技术{i}",
                summary=f"{name}相关的研究成果与应用",
                keywords=[name],
                discipline_id=code,
            )
    assert classifier_train("discipline") == 120
    code, name = codes[7]
    found = suggest_codes(f"一项{name}方面的新成果")["discipline"]
    assert found, "a discipline must be suggested"
    assert found[0].code == code
    assert found[0].label == name
    assert 0.15 <= found[0].probability <= 1.0


def test_no_model_no_suggestion(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert classifier_train("discipline") == 0
    assert suggest_codes("锂电池") == {"section": [], "division": [], "discipline": []}


def test_api_validates_and_answers(trained):
    client = Client()
    assert (
        client.post(
            "/api/v1/matching/classify", {"text": ""}, content_type="application/json"
        ).status_code
        == 400
    )
    body = client.post(
        "/api/v1/matching/classify", {"text": "动力电池"}, content_type="application/json"
    ).json()
    assert body["section"][0]["code"] == "C"


def test_a_model_stored_by_older_code_is_ignored(trained, settings):
    """A bare pickled classifier (the format before MODEL_FORMAT) lacks the neighbour
    member; it must not be used until the job retrains, instead of failing per request."""
    import pickle
    from pathlib import Path

    from jieli.matching import classification

    path = Path(settings.VAR_DIR) / "models" / "classifier-section.pkl"
    with path.open("rb") as fh:
        model = pickle.load(fh)["model"]  # noqa: S301 - the file this test just trained
    with path.open("wb") as fh:
        pickle.dump(model, fh)
    classification._loaded.clear()
    found = suggest_codes("一种锂电池电解液及其制备方法")
    assert found["section"] == []
    assert found["division"][0].code == "38"  # the retrained target still answers
