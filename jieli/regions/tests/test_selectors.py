import pytest

from jieli.core.errors import InvalidInput, NotFound
from jieli.regions import selectors
from jieli.regions.models import Discipline, Industry, Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("山东省威海市", "3710"),
        ("威海", "3710"),
        ("山东威海文登区", "371003"),
        ("山东省 威海市 文登区", "371003"),
        ("北京", "11"),
        ("北京市东城区", "110101"),
        ("Shandong", "37"),
        ("Inner Mongolia", "15"),
        ("广西", "45"),
        ("延边", "2224"),
        ("海南", "46"),
        ("吉林市", "2202"),
        ("福州鼓楼区", "350102"),
        ("370000", "37"),
        ("371003", "371003"),
    ],
)
def test_region_resolve(text, code):
    result = selectors.region_resolve(text)
    assert result is not None
    assert result.code == code
    assert not result.ambiguous


def test_region_resolve_reports_ambiguity():
    result = selectors.region_resolve("鼓楼区")
    assert result is not None and result.ambiguous
    assert result.code is None
    assert {c.code for c in result.candidates} == {"320106", "320302", "350102", "410204"}
    shandong = selectors.region_resolve("山东市中区")
    assert shandong is not None and shandong.ambiguous and shandong.code == "37"


def test_region_resolve_keeps_unmatched_address_text():
    result = selectors.region_resolve("中国山东省济南市历下区经十路1号")
    assert result is not None and result.code == "370102"
    assert result.unmatched == "经十路1号" and not result.exact


@pytest.mark.parametrize("text", ["火星基地", "xyzzy", "", "999999"])
def test_region_resolve_nonsense_is_none(text):
    assert selectors.region_resolve(text) is None


def test_resolve_rejects_overlong_text():
    with pytest.raises(InvalidInput):
        selectors.region_resolve("山" * 500)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("C38", "38"),
        ("3811", "3811"),
        ("c3811", "3811"),
        ("C", "C"),
        ("电气机械", "38"),
        ("制造业——通用设备制造业", "34"),
        ("电力、热力、燃气、及水生产和供应业——电力、热力生产和供应业", "44"),
        ("Manufacturing", "C"),
    ],
)
def test_industry_resolve(text, code):
    result = selectors.industry_resolve(text)
    assert result is not None and result.code == code


def test_industry_resolve_wrong_section_or_nonsense():
    assert selectors.industry_resolve("D38") is None
    assert selectors.industry_resolve("qqqq") is None
    vague = selectors.industry_resolve("其他")
    assert vague is not None and vague.ambiguous and vague.candidates


@pytest.mark.parametrize(
    ("text", "code"),
    [("A01", "A01"), ("a0101", "A0101"), ("数论", "A0101"), ("Number Theory", "A0101")],
)
def test_discipline_resolve(text, code):
    result = selectors.discipline_resolve(text)
    assert result is not None and result.code == code


def test_code_resolve_unknown_kind():
    with pytest.raises(InvalidInput):
        selectors.code_resolve("planet", "Mars")


def test_region_lookups_and_display_path():
    assert selectors.region_get("37").name == "山东省"
    with pytest.raises(NotFound):
        selectors.region_get("99")
    assert selectors.region_children(None).count() == 31
    assert [r.code for r in selectors.region_children("11")] == ["1101"]
    assert [r.name for r in selectors.region_path("110101")] == ["北京市", "东城区"]
    assert selectors.region_label("371003") == "山东省 威海市 文登区"


def test_region_descendant_q_on_code_and_foreign_key():
    in_shandong = Region.objects.filter(selectors.region_descendant_q("code", "37"))
    assert in_shandong.filter(level=3).count() > 100
    assert not in_shandong.exclude(code__startswith="37").exists()
    # ForeignKey path: regions whose parent is in Weihai (i.e. its counties).
    counties = Region.objects.filter(selectors.region_descendant_q("parent_id", "3710"))
    assert set(counties.values_list("code", flat=True)) >= {"371002", "371003"}
    assert not counties.exclude(code__startswith="3710").exists()
    same = Region.objects.filter(selectors.region_descendant_q("parent", "3710"))
    assert same.count() == counties.count()
    with pytest.raises(InvalidInput):
        selectors.region_descendant_q("code", "98")


def test_industry_descendant_q_section_letter_covers_divisions():
    manufacturing = Industry.objects.filter(selectors.industry_descendant_q("code", "C"))
    codes = set(manufacturing.values_list("code", flat=True))
    assert {"C", "13", "38", "3811", "43"} <= codes
    assert "44" not in codes and "4411" not in codes and "12" not in codes
    assert codes == set(Industry.objects.filter(section="C").values_list("code", flat=True))
    division = Industry.objects.filter(selectors.industry_descendant_q("code", "C38"))
    assert not division.exclude(code__startswith="38").exists()


def test_discipline_descendant_q():
    maths = Discipline.objects.filter(selectors.discipline_descendant_q("code", "A01"))
    assert maths.filter(code="A010101").exists()
    assert not maths.exclude(code__startswith="A01").exists()


def test_validate_codes():
    assert selectors.validate_region_code("371003") == "371003"
    assert selectors.validate_region_code("370000", min_level=1) == "37"
    with pytest.raises(InvalidInput) as exc:
        selectors.validate_region_code("37")
    assert exc.value.fields["region"]
    with pytest.raises(InvalidInput):
        selectors.validate_region_code("123456")
    assert selectors.validate_industry_code("C38") == "38"
    with pytest.raises(InvalidInput):
        selectors.validate_industry_code("38", min_level=4)
    assert selectors.validate_discipline_code("f02") == "F02"
    with pytest.raises(InvalidInput):
        selectors.validate_discipline_code("Z99")


def test_lookup_tables_are_cached(django_assert_num_queries):
    selectors.region_resolve("威海")
    with django_assert_num_queries(0):
        selectors.region_resolve("山东威海文登区")
        selectors.region_label("371003")
