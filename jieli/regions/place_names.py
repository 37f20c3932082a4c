"""English forms of Chinese administrative division names, for the code lists' ``name_en``.

A name is split into its proper name, the ethnic groups of an autonomous division and the kind
of division: the proper name is romanised in Hanyu Pinyin without tones (``pypinyin``, with an
apostrophe where a syllable would otherwise run into the one before, as in Xi'an), the rest is
translated: 芝罘区 → "Zhifu District", 延边朝鲜族自治州 → "Yanbian Korean Autonomous Prefecture",
烟台经济技术开发区 → "Yantai Economic and Technological Development Zone".

The loader computes these once per load of the code lists and stores them; nothing here runs
per request. No Django here.
"""

from __future__ import annotations

from collections.abc import Mapping

from pypinyin import lazy_pinyin

# Names that are not "proper name + kind": the placeholders that group counties, and a few
# divisions whose name is a description.
WHOLE_NAMES_EN: dict[str, str] = {
    "市辖区": "Districts",
    "县": "Counties",
    "省直辖县级行政区划": "County-level divisions under the province",
    "自治区直辖县级行政区划": "County-level divisions under the autonomous region",
    "神农架林区": "Shennongjia Forestry District",
    "中沙群岛的岛礁及其海域": "Islands, Reefs and Waters of the Zhongsha Islands",
    "中新苏滁高新技术产业开发区": (
        "China-Singapore Suzhou-Chuzhou High-tech Industrial Development Zone"
    ),
    "格尔木藏青工业园区": "Ge'ermu Tibet-Qinghai Industrial Park",
    "东营港经济开发区": "Dongying Port Economic Development Zone",
}

# The kind of division (or zone) at the end of a name, longest first within each group; the
# number is the shortest proper name the suffix may leave (清新区 is Qingxin District, not a
# 新区 called 清).
_KINDS_EN: tuple[tuple[str, str, int], ...] = (
    ("特别行政区", "Special Administrative Region", 1),
    ("自治区", "Autonomous Region", 0),
    ("自治州", "Autonomous Prefecture", 0),
    ("自治县", "Autonomous County", 0),
    ("自治旗", "Autonomous Banner", 0),
    ("高新技术产业开发区", "High-tech Industrial Development Zone", 1),
    ("航空港经济综合实验区", "Airport Economy Comprehensive Experimental Zone", 1),
    ("综合物流产业聚集区", "Comprehensive Logistics Industry Cluster Zone", 1),
    ("中国新加坡食品区", "China-Singapore Food Zone", 1),
    ("高技术产业开发区", "High-tech Industrial Development Zone", 1),
    ("高新技术产业园区", "High-tech Industrial Park", 1),
    ("高新技术开发区", "High-tech Development Zone", 1),
    ("经济技术开发区", "Economic and Technological Development Zone", 1),
    ("经济开发区", "Economic Development Zone", 1),
    ("开发区", "Development Zone", 1),
    ("转型综合改革示范区", "Transformation and Comprehensive Reform Demonstration Zone", 1),
    ("城乡一体化示范区", "Urban-Rural Integration Demonstration Zone", 1),
    ("示范区", "Demonstration Zone", 1),
    ("文化旅游创意园区", "Cultural Tourism and Creative Park", 1),
    ("循环化工园区", "Circular Chemical Industry Park", 1),
    ("现代产业园区", "Modern Industrial Park", 1),
    ("工业园区", "Industrial Park", 1),
    ("管理区管委会", "Administrative Zone", 1),
    ("管理区", "Administrative Zone", 1),
    ("行政委员会", "Administrative Committee", 1),
    ("新区", "New Area", 2),
    ("新城", "New Town", 2),
    ("群岛", "Islands", 1),
    ("特区", "Special District", 1),
    ("矿区", "Mining District", 0),
    ("联合旗", "United Banner", 1),
    ("左旗", "Left Banner", 1),
    ("右旗", "Right Banner", 1),
    ("前旗", "Front Banner", 1),
    ("中旗", "Middle Banner", 1),
    ("后旗", "Rear Banner", 1),
    ("地区", "Prefecture", 1),
    ("省", "Province", 1),
    ("市", "City", 1),
    ("盟", "League", 1),
    ("旗", "Banner", 1),
    ("区", "District", 1),
    ("县", "County", 1),
)
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
# Zones (not administrative divisions proper) are named after the places they lie in.
_ZONE_KINDS = frozenset(
    suffix
    for suffix, english, _shortest in _KINDS_EN
    if english.endswith(("Zone", "Park", "New Area", "New Town", "Committee"))
)
# Words between the proper name and the kind (科尔沁右翼前旗: Horqin Right Wing Front Banner).
_QUALIFIERS_EN: tuple[tuple[str, str], ...] = (
    ("右翼", "Right Wing"),
    ("左翼", "Left Wing"),
    ("稀土", "Rare Earth"),
    ("汽车", "Automotive"),
    ("火炬", "Torch"),
)

