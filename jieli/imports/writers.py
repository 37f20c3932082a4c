"""Writing converted rows through each app's own services (validation, history, permissions).

Re-imports are idempotent by (source, external ID): an existing record is updated through the
app's update service only when something changed; new records are created through the create
service. History entries the services write for an import are labelled "import".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from jieli.core import registry
from jieli.core.errors import PermissionDenied, ServiceError
from jieli.core.viewer import Viewer
from jieli.imports.converters import Record

logger = logging.getLogger(__name__)
HISTORY_ACTION = "import"
IP_FIELDS = ("number", "ip_type", "legal_status", "filing_date", "grant_date", "expiry_date")


def duplicate_kind(kind: str) -> str | None:
    """The detector's (singular) name for import kind ``kind``; None where it does not apply."""
    from jieli.duplicates.kinds import DETECTED_KINDS

    spec = registry.find_kind(kind)
    return spec.kind if spec is not None and spec.kind in DETECTED_KINDS else None


def _same(obj: models.Model, data: dict[str, Any]) -> bool:
    """True when saving ``data`` would change nothing on ``obj``."""
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            current: Any = sorted(str(pk) for pk in getattr(obj, name).values_list("pk", flat=True))
            if current != sorted(str(v) for v in value or []):
                return False
            continue
        current = getattr(obj, field.attname)  # type: ignore[union-attr]
        if field.is_relation:
            if (current or None) != (value or None):
                return False
        elif isinstance(field, models.DecimalField):
            if (current is None) != (value is None) or (
                current is not None and Decimal(current) != Decimal(value)
            ):
                return False
        elif isinstance(value, str):
            if (current or "") != value.strip():
                return False
        elif current != value:
            return False
    return True


class Writer:
    """Create/update one kind of record; subclasses bind the app's services."""

    kind = ""
    model: type[models.Model]

    def __init__(self, viewer: Viewer, *, source: str, publish: bool = False):
        self.viewer = viewer
        self.source = source
        self.publish = publish
        self.history_mark = 0

    # lookups

    def existing(self, external_ids: list[str]) -> dict[str, models.Model]:
        if not external_ids:
            return {}
        qs = self.model._default_manager.filter(source=self.source, external_id__in=external_ids)
        return {obj.external_id: obj for obj in qs}  # type: ignore[attr-defined]

    def natural_match(self, rec: Record) -> models.Model | None:
        return None

    def unchanged(self, obj: models.Model, rec: Record) -> bool:
        return _same(obj, rec.data)

    # writes

    def create(self, rec: Record) -> models.Model:
        raise NotImplementedError

    def create_many(self, recs: list[Record]) -> list[models.Model | ServiceError]:
        """Create the records of a batch (inside the caller's transaction): per row, the new
        record or the error that rejected it. This default goes row by row through ``create``
        (one savepoint each); kinds with a batch service override it."""
        out: list[models.Model | ServiceError] = []
        for rec in recs:
            try:
                with transaction.atomic():
                    obj = self.create(rec)
                    self.label_history(obj)
            except ServiceError as exc:
                out.append(exc)
            else:
                out.append(obj)
        return out

    def before(self, obj: models.Model, rec: Record) -> Record:
        """What ``update(obj, rec)`` will overwrite, as a record that puts it back (undo)."""
        data: dict[str, Any] = {}
        for name in rec.data:
            field = obj._meta.get_field(name)
            if field.many_to_many:
                data[name] = [str(pk) for pk in getattr(obj, name).values_list("pk", flat=True)]
            else:
                data[name] = getattr(obj, field.attname)  # type: ignore[union-attr]
        old = Record(row=rec.row, raw={}, data=data, owner_id=rec.owner_id)
        if rec.ip_records is not None and hasattr(obj, "ip_records"):
            old.ip_records = [
                {f: getattr(ip, f) for f in IP_FIELDS}
                for ip in obj.ip_records.all()  # type: ignore[attr-defined]
            ]
        return old

    def delete_created(self, pks: list[int]) -> None:
        """Undo of an all-or-nothing import: remove the records it created, with their history."""
        from django.contrib.contenttypes.models import ContentType

        from jieli.core.models import ChangeRecord

        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            ChangeRecord.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model), object_id__in=chunk
            ).delete()
            self.model._default_manager.filter(pk__in=chunk).delete()

    def update(self, obj: models.Model, rec: Record) -> models.Model:
        raise NotImplementedError

    def _staff_provenance(self, data: dict[str, Any], rec: Record) -> dict[str, Any]:
        if rec.external_id and self.viewer.is_staff_role:
            return {**data, "source": self.source, "external_id": rec.external_id}
        return data

    def _set_provenance(self, obj: models.Model, rec: Record) -> None:
        """Where the record came from; set directly when the service leaves it to staff."""
        if rec.external_id and (
            getattr(obj, "external_id", "") != rec.external_id
            or getattr(obj, "source", "") != self.source
        ):
            type(obj)._default_manager.filter(pk=obj.pk).update(
                source=self.source, external_id=rec.external_id
            )
            obj.source, obj.external_id = self.source, rec.external_id  # type: ignore[attr-defined]

    def label_history(self, obj: models.Model) -> None:
        from django.contrib.contenttypes.models import ContentType

        from jieli.core.models import ChangeRecord

        ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            id__gt=self.history_mark,
            actor_id=self.viewer.user_id,
            action__in=("create", "update"),
        ).update(action=HISTORY_ACTION)

    def _call(self, fn: Callable[..., Any], **kwargs: Any) -> Any:
        # The services write their own history; ``label_history`` marks it as an import.
        return fn(**kwargs)


