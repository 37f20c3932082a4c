"""The listing registry: every kind of record the intelligence apps work on, declared once.

Each app that owns a kind (achievements, demands, experts, organisations) registers it in its
``AppConfig.ready`` with its own visibility selector. The intelligence apps (matching,
duplicates, imports) and the edges reach listings only through this registry, so they never
re-implement a visibility rule, and ``core`` never imports an app above it.

The registry also carries the few hooks that let a lower layer call into a higher one without
importing it: the viewer factory and an organisation's administrators (organisations), the
notifier (notifications), "a listing was created" listeners and the duplicate check of a create
flow (duplicates), the jobs queued when the server starts (matching), the actions offered
on a record's detail page (enquiries on a listing; pipeline on a listing or an enquiry), and
the opening of a turnkey project from an outcome recorded elsewhere (pipeline).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.apps import apps
from django.utils.translation import gettext as _

from jieli.core.errors import InvalidInput

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db import models
    from django.db.models import QuerySet

    from jieli.core.viewer import Viewer


@dataclass(frozen=True)
class ListingKind:
    """One kind of record: where it lives, who may see it, what text describes it."""

    kind: str  # singular, as stored in matches, duplicate cases, vectors: "achievement"
    plural: str  # as in URLs, imports and exports: "achievements"
    model_label: str  # "achievements.Achievement"
    visible: Callable[[Viewer], QuerySet[Any]]  # the owning app's one visibility selector
    title_field: str
    text_fields: tuple[str, ...]  # free text describing the record (duplicate detection)
    detail_url: str  # URL name taking ``pk``
    is_listing: bool = True  # has an owner organisation and a life cycle
    # (viewer, params) -> (columns, queryset) for exports; None: not exportable.
    export: Callable[[Viewer, Mapping[str, Any]], tuple[list[Any], Any]] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def label(self) -> str:
        """The kind's name in the active language (the model's verbose name)."""
        return str(self.model._meta.verbose_name)


_KINDS: dict[str, ListingKind] = {}


def register_kind(spec: ListingKind) -> None:
    """Declare a kind (idempotent: ``ready`` may run more than once in tests)."""
    _KINDS[spec.kind] = spec


def kinds() -> list[ListingKind]:
    return list(_KINDS.values())


def find_kind(name: Any) -> ListingKind | None:
    """The kind named ``name`` (singular or plural), or None."""
    if not isinstance(name, str):
        return None
    spec = _KINDS.get(name)
    if spec is not None:
        return spec
    return next((s for s in _KINDS.values() if s.plural == name), None)


def get_kind(name: Any) -> ListingKind:
    """The kind named ``name``; InvalidInput (field ``kind``) for an unknown name."""
    spec = find_kind(name)
    if spec is None:
        raise InvalidInput(
            fields={"kind": [_("Choose one of: {options}.").format(options=", ".join(_KINDS))]}
        )
    return spec


def visible(viewer: Viewer, name: str) -> QuerySet[Any]:
    """What ``viewer`` may see of kind ``name``, by the owning app's own selector."""
    return get_kind(name).visible(viewer)


# --- hooks -------------------------------------------------------------------------------------

ViewerFactory = Callable[["AbstractBaseUser | AnonymousUser"], "Viewer"]
_viewer_factory: list[ViewerFactory] = []


def register_viewer_factory(factory: ViewerFactory) -> None:
    _viewer_factory[:] = [factory]


def viewer_factory() -> ViewerFactory:
    if not _viewer_factory:
        raise LookupError("No viewer factory registered (is jieli.organisations installed?)")
    return _viewer_factory[0]


_owner_admin_ids: list[Callable[[int], list[int]]] = []


def register_owner_admin_ids(lookup: Callable[[int], list[int]]) -> None:
    _owner_admin_ids[:] = [lookup]


def owner_admin_ids(organisation_id: int | None) -> list[int]:
    """User ids of the active administrators of an organisation (whom its notices go to)."""
    if organisation_id is None or not _owner_admin_ids:
        return []
    return _owner_admin_ids[0](organisation_id)


class Notifier(Protocol):
    """``notifications.services.notification_send``, for the core's own notices (reminders)."""

    def __call__(
        self,
        *,
        kind: str,
        recipient_ids: Any,
        target: models.Model | None = None,
        params: dict[str, Any] | None = None,
        actor_id: int | None = None,
        dedupe_key: str | None = None,
    ) -> int: ...


_notifier: list[Notifier] = []


def register_notifier(send: Notifier) -> None:
    _notifier[:] = [send]


def notifier() -> Notifier:
    if not _notifier:
        raise LookupError("No notifier registered (is jieli.notifications installed?)")
    return _notifier[0]