# The 56 ethnic groups' English names as used in the names of autonomous divisions.
ETHNIC_GROUPS_EN: dict[str, str] = {
    "汉": "Han",
    "蒙古": "Mongol",
    "回": "Hui",
    "藏": "Tibetan",
    "维吾尔": "Uyghur",
    "苗": "Miao",
    "彝": "Yi",
    "壮": "Zhuang",
    "布依": "Buyei",
    "朝鲜": "Korean",
    "满": "Manchu",
    "侗": "Dong",
    "瑶": "Yao",
    "白": "Bai",
    "土家": "Tujia",
    "哈尼": "Hani",
    "哈萨克": "Kazakh",
    "傣": "Dai",
    "黎": "Li",
    "傈僳": "Lisu",
    "佤": "Va",
    "畲": "She",
    "高山": "Gaoshan",
    "拉祜": "Lahu",
    "水": "Sui",
    "东乡": "Dongxiang",
    "纳西": "Naxi",
    "景颇": "Jingpo",
    "柯尔克孜": "Kyrgyz",
    "土": "Tu",
    "达斡尔": "Daur",
    "仫佬": "Mulao",
    "羌": "Qiang",
    "布朗": "Blang",
    "撒拉": "Salar",
    "毛南": "Maonan",
    "仡佬": "Gelao",
    "锡伯": "Xibe",
    "阿昌": "Achang",
    "普米": "Pumi",
    "塔吉克": "Tajik",
    "怒": "Nu",
    "乌孜别克": "Uzbek",
    "俄罗斯": "Russian",
    "鄂温克": "Evenki",
    "德昂": "De'ang",
    "保安": "Bonan",
    "裕固": "Yugur",
    "京": "Gin",
    "塔塔尔": "Tatar",
    "独龙": "Derung",
    "鄂伦春": "Oroqen",
    "赫哲": "Hezhen",
    "门巴": "Monba",
    "珞巴": "Lhoba",
    "基诺": "Jino",
    "各": "Multi-ethnic",
}
_GROUPS_LONGEST_FIRST = sorted(ETHNIC_GROUPS_EN, key=len, reverse=True)

# Readings that pypinyin gets wrong in these names (polyphonic characters), checked against
# the divisions' usual romanisation: characters read one way in every division name …
CHARACTER_READINGS: dict[str, str] = {
    "长": "chang",
    "都": "du",
    "柏": "bai",
    "佛": "fo",
    "什": "shi",
    "勒": "le",
    "蚌": "beng",
    "漯": "luo",
    "圩": "xu",
}
# … and the names where a character is read otherwise.
PLACE_READINGS: dict[str, tuple[str, ...]] = {
    "长子": ("zhang", "zi"),
    "单县": ("shan", "xian"),
    "洪洞": ("hong", "tong"),
    "涡阳": ("guo", "yang"),
    "筠连": ("jun", "lian"),
    "浚县": ("xun", "xian"),
    "朝阳": ("chao", "yang"),
    "六合": ("lu", "he"),
    "南乐": ("nan", "le"),
    "民乐": ("min", "le"),
    "闵行": ("min", "hang"),
    "浪卡子": ("lang", "ka", "zi"),
    "马尾": ("ma", "wei"),
    "红寺堡": ("hong", "si", "bu"),
    "泊头": ("bo", "tou"),
    "称多": ("chen", "duo"),
    "伽师": ("jia", "shi"),
    "召陵": ("shao", "ling"),
    "繁峙": ("fan", "shi"),
    "荥经": ("ying", "jing"),
}


def _syllables(name: str) -> list[str]:
    """One toneless pinyin syllable per character of ``name`` (read in context)."""
    syllables = lazy_pinyin(name, v_to_u=True)
    if len(syllables) != len(name) or any(len(s) == 0 for s in syllables):
        syllables = [lazy_pinyin(ch, v_to_u=True)[0] if ch.strip() else "" for ch in name]
    syllables = [CHARACTER_READINGS.get(ch, s) for ch, s in zip(name, syllables, strict=True)]
    for word, reading in PLACE_READINGS.items():
        start = name.find(word)
        while start >= 0:
            syllables[start : start + len(word)] = list(reading)
            start = name.find(word, start + len(word))
    return syllables


