"""Every code a person can pick or see has an English label (issue 8).

Prefectures and counties are romanised with their kind translated (``place_names``), GB/T 4754
groups and classes come from Jieli's translation file; all of it is computed when the code lists
are loaded and stored in ``name_en``.
"""

import json
import re

import pytest
from django.test import Client
from django.utils import translation

from jieli.regions import selectors
from jieli.regions.models import Discipline, Industry, Region
from jieli.regions.place_names import place_name_en
from jieli.regions.services import code_lists_load

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("芝罘区", "Zhifu District"),
        ("烟台市", "Yantai City"),
        ("西安市", "Xi'an City"),  # a syllable starting with a vowel gets an apostrophe
        ("长宁区", "Changning District"),  # pypinyin reads 长 as zhang here
        ("长子县", "Zhangzi County"),  # … and here it is zhang
        ("绿春县", "Lüchun County"),
        ("延边朝鲜族自治州", "Yanbian Korean Autonomous Prefecture"),
        ("双江拉祜族佤族布朗族傣族自治县", "Shuangjiang Lahu, Va, Blang and Dai Autonomous County"),
        ("伊犁哈萨克自治州", "Yili Kazakh Autonomous Prefecture"),
        ("鄂伦春自治旗", "Oroqen Autonomous Banner"),
        ("科尔沁右翼前旗", "Ke'erqin Right Wing Front Banner"),
        ("阿拉善盟", "Alashan League"),
        ("和田地区", "Hetian Prefecture"),
        ("浦东新区", "Pudong New Area"),
        ("清新区", "Qingxin District"),  # not a 新区 called 清
        ("下花园区", "Xiahuayuan District"),  # not a 园区
        ("神农架林区", "Shennongjia Forestry District"),
        ("六枝特区", "Liuzhi Special District"),
        ("市辖区", "Districts"),
        ("省直辖县级行政区划", "County-level divisions under the province"),
        ("烟台经济技术开发区", "Yantai Economic and Technological Development Zone"),
    ],
)
def test_place_names(name, english):
    assert place_name_en(name) == english


def test_zones_are_split_after_the_places_they_are_named_after():
    known = {"河北": "Hebei", "唐山": "", "秦皇岛": ""}
    assert (
        place_name_en("河北唐山芦台经济开发区", known=known)
        == "Hebei Tangshan Lutai Economic Development Zone"
    )
    assert (
        place_name_en("秦皇岛市经济技术开发区", known=known)
        == "Qinhuangdao Economic and Technological Development Zone"
    )
    # Only zones: a county's name is one word even when it starts with a known name.
    assert place_name_en("唐山海港区", known=known) == "Tangshanhaigang District"


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Region, Industry, Discipline])
def test_every_code_has_an_english_name_without_chinese(model):
    codes = model.objects.filter(retired_in="")
    assert codes.exists()
    missing = [f"{c.code} {c.name}" for c in codes.filter(name_en="")]
    assert missing == []
    chinese = [f"{c.code} {c.name_en}" for c in codes if CJK.search(c.name_en)]
    assert chinese == []


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["region", "industry", "discipline"])
def test_every_label_a_person_sees_is_english_on_english_pages(kind):
    model = selectors.code_model(kind)
    with translation.override("en"):
        for entry in model.objects.filter(retired_in=""):
            label = selectors.code_label(kind, entry.code)
            assert label and not CJK.search(label), (entry.code, label)
            assert not CJK.search(str(entry)), entry.code
    with translation.override("zh-hans"):
        assert selectors.code_label("region", "370602") == "山东省 烟台市 芝罘区"


@pytest.mark.django_db
def test_pickers_answer_in_english():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for kind, parent in [("region", "3706"), ("region", "11"), ("industry", "384")]:
        body = client.get("/regions/children/", {"kind": kind, "parent": parent}).json()
        assert body["results"]
        text = json.dumps(body["results"], ensure_ascii=False)
        assert not CJK.search(text), text
    html = client.get("/regions/children/", {"parent": "3706", "format": "html"}).content
    assert "Zhifu District" in html.decode() and not CJK.search(html.decode())


@pytest.mark.django_db
def test_reloading_fills_english_names_on_a_database_loaded_without_them():
    Region.objects.filter(code__startswith="3706").update(name_en="")
    Industry.objects.filter(code__startswith="06").update(name_en="")
    code_lists_load()
    assert Region.objects.get(code="370602").name_en == "Zhifu District"
    assert Region.objects.get(code="3706").name_en == "Yantai City"
    assert Industry.objects.get(code="062").name_en == "Mining and washing of lignite"
    # A class named as its group has the group's English name.
    assert Industry.objects.get(code="0610").name_en == Industry.objects.get(code="061").name_en


@pytest.mark.django_db
def test_english_names_resolve_but_placeholders_do_not():
    assert selectors.region_resolve("Zhifu District").code == "370602"
    assert selectors.region_resolve("Districts") is None
