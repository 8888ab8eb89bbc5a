"""The Lambda package imports what the code imports: deployment.zip (app.py, chalicelib and
only the runtime requirements, as `chalice package` builds it) is unzipped and, in a fresh
interpreter that sees nothing but the package and the standard library, every module the
code names is imported. A dependency that only the development requirements bring (the
tests, the local stack) would pass every other test and fail in AWS on first use.

What is imported: ``app`` and every module of ``chalicelib`` (pkgutil.walk_packages), and
every module named by an import statement anywhere in app.py and chalicelib, including the
imports inside functions that keep the cold start cheap (read with ``ast``; relative imports
resolved to absolute names; ``if TYPE_CHECKING:`` blocks skipped, they never run); for
``from x import y``, ``y`` must be an attribute or a submodule of ``x``. Every compiled
extension module in the package (pycld2, nh3, cryptography and what they pull in) is loaded
too, so a wheel built for another Python or platform shows up here.

The interpreter is the venv's base Python (``sys._base_executable``) with ``-I -S``: no
PYTHONPATH, no user or site packages, so the venv's site-packages, where the development
requirements live, cannot stand in for the package. Chalice packages for the Python it runs
under (the functions' ``Runtime`` in sam.json), so the compiled wheels in the zip are for
this interpreter. Should that ever not hold (a runtime Chalice maps to another version, or
a machine that is not x86-64 Linux), the zip's compiled modules cannot load here; then the
test says so and checks the same question with what this interpreter can load: the zip's own
code (app.py, chalicelib and the chalice runtime package Chalice adds) on top of
``pip install --target`` of requirements.txt for this interpreter, the exact list Chalice
packages from.
"""

from __future__ import annotations

import ast
import importlib.machinery
import importlib.util
import json
import shutil
import subprocess
import sys
import warnings
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.packaging import PROJECT

# Runs in the isolated interpreter: reads the job on stdin, answers JSON on stdout.
CHECK = r"""
import importlib, json, pkgutil, sys, traceback

job = json.load(sys.stdin)
sys.path.insert(0, job["root"])
failures = []

def attempt(module, names=(), sites=("(walk)",)):
    try:
        found = importlib.import_module(module)
    except BaseException as error:
        failures.append({"module": module, "sites": sites, "error": f"{type(error).__name__}: {error}"})
        return
    for name in names:
        if name == "*" or hasattr(found, name):
            continue
        try:
            importlib.import_module(f"{module}.{name}")
        except BaseException as error:
            failures.append({"module": f"{module}.{name}", "sites": sites, "error": f"{type(error).__name__}: {error}"})

attempt("app")
attempt("chalicelib")
walked = ["app", "chalicelib"]
def unwalkable(name):
    failures.append({"module": name, "sites": ["(walk)"], "error": "".join(traceback.format_exception_only(*sys.exc_info()[:2])).strip()})
for info in pkgutil.walk_packages(sys.modules["chalicelib"].__path__, "chalicelib.", onerror=unwalkable):
    walked.append(info.name)
    attempt(info.name)
for check in job["checks"]:
    attempt(check["module"], check["names"], check["sites"])
for module in job["extensions"]:
    attempt(module, (), ["(a compiled module of the package)"])
print(json.dumps({"failures": failures, "walked": walked, "path": sys.path, "version": list(sys.version_info[:2])}))
"""


def _type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(node: ast.AST):
    """Every node under ``node``, leaving out the body of ``if TYPE_CHECKING:`` (its else runs)."""
    for child in ast.iter_child_nodes(node):
        if _type_checking(child):
            for other in child.orelse:  # type: ignore[attr-defined]
                yield other
                yield from _statements(other)
            continue
        yield child
        yield from _statements(child)


