"""Who may ask for an evaluation is one rule (``selectors.may_request_evaluation``): the
"Request an evaluation" button on an achievement's page is offered exactly to the people the
request service accepts, for a published achievement and for a draft."""

from __future__ import annotations

import pytest

from jieli.achievements.tests.factories import AchievementFactory
from jieli.core.errors import InvalidInput, NotFound, PermissionDenied
from jieli.core.tests.matrix import ROLES
from jieli.evaluations import selectors, services
from jieli.evaluations.tests.test_services import FUTURE
from jieli.evaluations.views import evaluate_action
from jieli.organisations.tests.factories import viewer_of

pytestmark = pytest.mark.django_db

# role → (may request for a published achievement, for a draft)
MAY = {
    "anonymous": (False, False),
    "registered": (False, False),
    "other_member": (True, False),
    "owner_member": (True, True),
    "owner_admin": (True, True),
    "secretariat": (True, True),
}


@pytest.mark.parametrize("published", [True, False], ids=["published", "draft"])
@pytest.mark.parametrize("role", ROLES)
def test_the_button_and_the_service_follow_the_one_rule(roles, role, published):
    achievement = AchievementFactory(owner=roles.owner_org, draft=not published)
    viewer = viewer_of(roles.by_role()[role])
    expected = MAY[role][0 if published else 1]

    assert selectors.may_request_evaluation(viewer, achievement) is expected
    assert bool(evaluate_action(viewer, "achievement", achievement)) is expected
    if viewer.user_id is None:
        return
    try:
        services.evaluation_request(
            viewer=viewer,
            achievement_id=achievement.pk,
            purpose="investment",
            deadline=FUTURE,
            confidentiality="owner",
        )
    except (PermissionDenied, InvalidInput, NotFound):
        accepted = False
    else:
        accepted = True
    assert accepted is expected
