"""The optimizer race's 2-D test functions and their gradients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class Surface(NamedTuple):
    """A 2-D test function for optimizers.

    Its fields (documented here once; autodoc lists them too):

    - ``f``: ``f(x, y)``, vectorised over arrays.
    - ``grad``: ``grad(x, y)`` -> array ``[df/dx, df/dy]``.
    - ``start``: the default starting point.
    - ``bounds``: ``((x_min, x_max), (y_min, y_max))`` to plot.
    - ``minimum``: the global minimum's location, or None.
    - ``learning_rate``: the race's default rate for SGD, Momentum and
      Nesterov (about the largest at which they stay stable).
    - ``adaptive_learning_rate``: the race's default rate for the
      adaptive methods (Adagrad, RMSprop, Adam...).
    """

    f: Callable[[Any, Any], Any]
    grad: Callable[[float, float], np.ndarray]
    start: tuple[float, float]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    minimum: tuple[float, float] | None
    learning_rate: float
    adaptive_learning_rate: float


def _beale_terms(x, y):
    return (1.5 - x + x * y, 2.25 - x + x * y ** 2,
            2.625 - x + x * y ** 3)


def _beale(x, y):
    a, b, c = _beale_terms(x, y)
    return a ** 2 + b ** 2 + c ** 2


def _beale_grad(x, y):
    a, b, c = _beale_terms(x, y)
    return np.array([2 * a * (y - 1) + 2 * b * (y ** 2 - 1)
                     + 2 * c * (y ** 3 - 1),
                     2 * a * x + 4 * b * x * y + 6 * c * x * y ** 2])


def surfaces() -> dict[str, Surface]:
    """The race's test functions by name.

    * ``"rosenbrock"``: ``(1 - x)**2 + 100 (y - x**2)**2``, a curved
      valley with its minimum at (1, 1);
    * ``"beale"``: Beale's function, minimum at (3, 0.5), flat
      plateaus and steep walls;
    * ``"saddle"``: ``x**2 - y**2``, a saddle point at the origin
      (unbounded below: a good optimizer leaves it);
    * ``"quadratic"``: ``(x**2 + 10 y**2) / 2``, an elongated bowl
      (condition number 10), minimum at the origin.
    """
    return {
        "rosenbrock": Surface(
            lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
            lambda x, y: np.array([-2 * (1 - x) - 400 * x * (y - x ** 2),
                                   200 * (y - x ** 2)]),
            (-1.5, 2.0), ((-2.0, 2.0), (-1.0, 3.0)), (1.0, 1.0), 0.001,
            0.1),
        "beale": Surface(_beale, _beale_grad, (1.0, 1.5),
                         ((-4.5, 4.5), (-4.5, 4.5)), (3.0, 0.5), 0.003,
                         0.1),
        "saddle": Surface(
            lambda x, y: x ** 2 - y ** 2,
            lambda x, y: np.array([2 * x, -2 * y]),
            (-1.5, 0.001), ((-2.0, 2.0), (-2.0, 2.0)), None, 0.01, 0.01),
        "quadratic": Surface(
            lambda x, y: (x ** 2 + 10 * y ** 2) / 2,
            lambda x, y: np.array([x, 10 * y]),
            (-4.0, 1.5), ((-5.0, 5.0), (-2.5, 2.5)), (0.0, 0.0), 0.12,
            0.3),
    }


def _surface(surface: str | Surface, owner: str = "race") -> Surface:
    if isinstance(surface, Surface):
        return surface
    table = surfaces()
    if not isinstance(surface, str) or surface not in table:
        raise (ValueError if isinstance(surface, str) else TypeError)(
            f"{owner}: surface must be a Surface or one of "
            f"{', '.join(map(repr, table))}, got {surface!r}")
    return table[surface]
