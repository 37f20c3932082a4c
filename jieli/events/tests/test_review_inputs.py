"""Found in review: names with line breaks broke every participant's .ics (a 500); a session of
a hundred years made the scheduler's slot grid unbounded; odd walk-in ids were a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jieli.events.calendar import agenda_ics
from jieli.events.models import Event
from jieli.events.services import check_event_data
from jieli.events.tests.factories import fair_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "Fair\nBEGIN:VEVENT"}, "name"),
        ({"name": "Fair\rX"}, "name"),
        ({"venue": "会展中心\n第二行"}, "venue"),
    ],
)
def test_names_with_control_characters_are_refused(overrides, field):
    assert field in check_event_data(fair_data(**overrides))


def test_sessions_are_bounded_in_length_and_span():
    data = fair_data()
    day = data["sessions"][0][1]
    long = fair_data(sessions=[("全年", day, day + timedelta(days=365))])
    assert "24" in " ".join(check_event_data(long)["sessions"])
    spread = fair_data(
        sessions=[
            ("一", day, day + timedelta(hours=2)),
            ("二", day + timedelta(days=30), day + timedelta(days=30, hours=2)),
        ]
    )
    assert "14" in " ".join(check_event_data(spread)["sessions"])
    assert check_event_data(fair_data()) == {}


def test_a_stored_name_with_a_line_break_still_gives_a_valid_calendar(roles, listings):
    from jieli.events.tests.factories import confirmed_pair, open_fair

    fair = open_fair(roles.secretariat)
    Event.objects.filter(pk=fair.pk).update(name="Fair\nBEGIN:VEVENT")
    a, _b = confirmed_pair(roles, fair, *listings)
    fair.refresh_from_db()
    ics = agenda_ics(fair, a, []).decode()
    assert "X-WR-CALNAME:Fair BEGIN:VEVENT" in ics
    assert "\nBEGIN:VEVENT" not in ics


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "abc"])
def test_walk_in_with_odd_ids_is_a_message_not_a_500(client, roles, listings, value):
    from jieli.events.tests.factories import open_fair

    fair = open_fair(roles.secretariat)
    client.force_login(roles.secretariat)
    response = client.post(f"/events/{fair.pk}/walkin/", {"a": value, "b": "1"})
    assert response.status_code == 302
