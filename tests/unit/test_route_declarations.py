"""Each HTTP route is declared once, with ``@operation(bp, ...)`` in its area's module of
``chalicelib/routes/``: method, path, auth and schemas in the one declaration that routes the
request, checks it, and describes it in ``/openapi.json``. A route added any other way (an
``@app.route`` in app.py, a bare ``bp.route`` in an area's module, an area not listed in
``chalicelib.routes.AREAS``) fails here: it would have no auth or schema check."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import pytest
from chalice import Blueprint

import app as desk_app
from chalicelib import routes
from chalicelib.entrypoints.http import OPERATIONS, PUBLIC, operation

SERVED = {(method, path): entry for path, methods in desk_app.app.routes.items() for method, entry in methods.items()}


def test_every_route_has_exactly_one_operation_and_every_operation_a_route():
    assert sorted(set(SERVED) - set(OPERATIONS)) == [], "routes without an @operation (no auth or schema declared)"
    assert sorted(set(OPERATIONS) - set(SERVED)) == [], "operations no route serves (is the area in AREAS?)"
    for route, entry in SERVED.items():
        # Served through the pipeline of this very declaration, not by a view of its own.
        assert getattr(entry.view_function, "operation", None) is OPERATIONS[route], route


def test_no_route_is_declared_in_app_py():
    tree = ast.parse(Path(desk_app.__file__).read_text())
    routed = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "route"]
    assert routed == [], f"app.py declares routes (lines {routed}): declare them in chalicelib/routes/"
    for route, entry in SERVED.items():
        assert entry.view_function.__module__.startswith("chalicelib.routes."), route


def test_every_area_module_is_listed_and_has_its_blueprint():
    modules = {name for _, name, _ in pkgutil.iter_modules(routes.__path__)}
    assert modules == {area.__name__.rsplit(".", 1)[1] for area in routes.AREAS}
    for area in routes.AREAS:
        assert isinstance(area.bp, Blueprint), area.__name__


def test_view_names_are_unique():
    # Chalice keeps one handler per name: a second view of the same name would replace the first.
    names = [entry.view_name for entry in SERVED.values()]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_a_route_cannot_be_declared_twice():
    with pytest.raises(ValueError, match="declared twice"):
        operation(Blueprint(__name__), "GET", "/health", summary="Again", auth=PUBLIC)


def test_two_handlers_cannot_share_a_name():
    def health(call):  # the name of /health's handler
        return {}

    declare = operation(Blueprint(__name__), "GET", "/never-routed", summary="Probe", auth=PUBLIC)
    with pytest.raises(ValueError, match="named health"):
        declare(health)
    assert ("GET", "/never-routed") not in OPERATIONS
