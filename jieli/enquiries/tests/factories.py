"""Test data for enquiries: a published listing of the owner organisation, enquiries, brokers."""

from __future__ import annotations

from typing import Any

from jieli.enquiries import broker_services, services
from jieli.enquiries.models import Broker, Enquiry
from jieli.organisations.models import Organisation, OrganisationType
from jieli.organisations.tests.factories import OrganisationFactory, member_of, viewer_of


def send(user: Any, kind: str, pk: int, **overrides: Any) -> Enquiry:
    data = {"purpose": "licence", "message": "我们想了解授权条件。"}
    data.update(overrides)
    return services.enquiry_create(viewer=viewer_of(user), kind=kind, target_id=pk, **data)


def agency_broker(secretariat: Any, username: str = "broker") -> tuple[Broker, Organisation]:
    agency = OrganisationFactory(name="技术转移服务中心", org_type=OrganisationType.SERVICE_AGENCY)
    user = member_of(agency, username=username)
    broker = broker_services.broker_register(viewer=viewer_of(secretariat), user_id=user.pk)
    return broker, agency
