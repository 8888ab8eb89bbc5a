"""The layers' imports point inwards: entrypoints -> services -> domain. Read from the source
with ``ast`` (every import statement, in functions and ``if TYPE_CHECKING:`` blocks too, and
relative imports resolved), so an import that only runs on first use is caught as well."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.packaging import PROJECT

CHALICELIB = PROJECT / "chalicelib"

# For each layer, the parts of chalicelib its modules must not import.
FORBIDDEN = {
    "services": ("chalicelib.entrypoints", "chalicelib.adapters", "chalicelib.bootstrap"),
    "domain": ("chalicelib.entrypoints", "chalicelib.services", "chalicelib.adapters", "chalicelib.bootstrap"),
}


def imported(source: str, module: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``module``'s source; for ``from x
    import y`` both ``x`` and ``x.y`` (``y`` may be a submodule)."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def imports_of(path: Path) -> list[tuple[int, str]]:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    is_package = parts[-1] == "__init__"
    module = ".".join(parts[:-1] if is_package else parts)
    return imported(path.read_text(), module, is_package=is_package)


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_does_not_import_the_layers_outside_it(layer):
    files = sorted((CHALICELIB / layer).rglob("*.py"))
    assert files
    wrong = [
        f"{path.relative_to(PROJECT)}:{line} imports {name}"
        for path in files
        for line, name in imports_of(path)
        if any(within(name, package) for package in FORBIDDEN[layer])
    ]
    assert wrong == []


@pytest.mark.parametrize(("source", "module", "is_package"), [
    # what services/chat.py once did inside a method, from the package it is in now
    ("def f():\n    from ...entrypoints.representations import message", "chalicelib.services.chat.conversation", False),
    ("from .. import entrypoints", "chalicelib.services", True),
    ("from ...entrypoints import frames", "chalicelib.services.chat", True),
    ("import chalicelib.entrypoints.frames", "chalicelib.domain.chat", False),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..entrypoints import http", "chalicelib.domain.x", False),
])
def test_the_check_sees_an_import_of_entrypoints_however_written(source, module, is_package):
    names = [name for _, name in imported(source, module, is_package=is_package)]
    assert any(within(name, "chalicelib.entrypoints") for name in names), names


def test_the_check_does_not_see_one_where_there_is_none():
    names = [name for _, name in imported("from ...domain import chat\nfrom . import ports", "chalicelib.services.chat",
                                          is_package=True)]
    assert names == ["chalicelib.domain", "chalicelib.domain.chat", "chalicelib.services.chat",
                     "chalicelib.services.chat.ports"]