_created_listeners: list[Callable[[str, int], None]] = []


def on_listing_created(listener: Callable[[str, int], None]) -> None:
    """Call ``listener(kind, pk)`` whenever a create service has saved a record."""
    if listener not in _created_listeners:
        _created_listeners.append(listener)


def listing_created(kind: str, pk: int) -> None:
    """Called by create services inside their transaction."""
    for listener in _created_listeners:
        listener(kind, pk)


class DuplicateCheck(Protocol):
    """What a create flow asks before saving: suspects, then the creator's choice."""

    def suspects(self, *, kind: str, data: Mapping[str, Any], viewer: Viewer) -> list[Any]: ...

    def creator_choice(
        self, *, viewer: Viewer, kind: str, record: models.Model, choice: str
    ) -> None: ...


class _NoDuplicateCheck:
    def suspects(self, *, kind: str, data: Mapping[str, Any], viewer: Viewer) -> list[Any]:
        return []

    def creator_choice(
        self, *, viewer: Viewer, kind: str, record: models.Model, choice: str
    ) -> None:
        return None


_duplicate_check: list[DuplicateCheck] = []


def register_duplicate_check(check: DuplicateCheck) -> None:
    _duplicate_check[:] = [check]


def duplicate_check() -> DuplicateCheck:
    """The registered duplicate check, or one that finds nothing (duplicates not installed)."""
    return _duplicate_check[0] if _duplicate_check else _NoDuplicateCheck()


# (viewer, kind, record) -> [(label, url)]: actions a higher app offers on a record's detail page
# (the enquiries app's "Enquire" button on a listing), shown by the ``listing_actions`` template
# tag (``listing_actions.html``). ``kind`` is a listing kind or another record's page that asks
# for actions: "enquiry" (the pipeline's "Open a turnkey project" once an intention is signed).
# Each action returns [] for the kinds it does not serve.
ListingAction = Callable[["Viewer", str, Any], list[tuple[str, str]]]
_listing_actions: list[ListingAction] = []


def register_listing_action(action: ListingAction) -> None:
    if action not in _listing_actions:
        _listing_actions.append(action)


def listing_actions(viewer: Viewer, kind: str, record: Any) -> list[tuple[str, str]]:
    """The (label, url) of every action registered for ``record`` of ``kind`` and ``viewer``."""
    return [item for action in _listing_actions for item in action(viewer, kind, record)]


# (viewer, kind, record) -> [{"title", "rows": [(label, value)], "url"}]: summaries a higher app
# shows on a record's detail page and in its API (the latest issued evaluation), each already
# filtered by that app's own visibility rule; shown by the ``listing_summaries`` template tag.
ListingSummary = Callable[["Viewer", str, Any], list[dict[str, Any]]]
_listing_summaries: list[ListingSummary] = []


def register_listing_summary(summary: ListingSummary) -> None:
    if summary not in _listing_summaries:
        _listing_summaries.append(summary)


def listing_summaries(viewer: Viewer, kind: str, record: Any) -> list[dict[str, Any]]:
    """Every registered summary of ``record`` of ``kind`` that ``viewer`` may see."""
    return [item for summary in _listing_summaries for item in summary(viewer, kind, record)]


_startup_jobs: list[Callable[[], Any]] = []


def register_startup_job(job: Callable[[], Any]) -> None:
    """A job ``jieli_serve`` queues when the server starts with its worker."""
    if job not in _startup_jobs:
        _startup_jobs.append(job)


def startup_jobs() -> list[Callable[[], Any]]:
    return list(_startup_jobs)


class ProjectOpener(Protocol):
    """``pipeline.opening_services.project_open_from``: open a turnkey project from an outcome
    recorded elsewhere.

    Called by apps that sit beside or above the pipeline without importing it (a fair's meeting
    whose outcome is "intention signed" or "contract"). ``origin`` names the source ("meeting"),
    ``origin_id`` its id; ``agency_id`` the service agency to run it (None: the opener
    chooses, e.g. the viewer's own agency). The opener checks that ``viewer`` may open it and
    returns the project (which has ``get_absolute_url``); it raises a ``ServiceError`` when it
    refuses.
    """

    def __call__(
        self,
        *,
        viewer: Viewer,
        origin: str,
        origin_id: int,
        title: str,
        achievement_ids: list[int],
        demand_id: int | None,
        enterprise_id: int | None,
        agency_id: int | None = None,
    ) -> Any: ...


_project_opener: list[ProjectOpener] = []


def register_project_opener(opener: ProjectOpener) -> None:
    _project_opener[:] = [opener]


def project_opener() -> ProjectOpener | None:
    """The registered opener, or None (the pipeline is not installed: offer no such action)."""
    return _project_opener[0] if _project_opener else None