class AchievementWriter(Writer):
    kind = "achievements"

    def __init__(self, *args: Any, **kwargs: Any):
        from jieli.achievements.models import Achievement

        self.model = Achievement
        super().__init__(*args, **kwargs)

    def existing(self, external_ids: list[str]) -> dict[str, models.Model]:
        found = super().existing(external_ids)
        if found:
            from django.db.models import prefetch_related_objects

            prefetch_related_objects(list(found.values()), "ip_records")
        return found

    def unchanged(self, obj: models.Model, rec: Record) -> bool:
        if not _same(obj, rec.data):
            return False
        if rec.ip_records is None:
            return True
        current = sorted(r.number for r in obj.ip_records.all())  # type: ignore[attr-defined]
        return current == sorted(r["number"] for r in rec.ip_records)

    def create(self, rec: Record) -> models.Model:
        from jieli.achievements import services

        assert rec.owner_id is not None
        obj = self._call(
            services.achievement_create,
            viewer=self.viewer,
            owner_id=rec.owner_id,
            data=self._staff_provenance(rec.data, rec),
            ip_records=rec.ip_records,
        )
        self._set_provenance(obj, rec)
        if self.publish:
            services.achievement_transition(viewer=self.viewer, pk=obj.pk, action="submit")
            services.achievement_transition(viewer=self.viewer, pk=obj.pk, action="publish")
        return obj

    def create_many(self, recs: list[Record]) -> list[models.Model | ServiceError]:
        """Through ``achievement_create_many``: set-based checks, bulk inserts, history
        labelled "import". Publishing goes through the life-cycle service row by row."""
        from jieli.achievements import services

        if self.publish or not recs:
            return super().create_many(recs)
        rows = [
            (rec.owner_id or 0, self._staff_provenance(rec.data, rec), rec.ip_records)
            for rec in recs
        ]
        results: list[models.Model | ServiceError] = list(
            services.achievement_create_many(
                viewer=self.viewer, rows=rows, history_action=HISTORY_ACTION
            )
        )
        if not self.viewer.is_staff_role:
            for rec, obj in zip(recs, results, strict=True):
                if isinstance(obj, models.Model):
                    self._set_provenance(obj, rec)
        return results

    def update(self, obj: models.Model, rec: Record) -> models.Model:
        from jieli.achievements import services

        _check_owner(obj, rec)
        return self._call(
            services.achievement_update,
            viewer=self.viewer,
            pk=obj.pk,
            data=rec.data,
            ip_records=rec.ip_records,
        )


class DemandWriter(Writer):
    kind = "demands"

    def __init__(self, *args: Any, **kwargs: Any):
        from jieli.demands.models import Demand

        self.model = Demand
        super().__init__(*args, **kwargs)

    def create(self, rec: Record) -> models.Model:
        from jieli.demands import services

        obj = self._call(
            services.demand_create,
            viewer=self.viewer,
            data=self._staff_provenance({**rec.data, "owner": rec.owner_id}, rec),
        )
        self._set_provenance(obj, rec)
        if self.publish:
            services.demand_transition(viewer=self.viewer, pk=obj.pk, action="submit")
            services.demand_transition(viewer=self.viewer, pk=obj.pk, action="publish")
        return obj

    def update(self, obj: models.Model, rec: Record) -> models.Model:
        from jieli.demands import services

        _check_owner(obj, rec)
        return self._call(services.demand_update, viewer=self.viewer, pk=obj.pk, data=rec.data)


class OrganisationWriter(Writer):
    kind = "organisations"

    def __init__(self, *args: Any, **kwargs: Any):
        from jieli.organisations.models import Organisation

        self.model = Organisation
        super().__init__(*args, **kwargs)

    def natural_match(self, rec: Record) -> models.Model | None:
        code = rec.data.get("credit_code")
        if not code:
            return None
        return self.model._default_manager.filter(credit_code=code).first()

    def create(self, rec: Record) -> models.Model:
        from jieli.organisations import services

        obj = self._call(services.organisation_create, viewer=self.viewer, data=rec.data)
        self._set_provenance(obj, rec)
        return obj

    def update(self, obj: models.Model, rec: Record) -> models.Model:
        from jieli.organisations import services

        obj = self._call(
            services.organisation_update, viewer=self.viewer, organisation_id=obj.pk, data=rec.data
        )
        self._set_provenance(obj, rec)
        return obj


class ExpertWriter(Writer):
    kind = "experts"

    def __init__(self, *args: Any, **kwargs: Any):
        from jieli.experts.models import Expert

        self.model = Expert
        super().__init__(*args, **kwargs)

    def create(self, rec: Record) -> models.Model:
        from jieli.experts import services

        obj = self._call(
            services.expert_create, viewer=self.viewer, data=self._staff_provenance(rec.data, rec)
        )
        self._set_provenance(obj, rec)
        return obj

    def update(self, obj: models.Model, rec: Record) -> models.Model:
        from jieli.experts import services

        return self._call(services.expert_update, viewer=self.viewer, pk=obj.pk, data=rec.data)


def _check_owner(obj: models.Model, rec: Record) -> None:
    if rec.owner_id is not None and obj.owner_id != rec.owner_id:  # type: ignore[attr-defined]
        raise PermissionDenied(_("A record with this external ID belongs to another organisation."))


WRITERS: dict[str, type[Writer]] = {
    "achievements": AchievementWriter,
    "demands": DemandWriter,
    "organisations": OrganisationWriter,
    "experts": ExpertWriter,
}
