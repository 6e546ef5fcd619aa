"""Two API schemas of one name would be one OpenAPI component: the second silently documents the first's
fields (events' and governance's `TransitionIn` did): clients and Schemathesis then send a wrong body."""

import importlib
import pkgutil

from ninja import Schema

import kafaat


def _schema_classes() -> list[type]:
    for module in pkgutil.walk_packages(kafaat.__path__, "kafaat."):
        if module.name.rsplit(".", 1)[-1].startswith("api"):
            importlib.import_module(module.name)
    found, pending = [], list(Schema.__subclasses__())
    while pending:
        schema = pending.pop()
        pending.extend(schema.__subclasses__())
        if schema.__module__.startswith("kafaat."):
            found.append(schema)
    return found


def test_every_api_schema_has_a_name_of_its_own():
    owners: dict[str, set[str]] = {}
    for schema in _schema_classes():
        owners.setdefault(schema.__name__, set()).add(schema.__module__)
    shared = {name: sorted(modules) for name, modules in owners.items() if len(modules) > 1}
    assert not shared, shared
