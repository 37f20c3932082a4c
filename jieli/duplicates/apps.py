from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuplicatesConfig(AppConfig):
    name = "jieli.duplicates"
    label = "duplicates"
    verbose_name = _("Duplicates")

    def ready(self) -> None:
        from jieli.core import registry

        registry.register_duplicate_check(_DuplicateCheck())
        registry.on_listing_created(_queue_review)


def _queue_review(kind: str, pk: int) -> None:
    """Possible duplicates go to the secretariat's queue, whichever path created the record."""
    from jieli.duplicates.kinds import DETECTED_KINDS
    from jieli.duplicates.tasks import queue_duplicate_review

    if kind in DETECTED_KINDS:
        queue_duplicate_review(kind, pk)


class _DuplicateCheck:
    """The create flows' duplicate check, offered to the listing apps through the registry."""

    def suspects(self, *, kind: str, data: Any, viewer: Any) -> list[Any]:
        from jieli.duplicates.kinds import DETECTED_KINDS
        from jieli.duplicates.selectors import duplicate_suspects_for

        if kind not in DETECTED_KINDS:
            return []
        return duplicate_suspects_for(kind=kind, data=data, viewer=viewer)

    def creator_choice(self, *, viewer: Any, kind: str, record: Any, choice: str) -> None:
        from jieli.duplicates.services import duplicate_creator_choice

        duplicate_creator_choice(viewer=viewer, kind=kind, record=record, choice=choice)
