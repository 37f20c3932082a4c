from datetime import timedelta

import pytest
from django.utils import timezone

from jieli.core.errors import Conflict, InvalidInput
from jieli.core.listing import ListingStatus, apply_transition


class FakeListing:
    """Just the fields the life cycle touches, to test the rules without a table."""

    def __init__(self, status=ListingStatus.DRAFT):
        self.status = status
        self.return_reason = ""
        self.submitted_at = self.published_at = self.confirmed_at = None
        self.reconfirm_reminded_at = self.archived_at = None

    def get_status_display(self):
        return self.status


def test_return_needs_a_reason_and_keeps_it():
    listing = FakeListing(ListingStatus.SUBMITTED)
    with pytest.raises(InvalidInput):
        apply_transition(listing, "return", reason="  ")
    apply_transition(listing, "return", reason="缺少专利号")
    assert listing.status == ListingStatus.RETURNED
    assert listing.return_reason == "缺少专利号"


def test_publishing_a_draft_directly_is_a_conflict():
    with pytest.raises(Conflict):
        apply_transition(FakeListing(ListingStatus.DRAFT), "publish")


def test_reconfirm_moves_the_confirmation_date():
    listing = FakeListing(ListingStatus.PUBLISHED)
    listing.confirmed_at = timezone.now() - timedelta(days=400)
    apply_transition(listing, "reconfirm")
    assert timezone.now() - listing.confirmed_at < timedelta(seconds=5)


def test_archived_listing_cannot_be_archived_again():
    with pytest.raises(Conflict):
        apply_transition(FakeListing(ListingStatus.ARCHIVED), "archive")
