"""Public names report their public module.

A package such as ``nnkit.optimizers`` keeps each part in a private
module (``_sgd.py``) and re-exports the public names. Python would
report ``SGD`` as ``nnkit.optimizers._sgd.SGD`` (in ``repr``, in error
messages, on the API page). ``set_public_module`` makes such names
report the package they are imported from instead, as NumPy does with
its own names. Pickling still finds them there.

One cost, on Python before 3.13: ``inspect.getsource`` of such a class
(``SGD??`` in Jupyter) looks for it in the package's ``__init__.py``
and fails; the source of each method (``SGD.update_step??``) is found
as before. So names defined in public modules, such as the layers
(``nnkit.layers.dense.Dense``), are left as they are.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterable
from typing import Any

__all__ = ["set_public_module", "config_repr"]


def set_public_module(package: str, names: Iterable[str]) -> None:
    """Report ``package`` as the module of its re-exported ``names``.

    Only classes and functions defined in one of the package's private
    modules (``package._part``) change.

    Args:
        package: the package's ``__name__``.
        names: its public names (``__all__``).
    """
    module = sys.modules[package]
    for name in names:
        obj = getattr(module, name)
        defined_in = getattr(obj, "__module__", None) or ""
        if (inspect.isclass(obj) or inspect.isfunction(obj)) \
                and defined_in.startswith(package + "._"):
            obj.__module__ = package


def config_repr(obj: Any) -> str:
    """``Name(arg=value, ...)`` from ``obj.get_config()``: the
    ``__repr__`` of activations, initializers, regularizers and losses
    (``L1L2(l1=0.01, l2=0.0)``)."""
    args = ", ".join(f"{k}={v}" for k, v in obj.get_config().items())
    return f"{type(obj).__name__}({args})"