def imports_of_the_code(root: Path) -> list[dict[str, Any]]:
    """Every import statement in app.py and chalicelib under ``root``, as absolute module
    names, with the names taken from them and the file:line of each place that imports it."""
    sites: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for path in [root / "app.py", *sorted((root / "chalicelib").rglob("*.py"))]:
        relative = path.relative_to(root)
        package = ".".join(relative.parent.parts)  # what a relative import starts from
        for node in _statements(ast.parse(path.read_text(), str(relative))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    sites[(alias.name, ())].append(f"{relative}:{node.lineno}")
            elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
                module = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
                names = tuple(sorted(alias.name for alias in node.names))
                sites[(module, names)].append(f"{relative}:{node.lineno}")
    return [{"module": module, "names": list(names), "sites": where} for (module, names), where in sorted(sites.items())]


def _extension_files(root: Path) -> list[tuple[Path, str]]:
    """The extension modules in the folder with their importable names (``nh3/nh3.abi3.so``
    -> ``nh3.nh3``), whatever interpreter they were built for; shared libraries vendored
    beside them (``*.libs/``, outside any package) are not modules."""
    found = []
    for path in sorted(root.rglob("*.so")):
        folders = path.relative_to(root).parent.parts
        if all((root.joinpath(*folders[: i + 1]) / "__init__.py").exists() for i in range(len(folders))):
            found.append((path, ".".join([*folders, path.name.split(".", 1)[0]])))
    return found


def compiled_modules(root: Path) -> list[str]:
    return [name for _, name in _extension_files(root)]


def loadable_here(root: Path) -> bool:
    """Whether this interpreter can load every extension module in the folder."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return all(path.name.endswith(suffixes) for path, _ in _extension_files(root))


def site_for_this_interpreter(package: Path, folder: Path) -> Path:
    """The fallback described above: the package's own code over requirements.txt installed
    for this interpreter."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--target", str(folder),
         "-r", str(PROJECT / "requirements.txt")],
        check=True, capture_output=True, text=True, timeout=900,
    )
    for name in ("app.py", "chalicelib", "chalice"):
        source, target = package / name, folder / name
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        shutil.copytree(source, target) if source.is_dir() else shutil.copy2(source, target)
    return folder


def test_the_lambda_package_imports_everything_the_code_imports(packages: dict[str, Path], tmp_path: Path) -> None:
    built = packages["prod"]  # every stage packs the same code and requirements
    runtimes = {
        r["Properties"]["Runtime"] for r in json.loads((built / "sam.json").read_text())["Resources"].values()
        if r["Type"] == "AWS::Serverless::Function"
    }
    unzipped = tmp_path / "package"
    with zipfile.ZipFile(built / "deployment.zip") as archive:
        archive.extractall(unzipped)
    extensions = compiled_modules(unzipped)
    assert {"pycld2._pycld2", "nh3.nh3", "cryptography.hazmat.bindings._rust"} <= set(extensions), extensions

    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    root = unzipped
    if runtimes != {here} or not loadable_here(unzipped):
        # Chalice packaged for another Python or platform than this one (see the docstring).
        root = site_for_this_interpreter(unzipped, tmp_path / "site")
        extensions = compiled_modules(root)
        warnings.warn(f"the package is for {sorted(runtimes)} and this is {here}: its compiled modules cannot "
                      "load here, so its code is checked over requirements.txt installed for this Python", stacklevel=1)

    job = {"root": str(root), "checks": imports_of_the_code(unzipped), "extensions": extensions}
    base = getattr(sys, "_base_executable", sys.executable)
    done = subprocess.run(
        [base, "-I", "-S", "-c", CHECK], input=json.dumps(job), capture_output=True, text=True, timeout=300,
        env={"AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin"}, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)

    # The interpreter saw the package and the standard library, nothing installed.
    assert result["version"] == [sys.version_info.major, sys.version_info.minor]
    assert result["path"][0] == str(root)
    assert not [p for p in result["path"] if "site-packages" in p or "dist-packages" in p], result["path"]
    assert {"app", "chalicelib.bootstrap", "chalicelib.adapters.webhooks", "chalicelib.entrypoints.http"} <= set(result["walked"])

    problems = [
        f"{failure['module']} (imported at {', '.join(failure['sites'])}): {failure['error']}"
        for failure in result["failures"]
    ]
    assert problems == [], "the Lambda package cannot import:\n  " + "\n  ".join(problems)
