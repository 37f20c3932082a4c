import pytest

pytestmark = pytest.mark.django_db


def test_list_regions_children_and_search(client):
    provinces = client.get("/api/v1/regions/regions").json()
    assert provinces["count"] == 31
    cities = client.get("/api/v1/regions/regions", {"parent": "37", "page_size": 100}).json()
    assert "3710" in {r["code"] for r in cities["results"]}
    hit = client.get("/api/v1/regions/regions", {"parent": "37", "q": "文登"}).json()
    assert [r["code"] for r in hit["results"]] == ["371003"]
    assert hit["results"][0]["label"] == "山东省 威海市 文登区"


def test_list_industries_and_disciplines(client):
    divisions = client.get("/api/v1/regions/industries", {"parent": "C", "page_size": 100})
    assert divisions.status_code == 200
    assert divisions.json()["count"] == 31
    assert divisions.json()["results"][0]["section"] == "C"
    maths = client.get("/api/v1/regions/disciplines", {"parent": "A01", "page_size": 100}).json()
    assert all(r["code"].startswith("A01") for r in maths["results"])


def test_resolve_endpoint(client):
    params = {"kind": "region", "text": "山东威海文登区"}
    body = client.get("/api/v1/regions/resolve", params).json()
    assert body["code"] == "371003" and body["exact"] and body["found"]
    amb = client.get("/api/v1/regions/resolve", {"text": "鼓楼区"}).json()
    assert amb["ambiguous"] and len(amb["candidates"]) == 4
    none = client.get("/api/v1/regions/resolve", {"kind": "industry", "text": "zzzz"}).json()
    assert none["found"] is False and none["code"] is None


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/api/v1/regions/resolve", {"kind": "planet", "text": "Mars"}, 422),
        ("/api/v1/regions/resolve", {"kind": "region", "text": "山" * 201}, 400),
        ("/api/v1/regions/resolve", {"kind": "region"}, 400),
        ("/api/v1/regions/regions", {"parent": "99"}, 404),
        ("/api/v1/regions/regions", {"parent": "99", "q": "x"}, 404),
        ("/api/v1/regions/regions", {"parent": "1" * 40}, 400),
        ("/api/v1/regions/industries", {"page_size": 1000}, 400),
        ("/api/v1/regions/disciplines", {"page": 0}, 400),
    ],
)
def test_bad_input_has_the_error_shape(client, url, params, status):
    response = client.get(url, params)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["message"]
