"""Multi-row INSERTs with the new ids back, for batch services (imports).

Django's ``bulk_create`` compiles every value through the SQL compiler (expression checks,
one placeholder and one ``get_db_prep_save`` call per field per row): for a 30-field model that
is most of an import's write time. ``insert_many`` writes the same rows — same columns, same
database values — with one prepared statement per chunk: values of plain built-in fields
(text, integers, booleans, foreign keys holding an int) go to the driver as they are, the
others through the field's own ``get_db_prep_save`` (JSON, dates, decimals), memoised per call
where the value is hashable (a batch shares its timestamps). The ids come back with
``RETURNING`` (PostgreSQL, SQLite ≥ 3.35); elsewhere it falls back to ``bulk_create``.

On PostgreSQL a chunk is one ``INSERT … SELECT * FROM UNNEST(%b::type[], …)`` with one array
parameter per column (as Django 5.2's own ``bulk_create`` does where it can), bound on the server
and sent in binary: psycopg's client-side binding parses a statement's placeholders on every
call (it caches only short statements) and escapes array literals with a regular expression,
which for 500 rows × 30 columns cost more than the insert itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

# Built-in field classes whose database value is the Python value itself when that value is
# a plain str / int / bool / None (their ``get_prep_value`` only checks or coerces the type).
_PLAIN_FIELDS: tuple[type[models.Field[Any, Any]], ...] = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
    models.BooleanField,
)
_PLAIN_VALUES = (str, int, bool, type(None))
# Parameters per statement: PostgreSQL's protocol limit is 65,535; SQLite's is read from the
# connection where Python can (3.11+), else its historical default.
_PG_MAX_PARAMS = 65535
_SQLITE_DEFAULT_MAX_PARAMS = 999
_MAX_ROWS = 500


def _is_plain(field: models.Field[Any, Any]) -> bool:
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        return type(target) in _PLAIN_FIELDS or isinstance(target, models.AutoField)
    return type(field) in _PLAIN_FIELDS


def _max_params(connection: Any) -> int:
    if connection.vendor == "postgresql":
        return _PG_MAX_PARAMS
    if connection.vendor == "sqlite":
        import sqlite3

        raw = connection.connection
        limit = getattr(sqlite3, "SQLITE_LIMIT_VARIABLE_NUMBER", None)
        if raw is not None and limit is not None and hasattr(raw, "getlimit"):
            return int(raw.getlimit(limit))
        return _SQLITE_DEFAULT_MAX_PARAMS
    return int(connection.features.max_query_params or _SQLITE_DEFAULT_MAX_PARAMS)


def _preparer(field: models.Field[Any, Any], connection: Any) -> Callable[[Any], Any]:
    memo: dict[Any, Any] = {}
    prep = field.get_db_prep_save

    def convert(value: Any) -> Any:
        key = (type(value), value)
        try:
            return memo[key]
        except KeyError:
            memo[key] = out = prep(value, connection)
            return out
        except TypeError:  # unhashable (lists, dicts): JSON
            return prep(value, connection)

    if not _is_plain(field):
        return convert

    def plain(value: Any) -> Any:
        if type(value) in _PLAIN_VALUES:
            return value
        return convert(value)

    return plain


def insert_many(model: type[M], objs: Sequence[M], *, ignore_conflicts: bool = False) -> list[M]:
    """Insert unsaved ``objs`` (all of ``model``) in multi-row INSERTs; set their ids and
    saved state and return them. ``auto_now``/``auto_now_add`` fields get the time of the
    call. No signals are sent (as with ``bulk_create``). With ``ignore_conflicts`` a row that
    breaks a unique constraint is skipped (``ON CONFLICT DO NOTHING``) and no ids are set."""
    if not objs:
        return list(objs)
    opts = model._meta
    using = router.db_for_write(model)
    connection = connections[using]
    pk = opts.pk
    assert pk is not None
    if connection.vendor not in ("sqlite", "postgresql") or (
        not ignore_conflicts
        and (not connection.features.can_return_rows_from_bulk_insert or pk.attname != "id")
    ):
        return model._default_manager.bulk_create(
            list(objs), batch_size=_MAX_ROWS, ignore_conflicts=ignore_conflicts
        )
    fields = [f for f in opts.concrete_fields if f is not pk and not f.generated]
    timed = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    # ``save`` would stamp each row with its own ``now()``: one instant per call instead (the
    # rows are inserted together), shared by every row, so a batch keeps one datetime object.
    now = timezone.now()
    today = datetime.date.today()  # what DateField.pre_save uses
    stamps = [(f.attname, now if isinstance(f, models.DateTimeField) else today) for f in timed]
    for obj in objs:
        if getattr(obj, pk.attname) is not None:
            raise ValueError("insert_many inserts new rows only")
        for attname, stamp in stamps:
            setattr(obj, attname, stamp)
    qn = connection.ops.quote_name
    prepare = [(f.attname, _preparer(f, connection)) for f in fields]
    columns = ", ".join(qn(f.column) for f in fields)
    if connection.vendor == "postgresql" and _unnestable(fields, connection):
        return _insert_unnest(model, objs, fields, prepare, ignore_conflicts, using)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_chunk = max(1, min(_MAX_ROWS, _max_params(connection) // max(1, len(fields))))
    # Names come from the model (quoted), values are parameters.
    head = f"INSERT INTO {qn(opts.db_table)} ({columns}) VALUES "  # noqa: S608
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else f" RETURNING {qn(pk.column)}"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_chunk):
            chunk = objs[start : start + per_chunk]
            params: list[Any] = []
            for obj in chunk:
                params.extend(fn(getattr(obj, attname)) for attname, fn in prepare)
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
            if ignore_conflicts:
                continue
            _take_ids(chunk, cursor.fetchall(), pk.attname, using)
    return list(objs)


def _take_ids(chunk: Sequence[M], rows: list[Any], attname: str, using: str) -> None:
    """Give each object of ``chunk`` its new primary key from ``RETURNING`` (rows in order)."""
    if len(rows) != len(chunk):  # pragma: no cover - a driver that returns fewer rows
        raise RuntimeError("INSERT … RETURNING returned fewer ids than rows")
    for obj, row in zip(chunk, rows, strict=True):
        setattr(obj, attname, row[0])
        obj._state.adding = False
        obj._state.db = using


def _unnestable(fields: Sequence[models.Field[Any, Any]], connection: Any) -> bool:
    """Django's own test (``postgresql.compiler.SQLInsertCompiler.assemble_as_sql``): fields
    with a value-dependent placeholder or a type outside the backend's table (arrays…) are
    not sent as arrays."""
    for field in fields:
        typed: Any = getattr(field, "target_field", field) if field.is_relation else field
        if hasattr(field, "get_placeholder") or typed.get_internal_type() not in (
            connection.data_types
        ):
            return False
    return True


def _insert_unnest(
    model: type[M],
    objs: Sequence[M],
    fields: Sequence[models.Field[Any, Any]],
    prepare: list[tuple[str, Callable[[Any], Any]]],
    ignore_conflicts: bool,
    using: str,
) -> list[M]:
    connection = connections[using]
    qn = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    # Without the type's parameters (varchar[], not varchar(50)[]): no truncation, as Django.
    arrays = ", ".join(f"(%b)::{f.db_type(connection).split('(')[0]}[]" for f in fields)  # type: ignore[union-attr]
    columns = ", ".join(qn(f.column) for f in fields)
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else f" RETURNING {qn(pk.column)}"
    # Names come from the model (quoted), values are parameters.
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT * FROM UNNEST({arrays}){tail}"
    )
    # A server-side-binding cursor on the same connection (the same transaction), arrays sent
    # in binary: Django's client-side cursor renders each array as a literal, escaping every
    # quote of every JSON value with a regular expression.
    import psycopg  # PostgreSQL only

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    with connection._prepare_cursor(raw) as cursor:  # type: ignore[attr-defined]
        for start in range(0, len(objs), _MAX_ROWS):
            chunk = objs[start : start + _MAX_ROWS]
            params = [[fn(getattr(obj, attname)) for obj in chunk] for attname, fn in prepare]
            cursor.execute(sql, params)
            if ignore_conflicts:
                continue
            _take_ids(chunk, cursor.fetchall(), pk.attname, using)
    return list(objs)
