"""Every public name reports a public module (repr, API page, pickle).

A package re-exports the names of its private modules; ``SGD`` must
say it is ``nnkit.optimizers.SGD``, not ``nnkit.optimizers._sgd.SGD``,
in its repr, in error messages and on the API page (autodoc takes the
module from ``__module__``), and that module must hold the name.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
from pathlib import Path

import pytest

import nnkit
from nnkit._public import set_public_module

ROOT = Path(nnkit.__file__).parent


def packages() -> list[str]:
    names = ["nnkit"]
    for info in pkgutil.walk_packages(nnkit.__path__, "nnkit."):
        if info.ispkg:
            names.append(info.name)
    return sorted(names)


def private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def public_objects(package: str):
    module = importlib.import_module(package)
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            yield name, obj


def test_every_package_is_checked():
    found = set(packages())
    assert {"nnkit", "nnkit.optimizers", "nnkit.schedules",
            "nnkit.layers", "nnkit.interop", "nnkit.widgets"} <= found
    assert len(found) == len(list(ROOT.rglob("__init__.py")))


@pytest.mark.parametrize("package", packages())
def test_public_names_report_a_public_module_that_holds_them(package):
    objects = list(public_objects(package))
    assert objects, f"{package} exports no class or function"
    for name, obj in objects:
        where = obj.__module__
        assert not private(where), f"{package}.{name} reports {where}"
        assert getattr(importlib.import_module(where), obj.__name__) \
            is obj, f"{where} does not hold {name}"
        if inspect.isclass(obj):
            assert repr(obj) == f"<class '{where}.{obj.__qualname__}'>"
            assert pickle.loads(pickle.dumps(obj)) is obj


def test_re_exported_names_report_the_package():
    assert nnkit.optimizers.SGD.__module__ == "nnkit.optimizers"
    assert repr(nnkit.optimizers.SGD) == "<class 'nnkit.optimizers.SGD'>"
    assert nnkit.schedules.get.__module__ == "nnkit.schedules"
    assert nnkit.Sequential.__module__ == "nnkit.models"
    # names of public submodules keep them (their source stays findable)
    assert nnkit.layers.Dense.__module__ == "nnkit.layers.dense"
    assert "class Dense" in inspect.getsource(nnkit.layers.Dense)


def test_only_names_from_the_packages_private_modules_change():
    import types
    pkg = types.ModuleType("fakepkg")
    inner = type("Inner", (), {"__module__": "fakepkg._part"})
    outer = type("Outer", (), {"__module__": "elsewhere._part"})
    pkg.Inner, pkg.Outer = inner, outer
    import sys
    sys.modules["fakepkg"] = pkg
    try:
        set_public_module("fakepkg", ["Inner", "Outer"])
    finally:
        del sys.modules["fakepkg"]
    assert inner.__module__ == "fakepkg"
    assert outer.__module__ == "elsewhere._part"
    assert private("nnkit.optimizers._sgd") and not private("nnkit.layers")
