"""Roles × every page and API endpoint of the watchlists app: exact status AND side effect.

A shortlist or a saved search is its owner's alone (here the owner organisation's member):
for every other role, the secretariat included, it does not exist (404), and nothing changes.
"""

import pytest
from django.urls import reverse

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.listing import Visibility
from jieli.core.tests.matrix import ROLES, as_page, check, reads, writes
from jieli.organisations.tests.factories import viewer_of
from jieli.watchlists import services
from jieli.watchlists.models import Shortlist, ShortlistItem, Subscription

pytestmark = pytest.mark.django_db
JSON = "application/json"


def state():
    return (
        sorted(Shortlist.objects.values_list("pk", "owner_id", "name")),
        sorted(
            ShortlistItem.objects.values_list("pk", "shortlist_id", "kind", "object_id", "note")
        ),
        sorted(Subscription.objects.values_list("pk", "owner_id", "type", "q", "is_active")),
    )


@pytest.fixture
def world(roles):
    public = AchievementFactory(owner=roles.other_org, title="公开成果 锂电池")
    private = AchievementFactory(
        owner=roles.owner_org, title="私有成果", visibility=Visibility.PRIVATE
    )
    viewer = viewer_of(roles.owner_member)
    item = services.shortlist_item_add(viewer=viewer, kind="achievement", object_id=public.pk)
    search = services.saved_search_create(viewer=viewer, data={"q": "锂电池"})
    return {
        "public": public,
        "private": private,
        "item": item,
        "shortlist": item.shortlist,
        "search": search,
    }


def _check(roles, role, matrix, call):
    return check(roles, role, matrix, call, state=state)


OWN_READ = reads(
    anonymous=401,
    registered=404,
    other_member=404,
    owner_member=200,
    owner_admin=404,
    secretariat=404,
)
OWN_WRITE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(204, True),
    owner_admin=(404, False),
    secretariat=(404, False),
)
OWN_PAGE_WRITE = as_page(OWN_WRITE)
OWN_PAGE_READ = as_page(OWN_READ)
# Anyone signed in may keep their own list; the anonymous visitor is asked to sign in.
ANYONE_CREATES = writes(
    anonymous=(401, False),
    registered=(201, True),
    other_member=(201, True),
    owner_member=(201, True),
    owner_admin=(201, True),
    secretariat=(201, True),
)
# The private achievement is the owner organisation's: for everyone else it does not exist.
SAVE_PRIVATE = writes(
    anonymous=(401, False),
    registered=(404, False),
    other_member=(404, False),
    owner_member=(201, True),
    owner_admin=(201, True),
    secretariat=(201, True),
)


@pytest.mark.parametrize("role", ROLES)
def test_shortlist_reads(roles, world, role):
    pk = world["shortlist"].pk
    _check(roles, role, OWN_PAGE_READ, lambda c: c.get(reverse("watchlists:shortlist", args=[pk])))
    _check(roles, role, OWN_PAGE_READ, lambda c: c.get(reverse("watchlists:export", args=[pk])))
    _check(roles, role, OWN_READ, lambda c: c.get(f"/api/v1/watch/shortlists/{pk}/items"))


@pytest.mark.parametrize("role", ROLES)
def test_rename_page(roles, world, role):
    pk = world["shortlist"].pk
    _check(
        roles,
        role,
        OWN_PAGE_WRITE,
        lambda c: c.post(reverse("watchlists:rename", args=[pk]), {"name": "改名"}),
    )


@pytest.mark.parametrize("role", ROLES)
def test_rename_api(roles, world, role):
    pk = world["shortlist"].pk
    matrix = writes(
        **{
            r: ((200, True) if cell.changes else (cell.status, False))
            for r, cell in OWN_WRITE.items()
        }
    )
    _check(
        roles,
        role,
        matrix,
        lambda c: c.patch(f"/api/v1/watch/shortlists/{pk}", {"name": "改名"}, content_type=JSON),
    )


@pytest.mark.parametrize("role", ROLES)
def test_delete_shortlist(roles, world, role):
    pk = world["shortlist"].pk
    _check(roles, role, OWN_WRITE, lambda c: c.delete(f"/api/v1/watch/shortlists/{pk}"))


