"""The core does not know Keras, plotting, widgets or data sets.

nnkit's layers, optimizers, schedules, losses, models (every module
outside the outer packages below) may not import from
``nnkit.interop``, ``nnkit.plot``, ``nnkit.widgets``,
``nnkit.datasets`` or ``nnkit.book``: not at the top of a file, not
inside a function, not through ``importlib``. The outer packages build on the core, never
the other way round, so a student reading a layer meets only the maths.
The check reads the source (AST), so it also sees imports that a test
run never executes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NNKIT = ROOT / "nnkit"

# nnkit.book, the chapters' set-up and checks, sits on top of it all.
OUTER = ("interop", "plot", "widgets", "datasets", "book")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def is_outer(module: str) -> bool:
    """Whether ``module`` is one of the outer packages or inside one."""
    return any(module == f"nnkit.{p}" or module.startswith(f"nnkit.{p}.")
               for p in OUTER)


def imported_modules(source: str, module: str, is_package: bool
                     ) -> set[str]:
    """Every module (and ``package.name``) that ``source`` imports."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module
                                          else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from nnkit import interop` imports the submodule too
            found.update(f"{target}.{a.name}" for a in node.names)
        elif (isinstance(node, ast.Call)
              and getattr(node.func, "attr", getattr(node.func, "id", ""))
              == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            name = node.args[0].value
            if name.startswith("."):
                dots = len(name) - len(name.lstrip("."))
                base = package.split(".")
                base = base[:len(base) - (dots - 1)]
                name = ".".join(base + [name.lstrip(".")])
            found.add(name)
    return found


def core_files() -> list[Path]:
    return [p for p in sorted(NNKIT.rglob("*.py"))
            if not is_outer(module_name(p))]


def forbidden_imports(path: Path) -> list[str]:
    module = module_name(path)
    imports = imported_modules(path.read_text(), module,
                               path.name == "__init__.py")
    return sorted(m for m in imports if is_outer(m))


@pytest.mark.parametrize("path", core_files(),
                         ids=lambda p: module_name(p))
def test_core_module_imports_no_outer_package(path):
    bad = forbidden_imports(path)
    assert not bad, (
        f"{module_name(path)} imports {bad}: the core may not depend on "
        f"{', '.join('nnkit.' + p for p in OUTER)} (register a Keras "
        f"conversion in nnkit/interop/ instead)")


def test_the_core_is_what_is_checked():
    names = {module_name(p) for p in core_files()}
    for core in ("nnkit", "nnkit.layers.dense", "nnkit.optimizers._adam",
                 "nnkit.schedules._base", "nnkit.losses", "nnkit.models"):
        assert core in names, core
    assert not any(is_outer(n) for n in names)
    assert is_outer("nnkit.interop._base") and is_outer("nnkit.plot")
    assert not is_outer("nnkit.interop_extra")


@pytest.mark.parametrize("source,module,expected", [
    ("from ..interop import import_keras", "nnkit.schedules._base",
     "nnkit.interop"),
    ("def f():\n    from .. import plot", "nnkit.layers.dense",
     "nnkit.plot"),
    ("import nnkit.widgets as w", "nnkit.losses", "nnkit.widgets"),
    ("from nnkit import datasets", "nnkit.metrics._curves",
     "nnkit.datasets"),
    ("import importlib\nimportlib.import_module('nnkit.interop')",
     "nnkit.models._sequential", "nnkit.interop"),
    ("from ..datasets._mnist import load", "nnkit.optimizers._sgd",
     "nnkit.datasets._mnist"),
])
def test_the_check_sees_every_form_of_import(source, module, expected):
    # The check must be able to fail: each form is reported.
    found = imported_modules(source, module, is_package=False)
    assert expected in found
    assert any(is_outer(m) for m in found)


def test_relative_imports_resolve_from_a_package_init():
    found = imported_modules("from ._sgd import SGD\nfrom .. import losses",
                             "nnkit.optimizers", is_package=True)
    assert {"nnkit.optimizers._sgd", "nnkit.losses"} <= found
    assert not any(is_outer(m) for m in found)