def _word(syllables: list[str]) -> str:
    """Syllables written as one word: "xi", "an" → "Xi'an"."""
    text = ""
    for syllable in syllables:
        if text and syllable[:1] in ("a", "o", "e"):
            text += "'"
        text += syllable
    return text[:1].upper() + text[1:]


def _strip_kind(stem: str) -> tuple[str, str, str] | None:
    """(proper name, English kind, Chinese suffix), or None for a name without a known kind."""
    for suffix, english, shortest in _KINDS_EN:
        if stem.endswith(suffix) and len(stem) - len(suffix) >= shortest:
            return stem[: -len(suffix)], english, suffix
    return None


def _strip_groups(stem: str) -> tuple[str, list[str]]:
    """Ethnic groups at the end of an autonomous division's proper name, in order."""
    groups: list[str] = []
    while stem:
        for group in _GROUPS_LONGEST_FIRST:
            if stem.endswith(group + "族"):
                stem = stem[: -len(group) - 1]
                break
            # Without 族 only for names of two or more characters (伊犁哈萨克自治州), and never
            # leaving a one-character proper name; 鄂伦春自治旗 is all group.
            if len(group) >= 2 and stem.endswith(group) and len(stem) - len(group) != 1:
                stem = stem[: -len(group)]
                break
        else:
            break
        groups.insert(0, ETHNIC_GROUPS_EN[group])
    return stem, groups


def _join_groups(groups: list[str]) -> str:
    if len(groups) <= 1:
        return "".join(groups)
    return ", ".join(groups[:-1]) + " and " + groups[-1]


def _proper_words(name: str, stem: str, known: Mapping[str, str], *, zone: bool) -> list[str]:
    """The proper name as words. A zone is named after places: the province's or prefecture's
    name it starts with is a word of its own (河北唐山芦台 → Hebei Tangshan Lutai; a province's
    English name where it has one), and a 市 or 省 right after it is dropped
    (秦皇岛市经济技术开发区 → Qinhuangdao …). Other names are one word."""
    syllables = _syllables(name)
    if not stem:
        return []
    if not zone or not known:
        return [_word(syllables[: len(stem)])]
    longest = max(len(k) for k in known)
    words: list[str] = []
    pending = -1
    i = 0
    while i < len(stem):
        size = next(
            (n for n in range(min(longest, len(stem) - i), 1, -1) if stem[i : i + n] in known),
            0,
        )
        if not size:
            pending = i if pending < 0 else pending
            i += 1
            continue
        if pending >= 0:
            words.append(_word(syllables[pending:i]))
            pending = -1
        words.append(known[stem[i : i + size]] or _word(syllables[i : i + size]))
        i += size
        if i < len(stem) and stem[i] in "市省":
            i += 1
    if pending >= 0:
        words.append(_word(syllables[pending : len(stem)]))
    return words


def proper_name(name: str) -> str:
    """The part of a division's name before its kind and ethnic groups (河北省 → 河北)."""
    stripped = _strip_kind(name)
    if stripped is None:
        return name
    stem = stripped[0]
    if name.endswith(_AUTONOMOUS):
        stem = _strip_groups(stem)[0]
    return stem


def place_name_en(name: str, *, known: Mapping[str, str] | None = None) -> str:
    """The English form of a division's Chinese name (see the module's doc).

    ``known`` maps proper names of provinces and prefectures (see ``proper_name``) to their
    English form, or to "" for the romanised one: a zone named after them is split there into
    words.
    """
    name = name.strip()
    if not name:
        return ""
    if name in WHOLE_NAMES_EN:
        return WHOLE_NAMES_EN[name]
    words: list[str] = []
    stem = name
    zone = False
    stripped = _strip_kind(stem)
    if stripped is not None:
        stem, kind, suffix = stripped
        zone = suffix in _ZONE_KINDS
        words.append(kind)
        if name.endswith(_AUTONOMOUS):
            stem, groups = _strip_groups(stem)
            if groups:
                words.insert(0, _join_groups(groups))
        qualified = True
        while qualified:
            qualified = False
            for qualifier, english in _QUALIFIERS_EN:
                if stem.endswith(qualifier) and len(stem) > len(qualifier):
                    stem = stem[: -len(qualifier)]
                    words.insert(0, english)
                    qualified = True
                    break
    return " ".join([*_proper_words(name, stem, known or {}, zone=zone), *words])