@pytest.mark.parametrize("role", ROLES)
def test_delete_shortlist_page(roles, world, role):
    pk = world["shortlist"].pk
    _check(roles, role, OWN_PAGE_WRITE, lambda c: c.post(reverse("watchlists:delete", args=[pk])))


@pytest.mark.parametrize("role", ROLES)
def test_remove_item(roles, world, role):
    pk = world["item"].pk
    _check(
        roles, role, OWN_PAGE_WRITE, lambda c: c.post(reverse("watchlists:item_remove", args=[pk]))
    )


@pytest.mark.parametrize("role", ROLES)
def test_note_item_api(roles, world, role):
    pk = world["item"].pk
    _check(
        roles,
        role,
        OWN_WRITE,
        lambda c: c.patch(f"/api/v1/watch/items/{pk}", {"note": "新"}, content_type=JSON),
    )


@pytest.mark.parametrize("role", ROLES)
def test_save_a_private_listing(roles, world, role):
    pk = world["private"].pk
    _check(
        roles,
        role,
        as_page(SAVE_PRIVATE),
        lambda c: c.post(reverse("watchlists:save", args=["achievement", pk]), {"note": "x"}),
    )


@pytest.mark.parametrize("role", ROLES)
def test_add_to_someone_elses_shortlist(roles, world, role):
    pk = world["shortlist"].pk
    matrix = writes(
        **{
            r: ((201, True) if cell.changes else (cell.status, False))
            for r, cell in OWN_WRITE.items()
        }
    )
    _check(
        roles,
        role,
        matrix,
        lambda c: c.post(
            f"/api/v1/watch/shortlists/{pk}/items",
            {"kind": "achievement", "listing_id": world["private"].pk, "note": "x"},
            content_type=JSON,
        ),
    )


@pytest.mark.parametrize("role", ROLES)
def test_create_shortlist(roles, world, role):
    _check(
        roles,
        role,
        ANYONE_CREATES,
        lambda c: c.post("/api/v1/watch/shortlists", {"name": "新收藏夹"}, content_type=JSON),
    )


@pytest.mark.parametrize("role", ROLES)
def test_follow_a_private_listing(roles, world, role):
    pk = world["private"].pk
    _check(
        roles,
        role,
        SAVE_PRIVATE,
        lambda c: c.post(
            "/api/v1/watch/follows", {"kind": "achievement", "listing_id": pk}, content_type=JSON
        ),
    )


# The owner member has saved this very search already: refused (409), nothing written.
SAVE_SEARCH = writes(
    **{
        **{r: (c.status, bool(c.changes)) for r, c in ANYONE_CREATES.items()},
        "owner_member": (409, False),
    }
)


@pytest.mark.parametrize("role", ROLES)
def test_save_a_search(roles, world, role):
    _check(
        roles,
        role,
        SAVE_SEARCH,
        lambda c: c.post("/api/v1/watch/searches", {"q": "锂电池"}, content_type=JSON),
    )


@pytest.mark.parametrize("role", ROLES)
def test_pause_and_delete_a_saved_search(roles, world, role):
    pk = world["search"].pk
    _check(
        roles,
        role,
        OWN_PAGE_WRITE,
        lambda c: c.post(reverse("watchlists:toggle", args=[pk]), {"active": "0"}),
    )
    _check(roles, role, OWN_WRITE, lambda c: c.delete(f"/api/v1/watch/subscriptions/{pk}"))


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_ones_own(roles, world, role):
    response = _check(
        roles,
        role,
        reads(anonymous=401, **dict.fromkeys(ROLES[1:], 200)),
        lambda c: c.get("/api/v1/watch/subscriptions"),
    )
    if role != "anonymous":
        expected = 1 if role == "owner_member" else 0
        assert response.json()["count"] == expected
    _check(
        roles,
        role,
        as_page(reads(anonymous=401, **dict.fromkeys(ROLES[1:], 200))),
        lambda c: c.get(reverse("watchlists:shortlists")),
    )
