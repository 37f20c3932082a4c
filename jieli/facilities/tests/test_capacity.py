"""Capacity is never over-booked: refused at request and at acceptance (also of a proposal),
and two acceptances of the last units at the same moment let exactly one through — on SQLite
(a child process with a file database, where the write transaction serialises) and on
PostgreSQL (the platform row lock, select_for_update)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from jieli.core.errors import InvalidInput, NotFound, PermissionDenied
from jieli.facilities import services
from jieli.facilities.booking_services import booking_move
from jieli.facilities.capacity import free_units
from jieli.facilities.models import Booking, BookingStatus
from jieli.facilities.tests import race
from jieli.facilities.tests.factories import days_ahead, platform, request
from jieli.organisations.tests.factories import viewer_of


@pytest.mark.django_db
def test_request_refused_over_capacity_and_outside_the_calendar(roles, pilot):
    bad = [
        ({"units": 5}, "units"),  # the platform has 4 a day
        ({"units": 0}, "units"),
        ({"units": -2}, "units"),
        ({"units": "2"}, "units"),
        ({"units": True}, "units"),
        ({"start_date": days_ahead(8), "end_date": days_ahead(6)}, "end_date"),
        ({"start_date": days_ahead(-1), "end_date": days_ahead(2)}, "start_date"),
        ({"start_date": days_ahead(58), "end_date": days_ahead(62)}, "start_date"),  # closed
        ({"start_date": None}, "start_date"),
        ({"purpose": "  "}, "purpose"),
        ({"purpose": "x" * 3001}, "purpose"),
        ({"organisation_id": roles.owner_org.pk}, "organisation"),  # not the requester's
    ]
    for overrides, field in bad:
        with pytest.raises(InvalidInput) as exc:
            request(roles.other_member, pilot.pk, **overrides)
        assert field in exc.value.fields, (overrides, exc.value.fields)
    assert Booking.objects.count() == 0


@pytest.mark.django_db
def test_request_refused_when_accepted_bookings_leave_too_little(roles, pilot):
    operator = viewer_of(roles.owner_admin)
    first = request(roles.other_member, pilot.pk, units=3)
    booking_move(viewer=operator, pk=first.pk, move="accept")
    assert free_units(pilot, days_ahead(5), days_ahead(7)) == 1
    with pytest.raises(InvalidInput) as exc:
        request(
            roles.other_member, pilot.pk, units=2, start_date=days_ahead(7), end_date=days_ahead(9)
        )
    assert days_ahead(7).isoformat() in exc.value.fields["units"][0]
    # The days after the accepted window are free again.
    request(roles.other_member, pilot.pk, units=4, start_date=days_ahead(8), end_date=days_ahead(9))


@pytest.mark.django_db
def test_acceptance_rechecks_capacity(roles, pilot):
    operator = viewer_of(roles.owner_admin)
    a = request(roles.other_member, pilot.pk, units=3)
    b = request(roles.other_member, pilot.pk, units=2)
    booking_move(viewer=operator, pk=a.pk, move="accept")
    with pytest.raises(InvalidInput):
        booking_move(viewer=operator, pk=b.pk, move="accept")
    b.refresh_from_db()
    assert b.status == BookingStatus.REQUESTED
    # Proposing another window is fine; the requester's acceptance checks it again.
    booking_move(
        viewer=operator,
        pk=b.pk,
        move="propose",
        proposed_start=days_ahead(6),
        proposed_end=days_ahead(8),
    )
    with pytest.raises(InvalidInput):
        booking_move(viewer=viewer_of(roles.other_member), pk=b.pk, move="accept_proposal")
    b.refresh_from_db()
    assert b.status == BookingStatus.PROPOSED and b.start_date == days_ahead(5)
    # Cancelling the accepted one frees its units.
    booking_move(viewer=viewer_of(roles.other_member), pk=a.pk, move="cancel")
    booking_move(viewer=viewer_of(roles.other_member), pk=b.pk, move="accept_proposal")
    b.refresh_from_db()
    assert b.status == BookingStatus.ACCEPTED and b.start_date == days_ahead(6)


@pytest.mark.django_db
def test_platform_edit_cannot_strand_accepted_bookings(roles, pilot):
    operator = viewer_of(roles.owner_admin)
    a = request(roles.other_member, pilot.pk, units=3)
    booking_move(viewer=operator, pk=a.pk, move="accept")
    with pytest.raises(InvalidInput) as exc:
        services.platform_update(viewer=operator, pk=pilot.pk, data={"capacity_per_day": 2})
    assert "capacity_per_day" in exc.value.fields
    with pytest.raises(InvalidInput):
        services.platform_update(
            viewer=operator,
            pk=pilot.pk,
            data={
                "windows": [
                    {
                        "start_date": days_ahead(30).isoformat(),
                        "end_date": days_ahead(40).isoformat(),
                    }
                ]
            },
        )
    pilot.refresh_from_db()
    assert pilot.capacity_per_day == 4 and pilot.windows.count() == 1


@pytest.mark.django_db
def test_unpublished_or_hidden_platforms_take_no_bookings(roles):
    draft = platform(roles.owner_admin, roles.owner_org.pk, publish=False)
    # The operator's own people see the draft, but it takes no bookings yet.
    with pytest.raises(InvalidInput):
        request(roles.owner_member, draft.pk)
    # Others do not see it at all.
    with pytest.raises(NotFound):
        request(roles.other_member, draft.pk)
    with pytest.raises(PermissionDenied):
        request(roles.registered, draft.pk)  # no organisation at all


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("code_lists")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL leg (make pg)")
def test_two_acceptances_of_the_last_capacity_at_once_postgresql():
    users, ids = race.setup()
    assert race.race(users, ids) == ["accepted", "invalid"]
    assert Booking.objects.filter(status=BookingStatus.ACCEPTED).count() == 1


CHILD = r"""
import json, os
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "jieli.settings"
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from django.core.management import call_command
call_command("migrate", verbosity=0)
from jieli.facilities.models import Booking
from jieli.facilities.tests import race
users, ids = race.setup()
results = race.race(users, ids)
accepted = Booking.objects.filter(status="accepted").count()
print(json.dumps({"results": results, "accepted": accepted}))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite leg")
def test_two_acceptances_of_the_last_capacity_at_once_sqlite(tmp_path):
    repo = Path(__file__).resolve().parents[3]
    env = {**os.environ, "JIELI_VAR_DIR": str(tmp_path), "JIELI_JOBS_IMMEDIATE": "1"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report == {"results": ["accepted", "invalid"], "accepted": 1}
