"""nnkit's promise: the from-scratch core needs NumPy and nothing heavier.

Each check runs in a fresh interpreter (``sys.executable``), because in
this one pytest plugins or other tests may already have imported
TensorFlow or matplotlib.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Top-level packages that must not be imported by `import nnkit`, nor by
# any nnkit module other than the plotting/widget ones.
FORBIDDEN = ("tensorflow", "keras", "sklearn", "matplotlib", "ipywidgets",
             "mlxtend", "pydataset", "pandas")
# The only modules allowed to import matplotlib/ipywidgets at import time:
# the packages nnkit.plot and nnkit.widgets with their submodules.
PLOTTING_PACKAGES = {"nnkit.plot", "nnkit.widgets"}

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def modules_loaded_by(*names: str) -> set[str]:
    """``sys.modules`` of a fresh interpreter after importing ``names``."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *names],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, (
        f"importing {', '.join(names)} failed:\n{result.stderr[-3000:]}")
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    """The forbidden top-level packages present in ``modules``."""
    tops = {m.split(".")[0] for m in modules}
    return sorted(tops.intersection(FORBIDDEN))


def core_modules() -> list[str]:
    """Every nnkit submodule except the plotting/widget ones."""
    names = []
    for path in sorted((ROOT / "nnkit").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if name == "nnkit":         # test_import_nnkit_... covers it
            continue
        if not may_import_plotting(name):
            names.append(name)
    return names


def may_import_plotting(name: str) -> bool:
    """Whether module ``name`` may import matplotlib and ipywidgets."""
    return any(name == p or name.startswith(p + ".")
               for p in PLOTTING_PACKAGES)


def test_only_plot_and_widgets_may_import_plotting() -> None:
    # The exemption covers nnkit.plot's and nnkit.widgets' own modules,
    # nothing that merely shares a prefix; every other module is checked.
    assert may_import_plotting("nnkit.plot")
    assert may_import_plotting("nnkit.plot._boundary")
    assert may_import_plotting("nnkit.widgets")
    assert may_import_plotting("nnkit.widgets._race")
    for name in ("nnkit", "nnkit.plotting", "nnkit.plot_extra",
                 "nnkit.widgets_extra", "nnkit.layers.dense",
                 "nnkit.models", "nnkit.interop", "nnkit.preprocessing"):
        assert not may_import_plotting(name), name
    core = core_modules()
    assert "nnkit.models" in core and "nnkit.layers.dense" in core
    assert not [m for m in core if may_import_plotting(m)]
    for package in ("plot", "widgets"):
        submodules = [f"nnkit.{package}.{p.stem}" for p in
                      (ROOT / "nnkit" / package).glob("_*.py")
                      if p.stem != "__init__"]
        assert submodules, f"expected the nnkit.{package} package"
        assert all(may_import_plotting(m) for m in submodules)
    assert "nnkit.interop._base" in core
    assert "nnkit.preprocessing._splits" in core


def test_import_nnkit_loads_no_heavy_dependency() -> None:
    loaded = modules_loaded_by("nnkit")
    assert "nnkit" in loaded
    assert "numpy" in loaded
    assert not heavy(loaded), (
        f"`import nnkit` imports {heavy(loaded)}; the from-scratch core "
        f"may import only NumPy (import optional packages inside the "
        f"functions that need them)")


@pytest.mark.parametrize("module", core_modules())
def test_core_module_loads_no_heavy_dependency(module: str) -> None:
    loaded = modules_loaded_by(module)
    assert module in loaded
    assert not heavy(loaded), (
        f"`import {module}` imports {heavy(loaded)} at import time")


def test_probe_sees_a_heavy_import() -> None:
    # The check must be able to fail: importing a module that pulls in
    # one of the forbidden packages is reported.
    loaded = modules_loaded_by("json", "matplotlib")
    assert heavy(loaded) == ["matplotlib"]
    assert heavy({"numpy", "numpy.linalg", "nnkit.layers"}) == []
