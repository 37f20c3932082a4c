"""Fuzzing found two API input schemas named ``MoveIn`` (facilities and evaluations): the OpenAPI
document keeps one component per name, so one operation documented the other's body."""

from __future__ import annotations

import ninja


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def test_every_api_schema_class_has_its_own_name():
    import jieli.api  # noqa: F401 - every app's router (and its schemas) imported

    modules: dict[str, set[str]] = {}
    for cls in _subclasses(ninja.Schema):
        if cls.__module__.startswith("jieli.") and ".tests" not in cls.__module__:
            modules.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: mods for name, mods in modules.items() if len(mods) > 1} == {}
