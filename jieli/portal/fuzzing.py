"""Seed data for ``make fuzz`` (scripts/fuzz.sh): a few records of each kind so the fuzzer
meets real ids, and a secretariat user whose write token it uses. Dev tool only: it relies on
the test factories (a dev dependency)."""

from __future__ import annotations


def seed_fuzz_instance() -> str:
    from jieli.achievements.tests.factories import AchievementFactory
    from jieli.core.models import TokenScope
    from jieli.core.services import api_token_create
    from jieli.demands.tests.factories import PublishedDemandFactory
    from jieli.experts.tests.factories import ExpertFactory
    from jieli.organisations.selectors import viewer_for_user
    from jieli.organisations.tests.factories import OrganisationFactory, secretariat_user

    org = OrganisationFactory(name="模糊测试机构", region_id="3701")
    for n in range(5):
        AchievementFactory(owner=org, title=f"固态电池储能技术{n}")
        PublishedDemandFactory(owner=org, title=f"储能电池隔膜需求{n}")
        ExpertFactory(name=f"储能专家{n}")
    user = secretariat_user("fuzz-secretariat")
    _token, key = api_token_create(
        viewer=viewer_for_user(user), name="fuzz", scope=TokenScope.WRITE, days=1
    )
    return key
